"""Daemon restarts: running and paused domains are found again with the
same domids and states; autostart runs when the daemon starts."""

import os
import unittest

import libvirt

from vxltest import Daemon, guest_xml, start_event_loop, wait_for

E = libvirt


class RestartTest(unittest.TestCase):

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon()
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)

    def conn(self):
        c = libvirt.open(self.daemon.uri)
        self.addCleanup(c.close)
        return c

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


if __name__ == "__main__":
    unittest.main(verbosity=2)
