# SPDX-License-Identifier: LGPL-2.1-or-later
"""Full and read-only state directories: the private daemon's state and
config directories live on small tmpfs mounts, which the test fills up
or remounts read-only; every state-changing call then either fails with
a clear error and changes nothing, or succeeds and survives a restart.
Snapshots too: create, revert and a delete that merges an overlay (the
images and the snapshot metadata live elsewhere; the intents and the
definition on the full directories). Also save to a file (on the full
disk itself, and elsewhere while the state directories are full),
restore, rename, and the definition-only writes: scheduler, vCPUs,
memory, title, description and metadata elements. Runs as root (it mounts)."""

import os
import re
import subprocess
import unittest

import libvirt

from crashtest import check_invariants
from test_snapshot import backing_chain, qemu_img, snapshot_xml
from vxltest import guests, Daemon, guest_xml, start_event_loop

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
DISK = ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='/var/lib/xen/images/full.img'/>"
        "<target dev='xvdb' bus='xen'/></disk>")
DISK_C = DISK.replace("full.img", "full-c.img").replace("xvdb", "xvdc")


def mount(*args):
    subprocess.run(["mount"] + list(args), check=True)


@unittest.skipUnless(os.geteuid() == 0, "mounts tmpfs: needs root")
class DiskFullTest(unittest.TestCase):

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon()
        self.addCleanup(self.daemon.cleanup)
        self.mounts = []
        for sub in ("run", "etc"):
            path = self.daemon.path(sub)
            os.makedirs(path, exist_ok=True)
            mount("-t", "tmpfs", "-o", "size=4m,mode=755", "vxl-full", path)
            self.mounts.append(path)
            self.addCleanup(subprocess.run, ["umount", "-l", path])
        self.daemon.start()
        self.c = libvirt.open(self.daemon.uri)
        self.addCleanup(self.c.close)

    def fill(self):
        for path in self.mounts:
            with open(os.path.join(path, "fill"), "wb") as f:
                try:
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
                except OSError:
                    pass

    def unfill(self):
        for path in self.mounts:
            os.unlink(os.path.join(path, "fill"))

    def readonly(self, ro):
        for path in self.mounts:
            mount("-o", "remount," + ("ro" if ro else "rw"), path)

    def snapshot(self):
        out = {}
        for d in guests(self.c):
            out[d.name()] = (d.isActive(), d.state()[0],
                             d.XMLDesc(0) if d.isActive() else None,
                             d.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
                             if d.isPersistent() else None,
                             d.autostart() if d.isPersistent() else None,
                             d.hasManagedSaveImage(0) if d.isPersistent() else None,
                             self.snapshots(d))
        images = self.daemon.path("images")
        out["images"] = sorted(os.listdir(images)) if os.path.isdir(images) else []
        if "df-run" in out:
            dom = self.c.lookupByName("df-run")
            out["sched"] = dom.schedulerParametersFlags(
                E.VIR_DOMAIN_AFFECT_CURRENT) if dom.isActive() else None
        return out

    @staticmethod
    def snapshots(dom):
        """The snapshots of @dom: name, parent, XML; and the current one."""
        if not dom.isPersistent():
            return None
        snaps = []
        for snap in dom.listAllSnapshots(0):
            try:
                parent = snap.getParent(0).getName()
            except libvirt.libvirtError:
                parent = None
            snaps.append((snap.getName(), parent, snap.getXMLDesc(0)))
        current = dom.snapshotCurrent(0).getName() \
            if dom.hasCurrentSnapshot(0) else None
        return sorted(snaps), current

    def snap_domain(self):
        """A shut-off domain on a qcow2 chain base <- s1's <- s2's."""
        base = self.daemon.path("images", "df-snap.qcow2")
        os.makedirs(os.path.dirname(base), exist_ok=True)
        qemu_img("create", "-q", "-f", "qcow2", base, "16M")
        xml = guest_xml("df-snap", disks=0).replace(
            "<devices>",
            "<devices><disk type='file' device='disk'>"
            "<driver name='qemu' type='qcow2'/>"
            f"<source file='{base}'/><target dev='xvda' bus='xen'/></disk>", 1)
        dom = self.c.defineXML(xml)
        dom.snapshotCreateXML(snapshot_xml("s1"), 0)
        dom.snapshotCreateXML(snapshot_xml("s2"), 0)
        return dom

    def calls(self):
        # Looked up at each call: a call that succeeds restarts the daemon.
        def run():
            return self.c.lookupByName("df-run")

        def off():
            return self.c.lookupByName("df-off")

        def snap():
            return self.c.lookupByName("df-snap")

        def cfg():
            # Shut off for good (df-off may be started or undefined above).
            return self.c.lookupByName("df-cfg")

        return [
            ("detach", lambda: run().detachDeviceFlags(DISK_C, LIVE | CONFIG)),
            ("suspend", lambda: run().suspend()),
            ("resume", lambda: run().resume()),
            ("autostart", lambda: off().setAutostart(1)),
            ("start", lambda: off().create()),
            ("create", lambda: self.c.createXML(guest_xml("df-new"), 0)),
            ("define", lambda: self.c.defineXML(guest_xml("df-def"))),
            ("attach", lambda: run().attachDeviceFlags(DISK, LIVE | CONFIG)),
            ("setmem", lambda: run().setMemoryFlags(200 * 1024, LIVE | CONFIG)),
            ("setmem-live", lambda: run().setMemoryFlags(220 * 1024, LIVE)),
            ("setvcpus", lambda: run().setVcpusFlags(2, LIVE | CONFIG)),
            # vCPU 3 on or off line, whichever it is not
            ("setvcpu", lambda: run().setVcpu(
                "3", 0 if "<vcpu id='3' enabled='yes'" in run().XMLDesc(0) else 1,
                LIVE | CONFIG)),
            ("setmaxmem", lambda: run().setMemoryFlags(300 * 1024, CONFIG |
                                                      E.VIR_DOMAIN_MEM_MAXIMUM)),
            ("undefine", lambda: self.c.lookupByName("df-def").undefine()
             if "df-def" in [d.name() for d in guests(self.c)]
             else off().undefine()),
            ("metadata", lambda: run().setMetadata(
                E.VIR_DOMAIN_METADATA_DESCRIPTION, "full", None, None,
                LIVE | CONFIG)),
            ("snapshot-create", lambda: snap().snapshotCreateXML(
                snapshot_xml("s3"), 0)),
            ("snapshot-delete", lambda: snap().snapshotLookupByName(
                "s2", 0).delete(0)),
            ("snapshot-revert", lambda: snap().revertToSnapshot(
                snap().snapshotLookupByName("s1", 0), 0)),
            ("snapshot-delete-children", lambda: snap().snapshotLookupByName(
                "s1", 0).delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)),
            ("managedsave", lambda: run().managedSave(0)),
            # A save image asked for on the full disk itself, then one in a
            # directory with room while the state directories are full, and
            # a restore of such an image.
            ("save-to-full-disk", lambda: run().save(self.full_save_path())),
            ("save", lambda: run().save(self.save_path())),
            ("restore", lambda: self.c.restore(self.save_path())),
            ("rename", lambda: self.c.lookupByName(self.ren_name()).rename(
                "df-ren2" if self.ren_name() == "df-ren" else "df-ren", 0)),
            # Definition-only writes: tuning, descriptions and metadata.
            ("schedinfo-config", lambda: cfg().setSchedulerParametersFlags(
                {"weight": 512, "cap": 50}, CONFIG)),
            ("schedinfo-config-running", lambda: run().setSchedulerParametersFlags(
                {"weight": 384}, CONFIG)),
            ("setvcpus-config", lambda: cfg().setVcpusFlags(2, CONFIG)),
            ("setmaxmem-config-off", lambda: cfg().setMemoryFlags(
                320 * 1024, CONFIG | E.VIR_DOMAIN_MEM_MAXIMUM)),
            ("setmem-config-off", lambda: cfg().setMemoryFlags(
                200 * 1024, CONFIG)),
            ("title", lambda: cfg().setMetadata(
                E.VIR_DOMAIN_METADATA_TITLE, "full title", None, None, CONFIG)),
            ("desc-config", lambda: cfg().setMetadata(
                E.VIR_DOMAIN_METADATA_DESCRIPTION, "full desc", None, None,
                CONFIG)),
            ("metadata-element", lambda: run().setMetadata(
                E.VIR_DOMAIN_METADATA_ELEMENT, "<k v='1'/>", "k",
                "http://virtxl.test/full", LIVE | CONFIG)),
            ("blkiotune", lambda: cfg().setBlkioParameters({"weight": 500},
                                                           CONFIG)),
            ("memtune", lambda: cfg().setMemoryParameters(
                {"hard_limit": 1 << 20}, CONFIG)),
            ("numatune", lambda: cfg().setNumaParameters(
                {"numa_nodeset": "0"}, CONFIG)),
        ]

    # Calls the driver does not offer (libvirt's libxl driver neither):
    # refused as such whatever the disk, and nothing changes.
    UNSUPPORTED = ("blkiotune", "memtune", "numatune")

    def save_path(self):
        return self.daemon.path("images", "df-run.save")

    def full_save_path(self):
        return os.path.join(self.mounts[0], "df-run.save")

    def ren_name(self):
        names = [d.name() for d in guests(self.c)]
        return "df-ren" if "df-ren" in names else "df-ren2"

    def prepare(self, what):
        """Bring df-run into the state @what needs, with the disk intact."""
        dom = self.c.lookupByName("df-run")
        if what == "resume":
            if dom.state()[0] != E.VIR_DOMAIN_PAUSED:
                dom.suspend()
        elif what == "restore":
            if dom.isActive():
                dom.save(self.save_path())
        elif what != "start" and not dom.isActive():
            if os.path.exists(self.save_path()):
                self.c.restore(self.save_path())
            else:
                dom.create()
        if what != "restore" and os.path.exists(self.save_path()):
            os.unlink(self.save_path())

    def run_each(self, breakage, restore):
        run = self.c.defineXML(guest_xml("df-run", vcpus=1, max_vcpus=4))
        run.create()
        run.attachDeviceFlags(DISK_C, LIVE | CONFIG)
        self.c.defineXML(guest_xml("df-off"))
        self.c.defineXML(guest_xml("df-ren"))
        self.c.defineXML(guest_xml("df-cfg", vcpus=1, max_vcpus=4))
        self.snap_domain()
        os.makedirs(self.daemon.path("images"), exist_ok=True)
        for what, call in self.calls():
            with self.subTest(call=what):
                self.prepare(what)
                before = self.snapshot()
                breakage()
                try:
                    call()
                    ok = True
                except libvirt.libvirtError as e:
                    ok = False
                    if what in self.UNSUPPORTED:
                        self.assertEqual(e.get_error_code(),
                                         E.VIR_ERR_NO_SUPPORT, f"{what}: {e}")
                    else:
                        # A clear error: the system's own reason, once.
                        self.assertRegex(str(e),
                                         "No space left|Read-only file system",
                                         f"{what}: {e}")
                        self.assertEqual(len(re.findall(
                            "No space left|Read-only file system", str(e))), 1,
                            f"{what}: {e}")
                    self.assertNotIn("injected", str(e))
                finally:
                    restore()
                if what in self.UNSUPPORTED:
                    self.assertFalse(ok, f"{what} is not offered but succeeded")
                # No partial image on the full disk.
                self.assertFalse(os.path.exists(self.full_save_path()), what)
                if not ok:
                    self.assertEqual(self.snapshot(), before,
                                     f"{what} failed but changed something")
                else:
                    after = self.snapshot()
                    self.daemon.restart()
                    self.c = libvirt.open(self.daemon.uri)
                    self.assertEqual(self.snapshot(), after,
                                     f"{what} succeeded but did not survive a restart")
                check_invariants(self, self.c, self.daemon, self.defined(),
                                 start_all=False)
                self.chain_agrees()
        # And destroy, which needs no write, works on a full disk.
        self.prepare("destroy")
        breakage()
        try:
            self.c.lookupByName("df-run").destroy()
        finally:
            restore()
        self.daemon.restart()
        self.c = libvirt.open(self.daemon.uri)
        self.assertFalse(self.c.lookupByName("df-run").isActive())
        check_invariants(self, self.c, self.daemon, self.defined())

    def chain_agrees(self):
        """df-snap's disk chain and each snapshot's state exist, and no
        image lies about that neither uses nor any snapshot names."""
        dom = self.c.lookupByName("df-snap")
        xml = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        used = set(backing_chain(re.search(r"<source file='([^']+)'", xml)[1]))
        for snap in dom.listAllSnapshots(0):
            sx = snap.getXMLDesc(0)
            state = re.search(r"<source file='([^']+)'",
                              sx.split("<domain", 1)[1])[1]
            self.assertTrue(os.path.exists(state), (snap.getName(), state))
            used |= set(re.findall(r"<source file='([^']+)'", sx))
        images = self.daemon.path("images")
        self.assertLessEqual({os.path.join(images, f) for f in os.listdir(images)
                              if f.startswith("df-snap")}, used)

    def defined(self):
        """The test's domains still defined (undefine may succeed: on a
        full disk, removing a file needs no space)."""
        return [d.name() for d in guests(self.c)
                if d.name() in ("df-run", "df-off", "df-ren", "df-ren2", "df-cfg")
                and d.isPersistent()]

    def test_full(self):
        self.run_each(self.fill, self.unfill)

    def test_read_only(self):
        self.run_each(lambda: self.readonly(True), lambda: self.readonly(False))


@unittest.skipUnless(os.geteuid() == 0, "mounts tmpfs: needs root")
class SaveDirFullTest(unittest.TestCase):
    """Only the save images' directory is full: the state directory takes
    the save's intent, the image cannot be written; the save fails with
    the system's reason, the guest runs on, no partial image is left."""

    def test_managedsave_on_a_full_save_dir(self):
        start_event_loop()
        daemon = Daemon(conf=["sim_save_rate_mib = 256"])
        self.addCleanup(daemon.cleanup)
        lib = daemon.path("lib")
        os.makedirs(lib, exist_ok=True)
        mount("-t", "tmpfs", "-o", "size=1m,mode=755", "vxl-full", lib)
        self.addCleanup(subprocess.run, ["umount", "-l", lib])
        save = daemon.path("lib", "libxl", "save")
        daemon.start()
        c = libvirt.open(daemon.uri)
        self.addCleanup(c.close)
        # 512 MiB of guest: a 2 MiB stream, more than the directory holds.
        dom = c.defineXML(guest_xml("df-save", memory_mib=512))
        dom.create()
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.managedSave(0)
        self.assertRegex(str(cm.exception), "No space left")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertFalse(dom.hasManagedSaveImage(0))
        self.assertEqual(os.listdir(save), [])
        check_invariants(self, c, daemon, ["df-save"])


if __name__ == "__main__":
    unittest.main()
