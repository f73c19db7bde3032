# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tuning and descriptions through stock libvirtd on the simulator:
scheduler weight and cap (virsh schedinfo), metadata, title and
description (virsh desc, metadata, list --title), NUMA parameters
(numatune), messages, the security model (dominfo), a disk's size
(domblkinfo) and renaming a shut-off domain (domrename). Refusals change
nothing."""

import os
import tempfile
import threading
import unittest

import libvirt

from vxltest import DaemonTestCase, guest_xml

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
NS = "https://example.org/ns/app/1"


class SchedTest(DaemonTestCase):

    def test_type_and_defaults(self):
        dom = self.conn.createXML(guest_xml("sch-a", vcpus=2))
        self.assertEqual(dom.schedulerType(), ("credit2", 2))
        self.assertEqual(dom.schedulerParameters(), {"weight": 256, "cap": 0})

    def test_set_live_and_config_with_event(self):
        dom = self.conn.defineXML(guest_xml("sch-b", vcpus=2))
        dom.create()
        got = []
        done = threading.Event()

        def cb(conn, d, params, opaque):
            got.append(params)
            done.set()
        cid = self.conn.domainEventRegisterAny(
            dom, E.VIR_DOMAIN_EVENT_ID_TUNABLE, cb, None)
        self.addCleanup(self.conn.domainEventDeregisterAny, cid)

        dom.setSchedulerParametersFlags({"weight": 512, "cap": 150}, LIVE)
        self.assertEqual(dom.schedulerParametersFlags(LIVE), {"weight": 512, "cap": 150})
        self.assertEqual(dom.schedulerParametersFlags(CONFIG), {"weight": 256, "cap": 0})
        self.assertTrue(done.wait(5))
        self.assertEqual(got[0]["cputune.cpu_shares"], 512)

        dom.setSchedulerParametersFlags({"weight": 100}, CONFIG)
        self.assertEqual(dom.schedulerParametersFlags(CONFIG), {"weight": 100, "cap": 0})
        self.assertIn("<shares>100</shares>", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))
        # The config takes effect at the next start.
        dom.destroy()
        dom.create()
        self.assertEqual(dom.schedulerParameters(), {"weight": 100, "cap": 0})

    def test_out_of_range_refused(self):
        dom = self.conn.defineXML(guest_xml("sch-c", vcpus=2))
        dom.create()
        before = dom.schedulerParameters()
        cfg = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        for params in ({"weight": 0}, {"weight": 70000}, {"cap": 201}):
            self.assertLibvirtError(E.VIR_ERR_INVALID_ARG,
                                    dom.setSchedulerParametersFlags,
                                    params, LIVE | CONFIG)
        self.assertEqual(dom.schedulerParameters(), before)
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), cfg)

    def test_virsh_schedinfo(self):
        self.conn.createXML(guest_xml("sch-d"))
        out = self.daemon.virsh("schedinfo", "sch-d", "--set", "weight=300").stdout
        self.assertIn("Scheduler      : credit2", out)
        self.assertRegex(out, r"weight\s+: 300")


class MetadataTest(DaemonTestCase):

    def test_title_description_and_elements(self):
        dom = self.conn.defineXML(guest_xml("md-a"))
        dom.create()
        events = []
        done = threading.Event()

        def cb(conn, d, mtype, nsuri, opaque):
            events.append((mtype, nsuri))
            done.set()
        cid = self.conn.domainEventRegisterAny(
            dom, E.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, cb, None)
        self.addCleanup(self.conn.domainEventDeregisterAny, cid)

        dom.setMetadata(E.VIR_DOMAIN_METADATA_TITLE, "Web front", None, None,
                        LIVE | CONFIG)
        dom.setMetadata(E.VIR_DOMAIN_METADATA_DESCRIPTION, "serves pages", None,
                        None, CONFIG)
        dom.setMetadata(E.VIR_DOMAIN_METADATA_ELEMENT, "<owner>ops</owner>",
                        "app", NS, LIVE)
        self.assertTrue(done.wait(5))
        self.assertEqual(events[0][0], E.VIR_DOMAIN_METADATA_TITLE)
        self.assertEqual(dom.metadata(E.VIR_DOMAIN_METADATA_TITLE, None), "Web front")
        self.assertEqual(dom.metadata(E.VIR_DOMAIN_METADATA_DESCRIPTION, None,
                                      CONFIG), "serves pages")
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN_METADATA, dom.metadata,
                                E.VIR_DOMAIN_METADATA_DESCRIPTION, None, LIVE)
        self.assertIn("ops", dom.metadata(E.VIR_DOMAIN_METADATA_ELEMENT, NS))
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN_METADATA, dom.metadata,
                                E.VIR_DOMAIN_METADATA_ELEMENT, NS, CONFIG)
        out = self.daemon.virsh("list", "--title").stdout
        self.assertIn("Web front", out)
        self.assertIn("serves pages",
                      self.daemon.virsh("desc", "md-a", "--config").stdout)
        self.daemon.virsh("desc", "md-a", "--live", "--new-desc", "changed")
        self.assertIn("changed", self.daemon.virsh("desc", "md-a").stdout)
        self.assertIn("ops", self.daemon.virsh("metadata", "md-a", NS).stdout)

    def test_bad_metadata_refused(self):
        dom = self.conn.defineXML(guest_xml("md-b"))
        cfg = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertLibvirtError(E.VIR_ERR_XML_DETAIL, dom.setMetadata,
                                E.VIR_DOMAIN_METADATA_ELEMENT, "<unclosed>",
                                "app", NS, CONFIG)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.setMetadata,
                                E.VIR_DOMAIN_METADATA_ELEMENT, "<a/>",
                                "app", None, CONFIG)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.setMetadata,
                                E.VIR_DOMAIN_METADATA_TITLE, "t", None, None, LIVE)
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), cfg)


class MiscTest(DaemonTestCase):

    def test_numa_messages_security(self):
        # Xen refuses <numatune> (libxl places memory itself): the
        # parameters say strict placement on no chosen nodes.
        dom = self.conn.createXML(guest_xml("misc-a"))
        p = dom.numaParameters()
        self.assertEqual(p["numa_mode"], E.VIR_DOMAIN_NUMATUNE_MEM_STRICT)
        self.assertEqual(p["numa_nodeset"], "")
        self.assertIn("numa_mode      : strict", self.daemon.virsh("numatune", "misc-a").stdout)
        self.assertEqual(dom.messages(), [])
        self.assertEqual(self.conn.getSecurityModel(), ["none", "0"])
        self.assertEqual(dom.securityLabel(), ["", 0])
        self.assertRegex(self.daemon.virsh("dominfo", "misc-a").stdout,
                         r"Security model:\s+none")

    def test_numa_placement_auto(self):
        # <vcpu placement='auto'> (Salt writes it) is libxl's automatic
        # NUMA placement: it starts, the live XML keeps placement='auto'
        # and numatune reports no chosen nodes (libvirt's formatter would
        # ask for numad's advice, which Xen has not).
        xml = guest_xml("misc-auto", vcpus=2).replace(
            "<vcpu current='2'>", "<vcpu placement='auto' current='2'>", 1)
        self.assertIn("placement='auto'", xml)
        dom = self.conn.createXML(xml)
        live = dom.XMLDesc(0)
        self.assertIn("<vcpu placement='auto'>2</vcpu>", live)
        self.assertIn("<memory mode='strict' placement='auto'/>", live)
        for flags in (LIVE, 0):
            p = dom.numaParameters(flags)
            self.assertEqual(p["numa_mode"], E.VIR_DOMAIN_NUMATUNE_MEM_STRICT)
            self.assertEqual(p["numa_nodeset"], "")
        self.assertIn("numa_mode      : strict", self.daemon.virsh("numatune", "misc-auto").stdout)

    def test_block_info(self):
        d = tempfile.mkdtemp()
        img = os.path.join(d, "a.img")
        with open(img, "wb") as f:
            f.truncate(64 * 1024 * 1024)
            f.seek(0)
            f.write(b"x" * 8192)
        xml = guest_xml("misc-b").replace("/var/lib/xen/images/misc-b-0.img", img)
        dom = self.conn.defineXML(xml)
        cap, alloc, phys = dom.blockInfo("xvda")
        self.assertEqual(cap, 64 * 1024 * 1024)
        self.assertEqual(phys, 64 * 1024 * 1024)
        self.assertLess(alloc, cap)
        self.assertEqual(dom.blockInfo(img)[0], cap)
        out = self.daemon.virsh("domblkinfo", "misc-b", "xvda").stdout
        self.assertRegex(out, r"Capacity:\s+67108864")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.blockInfo, "xvdq")
        os.unlink(img)
        self.assertLibvirtError(E.VIR_ERR_SYSTEM_ERROR, dom.blockInfo, "xvda")

    def test_block_resize(self):
        d = tempfile.mkdtemp()
        img = os.path.join(d, "r.img")
        with open(img, "wb") as f:
            f.truncate(32 * 1024 * 1024)
        xml = guest_xml("misc-r", disks=2).replace(
            "/var/lib/xen/images/misc-r-0.img", img)
        dom = self.conn.createXML(xml)
        dom.blockResize("xvda", 48 * 1024, 0)              # KiB
        self.assertEqual(os.path.getsize(img), 48 * 1024 * 1024)
        self.assertEqual(dom.blockInfo("xvda")[0], 48 * 1024 * 1024)
        self.daemon.virsh("blockresize", "misc-r", "xvda", "64M")
        self.assertEqual(os.path.getsize(img), 64 * 1024 * 1024)
        # shrinking would cut the guest's data: refused, file unchanged
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.blockResize, "xvda",
                                1024 * 1024, E.VIR_DOMAIN_BLOCK_RESIZE_BYTES)
        self.assertEqual(os.path.getsize(img), 64 * 1024 * 1024)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.blockResize, "xvdq", 1, 0)
        # a failure in Xen gives the file its old size back
        self.daemon.inject_fault("domainBlockResize")
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.blockResize, "xvda",
                                80 * 1024, 0)
        self.assertEqual(os.path.getsize(img), 64 * 1024 * 1024)
        off = self.conn.defineXML(guest_xml("misc-r2"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, off.blockResize,
                                "xvda", 1, 0)

    def test_rename(self):
        dom = self.conn.defineXML(guest_xml("ren-a"))
        uuid = dom.UUIDString()
        self.daemon.virsh("domrename", "ren-a", "ren-b")
        self.assertEqual(self.conn.lookupByUUIDString(uuid).name(), "ren-b")
        self.assertLibvirtError(E.VIR_ERR_NO_DOMAIN, self.conn.lookupByName, "ren-a")
        cfgdir = self.daemon.path("etc", "libxl")
        self.assertTrue(os.path.exists(os.path.join(cfgdir, "ren-b.xml")))
        self.assertFalse(os.path.exists(os.path.join(cfgdir, "ren-a.xml")))
        dom = self.conn.lookupByName("ren-b")
        dom.create()
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.rename, "ren-c", 0)
        dom.destroy()
        self.conn.defineXML(guest_xml("ren-x"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.rename, "ren-x", 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.rename, "a/b", 0)
        self.assertEqual(self.conn.lookupByUUIDString(uuid).name(), "ren-b")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                self.conn.lookupByID(0).rename, "dom0", 0)


if __name__ == "__main__":
    unittest.main()
