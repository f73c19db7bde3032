# SPDX-License-Identifier: LGPL-2.1-or-later
"""<disk type='volume'>: a storage pool's volume becomes a path when the
domain starts, through libvirt's storage driver; the definition keeps the
pool and volume. A missing volume or storage driver fails the start
cleanly."""

import os
import unittest

import libvirt

from vxltest import crash_dump_text, guest_xml, open_daemon

E = libvirt

VOLUME_DISK = """<disk type='volume' device='disk'>
  <driver name='qemu' type='raw'/>
  <source pool='vxlpool' volume='{volume}'/>
  <target dev='xvdb' bus='xen'/>
</disk>"""


class VolumeDiskTest(unittest.TestCase):

    def daemon(self, storage):
        return open_daemon(self, storage=storage)

    def pool(self, d, c):
        path = d.path("lib", "pool")
        os.makedirs(path, exist_ok=True)
        pool = c.storagePoolCreateXML(
            "<pool type='dir'><name>vxlpool</name><target><path>%s</path></target></pool>"
            % path, 0)
        pool.createXML("<volume><name>data.img</name><capacity unit='MiB'>4</capacity>"
                       "<target><format type='raw'/></target></volume>", 0)
        return path

    def guest(self, name, volume="data.img", **kw):
        return guest_xml(name, **kw).replace(
            "</devices>", VOLUME_DISK.format(volume=volume) + "</devices>")

    def test_volume_becomes_its_path(self):
        d, c = self.daemon(storage=True)
        path = self.pool(d, c)
        dom = c.defineXML(self.guest("vol1", on_crash="coredump-destroy",
                                     script={"crash-after-ms": 1500}))
        dom.create()
        self.assertIn("pool='vxlpool'", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        config = crash_dump_text(d, "vol1")
        self.assertIn('"pdev_path": "%s/data.img"' % path, config)
        self.assertIn("pool='vxlpool'", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))

    def test_hot_added_volume_becomes_its_path(self):
        d, c = self.daemon(storage=True)
        path = self.pool(d, c)
        dom = c.defineXML(guest_xml("vol4", on_crash="coredump-destroy",
                                    script={"crash-after-ms": 2500}))
        dom.create()
        dom.attachDeviceFlags(VOLUME_DISK.format(volume="data.img"),
                              E.VIR_DOMAIN_AFFECT_LIVE)
        config = crash_dump_text(d, "vol4")
        self.assertIn('"pdev_path": "%s/data.img"' % path, config)

    def test_missing_volume_fails_the_start(self):
        d, c = self.daemon(storage=True)
        self.pool(d, c)
        dom = c.defineXML(self.guest("vol2", volume="nope.img"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_NO_STORAGE_VOL)
        self.assertFalse(dom.isActive())
        self.assertEqual(c.listDomainsID(), [0])   # Domain-0 alone

    def test_no_storage_driver_fails_the_start(self):
        d, c = self.daemon(storage=False)
        dom = c.defineXML(self.guest("vol3"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_OPERATION_FAILED)
        self.assertIn("storage driver", str(cm.exception))
        self.assertFalse(dom.isActive())
        self.assertEqual(c.listDomainsID(), [0])   # Domain-0 alone


if __name__ == "__main__":
    unittest.main()
