# SPDX-License-Identifier: LGPL-2.1-or-later
"""libvirt's hook scripts for this driver, through stock libvirtd on the
simulator: /etc/libvirt/hooks/libxl and libxl.d/ (the private daemon's
ROOT/etc/hooks) are called with the domain's name, the operation and the
sub-operation, its XML on stdin; a failing prepare or start hook refuses
the start with the script's message and leaves the domain shut off.
On a migration's destination (two simulated hosts), the migrate hook
sees the incoming XML; what it prints replaces that XML, and a failing
script refuses the migration, the guest running on at the source."""

import os
import stat
import unittest

import libvirt

from vxltest import (Daemon, DaemonTestCase, guest_xml, guests,
                     start_event_loop, wait_for)

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


# The destination's hook: logs each call, then per domain name: refuses,
# rewrites the XML (a description added), renames the domain, or prints
# nothing (the XML stays as it came).
MIGRATE_SCRIPT = """#!/bin/sh
xml=$(cat)
name=$(printf "%s\\n" "$xml" | sed -n 's:.*<name>\\(.*\\)</name>.*:\\1:p' | head -n 1)
echo "$1 $2 $3 $name" >> "{log}"
[ "$2" = migrate ] || exit 0
case "$1" in
    mh-refuse) echo "no room for $1 on this host" >&2; exit 2 ;;
    mh-rewrite) printf "%s\\n" "$xml" | sed 's:</name>:</name><description>placed by the hook</description>:' ;;
    mh-rename) printf "%s\\n" "$xml" | sed 's:<name>mh-rename</name>:<name>mh-other</name>:' ;;
esac
exit 0
"""


class MigrateHookTest(unittest.TestCase):
    """The migrate hook on the destination of a live migration."""

    @classmethod
    def setUpClass(cls):
        start_event_loop()
        cls.a = Daemon(host="host-a")
        cls.b = Daemon(host="host-b")
        hooks = cls.b.path("etc", "hooks")
        os.makedirs(hooks)
        cls.log = cls.b.path("hooks.log")
        path = os.path.join(hooks, "libxl")
        with open(path, "w") as f:
            f.write(MIGRATE_SCRIPT.replace("{log}", cls.log))
        os.chmod(path, stat.S_IRWXU)
        cls.a.start()
        cls.b.start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()

    def setUp(self):
        open(self.log, "w").close()
        self.ca = libvirt.open(self.a.uri)
        self.cb = libvirt.open(self.b.uri)
        self.addCleanup(self._clean)

    def _clean(self):
        for conn in (self.ca, self.cb):
            for dom in guests(conn):
                try:
                    if dom.isActive():
                        dom.destroy()
                    # a transient copy went with its destroy
                    if dom.isPersistent():
                        dom.undefine()
                except libvirt.libvirtError:
                    pass
            conn.close()

    def calls(self, name):
        with open(self.log) as f:
            return [tuple(line.split()[1:3]) for line in f
                    if line.split()[:1] == [name]]

    def migrate(self, name):
        dom = self.ca.defineXML(guest_xml(name))
        dom.create()
        return self.a.virsh("migrate", "--live", name, self.b.uri, check=False)

    def assert_runs_on_source_only(self, name):
        self.assertEqual(self.ca.lookupByName(name).state()[0],
                         E.VIR_DOMAIN_RUNNING)
        self.assertNotIn(name, [d.name() for d in guests(self.cb)])

    def test_hook_sees_the_incoming_xml(self):
        res = self.migrate("mh-plain")
        self.assertEqual(res.returncode, 0, res.stderr)
        # the name came from the XML on stdin
        self.assertEqual(self.calls("mh-plain")[0], ("migrate", "begin"))
        dom = self.cb.lookupByName("mh-plain")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertNotIn("<description>", dom.XMLDesc())

    def test_hook_output_replaces_the_xml(self):
        res = self.migrate("mh-rewrite")
        self.assertEqual(res.returncode, 0, res.stderr)
        dom = self.cb.lookupByName("mh-rewrite")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertIn("<description>placed by the hook</description>",
                      dom.XMLDesc())
        self.assertNotIn("<description>", self.ca.lookupByName("mh-rewrite").XMLDesc())

    def test_failing_hook_refuses_the_migration(self):
        res = self.migrate("mh-refuse")
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("no room for mh-refuse on this host", res.stderr)
        self.assert_runs_on_source_only("mh-refuse")
        # nothing of the migration was set up, so nothing else ran
        self.assertEqual(self.calls("mh-refuse"), [("migrate", "begin")])

    def test_hook_may_not_rename_the_domain(self):
        res = self.migrate("mh-rename")
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("may not change the name or UUID of incoming domain 'mh-rename'",
                      res.stderr)
        self.assert_runs_on_source_only("mh-rename")
        self.assertNotIn("mh-other", [d.name() for d in guests(self.cb)])


if __name__ == "__main__":
    unittest.main()
