/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The memory-state section: free memory and hugepage pools per cell,
 * libvirt's page counts, re-reading on a live host, what it reads. */
#include <json-c/json.h>
#include <unistd.h>

#include "gen/sysroot-gen.h"
#include "hostcaps.h"
#include "host/reader.h"
#include "host/section.h"
#include "test-schema.h"
#include "test-util.h"

TEST_SYSROOT_SUITE(memory, "arch=x86_64\npage_size=4096\n");

static hostcaps_memory *get_memory_at(const char *dir, hostcaps_node **ret_node) {
        hostcaps_node *node = NULL;
        hostcaps_memory *mem = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_memory(node, 0, &mem), 0, "%s", hostcaps_error_message());
        if (ret_node)
                *ret_node = node;
        else
                hostcaps_node_unref(node);
        return mem;
}

static void write_pool(const char *dir, const char *base, unsigned long long size_kib, unsigned long long nr,
                       unsigned long long free_pages) {
        char p[256], v[32];
        snprintf(p, sizeof(p), "%s/hugepages-%llukB/nr_hugepages", base, size_kib);
        snprintf(v, sizeof(v), "%llu\n", nr);
        test_write(dir, p, v);
        snprintf(p, sizeof(p), "%s/hugepages-%llukB/free_hugepages", base, size_kib);
        snprintf(v, sizeof(v), "%llu\n", free_pages);
        test_write(dir, p, v);
        snprintf(p, sizeof(p), "%s/hugepages-%llukB/surplus_hugepages", base, size_kib);
        test_write(dir, p, "0\n");
}

/* Node 0: 8 GiB, 4 GiB free, 512 x 2 MiB (100 free) and 2 x 1 GiB (1 free);
 * node 2 (sparse id): 4 GiB, no hugetlbfs directories. */
static void write_two_nodes(const char *dir) {
        test_write(dir, "sys/devices/system/node/online", "0,2\n");
        test_write(dir, "sys/devices/system/node/node0/meminfo",
                   "Node 0 MemTotal:        8388608 kB\nNode 0 MemFree:         4194304 kB\n"
                   "Node 0 MemUsed:         4194304 kB\nNode 0 HugePages_Total:   512\n"
                   "Node 0 HugePages_Free:    100\n");
        test_write(dir, "sys/devices/system/node/node2/meminfo",
                   "Node 2 MemTotal:        4194304 kB\nNode 2 MemFree:            1000 kB\n");
        write_pool(dir, "sys/devices/system/node/node0/hugepages", 2048, 512, 100);
        write_pool(dir, "sys/devices/system/node/node0/hugepages", 1048576, 2, 1);
        /* What the NUMA section reads, to show this section does not. */
        test_write(dir, "sys/devices/system/node/node0/cpulist", "0\n");
        test_write(dir, "sys/devices/system/node/node0/distance", "10 20\n");
        test_write(dir, "sys/devices/system/node/node2/cpulist", "\n");
        test_write(dir, "sys/devices/system/node/node2/distance", "20 10\n");
        test_write(dir, "sys/devices/system/cpu/online", "0\n");
        test_write(dir, "sys/devices/system/cpu/cpu0/topology/core_id", "0\n");
}

Test(memory, two_nodes_typed) {
        write_two_nodes(root);
        hostcaps_memory *mem = get_memory_at(root, NULL);
        uint64_t v, size, total, free_pages;

        cr_assert_not(hostcaps_memory_is_synthetic(mem));
        cr_expect_eq(hostcaps_memory_base_page_size(mem), 4);
        cr_assert_eq(hostcaps_memory_n_cells(mem), 2);
        cr_expect_eq(hostcaps_memory_cell_id(mem, 1), 2);
        cr_expect_eq(hostcaps_memory_cell_index(mem, 2), 1);
        cr_expect_eq(hostcaps_memory_cell_index(mem, 1), -ENOENT);
        cr_expect_eq(hostcaps_memory_cell_total(mem, 0, &v), 0);
        cr_expect_eq(v, 8388608);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 0, &v), 0);
        cr_expect_eq(v, 4194304);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 1, &v), 0);
        cr_expect_eq(v, 1000);

        cr_assert_eq(hostcaps_memory_cell_n_hugepage_sizes(mem, 0), 2);
        cr_expect_eq(hostcaps_memory_cell_hugepages(mem, 0, 0, &size, &total, &free_pages), 0);
        cr_expect(size == 2048 && total == 512 && free_pages == 100, "%llu %llu %llu",
                  (unsigned long long)size, (unsigned long long)total, (unsigned long long)free_pages);
        cr_expect_eq(hostcaps_memory_cell_hugepages(mem, 0, 1, &size, &total, &free_pages), 0);
        cr_expect(size == 1048576 && total == 2 && free_pages == 1);
        cr_expect_eq(hostcaps_memory_cell_hugepages(mem, 0, 2, &size, NULL, NULL), -EINVAL);
        cr_expect_eq(hostcaps_memory_cell_n_hugepage_sizes(mem, 1), 0);

        /* libvirt's count of base pages: MemTotal less the pools, in pages:
         * (8388608 - 512 * 2048 - 2 * 1048576) / 4; free: MemFree / 4. */
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 4, &total, &free_pages), 0);
        cr_expect_eq(total, 1310720);
        cr_expect_eq(free_pages, 1048576);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 2048, &total, &free_pages), 0);
        cr_expect(total == 512 && free_pages == 100);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 1, 2048, &total, NULL), -ENOENT);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 1, 4, &total, NULL), 0);
        cr_expect_eq(total, 1048576);

        cr_expect_eq(hostcaps_memory_cell_total(NULL, 0, &v), -EINVAL);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 5, &v), -EINVAL);
        hostcaps_memory_unref(mem);
}

Test(memory, xml_with_and_without_numa) {
        hostcaps_node *node = NULL;
        char *xml = NULL;
        write_two_nodes(root);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);

        /* Alone: cells with what this section knows. */
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_MEMORY, 0, HOSTCAPS_FORMAT_XML, &xml),
                0, "%s", hostcaps_error_message());
        cr_expect(strstr(xml, "<topology>\n      <cells num='2'>\n        <cell id='0'>\n"
                              "          <memory unit='KiB'>8388608</memory>\n"
                              "          <pages unit='KiB' size='4'>1310720</pages>\n"
                              "          <pages unit='KiB' size='2048'>512</pages>\n"
                              "          <pages unit='KiB' size='1048576'>2</pages>\n        </cell>\n"
                              "        <cell id='2'>\n          <memory unit='KiB'>4194304</memory>\n"
                              "          <pages unit='KiB' size='4'>1048576</pages>\n        </cell>\n"),
                  "%s", xml);
        cr_expect_null(strstr(xml, "<cpus"));
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);

        /* With NUMA: the pages inside NUMA's cells, after <memory>, before <distances>. */
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_MEMORY | HOSTCAPS_SECTION_NUMA, 0,
                                                    HOSTCAPS_FORMAT_XML, &xml),
                     0, "%s", hostcaps_error_message());
        cr_expect(strstr(xml, "<memory unit='KiB'>8388608</memory>\n"
                              "          <pages unit='KiB' size='4'>1310720</pages>\n"
                              "          <pages unit='KiB' size='2048'>512</pages>\n"
                              "          <pages unit='KiB' size='1048576'>2</pages>\n"
                              "          <distances>\n"),
                  "%s", xml);
        cr_expect_null(strstr(strstr(xml, "</topology>"), "<topology>"), "one <topology>:\n%s", xml);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
        hostcaps_node_unref(node);
}

Test(memory, json_and_text) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        write_two_nodes(root);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_MEMORY, 0, HOSTCAPS_FORMAT_JSON, &doc),
                0);
        struct json_object *j = json_tokener_parse(doc), *m, *cells, *c, *pages, *p, *v;
        cr_assert(j, "%s", doc);
        cr_assert(json_object_object_get_ex(j, "memory", &m));
        cr_assert(json_object_object_get_ex(m, "cells", &cells));
        c = json_object_array_get_idx(cells, 0);
        cr_assert(json_object_object_get_ex(c, "free_kib", &v));
        cr_expect_eq(json_object_get_int64(v), 4194304);
        cr_assert(json_object_object_get_ex(c, "pages", &pages));
        cr_assert_eq(json_object_array_length(pages), 3);
        p = json_object_array_get_idx(pages, 1);
        cr_assert(json_object_object_get_ex(p, "size_kib", &v));
        cr_expect_eq(json_object_get_int64(v), 2048);
        cr_assert(json_object_object_get_ex(p, "free", &v));
        cr_expect_eq(json_object_get_int64(v), 100);
        json_object_put(j);
        free(doc);

        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_MEMORY, 0, HOSTCAPS_FORMAT_TEXT, &doc),
                0);
        cr_expect(strstr(doc, "Memory cells:            2\n"), "%s", doc);
        cr_expect(strstr(doc, "2M: 512/100, 1G: 2/1\n"), "%s", doc);
        cr_expect(strstr(doc, "none\n"), "node 2 has no pools:\n%s", doc);
        free(doc);
        hostcaps_node_unref(node);
}

/* No NUMA in the kernel: one cell 0 from proc/meminfo and the global pools. */
Test(memory, no_numa_in_kernel) {
        test_write(root, "proc/meminfo",
                   "MemTotal:        2097152 kB\nMemFree:         1048576 kB\n"
                   "HugePages_Total:      10\nHugepagesize:       2048 kB\n");
        write_pool(root, "sys/kernel/mm/hugepages", 2048, 10, 5);
        hostcaps_memory *mem = get_memory_at(root, NULL);
        uint64_t v, total, free_pages;
        cr_assert(hostcaps_memory_is_synthetic(mem));
        cr_assert_eq(hostcaps_memory_n_cells(mem), 1);
        cr_expect_eq(hostcaps_memory_cell_id(mem, 0), 0);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 0, &v), 0);
        cr_expect_eq(v, 1048576);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 2048, &total, &free_pages), 0);
        cr_expect(total == 10 && free_pages == 5);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 4, &total, NULL), 0);
        cr_expect_eq(total, (2097152 - 10 * 2048) / 4);
        hostcaps_memory_unref(mem);
}

/* ---- bad input ----------------------------------------------------------- */

/* The read policy: every value of a cell is optional. A bad one is unknown
 * with a reason naming the file and value; the rest of the cell and the
 * other cells stay as they were. */
static hostcaps_memory *memory_with_reason(const char *file, const char *value) {
        hostcaps_memory *mem = get_memory_at(root, NULL);
        if (!file) {
                cr_expect_eq(hostcaps_memory_n_unknown(mem), 0, "%s", hostcaps_memory_unknown_reason(mem, 0));
                return mem;
        }
        cr_assert_eq(hostcaps_memory_n_unknown(mem), 1);
        const char *m = hostcaps_memory_unknown_reason(mem, 0);
        cr_expect(strstr(m, file) && (!value || strstr(m, value)), "%s", m);
        return mem;
}

Test(memory, bad_input) {
        uint64_t v, total, free_pages;
        hostcaps_memory *mem;

        write_two_nodes(root);
        test_write(root, "sys/devices/system/node/node2/meminfo",
                   "Node 2 MemTotal: 4194304 kB\nNode 2 MemFree: -5 kB\n");
        /* A malformed line makes the file bad: neither value is taken from it. */
        mem = memory_with_reason("sys/devices/system/node/node2/meminfo", "-5");
        cr_expect_eq(hostcaps_memory_cell_total(mem, 1, &v), -ENODATA);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 1, &v), -ENODATA);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 0, &v), 0);
        hostcaps_memory_unref(mem);

        /* What old kernels write: MemTotal alone. Free memory unknown. */
        test_write(root, "sys/devices/system/node/node2/meminfo", "Node 2 MemTotal: 4194304 kB\n");
        mem = memory_with_reason("node2/meminfo", "no MemFree line");
        cr_expect_eq(hostcaps_memory_cell_total(mem, 1, &v), 0);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 1, &v), -ENODATA);
        hostcaps_memory_unref(mem);

        test_write(root, "sys/devices/system/node/node2/meminfo", "Node 2 MemTotal 4194304 kB\n");
        mem = memory_with_reason("node2/meminfo", "MemTotal 4194304");
        cr_expect_eq(hostcaps_memory_cell_total(mem, 1, &v), -ENODATA);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 1, &v), -ENODATA);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 1, 4, &total, NULL), -ENODATA);
        hostcaps_memory_unref(mem);

        /* A missing counter is unknown without a word. */
        write_two_nodes(root);
        char *p = NULL;
        cr_assert(asprintf(&p, "%s/sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages",
                           root) > 0);
        cr_assert_eq(unlink(p), 0);
        free(p);
        mem = memory_with_reason(NULL, NULL);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 2048, &total, &free_pages), -ENODATA);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 2048, &total, NULL), 0);
        cr_expect_eq(total, 512);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 1048576, &total, &free_pages), 0);
        hostcaps_memory_unref(mem);

        write_two_nodes(root);
        test_write(root, "sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "12x\n");
        mem = memory_with_reason("hugepages-2048kB/nr_hugepages", "12x");
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 2048, NULL, &free_pages), 0);
        cr_expect_eq(free_pages, 100);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 2048, &total, NULL), -ENODATA);
        /* The base pages are what the pools leave: unknown with a pool. */
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 4, &total, NULL), -ENODATA);
        hostcaps_memory_unref(mem);

        write_two_nodes(root);
        test_write(root, "sys/devices/system/node/node0/hugepages/hugepages-2MB/nr_hugepages", "1\n");
        mem = memory_with_reason("hugepages-2MB", "not a hugepage size");
        cr_expect_eq(hostcaps_memory_cell_n_hugepage_sizes(mem, 0), 2);
        hostcaps_memory_unref(mem);
}

/* issue 19: "hugepages-02048kB" beside "hugepages-2048kB" gave the size
 * twice (a document libvirt's schema and the loader refuse). The kernel
 * prints the size without leading zeros: another spelling is left out. */
Test(memory, size_once) {
        hostcaps_node *node = NULL;
        char *xml = NULL;
        write_two_nodes(root);
        write_pool(root, "sys/devices/system/node/node0/hugepages", 2048, 512, 100);
        test_write(root, "sys/devices/system/node/node0/hugepages/hugepages-02048kB/nr_hugepages", "7\n");
        test_write(root, "sys/devices/system/node/node0/hugepages/hugepages-02048kB/free_hugepages", "7\n");
        hostcaps_memory *mem = memory_with_reason("node0/hugepages/hugepages-02048kB", "not a hugepage size");
        cr_expect_eq(hostcaps_memory_cell_n_hugepage_sizes(mem, 0), 2);
        hostcaps_memory_unref(mem);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_MEMORY, 0, HOSTCAPS_FORMAT_XML, &xml),
                0);
        const char *at = strstr(xml, "size='2048'");
        cr_expect(at && !strstr(at + 1, "size='2048'"), "%s", xml);
        /* What is printed loads back. */
        hostcaps_node *loaded = NULL;
        cr_expect_eq(hostcaps_node_open_document_data(&loaded, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(loaded);
        free(xml);
        hostcaps_node_unref(node);
}

/* ---- what a request reads, and how often -------------------------------- */

static bool is_memory_file(const char *p) {
        const char *node = "sys/devices/system/node/";
        if (strcmp(p, "sys/devices/system/node/online") == 0 || strcmp(p, "proc/meminfo") == 0 ||
            strncmp(p, "sys/kernel/mm/hugepages/", 24) == 0)
                return true;
        if (strncmp(p, node, strlen(node)) != 0)
                return false;
        return (strstr(p, "/meminfo") && !strstr(p, "/hugepages")) || strstr(p, "/hugepages/") ||
               strstr(p, "/nr_hugepages") || strstr(p, "/free_hugepages");
}

Test(memory, reads_only_meminfo_and_hugepage_counters) {
        write_two_nodes(root);
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_MEMORY, 0, HOSTCAPS_FORMAT_XML, &doc),
                0);
        char **trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        size_t n = 0;
        for (; trace[n]; n++)
                cr_expect(is_memory_file(trace[n]), "memory state read %s", trace[n]);
        /* online, 2 meminfo, 2 pool listings, 2 x 2 counters */
        cr_expect_eq(n, 9, "%zu reads", n);
        hostcaps_strv_free(trace);
        free(doc);
        hostcaps_node_unref(node);
}

Test(memory, memoized_on_sysroot) {
        write_two_nodes(root);
        hostcaps_node *node = NULL;
        hostcaps_memory *a = get_memory_at(root, &node), *b = NULL;
        cr_assert_eq(hostcaps_node_get_memory(node, 0, &b), 0);
        cr_expect_eq(a, b, "a recorded root never changes");
        cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_MEMORY), 1);
        hostcaps_memory_unref(a);
        hostcaps_memory_unref(b);
        hostcaps_node_unref(node);
}

Test(memory, live_read_at_every_request) {
        hostcaps_node *node = NULL;
        hostcaps_memory *mem = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, NULL, 0), 0);
        for (unsigned i = 1; i <= 3; i++) {
                cr_assert_eq(hostcaps_node_get_memory(node, i == 3 ? HOSTCAPS_FLAG_CACHED : 0, &mem), 0, "%s",
                             hostcaps_error_message());
                cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_MEMORY), i,
                             "even with FLAG_CACHED");
                mem = hostcaps_memory_unref(mem);
        }
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_MEMORY, 0, HOSTCAPS_FORMAT_JSON, &doc),
                0);
        cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_MEMORY), 4);
        free(doc);
        hostcaps_node_unref(node);
}

/* numactl's free memory is MemFree too; it moves, so within 10%. */
Test(memory, live_agrees_with_numactl) {
        FILE *f = popen("numactl -H 2>/dev/null", "r");
        char line[1024];
        bool any = false;
        hostcaps_memory *mem = get_memory_at(NULL, NULL);
        cr_assert(f);
        while (fgets(line, sizeof(line), f)) {
                unsigned id;
                unsigned long long mb;
                any = true;
                if (sscanf(line, "node %u free: %llu MB", &id, &mb) == 2) {
                        int i = hostcaps_memory_cell_index(mem, id);
                        uint64_t kib, total;
                        cr_assert_geq(i, 0, "node %u", id);
                        cr_assert_eq(hostcaps_memory_cell_free(mem, (size_t)i, &kib), 0);
                        cr_assert_eq(hostcaps_memory_cell_total(mem, (size_t)i, &total), 0);
                        double diff = (double)(kib >> 10) - (double)mb;
                        cr_expect(diff * diff <=
                                          ((double)(total >> 10) * 0.1) * ((double)(total >> 10) * 0.1),
                                  "node %u: %llu MiB free, numactl says %llu", id,
                                  (unsigned long long)(kib >> 10), mb);
                }
        }
        int status = pclose(f);
        hostcaps_memory_unref(mem);
        if (!any || status != 0) {
                fprintf(stderr, "SKIP %s: numactl is not installed or failed\n", __func__);
                cr_skip_test("numactl not available");
        }
}

/* A saved document has the pools but no free counts. */
Test(memory, saved_document) {
        hostcaps_node *node = NULL, *loaded = NULL;
        hostcaps_memory *mem = NULL;
        char *xml = NULL, *again = NULL;
        uint64_t total, v;
        write_two_nodes(root);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_NUMA | HOSTCAPS_SECTION_MEMORY, 0,
                                                    HOSTCAPS_FORMAT_XML, &xml),
                     0);
        cr_assert_eq(hostcaps_node_open_document_data(&loaded, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_memory(loaded, 0, &mem), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_memory_n_cells(mem), 2);
        cr_expect_eq(hostcaps_memory_base_page_size(mem), 4);
        cr_expect_eq(hostcaps_memory_cell_total(mem, 0, &v), 0);
        cr_expect_eq(v, 8388608);
        cr_expect_eq(hostcaps_memory_cell_free(mem, 0, &v), -ENODATA);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 4, &total, NULL), 0);
        cr_expect_eq(total, 1310720);
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 2048, &total, &v), -ENODATA,
                     "no free count in a document");
        cr_expect_eq(hostcaps_memory_cell_pages(mem, 0, 1048576, &total, NULL), 0);
        cr_expect_eq(total, 2);
        cr_assert_eq(hostcaps_node_get_capabilities(loaded, HOSTCAPS_SECTION_NUMA | HOSTCAPS_SECTION_MEMORY,
                                                    0, HOSTCAPS_FORMAT_XML, &again),
                     0);
        cr_expect_str_eq(again, xml, "re-emitted as it was read");
        free(again);
        free(xml);
        hostcaps_memory_unref(mem);
        hostcaps_node_unref(loaded);
        hostcaps_node_unref(node);
}

/* ---- generated sysroots: exact values from the shape --------------------- */

static void check_generated(const char *name, const gen_shape *s) {
        char *dir = test_mkdtemp();
        cr_assert(dir);
        cr_assert_eq(gen_sysroot(dir, s), 0, "%s: the generator failed", name);
        hostcaps_memory *mem = get_memory_at(dir, NULL);
        size_t cell = 0;
        cr_assert_eq(hostcaps_memory_n_cells(mem), gen_n_online_nodes(s), "%s: cells", name);
        for (unsigned i = 0; i < gen_n_nodes(s); i++) {
                static const uint64_t sizes[] = {2048, 1048576};
                uint64_t v, huge_kib = 0, total, free_pages;
                gen_node gn;
                cr_assert_eq(gen_node_get(s, i, &gn), 0);
                if (!gn.online)
                        continue;
                cr_expect_eq(hostcaps_memory_cell_id(mem, cell), (int)gn.id, "%s: cell %zu", name, cell);
                cr_expect_eq(hostcaps_memory_cell_total(mem, cell, &v), 0);
                cr_expect_eq(v, gn.mem_total_kib, "%s: node %u total", name, gn.id);
                cr_expect_eq(hostcaps_memory_cell_free(mem, cell, &v), 0);
                cr_expect_eq(v, gn.mem_free_kib, "%s: node %u free", name, gn.id);
                size_t n_sizes = 0;
                for (size_t k = 0; k < 2; k++) {
                        uint64_t nr, fr, surplus;
                        int e = gen_hugepages(s, i, sizes[k], &nr, &fr, &surplus);
                        int r = hostcaps_memory_cell_pages(mem, cell, sizes[k], &total, &free_pages);
                        if (e == -ENOENT) {
                                cr_expect_eq(r, -ENOENT, "%s: node %u has no %llu kB pool", name, gn.id,
                                             (unsigned long long)sizes[k]);
                                continue;
                        }
                        n_sizes++;
                        cr_expect_eq(r, 0);
                        cr_expect(total == nr && free_pages == fr,
                                  "%s: node %u %llu kB: %llu/%llu, want %llu/%llu", name, gn.id,
                                  (unsigned long long)sizes[k], (unsigned long long)total,
                                  (unsigned long long)free_pages, (unsigned long long)nr,
                                  (unsigned long long)fr);
                        huge_kib += nr * sizes[k];
                }
                cr_expect_eq(hostcaps_memory_cell_n_hugepage_sizes(mem, cell), n_sizes, "%s: node %u", name,
                             gn.id);
                cr_expect_eq(hostcaps_memory_cell_pages(mem, cell, 4, &total, &free_pages), 0);
                cr_expect_eq(total, (gn.mem_total_kib - huge_kib) / 4, "%s: node %u base pages", name, gn.id);
                cr_expect_eq(free_pages, gn.mem_free_kib / 4);
                cell++;
        }
        hostcaps_memory_unref(mem);
        test_rm_rf(dir);
        free(dir);
}

Test(memory, generated_hugepages_memory_only_sparse) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .nodes_per_socket = 2,
                       .memory_only_nodes = 2,
                       .cpuless_memless_nodes = 1,
                       .node_ids = "0,2,5,7,9,11,12",
                       .hugepages = true,
                       .node_memory_kib = 16u << 20};
        check_generated("hugepages", &s);
}

Test(memory, generated_no_hugetlbfs) {
        gen_shape s = {.sockets = 1, .cores_per_cluster = 4, .nodes_per_socket = 2};
        check_generated("no-hugetlbfs", &s);
}
