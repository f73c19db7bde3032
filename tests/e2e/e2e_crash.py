# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash points on real Xen: with a test build of the module (meson
-Dtest_hooks=true, what scripts/build makes with VXL_TEST_HOOKS=1),
libvirtd is killed (SIGKILL, at a numbered point of the driver, see
docs/driver.md) in the middle of a start, a destroy and a disk attach;
after it is started again, libvirt and `xl list` agree (no orphan, no
domain libvirt runs that Xen lacks), the operation is done or undone,
and the domain can be destroyed and started again.

run(daemon, conn, events) -> (conn, events): the daemon is restarted, so
the caller gets a new connection. Skipped when the module has no crash
points (a release build)."""
import os
import threading

import libvirt

from e2e_lib import (OURS, SOCK, URI, Events, check, guest_xml, say, sh, skip,
                     state_of, wait_for, xl_domains)

E = libvirt
# libvirt_driver_libxl.so only loads the driver, which is this one.
MODULE = os.path.join(OURS, "virtxl-driver.so")
CONTROL = "/run/libvirt/libxl/crash-point"
IMAGE = "/var/lib/libvirt/images/e2e-crash.img"
DISK = ("<disk type='file' device='disk'><driver name='phy' type='raw'/>"
        "<source file='%s'/><target dev='xvdb' bus='xen'/></disk>" % IMAGE)


def has_crash_points():
    try:
        with open(MODULE, "rb") as f:
            return b"vxlCrashPointReach" in f.read()
    except OSError:
        return False


def crash(daemon, conn, events, point, action):
    """Arm @point, run @action(conn) in a thread, wait for libvirtd to
    kill itself there, start it again. Returns (conn, events, died)."""
    with open(CONTROL, "w") as f:
        f.write("%s 1\n" % point)
    t = threading.Thread(target=lambda: _quiet(action, conn), daemon=True)
    t.start()
    died = wait_for(lambda: daemon.proc.poll() is not None, 120)
    rc = daemon.proc.poll()
    t.join(30)
    events.close()
    try:
        conn.close()
    except libvirt.libvirtError:
        pass
    if not died:
        daemon.stop()
    daemon.proc = None
    if os.path.exists(SOCK):
        os.unlink(SOCK)
    if not daemon.start(OURS):
        raise RuntimeError("libvirtd did not come back after the kill at %s" % point)
    conn = libvirt.open(URI)
    return conn, Events(conn), died and rc == -9


def _quiet(action, conn):
    try:
        action(conn)
    except libvirt.libvirtError:
        pass


def agree(conn, name):
    """libvirt and xl say the same of @name: running with the same id,
    or absent from xl and shut off in libvirt."""
    dom = conn.lookupByName(name)
    xl = xl_domains().get(name)
    if dom.isActive():
        return (xl is not None and xl[0] == dom.ID(),
                "libvirt runs it as id %d, xl says %s" % (dom.ID(), xl))
    return (xl is None and state_of(dom) == E.VIR_DOMAIN_SHUTOFF,
            "libvirt says %s, xl list has %s" % (dom.state(), xl))


def usable(conn, name):
    """It can be destroyed (if running) and started and destroyed again,
    leaving nothing in Xen."""
    dom = conn.lookupByName(name)
    if dom.isActive():
        dom.destroy()
    dom.create()
    running = state_of(dom) == E.VIR_DOMAIN_RUNNING and name in xl_domains()
    dom.destroy()
    gone = wait_for(lambda: name not in xl_domains(), 30)
    return running and gone, "running %s, gone after destroy %s" % (running, gone)


def one(daemon, conn, events, label, point, prepare, action, expect_running):
    name = "e2e-crash-" + label
    dom = conn.defineXML(guest_xml(name))
    prepare(dom)
    conn, events, died = crash(daemon, conn, events, point,
                               lambda c: action(c.lookupByName(name)))
    check("crash-%s-killed" % label, died,
          "libvirtd did not die at %s" % point)
    ok, why = agree(conn, name)
    check("crash-%s-agree" % label, ok, why)
    dom = conn.lookupByName(name)
    state = state_of(dom)
    check("crash-%s-outcome" % label,
          (state == E.VIR_DOMAIN_RUNNING) == expect_running and
          state in (E.VIR_DOMAIN_RUNNING, E.VIR_DOMAIN_SHUTOFF),
          "state %s, expected %s" % (dom.state(),
                                     "running" if expect_running else "shut off"))
    return conn, events, name


def run(daemon, conn, events):
    if not has_crash_points():
        skip("crash-points", "the module is not a test build (VXL_TEST_HOOKS=1 scripts/build)")
        return conn, events
    for mod in ("xen-blkback", "loop"):
        sh("modprobe %s" % mod)
    os.makedirs(os.path.dirname(IMAGE), exist_ok=True)
    sh("truncate -s 16M %s" % IMAGE)

    nothing = lambda dom: None
    start = lambda dom: dom.create()
    # Killed between Xen's create and the status file: adopted from the
    # intent, then started. Killed after the status file: finished.
    for label, point in (("start-create", "start.after-create"),
                         ("start-status", "start.after-status")):
        conn, events, name = one(daemon, conn, events, label, point,
                                 nothing, start, True)
        ok, why = usable(conn, name)
        check("crash-%s-usable" % label, ok, why)
        conn.lookupByName(name).undefine()

    # Killed after Xen destroyed it: reconnect finds it gone.
    conn, events, name = one(daemon, conn, events, "destroy", "destroy.after-backend",
                             start, lambda dom: dom.destroy(), False)
    ok, why = usable(conn, name)
    check("crash-destroy-usable", ok, why)
    conn.lookupByName(name).undefine()

    # Killed after the disk went into Xen, before the status file: the
    # attach is undone (it was never acknowledged) in Xen and libvirt.
    conn, events, name = one(
        daemon, conn, events, "attach", "attach.after-live", start,
        lambda dom: dom.attachDeviceFlags(DISK, E.VIR_DOMAIN_AFFECT_LIVE), True)
    dom = conn.lookupByName(name)
    vbds = sh("xl block-list %s" % name).stdout
    check("crash-attach-undone", "51728" not in vbds and "xvdb" not in dom.XMLDesc(0),
          "xl block-list: %s; live XML has xvdb: %s" % (vbds.strip(), "xvdb" in dom.XMLDesc(0)))
    try:
        dom.attachDeviceFlags(DISK, E.VIR_DOMAIN_AFFECT_LIVE)
        again = "51728" in sh("xl block-list %s" % name).stdout
        why = "xl block-list: %s" % sh("xl block-list %s" % name).stdout.strip()
    except libvirt.libvirtError as e:
        again, why = False, str(e)
    check("crash-attach-again", again, why)
    ok, why = usable(conn, name)
    check("crash-attach-usable", ok, why)
    conn.lookupByName(name).undefine()
    say("E2E INFO crash points: start, destroy and attach checked on Xen")
    return conn, events
