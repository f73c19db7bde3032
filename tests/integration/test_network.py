# SPDX-License-Identifier: LGPL-2.1-or-later
"""<interface type='network'>: a port on a libvirt network, and its bridge.

The daemon also loads libvirt's own network driver. A network in forward
mode 'bridge' needs neither dnsmasq nor firewall rules, so nothing on the
host is touched.
"""

import unittest

import libvirt

from vxltest import DaemonTestCase, guest_xml

E = libvirt

NET = """<network><name>{name}</name>
  <forward mode='bridge'/><bridge name='{bridge}'/></network>"""


def net_guest(name, network):
    xml = guest_xml(name, nics=0)
    return xml.replace("<devices>", "<devices><interface type='network'>"
                       f"<source network='{network}'/></interface>", 1)


class NetworkTest(DaemonTestCase):
    network = True

    def setUp(self):
        super().setUp()
        for name, bridge in (("lan", "xenbr0"), ("dmz", "xenbr7")):
            try:
                self.conn.networkLookupByName(name)
            except libvirt.libvirtError:
                net = self.conn.networkDefineXML(NET.format(name=name, bridge=bridge))
                net.create()

    def test_interface_joins_the_networks_bridge(self):
        lan = self.conn.networkLookupByName("lan")
        dom = self.conn.defineXML(net_guest("n1", "lan"))
        dom.create()
        self.assertIn("bridge='xenbr0'", dom.XMLDesc(0))
        self.assertEqual(len(lan.listAllPorts()), 1)
        dom.destroy()
        # The port is given back when the domain stops.
        self.assertEqual(len(lan.listAllPorts()), 0)
        dom.create()
        self.assertEqual(len(lan.listAllPorts()), 1)
        dom.shutdown()
        import time
        for _ in range(100):
            if not dom.isActive():
                break
            time.sleep(0.05)
        self.assertFalse(dom.isActive())
        self.assertEqual(len(lan.listAllPorts()), 0)

    def test_unknown_network_fails_start_cleanly(self):
        dom = self.conn.defineXML(net_guest("n2", "nowhere"))
        err = self.assertLibvirtError(E.VIR_ERR_NO_NETWORK, dom.create)
        self.assertIn("nowhere", str(err))
        self.assertFalse(dom.isActive())

    def test_failed_start_gives_the_port_back(self):
        lan = self.conn.networkLookupByName("lan")
        dom = self.conn.defineXML(net_guest("n3", "lan"))
        self.daemon.inject_fault("domainCreate", 1)
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.create)
        self.assertEqual(len(lan.listAllPorts()), 0)
        dom.create()
        self.assertEqual(len(lan.listAllPorts()), 1)


class NoNetworkDriverTest(DaemonTestCase):
    """Without libvirt's network driver the start is refused by name."""

    def test_refused_naming_the_network(self):
        dom = self.conn.defineXML(net_guest("n4", "lan"))
        err = self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, dom.create)
        self.assertIn("network 'lan'", str(err))
        self.assertIn("network driver", str(err))
        self.assertFalse(dom.isActive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
