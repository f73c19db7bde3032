# SPDX-License-Identifier: LGPL-2.1-or-later
"""Parallel starts on real Xen, printed and not asserted: N PV guests
started at once through this driver (one client thread and connection
each, as Nova's workers do) against N `xl create` at once of the same
guests. Time from the go to the last guest running; the figure of each
side is the median of ROUNDS rounds, the two sides taking turns."""

import subprocess
import threading
import time

import libvirt

from e2e_lib import URI, guest_xml, say, sh, state_of, wait_for, xl_domains

N = 4
ROUNDS = 2
MEM = 128

XL_CFG = """name = "{name}"
type = "pv"
kernel = "/guest/vmlinux"
ramdisk = "/guest/guest.cpio.gz"
extra = "console=hvc0"
memory = {mem}
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
"""


def driver_round(conn, names):
    """Start @names at once through the driver; seconds to all running."""
    conns = [libvirt.open(URI) for _ in names]
    doms = [c.lookupByName(n) for c, n in zip(conns, names)]
    go = threading.Barrier(len(names) + 1)
    errors = []

    def one(dom):
        go.wait()
        try:
            dom.create()
            wait_for(lambda: state_of(dom) == libvirt.VIR_DOMAIN_RUNNING, 120, 0.02)
        except libvirt.libvirtError as e:
            errors.append(str(e))

    threads = [threading.Thread(target=one, args=(d,)) for d in doms]
    for t in threads:
        t.start()
    go.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join()
    secs = time.monotonic() - t0
    running = all(state_of(d) == libvirt.VIR_DOMAIN_RUNNING for d in doms)
    for d in doms:
        try:
            d.destroy()
        except libvirt.libvirtError:
            pass
    for c in conns:
        c.close()
    return None if errors or not running else secs, errors


def xl_round(names):
    """`xl create` of @names at once; seconds until xl lists them all
    and every create returned."""
    paths = []
    for n in names:
        path = "/tmp/%s.cfg" % n
        with open(path, "w") as f:
            f.write(XL_CFG.format(name=n, mem=MEM))
        paths.append(path)
    t0 = time.monotonic()
    procs = [subprocess.Popen(["xl", "create", "-q", p], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for p in paths]
    rcs = [p.wait() for p in procs]
    ok = wait_for(lambda: all(n in xl_domains() for n in names), 120, 0.02)
    secs = time.monotonic() - t0
    errors = [p.stderr.read().strip() for p, rc in zip(procs, rcs) if rc != 0]
    for n in names:
        sh("xl destroy %s" % n)
    return None if errors or not ok else secs, errors


def run(conn):
    names = ["e2e-par%d" % i for i in range(N)]
    xl_names = ["e2e-xlpar%d" % i for i in range(N)]
    for n in names:
        conn.defineXML(guest_xml(n, mem=MEM))
    ours, theirs = [], []
    try:
        for _ in range(ROUNDS):
            secs, errors = driver_round(conn, names)
            if secs is None:
                say("E2E INFO parallel starts through virtxl failed: %s" % errors[:2])
            else:
                ours.append(secs)
            secs, errors = xl_round(xl_names)
            if secs is None:
                say("E2E INFO parallel xl create failed: %s" % errors[:2])
            else:
                theirs.append(secs)
    finally:
        for n in names:
            try:
                conn.lookupByName(n).undefine()
            except libvirt.libvirtError:
                pass

    def med(v):
        return sorted(v)[len(v) // 2] if v else None
    fmt = lambda v: "%.2fs" % v if v else "n/a"
    say("E2E FIGURE %d PV guests started at once, to all running (median of %d, "
        "each round %s / %s): virtxl %s, xl create %s" %
        (N, ROUNDS, ", ".join("%.2f" % v for v in ours) or "-",
         ", ".join("%.2f" % v for v in theirs) or "-", fmt(med(ours)), fmt(med(theirs))))
    if med(ours) and med(theirs):
        say("E2E FIGURE ratio %d parallel starts virtxl / xl create = %.2f" %
            (N, med(ours) / med(theirs)))
