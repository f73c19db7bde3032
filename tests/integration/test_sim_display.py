# SPDX-License-Identifier: LGPL-2.1-or-later
"""The simulator serves its guests' VNC displays, as qemu serves a Xen
guest's: on the port in the live XML, with the password the XML gives,
showing the guest's name and state and echoing what is typed. Read with
an RFB client of the tests' own (rfb.py), which turns the frames back
into text with the same console font."""

import os
import re
import socket
import time
import unittest

import libvirt

from rfb import Client, RFBError, load_font, read_text
from vxltest import DaemonTestCase, bound, guest_xml, wait_for

E = libvirt
ARTIFACTS = os.environ.get("VXL_ARTIFACTS_DIR")


def hvm_vnc(name, graphics="<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>"):
    xml = guest_xml(name, ostype="hvm")
    return xml.replace("</devices>", graphics + "</devices>", 1)


def pv_vnc(name):
    xml = guest_xml(name)
    return xml.replace("</devices>", "<graphics type='vnc' autoport='yes'/>"
                       "<input type='mouse' bus='xen'/><input type='keyboard' bus='xen'/>"
                       "</devices>", 1)


def vnc_port(dom):
    m = re.search(r"<graphics type='vnc' port='(\d+)'", dom.XMLDesc(0))
    return int(m.group(1))


class SimDisplayTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.font = load_font()

    def screen(self, client, incremental=False):
        client.frame(incremental=incremental)
        if self.font is None:
            self.skipTest("no console font (console-setup-linux) to read the screen with")
        return "\n".join(read_text(client, self.font))

    def save(self, client, name):
        if ARTIFACTS:
            os.makedirs(ARTIFACTS, exist_ok=True)
            client.ppm(os.path.join(ARTIFACTS, name + ".ppm"))

    def test_hvm_display_shows_the_guest(self):
        dom = self.conn.defineXML(hvm_vnc("vnc1"))
        dom.create()
        c = Client("127.0.0.1", vnc_port(dom))
        self.addCleanup(c.close)
        self.assertEqual(c.name, "vnc1")
        self.assertEqual(c.offered, [1])
        text = self.screen(c)
        self.save(c, "hvm-running")
        self.assertIn(f"Xen domain vnc1 (id {dom.ID()})", text)
        self.assertIn("state: running", text)

        # The screen follows the guest: an incremental request is
        # answered when something changed.
        dom.suspend()
        deadline = time.monotonic() + bound(10)
        while "state: paused" not in text and time.monotonic() < deadline:
            text = self.screen(c, incremental=True)
        self.assertIn("state: paused", text)
        dom.resume()

    def test_what_is_typed_appears(self):
        dom = self.conn.defineXML(hvm_vnc("vnc2"))
        dom.create()
        c = Client("127.0.0.1", vnc_port(dom))
        self.addCleanup(c.close)
        self.screen(c)
        c.type("hello xen\nsecond")
        deadline = time.monotonic() + bound(10)
        text = ""
        while "second" not in text and time.monotonic() < deadline:
            text = self.screen(c, incremental=True)
        self.save(c, "hvm-typed")
        self.assertIn("hello xen", text)
        self.assertIn("second_", text)

    def test_password(self):
        dom = self.conn.defineXML(hvm_vnc(
            "vnc3", "<graphics type='vnc' autoport='yes' passwd='s3cret!x'/>"))
        dom.create()
        port = vnc_port(dom)
        with self.assertRaisesRegex(RFBError, "wants a password"):
            Client("127.0.0.1", port)
        with self.assertRaisesRegex(RFBError, "Authentication failed"):
            Client("127.0.0.1", port, password="wrong")
        # Only the first eight characters count, as in qemu.
        c = Client("127.0.0.1", port, password="s3cret!xyz")
        self.addCleanup(c.close)
        self.assertEqual(c.offered, [2])
        self.assertIn("Xen domain vnc3", self.screen(c))

    def test_old_protocol_versions(self):
        dom = self.conn.defineXML(hvm_vnc("vnc4"))
        dom.create()
        for version in (3, 7):
            with self.subTest(version=version):
                c = Client("127.0.0.1", vnc_port(dom), version=version)
                self.assertIn("Xen domain vnc4", self.screen(c))
                c.close()

    def test_pv_framebuffer(self):
        dom = self.conn.defineXML(pv_vnc("vnc5"))
        dom.create()
        c = Client("127.0.0.1", vnc_port(dom))
        self.addCleanup(c.close)
        self.assertIn("Xen domain vnc5", self.screen(c))

    def test_start_display(self):
        # xl's vncdisplay=N with vncunused=1: the first free display from
        # N on (<virtxl:vncdisplay>), for an HVM display and a PV
        # framebuffer; a port taken by someone else is passed over.
        ns = "https://virtxl.dev/xmlns/domain/1.0"
        start = 47
        busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(busy.close)
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind(("0.0.0.0", 5900 + start))
        busy.listen(1)
        doms = []
        for name, xml in (("vncs1", hvm_vnc("vncs1")), ("vncs2", pv_vnc("vncs2"))):
            xml = xml.replace("<domain type='xen'>",
                              "<domain type='xen' xmlns:virtxl='%s'>" % ns, 1)
            xml = xml.replace("</domain>", "<virtxl:vncdisplay value='%d'/></domain>" % start)
            dom = self.conn.defineXML(xml)
            dom.create()
            self.addCleanup(dom.destroy)
            doms.append(dom)
        ports = [vnc_port(d) for d in doms]
        self.assertEqual(ports, [5900 + start + 1, 5900 + start + 2])
        c = Client("127.0.0.1", ports[1])
        self.addCleanup(c.close)
        self.assertEqual(c.name, "vncs2")
        # The definition keeps where the search starts, not the port.
        inactive = doms[0].XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertIn("<virtxl:vncdisplay value='%d'/>" % start, inactive)
        self.assertNotIn("port='%d'" % ports[0], inactive)

    def test_start_display_beyond_the_last_port(self):
        # xl takes vncdisplay=59635 (libxl's vnc.display is any number),
        # so a definition holds it; qemu's search from port 65535 has no
        # port above it, so the start is refused, naming the display, and
        # the domain stays off.
        ns = "https://virtxl.dev/xmlns/domain/1.0"
        xml = hvm_vnc("vncbig").replace("<domain type='xen'>",
                                        "<domain type='xen' xmlns:virtxl='%s'>" % ns, 1)
        xml = xml.replace("</domain>", "<virtxl:vncdisplay value='59635'/></domain>")
        dom = self.conn.defineXML(xml)
        self.addCleanup(dom.undefine)
        self.assertIn("<virtxl:vncdisplay value='59635'/>", dom.XMLDesc(0))
        self.assertLibvirtError(libvirt.VIR_ERR_CONFIG_UNSUPPORTED, dom.create,
                                msg_contains="<virtxl:vncdisplay value='59635'>")
        self.assertFalse(dom.isActive())

    def test_pv_framebuffers(self):
        # xl's vfb=[ "vnc=1,vncpasswd=...", "vnc=1,vncdisplay=N,...,sdl=1",
        # "vnc=0,sdl=1" ]: three framebuffers (<virtxl:vfb>), each with
        # its own settings, and each VNC display with a port of its own in
        # the live XML (the display libxl is given for it). Xen's device
        # model serves the first framebuffer's display only (libxl__dm_vnc
        # takes vfbs[0]), and so does the simulator: the second port is
        # the guest's setting, with nothing listening on it.
        ns = "https://virtxl.dev/xmlns/domain/1.0"
        start = 61
        xml = guest_xml("vfbs1").replace(
            "<domain type='xen'>", "<domain type='xen' xmlns:virtxl='%s'>" % ns, 1)
        xml = xml.replace("</devices>",
                          "<graphics type='vnc' autoport='yes' passwd='first12'/>"
                          "<graphics type='vnc' autoport='yes' passwd='second1'/>"
                          "<graphics type='sdl' display=':1'/>"
                          "<graphics type='sdl' display=':2'/>"
                          "</devices>", 1)
        xml = xml.replace("</domain>",
                          "<virtxl:vfb graphics='1'/>"
                          "<virtxl:vfb graphics='2' vncdisplay='%d'/>"
                          "<virtxl:vfb graphics='1'/></domain>" % start)
        dom = self.conn.defineXML(xml)
        self.addCleanup(dom.undefine)
        dom.create()
        live = dom.XMLDesc(E.VIR_DOMAIN_XML_SECURE)
        ports = [int(p) for p in re.findall(r"<graphics type='vnc' port='(\d+)'", live)]
        self.assertEqual(len(ports), 2, live)
        self.assertNotEqual(ports[0], ports[1])
        # The second framebuffer's search starts at its own display.
        self.assertGreaterEqual(ports[1], 5900 + start)
        self.assertLess(ports[1], 5900 + start + 100)
        self.assertEqual(live.count("<graphics type='sdl'"), 2)

        with self.assertRaisesRegex(RFBError, "Authentication failed"):
            Client("127.0.0.1", ports[0], password="second1")
        c = Client("127.0.0.1", ports[0], password="first12")
        self.addCleanup(c.close)
        self.assertEqual(c.name, "vfbs1")
        self.assertIn("Xen domain vfbs1 (id %d)" % dom.ID(), self.screen(c))
        os.close(dom.openGraphicsFD(0, 0))
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", ports[1]), timeout=2).close()

        inactive = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertIn("<virtxl:vfb graphics='2' vncdisplay='%d'/>" % start, inactive)
        self.assertNotIn("port='%d'" % ports[1], inactive)

        # Graphics are not hot-plugged, live or in the configuration.
        for flags in (E.VIR_DOMAIN_AFFECT_LIVE, E.VIR_DOMAIN_AFFECT_CONFIG):
            with self.subTest(flags=flags):
                self.assertLibvirtError(
                    E.VIR_ERR_OPERATION_UNSUPPORTED, dom.attachDeviceFlags,
                    "<graphics type='vnc' autoport='yes'/>", flags,
                    msg_contains="cannot attach a device of type 'graphics'")
        c.close()
        dom.destroy()
        self.assertNotIn("port='%d'" % ports[0], dom.XMLDesc(0))
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", ports[0]), timeout=2).close()

    def test_pv_framebuffers_refused(self):
        # Two VNC displays on one framebuffer cannot be: refused at define,
        # naming the element, with and without <virtxl:vfb>.
        ns = "https://virtxl.dev/xmlns/domain/1.0"
        two = ("<graphics type='vnc' autoport='yes'/>"
               "<graphics type='vnc' autoport='yes'/>")
        xml = guest_xml("vfbs2").replace("</devices>", two + "</devices>", 1)
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML, xml,
                                msg_contains="needs <virtxl:vfb>")
        xml = xml.replace("<domain type='xen'>",
                          "<domain type='xen' xmlns:virtxl='%s'>" % ns, 1)
        marked = xml.replace("</domain>", "<virtxl:vfb graphics='2'/></domain>")
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML, marked,
                                msg_contains="<virtxl:vfb> number 1 serves two <graphics type='vnc'>")
        short = xml.replace("</domain>", "<virtxl:vfb graphics='1'/></domain>")
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML, short,
                                msg_contains="<virtxl:vfb graphics> add up to 1")
        with self.assertRaises(libvirt.libvirtError):
            self.conn.lookupByName("vfbs2")
        # A framebuffer's start display past the last port: defined (xl
        # takes it), refused at start naming the element, as for
        # <virtxl:vncdisplay>.
        big = xml.replace(two, "<graphics type='vnc' autoport='yes'/>", 1).replace(
            "</domain>", "<virtxl:vfb graphics='1' vncdisplay='59635'/></domain>")
        dom = self.conn.defineXML(big)
        self.addCleanup(dom.undefine)
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.create,
                                msg_contains="<virtxl:vfb vncdisplay='59635'>")
        self.assertFalse(dom.isActive())

    def test_display_goes_with_the_domain(self):
        dom = self.conn.defineXML(hvm_vnc("vnc6"))
        dom.create()
        port = vnc_port(dom)
        Client("127.0.0.1", port).close()
        dom.destroy()
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()

    def test_no_graphics_no_display(self):
        dom = self.conn.defineXML(guest_xml("vnc7", ostype="hvm"))
        dom.create()
        self.assertNotIn("<graphics", dom.XMLDesc(0))

    def test_display_is_back_after_a_restart(self):
        dom = self.conn.defineXML(hvm_vnc("vnc8"))
        dom.create()
        port = vnc_port(dom)
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("vnc8")
        self.assertEqual(vnc_port(dom), port)
        c = wait_for(lambda: _try_connect(port), what="the display after restart")
        self.addCleanup(c.close)
        self.assertIn("Xen domain vnc8", self.screen(c))


def _try_connect(port):
    try:
        return Client("127.0.0.1", port)
    except OSError:
        return None


if __name__ == "__main__":
    unittest.main(verbosity=2)
