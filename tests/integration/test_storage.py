"""<disk type='volume'>: a storage pool's volume becomes a path when the
domain starts, through libvirt's storage driver; the definition keeps the
pool and volume. A missing volume or storage driver fails the start
cleanly."""

import glob
import os
import unittest

import libvirt

from vxltest import Daemon, guest_xml, start_event_loop, wait_for

E = libvirt

VOLUME_DISK = """<disk type='volume' device='disk'>
  <driver name='qemu' type='raw'/>
  <source pool='vxlpool' volume='{volume}'/>
  <target dev='xvdb' bus='xen'/>
</disk>"""


class VolumeDiskTest(unittest.TestCase):

    def daemon(self, storage):
        start_event_loop()
        d = Daemon(storage=storage)
        d.start()
        self.addCleanup(d.cleanup)
        c = libvirt.open(d.uri)
        self.addCleanup(c.close)
        return d, c

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
        # What the backend was given: the simulator writes it into the
        # core dump of a crashed guest.
        dumps = []
        wait_for(lambda: dumps.extend(glob.glob(d.path("lib", "libxl", "dump",
                                                       "vol1-*.core"))) or dumps,
                 what="the core dump of vol1")
        with open(dumps[0]) as f:
            config = f.read()
        self.assertIn('"pdev_path": "%s/data.img"' % path, config)
        self.assertIn("pool='vxlpool'", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))

    def test_missing_volume_fails_the_start(self):
        d, c = self.daemon(storage=True)
        self.pool(d, c)
        dom = c.defineXML(self.guest("vol2", volume="nope.img"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_NO_STORAGE_VOL)
        self.assertFalse(dom.isActive())
        self.assertEqual(c.listDomainsID(), [])

    def test_no_storage_driver_fails_the_start(self):
        d, c = self.daemon(storage=False)
        dom = c.defineXML(self.guest("vol3"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_OPERATION_FAILED)
        self.assertIn("storage driver", str(cm.exception))
        self.assertFalse(dom.isActive())
        self.assertEqual(c.listDomainsID(), [])


if __name__ == "__main__":
    unittest.main()
