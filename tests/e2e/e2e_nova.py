# SPDX-License-Identifier: LGPL-2.1-or-later
"""Nova 22 (virt_type=xen) on real Xen: the calls its libvirt driver
makes for spawn, pause, suspend/resume, soft and hard reboot, a volume's
attach and detach, diagnostics, the host's memory with Domain-0, and
destroy, as tests/integration/test_nova_flow.py makes them on the
simulator; each checked against the guest's console and xl."""
import os

import libvirt

from e2e_lib import banner_after, block_script_fits, check, console_count, \
    sh, skip, state_of, vbd_diagnostics, wait_for

E = libvirt
NAME = "e2e-nova"
VOLUME = "/var/lib/libvirt/images/e2e-nova-volume.img"
VOLUME_XML = ("<disk type='file' device='disk'><driver name='phy' type='raw'/>"
              "<source file='%s'/><target dev='xvdb' bus='xen'/>"
              "<serial>0b5c7e3a-2f1d-4c6b-9e8a-7d6c5b4a3f21</serial></disk>" % VOLUME)
LIVE_AND_CONFIG = E.VIR_DOMAIN_AFFECT_LIVE | E.VIR_DOMAIN_AFFECT_CONFIG

# Nova's XML for an AMI-style image (kernel and ramdisk of their own):
# vm_mode xen, direct kernel boot, one pty console, its metadata.
NOVA_XML = """<domain type='xen'>
  <name>%s</name>
  <metadata>
    <nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.1'>
      <nova:package version='22.0.0'/><nova:name>e2e</nova:name>
    </nova:instance>
  </metadata>
  <memory unit='KiB'>131072</memory>
  <currentMemory unit='KiB'>131072</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <cputune><shares>1024</shares></cputune>
  <os>
    <type arch='x86_64' machine='xenpv'>xen</type>
    <kernel>/guest/vmlinux</kernel>
    <initrd>/guest/guest.cpio.gz</initrd>
    <cmdline>console=hvc0</cmdline>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <console type='pty'/>
    <memballoon model='xen'><stats period='10'/></memballoon>
  </devices>
</domain>
""" % NAME


def attempt(fn):
    try:
        return fn(), None
    except libvirt.libvirtError as e:
        return None, e


def booted(before):
    return banner_after(NAME, before) is not None


def volume(dom):
    """A volume's hot-add, Nova's diagnostics of it, its detach."""
    _, err = attempt(lambda: dom.attachDeviceFlags(VOLUME_XML, LIVE_AND_CONFIG))
    if err is not None:
        vbd_diagnostics("nova-attach")
    blocks = sh("xl block-list %s" % NAME).stdout
    check("nova-volume-attach", err is None and "51728" in blocks and
          "xvdb" in dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE),
          "error %s, xl block-list %s" % (err, blocks))

    stats, err = attempt(lambda: dom.blockStats("xvdb"))
    mem, err2 = attempt(dom.memoryStats)
    vcpus, err3 = attempt(dom.vcpus)
    check("nova-diagnostics", err is None and err2 is None and err3 is None and
          len(stats) == 5 and "actual" in mem and len(vcpus[0]) == 1,
          "blockStats %s (%s), memoryStats %s (%s), vcpus %s" % (stats, err, mem, err2, err3))

    _, err = attempt(lambda: dom.detachDeviceFlags(VOLUME_XML, LIVE_AND_CONFIG))
    gone = wait_for(lambda: "xvdb" not in dom.XMLDesc(0), 30)
    check("nova-volume-detach", err is None and gone and
          "51728" not in sh("xl block-list %s" % NAME).stdout,
          "error %s" % (err,))


def run(conn, events):
    for mod in ("xen-blkback", "loop"):
        sh("modprobe %s" % mod)
    os.makedirs(os.path.dirname(VOLUME), exist_ok=True)
    sh("truncate -s 32M %s" % VOLUME)
    dom = conn.defineXML(NOVA_XML)
    try:
        # spawn: launched paused while Neutron plugs the vifs, resumed.
        before = console_count(NAME)
        _, err = attempt(lambda: dom.createWithFlags(E.VIR_DOMAIN_START_PAUSED))
        paused = state_of(dom) == E.VIR_DOMAIN_PAUSED
        _, err2 = attempt(dom.resume)
        check("nova-spawn", err is None and err2 is None and paused and booted(before),
              "errors %s / %s, paused first: %s" % (err, err2, paused))

        # pause / unpause
        _, err = attempt(dom.suspend)
        p = state_of(dom) == E.VIR_DOMAIN_PAUSED
        _, err2 = attempt(dom.resume)
        check("nova-pause", err is None and err2 is None and p and
              state_of(dom) == E.VIR_DOMAIN_RUNNING, "errors %s / %s" % (err, err2))

        # suspend / resume: managed save, then start from it; the guest
        # carries on (no second banner).
        before = console_count(NAME)
        _, err = attempt(lambda: dom.managedSave(0))
        saved = err is None and not dom.isActive() and dom.hasManagedSaveImage(0)
        _, err2 = attempt(lambda: dom.createWithFlags(0))
        check("nova-suspend-resume", saved and err2 is None and
              state_of(dom) == E.VIR_DOMAIN_RUNNING and
              console_count(NAME) == before and not dom.hasManagedSaveImage(0),
              "errors %s / %s, image kept: %s" % (err, err2, saved))

        # soft reboot: shutdown, wait for SHUTOFF, launch again.
        before = console_count(NAME)
        _, err = attempt(dom.shutdown)
        off = wait_for(lambda: not dom.isActive(), 60)
        _, err2 = attempt(lambda: dom.createWithFlags(0))
        check("nova-soft-reboot", err is None and off and err2 is None and booted(before),
              "errors %s / %s, shut off: %s" % (err, err2, off))

        # hard reboot: destroy, undefine keeping disks, define, launch.
        xml = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE | E.VIR_DOMAIN_XML_SECURE)
        before = console_count(NAME)
        _, err = attempt(dom.destroy)
        _, err2 = attempt(lambda: dom.undefineFlags(E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE))
        dom = conn.defineXML(xml)
        _, err3 = attempt(lambda: dom.createWithFlags(0))
        check("nova-hard-reboot", (err, err2, err3) == (None, None, None) and booted(before),
              "errors %s / %s / %s" % (err, err2, err3))

        # a volume, attached live and persistently, then its statistics.
        fits, why = block_script_fits("nova-volume")
        if fits:
            volume(dom)
        else:
            for what in ("nova-volume-attach", "nova-diagnostics", "nova-volume-detach"):
                skip(what, why)

        # the resource tracker's memory for xen: every domain, Domain-0 too.
        doms = conn.listAllDomains(0)
        ids = {d.ID(): d for d in doms}
        dom0 = ids.get(0)
        xl0 = sh("xl list 0").stdout.splitlines()
        xl0_mib = int(xl0[1].split()[2]) if len(xl0) > 1 else -1
        check("nova-host-memory-dom0", dom0 is not None and
              abs(dom0.info()[2] // 1024 - xl0_mib) <= 2,
              "Domain-0 listed: %s, its memory %s MiB, xl list 0 says %s MiB" %
              (dom0 is not None, dom0.info()[2] // 1024 if dom0 else None, xl0_mib))

        # destroy and undefine
        _, err = attempt(dom.destroy)
        _, err2 = attempt(lambda: dom.undefineFlags(E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE))
        check("nova-destroy", err is None and err2 is None and
              NAME not in sh("xl list").stdout, "errors %s / %s" % (err, err2))
    finally:
        try:
            if dom.isActive():
                dom.destroy()
            dom.undefineFlags(E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        except libvirt.libvirtError:
            pass
        if os.path.exists(VOLUME):
            os.unlink(VOLUME)
