/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The host section's object and the pieces it is made of: the probe
 * (probe.c), the object, its formatting and accessors (hostinfo.c), and
 * loading from a saved document (load.c). */

#include "host/section.h"
#include "hostcaps/host.h"

struct hostcaps_host {
        hostcaps_object obj;
        char *uuid;
        const char *uuid_source;
        unsigned int pm;
        bool pm_unknown;
        int iommu; /* 1 yes, 0 no, -1 unknown */
};

typedef struct hostcaps_pm_target {
        unsigned int flag; /* HOSTCAPS_PM_* */
        const char *name;  /* libvirt's element name */
} hostcaps_pm_target;

#define HOSTCAPS_N_PM_TARGETS 3
extern const hostcaps_pm_target hostcaps_pm_targets[HOSTCAPS_N_PM_TARGETS];

/* 32 hex digits, with or without dashes, as a lower-case 8-4-4-4-12 UUID.
 * All-zero and all-ones (firmware placeholders) are rejected. 1 and the UUID,
 * 0 for a value that is no UUID, -ENOMEM (which is not "no UUID": the next
 * source must not be tried instead). */
int hostcaps_host_uuid_normalize(const char *s, char **ret);

/* probe.c: the section's probe. */
int hostcaps_host_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret);
/* load.c: the section from a saved document (its from_xml). */
int hostcaps_host_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret);
