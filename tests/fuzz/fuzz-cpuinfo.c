/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /proc/cpuinfo, through the CPU section of a sysroot that has nothing else
 * for identity (no CPUID dump): the first byte picks the architecture the
 * recording names, the rest is the file. Every document must be readable. */
#include "fuzz-util.h"

static char *root;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        (void)argc;
        (void)argv;
        root = fuzz_scratch_dir();
        fuzz_write_str(root, "sys/devices/system/cpu/online", "0\n");
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const arches[] = {"x86_64", "i686",    "aarch64", "armv7l",
                                             "armv6l", "ppc64le", "s390x"};
        hostcaps_node *node = NULL;
        char meta[64];

        if (size < 1)
                return 0;
        snprintf(meta, sizeof(meta), "arch=%s\npage_size=4096\n",
                 arches[data[0] % (sizeof(arches) / sizeof(arches[0]))]);
        fuzz_write_str(root, "hostcaps-snapshot.txt", meta);
        fuzz_write(root, "proc/cpuinfo", data + 1, size - 1);
        if (hostcaps_node_open(&node, root, 0) < 0)
                fuzz_finding("the sysroot does not open: %s", hostcaps_error_message());
        fuzz_check_node(node, HOSTCAPS_SECTION_CPU);
        hostcaps_node_unref(node);
        return 0;
}
