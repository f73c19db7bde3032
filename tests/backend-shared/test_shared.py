# SPDX-License-Identifier: LGPL-2.1-or-later
"""The shared backend cases (shared_errors.py) against the simulator.

The same cases run against real Xen in tests/e2e/test_xen.py.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import libvirt  # noqa: E402
import shared_errors  # noqa: E402
import vxltest  # noqa: E402

GUEST = """<domain type='xen'>
  <name>{name}</name>
  <memory unit='MiB'>{mem}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
    <kernel>/guest/vmlinuz</kernel>
  </os>
</domain>
"""


class SharedOnSimulator(unittest.TestCase):
    def test_shared_errors(self):
        # small-host: 1 GiB free, like the end-to-end test's dom0 setup
        daemon = vxltest.Daemon(backend="sim", profile="small-host")
        uri = daemon.start()
        failures = []
        try:
            conn = libvirt.open(uri)

            def report(name, ok, why):
                print("%s %s" % ("PASS" if ok else "FAIL", name))
                if not ok:
                    failures.append("%s: %s" % (name, why))

            shared_errors.run(conn, lambda n, m: GUEST.format(name=n, mem=m),
                              report)
            conn.close()
        finally:
            daemon.stop()
        self.assertEqual(failures, [])


if __name__ == "__main__":
    unittest.main()
