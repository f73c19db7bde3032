# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash points: a test build kills libvirtd at each numbered step of each
operation (start, destroy, guest shutdown handling, define, undefine,
attach, detach, setmem, setvcpus, setvcpu, save, managed save, restore,
rename); the daemon is started again and the driver's records must agree
with the hypervisor (crashtest.py lists the invariants), with the operation either
done or undone, never half. Migration's points: test_crashpoints_migrate.py."""

import glob
import json
import os
import threading
import time
import unittest
import xml.etree.ElementTree as ET

import libvirt

from crashtest import (check_invariants, crash_and_restart, kill_now,
                       sim_domains, test_hooks_built, wipe_run_dir)
from vxltest import bound, guests, Daemon, guest_xml, SIM_NS, start_event_loop, wait_for

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG


def disk_xml(target, path):
    return (f"<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
            f"<source file='{path}'/><target dev='{target}' bus='xen'/></disk>")


def hostdev_xml(managed):
    return ("<hostdev mode='subsystem' type='pci' managed='%s'><source>"
            "<address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>"
            "</source></hostdev>" % ("yes" if managed else "no"))


def vf_xml(mac):
    """The simulated host's SR-IOV VF 0000:03:10.2 as a guest NIC."""
    return (f"<interface type='hostdev' managed='yes'><mac address='{mac}'/>"
            "<source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' "
            "function='0x2'/></source><vlan><tag id='42'/></vlan></interface>")


def nic_xml(mac):
    return (f"<interface type='bridge'><mac address='{mac}'/>"
            f"<source bridge='xenbr0'/></interface>")


@unittest.skipUnless(test_hooks_built(), "needs a build with -Dtest_hooks=true")
class CrashPointTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        start_event_loop()
        # Saves and restores take time (64 MiB of guest: half a second),
        # so that a kill can also land in the middle of one.
        cls.daemon = Daemon(conf=["sim_save_rate_mib = 128"])
        cls.daemon.start()
        cls.conn = None
        cls.count = 0

    @classmethod
    def tearDownClass(cls):
        cls.daemon.cleanup()

    def setUp(self):
        self.c = libvirt.open(self.daemon.uri)
        type(self).count += 1
        self.n = type(self).count

    def tearDown(self):
        try:
            for d in guests(self.c):
                if d.isActive():
                    d.destroy()
                if d.isPersistent():
                    d.undefineFlags(E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
            self.c.close()
        except libvirt.libvirtError:
            pass

    # --- the machinery ---

    def crash(self, point, action, nth=1, between=None):
        """Arm @point, run @action (which the kill interrupts, or which
        returns and lets the point be reached later, in a worker), wait
        for the daemon to die, call @between, start it again, and
        reconnect."""
        self.c, _ = crash_and_restart(self.daemon, self.c, point, action, nth,
                                      between=between)
        self.assertIn(f"crash point {point}: killing the daemon",
                      self.daemon.log())
        return self.c

    def name(self, what):
        type(self).count += 1
        return f"cp{self.n}-{type(self).count}-{what}"

    def check(self, persistent=()):
        check_invariants(self, self.c, self.daemon, persistent)

    # --- start ---

    def _start(self, point, paused=False):
        name = self.name("start")
        dom = self.c.defineXML(guest_xml(name))
        flags = E.VIR_DOMAIN_START_PAUSED if paused else 0
        c = self.crash(point, lambda: dom.createWithFlags(flags))
        dom = c.lookupByName(name)
        state = dom.state()[0]
        # Done or undone, never half: running (paused if so asked), or
        # shut off.
        self.assertIn(state, (E.VIR_DOMAIN_SHUTOFF,
                              E.VIR_DOMAIN_PAUSED if paused else E.VIR_DOMAIN_RUNNING))
        self.check([name])
        return dom

    def test_start_after_intent(self):
        self._start("start.after-intent")

    def test_start_after_create(self):
        # Xen built it, nothing recorded it: adopted and started.
        dom = self._start("start.after-create")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_start_after_status(self):
        dom = self._start("start.after-status")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_start_paused_after_status(self):
        dom = self._start("start.after-status", paused=True)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)

    def test_start_after_unpause(self):
        dom = self._start("start.after-unpause")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_start_after_final_status(self):
        dom = self._start("start.after-final-status")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_transient_start_after_create(self):
        """A transient domain has nothing but the intent to be found by."""
        name = self.name("trans")
        xml = guest_xml(name)
        c = self.crash("start.after-create", lambda: self.c.createXML(xml, 0))
        dom = c.lookupByName(name)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertFalse(dom.isPersistent())
        self.check()

    def test_start_after_create_pci_name(self):
        """A device named by its pci-assignable name (the profile's
        'i350-lab'): the adopted domain's live XML says what the name
        resolved to, read back from the domain, as a start that got to
        its status file says it."""
        name = self.name("pciname")
        xml = guest_xml(name).replace(
            "<domain type='xen'>", f"<domain type='xen' xmlns:virtxl='{SIM_NS}'>", 1)
        xml = xml.replace("</domain>", "<virtxl:pci name='i350-lab'/></domain>")
        dom = self.c.defineXML(xml)
        c = self.crash("start.after-create", dom.create)
        dom = c.lookupByName(name)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        root = ET.fromstring(dom.XMLDesc(0))
        self.assertEqual([(e.get("name"), e.get("address"))
                          for e in root.findall(f"./{{{SIM_NS}}}pci")],
                         [("i350-lab", "0000:5e:00.0")])
        self.check([name])
        dom.destroy()

    # --- destroy ---

    def _destroy(self, point):
        name = self.name("destroy")
        dom = self.c.defineXML(guest_xml(name))
        dom.create()
        c = self.crash(point, dom.destroy)
        self.check([name])
        return c.lookupByName(name)

    def test_destroy_before_backend(self):
        self._destroy("destroy.before-backend")

    def test_destroy_after_backend(self):
        dom = self._destroy("destroy.after-backend")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)

    def test_destroy_after_cleanup(self):
        dom = self._destroy("destroy.after-cleanup")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)

    # --- the guest stops: on_reboot / on_poweroff ---

    def _reboot(self, point, persistent=True):
        name = self.name("reboot")
        xml = guest_xml(name, on_reboot="restart")
        if persistent:
            dom = self.c.defineXML(xml)
            dom.create()
        else:
            dom = self.c.createXML(xml, 0)
        c = self.crash(point, dom.reboot)
        # The reboot is carried out, whenever the daemon died.
        dom = wait_for(lambda: c.lookupByName(name), what=name)
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_RUNNING,
                 what=f"{name} to run again")
        self.check([name] if persistent else [])

    def test_reboot_after_intent(self):
        self._reboot("shutdown.after-intent")

    def test_reboot_after_stop(self):
        self._reboot("shutdown.after-stop")

    def test_transient_reboot_after_stop(self):
        self._reboot("shutdown.after-stop", persistent=False)

    def test_reboot_after_action(self):
        self._reboot("shutdown.after-action")

    def test_poweroff_after_stop(self):
        name = self.name("poweroff")
        dom = self.c.defineXML(guest_xml(name, on_poweroff="destroy"))
        dom.create()
        c = self.crash("destroy.after-backend", dom.shutdown)
        dom = c.lookupByName(name)
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_SHUTOFF,
                 what=f"{name} to be shut off")
        self.check([name])

    # --- define / undefine ---

    def test_define_before_save(self):
        keep = self.name("keep")
        self.c.defineXML(guest_xml(keep))
        name = self.name("define")
        xml = guest_xml(name)
        c = self.crash("define.before-save", lambda: self.c.defineXML(xml))
        self.assertNotIn(name, [d.name() for d in guests(c)])
        self.check([keep])

    def test_define_after_save(self):
        name = self.name("define")
        xml = guest_xml(name, memory_mib=384)
        c = self.crash("define.after-save", lambda: self.c.defineXML(xml))
        dom = c.lookupByName(name)
        root = ET.fromstring(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual(int(root.find("./memory").text), 384 * 1024)
        self.check([name])

    def test_redefine_after_save(self):
        name = self.name("redefine")
        xml = guest_xml(name, memory_mib=256)
        self.c.defineXML(xml)
        new = xml.replace("<memory unit='MiB'>256", "<memory unit='MiB'>512")
        c = self.crash("define.before-save", lambda: self.c.defineXML(new))
        root = ET.fromstring(c.lookupByName(name).XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual(int(root.find("./memory").text), 256 * 1024)
        self.check([name])

    def test_undefine(self):
        for point in ("undefine.before-delete", "undefine.after-delete"):
            name = self.name(point.split(".")[1])
            dom = self.c.defineXML(guest_xml(name))
            c = self.crash(point, dom.undefine)
            names = [d.name() for d in guests(c)]
            if point.endswith("after-delete"):
                self.assertNotIn(name, names)
            self.check()

    def test_undefine_running(self):
        name = self.name("undef-run")
        dom = self.c.defineXML(guest_xml(name))
        dom.create()
        c = self.crash("undefine.after-delete", dom.undefine)
        dom = c.lookupByName(name)
        self.assertTrue(dom.isActive())
        self.assertFalse(dom.isPersistent())
        self.check()

    def test_rename(self):
        """A kill at each step of a rename leaves the domain under one
        name (the old one before the new config is written, the new one
        after), one config with its UUID, its autostart link beside the
        config it names, and the domain starts. Also when the host
        reboots before the daemon starts again (the state directory, a
        tmpfs, is emptied): the record of the rename is kept beside the
        configs, hidden from the loaders."""
        conf = self.daemon.path("etc", "libxl")
        for point, renamed in (("rename.after-intent", False),
                               ("rename.after-new", True),
                               ("rename.after-remove", True)):
            for autostart, reboot in ((False, False), (True, False),
                                      (False, True), (True, True)):
                what = f"{point} autostart={autostart} reboot={reboot}"
                old = self.name("ren")
                new = old + "-new"
                dom = self.c.defineXML(guest_xml(old))
                uuid = dom.UUIDString()
                dom.setAutostart(autostart)
                c = self.crash(point, lambda: dom.rename(new, 0),
                               between=(lambda: wipe_run_dir(self.daemon))
                               if reboot else None)
                have = [d.name() for d in guests(c) if d.UUIDString() == uuid]
                self.assertEqual(have, [new if renamed else old], what)
                files = sorted(f for f in os.listdir(conf)
                               if f in (old + ".xml", new + ".xml"))
                self.assertEqual(files, [have[0] + ".xml"], what)
                links = sorted(os.listdir(os.path.join(conf, "autostart"))) \
                    if os.path.isdir(os.path.join(conf, "autostart")) else []
                self.assertEqual([f for f in links if f.startswith(old)],
                                 [have[0] + ".xml"] if autostart else [], what)
                got = c.lookupByName(have[0])
                self.assertEqual(bool(got.autostart()), autostart, what)
                self.check([have[0]])
                # Nothing of the rename's record is left.
                self.assertEqual([f for f in os.listdir(conf)
                                  if f.startswith(".vxl-intent-")], [], what)
                got.undefine()

    # --- hotplug ---

    def _running(self, what, **kw):
        name = self.name(what)
        dom = self.c.defineXML(guest_xml(name, **kw))
        dom.create()
        return name, dom

    def _attach(self, point, dev, flags):
        name, dom = self._running("attach")
        c = self.crash(point, lambda: dom.attachDeviceFlags(dev, flags))
        self.check([name])
        return c.lookupByName(name)

    def test_attach_disk(self):
        for point in ("attach.after-intent", "attach.after-live",
                      "attach.after-status", "attach.after-config"):
            with self.subTest(point=point):
                dom = self._attach(point, disk_xml("xvdb", "/var/lib/xen/images/x.img"),
                                   LIVE | CONFIG)
                # Not acknowledged, so undone everywhere.
                self.assertNotIn("xvdb", dom.XMLDesc(0))
                self.assertNotIn("xvdb", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
                # And the device can be attached now.
                dom.attachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/x.img"),
                                      LIVE)
                self.check()

    def test_attach_nic(self):
        mac = "00:16:3e:11:22:33"
        for point in ("attach.after-live", "attach.after-status"):
            with self.subTest(point=point):
                dom = self._attach(point, nic_xml(mac), LIVE)
                self.assertNotIn(mac, dom.XMLDesc(0))
                dom.attachDeviceFlags(nic_xml(mac), LIVE)
                self.check()

    def _detach(self, point, dev, flags):
        name, dom = self._running("detach")
        dom.attachDeviceFlags(dev, flags)
        c = self.crash(point, lambda: dom.detachDeviceFlags(dev, flags))
        self.check([name])
        return c.lookupByName(name)

    def test_detach_disk(self):
        dev = disk_xml("xvdb", "/var/lib/xen/images/y.img")
        for point in ("detach.after-intent", "detach.after-live",
                      "detach.after-status", "detach.after-config"):
            with self.subTest(point=point):
                dom = self._detach(point, dev, LIVE | CONFIG)
                # Finished: gone from the running domain.
                self.assertNotIn("xvdb", dom.XMLDesc(0))
                self.check()

    def test_detach_nic(self):
        mac = "00:16:3e:44:55:66"
        for point in ("detach.after-intent", "detach.after-live"):
            with self.subTest(point=point):
                dom = self._detach(point, nic_xml(mac), LIVE)
                self.assertNotIn(mac, dom.XMLDesc(0))
                self.check()

    # --- PCI host devices (the simulated host's 0000:03:00.0) ---

    PCI_NAME = "pci_0000_03_00_0"

    def pci_driver(self):
        xml = self.c.nodeDeviceLookupByName(self.PCI_NAME).XMLDesc(0)
        return ET.fromstring(xml).findtext("./driver/name")

    def test_attach_hostdev_managed(self):
        host = self.pci_driver()
        self.assertNotEqual(host, "pciback")
        for point in ("attach.after-intent", "attach.after-live",
                      "attach.after-status", "attach.after-config"):
            with self.subTest(point=point):
                dom = self._attach(point, hostdev_xml(True), LIVE | CONFIG)
                # Not acknowledged, so undone everywhere, and the host
                # has its device back.
                self.assertNotIn("<hostdev", dom.XMLDesc(0))
                self.assertNotIn("<hostdev", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
                self.assertEqual(self.pci_driver(), host)
                # And it can be attached now, and given back.
                dom.attachDeviceFlags(hostdev_xml(True), LIVE)
                self.assertEqual(self.pci_driver(), "pciback")
                self.check()
                dom.detachDeviceFlags(hostdev_xml(True), LIVE)
                self.assertEqual(self.pci_driver(), host)

    def test_attach_hostdev_unmanaged(self):
        # Prepared by its user (Nova): it stays prepared.
        self.c.nodeDeviceLookupByName(self.PCI_NAME).dettach()
        try:
            for point in ("attach.after-live", "attach.after-status"):
                with self.subTest(point=point):
                    dom = self._attach(point, hostdev_xml(False), LIVE)
                    self.assertNotIn("<hostdev", dom.XMLDesc(0))
                    self.assertEqual(self.pci_driver(), "pciback")
                    dom.attachDeviceFlags(hostdev_xml(False), LIVE)
                    self.check()
                    dom.detachDeviceFlags(hostdev_xml(False), LIVE)
                    self.assertEqual(self.pci_driver(), "pciback")
        finally:
            for d in guests(self.c):
                if d.isActive():
                    d.destroy()
            self.c.nodeDeviceLookupByName(self.PCI_NAME).reAttach()

    def test_detach_hostdev_managed(self):
        host = self.pci_driver()
        for point in ("detach.after-intent", "detach.after-live",
                      "detach.after-status", "detach.after-config"):
            with self.subTest(point=point):
                dom = self._detach(point, hostdev_xml(True), LIVE | CONFIG)
                # Finished: gone from the running domain and back with
                # the host's driver.
                self.assertNotIn("<hostdev", dom.XMLDesc(0))
                self.assertEqual(self.pci_driver(), host)
                self.check()
                # (a kill before the config was written leaves it there,
                # for the next start; out of the way of the next round)
                if "<hostdev" in dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE):
                    dom.detachDeviceFlags(hostdev_xml(True), CONFIG)

    # --- SR-IOV VFs (<interface type='hostdev'>, 0000:03:10.2) ---

    def vf_state(self):
        """The VF's MAC and VLAN, and whether a guest's are set on it."""
        with open(self.daemon.path("run", "libxl", "sim", "host.json")) as f:
            host = json.load(f)
        for p in host["pci"]:
            if p["address"] == "0000:03:10.2":
                return p.get("mac"), p.get("vlan"), "keptMac" in p
        raise AssertionError("no VF 0000:03:10.2 in host.json")

    def test_attach_vf(self):
        own = ("02:00:00:03:10:02", 7, False)
        mac = "52:54:00:10:02:01"
        for point in ("attach.after-intent", "attach.after-live",
                      "attach.after-status", "attach.after-config"):
            with self.subTest(point=point):
                dom = self._attach(point, vf_xml(mac), LIVE | CONFIG)
                # Undone everywhere: the VF is out of the guest, back
                # with its host driver, with its own MAC and VLAN.
                self.assertNotIn(mac, dom.XMLDesc(0))
                self.assertNotIn(mac, dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
                self.assertEqual(self.vf_state(), own)
                dom.attachDeviceFlags(vf_xml(mac), LIVE)
                self.assertEqual(self.vf_state(), (mac, 42, True))
                self.check()
                dom.detachDeviceFlags(vf_xml(mac), LIVE)
                self.assertEqual(self.vf_state(), own)

    def test_detach_vf(self):
        own = ("02:00:00:03:10:02", 7, False)
        mac = "52:54:00:10:02:02"
        for point in ("detach.after-intent", "detach.after-live",
                      "detach.after-status", "detach.after-config"):
            with self.subTest(point=point):
                dom = self._detach(point, vf_xml(mac), LIVE | CONFIG)
                # Finished: out of the running guest, its own MAC back.
                self.assertNotIn(mac, dom.XMLDesc(0))
                self.assertEqual(self.vf_state(), own)
                self.check()
                if mac in dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE):
                    dom.detachDeviceFlags(vf_xml(mac), CONFIG)

    # --- memory and vCPUs ---

    def test_setmem(self):
        for point in ("resource.after-intent", "setmem.after-backend",
                      "setmem.after-save"):
            with self.subTest(point=point):
                name, dom = self._running("setmem", memory_mib=512)
                c = self.crash(point, lambda: dom.setMemoryFlags(256 * 1024,
                                                                 LIVE | CONFIG))
                dom = c.lookupByName(name)
                # Applied again, to both.
                self.assertEqual(dom.info()[2], 256 * 1024)
                root = ET.fromstring(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
                self.assertEqual(int(root.find("./currentMemory").text), 256 * 1024)
                self.check([name])

    def test_setmaxmem(self):
        name, dom = self._running("setmaxmem", memory_mib=512, current_mib=256)
        c = self.crash("setmem.after-backend",
                       lambda: dom.setMemoryFlags(384 * 1024,
                                                  LIVE | E.VIR_DOMAIN_MEM_MAXIMUM))
        self.assertEqual(c.lookupByName(name).maxMemory(), 384 * 1024)
        self.check([name])

    def test_setvcpus(self):
        for point in ("resource.after-intent", "setvcpus.after-backend",
                      "setvcpus.after-save"):
            with self.subTest(point=point):
                name, dom = self._running("setvcpus", vcpus=1, max_vcpus=4)
                c = self.crash(point, lambda: dom.setVcpusFlags(3, LIVE | CONFIG))
                dom = c.lookupByName(name)
                self.assertEqual(dom.vcpusFlags(LIVE), 3)
                self.assertEqual(dom.vcpusFlags(CONFIG), 3)
                self.check([name])

    def test_setvcpu(self):
        # virsh setvcpu, live and config: Xen's online set, the live
        # definition's per-vCPU list and the persistent one agree after
        # a kill anywhere (the intent makes the change again).
        for point in ("setvcpu.after-intent", "setvcpu.after-backend",
                      "setvcpu.after-status", "setvcpu.after-config"):
            for cpus, state, online in (("2", 0, [0, 1, 3]), ("3", 1, [0, 1, 3])):
                with self.subTest(point=point, state=state):
                    current = 4 if state == 0 else 2
                    name, dom = self._running("setvcpu", vcpus=current, max_vcpus=4)
                    c = self.crash(point, lambda: dom.setVcpu(cpus, state, LIVE | CONFIG))
                    dom = c.lookupByName(name)
                    live = ET.fromstring(dom.XMLDesc(0))
                    config = ET.fromstring(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
                    for root in (live, config):
                        self.assertEqual(
                            sorted(int(v.get("id")) for v in root.findall("./vcpus/vcpu")
                                   if v.get("enabled") == "yes"), online)
                    self.assertEqual(dom.vcpusFlags(LIVE), 3)
                    self.assertEqual(dom.vcpusFlags(CONFIG), 3)
                    self.assertNotIn("setvcpu", " ".join(os.listdir(
                        self.daemon.path("run", "libxl", "intent"))))
                    # (check: the hypervisor's online set is the live one)
                    self.check([name])

    # --- save, managed save, restore ---

    def save_dir(self):
        return self.daemon.path("lib", "libxl", "save")

    def partials(self):
        """Temporary images of saves that never completed."""
        return (glob.glob(os.path.join(self.save_dir(), ".*.vxl-partial")) +
                glob.glob(self.daemon.path(".*.vxl-partial")))

    def managed(self, name):
        return os.path.join(self.save_dir(), name + ".save")

    def _managedsave(self, point, nth=1):
        name, dom = self._running("msave", memory_mib=64)
        c = self.crash(point, lambda: dom.managedSave(0), nth)
        dom = c.lookupByName(name)
        self.assertEqual(self.partials(), [], "partial image left")
        state, reason = dom.state()
        if state == E.VIR_DOMAIN_SHUTOFF:
            # Saved: the image is whole, and start restores from it.
            self.assertEqual(reason, E.VIR_DOMAIN_SHUTOFF_SAVED)
            self.assertTrue(dom.hasManagedSaveImage(0))
            self.assertIn(name, dom.managedSaveGetXMLDesc(0))
            dom.create()
            self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
            self.assertFalse(os.path.exists(self.managed(name)))
        else:
            # Called off: the guest runs on, no image.
            self.assertEqual(state, E.VIR_DOMAIN_RUNNING)
            self.assertFalse(dom.hasManagedSaveImage(0))
            self.assertFalse(os.path.exists(self.managed(name)))
        self.check([name])
        return state

    def test_managedsave_after_intent(self):
        self.assertEqual(self._managedsave("save.after-intent"),
                         E.VIR_DOMAIN_RUNNING)

    def test_managedsave_after_backend(self):
        # Suspended in Xen, image not in place: the guest carries on.
        self.assertEqual(self._managedsave("save.after-backend"),
                         E.VIR_DOMAIN_RUNNING)

    def test_managedsave_after_image(self):
        # The image is in place: the save is completed.
        self.assertEqual(self._managedsave("save.after-image"),
                         E.VIR_DOMAIN_SHUTOFF)

    def test_managedsave_in_destroy(self):
        for point in ("destroy.before-backend", "destroy.after-backend",
                      "save.after-destroy"):
            with self.subTest(point=point):
                self.assertEqual(self._managedsave(point), E.VIR_DOMAIN_SHUTOFF)

    def test_managedsave_mid_stream(self):
        """A kill while the guest's memory is being written."""
        name, dom = self._running("msave-mid", memory_mib=512)
        t = threading.Thread(target=lambda: self._quiet(dom.managedSave, 0),
                             daemon=True)
        t.start()
        wait_for(lambda: os.path.exists(os.path.join(
            self.save_dir(), f".{name}.save.vxl-partial")), what="the save to begin")
        time.sleep(0.5)
        kill_now(self.daemon)
        t.join(bound(10))
        self.restart()
        dom = self.c.lookupByName(name)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertFalse(dom.hasManagedSaveImage(0))
        self.assertEqual(self.partials(), [])
        self.check([name])

    def test_save_paused_guest(self):
        """A guest paused before its save stays paused when it is called off."""
        name, dom = self._running("save-paused", memory_mib=64)
        dom.suspend()
        c = self.crash("save.after-backend", lambda: dom.managedSave(0))
        dom = c.lookupByName(name)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        self.check([name])

    def test_save_to_file(self):
        for point, saved in (("save.after-backend", False),
                             ("save.after-image", True)):
            with self.subTest(point=point):
                name = self.name("save-file")
                dom = self.c.createXML(guest_xml(name, memory_mib=64), 0)
                path = self.daemon.path(name + ".img")
                c = self.crash(point, lambda: dom.save(path))
                self.assertEqual(self.partials(), [])
                self.assertEqual(os.path.exists(path), saved)
                if saved:
                    # Transient and saved: gone, its image restores it.
                    self.assertNotIn(name, [d.name() for d in guests(c)])
                    c.restore(path)
                    self.assertEqual(c.lookupByName(name).state()[0],
                                     E.VIR_DOMAIN_RUNNING)
                else:
                    self.assertEqual(c.lookupByName(name).state()[0],
                                     E.VIR_DOMAIN_RUNNING)
                self.check()

    def _restore(self, point, running):
        name, dom = self._running("restore", memory_mib=64)
        dom.managedSave(0)
        image = self.managed(name)
        with open(image, "rb") as f:
            before = f.read()
        c = self.crash(point, dom.create)
        dom = c.lookupByName(name)
        if running:
            # Runs from the image, which is spent.
            self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
            self.assertFalse(os.path.exists(image))
            self.assertFalse(dom.hasManagedSaveImage(0))
        else:
            # Not restored: the image is there as it was.
            self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
            with open(image, "rb") as f:
                self.assertEqual(f.read(), before)
            self.assertTrue(dom.hasManagedSaveImage(0))
        self.check([name])

    def test_restore_after_intent(self):
        self._restore("start.after-intent", False)

    def test_restore_after_create(self):
        # Xen holds a domain no status file records: it may be
        # half-restored, so it goes; the image stays.
        self._restore("start.after-create", False)

    def test_restore_after_status(self):
        self._restore("start.after-status", True)

    def test_restore_after_start(self):
        self._restore("restore.after-start", True)

    def test_restore_after_remove(self):
        self._restore("restore.after-remove", True)

    def test_restore_mid_stream(self):
        name, dom = self._running("restore-mid", memory_mib=512)
        dom.managedSave(0)
        t = threading.Thread(target=lambda: self._quiet(dom.create), daemon=True)
        t.start()
        wait_for(lambda: any(s["name"] == name
                             for s in sim_domains(self.daemon).values()),
                 what="the restore to build the domain")
        time.sleep(0.5)
        kill_now(self.daemon)
        t.join(bound(10))
        self.restart()
        dom = self.c.lookupByName(name)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        self.assertTrue(dom.hasManagedSaveImage(0))
        self.check([name])

    def test_restore_file_after_create(self):
        name = self.name("restore-file")
        dom = self.c.createXML(guest_xml(name, memory_mib=64), 0)
        path = self.daemon.path(name + ".img")
        dom.save(path)
        c = self.crash("start.after-create", lambda: self.c.restore(path))
        self.assertNotIn(name, [d.name() for d in guests(c) if d.isActive()])
        self.check()
        c.restore(path)
        self.assertEqual(c.lookupByName(name).state()[0], E.VIR_DOMAIN_RUNNING)
        self.check()

    def _quiet(self, fn, *args):
        try:
            fn(*args)
        except libvirt.libvirtError:
            pass

    def restart(self):
        try:
            self.c.close()
        except libvirt.libvirtError:
            pass
        self.daemon.start()
        self.c = libvirt.open(self.daemon.uri)

    def test_host_memory_accounted(self):
        """After all of the above, nothing holds memory it should not."""
        free = self.c.getFreeMemory()
        name, dom = self._running("mem")
        self.crash("start.after-create", lambda: self.c.lookupByName(name).destroy()
                   or self.c.lookupByName(name).create())
        self.c.lookupByName(name).destroy()
        self.assertEqual(self.c.getFreeMemory(), free)
        self.assertEqual(sim_domains(self.daemon), {})


if __name__ == "__main__":
    unittest.main()
