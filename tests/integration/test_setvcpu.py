# SPDX-License-Identifier: LGPL-2.1-or-later
"""One vCPU online or offline (virsh setvcpu, virDomainSetVcpu) through
stock libvirtd: live (Xen's online set, seen in vcpuinfo, getVcpus, the
guest agent's vCPU list and the domain's vCPU count) and in the
persistent definition (<vcpus><vcpu id enabled hotpluggable>, which the
next start boots with); vCPU 0, vCPUs beyond the domain's, a vCPU already
in the state asked for and a list that is not one are refused, and
nothing changes then."""

import os
import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, guest_xml, wait_for

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG


def vcpu_states(xml):
    """{id: (enabled, hotpluggable)} of <vcpus>, or {} without it."""
    root = ET.fromstring(xml)
    return {int(v.get("id")): (v.get("enabled"), v.get("hotpluggable"))
            for v in root.findall("./vcpus/vcpu")}


def with_agent(xml, sock):
    return xml.replace(
        "</devices>",
        f"<channel type='unix'><source mode='bind' path='{sock}'/>"
        "<target type='xen' name='org.qemu.guest_agent.0'/></channel>"
        "</devices>")


class SetVcpuTest(DaemonTestCase):

    def define(self, name, vcpus=4):
        return self.conn.defineXML(guest_xml(name, vcpus=vcpus))

    def online(self, dom):
        """Each vCPU slot's state, by number, from virDomainGetVcpus (asked
        for as many as the domain has online, as python's vcpus() and
        virsh vcpuinfo ask; the slots it leaves out are offline)."""
        slots = [False] * dom.vcpusFlags(LIVE | E.VIR_DOMAIN_VCPU_MAXIMUM)
        for number, state, _, _ in dom.vcpus()[0]:
            slots[number] = state != E.VIR_VCPU_OFFLINE
        return slots

    def test_live_disable_enable(self):
        dom = self.define("sv-live")
        dom.create()
        dom.setVcpu("2", 0, LIVE)
        self.assertEqual(self.online(dom), [True, True, False, True])
        self.assertEqual(dom.vcpusFlags(LIVE), 3)
        self.assertEqual(dom.vcpusFlags(LIVE | E.VIR_DOMAIN_VCPU_MAXIMUM), 4)
        self.assertEqual(dom.info()[3], 3)
        states = vcpu_states(dom.XMLDesc(0))
        self.assertEqual(states[2], ("no", "yes"))
        self.assertEqual(states[0][0], "yes")
        root = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual(root.find("./vcpu").get("current"), "3")
        # The persistent definition did not change.
        self.assertEqual(vcpu_states(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)), {})
        # virsh vcpuinfo lists the online ones by number.
        out = self.daemon.virsh("vcpuinfo", "sv-live").stdout
        self.assertEqual([l.split()[-1] for l in out.splitlines()
                          if l.startswith("VCPU:")], ["0", "1", "3"])

        self.daemon.virsh("setvcpu", "sv-live", "1,3", "--disable", "--live")
        self.assertEqual(self.online(dom), [True, False, False, False])
        self.assertEqual(dom.vcpusFlags(LIVE), 1)
        self.daemon.virsh("setvcpu", "sv-live", "2-3", "--enable")
        self.assertEqual(self.online(dom), [True, False, True, True])
        self.assertEqual(dom.vcpusFlags(LIVE), 3)

    def test_live_state_survives_daemon_restart(self):
        dom = self.define("sv-restart")
        dom.create()
        dom.setVcpu("1", 0, LIVE)
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("sv-restart")
        self.assertEqual(self.online(dom), [True, False, True, True])
        self.assertEqual(vcpu_states(dom.XMLDesc(0))[1], ("no", "yes"))

    def test_config_then_start(self):
        dom = self.define("sv-config")
        dom.setVcpu("1", 0, CONFIG)
        states = vcpu_states(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual(states[1], ("no", "yes"))
        self.assertEqual(states[3][0], "yes")
        self.assertEqual(dom.vcpusFlags(CONFIG), 3)
        dom.create()
        # The domain boots with vCPU 1 offline, not the last one.
        self.assertEqual(self.online(dom), [True, False, True, True])
        # Live and config at once.
        dom.setVcpu("1", 1, LIVE | CONFIG)
        self.assertEqual(self.online(dom), [True, True, True, True])
        self.assertEqual(
            vcpu_states(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))[1][0], "yes")

    def test_guest_agent_sees_xen_online_set(self):
        sock = os.path.join(self.daemon.root, "sv-agent.agent")
        xml = with_agent(guest_xml("sv-agent", vcpus=4,
                                   script={"agent": "yes"}), sock)
        dom = self.conn.defineXML(xml)
        dom.create()
        wait_for(lambda: os.path.exists(sock), what="the agent socket")
        dom.setVcpu("2", 0, LIVE)
        info = dom.guestVcpus()
        self.assertEqual(info["online"], "0-1,3")

    def test_refusals_change_nothing(self):
        dom = self.define("sv-bad")
        dom.create()
        before_live = dom.XMLDesc(0)
        before_config = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setVcpu, "0", 0, LIVE,
                                msg_contains="vCPU 0")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setVcpu, "0-1", 0,
                                CONFIG, msg_contains="vCPU 0")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setVcpu, "4", 0, LIVE,
                                msg_contains="has no vCPU 4")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setVcpu, "2", 1, LIVE,
                                msg_contains="online already")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setVcpu, "x", 0, LIVE,
                                msg_contains="is not a list of vCPUs")
        dom.setVcpu("3", 0, LIVE)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setVcpu, "3", 0, LIVE,
                                msg_contains="offline already")
        dom.setVcpu("3", 1, LIVE)
        self.assertEqual(self.online(dom), [True] * 4)
        self.assertEqual(vcpu_states(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)),
                         vcpu_states(before_config))
        self.assertEqual(dom.vcpusFlags(LIVE), 4)
        del before_live

    def test_backend_failure_changes_nothing(self):
        dom = self.define("sv-fault")
        dom.create()
        self.daemon.inject_fault("domainSetVcpusOnlineSet", 1)
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.setVcpu, "1", 0,
                                LIVE | CONFIG)
        self.assertEqual(self.online(dom), [True] * 4)
        self.assertEqual(vcpu_states(dom.XMLDesc(0)), {})
        self.assertEqual(vcpu_states(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)), {})

    def test_shut_off_live_refused(self):
        dom = self.define("sv-off")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.setVcpu, "1",
                                0, LIVE)
