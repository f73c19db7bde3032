# SPDX-License-Identifier: LGPL-2.1-or-later
"""Save, restore and managed save through stock libvirtd on the simulator:
round trips keep the domain, start and autostart resume from a managed
save image, undefine guards it, bad input changes nothing, and a slow save
shows its progress to a second connection and can be aborted."""

import os
import shutil
import signal
import struct
import threading
import time
import unittest

import libvirt

from vxltest import (Daemon, DaemonTestCase, EventRecorder, bound, guest_xml,
                     start_event_loop, wait_for)

E = libvirt


def domain_names(conn):
    return sorted(d.name() for d in conn.listAllDomains() if d.name() != "Domain-0")


class SaveRestoreTest(DaemonTestCase):
    conf = ("sim_save_rate_mib = 4096",)

    def image(self, name):
        return self.daemon.path(name + ".save")

    def start(self, name, **kw):
        dom = self.conn.defineXML(guest_xml(name, **kw))
        dom.create()
        return dom

    def test_round_trip_keeps_domain(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.start("sv-rt", memory_mib=512, current_mib=384, vcpus=2,
                         max_vcpus=4)
        uuid = dom.UUIDString()
        xml_before = dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE)
        time.sleep(0.3)
        path = self.image("sv-rt")
        dom.save(path)
        cpu_saved = None
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF,
                                       E.VIR_DOMAIN_SHUTOFF_SAVED])
        ev.wait("sv-rt", E.VIR_DOMAIN_EVENT_STOPPED,
                E.VIR_DOMAIN_EVENT_STOPPED_SAVED)
        self.assertTrue(os.path.isfile(path))
        # No temporary file is left beside the image.
        self.assertEqual([f for f in os.listdir(self.daemon.root)
                          if f.endswith(".vxl-partial")], [])
        saved_xml = self.conn.saveImageGetXMLDesc(path, 0)
        self.assertIn("<uuid>%s</uuid>" % uuid, saved_xml)

        self.conn.restore(path)
        dom = self.conn.lookupByName("sv-rt")
        self.assertEqual(dom.UUIDString(), uuid)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_RESTORED])
        ev.wait("sv-rt", E.VIR_DOMAIN_EVENT_STARTED,
                E.VIR_DOMAIN_EVENT_STARTED_RESTORED)
        info = dom.info()
        self.assertEqual(info[1], 512 * 1024)
        self.assertEqual(info[2], 384 * 1024)
        self.assertEqual(info[3], 2)
        # The guest ran 0.3 s before the save at 10% duty on 2 vCPUs: its
        # CPU time carries on from there instead of starting again.
        self.assertGreater(info[4], 40 * 1000 * 1000)
        self.assertEqual(dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE), xml_before)
        # The restore's statistics are the last completed job.
        stats = dom.jobStats(E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertEqual(stats["type"], E.VIR_DOMAIN_JOB_COMPLETED)
        self.assertEqual(stats["operation"], E.VIR_DOMAIN_JOB_OPERATION_RESTORE)
        self.assertEqual(stats["memory_processed"], 384 * 1024 * 1024)
        self.assertTrue(stats["success"])
        # Read once unless asked to keep them.
        self.assertEqual(dom.jobStats(E.VIR_DOMAIN_JOB_STATS_COMPLETED)["type"],
                         E.VIR_DOMAIN_JOB_NONE)
        # virsh restore reads the same image again (the image stays).
        dom.destroy()
        res = self.daemon.virsh("restore", path, "--paused")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                       E.VIR_DOMAIN_PAUSED_USER])
        ev.wait("sv-rt", E.VIR_DOMAIN_EVENT_SUSPENDED,
                E.VIR_DOMAIN_EVENT_SUSPENDED_RESTORED)

    def test_paused_guest_comes_back_paused(self):
        dom = self.start("sv-paused")
        dom.suspend()
        path = self.image("sv-paused")
        self.daemon.virsh("save", "sv-paused", path)
        self.conn.restore(path)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        dom.destroy()
        self.conn.restoreFlags(path, None, E.VIR_DOMAIN_SAVE_RUNNING)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        # save --paused marks the image to come back paused.
        dom.saveFlags(path, None, E.VIR_DOMAIN_SAVE_PAUSED |
                      E.VIR_DOMAIN_SAVE_BYPASS_CACHE)
        self.conn.restore(path)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)

    def test_transient_domain(self):
        dom = self.conn.createXML(guest_xml("sv-tr"), 0)
        uuid = dom.UUIDString()
        path = self.image("sv-tr")
        dom.save(path)
        self.assertNotIn("sv-tr", domain_names(self.conn))
        self.conn.restore(path)
        dom = self.conn.lookupByName("sv-tr")
        self.assertEqual(dom.UUIDString(), uuid)
        self.assertFalse(dom.isPersistent())
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.managedSave, 0)
        self.assertTrue(dom.isActive())

    def test_save_image_define_xml(self):
        dom = self.start("sv-def")
        path = self.image("sv-def")
        dom.save(path)
        xml = self.conn.saveImageGetXMLDesc(path, 0)
        new = xml.replace("</name>", "</name><description>edited</description>", 1)
        self.conn.saveImageDefineXML(path, new, E.VIR_DOMAIN_SAVE_PAUSED)
        self.assertIn("edited", self.conn.saveImageGetXMLDesc(path, 0))
        self.conn.restore(path)
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        self.assertIn("<description>edited</description>", dom.XMLDesc(0))
        # Another domain's XML does not go into the image.
        other = guest_xml("sv-def")
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG,
                                self.conn.saveImageDefineXML, path, other, 0)

    def test_managed_save_and_start(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.start("sv-ms")
        self.assertEqual(dom.hasManagedSaveImage(0), 0)
        time.sleep(0.2)
        self.daemon.virsh("managedsave", "sv-ms")
        self.assertEqual(dom.hasManagedSaveImage(0), 1)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_SHUTOFF,
                                       E.VIR_DOMAIN_SHUTOFF_SAVED])
        ev.wait("sv-ms", E.VIR_DOMAIN_EVENT_STOPPED,
                E.VIR_DOMAIN_EVENT_STOPPED_SAVED)
        image = self.daemon.path("lib", "libxl", "save", "sv-ms.save")
        self.assertTrue(os.path.isfile(image))
        xml = self.daemon.virsh("managedsave-dumpxml", "sv-ms").stdout
        self.assertIn("<name>sv-ms</name>", xml)
        self.assertEqual(self.conn.listAllDomains(
            E.VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE)[0].name(), "sv-ms")

        self.daemon.virsh("start", "sv-ms")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_RESTORED])
        ev.wait("sv-ms", E.VIR_DOMAIN_EVENT_STARTED,
                E.VIR_DOMAIN_EVENT_STARTED_RESTORED)
        self.assertGreater(dom.info()[4], 15 * 1000 * 1000)
        self.assertEqual(dom.hasManagedSaveImage(0), 0)
        self.assertFalse(os.path.exists(image))

    def test_managed_save_of_paused_guest_and_define(self):
        dom = self.start("sv-msp")
        dom.suspend()
        dom.managedSave(0)
        xml = dom.managedSaveGetXMLDesc(0)
        dom.managedSaveDefineXML(
            xml.replace("</name>", "</name><title>t</title>", 1), 0)
        self.assertIn("<title>t</title>", dom.managedSaveGetXMLDesc(0))
        dom.create()
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_PAUSED)
        self.assertIn("<title>t</title>", dom.XMLDesc(0))
        # The persistent definition is the one defined, not the image's.
        self.assertNotIn("<title>", dom.XMLDesc(E.VIR_DOMAIN_XML_INACTIVE))

    def test_force_boot_discards_image(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        dom = self.start("sv-fb")
        dom.managedSave(0)
        dom.createWithFlags(E.VIR_DOMAIN_START_FORCE_BOOT)
        ev.wait("sv-fb", E.VIR_DOMAIN_EVENT_STARTED,
                E.VIR_DOMAIN_EVENT_STARTED_BOOTED)
        self.assertEqual(dom.hasManagedSaveImage(0), 0)
        self.assertFalse(os.path.exists(
            self.daemon.path("lib", "libxl", "save", "sv-fb.save")))
        # managedsave-remove of a domain with no image is fine.
        dom.destroy()
        dom.managedSaveRemove(0)

    def test_undefine_rules(self):
        dom = self.start("sv-un")
        dom.managedSave(0)
        image = self.daemon.path("lib", "libxl", "save", "sv-un.save")
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.undefine)
        self.assertTrue(dom.isPersistent())
        self.assertTrue(os.path.isfile(image))
        res = self.daemon.virsh("undefine", "sv-un", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.daemon.virsh("undefine", "sv-un", "--managed-save")
        self.assertNotIn("sv-un", domain_names(self.conn))
        self.assertFalse(os.path.exists(image))

    def test_managed_save_remove(self):
        dom = self.start("sv-rm")
        dom.managedSave(0)
        self.daemon.virsh("managedsave-remove", "sv-rm")
        self.assertEqual(dom.hasManagedSaveImage(0), 0)
        dom.create()
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_BOOTED])
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                dom.managedSaveGetXMLDesc, 0)

    def test_bad_input_changes_nothing(self):
        dom = self.start("sv-bad")
        path = self.image("sv-bad")
        dom.save(path)
        with open(path, "rb") as f:
            good = f.read()
        before = domain_names(self.conn)

        def broken(name, data):
            p = self.daemon.path(name)
            with open(p, "wb") as f:
                f.write(data)
            return p

        cases = [
            (self.daemon.path("missing.save"), E.VIR_ERR_SYSTEM_ERROR,
             "cannot open save image"),
            (broken("trunc.save", good[:len(good) // 2]),
             E.VIR_ERR_OPERATION_FAILED, "truncated"),
            (broken("short.save", good[:40]), E.VIR_ERR_OPERATION_FAILED,
             "truncated"),
            (broken("magic.save", b"X" + good[1:]), E.VIR_ERR_OPERATION_FAILED,
             "magic"),
            (broken("version.save",
                    good[:16] + struct.pack("<I", 7) + good[20:]),
             E.VIR_ERR_OPERATION_FAILED, "format version 7"),
            (broken("backend.save",
                    good[:32] + b"libxl".ljust(16, b"\0") + good[48:]),
             E.VIR_ERR_OPERATION_FAILED, "'libxl' backend"),
        ]
        for p, code, text in cases:
            self.assertLibvirtError(code, self.conn.restore, p,
                                    msg_contains=text)
            self.assertLibvirtError(code, self.conn.saveImageGetXMLDesc, p, 0)
            self.assertEqual(domain_names(self.conn), before)
            self.assertFalse(dom.isActive())

        # Restore while that domain runs.
        self.conn.restore(path)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID,
                                self.conn.restore, path,
                                msg_contains="already")
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)

        # Save of a shut-off domain; abort with no job.
        off = self.conn.defineXML(guest_xml("sv-off"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, off.save,
                                self.image("sv-off"))
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, off.managedSave, 0)
        self.assertFalse(os.path.exists(self.image("sv-off")))
        self.assertEqual(off.hasManagedSaveImage(0), 0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_INVALID, dom.abortJob)
        res = self.daemon.virsh("domjobabort", "sv-bad", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertEqual(dom.jobInfo()[0], E.VIR_DOMAIN_JOB_NONE)

        # Contradicting flags; XML of another domain; a directory that
        # does not exist: the guest runs on, nothing is written.
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.saveFlags, path,
                                None, E.VIR_DOMAIN_SAVE_RUNNING |
                                E.VIR_DOMAIN_SAVE_PAUSED)
        self.assertLibvirtError(E.VIR_ERR_INVALID_ARG, dom.saveFlags,
                                self.image("other"), guest_xml("sv-bad"), 0)
        self.assertLibvirtError(E.VIR_ERR_SYSTEM_ERROR, dom.save,
                                self.daemon.path("no", "such", "dir.save"))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)
        self.assertFalse(os.path.exists(self.image("other")))

        # A backend failure mid-save: the guest runs on, no image.
        self.daemon.inject_fault("domainSave")
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, dom.save,
                                self.image("fault"))
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_SAVE_CANCELED])
        self.assertFalse(os.path.exists(self.image("fault")))
        stats = dom.jobStats(E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertEqual(stats["type"], E.VIR_DOMAIN_JOB_FAILED)
        self.assertIn("injected fault", stats["errmsg"])

        # A backend failure mid-restore: no domain, the image stays.
        dom.destroy()
        self.daemon.inject_fault("domainRestore")
        self.assertLibvirtError(E.VIR_ERR_INTERNAL_ERROR, self.conn.restore,
                                path)
        self.assertFalse(dom.isActive())
        self.assertTrue(os.path.isfile(path))
        self.conn.restore(path)
        self.assertTrue(dom.isActive())

    def test_image_of_other_domain_whose_name_is_taken(self):
        tr = self.conn.createXML(guest_xml("sv-name"), 0)
        path = self.image("sv-name")
        tr.save(path)
        other = self.conn.defineXML(guest_xml("sv-name"))
        xml = other.XMLDesc(0)
        self.assertLibvirtError(E.VIR_ERR_OPERATION_FAILED,
                                self.conn.restore, path,
                                msg_contains="already exists")
        self.assertFalse(other.isActive())
        self.assertEqual(other.XMLDesc(0), xml)
        self.assertEqual(domain_names(self.conn), ["sv-name"])

    def test_job_completed_event(self):
        start_event_loop()
        got = []
        cond = threading.Condition()

        def cb(conn, dom, params, opaque):
            with cond:
                got.append((dom.name(), params))
                cond.notify_all()

        cid = self.conn.domainEventRegisterAny(
            None, E.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, cb, None)
        self.addCleanup(self.conn.domainEventDeregisterAny, cid)
        dom = self.start("sv-ev", memory_mib=128)
        dom.save(self.image("sv-ev"))
        with cond:
            cond.wait_for(lambda: got, timeout=10)
        name, params = got[0]
        self.assertEqual(name, "sv-ev")
        self.assertEqual(params["operation"], E.VIR_DOMAIN_JOB_OPERATION_SAVE)
        self.assertEqual(params["memory_total"], 128 * 1024 * 1024)
        self.assertEqual(params["memory_remaining"], 0)
        self.assertIn("time_elapsed", params)


class SlowSaveTest(DaemonTestCase):
    """16 MiB/s: a 512 MiB guest takes 32 s to save, time enough for
    the looks and the abort on a daemon under valgrind on a loaded
    machine (the abort ends it early)."""
    conf = ("sim_save_rate_mib = 16",)

    def run_async(self, fn, *args):
        out = {}

        def run():
            try:
                out["ret"] = fn(*args)
            except libvirt.libvirtError as e:
                out["err"] = e

        t = threading.Thread(target=run)
        t.start()
        self.addCleanup(t.join, 30)
        return t, out

    def test_progress_and_abort(self):
        dom = self.conn.defineXML(guest_xml("slow", memory_mib=512))
        dom.create()
        path = self.daemon.path("slow.save")
        saver = libvirt.open(self.daemon.uri)
        self.addCleanup(saver.close)
        t, out = self.run_async(saver.lookupByName("slow").save, path)

        # A second connection watches the job grow.
        wait_for(lambda: dom.jobInfo()[0] == E.VIR_DOMAIN_JOB_UNBOUNDED,
                 what="the save job to show")
        seen = []
        for _ in range(4):
            stats = dom.jobStats(0)
            self.assertEqual(stats["operation"], E.VIR_DOMAIN_JOB_OPERATION_SAVE)
            self.assertEqual(stats["memory_total"], 512 * 1024 * 1024)
            seen.append(stats["memory_processed"])
            time.sleep(0.4)
        self.assertTrue(all(a < b for a, b in zip(seen, seen[1:])), seen)
        info = dom.jobInfo()
        self.assertEqual(info[3], 512 * 1024 * 1024)           # dataTotal
        self.assertEqual(info[4] + info[5], info[3])          # processed + remaining
        self.assertEqual(info[6], info[3])                    # memTotal
        self.assertGreater(info[1], 1000)                     # elapsed ms
        text = self.daemon.virsh("domjobinfo", "slow").stdout
        self.assertIn("Unbounded", text)
        self.assertIn("Save", text)
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_PAUSED,
                                       E.VIR_DOMAIN_PAUSED_SAVE])

        self.daemon.virsh("domjobabort", "slow")
        t.join(bound(10))
        self.assertFalse(t.is_alive())
        self.assertEqual(out["err"].get_error_code(), E.VIR_ERR_OPERATION_ABORTED)
        # The guest runs on as before; no image, no temporary file.
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_SAVE_CANCELED])
        self.assertFalse(os.path.exists(path))
        self.assertEqual([f for f in os.listdir(self.daemon.root)
                          if "slow" in f], [])
        stats = dom.jobStats(E.VIR_DOMAIN_JOB_STATS_COMPLETED)
        self.assertEqual(stats["type"], E.VIR_DOMAIN_JOB_CANCELLED)
        self.assertFalse(stats["success"])
        self.assertEqual(dom.jobInfo()[0], E.VIR_DOMAIN_JOB_NONE)
        # And it can be saved after all.
        self.daemon.virsh("domjobinfo", "slow", "--completed")

    def test_dump_progress_and_abort(self):
        dom = self.conn.defineXML(guest_xml("slowdump", memory_mib=512))
        dom.create()
        path = self.daemon.path("slow.core")
        dumper = libvirt.open(self.daemon.uri)
        self.addCleanup(dumper.close)
        t, out = self.run_async(dumper.lookupByName("slowdump").coreDump,
                                path, 0)
        wait_for(lambda: dom.jobInfo()[0] == E.VIR_DOMAIN_JOB_UNBOUNDED and
                 dom.jobStats(0)["memory_processed"] > 0,
                 what="the dump job to progress")
        self.assertEqual(dom.jobStats(0)["operation"],
                         E.VIR_DOMAIN_JOB_OPERATION_DUMP)
        dom.abortJob()
        t.join(bound(10))
        self.assertEqual(out["err"].get_error_code(), E.VIR_ERR_OPERATION_ABORTED)
        self.assertFalse(os.path.exists(path))
        self.assertEqual(dom.state()[0], E.VIR_DOMAIN_RUNNING)


class SaveAcrossRestartTest(unittest.TestCase):
    """A private daemon per test, which the test restarts or kills."""

    def setUp(self):
        start_event_loop()
        self.daemon = Daemon(conf=["sim_save_rate_mib = 64"])
        self.daemon.start()
        self.addCleanup(self.daemon.cleanup)

    def conn(self):
        c = libvirt.open(self.daemon.uri)
        self.addCleanup(c.close)
        return c

    def test_kill_during_save_leaves_no_image(self):
        c = self.conn()
        dom = c.defineXML(guest_xml("kill", memory_mib=512))
        dom.create()
        path = self.daemon.path("kill.save")
        saver = libvirt.open(self.daemon.uri)

        def run():
            try:
                saver.lookupByName("kill").save(path)
            except libvirt.libvirtError:
                pass

        t = threading.Thread(target=run)
        t.start()
        wait_for(lambda: dom.jobInfo()[4] > 0, what="the save to progress")
        with open(self.daemon.path("libvirtd.pid")) as f:
            os.kill(int(f.read()), signal.SIGKILL)
        t.join(bound(10))
        try:
            saver.close()
        except libvirt.libvirtError:
            pass
        # Killed mid-save: nothing under the image's name.
        self.assertFalse(os.path.exists(path))
        self.daemon.start()
        c = self.conn()
        dom = c.lookupByName("kill")
        self.assertTrue(dom.isActive())
        self.assertFalse(os.path.exists(path))

    def test_kill_during_managed_save_then_start(self):
        c = self.conn()
        dom = c.defineXML(guest_xml("killms", memory_mib=512))
        dom.create()
        saver = libvirt.open(self.daemon.uri)

        def run():
            try:
                saver.lookupByName("killms").managedSave(0)
            except libvirt.libvirtError:
                pass

        t = threading.Thread(target=run)
        t.start()
        wait_for(lambda: dom.jobInfo()[4] > 0, what="the save to progress")
        with open(self.daemon.path("libvirtd.pid")) as f:
            os.kill(int(f.read()), signal.SIGKILL)
        t.join(bound(10))
        savedir = self.daemon.path("lib", "libxl", "save")
        self.daemon.start()
        c = self.conn()
        dom = c.lookupByName("killms")
        self.assertTrue(dom.isActive())
        self.assertEqual(dom.hasManagedSaveImage(0), 0)
        self.assertEqual(os.listdir(savedir), [])

    def test_autostart_restores_managed_save(self):
        c = self.conn()
        dom = c.defineXML(guest_xml("auto-ms", memory_mib=64))
        dom.setAutostart(1)
        dom.create()
        time.sleep(0.3)
        dom.managedSave(0)
        # A fresh boot of the host: the run dir is emptied.
        self.daemon.stop()
        for entry in os.listdir(self.daemon.path("run")):
            p = self.daemon.path("run", entry)
            if os.path.isdir(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)
        self.daemon.start()
        c = self.conn()
        dom = c.lookupByName("auto-ms")
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_RESTORED])
        self.assertGreater(dom.info()[4], 20 * 1000 * 1000)
        self.assertEqual(dom.hasManagedSaveImage(0), 0)

    def test_managed_save_survives_restart(self):
        c = self.conn()
        dom = c.defineXML(guest_xml("ms-restart"))
        dom.create()
        dom.managedSave(0)
        self.daemon.restart()
        c = self.conn()
        dom = c.lookupByName("ms-restart")
        self.assertEqual(dom.hasManagedSaveImage(0), 1)
        dom.create()
        self.assertEqual(dom.state(), [E.VIR_DOMAIN_RUNNING,
                                       E.VIR_DOMAIN_RUNNING_RESTORED])


if __name__ == "__main__":
    unittest.main()
