/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A whole cpu_map directory (libvirt's map: index.xml, includes, vendors,
 * features, models inheriting from models): the input is up to eight
 * files separated by a line "----", written as index.xml, f1.xml ...
 * f7.xml, and loaded by the parser the CPU section uses. Checks: a refused
 * map says why and leaks nothing; a loaded one decodes a CPU; the bounds on
 * files, entries and includes hold (libFuzzer's -timeout catches a map that
 * makes the parser work far beyond its size). */
#include "cpu/cpumap.h"
#include "fuzz-util.h"

#define N_FILES 8
static char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        (void)argc;
        (void)argv;
        dir = fuzz_scratch_dir();
        return 0;
}

static void file_name(size_t i, char *buf, size_t size) {
        if (i == 0)
                snprintf(buf, size, "index.xml");
        else
                snprintf(buf, size, "f%zu.xml", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char sep[] = "\n----\n";
        static hostcaps_cpuid_leaf leaves[] = {
                {0x0, 0, {0x1f, 0x756e6547, 0x6c65746e, 0x49656e69}},
                {0x1, 0, {0x000506e3, 0x00800800, 0xfffa3203, 0x178bfbff}},
                {0x7, 0, {0x2, 0xffffffff, 0xffffffff, 0xffffffff}},
                {0x80000000, 0, {0x80000008, 0, 0, 0}},
                {0x80000001, 0, {0, 0, 0x121, 0x2c100800}},
        };
        hostcaps_cpuid c = {.leaves = leaves, .n_leaves = sizeof(leaves) / sizeof(leaves[0])};
        const char *p = (const char *)data, *end = p + size;
        size_t i = 0;
        char name[32];

        for (; i < N_FILES && p <= end; i++) {
                const char *s = memmem(p, (size_t)(end - p), sep, sizeof(sep) - 1);
                size_t len = s ? (size_t)(s - p) : (size_t)(end - p);
                file_name(i, name, sizeof(name));
                fuzz_write(dir, name, p, len);
                if (!s)
                        break;
                p = s + sizeof(sep) - 1;
        }
        for (i++; i < N_FILES; i++) { /* files of an earlier input */
                char path[4096];
                file_name(i, name, sizeof(name));
                snprintf(path, sizeof(path), "%s/%s", dir, name);
                unlink(path);
        }

        hostcaps_cpumap *map = NULL;
        if (hostcaps_cpumap_load(dir, &map) < 0) {
                if (map)
                        fuzz_finding("a failed load wrote its output");
                if (!hostcaps_error_message())
                        fuzz_finding("a refused map without a message");
                return 0;
        }
        if (!hostcaps_cpumap_rules(map))
                fuzz_finding("a map without a rule set");
        hostcaps_x86_identity id;
        hostcaps_cpumap_x86 out;
        hostcaps_x86_identify(&c, &id);
        if (hostcaps_cpumap_x86_decode(map, &c, &id, &out) == 0) {
                if (out.n_features > out.n_all)
                        fuzz_finding("more features beside the model than the CPU has");
                if (!out.model && out.n_features != out.n_all)
                        fuzz_finding("no model, yet features left out");
                hostcaps_cpumap_x86_done(&out);
        }
        (void)hostcaps_cpumap_arm_model(map, 0x41, 0xd0c);
        (void)hostcaps_cpumap_ppc64_model(map, 0x004e1200, NULL);
        hostcaps_cpumap_free(map);
        return 0;
}
