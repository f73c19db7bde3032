# SPDX-License-Identifier: LGPL-2.1-or-later
"""CPU models through stock libvirtd (virsh cpu-baseline, cpu-compare,
hypervisor-cpu-baseline, hypervisor-cpu-compare, cpu-models), computed by
libvirt's cpu driver and cpu_map from the host CPU the host facts give;
virt-manager's host-model expansion; hosts of a pool agreeing on one
model; bad input refused with the right error."""

import os
import re
import tempfile
import unittest
import xml.etree.ElementTree as ET

import libvirt

from vxltest import Daemon, DaemonTestCase, open_daemon

E = libvirt
EXPAND = E.VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES


def host_cpu(conn):
    """The <cpu> of <host> in @conn's capabilities, as a string."""
    root = ET.fromstring(conn.getCapabilities())
    return ET.tostring(root.find("./host/cpu"), encoding="unicode")


def guest_cpu(model, features=(), vendor=None):
    feats = "".join(f"<feature policy='require' name='{f}'/>" for f in features)
    vendor = f"<vendor>{vendor}</vendor>" if vendor else ""
    return (f"<cpu mode='custom' match='exact'><model fallback='forbid'>{model}"
            f"</model>{vendor}{feats}</cpu>")


def features_of(xml):
    return {f.get("name") for f in ET.fromstring(xml).findall("./feature")}


def model_of(xml):
    return ET.fromstring(xml).find("./model").text


class CPUTest(DaemonTestCase):

    def test_compare_with_host(self):
        host = host_cpu(self.conn)
        self.assertEqual(self.conn.compareCPU(host, 0), E.VIR_CPU_COMPARE_IDENTICAL)
        self.assertEqual(self.conn.compareCPU(guest_cpu("Haswell"), 0),
                         E.VIR_CPU_COMPARE_SUPERSET)
        # An AMD model with AMD-only features: not on this Intel host.
        epyc = guest_cpu("EPYC", ["svm"])
        self.assertEqual(self.conn.compareCPU(epyc, 0),
                         E.VIR_CPU_COMPARE_INCOMPATIBLE)
        self.assertLibvirtError(E.VIR_ERR_CPU_INCOMPATIBLE, self.conn.compareCPU,
                                epyc, E.VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE)
        self.assertEqual(
            self.conn.compareHypervisorCPU(None, "x86_64", None, "xen",
                                           guest_cpu("Haswell"), 0),
            E.VIR_CPU_COMPARE_SUPERSET)

    def test_compare_with_virsh(self):
        with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
            f.write(guest_cpu("Haswell"))
            f.flush()
            out = self.daemon.virsh("cpu-compare", f.name).stdout
            self.assertIn("superset", out)
            out = self.daemon.virsh("hypervisor-cpu-compare", f.name).stdout
            self.assertIn("superset", out)

    def test_bad_input_refused(self):
        self.assertLibvirtError(E.VIR_ERR_XML_DETAIL, self.conn.compareCPU,
                                "<cpu><model>", 0)
        self.assertLibvirtError(E.VIR_ERR_XML_DETAIL, self.conn.baselineCPU,
                                ["not xml"], 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG,
                                self.conn.compareHypervisorCPU, None, "x86_64",
                                None, "kvm", guest_cpu("Haswell"), 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG,
                                self.conn.baselineHypervisorCPU, None, "aarch64",
                                None, None, [guest_cpu("Haswell")], 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG,
                                self.conn.getCPUModelNames, "no-such-arch", 0)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, self.conn.baselineCPU,
                                [host_cpu(self.conn)], 1 << 10)

    def test_models(self):
        names = self.conn.getCPUModelNames("x86_64", 0)
        self.assertIn("Skylake-Server-IBRS", names)
        self.assertIn("EPYC", names)
        out = self.daemon.virsh("cpu-models", "x86_64").stdout.split()
        self.assertEqual(sorted(out), sorted(names))

    def test_virt_manager_host_model_expansion(self):
        """virt-manager turns the domcapabilities host-model <mode> into a
        <cpu> and asks for it with its features expanded, to see which
        security mitigations guests can have."""
        dc = ET.fromstring(self.conn.getDomainCapabilities(None, "x86_64",
                                                           "xenfv", "xen"))
        mode = dc.find("./cpu/mode[@name='host-model']")
        self.assertEqual(mode.get("supported"), "yes")
        mode.tag = "cpu"
        mode.attrib = {}
        ET.SubElement(mode, "arch").text = "x86_64"
        xml = self.conn.baselineHypervisorCPU(
            dc.findtext("path"), "x86_64", "xenfv", "xen",
            [ET.tostring(mode, encoding="unicode")], EXPAND)
        feats = features_of(xml)
        self.assertIn("spec-ctrl", feats)
        self.assertIn("avx512f", feats)
        self.assertEqual(model_of(xml), "Skylake-Server-IBRS")


class PoolTest(unittest.TestCase):
    """Two hosts of a pool (different CPUs) agree on a common model that
    each of them can give its guests."""

    def test_pool_baseline(self):
        _, intel = open_daemon(self, profile="intel-2s-vtd")
        _, small = open_daemon(self, profile="small-host")
        cpus = [host_cpu(intel), host_cpu(small)]
        base = intel.baselineCPU(cpus, 0)
        self.assertEqual(small.baselineCPU(cpus, 0), base)
        for conn in (intel, small):
            self.assertIn(conn.compareCPU(base, 0),
                          (E.VIR_CPU_COMPARE_IDENTICAL, E.VIR_CPU_COMPARE_SUPERSET))
        hv = intel.baselineHypervisorCPU(None, None, None, None, cpus,
                                         E.VIR_CONNECT_BASELINE_CPU_MIGRATABLE)
        self.assertEqual(model_of(hv), model_of(base))
        # Expanded, the baseline lists every feature of the model too.
        self.assertGreater(len(features_of(intel.baselineCPU(cpus, EXPAND))),
                           len(features_of(base)))

    def test_virsh_cpu_baseline_from_capabilities(self):
        daemon, conn = open_daemon(self)
        with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
            f.write(conn.getCapabilities())
            f.flush()
            out = daemon.virsh("cpu-baseline", f.name).stdout
            self.assertIn("Skylake-Server-IBRS", out)
            out = daemon.virsh("hypervisor-cpu-baseline", "--features", f.name).stdout
            self.assertIn("spec-ctrl", out)
