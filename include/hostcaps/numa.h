/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The NUMA section (HOSTCAPS_SECTION_NUMA): the host's cells (NUMA nodes),
 * their total memory, the distances between them and their CPUs with the
 * CPUs' topology ids; beside it, which CPUs and nodes this process may use.
 *
 * Cells are the kernel's online nodes, in ascending id order; ids may be
 * sparse (0, 2, 5). A cell may have no CPUs (memory-only: CXL memory,
 * memory tiers, device memory) and even no memory. Cells list online CPUs
 * only: a CPU that is offline has no topology ids in sysfs, so it is never
 * shown with made-up ones; the offline CPUs are listed apart.
 *
 * Accessors take a cell index i (0 .. hostcaps_numa_n_cells() - 1), not a
 * node id; hostcaps_numa_cell_index() maps an id to its index. CPU lists are
 * strings in the kernel's list format ("0-3,8-11", "" for none) and belong to
 * the object; each has a typed twin, hostcaps_numa_*_cpuset(), giving a new
 * hostcaps_cpuset the caller frees (hostcaps_cpuset_free()), -ENODATA where
 * the list is NULL (not known). Calls returning int follow common.h: a value
 * >= 0 or a negative errno, -EINVAL for a NULL object or an index out of range.
 *
 * The memory section (hostcaps/memory.h) has the same cells at the same
 * indexes: both list the kernel's online nodes, ascending, read from the same
 * node list (and both have the one synthetic cell 0 without NUMA), so cell i
 * of one is cell i of the other, with the same node id, for two objects read
 * while the online nodes stayed the same. That does not hold across a node
 * hotplug between the two reads, nor where the memory section is absent (an
 * hwloc topology): hostcaps_memory_numa_cell_index() is the join that always
 * holds.
 *
 * From a loaded capabilities document (hostcaps_node_open_document()), the
 * cells, their memory, distances and CPU ids are what the document says;
 * it records neither offline CPUs nor a process view (NULL here).
 *
 * Memoization: the object is re-probed when the online CPUs or the online
 * nodes change, the host's total memory (memory hotplug), or this process's
 * cgroup cpuset; an affinity change made with sched_setaffinity() is seen at
 * the next request from the thread it was made on.
 */
typedef struct hostcaps_numa hostcaps_numa;

/* One online CPU of a cell, with its ids as sysfs gives them: socket is
 * physical_package_id, die die_id (0 before Linux 5.2), cluster cluster_id
 * (0 before 5.16, and where firmware says -1), core core_id. siblings are the
 * CPU's hardware threads (thread_siblings_list) that are online, itself
 * included, as a CPU list. */
typedef struct hostcaps_numa_cpu {
        unsigned int id;
        unsigned int socket;
        unsigned int die;
        unsigned int cluster;
        unsigned int core;
        const char *siblings;
} hostcaps_numa_cpu;

/* A new reference to the node's NUMA object, probed if needed. */
HOSTCAPS_EXPORT int hostcaps_node_get_numa(hostcaps_node *node, unsigned int flags, hostcaps_numa **ret);
HOSTCAPS_EXPORT hostcaps_numa *hostcaps_numa_ref(hostcaps_numa *numa);
HOSTCAPS_EXPORT hostcaps_numa *hostcaps_numa_unref(hostcaps_numa *numa);
/* Why the section is absent (present and empty: "resctrl not mounted",
 * "not in the loaded document"), or NULL when it is present. */
HOSTCAPS_EXPORT const char *hostcaps_numa_absent_reason(const hostcaps_numa *numa);
/* The read policy: how many optional values of this object are unknown
 * because their file was unreadable or malformed, and why ("FILE: what was
 * wrong"; NULL past the last). A missing optional file is simply unknown. */
HOSTCAPS_EXPORT size_t hostcaps_numa_n_unknown(const hostcaps_numa *numa);
HOSTCAPS_EXPORT const char *hostcaps_numa_unknown_reason(const hostcaps_numa *numa, size_t i);

/* True when the kernel has no NUMA support (no /sys/devices/system/node):
 * then, as libvirt does, one cell 0 stands for the whole host, holding every
 * online CPU and the memory of /proc/meminfo, with no distances. This is not
 * "absent": the host has memory and CPUs, and a placement decision over one
 * cell is still right. */
HOSTCAPS_EXPORT bool hostcaps_numa_is_synthetic(const hostcaps_numa *numa);

/* ---- cells ---- */

HOSTCAPS_EXPORT size_t hostcaps_numa_n_cells(const hostcaps_numa *numa);
/* The node id of cell i. */
HOSTCAPS_EXPORT int hostcaps_numa_cell_id(const hostcaps_numa *numa, size_t i);
/* The index of the cell with node id `id`; -ENOENT when there is none. */
HOSTCAPS_EXPORT int hostcaps_numa_cell_index(const hostcaps_numa *numa, unsigned int id);
/* Total memory of cell i in KiB (MemTotal of nodeN/meminfo); 0 for a node
 * without memory. -ENODATA when a recorded root has no meminfo for it. */
HOSTCAPS_EXPORT int hostcaps_numa_cell_memory(const hostcaps_numa *numa, size_t i, uint64_t *ret_kib);
/* The distance from cell i to cell j as the firmware's SLIT gives it (10
 * local; larger is farther; it may differ from j to i). -ENODATA when the
 * host gives no distances (a synthetic cell, a root without them). */
HOSTCAPS_EXPORT int hostcaps_numa_distance(const hostcaps_numa *numa, size_t i, size_t j);

/* The online CPUs of cell i, as a list, and one by one, ascending. */
HOSTCAPS_EXPORT const char *hostcaps_numa_cell_cpus(const hostcaps_numa *numa, size_t i);
HOSTCAPS_EXPORT size_t hostcaps_numa_cell_n_cpus(const hostcaps_numa *numa, size_t i);
/* The k-th online CPU of cell i; NULL out of range. */
HOSTCAPS_EXPORT const hostcaps_numa_cpu *hostcaps_numa_cell_cpu(const hostcaps_numa *numa, size_t i,
                                                                size_t k);
/* Offline CPUs the kernel places in cell i (nodeN/cpulist, or a cpuN/nodeM
 * link): on x86 an offline CPU leaves its node's list, and the link is what
 * is left. Ids only; "" when none; NULL when not known (a loaded document). */
HOSTCAPS_EXPORT const char *hostcaps_numa_cell_offline_cpus(const hostcaps_numa *numa, size_t i);
/* The index of the cell holding online CPU `cpu`; -ENOENT when none does. */
HOSTCAPS_EXPORT int hostcaps_numa_cell_of_cpu(const hostcaps_numa *numa, unsigned int cpu);

/* ---- the host's CPUs ---- */

/* All online CPUs. */
HOSTCAPS_EXPORT const char *hostcaps_numa_online_cpus(const hostcaps_numa *numa);
/* CPUs present but offline (cpu/present minus cpu/online): hotplugged out,
 * or SMT switched off. Not "possible" slots with no CPU behind them. NULL
 * when not known: a loaded capabilities document does not record them. */
HOSTCAPS_EXPORT const char *hostcaps_numa_offline_cpus(const hostcaps_numa *numa);

/* ---- this process's view ---- */

/* Cpus_allowed_list and Mems_allowed_list of /proc/self/status (in a
 * recorded root, its recorded copy): what the cgroup cpuset and the
 * affinity of this process (its main thread) allow, as the kernel lists it.
 * NULL when the root has no record of it. */
HOSTCAPS_EXPORT const char *hostcaps_numa_allowed_cpus(const hostcaps_numa *numa);
HOSTCAPS_EXPORT const char *hostcaps_numa_allowed_nodes(const hostcaps_numa *numa);
/* Whether this process may run on CPU `cpu` / allocate from cell i. Nothing
 * recorded restricts: true then (for an online CPU, an existing cell). */
HOSTCAPS_EXPORT bool hostcaps_numa_cpu_is_allowed(const hostcaps_numa *numa, unsigned int cpu);
HOSTCAPS_EXPORT bool hostcaps_numa_cell_is_allowed(const hostcaps_numa *numa, size_t i);
/* The online CPUs of cell i this process may run on, as a list, and their number. */
HOSTCAPS_EXPORT const char *hostcaps_numa_cell_allowed_cpus(const hostcaps_numa *numa, size_t i);
HOSTCAPS_EXPORT size_t hostcaps_numa_cell_n_allowed_cpus(const hostcaps_numa *numa, size_t i);

/* ---- the same lists as sets ----
 *
 * Each a new set of what the list call of the same name gives, the caller's
 * to free; -EINVAL for a NULL object or ret or a cell out of range, -ENODATA
 * where the list call gives NULL. hostcaps_numa_allowed_nodeset() holds
 * node ids. */
HOSTCAPS_EXPORT int hostcaps_numa_cell_cpuset(const hostcaps_numa *numa, size_t i, hostcaps_cpuset **ret);
HOSTCAPS_EXPORT int hostcaps_numa_cell_offline_cpuset(const hostcaps_numa *numa, size_t i,
                                                      hostcaps_cpuset **ret);
HOSTCAPS_EXPORT int hostcaps_numa_cell_allowed_cpuset(const hostcaps_numa *numa, size_t i,
                                                      hostcaps_cpuset **ret);
HOSTCAPS_EXPORT int hostcaps_numa_online_cpuset(const hostcaps_numa *numa, hostcaps_cpuset **ret);
HOSTCAPS_EXPORT int hostcaps_numa_offline_cpuset(const hostcaps_numa *numa, hostcaps_cpuset **ret);
HOSTCAPS_EXPORT int hostcaps_numa_allowed_cpuset(const hostcaps_numa *numa, hostcaps_cpuset **ret);
HOSTCAPS_EXPORT int hostcaps_numa_allowed_nodeset(const hostcaps_numa *numa, hostcaps_cpuset **ret);

/* ---- heterogeneous memory (ACPI HMAT) ----
 *
 * What the kernel exports of the firmware's HMAT (Linux 5.2+; the kernel's
 * admin-guide/mm/numaperf): for a cell holding memory (a "target"), per
 * access class N (nodeN/accessN: class 0 counts every initiator, devices
 * included; class 1, since 5.10, CPUs only), the cells whose initiators have
 * the best performance to it, and that performance; and the memory-side
 * caches in front of its memory. A host without HMAT has none of it: every
 * count below is 0. Each value is optional (common.h's read policy): one
 * that is unknown gives -ENODATA, 0 or NULL as said. libvirt's <interconnects>
 * shows access class 1 only; a loaded document has nothing else. */

/* A memory-side cache of a cell (nodeN/memory_side_cache/indexN). */
typedef struct hostcaps_numa_cache {
        unsigned int level;        /* N of indexN: 1 is nearest the memory's users */
        uint64_t size;             /* bytes; 0: unknown */
        unsigned int line_size;    /* bytes; 0: unknown */
        const char *associativity; /* libvirt's words: "direct" (direct mapped), "full" (the
                                      kernel's "indexed"), "none" (other); NULL: unknown */
        const char *policy;        /* "writeback", "writethrough", "none" (other); NULL: unknown */
} hostcaps_numa_cache;

/* The memory-side caches of cell i, ascending levels; NULL out of range. */
HOSTCAPS_EXPORT size_t hostcaps_numa_cell_n_caches(const hostcaps_numa *numa, size_t i);
HOSTCAPS_EXPORT const hostcaps_numa_cache *hostcaps_numa_cell_cache(const hostcaps_numa *numa, size_t i,
                                                                    size_t k);

/* The performance values of an access class. */
typedef enum hostcaps_numa_perf {
        HOSTCAPS_NUMA_READ_LATENCY,    /* nanoseconds */
        HOSTCAPS_NUMA_WRITE_LATENCY,   /* nanoseconds */
        HOSTCAPS_NUMA_READ_BANDWIDTH,  /* KiB/s (the kernel's MiB/s times 1024, libvirt's unit) */
        HOSTCAPS_NUMA_WRITE_BANDWIDTH, /* KiB/s */
} hostcaps_numa_perf;

/* The access classes cell i is a target of, ascending class numbers. */
HOSTCAPS_EXPORT size_t hostcaps_numa_cell_n_access(const hostcaps_numa *numa, size_t i);
/* The class number (N of accessN) of the k-th. */
HOSTCAPS_EXPORT int hostcaps_numa_cell_access_class(const hostcaps_numa *numa, size_t i, size_t k);
/* The node ids of its initiators (accessN/initiators/nodeM), as a list. */
HOSTCAPS_EXPORT const char *hostcaps_numa_cell_access_initiators(const hostcaps_numa *numa, size_t i,
                                                                 size_t k);
/* One of its values, from any of those initiators to cell i's memory;
 * -ENODATA when unknown. */
HOSTCAPS_EXPORT int hostcaps_numa_cell_access_perf(const hostcaps_numa *numa, size_t i, size_t k,
                                                   hostcaps_numa_perf what, uint64_t *ret);

#ifdef __cplusplus
}
#endif
