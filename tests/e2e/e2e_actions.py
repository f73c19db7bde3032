# SPDX-License-Identifier: LGPL-2.1-or-later
"""Lifecycle actions on real Xen: what the driver does when a guest
crashes, powers off or reboots, per <on_crash>, <on_poweroff> and
<on_reboot>.

The crash is a real one: `xl sysrq NAME c` makes the guest's kernel
panic (tests/e2e/guest-init allows sysrq), and the kernel tells Xen
SHUTDOWN_crash; the driver hears it from libxl's death watch.
on_crash=destroy is proven in test_xen.py, on a guest the driver found
again after a daemon restart.
"""
import glob
import os

import libvirt

from e2e_lib import (DUMP_DIR, banner_after, check, console_count, fresh_id,
                     guest_xml, say, sh, state_of, wait_for, xl_crash,
                     xl_domains)

E = libvirt


def _start(conn, events, name, **actions):
    dom = conn.defineXML(guest_xml(name, **actions))
    before = console_count(name)
    dom.create()
    up = banner_after(name, before) is not None
    check("%s-boots" % name, up and state_of(dom) == E.VIR_DOMAIN_RUNNING,
          "state %s, no banner" % (dom.state(),))
    return dom, up


def _restarted(conn, events, name, oldid, before, what):
    """After a stop with action restart: a new incarnation that boots."""
    ok = events.wait(name, E.VIR_DOMAIN_EVENT_STARTED,
                     E.VIR_DOMAIN_EVENT_STARTED_BOOTED, 60)
    newid = fresh_id(conn, name) if ok else -1
    xl = xl_domains()
    check(what, ok and newid not in (-1, oldid) and
          xl.get(name, (None,))[0] == newid and
          banner_after(name, before) is not None,
          "domid %d -> %d, xl %s, banners %d (before %d), events %s" %
          (oldid, newid, xl.get(name), console_count(name), before,
           events.names(name)))
    return newid


def _core_files(name, domid):
    return glob.glob(os.path.join(DUMP_DIR, "%s-%d-*.core" % (name, domid)))


def restarts(conn, events):
    """on_crash=coredump-restart, on_poweroff=restart, on_reboot=destroy:
    one domain through all three. coredump-restart is coredump-destroy's
    dump followed by restart's restart: one guest boot proves both."""
    name = "e2e-act"
    dom, up = _start(conn, events, name, on_crash="coredump-restart",
                     on_poweroff="restart", on_reboot="destroy")
    if not up:
        dom.destroy()
        dom.undefine()
        return

    # First crash with the dump directory full: the dump fails, leaves
    # no partial core behind, and the guest is restarted all the same.
    oldid, before = dom.ID(), console_count(name)
    events.clear()
    sh("mount -t tmpfs -o size=4m tmpfs %s" % DUMP_DIR)
    try:
        xl_crash(name)
        ok = events.wait(name, E.VIR_DOMAIN_EVENT_STOPPED,
                         E.VIR_DOMAIN_EVENT_STOPPED_CRASHED, 120)
        left = os.listdir(DUMP_DIR)
    finally:
        sh("umount %s" % DUMP_DIR)
    check("coredump-disk-full", ok and left == [],
          "events %s, left in the full dump directory: %s" %
          (events.names(name), left))
    oldid = _restarted(conn, events, name, oldid, before,
                       "coredump-failed-restart")

    before = console_count(name)
    events.clear()
    r = xl_crash(name)
    check("crash-event", r.returncode == 0 and
          events.wait(name, E.VIR_DOMAIN_EVENT_CRASHED,
                      E.VIR_DOMAIN_EVENT_CRASHED_PANICKED, 60) and
          events.wait(name, E.VIR_DOMAIN_EVENT_STOPPED,
                      E.VIR_DOMAIN_EVENT_STOPPED_CRASHED, 120),
          "xl sysrq: rc %d %s; events %s" % (r.returncode, r.stderr.strip(),
                                             events.names(name)))
    # The core is written before the dead domain is destroyed: the file
    # is complete once STOPPED is sent.
    dumps = _core_files(name, oldid)
    head, size = b"", 0
    if dumps:
        size = os.path.getsize(dumps[0])
        with open(dumps[0], "rb") as f:
            head = f.read(4)
    say("E2E INFO core dump of %s: %s, %d bytes" % (name, dumps, size))
    # Xen's core format is ELF, with all of the guest's 128 MiB in it.
    check("on-crash-coredump", len(dumps) == 1 and head == b"\x7fELF" and
          size >= 128 * 1024 * 1024,
          "dumps %s (%d bytes, starts %r) in %s: %s" %
          (dumps, size, head, DUMP_DIR, os.listdir(DUMP_DIR)))
    for d in dumps:
        os.unlink(d)
    oldid = _restarted(conn, events, name, oldid, before, "on-crash-restart")

    before = console_count(name)
    events.clear()
    dom.shutdown()
    check("poweroff-event",
          events.wait(name, E.VIR_DOMAIN_EVENT_SHUTDOWN,
                      E.VIR_DOMAIN_EVENT_SHUTDOWN_HOST, 90) and
          events.wait(name, E.VIR_DOMAIN_EVENT_STOPPED,
                      E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN),
          events.names(name))
    oldid = _restarted(conn, events, name, oldid, before, "on-poweroff-restart")

    events.clear()
    dom.reboot()
    check("on-reboot-destroy",
          events.wait(name, E.VIR_DOMAIN_EVENT_STOPPED,
                      E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, 90) and
          wait_for(lambda: name not in xl_domains(), 30) and
          dom.state() == [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_SHUTDOWN] and
          events.count(name, E.VIR_DOMAIN_EVENT_STARTED,
                       E.VIR_DOMAIN_EVENT_STARTED_BOOTED) == 0,
          "state %s, xl %s, events %s" % (dom.state(), xl_domains().get(name),
                                          events.names(name)))
    dom.undefine()


def preserve(conn, events):
    """on_crash=preserve: the dead domain stays in Xen, crashed, until
    destroyed."""
    name = "e2e-keep"
    dom, up = _start(conn, events, name, on_crash="preserve")
    if not up:
        dom.destroy()
        dom.undefine()
        return
    domid = dom.ID()
    events.clear()
    xl_crash(name)
    ok = events.wait(name, E.VIR_DOMAIN_EVENT_CRASHED,
                     E.VIR_DOMAIN_EVENT_CRASHED_PANICKED, 60)
    ok = ok and wait_for(lambda: state_of(dom) == E.VIR_DOMAIN_CRASHED, 30)
    xl = xl_domains().get(name)
    check("on-crash-preserve", ok and dom.isActive() and
          dom.state() == [E.VIR_DOMAIN_CRASHED, E.VIR_DOMAIN_CRASHED_PANICKED] and
          xl is not None and xl[0] == domid and "c" in xl[1],
          "state %s, xl %s, events %s" % (dom.state(), xl, events.names(name)))
    # Nothing stopped it: no STOPPED event until someone destroys it.
    check("preserve-no-stop",
          events.count(name, E.VIR_DOMAIN_EVENT_STOPPED,
                       E.VIR_DOMAIN_EVENT_STOPPED_CRASHED) == 0,
          events.names(name))
    try:
        dom.resume()
        code = None
    except libvirt.libvirtError as e:
        code = e.get_error_code()
    check("preserve-resume-refused", code == E.VIR_ERR_OPERATION_INVALID,
          "resume of a crashed domain: code %s" % code)
    dom.destroy()
    check("preserve-destroy", state_of(dom) == E.VIR_DOMAIN_SHUTOFF and
          wait_for(lambda: name not in xl_domains(), 30) and
          events.wait(name, E.VIR_DOMAIN_EVENT_STOPPED,
                      E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
          "state %s, xl %s, events %s" % (dom.state(), xl_domains().get(name),
                                          events.names(name)))
    dom.undefine()


def run(conn, events):
    restarts(conn, events)
    preserve(conn, events)
