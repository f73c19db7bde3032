#!/usr/bin/env python3
"""End-to-end test of virtxl on real Xen, run inside dom0 by dom0-init.

The guest's whole life through libvirt (python3-libvirt, as virsh and
Nova use it) with this project's driver and backend = "libxl", checked
against what Xen itself says (xl) and against the guest's own console.
Then peers on the same boot, printed and not asserted: start times of
this driver, `xl create` and Debian's own libvirt libxl driver, and the
behaviour differences between the two drivers.

Output lines for scripts/e2e-run:
  E2E PASS <check> / E2E FAIL <check>: <why>   one per check
  E2E FIGURE <text>                              measurements
  E2E DIFF <text>                                driver differences
  E2E SUMMARY: <n> passed, <m> failed
"""
import os
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

import libvirt
import shared_errors   # tests/backend-shared, copied beside this file

URI = "xen:///system"
SOCK = "/run/libvirt/libvirt-sock"
OURS = "/opt/virtxl/drivers"
DEBIAN = "/opt/debian-xen/drivers"
CONSOLE_DIR = "/var/log/xen/console"
BANNER = "VIRTXL GUEST UP"

GUEST_XML = """<domain type='xen'>
  <name>{name}</name>
  <memory unit='MiB'>{mem}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
    <kernel>/guest/vmlinuz</kernel>
    <initrd>/guest/guest.cpio.gz</initrd>
    <cmdline>console=hvc0</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <console type='pty'><target type='xen' port='0'/></console>
  </devices>
</domain>
"""

XL_CFG = """name = "{name}"
type = "pv"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/guest.cpio.gz"
extra = "console=hvc0"
memory = {mem}
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
"""

passed = 0
failed = 0


def say(*args):
    print(*args, flush=True)


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        say("E2E PASS", name)
    else:
        failed += 1
        say("E2E FAIL %s: %s" % (name, why))
    return ok


def wait_for(pred, timeout, step=0.2):
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            return v
        time.sleep(step)


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True)


def xl_domains():
    """name -> (domid, state letters) as xl sees them."""
    out = sh("xl list").stdout.splitlines()[1:]
    doms = {}
    for line in out:
        f = line.split()
        if len(f) >= 5:
            doms[f[0]] = (int(f[1]), f[4])
    return doms


def console_count(name):
    try:
        with open(os.path.join(CONSOLE_DIR, "guest-%s.log" % name),
                  errors="replace") as f:
            return f.read().count(BANNER)
    except OSError:
        return 0


# ----- libvirtd ------------------------------------------------------------

class Daemon:
    def __init__(self):
        self.proc = None

    def start(self, driver_dir, ours=True):
        os.makedirs("/etc/libvirt", exist_ok=True)
        with open("/etc/libvirt/libxl.conf", "w") as f:
            if ours:
                f.write('backend = "libxl"\n')
        with open("/etc/libvirt/libvirtd.conf", "w") as f:
            f.write('log_outputs = "1:file:/var/log/libvirt/libvirtd.log"\n')
            f.write('log_filters = "1:virtxl 1:libxl 3:*"\n')
        env = dict(os.environ, LIBVIRT_DRIVER_DIR=driver_dir)
        self.proc = subprocess.Popen(
            ["/usr/sbin/libvirtd", "--config", "/etc/libvirt/libvirtd.conf"],
            env=env, stdout=subprocess.DEVNULL,
            stderr=open("/var/log/libvirt/libvirtd.stderr", "a"))
        ok = wait_for(lambda: os.path.exists(SOCK) or
                      self.proc.poll() is not None, 60)
        if self.proc.poll() is not None or not ok:
            sh("tail -20 /var/log/libvirt/libvirtd.log /var/log/libvirt/libvirtd.stderr")
            return False
        # the socket appears before the drivers finish initialising
        return wait_for(self._answers, 60, 0.5)

    def _answers(self):
        try:
            c = libvirt.open(URI)
            c.close()
            return True
        except libvirt.libvirtError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if os.path.exists(SOCK):
            os.unlink(SOCK)


class Events:
    """Lifecycle events, as (domain name, event, detail)."""

    def __init__(self, conn):
        self.lock = threading.Lock()
        self.seen = []
        self.conn = conn
        self.cb = conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self._on, None)

    def _on(self, conn, dom, event, detail, opaque):
        with self.lock:
            self.seen.append((dom.name(), event, detail))

    def clear(self):
        with self.lock:
            self.seen = []

    def wait(self, name, event, detail, timeout=30):
        def found():
            with self.lock:
                return (name, event, detail) in self.seen
        return wait_for(found, timeout)

    def names(self):
        ev = {v: k[len("VIR_DOMAIN_EVENT_"):] for k, v in vars(libvirt).items()
              if re.match(r"VIR_DOMAIN_EVENT_[A-Z]+$", k) and isinstance(v, int)}
        with self.lock:
            return ["%s:%s/%d" % (n, ev.get(e, e), d) for n, e, d in self.seen]


def event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def fresh_id(conn, name):
    """virDomainGetID answers from the handle: look the domain up anew."""
    return conn.lookupByName(name).ID()


def state_of(dom):
    return dom.state()[0]


def start_and_time(conn, dom):
    """virDomainCreate until libvirt says running; seconds."""
    t0 = time.monotonic()
    dom.create()
    wait_for(lambda: state_of(dom) == libvirt.VIR_DOMAIN_RUNNING, 60, 0.02)
    return time.monotonic() - t0


# ----- the checks -----------------------------------------------------------

def check_capabilities(conn):
    info = dict(l.split(":", 1) for l in sh("xl info").stdout.splitlines()
                if ":" in l)
    info = {k.strip(): v.strip() for k, v in info.items()}
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
    dom = conn.defineXML(GUEST_XML.format(name=name, mem=128))
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

    # restart libvirtd under a running guest
    domid = fresh_id(conn, name)
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

    dom.destroy()
    check("destroy", state_of(dom) == libvirt.VIR_DOMAIN_SHUTOFF and
          name not in xl_domains() and
          events.wait(name, libvirt.VIR_DOMAIN_EVENT_STOPPED,
                      libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
          "state %s, xl %s, events %s" % (dom.state(), xl_domains(), events.names()))
    dom.undefine()
    check("undefine", events.wait(name, libvirt.VIR_DOMAIN_EVENT_UNDEFINED,
                                  libvirt.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED) and
          name not in conn.listDefinedDomains(),
          events.names())
    return conn, events


def too_big(conn):
    """Returns (error code, message) of starting a guest larger than the host."""
    name = "e2e-huge"
    dom = conn.defineXML(GUEST_XML.format(name=name, mem=64 * 1024))
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


def driver_start_times(conn, name, n=3):
    dom = conn.defineXML(GUEST_XML.format(name=name, mem=128))
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

    for step in (lambda: check_capabilities(conn),):
        try:
            step()
        except Exception as e:
            check("capabilities", False, "exception %r" % e)
    try:
        conn, events = lifecycle(daemon, conn, events)
    except Exception as e:
        check("lifecycle", False, "exception %r; events %s" % (e, events.names()))

    try:
        shared_errors.run(conn, lambda n, m: GUEST_XML.format(name=n, mem=m),
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

    # ----- peers, printed not asserted
    try:
        ours = driver_start_times(conn, "e2e-time")
        xlt = xl_start_time("e2e-xl")
        conn.close()
        daemon.stop()
        deb = None
        if daemon.start(DEBIAN, ours=False):
            dconn = libvirt.open(URI)
            deb = driver_start_times(dconn, "e2e-deb")
            dcode, dmsg, dstate, dleft = too_big(dconn)
            if dcode != code:
                say("E2E DIFF too-big guest: virtxl code %s (%s); Debian's driver code %s (%s)"
                    % (code, msg, dcode, dmsg))
            if dleft != left:
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
    return finish(daemon)


def finish(daemon):
    daemon.stop()
    if failed:
        sh("grep -E 'error|virtxl' /var/log/libvirt/libvirtd.log | tail -40 >&2")
        print(sh("grep -iE ' error ' /var/log/libvirt/libvirtd.log | tail -30").stdout)
    say("E2E SUMMARY: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
