# SPDX-License-Identifier: LGPL-2.1-or-later
"""Nova 22 (virt_type=xen) on real Xen: the flow of
tests/integration/test_nova_flow.py, through the same port of Nova's
libvirt driver (nova22.py, copied beside this file by scripts/e2e-image),
on a PV instance of an AMI-style image (Nova's kernel_id/ramdisk_id path:
the e2e's busybox kernel and initramfs as the instance's kernel and
ramdisk, a qcow2 root disk served by qdisk as Nova's XML asks, a vif on a
bridge of dom0's own with Nova's tap name): spawn, get_info, pause and
unpause, suspend and resume, soft and hard reboot, power off and on,
cold snapshot of a running and of a paused instance, rescue and
unrescue, an iSCSI-style volume (a loop device) and a second vif
attached and detached, both diagnostics, the resource tracker's host
figures against xl, destroy and undefine. Each step is checked against
the guest's console and xl."""
import os
import shutil
import struct
import time
import uuid
import xml.etree.ElementTree as ET

import libvirt

import nova22
from nova22 import PAUSED, RUNNING, SHUTDOWN, Instance, NovaError
from e2e_lib import (banner_after, block_script_fits, check, console_count,
                     say, sh, skip, state_of, vbd_diagnostics, vif_script_fits,
                     wait_for, xl_domains, xl_info)

E = libvirt
NAME = "instance-00e2e001"
BRIDGE = "vxle2ebr0"          # e2e_monitor's bridge, made here if missing
TAP = "tape2e001-01"
TAP2 = "tape2e001-02"
VOLUME_FILE = "/var/lib/libvirt/images/e2e-nova-volume.img"
INSTANCES = "/var/lib/nova/instances"


def attempt(fn, *args):
    try:
        return fn(*args), None
    except (libvirt.libvirtError, NovaError) as e:
        return None, e


def qcow2(path, size=64 << 20):
    """An empty qcow2 (version 2, 64 KiB clusters): header, one L1 table,
    the refcount table and its one block, each a cluster; what `qemu-img
    create -f qcow2` makes, written here since dom0 has no qemu-img."""
    cl = 1 << 16
    header = struct.pack(">4sIQIIQIIQQIIQ", b"QFI\xfb", 2, 0, 0, 16, size, 0,
                         1, cl, 2 * cl, 1, 0, 0)
    with open(path, "wb") as f:
        f.write(header.ljust(cl, b"\0"))
        f.write(b"\0" * cl)                                   # L1: unallocated
        f.write(struct.pack(">Q", 3 * cl).ljust(cl, b"\0"))    # refcount table
        f.write(struct.pack(">4H", 1, 1, 1, 1).ljust(cl, b"\0"))  # clusters 0-3


def make_instance(script):
    inst = Instance(NAME, str(uuid.uuid4()), kind="pv-kernel", memory_mb=128,
                    instances_path=INSTANCES, bridge=BRIDGE,
                    vifs=(("fa:16:3e:e2:e0:01", TAP),), vif_script=script)
    os.makedirs(inst.path, exist_ok=True)
    for name, src in (("kernel", "/guest/vmlinux"), ("ramdisk", "/guest/guest.cpio.gz"),
                      ("kernel.rescue", "/guest/vmlinux"),
                      ("ramdisk.rescue", "/guest/guest.cpio.gz")):
        shutil.copyfile(src, os.path.join(inst.path, name))
    qcow2(os.path.join(inst.path, "disk"))
    qcow2(os.path.join(inst.path, "disk.rescue"))
    return inst


def bridge_up():
    """Make the bridge unless it is there; why not, or None. The caller
    takes it away again (bridge_down): e2e_monitor makes its own."""
    if os.path.isdir("/sys/class/net/%s" % BRIDGE):
        return "%s exists already" % BRIDGE
    for mod in ("xen-netback", "bridge"):
        sh("modprobe %s" % mod)
    for cmd in ("ip link add name %s type bridge" % BRIDGE,
                "ip addr add 10.99.0.1/24 dev %s" % BRIDGE,
                "ip link set dev %s up" % BRIDGE):
        r = sh(cmd)
        if r.returncode != 0:
            return "%s: %s" % (cmd, r.stderr.strip())
    return None


def bridge_down():
    sh("ip link del %s" % BRIDGE)


def xl_id(name):
    got = xl_domains().get(name)
    return got[0] if got else None


def boot_check(tag, nova, inst, before, err, extra_ok=True, extra=""):
    line = banner_after(NAME, before)
    state, domid = nova.get_info(inst) if err is None else (None, None)
    check(tag, err is None and line is not None and state == RUNNING and
          domid == xl_id(NAME) and extra_ok,
          "error %s, banner %r, Nova's state %s id %s, xl id %s %s"
          % (err, line, state, domid, xl_id(NAME), extra))


def steps(conn, nova, inst):
    dom = lambda: conn.lookupByUUIDString(inst.uuid)

    # spawn: define, launch (not paused on xen), wait for RUNNING
    before = console_count(NAME)
    _, err = attempt(nova.spawn, inst)
    live = ET.fromstring(dom().XMLDesc(0)) if err is None else None
    taps = [t.get("dev") for t in live.findall("devices/interface/target")] if live is not None else []
    boot_check("nova-spawn", nova, inst, before, err,
               taps == [TAP] and os.path.isdir("/sys/class/net/%s" % TAP),
               "; live targets %s, dom0 interfaces %s" % (taps, sorted(os.listdir("/sys/class/net"))))
    if err is not None:
        say("E2E INFO nova-spawn: %s" % sh("tail -20 /var/log/xen/qemu-dm-%s.log; "
                                           "grep -iE 'error|qdisk' /var/log/libvirt/libvirtd.log | tail -20" % NAME).stdout)
        return

    # get_info
    state, domid = nova.get_info(inst)
    check("nova-get-info", state == RUNNING and domid == xl_id(NAME),
          "Nova's (state, id) %s, xl id %s" % ((state, domid), xl_id(NAME)))

    # pause / unpause (with sync_guest_time)
    _, err = attempt(nova.pause, inst)
    p = state_of(dom()) == E.VIR_DOMAIN_PAUSED and "p" in xl_domains().get(NAME, ("", ""))[1]
    _, err2 = attempt(nova.unpause, inst)
    loud = [(w, str(e)) for w, e in nova.swallowed if w != "sync_guest_time"]
    check("nova-pause-unpause", err is None and err2 is None and p and
          nova.get_info(inst)[0] == RUNNING and not loud,
          "errors %s / %s, paused in xl %s, errors Nova would warn about %s"
          % (err, err2, p, loud))
    nova.swallowed.clear()

    # suspend / resume: managed save, then the XML defined again and
    # launched from the image; the guest carries on (no second banner)
    before = console_count(NAME)
    _, err = attempt(nova.suspend, inst)
    saved = err is None and NAME not in xl_domains() and dom().hasManagedSaveImage(0)
    _, err2 = attempt(nova.resume, inst)
    check("nova-suspend-resume", saved and err2 is None and
          nova.get_info(inst)[0] == RUNNING and console_count(NAME) == before
          and not dom().hasManagedSaveImage(0),
          "errors %s / %s, saved %s, banners %d -> %d" %
          (err, err2, saved, before, console_count(NAME)))

    # soft reboot: shutdown, wait for the new id, launch
    before = console_count(NAME)
    how, err = attempt(nova.reboot, inst, "SOFT")
    boot_check("nova-reboot-soft", nova, inst, before, err, how == "soft",
               "; took the %s path" % how)

    # hard reboot: destroy (undefines), define afresh, launch
    before = console_count(NAME)
    how, err = attempt(nova.reboot, inst, "HARD")
    boot_check("nova-reboot-hard", nova, inst, before, err, how == "hard")

    # power off (clean shutdown, 60 s resent every 10 s, then destroy) / on
    _, err = attempt(nova.power_off, inst, 60, 10)
    off = err is None and nova.get_info(inst)[0] == SHUTDOWN and NAME not in xl_domains()
    check("nova-power-off", off, "error %s, state %s, clean: %s" %
          (err, dom().state(), [c for c in nova.calls if c[0] == "_clean_shutdown"]))
    before = console_count(NAME)
    _, err = attempt(nova.power_on, inst)
    boot_check("nova-power-on", nova, inst, before, err)

    # cold snapshot of a running, then of a paused instance
    for paused in (False, True):
        tag = "nova-snapshot-paused" if paused else "nova-snapshot"
        if paused:
            nova.pause(inst)
        out = "/var/lib/libvirt/images/e2e-nova-snap.img"
        os.makedirs(os.path.dirname(out), exist_ok=True)
        before = console_count(NAME)
        res, err = attempt(nova.snapshot, inst, out)
        same = False
        if err is None:
            with open(res[0], "rb") as a, open(out, "rb") as b:
                same = a.read() == b.read()
        want = PAUSED if paused else RUNNING
        check(tag, err is None and same and nova.get_info(inst)[0] == want and
              console_count(NAME) == before and NAME in xl_domains(),
              "error %s, copy equal %s, state %s (want %s), banners %d -> %d"
              % (err, same, dom().state(), want, before, console_count(NAME)))
        if paused:
            attempt(nova.unpause, inst)
        if os.path.exists(out):
            os.unlink(out)

    # rescue / unrescue
    before = console_count(NAME)
    kept, err = attempt(nova.rescue, inst)
    disks = []
    if err is None:
        live = ET.fromstring(dom().XMLDesc(0))
        disks = [os.path.basename(d.find("source").get("file"))
                 for d in live.findall("devices/disk")]
    boot_check("nova-rescue", nova, inst, before, err,
               disks == ["disk.rescue", "disk"] and
               len(sh("xl block-list %s" % NAME).stdout.splitlines()) == 3,
               "; disks %s, xl block-list %r" % (disks, sh("xl block-list %s" % NAME).stdout))
    if kept is not None:
        before = console_count(NAME)
        _, err = attempt(nova.unrescue, inst, kept)
        disks = [os.path.basename(d.find("source").get("file")) for d in
                 ET.fromstring(dom().XMLDesc(0)).findall("devices/disk")] if err is None else []
        boot_check("nova-unrescue", nova, inst, before, err, disks == ["disk"],
                   "; disks %s" % disks)

    # a Cinder iSCSI volume: a block device (here a loop device)
    fits, why = block_script_fits("nova-volume")
    if not fits:
        for what in ("nova-volume-attach", "nova-volume-detach"):
            skip(what, why)
    else:
        volume(nova, inst, dom)

    # a second port
    fits, why = vif_script_fits("nova-interface")
    vif = nova22.Vif("fa:16:3e:e2:e0:02", TAP2, BRIDGE,
                     script=None if fits else "/e2e/vif-e2e")
    _, err = attempt(nova.attach_interface, inst, vif)
    up = err is None and wait_for(lambda: os.path.isdir("/sys/class/net/%s" % TAP2), 30)
    check("nova-interface-attach", up and "fa:16:3e:e2:e0:02" in
          dom().XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
          "error %s, dom0 has %s: %s" % (err, TAP2, up))
    # diagnostics while it has two vifs
    diagnostics(nova, inst)
    n, err = attempt(nova.detach_interface, inst, vif)
    gone = wait_for(lambda: not os.path.isdir("/sys/class/net/%s" % TAP2), 30)
    check("nova-interface-detach", err is None and n is not None and gone and
          "fa:16:3e:e2:e0:02" not in dom().XMLDesc(0) and
          ("detach_interface", "not found on the guest") not in nova.calls,
          "error %s, retries %s, %s gone from dom0 %s" % (err, n, TAP2, gone))

    host_stats(conn, nova)

    # destroy and undefine
    _, err = attempt(nova.destroy, inst)
    check("nova-destroy", err is None and NAME not in xl_domains() and
          inst.uuid not in [d.UUIDString() for d in conn.listAllDomains(0)],
          "error %s, xl list %s" % (err, sorted(xl_domains())))


def volume(nova, inst, dom):
    sh("modprobe xen-blkback; modprobe loop")
    sh("truncate -s 32M %s" % VOLUME_FILE)
    loop = sh("losetup -f --show %s" % VOLUME_FILE).stdout.strip()
    try:
        xml = nova22.to_xml(nova22.iscsi_volume(
            "xvdb", loop, "0b5c7e3a-2f1d-4c6b-9e8a-7d6c5b4a3f21"))
        _, err = attempt(nova.attach_volume, inst, xml)
        if err is not None:
            vbd_diagnostics("nova-attach")
        blocks = sh("xl block-list %s" % NAME).stdout
        check("nova-volume-attach", err is None and "51728" in blocks and
              loop in dom().XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
              "error %s, xl block-list %s" % (err, blocks))
        stats, err2 = attempt(dom().blockStats, "xvdb")
        n, err = attempt(nova.detach_volume, inst, "/dev/xvdb")
        gone = wait_for(lambda: "51728" not in sh("xl block-list %s" % NAME).stdout, 30)
        check("nova-volume-detach", err is None and n is not None and gone and
              loop not in dom().XMLDesc(0) and
              loop not in dom().XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
              "error %s, retries %s, gone from xl %s; blockStats while "
              "attached %s %s" % (err, n, gone, stats, err2))
    finally:
        sh("losetup -d %s" % loop)
        os.unlink(VOLUME_FILE)


def diagnostics(nova, inst):
    nova.swallowed.clear()
    d, err = attempt(nova.get_diagnostics, inst)
    v2, err2 = attempt(nova.get_instance_diagnostics, inst)
    # The root disk is qcow2, which Xen serves with qdisk (qemu): it keeps
    # no counters Xen's tools can read (blkback's sysfs has them), so its
    # blockStats fails (as with libvirt's own libxl driver) and Nova leaves
    # the disk out. Everything else must be there.
    others = [(w, str(e)) for w, e in nova.swallowed
              if w != "blockStats xvda"]
    want = ["cpu0_time", "memory", "memory-actual", TAP + "_rx_packets",
            TAP2 + "_tx"]
    check("nova-diagnostics", err is None and err2 is None and d and
          all(k in d for k in want) and not others and
          v2["state"] == RUNNING and len(v2["nic_details"]) == 2 and
          all("rx_octets" in n for n in v2["nic_details"]),
          "errors %s / %s, missing %s, swallowed %s, v2 %s" %
          (err, err2, [k for k in want if not d or k not in d], others, v2))
    say("E2E INFO nova-diagnostics: Nova left out %s" %
        ["%s: %s" % (w, e) for w, e in nova.swallowed] or "nothing")


def host_stats(conn, nova):
    info = xl_info()
    data, err = attempt(nova.get_available_resource)
    if err is not None:
        check("nova-host-stats", False, "error %s" % err)
        return
    total = int(info.get("total_memory", "0"))
    free = int(info.get("free_memory", "0"))
    guests = sum(d.info()[2] for d in conn.listAllDomains(
        E.VIR_CONNECT_LIST_DOMAINS_ACTIVE) if d.ID() != 0) // 1024
    check("nova-host-stats", data["memory_mb"] == total and
          data["vcpus"] == int(info.get("nr_cpus", "0")) and
          data["vcpus_used"] == 1 and
          guests <= data["memory_mb_used"] <= total - free + 16 and
          ("x86_64", "xen", "xen") in data["supported_instances"] and
          data["hypervisor_type"] == "Xen" and
          data["hypervisor_version"] // 1000 ==
          int(info.get("xen_major", -1)) * 1000 + int(info.get("xen_minor", -1)),
          "Nova %s; xl info total %s free %s nr_cpus %s version %s.%s%s; guests %d MiB"
          % ({k: data[k] for k in ("memory_mb", "memory_mb_used", "vcpus", "vcpus_used",
                                    "hypervisor_version")},
             total, free, info.get("nr_cpus"), info.get("xen_major"),
             info.get("xen_minor"), info.get("xen_extra"), guests))
    mib = conn.getFreeMemory() // (1 << 20)
    check("nova-host-free-memory", abs(mib - free) <= 2,
          "getFreeMemory %d MiB, xl info free_memory %d MiB" % (mib, free))


def run(conn, events):
    # Nova's VNC listens on 127.0.0.1 ([vnc]server_listen): the device
    # model binds it, which needs the loopback up, as on any host (the
    # e2e's dom0 brings it up only for the two-host run).
    sh("ip link set lo up")
    err = bridge_up()
    if err is not None:
        skip("nova", "no bridge for the instance's vif: %s" % err)
        return
    fits, why = vif_script_fits("nova-vif")
    script = None if fits else "/e2e/vif-e2e"
    if script:
        say("E2E INFO nova: %s; the vifs get %s instead" % (why, script))
    inst = make_instance(script)
    nova = nova22.Driver(conn, copy_disk=shutil.copyfile)
    t0 = time.monotonic()
    try:
        steps(conn, nova, inst)
    finally:
        say("E2E FIGURE nova flow: %.1fs" % (time.monotonic() - t0))
        try:
            d = conn.lookupByUUIDString(inst.uuid)
            if d.isActive():
                d.destroy()
            d.undefineFlags(E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        except libvirt.libvirtError:
            pass
        shutil.rmtree(inst.path, ignore_errors=True)
        bridge_down()
