# SPDX-License-Identifier: LGPL-2.1-or-later
"""Start failures on real Xen reach the client with their cause.

libxl builds a domain over many event dispatches; when the device model
dies (here: its VNC port is taken), libxl logs why on the way and
completes the start in failure only after destroying the half-built
domain, many events later. The client must still get the cause, not a
bare "libxl reported error -3 (fail)": the driver keeps libxl's error
lines for the whole build and adds the device model's last words
(src/backend/libxl/xen_build_error.c). After the failure nothing is left
running and the definition is as it was.
"""
import socket

import libvirt

from e2e_lib import check, forget, guest_xml, say, sh, xl_domains

NAME = "e2e-start-errors"
# A display number no other scenario uses, on the loopback the device
# model binds (brought up here, as e2e_nova.py does).
VNC_PORT = 5990


def start_error(conn, xml):
    """Define @xml, start it: (error message or None, left running in xl,
    definition kept)."""
    dom = conn.defineXML(xml)
    try:
        dom.create()
        msg = None
    except libvirt.libvirtError as e:
        msg = e.get_error_message()
    running = NAME in xl_domains()
    try:
        kept = conn.lookupByName(NAME).isPersistent() == 1 and not dom.isActive()
    except libvirt.libvirtError:
        kept = False
    return msg, running, kept


def vnc_port_taken(conn):
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
    try:
        holder.bind(("127.0.0.1", VNC_PORT))
        holder.listen(1)
        xml = guest_xml(NAME, devices=(
            "    <graphics type='vnc' port='%d' autoport='no' listen='127.0.0.1'/>\n"
            "    <video><model type='xen'/></video>\n" % VNC_PORT))
        msg, running, kept = start_error(conn, xml)
    finally:
        holder.close()
    say("E2E INFO start-error-vnc: the client got: %s" % msg)
    named = msg is not None and (
        "Address already in use" in msg or "Failed to bind" in msg)
    check("start-error-vnc-port-taken",
          named and not running and kept,
          "message %r (names the port bind: %s), left running %s, definition kept %s; "
          "device model log: %s"
          % (msg, named, running, kept,
             sh("tail -5 /var/log/xen/qemu-dm-%s.log" % NAME).stdout))


def run(conn, events):
    sh("ip link set lo up")
    for step in (vnc_port_taken,):
        forget(conn, NAME)
        try:
            step(conn)
        finally:
            forget(conn, NAME)
