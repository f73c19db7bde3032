/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host_profile.h: host profiles (capabilities/<name>.json,
 * docs/host-profiles.md) loaded into vxlHostFacts, for the simulator, the
 * offline tool and the capability tests alike.
 */
#pragma once

#include "vxl_internal.h"
#include "virtxl/backend.h"

/* The profile the simulator runs on when libxl.conf names none. */
#define VXL_SIM_DEFAULT_PROFILE "intel-2s-vtd"

/* @spec is a path to a .json file or the bare name of a shipped profile
 * (NULL or empty: the default). Returns the path to load, or NULL with
 * an error naming every place that was tried. */
char *vxlHostProfileResolve(const char *spec);

/* Load the profile at @path into @facts (cleared first); strict: an
 * unknown key, wrong type or inconsistent fact is VIR_ERR_CONF_SYNTAX
 * naming the file and the field. */
int vxlHostProfileLoad(const char *path, vxlHostFacts *facts);
