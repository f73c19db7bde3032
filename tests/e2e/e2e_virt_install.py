# SPDX-License-Identifier: LGPL-2.1-or-later
"""virt-install on real Xen: a PV guest made as its users make one,
`virt-install --paravirt --import --boot kernel=...`, through the
driver; it defines, starts and boots to its banner, and goes with
`virsh destroy` and `virsh undefine`. The dom0 image has virt-install
(package virtinst, scripts/e2e-image); without it the case is skipped
with that reason."""
import shutil
import subprocess

import libvirt

from e2e_lib import (URI, banner_after, check, forget, say, skip, state_of,
                     xl_domains)

NAME = "e2e-virt-install"


def run(conn, events):
    if not shutil.which("virt-install"):
        skip("virt-install", "virt-install is not in the dom0 image")
        return
    forget(conn, NAME)
    # No disk or network: the busybox guest needs neither, and Xen's
    # disk backends are proven by the hotplug scenario.
    cmd = ["virt-install", "--connect", URI, "--name", NAME,
           "--paravirt", "--import", "--memory", "128", "--vcpus", "1",
           "--boot", "kernel=/guest/vmlinux,initrd=/guest/guest.cpio.gz,"
                     "kernel_args=console=hvc0",
           "--disk", "none", "--network", "none", "--graphics", "none",
           "--osinfo", "detect=on,require=off", "--noautoconsole"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    check("virt-install-pv", res.returncode == 0,
          "exit %d: %s" % (res.returncode, (res.stderr or res.stdout)[-800:]))
    if res.returncode != 0:
        forget(conn, NAME)
        return
    try:
        dom = conn.lookupByName(NAME)
    except libvirt.libvirtError as e:
        check("virt-install-pv-defined", False, str(e))
        return
    check("virt-install-pv-defined", dom.isPersistent() and dom.OSType() in ("xen", "linux"),
          "persistent %s, os type %s" % (dom.isPersistent(), dom.OSType()))
    check("virt-install-pv-running", state_of(dom) == libvirt.VIR_DOMAIN_RUNNING and
          NAME in xl_domains(),
          "state %s, xl list %s" % (dom.state(), sorted(xl_domains())))
    line = banner_after(NAME, 0)
    check("virt-install-pv-console", line is not None and line.rstrip().endswith("type PV"),
          "banner %r" % line)
    if line:
        say("E2E INFO virt-install guest: %s" % line.strip())
    dom.destroy()
    dom.undefine()
    check("virt-install-pv-gone", NAME not in xl_domains() and
          NAME not in [d.name() for d in conn.listAllDomains(0)],
          "xl list %s" % sorted(xl_domains()))
