# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash points of a running domain's snapshot: a test build kills
libvirtd at each step (memory saved, image complete, overlays made,
definition switched, metadata written, stopped guest destroyed, guest
restored); the daemon is started again and the snapshot is either rolled
back whole (the guest runs on as before, on its own disks, with no
overlay, image or metadata left) or finished whole (the guest runs from
the image on the overlays, the snapshot listed), never left half-taken
with the guest suspended. Also: a save that completes while the domain
is destroyed leaves no image (the destroy wins)."""

import os
import re
import threading
import unittest

import libvirt

from crashtest import check_invariants, crash_and_restart, test_hooks_built
from test_snapshot import SnapshotBase, backing_chain, snapshot_xml
from vxltest import bound, wait_for

E = libvirt

# Before the stopped guest is destroyed: everything is taken back.
ROLLBACK = ("snapshot.after-intent", "snapshot.after-save",
            "snapshot.after-image", "snapshot.after-overlays",
            "snapshot.after-config", "snapshot.after-metadata")
# After: the guest lives on only in the image, so the snapshot is
# finished.
FORWARD = ("snapshot.after-destroy", "snapshot.after-restore")


@unittest.skipUnless(test_hooks_built(), "needs a build with -Dtest_hooks=true")
class SnapshotCrashPointTest(SnapshotBase):
    # 64 MiB at 128 MiB/s: half a second of save, so a kill can land in
    # the middle of one too.
    conf = ("sim_save_rate_mib = 128",)
    count = 0

    def name(self, what):
        type(self).count += 1
        return f"scp{type(self).count}-{what}"

    def crash(self, point, action):
        self.conn, _ = crash_and_restart(self.daemon, self.conn, point,
                                         action, timeout=30)
        self.assertIn(f"crash point {point}: killing the daemon",
                      self.daemon.log())

    def running(self, what, paused=False):
        name = self.name(what)
        base = self.image(f"{name}.qcow2", pattern=0x11)
        dom = self.conn.defineXML(self.domain_xml(
            name, [self.file_disk(base, "xvda")], memory_mib=64))
        dom.create()
        if paused:
            dom.suspend()
        return name, base, dom

    def leftovers(self, name):
        d = self.snapdir(name)
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def overlays(self, base):
        d = os.path.dirname(base)
        stem = os.path.basename(base)[:-len(".qcow2")]
        return sorted(f for f in os.listdir(d)
                      if f.startswith(stem) and f != os.path.basename(base))

    def check(self, name):
        check_invariants(self, self.conn, self.daemon, [name], start_all=False)

    def test_rolled_back_before_destroy(self):
        for point in ROLLBACK:
            for paused in (False, True):
                with self.subTest(point=point, paused=paused):
                    name, base, dom = self.running("back", paused)
                    domid = dom.ID()
                    self.crash(point, lambda: dom.snapshotCreateXML(
                        snapshot_xml("s1"), 0))
                    dom = self.conn.lookupByName(name)
                    # The guest carries on from its suspend, same domain.
                    self.assertEqual(dom.state()[0],
                                     E.VIR_DOMAIN_PAUSED if paused
                                     else E.VIR_DOMAIN_RUNNING, point)
                    self.assertEqual(dom.ID(), domid)
                    self.assertEqual(dom.snapshotNum(0), 0)
                    self.assertEqual(self.disk_source(dom, "xvda"), base)
                    self.assertEqual(self.disk_source(
                        dom, "xvda", E.VIR_DOMAIN_XML_INACTIVE), base)
                    self.assertEqual(self.overlays(base), [])
                    self.assertEqual(self.leftovers(name), [])
                    self.check(name)
                    # And the snapshot is taken fine afterwards.
                    dom.snapshotCreateXML(snapshot_xml("s1"), 0)
                    self.assertEqual(dom.snapshotNum(0), 1)
                    dom.destroy()

    def test_finished_after_destroy(self):
        for point in FORWARD:
            for disk_only in (False, True):
                with self.subTest(point=point, disk_only=disk_only):
                    name, base, dom = self.running("fwd")
                    flags = E.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY if disk_only else 0
                    self.crash(point, lambda: dom.snapshotCreateXML(
                        snapshot_xml("s1"), flags))
                    dom = self.conn.lookupByName(name)
                    wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING,
                             timeout=20, what="the guest to run again")
                    snap = dom.snapshotLookupByName("s1")
                    self.assertTrue(snap.isCurrent())
                    top = self.disk_source(dom, "xvda")
                    self.assertNotEqual(top, base)
                    self.assertEqual(self.disk_source(
                        dom, "xvda", E.VIR_DOMAIN_XML_INACTIVE), top)
                    self.assertEqual(backing_chain(top), [top, base])
                    # A memory snapshot keeps its image, a disk-only one
                    # leaves none.
                    saves = [f for f in self.leftovers(name) if f.endswith(".save")]
                    self.assertEqual(saves, [] if disk_only else ["s1.save"])
                    self.check(name)
                    dom.destroy()

    def test_halt_finished_after_destroy(self):
        name, base, dom = self.running("halt")
        self.crash("snapshot.after-destroy", lambda: dom.snapshotCreateXML(
            snapshot_xml("s1"), E.VIR_DOMAIN_SNAPSHOT_CREATE_HALT))
        dom = self.conn.lookupByName(name)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(dom.snapshotNum(0), 1)
        self.assertNotEqual(self.disk_source(dom, "xvda"), base)
        self.assertEqual(self.leftovers(name), ["s1.save", "s1.xml"])
        self.check(name)
        # Reverting brings the memory back.
        dom.revertToSnapshot(dom.snapshotLookupByName("s1"), 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        dom.destroy()

    def test_shutoff_domain(self):
        """Overlays and the definition without the metadata: taken back;
        with the metadata: the snapshot stands (and is current)."""
        for point, taken in (("snapshot.offline.after-overlays", False),
                             ("snapshot.offline.after-config", False),
                             ("snapshot.offline.after-metadata", True)):
            with self.subTest(point=point):
                name = self.name("off")
                base = self.image(f"{name}.qcow2")
                dom = self.conn.defineXML(self.domain_xml(
                    name, [self.file_disk(base, "xvda")], memory_mib=64))
                dom.snapshotCreateXML(snapshot_xml("s0"), 0)
                first = self.disk_source(dom, "xvda")
                self.crash(point, lambda: dom.snapshotCreateXML(
                    snapshot_xml("s1"), 0))
                dom = self.conn.lookupByName(name)
                if taken:
                    self.assertEqual(dom.snapshotListNames(
                        E.VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL), ["s0", "s1"])
                    self.assertEqual(dom.snapshotCurrent(0).getName(), "s1")
                    top = self.disk_source(dom, "xvda")
                    self.assertEqual(backing_chain(top), [top, first, base])
                else:
                    self.assertEqual(dom.snapshotListNames(0), ["s0"])
                    self.assertEqual(dom.snapshotCurrent(0).getName(), "s0")
                    self.assertEqual(self.disk_source(dom, "xvda"), first)
                    self.assertEqual(self.overlays(base),
                                     [os.path.basename(first)])
                self.check(name)

    def test_rollback_keeps_the_current_snapshot(self):
        name, base, dom = self.running("cur")
        dom.snapshotCreateXML(snapshot_xml("s1"), 0)
        self.crash("snapshot.after-metadata", lambda: dom.snapshotCreateXML(
            snapshot_xml("s2"), 0))
        dom = self.conn.lookupByName(name)
        self.assertEqual(dom.snapshotListNames(0), ["s1"])
        self.assertEqual(dom.snapshotCurrent(0).getName(), "s1")
        self.check(name)
        dom.destroy()

    # A revert: before the destroy the guest runs on untouched; after
    # it, the revert is finished.
    REVERT_BACK = ("snapshot.revert.after-intent",
                   "snapshot.revert.after-overlays")
    REVERT_FORWARD = ("snapshot.revert.after-destroy",
                      "snapshot.revert.after-rename",
                      "snapshot.revert.after-config",
                      "snapshot.revert.after-start")

    def test_revert(self):
        for point in self.REVERT_BACK + self.REVERT_FORWARD:
            for memory in (True, False):
                with self.subTest(point=point, memory=memory):
                    name, base, dom = self.running("rv")
                    flags = 0 if memory else E.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY
                    dom.snapshotCreateXML(snapshot_xml("s1"), flags)
                    dom.snapshotCreateXML(snapshot_xml("s2"), flags)
                    domid = self.conn.lookupByName(name).ID()
                    top = self.disk_source(dom, "xvda")
                    revert = E.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING
                    self.crash(point, lambda: dom.revertToSnapshot(
                        dom.snapshotLookupByName("s1"), revert))
                    dom = self.conn.lookupByName(name)
                    files = os.listdir(os.path.dirname(base))
                    self.assertEqual([f for f in files if "vxl-revert" in f], [])
                    if point in self.REVERT_BACK:
                        self.assertEqual(dom.ID(), domid)
                        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
                        self.assertEqual(self.disk_source(dom, "xvda"), top)
                        self.assertEqual(dom.snapshotCurrent(0).getName(), "s2")
                    else:
                        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING,
                                 timeout=20, what="the reverted guest to run")
                        self.assertEqual(dom.snapshotCurrent(0).getName(), "s1")
                        now = self.disk_source(dom, "xvda")
                        s1 = dom.snapshotLookupByName("s1").getXMLDesc(0)
                        # On a fresh overlay over s1's state.
                        chain = backing_chain(now)
                        self.assertIn(f"<source file='{chain[1]}'/>", s1)
                        self.assertEqual(self.disk_source(
                            dom, "xvda", E.VIR_DOMAIN_XML_INACTIVE), now)
                        # Every overlay there is in use by someone.
                        used = {now} | {self.disk_source(dom, "xvda")}
                        for sn in ("s1", "s2"):
                            x = dom.snapshotLookupByName(sn).getXMLDesc(0)
                            used |= set(re.findall(r"<source file='([^']+)'", x))
                        for f in self.overlays(base):
                            self.assertIn(os.path.join(os.path.dirname(base), f),
                                          used, (point, f))
                        # s2's overlay held what the revert threw away and
                        # may be gone (what the random-kill campaign once
                        # took for a lost file); s2's state is not, and a
                        # revert to s2 makes it a fresh overlay on it.
                        self.check(name)
                        s2 = dom.snapshotLookupByName("s2")
                        state = re.search(r"<domain type=.*?<source file='([^']+)'",
                                          s2.getXMLDesc(0), re.S)[1]
                        self.assertTrue(os.path.exists(state), (point, state))
                        dom.revertToSnapshot(s2, revert)
                        now = self.disk_source(dom, "xvda")
                        self.assertEqual(backing_chain(now)[1], state, point)
                    self.check(name)
                    dom.destroy()

    def test_revert_drops_the_old_overlay(self):
        """The domain runs on an overlay an earlier revert made (s1-1,
        which no snapshot names); a revert to s2 throws its writes away
        and removes it, also when the daemon is killed after the switch
        of the definition and before the removal (the random-kill
        campaign found it left behind, named by nothing)."""
        for point in self.REVERT_FORWARD:
            with self.subTest(point=point):
                name, base, dom = self.running("ro")
                dom.snapshotCreateXML(snapshot_xml("s1"), 0)
                dom.snapshotCreateXML(snapshot_xml("s2"), 0)
                dom.revertToSnapshot(dom.snapshotLookupByName("s1"), 0)
                old = self.disk_source(dom, "xvda")
                self.assertTrue(old.endswith(".s1-1"), old)
                self.crash(point, lambda: dom.revertToSnapshot(
                    dom.snapshotLookupByName("s2"), 0))
                dom = self.conn.lookupByName(name)
                wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING,
                         timeout=20, what="the reverted guest to run")
                self.assertEqual(dom.snapshotCurrent(0).getName(), "s2")
                self.assertFalse(os.path.exists(old), (point, old))
                self.check(name)
                dom.destroy()

    def test_no_metadata_forgotten(self):
        """Killed after taking a --no-metadata snapshot, before forgetting
        it: it is not listed after the restart, its files stay."""
        for running in (True, False):
            with self.subTest(running=running):
                name, base, dom = self.running("nm")
                if not running:
                    dom.destroy()
                dom.snapshotCreateXML(snapshot_xml("kept"),
                                      0 if running else 0)
                self.crash("snapshot.before-forget", lambda: dom.snapshotCreateXML(
                    snapshot_xml("gone"), E.VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA))
                dom = self.conn.lookupByName(name)
                if running:
                    wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING,
                             timeout=20, what="the guest to run again")
                self.assertEqual(dom.snapshotListNames(0), ["kept"])
                self.assertEqual(dom.snapshotCurrent(0).getName(), "kept")
                # Taken: the disk is on the forgotten snapshot's overlay.
                top = self.disk_source(dom, "xvda", E.VIR_DOMAIN_XML_INACTIVE)
                self.assertEqual(len(backing_chain(top)), 3)
                self.assertNotIn("gone.xml", self.leftovers(name))
                if running:
                    self.assertIn("gone.save", self.leftovers(name))
                    dom.destroy()

    def test_stale_images_removed_at_start(self):
        """Half-written images no intent names (a daemon of before
        intents): removed at start; a passing disk-only image is kept
        while its domain is shut off."""
        name, base, dom = self.running("st")
        dom.snapshotCreateXML(snapshot_xml("s1"), 0)
        d = self.snapdir(name)
        for f in (".s9.save.vxl-partial", ".s8.disk-only.save"):
            with open(os.path.join(d, f), "wb") as fh:
                fh.write(b"x" * 100)
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        self.assertEqual(self.leftovers(name), ["s1.save", "s1.xml"])
        dom = self.conn.lookupByName(name)
        dom.destroy()
        with open(os.path.join(d, ".s8.disk-only.save"), "wb") as fh:
            fh.write(b"x" * 100)
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        self.assertIn(".s8.disk-only.save", self.leftovers(name))


    def test_save_completing_during_destroy(self):
        """The destroy wins: the save fails and leaves no image."""
        name, base, dom = self.running("sd")
        path = self.daemon.path("sd.img")
        # The backend's save is complete; the daemon stalls before it
        # looks at the domain again, and a destroy comes in between.
        with open(self.daemon.path("run", "libxl", "crash-point"), "w") as f:
            f.write("save.backend-returned 1 stall 3000\n")
        err = []

        def save():
            try:
                dom.save(path)
            except libvirt.libvirtError as e:
                err.append(e)
        t = threading.Thread(target=save, daemon=True)
        t.start()
        wait_for(lambda: "crash point save.backend-returned: stalling" in
                 self.daemon.log(), timeout=20, what="the save to complete")
        dom.destroy()
        t.join(bound(30))
        self.assertEqual(len(err), 1, "the save succeeded")
        self.assertEqual(err[0].get_error_code(), E.VIR_ERR_OPERATION_FAILED)
        self.assertIn("destroyed while it was being saved", str(err[0]))
        self.assertFalse(os.path.exists(path))
        self.assertEqual([f for f in os.listdir(os.path.dirname(path))
                          if f.startswith(".sd.img")], [])
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF,
                                       E.VIR_DOMAIN_SHUTOFF_DESTROYED])
        self.assertFalse(dom.hasManagedSaveImage(0))
        self.check(name)
        # The same for a managed save.
        dom.create()
        with open(self.daemon.path("run", "libxl", "crash-point"), "w") as f:
            f.write("save.backend-returned 1 stall 3000\n")
        err.clear()
        t = threading.Thread(target=lambda: self._keep(err, dom.managedSave, 0),
                             daemon=True)
        t.start()
        wait_for(lambda: self.daemon.log().count(
            "crash point save.backend-returned: stalling") == 2,
            timeout=20, what="the managed save to complete")
        dom.destroy()
        t.join(bound(30))
        self.assertEqual(len(err), 1, "the managed save succeeded")
        self.assertFalse(dom.hasManagedSaveImage(0))
        self.assertEqual(os.listdir(self.daemon.path("lib", "libxl", "save")), [])
        self.check(name)

    @staticmethod
    def _keep(err, fn, *args):
        try:
            fn(*args)
        except libvirt.libvirtError as e:
            err.append(e)


if __name__ == "__main__":
    unittest.main()
