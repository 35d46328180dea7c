/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What an orchestrator writes: open the live host, ask for the CPU only,
 * print vendor, signature and features. Nothing but the CPU is probed.
 *
 *   cc cpu-only.c $(pkg-config --cflags --libs hostcaps) -o cpu-only
 */
#include <stdio.h>
#include <stdlib.h>

#include <hostcaps.h>

int main(void) {
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        unsigned family, model, stepping;
        int r;

        r = hostcaps_node_open(&node, NULL, 0);
        if (r < 0) {
                fprintf(stderr, "cannot open the host: %s\n", hostcaps_error_message());
                return 1;
        }
        r = hostcaps_node_get_cpu(node, 0, &cpu);
        if (r < 0) {
                fprintf(stderr, "cannot read the CPU: %s\n", hostcaps_error_message());
                hostcaps_node_unref(node);
                return 1;
        }

        printf("arch:      %s\n", hostcaps_cpu_arch(cpu));
        printf("vendor:    %s\n", hostcaps_cpu_vendor(cpu) ? hostcaps_cpu_vendor(cpu) : "unknown");
        if (hostcaps_cpu_model(cpu))
                printf("model:     %s\n", hostcaps_cpu_model(cpu));
        if (hostcaps_cpu_signature(cpu, &family, &model, &stepping))
                printf("signature: family %u, model %u, stepping %u\n", family, model, stepping);
        printf("features:  %zu (%s)\n", hostcaps_cpu_n_features(cpu), hostcaps_cpu_feature_source(cpu));
        for (size_t i = 0, n = hostcaps_cpu_n_features(cpu); i < n; i++) {
                printf("%s%s", i % 12 ? " " : "  ", hostcaps_cpu_feature(cpu, i));
                if (i % 12 == 11 || i + 1 == n)
                        putchar('\n');
        }

        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        return 0;
}
