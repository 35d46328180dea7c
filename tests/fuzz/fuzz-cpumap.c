/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's cpu_map feature file (x86_features.xml), through the loader the
 * CPU section uses (hostcaps_x86_features_load), then every feature it read
 * evaluated against a recorded CPUID. */
#include "cpu/x86.h"
#include "fuzz-util.h"

static char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        (void)argc;
        (void)argv;
        dir = fuzz_scratch_dir();
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        /* A few leaves of an x86 CPU, every bit of some registers set, and an
         * MSR, so that masks of any leaf and register are looked up. */
        static hostcaps_cpuid_leaf leaves[] = {
                {0x0, 0, {0x1f, 0x756e6547, 0x6c65746e, 0x49656e69}},
                {0x1, 0, {0x000806f8, 0x00800800, 0xfffa3203, 0x178bfbff}},
                {0x7, 0, {0x2, 0xffffffff, 0xffffffff, 0xffffffff}},
                {0x7, 1, {0xffffffff, 0, 0, 0xffffffff}},
                {0xd, 1, {0xf, 0, 0, 0}},
                {0x80000000, 0, {0x80000008, 0, 0, 0}},
                {0x80000001, 0, {0, 0, 0x121, 0x2c100800}},
                {0x80000008, 0, {0x3030, 0x00000200, 0, 0}},
        };
        hostcaps_cpuid c = {.leaves = leaves, .n_leaves = sizeof(leaves) / sizeof(leaves[0])};
        hostcaps_x86_feature *features = NULL;
        size_t n = 0;

        (void)hostcaps_cpuid_set_msr(&c, 0x10a, 0x0000000f0000ffffull);
        fuzz_write(dir, "x86_features.xml", data, size);
        int r = hostcaps_x86_features_load(dir, &features, &n);
        if (r < 0) {
                if (features || n)
                        fuzz_finding("a failed load wrote its output");
                if (!hostcaps_error_message())
                        fuzz_finding("a refused map without a message");
                return 0;
        }
        if (n == 0)
                fuzz_finding("a map without features loaded");
        for (size_t i = 0; i < n; i++) {
                if (!features[i].name)
                        fuzz_finding("a feature without a name");
                (void)hostcaps_x86_feature_present(&c, &features[i]);
        }
        hostcaps_x86_features_free(features, n);
        return 0;
}
