/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host CPU as an orchestrator records it: libvirt's model name and the
 * features beside it. Only the CPU section is probed.
 *
 *   cc cpu-model.c $(pkg-config --cflags --libs hostcaps) -o cpu-model
 */
#include <stdio.h>

#include <hostcaps.h>

int main(void) {
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;

        if (hostcaps_node_open(&node, NULL, 0) < 0 || hostcaps_node_get_cpu(node, 0, &cpu) < 0) {
                fprintf(stderr, "cpu-model: %s\n", hostcaps_error_message());
                hostcaps_node_unref(node);
                return 1;
        }
        const char *model = hostcaps_cpu_model(cpu), *vendor = hostcaps_cpu_vendor(cpu);
        printf("model: %s\n", model ? model : "none");
        printf("vendor: %s\n", vendor ? vendor : "unknown");
        if (!model && hostcaps_cpu_model_reason(cpu))
                printf("why: %s\n", hostcaps_cpu_model_reason(cpu));
        printf("features:");
        for (size_t i = 0; i < hostcaps_cpu_n_features(cpu); i++)
                printf(" %s", hostcaps_cpu_feature(cpu, i));
        printf("\n");
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        return 0;
}
