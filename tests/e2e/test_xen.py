#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""End-to-end test of virtxl on real Xen, run inside dom0 by dom0-init.

The guest's whole life through libvirt (python3-libvirt, as virsh and
Nova use it) with this project's driver and backend = "libxl", checked
against what Xen itself says (xl) and against the guest's own console.
Then peers on the same boot, printed and not asserted: start times of
this driver, `xl create` and Debian's own libvirt libxl driver, four
guests started at once through this driver against four `xl create` at
once (e2e_parallel), and the behaviour differences between the two
drivers.

Scenarios in their own files, all on one boot: e2e_guest_types (PVH,
and HVM where the host can), e2e_actions (on_crash, on_poweroff,
on_reboot), e2e_autostart, e2e_crash (libvirtd killed at crash points of
a test build); e2e_lib holds what they share.

Output lines for scripts/e2e-run (see also e2e_lib):
  E2E PASS <check> / E2E FAIL <check>: <why>   one per check
  E2E SKIP <check>: <why>                        not possible on this host
  E2E FIGURE <text>                              measurements
  E2E DIFF <text>                                driver differences
  E2E SUMMARY: <n> passed, <m> failed, <k> skipped
"""
import os
import sys
import threading
import time
import traceback
import xml.etree.ElementTree as ET

import libvirt
import shared_errors   # tests/backend-shared, copied beside this file
import check_host_facts   # host CPU and topology against dom0 and xl
import e2e_actions
import e2e_resources
import e2e_hotplug
import e2e_nova
import e2e_virt_install
import e2e_save
import e2e_snapshot
import e2e_monitor
import e2e_autostart
import e2e_crash
import e2e_guest_types
import e2e_requests
import e2e_parallel
import e2e_control
import e2e_start_errors
from e2e_lib import (DEBIAN, skip, OURS, URI, Daemon, Events, check, console_count,
                     counts, event_loop, fresh_id, guest_xml, say, sh,
                     start_and_time, state_of, wait_for, xl_crash, xl_domains,
                     xl_info, ASAN_LIB, BANNER, CONSOLE_DIR, asan_report)

XL_CFG = """name = "{name}"
type = "pv"
kernel = "/guest/vmlinux"
ramdisk = "/guest/guest.cpio.gz"
extra = "console=hvc0"
memory = {mem}
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
"""


# Scenarios whose libxl code has not yet passed on real Xen: they run
# only with the kernel argument e2e_pending (scripts/e2e-run e2e_pending),
# so that CI reports them as skipped, with the reason, rather than
# failing every run until they are fixed. Each names what it hit.
PENDING = {
}
CMDLINE = open("/proc/cmdline").read().split()
RUN_PENDING = "e2e_pending" in CMDLINE
# Kernel argument e2e_only=NAME+NAME (scripts/e2e-run e2e_only=save+monitor):
# only those scenarios of the list in main(), pending or not, after the
# daemon is up; for working on one scenario without the whole run. Not
# ",": scripts/e2e-run hands QEMU the arguments inside a comma list.
ONLY = next((set(a.split("=", 1)[1].split("+")) for a in CMDLINE
             if a.startswith("e2e_only=")), None)
# e2e_peers (scripts/e2e-run e2e_peers): only the peers' figures, for a
# performance run on a busy machine where the whole test is too slow.
PEERS_ONLY = "e2e_peers" in CMDLINE
# Kernel argument e2e_crash_only: only the crash points (e2e_crash.py),
# a few minutes instead of the whole run.
CRASH_ONLY = "e2e_crash_only" in CMDLINE


# ----- the checks -----------------------------------------------------------

def check_capabilities(conn, info):
    caps = ET.fromstring(conn.getCapabilities())
    topo = caps.find("host/cpu/topology")
    ncpus = None
    if topo is not None:
        ncpus = (int(topo.get("sockets")) * int(topo.get("cores")) *
                 int(topo.get("threads")) * max(1, int(topo.get("dies", "1"))))
    check("caps-cpus", ncpus is not None and str(ncpus) == info.get("nr_cpus"),
          "capabilities topology gives %s CPUs, xl info nr_cpus %s" %
          (ncpus, info.get("nr_cpus")))
    cells = caps.findall("host/topology/cells/cell")
    memKiB = sum(int(c.find("memory").text) for c in cells
                 if c.find("memory") is not None)
    totalKiB = int(info.get("total_memory", "0")) * 1024
    check("caps-memory", cells and abs(memKiB - totalKiB) <= 1024 * 16,
          "NUMA cells hold %d KiB, xl info total_memory %d KiB" % (memKiB, totalKiB))
    types = {g.findtext("os_type") for g in caps.findall("guest")}
    want = {"xen"} | ({"hvm"} if "hvm-" in info.get("xen_caps", "") else set())
    check("caps-guest-types", want <= types,
          "guest os types %s, Xen capabilities '%s'" % (sorted(types), info.get("xen_caps")))
    try:
        dc = ET.fromstring(conn.getDomainCapabilities(None, "x86_64", "xenpv", "xen"))
        check("domcaps-pv", dc.findtext("domain") == "xen" and
              dc.find("vcpu") is not None,
              "domcapabilities: %s" % ET.tostring(dc)[:200])
    except libvirt.libvirtError as e:
        check("domcaps-pv", False, str(e))
    free = conn.getFreeMemory()
    xlfree = int(info.get("free_memory", "0")) * 1024 * 1024
    check("free-memory", abs(free - xlfree) <= 64 * 1024 * 1024,
          "getFreeMemory %d, xl info free_memory %d bytes" % (free, xlfree))


def lifecycle(daemon, conn, events):
    name = "e2e-pv"
    dom = conn.defineXML(guest_xml(name))
    check("define", events.wait(name, libvirt.VIR_DOMAIN_EVENT_DEFINED,
                                libvirt.VIR_DOMAIN_EVENT_DEFINED_ADDED),
          "no DEFINED/ADDED event: %s" % events.names())

    t = start_and_time(conn, dom)
    say("E2E FIGURE virtxl first start of %s: %.2fs" % (name, t))
    check("start-running", state_of(dom) == libvirt.VIR_DOMAIN_RUNNING,
          "state %s" % dom.state())
    check("start-event", events.wait(name, libvirt.VIR_DOMAIN_EVENT_STARTED,
                                     libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED),
          events.names())
    xl = xl_domains().get(name)
    check("start-xl", xl is not None and xl[0] == dom.ID(),
          "xl list says %s, libvirt says id %d" % (xl, dom.ID()))
    check("console-banner", wait_for(lambda: console_count(name) >= 1, 90),
          "no '%s' in %s/guest-%s.log" % (BANNER, CONSOLE_DIR, name))
    info = dom.info()
    check("dominfo", info[1] == 128 * 1024 and info[3] == 1 and info[4] > 0,
          "info %s" % (info,))

    dom.suspend()
    check("suspend", state_of(dom) == libvirt.VIR_DOMAIN_PAUSED and
          "p" in xl_domains()[name][1] and
          events.wait(name, libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                      libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
          "state %s, xl %s, events %s" % (dom.state(), xl_domains().get(name), events.names()))
    dom.resume()
    check("resume", state_of(dom) == libvirt.VIR_DOMAIN_RUNNING and
          events.wait(name, libvirt.VIR_DOMAIN_EVENT_RESUMED,
                      libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
          "state %s, events %s" % (dom.state(), events.names()))

    dom.shutdown()
    check("shutdown-honoured",
          wait_for(lambda: state_of(dom) == libvirt.VIR_DOMAIN_SHUTOFF, 90),
          "state %s after 90s" % (dom.state(),))
    check("shutdown-event", events.wait(name, libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                        libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN),
          events.names())
    check("shutdown-xl-gone", wait_for(lambda: name not in xl_domains(), 30),
          "xl list: %s" % xl_domains())

    before = console_count(name)
    dom.create()
    check("start-again", state_of(dom) == libvirt.VIR_DOMAIN_RUNNING and
          wait_for(lambda: console_count(name) > before, 90),
          "state %s, banners %d" % (dom.state(), console_count(name)))

    oldid = fresh_id(conn, name)
    before = console_count(name)
    events.clear()
    dom.reboot()
    rebooted = wait_for(lambda: console_count(name) > before, 120)
    check("reboot", rebooted and state_of(dom) == libvirt.VIR_DOMAIN_RUNNING,
          "banners %d->%d, state %s, events %s" %
          (before, console_count(name), dom.state(), events.names()))
    say("E2E INFO reboot: domid %d -> %d, events %s" % (oldid, fresh_id(conn, name), events.names()))

    # restart libvirtd under a running guest (and a shut-off guest marked
    # autostart, which this restart, in the same host boot, must not start)
    e2e_autostart.prepare(conn)
    domid = fresh_id(conn, name)
    events.close()
    conn.close()
    daemon.stop()
    ok = daemon.start(OURS)
    check("restart-daemon", ok, "libvirtd did not come back")
    conn = libvirt.open(URI)
    events = Events(conn)
    dom = conn.lookupByName(name)
    check("restart-found", dom.ID() == domid and
          state_of(dom) == libvirt.VIR_DOMAIN_RUNNING,
          "after restart id %d state %s (was id %d)" % (dom.ID(), dom.state(), domid))
    e2e_autostart.not_again(conn)

    # A crash of the guest the restarted daemon found again: its death
    # watch was set up anew at reconnect. on_crash is destroy.
    r = xl_crash(name)
    check("crash-after-reconnect", r.returncode == 0 and
          events.wait(name, libvirt.VIR_DOMAIN_EVENT_CRASHED,
                      libvirt.VIR_DOMAIN_EVENT_CRASHED_PANICKED, 60) and
          events.wait(name, libvirt.VIR_DOMAIN_EVENT_STOPPED,
                      libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED) and
          wait_for(lambda: name not in xl_domains(), 30) and
          dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF,
                          libvirt.VIR_DOMAIN_SHUTOFF_CRASHED],
          "xl sysrq rc %d %s; state %s, xl %s, events %s" %
          (r.returncode, r.stderr.strip(), dom.state(), xl_domains().get(name),
           events.names()))
    dom.undefine()
    check("undefine", events.wait(name, libvirt.VIR_DOMAIN_EVENT_UNDEFINED,
                                  libvirt.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED) and
          name not in conn.listDefinedDomains(),
          events.names())
    return conn, events


def too_big(conn):
    """Returns (error code, message) of starting a guest larger than the host."""
    name = "e2e-huge"
    dom = conn.defineXML(guest_xml(name, mem=64 * 1024))
    code, msg = None, None
    try:
        dom.create()
    except libvirt.libvirtError as e:
        code, msg = e.get_error_code(), str(e)
    state = state_of(dom)
    left = name in xl_domains()
    dom.undefine()
    return code, msg, state, left


def xl_start_time(name):
    path = "/tmp/%s.cfg" % name
    with open(path, "w") as f:
        f.write(XL_CFG.format(name=name, mem=128))
    t0 = time.monotonic()
    r = sh("xl create -q %s" % path)
    wait_for(lambda: name in xl_domains(), 60, 0.02)
    t = time.monotonic() - t0
    sh("xl destroy %s" % name)
    return t if r.returncode == 0 else None


START_MARKS = ("starting domain", "translated, creating", "libxl created domain",
               "created domain", "started domain")


def say_start_phases(name):
    """Our driver's log lines of @name's starts, with their times: where
    a slow start spends it (printed, not asserted)."""
    try:
        with open("/var/log/libvirt/libvirtd.log", errors="replace") as f:
            lines = [l.rstrip() for l in f if name in l and
                     any(m in l for m in START_MARKS)]
    except OSError:
        return
    for line in lines[-15:]:
        say("E2E INFO start phase: " + line[:220])


def driver_start_times(conn, name, n=3):
    dom = conn.defineXML(guest_xml(name))
    times = []
    for _ in range(n):
        times.append(start_and_time(conn, dom))
        dom.destroy()
    dom.undefine()
    return sorted(times)[n // 2]


def main():
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=event_loop, daemon=True).start()
    libvirt.registerErrorHandler(lambda *a: None, None)

    daemon = Daemon()
    if not check("libvirtd-starts", daemon.start(OURS), "see libvirtd.log"):
        sh("cat /var/log/libvirt/libvirtd.stderr")
        return finish(daemon)
    conn = libvirt.open(URI)
    events = Events(conn)

    if CRASH_ONLY:
        try:
            conn, events = e2e_crash.run(daemon, conn, events)
        except Exception as e:
            check("crash-points", False, "exception %r" % e)
            traceback.print_exc(file=sys.stdout)
        return finish(daemon)

    info = xl_info()
    if ONLY is not None:
        return run_only(daemon, conn, events, info)
    if PEERS_ONLY:
        skip("scenarios", "e2e_peers: only the peers' figures")
        return peers(daemon, conn, events)
    # Each scenario leaves no domain behind, so the next one starts clean.
    for name, step in (
            ("capabilities", lambda: check_capabilities(conn, info)),
            ("host-facts", lambda: check_host_facts.run(conn, check)),
            ("hvm", lambda: e2e_guest_types.hvm(conn, events, info))):
        try:
            step()
        except Exception as e:
            check(name, False, "exception %r" % e)
    try:
        conn, events = lifecycle(daemon, conn, events)
    except Exception as e:
        check("lifecycle", False, "exception %r; events %s" % (e, events.names()))
    t0 = time.monotonic()
    try:
        conn, events = e2e_requests.run(daemon, conn, events)
    except Exception as e:
        check("requests", False, "exception %r; events %s" % (e, events.names()))
    say("E2E FIGURE scenario requests: %.1fs" % (time.monotonic() - t0))
    for name, step in (
            ("pvh", lambda: e2e_guest_types.pvh(conn, events, info)),
            ("actions", lambda: e2e_actions.run(conn, events)),
            ("resources", lambda: e2e_resources.run(conn, events)),
            ("placement", lambda: e2e_resources.run_placement(conn, events)),
            ("hotplug", lambda: e2e_hotplug.run(conn, events)),
            ("save", lambda: e2e_save.run(conn, events, URI)),
            ("snapshot", lambda: e2e_snapshot.run(conn, events)),
            ("nova", lambda: e2e_nova.run(conn, events)),
            ("virt-install", lambda: e2e_virt_install.run(conn, events, info)),
            ("monitor", lambda: e2e_monitor.run(conn, events)),
            ("control", lambda: e2e_control.run(conn, events)),
            ("start-errors", lambda: e2e_start_errors.run(conn, events))):
        if name in PENDING and not RUN_PENDING:
            skip(name, PENDING[name] + " (scripts/e2e-run e2e_pending runs it)")
            continue
        t0 = time.monotonic()
        try:
            step()
        except Exception as e:
            check(name, False, "exception %r; events %s" % (e, events.names()))
        say("E2E FIGURE scenario %s: %.1fs" % (name, time.monotonic() - t0))

    t0 = time.monotonic()
    try:
        conn, events = e2e_crash.run(daemon, conn, events)
    except Exception as e:
        check("crash-points", False, "exception %r" % e)
        traceback.print_exc(file=sys.stdout)
    say("E2E FIGURE scenario crash: %.1fs" % (time.monotonic() - t0))

    try:
        shared_errors.run(conn, lambda n, m: guest_xml(n, mem=m),
                          check)
    except Exception as e:
        check("shared-errors", False, "exception %r" % e)

    code, msg, state, left = too_big(conn)
    check("too-big-refused", code == libvirt.VIR_ERR_OPERATION_FAILED and
          msg and "not enough" in msg,
          "code %s: %s" % (code, msg))
    check("too-big-nothing-left", state == libvirt.VIR_DOMAIN_SHUTOFF and not left,
          "state %s, in xl list: %s" % (state, left))
    say("E2E INFO too-big error (virtxl): code %s: %s" % (code, msg))

    try:
        conn, events = e2e_autostart.host_boot(daemon, conn, events)
    except Exception as e:
        check("autostart", False, "exception %r" % e)

    return peers(daemon, conn, events, code, msg, left)


def peers(daemon, conn, events, code=None, msg=None, left=None):
    """Start times against xl and Debian's driver, printed not asserted."""
    try:
        ours = driver_start_times(conn, "e2e-time")
        say_start_phases("e2e-time")
        xlt = xl_start_time("e2e-xl")
        try:
            e2e_parallel.run(conn)
        except Exception as e:
            say("E2E INFO parallel starts failed: %r" % e)
        events.close()
        conn.close()
        daemon.stop()
        deb = None
        if daemon.start(DEBIAN, ours=False):
            dconn = libvirt.open(URI)
            deb = driver_start_times(dconn, "e2e-deb")
            dcode, dmsg, dstate, dleft = too_big(dconn)
            if code is not None and dcode != code:
                say("E2E DIFF too-big guest: virtxl code %s (%s); Debian's driver code %s (%s)"
                    % (code, msg, dcode, dmsg))
            if left is not None and dleft != left:
                say("E2E DIFF too-big guest left in Xen: virtxl %s, Debian's driver %s"
                    % (left, dleft))
            dconn.close()
        else:
            say("E2E INFO Debian's libxl driver did not start; see libvirtd.log")
        daemon.stop()
        fmt = lambda v: "%.2fs" % v if v else "n/a"
        say("E2E FIGURE start-to-running (median of 3): virtxl %s, xl create %s, "
            "Debian libvirt libxl %s" % (fmt(ours), fmt(xlt), fmt(deb)))
        if ours and xlt:
            say("E2E FIGURE ratio virtxl / xl create = %.2f" % (ours / xlt))
        if ours and deb:
            say("E2E FIGURE ratio virtxl / Debian libvirt libxl = %.2f" % (ours / deb))
    except Exception as e:
        say("E2E INFO peers failed: %r" % e)
        traceback.print_exc(file=sys.stdout)
        print(sh("tail -20 /var/log/libvirt/libvirtd.stderr; grep -iE ' error ' /var/log/libvirt/libvirtd.log | tail -8").stdout)
    return finish(daemon)


def run_only(daemon, conn, events, info):
    steps = {
        "capabilities": lambda: check_capabilities(conn, info),
        "host-facts": lambda: check_host_facts.run(conn, check),
        "hvm": lambda: e2e_guest_types.hvm(conn, events, info),
        "pvh": lambda: e2e_guest_types.pvh(conn, events, info),
        "actions": lambda: e2e_actions.run(conn, events),
        "resources": lambda: e2e_resources.run(conn, events),
        "placement": lambda: e2e_resources.run_placement(conn, events),
        "hotplug": lambda: e2e_hotplug.run(conn, events),
        "save": lambda: e2e_save.run(conn, events, URI),
        "nova": lambda: e2e_nova.run(conn, events),
        "monitor": lambda: e2e_monitor.run(conn, events),
        "control": lambda: e2e_control.run(conn, events),
        "snapshot": lambda: e2e_snapshot.run(conn, events),
        "virt-install": lambda: e2e_virt_install.run(conn, events, info),
        "start-errors": lambda: e2e_start_errors.run(conn, events),
    }
    for name in sorted(ONLY - set(steps)):
        check(name, False, "e2e_only names no such scenario (%s)" %
              " ".join(sorted(steps)))
    for name in [n for n in steps if n in ONLY]:
        t0 = time.monotonic()
        try:
            steps[name]()
        except Exception as e:
            check(name, False, "exception %r; events %s" % (e, events.names()))
            traceback.print_exc(file=sys.stdout)
        say("E2E FIGURE scenario %s: %.1fs" % (name, time.monotonic() - t0))
    if counts["failed"]:
        # what libxl said, for whoever works on the scenario
        for line in sh("grep -E 'vxlXen(LogMessage|Report)|vxlXenDomain(Save|Restore)' "
                       "/var/log/libvirt/libvirtd.log | grep -v ' debug : ' "
                       "| tail -60").stdout.splitlines():
            say("E2E INFO libxl: " + line[:400])
        for line in sh("tail -40 /var/log/xen/xen-hotplug.log").stdout.splitlines():
            say("E2E INFO hotplug: " + line[:400])
    # A subset is never the whole proof: e2e-run must not call it a pass.
    skip("the-rest", "e2e_only ran %s alone" % "+".join(sorted(ONLY)))
    return finish(daemon)


def finish(daemon):
    daemon.stop()
    # a crash of libvirtd (or a client) is in the kernel log only
    for line in sh("dmesg | grep -E 'segfault|general protection' || true").stdout.splitlines():
        say("E2E INFO kernel: %s" % line)
    if os.path.exists(ASAN_LIB):
        n = asan_report()
        check("asan-clean", n == 0, "%d AddressSanitizer report(s), see E2E ASAN lines" % n)
    if counts["failed"]:
        sh("grep -E 'error|virtxl' /var/log/libvirt/libvirtd.log | tail -40 >&2")
        print(sh("grep -iE ' error ' /var/log/libvirt/libvirtd.log | tail -30").stdout)
    say("E2E SUMMARY: %d passed, %d failed, %d skipped" %
        (counts["passed"], counts["failed"], counts["skipped"]))
    return 0 if counts["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
