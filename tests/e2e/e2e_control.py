# SPDX-License-Identifier: LGPL-2.1-or-later
"""Controls, the guest agent, CPU models and PCI node devices on real
Xen. The PV guest runs tests/e2e/guest-agent on its Xen channel (kernel
argument virtxl_agent): virsh domtime, domhostname and guestinfo are
answered by it through libxl's channel. Reset, NMI, send-key and
screenshot of the PV guest either work or are refused cleanly with the
guest left running. The CPU calls run on the host CPU Xen reports. The
PCI assignable path uses the spare NIC scripts/e2e-run gives the
emulated machine (nodedev-detach binds it to pciback, reattach gives it
back); without one the refusal is checked."""
import glob
import os
import time
import xml.etree.ElementTree as ET

import libvirt

from e2e_lib import (banner_after, check, console_count, console_text, forget,
                     guest_xml, say, sh, skip, state_of, wait_for)

E = libvirt
AGENT = "org.qemu.guest_agent.0"
SOCK = "/var/lib/libvirt/libxl/channel/e2e-control.agent"


DATA = "org.virtxl.data"


def agent_xml(name):
    # the agent's channel (the guest's /dev/hvc1), then a pty channel
    # (/dev/hvc2) the guest writes lines to (guest-init virtxl_channel)
    xml = guest_xml(name, cmdline="virtxl_agent virtxl_channel")
    return xml.replace(
        "</devices>",
        "  <channel type='unix'><source mode='bind' path='%s'/>"
        "<target type='xen' name='%s'/></channel>\n"
        "  <channel type='pty'><target type='xen' name='%s'/></channel>\n"
        "  </devices>" % (SOCK, AGENT, DATA))


def channel(conn, dom):
    """virsh console --devname: the pty channel's dom0 end, which the
    live XML names, carries what the guest writes on /dev/hvc2."""
    chans = ET.fromstring(dom.XMLDesc(0)).findall("./devices/channel[@type='pty']")
    src = chans[0].find("source") if chans else None
    path = src.get("path") if src is not None else None
    heard = b""
    try:
        st = conn.newStream(E.VIR_STREAM_NONBLOCK)
        dom.openChannel(DATA, st, 0)
        end = time.monotonic() + 60
        while b"virtxl channel line" not in heard and time.monotonic() < end:
            data = st.recv(4096)
            if isinstance(data, bytes):
                heard += data
            time.sleep(0.2)
        st.abort()
    except libvirt.libvirtError as e:
        heard += repr(e).encode()
    check("control-channel-pty", path is not None and path.startswith("/dev/pts/") and
          b"virtxl channel line" in heard,
          "live XML pty %r, heard %r" % (path, heard[-300:]))


def attempt(fn):
    """(result, None) or (None, (code, message))."""
    try:
        return fn(), None
    except libvirt.libvirtError as e:
        return None, (e.get_error_code(), str(e))


def refused_or_done(name, dom, fn, what):
    """The call works, or is refused with a clear error (not an internal
    one), and the guest keeps running either way."""
    res, err = attempt(fn)
    say("E2E INFO %s on the PV guest: %s" % (what, "done" if err is None else
                                              "refused: code %s: %s" % err))
    check(name, (err is None or err[0] != E.VIR_ERR_INTERNAL_ERROR) and
          state_of(dom) == E.VIR_DOMAIN_RUNNING,
          "error %s, state %s" % (err, dom.state()))
    return res, err


def agent(conn, dom, name):
    up = wait_for(lambda: "guest agent on /dev/hvc1: /dev/hvc1" in
                  console_text(name), 60, 1)
    if not up:
        say("E2E INFO guest console: %r" % console_text(name)[-600:])
    # The first command may race the agent's start: retried briefly.
    t, err = None, None
    for _ in range(10):
        t, err = attempt(lambda: dom.getTime())
        if err is None:
            break
        time.sleep(2)
    check("control-agent-domtime", err is None and
          abs(t["seconds"] - time.time()) < 300,
          "getTime %s, error %s" % (t, err))
    if err is not None:
        say("E2E INFO agent: guest console %r" % console_text(name)[-800:])
        say("E2E INFO agent: device model log %r" % sh(
            "tail -c 800 /var/log/xen/qemu-dm-%s.log" % name).stdout)
        for cmd in ("xenstore-ls -f /local/domain/%d 2>&1 | grep -v -E '/(memory|cpu|control|data|drivers|attr|error)/' | head -60" % dom.ID(),
                    "xenstore-ls -f /local/domain/0/backend 2>&1 | grep -E 'console|vfb|qdisk' | head -40",
                    "ls -l %s /var/log/xen/ 2>&1" % SOCK,
                    "ps -eo pid,ppid,stat,etime,args | grep -E 'qemu|xenconsole' | grep -v grep",
                    "grep -E 'console|channel|qemu|spawn|device model|dm' /var/log/libvirt/libvirtd.log | grep -v ' debug : vxlDomain' | tail -40"):
            say("E2E INFO agent: $ %s" % cmd)
            for line in sh(cmd).stdout.splitlines():
                say("E2E INFO agent:   %s" % line[:300])
    host, err = attempt(lambda: dom.hostname())
    check("control-agent-domhostname", host == "virtxl-guest",
          "hostname %r, error %s" % (host, err))
    info, err = attempt(lambda: dom.guestInfo(
        E.VIR_DOMAIN_GUEST_INFO_OS | E.VIR_DOMAIN_GUEST_INFO_HOSTNAME, 0))
    check("control-agent-guestinfo", info is not None and
          info.get("os.id") == "virtxl-e2e" and
          info.get("hostname") == "virtxl-guest" and
          bool(info.get("os.kernel-release")),
          "guestinfo %s, error %s" % (info, err))
    # A command the agent does not know: its refusal, not a hang.
    _, err = attempt(lambda: dom.fsFreeze(None, 0))
    check("control-agent-refusal", err is not None and
          "could not run command" in err[1] and
          state_of(dom) == E.VIR_DOMAIN_RUNNING, "error %s" % (err,))


def controls(dom, name):
    refused_or_done("control-reset-pv", dom, lambda: dom.reset(0), "reset")
    refused_or_done("control-nmi-pv", dom, lambda: dom.injectNMI(0), "inject-nmi")
    refused_or_done("control-send-key-pv", dom,
                    lambda: dom.sendKey(E.VIR_KEYCODE_SET_LINUX, 0, [28], 1, 0),
                    "send-key")
    st = dom.connect().newStream(0)
    _, err = refused_or_done("control-screenshot-pv", dom,
                             lambda: dom.screenshot(st, 0, 0), "screenshot")
    try:
        st.abort()
    except libvirt.libvirtError:
        pass
    _, err = refused_or_done("control-pmsuspend-pv", dom,
                             lambda: dom.pMSuspendForDuration(
                                 E.VIR_NODE_SUSPEND_TARGET_MEM, 0, 0),
                             "dompmsuspend")
    check("control-pmsuspend-pv-refused", err is not None and
          err[0] in (E.VIR_ERR_OPERATION_UNSUPPORTED, E.VIR_ERR_OPERATION_INVALID,
                     E.VIR_ERR_CONFIG_UNSUPPORTED, E.VIR_ERR_ARGUMENT_UNSUPPORTED),
          "error %s" % (err,))


def cpu(conn):
    caps = ET.fromstring(conn.getCapabilities())
    host = caps.find("./host/cpu")
    hostxml = ET.tostring(host, encoding="unicode")
    models, err = attempt(lambda: conn.getCPUModelNames("x86_64", 0))
    check("control-cpu-models", models and "qemu64" in models,
          "models %s, error %s" % (models and models[:8], err))
    cmp, err = attempt(lambda: conn.compareCPU(hostxml, 0))
    check("control-cpu-compare-host", cmp in (E.VIR_CPU_COMPARE_IDENTICAL,
                                              E.VIR_CPU_COMPARE_SUPERSET),
          "compare %s, error %s" % (cmp, err))
    base, err = attempt(lambda: conn.baselineCPU([hostxml], 0))
    check("control-cpu-baseline", base and "<model" in base,
          "baseline %r, error %s" % (base, err))
    hb, err = attempt(lambda: conn.baselineHypervisorCPU(
        None, "x86_64", None, "xen", [hostxml], 0))
    check("control-hypervisor-cpu-baseline", hb and "<model" in hb,
          "baseline %r, error %s" % (hb, err))
    if base:
        cmp2, err = attempt(lambda: conn.compareCPU(base, 0))
        check("control-cpu-compare-baseline", cmp2 in (
            E.VIR_CPU_COMPARE_IDENTICAL, E.VIR_CPU_COMPARE_SUPERSET),
            "compare %s, error %s" % (cmp2, err))


def spare_nic():
    """The sysfs address of the emulated e1000 scripts/e2e-run adds."""
    for d in sorted(glob.glob("/sys/bus/pci/devices/*")):
        try:
            if open(d + "/vendor").read().strip() == "0x8086" and \
                    open(d + "/device").read().strip() == "0x100e":
                return os.path.basename(d)
        except OSError:
            pass
    return None


def bound_to(addr):
    link = "/sys/bus/pci/devices/%s/driver" % addr
    return os.path.basename(os.readlink(link)) if os.path.islink(link) else None


def pci(conn):
    sh("modprobe xen-pciback")
    addr = spare_nic()
    if addr is None:
        skip("control-pci-assignable", "the emulated machine offers no spare PCI device")
        _, err = attempt(lambda: conn.nodeDeviceLookupByName("pci_0000_99_00_0").dettach())
        check("control-pci-missing-refused", err is not None, "error %s" % (err,))
        return
    name = "pci_" + addr.replace(":", "_").replace(".", "_")
    dev, err = attempt(lambda: conn.nodeDeviceLookupByName(name))
    check("control-pci-nodedev", dev is not None, "lookup %s: %s" % (name, err))
    if dev is None:
        return
    before = bound_to(addr)
    iommu = "hvm_directio" in sh("xl info").stdout.split("virt_caps", 1)[-1].split("\n", 1)[0]
    _, err = attempt(lambda: dev.dettach())
    after = bound_to(addr)
    listed = sh("xl pci-assignable-list").stdout
    if not iommu:
        # Without an IOMMU Xen can assign nothing: the detach is refused
        # before libxl binds the device, which stays where it was.
        check("control-pci-detach-refused-without-iommu",
              err is not None and err[0] == E.VIR_ERR_OPERATION_UNSUPPORTED and
              after == before and addr not in listed,
              "error %s, driver %s -> %s, assignable %r" % (err, before, after, listed))
        return
    check("control-pci-detach", err is None and after == "pciback" and
          addr in listed,
          "error %s, driver %s -> %s, assignable %r" % (err, before, after, listed))
    _, err = attempt(lambda: dev.reset())
    check("control-pci-reset", err is None or err[0] != E.VIR_ERR_INTERNAL_ERROR,
          "error %s" % (err,))
    say("E2E INFO nodedev-reset of %s: %s" % (name, err or "done"))
    _, err = attempt(lambda: dev.reAttach())
    listed = sh("xl pci-assignable-list").stdout
    check("control-pci-reattach", err is None and bound_to(addr) != "pciback" and
          addr not in listed,
          "error %s, driver %s, assignable %r" % (err, bound_to(addr), listed))


def run(conn, events):
    name = "e2e-control"
    os.makedirs(os.path.dirname(SOCK), exist_ok=True)
    for step in (lambda: cpu(conn), lambda: pci(conn)):
        try:
            step()
        except Exception as e:
            check("control-step", False, "exception %r" % e)
    dom = conn.defineXML(agent_xml(name))
    before = console_count(name)
    dom.create()
    try:
        up = banner_after(name, before) is not None
        check("control-boots", up and state_of(dom) == E.VIR_DOMAIN_RUNNING,
              "state %s, no banner" % (dom.state(),))
        if up:
            agent(conn, dom, name)
            channel(conn, dom)
            controls(dom, name)
    finally:
        forget(conn, name)
