#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Live migration between two real Xen hosts, run in both dom0s of the
two-host boot (scripts/e2e-run with VXL_E2E_MIGRATE, tests/e2e/dom0-init).

  e2e_migrate.py b   host b (10.0.0.2): libvirtd with this driver,
                     listening on TCP; a small command service on port
                     7000 through which host a runs xl and reads consoles
                     on b; `xl migrate-receive` on port 7001 for the xl
                     comparison. Powers off when a says so.
  e2e_migrate.py a   host a (10.0.0.1): the same libvirtd, and the test.

The live migrations move a PVH guest: Debian's Xen 4.17 is built
without shadow paging, which a PV guest's live copy needs for log-dirty
(HVM and PVH use HAP's). A PV guest is moved non-live (paused while it
copies), and its live migration must be refused with that reason.

Host a drives libvirt as its users do: virsh migrate --live --p2p,
virsh migrate --live client-managed (virsh connected to both daemons),
Nova 22's migrateToURI3 (refused as Nova makes it; with PEER2PEER added, to
Nova's xenmigr://HOST/system), an abort in the
middle of the stream; after each it checks what Xen says on both hosts
(xl list), what both libvirtds say, and that the guest's console goes on
(its heartbeat, read from xenconsoled's log, on the host it is now on).
Then the time of the same migration by `xl migrate` between the same
hosts (its stream through busybox nc), printed and not asserted.

The guest needs no shared storage: its kernel and initramfs are files
present in both dom0 images at the same path.
"""
import json
import os
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time

import libvirt
from e2e_guest_types import tsc_arg
from e2e_lib import (OURS, Daemon, check, counts, event_loop, guest_xml, say,
                     sh, skip, wait_for, xl_info, CONSOLE_DIR)

ADDR = {"a": "10.0.0.1", "b": "10.0.0.2"}
# e2e_migrate_quick on the kernel command line (scripts/e2e-run's
# arguments): only a -> b peer-to-peer, offline, refused and the
# destination killed; a few minutes instead of a quarter of an hour.
with open("/proc/cmdline") as _f:
    QUICK = "e2e_migrate_quick" in _f.read()
HOST = {"a": "xen-e2e-a", "b": "xen-e2e-b"}
URI = {r: "xen+tcp://%s/system" % HOST[r] for r in "ab"}
AGENT_PORT = 7000
XL_PORT = 7001
HOST_UUID = {"a": "5a1e2e00-0000-4000-8000-0000000000aa",
             "b": "5a1e2e00-0000-4000-8000-0000000000bb"}

# The PVH twin xl migrates, as guest_xml(kind="pvh") describes it.
XL_CFG = """name = "{name}"
type = "pvh"
kernel = "/guest/vmlinux"
ramdisk = "/guest/guest.cpio.gz"
extra = "console=hvc0 {extra}"
cpuid = "host,rdtscp=0"
memory = {mem}
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
"""


def start_daemon(role, d=None):
    """libvirtd with this driver, reachable from the other host over
    plain TCP (a test network of two machines: no TLS, no auth); @d: a
    Daemon to start again."""
    extra = ('listen_tls = 0\nlisten_tcp = 1\nauth_tcp = "none"\n'
             'host_uuid = "%s"\n' % HOST_UUID[role])
    d = d or Daemon()
    return d, d.start(OURS, conf_extra=extra, args=["--listen"])


# ----- host b: the command service ------------------------------------------

class AgentHandler(socketserver.StreamRequestHandler):
    def handle(self):
        cmd = self.rfile.readline().decode().strip()
        if cmd == "poweroff":
            self.wfile.write(json.dumps({"rc": 0, "out": "", "err": ""}).encode())
            self.server.done.set()
            return
        r = sh(cmd)
        self.wfile.write(json.dumps({"rc": r.returncode, "out": r.stdout,
                                     "err": r.stderr}).encode())


def serve_b():
    daemon, ok = start_daemon("b")
    if not ok:
        say("E2E INFO host b: libvirtd did not start: %s" %
            sh("tail -5 /var/log/libvirt/libvirtd.stderr").stdout)
    # xl's own migration receiver for the comparison: one connection at
    # a time, each runs `xl migrate-receive` on the socket.
    with open("/tmp/xl-receive", "w") as f:
        f.write("#!/bin/sh\nexec xl migrate-receive 2>>/tmp/xl-receive.log\n")
    os.chmod("/tmp/xl-receive", 0o755)
    nc = subprocess.Popen(["busybox", "nc", "-ll", "-p", str(XL_PORT),
                           "-e", "/tmp/xl-receive"])
    socketserver.TCPServer.allow_reuse_address = True
    srv = socketserver.ThreadingTCPServer(("0.0.0.0", AGENT_PORT), AgentHandler)
    srv.done = threading.Event()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    say("=== E2E host b: serving (libvirtd %s)" % ("up" if ok else "DOWN"))
    srv.done.wait(40 * 60)
    nc.kill()
    daemon.stop()
    say("=== E2E host b: done")
    return 0


# ----- host a: the test -----------------------------------------------------

def on_b(cmd, timeout=120):
    """Runs @cmd in host b's dom0; (rc, stdout)."""
    with socket.create_connection((ADDR["b"], AGENT_PORT), timeout=timeout) as s:
        s.sendall(cmd.encode() + b"\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    r = json.loads(data.decode())
    return r["rc"], r["out"]


def xl_on(role):
    """name -> (domid, state) from xl list on host @role."""
    out = sh("xl list").stdout if role == "a" else on_b("xl list")[1]
    doms = {}
    for line in out.splitlines()[1:]:
        f = line.split()
        if len(f) >= 5:
            doms[f[0]] = (int(f[1]), f[4])
    return doms


def console_on(role, name):
    path = os.path.join(CONSOLE_DIR, "guest-%s.log" % name)
    if role == "a":
        try:
            with open(path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""
    return on_b("cat %s 2>/dev/null" % path)[1]


def heartbeat(role, name):
    """The beat number of the guest's last heartbeat on host @role's
    console log, or 0. The number lives in the guest's memory
    (tests/e2e/guest-init, one beat every 5 s): a guest that moved with
    its memory counts on from it, a rebooted one starts again at 1."""
    beats = re.findall(r"guest heartbeat [0-9.]+ beat (\d+)",
                       console_on(role, name))
    return int(beats[-1]) if beats else 0


def alive_on(role, name, after):
    """True once the guest's console on @role shows a beat after
    @after: the same guest, its memory moved, running there (a guest
    started afresh would need 5 s a beat to get there, far more than
    the 40 s allowed once @after is 9 or more)."""
    return wait_for(lambda: heartbeat(role, name) > after, 40, 1)


def lv_state(conn, name):
    """(state, persistent) in libvirt, or (None, None) when unknown."""
    try:
        dom = conn.lookupByName(name)
        return dom.state()[0], bool(dom.isPersistent())
    except libvirt.libvirtError:
        return None, None


def wait_peer():
    def up():
        try:
            return on_b("true", 5)[0] == 0
        except OSError:
            return False
    return wait_for(up, 300, 2)


def where(name):
    return "xl a: %s, xl b: %s" % (xl_on("a").get(name), xl_on("b").get(name))


def check_moved(tag, name, src, dst, conns, beat, persistent_dst,
                src_defined):
    """After a migration of @name from @src to @dst: Xen and both
    libvirtds agree it runs on @dst only, its console goes on there, and
    the definitions are where the flags said."""
    xa, xb = xl_on(src), xl_on(dst)
    check("%s-xl" % tag, name in xb and name not in xa,
          "xl on %s: %s; xl on %s: %s" % (src, xa.get(name), dst, xb.get(name)))
    sstate, spers = lv_state(conns[src], name)
    dstate, dpers = lv_state(conns[dst], name)
    check("%s-libvirt" % tag,
          dstate == libvirt.VIR_DOMAIN_RUNNING and
          (sstate == libvirt.VIR_DOMAIN_SHUTOFF if src_defined else sstate is None),
          "libvirt on %s: %s, on %s: %s" % (src, sstate, dst, dstate))
    check("%s-persistence" % tag,
          dpers == persistent_dst and bool(spers) == src_defined,
          "persistent on %s: %s (want %s); defined on %s: %s (want %s)" %
          (dst, dpers, persistent_dst, src, spers, src_defined))
    check("%s-console" % tag, alive_on(dst, name, beat),
          "no heartbeat after beat %d on %s's console log; last %d" %
          (beat, dst, heartbeat(dst, name)))


def virsh(uri, args):
    t0 = time.monotonic()
    r = sh("virsh -c %s %s" % (uri, args))
    return r, time.monotonic() - t0


def downtime(conn, name):
    """The completed job's downtime in ms on the source, or None."""
    try:
        dom = conn.lookupByName(name)
        st = dom.jobStats(libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
        return st.get("downtime")
    except libvirt.libvirtError:
        return None


def abort_mid_stream(conns, name):
    """Starts a p2p migration b -> a and aborts it from b once the job
    runs: the guest must go on running on b, with nothing on a."""
    src, dst = "b", "a"
    dom = conns[src].lookupByName(name)
    result = {}

    def run():
        try:
            dom.migrateToURI3(URI[dst], {}, libvirt.VIR_MIGRATE_LIVE |
                              libvirt.VIR_MIGRATE_PEER2PEER)
            result["ok"] = True
        except libvirt.libvirtError as e:
            result["err"] = (e.get_error_code(), str(e))
    t = threading.Thread(target=run)
    t.start()
    running = wait_for(lambda: dom.jobInfo()[0] != libvirt.VIR_DOMAIN_JOB_NONE,
                       30, 0.05)
    aborted = None
    if running:
        try:
            dom.abortJob()
            aborted = True
        except libvirt.libvirtError as e:
            aborted = str(e)
    t.join(180)
    say("E2E INFO abort: job seen %s, abort %s, migration %s" %
        (bool(running), aborted, result))
    if result.get("ok"):
        skip("abort", "the migration completed before the abort reached it")
        return False
    check("abort-error", result.get("err", (None,))[0] ==
          libvirt.VIR_ERR_OPERATION_ABORTED, "migration answered %s" % result)
    check("abort-stays",
          wait_for(lambda: name in xl_on(src) and name not in xl_on(dst), 30) and
          lv_state(conns[src], name)[0] == libvirt.VIR_DOMAIN_RUNNING and
          lv_state(conns[dst], name)[0] is None,
          "%s; libvirt on b %s, on a %s" %
          (where(name), lv_state(conns[src], name), lv_state(conns[dst], name)))
    beat = heartbeat(src, name)
    check("abort-console", alive_on(src, name, beat),
          "no heartbeat after beat %d on b" % beat)
    return True


def offline(conns):
    """virsh migrate --offline --persistent of a shut-off guest a -> b:
    only the definition moves; the source keeps its own."""
    name = "mig-off"
    conns["a"].defineXML(guest_xml(name, kind="pvh"))
    r, t = virsh(URI["a"], "migrate --offline --persistent %s %s" %
                 (name, URI["b"]))
    if check("offline", r.returncode == 0, r.stderr.strip()):
        check("offline-defined",
              lv_state(conns["b"], name) == (libvirt.VIR_DOMAIN_SHUTOFF, True) and
              lv_state(conns["a"], name) == (libvirt.VIR_DOMAIN_SHUTOFF, True) and
              name not in xl_on("a") and name not in xl_on("b"),
              "libvirt on a %s, on b %s; %s" % (lv_state(conns["a"], name),
                                                lv_state(conns["b"], name),
                                                where(name)))
        conns["b"].lookupByName(name).undefine()


def refused_by_destination(conns, name):
    """b -> a under a name a has for another domain (--dname mig-off):
    a's Prepare refuses; the guest runs on b as before, nothing on a."""
    beat = heartbeat("b", name)
    r, t = virsh(URI["b"], "migrate --live --p2p --dname mig-off %s %s" %
                 (name, URI["a"]))
    check("refused", r.returncode != 0 and "already" in r.stderr,
          "rc %d: %s" % (r.returncode, r.stderr.strip()))
    check("refused-stays",
          name in xl_on("b") and "mig-off" not in xl_on("a") and
          name not in xl_on("a") and
          lv_state(conns["b"], name)[0] == libvirt.VIR_DOMAIN_RUNNING and
          lv_state(conns["a"], "mig-off")[0] == libvirt.VIR_DOMAIN_SHUTOFF,
          "%s; libvirt on b %s" % (where(name), lv_state(conns["b"], name)))
    check("refused-console", alive_on("b", name, beat),
          "no heartbeat after beat %d on b" % beat)


def job_running(dom):
    try:
        return dom.jobInfo()[0] != libvirt.VIR_DOMAIN_JOB_NONE
    except libvirt.libvirtError:
        return False


def destination_killed(conns, daemon, name):
    """b -> a peer-to-peer, and a's libvirtd killed (SIGKILL) in the
    middle of the stream, then started again: the migration fails, the
    guest runs on b as before, a's restart throws away the half-received
    domain (Xen and libvirt on a have no running copy)."""
    src, dst = "b", "a"
    dom = conns[src].lookupByName(name)
    beat = heartbeat(src, name)
    result = {}

    def run():
        try:
            dom.migrateToURI3(URI[dst], {}, libvirt.VIR_MIGRATE_LIVE |
                              libvirt.VIR_MIGRATE_PEER2PEER)
            result["ok"] = True
        except libvirt.libvirtError as e:
            result["err"] = (e.get_error_code(), str(e))
    t = threading.Thread(target=run)
    t.start()
    # libxl reports no progress, so the kill comes a while into the job
    # (a 128 MiB guest takes 25 s or more under TCG).
    copying = wait_for(lambda: job_running(dom), 60, 0.2)
    time.sleep(8)
    copying = copying and job_running(dom)
    daemon.proc.kill()
    daemon.proc.wait()
    t.join(180)
    say("E2E INFO destination killed: copying seen %s, migration %s" %
        (bool(copying), result))
    daemon.stop()
    _, ok = start_daemon("a", daemon)
    conns[dst] = wait_for(lambda: _open(URI[dst]), 120, 2)
    if not check("killed-restart", ok and conns[dst], "libvirtd on a"):
        return False
    if result.get("ok"):
        skip("killed", "the migration completed before the kill reached it")
        return False
    check("killed-stays",
          wait_for(lambda: name in xl_on(src) and name not in xl_on(dst), 60) and
          lv_state(conns[src], name)[0] == libvirt.VIR_DOMAIN_RUNNING and
          lv_state(conns[dst], name)[0] in (None, libvirt.VIR_DOMAIN_SHUTOFF),
          "%s; libvirt on b %s, on a %s" %
          (where(name), lv_state(conns[src], name), lv_state(conns[dst], name)))
    check("killed-console", alive_on(src, name, beat),
          "no heartbeat after beat %d on b" % beat)
    return True


def pv_guest(conns, info):
    """A PV guest a -> b: a live migration is refused (unless this Xen
    has shadow paging) and leaves it running on a; a non-live one moves
    it."""
    name = "mig-pv"
    shadow = "shadow" in info.get("virt_caps", "")
    dom = conns["a"].defineXML(guest_xml(name))
    try:
        dom.create()
        check("pv-up-a", wait_for(lambda: heartbeat("a", name) > 0, 90, 1),
              "no heartbeat on a")
        beat = heartbeat("a", name)
        r, t = virsh(URI["a"], "migrate --live --p2p %s %s" % (name, URI["b"]))
        if shadow:
            check("pv-live", r.returncode == 0, r.stderr.strip())
        else:
            check("pv-live-refused", r.returncode != 0 and
                  "shadow paging" in r.stderr and name in xl_on("a") and
                  name not in xl_on("b") and
                  lv_state(conns["a"], name)[0] == libvirt.VIR_DOMAIN_RUNNING and
                  lv_state(conns["b"], name)[0] is None,
                  "rc %d: %s; %s" % (r.returncode, r.stderr.strip(), where(name)))
            say("E2E INFO PV live migration on Xen without shadow paging: %s" %
                r.stderr.strip())
            r, t = virsh(URI["a"], "migrate --p2p %s %s" % (name, URI["b"]))
            if check("pv-nonlive", r.returncode == 0, r.stderr.strip()):
                say("E2E FIGURE virsh migrate --p2p (non-live) of a PV guest a->b: %.2fs" % t)
                check_moved("pv-nonlive", name, "a", "b", conns, beat,
                            persistent_dst=False, src_defined=True)
    finally:
        for r in "ab":
            try:
                d = conns[r].lookupByName(name)
                if d.isActive():
                    d.destroy()
                if d.isPersistent():
                    d.undefine()
            except libvirt.libvirtError:
                pass


def xl_migrate_time(name, info):
    """Seconds for `xl migrate` of an xl-created twin guest a -> b, its
    stream through busybox nc to b's xl migrate-receive; or None."""
    path = "/tmp/%s.cfg" % name
    with open(path, "w") as f:
        f.write(XL_CFG.format(name=name, mem=128, extra=tsc_arg(info)))
    if sh("xl create -q %s" % path).returncode != 0:
        say("E2E INFO xl create of the comparison guest failed")
        return None
    wait_for(lambda: heartbeat("a", name) > 0, 60, 1)
    t0 = time.monotonic()
    r = sh("xl migrate -s '' %s 'busybox nc %s %d'" % (name, ADDR["b"], XL_PORT))
    t = time.monotonic() - t0
    ok = r.returncode == 0 and name in xl_on("b") and name not in xl_on("a")
    if not ok:
        say("E2E INFO xl migrate failed (rc %d): %s; %s; receiver: %s" %
            (r.returncode, r.stderr.strip()[-400:], where(name),
             on_b("tail -5 /tmp/xl-receive.log")[1]))
    sh("xl destroy %s" % name)
    on_b("xl destroy %s" % name)
    return t if ok else None


def run_a():
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=event_loop, daemon=True).start()
    libvirt.registerErrorHandler(lambda *a: None, None)

    daemon, ok = start_daemon("a")
    if not check("libvirtd-a", ok, "see libvirtd.log"):
        return finish(daemon)
    if not wait_peer():
        say("E2E INFRA: host b does not answer on %s:%d" % (ADDR["b"], AGENT_PORT))
        return finish(daemon)
    conns = {}
    for r in "ab":
        conns[r] = wait_for(lambda: _open(URI[r]), 120, 2)
    if not check("connect-both", conns["a"] and conns["b"],
                 "xen+tcp to a: %s, b: %s" % (conns["a"], conns["b"])):
        return finish(daemon)
    ua, ub = conns["a"].getCapabilities(), conns["b"].getCapabilities()
    uuids = [re.search(r"<uuid>([^<]+)</uuid>", c).group(1) for c in (ua, ub)]
    check("host-uuids", uuids == [HOST_UUID["a"], HOST_UUID["b"]],
          "capabilities say %s" % uuids)

    info = xl_info()
    name = "mig-pvh"
    times = {}
    try:
        dom = conns["a"].defineXML(guest_xml(name, kind="pvh",
                                             cmdline=tsc_arg(info)))
        dom.create()
        check("guest-up-a", wait_for(lambda: heartbeat("a", name) > 0, 90, 1),
              "no heartbeat on a: %r" % console_on("a", name)[-300:])

        # 1. peer-to-peer, a -> b; the source keeps its definition
        beat = heartbeat("a", name)
        r, t = virsh(URI["a"], "migrate --live --p2p %s %s" % (name, URI["b"]))
        times["p2p a->b"] = t
        if check("p2p", r.returncode == 0, r.stderr.strip()):
            say("E2E FIGURE virsh migrate --live --p2p a->b: %.2fs, downtime %s ms" %
                (t, downtime(conns["a"], name)))
            check_moved("p2p", name, "a", "b", conns, beat,
                        persistent_dst=False, src_defined=True)

        if not QUICK:
            # 2. client-managed (virsh talks to both daemons), b -> a, into
            # a's inactive definition of the same guest
            beat = heartbeat("b", name)
            r, t = virsh(URI["b"], "migrate --live %s %s" % (name, URI["a"]))
            times["client b->a"] = t
            if check("client-managed", r.returncode == 0, r.stderr.strip()):
                say("E2E FIGURE virsh migrate --live (client-managed) b->a: %.2fs" % t)
                check_moved("client", name, "b", "a", conns, beat,
                            persistent_dst=True, src_defined=False)

            # 3. Nova 22's call (driver.py/guest.py of 22.0.0): as Nova
            # makes it, refused by libvirt's client library (no P2P for
            # Xen, persistent_xml); with PEER2PEER added, it migrates to
            # Nova's own xenmigr://HOST/system (docs/migration.md)
            beat = heartbeat("a", name)
            src = conns["a"].lookupByName(name)
            xml = src.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE)
            nova_params = {"bandwidth": 0, "destination_xml": xml,
                           "persistent_xml": xml}
            flags = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_UNDEFINE_SOURCE |
                     libvirt.VIR_MIGRATE_PERSIST_DEST)
            try:
                src.migrateToURI3("xenmigr://%s/system" % HOST["b"], nova_params,
                                  flags)
                err = "Nova's own call (no PEER2PEER) was accepted"
            except libvirt.libvirtError as e:
                err = None if e.get_error_code() == \
                    libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED else str(e)
            if check("nova-exact-refused", err is None, err):
                check("nova-exact-untouched",
                      name in xl_on("a") and name not in xl_on("b"),
                      where(name))
            t0 = time.monotonic()
            try:
                src.migrateToURI3("xenmigr://%s/system" % HOST["b"], nova_params,
                                  flags | libvirt.VIR_MIGRATE_PEER2PEER)
                err = None
            except libvirt.libvirtError as e:
                err = str(e)
            times["nova a->b"] = time.monotonic() - t0
            if check("nova", err is None, err):
                say("E2E FIGURE Nova's migrateToURI3 (+PEER2PEER) a->b: %.2fs" %
                    times["nova a->b"])
                check_moved("nova", name, "a", "b", conns, beat,
                            persistent_dst=True, src_defined=False)

            # 4. abort in the middle of the stream (b -> a), then really back
            if name in xl_on("b"):
                abort_mid_stream(conns, name)
                beat = heartbeat("b", name)
                # with virsh's --timeout-suspend: its suspend is refused on
                # Xen (libxl's last step needs the guest to answer), virsh
                # ignores that, and the migration goes on live
                r, t = virsh(URI["b"], "migrate --live --p2p --persistent "
                             "--undefinesource --timeout 2 --timeout-suspend "
                             "%s %s" % (name, URI["a"]))
                times["p2p b->a"] = t
                if check("p2p-back", r.returncode == 0, r.stderr.strip()):
                    check_moved("back", name, "b", "a", conns, beat,
                                persistent_dst=True, src_defined=False)

        # 5. offline, a -> b, of another (shut-off) guest
        offline(conns)

        if not QUICK:
            # 6. tunnelled (virt-manager's tunnelled option), a -> b
            beat = heartbeat("a", name)
            r, t = virsh(URI["a"], "migrate --live --p2p --tunnelled %s %s" %
                         (name, URI["b"]))
            times["tunnelled a->b"] = t
            if check("tunnelled", r.returncode == 0, r.stderr.strip()):
                say("E2E FIGURE virsh migrate --live --p2p --tunnelled a->b: %.2fs" % t)
                check_moved("tunnelled", name, "a", "b", conns, beat,
                            persistent_dst=False, src_defined=True)

        # 7. refused by the destination, 8. the destination killed
        if name in xl_on("b"):
            refused_by_destination(conns, name)
            destination_killed(conns, daemon, name)
    except Exception as e:
        check("migration", False, "exception %r; %s" % (e, where(name)))
    finally:
        for r in "ab":
            try:
                conns[r].lookupByName("mig-off").undefine()
            except libvirt.libvirtError:
                pass
            try:
                d = conns[r].lookupByName(name)
                if d.isActive():
                    d.destroy()
                if d.isPersistent():
                    d.undefine()
            except libvirt.libvirtError:
                pass

    if QUICK:
        for c in conns.values():
            c.close()
        return finish(daemon)
    try:
        pv_guest(conns, info)
    except Exception as e:
        check("pv", False, "exception %r; %s" % (e, where("mig-pv")))

    # the same guest's migration by xl, a -> b, on these boots
    try:
        xlt = xl_migrate_time("mig-xl", info)
        ours = times.get("p2p a->b")
        fmt = lambda v: "%.2fs" % v if v else "n/a"
        say("E2E FIGURE live migration a->b of a 128 MiB PVH guest: virtxl p2p %s, "
            "Nova path %s, xl migrate %s" % (fmt(ours), fmt(times.get("nova a->b")), fmt(xlt)))
        if ours and xlt:
            say("E2E FIGURE ratio virtxl / xl migrate = %.2f" % (ours / xlt))
    except Exception as e:
        say("E2E INFO xl migrate comparison failed: %r" % e)
    for c in conns.values():
        c.close()
    return finish(daemon)


def _open(uri):
    try:
        return libvirt.open(uri)
    except libvirt.libvirtError:
        return None


def finish(daemon):
    if counts["failed"]:
        print(sh("grep -iE ' error |virtxl.xen_migrate|domain_migrate' "
                 "/var/log/libvirt/libvirtd.log | tail -40").stdout)
        try:
            print("host b's log:\n" + on_b(
                "grep -iE ' error |virtxl.xen_migrate|domain_migrate' "
                "/var/log/libvirt/libvirtd.log | tail -40")[1])
        except OSError:
            pass
    try:
        on_b("poweroff", 10)
    except OSError:
        pass
    daemon.stop()
    say("E2E SUMMARY: %d passed, %d failed, %d skipped" %
        (counts["passed"], counts["failed"], counts["skipped"]))
    return 0 if counts["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(serve_b() if sys.argv[1:] == ["b"] else run_a())
