# SPDX-License-Identifier: LGPL-2.1-or-later
"""Snapshot creation flags through stock libvirtd on the simulator:
--reuse-external (overlays the caller made, checked to sit on the disk),
--no-metadata (taken, then not listed), --quiesce (the guest agent
freezes and thaws the filesystems; refused without an agent or a running
guest); and snapshot metadata read on first
use after a restart (a listing filtered by snapshots still sees it)."""

import os
import subprocess
import unittest

import libvirt

from test_snapshot import SnapshotBase, backing_chain, qemu_img, qemu_io, snapshot_xml
from vxltest import SIM_NS, wait_for

E = libvirt
REUSE = E.VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT
DISK_ONLY = E.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY


def overlay_on(base, path, fmt="qcow2"):
    qemu_img("create", "-q", "-f", fmt, "-b", base, "-F", "qcow2", path)
    return path


def disks_xml(path, dev="xvda"):
    return (f"<disks><disk name='{dev}' snapshot='external'>"
            f"<source file='{path}'/></disk></disks>")


class SnapshotFlagsTest(SnapshotBase):
    conf = ("sim_save_rate_mib = 4096",)

    def files(self, path):
        return sorted(os.listdir(os.path.dirname(path)))

    def test_reuse_external_shutoff(self):
        base = self.image("re-a.qcow2", pattern=0x21)
        other = self.image("re-other.qcow2")
        dom = self.define("snap-re", [self.file_disk(base, "xvda")])
        top = self.daemon.path("images", "re-top.qcow2")

        # Missing, not qcow2, on the wrong base, no backing: refused,
        # nothing changes.
        before = self.files(base)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.snapshotCreateXML,
                                snapshot_xml("r1", disks=disks_xml(top)), REUSE,
                                msg_contains="is not an existing regular file")
        wrong = overlay_on(other, self.daemon.path("images", "re-wrong.qcow2"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.snapshotCreateXML,
                                snapshot_xml("r1", disks=disks_xml(wrong)), REUSE,
                                msg_contains=f"it is backed by '{other}', not by "
                                             f"the disk's image '{base}'")
        lone = self.image("re-lone.qcow2")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.snapshotCreateXML,
                                snapshot_xml("r1", disks=disks_xml(lone)), REUSE,
                                msg_contains="it has no backing file")
        raw = self.image("re-raw.img", fmt="raw")
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.snapshotCreateXML,
                                snapshot_xml("r1", disks=disks_xml(raw)), REUSE,
                                msg_contains="its format is 'raw', not qcow2")
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual(self.disk_source(dom, "xvda"), base)
        self.assertEqual(self.files(base), sorted(
            before + ["re-wrong.qcow2", "re-lone.qcow2", "re-raw.img"]))

        # The caller's overlay, with data of its own, is taken as it is.
        overlay_on(base, top)
        self.assertEqual(qemu_io(top, "write -P 0x5a 4k 4k").returncode, 0)
        ino = os.stat(top).st_ino
        snap = dom.snapshotCreateXML(snapshot_xml("r1", disks=disks_xml(top)), REUSE)
        self.assertEqual(snap.getName(), "r1")
        self.assertEqual(os.stat(top).st_ino, ino)
        self.assertEqual(qemu_io(top, "read -P 0x5a 4k 4k").returncode, 0)
        self.assertEqual(self.disk_source(dom, "xvda"), top)
        self.assertEqual(backing_chain(top), [top, base])

        # Without the flag, an existing file is still refused.
        top2 = overlay_on(top, self.daemon.path("images", "re-top2.qcow2"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.snapshotCreateXML,
                                snapshot_xml("r2", disks=disks_xml(top2)), 0,
                                msg_contains="exists already")
        # Deleting the snapshot merges the overlay into the disk's image
        # (the caller's overlay too, as libvirt does), which the domain
        # uses again.
        snap.delete(0)
        self.assertFalse(os.path.exists(top))
        self.assertEqual(self.disk_source(dom, "xvda"), base)
        self.assertEqual(qemu_io(base, "read -P 0x5a 4k 4k").returncode, 0)

    def test_reuse_external_running(self):
        base = self.image("rr-a.qcow2")
        dom = self.define("snap-rr", [self.file_disk(base, "xvda")], memory_mib=64)
        dom.create()
        domid = dom.ID()
        top = overlay_on(base, self.daemon.path("images", "rr-top.qcow2"))
        dom.snapshotCreateXML(snapshot_xml("r1", disks=disks_xml(top)),
                              REUSE | DISK_ONLY)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        # Restored from its image onto the overlay: a new domain.
        self.assertNotEqual(self.conn.lookupByName("snap-rr").ID(), domid)
        self.assertEqual(self.disk_source(dom, "xvda"), top)
        self.assertEqual(self.disk_source(dom, "xvda", E.VIR_DOMAIN_XML_INACTIVE), top)
        self.assertEqual(backing_chain(top), [top, base])
        dom.destroy()

    def test_no_metadata(self):
        base = self.image("nm-a.qcow2")
        dom = self.define("snap-nm", [self.file_disk(base, "xvda")])
        dom.snapshotCreateXML(snapshot_xml("kept"), 0)
        snap = dom.snapshotCreateXML(snapshot_xml("gone"),
                                     E.VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA)
        self.assertEqual(snap.getName(), "gone")
        # Taken (the disk is on a new overlay) but not listed; the
        # current snapshot is the one before.
        top = self.disk_source(dom, "xvda")
        self.assertEqual(len(backing_chain(top)), 3)
        self.assertEqual(dom.snapshotListNames(0), ["kept"])
        self.assertEqual(dom.snapshotCurrent(0).getName(), "kept")
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN_SNAPSHOT,
                                dom.snapshotLookupByName, "gone", 0)
        self.assertEqual(sorted(os.listdir(self.snapdir("snap-nm"))), ["kept.xml"])
        # Nor after a restart.
        self.daemon.restart()
        self._reopen()
        dom = self.conn.lookupByName("snap-nm")
        self.assertEqual(dom.snapshotListNames(0), ["kept"])

        # A running domain: its memory image stays where it was put.
        dom.create()
        mem = self.daemon.path("nm.mem")
        dom.snapshotCreateXML(snapshot_xml(
            "live", memory=f"<memory snapshot='external' file='{mem}'/>"),
            E.VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertTrue(os.path.exists(mem))
        self.assertEqual(dom.snapshotListNames(0), ["kept"])
        dom.destroy()

    def _reopen(self):
        try:
            self.conn.close()
        except libvirt.libvirtError:
            pass
        self.conn = libvirt.open(self.daemon.uri)

    def agent_domain(self, name, base, agent=True, running=True):
        sock = self.daemon.path("channels", f"{name}.agent")
        os.makedirs(os.path.dirname(sock), exist_ok=True)
        xml = self.domain_xml(name, [self.file_disk(base, "xvda")], memory_mib=64)
        if agent and running:
            xml = xml.replace(
                "</uuid>",
                f"</uuid><metadata><virtxl:guest xmlns:virtxl='{SIM_NS}' "
                "agent='yes'/></metadata>")
        if agent:
            xml = xml.replace(
                "</devices>",
                f"<channel type='unix'><source mode='bind' path='{sock}'/>"
                "<target type='xen' name='org.qemu.guest_agent.0'/></channel>"
                "</devices>")
        dom = self.conn.defineXML(xml)
        dom.create()
        if agent and running:
            wait_for(lambda: os.path.exists(sock), what="the agent socket")
        return dom

    def test_quiesce(self):
        quiesce = E.VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE
        base = self.image("q-a.qcow2")
        dom = self.agent_domain("snap-q", base)
        # It goes with disk-only, as in libvirt.
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.snapshotCreateXML,
                                snapshot_xml("q0"), quiesce)
        dom.snapshotCreateXML(snapshot_xml("q1"), quiesce | DISK_ONLY)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(dom.snapshotListNames(0), ["q1"])
        # Thawed again: the agent answers commands a frozen guest refuses.
        wait_for(lambda: self._agent_time(dom), timeout=20,
                 what="the agent of the restored guest")
        dom.destroy()

        # Shut off: there is nothing to quiesce.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.snapshotCreateXML,
                                snapshot_xml("q2"), quiesce | DISK_ONLY,
                                msg_contains="it is not running")
        # No agent channel, or no agent answering on it: refused as
        # libvirt refuses (ARGUMENT_UNSUPPORTED, AGENT_UNRESPONSIVE),
        # nothing taken, the guest runs on as it was.
        for what, code, kw in (("nochan", E.VIR_ERR_ARGUMENT_UNSUPPORTED,
                                dict(agent=False)),
                               ("silent", E.VIR_ERR_AGENT_UNRESPONSIVE,
                                dict(running=False))):
            with self.subTest(what=what):
                base2 = self.image(f"q-{what}.qcow2")
                dom2 = self.agent_domain(f"snap-q-{what}", base2, **kw)
                domid = dom2.ID()
                before = self.files(base2)
                self.assertLibvirtError(code, dom2.snapshotCreateXML,
                                        snapshot_xml("q3"), quiesce | DISK_ONLY)
                self.assertEqual(dom2.snapshotNum(0), 0)
                self.assertEqual(self.conn.lookupByName(dom2.name()).ID(), domid)
                self.assertEqual(dom2.state()[0], E.VIR_DOMAIN_RUNNING)
                self.assertEqual(self.files(base2), before)
                dom2.destroy()

    @staticmethod
    def _agent_time(dom):
        try:
            dom.getTime()
            return True
        except libvirt.libvirtError:
            return False

    def test_metadata_read_on_first_use(self):
        base = self.image("lz-a.qcow2")
        dom = self.define("snap-lz", [self.file_disk(base, "xvda")])
        self.define("snap-lz-none", [self.file_disk(self.image("lz-b.qcow2"), "xvda")])
        dom.snapshotCreateXML(snapshot_xml("z1"), 0)
        dom.snapshotCreateXML(snapshot_xml("z2"), 0)
        self.daemon.restart()
        self._reopen()
        # The filtered listing reads what it needs.
        has = {d.name() for d in self.conn.listAllDomains(
            E.VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT)}
        self.assertIn("snap-lz", has)
        self.assertNotIn("snap-lz-none", has)
        self.daemon.restart()
        self._reopen()
        no = {d.name() for d in self.conn.listAllDomains(
            E.VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT)}
        self.assertIn("snap-lz-none", no)
        self.assertNotIn("snap-lz", no)
        self.daemon.restart()
        self._reopen()
        dom = self.conn.lookupByName("snap-lz")
        # Undefine and rename see them without anything listed first.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.undefine)
        self.daemon.restart()
        self._reopen()
        dom = self.conn.lookupByName("snap-lz")
        self.assertEqual(dom.snapshotCurrent(0).getName(), "z2")
        self.assertEqual(dom.snapshotLookupByName("z2", 0).getParent(0).getName(), "z1")


if __name__ == "__main__":
    unittest.main()
