/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's cpu_map feature file (x86_features.xml), through the parser the
 * CPU section uses (hostcaps_cpumap_load, with a fixed index.xml and vendor
 * file around the input), then every feature it read evaluated against a
 * recorded CPUID, and the map's model selection run. */
#include "cpu/cpumap.h"
#include "fuzz-util.h"

static char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        (void)argc;
        (void)argv;
        dir = fuzz_scratch_dir();
        fuzz_write_str(dir, "index.xml",
                       "<cpus><arch name='x86'><include filename='x86_vendors.xml'/>"
                       "<include filename='x86_features.xml'/></arch></cpus>\n");
        fuzz_write_str(dir, "x86_vendors.xml", "<cpus><vendor name='Intel' string='GenuineIntel'/></cpus>\n");
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
        hostcaps_cpumap *map = NULL;

        (void)hostcaps_cpuid_set_msr(&c, 0x10a, 0x0000000f0000ffffull);
        fuzz_write(dir, "x86_features.xml", data, size);
        int r = hostcaps_cpumap_load(dir, &map);
        if (r < 0) {
                if (map)
                        fuzz_finding("a failed load wrote its output");
                if (!hostcaps_error_message())
                        fuzz_finding("a refused map without a message");
                return 0;
        }
        size_t n = hostcaps_cpumap_x86_n_features(map);
        if (n == 0)
                fuzz_finding("a map without features loaded");
        for (size_t i = 0; i < n; i++) {
                const hostcaps_x86_feature *items = NULL;
                size_t n_items = 0;
                const char *name = hostcaps_cpumap_x86_feature(map, i, &items, &n_items);
                if (!name || !n_items)
                        fuzz_finding("a feature without a name or a condition");
                for (size_t k = 0; k < n_items; k++)
                        (void)hostcaps_x86_feature_present(&c, &items[k]);
        }
        hostcaps_x86_identity id;
        hostcaps_cpumap_x86 out;
        hostcaps_x86_identify(&c, &id);
        if (hostcaps_cpumap_x86_decode(map, &c, &id, &out) == 0) {
                if (out.n_features > out.n_all)
                        fuzz_finding("more features beside the model than the CPU has");
                hostcaps_cpumap_x86_done(&out);
        }
        hostcaps_cpumap_free(map);
        return 0;
}
