# SPDX-License-Identifier: LGPL-2.1-or-later
"""The calls OpenStack Nova 22's libvirt driver makes (virt_type=xen) for
suspend, resume and a cold snapshot of a running or paused instance, in
Nova's order, through python3-libvirt on the simulator.

Nova's Xen path never takes a live snapshot (its live-snapshot check
wants a QEMU hypervisor), so an image-create is: managedSave, copy the
disks, then start the domain again (without the pause flag: Nova asks
the state after the save, which is shut off; the image brings a paused
guest back paused). test_nova_flow.py runs the whole flow."""

import os
import shutil
import subprocess
import unittest

import libvirt

from vxltest import DaemonTestCase, EventRecorder, guest_xml

E = libvirt

# nova.compute.power_state values, from virDomainState
RUNNING, PAUSED, SHUTDOWN = 1, 3, 4
NOVA_STATE = {E.VIR_DOMAIN_RUNNING: RUNNING, E.VIR_DOMAIN_BLOCKED: RUNNING,
              E.VIR_DOMAIN_PAUSED: PAUSED, E.VIR_DOMAIN_SHUTOFF: SHUTDOWN}


class NovaGuest:
    """What nova.virt.libvirt.guest.Guest calls, by the same names."""

    def __init__(self, dom):
        self._domain = dom

    def get_power_state(self):
        return NOVA_STATE[self._domain.info()[0]]

    def save_memory_state(self):
        self._domain.managedSave(0)

    def launch(self, pause=False):
        self._domain.createWithFlags(E.VIR_DOMAIN_START_PAUSED if pause else 0)

    def get_xml_desc(self):
        return self._domain.XMLDesc(0)

    def delete_configuration(self):
        try:
            self._domain.undefineFlags(E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        except libvirt.libvirtError:
            if self._domain.hasManagedSaveImage(0):
                self._domain.managedSaveRemove(0)
            self._domain.undefine()


class NovaSaveFlowTest(DaemonTestCase):
    conf = ("sim_save_rate_mib = 4096",)

    def instance(self, name):
        disk = self.daemon.path(name + "-disk")
        with open(disk, "wb") as f:
            f.write(os.urandom(1024 * 1024))
        xml = guest_xml(name, disks=1).replace(
            "/var/lib/xen/images/%s-0.img" % name, disk)
        # nova: host.write_instance_config + guest.launch
        guest = NovaGuest(self.conn.defineXML(xml))
        guest.launch()
        return guest, disk

    def lookup(self, guest):
        # nova: host.get_guest -> lookupByUUIDString
        return NovaGuest(self.conn.lookupByUUIDString(
            guest._domain.UUIDString()))

    def test_suspend_resume(self):
        ev = EventRecorder(self.conn)
        self.addCleanup(ev.close)
        guest, _ = self.instance("nova-sr")
        # suspend
        guest = self.lookup(guest)
        guest.save_memory_state()
        self.assertEqual(guest.get_power_state(), SHUTDOWN)
        self.assertEqual(guest._domain.hasManagedSaveImage(0), 1)
        # resume: the existing XML is defined again and launched, which
        # restores the managed save image.
        xml = guest.get_xml_desc()
        self.conn.defineXML(xml)
        guest = self.lookup(guest)
        guest.launch()
        self.assertEqual(guest.get_power_state(), RUNNING)
        self.assertEqual(guest._domain.state()[1], E.VIR_DOMAIN_RUNNING_RESTORED)
        ev.wait("nova-sr", E.VIR_DOMAIN_EVENT_STARTED,
                E.VIR_DOMAIN_EVENT_STARTED_RESTORED)
        self.assertEqual(guest._domain.hasManagedSaveImage(0), 0)

    def cold_snapshot(self, guest, disk, out):
        guest = self.lookup(guest)
        state = guest.get_power_state()
        if state in (RUNNING, PAUSED):
            guest.save_memory_state()
        # snapshot_backend.snapshot_extract: the disk, quiet now.
        if shutil.which("qemu-img"):
            subprocess.run(["qemu-img", "convert", "-O", "raw", disk, out],
                           check=True)
        else:
            shutil.copyfile(disk, out)
        # _resume_guest_after_snapshot: launched again, paused only if it
        # reads paused now; shut off by the save, it does not, so a
        # guest saved paused comes back paused from its image alone.
        if state in (RUNNING, PAUSED):
            guest.launch(pause=guest.get_power_state() == PAUSED)
        return guest

    def test_cold_snapshot_of_running_instance(self):
        guest, disk = self.instance("nova-snap")
        out = self.daemon.path("nova-snap.img")
        guest = self.cold_snapshot(guest, disk, out)
        self.assertEqual(guest.get_power_state(), RUNNING)
        self.assertEqual(guest._domain.state()[1], E.VIR_DOMAIN_RUNNING_RESTORED)
        with open(disk, "rb") as a, open(out, "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertEqual(guest._domain.hasManagedSaveImage(0), 0)

    def test_cold_snapshot_of_paused_instance(self):
        guest, disk = self.instance("nova-snap-p")
        guest._domain.suspend()
        guest = self.cold_snapshot(guest, disk,
                                   self.daemon.path("nova-snap-p.img"))
        self.assertEqual(guest.get_power_state(), PAUSED)

    def test_delete_of_suspended_instance(self):
        guest, _ = self.instance("nova-del")
        guest.save_memory_state()
        # nova: _undefine_domain -> delete_configuration
        guest.delete_configuration()
        self.assertRaises(libvirt.libvirtError, self.conn.lookupByName,
                          "nova-del")
        self.assertFalse(os.path.exists(self.daemon.path(
            "lib", "libxl", "save", "nova-del.save")))


if __name__ == "__main__":
    unittest.main()
