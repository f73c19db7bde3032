/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_secrets.c: Ceph keys from libvirt's secret store, at start.
 *
 * An rbd disk with <auth username><secret type='ceph' uuid|usage/></auth>
 * (what Nova writes for every Ceph volume) authenticates with a key kept
 * in libvirt's secret driver. The translators are pure and never see a
 * key: they give the disk qemu's target with id= and auth_supported=
 * only. When the domain starts, the key is fetched from the secret
 * driver and appended to that target in the libxl config, which goes to
 * the backend (dom0's xenstore, readable by dom0 alone) and nowhere
 * else: the domain's XML keeps the secret's reference, never its value.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "datatypes.h"
#include "virerror.h"
#include "virlog.h"
#include "viridentity.h"
#include "virsecret.h"
#include "virsecureerase.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_secrets");

static bool
vxlDomainDiskHasCephSecret(const virDomainDiskDef *disk)
{
    return virStorageSourceGetActualType(disk->src) == VIR_STORAGE_TYPE_NETWORK &&
           disk->src->protocol == VIR_STORAGE_NET_PROTOCOL_RBD &&
           disk->src->auth && disk->src->auth->secrettype;
}

static libxl_device_disk *
vxlDomainFindDisk(libxl_domain_config *dcfg, const char *vdev)
{
    int i;

    for (i = 0; i < dcfg->num_disks; i++) {
        if (STREQ_NULLABLE(dcfg->disks[i].vdev, vdev))
            return &dcfg->disks[i];
    }
    return NULL;
}

int
vxlDomainSecretsApplyDisk(const virDomainDef *def, const virDomainDiskDef *disk,
                          libxl_device_disk *xdisk)
{
    VIR_IDENTITY_AUTORESTORE virIdentity *oldident = NULL;
    g_autoptr(virConnect) conn = NULL;
    g_autofree uint8_t *secret = NULL;
    size_t len = 0;
    g_autofree char *key = NULL;
    char *target;

    if (!vxlDomainDiskHasCephSecret(disk))
        return 0;
    if (!xdisk->pdev_path) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("no translated disk %s to give its Ceph key"), disk->dst);
        return -1;
    }
    /* The driver reads the key as the daemon, not as the client who
     * asked for the start or attach: secrets marked private are given
     * to the daemon's own drivers only (as for QEMU's). */
    if (!(oldident = virIdentityElevateCurrent()))
        return -1;
    if (!(conn = virGetConnectSecret())) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("<disk><target dev='%s'>'s Ceph key is in libvirt's secret store, and this daemon has no secret driver: %s"),
                       disk->dst, virGetLastErrorMessage());
        return -1;
    }
    if (virSecretGetSecretString(conn, &disk->src->auth->seclookupdef,
                                 VIR_SECRET_USAGE_TYPE_CEPH, &secret, &len) < 0)
        return -1;
    key = g_base64_encode(secret, len);
    virSecureErase(secret, len);
    target = g_strdup_printf("%s:key=%s", xdisk->pdev_path, key);
    virSecureEraseString(key);
    g_free(xdisk->pdev_path);
    xdisk->pdev_path = target;
    VIR_DEBUG("disk %s of %s: Ceph key of user %s from the secret store",
              disk->dst, def->name, NULLSTR(disk->src->auth->username));
    return 0;
}

int
vxlDomainSecretsApply(const virDomainDef *def, libxl_domain_config *dcfg)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        virDomainDiskDef *disk = def->disks[i];
        libxl_device_disk *xdisk;

        if (!vxlDomainDiskHasCephSecret(disk))
            continue;
        if (!(xdisk = vxlDomainFindDisk(dcfg, disk->dst))) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("no translated disk %s to give its Ceph key"), disk->dst);
            return -1;
        }
        if (vxlDomainSecretsApplyDisk(def, disk, xdisk) < 0)
            return -1;
    }
    return 0;
}
