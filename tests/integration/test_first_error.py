# SPDX-License-Identifier: LGPL-2.1-or-later
"""The first error is the one the client sees: when an operation fails
and a step of its cleanup fails as well, the client gets the cause (the
step that failed first) and the cleanup's failure goes to the log only.

Each case fails a step and the cleanup that follows it at once (the
fault injection arms two hooks), or gives a name no file can carry (256
characters: the definition's file name is too long, and a cleanup that
removes such a file fails in its turn). Afterwards the driver and the
hypervisor agree (crashtest.py's invariants) and the domain starts."""

import os
import unittest

import libvirt

from crashtest import check_invariants, test_hooks_built
from vxltest import Daemon, guest_xml, guests, start_event_loop

E = libvirt
LONG = "n" * 256


class FirstErrorTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        start_event_loop()
        cls.daemon = Daemon()
        cls.daemon.start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.cleanup()

    def setUp(self):
        self.c = libvirt.open(self.daemon.uri)
        self.addCleanup(self.c.close)

    def tearDown(self):
        # Nothing armed is left for the next case.
        self.daemon.inject_fault("domainCoreDump", 1000000)

    def assertCause(self, err, cause, cleanup):
        msg = str(err)
        self.assertIn(cause, msg)
        self.assertNotIn(cleanup, msg)
        self.assertNotIn("cause is unknown", msg)

    def files(self):
        out = []
        for sub in ("etc", "run"):
            for root, _, names in os.walk(self.daemon.path(sub)):
                out += [os.path.join(root, n) for n in names
                        if LONG[:200] in n]
        return out

    def assertLongNameRefused(self, call):
        with self.assertRaises(libvirt.libvirtError) as cm:
            call(guest_xml(LONG))
        # The cause: the file for the name cannot be made; not a
        # cleanup's "cannot remove" of that same file.
        msg = str(cm.exception)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_SYSTEM_ERROR)
        self.assertIn("File name too long", msg)
        self.assertNotIn("cannot remove", msg)
        self.assertNotIn("cause is unknown", msg)
        self.assertNotIn(LONG, [d.name() for d in guests(self.c)])
        self.assertEqual(self.files(), [])
        check_invariants(self, self.c, self.daemon)

    def test_long_name_define(self):
        self.assertLongNameRefused(self.c.defineXML)

    def test_long_name_create(self):
        self.assertLongNameRefused(lambda xml: self.c.createXML(xml, 0))

    @unittest.skipUnless(test_hooks_built(), "needs a build with -Dtest_hooks=true")
    def test_start_fails_and_its_destroy_too(self):
        """The unpause fails, then the destroy that takes the half-built
        domain back fails once: the client hears of the unpause, the
        destroy is tried again, nothing is left on the hypervisor."""
        dom = self.c.defineXML(guest_xml("fe-start"))
        self.addCleanup(dom.undefine)
        self.daemon.inject_faults(("domainUnpause", 1), ("domainDestroy", 1))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertCause(cm.exception, "domainUnpause", "domainDestroy")
        self.assertFalse(dom.isActive())
        check_invariants(self, self.c, self.daemon, ["fe-start"])
        self.assertIn("could not destroy half-started domain fe-start",
                      self.daemon.log())
        dom.create()
        dom.destroy()

    @unittest.skipUnless(test_hooks_built(), "needs a build with -Dtest_hooks=true")
    def test_start_fails_and_every_destroy_too(self):
        """The destroy fails at every try: the client still hears of the
        unpause; the domain Xen kept is settled by the next daemon start
        (its start intent is kept), and then the two agree."""
        dom = self.c.defineXML(guest_xml("fe-stuck"))
        self.daemon.inject_faults(("domainUnpause", 1), ("domainDestroy", 1),
                                  ("domainDestroy", 2), ("domainDestroy", 3))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertCause(cm.exception, "domainUnpause", "domainDestroy")
        self.daemon.restart()
        self.c = libvirt.open(self.daemon.uri)
        check_invariants(self, self.c, self.daemon, ["fe-stuck"])
        dom = self.c.lookupByName("fe-stuck")
        if dom.isActive():
            dom.destroy()
        dom.undefine()

    @unittest.skipUnless(test_hooks_built(), "needs a build with -Dtest_hooks=true")
    def test_managed_save_fails_and_its_resume_too(self):
        """The save fails, then resuming the guest fails: the client hears
        of the save."""
        dom = self.c.defineXML(guest_xml("fe-save"))
        self.addCleanup(dom.undefine)
        dom.create()
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        self.daemon.inject_faults(("domainSave", 1), ("domainUnpause", 1),
                                  ("domainMigrateResume", 1))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.managedSave(0)
        self.assertCause(cm.exception, "domainSave", "domainUnpause")
        self.assertNotIn("domainMigrateResume", str(cm.exception))
        self.assertFalse(dom.hasManagedSaveImage(0))
        check_invariants(self, self.c, self.daemon, ["fe-save"],
                         start_all=False)


if __name__ == "__main__":
    unittest.main()
