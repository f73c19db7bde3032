/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_node_pages.c: virsh freepages, the host's free memory per NUMA
 * cell counted in pages of the sizes asked for.
 *
 * Xen gives guests its own memory in 4 KiB pages (using larger ones
 * underneath where it can, which nobody reserves); it keeps no pools of
 * larger pages as Linux's hugetlbfs does, and dom0's pools never back a
 * guest. So 4 KiB is the one page size there is, as <capabilities> says,
 * and a cell's free pages are its free memory (physinfo / numainfo).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_XEN_PAGE_KIB 4

int
vxlNodeGetFreePages(virConnectPtr conn, unsigned int npages,
                    unsigned int *pages, int startCell,
                    unsigned int cellCount, unsigned long long *counts,
                    unsigned int flags)
{
    vxlHostFacts facts = { 0 };
    unsigned long long freeKiB = 0;
    size_t ncells;
    size_t cell;
    size_t lastCell;
    size_t i;
    int n = 0;
    int ret = -1;

    virCheckFlags(0, -1);
    if (virNodeGetFreePagesEnsureACL(conn) < 0)
        return -1;
    if (vxlDomainHostGetFacts(vxl_driver, &facts) < 0)
        return -1;
    ncells = MAX(facts.nnodes, 1);
    if (startCell < 0 || (size_t)startCell >= ncells) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("start cell %d out of range (0-%zu)"),
                       startCell, ncells - 1);
        goto cleanup;
    }
    for (i = 0; i < npages; i++) {
        if (pages[i] != VXL_XEN_PAGE_KIB) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("page size %u KiB is not available on this host: Xen gives guests its memory in 4 KiB pages and keeps no pools of larger ones"),
                           pages[i]);
            goto cleanup;
        }
    }
    /* A host Xen reports no NUMA nodes of is one cell. */
    if (facts.nnodes == 0 &&
        vxlDomainHostGetFreeMemory(vxl_driver, &freeKiB) < 0)
        goto cleanup;

    lastCell = MIN(ncells - 1, (size_t)startCell + cellCount - 1);
    for (cell = startCell; cell <= lastCell; cell++) {
        unsigned long long cellFree = facts.nnodes ? facts.nodes[cell].freeKiB
                                                   : freeKiB;

        for (i = 0; i < npages; i++)
            counts[n++] = cellFree / VXL_XEN_PAGE_KIB;
    }
    ret = n;
 cleanup:
    vxlHostFactsClear(&facts);
    return ret;
}
