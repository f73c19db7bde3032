# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh console --devname CHANNEL (virDomainOpenChannel) through stock
libvirtd: a <channel type='pty'><target type='xen' name=...> is a Xen PV
channel whose dom0 end is a pty the live XML names (<source path>); a
client's stream reaches the guest there, found by the channel's alias or
its name (the simulator's guest greets and echoes), one client at a time
unless forced. A unix socket channel, a channel the guest lacks and a
shut-off guest are refused."""

import os
import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, close_stream, guest_xml, stream_talk

E = libvirt
DATA = "org.example.data"


class ChannelTest(DaemonTestCase):

    def running(self, name):
        sock = os.path.join(self.daemon.root, f"{name}.sock")
        xml = guest_xml(name).replace(
            "</devices>",
            f"<channel type='unix'><source mode='bind' path='{sock}'/>"
            "<target type='xen' name='org.example.sock'/></channel>"
            f"<channel type='pty'><target type='xen' name='{DATA}'/></channel>"
            "</devices>")
        dom = self.conn.defineXML(xml)
        dom.create()
        self.addCleanup(self.destroy, name)
        return dom

    def destroy(self, name):
        dom = self.conn.lookupByName(name)     # (the connection may be new)
        if dom.isActive():
            dom.destroy()

    def talk(self, dom, name, send=b"ping\r", flags=0):
        """What the channel says, then what it says after @send."""
        return stream_talk(self, self.conn,
                           lambda st: dom.openChannel(name, st, flags), send, 10)

    def test_pty_channel(self):
        dom = self.running("ch-pty")
        chans = ET.fromstring(dom.XMLDesc(0)).findall("./devices/channel")
        pty = [c for c in chans if c.get("type") == "pty"][0]
        path = pty.find("source").get("path")
        self.assertTrue(path and path.startswith("/dev/pts/"), path)
        self.assertEqual(pty.find("alias").get("name"), "channel1")
        # By the channel's name in the guest: the second Xen channel of
        # the configuration.
        got, st = self.talk(dom, DATA)
        self.assertIn(b"channel 1 of domain ch-pty", got)
        self.assertTrue(got.endswith(b"ping\r"), got)
        # A second client is refused while the first holds it; forcing
        # takes it over (by alias).
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, dom.openChannel,
                                DATA, self.conn.newStream(0), 0,
                                msg_contains="in use")
        st2 = self.conn.newStream(0)
        dom.openChannel("channel1", st2, E.VIR_DOMAIN_CHANNEL_FORCE)
        close_stream(st2)
        # A daemon restart asks for the pty again.
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("ch-pty")
        again = [c for c in ET.fromstring(dom.XMLDesc(0)).findall("./devices/channel")
                 if c.get("type") == "pty"][0]
        self.assertTrue(again.find("source").get("path").startswith("/dev/pts/"))
        got, _ = self.talk(dom, "channel1", send=b"again\r")
        self.assertTrue(got.endswith(b"again\r"), got)

    def test_refused(self):
        dom = self.running("ch-bad")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.openChannel,
                                "org.example.sock", self.conn.newStream(0), 0,
                                msg_contains="unix socket")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.openChannel,
                                "org.example.none", self.conn.newStream(0), 0)
        dom.destroy()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.openChannel,
                                DATA, self.conn.newStream(0), 0)
