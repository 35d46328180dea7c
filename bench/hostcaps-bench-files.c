/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Files opened per section: hostcaps-bench runs this helper as a child.
 *
 *   hostcaps-bench-files [-v] ROOT SECTION...
 *
 * For each SECTION ("cpu", ..., or "all": every section, one after the
 * other), on a fresh node of ROOT ("/" for this host): one line
 * "SECTION FILES DISTINCT OPEN_FILES": the files and directories the first
 * request opened, how many of them were distinct paths, and those opening
 * the node opened; or "SECTION -ERRNO" when the
 * section fails (-95, EOPNOTSUPP: not implemented yet). -v lists the paths
 * on stderr. It counts through the reader, which every file access of the
 * library goes through, so it links the static archive to reach it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcaps.h"
#include "host/object.h"
#include "host/reader.h"
#include "host/section.h"

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int count(const char *root, const char *name, bool verbose) {
        hostcaps_node *node = NULL;
        unsigned sections =
                strcmp(name, "all") == 0 ? HOSTCAPS_SECTION_ALL : hostcaps_section_from_string(name);
        uint64_t n0, n1;
        int r;

        if (!sections) {
                fprintf(stderr, "hostcaps-bench-files: unknown section '%s'\n", name);
                return -EINVAL;
        }
        r = hostcaps_node_open(&node, root, 0);
        if (r < 0) {
                fprintf(stderr, "hostcaps-bench-files: %s: %s\n", root, hostcaps_error_message());
                return r;
        }
        hostcaps_reader *reader = hostcaps_node_reader(node);
        n0 = hostcaps_reader_n_opened(reader);
        hostcaps_reader_trace_start(reader);
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS && r >= 0; i++) {
                hostcaps_object *o = NULL;
                if (!(sections & (1u << i)))
                        continue;
                r = hostcaps_node_get_object(node, 1u << i, 0, &o);
                /* "all" counts the sections that exist. */
                if (r == -EOPNOTSUPP && sections == HOSTCAPS_SECTION_ALL)
                        r = 0;
                hostcaps_object_unref(o);
        }
        n1 = hostcaps_reader_n_opened(reader);
        char **paths = hostcaps_reader_trace_stop(reader);
        size_t n = 0, distinct = 0;
        while (paths && paths[n])
                n++;
        if (n)
                qsort(paths, n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n; i++) {
                if (verbose)
                        fprintf(stderr, "%s %s\n", name, paths[i]);
                if (i == 0 || strcmp(paths[i], paths[i - 1]) != 0)
                        distinct++;
        }
        hostcaps_strv_free(paths);
        if (r < 0)
                printf("%s %d\n", name, r);
        else
                printf("%s %llu %zu %llu\n", name, (unsigned long long)(n1 - n0), distinct,
                       (unsigned long long)n0);
        hostcaps_node_unref(node);
        return 0;
}

int main(int argc, char **argv) {
        bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
        int first = verbose ? 2 : 1;

        if (argc - first < 2) {
                fprintf(stderr, "usage: hostcaps-bench-files [-v] ROOT SECTION...\n");
                return 2;
        }
        for (int i = first + 1; i < argc; i++)
                if (count(argv[first], argv[i], verbose) < 0)
                        return 1;
        return 0;
}
