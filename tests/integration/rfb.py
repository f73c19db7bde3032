# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small RFB (VNC) client for the tests: the handshake in 3.3, 3.7 or
3.8, "None" and "VNC authentication", raw frames in 32-bit true colour,
key events, and a reader that turns a frame back into text by matching
each 8x16 cell against the same console font the simulator draws with.
Written from the RFB specification (RFC 6143), independently of the
server it tests."""

import gzip
import socket
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from vxltest import bound

FONTS = ["/usr/share/consolefonts/Uni2-VGA16.psf.gz",
         "/usr/share/consolefonts/Lat15-VGA16.psf.gz",
         "/usr/share/consolefonts/default8x16.psf.gz"]


class RFBError(Exception):
    pass


def _recv(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise RFBError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def _des_response(password, challenge):
    key = bytes(int(f"{b:08b}"[::-1], 2) for b in password.encode()[:8].ljust(8, b"\0"))
    # TripleDES with one 8-byte key is single DES.
    enc = Cipher(algorithms.TripleDES(key), modes.ECB()).encryptor()
    return enc.update(challenge) + enc.finalize()


class Client:
    def __init__(self, host, port, password=None, version=8, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=bound(timeout))
        server = _recv(self.sock, 12)
        if not server.startswith(b"RFB 003."):
            raise RFBError(f"not an RFB server: {server!r}")
        self.sock.sendall(f"RFB 003.{version:03d}\n".encode())
        if version == 3:
            (sectype,) = struct.unpack(">I", _recv(self.sock, 4))
            self.offered = [sectype]
        else:
            (n,) = struct.unpack("B", _recv(self.sock, 1))
            if n == 0:
                raise RFBError("server offers no security type")
            self.offered = list(_recv(self.sock, n))
            sectype = 2 if password is not None and 2 in self.offered else self.offered[0]
            self.sock.sendall(bytes([sectype]))
        if sectype == 2:
            if password is None:
                raise RFBError("server wants a password")
            challenge = _recv(self.sock, 16)
            self.sock.sendall(_des_response(password, challenge))
        if sectype == 2 or version == 8:
            (result,) = struct.unpack(">I", _recv(self.sock, 4))
            if result != 0:
                reason = ""
                if version == 8:
                    (n,) = struct.unpack(">I", _recv(self.sock, 4))
                    reason = _recv(self.sock, n).decode()
                raise RFBError(f"authentication failed: {reason}")
        self.sock.sendall(b"\1")   # shared
        self.width, self.height = struct.unpack(">HH", _recv(self.sock, 4))
        self.pixfmt = _recv(self.sock, 16)
        (n,) = struct.unpack(">I", _recv(self.sock, 4))
        self.name = _recv(self.sock, n).decode()
        # Ask for what we read: 32 bpp, little endian, 8 bits a colour.
        self.sock.sendall(b"\0\0\0\0" + bytes([32, 24, 0, 1]) +
                          struct.pack(">HHHBBB", 255, 255, 255, 16, 8, 0) +
                          b"\0\0\0")
        self.sock.sendall(struct.pack(">BBHi", 2, 0, 1, 0))
        self.pixels = bytearray(self.width * self.height * 4)

    def close(self):
        self.sock.close()

    def frame(self, incremental=False, timeout=10):
        """Request and read one update; returns the pixels (BGRX)."""
        self.sock.settimeout(bound(timeout))
        self.sock.sendall(struct.pack(">BBHHHH", 3, int(incremental), 0, 0,
                                      self.width, self.height))
        while True:
            kind = _recv(self.sock, 1)[0]
            if kind == 0:
                break
            raise RFBError(f"unexpected server message {kind}")
        _, nrects = struct.unpack(">BH", _recv(self.sock, 3))
        for _ in range(nrects):
            x, y, w, h, enc = struct.unpack(">HHHHi", _recv(self.sock, 12))
            if enc != 0:
                raise RFBError(f"encoding {enc}, not raw")
            data = _recv(self.sock, w * h * 4)
            for row in range(h):
                start = ((y + row) * self.width + x) * 4
                self.pixels[start:start + w * 4] = data[row * w * 4:(row + 1) * w * 4]
        return self.pixels

    def key(self, keysym):
        for down in (1, 0):
            self.sock.sendall(struct.pack(">BBHI", 4, down, 0, keysym))

    def type(self, text):
        for ch in text:
            self.key(0xff0d if ch == "\n" else ord(ch))

    def ppm(self, path):
        with open(path, "wb") as f:
            f.write(f"P6 {self.width} {self.height} 255\n".encode())
            out = bytearray()
            for i in range(0, len(self.pixels), 4):
                b, g, r = self.pixels[i:i + 3]
                out += bytes((r, g, b))
            f.write(out)


def load_font():
    """ASCII glyphs (16 bytes each) of the first console font found."""
    for path in FONTS:
        try:
            data = gzip.open(path).read()
        except OSError:
            continue
        if data[:2] != b"\x36\x04":
            continue
        count = 512 if data[2] & 1 else 256
        size = data[3]
        glyphs = [data[4 + i * size:4 + (i + 1) * size] for i in range(count)]
        table = data[4 + count * size:]
        ascii_ = {}
        pos = 0
        for g in range(count):
            seq = False
            while pos + 1 < len(table):
                (u,) = struct.unpack("<H", table[pos:pos + 2])
                pos += 2
                if u == 0xFFFF:
                    break
                if u == 0xFFFE:
                    seq = True
                elif not seq and 32 <= u < 127 and chr(u) not in ascii_:
                    ascii_[chr(u)] = glyphs[g]
        return ascii_
    return None


def read_text(client, font):
    """The screen as lines of text: each 8x16 cell matched against the
    font's glyphs, the cell's two colours told apart by majority."""
    by_bits = {}
    for ch, bits in font.items():
        by_bits.setdefault(bytes(bits), ch)
    w, px = client.width, client.pixels
    lines = []
    for row in range(client.height // 16):
        line = ""
        for col in range(w // 8):
            cells = []
            for y in range(16):
                start = ((row * 16 + y) * w + col * 8) * 4
                cells.append([bytes(px[start + 4 * x:start + 4 * x + 3]) for x in range(8)])
            colours = {}
            for r in cells:
                for c in r:
                    colours[c] = colours.get(c, 0) + 1
            bg = max(colours, key=colours.get)
            bits = bytes(sum(0x80 >> x for x in range(8) if r[x] != bg) for r in cells)
            line += by_bits.get(bits, " " if not any(bits) else "?")
        lines.append(line.rstrip())
    return lines
