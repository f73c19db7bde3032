# SPDX-License-Identifier: LGPL-2.1-or-later
"""Snapshots through stock libvirtd on the simulator: external qcow2 disk
snapshots of shut-off domains, memory-and-disk snapshots of running ones,
the snapshot tree (current, parent, children), revert (memory, CPU time
and disk contents come back), delete with its flags, metadata that
survives a daemon restart, undefine rules, and bad input that is refused
clearly and leaves nothing behind."""

import json
import os
import re
import subprocess
import threading
import time
import unittest
import uuid as uuidlib

import libvirt

from vxltest import DaemonTestCase, EventRecorder, bound, wait_for

E = libvirt


def qemu_img(*args):
    return subprocess.run(["qemu-img"] + list(args), check=True,
                          capture_output=True, text=True).stdout


def qemu_io(path, cmd):
    return subprocess.run(["qemu-io", "-f", "qcow2", "-c", cmd, path],
                          capture_output=True, text=True)


def backing_chain(path):
    """The files of @path's chain, top first."""
    out = qemu_img("info", "--backing-chain", "--output=json", path)
    return [img["filename"] for img in json.loads(out)]


def snapshot_xml(name, description=None, disks="", memory=""):
    desc = f"<description>{description}</description>" if description else ""
    return (f"<domainsnapshot><name>{name}</name>{desc}{memory}"
            f"{disks}</domainsnapshot>")


class SnapshotBase(DaemonTestCase):
    """Helpers: qcow2 images under the daemon's root, domains on them."""

    def _close(self):
        # Domains with snapshots need the metadata flag to go.
        try:
            for dom in self.conn.listAllDomains():
                if dom.ID() == 0:
                    continue
                try:
                    if dom.isActive():
                        dom.destroy()
                    if dom.isPersistent():
                        dom.undefineFlags(E.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
                except libvirt.libvirtError:
                    pass
        except libvirt.libvirtError:
            pass
        super()._close()

    def image(self, name, fmt="qcow2", pattern=None):
        path = self.daemon.path("images", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        qemu_img("create", "-q", "-f", fmt, path, "16M")
        if pattern is not None:
            res = qemu_io(path, f"write -P {pattern} 0 4k")
            self.assertEqual(res.returncode, 0, res.stderr)
        return path

    def domain_xml(self, name, disks, memory_mib=256):
        devs = "".join(disks)
        return f"""<domain type='xen'>
  <name>{name}</name>
  <uuid>{uuidlib.uuid4()}</uuid>
  <memory unit='MiB'>{memory_mib}</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='xenpv'>xen</type>
    <kernel>/boot/vmlinuz</kernel></os>
  <devices>{devs}</devices>
</domain>"""

    @staticmethod
    def file_disk(path, dev, fmt="qcow2", device="disk", extra=""):
        return (f"<disk type='file' device='{device}'>"
                f"<driver name='qemu' type='{fmt}'/><source file='{path}'/>"
                f"<target dev='{dev}' bus='xen'/>{extra}</disk>")

    def define(self, name, disks, **kw):
        return self.conn.defineXML(self.domain_xml(name, disks, **kw))

    def disk_source(self, dom, dev, flags=0):
        xml = dom.XMLDesc(flags)
        m = re.search(r"<source file='([^']+)'[^>]*/>\s*(?:<[^>]+>\s*)*?"
                      r"<target dev='%s'" % dev, xml)
        self.assertIsNotNone(m, xml)
        return m.group(1)

    def snapdir(self, name):
        return self.daemon.path("lib", "libxl", "snapshot", name)



class SnapshotTest(SnapshotBase):
    conf = ("sim_save_rate_mib = 4096",)

    def test_shutoff_snapshot_tree_and_revert(self):
        base = self.image("off-a.qcow2", pattern="0x11")
        dom = self.define("snap-off", [self.file_disk(base, "xvda")])
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual(dom.hasCurrentSnapshot(0), 0)

        s1 = dom.snapshotCreateXML(snapshot_xml("s1", "first"), 0)
        self.assertEqual(s1.getName(), "s1")
        overlay1 = os.path.join(os.path.dirname(base), "off-a.s1")
        self.assertEqual(self.disk_source(dom, "xvda"), overlay1)
        self.assertEqual(backing_chain(overlay1), [overlay1, base])
        sx = s1.getXMLDesc(0)
        self.assertIn("<state>shutoff</state>", sx)
        self.assertIn("<description>first</description>", sx)
        self.assertIn(f"<source file='{overlay1}'/>", sx)
        self.assertIn("<memory snapshot='no'/>", sx)
        self.assertEqual(s1.isCurrent(0), 1)
        self.assertEqual(s1.hasMetadata(0), 1)
        self.assertEqual(s1.numChildren(0), 0)

        # The guest writes to the overlay; a second snapshot on top.
        self.assertEqual(qemu_io(overlay1, "write -P 0x22 0 4k").returncode, 0)
        s2 = dom.snapshotCreateXML(snapshot_xml("s2"), 0)
        overlay2 = self.disk_source(dom, "xvda")
        self.assertEqual(backing_chain(overlay2), [overlay2, overlay1, base])
        self.assertEqual(s2.getParent(0).getName(), "s1")
        self.assertEqual(dom.snapshotCurrent(0).getName(), "s2")
        self.assertEqual(s1.isCurrent(0), 0)
        self.assertEqual([s.getName() for s in s1.listAllChildren(0)], ["s2"])
        self.assertEqual(s1.listChildrenNames(0), ["s2"])
        self.assertEqual(sorted(dom.snapshotListNames(0)), ["s1", "s2"])
        self.assertEqual([s.getName() for s in dom.listAllSnapshots(
            E.VIR_DOMAIN_SNAPSHOT_LIST_ROOTS)], ["s1"])
        self.assertEqual([s.getName() for s in dom.listAllSnapshots(
            E.VIR_DOMAIN_SNAPSHOT_LIST_LEAVES)], ["s2"])
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN_SNAPSHOT, s1.getParent, 0)

        # virsh sees the same tree.
        out = self.daemon.virsh("snapshot-list", "snap-off", "--tree").stdout
        self.assertIn("s1", out)
        self.assertIn("+- s2", out)
        self.assertEqual(self.daemon.virsh(
            "snapshot-current", "snap-off", "--name").stdout.strip(), "s2")
        self.assertEqual(self.daemon.virsh(
            "snapshot-parent", "snap-off", "s2").stdout.strip(), "s1")

        # Revert to s1: a fresh overlay on the base, with the base's data;
        # overlay1 (s2's base) stays as it was.
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom.revertToSnapshot(s1, 0)
        self.assertFalse(dom.isActive())
        now = self.disk_source(dom, "xvda")
        self.assertNotIn(now, (overlay1, overlay2, base))
        self.assertEqual(backing_chain(now), [now, base])
        self.assertEqual(qemu_io(now, "read -P 0x11 0 4k").returncode, 0)
        self.assertEqual(qemu_io(overlay1, "read -P 0x22 0 4k").returncode, 0)
        self.assertEqual(dom.snapshotCurrent(0).getName(), "s1")

        # Revert --running boots it from the snapshot's disks.
        dom.revertToSnapshot(s2, E.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT])
        ev.wait("snap-off", E.VIR_DOMAIN_EVENT_STARTED,
                E.VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT)
        now = self.disk_source(dom, "xvda")
        self.assertEqual(backing_chain(now), [now, overlay1, base])
        # A running domain reverted to a shut-off snapshot stops.
        dom.revertToSnapshot(s1, 0)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF,
                                       E.VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT])
        ev.wait("snap-off", E.VIR_DOMAIN_EVENT_STOPPED,
                E.VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT)
        # A managed save image is of the state a revert throws away; a
        # new snapshot would have it resume onto the base.
        dom.create()
        dom.managedSave(0)
        self.assertEqual(dom.hasManagedSaveImage(0), 1)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                dom.snapshotCreateXML, snapshot_xml("s3"), 0,
                                msg_contains="managed save image")
        self.assertEqual(dom.snapshotNum(0), 2)
        dom.revertToSnapshot(s2, 0)
        self.assertEqual(dom.hasManagedSaveImage(0), 0)
        dom.create()
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_BOOTED])

    def test_running_snapshot_keeps_memory(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        base = self.image("run-a.qcow2", pattern="0x33")
        dom = self.define("snap-run", [self.file_disk(base, "xvda")],
                          memory_mib=512)
        dom.create()
        time.sleep(0.4)
        dom.setMemoryFlags(384 * 1024, E.VIR_DOMAIN_AFFECT_LIVE)
        cpu_before = dom.info()[4]
        snap = dom.snapshotCreateXML(snapshot_xml("live1"), 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        ev.wait("snap-run", E.VIR_DOMAIN_EVENT_STARTED,
                E.VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT)
        sx = snap.getXMLDesc(0)
        self.assertIn("<state>running</state>", sx)
        # The daemon sees its root's lib/ as /var/lib/libvirt.
        self.assertIn("<memory snapshot='external' file='/var/lib/libvirt/"
                      "libxl/snapshot/snap-run/live1.save'/>", sx)
        self.assertTrue(os.path.isfile(os.path.join(self.snapdir("snap-run"),
                                                    "live1.save")))
        # The guest carries on from where it was, on the overlay.
        overlay = self.disk_source(dom, "xvda")
        self.assertEqual(overlay, self.disk_source(
            dom, "xvda", E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual(backing_chain(overlay), [overlay, base])
        info = dom.info()
        self.assertEqual(info[2], 384 * 1024)
        self.assertGreaterEqual(info[4], cpu_before)
        self.assertLess(info[4], cpu_before + 2 * 10**9)
        # The save's job is the last completed one.
        stats = dom.jobStats(E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertEqual(stats["operation"], E.VIR_DOMAIN_JOB_OPERATION_SNAPSHOT)

        # Time passes, memory and disk change.
        time.sleep(0.6)
        dom.setMemoryFlags(256 * 1024, E.VIR_DOMAIN_AFFECT_LIVE)
        self.assertEqual(qemu_io(overlay, "write -P 0x44 0 4k").returncode, 0)
        cpu_later = dom.info()[4]
        self.assertGreater(cpu_later, cpu_before + 50 * 10**6)

        dom.revertToSnapshot(snap, 0)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT])
        ev.wait("snap-run", E.VIR_DOMAIN_EVENT_STOPPED,
                E.VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT)
        ev.wait("snap-run", E.VIR_DOMAIN_EVENT_STARTED,
                E.VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT)
        info = dom.info()
        self.assertEqual(info[2], 384 * 1024)
        self.assertLess(info[4], cpu_later)
        now = self.disk_source(dom, "xvda")
        self.assertEqual(backing_chain(now), [now, base])
        self.assertEqual(qemu_io(now, "read -P 0x33 0 4k").returncode, 0)
        self.assertEqual(self.disk_source(dom, "xvda",
                                          E.VIR_DOMAIN_XML_INACTIVE), now)

        # A paused guest's snapshot comes back paused.
        dom.suspend()
        paused = dom.snapshotCreateXML(snapshot_xml("live2"), 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        self.assertIn("<state>paused</state>", paused.getXMLDesc(0))
        self.assertEqual(paused.getParent(0).getName(), "live1")
        dom.resume()
        dom.revertToSnapshot(paused, 0)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                       E.VIR_DOMAIN_PAUSED_FROM_SNAPSHOT])
        dom.revertToSnapshot(paused, E.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

        # A shut-off domain reverts to a running snapshot and runs.
        dom.destroy()
        dom.revertToSnapshot(snap, 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(dom.info()[2], 384 * 1024)

    def test_running_disk_only_and_halt(self):
        base = self.image("do-a.qcow2")
        dom = self.define("snap-do", [self.file_disk(base, "xvda")])
        dom.create()
        snap = dom.snapshotCreateXML(snapshot_xml("d1"),
                                     E.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY)
        self.assertIn("<state>disk-snapshot</state>", snap.getXMLDesc(0))
        self.assertIn("<memory snapshot='no'/>", snap.getXMLDesc(0))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        # No memory image is left for a disk-only snapshot.
        self.assertEqual([f for f in os.listdir(self.snapdir("snap-do"))
                          if not f.endswith(".xml")], [])
        halted = dom.snapshotCreateXML(snapshot_xml("h1"),
                                       E.VIR_DOMAIN_SNAPSHOT_CREATE_HALT)
        self.assertFalse(dom.isActive())
        self.assertIn("<state>running</state>", halted.getXMLDesc(0))
        dom.revertToSnapshot(halted, 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_delete_flags(self):
        base = self.image("del-a.qcow2", pattern=0x21)
        dom = self.define("snap-del", [self.file_disk(base, "xvda")])
        for name in ("a", "b", "c", "d"):
            dom.snapshotCreateXML(snapshot_xml(name), 0)
        # a <- b <- c <- d ; revert to b, then e is b's second child.
        dom.revertToSnapshot(dom.snapshotLookupByName("b", 0), 0)
        dom.snapshotCreateXML(snapshot_xml("e"), 0)
        b = dom.snapshotLookupByName("b", 0)
        self.assertEqual(sorted(b.listChildrenNames(0)), ["c", "e"])
        self.assertEqual(b.numChildren(E.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS), 3)
        d_ = os.path.dirname(base)
        files = set(os.listdir(d_))
        names = sorted(dom.snapshotListNames(0))

        # c's overlay holds d's state, and the domain's disks no longer
        # build on it (the revert left that branch): refused, as libvirt
        # refuses, nothing changes.
        c = dom.snapshotLookupByName("c", 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, c.delete, 0,
                                msg_contains="holds the state of snapshot 'd'")
        self.assertEqual(sorted(dom.snapshotListNames(0)), names)
        self.assertEqual(set(os.listdir(d_)), files)
        # d first (nothing reads its overlay: it goes), then c: that
        # branch's overlays are gone; d is no child of b.
        dom.snapshotLookupByName("d", 0).delete(0)
        c.delete(0)
        self.assertFalse(os.path.exists(os.path.join(self.snapdir("snap-del"), "c.xml")))
        self.assertEqual(set(os.listdir(d_)), files - {"del-a.c", "del-a.d"})
        self.assertEqual(b.listChildrenNames(0), ["e"])

        # children-only keeps b, drops e; e's overlay is the domain's
        # disk: merged into its base (b's fresh overlay), which the
        # domain uses again; e was current, b is now.
        top = self.disk_source(dom, "xvda")
        below = backing_chain(top)[1]
        self.assertEqual(qemu_io(top, "write -P 0x77 8k 4k").returncode, 0)
        b.delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)
        self.assertEqual(sorted(dom.snapshotListNames(0)), ["a", "b"])
        self.assertEqual(dom.snapshotCurrent(0).getName(), "b")
        self.assertFalse(os.path.exists(top))
        self.assertEqual(self.disk_source(dom, "xvda"), below)
        self.assertEqual(qemu_io(below, "read -P 0x77 8k 4k").returncode, 0)
        self.assertEqual(qemu_io(below, "read -P 0x21 0 4k").returncode, 0)

        a = dom.snapshotLookupByName("a", 0)
        # metadata-only, with children: everything from a down, files stay.
        files = set(os.listdir(d_))
        a.delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
                 E.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY)
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual(dom.hasCurrentSnapshot(0), 0)
        self.assertEqual(set(os.listdir(d_)), files)
        self.assertEqual([f for f in os.listdir(self.snapdir("snap-del"))
                          if f.endswith(".xml")], [])
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, b.delete,
                                E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
                                E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)

    def test_delete_merges_chain(self):
        """A shut-off domain's linear chain: deleting with --children
        merges every overlay back into the disk's image."""
        base = self.image("mg-a.qcow2", pattern=0x21)
        dom = self.define("snap-mg", [self.file_disk(base, "xvda")])
        for i, name in enumerate(("m1", "m2", "m3")):
            dom.snapshotCreateXML(snapshot_xml(name), 0)
            top = self.disk_source(dom, "xvda")
            self.assertEqual(qemu_io(top, f"write -P {0x40 + i} {i * 4}k 4k")
                             .returncode, 0)
        self.assertEqual(len(backing_chain(top)), 4)
        # m2 alone: its overlay is merged into m1's, m3 moves onto it.
        m2 = dom.snapshotLookupByName("m2", 0)
        dom.snapshotLookupByName("m2", 0).delete(0)
        chain = backing_chain(self.disk_source(dom, "xvda"))
        self.assertEqual(len(chain), 3)
        self.assertEqual(dom.snapshotLookupByName("m3", 0).getParent(0).getName(), "m1")
        m3xml = dom.snapshotLookupByName("m3", 0).getXMLDesc(0)
        self.assertIn(f"<source file='{chain[1]}'/>", m3xml)
        del m2
        dom.snapshotLookupByName("m1", 0).delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual(self.disk_source(dom, "xvda"), base)
        self.assertEqual(sorted(f for f in os.listdir(os.path.dirname(base))
                                if f.startswith("mg-a")), ["mg-a.qcow2"])
        for i in range(3):
            self.assertEqual(qemu_io(base, f"read -P {0x40 + i} {i * 4}k 4k")
                             .returncode, 0, i)
        # The domain boots on it.
        dom.create()
        dom.destroy()

    def test_metadata_survives_restart_and_undefine_rules(self):
        base = self.image("rs-a.qcow2")
        dom = self.define("snap-rs", [self.file_disk(base, "xvda")])
        dom.snapshotCreateXML(snapshot_xml("r1"), 0)
        dom.create()
        dom.snapshotCreateXML(snapshot_xml("r2"), 0)
        xml_r2 = dom.snapshotLookupByName("r2", 0).getXMLDesc(0)
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("snap-rs")
        self.assertTrue(dom.isActive())
        self.assertEqual(sorted(dom.snapshotListNames(0)), ["r1", "r2"])
        self.assertEqual(dom.snapshotCurrent(0).getName(), "r2")
        r2 = dom.snapshotLookupByName("r2", 0)
        self.assertEqual(r2.getParent(0).getName(), "r1")
        self.assertEqual(r2.getXMLDesc(0), xml_r2)
        # Revert still works after the restart.
        dom.revertToSnapshot(dom.snapshotLookupByName("r1", 0), 0)
        self.assertFalse(dom.isActive())

        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.undefine,
                                msg_contains="snapshots")
        self.assertTrue(dom.isPersistent())
        res = self.daemon.virsh("undefine", "snap-rs", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.daemon.virsh("undefine", "snap-rs", "--snapshots-metadata")
        self.assertFalse(os.path.exists(self.snapdir("snap-rs")))
        # Defined again under that name, it has no snapshots.
        dom = self.define("snap-rs", [self.file_disk(base, "xvda")])
        self.assertEqual(dom.snapshotNum(0), 0)

    def test_bad_input_leaves_nothing(self):
        good = self.image("bad-a.qcow2")
        raw = self.image("bad-raw.img", fmt="raw")
        iso = self.image("bad.iso", fmt="raw")
        dom = self.define("snap-bad", [
            self.file_disk(good, "xvda"),
            self.file_disk(iso, "xvdc", fmt="raw", device="cdrom",
                           extra="<readonly/>")])
        images = sorted(os.listdir(os.path.dirname(good)))
        xml_before = dom.XMLDesc(0)

        def refused(code, xml, flags=0, text=None, target=dom):
            self.assertLibvirtError(code, target.snapshotCreateXML, xml,
                                    flags, msg_contains=text)
            self.assertEqual(target.snapshotNum(0), 0)
            self.assertEqual(sorted(os.listdir(os.path.dirname(good))), images)
            self.assertEqual(target.XMLDesc(0), xml_before
                             if target is dom else target.XMLDesc(0))

        refused(E.VIR_ERR_XML_DETAIL, "<domainsnapshot><name>x</name>")
        refused(E.VIR_ERR_INVALID_ARG, snapshot_xml("a/b"), text="invalid snapshot name")
        refused(E.VIR_ERR_CONFIG_UNSUPPORTED, snapshot_xml(
            "x", disks="<disks><disk name='xvda' snapshot='internal'/></disks>"),
            text="'xvda'")
        refused(E.VIR_ERR_CONFIG_UNSUPPORTED, snapshot_xml(
            "x", disks="<disks><disk name='xvdc' snapshot='external'/></disks>"),
            text="disk 'xvdc' cannot be snapshotted")
        refused(E.VIR_ERR_CONFIG_UNSUPPORTED, snapshot_xml(
            "x", disks="<disks><disk name='xvdz'/></disks>"), text="xvdz")
        refused(E.VIR_ERR_CONFIG_UNSUPPORTED, snapshot_xml(
            "x", disks="<disks><disk name='xvda'/><disk name='xvda'/></disks>"),
            text="twice")
        refused(E.VIR_ERR_CONFIG_UNSUPPORTED, snapshot_xml(
            "x", disks="<disks><disk name='xvda' snapshot='no'>"
                       "<source file='/tmp/o.qcow2'/></disk></disks>"),
            text="needs snapshot='external'")
        refused(E.VIR_ERR_CONFIG_UNSUPPORTED, snapshot_xml(
            "x", disks="<disks><disk name='xvda' snapshot='no'/></disks>"),
            text="nothing")
        refused(E.VIR_ERR_XML_ERROR, snapshot_xml(
            "x", memory=f"<memory snapshot='external' file='{good}.mem'/>"),
            text="memory state cannot be saved")
        # An overlay file that exists already.
        taken = os.path.join(os.path.dirname(good), "taken.qcow2")
        open(taken, "w").close()
        images = sorted(os.listdir(os.path.dirname(good)))
        refused(E.VIR_ERR_OPERATION_INVALID, snapshot_xml(
            "x", disks=f"<disks><disk name='xvda'><source file='{taken}'/>"
                       f"</disk></disks>"), text="exists already")
        # Reusing an overlay that is not there (test_snapshot_flags has
        # the rest of --reuse-external).
        refused(E.VIR_ERR_OPERATION_INVALID, snapshot_xml("x"),
                E.VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT,
                text="is not an existing regular file")

        # Disks that cannot be snapshotted are named.
        rawdom = self.define("snap-raw", [self.file_disk(raw, "xvda", fmt="raw")])
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED,
                                rawdom.snapshotCreateXML, snapshot_xml("x"), 0,
                                msg_contains="disk 'xvda' cannot be snapshotted: its format is 'raw'")
        blk = self.conn.defineXML(self.domain_xml("snap-blk", [
            "<disk type='block' device='disk'><driver name='phy'/>"
            "<source dev='/dev/null'/><target dev='xvda' bus='xen'/></disk>"]))
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED,
                                blk.snapshotCreateXML, snapshot_xml("x"), 0,
                                msg_contains="'block' disk")
        net = self.conn.defineXML(self.domain_xml("snap-net", [
            "<disk type='network' device='disk'><driver name='qemu' type='qcow2'/>"
            "<source protocol='rbd' name='pool/e'><host name='h' port='6789'/></source>"
            "<target dev='xvda' bus='xen'/></disk>"]))
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED,
                                net.snapshotCreateXML, snapshot_xml("x"), 0,
                                msg_contains="'network' disk")
        for d in (rawdom, blk, net):
            self.assertEqual(d.snapshotNum(0), 0)

        # A duplicate name; lookups of what is not there.
        s = dom.snapshotCreateXML(snapshot_xml("one"), 0)
        images = sorted(os.listdir(os.path.dirname(good)))
        xml_before = dom.XMLDesc(0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                dom.snapshotCreateXML, snapshot_xml("one"), 0,
                                msg_contains="already")
        self.assertEqual(dom.snapshotNum(0), 1)
        self.assertEqual(sorted(os.listdir(os.path.dirname(good))), images)
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN_SNAPSHOT,
                                dom.snapshotLookupByName, "nope", 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.revertToSnapshot, s,
                                E.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING |
                                E.VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED)
        # A transient domain has no snapshots here.
        tr = self.conn.createXML(self.domain_xml("snap-tr", [
            self.file_disk(self.image("tr-a.qcow2"), "xvda")]), 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                tr.snapshotCreateXML, snapshot_xml("x"), 0,
                                msg_contains="transient")

    def test_running_failure_keeps_guest(self):
        """A save that fails mid-snapshot leaves the guest running as it
        was, with no overlay, no image and no metadata."""
        base = self.image("fl-a.qcow2")
        dom = self.define("snap-fail", [self.file_disk(base, "xvda")])
        dom.create()
        domid = dom.ID()
        images = sorted(os.listdir(os.path.dirname(base)))
        self.daemon.inject_fault("domainSave")
        with self.assertRaises(libvirt.libvirtError):
            dom.snapshotCreateXML(snapshot_xml("f1"), 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(dom.ID(), domid)
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual(sorted(os.listdir(os.path.dirname(base))), images)
        self.assertEqual(self.disk_source(dom, "xvda"), base)
        leftovers = os.listdir(self.snapdir("snap-fail")) \
            if os.path.isdir(self.snapdir("snap-fail")) else []
        self.assertEqual(leftovers, [])

        # An overlay that cannot be made once the memory is saved: the
        # guest comes back from the image on its own disk, nothing kept.
        time.sleep(0.3)
        cpu = dom.info()[4]
        self.assertLibvirtError(
            E.VIR_ERR_OPERATION_FAILED, dom.snapshotCreateXML, snapshot_xml(
                "f2", disks="<disks><disk name='xvda'><source "
                            "file='/nonexistent-vxl/o.qcow2'/></disk></disks>"),
            0, msg_contains="cannot create the snapshot overlay")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertGreaterEqual(dom.info()[4], cpu)
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual(self.disk_source(dom, "xvda"), base)
        self.assertEqual(self.disk_source(dom, "xvda",
                                          E.VIR_DOMAIN_XML_INACTIVE), base)
        self.assertEqual(sorted(os.listdir(os.path.dirname(base))), images)
        self.assertEqual([f for f in os.listdir(self.snapdir("snap-fail"))], [])

    def test_redefine(self):
        base = self.image("rd-a.qcow2")
        dom = self.define("snap-rd", [self.file_disk(base, "xvda")])
        dom.snapshotCreateXML(snapshot_xml("p1"), 0)
        s2 = dom.snapshotCreateXML(snapshot_xml("p2", "two"), 0)
        xml = s2.getXMLDesc(E.VIR_DOMAIN_SNAPSHOT_XML_SECURE)
        s2.delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY)
        self.assertEqual(dom.snapshotListNames(0), ["p1"])
        self.assertEqual(dom.snapshotCurrent(0).getName(), "p1")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.snapshotCreateXML,
                                xml, E.VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT)
        # Back as it was: parent, description, current.
        s2 = dom.snapshotCreateXML(xml, E.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE |
                                   E.VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT)
        self.assertEqual(s2.getParent(0).getName(), "p1")
        self.assertEqual(dom.snapshotCurrent(0).getName(), "p2")
        self.assertEqual(s2.getXMLDesc(E.VIR_DOMAIN_SNAPSHOT_XML_SECURE), xml)
        # Edited in place: a new description.
        s2 = dom.snapshotCreateXML(xml.replace("two", "edited"),
                                   E.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        self.assertIn("<description>edited</description>", s2.getXMLDesc(0))
        self.assertEqual(dom.snapshotNum(0), 2)
        # A parent that does not exist, another domain's uuid.
        self.assertLibvirtError(
            E.VIR_ERR_INVALID_ARG, dom.snapshotCreateXML,
            xml.replace("<name>p1</name>", "<name>gone</name>")
               .replace("<name>p2</name>", "<name>p3</name>"),
            E.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        self.assertEqual(dom.snapshotNum(0), 2)
        # Survives a restart like any other, and reverts.
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("snap-rd")
        self.assertEqual(dom.snapshotCurrent(0).getName(), "p2")
        dom.revertToSnapshot(dom.snapshotLookupByName("p2", 0), 0)
        now = self.disk_source(dom, "xvda")
        self.assertEqual(len(backing_chain(now)), 3)

    def test_virsh_commands(self):
        base = self.image("vs-a.qcow2")
        custom = os.path.join(os.path.dirname(base), "vs-custom.qcow2")
        mem = os.path.join(os.path.dirname(base), "vs-mem.save")
        self.define("snap-vs", [self.file_disk(base, "xvda")])
        self.daemon.virsh("snapshot-create-as", "snap-vs", "v1", "first",
                          "--diskspec", f"xvda,snapshot=external,file={custom}")
        self.assertEqual(backing_chain(custom), [custom, base])
        info = self.daemon.virsh("snapshot-info", "snap-vs", "v1").stdout
        self.assertRegex(info, r"Current:\s+yes")
        self.assertRegex(info, r"State:\s+shutoff")
        self.assertRegex(info, r"Location:\s+external")
        self.daemon.virsh("start", "snap-vs")
        self.daemon.virsh("snapshot-create-as", "snap-vs", "v2",
                          "--memspec", f"file={mem}")
        self.assertTrue(os.path.isfile(mem))
        out = self.daemon.virsh("snapshot-list", "snap-vs", "--parent").stdout
        self.assertRegex(out, r"v2\s+.*running\s+v1")
        self.assertIn(f"file='{mem}'",
                      self.daemon.virsh("snapshot-dumpxml", "snap-vs", "v2").stdout)
        self.daemon.virsh("snapshot-revert", "snap-vs", "v1")
        self.assertIn("shut off", self.daemon.virsh("domstate", "snap-vs").stdout)
        self.daemon.virsh("snapshot-revert", "snap-vs", "v2")
        self.assertIn("running", self.daemon.virsh("domstate", "snap-vs").stdout)
        # The guest runs on v2's overlay again: deleting v2 leaves it
        # running on that overlay (the disk's own data now, in its
        # chain), v1 is current; shut off, deleting v1 merges.
        dom = self.conn.lookupByName("snap-vs")
        domid, top = dom.ID(), self.disk_source(dom, "xvda")
        chain = backing_chain(top)
        self.daemon.virsh("snapshot-delete", "snap-vs", "v2")
        self.assertFalse(os.path.exists(mem))
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT])
        self.assertEqual(dom.ID(), domid)
        self.assertEqual(self.disk_source(dom, "xvda"), top)
        self.assertEqual(backing_chain(top), chain)
        self.assertEqual(dom.snapshotCurrent(0).getName(), "v1")
        self.daemon.virsh("destroy", "snap-vs")
        self.daemon.virsh("snapshot-delete", "snap-vs", "v1")
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual(backing_chain(self.disk_source(dom, "xvda"))[-1], base)
        res = self.daemon.virsh("snapshot-revert", "snap-vs", "v2", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("has no snapshot named 'v2'", res.stderr)

    def test_delete_current_while_running(self):
        """The snapshot a running guest runs on goes live, as with libvirt's
        qemu driver: the guest runs on, untouched, its overlay stays in
        the disk's chain holding what the guest wrote; the memory image
        goes; the parent becomes current, and deleting it with the
        domain off merges its overlay under the kept one."""
        base = self.image("cur-a.qcow2", pattern="0x31")
        dom = self.define("snap-cur", [self.file_disk(base, "xvda")])
        dom.snapshotCreateXML(snapshot_xml("p1"), 0)
        dom.create()
        self.assertEqual(qemu_io(self.disk_source(dom, "xvda"),
                                 "write -P 0x32 4k 4k").returncode, 0)
        live = dom.snapshotCreateXML(snapshot_xml("r1"), 0)
        self.assertTrue(dom.isActive())
        images = [f for f in os.listdir(self.snapdir("snap-cur"))
                  if not f.endswith(".xml")]
        self.assertEqual(len(images), 1, images)
        domid, top = dom.ID(), self.disk_source(dom, "xvda")
        chain = backing_chain(top)
        self.assertEqual(len(chain), 3, chain)
        self.assertEqual(qemu_io(top, "write -P 0x33 8k 4k").returncode, 0)

        live.delete(0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(dom.ID(), domid)
        self.assertEqual(dom.snapshotListNames(0), ["p1"])
        self.assertEqual(dom.snapshotCurrent(0).getName(), "p1")
        self.assertEqual(self.disk_source(dom, "xvda"), top)
        self.assertEqual(backing_chain(top), chain)
        self.assertEqual([f for f in os.listdir(self.snapdir("snap-cur"))
                          if not f.endswith(".xml")], [])
        for pattern, where in (("0x31", "0"), ("0x32", "4k"), ("0x33", "8k")):
            self.assertEqual(qemu_io(top, f"read -P {pattern} {where} 4k").returncode, 0)

        # Off: p1's overlay (the middle of the chain) is merged into the
        # base, and the kept overlay moves onto it.
        dom.destroy()
        dom.snapshotLookupByName("p1", 0).delete(0)
        self.assertEqual(dom.snapshotNum(0), 0)
        top = self.disk_source(dom, "xvda")
        self.assertEqual(backing_chain(top)[-1], base)
        self.assertEqual(len(backing_chain(top)), 2)
        for pattern, where in (("0x31", "0"), ("0x32", "4k"), ("0x33", "8k")):
            self.assertEqual(qemu_io(top, f"read -P {pattern} {where} 4k").returncode, 0)
        dom.create()
        self.assertTrue(dom.isActive())

    def test_no_overlay_left_behind(self):
        """Overlays the driver made go once no snapshot and no definition
        needs them, and never one still in a chain: (a) the overlay a
        live delete of the current snapshot kept in the running guest's
        chain goes when a revert moves the domain elsewhere; (b) a
        revert's fresh overlay (NAME-N) that only a deleted snapshot's
        state was in goes with that snapshot. The domain's own image
        stays."""
        def files(prefix):
            return sorted(os.path.join(os.path.dirname(base), f)
                          for f in os.listdir(os.path.dirname(base))
                          if f.startswith(prefix))

        # (a)
        base = self.image("lk-a.qcow2", pattern="0x51")
        dom = self.define("snap-lka", [self.file_disk(base, "xvda")])
        dom.snapshotCreateXML(snapshot_xml("p1"), 0)
        p1 = self.disk_source(dom, "xvda")
        dom.create()
        dom.snapshotCreateXML(snapshot_xml("r1"), 0)
        r1 = self.disk_source(dom, "xvda")
        dom.snapshotCreateXML(snapshot_xml("r2"), 0)
        r2 = self.disk_source(dom, "xvda")
        self.assertEqual(backing_chain(r2), [r2, r1, p1, base])
        # Both live: each overlay stays in the running guest's chain.
        dom.snapshotLookupByName("r2", 0).delete(0)
        dom.snapshotLookupByName("r1", 0).delete(0)
        self.assertEqual(self.disk_source(dom, "xvda"), r2)
        self.assertEqual(backing_chain(r2), [r2, r1, p1, base])
        dom.revertToSnapshot(dom.snapshotLookupByName("p1", 0), 0)
        fresh = self.disk_source(dom, "xvda")
        self.assertEqual(fresh, p1 + "-1")
        # p1 keeps its overlay (its own: a delete of p1 deals with it),
        # the revert's fresh one is the domain's; the two kept ones are
        # gone.
        self.assertEqual(files("lk-a"), sorted([base, p1, fresh]))
        self.assertEqual(backing_chain(fresh), [fresh, base])
        dom.create()
        dom.destroy()
        dom.snapshotLookupByName("p1", 0).delete(0)
        self.assertEqual(files("lk-a"), sorted([base, fresh]))

        # (b)
        base = self.image("lk-b.qcow2", pattern="0x52")
        dom = self.define("snap-lkb", [self.file_disk(base, "xvda")])
        dom.snapshotCreateXML(snapshot_xml("s1"), 0)
        o1 = self.disk_source(dom, "xvda")
        dom.snapshotCreateXML(snapshot_xml("s2"), 0)
        # s2's state is in o1: the revert to s1 makes o1-1 on the base
        # (s2's overlay goes: what was written after s2 is thrown away).
        dom.revertToSnapshot(dom.snapshotLookupByName("s1", 0), 0)
        o11 = self.disk_source(dom, "xvda")
        self.assertEqual(o11, o1 + "-1")
        dom.snapshotCreateXML(snapshot_xml("s3"), 0)
        self.assertEqual(backing_chain(self.disk_source(dom, "xvda"))[1], o11)
        dom.revertToSnapshot(dom.snapshotLookupByName("s2", 0), 0)
        o2 = self.disk_source(dom, "xvda")
        self.assertEqual(backing_chain(o2), [o2, o1, base])
        self.assertIn(o11, files("lk-b"))
        # Only s3's state was in o1-1.
        dom.snapshotLookupByName("s3", 0).delete(0)
        self.assertEqual(files("lk-b"), sorted([base, o1, o2]))
        # Everything left still reads: each snapshot reverts, the domain
        # boots on each.
        for name in ("s1", "s2"):
            dom.revertToSnapshot(dom.snapshotLookupByName(name, 0),
                                 E.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)
            self.assertEqual(qemu_io(self.disk_source(dom, "xvda"),
                                     "read -P 0x52 0 4k").returncode, 0)
            dom.destroy()
        # The base stays when the last snapshot goes.
        dom.snapshotLookupByName("s1", 0).delete(
            E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)
        self.assertIn(base, files("lk-b"))
        self.assertEqual(backing_chain(self.disk_source(dom, "xvda"))[-1], base)

    def test_rename_refused_with_snapshots(self):
        dom = self.define("snap-ren", [self.file_disk(self.image("ren.qcow2"), "xvda")])
        dom.snapshotCreateXML(snapshot_xml("n1"), 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.rename,
                                "snap-ren2", 0, msg_contains="snapshots")
        self.assertEqual(dom.name(), "snap-ren")


class SlowSnapshotTest(SnapshotBase):
    """32 MiB/s: a 512 MiB guest's memory takes 16 s to save, time
    enough for the looks and the abort on a loaded machine (the abort
    ends it early)."""
    conf = ("sim_save_rate_mib = 32",)

    def test_progress_and_abort(self):
        base = self.image("slow-a.qcow2")
        dom = self.define("snap-slow", [self.file_disk(base, "xvda")],
                          memory_mib=512)
        dom.create()
        domid = dom.ID()
        images = sorted(os.listdir(os.path.dirname(base)))
        other = libvirt.open(self.daemon.uri)
        self.addCleanup(other.close)
        out = {}

        def take():
            try:
                out["ret"] = other.lookupByName("snap-slow").snapshotCreateXML(
                    snapshot_xml("slow1"), 0)
            except libvirt.libvirtError as e:
                out["err"] = e

        t = threading.Thread(target=take)
        t.start()
        self.addCleanup(t.join, 30)
        wait_for(lambda: dom.jobInfo()[0] == E.VIR_DOMAIN_JOB_UNBOUNDED,
                 what="the snapshot job to show")
        stats = dom.jobStats(0)
        self.assertEqual(stats["operation"], E.VIR_DOMAIN_JOB_OPERATION_SNAPSHOT)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                       E.VIR_DOMAIN_PAUSED_SNAPSHOT])
        first = stats["memory_processed"]
        time.sleep(0.5)
        self.assertGreater(dom.jobStats(0)["memory_processed"], first)

        self.daemon.virsh("domjobabort", "snap-slow")
        t.join(bound(10))
        self.assertFalse(t.is_alive())
        self.assertEqual(out["err"].get_error_code(), E.VIR_ERR_OPERATION_ABORTED)
        # The guest runs on as it was: same domain, its disk, nothing kept.
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(dom.ID(), domid)
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual(self.disk_source(dom, "xvda"), base)
        self.assertEqual(sorted(os.listdir(os.path.dirname(base))), images)
        self.assertEqual(os.listdir(self.snapdir("snap-slow")), [])


if __name__ == "__main__":
    unittest.main()
