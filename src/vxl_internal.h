/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vxl_internal.h: included first by every source file of the project.
 *
 * It pulls in libvirt's build configuration (so libvirt's private headers
 * compile exactly as they did for the installed libvirt.so) and our own,
 * then points gettext at the project's own message catalogue: libvirt's
 * _() would look our messages up in libvirt's domain and never find them.
 */
#pragma once

#include <config.h>
#include "vxl-config.h"

#include "internal.h"

#undef _
#define _(str) dgettext(VXL_GETTEXT_PACKAGE, str)

/* Only libxlRegister leaves the module; everything else is hidden by
 * -fvisibility=hidden. */
#define VXL_EXPORT __attribute__((visibility("default")))
