# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash safety of the simulator's per-domain state files.

libvirtd is killed (SIGKILL) at a random moment while 8 clients run 200
starts and destroys, then started again. Every operation a client saw
succeed must still be in effect, in libvirt and in the simulated host;
the simulator's files must all be whole and agree with libvirt about
every domain with no operation in flight at the kill. Several seeds, so
the kill lands at different points of the write path.

What a start cut short by the kill leaves behind (a simulated domain the
driver had not yet recorded) is the driver's start-up recovery to clean
up; here it is only allowed, for the domains whose start was in flight.
"""

import glob
import json
import os
import random
import signal
import sys
import threading
import time
import unittest

import libvirt

from vxltest import bound, guests, Daemon, guest_xml

THREADS = 8
OPS = 200
PER_THREAD = 5                      # domains each client owns
SEEDS = [int(s) for s in os.environ.get("VXL_CRASH_SEEDS", "1,2,3,4").split(",")]


class Client(threading.Thread):
    """Starts and destroys its own domains until the daemon dies; records
    what was acknowledged and what was in flight."""

    def __init__(self, uri, names, rng, budget, done):
        super().__init__(daemon=True)
        self.uri = uri
        self.names = names
        self.rng = rng
        self.budget = budget
        self.done = done
        self.expected = {}          # name -> "running" / "shutoff", acknowledged
        self.in_flight = None       # (name, op) when the daemon died

    def run(self):
        conn = libvirt.open(self.uri)
        doms = {n: conn.lookupByName(n) for n in self.names}
        for n in self.names:
            self.expected[n] = "shutoff"
        for _ in range(self.budget):
            name = self.rng.choice(self.names)
            op = "destroy" if self.expected[name] == "running" else "start"
            self.in_flight = (name, op)
            try:
                if op == "start":
                    doms[name].create()
                else:
                    doms[name].destroy()
            except libvirt.libvirtError:
                return              # the daemon is gone: in flight stays
            self.expected[name] = "running" if op == "start" else "shutoff"
            self.in_flight = None
            self.done.append(1)
        try:
            conn.close()
        except libvirt.libvirtError:
            pass


class CrashPersistTest(unittest.TestCase):
    def run_seed(self, seed):
        rng = random.Random(seed)
        daemon = Daemon()
        self.addCleanup(daemon.cleanup)
        uri = daemon.start()
        conn = libvirt.open(uri)
        names = [f"c{seed}-{i:03d}" for i in range(THREADS * PER_THREAD)]
        for n in names:
            conn.defineXML(guest_xml(n, memory_mib=64))
        conn.close()

        done = []
        clients = [Client(uri, names[i::THREADS], random.Random(rng.random()),
                          OPS // THREADS, done) for i in range(THREADS)]
        kill_after = rng.randrange(10, OPS - 10)
        for c in clients:
            c.start()
        # Kill once that many operations were acknowledged, a moment later.
        deadline = time.monotonic() + 120
        while len(done) < kill_after and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rng.random() * 0.005)
        with open(daemon.path("libvirtd.pid")) as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGKILL)
        for c in clients:
            c.join(bound(60))
        for _ in range(200):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)

        uri = daemon.start()
        conn = libvirt.open(uri)
        state = {d.name(): d for d in guests(conn)}
        self.assertEqual(sorted(state), sorted(names), f"seed {seed}")

        # The simulated host as its files have it, all whole.
        simdir = daemon.path("run", "libxl", "sim")
        self.assertEqual(glob.glob(os.path.join(simdir, "*.new")), [],
                         f"seed {seed}: temporary files left")
        sim = {}
        for path in glob.glob(os.path.join(simdir, "domain-*.json")):
            with open(path) as f:
                d = json.load(f)
            self.assertEqual(os.path.basename(path), f"domain-{d['domid']}.json")
            self.assertNotIn(d["name"], sim, f"seed {seed}: {d['name']} twice")
            sim[d["name"]] = d

        in_flight = {c.in_flight[0]: c.in_flight[1] for c in clients if c.in_flight}
        acked = 0
        for c in clients:
            for name, want in c.expected.items():
                dom = state[name]
                active = dom.isActive()
                if name in in_flight:
                    # Either side of the operation, whole; a start cut
                    # short may leave the simulated domain to recovery.
                    if active:
                        self.assertIn(name, sim, f"seed {seed}: {name}")
                        self.assertEqual(sim[name]["domid"], dom.ID())
                    continue
                acked += 1
                self.assertEqual(active, want == "running",
                                 f"seed {seed}: {name} should be {want}")
                if active:
                    self.assertEqual(dom.state()[0], libvirt.VIR_DOMAIN_RUNNING,
                                     f"seed {seed}: {name}")
                    self.assertIn(name, sim, f"seed {seed}: {name} lost by the simulator")
                    self.assertEqual(sim[name]["domid"], dom.ID(), f"seed {seed}: {name}")
                    self.assertEqual(sim[name]["state"], "running", f"seed {seed}: {name}")
                else:
                    self.assertNotIn(name, sim, f"seed {seed}: {name} left in the simulator")
        self.assertGreater(len(done), 0)

        # The host still works: every domain that is not in limbo stops
        # and starts again.
        for name, dom in state.items():
            if name in in_flight:
                continue
            if dom.isActive():
                dom.destroy()
            dom.create()
            dom.destroy()
        conn.close()
        return len(done), acked, len(in_flight)

    def test_kill_during_parallel_starts_and_destroys(self):
        for seed in SEEDS:
            with self.subTest(seed=seed):
                done, acked, limbo = self.run_seed(seed)
                print(f"seed {seed}: killed after {done} acknowledged operations; "
                      f"{acked} domains checked, {limbo} with an operation in flight",
                      file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
