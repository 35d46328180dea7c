/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The cache section (HOSTCAPS_SECTION_CACHE): the host's cache banks of
 * every level and type, from sys/devices/system/cpu/cpuN/cache/indexK.
 *
 * A bank is one physical cache: the L3 of a socket, of a die or of an AMD
 * CCX, the L2 of a core or of a cluster of cores, the L1 data or instruction
 * cache of a core. Banks are ordered as libvirt orders them: by level, then
 * id, then type (data before code). Their CPU lists name online CPUs only;
 * a bank whose CPUs are all offline is not listed (the kernel shows it
 * nowhere). A host whose kernel exposes no cache information has zero banks.
 *
 * Bank ids are the kernel's cache ids (indexK/id, since Linux 4.10: unique
 * within a level, not necessarily contiguous). Where a tree has no id files,
 * the banks of each level and type are numbered 0, 1, ... in the order of
 * their first CPU; hostcaps_cache_bank_id_derived() tells which.
 *
 * From a loaded capabilities document (hostcaps_node_open_document()), the
 * banks are the document's <cache><bank>s (libvirt's documents list level 3
 * and up only) with their id, level, type, size and CPUs. A document does
 * not hold line sizes and ways (0: unknown) nor whether an id was derived
 * (false here; JSON writes null). A document without <cache> has no cache
 * section ("not in the loaded document").
 *
 * Required and optional values (the read policy): a bank's level, type and
 * CPUs are required: a malformed one fails the section, naming file and
 * value (a leaf without level or CPU files is not a bank; one without a
 * type is unified). Its id, size, line size and ways are optional: a
 * missing file makes the value unknown, a malformed one too, with a reason
 * (hostcaps_cache_unknown_reason()); an unknown id is numbered as above. A
 * bank whose kernel CPU set is empty (an empty shared_cpu_list, an all-zero
 * shared_cpu_map of old ia64 kernels) is shared by the CPU's core (its
 * thread siblings), as hwloc reads it. */
typedef struct hostcaps_cache hostcaps_cache;

typedef enum hostcaps_cache_type {
        HOSTCAPS_CACHE_UNIFIED = 0,     /* instructions and data; libvirt's "both" */
        HOSTCAPS_CACHE_INSTRUCTION = 1, /* libvirt's "code" */
        HOSTCAPS_CACHE_DATA = 2,        /* libvirt's "data" */
} hostcaps_cache_type;

/* libvirt's name of a cache type: "both", "code", "data"; NULL for anything else. */
HOSTCAPS_EXPORT const char *hostcaps_cache_type_to_string(hostcaps_cache_type type);

/* A new reference to the node's cache object, probed if needed. */
HOSTCAPS_EXPORT int hostcaps_node_get_cache(hostcaps_node *node, unsigned int flags, hostcaps_cache **ret);
HOSTCAPS_EXPORT hostcaps_cache *hostcaps_cache_ref(hostcaps_cache *cache);
HOSTCAPS_EXPORT hostcaps_cache *hostcaps_cache_unref(hostcaps_cache *cache);
/* Why the section is absent (present and empty: "resctrl not mounted",
 * "not in the loaded document"), or NULL when it is present. */
HOSTCAPS_EXPORT const char *hostcaps_cache_absent_reason(const hostcaps_cache *cache);
/* The read policy: how many optional values of this object are unknown
 * because their file was unreadable or malformed, and why ("FILE: what was
 * wrong"; NULL past the last). A missing optional file is simply unknown. */
HOSTCAPS_EXPORT size_t hostcaps_cache_n_unknown(const hostcaps_cache *cache);
HOSTCAPS_EXPORT const char *hostcaps_cache_unknown_reason(const hostcaps_cache *cache, size_t i);

/* Banks, i from 0 to hostcaps_cache_n_banks() - 1. The accessors below that
 * return a value, not an int, cannot carry an errno (common.h): given an
 * index out of range (or a NULL cache) they return 0 (false, UNIFIED), or NULL
 * for the CPU list; a caller bounds i by hostcaps_cache_n_banks().
 * hostcaps_cache_bank_cpuset() follows the int convention: -EINVAL there. */
HOSTCAPS_EXPORT size_t hostcaps_cache_n_banks(const hostcaps_cache *cache);
HOSTCAPS_EXPORT unsigned int hostcaps_cache_bank_id(const hostcaps_cache *cache, size_t i);
/* True when the tree had no id file for this bank's level and type and the
 * id was numbered by first CPU. */
HOSTCAPS_EXPORT bool hostcaps_cache_bank_id_derived(const hostcaps_cache *cache, size_t i);
/* 1 for L1, 2 for L2, ... */
HOSTCAPS_EXPORT unsigned int hostcaps_cache_bank_level(const hostcaps_cache *cache, size_t i);
HOSTCAPS_EXPORT hostcaps_cache_type hostcaps_cache_bank_type(const hostcaps_cache *cache, size_t i);
/* Size in bytes; 0 when unknown (JSON: null). */
HOSTCAPS_EXPORT uint64_t hostcaps_cache_bank_size(const hostcaps_cache *cache, size_t i);
/* Coherency line size in bytes; 0 when unknown. */
HOSTCAPS_EXPORT unsigned int hostcaps_cache_bank_line_size(const hostcaps_cache *cache, size_t i);
/* Ways of associativity as the kernel reports them; 0 when unknown (some
 * architectures also report 0 for a fully associative cache). */
HOSTCAPS_EXPORT unsigned int hostcaps_cache_bank_ways(const hostcaps_cache *cache, size_t i);
/* The online CPUs sharing the bank, as a kernel CPU list ("0-5,12-17"). */
HOSTCAPS_EXPORT const char *hostcaps_cache_bank_cpus(const hostcaps_cache *cache, size_t i);
/* The same as a new set, the caller's to free; -EINVAL for a NULL cache or
 * ret or an index out of range. */
HOSTCAPS_EXPORT int hostcaps_cache_bank_cpuset(const hostcaps_cache *cache, size_t i, hostcaps_cpuset **ret);

#ifdef __cplusplus
}
#endif
