# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run integration suites with every private libvirtd under valgrind.

The driver runs inside libvirtd, so this is where its memory errors and
leaks would show: each daemon's memcheck log must end with a summary of
zero errors, definite leaks counting as errors.

    /usr/bin/python3 valgrind_run.py test_lifecycle test_actions ...
"""

import glob
import os
import re
import shutil
import sys
import tempfile
import unittest

logs = tempfile.mkdtemp(prefix="vxl-valgrind-")
os.environ["VIRTXL_DAEMON_WRAPPER"] = (
    "valgrind --error-exitcode=99 --leak-check=full "
    "--show-leak-kinds=definite --errors-for-leak-kinds=definite "
    # a child forked to exec a program (a hook script) is not libvirtd
    "--child-silent-after-fork=yes "
    f"--log-file={logs}/libvirtd-%p.log")

suite = unittest.defaultTestLoader.loadTestsFromNames(sys.argv[1:])
result = unittest.TextTestRunner(verbosity=2).run(suite)

bad = []
files = sorted(glob.glob(os.path.join(logs, "*.log")))
for path in files:
    text = open(path).read()
    m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
    if not m:
        bad.append((path, "no summary: libvirtd did not exit cleanly"))
    elif m.group(1) != "0":
        bad.append((path, f"{m.group(1)} errors"))
        print(text)
print(f"valgrind: {len(files)} libvirtd runs, {len(bad)} with problems")
for path, why in bad:
    print(f"  {path}: {why}")
if not bad:
    shutil.rmtree(logs)
sys.exit(0 if result.wasSuccessful() and files and not bad else 1)
