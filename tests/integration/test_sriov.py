# SPDX-License-Identifier: LGPL-2.1-or-later
"""SR-IOV VFs as guest NICs (<interface type='hostdev'>: Nova's direct
ports, virt-install --network type=hostdev) on the simulator: at start
the VF gets the interface's MAC and VLAN through its PF and is passed
through; stop, detach and a failed start give the VF its own values
back; a second guest asking for a VF in use is refused and changes
nothing; hot attach and detach keep <interface type='hostdev'> in the
live XML; interface statistics are refused for it."""

import json
import os
import tempfile
import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, PciHostMixin, guest_xml

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG

# The intel-2s-vtd profile's VFs of PF 0000:03:00.0 (enp3s0f0).
VF0 = "0000:03:10.0"               # all-zero MAC, untagged at boot
VF1 = "0000:03:10.2"               # 02:00:00:03:10:02, VLAN 7 at boot
VF0_NODE = "pci_0000_03_10_0"
VF1_NODE = "pci_0000_03_10_2"


def vf_xml(addr, mac, vlan=None, managed=True):
    dom, bus, rest = addr.split(":")
    slot, fn = rest.split(".")
    tag = f"<vlan><tag id='{vlan}'/></vlan>" if vlan is not None else ""
    m = "yes" if managed else "no"
    return (f"<interface type='hostdev' managed='{m}'><mac address='{mac}'/>"
            f"<source><address type='pci' domain='0x{dom}' bus='0x{bus}' "
            f"slot='0x{slot}' function='0x{fn}'/></source>{tag}</interface>")


def with_devices(xml, *devs):
    return xml.replace("</devices>", "".join(devs) + "</devices>")


class SRIOVTest(PciHostMixin, DaemonTestCase):

    def setUp(self):
        super().setUp()
        # Every VF back to its host driver, whatever a test left.
        self.addCleanup(self._rebind_vfs)

    def _rebind_vfs(self):
        for name in (VF0_NODE, VF1_NODE):
            try:
                self.conn.nodeDeviceLookupByName(name).reAttach()
            except libvirt.libvirtError:
                pass

    def vf(self, addr):
        """(mac, vlan, kept) of VF @addr in the simulated host's state."""
        with open(self.daemon.path("run", "libxl", "sim", "host.json")) as f:
            host = json.load(f)
        for p in host["pci"]:
            if p["address"] == addr:
                return p.get("mac"), p.get("vlan"), "keptMac" in p
        raise AssertionError(f"no VF {addr} in host.json")

    def interfaces(self, dom, flags=0):
        root = ET.fromstring(dom.XMLDesc(flags))
        return [(i.get("type"), i.find("mac").get("address"))
                for i in root.findall("./devices/interface")]

    def hostdevs(self, dom):
        root = ET.fromstring(dom.XMLDesc(0))
        return root.findall("./devices/hostdev")

    def test_xl_cfg(self):
        # xl.cfg has no key for a VF's MAC or VLAN: the pci= entry, and a
        # comment saying what xl will not set; read back, a <hostdev>.
        xml = with_devices(guest_xml("vf-native", nics=0),
                           vf_xml(VF1, "52:54:00:ee:00:01", 42))
        cfg = self.conn.domainXMLToNative("xen-xl", xml, 0)
        self.assertIn('pci = [ "0000:03:10.2,seize=1" ]', cfg)
        self.assertIn("# pci 0000:03:10.2 is <interface type='hostdev'> with "
                      "mac 52:54:00:ee:00:01 and vlan 42: xl sets no MAC or VLAN", cfg)
        self.assertNotIn("vif", cfg)
        back = ET.fromstring(self.conn.domainXMLFromNative("xen-xl", cfg, 0))
        self.assertEqual(back.findall("./devices/interface"), [])
        addr = back.find("./devices/hostdev[@type='pci']/source/address")
        self.assertEqual((addr.get("bus"), addr.get("slot"), addr.get("function")),
                         ("0x03", "0x10", "0x2"))

    def test_node_device_names_its_pf(self):
        root = ET.fromstring(self.daemon.virsh("nodedev-dumpxml", VF1_NODE).stdout)
        self.assertEqual(root.findtext("./driver/name"), "ixgbevf")
        addr = root.find("./capability/capability[@type='phys_function']/address")
        self.assertEqual((addr.get("bus"), addr.get("slot"), addr.get("function")),
                         ("0x03", "0x00", "0x0"))
        root = ET.fromstring(self.daemon.virsh("nodedev-dumpxml", "pci_0000_03_00_0").stdout)
        cap = root.find("./capability/capability[@type='virt_functions']")
        self.assertEqual(cap.get("maxCount"), "2")
        self.assertEqual([(a.get("slot"), a.get("function")) for a in cap.findall("address")],
                         [("0x10", "0x0"), ("0x10", "0x2")])

    def test_start_sets_and_stop_restores(self):
        before = self.vf(VF1)
        dom = self.conn.defineXML(with_devices(guest_xml("vf-guest"),
                                               vf_xml(VF1, "52:54:00:aa:00:01", 42)))
        dom.create()
        self.assertEqual(self.vf(VF1), ("52:54:00:aa:00:01", 42, True))
        self.assertEqual(self.driver_of(VF1_NODE), "pciback")
        # The live XML keeps the interface (and no separate <hostdev>).
        self.assertIn(("hostdev", "52:54:00:aa:00:01"), self.interfaces(dom))
        self.assertEqual(self.hostdevs(dom), [])
        # domiflist reads the XML; domifaddr must not trip over a VF.
        out = self.daemon.virsh("domiflist", "vf-guest").stdout
        self.assertIn("52:54:00:aa:00:01", out)
        dom.interfaceAddresses(E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP)
        # No vif counts a VF's traffic.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED,
                                dom.interfaceStats, "52:54:00:aa:00:01",
                                msg_contains="SR-IOV VF")

        dom.destroy()
        self.assertEqual(self.vf(VF1), (before[0], before[1], False))
        self.assertEqual(before[:2], ("02:00:00:03:10:02", 7))
        self.assertEqual(self.driver_of(VF1_NODE), "ixgbevf")

    def test_second_guest_refused_and_changes_nothing(self):
        first = self.conn.defineXML(with_devices(guest_xml("vf-first"),
                                                 vf_xml(VF0, "52:54:00:bb:00:01", 10)))
        first.create()
        state = self.vf(VF0)
        self.assertEqual(state, ("52:54:00:bb:00:01", 10, True))
        second = self.conn.defineXML(with_devices(guest_xml("vf-second"),
                                                  vf_xml(VF0, "52:54:00:bb:00:02", 20)))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, second.create,
                                msg_contains="vf-first")
        self.assertFalse(second.isActive())
        # The first guest's MAC and VLAN stand, its VF is still its own.
        self.assertEqual(self.vf(VF0), state)
        self.assertEqual(self.driver_of(VF0_NODE), "pciback")
        # Nor can it take it by hot-plug.
        other = self.conn.createXML(guest_xml("vf-other"), 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, other.attachDeviceFlags,
                                vf_xml(VF0, "52:54:00:bb:00:03"), LIVE,
                                msg_contains="vf-first")
        self.assertEqual(self.vf(VF0), state)
        self.assertNotIn("hostdev", [t for t, _ in self.interfaces(other)])
        first.destroy()
        self.assertEqual(self.vf(VF0), ("00:00:00:00:00:00", 0, False))
        # Free now: the second starts.
        second.create()
        self.assertEqual(self.vf(VF0), ("52:54:00:bb:00:02", 20, True))
        second.destroy()
        self.assertEqual(self.vf(VF0), ("00:00:00:00:00:00", 0, False))

    def test_failed_start_restores(self):
        # The VF gets its values, then the start fails (an unmanaged
        # second device that is not assignable): the VF gets them back.
        xml = with_devices(guest_xml("vf-fail"), vf_xml(VF1, "52:54:00:cc:00:01", 5),
                           "<hostdev mode='subsystem' type='pci' managed='no'><source>"
                           "<address domain='0x0000' bus='0x3b' slot='0x00' "
                           "function='0x0'/></source></hostdev>")
        dom = self.conn.defineXML(xml)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.create,
                                msg_contains="not assignable")
        self.assertEqual(self.vf(VF1), ("02:00:00:03:10:02", 7, False))

    def test_hot_attach_and_detach(self):
        dom = self.conn.defineXML(guest_xml("vf-hot"))
        dom.create()
        dom.attachDeviceFlags(vf_xml(VF0, "52:54:00:dd:00:01", 99), LIVE | CONFIG)
        self.assertEqual(self.vf(VF0), ("52:54:00:dd:00:01", 99, True))
        self.assertIn(("hostdev", "52:54:00:dd:00:01"), self.interfaces(dom))
        self.assertIn(("hostdev", "52:54:00:dd:00:01"),
                      self.interfaces(dom, E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual(self.driver_of(VF0_NODE), "pciback")
        # Twice, under another MAC: refused (this guest has it), its
        # values stand.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, dom.attachDeviceFlags,
                                vf_xml(VF0, "52:54:00:dd:00:09", 99), LIVE,
                                msg_contains="has that device already")
        self.assertEqual(self.vf(VF0), ("52:54:00:dd:00:01", 99, True))

        # virsh detach-device, as an operator would.
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
            f.write(vf_xml(VF0, "52:54:00:dd:00:01", 99))
        self.addCleanup(os.unlink, f.name)
        self.daemon.virsh("detach-device", "vf-hot", f.name, "--live", "--config")
        self.assertNotIn(("hostdev", "52:54:00:dd:00:01"), self.interfaces(dom))
        self.assertNotIn(("hostdev", "52:54:00:dd:00:01"),
                         self.interfaces(dom, E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual(self.vf(VF0), ("00:00:00:00:00:00", 0, False))
        self.assertEqual(self.driver_of(VF0_NODE), "ixgbevf")
        # And back, with virsh attach-interface.
        self.daemon.virsh("attach-interface", "vf-hot", "hostdev", VF1,
                          "--mac", "52:54:00:dd:00:02", "--managed", "--live")
        self.assertEqual(self.vf(VF1), ("52:54:00:dd:00:02", 0, True))
        dom.destroy()
        self.assertEqual(self.vf(VF1), ("02:00:00:03:10:02", 7, False))
