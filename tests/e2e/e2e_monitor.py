# SPDX-License-Identifier: LGPL-2.1-or-later
"""Monitoring and tuning on real Xen: Domain-0 listed with the memory
`xl list` gives it; a running PV guest's memory statistics are Xen's; a
hot-added file-backed disk's blkback counters move as the guest's
blkfront reads its partition table; the scheduler weight and cap set
through libvirt are what `xl sched-credit2` (or sched-credit) shows; the
host's CPU statistics grow."""
import os
import time

import libvirt

from e2e_lib import banner_after, block_script_fits, check, console_count, \
    guest_xml, say, sh, skip, vbd_diagnostics, \
    state_of, wait_for

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
IMAGE = "/var/lib/libvirt/images/e2e-monitor.img"
DISK = ("<disk type='file' device='disk'><driver name='phy' type='raw'/>"
        "<source file='%s'/><target dev='xvdb' bus='xen'/></disk>" % IMAGE)


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

    a = conn.getCPUStats(E.VIR_NODE_CPU_STATS_ALL_CPUS)
    time.sleep(1)
    b = conn.getCPUStats(E.VIR_NODE_CPU_STATS_ALL_CPUS)
    check("monitor-nodecpustats", b["idle"] > a["idle"] and b["user"] >= a["user"],
          "%s then %s" % (a, b))

    for mod in ("xen-blkback", "loop"):
        sh("modprobe %s" % mod)
    os.makedirs(os.path.dirname(IMAGE), exist_ok=True)
    sh("truncate -s 32M %s" % IMAGE)
    name = "e2e-monitor"
    # the guest's block frontend reads the new disk's partition table
    dom = conn.defineXML(guest_xml(name, mem=160, cmdline="vxl_frontends"))
    before = console_count(name)
    dom.create()
    try:
        up = banner_after(name, before) is not None
        check("monitor-boots", up and state_of(dom) == E.VIR_DOMAIN_RUNNING,
              "state %s, no banner" % (dom.state(),))
        stats = dom.memoryStats()
        check("monitor-memstats", stats.get("actual") == dom.info()[2],
              "memoryStats %s, info %s" % (stats, dom.info()))

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
