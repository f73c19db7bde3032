# SPDX-License-Identifier: LGPL-2.1-or-later
"""What virt-manager 4.1 sends, replayed through python3-libvirt: fast,
and without a display.

- The domain XML its New VM wizard writes with the default choices for
  each Xen Type (HVM, PV, PVH: copied from virt-manager's own debug log),
  defined and started as the wizard does.
- The performance graphs' poll (virtManager/lib/statsmanager.py): one
  getAllDomainStats for state, CPU, vCPUs, balloon, block and interface,
  from which the manager's columns and the details' graphs are drawn.
- The Snapshots page (create running and shut off, Apply's redefine,
  Run, Delete) and Save / Run (managed save and restore).
- Add Hardware for every kind it offers, each built by virtinst (the
  library virt-manager builds devices with) with the page's default
  choices, then sent as virt-manager sends it: attachDevice on the running
  guest (a refusal there makes virt-manager offer to add the device at
  the next boot), then a define of the whole definition with the device
  added. Each kind must either work - hot-plugged, or defined and then
  booted - or be refused with the libvirt error code and a message naming
  the element, never a failure without a cause.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import libvirt

from vxltest import DEFAULT_NET, Daemon, bound, start_event_loop

E = libvirt
VIRTINST = "/usr/share/virt-manager"


# The New VM wizard's final XML, import of a disk image as "Generic Linux
# 2022" with every default, per Xen Type (virt-manager --debug's log).
WIZARD = {
    "hvm": """<domain type="xen">
  <name>{name}</name>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://libosinfo.org/linux/2022"/>
    </libosinfo:libosinfo>
  </metadata>
  <memory>4194304</memory>
  <currentMemory>4194304</currentMemory>
  <vcpu>2</vcpu>
  <os>
    <type arch="x86_64" machine="xenfv">hvm</type>
    <boot dev="hd"/>
  </os>
  <features>
    <pae/>
  </features>
  <clock offset="utc"/>
  <devices>
    <emulator>/usr/libexec/xen-qemu-system-i386</emulator>
    <disk type="file" device="disk">
      <driver name="qemu" type="raw"/>
      <source file="{disk}"/>
      <target dev="hda" bus="ide"/>
    </disk>
    <interface type="network">
      <source network="default"/>
      <model type="e1000"/>
    </interface>
    <console type="pty"/>
    <input type="tablet" bus="usb"/>
    <graphics type="vnc" port="-1"/>
    <video>
      <model type="vga"/>
    </video>
  </devices>
</domain>""",
    "pv": """<domain type="xen">
  <name>{name}</name>
  <memory>4194304</memory>
  <currentMemory>4194304</currentMemory>
  <vcpu>2</vcpu>
  <os>
    <type arch="x86_64" machine="xenpv">xen</type>
    <boot dev="hd"/>
  </os>
  <devices>
    <disk type="file" device="disk">
      <driver name="qemu" type="raw"/>
      <source file="{disk}"/>
      <target dev="xvda" bus="xen"/>
    </disk>
    <interface type="network">
      <source network="default"/>
    </interface>
    <console type="pty"/>
    <graphics type="vnc" port="-1"/>
  </devices>
</domain>""",
    "pvh": """<domain type="xen">
  <name>{name}</name>
  <memory>4194304</memory>
  <currentMemory>4194304</currentMemory>
  <vcpu>2</vcpu>
  <os>
    <type arch="x86_64" machine="xenpvh">xenpvh</type>
    <boot dev="hd"/>
  </os>
  <devices>
    <emulator>/usr/libexec/xen-qemu-system-i386</emulator>
    <disk type="file" device="disk">
      <driver name="qemu" type="raw"/>
      <source file="{disk}"/>
      <target dev="hda" bus="ide"/>
    </disk>
    <interface type="network">
      <source network="default"/>
    </interface>
    <console type="pty"/>
    <input type="tablet" bus="usb"/>
    <graphics type="vnc" port="-1"/>
  </devices>
</domain>""",
}

# Add Hardware, per guest type: "live" hot-plugs; "boot" is refused live
# (virt-manager then offers the next boot), defined, and boots; "refused"
# is refused at define with VIR_ERR_CONFIG_UNSUPPORTED and the message
# naming the element; "absent" is not offered (the simulated host has no
# such device).
LIVE, BOOT, REFUSED, ABSENT = "live", "boot", "refused", "absent"
EXPECT = {
    # kind:             (hvm,     pv,      pvh)       the message names
    "disk":             (BOOT,    LIVE,    LIVE),
    "cdrom":            (BOOT,    LIVE,    LIVE),
    "nic-default":      (BOOT,    LIVE,    LIVE),
    "nic-bridge":       (BOOT,    LIVE,    LIVE),
    # PV and PVH: the framebuffer's PV pointer serves (the tablet is
    # left out, as for the wizard's own).
    "tablet":           (BOOT,    BOOT,    BOOT),
    "graphics-spice":   (BOOT,    REFUSED, REFUSED),   # <graphics type='spice'>
    "sound":            (BOOT,    REFUSED, REFUSED),   # <sound>
    # PV and PVH: kept and ignored, as by libvirt's libxl driver and xl
    # (Xen gives them no serial port; the daemon log says so).
    "serial":           (BOOT,    BOOT,    BOOT),
    "parallel":         (REFUSED, REFUSED, REFUSED),   # <parallel>
    # HVM: the wizard's guest has its serial console already (libvirt's
    # own refusal).
    "console":          (REFUSED, BOOT,    BOOT),
    "channel-agent":    (REFUSED, REFUSED, REFUSED),   # <channel>
    "channel-spice":    (REFUSED, REFUSED, REFUSED),   # <channel type='spicevmc'>
    "video":            (REFUSED, REFUSED, REFUSED),   # <video>: it has one
    "watchdog":         (REFUSED, REFUSED, REFUSED),   # <watchdog>
    "filesystem":       (BOOT,    BOOT,    BOOT),
    "smartcard":        (REFUSED, REFUSED, REFUSED),   # <smartcard>
    "usbredir":         (REFUSED, REFUSED, REFUSED),   # <redirdev>
    "tpm":              (REFUSED, REFUSED, REFUSED),   # <tpm>
    "rng":              (REFUSED, REFUSED, REFUSED),   # <rng>
    "panic":            (REFUSED, REFUSED, REFUSED),   # <panic>
    "vsock":            (REFUSED, REFUSED, REFUSED),   # <vsock>
    "controller-scsi":  (BOOT,    BOOT,    BOOT),
    "controller-usb":   (BOOT,    BOOT,    BOOT),
    "controller-virtio-serial": (REFUSED, REFUSED, REFUSED),
    "controller-ccid":  (REFUSED, REFUSED, REFUSED),   # <controller type='ccid'>
    "hostdev-pci":      (LIVE,    LIVE,    LIVE),
    "hostdev-usb":      (LIVE,    LIVE,    LIVE),
}
NAMES = {"console": "console", "graphics-spice": "<graphics type='spice'>",
         "sound": "<sound>", "serial": "<serial>", "parallel": "<parallel>",
         "channel-agent": "<channel>", "channel-spice": "<channel type='spicevmc'>",
         "video": "<video>", "watchdog": "<watchdog>", "smartcard": "<smartcard>",
         "usbredir": "<redirdev>", "tpm": "<tpm>", "rng": "<rng>", "panic": "<panic>",
         "vsock": "<vsock>", "controller-virtio-serial": "<controller type='virtio-serial'>",
         "controller-ccid": "<controller type='ccid'>"}


def have_virtinst():
    sys.path.insert(0, VIRTINST)
    try:
        import virtinst  # noqa: F401
        return True
    except ImportError:
        return False
    finally:
        sys.path.remove(VIRTINST)


def image(path, mib=16):
    with open(path, "wb") as f:
        f.truncate(mib << 20)
    return path


class ClientDaemon(unittest.TestCase):
    """A private daemon with the network and storage drivers and the
    'default' NAT network."""

    @classmethod
    def setUpClass(cls):
        start_event_loop()
        cls.daemon = Daemon(network=True, storage=True, private_net=True)
        cls.daemon.start()
        try:
            cls.conn = libvirt.open(cls.daemon.uri)
            cls.conn.networkDefineXML(DEFAULT_NET).create()
        except Exception:
            cls.daemon.cleanup()
            raise
        cls.tmp = tempfile.mkdtemp(prefix="vxl-vmx-")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.conn.close()
        finally:
            cls.daemon.cleanup()
            os.system(f"rm -rf {cls.tmp}")

    def wizard_guest(self, kind, name):
        disk = image(os.path.join(self.tmp, name + ".img"))
        dom = self.conn.defineXML(WIZARD[kind].format(name=name, disk=disk))
        dom.create()
        self.addCleanup(self.drop, dom)
        return dom

    @staticmethod
    def drop(dom):
        try:
            if dom.isActive():
                dom.destroy()
            dom.undefine()
        except libvirt.libvirtError:
            pass


class WizardXMLTest(ClientDaemon):

    def test_wizard_hvm(self):
        xml = self.wizard_guest("hvm", "wiz-hvm").XMLDesc(0)
        self.assertIn("machine='xenfv'>hvm</type>", xml)
        self.assertIn("bridge='virbr0'", xml)
        self.assertRegex(xml, r"<graphics type='vnc' port='59\d\d'")

    def test_wizard_pv(self):
        """No kernel, no bootloader: pygrub, as libvirt's libxl driver."""
        xml = self.wizard_guest("pv", "wiz-pv").XMLDesc(0)
        self.assertIn("machine='xenpv'>linux</type>", xml)
        self.assertIn("<bootloader>pygrub</bootloader>", xml)
        self.assertIn("bridge='virbr0'", xml)

    def test_wizard_pvh(self):
        """PVH: pygrub too; the wizard's IDE target is a PV disk (PVH has
        no emulated disks) and its USB tablet is left out."""
        dom = self.wizard_guest("pvh", "wiz-pvh")
        xml = dom.XMLDesc(0)
        self.assertIn("machine='xenpvh'>xenpvh</type>", xml)
        self.assertIn("<bootloader>pygrub</bootloader>", xml)
        self.assertNotIn("bus='usb'", xml)
        self.assertIn("bridge='virbr0'", xml)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)


class GraphsTest(ClientDaemon):
    """The figures virt-manager draws, as it computes them, from two
    polls of a running guest of each type (it polls every 3 s)."""

    FLAGS = (E.VIR_DOMAIN_STATS_STATE | E.VIR_DOMAIN_STATS_CPU_TOTAL |
             E.VIR_DOMAIN_STATS_VCPU | E.VIR_DOMAIN_STATS_BALLOON |
             E.VIR_DOMAIN_STATS_BLOCK | E.VIR_DOMAIN_STATS_INTERFACE)

    def poll(self, dom):
        stats = dict((d.UUIDString(), st) for d, st in
                     self.conn.getAllDomainStats(self.FLAGS, 0))
        return stats[dom.UUIDString()]

    @staticmethod
    def summed(stats, pattern):
        import re
        return sum(v for k, v in stats.items() if re.fullmatch(pattern, k))

    def check_graphs(self, kind):
        dom = self.wizard_guest(kind, "graphs-" + kind)
        first = self.poll(dom)
        time.sleep(3)
        second = self.poll(dom)
        # CPU: cpu.time grows while the guest runs; vcpu.current counts.
        self.assertEqual(second["state.state"], E.VIR_DOMAIN_RUNNING)
        self.assertGreater(second["cpu.time"], first["cpu.time"], kind)
        self.assertEqual(second["vcpu.current"], 2)
        # Memory: used = balloon.current - balloon.unused, above 0.
        total = second.get("balloon.current", 1)
        used = total - second.get("balloon.unused", total)
        self.assertEqual(total, 4194304)
        self.assertGreater(used, 0, f"{kind}: memory graph at 0: {second}")
        # Disk and network: the sums of rd/wr and rx/tx bytes grow.
        for pattern in (r"block\.\d+\.(rd|wr)\.bytes", r"net\.\d+\.(rx|tx)\.bytes"):
            self.assertGreater(self.summed(second, pattern), self.summed(first, pattern),
                               f"{kind}: {pattern} stays at {self.summed(second, pattern)}")

    def test_graphs_hvm(self):
        self.check_graphs("hvm")

    def test_graphs_pv(self):
        self.check_graphs("pv")

    def test_graphs_pvh(self):
        self.check_graphs("pvh")


class PollDuringShutdownTest(ClientDaemon):
    """virt-manager's tick and Nova's wait for SHUTOFF call virDomainGetInfo
    over and over while a guest shuts down; the moment the guest is gone
    but its death not yet recorded, it must say SHUTOFF, not fail with
    "no domain"."""

    def test_info_through_shutdown(self):
        for n in range(8):
            dom = self.wizard_guest("pv", f"poll-{n}")
            dom.shutdown()
            deadline = time.monotonic() + bound(30)
            while True:
                try:
                    state = dom.info()[0]
                except libvirt.libvirtError as e:
                    self.fail(f"info() during shutdown, round {n}: {e}")
                if state == E.VIR_DOMAIN_SHUTOFF:
                    break
                self.assertLess(time.monotonic(), deadline, "never shut off")
            self.drop(dom)


@unittest.skipUnless(shutil.which("qemu-img"), "needs qemu-img for a qcow2 disk")
class SnapshotsPageTest(ClientDaemon):
    """The Snapshots page (virtManager/details/snapshots.py) on a guest
    with a qcow2 disk, which virt-manager requires: create with its XML
    and flags 0 while running and while shut off, redefine to change the
    description (Apply), revert (Run snapshot), delete."""

    def test_create_apply_revert_delete(self):
        disk = os.path.join(self.tmp, "snap.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"],
                       check=True)
        xml = WIZARD["pv"].format(name="snaps", disk=disk).replace(
            'type="raw"', 'type="qcow2"')
        dom = self.conn.defineXML(xml)
        self.addCleanup(self.drop, dom)
        dom.create()
        snap1 = dom.snapshotCreateXML(
            "<domainsnapshot><name>snapshot1</name></domainsnapshot>", 0)
        self.assertIn("<state>running</state>", snap1.getXMLDesc(0))
        # Apply: the description changed, the snapshot redefined.
        newxml = snap1.getXMLDesc(0).replace(
            "<name>snapshot1</name>",
            "<name>snapshot1</name><description>before the upgrade</description>")
        dom.snapshotCreateXML(newxml, E.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        self.assertIn("before the upgrade",
                      dom.snapshotLookupByName("snapshot1").getXMLDesc(0))
        dom.destroy()
        snap2 = dom.snapshotCreateXML(
            "<domainsnapshot><name>snapshot2</name></domainsnapshot>", 0)
        self.assertIn("<state>shutoff</state>", snap2.getXMLDesc(0))
        self.assertEqual(sorted(s.getName() for s in dom.listAllSnapshots(0)),
                         ["snapshot1", "snapshot2"])
        # Run snapshot1: the guest runs again as it was.
        dom.revertToSnapshot(dom.snapshotLookupByName("snapshot1"), 0)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)
        for name in ("snapshot2", "snapshot1"):
            dom.snapshotLookupByName(name).delete(0)
        self.assertEqual(dom.listAllSnapshots(0), [])


class SaveRestoreTest(ClientDaemon):
    """Virtual Machine > Save is managedSave(0); Run restores it
    (virtManager/object/domain.py), and the list shows Saved between."""

    def test_save_then_run(self):
        dom = self.wizard_guest("hvm", "saved")
        dom.setMemoryFlags(256 * 1024, E.VIR_DOMAIN_AFFECT_LIVE)
        dom.managedSave(0)
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_SHUTOFF)
        self.assertTrue(dom.hasManagedSaveImage(0))
        dom.create()
        self.assertEqual(dom.info()[0], E.VIR_DOMAIN_RUNNING)
        self.assertFalse(dom.hasManagedSaveImage(0))
        # The guest carried on from where it was saved: its balloon too.
        self.assertEqual(dom.info()[2], 256 * 1024)


@unittest.skipUnless(have_virtinst(), "needs virt-manager's virtinst")
class AddHardwareTest(ClientDaemon):
    """Every kind Add Hardware offers, on a running HVM, PV and PVH guest."""

    def setUp(self):
        if VIRTINST not in sys.path:
            sys.path.insert(0, VIRTINST)
        import virtinst
        self.vi = virtinst
        if not hasattr(type(self), "vconn"):
            vconn = virtinst.VirtinstConnection(self.daemon.uri)
            vconn.open(None, None)
            type(self).vconn = vconn

    def build(self, kind, guest, name):
        """The device Add Hardware's page @kind builds with its defaults
        (virtManager/addhardware.py), defaults filled in by virtinst."""
        vi, be = self.vi, self.vconn
        if kind == "disk":
            dev = vi.DeviceDisk(be)
            dev.set_source_path(image(os.path.join(self.tmp, name + "-add.img"), 8))
            dev.device = "disk"
        elif kind == "cdrom":
            dev = vi.DeviceDisk(be)
            dev.device = "cdrom"
        elif kind.startswith("nic-"):
            dev = vi.DeviceInterface(be)
            dev.type, dev.source = (("network", "default") if kind == "nic-default"
                                    else ("bridge", "xenbr0"))
            dev.macaddr = vi.DeviceInterface.generate_mac(be)
        elif kind == "tablet":
            dev = vi.DeviceInput(be)
            dev.type, dev.bus = "tablet", "usb"
        elif kind == "graphics-spice":
            dev = vi.DeviceGraphics(be)
            dev.type = "spice"
        elif kind == "sound":
            dev = vi.DeviceSound(be)
            dev.model = vi.DeviceSound.default_model(guest)
        elif kind in ("serial", "parallel", "console"):
            dev = {"serial": vi.DeviceSerial, "parallel": vi.DeviceParallel,
                   "console": vi.DeviceConsole}[kind](be)
            dev.type = "pty"
        elif kind == "channel-agent":
            dev = vi.DeviceChannel(be)
            dev.type, dev.target_name = "unix", "org.qemu.guest_agent.0"
        elif kind == "channel-spice":
            dev = vi.DeviceChannel(be)
            dev.type, dev.target_name = "spicevmc", "com.redhat.spice.0"
        elif kind == "video":
            dev = vi.DeviceVideo(be)
            dev.model = vi.DeviceVideo.default_model(guest)
        elif kind == "watchdog":
            dev = vi.DeviceWatchdog(be)
            dev.model, dev.action = "i6300esb", "reset"
        elif kind == "filesystem":
            dev = vi.DeviceFilesystem(be)
            dev.type, dev.source, dev.target = "mount", self.tmp, "share"
        elif kind == "smartcard":
            dev = vi.DeviceSmartcard(be)
            dev.mode = "passthrough"
        elif kind == "usbredir":
            dev = vi.DeviceRedirdev(be)
            dev.type = "spicevmc"
        elif kind == "tpm":
            dev = vi.DeviceTpm(be)
            dev.type, dev.model = "emulator", vi.DeviceTpm.default_model(guest)
        elif kind == "rng":
            dev = vi.DeviceRng(be)
            dev.backend_model, dev.device = "random", "/dev/urandom"
        elif kind == "panic":
            dev = vi.DevicePanic(be)
            dev.model = vi.DevicePanic.get_default_model(guest)
        elif kind == "vsock":
            dev = vi.DeviceVsock(be)
            dev.auto_cid = True
        elif kind.startswith("controller-"):
            dev = vi.DeviceController(be)
            dev.type = kind[len("controller-"):]
        elif kind.startswith("hostdev-"):
            cap = (E.VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV if kind == "hostdev-pci"
                   else E.VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV)
            # One the other guests do not hold: the last the host lists.
            nds = self.conn.listAllDevices(cap)
            if not nds:
                return None
            dev = vi.DeviceHostdev(be)
            dev.set_from_nodedev(vi.NodeDevice(be, nds[-1].XMLDesc(0)))
        dev.set_defaults(guest)
        return dev

    def add_each(self, ostype, column):
        dom = self.wizard_guest(ostype, "hw-" + ostype)
        guest = self.vi.Guest(self.vconn, parsexml=dom.XMLDesc(0))
        base = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        seen = {}
        for kind, expect in EXPECT.items():
            want = expect[column]
            with self.subTest(kind=kind, guest=ostype):
                dev = self.build(kind, guest, f"hw-{ostype}-{kind}")
                if dev is None:
                    seen[kind] = ABSENT
                    self.assertEqual(want, ABSENT)
                    continue
                seen[kind] = self.add(dom, base, kind, dev.get_xml(), want)
        return seen

    def add(self, dom, base, kind, devxml, want):
        """Add @devxml as virt-manager does; returns what happened."""
        try:
            dom.attachDevice(devxml)
            live = True
        except libvirt.libvirtError as e:
            self.assertTrue(str(e) and "unknown" not in str(e), f"{kind}: {e!r}")
            self.assertIn(e.get_error_code(), (E.VIR_ERR_OPERATION_UNSUPPORTED,
                                               E.VIR_ERR_CONFIG_UNSUPPORTED), f"{kind}: {e}")
            live = False
        inactive = self.vi.Guest(self.vconn, parsexml=dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        inactive.add_device(self._parse(devxml))
        try:
            self.conn.defineXML(inactive.get_xml())
        except libvirt.libvirtError as e:
            self.assertFalse(live, f"{kind}: hot-plugged, but its definition is refused: {e}")
            self.assertEqual(e.get_error_code(), E.VIR_ERR_CONFIG_UNSUPPORTED, f"{kind}: {e}")
            self.assertIn(NAMES.get(kind, "?"), str(e), f"{kind}: the refusal names it")
            self.assertEqual(want, REFUSED, f"{kind}: refused: {e}")
            self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), base,
                             f"{kind}: a refused define changed the definition")
            return REFUSED
        if live:
            self.assertEqual(want, LIVE, kind)
            dom.detachDevice(devxml)
            self.conn.defineXML(base)
            return LIVE
        # Defined for the next boot: it boots.
        dom.destroy()
        try:
            dom.create()
        except libvirt.libvirtError as e:
            self.fail(f"{kind}: defined, but the guest does not start: {e}")
        finally:
            self.conn.defineXML(base)
            if not dom.isActive():
                dom.create()
        self.assertEqual(want, BOOT, kind)
        dom.destroy()
        dom.create()
        return BOOT

    def _parse(self, devxml):
        """The device again, from its XML: a virtinst object belongs to
        the document it was built in."""
        guest = self.vi.Guest(self.vconn, parsexml=(
            "<domain type='xen'><devices>" + devxml + "</devices></domain>"))
        return guest.devices.get_all()[0]

    def test_add_hardware_hvm(self):
        self.add_each("hvm", 0)

    def test_add_hardware_pv(self):
        self.add_each("pv", 1)

    def test_add_hardware_pvh(self):
        self.add_each("pvh", 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
