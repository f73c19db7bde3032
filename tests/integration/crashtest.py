# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers for the crash-consistency tests: kill the private daemon (at a
chosen crash point of a test build, or at random), start it again, and
check that the driver's records and the simulated hypervisor agree.

The invariants, after every restart:
  - every persistent domain is still defined, with its XML;
  - no domain is left half-started (paused, starting up);
  - the live XML of each running domain says what the hypervisor has:
    the same disks, NICs, memory and vCPUs;
  - the hypervisor holds no domain that libvirt does not list as running
    (no orphan holding a name and memory), and vice versa;
  - every shut-off domain starts (from its managed save image, if it
    has one), and no running domain has a managed save image;
  - no temporary file of an interrupted write is left.
"""

import glob
import json
import os
import shutil
import signal
import threading
import time
import xml.etree.ElementTree as ET

import libvirt

from vxltest import guests, BUILD, bound, wait_for, SIM_NS

E = libvirt


def test_hooks_built():
    """Whether the build has the test hooks (meson -Dtest_hooks=true)."""
    path = os.path.join(BUILD, "meson-info", "intro-buildoptions.json")
    try:
        with open(path) as f:
            opts = json.load(f)
    except OSError:
        return False
    return any(o["name"] == "test_hooks" and o["value"] for o in opts)


def daemon_pid(daemon):
    try:
        with open(daemon.path("libvirtd.pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for us: its parent (the namespace's shell) reaps
    # it only when it exits itself.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def arm(daemon, point, nth=1):
    """Kill the daemon the nth time it reaches crash point @point."""
    with open(daemon.path("run", "libxl", "crash-point"), "w") as f:
        f.write(f"{point} {nth}\n")


def wait_dead(daemon, pid, timeout=15.0):
    wait_for(lambda: not alive(pid), timeout=timeout,
             what=f"libvirtd (pid {pid}) to die")


def crash_and_restart(daemon, conn, point, action, nth=1, timeout=15.0,
                      between=None):
    """Arm @point, run @action in a worker (the kill interrupts it, or it
    returns and lets the point be reached later), wait for the daemon to
    die, close @conn, call @between (if given: what happens to the host
    while no daemon runs), start the daemon again; returns a new
    connection and the libvirt errors @action raised."""
    pid = daemon_pid(daemon)
    arm(daemon, point, nth)
    errors = []

    def run():
        try:
            action()
        except libvirt.libvirtError as e:
            errors.append(e)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    wait_dead(daemon, pid, timeout=timeout)
    t.join(bound(10))
    try:
        conn.close()
    except libvirt.libvirtError:
        pass
    if between:
        between()
    daemon.start()
    return libvirt.open(daemon.uri), errors


def wipe_run_dir(daemon):
    """What a host reboot does to the daemon's state directory (a tmpfs
    under /run): empties it, the simulated hypervisor's domains with it
    (a reboot ends every guest)."""
    run = daemon.path("run", "libxl")
    for entry in os.listdir(run):
        path = os.path.join(run, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def kill_now(daemon):
    pid = daemon_pid(daemon)
    if pid and alive(pid):
        os.kill(pid, signal.SIGKILL)
        wait_dead(daemon, pid)


def sim_domains(daemon):
    """The simulated hypervisor's domains, from its state files (one per
    domain, docs/simulator.md), by UUID."""
    doms = {}
    for path in glob.glob(daemon.path("run", "libxl", "sim", "domain-*.json")):
        try:
            with open(path) as f:
                d = json.load(f)
        except (OSError, ValueError):
            continue
        doms[d["uuid"]] = d
    return doms


def cpu_list(text):
    """The numbers of a CPU list such as "0-1,3"."""
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def live_facts(dom):
    """What the live XML of @dom says the hypervisor has."""
    root = ET.fromstring(dom.XMLDesc(0))
    disks = sorted(t.get("dev") for t in root.findall("./devices/disk/target"))
    # An SR-IOV VF (<interface type='hostdev'>) is a PCI device to Xen,
    # not a vif.
    macs = sorted(i.find("mac").get("address").lower()
                  for i in root.findall("./devices/interface")
                  if i.get("type") != "hostdev")
    vcpu = root.find("./vcpu")
    pci = sorted("%04x:%02x:%02x.%x" % tuple(int(a.get(k), 16) for k in
                                            ("domain", "bus", "slot", "function"))
                 for a in (root.findall("./devices/hostdev[@type='pci']/source/address") +
                           root.findall("./devices/interface[@type='hostdev']/source/address")))
    # A device named by its pci-assignable name: the live XML gives the
    # address the name resolved to (none: the driver lost it).
    pci = sorted(pci + [p.get("address", "unresolved " + p.get("name"))
                        for p in root.findall("./{%s}pci[@name]" % SIM_NS)])
    return {
        "disks": disks,
        "macs": macs,
        "pci": pci,
        "memory": int(root.find("./memory").text),
        "current": int(root.find("./currentMemory").text),
        "vcpus": int(vcpu.get("current", vcpu.text)),
        # which vCPUs are online (virsh setvcpu): <vcpus> when the
        # definition lists them, else the first "current"
        "online": sorted(int(v.get("id")) for v in root.findall("./vcpus/vcpu")
                         if v.get("enabled") == "yes") or
                  list(range(int(vcpu.get("current", vcpu.text)))),
    }


def sim_facts(sd):
    cfg = sd.get("config") or {}
    if not isinstance(cfg, dict):
        cfg = json.loads(cfg)
    return {
        "disks": sorted(d["vdev"] for d in sd.get("disks", [])),
        "macs": sorted(n["mac"].lower() for n in sd.get("nics", [])),
        "pci": sorted("%04x:%02x:%02x.%x" % (p.get("domain", 0), p.get("bus", 0),
                                             p.get("dev", 0), p.get("func", 0))
                      for p in cfg.get("pcidevs", [])),
        "memory": sd["maxKiB"],
        "current": sd["targetKiB"],
        "vcpus": sd["vcpusOnline"],
        "online": cpu_list(sd["vcpuMap"]) if sd.get("vcpuMap") else
                  list(range(sd["vcpusOnline"])),
    }


def stale_temps(daemon):
    found = []
    for sub in (("run", "libxl"), ("run", "libxl", "intent"), ("etc", "libxl"),
                ("etc", "libxl", "autostart")):
        d = daemon.path(*sub)
        if os.path.isdir(d):
            found += [os.path.join(d, n) for n in os.listdir(d)
                      if n.endswith(".new")]
    return found


def check_invariants(test, conn, daemon, persistent=(), start_all=True):
    """Assert the invariants above; @persistent: names that must be
    defined. Starts (and destroys again) every shut-off domain when
    @start_all."""
    doms = guests(conn)
    names = {d.name() for d in doms}
    for name in persistent:
        test.assertIn(name, names, f"persistent domain {name} lost")
        test.assertTrue(conn.lookupByName(name).isPersistent(), name)

    # The hypervisor settles (its state file is written after each call).
    time.sleep(0.2)
    sim = sim_domains(daemon)
    active = {}
    for d in doms:
        state, reason = d.state()
        test.assertFalse(state == E.VIR_DOMAIN_PAUSED and
                         reason == E.VIR_DOMAIN_PAUSED_STARTING_UP,
                         f"{d.name()} is left half-started")
        if d.isActive():
            active[d.UUIDString()] = d
            # A running domain has no managed save image: one left
            # behind would be restored, stale, at its next start.
            if d.isPersistent():
                test.assertFalse(d.hasManagedSaveImage(0),
                                 f"{d.name()} runs and has a managed save image")
    # Renamed dead incarnations (rename-restart) are listed too.
    test.assertEqual(sorted(sim), sorted(active),
                     "the hypervisor's domains and libvirt's running ones differ: "
                     f"hypervisor {sorted(s['name'] for s in sim.values())}, "
                     f"libvirt {sorted(d.name() for d in active.values())}")
    for uuid, d in active.items():
        if sim[uuid]["state"] in ("shutdown", "crashed"):
            continue
        test.assertEqual(live_facts(d), sim_facts(sim[uuid]),
                         f"live XML of {d.name()} differs from the hypervisor")
        test.assertEqual(d.ID(), sim[uuid]["domid"], d.name())

    test.assertEqual(stale_temps(daemon), [], "temporary files left behind")

    if start_all:
        for d in doms:
            if d.isActive():
                continue
            try:
                d.create()
            except libvirt.libvirtError as e:
                test.fail(f"shut-off domain {d.name()} does not start: {e}")
            d.destroy()
