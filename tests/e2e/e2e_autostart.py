# SPDX-License-Identifier: LGPL-2.1-or-later
"""Autostart with the libxl backend: a domain marked autostart is started
when libvirtd starts on a freshly booted host, and only then (libvirt's
"autostarted" marker under /run keeps a daemon restart from starting it
again).

prepare() before a plain daemon restart, not_again() after it;
host_boot() restarts the daemon as the first start of a host boot.
"""
import os

import libvirt

from e2e_lib import (AUTOSTART_MARKER, OURS, URI, Events, banner_after,
                     check, console_count, guest_xml, sh, state_of,
                     xl_domains)

NAME = "e2e-auto"
LINK = "/etc/libvirt/libxl/autostart/%s.xml" % NAME


def prepare(conn):
    dom = conn.defineXML(guest_xml(NAME))
    dom.setAutostart(1)
    check("autostart-set", dom.autostart() == 1 and os.path.islink(LINK),
          "autostart %s, link %s exists: %s" % (dom.autostart(), LINK,
                                                os.path.lexists(LINK)))


def not_again(conn):
    """After a daemon restart within the same host boot."""
    dom = conn.lookupByName(NAME)
    check("autostart-once-per-boot",
          state_of(dom) == libvirt.VIR_DOMAIN_SHUTOFF and
          NAME not in xl_domains(),
          "state %s, xl %s" % (dom.state(), xl_domains().get(NAME)))


def host_boot(daemon, conn, events):
    """Returns the new connection and its events."""
    before = console_count(NAME)
    events.close()
    conn.close()
    daemon.stop()
    os.unlink(AUTOSTART_MARKER)
    ok = daemon.start(OURS)
    check("autostart-daemon-starts", ok, "libvirtd did not come back")
    conn = libvirt.open(URI)
    events = Events(conn)
    dom = conn.lookupByName(NAME)
    xl = xl_domains().get(NAME)
    check("autostart-started",
          dom.state() == [libvirt.VIR_DOMAIN_RUNNING,
                          libvirt.VIR_DOMAIN_RUNNING_BOOTED] and
          xl is not None and xl[0] == dom.ID() and
          banner_after(NAME, before) is not None and
          os.path.exists(AUTOSTART_MARKER),
          "state %s, xl %s, banners %d, log: %s" %
          (dom.state(), xl, console_count(NAME),
           sh("grep -i autostart /var/log/libvirt/libvirtd.log | tail -3").stdout))
    dom.destroy()
    dom.undefine()
    check("autostart-undefined", not os.path.lexists(LINK),
          "%s still there after undefine" % LINK)
    return conn, events
