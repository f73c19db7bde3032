# SPDX-License-Identifier: LGPL-2.1-or-later
"""libvirt's hook scripts for this driver, through stock libvirtd on the
simulator: /etc/libvirt/hooks/libxl and libxl.d/ (the private daemon's
ROOT/etc/hooks) are called with the domain's name, the operation and the
sub-operation, its XML on stdin; a failing prepare or start hook refuses
the start with the script's message and leaves the domain shut off."""

import os
import stat
import unittest

import libvirt

from vxltest import Daemon, DaemonTestCase, guest_xml, wait_for

E = libvirt

SCRIPT = """#!/bin/sh
# log: NAME OP SUBOP EXTRA and the <name> read from stdin
name=$(sed -n 's:.*<name>\\(.*\\)</name>.*:\\1:p' | head -n 1)
echo "$0 $1 $2 $3 $4 $name" >> "{log}"
case "$1:$2" in
    refuse-prepare:prepare) echo "no bridge for $1 today" >&2; exit 1 ;;
    refuse-start:start) echo "start vetoed for $1" >&2; exit 3 ;;
esac
exit 0
"""


class HooksTest(DaemonTestCase):

    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(cls.backend, cls.profile)
        hooks = cls.daemon.path("etc", "hooks")
        os.makedirs(os.path.join(hooks, "libxl.d"))
        cls.log = cls.daemon.path("hooks.log")
        for path in (os.path.join(hooks, "libxl"),
                     os.path.join(hooks, "libxl.d", "50-second")):
            with open(path, "w") as f:
                f.write(SCRIPT.replace("{log}", cls.log))
            os.chmod(path, stat.S_IRWXU)
        # not executable: skipped, as libvirt does
        with open(os.path.join(hooks, "libxl.d", "README"), "w") as f:
            f.write("not a hook\n")
        cls.daemon.start()

    def setUp(self):
        super().setUp()
        open(self.log, "w").close()

    def calls(self, name):
        with open(self.log) as f:
            rows = [line.split() for line in f]
        return [(os.path.basename(r[0]), r[2], r[3]) for r in rows
                if r[1] == name and r[5:] == [name]]

    def test_start_and_stop(self):
        dom = self.conn.defineXML(guest_xml("hk-a"))
        dom.create()
        dom.destroy()
        ops = [(op, sub) for script, op, sub in self.calls("hk-a")
               if script == "libxl"]
        self.assertEqual(ops, [("prepare", "begin"), ("start", "begin"),
                               ("started", "begin"), ("stopped", "end"),
                               ("release", "end")])
        # libxl.d's executable runs after the main script, every time
        self.assertEqual(len([c for c in self.calls("hk-a") if c[0] == "50-second"]), 5)

    def test_failing_prepare_refuses_the_start(self):
        dom = self.conn.defineXML(guest_xml("refuse-prepare"))
        err = self.assertLibvirtError(E.VIR_ERR_HOOK_SCRIPT_FAILED, dom.create)
        self.assertIn("no bridge for refuse-prepare today", str(err))
        self.assertFalse(dom.isActive())
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        # prepare set nothing up: no release
        ops = [op for s, op, _ in self.calls("refuse-prepare") if s == "libxl"]
        self.assertEqual(ops, ["prepare"])

    def test_failing_start_refuses_the_start(self):
        free = self.conn.getFreeMemory()
        dom = self.conn.defineXML(guest_xml("refuse-start"))
        err = self.assertLibvirtError(E.VIR_ERR_HOOK_SCRIPT_FAILED, dom.create)
        self.assertIn("start vetoed for refuse-start", str(err))
        self.assertFalse(dom.isActive())
        self.assertEqual(self.conn.getFreeMemory(), free)
        self.assertEqual(self.conn.listDomainsID(), [0])
        # what prepare set up is released
        ops = [op for s, op, _ in self.calls("refuse-start") if s == "libxl"]
        self.assertEqual(ops, ["prepare", "start", "release"])

    def test_reconnect_after_restart(self):
        self.conn.createXML(guest_xml("hk-r"))
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        self.assertTrue(self.conn.lookupByName("hk-r").isActive())
        wait_for(lambda: ("libxl", "reconnect", "begin") in self.calls("hk-r"),
                 what="reconnect hook")

    def test_no_hooks_for_domain0(self):
        self.daemon.restart()
        with open(self.log) as f:
            self.assertNotIn("Domain-0", f.read())


if __name__ == "__main__":
    unittest.main()
