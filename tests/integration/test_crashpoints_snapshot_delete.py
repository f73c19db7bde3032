# SPDX-License-Identifier: LGPL-2.1-or-later
"""Deleting external snapshots whose overlays are merged, killed and
failed in the middle.

Crash points: a test build kills libvirtd at each step of the delete
(intent recorded, overlay committed into its base, the image above moved
onto the base or the definition switched to it, other snapshots' states
moved, overlay removed, children re-parented, metadata removed), at each
snapshot of a --children delete; after the restart the delete is
finished: the snapshot metadata, the disk chain and the domain's disk
path agree, every byte written is still there, no overlay or intent is
left, and the domain starts.

Faults: qemu-img failing to merge (or to move the image above) during a
--children delete stops it there, as libvirt's drivers do: the
snapshots deleted before stay deleted, the one that failed stays listed
and the error names it, the current snapshot is the nearest one left,
and metadata and disks agree (also after a restart); the delete asked
again finishes. A snapshot whose state could not be rewritten once its
base holds the merged data is finished at the next start or by the
next delete."""

import os
import stat
import tempfile
import unittest

import libvirt

from crashtest import check_invariants, crash_and_restart, test_hooks_built
from test_snapshot import SnapshotBase, backing_chain, qemu_io, snapshot_xml
from vxltest import Daemon

E = libvirt

# Reached once per merged overlay (per snapshot, one disk each).
DISK_POINTS = ("snapshot.delete.after-commit", "snapshot.delete.after-rebase",
               "snapshot.delete.after-move", "snapshot.delete.after-unlink")
# Reached once per snapshot deleted.
META_POINTS = ("snapshot.delete.after-reparent",
               "snapshot.delete.after-metadata")


class DeleteChain:
    """A shut-off domain on base <- m1's overlay <- m2's <- m3's, a 4 KiB
    pattern written into the top after each snapshot."""

    def __init__(self, test, name):
        self.test = test
        self.name = name
        self.base = test.image(f"{name}.qcow2", pattern=0x21)
        self.dom = test.define(name, [test.file_disk(self.base, "xvda")],
                               memory_mib=64)
        self.overlays = []
        for i, snap in enumerate(("m1", "m2", "m3")):
            self.dom.snapshotCreateXML(snapshot_xml(snap), 0)
            top = test.disk_source(self.dom, "xvda")
            self.overlays.append(top)
            res = qemu_io(top, f"write -P {0x40 + i} {(i + 1) * 4}k 4k")
            test.assertEqual(res.returncode, 0, res.stderr)

    def check_data(self, top):
        """Every pattern reads back through the chain from @top."""
        for off, pat in ((0, 0x21), (4, 0x40), (8, 0x41), (12, 0x42)):
            res = qemu_io(top, f"read -P {pat} {off}k 4k")
            self.test.assertEqual(res.returncode, 0,
                                  f"{pat:#x} at {off}k: {res.stdout}")

    def files(self):
        d = os.path.dirname(self.base)
        stem = os.path.basename(self.base)[:-len(".qcow2")]
        return sorted(os.path.join(d, f) for f in os.listdir(d)
                      if f.startswith(stem + ".") and
                      f != os.path.basename(self.base))


class DeleteBase(SnapshotBase):
    count = 0

    def fresh(self, what):
        type(self).count += 1
        return DeleteChain(self, f"sd{type(self).count}{what}")

    def intents(self):
        d = self.daemon.path("run", "libxl", "intent")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def metadata(self, name):
        d = self.snapdir(name)
        return sorted(f for f in os.listdir(d) if f.endswith(".xml")) \
            if os.path.isdir(d) else []

    def agree(self, chain, names, current, parents):
        """Listed snapshots, their files, parents, the current one, and
        the chain the domain's disk is on."""
        dom = self.conn.lookupByName(chain.name)
        self.assertEqual(sorted(dom.snapshotListNames(0)), sorted(names))
        self.assertEqual(self.metadata(chain.name),
                         sorted(f"{n}.xml" for n in names))
        if current:
            self.assertEqual(dom.snapshotCurrent(0).getName(), current)
        else:
            self.assertEqual(dom.hasCurrentSnapshot(0), 0)
        for n, p in parents.items():
            snap = dom.snapshotLookupByName(n, 0)
            if p is None:
                self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN_SNAPSHOT,
                                        snap.getParent, 0)
            else:
                self.assertEqual(snap.getParent(0).getName(), p, n)
        top = self.disk_source(dom, "xvda")
        files = backing_chain(top)
        # Every file is on the chain, or another snapshot's overlay: none
        # is left behind.
        self.assertEqual(sorted(set(files) - {chain.base}), chain.files())
        # Each snapshot's state is on the chain.
        for n in names:
            xml = dom.snapshotLookupByName(n, 0).getXMLDesc(0)
            self.assertTrue(any(f"<source file='{f}'/>" in xml for f in files),
                            (n, files, xml))
        chain.check_data(top)
        return dom, files


@unittest.skipUnless(test_hooks_built(), "needs a build with -Dtest_hooks=true")
class SnapshotDeleteCrashPointTest(DeleteBase):

    def crash(self, point, nth, action):
        self.conn, errors = crash_and_restart(self.daemon, self.conn, point,
                                              action, nth=nth, timeout=60)
        self.assertIn(f"crash point {point}: killing the daemon",
                      self.daemon.log())
        return errors

    def test_children_merged_into_the_base(self):
        """m1 --children: m3, m2, m1 merged in turn; killed at every
        step of each, the delete is finished at the restart."""
        # The first snapshot, one in the middle, and the last one's
        # switch of the definition and its metadata (the current one
        # gone with it).
        cases = [("snapshot.delete.after-intent", 1)]
        cases += [(p, n) for p in DISK_POINTS + META_POINTS for n in (1, 2)]
        cases += [("snapshot.delete.after-rebase", 3),
                  ("snapshot.delete.after-metadata", 3)]
        for point, nth in cases:
            with self.subTest(point=point, nth=nth):
                chain = self.fresh("c")
                dom = chain.dom
                self.crash(point, nth, lambda: dom.snapshotLookupByName(
                    "m1", 0).delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN))
                dom, files = self.agree(chain, [], None, {})
                self.assertEqual(files, [chain.base])
                self.assertEqual(self.disk_source(
                    dom, "xvda", E.VIR_DOMAIN_XML_INACTIVE), chain.base)
                self.assertEqual(self.intents(), [])
                check_invariants(self, self.conn, self.daemon, [chain.name])

    def test_middle_merged_above_moved(self):
        """m2 alone: its overlay goes into m1's, m3's overlay moves onto
        m1's, m3's state is m1's overlay and its parent m1."""
        cases = [("snapshot.delete.after-intent", 1)]
        cases += [(p, 1) for p in DISK_POINTS + META_POINTS]
        for point, nth in cases:
            with self.subTest(point=point):
                chain = self.fresh("m")
                dom = chain.dom
                self.crash(point, nth, lambda: dom.snapshotLookupByName(
                    "m2", 0).delete(0))
                dom, files = self.agree(chain, ["m1", "m3"], "m3",
                                        {"m1": None, "m3": "m1"})
                o1, _, o3 = chain.overlays
                self.assertEqual(files, [o3, o1, chain.base])
                m3 = dom.snapshotLookupByName("m3", 0).getXMLDesc(0)
                self.assertIn(f"<source file='{o1}'/>", m3)
                self.assertEqual(self.intents(), [])
                check_invariants(self, self.conn, self.daemon, [chain.name])

    def test_children_only_keeps_the_named_one(self):
        """m1 --children-only: the current m3 goes, m1 is current."""
        for point, nth in (("snapshot.delete.after-metadata", 1),
                           ("snapshot.delete.after-rebase", 2),
                           ("snapshot.delete.after-metadata", 2)):
            with self.subTest(point=point, nth=nth):
                chain = self.fresh("o")
                dom = chain.dom
                self.crash(point, nth, lambda: dom.snapshotLookupByName(
                    "m1", 0).delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY))
                dom, files = self.agree(chain, ["m1"], "m1", {"m1": None})
                self.assertEqual(files, [chain.overlays[0], chain.base])
                self.assertEqual(self.intents(), [])
                check_invariants(self, self.conn, self.daemon, [chain.name])

    def test_metadata_only(self):
        """--metadata-only --children: the metadata goes, files stay."""
        for nth in (1, 2):
            with self.subTest(nth=nth):
                chain = self.fresh("d")
                dom = chain.dom
                before = chain.files()
                self.crash("snapshot.delete.after-metadata", nth,
                           lambda: dom.snapshotLookupByName("m1", 0).delete(
                               E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
                               E.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY))
                dom = self.conn.lookupByName(chain.name)
                self.assertEqual(dom.snapshotNum(0), 0)
                self.assertEqual(dom.hasCurrentSnapshot(0), 0)
                self.assertEqual(self.metadata(chain.name), [])
                self.assertEqual(chain.files(), before)
                self.assertEqual(self.intents(), [])
                check_invariants(self, self.conn, self.daemon, [chain.name])


FAKE_QEMU_IMG = """#!/bin/sh
# qemu-img that fails the command named in ./fail ("OP PATH": the
# subcommand OP when PATH is among its arguments), else the real one.
ctl="$(dirname "$0")/fail"
if [ -f "$ctl" ]; then
    read op path < "$ctl"
    if [ "$1" = "$op" ]; then
        for a in "$@"; do
            if [ "$a" = "$path" ]; then
                echo "qemu-img: injected fault" >&2
                exit 1
            fi
        done
    fi
fi
exec /usr/bin/qemu-img "$@"
"""


class SnapshotDeleteFaultTest(DeleteBase):
    """qemu-img of the daemon fails on demand (a stand-in first on its
    PATH); the test's own qemu-img is the real one."""

    @classmethod
    def setUpClass(cls):
        cls.bindir = tempfile.mkdtemp(prefix="vxl-qemu-img-")
        fake = os.path.join(cls.bindir, "qemu-img")
        with open(fake, "w") as f:
            f.write(FAKE_QEMU_IMG)
        os.chmod(fake, stat.S_IRWXU)
        cls.daemon = Daemon(cls.backend, cls.profile, cls.conf, cls.network,
                            env={"PATH": cls.bindir + ":" + os.environ["PATH"]})
        cls.daemon.start()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        for f in os.listdir(cls.bindir):
            os.unlink(os.path.join(cls.bindir, f))
        os.rmdir(cls.bindir)

    def fault(self, op=None, path=None):
        ctl = os.path.join(self.bindir, "fail")
        if op:
            with open(ctl, "w") as f:
                f.write(f"{op} {path}\n")
        elif os.path.exists(ctl):
            os.unlink(ctl)

    def tearDown(self):
        self.fault()

    def restart(self):
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)

    def test_children_stop_at_the_failed_merge(self):
        """m1 --children: m3 is merged, m2's merge fails: m3 stays
        deleted, m2 and m1 stay, m2 is current, the disk is on m2's
        overlay; asked again, the delete finishes."""
        chain = self.fresh("f")
        o1, o2, o3 = chain.overlays
        self.fault("commit", o2)
        m1 = chain.dom.snapshotLookupByName("m1", 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, m1.delete,
                                E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN,
                                msg_contains="cannot delete snapshot 'm2'")
        for restarted in (False, True):
            with self.subTest(restarted=restarted):
                if restarted:
                    self.restart()
                dom, files = self.agree(chain, ["m1", "m2"], "m2",
                                        {"m1": None, "m2": "m1"})
                self.assertEqual(files, [o2, o1, chain.base])
                self.assertEqual(self.disk_source(
                    dom, "xvda", E.VIR_DOMAIN_XML_INACTIVE), o2)
                self.assertEqual(self.intents(), [])
                check_invariants(self, self.conn, self.daemon, [chain.name])
        self.fault()
        dom.snapshotLookupByName("m1", 0).delete(
            E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)
        dom, files = self.agree(chain, [], None, {})
        self.assertEqual(files, [chain.base])

    def test_failed_move_of_the_image_above(self):
        """m2 alone, qemu-img cannot move m3's overlay onto m1's after
        the merge: m2 stays, with everything as before."""
        chain = self.fresh("r")
        o1, o2, o3 = chain.overlays
        self.fault("rebase", o3)
        m2 = chain.dom.snapshotLookupByName("m2", 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, m2.delete, 0,
                                msg_contains="cannot delete snapshot 'm2'")
        dom, files = self.agree(chain, ["m1", "m2", "m3"], "m3",
                                {"m1": None, "m2": "m1", "m3": "m2"})
        self.assertEqual(files, [o3, o2, o1, chain.base])
        self.assertEqual(self.intents(), [])
        self.fault()
        m2.delete(0)
        self.agree(chain, ["m1", "m3"], "m3", {"m1": None, "m3": "m1"})

    def test_state_not_rewritten_past_the_line(self):
        """m2 alone: merged, m3's overlay moved onto m1's, then m3's
        metadata cannot be rewritten (its temporary file's name is
        taken): the delete fails and its intent stays; the next start,
        or the delete asked again, finishes it."""
        for finish in ("restart", "again"):
            with self.subTest(finish=finish):
                chain = self.fresh("w")
                o1, o2, o3 = chain.overlays
                blocker = os.path.join(self.snapdir(chain.name), "m3.xml.new")
                os.mkdir(blocker)
                m2 = chain.dom.snapshotLookupByName("m2", 0)
                self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, m2.delete,
                                        0, msg_contains="cannot delete snapshot 'm2'")
                self.assertEqual(len(self.intents()), 1)
                os.rmdir(blocker)
                if finish == "restart":
                    self.restart()
                else:
                    self.conn.lookupByName(chain.name).snapshotLookupByName(
                        "m2", 0).delete(0)
                dom, files = self.agree(chain, ["m1", "m3"], "m3",
                                        {"m1": None, "m3": "m1"})
                self.assertEqual(files, [o3, o1, chain.base])
                self.assertEqual(self.intents(), [])
                check_invariants(self, self.conn, self.daemon, [chain.name])


if __name__ == "__main__":
    unittest.main()
