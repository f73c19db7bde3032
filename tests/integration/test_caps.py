# SPDX-License-Identifier: LGPL-2.1-or-later
"""Capabilities through the daemon: virsh capabilities and virsh
domcapabilities on the simulator return exactly the prober's answers for
the profile (tests/caps/<profile>/*.xml, the golden files), python3-libvirt's
getDomainCapabilities works for every variant, unknown selectors are
refused naming what is available, and virt-install builds guests from
these answers that define."""

import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import libvirt

from vxltest import BUILD, TOP, DaemonTestCase

E = libvirt


def golden(profile, name):
    with open(os.path.join(TOP, "tests", "caps", profile, name)) as f:
        return f.read()


def variants(profile):
    """(machine, arch, file name) of every domcaps golden file."""
    out = []
    for path in sorted(glob.glob(os.path.join(TOP, "tests", "caps", profile,
                                              "domcaps-*.xml"))):
        name = os.path.basename(path)
        m = re.match(r"domcaps-(\w+)-(\w+)\.xml$", name)
        out.append((m.group(1), m.group(2), name))
    return out


def norm(text):
    """virsh adds blank lines after the document."""
    return text.rstrip("\n") + "\n"


def norm_caps(text):
    """norm() for <capabilities>. The host's UUID is the
    daemon's (the simulator derives it from the host name, the machine's
    when the profile names none), so it is checked apart: present, a
    UUID, and left out of the comparison with the golden file."""
    m = re.search(r"<host>\n    <uuid>([0-9a-f-]{36})</uuid>\n", text)
    assert m, "capabilities without the host's UUID"
    return norm(text.replace(m.group(0), "<host>\n", 1))


class CapsTestCase(DaemonTestCase):
    def test_virsh_capabilities(self):
        res = self.daemon.virsh("capabilities")
        self.assertEqual(norm_caps(res.stdout),
                         golden(self.profile, "capabilities.xml"))

    def test_python_capabilities(self):
        self.assertEqual(norm_caps(self.conn.getCapabilities()),
                         golden(self.profile, "capabilities.xml"))

    def test_getDomainCapabilities_every_variant(self):
        vs = variants(self.profile)
        self.assertTrue(vs)
        for machine, arch, name in vs:
            with self.subTest(machine=machine, arch=arch):
                xml = self.conn.getDomainCapabilities(None, arch, machine, None, 0)
                self.assertEqual(norm(xml), golden(self.profile, name))
                # The same with every selector spelled out.
                emulator = re.search(r"<path>(.*)</path>", xml).group(1)
                self.assertEqual(
                    self.conn.getDomainCapabilities(emulator, arch, machine, "xen", 0),
                    xml)

    def test_unknown_selectors(self):
        cases = [
            ((None, None, "pc", None), "machine 'pc'"),
            ((None, "ppc64le", None, None), "architecture 'ppc64le'"),
            ((None, "nonsense", None, None), "unknown architecture 'nonsense'"),
            (("/usr/bin/qemu-kvm", None, None, None), "emulator '/usr/bin/qemu-kvm'"),
            ((None, None, None, "kvm"), "virttype 'kvm'"),
        ]
        for args, text in cases:
            with self.subTest(args=args):
                err = self.assertLibvirtError(E.VIR_ERR_INVALID_ARG,
                                              self.conn.getDomainCapabilities,
                                              *args, 0)
                self.assertIn(text, str(err))
                # ... and says what is available.
                self.assertRegex(str(err), r"offers|device model is")


class TestCapsIntel(CapsTestCase):
    profile = "intel-2s-vtd"

    def test_virsh_domcapabilities_machines(self):
        for machine in ("xenfv", "xenpv", "xenpvh"):
            with self.subTest(machine=machine):
                res = self.daemon.virsh("domcapabilities", "--machine", machine)
                self.assertEqual(norm(res.stdout),
                                 golden(self.profile, f"domcaps-{machine}-x86_64.xml"))
        # Without a machine: the host arch's first, PV.
        res = self.daemon.virsh("domcapabilities")
        self.assertEqual(norm(res.stdout),
                         golden(self.profile, "domcaps-xenpv-x86_64.xml"))
        res = self.daemon.virsh("domcapabilities", "--machine", "pc", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("it offers xenpv, xenfv, xenpvh", res.stderr)

    # ----- virt-install ---------------------------------------------------

    def virt_install(self, name, *args):
        """virt-install --print-xml with @args; its documents (an install
        step prints two: the install-time and the final domain)."""
        exe = shutil.which("virt-install")
        if not exe:
            self.skipTest("virt-install (Debian's virtinst) is not installed")
        cmd = ["/usr/bin/python3", exe, "--connect", self.daemon.uri,
               "--name", name, "--memory", "512", "--vcpus", "2",
               "--osinfo", "detect=off,require=off", "--noautoconsole",
               "--print-xml"] + list(args)
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        self.assertEqual(res.returncode, 0, f"{' '.join(cmd)}\n{res.stderr}")
        docs = re.findall(r"<domain.*?</domain>", res.stdout, re.S)
        self.assertTrue(docs, res.stdout)
        return docs

    def define_all(self, docs):
        for xml in docs:
            dom = self.conn.defineXML(xml)
            self.assertTrue(dom.isPersistent())
            dom.undefine()

    # The private daemon has no storage driver, and virt-install resolves
    # disk paths through the storage API, so these guests have no disk:
    # they boot from the network or from a kernel, as an installer would.

    def test_virt_install_hvm(self):
        docs = self.virt_install("vi-hvm", "--hvm", "--pxe", "--disk", "none",
                                 "--network", "bridge=xenbr0", "--graphics", "vnc")
        self.assertIn('machine="xenfv"', docs[-1])
        self.define_all(docs)

    def translate(self, xml):
        """What the driver hands libxl for @xml (virtxl xml2json)."""
        with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
            f.write(xml)
            f.flush()
            res = subprocess.run([os.path.join(BUILD, "src", "tools", "virtxl"),
                                  "xml2json", f.name],
                                 capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        return json.loads(res.stdout)

    def test_virt_install_hvm_uefi_spice(self):
        # Naming the USB controller, as virt-install users used to have to.
        docs = self.virt_install("vi-uefi", "--hvm", "--boot", "uefi", "--pxe",
                                 "--disk", "none", "--network", "bridge=xenbr0",
                                 "--graphics", "spice", "--controller", "type=usb")
        self.assertIn('firmware="efi"', docs[-1])
        self.assertIn('type="spice"', docs[-1])
        self.define_all(docs)

    def spice_defaults(self, name):
        """virt-install's own SPICE guest: it adds a spicevmc agent channel,
        a qxl card, a USB tablet and two USB redirdevs, and no USB
        controller (it adds those for qemu only). Defined, it has the
        controller libxl gives redirection."""
        docs = self.virt_install(name, "--hvm", "--pxe", "--disk", "none",
                                 "--network", "bridge=xenbr0", "--graphics", "spice")
        final = docs[-1]
        for dev in ('<redirdev bus="usb" type="spicevmc"/>',
                    '<channel type="spicevmc">', '<model type="qxl"/>',
                    '<input type="tablet" bus="usb"/>'):
            self.assertIn(dev, final)
        self.assertNotIn('<controller type="usb"', final)
        self.define_all(docs)
        dom = self.conn.defineXML(final)
        self.addCleanup(dom.undefine)
        return dom.XMLDesc(0)

    def test_virt_install_hvm_spice_defaults(self):
        defined = self.spice_defaults("vi-spice")
        self.assertIn("<controller type='usb' index='0'/>", defined)
        spice = self.translate(defined)["b_info"]["type.hvm"]["spice"]
        self.assertEqual(spice.get("enable"), "True")
        self.assertEqual(spice.get("vdagent"), "True")
        self.assertEqual(spice.get("usbredirection"), 2)

    def test_virt_install_hvm_spice_defaults_startable(self):
        """libxl refuses spice usbredirection together with usbdevice=
        (libxl__domain_build_info_setdefault: "usbversion and/or
        usbredirection cannot be enabled with usb and/or usbdevice
        parameters"), and virt-install's SPICE guest has a USB tablet and
        two redirection channels; virtinst 4.1 adds them without asking
        <domainCapabilities>. The translator puts the tablet on the bus
        libxl builds for the redirection, as a qemu device
        (translate_gfx.c), as an xl user would."""
        b_info = self.translate(self.spice_defaults("vi-spice-start"))["b_info"]
        hvm = b_info["type.hvm"]
        self.assertEqual(hvm["spice"].get("usbredirection"), 2)
        self.assertNotIn("usbdevice_list", hvm)
        self.assertEqual(b_info.get("extra_hvm"), ["-device", "usb-tablet,bus=usb.0"])

    def test_virt_install_pv(self):
        docs = self.virt_install("vi-pv", "--paravirt", "--boot",
                                 "kernel=/boot/vmlinuz,initrd=/boot/initrd.img,"
                                 "kernel_args=console=hvc0",
                                 "--disk", "none", "--network", "bridge=xenbr0",
                                 "--graphics", "vnc")
        self.assertIn('machine="xenpv"', docs[-1])
        self.define_all(docs)

    def test_vcpu_max_is_the_limit(self):
        """<vcpu max> is the most a guest of that type starts with."""
        for machine, ostype, boot in (
                ("xenfv", "hvm", "<boot dev='hd'/>"),
                ("xenpvh", "xenpvh", "<kernel>/boot/vmlinuz</kernel>")):
            xml = self.conn.getDomainCapabilities(None, "x86_64", machine, None, 0)
            limit = int(re.search(r"<vcpu max='(\d+)'/>", xml).group(1))
            for n, ok in ((limit, True), (limit + 1, False)):
                with self.subTest(machine=machine, vcpus=n):
                    dom = self.conn.defineXML(f"""<domain type='xen'>
  <name>vmax-{machine}-{n}</name><memory unit='MiB'>256</memory>
  <vcpu>{n}</vcpu>
  <os><type arch='x86_64' machine='{machine}'>{ostype}</type>{boot}</os>
</domain>""")
                    if ok:
                        dom.create()
                        dom.destroy()
                    else:
                        self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.create)
                    dom.undefine()

    def test_virt_install_hvm_starts(self):
        """A guest virt-install made from these answers also starts."""
        docs = self.virt_install("vi-start", "--hvm", "--pxe", "--disk", "none",
                                 "--network", "bridge=xenbr0", "--graphics", "vnc")
        dom = self.conn.defineXML(docs[-1])
        dom.create()
        self.assertTrue(dom.isActive())


class TestCapsOldPV(CapsTestCase):
    profile = "old-pv-only"

    def test_no_hvm(self):
        res = self.daemon.virsh("domcapabilities", "--machine", "xenfv", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("machine 'xenfv' is not available", res.stderr)
        self.assertIn("it offers xenpv", res.stderr)

    def test_absent_machines_do_not_start(self):
        """What the host does not offer is refused: HVM and PVH guests
        define (the translators cannot know the host) but never start."""
        for machine, ostype, boot in (
                ("xenfv", "hvm", "<boot dev='hd'/>"),
                ("xenpvh", "xenpvh", "<kernel>/boot/vmlinuz</kernel>")):
            with self.subTest(machine=machine):
                dom = self.conn.defineXML(f"""<domain type='xen'>
  <name>absent-{machine}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='{machine}'>{ostype}</type>{boot}</os>
</domain>""")
                self.assertLibvirtError(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.create)
                dom.undefine()


class TestCapsArm(CapsTestCase):
    profile = "arm64-gicv3"

    def test_default_machine(self):
        res = self.daemon.virsh("domcapabilities")
        self.assertEqual(norm(res.stdout),
                         golden(self.profile, "domcaps-xenpvh-aarch64.xml"))
        res = self.daemon.virsh("domcapabilities", "--arch", "x86_64", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("it offers aarch64", res.stderr)


if __name__ == "__main__":
    unittest.main()
