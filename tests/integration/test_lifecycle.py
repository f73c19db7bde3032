# SPDX-License-Identifier: LGPL-2.1-or-later
"""The whole domain lifecycle through stock libvirtd and python3-libvirt."""

import unittest

import libvirt

from vxltest import DaemonTestCase, EventRecorder, guest_xml, wait_for

E = libvirt


class LifecycleTest(DaemonTestCase):

    def define(self, name, **kw):
        return self.conn.defineXML(guest_xml(name, **kw))

    def test_define_start_stop_undefine(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)

        dom = self.define("life1", memory_mib=512, current_mib=384, vcpus=2,
                          max_vcpus=4)
        ev.wait("life1", E.VIR_DOMAIN_EVENT_DEFINED, E.VIR_DOMAIN_EVENT_DEFINED_ADDED)
        self.assertFalse(dom.isActive())
        self.assertTrue(dom.isPersistent())
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_UNKNOWN])
        self.assertEqual(dom.ID(), -1)

        dom.create()
        ev.wait("life1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        self.assertTrue(dom.isActive())
        self.assertGreater(dom.ID(), 0)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING, E.VIR_DOMAIN_RUNNING_BOOTED])
        state, maxmem, mem, ncpu, cputime = dom.info()
        self.assertEqual(state, E.VIR_DOMAIN_RUNNING)
        self.assertEqual(maxmem, 512 * 1024)
        self.assertEqual(mem, 384 * 1024)
        self.assertEqual(ncpu, 2)
        self.assertEqual(dom.maxMemory(), 512 * 1024)
        self.assertEqual(dom.OSType(), "xen")

        # CPU time advances while the guest runs.
        t0 = dom.info()[4]
        wait_for(lambda: dom.info()[4] > t0, what="cpu time to advance")

        dom.suspend()
        ev.wait("life1", E.VIR_DOMAIN_EVENT_SUSPENDED, E.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED, E.VIR_DOMAIN_PAUSED_USER])
        # Paused: CPU time stands still.
        t1 = dom.info()[4]
        import time
        time.sleep(0.3)
        self.assertEqual(dom.info()[4], t1)

        dom.resume()
        ev.wait("life1", E.VIR_DOMAIN_EVENT_RESUMED, E.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING, E.VIR_DOMAIN_RUNNING_UNPAUSED])

        dom.shutdown()
        ev.wait("life1", E.VIR_DOMAIN_EVENT_SHUTDOWN, E.VIR_DOMAIN_EVENT_SHUTDOWN_HOST)
        ev.wait("life1", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_SHUTDOWN])

        dom.create()
        ev.wait("life1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        dom.destroy()
        ev.wait("life1", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_DESTROYED])

        dom.undefine()
        ev.wait("life1", E.VIR_DOMAIN_EVENT_UNDEFINED, E.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED)
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "life1")

    def test_ignored_settings_said_once(self):
        # What Xen ignores of a definition is said in the log once per
        # define and once per start, not at each of the parses and checks
        # in between (status files, copies, the validation before start).
        viridian = "<features><viridian/> is ignored: Xen offers Viridian to HVM guests only"
        mark = len(self.daemon.log())
        dom = self.conn.defineXML(guest_xml("notes-pv").replace(
            "</os>", "</os><features><viridian/></features>"))
        self.assertEqual(self.daemon.log()[mark:].count(viridian), 1)
        dom.create()
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        dom.XMLDesc(0)
        dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertEqual(self.daemon.log()[mark:].count(viridian), 2)
        # An HVM guest's <bootloader> is taken out of the definition at
        # define, and said then only: the start has none left to drop.
        dropped = "<bootloader> and <bootloader_args> are dropped"
        mark = len(self.daemon.log())
        hvm = self.conn.defineXML(guest_xml("notes-hvm", ostype="hvm").replace(
            "<os>", "<bootloader>/usr/bin/pygrub</bootloader><os>"))
        hvm.create()
        self.addCleanup(lambda: hvm.isActive() and hvm.destroy())
        self.assertNotIn("<bootloader>", hvm.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        self.assertEqual(self.daemon.log()[mark:].count(dropped), 1)

    def test_domids_increase_and_are_not_reused(self):
        dom = self.define("ids1")
        seen = []
        for _ in range(3):
            dom.create()
            seen.append(dom.ID())
            dom.destroy()
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(len(set(seen)), 3)

    def test_start_paused(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.define("paused1")
        dom.createWithFlags(E.VIR_DOMAIN_START_PAUSED)
        ev.wait("paused1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        ev.wait("paused1", E.VIR_DOMAIN_EVENT_SUSPENDED, E.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        dom.resume()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

    def test_create_xml_transient(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.conn.createXML(guest_xml("trans1"), 0)
        ev.wait("trans1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        self.assertTrue(dom.isActive())
        self.assertFalse(dom.isPersistent())
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.undefine)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.setAutostart, 1)
        dom.destroy()
        # A transient domain is gone once it stops.
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "trans1")

    def test_create_xml_paused(self):
        dom = self.conn.createXML(guest_xml("trans2"), E.VIR_DOMAIN_START_PAUSED)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)

    def test_lookups_and_lists(self):
        a = self.define("look-a")
        b = self.define("look-b")
        a.create()
        self.assertEqual(self.conn.lookupByID(a.ID()).name(), "look-a")
        self.assertEqual(self.conn.lookupByUUIDString(b.UUIDString()).name(), "look-b")
        self.assertEqual(self.conn.lookupByName("look-b").UUIDString(), b.UUIDString())
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByID, 4000)
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "nope")

        # Domain-0 is listed too, as xl list and libvirt's libxl driver do.
        self.assertEqual(sorted(self.conn.listDomainsID()), [0, a.ID()])
        self.assertEqual(self.conn.numOfDomains(), 2)
        self.assertEqual(self.conn.listDefinedDomains(), ["look-b"])
        self.assertEqual(self.conn.numOfDefinedDomains(), 1)
        names = lambda flags: sorted(d.name() for d in self.conn.listAllDomains(flags))
        self.assertEqual(names(0), ["Domain-0", "look-a", "look-b"])
        self.assertEqual(names(E.VIR_CONNECT_LIST_DOMAINS_ACTIVE), ["Domain-0", "look-a"])
        self.assertEqual(names(E.VIR_CONNECT_LIST_DOMAINS_INACTIVE), ["look-b"])
        self.assertEqual(names(E.VIR_CONNECT_LIST_DOMAINS_PERSISTENT),
                         ["Domain-0", "look-a", "look-b"])
        self.assertEqual(names(E.VIR_CONNECT_LIST_DOMAINS_TRANSIENT), [])

    def test_xml_desc_live_and_inactive(self):
        dom = self.define("xml1", memory_mib=512)
        dom.create()
        live = dom.XMLDesc(0)
        self.assertIn(f"<domain type='xen' id='{dom.ID()}'>", live)
        # Xen's OUI for generated MACs, as xl does.
        self.assertIn("<mac address='00:16:3e:", live)
        # A change made while running applies to the next start only.
        new = guest_xml("xml1", memory_mib=1024, uid=dom.UUIDString())
        self.conn.defineXML(new)
        self.assertIn("<memory unit='KiB'>524288</memory>", dom.XMLDesc(0))
        self.assertIn("<memory unit='KiB'>1048576</memory>",
                      dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        dom.destroy()
        self.assertIn("<memory unit='KiB'>1048576</memory>", dom.XMLDesc(0))

    def test_defaults_filled_in(self):
        xml = """<domain type='xen'><name>dflt</name><memory>262144</memory>
          <os><type>xen</type><kernel>/boot/vmlinuz</kernel></os>
          <devices><disk type='file' device='disk'><source file='/x.img'/>
          <target dev='xvda'/></disk><interface type='bridge'>
          <source bridge='xenbr0'/></interface></devices></domain>"""
        dom = self.conn.defineXML(xml)
        desc = dom.XMLDesc(0)
        self.assertIn("arch='x86_64'", desc)
        self.assertIn("machine='xenpv'", desc)
        self.assertIn("bus='xen'", desc)
        self.assertIn("<mac address='00:16:3e:", desc)

    def test_autostart_flag(self):
        dom = self.define("auto1")
        self.assertEqual(dom.autostart(), 0)
        dom.setAutostart(1)
        self.assertEqual(dom.autostart(), 1)
        dom.setAutostart(0)
        self.assertEqual(dom.autostart(), 0)

    def test_is_updated_and_managed_save(self):
        dom = self.define("upd1")
        dom.create()
        self.assertFalse(dom.isUpdated())
        self.assertFalse(dom.hasManagedSaveImage(0))

    def test_reboot(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.define("reboot1")
        dom.create()
        old = dom.ID()
        dom.reboot(0)
        ev.wait("reboot1", "reboot")
        ev.wait("reboot1", E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        # Xen rebuilds the domain: a new domid.
        self.assertNotEqual(self.conn.lookupByName("reboot1").ID(), old)

    def test_undefine_running_becomes_transient(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.define("undef-run")
        dom.create()
        dom.undefine()
        ev.wait("undef-run", E.VIR_DOMAIN_EVENT_UNDEFINED)
        self.assertTrue(dom.isActive())
        self.assertFalse(dom.isPersistent())
        dom.destroy()
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "undef-run")

    def test_legacy_event_callback(self):
        got = []
        cb = lambda conn, dom, event, detail, opaque: got.append((dom.name(), event, detail))
        self.conn.domainEventRegister(cb, None)
        try:
            dom = self.define("legacy1")
            dom.create()
            wait_for(lambda: (("legacy1", E.VIR_DOMAIN_EVENT_STARTED,
                               E.VIR_DOMAIN_EVENT_STARTED_BOOTED) in got),
                     what="legacy started event")
        finally:
            self.conn.domainEventDeregister(cb)

    def test_virsh_session(self):
        """The same life through the real virsh binary."""
        d = self.daemon
        import tempfile, os
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
            f.write(guest_xml("vsh1", memory_mib=300))
        self.addCleanup(os.unlink, f.name)
        d.virsh("define", f.name)
        d.virsh("start", "vsh1")
        out = d.virsh("list").stdout
        self.assertRegex(out, r"\s\d+\s+vsh1\s+running")
        info = d.virsh("dominfo", "vsh1").stdout
        self.assertRegex(info, r"Max memory:\s+307200 KiB")
        self.assertRegex(info, r"Persistent:\s+yes")
        d.virsh("suspend", "vsh1")
        self.assertEqual(d.virsh("domstate", "vsh1").stdout.strip(), "paused")
        d.virsh("resume", "vsh1")
        d.virsh("shutdown", "vsh1")
        wait_for(lambda: d.virsh("domstate", "vsh1").stdout.strip() == "shut off",
                 what="vsh1 to shut off")
        d.virsh("start", "vsh1")
        d.virsh("destroy", "vsh1")
        d.virsh("undefine", "vsh1")
        res = d.virsh("dominfo", "vsh1", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("failed to get domain 'vsh1'", res.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
