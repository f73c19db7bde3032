# SPDX-License-Identifier: LGPL-2.1-or-later
"""virt-install 4.1 against the driver, as its users run it.

Each guest kind virt-install can make for Xen, with its default choices:
a PV guest imported from a disk image (no kernel: the driver's pygrub
default boots it), a PV guest from a kernel, an HVM guest imported and
one installed from a cdrom, on libvirt's NAT 'default' network and on a
bridge, and a PVH guest (virt-install 4.1 has no PVH option; its --xml
edits make one). Every one must define and run on the simulator, with
the XML the driver reports saying what it will boot.
"""

import os
import subprocess
import tempfile
import unittest

import libvirt

from vxltest import DEFAULT_NET, Daemon, DaemonTestCase


class VirtInstallTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        # As on a real host, a disk virt-install names must exist.
        cls.daemon = Daemon(network=True, storage=True, private_net=True,
                            disk_checks=True)
        cls.daemon.start()
        conn = libvirt.open(cls.daemon.uri)
        try:
            net = conn.networkDefineXML(DEFAULT_NET)
            net.create()
        finally:
            conn.close()
        cls.images = tempfile.mkdtemp(prefix="vxl-vi-")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        subprocess.run(["rm", "-rf", cls.images], check=False)

    def image(self, name, size=64 << 20):
        path = os.path.join(self.images, name)
        with open(path, "wb") as f:
            f.truncate(size)
        return path

    def run_virt_install(self, name, *args, osinfo="detect=on,require=off"):
        cmd = ["virt-install", "--connect", self.daemon.uri, "--name", name,
               "--memory", "256", "--noautoconsole",
               "--osinfo", osinfo] + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=180)

    def virt_install(self, name, *args, osinfo="detect=on,require=off"):
        res = self.run_virt_install(name, *args, osinfo=osinfo)
        if res.returncode != 0:
            self.fail(f"virt-install {' '.join(args)} failed: "
                      f"{res.stdout}{res.stderr}")
        dom = self.conn.lookupByName(name)
        self.assertTrue(dom.isActive(), f"{name} is not running")
        return dom, dom.XMLDesc(0)

    def test_pv_import_boots_with_pygrub(self):
        dom, xml = self.virt_install(
            "pv-import", "--import", "--paravirt",
            "--disk", self.image("pv-import.img"), "--network", "network=default")
        self.assertIn("<bootloader>pygrub</bootloader>", xml)
        self.assertIn("bridge='virbr0'", xml)

    def test_pv_kernel_boot(self):
        kernel = self.image("vmlinuz", 1 << 20)
        initrd = self.image("initrd.img", 1 << 20)
        dom, xml = self.virt_install(
            "pv-kernel", "--paravirt", "--import",
            "--boot", f"kernel={kernel},initrd={initrd},kernel_args=console=hvc0",
            "--disk", self.image("pv-kernel.img"), "--network", "bridge=xenbr0")
        self.assertIn(f"<kernel>{kernel}</kernel>", xml)
        self.assertNotIn("<bootloader>", xml)
        self.assertIn("bridge='xenbr0'", xml)

    def test_hvm_import_on_the_default_network(self):
        dom, xml = self.virt_install(
            "hvm-import", "--hvm", "--import",
            "--disk", self.image("hvm-import.img"), "--network", "network=default")
        self.assertIn("<type arch='x86_64' machine='xenfv'>hvm</type>", xml)
        self.assertIn("bridge='virbr0'", xml)
        self.assertIn("<graphics type='vnc'", xml)
        # virt-install takes ACPI and the local APIC from the
        # capabilities' defaults: without them a guest has no power
        # button and one usable vCPU.
        self.assertIn("<acpi/>", xml)
        self.assertIn("<apic/>", xml)

    def test_hvm_cdrom_install_on_a_bridge(self):
        iso = self.image("install.iso", 4 << 20)
        dom, xml = self.virt_install(
            "hvm-cdrom", "--hvm", "--cdrom", iso,
            "--disk", f"path={self.image('hvm-cdrom.img')}",
            "--network", "bridge=xenbr0")
        self.assertIn(f"<source file='{iso}'", xml)
        self.assertIn("device='cdrom'", xml)
        self.assertIn("bridge='xenbr0'", xml)

    def test_pvh_through_xml_edits(self):
        dom, xml = self.virt_install(
            "pvh-import", "--paravirt", "--import",
            "--xml", "./os/type=xenpvh", "--xml", "./os/type/@machine=xenpvh",
            "--disk", self.image("pvh-import.img"), "--network", "network=default")
        self.assertIn(">xenpvh</type>", xml)
        self.assertIn("<bootloader>pygrub</bootloader>", xml)

    def test_pvh_with_graphics_and_the_usb_tablet_clients_add(self):
        """virt-install and virt-manager 4.1 give a PVH guest with graphics
        a USB tablet (they treat only os type 'xen' as PV); a PVH guest
        has no USB bus, and its framebuffer's PV keyboard and pointer do
        that work, so the driver leaves the tablet out rather than let
        libvirt's validation refuse the guest."""
        dom, xml = self.virt_install(
            "pvh-vnc", "--paravirt", "--import",
            "--xml", "./os/type=xenpvh", "--xml", "./os/type/@machine=xenpvh",
            "--xml", "./devices/input/@type=tablet",
            "--xml", "./devices/input/@bus=usb",
            "--graphics", "vnc",
            "--disk", self.image("pvh-vnc.img"), "--network", "network=default")
        self.assertIn(">xenpvh</type>", xml)
        self.assertIn("<graphics type='vnc'", xml)
        self.assertNotIn("bus='usb'", xml)
        self.assertIn("<model type='xen'", xml)

    def test_headless_pv_usb_tablet_is_still_refused(self):
        """Without a framebuffer nothing serves a USB input: the define
        fails, naming the bus, and nothing is defined."""
        xml = """<domain type='xen'><name>pv-headless-tablet</name>
          <memory unit='MiB'>256</memory><vcpu>1</vcpu>
          <os><type arch='x86_64' machine='xenpv'>linux</type>
          <kernel>/boot/vmlinuz</kernel></os>
          <devices><input type='tablet' bus='usb'/></devices></domain>"""
        with self.assertRaises(libvirt.libvirtError) as ctx:
            self.conn.defineXML(xml)
        self.assertIn("usb", str(ctx.exception))
        self.assertNotIn("pv-headless-tablet", self.conn.listDefinedDomains())

    # ----- the --osinfo styles and install methods users type -------------

    def test_osinfo_linux2022_pv_install_kernel_initrd(self):
        """`--install kernel=,initrd=` on a PV guest: the install boot runs
        the given kernel; the definition it leaves boots from the disk
        (pygrub), as virt-install's second phase expects."""
        kernel = self.image("inst-vmlinuz", 1 << 20)
        initrd = self.image("inst-initrd", 1 << 20)
        dom, xml = self.virt_install(
            "pv-install", "--paravirt",
            "--install", f"kernel={kernel},initrd={initrd}",
            "--disk", self.image("pv-install.img"), "--network", "network=default",
            osinfo="linux2022")
        # virt-install copies them where a Xen host's tools may read them.
        self.assertRegex(xml, r"<kernel>[^<]*inst-vmlinuz</kernel>")
        self.assertRegex(xml, r"<initrd>[^<]*inst-initrd</initrd>")
        inactive = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        self.assertNotIn("<kernel>", inactive)
        self.assertIn("<bootloader>pygrub</bootloader>", inactive)
        self.assertIn("http://libosinfo.org/linux/2022", inactive)

    def test_osinfo_linux2022_hvm_import(self):
        dom, xml = self.virt_install(
            "hvm-linux2022", "--hvm", "--import",
            "--disk", self.image("hvm-linux2022.img"), "--network", "network=default",
            osinfo="linux2022")
        self.assertIn("machine='xenfv'>hvm</type>", xml)
        self.assertIn("bridge='virbr0'", xml)

    def test_osinfo_debian_hvm_cdrom(self):
        """--osinfo of a Debian release osinfo-db knows (Debian 12's
        osinfo-db 0.20221130 stops at debian11; virt-install itself
        refuses an unknown name before it reaches libvirt)."""
        iso = self.image("debian.iso", 4 << 20)
        dom, xml = self.virt_install(
            "hvm-debian", "--hvm", "--cdrom", iso,
            "--disk", self.image("hvm-debian.img"), "--network", "network=default",
            osinfo="debian11")
        self.assertIn("device='cdrom'", xml)
        self.assertIn("http://debian.org/debian/11", xml)

    def test_osinfo_win10_hvm_cdrom(self):
        """Windows 10 from an ISO: virt-install's defaults for it (Hyper-V
        enlightenments, local-time clock, its input and NIC models) define
        and start."""
        iso = self.image("win10.iso", 4 << 20)
        dom, xml = self.virt_install(
            "hvm-win10", "--hvm", "--cdrom", iso,
            "--disk", self.image("hvm-win10.img"), "--network", "network=default",
            osinfo="win10")
        self.assertIn("machine='xenfv'>hvm</type>", xml)
        self.assertIn("device='cdrom'", xml)
        self.assertIn("http://microsoft.com/win/10", xml)

    def test_boot_uefi(self):
        dom, xml = self.virt_install(
            "hvm-uefi", "--hvm", "--import", "--boot", "uefi",
            "--disk", self.image("hvm-uefi.img"), "--network", "network=default")
        self.assertRegex(xml, r"<os firmware='efi'>|<loader[^>]*>[^<]*(OVMF|ovmf)")

    def test_pxe_hvm(self):
        """--pxe on HVM: SeaBIOS boots the first NIC's ROM (boot order n)."""
        dom, xml = self.virt_install(
            "hvm-pxe", "--hvm", "--pxe",
            "--disk", self.image("hvm-pxe.img"), "--network", "network=default")
        self.assertIn("<boot dev='network'/>", xml)

    def test_pxe_pv_boots_its_disk(self):
        """--pxe on PV: libvirt's parser reads <boot dev> for HVM guests
        only, so the driver never sees the network boot (nor does
        libvirt's own libxl driver); the guest boots its disk through
        pygrub, and the definition says so."""
        dom, xml = self.virt_install(
            "pv-pxe", "--paravirt", "--pxe",
            "--disk", self.image("pv-pxe.img"), "--network", "network=default")
        self.assertNotIn("<boot dev='network'/>", xml)
        self.assertIn("<bootloader>pygrub</bootloader>", xml)


if __name__ == "__main__":
    unittest.main(verbosity=2)
