/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPUID dumps: libvirt's <cpudata arch='x86'> XML and libcpuid's raw format
 * (the loader tells them apart by the first byte). Each input is a sysroot's
 * recorded dump: the CPU section decodes identity, features (libvirt's
 * cpu_map where installed, else the built-in table) and the TSC from it, and
 * its documents must be readable. A dump that loads is also written back in
 * libvirt's format, which must load again and say the same. */
#include "cpu/x86.h"
#include "fuzz-util.h"
#include "host/reader.h"

static char *root;
static hostcaps_reader *reader;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        (void)argc;
        (void)argv;
        root = fuzz_scratch_dir();
        fuzz_write_str(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        fuzz_write_str(root, "sys/devices/system/cpu/online", "0-1\n");
        if (hostcaps_reader_new(&reader, root) < 0)
                fuzz_finding("cannot open %s", root);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        hostcaps_node *node = NULL;
        hostcaps_cpuid *c = NULL, *again = NULL;

        fuzz_write(root, HOSTCAPS_SNAPSHOT_CPUID, data, size);
        if (hostcaps_node_open(&node, root, 0) < 0)
                fuzz_finding("the sysroot does not open: %s", hostcaps_error_message());
        fuzz_check_node(node, HOSTCAPS_SECTION_CPU);
        hostcaps_node_unref(node);

        if (hostcaps_cpuid_load(reader, HOSTCAPS_SNAPSHOT_CPUID, &c) < 0)
                return 0;
        char *xml = hostcaps_cpuid_format_xml(c);
        if (xml) {
                fuzz_write_str(root, "again.xml", xml);
                if (hostcaps_cpuid_load(reader, "again.xml", &again) < 0)
                        fuzz_finding("a dump written back does not load: %s\n%s", hostcaps_error_message(),
                                     xml);
                /* What the dump says about its own range must survive. */
                uint32_t a[4], b[4];
                hostcaps_cpuid_get(c, 0, 0, a);
                hostcaps_cpuid_get(again, 0, 0, b);
                if (memcmp(a, b, sizeof(a)) != 0)
                        fuzz_finding("leaf 0 changed in the round trip");
                hostcaps_cpuid_free(again);
                free(xml);
        }
        hostcaps_cpuid_free(c);
        return 0;
}
