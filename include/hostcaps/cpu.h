/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The host CPU section (HOSTCAPS_SECTION_CPU): identity, features, topology
 * counts, page sizes. */
typedef struct hostcaps_cpu hostcaps_cpu;

/* A new reference to the node's CPU object, probed if needed. */
HOSTCAPS_EXPORT int hostcaps_node_get_cpu(hostcaps_node *node, unsigned int flags, hostcaps_cpu **ret);
HOSTCAPS_EXPORT hostcaps_cpu *hostcaps_cpu_ref(hostcaps_cpu *cpu);
HOSTCAPS_EXPORT hostcaps_cpu *hostcaps_cpu_unref(hostcaps_cpu *cpu);
/* Why the section is absent (present and empty: "resctrl not mounted",
 * "not in the loaded document"), or NULL when it is present. */
HOSTCAPS_EXPORT const char *hostcaps_cpu_absent_reason(const hostcaps_cpu *cpu);
/* The read policy: how many optional values of this object are unknown
 * because their file was unreadable or malformed, and why ("FILE: what was
 * wrong"; NULL past the last). A missing optional file is simply unknown. */
HOSTCAPS_EXPORT size_t hostcaps_cpu_n_unknown(const hostcaps_cpu *cpu);
HOSTCAPS_EXPORT const char *hostcaps_cpu_unknown_reason(const hostcaps_cpu *cpu, size_t i);

/* "x86_64", "aarch64", "ppc64", "s390x", ... */
HOSTCAPS_EXPORT const char *hostcaps_cpu_arch(const hostcaps_cpu *cpu);
/* Vendor as libvirt spells it ("Intel", "AMD", "Hygon", "IBM", "ARM", ...);
 * NULL when unknown. */
HOSTCAPS_EXPORT const char *hostcaps_cpu_vendor(const hostcaps_cpu *cpu);
/* The raw vendor identification ("GenuineIntel", "AuthenticAMD", ...); NULL when unknown. */
HOSTCAPS_EXPORT const char *hostcaps_cpu_vendor_id(const hostcaps_cpu *cpu);
/* Brand / model name string; NULL when unknown. */
HOSTCAPS_EXPORT const char *hostcaps_cpu_brand(const hostcaps_cpu *cpu);
/* libvirt's CPU model name, chosen from the cpu_map of the libvirt installed
 * on this machine as libvirt chooses it (x86: CPUID against the models;
 * ARM: MIDR implementer and part; POWER: PVR); NULL when there is none. */
HOSTCAPS_EXPORT const char *hostcaps_cpu_model(const hostcaps_cpu *cpu);
/* Why there is no model ("libvirt's cpu_map is not installed (...)", a
 * malformed map file, no model fits); NULL when there is one. */
HOSTCAPS_EXPORT const char *hostcaps_cpu_model_reason(const hostcaps_cpu *cpu);
/* Which libvirt version's decoding rules read the x86 cpu_map, told from the
 * map's own content: "libvirt 9.0-10.x" or "libvirt 11.x" (see docs/cpu.md),
 * whether or not a model fitted; NULL when no x86 map was used (no map
 * installed, another architecture, a loaded document). JSON: "model_rules". */
HOSTCAPS_EXPORT const char *hostcaps_cpu_model_rules(const hostcaps_cpu *cpu);

/* x86 signature as libvirt computes it (family and model include the
 * extended fields). Returns false where the architecture has none. */
HOSTCAPS_EXPORT bool hostcaps_cpu_signature(const hostcaps_cpu *cpu, unsigned int *ret_family,
                                            unsigned int *ret_model, unsigned int *ret_stepping);
/* Microcode revision; false when unknown (no microcode file, or one the
 * read policy refused: see hostcaps_cpu_unknown_reason()). */
HOSTCAPS_EXPORT bool hostcaps_cpu_microcode(const hostcaps_cpu *cpu, uint64_t *ret);
/* Frequency in Hz of an invariant TSC, as CPUID states it; 0 when the TSC is
 * not invariant or CPUID does not state its frequency. */
HOSTCAPS_EXPORT uint64_t hostcaps_cpu_tsc_frequency(const hostcaps_cpu *cpu);
/* Whether the hardware can scale the TSC for guests: 1 yes, 0 no, -1 unknown
 * (or no TSC frequency). A tri-state, not an errno (kept for the ABI): the
 * call below says the same in the common convention. */
HOSTCAPS_EXPORT int hostcaps_cpu_tsc_scaling(const hostcaps_cpu *cpu);
/* The same as 0 with *ret (optional) true or false; -ENODATA when unknown,
 * -EINVAL for a NULL cpu. */
HOSTCAPS_EXPORT int hostcaps_cpu_tsc_scaling_get(const hostcaps_cpu *cpu, bool *ret);
/* Maximum physical address bits; 0 when unknown. */
HOSTCAPS_EXPORT unsigned int hostcaps_cpu_phys_addr_bits(const hostcaps_cpu *cpu);

/* Topology, counted from sysfs over the online CPUs: the whole host has
 * sockets * dies * clusters * cores * threads logical CPUs when the topology
 * is uniform. dies are per socket, clusters per die, cores per cluster,
 * threads per core (the largest seen). Unlike libvirt, whose counts are per
 * NUMA node, these are true host counts. */
typedef struct hostcaps_cpu_topology {
        unsigned int sockets;
        unsigned int dies;
        unsigned int clusters;
        unsigned int cores;
        unsigned int threads;
        unsigned int online_cpus;   /* logical CPUs online */
        unsigned int possible_cpus; /* logical CPUs the kernel can bring online */
} hostcaps_cpu_topology;
/* Fill *ret (all zero for a NULL cpu). The struct is frozen as it is, for
 * the programs built with it: it never grows; a count added later comes
 * through hostcaps_cpu_topology_count() only. */
HOSTCAPS_EXPORT void hostcaps_cpu_topology_get(const hostcaps_cpu *cpu, hostcaps_cpu_topology *ret);

/* The counts one by one, as above: the ABI-safe way, since a new count is a
 * new enum value, which a library that does not know it refuses. */
typedef enum hostcaps_cpu_count {
        HOSTCAPS_CPU_SOCKETS = 0,
        HOSTCAPS_CPU_DIES = 1,
        HOSTCAPS_CPU_CLUSTERS = 2,
        HOSTCAPS_CPU_CORES = 3,
        HOSTCAPS_CPU_THREADS = 4,
        HOSTCAPS_CPU_ONLINE_CPUS = 5,
        HOSTCAPS_CPU_POSSIBLE_CPUS = 6,
} hostcaps_cpu_count;
/* The count (>= 0), or -EINVAL for a NULL cpu or a count this library does
 * not know. */
HOSTCAPS_EXPORT int hostcaps_cpu_topology_count(const hostcaps_cpu *cpu, hostcaps_cpu_count what);

/* Features, named as libvirt names them, in the order libvirt lists them:
 * with a model, those beyond the model (libvirt's <feature> list); without
 * one, every feature. */
HOSTCAPS_EXPORT size_t hostcaps_cpu_n_features(const hostcaps_cpu *cpu);
HOSTCAPS_EXPORT const char *hostcaps_cpu_feature(const hostcaps_cpu *cpu, size_t i);
/* Every feature of the CPU, the model's included. */
HOSTCAPS_EXPORT size_t hostcaps_cpu_n_all_features(const hostcaps_cpu *cpu);
HOSTCAPS_EXPORT const char *hostcaps_cpu_all_feature(const hostcaps_cpu *cpu, size_t i);
/* Whether the CPU has a feature, the model's included. `name` may be
 * libvirt's name or the kernel's (/proc/cpuinfo flags), whichever spelling
 * the features were named in (hostcaps_cpu_feature_source()): "sse4_2" finds
 * libvirt's "sse4.2" and "sse4.2" the kernel's "sse4_2". x86 names that
 * differ (libvirt / kernel): sse4.1 / sse4_1, sse4.2 / sse4_2, pclmuldq /
 * pclmulqdq, ds / dts, tsc-deadline / tsc_deadline_timer, cr8legacy /
 * cr8_legacy, avx512vbmi2 / avx512_vbmi2, avx512vnni / avx512_vnni,
 * avx512bitalg / avx512_bitalg, sha-ni / sha_ni; and every libvirt name with
 * '-' where the kernel has '_' (avx512-bf16 / avx512_bf16, md-clear /
 * md_clear, amx-tile / amx_tile, ...). Names spelled alike (lahf_lm, pni,
 * cx16, ...) need no alias. The lists above keep libvirt's names. */
HOSTCAPS_EXPORT bool hostcaps_cpu_has_feature(const hostcaps_cpu *cpu, const char *name);
/* Where the feature names came from: "cpu_map" (libvirt's installed map),
 * "builtin" (hostcaps' own table), "cpuinfo" (/proc/cpuinfo flags). */
HOSTCAPS_EXPORT const char *hostcaps_cpu_feature_source(const hostcaps_cpu *cpu);

/* Page sizes in KiB, ascending, each once: the base page size then the
 * hugepage sizes. The base page alone when the hugepage directory could
 * not be read (the reason is a hostcaps_cpu_unknown_reason()). */
HOSTCAPS_EXPORT size_t hostcaps_cpu_n_page_sizes(const hostcaps_cpu *cpu);
HOSTCAPS_EXPORT uint64_t hostcaps_cpu_page_size(const hostcaps_cpu *cpu, size_t i);

/* Hybrid core kinds ("core", "atom"), from /sys/devices/cpu_core, cpu_atom.
 * Zero kinds on a non-hybrid host, and when a kind's CPU list could not be
 * read (then with a hostcaps_cpu_unknown_reason(); JSON says null). */
HOSTCAPS_EXPORT size_t hostcaps_cpu_n_core_kinds(const hostcaps_cpu *cpu);
HOSTCAPS_EXPORT const char *hostcaps_cpu_core_kind_name(const hostcaps_cpu *cpu, size_t i);
/* The kind's CPUs as a kernel CPU list ("0-7,16"). */
HOSTCAPS_EXPORT const char *hostcaps_cpu_core_kind_cpus(const hostcaps_cpu *cpu, size_t i);
/* The same as a new set, the caller's to free (hostcaps_cpuset_free()); -EINVAL
 * for a NULL cpu or ret or an index out of range. */
HOSTCAPS_EXPORT int hostcaps_cpu_core_kind_cpuset(const hostcaps_cpu *cpu, size_t i, hostcaps_cpuset **ret);

#ifdef __cplusplus
}
#endif
