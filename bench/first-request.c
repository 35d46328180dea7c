/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One section of this host, in a fresh process, through the shared library:
 * the C side of the Python binding's first-request figure (bench/python.py).
 *
 *   hostcaps-bench-first SECTION [--print]     SECTION: cpu or numa
 *
 * --print writes the time from opening the node to holding the section, in
 * nanoseconds, measured in the process (no process start in it). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <hostcaps.h>

static long long now_ns(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
        hostcaps_node *node = NULL;
        const char *name = argc > 1 ? argv[1] : "cpu";
        long long start = now_ns();
        int r;

        if (hostcaps_node_open(&node, NULL, 0) < 0)
                return 1;
        if (strcmp(name, "cpu") == 0) {
                hostcaps_cpu *cpu = NULL;
                r = hostcaps_node_get_cpu(node, 0, &cpu);
                hostcaps_cpu_unref(cpu);
        } else if (strcmp(name, "numa") == 0) {
                hostcaps_numa *numa = NULL;
                r = hostcaps_node_get_numa(node, 0, &numa);
                hostcaps_numa_unref(numa);
        } else {
                fprintf(stderr, "hostcaps-bench-first: cpu or numa\n");
                r = -1;
        }
        if (argc > 2 && strcmp(argv[2], "--print") == 0)
                printf("%lld\n", now_ns() - start);
        hostcaps_node_unref(node);
        return r < 0;
}
