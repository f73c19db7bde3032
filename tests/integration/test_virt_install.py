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

from vxltest import Daemon, DaemonTestCase

DEFAULT_NET = """<network><name>default</name>
  <forward mode='nat'/><bridge name='virbr0' stp='on' delay='0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
  </ip></network>"""


class VirtInstallTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(network=True, storage=True, private_net=True)
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

    def virt_install(self, name, *args):
        cmd = ["virt-install", "--connect", self.daemon.uri, "--name", name,
               "--memory", "256", "--noautoconsole",
               "--osinfo", "detect=on,require=off"] + list(args)
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
