# SPDX-License-Identifier: LGPL-2.1-or-later
"""nova22: what OpenStack Nova 22.0.0 (Victoria)'s libvirt driver does
through python3-libvirt with virt_type=xen, ported call for call from the
22.0.0 tag's nova/virt/libvirt/driver.py, guest.py, host.py, config.py,
vif.py, utils.py and volume/iscsi.py: the domain XML its config classes
write, the calls it makes, their flags and order, and how it treats each
libvirt error. What Nova does outside libvirt (Neutron's vif plugging,
os-brick's iSCSI login, Glance's upload, the disk copy of a snapshot)
stands in as a plain file operation or nothing.

Debian 12 has no Nova with Xen code (python3-nova is Nova 26; the Xen
paths were removed after Victoria), so Nova itself cannot run here: this
is the part of it that talks to libvirt, kept close to the source so that
a reader can hold one against the other (method names are Nova's).

Shared by tests/integration/test_nova_flow.py (the simulator) and
tests/e2e/e2e_nova.py (real Xen; scripts/e2e-image copies this file
beside it). Where Nova swallows a libvirt error (diagnostics,
sync_guest_time, the detach retries, the host's memory sum), the error is
kept in Driver.swallowed, so a test can say which ones happened."""

import os
import time
import xml.etree.ElementTree as ET

import libvirt

NOVA_NS = "http://openstack.org/xmlns/libvirt/nova/1.0"
# driver.CONSOLE: the kernel command line of a PV guest
CONSOLE = "console=tty0 console=ttyS0 console=hvc0"
# [libvirt]xen_hvmloader_path's default
HVMLOADER = "/usr/lib/xen/boot/hvmloader"
# nova.compute.power_state
NOSTATE, RUNNING, PAUSED, SHUTDOWN, CRASHED, SUSPENDED = 0, 1, 3, 4, 6, 7
# guest.LIBVIRT_POWER_STATE
LIBVIRT_POWER_STATE = {
    libvirt.VIR_DOMAIN_NOSTATE: NOSTATE,
    libvirt.VIR_DOMAIN_RUNNING: RUNNING,
    libvirt.VIR_DOMAIN_BLOCKED: RUNNING,
    libvirt.VIR_DOMAIN_PAUSED: PAUSED,
    libvirt.VIR_DOMAIN_SHUTDOWN: SHUTDOWN,
    libvirt.VIR_DOMAIN_SHUTOFF: SHUTDOWN,
    libvirt.VIR_DOMAIN_CRASHED: CRASHED,
    libvirt.VIR_DOMAIN_PMSUSPENDED: SUSPENDED,
}
# host.HV_DRIVER_QEMU
HV_DRIVER_QEMU = "QEMU"
# driver.MIN_LIBVIRT_VIR_ERR_DEVICE_MISSING (4.1.0)
MIN_LIBVIRT_VIR_ERR_DEVICE_MISSING = 4001000


class NovaError(Exception):
    """One of Nova's own exceptions (InstanceNotFound, DeviceNotFound,
    DeviceDetachFailed, InstancePowerOffFailure, ...), by name."""

    def __init__(self, kind, why=""):
        super().__init__("%s: %s" % (kind, why))
        self.kind = kind


class Instance:
    """The fields of a nova.objects.Instance the libvirt driver reads.

    kind: "pv-image" (vm_mode xen, a whole-disk image: no kernel_id),
    "pv-kernel" (vm_mode xen, an AMI image with kernel_id and
    ramdisk_id) or "hvm" (vm_mode hvm)."""

    def __init__(self, name, uuid, kind="pv-image", memory_mb=512, vcpus=1,
                 instances_path="/var/lib/nova/instances", bridge="brq6f1e2d3c-4b",
                 vifs=(("fa:16:3e:11:22:01", "tap6f1e2d3c-01"),),
                 vnc_listen="127.0.0.1", flavor="m1.tiny", disk_gb=1,
                 vif_script=None):
        self.name = name
        self.uuid = uuid
        self.kind = kind
        self.memory_mb = memory_mb
        self.vcpus = vcpus
        self.path = os.path.join(instances_path, uuid)
        self.bridge = bridge
        self.vifs = [Vif(mac, dev, bridge, script=vif_script) for mac, dev in vifs]
        self.vnc_listen = vnc_listen
        self.flavor = flavor
        self.disk_gb = disk_gb

    @property
    def hvm(self):
        return self.kind == "hvm"


class Vif:
    """A Neutron port of a linuxbridge agent: what vif.get_config makes of
    it (os-vif VIFBridge: bridge, tap device; MTU from the network)."""

    def __init__(self, mac, devname, bridge, mtu=1450, script=None):
        self.mac = mac
        self.devname = devname
        self.bridge = bridge
        self.mtu = mtu
        self.script = script    # conf.script, which config.py writes after <source>

    def config(self):
        """LibvirtConfigGuestInterface.format_dom for net_type bridge: no
        model (xen lets the hypervisor choose), no driver."""
        e = ET.Element("interface", type="bridge")
        ET.SubElement(e, "mac", address=self.mac)
        ET.SubElement(e, "source", bridge=self.bridge)
        if self.script is not None:
            ET.SubElement(e, "script", path=self.script)
        ET.SubElement(e, "mtu", size=str(self.mtu))
        ET.SubElement(e, "target", dev=self.devname)
        return e


def iscsi_volume(target_dev, device_path, serial):
    """The disk LibvirtISCSIVolumeDriver.get_config gives a Cinder iSCSI
    volume on xen: a block device, pick_disk_driver_name's "phy", raw,
    cache none (_set_cache_mode keeps it), io native, the volume id as
    serial."""
    e = ET.Element("disk", type="block", device="disk")
    ET.SubElement(e, "driver", name="phy", type="raw", cache="none", io="native")
    ET.SubElement(e, "source", dev=device_path)
    ET.SubElement(e, "target", dev=target_dev, bus="xen")
    ET.SubElement(e, "serial").text = serial
    return e


def to_xml(elem):
    return ET.tostring(elem, encoding="unicode")


def _file_disk(path, dev, bus):
    """Qcow2 image backend's libvirt_info on xen: driver "qemu" (Xen 4.2
    or later without xend), cache "none" (O_DIRECT works)."""
    e = ET.Element("disk", type="file", device="disk")
    ET.SubElement(e, "driver", name="qemu", type="qcow2", cache="none")
    ET.SubElement(e, "source", file=path)
    ET.SubElement(e, "target", bus=bus, dev=dev)
    return e


def guest_xml(inst, rescue=False, creation_time=None):
    """_get_guest_xml: LibvirtConfigGuest.format_dom of _get_guest_config
    for virt_type xen, in config.py's element order. rescue: the legacy
    rescue's XML (kernel.rescue/ramdisk.rescue for an AMI image,
    disk.rescue as the first disk, the instance's disk as the second)."""
    root = ET.Element("domain", type="xen")
    ET.SubElement(root, "uuid").text = inst.uuid
    ET.SubElement(root, "name").text = inst.name
    ET.SubElement(root, "memory").text = str(inst.memory_mb * 1024)
    ET.SubElement(root, "vcpu").text = str(inst.vcpus)
    meta = ET.SubElement(root, "metadata")
    ET.register_namespace("nova", NOVA_NS)
    ns = "{%s}" % NOVA_NS
    ni = ET.SubElement(meta, ns + "instance")
    ET.SubElement(ni, ns + "package", version="22.0.0")
    ET.SubElement(ni, ns + "name").text = inst.name + "-server"
    ET.SubElement(ni, ns + "creationTime").text = time.strftime(
        "%Y-%m-%d %H:%M:%S", time.gmtime(creation_time or time.time()))
    fl = ET.SubElement(ni, ns + "flavor", name=inst.flavor)
    for key, val in (("memory", inst.memory_mb), ("disk", inst.disk_gb),
                     ("swap", 0), ("ephemeral", 0), ("vcpus", inst.vcpus)):
        ET.SubElement(fl, ns + key).text = str(val)
    owner = ET.SubElement(ni, ns + "owner")
    ET.SubElement(owner, ns + "user", uuid="5e1c7a8b2f3d4e6a9b0c1d2e3f4a5b6c").text = "demo"
    ET.SubElement(owner, ns + "project", uuid="0a1b2c3d4e5f60718293a4b5c6d7e8f9").text = "demo"
    ET.SubElement(ni, ns + "root", type="image", uuid="c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f")

    # _configure_guest_by_virt_type, _conf_non_lxc_uml (_set_guest_for_*)
    os_ = ET.SubElement(root, "os")
    ET.SubElement(os_, "type").text = "hvm" if inst.hvm else "xen"
    bus = "ide" if inst.hvm else "xen"
    first = "hda" if inst.hvm else "xvda"
    second = "hdb" if inst.hvm else "xvdb"
    if inst.hvm:
        ET.SubElement(os_, "loader").text = HVMLOADER
        ET.SubElement(os_, "boot", dev="hd")
    elif rescue and inst.kind == "pv-kernel":
        ET.SubElement(os_, "kernel").text = os.path.join(inst.path, "kernel.rescue")
        ET.SubElement(os_, "initrd").text = os.path.join(inst.path, "ramdisk.rescue")
        ET.SubElement(os_, "cmdline").text = "root=/dev/%s %s" % (first, CONSOLE)
    elif inst.kind == "pv-kernel":
        ET.SubElement(os_, "kernel").text = os.path.join(inst.path, "kernel")
        ET.SubElement(os_, "initrd").text = os.path.join(inst.path, "ramdisk")
        ET.SubElement(os_, "cmdline").text = "root=/dev/%s %s" % (first, CONSOLE)
    else:
        ET.SubElement(os_, "cmdline").text = CONSOLE
        ET.SubElement(os_, "boot", dev="hd")
    # _set_features: pae on x86 for xen; acpi and apic for xen HVM only
    feats = ET.SubElement(root, "features")
    if inst.hvm:
        ET.SubElement(feats, "acpi")
        ET.SubElement(feats, "apic")
    ET.SubElement(feats, "pae")
    # no <cputune> (_update_guest_cputune returns early for xen), _set_clock
    ET.SubElement(root, "clock", offset="utc")
    # no <cpu>: no [libvirt]cpu_mode for xen

    devs = ET.SubElement(root, "devices")
    if rescue:
        devs.append(_file_disk(os.path.join(inst.path, "disk.rescue"), first, bus))
        devs.append(_file_disk(os.path.join(inst.path, "disk"), second, bus))
    else:
        devs.append(_file_disk(os.path.join(inst.path, "disk"), first, bus))
    for vif in inst.vifs:
        devs.append(vif.config())
    # _create_consoles: one pty console with its log, for virt types
    # other than qemu and kvm
    con = ET.SubElement(devs, "console", type="pty")
    ET.SubElement(con, "log", file=os.path.join(inst.path, "console.log"), append="off")
    # pointer_model usbtablet: a tablet for HVM only
    if inst.hvm:
        ET.SubElement(devs, "input", type="tablet", bus="usb")
    # _guest_add_video_device: [vnc]enabled
    ET.SubElement(devs, "graphics", type="vnc", autoport="yes", listen=inst.vnc_listen)
    video = ET.SubElement(devs, "video")
    ET.SubElement(video, "model", type="cirrus" if inst.hvm else "xen")
    # _guest_add_memory_balloon: mem_stats_period_seconds 10
    mb = ET.SubElement(devs, "memballoon", model="xen")
    ET.SubElement(mb, "stats", period="10")
    return to_xml(root)


class Guest:
    """nova.virt.libvirt.guest.Guest: the same methods, the same calls."""

    def __init__(self, domain):
        self._domain = domain

    @property
    def id(self):
        return self._domain.ID()

    @property
    def uuid(self):
        return self._domain.UUIDString()

    def launch(self, pause=False):
        flags = libvirt.VIR_DOMAIN_START_PAUSED if pause else 0
        return self._domain.createWithFlags(flags)

    def poweroff(self):
        self._domain.destroy()

    def resume(self):
        self._domain.resume()

    def pause(self):
        self._domain.suspend()

    def shutdown(self):
        self._domain.shutdown()

    def save_memory_state(self):
        self._domain.managedSave(0)

    def has_persistent_configuration(self):
        return self._domain.isPersistent()

    def is_active(self):
        return self._domain.isActive()

    def get_xml_desc(self, dump_inactive=False, dump_sensitive=False):
        flags = libvirt.VIR_DOMAIN_XML_INACTIVE if dump_inactive else 0
        flags |= libvirt.VIR_DOMAIN_XML_SECURE if dump_sensitive else 0
        return self._domain.XMLDesc(flags)

    def _get_domain_info(self):
        return self._domain.info()

    def get_info(self):
        """InstanceInfo(state, internal_id); InstanceNotFound for
        VIR_ERR_NO_DOMAIN, InternalError otherwise."""
        try:
            info = self._get_domain_info()
        except libvirt.libvirtError as e:
            if e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                raise NovaError("InstanceNotFound", str(e))
            raise NovaError("InternalError", str(e))
        return LIBVIRT_POWER_STATE[info[0]], self.id

    def get_power_state(self):
        return self.get_info()[0]

    def get_vcpus_info(self):
        """(id, cpu, state, time) of each vCPU, from vcpus()."""
        return [(v[0], v[3], v[1], v[2]) for v in self._domain.vcpus()[0]]

    def delete_configuration(self):
        try:
            self._domain.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        except libvirt.libvirtError:
            self._domain.undefine()

    def attach_device(self, conf_xml, persistent=False, live=False):
        flags = libvirt.VIR_DOMAIN_AFFECT_CONFIG if persistent else 0
        flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE if live else 0
        self._domain.attachDeviceFlags(conf_xml, flags=flags)

    def detach_device(self, conf_xml, persistent=False, live=False):
        flags = libvirt.VIR_DOMAIN_AFFECT_CONFIG if persistent else 0
        flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE if live else 0
        self._domain.detachDeviceFlags(conf_xml, flags=flags)

    def get_disk(self, device):
        """The live XML's disk whose target is @device, as
        LibvirtConfigGuestDisk.parse_dom then format_dom give it back (the
        elements Nova knows: driver, source, target, serial, readonly,
        shareable, boot, address)."""
        doc = ET.fromstring(self._domain.XMLDesc(0))
        for d in doc.findall("./devices/disk"):
            t = d.find("target")
            if t is not None and t.get("dev") == device:
                return _reformat_disk(d)
        return None

    def get_interface_by_cfg(self, cfg):
        """The live XML's interface LibvirtConfigGuestInterface.__eq__
        matches with @cfg: same MAC, type, source bridge, and target dev
        when the config names one."""
        doc = ET.fromstring(self._domain.XMLDesc(0))
        want = _iface_key(cfg)
        for i in doc.findall("./devices/interface"):
            got = _iface_key(i)
            if (got[0] == want[0] and got[1] == want[1] and got[2] == want[2]
                    and (not want[3] or want[3] == got[3])):
                return _reformat_interface(i)
        return None

    def detach_device_with_retry(self, get_device_conf_func, device, live,
                                 max_retry_count=7, inc_sleep_time=2,
                                 max_sleep_time=30,
                                 supports_device_missing_error_code=False,
                                 sleep=time.sleep):
        """The initial detach (persistent and live), then the retry
        loop's: while the live XML still has the device, detach it from
        the live config again, sleeping 2, 4, ... (at most 30) seconds,
        at most max_retry_count times; then DeviceDetachFailed."""
        codes = {libvirt.VIR_ERR_OPERATION_FAILED, libvirt.VIR_ERR_INTERNAL_ERROR}
        if supports_device_missing_error_code:
            codes.add(libvirt.VIR_ERR_DEVICE_MISSING)

        def try_detach(conf, persistent=False, live=False):
            try:
                self.detach_device(conf, persistent=persistent, live=live)
            except libvirt.libvirtError as ex:
                code, msg = ex.get_error_code(), ex.get_error_message() or ""
                if code in codes and "not found" in msg:
                    raise NovaError("DeviceNotFound", device)
                if code == libvirt.VIR_ERR_INVALID_ARG and "no target device" in msg:
                    raise NovaError("DeviceNotFound", device)
                raise

        conf = get_device_conf_func(device)
        if conf is None:
            raise NovaError("DeviceNotFound", device)
        persistent = self.has_persistent_configuration()
        try:
            try_detach(conf, persistent, live)
        except NovaError:
            if not (persistent and live):
                raise

        def wait_and_retry():
            sleep_time = 0
            for attempt in range(max_retry_count + 1):
                config = get_device_conf_func(device)
                if config is None:
                    return attempt
                if attempt == max_retry_count:
                    break
                try_detach(config, persistent=False, live=live)
                sleep_time = min(sleep_time + inc_sleep_time, max_sleep_time)
                sleep(sleep_time)
            raise NovaError("DeviceDetachFailed",
                            "Unable to detach the device from the live config.")
        return wait_and_retry


def _reformat_disk(d):
    e = ET.Element("disk", type=d.get("type"), device=d.get("device"))
    drv = d.find("driver")
    if drv is not None:
        keep = {k: drv.get(k) for k in ("name", "type", "cache", "discard", "io")
                if drv.get(k) is not None}
        if any(k in keep for k in ("name", "type", "cache", "discard")):
            ET.SubElement(e, "driver", **keep)
    src = d.find("source")
    if src is not None:
        for attr in ("file", "dev", "dir"):
            if src.get(attr) is not None:
                ET.SubElement(e, "source", **{attr: src.get(attr)})
    t = d.find("target")
    ET.SubElement(e, "target", dev=t.get("dev"), bus=t.get("bus"))
    if d.find("serial") is not None:
        ET.SubElement(e, "serial").text = d.find("serial").text
    for flag in ("readonly", "shareable"):
        if d.find(flag) is not None:
            ET.SubElement(e, flag)
    return to_xml(e)


def _iface_key(i):
    if isinstance(i, str):
        i = ET.fromstring(i)
    mac = i.find("mac")
    src = i.find("source")
    tgt = i.find("target")
    return (mac.get("address") if mac is not None else None, i.get("type"),
            src.get("bridge") if src is not None else None,
            tgt.get("dev") if tgt is not None else None)


def _reformat_interface(i):
    e = ET.Element("interface", type=i.get("type"))
    ET.SubElement(e, "mac", address=i.find("mac").get("address"))
    m = i.find("model")
    if m is not None:
        ET.SubElement(e, "model", type=m.get("type"))
    src = i.find("source")
    if src is not None:
        ET.SubElement(e, "source", bridge=src.get("bridge"))
    if i.find("mtu") is not None:
        ET.SubElement(e, "mtu", size=i.find("mtu").get("size"))
    t = i.find("target")
    if t is not None and t.get("dev"):
        ET.SubElement(e, "target", dev=t.get("dev"))
    return to_xml(e)


class Driver:
    """nova.virt.libvirt.driver.LibvirtDriver (with host.Host) for
    virt_type xen, on one connection. Each method is the Nova method of
    the same name, minus what happens outside libvirt."""

    def __init__(self, conn, sleep=time.sleep, avail_memory_kb=None,
                 shutdown_timeout=60, shutdown_retry_interval=10,
                 wait_soft_reboot_seconds=120, copy_disk=None):
        self._conn = conn
        self._sleep = sleep
        self._caps = None
        # host._get_avail_memory_kb reads /proc/meminfo of the compute
        # host, which is Domain-0 on Xen
        self._avail_memory_kb = avail_memory_kb or _proc_meminfo_avail_kb
        self.shutdown_timeout = shutdown_timeout
        self.shutdown_retry_interval = shutdown_retry_interval
        self.wait_soft_reboot_seconds = wait_soft_reboot_seconds
        self._copy_disk = copy_disk
        self.swallowed = []        # (where, libvirtError) Nova ignored
        self.calls = []            # which branch Nova took, for the tests

    # ----- host.Host ------------------------------------------------------

    def get_guest(self, instance):
        try:
            return Guest(self._conn.lookupByUUIDString(instance.uuid))
        except libvirt.libvirtError as ex:
            if ex.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                raise NovaError("InstanceNotFound", instance.uuid)
            raise NovaError("InternalError", str(ex))

    def has_min_version(self, lv_ver=None, hv_ver=None, hv_type=None):
        try:
            if lv_ver is not None and self._conn.getLibVersion() < lv_ver:
                return False
            if hv_ver is not None and self._conn.getVersion() < hv_ver:
                return False
            if hv_type is not None and self._conn.getType() != hv_type:
                return False
            return True
        except Exception:
            return False

    def write_instance_config(self, xml):
        return Guest(self._conn.defineXML(xml))

    def get_capabilities(self):
        """getCapabilities, then (the host CPU has a model) the expanded
        feature list from baselineCPU; any error but VIR_ERR_NO_SUPPORT
        there stops nova-compute."""
        if self._caps is None:
            caps = ET.fromstring(self._conn.getCapabilities())
            cpu = caps.find("host/cpu")
            if cpu is not None and cpu.find("model") is not None:
                try:
                    features = self._conn.baselineCPU(
                        [ET.tostring(cpu, encoding="unicode")],
                        libvirt.VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES)
                    if features:
                        ET.fromstring(features)
                except libvirt.libvirtError as ex:
                    if ex.get_error_code() != libvirt.VIR_ERR_NO_SUPPORT:
                        raise
                    self.swallowed.append(("baselineCPU", ex))
            self._caps = caps
        return self._caps

    def list_instance_domains(self, only_running=True, only_guests=True):
        flags = libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE
        if not only_running:
            flags |= libvirt.VIR_CONNECT_LIST_DOMAINS_INACTIVE
        return [d for d in self._conn.listAllDomains(flags)
                if not (only_guests and d.ID() == 0)]

    def get_memory_mb_total(self):
        return self._conn.getInfo()[1]

    def get_memory_mb_used(self):
        """For xen: the memory of every running domain, Domain-0's less
        what its own /proc/meminfo calls available."""
        used = 0
        for dom in self.list_instance_domains(only_guests=False):
            try:
                dom_mem = int(dom.info()[2])
            except libvirt.libvirtError as e:
                self.swallowed.append(("memory of %s" % dom.UUIDString(), e))
                continue
            if dom.ID() == 0:
                used += dom_mem - self._avail_memory_kb()
            else:
                used += dom_mem
        return used // 1024

    def get_online_cpus(self):
        cpus, cpu_map, online = self._conn.getCPUMap()
        return {cpu for cpu in range(cpus) if cpu_map[cpu]}

    def get_cpu_stats(self):
        stats = self._conn.getCPUStats(libvirt.VIR_NODE_CPU_STATS_ALL_CPUS, 0)
        stats["frequency"] = self._conn.getInfo()[3]
        return stats

    def cpu_monitor(self):
        """compute_monitors=cpu.virt_driver's monitor on this driver."""
        return CpuMonitor(self)

    # ----- the driver -----------------------------------------------------

    def get_info(self, instance):
        return self.get_guest(instance).get_info()

    def _create_guest(self, xml, pause=False, power_on=True):
        guest = self.write_instance_config(xml)
        if power_on or pause:
            guest.launch(pause=pause)
        return guest

    def _create_guest_with_network(self, xml, instance, power_on=True,
                                   vifs_already_plugged=False):
        """No wait for Neutron's vif-plugged events on xen (only kvm and
        qemu wait, launching paused), so no pause."""
        guest = None
        try:
            guest = self._create_guest(xml, pause=False, power_on=power_on)
        except Exception:
            # _cleanup_failed_start: power off what runs, then _cleanup
            if guest is not None and guest.is_active():
                guest.poweroff()
            self._undefine_domain(instance)
            raise
        return guest

    def _wait_until(self, instance, state, what, timeout=120):
        end = time.monotonic() + timeout
        while True:
            got = self.get_info(instance)[0]
            if got == state:
                return
            if time.monotonic() > end:
                raise NovaError("Timeout", "%s: power state %s" % (what, got))
            self._sleep(0.5)

    def spawn(self, instance, power_on=True):
        xml = guest_xml(instance)
        self._create_guest_with_network(xml, instance, power_on=power_on)
        if power_on:
            self._wait_until(instance, RUNNING, "_wait_for_boot")

    def _destroy(self, instance):
        try:
            guest = self.get_guest(instance)
        except NovaError as e:
            if e.kind != "InstanceNotFound":
                raise
            guest = None
        old_domid = -1
        if guest is not None:
            try:
                old_domid = guest.id
                guest.poweroff()
            except libvirt.libvirtError as e:
                code = e.get_error_code()
                okay = False
                if code == libvirt.VIR_ERR_NO_DOMAIN:
                    okay = True
                elif code == libvirt.VIR_ERR_OPERATION_INVALID:
                    okay = guest.get_power_state() == SHUTDOWN
                elif code == libvirt.VIR_ERR_OPERATION_TIMEOUT:
                    raise NovaError("InstancePowerOffFailure", "operation time out")
                if not okay:
                    raise
                self.calls.append(("_destroy", "already gone or off", code))
        # _wait_for_destroy
        while True:
            try:
                state, new_domid = self.get_info(instance)
            except NovaError as e:
                if e.kind != "InstanceNotFound":
                    raise
                state, new_domid = SHUTDOWN, -1
            if state == SHUTDOWN:
                return
            if new_domid != old_domid:
                self.calls.append(("_destroy", "started again: destroy again"))
                return self._destroy(instance)
            self._sleep(0.5)

    def _undefine_domain(self, instance):
        try:
            guest = self.get_guest(instance)
            try:
                guest.delete_configuration()
            except libvirt.libvirtError as e:
                if e.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                    raise
        except NovaError as e:
            if e.kind != "InstanceNotFound":
                raise

    def destroy(self, instance, destroy_disks=True):
        """_destroy, then cleanup: unplug vifs, disconnect volumes, remove
        the instance's files (when destroy_disks), _undefine_domain."""
        self._destroy(instance)
        self._undefine_domain(instance)

    def _soft_reboot(self, instance):
        guest = self.get_guest(instance)
        state = guest.get_power_state()
        old_domid = guest.id
        if state == RUNNING:
            guest.shutdown()
        for _ in range(self.wait_soft_reboot_seconds):
            guest = self.get_guest(instance)
            state = guest.get_power_state()
            new_domid = guest.id
            if old_domid != new_domid:
                if state in (SHUTDOWN, CRASHED):
                    guest.launch()
                    self._wait_until(instance, RUNNING, "_wait_for_running")
                    return True
                return True
            self._sleep(1)
        return False

    def _hard_reboot(self, instance):
        """destroy keeping the disks (which undefines), _get_guest_xml
        afresh, _create_guest_with_network with the vifs already plugged,
        then wait for RUNNING."""
        self.destroy(instance, destroy_disks=False)
        xml = guest_xml(instance)
        self._create_guest_with_network(xml, instance, vifs_already_plugged=True)
        self._wait_until(instance, RUNNING, "_wait_for_reboot")

    def reboot(self, instance, reboot_type):
        """SOFT: _soft_reboot, falling back to _hard_reboot when the guest
        did not go down in wait_soft_reboot_seconds."""
        if reboot_type == "SOFT":
            try:
                if self._soft_reboot(instance):
                    return "soft"
            except libvirt.libvirtError as e:
                self.calls.append(("reboot", "soft reboot failed", e))
        self._hard_reboot(instance)
        return "hard"

    def pause(self, instance):
        self.get_guest(instance).pause()

    def sync_guest_time(self, guest):
        """setTime with the host's time; every failure only logged (the
        agent's absence at debug level, anything else as a warning)."""
        t = time.time()
        seconds = int(t)
        nseconds = int((t - seconds) * 10 ** 9)
        try:
            guest._domain.setTime(time={"seconds": seconds, "nseconds": nseconds})
        except libvirt.libvirtError as e:
            quiet = e.get_error_code() in (
                libvirt.VIR_ERR_AGENT_UNRESPONSIVE,
                libvirt.VIR_ERR_OPERATION_UNSUPPORTED,
                libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED)
            self.swallowed.append(("sync_guest_time" + ("" if quiet else " (warning)"), e))

    def unpause(self, instance):
        guest = self.get_guest(instance)
        guest.resume()
        self.sync_guest_time(guest)

    def _clean_shutdown(self, instance, timeout, retry_interval):
        try:
            guest = self.get_guest(instance)
        except NovaError as e:
            if e.kind == "InstanceNotFound":
                return True
            raise
        if guest.get_power_state() in (SHUTDOWN, CRASHED):
            return True
        guest.shutdown()
        retry_countdown = retry_interval
        for sec in range(timeout):
            guest = self.get_guest(instance)
            if guest.get_power_state() in (SHUTDOWN, CRASHED):
                self.calls.append(("_clean_shutdown", "down after", sec))
                return True
            if retry_countdown == 0:
                retry_countdown = retry_interval
                try:
                    guest.shutdown()
                except libvirt.libvirtError as e:
                    self.swallowed.append(("shutdown resent", e))
                    continue
            else:
                retry_countdown -= 1
            self._sleep(1)
        return False

    def power_off(self, instance, timeout=0, retry_interval=0):
        if timeout:
            self._clean_shutdown(instance, timeout, retry_interval)
        self._destroy(instance)

    def power_on(self, instance):
        self._hard_reboot(instance)

    def suspend(self, instance):
        guest = self.get_guest(instance)
        # (PCI devices, direct ports and mdevs: none here)
        guest.save_memory_state()

    def _get_existing_domain_xml(self, instance):
        try:
            return self.get_guest(instance).get_xml_desc()
        except NovaError as e:
            if e.kind != "InstanceNotFound":
                raise
            return guest_xml(instance)

    def resume(self, instance):
        xml = self._get_existing_domain_xml(instance)
        guest = self._create_guest_with_network(xml, instance,
                                                vifs_already_plugged=True)
        self._wait_until(instance, RUNNING, "_wait_for_running")
        self.sync_guest_time(guest)

    def snapshot(self, instance, out_path):
        """A cold snapshot for xen: the live-snapshot test asks for a QEMU
        hypervisor (getType), so a running or paused guest is suspended
        (managed save), its root disk (find_disk: the live XML's first
        disk) copied, and it is launched again, paused only if it reads
        paused now."""
        guest = self.get_guest(instance)
        doc = ET.fromstring(guest._domain.XMLDesc(0))
        disk = doc.find("./devices/disk")
        src = disk.find("source")
        disk_path = src.get("file") or src.get("dev")
        original = guest.get_power_state()
        live = (self.has_min_version(hv_type=HV_DRIVER_QEMU) and
                original != SHUTDOWN)
        if live:
            raise NovaError("Unexpected", "a live snapshot on xen")
        needs_suspend = original in (RUNNING, PAUSED)
        if needs_suspend:
            self.suspend(instance)
        try:
            if self._copy_disk:
                self._copy_disk(disk_path, out_path)
        finally:
            if needs_suspend:
                current = guest.get_power_state()
                guest.launch(pause=current == PAUSED)
        return disk_path, original

    def rescue(self, instance):
        unrescue_xml = self._get_existing_domain_xml(instance)
        xml = guest_xml(instance, rescue=True)
        self._destroy(instance)
        self._create_guest(xml)
        return unrescue_xml

    def unrescue(self, instance, unrescue_xml):
        self._destroy(instance)
        self._create_guest(unrescue_xml)

    def attach_volume(self, instance, volume_xml):
        guest = self.get_guest(instance)
        state = guest.get_power_state()
        live = state in (RUNNING, PAUSED)
        guest.attach_device(volume_xml, persistent=True, live=live)
        # _build_device_metadata reads the live XML back
        ET.fromstring(guest.get_xml_desc())

    def detach_volume(self, instance, mountpoint):
        disk_dev = mountpoint.rpartition("/")[2]
        try:
            guest = self.get_guest(instance)
            state = guest.get_power_state()
            live = state in (RUNNING, PAUSED)
            missing = self.has_min_version(MIN_LIBVIRT_VIR_ERR_DEVICE_MISSING)
            wait = guest.detach_device_with_retry(
                guest.get_disk, disk_dev, live=live,
                supports_device_missing_error_code=missing, sleep=self._sleep)
            return wait()
        except NovaError as e:
            if e.kind not in ("InstanceNotFound", "DeviceNotFound"):
                raise
            self.calls.append(("detach_volume", e.kind))
            return None

    def attach_interface(self, instance, vif):
        guest = self.get_guest(instance)
        state = guest.get_power_state()
        live = state in (RUNNING, PAUSED)
        try:
            guest.attach_device(to_xml(vif.config()), persistent=True, live=live)
        except libvirt.libvirtError as e:
            raise NovaError("InterfaceAttachFailed", str(e))
        ET.fromstring(guest.get_xml_desc())

    def detach_interface(self, instance, vif):
        guest = self.get_guest(instance)
        cfg = to_xml(vif.config())
        if guest.get_interface_by_cfg(cfg) is None:
            # "the device is no longer found on the guest": a warning only
            self.calls.append(("detach_interface", "not found on the guest"))
            return None
        state = guest.get_power_state()
        live = state in (RUNNING, PAUSED)
        missing = self.has_min_version(MIN_LIBVIRT_VIR_ERR_DEVICE_MISSING)
        try:
            wait = guest.detach_device_with_retry(
                guest.get_interface_by_cfg, cfg, live=live,
                supports_device_missing_error_code=missing, sleep=self._sleep)
            return wait()
        except libvirt.libvirtError as e:
            if guest.get_interface_by_cfg(cfg) is not None:
                raise NovaError("InterfaceDetachFailed", str(e))
            self.swallowed.append(("detach_interface", e))
            return None

    @staticmethod
    def _get_io_devices(xml):
        doc = ET.fromstring(xml)
        out = {"volumes": [], "ifaces": []}
        for block, key in (("./devices/disk", "volumes"),
                           ("./devices/interface", "ifaces")):
            for node in doc.findall(block):
                for child in node:
                    if child.tag == "target" and child.get("dev"):
                        out[key].append(child.get("dev"))
        return out

    def get_diagnostics(self, instance):
        guest = self.get_guest(instance)
        domain = guest._domain
        output = {}
        try:
            for vid, cpu, state, t in guest.get_vcpus_info():
                output["cpu%d_time" % vid] = t
        except libvirt.libvirtError as e:
            self.swallowed.append(("vcpus", e))
        io = self._get_io_devices(guest.get_xml_desc())
        for disk in io["volumes"]:
            try:
                s = domain.blockStats(disk)
                for i, k in enumerate(("_read_req", "_read", "_write_req",
                                       "_write", "_errors")):
                    output[disk + k] = s[i]
            except libvirt.libvirtError as e:
                self.swallowed.append(("blockStats %s" % disk, e))
        for iface in io["ifaces"]:
            try:
                s = domain.interfaceStats(iface)
                for i, k in enumerate(("_rx", "_rx_packets", "_rx_errors",
                                       "_rx_drop", "_tx", "_tx_packets",
                                       "_tx_errors", "_tx_drop")):
                    output[iface + k] = s[i]
            except libvirt.libvirtError as e:
                self.swallowed.append(("interfaceStats %s" % iface, e))
        output["memory"] = domain.maxMemory()
        try:
            for key, val in domain.memoryStats().items():
                output["memory-" + key] = val
        except libvirt.libvirtError as e:
            self.swallowed.append(("memoryStats", e))
        return output

    def get_instance_diagnostics(self, instance):
        """The version-2 diagnostics: state, memory (MiB), cpu times,
        disks' and NICs' counters (a NIC without <target> has none)."""
        guest = self.get_guest(instance)
        domain = guest._domain
        xml = guest.get_xml_desc()
        state, max_mem, mem, num_cpu, cpu_time = guest._get_domain_info()
        diags = {"state": LIBVIRT_POWER_STATE[state], "hypervisor": "xen",
                 "memory_details": {"maximum": max_mem / 1024, "used": mem / 1024},
                 "cpu_details": [], "disk_details": [], "nic_details": []}
        try:
            for vid, cpu, st, t in guest.get_vcpus_info():
                diags["cpu_details"].append({"id": vid, "time": t})
        except libvirt.libvirtError as e:
            self.swallowed.append(("vcpus", e))
        for disk in self._get_io_devices(xml)["volumes"]:
            try:
                s = domain.blockStats(disk)
                diags["disk_details"].append(
                    {"read_bytes": s[1], "read_requests": s[0],
                     "write_bytes": s[3], "write_requests": s[2],
                     "errors_count": s[4]})
            except libvirt.libvirtError as e:
                self.swallowed.append(("blockStats %s" % disk, e))
        for iface in ET.fromstring(xml).findall("./devices/interface"):
            mac = iface.find("mac").get("address")
            target = iface.find("./target")
            if target is None:
                diags["nic_details"].append({"mac_address": mac})
                continue
            try:
                s = domain.interfaceStats(target.get("dev"))
                diags["nic_details"].append(
                    {"mac_address": mac, "rx_octets": s[0], "rx_packets": s[1],
                     "rx_errors": s[2], "rx_drop": s[3], "tx_octets": s[4],
                     "tx_packets": s[5], "tx_errors": s[6], "tx_drop": s[7]})
            except libvirt.libvirtError as e:
                self.swallowed.append(("interfaceStats", e))
        return diags

    def _get_vcpu_used(self):
        total = 0
        for dom in self.list_instance_domains():
            try:
                total += len(Guest(dom).get_vcpus_info())
            except libvirt.libvirtError as e:
                self.swallowed.append(("vcpus of %s" % dom.name(), e))
                total += 1
        return total

    def _get_instance_capabilities(self):
        caps = self.get_capabilities()
        out = []
        for g in caps.findall("guest"):
            arch = g.find("arch")
            for d in arch.findall("domain"):
                out.append((arch.get("name"), d.get("type"), g.findtext("os_type")))
        return out

    def _get_cpu_info(self):
        caps = self.get_capabilities()
        cpu = caps.find("host/cpu")
        topo = cpu.find("topology")
        return {"arch": cpu.findtext("arch"), "model": cpu.findtext("model"),
                "vendor": cpu.findtext("vendor"),
                "topology": {"cells": len(caps.findall("host/topology/cells/cell")) or 1,
                             "sockets": int(topo.get("sockets")),
                             "cores": int(topo.get("cores")),
                             "threads": int(topo.get("threads"))},
                "features": {f.get("name") for f in cpu.findall("feature")}}

    def _get_pci_passthrough_devices(self):
        flags = (libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET |
                 libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV)
        devices = {d.name(): d for d in (self._conn.listAllDevices(flags) or [])}
        pci = []
        for name, dev in devices.items():
            if "pci" in dev.listCaps():
                ET.fromstring(dev.XMLDesc(0))
                pci.append(name)
        return pci

    def get_available_resource(self):
        """The resource tracker's periodic view of the host."""
        data = {"supported_instances": self._get_instance_capabilities()}
        data["vcpus"] = len(self.get_online_cpus())
        data["memory_mb"] = self.get_memory_mb_total()
        data["vcpus_used"] = self._get_vcpu_used()
        data["memory_mb_used"] = self.get_memory_mb_used()
        data["hypervisor_type"] = self._conn.getType()
        data["hypervisor_version"] = self._conn.getVersion()
        data["hypervisor_hostname"] = self._conn.getHostname()
        data["cpu_info"] = self._get_cpu_info()
        data["pci_passthrough_devices"] = self._get_pci_passthrough_devices()
        # _get_host_numa_topology: only with a QEMU hypervisor
        data["numa_topology"] = None if not self.has_min_version(
            hv_type=HV_DRIVER_QEMU) else "qemu"
        # _get_disk_over_committed_size_total reads every instance's XML
        for dom in self.list_instance_domains(only_running=False):
            ET.fromstring(Guest(dom).get_xml_desc())
        return data


def _proc_meminfo_avail_kb():
    with open("/proc/meminfo") as fp:
        m = fp.read().split()
    return (int(m[m.index("MemFree:") + 1]) + int(m[m.index("Buffers:") + 1]) +
            int(m[m.index("Cached:") + 1]))


class CpuMonitor:
    """nova/compute/monitors/cpu/virt_driver.py's Monitor: each update
    reads the host's CPU times (a missing field is the monitor's
    ResourceMonitorError) and turns the change since the last reading
    into whole percentages."""

    def __init__(self, driver):
        self.driver = driver
        self.data = {}
        self._prev = {}

    def update(self):
        try:
            stats = self.driver.get_cpu_stats()
            data = {"cpu.%s.time" % k: stats[k]
                    for k in ("user", "kernel", "idle", "iowait")}
            data["cpu.frequency"] = stats["frequency"]
        except (TypeError, KeyError) as e:
            raise NovaError("ResourceMonitorError",
                            "not all properties needed are implemented "
                            "in the compute driver (%r)" % (e,))
        stats["total"] = (stats["user"] + stats["kernel"] + stats["idle"] +
                          stats["iowait"])
        cputime = float(stats["total"] - self._prev.get("total", 0))
        for k in ("user", "kernel", "idle", "iowait"):
            data["cpu.%s.percent" % k] = int(
                (stats[k] - self._prev.get(k, 0)) / cputime * 100)
        used = stats["user"] + stats["kernel"] + stats["iowait"]
        prev_used = sum(self._prev.get(k, 0)
                        for k in ("user", "kernel", "iowait"))
        data["cpu.percent"] = int((used - prev_used) / cputime * 100)
        self._prev = dict(stats)
        self.data = data
        return data
