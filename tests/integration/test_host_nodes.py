# SPDX-License-Identifier: LGPL-2.1-or-later
"""What xl looks up on the host, resolved on the host a guest starts on:
xl's "nodes:N" CPU lists (<virtxl:cpus_nodes>, <virtxl:cpus_soft
nodeset>) become the CPUs of this host's NUMA nodes at each start (the
simulator's intel-2s-vtd profile: node 0 has CPUs 0-23, node 1 24-47),
a node the host lacks adds no CPU, as in xl, and a hard affinity left
empty is refused, as xl refuses it;
and a grant table version Xen lacks (xl reads any number) is refused at
start as Xen refuses it (a check both backends share: backend.c)."""

import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, guest_xml

E = libvirt
XMLNS = "https://virtxl.dev/xmlns/domain/1.0"
NODE1 = tuple(24 <= c < 48 for c in range(48))


class HostNodesTest(DaemonTestCase):

    profile = "intel-2s-vtd"

    def define(self, name, elements, vcpus=2, pins=""):
        xml = guest_xml(name, vcpus=vcpus).replace(
            "<domain type='xen'>", f"<domain type='xen' xmlns:virtxl='{XMLNS}'>")
        if pins:
            xml = xml.replace("<devices>", f"<cputune>{pins}</cputune><devices>")
        dom = self.conn.defineXML(xml.replace("</domain>", elements + "</domain>"))
        self.addCleanup(self.destroy, name)
        return dom

    def destroy(self, name):
        if name in self.conn.listDefinedDomains():
            return
        try:
            self.conn.lookupByName(name).destroy()
        except libvirt.libvirtError:
            pass

    def test_cpus_nodes_pin_to_the_node(self):
        # xl cpus="nodes:1", cpus_soft="nodes:1": every vCPU on node 1.
        dom = self.define("nodes-all", "<virtxl:cpus_nodes nodeset='1'/>"
                                       "<virtxl:cpus_soft nodeset='1'/>")
        inactive = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        dom.create()
        ncpus = self.conn.getInfo()[2]
        self.assertEqual(ncpus, 48)
        maps = dom.vcpus()[1]
        self.assertEqual([m[:ncpus] for m in maps], [NODE1, NODE1])
        out = self.daemon.virsh("vcpuinfo", "nodes-all").stdout
        self.assertIn("CPU Affinity:   " + "-" * 24 + "y" * 24, out)
        # The live definition shows the CPUs the guest got; the
        # persistent one keeps the nodes, for the next host.
        live = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(live.find("./vcpu").get("cpuset"), "24-47")
        self.assertEqual(live.find(f"{{{XMLNS}}}cpus_soft").get("cpuset"), "24-47")
        self.assertIsNone(live.find(f"{{{XMLNS}}}cpus_nodes"))
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), inactive)
        self.assertIn("<virtxl:cpus_nodes nodeset='1'/>", inactive)

    def test_cpus_nodes_per_vcpu(self):
        # xl cpus=["0", "nodes:1"].
        dom = self.define("nodes-vcpu", "<virtxl:cpus_nodes vcpu='1' nodeset='1'/>",
                          pins="<vcpupin vcpu='0' cpuset='0'/>")
        ncpus = self.conn.getInfo()[2]
        # virsh vcpupin --config: what this host's node 1 holds.
        self.assertEqual(dom.vcpuPinInfo(E.VIR_DOMAIN_AFFECT_CONFIG)[1][:ncpus], NODE1)
        dom.create()
        maps = dom.vcpus()[1]
        self.assertEqual(maps[1][:ncpus], NODE1)
        self.assertEqual(maps[0][:ncpus], tuple(c == 0 for c in range(ncpus)))
        out = self.daemon.virsh("vcpupin", "nodes-vcpu").stdout
        self.assertRegex(out, r"\n\s*1\s+24-47\s*\n")
        # A persistent pinning of vCPU 1 replaces its nodes; the
        # definition stays valid.
        self.daemon.virsh("vcpupin", "nodes-vcpu", "1", "3", "--config")
        inactive = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertNotIn("cpus_nodes", inactive)
        self.assertIn("<vcpupin vcpu='1' cpuset='3'/>", inactive)
        self.conn.defineXML(inactive)

    def test_node_the_host_lacks(self):
        # A node the host lacks has no CPU in xl (libxl_node_to_cpumap
        # gives it none: xl-dryrun takes cpus="nodes:0,nodes:5" on its
        # one-node host), and xl refuses only a hard affinity left empty
        # ("vcpu hard affinity map is empty"). Defined as written; the
        # start resolves on this host.
        dom = self.define("nodes-missing", "<virtxl:cpus_nodes nodeset='1,5'/>"
                                           "<virtxl:cpus_soft nodeset='2'/>")
        dom.create()
        ncpus = self.conn.getInfo()[2]
        self.assertEqual([m[:ncpus] for m in dom.vcpus()[1]], [NODE1, NODE1])
        live = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(live.find("./vcpu").get("cpuset"), "24-47")
        # The soft affinity is left empty, as xl hands it to Xen (which
        # then schedules by the hard one alone): cpuset='none'.
        self.assertEqual(live.find(f"{{{XMLNS}}}cpus_soft").get("cpuset"), "none")
        dom.destroy()
        # xl cpus_soft="nodes: 0,^nodes: 0," likewise, read with xl's blanks.
        dom = self.define("nodes-soft-none", "<virtxl:cpus_soft list='nodes: 0,^nodes: 0,'/>")
        self.assertIn("<virtxl:cpus_soft list='nodes:0,^nodes:0'/>",
                      dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        dom.create()
        live = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(live.find(f"{{{XMLNS}}}cpus_soft").get("cpuset"), "none")
        dom.destroy()
        empty = self.define("nodes-none", "<virtxl:cpus_nodes vcpu='1' nodeset='2-3'/>",
                            pins="<vcpupin vcpu='0' cpuset='0'/>")
        with self.assertRaises(libvirt.libvirtError) as cm:
            empty.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED)
        self.assertIn("<virtxl:cpus_nodes vcpu='1'> of domain 'nodes-none' leaves no CPU of this host",
                      str(cm.exception))
        self.assertFalse(empty.isActive())

    def test_grant_version_xen_lacks(self):
        # xl -N takes max_grant_version=0 or 3; Xen refuses both.
        for version, why in (("0", "Xen refuses max grant version 0: it has grant table versions 1 and 2"),
                             ("3", "Xen refuses max grant version 3: it has grant table versions 1 and 2"),
                             ("16", "refuses max grant version 16 as out of range")):
            with self.subTest(version=version):
                dom = self.define("grant-" + version,
                                  f"<virtxl:max_grant_version value='{version}'/>")
                with self.assertRaises(libvirt.libvirtError) as cm:
                    dom.create()
                self.assertEqual(cm.exception.get_error_code(),
                                 E.VIR_ERR_CONFIG_UNSUPPORTED)
                self.assertIn(why, str(cm.exception))
                self.assertFalse(dom.isActive())
                dom.undefine()
        dom = self.define("grant-1", "<virtxl:max_grant_version value='1'/>")
        dom.create()
        self.assertTrue(dom.isActive())
