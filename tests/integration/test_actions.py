# SPDX-License-Identifier: LGPL-2.1-or-later
"""Guest-initiated stops and all six lifecycle actions.

The simulator's guests are scripted from <metadata> (see README): they
power off, reboot, crash or fire a watchdog by themselves after a delay,
so every path Xen can take is reached through stock libvirtd.
"""

import glob
import os
import unittest

import libvirt

from vxltest import DaemonTestCase, EventRecorder, guest_xml, wait_for

E = libvirt


class ActionsTest(DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.ev = EventRecorder(self.conn)
        self.addCleanup(self.ev.close)

    def start(self, name, **kw):
        dom = self.conn.defineXML(guest_xml(name, **kw))
        dom.create()
        self.ev.wait(name, E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        return dom

    # --- guest-initiated stops with the default actions ---

    def test_guest_poweroff_destroys(self):
        dom = self.start("g-off", script={"poweroff-after-ms": 200})
        self.ev.wait("g-off", E.VIR_DOMAIN_EVENT_SHUTDOWN, E.VIR_DOMAIN_EVENT_SHUTDOWN_GUEST)
        self.ev.wait("g-off", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_SHUTDOWN])

    def test_guest_reboot_restarts(self):
        dom = self.start("g-reboot", script={"reboot-after-ms": 200})
        first = dom.ID()
        self.ev.wait("g-reboot", "reboot")
        self.ev.wait("g-reboot", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        dom = self.conn.lookupByName("g-reboot")
        self.assertTrue(dom.isActive())
        self.assertNotEqual(dom.ID(), first)

    def test_guest_crash_destroys(self):
        dom = self.start("g-crash", script={"crash-after-ms": 200})
        self.ev.wait("g-crash", E.VIR_DOMAIN_EVENT_CRASHED, E.VIR_DOMAIN_EVENT_CRASHED_PANICKED)
        self.ev.wait("g-crash", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_CRASHED)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_CRASHED])

    def test_watchdog_counts_as_crash(self):
        dom = self.start("g-wd", script={"watchdog-after-ms": 200})
        self.ev.wait("g-wd", E.VIR_DOMAIN_EVENT_CRASHED, E.VIR_DOMAIN_EVENT_CRASHED_PANICKED)
        self.ev.wait("g-wd", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_CRASHED)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)

    def test_shutdown_request_rebooting_guest(self):
        """A guest may reboot when asked to power off; on_reboot applies."""
        dom = self.start("g-shut-reboot", script={"shutdown": "reboot"})
        first = dom.ID()
        dom.shutdown()
        self.ev.wait("g-shut-reboot", "reboot")
        self.ev.wait("g-shut-reboot", E.VIR_DOMAIN_EVENT_STARTED)
        self.assertNotEqual(self.conn.lookupByName("g-shut-reboot").ID(), first)

    def test_shutdown_request_ignored(self):
        dom = self.start("g-deaf", script={"shutdown": "ignore"})
        dom.shutdown()
        import time
        time.sleep(1.0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        dom.destroy()

    def test_paused_guest_acts_on_request_after_resume(self):
        dom = self.start("g-paused-req", script={"shutdown-delay-ms": 100})
        dom.suspend()
        dom.shutdown()
        import time
        time.sleep(0.6)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        dom.resume()
        self.ev.wait("g-paused-req", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)

    # --- the ways a request reaches the guest (shutdown/reboot flags) ---

    def assertStillRunning(self, dom, name):
        import time
        time.sleep(0.3)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertNotIn((name, E.VIR_DOMAIN_EVENT_SHUTDOWN),
                         [(n, e) for n, e, _ in self.ev.of(name)])

    def test_power_button_refused_for_pv(self):
        dom = self.start("m-pv")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.shutdownFlags,
                                E.VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN,
                                msg_contains="only HVM guests have one, this is a pv guest")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.reboot,
                                E.VIR_DOMAIN_REBOOT_ACPI_POWER_BTN,
                                msg_contains="only through its PV control node")
        self.assertStillRunning(dom, "m-pv")
        # The PV control node is the way a PV guest is asked.
        dom.shutdownFlags(E.VIR_DOMAIN_SHUTDOWN_PARAVIRT)
        self.ev.wait("m-pv", E.VIR_DOMAIN_EVENT_SHUTDOWN, E.VIR_DOMAIN_EVENT_SHUTDOWN_HOST)
        self.ev.wait("m-pv", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)

    def test_power_button_refused_for_pvh(self):
        dom = self.start("m-pvh", ostype="xenpvh")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.shutdownFlags,
                                E.VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN,
                                msg_contains="this is a pvh guest")
        self.assertStillRunning(dom, "m-pvh")
        dom.destroy()

    def test_both_modes_take_the_pv_way_for_pv(self):
        dom = self.start("m-both")
        dom.shutdownFlags(E.VIR_DOMAIN_SHUTDOWN_PARAVIRT |
                          E.VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN)
        self.ev.wait("m-both", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_SHUTDOWN])

    def test_power_button_of_hvm(self):
        dom = self.start("m-hvm", ostype="hvm")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.reboot,
                                E.VIR_DOMAIN_REBOOT_ACPI_POWER_BTN,
                                msg_contains="only through its PV control node")
        self.assertStillRunning(dom, "m-hvm")
        first = dom.ID()
        # Both modes allowed: the PV control node takes a reboot.
        dom.reboot(E.VIR_DOMAIN_REBOOT_ACPI_POWER_BTN | E.VIR_DOMAIN_REBOOT_PARAVIRT)
        self.ev.wait("m-hvm", "reboot")
        self.ev.wait("m-hvm", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        dom = self.conn.lookupByName("m-hvm")
        self.assertNotEqual(dom.ID(), first)
        dom.shutdownFlags(E.VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN)
        self.ev.wait("m-hvm", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_SHUTDOWN])

    def test_virsh_shutdown_modes(self):
        d = self.daemon
        self.start("m-vsh")
        res = d.virsh("shutdown", "m-vsh", "--mode", "acpi", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("only HVM guests have one", res.stderr)
        # Modes libvirt knows but Xen guests do not have.
        res = d.virsh("shutdown", "m-vsh", "--mode", "initctl", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("unsupported flags", res.stderr)
        # The agent needs its channel (test_agent.py has guests with one).
        res = d.virsh("shutdown", "m-vsh", "--mode", "agent", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("no guest agent channel", res.stderr)
        d.virsh("shutdown", "m-vsh", "--mode", "paravirt")
        self.ev.wait("m-vsh", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)

    # --- the six actions ---

    def test_on_poweroff_restart(self):
        dom = self.start("a-restart", on_poweroff="restart")
        first = dom.ID()
        dom.shutdown()
        self.ev.wait("a-restart", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
        self.ev.wait("a-restart", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        dom = self.conn.lookupByName("a-restart")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertNotEqual(dom.ID(), first)

    def test_on_reboot_destroy(self):
        dom = self.start("a-reboot-destroy", on_reboot="destroy")
        dom.reboot(0)
        self.ev.wait("a-reboot-destroy", "reboot")
        self.ev.wait("a-reboot-destroy", E.VIR_DOMAIN_EVENT_STOPPED,
                     E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)

    def test_on_crash_preserve(self):
        free_before = self.conn.getFreeMemory()
        dom = self.start("a-preserve", on_crash="preserve",
                         script={"crash-after-ms": 200}, memory_mib=512)
        self.ev.wait("a-preserve", E.VIR_DOMAIN_EVENT_CRASHED, E.VIR_DOMAIN_EVENT_CRASHED_PANICKED)
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_CRASHED, what="crashed state")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_CRASHED, E.VIR_DOMAIN_CRASHED_PANICKED])
        # Preserved: still a Xen domain, still holding its memory.
        self.assertTrue(dom.isActive())
        self.assertLess(self.conn.getFreeMemory(), free_before - 400 * 1024 * 1024)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.resume)
        dom.destroy()
        wait_for(lambda: self.conn.getFreeMemory() == free_before, what="memory back")

    def test_on_poweroff_preserve(self):
        dom = self.start("a-off-preserve", on_poweroff="preserve")
        dom.shutdown()
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_SHUTDOWN, what="shutdown state")
        self.assertTrue(dom.isActive())
        dom.destroy()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)

    def test_on_crash_rename_restart(self):
        free_before = self.conn.getFreeMemory()
        dom = self.start("a-rename", on_crash="rename-restart",
                         script={"crash-after-ms": 300}, memory_mib=256)
        first = dom.ID()
        self.ev.wait("a-rename", E.VIR_DOMAIN_EVENT_CRASHED)
        self.ev.wait("a-rename", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        dom = self.conn.lookupByName("a-rename")
        self.assertNotEqual(dom.ID(), first)
        # As with xl, the dead incarnation is kept in Xen under a new name,
        # so the host holds memory for both.
        self.assertLess(self.conn.getFreeMemory(), free_before - 2 * 200 * 1024 * 1024)
        dom.destroy()

    def test_on_crash_coredump_destroy(self):
        dom = self.start("a-dump", on_crash="coredump-destroy",
                         script={"crash-after-ms": 200})
        self.ev.wait("a-dump", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_CRASHED)
        dumps = glob.glob(self.daemon.path("lib", "libxl", "dump", "a-dump-*.core"))
        self.assertEqual(len(dumps), 1, dumps)
        self.assertGreater(os.path.getsize(dumps[0]), 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)

    def test_on_crash_coredump_restart(self):
        dom = self.start("a-dump-restart", on_crash="coredump-restart",
                         script={"crash-after-ms": 300})
        first = dom.ID()
        self.ev.wait("a-dump-restart", E.VIR_DOMAIN_EVENT_CRASHED)
        self.ev.wait("a-dump-restart", E.VIR_DOMAIN_EVENT_STARTED)
        self.assertNotEqual(self.conn.lookupByName("a-dump-restart").ID(), first)
        dumps = glob.glob(self.daemon.path("lib", "libxl", "dump", "a-dump-restart-*.core"))
        self.assertGreaterEqual(len(dumps), 1)
        self.conn.lookupByName("a-dump-restart").destroy()

    def test_on_crash_coredump_failure_still_acts(self):
        """A dump that fails (on real Xen: a full disk, tests/e2e) leaves
        no file behind and does not keep the dead domain: the destroy
        or restart half of the action still happens."""
        self.daemon.inject_fault("domainCoreDump")
        dom = self.start("a-dump-fail", on_crash="coredump-restart",
                         script={"crash-after-ms": 300})
        first = dom.ID()
        self.ev.wait("a-dump-fail", E.VIR_DOMAIN_EVENT_STOPPED,
                     E.VIR_DOMAIN_EVENT_STOPPED_CRASHED)
        self.ev.wait("a-dump-fail", E.VIR_DOMAIN_EVENT_STARTED,
                     E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        self.assertNotEqual(self.conn.lookupByName("a-dump-fail").ID(), first)
        self.assertEqual(glob.glob(self.daemon.path("lib", "libxl", "dump", "a-dump-fail-*")),
                         [])
        self.assertIn("core dump of domain a-dump-fail failed", self.daemon.log())
        self.conn.lookupByName("a-dump-fail").destroy()

    def test_crash_loop_is_stopped(self):
        """A guest that crashes right after every start is not restarted
        for ever: after 10 quick crashes in a row it stays off."""
        dom = self.start("a-loop", on_crash="restart", script={"crash-after-ms": 50})

        def crashes():
            return len([e for e in self.ev.of("a-loop")
                        if e[1] == E.VIR_DOMAIN_EVENT_CRASHED])

        # Between two incarnations the domain is briefly shut off, so wait
        # for the guard's count, not just for a shut-off state.
        wait_for(lambda: crashes() >= 10 and dom.state()[0] == E.VIR_DOMAIN_SHUTOFF,
                 timeout=60, what="the crash loop to be stopped")
        seen = crashes()
        import time
        time.sleep(1.0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(crashes(), seen)
        self.assertEqual(seen, 10)

    def test_transient_domain_gone_after_guest_poweroff(self):
        self.conn.createXML(guest_xml("t-off", script={"poweroff-after-ms": 200}), 0)
        self.ev.wait("t-off", E.VIR_DOMAIN_EVENT_STOPPED)
        wait_for(lambda: "t-off" not in [d.name() for d in self.conn.listAllDomains()],
                 what="transient domain to disappear")


if __name__ == "__main__":
    unittest.main(verbosity=2)
