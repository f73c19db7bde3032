# SPDX-License-Identifier: LGPL-2.1-or-later
"""Monitoring and tuning on real Xen: Domain-0 listed with the memory
`xl list` gives it; a running PV guest's memory statistics are Xen's; a
hot-added file-backed disk's blkback counters move as the guest's
blkfront reads its partition table; the guest's vif (defined with it,
on a bridge of dom0's own) has the name the live XML gives it, and its
netback counters, read through virsh domifstat, the bulk stats call and
Nova's diagnostics path, move while the guest pings dom0 across the
bridge and agree with dom0's sysfs; the scheduler weight and cap set
through libvirt are what `xl sched-credit2` (or sched-credit) shows; the
host's CPU statistics grow."""
import os
import re
import time
import xml.etree.ElementTree as ET

import libvirt

from e2e_lib import banner_after, block_script_fits, check, console_count, \
    console_text, \
    guest_xml, say, sh, skip, vbd_diagnostics, vif_script_fits, \
    state_of, wait_for

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
IMAGE = "/var/lib/libvirt/images/e2e-monitor.img"
DISK = ("<disk type='file' device='disk'><driver name='phy' type='raw'/>"
        "<source file='%s'/><target dev='xvdb' bus='xen'/></disk>" % IMAGE)


# A bridge of dom0's own with an address, no uplink: the guest's pings
# are answered by dom0, so both directions of the vif count.
BRIDGE = "vxle2ebr0"
DOM0_ADDR = "10.99.0.1"
GUEST_ADDR = "10.99.0.2/24"
MAC = "00:16:3e:e2:e0:13"


def nic_xml(script):
    return ("    <interface type='bridge'><source bridge='%s'/>"
            "<mac address='%s'/>%s</interface>\n" %
            (BRIDGE, MAC, "<script path='%s'/>" % script if script else ""))


def make_bridge():
    for mod in ("xen-netback", "bridge"):
        sh("modprobe %s" % mod)
    for cmd in ("ip link add name %s type bridge" % BRIDGE,
                "ip addr add %s/24 dev %s" % (DOM0_ADDR, BRIDGE),
                "ip link set dev %s up" % BRIDGE):
        r = sh(cmd)
        if r.returncode != 0:
            return "%s: %s" % (cmd, r.stderr.strip())
    return None


def sysfs_counter(ifname, name):
    try:
        with open("/sys/class/net/%s/statistics/%s" % (ifname, name)) as f:
            return int(f.read())
    except OSError:
        return None


def vif_diagnostics(tag, domid):
    for cmd in ("xenstore-ls -f /local/domain/0/backend/vif/%d" % domid,
                "xenstore-ls -f /local/domain/%d/device/vif" % domid,
                "ip -s link show dev vif%d.0" % domid,
                "bridge link show"):
        out = sh(cmd)
        for line in (out.stdout + out.stderr).splitlines():
            say("E2E INFO %s: %s" % (tag, line))


def interface_checks(conn, dom, name):
    """The vif's name in the live XML is dom0's netback device, and its
    counters, seen from the guest, move while the guest pings."""
    vif = "vif%d.0" % dom.ID()
    live = ET.fromstring(dom.XMLDesc(0))
    targets = [t.get("dev") for t in live.findall("devices/interface/target")]
    check("monitor-vif-name", targets == [vif] and
          os.path.isdir("/sys/class/net/%s" % vif),
          "live XML targets %s, dom0 interfaces %s" %
          (targets, sorted(os.listdir("/sys/class/net"))))

    def sent():
        try:
            return dom.interfaceStats(vif)[4] > 0
        except libvirt.libvirtError:
            return False
    moved = wait_for(sent, 90)
    # dom0's receive side is the guest's transmit side: libvirt's figure
    # lies between two reads of sysfs around it
    lo = sysfs_counter(vif, "rx_packets")
    try:
        st = dom.interfaceStats(vif)
    except libvirt.libvirtError as e:
        st = e
    hi = sysfs_counter(vif, "rx_packets")
    ok = (moved and not isinstance(st, Exception) and lo is not None and
          lo <= st[5] <= hi and st[1] > 0)
    if not ok:
        for line in console_text(name).splitlines()[-40:]:
            say("E2E INFO monitor-ifstats guest console: %s" % line)
        vif_diagnostics("monitor-ifstats", dom.ID())
    check("monitor-ifstats", ok,
          "interfaceStats(%s) %s; dom0 %s rx_packets %s..%s; guest console "
          "eth0 line: %s" % (vif, st, vif, lo, hi,
                             sh("grep -h 'guest eth0' /var/log/xen/console/guest-%s.log"
                                % name).stdout.strip()[-200:]))

    first = dom.interfaceStats(vif)
    time.sleep(4)
    r = sh("virsh -c xen:///system domifstat %s %s" % (name, vif))
    got = dict(re.findall(r"^%s (\S+) (-?\d+)$" % re.escape(vif), r.stdout, re.M))
    check("monitor-virsh-domifstat", r.returncode == 0 and
          int(got.get("tx_packets", -1)) > first[5] and
          int(got.get("rx_packets", -1)) > first[1],
          "before %s; virsh: %r %r" % (first, r.stdout, r.stderr))

    # virsh domiftune --live: netback takes a new credit from the vif's
    # "rate" backend node (1000 KB/s: 50000 bytes every 50 ms, as xl's
    # rate=1000KB/s); 0 removes it.
    node = "/local/domain/0/backend/vif/%d/0/rate" % dom.ID()
    rate = got = gone = None
    try:
        dom.setInterfaceParameters(vif, {"outbound.average": 1000}, LIVE)
        rate = sh("xenstore-read %s" % node).stdout.strip()
        got = dom.interfaceParameters(vif, LIVE).get("outbound.average")
        dom.setInterfaceParameters(vif, {"outbound.average": 0}, LIVE)
        gone = sh("xenstore-read %s" % node).returncode != 0
    except libvirt.libvirtError as e:
        got = repr(e)
    check("monitor-iftune-live", rate == "50000,50000" and got == 1000 and gone,
          "xenstore %s: %r; libvirt %r; removed after 0: %r" % (node, rate, got, gone))

    recs = conn.domainListGetStats([dom], libvirt.VIR_DOMAIN_STATS_INTERFACE)
    p = recs[0][1] if recs else {}
    check("monitor-domstats-net", p.get("net.count") == 1 and
          p.get("net.0.name") == vif and p.get("net.0.tx.pkts", 0) > first[5] and
          p.get("net.0.rx.bytes", 0) > 0,
          "getAllDomainStats interface: %s" % p)

    # Nova 22's diagnostics: each <interface><target dev> of the live
    # XML, then interfaceStats by that name
    diag = {}
    for t in ET.fromstring(dom.XMLDesc(0)).findall("devices/interface/target"):
        diag[t.get("dev")] = dom.interfaceStats(t.get("dev"))
    check("monitor-nova-ifstats", list(diag) == [vif] and diag[vif][0] > 0 and
          diag[vif][4] > 0, "Nova's view %s" % diag)


def xl_list_mem(name):
    for line in sh("xl list").stdout.splitlines()[1:]:
        cols = line.split()
        if cols and cols[0] == name:
            return int(cols[2])
    return None


def blockstats(dom):
    """blkback's counters of a hot-added disk move as the guest's
    blkfront reads its partition table."""
    t0 = time.monotonic()
    try:
        dom.attachDeviceFlags(DISK, LIVE)
    except libvirt.libvirtError as e:
        vbd_diagnostics("monitor-attach")
        check("monitor-blockstats", False, "hot-add: %s" % e)
        return
    say("E2E FIGURE monitor disk hot-add: %.1fs" % (time.monotonic() - t0))

    def reads():
        try:
            return dom.blockStats("xvdb")[0] > 0
        except libvirt.libvirtError:
            return False
    got = wait_for(reads, 60)
    try:
        blk = dom.blockStats("xvdb")
    except libvirt.libvirtError as e:
        blk = repr(e)
    check("monitor-blockstats", got, "blockStats %s" % (blk,))


def run(conn, events):
    dom0 = conn.lookupByID(0)
    mem = xl_list_mem("Domain-0")
    info = dom0.info()
    check("monitor-dom0", dom0.name() == "Domain-0" and mem is not None and
          abs(info[2] // 1024 - mem) <= 1,
          "info %s, xl list %s MiB" % (info, mem))

    # Domain-0's vCPUs are Xen's to account, as any domain's: read xl's
    # first, so libvirt's later times are no smaller
    xl = [l.split() for l in sh("xl vcpu-list 0").stdout.splitlines()[1:] if l.split()]
    try:
        vc = dom0.vcpus()[0]
        per = dom0.getCPUStats(False)
    except libvirt.libvirtError as e:
        vc, per = [], repr(e)
    check("monitor-dom0-vcpus", vc and len(vc) == len(xl) and
          all(v[2] / 1e9 + 0.1 >= float(x[5]) for v, x in zip(vc, xl)) and
          isinstance(per, list) and len(per) == len(vc),
          "vcpus %s, cpu-stats %s, xl vcpu-list 0 %s" % (vc, per, xl))

    a = conn.getCPUStats(E.VIR_NODE_CPU_STATS_ALL_CPUS)
    time.sleep(1)
    b = conn.getCPUStats(E.VIR_NODE_CPU_STATS_ALL_CPUS)
    check("monitor-nodecpustats", b["idle"] > a["idle"] and b["user"] >= a["user"] and
          set(b) == {"kernel", "user", "idle", "iowait"} and
          b["kernel"] == 0 and b["iowait"] == 0,
          "%s then %s" % (a, b))

    for mod in ("xen-blkback", "loop"):
        sh("modprobe %s" % mod)
    os.makedirs(os.path.dirname(IMAGE), exist_ok=True)
    sh("truncate -s 32M %s" % IMAGE)
    name = "e2e-monitor"
    # Xen's vif-bridge when this dom0 can run it in libxl's time, else
    # the test's own four-process script doing the same (tests/e2e/vif-e2e)
    bridge_err = make_bridge()
    fits, why = vif_script_fits("monitor-vif")
    script = None if fits else "/e2e/vif-e2e"
    if script:
        say("E2E INFO monitor-vif: %s; the vif gets %s instead" % (why, script))
    nic = nic_xml(script) if bridge_err is None else ""
    if bridge_err:
        say("E2E INFO monitor-vif: no bridge: %s" % bridge_err)
    # the guest's block frontend reads the new disk's partition table;
    # its network frontend pings dom0
    dom = conn.defineXML(guest_xml(
        name, mem=160, devices=nic,
        cmdline="vxl_frontends vxl_ping=%s:%s" % (GUEST_ADDR, DOM0_ADDR)))
    before = console_count(name)
    dom.create()
    try:
        up = banner_after(name, before) is not None
        check("monitor-boots", up and state_of(dom) == E.VIR_DOMAIN_RUNNING,
              "state %s, no banner" % (dom.state(),))
        stats = dom.memoryStats()
        check("monitor-memstats", stats.get("actual") == dom.info()[2],
              "memoryStats %s, info %s" % (stats, dom.info()))

        if bridge_err is None:
            interface_checks(conn, dom, name)
        else:
            check("monitor-vif-name", False, "no bridge in dom0: %s" % bridge_err)

        fits, why = block_script_fits("monitor-blockstats")
        if fits:
            blockstats(dom)
        else:
            skip("monitor-blockstats", why)

        dom.setSchedulerParametersFlags({"weight": 512, "cap": 50}, LIVE)
        sched = dom.schedulerType()[0]
        out = sh("xl sched-%s -d %s" % (sched, name)).stdout
        row = [l.split() for l in out.splitlines() if l.split()[:1] == [name]]
        check("monitor-sched", row and row[0][2] == "512" and row[0][3] == "50" and
              dom.schedulerParameters() == {"weight": 512, "cap": 50},
              "xl sched-%s: %r, libvirt %s" % (sched, out, dom.schedulerParameters()))
    finally:
        if dom.isActive():
            dom.destroy()
        dom.undefine()
        if os.path.exists(IMAGE):
            os.unlink(IMAGE)
        sh("ip link del %s" % BRIDGE)
