# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fault campaign: every backend hook an operation calls is failed at
each of its calls in turn (the fault injection of backend_fault.c);
whatever the operation then reports, the driver and the hypervisor must
agree afterwards (crashtest.py lists the invariants) and the domain must
still be manageable. Operations: the lifecycle (start, destroy, reboot,
guest power-off and its on_poweroff action, shutdown, suspend, resume),
hotplug, memory and vCPUs, dump, save to a file and managed save, the
restore a start makes from a managed save image, snapshots of a running
domain (create, revert) and of a shut-off one (create, revert to running,
delete with merges), scheduler and description changes, and rename.

Migration between two simulated hosts (client-managed and peer-to-peer,
--live --persistent --undefinesource): every hook the source's and the
destination's phases call is failed at each call in turn, on its host;
then the guest runs on exactly one host (defined there, and no longer
on the other if it moved), each host's libvirt agrees with its
hypervisor, a failed migration names a cause, and the guest migrates
afterwards. A failed copy tells the client why it failed."""

import os
import re
import time
import unittest

import libvirt

from crashtest import check_invariants
from test_migration import TwoHosts, p2p_uri
from test_snapshot import qemu_img, snapshot_xml
from vxltest import (Daemon, backend_calls, disarm_fault, guest_xml, guests,
                     remove_guests, start_event_loop, wait_for)

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG

DISK = ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='/var/lib/xen/images/f.img'/>"
        "<target dev='xvdb' bus='xen'/></disk>")


def settle(dom, old_id):
    """A reboot is handled by a worker: wait until it is over."""
    def done():
        state = dom.state()[0]
        return state == E.VIR_DOMAIN_SHUTOFF or \
            (state == E.VIR_DOMAIN_RUNNING and dom.ID() != old_id)
    try:
        # A probe: a refused reboot never settles, and the campaign goes on.
        wait_for(done, timeout=5, what="the reboot to be handled", scaled=False)
    except AssertionError:
        pass


class FaultCampaign(unittest.TestCase):

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
        self.seq = 0

    # Each operation: (setup, action). setup returns the domain.
    def ops(self):
        def defined(c, n):
            return c.defineXML(guest_xml(n, vcpus=1, max_vcpus=4,
                                         memory_mib=512, on_reboot="restart"))

        def running(c, n):
            d = defined(c, n)
            d.create()
            return d

        def with_disk(c, n):
            d = running(c, n)
            d.attachDeviceFlags(DISK, LIVE | CONFIG)
            return d

        def paused(c, n):
            d = running(c, n)
            d.suspend()
            return d

        def reboot(d):
            old = d.ID()
            try:
                d.reboot()
            finally:
                settle(d, old)

        def saved(c, n):
            d = running(c, n)
            d.managedSave(0)
            return d

        def on_qcow2(c, n):
            base = self.daemon.path("images", f"{n}.qcow2")
            os.makedirs(os.path.dirname(base), exist_ok=True)
            qemu_img("create", "-q", "-f", "qcow2", base, "16M")
            xml = guest_xml(n, vcpus=1, memory_mib=128, disks=0).replace(
                "<devices>",
                "<devices><disk type='file' device='disk'>"
                "<driver name='qemu' type='qcow2'/>"
                f"<source file='{base}'/><target dev='xvda' bus='xen'/>"
                "</disk>", 1)
            d = c.defineXML(xml)
            d.create()
            return d

        def with_snapshot(c, n):
            d = on_qcow2(c, n)
            d.snapshotCreateXML(snapshot_xml("s1"), 0)
            return d

        def off_qcow2(c, n):
            d = on_qcow2(c, n)
            d.destroy()
            return d

        def off_with_snapshots(c, n):
            d = off_qcow2(c, n)
            d.snapshotCreateXML(snapshot_xml("s1"), 0)
            d.snapshotCreateXML(snapshot_xml("s2"), 0)
            return d

        def poweroff(d):
            old = d.ID()
            try:
                d.shutdown()
            finally:
                settle(d, old)

        return {
            "start": (defined, lambda d: d.create()),
            "start-paused": (defined, lambda d: d.createWithFlags(
                E.VIR_DOMAIN_START_PAUSED)),
            "destroy": (running, lambda d: d.destroy()),
            "attach": (running, lambda d: d.attachDeviceFlags(DISK, LIVE | CONFIG)),
            "detach": (with_disk, lambda d: d.detachDeviceFlags(DISK, LIVE | CONFIG)),
            "setmem": (running, lambda d: d.setMemoryFlags(256 * 1024, LIVE | CONFIG)),
            "setmaxmem": (running, lambda d: d.setMemoryFlags(
                768 * 1024, LIVE | E.VIR_DOMAIN_MEM_MAXIMUM)),
            "setvcpus": (running, lambda d: d.setVcpusFlags(3, LIVE | CONFIG)),
            "setvcpu": (running, lambda d: d.setVcpu("2", 1, LIVE | CONFIG)),
            "suspend": (running, lambda d: d.suspend()),
            "resume": (paused, lambda d: d.resume()),
            "reboot": (running, reboot),
            "undefine": (running, lambda d: d.undefine()),
            "shutdown": (running, lambda d: d.shutdown()),
            "poweroff": (running, poweroff),
            "dump": (running, lambda d: d.coreDump(
                "/var/lib/libvirt/libxl/dump/fc.core", 0)),
            "save": (running, lambda d: d.save(
                f"/var/lib/libvirt/libxl/dump/{d.name()}.sav")),
            "managedsave": (running, lambda d: d.managedSave(0)),
            "restore": (saved, lambda d: d.create()),
            "snapshot": (on_qcow2, lambda d: d.snapshotCreateXML(
                snapshot_xml("s2"), 0)),
            "revert": (with_snapshot, lambda d: d.revertToSnapshot(
                d.snapshotLookupByName("s1", 0), 0)),
            # A shut-off guest's snapshots: taken, reverted to (and run
            # from), deleted with their overlays merged.
            "snapshot-off": (off_qcow2, lambda d: d.snapshotCreateXML(
                snapshot_xml("s1"), 0)),
            "revert-off-running": (off_with_snapshots, lambda d: d.revertToSnapshot(
                d.snapshotLookupByName("s1", 0), E.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)),
            "snapshot-delete": (off_with_snapshots, lambda d: d.snapshotLookupByName(
                "s1", 0).delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)),
            "setmem-live": (running, lambda d: d.setMemoryFlags(300 * 1024, LIVE)),
            "schedinfo": (running, lambda d: d.setSchedulerParametersFlags(
                {"weight": 384}, LIVE)),
            "rename": (defined, lambda d: d.rename(d.name() + "-r", 0)),
            "metadata": (running, lambda d: d.setMetadata(
                E.VIR_DOMAIN_METADATA_DESCRIPTION, "fc", None, None,
                LIVE | CONFIG)),
        }

    # Operations that change only the driver's records: no hook to fail
    # (their write failures are test_disk_full's).
    NO_HOOK = ("undefine", "snapshot-off", "snapshot-delete", "rename",
               "metadata")

    def name(self, op):
        self.seq += 1
        return f"fc-{op}-{self.seq}"

    def cleanup_all(self):
        remove_guests(self.c, E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                      E.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)

    def calls_of(self, setup, action, op):
        """The backend hooks @action calls, with how often."""
        dom = setup(self.c, self.name(op))

        def act():
            action(dom)
            time.sleep(0.1)
        calls = backend_calls(self.daemon, act)
        self.cleanup_all()
        return calls

    def test_dump_fails_when_resume_fails(self):
        """virsh dump pauses the guest; if it cannot run it again, the
        dump is no success."""
        dom = self.c.defineXML(guest_xml(self.name("dump")))
        dom.create()
        self.daemon.inject_fault("domainUnpause", 1)
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.coreDump("/var/lib/libvirt/libxl/dump/r.core", 0)
        self.assertIn("domainUnpause", str(cm.exception))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        dom.resume()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.cleanup_all()

    def test_every_hook_at_every_call(self):
        faults = 0
        for op, (setup, action) in self.ops().items():
            calls = self.calls_of(setup, action, op)
            self.assertTrue(calls or op in self.NO_HOOK, f"{op} calls no hook")
            for hook, count in sorted(calls.items()):
                for nth in range(1, count + 1):
                    with self.subTest(op=op, hook=hook, nth=nth):
                        name = self.name(op)
                        dom = setup(self.c, name)
                        self.daemon.inject_fault(hook, nth)
                        try:
                            action(dom)
                        except libvirt.libvirtError as e:
                            self.assertIn(e.get_error_code(), (
                                E.VIR_ERR_INTERNAL_ERROR,
                                E.VIR_ERR_OPERATION_INVALID,
                                E.VIR_ERR_OPERATION_FAILED), str(e))
                        # Disarm whatever did not fire.
                        disarm_fault(self.daemon)
                        time.sleep(0.05)
                        faults += 1
                        check_invariants(self, self.c, self.daemon,
                                         [] if op in ("undefine", "rename")
                                         else [name])
                        self.cleanup_all()
        self.assertGreaterEqual(faults, 20)


class MigrationFaultCampaign(TwoHosts):

    FLAGS = (E.VIR_MIGRATE_LIVE | E.VIR_MIGRATE_PERSIST_DEST |
             E.VIR_MIGRATE_UNDEFINE_SOURCE)
    seq = 0

    def name(self, what):
        type(self).seq += 1
        return f"mfc{type(self).seq}-{what}"

    def migrate(self, dom, p2p):
        if p2p:
            dom.migrateToURI3(p2p_uri(self.b), {},
                              self.FLAGS | E.VIR_MIGRATE_PEER2PEER)
        else:
            dom.migrate3(self.cb, {}, self.FLAGS)

    def hosts_calls(self, action):
        """The backend hooks @action calls on each host, with how often."""
        marks = {h: len(d.log()) for h, d in (("a", self.a), ("b", self.b))}
        action()
        calls = {}
        for host, daemon in (("a", self.a), ("b", self.b)):
            for hook in re.findall(r"backend call (\w+)",
                                   daemon.log()[marks[host]:]):
                key = (host, hook)
                calls[key] = calls.get(key, 0) + 1
        return calls

    def running_on(self, name):
        return [h for h, conn in (("a", self.ca), ("b", self.cb))
                for d in guests(conn)
                if d.name() == name and d.isActive()]

    def check_hosts(self, name, paused=False):
        """The guest runs on one host, defined there and nowhere else;
        each host agrees with its hypervisor. Returns that host. @paused:
        a destination whose unpause failed keeps it paused (migration)
        for an administrator, the source's copy gone (domain_migrate.c)."""
        wait_for(lambda: len(self.running_on(name)) == 1, timeout=30,
                 what=f"{name} to run on one host")
        on = self.running_on(name)[0]
        here, there = (self.ca, self.cb) if on == "a" else (self.cb, self.ca)
        dom = here.lookupByName(name)
        if paused:
            self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                           E.VIR_DOMAIN_PAUSED_MIGRATION], name)
            dom.resume()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING, name)
        self.assertTrue(dom.isPersistent(), f"{name} runs on {on} undefined")
        self.assertNotIn(name, [d.name() for d in guests(there)],
                         f"{name} runs on {on} and is left on the other host")
        check_invariants(self, self.ca, self.a, (), start_all=False)
        check_invariants(self, self.cb, self.b, (), start_all=False)
        return on

    def fresh(self):
        self._clean()
        self.reconnect()

    def test_every_hook_of_both_sides(self):
        faults = 0
        for p2p in (False, True):
            mode = "p2p" if p2p else "direct"
            name = self.name(mode)
            self.start_guest(name, memory_mib=64)
            calls = self.hosts_calls(lambda: self.migrate(
                self.ca.lookupByName(name), p2p))
            self.fresh()
            self.assertIn(("a", "domainMigrateSend"), calls, calls)
            self.assertIn(("b", "domainMigrateReceive"), calls, calls)
            for (host, hook), count in sorted(calls.items()):
                for nth in range(1, count + 1):
                    with self.subTest(mode=mode, host=host, hook=hook, nth=nth):
                        name = self.name(mode)
                        dom = self.start_guest(name, memory_mib=64)
                        victim = self.a if host == "a" else self.b
                        victim.inject_fault(hook, nth)
                        stays_paused = False
                        try:
                            self.migrate(dom, p2p)
                        except libvirt.libvirtError as e:
                            self.assertIn(e.get_error_code(), (
                                E.VIR_ERR_INTERNAL_ERROR,
                                E.VIR_ERR_OPERATION_INVALID,
                                E.VIR_ERR_OPERATION_FAILED), str(e))
                            self.assertNotIn("cause is unknown", str(e))
                            # A destination failing while it receives
                            # tells the source why on the stream's
                            # connection: the client hears the fault, not
                            # that the stream broke.
                            if host == "b":
                                self.assertIn("injected fault in backend "
                                              f"hook {hook}", str(e))
                                self.assertNotIn("Broken pipe", str(e))
                            stays_paused = (host, hook) == ("b", "domainUnpause")
                        disarm_fault(victim)
                        faults += 1
                        on = self.check_hosts(name, paused=stays_paused)
                        # And it moves on afterwards.
                        src, dst = (self.ca, self.cb) if on == "a" \
                            else (self.cb, self.ca)
                        src.lookupByName(name).migrate3(dst, {}, self.FLAGS)
                        self.check_hosts(name)
                        self.fresh()
        self.assertGreaterEqual(faults, 8)

    def test_copy_fails_client_hears_why(self):
        """A copy that fails (alone, or with an unpause failing after
        it) tells the client why the copy failed, and the guest runs on
        the source. (The resume that cleared the copy's error runs only
        for a guest a client suspended before the copy began: not
        reached here.)"""
        flags = self.FLAGS & ~E.VIR_MIGRATE_LIVE
        for faults in ((("domainMigrateSend", 1),),
                       (("domainMigrateSend", 1), ("domainUnpause", 1))):
            with self.subTest(faults=faults):
                name = self.name("copy")
                dom = self.start_guest(name, memory_mib=64)
                self.a.inject_faults(*faults)
                with self.assertRaises(libvirt.libvirtError) as cm:
                    dom.migrate3(self.cb, {}, flags)
                msg = str(cm.exception)
                disarm_fault(self.a)
                self.assertIn("injected fault in backend hook domainMigrateSend",
                              msg)
                self.assertNotIn("domainUnpause", msg)
                self.assertNotIn("cause is unknown", msg)
                self.assertEqual(self.running_on(name), ["a"])
                self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
                self.fresh()

if __name__ == "__main__":
    unittest.main()
