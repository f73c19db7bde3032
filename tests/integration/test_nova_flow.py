# SPDX-License-Identifier: LGPL-2.1-or-later
"""OpenStack Nova 22 (Victoria), virt_type=xen, as its libvirt driver
drives a compute host: the domain XML it writes, the calls it makes and
the flags it passes, written from nova/virt/libvirt/{driver,guest,host}.py
of 22.0.0. Each test is one Nova operation on the simulator through
stock libvirtd; a failure names the Nova step and what libvirt said."""

import threading
import time
import unittest
import uuid

import libvirt

from vxltest import DaemonTestCase, EventRecorder, wait_for

E = libvirt

NOVA_NS = "http://openstack.org/xmlns/libvirt/nova/1.1"


def nova_xml(name, uid, hvm=True, bridge="xenbr0", mac="fa:16:3e:4c:2d:1a"):
    """What Nova 22's _get_guest_xml writes for a Xen guest: PV (vm_mode
    xen, booted by the bootloader Nova names) or HVM (hvmloader), with
    the one pty console _create_consoles gives guests other than qemu's
    and kvm's (libvirt makes an HVM guest's a serial port)."""
    if hvm:
        os_xml = ("<type arch='x86_64' machine='xenfv'>hvm</type>"
                  "<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>"
                  "<boot dev='hd'/>")
        disk_bus, dev = "xen", "xvda"
        extra = ("<input type='tablet' bus='usb'/>"
                 "<graphics type='vnc' autoport='yes' listen='127.0.0.1' keymap='en-us'/>"
                 "<video><model type='cirrus'/></video>")
        features = "<features><acpi/><apic/><pae/></features>"
    else:
        os_xml = "<type arch='x86_64' machine='xenpv'>xen</type>"
        disk_bus, dev = "xen", "xvda"
        extra = ""
        features = ""
    return f"""<domain type='xen'>
  <name>{name}</name>
  <uuid>{uid}</uuid>
  <metadata>
    <nova:instance xmlns:nova='{NOVA_NS}'>
      <nova:package version='22.0.0'/>
      <nova:name>{name}-display</nova:name>
      <nova:flavor name='m1.tiny'><nova:memory>512</nova:memory>
        <nova:disk>1</nova:disk><nova:vcpus>1</nova:vcpus></nova:flavor>
    </nova:instance>
  </metadata>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <cputune><shares>1024</shares></cputune>
  {'<bootloader>/usr/lib/xen-4.17/bin/pygrub</bootloader>' if not hvm else ''}
  <os>{os_xml}</os>
  {features}
  <cpu><topology sockets='1' dies='1' cores='1' threads='1'/></cpu>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/var/lib/nova/instances/{uid}/disk'/>
      <target dev='{dev}' bus='{disk_bus}'/>
    </disk>
    <interface type='bridge'>
      <mac address='{mac}'/>
      <source bridge='{bridge}'/>
      <mtu size='1450'/>
    </interface>
    <console type='pty'/>
    {extra}
    <memballoon model='xen'><stats period='10'/></memballoon>
  </devices>
</domain>"""


VOLUME = """<disk type='block' device='disk'>
  <driver name='phy' type='raw' cache='none' io='native'/>
  <source dev='/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-iqn.2010-10.org.openstack:volume-{n}-lun-1'/>
  <target dev='xvdb' bus='xen'/>
  <serial>0b5c7e3a-2f1d-4c6b-9e8a-7d6c5b4a3f2{n}</serial>
</disk>"""

VIF = """<interface type='bridge'>
  <mac address='fa:16:3e:00:00:0{n}'/>
  <source bridge='xenbr0'/>
  <mtu size='1450'/>
</interface>"""

LIVE_AND_CONFIG = E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG


class NovaFlowTest(DaemonTestCase):
    """Nova's operations, each on a fresh instance."""

    def spawn(self, name, hvm=True):
        """driver.spawn -> _create_guest_with_network: define, launch
        paused while Neutron plugs the vifs, then resume."""
        uid = str(uuid.uuid4())
        dom = self.conn.defineXML(nova_xml(name, uid, hvm=hvm))
        dom.createWithFlags(E.VIR_DOMAIN_START_PAUSED)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_PAUSED)
        dom.resume()
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)
        return dom, uid

    def wait_state(self, dom, state, timeout=20):
        wait_for(lambda: dom.info()[0] == state, timeout=timeout,
                 what=f"{dom.name()} to reach state {state}")

    def nova_undefine(self, dom):
        """guest.delete_configuration: undefineFlags with MANAGED_SAVE;
        the fallback for drivers without flags: hasManagedSaveImage,
        managedSaveRemove, undefine."""
        try:
            dom.undefineFlags(E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        except libvirt.libvirtError as e:
            if e.get_error_code() != E.VIR_ERR_NO_SUPPORT:
                raise
            if dom.hasManagedSaveImage(0):
                dom.managedSaveRemove(0)
            dom.undefine()

    def test_spawn_and_get_info(self):
        dom, uid = self.spawn("instance-00000001")
        state, maxmem, mem, ncpu, cputime = dom.info()
        self.assertEqual((state, maxmem, ncpu), (E.VIR_DOMAIN_RUNNING, 524288, 1))
        self.assertGreater(mem, 0)
        self.assertEqual(dom.UUIDString(), uid)
        # _get_instance_disk_info and friends read the live XML.
        self.assertIn("/var/lib/nova/instances/", dom.XMLDesc(0))
        # list_instance_domains: listAllDomains, by UUID.
        self.assertIn(uid, [d.UUIDString() for d in self.conn.listAllDomains(0)])

    def test_pv_spawn(self):
        dom, _ = self.spawn("instance-00000002", hvm=False)
        self.assertIn("<bootloader>", dom.XMLDesc(0))

    def test_soft_reboot(self):
        """_soft_reboot: shutdown, wait for SHUTOFF, then launch the
        same domain again."""
        dom, _ = self.spawn("instance-00000003")
        old_id = dom.ID()
        dom.shutdown()
        self.wait_state(dom, E.VIR_DOMAIN_SHUTOFF)
        dom.createWithFlags(0)
        self.assertNotEqual(dom.ID(), old_id)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)

    def test_hard_reboot(self):
        """_hard_reboot: destroy, undefine (keeping disks), define the
        regenerated XML, launch."""
        dom, uid = self.spawn("instance-00000004")
        xml = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE | E.VIR_DOMAIN_XML_SECURE)
        dom.destroy()
        self.nova_undefine(dom)
        dom = self.conn.defineXML(xml)
        dom.createWithFlags(0)
        self.assertEqual(dom.UUIDString(), uid)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)

    def test_pause_unpause(self):
        dom, _ = self.spawn("instance-00000005")
        dom.suspend()
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_PAUSED)
        dom.resume()
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)

    def test_suspend_resume(self):
        """suspend: guest.save_memory_state = managedSave; resume:
        _create_guest_with_network starts it, from the image."""
        dom, _ = self.spawn("instance-00000006")
        rec = EventRecorder(self.conn)
        self.addCleanup(rec.close)
        dom.managedSave(0)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_SHUTOFF)
        self.assertTrue(dom.hasManagedSaveImage(0))
        dom.createWithFlags(0)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)
        self.assertFalse(dom.hasManagedSaveImage(0))
        rec.wait(dom.name(), E.VIR_DOMAIN_EVENT_STARTED,
                 E.VIR_DOMAIN_EVENT_STARTED_RESTORED)

    def test_power_off_on(self):
        """power_off: _clean_shutdown (shutdown, poll), then destroy;
        power_on: _hard_reboot."""
        dom, _ = self.spawn("instance-00000007")
        dom.shutdown()
        self.wait_state(dom, E.VIR_DOMAIN_SHUTOFF)
        try:
            dom.destroy()
        except libvirt.libvirtError as e:
            self.assertEqual(e.get_error_code(), E.VIR_ERR_OPERATION_INVALID)
        dom.createWithFlags(0)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)

    def test_cold_snapshot(self):
        """snapshot, for xen (no live snapshot): save the memory state
        (managedSave) of a running or paused guest, copy the disk on the
        host, then launch it again; a paused one is paused again."""
        for was_paused in (False, True):
            with self.subTest(paused=was_paused):
                dom, _ = self.spawn(f"instance-0000000{8 + was_paused}")
                if was_paused:
                    dom.suspend()
                dom.managedSave(0)
                self.assertEqual(dom.info()[0], E.VIR_DOMAIN_SHUTOFF)
                dom.createWithFlags(0)
                if was_paused:
                    dom.suspend()
                self.assertEqual(dom.info()[0],
                                 E.VIR_DOMAIN_PAUSED if was_paused else E.VIR_DOMAIN_RUNNING)

    def test_rescue_unrescue(self):
        """rescue: keep the XML, destroy, define a rescue XML under the
        same name and UUID, launch; unrescue: destroy, define the kept
        XML, launch."""
        dom, uid = self.spawn("instance-0000000a")
        kept = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE | E.VIR_DOMAIN_XML_SECURE)
        dom.destroy()
        rescue = nova_xml("instance-0000000a", uid).replace(
            f"/var/lib/nova/instances/{uid}/disk",
            f"/var/lib/nova/instances/{uid}/disk.rescue")
        dom = self.conn.defineXML(rescue)
        dom.createWithFlags(0)
        self.assertIn("disk.rescue", dom.XMLDesc(0))
        dom.destroy()
        dom = self.conn.defineXML(kept)
        dom.createWithFlags(0)
        self.assertNotIn("disk.rescue", dom.XMLDesc(0))

    def test_volume_and_interface_attach_detach(self):
        dom, _ = self.spawn("instance-0000000b", hvm=False)
        dom.attachDeviceFlags(VOLUME.format(n=1), LIVE_AND_CONFIG)
        self.assertIn("volume-1", dom.XMLDesc(0))
        self.assertIn("volume-1", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        dom.detachDeviceFlags(VOLUME.format(n=1), LIVE_AND_CONFIG)
        wait_for(lambda: "volume-1" not in dom.XMLDesc(0), what="the volume to go")
        self.assertNotIn("volume-1", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))

        dom.attachDeviceFlags(VIF.format(n=2), LIVE_AND_CONFIG)
        self.assertIn("fa:16:3e:00:00:02", dom.XMLDesc(0))
        dom.detachDeviceFlags(VIF.format(n=2), LIVE_AND_CONFIG)
        wait_for(lambda: "fa:16:3e:00:00:02" not in dom.XMLDesc(0),
                 what="the vif to go")

    def test_get_diagnostics(self):
        """get_diagnostics: info, vcpus, blockStats of each disk target,
        interfaceStats of each interface's <target dev>, memoryStats."""
        dom, _ = self.spawn("instance-0000000c", hvm=False)
        state, maxmem, mem, ncpu, cputime = dom.info()
        vcpus = dom.vcpus()
        self.assertEqual(len(vcpus[0]), ncpu)
        rd_req, rd_bytes, wr_req, wr_bytes, errs = dom.blockStats("xvda")
        import re
        xml = dom.XMLDesc(0)
        m = re.search(r"<interface type='bridge'>.*?<target dev='([^']+)'", xml, re.S)
        self.assertIsNotNone(m, "the live <interface> has no <target dev>")
        stats = dom.interfaceStats(m.group(1))
        self.assertEqual(len(stats), 8)
        mem_stats = dom.memoryStats()
        self.assertIn("actual", mem_stats)

    def test_host_stats(self):
        """The resource tracker: getInfo, getCPUMap, getVersion,
        getLibVersion, getHostname, getCapabilities, and for xen the
        memory used summed over every domain with Domain-0 at id 0."""
        dom, _ = self.spawn("instance-0000000d")
        model, memory_mib, cpus, mhz, nodes, sockets, cores, threads = self.conn.getInfo()
        self.assertGreater(memory_mib, 0)
        ncpus, cpumap, online = self.conn.getCPUMap()
        self.assertEqual(ncpus, cpus)
        self.assertGreater(self.conn.getVersion(), 0)
        self.assertGreater(self.conn.getLibVersion(), 0)
        self.assertTrue(self.conn.getHostname())
        self.assertIn("<host>", self.conn.getCapabilities())
        all_doms = self.conn.listAllDomains(0)
        ids = {d.ID(): d for d in all_doms}
        self.assertIn(0, ids, "Domain-0 is not listed")
        used_kib = sum(d.info()[2] for d in all_doms)
        self.assertGreaterEqual(used_kib, ids[0].info()[2] + dom.info()[2])
        self.assertGreater(self.conn.getFreeMemory(), 0)

    def test_destroy_and_undefine(self):
        dom, uid = self.spawn("instance-0000000e")
        dom.destroy()
        self.nova_undefine(dom)
        self.assertNotIn(uid, [d.UUIDString() for d in self.conn.listAllDomains(0)])


if __name__ == "__main__":
    unittest.main(verbosity=2)
