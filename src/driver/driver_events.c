/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_events.c: domain event registration, both the legacy lifecycle
 * callback API and the per-event-ID one.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlConnectDomainEventRegister(virConnectPtr conn,
                              virConnectDomainEventCallback callback,
                              void *opaque, virFreeCallback freecb)
{
    if (virConnectDomainEventRegisterEnsureACL(conn) < 0)
        return -1;
    if (virDomainEventStateRegister(conn, vxl_driver->domainEventState,
                                    callback, opaque, freecb) < 0)
        return -1;
    return 0;
}

int
vxlConnectDomainEventDeregister(virConnectPtr conn,
                                virConnectDomainEventCallback callback)
{
    if (virConnectDomainEventDeregisterEnsureACL(conn) < 0)
        return -1;
    if (virDomainEventStateDeregister(conn, vxl_driver->domainEventState,
                                      callback) < 0)
        return -1;
    return 0;
}

int
vxlConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom,
                                 int eventID,
                                 virConnectDomainEventGenericCallback callback,
                                 void *opaque, virFreeCallback freecb)
{
    int id;

    if (virConnectDomainEventRegisterAnyEnsureACL(conn) < 0)
        return -1;
    if (virDomainEventStateRegisterID(conn, vxl_driver->domainEventState,
                                      dom, eventID, callback, opaque,
                                      freecb, &id) < 0)
        return -1;
    return id;
}

int
vxlConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    if (virConnectDomainEventDeregisterAnyEnsureACL(conn) < 0)
        return -1;
    if (virObjectEventStateDeregisterID(conn, vxl_driver->domainEventState,
                                        callbackID, true) < 0)
        return -1;
    return 0;
}
