/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_messages.c: one whole sentence per operation for each way it
 * can fail on a stopped domain (see backend_messages.h).
 */
#include "vxl_internal.h"

#include "backend_messages.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

typedef struct {
    const char *shutDown;          /* name, domid, reason */
    const char *crashed;           /* name, domid */
    const char *failed;            /* name, domid */
} vxlBackendOpMessages;

static const vxlBackendOpMessages vxlBackendOpMessageTable[VXL_BACKEND_OP_LAST] = {
    [VXL_BACKEND_OP_DESTROY] = {
        N_("cannot destroy domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot destroy domain '%s' (id %u): it has crashed"),
        N_("cannot destroy domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_REBOOT] = {
        N_("cannot reboot domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot reboot domain '%s' (id %u): it has crashed"),
        N_("cannot reboot domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SHUTDOWN] = {
        N_("cannot shut down domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot shut down domain '%s' (id %u): it has crashed"),
        N_("cannot shut down domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_PAUSE] = {
        N_("cannot pause domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot pause domain '%s' (id %u): it has crashed"),
        N_("cannot pause domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_UNPAUSE] = {
        N_("cannot unpause domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot unpause domain '%s' (id %u): it has crashed"),
        N_("cannot unpause domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SET_MEMORY] = {
        N_("cannot set the memory of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot set the memory of domain '%s' (id %u): it has crashed"),
        N_("cannot set the memory of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SET_MAX_MEMORY] = {
        N_("cannot set the maximum memory of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot set the maximum memory of domain '%s' (id %u): it has crashed"),
        N_("cannot set the maximum memory of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SET_VCPUS] = {
        N_("cannot change the vCPUs of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot change the vCPUs of domain '%s' (id %u): it has crashed"),
        N_("cannot change the vCPUs of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_DISK_ADD] = {
        N_("cannot add a disk to domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot add a disk to domain '%s' (id %u): it has crashed"),
        N_("cannot add a disk to domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_DISK_REMOVE] = {
        N_("cannot remove a disk from domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot remove a disk from domain '%s' (id %u): it has crashed"),
        N_("cannot remove a disk from domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_NIC_ADD] = {
        N_("cannot add a network interface to domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot add a network interface to domain '%s' (id %u): it has crashed"),
        N_("cannot add a network interface to domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_NIC_REMOVE] = {
        N_("cannot remove a network interface from domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot remove a network interface from domain '%s' (id %u): it has crashed"),
        N_("cannot remove a network interface from domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_CDROM_CHANGE] = {
        N_("cannot change the media of a cdrom of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot change the media of a cdrom of domain '%s' (id %u): it has crashed"),
        N_("cannot change the media of a cdrom of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SAVE] = {
        N_("cannot save domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot save domain '%s' (id %u): it has crashed"),
        N_("cannot save domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_MIGRATE] = {
        N_("cannot migrate domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot migrate domain '%s' (id %u): it has crashed"),
        N_("cannot migrate domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_RESUME] = {
        N_("cannot resume domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot resume domain '%s' (id %u): it has crashed"),
        N_("cannot resume domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SCHED_GET] = {
        N_("cannot read the scheduler parameters of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot read the scheduler parameters of domain '%s' (id %u): it has crashed"),
        N_("cannot read the scheduler parameters of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SCHED_SET] = {
        N_("cannot set the scheduler parameters of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot set the scheduler parameters of domain '%s' (id %u): it has crashed"),
        N_("cannot set the scheduler parameters of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_BLOCK_RESIZE] = {
        N_("cannot resize a disk of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot resize a disk of domain '%s' (id %u): it has crashed"),
        N_("cannot resize a disk of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_RESET] = {
        N_("cannot reset domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot reset domain '%s' (id %u): it has crashed"),
        N_("cannot reset domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_INJECT_NMI] = {
        N_("cannot send an NMI to domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot send an NMI to domain '%s' (id %u): it has crashed"),
        N_("cannot send an NMI to domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SEND_KEYS] = {
        N_("cannot send keys to domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot send keys to domain '%s' (id %u): it has crashed"),
        N_("cannot send keys to domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_SCREENSHOT] = {
        N_("cannot take a screenshot of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot take a screenshot of domain '%s' (id %u): it has crashed"),
        N_("cannot take a screenshot of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_PM_SUSPEND] = {
        N_("cannot suspend domain '%s' (id %u) to RAM: it has shut down (reason %s)"),
        N_("cannot suspend domain '%s' (id %u) to RAM: it has crashed"),
        N_("cannot suspend domain '%s' (id %u) to RAM"),
    },
    [VXL_BACKEND_OP_PM_WAKEUP] = {
        N_("cannot wake domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot wake domain '%s' (id %u): it has crashed"),
        N_("cannot wake domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_PCI_ADD] = {
        N_("cannot add a PCI device to domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot add a PCI device to domain '%s' (id %u): it has crashed"),
        N_("cannot add a PCI device to domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_PCI_REMOVE] = {
        N_("cannot remove a PCI device from domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot remove a PCI device from domain '%s' (id %u): it has crashed"),
        N_("cannot remove a PCI device from domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_NIC_RATE] = {
        N_("cannot change the rate limit of a network interface of domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot change the rate limit of a network interface of domain '%s' (id %u): it has crashed"),
        N_("cannot change the rate limit of a network interface of domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_USB_ADD] = {
        N_("cannot add a USB device to domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot add a USB device to domain '%s' (id %u): it has crashed"),
        N_("cannot add a USB device to domain '%s' (id %u)"),
    },
    [VXL_BACKEND_OP_USB_REMOVE] = {
        N_("cannot remove a USB device from domain '%s' (id %u): it has shut down (reason %s)"),
        N_("cannot remove a USB device from domain '%s' (id %u): it has crashed"),
        N_("cannot remove a USB device from domain '%s' (id %u)"),
    },
};

void
vxlBackendReportStopped(vxlBackendOp op, const char *name,
                        unsigned int domid, const char *reason)
{
    const vxlBackendOpMessages *msg = &vxlBackendOpMessageTable[op];

    if (reason)
        virReportError(VIR_ERR_OPERATION_INVALID, _(msg->shutDown),
                       name, domid, reason);
    else
        virReportError(VIR_ERR_OPERATION_INVALID, _(msg->crashed),
                       name, domid);
}

char *
vxlBackendOpFailed(vxlBackendOp op, const char *name, unsigned int domid)
{
    return g_strdup_printf(_(vxlBackendOpMessageTable[op].failed), name, domid);
}


/* Xen and Linux ship no vsnd or vdispl backend: libxl writes the
 * device's backend nodes and waits for a user-space server (snd_be,
 * displ_be) in the backend domain; without one it only says it could
 * not add the device. */
char *
vxlBackendPvBackendMissing(const char *cause)
{
    if (cause && strstr(cause, "/backend/vsnd/"))
        return g_strdup_printf(_("%s; no PV sound backend answered in the backend domain: Xen ships none, a user-space one (such as snd_be) must run there before a guest with vsnd starts"),
                               cause);
    if (cause && strstr(cause, "/backend/vdispl/"))
        return g_strdup_printf(_("%s; no PV display backend answered in the backend domain: Xen ships none, a user-space one (such as displ_be) must run there before a guest with vdispl starts"),
                               cause);
    return NULL;
}
