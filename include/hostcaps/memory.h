/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/node.h>
#include <hostcaps/numa.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The memory-state section (HOSTCAPS_SECTION_MEMORY): per NUMA cell, the
 * memory that is free now and the hugepage pools, total and free, of every
 * size. These values change all the time, so on a live host the section is
 * read again at every request, whatever the flags (never served from
 * memory); from a recorded root it is read once. A request reads only the
 * nodes' meminfo files and hugepage counters.
 *
 * Cells are the kernel's online nodes, ascending, as in the NUMA section
 * (hostcaps/numa.h): index i here is index i there, same node id, for
 * objects read while the online nodes stayed the same (numa.h says when it
 * does not hold; hostcaps_memory_numa_cell_index() always joins them);
 * when the kernel has no NUMA, one cell 0 holds the
 * values of /proc/meminfo and /sys/kernel/mm/hugepages. Accessors take a
 * cell index i, not a node id (hostcaps_memory_cell_index() maps one to the
 * other). Calls returning int return a value >= 0 or a negative errno:
 * -EINVAL for a NULL object or an index out of range, -ENODATA when an
 * output asked for is not known. Sizes are in KiB.
 *
 * A loaded capabilities document (hostcaps_node_open_document()) has each
 * cell's memory and page pools but no free counts: asking for free memory or
 * free pages of it is -ENODATA.
 */
typedef struct hostcaps_memory hostcaps_memory;

/* A new object, read now on a live host. */
HOSTCAPS_EXPORT int hostcaps_node_get_memory(hostcaps_node *node, unsigned int flags, hostcaps_memory **ret);
HOSTCAPS_EXPORT hostcaps_memory *hostcaps_memory_ref(hostcaps_memory *mem);
HOSTCAPS_EXPORT hostcaps_memory *hostcaps_memory_unref(hostcaps_memory *mem);
/* Why the section is absent (present and empty: "resctrl not mounted",
 * "not in the loaded document"), or NULL when it is present. */
HOSTCAPS_EXPORT const char *hostcaps_memory_absent_reason(const hostcaps_memory *memory);
/* The read policy: how many optional values of this object are unknown
 * because their file was unreadable or malformed, and why ("FILE: what was
 * wrong"; NULL past the last). A missing optional file is simply unknown. */
HOSTCAPS_EXPORT size_t hostcaps_memory_n_unknown(const hostcaps_memory *memory);
HOSTCAPS_EXPORT const char *hostcaps_memory_unknown_reason(const hostcaps_memory *memory, size_t i);

/* True when the kernel has no NUMA and the one cell is the whole host. */
HOSTCAPS_EXPORT bool hostcaps_memory_is_synthetic(const hostcaps_memory *mem);
/* The base page size in KiB (4 on x86, 4/16/64 on arm64, 64 on ppc64). */
HOSTCAPS_EXPORT uint64_t hostcaps_memory_base_page_size(const hostcaps_memory *mem);

HOSTCAPS_EXPORT size_t hostcaps_memory_n_cells(const hostcaps_memory *mem);
/* The node id of cell i. */
HOSTCAPS_EXPORT int hostcaps_memory_cell_id(const hostcaps_memory *mem, size_t i);
/* The index of the cell with node id `id`; -ENOENT when there is none. */
HOSTCAPS_EXPORT int hostcaps_memory_cell_index(const hostcaps_memory *mem, unsigned int id);
/* The join with the NUMA section in one call: the index here of NUMA cell i
 * of `numa` (i itself whenever both saw the same nodes); -EINVAL for a NULL
 * object or a NUMA cell out of range, -ENOENT when this object has no cell
 * for that node (hotplugged since, or the memory section is absent). */
HOSTCAPS_EXPORT int hostcaps_memory_numa_cell_index(const hostcaps_memory *mem, const hostcaps_numa *numa,
                                                    size_t i);

/* MemTotal and MemFree of cell i. Free memory counts neither free hugepages
 * nor reclaimable caches. -ENODATA when unknown: a recorded root has no
 * meminfo for the cell, or the read policy refused the file (a node meminfo
 * with MemTotal alone leaves MemFree unknown; hostcaps_memory_unknown_reason()
 * says why). */
HOSTCAPS_EXPORT int hostcaps_memory_cell_total(const hostcaps_memory *mem, size_t i, uint64_t *ret_kib);
HOSTCAPS_EXPORT int hostcaps_memory_cell_free(const hostcaps_memory *mem, size_t i, uint64_t *ret_kib);

/* The hugepage sizes of cell i, ascending, each once (none without
 * hugetlbfs, or in a node without memory, or when the pool directory could
 * not be read), and the k-th size's pool: nr_hugepages (persistent pages,
 * free or in use) and free_hugepages. Outputs may be NULL; outputs are
 * written only when every one asked for is known, else -ENODATA (a counter
 * file the read policy refused, or a loaded document's free counts). */
HOSTCAPS_EXPORT size_t hostcaps_memory_cell_n_hugepage_sizes(const hostcaps_memory *mem, size_t i);
HOSTCAPS_EXPORT int hostcaps_memory_cell_hugepages(const hostcaps_memory *mem, size_t i, size_t k,
                                                   uint64_t *ret_size_kib, uint64_t *ret_total,
                                                   uint64_t *ret_free);

/* Pages of one size in cell i, as libvirt's capabilities count them: for a
 * hugepage size its pool; for the base page size, the cell's memory less
 * every hugepage pool, in base pages (total), and MemFree in base pages
 * (free). -ENOENT for a size the cell does not have; -ENODATA for a count
 * that is unknown (the base size's when the cell's meminfo or a pool's
 * total is). */
HOSTCAPS_EXPORT int hostcaps_memory_cell_pages(const hostcaps_memory *mem, size_t i, uint64_t size_kib,
                                               uint64_t *ret_total, uint64_t *ret_free);

#ifdef __cplusplus
}
#endif
