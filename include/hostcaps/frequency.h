/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include <hostcaps/cpuset.h>
#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The frequency section (HOSTCAPS_SECTION_FREQUENCY): the cpufreq policies
 * (frequency domains) with their minimum, maximum and base frequencies, the
 * per-CPU capacities the kernel gives (cpuN/cpu_capacity), and the kinds of
 * CPUs derived from them. Its own section, not the CPU section's: it reads a
 * few files per cpufreq policy and one per CPU where capacities exist, which
 * on a host with a policy per CPU (intel_pstate) costs several times what
 * the whole CPU section does. Intel hybrid kinds ("core", "atom") stay in
 * the CPU section (hostcaps_cpu_n_core_kinds()). libvirt's XML has no place
 * for any of it: JSON, text and here only; a loaded capabilities document
 * gives the section absent. */
typedef struct hostcaps_frequency hostcaps_frequency;

HOSTCAPS_EXPORT int hostcaps_node_get_frequency(hostcaps_node *node, unsigned int flags,
                                                hostcaps_frequency **ret);
HOSTCAPS_EXPORT hostcaps_frequency *hostcaps_frequency_ref(hostcaps_frequency *frequency);
HOSTCAPS_EXPORT hostcaps_frequency *hostcaps_frequency_unref(hostcaps_frequency *frequency);
/* Why the section is absent ("libvirt's capabilities document has no place
 * for it"), or NULL when it is present. */
HOSTCAPS_EXPORT const char *hostcaps_frequency_absent_reason(const hostcaps_frequency *frequency);
/* The read policy: how many optional values are unknown because their file
 * was unreadable or malformed, and why. A missing file is simply unknown. */
HOSTCAPS_EXPORT size_t hostcaps_frequency_n_unknown(const hostcaps_frequency *frequency);
HOSTCAPS_EXPORT const char *hostcaps_frequency_unknown_reason(const hostcaps_frequency *frequency, size_t i);

/* Kinds of CPUs, from the first source that tells them apart (hwloc's
 * order, after Intel's hybrid PMUs, which are the CPU section's):
 * cpuN/cpu_capacity ("capacity-N", N the capacity: ARM big.LITTLE, RISC-V,
 * recent x86 kernels), then cpufreq's maximum frequencies ("max-NkHz",
 * where every online CPU has one). Kinds come in ascending order of capacity
 * or frequency. Zero kinds on a homogeneous host, and when a file among
 * them could not be read (then with a hostcaps_frequency_unknown_reason();
 * JSON says null). */
HOSTCAPS_EXPORT size_t hostcaps_frequency_n_kinds(const hostcaps_frequency *frequency);
HOSTCAPS_EXPORT const char *hostcaps_frequency_kind_name(const hostcaps_frequency *frequency, size_t i);
/* The kind's CPUs as a kernel CPU list ("0-7,16"). */
HOSTCAPS_EXPORT const char *hostcaps_frequency_kind_cpus(const hostcaps_frequency *frequency, size_t i);
/* The same as a new set, the caller's to free (hostcaps_cpuset_free()); -EINVAL
 * for a NULL frequency or ret or an index out of range. */
HOSTCAPS_EXPORT int hostcaps_frequency_kind_cpuset(const hostcaps_frequency *frequency, size_t i,
                                                   hostcaps_cpuset **ret);
/* Where the kind comes from: "capacity" or "frequency". */
HOSTCAPS_EXPORT const char *hostcaps_frequency_kind_source(const hostcaps_frequency *frequency, size_t i);
/* The kind's cpu_capacity (1024 for the biggest CPUs); 0 when not known
 * (frequency kinds). */
HOSTCAPS_EXPORT uint64_t hostcaps_frequency_kind_capacity(const hostcaps_frequency *frequency, size_t i);
/* The maximum frequency in kHz all CPUs of the kind share; 0 when not known
 * or when they differ. */
HOSTCAPS_EXPORT uint64_t hostcaps_frequency_kind_max_frequency(const hostcaps_frequency *frequency, size_t i);

/* The capacity of an online CPU (cpuN/cpu_capacity, 1024 for the biggest):
 * 0, -EINVAL for a NULL frequency, -ENODATA when the kernel gives no
 * capacities or they could not be read, -ENOENT for a CPU without one
 * (offline, or no such CPU). */
HOSTCAPS_EXPORT int hostcaps_frequency_capacity_of(const hostcaps_frequency *frequency, unsigned int cpu_id,
                                                   uint64_t *ret);

/* Frequency domains: the cpufreq policies of the online CPUs, each a set of
 * CPUs sharing one clock, with its frequencies in kHz
 * (/sys/devices/system/cpu/cpufreq/policyN: cpuinfo_min_freq,
 * cpuinfo_max_freq, base_frequency). None without a cpufreq driver (most
 * virtual machines). hostcaps_frequency_known() is 0, -EINVAL for a NULL
 * frequency, or -ENODATA when the policies could not be read (a
 * hostcaps_frequency_unknown_reason() says why). */
typedef enum hostcaps_frequency_which {
        HOSTCAPS_FREQUENCY_MIN,  /* cpuinfo_min_freq: the lowest the hardware runs at */
        HOSTCAPS_FREQUENCY_MAX,  /* cpuinfo_max_freq: the highest, turbo included */
        HOSTCAPS_FREQUENCY_BASE, /* base_frequency: the guaranteed one (intel_pstate only) */
} hostcaps_frequency_which;
HOSTCAPS_EXPORT int hostcaps_frequency_known(const hostcaps_frequency *frequency);
HOSTCAPS_EXPORT size_t hostcaps_frequency_n_domains(const hostcaps_frequency *frequency);
/* The domain's CPUs as a kernel CPU list, NULL for an index out of range. */
HOSTCAPS_EXPORT const char *hostcaps_frequency_domain_cpus(const hostcaps_frequency *frequency, size_t i);
/* The same as a new set, the caller's to free; -EINVAL as for kinds. */
HOSTCAPS_EXPORT int hostcaps_frequency_domain_cpuset(const hostcaps_frequency *frequency, size_t i,
                                                     hostcaps_cpuset **ret);
/* A frequency of domain i in kHz: 0, -EINVAL for an index out of range or an
 * unknown `which`, -ENODATA when the kernel gives none or it was bad. */
HOSTCAPS_EXPORT int hostcaps_frequency_domain_get(const hostcaps_frequency *frequency, size_t i,
                                                  hostcaps_frequency_which which, uint64_t *ret_khz);
/* The index of the domain holding a CPU (per-CPU frequencies), -ENOENT when
 * no domain does. */
HOSTCAPS_EXPORT int hostcaps_frequency_domain_of(const hostcaps_frequency *frequency, unsigned int cpu_id);

#ifdef __cplusplus
}
#endif
