# SPDX-License-Identifier: LGPL-2.1-or-later
"""Full and read-only state directories: the private daemon's state and
config directories live on small tmpfs mounts, which the test fills up
or remounts read-only; every state-changing call then either fails with
a clear error and changes nothing, or succeeds and survives a restart.
Runs as root (it mounts)."""

import os
import subprocess
import unittest

import libvirt

from crashtest import check_invariants
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
                             d.hasManagedSaveImage(0) if d.isPersistent() else None)
        return out

    def calls(self):
        # Looked up at each call: a call that succeeds restarts the daemon.
        def run():
            return self.c.lookupByName("df-run")

        def off():
            return self.c.lookupByName("df-off")

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
            ("managedsave", lambda: run().managedSave(0)),
        ]

    def run_each(self, breakage, restore):
        run = self.c.defineXML(guest_xml("df-run", vcpus=1, max_vcpus=4))
        run.create()
        run.attachDeviceFlags(DISK_C, LIVE | CONFIG)
        self.c.defineXML(guest_xml("df-off"))
        for what, call in self.calls():
            with self.subTest(call=what):
                if what == "resume" and \
                        self.c.lookupByName("df-run").state()[0] != E.VIR_DOMAIN_PAUSED:
                    self.c.lookupByName("df-run").suspend()
                before = self.snapshot()
                breakage()
                try:
                    call()
                    ok = True
                except libvirt.libvirtError as e:
                    ok = False
                    # A clear error: the system's own reason, once.
                    self.assertRegex(str(e), "No space left|Read-only file system",
                                     f"{what}: {e}")
                    self.assertNotIn("injected", str(e))
                finally:
                    restore()
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
        # And destroy, which needs no write, works on a full disk.
        if not self.c.lookupByName("df-run").isActive():
            self.c.lookupByName("df-run").create()
        breakage()
        try:
            self.c.lookupByName("df-run").destroy()
        finally:
            restore()
        self.daemon.restart()
        self.c = libvirt.open(self.daemon.uri)
        self.assertFalse(self.c.lookupByName("df-run").isActive())
        check_invariants(self, self.c, self.daemon, self.defined())

    def defined(self):
        """The test's domains still defined (undefine may succeed: on a
        full disk, removing a file needs no space)."""
        return [d.name() for d in guests(self.c)
                if d.name() in ("df-run", "df-off") and d.isPersistent()]

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
