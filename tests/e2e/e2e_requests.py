# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shutdown requests a guest cannot answer yet, on real Xen.

libxl writes a shutdown request into the guest's control node, then
waits up to 60 s for the guest to clear it. A paused guest clears it
only once it runs. The driver must not hold the caller for that: the
request is written, virDomainShutdown returns, and the guest acts when
resumed. A daemon stopped while libxl still waits must not crash
(libxl_ctx_free asserts on an operation in flight), and the request,
which stays in xenstore, is still honoured afterwards.
"""
import time

import libvirt

from e2e_lib import (OURS, URI, Events, check, forget, guest_xml, say, sh,
                     state_of, wait_for, xl_domains)

NAME = "e2e-ack"
STDERR = "/var/log/libvirt/libvirtd.stderr"
LOG = "/var/log/libvirt/libvirtd.log"


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _control_node(domid):
    return sh("xenstore-read /local/domain/%d/control/shutdown" % domid).stdout.strip()


def _start_paused(conn, dom, what):
    dom.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED)
    return check("%s-start-paused" % what,
                 state_of(dom) == libvirt.VIR_DOMAIN_PAUSED and
                 "p" in xl_domains().get(NAME, (0, ""))[1],
                 "state %s, xl %s" % (dom.state(), xl_domains().get(NAME)))


def _timed_shutdown(dom, tag, what):
    t0 = time.monotonic()
    err = None
    try:
        dom.shutdownFlags(libvirt.VIR_DOMAIN_SHUTDOWN_PARAVIRT)
    except libvirt.libvirtError as e:
        err = str(e)
    t = time.monotonic() - t0
    say("E2E FIGURE virDomainShutdown of a paused guest (%s) returned in %.2fs" % (what, t))
    check("%s-shutdown-returns" % tag, err is None and t < 10,
          "took %.1fs: %s" % (t, err))
    return t


def _acts_on_resume(dom, events, what):
    dom.resume()
    check("%s-acted-on-resume" % what,
          wait_for(lambda: state_of(dom) == libvirt.VIR_DOMAIN_SHUTOFF, 90) and
          events.wait(NAME, libvirt.VIR_DOMAIN_EVENT_STOPPED,
                      libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN) and
          dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF,
                          libvirt.VIR_DOMAIN_SHUTOFF_SHUTDOWN] and
          wait_for(lambda: NAME not in xl_domains(), 30),
          "state %s, xl %s, events %s" % (dom.state(), xl_domains().get(NAME),
                                          events.names(NAME)))


def run(daemon, conn, events):
    """Restarts the daemon on the way: returns the new (conn, events)."""
    forget(conn, NAME)
    dom = conn.defineXML(guest_xml(NAME))

    # 1. The request returns at once; the guest acts when resumed, and
    #    libxl's wait for its acknowledgement ends on the event loop.
    if _start_paused(conn, dom, "ack"):
        domid = dom.ID()
        _timed_shutdown(dom, "ack", "daemon running")
        check("ack-request-in-xenstore", _control_node(domid) == "poweroff",
              "control/shutdown is '%s'" % _control_node(domid))
        time.sleep(2)
        check("ack-still-paused", state_of(dom) == libvirt.VIR_DOMAIN_PAUSED,
              "state %s" % (dom.state(),))
        _acts_on_resume(dom, events, "ack")
        done = "acknowledgement of the poweroff request of domain %d: done" % domid
        check("ack-completed-on-loop", wait_for(lambda: done in _read(LOG), 30),
              "no '%s' in %s" % (done, LOG))
    forget(conn, NAME)
    dom = conn.defineXML(guest_xml(NAME))

    # 2. The daemon stops while libxl still waits for the acknowledgement.
    if not _start_paused(conn, dom, "ack-close"):
        forget(conn, NAME)
        return conn, events
    domid = dom.ID()
    _timed_shutdown(dom, "ack-close", "before a daemon stop")
    asserts = _read(STDERR).count("Assertion")
    logged = len(_read(LOG))
    events.close()
    conn.close()
    rc = daemon.stop()
    log = _read(LOG)[logged:]
    say("E2E INFO libvirtd exit status with a pending acknowledgement: %s" % rc)
    check("ack-close-daemon-clean",
          rc is not None and rc >= 0 and
          _read(STDERR).count("Assertion") == asserts and
          "still in flight" not in log,
          "exit status %s; stderr: %s" % (rc, _read(STDERR)[-600:]))
    check("ack-close-aborted",
          "acknowledgement of the poweroff request of domain %d: no longer awaited" % domid in log,
          "no abort logged at close")
    check("ack-close-request-kept", _control_node(domid) == "poweroff",
          "control/shutdown is '%s'" % _control_node(domid))

    ok = daemon.start(OURS)
    check("ack-close-daemon-back", ok, "libvirtd did not come back")
    conn = libvirt.open(URI)
    events = Events(conn)
    dom = conn.lookupByName(NAME)
    check("ack-close-found-paused", dom.ID() == domid and
          state_of(dom) == libvirt.VIR_DOMAIN_PAUSED,
          "id %d (was %d), state %s" % (dom.ID(), domid, dom.state()))
    _acts_on_resume(dom, events, "ack-close")
    forget(conn, NAME)
    return conn, events
