# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh console through stock libvirtd: a running domain's PV console or
HVM serial port is a pty the live XML names, a client's stream reaches
the guest there (the simulator's guest greets and echoes), and one client
at a time holds it unless forced."""

import unittest
import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, close_stream, guest_xml, stream_talk

E = libvirt


class ConsoleTest(DaemonTestCase):

    def running(self, name, devices="", **kw):
        dom = self.conn.defineXML(guest_xml(name, **kw).replace(
            "</devices>", devices + "</devices>"))
        dom.create()
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        return dom

    def talk(self, dom, send=b"hello\r", devname=None, flags=0):
        """What the console says, then what it says after @send."""
        return stream_talk(self, self.conn,
                           lambda st: dom.openConsole(devname, st, flags), send, 10)

    def test_pv_console(self):
        dom = self.running("con-pv", devices="<console type='pty'><target type='xen' port='0'/></console>")
        tty = ET.fromstring(dom.XMLDesc(0)).find("./devices/console").get("tty")
        self.assertTrue(tty and tty.startswith("/dev/pts/"), tty)
        got, st = self.talk(dom)
        self.assertIn(b"PV console 0 of domain con-pv", got)
        self.assertTrue(got.endswith(b"hello\r"), got)

        # A second client is refused while the first holds it; forcing
        # takes it over.
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.openConsole(None, self.conn.newStream(0), 0)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_OPERATION_FAILED)
        st2 = self.conn.newStream(0)
        dom.openConsole(None, st2, E.VIR_DOMAIN_CONSOLE_FORCE)
        close_stream(st2)

    def test_pv_console_not_in_the_xml(self):
        # Xen gives every PV guest its console, listed or not, as xl
        # console finds it.
        dom = self.running("con-bare")
        got, _ = self.talk(dom)
        self.assertIn(b"PV console 0 of domain con-bare", got)

    def test_hvm_serial(self):
        dom = self.running("con-hvm", ostype="hvm",
                           devices="<serial type='pty'><target port='0'/></serial>")
        root = ET.fromstring(dom.XMLDesc(0))
        path = root.find("./devices/serial/source").get("path", "")
        self.assertTrue(path.startswith("/dev/pts/"), path)
        # Its <console>, the same port, names the same pty.
        self.assertEqual(root.find("./devices/console").get("tty"), path)
        got, _ = self.talk(dom, send=b"ls\r")
        self.assertIn(b"serial console 0 of domain con-hvm", got)
        self.assertTrue(got.endswith(b"ls\r"), got)

    def test_serial_by_name(self):
        # Each serial port is named serialN, as libvirt's drivers name
        # them: virsh console DOMAIN serial1.
        dom = self.running("con-two", ostype="hvm",
                           devices="<serial type='pty'><target port='0'/></serial>"
                                   "<serial type='pty'><target port='1'/></serial>")
        aliases = [s.get("name") for s in
                   ET.fromstring(dom.XMLDesc(0)).findall("./devices/serial/alias")]
        self.assertEqual(aliases, ["serial0", "serial1"])
        got, _ = self.talk(dom, devname="serial1")
        self.assertIn(b"serial console 1 of domain con-two", got)
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.openConsole("serial7", self.conn.newStream(0), 0)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_OPERATION_INVALID)

    def test_pv_serial_ignored(self):
        # virt-install --paravirt --serial pty writes a <serial> for a PV
        # guest. Xen gives PV guests no serial port (xl ignores serial=
        # there): the element is kept in both XMLs, a warning says it is
        # ignored, and the guest's console is the PV console. serial0 is
        # refused with the reason, for no pty stands behind it (libvirt's
        # libxl driver finds none either, in xenstore's serial/0/tty).
        # The warning comes once per define and once per start, not at
        # each of the parses and checks in between (status files,
        # copies of the definition, the validation before the start).
        warning = "<serial> 0 is ignored: Xen gives PV and PVH guests no serial port"
        mark = len(self.daemon.log())
        dom = self.conn.defineXML(guest_xml("con-pv-serial").replace(
            "</devices>", "<serial type='pty'><target port='0'/></serial></devices>"))
        self.assertEqual(self.daemon.log()[mark:].count(warning), 1)
        dom.create()
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        for flags in (0, E.VIR_DOMAIN_XML_INACTIVE):
            serials = ET.fromstring(dom.XMLDesc(flags)).findall("./devices/serial")
            self.assertEqual(len(serials), 1, flags)
            self.assertIsNone(serials[0].find("source"), flags)
        self.assertEqual(self.daemon.log()[mark:].count(warning), 2)
        got, _ = self.talk(dom)
        self.assertIn(b"PV console 0 of domain con-pv-serial", got)
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.openConsole("serial0", self.conn.newStream(0), 0)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_OPERATION_UNSUPPORTED)
        self.assertIn("Xen gives PV and PVH guests no serial port", str(cm.exception))

    def test_pv_console_target_serial(self):
        # A PV guest's <console><target type='serial'> is the PV console,
        # the only one it has.
        dom = self.running("con-pv-tserial",
                           devices="<serial type='pty'><target port='0'/></serial>"
                                   "<console type='pty'><target type='serial' port='0'/></console>")
        con = ET.fromstring(dom.XMLDesc(0)).find("./devices/console")
        self.assertEqual(con.find("target").get("type"), "serial")
        self.assertTrue(con.get("tty", "").startswith("/dev/pts/"), con.get("tty"))
        got, _ = self.talk(dom)
        self.assertIn(b"PV console 0 of domain con-pv-tserial", got)

    def test_hvm_serial_options(self):
        # qemu chardev options of a serial= entry (<virtxl:serial>) stay
        # with the domain through define and start; options that say
        # other than the <serial> are refused at define, naming both.
        ns = "https://virtxl.dev/xmlns/domain/1.0"
        serial = ("<serial type='tcp'><source mode='bind' host='127.0.0.1' service='4555'/>"
                  "<protocol type='raw'/><target port='0'/></serial>")

        def xml(name, options):
            return guest_xml(name, ostype="hvm").replace(
                "<domain type='xen'>", f"<domain type='xen' xmlns:virtxl='{ns}'>").replace(
                "</devices>", serial + "</devices>").replace(
                "</domain>", f"<virtxl:serial port='0' options='{options}'/></domain>")

        dom = self.conn.defineXML(xml("con-opts", "server,nodelay"))
        dom.create()
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        for flags in (0, E.VIR_DOMAIN_XML_INACTIVE):
            el = ET.fromstring(dom.XMLDesc(flags)).find("{%s}serial" % ns)
            self.assertIsNotNone(el, flags)
            self.assertEqual((el.get("port"), el.get("options")), ("0", "server,nodelay"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.conn.defineXML(xml("con-opts-bad", "nodelay"))
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED)
        self.assertIn("<source mode='bind'>", str(cm.exception))
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.conn.defineXML(xml("con-opts-word", "server,nowait,nodelya"))
        self.assertIn("'nodelya' is not an option", str(cm.exception))

    def test_refused(self):
        dom = self.running("con-none", ostype="hvm")
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.openConsole(None, self.conn.newStream(0), 0)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_OPERATION_INVALID)
        off = self.conn.defineXML(guest_xml("con-off"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            off.openConsole(None, self.conn.newStream(0), 0)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_OPERATION_INVALID)


if __name__ == "__main__":
    unittest.main()
