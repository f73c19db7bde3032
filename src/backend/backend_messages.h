/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_messages.h: the errors both backends give when an operation
 * meets a domain that can no longer take it, each one whole sentence per
 * operation, so translators never see a verb cut out of its sentence.
 */
#pragma once

#include "vxl_internal.h"

typedef enum {
    VXL_BACKEND_OP_DESTROY,
    VXL_BACKEND_OP_REBOOT,
    VXL_BACKEND_OP_SHUTDOWN,
    VXL_BACKEND_OP_PAUSE,
    VXL_BACKEND_OP_UNPAUSE,
    VXL_BACKEND_OP_SET_MEMORY,
    VXL_BACKEND_OP_SET_MAX_MEMORY,
    VXL_BACKEND_OP_SET_VCPUS,
    VXL_BACKEND_OP_DISK_ADD,
    VXL_BACKEND_OP_DISK_REMOVE,
    VXL_BACKEND_OP_NIC_ADD,
    VXL_BACKEND_OP_NIC_REMOVE,
    VXL_BACKEND_OP_CDROM_CHANGE,
    VXL_BACKEND_OP_SAVE,
    VXL_BACKEND_OP_MIGRATE,
    VXL_BACKEND_OP_RESUME,
    VXL_BACKEND_OP_SCHED_GET,
    VXL_BACKEND_OP_SCHED_SET,
    VXL_BACKEND_OP_BLOCK_RESIZE,
    /* guest controls and PCI devices */
    VXL_BACKEND_OP_RESET,
    VXL_BACKEND_OP_INJECT_NMI,
    VXL_BACKEND_OP_SEND_KEYS,
    VXL_BACKEND_OP_SCREENSHOT,
    VXL_BACKEND_OP_PM_SUSPEND,
    VXL_BACKEND_OP_PM_WAKEUP,
    VXL_BACKEND_OP_PCI_ADD,
    VXL_BACKEND_OP_PCI_REMOVE,
    /* breadth */
    VXL_BACKEND_OP_NIC_RATE,
    /* USB host devices */
    VXL_BACKEND_OP_USB_ADD,
    VXL_BACKEND_OP_USB_REMOVE,

    VXL_BACKEND_OP_LAST
} vxlBackendOp;

/* Report VIR_ERR_OPERATION_INVALID: @op cannot be done to domain @name
 * (@domid) because it has shut down (for @reason) or, with @reason NULL,
 * crashed. */
void vxlBackendReportStopped(vxlBackendOp op, const char *name,
                             unsigned int domid, const char *reason);

/* "cannot <op> domain '<name>' (id <domid>)", translated, for the caller
 * to complete with the hypervisor's reason. */
char *vxlBackendOpFailed(vxlBackendOp op, const char *name, unsigned int domid);

/* libxl's failure @cause completed with what is missing when it is a PV
 * sound or display card (its path has /backend/vsnd/ or
 * /backend/vdispl/) that no user-space backend answered; NULL for any
 * other cause. Both backends say it in these words. */
char *vxlBackendPvBackendMissing(const char *cause);
