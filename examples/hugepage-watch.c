/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hugepage pools of every NUMA node, total and free per size, every
 * INTERVAL seconds for ROUNDS rounds (argv[1], argv[2]; default 1 and 2).
 * The memory section is read again at every request.
 *
 *   cc hugepage-watch.c $(pkg-config --cflags --libs hostcaps) -o hugepage-watch
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <hostcaps.h>

int main(int argc, char **argv) {
        unsigned interval = argc > 1 ? (unsigned)atoi(argv[1]) : 1,
                 rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
        hostcaps_node *node = NULL;

        if (hostcaps_node_open(&node, NULL, 0) < 0)
                goto fail;
        for (unsigned round = 0; round < rounds; round++) {
                hostcaps_memory *mem = NULL;
                if (round > 0)
                        sleep(interval);
                if (hostcaps_node_get_memory(node, 0, &mem) < 0)
                        goto fail;
                printf("round %u:\n", round + 1);
                for (size_t i = 0; i < hostcaps_memory_n_cells(mem); i++)
                        for (size_t k = 0; k < hostcaps_memory_cell_n_hugepage_sizes(mem, i); k++) {
                                uint64_t size, total, nfree;
                                if (hostcaps_memory_cell_hugepages(mem, i, k, &size, &total, &nfree) == 0)
                                        printf("  node %d  %8llu KiB pages: %llu total, %llu free\n",
                                               hostcaps_memory_cell_id(mem, i), (unsigned long long)size,
                                               (unsigned long long)total, (unsigned long long)nfree);
                        }
                hostcaps_memory_unref(mem);
        }
        hostcaps_node_unref(node);
        return 0;
fail:
        fprintf(stderr, "hugepage-watch: %s\n", hostcaps_error_message());
        hostcaps_node_unref(node);
        return 1;
}
