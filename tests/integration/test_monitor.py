# SPDX-License-Identifier: LGPL-2.1-or-later
"""Monitoring through stock libvirtd on the simulator: Domain-0 listed
and protected, the backend names of interfaces, and the statistics of
disks, interfaces, memory and CPUs (virsh domblkstat, domifstat,
dommemstat, cpu-stats, domstats, nodecpustats, nodememstats). The
simulated guests' counters follow their scripted activity, so the
numbers are checked to move and to add up."""

import os
import time
import unittest
import xml.etree.ElementTree as ET

import libvirt

from vxltest import DaemonTestCase, guest_xml

E = libvirt
KiB = 1024
MiB = 1024


def iface_targets(dom, flags=0):
    root = ET.fromstring(dom.XMLDesc(flags))
    return [t.get("dev") if t is not None else None
            for t in (i.find("target") for i in root.iter("interface"))]


def disk_drivers(dom, flags=0):
    """Each disk's <driver name>, None where the XML names none."""
    root = ET.fromstring(dom.XMLDesc(flags))
    return [d.get("name") if d is not None else None
            for d in (disk.find("driver") for disk in root.iter("disk"))]


class Dom0Test(DaemonTestCase):

    def test_listed_with_id_0(self):
        dom0 = self.conn.lookupByID(0)
        self.assertEqual(dom0.name(), "Domain-0")
        self.assertEqual(self.conn.lookupByName("Domain-0").ID(), 0)
        self.assertEqual(self.conn.lookupByUUIDString(dom0.UUIDString()).ID(), 0)
        self.assertIn(0, self.conn.listDomainsID())
        self.assertIn("Domain-0", [d.name() for d in self.conn.listAllDomains(
            E.VIR_CONNECT_LIST_DOMAINS_ACTIVE)])
        state, maxmem, mem, vcpus, cputime = dom0.info()
        self.assertEqual(state, E.VIR_DOMAIN_RUNNING)
        # intel-2s-vtd: dom0_mem=4096M, dom0_max_vcpus=8
        self.assertEqual(mem, 4096 * MiB)
        self.assertEqual(vcpus, 8)
        self.assertGreater(cputime, 0)
        time.sleep(0.05)
        self.assertGreater(dom0.info()[4], cputime)

    def test_operations_refused(self):
        dom0 = self.conn.lookupByID(0)
        for op, args in [(dom0.destroy, ()), (dom0.undefine, ()),
                         (dom0.shutdown, ()), (dom0.suspend, ()),
                         (dom0.reboot, (0,)), (dom0.setAutostart, (1,)),
                         (dom0.setMemoryFlags, (1024 * MiB, 0)),
                         (dom0.attachDevice, ("<interface type='bridge'><source bridge='xenbr0'/></interface>",))]:
            err = self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, op, *args)
            self.assertIn("Domain-0", str(err))
        self.assertTrue(dom0.isActive())
        self.assertEqual(dom0.info()[0], E.VIR_DOMAIN_RUNNING)
        out = self.daemon.virsh("destroy", "Domain-0", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("Domain-0", out.stderr)

    def test_save_dump_migrate_refused(self):
        """The asynchronous jobs refuse Domain-0 before anything changes:
        no image, no state reason left behind (a save used to reach the
        backend, fail there and leave dom0 'running (save canceled)')."""
        dom0 = self.conn.lookupByID(0)
        image = self.daemon.path("dom0.save")
        for op, args in [(dom0.save, (image,)), (dom0.managedSave, (0,)),
                         (dom0.coreDump, (self.daemon.path("dom0.core"), 0)),
                         (dom0.migrateToURI3,
                          ("xen+unix:///system?socket=/nonexistent", {},
                           E.VIR_MIGRATE_PEER2PEER | E.VIR_MIGRATE_LIVE))]:
            err = self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, op, *args)
            self.assertIn("Domain-0", str(err))
        self.assertEqual(dom0.state(), [E.VIR_DOMAIN_RUNNING,
                                        E.VIR_DOMAIN_RUNNING_BOOTED])
        self.assertFalse(os.path.exists(image))
        self.assertFalse(dom0.hasManagedSaveImage(0))
        out = self.daemon.virsh("save", "Domain-0", image, check=False)
        self.assertIn("Domain-0 is the host's control domain", out.stderr)

    def test_screenshot_refused(self):
        """Domain-0's screen is the host's console, no display of Xen's:
        a screenshot is refused by name, not answered with 'no domain'
        (the backend knows no guest with id 0), which a client that has
        just looked Domain-0 up takes for a vanished domain."""
        dom0 = self.conn.lookupByID(0)
        st = self.conn.newStream(0)
        try:
            err = self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                          dom0.screenshot, st, 0, 0)
        finally:
            st.abort()
        self.assertIn("Domain-0", str(err))
        self.assertIn("screenshot", str(err))
        out = self.daemon.virsh("screenshot", "Domain-0",
                                self.daemon.path("dom0.ppm"), check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertNotIn("not found", out.stderr)
        self.assertFalse(os.path.exists(self.daemon.path("dom0.ppm")))
        self.assertTrue(dom0.isActive())

    def test_agent_queries_refused_by_name(self):
        """A guest agent query of Domain-0 says it is the host, not that a
        <channel> should be added to it (which no client can do)."""
        dom0 = self.conn.lookupByID(0)
        for op, args in [(dom0.hostname, (0,)), (dom0.getTime, (0,)),
                         (dom0.fsInfo, (0,)), (dom0.guestInfo, (0, 0)),
                         (dom0.interfaceAddresses,
                          (E.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, 0))]:
            err = self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED,
                                          op, *args)
            self.assertIn("Domain-0 is the host's control domain", str(err))
            self.assertNotIn("<channel", str(err))

    def test_define_over_dom0_refused(self):
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED, self.conn.defineXML,
                                guest_xml("Domain-0"))
        self.assertEqual(self.conn.lookupByName("Domain-0").ID(), 0)

    def test_dom0_memory_stats(self):
        stats = self.conn.lookupByID(0).memoryStats()
        self.assertEqual(stats["actual"], 4096 * MiB)

    def test_dom0_vcpus(self):
        """Xen accounts Domain-0's vCPUs as any domain's (xl vcpu-list 0):
        vcpuinfo, cpu-stats and domstats' vcpu group give them."""
        dom0 = self.conn.lookupByID(0)
        infos, maps = dom0.vcpus()
        self.assertEqual([v[0] for v in infos], list(range(8)))
        self.assertTrue(all(v[1] == E.VIR_VCPU_RUNNING and v[2] > 0 for v in infos))
        self.assertTrue(all(all(m) for m in maps))     # free to run anywhere
        per = dom0.getCPUStats(False)
        self.assertEqual(len(per), 8)
        # each vCPU's time at least what vcpuinfo said a moment ago, and
        # together no more than the domain's total read just after
        self.assertTrue(all(p["cpu_time"] >= v[2] for p, v in zip(per, infos)))
        self.assertLessEqual(sum(p["cpu_time"] for p in per),
                             dom0.getCPUStats(True)[0]["cpu_time"])
        rec = self.conn.domainListGetStats([dom0], E.VIR_DOMAIN_STATS_VCPU)[0][1]
        self.assertEqual(rec["vcpu.current"], 8)
        self.assertEqual(rec["vcpu.7.state"], E.VIR_VCPU_RUNNING)
        self.assertGreater(rec["vcpu.7.time"], 0)
        out = self.daemon.virsh("vcpuinfo", "Domain-0").stdout
        self.assertEqual(out.count("State:          running"), 8)
        self.assertIn("Total:", self.daemon.virsh("cpu-stats", "Domain-0").stdout)

    def test_dom0_scheduler_read_not_set(self):
        """Xen schedules Domain-0 as any domain (xl sched-credit2 -d 0):
        its weight and cap read live and --config alike; setting them is
        a change to the host's domain, refused."""
        dom0 = self.conn.lookupByID(0)
        self.assertEqual(dom0.schedulerParameters(), {"weight": 256, "cap": 0})
        self.assertEqual(dom0.schedulerParametersFlags(E.VIR_DOMAIN_AFFECT_CONFIG),
                         {"weight": 256, "cap": 0})
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                dom0.setSchedulerParametersFlags,
                                {"weight": 512}, E.VIR_DOMAIN_AFFECT_LIVE)
        self.assertEqual(dom0.schedulerParameters()["weight"], 256)
        out = self.daemon.virsh("schedinfo", "Domain-0", "--config").stdout
        self.assertRegex(out, r"weight\s+: 256")
        # its persistent definition is its live one
        self.assertEqual(self.daemon.virsh("vcpucount", "Domain-0", "--config",
                                           "--maximum").stdout.strip(), "8")

    def test_virsh_list_and_dominfo(self):
        out = self.daemon.virsh("list").stdout
        self.assertRegex(out, r"\n\s*0\s+Domain-0\s+running")
        out = self.daemon.virsh("dominfo", "Domain-0").stdout
        self.assertRegex(out, r"Id:\s+0")
        self.assertRegex(out, r"Used memory:\s+4194304 KiB")


class NamesTest(DaemonTestCase):

    def test_vif_names_live_only(self):
        dom = self.conn.defineXML(guest_xml("names-a", nics=2))
        self.assertEqual(iface_targets(dom), [None, None])
        dom.create()
        domid = dom.ID()
        self.assertEqual(iface_targets(dom), [f"vif{domid}.0", f"vif{domid}.1"])
        self.assertEqual(iface_targets(dom, E.VIR_DOMAIN_XML_INACTIVE), [None, None])
        dom.destroy()
        self.assertEqual(iface_targets(dom), [None, None])
        dom.create()
        self.assertEqual(iface_targets(dom), [f"vif{dom.ID()}.0", f"vif{dom.ID()}.1"])

    def test_vifname_asked_for(self):
        xml = guest_xml("names-b", nics=1).replace(
            "<source bridge='xenbr0'/>",
            "<source bridge='xenbr0'/><target dev='web0'/>")
        dom = self.conn.createXML(xml)
        self.assertEqual(iface_targets(dom), ["web0"])

    def test_names_and_domain0_after_daemon_restart(self):
        dom = self.conn.createXML(guest_xml("names-r", nics=1))
        name = iface_targets(dom)[0]
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("names-r")
        self.assertEqual(iface_targets(dom), [name])
        self.assertGreaterEqual(dom.interfaceStats(name)[0], 0)
        ids = self.conn.listDomainsID()
        self.assertEqual(sorted(ids), [0, dom.ID()])
        self.assertEqual(self.conn.lookupByID(0).name(), "Domain-0")

    def test_hotplugged_vif_named(self):
        dom = self.conn.createXML(guest_xml("names-c", nics=1))
        dom.attachDeviceFlags(
            "<interface type='bridge'><mac address='00:16:3e:00:00:77'/>"
            "<source bridge='xenbr0'/></interface>", E.VIR_DOMAIN_AFFECT_LIVE)
        self.assertEqual(iface_targets(dom), [f"vif{dom.ID()}.0", f"vif{dom.ID()}.1"])

    def test_disk_backends_live_only(self):
        # a raw image and a qcow2 one, neither naming its backend: Xen
        # places them (blkback, qdisk), the third asks for qemu itself
        xml = guest_xml("names-d", disks=3)
        xml = xml.replace("<driver name='qemu' type='raw'/>", "<driver type='raw'/>", 1)
        xml = xml.replace("<driver name='qemu' type='raw'/>", "<driver type='qcow2'/>", 1)
        dom = self.conn.defineXML(xml)
        self.assertEqual(disk_drivers(dom), [None, None, "qemu"])
        dom.create()
        self.assertEqual(disk_drivers(dom), ["phy", "qemu", "qemu"])
        self.assertEqual(disk_drivers(dom, E.VIR_DOMAIN_XML_INACTIVE),
                         [None, None, "qemu"])
        # a hot-added raw disk is placed too, and only live
        dom.attachDeviceFlags(
            "<disk type='file' device='disk'><driver type='raw'/>"
            "<source file='/var/lib/xen/images/names-d-9.img'/>"
            "<target dev='xvdj' bus='xen'/></disk>",
            E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG)
        self.assertEqual(disk_drivers(dom), ["phy", "qemu", "qemu", "phy"])
        self.assertEqual(disk_drivers(dom, E.VIR_DOMAIN_XML_INACTIVE),
                         [None, None, "qemu", None])
        # kept across a daemon restart, gone when the domain stops
        self.conn.close()
        self.daemon.restart()
        self.conn = libvirt.open(self.daemon.uri)
        dom = self.conn.lookupByName("names-d")
        self.assertEqual(disk_drivers(dom), ["phy", "qemu", "qemu", "phy"])
        dom.destroy()
        self.assertEqual(disk_drivers(dom), [None, None, "qemu", None])


class StatsTest(DaemonTestCase):

    def busy(self, name, disks=2, nics=1, **kw):
        script = {"disk-rate": 1024, "net-rate": 512, "mem-used": 100}
        dom = self.conn.createXML(guest_xml(name, disks=disks, nics=nics,
                                            script=script, **kw))
        return dom

    def test_block_stats_grow_at_the_rate(self):
        dom = self.busy("st-blk")
        t0 = time.monotonic()
        a = dom.blockStats("xvda")
        time.sleep(0.5)
        b = dom.blockStats("xvda")
        elapsed = time.monotonic() - t0
        rd_req, rd_bytes, wr_req, wr_bytes, errs = b
        self.assertGreater(rd_bytes, a[1])
        self.assertEqual(rd_bytes, wr_bytes)
        self.assertEqual(rd_req, rd_bytes // 4096)
        self.assertEqual(errs, 0)
        # 1024 KiB/s of running time: never more than the wall clock allows
        self.assertLessEqual(b[1] - a[1], (elapsed + 0.1) * 1024 * KiB)
        self.assertGreaterEqual(b[1] - a[1], 0.3 * 1024 * KiB)
        # by source path too, and the sum of all disks
        path = "/var/lib/xen/images/st-blk-1.img"
        one = dom.blockStats(path)
        total = dom.blockStats("")
        self.assertGreaterEqual(total[1], one[1] + b[1])
        out = self.daemon.virsh("domblkstat", "st-blk", "xvda", "--human").stdout
        self.assertIn("number of read operations:", out)
        flags = dom.blockStatsFlags("xvda")
        self.assertIn("rd_bytes", flags)
        self.assertIn("flush_operations", flags)

    def test_block_stats_freeze_when_paused(self):
        dom = self.busy("st-pause")
        time.sleep(0.1)
        dom.suspend()
        a = dom.blockStats("xvda")
        time.sleep(0.3)
        self.assertEqual(dom.blockStats("xvda"), a)
        dom.resume()
        time.sleep(0.1)
        self.assertGreater(dom.blockStats("xvda")[1], a[1])

    def test_block_stats_bad_input(self):
        dom = self.busy("st-bad")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.blockStats, "xvdz")
        off = self.conn.defineXML(guest_xml("st-off"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, off.blockStats, "xvda")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, off.interfaceStats, "vif1.0")

    def test_interface_stats(self):
        dom = self.busy("st-net")
        name = iface_targets(dom)[0]
        time.sleep(0.3)
        a = dom.interfaceStats(name)
        self.assertGreater(a[0], 0)              # rx_bytes
        self.assertEqual(a[0], a[4])             # rx == tx in the model
        self.assertEqual(a[1], a[0] // 1024)     # 1 KiB packets
        mac = ET.fromstring(dom.XMLDesc()).find(".//interface/mac").get("address")
        time.sleep(0.1)
        b = dom.interfaceStats(mac)
        self.assertGreater(b[0], a[0])
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.interfaceStats, "vif999.9")
        out = self.daemon.virsh("domifstat", "st-net", name).stdout
        self.assertIn(f"{name} rx_bytes", out)

    def test_memory_stats_follow_setmem(self):
        dom = self.busy("st-mem", memory_mib=512, current_mib=384)
        s = dom.memoryStats()
        self.assertEqual(s["actual"], 384 * MiB)
        self.assertEqual(s["available"], 384 * MiB)
        self.assertEqual(s["unused"], (384 - 100) * MiB)
        self.assertIn("last_update", s)
        dom.setMemoryFlags(256 * MiB, E.VIR_DOMAIN_AFFECT_LIVE)
        s = dom.memoryStats()
        self.assertEqual(s["actual"], 256 * MiB)
        self.assertEqual(s["unused"], (256 - 100) * MiB)
        out = self.daemon.virsh("dommemstat", "st-mem").stdout
        self.assertIn(f"actual {256 * MiB}", out)

    def test_cpu_stats_add_up(self):
        dom = self.busy("st-cpu", vcpus=3)
        time.sleep(0.2)
        dom.suspend()       # freeze the clock so the sums are exact
        total = dom.getCPUStats(True)[0]["cpu_time"]
        per = dom.getCPUStats(False)
        self.assertEqual(len(per), 3)
        self.assertEqual(sum(p["cpu_time"] for p in per), total)
        self.assertEqual(dom.info()[4], total)
        out = self.daemon.virsh("cpu-stats", "st-cpu").stdout
        self.assertIn("Total:", out)
        self.assertIn("cpu_time", out)

    def test_domstats_groups_and_filters(self):
        dom = self.busy("st-all", nics=2)
        self.conn.defineXML(guest_xml("st-idle"))
        time.sleep(0.2)
        recs = dict((d.name(), s) for d, s in self.conn.getAllDomainStats())
        self.assertIn("Domain-0", recs)
        self.assertIn("st-idle", recs)
        s = recs["st-all"]
        self.assertEqual(s["state.state"], E.VIR_DOMAIN_RUNNING)
        self.assertGreater(s["cpu.time"], 0)
        self.assertEqual(s["balloon.current"], 256 * MiB)
        self.assertEqual(s["vcpu.current"], 1)
        self.assertIn("vcpu.0.time", s)
        self.assertEqual(s["net.count"], 2)
        self.assertEqual(s["net.1.name"], f"vif{dom.ID()}.1")
        self.assertGreater(s["net.0.rx.bytes"], 0)
        self.assertEqual(s["block.count"], 2)
        self.assertEqual(s["block.0.name"], "xvda")
        self.assertGreater(s["block.1.wr.bytes"], 0)
        self.assertEqual(recs["st-idle"]["state.state"], E.VIR_DOMAIN_SHUTOFF)

        running = self.conn.getAllDomainStats(
            E.VIR_DOMAIN_STATS_STATE, E.VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF)
        self.assertEqual([d.name() for d, _ in running], ["st-idle"])
        only = self.conn.domainListGetStats([dom], E.VIR_DOMAIN_STATS_BLOCK)
        self.assertEqual(len(only), 1)
        self.assertNotIn("state.state", only[0][1])
        self.assertLibvirtError(E.VIR_ERR_ARGUMENT_UNSUPPORTED,
                                self.conn.getAllDomainStats,
                                E.VIR_DOMAIN_STATS_PERF,
                                E.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)
        out = self.daemon.virsh("domstats", "st-all").stdout
        self.assertIn("block.0.rd.bytes=", out)

    def test_node_cpu_stats_grow(self):
        a = self.conn.getCPUStats(E.VIR_NODE_CPU_STATS_ALL_CPUS)
        self.conn.createXML(guest_xml("st-node", vcpus=2))
        time.sleep(0.2)
        b = self.conn.getCPUStats(E.VIR_NODE_CPU_STATS_ALL_CPUS)
        self.assertGreater(b["user"], a["user"])
        self.assertGreater(b["idle"], a["idle"])
        cpus = [self.conn.getCPUStats(i) for i in range(self.conn.getInfo()[2])]
        self.assertGreaterEqual(sum(c["idle"] for c in cpus), b["idle"])
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.getCPUStats, 4096)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.getCPUStats, -2)
        out = self.daemon.virsh("nodecpustats").stdout
        self.assertIn("idle:", out)

    def test_node_cpu_stats_fields(self):
        """The four fields libvirt's Linux hosts give (Nova's CPU monitor
        and virsh nodecpustats --percent read them all), for the host
        and for each CPU. Xen tells idle from busy time only: busy is
        "user", and "kernel" and "iowait" are 0 (docs/driver.md)."""
        self.conn.createXML(guest_xml("st-fields", vcpus=2))
        ncpus = self.conn.getInfo()[2]
        total = self.conn.getCPUStats(E.VIR_NODE_CPU_STATS_ALL_CPUS)
        cpus = [self.conn.getCPUStats(i) for i in range(ncpus)]
        after = self.conn.getCPUStats(E.VIR_NODE_CPU_STATS_ALL_CPUS)
        for stats in [total] + cpus:
            self.assertEqual(set(stats), {"kernel", "user", "idle", "iowait"})
            self.assertEqual(stats["kernel"], 0)
            self.assertEqual(stats["iowait"], 0)
        # Busy and idle add up to the host's uptime on every CPU, and the
        # host's total is the sum over its CPUs: each CPU's reading lies
        # between the two totals' (read before and after it), per CPU.
        before_up = (total["user"] + total["idle"]) // ncpus
        after_up = -(-(after["user"] + after["idle"]) // ncpus)
        for i, c in enumerate(cpus):
            self.assertGreaterEqual(c["user"] + c["idle"], before_up, i)
            self.assertLessEqual(c["user"] + c["idle"], after_up, i)
        self.assertGreater(sum(c["user"] for c in cpus), 0)
        out = self.daemon.virsh("nodecpustats", "--percent").stdout
        for word in ("usage:", "user:", "system:", "idle:", "iowait:"):
            self.assertIn(word, out)
        out = self.daemon.virsh("nodecpustats", "--cpu", str(ncpus - 1)).stdout
        self.assertIn("iowait:", out)

    def test_node_memory_stats(self):
        total = self.conn.getMemoryStats(E.VIR_NODE_MEMORY_STATS_ALL_CELLS)
        self.assertEqual(total["total"], 262144 * MiB)
        cells = [self.conn.getMemoryStats(i) for i in range(2)]
        self.assertEqual(sum(c["total"] for c in cells), total["total"])
        self.assertEqual(sum(c["free"] for c in cells), total["free"])
        self.conn.createXML(guest_xml("st-nm", memory_mib=1024))
        after = self.conn.getMemoryStats(E.VIR_NODE_MEMORY_STATS_ALL_CELLS)
        self.assertLessEqual(after["free"], total["free"] - 1024 * MiB)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.getMemoryStats, 7)
        out = self.daemon.virsh("nodememstats", "1").stdout
        self.assertIn("total", out)


if __name__ == "__main__":
    unittest.main()
