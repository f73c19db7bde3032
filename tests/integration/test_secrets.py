# SPDX-License-Identifier: LGPL-2.1-or-later
"""Ceph keys from libvirt's secret store: an rbd disk with <auth><secret>
(as Nova writes every Ceph volume) starts with the key that the secret
driver holds, which never shows in the domain's XML; a missing secret or
secret driver fails the start cleanly."""

import base64
import os
import unittest

import libvirt

from vxltest import crash_dump_text, guest_xml, open_daemon

E = libvirt

SECRET_UUID = "2a5b08e4-3dea-4ce5-a4a3-94a7a1e7ad1c"
KEY = bytes(range(16))     # a Ceph key is 16 bytes, given base64-encoded

RBD_DISK = """<disk type='network' device='disk'>
  <driver name='qemu' type='raw'/>
  <auth username='cinder'><secret type='ceph' uuid='{uuid}'/></auth>
  <source protocol='rbd' name='volumes/volume-7a97c4a3'>
    <host name='192.0.2.11' port='6789'/>
  </source>
  <target dev='xvdb' bus='xen'/>
</disk>"""


class CephSecretTest(unittest.TestCase):

    def daemon(self, secret):
        return open_daemon(self, secret=secret)

    def guest(self, name, uuid=SECRET_UUID, **kw):
        return guest_xml(name, **kw).replace(
            "</devices>", RBD_DISK.format(uuid=uuid) + "</devices>")

    def test_key_from_the_secret_store(self):
        d, c = self.daemon(secret=True)
        sec = c.secretDefineXML(
            "<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
            "<usage type='ceph'><name>client.cinder</name></usage></secret>"
            % SECRET_UUID)
        sec.setValue(KEY)
        dom = c.defineXML(self.guest("ceph1", on_crash="coredump-destroy",
                                     script={"crash-after-ms": 1500}))
        dom.create()
        key = base64.b64encode(KEY).decode()
        for flags in (0, E.VIR_DOMAIN_XML_INACTIVE, E.VIR_DOMAIN_XML_SECURE):
            self.assertNotIn(key, dom.XMLDesc(flags))
        status = d.path("run", "libxl", "ceph1.xml")
        self.assertTrue(os.path.exists(status), status)
        with open(status) as f:
            self.assertNotIn(key, f.read())
        config = crash_dump_text(d, "ceph1")
        self.assertIn("rbd:volumes/volume-7a97c4a3:id=cinder:auth_supported=cephx", config)
        self.assertIn(":key=" + key, config)

    def test_hot_added_volume_gets_its_key(self):
        # Nova attaches a Ceph volume to a running guest.
        d, c = self.daemon(secret=True)
        sec = c.secretDefineXML(
            "<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
            "<usage type='ceph'><name>client.cinder</name></usage></secret>"
            % SECRET_UUID)
        sec.setValue(KEY)
        dom = c.defineXML(guest_xml("ceph4", on_crash="coredump-destroy",
                                    script={"crash-after-ms": 2500}))
        dom.create()
        dom.attachDeviceFlags(RBD_DISK.format(uuid=SECRET_UUID), E.VIR_DOMAIN_AFFECT_LIVE)
        key = base64.b64encode(KEY).decode()
        self.assertIn("volume-7a97c4a3", dom.XMLDesc(0))
        self.assertNotIn(key, dom.XMLDesc(E.VIR_DOMAIN_XML_SECURE))
        config = crash_dump_text(d, "ceph4")
        self.assertIn(":key=" + key, config)

    def test_unknown_secret_fails_the_start(self):
        d, c = self.daemon(secret=True)
        dom = c.defineXML(self.guest("ceph2", uuid="00000000-0000-4000-8000-000000000001"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_NO_SECRET)
        self.assertFalse(dom.isActive())
        self.assertEqual(c.listDomainsID(), [0])   # Domain-0 alone

    def test_no_secret_driver_fails_the_start(self):
        d, c = self.daemon(secret=False)
        dom = c.defineXML(self.guest("ceph3"))
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_OPERATION_FAILED)
        self.assertIn("secret driver", str(cm.exception))
        self.assertFalse(dom.isActive())


if __name__ == "__main__":
    unittest.main()
