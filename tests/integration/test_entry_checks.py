# SPDX-License-Identifier: LGPL-2.1-or-later
"""The order of an entry point's checks, through stock libvirtd: unknown
flags first (VIR_ERR_INVALID_ARG, whatever the domain), then the
lookup (VIR_ERR_NO_DOMAIN), then the access check, and only then any
other check of the arguments. A client refused access must not learn
anything about a domain from an error, so nothing about the arguments
may be said before the domain is found and the access allowed.

Each row below is one entry point, called as a client would. Rows with
bad arguments check that the lookup comes first: on a domain that does
not exist they must say NO_DOMAIN, not what is wrong with the
arguments."""

import unittest

import libvirt

from vxltest import DaemonTestCase, guest_xml

E = libvirt
BAD = 1 << 30          # a flag no API defines

SCHED = {"weight": 256}


# The Python binding of these calls another API without the flags
# first (the vCPU count, the scheduler's parameter count), so on a
# missing domain that call's NO_DOMAIN comes before the flags reach the
# driver: they are checked with unknown flags on the live domain only.
BINDING_LOOKS_UP_FIRST = {"vcpuPinInfo", "schedulerParametersFlags",
                          "setSchedulerParametersFlags"}


def entry_points(conn):
    """(name, call(dom, flags)) for every domain entry point that takes
    flags; the other arguments are ones the call accepts. (diskErrors is
    not here: its binding asks for the count with flags 0 and stops
    when there are none.)"""
    st = lambda: conn.newStream(0)  # noqa: E731
    return [
        ("XMLDesc", lambda d, f: d.XMLDesc(f)),
        ("state", lambda d, f: d.state(f)),
        ("createWithFlags", lambda d, f: d.createWithFlags(f)),
        ("destroyFlags", lambda d, f: d.destroyFlags(f)),
        ("shutdownFlags", lambda d, f: d.shutdownFlags(f)),
        ("reboot", lambda d, f: d.reboot(f)),
        ("undefineFlags", lambda d, f: d.undefineFlags(f)),
        ("setMemoryFlags", lambda d, f: d.setMemoryFlags(256 * 1024, f)),
        ("setVcpusFlags", lambda d, f: d.setVcpusFlags(1, f)),
        ("vcpusFlags", lambda d, f: d.vcpusFlags(f)),
        ("vcpuPinInfo", lambda d, f: d.vcpuPinInfo(f)),
        ("pinVcpuFlags", lambda d, f: d.pinVcpuFlags(0, (True,), f)),
        ("setVcpu", lambda d, f: d.setVcpu("0", 1, f)),
        ("schedulerParametersFlags", lambda d, f: d.schedulerParametersFlags(f)),
        ("setSchedulerParametersFlags",
         lambda d, f: d.setSchedulerParametersFlags(SCHED, f)),
        ("blockStatsFlags", lambda d, f: d.blockStatsFlags("xvda", f)),
        ("getCPUStats", lambda d, f: d.getCPUStats(True, f)),
        ("blockInfo", lambda d, f: d.blockInfo("xvda", f)),
        ("blockResize", lambda d, f: d.blockResize("xvda", 1 << 30, f)),
        ("numaParameters", lambda d, f: d.numaParameters(f)),
        ("interfaceParameters",
         lambda d, f: d.interfaceParameters("00:16:3e:00:00:01", f)),
        ("metadata", lambda d, f: d.metadata(E.VIR_DOMAIN_METADATA_DESCRIPTION,
                                             None, f)),
        ("setMetadata", lambda d, f: d.setMetadata(
            E.VIR_DOMAIN_METADATA_DESCRIPTION, "x", None, None, f)),
        ("managedSave", lambda d, f: d.managedSave(f)),
        ("hasManagedSaveImage", lambda d, f: d.hasManagedSaveImage(f)),
        ("managedSaveRemove", lambda d, f: d.managedSaveRemove(f)),
        ("managedSaveGetXMLDesc", lambda d, f: d.managedSaveGetXMLDesc(f)),
        ("attachDeviceFlags", lambda d, f: d.attachDeviceFlags(
            "<interface type='bridge'><source bridge='xenbr0'/></interface>", f)),
        ("detachDeviceFlags", lambda d, f: d.detachDeviceFlags(
            "<interface type='bridge'><mac address='00:16:3e:00:00:99'/>"
            "<source bridge='xenbr0'/></interface>", f)),
        ("detachDeviceAlias", lambda d, f: d.detachDeviceAlias("ua-none", f)),
        ("snapshotNum", lambda d, f: d.snapshotNum(f)),
        ("listAllSnapshots", lambda d, f: d.listAllSnapshots(f)),
        ("snapshotLookupByName", lambda d, f: d.snapshotLookupByName("s", f)),
        ("hasCurrentSnapshot", lambda d, f: d.hasCurrentSnapshot(f)),
        ("jobStats", lambda d, f: d.jobStats(f)),
        ("getTime", lambda d, f: d.getTime(f)),
        ("setTime", lambda d, f: d.setTime({"seconds": 1, "nseconds": 0}, f)),
        ("fSTrim", lambda d, f: d.fSTrim(None, 0, f)),
        ("fsThaw", lambda d, f: d.fsThaw(None, f)),
        ("guestInfo", lambda d, f: d.guestInfo(0, f)),
        ("guestVcpus", lambda d, f: d.guestVcpus(f)),
        ("setGuestVcpus", lambda d, f: d.setGuestVcpus("0", 1, f)),
        ("hostname", lambda d, f: d.hostname(f)),
        ("interfaceAddresses", lambda d, f: d.interfaceAddresses(
            E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP, f)),
        ("agentSetResponseTimeout",
         lambda d, f: d.agentSetResponseTimeout(5, f)),
        ("sendKey", lambda d, f: d.sendKey(E.VIR_KEYCODE_SET_LINUX, 0, [28], 1, f)),
        ("PMSuspendForDuration", lambda d, f: d.pMSuspendForDuration(
            E.VIR_NODE_SUSPEND_TARGET_MEM, 0, f)),
        ("PMWakeup", lambda d, f: d.pMWakeup(f)),
        ("injectNMI", lambda d, f: d.injectNMI(f)),
        ("reset", lambda d, f: d.reset(f)),
        ("screenshot", lambda d, f: d.screenshot(st(), 0, f)),
        ("openConsole", lambda d, f: d.openConsole(None, st(), f)),
        ("setLifecycleAction", lambda d, f: d.setLifecycleAction(
            E.VIR_DOMAIN_LIFECYCLE_POWEROFF, E.VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY,
            f)),
        ("controlInfo", lambda d, f: d.controlInfo(f)),
        ("migrateGetMaxSpeed", lambda d, f: d.migrateGetMaxSpeed(f)),
        ("migrateSetMaxSpeed", lambda d, f: d.migrateSetMaxSpeed(100, f)),
        ("migrateSetMaxDowntime", lambda d, f: d.migrateSetMaxDowntime(100, f)),
        ("setMemoryStatsPeriod", lambda d, f: d.setMemoryStatsPeriod(0, f)),
        ("coreDumpWithFormat", lambda d, f: d.coreDumpWithFormat(
            "/nonexistent/core", E.VIR_DOMAIN_CORE_DUMP_FORMAT_RAW, f)),
        ("rename", lambda d, f: d.rename("entry-renamed", f)),
        ("ioThreadInfo", lambda d, f: d.ioThreadInfo(f)),
    ]


def bad_argument_calls():
    """Calls whose arguments the driver refuses (not libvirt's public
    layer): on a domain that does not exist they say NO_DOMAIN."""
    return [
        ("setTime nanoseconds", lambda d: d.setTime(
            {"seconds": 1, "nseconds": 2000000000}, 0)),
        ("setTime negative", lambda d: d.setTime({"seconds": -5}, 0)),
        ("fsThaw mount points", lambda d: d.fsThaw(["/"], 0)),
        ("fsTrim mount point", lambda d: d.fSTrim("/", 0, 0)),
        ("guestInfo types", lambda d: d.guestInfo(1 << 20, 0)),
        ("setGuestVcpus state", lambda d: d.setGuestVcpus("0", 7, 0)),
        ("setGuestVcpus map", lambda d: d.setGuestVcpus("zz", 1, 0)),
        ("agentSetResponseTimeout", lambda d: d.agentSetResponseTimeout(-9, 0)),
        ("PMSuspendForDuration target", lambda d: d.pMSuspendForDuration(
            E.VIR_NODE_SUSPEND_TARGET_DISK, 0, 0)),
        ("PMSuspendForDuration duration", lambda d: d.pMSuspendForDuration(
            E.VIR_NODE_SUSPEND_TARGET_MEM, 60, 0)),
        ("coreDumpWithFormat format", lambda d: d.coreDumpWithFormat(
            "/nonexistent/core", E.VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_ZLIB, 0)),
        ("blockResize size", lambda d: d.blockResize("xvda", 1 << 54, 0)),
        ("sendKey key", lambda d: d.sendKey(E.VIR_KEYCODE_SET_LINUX, 0,
                                            [99999], 1, 0)),
    ]


class EntryCheckOrderTest(DaemonTestCase):

    maxDiff = None

    def setUp(self):
        super().setUp()
        self.live = self.conn.createXML(guest_xml("entry-live"), 0)
        # A handle whose domain is gone: defined, then undefined.
        self.ghost = self.conn.defineXML(guest_xml("entry-ghost"))
        self.ghost.undefine()

    def code_of(self, fn):
        libvirt.virResetLastError()
        try:
            ret = fn()
        except libvirt.libvirtError as e:
            return e.get_error_code(), str(e)
        # A few bindings (guestVcpus) answer None for a failure.
        err = libvirt.virGetLastError()
        if ret is None and err:
            return err[0], err[2]
        return None, "no error"

    def test_unknown_flag_is_invalid_arg(self):
        """An unknown flag is refused before anything else, whether or
        not the domain exists, and the domain is left as it was."""
        before = self.live.XMLDesc(0)
        wrong = []
        for name, call in entry_points(self.conn):
            doms = [(self.live, "live")]
            if name not in BINDING_LOOKS_UP_FIRST:
                doms.append((self.ghost, "missing"))
            for dom, which in doms:
                code, text = self.code_of(lambda: call(dom, BAD))
                if code != E.VIR_ERR_INVALID_ARG:
                    wrong.append("%s on a %s domain: %s (%s)"
                                 % (name, which, code, text))
        self.assertEqual(wrong, [])
        self.assertTrue(self.live.isActive())
        self.assertEqual(self.live.XMLDesc(0), before)

    def test_missing_domain_is_no_domain(self):
        """Valid flags on a domain that does not exist: NO_DOMAIN."""
        wrong = []
        for name, call in entry_points(self.conn):
            code, text = self.code_of(lambda: call(self.ghost, 0))
            if code != E.VIR_ERR_NO_DOMAIN:
                wrong.append("%s: %s (%s)" % (name, code, text))
        self.assertEqual(wrong, [])

    def test_lookup_before_argument_checks(self):
        """Arguments the driver would refuse say nothing before the
        domain is found: NO_DOMAIN on a missing domain; on the running
        one the argument's own error, and the domain is unchanged."""
        wrong = []
        for name, call in bad_argument_calls():
            code, text = self.code_of(lambda: call(self.ghost))
            if code != E.VIR_ERR_NO_DOMAIN:
                wrong.append("%s on a missing domain: %s (%s)"
                             % (name, code, text))
            code, text = self.code_of(lambda: call(self.live))
            if code in (None, E.VIR_ERR_NO_DOMAIN):
                wrong.append("%s on the running domain: %s (%s)"
                             % (name, code, text))
        self.assertEqual(wrong, [])
        self.assertTrue(self.live.isActive())


if __name__ == "__main__":
    unittest.main()
