/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NUMA section: libvirt's recorded trees, hand-written trees, generated
 * sysroots, the live host beside numactl, bad input, and what it reads. */
#include <glob.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sched.h>
#include <unistd.h>

#include "gen/sysroot-gen.h"
#include "hostcaps.h"
#include "host/reader.h"
#include "host/section.h"
#include "test-schema.h"
#include "test-util.h"

extern const hostcaps_section_ops hostcaps_numa_ops;

TEST_SYSROOT_SUITE(numa, "arch=x86_64\npage_size=4096\n");

/* How many of libvirt's recorded trees hwloc reads (checked by hand with
 * lstopo-no-graphics on every vircaps2xml and virhostcpu case). */
#define LIBVIRT_TREES_HWLOC_READS 2

static hostcaps_numa *get_numa_at(const char *dir, hostcaps_node **ret_node) {
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &numa), 0, "%s: %s", dir, hostcaps_error_message());
        if (ret_node)
                *ret_node = node;
        else
                hostcaps_node_unref(node);
        return numa;
}

/* The error of probing NUMA at `root`: asserts it fails and returns the message. */
static const char *numa_error(void) {
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        int r = hostcaps_node_get_numa(node, 0, &numa);
        cr_assert_lt(r, 0, "probing succeeded on bad input");
        cr_assert_null(numa, "a failed get wrote its output");
        hostcaps_node_unref(node);
        return hostcaps_error_message();
}

/* The read policy for an optional value: probing `root` succeeds, and the
 * reasons (joined by newlines) say what is unknown and why. */
static char reasons_buf[4096];
static const char *numa_reasons(hostcaps_numa **ret) {
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = NULL;
        size_t used = 0;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &numa), 0, "an optional value failed the section: %s",
                     hostcaps_error_message());
        reasons_buf[0] = '\0';
        for (size_t i = 0; i < hostcaps_numa_n_unknown(numa); i++)
                used += (size_t)snprintf(reasons_buf + used, sizeof(reasons_buf) - used, "%s\n",
                                         hostcaps_numa_unknown_reason(numa, i));
        if (ret)
                *ret = numa;
        else
                hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
        return reasons_buf;
}

static char *doc_of(hostcaps_node *node, unsigned sections, hostcaps_format format) {
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, format, &doc), 0, "%s",
                     hostcaps_error_message());
        return doc;
}

/* ---- a hand-written host ---------------------------------------------- */

static void write_cpu(const char *dir, unsigned cpu, int socket, int cluster, unsigned core,
                      const char *siblings) {
        char p[256], v[32];
        snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/topology/physical_package_id", cpu);
        snprintf(v, sizeof(v), "%d\n", socket);
        test_write(dir, p, v);
        snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/topology/die_id", cpu);
        test_write(dir, p, "0\n");
        if (cluster != -2) {
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/topology/cluster_id", cpu);
                snprintf(v, sizeof(v), "%d\n", cluster);
                test_write(dir, p, v);
        }
        snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/topology/core_id", cpu);
        snprintf(v, sizeof(v), "%u\n", core);
        test_write(dir, p, v);
        snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);
        snprintf(v, sizeof(v), "%s\n", siblings);
        test_write(dir, p, v);
}

static void write_meminfo(const char *dir, unsigned node, unsigned long long total,
                          unsigned long long free_kib) {
        char p[128], v[256];
        snprintf(p, sizeof(p), "sys/devices/system/node/node%u/meminfo", node);
        snprintf(v, sizeof(v),
                 "Node %u MemTotal:       %llu kB\nNode %u MemFree:        %llu kB\n"
                 "Node %u MemUsed:        %llu kB\nNode %u HugePages_Total:     0\n",
                 node, total, node, free_kib, node, total - free_kib, node);
        test_write(dir, p, v);
}

/* Two sockets of two cores with two threads, numbered as Linux numbers x86
 * CPUs (first threads, then second threads); CPU 6 offline; node 3 has
 * memory only; distances asymmetric; the process may use CPUs 1-3 and
 * nodes 0 and 3. Socket 0's kernel has no cluster_id (before 5.16). */
static void write_two_sockets(const char *dir) {
        test_write(dir, "sys/devices/system/cpu/online", "0-5,7\n");
        test_write(dir, "sys/devices/system/cpu/present", "0-7\n");
        test_write(dir, "sys/devices/system/cpu/possible", "0-15\n");
        write_cpu(dir, 0, 0, -2, 0, "0,4");
        write_cpu(dir, 1, 0, -2, 1, "1,5");
        write_cpu(dir, 2, 1, 8, 0, "2,6"); /* an offline thread is still listed by some kernels */
        write_cpu(dir, 3, 1, 9, 1, "3,7");
        write_cpu(dir, 4, 0, -2, 0, "0,4");
        write_cpu(dir, 5, 0, -2, 1, "1,5");
        write_cpu(dir, 7, 1, 9, 1, "3,7");
        test_write(dir, "sys/devices/system/cpu/cpu6/online", "0\n");
        test_write(dir, "sys/devices/system/cpu/cpu6/node1", "../../node/node1\n");
        test_write(dir, "sys/devices/system/node/online", "0-1,3\n");
        test_write(dir, "sys/devices/system/node/possible", "0-7\n");
        test_write(dir, "sys/devices/system/node/node0/cpulist", "0-1,4-5\n");
        test_write(dir, "sys/devices/system/node/node1/cpulist", "2-3,7\n");
        test_write(dir, "sys/devices/system/node/node3/cpulist", "\n");
        write_meminfo(dir, 0, 16777216, 8000000);
        write_meminfo(dir, 1, 16777216, 9000000);
        write_meminfo(dir, 3, 67108864, 67000000);
        test_write(dir, "sys/devices/system/node/node0/distance", "10 21 17\n");
        test_write(dir, "sys/devices/system/node/node1/distance", "21 10 28\n");
        test_write(dir, "sys/devices/system/node/node3/distance", "17 30 10\n");
        test_write(
                dir, "proc/self/status",
                "Name:\thostcaps\nCpus_allowed:\te\nCpus_allowed_list:\t1-3\n"
                "Mems_allowed:\t00000000,00000009\nMems_allowed_list:\t0,3\nvoluntary_ctxt_switches:\t1\n");
}

static void assert_cpu(const hostcaps_numa_cpu *p, unsigned id, unsigned socket, unsigned cluster,
                       unsigned core, const char *siblings) {
        cr_assert(p, "cpu %u missing", id);
        cr_expect_eq(p->id, id);
        cr_expect_eq(p->socket, socket, "cpu %u socket %u", id, p->socket);
        cr_expect_eq(p->die, 0);
        cr_expect_eq(p->cluster, cluster, "cpu %u cluster %u", id, p->cluster);
        cr_expect_eq(p->core, core, "cpu %u core %u", id, p->core);
        cr_expect_str_eq(p->siblings, siblings, "cpu %u siblings '%s'", id, p->siblings);
}

Test(numa, two_sockets_typed) {
        write_two_sockets(root);
        hostcaps_numa *numa = get_numa_at(root, NULL);
        uint64_t kib;

        cr_assert_not(hostcaps_numa_is_synthetic(numa));
        cr_assert_eq(hostcaps_numa_n_cells(numa), 3);
        cr_expect_eq(hostcaps_numa_cell_id(numa, 0), 0);
        cr_expect_eq(hostcaps_numa_cell_id(numa, 1), 1);
        cr_expect_eq(hostcaps_numa_cell_id(numa, 2), 3);
        cr_expect_eq(hostcaps_numa_cell_id(numa, 3), -EINVAL);
        cr_expect_eq(hostcaps_numa_cell_index(numa, 3), 2);
        cr_expect_eq(hostcaps_numa_cell_index(numa, 2), -ENOENT);

        cr_expect_eq(hostcaps_numa_cell_memory(numa, 0, &kib), 0);
        cr_expect_eq(kib, 16777216);
        cr_expect_eq(hostcaps_numa_cell_memory(numa, 2, &kib), 0);
        cr_expect_eq(kib, 67108864);

        /* Distances by index, as each node's file says (not symmetric). */
        static const int d[3][3] = {{10, 21, 17}, {21, 10, 28}, {17, 30, 10}};
        for (size_t i = 0; i < 3; i++)
                for (size_t j = 0; j < 3; j++)
                        cr_expect_eq(hostcaps_numa_distance(numa, i, j), d[i][j], "distance %zu->%zu", i, j);
        cr_expect_eq(hostcaps_numa_distance(numa, 0, 3), -EINVAL);

        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 0), "0-1,4-5");
        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 1), "2-3,7");
        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 2), "");
        cr_assert_eq(hostcaps_numa_cell_n_cpus(numa, 0), 4);
        cr_assert_eq(hostcaps_numa_cell_n_cpus(numa, 1), 3);
        cr_assert_eq(hostcaps_numa_cell_n_cpus(numa, 2), 0);
        assert_cpu(hostcaps_numa_cell_cpu(numa, 0, 0), 0, 0, 0, 0, "0,4");
        assert_cpu(hostcaps_numa_cell_cpu(numa, 0, 1), 1, 0, 0, 1, "1,5");
        assert_cpu(hostcaps_numa_cell_cpu(numa, 0, 2), 4, 0, 0, 0, "0,4");
        assert_cpu(hostcaps_numa_cell_cpu(numa, 0, 3), 5, 0, 0, 1, "1,5");
        /* CPU 6 is offline: not a sibling, not a cell CPU, no made-up ids. */
        assert_cpu(hostcaps_numa_cell_cpu(numa, 1, 0), 2, 1, 8, 0, "2");
        assert_cpu(hostcaps_numa_cell_cpu(numa, 1, 1), 3, 1, 9, 1, "3,7");
        assert_cpu(hostcaps_numa_cell_cpu(numa, 1, 2), 7, 1, 9, 1, "3,7");
        cr_expect_null(hostcaps_numa_cell_cpu(numa, 1, 3));
        cr_expect_eq(hostcaps_numa_cell_of_cpu(numa, 7), 1);
        cr_expect_eq(hostcaps_numa_cell_of_cpu(numa, 6), -ENOENT);

        cr_expect_str_eq(hostcaps_numa_online_cpus(numa), "0-5,7");
        cr_expect_str_eq(hostcaps_numa_offline_cpus(numa), "6", "present minus online, not possible");
        cr_expect_str_eq(hostcaps_numa_cell_offline_cpus(numa, 1), "6", "placed by its cpu6/node1 link");
        cr_expect_str_eq(hostcaps_numa_cell_offline_cpus(numa, 0), "");

        cr_expect_str_eq(hostcaps_numa_allowed_cpus(numa), "1-3");
        cr_expect_str_eq(hostcaps_numa_allowed_nodes(numa), "0,3");
        cr_expect_str_eq(hostcaps_numa_cell_allowed_cpus(numa, 0), "1");
        cr_expect_str_eq(hostcaps_numa_cell_allowed_cpus(numa, 1), "2-3");
        cr_expect_eq(hostcaps_numa_cell_n_allowed_cpus(numa, 1), 2);
        cr_expect(hostcaps_numa_cell_is_allowed(numa, 0));
        cr_expect_not(hostcaps_numa_cell_is_allowed(numa, 1));
        cr_expect(hostcaps_numa_cell_is_allowed(numa, 2));
        cr_expect(hostcaps_numa_cpu_is_allowed(numa, 2));
        cr_expect_not(hostcaps_numa_cpu_is_allowed(numa, 4));
        cr_expect_not(hostcaps_numa_cpu_is_allowed(numa, 6));

        /* NULL objects and bad indices are errors, never crashes. */
        cr_expect_eq(hostcaps_numa_n_cells(NULL), 0);
        cr_expect_eq(hostcaps_numa_cell_id(NULL, 0), -EINVAL);
        cr_expect_null(hostcaps_numa_cell_cpus(numa, 9));
        cr_expect_eq(hostcaps_numa_cell_memory(numa, 9, &kib), -EINVAL);
        cr_expect_null(hostcaps_numa_unref(NULL));

        hostcaps_numa_unref(numa);
}

Test(numa, two_sockets_xml_json_text) {
        hostcaps_node *node = NULL;
        write_two_sockets(root);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);

        char *xml = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_expect(strstr(xml, "<cells num='3'>"), "%s", xml);
        cr_expect(
                strstr(xml,
                       "<cell id='0'>\n          <memory unit='KiB'>16777216</memory>\n"
                       "          <distances>\n            <sibling id='0' value='10'/>\n"
                       "            <sibling id='1' value='21'/>\n            <sibling id='3' value='17'/>\n"
                       "          </distances>\n          <cpus num='4'>\n"
                       "            <cpu id='0' socket_id='0' die_id='0' cluster_id='0' core_id='0' "
                       "siblings='0,4'/>\n"),
                "%s", xml);
        cr_expect(
                strstr(xml, "<cpu id='2' socket_id='1' die_id='0' cluster_id='8' core_id='0' siblings='2'/>"),
                "%s", xml);
        cr_expect(strstr(xml, "<cell id='3'>\n          <memory unit='KiB'>67108864</memory>"), "%s", xml);
        cr_expect(strstr(xml, "<cpus num='0'/>"), "the memory-only cell has an empty <cpus>:\n%s", xml);
        /* libvirt 9.1 prints cluster_id on every <cpu>: 0 without the file. */
        cr_expect(strstr(xml,
                         "<cpu id='4' socket_id='0' die_id='0' cluster_id='0' core_id='0' siblings='0,4'/>"),
                  "%s", xml);
        cr_expect_null(strstr(xml, "<pages"), "pages belong to the memory section");
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        else
                fprintf(stderr, "SKIP schema validation: libvirt's schemas are not installed\n");
        free(xml);

        char *json = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_JSON);
        struct json_object *j = json_tokener_parse(json), *numa, *cells, *c, *v;
        cr_assert(j, "not JSON:\n%s", json);
        cr_assert(json_object_object_get_ex(j, "numa", &numa));
        cr_assert(json_object_object_get_ex(numa, "cells", &cells));
        cr_assert_eq(json_object_array_length(cells), 3);
        c = json_object_array_get_idx(cells, 1);
        cr_assert(json_object_object_get_ex(c, "offline_cpus", &v));
        cr_expect_str_eq(json_object_get_string(v), "6");
        cr_assert(json_object_object_get_ex(c, "cpu_ids", &v));
        v = json_object_array_get_idx(v, 0);
        cr_assert(json_object_object_get_ex(v, "cluster_id", &v));
        cr_expect_eq(json_object_get_int(v), 8);
        cr_assert(json_object_object_get_ex(numa, "process", &v));
        cr_assert(json_object_object_get_ex(v, "cpus_allowed", &v));
        cr_expect_str_eq(json_object_get_string(v), "1-3");
        json_object_put(j);
        free(json);

        char *text = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_TEXT);
        cr_expect(strstr(text, "NUMA cells:              3"), "%s", text);
        cr_expect(strstr(text, "      3:   17   30   10\n"), "distance row of node 3:\n%s", text);
        cr_expect(strstr(text, "Offline CPUs:            6\n"), "%s", text);
        free(text);
        hostcaps_node_unref(node);
}

/* A kernel without CONFIG_NUMA: libvirt's one cell 0 with every online CPU
 * and the memory of proc/meminfo; ids are the CPUs' own, never made up. */
Test(numa, no_numa_in_kernel) {
        test_write(root, "sys/devices/system/cpu/online", "0-2\n");
        test_write(root, "sys/devices/system/cpu/present", "0-3\n");
        write_cpu(root, 0, 5, -2, 0, "0");
        write_cpu(root, 1, 5, -2, 1, "1");
        write_cpu(root, 2, 5, -2, 2, "2");
        test_write(root, "proc/meminfo",
                   "MemTotal:        8048576 kB\nMemFree:         4000000 kB\n"
                   "MemAvailable:    6000000 kB\n");
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = get_numa_at(root, &node);
        uint64_t kib;
        cr_assert(hostcaps_numa_is_synthetic(numa));
        cr_assert_eq(hostcaps_numa_n_cells(numa), 1);
        cr_expect_eq(hostcaps_numa_cell_id(numa, 0), 0);
        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 0), "0-2");
        cr_expect_eq(hostcaps_numa_cell_memory(numa, 0, &kib), 0);
        cr_expect_eq(kib, 8048576);
        cr_expect_eq(hostcaps_numa_distance(numa, 0, 0), -ENODATA);
        assert_cpu(hostcaps_numa_cell_cpu(numa, 0, 2), 2, 5, 0, 2, "2");
        cr_expect_str_eq(hostcaps_numa_offline_cpus(numa), "3");
        cr_expect_str_eq(hostcaps_numa_cell_offline_cpus(numa, 0), "3");
        cr_expect_null(hostcaps_numa_allowed_cpus(numa), "no proc/self/status recorded");
        cr_expect(hostcaps_numa_cpu_is_allowed(numa, 1), "nothing recorded restricts");
        cr_expect(hostcaps_numa_cell_is_allowed(numa, 0));
        cr_expect_eq(hostcaps_numa_cell_n_allowed_cpus(numa, 0), 3);
        hostcaps_numa_unref(numa);

        char *xml = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_expect(strstr(xml, "<cells num='1'>"), "%s", xml);
        cr_expect(
                strstr(xml, "<cpu id='1' socket_id='5' die_id='0' cluster_id='0' core_id='1' siblings='1'/>"),
                "%s", xml);
        cr_expect_null(strstr(xml, "<distances>"));
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
        char *json = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_JSON);
        cr_expect(strstr(json, "\"synthetic\": true"), "%s", json);
        free(json);
        hostcaps_node_unref(node);
}

/* A recording without meminfo and distances (as libvirt's own test trees):
 * memory unknown, no distances; not an error. */
Test(numa, unrecorded_memory_and_distances) {
        test_write(root, "sys/devices/system/cpu/online", "0\n");
        write_cpu(root, 0, 0, -2, 0, "0");
        test_write(root, "sys/devices/system/node/node0/cpulist", "0\n");
        hostcaps_numa *numa = get_numa_at(root, NULL);
        uint64_t kib = 7;
        cr_assert_eq(hostcaps_numa_n_cells(numa), 1, "nodes found by their directories without node/online");
        cr_expect_eq(hostcaps_numa_cell_memory(numa, 0, &kib), -ENODATA);
        cr_expect_eq(kib, 7, "output written only on success");
        cr_expect_eq(hostcaps_numa_distance(numa, 0, 0), -ENODATA);
        hostcaps_numa_unref(numa);
}

/* ---- bad input: errors name the file and the value --------------------- */

/* A MemTotal whose size in bytes does not fit 64 bits is refused when read
 * (it became "memory_kib": -1 in JSON); up to that, JSON has the true value
 * and the document loads back. */
Test(numa, huge_memory) {
        hostcaps_numa *numa = NULL;
        write_two_sockets(root);
        test_write(root, "sys/devices/system/node/node1/meminfo",
                   "Node 1 MemTotal:       18446744073709551615 kB\nNode 1 MemFree:        1 kB\n");
        const char *m = numa_reasons(&numa);
        cr_expect(strstr(m, "node1/meminfo") && strstr(m, "out of range"), "%s", m);
        hostcaps_numa_unref(numa);
        hostcaps_node *node = NULL, *back = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        char *json = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_JSON);
        cr_expect_null(strstr(json, "\"memory_kib\": -"), "%s", json);
        free(json);
        hostcaps_node_unref(node);

        test_write(root, "sys/devices/system/node/node1/meminfo",
                   "Node 1 MemTotal:       18014398509481983 kB\n");
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        json = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_JSON);
        cr_expect(strstr(json, "\"memory_kib\": 18014398509481983"), "%s", json);
        char *xml = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_assert_eq(hostcaps_node_open_document_data(&back, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        char *again = doc_of(back, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(again, xml);
        free(again);
        free(xml);
        free(json);
        hostcaps_node_unref(back);
        hostcaps_node_unref(node);
}

/* A cell's memory is optional: a bad meminfo makes that cell's memory
 * unknown, with the file and the value in the reason. */
Test(numa, bad_meminfo) {
        hostcaps_numa *numa = NULL;
        uint64_t kib;
        write_two_sockets(root);
        test_write(root, "sys/devices/system/node/node1/meminfo",
                   "Node 1 MemTotal:       lots kB\nNode 1 MemFree:        1 kB\n");
        const char *m = numa_reasons(&numa);
        cr_expect(strstr(m, "sys/devices/system/node/node1/meminfo") && strstr(m, "lots"), "%s", m);
        cr_expect_eq(hostcaps_numa_cell_memory(numa, 1, &kib), -ENODATA);
        cr_expect_eq(hostcaps_numa_cell_memory(numa, 0, &kib), 0, "only node 1's memory is unknown");
        cr_expect_eq(hostcaps_numa_distance(numa, 0, 1), 21);
        hostcaps_numa_unref(numa);

        test_write(root, "sys/devices/system/node/node1/meminfo", "Node 0 MemTotal:       1 kB\n");
        m = numa_reasons(NULL);
        cr_expect(strstr(m, "node1/meminfo") && strstr(m, "Node 0"), "%s", m);

        /* MemTotal alone (old kernels): the NUMA section needs no MemFree. */
        test_write(root, "sys/devices/system/node/node1/meminfo", "Node 1 MemTotal:       1 kB\n");
        m = numa_reasons(&numa);
        cr_expect_str_eq(m, "");
        cr_expect_eq(hostcaps_numa_cell_memory(numa, 1, &kib), 0);
        cr_expect_eq(kib, 1);
        hostcaps_numa_unref(numa);

        test_write(root, "sys/devices/system/node/node1/meminfo", "Node 1 MemFree:       1 kB\n");
        m = numa_reasons(NULL);
        cr_expect(strstr(m, "node1/meminfo") && strstr(m, "MemTotal"), "%s", m);
}

/* Distances are optional as a matrix: a row that fits neither the online
 * nor the possible nodes, a malformed or out-of-range value (libvirt's
 * schema: 10-255), or a row missing where others exist make every distance
 * unknown, never the section. */
Test(numa, bad_distance) {
        static const struct {
                const char *row, *needle;
        } bad[] = {
                {"21 10\n", "2 distances for 3"},
                {"21 ten 28\n", "'ten'"},
                {"21 0 28\n", "distance 0 out of range"},
                {"21 10 256\n", "distance 256 out of range"},
                {"21 10 28 30 40 50 60 70 80\n", "9 distances for 3"},
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                hostcaps_numa *numa = NULL;
                uint64_t kib;
                write_two_sockets(root);
                test_write(root, "sys/devices/system/node/node1/distance", bad[i].row);
                const char *m = numa_reasons(&numa);
                cr_expect(strstr(m, "sys/devices/system/node/node1/distance") && strstr(m, bad[i].needle),
                          "'%s': %s", bad[i].row, m);
                cr_expect_eq(hostcaps_numa_distance(numa, 0, 0), -ENODATA);
                cr_expect_eq(hostcaps_numa_cell_memory(numa, 1, &kib), 0);
                cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 1), "2-3,7");
                hostcaps_numa_unref(numa);
        }

        /* The file must exist in every node when it exists in one. */
        write_two_sockets(root);
        char *p = NULL;
        cr_assert(asprintf(&p, "%s/sys/devices/system/node/node3/distance", root) > 0);
        cr_assert_eq(unlink(p), 0);
        free(p);
        const char *m = numa_reasons(NULL);
        cr_expect(strstr(m, "node3/distance") && strstr(m, "missing"), "%s", m);
}

/* One value per possible node (node/possible 0-7 here: 8 values) is mapped
 * to the online nodes, as a kernel with an offline node writes it. */
Test(numa, distance_row_per_possible_node) {
        hostcaps_numa *numa = NULL;
        write_two_sockets(root);
        test_write(root, "sys/devices/system/node/node0/distance", "10 21 99 17 99 99 99 99\n");
        test_write(root, "sys/devices/system/node/node1/distance", "21 10 99 28 99 99 99 99\n");
        test_write(root, "sys/devices/system/node/node3/distance", "17 30 99 10 99 99 99 99\n");
        cr_expect_str_eq(numa_reasons(&numa), "");
        cr_expect_eq(hostcaps_numa_distance(numa, 0, 2), 17);
        cr_expect_eq(hostcaps_numa_distance(numa, 1, 2), 28);
        cr_expect_eq(hostcaps_numa_distance(numa, 2, 1), 30);
        cr_expect_eq(hostcaps_numa_distance(numa, 2, 2), 10);
        hostcaps_numa_unref(numa);
}

Test(numa, bad_cpulist) {
        /* Required: the online nodes and the topology of the online CPUs. */
        write_two_sockets(root);
        test_write(root, "sys/devices/system/node/online", "0-1,3-\n");
        const char *m = numa_error();
        cr_expect(strstr(m, "sys/devices/system/node/online") && strstr(m, "0-1,3-"), "%s", m);

        write_two_sockets(root);
        test_write(root, "sys/devices/system/cpu/cpu3/topology/thread_siblings_list", "2-1\n");
        m = numa_error();
        cr_expect(strstr(m, "cpu3/topology/thread_siblings_list") && strstr(m, "2-1"), "%s", m);

        /* Optional: a node's CPUs (the cell has none then), the process view. */
        hostcaps_numa *numa = NULL;
        write_two_sockets(root);
        test_write(root, "sys/devices/system/node/node1/cpulist", "7-2\n");
        m = numa_reasons(&numa);
        cr_expect(strstr(m, "sys/devices/system/node/node1/cpulist") && strstr(m, "7-2") &&
                          strstr(m, "reversed"),
                  "%s", m);
        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 1), "");
        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 0), "0-1,4-5");
        cr_expect_eq(hostcaps_numa_distance(numa, 0, 1), 21);
        hostcaps_numa_unref(numa);

        write_two_sockets(root);
        test_write(root, "proc/self/status", "Cpus_allowed_list:\t3-1\nMems_allowed_list:\t0\n");
        m = numa_reasons(&numa);
        cr_expect(strstr(m, "proc/self/status") && strstr(m, "Cpus_allowed_list") && strstr(m, "3-1"), "%s",
                  m);
        cr_expect_null(hostcaps_numa_allowed_cpus(numa));
        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 1), "2-3,7");
        hostcaps_numa_unref(numa);

        test_write(root, "proc/self/status", "Cpus_allowed_list:\t1\n");
        m = numa_reasons(NULL);
        cr_expect(strstr(m, "proc/self/status") && strstr(m, "Mems_allowed_list"), "%s", m);

        /* A node directory without its CPU list: its CPUs are unknown. */
        write_two_sockets(root);
        char *p = NULL;
        cr_assert(asprintf(&p, "%s/sys/devices/system/node/node3/cpulist", root) > 0);
        cr_assert_eq(unlink(p), 0);
        free(p);
        m = numa_reasons(NULL);
        cr_expect(strstr(m, "node3") && strstr(m, "cpulist"), "%s", m);
}

/* A CPU listed by two nodes stays in the first: the document loads back. */
Test(numa, cpu_in_two_nodes) {
        hostcaps_numa *numa = NULL;
        write_two_sockets(root);
        test_write(root, "sys/devices/system/node/node1/cpulist", "1-3,7\n");
        const char *m = numa_reasons(&numa);
        cr_expect(strstr(m, "node1/cpulist") && strstr(m, "CPUs 1 "), "%s", m);
        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 0), "0-1,4-5");
        cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, 1), "2-3,7");
        hostcaps_numa_unref(numa);

        hostcaps_node *node = NULL, *back = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        char *xml = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_assert_eq(hostcaps_node_open_document_data(&back, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        char *again = doc_of(back, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(again, xml);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(again);
        free(xml);
        hostcaps_node_unref(back);
        hostcaps_node_unref(node);
}

/* cpu/online listing CPUs without a cpuN directory: the CPU and NUMA
 * sections count the same CPUs (those with a directory), the rest are
 * reported, never given a topology (8 listed, 4 there gave sockets=2
 * cores=4 threads=2; 0-65535 gave 65532 cores per cluster). */
Test(numa, listed_but_absent_cpus) {
        static const char *const lists[] = {"0-7\n", "0-65535\n"};
        for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
                gen_shape shape = {.sockets = 1, .cores_per_cluster = 4};
                char *dir = test_mkdtemp();
                cr_assert(dir);
                cr_assert_eq(gen_sysroot(dir, &shape), 0);
                test_write(dir, "sys/devices/system/cpu/online", lists[l]);
                hostcaps_node *node = NULL;
                hostcaps_numa *numa = get_numa_at(dir, &node);
                hostcaps_cpu *cpu = NULL;
                hostcaps_cpu_topology t;
                cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
                hostcaps_cpu_topology_get(cpu, &t);
                cr_expect_str_eq(hostcaps_numa_online_cpus(numa), "0-3", "%s", lists[l]);
                cr_expect_str_eq(hostcaps_numa_offline_cpus(numa), "", "%s", lists[l]);
                cr_expect_eq(t.online_cpus, 4, "%s", lists[l]);
                cr_expect_eq(t.sockets, 1, "%s", lists[l]);
                cr_expect_eq(t.cores, 4, "%s", lists[l]);
                cr_expect_eq(t.threads, 1, "%s", lists[l]);
                bool reported = false;
                for (size_t i = 0; i < hostcaps_numa_n_unknown(numa); i++)
                        reported |=
                                strstr(hostcaps_numa_unknown_reason(numa, i), "listed but absent") != NULL;
                cr_expect(reported, "%s: the absent CPUs are not reported", lists[l]);
                hostcaps_cpu_unref(cpu);
                hostcaps_numa_unref(numa);
                hostcaps_node_unref(node);
                test_rm_rf(dir);
                free(dir);
        }
}

/* Thread siblings that span sockets (a broken recording) never give a CPU
 * another socket's ids. */
Test(numa, siblings_across_sockets) {
        hostcaps_numa *numa = NULL;
        write_two_sockets(root);
        test_write(root, "sys/devices/system/cpu/cpu0/topology/thread_siblings_list", "0,2,4\n");
        test_write(root, "sys/devices/system/cpu/cpu0/topology/core_siblings_list", "0-1,4-5\n");
        test_write(root, "sys/devices/system/cpu/cpu2/topology/core_siblings_list", "2-3,7\n");
        test_write(root, "sys/devices/system/cpu/cpu1/topology/core_siblings_list", "0-1,4-5\n");
        test_write(root, "sys/devices/system/cpu/cpu3/topology/core_siblings_list", "2-3,7\n");
        numa_reasons(&numa);
        const hostcaps_numa_cpu *c2 = hostcaps_numa_cell_cpu(numa, 1, 0);
        cr_assert(c2);
        cr_expect_eq(c2->id, 2);
        cr_expect_eq(c2->socket, 1, "cpu 2 took socket %u", c2->socket);
        cr_expect_str_eq(c2->siblings, "2");
        assert_cpu(hostcaps_numa_cell_cpu(numa, 0, 0), 0, 0, 0, 0, "0,4");
        hostcaps_numa_unref(numa);
}

/* ---- what a request reads ---------------------------------------------- */

static bool startswith_str(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_numa_file(const char *p) {
        return startswith_str(p, "sys/devices/system/node/") ||
               startswith_str(p, "sys/devices/system/cpu/online") ||
               startswith_str(p, "sys/devices/system/cpu/present") ||
               strcmp(p, "sys/devices/system/cpu/") == 0 || strcmp(p, "proc/self/status") == 0 ||
               strcmp(p, "proc/meminfo") == 0 ||
               (strstr(p, "sys/devices/system/cpu/cpu") && strstr(p, "/topology/")) ||
               (startswith_str(p, "sys/devices/system/cpu/cpu") && p[strlen(p) - 1] == '/');
}

Test(numa, reads_only_its_files) {
        write_two_sockets(root);
        /* Bait: what other sections read. */
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/size", "32768K\n");
        test_write(root, "sys/fs/resctrl/info/L3/cbm_mask", "fff\n");
        test_write(root, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu lm\n");
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_NUMA, 0, HOSTCAPS_FORMAT_JSON, &doc),
                0);
        char **trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        cr_assert(trace && trace[0]);
        for (size_t i = 0; trace[i]; i++) {
                cr_expect_null(strstr(trace[i], "/cache/"), "NUMA read a cache file: %s", trace[i]);
                cr_expect_null(strstr(trace[i], "resctrl"), "NUMA read a resctrl file: %s", trace[i]);
                cr_expect_null(strstr(trace[i], "cpuid"), "NUMA read CPUID: %s", trace[i]);
                cr_expect_null(strstr(trace[i], "cpuinfo"), "NUMA read cpuinfo: %s", trace[i]);
                cr_expect(is_numa_file(trace[i]), "unexpected read: %s", trace[i]);
        }
        hostcaps_strv_free(trace);
        free(doc);
        hostcaps_node_unref(node);
}

/* A sysroot never changes: probed once. */
Test(numa, memoized_on_sysroot) {
        write_two_sockets(root);
        hostcaps_node *node = NULL;
        hostcaps_numa *a = get_numa_at(root, &node), *b = NULL;
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &b), 0);
        cr_expect_eq(a, b, "the same memoized object");
        cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_NUMA), 1);
        hostcaps_numa_unref(b);
        cr_assert_eq(hostcaps_node_get_numa(node, HOSTCAPS_FLAG_REFRESH, &b), 0);
        cr_expect_neq(a, b);
        cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_NUMA), 2);
        cr_expect_str_eq(hostcaps_numa_cell_cpus(a, 0), "0-1,4-5", "an old reference stays valid");
        hostcaps_numa_unref(a);
        hostcaps_numa_unref(b);
        hostcaps_node_unref(node);
}

/* ---- libvirt's recorded trees ------------------------------------------ */

/* libvirt's tests keep some trees as links to other tests' data; this copy
 * of them has the links as text files holding the target. A temp root with
 * the targets in their place stands in: "../../../virhostcpudata/linux-X/cpu" is
 * virhostcpu/X/root/sys/devices/system/cpu here, and "../linux-Y/system" is
 * vircaps2xml/Y/root/sys/devices/system. NULL (and a reason) when the
 * target is not in this copy. */
static char *map_link(const char *fixtures, const char *text, char **why) {
        char name[256], rest[256], *p = NULL;
        const char *s;
        if ((s = strstr(text, "virhostcpudata/linux-")) &&
            sscanf(s, "virhostcpudata/linux-%255[^/]/%255s", name, rest) == 2)
                cr_assert(asprintf(&p, "%s/libvirt/virhostcpu/%s/root/sys/devices/system/%s", fixtures, name,
                                   rest) > 0);
        else if ((s = strstr(text, "linux-")) && sscanf(s, "linux-%255[^/]/system", name) == 1)
                cr_assert(asprintf(&p, "%s/libvirt/vircaps2xml/%s/root/sys/devices/system", fixtures, name) >
                          0);
        else {
                cr_assert(asprintf(why, "unknown link text '%s'", text) > 0);
                return NULL;
        }
        struct stat st;
        if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
                cr_assert(asprintf(why, "link target %s is not in the fixtures", p) > 0);
                free(p);
                return NULL;
        }
        return p;
}

static char *read_text(const char *path) {
        char *s = test_read_file(path);
        if (s)
                s[strcspn(s, "\n")] = '\0';
        return s;
}

/* A copy, not a link: the reader resolves every link inside the root it
 * reads (RESOLVE_IN_ROOT), so a link out of the temp root would not lead to
 * the fixture. cp -R keeps the tree's own relative links as links. */
static void copy_tree(const char *from, const char *to) {
        char *cmd = NULL;
        cr_assert(asprintf(&cmd, "mkdir -p \"$(dirname '%s')\" && cp -R '%s' '%s'", to, from, to) > 0);
        cr_assert(system(cmd) == 0, "%s failed", cmd);
        free(cmd);
}

/* The root to read for a vircaps2xml case: its own when it holds real
 * directories, else a temp root with the link targets copied in (*ret_tmp
 * set: remove it). */
static char *case_root(const char *fixtures, const char *casedir, char **ret_tmp, char **why) {
        char *sys = NULL, *root_dir = NULL;
        struct stat st, sys_st;
        *ret_tmp = NULL;
        cr_assert(asprintf(&root_dir, "%s/root", casedir) > 0);
        cr_assert(asprintf(&sys, "%s/sys/devices/system", root_dir) > 0);
        if (lstat(sys, &sys_st) < 0) {
                cr_assert(asprintf(why, "%s missing", sys) > 0);
                free(sys);
                free(root_dir);
                return NULL;
        }
        bool plain = S_ISDIR(sys_st.st_mode);
        const char *subs[] = {"cpu", "node"};
        for (size_t i = 0; plain && i < 2; i++) {
                char *p = NULL;
                cr_assert(asprintf(&p, "%s/%s", sys, subs[i]) > 0);
                if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
                        plain = false;
                free(p);
        }
        if (plain) {
                free(sys);
                return root_dir;
        }

        char *tmp = test_mkdtemp(), *dst = NULL;
        cr_assert(tmp);
        bool ok = true;
        if (S_ISREG(sys_st.st_mode)) {
                char *text = read_text(sys), *target = map_link(fixtures, text ? text : "", why);
                free(text);
                if (target) {
                        cr_assert(asprintf(&dst, "%s/sys/devices/system", tmp) > 0);
                        copy_tree(target, dst);
                        free(dst);
                        free(target);
                } else
                        ok = false;
        } else {
                for (size_t i = 0; ok && i < 2; i++) {
                        char *p = NULL, *target = NULL;
                        cr_assert(asprintf(&p, "%s/%s", sys, subs[i]) > 0);
                        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode)) {
                                char *text = read_text(p);
                                target = map_link(fixtures, text ? text : "", why);
                                free(text);
                                ok = target != NULL;
                        } else if (lstat(p, &st) == 0)
                                target = strdup(p);
                        if (target) {
                                cr_assert(asprintf(&dst, "%s/sys/devices/system/%s", tmp, subs[i]) > 0);
                                copy_tree(target, dst);
                                free(dst);
                                free(target);
                        }
                        free(p);
                }
        }
        free(sys);
        free(root_dir);
        if (!ok) {
                test_rm_rf(tmp);
                free(tmp);
                return NULL;
        }
        *ret_tmp = tmp;
        return strdup(tmp);
}

static unsigned xml_uint(xmlNodePtr n, const char *attr) {
        xmlChar *v = xmlGetProp(n, BAD_CAST attr);
        cr_assert(v, "<%s> without %s", (const char *)n->name, attr);
        unsigned r = (unsigned)strtoul((const char *)v, NULL, 10);
        xmlFree(v);
        return r;
}

static xmlNodePtr child(xmlNodePtr n, const char *name) {
        for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
                        return c;
        return NULL;
}

/* The attributes of an element as "name='value' ..." in document order. */
static char *attributes_of(xmlNodePtr n) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        cr_assert(f);
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
                xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
                fprintf(f, "%s%s='%s'", a == n->properties ? "" : " ", (const char *)a->name,
                        v ? (const char *)v : "");
                xmlFree(v);
        }
        fclose(f);
        return out;
}

static xmlNodePtr next_element(xmlNodePtr n, const char *name) {
        for (; n; n = n->next)
                if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
                        return n;
        return NULL;
}

/* The children of `parent` named `name`, serialized one after the other
 * (the documents are parsed without blanks: the same elements give the
 * same text). "" when there are none. */
static char *dump_children(xmlNodePtr parent, const char *name) {
        xmlBufferPtr b = xmlBufferCreate();
        cr_assert(b);
        for (xmlNodePtr c = next_element(parent ? parent->children : NULL, name); c;
             c = next_element(c->next, name)) {
                cr_assert_geq(xmlNodeDump(b, c->doc, c, 0, 0), 0);
                xmlBufferCCat(b, "\n");
        }
        char *s = strdup((const char *)xmlBufferContent(b));
        xmlBufferFree(b);
        cr_assert(s);
        return s;
}

/* Cells and their <cpu> elements equal libvirt's expected document,
 * attribute for attribute (id, socket_id, die_id, cluster_id, core_id,
 * siblings, in libvirt's order). Memory, pages and distances there come
 * from a mock and are not compared. Returns whether the case was compared. */
static bool compare_case(const char *fixtures, const char *casedir, const char *expected, bool *ret_hmat) {
        char *tmp = NULL, *why = NULL, *dir = case_root(fixtures, casedir, &tmp, &why);
        if (!dir) {
                fprintf(stderr, "SKIP %s: %s\n", casedir, why);
                free(why);
                return false;
        }
        xmlDocPtr want = xmlReadFile(expected, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        cr_assert(want, "cannot parse %s", expected);
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0);
        char *ours = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        hostcaps_node_unref(node);
        xmlDocPtr got = xmlReadMemory(ours, (int)strlen(ours), "ours.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        cr_assert(got, "our document does not parse:\n%s", ours);
        xmlNodePtr wc = child(child(child(xmlDocGetRootElement(want), "host"), "topology"), "cells");
        xmlNodePtr gc = child(child(child(xmlDocGetRootElement(got), "host"), "topology"), "cells");
        cr_assert(wc, "%s has no <cells>", expected);
        cr_assert(gc, "%s: our document has no <cells>", casedir);
        cr_expect_eq(xml_uint(gc, "num"), xml_uint(wc, "num"), "%s: cells", casedir);
        size_t n_cpus = 0, n_caches = 0;
        xmlNodePtr w = next_element(wc->children, "cell"), g = next_element(gc->children, "cell");
        for (; w && g; w = next_element(w->next, "cell"), g = next_element(g->next, "cell")) {
                cr_expect_eq(xml_uint(g, "id"), xml_uint(w, "id"), "%s: cell id", casedir);
                xmlNodePtr wp = next_element(child(w, "cpus")->children, "cpu");
                xmlNodePtr gp = next_element(child(g, "cpus")->children, "cpu");
                for (; wp && gp; wp = next_element(wp->next, "cpu"), gp = next_element(gp->next, "cpu")) {
                        char *wa = attributes_of(wp), *ga = attributes_of(gp);
                        cr_expect_str_eq(ga, wa, "%s: cell %u: <cpu %s/> where libvirt has <cpu %s/>",
                                         casedir, xml_uint(w, "id"), ga, wa);
                        free(wa);
                        free(ga);
                        n_cpus++;
                }
                cr_expect(!wp && !gp, "%s: cell %u: %s", casedir, xml_uint(w, "id"),
                          wp ? "CPUs missing" : "CPUs libvirt does not have");
                /* Memory-side caches (HMAT), whole. */
                char *wk = dump_children(w, "cache"), *gk = dump_children(g, "cache");
                cr_expect_str_eq(gk, wk, "%s: cell %u: caches\n%s\nwhere libvirt has\n%s", casedir,
                                 xml_uint(w, "id"), gk, wk);
                n_caches += *wk != '\0';
                free(wk);
                free(gk);
        }
        cr_expect(!w && !g, "%s: cell counts differ", casedir);
        cr_expect_gt(n_cpus, 0, "%s: no <cpu> compared", casedir);
        /* <interconnects> (HMAT latency and bandwidth), whole. */
        char *wi = dump_children(wc->parent, "interconnects"),
             *gi = dump_children(gc->parent, "interconnects");
        cr_expect_str_eq(gi, wi, "%s: interconnects\n%s\nwhere libvirt has\n%s", casedir, gi, wi);
        bool has_hmat = *wi != '\0' || n_caches > 0;
        free(wi);
        free(gi);
        free(ours);
        xmlFreeDoc(got);
        xmlFreeDoc(want);
        fprintf(stderr, "checked %s: %zu <cpu>%s\n", casedir, n_cpus,
                has_hmat ? ", memory-side caches and interconnects" : "");
        if (ret_hmat)
                *ret_hmat = has_hmat;
        if (tmp) {
                test_rm_rf(tmp);
                free(tmp);
        }
        free(dir);
        return true;
}

Test(numa, libvirt_vircaps2xml) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char *pattern = NULL;
        glob_t g;
        cr_assert(asprintf(&pattern, "%s/libvirt/vircaps2xml/*/expected-*.xml", fixtures) > 0);
        if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
                fprintf(stderr, "SKIP %s: no vircaps2xml cases in the fixtures\n", __func__);
                free(pattern);
                cr_skip_test("no vircaps2xml cases");
        }
        char *last = NULL;
        size_t cases = 0, checked = 0, hmat = 0;
        for (size_t i = 0; i < g.gl_pathc; i++) {
                char *casedir = strdup(g.gl_pathv[i]);
                *strrchr(casedir, '/') = '\0';
                /* basic has one expected file per arch: the same tree. */
                if (last && strcmp(last, casedir) == 0) {
                        free(casedir);
                        continue;
                }
                cases++;
                bool has_hmat = false;
                if (compare_case(fixtures, casedir, g.gl_pathv[i], &has_hmat))
                        checked++;
                hmat += has_hmat;
                free(last);
                last = casedir;
        }
        free(last);
        /* Every case is whole (the fixtures README): none may be skipped. */
        cr_expect_eq(checked, cases, "%zu of %zu vircaps2xml cases compared", checked, cases);
        cr_expect_geq(checked, 11);
        /* libvirt's hmat case: caches and interconnects compared, not both empty. */
        cr_expect_geq(hmat, 1, "no case with memory-side caches or interconnects");
        globfree(&g);
        free(pattern);
}

/* ---- the live host beside numactl -H ------------------------------------ */

Test(numa, live_agrees_with_numactl) {
        FILE *f = popen("numactl -H 2>/dev/null", "r");
        char line[4096];
        unsigned n_nodes = 0, ids[256], n_dist_rows = 0;
        bool any = false;
        hostcaps_numa *numa = get_numa_at(NULL, NULL);
        cr_assert(f);
        while (fgets(line, sizeof(line), f)) {
                unsigned id, n;
                int off = 0;
                unsigned long long mb;
                any = true;
                if (sscanf(line, "available: %u nodes", &n) == 1) {
                        cr_expect_eq(hostcaps_numa_n_cells(numa), n, "%s", line);
                } else if (sscanf(line, "node %u cpus:%n", &id, &off) == 1 && off > 0) {
                        int i = hostcaps_numa_cell_index(numa, id);
                        cr_assert_geq(i, 0, "node %u unknown to hostcaps", id);
                        ids[n_nodes++ % 256] = id;
                        /* "0 1 2 3" against "0-3": compare as sets. */
                        size_t k = 0;
                        for (char *save = NULL, *t = strtok_r(line + off, " \n", &save); t;
                             t = strtok_r(NULL, " \n", &save), k++) {
                                const hostcaps_numa_cpu *c = hostcaps_numa_cell_cpu(numa, (size_t)i, k);
                                cr_assert(c, "node %u: numactl lists CPU %s beyond hostcaps' list", id, t);
                                cr_expect_eq(c->id, (unsigned)atoi(t), "node %u", id);
                        }
                        cr_expect_eq(k, hostcaps_numa_cell_n_cpus(numa, (size_t)i), "node %u CPU count", id);
                } else if (sscanf(line, "node %u size: %llu MB", &id, &mb) == 2) {
                        uint64_t kib;
                        int i = hostcaps_numa_cell_index(numa, id);
                        cr_assert_geq(i, 0);
                        cr_assert_eq(hostcaps_numa_cell_memory(numa, (size_t)i, &kib), 0);
                        /* numactl: numa_node_size64() (MemTotal) >> 20. */
                        cr_expect_eq(kib >> 10, mb, "node %u size", id);
                } else if (sscanf(line, " %u:", &id) == 1 && strchr(line, ':')) {
                        int i = hostcaps_numa_cell_index(numa, id);
                        cr_assert_geq(i, 0);
                        size_t j = 0;
                        for (char *save = NULL, *t = strtok_r(strchr(line, ':') + 1, " \n", &save); t;
                             t = strtok_r(NULL, " \n", &save), j++)
                                cr_expect_eq(hostcaps_numa_distance(numa, (size_t)i, j), atoi(t),
                                             "distance %u -> index %zu", id, j);
                        n_dist_rows++;
                }
        }
        int status = pclose(f);
        if (!any || status != 0) {
                hostcaps_numa_unref(numa);
                fprintf(stderr, "SKIP %s: numactl is not installed or failed (status %d)\n", __func__,
                        status);
                cr_skip_test("numactl not available");
        }
        cr_expect_eq(n_dist_rows, n_nodes, "a distance row per node");
        /* numactl lists the nodes in the order of the cells. */
        cr_expect_eq(n_nodes, hostcaps_numa_n_cells(numa));
        for (unsigned k = 0; k < n_nodes && k < 256; k++)
                cr_expect_eq(hostcaps_numa_cell_id(numa, k), (int)ids[k], "numactl's node %u is cell %u",
                             ids[k], k);
        hostcaps_numa_unref(numa);
}

/* On a live host the NUMA object is memoized behind its stamp. */
Test(numa, live_memoized) {
        hostcaps_node *node = NULL;
        hostcaps_numa *a = get_numa_at(NULL, &node), *b = NULL;
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &b), 0);
        cr_expect_eq(a, b, "unchanged stamp: the same object");
        cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_NUMA), 1);
        cr_expect_not(hostcaps_numa_is_synthetic(a) && access("/sys/devices/system/node", F_OK) == 0);
        cr_expect(hostcaps_numa_allowed_cpus(a), "a live host always has proc/self/status");
        hostcaps_numa_unref(a);
        hostcaps_numa_unref(b);
        hostcaps_node_unref(node);
}

/* ---- hwloc's reading of the same tree ------------------------------------ */

/* hwloc's "0x00000001,0xffffffff" (32-bit groups, most significant first)
 * as a kernel CPU list, for comparing with ours. */
static char *hwloc_set_to_list(const char *s) {
        unsigned long long groups[256];
        size_t n = 0;
        char *copy = strdup(s), *save = NULL, *out = calloc(1, 4096);
        size_t len = 0;
        cr_assert(copy && out);
        for (char *t = strtok_r(copy, ",", &save); t && n < 256; t = strtok_r(NULL, ",", &save))
                groups[n++] = strtoull(t, NULL, 16);
        for (size_t g = 0; g < n; g++) {
                unsigned long long w = groups[n - 1 - g];
                for (unsigned b = 0; b < 32; b++)
                        if (w & (1ull << b))
                                len += (size_t)snprintf(out + len, 4096 - len, "%s%zu", len ? "," : "",
                                                        g * 32 + b);
        }
        free(copy);
        return out;
}

/* Our cell's CPUs one by one ("0,1,4"), to compare with hwloc_set_to_list(). */
static char *cell_cpus_flat(hostcaps_numa *numa, size_t i) {
        char *out = calloc(1, 4096);
        size_t len = 0;
        cr_assert(out);
        for (size_t k = 0; k < hostcaps_numa_cell_n_cpus(numa, i); k++)
                len += (size_t)snprintf(out + len, 4096 - len, "%s%u", len ? "," : "",
                                        hostcaps_numa_cell_cpu(numa, i, k)->id);
        return out;
}

typedef struct hwloc_walk {
        hostcaps_numa *numa;
        const char *dir;
        size_t n_nodes, n_pus;
} hwloc_walk;

static const hostcaps_numa_cpu *find_cpu(hostcaps_numa *numa, unsigned id) {
        int i = hostcaps_numa_cell_of_cpu(numa, id);
        if (i < 0)
                return NULL;
        for (size_t k = 0; k < hostcaps_numa_cell_n_cpus(numa, (size_t)i); k++)
                if (hostcaps_numa_cell_cpu(numa, (size_t)i, k)->id == id)
                        return hostcaps_numa_cell_cpu(numa, (size_t)i, k);
        return NULL;
}

static void hwloc_visit(hwloc_walk *w, xmlNodePtr n, int package, int core) {
        for (xmlNodePtr c = n->children; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                        continue;
                if (strcmp((const char *)c->name, "distances2") == 0) {
                        xmlNodePtr idx = child(c, "indexes"), val = child(c, "u64values");
                        xmlChar *kind = xmlGetProp(c, BAD_CAST "name");
                        bool latency = kind && strcmp((const char *)kind, "NUMALatency") == 0;
                        xmlFree(kind);
                        if (!latency || !idx || !val)
                                continue;
                        xmlChar *is = xmlNodeGetContent(idx), *vs = xmlNodeGetContent(val);
                        unsigned ids[64];
                        size_t n_ids = 0, k = 0;
                        for (char *sv = NULL, *t = strtok_r((char *)is, " \n", &sv); t && n_ids < 64;
                             t = strtok_r(NULL, " \n", &sv))
                                ids[n_ids++] = (unsigned)atoi(t);
                        for (char *sv = NULL, *t = strtok_r((char *)vs, " \n", &sv); t;
                             t = strtok_r(NULL, " \n", &sv), k++) {
                                int a = hostcaps_numa_cell_index(w->numa, ids[k / n_ids]);
                                int b = hostcaps_numa_cell_index(w->numa, ids[k % n_ids]);
                                cr_assert(a >= 0 && b >= 0, "%s: hwloc distance between unknown nodes",
                                          w->dir);
                                cr_expect_eq(hostcaps_numa_distance(w->numa, (size_t)a, (size_t)b), atoi(t),
                                             "%s: distance %u -> %u: hwloc says %s", w->dir, ids[k / n_ids],
                                             ids[k % n_ids], t);
                        }
                        xmlFree(is);
                        xmlFree(vs);
                        continue;
                }
                if (strcmp((const char *)c->name, "object") != 0)
                        continue;
                xmlChar *type = xmlGetProp(c, BAD_CAST "type");
                int os = -1;
                xmlChar *osv = xmlGetProp(c, BAD_CAST "os_index");
                if (osv)
                        os = atoi((const char *)osv);
                xmlFree(osv);
                if (xmlStrEqual(type, BAD_CAST "Package"))
                        package = os;
                else if (xmlStrEqual(type, BAD_CAST "Core"))
                        core = os;
                else if (xmlStrEqual(type, BAD_CAST "NUMANode")) {
                        int i = hostcaps_numa_cell_index(w->numa, (unsigned)os);
                        cr_expect_geq(i, 0, "%s: hwloc has node %d, hostcaps does not", w->dir, os);
                        w->n_nodes++;
                        if (i >= 0 && hostcaps_numa_cell_n_cpus(w->numa, (size_t)i) > 0) {
                                /* A memory-only node's set in hwloc is its locality, not its CPUs. */
                                xmlChar *cs = xmlGetProp(c, BAD_CAST "cpuset");
                                char *theirs = hwloc_set_to_list((const char *)cs),
                                     *ours = cell_cpus_flat(w->numa, (size_t)i);
                                cr_expect_str_eq(ours, theirs, "%s: node %d CPUs", w->dir, os);
                                free(theirs);
                                free(ours);
                                xmlFree(cs);
                        }
                        xmlChar *mem = xmlGetProp(c, BAD_CAST "local_memory");
                        uint64_t kib;
                        if (mem && i >= 0 && hostcaps_numa_cell_memory(w->numa, (size_t)i, &kib) == 0)
                                cr_expect_eq(kib * 1024, strtoull((const char *)mem, NULL, 10),
                                             "%s: node %d memory", w->dir, os);
                        xmlFree(mem);
                } else if (xmlStrEqual(type, BAD_CAST "PU")) {
                        const hostcaps_numa_cpu *p = find_cpu(w->numa, (unsigned)os);
                        w->n_pus++;
                        cr_expect(p, "%s: hwloc has PU %d, no hostcaps cell has it", w->dir, os);
                        if (p && package >= 0)
                                cr_expect_eq(p->socket, (unsigned)package, "%s: cpu %d package", w->dir, os);
                        if (p && core >= 0)
                                cr_expect_eq(p->core, (unsigned)core, "%s: cpu %d core", w->dir, os);
                }
                xmlFree(type);
                hwloc_visit(w, c, package, core);
        }
}

/* NUMA cells and CPUs agree with `HWLOC_FSROOT=DIR lstopo-no-graphics
 * --disallowed` (the linux backend alone: the x86 one would run this
 * machine's CPUID). False, with a line saying why, when hwloc is not
 * installed or cannot read the tree. */
/* Whether the comparison ran, and when not, why. */
typedef enum hwloc_result { HWLOC_COMPARED, HWLOC_MISSING, HWLOC_UNREADABLE } hwloc_result;

/* In CI (CI=true) the oracle must be there: a missing lstopo fails the
 * test instead of skipping it. */
static bool in_ci(void) {
        const char *ci = getenv("CI");
        return ci && (strcmp(ci, "true") == 0 || strcmp(ci, "1") == 0);
}

static void require_lstopo(const char *what) {
        if (system("command -v lstopo-no-graphics >/dev/null 2>&1") == 0)
                return;
        cr_assert_not(in_ci(), "%s: lstopo-no-graphics is missing in CI", what);
        fprintf(stderr, "SKIP %s: lstopo-no-graphics is not installed (outside CI)\n", what);
        cr_skip_test("lstopo-no-graphics not installed");
}

static hwloc_result agrees_with_hwloc(const char *dir) {
        char *cmd = NULL, *out = NULL;
        size_t cap = 0, len = 0;
        cr_assert(asprintf(&cmd,
                           "HWLOC_FSROOT='%s' HWLOC_COMPONENTS=linux,-x86 lstopo-no-graphics --disallowed "
                           "--of xml - 2>&1",
                           dir) > 0);
        FILE *f = popen(cmd, "r");
        free(cmd);
        cr_assert(f);
        for (;;) {
                if (len + 4096 > cap) {
                        cap = cap ? cap * 2 : 65536;
                        out = realloc(out, cap);
                        cr_assert(out);
                }
                size_t n = fread(out + len, 1, cap - len - 1, f);
                if (n == 0)
                        break;
                len += n;
        }
        out[len] = '\0';
        int status = pclose(f);
        if (status != 0 || !strstr(out, "<topology")) {
                fprintf(stderr, "SKIP hwloc comparison of %s: lstopo-no-graphics %s\n", dir,
                        status != 0 ? "is not installed or failed" : "gave no topology");
                free(out);
                return status != 0 ? HWLOC_MISSING : HWLOC_UNREADABLE;
        }
        if (strstr(out, "failed to find sysfs cpu topology")) {
                /* libvirt's trees keep only the *_list files; hwloc needs the masks. */
                fprintf(stderr,
                        "SKIP hwloc comparison of %s: hwloc cannot read this tree (it needs the "
                        "topology masks thread_siblings/core_siblings, not only the lists)\n",
                        dir);
                free(out);
                return HWLOC_UNREADABLE;
        }
        char *xml = strstr(out, "<?xml");
        xmlDocPtr doc = xmlReadMemory(xml ? xml : out, (int)strlen(xml ? xml : out), "hwloc.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        cr_assert(doc, "hwloc's XML does not parse");
        hwloc_walk w = {.numa = get_numa_at(dir, NULL), .dir = dir};
        hwloc_visit(&w, xmlDocGetRootElement(doc), -1, -1);
        cr_expect_eq(w.n_nodes, hostcaps_numa_n_cells(w.numa), "%s: hwloc's node count", dir);
        size_t ours = 0;
        for (size_t i = 0; i < hostcaps_numa_n_cells(w.numa); i++)
                ours += hostcaps_numa_cell_n_cpus(w.numa, i);
        cr_expect_eq(w.n_pus, ours, "%s: hwloc's PU count", dir);
        hostcaps_numa_unref(w.numa);
        xmlFreeDoc(doc);
        free(out);
        return HWLOC_COMPARED;
}

Test(numa, libvirt_trees_agree_with_hwloc) {
        TEST_REQUIRE_FIXTURES(fixtures);
        require_lstopo(__func__);
        char *pattern = NULL;
        glob_t g;
        size_t compared = 0;
        cr_assert(asprintf(&pattern, "%s/libvirt/vir{caps2xml,hostcpu}/*/root", fixtures) > 0);
        if (glob(pattern, GLOB_BRACE, NULL, &g) != 0) {
                free(pattern);
                cr_skip_test("no libvirt trees");
        }
        for (size_t i = 0; i < g.gl_pathc; i++) {
                char *tmp = NULL, *why = NULL, *casedir = strdup(g.gl_pathv[i]);
                *strrchr(casedir, '/') = '\0';
                char *dir = case_root(fixtures, casedir, &tmp, &why);
                char *node_dir = NULL;
                struct stat st;
                if (dir)
                        cr_assert(asprintf(&node_dir, "%s/sys/devices/system/node", dir) > 0);
                /* Trees without node data say nothing about NUMA. */
                if (dir && stat(node_dir, &st) == 0 && agrees_with_hwloc(dir) == HWLOC_COMPARED)
                        compared++;
                else if (!dir)
                        fprintf(stderr, "SKIP %s: %s\n", casedir, why);
                free(node_dir);
                free(why);
                if (tmp) {
                        test_rm_rf(tmp);
                        free(tmp);
                }
                free(dir);
                free(casedir);
        }
        fprintf(stderr, "%zu libvirt trees compared with hwloc\n", compared);
        /* The trees hwloc can read (it needs the topology masks, which most
         * of libvirt's trees leave out): a fixture update or a hwloc that
         * reads fewer shows here. */
        cr_expect_geq(compared, LIBVIRT_TREES_HWLOC_READS, "only %zu libvirt trees compared with hwloc",
                      compared);
        globfree(&g);
        free(pattern);
}

/* ---- generated sysroots: exact values from the shape --------------------- */

static char *siblings_of(const gen_shape *s, unsigned cpu) {
        gen_cpu me, other;
        char *out = calloc(1, 1024);
        size_t len = 0;
        cr_assert(out && gen_cpu_get(s, cpu, &me) == 0);
        for (unsigned c = 0; c < gen_n_cpus(s); c++) {
                cr_assert(gen_cpu_get(s, c, &other) == 0);
                if (other.online && other.core_index == me.core_index)
                        len += (size_t)snprintf(out + len, 1024 - len, "%s%u", len ? "," : "", c);
        }
        return out;
}

/* Ascending ids as a kernel list, written here rather than with the
 * library's formatter: "0,8" stays "0,8", "4,5,6" becomes "4-6". */
static char *ids_to_list(const unsigned *ids, size_t n) {
        char *out = calloc(1, 16 * n + 1);
        size_t len = 0;
        cr_assert(out);
        for (size_t i = 0; i < n;) {
                size_t j = i;
                while (j + 1 < n && ids[j + 1] == ids[j] + 1)
                        j++;
                len += (size_t)sprintf(out + len, "%s%u", len ? "," : "", ids[i]);
                if (j > i)
                        len += (size_t)sprintf(out + len, "-%u", ids[j]);
                i = j + 1;
        }
        return out;
}

static char *flat_to_list(const char *flat) {
        unsigned ids[1024];
        size_t n = 0;
        char *copy = strdup(flat), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t && n < 1024; t = strtok_r(NULL, ",", &save))
                ids[n++] = (unsigned)atoi(t);
        free(copy);
        return ids_to_list(ids, n);
}

/* HMAT of a generated tree: every node with memory a target of classes 0
 * and 1 with the generator's initiators and values; a memory-side cache on
 * memory-only nodes. Without shape.hmat: none of it. */
static void check_generated_hmat(const char *name, const gen_shape *s, const hostcaps_numa *numa,
                                 const unsigned *online_index, size_t n_online) {
        for (size_t c = 0; c < n_online; c++) {
                unsigned i = online_index[c];
                gen_node gn;
                cr_assert_eq(gen_node_get(s, i, &gn), 0);
                if (!gen_hmat_target(s, i)) {
                        cr_expect_eq(hostcaps_numa_cell_n_access(numa, c), 0, "%s: node %u access", name,
                                     gn.id);
                        cr_expect_eq(hostcaps_numa_cell_n_caches(numa, c), 0, "%s: node %u caches", name,
                                     gn.id);
                        continue;
                }
                cr_assert_eq(hostcaps_numa_cell_n_access(numa, c), 2, "%s: node %u access classes", name,
                             gn.id);
                char *ini = gen_hmat_initiators(s, i);
                for (size_t k = 0; k < 2; k++) {
                        uint64_t v[4];
                        cr_expect_eq(hostcaps_numa_cell_access_class(numa, c, k), (int)k);
                        cr_expect_str_eq(hostcaps_numa_cell_access_initiators(numa, c, k), ini,
                                         "%s: node %u class %zu initiators", name, gn.id, k);
                        for (int w = 0; w < 4; w++)
                                cr_assert_eq(hostcaps_numa_cell_access_perf(numa, c, k, (hostcaps_numa_perf)w,
                                                                            &v[w]),
                                             0, "%s: node %u class %zu value %d", name, gn.id, k, w);
                        cr_expect_eq(v[0], gen_hmat_latency(s, i, false), "%s: node %u", name, gn.id);
                        cr_expect_eq(v[1], gen_hmat_latency(s, i, true), "%s: node %u", name, gn.id);
                        cr_expect_eq(v[2], 1024ull * gen_hmat_bandwidth(s, i, false), "%s: node %u", name,
                                     gn.id);
                        cr_expect_eq(v[3], 1024ull * gen_hmat_bandwidth(s, i, true), "%s: node %u", name,
                                     gn.id);
                }
                free(ini);
                cr_expect_eq(hostcaps_numa_cell_access_perf(numa, c, 2, HOSTCAPS_NUMA_READ_LATENCY, NULL),
                             -EINVAL);
                if (!gn.memory_only) {
                        cr_expect_eq(hostcaps_numa_cell_n_caches(numa, c), 0, "%s: node %u caches", name,
                                     gn.id);
                        continue;
                }
                cr_assert_eq(hostcaps_numa_cell_n_caches(numa, c), 1, "%s: node %u caches", name, gn.id);
                const hostcaps_numa_cache *m = hostcaps_numa_cell_cache(numa, c, 0);
                cr_expect(m->level == 1 && m->size == GEN_MSC_SIZE && m->line_size == GEN_MSC_LINE,
                          "%s: node %u cache", name, gn.id);
                cr_expect_str_eq(m->associativity, "direct");
                cr_expect_str_eq(m->policy, "writeback");
                cr_expect_null(hostcaps_numa_cell_cache(numa, c, 1));
        }
}

static void check_generated(const char *name, const gen_shape *s) {
        char *dir = test_mkdtemp();
        cr_assert(dir);
        cr_assert_eq(gen_sysroot(dir, s), 0, "%s: the generator failed", name);
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = get_numa_at(dir, &node);
        size_t cell = 0;
        unsigned online_index[1024];
        size_t n_online = 0;

        cr_assert_eq(hostcaps_numa_n_cells(numa), gen_n_online_nodes(s), "%s: cells", name);
        for (unsigned i = 0; i < gen_n_nodes(s); i++) {
                gen_node gn;
                uint64_t kib;
                cr_assert_eq(gen_node_get(s, i, &gn), 0);
                if (!gn.online)
                        continue;
                online_index[n_online++] = i;
                cr_expect_eq(hostcaps_numa_cell_id(numa, cell), (int)gn.id, "%s: cell %zu id", name, cell);
                char *cpus = gen_node_cpulist(s, i);
                cr_expect_str_eq(hostcaps_numa_cell_cpus(numa, cell), cpus, "%s: node %u CPUs", name, gn.id);
                free(cpus);
                cr_expect_eq(hostcaps_numa_cell_memory(numa, cell, &kib), 0);
                cr_expect_eq(kib, gn.mem_total_kib, "%s: node %u memory", name, gn.id);
                cr_expect_eq(hostcaps_numa_cell_n_cpus(numa, cell) == 0, !gn.has_cpus, "%s: node %u", name,
                             gn.id);
                for (size_t k = 0; k < hostcaps_numa_cell_n_cpus(numa, cell); k++) {
                        const hostcaps_numa_cpu *p = hostcaps_numa_cell_cpu(numa, cell, k);
                        gen_cpu gc;
                        cr_assert_eq(gen_cpu_get(s, p->id, &gc), 0);
                        cr_expect(gc.online && gc.node_id == gn.id, "%s: cpu %u", name, p->id);
                        cr_expect_eq(p->socket, gc.socket, "%s: cpu %u socket", name, p->id);
                        cr_expect_eq(p->die, gc.die, "%s: cpu %u die", name, p->id);
                        cr_expect_eq(p->cluster, gc.cluster, "%s: cpu %u cluster", name, p->id);
                        cr_expect_eq(p->core, gc.core, "%s: cpu %u core", name, p->id);
                        char *flat = siblings_of(s, p->id), *sib = flat_to_list(flat);
                        cr_expect_str_eq(p->siblings, sib, "%s: cpu %u siblings", name, p->id);
                        free(flat);
                        free(sib);
                }
                cell++;
        }
        for (size_t a = 0; a < n_online; a++)
                for (size_t b = 0; b < n_online; b++)
                        cr_expect_eq(hostcaps_numa_distance(numa, a, b),
                                     (int)gen_distance(s, online_index[a], online_index[b]),
                                     "%s: distance %zu -> %zu", name, a, b);

        check_generated_hmat(name, s, numa, online_index, n_online);

        /* Offline CPUs: listed apart, in no cell. */
        unsigned off[1024];
        size_t n_off = 0;
        for (unsigned c = 0; c < gen_n_cpus(s) && n_off < 1024; c++)
                if (!gen_cpu_online(s, c)) {
                        off[n_off++] = c;
                        cr_expect_eq(hostcaps_numa_cell_of_cpu(numa, c), -ENOENT,
                                     "%s: offline cpu %u in a cell", name, c);
                }
        char *offs = ids_to_list(off, n_off);
        cr_expect_str_eq(hostcaps_numa_offline_cpus(numa), offs, "%s: offline CPUs", name);
        free(offs);
        char *online = gen_online_cpulist(s);
        cr_expect_str_eq(hostcaps_numa_online_cpus(numa), online, "%s: online", name);
        free(online);

        /* The process view. */
        char *cc = gen_cpuset_cpus(s), *cm = gen_cpuset_mems(s);
        cr_expect_str_eq(hostcaps_numa_allowed_cpus(numa), cc, "%s: allowed CPUs", name);
        cr_expect_str_eq(hostcaps_numa_allowed_nodes(numa), cm, "%s: allowed nodes", name);
        free(cc);
        free(cm);
        hostcaps_numa_unref(numa);

        if (test_have_schema()) {
                char *xml =
                        doc_of(node, HOSTCAPS_SECTION_NUMA | HOSTCAPS_SECTION_MEMORY, HOSTCAPS_FORMAT_XML);
                test_assert_valid_capabilities(xml);
                free(xml);
        }
        hostcaps_node_unref(node);
        hwloc_result hr = agrees_with_hwloc(dir);
        if (hr == HWLOC_MISSING)
                cr_expect_not(in_ci(), "%s: lstopo-no-graphics is missing in CI", name);
        else
                cr_expect_eq(hr, HWLOC_COMPARED, "%s: hwloc cannot read a generated tree", name);
        test_rm_rf(dir);
        free(dir);
}

/* JSON proportionate to XML on a 1024-node tree: distances were one
 * {id, value} object each (a million objects, 1.2 GB and 7.5 s; the document
 * 75 MB against XML's 45 MB). Now one array of values per cell. */
Test(numa, json_size_1024_nodes) {
        gen_shape s = {.sockets = 1, .cores_per_cluster = 2, .memory_only_nodes = 1023};
        char *dir = test_mkdtemp();
        cr_assert(dir);
        cr_assert_eq(gen_sysroot(dir, &s), 0);
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0);
        char *xml = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        char *json = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_JSON);
        size_t xl = strlen(xml), jl = strlen(json);
        fprintf(stderr, "FIGURES numa 1024 nodes: XML %zu bytes, JSON %zu bytes\n", xl, jl);
        cr_expect_leq(jl, xl, "JSON %zu bytes against XML's %zu", jl, xl);
        cr_expect(strstr(json, "\"distances\": [\n          10,\n"), "distances as values");
        free(xml);
        free(json);
        hostcaps_node_unref(node);
        test_rm_rf(dir);
        free(dir);
}

/* What real kernels and recorders write (tests/gen's quirks), each alone
 * and all together: the same cells, CPUs, ids and distances as without. */
Test(numa, generated_quirks) {
        static const struct {
                const char *name;
                unsigned quirks;
        } quirks[] = {
                {"nul", GEN_QUIRK_NUL},
                {"empty-cpu-online", GEN_QUIRK_EMPTY_CPU_ONLINE},
                {"distance-per-possible-node", GEN_QUIRK_DISTANCE_POSSIBLE},
                {"listed-absent", GEN_QUIRK_LISTED_ABSENT},
                {"all", GEN_QUIRK_NUL | GEN_QUIRK_EMPTY_CPU_ONLINE | GEN_QUIRK_DISTANCE_POSSIBLE |
                                GEN_QUIRK_LISTED_ABSENT},
        };
        for (size_t i = 0; i < ELEMENTSOF(quirks); i++) {
                gen_shape s = {.sockets = 2,
                               .cores_per_cluster = 4,
                               .threads_per_core = 2,
                               .nodes_per_socket = 2,
                               .memory_only_nodes = 1,
                               .cpuless_memless_nodes = 2,
                               .quirks = quirks[i].quirks};
                check_generated(quirks[i].name, &s);
        }
}

/* ---- the read policy: one optional file at a time ---------------------- */

#define MAX_VIEW 16

/* Every value of the section as "key=value" lines, one a value: a cell's
 * CPUs (list and ids), a cell's memory, the distance matrix, the process
 * view. Two views differ exactly in the values that differ. */
typedef struct numa_view {
        char *key[MAX_VIEW], *value[MAX_VIEW];
        size_t n;
        char *reasons;
} numa_view;

static void view_add(numa_view *v, char *key, char *value) {
        cr_assert_lt(v->n, MAX_VIEW);
        v->key[v->n] = key;
        v->value[v->n++] = value;
}

static numa_view view_of(const char *dir) {
        numa_view v = {0};
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = get_numa_at(dir, &node);
        char *k, *val, *dist = NULL, *reasons = NULL;
        size_t dl = 0, rl = 0;
        FILE *df = open_memstream(&dist, &dl), *rf = open_memstream(&reasons, &rl);
        for (size_t i = 0; i < hostcaps_numa_n_cells(numa); i++) {
                uint64_t kib;
                size_t len = 0;
                char *ids = NULL;
                FILE *f = open_memstream(&ids, &len);
                fprintf(f, "%s:", hostcaps_numa_cell_cpus(numa, i));
                for (size_t c = 0; c < hostcaps_numa_cell_n_cpus(numa, i); c++) {
                        const hostcaps_numa_cpu *p = hostcaps_numa_cell_cpu(numa, i, c);
                        fprintf(f, " %u/%u/%u/%u/%u/%s", p->id, p->socket, p->die, p->cluster, p->core,
                                p->siblings);
                }
                fclose(f);
                cr_assert(asprintf(&k, "cell%d.cpus", hostcaps_numa_cell_id(numa, i)) > 0);
                view_add(&v, k, ids);
                cr_assert(asprintf(&k, "cell%d.memory", hostcaps_numa_cell_id(numa, i)) > 0);
                if (hostcaps_numa_cell_memory(numa, i, &kib) == 0)
                        cr_assert(asprintf(&val, "%llu", (unsigned long long)kib) > 0);
                else
                        val = strdup("unknown");
                view_add(&v, k, val);
                for (size_t j = 0; j < hostcaps_numa_n_cells(numa); j++)
                        fprintf(df, "%d ", hostcaps_numa_distance(numa, i, j));
        }
        fclose(df);
        view_add(&v, strdup("distances"), dist);
        const char *a = hostcaps_numa_allowed_cpus(numa), *m = hostcaps_numa_allowed_nodes(numa);
        cr_assert(asprintf(&val, "%s/%s", a ? a : "unknown", m ? m : "unknown") > 0);
        view_add(&v, strdup("allowed"), val);
        for (size_t i = 0; i < hostcaps_numa_n_unknown(numa); i++)
                fprintf(rf, "%s\n", hostcaps_numa_unknown_reason(numa, i));
        fclose(rf);
        v.reasons = reasons;
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
        return v;
}

static void view_done(numa_view *v) {
        for (size_t i = 0; i < v->n; i++) {
                free(v->key[i]);
                free(v->value[i]);
        }
        free(v->reasons);
}

/* A generated tree; each optional file in turn removed or corrupted: the
 * section is still read, exactly the value that file holds goes unknown
 * (or keeps its value where an older file stands in), the rest is as
 * before, and a corrupted file (not an absent one) leaves a reason naming
 * it. Required files fail the section instead (bad_cpulist). */
Test(numa, each_optional_file_alone) {
        static const struct {
                const char *path;    /* below sys/devices/system or proc */
                const char *content; /* NULL: removed */
                const char *changes; /* the one key that changes, NULL: none */
        } cases[] = {
                {"sys/devices/system/node/node1/meminfo", "Node 1 MemTotal: lots kB\n", "cell1.memory"},
                {"sys/devices/system/node/node1/meminfo", "", "cell1.memory"},
                {"sys/devices/system/node/node1/meminfo", NULL, "cell1.memory"},
                {"sys/devices/system/node/node1/distance", "21 x\n", "distances"},
                {"sys/devices/system/node/node1/distance", "21 10 17 4\n", "distances"},
                {"sys/devices/system/node/node1/distance", "", "distances"},
                {"sys/devices/system/node/node1/distance", NULL, "distances"},
                {"sys/devices/system/node/node1/cpulist", "3-1\n", "cell1.cpus"},
                {"sys/devices/system/node/node1/cpulist", NULL, NULL}, /* cpumap stands in */
                {"sys/devices/system/node/node1/cpumap", NULL, NULL},  /* cpulist is read first */
                {"proc/self/status", "Cpus_allowed_list:\tzero\nMems_allowed_list:\t0\n", "allowed"},
                {"proc/self/status", NULL, "allowed"},
                {"sys/devices/system/cpu/cpu2/topology/die_id", NULL, NULL}, /* die 0 either way */
                {"sys/devices/system/cpu/cpu2/topology/cluster_id", NULL, NULL},
                {"sys/devices/system/node/possible", NULL, NULL}, /* rows are per online node */
        };
        gen_shape shape = {
                .sockets = 2, .cores_per_cluster = 2, .threads_per_core = 2, .memory_only_nodes = 1};
        char *dir = test_mkdtemp();
        cr_assert(dir);
        cr_assert_eq(gen_sysroot(dir, &shape), 0);
        numa_view base = view_of(dir);
        cr_expect_str_eq(base.reasons, "", "the generated tree is whole");
        for (size_t c = 0; c < ELEMENTSOF(cases); c++) {
                char *path = NULL, *saved = NULL, *sidecar = NULL;
                cr_assert(asprintf(&path, "%s/%s", dir, cases[c].path) > 0);
                cr_assert(asprintf(&saved, "%s.saved", path) > 0);
                cr_assert_eq(rename(path, saved), 0, "%s", path);
                if (cases[c].content)
                        test_write(dir, cases[c].path, cases[c].content);
                numa_view v = view_of(dir);
                for (size_t i = 0; i < base.n; i++) {
                        bool may_change = cases[c].changes && strcmp(base.key[i], cases[c].changes) == 0;
                        cr_assert_lt(i, v.n);
                        cr_expect_str_eq(v.key[i], base.key[i]);
                        if (may_change)
                                cr_expect_str_neq(v.value[i], base.value[i], "%s '%s': %s kept its value",
                                                  cases[c].path,
                                                  cases[c].content ? cases[c].content : "(removed)",
                                                  base.key[i]);
                        else
                                cr_expect_str_eq(
                                        v.value[i], base.value[i], "%s '%s': %s changed", cases[c].path,
                                        cases[c].content ? cases[c].content : "(removed)", base.key[i]);
                }
                const char *file = strrchr(cases[c].path, '/') + 1;
                if (cases[c].content && cases[c].changes)
                        cr_expect(strstr(v.reasons, file), "%s '%s': no reason names it: %s", cases[c].path,
                                  cases[c].content, v.reasons);
                view_done(&v);
                cr_assert_eq(rename(saved, path), 0);
                free(sidecar);
                free(saved);
                free(path);
        }
        view_done(&base);
        test_rm_rf(dir);
        free(dir);
}

Test(numa, generated_sub_numa_clustering) {
        gen_shape s = {.sockets = 2, .cores_per_cluster = 8, .threads_per_core = 2, .nodes_per_socket = 2};
        check_generated("snc", &s);
}

Test(numa, generated_asymmetric_memory_only_sparse) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .nodes_per_socket = 2,
                       .memory_only_nodes = 2,
                       .cpuless_memless_nodes = 1,
                       .node_ids = "0,2,5,7,9,11,12",
                       .asymmetric_distances = true};
        check_generated("asymmetric-memory-only-sparse", &s);
}

Test(numa, generated_hmat) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .nodes_per_socket = 2,
                       .memory_only_nodes = 3,
                       .node_ids = "0,2,5,7,9,11,12",
                       .hmat = true};
        check_generated("hmat", &s);
}

Test(numa, generated_offline_cpus) {
        gen_shape s = {
                .sockets = 2, .cores_per_cluster = 4, .threads_per_core = 2, .offline_cpus = "3,9-10,15"};
        check_generated("offline", &s);
}

Test(numa, generated_narrow_cpuset) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .nodes_per_socket = 2,
                       .cpuset_cpus = "1-3,9",
                       .cpuset_mems = "0"};
        check_generated("cpuset", &s);
        /* And what a scheduler sees of it. */
        char *dir = test_mkdtemp();
        cr_assert_eq(gen_sysroot(dir, &s), 0);
        hostcaps_numa *numa = get_numa_at(dir, NULL);
        cr_expect_str_eq(hostcaps_numa_cell_allowed_cpus(numa, 0), "1,9");
        cr_expect_str_eq(hostcaps_numa_cell_allowed_cpus(numa, 1), "2-3");
        cr_expect_eq(hostcaps_numa_cell_n_allowed_cpus(numa, 2), 0);
        cr_expect(hostcaps_numa_cell_is_allowed(numa, 0));
        cr_expect_not(hostcaps_numa_cell_is_allowed(numa, 1));
        hostcaps_numa_unref(numa);
        test_rm_rf(dir);
        free(dir);
}

Test(numa, generated_dies_clusters) {
        gen_shape s = {.sockets = 2,
                       .dies_per_socket = 2,
                       .clusters_per_die = 2,
                       .cores_per_cluster = 2,
                       .threads_per_core = 2,
                       .nodes_per_socket = 2};
        check_generated("dies-clusters", &s);
}

Test(numa, generated_old_kernel) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 3,
                       .threads_per_core = 2,
                       .no_cpu_lists = true,
                       .offline_cpus = "4"};
        check_generated("old-kernel", &s);
}

Test(numa, generated_aarch64) {
        gen_shape s = {.arch = "aarch64",
                       .sockets = 1,
                       .clusters_per_die = 4,
                       .cores_per_cluster = 4,
                       .nodes_per_socket = 2};
        check_generated("aarch64", &s);
}

/* ---- a saved document read back ------------------------------------------ */

Test(numa, saved_document_round_trip) {
        hostcaps_node *node = NULL, *loaded = NULL;
        hostcaps_numa *a = NULL, *b = NULL;
        write_two_sockets(root);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        char *xml = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_assert_eq(hostcaps_node_open_document_data(&loaded, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &a), 0);
        cr_assert_eq(hostcaps_node_get_numa(loaded, 0, &b), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_numa_n_cells(b), hostcaps_numa_n_cells(a));
        for (size_t i = 0; i < hostcaps_numa_n_cells(a); i++) {
                uint64_t ka, kb;
                cr_expect_eq(hostcaps_numa_cell_id(b, i), hostcaps_numa_cell_id(a, i));
                cr_expect_str_eq(hostcaps_numa_cell_cpus(b, i), hostcaps_numa_cell_cpus(a, i));
                cr_expect(hostcaps_numa_cell_memory(a, i, &ka) == 0 &&
                          hostcaps_numa_cell_memory(b, i, &kb) == 0 && ka == kb);
                for (size_t j = 0; j < hostcaps_numa_n_cells(a); j++)
                        cr_expect_eq(hostcaps_numa_distance(b, i, j), hostcaps_numa_distance(a, i, j));
                for (size_t k = 0; k < hostcaps_numa_cell_n_cpus(a, i); k++) {
                        const hostcaps_numa_cpu *p = hostcaps_numa_cell_cpu(a, i, k),
                                                *q = hostcaps_numa_cell_cpu(b, i, k);
                        cr_assert(q);
                        cr_expect(p->id == q->id && p->socket == q->socket && p->die == q->die &&
                                  p->core == q->core);
                        cr_expect_str_eq(p->siblings, q->siblings);
                }
        }
        /* The document has neither offline CPUs nor the process view. */
        cr_expect_null(hostcaps_numa_offline_cpus(b));
        cr_expect_null(hostcaps_numa_allowed_cpus(b));
        char *again = doc_of(loaded, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(again, xml, "re-emitted as it was read");
        free(again);
        free(xml);
        hostcaps_numa_unref(a);
        hostcaps_numa_unref(b);
        hostcaps_node_unref(loaded);
        hostcaps_node_unref(node);
}

static const char *load_error(const char *doc) {
        hostcaps_node *node = NULL;
        cr_assert_lt(hostcaps_node_open_document_data(&node, doc, strlen(doc), 0), 0,
                     "loading succeeded:\n%s", doc);
        cr_assert_null(node);
        return hostcaps_error_message();
}

Test(numa, saved_document_bad) {
#define DOC(cells)                                                                                           \
        "<capabilities>\n<host>\n<cpu><arch>x86_64</arch></cpu>\n<topology>\n" cells                         \
        "</topology>\n</host>\n</capabilities>\n"
        const char *m = load_error(DOC("<cells num='2'>\n<cell id='0'><cpus num='0'/></cell>\n</cells>\n"));
        cr_expect(strstr(m, "document:5") && strstr(m, "num='2'"), "%s", m);
        m = load_error(
                DOC("<cells num='1'>\n<cell id='0'>\n<distances><sibling id='4' value='10'/></distances>\n"
                    "</cell>\n</cells>\n"));
        cr_expect(strstr(m, "document:7") && strstr(m, "id='4'"), "%s", m);
        m = load_error(DOC("<cells num='1'>\n<cell id='0'>\n<cpus num='1'>\n<cpu id='0' siblings='3-1'/>\n"
                           "</cpus>\n</cell>\n</cells>\n"));
        cr_expect(strstr(m, "document:8") && strstr(m, "3-1"), "%s", m);
        m = load_error(DOC("<cells num='2'>\n<cell id='0'/>\n<cell id='0'/>\n</cells>\n"));
        cr_expect(strstr(m, "id='0'") && strstr(m, "repeated or out of order"), "%s", m);
        m = load_error(DOC("<cells num='1'>\n<cell id='58772'/>\n</cells>\n"));
        cr_expect(strstr(m, "id='58772'") && strstr(m, "limit"), "%s", m);
#undef DOC
}

/* A narrower affinity is a different process view: the stamp sees it. */
Test(numa, live_affinity_change_reprobes) {
        cpu_set_t old, one;
        hostcaps_node *node = NULL;
        hostcaps_numa *a = get_numa_at(NULL, &node), *b = NULL;
        cr_assert_eq(sched_getaffinity(0, sizeof(old), &old), 0);
        if (CPU_COUNT(&old) < 2) {
                hostcaps_numa_unref(a);
                hostcaps_node_unref(node);
                fprintf(stderr, "SKIP %s: this process may run on one CPU only\n", __func__);
                cr_skip_test("one CPU allowed");
        }
        int first = -1;
        for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
                if (CPU_ISSET(c, &old))
                        first = c;
        CPU_ZERO(&one);
        CPU_SET(first, &one);
        cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
        int r = hostcaps_node_get_numa(node, 0, &b);
        cr_assert_eq(sched_setaffinity(0, sizeof(old), &old), 0);
        cr_assert_eq(r, 0);
        cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_NUMA), 2, "the stamp missed the change");
        char want[16];
        snprintf(want, sizeof(want), "%d", first);
        /* proc/self/status shows the main thread: the test's thread here. */
        if (gettid() == getpid())
                cr_expect_str_eq(hostcaps_numa_allowed_cpus(b), want);
        hostcaps_numa_unref(a);
        hostcaps_numa_unref(b);
        hostcaps_node_unref(node);
}

/* ---- HMAT: odd files, cost, saved documents ------------------------------ */

/* Two sockets, a node per socket and one memory-only node (2): HMAT on. */
static const gen_shape hmat_shape = {
        .sockets = 2, .cores_per_cluster = 2, .threads_per_core = 2, .memory_only_nodes = 1, .hmat = true};

static void write_file_at(const char *dir, const char *rel, const char *content) {
        char *p = NULL;
        cr_assert(asprintf(&p, "%s/%s", dir, rel) > 0);
        FILE *f = fopen(p, "w");
        cr_assert(f, "%s", p);
        fputs(content, f);
        fclose(f);
        free(p);
}

/* A bad value is unknown with a reason naming its file; the others stay,
 * the section is there, and libvirt's XML leaves out exactly that value
 * (a cache with an unknown associativity: the whole <cache>, which libvirt's
 * schema cannot hold without it). */
Test(numa, hmat_bad_values) {
        cr_assert_eq(gen_sysroot(root, &hmat_shape), 0);
        write_file_at(root, "sys/devices/system/node/node0/access1/initiators/read_latency", "fast\n");
        write_file_at(root, "sys/devices/system/node/node1/access0/initiators/write_bandwidth",
                      "99999999999\n");
        write_file_at(root, "sys/devices/system/node/node2/memory_side_cache/index1/indexing", "7\n");
        char *rm = NULL;
        cr_assert(asprintf(&rm, "%s/sys/devices/system/node/node1/access1/initiators/write_latency", root) >
                  0);
        cr_assert_eq(unlink(rm), 0);
        free(rm);

        hostcaps_numa *numa = NULL;
        const char *reasons = numa_reasons(&numa);
        cr_expect(strstr(reasons, "node0/access1/initiators/read_latency"), "%s", reasons);
        cr_expect(strstr(reasons, "node1/access0/initiators/write_bandwidth"), "%s", reasons);
        cr_expect(strstr(reasons, "node2/memory_side_cache/index1/indexing"), "%s", reasons);
        cr_expect_null(strstr(reasons, "write_latency"), "a missing file is unknown without a reason: %s",
                       reasons);
        uint64_t v;
        cr_expect_eq(hostcaps_numa_cell_access_perf(numa, 0, 1, HOSTCAPS_NUMA_READ_LATENCY, &v), -ENODATA);
        cr_expect_eq(hostcaps_numa_cell_access_perf(numa, 0, 1, HOSTCAPS_NUMA_WRITE_LATENCY, &v), 0);
        cr_expect_eq(v, gen_hmat_latency(&hmat_shape, 0, true));
        cr_expect_eq(hostcaps_numa_cell_access_perf(numa, 0, 0, HOSTCAPS_NUMA_READ_LATENCY, &v), 0,
                     "class 0 is apart");
        cr_expect_eq(hostcaps_numa_cell_access_perf(numa, 1, 0, HOSTCAPS_NUMA_WRITE_BANDWIDTH, &v), -ENODATA);
        cr_expect_eq(hostcaps_numa_cell_access_perf(numa, 1, 1, HOSTCAPS_NUMA_WRITE_LATENCY, &v), -ENODATA);
        const hostcaps_numa_cache *m = hostcaps_numa_cell_cache(numa, 2, 0);
        cr_assert(m);
        cr_expect_null(m->associativity);
        cr_expect_str_eq(m->policy, "writeback");
        cr_expect_eq(m->size, GEN_MSC_SIZE);
        hostcaps_numa_unref(numa);

        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        char *xml = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_expect_null(strstr(xml, "<latency initiator='0' target='0' type='read'"), "%s", xml);
        cr_expect(strstr(xml, "<latency initiator='0' target='0' type='write' value='85'/>"), "%s", xml);
        cr_expect_null(strstr(xml, "<latency initiator='1' target='1' type='write'"), "%s", xml);
        cr_expect(strstr(xml, "<bandwidth initiator='1' target='1' type='write'"), "class 1 has it: %s", xml);
        cr_expect_null(strstr(xml, "<cache "), "%s", xml);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        /* What is left loads and re-emits as it was. */
        hostcaps_node *loaded = NULL;
        cr_assert_eq(hostcaps_node_open_document_data(&loaded, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        char *again = doc_of(loaded, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(again, xml);
        free(again);
        hostcaps_node_unref(loaded);
        char *json = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_JSON);
        cr_expect(strstr(json, "\"associativity\":null") || strstr(json, "\"associativity\": null"), "%s",
                  json);
        free(json);
        char *text = doc_of(node, HOSTCAPS_SECTION_NUMA, HOSTCAPS_FORMAT_TEXT);
        cr_expect(strstr(text, "Memory-side caches") && strstr(text, "Memory access (HMAT"), "%s", text);
        free(text);
        free(xml);
        hostcaps_node_unref(node);
}

/* The HMAT paths a NUMA request tried, and how many were under a node other
 * than the first. */
static size_t hmat_paths(const char *dir, size_t *ret_other) {
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = NULL;
        size_t n = 0, other = 0;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0);
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &numa), 0, "%s", hostcaps_error_message());
        char **trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        for (size_t i = 0; trace && trace[i]; i++)
                if (strstr(trace[i], "/access") || strstr(trace[i], "/memory_side_cache")) {
                        n++;
                        other += !startswith_str(trace[i], "sys/devices/system/node/node0/");
                }
        hostcaps_strv_free(trace);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
        *ret_other = other;
        return n;
}

/* Without HMAT files a request costs three tries in the first node, none in
 * the others, whatever their number; with them, every node is read. */
Test(numa, hmat_cost_without_hmat) {
        gen_shape s = hmat_shape;
        s.hmat = false;
        s.sockets = 4;
        s.nodes_per_socket = 2;
        s.memory_only_nodes = 4;
        size_t other;
        cr_assert_eq(gen_sysroot(root, &s), 0);
        cr_expect_eq(hmat_paths(root, &other), 3, "access0, access1, memory_side_cache of node0");
        cr_expect_eq(other, 0, "%zu tries beyond the first node", other);

        char *dir = test_mkdtemp();
        s.hmat = true;
        cr_assert_eq(gen_sysroot(dir, &s), 0);
        cr_expect_gt(hmat_paths(dir, &other), 12);
        cr_expect_gt(other, 8, "every node is read when the first has HMAT");
        test_rm_rf(dir);
        free(dir);
}

Test(numa, hmat_saved_document_round_trip) {
        cr_assert_eq(gen_sysroot(root, &hmat_shape), 0);
        hostcaps_node *node = NULL, *loaded = NULL;
        hostcaps_numa *a = NULL, *b = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        char *xml = doc_of(node, HOSTCAPS_SECTION_NUMA | HOSTCAPS_SECTION_MEMORY, HOSTCAPS_FORMAT_XML);
        cr_assert_eq(hostcaps_node_open_document_data(&loaded, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        char *again = doc_of(loaded, HOSTCAPS_SECTION_NUMA | HOSTCAPS_SECTION_MEMORY, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(again, xml, "re-emitted as it was read");
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &a), 0);
        cr_assert_eq(hostcaps_node_get_numa(loaded, 0, &b), 0);
        for (size_t i = 0; i < hostcaps_numa_n_cells(a); i++) {
                /* The document holds class 1 only (libvirt's <interconnects>). */
                cr_assert_eq(hostcaps_numa_cell_n_access(b, i), 1);
                cr_expect_eq(hostcaps_numa_cell_access_class(b, i, 0), 1);
                cr_expect_str_eq(hostcaps_numa_cell_access_initiators(b, i, 0),
                                 hostcaps_numa_cell_access_initiators(a, i, 1));
                for (int w = 0; w < 4; w++) {
                        uint64_t va, vb;
                        cr_assert_eq(hostcaps_numa_cell_access_perf(a, i, 1, (hostcaps_numa_perf)w, &va), 0);
                        cr_assert_eq(hostcaps_numa_cell_access_perf(b, i, 0, (hostcaps_numa_perf)w, &vb), 0);
                        cr_expect_eq(va, vb, "cell %zu value %d", i, w);
                }
                cr_assert_eq(hostcaps_numa_cell_n_caches(b, i), hostcaps_numa_cell_n_caches(a, i));
                for (size_t k = 0; k < hostcaps_numa_cell_n_caches(a, i); k++) {
                        const hostcaps_numa_cache *x = hostcaps_numa_cell_cache(a, i, k),
                                                  *y = hostcaps_numa_cell_cache(b, i, k);
                        cr_expect(x->level == y->level && x->size == y->size && x->line_size == y->line_size);
                        cr_expect_str_eq(x->associativity, y->associativity);
                        cr_expect_str_eq(x->policy, y->policy);
                }
        }
        free(again);
        free(xml);
        hostcaps_numa_unref(a);
        hostcaps_numa_unref(b);
        hostcaps_node_unref(loaded);
        hostcaps_node_unref(node);
}

Test(numa, hmat_saved_document_bad) {
#define DOC(inner)                                                                                           \
        "<capabilities>\n<host>\n<cpu><arch>x86_64</arch></cpu>\n<topology>\n<cells num='2'>\n"              \
        "<cell id='0'><cpus num='0'/></cell>\n<cell id='1'><cpus num='0'/></cell>\n</cells>\n" inner         \
        "</topology>\n</host>\n</capabilities>\n"
        const char *m = load_error(DOC("<interconnects>\n<latency initiator='0' target='4' type='read' "
                                       "value='6'/>\n</interconnects>\n"));
        cr_expect(strstr(m, "document:10") && strstr(m, "target='4'"), "%s", m);
        m = load_error(DOC("<interconnects>\n<latency initiator='0' target='1' cache='1' type='read' "
                           "value='6'/>\n</interconnects>\n"));
        cr_expect(strstr(m, "cache='1'"), "%s", m);
        m = load_error(DOC("<interconnects>\n<latency initiator='0' target='1' type='read' value='6'/>\n"
                           "<latency initiator='1' target='1' type='read' value='7'/>\n</interconnects>\n"));
        cr_expect(strstr(m, "document:11") && strstr(m, "differ"), "%s", m);
        m = load_error(DOC("<interconnects>\n<latency initiator='0' target='1' type='read' value='6'/>\n"
                           "<latency initiator='1' target='1' type='read' value='6'/>\n"
                           "<latency initiator='1' target='1' type='write' value='6'/>\n</interconnects>\n"));
        cr_expect(strstr(m, "write_latency") && strstr(m, "initiators"), "%s", m);
#undef DOC
        m = load_error("<capabilities>\n<host>\n<cpu><arch>x86_64</arch></cpu>\n<topology>\n<cells num='1'>\n"
                       "<cell id='0'>\n<cache level='1' associativity='odd' policy='writeback'>"
                       "<size value='1' unit='KiB'/></cache>\n<cpus num='0'/></cell>\n</cells>\n"
                       "</topology>\n</host>\n</capabilities>\n");
        cr_expect(strstr(m, "document:7") && strstr(m, "odd"), "%s", m);
}
