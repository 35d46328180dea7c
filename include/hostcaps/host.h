/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The host section (HOSTCAPS_SECTION_HOST): identity and platform support. */
typedef struct hostcaps_host hostcaps_host;

HOSTCAPS_EXPORT int hostcaps_node_get_host(hostcaps_node *node, unsigned int flags, hostcaps_host **ret);
HOSTCAPS_EXPORT hostcaps_host *hostcaps_host_ref(hostcaps_host *host);
HOSTCAPS_EXPORT hostcaps_host *hostcaps_host_unref(hostcaps_host *host);
/* Why the section is absent (present and empty: "resctrl not mounted",
 * "not in the loaded document"), or NULL when it is present. */
HOSTCAPS_EXPORT const char *hostcaps_host_absent_reason(const hostcaps_host *host);
/* The read policy: how many optional values of this object are unknown
 * because their file was unreadable or malformed, and why ("FILE: what was
 * wrong"; NULL past the last). A missing optional file is simply unknown. */
HOSTCAPS_EXPORT size_t hostcaps_host_n_unknown(const hostcaps_host *host);
HOSTCAPS_EXPORT const char *hostcaps_host_unknown_reason(const hostcaps_host *host, size_t i);

/* The host UUID (lower case, 36 characters): DMI product_uuid, else derived
 * from /etc/machine-id; NULL when neither is readable. */
HOSTCAPS_EXPORT const char *hostcaps_host_uuid(const hostcaps_host *host);
/* "dmi", "machine-id", "document" (a loaded document) or NULL: where the UUID came from. */
HOSTCAPS_EXPORT const char *hostcaps_host_uuid_source(const hostcaps_host *host);

/* Power management targets, as libvirt names them. */
enum {
        HOSTCAPS_PM_SUSPEND_MEM = 1u << 0,    /* "mem" in /sys/power/state */
        HOSTCAPS_PM_SUSPEND_DISK = 1u << 1,   /* "disk" in /sys/power/state, a mode in /sys/power/disk */
        HOSTCAPS_PM_SUSPEND_HYBRID = 1u << 2, /* "suspend" among /sys/power/disk modes */
};
/* The targets (0: none, or unknown: see below). */
HOSTCAPS_EXPORT unsigned int hostcaps_host_power_management(const hostcaps_host *host);
/* False when the targets are unknown: /sys/power/state or /sys/power/disk
 * unreadable (the reason is a hostcaps_host_unknown_reason()), or a loaded
 * document without <power_management>. */
HOSTCAPS_EXPORT bool hostcaps_host_power_management_known(const hostcaps_host *host);

/* Whether the kernel has IOMMU groups (/sys/kernel/iommu_groups non-empty);
 * false when unknown too. */
HOSTCAPS_EXPORT bool hostcaps_host_iommu(const hostcaps_host *host);
/* The same, telling unknown apart: 1 yes, 0 no, -1 unknown (the directory
 * unreadable, or a loaded document without <iommu>). */
HOSTCAPS_EXPORT int hostcaps_host_iommu_support(const hostcaps_host *host);

#ifdef __cplusplus
}
#endif
