# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh detach-device-alias (virDomainDetachDeviceAlias) through stock
libvirtd: a disk, a NIC and a USB host device named by their user alias
(ua-...) leave the running guest (Xen and the live XML, with a
device-removed event naming the alias) and/or the persistent definition,
as `virsh detach-device` with the device's XML would; an alias a
definition lacks is VIR_ERR_DEVICE_MISSING, a device Xen cannot
hot-unplug is refused, and nothing changes then."""

import glob
import json
import xml.etree.ElementTree as ET

import libvirt

from test_pci import DeviceEvents
from vxltest import DaemonTestCase, guest_xml

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG

DISK = ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='/var/lib/xen/images/{name}-extra.img'/>"
        "<target dev='xvdc' bus='xen'/><alias name='ua-data'/></disk>")
NIC = ("<interface type='bridge'><mac address='52:54:00:aa:bb:01'/>"
       "<source bridge='xenbr0'/><alias name='ua-net1'/></interface>")
USB = ("<hostdev mode='subsystem' type='usb'><source>"
       "<address bus='1' device='3'/></source><alias name='ua-mouse'/></hostdev>")


class DetachAliasTest(DaemonTestCase):

    def sim_domain(self, name):
        for path in glob.glob(self.daemon.path("run", "libxl", "sim", "domain-*.json")):
            with open(path) as f:
                d = json.load(f)
            if d["name"] == name:
                return d
        raise AssertionError(f"no simulated domain {name}")

    def sim_devices(self, name):
        d = self.sim_domain(name)
        cfg = d["config"] if isinstance(d["config"], dict) else json.loads(d["config"])
        return (sorted(x["vdev"] for x in d.get("disks", [])),
                sorted(x["mac"].lower() for x in d.get("nics", [])),
                [(u["type.hostdev"].get("hostbus", 0), u["type.hostdev"].get("hostaddr", 0))
                 for u in cfg.get("usbdevs", [])])

    def aliases(self, dom, flags=0):
        root = ET.fromstring(dom.XMLDesc(flags))
        return sorted(a.get("name") for a in root.findall("./devices/*/alias"))

    def guest(self, name):
        """A running guest with the three devices, live and persistent."""
        xml = guest_xml(name).replace(
            "</devices>", DISK.format(name=name) + NIC + USB + "</devices>")
        dom = self.conn.defineXML(xml)
        dom.create()
        self.assertEqual(self.aliases(dom), ["ua-data", "ua-mouse", "ua-net1"])
        return dom

    def test_live_and_config(self):
        events = DeviceEvents(self.conn)
        self.addCleanup(events.close)
        dom = self.guest("da-both")
        disks, macs, usb = self.sim_devices("da-both")
        self.assertIn("xvdc", disks)
        self.assertIn("52:54:00:aa:bb:01", macs)
        self.assertEqual(usb, [(1, 3)])

        # virsh, live only: the persistent definition keeps it.
        self.daemon.virsh("detach-device-alias", "da-both", "ua-data", "--live")
        events.wait("da-both", "removed", "ua-data", timeout=60)
        self.assertNotIn("xvdc", self.sim_devices("da-both")[0])
        self.assertEqual(self.aliases(dom), ["ua-mouse", "ua-net1"])
        self.assertEqual(self.aliases(dom, E.VIR_DOMAIN_XML_INACTIVE),
                         ["ua-data", "ua-mouse", "ua-net1"])

        # python, live and config at once: a NIC, then a USB host device.
        dom.detachDeviceAlias("ua-net1", LIVE | CONFIG)
        events.wait("da-both", "removed", "ua-net1", timeout=60)
        self.assertNotIn("52:54:00:aa:bb:01", self.sim_devices("da-both")[1])
        dom.detachDeviceAlias("ua-mouse", LIVE | CONFIG)
        events.wait("da-both", "removed", "ua-mouse", timeout=60)
        self.assertEqual(self.sim_devices("da-both")[2], [])
        self.assertEqual(self.aliases(dom), [])
        self.assertEqual(self.aliases(dom, E.VIR_DOMAIN_XML_INACTIVE), ["ua-data"])

        # Config only (virsh --config): the running guest is not touched.
        dom.detachDeviceAlias("ua-data", CONFIG)
        self.assertEqual(self.aliases(dom, E.VIR_DOMAIN_XML_INACTIVE), [])
        # The next start has none of them.
        dom.destroy()
        dom.create()
        self.assertEqual(self.aliases(dom), [])
        self.assertEqual(self.sim_devices("da-both")[2], [])

    def test_inactive_domain(self):
        xml = guest_xml("da-off").replace("</devices>", NIC + "</devices>")
        dom = self.conn.defineXML(xml)
        # No flags (virsh's --current) on a shut-off domain: the definition.
        dom.detachDeviceAlias("ua-net1", 0)
        self.assertEqual(self.aliases(dom), [])
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.detachDeviceAlias,
                                "ua-net1", LIVE)

    def test_refusals_change_nothing(self):
        dom = self.guest("da-bad")
        before = (dom.XMLDesc(0), dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                  self.sim_devices("da-bad"))
        # No such alias, live or in the definition.
        self.assertLibvirtError(E.VIR_ERR_DEVICE_MISSING, dom.detachDeviceAlias,
                                "ua-nothing", LIVE, msg_contains="ua-nothing")
        self.assertLibvirtError(E.VIR_ERR_DEVICE_MISSING, dom.detachDeviceAlias,
                                "ua-nothing", CONFIG, msg_contains="persistent")
        # In the running guest only: --live --config is refused whole.
        dom.attachDeviceFlags(DISK.format(name="da-bad").replace("xvdc", "xvdd")
                              .replace("ua-data", "ua-live"), LIVE)
        self.assertLibvirtError(E.VIR_ERR_DEVICE_MISSING, dom.detachDeviceAlias,
                                "ua-live", LIVE | CONFIG)
        self.assertIn("xvdd", self.sim_devices("da-bad")[0])
        dom.detachDeviceAlias("ua-live", LIVE)
        # A device Xen does not hot-unplug.
        xml = guest_xml("da-con").replace(
            "</devices>", "<input type='keyboard' bus='xen'><alias name='ua-kbd'/>"
            "</input></devices>")
        con = self.conn.defineXML(xml)
        con.create()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, con.detachDeviceAlias,
                                "ua-kbd", LIVE)
        self.assertIn("ua-kbd", self.aliases(con))
        self.assertEqual(before, (dom.XMLDesc(0), dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                                  self.sim_devices("da-bad")))
