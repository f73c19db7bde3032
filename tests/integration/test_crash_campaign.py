# SPDX-License-Identifier: LGPL-2.1-or-later
"""Random kills: several clients run mixed operations on a pool of
domains (start, destroy, shutdown, reboot, hotplug, memory, vCPUs,
pause, managed save and the restore the next start makes, define, and
snapshots of running and shut-off guests: create, revert) while
libvirtd is killed (SIGKILL) at random moments, more than a hundred
times over several seeds; after each restart the driver and the
hypervisor must agree (crashtest.py lists the invariants), no partial
save image is left, and every snapshot domain's disk chain, snapshot
list and images agree (no snapshot intent left, no image nothing uses).

A second campaign migrates guests back and forth between two private
daemons (two simulated hosts; client-managed and peer-to-peer, with
--persistent --undefinesource) while either is killed at random: after
each restart no guest runs on both hosts, none is lost, a guest running
on one host has no definition left on the other, and each host's
libvirt agrees with its hypervisor. The one step an administrator must
take (docs/migration.md) is done as one would: a source copy left
paused by a migration whose source died between its stream and
Confirm, or whose client-managed destination died inside Finish between
its words "finishing" and "taken", is destroyed if the other host has
the guest (running, or defined), else resumed.

The killed host is started again at once, as a service manager does,
before the clients' calls are waited for: a peer-to-peer source whose
Finish lost its answer asks the restarted destination whether it runs
the guest (domain_migrate_outcome.c). The migration campaign runs by
default (about two minutes); VXL_CAMPAIGN_MIGRATE=0 skips it, and
VXL_CAMPAIGN_SNAPSHOTS=0 leaves the snapshot client out.

VXL_CAMPAIGN_KILLS (default 26) sets the kills per seed,
VXL_CAMPAIGN_MIGRATE_KILLS (default 12) those of the migration campaign.
Each kill costs a daemon start (2-4 s on a loaded machine), hence its
own timeout in meson.build."""

import os
import random
import re
import threading
import time
import unittest
import xml.etree.ElementTree as ET

import libvirt

from crashtest import check_invariants, kill_now
from test_migration import p2p_uri
from test_snapshot import backing_chain, qemu_img
from vxltest import Daemon, bound, guest_xml, guests, start_event_loop

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
SEEDS = (1, 2, 3, 4)
KILLS = int(os.environ.get("VXL_CAMPAIGN_KILLS", "26"))
POOL = 8
CLIENTS = 4
SNAP_POOL = 3
MIGRATE_SEEDS = (7, 8)
MIGRATE_KILLS = int(os.environ.get("VXL_CAMPAIGN_MIGRATE_KILLS", "12"))
MIGRATE_POOL = 4
MIGRATE_FLAGS = (E.VIR_MIGRATE_LIVE | E.VIR_MIGRATE_PERSIST_DEST |
                 E.VIR_MIGRATE_UNDEFINE_SOURCE)


def disk_xml(target):
    return (f"<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
            f"<source file='/var/lib/xen/images/{target}.img'/>"
            f"<target dev='{target}' bus='xen'/></disk>")


class Worker(threading.Thread):
    """A campaign's client thread: one random step at a time while the
    campaign lets it (go), counted as busy so that quiesce() can wait;
    an error that means the daemon went away drops the connections
    (reset), every other error is fine."""

    # libvirt's codes for "the daemon died under the call".
    LOST = (E.VIR_ERR_SYSTEM_ERROR, E.VIR_ERR_RPC, E.VIR_ERR_NO_CONNECT,
            E.VIR_ERR_INTERNAL_ERROR)

    def __init__(self, campaign, seed):
        super().__init__(daemon=True)
        self.campaign = campaign
        self.rng = random.Random(seed)
        self.calls = 0

    def step(self):
        raise NotImplementedError

    def reset(self):
        raise NotImplementedError

    def run(self):
        c = self.campaign
        while not c.done:
            c.go.wait()
            if c.done:
                break
            # Counted as busy only while go is still set, under the lock
            # quiesce() clears it with: a thread that woke before the
            # clear must not start a step after quiesce() saw no one busy
            # (a migration it began showed up in the middle of the checks
            # as an inactive incoming domain on the other host).
            with c.busy_lock:
                if not c.go.is_set():
                    continue
                c.busy += 1
            try:
                self.step()
                self.calls += 1
            except libvirt.libvirtError as e:
                if e.get_error_code() in self.LOST:
                    self.reset()
            finally:
                with c.busy_lock:
                    c.busy -= 1


class Client(Worker):
    """Random operations on the pool until told to stop; every error is
    fine (the daemon dies under it, or the operation does not apply to
    the domain's state now)."""

    def __init__(self, campaign, seed):
        super().__init__(campaign, seed)
        self.conn = None

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

    def step(self):
        if self.conn is None:
            self.conn = libvirt.open(self.campaign.daemon.uri)
        self.op(self.conn.lookupByName(f"rk{self.rng.randrange(POOL)}"))

    def reset(self):
        self.conn = None


class SnapshotClient(Client):
    """Snapshots of the qcow2 pool (rs*): taken of running and shut-off
    guests and reverted to, between starts and destroys; every error is
    fine."""

    def op(self, dom):
        r = self.rng.random()
        snaps = dom.listAllSnapshots(0)
        if r < 0.15:
            dom.create()
        elif r < 0.25:
            dom.destroy()
        elif r < 0.55:
            self.campaign.snap_count += 1
            dom.snapshotCreateXML(
                f"<domainsnapshot><name>k{self.campaign.snap_count}</name>"
                "</domainsnapshot>", 0)
        elif r < 0.75 and snaps:
            dom.revertToSnapshot(self.rng.choice(snaps), 0)
        # No deletes (test_crashpoints_snapshot_delete kills those at
        # each step): a delete can leave a file no snapshot names, with
        # no kill involved, which snapshots_agree would take for a
        # kill's leftover. A live delete of the current snapshot keeps
        # its overlay in the chain and a revert elsewhere then leaves it
        # behind; a delete of a snapshot whose state is an overlay a
        # revert made, the domain no longer on it, leaves that overlay
        # (docs/driver.md: not yet mended).

    def step(self):
        if self.conn is None:
            self.conn = libvirt.open(self.campaign.daemon.uri)
        self.op(self.conn.lookupByName(f"rs{self.rng.randrange(SNAP_POOL)}"))


class Campaign(unittest.TestCase):
    """What both campaigns share: clients that stop on request."""

    def quiesce(self):
        """Stop the clients and wait until none is inside a call."""
        with self.busy_lock:
            self.go.clear()
        end = time.monotonic() + bound(30)
        while time.monotonic() < end:
            with self.busy_lock:
                if self.busy == 0:
                    return
            time.sleep(0.01)
        self.fail("clients did not stop")


class RandomKillCampaign(Campaign):

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon()
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)
        self.done = False
        self.go = threading.Event()
        self.busy = 0
        self.busy_lock = threading.Lock()
        self.snap_count = 0

    def snap_xml(self, i):
        base = self.daemon.path("images", f"rs{i}.qcow2")
        os.makedirs(os.path.dirname(base), exist_ok=True)
        qemu_img("create", "-q", "-f", "qcow2", base, "16M")
        return guest_xml(f"rs{i}", memory_mib=64, disks=0).replace(
            "<devices>",
            "<devices><disk type='file' device='disk'>"
            "<driver name='qemu' type='qcow2'/>"
            f"<source file='{base}'/><target dev='xvda' bus='xen'/></disk>", 1)

    def snapshots_agree(self, conn):
        """Each rs* domain's disk chain is whole; each snapshot's parent
        is listed and the disk its definition names exists; the current
        snapshot is one of them; no snapshot intent is left; and no image
        of the pool lies about that neither the disk nor a snapshot uses."""
        used = set()
        for i in range(SNAP_POOL):
            dom = conn.lookupByName(f"rs{i}")
            top = re.search(r"<source file='([^']+)'",
                            dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))[1]
            chain = backing_chain(top)
            for f in chain:
                self.assertTrue(os.path.exists(f), (dom.name(), f))
            used |= set(chain)
            if dom.isActive():
                used.add(re.search(r"<source file='([^']+)'",
                                   dom.XMLDesc(0))[1])
            names = {sn.getName() for sn in dom.listAllSnapshots(0)}
            for sn in dom.listAllSnapshots(0):
                sx = sn.getXMLDesc(0)
                for f in re.findall(r"<source file='([^']+)'", sx):
                    used.add(f)
                # The snapshot's state: the disk its definition names.
                # (Its overlay holds what was written after it and may be
                # gone: a revert elsewhere throws those writes away, and
                # a revert to it makes a fresh one.)
                root = ET.fromstring(sx)
                for src in root.findall("./domain/devices/disk/source"):
                    disk = src.get("file")
                    self.assertTrue(disk is None or os.path.exists(disk),
                                    (sn.getName(), disk))
                try:
                    parent = sn.getParent(0).getName()
                except libvirt.libvirtError:
                    parent = None
                self.assertTrue(parent is None or parent in names,
                                (sn.getName(), parent))
            if dom.hasCurrentSnapshot(0):
                self.assertIn(dom.snapshotCurrent(0).getName(), names)
        images = self.daemon.path("images")
        pool = {os.path.join(images, f) for f in os.listdir(images)
                if f.startswith("rs")}
        self.assertLessEqual(pool, used, "snapshot images nothing uses")
        intents = self.daemon.path("run", "libxl", "intent")
        if os.path.isdir(intents):
            self.assertEqual([f for f in os.listdir(intents) if "snapshot" in f],
                             [], "snapshot intents left")

    def xml(self, i, memory_mib=256):
        return guest_xml(f"rk{i}", uid=f"00000000-0000-4000-8000-{i:012d}",
                         memory_mib=memory_mib, vcpus=2, max_vcpus=4,
                         script={"shutdown-delay-ms": 30},
                         on_poweroff="destroy", on_reboot="restart")

    def conn_define(self, conn, name, rng):
        i = int(name[2:])
        conn.defineXML(self.xml(i, memory_mib=rng.choice((256, 320))))

    def settled_check(self, conn, names, start_all):
        """Guests may still be acting on requests the killed daemon sent
        (a shutdown on its way): check again until they settle."""
        end = time.monotonic() + bound(6)
        while True:
            try:
                check_invariants(self, conn, self.daemon, names,
                                 start_all=start_all)
                self.snapshots_agree(conn)
                return
            except AssertionError:
                if time.monotonic() > end:
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
        names += [f"rs{i}" for i in range(SNAP_POOL)]
        for i in range(SNAP_POOL):
            dom = conn.defineXML(self.snap_xml(i))
            if i % 2:
                dom.create()
        conn.close()

        kills = 0
        clients = []
        for seed in SEEDS:
            rng = random.Random(seed)
            clients = [Client(self, seed * 100 + k) for k in range(CLIENTS)]
            if os.environ.get("VXL_CAMPAIGN_SNAPSHOTS") != "0":
                clients.append(SnapshotClient(self, seed * 100 + CLIENTS))
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
                cl.join(bound(30))
            self.done = False
            self.go.clear()
            total = sum(cl.calls for cl in clients)
            self.assertGreater(total, 0, f"seed {seed}: no call completed")
        self.assertGreaterEqual(kills, len(SEEDS) * KILLS)


class Migrator(Worker):
    """Moves random guests of the pool to the other host (client-managed
    or peer-to-peer), or starts, destroys, pauses them; errors are fine."""

    # A migration's peer dying shows at the source as a failed operation.
    LOST = Worker.LOST + (E.VIR_ERR_OPERATION_FAILED,)

    def __init__(self, campaign, seed):
        super().__init__(campaign, seed)
        self.conns = {}
        self.migrations = 0

    def conn(self, host):
        if host not in self.conns:
            self.conns[host] = libvirt.open(self.campaign.hosts[host].uri)
        return self.conns[host]

    def where(self, name):
        """(host, dom) of the host running @name, else of one where it is
        active (paused), else of one defining it."""
        found = active = None
        for host in ("a", "b"):
            try:
                dom = self.conn(host).lookupByName(name)
            except libvirt.libvirtError as e:
                if e.get_error_code() == E.VIR_ERR_NO_DOMAIN:
                    continue
                raise
            if dom.state()[0] == E.VIR_DOMAIN_RUNNING:
                return host, dom
            if dom.isActive():
                active = active or (host, dom)
            found = found or (host, dom)
        return active or found

    def op(self, name):
        found = self.where(name)
        if not found:
            return
        host, dom = found
        other = "b" if host == "a" else "a"
        r = self.rng.random()
        if not dom.isActive():
            if r < 0.8:
                dom.create()
        elif r < 0.35:
            dom.migrate3(self.conn(other), {}, MIGRATE_FLAGS)
            self.migrations += 1
        elif r < 0.7:
            dom.migrateToURI3(p2p_uri(self.campaign.hosts[other]), {},
                              MIGRATE_FLAGS | E.VIR_MIGRATE_PEER2PEER)
            self.migrations += 1
        elif r < 0.8:
            dom.destroy()
        elif dom.state()[0] == E.VIR_DOMAIN_RUNNING:
            # Only a running guest: a copy a cut-off migration left
            # paused is the administrator's (administrate below).
            dom.suspend()
            dom.resume()

    def step(self):
        self.op(f"mk{self.rng.randrange(MIGRATE_POOL)}")

    def reset(self):
        self.conns = {}


@unittest.skipIf(os.environ.get("VXL_CAMPAIGN_MIGRATE") == "0",
                 "VXL_CAMPAIGN_MIGRATE=0")
class MigrationKillCampaign(Campaign):

    def setUp(self):
        start_event_loop()
        self.hosts = {"a": Daemon(host="host-a"), "b": Daemon(host="host-b")}
        for d in self.hosts.values():
            d.start()
            self.addCleanup(d.cleanup)
        self.done = False
        self.go = threading.Event()
        self.busy = 0
        self.busy_lock = threading.Lock()

    def administrate(self, conns):
        """A source copy left paused (migration) by a migration cut off
        between its stream and its Confirm (its daemon died, or its
        peer-to-peer destination died inside Finish) is gone if the
        other host runs the guest, else resumed. Copies still in a job
        (an incoming guest the other side is dropping) are left alone;
        errors of a state that changes under us are fine, the caller
        tries again."""
        for host, conn in conns.items():
            other = conns["b" if host == "a" else "a"]
            for dom in guests(conn):
                try:
                    if dom.state() != [E.VIR_DOMAIN_PAUSED,
                                       E.VIR_DOMAIN_PAUSED_MIGRATION] or \
                            dom.jobInfo()[0] != E.VIR_DOMAIN_JOB_NONE:
                        continue
                    try:
                        there = other.lookupByName(dom.name())
                        if there.isActive() and \
                                there.jobInfo()[0] != E.VIR_DOMAIN_JOB_NONE:
                            continue        # still arriving there
                        # The migration reached the other host: it runs
                        # the guest (paused too: a guest paused before
                        # its migration arrives paused), or defines it
                        # (--persistent), a client having stopped it
                        # there since.
                        moved = True
                    except libvirt.libvirtError:
                        moved = False
                    if moved:
                        dom.destroy()
                        if dom.isPersistent():
                            dom.undefine()
                    else:
                        dom.resume()
                except libvirt.libvirtError:
                    pass

    def check_hosts(self, conns):
        names = [f"mk{i}" for i in range(MIGRATE_POOL)]
        where = {n: {h: None for h in conns} for n in names}
        for host, conn in conns.items():
            for dom in guests(conn):
                where[dom.name()][host] = dom
        for name, on in where.items():
            present = [h for h, d in on.items() if d is not None]
            active = [h for h, d in on.items() if d is not None and d.isActive()]
            self.assertTrue(present, f"{name} is lost")
            if len(active) > 1:
                logs = {h: [line for line in self.hosts[h].log().splitlines()
                            if (name in line and " debug : " not in line) or
                            "libvirt version" in line][-25:] for h in active}
                self.fail(f"{name} runs on both hosts: a {on['a'].state()}, "
                          f"b {on['b'].state()}, victim {self.victim}; logs: " +
                          "\n".join(f"{h}: {line}" for h in logs for line in logs[h]))
            if active and present != active:
                other = [h for h in present if h not in active][0]
                logs = {h: [line for line in self.hosts[h].log().splitlines()
                            if (name in line and " debug : " not in line) or
                            "libvirt version" in line][-25:] for h in ("a", "b")}
                self.fail(f"{name} runs on host {active[0]} and is still "
                          f"defined on host {other} "
                          f"({on[other].state()}), victim {self.victim}; "
                          "logs: " + "\n".join(f"{h}: {line}" for h in logs
                                               for line in logs[h]))
        for host, conn in conns.items():
            check_invariants(self, conn, self.hosts[host], (), start_all=False)

    def administrate_and_check(self, conns):
        self.administrate(conns)
        self.check_hosts(conns)

    def settled(self, fn, *args):
        end = time.monotonic() + bound(10)
        while True:
            try:
                fn(*args)
                return
            except AssertionError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.25)

    def test_random_kills_during_migration(self):
        conn = libvirt.open(self.hosts["a"].uri)
        for i in range(MIGRATE_POOL):
            conn.defineXML(guest_xml(f"mk{i}", memory_mib=64)).create()
        conn.close()

        kills = 0
        migrations = 0
        for seed in MIGRATE_SEEDS:
            rng = random.Random(seed)
            clients = [Migrator(self, seed * 100 + k) for k in range(3)]
            for cl in clients:
                cl.start()
            for _ in range(MIGRATE_KILLS):
                self.go.set()
                time.sleep(rng.uniform(0.1, 0.8))
                victim = self.victim = rng.choice(("a", "b"))
                kill_now(self.hosts[victim])
                kills += 1
                # No new calls; the killed daemon started again at once,
                # as a service manager does: a peer-to-peer source whose
                # Finish lost its answer asks the restarted destination
                # before its call returns.
                with self.busy_lock:
                    self.go.clear()
                self.hosts[victim].start()
                self.quiesce()
                conns = {h: libvirt.open(d.uri) for h, d in self.hosts.items()}
                try:
                    self.settled(self.administrate_and_check, conns)
                finally:
                    for c in conns.values():
                        c.close()
            self.done = True
            self.go.set()
            for cl in clients:
                cl.join(bound(60))
            self.done = False
            self.go.clear()
            self.assertGreater(sum(cl.calls for cl in clients), 0,
                               f"seed {seed}: no call completed")
            migrations += sum(cl.migrations for cl in clients)
        self.assertGreaterEqual(kills, len(MIGRATE_SEEDS) * MIGRATE_KILLS)
        self.assertGreater(migrations, 0, "no migration completed")
        print(f"{kills} kills, {migrations} migrations completed")


if __name__ == "__main__":
    unittest.main()
