/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Core kinds (hybrid, cpu_capacity, maximum frequency) and cpufreq
 * frequency domains of the CPU section, on generated trees whose answers the
 * generator computes, and on broken ones. */
#include "host/reader.h"
#include "host/section.h"
#include "hostcaps.h"
#include "sysroot-gen.h"
#include "test-util.h"

static char *root;

static void setup(void) {
        root = test_mkdtemp();
        cr_assert(root);
}

static void teardown(void) {
        test_rm_rf(root);
        free(root);
}

TestSuite(kinds, .init = setup, .fini = teardown);

static void generate(const gen_shape *s) {
        cr_assert_eq(gen_sysroot(root, s), 0, "%s", gen_shape_error(s) ? gen_shape_error(s) : "gen_sysroot");
}

static hostcaps_cpu *get_cpu(void) {
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        hostcaps_node_unref(node);
        return cpu;
}

/* The online CPUs of the shape for which keep() holds, as a kernel list. */
static char *cpus_where(const gen_shape *s, bool (*keep)(const gen_cpu *c, uint64_t arg), uint64_t arg) {
        hostcaps_cpuset *set = NULL;
        cr_assert_eq(hostcaps_cpuset_new(&set), 0);
        for (unsigned i = 0; i < gen_n_cpus(s); i++) {
                gen_cpu c;
                cr_assert_eq(gen_cpu_get(s, i, &c), 0);
                if (c.online && keep(&c, arg))
                        cr_assert_eq(hostcaps_cpuset_add(set, i), 0);
        }
        char *list = hostcaps_cpuset_to_list(set);
        hostcaps_cpuset_free(set);
        cr_assert(list);
        return list;
}

static bool has_capacity(const gen_cpu *c, uint64_t capacity) {
        return c->capacity == capacity;
}

static bool has_max(const gen_cpu *c, uint64_t khz) {
        return c->max_khz == khz;
}

static void expect_kind(const hostcaps_cpu *cpu, size_t i, const char *name, const char *source,
                        const char *cpus, uint64_t capacity, uint64_t max_khz) {
        cr_expect_str_eq(hostcaps_cpu_core_kind_name(cpu, i), name);
        cr_expect_str_eq(hostcaps_cpu_core_kind_source(cpu, i), source);
        cr_expect_str_eq(hostcaps_cpu_core_kind_cpus(cpu, i), cpus, "kind %s", name);
        cr_expect_eq(hostcaps_cpu_core_kind_capacity(cpu, i), capacity, "kind %s", name);
        cr_expect_eq(hostcaps_cpu_core_kind_max_frequency(cpu, i), max_khz, "kind %s", name);
}

/* Every online CPU is in the domain the generator gave it, with its
 * frequencies. */
static void expect_domains(const gen_shape *s, const hostcaps_cpu *cpu) {
        cr_assert_eq(hostcaps_cpu_frequencies_known(cpu), 0);
        for (unsigned i = 0; i < gen_n_cpus(s); i++) {
                gen_cpu c;
                uint64_t khz = 0;
                cr_assert_eq(gen_cpu_get(s, i, &c), 0);
                int d = hostcaps_cpu_frequency_domain_of(cpu, i);
                if (!c.online || s->cpufreq == GEN_CPUFREQ_NONE) {
                        cr_expect_eq(d, -ENOENT, "CPU %u", i);
                        continue;
                }
                cr_assert_geq(d, 0, "CPU %u: %s", i, hostcaps_error_message());
                cr_expect_eq(
                        hostcaps_cpu_frequency_domain_get(cpu, (size_t)d, HOSTCAPS_CPU_FREQUENCY_MIN, &khz),
                        0);
                cr_expect_eq(khz, c.min_khz, "CPU %u", i);
                cr_expect_eq(
                        hostcaps_cpu_frequency_domain_get(cpu, (size_t)d, HOSTCAPS_CPU_FREQUENCY_MAX, &khz),
                        0);
                cr_expect_eq(khz, c.max_khz, "CPU %u", i);
                int e = hostcaps_cpu_frequency_domain_get(cpu, (size_t)d, HOSTCAPS_CPU_FREQUENCY_BASE, &khz);
                if (c.base_khz) {
                        cr_expect_eq(e, 0);
                        cr_expect_eq(khz, c.base_khz, "CPU %u", i);
                } else
                        cr_expect_eq(e, -ENODATA, "CPU %u: no base_frequency file", i);
        }
}

Test(kinds, capacity_kinds_of_big_little) {
        gen_shape s = {.clusters_per_die = 4,
                       .cores_per_cluster = 2,
                       .threads_per_core = 2,
                       .big_little = true,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CLUSTER};
        generate(&s);
        hostcaps_cpu *cpu = get_cpu();
        char *little = cpus_where(&s, has_capacity, GEN_LITTLE_CAPACITY),
             *big = cpus_where(&s, has_capacity, 1024);
        cr_assert_eq(hostcaps_cpu_n_core_kinds(cpu), 2);
        /* Ascending: the little kind first, as hwloc ranks its kinds. */
        expect_kind(cpu, 0, "capacity-446", "capacity", little, GEN_LITTLE_CAPACITY, GEN_LITTLE_MAX_KHZ);
        expect_kind(cpu, 1, "capacity-1024", "capacity", big, 1024, GEN_MAX_KHZ);
        /* One domain per cluster, named by the cluster's CPUs. */
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 4);
        cr_expect_str_eq(hostcaps_cpu_frequency_domain_cpus(cpu, 0), "0-1,8-9");
        expect_domains(&s, cpu);
        cr_expect_eq(hostcaps_cpu_n_unknown(cpu), 0, "%s", hostcaps_cpu_unknown_reason(cpu, 0));
        free(little);
        free(big);
        hostcaps_cpu_unref(cpu);
}

Test(kinds, frequency_kinds_without_capacities) {
        gen_shape s = {.clusters_per_die = 2,
                       .cores_per_cluster = 3,
                       .big_little = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        hostcaps_cpu *cpu = get_cpu();
        char *little = cpus_where(&s, has_max, GEN_LITTLE_MAX_KHZ),
             *big = cpus_where(&s, has_max, GEN_MAX_KHZ);
        cr_assert_eq(hostcaps_cpu_n_core_kinds(cpu), 2);
        expect_kind(cpu, 0, "max-1800000kHz", "frequency", little, 0, GEN_LITTLE_MAX_KHZ);
        expect_kind(cpu, 1, "max-2800000kHz", "frequency", big, 0, GEN_MAX_KHZ);
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), gen_n_online(&s));
        expect_domains(&s, cpu);
        free(little);
        free(big);
        hostcaps_cpu_unref(cpu);
}

Test(kinds, homogeneous_hosts_have_no_kinds) {
        /* Equal capacities and equal frequencies tell no CPUs apart. */
        gen_shape s = {.cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        hostcaps_cpu *cpu = get_cpu();
        cr_expect_eq(hostcaps_cpu_n_core_kinds(cpu), 0);
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 8);
        expect_domains(&s, cpu);
        hostcaps_cpu_unref(cpu);
}

Test(kinds, hybrid_first_with_frequencies) {
        gen_shape s = {.cores_per_cluster = 6,
                       .threads_per_core = 2,
                       .hybrid = true,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        hostcaps_reader *r = hostcaps_node_reader(node);
        hostcaps_reader_trace_start(r);
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        char **paths = hostcaps_reader_trace_stop(r);
        /* The PMUs told the kinds: no capacity file is read. */
        for (size_t i = 0; paths[i]; i++)
                cr_expect_null(strstr(paths[i], "cpu_capacity"), "%s", paths[i]);
        hostcaps_strv_free(paths);
        cr_assert_eq(hostcaps_cpu_n_core_kinds(cpu), 2);
        cr_expect_str_eq(hostcaps_cpu_core_kind_name(cpu, 0), "core");
        cr_expect_str_eq(hostcaps_cpu_core_kind_source(cpu, 0), "hybrid");
        cr_expect_eq(hostcaps_cpu_core_kind_max_frequency(cpu, 0), GEN_CORE_MAX_KHZ);
        cr_expect_eq(hostcaps_cpu_core_kind_max_frequency(cpu, 1), GEN_ATOM_MAX_KHZ);
        cr_expect_eq(hostcaps_cpu_core_kind_capacity(cpu, 1), 0);
        expect_domains(&s, cpu);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
}

/* Without cpufreq and cpu_capacity (a VM), the kinds cost one listing and
 * one probe, whatever the number of CPUs. */
Test(kinds, absent_sources_cost_two_accesses) {
        gen_shape s = {.sockets = 2, .cores_per_cluster = 16, .threads_per_core = 2};
        generate(&s);
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        hostcaps_reader *r = hostcaps_node_reader(node);
        hostcaps_reader_trace_start(r);
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        char **paths = hostcaps_reader_trace_stop(r);
        unsigned kinds_paths = 0;
        for (size_t i = 0; paths[i]; i++)
                if (strstr(paths[i], "cpufreq") || strstr(paths[i], "cpu_capacity"))
                        kinds_paths++;
        cr_expect_eq(kinds_paths, 2, "cpufreq/ and cpu0/cpu_capacity only");
        hostcaps_strv_free(paths);
        cr_expect_eq(hostcaps_cpu_n_core_kinds(cpu), 0);
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 0);
        cr_expect_eq(hostcaps_cpu_frequencies_known(cpu), 0, "no cpufreq driver: known, and none");
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
}

Test(kinds, offline_cpus_are_in_no_domain) {
        gen_shape s = {.clusters_per_die = 2,
                       .cores_per_cluster = 2,
                       .offline_cpus = "1-3",
                       .cpufreq = GEN_CPUFREQ_PER_CLUSTER};
        generate(&s);
        hostcaps_cpu *cpu = get_cpu();
        /* Cluster 1 (CPUs 2-3) is all offline: its policy is not written. */
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 1);
        cr_expect_str_eq(hostcaps_cpu_frequency_domain_cpus(cpu, 0), "0");
        expect_domains(&s, cpu);
        hostcaps_cpu_unref(cpu);
}

/* ---- the read policy: a bad file makes its value unknown, never the section ---- */

static bool reason_names(const hostcaps_cpu *cpu, const char *what) {
        for (size_t i = 0; i < hostcaps_cpu_n_unknown(cpu); i++)
                if (strstr(hostcaps_cpu_unknown_reason(cpu, i), what))
                        return true;
        return false;
}

Test(kinds, bad_max_frequency_is_that_value_only) {
        gen_shape s = {.clusters_per_die = 2,
                       .cores_per_cluster = 2,
                       .big_little = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        test_write(root, "sys/devices/system/cpu/cpufreq/policy2/cpuinfo_max_freq", "fast\n");
        hostcaps_cpu *cpu = get_cpu();
        uint64_t khz;
        int d = hostcaps_cpu_frequency_domain_of(cpu, 2);
        cr_assert_geq(d, 0);
        cr_expect_eq(hostcaps_cpu_frequency_domain_get(cpu, (size_t)d, HOSTCAPS_CPU_FREQUENCY_MAX, &khz),
                     -ENODATA);
        cr_expect_eq(hostcaps_cpu_frequency_domain_get(cpu, (size_t)d, HOSTCAPS_CPU_FREQUENCY_MIN, &khz), 0);
        cr_expect_eq(khz, GEN_MIN_KHZ);
        cr_expect(reason_names(cpu, "policy2/cpuinfo_max_freq"));
        /* A CPU of unknown maximum: no frequency kinds of a part. */
        cr_expect_eq(hostcaps_cpu_n_core_kinds(cpu), 0);
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 4);
        hostcaps_cpu_unref(cpu);
}

Test(kinds, bad_policy_list_makes_frequencies_unknown) {
        gen_shape s = {.cores_per_cluster = 2, .cpu_capacity = true, .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        test_write(root, "sys/devices/system/cpu/cpufreq/policy1/affected_cpus", "1-0\n");
        hostcaps_cpu *cpu = get_cpu();
        cr_expect_eq(hostcaps_cpu_frequencies_known(cpu), -ENODATA);
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 0);
        cr_expect(reason_names(cpu, "policy1/affected_cpus"));
        char *json = NULL;
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_JSON, &json),
                0);
        cr_expect(strstr(json, "\"frequency_domains\": null") || strstr(json, "\"frequency_domains\":null"),
                  "%s", json);
        free(json);
        hostcaps_node_unref(node);
        hostcaps_cpu_unref(cpu);
}

Test(kinds, bad_or_missing_capacity_makes_kinds_unknown) {
        gen_shape s = {.clusters_per_die = 2,
                       .cores_per_cluster = 2,
                       .big_little = true,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CLUSTER};
        generate(&s);
        test_write(root, "sys/devices/system/cpu/cpu3/cpu_capacity", "big\n");
        hostcaps_cpu *cpu = get_cpu();
        cr_expect_eq(hostcaps_cpu_n_core_kinds(cpu), 0);
        cr_expect(reason_names(cpu, "cpu3/cpu_capacity"));
        /* The frequencies are another value: still there. */
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 2);
        hostcaps_cpu_unref(cpu);

        /* Missing on one CPU while the first has one: a part would mislead. */
        char *path = NULL;
        cr_assert(asprintf(&path, "%s/sys/devices/system/cpu/cpu3/cpu_capacity", root) > 0);
        cr_assert_eq(unlink(path), 0);
        free(path);
        cpu = get_cpu();
        cr_expect_eq(hostcaps_cpu_n_core_kinds(cpu), 0);
        cr_expect(reason_names(cpu, "cpu3/cpu_capacity: missing"));
        hostcaps_cpu_unref(cpu);
}

Test(kinds, inactive_policy_and_governor_directories_are_skipped) {
        gen_shape s = {.cores_per_cluster = 2, .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        /* A governor's directory beside the policies is no policy. */
        test_write(root, "sys/devices/system/cpu/cpufreq/ondemand/sampling_rate", "10000\n");
        hostcaps_cpu *cpu = get_cpu();
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 2);
        cr_expect_eq(hostcaps_cpu_n_unknown(cpu), 0, "%s", hostcaps_cpu_unknown_reason(cpu, 0));
        hostcaps_cpu_unref(cpu);
}

/* ---- formats ------------------------------------------------------------------ */

static char *document(unsigned format) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, format, &doc), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

/* libvirt's XML has no place for kinds or frequencies: the document is the
 * same with them and without. */
Test(kinds, xml_unchanged) {
        gen_shape s = {.clusters_per_die = 2, .cores_per_cluster = 2, .threads_per_core = 2};
        generate(&s);
        char *plain = document(HOSTCAPS_FORMAT_XML);
        test_rm_rf(root);
        cr_assert_eq(mkdir(root, 0700), 0);
        s.big_little = s.cpu_capacity = true;
        s.cpufreq = GEN_CPUFREQ_PER_CLUSTER;
        generate(&s);
        char *rich = document(HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(rich, plain);
        char *json = document(HOSTCAPS_FORMAT_JSON), *text = document(HOSTCAPS_FORMAT_TEXT);
        cr_expect(strstr(json, "\"source\": \"capacity\""), "%s", json);
        cr_expect(strstr(json, "\"max_khz\": 2800000"), "%s", json);
        cr_expect(strstr(text, "capacity-446"), "%s", text);
        cr_expect(strstr(text, "Frequency domain:        0-1,4-5: min 800 MHz, max 2800 MHz"), "%s", text);
        free(plain);
        free(rich);
        free(json);
        free(text);
}

Test(kinds, loaded_document_has_unknown_frequencies) {
        gen_shape s = {.cores_per_cluster = 2, .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        char *xml = document(HOSTCAPS_FORMAT_XML), *path = NULL;
        cr_assert(asprintf(&path, "%s/caps.xml", root) > 0);
        FILE *f = fopen(path, "w");
        cr_assert(f);
        fputs(xml, f);
        fclose(f);
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        cr_assert_eq(hostcaps_node_open_document(&node, path, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0);
        cr_expect_eq(hostcaps_cpu_frequencies_known(cpu), -ENODATA);
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(cpu), 0);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        free(xml);
        free(path);
}

Test(kinds, accessors_check_arguments) {
        gen_shape s = {.cores_per_cluster = 2, .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        hostcaps_cpu *cpu = get_cpu();
        hostcaps_cpuset *set = NULL;
        uint64_t khz;
        cr_expect_eq(hostcaps_cpu_frequency_domain_cpuset(cpu, 1, &set), 0);
        cr_expect(hostcaps_cpuset_contains(set, 1));
        cr_expect_eq(hostcaps_cpuset_count(set), 1);
        hostcaps_cpuset_free(set);
        cr_expect_eq(hostcaps_cpu_frequency_domain_cpuset(cpu, 2, &set), -EINVAL);
        cr_expect_eq(hostcaps_cpu_frequency_domain_get(cpu, 2, HOSTCAPS_CPU_FREQUENCY_MAX, &khz), -EINVAL);
        cr_expect_eq(hostcaps_cpu_frequency_domain_get(cpu, 0, (hostcaps_cpu_frequency)7, &khz), -EINVAL);
        cr_expect_eq(hostcaps_cpu_frequency_domain_of(NULL, 0), -EINVAL);
        cr_expect_eq(hostcaps_cpu_frequencies_known(NULL), -EINVAL);
        cr_expect_null(hostcaps_cpu_frequency_domain_cpus(cpu, 2));
        cr_expect_null(hostcaps_cpu_core_kind_source(cpu, 0));
        cr_expect_eq(hostcaps_cpu_core_kind_max_frequency(NULL, 0), 0);
        cr_expect_eq(hostcaps_cpu_n_frequency_domains(NULL), 0);
        hostcaps_cpu_unref(cpu);
}
