/*
 * caps.h: host facts -> libvirt <capabilities>.
 *
 * A pure function of vxlHostFacts: the same facts give the same answer,
 * whether they came from real Xen or from a simulator host profile.
 */
#pragma once

#include "vxl_internal.h"
#include "capabilities.h"
#include "virtxl/backend.h"

virCaps *vxlCapsBuildHost(const vxlHostFacts *facts);
