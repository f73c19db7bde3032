# SPDX-License-Identifier: LGPL-2.1-or-later
"""virt-manager 4.1, driven as its users drive it, against the driver on
the simulator: under a private Xvfb, dogtail clicks through the manager
window, the New VM wizard (HVM with its default choices, PV and PVH
from the "Xen Type" choice, a bridge instead of the NAT network), the
lifecycle buttons, the details pages, Add Hardware and Remove (a disk, a
NIC, a PCI host device), Clone, Delete with its storage, the graphical
console, Save and Restore, Snapshots, the Performance page and Migrate.
Each step checks what the GUI shows (widget text,
state labels, no error dialog) and what libvirt says, and leaves a
screenshot in VXL_ARTIFACTS_DIR (build/test-artifacts/virt-manager by
default; scripts/update-screenshots copies them into docs/images)."""

import json
import os
import re
import subprocess
import sys
import time
import unittest
import uuid

import libvirt

from guidesk import Desktop
from guifind import matches, uncached, vanished
from test_control import read_ppm
from vxltest import DEFAULT_NET, SIM_NS, Daemon
from vxltest import wait_for as _wait_for


def wait_for(*args, **kwargs):
    """vxltest's wait_for, unscaled: the bounds here are sized for the
    GUI on a loaded machine already (SHOW_TIMEOUT), and several are
    probes whose timeout picks the next way to reach a widget."""
    kwargs.setdefault("scaled", False)
    return _wait_for(*args, **kwargs)

E = libvirt
HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.environ.get("VXL_ARTIFACTS_DIR") or os.path.join(
    os.environ.get("VXL_BUILD_DIR", os.path.join(HERE, "..", "..", "build")),
    "test-artifacts", "virt-manager")


# The simulator's screen: the title bar's colour (sim_display.c).
SIM_TITLE_RGB = (0x20, 0x40, 0x90)

# How long virt-manager may take to show what a step did, on a loaded
# 2-core machine (a few seconds there; the bound is paid only by a
# failure).
SHOW_TIMEOUT = 90


def image(path, mib=64):
    with open(path, "wb") as f:
        f.truncate(mib << 20)
    return path


def guest(name, disk, ostype="hvm", vnc=True, memory_mib=256, vcpus=1,
          nic=True, fmt="raw", script=None):
    """A guest with its disk at @disk (of format @fmt) and a NIC on the
    'default' NAT network, as virt-manager's wizard would make it;
    @script: the simulated guest's <virtxl:guest> attributes."""
    if ostype == "hvm":
        os_block = "<type arch='x86_64' machine='xenfv'>hvm</type><boot dev='hd'/>"
        target = "<target dev='hda' bus='ide'/>"
    else:
        os_block = ("<type arch='x86_64' machine='xenpv'>xen</type>"
                    "<kernel>/boot/vmlinuz</kernel>")
        target = "<target dev='xvda' bus='xen'/>"
    gfx = ("<graphics type='vnc' autoport='yes'/>"
           "<video><model type='cirrus'/></video>") if vnc and ostype == "hvm" else ""
    nic_xml = "<interface type='network'><source network='default'/></interface>" \
        if nic else ""
    meta = ""
    if script:
        attrs = " ".join(f"{k}='{v}'" for k, v in script.items())
        meta = (f"<metadata><virtxl:guest xmlns:virtxl='{SIM_NS}' {attrs}/>"
                "</metadata>")
    return f"""<domain type='xen'><name>{name}</name><uuid>{uuid.uuid4()}</uuid>{meta}
  <memory unit='MiB'>{memory_mib}</memory>
  <currentMemory unit='MiB'>{memory_mib}</currentMemory>
  <vcpu>{vcpus}</vcpu><os>{os_block}</os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='{fmt}'/>
      <source file='{disk}'/>{target}</disk>
    {nic_xml}
    {gfx}
  </devices></domain>"""


def _eventually(pred, timeout=5):
    """What @pred() gives once true within @timeout seconds, or None."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        val = pred()
        if val:
            return val
        time.sleep(0.2)
    return None


ATTACH = os.environ.get("VXL_GUI_ATTACH")
# What the steps' process needs of the desktop its suite started.
DESKTOP_ENV = ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS",
               "GTK_MODULES", "NO_AT_BRIDGE", "GSETTINGS_BACKEND")
# The steps' process may die in libatspi (a segfault reading a widget
# that went away): the step it died in runs once more, with the ones
# after it, in a fresh process.
STEP_RUNS = 2
STEP_TIMEOUT = 300
# VXL_GUI_TESTS: unset or "all", every step (the default run); "1", the
# core steps only (a quicker run while working on the suite); "0", none.
GUI_TESTS = os.environ.get("VXL_GUI_TESTS", "all")


def tail(step):
    """A step of the long tail: left out of the quicker VXL_GUI_TESTS=1
    run, which keeps to the steps a user takes first."""
    step.tail = True
    return step


def screenshot(path):
    Desktop.screenshot(None, path)


def settings_keyfile(path, uris, autoconnect):
    """virt-manager's settings, as a user who added the two connections
    and turned on every graph in Preferences would have them: GSettings'
    keyfile backend reads them from @path."""
    def strv(items):
        return "[" + ", ".join(repr(i) for i in items) + "]"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(f"""[org/virt-manager/virt-manager/connections]
uris={strv(uris)}
autoconnect={strv(autoconnect)}

[org/virt-manager/virt-manager/stats]
update-interval=2
enable-cpu-poll=true
enable-disk-poll=true
enable-net-poll=true
enable-memory-poll=true

[org/virt-manager/virt-manager/vmlist-fields]
cpu-usage=true
memory-usage=true
disk-usage=true
network-traffic=true

[org/virt-manager/virt-manager/confirm]
unapplied-dev=false
""")


@unittest.skipUnless(GUI_TESTS != "0" and not ATTACH, "VXL_GUI_TESTS=0")
@unittest.skipUnless(Desktop.available(), "needs Xvfb, virt-manager, dbus and at-spi")
class VirtManagerSuite(unittest.TestCase):
    """The desktop, the daemons and virt-manager, once; the steps of
    VirtManagerTest in one process attached to them (a crash of the
    accessibility library ends that process: the step it died in runs
    again with the rest, in a fresh one)."""

    @classmethod
    def setUpClass(cls):
        cls.started = time.monotonic()
        # Two simulated hosts in one network namespace, as the Migrate
        # dialog needs a second connection it can reach.
        # Every guest's disk exists: missing ones are refused, as on Xen.
        cls.daemon = Daemon(network=True, storage=True, private_net=True,
                            host="host-a", disk_checks=True)
        cls.peer = Daemon(host="host-b", join_net=cls.daemon,
                          disk_checks=True)
        cls.desk = None
        cls.results = {}
        try:
            cls._start()
        except BaseException:
            cls._stop()
            raise

    @classmethod
    def _start(cls):
        cls.daemon.start()
        cls.peer.start()
        conn = libvirt.open(cls.daemon.uri)
        try:
            conn.networkDefineXML(DEFAULT_NET).create()
        finally:
            conn.close()
        os.makedirs(ARTIFACTS, exist_ok=True)
        cls.desk = Desktop(log_dir=ARTIFACTS)
        cls.desk.start()
        images = os.path.join(cls.desk.tmp, "images")
        os.makedirs(images)
        config = os.path.join(cls.desk.tmp, "config")
        settings_keyfile(os.path.join(config, "glib-2.0", "settings", "keyfile"),
                         [cls.daemon.uri, cls.peer.uri], [cls.peer.uri])
        # virt-manager runs in the daemons' network namespace, where the
        # NAT network, the simulator's VNC servers and the migration
        # ports are: it reaches the daemons, X and the buses through
        # socket files.
        with open(cls.daemon.path("netns")) as f:
            netns = f.read().strip()
        cls.desk.launch("ip", "netns", "exec", netns, "env",
                        "GSETTINGS_BACKEND=keyfile", f"XDG_CONFIG_HOME={config}",
                        "virt-manager", "--no-fork", "--debug",
                        "--connect", cls.daemon.uri, log="virt-manager.log")
        cls.attach = os.path.join(cls.desk.tmp, "attach.json")
        with open(cls.attach, "w") as f:
            json.dump({"uri": cls.daemon.uri, "peer": cls.peer.uri,
                       "images": images,
                       "env": {k: os.environ[k] for k in DESKTOP_ENV
                               if k in os.environ}}, f)

    @classmethod
    def tearDownClass(cls):
        cls._stop()
        print(f"\nvirt-manager suite: {time.monotonic() - cls.started:.0f} s",
              file=sys.stderr)

    @classmethod
    def _stop(cls):
        try:
            if cls.desk:
                cls.desk.stop()
        finally:
            cls.peer.cleanup()
            cls.daemon.cleanup()

    @classmethod
    def _run_from(cls, step):
        """Run @step and the selected steps after it in one process; their
        outcomes land in cls.results."""
        todo = [s for s in STEPS if s >= step]
        out_file = os.path.join(cls.desk.tmp, f"results-{step}.json")
        env = dict(os.environ, VXL_GUI_ATTACH=cls.attach)
        try:
            res = subprocess.run(
                [sys.executable, os.path.join(HERE, "test_virt_manager.py"),
                 "--steps", out_file] + todo,
                cwd=HERE, env=env, capture_output=True, text=True,
                timeout=STEP_TIMEOUT * len(todo))
            output, code = res.stdout + res.stderr, res.returncode
        except subprocess.TimeoutExpired as e:
            output, code = (e.stdout or b"").decode() + (e.stderr or b"").decode(), None
        output = "\n".join(line for line in output.splitlines()
                           if not line.startswith(("Mouse button", "Clicking on",
                                                   "Typing text", "  ret = func")) and
                           "Deprecat" not in line and "ImportWarning" not in line)
        done = {}
        try:
            with open(out_file) as f:
                done = json.load(f)
        except (OSError, ValueError):
            pass
        cls.results.update(done)
        # The step the process ended in, without an outcome of its own.
        for s in todo:
            if s not in done:
                cls.results[s] = {"outcome": "died", "code": code,
                                  "detail": output[-6000:]}
                break
        return code

    def run_step(self, step):
        if step not in self.results or (self.results[step]["outcome"] == "died" and
                                         not self.results[step].get("again")):
            if step in self.results:
                print(f"{step}: its process died ({self.results[step]['code']}); "
                      f"once more:\n{self.results[step]['detail'][-2000:]}",
                      file=sys.stderr)
                self.results[step]["again"] = True
            self._run_from(step)
        r = self.results[step]
        if r["outcome"] == "skipped":
            self.skipTest(r["detail"])
        self.assertEqual(r["outcome"], "ok", f"{step}:\n{r['detail'][-6000:]}")
        print(f"{step}: {r.get('seconds', 0):.0f} s", file=sys.stderr)


class StepResult(unittest.TextTestResult):
    """Each step's outcome written to a file as it ends, for the suite."""

    def __init__(self, path, *args, **kw):
        super().__init__(*args, **kw)
        self.path = path
        self.outcomes = {}

    def startTest(self, test):
        super().startTest(test)
        self.t0 = time.monotonic()

    def _note(self, test, outcome, detail=""):
        self.outcomes[test._testMethodName] = {
            "outcome": outcome, "detail": detail,
            "seconds": time.monotonic() - self.t0}
        with open(self.path + ".new", "w") as f:
            json.dump(self.outcomes, f)
        os.replace(self.path + ".new", self.path)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._note(test, "ok")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._note(test, "failed", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._note(test, "failed", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._note(test, "skipped", reason)


@unittest.skipUnless(ATTACH, "a step of VirtManagerSuite: run by it")
class VirtManagerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(ATTACH) as f:
            attach = json.load(f)
        os.environ.update(attach["env"])
        cls.images = attach["images"]
        cls.peer_uri = attach["peer"]
        # No event loop: the steps' calls are synchronous, and a
        # connection without one has no keepalive a starved process could
        # miss (the daemon closes a client that answers no ping for 30 s).
        cls.conn = libvirt.open(attach["uri"])
        # The accessibility registry starts with the first client; dogtail
        # reads the desktop as it is imported, so wait until it can.
        wait_for(lambda: subprocess.run(
            [sys.executable, "-c", "import dogtail.tree"],
            capture_output=True).returncode == 0,
            timeout=60, interval=1, what="the accessibility bus")
        from dogtail import tree
        from dogtail.config import config
        # Searches go through guifind (the application matches them);
        # dogtail clicks, types and reads.
        config.searchShowingOnly = False
        config.actionDelay = 0.2
        config.defaultDelay = 0.2
        config.logDebugToFile = False
        cls.tree = tree
        cls.app = wait_for(cls._find_app, timeout=60, interval=0.5,
                           what="virt-manager on the accessibility bus")
        uncached(cls.app)
        cls.mgr = wait_for(lambda: cls._top("Virtual Machine Manager"),
                           timeout=60, interval=0.5, what="the manager window")

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()

    @classmethod
    def _find_app(cls):
        try:
            return cls.tree.root.application("virt-manager")
        except Exception:
            return None

    @classmethod
    def _top(cls, name, prefix=False):
        """virt-manager's showing top-level window @name (or starting
        with it)."""
        try:
            for w in cls.app.children:
                if w.showing and w.name and (w.name.startswith(name) if prefix
                                             else w.name == name):
                    return w
        except Exception as e:
            if not vanished(e):
                raise
        return None

    # ----- reading what the GUI shows -------------------------------------

    def shot(self, name):
        path = os.path.join(ARTIFACTS, name + ".png")
        screenshot(path)
        return path

    def look(self, parent, role, name=None, match=None):
        """The first showing widget under @parent with @role whose name is
        @name (or satisfies @match), or None; widgets that go away while
        they are searched count as not there yet."""
        try:
            for n in matches(parent, role):
                if (name is None or n.name == name) and (match is None or match(n)):
                    return n
        except Exception as e:
            if vanished(e):
                return None
            raise
        return None

    def find(self, parent, role, name=None, match=None, what=None,
             timeout=SHOW_TIMEOUT):
        """As look(), waiting until the widget shows; on a timeout the
        failure says what @parent shows instead."""
        try:
            return wait_for(lambda: self.look(parent, role, name, match),
                            timeout=timeout, interval=0.5,
                            what=what or f"{role} {name or ''}")
        except AssertionError as e:
            self.shot("failed-" + re.sub(r"\W+", "-", what or name or role))
            self.fail(f"{e}; the window shows:\n" + "\n".join(self.dump(parent)))

    def window(self, name, prefix=False):
        try:
            return wait_for(lambda: self._top(name, prefix), timeout=SHOW_TIMEOUT,
                            interval=0.5, what=f"the window {name!r}")
        except AssertionError as e:
            self.shot("failed-window-" + re.sub(r"\W+", "-", name))
            self.fail(f"{e}; virt-manager shows: " +
                      ", ".join(repr(w.name) for w in self.app.children if w.showing))

    def gone(self, name, prefix=False, timeout=SHOW_TIMEOUT):
        """Wait until no window @name shows: read without error, as a
        read that failed says nothing of the window. An error dialog
        meanwhile ends the wait with its text (the window it came from
        stays)."""
        def absent():
            self.no_error_dialog()
            try:
                return not any(w.showing and w.name and
                               (w.name.startswith(name) if prefix else w.name == name)
                               for w in self.app.children)
            except Exception as e:
                if vanished(e):
                    return False
                raise
        wait_for(absent, timeout=timeout, interval=0.5,
                 what=f"the window {name!r} to close")

    @staticmethod
    def fresh(node):
        """@node's text as the application has it now. The accessibility
        client keeps the names it read and relies on change events to
        update them; a list cell's text does not always send one, so its
        text is read through the Text interface, which asks each time."""
        try:
            return node.queryText().getText(0, -1) or ""
        except NotImplementedError:
            return node.name or ""

    @staticmethod
    def sensitive(node):
        """Whether @node is enabled (its state follows the toolkit's
        state-change events)."""
        return node.sensitive

    def no_error_dialog(self):
        """Fail with its text if virt-manager shows an error (an alert
        that asks nothing: a question has Yes and No)."""
        try:
            windows = list(self.app.children)
        except Exception as e:
            if vanished(e):
                return
            raise
        for w in windows:
            try:
                if not w.showing:
                    continue
                if not ("Error" in (w.name or "") or
                        (w.roleName == "alert" and
                         not self.look(w, "push button",
                                       match=lambda n: n.name in ("Yes", "No")))):
                    continue
                texts = [n.name for n in matches(w, "label", showing=False)
                         if n.name]
            except Exception as e:
                if vanished(e):
                    continue
                raise
            self.shot("failed-error-dialog")
            self.fail(f"virt-manager shows an error: {w.name}: {texts}")

    @staticmethod
    def dump(node):
        """The showing widgets under @node that have a name, for a
        failure message."""
        out = []
        try:
            for n in matches(node):
                if n.name:
                    out.append(f"  {n.roleName}: {n.name}")
        except Exception as e:
            out.append(f"  ({e})")
        return out

    def row(self, name, timeout=SHOW_TIMEOUT):
        """The manager list's cell of domain @name (its text has the name,
        then the state)."""
        table = self.find(self.mgr, "tree table", "vm-list", what="the manager's list")

        def cell():
            return self.look(table, "table cell",
                             match=lambda n: (n.name or "").split("\n")[0] == name)
        return wait_for(cell, timeout=timeout, interval=0.5,
                        what=f"{name} in the manager's list")

    def not_listed(self, name):
        table = self.find(self.mgr, "tree table", "vm-list", what="the manager's list")

        def absent():
            try:
                return not any((n.name or "").split("\n")[0] == name
                               for n in matches(table, "table cell", showing=False))
            except Exception as e:
                if vanished(e):
                    return False
                raise
        wait_for(absent, timeout=SHOW_TIMEOUT, interval=0.5,
                 what=f"{name} to leave the manager's list")

    def state_shown(self, name, label):
        """Wait until the manager's list shows @name as @label, reading
        the cell afresh each time."""
        seen = []

        def shown():
            try:
                seen[:] = [self.fresh(self.row(name))]
            except Exception as e:
                if vanished(e):
                    return False
                raise
            return label in seen[0]
        try:
            wait_for(shown, timeout=SHOW_TIMEOUT, interval=0.5,
                     what=f"the list to show {name} as {label}")
        except AssertionError:
            self.shot(f"failed-{name}-{label}")
            self.fail(f"the list shows {seen!r}, not {name} as {label}")

    # ----- acting ---------------------------------------------------------

    DIALOGS = ("New VM", "Add New Virtual Hardware", "Create snapshot",
               "Migrate the virtual machine", "Clone Virtual Machine",
               "Delete Virtual Machine", "Remove Disk Device")

    def setUp(self):
        # What a failed step left open would stand in the next's way:
        # questions and errors first (they are modal), then dialogs, then
        # guest windows.
        try:
            windows = [w for w in self.app.children if w.showing]
        except Exception:
            windows = []
        for w in windows:
            try:
                if w.roleName == "alert" or w.name in ("vmm dialog", "Question", "Error"):
                    b = self.look(w, "push button",
                                  match=lambda n: n.name in ("Close", "OK", "No", "Cancel"))
                    if b:
                        self.click(b)
            except Exception:
                pass
        for w in windows:
            try:
                if w.name in self.DIALOGS:
                    self.click(self.look(w, "push button", "Cancel"))
            except Exception:
                pass
        for w in windows:
            try:
                if " on " in (w.name or "") and w.roleName == "frame":
                    self.close_window(w, w.name)
            except Exception:
                pass

    @staticmethod
    def click(node, button=1):
        """Click @node with the mouse. (Not through the widget's
        accessibility action: one that opens a modal question runs the
        question's loop inside the accessibility call, and virt-manager
        then answers no other.) A
        busy virt-manager can let a query time out: then nothing was
        done, and it is tried again."""
        from gi.repository import GLib
        for attempt in range(4):
            try:
                return node.click(button=button)
            except GLib.Error as e:
                if "timeout" not in str(e) or attempt == 3:
                    raise
                time.sleep(2)

    def press(self, window, name, role="push button", then=None):
        """Click @window's button @name once it shows and is enabled; with
        @then, again until @then() holds (a click made while the window
        was still being laid out, or that the busy application lost,
        does nothing)."""
        if then is None:
            self.click(self.find(window, role, name, match=lambda n: n.sensitive,
                                 what=f"button {name}"))
            return
        button = self.find(window, role, name, what=f"button {name}")

        def pressed():
            self.click(button)
            return _eventually(then)
        wait_for(pressed, timeout=SHOW_TIMEOUT, interval=0.5,
                 what=f"button {name} to take effect")

    def expand(self, window, label):
        """Open @window's expander @label, clicking until it says it is
        open (a page being set up closes its expanders as it shows)."""
        from pyatspi import STATE_EXPANDED
        expander = self.find(window, "toggle button",
                             match=lambda n: label in (n.name or ""),
                             what=f"the {label} expander")

        def is_open():
            try:
                return expander.getState().contains(STATE_EXPANDED)
            except Exception as e:
                if vanished(e):
                    return False
                raise

        def opened():
            if not is_open():
                # On its title: the widget spans the page's width, the
                # part that takes a click only the arrow and the label.
                from dogtail import rawinput
                (x, y), (w, h) = expander.position, expander.size
                rawinput.click(x + min(w // 2, 24), y + h // 2)
            # A second click would close it again: a busy application
            # gets long to say the first one took.
            return _eventually(is_open, timeout=15)
        wait_for(opened, timeout=SHOW_TIMEOUT, interval=0.5,
                 what=f"the {label} expander to open")

    def set_checked(self, box, want):
        """Tick (or untick) check box @box, clicking until it says so."""
        def done():
            if box.checked != want:
                self.click(box)
            # A second click would undo the first (see expand()).
            return _eventually(lambda: box.checked == want, timeout=15)
        wait_for(done, timeout=SHOW_TIMEOUT, interval=0.5,
                 what=f"{box.name} {'ticked' if want else 'unticked'}")

    def menu_item(self, name, menu=None):
        """Menu item @name of @menu (a menu bar's menu), or of the popup
        menu that shows (when @menu is None). Searched there, not in the
        whole application: names are read afresh, one call each."""
        def match(n):
            return (n.name or "").replace("_", "") in (name, name + "...")
        if menu is not None:
            return self.find(menu, "menu item", match=match, what=f"menu item {name}")

        def popup_item():
            try:
                popups = [w for w in self.app.children
                          if w.roleName == "window" and w.showing]
            except Exception as e:
                if vanished(e):
                    return None
                raise
            for w in popups + [self.app]:
                item = self.look(w, "menu item", match=match)
                if item:
                    return item
            return None
        return wait_for(popup_item, timeout=SHOW_TIMEOUT, interval=0.5,
                        what=f"menu item {name}")

    def click_menu(self, button_name, item):
        # A menu button pops its menu up only on a real event: the mouse.
        self.click(self.find(self.mgr, "toggle button", button_name))
        self.click(self.menu_item(item))

    def vm_menu(self, win, item):
        """@item from the guest window's "Virtual Machine" menu."""
        menu = self.find(win, "menu", "Virtual Machine")
        self.click(menu)
        self.click(self.menu_item(item, menu))

    def dialogs(self, roles=("alert", "dialog")):
        """virt-manager's showing top-level windows of @roles: searched
        alone, not with the whole application (a walk of every window
        costs seconds when virt-manager is busy)."""
        try:
            return [w for w in self.app.children
                    if w.roleName in roles and w.showing]
        except Exception as e:
            if vanished(e):
                return []
            raise

    def in_dialogs(self, role, match, roles=("alert", "dialog"), with_window=False):
        """The first showing widget of @role satisfying @match in one of
        virt-manager's dialogs (with @with_window: the dialog too)."""
        for w in self.dialogs(roles):
            node = self.look(w, role, match=match)
            if node:
                return (w, node) if with_window else node
        return None

    @staticmethod
    def still_shows(window):
        try:
            return window.showing
        except Exception as e:
            if vanished(e):
                return False
            raise

    def confirm(self, answers=("Yes", "OK")):
        """Answer virt-manager's 'Are you sure' question: its button
        clicked until the question goes away (a click on a question that
        was still being laid out does nothing)."""
        clicked = []

        def answered():
            found = self.in_dialogs("push button", lambda n: n.name in answers,
                                    with_window=True)
            if not found:
                # Gone after a click: answered, however late it went.
                return bool(clicked)
            question, button = found
            self.click(button)
            clicked.append(button)
            return _eventually(lambda: not self.still_shows(question))
        wait_for(answered, timeout=SHOW_TIMEOUT, interval=0.5,
                 what="the confirmation dialog answered")

    def error_text(self):
        """The text of the error dialog virt-manager shows, once it does;
        the dialog is left open."""
        alert = wait_for(lambda: next(iter(self.dialogs(("alert",))), None),
                         timeout=SHOW_TIMEOUT, interval=0.5, what="the error dialog")
        return alert, " ".join(n.name for n in self.look_all(alert, "label") if n.name)

    def close_error(self, alert):
        self.press(alert, "Close", then=lambda: not self.still_shows(alert))

    def define(self, xml):
        """Define @xml, first removing a guest of its name that a run of
        the step which died left behind."""
        name = re.search(r"<name>([^<]+)</name>", xml).group(1)
        try:
            old = self.conn.lookupByName(name)
        except libvirt.libvirtError:
            old = None
        if old:
            if old.isActive():
                old.destroy()
            if old.hasManagedSaveImage(0):
                old.managedSaveRemove(0)
            for snap in old.listAllSnapshots(0):
                snap.delete(E.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY)
            old.undefine()
            self.not_listed(name)
        return self.conn.defineXML(xml)

    def start_guest(self, xml):
        """Define @xml, wait until the list shows it, then start it. The
        list is what a user sees first; virt-manager 4.1 tracks a guest
        defined and started at once with the state it read before the
        start, as it drops the start's event while it reads the new
        guest (against any driver)."""
        dom = self.define(xml)
        self.state_shown(dom.name(), "Shutoff")
        dom.create()
        self.state_shown(dom.name(), "Running")
        return dom

    def select(self, name):
        """Select guest @name's row in the manager's list, clicking until
        the list says it is selected (the toolbar acts on the selection)."""
        from pyatspi import STATE_SELECTED

        def chosen():
            try:
                return self.row(name).getState().contains(STATE_SELECTED)
            except NotImplementedError:
                # The row was replaced as it was read.
                return False
            except Exception as e:
                if vanished(e):
                    return False
                raise

        def selected():
            if not chosen():
                try:
                    self.click(self.row(name))
                except NotImplementedError:
                    return False
            return _eventually(chosen)
        wait_for(selected, timeout=SHOW_TIMEOUT, interval=0.5,
                 what=f"{name} selected in the manager's list")

    def open_window(self, name):
        """The guest's window: its row selected and Open pressed, again
        if the window does not come (a click the busy application did not
        take)."""
        def opened():
            win = self._top(name + " on ", True)
            if win:
                return win
            self.select(name)
            self.press(self.mgr, "Open")
            return _eventually(lambda: self._top(name + " on ", True), timeout=10)
        return wait_for(opened, timeout=SHOW_TIMEOUT, interval=0.5,
                        what=f"the window of {name}")

    def open_details(self, name):
        """The guest's window on its Details view."""
        win = self.open_window(name)
        self.press(win, "Details", role="radio button",
                   then=lambda: self.look(win, "table", "hw-list"))
        return win

    def hw_page(self, win, label, prefix=False):
        """Select the hardware list's entry @label in the details window."""
        hw = self.find(win, "table", "hw-list", what="the hardware list")

        def entry():
            return self.look(hw, "table cell", match=lambda n: (
                n.name or "").startswith(label) if prefix else n.name == label)
        cell = wait_for(entry, timeout=SHOW_TIMEOUT, interval=0.5,
                        what=f"{label} in the hardware list")
        self.click(cell)
        return cell

    def close_window(self, win, name, prefix=False):
        """File > Close of a guest's window (a key press would go to the
        guest's console when it has the focus). A click the busy
        application missed leaves the menu closed: then again, as a
        window left open stands over the manager for the next step (the
        display has no window manager to raise the manager)."""
        def close_item(menu):
            return self.look(menu, "menu item",
                             match=lambda n: (n.name or "").replace("_", "") == "Close")
        for attempt in range(3):
            try:
                menu = self.look(win, "menu", "File")
                if menu is not None:
                    if close_item(menu) is None:
                        self.click(menu)
                    item = wait_for(lambda: close_item(menu), timeout=10,
                                    interval=0.5, what="File > Close")
                    self.click(item)
            except AssertionError:
                pass
            except Exception as e:
                if not vanished(e):
                    raise
            try:
                self.gone(name, prefix, timeout=15)
                return
            except AssertionError:
                pass
        self.shot("failed-close-" + re.sub(r"\W+", "-", name))
        self.gone(name, prefix)

    def wizard_import(self, disk, xen_type=None, shot=None, finish=None):
        """File > New: import @disk as a generic Linux, with the
        wizard's defaults otherwise; @xen_type picks the "Xen Type"
        under Architecture options first. Returns the running guest."""
        before = {d.name() for d in self.conn.listAllDomains(0)}
        # The image was made behind libvirt's back: a pool an earlier
        # step's wizard made of its folder learns of it, as virt-manager's
        # Browse would have it.
        for pool in self.conn.listAllStoragePools(E.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE):
            pool.refresh(0)
        self.press(self.mgr, "New")
        w = self.window("New VM")
        if xen_type:
            self.expand(w, "Architecture options")
            combo = self.find(w, "combo box",
                              match=lambda n: (n.name or "").startswith("xen"),
                              what="the Xen Type choice")
            self.click(combo)
            self.click(self.find(combo, "menu item", xen_type,
                                 what=f"Xen Type {xen_type}"))
            wait_for(lambda: self.fresh(combo) == xen_type, timeout=SHOW_TIMEOUT,
                     interval=0.5, what=f"the Xen Type to show {xen_type}")
        self.click(self.find(w, "radio button", "Import existing disk image"))
        if shot:
            self.shot(shot + "-type")
        self.press(w, "Forward")
        self.find(w, "text", "import-entry").text = disk
        entry = self.find(w, "text", "oslist-entry")
        self.click(entry)
        entry.typeText("generic")
        # The list closes as the OS is picked: a plain click.
        self.find(self.app, "table cell", match=lambda n: (
            n.name or "").startswith("Generic Linux"), what="the OS list").click()
        if shot:
            self.shot(shot + "-import")
        self.press(w, "Forward")
        self.find(w, "spin button", "cpus", what="the memory and CPU page")
        if shot:
            self.shot(shot + "-memory")
        self.press(w, "Forward")
        if finish:
            finish(w)
        if shot:
            self.shot(shot + "-finish")
        self.press(w, "Finish")

        def created():
            for d in self.conn.listAllDomains(0):
                if d.name() not in before and d.isActive() and \
                        disk in d.XMLDesc(0):
                    return d
            self.no_error_dialog()
            return None
        dom = wait_for(created, timeout=90, interval=0.5,
                       what="the wizard's guest running")
        self.state_shown(dom.name(), "Running")
        self.no_error_dialog()
        # The wizard ends by opening the guest's window.
        win = self.window(dom.name() + " on ", prefix=True)
        if shot:
            self.shot(shot + "-running")
        self.close_window(win, dom.name() + " on ", prefix=True)
        return dom

    def guest_resets(self, dom):
        """How many resets the simulated guest has seen: its screenshot's
        resets fact (docs/simulator.md)."""
        st = self.conn.newStream(0)
        dom.screenshot(st, 0, 0)
        data = b""
        while True:
            buf = st.recv(65536)
            if not buf:
                break
            data += buf
        st.finish()
        return read_ppm(data)[0].get("resets")

    # ----- the steps ------------------------------------------------------

    def test_01_list_shows_a_running_guest(self):
        self.start_guest(guest("gui-list", image(os.path.join(self.images, "list.img"))))
        self.shot("01-manager-list")
        self.no_error_dialog()

    def test_02_lifecycle_from_the_toolbar(self):
        dom = self.start_guest(guest("gui-life", image(os.path.join(self.images, "life.img"))))
        self.select("gui-life")
        # Enabled once the toolbar has taken the selection.
        self.press(self.mgr, "Pause", role="toggle button")
        wait_for(lambda: dom.info()[0] == E.VIR_DOMAIN_PAUSED, timeout=SHOW_TIMEOUT, what="paused")
        self.state_shown("gui-life", "Paused")
        self.press(self.mgr, "Pause", role="toggle button")
        wait_for(lambda: dom.info()[0] == E.VIR_DOMAIN_RUNNING, timeout=SHOW_TIMEOUT, what="resumed")
        self.state_shown("gui-life", "Running")

        # Force Reset is virDomainReset: the guest boots again in place,
        # same domain id, still running, and its screen counts the reset.
        # (A domain object keeps the id it was looked up with: the
        # current one is asked by name.)
        def current_id():
            return self.conn.lookupByName("gui-life").ID()
        domid = current_id()
        self.click_menu("Menu", "Force Reset")
        self.confirm()
        wait_for(lambda: self.guest_resets(dom) == "1", timeout=SHOW_TIMEOUT, what="reset")
        self.assertEqual(current_id(), domid)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)
        self.state_shown("gui-life", "Running")

        # Reboot asks the guest, which goes down; Xen builds it again as a
        # new domain (on_reboot restart), running.
        self.click_menu("Menu", "Reboot")
        wait_for(lambda: dom.isActive() and current_id() not in (-1, domid) and
                 dom.state()[0] == E.VIR_DOMAIN_RUNNING,
                 timeout=SHOW_TIMEOUT, what="rebooted")
        self.state_shown("gui-life", "Running")

        self.click_menu("Menu", "Force Off")
        self.confirm()
        wait_for(lambda: not dom.isActive(), timeout=SHOW_TIMEOUT, what="forced off")
        self.state_shown("gui-life", "Shutoff")
        self.press(self.mgr, "Run")
        wait_for(lambda: dom.isActive(), timeout=SHOW_TIMEOUT, what="running again")
        self.state_shown("gui-life", "Running")
        self.press(self.mgr, "Shut Down")
        wait_for(lambda: not dom.isActive(), timeout=SHOW_TIMEOUT, what="shut down")
        self.state_shown("gui-life", "Shutoff")
        self.shot("02-lifecycle")
        self.no_error_dialog()

    def test_03_new_vm_wizard_defaults(self):
        """File > New, import a disk image, a generic Linux, and the
        wizard's defaults for the rest: memory, vCPUs, name, and the
        'default' NAT network."""
        disk = image(os.path.join(self.images, "wizard.img"))
        dom = self.wizard_import(disk, shot="03-wizard")
        xml = dom.XMLDesc(0)
        self.assertIn("<type arch='x86_64' machine='xenfv'>hvm</type>", xml)
        self.assertIn("network='default'", xml)
        self.assertIn("bridge='virbr0'", xml)

    @tail
    def test_04_new_vm_wizard_pv(self):
        """The wizard's "xen (paravirt)" Xen Type: an imported PV guest,
        which boots with pygrub as it has neither kernel nor bootloader."""
        disk = image(os.path.join(self.images, "wizard-pv.img"))
        dom = self.wizard_import(disk, xen_type="xen (paravirt)", shot="04-wizard-pv")
        xml = dom.XMLDesc(0)
        # libvirt writes a PV guest's os type as "linux" (it reads "xen"
        # and "linux" alike).
        self.assertRegex(xml, r"<type arch='x86_64' machine='xenpv'>linux</type>")
        self.assertIn("<bootloader>pygrub</bootloader>", xml)
        self.assertIn("network='default'", xml)

    @tail
    def test_05_new_vm_wizard_pvh(self):
        """The wizard's PVH Xen Type (labelled plain "xen" by virt-manager
        4.1, which names only paravirt and fullvirt)."""
        disk = image(os.path.join(self.images, "wizard-pvh.img"))
        dom = self.wizard_import(disk, xen_type="xen", shot="05-wizard-pvh")
        xml = dom.XMLDesc(0)
        self.assertRegex(xml, r"<type arch='x86_64' machine='xenpvh'>xenpvh</type>")
        self.assertIn("<bootloader>pygrub</bootloader>", xml)

    def test_06_details_pages(self):
        """The details pages show what the daemon has: vCPUs, memory, the
        disk's path, the NIC's MAC and network (and its address, when the
        daemon answers domifaddr)."""
        disk = image(os.path.join(self.images, "details.img"))
        # The simulated guest answers ARP for the address a DHCP lease
        # would have given it (docs/simulator.md): the NIC page shows it.
        dom = self.start_guest(guest("gui-details", disk, memory_mib=384, vcpus=2,
                                     script={"ip": "192.168.122.50"}))
        xml = dom.XMLDesc(0)
        mac = re.search(r"<mac address='([0-9a-f:]+)'", xml).group(1)
        win = self.open_details("gui-details")

        self.hw_page(win, "CPUs")
        spin = self.find(win, "spin button", "Virtual CPU Select", what="the vCPU count")
        wait_for(lambda: self.fresh(spin) == "2" or spin.text == "2",
                 timeout=SHOW_TIMEOUT, what="the CPU page to show 2 vCPUs")
        self.shot("06-details-cpu")

        self.hw_page(win, "Memory")
        mem = self.find(win, "spin button", "Memory Select", what="the memory")
        wait_for(lambda: mem.text == "384", timeout=SHOW_TIMEOUT,
                 what="the memory page to show 384 MiB")
        self.assertEqual(dom.info()[2], 384 << 10)
        self.shot("06-details-memory")

        self.hw_page(win, "IDE Disk 1")
        path = self.find(win, "label", "disk-source-path", what="the disk's path")
        wait_for(lambda: path.text == disk, timeout=SHOW_TIMEOUT,
                 what="the disk page to show " + disk)
        self.shot("06-details-disk")

        self.hw_page(win, "NIC :" + mac[-8:])
        self.find(win, "label", mac, what="the NIC's MAC address")
        addrs = dom.interfaceAddresses(E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP)
        self.assertEqual([a["addr"] for i in addrs.values() for a in i["addrs"]],
                         ["192.168.122.50"])
        self.find(win, "label", match=lambda n: "192.168.122.50" in self.fresh(n),
                  what="the NIC's address 192.168.122.50")
        self.shot("06-details-nic")
        self.no_error_dialog()
        self.close_window(win, "gui-details on ", prefix=True)

    @tail
    def test_07_add_and_remove_hardware(self):
        """Add Hardware: a disk from a path and a NIC on the default
        network, to a running PV guest; then Remove each from its page.
        (Xen hot-adds PV disks only: virt-manager's IDE default for an
        HVM guest is refused with that reason, and added at next boot.)"""
        disk = image(os.path.join(self.images, "hw.img"))
        extra = image(os.path.join(self.images, "hw-extra.img"), 16)
        dom = self.start_guest(guest("gui-hw", disk, ostype="xen"))
        win = self.open_details("gui-hw")

        # A disk.
        self.press(win, "add-hardware")
        add = self.window("Add New Virtual Hardware")
        self.click(self.find(add, "table cell", "Storage"))
        self.click(self.find(add, "radio button",
                             match=lambda n: (n.name or "").replace("_", "").startswith(
                                 "Select or create custom storage"),
                             what="custom storage"))
        self.find(add, "text", "storage-entry").text = extra
        self.shot("07-add-disk")
        self.press(add, "Finish")
        self.gone("Add New Virtual Hardware")
        # Two calls (the running guest's, the definition's): both waited for.
        wait_for(lambda: extra in dom.XMLDesc(0) and
                 extra in dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                 timeout=SHOW_TIMEOUT, what="the disk in the live and inactive definitions")

        def disks_shown():
            return [c for c in self.look_all(win, "table cell")
                    if "Disk 2" in (c.name or "")]
        wait_for(disks_shown, timeout=SHOW_TIMEOUT, what="a second disk in the list")
        self.no_error_dialog()

        # A NIC on the default network.
        nics = dom.XMLDesc(0).count("<interface ")
        self.press(win, "add-hardware")
        add = self.window("Add New Virtual Hardware")
        self.click(self.find(add, "table cell", "Network"))
        self.find(add, "combo box", "net-source", what="the network source")
        self.shot("07-add-nic")
        self.press(add, "Finish")
        self.gone("Add New Virtual Hardware")
        wait_for(lambda: dom.XMLDesc(0).count("<interface ") == nics + 1,
                 timeout=SHOW_TIMEOUT, what="the NIC in the live definition")
        xml = dom.XMLDesc(0)
        macs = re.findall(r"<mac address='([0-9a-f:]+)'", xml)
        self.assertEqual(re.findall(r"<source network='(\w+)'", xml),
                         ["default"] * (nics + 1))
        self.no_error_dialog()

        # Remove both from their pages.
        cell = wait_for(disks_shown, timeout=SHOW_TIMEOUT, what="the second disk")[0]
        self.click(cell)
        self.press(win, "config-remove")
        # A disk's removal opens a window of its own, which asks whether
        # to delete the disk's file too (no: it stays).
        remove = self.window("Remove Disk Device")
        check = self.find(remove, "check box",
                          match=lambda n: "storage" in (n.name or ""),
                          what="Delete associated storage files")
        self.set_checked(check, False)
        self.shot("07-remove-disk")
        self.press(remove, "Delete")
        self.gone("Remove Disk Device")
        wait_for(lambda: extra not in dom.XMLDesc(0), timeout=SHOW_TIMEOUT,
                 what="the disk to leave the live definition")
        self.assertTrue(os.path.exists(extra))
        self.hw_page(win, "NIC :" + macs[-1][-8:])
        self.press(win, "config-remove")
        self.confirm()
        wait_for(lambda: dom.XMLDesc(0).count("<interface ") == nics and
                 macs[-1] not in dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                 timeout=SHOW_TIMEOUT,
                 what="the NIC to leave the live and inactive definitions")
        wait_for(lambda: not disks_shown(), timeout=SHOW_TIMEOUT,
                 what="the second disk to leave the list")
        self.shot("07-removed")
        self.no_error_dialog()
        self.close_window(win, "gui-hw on ", prefix=True)

    @staticmethod
    def look_all(parent, role, showing=False):
        """Every widget under @parent with @role (only those that show,
        with @showing)."""
        try:
            return matches(parent, role, showing)
        except Exception as e:
            if vanished(e):
                return []
            raise

    def showing_all(self, parent, role):
        return self.look_all(parent, role, showing=True)

    @tail
    def test_08_clone(self):
        """Clone a shut-off guest with its disk: the clone's disk is a new
        file of the same size, and the list shows the clone."""
        disk = image(os.path.join(self.images, "orig.img"), 32)
        dom = self.define(guest("gui-orig", disk))
        self.state_shown("gui-orig", "Shutoff")
        win = self.open_details("gui-orig")
        self.vm_menu(win, "Clone")
        w = self.window("Clone Virtual Machine")
        name = self.find(w, "text", match=lambda n: n.text == "gui-orig-clone",
                         what="the clone's name")
        self.assertTrue(name)
        self.shot("08-clone")
        self.press(w, "Clone")
        self.gone("Clone Virtual Machine")
        clone = wait_for(lambda: next((d for d in self.conn.listAllDomains(0)
                                       if d.name() == "gui-orig-clone"), None),
                         timeout=SHOW_TIMEOUT, what="the clone defined")
        path = re.search(r"<source file='([^']+)'", clone.XMLDesc(0)).group(1)
        self.assertNotEqual(path, disk)
        # virt-install's cloner defines the clone before it copies the disk.
        wait_for(lambda: os.path.exists(path) and os.path.getsize(path) == 32 << 20,
                 timeout=SHOW_TIMEOUT, what="the clone's disk copied")
        self.assertNotEqual(clone.UUIDString(), dom.UUIDString())
        self.state_shown("gui-orig-clone", "Shutoff")
        self.no_error_dialog()
        self.close_window(win, "gui-orig on ", prefix=True)

    def test_09_delete_with_storage(self):
        """Delete a running guest and its disk: forced off, undefined, the
        file gone, the row gone."""
        disk = image(os.path.join(self.images, "doomed.img"), 16)
        self.start_guest(guest("gui-doomed", disk))
        win = self.open_details("gui-doomed")
        self.vm_menu(win, "Delete")
        w = self.window("Delete Virtual Machine")
        check = self.find(w, "check box", match=lambda n: "storage" in (n.name or ""),
                          what="Delete associated storage files")
        self.set_checked(check, True)
        self.find(w, "table cell", match=lambda n: disk in (n.name or ""),
                  what="the disk in the list of storage to delete")
        self.shot("09-delete")
        self.press(w, "Delete")
        self.confirm()
        wait_for(lambda: "gui-doomed" not in [d.name() for d in self.conn.listAllDomains(0)],
                 timeout=SHOW_TIMEOUT, what="the guest undefined")
        wait_for(lambda: not os.path.exists(disk), timeout=SHOW_TIMEOUT,
                 what="the disk deleted")
        self.not_listed("gui-doomed")
        self.gone("gui-doomed on ", prefix=True)
        self.no_error_dialog()

    def test_10_console_shows_the_guests_screen(self):
        """Open the guest: the details window's console connects to the
        simulator's VNC display and shows its screen."""
        self.start_guest(guest("gui-console", image(os.path.join(self.images, "console.img"))))
        win = self.open_window("gui-console")

        def title_bar_seen():
            import gi
            gi.require_version("GdkPixbuf", "2.0")
            from gi.repository import GdkPixbuf
            path = self.shot("10-console")
            pb = GdkPixbuf.Pixbuf.new_from_file(path)
            px = pb.get_pixels()
            stride, n = pb.get_rowstride(), pb.get_n_channels()
            want = bytes(SIM_TITLE_RGB)
            for y in range(0, pb.get_height(), 4):
                row = px[y * stride:(y + 1) * stride]
                for x in range(0, pb.get_width() * n, n * 4):
                    if row[x:x + 3] == want:
                        return True
            return False
        wait_for(title_bar_seen, timeout=SHOW_TIMEOUT, interval=1,
                 what="the simulator's screen in the console")
        self.no_error_dialog()
        self.close_window(win, "gui-console on ", prefix=True)

    def test_11_save_and_restore(self):
        """Shut Down's menu > Save: the guest's memory goes to its managed
        save image and the list says Saved; Restore (the Run button of a
        saved guest) brings it back."""
        dom = self.start_guest(guest("gui-save", image(os.path.join(self.images, "save.img"))))
        self.select("gui-save")
        self.click_menu("Menu", "Save")

        # virt-manager asks first unless told not to ask again.
        def saved():
            if dom.hasManagedSaveImage(0):
                return True
            yes = self.in_dialogs("push button", lambda n: n.name == "Yes")
            if yes:
                self.click(yes)
            return False
        wait_for(saved, timeout=SHOW_TIMEOUT, interval=0.5,
                 what="the managed save image")
        self.assertFalse(dom.isActive())
        self.state_shown("gui-save", "Saved")
        self.shot("11-saved")
        self.no_error_dialog()
        # A saved guest's Run button is labelled Restore.
        self.press(self.mgr, "Restore")
        # Paused (starting up) while its memory is read back, then running.
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING, timeout=SHOW_TIMEOUT,
                 what="restored")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING, E.VIR_DOMAIN_RUNNING_RESTORED])
        self.assertFalse(dom.hasManagedSaveImage(0))
        self.state_shown("gui-save", "Running")
        self.shot("11-restored")
        self.no_error_dialog()
        dom.destroy()

    @tail
    def test_12_snapshots(self):
        """The Snapshots page of a running guest with a qcow2 disk (which
        virt-manager requires): create one, force the guest off, run the
        snapshot (the guest runs again from it), delete it."""
        disk = os.path.join(self.images, "snap.qcow2")
        # A run of the step that died left its overlays.
        for f in os.listdir(self.images):
            if f.startswith("snap."):
                os.unlink(os.path.join(self.images, f))
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"],
                       check=True)
        dom = self.start_guest(guest("gui-snap", disk, fmt="qcow2"))
        win = self.open_details("gui-snap")
        self.press(win, "Snapshots", role="radio button",
                   then=lambda: self.look(win, "push button", "snapshot-add"))
        self.press(win, "snapshot-add")
        new = self.window("Create snapshot")
        self.shot("12-snapshot-create")
        self.press(new, "Finish")
        self.gone("Create snapshot")
        wait_for(lambda: [s.getName() for s in dom.listAllSnapshots(0)] == ["snapshot1"],
                 timeout=SHOW_TIMEOUT, what="snapshot1 made")
        # The snapshot is listed once its metadata is written, before the
        # guest has come back from its memory image (libvirt's own drivers
        # list it at that point too), so its running again is waited for.
        wait_for(lambda: dom.state() == [E.VIR_DOMAIN_RUNNING,
                                         E.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT],
                 timeout=SHOW_TIMEOUT, what="the guest running on after its snapshot")
        table = self.find(win, "table", "snapshot-list", what="the snapshot list")
        cell = self.find(table, "table cell", match=lambda n: "snapshot1" in (n.name or ""),
                         what="snapshot1 in the list")
        self.shot("12-snapshot-listed")
        self.no_error_dialog()

        dom.destroy()
        self.state_shown("gui-snap", "Shutoff")
        # The page sets its buttons as a snapshot is selected: refresh
        # and select it again, now that the guest is off (Run of the
        # current snapshot is offered only then).
        self.press(win, "snapshot-refresh")
        cell = self.find(table, "table cell", match=lambda n: "snapshot1" in (n.name or ""),
                         what="snapshot1 in the list")
        self.click(cell)
        self.press(win, "snapshot-start")
        self.confirm()
        # Paused (starting up) while its memory is read back, then running.
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING, timeout=SHOW_TIMEOUT,
                 what="the snapshot run")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT])
        self.state_shown("gui-snap", "Running")
        self.no_error_dialog()

        # The snapshot's disk state is an overlay the guest now runs on:
        # it goes while the guest runs on, its overlay staying in the
        # disk's chain (Xen cannot merge it under a running guest).
        domid = dom.ID()
        self.click(self.find(table, "table cell",
                             match=lambda n: "snapshot1" in (n.name or ""),
                             what="snapshot1 in the list"))
        self.press(win, "snapshot-delete")
        self.confirm()
        wait_for(lambda: dom.listAllSnapshots(0) == [], timeout=SHOW_TIMEOUT,
                 what="snapshot1 deleted")
        self.assertEqual((dom.state()[0], dom.ID()), (E.VIR_DOMAIN_RUNNING, domid))
        wait_for(lambda: not self.look(table, "table cell",
                                       match=lambda n: "snapshot1" in (n.name or "")),
                 timeout=SHOW_TIMEOUT, what="snapshot1 to leave the list")
        self.shot("12-snapshot-deleted")
        self.no_error_dialog()
        self.close_window(win, "gui-snap on ", prefix=True)

    def test_13_performance_graphs(self):
        """The Performance page with every graph on (as Preferences
        allow): CPU, memory, disk and network figures from the daemon's
        stats, and they move."""
        dom = self.start_guest(guest("gui-perf", image(os.path.join(self.images, "perf.img"))))
        win = self.open_details("gui-perf")
        self.hw_page(win, "Performance")
        seen = {"cpu": set(), "mem": set(), "disk": set(), "net": set()}
        kinds = (("cpu", r"^\d+ %$"), ("mem", r" of "), ("disk", r" read .* write"),
                 ("net", r" in .* out"))

        def read():
            for n in self.showing_all(win, "label"):
                try:
                    text = self.fresh(n)
                except Exception as e:
                    if vanished(e):
                        continue
                    raise
                for kind, pattern in kinds:
                    if re.search(pattern, text):
                        seen[kind].add(text)
            return seen

        def moving():
            read()
            nonzero = lambda texts: any(re.search(r"[1-9]", t.split(" of ")[0])
                                        for t in texts)
            return all(nonzero(seen[k]) for k in seen) and \
                len(seen["disk"]) > 1 and len(seen["net"]) > 1
        try:
            wait_for(moving, timeout=SHOW_TIMEOUT * 2, interval=1,
                     what="the performance figures moving")
        except AssertionError:
            self.shot("failed-13-performance")
            self.fail(f"the performance page showed {seen}")
        self.shot("13-performance")
        # What the figures come from: the daemon's stats for the guest.
        stats = self.conn.domainListGetStats([dom], 0)[0][1]
        self.assertGreater(stats["balloon.rss"] if "balloon.rss" in stats
                           else stats.get("balloon.current", 0), 0)
        self.assertGreater(stats["block.0.wr.bytes"] + stats["block.0.rd.bytes"], 0)
        self.assertGreater(stats["net.0.rx.bytes"] + stats["net.0.tx.bytes"], 0)
        self.no_error_dialog()
        self.close_window(win, "gui-perf on ", prefix=True)
        dom.destroy()

    @tail
    def test_14_wizard_on_a_bridge(self):
        """The New VM wizard's network choice: "Bridge device..." and a
        bridge's name, instead of the default NAT network."""
        disk = image(os.path.join(self.images, "wizard-br.img"))

        def bridge(w):
            self.expand(w, "Network selection")
            combo = self.find(w, "combo box", "net-source", what="the network source")
            self.click(combo)
            self.click(self.find(combo, "menu item", "Bridge device...",
                                 what="Bridge device..."))
            entry = self.find(w, "text", match=lambda n: n.sensitive and
                              self.fresh(n) in ("", "virbr0", "xenbr0"),
                              what="the bridge's name")
            entry.text = "xenbr0"
        dom = self.wizard_import(disk, shot="14-wizard-bridge", finish=bridge)
        xml = dom.XMLDesc(0)
        self.assertIn("<interface type='bridge'>", xml)
        self.assertIn("<source bridge='xenbr0'/>", xml)

    @tail
    def test_15_pci_host_device(self):
        """Add Hardware > PCI Host Device, one of the simulated host's
        PCI devices, to a shut-off guest. virt-manager makes a Xen guest's
        device managed='no': Run first fails with the driver's reason in
        virt-manager's error dialog; once the device is made assignable
        (virsh nodedev-detach, as a Xen admin does), the guest runs with
        it, and the device stays assignable after."""
        disk = image(os.path.join(self.images, "pci.img"))
        dom = self.define(guest("gui-pci", disk))
        dev = self.conn.nodeDeviceLookupByName("pci_0000_03_00_0")
        if "<name>pciback</name>" in dev.XMLDesc(0):
            # A run of the step that died left it assignable.
            dev.reAttach()
        self.state_shown("gui-pci", "Shutoff")
        win = self.open_details("gui-pci")
        self.press(win, "add-hardware")
        add = self.window("Add New Virtual Hardware")
        self.click(self.find(add, "table cell", "PCI Host Device"))
        # virt-manager writes the address as 0000:03:00:0.
        cell = self.find(add, "table cell", match=lambda n: (n.name or "").startswith(
            "0000:03:00:0 "), what="the host's PCI device 0000:03:00.0")
        self.click(cell)
        self.shot("15-add-pci")
        self.press(add, "Finish")
        self.gone("Add New Virtual Hardware")
        wait_for(lambda: "<hostdev " in dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                 timeout=SHOW_TIMEOUT, what="the device in the definition")
        xml = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertIn("<hostdev mode='subsystem' type='pci' managed='no'>", xml)
        self.assertIn("bus='0x03' slot='0x00' function='0x0'", xml)
        self.hw_page(win, "PCI ", prefix=True)
        self.no_error_dialog()
        self.close_window(win, "gui-pci on ", prefix=True)

        # Not assignable yet: the error dialog says so.
        self.select("gui-pci")
        self.press(self.mgr, "Run")
        alert, texts = self.error_text()
        self.shot("15-pci-not-assignable")
        self.assertIn("not assignable", texts)
        self.assertIn("0000:03:00.0", texts)
        self.close_error(alert)
        self.assertFalse(dom.isActive())

        dev.detachFlags(None, 0)
        self.press(self.mgr, "Run")
        wait_for(lambda: dom.isActive(), timeout=SHOW_TIMEOUT, what="running with the device")
        self.state_shown("gui-pci", "Running")
        self.assertIn("<hostdev ", dom.XMLDesc(0))
        self.assertIn("<name>pciback</name>", dev.XMLDesc(0))
        self.no_error_dialog()

        # Remove, from the running guest's PCI page: unplugged live and
        # gone from the definition; the device stays assignable.
        win = self.open_details("gui-pci")
        self.hw_page(win, "PCI ", prefix=True)
        self.shot("15-pci-page")
        self.press(win, "config-remove")
        self.confirm()
        # virt-manager changes the definition and the running guest in two
        # calls: wait for both.
        wait_for(lambda: "<hostdev " not in dom.XMLDesc(0) and
                 "<hostdev " not in dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                 timeout=SHOW_TIMEOUT, what="the device unplugged and undefined")
        self.assertTrue(dom.isActive())
        self.assertIn("<name>pciback</name>", dev.XMLDesc(0))
        self.no_error_dialog()
        self.close_window(win, "gui-pci on ", prefix=True)
        dom.destroy()
        dev.reAttach()

    @tail
    def test_16_migrate_to_a_second_host(self):
        """Virtual Machine > Migrate to the second simulated host's
        connection: the dialog offers it, the guest runs there and is
        gone here. (The address field holds the host's name, which does
        not resolve on this machine: the user types its address.)"""
        disk = image(os.path.join(self.images, "mig.img"))
        peer = libvirt.open(self.peer_uri)
        self.addCleanup(peer.close)
        # No NIC (the second host has no 'default' network) and no
        # display (both hosts' VNC ports are in one network namespace).
        self.start_guest(guest("gui-mig", disk, ostype="xen", nic=False))
        win = self.open_details("gui-mig")
        self.vm_menu(win, "Migrate")
        w = self.window("Migrate the virtual machine")
        # The destination chosen for the user: the one usable connection,
        # whose host name fills the address.
        address = self.find(w, "text", "address-text", what="the address")
        wait_for(lambda: self.fresh(address) == "host-b", timeout=SHOW_TIMEOUT,
                 what="the destination's host name in the address")
        address.text = "127.0.0.1"
        self.shot("16-migrate")
        self.press(w, "Migrate")
        wait_for(lambda: any(d.name() == "gui-mig" and d.isActive()
                             for d in peer.listAllDomains(0)),
                 timeout=SHOW_TIMEOUT * 2, what="the guest running on the second host")
        wait_for(lambda: "gui-mig" not in [d.name() for d in self.conn.listAllDomains(0)],
                 timeout=SHOW_TIMEOUT, what="the guest gone from the first host")
        moved = peer.lookupByName("gui-mig")
        self.assertTrue(moved.isPersistent())
        self.gone("Migrate the virtual machine")
        self.no_error_dialog()
        self.shot("16-migrated")
        moved.destroy()
        moved.undefine()



# One test of the suite per step, in the steps' order; the long tail's
# left out with VXL_GUI_TESTS=1.
STEPS = sorted(n for n, f in vars(VirtManagerTest).items()
               if n.startswith("test_") and
               (GUI_TESTS != "1" or not getattr(f, "tail", False)))
for _step in STEPS:
    setattr(VirtManagerSuite, _step,
            lambda self, _s=_step: self.run_step(_s))
    getattr(VirtManagerSuite, _step).__doc__ = getattr(VirtManagerTest, _step).__doc__


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--steps":
        # The suite's steps process: the named steps, in order, each
        # outcome written to the file as it ends.
        path, names = sys.argv[2], sys.argv[3:]
        suite = unittest.TestSuite(VirtManagerTest(n) for n in names)
        runner = unittest.TextTestRunner(
            verbosity=2, resultclass=lambda *a, **kw: StepResult(path, *a, **kw))
        sys.exit(0 if runner.run(suite).wasSuccessful() else 1)
    unittest.main(verbosity=2)
