/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native.h: xl.cfg <-> domain XML.
 *
 * Reading: Xen's own libxlutil parses the file (xlu_cfg_*), and its spec
 * parsers read disk and PCI strings, so every spelling xl accepts is
 * accepted. Each key is then converted to domain XML, which libvirt
 * parses with the driver's parser config: post-parse defaults and the
 * driver's validation apply exactly as for a define.
 *
 * Writing: the virDomainDef is formatted as xl.cfg in one canonical
 * spelling, refusing with VIR_ERR_CONFIG_UNSUPPORTED anything xl.cfg
 * cannot express.
 *
 * Nothing is dropped silently: a key that domain XML cannot express is
 * reported as a warning naming the file, line and key
 * (docs/xl-cfg-keys.md lists every key and what becomes of it).
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"

typedef enum {
    VXL_NATIVE_FORMAT_XL,   /* "xen-xl": xl.cfg(5) */
    VXL_NATIVE_FORMAT_XM,   /* "xen-xm": xm's older python-like files,
                               which xl reads with the same grammar */

    VXL_NATIVE_FORMAT_LAST
} vxlNativeFormat;

/* The format named @name ("xen-xl", "xen-xm"), or -1 with
 * VIR_ERR_INVALID_ARG reported naming it. */
int vxlNativeFormatFromString(const char *name);

/*
 * Parse @len bytes of @data (an xl.cfg) into a domain definition.
 * @source names the file in messages. Each key that is dropped is
 * appended to @warnings (when not NULL) as "SOURCE:LINE: key: reason".
 * Returns NULL with an error reported (naming file, line and key where
 * one is at fault); no definition is returned partially.
 */
virDomainDef *vxlNativeParseXL(const char *data, size_t len,
                               const char *source,
                               virDomainXMLOption *xmlopt,
                               GPtrArray *warnings);

/* The same, in domain XML text as libvirt formats it (inactive). */
char *vxlNativeXLToXML(const char *data, size_t len, const char *source,
                       virDomainXMLOption *xmlopt, GPtrArray *warnings);

/*
 * Format @def as xl.cfg text. Refuses, with VIR_ERR_CONFIG_UNSUPPORTED
 * naming the element, what xl.cfg cannot express.
 */
char *vxlNativeFormatXL(const virDomainDef *def);

/* Parse domain XML with @xmlopt and format it as xl.cfg. */
char *vxlNativeXMLToXL(const char *xml, virDomainXMLOption *xmlopt);
