/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-xlcfg.c: libFuzzer target over the xl.cfg reader.
 *
 * Each input goes the whole from-native way, as `virsh domxml-from-native
 * xen-xl` and `virtxl xl2xml` take it: libxlutil's parse, our key scanner,
 * every key group into domain XML, and libvirt's parse of that XML with
 * the driver's own parser config (post-parse defaults and validation).
 * What converts is then written back as xl.cfg, so the formatter sees
 * every definition the reader can produce.
 *
 * Built with clang's -fsanitize=fuzzer,address only when clang's fuzzer
 * runtime is there (meson.build); run by check-fuzz.
 */
#include "vxl_internal.h"

#include <stdint.h>

#include "native.h"
#include "virerror.h"

#include "../fuzz-init.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    g_autofree char *cfg = NULL;

    xml = vxlNativeXLToXML((const char *)data, size, "fuzz.cfg", xmlopt,
                           warnings);
    if (xml)
        cfg = vxlNativeXMLToXL(xml, xmlopt);
    virResetLastError();
    return 0;
}
