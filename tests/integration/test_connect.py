# SPDX-License-Identifier: LGPL-2.1-or-later
"""Connections and host-level queries: URIs, version, capabilities, node
info and free memory against the simulated host's profile; a daemon on a
machine without Xen; bad URIs; a bad backend name in libxl.conf."""

import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import libvirt

from vxltest import TOP, Daemon, DaemonTestCase, guest_xml, wait_for

E = libvirt
MiB = 1024 * 1024
CAPS_RNG = "/usr/share/libvirt/schemas/capability.rng"


def load_profile(name):
    with open(os.path.join(TOP, "capabilities", name + ".json")) as f:
        return json.load(f)


def xen_version_number(profile):
    """"4.17.7" -> 4017007, as virConnectGetVersion encodes it."""
    parts = profile["xen"]["version"].split(".")
    major, minor = int(parts[0]), int(parts[1].split("-")[0])
    micro = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    return major * 1000000 + minor * 1000 + micro


def uri_with_path(uri, path):
    """The daemon's URI (xen:///system?socket=...) with another path."""
    rest = uri.split("?", 1)[1]
    return f"xen://{path}?{rest}"


def validate_capabilities(xml, rng):
    """xmllint's complaints about @xml against @rng; "" when valid."""
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
        f.write(xml)
        f.flush()
        res = subprocess.run(["xmllint", "--noout", "--relaxng", rng, f.name],
                             capture_output=True, text=True)
    return "" if res.returncode == 0 else res.stderr or f"xmllint exit {res.returncode}"


def daemon_pid(daemon):
    with open(daemon.path("libvirtd.pid")) as f:
        return int(f.read().strip())


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not alive for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class ConnectTest(DaemonTestCase):
    """A simulated intel-2s-vtd host: everything must match its profile."""

    profile = "intel-2s-vtd"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prof = load_profile(cls.profile)

    # ----- URIs and identity ---------------------------------------------

    def test_uri_spellings(self):
        for path in ("/system", "/"):
            uri = uri_with_path(self.daemon.uri, path)
            with self.subTest(uri=uri):
                c = libvirt.open(uri)
                try:
                    self.assertEqual(c.getType(), "Xen")
                    self.assertTrue(c.getURI().startswith("xen:///"), c.getURI())
                    self.assertEqual(c.isAlive(), 1)
                    # The same host whichever spelling was used.
                    self.assertEqual(c.getInfo()[1],
                                     self.prof["memory"]["totalMiB"])
                finally:
                    c.close()

    def test_type_and_version(self):
        self.assertEqual(self.conn.getType(), "Xen")
        want = xen_version_number(self.prof)
        self.assertEqual(self.conn.getVersion(), want)
        self.assertEqual(want // 1000, 4017)  # the profile is Xen 4.17.x
        # libvirt's own version comes through unchanged.
        self.assertEqual(self.conn.getLibVersion(), libvirt.getVersion())

    def test_hostname(self):
        # dom0's hostname: the daemon runs in dom0 (here: this machine).
        name = self.conn.getHostname()
        short = socket.gethostname()
        self.assertTrue(name == short or name.startswith(short + "."),
                        f"{name!r} is not this machine's name {short!r}")

    def test_max_vcpus(self):
        want = max(self.prof["xen"]["maxVcpus"].values())
        self.assertEqual(self.conn.getMaxVcpus(None), want)
        self.assertEqual(self.conn.getMaxVcpus("xen"), want)
        self.assertGreater(want, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.getMaxVcpus,
                                "kvm", msg_contains="kvm")

    def test_read_only_connection(self):
        ro = libvirt.openReadOnly(self.daemon.uri)
        self.addCleanup(ro.close)
        self.assertEqual(ro.getType(), "Xen")
        self.assertEqual(ro.getInfo()[2], self.conn.getInfo()[2])
        self.assertLibvirtError(E.VIR_ERR_OPERATION_DENIED, ro.defineXML,
                                guest_xml("ro-def"))
        self.assertEqual([d.name() for d in self.conn.listAllDomains()], ["Domain-0"])

    # ----- capabilities --------------------------------------------------

    def test_capabilities(self):
        xml = self.conn.getCapabilities()
        root = ET.fromstring(xml)
        self.assertEqual(root.tag, "capabilities")
        self.assertEqual(root.findtext("host/cpu/arch"), self.prof["arch"])

        # NUMA topology as the profile describes it.
        cells = root.findall("host/topology/cells/cell")
        self.assertEqual(len(cells), len(self.prof["numa"]))
        total_cpus = 0
        for cell, node in zip(cells, self.prof["numa"]):
            self.assertEqual(int(cell.findtext("memory")),
                             node["memoryMiB"] * 1024)
            self.assertEqual(cell.find("memory").get("unit"), "KiB")
            ncpus = int(cell.find("cpus").get("num"))
            self.assertEqual(ncpus, len(cell.findall("cpus/cpu")))
            total_cpus += ncpus
        cpu = self.prof["cpu"]
        self.assertEqual(total_cpus, cpu["sockets"] * cpu["coresPerSocket"] *
                         cpu["threadsPerCore"])

        # Guests: PV, HVM and PVH for x86_64, all of domain type xen.
        guests = {}
        for g in root.findall("guest"):
            arch = g.find("arch")
            guests.setdefault(g.findtext("os_type"), {})[arch.get("name")] = g
            doms = [d.get("type") for d in arch.findall("domain")]
            self.assertEqual(doms, ["xen"], ET.tostring(g, "unicode"))
        want = {"xen": "xenpv", "hvm": "xenfv", "xenpvh": "xenpvh"}
        self.assertEqual(set(guests), set(want))
        for ostype, machine in want.items():
            with self.subTest(ostype=ostype):
                g = guests[ostype]["x86_64"]
                self.assertEqual([m.text for m in g.findall("arch/machine")],
                                 [machine])
                self.assertEqual(g.findtext("arch/wordsize"), "64")
        # The profile offers hvm-3.0-x86_32(p): 32-bit HVM guests too, but
        # no 32-bit PV (no xen-3.0-x86_32p in its capability string).
        self.assertIn("i686", guests["hvm"])
        self.assertNotIn("i686", guests["xen"])

        # And the document is valid against libvirt's own schema ...
        stock = validate_capabilities(xml, CAPS_RNG)
        if stock:
            # ... except for one value libvirt 9.0's capability.rng lacks
            # although libvirt's own libxl driver emits it too (its
            # domaincommon.rng knows it): os_type xenpvh. Every error
            # must be that one, and a copy of the schema that knows it
            # must pass.
            for line in stock.splitlines():
                if "validity error" in line:
                    self.assertRegex(line, r"element os_type:", stock)
            with tempfile.TemporaryDirectory() as tmp:
                schemas = os.path.dirname(CAPS_RNG)
                for f in os.listdir(schemas):
                    with open(os.path.join(schemas, f)) as src, \
                            open(os.path.join(tmp, f), "w") as dst:
                        dst.write(src.read())
                rng = os.path.join(tmp, "capability.rng")
                with open(rng) as f:
                    text = f.read()
                text = text.replace("<value>hvm</value>",
                                    "<value>hvm</value><value>xenpvh</value>", 1)
                with open(rng, "w") as f:
                    f.write(text)
                self.assertEqual(validate_capabilities(xml, rng), "", xml)

    # ----- node info and memory ------------------------------------------

    def test_node_info(self):
        model, mem_mib, cpus, mhz, nodes, sockets, cores, threads = \
            self.conn.getInfo()
        cpu = self.prof["cpu"]
        self.assertEqual(model, self.prof["arch"])
        self.assertEqual(mem_mib, self.prof["memory"]["totalMiB"])
        self.assertEqual(cpus, cpu["sockets"] * cpu["coresPerSocket"] *
                         cpu["threadsPerCore"])
        self.assertEqual(mhz, cpu["mhz"])
        self.assertEqual(nodes, len(self.prof["numa"]))
        self.assertEqual(cores, cpu["coresPerSocket"])
        self.assertEqual(threads, cpu["threadsPerCore"])
        # virNodeInfo counts sockets per node: the product is all CPUs
        # (virsh and VIR_NODEINFO_MAXCPUS rely on it).
        self.assertEqual(nodes * sockets * cores * threads, cpus)

    def test_free_memory_follows_domains(self):
        total = self.prof["memory"]["totalMiB"] * MiB
        dom0 = self.prof["memory"]["dom0MiB"] * MiB
        free0 = self.conn.getFreeMemory()
        # Nothing runs yet: all but dom0's share is free.
        self.assertEqual(free0, total - dom0)

        mem_mib = 2048
        dom = self.conn.defineXML(guest_xml("freemem", memory_mib=mem_mib))
        self.assertEqual(self.conn.getFreeMemory(), free0)  # defining costs nothing
        dom.create()
        used = free0 - self.conn.getFreeMemory()
        print(f"\n  a {mem_mib} MiB PV guest takes {used / MiB:.1f} MiB of the host")
        # Its memory, plus at most a little overhead (shadow/p2m pools).
        self.assertGreaterEqual(used, mem_mib * MiB)
        self.assertLessEqual(used, mem_mib * MiB * 1.05 + 64 * MiB)

        cells = self.conn.getCellsFreeMemory(0, len(self.prof["numa"]))
        self.assertEqual(len(cells), len(self.prof["numa"]))
        self.assertEqual(sum(cells), self.conn.getFreeMemory())
        for free, node in zip(cells, self.prof["numa"]):
            self.assertLessEqual(free, node["memoryMiB"] * MiB)

        dom.destroy()
        self.assertEqual(self.conn.getFreeMemory(), free0)
        self.assertEqual(sum(self.conn.getCellsFreeMemory(0, 64)), free0)

    def test_cells_free_memory(self):
        n = len(self.prof["numa"])
        cells = self.conn.getCellsFreeMemory(0, n)
        self.assertEqual(len(cells), n)
        self.assertEqual(sum(cells), self.conn.getFreeMemory())
        # Asking for more cells than exist gives those that do.
        self.assertEqual(self.conn.getCellsFreeMemory(0, n + 5), cells)
        self.assertEqual(self.conn.getCellsFreeMemory(n - 1, 1), cells[-1:])
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG,
                                self.conn.getCellsFreeMemory, n, 1)

    def test_sysinfo(self):
        probe = subprocess.run(["dmidecode", "-q", "-t", "0,1,2,3,4,17"],
                               capture_output=True, text=True)
        if probe.returncode != 0:
            # libvirt reads SMBIOS with dmidecode; it cannot here, and the
            # driver must say so rather than return an empty document.
            # libvirt's libxl driver says CONFIG_UNSUPPORTED too; the
            # child process's failure would be an "internal error".
            with self.assertRaises(libvirt.libvirtError) as cm:
                self.conn.getSysinfo(0)
            self.assertEqual(cm.exception.get_error_code(),
                             libvirt.VIR_ERR_CONFIG_UNSUPPORTED,
                             str(cm.exception))
            self.assertIn("SMBIOS", str(cm.exception))
            self.assertIn("dmidecode", str(cm.exception))
            self.skipTest("dmidecode cannot read SMBIOS on this machine "
                          f"({probe.stderr.strip() or probe.returncode}); "
                          f"getSysinfo fails with: {cm.exception}")
        xml = self.conn.getSysinfo(0)
        root = ET.fromstring(xml)
        self.assertEqual(root.tag, "sysinfo")
        self.assertEqual(root.get("type"), "smbios")

    # ----- virsh ----------------------------------------------------------

    def test_virsh_version_nodeinfo_capabilities(self):
        d = self.daemon
        out = d.virsh("version").stdout
        self.assertRegex(out, r"Running hypervisor:\s+Xen " +
                         self.prof["xen"]["version"].replace(".", r"\."))
        self.assertRegex(out, r"Using API:\s+Xen ")

        out = d.virsh("nodeinfo").stdout
        cpu = self.prof["cpu"]
        ncpus = cpu["sockets"] * cpu["coresPerSocket"] * cpu["threadsPerCore"]
        self.assertRegex(out, rf"CPU\(s\):\s+{ncpus}\n")
        self.assertRegex(out, rf"CPU frequency:\s+{cpu['mhz']} MHz")
        self.assertRegex(out, rf"NUMA cell\(s\):\s+{len(self.prof['numa'])}\n")
        self.assertRegex(out, rf"Memory size:\s+{self.prof['memory']['totalMiB'] * 1024} KiB")

        caps = ET.fromstring(d.virsh("capabilities").stdout)
        self.assertEqual(caps.findtext("host/cpu/arch"), self.prof["arch"])
        self.assertEqual(sorted({g.findtext("os_type") for g in caps.findall("guest")}),
                         ["hvm", "xen", "xenpvh"])

        out = d.virsh("freecell", "--all").stdout
        self.assertRegex(out, r"Total:\s+\d+ KiB")

        self.assertTrue(d.virsh("uri").stdout.startswith("xen:///system"))


class SmallHostConnectTest(DaemonTestCase):
    """A second profile, to show the answers come from the profile."""

    profile = "small-host"

    def test_node_info_and_free_memory(self):
        prof = load_profile(self.profile)
        info = self.conn.getInfo()
        self.assertEqual(info[1], prof["memory"]["totalMiB"])
        self.assertEqual(info[2], prof["cpu"]["sockets"] *
                         prof["cpu"]["coresPerSocket"] *
                         prof["cpu"]["threadsPerCore"])
        self.assertEqual(info[4], len(prof["numa"]))
        self.assertEqual(self.conn.getFreeMemory(),
                         (prof["memory"]["totalMiB"] - prof["memory"]["dom0MiB"]) * MiB)
        self.assertEqual(self.conn.getVersion(), xen_version_number(prof))


class NoXenTest(unittest.TestCase):
    """backend = "libxl" on this machine, which runs no Xen: connections
    fail with a message saying so and how to select the simulator, and
    the daemon keeps running (other drivers may live in it)."""

    @classmethod
    def setUpClass(cls):
        if os.path.exists("/proc/xen/capabilities"):
            raise unittest.SkipTest("this machine runs on Xen")
        cls.daemon = Daemon(backend="libxl")
        cls.daemon.start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.cleanup()

    def assertNoXen(self, fn, *args):
        with self.assertRaises(libvirt.libvirtError) as cm:
            fn(*args)
        err = cm.exception
        self.assertEqual(err.get_error_code(), E.VIR_ERR_NO_SUPPORT, str(err))
        self.assertIn("no Xen hypervisor found", str(err))
        self.assertIn('backend = "sim"', str(err))
        return str(err)

    def test_open_fails_and_daemon_survives(self):
        pid = daemon_pid(self.daemon)
        first = self.assertNoXen(libvirt.open, self.daemon.uri)
        self.assertTrue(pid_alive(pid))
        # Again: the same answer, not a crash or a different error.
        second = self.assertNoXen(libvirt.open, self.daemon.uri)
        self.assertEqual(first, second)
        self.assertNoXen(libvirt.openReadOnly, self.daemon.uri)
        self.assertNoXen(libvirt.open, uri_with_path(self.daemon.uri, "/"))
        time.sleep(0.2)
        self.assertTrue(pid_alive(pid), "libvirtd died after failed opens")
        self.assertEqual(daemon_pid(self.daemon), pid)
        # The daemon log says why, once, at start-up.
        self.assertIn("no Xen hypervisor found", self.daemon.log())

    def test_virsh_says_why(self):
        res = self.daemon.virsh("version", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("no Xen hypervisor found", res.stderr)
        self.assertIn('backend = "sim"', res.stderr)


class BadUriTest(DaemonTestCase):

    def test_bad_paths_refused(self):
        for path in ("/session", "/foo"):
            uri = uri_with_path(self.daemon.uri, path)
            with self.subTest(uri=uri):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    libvirt.open(uri)
                err = cm.exception
                # libvirt's libxl driver: VIR_ERR_INTERNAL_ERROR "unexpected
                # Xen URI path '/session', try xen:///system".
                self.assertEqual(err.get_error_code(), E.VIR_ERR_INTERNAL_ERROR, str(err))
                self.assertIn(path, str(err))
                self.assertIn("xen:///system", str(err))
        # The daemon is unharmed.
        self.assertEqual(libvirt.open(self.daemon.uri).getType(), "Xen")


class BadBackendTest(unittest.TestCase):
    """backend = "bogus": libvirt's convention for a driver whose config
    file is wrong (qemu.conf, libxl.conf) is that its state driver fails
    to initialise, libvirtd logs why and exits. A user must find the file,
    the key and the value in the log, and must not get a daemon that runs
    some other backend than the one configured."""

    def test_unknown_backend(self):
        d = Daemon(backend="bogus")
        self.addCleanup(d.cleanup)
        started = True
        try:
            d.start()
        except subprocess.CalledProcessError:
            started = False

        def gone_or_refusing():
            pidfile = d.path("libvirtd.pid")
            if not os.path.exists(pidfile) or not pid_alive(daemon_pid(d)):
                return "exited"
            try:
                libvirt.open(d.uri).close()
            except libvirt.libvirtError as e:
                return f"refuses: {e}"
            return None

        outcome = "exited" if not started else wait_for(
            gone_or_refusing, timeout=10, what="daemon to refuse backend 'bogus'")
        print(f"\n  backend = \"bogus\": start {'ok' if started else 'failed'}, "
              f"then {outcome}")
        log = d.log()
        want = 'backend = "bogus" is not known'
        self.assertIn(want, log, "daemon log does not explain the failure:\n" + log[-3000:])
        line = next(l for l in log.splitlines() if want in l)
        self.assertIn("libxl.conf", line)
        self.assertIn('"sim"', line)


if __name__ == "__main__":
    unittest.main(verbosity=2)
