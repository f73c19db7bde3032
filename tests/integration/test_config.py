# SPDX-License-Identifier: LGPL-2.1-or-later
"""libxl.conf: each of libvirt's keys is honoured or refused when the
daemon starts, with a log line naming the key."""
import re
import subprocess
import unittest

import libvirt

from vxltest import Daemon, crash_dump_text, guest_xml, open_daemon


def nested_guest(name, cpu):
    xml = guest_xml(name, ostype="hvm", on_crash="coredump-destroy",
                    script={"crash-after-ms": "200"})
    return xml.replace("<os>", cpu + "<os>", 1)


class LibxlConfTest(unittest.TestCase):

    def test_lock_manager_is_refused(self):
        daemon = Daemon(conf=['lock_manager = "lockd"'])
        self.addCleanup(daemon.cleanup)
        with self.assertRaises(subprocess.CalledProcessError):
            daemon.start()
        self.assertIn('lock_manager = "lockd" is not supported: the Xen '
                      'driver has no lock manager', daemon.log())

    def test_keepalive_is_libvirtd_wide(self):
        daemon, conn = open_daemon(self, conf=['lock_manager = "nop"',
                                               "keepalive_interval = 10",
                                               "keepalive_count = 3"])
        self.assertEqual(conn.getType(), "Xen")
        log = daemon.log()
        for key in ("keepalive_interval", "keepalive_count"):
            self.assertIn(f"{key} is not used by the Xen driver: keep-alive "
                          "of client connections is set for all of libvirtd",
                          log)

    def test_nested_hvm_is_the_host_passthrough_default(self):
        daemon, conn = open_daemon(self, conf=["nested_hvm = 1"])
        self.assertIn("nested_hvm = 1: host-passthrough guests get nested HVM",
                      daemon.log())
        cases = {
            # The intel-2s-vtd host has vmx: on unless the <cpu> says no.
            "nested-default": ("<cpu mode='host-passthrough'/>", "True"),
            "nested-disabled": ("<cpu mode='host-passthrough'>"
                                "<feature policy='disable' name='vmx'/></cpu>",
                                "False"),
        }
        for name, (cpu, want) in cases.items():
            conn.createXML(nested_guest(name, cpu), 0)
            dump = crash_dump_text(daemon, name)
            self.assertRegex(dump, r'"nested_hvm": "%s"' % want, name)

    def test_nested_hvm_off_by_default(self):
        daemon, conn = open_daemon(self)
        conn.createXML(nested_guest("plain", "<cpu mode='host-passthrough'/>"), 0)
        self.assertNotRegex(crash_dump_text(daemon, "plain"),
                            r'"nested_hvm": "True"')


if __name__ == "__main__":
    unittest.main()
