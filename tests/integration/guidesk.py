# SPDX-License-Identifier: LGPL-2.1-or-later
"""A private desktop for GUI tests: Xvfb, a session bus of its own, the
accessibility bus dogtail reads widgets through, and screenshots.

Everything runs under the test's own display and bus, so nothing of the
machine's own session (if any) is touched. dogtail must be imported
only after Desktop.start(), which points the environment at them."""

import importlib.util
import os
import shutil
import signal
import subprocess
import tempfile
import time


class Desktop:
    def __init__(self, log_dir=None):
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix="vxl-gui-")
        # Where the applications' output goes: kept after stop() when
        # given, so a failed run can be read afterwards.
        self.log_dir = log_dir or self.tmp

    @staticmethod
    def available():
        return all(shutil.which(p) for p in ("Xvfb", "virt-manager", "dbus-daemon")) \
            and os.path.exists("/usr/libexec/at-spi-bus-launcher") \
            and importlib.util.find_spec("dogtail") is not None

    def _spawn(self, args, **kw):
        # A session of its own: stop() ends the process and what it
        # started (the accessibility bus launcher starts a dbus-daemon).
        p = subprocess.Popen(args, stdout=kw.pop("stdout", subprocess.DEVNULL),
                             stderr=kw.pop("stderr", subprocess.DEVNULL),
                             start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def start(self):
        # A display number nobody holds, above the ones desktops use.
        display = next(n for n in range(90, 200)
                       if not os.path.exists(f"/tmp/.X{n}-lock") and
                       not os.path.exists(f"/tmp/.X11-unix/X{n}"))
        self.xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0",
                                      "1280x1024x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        os.environ["DISPLAY"] = f":{display}"
        deadline = time.monotonic() + 30
        while not os.path.exists(f"/tmp/.X11-unix/X{display}"):
            if time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.1)
        # The bus starts the accessibility registry on demand, with the
        # bus's own environment: it must not inherit a display (the
        # registry then tries to register with X and loses its clients).
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        # A socket path, not an abstract socket: an application run in
        # another network namespace (a daemon's private one) reaches it.
        bus = subprocess.run(["dbus-daemon", "--session", "--fork",
                              f"--address=unix:path={self.tmp}/session-bus",
                              "--print-address=1", "--print-pid=1"],
                             capture_output=True, text=True, check=True, env=env)
        address, pid = bus.stdout.split()
        self.bus_pid = int(pid)
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
        os.environ["GTK_MODULES"] = "gail:atk-bridge"
        os.environ["NO_AT_BRIDGE"] = "0"
        os.environ["GSETTINGS_BACKEND"] = "memory"
        launcher = self._spawn(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"])
        # Asked for before this launcher holds its name, the session bus
        # would start another one itself, with the bus's environment: no
        # display, so the registry it starts cannot make the mouse clicks
        # the tests send (everything reads, nothing clicks). So: first
        # wait, without starting anything, until the name has an owner.
        deadline = time.monotonic() + 60
        while True:
            res = subprocess.run(["gdbus", "call", "--session", "--dest",
                                  "org.freedesktop.DBus", "--object-path",
                                  "/org/freedesktop/DBus", "--method",
                                  "org.freedesktop.DBus.NameHasOwner", "org.a11y.Bus"],
                                 capture_output=True, text=True)
            if res.stdout.strip() == "(true,)":
                break
            if launcher.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the accessibility bus launcher did not start: " +
                                   res.stdout + res.stderr)
            time.sleep(0.2)
        # Clients find the accessibility bus in the environment rather than
        # on the X server: a test process holding no X connection is not
        # ended by Xlib when Xvfb stops.
        deadline = time.monotonic() + 30
        while True:
            res = subprocess.run(["gdbus", "call", "--session", "--dest", "org.a11y.Bus",
                                  "--object-path", "/org/a11y/bus", "--method",
                                  "org.a11y.Bus.GetAddress"], capture_output=True, text=True)
            if res.returncode == 0:
                os.environ["AT_SPI_BUS_ADDRESS"] = res.stdout.strip()[2:-3]
                break
            if launcher.poll() is not None:
                raise RuntimeError("the accessibility bus launcher ended")
            if time.monotonic() > deadline:
                raise RuntimeError("the accessibility bus did not start: " + res.stderr)
            time.sleep(0.2)

    def launch(self, *args, log="app.log"):
        with open(os.path.join(self.log_dir, log), "w") as out:
            return self._spawn(list(args), stdout=out, stderr=subprocess.STDOUT)

    def screenshot(self, path):
        """The whole screen as PNG, through GDK."""
        subprocess.run(["/usr/bin/python3", "-c", """
import sys, gi
gi.require_version('Gdk', '3.0')
from gi.repository import Gdk
w = Gdk.get_default_root_window()
Gdk.pixbuf_get_from_window(w, 0, 0, w.get_width(), w.get_height()).savev(sys.argv[1], 'png', [], [])
""", path], check=True, timeout=30)

    def stop(self):
        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except OSError:
                pass
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        try:
            os.kill(self.bus_pid, 15)
        except (AttributeError, OSError):
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)
        # Xvfb goes once this process has: libraries of this process that
        # opened the display (GDK, through dogtail) would have Xlib end it
        # the moment the display went away.
        subprocess.Popen(["sh", "-c", f"while kill -0 {os.getpid()} 2>/dev/null; "
                          f"do sleep 0.2; done; kill {self.xvfb.pid}"],
                         start_new_session=True)
