# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared helpers for the integration tests.

Every test class gets its own private libvirtd (scripts/virtxl-daemon):
stock Debian libvirtd, this project's module, the simulator backend, all
state under a temporary root. Tests drive it through python3-libvirt and
through the real virsh binary, as users do.

Run with Debian's /usr/bin/python3 (python3-libvirt is a Debian package).
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import uuid as uuidlib
import xml.etree.ElementTree as ET

import libvirt

TOP = os.environ.get("VXL_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("VXL_BUILD_DIR") or os.path.join(TOP, "build")
DAEMON = os.path.join(TOP, "scripts", "virtxl-daemon")
SIM_NS = "https://virtxl.dev/xmlns/domain/1.0"

# How much slower than an idle machine the daemons may be: CI runs the
# suites two at a time on a loaded 2-core machine, one of them with
# every libvirtd under valgrind. Every bound of a wait (wait_for, the
# event waits, bound()) is multiplied by it. A wait ends as soon as its
# condition holds, so a generous bound costs nothing when all goes well;
# it only decides how long a real failure takes to be reported.
# VXL_TEST_SLOWDOWN overrides it (e.g. 1 to find waits that are tight).
SLOWDOWN = float(os.environ.get("VXL_TEST_SLOWDOWN") or 3)


def bound(seconds):
    """@seconds, enough on an idle machine, scaled for a loaded one."""
    return seconds * SLOWDOWN


# Errors are asserted by the tests; libvirt's default handler would also
# print every expected one to stderr.
libvirt.registerErrorHandler(lambda ctx, err: None, None)


class Daemon:
    """A private libvirtd under a temporary root."""

    def __init__(self, backend="sim", profile="intel-2s-vtd", conf=(),
                 network=False, secret=False, storage=False,
                 private_net=False, env=None, host=None, join_net=None,
                 disk_checks=False):
        self.root = tempfile.mkdtemp(prefix="vxl-test-")
        self.backend = backend
        self.profile = profile
        self.conf = list(conf)
        # Most tests' guests name disk files that do not exist (guest_xml):
        # the simulator takes them (its default) unless a test asks for
        # the check the driver makes on real Xen.
        if disk_checks:
            self.conf.append("sim_check_disk_sources = 1")
        self.network = network
        self.secret = secret
        self.storage = storage
        self.private_net = private_net
        self.env = dict(env or {})       # extra environment of libvirtd
        self.host = host       # a simulated host of its own (migration)
        self.join_net = join_net   # a Daemon whose private network to share
        self.uri = None

    def start(self):
        args = [DAEMON, "start", self.root, "--backend", self.backend,
                "--profile", self.profile]
        for line in self.conf:
            args += ["--conf", line]
        if self.network:
            args.append("--with-network")
        if self.secret:
            args.append("--with-secret")
        if self.storage:
            args.append("--with-storage")
        if self.private_net:
            args.append("--private-net")
        if self.host:
            args += ["--host", self.host]
        if self.join_net:
            args += ["--join-net", self.join_net.root]
        env = dict(os.environ, VIRTXL_BUILD=BUILD, **self.env)
        out = subprocess.run(args, check=True, capture_output=True,
                             text=True, env=env)
        self.uri = out.stdout.strip().splitlines()[-1]
        return self.uri

    def stop(self):
        subprocess.run([DAEMON, "stop", self.root], check=False)

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self):
        subprocess.run([DAEMON, "stop", self.root, "--purge"], check=False)
        if os.environ.get("VXL_KEEP_ROOTS"):
            print("kept daemon root", self.root)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self):
        try:
            with open(os.path.join(self.root, "log", "libvirtd.log")) as f:
                return f.read()
        except OSError:
            return ""

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def inject_fault(self, hook, nth=1):
        """Make the nth next call of a backend hook fail."""
        with open(self.path("run", "libxl", "fault-inject"), "w") as f:
            f.write(f"{hook} {nth}\n")

    def inject_faults(self, *faults):
        """Make several hooks fail at once: (hook, nth) pairs, each the
        nth next call of its hook (e.g. a step and its cleanup)."""
        with open(self.path("run", "libxl", "fault-inject"), "w") as f:
            f.write("".join(f"{hook} {nth}\n" for hook, nth in faults))

    def virsh(self, *args, check=True):
        res = subprocess.run(["virsh", "-c", self.uri] + list(args),
                             capture_output=True, text=True)
        if check and res.returncode != 0:
            raise AssertionError(
                f"virsh {' '.join(args)} failed ({res.returncode}): "
                f"{res.stderr.strip()}")
        return res


_event_loop_started = False
_event_lock = threading.Lock()


def start_event_loop():
    """libvirt's default event loop, run in a daemon thread, once."""
    global _event_loop_started
    with _event_lock:
        if _event_loop_started:
            return
        libvirt.virEventRegisterDefaultImpl()

        def run():
            while True:
                libvirt.virEventRunDefaultImpl()

        threading.Thread(target=run, daemon=True, name="libvirt-events").start()
        _event_loop_started = True


def wait_for(pred, timeout=30.0, interval=0.05, what="condition",
             scaled=True):
    """Wait until pred() is true and return its value. @timeout is what
    an idle machine needs, scaled by SLOWDOWN unless @scaled is false
    (a probe whose timeout is an answer, not a failure)."""
    limit = bound(timeout) if scaled else timeout
    end = time.monotonic() + limit
    while True:
        val = pred()
        if val:
            return val
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {limit:g}s waiting for {what}")
        time.sleep(interval)


def guests(conn, flags=0):
    """Every domain but Domain-0, which the driver lists as Xen does."""
    return [d for d in conn.listAllDomains(flags) if d.name() != "Domain-0"]


def open_daemon(test, **kw):
    """A private libvirtd (Daemon(**kw)) for @test and a connection to it;
    both go at the test's cleanup."""
    start_event_loop()
    daemon = Daemon(**kw)
    daemon.start()
    test.addCleanup(daemon.cleanup)
    conn = libvirt.open(daemon.uri)
    test.addCleanup(conn.close)
    return daemon, conn


def crash_dump_text(daemon, name):
    """The core dump the simulator wrote when @name crashed under
    on_crash coredump-*: it holds the libxl config the domain was
    created with, as Xen does, i.e. what the backend was given."""
    dumps = []
    wait_for(lambda: dumps.extend(glob.glob(daemon.path(
        "lib", "libxl", "dump", name + "-*.core"))) or dumps,
        what="the core dump of " + name)
    with open(dumps[0]) as f:
        return f.read()


def guest_xml(name, ostype="xen", memory_mib=256, current_mib=None, vcpus=1,
              max_vcpus=None, uid=None, script=None, on_poweroff="destroy",
              on_reboot="restart", on_crash="destroy", disks=1, nics=1):
    """A small, schema-valid guest. @script: dict of <virtxl:guest> attrs."""
    uid = uid or str(uuidlib.uuid4())
    current = current_mib or memory_mib
    max_vcpus = max_vcpus or vcpus
    os_block = {
        "xen": "<type arch='x86_64' machine='xenpv'>xen</type>"
               "<kernel>/boot/vmlinuz</kernel><cmdline>console=hvc0</cmdline>",
        "xenpvh": "<type arch='x86_64' machine='xenpvh'>xenpvh</type>"
                  "<kernel>/boot/vmlinuz</kernel>",
        "hvm": "<type arch='x86_64' machine='xenfv'>hvm</type>"
               "<boot dev='hd'/>",
    }[ostype]
    devs = []
    for i in range(disks):
        dev = ("hd" if ostype == "hvm" else "xvd") + "abcdefgh"[i]
        bus = "ide" if ostype == "hvm" else "xen"
        devs.append(
            f"<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
            f"<source file='/var/lib/xen/images/{name}-{i}.img'/>"
            f"<target dev='{dev}' bus='{bus}'/></disk>")
    for i in range(nics):
        devs.append("<interface type='bridge'><source bridge='xenbr0'/></interface>")
    meta = ""
    if script:
        attrs = " ".join(f"{k}='{v}'" for k, v in script.items())
        meta = (f"<metadata><virtxl:guest xmlns:virtxl='{SIM_NS}' {attrs}/>"
                f"</metadata>")
    return f"""<domain type='xen'>
  <name>{name}</name>
  <uuid>{uid}</uuid>
  {meta}
  <memory unit='MiB'>{memory_mib}</memory>
  <currentMemory unit='MiB'>{current}</currentMemory>
  <vcpu current='{vcpus}'>{max_vcpus}</vcpu>
  <os>{os_block}</os>
  <on_poweroff>{on_poweroff}</on_poweroff>
  <on_reboot>{on_reboot}</on_reboot>
  <on_crash>{on_crash}</on_crash>
  <devices>{''.join(devs)}</devices>
</domain>"""


class EventWatch:
    """Domain events of one connection, kept in .seen as the tuples
    each watched kind's callback makes of them; close() deregisters."""

    def __init__(self, conn):
        start_event_loop()
        self.conn = conn
        self.seen = []
        self.cond = threading.Condition()
        self.ids = []

    def watch(self, event_id, record):
        """Keep record(dom, *args) for every @event_id event (args: the
        callback's own, between the domain and the opaque)."""
        def cb(conn, dom, *rest):
            with self.cond:
                self.seen.append(record(dom, *rest[:-1]))
                self.cond.notify_all()
        self.ids.append(self.conn.domainEventRegisterAny(None, event_id, cb, None))

    def wait_seen(self, entry, what, timeout=10.0):
        """Wait until @entry has been seen; fail naming @what."""
        end = time.monotonic() + bound(timeout)
        with self.cond:
            while entry not in self.seen:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what}: {self.seen}")
                self.cond.wait(left)

    def close(self):
        for cid in self.ids:
            try:
                self.conn.domainEventDeregisterAny(cid)
            except libvirt.libvirtError:
                pass


class EventRecorder(EventWatch):
    """Collects lifecycle (and reboot) events of one connection."""

    def __init__(self, conn):
        super().__init__(conn)
        self.events = self.seen
        self.ids = [
            conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self._lifecycle, None),
            conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, self._reboot, None),
        ]

    def _lifecycle(self, conn, dom, event, detail, opaque):
        with self.cond:
            self.events.append((dom.name(), event, detail))
            self.cond.notify_all()

    def _reboot(self, conn, dom, opaque):
        with self.cond:
            self.events.append((dom.name(), "reboot", None))
            self.cond.notify_all()

    def wait(self, name, event, detail=None, timeout=10.0):
        """Wait for (and consume up to) a matching event; return it."""
        end = time.monotonic() + bound(timeout)
        with self.cond:
            while True:
                for i, ev in enumerate(self.events):
                    if ev[0] == name and ev[1] == event and \
                            (detail is None or ev[2] == detail):
                        del self.events[:i + 1]
                        return ev
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no event {event}/{detail} for {name}; got {self.events}")
                self.cond.wait(left)

    def of(self, name):
        with self.cond:
            return [e for e in self.events if e[0] == name]


class DaemonTestCase(unittest.TestCase):
    """One private daemon per test class; a fresh connection per test."""

    backend = "sim"
    profile = "intel-2s-vtd"
    conf = ()
    network = False
    disk_checks = False     # True: missing disk files refused (real Xen)

    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(cls.backend, cls.profile, cls.conf, cls.network,
                            disk_checks=cls.disk_checks)
        cls.daemon.start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.cleanup()

    def setUp(self):
        start_event_loop()
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self._close)

    def _close(self):
        # Leave no domain behind for the next test of the class. Each
        # domain on its own: a transient one is gone once destroyed, and
        # asking it anything more must not spare the others.
        try:
            doms = self.conn.listAllDomains()
        except libvirt.libvirtError:
            doms = []
        for dom in doms:
            try:
                if dom.ID() == 0:
                    continue        # Domain-0, the host's own
                persistent = dom.isPersistent()
                if dom.isActive():
                    dom.destroy()
                if persistent:
                    dom.undefine()
            except libvirt.libvirtError:
                pass
        self.conn.close()

    def assertLibvirtError(self, code, fn, *args, msg_contains=None):
        with self.assertRaises(libvirt.libvirtError) as cm:
            fn(*args)
        err = cm.exception
        self.assertEqual(err.get_error_code(), code,
                         f"expected error code {code}, got "
                         f"{err.get_error_code()}: {err}")
        if msg_contains:
            self.assertIn(msg_contains, str(err))
        return err


# ----- shared by tests of the same kind (consoles and channels, host
# PCI devices, fault injection), so each kind is written once -----

# libvirt's default NAT network, as Debian's libvirt-daemon-config-network
# defines it.
DEFAULT_NET = """<network><name>default</name>
  <forward mode='nat'/><bridge name='virbr0' stp='on' delay='0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
  </ip></network>"""


def close_stream(st):
    """End a console or channel stream; one a forced client took over
    has ended already."""
    try:
        st.abort()
    except libvirt.libvirtError:
        pass


def stream_talk(test, conn, open_stream, send, timeout):
    """Open a non-blocking stream with open_stream(st) (a console or a
    channel of a simulated guest, which greets and then echoes), send
    @send after the greeting's first line and read until the echo or
    @timeout seconds (scaled). Returns what came back and the stream,
    which @test closes at its cleanup."""
    st = conn.newStream(libvirt.VIR_STREAM_NONBLOCK)
    open_stream(st)
    test.addCleanup(close_stream, st)
    got, sent = b"", False
    end = time.monotonic() + bound(timeout)
    while time.monotonic() < end:
        data = st.recv(1024)
        if isinstance(data, bytes) and data:
            got += data
        if b"\r\n" in got and not sent:
            st.send(send)
            sent = True
        if sent and got.endswith(send):
            break
        time.sleep(0.02)
    return got, st


# The host PCI devices of the simulator's intel-2s-vtd profile that tests
# detach and hand to guests (two functions of one NIC).
PCI_NIC = "pci_0000_03_00_0"
PCI_NIC2 = "pci_0000_03_00_1"


class PciHostMixin:
    """For DaemonTestCases that take the profile's PCI NIC from the
    host: each test gives every device back at its cleanup."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self._rebind)

    def _rebind(self):
        for name in (PCI_NIC, PCI_NIC2):
            try:
                self.conn.nodeDeviceLookupByName(name).reAttach()
            except libvirt.libvirtError:
                pass

    def driver_of(self, name):
        """The host driver node device @name is bound to."""
        xml = self.conn.nodeDeviceLookupByName(name).XMLDesc(0)
        return ET.fromstring(xml).findtext("./driver/name")


def backend_calls(daemon, action):
    """Run action() and count the backend hooks it called, by name, from
    @daemon's log (the driver logs each call)."""
    mark = len(daemon.log())
    action()
    calls = {}
    for hook in re.findall(r"backend call (\w+)", daemon.log()[mark:]):
        calls[hook] = calls.get(hook, 0) + 1
    return calls


def disarm_fault(daemon):
    """Replace an injected fault that did not fire by one that never
    will (the millionth next core dump)."""
    daemon.inject_fault("domainCoreDump", 1000000)


def remove_guests(conn, undefine_flags=0):
    """Destroy and undefine every guest of @conn, each on its own (a
    transient one is gone once destroyed)."""
    for d in guests(conn):
        try:
            if d.isActive():
                d.destroy()
            if d.isPersistent():
                d.undefineFlags(undefine_flags)
        except libvirt.libvirtError:
            pass
