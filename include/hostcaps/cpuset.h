/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Sets of CPU (or NUMA node) ids, so that no consumer writes a parser of
 * the kernel's list format ("0-3,8-11") that hostcaps' accessors return.
 *
 *   hostcaps_cpuset *set = NULL;
 *   if (hostcaps_cpuset_from_list(hostcaps_numa_cell_cpus(numa, 0), &set) == 0) {
 *           for (int cpu = hostcaps_cpuset_next(set, -1); cpu >= 0; cpu = hostcaps_cpuset_next(set, cpu))
 *                   ...;
 *           hostcaps_cpuset_free(set);
 *   }
 *
 * Ids range from 0 to HOSTCAPS_CPUSET_MAX_ID. A set is a plain value owned
 * by its caller (not reference-counted, not shared between threads while
 * one of them changes it). */

#include <hostcaps/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest id a set holds: far above any kernel's NR_CPUS (8192). */
#define HOSTCAPS_CPUSET_MAX_ID 65535

typedef struct hostcaps_cpuset hostcaps_cpuset;

/* A new empty set. */
HOSTCAPS_EXPORT int hostcaps_cpuset_new(hostcaps_cpuset **ret);
/* The set of a list in the kernel's format ("0-3,8,10-11", "0-15:2" with a
 * stride; "" is empty); -EINVAL with a message for anything else, -ERANGE
 * for an id above HOSTCAPS_CPUSET_MAX_ID. */
HOSTCAPS_EXPORT int hostcaps_cpuset_from_list(const char *list, hostcaps_cpuset **ret);
/* NULL-safe; returns NULL. */
HOSTCAPS_EXPORT hostcaps_cpuset *hostcaps_cpuset_free(hostcaps_cpuset *set);
HOSTCAPS_EXPORT int hostcaps_cpuset_dup(const hostcaps_cpuset *set, hostcaps_cpuset **ret);

/* 0, -ERANGE above HOSTCAPS_CPUSET_MAX_ID, -ENOMEM. */
HOSTCAPS_EXPORT int hostcaps_cpuset_add(hostcaps_cpuset *set, unsigned int id);
HOSTCAPS_EXPORT void hostcaps_cpuset_remove(hostcaps_cpuset *set, unsigned int id);
HOSTCAPS_EXPORT bool hostcaps_cpuset_contains(const hostcaps_cpuset *set, unsigned int id);
HOSTCAPS_EXPORT size_t hostcaps_cpuset_count(const hostcaps_cpuset *set);
/* The smallest member above `prev` (-1: the first), or -1 past the last. */
HOSTCAPS_EXPORT int hostcaps_cpuset_next(const hostcaps_cpuset *set, int prev);
/* a &= b; a |= b (0 or -ENOMEM). */
HOSTCAPS_EXPORT void hostcaps_cpuset_intersect(hostcaps_cpuset *a, const hostcaps_cpuset *b);
HOSTCAPS_EXPORT int hostcaps_cpuset_union(hostcaps_cpuset *a, const hostcaps_cpuset *b);
/* The list in the kernel's format, malloc()ed ("" when empty); NULL on ENOMEM. */
HOSTCAPS_EXPORT char *hostcaps_cpuset_to_list(const hostcaps_cpuset *set);
/* Fill a cpu_set_t (`mask`, of `setsize` bytes: sizeof(cpu_set_t), or
 * CPU_ALLOC_SIZE(n) for a dynamic one) for sched_setaffinity(); -ERANGE (and
 * nothing written) when a member does not fit. The mask is a void pointer
 * so that this header needs no _GNU_SOURCE: pass a cpu_set_t *. */
HOSTCAPS_EXPORT int hostcaps_cpuset_to_cpu_set(const hostcaps_cpuset *set, void *mask, size_t setsize);

#ifdef __cplusplus
}
#endif
