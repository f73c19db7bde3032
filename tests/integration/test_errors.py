# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bad input and failures: each refused with the right error code and a
message naming what is wrong, and each leaving no partial state behind:
no domain in the lists that was not there, no status file, no config
file, no host memory taken."""

import json
import os
import time
import unittest

import libvirt

from vxltest import TOP, DaemonTestCase, EventRecorder, guest_xml, wait_for

E = libvirt
MiB = 1024 * 1024


def files_under(top):
    out = set()
    for d, _, names in os.walk(top):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), top))
    return out


class ErrorTestBase(DaemonTestCase):

    def define(self, name, **kw):
        return self.conn.defineXML(guest_xml(name, **kw))

    def status_file(self, name):
        return self.daemon.path("run", "libxl", name + ".xml")

    def config_file(self, name):
        return self.daemon.path("etc", "libxl", name + ".xml")

    def snapshot(self):
        """Everything a failed operation must leave as it was."""
        doms = sorted((d.name(), d.UUIDString(), d.ID(), tuple(d.state()),
                       d.isPersistent())
                      for d in self.conn.listAllDomains())
        etc = {}
        for rel in files_under(self.daemon.path("etc", "libxl")):
            # An undefined domain's definition, renamed aside, is removed
            # by the flusher in its own time (docs/driver.md).
            if rel.endswith(".gone"):
                continue
            with open(self.daemon.path("etc", "libxl", rel)) as f:
                etc[rel] = f.read()
        return {
            "domains": doms,
            "run/libxl": files_under(self.daemon.path("run", "libxl")) - {"fault-inject"},
            "etc/libxl": etc,
            "free": self.conn.getFreeMemory(),
        }

    def assertUnchanged(self, before):
        after = self.snapshot()
        for key in before:
            self.assertEqual(after[key], before[key], f"{key} changed")

    def assertRefused(self, code, fn, *args, contains=()):
        """The call fails with @code, the message names each of @contains,
        and nothing else changed."""
        before = self.snapshot()
        err = self.assertLibvirtError(code, fn, *args)
        for s in contains:
            self.assertIn(s, str(err))
        self.assertUnchanged(before)
        return err


class BadXMLTest(ErrorTestBase):

    def test_malformed_xml(self):
        bad = guest_xml("malformed")[:-20]  # cut off mid-element
        for fn in (self.conn.defineXML, lambda x: self.conn.createXML(x, 0)):
            # libvirt reports libxml2's parse errors as VIR_ERR_XML_DETAIL
            # with the line and a caret under the spot (every driver does:
            # the parser is libvirt's, not ours).
            err = self.assertRefused(E.VIR_ERR_XML_DETAIL, fn, bad,
                                     contains=("Premature end of data",))
            print(f"\n  malformed XML: {err}")
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "malformed")

    def test_not_a_domain(self):
        self.assertRefused(E.VIR_ERR_XML_ERROR, self.conn.defineXML,
                           "<network><name>n</name></network>",
                           contains=("network",))

    def test_unknown_element(self):
        xml = guest_xml("unknown-el").replace(
            "<devices>", "<frobnicator level='11'/><devices>")
        # Without validation libvirt ignores what it does not know, as in
        # every driver ...
        dom = self.conn.defineXML(xml)
        self.assertNotIn("frobnicator", dom.XMLDesc(0))
        dom.undefine()
        # ... with VIR_DOMAIN_DEFINE_VALIDATE the RelaxNG schema refuses it.
        err = self.assertRefused(E.VIR_ERR_XML_INVALID_SCHEMA,
                                 self.conn.defineXMLFlags, xml,
                                 E.VIR_DOMAIN_DEFINE_VALIDATE,
                                 contains=("frobnicator",))
        print(f"\n  schema: {str(err)[:200]}")
        # createXML has the same flag.
        self.assertRefused(E.VIR_ERR_XML_INVALID_SCHEMA, self.conn.createXML,
                           xml, E.VIR_DOMAIN_START_VALIDATE)
        # A valid domain passes the same validation.
        dom = self.conn.defineXMLFlags(guest_xml("valid-el", script={"boot-delay-ms": 0}),
                                       E.VIR_DOMAIN_DEFINE_VALIDATE)
        self.assertEqual(dom.name(), "valid-el")

    def test_domain_type_kvm(self):
        xml = guest_xml("kvm1").replace("<domain type='xen'>", "<domain type='kvm'>")
        self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML, xml,
                           contains=("<domain type='kvm'>", "type='xen'"))
        self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED,
                           lambda x: self.conn.createXML(x, 0), xml,
                           contains=("<domain type='kvm'>",))

    def test_os_type_exe(self):
        xml = """<domain type='xen'><name>exe1</name><memory>262144</memory>
          <os><type>exe</type><init>/sbin/init</init></os></domain>"""
        self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML, xml,
                           contains=("<os><type>exe</type>",))

    def test_pv_firmware_refused_though_libvirt_drops_it(self):
        # libvirt's parser drops <os firmware> and <os><firmware> for PV
        # and PVH guests without a word; the schema refuses them, but
        # only when the client asks for validation. Refused either way.
        for ostype in ("xen", "xenpvh"):
            for what, repl in (("attr", "<os firmware='efi'>"),
                               ("element", "<os><firmware><feature enabled='no' name='secure-boot'/></firmware>")):
                with self.subTest(ostype=ostype, what=what):
                    name = f"fw-{ostype}-{what}"
                    xml = guest_xml(name, ostype=ostype)
                    if what == "attr":
                        xml = xml.replace("<os>", repl, 1)
                    else:
                        xml = xml.replace("</os>", repl[4:] + "</os>", 1)
                    self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, self.conn.defineXML, xml,
                                       contains=("<os firmware>", "PV and PVH"))
                    self.assertNotIn(name, [d.name() for d in self.conn.listAllDomains()])
        # An HVM guest's firmware is still its own business.
        xml = guest_xml("fw-hvm", ostype="hvm").replace("<os>", "<os firmware='efi'>", 1)
        self.assertEqual(self.conn.defineXML(xml).name(), "fw-hvm")

    def test_unsupported_devices_refused_at_define(self):
        cases = {
            "lun": ("<disk type='block' device='lun'><source dev='/dev/sdz'/>"
                    "<target dev='xvdb' bus='xen'/></disk>",
                    "<disk device='lun'>"),
            "floppy": ("<disk type='file' device='floppy'><source file='/f.img'/>"
                       "<target dev='xvdc' bus='xen'/></disk>",
                       "<disk device='floppy'>"),
            "qcow3": ("<disk type='file' device='disk'><driver name='qemu' type='vmdk'/>"
                      "<source file='/x.vmdk'/><target dev='xvdd' bus='xen'/></disk>",
                      "<disk><driver type='vmdk'>"),
            "nic-model": ("<interface type='bridge'><source bridge='xenbr0'/>"
                          "<model type='e1000'/></interface>",
                          "<interface><model type='e1000'>"),
        }
        for what, (dev, named) in cases.items():
            with self.subTest(what):
                xml = guest_xml("dev-" + what).replace("</devices>", dev + "</devices>")
                err = self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED,
                                         self.conn.defineXML, xml,
                                         contains=(named,))
                print(f"\n  {what}: {err}")

    def test_disk_targets_libxl_cannot_number(self):
        # Inputs the translation fuzzer found: a <target> without dev=
        # crashed the daemon; hde... made libvirt add a controller for
        # every disk number up to it (minutes for hdzzzz). Both are
        # refused quickly now, and the daemon lives on.
        cases = {
            "no-dev": ("<target bus='xen'/>", E.VIR_ERR_XML_ERROR,
                       "<disk><target> needs a dev attribute"),
            "hde": ("<target dev='hde' bus='ide'/>", E.VIR_ERR_CONFIG_UNSUPPORTED,
                    "hd* disks go up to hdd"),
            "huge": ("<target dev='hdzzzz' bus='ide'/>", E.VIR_ERR_CONFIG_UNSUPPORTED,
                     "<disk><target dev='hdzzzz'>"),
        }
        for what, (target, code, named) in cases.items():
            with self.subTest(what):
                dev = ("<disk type='file' device='disk'><source file='/x.img'/>"
                       + target + "</disk>")
                xml = guest_xml("tgt-" + what, ostype="hvm").replace("</devices>", dev + "</devices>")
                err = self.assertRefused(code, self.conn.defineXML, xml,
                                         contains=(named,))
                print(f"\n  {what}: {err}")
        self.assertTrue(self.conn.isAlive())

    def test_bad_guest_script(self):
        # The project's own metadata is checked when it is used (at start):
        # the domain stays shut off, nothing is left behind.
        dom = self.define("badscript", script={"shutdown": "sometimes"})
        self.assertRefused(E.VIR_ERR_XML_DETAIL, dom.create,
                           contains=("sometimes",))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)


class DuplicateTest(ErrorTestBase):

    def test_duplicate_name_other_uuid(self):
        orig = self.define("dup-name", memory_mib=300)
        uuid = orig.UUIDString()
        xml0 = orig.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, self.conn.defineXML,
                           guest_xml("dup-name", memory_mib=600),
                           contains=("dup-name", uuid))
        dom = self.conn.lookupByName("dup-name")
        self.assertEqual(dom.UUIDString(), uuid)
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), xml0)
        # Also while it runs.
        dom.create()
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, self.conn.defineXML,
                           guest_xml("dup-name", memory_mib=600),
                           contains=("dup-name",))
        self.assertTrue(dom.isActive())

    def test_duplicate_uuid_other_name(self):
        orig = self.define("dup-uuid-a", memory_mib=300)
        uuid = orig.UUIDString()
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, self.conn.defineXML,
                           guest_xml("dup-uuid-b", uid=uuid),
                           contains=("dup-uuid-a", uuid))
        self.assertEqual(self.conn.lookupByUUIDString(uuid).name(), "dup-uuid-a")
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "dup-uuid-b")
        self.assertFalse(os.path.exists(self.config_file("dup-uuid-b")))
        self.assertTrue(os.path.exists(self.config_file("dup-uuid-a")))
        # Also while it runs: no rename through define.
        orig.create()
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, self.conn.defineXML,
                           guest_xml("dup-uuid-b", uid=uuid),
                           contains=("dup-uuid-a",))
        self.assertEqual(self.conn.lookupByUUIDString(uuid).name(), "dup-uuid-a")
        self.assertTrue(orig.isActive())

    def test_create_xml_name_of_running_domain(self):
        run = self.define("busy", memory_mib=300)
        run.create()
        domid = run.ID()
        live = run.XMLDesc(0)
        # Another UUID under the same name ...
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, self.conn.createXML,
                           guest_xml("busy"), 0, contains=("busy",))
        # ... and the very same domain again (already active).
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, self.conn.createXML,
                           guest_xml("busy", uid=run.UUIDString()), 0,
                           contains=("busy",))
        dom = self.conn.lookupByName("busy")
        self.assertEqual(dom.ID(), domid)
        self.assertTrue(dom.isActive())
        self.assertTrue(dom.isPersistent())
        self.assertEqual(dom.XMLDesc(0), live)
        self.assertTrue(os.path.exists(self.status_file("busy")))


class StateTest(ErrorTestBase):

    def test_start_running_domain(self):
        dom = self.define("twice")
        dom.create()
        domid = dom.ID()
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, dom.create,
                           contains=("twice", "already running"))
        self.assertEqual(dom.ID(), domid)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING, E.VIR_DOMAIN_RUNNING_BOOTED])

    def test_soundhw_libxl_refuses_at_start(self):
        # xl reads soundhw="all" and comma lists; libxl 4.17 fails the
        # create on them, so define takes them and start refuses, naming
        # libxl's reason, before the backend is asked.
        ns = "https://virtxl.dev/xmlns/domain/1.0"
        for i, hw in enumerate(("all", "ac97,es1370")):
            xml = guest_xml("snd%d" % i, ostype="hvm").replace(
                "<domain type='xen'>", "<domain type='xen' xmlns:virtxl='%s'>" % ns).replace(
                "</domain>", "<virtxl:soundhw value='%s'/></domain>" % hw)
            dom = self.conn.defineXML(xml)
            self.assertIn("<virtxl:soundhw value='%s'/>" % hw, dom.XMLDesc(0))
            self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.create,
                               contains=("snd%d" % i, "soundhw '%s'" % hw,
                                         "Unknown soundhw option"))
            self.assertEqual(dom.state()[0], E.VIR_DOMAIN_SHUTOFF)
        # One card of libxl's that libvirt has no model for starts.
        xml = guest_xml("sndgus", ostype="hvm").replace(
            "<domain type='xen'>", "<domain type='xen' xmlns:virtxl='%s'>" % ns).replace(
            "</domain>", "<virtxl:soundhw value='gus'/></domain>")
        dom = self.conn.defineXML(xml)
        dom.create()
        self.assertTrue(dom.isActive())
        dom.destroy()

    def test_pv_vnuma_libxl_refuses_at_start(self):
        # libxl 4.17 refuses virtual NUMA for PV guests when it sets the
        # config's defaults (seen on real Xen, e2e placement); an HVM
        # guest with the same node starts.
        cell = "<cpu><numa><cell id='0' cpus='0' memory='262144' unit='KiB'/></numa></cpu>"
        for i, ostype in enumerate(("xen", "hvm")):
            xml = guest_xml("vnuma%d" % i, ostype=ostype)
            xml = xml.replace("</vcpu>", "</vcpu>" + cell, 1)
            dom = self.conn.defineXML(xml)
            if ostype == "xen":
                self.assertRefused(E.VIR_ERR_CONFIG_UNSUPPORTED, dom.create,
                                   contains=("vnuma0", "PV vNUMA is not yet supported"))
                continue
            dom.create()
            self.assertTrue(dom.isActive())
            dom.destroy()

    def test_inactive_domain_refuses_state_changes(self):
        dom = self.define("idle")
        for name in ("suspend", "resume", "shutdown", "destroy"):
            with self.subTest(name):
                self.assertRefused(E.VIR_ERR_OPERATION_INVALID, getattr(dom, name),
                                   contains=("not running",))
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, dom.reboot, 0)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_UNKNOWN])

    def test_undefine_running_persistent(self):
        dom = self.define("undef-live")
        dom.create()
        domid = dom.ID()
        self.assertTrue(os.path.exists(self.config_file("undef-live")))
        dom.undefine()
        # Allowed, as in every libvirt driver: it lives on as transient.
        self.assertTrue(dom.isActive())
        self.assertFalse(dom.isPersistent())
        self.assertEqual(dom.ID(), domid)
        self.assertFalse(os.path.exists(self.config_file("undef-live")))
        self.assertTrue(os.path.exists(self.status_file("undef-live")))
        self.assertEqual([d.name() for d in self.conn.listAllDomains(
            E.VIR_CONNECT_LIST_DOMAINS_TRANSIENT)], ["undef-live"])
        free = self.conn.getFreeMemory()
        dom.destroy()
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "undef-live")
        self.assertFalse(os.path.exists(self.status_file("undef-live")))
        self.assertEqual([d.name() for d in self.conn.listAllDomains()], ["Domain-0"])
        self.assertGreater(self.conn.getFreeMemory(), free)

    def test_shutdown_ignored_by_guest(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.define("stubborn", script={"shutdown": "ignore",
                                              "shutdown-delay-ms": 100})
        dom.create()
        domid = dom.ID()
        dom.shutdown()
        time.sleep(1.0)  # ten times the guest's shutdown delay
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(dom.ID(), domid)
        self.assertEqual([e for e in ev.of("stubborn")
                          if e[1] in (E.VIR_DOMAIN_EVENT_STOPPED,
                                      E.VIR_DOMAIN_EVENT_SHUTDOWN)], [])
        # Asking again is allowed and changes nothing either.
        dom.shutdown()
        # destroy is the way out.
        dom.destroy()
        ev.wait("stubborn", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_DESTROYED])
        self.assertFalse(os.path.exists(self.status_file("stubborn")))


class FaultTest(ErrorTestBase):

    def start_fails_cleanly(self, hook):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        name = "fault-" + hook
        dom = self.define(name, memory_mib=512)
        # Give it a previous life, so its shut-off reason is not the default.
        dom.create()
        dom.destroy()
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_DESTROYED])
        ev.wait(name, E.VIR_DOMAIN_EVENT_STOPPED)

        self.daemon.inject_fault(hook)
        err = self.assertRefused(E.VIR_ERR_INTERNAL_ERROR, dom.create,
                                 contains=("injected fault", hook))
        print(f"\n  {hook}: {err}")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_DESTROYED])
        self.assertEqual(dom.ID(), -1)
        self.assertFalse(dom.isActive())
        self.assertFalse(os.path.exists(self.status_file(name)))
        # The live definition was dropped: the inactive one is what is seen.
        self.assertNotIn(" id=", dom.XMLDesc(0).splitlines()[0])
        time.sleep(0.2)
        self.assertEqual([e for e in ev.of(name)
                          if e[1] == E.VIR_DOMAIN_EVENT_STARTED], [])

        # The fault is spent: the next start works.
        free = self.conn.getFreeMemory()
        dom.create()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertTrue(os.path.exists(self.status_file(name)))
        self.assertLess(self.conn.getFreeMemory(), free)
        dom.destroy()
        self.assertEqual(self.conn.getFreeMemory(), free)

    def test_fault_in_domain_create(self):
        self.start_fails_cleanly("domainCreate")

    def test_fault_in_unpause_during_start(self):
        # The domain exists in Xen (paused) when this fails: the driver
        # must destroy it again, giving its memory back.
        self.start_fails_cleanly("domainUnpause")

    def test_fault_in_create_xml(self):
        self.daemon.inject_fault("domainUnpause")
        self.assertRefused(E.VIR_ERR_INTERNAL_ERROR, self.conn.createXML,
                           guest_xml("fault-trans"), 0,
                           contains=("injected fault",))
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "fault-trans")
        self.assertTrue(self.conn.createXML(guest_xml("fault-trans"), 0).isActive())

    def test_fault_in_destroy(self):
        dom = self.define("fault-destroy")
        dom.create()
        domid = dom.ID()
        self.daemon.inject_fault("domainDestroy")
        self.assertRefused(E.VIR_ERR_INTERNAL_ERROR, dom.destroy,
                           contains=("injected fault",))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertEqual(dom.ID(), domid)
        self.assertTrue(os.path.exists(self.status_file("fault-destroy")))
        # It still runs, and is still fully manageable.
        dom.suspend()
        dom.resume()
        free = self.conn.getFreeMemory()
        dom.destroy()
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_DESTROYED])
        self.assertFalse(os.path.exists(self.status_file("fault-destroy")))
        self.assertGreater(self.conn.getFreeMemory(), free)

    def test_fault_in_shutdown_request(self):
        dom = self.define("fault-shutdown")
        dom.create()
        self.daemon.inject_fault("domainShutdown")
        self.assertRefused(E.VIR_ERR_INTERNAL_ERROR, dom.shutdown,
                           contains=("injected fault",))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        # The request did not happen, so it is not remembered either.
        with open(self.status_file("fault-shutdown")) as f:
            self.assertNotIn("shutdownRequested", f.read())
        dom.shutdown()
        wait_for(lambda: dom.state()[0] == E.VIR_DOMAIN_SHUTOFF,
                 what="fault-shutdown to shut down when asked again")
        self.assertEqual(dom.state()[1], E.VIR_DOMAIN_SHUTOFF_SHUTDOWN)

    def test_fault_in_pause_and_resume(self):
        dom = self.define("fault-pause")
        dom.create()
        self.daemon.inject_fault("domainPause")
        self.assertRefused(E.VIR_ERR_INTERNAL_ERROR, dom.suspend,
                           contains=("injected fault",))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        dom.suspend()
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED, E.VIR_DOMAIN_PAUSED_USER])
        self.daemon.inject_fault("domainUnpause")
        self.assertRefused(E.VIR_ERR_INTERNAL_ERROR, dom.resume,
                           contains=("injected fault",))
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED, E.VIR_DOMAIN_PAUSED_USER])
        dom.resume()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)


class MemoryTest(ErrorTestBase):

    def test_huge_memory(self):
        total = self.conn.getInfo()[1]
        dom = self.define("huge", memory_mib=total * 2)
        err = self.assertRefused(E.VIR_ERR_OPERATION_FAILED, dom.create,
                                 contains=("huge", str(total * 2 * 1024)))
        print(f"\n  huge: {err}")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_UNKNOWN])
        self.assertFalse(os.path.exists(self.status_file("huge")))
        self.assertNotIn(" id=", dom.XMLDesc(0).splitlines()[0])


    def test_failed_create_xml_over_defined_domain(self):
        # createXML with the UUID of a defined, shut-off domain starts that
        # domain with the given XML as its live definition. When the start
        # fails, the persistent definition must be as it was.
        dom = self.define("over", memory_mib=256)
        inactive = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        total = self.conn.getInfo()[1]
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, self.conn.createXML,
                           guest_xml("over", memory_mib=total * 2,
                                     uid=dom.UUIDString()), 0,
                           contains=("over",))
        dom = self.conn.lookupByName("over")
        self.assertTrue(dom.isPersistent())
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), inactive)
        self.assertEqual(dom.XMLDesc(0), inactive)
        dom.create()
        self.assertEqual(dom.info()[1], 256 * 1024)


class SmallHostTest(ErrorTestBase):
    """small-host: 1 GiB free for guests, by its profile."""

    profile = "small-host"

    def setUp(self):
        super().setUp()
        with open(os.path.join(TOP, "capabilities", self.profile + ".json")) as f:
            prof = json.load(f)
        self.free_mib = prof["memory"]["totalMiB"] - prof["memory"]["dom0MiB"]
        self.assertEqual(self.conn.getFreeMemory(), self.free_mib * MiB)

    def test_too_little_host_memory(self):
        dom = self.define("toobig", memory_mib=self.free_mib + 256)
        before = self.snapshot()
        err = self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, dom.create)
        print(f"\n  toobig: {err}")
        msg = str(err)
        self.assertIn("toobig", msg)
        # The figures: what it needs and what the host has free, in KiB.
        self.assertIn(str((self.free_mib + 256) * 1024), msg)
        self.assertIn(str(self.free_mib * 1024), msg)
        self.assertUnchanged(before)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_UNKNOWN])
        self.assertFalse(os.path.exists(self.status_file("toobig")))

    def test_second_domain_does_not_fit(self):
        a = self.define("half-a", memory_mib=self.free_mib // 2 + 64)
        b = self.define("half-b", memory_mib=self.free_mib // 2 + 64)
        a.create()
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, b.create,
                           contains=("half-b", "not enough"))
        self.assertTrue(a.isActive())
        a.destroy()
        # With the first one gone, the second fits.
        b.create()
        self.assertTrue(b.isActive())

    def test_create_xml_too_big_leaves_nothing(self):
        self.assertRefused(E.VIR_ERR_OPERATION_FAILED, self.conn.createXML,
                           guest_xml("toobig-t", memory_mib=self.free_mib * 2), 0,
                           contains=("toobig-t",))
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "toobig-t")


if __name__ == "__main__":
    unittest.main(verbosity=2)
