/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* numa-placement: schedule, then bind. Pick the NUMA node with the most free
 * memory among those where this process may allocate and has at least N
 * CPUs it may run on (argv[1], default 1); then run on that node, prefer its
 * memory, and allocate there with libnuma.
 *
 *   cc numa-placement.c $(pkg-config --cflags --libs hostcaps) -lnuma
 *
 * hostcaps decides (it reads the cgroup cpuset and the free memory of every
 * node); libnuma acts. hostcaps itself does not link libnuma.
 *
 * example-libs: -lnuma
 */
#define _GNU_SOURCE
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostcaps.h>

#define ALLOC_SIZE (16u << 20)

static int fail(const char *what, int r) {
        const char *m = hostcaps_error_message();
        fprintf(stderr, "numa-placement: %s: %s\n", what, m ? m : strerror(-r));
        return 1;
}

int main(int argc, char **argv) {
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = NULL;
        hostcaps_memory *mem = NULL;
        unsigned long need = 1;
        int best = -1, r, ret = 1;
        uint64_t best_free = 0;

        if (argc > 1) {
                char *end;
                errno = 0;
                need = strtoul(argv[1], &end, 10);
                if (errno || *end || end == argv[1]) {
                        fprintf(stderr, "usage: numa-placement [MIN_CPUS]\n");
                        return 2;
                }
        }

        if ((r = hostcaps_node_open(&node, NULL, 0)) < 0)
                return fail("opening this host", r);
        /* The NUMA object is memoized; the memory state is read now. */
        if ((r = hostcaps_node_get_numa(node, 0, &numa)) < 0 ||
            (r = hostcaps_node_get_memory(node, 0, &mem)) < 0) {
                ret = fail("reading NUMA state", r);
                goto out;
        }

        for (size_t i = 0; i < hostcaps_numa_n_cells(numa); i++) {
                int id = hostcaps_numa_cell_id(numa, i), m = hostcaps_memory_cell_index(mem, (unsigned)id);
                size_t cpus = hostcaps_numa_cell_n_allowed_cpus(numa, i);
                uint64_t free_kib;
                if (!hostcaps_numa_cell_is_allowed(numa, i) || cpus < need || m < 0 ||
                    hostcaps_memory_cell_free(mem, (size_t)m, &free_kib) < 0)
                        continue;
                printf("node %d: %zu allowed CPUs (%s), %llu MiB free\n", id, cpus,
                       hostcaps_numa_cell_allowed_cpus(numa, i), (unsigned long long)(free_kib >> 10));
                if (best < 0 || free_kib > best_free) {
                        best = (int)i;
                        best_free = free_kib;
                }
        }
        if (best < 0) {
                fprintf(stderr,
                        "numa-placement: no NUMA node has %lu CPUs this process may use and memory "
                        "it may allocate\n",
                        need);
                goto out;
        }

        int id = hostcaps_numa_cell_id(numa, (size_t)best);
        printf("picked node %d: %llu MiB free, CPUs %s\n", id, (unsigned long long)(best_free >> 10),
               hostcaps_numa_cell_allowed_cpus(numa, (size_t)best));

        if (numa_available() < 0) {
                /* A kernel without NUMA: hostcaps' one cell is the whole host,
                 * and there is nothing to bind. */
                char *p = malloc(ALLOC_SIZE);
                if (!p) {
                        fprintf(stderr, "numa-placement: out of memory\n");
                        goto out;
                }
                memset(p, 1, ALLOC_SIZE);
                free(p);
                printf("no NUMA in this kernel: allocated %u MiB without binding\n", ALLOC_SIZE >> 20);
                ret = 0;
                goto out;
        }
        if (numa_run_on_node(id) < 0) {
                fprintf(stderr, "numa-placement: numa_run_on_node(%d): %s\n", id, strerror(errno));
                goto out;
        }
        numa_set_preferred(id);
        char *p = numa_alloc_onnode(ALLOC_SIZE, id);
        if (!p) {
                fprintf(stderr, "numa-placement: numa_alloc_onnode(%d) failed\n", id);
                goto out;
        }
        memset(p, 1, ALLOC_SIZE); /* touch: the pages are placed at first touch */
        int where = -1;
        if (get_mempolicy(&where, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR) < 0)
                where = -1;
        printf("running on node %d, preferring its memory; %u MiB allocated there (first page on node %d)\n",
               id, ALLOC_SIZE >> 20, where);
        numa_free(p, ALLOC_SIZE);
        ret = 0;
out:
        hostcaps_memory_unref(mem);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
        return ret;
}
