# SPDX-License-Identifier: LGPL-2.1-or-later
"""Daemon start order and reconnect: events raised while the daemon loads
wait for the persistent configs; only "no such domain" makes a domain
gone; leftovers of interrupted writes are removed."""

import os
import time
import unittest

import libvirt

from crashtest import check_invariants, kill_now
from vxltest import guests, Daemon, guest_xml, start_event_loop, wait_for

E = libvirt


class RecoveryTest(unittest.TestCase):

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon()
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)

    def conn(self):
        c = libvirt.open(self.daemon.uri)
        self.addCleanup(c.close)
        return c

    def test_guests_stopped_while_down_keep_their_configs(self):
        """Guests that power off while the daemon is down raise their
        events as soon as the backend opens; their persistent domains
        must not be taken for transient ones and vanish."""
        c = self.conn()
        names = [f"pd{i}" for i in range(40)]
        for i, name in enumerate(names):
            dom = c.defineXML(guest_xml(name, memory_mib=64,
                                        script={"poweroff-after-ms": 1000 + 10 * i}))
            dom.create()
        for rnd in range(3):
            self.daemon.stop()
            time.sleep(1.6)
            self.daemon.start()
            c = self.conn()
            defined = {d.name() for d in guests(c)}
            self.assertEqual(defined, set(names), f"round {rnd}")
            wait_for(lambda: all(not c.lookupByName(n).isActive() for n in names),
                     what="every guest to be shut off")
            log = self.daemon.log()
            self.assertNotIn("Failed to load config", log)
            self.assertNotIn("already being removed", log)
            check_invariants(self, c, self.daemon, names, start_all=False)
            for name in names:
                c.lookupByName(name).create()

    def test_reconnect_error_keeps_the_domain(self):
        """A failed query at reconnect is not "gone from Xen"."""
        c = self.conn()
        dom = c.defineXML(guest_xml("rc-keep"))
        dom.create()
        domid = dom.ID()
        self.daemon.stop()
        with open(self.daemon.path("run", "libxl", "fault-inject"), "w") as f:
            f.write("domainGetInfo 1\n")
        self.daemon.start()
        c = self.conn()
        dom = c.lookupByName("rc-keep")
        self.assertTrue(dom.isActive())
        self.assertEqual(dom.ID(), domid)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertIn("asking again", self.daemon.log())
        check_invariants(self, c, self.daemon, ["rc-keep"])

    def test_leftovers_of_interrupted_writes_are_removed(self):
        c = self.conn()
        c.defineXML(guest_xml("tmp-keep"))
        kill_now(self.daemon)
        leftovers = [self.daemon.path("etc", "libxl", "tmp-keep.xml.new"),
                     self.daemon.path("run", "libxl", "tmp-keep.xml.new"),
                     self.daemon.path("etc", "libxl", "half.xml.new")]
        for path in leftovers:
            with open(path, "w") as f:
                f.write("<domain")
        self.daemon.start()
        c = self.conn()
        for path in leftovers:
            self.assertFalse(os.path.exists(path), path)
        self.assertEqual([d.name() for d in guests(c)], ["tmp-keep"])
        check_invariants(self, c, self.daemon, ["tmp-keep"])

    def test_rename_restart_keeps_a_listed_destroyable_dead_domain(self):
        c = self.conn()
        free = c.getFreeMemory()
        dom = c.defineXML(guest_xml("rr", on_reboot="rename-restart"))
        dom.create()
        first = dom.ID()
        dom.reboot()
        # (A virDomain's ID() is what the client looked up: look again.)
        wait_for(lambda: c.lookupByName("rr").ID() not in (first, -1) and
                 dom.state()[0] == E.VIR_DOMAIN_RUNNING,
                 what="the new incarnation")
        dead_name = f"rr--incarnation-{first}"
        dead = c.lookupByName(dead_name)
        self.assertEqual(dead.ID(), first)
        self.assertEqual(dead.state()[0], E.VIR_DOMAIN_SHUTDOWN)
        self.assertFalse(dead.isPersistent())
        # Both hold memory, and libvirt shows both.
        check_invariants(self, c, self.daemon, ["rr"], start_all=False)

        self.daemon.restart()
        c = self.conn()
        dead = c.lookupByName(dead_name)
        self.assertEqual(dead.state()[0], E.VIR_DOMAIN_SHUTDOWN)
        check_invariants(self, c, self.daemon, ["rr"], start_all=False)
        dead.destroy()
        self.assertNotIn(dead_name, [d.name() for d in guests(c)])
        c.lookupByName("rr").destroy()
        self.assertEqual(c.getFreeMemory(), free)
        check_invariants(self, c, self.daemon, ["rr"])


if __name__ == "__main__":
    unittest.main()
