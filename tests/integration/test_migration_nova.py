# SPDX-License-Identifier: LGPL-2.1-or-later
"""Nova 22 (Victoria) live migration with virt_type=xen, replayed through
python3-libvirt between two simulated hosts exactly as Nova's libvirt
driver makes the calls (nova/virt/libvirt/driver.py
_prepare_migration_flags, _parse_migration_flags, _live_migration_uri,
_migrate_uri, _live_migration_operation; guest.py Guest.migrate;
migration.py update_downtime; the monitor's jobStats polling).

Nova's own call cannot work against any libvirt 9.0 driver: without
VIR_MIGRATE_PEER2PEER the client library drops the destination URI and
refuses the persistent_xml parameter Nova always sends (see
docs/migration.md, "Nova 22"). With the one flag Nova withholds for Xen
added (the documented one-line change to Nova), the very same call
migrates, peer-to-peer, tunnelled or not, to Nova's xenmigr:// URI.
"""

import threading
import time
import unittest

import libvirt

from test_migration import TwoHosts
from vxltest import wait_for

E = libvirt


class Nova22Xen:
    """What Nova 22's libvirt driver does for one live migration with
    virt_type=xen, reduced to the libvirt calls and their arguments."""

    def __init__(self, tunnelled=False, peer2peer_patch=False, bandwidth=0,
                 live_migration_uri=None):
        self.tunnelled = tunnelled
        self.live_migration_uri = live_migration_uri
        self.peer2peer_patch = peer2peer_patch
        self.bandwidth = bandwidth

    def flags(self):
        # _prepare_migration_flags: LIVE, no PEER2PEER for xen ("xen does
        # not support p2p migrations"), UNDEFINE_SOURCE, PERSIST_DEST;
        # _handle_live_migration_tunnelled adds TUNNELLED when
        # [libvirt]live_migration_tunnelled is set. TLS, POSTCOPY and
        # AUTO_CONVERGE stay off with Nova's defaults.
        flags = E.VIR_MIGRATE_LIVE
        if self.peer2peer_patch:
            flags |= E.VIR_MIGRATE_PEER2PEER
        flags |= E.VIR_MIGRATE_UNDEFINE_SOURCE | E.VIR_MIGRATE_PERSIST_DEST
        if self.tunnelled:
            flags |= E.VIR_MIGRATE_TUNNELLED
        return flags

    def migrate(self, dom, dest):
        # _live_migration_uri: [libvirt]live_migration_uri % dest when
        # set (deprecated, still read), else 'xenmigr://%(dest)s/system'
        # for xen; _migrate_uri gives None for xen, so no 'migrate_uri'.
        # Guest.migrate: bandwidth always; destination_xml and
        # persistent_xml both the updated guest XML (every virt_type but
        # parallels); migrate_disks only for a block migration.
        new_xml = dom.XMLDesc(E.VIR_DOMAIN_XML_MIGRATABLE)
        params = {"bandwidth": self.bandwidth,
                  "destination_xml": new_xml,
                  "persistent_xml": new_xml}
        if self.live_migration_uri:
            uri = self.live_migration_uri % dest
        else:
            uri = "xenmigr://%(dest)s/system" % {"dest": dest}
        dom.migrateToURI3(uri, params=params, flags=self.flags())

    @staticmethod
    def monitor_step(dom, downtime_ms):
        """One round of _live_migration_monitor: Guest.get_job_info
        (jobStats; a domain gone from the source means the job is over)
        and migration.update_downtime, which logs and ignores a
        libvirtError from migrateSetMaxDowntime. Returns the statistics
        (None once the domain is gone) and the downtime call's error
        code (None when it was accepted)."""
        try:
            stats = dom.jobStats()
        except libvirt.libvirtError as e:
            if e.get_error_code() != E.VIR_ERR_NO_DOMAIN:
                raise
            stats = None
        try:
            dom.migrateSetMaxDowntime(downtime_ms)
            refused = None
        except libvirt.libvirtError as e:
            refused = e.get_error_code()
        return stats, refused


class Nova22XenTest(TwoHosts):

    def sim_uri(self):
        """Nova's xenmigr://HOST/system reaches xen+tcp://HOST/system; the
        simulator's daemon listens on a UNIX socket instead, which a
        xenmigr:// URI names in a socket= query. The test sets it as Nova
        lets an operator: [libvirt]live_migration_uri, a template for the
        destination's host name."""
        return ("xenmigr://%s/system?socket=" +
                self.b.path("run", "libvirt-sock"))

    def assert_untouched(self, name):
        dom = self.ca.lookupByName(name)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertTrue(dom.isPersistent())
        self.assertEqual(self.names(self.cb), [])

    def test_nova_exact_call_refused_by_client_library(self):
        """Nova 22's call as it is: the client library refuses it before
        the driver is called (persistent_xml is not a parameter of the
        direct protocol), tunnelled or not; nothing moves."""
        dom = self.start_guest("nova-exact")
        for nova in (Nova22Xen(), Nova22Xen(tunnelled=True)):
            with self.assertRaises(libvirt.libvirtError) as cm:
                nova.migrate(dom, "host-b")
            self.assertEqual(cm.exception.get_error_code(),
                             E.VIR_ERR_ARGUMENT_UNSUPPORTED)
            self.assertIn("not supported by migration protocol 3",
                          str(cm.exception))
            self.assert_untouched("nova-exact")

    def test_nova_exact_call_without_persistent_xml(self):
        """Even without persistent_xml (Nova 21 and older) the driver gets
        no destination: it says which flag or parameter is missing."""
        dom = self.start_guest("nova-old")
        xml = dom.XMLDesc(E.VIR_DOMAIN_XML_MIGRATABLE)
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.migrateToURI3("xenmigr://host-b/system",
                              {"bandwidth": 0, "destination_xml": xml},
                              E.VIR_MIGRATE_LIVE | E.VIR_MIGRATE_PERSIST_DEST |
                              E.VIR_MIGRATE_UNDEFINE_SOURCE)
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_INVALID_ARG)
        self.assertIn("VIR_MIGRATE_PEER2PEER", str(cm.exception))
        self.assertIn("VIR_MIGRATE_PARAM_URI", str(cm.exception))
        self.assert_untouched("nova-old")

    def _migrate_like_nova(self, nova, name):
        dom = self.start_guest(name, memory_mib=512)
        out = {}

        def run():
            try:
                nova.migrate(dom, "host-b")
                out["ok"] = True
            except libvirt.libvirtError as e:
                out["error"] = e

        t = threading.Thread(target=run)
        t.start()
        # Nova's monitor, every 500 ms (here faster) while the call runs:
        # progress, and the downtime steps (refused with the reason, or the
        # domain gone once the job is over; Nova logs either).
        progress = []
        refusals = set()
        while t.is_alive():
            stats, refused = Nova22Xen.monitor_step(dom, 500)
            if stats and stats.get("memory_processed"):
                self.assertEqual(stats["type"], E.VIR_DOMAIN_JOB_UNBOUNDED)
                self.assertEqual(stats["memory_total"], 512 << 20)
                progress.append(stats["memory_processed"])
            refusals.add(refused)
            time.sleep(0.1)
        self.assertTrue(progress, f"no progress seen; the call gave {out}")
        self.assertTrue(refusals)
        self.assertLessEqual(refusals, {E.VIR_ERR_OPERATION_UNSUPPORTED,
                                        E.VIR_ERR_NO_DOMAIN})
        t.join()
        self.assertEqual(out, {"ok": True})
        moved = self.cb.lookupByName(name)
        self.assertEqual(moved.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertTrue(moved.isPersistent())
        self.assertEqual(self.names(self.ca), [])
        # Nova's monitor after the call: the job is over on the source.
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.jobStats()
        self.assertEqual(cm.exception.get_error_code(), E.VIR_ERR_NO_DOMAIN)

    def test_nova_with_peer2peer(self):
        """Nova's call plus VIR_MIGRATE_PEER2PEER, to a xenmigr:// URI
        and with Nova's bandwidth cap."""
        self._migrate_like_nova(
            Nova22Xen(peer2peer_patch=True, bandwidth=64,
                      live_migration_uri=self.sim_uri()), "nova-p2p")

    def test_nova_with_peer2peer_tunnelled(self):
        """The same with [libvirt]live_migration_tunnelled = True."""
        self._migrate_like_nova(
            Nova22Xen(peer2peer_patch=True, tunnelled=True, bandwidth=64,
                      live_migration_uri=self.sim_uri()), "nova-tun")


if __name__ == "__main__":
    unittest.main()
