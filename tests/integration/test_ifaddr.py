# SPDX-License-Identifier: LGPL-2.1-or-later
"""A running guest's addresses through stock libvirtd (virsh domifaddr,
virDomainInterfaceAddresses): from the DHCP leases of libvirt's network
driver for an interface on a libvirt network, and from the host's
neighbour table (ARP), where simulated guests answer for the addresses
their script gives them."""

import json
import os
import time

import libvirt

from vxltest import DaemonTestCase, guest_xml

E = libvirt
LEASE = E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE
ARP = E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP
AGENT = E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT
NET = """<network><name>lan</name>
  <forward mode='bridge'/><bridge name='xenbr0'/></network>"""


def net_guest(name, script=None, nics=1):
    xml = guest_xml(name, script=script, nics=0)
    ifaces = "".join("<interface type='network'><source network='lan'/></interface>"
                     for _ in range(nics))
    return xml.replace("<devices>", "<devices>" + ifaces, 1)


class IfaddrTest(DaemonTestCase):
    network = True

    def setUp(self):
        super().setUp()
        try:
            self.conn.networkLookupByName("lan")
        except libvirt.libvirtError:
            self.conn.networkDefineXML(NET).create()

    def macs(self, dom):
        import xml.etree.ElementTree as ET
        root = ET.fromstring(dom.XMLDesc(0))
        return [m.get("address") for m in root.findall("./devices/interface/mac")]

    def write_leases(self, leases):
        """What dnsmasq's lease helper leaves for libvirt's network driver."""
        path = self.daemon.path("lib", "dnsmasq", "xenbr0.status")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(leases, f)
        self.addCleanup(lambda: os.path.exists(path) and os.unlink(path))

    def test_arp(self):
        dom = self.conn.createXML(net_guest("arp", {"ip": "192.0.2.10,2001:db8::10"},
                                            nics=2), 0)
        macs = self.macs(dom)
        ifaces = dom.interfaceAddresses(ARP, 0)
        self.assertEqual(sorted(ifaces), sorted([f"vif{dom.ID()}.0", f"vif{dom.ID()}.1"]))
        by_mac = {v["hwaddr"]: v for v in ifaces.values()}
        self.assertEqual([a["addr"] for a in by_mac[macs[0]]["addrs"]], ["192.0.2.10"])
        self.assertEqual(by_mac[macs[0]]["addrs"][0]["type"], E.VIR_IP_ADDR_TYPE_IPV4)
        self.assertEqual([a["addr"] for a in by_mac[macs[1]]["addrs"]], ["2001:db8::10"])
        self.assertEqual(by_mac[macs[1]]["addrs"][0]["type"], E.VIR_IP_ADDR_TYPE_IPV6)
        out = self.daemon.virsh("domifaddr", "arp", "--source", "arp").stdout
        self.assertIn("192.0.2.10", out)
        self.assertIn(macs[0], out)

    def test_arp_without_addresses(self):
        dom = self.conn.createXML(net_guest("arp-none"), 0)
        self.assertEqual(dom.interfaceAddresses(ARP, 0), {})
        # A stopped guest answers for nothing.
        dom2 = self.conn.defineXML(net_guest("arp-off", {"ip": "192.0.2.20"}))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                dom2.interfaceAddresses, ARP, 0)

    def test_lease(self):
        dom = self.conn.createXML(net_guest("lease"), 0)
        mac = self.macs(dom)[0]
        self.write_leases([
            {"ip-address": "198.51.100.7", "mac-address": mac, "hostname": "lease",
             "expiry-time": int(time.time()) + 3600},
            {"ip-address": "198.51.100.8", "mac-address": "52:54:00:00:00:01",
             "expiry-time": int(time.time()) + 3600},
        ])
        ifaces = dom.interfaceAddresses(LEASE, 0)
        self.assertEqual(len(ifaces), 1)
        (iface,) = ifaces.values()
        self.assertEqual(iface["hwaddr"], mac)
        self.assertEqual([a["addr"] for a in iface["addrs"]], ["198.51.100.7"])
        out = self.daemon.virsh("domifaddr", "lease").stdout
        self.assertIn("198.51.100.7", out)
        self.assertNotIn("198.51.100.8", out)

    def test_bad_requests(self):
        dom = self.conn.createXML(net_guest("ifaddr-bad"), 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.interfaceAddresses, ARP, 1)
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.interfaceAddresses, 42, 0)
        bad = self.conn.defineXML(net_guest("ifaddr-badip", {"ip": "300.1.2.3"}))
        self.assertLibvirtError(E.VIR_ERR_XML_DETAIL, bad.create,
                                msg_contains="ip='300.1.2.3'")
        self.assertFalse(bad.isActive())
