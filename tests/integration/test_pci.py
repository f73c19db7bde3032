# SPDX-License-Identifier: LGPL-2.1-or-later
"""PCI passthrough through stock libvirtd: the simulated host's PCI
devices as node devices (virsh nodedev-list, nodedev-dumpxml), made
assignable and given back (nodedev-detach, nodedev-reattach,
nodedev-reset), Nova's Xen path (managed='no' devices prepared before the
start), managed devices, and <hostdev> hot attach and detach, live and
persistent, with device-added and device-removed events; a device in use
or not prepared is refused and nothing changes."""

import glob
import json
import os
import tempfile
import xml.etree.ElementTree as ET

import libvirt

from vxltest import PCI_NIC as NIC, PCI_NIC2 as NIC2
from vxltest import (DaemonTestCase, EventWatch, SIM_NS,
                     PciHostMixin, guest_xml)

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
PREPARED = "pci_0000_5e_00_0"        # bound to pciback by the host at boot


def hostdev_xml(bus, slot=0, function=0, managed=False):
    m = "yes" if managed else "no"
    return (f"<hostdev mode='subsystem' type='pci' managed='{m}'><source>"
            f"<address domain='0x0000' bus='0x{bus:02x}' slot='0x{slot:02x}' "
            f"function='0x{function:x}'/></source></hostdev>")


def with_hostdev(xml, *hostdevs):
    return xml.replace("</devices>", "".join(hostdevs) + "</devices>")


class DeviceEvents(EventWatch):
    """DEVICE_ADDED and DEVICE_REMOVED events of one connection."""

    def __init__(self, conn):
        super().__init__(conn)
        self.watch(E.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                   lambda dom, alias: (dom.name(), "added", alias))
        self.watch(E.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                   lambda dom, alias: (dom.name(), "removed", alias))

    def wait(self, name, kind, alias, timeout=10.0):
        self.wait_seen((name, kind, alias), f"{kind} {alias} for {name}",
                       timeout)


class PCITest(PciHostMixin, DaemonTestCase):

    def hostdevs(self, dom, flags=0):
        root = ET.fromstring(dom.XMLDesc(flags))
        out = []
        for a in root.findall("./devices/hostdev/source/address"):
            out.append((int(a.get("bus"), 16), int(a.get("slot"), 16),
                        int(a.get("function"), 16)))
        return out

    def sim_pcidevs(self, name):
        """The pcidevs of simulated domain @name, from its state file (one
        per domain, docs/simulator.md)."""
        for path in glob.glob(self.daemon.path("run", "libxl", "sim", "domain-*.json")):
            with open(path) as f:
                d = json.load(f)
            if d["name"] == name:
                cfg = d["config"] if isinstance(d["config"], dict) else json.loads(d["config"])
                return [(p.get("bus", 0), p.get("dev", 0), p.get("func", 0))
                        for p in cfg.get("pcidevs", [])]
        raise AssertionError(f"no simulated domain {name}")

    # ----- node devices -----

    def test_node_devices_listed(self):
        names = [d.name() for d in self.conn.listAllDevices(0)]
        # (and NIC's two SR-IOV VFs: test_sriov.py)
        self.assertEqual(sorted(names), sorted([NIC, NIC2, "pci_0000_3b_00_0", PREPARED,
                                                "pci_0000_03_10_0", "pci_0000_03_10_2",
                                                "usb_1_3", "usb_1_4", "usb_2_2"]))
        pci = self.conn.listAllDevices(E.VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV)
        self.assertEqual(len(pci), 6)
        self.assertEqual(self.conn.listAllDevices(E.VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET), [])
        root = ET.fromstring(self.daemon.virsh("nodedev-dumpxml", NIC).stdout)
        self.assertEqual(root.findtext("./driver/name"), "ixgbe")
        self.assertEqual(root.find("./capability/vendor").get("id"), "0x8086")
        self.assertEqual(root.findtext("./capability/bus"), "3")
        self.assertEqual(self.driver_of(PREPARED), "pciback")
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE,
                                self.conn.nodeDeviceLookupByName, "pci_0000_99_00_0")

    def test_detach_reattach_reset(self):
        self.daemon.virsh("nodedev-detach", NIC)
        self.assertEqual(self.driver_of(NIC), "pciback")
        # Again: already assignable, nothing to do.
        self.daemon.virsh("nodedev-detach", NIC)
        self.daemon.virsh("nodedev-reset", NIC)
        self.daemon.virsh("nodedev-reattach", NIC)
        self.assertEqual(self.driver_of(NIC), "ixgbe")
        # The old API (Nova 22 calls dettach), and the driver name Xen has.
        dev = self.conn.nodeDeviceLookupByName(NIC2)
        dev.dettach()
        self.assertEqual(self.driver_of(NIC2), "pciback")
        dev.reAttach()
        dev.detachFlags("xen", 0)
        self.assertEqual(self.driver_of(NIC2), "pciback")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dev.detachFlags, "vfio", 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dev.detachFlags, None, 1)

    def test_state_survives_restart(self):
        self.daemon.virsh("nodedev-detach", NIC)
        # The bindings are the host's: they live in host.json.
        with open(self.daemon.path("run", "libxl", "sim", "host.json")) as f:
            host = json.load(f)
        self.assertIn({"address": "0000:03:00.0", "driver": "pciback"}, host["pci"])
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        self.assertEqual(self.driver_of(NIC), "pciback")

    # ----- Nova's path: managed='no', prepared before the start -----

    def test_unmanaged_device_must_be_prepared(self):
        dom = self.conn.defineXML(with_hostdev(guest_xml("nova-pci"), hostdev_xml(3)))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.create,
                                msg_contains="not assignable")
        self.assertFalse(dom.isActive())
        self.assertEqual(self.driver_of(NIC), "ixgbe")

        self.conn.nodeDeviceLookupByName(NIC).detachFlags(None, 0)
        dom.create()
        self.assertEqual(self.sim_pcidevs("nova-pci"), [(3, 0, 0)])
        dev = self.conn.nodeDeviceLookupByName(NIC)
        # In use: it stays with the guest.
        err = self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dev.reAttach)
        self.assertIn("nova-pci", str(err))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dev.reset)
        self.assertEqual(self.driver_of(NIC), "pciback")
        # A second guest cannot have it too.
        other = self.conn.defineXML(with_hostdev(guest_xml("nova-pci2"), hostdev_xml(3)))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, other.create,
                                msg_contains="has it")
        self.assertFalse(other.isActive())
        # Unmanaged: after the guest it stays assignable, for Nova.
        dom.destroy()
        self.assertEqual(self.driver_of(NIC), "pciback")
        other.create()
        other.destroy()
        dev.reAttach()
        self.assertEqual(self.driver_of(NIC), "ixgbe")

    def test_managed_device_taken_and_given_back(self):
        dom = self.conn.defineXML(with_hostdev(guest_xml("managed-pci"),
                                               hostdev_xml(3, managed=True)))
        dom.create()
        self.assertEqual(self.driver_of(NIC), "pciback")
        dom.destroy()
        self.assertEqual(self.driver_of(NIC), "ixgbe")

    def test_missing_device_refused(self):
        dom = self.conn.defineXML(with_hostdev(guest_xml("ghost-pci"), hostdev_xml(0x77)))
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE, dom.create)
        self.assertFalse(dom.isActive())

    # ----- hotplug -----

    def test_hot_attach_and_detach(self):
        ev = DeviceEvents(self.conn)
        self.addCleanup(ev.close)
        dom = self.conn.defineXML(guest_xml("hot-pci"))
        dom.create()
        # Not prepared: refused, nothing changes.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.attachDeviceFlags,
                                hostdev_xml(3), LIVE)
        self.assertEqual(self.hostdevs(dom), [])
        self.daemon.virsh("nodedev-detach", NIC)
        dom.attachDeviceFlags(hostdev_xml(3), LIVE | CONFIG)
        ev.wait("hot-pci", "added", "0000:03:00.0")
        self.assertEqual(self.hostdevs(dom), [(3, 0, 0)])
        self.assertEqual(self.hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [(3, 0, 0)])
        self.assertEqual(self.sim_pcidevs("hot-pci"), [(3, 0, 0)])
        # Twice: refused.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, dom.attachDeviceFlags,
                                hostdev_xml(3), LIVE)
        # Another running guest cannot take it.
        other = self.conn.createXML(guest_xml("hot-pci-other"), 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, other.attachDeviceFlags,
                                hostdev_xml(3), LIVE, msg_contains="hot-pci")
        self.assertEqual(self.hostdevs(other), [])

        dom.detachDeviceFlags(hostdev_xml(3), LIVE | CONFIG)
        ev.wait("hot-pci", "removed", "0000:03:00.0")
        self.assertEqual(self.hostdevs(dom), [])
        self.assertEqual(self.hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [])
        self.assertEqual(self.sim_pcidevs("hot-pci"), [])
        # Unmanaged: still assignable after the guest let it go.
        self.assertEqual(self.driver_of(NIC), "pciback")
        self.assertLibvirtError(E.VIR_ERR_DEVICE_MISSING, dom.detachDeviceFlags,
                                hostdev_xml(3), LIVE)

    def test_hot_attach_managed_with_virsh(self):
        import os
        import tempfile
        dom = self.conn.createXML(guest_xml("hot-managed"), 0)
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
            f.write(hostdev_xml(3, function=1, managed=True))
        self.addCleanup(os.unlink, f.name)
        self.daemon.virsh("attach-device", "hot-managed", f.name, "--live")
        self.assertEqual(self.driver_of(NIC2), "pciback")
        self.assertEqual(self.hostdevs(dom), [(3, 0, 1)])
        self.daemon.virsh("detach-device", "hot-managed", f.name, "--live")
        self.assertEqual(self.driver_of(NIC2), "ixgbe")
        self.assertEqual(self.hostdevs(dom), [])

    def test_config_only_attach(self):
        dom = self.conn.defineXML(guest_xml("cfg-pci"))
        dom.attachDeviceFlags(hostdev_xml(0x5e), CONFIG)
        self.assertEqual(self.hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [(0x5e, 0, 0)])
        dom.create()
        self.assertEqual(self.sim_pcidevs("cfg-pci"), [(0x5e, 0, 0)])
        dom.destroy()
        dom.detachDeviceFlags(hostdev_xml(0x5e), CONFIG)
        self.assertEqual(self.hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [])

    def test_usb_hostdev_hotplug_of_absent_device_refused(self):
        # Live USB hot-plug itself: test_usb_hostdev.py.
        dom = self.conn.createXML(guest_xml("usb-hot"), 0)
        usb = ("<hostdev mode='subsystem' type='usb'><source>"
               "<address bus='1' device='2'/></source></hostdev>")
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE,
                                dom.attachDeviceFlags, usb, LIVE,
                                msg_contains="001:002")

    def test_usb_hostdev_config_attach_and_detach(self):
        # A running persistent guest: the live side refuses a device the
        # host does not have, and nothing changes; the persistent
        # definition takes it alone.
        dom = self.conn.defineXML(guest_xml("usb-cfg"))
        dom.create()
        usb = ("<hostdev mode='subsystem' type='usb'><source>"
               "<address bus='1' device='2'/></source></hostdev>")
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE,
                                dom.attachDeviceFlags, usb, LIVE | CONFIG,
                                msg_contains="001:002")
        self.assertNotIn("type='usb'", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
            f.write(usb)
            f.flush()
            self.daemon.virsh("attach-device", "usb-cfg", f.name, "--config")
            inactive = ET.fromstring(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
            a = inactive.find("./devices/hostdev[@type='usb']/source/address")
            self.assertEqual((a.get("bus"), a.get("device")), ("1", "2"))
            self.assertNotIn("type='usb'", dom.XMLDesc(0))
            # Twice: refused, nothing changes.
            res = self.daemon.virsh("attach-device", "usb-cfg", f.name, "--config",
                                    check=False)
            self.assertNotEqual(res.returncode, 0)
            self.assertEqual(len(ET.fromstring(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
                                 .findall("./devices/hostdev")), 1)
            self.daemon.virsh("detach-device", "usb-cfg", f.name, "--config")
        self.assertNotIn("<hostdev", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        # Shut off: config-only is the only side there is.
        dom.destroy()
        dom.attachDeviceFlags(usb, CONFIG)
        self.assertIn("type='usb'", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        dom.detachDeviceFlags(usb, CONFIG)
        self.assertNotIn("<hostdev", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))


def _profile_without_iommu():
    """The PCI test host's profile with its IOMMU switched off."""
    src = os.path.join(os.environ.get("VXL_SOURCE_DIR", os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")),
        "capabilities", "intel-2s-vtd.json")
    with open(src) as f:
        profile = json.load(f)
    profile["virtualization"]["iommu"] = False
    profile["virtualization"]["iommuHapPtShare"] = False
    fd, path = tempfile.mkstemp(prefix="vxl-noiommu-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(profile, f)
    return path


class NoIommuPCITest(DaemonTestCase):
    """A host whose Xen has no IOMMU (an emulated machine, or VT-d off in
    the firmware): libxl's pci-assignable-add would bind the device to
    pciback, fail to quarantine it and leave it there. The driver refuses
    first, and the device stays with its host driver."""

    @classmethod
    def setUpClass(cls):
        cls.profile = _profile_without_iommu()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.profile)

    def test_detach_refused_and_nothing_changes(self):
        dev = self.conn.nodeDeviceLookupByName(NIC)
        before = dev.XMLDesc(0)
        with self.assertRaises(libvirt.libvirtError) as ctx:
            dev.dettach()
        self.assertEqual(ctx.exception.get_error_code(), E.VIR_ERR_OPERATION_UNSUPPORTED)
        self.assertIn("IOMMU", str(ctx.exception))
        self.assertIn("0000:03:00.0", str(ctx.exception))
        self.assertEqual(ET.fromstring(dev.XMLDesc(0)).findtext("./driver/name"), "ixgbe")
        self.assertEqual(dev.XMLDesc(0), before)
        # Giving back a device that is not on pciback needs no IOMMU.
        dev.reAttach()


def with_named_pci(xml, *entries):
    """@xml with one <virtxl:pci name='N' .../> per entry (attribute text)."""
    xml = xml.replace("<domain type='xen'>",
                      f"<domain type='xen' xmlns:virtxl='{SIM_NS}'>", 1)
    return xml.replace("</domain>", "".join(f"<virtxl:pci {e}/>" for e in entries)
                       + "</domain>")


class PCINameTest(PciHostMixin, DaemonTestCase):
    """xl's pci=['name=X']: a device named by its pci-assignable name
    (the profile gives PREPARED the name 'i350-lab'), resolved at start
    as libxl resolves it; its own daemon, as a device given back to the
    host loses its name for good."""

    sim_pcidevs = PCITest.sim_pcidevs

    def named(self, dom, flags=0):
        root = ET.fromstring(dom.XMLDesc(flags))
        return [(e.get("name"), e.get("address"))
                for e in root.findall(f"./{{{SIM_NS}}}pci")]

    def test_named_device_started_then_name_lost_when_given_back(self):
        dom = self.conn.defineXML(with_named_pci(guest_xml("named-pci"),
                                                 "name='i350-lab' permissive='yes'"))
        self.assertEqual(self.named(dom), [("i350-lab", None)])
        dom.create()
        # Resolved as a BDF hostdev's: in the live XML, the model's
        # pcidevs, and the device is the guest's (not given back).
        self.assertEqual(self.named(dom), [("i350-lab", "0000:5e:00.0")])
        self.assertEqual(self.named(dom, E.VIR_DOMAIN_XML_INACTIVE), [("i350-lab", None)])
        # The live XML defined again keeps the name, not where it led.
        self.conn.defineXML(dom.XMLDesc(0))
        self.assertEqual(self.named(dom, E.VIR_DOMAIN_XML_INACTIVE), [("i350-lab", None)])
        self.assertEqual(self.named(dom), [("i350-lab", "0000:5e:00.0")])
        self.assertEqual(self.sim_pcidevs("named-pci"), [(0x5e, 0, 0)])
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                self.conn.nodeDeviceLookupByName(PREPARED).reAttach,
                                msg_contains="named-pci")
        # Another guest naming it: not assignable while the first has it.
        other = self.conn.defineXML(with_named_pci(guest_xml("named-pci2"),
                                                   "name='i350-lab'"))
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE, other.create,
                                msg_contains="no PCI device named 'i350-lab'")
        self.assertFalse(other.isActive())
        dom.destroy()
        # As xl leaves it: still assignable, by its name too.
        self.assertEqual(self.driver_of(PREPARED), "pciback")
        other.create()
        self.assertEqual(self.sim_pcidevs("named-pci2"), [(0x5e, 0, 0)])
        other.destroy()
        # Given back to the host, libxl forgets the name; made assignable
        # again without one, the device no longer answers to it.
        dev = self.conn.nodeDeviceLookupByName(PREPARED)
        dev.reAttach()
        dev.dettach()
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE, dom.create,
                                msg_contains="i350-lab")
        self.assertFalse(dom.isActive())
        # And after a restart of the daemon (host.json keeps it).
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("named-pci")
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE, dom.create)

    def test_before_places_it_among_host_devices(self):
        # (Runs before test_named_device_..., which takes the name away.)
        """before='N': the named device comes before PCI host device N in
        the create's pcidevs, where xl's pci= put it; a place past the
        last one is refused; when the host device it came before leaves
        the definition and none follows, it goes after them all."""
        nic = hostdev_xml(0x03, managed=True)
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML,
                                with_named_pci(with_hostdev(guest_xml("placed-named"), nic),
                                               "name='i350-lab' before='1'"),
                                msg_contains="names no PCI host device")
        dom = self.conn.defineXML(with_named_pci(with_hostdev(guest_xml("placed-named"), nic),
                                                 "name='i350-lab' before='0'"))
        dom.create()
        self.assertEqual(self.sim_pcidevs("placed-named"), [(0x5e, 0, 0), (0x03, 0, 0)])
        dom.destroy()
        dom.detachDeviceFlags(nic, CONFIG)
        root = ET.fromstring(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual([(e.get("name"), e.get("before"))
                          for e in root.findall(f"./{{{SIM_NS}}}pci")], [("i350-lab", None)])
        dom.create()
        self.assertEqual(self.sim_pcidevs("placed-named"), [(0x5e, 0, 0)])
        dom.destroy()
        dom.undefine()

    def test_unknown_name_refused_and_nothing_changes(self):
        dom = self.conn.defineXML(with_named_pci(guest_xml("ghost-named"),
                                                 "name='no-such-dev' seize='yes'"))
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE, dom.create,
                                msg_contains="no PCI device named 'no-such-dev' is assignable on this host")
        self.assertFalse(dom.isActive())
        self.assertEqual(self.named(dom), [("no-such-dev", None)])
        self.assertEqual(self.driver_of(NIC), "ixgbe")

    def test_bad_name_refused_at_define(self):
        for bad in ("name='two words'", "name='" + "x" * 65 + "'", "name=''"):
            self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML,
                                    with_named_pci(guest_xml("bad-named"), bad),
                                    msg_contains="not a name libxl takes")

    def test_hotplug_refused(self):
        dom = self.conn.createXML(guest_xml("hot-named"), 0)
        self.addCleanup(dom.destroy)
        xml = f"<virtxl:pci xmlns:virtxl='{SIM_NS}' name='i350-lab'/>"
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.attachDeviceFlags,
                                xml, LIVE, msg_contains="hot-plug it as a <hostdev>")
        self.assertEqual(self.sim_pcidevs("hot-named"), [])
        # Nor into a definition, nor out of one.
        cfg = self.conn.defineXML(guest_xml("cfg-named"))
        for fn in (cfg.attachDeviceFlags, cfg.detachDeviceFlags):
            self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, fn, xml, CONFIG,
                                    msg_contains="in the domain's definition")
        self.assertEqual(self.named(cfg, E.VIR_DOMAIN_XML_INACTIVE), [])
