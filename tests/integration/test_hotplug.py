# SPDX-License-Identifier: LGPL-2.1-or-later
"""Device hotplug through stock libvirtd and python3-libvirt (virsh
attach-device, attach-disk, attach-interface, detach-*, change-media):
disks and interfaces reach the running domain (the simulated Xen's own
device lists), the persistent definition, or both, as the flags say; a
refused or failed change leaves everything as it was; a removed device
is announced."""

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

import libvirt

from vxltest import SIM_NS, DaemonTestCase, bound, guest_xml, start_event_loop

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
INACTIVE = E.VIR_DOMAIN_XML_INACTIVE


def disk_xml(target, path=None, bus="xen", device="disk"):
    source = f"<source file='{path}'/>" if path else ""
    return (f"<disk type='file' device='{device}'><driver name='qemu' type='raw'/>"
            f"{source}<target dev='{target}' bus='{bus}'/></disk>")


def vdev_disk_xml(target, path, inner, driver="phy"):
    """A <disk> bringing namespace element(s) @inner, as virsh
    attach-device gets it from a file. On phy (blkback) by default: qemu's
    qdisk cannot serve a vdev that is a number (on_phy)."""
    return (f"<disk type='file' device='disk' xmlns:virtxl='{SIM_NS}'>"
            f"<driver name='{driver}' type='raw'/><source file='{path}'/>"
            f"<target dev='{target}' bus='xen'/>{inner}</disk>")


def on_phy(xml):
    """@xml with its disks on phy: qemu's qdisk backend names its block
    node after the vdev and refuses one that is a number (Invalid
    node-name, seen on real Xen), so such disks are refused on qdisk."""
    return xml.replace("<driver name='qemu' type='raw'/>", "<driver name='phy' type='raw'/>")


def with_ns(xml, elements):
    """@xml (a domain) with namespace @elements at its end."""
    xml = xml.replace("<domain type='xen'>",
                      f"<domain type='xen' xmlns:virtxl='{SIM_NS}'>", 1)
    return xml.replace("</domain>", elements + "</domain>")


def ns_disks(dom, flags=0):
    """The (target, vdev) of each <virtxl:disk> of @dom's XML."""
    root = ET.fromstring(dom.XMLDesc(flags))
    return [(d.get("target"), d.get("vdev"))
            for d in root.findall(f"{{{SIM_NS}}}disk")]


XL_DRYRUN = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "..", "native", "xl-dryrun")


def xl_disk_vdevs(disk_specs):
    """The (vdev, pdev_path) of each disk xl itself builds from an xl.cfg
    with @disk_specs (Xen's `xl -N create`, tests/native/xl-dryrun);
    None where xl is not installed."""
    spec = ", ".join(f'"{d}"' for d in disk_specs)
    cfg = (f'name = "xl-vdev"\ntype = "pv"\nmemory = 256\n'
           f'kernel = "/boot/vmlinuz"\ndisk = [ {spec} ]\n')
    with tempfile.NamedTemporaryFile("w", suffix=".cfg") as f:
        f.write(cfg)
        f.flush()
        out = subprocess.run([XL_DRYRUN, f.name], capture_output=True,
                             text=True, timeout=bound(60))
    if out.returncode == 77:
        return None
    if out.returncode != 0:
        raise AssertionError(f"xl -N create failed: {out.stderr}")
    config = json.loads(out.stdout[out.stdout.index("{"):])
    return [(d["vdev"], d.get("pdev_path")) for d in config["disks"]]


def nic_xml(mac, model=None):
    model = f"<model type='{model}'/>" if model else ""
    return (f"<interface type='bridge'><mac address='{mac}'/>"
            f"<source bridge='xenbr0'/>{model}</interface>")


def targets(dom, flags=0):
    root = ET.fromstring(dom.XMLDesc(flags))
    return [t.get("dev") for t in root.findall("./devices/disk/target")]


def macs(dom, flags=0):
    root = ET.fromstring(dom.XMLDesc(flags))
    return [m.get("address") for m in root.findall("./devices/interface/mac")]


def cdrom_source(dom, target, flags=0):
    root = ET.fromstring(dom.XMLDesc(flags))
    for disk in root.findall("./devices/disk"):
        if disk.find("target").get("dev") == target:
            src = disk.find("source")
            return None if src is None else src.get("file")
    raise AssertionError(f"no disk {target}")


class RemovedEvents:
    """VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED of one connection."""

    def __init__(self, conn):
        start_event_loop()
        self.conn = conn
        self.seen = []
        self.cond = threading.Condition()
        self.cid = conn.domainEventRegisterAny(
            None, E.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, self._removed, None)

    def _removed(self, conn, dom, alias, opaque):
        with self.cond:
            self.seen.append((dom.name(), alias))
            self.cond.notify_all()

    def wait(self, name, alias, timeout=10.0):
        end = time.monotonic() + bound(timeout)
        with self.cond:
            while (name, alias) not in self.seen:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no device-removed {alias} for {name}; got {self.seen}")
                self.cond.wait(left)

    def close(self):
        try:
            self.conn.domainEventDeregisterAny(self.cid)
        except libvirt.libvirtError:
            pass


class HotplugTest(DaemonTestCase):

    def running(self, name, **kw):
        dom = self.conn.defineXML(guest_xml(name, **kw))
        dom.create()
        return dom

    def assertRefused(self, code, fn, *args, contains=None):
        with self.assertRaises(libvirt.libvirtError) as cm:
            fn(*args)
        self.assertEqual(cm.exception.get_error_code(), code, str(cm.exception))
        if contains:
            self.assertIn(contains, str(cm.exception))
        return cm.exception

    def sim_domain(self, name):
        """What the simulated Xen host keeps of @name: its device lists."""
        simdir = self.daemon.path("run", "libxl", "sim")
        for entry in sorted(os.listdir(simdir)):
            if not (entry.startswith("domain-") and entry.endswith(".json")):
                continue
            with open(os.path.join(simdir, entry)) as f:
                d = json.load(f)
            if d["name"] == name:
                return d
        raise AssertionError(f"the simulator has no domain {name}")

    def sim_vdevs(self, name):
        return [d["vdev"] for d in self.sim_domain(name)["disks"]]

    def sim_macs(self, name):
        return [n["mac"] for n in self.sim_domain(name)["nics"]]

    def config_file(self, name):
        return self.daemon.path("etc", "libxl", name + ".xml")

    # ----- disks -----

    def test_attach_disk_live_and_config(self):
        dom = self.running("hp-disk")
        dom.attachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/extra.img"),
                              LIVE | CONFIG)
        self.assertEqual(targets(dom), ["xvda", "xvdb"])
        self.assertEqual(targets(dom, INACTIVE), ["xvda", "xvdb"])
        self.assertEqual(self.sim_vdevs("hp-disk"), ["xvda", "xvdb"])

        # LIVE only: the persistent definition does not get it.
        dom.attachDeviceFlags(disk_xml("xvdc", "/var/lib/xen/images/live.img"), LIVE)
        self.assertEqual(targets(dom), ["xvda", "xvdb", "xvdc"])
        self.assertEqual(targets(dom, INACTIVE), ["xvda", "xvdb"])
        self.assertEqual(self.sim_vdevs("hp-disk"), ["xvda", "xvdb", "xvdc"])

        # The persistent change holds across a restart; the live one not.
        dom.destroy()
        dom.create()
        self.assertEqual(targets(dom), ["xvda", "xvdb"])
        self.assertEqual(self.sim_vdevs("hp-disk"), ["xvda", "xvdb"])

    def test_attach_disk_with_virsh(self):
        self.running("hp-virsh")
        self.daemon.virsh("attach-disk", "hp-virsh", "/var/lib/xen/images/v.img",
                          "xvdb", "--driver", "qemu", "--subdriver", "raw",
                          "--persistent")
        dom = self.conn.lookupByName("hp-virsh")
        self.assertEqual(targets(dom), ["xvda", "xvdb"])
        self.assertEqual(targets(dom, INACTIVE), ["xvda", "xvdb"])
        self.daemon.virsh("detach-disk", "hp-virsh", "xvdb", "--persistent")
        self.assertEqual(targets(dom), ["xvda"])
        self.assertEqual(targets(dom, INACTIVE), ["xvda"])
        self.assertEqual(self.sim_vdevs("hp-virsh"), ["xvda"])

    def test_detach_disk_sends_device_removed(self):
        ev = RemovedEvents(self.conn)
        self.addCleanup(ev.close)
        dom = self.running("hp-detach")
        dom.attachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/d.img"),
                              LIVE | CONFIG)
        dom.detachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/d.img"),
                              LIVE | CONFIG)
        ev.wait("hp-detach", "xvdb")
        self.assertEqual(targets(dom), ["xvda"])
        self.assertEqual(targets(dom, INACTIVE), ["xvda"])
        self.assertEqual(self.sim_vdevs("hp-detach"), ["xvda"])

        # Detaching what is not there is refused.
        self.assertRefused(E.VIR_ERR_DEVICE_MISSING, dom.detachDeviceFlags,
                           disk_xml("xvdq", "/x.img"), LIVE)

    def test_duplicate_target_refused(self):
        dom = self.running("hp-dup")
        before_live = dom.XMLDesc(0)
        before_config = dom.XMLDesc(INACTIVE)
        with open(self.config_file("hp-dup")) as f:
            before_file = f.read()
        for flags in (LIVE, CONFIG, LIVE | CONFIG):
            self.assertRefused(E.VIR_ERR_OPERATION_FAILED, dom.attachDeviceFlags,
                               disk_xml("xvda", "/var/lib/xen/images/other.img"),
                               flags, contains="xvda")
        self.assertEqual(dom.XMLDesc(0), before_live)
        self.assertEqual(dom.XMLDesc(INACTIVE), before_config)
        with open(self.config_file("hp-dup")) as f:
            self.assertEqual(f.read(), before_file)
        self.assertEqual(self.sim_vdevs("hp-dup"), ["xvda"])

    def test_hvm_emulated_disk_hot_add_refused(self):
        dom = self.running("hp-hvm", ostype="hvm")
        before = dom.XMLDesc(0)
        err = self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED,
                                 dom.attachDeviceFlags,
                                 disk_xml("hdb", "/var/lib/xen/images/h.img", bus="ide"),
                                 LIVE, contains="hdb")
        self.assertIn("PV", str(err))
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.attachDeviceFlags,
                           disk_xml("sdb", "/var/lib/xen/images/s.img", bus="scsi"),
                           LIVE)
        self.assertEqual(dom.XMLDesc(0), before)
        self.assertEqual(self.sim_vdevs("hp-hvm"), ["hda"])

        # A PV disk is what an HVM guest can get hot-added...
        dom.attachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/p.img"), LIVE)
        self.assertEqual(self.sim_vdevs("hp-hvm"), ["hda", "xvdb"])
        # ... and an emulated disk still goes into the persistent definition.
        dom.attachDeviceFlags(disk_xml("hdb", "/var/lib/xen/images/h.img", bus="ide"),
                              CONFIG)
        self.assertIn("hdb", targets(dom, INACTIVE))

    def test_shut_off_domain(self):
        dom = self.conn.defineXML(guest_xml("hp-off"))
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, dom.attachDeviceFlags,
                           disk_xml("xvdb", "/var/lib/xen/images/o.img"), LIVE)
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, dom.attachDevice,
                           disk_xml("xvdb", "/var/lib/xen/images/o.img"))
        self.assertEqual(targets(dom), ["xvda"])

        # CONFIG (and CURRENT, which is CONFIG for a shut-off domain) work.
        dom.attachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/o.img"), CONFIG)
        dom.attachDeviceFlags(nic_xml("00:16:3e:00:00:42"), 0)
        self.assertEqual(targets(dom), ["xvda", "xvdb"])
        self.assertIn("00:16:3e:00:00:42", macs(dom))
        with open(self.config_file("hp-off")) as f:
            self.assertIn("xvdb", f.read())
        dom.create()
        self.assertEqual(self.sim_vdevs("hp-off"), ["xvda", "xvdb"])
        self.assertIn("00:16:3e:00:00:42", self.sim_macs("hp-off"))

    def test_config_attach_checked_as_define(self):
        dom = self.conn.defineXML(guest_xml("hp-check"))
        # A floppy: not hot-plugged, whatever the flags.
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.attachDeviceFlags,
                           "<disk type='file' device='floppy'><source file='/f.img'/>"
                           "<target dev='fda'/></disk>", CONFIG)
        # A bus that contradicts the target's name.
        self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.attachDeviceFlags,
                           disk_xml("xvdb", "/x.img", bus="ide"), CONFIG)
        self.assertEqual(targets(dom), ["xvda"])

    # ----- interfaces -----

    def test_attach_and_detach_interface(self):
        ev = RemovedEvents(self.conn)
        self.addCleanup(ev.close)
        dom = self.running("hp-nic")
        mac = "00:16:3e:12:34:56"
        dom.attachDeviceFlags(nic_xml(mac), LIVE)
        self.assertIn(mac, macs(dom))
        self.assertNotIn(mac, macs(dom, INACTIVE))
        self.assertIn(mac, self.sim_macs("hp-nic"))

        # The same MAC twice: refused.
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, dom.attachDeviceFlags,
                           nic_xml(mac), LIVE, contains=mac)
        self.assertEqual(macs(dom).count(mac), 1)

        # Detached by its MAC: another model or source would not matter.
        dom.detachDeviceFlags(f"<interface type='bridge'><mac address='{mac}'/>"
                              f"<source bridge='other'/></interface>", LIVE)
        ev.wait("hp-nic", mac)
        self.assertNotIn(mac, macs(dom))
        self.assertNotIn(mac, self.sim_macs("hp-nic"))
        self.assertEqual(len(self.sim_macs("hp-nic")), 1)

    def test_attach_interface_with_virsh(self):
        self.running("hp-vnic")
        self.daemon.virsh("attach-interface", "hp-vnic", "bridge", "xenbr0",
                          "--mac", "00:16:3e:aa:bb:cc", "--live")
        dom = self.conn.lookupByName("hp-vnic")
        self.assertIn("00:16:3e:aa:bb:cc", macs(dom))
        self.daemon.virsh("detach-interface", "hp-vnic", "bridge",
                          "--mac", "00:16:3e:aa:bb:cc", "--live")
        self.assertNotIn("00:16:3e:aa:bb:cc", macs(dom))

    def test_hvm_interface_is_pv_only(self):
        dom = self.running("hp-hvm-nic", ostype="hvm")
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.attachDeviceFlags,
                           nic_xml("00:16:3e:00:00:01", model="e1000"), LIVE,
                           contains="e1000")
        dom.attachDeviceFlags(nic_xml("00:16:3e:00:00:02"), LIVE)
        dom.attachDeviceFlags(nic_xml("00:16:3e:00:00:03", model="netfront"), LIVE)
        self.assertIn("00:16:3e:00:00:02", self.sim_macs("hp-hvm-nic"))
        self.assertIn("00:16:3e:00:00:03", self.sim_macs("hp-hvm-nic"))
        self.assertNotIn("00:16:3e:00:00:01", macs(dom))

    # ----- cdrom media -----

    def test_change_media_hvm_cdrom(self):
        xml = guest_xml("hp-cd", ostype="hvm").replace(
            "</devices>",
            "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
            "<target dev='hdc' bus='ide'/><readonly/></disk></devices>")
        dom = self.conn.defineXML(xml)
        dom.create()
        self.assertIsNone(cdrom_source(dom, "hdc"))

        # Insert, live only.
        dom.updateDeviceFlags(disk_xml("hdc", "/isos/one.iso", bus="ide",
                                       device="cdrom"), LIVE)
        self.assertEqual(cdrom_source(dom, "hdc"), "/isos/one.iso")
        self.assertIsNone(cdrom_source(dom, "hdc", INACTIVE))
        sim = {d["vdev"]: d for d in self.sim_domain("hp-cd")["disks"]}
        self.assertEqual(sim["hdc"].get("path"), "/isos/one.iso")

        # Through virsh: eject, then insert into both definitions.
        self.daemon.virsh("change-media", "hp-cd", "hdc", "--eject", "--live")
        self.assertIsNone(cdrom_source(dom, "hdc"))
        sim = {d["vdev"]: d for d in self.sim_domain("hp-cd")["disks"]}
        self.assertIsNone(sim["hdc"].get("path"))
        self.daemon.virsh("change-media", "hp-cd", "hdc", "/isos/two.iso",
                          "--insert", "--live", "--config")
        self.assertEqual(cdrom_source(dom, "hdc"), "/isos/two.iso")
        self.assertEqual(cdrom_source(dom, "hdc", INACTIVE), "/isos/two.iso")

        # A disk's media does not change.
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.updateDeviceFlags,
                           disk_xml("hda", "/other.img", bus="ide"), LIVE)

    def test_change_media_pv_guest_refused(self):
        xml = guest_xml("hp-pvcd").replace(
            "</devices>",
            "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
            "<target dev='xvdc' bus='xen'/><readonly/></disk></devices>")
        dom = self.conn.defineXML(xml)
        dom.create()
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.updateDeviceFlags,
                           disk_xml("xvdc", "/isos/one.iso", device="cdrom"), LIVE,
                           contains="HVM")
        self.assertIsNone(cdrom_source(dom, "xvdc"))

    # ----- what is not hot-plugged -----

    def test_unsupported_device_type(self):
        dom = self.running("hp-unsup")
        before = dom.XMLDesc(0)
        for flags in (LIVE, CONFIG):
            self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.attachDeviceFlags,
                               "<input type='tablet' bus='usb'/>", flags,
                               contains="input")
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.detachDeviceFlags,
                           "<input type='tablet' bus='usb'/>", LIVE)
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.updateDeviceFlags,
                           nic_xml("00:16:3e:00:00:09"), LIVE)
        # An update (virt-xml --update of a display's password) says what
        # an update can change, not what an attach can add.
        for xml in ("<graphics type='vnc' passwd='x'/>",
                    "<disk type='file' device='floppy'><source file='/f.img'/>"
                    "<target dev='fda'/></disk>"):
            err = self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED,
                                     dom.updateDeviceFlags, xml, LIVE,
                                     contains="cdrom's media")
            self.assertNotIn("hot-plugs", str(err))
        self.assertEqual(dom.XMLDesc(0), before)

    # ----- backend failures -----

    def test_backend_faults_change_nothing(self):
        dom = self.running("hp-fault")
        mac = "00:16:3e:0f:0f:0f"
        dom.attachDeviceFlags(nic_xml(mac), LIVE)
        dom.attachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/f.img"), LIVE)
        before_live = dom.XMLDesc(0)
        before_config = dom.XMLDesc(INACTIVE)
        # Attaching to both definitions: the persistent one is prepared
        # first, and must not change when the backend fails.
        cases = [
            ("domainDiskAdd", dom.attachDeviceFlags,
             disk_xml("xvdc", "/var/lib/xen/images/g.img"), LIVE | CONFIG),
            ("domainDiskRemove", dom.detachDeviceFlags,
             disk_xml("xvdb", "/var/lib/xen/images/f.img"), LIVE),
            ("domainNicAdd", dom.attachDeviceFlags, nic_xml("00:16:3e:0e:0e:0e"),
             LIVE | CONFIG),
            ("domainNicRemove", dom.detachDeviceFlags, nic_xml(mac), LIVE),
        ]
        for hook, fn, xml, flags in cases:
            with self.subTest(hook=hook):
                self.daemon.inject_fault(hook)
                self.assertRefused(E.VIR_ERR_INTERNAL_ERROR, fn, xml,
                                   flags, contains=hook)
                self.assertEqual(dom.XMLDesc(0), before_live)
                self.assertEqual(dom.XMLDesc(INACTIVE), before_config)
                self.assertEqual(self.sim_vdevs("hp-fault"), ["xvda", "xvdb"])
                self.assertIn(mac, self.sim_macs("hp-fault"))
        # The faults are spent: the same requests now work.
        dom.detachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/f.img"), LIVE)
        dom.detachDeviceFlags(nic_xml(mac), LIVE)
        self.assertEqual(self.sim_vdevs("hp-fault"), ["xvda"])

    def test_cdrom_fault_changes_nothing(self):
        xml = guest_xml("hp-cdfault", ostype="hvm").replace(
            "</devices>",
            "<disk type='file' device='cdrom'><source file='/isos/a.iso'/>"
            "<target dev='hdc' bus='ide'/><readonly/></disk></devices>")
        dom = self.conn.defineXML(xml)
        dom.create()
        self.daemon.inject_fault("domainCdromInsert")
        self.assertRefused(E.VIR_ERR_INTERNAL_ERROR, dom.updateDeviceFlags,
                           disk_xml("hdc", "/isos/b.iso", bus="ide", device="cdrom"),
                           LIVE | CONFIG)
        self.assertEqual(cdrom_source(dom, "hdc"), "/isos/a.iso")
        self.assertEqual(cdrom_source(dom, "hdc", INACTIVE), "/isos/a.iso")

    # ----- disks libxl knows by a device number (<virtxl:disk vdev>) -----

    def sim_config_disks(self, name):
        """(vdev, pdev_path) of the disks in the libxl config the
        simulated Xen holds for @name."""
        return [(d["vdev"], d.get("pdev_path"))
                for d in self.sim_domain(name)["config"]["disks"]]

    def test_vdev_disk_define_start_detach(self):
        """A disk xl names by number: libxl gets the number at start (as
        xl gives it), and a detach takes the <virtxl:disk> along, so the
        definition stays one a define takes. Without the fix the detach
        asked Xen for disk 'xvdb' (libxl knows it as 0x1: DEVICE_MISSING),
        and a CONFIG detach left a <virtxl:disk> naming no disk, which the
        next define and start refused."""
        name = "hp-vdev"
        img = "/var/lib/xen/images"
        xml = with_ns(on_phy(guest_xml(name, disks=2)),
                      "<virtxl:disk target='xvdb' vdev='0x1'/>")
        dom = self.conn.defineXML(xml)
        dom.create()
        self.assertEqual(self.sim_vdevs(name), ["xvda", "0x1"])
        self.assertEqual(ns_disks(dom), [("xvdb", "0x1")])
        self.assertEqual(ns_disks(dom, INACTIVE), [("xvdb", "0x1")])
        xl = xl_disk_vdevs([f"{img}/{name}-0.img,raw,xvda,rw",
                            f"format=raw,vdev=0x1,access=rw,target={img}/{name}-1.img"])
        if xl is not None:
            self.assertEqual(self.sim_config_disks(name), xl)

        dom.detachDeviceFlags(disk_xml("xvdb", f"{img}/{name}-1.img"), LIVE | CONFIG)
        self.assertEqual(self.sim_vdevs(name), ["xvda"])
        self.assertEqual(targets(dom), ["xvda"])
        self.assertEqual(ns_disks(dom), [])
        self.assertEqual(ns_disks(dom, INACTIVE), [])
        # What dumpxml gives is a definition again, and it starts.
        self.conn.defineXML(dom.XMLDesc(INACTIVE))
        dom.destroy()
        dom.create()
        self.assertEqual(self.sim_vdevs(name), ["xvda"])

        # An xvdb attached later is xvdb, not the old 0x1.
        dom.attachDeviceFlags(disk_xml("xvdb", f"{img}/{name}-1.img"), LIVE | CONFIG)
        self.assertEqual(self.sim_vdevs(name), ["xvda", "xvdb"])
        self.assertEqual(ns_disks(dom, INACTIVE), [])

    def test_vdev_disk_hot_attach(self):
        """A <virtxl:disk> inside an attached <disk> reaches Xen and both
        definitions, survives a daemon restart, and leaves with the disk.
        Without the fix libvirt's parser dropped it unseen and Xen got
        'xvdb'."""
        name = "hp-vdev-attach"
        dom = self.running(name)
        path = "/var/lib/xen/images/vdev-attach.img"
        with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
            f.write(vdev_disk_xml("xvdb", path, "<virtxl:disk vdev='51744'/>"))
            f.flush()
            self.daemon.virsh("attach-device", name, f.name, "--persistent")
        self.assertEqual(self.sim_vdevs(name), ["xvda", "51744"])
        self.assertEqual(targets(dom), ["xvda", "xvdb"])
        self.assertEqual(ns_disks(dom), [("xvdb", "51744")])
        self.assertEqual(ns_disks(dom, INACTIVE), [("xvdb", "51744")])
        xl = xl_disk_vdevs([f"/var/lib/xen/images/{name}-0.img,raw,xvda,rw",
                            f"format=raw,vdev=51744,access=rw,target={path}"])
        if xl is not None:
            self.assertEqual(self.sim_config_disks(name), xl)

        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName(name)
        self.assertEqual(ns_disks(dom), [("xvdb", "51744")])
        self.daemon.virsh("detach-disk", name, "xvdb", "--persistent")
        self.assertEqual(self.sim_vdevs(name), ["xvda"])
        self.assertEqual(ns_disks(dom), [])
        self.assertEqual(ns_disks(dom, INACTIVE), [])

        # To a shut-off domain's definition: the next start has it.
        dom.destroy()
        dom.attachDeviceFlags(vdev_disk_xml("xvdc", path, "<virtxl:disk vdev='d2p0'/>"),
                              CONFIG)
        self.assertEqual(ns_disks(dom, INACTIVE), [("xvdc", "d2p0")])
        dom.create()
        self.assertEqual(self.sim_vdevs(name), ["xvda", "d2p0"])
        self.assertEqual(ns_disks(dom), [("xvdc", "d2p0")])

    def test_vdev_attach_refusals(self):
        """A namespace element the attach cannot honour is refused, not
        dropped, and nothing changes."""
        name = "hp-vdev-bad"
        dom = self.running(name)
        before = (dom.XMLDesc(0), dom.XMLDesc(INACTIVE), self.sim_vdevs(name))
        path = "/var/lib/xen/images/bad.img"
        err = self.assertRefused(
            E.VIR_ERR_CONFIG_UNSUPPORTED, dom.attachDeviceFlags,
            vdev_disk_xml("xvdb", path, "<virtxl:disk target='xvdc' vdev='0x1'/>"),
            LIVE | CONFIG)
        self.assertIn("names another disk", str(err))
        self.assertRefused(
            E.VIR_ERR_XML_ERROR, dom.attachDeviceFlags,
            vdev_disk_xml("xvdb", path, "<virtxl:disk vdev='xvdq'/>"), LIVE | CONFIG,
            contains="vdev='xvdq'")
        self.assertRefused(
            E.VIR_ERR_CONFIG_UNSUPPORTED, dom.attachDeviceFlags,
            vdev_disk_xml("xvdb", path, "<virtxl:disk vdev='0x1'/><virtxl:disk vdev='0x2'/>"),
            LIVE | CONFIG, contains="appears twice")
        # Xen's number for xvda, which the guest has: one disk to libxl.
        self.assertRefused(
            E.VIR_ERR_OPERATION_FAILED, dom.attachDeviceFlags,
            vdev_disk_xml("xvdb", path, "<virtxl:disk vdev='51712'/>"), LIVE,
            contains="already has a disk xvda")
        # libxl has no hotplug for a virtio disk.
        self.assertRefused(
            E.VIR_ERR_OPERATION_UNSUPPORTED, dom.attachDeviceFlags,
            vdev_disk_xml("xvdb", path, "<virtxl:disk specification='virtio'/>"), LIVE,
            contains="no hotplug for virtio disks")
        nic = (f"<interface type='bridge' xmlns:virtxl='{SIM_NS}'>"
               "<mac address='00:16:3e:44:44:44'/><source bridge='xenbr0'/>"
               "<virtxl:nic mac='00:16:3e:44:44:44' devid='7'/></interface>")
        self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.attachDeviceFlags,
                           nic, LIVE | CONFIG, contains="<virtxl:nic>")
        self.assertEqual((dom.XMLDesc(0), dom.XMLDesc(INACTIVE), self.sim_vdevs(name)),
                         before)

    def test_vdev_number_on_qdisk_refused(self):
        """qemu's qdisk backend names its block node after the vdev and
        refuses one that is a number (real Xen 4.17 with qemu 7.2:
        "Invalid node-name: '51728-raw'"), which libxl does not wait for:
        the guest started without the disk. The start and a live attach
        are refused instead, naming the vdev; the same number as a dNpM
        name on qdisk, or on phy, starts."""
        name = "hp-vdev-qdisk"
        dom = self.conn.defineXML(with_ns(guest_xml(name, disks=2),
                                          "<virtxl:disk target='xvdb' vdev='0x1'/>"))
        self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.create,
                           contains="qdisk backend cannot serve disk vdev '0x1'")
        self.assertFalse(dom.isActive())
        dom.undefine()
        dom = self.conn.defineXML(with_ns(guest_xml(name, disks=2),
                                          "<virtxl:disk target='xvdb' vdev='d0p1'/>"))
        dom.create()
        self.assertEqual(self.sim_vdevs(name), ["xvda", "d0p1"])
        before = (dom.XMLDesc(0), dom.XMLDesc(INACTIVE), self.sim_vdevs(name))
        path = "/var/lib/xen/images/qdisk-number.img"
        self.assertRefused(
            E.VIR_ERR_CONFIG_UNSUPPORTED, dom.attachDeviceFlags,
            vdev_disk_xml("xvdc", path, "<virtxl:disk vdev='51744'/>", driver="qemu"),
            LIVE | CONFIG, contains="cannot attach disk with vdev '51744'")
        self.assertEqual((dom.XMLDesc(0), dom.XMLDesc(INACTIVE), self.sim_vdevs(name)),
                         before)
        dom.attachDeviceFlags(vdev_disk_xml("xvdc", path, "<virtxl:disk vdev='51744'/>"),
                              LIVE | CONFIG)
        self.assertEqual(self.sim_vdevs(name), ["xvda", "d0p1", "51744"])

    def test_vdev_number_taken(self):
        """A vdev that is another disk's Xen device number (xvda is
        51712) makes two disks of one device, on which libxl fails the
        start: define and a CONFIG attach refuse it naming both disks,
        and nothing is defined or changed. Without the fix the define
        took it and only the start failed."""
        name = "hp-vdev-taken"
        xml = with_ns(on_phy(guest_xml(name, disks=2)),
                      "<virtxl:disk target='xvdb' vdev='51712'/>")
        self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML, xml,
                           contains="<virtxl:disk target='xvdb' vdev='51712'> is Xen device 51712, which disk 'xvda'")
        self.assertNotIn(name, self.conn.listDefinedDomains())

        dom = self.conn.defineXML(with_ns(on_phy(guest_xml(name, disks=2)),
                                          "<virtxl:disk target='xvdb' vdev='0x1'/>"))
        dom.create()
        before = (dom.XMLDesc(0), dom.XMLDesc(INACTIVE), self.sim_vdevs(name))
        path = "/var/lib/xen/images/taken.img"
        err = self.assertRefused(
            E.VIR_ERR_CONFIG_UNSUPPORTED, dom.attachDeviceFlags,
            vdev_disk_xml("xvdc", path, "<virtxl:disk vdev='1'/>"), LIVE | CONFIG,
            contains="is Xen device 1, which disk")
        for named in ("'xvdb'", "'0x1'", "'xvdc'", "'1'"):
            self.assertIn(named, str(err))
        self.assertEqual((dom.XMLDesc(0), dom.XMLDesc(INACTIVE), self.sim_vdevs(name)),
                         before)

    def test_update_device_vdev(self):
        """update-device changes a cdrom's media only: a <virtxl:disk>
        in the new <disk> is taken when it is the disk's own, refused
        (not dropped) when it asks for another number or a script, which
        Xen cannot change on a disk it has."""
        name = "hp-vdev-cd"
        xml = with_ns(guest_xml(name, ostype="hvm").replace(
            "</devices>",
            "<disk type='file' device='cdrom'><driver name='phy' type='raw'/>"
            "<target dev='hdc' bus='ide'/><readonly/></disk></devices>"),
            "<virtxl:disk target='hdc' vdev='5632'/>")
        dom = self.conn.defineXML(xml)
        dom.create()

        def cdrom(path, inner):
            return (f"<disk type='file' device='cdrom' xmlns:virtxl='{SIM_NS}'>"
                    f"<driver name='qemu' type='raw'/><source file='{path}'/>"
                    f"<target dev='hdc' bus='ide'/><readonly/>{inner}</disk>")

        dom.updateDeviceFlags(cdrom("/isos/one.iso", "<virtxl:disk vdev='5632'/>"),
                              LIVE | CONFIG)
        self.assertEqual(cdrom_source(dom, "hdc"), "/isos/one.iso")
        self.assertEqual(cdrom_source(dom, "hdc", INACTIVE), "/isos/one.iso")
        before = (dom.XMLDesc(0), dom.XMLDesc(INACTIVE), self.sim_vdevs(name))
        for flags in (LIVE, CONFIG, LIVE | CONFIG):
            for inner in ("<virtxl:disk vdev='5633'/>",
                          "<virtxl:disk vdev='5632' script='block-drbd'/>"):
                with self.subTest(flags=flags, inner=inner):
                    self.assertRefused(
                        E.VIR_ERR_OPERATION_UNSUPPORTED, dom.updateDeviceFlags,
                        cdrom("/isos/two.iso", inner), flags,
                        contains="Xen cannot change a disk's device number")
                    self.assertEqual((dom.XMLDesc(0), dom.XMLDesc(INACTIVE),
                                      self.sim_vdevs(name)), before)
        # A disk without one cannot be given one either.
        dom2 = self.conn.defineXML(guest_xml("hp-vdev-cd2", ostype="hvm").replace(
            "</devices>",
            "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
            "<target dev='hdc' bus='ide'/><readonly/></disk></devices>"))
        dom2.create()
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom2.updateDeviceFlags,
                           cdrom("/isos/two.iso", "<virtxl:disk vdev='5632'/>"), LIVE,
                           contains="differs from the disk's own")
        self.assertIsNone(cdrom_source(dom2, "hdc"))
        # Without the element the disk keeps its own.
        dom.updateDeviceFlags(disk_xml("hdc", "/isos/three.iso", bus="ide",
                                       device="cdrom"), LIVE | CONFIG)
        self.assertEqual(cdrom_source(dom, "hdc"), "/isos/three.iso")
        self.assertEqual(ns_disks(dom), [("hdc", "5632")])
        self.assertEqual(ns_disks(dom, INACTIVE), [("hdc", "5632")])

    def test_detach_interface_takes_its_nic_options(self):
        """<virtxl:nic> leaves with its interface (without the fix the
        next define refused the leftover)."""
        name = "hp-ns-nic"
        mac = "00:16:3e:12:34:56"
        xml = with_ns(guest_xml(name, nics=0).replace(
            "</devices>", f"{nic_xml(mac)}</devices>"),
            f"<virtxl:nic mac='{mac}' devid='3'/>")
        dom = self.conn.defineXML(xml)
        dom.create()
        dom.detachDeviceFlags(nic_xml(mac), LIVE | CONFIG)
        for flags in (0, INACTIVE):
            root = ET.fromstring(dom.XMLDesc(flags))
            self.assertEqual(root.findall(f"{{{SIM_NS}}}nic"), [])
            # Nothing of the namespace is left, not even its declaration.
            self.assertNotIn("xmlns:virtxl", dom.XMLDesc(flags))
        self.conn.defineXML(dom.XMLDesc(INACTIVE))

    # ----- the device lists survive a daemon restart -----

    def test_restart_keeps_hot_added_devices(self):
        dom = self.running("hp-restart")
        dom.attachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/r.img"), LIVE)
        dom.attachDeviceFlags(nic_xml("00:16:3e:55:55:55"), LIVE)
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("hp-restart")
        self.assertEqual(targets(dom), ["xvda", "xvdb"])
        self.assertIn("00:16:3e:55:55:55", macs(dom))
        self.assertEqual(self.sim_vdevs("hp-restart"), ["xvda", "xvdb"])
        dom.detachDeviceFlags(disk_xml("xvdb", "/var/lib/xen/images/r.img"), LIVE)
        self.assertEqual(self.sim_vdevs("hp-restart"), ["xvda"])

    def test_state_file_with_device_counts(self):
        """A simulator state file from before the device lists (counts
        only): the devices come from the stored libxl config."""
        dom = self.running("hp-old")
        mac = macs(dom)[0]
        self.conn.close()
        self.daemon.stop()
        # The old whole-host file, as it was before the per-domain files.
        simdir = self.daemon.path("run", "libxl", "sim")
        domains = []
        for entry in sorted(os.listdir(simdir)):
            if entry.startswith("domain-") and entry.endswith(".json"):
                with open(os.path.join(simdir, entry)) as f:
                    d = json.load(f)
                del d["format"]
                d["disks"] = len(d["disks"])
                d["nics"] = len(d["nics"])
                domains.append(d)
        newest = max(domains, key=lambda d: d["life"])
        state = {"format": 1, "lastDomid": newest["domid"],
                 "nextLife": newest["life"] + 1, "domains": domains}
        shutil.rmtree(simdir)
        with open(self.daemon.path("run", "libxl", "sim-state.json"), "w") as f:
            json.dump(state, f)
        self.daemon.start()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("hp-old")
        self.assertEqual(self.sim_vdevs("hp-old"), ["xvda"])
        self.assertEqual(self.sim_macs("hp-old"), [mac])
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, dom.attachDeviceFlags,
                           disk_xml("xvda", "/x.img"), LIVE)
        dom.detachDeviceFlags(nic_xml(mac), LIVE)
        self.assertEqual(self.sim_macs("hp-old"), [])


if __name__ == "__main__":
    import unittest
    unittest.main()
