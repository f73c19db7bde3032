# SPDX-License-Identifier: LGPL-2.1-or-later
"""Memory and vCPUs of defined and running domains (virsh setmem,
setmaxmem, setvcpus, vcpucount, vcpuinfo, vcpupin) and core dumps on
request (virsh dump),
through stock libvirtd and python3-libvirt: each change reaches the
running domain, the persistent definition, or both, as the flags say, and
a refused one changes nothing."""

import os
import unittest
import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, EventRecorder, guest_xml

E = libvirt
MiB = 1024
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
CONFIG = E.VIR_DOMAIN_AFFECT_CONFIG
XMLNS = "https://virtxl.dev/xmlns/domain/1.0"


def current_memory(dom, flags=0):
    return int(ET.fromstring(dom.XMLDesc(flags)).findtext("currentMemory"))


class ResourcesTest(DaemonTestCase):

    def running(self, name, **kw):
        dom = self.conn.defineXML(guest_xml(name, **kw))
        dom.create()
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        return dom

    def assertRefused(self, code, fn, *args):
        with self.assertRaises(libvirt.libvirtError) as cm:
            fn(*args)
        self.assertEqual(cm.exception.get_error_code(), code, str(cm.exception))
        return cm.exception

    def test_setmem_live_and_config(self):
        dom = self.running("res-mem", memory_mib=512, current_mib=384)
        dom.setMemoryFlags(256 * MiB, LIVE)
        self.assertEqual(dom.info()[2], 256 * MiB)
        self.assertEqual(current_memory(dom), 256 * MiB)
        self.assertEqual(current_memory(dom, E.VIR_DOMAIN_XML_INACTIVE), 384 * MiB)

        dom.setMemoryFlags(300 * MiB, CONFIG)
        self.assertEqual(current_memory(dom, E.VIR_DOMAIN_XML_INACTIVE), 300 * MiB)
        self.assertEqual(dom.info()[2], 256 * MiB)

        # Above the maximum: refused, nothing changed.
        self.assertRefused(E.VIR_ERR_INVALID_ARG, dom.setMemoryFlags, 600 * MiB, LIVE | CONFIG)
        self.assertEqual(dom.info()[2], 256 * MiB)
        self.assertEqual(current_memory(dom, E.VIR_DOMAIN_XML_INACTIVE), 300 * MiB)

        # The persistent change holds across a restart of the domain.
        dom.destroy()
        dom.create()
        self.assertEqual(dom.info()[2], 300 * MiB)

    def test_setmaxmem(self):
        dom = self.running("res-max", memory_mib=512, current_mib=384)
        dom.setMemoryFlags(1024 * MiB, E.VIR_DOMAIN_MEM_MAXIMUM | LIVE)
        self.assertEqual(dom.maxMemory(), 1024 * MiB)
        self.assertEqual(dom.info()[1], 1024 * MiB)
        self.assertRefused(E.VIR_ERR_INVALID_ARG, dom.setMemoryFlags,
                           256 * MiB, E.VIR_DOMAIN_MEM_MAXIMUM | LIVE)
        self.assertEqual(dom.maxMemory(), 1024 * MiB)
        # Lowering the persistent maximum below the current memory lowers
        # the current memory with it.
        dom.setMemoryFlags(200 * MiB, E.VIR_DOMAIN_MEM_MAXIMUM | CONFIG)
        self.assertEqual(current_memory(dom, E.VIR_DOMAIN_XML_INACTIVE), 200 * MiB)

    def test_setmaxmem_config_vnuma(self):
        # A vNUMA guest's maximum is its cells' sum (libxl refuses any
        # other at create): a persistent change is refused, nothing moves.
        xml = guest_xml("res-vnuma", ostype="hvm", memory_mib=512, vcpus=2)
        xml = xml.replace("<os>", "<cpu><numa>"
                          "<cell id='0' cpus='0' memory='256' unit='MiB'/>"
                          "<cell id='1' cpus='1' memory='256' unit='MiB'/>"
                          "</numa></cpu><os>", 1)
        dom = self.conn.defineXML(xml)
        self.assertRefused(E.VIR_ERR_OPERATION_UNSUPPORTED, dom.setMemoryFlags,
                           1024 * MiB, E.VIR_DOMAIN_MEM_MAXIMUM | CONFIG)
        self.assertEqual(dom.maxMemory(), 512 * MiB)
        dom.setMemoryFlags(512 * MiB, E.VIR_DOMAIN_MEM_MAXIMUM | CONFIG)
        self.assertEqual(dom.maxMemory(), 512 * MiB)

    def test_setvcpus(self):
        dom = self.running("res-cpu", vcpus=2, max_vcpus=4)
        self.assertEqual(dom.vcpusFlags(LIVE), 2)
        self.assertEqual(dom.vcpusFlags(LIVE | E.VIR_DOMAIN_VCPU_MAXIMUM), 4)
        self.assertEqual(dom.maxVcpus(), 4)
        dom.setVcpusFlags(3, LIVE)
        self.assertEqual(dom.vcpusFlags(LIVE), 3)
        self.assertEqual(dom.info()[3], 3)
        self.assertEqual(dom.vcpusFlags(CONFIG), 2)

        self.assertRefused(E.VIR_ERR_INVALID_ARG, dom.setVcpusFlags, 5, LIVE)
        # libvirt itself wants --config with --maximum; Xen cannot change
        # a running domain's vCPU slots, so --live with them is refused.
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, dom.setVcpusFlags, 6,
                           LIVE | CONFIG | E.VIR_DOMAIN_VCPU_MAXIMUM)
        self.assertEqual(dom.vcpusFlags(CONFIG | E.VIR_DOMAIN_VCPU_MAXIMUM), 4)
        self.assertEqual(dom.vcpusFlags(LIVE), 3)

        dom.setVcpusFlags(6, CONFIG | E.VIR_DOMAIN_VCPU_MAXIMUM)
        dom.setVcpusFlags(5, CONFIG)
        self.assertEqual(dom.vcpusFlags(CONFIG | E.VIR_DOMAIN_VCPU_MAXIMUM), 6)
        self.assertEqual(dom.vcpusFlags(CONFIG), 5)
        dom.destroy()
        dom.create()
        self.assertEqual(dom.info()[3], 5)

    def test_vcpuinfo_and_vcpupin(self):
        dom = self.running("res-pin", vcpus=2, max_vcpus=3)
        # python's vcpus() asks for as many as are online.
        info, maps = dom.vcpus()
        self.assertEqual([v[0] for v in info], [0, 1])
        self.assertEqual([v[1] for v in info], [E.VIR_VCPU_RUNNING, E.VIR_VCPU_RUNNING])
        ncpus = self.conn.getInfo()[2]
        self.assertTrue(all(all(m[:ncpus]) for m in maps), maps)

        # Pin vCPU 1 to CPU 1, live: Xen's affinity, then the live XML
        # and vcpupin's view; the persistent definition stays unpinned.
        cpumap = tuple(i == 1 for i in range(ncpus))
        dom.pinVcpuFlags(1, cpumap, LIVE)
        info, maps = dom.vcpus()
        self.assertEqual(maps[1][:ncpus], cpumap)
        self.assertEqual(dom.vcpuPinInfo(LIVE)[1][:ncpus], cpumap)
        self.assertIn("<vcpupin vcpu='1' cpuset='1'/>", dom.XMLDesc(0))
        self.assertNotIn("vcpupin", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))

        # Persistently too: it holds at the next start.
        dom.pinVcpuFlags(1, cpumap, CONFIG)
        dom.destroy()
        dom.create()
        self.assertEqual(dom.vcpus()[1][1][:ncpus], cpumap)

        # Refused: no CPU, no such vCPU, a CPU the host lacks.
        self.assertRefused(E.VIR_ERR_INVALID_ARG, dom.pinVcpuFlags, 0,
                           tuple(False for _ in range(ncpus)), LIVE)
        self.assertRefused(E.VIR_ERR_INVALID_ARG, dom.pinVcpuFlags, 7, cpumap, LIVE)
        self.assertRefused(E.VIR_ERR_INVALID_ARG, dom.pinVcpuFlags, 0,
                           tuple(i == ncpus + 3 for i in range(ncpus + 4)), LIVE)
        self.assertEqual(dom.vcpus()[1][0][:ncpus], tuple(True for _ in range(ncpus)))

    def excluding(self, name, exclusions, vcpus=3):
        """A defined guest of @vcpus vCPUs with <virtxl:cpus_exclude>
        elements @exclusions ((vcpu or None, cpuset), ...)."""
        xml = guest_xml(name, vcpus=vcpus).replace(
            "<domain type='xen'>",
            f"<domain type='xen' xmlns:virtxl='{XMLNS}'>")
        els = "".join(
            f"<virtxl:cpus_exclude{'' if v is None else f' vcpu={chr(39)}{v}{chr(39)}'}"
            f" cpuset='{c}'/>" for v, c in exclusions)
        return self.conn.defineXML(xml.replace("</domain>", els + "</domain>"))

    def exclusions(self, dom, flags=E.VIR_DOMAIN_XML_INACTIVE):
        root = ET.fromstring(dom.XMLDesc(flags))
        return sorted((e.get("vcpu"), e.get("cpuset"))
                      for e in root.findall(f"{{{XMLNS}}}cpus_exclude"))

    def pins(self, dom, flags=E.VIR_DOMAIN_XML_INACTIVE):
        root = ET.fromstring(dom.XMLDesc(flags))
        return {int(p.get("vcpu")): p.get("cpuset")
                for p in root.findall("./cputune/vcpupin")}

    def test_vcpupin_replaces_own_exclusion(self):
        # xl cpus=["all,^0", "all,^1"]: each vCPU kept off one CPU. A
        # persistent vcpupin of vCPU 0 replaces its exclusion; vCPU 1
        # keeps its own, and the definition starts as it says.
        ncpus = self.conn.getInfo()[2]
        self.assertGreaterEqual(ncpus, 3)
        dom = self.excluding("res-pin-excl", [(0, "0"), (1, "1")])
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        # virsh vcpupin --config shows what the exclusions leave.
        maps = dom.vcpuPinInfo(CONFIG)
        self.assertEqual(maps[0][:ncpus], tuple(i != 0 for i in range(ncpus)))
        self.assertEqual(maps[1][:ncpus], tuple(i != 1 for i in range(ncpus)))
        self.assertEqual(maps[2][:ncpus], tuple(True for _ in range(ncpus)))
        self.daemon.virsh("vcpupin", "res-pin-excl", "0", "2", "--config")
        self.assertEqual(self.exclusions(dom), [("1", "1")])
        self.assertEqual(self.pins(dom), {0: "2"})
        # The definition is valid as written: it defines again unchanged.
        xml = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.conn.defineXML(xml)
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), xml)
        dom.create()
        maps = dom.vcpus()[1]
        self.assertEqual(maps[0][:ncpus], tuple(i == 2 for i in range(ncpus)))
        self.assertEqual(maps[1][:ncpus], tuple(i != 1 for i in range(ncpus)))

        # Live and persistent at once, on the running guest: both
        # definitions lose vCPU 1's exclusion; none is left.
        self.daemon.virsh("vcpupin", "res-pin-excl", "1", "0", "--live", "--config")
        for flags in (0, E.VIR_DOMAIN_XML_INACTIVE):
            self.assertEqual(self.exclusions(dom, flags), [])
            self.assertEqual(self.pins(dom, flags), {0: "2", 1: "0"})
        self.assertEqual(dom.vcpus()[1][1][:ncpus], tuple(i == 0 for i in range(ncpus)))
        self.assertNotIn("virtxl:cpus_exclude", dom.XMLDesc(0))

    def test_vcpupin_keeps_exclusion_for_every_vcpu(self):
        # xl cpus="all,^0": pinning vCPU 1 leaves vCPU 0 and 2 under the
        # exclusion for every vCPU (not pinned to the whole host).
        ncpus = self.conn.getInfo()[2]
        dom = self.excluding("res-pin-excl-all", [(None, "0")])
        self.assertEqual(dom.vcpuPinInfo(CONFIG)[2][:ncpus],
                         tuple(i != 0 for i in range(ncpus)))
        self.daemon.virsh("vcpupin", "res-pin-excl-all", "1", "1", "--config")
        self.assertEqual(self.exclusions(dom), [(None, "0")])
        self.assertEqual(self.pins(dom), {1: "1"})
        dom.create()
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        maps = dom.vcpus()[1]
        for v in (0, 2):
            self.assertEqual(maps[v][:ncpus], tuple(i != 0 for i in range(ncpus)))
        self.assertEqual(maps[1][:ncpus], tuple(i == 1 for i in range(ncpus)))

    def test_vcpupin_reset_and_empty_on_excluded_vcpu(self):
        # virsh's "r" pins to every host CPU, as libvirt stores it: a
        # <vcpupin> of all CPUs in place of the exclusion. An empty CPU
        # list is refused as libvirt refuses it, and changes nothing.
        ncpus = self.conn.getInfo()[2]
        dom = self.excluding("res-pin-excl-r", [(0, "1"), (1, "0")])
        before = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        self.assertRefused(E.VIR_ERR_INVALID_ARG, dom.pinVcpuFlags, 0,
                           tuple(False for _ in range(ncpus)), CONFIG)
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), before)
        self.daemon.virsh("vcpupin", "res-pin-excl-r", "0", "r", "--config")
        self.assertEqual(self.exclusions(dom), [("1", "0")])
        self.assertEqual(self.pins(dom), {0: f"0-{ncpus - 1}"})
        dom.create()
        self.addCleanup(lambda: dom.isActive() and dom.destroy())
        maps = dom.vcpus()[1]
        self.assertEqual(maps[0][:ncpus], tuple(True for _ in range(ncpus)))
        self.assertEqual(maps[1][:ncpus], tuple(i != 0 for i in range(ncpus)))

    def test_live_change_of_inactive_domain_refused(self):
        dom = self.conn.defineXML(guest_xml("res-off"))
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, dom.setMemoryFlags, 128 * MiB, LIVE)
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, dom.setVcpusFlags, 1, LIVE)
        self.assertRefused(E.VIR_ERR_OPERATION_INVALID, dom.coreDump, "/nonexistent", 0)

    def test_dump(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.running("res-dump")
        path = self.daemon.path("lib", "res-dump.core")
        dom.coreDump(path, 0)
        self.assertGreater(os.path.getsize(path), 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

        self.assertRefused(E.VIR_ERR_ARGUMENT_UNSUPPORTED, dom.coreDumpWithFormat,
                           path + "2", E.VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_ZLIB, 0)
        self.assertFalse(os.path.exists(path + "2"))

        # A dump into a directory that does not exist fails, and the guest
        # runs on.
        self.assertRefused(E.VIR_ERR_SYSTEM_ERROR, dom.coreDump, "/nonexistent/x.core", 0)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

        dom.coreDump(path + ".crash", E.VIR_DUMP_CRASH)
        ev.wait("res-dump", E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_CRASHED)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_CRASHED])
        self.assertTrue(os.path.exists(path + ".crash"))


if __name__ == "__main__":
    unittest.main()
