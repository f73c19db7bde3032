# SPDX-License-Identifier: LGPL-2.1-or-later
"""Disk hotplug on real Xen (virsh attach-disk / detach-disk): a
file-backed raw disk hot-added to a running PV guest as xvdb is what
`xl block-list` then shows, and after the detach it is gone and
VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED has named it."""
import os
import threading
import time

import libvirt

from e2e_lib import banner_after, block_script_fits, check, console_count, \
    guest_xml, say, sh, skip, state_of, vbd_diagnostics, wait_for

E = libvirt
LIVE = E.VIR_DOMAIN_AFFECT_LIVE
IMAGE = "/var/lib/libvirt/images/e2e-hotplug.img"
DISK = ("<disk type='file' device='disk'><driver name='phy' type='raw'/>"
        "<source file='%s'/><target dev='xvdb' bus='xen'/></disk>" % IMAGE)


def block_list(name):
    """The vdevs' device numbers `xl block-list` shows (xvdb is 51728)."""
    out = sh("xl block-list %s" % name).stdout.splitlines()
    return [line.split()[0] for line in out[1:] if line.split()]


def attach_detach(dom, name, removed):
    t0 = time.monotonic()
    try:
        dom.attachDeviceFlags(DISK, LIVE)
        err = None
    except libvirt.libvirtError as e:
        err = e
        vbd_diagnostics("hotplug-attach")
    say("E2E FIGURE hotplug disk hot-add: %.1fs" % (time.monotonic() - t0))
    vbds = block_list(name)
    check("hotplug-attach-disk", err is None and "51728" in vbds and
          "xvdb" in dom.XMLDesc(0),
          "error %s, xl block-list %s" % (err, vbds))

    try:
        dom.detachDeviceFlags(DISK, LIVE)
        err = None
    except libvirt.libvirtError as e:
        err = e
    got = wait_for(lambda: (name, "xvdb") in removed, 30)
    vbds = block_list(name)
    check("hotplug-detach-disk", err is None and got and
          "51728" not in vbds and "xvdb" not in dom.XMLDesc(0),
          "error %s, xl block-list %s, removed events %s" % (err, vbds, removed))


def run(conn, events):
    name = "e2e-hotplug"
    # dom0 has no udev to load blkback when the first vbd appears, and
    # the block hotplug script puts a file on a loop device: without
    # these the backend never connects and libxl's add times out.
    for mod in ("xen-blkback", "loop"):
        sh("modprobe %s" % mod)
    os.makedirs(os.path.dirname(IMAGE), exist_ok=True)
    sh("truncate -s 64M %s" % IMAGE)
    removed = []
    lock = threading.Lock()

    def on_removed(conn, dom, alias, opaque):
        with lock:
            removed.append((dom.name(), alias))

    cb = conn.domainEventRegisterAny(
        None, E.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, on_removed, None)
    dom = conn.defineXML(guest_xml(name))
    before = console_count(name)
    dom.create()
    try:
        up = banner_after(name, before) is not None
        check("hotplug-boots", up and state_of(dom) == E.VIR_DOMAIN_RUNNING,
              "state %s, no banner" % (dom.state(),))

        fits, why = block_script_fits("hotplug")
        if fits:
            attach_detach(dom, name, removed)
        else:
            skip("hotplug-attach-disk", why)
            skip("hotplug-detach-disk", why)
    finally:
        try:
            conn.domainEventDeregisterAny(cb)
        except libvirt.libvirtError:
            pass
        if dom.isActive():
            dom.destroy()
        dom.undefine()
        if os.path.exists(IMAGE):
            os.unlink(IMAGE)
