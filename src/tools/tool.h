/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tool.h: the offline tool's commands.
 *
 * `virtxl` needs no daemon and no hypervisor: it links the same layers
 * the driver runs (translate, native, caps) and works on files. Each
 * command lives in its own tool_<group>.c and is listed once in
 * virtxl.c's table.
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"

typedef struct _vxlToolCommand {
    const char *name;
    const char *args;              /* usage, e.g. "FILE.xml" */
    const char *help;              /* one line */
    int (*run)(int argc, char **argv); /* argv[0] is the command name;
                                          returns the exit status */
} vxlToolCommand;

/* Shared helpers (virtxl.c). */
virDomainXMLOption *vxlToolXMLOption(void);
/* Print the last libvirt error as "virtxl: <code name>: <message>". */
void vxlToolReportError(const char *context);

/* tool_translate.c */
int vxlToolXML2JSON(int argc, char **argv);

/* tool_caps.c */
int vxlToolCaps(int argc, char **argv);
int vxlToolDomCaps(int argc, char **argv);
int vxlToolHostProfile(int argc, char **argv);

/* tool_convert.c */
int vxlToolXL2XML(int argc, char **argv);
int vxlToolXML2XL(int argc, char **argv);
int vxlToolXML2XML(int argc, char **argv);
int vxlToolConvertDir(int argc, char **argv);
