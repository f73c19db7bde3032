# SPDX-License-Identifier: LGPL-2.1-or-later
"""Save and restore on real Xen: a running PV guest saved with virsh save
is gone from xl list, and once restored runs on from where it was (its
heartbeat's uptime carries on, no new boot banner); managed save and
start; a save aborted in flight leaves the guest running and no image.
Figures: save and restore time against xl save / xl restore of the same
guest on the same boot, as ratios."""
import os
import threading
import time

import libvirt

from e2e_lib import banner_after, check, console_count, console_text, \
    guest_xml, last_uptime, say, sh, skip, state_of, wait_for, xl_domains

E = libvirt
IMAGES = "/var/lib/libvirt/saves"   # a tmpfs of its own (dom0-init)


def baseline(name, xlpath, err):
    """After a failed virsh save: can xl save the same guest? Printed,
    with what the guest's console and xenstore say, for whoever reads
    the log."""
    say("E2E INFO save failed: %s" % err)
    r = sh("xl -v save -c %s %s" % (name, xlpath))
    say("E2E INFO baseline: xl save -c of the same guest: rc %d: %s" %
        (r.returncode, (r.stdout + r.stderr).strip()[-1500:].replace("\n", " | ")))
    say("E2E INFO xenstore control: %s" % sh(
        "xenstore-ls /local/domain/$(xl domid %s)/control" % name).stdout.strip()
        .replace("\n", " | "))
    say("E2E INFO guest console tail: %s" %
        " | ".join(console_text(name).splitlines()[-8:]))
    if os.path.exists(xlpath):
        os.unlink(xlpath)


def run(conn, events, uri):
    name = "e2e-save"
    path = os.path.join(IMAGES, "e2e-save.img")
    xlpath = os.path.join(IMAGES, "e2e-save.xl")
    os.makedirs(IMAGES, exist_ok=True)
    dom = conn.defineXML(guest_xml(name))
    before = console_count(name)
    dom.create()
    try:
        up = banner_after(name, before) is not None
        check("save-boots", up and state_of(dom) == E.VIR_DOMAIN_RUNNING,
              "state %s, no banner" % (dom.state(),))
        wait_for(lambda: last_uptime(name) > 0, 30)

        t0 = time.monotonic()
        try:
            dom.save(path)
        except libvirt.libvirtError as e:
            baseline(name, xlpath, e)
            raise
        t_save = time.monotonic() - t0
        check("save-stops-domain",
              dom.state() == [E.VIR_DOMAIN_SHUTOFF, E.VIR_DOMAIN_SHUTOFF_SAVED]
              and name not in xl_domains() and os.path.getsize(path) > 0,
              "state %s, xl list %s" % (dom.state(), list(xl_domains())))
        last = last_uptime(name)

        t0 = time.monotonic()
        conn.restore(path)
        t_restore = time.monotonic() - t0
        dom = conn.lookupByName(name)
        check("restore-runs",
              dom.state() == [E.VIR_DOMAIN_RUNNING, E.VIR_DOMAIN_RUNNING_RESTORED]
              and name in xl_domains(),
              "state %s, xl list %s" % (dom.state(), list(xl_domains())))
        alive = wait_for(lambda: last_uptime(name) > last, 30)
        check("restore-console-alive",
              alive and console_count(name) == before + 1,
              "uptime %.1f after %.1f, banners %d" %
              (last_uptime(name), last, console_count(name) - before))
        # dom0's directories are small tmpfs: one image at a time
        os.unlink(path)

        dom.managedSave(0)
        ok = dom.hasManagedSaveImage(0) == 1 and name not in xl_domains()
        dom.create()
        check("managed-save-start",
              ok and dom.state() == [E.VIR_DOMAIN_RUNNING,
                                     E.VIR_DOMAIN_RUNNING_RESTORED]
              and dom.hasManagedSaveImage(0) == 0,
              "state %s, image %s" % (dom.state(), dom.hasManagedSaveImage(0)))

        # Abort a save in flight, from a second connection.
        saver = libvirt.open(uri)
        out = {}

        def do_save():
            try:
                saver.lookupByName(name).save(path)
                out["ok"] = True
            except libvirt.libvirtError as e:
                out["err"] = e

        t = threading.Thread(target=do_save)
        t.start()
        seen = wait_for(lambda: dom.jobInfo()[0] == E.VIR_DOMAIN_JOB_UNBOUNDED
                        or not t.is_alive(), 30, step=0.05)
        if t.is_alive():
            dom.abortJob()
        t.join(60)
        saver.close()
        if out.get("ok"):
            skip("save-abort", "the save finished (%.1fs) before it could be aborted" % t_save)
        else:
            err = out.get("err")
            check("save-abort",
                  seen and err is not None and
                  err.get_error_code() == E.VIR_ERR_OPERATION_ABORTED and
                  state_of(dom) == E.VIR_DOMAIN_RUNNING and
                  not os.path.exists(path) and name in xl_domains(),
                  "error %s, state %s, image %s" %
                  (err, dom.state(), os.path.exists(path)))
            last = last_uptime(name)
            check("save-abort-guest-runs",
                  wait_for(lambda: last_uptime(name) > last, 30),
                  "no heartbeat after the abort")

        # The same guest through xl, for the figures: the one running on
        # after the abort, or restored from the save that beat it (a
        # guest still booting would not answer xl's suspend request).
        if not dom.isActive():
            if os.path.exists(path):
                conn.restore(path)
            else:
                before = console_count(name)
                dom.create()
                banner_after(name, before)
        if os.path.exists(path):
            os.unlink(path)
        wait_for(lambda: name in xl_domains(), 30)
        t0 = time.monotonic()
        r1 = sh("xl save %s %s" % (name, xlpath))
        xl_save = time.monotonic() - t0
        t0 = time.monotonic()
        r2 = sh("xl restore %s" % xlpath)
        xl_restore = time.monotonic() - t0
        if r1.returncode == 0 and r2.returncode == 0:
            say("E2E FIGURE save: virsh %.2fs, xl %.2fs, ratio %.2f" %
                (t_save, xl_save, t_save / xl_save if xl_save else 0))
            say("E2E FIGURE restore: virsh %.2fs, xl %.2fs, ratio %.2f" %
                (t_restore, xl_restore, t_restore / xl_restore if xl_restore else 0))
        else:
            say("E2E FIGURE save/restore: xl failed (%s / %s): %s" %
                (r1.returncode, r2.returncode,
                 (r1.stderr + r2.stderr).strip()[-600:].replace("\n", " | ")))
        sh("xl destroy %s" % name)
        if os.path.exists(xlpath):
            os.unlink(xlpath)
    finally:
        try:
            if dom.isActive():
                dom.destroy()
        except libvirt.libvirtError:
            pass
        try:
            dom.undefineFlags(E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        except libvirt.libvirtError:
            pass
        for p in (path, xlpath):
            if os.path.exists(p):
                os.unlink(p)
