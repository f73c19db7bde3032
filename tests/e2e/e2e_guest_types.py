"""PVH and HVM guests on real Xen.

PVH: an HVM container without a device model, booted like a PV guest
from a kernel; Xen runs it on the CPU's virtualisation extensions, which
QEMU's TCG emulates (AMD SVM) well enough with RDTSCP hidden.

HVM: needs Xen's HVM support, SeaBIOS and a device model
(qemu-system-xen) in dom0. Where either is missing the boot is skipped with the reason, and
what is checked instead is that the driver refuses or fails the start
clearly and leaves nothing behind.
"""
import os

import libvirt

from e2e_lib import (banner_after, check, guest_xml, say, skip, state_of,
                     wait_for, xl_domains)

# What Debian's libxl needs in dom0 for a full HVM guest beyond Xen's
# own hvmloader: the paths are built into libxenlight.
HVM_NEEDS = (
    ("/usr/share/seabios/bios-256k.bin", "SeaBIOS, package seabios"),
    ("/usr/libexec/xen-qemu-system-i386", "the device model, package qemu-system-xen"),
)

HVM_XML = """<domain type='xen'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <kernel>/guest/vmlinuz</kernel>
    <initrd>/guest/guest.cpio.gz</initrd>
    <cmdline>console=hvc0</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <on_crash>destroy</on_crash>
</domain>
"""


def pvh(conn, events, info):
    name = "e2e-pvh"
    # A PVH kernel first calibrates the TSC against the PIT, which a PVH
    # guest does not have: thousands of emulated port reads, ten seconds
    # under TCG, before it gives up. Xen knows the frequency.
    khz = int(float(info.get("cpu_mhz", "0")) * 1000)
    dom = conn.defineXML(guest_xml(name, kind="pvh",
                                   cmdline="tsc_early_khz=%d" % khz if khz else ""))
    check("pvh-define", dom.OSType() == "xenpvh",
          "os type %s" % dom.OSType())
    try:
        dom.create()
    except libvirt.libvirtError as e:
        check("pvh-start", False, str(e))
        dom.undefine()
        return
    check("pvh-start", state_of(dom) == libvirt.VIR_DOMAIN_RUNNING and
          events.wait(name, libvirt.VIR_DOMAIN_EVENT_STARTED,
                      libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED),
          "state %s, events %s" % (dom.state(), events.names(name)))
    xl = xl_domains().get(name)
    check("pvh-xl", xl is not None and xl[0] == dom.ID(),
          "xl list says %s, libvirt id %d" % (xl, dom.ID()))
    line = banner_after(name, 0)
    check("pvh-console", line is not None and "type PVH" in line,
          "banner %r" % line)

    dom.shutdown()
    check("pvh-shutdown",
          wait_for(lambda: state_of(dom) == libvirt.VIR_DOMAIN_SHUTOFF, 90) and
          events.wait(name, libvirt.VIR_DOMAIN_EVENT_STOPPED,
                      libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN) and
          wait_for(lambda: name not in xl_domains(), 30),
          "state %s, xl %s, events %s" % (dom.state(), xl_domains().get(name),
                                          events.names(name)))

    # Started paused and destroyed before its kernel runs. (A second
    # PVH boot under TCG would cost half a minute and prove nothing new.
    # A shutdown request now is not asked: libxl waits 60 s for a guest
    # that cannot answer, see docs/real-xen.md.)
    dom.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED)
    check("pvh-start-paused", state_of(dom) == libvirt.VIR_DOMAIN_PAUSED and
          "p" in xl_domains().get(name, (0, ""))[1],
          "state %s, xl %s" % (dom.state(), xl_domains().get(name)))
    dom.destroy()
    check("pvh-destroy", state_of(dom) == libvirt.VIR_DOMAIN_SHUTOFF and
          name not in xl_domains() and
          events.wait(name, libvirt.VIR_DOMAIN_EVENT_STOPPED,
                      libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
          "state %s, xl %s, events %s" % (dom.state(), xl_domains().get(name),
                                          events.names(name)))
    dom.undefine()


def hvm(conn, info):
    """HVM where this host can; otherwise the reason, and a clean refusal."""
    caps = info.get("virt_caps", "").split()
    say("E2E INFO xl info virt_caps: %s; xen_caps: %s"
        % (info.get("virt_caps"), info.get("xen_caps")))
    name = "e2e-hvm"
    if "hvm" not in caps:
        reason = ("Xen reports no HVM support (virt_caps '%s'): QEMU's TCG "
                  "gives it no usable VT-x/AMD-V" % info.get("virt_caps"))
    else:
        missing = ["%s (%s)" % (path, what) for path, what in HVM_NEEDS
                   if not os.path.exists(path)]
        reason = ("Xen has HVM support (AMD SVM as QEMU's TCG emulates it, "
                  "which PVH uses too) but dom0 lacks what full HVM guests "
                  "need: %s" % ", ".join(missing)) if missing else None
    if reason is None:
        # Not reached with the image scripts/e2e-image builds.
        skip("hvm-guest", "a device model is present, but this test has no "
             "HVM boot scenario yet")
        return
    skip("hvm-guest", reason)

    # What a user gets instead: a clear error, and nothing left in Xen.
    # Refused at define (no hvm guest in the capabilities) or at start.
    dom = None
    code, msg = None, None
    try:
        dom = conn.defineXML(HVM_XML.format(name=name))
        dom.create()
    except libvirt.libvirtError as e:
        code, msg = e.get_error_code(), str(e)
    say("E2E INFO HVM start without HVM support or device model: code %s: %s"
        % (code, msg))
    if "hvm" not in caps:
        check("hvm-refused", code == libvirt.VIR_ERR_CONFIG_UNSUPPORTED and
              "hardware virtualization" in (msg or ""),
              "code %s: %s" % (code, msg))
    else:
        # The message quotes libxl's first error, the cause (a missing
        # firmware or device model file), not the failures it led to.
        check("hvm-fails", code is not None and
              any(path in (msg or "") or "No such file" in (msg or "")
                  for path, _ in HVM_NEEDS),
              "code %s: %s" % (code, msg))
    check("hvm-nothing-left",
          (dom is None or state_of(dom) == libvirt.VIR_DOMAIN_SHUTOFF) and
          wait_for(lambda: name not in xl_domains(), 30),
          "state %s, xl %s" % (dom and dom.state(), xl_domains().get(name)))
    if dom is not None:
        dom.undefine()
