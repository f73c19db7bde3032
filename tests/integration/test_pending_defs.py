# SPDX-License-Identifier: LGPL-2.1-or-later
"""Definitions listed at daemon start before they are parsed
(src/domain/domain_def_pending.c): a shut-off domain is listed from its
name and UUID, its definition parsed behind the start or by the first
call that needs it. Every call must see the definition as it was; a
define, undefine or start right after the restart must act on the real
one; a file the quick read does not recognise is parsed at start as
before; one that does not parse is dropped, as libvirt's loader would."""

import os
import re
import unittest
import uuid as uuidlib

import libvirt

from crashtest import test_hooks_built
from vxltest import Daemon, guest_xml, start_event_loop, wait_for

E = libvirt
COUNT = 60


class PendingDefinitionTest(unittest.TestCase):
    """With the loader thread parsing behind the start."""

    env = None

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon(env=self.env)
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)

    def conn(self):
        c = libvirt.open(self.daemon.uri)
        self.addCleanup(c.close)
        return c

    def etc(self, *names):
        return self.daemon.path("etc", "libxl", *names)

    def define_many(self, c):
        """COUNT shut-off domains, each with a memory size of its own,
        and their XML as the driver gives it."""
        xml = {}
        for i in range(COUNT):
            name = f"pd-{i:03d}"
            dom = c.defineXML(guest_xml(name, memory_mib=64 + i))
            xml[name] = dom.XMLDesc(0)
        return xml

    def pending_count(self, since):
        m = re.findall(r"(\d+) of them listed for parsing after the start",
                       self.daemon.log()[since:])
        return int(m[-1]) if m else None

    def restart(self):
        mark = len(self.daemon.log())
        self.daemon.restart()
        return mark

    def test_every_call_sees_the_definition_as_it_was(self):
        c = self.conn()
        before = self.define_many(c)
        mark = self.restart()
        c = self.conn()
        self.assertEqual(self.pending_count(mark), COUNT)
        names = {d.name() for d in c.listAllDomains(0)}
        self.assertTrue(set(before) <= names)
        # Asked in reverse order, so most are asked before the loader
        # thread has come to them.
        for name in reversed(sorted(before)):
            dom = c.lookupByName(name)
            self.assertEqual(dom.XMLDesc(0), before[name], name)
            self.assertEqual(dom.info()[1], (64 + int(name[3:])) * 1024, name)
        # The statistics of every domain, all groups.
        recs = c.getAllDomainStats(0, 0)
        self.assertEqual(len([r for r in recs if r[0].name() in before]), COUNT)

    def test_define_undefine_start_right_after_the_restart(self):
        c = self.conn()
        before = self.define_many(c)
        self.restart()
        c = self.conn()
        # A define over a listed domain replaces its real definition.
        old = c.lookupByName("pd-059")
        new_xml = before["pd-059"].replace("<memory unit='KiB'>%d</memory>" % (123 * 1024),
                                           "<memory unit='KiB'>%d</memory>" % (200 * 1024))
        self.assertNotEqual(new_xml, before["pd-059"])
        c.defineXML(new_xml)
        self.assertEqual(c.lookupByName("pd-059").info()[1], 200 * 1024)
        self.assertEqual(old.UUIDString(), c.lookupByName("pd-059").UUIDString())
        # Undefine, and start.
        c.lookupByName("pd-058").undefine()
        self.assertFalse(os.path.exists(self.etc("pd-058.xml")))
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, c.lookupByName, "pd-058")
        dom = c.lookupByName("pd-057")
        dom.create()
        self.assertTrue(dom.isActive())
        self.assertEqual(dom.info()[1], 121 * 1024)
        dom.destroy()
        # A define of a new domain with a listed one's name is refused.
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, c.defineXML,
                                guest_xml("pd-056"))

        # All of it is what the next start finds.
        self.restart()
        c = self.conn()
        self.assertEqual(c.lookupByName("pd-059").info()[1], 200 * 1024)
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, c.lookupByName, "pd-058")
        self.assertEqual(c.lookupByName("pd-056").XMLDesc(0), before["pd-056"])

    def test_unrecognised_and_broken_files(self):
        c = self.conn()
        before = self.define_many(c)
        # The same definition with <uuid> before <name>: not as libvirt
        # writes it, so parsed in full at start.
        text = before["pd-010"]
        name_el = "<name>pd-010</name>"
        uuid_el = re.search(r"<uuid>[^<]*</uuid>", text).group(0)
        swapped = text.replace(name_el, "@@").replace(uuid_el, name_el).replace("@@", uuid_el)
        # A definition whose first elements read well but whose body
        # does not parse.
        bad_uuid = str(uuidlib.uuid4())
        broken = (f"<domain type='xen'>\n  <name>pd-broken</name>\n"
                  f"  <uuid>{bad_uuid}</uuid>\n  <memory unit='lots'>1</memory>\n"
                  f"</domain>\n")
        self.daemon.stop()
        with open(self.etc("pd-010.xml"), "w") as f:
            f.write(swapped)
        with open(self.etc("pd-broken.xml"), "w") as f:
            f.write(broken)
        mark = len(self.daemon.log())
        self.daemon.start()
        c = self.conn()
        # pd-010 was parsed at start; the broken one was listed.
        self.assertEqual(self.pending_count(mark), COUNT)
        self.assertEqual(c.lookupByName("pd-010").XMLDesc(0), before["pd-010"])
        # The broken one cannot be used, and the loader drops it with
        # the error libvirt's loader gives.
        try:
            dom = c.lookupByName("pd-broken")
            self.assertLibvirtError(E.VIR_ERR_XML_ERROR, dom.info)
        except libvirt.libvirtError as e:
            self.assertEqual(e.get_error_code(), E.VIR_ERR_NO_DOMAIN)
        if self.env:
            # No loader: it stays listed, and every call says why not.
            dom = c.lookupByName("pd-broken")
            err = self.assertLibvirtError(E.VIR_ERR_XML_ERROR, dom.XMLDesc, 0)
            self.assertIn("cannot load the definition of domain 'pd-broken'", str(err))
        else:
            wait_for(lambda: "pd-broken" not in [d.name() for d in c.listAllDomains(0)],
                     what="the broken definition dropped")
            self.assertIn("cannot load the definition of domain 'pd-broken'",
                          self.daemon.log())
        # The others are all there, as they were.
        for name in before:
            self.assertEqual(c.lookupByName(name).XMLDesc(0), before[name], name)

    def assertLibvirtError(self, code, fn, *args):
        with self.assertRaises(libvirt.libvirtError) as cm:
            fn(*args)
        self.assertEqual(cm.exception.get_error_code(), code, str(cm.exception))
        return cm.exception


@unittest.skipUnless(test_hooks_built(), "needs a test build (VXL_TEST_HOOKS=1 scripts/build)")
class OnDemandTest(PendingDefinitionTest):
    """Without the loader thread (a test hook): every definition is parsed
    by the first call that needs it, so each path above meets a pending
    one."""

    env = {"VIRTXL_TEST_NO_DEF_LOADER": "1"}


if __name__ == "__main__":
    unittest.main(verbosity=2)
