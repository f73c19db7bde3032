# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash points of migration: a test build kills the source's or the
destination's libvirtd at each durable step of a migration between two
simulated hosts (client-managed and peer-to-peer); the killed daemon is
started again, and then the guest runs on exactly one host and each
host's libvirt agrees with its hypervisor (crashtest.py's invariants).

A destination killed in Finish, after it took the guest over and before
its answer reached the source (or the client), no longer leaves the
guest running on both hosts: the destination says "finishing" and
"taken" on the stream's connection (domain_migrate_outcome.c), and
peer-to-peer the source asks the restarted destination.

Two windows are left to an administrator, where the source cannot know
the outcome, and its copy stays paused (never two running guests): a
client-managed migration whose source dies after the stream was
complete and before Confirm (it cannot know whether the client went on
to Finish), and a client-managed migration whose destination dies
between saying "finishing" and "taken" (docs/migration.md)."""

import signal
import subprocess
import threading
import unittest

import libvirt

from crashtest import arm, check_invariants, daemon_pid, test_hooks_built, wait_dead
from test_migration import TwoHosts, p2p_uri
from vxltest import bound, guests, wait_for

E = libvirt


@unittest.skipUnless(test_hooks_built(), "needs a build with -Dtest_hooks=true")
class MigrationCrashPointTest(TwoHosts):

    count = 0

    def name(self, what):
        type(self).count += 1
        return f"mcp{type(self).count}-{what}"

    def crash_migrate(self, victim, point, name, p2p=False, extra=()):
        """Migrate @name from host a to host b, killing @victim (a or b)
        at @point; start it again and reconnect to both."""
        daemon = self.a if victim == "a" else self.b
        pid = daemon_pid(daemon)
        arm(daemon, point)
        args = ["migrate", "--live"] + list(extra)
        if p2p:
            args += ["--p2p", name, p2p_uri(self.b)]
        else:
            args += [name, self.b.uri]
        t, out = self.migrate_in_background(args)
        wait_dead(daemon, pid, timeout=30)
        daemon.start()
        t.join(bound(60))
        self.assertFalse(t.is_alive(), "virsh migrate did not return")
        self.assertIn(f"crash point {point}: killing the daemon", daemon.log())
        self.reconnect()
        return out["res"]

    def running_on(self, name):
        hosts = []
        for host, conn in (("a", self.ca), ("b", self.cb)):
            for d in guests(conn):
                if d.name() == name and d.state()[0] == E.VIR_DOMAIN_RUNNING:
                    hosts.append(host)
        return hosts

    def settle(self, name):
        """Wait for what the surviving side does after the kill (the
        destination drops an unfinished guest when its client goes; a
        source whose client died before Confirm waits for the
        destination's word, up to the outcome's 30 s)."""
        wait_for(lambda: len(self.running_on(name)) == 1, timeout=30,
                 what=f"{name} to run on one host")

    def check_both(self, persistent_a=()):
        check_invariants(self, self.ca, self.a, persistent_a, start_all=False)
        check_invariants(self, self.cb, self.b, (), start_all=False)

    def case(self, victim, point, expect, p2p=False):
        name = self.name(point.split(".")[-1])
        self.start_guest(name, memory_mib=128)
        self.crash_migrate(victim, point, name, p2p=p2p)
        self.settle(name)
        self.assertEqual(self.running_on(name), [expect],
                         f"{point} ({'p2p' if p2p else 'client-managed'})")
        self.check_both([name])
        # And it migrates (back) fine afterwards.
        src, dst = (self.a, self.b) if expect == "a" else (self.b, self.a)
        src.virsh("migrate", "--live", name, dst.uri)
        self.assertEqual(self.running_on(name), ["b" if expect == "a" else "a"])
        self.check_both([name])

    # --- the source dies ---

    def test_source_after_state(self):
        for p2p in (False, True):
            with self.subTest(p2p=p2p):
                self.case("a", "migrate.out.after-state", "a", p2p=p2p)

    def test_source_p2p_after_send(self):
        # The destination has not been asked to Finish: it drops the
        # guest when the source's connection goes; the source resumes.
        self.case("a", "migrate.out.after-send", "a", p2p=True)

    def test_source_client_managed_after_send(self):
        """The window left to the administrator: the client took the
        migration for failed and the destination dropped its copy; the
        source's stays paused, and resuming it is the one step needed."""
        name = self.name("after-send")
        self.start_guest(name, memory_mib=128)
        self.crash_migrate("a", "migrate.out.after-send", name)
        wait_for(lambda: name not in self.names(self.cb), timeout=20,
                 what="the destination to drop the guest")
        dom = self.ca.lookupByName(name)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                       E.VIR_DOMAIN_PAUSED_MIGRATION])
        self.check_both([name])
        dom.resume()
        self.assertEqual(self.running_on(name), ["a"])
        self.check_both([name])

    def test_source_p2p_after_finish(self):
        # The destination runs the guest; the source's paused copy waits
        # for an administrator (it cannot know the answer it lost).
        name = self.name("after-finish")
        self.start_guest(name, memory_mib=128)
        self.crash_migrate("a", "migrate.p2p.after-finish", name, p2p=True)
        self.assertEqual(self.running_on(name), ["b"])
        self.assertEqual(self.ca.lookupByName(name).state()[0],
                         E.VIR_DOMAIN_PAUSED)
        self.check_both([name])

    def test_source_in_confirm(self):
        for p2p in (False, True):
            for point in ("migrate.confirm.before-destroy",
                          "migrate.confirm.after-destroy"):
                with self.subTest(point=point, p2p=p2p):
                    self.case("a", point, "b", p2p=p2p)

    def test_source_in_confirm_undefine_source(self):
        """A confirmed migration that asked for the source's definition
        to go: the restarted source removes it too, at every point."""
        for p2p in (False, True):
            for point in ("migrate.confirm.before-destroy",
                          "migrate.confirm.after-undefine",
                          "migrate.confirm.after-destroy"):
                with self.subTest(point=point, p2p=p2p):
                    name = self.name("undef")
                    self.start_guest(name, memory_mib=128)
                    self.crash_migrate("a", point, name, p2p=p2p,
                                       extra=("--undefinesource", "--persistent"))
                    self.settle(name)
                    self.assertEqual(self.running_on(name), ["b"])
                    self.assertNotIn(name, self.names(self.ca))
                    self.assertTrue(self.cb.lookupByName(name).isPersistent())
                    self.check_both()
                    # Nor does a further restart bring it back.
                    self.a.restart()
                    self.reconnect()
                    self.assertNotIn(name, self.names(self.ca))
                    self.cb.lookupByName(name).destroy()
                    self.cb.lookupByName(name).undefine()

    # --- the destination dies ---

    def test_destination_while_receiving(self):
        for p2p in (False, True):
            for point in ("start.after-intent", "start.after-create",
                          "start.after-status", "start.after-final-status"):
                with self.subTest(point=point, p2p=p2p):
                    self.case("b", point, "a", p2p=p2p)

    def test_destination_before_taking(self):
        """Killed after telling the source Finish began, before taking
        the guest: the restarted destination discards it. Peer-to-peer
        the source asks it and resumes; client-managed it cannot know,
        and its copy stays paused, the guest running nowhere twice."""
        for p2p in (False, True):
            with self.subTest(p2p=p2p):
                name = self.name("before-take")
                self.start_guest(name, memory_mib=128)
                self.crash_migrate("b", "migrate.finish.after-note", name, p2p=p2p)
                wait_for(lambda: name not in self.names(self.cb), timeout=20,
                         what="the destination to discard the guest")
                if p2p:
                    self.assertEqual(self.running_on(name), ["a"])
                else:
                    self.assertIn(f"domain {name} stays paused on the source",
                                  self.a.log())
                    dom = self.ca.lookupByName(name)
                    self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                                   E.VIR_DOMAIN_PAUSED_MIGRATION])
                    self.check_both([name])
                    dom.resume()
                    self.assertEqual(self.running_on(name), ["a"])
                self.check_both([name])

    def test_destination_after_taking(self):
        """Killed once the guest was its own (recorded), at each later
        step of Finish and before its answer left: the restarted
        destination runs the guest (and writes the definition
        --persistent asked for) and the source's copy goes, though the
        migration's caller saw an error: the guest never runs on both
        hosts. Client-managed, a kill between the record and the word
        "taken" leaves the source's copy paused for an administrator."""
        points = ("migrate.finish.after-take", "migrate.finish.after-unpause",
                  "migrate.finish.after-persist", "migrate.finish.after-status")
        for p2p in (False, True):
            for point in points:
                for persist in (False, True):
                    with self.subTest(point=point, p2p=p2p, persist=persist):
                        name = self.name("taken")
                        self.start_guest(name, memory_mib=128)
                        extra = ("--persistent", "--undefinesource") if persist else ()
                        self.crash_migrate("b", point, name, p2p=p2p, extra=extra)
                        wait_for(lambda: self.running_on(name) == ["b"], timeout=30,
                                 what=f"{name} to run on b")
                        if point == points[0] and not p2p:
                            dom = self.ca.lookupByName(name)
                            self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                                           E.VIR_DOMAIN_PAUSED_MIGRATION])
                            self.check_both([name])
                            dom.destroy()
                            if persist:
                                dom.undefine()
                        elif persist:
                            self.assertNotIn(name, self.names(self.ca))
                        else:
                            self.assertEqual(self.ca.lookupByName(name).state()[0],
                                             E.VIR_DOMAIN_SHUTOFF)
                        self.assertEqual(self.running_on(name), ["b"])
                        self.assertEqual(self.cb.lookupByName(name).isPersistent(),
                                         persist)
                        self.check_both([] if persist else [name])
                        self.cb.lookupByName(name).destroy()
                        if persist:
                            self.cb.lookupByName(name).undefine()


def stall(daemon, point, ms):
    """Hold the daemon for @ms at its next reach of @point (a window for
    the test to act in)."""
    with open(daemon.path("run", "libxl", "crash-point"), "w") as f:
        f.write(f"{point} 1 stall {ms}\n")


@unittest.skipUnless(test_hooks_built(), "needs a build with -Dtest_hooks=true")
class ClientGoneTest(TwoHosts):
    """The client of a client-managed migration is killed after the
    stream completed and before Confirm: the source does what Confirm
    would have, from the destination's word on the stream's connection,
    and the guest runs on exactly one host."""

    # Long enough for the test to see the stall in the log and kill the
    # client; the daemon carries on at its end, killed client or not.
    STALL_MS = 8000

    def migrate_and_kill_client(self, name, daemon, point):
        stall(daemon, point, self.STALL_MS)
        proc = subprocess.Popen(
            ["virsh", "-c", self.a.uri, "migrate", "--live", name, self.b.uri],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: f"crash point {point}: stalling" in daemon.log()
                     or proc.poll() is not None,
                     timeout=120, what=f"the migration to reach {point}")
            if proc.poll() is not None:
                self.fail("virsh ended before the stall: " + proc.stderr.read())
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait()
            proc.stderr.close()
        self.assertEqual(proc.returncode, -signal.SIGKILL)

    def running_on(self, name):
        return [host for host, conn in (("a", self.ca), ("b", self.cb))
                if name in self.names(conn, active=True) and
                conn.lookupByName(name).state()[0] == E.VIR_DOMAIN_RUNNING]

    def check_both(self, persistent_a=()):
        check_invariants(self, self.ca, self.a, persistent_a, start_all=False)
        check_invariants(self, self.cb, self.b, (), start_all=False)

    def test_client_gone_before_finish(self):
        """Killed once the source sent everything, before any Finish:
        the destination drops its copy as the client's connection
        closes, which closes the stream's connection without a word:
        the source resumes the guest (it used to stay paused)."""
        name = "cg-before-finish"
        self.start_guest(name, memory_mib=128)
        self.migrate_and_kill_client(name, self.a, "migrate.out.after-send")
        dom = self.ca.lookupByName(name)
        wait_for(lambda: dom.state()[0] != E.VIR_DOMAIN_PAUSED,
                 what="the source to learn how the migration ended")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_MIGRATION_CANCELED])
        wait_for(lambda: name not in self.names(self.cb),
                 what="the destination to drop the guest")
        self.assertEqual(self.running_on(name), ["a"])
        self.assertIn(f"domain {name} runs here again", self.a.log())
        self.check_both([name])
        # And it migrates fine afterwards.
        self.a.virsh("migrate", "--live", name, self.b.uri)
        self.assertEqual(self.running_on(name), ["b"])

    def test_client_gone_in_finish(self):
        """Killed while the destination's Finish runs (after it took the
        guest): the destination finishes, and the source, told "taken",
        destroys its copy as Confirm would have."""
        name = "cg-in-finish"
        self.start_guest(name, memory_mib=128)
        self.migrate_and_kill_client(name, self.b, "migrate.finish.after-take")
        dom = self.ca.lookupByName(name)
        wait_for(lambda: dom.state()[0] != E.VIR_DOMAIN_PAUSED,
                 what="the source to learn how the migration ended")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF,
                                       E.VIR_DOMAIN_SHUTOFF_MIGRATED])
        wait_for(lambda: self.running_on(name) == ["b"],
                 what=f"{name} to run on b")
        self.assertIn(f"domain {name} runs on the destination", self.a.log())
        self.check_both([name])


if __name__ == "__main__":
    unittest.main()
