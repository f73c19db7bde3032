# SPDX-License-Identifier: LGPL-2.1-or-later
"""Long operations can be cancelled: destroy of a domain whose boot never
ends cancels its start and wins at once; libvirtd's stop does not wait
for such a boot either. On a backend that cannot cancel a create (libxl;
the simulator with sim_create_cancel = 0), destroy waits for the create
to return, however long it takes, and the domain never runs."""

import threading
import time
import unittest

import libvirt

from crashtest import check_invariants, daemon_pid, alive
from vxltest import Daemon, bound, guest_xml, start_event_loop, wait_for

E = libvirt
FOREVER = {"boot-delay-ms": 4000000000}


class CancelTest(unittest.TestCase):

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon()
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)
        self.c = libvirt.open(self.daemon.uri)
        self.addCleanup(self.c.close)

    def start_in_background(self, dom):
        errors = []

        def run():
            try:
                dom.create()
            except libvirt.libvirtError as e:
                errors.append(e)
        # The boot has begun once the host's memory is claimed; what was
        # free is read first: on a loaded machine the thread may claim it
        # before this one runs again.
        free = self.c.getFreeMemory()
        t = threading.Thread(target=run, daemon=True)
        t.start()
        wait_for(lambda: self.c.getFreeMemory() < free - 200 * 1024 * 1024,
                 what="the endless boot to begin")
        return t, errors

    def test_destroy_cancels_an_endless_start(self):
        free = self.c.getFreeMemory()
        dom = self.c.defineXML(guest_xml("endless", script=FOREVER))
        t, errors = self.start_in_background(dom)
        started = time.monotonic()
        dom.destroy()
        self.assertLess(time.monotonic() - started, bound(5))
        t.join(bound(10))
        self.assertFalse(t.is_alive())
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0].get_error_code(), E.VIR_ERR_OPERATION_ABORTED)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(self.c.getFreeMemory(), free)
        check_invariants(self, self.c, self.daemon, [], start_all=False)
        # It can be started again (and destroyed again).
        t, errors = self.start_in_background(dom)
        dom.destroy()
        t.join(bound(10))
        self.assertEqual(self.c.getFreeMemory(), free)

    def test_daemon_stop_does_not_wait_for_a_boot(self):
        dom = self.c.defineXML(guest_xml("endless-stop", script=FOREVER))
        self.start_in_background(dom)
        pid = daemon_pid(self.daemon)
        started = time.monotonic()
        self.daemon.stop()
        self.assertFalse(alive(pid))
        # libvirtd would give the start 30 s (and virtxl-daemon stop
        # kills after 10); scaled for a loaded machine, but always well
        # under the 30 s a waiting daemon would take.
        self.assertLess(time.monotonic() - started, min(bound(8), 20))
        self.assertNotIn("Make forcefull daemon shutdown", self.daemon.log())
        self.daemon.start()
        self.c = libvirt.open(self.daemon.uri)
        self.assertEqual(self.c.lookupByName("endless-stop").state()[0],
                         E.VIR_DOMAIN_SHUTOFF)
        check_invariants(self, self.c, self.daemon, ["endless-stop"],
                         start_all=False)


class NoCreateCancelTest(unittest.TestCase):
    """The simulator as libxl is: a create, once begun, runs to its end."""

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon(conf=["sim_create_cancel = 0"])
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)
        self.c = libvirt.open(self.daemon.uri)
        self.addCleanup(self.c.close)

    def destroy_mid_create(self, name, build_ms):
        free = self.c.getFreeMemory()
        dom = self.c.defineXML(guest_xml(name, script={"boot-delay-ms": build_ms}))
        t, errors = CancelTest.start_in_background(self, dom)
        started = time.monotonic()
        dom.destroy()
        waited = time.monotonic() - started
        t.join(bound(10))
        self.assertFalse(t.is_alive())
        # The start gave way to the destroy: it failed, the guest never
        # ran, nothing is left.
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0].get_error_code(), E.VIR_ERR_OPERATION_ABORTED)
        self.assertIn("cancelled by its destroy", str(errors[0]))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(self.c.getFreeMemory(), free)
        self.assertIn("is destroyed once the backend has built it",
                      self.daemon.log())
        check_invariants(self, self.c, self.daemon, [name])
        return waited

    def test_destroy_waits_for_the_create(self):
        waited = self.destroy_mid_create("nocancel", 8000)
        self.assertGreater(waited, 1)

    def test_destroy_waits_beyond_the_job_timeout(self):
        """libvirt gives up on a job after 30 s; destroy does not."""
        # The boot is 42 s so that destroy, issued once the boot is seen to
        # have begun (seconds later on a loaded machine), still waits > 30 s.
        waited = self.destroy_mid_create("nocancel-long", 42000)
        self.assertGreater(waited, 30)


if __name__ == "__main__":
    unittest.main()
