# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host facts on real Xen: <capabilities>' host CPU and topology against
what dom0 and Xen themselves say, and `virtxl host-profile` capturing the
same facts. Run inside dom0 by test_xen.py:

    check_host_facts.run(conn, check)

@conn: a libvirt connection to this driver; @check(name, ok, why): one
E2E PASS/FAIL line, as test_xen.py's.

What each fact is compared with:
- vendor, signature (family/model/stepping), microcode: dom0's
  /proc/cpuinfo (under Xen these are the host's values);
- model and features: `xl info`'s hw_caps, the first eight words of Xen's
  host feature set, named by libvirt's own cpu_map: every feature the map
  places in those words must be reported (by the model or as a
  <feature>) exactly when its bit is set;
- per-CPU socket, core, node and siblings: `xl info -n`'s cpu_topology;
- `virtxl host-profile`: the profile it writes loads back, and
  `virtxl caps --profile` of it shows the same host CPU and cells.
"""
import glob
import json
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

CPU_MAP = "/usr/share/libvirt/cpu_map"
TOOL = "/opt/virtxl/bin/virtxl"

# Xen's feature-set words 0-7 (public/arch-x86/cpufeatureset.h), which
# physinfo's hw_cap holds: (CPUID leaf, subleaf, register).
HW_CAP_WORDS = [
    (0x1, 0, "edx"), (0x1, 0, "ecx"), (0x80000001, 0, "edx"),
    (0x80000001, 0, "ecx"), (0xd, 1, "eax"), (0x7, 0, "ebx"),
    (0x7, 0, "ecx"), (0x80000007, 0, "edx"),
]
VENDORS = {"GenuineIntel": "Intel", "AuthenticAMD": "AMD"}


def _sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True)


def cpuinfo():
    """The first processor's block of /proc/cpuinfo, as a dict."""
    out = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if not line.strip():
                if out:
                    break
                continue
            k, _, v = line.partition(":")
            out.setdefault(k.strip(), v.strip())
    return out


def xl_info():
    """`xl info -n`: (key -> value, cpu -> (core, socket, node))."""
    info, topo, section = {}, {}, None
    for line in _sh("xl info -n").stdout.splitlines():
        if line.startswith("cpu_topology"):
            section = "topo"
            continue
        if line.startswith("numa_info") or line.startswith("device topology"):
            section = "other"
            continue
        if section == "topo":
            f = line.replace(":", " ").split()
            if len(f) == 4 and f[0].isdigit():
                topo[int(f[0])] = (int(f[1]), int(f[2]), int(f[3]))
            continue
        if section is None and ":" in line:
            k, _, v = line.partition(":")
            info[k.strip()] = v.strip()
    return info, topo


def cpu_map():
    """(features: name -> [(leaf, subleaf, register, mask)], models: name
    -> set of feature names) from libvirt's x86 CPU map."""
    feats = {}
    root = ET.parse(os.path.join(CPU_MAP, "x86_features.xml")).getroot()
    for f in root.findall("feature"):
        regs = []
        for c in f.findall("cpuid"):
            leaf = int(c.get("eax_in"), 16)
            sub = int(c.get("ecx_in", "0"), 16)
            for r in ("eax", "ebx", "ecx", "edx"):
                if c.get(r):
                    regs.append((leaf, sub, r, int(c.get(r), 16)))
        feats[f.get("name")] = regs
    models = {}
    for path in glob.glob(os.path.join(CPU_MAP, "x86_*.xml")):
        for m in ET.parse(path).getroot().findall("model"):
            models[m.get("name")] = {f.get("name") for f in m.findall("feature")}
    return feats, models


def check_cpu(caps, check):
    ci = cpuinfo()
    cpu = caps.find("host/cpu")
    vendor = VENDORS.get(ci.get("vendor_id"), ci.get("vendor_id"))
    check("host-cpu-vendor", cpu.findtext("vendor") == vendor,
          "vendor %s, /proc/cpuinfo vendor_id %s" %
          (cpu.findtext("vendor"), ci.get("vendor_id")))

    sig = cpu.find("signature")
    want = (ci.get("cpu family"), ci.get("model"), ci.get("stepping"))
    got = None if sig is None else (sig.get("family"), sig.get("model"),
                                    sig.get("stepping"))
    check("host-cpu-signature", got == want,
          "signature %s, /proc/cpuinfo family/model/stepping %s" % (got, want))

    mc = cpu.find("microcode")
    want = int(ci["microcode"], 0) if "microcode" in ci else None
    got = None if mc is None else int(mc.get("version"))
    check("host-cpu-microcode", got == want,
          "microcode %s, /proc/cpuinfo %s" % (got, want))

    feats, models = cpu_map()
    model = cpu.findtext("model")
    check("host-cpu-model", model in models,
          "model %r is not one of libvirt's cpu_map models" % model)
    reported = set(models.get(model, set()))
    reported |= {f.get("name") for f in cpu.findall("feature")}

    info, _ = xl_info()
    words = [int(w, 16) for w in info.get("hw_caps", "").split(":")]
    if len(words) < len(HW_CAP_WORDS):
        check("host-cpu-features", False, "xl info hw_caps: %r" % info.get("hw_caps"))
        return
    regs = {HW_CAP_WORDS[i]: words[i] for i in range(len(HW_CAP_WORDS))}
    missing, extra = [], []
    for name, bits in sorted(feats.items()):
        # only features the map places wholly in hw_cap's words
        if not bits or any((l, s, r) not in regs for l, s, r, _ in bits):
            continue
        has = all(regs[(l, s, r)] & m == m for l, s, r, m in bits)
        if has and name not in reported:
            missing.append(name)
        elif not has and name in reported:
            extra.append(name)
    # libvirt drops TSX on the Intel models whose TSX is broken
    missing = [n for n in missing if n not in ("hle", "rtm")]
    check("host-cpu-features", not missing and not extra,
          "model %s; set in hw_caps %s but not reported: %s; reported but not "
          "set: %s" % (model, info.get("hw_caps"), missing, extra))


def check_topology(caps, check):
    _, topo = xl_info()
    seen = {}
    for cell in caps.findall("host/topology/cells/cell"):
        for c in cell.findall("cpus/cpu"):
            seen[int(c.get("id"))] = (int(c.get("core_id")), int(c.get("socket_id")),
                                      int(cell.get("id")), c.get("siblings"))
    bad = []
    for cpu, (core, socket, node) in sorted(topo.items()):
        sib = ",".join(str(o) for o, t in sorted(topo.items())
                       if t[0] == core and t[1] == socket)
        got = seen.get(cpu)
        if got is None or got[:3] != (core, socket, node) or \
                _expand(got[3]) != _expand(sib):
            bad.append("cpu %d: xl core %d socket %d node %d siblings %s; "
                       "capabilities %s" % (cpu, core, socket, node, sib, got))
    check("host-topology", topo and not bad and len(seen) == len(topo),
          "xl info -n has %d CPUs, capabilities %d; %s" % (len(topo), len(seen), bad))


def _expand(cpus):
    out = set()
    for part in (cpus or "").split(","):
        if "-" in part:
            a, b = part.split("-")
            out |= set(range(int(a), int(b) + 1))
        elif part:
            out.add(int(part))
    return out


def check_host_profile(caps, check):
    if not os.access(TOOL, os.X_OK):
        check("host-profile", False, "%s is not in the image" % TOOL)
        return
    res = subprocess.run([TOOL, "host-profile"], capture_output=True, text=True)
    if not check("host-profile", res.returncode == 0, res.stderr.strip()):
        return
    prof = json.loads(res.stdout)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(res.stdout)
    back = subprocess.run([TOOL, "caps", "--profile", f.name],
                          capture_output=True, text=True)
    os.unlink(f.name)
    if not check("host-profile-loads", back.returncode == 0,
                 "%s\n%s" % (back.stderr.strip(), res.stdout)):
        return
    again = ET.fromstring(back.stdout)

    def cells(doc):
        # the CPUs of each cell; memory is rounded to MiB in a profile
        return [ET.tostring(c) for c in doc.findall("host/topology/cells/cell/cpus")]
    same = (ET.tostring(again.find("host/cpu")) == ET.tostring(caps.find("host/cpu")) and
            cells(again) == cells(caps))
    check("host-profile-same-host", same and "topology" in prof["cpu"] and
          "signature" in prof["cpu"],
          "profile cpu %s\nits <cpu> %s\nlive <cpu> %s" %
          (json.dumps(prof["cpu"]), ET.tostring(again.find("host/cpu")),
           ET.tostring(caps.find("host/cpu"))))


def run(conn, check):
    caps = ET.fromstring(conn.getCapabilities())
    print("E2E INFO host cpu: %s" % ET.tostring(caps.find("host/cpu")).decode(),
          flush=True)
    for step in (check_cpu, check_topology, check_host_profile):
        try:
            step(caps, check)
        except Exception as e:
            check(step.__name__.replace("_", "-"), False, "exception %r" % e)
