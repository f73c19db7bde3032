# SPDX-License-Identifier: LGPL-2.1-or-later
"""One test body for both backends: the same condition, the same error.

include/virtxl/backend.h promises that the simulator and the libxl
backend raise the same VIR_ERR_* for the same condition. These cases
say so through libvirt's API, as clients see it. They run against the
simulator in the normal suite (test_shared.py, meson test
backend-shared-sim) and against real Xen inside the end-to-end test's
dom0 (tests/e2e/test_xen.py).

run(conn, guest_xml, report): guest_xml(name, mem_mib) returns the XML of
a small guest that boots on that backend; report(name, ok, why) records
one result. Every domain a case makes is gone when it returns.
"""

import libvirt

PREFIX = "shared-"


def _code(fn):
    try:
        fn()
    except libvirt.libvirtError as e:
        return e.get_error_code(), str(e)
    return None, "succeeded"


def _expect(report, name, fn, code, words=None):
    got, msg = _code(fn)
    ok = got == code and (words is None or words in msg)
    report(name, ok, "expected code %d%s, got %s: %s" %
           (code, " with '%s'" % words if words else "", got, msg))


def _cleanup(conn, name):
    try:
        dom = conn.lookupByName(name)
    except libvirt.libvirtError:
        return
    try:
        if dom.isActive():
            dom.destroy()
    except libvirt.libvirtError:
        pass
    try:
        dom.undefine()
    except libvirt.libvirtError:
        pass


# A VF at an address no host has (bus 0xfe): hostNetVFSet refuses it
# before anything changes, on either backend.
MISSING_VF = ("<interface type='hostdev' managed='yes'>"
              "<mac address='52:54:00:fe:00:01'/><source>"
              "<address type='pci' domain='0x0000' bus='0xfe' slot='0x1f' "
              "function='0x7'/></source><vlan><tag id='42'/></vlan></interface>")


# A PCI device named by a pci-assignable name no host gave (xl's
# pci=['name=X']): refused before anything is built, on either backend.
NS = "https://virtxl.dev/xmlns/domain/1.0"
UNKNOWN_PCI_NAME = "<virtxl:pci name='shared-no-such-device'/>"


def _with_named_pci(xml):
    xml = xml.replace("<domain type='xen'>",
                      "<domain type='xen' xmlns:virtxl='%s'>" % NS, 1)
    return xml.replace("</domain>", UNKNOWN_PCI_NAME + "</domain>")


def _with_device(xml, dev):
    if "</devices>" in xml:
        return xml.replace("</devices>", dev + "</devices>")
    return xml.replace("</domain>", "<devices>" + dev + "</devices></domain>")


def run(conn, guest_xml, report):
    name = PREFIX + "guest"
    huge = PREFIX + "huge"
    vf = PREFIX + "vf"
    named = PREFIX + "pci-name"
    for n in (name, huge, vf, named):
        _cleanup(conn, n)

    _expect(report, "shared-lookup-unknown",
            lambda: conn.lookupByName(PREFIX + "nonexistent"),
            libvirt.VIR_ERR_NO_DOMAIN)

    dom = conn.defineXML(guest_xml(name, 128))
    try:
        _expect(report, "shared-resume-shutoff", dom.resume,
                libvirt.VIR_ERR_OPERATION_INVALID)
        _expect(report, "shared-shutdown-shutoff", dom.shutdown,
                libvirt.VIR_ERR_OPERATION_INVALID)
        _expect(report, "shared-destroy-shutoff", dom.destroy,
                libvirt.VIR_ERR_OPERATION_INVALID)
        dom.create()
        _expect(report, "shared-start-running", dom.create,
                libvirt.VIR_ERR_OPERATION_INVALID)
        # A PV guest has no ACPI power button; no guest is rebooted by one.
        _expect(report, "shared-shutdown-acpi-pv",
                lambda: dom.shutdownFlags(libvirt.VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN),
                libvirt.VIR_ERR_OPERATION_UNSUPPORTED, "only HVM guests have one")
        _expect(report, "shared-reboot-acpi",
                lambda: dom.reboot(libvirt.VIR_DOMAIN_REBOOT_ACPI_POWER_BTN),
                libvirt.VIR_ERR_OPERATION_UNSUPPORTED, "PV control node")
        # A PV guest has no emulated reset line, keyboard, ACPI S3 or
        # display (without a vfb); an NMI reaches any guest.
        _expect(report, "shared-reset-pv", lambda: dom.reset(0),
                libvirt.VIR_ERR_OPERATION_UNSUPPORTED, "reset line")
        _expect(report, "shared-send-key-pv",
                lambda: dom.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 0, [35], 1, 0),
                libvirt.VIR_ERR_OPERATION_UNSUPPORTED, "emulated keyboard")
        _expect(report, "shared-pmsuspend-pv",
                lambda: dom.pMSuspendForDuration(libvirt.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0),
                libvirt.VIR_ERR_OPERATION_UNSUPPORTED, "ACPI sleep states")
        _expect(report, "shared-screenshot-no-display",
                lambda: dom.screenshot(conn.newStream(0), 0, 0),
                libvirt.VIR_ERR_OPERATION_INVALID, "no display")
        got, msg = _code(lambda: dom.injectNMI(0))
        report("shared-nmi-pv", got is None, msg)
        report("shared-refused-request-leaves-it-running",
               dom.state()[0] in (libvirt.VIR_DOMAIN_RUNNING,
                                  libvirt.VIR_DOMAIN_BLOCKED),
               "state %s" % (dom.state(),))
    finally:
        _cleanup(conn, name)

    dom = conn.defineXML(guest_xml(huge, 64 * 1024))
    try:
        _expect(report, "shared-start-too-big", dom.create,
                libvirt.VIR_ERR_OPERATION_FAILED, "not enough free memory")
        report("shared-start-too-big-leaves-nothing",
               not dom.isActive() and huge not in
               [d.name() for d in conn.listAllDomains(
                   libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE)],
               "domain active after a failed start")
    finally:
        _cleanup(conn, huge)

    dom = conn.defineXML(_with_device(guest_xml(vf, 128), MISSING_VF))
    try:
        _expect(report, "shared-vf-missing", dom.create,
                libvirt.VIR_ERR_NO_NODE_DEVICE, "no PCI device at 0000:fe:1f.7")
        report("shared-vf-missing-leaves-nothing", not dom.isActive(),
               "domain active after a failed start")
    finally:
        _cleanup(conn, vf)

    dom = conn.defineXML(_with_named_pci(guest_xml(named, 128)))
    try:
        _expect(report, "shared-pci-name-unknown", dom.create,
                libvirt.VIR_ERR_NO_NODE_DEVICE,
                "no PCI device named 'shared-no-such-device' is assignable")
        report("shared-pci-name-unknown-leaves-nothing", not dom.isActive(),
               "domain active after a failed start")
    finally:
        _cleanup(conn, named)
