# SPDX-License-Identifier: LGPL-2.1-or-later
"""A disk whose file or block device is missing refuses the start.

Real Xen starts a PV or PVH guest whose disk file is gone (qemu's qdisk
opens it later; only blkback's hotplug script fails, and only for block
devices), so the driver looks for every local source first, as libvirt's
qemu driver does: at start, restore, incoming migration, disk hot-plug
and cdrom media change. The client gets SYSTEM_ERROR naming the disk and
the path; the domain is as it was. startupPolicy is honoured as libvirt
defines it: 'optional' lets a missing disk go at a cold boot (a cdrom
starts empty, a disk is left out of the live definition, with a disk
change event), 'requisite' and 'optional' let a cdrom's medium go when
the guest comes back from a save image or a migration.

Host B is told to check (sim_check_disk_sources = 1), as the driver does
on real Xen; host A takes made-up paths (the simulator's default), which
is how a guest whose disk is missing on B can run on A before its
migration."""

import os
import shutil
import tempfile
import unittest

import libvirt

from test_migration import TwoHosts
from vxltest import EventWatch, guest_xml

E = libvirt


class DiskPresenceTest(TwoHosts):

    b_disk_checks = True

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="vxl-disks-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.c = self.cb

    def path(self, name, create=False):
        p = os.path.join(self.dir, name)
        if create:
            with open(p, "wb") as f:
                f.truncate(1 << 20)
        return p

    def guest(self, name, ostype="xen", disk=None, extra=""):
        """@name with one disk at @disk (made here) and @extra devices."""
        disk = disk or self.path(name + ".img", create=True)
        xml = guest_xml(name, ostype=ostype, nics=0)
        xml = xml.replace(f"/var/lib/xen/images/{name}-0.img", disk)
        return xml.replace("</devices>", extra + "</devices>")

    def assert_missing(self, err, dst, path):
        e = err.exception
        self.assertEqual(e.get_error_code(), E.VIR_ERR_SYSTEM_ERROR, str(e))
        self.assertIn(f"'{path}'", str(e))
        self.assertIn(f"disk '{dst}'", str(e))
        self.assertIn("No such file or directory", str(e))

    def disk_targets(self, dom, flags=0):
        xml = dom.XMLDesc(flags)
        return [t.split("'")[1] for t in xml.split("<target dev=")[1:]]

    # ----- start --------------------------------------------------------

    def test_missing_file_refuses_pv_and_pvh(self):
        for ostype in ("xen", "xenpvh"):
            with self.subTest(ostype=ostype):
                name = "dp-" + ostype
                img = self.path(name + ".img")
                dom = self.c.defineXML(self.guest(name, ostype, disk=img))
                with self.assertRaises(E.libvirtError) as err:
                    dom.create()
                self.assert_missing(err, "xvda", img)
                self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF,
                                               E.VIR_DOMAIN_SHUTOFF_UNKNOWN])
                self.path(name + ".img", create=True)
                dom.create()
                self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_missing_file_refuses_createxml_and_virsh_says_so(self):
        img = self.path("dp-virsh.img")
        with self.assertRaises(E.libvirtError) as err:
            self.c.createXML(self.guest("dp-transient", disk=img), 0)
        self.assert_missing(err, "xvda", img)
        self.assertNotIn("dp-transient", [d.name() for d in self.c.listAllDomains()])
        xml = self.path("dp-virsh.xml")
        with open(xml, "w") as f:
            f.write(self.guest("dp-virsh", disk=img))
        self.b.virsh("define", xml)
        res = self.b.virsh("start", "dp-virsh", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn(f"cannot access the source '{img}' of disk 'xvda'",
                      res.stderr)

    def test_missing_block_device(self):
        dev = "/dev/vxl-no-such-device"
        extra = ("<disk type='block' device='disk'>"
                 f"<source dev='{dev}'/><target dev='xvdb' bus='xen'/></disk>")
        dom = self.c.defineXML(self.guest("dp-block", extra=extra))
        with self.assertRaises(E.libvirtError) as err:
            dom.create()
        self.assert_missing(err, "xvdb", dev)

    def test_optional_disk_is_left_out(self):
        gone = self.path("dp-optional-b.img")
        extra = ("<disk type='file' device='disk'>"
                 f"<source file='{gone}' startupPolicy='optional'/>"
                 "<target dev='xvdb' bus='xen'/></disk>")
        seen = EventWatch(self.c)
        self.addCleanup(seen.close)
        seen.watch(E.VIR_DOMAIN_EVENT_ID_DISK_CHANGE,
                   lambda dom, old, new, alias, reason: (dom.name(), old, reason))
        dom = self.c.defineXML(self.guest("dp-optional", extra=extra))
        dom.create()
        self.assertEqual(self.disk_targets(dom), ["xvda"])
        self.assertEqual(self.disk_targets(dom, E.VIR_DOMAIN_XML_INACTIVE),
                         ["xvda", "xvdb"])
        seen.wait_seen(("dp-optional", gone,
                        E.VIR_DOMAIN_EVENT_DISK_DROP_MISSING_ON_START),
                       "disk drop event")
        # The next start looks again, and takes the disk once it is there.
        dom.destroy()
        self.path("dp-optional-b.img", create=True)
        dom.create()
        self.assertEqual(self.disk_targets(dom), ["xvda", "xvdb"])

    def cdrom(self, iso, policy):
        return ("<disk type='file' device='cdrom'>"
                f"<source file='{iso}' startupPolicy='{policy}'/>"
                "<target dev='hdc' bus='ide'/><readonly/></disk>")

    def test_cdrom_policies_at_a_cold_boot(self):
        iso = self.path("dp-gone.iso")
        dom = self.c.defineXML(self.guest("dp-cd-opt", "hvm",
                                          extra=self.cdrom(iso, "optional")))
        dom.create()
        self.assertNotIn(iso, dom.XMLDesc(0))
        self.assertIn("hdc", self.disk_targets(dom))
        self.assertIn(iso, dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        for policy in ("requisite", "mandatory"):
            with self.subTest(policy=policy):
                dom = self.c.defineXML(self.guest("dp-cd-" + policy, "hvm",
                                                  extra=self.cdrom(iso, policy)))
                with self.assertRaises(E.libvirtError) as err:
                    dom.create()
                self.assert_missing(err, "hdc", iso)

    # ----- restore ------------------------------------------------------

    def test_restore_refuses_a_missing_disk_and_keeps_the_image(self):
        img = self.path("dp-restore.img", create=True)
        iso = self.path("dp-restore.iso", create=True)
        dom = self.c.defineXML(self.guest("dp-restore", "hvm", disk=img,
                                          extra=self.cdrom(iso, "requisite")))
        dom.create()
        saved = self.path("dp-restore.save")
        dom.save(saved)
        os.unlink(img)
        with self.assertRaises(E.libvirtError) as err:
            self.c.restore(saved)
        self.assert_missing(err, "hda", img)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        # A requisite cdrom's medium may go at a restore: it comes back empty.
        self.path("dp-restore.img", create=True)
        os.unlink(iso)
        self.c.restore(saved)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertNotIn(iso, dom.XMLDesc(0))

    # ----- hot-plug -----------------------------------------------------

    def test_attach_and_media_change_refuse_a_missing_file(self):
        iso = self.path("dp-hot.iso", create=True)
        dom = self.c.defineXML(self.guest("dp-hot", "hvm",
                                          extra=self.cdrom(iso, "optional")))
        dom.create()
        gone = self.path("dp-hot-b.img")
        with self.assertRaises(E.libvirtError) as err:
            dom.attachDeviceFlags(
                "<disk type='file' device='disk'>"
                f"<source file='{gone}'/><target dev='xvdb' bus='xen'/></disk>",
                E.VIR_DOMAIN_AFFECT_LIVE)
        self.assert_missing(err, "xvdb", gone)
        self.assertNotIn("xvdb", self.disk_targets(dom))
        other = self.path("dp-hot-other.iso")
        with self.assertRaises(E.libvirtError) as err:
            dom.updateDeviceFlags(
                "<disk type='file' device='cdrom'>"
                f"<source file='{other}'/><target dev='hdc' bus='ide'/>"
                "<readonly/></disk>", E.VIR_DOMAIN_AFFECT_LIVE)
        self.assert_missing(err, "hdc", other)
        self.assertIn(iso, dom.XMLDesc(0))

    # ----- an image another guest has ---------------------------------

    def test_a_writable_image_is_one_guests(self):
        """Xen's block hotplug script (check_sharing) refuses a blkback
        disk another guest has, when this one would write it, or writes
        it when this one would only read it; the same guest may have it
        twice. The script runs for blkback disks (a raw image whose
        <driver> names no backend or 'phy'); qemu's qdisk, which
        <driver name='qemu'> asks for, locks nothing (QEMU's xen_disk
        turned its image locking off). Host B models it; host A (made-up
        paths) does not look."""
        img = self.path("dp-share.img", create=True)
        phy = lambda xml: xml.replace("<driver name='qemu' type='raw'/>",
                                      "<driver name='phy'/>")
        first = self.c.defineXML(phy(self.guest("dp-share-a", disk=img)))
        first.create()
        second = self.c.defineXML(phy(self.guest("dp-share-b", disk=img)))
        with self.assertRaises(E.libvirtError) as err:
            second.create()
        e = err.exception
        self.assertEqual(e.get_error_code(), E.VIR_ERR_OPERATION_INVALID, str(e))
        self.assertIn("'dp-share-a'", str(e))
        self.assertIn(img, str(e))
        self.assertFalse(second.isActive())
        # Read-only, it is refused too while the first one writes it ...
        ro = self.c.defineXML(phy(self.guest("dp-share-ro", disk=img)).replace(
            "<target dev='xvda'", "<readonly/><target dev='xvda'"))
        with self.assertRaises(E.libvirtError) as err:
            ro.create()
        self.assertIn("read-only", str(err.exception))
        # ... and so is a hot-plug of it into a running guest.
        other = self.c.defineXML(self.guest("dp-share-c"))
        other.create()
        disk = ("<disk type='file' device='disk'><driver name='phy'/>"
                f"<source file='{img}'/><target dev='xvdb' bus='xen'/></disk>")
        with self.assertRaises(E.libvirtError) as err:
            other.attachDeviceFlags(disk, E.VIR_DOMAIN_AFFECT_LIVE)
        self.assertEqual(err.exception.get_error_code(),
                         E.VIR_ERR_OPERATION_INVALID)
        self.assertNotIn("xvdb", self.disk_targets(other))
        # The guest that has it may have it once more.
        first.attachDeviceFlags(disk, E.VIR_DOMAIN_AFFECT_LIVE)
        self.assertIn("xvdb", self.disk_targets(first))
        # Once it is gone, the image is free; read-only, two may share it.
        first.destroy()
        ro.create()
        ro2 = self.c.defineXML(phy(self.guest("dp-share-ro2", disk=img)).replace(
            "<target dev='xvda'", "<readonly/><target dev='xvda'"))
        ro2.create()
        with self.assertRaises(E.libvirtError):
            second.create()
        ro.destroy()
        ro2.destroy()
        second.create()
        self.assertTrue(second.isActive())
        # qdisk serves the image to a second guest: no script, no lock.
        qd = self.c.defineXML(self.guest("dp-share-qdisk", disk=img))
        qd.create()
        self.assertTrue(qd.isActive())
        # Host A does not look at its guests' disks at all.
        a1 = self.ca.defineXML(phy(self.guest("dp-share-a1", disk=img)))
        a2 = self.ca.defineXML(phy(self.guest("dp-share-a2", disk=img)))
        a1.create()
        a2.create()
        self.assertTrue(a1.isActive() and a2.isActive())

    # ----- an image blkback cannot serve --------------------------------

    def test_phy_serves_a_block_device_or_a_file(self):
        """libxl gives blkback (phy) only a block device or a regular file,
        which Xen's block hotplug script can serve (libxl__try_phy_backend):
        a <disk type='block'> of /dev/null with <driver name='phy'> (what
        virt-install writes for a block disk on Xen) is refused at create
        and hot-add; left to Xen's choice, it goes to qdisk (qemu opens
        any file). The script also refuses a read-write loop device on a
        read-only file. Host B models it; host A (made-up paths) does
        not look."""
        null = ("<disk type='block' device='disk'>{drv}"
                "<source dev='/dev/null'/><target dev='xvdb' bus='xen'/>"
                "</disk>")
        phy_null = null.format(drv="<driver name='phy'/>")
        dom = self.c.defineXML(self.guest("dp-null", extra=phy_null))
        with self.assertRaises(E.libvirtError) as err:
            dom.create()
        e = err.exception
        self.assertEqual(e.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED,
                         str(e))
        for word in ("xvdb", "'dp-null'", "/dev/null", "block device",
                     "qdisk"):
            self.assertIn(word, str(e))
        self.assertFalse(dom.isActive())
        # Left to Xen, the same source is qdisk's, and the guest runs.
        auto = self.c.defineXML(self.guest(
            "dp-null-auto", extra=null.format(drv="<driver type='raw'/>")))
        auto.create()
        live = auto.XMLDesc(0)
        xvdb = live[live.rindex("<disk", 0, live.index("'xvdb'")):]
        self.assertIn("<driver name='qemu'", xvdb.split("</disk>")[0])
        # A hot-plug of it on phy is refused, and the guest is as it was.
        with self.assertRaises(E.libvirtError) as err:
            auto.attachDeviceFlags(phy_null.replace("xvdb", "xvdc"),
                                   E.VIR_DOMAIN_AFFECT_LIVE)
        self.assertEqual(err.exception.get_error_code(),
                         E.VIR_ERR_CONFIG_UNSUPPORTED, str(err.exception))
        self.assertNotIn("xvdc", self.disk_targets(auto))
        # A read-only file: blkback may serve it read-only, not read-write.
        img = self.path("dp-ro.img", create=True)
        os.chmod(img, 0o444)
        phy = lambda xml: xml.replace("<driver name='qemu' type='raw'/>",
                                      "<driver name='phy'/>")
        rw = self.c.defineXML(phy(self.guest("dp-ro-rw", disk=img)))
        with self.assertRaises(E.libvirtError) as err:
            rw.create()
        self.assertEqual(err.exception.get_error_code(),
                         E.VIR_ERR_OPERATION_INVALID, str(err.exception))
        self.assertIn("read-only", str(err.exception))
        self.assertFalse(rw.isActive())
        ro = self.c.defineXML(phy(self.guest("dp-ro-ro", disk=img)).replace(
            "<target dev='xvda'", "<readonly/><target dev='xvda'"))
        ro.create()
        self.assertTrue(ro.isActive())
        # Host A does not look at its guests' disks at all.
        a = self.ca.defineXML(self.guest("dp-null-a", extra=phy_null))
        a.create()
        self.assertTrue(a.isActive())

    # ----- incoming migration -------------------------------------------

    def test_incoming_migration_refuses_a_missing_disk(self):
        img = self.path("dp-mig.img")
        dom = self.ca.createXML(self.guest("dp-mig", disk=img), 0)
        res = self.a.virsh("migrate", "--live", "dp-mig", self.b.uri,
                           check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn(f"cannot access the source '{img}' of disk 'xvda'",
                      res.stderr)
        # Still running on the source, nothing left on the destination.
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertNotIn("dp-mig", [d.name() for d in self.c.listAllDomains()])
        # With the file there, the same migration goes.
        self.path("dp-mig.img", create=True)
        self.a.virsh("migrate", "--live", "dp-mig", self.b.uri)
        self.assertEqual(self.c.lookupByName("dp-mig").state()[0],
                         E.VIR_DOMAIN_RUNNING)


if __name__ == "__main__":
    unittest.main()
