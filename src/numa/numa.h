/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* MAX_NUMNODES at the largest NODES_SHIFT any architecture allows (10): a
 * node list naming higher ids is broken (or hostile: 58 000 cells would make
 * every per-cell step quadratic). */
#define HOSTCAPS_MAX_NODES 1024u

/* The NUMA section and the memory-state section: their objects and the
 * reading both need (the list of nodes, meminfo files). */

#include "host/section.h"
#include "hostcaps/memory.h"
#include "hostcaps/numa.h"

#define NODE_DIR "sys/devices/system/node"
#define CPU_DIR  "sys/devices/system/cpu"

/* One cell of the NUMA section. Lists are kernel CPU lists ("0-3,8"). */
typedef struct hostcaps_numa_cell {
        unsigned int id;
        bool has_memory; /* false when the root records no meminfo for the node */
        uint64_t memory_kib;
        hostcaps_bitmap *cpus; /* online CPUs of the cell */
        char *cpus_list;
        hostcaps_numa_cpu *cpu; /* one per online CPU, ascending ids; siblings owned here */
        size_t n_cpu;
        hostcaps_bitmap *offline; /* offline CPUs the kernel attributes to the cell */
        char *offline_list;
        char *allowed_list; /* cpus & the process's Cpus_allowed_list (cpus when not recorded) */
        size_t n_allowed;
        unsigned int *distance; /* to cell j (index), n_cells entries; NULL: no distances */
        /* HMAT (hmat.c): memory-side caches, ascending levels; access classes
         * of which the cell is a target, ascending class numbers. */
        hostcaps_numa_cache *caches;
        size_t n_caches;
        struct hostcaps_numa_access *access;
        size_t n_access;
} hostcaps_numa_cell;

/* Access class N of a target cell (nodeN/accessN). */
typedef struct hostcaps_numa_access {
        unsigned int access_class;
        hostcaps_bitmap *initiators; /* node ids */
        char *initiators_list;
        bool known[4];     /* by hostcaps_numa_perf */
        uint64_t value[4]; /* ns, ns, KiB/s, KiB/s */
} hostcaps_numa_access;

struct hostcaps_numa {
        hostcaps_object obj;
        bool synthetic; /* the kernel has no NUMA: one cell 0 stands for the host */
        hostcaps_numa_cell *cells;
        size_t n_cells;
        hostcaps_bitmap *online, *offline;
        bool offline_known; /* false for a loaded document: offline lists NULL */
        char *online_list, *offline_list;
        /* The process view (proc/self/status); NULL when the root has none. */
        hostcaps_bitmap *allowed_cpus, *allowed_nodes;
        char *allowed_cpus_list, *allowed_nodes_list;
};

/* One hugepage size of a memory-state cell. */
typedef struct hostcaps_memory_pages {
        uint64_t size_kib;
        uint64_t total, free; /* nr_hugepages, free_hugepages */
} hostcaps_memory_pages;

typedef struct hostcaps_memory_cell {
        unsigned int id;
        /* What is known: a probe knows all of it unless the root lacks the
         * node's meminfo; a loaded document has totals but no free counts. */
        bool has_total, has_free, has_base, huge_free_known;
        uint64_t total_kib, free_kib;
        uint64_t base_total, base_free; /* base pages as libvirt counts them */
        hostcaps_memory_pages *huge;    /* ascending sizes */
        size_t n_huge;
} hostcaps_memory_cell;

struct hostcaps_memory {
        hostcaps_object obj;
        bool synthetic; /* no NUMA in the kernel: one cell 0 from proc/meminfo */
        uint64_t base_page_kib;
        hostcaps_memory_cell *cells;
        size_t n_cells;
};

/* probe.c: the section's probe and stamp (its ops). */
int hostcaps_numa_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret);
int hostcaps_numa_stamp(hostcaps_reader *r, uint64_t *stamp);
/* numa.c: the formatted lists (cpus_list, ...) of a probed or loaded object. */
int hostcaps_numa_finish_lists(hostcaps_numa *numa);
/* load.c: the section from a saved document (its ops' from_xml). */
int hostcaps_numa_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret);

/* nodes.c */

/* The online NUMA nodes: node/online, else (recordings without it) the nodeN
 * directories. -ENOENT with no message when sys/devices/system/node does not
 * exist: a kernel built without CONFIG_NUMA. An empty set is returned as is. */
int hostcaps_numa_read_nodes(hostcaps_reader *r, hostcaps_bitmap **ret);

/* MemTotal and MemFree, in KiB, of a meminfo file: nodeN/meminfo when node
 * >= 0 ("Node 0 MemTotal:  4679884 kB"), proc/meminfo when node < 0
 * ("MemTotal:  4679884 kB"). Either output may be NULL. */
int hostcaps_numa_read_meminfo(hostcaps_reader *r, int node, uint64_t *ret_total_kib, uint64_t *ret_free_kib);

/* hmat.c: heterogeneous memory (access classes and memory-side caches). */

/* Reads them for the probed cells (the read policy: every value optional). */
int hostcaps_numa_probe_hmat(hostcaps_reader *r, hostcaps_numa *numa);
void hostcaps_numa_hmat_cell_done(hostcaps_numa_cell *c);
/* libvirt's <cache> elements of a cell, and <interconnects> (access class 1). */
void hostcaps_numa_xml_cell_caches(hostcaps_xml *x, const hostcaps_numa_cell *c);
void hostcaps_numa_xml_interconnects(hostcaps_xml *x, const hostcaps_numa *numa);
/* "memory_side_caches" and "access" of a cell's JSON object. */
int hostcaps_numa_json_cell_hmat(struct json_object *j, const hostcaps_numa_cell *c);
/* The text part; nothing on a host without HMAT. */
void hostcaps_numa_text_hmat(hostcaps_buf *b, const hostcaps_numa *numa);
/* From a saved document: a cell's <cache> elements; <interconnects> under
 * <topology> (after every cell is loaded). */
int hostcaps_numa_cell_caches_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr cell, hostcaps_numa_cell *c);
int hostcaps_numa_interconnects_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr topology, hostcaps_numa *numa);
