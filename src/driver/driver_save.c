/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_save.c: entry points that put a domain's state on disk and
 * bring it back (virsh save, restore, save-image-dumpxml,
 * save-image-define, managedsave, managedsave-remove,
 * managedsave-dumpxml, managedsave-define). The work is domain_save.c's.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "domain_save.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* BYPASS_CACHE: the image is synced and dropped from the page cache
 * once written, so a save does not evict the host's working set. */
#define VXL_SAVE_FLAGS (VIR_DOMAIN_SAVE_BYPASS_CACHE | \
                        VIR_DOMAIN_SAVE_RUNNING | \
                        VIR_DOMAIN_SAVE_PAUSED)

/* virsh save and its typed-parameter form, once the flags are checked:
 * the domain's memory to @to (NULL: the managed save image). */
int
vxlDomainSaveEntry(virDomainPtr dom, vxlEntryACL acl, const char *to,
                   const char *dxml, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, acl, VIR_JOB_NONE)))
        return -1;
    if (vxlDomainSaveToImage(vxl_driver, vm, to, dxml, flags) < 0)
        goto cleanup;
    dom->id = -1;
    ret = 0;
    vxlDomainRemoveIfTransient(vxl_driver, vm);
 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSaveFlags(virDomainPtr dom, const char *to, const char *dxml,
                   unsigned int flags)
{
    virCheckFlags(VXL_SAVE_FLAGS, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SAVE_RUNNING, VIR_DOMAIN_SAVE_PAUSED, -1);
    return vxlDomainSaveEntry(dom, virDomainSaveFlagsEnsureACL, to, dxml, flags);
}

int
vxlDomainSave(virDomainPtr dom, const char *to)
{
    return vxlDomainSaveFlags(dom, to, NULL, 0);
}

int
vxlDomainRestoreFlags(virConnectPtr conn, const char *from, const char *dxml,
                      unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_auto(vxlSaveImage) img = { .fd = -1 };
    g_autoptr(virDomainDef) newdef = NULL;
    virDomainObj *vm;

    virCheckFlags(VXL_SAVE_FLAGS, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SAVE_RUNNING, VIR_DOMAIN_SAVE_PAUSED, -1);

    if (vxlSaveImageOpen(driver, from, &img) < 0)
        return -1;
    if (virDomainRestoreFlagsEnsureACL(conn, img.def) < 0)
        return -1;
    if (dxml) {
        if (!(newdef = virDomainDefParseString(dxml, driver->xmlopt, NULL,
                                               VIR_DOMAIN_DEF_PARSE_INACTIVE)) ||
            vxlSaveImageCheckDef(img.def, newdef) < 0)
            return -1;
        virDomainDefFree(img.def);
        img.def = g_steal_pointer(&newdef);
    }
    if (!(vm = vxlDomainRestoreFromImage(driver, &img, flags)))
        return -1;
    virDomainObjEndAPI(&vm);
    return 0;
}

int
vxlDomainRestore(virConnectPtr conn, const char *from)
{
    return vxlDomainRestoreFlags(conn, from, NULL, 0);
}

char *
vxlDomainSaveImageGetXMLDesc(virConnectPtr conn, const char *path,
                             unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_auto(vxlSaveImage) img = { .fd = -1 };

    virCheckFlags(VIR_DOMAIN_SAVE_IMAGE_XML_SECURE, NULL);

    if (vxlSaveImageOpen(driver, path, &img) < 0)
        return NULL;
    if (virDomainSaveImageGetXMLDescEnsureACL(conn, img.def) < 0)
        return NULL;
    /* The image keeps the secure XML; libvirt's own drivers hand it out
     * whatever the flag, and so does this one. */
    return g_steal_pointer(&img.xml);
}

int
vxlDomainSaveImageDefineXML(virConnectPtr conn, const char *path,
                            const char *dxml, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_auto(vxlSaveImage) img = { .fd = -1 };
    g_autoptr(virDomainDef) def = NULL;
    unsigned int imgFlags;

    virCheckFlags(VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SAVE_RUNNING, VIR_DOMAIN_SAVE_PAUSED, -1);

    if (vxlSaveImageOpen(driver, path, &img) < 0)
        return -1;
    if (virDomainSaveImageDefineXMLEnsureACL(conn, img.def) < 0)
        return -1;
    if (!(def = virDomainDefParseString(dxml, driver->xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return -1;
    imgFlags = img.flags;
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        imgFlags |= VXL_SAVE_IMAGE_RUNNING;
    if (flags & VIR_DOMAIN_SAVE_PAUSED)
        imgFlags &= ~VXL_SAVE_IMAGE_RUNNING;
    return vxlSaveImageRewrite(driver, &img, def, imgFlags);
}

int
vxlDomainManagedSave(virDomainPtr dom, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VXL_SAVE_FLAGS, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SAVE_RUNNING, VIR_DOMAIN_SAVE_PAUSED, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainManagedSaveEnsureACL, VIR_JOB_NONE)))
        return -1;
    if (vxlDomainSaveToImage(driver, vm, NULL, NULL, flags) < 0)
        goto cleanup;
    dom->id = -1;
    ret = 0;
 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainManagedSaveRemoveEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainManagedSaveDiscard(vxl_driver, vm);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

/* Open @vm's managed save image, or say it has none. */
static int
vxlDomainManagedSaveOpen(vxlDriver *driver, virDomainObj *vm,
                         vxlSaveImage *img)
{
    g_autofree char *path = NULL;

    if (!vxlDomainHasManagedSave(driver, vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' has no managed save image"),
                       vm->def->name);
        return -1;
    }
    path = vxlDomainManagedSavePath(driver, vm);
    return vxlSaveImageOpen(driver, path, img);
}

char *
vxlDomainManagedSaveGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_auto(vxlSaveImage) img = { .fd = -1 };
    virDomainObj *vm;
    char *ret = NULL;

    virCheckFlags(VIR_DOMAIN_SAVE_IMAGE_XML_SECURE, NULL);

    if (!(vm = vxlEntryBeginFlags(dom, virDomainManagedSaveGetXMLDescEnsureACL,
                                  flags,
                                  VIR_JOB_NONE)))
        return NULL;
    if (vxlDomainManagedSaveOpen(driver, vm, &img) < 0)
        goto cleanup;
    ret = g_steal_pointer(&img.xml);
 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainManagedSaveDefineXML(virDomainPtr dom, const char *dxml,
                              unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_auto(vxlSaveImage) img = { .fd = -1 };
    g_autoptr(virDomainDef) def = NULL;
    virDomainObj *vm;
    unsigned int imgFlags;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SAVE_RUNNING, VIR_DOMAIN_SAVE_PAUSED, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainManagedSaveDefineXMLEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    if (vxlDomainManagedSaveOpen(driver, vm, &img) < 0)
        goto cleanup;
    if (!(def = virDomainDefParseString(dxml, driver->xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        goto cleanup;
    imgFlags = img.flags;
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        imgFlags |= VXL_SAVE_IMAGE_RUNNING;
    if (flags & VIR_DOMAIN_SAVE_PAUSED)
        imgFlags &= ~VXL_SAVE_IMAGE_RUNNING;
    ret = vxlSaveImageRewrite(driver, &img, def, imgFlags);
 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}
