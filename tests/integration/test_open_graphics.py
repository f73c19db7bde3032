# SPDX-License-Identifier: LGPL-2.1-or-later
"""virDomainOpenGraphics through stock libvirtd: the client hands over a
socket and the guest's display (the simulator's VNC server, as the
device model's on real Xen) answers on it, through the driver's relay,
for as long as the client keeps it; a whole RFB handshake and a frame
pass; a display the guest lacks, a stopped guest and SKIPAUTH on a
password-protected display are refused."""

import socket
import struct

import libvirt

from test_sim_display import hvm_vnc
from vxltest import DaemonTestCase

E = libvirt


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise AssertionError(f"closed after {len(data)} of {n} bytes")
        data += chunk
    return data


class OpenGraphicsTest(DaemonTestCase):

    def open(self, dom, idx=0, flags=0):
        ours, theirs = socket.socketpair()
        ours.settimeout(20)
        self.addCleanup(ours.close)
        try:
            dom.openGraphics(idx, theirs.fileno(), flags)
        finally:
            theirs.close()
        return ours

    def test_rfb_session_through_relay(self):
        dom = self.conn.defineXML(hvm_vnc("og-vnc"))
        dom.create()
        s = self.open(dom)
        self.assertEqual(recv_exact(s, 12), b"RFB 003.008\n")
        s.sendall(b"RFB 003.008\n")
        ntypes = recv_exact(s, 1)[0]
        types = recv_exact(s, ntypes)
        self.assertIn(1, types)                 # no authentication
        s.sendall(b"\x01")
        self.assertEqual(struct.unpack(">I", recv_exact(s, 4))[0], 0)
        s.sendall(b"\x01")                      # shared
        width, height = struct.unpack(">HH", recv_exact(s, 4))
        self.assertGreater(width * height, 0)
        recv_exact(s, 16)                       # pixel format
        name_len = struct.unpack(">I", recv_exact(s, 4))[0]
        self.assertIn(b"og-vnc", recv_exact(s, name_len))
        # A full frame, large enough to need several relay rounds.
        s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, width, height))
        kind, _, nrects = struct.unpack(">BBH", recv_exact(s, 4))
        self.assertEqual((kind, nrects), (0, 1))
        x, y, w, h, enc = struct.unpack(">HHHHi", recv_exact(s, 12))
        self.assertEqual((w, h, enc), (width, height, 0))
        recv_exact(s, w * h * 4)
        # Two clients at once, each with its own relay.
        s2 = self.open(dom)
        self.assertEqual(recv_exact(s2, 12), b"RFB 003.008\n")

    def test_refusals(self):
        dom = self.conn.defineXML(hvm_vnc("og-bad"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, self.open, dom)
        dom.create()
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.open, dom, 1,
                                msg_contains="no display number 1")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.open, dom, 0, 1 << 4)
        locked = self.conn.defineXML(hvm_vnc(
            "og-pw", "<graphics type='vnc' autoport='yes' passwd='s3cret!x'/>"))
        locked.create()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, self.open,
                                locked, 0, E.VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH,
                                msg_contains="password")
        # With the password asked for as usual, it answers.
        s = self.open(locked)
        self.assertEqual(recv_exact(s, 12), b"RFB 003.008\n")

    def test_guest_gone_closes_client(self):
        dom = self.conn.defineXML(hvm_vnc("og-gone"))
        dom.create()
        s = self.open(dom)
        self.assertEqual(recv_exact(s, 12), b"RFB 003.008\n")
        dom.destroy()
        # The display went with the guest: the relay closes the client's.
        self.assertEqual(s.recv(1), b"")
