# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hostile input: names with control characters, counts that would make
libvirt's own parser abort the daemon, CPU sets the host lacks, and a
generated corpus of mangled definitions, through define, create,
attach, native conversion and domcaps. Each is refused with a clear
error or accepted whole; the daemon lives on and nothing is left
behind."""

import os
import random
import unittest

import libvirt

from vxltest import guests, DaemonTestCase, guest_xml

E = libvirt


class HostileInputTest(DaemonTestCase):

    def assertNothingLeft(self):
        self.assertEqual(guests(self.c), [])
        self.assertEqual([f for f in os.listdir(self.daemon.path("etc", "libxl"))
                          if f.endswith(".xml")], [])
        # Alive and answering.
        self.c.getVersion()

    def setUp(self):
        super().setUp()
        self.c = self.conn

    def refuse_everywhere(self, xml, code, msg=None):
        for fn in (self.c.defineXML, lambda x: self.c.createXML(x, 0),
                   lambda x: self.c.domainXMLToNative("xen-xl", x, 0)):
            with self.assertRaises(libvirt.libvirtError) as cm:
                fn(xml)
            self.assertEqual(cm.exception.get_error_code(), code,
                             str(cm.exception))
            if msg:
                self.assertIn(msg, str(cm.exception))
        self.assertNothingLeft()

    def test_control_characters_in_names(self):
        # (Other C0 characters are not XML: the XML parser refuses them.)
        for bad in ("a\nb", "tab\there", "del\x7f", "cr&#13;", "nl&#10;x"):
            with self.subTest(name=repr(bad)):
                xml = guest_xml("PLACEHOLDER").replace("PLACEHOLDER", bad)
                for fn in (self.c.defineXML, lambda x: self.c.createXML(x, 0)):
                    with self.assertRaises(libvirt.libvirtError) as cm:
                        fn(xml)
                    self.assertEqual(cm.exception.get_error_code(),
                                     E.VIR_ERR_XML_DETAIL)
                    self.assertIn("control character", str(cm.exception))
                self.assertNothingLeft()

    def test_vcpu_counts_that_abort_libvirts_parser(self):
        for value in ("-1", "4294967295", "4294967294", "100000000", "4097"):
            with self.subTest(value=value):
                xml = guest_xml("huge").replace(
                    "<vcpu current='1'>1</vcpu>", f"<vcpu>{value}</vcpu>")
                self.refuse_everywhere(xml, E.VIR_ERR_CONFIG_UNSUPPORTED,
                                       "<vcpu>")

    def test_iothreads_count(self):
        xml = guest_xml("io").replace("<vcpu", "<iothreads>4294967295</iothreads><vcpu")
        self.refuse_everywhere(xml, E.VIR_ERR_CONFIG_UNSUPPORTED, "<iothreads>")

    def test_cpusets_the_host_lacks(self):
        # The profile's host has 48 CPUs. CPUs beyond them are dropped,
        # as by xl and libxl (test_host_cpus.py); a set with none of the
        # host's is refused, as Xen refuses it.
        xml = guest_xml("pin").replace("<vcpu current='1'>1</vcpu>",
                                       "<vcpu cpuset='48'>1</vcpu>")
        for fn in (self.c.defineXML, lambda x: self.c.createXML(x, 0)):
            with self.assertRaises(libvirt.libvirtError) as cm:
                fn(xml)
            self.assertEqual(cm.exception.get_error_code(),
                             E.VIR_ERR_CONFIG_UNSUPPORTED)
            self.assertIn("this host has CPUs 0-47 only", str(cm.exception))
        self.assertNothingLeft()
        pin = guest_xml("pin2", vcpus=2).replace(
            "<vcpu current='2'>2</vcpu>",
            "<vcpu current='2'>2</vcpu><cputune><vcpupin vcpu='1' cpuset='60'/></cputune>")
        self.assertRaises(libvirt.libvirtError, self.c.defineXML, pin)
        self.assertNothingLeft()
        # The host's own CPUs are fine, and so is a set reaching past them.
        for cpuset in ("0-47", "0-200"):
            ok = guest_xml("pin3").replace("<vcpu current='1'>1</vcpu>",
                                           f"<vcpu cpuset='{cpuset}'>1</vcpu>")
            self.c.defineXML(ok).undefine()

    def test_numa_nodes_the_host_lacks(self):
        # A vNUMA cell's host node (xl's vnuma pnode=, which xl refuses
        # beyond the host's nodes); the profile's host has a few nodes.
        cell = ("<cpu><numa><cell id='0' cpus='0' memory='262144' unit='KiB'/></numa></cpu>"
                "<numatune><memnode cellid='0' mode='strict' nodeset='%d'/></numatune>")
        xml = guest_xml("pnode").replace("<vcpu current='1'>1</vcpu>",
                                         "<vcpu current='1'>1</vcpu>" + cell % 63)
        self.assert_define_and_create_refused(
            xml, "names host NUMA node 63, but this host has nodes 0-")
        ok = guest_xml("pnode0").replace("<vcpu current='1'>1</vcpu>",
                                         "<vcpu current='1'>1</vcpu>" + cell % 0)
        dom = self.c.defineXML(ok)
        self.assertIn("<memnode cellid='0' mode='strict' nodeset='0'/>", dom.XMLDesc(0))
        dom.undefine()

    def assert_define_and_create_refused(self, xml, msg):
        """Both define and create refuse @xml (CONFIG_UNSUPPORTED, naming
        @msg), leaving nothing behind."""
        for fn in (self.c.defineXML, lambda x: self.c.createXML(x, 0)):
            with self.assertRaises(libvirt.libvirtError) as cm:
                fn(xml)
            self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED)
            self.assertIn(msg, str(cm.exception))
        self.assertNothingLeft()

    def test_numatune_memory_nodes_the_host_lacks(self):
        # <numatune><memory mode='preferred'> is libxl's nodemap: a node
        # beyond the host's is refused as for a vNUMA cell's; the host's
        # own start (the simulator takes the translated config).
        tune = "<numatune><memory mode='preferred' nodeset='%d'/></numatune>"
        xml = guest_xml("nodemap").replace("<vcpu current='1'>1</vcpu>",
                                           "<vcpu current='1'>1</vcpu>" + tune % 63)
        self.assert_define_and_create_refused(
            xml, "<numatune><memory nodeset> of domain 'nodemap' names host NUMA node 63, but this host has nodes 0-")
        ok = guest_xml("nodemap0").replace("<vcpu current='1'>1</vcpu>",
                                           "<vcpu current='1'>1</vcpu>" + tune % 0)
        dom = self.c.defineXML(ok)
        self.assertIn("<memory mode='preferred' nodeset='0'/>", dom.XMLDesc(0))
        dom.create()
        dom.destroy()
        dom.undefine()

    def test_numa_node_gone_since_define(self):
        # Defined on a host with node 1, started on one without it (the
        # daemon back on a one-node host): xl create would fail there
        # (libxl__vnuma_config_check), so the start refuses it, naming
        # the node, and the definition stays as it was.
        cell = ("<cpu><numa><cell id='0' cpus='0' memory='262144' unit='KiB'/></numa></cpu>"
                "<numatune><memnode cellid='0' mode='strict' nodeset='1'/></numatune>")
        xml = guest_xml("pnode1").replace("<vcpu current='1'>1</vcpu>",
                                          "<vcpu current='1'>1</vcpu>" + cell)
        self.c.defineXML(xml)
        self.addCleanup(self.restart_on, self.daemon.profile)
        self.restart_on("small-host")
        dom = self.c.lookupByName("pnode1")
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED)
        self.assertIn("names host NUMA node 1, but this host has nodes 0-0 only",
                      str(cm.exception))
        self.assertFalse(dom.isActive())
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        self.assertIn("<memnode cellid='0' mode='strict' nodeset='1'/>",
                      dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        dom.undefine()

    def restart_on(self, profile):
        """The class's daemon again, on the simulated host @profile."""
        self.c.close()
        self.daemon.profile = profile
        self.daemon.restart()
        self.conn = self.c = libvirt.open(self.daemon.uri)

    def test_generated_corpus(self):
        """Mangled definitions: each refused cleanly or accepted whole."""
        rng = random.Random(19)
        base = guest_xml("corpus", script=None)
        numbers = ["-1", "0", "4294967295", "18446744073709551615",
                   "99999999999999999999", "1e9", "0x10", "", " ", "NaN"]
        texts = ["\n", "\x01", "../../etc/passwd", "a" * 300, "&amp;", "é",
                 "]]>", "<x/>"]
        accepted = 0
        for i in range(300):
            xml = base
            kind = rng.randrange(5)
            if kind == 0:
                for tag in ("memory", "currentMemory"):
                    if rng.random() < 0.5:
                        xml = xml.replace(f"<{tag} unit='MiB'>256",
                                          f"<{tag} unit='MiB'>{rng.choice(numbers)}")
            elif kind == 1:
                xml = xml.replace("<vcpu current='1'>1</vcpu>",
                                  f"<vcpu current='{rng.choice(numbers)}'>"
                                  f"{rng.choice(numbers)}</vcpu>")
            elif kind == 2:
                xml = xml.replace("<name>corpus</name>",
                                  f"<name>c{i}{rng.choice(texts)}</name>")
            elif kind == 3:
                cut = rng.randrange(len(xml))
                xml = xml[:cut]
            else:
                pos = rng.randrange(len(xml))
                xml = xml[:pos] + rng.choice(texts + numbers) + xml[pos:]
            for fn in (self.c.defineXML, lambda x: self.c.createXML(x, 0),
                       lambda x: self.c.domainXMLToNative("xen-xl", x, 0)):
                try:
                    res = fn(xml)
                except libvirt.libvirtError as e:
                    self.assertNotEqual(e.get_error_code(), E.VIR_ERR_RPC, xml)
                    continue
                accepted += 1
                if isinstance(res, libvirt.virDomain):
                    if res.isActive():
                        res.destroy()
                    try:
                        res.undefine()
                    except libvirt.libvirtError:
                        pass
            self.assertNothingLeft()
        # The corpus is not all refusals.
        self.assertGreater(accepted, 0)

    def test_hostile_devices_and_domcaps(self):
        dom = self.c.createXML(guest_xml("dev"), 0)
        for dev in ("<disk type='file' device='disk'><source file='/x'/>"
                    "<target dev='xvd\n'/></disk>",
                    "<interface type='bridge'><mac address='zz:zz'/></interface>",
                    "<disk", "<disk type='file' device='disk'><source file='/x'/>"
                    "<target dev='" + "x" * 5000 + "'/></disk>"):
            self.assertRaises(libvirt.libvirtError, dom.attachDevice, dev)
        dom.destroy()
        for args in (("/usr/bin/qemu\n", None, None, None),
                     (None, "x" * 10000, None, None),
                     (None, None, "\x01", None)):
            try:
                self.c.getDomainCapabilities(*args, 0)
            except libvirt.libvirtError:
                pass
        self.assertNothingLeft()


if __name__ == "__main__":
    unittest.main()
