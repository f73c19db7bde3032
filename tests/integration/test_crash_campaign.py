# SPDX-License-Identifier: LGPL-2.1-or-later
"""Random kills: several clients run mixed operations on a pool of
domains (start, destroy, shutdown, reboot, hotplug, memory, vCPUs,
pause, managed save and the restore the next start makes, define) while
libvirtd is killed (SIGKILL) at random moments, more than a hundred
times over several seeds; after each restart the driver and the
hypervisor must agree (crashtest.py lists the invariants) and no partial
save image is left.

VXL_CAMPAIGN_KILLS (default 26) sets the kills per seed. Each kill costs
a daemon start (2-4 s on a loaded machine), hence its own timeout in
meson.build."""

import os
import random
import threading
import time
import unittest

import libvirt

from crashtest import check_invariants, kill_now
from vxltest import Daemon, guest_xml, start_event_loop

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
SEEDS = (1, 2, 3, 4)
KILLS = int(os.environ.get("VXL_CAMPAIGN_KILLS", "26"))
POOL = 8
CLIENTS = 4


def disk_xml(target):
    return (f"<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
            f"<source file='/var/lib/xen/images/{target}.img'/>"
            f"<target dev='{target}' bus='xen'/></disk>")


class Client(threading.Thread):
    """Random operations on the pool until told to stop; every error is
    fine (the daemon dies under it, or the operation does not apply to
    the domain's state now)."""

    def __init__(self, campaign, seed):
        super().__init__(daemon=True)
        self.campaign = campaign
        self.rng = random.Random(seed)
        self.conn = None
        self.calls = 0

    def op(self, dom):
        r = self.rng.random()
        if r < 0.18:
            dom.create()
        elif r < 0.30:
            dom.destroy()
        elif r < 0.38:
            dom.shutdown()
        elif r < 0.44:
            dom.reboot()
        elif r < 0.56:
            dom.attachDeviceFlags(disk_xml("xvdb"), self.rng.choice(
                (LIVE, LIVE | CONFIG)))
        elif r < 0.66:
            dom.detachDeviceFlags(disk_xml("xvdb"), self.rng.choice(
                (LIVE, LIVE | CONFIG)))
        elif r < 0.76:
            dom.setMemoryFlags(self.rng.choice((128, 192, 256)) * 1024,
                               self.rng.choice((LIVE, LIVE | CONFIG)))
        elif r < 0.86:
            dom.setVcpusFlags(self.rng.randint(1, 4),
                              self.rng.choice((LIVE, LIVE | CONFIG)))
        elif r < 0.88:
            dom.suspend()
            dom.resume()
        elif r < 0.94:
            # Saved: the next create restores it from the image.
            dom.managedSave(0)
        else:
            self.campaign.conn_define(self.conn, dom.name(), self.rng)

    def run(self):
        c = self.campaign
        while not c.done:
            c.go.wait()
            if c.done:
                break
            with c.busy_lock:
                c.busy += 1
            try:
                if self.conn is None:
                    self.conn = libvirt.open(c.daemon.uri)
                dom = self.conn.lookupByName(f"rk{self.rng.randrange(POOL)}")
                self.op(dom)
                self.calls += 1
            except libvirt.libvirtError as e:
                if e.get_error_code() in (E.VIR_ERR_SYSTEM_ERROR,
                                          E.VIR_ERR_RPC, E.VIR_ERR_NO_CONNECT,
                                          E.VIR_ERR_INTERNAL_ERROR):
                    self.conn = None
            finally:
                with c.busy_lock:
                    c.busy -= 1


class RandomKillCampaign(unittest.TestCase):

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon()
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)
        self.done = False
        self.go = threading.Event()
        self.busy = 0
        self.busy_lock = threading.Lock()

    def xml(self, i, memory_mib=256):
        return guest_xml(f"rk{i}", uid=f"00000000-0000-4000-8000-{i:012d}",
                         memory_mib=memory_mib, vcpus=2, max_vcpus=4,
                         script={"shutdown-delay-ms": 30},
                         on_poweroff="destroy", on_reboot="restart")

    def conn_define(self, conn, name, rng):
        i = int(name[2:])
        conn.defineXML(self.xml(i, memory_mib=rng.choice((256, 320))))

    def quiesce(self):
        """Stop the clients and wait until none is inside a call."""
        self.go.clear()
        end = time.monotonic() + 30
        while time.monotonic() < end:
            with self.busy_lock:
                if self.busy == 0:
                    return
            time.sleep(0.01)
        self.fail("clients did not stop")

    def settled_check(self, conn, names, start_all):
        """Guests may still be acting on requests the killed daemon sent
        (a shutdown on its way): check again until they settle."""
        for attempt in range(30):
            try:
                check_invariants(self, conn, self.daemon, names,
                                 start_all=start_all)
                return
            except AssertionError:
                if attempt == 29:
                    raise
                time.sleep(0.2)

    def partial_images(self):
        d = self.daemon.path("lib", "libxl", "save")
        return [n for n in os.listdir(d) if n.endswith(".vxl-partial")] \
            if os.path.isdir(d) else []

    def test_random_kills(self):
        conn = libvirt.open(self.daemon.uri)
        names = [f"rk{i}" for i in range(POOL)]
        for i in range(POOL):
            conn.defineXML(self.xml(i)).create()
        conn.close()

        kills = 0
        clients = []
        for seed in SEEDS:
            rng = random.Random(seed)
            clients = [Client(self, seed * 100 + k) for k in range(CLIENTS)]
            for cl in clients:
                cl.start()
            for _ in range(KILLS):
                self.go.set()
                time.sleep(rng.uniform(0.05, 0.35))
                kill_now(self.daemon)
                kills += 1
                self.quiesce()
                self.daemon.start()
                conn = libvirt.open(self.daemon.uri)
                try:
                    self.assertEqual(self.partial_images(), [],
                                     "partial save images left")
                    self.settled_check(conn, names, start_all=(kills % 10 == 0))
                finally:
                    conn.close()
            self.done = True
            self.go.set()
            for cl in clients:
                cl.join(30)
            self.done = False
            self.go.clear()
            total = sum(cl.calls for cl in clients)
            self.assertGreater(total, 0, f"seed {seed}: no call completed")
        self.assertGreaterEqual(kills, len(SEEDS) * KILLS)


if __name__ == "__main__":
    unittest.main()
