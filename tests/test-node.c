/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The node handle: argument checks, memo slots, stamps, flags, threads. */
#include <pthread.h>

#include "host/error.h"
#include "host/node.h"
#include "host/reader.h"
#include "hostcaps.h"
#include "test-util.h"

static char *root;

/* Two cores, one socket, x86, identity from proc/cpuinfo. */
static void write_tree(const char *online) {
        test_write(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        test_write(root, "proc/cpuinfo",
                   "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
                   "model name\t: Test CPU\nstepping\t: 4\nflags\t\t: fpu sse sse2\n\n");
        test_write(root, "sys/devices/system/cpu/online", online);
        test_write(root, "sys/devices/system/cpu/possible", "0-1\n");
        for (int c = 0; c < 2; c++) {
                char path[128], val[8];
                snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/package_cpus_list", c);
                test_write(root, path, "0-1\n");
                snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/core_cpus_list", c);
                snprintf(val, sizeof(val), "%d\n", c);
                test_write(root, path, val);
        }
}

static void setup(void) {
        root = test_mkdtemp();
        cr_assert(root);
        write_tree("0-1\n");
}

static void teardown(void) {
        test_rm_rf(root);
        free(root);
}

TestSuite(node, .init = setup, .fini = teardown);

Test(node, argument_checks) {
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(NULL, root, 0), -EINVAL);
        cr_assert_eq(hostcaps_node_open(&node, root, 1), -EINVAL);
        cr_assert_null(node);
        cr_assert_eq(hostcaps_node_open(&node, "/nonexistent/dir", 0), -ENOENT);
        cr_assert(strstr(hostcaps_error_message(), "/nonexistent/dir"));
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_cpu(node, 1u << 7, &cpu), -EINVAL);
        cr_assert_null(cpu);
        cr_assert_eq(hostcaps_node_get_cpu(NULL, 0, &cpu), -EINVAL);
        cr_assert_eq(hostcaps_node_get_capabilities(node, 1u << 12, 0, HOSTCAPS_FORMAT_XML, &doc), -EINVAL);
        cr_assert(strstr(hostcaps_error_message(), "section"));
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, (hostcaps_format)9, &doc),
                     -EINVAL);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 1u << 9, HOSTCAPS_FORMAT_XML,
                                                    &doc),
                     -EINVAL);
        cr_assert_null(doc);
        /* Memoized without I/O and probed afresh at once: contradictory. */
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU,
                                                    HOSTCAPS_FLAG_CACHED | HOSTCAPS_FLAG_REFRESH,
                                                    HOSTCAPS_FORMAT_XML, &doc),
                     -EINVAL);
        cr_assert(strstr(hostcaps_error_message(), "contradict"), "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, HOSTCAPS_FLAG_CACHED | HOSTCAPS_FLAG_REFRESH, &cpu),
                     -EINVAL);
        cr_assert_null(doc);
        cr_assert_null(hostcaps_node_unref(node));
        cr_assert_null(hostcaps_node_unref(NULL));
        cr_assert_null(hostcaps_cpu_unref(NULL));
}

Test(node, sections_by_name) {
        cr_assert_str_eq(hostcaps_section_to_string(HOSTCAPS_SECTION_RESCTRL), "resctrl");
        cr_assert_null(hostcaps_section_to_string(HOSTCAPS_SECTION_CPU | HOSTCAPS_SECTION_NUMA));
        cr_assert_eq(hostcaps_section_from_string("memory"), HOSTCAPS_SECTION_MEMORY);
        cr_assert_eq(hostcaps_section_from_string("gpu"), 0);
}

Test(node, memoized_and_refreshed) {
        hostcaps_node *node = NULL;
        hostcaps_cpu *a = NULL, *b = NULL, *c = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &a), 0);
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &b), 0);
        cr_assert_eq(a, b, "the memoized object is served");
        cr_assert_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_CPU), 1);
        cr_assert_eq(hostcaps_node_get_cpu(node, HOSTCAPS_FLAG_REFRESH, &c), 0);
        cr_assert_neq(a, c, "a refresh publishes a new object");
        cr_assert_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_CPU), 2);
        /* The caller's old reference stays valid after the refresh. */
        cr_assert_str_eq(hostcaps_cpu_vendor(a), "Intel");
        hostcaps_cpu_unref(a);
        hostcaps_cpu_unref(b);
        hostcaps_node_unref(node);
        /* ... and after the node is gone. */
        cr_assert_str_eq(hostcaps_cpu_brand(c), "Test CPU");
        hostcaps_cpu_unref(c);
}

Test(node, stamp_detects_offlined_cpu) {
        hostcaps_node *node = NULL;
        hostcaps_cpu *a = NULL, *b = NULL, *c = NULL;
        hostcaps_cpu_topology t;
        char **trace;
        cr_assert_eq(hostcaps_node_open_changing(&node, root), 0);
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &a), 0);
        hostcaps_cpu_topology_get(a, &t);
        cr_assert_eq(t.online_cpus, 2);

        /* CPU 1 goes offline. */
        write_tree("0\n");
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        cr_assert_eq(hostcaps_node_get_cpu(node, HOSTCAPS_FLAG_CACHED, &b), 0);
        trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        cr_assert_null(trace[0], "HOSTCAPS_FLAG_CACHED does no I/O, but opened %s", trace[0]);
        hostcaps_strv_free(trace);
        cr_assert_eq(a, b, "CACHED serves the memo");

        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &c), 0);
        cr_assert_neq(a, c, "the stamp changed: probed again");
        hostcaps_cpu_topology_get(c, &t);
        cr_assert_eq(t.online_cpus, 1);
        cr_assert_eq(t.possible_cpus, 2);
        cr_assert_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_CPU), 2);
        hostcaps_cpu_unref(c);

        /* Unchanged since: served from the memo after the stamp check. */
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &c), 0);
        cr_assert_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_CPU), 2);
        hostcaps_cpu_unref(a);
        hostcaps_cpu_unref(b);
        hostcaps_cpu_unref(c);
        hostcaps_node_unref(node);
}

Test(node, failed_probe_publishes_nothing) {
        hostcaps_node *node = NULL;
        hostcaps_cpu *a = NULL, *b = NULL;
        cr_assert_eq(hostcaps_node_open_changing(&node, root), 0);
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &a), 0);
        write_tree("1-0\n");
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &b), -EINVAL);
        cr_assert_null(b);
        cr_assert(strstr(hostcaps_error_message(), "sys/devices/system/cpu/online"), "%s",
                  hostcaps_error_message());
        cr_assert(strstr(hostcaps_error_message(), "1-0"));
        /* The last good object is still what CACHED serves. */
        cr_assert_eq(hostcaps_node_get_cpu(node, HOSTCAPS_FLAG_CACHED, &b), 0);
        cr_assert_eq(a, b);
        hostcaps_cpu_unref(a);
        hostcaps_cpu_unref(b);
        hostcaps_node_unref(node);
}

#define N_THREADS 16
static hostcaps_node *shared_node;
static pthread_barrier_t barrier;

static void *get_cpu(void *arg) {
        hostcaps_cpu *cpu = NULL;
        (void)arg;
        pthread_barrier_wait(&barrier);
        int r = hostcaps_node_get_cpu(shared_node, 0, &cpu);
        return r == 0 ? cpu : NULL;
}

Test(node, concurrent_first_requests_probe_once) {
        pthread_t t[N_THREADS];
        void *res[N_THREADS];
        cr_assert_eq(hostcaps_node_open_changing(&shared_node, root), 0);
        pthread_barrier_init(&barrier, NULL, N_THREADS);
        for (int i = 0; i < N_THREADS; i++)
                pthread_create(&t[i], NULL, get_cpu, NULL);
        for (int i = 0; i < N_THREADS; i++)
                pthread_join(t[i], &res[i]);
        for (int i = 0; i < N_THREADS; i++) {
                cr_assert_not_null(res[i]);
                cr_assert_eq(res[i], res[0], "every thread got the same object");
        }
        cr_assert_eq(hostcaps_node_n_probes(shared_node, HOSTCAPS_SECTION_CPU), 1);
        for (int i = 0; i < N_THREADS; i++)
                hostcaps_cpu_unref(res[i]);
        pthread_barrier_destroy(&barrier);
        hostcaps_node_unref(shared_node);
}

Test(node, arch_from_meta_and_cpuinfo) {
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_str_eq(hostcaps_node_arch(node), "x86_64");
        cr_assert_not(hostcaps_node_is_live(node));
        cr_assert_str_eq(hostcaps_node_root(node), root);
        hostcaps_node_unref(node);
        test_write(root, "hostcaps-snapshot.txt", "page_size=65536\n");
        test_write(root, "proc/cpuinfo", "processor\t: 0\nCPU implementer\t: 0x41\nFeatures\t: fp asimd\n");
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_str_eq(hostcaps_node_arch(node), "aarch64");
        hostcaps_node_unref(node);
        test_write(root, "hostcaps-snapshot.txt", "page_size=12345\n");
        cr_assert_eq(hostcaps_node_open(&node, root, 0), -EINVAL);
        cr_assert(strstr(hostcaps_error_message(), "page_size"));
}

Test(node, live_host) {
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, NULL, 0), 0);
        cr_assert(hostcaps_node_is_live(node));
        cr_assert_str_eq(hostcaps_node_root(node), "/");
        cr_assert_not_null(hostcaps_node_arch(node));
        hostcaps_node_unref(node);
        cr_assert_eq(hostcaps_node_open(&node, "/", 0), 0);
        cr_assert(hostcaps_node_is_live(node));
        hostcaps_node_unref(node);
}

/* One section that cannot be probed costs that section only; the call says
 * how many failed and why, STRICT makes it all or nothing, and a request
 * whose every section failed fails. */
Test(node, partly_failed_request) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        test_write(root, "sys/devices/system/node/online", "1-0\n");
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        int r = hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU | HOSTCAPS_SECTION_NUMA, 0,
                                               HOSTCAPS_FORMAT_JSON, &doc);
        cr_assert_eq(r, 1, "%d: %s", r, hostcaps_error_message());
        cr_assert(strstr(hostcaps_error_message(), "numa: sys/devices/system/node/online"), "%s",
                  hostcaps_error_message());
        cr_assert(strstr(doc, "\"failed\": true"), "%s", doc);
        cr_assert(strstr(doc, "\"vendor\": \"Intel\""), "%s", doc);
        free(doc);
        doc = NULL;
        /* XML: the CPU is there, NUMA's <topology> is not. */
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU | HOSTCAPS_SECTION_NUMA, 0,
                                                    HOSTCAPS_FORMAT_XML, &doc),
                     1);
        cr_assert(strstr(doc, "<model>") || strstr(doc, "<vendor>"), "%s", doc);
        cr_assert_null(strstr(doc, "<topology>"), "%s", doc);
        free(doc);
        doc = NULL;
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU | HOSTCAPS_SECTION_NUMA,
                                                    HOSTCAPS_FLAG_STRICT, HOSTCAPS_FORMAT_JSON, &doc),
                     -EINVAL);
        cr_assert_null(doc);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_NUMA, 0, HOSTCAPS_FORMAT_TEXT, &doc),
                -EINVAL);
        cr_assert_null(doc);
        cr_assert(strstr(hostcaps_error_message(), "sys/devices/system/node/online"), "%s",
                  hostcaps_error_message());
        /* A success afterwards leaves no stale message behind. */
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_TEXT, &doc), 0);
        cr_assert_null(hostcaps_error_message());
        free(doc);
        hostcaps_node_unref(node);
}

/* A recorded arch is a name, or the recording is refused: never an empty
 * <arch></arch>, never a name cut short. */
Test(node, recorded_arch_must_be_a_name) {
        static const char *const bad[] = {"arch=\n", "arch=x86_64_but_much_longer_than_any_arch_name\n",
                                          "arch=x86 64\n", "arch=<x/>\n"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                hostcaps_node *node = NULL;
                test_write(root, "hostcaps-snapshot.txt", bad[i]);
                cr_assert_eq(hostcaps_node_open(&node, root, 0), -EINVAL, "%s", bad[i]);
                cr_assert(strstr(hostcaps_error_message(), "invalid arch"), "%s", hostcaps_error_message());
        }
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, "", 0), -EINVAL);
        cr_assert_null(node);
}
