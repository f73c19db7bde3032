# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every control and device call a Xen user reaches for (node devices,
host-device hotplug, reset, NMI, keys, screenshots, power management,
CPU models, guest addresses, the guest agent over a Xen channel,
channels, vCPUs), one row each, through stock libvirtd with virsh or
python3-libvirt: each works on the simulator, and each is refused where
the guest cannot do it with the VIR_ERR_* code docs/driver.md's table
("Control and devices: every call") names. The table and the rows here
are the same list: a call added to one and not the other fails."""

import json
import os
import time
import xml.etree.ElementTree as ET

import libvirt

from test_control import read_ppm, with_display
from test_cpu import guest_cpu, host_cpu
from test_pci import DeviceEvents, hostdev_xml
from vxltest import PCI_NIC as NIC, PCI_NIC2 as NIC2
from vxltest import (DaemonTestCase, EventRecorder,
                     PciHostMixin, guest_xml, wait_for)

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
USB_MOUSE = ("<hostdev mode='subsystem' type='usb'><source>"
             "<address bus='1' device='3'/></source></hostdev>")
NET = """<network><name>lan</name>
  <forward mode='bridge'/><bridge name='xenbr0'/></network>"""
DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "driver.md")
SECTION = "## Control and devices: every call"


def doc_rows():
    """The calls (first column, without backticks) of the table in
    docs/driver.md's SECTION."""
    with open(DOC) as f:
        text = f.read()
    part = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] not in ("call", "") and \
                not set(cells[0]) <= set("-: "):
            rows.append(cells[0].replace("`", ""))
    return rows


class ControlAuditTest(PciHostMixin, DaemonTestCase):
    network = True

    # ----- helpers -----

    def setUp(self):
        super().setUp()
        self.watchers = []

    def guest(self, name, ostype="xen", display=False, extra="", **kw):
        xml = guest_xml(name, ostype=ostype, **kw)
        if display:
            xml = with_display(xml)
        dom = self.conn.defineXML(xml.replace("</devices>", extra + "</devices>"))
        dom.create()
        return dom

    def agent_guest(self, name, **script):
        sock = os.path.join(self.daemon.root, "channels", f"{name}.agent")
        xml = guest_xml(name, script=dict(agent="yes", **script)).replace(
            "</devices>",
            f"<channel type='unix'><source mode='bind' path='{sock}'/>"
            "<target type='xen' name='org.qemu.guest_agent.0'/></channel></devices>")
        dom = self.conn.createXML(xml, 0)
        wait_for(lambda: os.path.exists(sock), timeout=60, what="the agent socket")
        return dom

    def no_agent(self, name):
        return self.conn.createXML(guest_xml(name), 0)

    def virsh(self, *args):
        return self.daemon.virsh(*args).stdout

    def refused(self, code, fn, *args, **kw):
        return self.assertLibvirtError(code, fn, *args, **kw)

    def hostdevs(self, dom, flags=0):
        root = ET.fromstring(dom.XMLDesc(flags))
        return len(root.findall("./devices/hostdev"))

    # ----- the table and the rows are one list -----

    def test_doc_table_lists_every_row(self):
        self.assertEqual(sorted(doc_rows()), sorted(ROWS))

    def test_every_row(self):
        for call, method in ROWS.items():
            with self.subTest(call=call):
                try:
                    getattr(self, method)()
                finally:
                    while self.watchers:
                        self.watchers.pop().close()

    def watch(self, watcher):
        """@watcher, closed when the row is over (a connection takes one
        callback of each kind)."""
        self.watchers.append(watcher)
        return watcher

    # ----- node devices -----

    def row_nodedev_detach(self):
        self.virsh("nodedev-detach", NIC)
        self.assertEqual(self.driver_of(NIC), "pciback")
        self.refused(E.VIR_ERR_INVALID_ARG,
                     self.conn.nodeDeviceLookupByName(NIC).detachFlags, "vfio", 0)

    def row_nodedev_dettach(self):
        self.conn.nodeDeviceLookupByName(NIC2).dettach()
        self.assertEqual(self.driver_of(NIC2), "pciback")
        self.refused(E.VIR_ERR_INVALID_ARG,
                     self.conn.nodeDeviceLookupByName("usb_1_3").dettach,
                     msg_contains="not a PCI device")

    def row_nodedev_reattach(self):
        self.virsh("nodedev-detach", NIC)
        self.virsh("nodedev-reattach", NIC)
        self.assertEqual(self.driver_of(NIC), "ixgbe")
        dom = self.guest("au-reattach", extra=hostdev_xml(3, managed=True))
        self.refused(E.VIR_ERR_OPERATION_INVALID,
                     self.conn.nodeDeviceLookupByName(NIC).reAttach,
                     msg_contains="au-reattach")
        dom.destroy()

    def row_nodedev_reset(self):
        self.virsh("nodedev-reset", NIC)
        dom = self.guest("au-reset-pci", extra=hostdev_xml(3, managed=True))
        self.refused(E.VIR_ERR_OPERATION_INVALID,
                     self.conn.nodeDeviceLookupByName(NIC).reset,
                     msg_contains="au-reset-pci")
        dom.destroy()

    # ----- host devices -----

    def row_pci_hostdev_attach(self):
        events = self.watch(DeviceEvents(self.conn))
        dom = self.guest("au-pci-add")
        dom.attachDeviceFlags(hostdev_xml(3, managed=True), LIVE | CONFIG)
        events.wait("au-pci-add", "added", "0000:03:00.0", timeout=60)
        self.assertEqual((self.hostdevs(dom), self.hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE)),
                         (1, 1))
        other = self.guest("au-pci-other")
        self.refused(E.VIR_ERR_OPERATION_INVALID, other.attachDeviceFlags,
                     hostdev_xml(3, managed=True), LIVE)
        other.destroy()
        dom.destroy()
        dom.undefine()

    def row_pci_hostdev_detach(self):
        events = self.watch(DeviceEvents(self.conn))
        dom = self.guest("au-pci-del", extra=hostdev_xml(3, managed=True))
        dom.detachDeviceFlags(hostdev_xml(3, managed=True), LIVE | CONFIG)
        events.wait("au-pci-del", "removed", "0000:03:00.0", timeout=60)
        self.assertEqual((self.hostdevs(dom), self.hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE)),
                         (0, 0))
        self.refused(E.VIR_ERR_DEVICE_MISSING, dom.detachDeviceFlags,
                     hostdev_xml(3, managed=True), LIVE)
        dom.destroy()
        dom.undefine()

    def row_usb_hostdev_attach(self):
        events = self.watch(DeviceEvents(self.conn))
        dom = self.guest("au-usb-add")
        dom.attachDeviceFlags(USB_MOUSE, LIVE | CONFIG)
        events.wait("au-usb-add", "added", "usb 001:003", timeout=60)
        self.assertEqual((self.hostdevs(dom), self.hostdevs(dom, E.VIR_DOMAIN_XML_INACTIVE)),
                         (1, 1))
        self.refused(E.VIR_ERR_NO_NODE_DEVICE, dom.attachDeviceFlags,
                     USB_MOUSE.replace("device='3'", "device='9'"), LIVE)
        dom.destroy()
        dom.undefine()

    def row_usb_hostdev_detach(self):
        events = self.watch(DeviceEvents(self.conn))
        dom = self.guest("au-usb-del", extra=USB_MOUSE)
        dom.detachDeviceFlags(USB_MOUSE, LIVE | CONFIG)
        events.wait("au-usb-del", "removed", "usb 001:003", timeout=60)
        self.assertEqual(self.hostdevs(dom), 0)
        self.refused(E.VIR_ERR_DEVICE_MISSING, dom.detachDeviceFlags, USB_MOUSE, LIVE)
        dom.destroy()
        dom.undefine()

    def row_detach_alias(self):
        dom = self.guest("au-alias", extra=USB_MOUSE.replace(
            "</hostdev>", "<alias name='ua-mouse'/></hostdev>"))
        self.virsh("detach-device-alias", "au-alias", "ua-mouse", "--live")
        self.assertEqual(self.hostdevs(dom), 0)
        self.refused(E.VIR_ERR_DEVICE_MISSING, dom.detachDeviceAlias, "ua-mouse", LIVE)
        dom.destroy()

    # ----- guest controls -----

    def row_reset(self):
        dom = self.guest("au-reset", ostype="hvm", display=True)
        self.virsh("reset", "au-reset")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        pv = self.guest("au-reset-pv")
        self.refused(E.VIR_ERR_OPERATION_UNSUPPORTED, pv.reset, 0)
        dom.destroy()
        pv.destroy()

    def row_nmi(self):
        dom = self.guest("au-nmi")
        self.virsh("inject-nmi", "au-nmi")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        dom.destroy()
        self.refused(E.VIR_ERR_OPERATION_INVALID, dom.injectNMI, 0)

    def row_send_key(self):
        dom = self.guest("au-key", ostype="hvm", display=True)
        self.virsh("send-key", "au-key", "KEY_H", "KEY_I")
        self.refused(E.VIR_ERR_INVALID_ARG, dom.sendKey,
                     E.VIR_KEYCODE_SET_LINUX, 0, [100000], 1, 0)
        pv = self.guest("au-key-pv")
        self.refused(E.VIR_ERR_OPERATION_UNSUPPORTED, pv.sendKey,
                     E.VIR_KEYCODE_SET_LINUX, 0, [35], 1, 0)
        dom.destroy()
        pv.destroy()

    def row_screenshot(self):
        dom = self.guest("au-shot", ostype="hvm", display=True)
        st = self.conn.newStream(0)
        self.assertEqual(dom.screenshot(st, 0, 0), "image/x-portable-pixmap")
        data = b""
        while True:
            buf = st.recv(65536)
            if not buf:
                break
            data += buf
        st.finish()
        self.assertGreater(read_ppm(data)[1], 0)
        blind = self.guest("au-shot-none")
        self.refused(E.VIR_ERR_OPERATION_INVALID, blind.screenshot,
                     self.conn.newStream(0), 0, 0)
        dom.destroy()
        blind.destroy()

    def row_pm_suspend(self):
        dom = self.guest("au-s3", ostype="hvm")
        self.virsh("dompmsuspend", "au-s3", "mem")
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_PMSUSPENDED, timeout=60, what="S3")
        pv = self.guest("au-s3-pv")
        self.refused(E.VIR_ERR_OPERATION_UNSUPPORTED, pv.pMSuspendForDuration,
                     E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0)
        dom.destroy()
        pv.destroy()

    def row_pm_wakeup(self):
        dom = self.guest("au-wake", ostype="hvm")
        self.refused(E.VIR_ERR_OPERATION_INVALID, dom.pMWakeup, 0)
        dom.pMSuspendForDuration(E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0)
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_PMSUSPENDED, timeout=60, what="S3")
        self.virsh("dompmwakeup", "au-wake")
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING, timeout=60, what="wake-up")
        dom.destroy()

    # ----- CPU models -----

    def cpu_file(self, text):
        path = self.daemon.path("au-cpu.xml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def row_cpu_compare(self):
        out = self.virsh("cpu-compare", self.cpu_file(host_cpu(self.conn)))
        self.assertRegex(out, "identical|superset")
        self.refused(E.VIR_ERR_XML_DETAIL, self.conn.compareCPU, "<cpu><model>", 0)

    def row_cpu_baseline(self):
        out = self.virsh("cpu-baseline", self.cpu_file(host_cpu(self.conn)))
        self.assertIn("<model", out)
        self.refused(E.VIR_ERR_XML_DETAIL, self.conn.baselineCPU, ["not xml"], 0)

    def row_hv_cpu_compare(self):
        out = self.virsh("hypervisor-cpu-compare", self.cpu_file(guest_cpu("Westmere")))
        self.assertRegex(out, "identical|superset")
        self.refused(E.VIR_ERR_INVALID_ARG, self.conn.compareHypervisorCPU, None,
                     "x86_64", None, "kvm", guest_cpu("Westmere"), 0)

    def row_hv_cpu_baseline(self):
        out = self.virsh("hypervisor-cpu-baseline", self.cpu_file(guest_cpu("Westmere")))
        self.assertIn("<model", out)
        self.refused(E.VIR_ERR_INVALID_ARG, self.conn.baselineHypervisorCPU, None,
                     "aarch64", None, None, [guest_cpu("Westmere")], 0)

    def row_cpu_models(self):
        self.assertIn("EPYC", self.virsh("cpu-models", "x86_64").split())
        self.refused(E.VIR_ERR_INVALID_ARG, self.conn.getCPUModelNames, "no-such-arch", 0)

    # ----- guest addresses -----

    def net_guest(self, name, script=None):
        try:
            self.conn.networkLookupByName("lan")
        except libvirt.libvirtError:
            self.conn.networkDefineXML(NET).create()
        xml = guest_xml(name, script=script, nics=0).replace(
            "<devices>", "<devices><interface type='network'><source network='lan'/>"
            "</interface>", 1)
        return self.conn.createXML(xml, 0)

    def row_ifaddr_lease(self):
        dom = self.net_guest("au-lease")
        mac = ET.fromstring(dom.XMLDesc(0)).find("./devices/interface/mac").get("address")
        path = self.daemon.path("lib", "dnsmasq", "xenbr0.status")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump([{"ip-address": "198.51.100.7", "mac-address": mac,
                        "expiry-time": int(time.time()) + 3600}], f)
        self.addCleanup(os.unlink, path)
        self.assertIn("198.51.100.7", self.virsh("domifaddr", "au-lease"))
        self.refused(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.interfaceAddresses, 42, 0)
        dom.destroy()

    def row_ifaddr_arp(self):
        dom = self.net_guest("au-arp", {"ip": "192.0.2.10"})
        self.assertIn("192.0.2.10", self.virsh("domifaddr", "au-arp", "--source", "arp"))
        self.refused(E.VIR_ERR_INVALID_ARG, dom.interfaceAddresses,
                     E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP, 1)
        dom.destroy()

    def row_ifaddr_agent(self):
        dom = self.agent_guest("au-ifa", ip="192.0.2.30")
        self.assertIn("192.0.2.30", self.virsh("domifaddr", "au-ifa", "--source", "agent"))
        none = self.no_agent("au-ifa-none")
        self.refused(E.VIR_ERR_ARGUMENT_UNSUPPORTED, none.interfaceAddresses,
                     E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, 0)
        dom.destroy()
        none.destroy()

    # ----- the guest agent over a Xen channel -----

    def row_hostname(self):
        dom = self.agent_guest("au-host")
        self.assertEqual(self.virsh("domhostname", "au-host").strip(), "au-host")
        none = self.no_agent("au-host-none")
        self.refused(E.VIR_ERR_ARGUMENT_UNSUPPORTED, none.hostname,
                     E.VIR_DOMAIN_GET_HOSTNAME_AGENT)
        dom.destroy()
        none.destroy()

    def row_get_time(self):
        dom = self.agent_guest("au-time")
        self.assertIn("Time:", self.virsh("domtime", "au-time"))
        dom.suspend()
        self.refused(E.VIR_ERR_OPERATION_INVALID, dom.getTime)
        dom.destroy()

    def row_set_time(self):
        dom = self.agent_guest("au-settime")
        self.virsh("domtime", "au-settime", "--time", "1000000000")
        self.assertEqual(dom.getTime()["seconds"], 1000000000)
        self.refused(E.VIR_ERR_INVALID_ARG, dom.setTime,
                     {"seconds": 1, "nseconds": 2000000000}, 0)
        dom.destroy()

    def row_fsfreeze(self):
        dom = self.agent_guest("au-freeze")
        self.virsh("domfsfreeze", "au-freeze")
        self.refused(E.VIR_ERR_INTERNAL_ERROR, dom.fsFreeze, msg_contains="frozen")
        dom.fsThaw()
        dom.destroy()

    def row_fsthaw(self):
        dom = self.agent_guest("au-thaw")
        dom.fsFreeze()
        self.virsh("domfsthaw", "au-thaw")
        self.assertEqual(dom.fsThaw(), 0)
        dom.suspend()
        self.refused(E.VIR_ERR_OPERATION_INVALID, dom.fsThaw)
        dom.destroy()

    def row_set_user_password(self):
        dom = self.agent_guest("au-pw")
        self.virsh("set-user-password", "au-pw", "root", "s3cret")
        self.refused(E.VIR_ERR_INTERNAL_ERROR, dom.setUserPassword, "nobody", "x", 0,
                     msg_contains="does not exist")
        dom.destroy()

    def row_guestinfo(self):
        dom = self.agent_guest("au-info")
        self.assertIn("Debian", self.virsh("guestinfo", "au-info", "--os"))
        self.refused(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.guestInfo,
                     E.VIR_DOMAIN_GUEST_INFO_DISKS, 0)
        dom.destroy()

    def row_shutdown_agent(self):
        ev = self.watch(EventRecorder(self.conn))
        self.agent_guest("au-stop", **{"shutdown-delay-ms": 100})
        self.virsh("shutdown", "au-stop", "--mode", "agent")
        ev.wait("au-stop", E.VIR_DOMAIN_EVENT_STOPPED, timeout=60)
        none = self.no_agent("au-stop-none")
        self.refused(E.VIR_ERR_ARGUMENT_UNSUPPORTED, none.shutdownFlags,
                     E.VIR_DOMAIN_SHUTDOWN_GUEST_AGENT)
        none.destroy()

    def row_reboot_agent(self):
        ev = self.watch(EventRecorder(self.conn))
        self.agent_guest("au-reboot", **{"shutdown-delay-ms": 100})
        self.virsh("reboot", "au-reboot", "--mode", "agent")
        ev.wait("au-reboot", "reboot", timeout=60)
        none = self.no_agent("au-reboot-none")
        self.refused(E.VIR_ERR_ARGUMENT_UNSUPPORTED, none.reboot,
                     E.VIR_DOMAIN_REBOOT_GUEST_AGENT)
        none.destroy()
        wait_for(lambda: self.conn.lookupByName("au-reboot").isActive(), timeout=60, what="restart")
        self.conn.lookupByName("au-reboot").destroy()

    def row_agent_timeout(self):
        dom = self.agent_guest("au-timeout")
        self.virsh("guest-agent-timeout", "au-timeout", "--timeout", "10")
        self.refused(E.VIR_ERR_INVALID_ARG, dom.agentSetResponseTimeout, -3, 0)
        dom.destroy()

    def row_guest_vcpus(self):
        dom = self.agent_guest("au-gvcpu")
        self.assertIn("vcpus", self.virsh("guestvcpus", "au-gvcpu"))
        self.refused(E.VIR_ERR_INVALID_ARG, dom.setGuestVcpus, "5", 0, 0)
        dom.destroy()

    def row_fsinfo(self):
        dom = self.agent_guest("au-fsinfo")
        self.assertIn("/", self.virsh("domfsinfo", "au-fsinfo"))
        dom.suspend()
        self.refused(E.VIR_ERR_OPERATION_INVALID, dom.fsInfo, 0)
        dom.destroy()

    def row_fstrim(self):
        dom = self.agent_guest("au-fstrim")
        self.virsh("domfstrim", "au-fstrim")
        self.refused(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.fSTrim, "/", 0, 0)
        dom.destroy()

    # ----- channels and vCPUs -----

    def row_open_channel(self):
        dom = self.guest("au-chan", extra="<channel type='pty'>"
                         "<target type='xen' name='org.example.data'/></channel>")
        st = self.conn.newStream(0)
        dom.openChannel("org.example.data", st, 0)
        st.abort()
        self.refused(E.VIR_ERR_INVALID_ARG, dom.openChannel, "org.example.none",
                     self.conn.newStream(0), 0)
        dom.destroy()

    def row_setvcpu(self):
        dom = self.guest("au-setvcpu", vcpus=2)
        self.virsh("setvcpu", "au-setvcpu", "1", "--disable", "--live")
        self.assertEqual(dom.vcpusFlags(LIVE), 1)
        self.refused(E.VIR_ERR_INVALID_ARG, dom.setVcpu, "0", 0, LIVE)
        dom.destroy()


# docs/driver.md's first column -> the row above that drives it.
ROWS = {
    "virNodeDeviceDetachFlags": "row_nodedev_detach",
    "virNodeDeviceDettach": "row_nodedev_dettach",
    "virNodeDeviceReAttach": "row_nodedev_reattach",
    "virNodeDeviceReset": "row_nodedev_reset",
    "virDomainAttachDeviceFlags <hostdev type='pci'>": "row_pci_hostdev_attach",
    "virDomainDetachDeviceFlags <hostdev type='pci'>": "row_pci_hostdev_detach",
    "virDomainAttachDeviceFlags <hostdev type='usb'>": "row_usb_hostdev_attach",
    "virDomainDetachDeviceFlags <hostdev type='usb'>": "row_usb_hostdev_detach",
    "virDomainDetachDeviceAlias": "row_detach_alias",
    "virDomainReset": "row_reset",
    "virDomainInjectNMI": "row_nmi",
    "virDomainSendKey": "row_send_key",
    "virDomainScreenshot": "row_screenshot",
    "virDomainPMSuspendForDuration": "row_pm_suspend",
    "virDomainPMWakeup": "row_pm_wakeup",
    "virConnectCompareCPU": "row_cpu_compare",
    "virConnectBaselineCPU": "row_cpu_baseline",
    "virConnectCompareHypervisorCPU": "row_hv_cpu_compare",
    "virConnectBaselineHypervisorCPU": "row_hv_cpu_baseline",
    "virConnectGetCPUModelNames": "row_cpu_models",
    "virDomainInterfaceAddresses (lease)": "row_ifaddr_lease",
    "virDomainInterfaceAddresses (arp)": "row_ifaddr_arp",
    "virDomainInterfaceAddresses (agent)": "row_ifaddr_agent",
    "virDomainGetHostname": "row_hostname",
    "virDomainGetTime": "row_get_time",
    "virDomainSetTime": "row_set_time",
    "virDomainFSFreeze": "row_fsfreeze",
    "virDomainFSThaw": "row_fsthaw",
    "virDomainSetUserPassword": "row_set_user_password",
    "virDomainGetGuestInfo": "row_guestinfo",
    "virDomainShutdownFlags (agent)": "row_shutdown_agent",
    "virDomainReboot (agent)": "row_reboot_agent",
    "virDomainAgentSetResponseTimeout": "row_agent_timeout",
    "virDomainGetGuestVcpus": "row_guest_vcpus",
    "virDomainGetFSInfo": "row_fsinfo",
    "virDomainFSTrim": "row_fstrim",
    "virDomainOpenChannel": "row_open_channel",
    "virDomainSetVcpu": "row_setvcpu",
}
