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
                             if d.isPersistent() else None)
        return out

    def calls(self):
        run, off = self.c.lookupByName("df-run"), self.c.lookupByName("df-off")
        return [
            ("start", lambda: off.create()),
            ("create", lambda: self.c.createXML(guest_xml("df-new"), 0)),
            ("define", lambda: self.c.defineXML(guest_xml("df-def"))),
            ("attach", lambda: run.attachDeviceFlags(DISK, LIVE | CONFIG)),
            ("setmem", lambda: run.setMemoryFlags(200 * 1024, LIVE | CONFIG)),
            ("setmem-live", lambda: run.setMemoryFlags(220 * 1024, LIVE)),
            ("setvcpus", lambda: run.setVcpusFlags(2, LIVE | CONFIG)),
            ("setmaxmem", lambda: run.setMemoryFlags(300 * 1024, CONFIG |
                                                      E.VIR_DOMAIN_MEM_MAXIMUM)),
        ]

    def run_each(self, breakage, restore):
        run = self.c.defineXML(guest_xml("df-run", vcpus=1, max_vcpus=4))
        run.create()
        self.c.defineXML(guest_xml("df-off"))
        for what, call in self.calls():
            with self.subTest(call=what):
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
                check_invariants(self, self.c, self.daemon, ["df-run", "df-off"],
                                 start_all=False)
        # And destroy, which needs no write, works on a full disk.
        breakage()
        try:
            self.c.lookupByName("df-run").destroy()
        finally:
            restore()
        self.daemon.restart()
        self.c = libvirt.open(self.daemon.uri)
        self.assertFalse(self.c.lookupByName("df-run").isActive())
        check_invariants(self, self.c, self.daemon, ["df-run", "df-off"])

    def test_full(self):
        self.run_each(self.fill, self.unfill)

    def test_read_only(self):
        self.run_each(lambda: self.readonly(True), lambda: self.readonly(False))


if __name__ == "__main__":
    unittest.main()
