# SPDX-License-Identifier: LGPL-2.1-or-later
"""OpenStack Nova 22 (Victoria) with virt_type=xen, on the simulator
through stock libvirtd: each test is one Nova operation as its libvirt
driver performs it (nova22.py, ported from the 22.0.0 tag: the XML it
writes, the calls, flags and order, its handling of each error), and
asserts what Nova and the guest then see. A failure names the Nova step
and what libvirt said. tests/e2e/e2e_nova.py runs the same flow on real
Xen."""

import os
import shutil
import unittest
import uuid
import xml.etree.ElementTree as ET

import libvirt

import nova22
from nova22 import PAUSED, RUNNING, SHUTDOWN, Instance, NovaError
from vxltest import TOP, DaemonTestCase, EventRecorder

E = libvirt
CORPUS = os.path.join(TOP, "tests", "clientxml")


def shape(xml):
    """The XML without its comments and Nova's metadata, whitespace
    dropped: what the driver is asked to run."""
    root = ET.fromstring(xml)
    meta = root.find("metadata")
    if meta is not None:
        root.remove(meta)
    for e in root.iter():
        e.text = (e.text or "").strip() or None
        e.tail = None
    return ET.tostring(root, encoding="unicode")


class NovaXMLTest(unittest.TestCase):
    """nova22.guest_xml writes what tests/clientxml's nova-*.xml hold
    (written by hand from Nova's config code and checked by the clientxml
    suite against xl): the two agree, so the flow runs that XML."""

    def corpus(self, name):
        with open(os.path.join(CORPUS, name)) as f:
            return f.read()

    def check(self, corpus, inst, rescue=False):
        self.assertEqual(shape(nova22.guest_xml(inst, rescue=rescue)),
                         shape(self.corpus(corpus)), corpus)

    def test_xml_is_the_corpus_xml(self):
        self.check("nova-xen-pv-disk-image.xml", Instance(
            "instance-00000002", "3c9e0f4a-1b2d-4e5f-8a7b-6c5d4e3f2a11",
            memory_mb=4096, vcpus=2, vnc_listen="0.0.0.0",
            vifs=(("fa:16:3e:11:22:02", "tap6f1e2d3c-02"),)))
        self.check("nova-xen-pv-kernel-image.xml", Instance(
            "instance-00000001", "3c9e0f4a-1b2d-4e5f-8a7b-6c5d4e3f2a10",
            kind="pv-kernel", memory_mb=2048, vnc_listen="0.0.0.0",
            vifs=(("fa:16:3e:11:22:01", "tap6f1e2d3c-01"),)))
        self.check("nova-xen-pv-rescue.xml", Instance(
            "instance-00000003", "3c9e0f4a-1b2d-4e5f-8a7b-6c5d4e3f2a12",
            kind="pv-kernel", memory_mb=2048, vnc_listen="0.0.0.0",
            vifs=(("fa:16:3e:11:22:03", "tap6f1e2d3c-03"),)), rescue=True)
        self.check("nova-xen-hvm-default.xml", Instance(
            "instance-00000010", "3c9e0f4a-1b2d-4e5f-8a7b-6c5d4e3f2a20",
            kind="hvm", memory_mb=2048, vnc_listen="0.0.0.0",
            vifs=(("fa:16:3e:11:22:10", "tap6f1e2d3c-10"),)))


class NovaFlowTest(DaemonTestCase):
    """Nova's operations, each on a fresh instance."""

    seq = 0
    disk_checks = True      # its instances' files exist, as on a compute host

    def setUp(self):
        super().setUp()
        self.nova = nova22.Driver(self.conn, copy_disk=shutil.copyfile)
        self.events = EventRecorder(self.conn)
        self.addCleanup(self.events.close)

    def instance(self, kind="pv-image", nvifs=1):
        """A fresh instance: its folder under the daemon's root with the
        files Nova's image backend would have made."""
        NovaFlowTest.seq += 1
        n = NovaFlowTest.seq
        inst = Instance("instance-%08x" % n, str(uuid.uuid4()), kind=kind,
                        instances_path=self.daemon.path("nova-instances"),
                        vifs=[("fa:16:3e:00:%02x:%02x" % (n, i),
                               "tap%06x-%02x" % (n, i)) for i in range(nvifs)])
        os.makedirs(inst.path, exist_ok=True)
        for f in ("disk", "disk.rescue", "kernel", "ramdisk",
                  "kernel.rescue", "ramdisk.rescue"):
            with open(os.path.join(inst.path, f), "wb") as out:
                out.write((f + inst.uuid).encode() * 4096)
        return inst

    def step(self, what, fn, *args):
        """One Nova step; its failure says which and what libvirt said."""
        try:
            return fn(*args)
        except (libvirt.libvirtError, NovaError) as e:
            self.fail("Nova's %s failed: %s" % (what, e))

    def spawn(self, kind="pv-image", nvifs=1):
        inst = self.instance(kind, nvifs)
        self.step("spawn", self.nova.spawn, inst)
        return inst

    def dom(self, inst):
        return self.conn.lookupByUUIDString(inst.uuid)

    def test_spawn_and_get_info(self):
        """spawn: define, launch (not paused on xen: only kvm and qemu
        wait for Neutron's events), wait for RUNNING; get_info."""
        for kind in ("pv-image", "pv-kernel", "hvm"):
            with self.subTest(kind=kind):
                inst = self.spawn(kind)
                state, domid = self.nova.get_info(inst)
                dom = self.dom(inst)
                self.assertEqual((state, domid), (RUNNING, dom.ID()))
                self.assertGreater(domid, 0)
                self.assertTrue(dom.isPersistent())
                self.events.wait(inst.name, E.VIR_DOMAIN_EVENT_STARTED,
                                 E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
                self.assertEqual([e for e in self.events.of(inst.name)
                                  if e[1] == E.VIR_DOMAIN_EVENT_SUSPENDED], [])
                live = ET.fromstring(dom.XMLDesc(0))
                # Nova finds its vif by the tap name it gave (detach,
                # diagnostics): the live XML keeps it.
                self.assertEqual([t.get("dev") for t in
                                  live.findall("devices/interface/target")],
                                 [inst.vifs[0].devname])
                self.assertEqual(live.find("devices/disk/source").get("file"),
                                 os.path.join(inst.path, "disk"))

    def test_reboot_soft(self):
        inst = self.spawn()
        old = self.dom(inst).ID()
        self.assertEqual(self.step("reboot SOFT", self.nova.reboot, inst, "SOFT"),
                         "soft")
        state, domid = self.nova.get_info(inst)
        self.assertEqual(state, RUNNING)
        self.assertNotEqual(domid, old)
        self.events.wait(inst.name, E.VIR_DOMAIN_EVENT_STOPPED,
                         E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)

    def test_reboot_hard(self):
        """_hard_reboot: destroy (which undefines), define the XML afresh,
        launch."""
        inst = self.spawn("hvm")
        old = self.dom(inst).ID()
        self.assertEqual(self.step("reboot HARD", self.nova.reboot, inst, "HARD"),
                         "hard")
        state, domid = self.nova.get_info(inst)
        self.assertEqual(state, RUNNING)
        self.assertNotEqual(domid, old)
        for event, detail in ((E.VIR_DOMAIN_EVENT_STOPPED,
                               E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
                              (E.VIR_DOMAIN_EVENT_UNDEFINED, None),
                              (E.VIR_DOMAIN_EVENT_DEFINED, None),
                              (E.VIR_DOMAIN_EVENT_STARTED,
                               E.VIR_DOMAIN_EVENT_STARTED_BOOTED)):
            self.events.wait(inst.name, event, detail)
        self.assertTrue(self.dom(inst).isPersistent())

    def test_pause_unpause(self):
        inst = self.spawn()
        self.step("pause", self.nova.pause, inst)
        self.assertEqual(self.nova.get_info(inst)[0], PAUSED)
        self.step("unpause", self.nova.unpause, inst)
        self.assertEqual(self.nova.get_info(inst)[0], RUNNING)
        # sync_guest_time: without a guest agent Nova's setTime fails;
        # Nova logs the agent's absence at debug level, anything else as a
        # warning: the driver says the former.
        for where, err in self.nova.swallowed:
            self.assertEqual(where, "sync_guest_time",
                             "Nova would warn: %s: %s" % (where, err))

    def test_suspend_resume(self):
        """suspend: managedSave; resume: define the XML read back, launch
        (which restores), wait for RUNNING, sync the time."""
        inst = self.spawn()
        self.step("suspend", self.nova.suspend, inst)
        dom = self.dom(inst)
        self.assertEqual(self.nova.get_info(inst)[0], SHUTDOWN)
        self.assertTrue(dom.hasManagedSaveImage(0))
        self.step("resume", self.nova.resume, inst)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_RESTORED])
        self.assertFalse(dom.hasManagedSaveImage(0))
        self.events.wait(inst.name, E.VIR_DOMAIN_EVENT_STARTED,
                         E.VIR_DOMAIN_EVENT_STARTED_RESTORED)

    def test_power_off_on(self):
        """power_off with the compute manager's clean shutdown (60 s,
        resent every 10 s), then _destroy of the shut-off guest (its
        VIR_ERR_OPERATION_INVALID is what Nova expects); power_on is a
        hard reboot."""
        inst = self.spawn()
        self.step("power_off", self.nova.power_off, inst, 60, 10)
        self.assertEqual(self.nova.get_info(inst)[0], SHUTDOWN)
        self.assertIn(("_destroy", "already gone or off", E.VIR_ERR_OPERATION_INVALID),
                      self.nova.calls)
        self.assertEqual(self.dom(inst).state()[1], E.VIR_DOMAIN_SHUTOFF_SHUTDOWN)
        self.step("power_on", self.nova.power_on, inst)
        self.assertEqual(self.nova.get_info(inst)[0], RUNNING)

    def test_cold_snapshot(self):
        """Nova's xen path takes no live snapshot (getType is not QEMU):
        managed save, copy the root disk, launch again without the pause
        flag; a guest saved paused comes back paused, as QEMU's managed
        save does (Nova leaves its vm_state paused)."""
        for was_paused in (False, True):
            with self.subTest(paused=was_paused):
                inst = self.spawn()
                if was_paused:
                    self.nova.pause(inst)
                out = self.daemon.path("snap-%s" % inst.name)
                disk, before = self.step("snapshot", self.nova.snapshot, inst, out)
                self.assertEqual(before, PAUSED if was_paused else RUNNING)
                self.assertEqual(disk, os.path.join(inst.path, "disk"))
                with open(disk, "rb") as a, open(out, "rb") as b:
                    self.assertEqual(a.read(), b.read())
                dom = self.dom(inst)
                self.assertEqual(self.nova.get_info(inst)[0],
                                 PAUSED if was_paused else RUNNING)
                self.assertEqual(dom.state()[1], E.VIR_DOMAIN_PAUSED_USER
                                 if was_paused else E.VIR_DOMAIN_RUNNING_RESTORED)
                self.assertFalse(dom.hasManagedSaveImage(0))

    def test_rescue_unrescue(self):
        """rescue keeps the live XML, destroys, defines the rescue XML
        (kernel.rescue, disk.rescue first) and launches; unrescue
        destroys and defines the kept live XML again."""
        inst = self.spawn("pv-kernel")
        kept = self.dom(inst).XMLDesc(0)
        unrescue_xml = self.step("rescue", self.nova.rescue, inst)
        self.assertEqual(unrescue_xml, kept)
        live = ET.fromstring(self.dom(inst).XMLDesc(0))
        self.assertEqual(self.nova.get_info(inst)[0], RUNNING)
        self.assertEqual(live.findtext("os/kernel"),
                         os.path.join(inst.path, "kernel.rescue"))
        self.assertEqual([(d.find("target").get("dev"), d.find("source").get("file"))
                          for d in live.findall("devices/disk")],
                         [("xvda", os.path.join(inst.path, "disk.rescue")),
                          ("xvdb", os.path.join(inst.path, "disk"))])
        self.step("unrescue", self.nova.unrescue, inst, unrescue_xml)
        live = ET.fromstring(self.dom(inst).XMLDesc(0))
        self.assertEqual(self.nova.get_info(inst)[0], RUNNING)
        self.assertEqual(live.findtext("os/kernel"), os.path.join(inst.path, "kernel"))
        self.assertEqual([d.find("source").get("file") for d in live.findall("devices/disk")],
                         [os.path.join(inst.path, "disk")])
        inactive = self.dom(inst).XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertNotIn("rescue", inactive)

    def test_volume_attach_detach(self):
        inst = self.spawn()
        dev = self.daemon.path("iscsi-lun-1")
        with open(dev, "wb") as f:
            f.truncate(64 << 20)
        vol = nova22.to_xml(nova22.iscsi_volume(
            "xvdb", dev, "0b5c7e3a-2f1d-4c6b-9e8a-7d6c5b4a3f21"))
        self.step("attach_volume", self.nova.attach_volume, inst, vol)
        dom = self.dom(inst)
        for flags in (0, E.VIR_DOMAIN_XML_INACTIVE):
            self.assertIn("0b5c7e3a-2f1d-4c6b-9e8a-7d6c5b4a3f21", dom.XMLDesc(flags))
        self.assertEqual(len(dom.blockStats("xvdb")), 5)
        retries = self.step("detach_volume", self.nova.detach_volume, inst, "/dev/xvdb")
        self.assertIsNotNone(retries, "Nova found no xvdb: %s" % self.nova.calls)
        for flags in (0, E.VIR_DOMAIN_XML_INACTIVE):
            self.assertNotIn(dev, dom.XMLDesc(flags))

    def test_interface_attach_detach(self):
        inst = self.spawn()
        vif = nova22.Vif("fa:16:3e:aa:bb:02", "tapaabb02-02", inst.bridge)
        self.step("attach_interface", self.nova.attach_interface, inst, vif)
        dom = self.dom(inst)
        for flags in (0, E.VIR_DOMAIN_XML_INACTIVE):
            self.assertIn("fa:16:3e:aa:bb:02", dom.XMLDesc(flags))
        self.assertEqual(len(dom.interfaceStats("tapaabb02-02")), 8)
        retries = self.step("detach_interface", self.nova.detach_interface, inst, vif)
        self.assertNotIn(("detach_interface", "not found on the guest"), self.nova.calls)
        self.assertIsNotNone(retries)
        for flags in (0, E.VIR_DOMAIN_XML_INACTIVE):
            self.assertNotIn("fa:16:3e:aa:bb:02", dom.XMLDesc(flags))
        # the first vif stays
        self.assertIn(inst.vifs[0].mac, dom.XMLDesc(0))

    def test_get_diagnostics(self):
        """Both diagnostics versions read every disk's and vif's counters
        and the memory statistics; Nova ignores errors there, so the
        test asserts none happened."""
        inst = self.spawn()
        diags = self.step("get_diagnostics", self.nova.get_diagnostics, inst)
        tap = inst.vifs[0].devname
        for key in ("cpu0_time", "xvda_read_req", "xvda_errors", tap + "_rx",
                    tap + "_tx_drop", "memory", "memory-actual"):
            self.assertIn(key, diags)
        self.assertEqual(diags["memory"], 512 * 1024)
        self.assertEqual(self.nova.swallowed, [])
        v2 = self.step("get_instance_diagnostics",
                       self.nova.get_instance_diagnostics, inst)
        self.assertEqual(v2["state"], RUNNING)
        self.assertEqual(v2["memory_details"]["maximum"], 512)
        self.assertEqual(len(v2["cpu_details"]), 1)
        self.assertEqual(len(v2["disk_details"]), 1)
        self.assertEqual([n["mac_address"] for n in v2["nic_details"]],
                         [inst.vifs[0].mac])
        self.assertIn("rx_octets", v2["nic_details"][0])
        self.assertEqual(self.nova.swallowed, [])

    def test_host_stats(self):
        """The resource tracker: capabilities (with baselineCPU's expanded
        features), online CPUs from getCPUMap, total memory from getInfo,
        used memory summed over the running domains with Domain-0 at id 0
        (its own available memory taken off), the guests' vCPUs,
        hypervisor type, version and host name, PCI devices."""
        a = self.spawn()
        b = self.spawn("hvm")
        # Domain-0's available memory is /proc/meminfo's on a Xen host;
        # here a figure the test chooses.
        dom0_avail = 4096
        nova = nova22.Driver(self.conn, avail_memory_kb=lambda: dom0_avail)
        data = self.step("get_available_resource", nova.get_available_resource)
        model, mem_mib, cpus = self.conn.getInfo()[:3]
        self.assertIn(("x86_64", "xen", "xen"), data["supported_instances"])
        self.assertIn(("x86_64", "xen", "hvm"), data["supported_instances"])
        self.assertEqual(data["vcpus"], cpus)
        self.assertEqual(data["memory_mb"], mem_mib)
        dom0 = self.conn.lookupByID(0)
        self.assertEqual(data["memory_mb_used"],
                         (dom0.info()[2] - dom0_avail + 2 * 512 * 1024) // 1024)
        self.assertEqual(data["vcpus_used"], 2)
        self.assertEqual(data["hypervisor_type"], "Xen")
        self.assertGreater(data["hypervisor_version"], 4000000)
        self.assertTrue(data["hypervisor_hostname"])
        self.assertEqual(data["cpu_info"]["arch"], "x86_64")
        self.assertTrue(data["cpu_info"]["model"])
        self.assertEqual(nova.swallowed, [])
        # free memory as the tracker derives it, and as the host says it
        free_mib = data["memory_mb"] - data["memory_mb_used"]
        self.assertGreater(free_mib, 0)
        self.assertLessEqual(self.conn.getFreeMemory() // (1024 * 1024), mem_mib)
        # Nova's optional CPU monitor (compute_monitors=cpu.virt_driver)
        # reads kernel, user, idle and iowait. Xen does not split its
        # busy time into kernel and user, and counts I/O waits as idle:
        # busy is user, kernel and iowait are 0 (docs/driver.md).
        stats = nova.get_cpu_stats()
        self.assertEqual(set(stats),
                         {"kernel", "user", "idle", "iowait", "frequency"})
        monitor = nova.cpu_monitor()
        self.step("cpu monitor: first reading", monitor.update)
        data = self.step("cpu monitor: second reading", monitor.update)
        self.assertEqual(data["cpu.kernel.percent"], 0)
        self.assertEqual(data["cpu.iowait.percent"], 0)
        self.assertGreaterEqual(data["cpu.user.percent"], 0)
        self.assertLessEqual(data["cpu.user.percent"] +
                             data["cpu.idle.percent"], 100)
        self.assertEqual(data["cpu.percent"], data["cpu.user.percent"])
        self.assertGreater(data["cpu.idle.time"], 0)
        del a, b

    def test_destroy_and_undefine(self):
        inst = self.spawn()
        self.step("destroy", self.nova.destroy, inst)
        self.assertNotIn(inst.uuid, [d.UUIDString() for d in self.conn.listAllDomains(0)])
        # a second delete (the instance is gone already) is no error
        self.step("destroy again", self.nova.destroy, inst)

    def test_delete_of_suspended_instance(self):
        """delete_configuration's undefineFlags(MANAGED_SAVE) takes the
        managed save image with the definition."""
        inst = self.spawn()
        self.nova.suspend(inst)
        self.step("destroy", self.nova.destroy, inst)
        self.assertNotIn(inst.uuid, [d.UUIDString() for d in self.conn.listAllDomains(0)])
        self.assertFalse(os.path.exists(self.daemon.path(
            "lib", "libxl", "save", inst.name + ".save")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
