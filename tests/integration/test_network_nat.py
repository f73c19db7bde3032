# SPDX-License-Identifier: LGPL-2.1-or-later
"""<interface type='network'> on networks libvirt manages itself.

The NAT 'default' network that every libvirt install has, and what
virt-manager's New VM wizard and virt-install pick by default, is
resolved by the network driver to a port of type 'network' with the
network's own bridge (a bridge-mode network gives type 'bridge'). Such
networks need the host's network stack (a bridge, dnsmasq, firewall
rules), so the daemon here runs in a network namespace of its own
(virtxl-daemon --private-net) and the host's is untouched.
"""

import subprocess
import unittest

import libvirt

from vxltest import Daemon, DaemonTestCase, guest_xml, start_event_loop, wait_for

E = libvirt

NETS = {
    # The Debian/libvirt default network, as /usr/share/libvirt/networks/
    # default.xml has it, on a bridge of its own.
    "default": """<network><name>default</name>
      <forward mode='nat'/><bridge name='virbr0' stp='on' delay='0'/>
      <ip address='192.168.122.1' netmask='255.255.255.0'>
        <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
      </ip></network>""",
    "routed": """<network><name>routed</name>
      <forward mode='route'/><bridge name='virbr1'/>
      <ip address='192.168.150.1' netmask='255.255.255.0'/></network>""",
    "isolated": """<network><name>isolated</name>
      <bridge name='virbr2'/>
      <ip address='192.168.151.1' netmask='255.255.255.0'/></network>""",
    "open": """<network><name>open</name>
      <forward mode='open'/><bridge name='virbr3'/>
      <ip address='192.168.152.1' netmask='255.255.255.0'/></network>""",
}

BRIDGES = {"default": "virbr0", "routed": "virbr1", "isolated": "virbr2",
           "open": "virbr3"}


def net_guest(name, network):
    xml = guest_xml(name, nics=0)
    return xml.replace("<devices>", "<devices><interface type='network'>"
                       f"<source network='{network}'/></interface>", 1)


NIC = "<interface type='network'><source network='{}'/><mac address='{}'/></interface>"


class ManagedNetworkTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(network=True, private_net=True)
        cls.daemon.start()
        conn = libvirt.open(cls.daemon.uri)
        try:
            for name, xml in NETS.items():
                net = conn.networkDefineXML(xml)
                net.create()
        finally:
            conn.close()

    def live_bridges(self, dom):
        xml = dom.XMLDesc(0)
        return [b for b in BRIDGES.values() if f"bridge='{b}'" in xml]

    def test_each_kind_of_network_starts_a_guest_on_its_bridge(self):
        for i, name in enumerate(NETS):
            with self.subTest(network=name):
                net = self.conn.networkLookupByName(name)
                dom = self.conn.defineXML(net_guest(f"m{i}", name))
                dom.create()
                self.assertEqual(self.live_bridges(dom), [BRIDGES[name]])
                self.assertEqual(len(net.listAllPorts()), 1)
                dom.destroy()
                self.assertEqual(len(net.listAllPorts()), 0)
                dom.undefine()
        # A port given back is not a failure to report (libvirt 9.0's
        # release helper answers -1 without an error when it succeeds).
        self.assertNotIn("cannot release the port", self.daemon.log())

    def test_hotplug_on_the_default_network(self):
        net = self.conn.networkLookupByName("default")
        dom = self.conn.defineXML(guest_xml("hp", nics=0))
        dom.create()
        nic = NIC.format("default", "00:16:3e:5a:00:01")
        dom.attachDeviceFlags(nic, E.VIR_DOMAIN_AFFECT_LIVE)
        self.assertEqual(self.live_bridges(dom), ["virbr0"])
        self.assertEqual(len(net.listAllPorts()), 1)
        dom.detachDeviceFlags(nic, E.VIR_DOMAIN_AFFECT_LIVE)
        wait_for(lambda: not self.live_bridges(dom), what="the NIC to go")
        self.assertEqual(len(net.listAllPorts()), 0)

    def test_a_failed_start_says_why(self):
        # The hypervisor refuses the domain after its port was taken:
        # the client gets that reason, not what giving the port back
        # left as the thread's last error.
        net = self.conn.networkLookupByName("default")
        dom = self.conn.defineXML(net_guest("bad", "default"))
        self.daemon.inject_fault("domainCreate", 1)
        err = self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.create)
        self.assertIn("injected fault", str(err))
        self.assertFalse(dom.isActive())
        self.assertEqual(len(net.listAllPorts()), 0)
        dom.create()
        self.assertEqual(self.live_bridges(dom), ["virbr0"])


class ManagedNetworkRestartTest(unittest.TestCase):
    """A guest on the default network keeps its port across a restart."""

    def test_restart_keeps_the_port(self):
        start_event_loop()
        daemon = Daemon(network=True, private_net=True)
        daemon.start()
        self.addCleanup(daemon.cleanup)
        conn = libvirt.open(daemon.uri)
        net = conn.networkDefineXML(NETS["default"])
        net.create()
        net.setAutostart(True)
        dom = conn.defineXML(net_guest("r1", "default"))
        dom.create()
        conn.close()

        daemon.restart()
        conn = libvirt.open(daemon.uri)
        self.addCleanup(conn.close)
        dom = conn.lookupByName("r1")
        self.assertTrue(dom.isActive())
        self.assertIn("bridge='virbr0'", dom.XMLDesc(0))
        net = conn.networkLookupByName("default")
        self.assertTrue(net.isActive())
        self.assertEqual(len(net.listAllPorts()), 1)
        dom.destroy()
        self.assertEqual(len(net.listAllPorts()), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
