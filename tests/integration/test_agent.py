# SPDX-License-Identifier: LGPL-2.1-or-later
"""The qemu guest agent over a Xen channel, through stock libvirtd:
<channel type='unix'><target type='xen' name='org.qemu.guest_agent.0'/>
becomes a libxl channel, and the simulated guest's agent (metadata
agent='yes') answers qemu-ga's protocol on its socket: virsh domtime,
domfsfreeze, domfsthaw, set-user-password, domhostname, guestinfo,
domifaddr --source agent, shutdown and reboot --mode agent,
guest-agent-timeout. An agent that does not answer, a guest without
one, and a frozen filesystem frozen again get clear errors."""

import os
import tempfile
import time
import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, EventRecorder, guest_xml, wait_for

E = libvirt
AGENT_SRC = E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT


class AgentTest(DaemonTestCase):

    def agent_guest(self, name, agent="yes", channel=True, **script):
        sock = os.path.join(self.daemon.root, "channels", f"{name}.agent")
        xml = guest_xml(name, script=dict(agent=agent, **script))
        if channel:
            xml = xml.replace("</devices>",
                              f"<channel type='unix'><source mode='bind' path='{sock}'/>"
                              "<target type='xen' name='org.qemu.guest_agent.0'/>"
                              "</channel></devices>")
        dom = self.conn.createXML(xml, 0)
        if channel and agent != "no":
            wait_for(lambda: os.path.exists(sock), what="the agent socket")
        return dom

    def test_time(self):
        dom = self.agent_guest("ga-time")
        t = dom.getTime()
        self.assertLess(abs(t["seconds"] - time.time()), 5)
        dom.setTime({"seconds": 1000000000, "nseconds": 5}, 0)
        self.assertEqual(dom.getTime()["seconds"], 1000000000)
        dom.setTime(None, E.VIR_DOMAIN_TIME_SYNC)
        self.assertLess(abs(dom.getTime()["seconds"] - time.time()), 5)
        out = self.daemon.virsh("domtime", "ga-time").stdout
        self.assertIn("Time:", out)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setTime,
                                {"seconds": 1, "nseconds": 2000000000}, 0)

    def test_fsfreeze(self):
        dom = self.agent_guest("ga-freeze")
        self.assertEqual(dom.fsFreeze(), 2)
        # Frozen twice: the agent refuses, and the filesystems stay frozen.
        err = self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.fsFreeze,
                                      msg_contains="frozen state")
        self.assertIn("ga-freeze", str(err))
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.hostname,
                                E.VIR_DOMAIN_GET_HOSTNAME_AGENT)
        self.assertEqual(dom.fsThaw(), 2)
        self.assertEqual(dom.fsThaw(), 0)
        self.daemon.virsh("domfsfreeze", "ga-freeze", "--mountpoint", "/")
        self.daemon.virsh("domfsthaw", "ga-freeze")

    def test_hostname_password_guestinfo(self):
        dom = self.agent_guest("ga-info", ip="192.0.2.30")
        self.assertEqual(dom.hostname(E.VIR_DOMAIN_GET_HOSTNAME_AGENT), "ga-info")
        self.assertEqual(self.daemon.virsh("domhostname", "ga-info").stdout.strip(),
                         "ga-info")
        dom.setUserPassword("root", "s3cret", 0)
        self.daemon.virsh("set-user-password", "ga-info", "root", "pw2")
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.setUserPassword,
                                "nobody", "x", 0, msg_contains="does not exist")
        info = dom.guestInfo(0, 0)
        self.assertEqual(info["hostname"], "ga-info")
        self.assertEqual(info["os.id"], "debian")
        self.assertEqual(info["timezone.name"], "UTC")
        self.assertEqual(info["user.count"], 1)
        self.assertEqual(info["user.0.name"], "root")
        info = dom.guestInfo(E.VIR_DOMAIN_GUEST_INFO_OS, 0)
        self.assertNotIn("hostname", info)
        out = self.daemon.virsh("guestinfo", "ga-info", "--os").stdout
        self.assertIn("Debian", out)
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.guestInfo,
                                E.VIR_DOMAIN_GUEST_INFO_DISKS, 0)
        ifaces = dom.interfaceAddresses(AGENT_SRC, 0)
        self.assertEqual([a["addr"] for a in ifaces["eth0"]["addrs"]], ["192.0.2.30"])
        self.assertIn("192.0.2.30",
                      self.daemon.virsh("domifaddr", "ga-info", "--source", "agent").stdout)

    def test_shutdown_and_reboot_by_agent(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.agent_guest("ga-stop", **{"shutdown-delay-ms": 100})
        dom.reboot(E.VIR_DOMAIN_REBOOT_GUEST_AGENT)
        ev.wait("ga-stop", "reboot")
        wait_for(lambda: self.conn.lookupByName("ga-stop").isActive(), what="restart")
        # The new incarnation's agent answers again.
        wait_for(lambda: self._answers("ga-stop"), what="the agent back")
        self.daemon.virsh("shutdown", "ga-stop", "--mode", "agent")
        ev.wait("ga-stop", E.VIR_DOMAIN_EVENT_STOPPED)

    def _answers(self, name):
        try:
            return self.conn.lookupByName(name).hostname(E.VIR_DOMAIN_GET_HOSTNAME_AGENT)
        except libvirt.libvirtError:
            return None

    def test_no_agent(self):
        # No channel: not configured.
        dom = self.agent_guest("ga-none", channel=False)
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.getTime,
                                msg_contains="guest agent channel")
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.shutdownFlags,
                                E.VIR_DOMAIN_SHUTDOWN_GUEST_AGENT)
        self.assertTrue(dom.isActive())
        # A channel, but no agent in the guest: nobody listens.
        dom2 = self.agent_guest("ga-absent", agent="no")
        self.assertLibvirtError(E.VIR_ERR_AGENT_UNRESPONSIVE, dom2.fsFreeze)
        # Agent first, then the PV control node: the guest still goes down.
        dom2.shutdownFlags(E.VIR_DOMAIN_SHUTDOWN_GUEST_AGENT |
                           E.VIR_DOMAIN_SHUTDOWN_PARAVIRT)
        wait_for(lambda: "ga-absent" not in [d.name() for d in self.conn.listAllDomains()],
                 what="shutdown by PV")

    def test_hung_agent_times_out(self):
        dom = self.agent_guest("ga-hung", agent="hung")
        dom.agentSetResponseTimeout(1, 0)
        start = time.monotonic()
        self.assertLibvirtError(E.VIR_ERR_AGENT_UNRESPONSIVE, dom.getTime)
        self.assertLess(time.monotonic() - start, 4)
        self.daemon.virsh("guest-agent-timeout", "ga-hung", "--timeout", "0")
        self.assertLibvirtError(E.VIR_ERR_AGENT_UNRESPONSIVE, dom.fsFreeze)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.agentSetResponseTimeout, -3, 0)

    def test_channel_without_path(self):
        # As libvirt's libxl driver: a Xen channel over a unix socket
        # that names no socket gets one at start, in the driver's channel
        # directory, named after the domain and the channel; only the live
        # XML holds it, and the agent answers there.
        xml = guest_xml("ga-nopath", script=dict(agent="yes")).replace(
            "</devices>",
            "<channel type='unix'><source mode='bind'/>"
            "<target type='xen' name='org.qemu.guest_agent.0'/></channel>"
            "<channel type='unix'><target type='xen' name='com.example.x'/></channel>"
            "</devices>")
        dom = self.conn.defineXML(xml)
        dom.create()
        live = ET.fromstring(dom.XMLDesc(0))
        paths = [c.find("source").get("path") for c in live.iter("channel")]
        self.assertEqual([os.path.basename(p) for p in paths],
                         ["ga-nopath-org.qemu.guest_agent.0", "ga-nopath-com.example.x"])
        # libvirt's libxl driver's directory (the daemon's own root binds
        # /var/lib/libvirt: scripts/virtxl-daemon).
        self.assertEqual({os.path.dirname(p) for p in paths},
                         {"/var/lib/libvirt/libxl/channel/target"})
        for c in live.iter("channel"):
            self.assertEqual(c.find("source").get("mode"), "bind")
        sock = self.daemon.path("lib", os.path.relpath(paths[0], "/var/lib/libvirt"))
        wait_for(lambda: os.path.exists(sock), what="the agent socket")
        self.assertLess(abs(dom.getTime()["seconds"] - time.time()), 5)
        inactive = ET.fromstring(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual([c.find("source") for c in inactive.iter("channel")
                          if c.find("source") is not None
                          and c.find("source").get("path")], [])
        # A conversion cannot make a socket up: it names what is missing.
        dom.destroy()
        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED,
                                self.conn.domainXMLToNative, "xen-xl",
                                dom.XMLDesc(0), 0,
                                msg_contains="without <source path>")
        dom.undefine()

    def test_agent_answers_after_each_restore(self):
        # A restored guest's agent binds the same socket anew; its
        # predecessor's must not take the new one's name away.
        dom = self.agent_guest("ga-restore")
        sock = os.path.join(self.daemon.root, "channels", "ga-restore.agent")
        image = os.path.join(self.daemon.root, "ga-restore.save")
        for _ in range(5):
            dom.save(image)
            self.conn.restore(image)
            dom = self.conn.lookupByName("ga-restore")
            wait_for(lambda: os.path.exists(sock), what="the restored agent's socket")
            self.assertLess(abs(dom.getTime()["seconds"] - time.time()), 5)
            os.unlink(image)

    def test_paused_guest_cannot_answer(self):
        dom = self.agent_guest("ga-paused")
        dom.suspend()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.getTime)
        dom.resume()
        dom.getTime()
