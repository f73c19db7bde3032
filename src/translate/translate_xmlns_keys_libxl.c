/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_xmlns_keys_libxl.c: the namespace's verbatim xl.cfg keys
 * (vxlXMLNSKeys; src/conf/domain_xmlns_keys.c parses and checks them)
 * into libxl_domain_config, each where xl's own parser
 * (tools/xl/xl_parse.c) puts it: FLASK labels, the device model's
 * sandbox, stub domain images, cpupool, scheduler parameters, shutdown
 * actions libvirt cannot name, PVH shim and HVM platform switches.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "virerror.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static void
vxlXMLNSKeyDefbool(libxl_defbool *field, const char *value)
{
    libxl_defbool_set(field, STRNEQ(value, "0"));
}


static int
vxlXMLNSKeyInt(const char *value)
{
    int n = 0;

    /* Checked against the key's range when parsed. */
    ignore_value(virStrToLong_i(value, NULL, 10, &n));
    return n;
}


/* A list key's items (checked by domain_xmlns_specs.c when parsed),
 * into the arrays xl fills from the same list, devids numbered as xl's
 * ARRAY_EXTEND_INIT numbers them: by position in the whole array. */
static void
vxlTranslateXMLNSListKey(size_t key, const char *joined, libxl_domain_config *dcfg)
{
    libxl_domain_build_info *b_info = &dcfg->b_info;
    g_auto(GStrv) items = vxlXMLNSKeyItems(joined);
    size_t n = g_strv_length(items);
    size_t j;

    switch ((vxlXMLNSKey)key) {
    case VXL_XMLNS_KEY_DTDEV:
        dcfg->dtdevs = g_new0(libxl_device_dtdev, n);
        dcfg->num_dtdevs = n;
        for (j = 0; j < n; j++) {
            libxl_device_dtdev_init(&dcfg->dtdevs[j]);
            dcfg->dtdevs[j].path = g_strdup(items[j]);
        }
        break;
    case VXL_XMLNS_KEY_MCA_CAPS:
        for (j = 0; j < n; j++)
            ignore_value(vxlXMLNSSpecMcaCap(items[j], &b_info->u.hvm.mca_caps));
        break;
    case VXL_XMLNS_KEY_IOMEM:
        b_info->iomem = g_new0(libxl_iomem_range, n);
        b_info->num_iomem = n;
        for (j = 0; j < n; j++) {
            libxl_iomem_range *r = &b_info->iomem[j];

            libxl_iomem_range_init(r);
            ignore_value(vxlXMLNSSpecIomem(items[j], &r->start, &r->number, &r->gfn));
        }
        break;
    case VXL_XMLNS_KEY_IOPORTS:
        b_info->ioports = g_new0(libxl_ioport_range, n);
        b_info->num_ioports = n;
        for (j = 0; j < n; j++) {
            libxl_ioport_range_init(&b_info->ioports[j]);
            ignore_value(vxlXMLNSSpecIoports(items[j], &b_info->ioports[j].first,
                                             &b_info->ioports[j].number));
        }
        break;
    case VXL_XMLNS_KEY_IRQS:
        b_info->irqs = g_new0(uint32_t, n);
        b_info->num_irqs = n;
        for (j = 0; j < n; j++)
            ignore_value(vxlXMLNSSpecIrq(items[j], &b_info->irqs[j]));
        break;
    case VXL_XMLNS_KEY_PVCALLS:
        dcfg->pvcallsifs = g_new0(libxl_device_pvcallsif, n);
        dcfg->num_pvcallsifs = n;
        for (j = 0; j < n; j++) {
            libxl_device_pvcallsif_init(&dcfg->pvcallsifs[j]);
            dcfg->pvcallsifs[j].devid = j;
            ignore_value(vxlXMLNSSpecPvcalls(items[j], &dcfg->pvcallsifs[j]));
        }
        break;
    case VXL_XMLNS_KEY_VKB: {
        /* After the keyboards of the vfbs, as xl adds them. */
        size_t base = dcfg->num_vkbs;

        dcfg->vkbs = g_renew(libxl_device_vkb, dcfg->vkbs, base + n);
        dcfg->num_vkbs = base + n;
        for (j = 0; j < n; j++) {
            libxl_device_vkb *vkb = &dcfg->vkbs[base + j];

            if (!vxlXMLNSSpecVkb(items[j], vkb))
                libxl_device_vkb_init(vkb);
            vkb->devid = base + j;
        }
        break;
    }
    case VXL_XMLNS_KEY_VDISPL:
        dcfg->vdispls = g_new0(libxl_device_vdispl, n);
        dcfg->num_vdispls = n;
        for (j = 0; j < n; j++) {
            libxl_device_vdispl *vdispl = &dcfg->vdispls[j];

            if (!vxlXMLNSSpecVdispl(items[j], vdispl))
                libxl_device_vdispl_init(vdispl);
            vdispl->devid = j;
        }
        break;
    case VXL_XMLNS_KEY_VSND:
        /* One card per outer item; its items' order makes its PCMs and
         * streams, as xl's parse_vsnd_item. */
        dcfg->vsnds = g_new0(libxl_device_vsnd, n);
        dcfg->num_vsnds = n;
        for (j = 0; j < n; j++) {
            libxl_device_vsnd *vsnd = &dcfg->vsnds[j];

            if (!vxlXMLNSSpecVsnd(items[j], vsnd, NULL))
                libxl_device_vsnd_init(vsnd);
            vsnd->devid = j;
        }
        break;
    case VXL_XMLNS_KEY_CPUID:
        /* As xl builds b_info.cpuid from either form of cpuid=. */
        for (j = 0; j < n; j++)
            ignore_value(vxlXMLNSSpecCpuid(items[j], &b_info->cpuid));
        break;
    default:
        break;
    }
}


void
vxlTranslateXMLNSKeys(char *const *keys, libxl_domain_config *dcfg)
{
    libxl_domain_create_info *c_info = &dcfg->c_info;
    libxl_domain_build_info *b_info = &dcfg->b_info;
    size_t i;

    for (i = 0; i < VXL_XMLNS_KEY_LAST; i++) {
        const char *v = keys[i];

        /* The validator refused keys on guests they do not apply to;
         * this keeps another guest type's union member untouched. */
        if (!v || !(vxlXMLNSKeys[i].guests & (1u << b_info->type)))
            continue;
        switch ((vxlXMLNSKey)i) {
        case VXL_XMLNS_KEY_SECLABEL:
            /* With init_seclabel, the domain is built under that label
             * and switches to this one (xl_parse.c). */
            if (keys[VXL_XMLNS_KEY_INIT_SECLABEL])
                b_info->exec_ssid_label = g_strdup(v);
            else
                c_info->ssid_label = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_INIT_SECLABEL:
            g_free(c_info->ssid_label);
            c_info->ssid_label = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_DM_STUBDOMAIN_SECLABEL:
            b_info->device_model_ssid_label = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_DEVICE_MODEL_USER:
            b_info->device_model_user = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_DM_RESTRICT:
            vxlXMLNSKeyDefbool(&b_info->dm_restrict, v);
            break;
        case VXL_XMLNS_KEY_STUBDOMAIN_KERNEL:
            b_info->stubdomain_kernel = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_STUBDOMAIN_RAMDISK:
            b_info->stubdomain_ramdisk = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_STUBDOMAIN_CMDLINE:
            b_info->stubdomain_cmdline = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_POOL:
            c_info->pool_name = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_OOS:
            vxlXMLNSKeyDefbool(&c_info->oos, v);
            break;
        case VXL_XMLNS_KEY_XEND_SUSPEND_EVTCHN_COMPAT:
            vxlXMLNSKeyDefbool(&c_info->xend_suspend_evtchn_compat, v);
            break;
        case VXL_XMLNS_KEY_PERIOD:
            b_info->sched_params.period = vxlXMLNSKeyInt(v);
            break;
        case VXL_XMLNS_KEY_SLICE:
            b_info->sched_params.slice = vxlXMLNSKeyInt(v);
            break;
        case VXL_XMLNS_KEY_LATENCY:
            b_info->sched_params.latency = vxlXMLNSKeyInt(v);
            break;
        case VXL_XMLNS_KEY_EXTRATIME:
            b_info->sched_params.extratime = vxlXMLNSKeyInt(v);
            break;
        case VXL_XMLNS_KEY_VMTRACE_BUF_KB:
            if (vxlXMLNSKeyInt(v))
                b_info->vmtrace_buf_kb = vxlXMLNSKeyInt(v);
            break;
        case VXL_XMLNS_KEY_ON_POWEROFF:
            dcfg->on_poweroff = vxlXMLNSKeyActionFromString(v);
            break;
        case VXL_XMLNS_KEY_ON_REBOOT:
            dcfg->on_reboot = vxlXMLNSKeyActionFromString(v);
            break;
        case VXL_XMLNS_KEY_ON_CRASH:
            dcfg->on_crash = vxlXMLNSKeyActionFromString(v);
            break;
        case VXL_XMLNS_KEY_ON_WATCHDOG:
            dcfg->on_watchdog = vxlXMLNSKeyActionFromString(v);
            break;
        case VXL_XMLNS_KEY_ON_SOFT_RESET:
            dcfg->on_soft_reset = vxlXMLNSKeyActionFromString(v);
            break;
        case VXL_XMLNS_KEY_PVSHIM:
            vxlXMLNSKeyDefbool(&b_info->u.pvh.pvshim, v);
            break;
        case VXL_XMLNS_KEY_PVSHIM_PATH:
            b_info->u.pvh.pvshim_path = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_PVSHIM_CMDLINE:
            b_info->u.pvh.pvshim_cmdline = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_PVSHIM_EXTRA:
            b_info->u.pvh.pvshim_extra = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_ACPI_LAPTOP_SLATE:
            vxlXMLNSKeyDefbool(&b_info->u.hvm.acpi_laptop_slate, v);
            break;
        case VXL_XMLNS_KEY_VPT_ALIGN:
            vxlXMLNSKeyDefbool(&b_info->u.hvm.vpt_align, v);
            break;
        case VXL_XMLNS_KEY_HDTYPE:
            b_info->u.hvm.hdtype = vxlXMLNSKnobEnumFromString(libxl_hdtype_string_table, v);
            break;
        case VXL_XMLNS_KEY_GFX_PASSTHRU: {
            int kind = vxlXMLNSKnobEnumFromString(libxl_gfx_passthru_kind_string_table, v);

            /* A kind turns it on as well (xl_parse.c). */
            if (kind >= 0) {
                b_info->u.hvm.gfx_passthru_kind = kind;
                libxl_defbool_set(&b_info->u.hvm.gfx_passthru, true);
            } else {
                vxlXMLNSKeyDefbool(&b_info->u.hvm.gfx_passthru, v);
            }
            break;
        }
        case VXL_XMLNS_KEY_USB:
            vxlXMLNSKeyDefbool(&b_info->u.hvm.usb, v);
            break;
        case VXL_XMLNS_KEY_USBVERSION:
            b_info->u.hvm.usbversion = vxlXMLNSKeyInt(v);
            break;
        case VXL_XMLNS_KEY_VKB_DEVICE:
            vxlXMLNSKeyDefbool(&b_info->u.hvm.vkb_device, v);
            break;
        case VXL_XMLNS_KEY_FIRMWARE:
            b_info->u.hvm.firmware = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_VIRIDIAN: {
            g_auto(GStrv) groups = g_strsplit(v, ",", -1);
            size_t j;

            /* Beside the groups the features translator enabled. */
            if (b_info->u.hvm.viridian_enable.size == 0)
                vxlTranslateBitmapAlloc(&b_info->u.hvm.viridian_enable,
                                        LIBXL_VIRIDIAN_ENLIGHTENMENT_CPU_HOTPLUG + 1);
            for (j = 0; groups[j]; j++)
                libxl_bitmap_set(&b_info->u.hvm.viridian_enable,
                                 vxlXMLNSKnobEnumFromString(libxl_viridian_enlightenment_string_table,
                                                            groups[j]));
            break;
        }
        case VXL_XMLNS_KEY_ALTP2MHVM:
            vxlXMLNSKeyDefbool(&b_info->u.hvm.altp2m, v);
            break;
        case VXL_XMLNS_KEY_DEVICE_TREE:
            b_info->device_tree = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_GIC_VERSION:
            b_info->arch_arm.gic_version =
                vxlXMLNSKnobEnumFromString(libxl_gic_version_string_table, v);
            break;
        case VXL_XMLNS_KEY_TEE:
            b_info->tee = vxlXMLNSKnobEnumFromString(libxl_tee_type_string_table, v);
            break;
        case VXL_XMLNS_KEY_VUART:
            b_info->arch_arm.vuart = vxlXMLNSKnobEnumFromString(libxl_vuart_type_string_table, v);
            break;
        case VXL_XMLNS_KEY_VIDEORAM:
            b_info->video_memkb = (uint64_t)vxlXMLNSKeyInt(v) * 1024;
            break;
        case VXL_XMLNS_KEY_KEYMAP:
            /* No <graphics keymap> set one (domain_xmlns_keys.c). */
            g_free(b_info->u.hvm.keymap);
            b_info->u.hvm.keymap = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_DTDEV:
        case VXL_XMLNS_KEY_MCA_CAPS:
        case VXL_XMLNS_KEY_IOMEM:
        case VXL_XMLNS_KEY_IOPORTS:
        case VXL_XMLNS_KEY_IRQS:
        case VXL_XMLNS_KEY_PVCALLS:
        case VXL_XMLNS_KEY_VKB:
        case VXL_XMLNS_KEY_VDISPL:
        case VXL_XMLNS_KEY_VSND:
        case VXL_XMLNS_KEY_CPUID:
            vxlTranslateXMLNSListKey(i, v, dcfg);
            break;
        case VXL_XMLNS_KEY_USBDEVICE: {
            g_auto(GStrv) items = vxlXMLNSKeyItems(v);
            size_t have = b_info->u.hvm.usbdevice_list ?
                g_strv_length(b_info->u.hvm.usbdevice_list) : 0;
            size_t j;

            /* After the USB <input>s (translate_gfx.c). */
            b_info->u.hvm.usbdevice_list = g_renew(char *, b_info->u.hvm.usbdevice_list,
                                                   have + g_strv_length(items) + 1);
            for (j = 0; items[j]; j++)
                b_info->u.hvm.usbdevice_list[have++] = g_strdup(items[j]);
            b_info->u.hvm.usbdevice_list[have] = NULL;
            break;
        }
        case VXL_XMLNS_KEY_BOOTLOADER_ARGS:
            /* The argv as the list gave it, over <bootloader_args>'s
             * split string (translate_boot.c). */
            g_strfreev(b_info->bootloader_args);
            b_info->bootloader_args = vxlXMLNSKeyItems(v);
            break;
        case VXL_XMLNS_KEY_SOUNDHW:
            /* As xl gives it to libxl, which checks it at start. */
            g_free(b_info->u.hvm.soundhw);
            b_info->u.hvm.soundhw = g_strdup(v);
            break;
        case VXL_XMLNS_KEY_VNCDISPLAY:
            /* With its <graphics> (translate_gfx.c). */
            break;
        case VXL_XMLNS_KEY_LAST:
        default:
            virReportEnumRangeError(vxlXMLNSKey, (int)i);
            break;
        }
    }
}
