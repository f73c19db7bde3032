# SPDX-License-Identifier: LGPL-2.1-or-later
"""Daemon restarts: running and paused domains are found again with the
same domids and states; autostart runs when the daemon starts."""

import os
import unittest

import libvirt

from vxltest import Daemon, guest_xml, start_event_loop, wait_for

E = libvirt


class DaemonRestartCase(unittest.TestCase):
    """A private daemon per test, which the test may restart."""

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon()
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)

    def conn(self):
        c = libvirt.open(self.daemon.uri)
        self.addCleanup(c.close)
        return c


class RestartTest(DaemonRestartCase):

    def test_running_and_paused_domains_survive_restart(self):
        c = self.conn()
        run = c.defineXML(guest_xml("r-run", memory_mib=300))
        run.create()
        paused = c.defineXML(guest_xml("r-paused"))
        paused.createWithFlags(E.VIR_DOMAIN_START_PAUSED)
        trans = c.createXML(guest_xml("r-trans"), 0)
        off = c.defineXML(guest_xml("r-off"))
        ids = {d.name(): d.ID() for d in (run, paused, trans)}
        free = c.getFreeMemory()
        cpu = run.info()[4]

        self.daemon.restart()
        c = self.conn()
        for name, domid in ids.items():
            dom = c.lookupByName(name)
            self.assertEqual(dom.ID(), domid, name)
            self.assertTrue(dom.isActive(), name)
        self.assertEqual(c.lookupByName("r-run").state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(c.lookupByName("r-paused").state()[0], E.VIR_DOMAIN_PAUSED)
        self.assertFalse(c.lookupByName("r-trans").isPersistent())
        self.assertTrue(c.lookupByName("r-run").isPersistent())
        self.assertFalse(c.lookupByName("r-off").isActive())
        self.assertEqual(c.getFreeMemory(), free)
        # CPU time kept counting across the restart.
        self.assertGreaterEqual(c.lookupByName("r-run").info()[4], cpu)

        # And they are still fully manageable.
        c.lookupByName("r-paused").resume()
        c.lookupByName("r-run").shutdown()
        wait_for(lambda: c.lookupByName("r-run").state()[0] == E.VIR_DOMAIN_SHUTOFF,
                 what="r-run to shut down after restart")
        c.lookupByName("r-trans").destroy()
        self.assertNotIn("r-trans", [d.name() for d in c.listAllDomains()])

        # New domids keep increasing past the old ones.
        c.lookupByName("r-off").create()
        self.assertGreater(c.lookupByName("r-off").ID(), max(ids.values()))

    def test_event_missed_while_down_is_applied(self):
        """A guest that powered off while the daemon was stopped is cleaned
        up when the daemon comes back."""
        c = self.conn()
        dom = c.defineXML(guest_xml("r-missed", script={"poweroff-after-ms": 1500}))
        dom.create()
        self.daemon.stop()
        import time
        time.sleep(2.0)
        self.daemon.start()
        c = self.conn()
        wait_for(lambda: c.lookupByName("r-missed").state()[0] == E.VIR_DOMAIN_SHUTOFF,
                 what="missed poweroff to be applied")

    def test_autostart_at_daemon_start(self):
        c = self.conn()
        dom = c.defineXML(guest_xml("r-auto"))
        dom.setAutostart(1)
        c.defineXML(guest_xml("r-manual"))
        self.assertTrue(os.path.islink(self.daemon.path("etc", "libxl", "autostart",
                                                        "r-auto.xml")))
        # A fresh boot of the host: the run dir (with the simulated Xen and
        # libvirt's "autostarted" marker) is emptied.
        self.daemon.stop()
        for entry in os.listdir(self.daemon.path("run")):
            p = self.daemon.path("run", entry)
            if os.path.isdir(p):
                import shutil
                shutil.rmtree(p)
            else:
                os.unlink(p)
        self.daemon.start()
        c = self.conn()
        self.assertTrue(c.lookupByName("r-auto").isActive())
        self.assertFalse(c.lookupByName("r-manual").isActive())
        self.assertEqual(c.lookupByName("r-auto").autostart(), 1)

        # A plain daemon restart does not start it again after a stop.
        c.lookupByName("r-auto").destroy()
        self.daemon.restart()
        c = self.conn()
        self.assertFalse(c.lookupByName("r-auto").isActive())


class DisplayPortTest(DaemonRestartCase):
    """Autoport displays get their ports from the driver at start, so the
    live XML says where to connect (virt-manager and virsh domdisplay read
    it there); they are given back at stop and stay taken across a
    daemon restart."""

    GRAPHICS = ("<graphics type='vnc' port='-1' autoport='yes'/>"
                "<graphics type='spice' autoport='yes'/>")

    def ports(self, dom, flags=0):
        import xml.etree.ElementTree as ET
        root = ET.fromstring(dom.XMLDesc(flags))
        return {g.get("type"): int(g.get("port", "0"))
                for g in root.findall("./devices/graphics")}

    def guest(self, c, name):
        xml = guest_xml(name, ostype="hvm").replace(
            "</devices>", self.GRAPHICS + "</devices>")
        return c.defineXML(xml)

    def test_autoport_displays_get_ports(self):
        c = self.conn()
        a = self.guest(c, "gp-a")
        b = self.guest(c, "gp-b")
        self.assertEqual(self.ports(a), {"vnc": -1, "spice": 0})
        a.create()
        b.create()
        pa, pb = self.ports(a), self.ports(b)
        taken = list(pa.values()) + list(pb.values())
        for p in taken:
            self.assertGreaterEqual(p, 5900)
        self.assertEqual(len(set(taken)), 4, taken)
        # The persistent definition keeps autoport, with no port.
        self.assertEqual(self.ports(a, E.VIR_DOMAIN_XML_INACTIVE), {"vnc": -1, "spice": 0})

        # A restart keeps the ports of running domains taken.
        self.daemon.restart()
        c = self.conn()
        a, b = c.lookupByName("gp-a"), c.lookupByName("gp-b")
        self.assertEqual(self.ports(a), pa)
        d = self.guest(c, "gp-d")
        d.create()
        self.assertFalse(set(self.ports(d).values()) & set(taken), (self.ports(d), taken))

        # Stopped, a domain gives its ports back and shows autoport again.
        a.destroy()
        self.assertEqual(self.ports(a), {"vnc": -1, "spice": 0})
        a.create()
        others = set(pb.values()) | set(self.ports(d).values())
        self.assertFalse(set(self.ports(a).values()) & others, (self.ports(a), others))
        for dom in (a, b, d):
            dom.destroy()

    def test_spice_without_a_port_is_refused(self):
        c = self.conn()
        xml = guest_xml("gp-noport", ostype="hvm").replace(
            "</devices>", "<graphics type='spice'/></devices>")
        with self.assertRaises(libvirt.libvirtError) as cm:
            c.defineXML(xml)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED)
        self.assertIn("autoport='yes'", str(cm.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
