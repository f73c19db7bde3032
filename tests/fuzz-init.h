/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-init.h: what every libFuzzer target of the project sets up once:
 * libvirt's error handling, silenced (each input's errors are expected
 * and would drown the log), libvirt's log at errors only (conversions
 * warn about dropped keys, millions of times in a run), and the
 * driver's own parser config. Included by one target each.
 */
#pragma once

#include "domain_xmlopt.h"
#include "virerror.h"
#include "virlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static virDomainXMLOption *xmlopt;

static void
vxlFuzzQuiet(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}

int
LLVMFuzzerInitialize(int *argc G_GNUC_UNUSED, char ***argv G_GNUC_UNUSED)
{
    if (virErrorInitialize() < 0)
        abort();
    virSetErrorFunc(NULL, vxlFuzzQuiet);
    virLogSetDefaultPriority(VIR_LOG_ERROR);
    if (!(xmlopt = vxlDomainXMLOptionNew()))
        abort();
    return 0;
}
