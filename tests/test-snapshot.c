/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps_snapshot(): a recorded sysroot replays to what the live host prints. */
#include "host/section.h"
#include "hostcaps.h"
#include "test-util.h"

static unsigned implemented(void) {
        unsigned m = 0;
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (hostcaps_sections[i])
                        m |= 1u << i;
        return m;
}

static char *document(const char *root, unsigned sections, hostcaps_format format) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, format, &doc), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

Test(snapshot, replays_identically) {
        char *dir = test_mkdtemp(), *snap = NULL;
        /* Free memory moves between two reads: the volatile section is
         * compared by shape in its own tests, not here. */
        unsigned sections = implemented() & ~(unsigned) HOSTCAPS_SECTION_MEMORY;
        cr_assert(asprintf(&snap, "%s/snap", dir) >= 0);
        cr_assert_eq(hostcaps_snapshot(snap, sections, 0), 0, "%s", hostcaps_error_message());
        for (int f = HOSTCAPS_FORMAT_XML; f <= HOSTCAPS_FORMAT_TEXT; f++) {
                char *live = document(NULL, sections, (hostcaps_format) f);
                char *replay = document(snap, sections, (hostcaps_format) f);
                cr_assert_str_eq(replay, live, "format %d differs", f);
                free(live);
                free(replay);
        }
        test_rm_rf(dir);
        free(dir);
        free(snap);
}

Test(snapshot, records_only_what_probes_read) {
        char *dir = test_mkdtemp(), *snap = NULL, *cmd = NULL;
        cr_assert(asprintf(&snap, "%s/snap", dir) >= 0);
        cr_assert_eq(hostcaps_snapshot(snap, HOSTCAPS_SECTION_CPU, 0), 0, "%s", hostcaps_error_message());
        /* A CPU-only snapshot holds no NUMA, cache or resctrl file. */
        cr_assert(asprintf(&cmd,
                           "cd '%s' && ! find . -type f | grep -E 'system/node/|/cache/index|fs/resctrl|meminfo'",
                           snap) >= 0);
        cr_assert_eq(system(cmd), 0, "the CPU snapshot recorded another section's files");
        free(cmd);
        cr_assert(asprintf(&cmd, "test -f '%s/hostcaps-snapshot.txt'", snap) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        test_rm_rf(dir);
        free(dir);
        free(snap);
}

Test(snapshot, refuses_bad_targets) {
        char *dir = test_mkdtemp();
        test_write(dir, "occupied", "x");
        cr_assert_eq(hostcaps_snapshot(dir, HOSTCAPS_SECTION_CPU, 0), -EEXIST);
        cr_assert(strstr(hostcaps_error_message(), "not empty"));
        cr_assert_eq(hostcaps_snapshot(dir, 0, 0), -EINVAL);
        cr_assert_eq(hostcaps_snapshot(dir, HOSTCAPS_SECTION_CPU, 1), -EINVAL);
        cr_assert_eq(hostcaps_snapshot(NULL, HOSTCAPS_SECTION_CPU, 0), -EINVAL);
        test_rm_rf(dir);
        free(dir);
}
