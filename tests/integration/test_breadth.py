# SPDX-License-Identifier: LGPL-2.1-or-later
"""The breadth of libvirt calls virsh, virt-manager 4.1 and Nova 22 make
beyond the core, through stock libvirtd on the simulator: save and
restore by typed parameters, domcontrol, domblkerror, iothreadinfo, the
security label list, set-lifecycle-action, freepages, and the calls Xen
has nothing for (a migration's maximum downtime, the memory statistics
period), each refused with its reason. Bad input gets the right error
and changes nothing."""

import json
import os
import threading
import time

import libvirt

from test_sim_display import hvm_vnc
from vxltest import DaemonTestCase, bound, guest_xml, wait_for

E = libvirt


class BreadthTest(DaemonTestCase):
    conf = ("sim_save_rate_mib = 4096",)

    def start(self, name, **kw):
        dom = self.conn.defineXML(guest_xml(name, **kw))
        dom.create()
        return dom

    # --- save and restore by parameters -------------------------------

    def test_save_restore_params(self):
        dom = self.start("br-save")
        path = self.daemon.path("br-save.img")
        dxml = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE).replace(
            "<on_crash>destroy</on_crash>", "<on_crash>preserve</on_crash>")
        dom.saveParams({E.VIR_DOMAIN_SAVE_PARAM_FILE: path,
                        E.VIR_DOMAIN_SAVE_PARAM_DXML: dxml},
                       E.VIR_DOMAIN_SAVE_PAUSED)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF,
                                       E.VIR_DOMAIN_SHUTOFF_SAVED])
        self.assertIn("<on_crash>preserve</on_crash>",
                      self.conn.saveImageGetXMLDesc(path, 0))
        # Bad input: no file, an unknown parameter, a wrong type.
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.restoreParams,
                                {E.VIR_DOMAIN_SAVE_PARAM_DXML: dxml}, 0,
                                msg_contains="file")
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED,
                                self.conn.restoreParams,
                                {E.VIR_DOMAIN_SAVE_PARAM_FILE: path,
                                 "bogus": "x"}, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.restoreParams,
                                {E.VIR_DOMAIN_SAVE_PARAM_FILE: path}, 1 << 20)
        self.assertTrue(os.path.exists(path))
        self.assertFalse(dom.isActive())
        # The image said paused; the restore's flag has the last word.
        self.conn.restoreParams({E.VIR_DOMAIN_SAVE_PARAM_FILE: path},
                                E.VIR_DOMAIN_SAVE_RUNNING)
        dom = self.conn.lookupByName("br-save")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertIn("<on_crash>preserve</on_crash>", dom.XMLDesc(0))

    def test_save_params_without_file_is_managed_save(self):
        dom = self.start("br-msave")
        dom.saveParams({}, 0)
        self.assertTrue(dom.hasManagedSaveImage(0))
        dom.create()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertFalse(dom.hasManagedSaveImage(0))
        # Conflicting flags and a bad path leave the guest running.
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.saveParams, {},
                                E.VIR_DOMAIN_SAVE_RUNNING | E.VIR_DOMAIN_SAVE_PAUSED)
        with self.assertRaises(libvirt.libvirtError):
            dom.saveParams({E.VIR_DOMAIN_SAVE_PARAM_FILE: "/nonexistent/dir/x.img"}, 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        # virsh save goes this way too.
        path = self.daemon.path("br-msave.img")
        self.daemon.virsh("save", "br-msave", path)
        self.daemon.virsh("restore", path)
        self.assertTrue(dom.isActive())

    # --- domcontrol and domblkerror -----------------------------------

    def test_control_info_idle(self):
        dom = self.start("br-ctl")
        state, details, ms = dom.controlInfo()
        self.assertEqual((state, details, ms), (E.VIR_DOMAIN_CONTROL_OK, 0, 0))
        self.assertEqual(self.daemon.virsh("domcontrol", "br-ctl").stdout.strip(), "ok")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.controlInfo, 1)
        dom.destroy()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.controlInfo)

    def test_disk_errors(self):
        dom = self.start("br-blkerr", disks=2)
        self.assertEqual(dom.diskErrors(), {})
        out = self.daemon.virsh("domblkerror", "br-blkerr").stdout
        self.assertIn("No errors found", out)
        dom.destroy()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.diskErrors)

    # --- iothreads, security labels -----------------------------------

    def test_iothreads_and_labels(self):
        dom = self.conn.defineXML(guest_xml("br-io"))
        self.assertEqual(dom.ioThreadInfo(E.VIR_DOMAIN_AFFECT_CONFIG), [])
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.ioThreadInfo,
                                E.VIR_DOMAIN_AFFECT_LIVE)
        dom.create()
        self.assertEqual(dom.ioThreadInfo(0), [])
        self.assertEqual(dom.ioThreadInfo(E.VIR_DOMAIN_AFFECT_CONFIG), [])
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.ioThreadInfo,
                                E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.ioThreadInfo, 1 << 10)
        self.daemon.virsh("iothreadinfo", "br-io")
        self.assertEqual(dom.securityLabelList(), [["", 0]])

    # --- lifecycle actions ----------------------------------------------

    def actions(self, dom, flags=0):
        xml = dom.XMLDesc(flags)
        return [xml.split(f"<{t}>")[1].split("<")[0]
                for t in ("on_poweroff", "on_reboot", "on_crash")]

    def test_lifecycle_action_live_and_config(self):
        dom = self.start("br-lc")
        dom.setLifecycleAction(E.VIR_DOMAIN_LIFECYCLE_CRASH,
                               E.VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE,
                               E.VIR_DOMAIN_AFFECT_LIVE)
        self.assertEqual(self.actions(dom), ["destroy", "restart", "preserve"])
        self.assertEqual(self.actions(dom, E.VIR_DOMAIN_XML_INACTIVE),
                         ["destroy", "restart", "destroy"])
        self.daemon.virsh("set-lifecycle-action", "br-lc", "poweroff", "restart",
                          "--config")
        self.assertEqual(self.actions(dom, E.VIR_DOMAIN_XML_INACTIVE),
                         ["restart", "restart", "destroy"])
        self.assertEqual(self.actions(dom)[0], "destroy")
        # Bad input changes nothing.
        before = (self.actions(dom), self.actions(dom, E.VIR_DOMAIN_XML_INACTIVE))
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.setLifecycleAction,
                                E.VIR_DOMAIN_LIFECYCLE_POWEROFF,
                                E.VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setLifecycleAction,
                                7, 0, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setLifecycleAction,
                                0, 0, 1 << 5)
        self.assertEqual(before, (self.actions(dom),
                                  self.actions(dom, E.VIR_DOMAIN_XML_INACTIVE)))
        # Kept across a daemon restart (status and definition saved).
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("br-lc")
        self.assertEqual(self.actions(dom), ["destroy", "restart", "preserve"])
        self.assertEqual(self.actions(dom, E.VIR_DOMAIN_XML_INACTIVE),
                         ["restart", "restart", "destroy"])

    def test_lifecycle_action_is_carried_out(self):
        dom = self.conn.createXML(guest_xml("br-lc2", script={"poweroff-after-ms": 1500}), 0)
        dom.setLifecycleAction(E.VIR_DOMAIN_LIFECYCLE_POWEROFF,
                               E.VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE, 0)
        # The guest powers itself off; the live action (preserve), not
        # the definition's (destroy), keeps the domain.
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_SHUTDOWN,
                 timeout=15, what="the preserved power-off")
        self.assertTrue(dom.isActive())
        # A transient domain has no definition to change.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.setLifecycleAction,
                                0, 0, E.VIR_DOMAIN_AFFECT_CONFIG)

    # --- free pages -------------------------------------------------------

    def test_free_pages(self):
        counts = self.conn.getFreePages([4], 0, 2, 0)
        cells = self.conn.getCellsFreeMemory(0, 2)
        self.assertEqual(sorted(counts), [0, 1])
        for cell in (0, 1):
            # Both read Xen's free memory a moment apart.
            self.assertAlmostEqual(counts[cell][4] * 4096, cells[cell],
                                   delta=64 << 20)
        out = self.daemon.virsh("freepages", "--all").stdout
        self.assertIn("4KiB", out)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, self.conn.getFreePages,
                                [4, 2048], 0, 1, 0, msg_contains="2048")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.getFreePages,
                                [4], 9, 1, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.getFreePages,
                                [4], 0, 1, 1)

    # --- interface bandwidth (domiftune) ------------------------------

    def sim_state(self, dom):
        path = self.daemon.path("run", "libxl", "sim", f"domain-{dom.ID()}.json")
        with open(path) as f:
            return json.load(f)

    def sim_rate(self, dom):
        nics = self.sim_state(dom)["config"].get("nics", [])
        return [(n.get("rate_bytes_per_interval"), n.get("rate_interval_usecs"))
                for n in nics]

    def test_iftune_live_and_config(self):
        dom = self.start("br-if")
        vif = f"vif{dom.ID()}.0"
        mac = dom.XMLDesc(0).split("<mac address='")[1].split("'")[0]
        params = dom.interfaceParameters(vif, 0)
        self.assertEqual(params["outbound.average"], 0)
        self.assertEqual(len(params), 7)
        self.assertEqual(self.sim_rate(dom), [(None, None)])
        # Live: the running vif gets the credit (1000 KB/s = 50000
        # bytes every 50 ms, as xl's rate=1000KB/s).
        self.daemon.virsh("domiftune", "br-if", vif, "--outbound", "1000", "--live")
        self.assertEqual(self.sim_rate(dom), [(50000, 50000)])
        self.assertEqual(dom.interfaceParameters(mac, 0)["outbound.average"], 1000)
        self.assertIn("<outbound average='1000'/>", dom.XMLDesc(0))
        self.assertNotIn("<bandwidth>", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        # Config: by MAC (the definition has no vif name).
        dom.setInterfaceParameters(mac, {"outbound.average": 200},
                                   E.VIR_DOMAIN_AFFECT_CONFIG)
        self.assertEqual(dom.interfaceParameters(
            mac, E.VIR_DOMAIN_AFFECT_CONFIG)["outbound.average"], 200)
        self.assertEqual(dom.interfaceParameters(vif, 0)["outbound.average"], 1000)
        out = self.daemon.virsh("domiftune", "br-if", mac, "--config").stdout
        self.assertIn("outbound.average: 200", out)
        # 0 lifts the limit.
        dom.setInterfaceParameters(vif, {"outbound.average": 0}, 0)
        self.assertEqual(self.sim_rate(dom), [(None, None)])
        self.assertNotIn("<bandwidth>", dom.XMLDesc(0))
        # The next start takes the definition's limit.
        dom.destroy()
        dom.create()
        self.assertEqual(self.sim_rate(dom), [(10000, 50000)])

    def test_iftune_bad_input(self):
        dom = self.start("br-if2")
        vif = f"vif{dom.ID()}.0"
        mac = dom.XMLDesc(0).split("<mac address='")[1].split("'")[0]
        # Both sides at once: only the MAC names the interface in both
        # (the definition has no vif name).
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setInterfaceParameters,
                                vif, {"outbound.average": 300},
                                E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG)
        dom.setInterfaceParameters(mac, {"outbound.average": 300},
                                   E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG)
        before = (dom.XMLDesc(0), dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                  self.sim_rate(dom))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED,
                                dom.setInterfaceParameters, vif,
                                {"inbound.average": 100}, 0,
                                msg_contains="outbound.average")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED,
                                dom.setInterfaceParameters, vif,
                                {"outbound.average": 50, "outbound.burst": 10}, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setInterfaceParameters,
                                "vif99.9", {"outbound.average": 1}, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.interfaceParameters,
                                "nosuch0", 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setInterfaceParameters,
                                vif, {"outbound.average": 1}, 1 << 6)
        # A fault in the backend changes nothing either.
        self.daemon.inject_fault("domainNicSetRate")
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.setInterfaceParameters,
                                mac, {"outbound.average": 7},
                                E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG)
        self.assertEqual(before, (dom.XMLDesc(0),
                                  dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
                                  self.sim_rate(dom)))
        dom.destroy()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                dom.setInterfaceParameters, vif,
                                {"outbound.average": 1}, E.VIR_DOMAIN_AFFECT_LIVE)

    # --- a display for a local client -----------------------------------

    def test_open_graphics_fd(self):
        dom = self.conn.defineXML(hvm_vnc("br-vnc"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.openGraphicsFD, 0, 0)
        dom.create()
        fd = dom.openGraphicsFD(0, 0)
        try:
            # The device model's (here the simulator's) VNC server speaks.
            self.assertEqual(os.read(fd, 12), b"RFB 003.008\n")
        finally:
            os.close(fd)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.openGraphicsFD, 1, 0,
                                msg_contains="no display number 1")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.openGraphicsFD, 0, 1 << 4)
        # Without a password, skipping authentication is nothing to skip.
        fd = dom.openGraphicsFD(0, E.VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH)
        os.close(fd)

    def test_open_graphics_fd_password(self):
        dom = self.conn.defineXML(hvm_vnc(
            "br-vnc2", "<graphics type='vnc' autoport='yes' passwd='s3cret!x'/>"))
        dom.create()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.openGraphicsFD,
                                0, E.VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH,
                                msg_contains="password")
        fd = dom.openGraphicsFD(0, 0)
        try:
            self.assertEqual(os.read(fd, 12), b"RFB 003.008\n")
        finally:
            os.close(fd)
        # A guest without a display.
        plain = self.start("br-novnc")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, plain.openGraphicsFD, 0, 0)

    # --- the guest agent: vCPUs and filesystems --------------------------

    def agent_guest(self, name, agent="yes", **kw):
        sock = os.path.join(self.daemon.root, "channels", f"{name}.agent")
        xml = guest_xml(name, script=dict(agent=agent), **kw).replace(
            "</devices>",
            f"<channel type='unix'><source mode='bind' path='{sock}'/>"
            "<target type='xen' name='org.qemu.guest_agent.0'/></channel></devices>")
        dom = self.conn.createXML(xml, 0)
        wait_for(lambda: os.path.exists(sock), what="the agent socket")
        return dom

    def test_guest_vcpus(self):
        dom = self.agent_guest("br-gv", vcpus=2, max_vcpus=4)
        # Xen gave the guest vCPUs 0-1 of 0-3.
        self.assertEqual(dom.guestVcpus(), {"vcpus": "0-3", "online": "0-1",
                                            "offlinable": "1-3"})
        dom.setGuestVcpus("1", 0)
        self.assertEqual(dom.guestVcpus()["online"], "0")
        self.daemon.virsh("guestvcpus", "br-gv", "1", "--enable")
        self.assertEqual(dom.guestVcpus()["online"], "0-1")
        self.assertIn("online         : 0-1",
                      self.daemon.virsh("guestvcpus", "br-gv").stdout)
        # Xen's count is untouched by the guest's choice.
        self.assertEqual(dom.vcpusFlags(0), 2)
        # Bad input: the boot CPU, a vCPU the guest lacks, a vCPU Xen has
        # not made available, a bad state or map; none changes anything.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.setGuestVcpus,
                                "0-1", 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setGuestVcpus, "1,7", 0,
                                msg_contains="'7'")
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.setGuestVcpus,
                                "3", 1, msg_contains="failed to set vCPU state")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setGuestVcpus, "1", 2)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setGuestVcpus, "x", 1)
        # python-libvirt's guestVcpus drops errors (returns None): virsh
        # shows them.
        self.assertIsNone(dom.guestVcpus(1))
        self.assertEqual(dom.guestVcpus()["online"], "0-1")
        # Once Xen makes vCPU 3 available, the guest may use it.
        dom.setVcpusFlags(4, 0)
        dom.setGuestVcpus("3", 0)
        self.assertEqual(dom.guestVcpus()["online"], "0-2")

    def test_fsinfo_and_fstrim(self):
        dom = self.agent_guest("br-fs", disks=2)
        fs = sorted(dom.fsInfo())
        self.assertEqual(fs, [("/", "xvda2", "ext4", ["xvda"]),
                              ("/boot", "xvda1", "ext2", ["xvda"])])
        out = self.daemon.virsh("domfsinfo", "br-fs").stdout
        self.assertIn("/boot", out)
        self.assertIn("xvda", out)
        dom.fSTrim(None, 0, 0)
        self.daemon.virsh("domfstrim", "br-fs", "--minimum", "4096")
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.fSTrim, "/", 0, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.fSTrim, None, 0, 1)
        # Frozen filesystems are not trimmed; the agent says why.
        dom.fsFreeze()
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.fSTrim, None, 0, 0,
                                msg_contains="frozen")
        dom.fsThaw()

    def test_agent_calls_without_agent(self):
        dom = self.start("br-noagent")
        res = self.daemon.virsh("guestvcpus", "br-noagent", check=False)
        self.assertIn("guest agent channel", res.stderr)
        for fn, args in ((dom.fsInfo, ()),
                         (dom.fSTrim, (None, 0, 0)),
                         (dom.setGuestVcpus, ("0", 1))):
            with self.subTest(fn=fn.__name__):
                self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED, fn, *args,
                                        msg_contains="guest agent channel")
        dom2 = self.agent_guest("br-hung", agent="hung")
        self.daemon.virsh("guest-agent-timeout", "br-hung", "--timeout", "1")
        self.assertLibvirtError(E.VIR_ERR_AGENT_UNRESPONSIVE, dom2.fsInfo)
        res = self.daemon.virsh("guestvcpus", "br-hung", check=False)
        self.assertIn("Guest agent is not responding", res.stderr)
        dom.destroy()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.fsInfo)

    # --- refused with the reason ------------------------------------------

    def test_refusals(self):
        dom = self.start("br-no")
        # python-libvirt's migrateGetMaxDowntime drops errors (returns
        # None): virsh shows them.
        res = self.daemon.virsh("migrate-getmaxdowntime", "br-no", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("Operation not supported", res.stderr)
        self.assertIn("pre-copy", res.stderr)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_UNSUPPORTED,
                                dom.setMemoryStatsPeriod, 5,
                                E.VIR_DOMAIN_AFFECT_LIVE, msg_contains="xenstore")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setMemoryStatsPeriod,
                                -1, 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setMemoryStatsPeriod,
                                5, 1 << 7)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)


class BreadthJobTest(DaemonTestCase):
    """32 MiB/s: a 512 MiB guest's save is a job one can watch."""
    conf = ("sim_save_rate_mib = 32",)

    def test_control_info_during_a_job(self):
        dom = self.conn.defineXML(guest_xml("br-job", memory_mib=512))
        dom.create()
        saver = libvirt.open(self.daemon.uri)
        self.addCleanup(saver.close)
        out = {}

        def run():
            try:
                saver.lookupByName("br-job").saveParams(
                    {E.VIR_DOMAIN_SAVE_PARAM_FILE: self.daemon.path("br-job.img")}, 0)
            except libvirt.libvirtError as e:
                out["err"] = e
        t = threading.Thread(target=run)
        t.start()
        self.addCleanup(t.join, 30)
        wait_for(lambda: dom.controlInfo()[0] == E.VIR_DOMAIN_CONTROL_JOB,
                 what="the save job")
        first = dom.controlInfo()[2]
        time.sleep(0.5)
        second = dom.controlInfo()[2]
        self.assertGreater(second, first)
        self.assertIn("background job", self.daemon.virsh("domcontrol", "br-job").stdout)
        dom.abortJob()
        t.join(bound(30))
        self.assertEqual(out["err"].get_error_code(), E.VIR_ERR_OPERATION_ABORTED)
        self.assertEqual(dom.controlInfo()[0], E.VIR_DOMAIN_CONTROL_OK)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
