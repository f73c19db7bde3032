# SPDX-License-Identifier: LGPL-2.1-or-later
"""Migration between two simulated hosts: two private libvirtds on this
machine, each its own host (scripts/virtxl-daemon --host), driven as users
drive them: virsh migrate (client-managed, --p2p, --tunnelled, --offline),
python3-libvirt's migrateToURI3 with Nova 22's Xen flags, domjobinfo
and domjobabort; and the failures, after each of which the guest runs on
exactly one host and nothing is left on the other.
"""

import os
import signal
import socket
import subprocess
import threading
import time
import unittest
import uuid as uuidlib

import libvirt

from vxltest import (bound, disarm_fault, guests, Daemon, EventRecorder, guest_xml,
                     start_event_loop, wait_for)

E = libvirt


def p2p_uri(daemon):
    """The URI a source daemon reaches @daemon by: explicitly through its
    UNIX socket (libvirt refuses a local URI for peer-to-peer migration
    otherwise, taking it for the same host)."""
    return "xen+unix:///system?socket=" + daemon.path("run", "libvirt-sock")


class TwoHosts(unittest.TestCase):
    """Two hosts for the whole class; a clean slate on both per test."""

    b_disk_checks = False       # True: host b refuses missing disk files

    @classmethod
    def setUpClass(cls):
        start_event_loop()
        cls.a = Daemon(host="host-a")
        cls.b = Daemon(host="host-b", disk_checks=cls.b_disk_checks)
        cls.a.start()
        cls.b.start()

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()

    def setUp(self):
        self.ca = libvirt.open(self.a.uri)
        self.cb = libvirt.open(self.b.uri)
        self.addCleanup(self._clean)

    def _clean(self):
        for conn in (self.ca, self.cb):
            try:
                for dom in guests(conn):
                    # A transient domain is gone once destroyed: ask first.
                    persistent = dom.isPersistent()
                    if dom.isActive():
                        dom.destroy()
                    if persistent:
                        dom.undefine()
            except libvirt.libvirtError:
                pass
            conn.close()

    def reconnect(self):
        for conn in (self.ca, self.cb):
            try:
                conn.close()
            except libvirt.libvirtError:
                pass
        self.ca = libvirt.open(self.a.uri)
        self.cb = libvirt.open(self.b.uri)

    def start_guest(self, name, memory_mib=256, script=None, persistent=True):
        xml = guest_xml(name, memory_mib=memory_mib, script=script)
        if persistent:
            dom = self.ca.defineXML(xml)
            dom.create()
        else:
            dom = self.ca.createXML(xml, 0)
        return dom

    def names(self, conn, active=None):
        doms = guests(conn)
        return sorted(d.name() for d in doms
                      if active is None or bool(d.isActive()) == active)

    def assert_only_on(self, conn, other, name):
        """@name runs on @conn and exists nowhere on @other."""
        self.assertEqual(conn.lookupByName(name).state()[0],
                         E.VIR_DOMAIN_RUNNING)
        self.assertNotIn(name, self.names(other, active=True))

    def migrate_in_background(self, args, daemon=None):
        daemon = daemon or self.a
        out = {}

        def run():
            out["res"] = daemon.virsh(*args, check=False)

        t = threading.Thread(target=run)
        t.start()
        return t, out



class MigrationTestCase(TwoHosts):
    """The three ways clients drive a migration, jobs, refusals."""

    # ----- the three ways clients drive it --------------------------------

    def test_hosts_are_distinct(self):
        ca = self.ca.getCapabilities()
        cb = self.cb.getCapabilities()
        ua = ca.split("<uuid>")[1].split("<")[0]
        ub = cb.split("<uuid>")[1].split("<")[0]
        self.assertNotEqual(ua, ub)
        self.assertIn("<uri_transport>tcp</uri_transport>", ca)
        self.assertNotIn("xenmigr", ca)
        self.assertIn("<live/>", ca)
        self.assertEqual(self.ca.getHostname(), "host-a")
        self.assertEqual(self.cb.getHostname(), "host-b")

    def test_live_client_managed(self):
        ev_a, ev_b = EventRecorder(self.ca), EventRecorder(self.cb)
        self.addCleanup(ev_a.close)
        self.addCleanup(ev_b.close)
        self.start_guest("mig-live")
        cpu_before = self.ca.lookupByName("mig-live").info()[4]
        self.a.virsh("migrate", "--live", "mig-live", self.b.uri)

        self.assert_only_on(self.cb, self.ca, "mig-live")
        # Not undefined on the source; the copy there is transient.
        self.assertEqual(self.ca.lookupByName("mig-live").state()[0],
                         E.VIR_DOMAIN_SHUTOFF)
        self.assertFalse(self.cb.lookupByName("mig-live").isPersistent())
        # The guest carried its CPU time over.
        self.assertGreaterEqual(self.cb.lookupByName("mig-live").info()[4],
                                cpu_before)
        ev_a.wait("mig-live", E.VIR_DOMAIN_EVENT_SUSPENDED,
                  E.VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED)
        ev_a.wait("mig-live", E.VIR_DOMAIN_EVENT_STOPPED,
                  E.VIR_DOMAIN_EVENT_STOPPED_MIGRATED)
        ev_b.wait("mig-live", E.VIR_DOMAIN_EVENT_STARTED,
                  E.VIR_DOMAIN_EVENT_STARTED_MIGRATED)
        ev_b.wait("mig-live", E.VIR_DOMAIN_EVENT_RESUMED,
                  E.VIR_DOMAIN_EVENT_RESUMED_MIGRATED)
        stats = self.ca.lookupByName("mig-live").jobStats(
            E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertEqual(stats["type"], E.VIR_DOMAIN_JOB_COMPLETED)
        self.assertEqual(stats["memory_total"], 256 << 20)

        # And back again, peer-to-peer, persistent, undefining the source.
        ev_b.events.clear()
        self.b.virsh("migrate", "--live", "--p2p", "--persistent",
                     "--undefinesource", "mig-live", p2p_uri(self.a))
        self.assert_only_on(self.ca, self.cb, "mig-live")
        self.assertTrue(self.ca.lookupByName("mig-live").isPersistent())
        self.assertEqual(self.names(self.cb), [])
        ev_b.wait("mig-live", E.VIR_DOMAIN_EVENT_STOPPED,
                  E.VIR_DOMAIN_EVENT_STOPPED_MIGRATED)

    def test_p2p_persistent_undefinesource(self):
        ev_a, ev_b = EventRecorder(self.ca), EventRecorder(self.cb)
        self.addCleanup(ev_a.close)
        self.addCleanup(ev_b.close)
        self.start_guest("mig-p2p")
        self.a.virsh("migrate", "--live", "--p2p", "--persistent",
                     "--undefinesource", "mig-p2p", p2p_uri(self.b))
        self.assert_only_on(self.cb, self.ca, "mig-p2p")
        self.assertTrue(self.cb.lookupByName("mig-p2p").isPersistent())
        self.assertEqual(self.names(self.ca), [])
        ev_a.wait("mig-p2p", E.VIR_DOMAIN_EVENT_UNDEFINED,
                  E.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED)
        ev_b.wait("mig-p2p", E.VIR_DOMAIN_EVENT_DEFINED,
                  E.VIR_DOMAIN_EVENT_DEFINED_ADDED)
        # The definition on B is real: it starts again after a stop.
        dom = self.cb.lookupByName("mig-p2p")
        dom.destroy()
        dom.create()

    def test_persist_xml(self):
        dom = self.start_guest("mig-px")
        persist = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE).replace(
            "<name>mig-px</name>",
            "<name>mig-px</name><description>kept on B</description>")
        path = self.a.path("persist.xml")
        with open(path, "w") as f:
            f.write(persist)
        self.a.virsh("migrate", "--live", "--persistent", "--persistent-xml",
                     path, "mig-px", self.b.uri)
        self.assert_only_on(self.cb, self.ca, "mig-px")
        inactive = self.cb.lookupByName("mig-px").XMLDesc(
            E.VIR_DOMAIN_XML_INACTIVE)
        self.assertIn("<description>kept on B</description>", inactive)

    def test_tunnelled_with_new_name(self):
        self.start_guest("mig-tun")
        self.a.virsh("migrate", "--live", "--p2p", "--tunnelled",
                     "--dname", "mig-tun-b", "mig-tun", p2p_uri(self.b))
        self.assert_only_on(self.cb, self.ca, "mig-tun-b")
        self.assertNotIn("mig-tun", self.names(self.ca, active=True))
        self.assertEqual(self.names(self.cb), ["mig-tun-b"])

    def test_non_live_and_paused(self):
        self.start_guest("mig-cold")
        self.a.virsh("migrate", "--suspend", "mig-cold", self.b.uri)
        dom = self.cb.lookupByName("mig-cold")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        self.assertNotIn("mig-cold", self.names(self.ca, active=True))
        dom.resume()
        # A paused guest migrates and stays paused.
        dom.suspend()
        self.b.virsh("migrate", "--live", "mig-cold", self.a.uri)
        self.assertEqual(self.ca.lookupByName("mig-cold").state()[0],
                         E.VIR_DOMAIN_PAUSED)

    def test_offline(self):
        self.ca.defineXML(guest_xml("mig-off"))
        self.a.virsh("migrate", "--offline", "--persistent",
                     "--undefinesource", "mig-off", self.b.uri)
        self.assertEqual(self.names(self.ca), [])
        dom = self.cb.lookupByName("mig-off")
        self.assertTrue(dom.isPersistent())
        self.assertFalse(dom.isActive())
        # Offline migration needs --persistent: libvirt's client says so.
        self.cb.defineXML(guest_xml("mig-off2"))
        res = self.b.virsh("migrate", "--offline", "mig-off2", self.a.uri,
                           check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("mig-off2", self.names(self.cb))

    def test_direct_migrate_to_uri3(self):
        """migrateToURI3 without peer-to-peer (Nova's Xen flags; Nova's
        own call is in test_migration_nova)."""
        dom = self.start_guest("mig-nova")
        flags = (E.VIR_MIGRATE_LIVE | E.VIR_MIGRATE_PERSIST_DEST |
                 E.VIR_MIGRATE_UNDEFINE_SOURCE)
        xml = dom.XMLDesc(E.VIR_DOMAIN_XML_MIGRATABLE)
        params = {E.VIR_MIGRATE_PARAM_DEST_XML: xml,
                  E.VIR_MIGRATE_PARAM_BANDWIDTH: 0}
        # libvirt drops the destination URI before the driver sees it,
        # so the driver says what it needs.
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.migrateToURI3("xenmigr://host-b/system", params, flags)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_INVALID_ARG)
        self.assertIn("VIR_MIGRATE_PARAM_URI", str(cm.exception))
        self.assert_only_on(self.ca, self.cb, "mig-nova")
        # With the destination in the migrate URI parameter it migrates.
        params[E.VIR_MIGRATE_PARAM_URI] = (
            "xenmigr://host-b/system?socket=" +
            self.b.path("run", "libvirt-sock"))
        dom.migrateToURI3("xenmigr://host-b/system", params, flags)
        self.assert_only_on(self.cb, self.ca, "mig-nova")
        self.assertTrue(self.cb.lookupByName("mig-nova").isPersistent())
        self.assertEqual(self.names(self.ca), [])

    def test_virt_manager_dialog(self):
        """virt-manager 4.1's Migrate dialog, as virtManager/object/
        domain.py calls it: direct, migrate3 with the dialog's address
        (for a Xen host a plain HOST or HOST:PORT, no scheme) and the
        persistent flags; tunnelled, migrateToURI3 with the destination's
        URI and P2P|TUNNELLED; "temporary" without the persistent flags;
        "unsafe" adds VIR_MIGRATE_UNSAFE."""
        dom = self.start_guest("mig-vmm")
        base = E.VIR_MIGRATE_LIVE
        keep = E.VIR_MIGRATE_PERSIST_DEST | E.VIR_MIGRATE_UNDEFINE_SOURCE
        tunnel = E.VIR_MIGRATE_PEER2PEER | E.VIR_MIGRATE_TUNNELLED

        dom.migrate3(self.cb, {E.VIR_MIGRATE_PARAM_URI: "127.0.0.1"},
                     base | keep)
        self.assert_only_on(self.cb, self.ca, "mig-vmm")
        self.assertNotIn("mig-vmm", self.names(self.ca))
        self.assertTrue(self.cb.lookupByName("mig-vmm").isPersistent())

        # Back with an address and a port, "unsafe".
        self.cb.lookupByName("mig-vmm").migrate3(
            self.ca, {E.VIR_MIGRATE_PARAM_URI: "127.0.0.1:49199"},
            base | keep | E.VIR_MIGRATE_UNSAFE)
        self.assert_only_on(self.ca, self.cb, "mig-vmm")
        self.assertTrue(self.ca.lookupByName("mig-vmm").isPersistent())

        # Tunnelled and temporary: the destination's copy is transient,
        # the source keeps its definition.
        self.ca.lookupByName("mig-vmm").migrateToURI3(p2p_uri(self.b), {},
                                                      base | tunnel)
        self.assert_only_on(self.cb, self.ca, "mig-vmm")
        self.assertFalse(self.cb.lookupByName("mig-vmm").isPersistent())
        self.assertEqual(self.ca.lookupByName("mig-vmm").state()[0],
                         E.VIR_DOMAIN_SHUTOFF)

        # A port the dialog sets that is taken: a clear error, nothing
        # moved.
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            with self.assertRaises(libvirt.libvirtError) as cm:
                self.cb.lookupByName("mig-vmm").migrate3(
                    self.ca, {E.VIR_MIGRATE_PARAM_URI: f"127.0.0.1:{port}"},
                    base | keep)
        self.assertIn(str(port), str(cm.exception))
        self.assert_only_on(self.cb, self.ca, "mig-vmm")
    def test_virt_manager_migrate3_with_a_bare_address(self):
        """virt-manager's Migrate dialog on a Xen connection: migrate3 to
        its destination connection with the address and port fields as
        a bare HOST:PORT (no scheme), as libvirt's libxl driver takes
        them; a host that does not resolve is named in the error."""
        dom = self.start_guest("mig-vmm")
        flags = (E.VIR_MIGRATE_LIVE | E.VIR_MIGRATE_PERSIST_DEST |
                 E.VIR_MIGRATE_UNDEFINE_SOURCE)
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.migrate3(self.cb, {E.VIR_MIGRATE_PARAM_URI: "no-such-host.invalid:8002"},
                         flags)
        self.assertIn("no-such-host.invalid", str(cm.exception))
        self.assert_only_on(self.ca, self.cb, "mig-vmm")
        # The port virt-manager offers is Xen's 8002; any free one here.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        dom.migrate3(self.cb, {E.VIR_MIGRATE_PARAM_URI: f"127.0.0.1:{port}"}, flags)
        self.assert_only_on(self.cb, self.ca, "mig-vmm")
        self.assertTrue(self.cb.lookupByName("mig-vmm").isPersistent())
        self.assertEqual(self.names(self.ca), [])

    # ----- jobs -------------------------------------------------------------

    def test_progress_and_abort(self):
        dom = self.start_guest("mig-abort", memory_mib=512)
        # 16 MiB/s: the copy takes 32 s, time enough for every look below
        # and the abort on a daemon under valgrind on a loaded machine (at
        # 64 MiB/s it could end first; the abort ends it early anyway).
        t, out = self.migrate_in_background(
            ["migrate", "--live", "--bandwidth", "16", "mig-abort", self.b.uri])
        first = wait_for(lambda: dom.jobStats().get("memory_processed"),
                         what="migration progress")
        second = wait_for(
            lambda: dom.jobStats().get("memory_processed", 0) > first,
            what="migration progress growing")
        self.assertTrue(second)
        info = dom.jobInfo()
        self.assertEqual(info[0], E.VIR_DOMAIN_JOB_UNBOUNDED)
        self.assertEqual(info[3], 512 << 20)    # data total
        res = self.a.virsh("domjobinfo", "mig-abort")
        self.assertIn("Outgoing migration", res.stdout)
        # The destination shows its incoming job.
        inc = wait_for(lambda: self.names(self.cb), what="incoming domain")
        self.assertEqual(inc, ["mig-abort"])
        self.assertIn("Incoming migration",
                      self.b.virsh("domjobinfo", "mig-abort").stdout)

        self.a.virsh("domjobabort", "mig-abort")
        t.join(bound(30))
        self.assertNotEqual(out["res"].returncode, 0)
        self.assertIn("cancelled", out["res"].stderr)
        self.assert_only_on(self.ca, self.cb, "mig-abort")
        wait_for(lambda: self.names(self.cb) == [], what="nothing left on B")
        stats = dom.jobStats(E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertEqual(stats["type"], E.VIR_DOMAIN_JOB_CANCELLED)

    def test_max_speed_and_downtime(self):
        dom = self.start_guest("mig-speed")
        dom.migrateSetMaxSpeed(100)
        self.assertEqual(dom.migrateGetMaxSpeed(), 100)
        res = self.a.virsh("migrate-getspeed", "mig-speed")
        self.assertIn("100", res.stdout)
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.migrateSetMaxDowntime(100)
        self.assertEqual(cm.exception.get_error_code(),
                         E.VIR_ERR_OPERATION_UNSUPPORTED)
        self.assertIn("downtime target", str(cm.exception))
        # virsh migrate-compcache: libxl's stream has no compression.
        for args in (("migrate-compcache", "mig-speed"),
                     ("migrate-compcache", "mig-speed", "--size", "1024")):
            res = self.a.virsh(*args, check=False)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("not compressed", res.stderr)

    def test_dirty_guest_iterates_without_converging(self):
        # Writes twice as fast as the link carries: every pre-copy round
        # resends all of it, until libxc's five rounds are up and the
        # guest stands still for a full copy.
        self.start_guest("mig-dirty", memory_mib=32,
                         script={"dirty-mib-per-s": 200})
        self.start_guest("mig-clean", memory_mib=32)
        self.a.virsh("migrate", "--live", "--bandwidth", "100",
                     "mig-dirty", self.b.uri)
        self.a.virsh("migrate", "--live", "--bandwidth", "100",
                     "mig-clean", self.b.uri)
        dirty = self.ca.lookupByName("mig-dirty").jobStats(
            E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        clean = self.ca.lookupByName("mig-clean").jobStats(
            E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        # Five rounds of 32 MiB and the last one: at least 192 MiB sent.
        self.assertGreaterEqual(dirty["memory_processed"], 6 * (32 << 20))
        self.assertEqual(clean["memory_processed"], 32 << 20)
        self.assertGreater(dirty["downtime"], clean["downtime"])
        self.assertGreaterEqual(dirty["downtime"], 250)
        self.assert_only_on(self.cb, self.ca, "mig-dirty")

    def test_timeout_suspend(self):
        """virsh migrate --timeout N --timeout-suspend: virsh suspends the
        guest after N s; it writes nothing more, so a migration that
        would not converge ends after the round under way and the last
        one, and the destination runs the guest."""
        # 200 MiB/s of writes over a 100 MiB/s link: without the suspend,
        # five full rounds of 256 MiB and a last one (15 s).
        self.start_guest("mig-tmo", memory_mib=256,
                         script={"dirty-mib-per-s": 200})
        events = EventRecorder(self.ca)
        self.a.virsh("migrate", "--live", "--bandwidth", "100", "--timeout",
                     "1", "--timeout-suspend", "mig-tmo", self.b.uri)
        self.assert_only_on(self.cb, self.ca, "mig-tmo")
        stats = self.ca.lookupByName("mig-tmo").jobStats(
            E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertEqual(stats["type"], E.VIR_DOMAIN_JOB_COMPLETED)
        self.assertLess(stats["memory_processed"], 6 * (256 << 20))
        wait_for(lambda: ("mig-tmo", E.VIR_DOMAIN_EVENT_STOPPED,
                          E.VIR_DOMAIN_EVENT_STOPPED_MIGRATED) in events.events,
                 what="the source's STOPPED/MIGRATED event")
        suspended = [ev for ev in events.events
                     if ev[0] == "mig-tmo" and ev[1] == E.VIR_DOMAIN_EVENT_SUSPENDED]
        # One suspend, for the migration: virsh's (the stream's end, the
        # guest already paused, sends none more).
        self.assertEqual(suspended, [("mig-tmo", E.VIR_DOMAIN_EVENT_SUSPENDED,
                                      E.VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED)])
        # --timeout alone means --timeout-suspend.
        self.start_guest("mig-tmo2", memory_mib=256,
                         script={"dirty-mib-per-s": 200})
        self.a.virsh("migrate", "--live", "--bandwidth", "100", "--timeout",
                     "1", "mig-tmo2", self.b.uri)
        self.assert_only_on(self.cb, self.ca, "mig-tmo2")
        self.assertLess(self.ca.lookupByName("mig-tmo2").jobStats(
            E.VIR_DOMAIN_JOB_STATS_COMPLETED)["memory_processed"],
            6 * (256 << 20))

    def test_suspend_during_migration_then_abort(self):
        """A guest paused during its copy is paused for the migration;
        called off, it runs again on the source, as before the
        migration, and nothing is left on the destination."""
        dom = self.start_guest("mig-susp", memory_mib=512)
        events = EventRecorder(self.ca)
        # A copy of 32 s, so it is still under way at the abort (as above).
        t, out = self.migrate_in_background(
            ["migrate", "--live", "--bandwidth", "16", "mig-susp", self.b.uri])
        wait_for(lambda: dom.jobStats().get("memory_processed"),
                 what="migration progress")
        dom.suspend()
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                       E.VIR_DOMAIN_PAUSED_MIGRATION])
        events.wait("mig-susp", E.VIR_DOMAIN_EVENT_SUSPENDED,
                    E.VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED)
        self.a.virsh("domjobabort", "mig-susp")
        t.join(60)
        self.assertNotEqual(out["res"].returncode, 0)
        self.assertIn("cancelled", out["res"].stderr)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_MIGRATION_CANCELED])
        events.wait("mig-susp", E.VIR_DOMAIN_EVENT_RESUMED,
                    E.VIR_DOMAIN_EVENT_RESUMED_MIGRATED)
        wait_for(lambda: self.names(self.cb) == [], what="nothing left on B")
        # The guest runs for real: its CPU time grows.
        cpu = dom.info()[4]
        wait_for(lambda: dom.info()[4] > cpu, what="guest CPU time growing")

    def test_suspend_before_copy(self):
        """virsh's timeout may fire before the copy begins (here the
        peer-to-peer destination never answers): the guest is paused for
        the migration at once; the migration failing, it runs again."""
        dom = self.start_guest("mig-pre")
        path = self.a.path("run", "silent-destination-sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(1)
        self.addCleanup(srv.close)
        srv.settimeout(120)
        t, out = self.migrate_in_background(
            ["migrate", "--live", "--p2p", "mig-pre",
             "xen+unix:///system?socket=" + path])
        peer, _ = srv.accept()
        wait_for(lambda: dom.jobStats()["type"] != E.VIR_DOMAIN_JOB_NONE,
                 what="the migration job")
        events = EventRecorder(self.ca)
        dom.suspend()
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                       E.VIR_DOMAIN_PAUSED_MIGRATION])
        events.wait("mig-pre", E.VIR_DOMAIN_EVENT_SUSPENDED,
                    E.VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED)
        peer.close()
        t.join(120)
        self.assertNotEqual(out["res"].returncode, 0)
        wait_for(lambda: dom.state() == [E.VIR_DOMAIN_RUNNING,
                                         E.VIR_DOMAIN_RUNNING_MIGRATION_CANCELED],
                 what="the guest running again")
        events.wait("mig-pre", E.VIR_DOMAIN_EVENT_RESUMED,
                    E.VIR_DOMAIN_EVENT_RESUMED_MIGRATED)
        cpu = dom.info()[4]
        wait_for(lambda: dom.info()[4] > cpu, what="guest CPU time growing")
        self.assertEqual(self.names(self.cb), [])

    def test_timeout_postcopy_refused(self):
        """--timeout-postcopy needs --postcopy, which Xen has not."""
        self.start_guest("mig-pc")
        res = self.a.virsh("migrate", "--live", "--postcopy", "--timeout",
                           "1", "--timeout-postcopy", "mig-pc", self.b.uri,
                           check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("post-copy", res.stderr)
        self.assert_only_on(self.ca, self.cb, "mig-pc")

    # ----- refusals and failures -------------------------------------------

    def test_refused_flags(self):
        self.start_guest("mig-no")
        res = self.a.virsh("migrate", "--live", "--copy-storage-all",
                           "mig-no", self.b.uri, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("migrating storage is not supported", res.stderr)
        res = self.a.virsh("migrate", "--live", "--compressed",
                           "mig-no", self.b.uri, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("not supported", res.stderr)
        # A bit libvirt does not define: an invalid argument, as libvirt's
        # own drivers' flag checks say.
        dom = self.ca.lookupByName("mig-no")
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.migrate3(self.cb, {}, E.VIR_MIGRATE_LIVE | (1 << 30))
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_INVALID_ARG)
        self.assertIn("0x40000000", str(cm.exception))
        # To the host it is on (the same UUID): refused.
        res = self.a.virsh("migrate", "--live", "--p2p", "mig-no",
                           p2p_uri(self.a), check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("it is the host the domain is on", res.stderr)
        # DEST_XML must describe the same machine.
        dom = self.ca.lookupByName("mig-no")
        bigger = dom.XMLDesc(E.VIR_DOMAIN_XML_MIGRATABLE).replace(
            "<vcpu placement='static'>1</vcpu>",
            "<vcpu placement='static'>2</vcpu>")
        self.assertIn("<vcpu placement='static'>2", bigger)
        with self.assertRaises(libvirt.libvirtError):
            dom.migrate3(self.cb, {E.VIR_MIGRATE_PARAM_DEST_XML: bigger},
                         E.VIR_MIGRATE_LIVE)
        self.assert_only_on(self.ca, self.cb, "mig-no")
        self.assertEqual(self.names(self.cb), [])

    def test_not_enough_memory_on_destination(self):
        # B's free memory goes to a domain of its own first.
        self.cb.createXML(guest_xml("b-hog", memory_mib=200 * 1024), 0)
        self.start_guest("mig-big", memory_mib=100 * 1024)
        res = self.a.virsh("migrate", "--live", "mig-big", self.b.uri,
                           check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("not enough free memory", res.stderr)
        self.assert_only_on(self.ca, self.cb, "mig-big")
        self.assertEqual(self.names(self.cb), ["b-hog"])

    def test_name_or_uuid_taken_on_destination(self):
        self.cb.createXML(guest_xml("mig-dup"), 0)
        self.start_guest("mig-dup")
        res = self.a.virsh("migrate", "--live", "--p2p", "mig-dup",
                           p2p_uri(self.b), check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("mig-dup", res.stderr)
        self.assertEqual(self.ca.lookupByName("mig-dup").state()[0],
                         E.VIR_DOMAIN_RUNNING)
        self.assertEqual(len(guests(self.cb)), 1)
        self.assertNotEqual(self.cb.lookupByName("mig-dup").UUIDString(),
                            self.ca.lookupByName("mig-dup").UUIDString())
        # The same UUID under another name runs on B.
        uid = self.ca.lookupByName("mig-dup").UUIDString()
        self.cb.createXML(guest_xml("b-twin", uid=uid), 0)
        res = self.a.virsh("migrate", "--live", "--dname", "mig-dup2",
                           "mig-dup", self.b.uri, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn(uid, res.stderr)
        self.assertEqual(self.ca.lookupByName("mig-dup").state()[0],
                         E.VIR_DOMAIN_RUNNING)
        self.assertEqual(self.names(self.cb), ["b-twin", "mig-dup"])

    # ----- a destination that fails once the stream flows ----------------

    MODES = {
        "client-managed": 0,
        "p2p": E.VIR_MIGRATE_PEER2PEER,
        "tunnelled": E.VIR_MIGRATE_PEER2PEER | E.VIR_MIGRATE_TUNNELLED,
    }

    def migrate_mode(self, dom, mode, params=None):
        flags = E.VIR_MIGRATE_LIVE | self.MODES[mode]
        if flags & E.VIR_MIGRATE_PEER2PEER:
            dom.migrateToURI3(p2p_uri(self.b), params or {}, flags)
        else:
            dom.migrate3(self.cb, params or {}, flags)

    def assert_destination_failed(self, err, name, code, reason):
        """The client heard the destination's @reason and @code; the
        guest runs on A, nothing is left on B."""
        self.assertIn(f"migration failed on the destination host: {reason}",
                      str(err))
        self.assertEqual(err.get_error_code(), code, str(err))
        self.assert_only_on(self.ca, self.cb, name)
        wait_for(lambda: self.names(self.cb) == [], what="nothing left on B")

    def test_destination_start_failure_reaches_the_client(self):
        """The destination's start of the incoming guest fails after the
        source connected and sent its header (here its backend's receive,
        by fault injection): the source's client hears the destination's
        reason and code, not that the stream broke; the guest runs on."""
        for mode in self.MODES:
            with self.subTest(mode=mode):
                name = f"mig-dfail-{mode}"
                dom = self.start_guest(name, memory_mib=1024)
                self.b.inject_fault("domainMigrateReceive", 1)
                try:
                    with self.assertRaises(libvirt.libvirtError) as cm:
                        # Tunnelled, the source sends without waiting for
                        # the destination, and learns that the tunnel
                        # ended some 128 KiB of stream (128 MiB of guest)
                        # after it did: at 32 MiB/s (32 s for the guest)
                        # it is still sending then, however slow the
                        # destination is to fail (4 s here, unloaded).
                        self.migrate_mode(
                            dom, mode, {E.VIR_MIGRATE_PARAM_BANDWIDTH: 32})
                finally:
                    disarm_fault(self.b)
                self.assert_destination_failed(
                    cm.exception, name, E.VIR_ERR_INTERNAL_ERROR,
                    "injected fault in backend hook domainMigrateReceive")

    def test_destination_abort_mid_stream_reaches_the_client(self):
        """The destination's job aborted while the source writes the
        guest's memory (the destination's receive fails mid-stream, as
        libxl's restore refusing the guest would): the source's client
        hears that it was cancelled there, with its code."""
        for mode in self.MODES:
            with self.subTest(mode=mode):
                name = f"mig-dabort-{mode}"
                dom = self.start_guest(name, memory_mib=512)
                out = {}

                def run():
                    try:
                        # 16 MiB/s: 32 s, far longer than the abort needs.
                        self.migrate_mode(
                            dom, mode, {E.VIR_MIGRATE_PARAM_BANDWIDTH: 16})
                    except libvirt.libvirtError as e:
                        out["err"] = e

                t = threading.Thread(target=run)
                t.start()

                def arriving():
                    try:
                        return self.cb.lookupByName(name).jobStats().get(
                            "memory_processed", 0) > 0
                    except libvirt.libvirtError:
                        return False    # Prepare has not run yet

                wait_for(arriving, what="the stream under way on B")
                self.b.virsh("domjobabort", name)
                t.join(bound(30))
                self.assertFalse(t.is_alive(), "the migration did not end")
                self.assertIn("err", out, "the migration succeeded")
                self.assert_destination_failed(
                    out["err"], name, E.VIR_ERR_OPERATION_ABORTED,
                    f"incoming migration of domain '{name}' was cancelled")



class MigrationCrashTestCase(TwoHosts):
    """Daemons killed mid-migration (not under valgrind: a killed
    daemon leaves no memcheck summary)."""

    def kill_daemon(self, daemon):
        with open(daemon.path("libvirtd.pid")) as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not os.path.exists(f"/proc/{pid}"),
                 what="the daemon to die")
        daemon.start()

    def test_destination_dies_mid_stream(self):
        self.start_guest("mig-dd", memory_mib=512)
        t, out = self.migrate_in_background(
            ["migrate", "--live", "--bandwidth", "64", "mig-dd", self.b.uri])
        dom = self.ca.lookupByName("mig-dd")
        wait_for(lambda: dom.jobStats().get("memory_processed", 0) > 64 << 20,
                 what="the stream under way")
        self.kill_daemon(self.b)
        t.join(bound(60))
        self.assertNotEqual(out["res"].returncode, 0)
        self.reconnect()
        self.assert_only_on(self.ca, self.cb, "mig-dd")
        self.assertEqual(self.names(self.cb), [])

    def test_client_killed_mid_stream(self):
        self.start_guest("mig-ck", memory_mib=512)
        proc = subprocess.Popen(
            ["virsh", "-c", self.a.uri, "migrate", "--live", "--bandwidth",
             "64", "mig-ck", self.b.uri],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dom = self.ca.lookupByName("mig-ck")
        wait_for(lambda: dom.jobStats().get("memory_processed", 0) > 64 << 20,
                 what="the stream under way")
        proc.kill()
        proc.wait()
        # Nobody finishes it: the destination drops what it has, the
        # source keeps the guest.
        wait_for(lambda: self.names(self.cb) == [], timeout=20,
                 what="the destination to drop the domain")
        wait_for(lambda: dom.jobInfo()[0] == E.VIR_DOMAIN_JOB_NONE,
                 timeout=20, what="the source's job to end")
        self.assert_only_on(self.ca, self.cb, "mig-ck")

    def test_dirty_rate_survives_daemon_restart(self):
        # The simulated guest's dirtying rate is part of its running
        # state: a daemon killed and started again still migrates it as
        # a guest that writes faster than the link.
        self.start_guest("mig-dirty-r", memory_mib=32,
                         script={"dirty-mib-per-s": 200})
        self.kill_daemon(self.a)
        self.reconnect()
        self.a.virsh("migrate", "--live", "--bandwidth", "100",
                     "mig-dirty-r", self.b.uri)
        stats = self.ca.lookupByName("mig-dirty-r").jobStats(
            E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertGreaterEqual(stats["memory_processed"], 6 * (32 << 20))
        self.assert_only_on(self.cb, self.ca, "mig-dirty-r")

    def test_source_restarts_mid_stream(self):
        self.start_guest("mig-sr", memory_mib=512)
        t, out = self.migrate_in_background(
            ["migrate", "--live", "--bandwidth", "64", "mig-sr", self.b.uri])
        dom = self.ca.lookupByName("mig-sr")
        wait_for(lambda: dom.jobStats().get("memory_processed", 0) > 64 << 20,
                 what="the stream under way")
        self.kill_daemon(self.a)
        t.join(bound(60))
        self.assertNotEqual(out["res"].returncode, 0)
        self.reconnect()
        wait_for(lambda: self.names(self.cb) == [],
                 what="the destination to discard the domain")
        self.assert_only_on(self.ca, self.cb, "mig-sr")
        # And it migrates fine afterwards.
        self.a.virsh("migrate", "--live", "mig-sr", self.b.uri)
        self.assert_only_on(self.cb, self.ca, "mig-sr")


if __name__ == "__main__":
    unittest.main()
