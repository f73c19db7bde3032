# SPDX-License-Identifier: LGPL-2.1-or-later
"""The guest's emulated hardware through stock libvirtd (virsh reset,
inject-nmi, send-key, screenshot, dompmsuspend, dompmwakeup; virt-manager's
Force Reset is virDomainReset): each reaches the simulated guest, which
shows on its screen what it saw; a guest type without the hardware, a
bad key or a guest in the wrong state is refused and nothing changes."""

import os
import time

import libvirt

from vxltest import DaemonTestCase, EventRecorder, EventWatch, guest_xml, wait_for

E = libvirt
VNC = ("<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>"
       "<video><model type='cirrus' vram='16384' heads='1'/></video>")
# Linux input key codes (virsh send-key's default set)
KEY = {"h": 35, "i": 23, "enter": 28, "space": 57, "ctrl": 29, "alt": 56,
       "delete": 111, "backspace": 14, "1": 2}


def with_display(xml, gfx=VNC):
    return xml.replace("</devices>", gfx + "</devices>")


def read_ppm(data):
    """(comments as a dict, width, height, pixels) of a binary PPM."""
    assert data.startswith(b"P6\n"), data[:20]
    facts = {}
    pos = 3
    dims = []
    while len(dims) < 3:
        end = data.index(b"\n", pos)
        line = data[pos:end].decode()
        pos = end + 1
        if line.startswith("# virtxl-sim "):
            k, _, v = line[len("# virtxl-sim "):].partition("=")
            facts[k] = v
        elif not line.startswith("#"):
            dims.extend(int(x) for x in line.split())
    w, h, maxval = dims
    assert maxval == 255
    pixels = data[pos:]
    assert len(pixels) == w * h * 3, (len(pixels), w, h)
    return facts, w, h, pixels


class StreamEvents(EventWatch):
    """PMSUSPEND and PMWAKEUP events of one connection."""

    def __init__(self, conn):
        super().__init__(conn)
        self.watch(E.VIR_DOMAIN_EVENT_ID_PMSUSPEND,
                   lambda dom, reason: (dom.name(), "pmsuspend"))
        self.watch(E.VIR_DOMAIN_EVENT_ID_PMWAKEUP,
                   lambda dom, reason: (dom.name(), "pmwakeup"))

    def wait(self, name, kind, timeout=10.0):
        self.wait_seen((name, kind), f"{kind} event for {name}", timeout)


class ControlTest(DaemonTestCase):

    def running(self, name, ostype="hvm", display=True, **kw):
        xml = guest_xml(name, ostype=ostype, **kw)
        if display:
            xml = with_display(xml)
        dom = self.conn.defineXML(xml)
        dom.create()
        return dom

    def screen(self, dom):
        st = self.conn.newStream(0)
        mime = dom.screenshot(st, 0, 0)
        self.assertEqual(mime, "image/x-portable-pixmap")
        chunks = []
        while True:
            buf = st.recv(65536)
            if not buf:
                break
            chunks.append(buf)
        st.finish()
        return read_ppm(b"".join(chunks))

    def facts(self, dom):
        return self.screen(dom)[0]

    # ----- reset -----

    def test_reset_hvm_boots_again_in_place(self):
        dom = self.running("rst", script={"reboot-after-ms": 4000})
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        domid = dom.ID()
        time.sleep(2.0)
        dom.reset(0)                       # virt-manager's Force Reset
        last_reset = time.monotonic()      # the virsh reset comes later
        self.daemon.virsh("reset", "rst")
        self.assertEqual(dom.ID(), domid)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(self.facts(dom)["resets"], "2")
        # The guest's script started over: its own reboot comes 4 s after
        # the last reset, not 4 s after the start (2 s after the first
        # reset). Looked at 2.5 s after the resets, and only while less
        # than 4 s have passed (a loaded machine may take longer).
        time.sleep(2.5)
        if time.monotonic() - last_reset < 4.0:
            self.assertEqual([e for e in ev.of("rst") if e[1] == "reboot"], [])
            self.assertEqual(dom.ID(), domid)
        ev.wait("rst", "reboot", timeout=10)

    def test_reset_of_pv_and_pvh_refused(self):
        for ostype in ("xen", "xenpvh"):
            name = "rst-" + ostype
            dom = self.running(name, ostype=ostype, display=False)
            domid = dom.ID()
            err = self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED,
                                          dom.reset, 0,
                                          msg_contains="only HVM guests have a reset line")
            self.assertIn(name, str(err))
            self.assertEqual((dom.ID(), dom.state()[0]), (domid, E.VIR_DOMAIN_RUNNING))
            res = self.daemon.virsh("reset", name, check=False)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("reset line", res.stderr)

    def test_reset_of_inactive_refused(self):
        dom = self.conn.defineXML(with_display(guest_xml("rst-off", ostype="hvm")))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.reset, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.reset, 1)

    def test_reset_paused_stays_paused(self):
        dom = self.running("rst-p")
        dom.suspend()
        dom.reset(0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        self.assertEqual(self.facts(dom)["state"], "paused")

    # ----- NMI -----

    def test_nmi_logged_by_default(self):
        for ostype in ("xen", "hvm"):
            name = "nmi-" + ostype
            gfx = "<graphics type='vnc' autoport='yes'/>" if ostype == "xen" else VNC
            dom = self.conn.defineXML(with_display(guest_xml(name, ostype=ostype), gfx))
            dom.create()
            dom.injectNMI(0)
            self.daemon.virsh("inject-nmi", name)
            time.sleep(0.3)
            self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
            self.assertEqual(self.facts(dom)["nmis"], "2")

    def test_nmi_panics_a_guest_that_says_so(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.running("nmi-crash", ostype="xen", display=False,
                           script={"nmi": "crash"}, on_crash="preserve")
        dom.suspend()
        dom.injectNMI(0)
        time.sleep(0.3)
        # Pending in the paused vCPU; the guest panics once it runs.
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        dom.resume()
        ev.wait("nmi-crash", E.VIR_DOMAIN_EVENT_CRASHED,
                E.VIR_DOMAIN_EVENT_CRASHED_PANICKED)
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_CRASHED, what="crashed")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.injectNMI, 0)

    def test_bad_nmi_script_refused_at_start(self):
        dom = self.conn.defineXML(guest_xml("nmi-bad", script={"nmi": "explode"}))
        self.assertLibvirtError(E.VIR_ERR_XML_DETAIL, dom.create,
                                msg_contains="nmi='explode'")
        self.assertFalse(dom.isActive())

    # ----- keys -----

    def test_send_key_types_in_every_codeset(self):
        dom = self.running("keys")
        # virsh names keys in Linux's set by default
        self.daemon.virsh("send-key", "keys", "KEY_H")
        self.daemon.virsh("send-key", "keys", "--codeset", "linux", "KEY_I")
        # XT (set 1): 0x39 space; USB HID: 0x1e is "1"; QEMU's own: 0x23 "h"
        dom.sendKey(E.VIR_KEYCODE_SET_XT, 0, [0x39], 1, 0)
        dom.sendKey(E.VIR_KEYCODE_SET_USB, 0, [0x1e], 1, 0)
        dom.sendKey(E.VIR_KEYCODE_SET_QNUM, 50, [0x23], 1, 0)
        # Windows virtual keys: 0x49 "I"; macOS: 0x22 "i"
        dom.sendKey(E.VIR_KEYCODE_SET_WIN32, 0, [0x49], 1, 0)
        dom.sendKey(E.VIR_KEYCODE_SET_OSX, 0, [0x22], 1, 0)
        self.assertEqual(self.facts(dom)["typed"], "hi 1hii")
        dom.sendKey(E.VIR_KEYCODE_SET_LINUX, 0, [KEY["backspace"]], 1, 0)
        self.assertEqual(self.facts(dom)["typed"], "hi 1hi")
        self.daemon.virsh("send-key", "keys", "KEY_ENTER")
        self.assertEqual(self.facts(dom)["typed"], "")

    def test_send_key_bad_codes_refused(self):
        dom = self.running("keys-bad")
        dom.sendKey(E.VIR_KEYCODE_SET_LINUX, 0, [KEY["h"]], 1, 0)
        # 999 is no Linux key; 0x300 no XT key; codeset 99 does not exist
        err = self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.sendKey,
                                      E.VIR_KEYCODE_SET_LINUX, 0,
                                      [KEY["i"], 999], 2, 0)
        self.assertIn("999", str(err))
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.sendKey,
                                E.VIR_KEYCODE_SET_XT, 0, [0x300], 1, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.sendKey,
                                E.VIR_KEYCODE_SET_QNUM, 0, [0x1ff], 1, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.sendKey,
                                99, 0, [1], 1, 0)
        # Nothing of a refused press reached the guest, not even its
        # valid first key.
        self.assertEqual(self.facts(dom)["typed"], "h")
        res = self.daemon.virsh("send-key", "keys-bad", "--codeset", "xt",
                                "0x300", check=False)
        self.assertNotEqual(res.returncode, 0)

    def test_send_key_to_pv_refused(self):
        dom = self.running("keys-pv", ostype="xen", display=False)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.sendKey,
                                E.VIR_KEYCODE_SET_LINUX, 0, [KEY["h"]], 1, 0,
                                msg_contains="emulated keyboard")

    def test_ctrl_alt_del_reboots_the_guest(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.running("cad", script={"shutdown-delay-ms": 100})
        domid = dom.ID()
        self.daemon.virsh("send-key", "cad", "KEY_LEFTCTRL", "KEY_LEFTALT",
                          "KEY_DELETE")
        ev.wait("cad", "reboot")
        # (a virDomain caches its id: look the domain up again)
        wait_for(lambda: self.conn.lookupByName("cad").ID() not in (-1, domid),
                 what="a new incarnation")
        # The new incarnation has its id while it is still paused
        # (starting up), as in libvirt's own drivers, until its unpause.
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING,
                 what="the new incarnation running")

    def test_ctrl_alt_del_ignored_by_hung_guest(self):
        dom = self.running("cad-hung", script={"shutdown": "ignore"})
        domid = dom.ID()
        dom.sendKey(E.VIR_KEYCODE_SET_LINUX, 0,
                    [KEY["ctrl"], KEY["alt"], KEY["delete"]], 3, 0)
        time.sleep(0.6)
        self.assertEqual((dom.ID(), dom.state()[0]), (domid, E.VIR_DOMAIN_RUNNING))

    # ----- screenshots -----

    def test_screenshot_hvm(self):
        dom = self.running("shot")
        facts, w, h, pixels = self.screen(dom)
        self.assertEqual(facts["domain"], "shot")
        self.assertEqual(facts["state"], "running")
        self.assertGreater(w, 0)
        # The guest's name is drawn: the screen is not blank.
        self.assertTrue(any(pixels))

    def test_screenshot_with_virsh(self):
        self.running("shot-virsh")
        out = os.path.join(self.daemon.root, "shot.ppm")
        res = self.daemon.virsh("screenshot", "shot-virsh", out)
        with open(out, "rb") as f:
            facts = read_ppm(f.read())[0]
        self.assertEqual(facts["domain"], "shot-virsh")
        self.assertIn("shot.ppm", res.stdout)

    def test_screenshot_pv_vfb(self):
        xml = with_display(guest_xml("shot-pv", ostype="xen"),
                           "<graphics type='vnc' autoport='yes'/>")
        dom = self.conn.createXML(xml, 0)
        self.assertEqual(self.facts(dom)["domain"], "shot-pv")

    def test_screenshot_without_display_refused(self):
        for name, ostype in (("noscr-pv", "xen"), ("noscr-hvm", "hvm")):
            dom = self.running(name, ostype=ostype, display=False)
            self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                    self.screen, dom, msg_contains="no display")
        dom = self.running("scr1")
        st = self.conn.newStream(0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.screenshot, st, 1, 0)
        st.abort()
        # No temporary image left behind by any of these.
        libdir = os.path.join(self.daemon.root, "lib", "libxl")
        if os.path.isdir(libdir):
            self.assertEqual([f for f in os.listdir(libdir)
                              if f.startswith("screenshot.")], [])

    # ----- suspend to RAM -----

    def test_pm_suspend_and_wakeup(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        pm = StreamEvents(self.conn)
        self.addCleanup(pm.close)
        # Its power-off comes after 10 s of running time: the suspend
        # below (a virsh run, on a daemon under valgrind on a loaded
        # machine) must come first, which 4 s did not always leave room for.
        dom = self.running("s3", script={"poweroff-after-ms": 10000})
        domid = dom.ID()
        time.sleep(0.5)
        self.daemon.virsh("dompmsuspend", "s3", "mem")
        ev.wait("s3", E.VIR_DOMAIN_EVENT_PMSUSPENDED,
                E.VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY)
        pm.wait("s3", "pmsuspend")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PMSUSPENDED)
        self.assertEqual(self.facts(dom)["state"], "suspended")
        # Asleep, the guest's clock stands still: its scripted power-off
        # does not come, and other controls are refused.
        time.sleep(1.0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PMSUSPENDED)
        self.assertEqual(dom.ID(), domid)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.reset, 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                dom.pMSuspendForDuration,
                                E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0)
        self.daemon.virsh("dompmwakeup", "s3")
        ev.wait("s3", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_WAKEUP)
        pm.wait("s3", "pmwakeup")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_WAKEUP])
        self.assertEqual(dom.ID(), domid)
        # ... and it goes on where it was: the power-off comes, within
        # the running time it had left.
        ev.wait("s3", E.VIR_DOMAIN_EVENT_STOPPED, timeout=15)

    def test_pm_suspend_survives_daemon_restart(self):
        dom = self.running("s3-restart")
        dom.pMSuspendForDuration(E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0)
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("s3-restart")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PMSUSPENDED)
        dom.pMWakeup(0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_resume_of_a_sleeping_guest_refused(self):
        """virsh resume of a guest suspended to RAM must not say "resumed"
        while the guest sleeps on (qemu's driver refuses it too): only a
        wakeup brings it back."""
        dom = self.running("s3-resume")
        dom.pMSuspendForDuration(E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.resume,
                                msg_contains="dompmwakeup")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PMSUSPENDED)
        out = self.daemon.virsh("resume", "s3-resume", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertNotIn("resumed", out.stdout)
        dom.pMWakeup(0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        dom.resume()           # running: nothing to do, as before
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_requests_to_a_sleeping_guest_name_its_sleep(self):
        """suspend, shutdown and reboot of a guest suspended to RAM are
        refused (qemu's driver refuses them too) with words that say it
        sleeps and how to wake it, not Xen's "it has shut down (reason
        suspend)", which reads as powered off; destroy still ends it."""
        dom = self.running("s3-req")
        dom.pMSuspendForDuration(E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0)
        for call in (dom.suspend, dom.shutdown, dom.reboot,
                     lambda: dom.shutdownFlags(
                         E.VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN),
                     lambda: dom.reboot(E.VIR_DOMAIN_REBOOT_PARAVIRT)):
            err = self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, call,
                                          msg_contains="dompmwakeup")
            self.assertIn("suspended to RAM", str(err))
            self.assertNotIn("shut down (reason", str(err))
            self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PMSUSPENDED)
        for cmd in ("suspend", "shutdown", "reboot"):
            out = self.daemon.virsh(cmd, "s3-req", check=False)
            self.assertNotEqual(out.returncode, 0, cmd)
            self.assertIn("suspended to RAM (pmsuspended)", out.stderr, cmd)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PMSUSPENDED)
        # Nothing was left half asked: woken, it takes a shutdown.
        dom.pMWakeup(0)
        dom.suspend()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        dom.resume()
        dom.pMSuspendForDuration(E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0)
        self.daemon.virsh("destroy", "s3-req")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF,
                                       E.VIR_DOMAIN_SHUTOFF_DESTROYED])
        dom.create()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_pm_bad_requests_refused(self):
        dom = self.running("s3-bad")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.pMWakeup, 0,
                                msg_contains="not suspended")
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED,
                                dom.pMSuspendForDuration,
                                E.VIR_NODE_SUSPEND_TARGET_DISK, 0, 0)
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED,
                                dom.pMSuspendForDuration,
                                E.VIR_NODE_SUSPEND_TARGET_MEM, 30, 0)
        dom.suspend()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                dom.pMSuspendForDuration,
                                E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0,
                                msg_contains="paused")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        pv = self.running("s3-pv", ostype="xen", display=False)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED,
                                pv.pMSuspendForDuration,
                                E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0,
                                msg_contains="ACPI sleep states")
        self.assertEqual(pv.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_controls_fail_cleanly_on_backend_error(self):
        dom = self.running("ctl-fault")
        for hook, call in (("domainReset", lambda: dom.reset(0)),
                           ("domainPMSuspend", lambda: dom.pMSuspendForDuration(
                               E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0))):
            self.daemon.inject_fault(hook)
            self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, call,
                                    msg_contains="injected fault")
            self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(self.facts(dom)["resets"], "0")
