# SPDX-License-Identifier: LGPL-2.1-or-later
"""The module's messages reach virsh translated: a libvirtd running in a
German locale reports this driver's errors from po/de.po (compiled by the
build into build/po, which a test build binds at load)."""
import os
import shutil
import subprocess
import tempfile
import unittest

from vxltest import Daemon, TOP

GERMAN = {"LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"}


def german_locale(directory):
    """de_DE.UTF-8 compiled into @directory (for LOCPATH), from the
    locales package's sources: the host need not have it generated."""
    target = os.path.join(directory, "de_DE.UTF-8")
    res = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8", target],
                         capture_output=True, text=True)
    # localedef exits 1 for warnings; the compiled locale is what counts.
    if not os.path.exists(os.path.join(target, "LC_MESSAGES")):
        raise AssertionError("localedef de_DE.UTF-8 failed (%d): %s"
                             % (res.returncode, res.stderr))


class GermanMessagesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.locales = tempfile.mkdtemp(prefix="vxl-locale-")
        german_locale(cls.locales)
        cls.env = dict(GERMAN, LOCPATH=cls.locales)
        cls.daemon = Daemon(env=cls.env)
        cls.daemon.start()
        cls.tmp = tempfile.mkdtemp(prefix="vxl-i18n-")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.cleanup()
        shutil.rmtree(cls.locales, ignore_errors=True)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def virsh(self, *args):
        return subprocess.run(["virsh", "-c", self.daemon.uri] + list(args),
                              capture_output=True, encoding="utf-8",
                              env=dict(os.environ, **self.env))

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_define_error_is_german(self):
        with open(os.path.join(TOP, "docs", "examples", "demo-pv.xml")) as f:
            xml = f.read().replace("type='xen'", "type='kvm'", 1)
        res = self.virsh("define", self.write("kvm.xml", xml))
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("<domain type='kvm'> wird vom Xen-Treiber nicht "
                      "unterstützt; verwenden Sie type='xen'", res.stderr)

    def test_hotplug_error_is_german(self):
        demo = os.path.join(TOP, "docs", "examples", "demo-pv.xml")
        self.assertEqual(self.virsh("define", demo).returncode, 0)
        self.addCleanup(self.virsh, "undefine", "demo-pv")
        dev = self.write("input.xml", "<input type='tablet' bus='usb'/>")
        res = self.virsh("attach-device", "demo-pv", dev, "--config")
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Ein Gerät vom Typ 'input' kann nicht angeschlossen "
                      "werden", res.stderr)


if __name__ == "__main__":
    unittest.main()
