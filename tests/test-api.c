/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public API's promises as a consumer sees them: typed CPU sets on the
 * objects, the NUMA / memory join, the return convention of common.h, the
 * ABI-safe topology counts, feature aliases and the model's rule set. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>

#include "hostcaps.h"
#include "test-util.h"

static hostcaps_node *open_root(const char *root) {
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s: %s", root, hostcaps_error_message());
        return node;
}

/* Every recorded root of the shared fixtures that holds a NUMA section:
 * calls fn(root) for each; returns how many. */
static size_t for_each_fixture_root(void (*fn)(const char *root)) {
        static const char *const sets[] = {"hwloc", "libvirt/vircaps2xml"};
        const char *fx = test_fixtures_dir();
        size_t n = 0;
        for (size_t s = 0; fx && s < sizeof(sets) / sizeof(sets[0]); s++) {
                char dir[4096];
                test_pathf(dir, sizeof(dir), "%s/%s", fx, sets[s]);
                DIR *d = opendir(dir);
                if (!d)
                        continue;
                for (struct dirent *de; (de = readdir(d));) {
                        char root[4096 + 256];
                        struct stat st;
                        if (de->d_name[0] == '.')
                                continue;
                        test_pathf(root, sizeof(root), "%s/%s/root", dir, de->d_name);
                        if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
                                continue;
                        fn(root);
                        n++;
                }
                closedir(d);
        }
        return n;
}

static char *mini_x86_root(void);

/* ---- typed sets ---- */

/* r and *setp from a *_cpuset() call made before (the argument order of a
 * call is unspecified: the set is read here, after it). */
static void expect_set_is_list(int r, hostcaps_cpuset **setp, const char *list, const char *what) {
        hostcaps_cpuset *set = *setp;
        if (!list) {
                cr_expect_eq(r, -ENODATA, "%s: NULL list gives %d", what, r);
                cr_expect_null(set);
                return;
        }
        cr_assert_eq(r, 0, "%s: %s", what, hostcaps_error_message());
        char *back = hostcaps_cpuset_to_list(set);
        cr_expect_str_eq(back, list, "%s: '%s' against '%s'", what, back, list);
        free(back);
        hostcaps_cpuset_free(set);
}

static void check_numa_sets(const char *root) {
        hostcaps_node *node = open_root(root);
        hostcaps_numa *numa = NULL;
        hostcaps_cpuset *set = NULL;
        if (hostcaps_node_get_numa(node, 0, &numa) < 0) {
                hostcaps_node_unref(node);
                return;
        }
        for (size_t i = 0; i < hostcaps_numa_n_cells(numa); i++) {
                set = NULL;
                expect_set_is_list(hostcaps_numa_cell_cpuset(numa, i, &set), &set,
                                   hostcaps_numa_cell_cpus(numa, i), root);
                set = NULL;
                expect_set_is_list(hostcaps_numa_cell_allowed_cpuset(numa, i, &set), &set,
                                   hostcaps_numa_cell_allowed_cpus(numa, i), root);
                set = NULL;
                expect_set_is_list(hostcaps_numa_cell_offline_cpuset(numa, i, &set), &set,
                                   hostcaps_numa_cell_offline_cpus(numa, i), root);
        }
        set = NULL;
        expect_set_is_list(hostcaps_numa_online_cpuset(numa, &set), &set, hostcaps_numa_online_cpus(numa),
                           root);
        set = NULL;
        expect_set_is_list(hostcaps_numa_offline_cpuset(numa, &set), &set, hostcaps_numa_offline_cpus(numa),
                           root);
        set = NULL;
        expect_set_is_list(hostcaps_numa_allowed_cpuset(numa, &set), &set, hostcaps_numa_allowed_cpus(numa),
                           root);
        set = NULL;
        expect_set_is_list(hostcaps_numa_allowed_nodeset(numa, &set), &set, hostcaps_numa_allowed_nodes(numa),
                           root);

        /* Out of range and NULL: -EINVAL, nothing written. */
        size_t n = hostcaps_numa_n_cells(numa);
        set = NULL;
        cr_expect_eq(hostcaps_numa_cell_cpuset(numa, n, &set), -EINVAL);
        cr_expect_eq(hostcaps_numa_cell_allowed_cpuset(numa, n, &set), -EINVAL);
        cr_expect_eq(hostcaps_numa_cell_offline_cpuset(numa, n, &set), -EINVAL);
        cr_expect_eq(hostcaps_numa_cell_cpuset(NULL, 0, &set), -EINVAL);
        cr_expect_eq(hostcaps_numa_online_cpuset(NULL, &set), -EINVAL);
        cr_expect_eq(hostcaps_numa_online_cpuset(numa, NULL), -EINVAL);
        cr_expect_null(set);
        hostcaps_numa_unref(numa);

        hostcaps_cache *cache = NULL;
        if (hostcaps_node_get_cache(node, 0, &cache) == 0) {
                for (size_t i = 0; i < hostcaps_cache_n_banks(cache); i++) {
                        set = NULL;
                        expect_set_is_list(hostcaps_cache_bank_cpuset(cache, i, &set), &set,
                                           hostcaps_cache_bank_cpus(cache, i), root);
                }
                set = NULL;
                cr_expect_eq(hostcaps_cache_bank_cpuset(cache, hostcaps_cache_n_banks(cache), &set), -EINVAL);
                cr_expect_null(set);
                hostcaps_cache_unref(cache);
        }
        hostcaps_node_unref(node);
}

Test(cpuset, object_twins_equal_lists) {
        TEST_REQUIRE_FIXTURES(fx);
        (void)fx;
        cr_assert_gt(for_each_fixture_root(check_numa_sets), 0);
}

/* A loaded document knows no offline CPUs nor a process view: -ENODATA. */
Test(cpuset, unknown_list_is_enodata) {
        static const char doc[] =
                "<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells num='1'><cell id='0'>"
                "<memory unit='KiB'>1024</memory><cpus num='2'>"
                "<cpu id='0' socket_id='0' core_id='0' siblings='0'/>"
                "<cpu id='1' socket_id='0' core_id='1' siblings='1'/>"
                "</cpus></cell></cells></topology></host></capabilities>";
        hostcaps_node *node = NULL;
        hostcaps_numa *numa = NULL;
        hostcaps_cpuset *set = NULL;
        cr_assert_eq(hostcaps_node_open_document_data(&node, doc, sizeof(doc) - 1, 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &numa), 0, "%s", hostcaps_error_message());
        cr_expect_eq(hostcaps_numa_offline_cpuset(numa, &set), -ENODATA);
        cr_expect_eq(hostcaps_numa_cell_offline_cpuset(numa, 0, &set), -ENODATA);
        cr_expect_not_null(hostcaps_error_message());
        cr_expect_null(set);
        cr_assert_eq(hostcaps_numa_cell_cpuset(numa, 0, &set), 0);
        cr_expect_eq(hostcaps_cpuset_count(set), 2);
        cr_expect(hostcaps_cpuset_contains(set, 1));
        hostcaps_cpuset_free(set);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
}

/* ---- the NUMA / memory join ---- */

static void expect_same_cells(const char *what, hostcaps_numa *numa, hostcaps_memory *mem) {
        cr_assert_eq(hostcaps_memory_n_cells(mem), hostcaps_numa_n_cells(numa), "%s: cell counts", what);
        for (size_t i = 0; i < hostcaps_numa_n_cells(numa); i++) {
                cr_expect_eq(hostcaps_memory_cell_id(mem, i), hostcaps_numa_cell_id(numa, i), "%s: cell %zu",
                             what, i);
                cr_expect_eq(hostcaps_memory_numa_cell_index(mem, numa, i), (int)i, "%s: join of %zu", what,
                             i);
        }
        cr_expect_eq(hostcaps_memory_numa_cell_index(mem, numa, hostcaps_numa_n_cells(numa)), -EINVAL);
        cr_expect_eq(hostcaps_memory_numa_cell_index(NULL, numa, 0), -EINVAL);
        cr_expect_eq(hostcaps_numa_is_synthetic(numa), hostcaps_memory_is_synthetic(mem), "%s", what);
}

static void check_join(const char *root) {
        hostcaps_node *node = open_root(root), *loaded = NULL;
        hostcaps_numa *numa = NULL;
        hostcaps_memory *mem = NULL;
        char *xml = NULL;
        if (hostcaps_node_get_numa(node, 0, &numa) < 0 || hostcaps_node_get_memory(node, 0, &mem) < 0)
                goto out;
        expect_same_cells(root, numa, mem);
        numa = hostcaps_numa_unref(numa);
        mem = hostcaps_memory_unref(mem);

        /* The same root's document, loaded back. */
        cr_assert_geq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_NUMA | HOSTCAPS_SECTION_MEMORY, 0,
                                                     HOSTCAPS_FORMAT_XML, &xml),
                      0);
        cr_assert_eq(hostcaps_node_open_document_data(&loaded, xml, strlen(xml), 0), 0, "%s: %s", root,
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_numa(loaded, 0, &numa), 0);
        cr_assert_eq(hostcaps_node_get_memory(loaded, 0, &mem), 0);
        if (!hostcaps_memory_absent_reason(mem) && !hostcaps_numa_absent_reason(numa))
                expect_same_cells(root, numa, mem);
out:
        free(xml);
        hostcaps_memory_unref(mem);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(loaded);
        hostcaps_node_unref(node);
}

Test(join, numa_and_memory_cells_share_indexes) {
        TEST_REQUIRE_FIXTURES(fx);
        (void)fx;
        cr_assert_gt(for_each_fixture_root(check_join), 0);
}

/* No NUMA in the kernel: one synthetic cell 0 on both sides. */
Test(join, synthetic_cell) {
        char *root = mini_x86_root();
        test_write(root, "proc/meminfo", "MemTotal: 2048000 kB\nMemFree: 1024000 kB\n");
        hostcaps_node *node = open_root(root);
        hostcaps_numa *numa = NULL;
        hostcaps_memory *mem = NULL;
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &numa), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_memory(node, 0, &mem), 0, "%s", hostcaps_error_message());
        cr_expect(hostcaps_numa_is_synthetic(numa));
        expect_same_cells("synthetic", numa, mem);
        hostcaps_memory_unref(mem);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

/* A memory object that lacks a node the NUMA object has: -ENOENT. */
Test(join, missing_node_is_enoent) {
        static const char two[] =
                "<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells num='2'>"
                "<cell id='0'><memory unit='KiB'>1024</memory></cell>"
                "<cell id='3'><memory unit='KiB'>1024</memory></cell>"
                "</cells></topology></host></capabilities>";
        static const char one[] =
                "<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells num='1'>"
                "<cell id='3'><memory unit='KiB'>1024</memory></cell>"
                "</cells></topology></host></capabilities>";
        hostcaps_node *a = NULL, *b = NULL;
        hostcaps_numa *numa = NULL;
        hostcaps_memory *mem = NULL;
        cr_assert_eq(hostcaps_node_open_document_data(&a, two, sizeof(two) - 1, 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_open_document_data(&b, one, sizeof(one) - 1, 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_numa(a, 0, &numa), 0);
        cr_assert_eq(hostcaps_node_get_memory(b, 0, &mem), 0);
        cr_expect_eq(hostcaps_memory_numa_cell_index(mem, numa, 0), -ENOENT);
        cr_expect_eq(hostcaps_memory_numa_cell_index(mem, numa, 1), 0);
        hostcaps_memory_unref(mem);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(b);
        hostcaps_node_unref(a);
}

/* ---- the return convention ---- */

Test(convention, out_of_range_and_null) {
        TEST_REQUIRE_FIXTURES(fx);
        char root[4096];
        test_pathf(root, sizeof(root), "%s/libvirt/vircaps2xml/caches/root", fx);
        hostcaps_node *node = open_root(root);
        hostcaps_numa *numa = NULL;
        hostcaps_cache *cache = NULL;
        hostcaps_memory *mem = NULL;
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &numa), 0, "%s", hostcaps_error_message());
        size_t n = hostcaps_numa_n_cells(numa);
        cr_expect_eq(hostcaps_numa_distance(numa, n, 0), -EINVAL);
        cr_expect_eq(hostcaps_numa_distance(numa, 0, n), -EINVAL);
        cr_expect_eq(hostcaps_numa_cell_id(numa, n), -EINVAL);
        cr_expect_eq(hostcaps_numa_cell_id(NULL, 0), -EINVAL);
        cr_expect_eq(hostcaps_numa_cell_memory(numa, n, NULL), -EINVAL);
        cr_expect_null(hostcaps_numa_cell_cpus(numa, n));
        cr_expect_eq(hostcaps_numa_n_cells(NULL), 0);
        cr_assert_eq(hostcaps_node_get_memory(node, 0, &mem), 0, "%s", hostcaps_error_message());
        cr_expect_eq(hostcaps_memory_cell_total(mem, hostcaps_memory_n_cells(mem), NULL), -EINVAL);
        cr_expect_eq(hostcaps_memory_cell_id(mem, hostcaps_memory_n_cells(mem)), -EINVAL);
        /* Value calls cannot carry an errno: 0 past the end, as documented. */
        cr_assert_eq(hostcaps_node_get_cache(node, 0, &cache), 0, "%s", hostcaps_error_message());
        size_t b = hostcaps_cache_n_banks(cache);
        cr_expect_gt(b, 0);
        cr_expect_eq(hostcaps_cache_bank_level(cache, b), 0);
        cr_expect_eq(hostcaps_cache_bank_size(cache, b), 0);
        cr_expect_null(hostcaps_cache_bank_cpus(cache, b));
        cr_expect_gt(hostcaps_cache_bank_level(cache, 0), 0);
        cr_expect_eq(hostcaps_resctrl_cache_control_level(NULL, 0), 0);
        cr_expect_eq(hostcaps_resctrl_cache_control_cbm_bits(NULL, 0), 0);
        hostcaps_cache_unref(cache);
        hostcaps_memory_unref(mem);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
}

/* A distance is the value itself (>= 0) or -errno. */
Test(convention, distance_value_or_errno) {
        TEST_REQUIRE_FIXTURES(fx);
        char root[4096];
        test_pathf(root, sizeof(root), "%s/libvirt/vircaps2xml/basic/root", fx);
        hostcaps_node *node = open_root(root);
        hostcaps_numa *numa = NULL;
        cr_assert_eq(hostcaps_node_get_numa(node, 0, &numa), 0, "%s", hostcaps_error_message());
        int d = hostcaps_numa_distance(numa, 0, 0);
        cr_expect(d == 10 || d == -ENODATA, "local distance %d", d);
        hostcaps_numa_unref(numa);
        hostcaps_node_unref(node);
}

/* ---- CPU: topology counts, tsc scaling, aliases, model rules ---- */

static char *mini_x86_root(void) {
        char *root = test_mkdtemp();
        cr_assert(root);
        test_write(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        test_write(root, "sys/devices/system/cpu/online", "0-3\n");
        test_write(root, "sys/devices/system/cpu/possible", "0-7\n");
        for (int c = 0; c < 4; c++) {
                char p[256], v[32];
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%d/topology/package_cpus_list", c);
                test_write(root, p, "0-3\n");
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%d/topology/core_cpus_list", c);
                snprintf(v, sizeof(v), "%d-%d\n", c & ~1, c | 1);
                test_write(root, p, v);
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%d/topology/core_id", c);
                snprintf(v, sizeof(v), "%d\n", c / 2);
                test_write(root, p, v);
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
                test_write(root, p, "0\n");
        }
        return root;
}

static hostcaps_cpu *cpu_of_dump(const char *root, const char *dump) {
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = NULL;
        if (dump)
                cr_assert_eq(hostcaps_node_set_cpuid_file(node, dump), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        hostcaps_node_unref(node);
        return cpu;
}

Test(cpu, topology_count_matches_struct) {
        char *root = mini_x86_root();
        hostcaps_cpu *cpu = cpu_of_dump(root, NULL);
        hostcaps_cpu_topology t;
        hostcaps_cpu_topology_get(cpu, &t);
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, HOSTCAPS_CPU_SOCKETS), (int)t.sockets);
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, HOSTCAPS_CPU_DIES), (int)t.dies);
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, HOSTCAPS_CPU_CLUSTERS), (int)t.clusters);
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, HOSTCAPS_CPU_CORES), (int)t.cores);
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, HOSTCAPS_CPU_THREADS), (int)t.threads);
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, HOSTCAPS_CPU_ONLINE_CPUS), 4);
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, HOSTCAPS_CPU_POSSIBLE_CPUS), 8);
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, HOSTCAPS_CPU_THREADS), 2);
        /* A count this library does not know (a newer header's): refused. */
        cr_expect_eq(hostcaps_cpu_topology_count(cpu, (hostcaps_cpu_count)7), -EINVAL);
        cr_expect_eq(hostcaps_cpu_topology_count(NULL, HOSTCAPS_CPU_SOCKETS), -EINVAL);
        /* The old struct keeps its layout: programs built against 0.1 read it. */
        cr_expect_eq(sizeof(hostcaps_cpu_topology), 7 * sizeof(unsigned int));
        /* Without a TSC frequency, scaling is unknown in both calls. */
        bool b = true;
        cr_expect_eq(hostcaps_cpu_tsc_scaling(cpu), -1);
        cr_expect_eq(hostcaps_cpu_tsc_scaling_get(cpu, &b), -ENODATA);
        cr_expect(b, "not written on failure");
        cr_expect_eq(hostcaps_cpu_tsc_scaling_get(NULL, &b), -EINVAL);
        hostcaps_cpu_unref(cpu);
        test_rm_rf(root);
        free(root);
}

/* libvirt's spelling and the kernel's find the same feature, both ways. */
Test(cpu, feature_aliases) {
        static const char doc_libvirt[] = "<capabilities><host><cpu><arch>x86_64</arch>"
                                          "<feature name='sse4.2'/><feature name='pclmuldq'/>"
                                          "<feature name='lahf_lm'/><feature name='avx512-bf16'/>"
                                          "<feature name='tsc-deadline'/><feature name='ds'/>"
                                          "</cpu></host></capabilities>";
        static const char doc_kernel[] = "<capabilities><host><cpu><arch>x86_64</arch>"
                                         "<feature name='sse4_1'/><feature name='pclmulqdq'/>"
                                         "<feature name='md_clear'/><feature name='avx512_vnni'/>"
                                         "</cpu></host></capabilities>";
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;

        cr_assert_eq(hostcaps_node_open_document_data(&node, doc_libvirt, sizeof(doc_libvirt) - 1, 0), 0,
                     "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        cr_expect(hostcaps_cpu_has_feature(cpu, "sse4.2"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "sse4_2"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "pclmulqdq"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "lahf_lm"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "avx512_bf16"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "tsc_deadline_timer"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "dts"));
        cr_expect_not(hostcaps_cpu_has_feature(cpu, "sse4_1"));
        cr_expect_not(hostcaps_cpu_has_feature(cpu, "sse4.1"));
        cr_expect_not(hostcaps_cpu_has_feature(cpu, "avx512_vnni"));
        cr_expect_not(hostcaps_cpu_has_feature(cpu, ""));
        cr_expect_not(hostcaps_cpu_has_feature(cpu, NULL));
        /* The model's rule set: none from a document. */
        cr_expect_null(hostcaps_cpu_model_rules(cpu));
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);

        cr_assert_eq(hostcaps_node_open_document_data(&node, doc_kernel, sizeof(doc_kernel) - 1, 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        cr_expect(hostcaps_cpu_has_feature(cpu, "sse4.1"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "pclmuldq"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "md-clear"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "avx512vnni"));
        cr_expect_not(hostcaps_cpu_has_feature(cpu, "sse4.2"));
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
}

/* A real CPU decoded with libvirt 11.3's map: its rules are named, in C and
 * in JSON; and sse4_2 finds libvirt's sse4.2. */
Test(cpu, model_rules) {
        TEST_REQUIRE_FIXTURES(fx);
        char map[4096], dump[4096];
        test_pathf(map, sizeof(map), "%s/libvirt-11.3/cpu_map", fx);
        test_pathf(dump, sizeof(dump), "%s/libvirt/cputest/Core-i5-2500/cpuid.xml", fx);
        struct stat st;
        if (stat(map, &st) < 0 || stat(dump, &st) < 0)
                cr_skip_test("libvirt 11.3's map or the Core-i5-2500 dump is missing");
        setenv("HOSTCAPS_CPU_MAP_DIR", map, 1);
        char *root = mini_x86_root();
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = NULL;
        char *json = NULL;
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, dump), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        cr_expect_str_eq(hostcaps_cpu_feature_source(cpu), "cpu_map");
        cr_expect_str_eq(hostcaps_cpu_model_rules(cpu), "libvirt 11.x");
        cr_expect_not_null(hostcaps_cpu_model(cpu));
        cr_expect(hostcaps_cpu_has_feature(cpu, "sse4.2"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "sse4_2"));
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_JSON, &json),
                0);
        cr_expect(strstr(json, "\"model_rules\": \"libvirt 11.x\"") != NULL, "%s", json);
        free(json);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
        unsetenv("HOSTCAPS_CPU_MAP_DIR");
}
