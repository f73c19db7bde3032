/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * caps.h: host facts -> libvirt <capabilities> and <domainCapabilities>.
 *
 * Pure functions of vxlHostFacts: the same facts give the same answer,
 * whether they came from real Xen (src/backend/libxl) or from a simulator
 * host profile (capabilities/<name>.json). No backend, no globals, no I/O.
 *
 * Every answer is a promise about the translators (src/translate): a value
 * advertised as supported is one a define accepts and a start builds; a
 * value absent or supported='no' is one a define refuses. tests/caps
 * checks the promise value by value (docs/capabilities.md).
 */
#pragma once

#include "vxl_internal.h"
#include "capabilities.h"
#include "domain_capabilities.h"
#include "virtxl/backend.h"

/* The device model libxl runs when the backend names none: Debian's
 * qemu-system-xen, the path Debian's libxenlight is built with. */
#define VXL_CAPS_DEFAULT_DEVICE_MODEL "/usr/libexec/xen-qemu-system-i386"

/* One (arch, machine) a host runs, with everything that follows from it.
 * Entries are listed in the order <capabilities> shows the guests. */
typedef struct _vxlCapsGuestKind {
    virArch arch;
    virDomainOSType ostype;        /* XEN (PV), HVM or XENPVH */
    const char *machine;           /* xenpv, xenfv, xenpvh (static) */
    unsigned int maxVcpus;         /* the host's limit for this type */
} vxlCapsGuestKind;

/* The firmware files of @facts->firmware, by what they are (NULL when the
 * host has none). Pointers into @facts. */
typedef struct _vxlCapsFirmware {
    const char *hvmloader;
    const char *seabios;
    const char *ovmf;
} vxlCapsFirmware;

void vxlCapsClassifyFirmware(const vxlHostFacts *facts, vxlCapsFirmware *fw);

/* The device model path (emulator) of @facts, never NULL. */
const char *vxlCapsDeviceModel(const vxlHostFacts *facts);

/* Every guest kind the host runs, in a new array of *@nkinds entries.
 * Never fails; a host that runs nothing gives an empty list. */
vxlCapsGuestKind *vxlCapsGuestKinds(const vxlHostFacts *facts, size_t *nkinds);

/* caps_host.c: <capabilities>. */
virCaps *vxlCapsBuildHost(const vxlHostFacts *facts);

/*
 * caps_domain.c: <domainCapabilities> for one combination. Each of
 * @emulator, @arch, @machine and @virttype may be NULL for the default
 * (the device model; the host's arch; the arch's first machine in
 * <capabilities> order, PV before HVM before PVH; xen). A value the host
 * does not offer is VIR_ERR_INVALID_ARG, naming it and what is available.
 */
virDomainCaps *vxlCapsBuildDomain(const vxlHostFacts *facts,
                                  const char *emulator, const char *arch,
                                  const char *machine, const char *virttype);
