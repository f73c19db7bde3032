# SPDX-License-Identifier: LGPL-2.1-or-later
"""virt-install on real Xen, as its users make guests, through the
driver: a PV guest from a kernel (`--paravirt --import --boot
kernel=...`), a PV guest imported from a disk image with neither kernel
nor bootloader (the driver boots it with pygrub, which reads the grub
configuration on the image), and a PVH guest (virt-install 4.1 has no
PVH option: its --xml edits make one). Each defines, starts, boots to
its banner, and goes with destroy and undefine. An HVM guest
(`--hvm --import --boot kernel=...`) is defined and started (Xen builds
it and its device model comes up) and destroyed without waiting for its
boot: under TCG hvmloader triple-faults now and then, so booting a full
HVM guest to its banner is the hvm scenario's, opt-in (e2e_hvm). The dom0 image has virt-install
(package virtinst, scripts/e2e-image) and /guest/pygrub.img; without
them a case is skipped with that reason."""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import libvirt

from e2e_lib import (URI, banner_after, check, forget, say, skip, state_of,
                     xl_domains)
from e2e_guest_types import device_models, tsc_arg

PYGRUB_IMAGE = "/guest/pygrub.img"


def virt_install(conn, check_name, name, *args):
    """Run virt-install for @name; the domain, or None (checked)."""
    forget(conn, name)
    cmd = ["virt-install", "--connect", URI, "--name", name,
           "--memory", "128", "--vcpus", "1", "--network", "none",
           "--graphics", "none", "--osinfo", "detect=on,require=off",
           "--noautoconsole"] + list(args)
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    check(check_name, res.returncode == 0,
          "exit %d: %s" % (res.returncode, (res.stderr or res.stdout)[-800:]))
    if res.returncode != 0:
        forget(conn, name)
        return None
    try:
        return conn.lookupByName(name)
    except libvirt.libvirtError as e:
        check(check_name + "-defined", False, str(e))
        return None


def boots(conn, check_name, dom, ostypes, kind):
    """@dom is persistent with an os type in @ostypes, runs in Xen, and
    its console shows the banner of a guest of @kind; then it goes."""
    name = dom.name()
    check(check_name + "-defined", dom.isPersistent() and dom.OSType() in ostypes,
          "persistent %s, os type %s" % (dom.isPersistent(), dom.OSType()))
    check(check_name + "-running", state_of(dom) == libvirt.VIR_DOMAIN_RUNNING and
          name in xl_domains(),
          "state %s, xl list %s" % (dom.state(), sorted(xl_domains())))
    line = banner_after(name, 0)
    check(check_name + "-console", line is not None and
          line.rstrip().endswith("type " + kind),
          "banner %r" % line)
    if line:
        say("E2E INFO %s guest: %s" % (check_name, line.strip()))
    dom.destroy()
    dom.undefine()
    check(check_name + "-gone", name not in xl_domains() and
          name not in [d.name() for d in conn.listAllDomains(0)],
          "xl list %s" % sorted(xl_domains()))


def run(conn, events, info=None):
    if not shutil.which("virt-install"):
        skip("virt-install", "virt-install is not in the dom0 image")
        return
    boot = ("kernel=/guest/vmlinux,initrd=/guest/guest.cpio.gz,"
            "kernel_args=console=hvc0")

    # PV from a kernel. No disk: the busybox guest needs none.
    dom = virt_install(conn, "virt-install-pv", "e2e-vi-pv",
                       "--paravirt", "--import", "--boot", boot, "--disk", "none")
    if dom:
        boots(conn, "virt-install-pv", dom, ("xen", "linux"), "PV")

    # PVH: the same kernel in an HVM container, with RDTSCP hidden as
    # the pvh scenario explains (TCG's SVM), and the TSC frequency given.
    tsc = tsc_arg(info or {})
    dom = virt_install(conn, "virt-install-pvh", "e2e-vi-pvh",
                       "--paravirt", "--import",
                       "--boot", boot + (" " + tsc if tsc else ""),
                       "--xml", "./os/type=xenpvh",
                       "--xml", "./os/type/@machine=xenpvh",
                       "--cpu", "host-passthrough,disable=rdtscp",
                       "--disk", "none")
    if dom:
        boots(conn, "virt-install-pvh", dom, ("xenpvh",), "PVH")

    hvm_started(conn, info or {})

    # PV imported from a disk image: what virt-install and virt-manager's
    # wizard write has no kernel and no bootloader; the driver names
    # pygrub, which finds the kernel through the image's grub.cfg.
    if not os.path.exists(PYGRUB_IMAGE):
        skip("virt-install-pygrub", "%s is not in the dom0 image" % PYGRUB_IMAGE)
        return
    dom = virt_install(conn, "virt-install-pygrub", "e2e-vi-pygrub",
                       "--paravirt", "--import",
                       "--disk", "path=%s,format=raw,readonly=on" % PYGRUB_IMAGE)
    if dom:
        xml = dom.XMLDesc(0)
        check("virt-install-pygrub-bootloader", "<bootloader>pygrub</bootloader>" in xml
              and "<kernel>" not in xml, "os of the definition: %s" %
              xml[xml.find("<os>"):xml.find("</os>") + 5])
        boots(conn, "virt-install-pygrub", dom, ("xen", "linux"), "PV")


def hvm_started(conn, info):
    """An HVM guest as `virt-install --hvm` makes it: defined (os type
    hvm, direct kernel boot), started (in xl list, a device model serving it),
    destroyed, gone. on_crash=preserve keeps it for the checks should
    hvmloader triple-fault under TCG before they run."""
    if "hvm" not in info.get("virt_caps", "").split():
        skip("virt-install-hvm", "Xen reports no HVM support (virt_caps '%s')"
             % info.get("virt_caps"))
        return
    boot = ("kernel=/guest/vmlinuz,initrd=/guest/guest.cpio.gz,kernel_args="
            "console=ttyS0 loglevel=4 nokaslr pci=noearly 8250.nr_uarts=1")
    dom = virt_install(conn, "virt-install-hvm", "e2e-vi-hvm",
                       "--hvm", "--import", "--boot", boot,
                       "--cpu", "host-passthrough,disable=rdtscp,disable=svm",
                       "--events", "on_crash=preserve", "--disk", "none")
    if not dom:
        return
    name = dom.name()
    os_ = ET.fromstring(dom.XMLDesc(0)).find("os")
    check("virt-install-hvm-defined", dom.isPersistent() and
          os_.findtext("type") == "hvm" and
          os_.findtext("kernel") == "/guest/vmlinuz",
          "persistent %s, os %s" % (dom.isPersistent(),
                                    ET.tostring(os_, encoding="unicode")))
    xl = xl_domains().get(name)
    dm = device_models(dom.ID()) if dom.isActive() else []
    check("virt-install-hvm-running", state_of(dom) in (
        libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_BLOCKED,
        libvirt.VIR_DOMAIN_CRASHED) and xl is not None and xl[0] == dom.ID()
          and len(dm) == 1, "state %s, xl %s, libvirt id %d, device models %s"
          % (dom.state(), xl, dom.ID(), dm))
    say("E2E INFO virt-install-hvm: state %s (%s)" % (dom.state(), xl))
    try:
        dom.destroy()
        dom.undefine()
    except libvirt.libvirtError as e:
        check("virt-install-hvm-gone", False, str(e))
        return
    check("virt-install-hvm-gone", name not in xl_domains() and
          name not in [d.name() for d in conn.listAllDomains(0)],
          "xl list %s" % sorted(xl_domains()))
