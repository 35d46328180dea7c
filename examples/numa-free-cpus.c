/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where to place a workload: the NUMA node with the most free memory that
 * has CPUs the workload may use, and those CPUs. The workload's CPUs are
 * its cgroup's (argv[1], a path under the cgroup mount such as
 * /kubepods/pod1/ctr), else this process's.
 *
 *   cc numa-free-cpus.c $(pkg-config --cflags --libs hostcaps) -o numa-free-cpus
 */
#include <stdio.h>
#include <stdlib.h>

#include <hostcaps.h>

/* The CPUs the workload may use: its cgroup's, else this process's (all
 * online CPUs where the host does not say). */
static int workload_cpus(hostcaps_node *node, hostcaps_numa *numa, const char *cgroup,
                         hostcaps_cpuset **ret) {
        if (cgroup)
                return hostcaps_node_cgroup_cpus(node, cgroup, ret);
        if (hostcaps_numa_allowed_cpuset(numa, ret) == 0)
                return 0;
        return hostcaps_numa_online_cpuset(numa, ret);
}

int main(int argc, char **argv) {
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = NULL;
        hostcaps_memory *mem = NULL;
        hostcaps_cpuset *allowed = NULL, *best = NULL;
        uint64_t best_free = 0;
        int best_id = -1, ret = 1;

        if (hostcaps_node_open(&node, NULL, 0) < 0 || hostcaps_node_get_numa(node, 0, &numa) < 0 ||
            hostcaps_node_get_memory(node, 0, &mem) < 0 ||
            workload_cpus(node, numa, argc > 1 ? argv[1] : NULL, &allowed) < 0) {
                fprintf(stderr, "numa-free-cpus: %s\n", hostcaps_error_message());
                goto out;
        }
        /* Cell i of the NUMA section is cell i of the memory section. */
        for (size_t i = 0; i < hostcaps_numa_n_cells(numa); i++) {
                hostcaps_cpuset *cpus = NULL;
                uint64_t free_kib;
                int m = hostcaps_memory_numa_cell_index(mem, numa, i);
                if (m < 0 || hostcaps_memory_cell_free(mem, (size_t)m, &free_kib) < 0 ||
                    hostcaps_numa_cell_cpuset(numa, i, &cpus) < 0)
                        continue;
                hostcaps_cpuset_intersect(cpus, allowed);
                if (hostcaps_cpuset_count(cpus) > 0 && (!best || free_kib > best_free)) {
                        hostcaps_cpuset_free(best);
                        best = cpus, cpus = NULL;
                        best_free = free_kib;
                        best_id = hostcaps_numa_cell_id(numa, i);
                }
                hostcaps_cpuset_free(cpus);
        }
        if (!best) {
                fprintf(stderr, "numa-free-cpus: no node has free memory and allowed CPUs\n");
                goto out;
        }
        char *list = hostcaps_cpuset_to_list(best);
        printf("node %d: %llu MiB free, CPUs %s\n", best_id, (unsigned long long)(best_free >> 10), list);
        free(list);
        ret = 0;
out:
        hostcaps_cpuset_free(best);
        hostcaps_cpuset_free(allowed);
        hostcaps_memory_unref(mem);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
        return ret;
}
