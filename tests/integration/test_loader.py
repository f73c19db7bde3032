# SPDX-License-Identifier: LGPL-2.1-or-later
"""The module refuses a libvirt other than the one it was built for."""

import os
import shutil
import subprocess
import tempfile
import unittest

from vxltest import BUILD, Daemon


class LoaderTest(unittest.TestCase):

    def test_version_mismatch_is_refused_by_name(self):
        # tests/loader builds the same loader claiming libvirt 8.9.0.
        d = Daemon()
        self.addCleanup(d.cleanup)
        os.environ["VIRTXL_DRIVER_BUILD_DIR"] = os.path.join(BUILD, "tests", "loader")
        try:
            with self.assertRaises(subprocess.CalledProcessError):
                d.start()
        finally:
            del os.environ["VIRTXL_DRIVER_BUILD_DIR"]
        log = d.log()
        self.assertIn("built for libvirt 8.9.0", log)
        self.assertIn("the running libvirt is 9.0.0", log)

    def test_missing_driver_file_is_named(self):
        # A directory with the loader but not the driver next to it.
        lonely = tempfile.mkdtemp(prefix="vxl-loader-")
        self.addCleanup(shutil.rmtree, lonely)
        os.symlink(os.path.join(BUILD, "src", "driver", "libvirt_driver_libxl.so"),
                   os.path.join(lonely, "libvirt_driver_libxl.so"))
        d = Daemon()
        self.addCleanup(d.cleanup)
        os.environ["VIRTXL_DRIVER_BUILD_DIR"] = lonely
        try:
            with self.assertRaises(subprocess.CalledProcessError):
                d.start()
        finally:
            del os.environ["VIRTXL_DRIVER_BUILD_DIR"]
        self.assertIn("cannot load the Xen driver", d.log())
        self.assertIn("virtxl-driver.so", d.log())

if __name__ == "__main__":
    unittest.main(verbosity=2)
