# SPDX-License-Identifier: LGPL-2.1-or-later
"""scripts/bench at a tiny size: not a measurement (nothing is timed
against a target), only proof that the benchmark still runs end to end
and keeps its output format, so it cannot rot between the runs that
docs/performance.md reports."""

import json
import os
import subprocess
import tempfile
import unittest

from vxltest import BUILD, TOP

BENCH = os.path.join(TOP, "scripts", "bench")
OPS = ["define", "start", "lookupByName", "getInfo", "XMLDesc", "getState",
       "getAllDomainStats", "domstats-state", "listAllDomains", "destroy", "undefine"]


class BenchTest(unittest.TestCase):
    def test_tiny_run(self):
        with tempfile.TemporaryDirectory(prefix="vxl-bench-test-") as tmp:
            out_json = os.path.join(tmp, "bench.json")
            proc = subprocess.run(
                ["/usr/bin/python3", BENCH, "--sizes", "6,12", "--samples", "3",
                 "--read-reps", "5", "--threads", "1,2", "--parallel-count", "4",
                 "--tool-files", "2", "--fsync-samples", "3", "--json", out_json,
                 "--root", os.path.join(tmp, "root"), "--allow-test-hooks"],
                capture_output=True, text=True, timeout=300,
                env=dict(os.environ, VIRTXL_BUILD=BUILD))
            self.assertEqual(proc.returncode, 0, proc.stderr)
            lines = proc.stdout.splitlines()
            self.assertEqual(lines[0], "virtxl-bench format 4")
            # The header says what was built, and the load of the machine.
            self.assertTrue(any(l.startswith("# build ") and "test_hooks " in l
                                and "buildtype " in l for l in lines), lines[:8])
            self.assertTrue(any(l.startswith("# load average") for l in lines))
            self.assertEqual(lines[-1], "end")
            sections = [l.split()[1] for l in lines if l.startswith("section ")]
            self.assertEqual(sections, ["latency", "cpu", "split", "stats", "throughput",
                                         "memory", "restart"] * 2
                             + ["tools"])
            with open(out_json) as f:
                res = json.load(f)

        for size in (6, 12):
            rows = {r["op"]: r for r in res["latency"] if r["size"] == size}
            self.assertEqual(sorted(rows), sorted(OPS))
            for op in OPS:
                self.assertGreater(rows[op]["n"], 0, op)
                self.assertGreater(rows[op]["xen_med_us"], 0, op)
                self.assertGreater(rows[op]["test_med_us"], 0, op)
            cpu = {r["op"]: r for r in res["cpu"] if r["size"] == size}
            self.assertIn("listAllDomains", cpu)
            self.assertTrue(all(cpu["listAllDomains"][k] >= 0 for k in
                                ("xen_daemon_us", "xen_client_us",
                                 "test_daemon_us", "test_client_us")))
            # The state group alone is two parameters a domain in either
            # driver; all groups are more in ours.
            stats = [r for r in res["stats"] if r["size"] == size]
            self.assertEqual(len(stats), 1)
            st = stats[0]
            self.assertEqual(st["xen_state"], 2 * st["xen_domains"])
            self.assertEqual(st["test_state"], 2 * st["test_domains"])
            self.assertGreater(st["xen_all"], st["xen_state"])
            self.assertGreater(st["xen_ns_per_param"], 0)
            threads = sorted(r["threads"] for r in res["throughput"] if r["size"] == size)
            self.assertEqual(threads, [1, 2])
            # listAllDomains taken apart: the driver's own share, timed
            # by the driver (its log line), is part of the daemon's.
            split = [r for r in res["split"] if r["size"] == size]
            self.assertEqual(len(split), 1)
            self.assertGreater(split[0]["calls"], 0)
            self.assertGreater(split[0]["driver_med_us"], 0)
        restarts = res["restart"]
        # The driver's account of its start: the definitions it parsed.
        self.assertTrue(all(r["driver_s"] > 0 and r["parse_threads"] >= 1
                            for r in restarts), restarts)
        self.assertEqual([(r["defined"], r["running"]) for r in restarts], [(6, 0), (12, 1)])
        self.assertEqual(sorted(t["tool"] for t in res["tools"]), ["xl2xml", "xml2json"])
        self.assertTrue(all(t["files"] == 2 for t in res["tools"]))


if __name__ == "__main__":
    unittest.main()
