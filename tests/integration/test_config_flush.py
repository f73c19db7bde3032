# SPDX-License-Identifier: LGPL-2.1-or-later
"""Definitions written without a sync per call (domain_config.c): a
define and an undefine are on the file system when the call returns,
the flusher leaves no file behind, a clean stop keeps them, and what a
cut-off write leaves (an empty definition, an undefined one renamed
aside) is cleaned up by the next start without loading it."""

import os
import unittest

import libvirt

from vxltest import Daemon, guest_xml, guests, start_event_loop, wait_for


class ConfigFlushTest(unittest.TestCase):

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon()
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)

    def conn(self):
        c = libvirt.open(self.daemon.uri)
        self.addCleanup(c.close)
        return c

    def etc(self, *names):
        return self.daemon.path("etc", "libxl", *names)

    def files(self):
        return sorted(f for f in os.listdir(self.etc()) if f != "autostart")

    def test_define_and_undefine_are_on_disk_at_return(self):
        c = self.conn()
        keep = c.defineXML(guest_xml("cf-keep"))
        keep.setAutostart(1)
        gone = c.defineXML(guest_xml("cf-gone"))
        self.assertTrue(os.path.exists(self.etc("cf-keep.xml")))
        self.assertTrue(os.path.exists(self.etc("cf-gone.xml")))
        gone.undefine()
        self.assertFalse(os.path.exists(self.etc("cf-gone.xml")))
        # The renamed file goes with the next batch.
        self.assertTrue(wait_for(lambda: self.files() == ["cf-keep.xml"], 10),
                        self.files())
        with open(self.etc("cf-keep.xml")) as f:
            text = f.read()
        self.assertIn("virsh edit cf-keep", text)
        self.assertIn("<name>cf-keep</name>", text)

        self.daemon.restart()
        c = self.conn()
        self.assertEqual([d.name() for d in guests(c)], ["cf-keep"])
        self.assertTrue(c.lookupByName("cf-keep").autostart())

    def test_start_removes_what_cut_off_writes_leave(self):
        c = self.conn()
        c.defineXML(guest_xml("cf-real"))
        self.daemon.stop()
        # An undefine whose renamed file was not removed yet, and a define
        # a power cut took before its flush (an empty file).
        with open(self.etc("cf-real.xml")) as f:
            xml = f.read()
        with open(self.etc("cf-undefined.xml.gone"), "w") as f:
            f.write(xml.replace("cf-real", "cf-undefined"))
        open(self.etc("cf-empty.xml"), "w").close()
        self.daemon.start()
        c = self.conn()
        self.assertEqual([d.name() for d in guests(c)], ["cf-real"])
        self.assertEqual(self.files(), ["cf-real.xml"])
        # The name of the lost define is free again.
        c.defineXML(guest_xml("cf-empty"))
        self.assertEqual(sorted(d.name() for d in guests(c)), ["cf-empty", "cf-real"])


if __name__ == "__main__":
    unittest.main()
