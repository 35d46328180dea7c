/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Real machines recorded by hwloc's tests (../shared/fixtures/hwloc): each is
 * read whole, and its cells, CPUs and distances are what hwloc reads from
 * the same tree (HWLOC_FSROOT=T HWLOC_COMPONENTS=linux,stop lstopo --of xml)
 * and what the kernel's files say. The expectations are data, written down
 * from those two sources, not from hostcaps' output. Differences of policy
 * (the fixtures README): a CPU-less node has the cpuset of its locality in
 * hwloc and no CPUs here; hwloc hides NVIDIA GPU nodes unless
 * HWLOC_KEEP_NVIDIA_GPU_NUMA_NODES=1, and libvirt lists them. */
#include <errno.h>
#include <unistd.h>

#include "hostcaps.h"
#include "test-schema.h"
#include "test-util.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

typedef struct tree_cell {
        unsigned id;
        const char *cpus;
} tree_cell;

typedef struct tree_case {
        const char *name;
        size_t n_cells;
        tree_cell cells[17];
        /* Row-major, n_cells x n_cells; NULL: unknown (hwloc has none). */
        const unsigned *distances;
        const char *reason; /* a reason the NUMA section must give, or NULL */
} tree_case;

static const unsigned dist_single[] = {10};

/* node1/distance is "21 10", one value per possible node (0-1); node 0 is
 * offline: the row maps to 10. */
static const unsigned dist_offline_node0[] = {10};

static const unsigned dist_40intel64[] = {
        10, 20, 20, 20, 20, 10, 20, 20, 20, 20, 10, 20, 20, 20, 20, 10,
};

/* hwloc's NUMALatency matrix of 128ia64-17n4s2c: four groups of four nodes
 * (17 within, 20 across), node 16 (memory only) at 14 from all. */
static unsigned dist_128ia64[17 * 17];

static const unsigned dist_nvidia[] = {
        10, 40, 80, 80, 80, 80, 80, 80, 40, 10, 80, 80, 80, 80, 80, 80, 80, 80, 10, 80, 80, 80,
        80, 80, 80, 80, 80, 10, 80, 80, 80, 80, 80, 80, 80, 80, 10, 80, 80, 80, 80, 80, 80, 80,
        80, 10, 80, 80, 80, 80, 80, 80, 80, 80, 10, 80, 80, 80, 80, 80, 80, 80, 80, 10,
};

static tree_case cases[] = {
        /* Files end in a NUL byte ("0\n\0"). */
        {"8em64t-2s2ca2c", 1, {{0, "0-7"}}, dist_single, NULL},
        /* CPU 0 and node 0 offline: online CPUs 4-20, node 1 lists the odd
         * CPUs 1-23; the even online CPUs belong to the offline node. */
        {"offline-cpu0-node0", 1, {{1, "5,7,9,11,13,15,17,19"}}, dist_offline_node0, NULL},
        /* Itanium, no cpu/online (cpu0/online empty), 17 nodes. */
        {"128ia64-17n4s2c",
         17,
         {{0, "0-7"},
          {1, "8-15"},
          {2, "16-23"},
          {3, "24-31"},
          {4, "32-39"},
          {5, "40-47"},
          {6, "48-55"},
          {7, "56-63"},
          {8, "64-71"},
          {9, "72-79"},
          {10, "80-87"},
          {11, "88-95"},
          {12, "96-103"},
          {13, "104-111"},
          {14, "112-119"},
          {15, "120-127"},
          {16, ""}},
         dist_128ia64,
         NULL},
        /* The kernel wrote distance "0": refused (libvirt's schema: 10-255);
         * hwloc has no distances for it either. */
        {"8ia64-2s2c2t", 1, {{0, "0-7"}}, NULL, "node0/distance: distance 0 out of range"},
        {"40intel64-2g2n4c+pci",
         4,
         {{0, "0,4,8,12,16,20,24,28,32,36"},
          {1, "1,5,9,13,17,21,25,29,33,37"},
          {2, "2,6,10,14,18,22,26,30,34,38"},
          {3, "3,7,11,15,19,23,27,31,35,39"}},
         dist_40intel64,
         NULL},
        {"nvidiagpunumanodes",
         8,
         {{0, "0-15"}, {8, "88-103"}, {250, ""}, {251, ""}, {252, ""}, {253, ""}, {254, ""}, {255, ""}},
         dist_nvidia,
         NULL},
};

static void fill_128ia64(void) {
        for (unsigned i = 0; i < 17; i++)
                for (unsigned j = 0; j < 17; j++)
                        dist_128ia64[i * 17 + j] = i == j               ? 10
                                                   : i == 16 || j == 16 ? 14
                                                   : i / 4 == j / 4     ? 17
                                                                        : 20;
}

static char *tree_root(const char *fixtures, const char *name) {
        char *root = NULL;
        cr_assert(asprintf(&root, "%s/hwloc/%s/root", fixtures, name) > 0);
        if (access(root, F_OK) != 0) {
                free(root);
                return NULL;
        }
        return root;
}

static void check_cells(const tree_case *tc, hostcaps_numa *numa) {
        cr_assert_eq(hostcaps_numa_n_cells(numa), tc->n_cells, "%s: cells", tc->name);
        for (size_t i = 0; i < tc->n_cells; i++) {
                cr_expect_eq(hostcaps_numa_cell_id(numa, i), (int)tc->cells[i].id, "%s: cell %zu", tc->name,
                             i);
                cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, i), tc->cells[i].cpus, "%s: node %u CPUs",
                                 tc->name, tc->cells[i].id);
                for (size_t j = 0; j < tc->n_cells; j++)
                        cr_expect_eq(hostcaps_numa_distance(numa, i, j),
                                     tc->distances ? (int)tc->distances[i * tc->n_cells + j] : -ENODATA,
                                     "%s: distance %u -> %u", tc->name, tc->cells[i].id, tc->cells[j].id);
        }
        bool found = !tc->reason;
        for (size_t i = 0; i < hostcaps_numa_n_unknown(numa); i++)
                if (tc->reason && strstr(hostcaps_numa_unknown_reason(numa, i), tc->reason))
                        found = true;
        cr_expect(found, "%s: no reason '%s'", tc->name, tc->reason);
}

Test(hwloc_trees, cells_cpus_distances) {
        TEST_REQUIRE_FIXTURES(fixtures);
        size_t compared = 0;
        fill_128ia64();
        for (size_t c = 0; c < N_OF(cases); c++) {
                char *root = tree_root(fixtures, cases[c].name);
                if (!root) {
                        fprintf(stderr, "SKIP %s: not in the fixtures\n", cases[c].name);
                        continue;
                }
                hostcaps_node *node = NULL;
                hostcaps_numa *numa = NULL;
                cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
                cr_assert_eq(hostcaps_node_get_numa(node, 0, &numa), 0, "%s: %s", cases[c].name,
                             hostcaps_error_message());
                check_cells(&cases[c], numa);
                hostcaps_numa_unref(numa);
                hostcaps_node_unref(node);
                free(root);
                compared++;
        }
        cr_expect_eq(compared, N_OF(cases), "%zu of %zu trees compared", compared, N_OF(cases));
}

/* Every tree gives a whole document in every format, our XML validates
 * against libvirt's schema and loads back to the same document. The CPU
 * section is left out: its own reading of these trees (an empty
 * microcode/version in 40intel64) is not this file's. */
Test(hwloc_trees, whole_documents) {
        TEST_REQUIRE_FIXTURES(fixtures);
        static const hostcaps_format formats[] = {HOSTCAPS_FORMAT_XML, HOSTCAPS_FORMAT_JSON,
                                                  HOSTCAPS_FORMAT_TEXT};
        const unsigned sections = HOSTCAPS_SECTION_ALL & ~HOSTCAPS_SECTION_CPU;
        size_t read = 0;
        for (size_t c = 0; c < N_OF(cases); c++) {
                char *root = tree_root(fixtures, cases[c].name);
                if (!root)
                        continue;
                hostcaps_node *node = NULL;
                cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
                for (size_t f = 0; f < N_OF(formats); f++) {
                        char *doc = NULL;
                        cr_expect_eq(hostcaps_node_get_capabilities(node, sections, 0, formats[f], &doc), 0,
                                     "%s, format %d: %s", cases[c].name, (int)formats[f],
                                     hostcaps_error_message());
                        if (doc && formats[f] == HOSTCAPS_FORMAT_XML) {
                                hostcaps_node *back = NULL;
                                char *again = NULL;
                                cr_assert_eq(hostcaps_node_open_document_data(&back, doc, strlen(doc), 0), 0,
                                             "%s: our document does not load: %s", cases[c].name,
                                             hostcaps_error_message());
                                cr_assert_eq(hostcaps_node_get_capabilities(back, HOSTCAPS_SECTION_NUMA, 0,
                                                                            HOSTCAPS_FORMAT_XML, &again),
                                             0);
                                cr_expect(strstr(doc, "<topology>") && strstr(again, "<topology>"));
                                if (test_have_schema())
                                        test_assert_valid_capabilities(doc);
                                free(again);
                                hostcaps_node_unref(back);
                        }
                        free(doc);
                }
                hostcaps_node_unref(node);
                free(root);
                read++;
        }
        cr_expect_eq(read, N_OF(cases), "%zu of %zu trees read", read, N_OF(cases));
}

/* A missing topology file is named in the message, not an earlier call's failure. */
Test(hwloc_trees, missing_file_message) {
        hostcaps_node *node = NULL;
        cr_assert_lt(hostcaps_node_open(&node, "/nonexistent-hostcaps-root", 0), 0);
        int r = hostcaps_node_open_hwloc(&node, "no-such-topology.xml", 0);
        if (r == -EOPNOTSUPP)
                cr_skip_test("hwloc is not available: %s", hostcaps_error_message());
        cr_assert_eq(r, -ENOENT);
        cr_assert_null(node);
        cr_assert_str_eq(hostcaps_error_message(), "no-such-topology.xml: No such file or directory");
}
