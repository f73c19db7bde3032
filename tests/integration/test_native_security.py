# SPDX-License-Identifier: LGPL-2.1-or-later
"""No security setting of an xl.cfg is lost on its way through libvirt:
passwords, FLASK labels, the device model's user and sandbox and the
stub domain survive domxml-from-native, define, dumpxml --security-info,
domxml-to-native and start (the simulator's core dump holds the libxl
config the domain was created with)."""

import json
import os
import tempfile
import unittest

import libvirt

from vxltest import TOP, DaemonTestCase

CASES = os.path.join(TOP, "tests", "native")


def read(name):
    with open(os.path.join(CASES, name)) as f:
        return f.read()


def dumped_config(dom):
    """The libxl config the simulator created @dom with."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "d.core")
        dom.coreDump(path, 0)
        with open(path) as f:
            text = f.read()
    return json.loads(text[text.index("config:\n") + len("config:\n"):])


# case: (strings every XML and xl.cfg form must hold, libxl fields)
SETTINGS = {
    "security-flask-stubdomain": (
        ["system_u:system_r:domU_t", "system_u:system_r:domU_t_building",
         "system_u:system_r:dm_dom_t", "xen-qemuuser-secflask",
         "/usr/lib/xen/boot/ioemu-stubdom.gz", "/usr/lib/xen/boot/stubdom-initrd.gz",
         "-d 1 quiet", "s3cret-vnc"],
        {("c_info", "ssid_label"): "system_u:system_r:domU_t_building",
         ("b_info", "exec_ssid_label"): "system_u:system_r:domU_t",
         ("b_info", "device_model_ssid_label"): "system_u:system_r:dm_dom_t",
         ("b_info", "device_model_user"): "xen-qemuuser-secflask",
         ("b_info", "dm_restrict"): "True",
         ("b_info", "device_model_stubdomain"): "True",
         ("b_info", "stubdomain_kernel"): "/usr/lib/xen/boot/ioemu-stubdom.gz",
         ("b_info", "stubdomain_ramdisk"): "/usr/lib/xen/boot/stubdom-initrd.gz",
         ("b_info", "stubdomain_cmdline"): "-d 1 quiet",
         ("b_info", "type.hvm", "vnc", "passwd"): "s3cret-vnc"}),
    "security-spice-passwd": (
        ["s3cret-spice"],
        {("b_info", "type.hvm", "spice", "passwd"): "s3cret-spice",
         ("b_info", "type.hvm", "spice", "disable_ticketing"): "False"}),
    "security-pv-vfb-passwd": (
        ["s3cret-vfb"],
        {("vfbs", 0, "vnc", "passwd"): "s3cret-vfb"}),
}


def field(config, path):
    for k in path:
        config = config[k]
    return config


class NativeSecurityTest(DaemonTestCase):

    def test_from_native_includes_secrets(self):
        # As libvirt's own converter: the XML is the same configuration.
        for case, (strings, _) in SETTINGS.items():
            res = self.daemon.virsh("domxml-from-native", "xen-xl",
                                    os.path.join(CASES, case + ".cfg"))
            for s in strings:
                self.assertIn(s, res.stdout, case)

    def test_settings_survive_define_dumpxml_to_native_and_start(self):
        for case, (strings, fields) in SETTINGS.items():
            xml = self.conn.domainXMLFromNative("xen-xl", read(case + ".cfg"), 0)
            dom = self.conn.defineXML(xml)
            secure = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)
            for s in strings:
                self.assertIn(s, secure, case)
            # Without --security-info the passwords stay hidden.
            plain = dom.XMLDesc(0)
            self.assertNotIn("s3cret", plain, case)
            cfg = self.conn.domainXMLToNative("xen-xl", secure, 0)
            self.assertEqual(cfg, read(case + ".cfg"), case)
            dom.create()
            config = dumped_config(dom)
            for path, value in fields.items():
                self.assertEqual(field(config, path), value, "%s: %s" % (case, path))
            dom.destroy()
            dom.undefine()

    def test_spice_ticketing_without_password_refused(self):
        # libxl refuses to start it; converting it to a display without a
        # password would let anyone connect.
        self.assertLibvirtError(libvirt.VIR_ERR_CONF_SYNTAX,
                                self.conn.domainXMLFromNative, "xen-xl",
                                read("security-spice-no-password.in.cfg"), 0,
                                msg_contains="spicepasswd")


if __name__ == "__main__":
    unittest.main()
