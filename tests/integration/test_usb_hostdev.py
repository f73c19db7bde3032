# SPDX-License-Identifier: LGPL-2.1-or-later
"""USB host devices through stock libvirtd: the simulated host's USB
devices as node devices (usb_BUS_DEV, capability usb_device, what
virt-manager lists for "USB Host Device"), and <hostdev type='usb'>
attached to and detached from running guests, live and persistent, with
device-added and device-removed events; the guest's USB controller and
port as libxl chooses them (a controller added when none is free); a
device another guest has, one the host lacks or one the guest has
already is refused and nothing changes."""

import glob
import json
import xml.etree.ElementTree as ET

import libvirt

from test_pci import DeviceEvents
from vxltest import DaemonTestCase, guest_xml

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
MOUSE = (1, 3)       # the profile's Logitech receiver
STICK = (1, 4)


def usb_xml(bus, device):
    return (f"<hostdev mode='subsystem' type='usb'><source>"
            f"<address bus='{bus}' device='{device}'/></source></hostdev>")


class USBHostdevTest(DaemonTestCase):

    def usb_hostdevs(self, dom, flags=0):
        root = ET.fromstring(dom.XMLDesc(flags))
        return [(int(a.get("bus")), int(a.get("device")))
                for a in root.findall("./devices/hostdev[@type='usb']/source/address")]

    def sim_usbdevs(self, name):
        """(ctrl, port, bus, device) of simulated domain @name's usbdevs and
        its controllers' devids, from its state file."""
        for path in glob.glob(self.daemon.path("run", "libxl", "sim", "domain-*.json")):
            with open(path) as f:
                d = json.load(f)
            if d["name"] == name:
                cfg = d["config"] if isinstance(d["config"], dict) else json.loads(d["config"])
                devs = [(u.get("ctrl", 0), u.get("port", 0),
                         u["type.hostdev"].get("hostbus", 0),
                         u["type.hostdev"].get("hostaddr", 0))
                        for u in cfg.get("usbdevs", [])]
                ctrls = [c.get("devid", 0) for c in cfg.get("usbctrls", [])]
                return devs, ctrls
        raise AssertionError(f"no simulated domain {name}")

    def test_node_devices(self):
        usb = self.conn.listAllDevices(E.VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV)
        self.assertEqual(sorted(d.name() for d in usb),
                         ["usb_1_3", "usb_1_4", "usb_2_2"])
        self.assertEqual(self.conn.listDevices("usb_device", 0),
                         ["usb_1_3", "usb_1_4", "usb_2_2"])
        self.assertEqual(self.conn.numOfDevices("usb_device", 0), 3)
        root = ET.fromstring(self.daemon.virsh("nodedev-dumpxml", "usb_1_3").stdout)
        cap = root.find("./capability[@type='usb_device']")
        self.assertEqual(cap.findtext("bus"), "1")
        self.assertEqual(cap.findtext("device"), "3")
        self.assertEqual(cap.find("vendor").get("id"), "0x046d")
        self.assertEqual(cap.findtext("product"), "Unifying Receiver")
        self.assertEqual(self.conn.nodeDeviceLookupByName("usb_2_2").listCaps(),
                         ["usb_device"])
        # nodedev-detach and -reset are for PCI devices (pciback).
        usbdev = self.conn.nodeDeviceLookupByName("usb_1_3")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, usbdev.dettach,
                                msg_contains="not a PCI device")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, usbdev.reset,
                                msg_contains="not a PCI device")
        # PCI listing is unchanged by them.
        pci = self.conn.listAllDevices(E.VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV)
        self.assertTrue(all(d.name().startswith("pci_") for d in pci))

    def test_live_attach_detach_with_events(self):
        events = DeviceEvents(self.conn)
        self.addCleanup(events.close)
        dom = self.conn.defineXML(guest_xml("usb-live"))
        dom.create()
        dom.attachDeviceFlags(usb_xml(*MOUSE), LIVE)
        events.wait("usb-live", "added", "usb 001:003")
        self.assertEqual(self.usb_hostdevs(dom), [MOUSE])
        self.assertEqual(self.usb_hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [])
        # libxl added a controller (the guest had none) and used port 1.
        devs, ctrls = self.sim_usbdevs("usb-live")
        self.assertEqual(devs, [(0, 1, 1, 3)])
        self.assertEqual(ctrls, [0])
        # virsh, live and config at once; the next free port.
        path = self.daemon.path("stick.xml")
        with open(path, "w") as f:
            f.write(usb_xml(*STICK))
        self.daemon.virsh("attach-device", "usb-live", path, "--live", "--config")
        self.assertEqual(self.usb_hostdevs(dom), [MOUSE, STICK])
        self.assertEqual(self.usb_hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [STICK])
        self.assertEqual(self.sim_usbdevs("usb-live")[0], [(0, 1, 1, 3), (0, 2, 1, 4)])
        # The node device says which driver has it now.
        root = ET.fromstring(self.daemon.virsh("nodedev-dumpxml", "usb_1_3").stdout)
        self.assertEqual(root.findtext("./driver/name"), "usbback")

        dom.detachDeviceFlags(usb_xml(*MOUSE), LIVE)
        events.wait("usb-live", "removed", "usb 001:003")
        self.assertEqual(self.usb_hostdevs(dom), [STICK])
        devs, ctrls = self.sim_usbdevs("usb-live")
        self.assertEqual(devs, [(0, 2, 1, 4)])
        self.assertEqual(ctrls, [0])      # the controller stays
        self.daemon.virsh("detach-device", "usb-live", path, "--live", "--config")
        self.assertEqual(self.usb_hostdevs(dom), [])
        self.assertEqual(self.usb_hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [])
        root = ET.fromstring(self.daemon.virsh("nodedev-dumpxml", "usb_1_3").stdout)
        self.assertEqual(root.findtext("./driver/name"), "usb")

    def test_start_places_devices_on_ports(self):
        # A guest built with USB devices has each on its own port, as
        # libxl's create places them one after the other (a controller
        # added for them); a hot-added one takes the next free port.
        xml = guest_xml("usb-boot").replace(
            "</devices>", usb_xml(*MOUSE) + usb_xml(*STICK) + "</devices>")
        dom = self.conn.defineXML(xml)
        dom.create()
        devs, ctrls = self.sim_usbdevs("usb-boot")
        self.assertEqual(devs, [(0, 1, 1, 3), (0, 2, 1, 4)])
        self.assertEqual(ctrls, [0])
        dom.detachDeviceFlags(usb_xml(*MOUSE), LIVE)
        dom.attachDeviceFlags(usb_xml(2, 2), LIVE)
        self.assertEqual(self.sim_usbdevs("usb-boot")[0], [(0, 2, 1, 4), (0, 1, 2, 2)])
        # A daemon restart reads the same places back.
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        self.assertEqual(self.sim_usbdevs("usb-boot")[0], [(0, 2, 1, 4), (0, 1, 2, 2)])

    def test_refusals_change_nothing(self):
        a = self.conn.defineXML(guest_xml("usb-a"))
        a.create()
        b = self.conn.defineXML(guest_xml("usb-b", ostype="hvm"))
        b.create()
        a.attachDeviceFlags(usb_xml(*MOUSE), LIVE)
        # Another guest has it.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, b.attachDeviceFlags,
                                usb_xml(*MOUSE), LIVE, msg_contains="usb-a")
        # This guest has it already.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, a.attachDeviceFlags,
                                usb_xml(*MOUSE), LIVE)
        # The host has no such device.
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE, b.attachDeviceFlags,
                                usb_xml(3, 9), LIVE, msg_contains="003:009")
        # Not attached: nothing to detach.
        self.assertLibvirtError(E.VIR_ERR_DEVICE_MISSING, b.detachDeviceFlags,
                                usb_xml(*STICK), LIVE)
        self.assertEqual(self.usb_hostdevs(a), [MOUSE])
        self.assertEqual(self.usb_hostdevs(b), [])
        self.assertEqual(self.sim_usbdevs("usb-b")[0], [])
        # Once a lets it go, b can have it (an HVM guest, too).
        a.detachDeviceFlags(usb_xml(*MOUSE), LIVE)
        b.attachDeviceFlags(usb_xml(*MOUSE), LIVE)
        self.assertEqual(self.usb_hostdevs(b), [MOUSE])

    def test_backend_failure_changes_nothing(self):
        dom = self.conn.defineXML(guest_xml("usb-fault"))
        dom.create()
        self.daemon.inject_fault("domainUsbAdd", 1)
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.attachDeviceFlags,
                                usb_xml(*MOUSE), LIVE | CONFIG)
        self.assertEqual(self.usb_hostdevs(dom), [])
        self.assertEqual(self.usb_hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [])
        dom.attachDeviceFlags(usb_xml(*MOUSE), LIVE)
        self.daemon.inject_fault("domainUsbRemove", 1)
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.detachDeviceFlags,
                                usb_xml(*MOUSE), LIVE)
        self.assertEqual(self.usb_hostdevs(dom), [MOUSE])
        self.assertEqual(self.sim_usbdevs("usb-fault")[0], [(0, 1, 1, 3)])

    def test_named_by_vendor_and_product(self):
        # What virt-manager writes for a device no other shares ids with.
        byid = ("<hostdev mode='subsystem' type='usb'><source>"
                "<vendor id='0x0781'/><product id='0x5583'/></source></hostdev>")
        dom = self.conn.defineXML(guest_xml("usb-ids").replace(
            "</devices>", byid + "</devices>"))
        # The definition keeps the ids; the start finds the device.
        self.assertEqual(self.usb_hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE), [])
        dom.create()
        self.assertEqual(self.usb_hostdevs(dom), [STICK])
        self.assertEqual([d[2:] for d in self.sim_usbdevs("usb-ids")[0]], [STICK])
        dom.destroy()
        # Hot-attached so, too; and an unknown pair is refused.
        dom2 = self.conn.defineXML(guest_xml("usb-ids2"))
        dom2.create()
        dom2.attachDeviceFlags(byid.replace("0x5583", "0x5583"), LIVE | CONFIG)
        self.assertEqual(self.usb_hostdevs(dom2), [STICK])
        self.assertLibvirtError(E.VIR_ERR_NO_NODE_DEVICE, dom2.attachDeviceFlags,
                                byid.replace("0x5583", "0x9999"), LIVE,
                                msg_contains="0x9999")
        dom2.detachDeviceFlags(byid, LIVE | CONFIG)
        self.assertEqual(self.usb_hostdevs(dom2), [])
        self.assertNotIn("<hostdev", dom2.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))

    def test_destroyed_guest_frees_device(self):
        a = self.conn.defineXML(guest_xml("usb-gone"))
        a.create()
        a.attachDeviceFlags(usb_xml(*STICK), LIVE)
        a.destroy()
        b = self.conn.defineXML(guest_xml("usb-next"))
        b.create()
        b.attachDeviceFlags(usb_xml(*STICK), LIVE)
        self.assertEqual(self.usb_hostdevs(b), [STICK])

    def test_restart_keeps_live_device(self):
        dom = self.conn.defineXML(guest_xml("usb-restart"))
        dom.create()
        dom.attachDeviceFlags(usb_xml(*MOUSE), LIVE)
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("usb-restart")
        self.assertEqual(self.usb_hostdevs(dom), [MOUSE])
        dom.detachDeviceFlags(usb_xml(*MOUSE), LIVE)
        self.assertEqual(self.usb_hostdevs(dom), [])
