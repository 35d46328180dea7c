/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fleet exports from the library: HOSTCAPS_FORMAT_NFD and
 * HOSTCAPS_FORMAT_PROMETHEUS through hostcaps_node_get_capabilities(), their
 * values against the shape a generated tree was made from, Kubernetes'
 * label syntax at its edges, labels left out (never rewritten), escaping.
 * Whole expected files of many trees are tests/export.sh's. */
#include <stdio.h>

#include "gen/sysroot-gen.h"
#include "host/export.h"
#include "hostcaps.h"
#include "test-util.h"

static char *dir;

static void cleanup(void) {
        test_rm_rf(dir);
        free(dir);
        dir = NULL;
}

TestSuite(export, .fini = cleanup);

static char *export_of(const char *root, const char *from, unsigned sections, hostcaps_format format) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        int r = from ? hostcaps_node_open_document(&node, from, 0) : hostcaps_node_open(&node, root, 0);
        cr_assert_eq(r, 0, "%s", hostcaps_error_message());
        r = hostcaps_node_get_capabilities(node, sections, HOSTCAPS_FLAG_STRICT, format, &doc);
        cr_assert_eq(r, 0, "%s", hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

/* Whether `doc` holds `line` as a whole line. */
static bool has_line(const char *doc, const char *line) {
        size_t n = strlen(line);
        for (const char *p = doc; (p = strstr(p, line)); p++)
                if ((p == doc || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
                        return true;
        return false;
}

static const gen_shape shape = {
        .sockets = 2,
        .cores_per_cluster = 4,
        .threads_per_core = 2,
        .memory_only_nodes = 1,
        .hugepages = true,
        .node_memory_kib = 8u << 20,
        .resctrl = GEN_RESCTRL_INTEL_CDP,
};

static void generate(void) {
        dir = test_mkdtemp();
        cr_assert(dir);
        cr_assert_eq(gen_sysroot(dir, &shape), 0);
}

Test(export, nfd_values_of_the_shape) {
        char line[128];
        uint64_t total = 0, nr, free_pages;
        generate();
        char *doc = export_of(dir, NULL, HOSTCAPS_SECTION_ALL, HOSTCAPS_FORMAT_NFD);

        cr_expect(has_line(doc, "hostcaps.cpu.arch=x86_64"), "%s", doc);
        snprintf(line, sizeof(line), "hostcaps.cpu.sockets=%u", gen_n_sockets(&shape));
        cr_expect(has_line(doc, line), "no %s", line);
        snprintf(line, sizeof(line), "hostcaps.cpu.cores-per-socket=%u", gen_cores_per_socket(&shape));
        cr_expect(has_line(doc, line), "no %s", line);
        cr_expect(has_line(doc, "hostcaps.cpu.threads-per-core=2"));
        snprintf(line, sizeof(line), "hostcaps.numa.nodes=%u", gen_n_online_nodes(&shape));
        cr_expect(has_line(doc, line), "no %s", line);
        cr_expect(has_line(doc, "hostcaps.numa.memory-only-nodes=1"));
        cr_expect(has_line(doc, "hostcaps.cpu.hugepages.2048KiB=true"));
        cr_expect(has_line(doc, "hostcaps.cpu.hugepages.1048576KiB=true"));
        /* Configured hugepages: the nodes' nr_hugepages summed. */
        for (unsigned i = 0; i < gen_n_online_nodes(&shape); i++) {
                cr_assert_eq(gen_hugepages(&shape, i, 2048, &nr, &free_pages, NULL), 0);
                total += nr;
        }
        snprintf(line, sizeof(line), "hostcaps.memory.hugepages.2048KiB=%llu", (unsigned long long)total);
        cr_expect(has_line(doc, line), "no %s in\n%s", line, doc);
        cr_expect(has_line(doc, "hostcaps.resctrl.l3-cat=true"));
        cr_expect(has_line(doc, "hostcaps.resctrl.l3-cdp=true"));
        cr_expect(has_line(doc, "hostcaps.resctrl.monitoring.llc_occupancy=true"));
        /* Free memory and free pages change all the time: no label has them. */
        cr_expect_null(strstr(doc, "free"), "a volatile value in the labels:\n%s", doc);
        free(doc);
}

Test(export, only_the_requested_sections) {
        generate();
        char *doc = export_of(dir, NULL, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_NFD);
        cr_expect(has_line(doc, "hostcaps.numa.nodes=3"), "%s", doc);
        cr_expect_null(strstr(doc, "hostcaps.cpu."), "%s", doc);
        cr_expect_null(strstr(doc, "hostcaps.resctrl."), "%s", doc);
        free(doc);
        doc = export_of(dir, NULL, HOSTCAPS_SECTION_CPU, HOSTCAPS_FORMAT_PROMETHEUS);
        cr_expect(has_line(doc, "hostcaps_section_present{section=\"cpu\"} 1"), "%s", doc);
        cr_expect_null(strstr(doc, "section=\"numa\""), "%s", doc);
        cr_expect_null(strstr(doc, "hostcaps_numa_"), "%s", doc);
        free(doc);
}

Test(export, prometheus_in_bytes) {
        char line[160];
        uint64_t nr, free_pages;
        generate();
        char *doc = export_of(dir, NULL, HOSTCAPS_SECTION_ALL, HOSTCAPS_FORMAT_PROMETHEUS);
        snprintf(line, sizeof(line), "hostcaps_memory_total_bytes{node=\"0\"} %llu",
                 (unsigned long long)shape.node_memory_kib * 1024);
        cr_expect(has_line(doc, line), "no %s in\n%s", line, doc);
        cr_assert_eq(gen_hugepages(&shape, 1, 1048576, &nr, &free_pages, NULL), 0);
        snprintf(line, sizeof(line), "hostcaps_memory_hugepages_free{node=\"1\",size=\"1073741824\"} %llu",
                 (unsigned long long)free_pages);
        cr_expect(has_line(doc, line), "no %s", line);
        snprintf(line, sizeof(line), "hostcaps_numa_node_distance{node=\"0\",to=\"1\"} %u",
                 gen_distance(&shape, 0, 1));
        cr_expect(has_line(doc, line), "no %s", line);
        cr_expect(has_line(doc, "# TYPE hostcaps_cpu_info gauge"));
        cr_expect(has_line(doc, "hostcaps_resctrl_cache_closids{level=\"3\",type=\"code\"} 8"), "%s", doc);
        /* No unit but the base one in a name. */
        cr_expect_null(strstr(doc, "_kib"));
        cr_expect_null(strstr(doc, "_kb"));
        free(doc);
}

Test(export, unknown_format) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        generate();
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0);
        cr_expect_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, (hostcaps_format)5, &doc),
                     -EINVAL);
        cr_expect_null(doc);
        hostcaps_node_unref(node);
}

Test(export, label_syntax_edges) {
        char s[80];
        memset(s, 'a', 63);
        s[63] = '\0';
        cr_expect(hostcaps_label_valid(s), "63 characters are allowed");
        s[63] = 'a';
        s[64] = '\0';
        cr_expect_not(hostcaps_label_valid(s), "64 characters are not");
        cr_expect(hostcaps_label_valid("sse4.1"));
        cr_expect(hostcaps_label_valid("a"));
        cr_expect(hostcaps_label_valid("Skylake-Client-IBRS"));
        cr_expect(hostcaps_label_valid("llc_occupancy"));
        cr_expect_not(hostcaps_label_valid(""));
        cr_expect_not(hostcaps_label_valid("-a"));
        cr_expect_not(hostcaps_label_valid("a."));
        cr_expect_not(hostcaps_label_valid("_a"));
        cr_expect_not(hostcaps_label_valid("a b"));
        cr_expect_not(hostcaps_label_valid("a/b"));
        cr_expect_not(hostcaps_label_valid("caf\xc3\xa9"));
        cr_expect_not(hostcaps_label_valid("\xc3\xa9t\xc3\xa9"));
}

/* A loaded document naming what Kubernetes cannot take: each such label is
 * left out with a comment saying so, never rewritten; Prometheus takes any
 * value, escaped. */
Test(export, left_out_and_escaped) {
        char path[4096];
        dir = test_mkdtemp();
        cr_assert(dir);
        test_write(dir, "caps.xml",
                   "<capabilities><host><cpu><arch>x86_64</arch><model>A\\\"b c</model><vendor>Intel</vendor>"
                   "<topology sockets='1' dies='1' cores='2' threads='1'/>"
                   "<feature name='sse4.1'/><feature name='bad name'/>"
                   "<feature name='x1234567890123456789012345678901234567890123'/>"
                   "</cpu></host></capabilities>\n");
        test_pathf(path, sizeof(path), "%s/caps.xml", dir);
        char *doc = export_of(NULL, path, HOSTCAPS_SECTION_CPU, HOSTCAPS_FORMAT_NFD);
        cr_expect(has_line(doc, "hostcaps.cpu.feature.sse4.1=true"), "%s", doc);
        cr_expect(has_line(doc,
                           "# hostcaps: left out hostcaps.cpu.model: the value is not a valid Kubernetes "
                           "label value"),
                  "%s", doc);
        cr_expect(has_line(doc, "# hostcaps: left out hostcaps.cpu.feature.bad name: the name is not a valid "
                                "Kubernetes label name"),
                  "%s", doc);
        /* 21 + 43 characters: one too many. */
        cr_expect(has_line(doc, "# hostcaps: left out "
                                "hostcaps.cpu.feature.x1234567890123456789012345678901234567890123: "
                                "the name is longer than 63 characters"),
                  "%s", doc);
        cr_expect_null(strstr(doc, "bad_name"), "a name was rewritten:\n%s", doc);
        cr_expect_null(strstr(doc, "bad-name"), "a name was rewritten:\n%s", doc);
        free(doc);
        doc = export_of(NULL, path, HOSTCAPS_SECTION_CPU, HOSTCAPS_FORMAT_PROMETHEUS);
        cr_expect(
                has_line(doc, "hostcaps_cpu_info{arch=\"x86_64\",vendor=\"Intel\",model=\"A\\\\\\\"b c\"} 1"),
                "%s", doc);
        free(doc);
}
