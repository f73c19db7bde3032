# SPDX-License-Identifier: LGPL-2.1-or-later
"""Snapshots on real Xen: a running PV guest (no disk, so nothing but its
memory) snapshotted runs on from where it was, restored from the image
the snapshot wrote; reverted later, it runs again from the snapshot's
instant (its heartbeat's beat number, kept in the guest's memory, goes
back; no new boot banner); the snapshot is deleted with its memory
image. A live snapshot (--live) of a running PVH guest: its memory
copied while it runs (libxl's LIBXL_SUSPEND_LIVE), it runs on and
reverts like any other; of a PV guest, taken or, on a Xen without shadow
paging, refused up front. The guest's uptime is no sign: a PV kernel resumed from an image
adds the time it spent saved, as after a suspend, so its uptime after a
revert is about what it would have been had it run on."""
import os

import libvirt

from e2e_lib import banner_after, beats, check, console_count, \
    guest_xml, last_beat, last_uptime, say, state_of, wait_for, xl_domains

E = libvirt
SNAPDIR = "/var/lib/libvirt/libxl/snapshot"


def run(conn, events):
    base(conn, events)
    live(conn, events)


def _drop(dom):
    try:
        if dom.isActive():
            dom.destroy()
    except libvirt.libvirtError:
        pass
    try:
        dom.undefineFlags(E.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
    except libvirt.libvirtError:
        pass


def live(conn, events):
    name = "e2e-snap-live"
    dom = conn.defineXML(guest_xml(name, kind="pvh"))
    before = console_count(name)
    dom.create()
    try:
        up = banner_after(name, before) is not None
        wait_for(lambda: last_beat(name) >= 2, 60)
        beat0 = last_beat(name)
        snap = dom.snapshotCreateXML(
            "<domainsnapshot><name>l1</name></domainsnapshot>",
            E.VIR_DOMAIN_SNAPSHOT_CREATE_LIVE)
        done = dom.jobStats(E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        image = os.path.join(SNAPDIR, name, "l1.save")
        say("E2E INFO snapshot-live: job %s" %
            {k: done.get(k) for k in ("time_elapsed", "downtime",
                                      "memory_iteration")})
        check("snapshot-live-created",
              up and state_of(dom) == E.VIR_DOMAIN_RUNNING
              and os.path.isfile(image)
              and "<state>running</state>" in snap.getXMLDesc(0)
              and done.get("success"),
              "state %s, image %s, job %s" % (dom.state(), os.path.exists(image),
                                              done))
        # The guest beat on while its memory was copied: the snapshot's
        # instant is the last round's pause, just before this.
        beat_at = last_beat(name)
        check("snapshot-live-runs-on",
              wait_for(lambda: last_beat(name) >= beat_at + 2, 60)
              and console_count(name) == before + 1,
              "beat %d when taken, %d before, %d now, banners %d" %
              (beat_at, beat0, last_beat(name), console_count(name) - before))
        beat_later = last_beat(name)
        heartbeats = len(beats(name))
        dom.revertToSnapshot(snap, 0)
        wait_for(lambda: len(beats(name)) > heartbeats, 30)
        after = beats(name)[heartbeats:]
        check("snapshot-live-revert",
              state_of(dom) == E.VIR_DOMAIN_RUNNING and after
              and after[0] <= beat_at + 1 < beat_later,
              "state %s, beats after the revert %s (%d when taken, %d before "
              "the revert)" % (dom.state(), after, beat_at, beat_later))
    finally:
        _drop(dom)

    # PV: Xen tracks a PV guest's writes only with shadow paging.
    name = "e2e-snap-live-pv"
    dom = conn.defineXML(guest_xml(name))
    before = console_count(name)
    dom.create()
    try:
        banner_after(name, before)
        try:
            dom.snapshotCreateXML(
                "<domainsnapshot><name>p1</name></domainsnapshot>",
                E.VIR_DOMAIN_SNAPSHOT_CREATE_LIVE)
            ok = state_of(dom) == E.VIR_DOMAIN_RUNNING and dom.snapshotNum(0) == 1
            what = "taken"
        except libvirt.libvirtError as e:
            ok = (e.get_error_code() == E.VIR_ERR_ARGUMENT_UNSUPPORTED
                  and "shadow paging" in str(e)
                  and state_of(dom) == E.VIR_DOMAIN_RUNNING
                  and dom.snapshotNum(0) == 0)
            what = "refused: %s" % e
        say("E2E INFO snapshot-live-pv: %s" % what)
        check("snapshot-live-pv", ok, what)
    finally:
        _drop(dom)


def base(conn, events):
    name = "e2e-snap"
    dom = conn.defineXML(guest_xml(name))
    before = console_count(name)
    dom.create()
    try:
        up = banner_after(name, before) is not None
        check("snapshot-boots", up and state_of(dom) == E.VIR_DOMAIN_RUNNING,
              "state %s, no banner" % (dom.state(),))
        wait_for(lambda: last_uptime(name) > 2, 30)

        snap = dom.snapshotCreateXML(
            "<domainsnapshot><name>s1</name></domainsnapshot>", 0)
        at_snapshot = last_uptime(name)
        beat_at_snapshot = last_beat(name)
        image = os.path.join(SNAPDIR, name, "s1.save")
        check("snapshot-created",
              state_of(dom) == E.VIR_DOMAIN_RUNNING and name in xl_domains()
              and os.path.isfile(image)
              and "<state>running</state>" in snap.getXMLDesc(0),
              "state %s, image %s" % (dom.state(), os.path.exists(image)))
        check("snapshot-guest-runs-on",
              wait_for(lambda: last_beat(name) >= beat_at_snapshot + 2, 30)
              and console_count(name) == before + 1,
              "beat %d after %d, banners %d" %
              (last_beat(name), beat_at_snapshot, console_count(name) - before))

        later = last_uptime(name)
        beat_later = last_beat(name)
        dom.revertToSnapshot(snap, 0)
        heartbeats = len(beats(name))
        wait_for(lambda: len(beats(name)) > heartbeats, 30)
        after = beats(name)[heartbeats:]
        say("E2E INFO snapshot-revert: beat %d (uptime %.1f) at the snapshot, "
            "%d (uptime %.1f) before the revert, after it %s (uptime %.1f)" %
            (beat_at_snapshot, at_snapshot, beat_later, later, after,
             last_uptime(name)))
        check("snapshot-revert",
              dom.state() == [E.VIR_DOMAIN_RUNNING,
                              E.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT]
              and after and after[0] <= beat_at_snapshot + 1 < beat_later
              and console_count(name) == before + 1,
              "state %s, beats after the revert %s (%d at the snapshot, "
              "%d before the revert), banners %d" %
              (dom.state(), after, beat_at_snapshot, beat_later,
               console_count(name) - before))

        snap.delete(0)
        check("snapshot-delete",
              dom.snapshotNum(0) == 0 and not os.path.exists(image),
              "snapshots %d, image %s" % (dom.snapshotNum(0),
                                          os.path.exists(image)))
    finally:
        try:
            if dom.isActive():
                dom.destroy()
        except libvirt.libvirtError:
            pass
        try:
            dom.undefineFlags(E.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
        except libvirt.libvirtError:
            pass
