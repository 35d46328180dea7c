/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/cpuset.h>
#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The isolation section (HOSTCAPS_SECTION_ISOLATION): which CPUs the
 * kernel keeps apart (isolcpus=, nohz_full=), whether SMT is on and may be
 * switched, and the kernel's report on CPU vulnerabilities: what a
 * scheduler reads to decide whether SMT siblings may be shared between
 * tenants. Its own section, so that a caller asking for the CPU pays
 * nothing for it. libvirt's XML has no place for it: it is in JSON, text
 * and here only, and a loaded capabilities document gives it absent. */
typedef struct hostcaps_isolation hostcaps_isolation;

HOSTCAPS_EXPORT int hostcaps_node_get_isolation(hostcaps_node *node, unsigned int flags,
                                                hostcaps_isolation **ret);
HOSTCAPS_EXPORT hostcaps_isolation *hostcaps_isolation_ref(hostcaps_isolation *isolation);
HOSTCAPS_EXPORT hostcaps_isolation *hostcaps_isolation_unref(hostcaps_isolation *isolation);
/* Why the section is absent ("libvirt's capabilities document has no place
 * for it"), or NULL when it is present. */
HOSTCAPS_EXPORT const char *hostcaps_isolation_absent_reason(const hostcaps_isolation *isolation);
/* The read policy: how many optional values are unknown because their file
 * was unreadable or malformed, and why. A missing file is simply unknown. */
HOSTCAPS_EXPORT size_t hostcaps_isolation_n_unknown(const hostcaps_isolation *isolation);
HOSTCAPS_EXPORT const char *hostcaps_isolation_unknown_reason(const hostcaps_isolation *isolation, size_t i);

/* CPUs isolated from the scheduler's balancing (isolcpus=, from
 * /sys/devices/system/cpu/isolated), as a kernel CPU list, "" for none;
 * NULL when not known. */
HOSTCAPS_EXPORT const char *hostcaps_isolation_isolated_cpus(const hostcaps_isolation *isolation);
/* Adaptive-tick CPUs (nohz_full=, /sys/devices/system/cpu/nohz_full), ""
 * for none; NULL when not known (a kernel built without NO_HZ_FULL has no
 * such file). */
HOSTCAPS_EXPORT const char *hostcaps_isolation_nohz_full_cpus(const hostcaps_isolation *isolation);
/* The same as new sets, the caller's to free; -ENODATA when not known. */
HOSTCAPS_EXPORT int hostcaps_isolation_isolated_cpuset(const hostcaps_isolation *isolation,
                                                       hostcaps_cpuset **ret);
HOSTCAPS_EXPORT int hostcaps_isolation_nohz_full_cpuset(const hostcaps_isolation *isolation,
                                                        hostcaps_cpuset **ret);

/* SMT control as the kernel words it (/sys/devices/system/cpu/smt/control,
 * since 4.19): "on", "off", "forceoff", "notsupported", "notimplemented",
 * or a thread count (since 6.6); NULL when not known. */
HOSTCAPS_EXPORT const char *hostcaps_isolation_smt_control(const hostcaps_isolation *isolation);
/* Whether SMT siblings are running (smt/active): 0 and *ret, -ENODATA when
 * not known. */
HOSTCAPS_EXPORT int hostcaps_isolation_smt_active(const hostcaps_isolation *isolation, bool *ret);

/* What the kernel says of a CPU vulnerability, parsed from its words
 * (Documentation/ABI/testing/sysfs-devices-system-cpu, admin-guide/hw-vuln):
 * "Not affected", "Vulnerable...", "Mitigation: ...", "Unknown: ..."
 * (also behind a "KVM: " prefix, and "Processor vulnerable"). */
typedef enum hostcaps_vulnerability_state {
        HOSTCAPS_VULNERABILITY_UNKNOWN = 0,  /* "Unknown: ...", or words hostcaps does not know */
        HOSTCAPS_VULNERABILITY_AFFECTED,     /* "Vulnerable...": affected, not mitigated */
        HOSTCAPS_VULNERABILITY_MITIGATED,    /* "Mitigation: ..." */
        HOSTCAPS_VULNERABILITY_NOT_AFFECTED, /* "Not affected" */
} hostcaps_vulnerability_state;

/* 0, or -ENODATA when the vulnerabilities are not known (no
 * /sys/devices/system/cpu/vulnerabilities, before 4.15, or it could not be
 * listed). */
HOSTCAPS_EXPORT int hostcaps_isolation_vulnerabilities_known(const hostcaps_isolation *isolation);
/* The vulnerabilities, sorted by name. */
HOSTCAPS_EXPORT size_t hostcaps_isolation_n_vulnerabilities(const hostcaps_isolation *isolation);
/* "spectre_v2", "mds", ... (the file's name). */
HOSTCAPS_EXPORT const char *hostcaps_isolation_vulnerability_name(const hostcaps_isolation *isolation,
                                                                  size_t i);
/* The kernel's words ("Mitigation: Clear CPU buffers; SMT vulnerable"); NULL
 * when the file could not be read (then the state is UNKNOWN and a reason
 * says why). */
HOSTCAPS_EXPORT const char *hostcaps_isolation_vulnerability_text(const hostcaps_isolation *isolation,
                                                                  size_t i);
HOSTCAPS_EXPORT hostcaps_vulnerability_state
hostcaps_isolation_vulnerability_state(const hostcaps_isolation *isolation, size_t i);
/* Whether the kernel says SMT siblings stay exposed ("SMT vulnerable", "SMT
 * Host state unknown"): siblings should not be shared between tenants. */
HOSTCAPS_EXPORT bool hostcaps_isolation_vulnerability_smt_vulnerable(const hostcaps_isolation *isolation,
                                                                     size_t i);
/* The index of a vulnerability by name, -ENOENT when the kernel lists none
 * of that name, -EINVAL for NULL arguments. */
HOSTCAPS_EXPORT int hostcaps_isolation_vulnerability_index(const hostcaps_isolation *isolation,
                                                           const char *name);
/* "affected", "mitigated", "not_affected", "unknown" (JSON's words). */
HOSTCAPS_EXPORT const char *hostcaps_vulnerability_state_to_string(hostcaps_vulnerability_state state);

#ifdef __cplusplus
}
#endif
