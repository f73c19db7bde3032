# SPDX-License-Identifier: LGPL-2.1-or-later
"""CPUs the host lacks in a hard affinity (<vcpu cpuset>, <vcpupin>,
xl's cpus=): xl and libxl drop them silently (libxl_bitmap_set ignores a
CPU past the host's map) and fail only on a vCPU left with none, as Xen
refuses a hard affinity with no online CPU. So: accepted at define and
kept in the persistent definition, cut at start in the live one, refused
only when no CPU of the host is left. The simulator's intel-2s-vtd
profile has CPUs 0-47. (A runtime pin beyond the host cannot be sent by
virsh or the Python bindings, which cut the map to the host's CPUs;
vxlDomainVcpuPin drops such CPUs for C clients likewise.)"""

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
