# SPDX-License-Identifier: LGPL-2.1-or-later
"""CPUs the host lacks in a hard affinity (<vcpu cpuset>, <vcpupin>,
xl's cpus=): xl and libxl drop them silently (libxl_bitmap_set ignores a
CPU past the host's map) and fail only on a vCPU left with none, as Xen
refuses a hard affinity with no online CPU. So: accepted at define and
kept in the persistent definition, cut at start in the live one, refused
only when no CPU of the host is left. The simulator's intel-2s-vtd
profile has CPUs 0-47. A runtime pin beyond the host cannot be sent by
virsh or the Python bindings, which cut the map to the host's CPUs; C
clients can, and get what xl vcpu-pin does (PinVcpuCApiTest)."""

import ctypes
import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, guest_xml

E = libvirt
NCPUS = 48


class HostCpusTest(DaemonTestCase):

    profile = "intel-2s-vtd"

    def xml(self, name, cpuset=None, pins=""):
        xml = guest_xml(name, vcpus=2)
        if cpuset:
            xml = xml.replace("<vcpu current='2'>2</vcpu>",
                              f"<vcpu current='2' cpuset='{cpuset}'>2</vcpu>")
        if pins:
            xml = xml.replace("<devices>", f"<cputune>{pins}</cputune><devices>")
        return xml

    def define(self, name, cpuset=None, pins=""):
        dom = self.conn.defineXML(self.xml(name, cpuset, pins))
        self.addCleanup(self.undefine, name)
        return dom

    def undefine(self, name):
        try:
            dom = self.conn.lookupByName(name)
        except libvirt.libvirtError:
            return
        if dom.isActive():
            dom.destroy()
        if dom.isPersistent():
            dom.undefine()

    def test_beyond_the_host_cut_at_start(self):
        dom = self.define("beyond", cpuset="40-60",
                          pins="<vcpupin vcpu='1' cpuset='2,100'/>")
        inactive = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertIn("cpuset='40-60'", inactive)
        self.assertIn("<vcpupin vcpu='1' cpuset='2,100'/>", inactive)
        dom.create()
        maps = dom.vcpus()[1]
        self.assertEqual(maps[0][:NCPUS], tuple(40 <= c for c in range(NCPUS)))
        self.assertEqual(maps[1][:NCPUS], tuple(c == 2 for c in range(NCPUS)))
        # The live definition shows what the guest got; the persistent
        # one keeps what was written, for a bigger host.
        live = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(live.find("./vcpu").get("cpuset"), "40-47")
        self.assertEqual(live.find("./cputune/vcpupin").get("cpuset"), "2")
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), inactive)

    def test_no_cpu_of_the_host_left(self):
        for cpuset, pins, what in (
                ("48-60", "", "<vcpu cpuset>"),
                (None, "<vcpupin vcpu='0' cpuset='3'/><vcpupin vcpu='1' cpuset='60-63'/>",
                 "<vcpupin vcpu='1'>")):
            with self.subTest(what=what):
                xml = self.xml("nohost", cpuset, pins)
                for fn in (self.conn.defineXML, lambda x: self.conn.createXML(x, 0)):
                    with self.assertRaises(libvirt.libvirtError) as cm:
                        fn(xml)
                    self.assertEqual(cm.exception.get_error_code(),
                                     E.VIR_ERR_CONFIG_UNSUPPORTED)
                    self.assertIn(f"the {what} of domain 'nohost' names no CPU of this host",
                                  str(cm.exception))
                self.assertNotIn("nohost", self.conn.listDefinedDomains())


XMLNS = "https://virtxl.dev/xmlns/domain/1.0"


class HostCpuListsTest(DaemonTestCase):
    """xl's CPU lists mixing NUMA node items with CPUs or "all"
    (<virtxl:cpus_nodes list>, <virtxl:cpus_soft list>): kept as
    written, applied in xl's order at each start against this host
    (node 0: CPUs 0-23, node 1: 24-47)."""

    profile = "intel-2s-vtd"

    def define(self, name, elements, pins=""):
        xml = guest_xml(name, vcpus=2).replace(
            "<domain type='xen'>", f"<domain type='xen' xmlns:virtxl='{XMLNS}'>")
        if pins:
            xml = xml.replace("<devices>", f"<cputune>{pins}</cputune><devices>")
        dom = self.conn.defineXML(xml.replace("</domain>", elements + "</domain>"))
        self.addCleanup(self.undefine, name)
        return dom

    def undefine(self, name):
        dom = self.conn.lookupByName(name)
        if dom.isActive():
            dom.destroy()
        dom.undefine()

    def test_mixed_lists_resolved_at_start(self):
        # xl cpus="nodes:1,3,100", cpus_soft="all,^nodes:1".
        dom = self.define("mixed", "<virtxl:cpus_nodes list='nodes:1,3,100'/>"
                                   "<virtxl:cpus_soft list='all,^nodes:1'/>")
        inactive = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertIn("<virtxl:cpus_nodes list='nodes:1,3,100'/>", inactive)
        self.assertIn("<virtxl:cpus_soft list='all,^nodes:1'/>", inactive)
        dom.create()
        want = tuple(c == 3 or c >= 24 for c in range(NCPUS))
        self.assertEqual([m[:NCPUS] for m in dom.vcpus()[1]], [want, want])
        live = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(live.find("./vcpu").get("cpuset"), "3,24-47")
        self.assertEqual(live.find(f"{{{XMLNS}}}cpus_soft").get("cpuset"), "0-23")
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), inactive)

    def test_mixed_list_per_vcpu(self):
        # xl cpus=["nodes:0,^1", "2"].
        dom = self.define("mixed-vcpu", "<virtxl:cpus_nodes vcpu='0' list='nodes:0,^1'/>",
                          pins="<vcpupin vcpu='1' cpuset='2'/>")
        dom.create()
        maps = dom.vcpus()[1]
        self.assertEqual(maps[0][:NCPUS], tuple(c < 24 and c != 1 for c in range(NCPUS)))
        self.assertEqual(maps[1][:NCPUS], tuple(c == 2 for c in range(NCPUS)))
        live = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(live.find("./cputune/vcpupin[@vcpu='0']").get("cpuset"), "0,2-23")

    def test_list_with_xl_blanks(self):
        # What xl takes (strtok_r skips empty items, strtoul blanks
        # before a number): kept without them, the same list to xl.
        dom = self.define("mixed-blanks", "<virtxl:cpus_nodes list=',nodes: 0,,^ 1, 2-  3,'/>")
        self.assertIn("<virtxl:cpus_nodes list='nodes:0,^1,2-3'/>",
                      dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        dom.create()
        live = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(live.find("./vcpu").get("cpuset"), "0,2-23")

    def test_list_leaving_no_cpu(self):
        # Defined (another host may differ); this host's start refused,
        # as xl's create fails on an empty hard affinity.
        dom = self.define("mixed-none", "<virtxl:cpus_nodes list='3,^nodes:0'/>")
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED)
        self.assertIn("<virtxl:cpus_nodes> of domain 'mixed-none' leaves no CPU of this host",
                      str(cm.exception))
        self.assertFalse(dom.isActive())

    def test_list_xl_refuses(self):
        # xl_parse.c: '^' with "all", junk, a blank after a number or
        # before '^' (parse_range takes blanks only before a number).
        for bad in ("nodes:0,^all", "nodes:0,x", "nodes:0 ,1", "nodes:0, ^1", "nodes: all"):
            with self.subTest(bad=bad):
                xml = guest_xml("mixed-bad").replace(
                    "<domain type='xen'>", f"<domain type='xen' xmlns:virtxl='{XMLNS}'>")
                xml = xml.replace("</domain>", f"<virtxl:cpus_nodes list='{bad}'/></domain>")
                with self.assertRaises(libvirt.libvirtError) as cm:
                    self.conn.defineXML(xml)
                self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_XML_ERROR)
                self.assertIn(f"list='{bad}'", str(cm.exception))

    def test_exclusion_of_every_host_cpu(self):
        # xl cpus="all,^0-47" on this host: no CPU left, refused; one
        # left is fine.
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.define("excl-all", "<virtxl:cpus_exclude cpuset='0-47'/>")
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED)
        self.assertIn("<virtxl:cpus_exclude> of domain 'excl-all' takes out every CPU of this host",
                      str(cm.exception))
        dom = self.define("excl-one", "<virtxl:cpus_exclude cpuset='0-46'/>")
        dom.create()
        self.assertEqual(dom.vcpus()[1][0][:NCPUS], tuple(c == 47 for c in range(NCPUS)))

    def test_soft_beyond_the_host_cut_at_start(self):
        # xl cpus_soft=["2,60", "100-101"]: libxl copies each soft map
        # into one of the host's size (libxl__bitmap_copy_best_effort);
        # vCPU 1's is then empty, which Xen takes (libxl warns that only
        # the hard affinity counts): the live XML says cpuset='none'.
        dom = self.define("soft-beyond", "<virtxl:cpus_soft cpuset='2,60'/>"
                                         "<virtxl:cpus_soft vcpu='1' cpuset='100-101'/>")
        inactive = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertIn("<virtxl:cpus_soft cpuset='2,60'/>", inactive)
        self.assertIn("<virtxl:cpus_soft vcpu='1' cpuset='100-101'/>", inactive)
        dom.create()
        live = ET.fromstring(dom.XMLDesc(0))
        soft = {e.get("vcpu"): e.get("cpuset") for e in live.findall(f"{{{XMLNS}}}cpus_soft")}
        self.assertEqual(soft, {None: "2", "1": "none"})
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), inactive)
        # The next start cuts the persistent definition afresh.
        dom.destroy()
        dom.create()
        live = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(live.find(f"{{{XMLNS}}}cpus_soft").get("cpuset"), "2")

    def test_soft_from_every_cpu_not_cut(self):
        # "all" and "all,^3,60" mean every CPU of whichever host (but 3):
        # the live XML says so as written.
        dom = self.define("soft-all", "<virtxl:cpus_soft cpuset='3,60' exclude='yes'/>"
                                      "<virtxl:cpus_soft vcpu='0' cpuset='all'/>")
        dom.create()
        live = dom.XMLDesc(0)
        self.assertIn("<virtxl:cpus_soft cpuset='3,60' exclude='yes'/>", live)
        self.assertIn("<virtxl:cpus_soft vcpu='0' cpuset='all'/>", live)


class PinVcpuCApiTest(DaemonTestCase):
    """virDomainPinVcpu(Flags) as a C client calls it, with a cpumap
    longer than the host's CPUs (virsh and the Python bindings cut the
    map first, so the call goes through ctypes on libvirt.so.0). As xl
    vcpu-pin: xl reads the list into a map of the host's size, dropping
    the rest, and Xen refuses a hard affinity with no online CPU
    (vcpu_set_hard_affinity: EINVAL), so xl fails on it. The persistent
    definition keeps what was asked, as a define does."""

    profile = "intel-2s-vtd"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lib = cls.lib = ctypes.CDLL("libvirt.so.0")
        lib.virConnectOpen.restype = ctypes.c_void_p
        lib.virConnectOpen.argtypes = [ctypes.c_char_p]
        lib.virConnectClose.argtypes = [ctypes.c_void_p]
        lib.virDomainLookupByName.restype = ctypes.c_void_p
        lib.virDomainLookupByName.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.virDomainFree.argtypes = [ctypes.c_void_p]
        lib.virDomainPinVcpuFlags.argtypes = [ctypes.c_void_p, ctypes.c_uint,
                                              ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
        lib.virDomainPinVcpu.argtypes = [ctypes.c_void_p, ctypes.c_uint,
                                         ctypes.c_char_p, ctypes.c_int]
        lib.virGetLastErrorMessage.restype = ctypes.c_char_p

    def setUp(self):
        super().setUp()
        self.cconn = self.lib.virConnectOpen(self.daemon.uri.encode())
        self.assertTrue(self.cconn)
        self.addCleanup(self.lib.virConnectClose, self.cconn)

    def cdom(self, name):
        dom = self.lib.virDomainLookupByName(self.cconn, name.encode())
        self.assertTrue(dom)
        self.addCleanup(self.lib.virDomainFree, dom)
        return dom

    @staticmethod
    def cpumap(cpus, maplen=16):
        buf = bytearray(maplen)
        for c in cpus:
            buf[c // 8] |= 1 << (c % 8)
        return bytes(buf)

    def pin(self, dom, vcpu, cpus, flags=None):
        m = self.cpumap(cpus)
        if flags is None:
            rc = self.lib.virDomainPinVcpu(dom, vcpu, m, len(m))
        else:
            rc = self.lib.virDomainPinVcpuFlags(dom, vcpu, m, len(m), flags)
        if rc < 0:
            return self.lib.virGetLastErrorCode(), self.lib.virGetLastErrorMessage().decode()
        return rc, None

    def running(self, name):
        dom = self.conn.defineXML(guest_xml(name, vcpus=2))
        dom.create()
        return dom

    @staticmethod
    def pins(xml):
        return {p.get("vcpu"): p.get("cpuset")
                for p in ET.fromstring(xml).findall("./cputune/vcpupin")}

    def test_live_and_config(self):
        dom = self.running("cpin")
        c = self.cdom("cpin")
        flags = E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG
        self.assertEqual(self.pin(c, 1, (2, 100), flags), (0, None))
        self.assertEqual(dom.vcpus()[1][1][:NCPUS], tuple(c == 2 for c in range(NCPUS)))
        self.assertEqual(self.pins(dom.XMLDesc(0))["1"], "2")
        self.assertEqual(self.pins(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))["1"], "2,100")
        # The old call, live only.
        self.assertEqual(self.pin(c, 0, (5, 47, 48, 127)), (0, None))
        self.assertEqual(dom.vcpus()[1][0][:NCPUS], tuple(c in (5, 47) for c in range(NCPUS)))
        self.assertEqual(self.pins(dom.XMLDesc(0))["0"], "5,47")
        # The persistent definition keeps what was asked; it starts
        # again, cut afresh.
        self.assertEqual(self.pin(c, 0, (3, 64), E.VIR_DOMAIN_AFFECT_CONFIG), (0, None))
        self.assertEqual(self.pins(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))["0"], "3,64")
        self.assertEqual(self.pins(dom.XMLDesc(0))["0"], "5,47")
        dom.destroy()
        dom.create()
        self.assertEqual(self.pins(dom.XMLDesc(0)), {"0": "3", "1": "2"})

    def test_no_cpu_of_the_host(self):
        dom = self.running("cnone")
        c = self.cdom("cnone")
        before = (dom.XMLDesc(0), dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), dom.vcpus()[1])
        for flags in (None, E.VIR_DOMAIN_AFFECT_LIVE, E.VIR_DOMAIN_AFFECT_CONFIG,
                      E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG):
            with self.subTest(flags=flags):
                code, msg = self.pin(c, 1, (48, 100), flags)
                self.assertEqual(code, E.VIR_ERR_INVALID_ARG)
                self.assertIn("cannot pin vCPU 1 to CPUs the host lacks: the host has CPUs 0-47",
                              msg)
        self.assertEqual((dom.XMLDesc(0), dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                          dom.vcpus()[1]), before)

    def test_inactive_config(self):
        dom = self.conn.defineXML(guest_xml("cinactive", vcpus=2))
        c = self.cdom("cinactive")
        self.assertEqual(self.pin(c, 1, (1, 90), E.VIR_DOMAIN_AFFECT_CONFIG), (0, None))
        self.assertEqual(self.pins(dom.XMLDesc(0))["1"], "1,90")
        dom.create()
        self.assertEqual(self.pins(dom.XMLDesc(0))["1"], "1")
