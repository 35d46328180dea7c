/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The frequency section: kinds (cpu_capacity, maximum frequency), CPU
 * capacities and cpufreq frequency domains, on generated trees whose answers
 * the generator computes, and on broken ones; and the CPU section, which
 * reads none of their files. */
#include "host/reader.h"
#include "host/section.h"
#include "hostcaps.h"
#include "sysroot-gen.h"
#include "test-util.h"

TEST_SUITE_WITH_ROOT(frequency);

static void generate(const gen_shape *s) {
        cr_assert_eq(gen_sysroot(root, s), 0, "%s", gen_shape_error(s) ? gen_shape_error(s) : "gen_sysroot");
}

static hostcaps_frequency *get_frequency(void) {
        hostcaps_node *node = NULL;
        hostcaps_frequency *fr = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_frequency(node, 0, &fr), 0, "%s", hostcaps_error_message());
        hostcaps_node_unref(node);
        return fr;
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

static void expect_kind(const hostcaps_frequency *fr, size_t i, const char *name, const char *source,
                        const char *cpus, uint64_t capacity, uint64_t max_khz) {
        cr_expect_str_eq(hostcaps_frequency_kind_name(fr, i), name);
        cr_expect_str_eq(hostcaps_frequency_kind_source(fr, i), source);
        cr_expect_str_eq(hostcaps_frequency_kind_cpus(fr, i), cpus, "kind %s", name);
        cr_expect_eq(hostcaps_frequency_kind_capacity(fr, i), capacity, "kind %s", name);
        cr_expect_eq(hostcaps_frequency_kind_max_frequency(fr, i), max_khz, "kind %s", name);
}

/* Every online CPU is in the domain the generator gave it, with its
 * frequencies. */
static void expect_domains(const gen_shape *s, const hostcaps_frequency *fr) {
        cr_assert_eq(hostcaps_frequency_known(fr), 0);
        for (unsigned i = 0; i < gen_n_cpus(s); i++) {
                gen_cpu c;
                uint64_t khz = 0;
                cr_assert_eq(gen_cpu_get(s, i, &c), 0);
                int d = hostcaps_frequency_domain_of(fr, i);
                if (!c.online || s->cpufreq == GEN_CPUFREQ_NONE) {
                        cr_expect_eq(d, -ENOENT, "CPU %u", i);
                        continue;
                }
                cr_assert_geq(d, 0, "CPU %u: %s", i, hostcaps_error_message());
                cr_expect_eq(hostcaps_frequency_domain_get(fr, (size_t)d, HOSTCAPS_FREQUENCY_MIN, &khz), 0);
                cr_expect_eq(khz, c.min_khz, "CPU %u", i);
                cr_expect_eq(hostcaps_frequency_domain_get(fr, (size_t)d, HOSTCAPS_FREQUENCY_MAX, &khz), 0);
                cr_expect_eq(khz, c.max_khz, "CPU %u", i);
                int e = hostcaps_frequency_domain_get(fr, (size_t)d, HOSTCAPS_FREQUENCY_BASE, &khz);
                if (c.base_khz) {
                        cr_expect_eq(e, 0);
                        cr_expect_eq(khz, c.base_khz, "CPU %u", i);
                } else
                        cr_expect_eq(e, -ENODATA, "CPU %u: no base_frequency file", i);
        }
}

Test(frequency, capacity_kinds_of_big_little) {
        gen_shape s = {.clusters_per_die = 4,
                       .cores_per_cluster = 2,
                       .threads_per_core = 2,
                       .big_little = true,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CLUSTER};
        generate(&s);
        hostcaps_frequency *fr = get_frequency();
        char *little = cpus_where(&s, has_capacity, GEN_LITTLE_CAPACITY),
             *big = cpus_where(&s, has_capacity, 1024);
        cr_assert_eq(hostcaps_frequency_n_kinds(fr), 2);
        /* Ascending: the little kind first, as hwloc ranks its kinds. */
        expect_kind(fr, 0, "capacity-446", "capacity", little, GEN_LITTLE_CAPACITY, GEN_LITTLE_MAX_KHZ);
        expect_kind(fr, 1, "capacity-1024", "capacity", big, 1024, GEN_MAX_KHZ);
        /* One domain per cluster, named by the cluster's CPUs. */
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 4);
        cr_expect_str_eq(hostcaps_frequency_domain_cpus(fr, 0), "0-1,8-9");
        expect_domains(&s, fr);
        cr_expect_eq(hostcaps_frequency_n_unknown(fr), 0, "%s", hostcaps_frequency_unknown_reason(fr, 0));
        free(little);
        free(big);
        hostcaps_frequency_unref(fr);
}

Test(frequency, frequency_kinds_without_capacities) {
        gen_shape s = {.clusters_per_die = 2,
                       .cores_per_cluster = 3,
                       .big_little = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        hostcaps_frequency *fr = get_frequency();
        char *little = cpus_where(&s, has_max, GEN_LITTLE_MAX_KHZ),
             *big = cpus_where(&s, has_max, GEN_MAX_KHZ);
        cr_assert_eq(hostcaps_frequency_n_kinds(fr), 2);
        expect_kind(fr, 0, "max-1800000kHz", "frequency", little, 0, GEN_LITTLE_MAX_KHZ);
        expect_kind(fr, 1, "max-2800000kHz", "frequency", big, 0, GEN_MAX_KHZ);
        cr_expect_eq(hostcaps_frequency_n_domains(fr), gen_n_online(&s));
        expect_domains(&s, fr);
        free(little);
        free(big);
        hostcaps_frequency_unref(fr);
}

Test(frequency, homogeneous_hosts_have_no_kinds) {
        /* Equal capacities and equal frequencies tell no CPUs apart. */
        gen_shape s = {.cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        hostcaps_frequency *fr = get_frequency();
        cr_expect_eq(hostcaps_frequency_n_kinds(fr), 0);
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 8);
        expect_domains(&s, fr);
        hostcaps_frequency_unref(fr);
}

/* The paths a request for `sections` reads, traced. */
static char **traced(unsigned sections) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        hostcaps_reader *r = hostcaps_node_reader(node);
        hostcaps_reader_trace_start(r);
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, HOSTCAPS_FORMAT_JSON, &doc), 0, "%s",
                     hostcaps_error_message());
        char **paths = hostcaps_reader_trace_stop(r);
        free(doc);
        hostcaps_node_unref(node);
        cr_assert(paths);
        return paths;
}

static bool frequency_path(const char *p) {
        return strstr(p, "cpufreq") || strstr(p, "cpu_capacity");
}

/* Intel hybrid kinds are the CPU section's; the frequency section tells the
 * same CPUs apart by their maximum frequencies (the capacities are equal). */
Test(frequency, hybrid_kinds_stay_in_the_cpu_section) {
        gen_shape s = {.cores_per_cluster = 6,
                       .threads_per_core = 2,
                       .hybrid = true,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_cpu_n_core_kinds(cpu), 2);
        cr_expect_str_eq(hostcaps_cpu_core_kind_name(cpu, 0), "core");
        cr_expect_str_eq(hostcaps_cpu_core_kind_name(cpu, 1), "atom");
        hostcaps_frequency *fr = NULL;
        cr_assert_eq(hostcaps_node_get_frequency(node, 0, &fr), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_frequency_n_kinds(fr), 2);
        expect_kind(fr, 0, "max-3800000kHz", "frequency", hostcaps_cpu_core_kind_cpus(cpu, 1), 0,
                    GEN_ATOM_MAX_KHZ);
        expect_kind(fr, 1, "max-5000000kHz", "frequency", hostcaps_cpu_core_kind_cpus(cpu, 0), 0,
                    GEN_CORE_MAX_KHZ);
        /* Every CPU has a capacity, all equal. */
        uint64_t capacity = 0;
        cr_expect_eq(hostcaps_frequency_capacity_of(fr, 0, &capacity), 0);
        cr_expect_eq(capacity, 1024);
        expect_domains(&s, fr);
        hostcaps_frequency_unref(fr);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
}

/* The CPU section is what it was before frequencies existed: on a tree with
 * a cpufreq policy and a cpu_capacity per CPU it opens none of their files;
 * the frequency section opens them. */
Test(frequency, cpu_request_opens_no_frequency_file) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 8,
                       .threads_per_core = 2,
                       .big_little = true,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        char **paths = traced(HOSTCAPS_SECTION_CPU);
        for (size_t i = 0; paths[i]; i++)
                cr_expect(!frequency_path(paths[i]), "a CPU request opened %s", paths[i]);
        hostcaps_strv_free(paths);
        paths = traced(HOSTCAPS_SECTION_FREQUENCY);
        unsigned n = 0;
        for (size_t i = 0; paths[i]; i++)
                n += frequency_path(paths[i]);
        /* The listing, affected_cpus and three frequencies per policy, a
         * capacity per CPU. */
        cr_expect_eq(n, 1 + 4 * gen_n_online(&s) + gen_n_online(&s), "%u", n);
        hostcaps_strv_free(paths);
}

/* Without cpufreq and cpu_capacity (a VM), the kinds cost one listing and
 * one probe, whatever the number of CPUs. */
Test(frequency, absent_sources_cost_two_accesses) {
        gen_shape s = {.sockets = 2, .cores_per_cluster = 16, .threads_per_core = 2};
        generate(&s);
        char **paths = traced(HOSTCAPS_SECTION_FREQUENCY);
        unsigned kinds_paths = 0;
        for (size_t i = 0; paths[i]; i++)
                kinds_paths += frequency_path(paths[i]);
        cr_expect_eq(kinds_paths, 2, "cpufreq/ and cpu0/cpu_capacity only");
        hostcaps_strv_free(paths);
        hostcaps_frequency *fr = get_frequency();
        cr_expect_eq(hostcaps_frequency_n_kinds(fr), 0);
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 0);
        cr_expect_eq(hostcaps_frequency_known(fr), 0, "no cpufreq driver: known, and none");
        uint64_t capacity;
        cr_expect_eq(hostcaps_frequency_capacity_of(fr, 0, &capacity), -ENODATA);
        hostcaps_frequency_unref(fr);
}

Test(frequency, offline_cpus_are_in_no_domain) {
        gen_shape s = {.clusters_per_die = 2,
                       .cores_per_cluster = 2,
                       .offline_cpus = "1-3",
                       .cpufreq = GEN_CPUFREQ_PER_CLUSTER};
        generate(&s);
        hostcaps_frequency *fr = get_frequency();
        /* Cluster 1 (CPUs 2-3) is all offline: its policy is not written. */
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 1);
        cr_expect_str_eq(hostcaps_frequency_domain_cpus(fr, 0), "0");
        expect_domains(&s, fr);
        hostcaps_frequency_unref(fr);
}

/* ---- the read policy: a bad file makes its value unknown, never the section ---- */

static bool reason_names(const hostcaps_frequency *fr, const char *what) {
        for (size_t i = 0; i < hostcaps_frequency_n_unknown(fr); i++)
                if (strstr(hostcaps_frequency_unknown_reason(fr, i), what))
                        return true;
        return false;
}

Test(frequency, bad_max_frequency_is_that_value_only) {
        gen_shape s = {.clusters_per_die = 2,
                       .cores_per_cluster = 2,
                       .big_little = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        test_write(root, "sys/devices/system/cpu/cpufreq/policy2/cpuinfo_max_freq", "fast\n");
        hostcaps_frequency *fr = get_frequency();
        uint64_t khz;
        int d = hostcaps_frequency_domain_of(fr, 2);
        cr_assert_geq(d, 0);
        cr_expect_eq(hostcaps_frequency_domain_get(fr, (size_t)d, HOSTCAPS_FREQUENCY_MAX, &khz), -ENODATA);
        cr_expect_eq(hostcaps_frequency_domain_get(fr, (size_t)d, HOSTCAPS_FREQUENCY_MIN, &khz), 0);
        cr_expect_eq(khz, GEN_MIN_KHZ);
        cr_expect(reason_names(fr, "policy2/cpuinfo_max_freq"));
        /* A CPU of unknown maximum: no frequency kinds of a part. */
        cr_expect_eq(hostcaps_frequency_n_kinds(fr), 0);
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 4);
        hostcaps_frequency_unref(fr);
}

Test(frequency, bad_policy_list_makes_frequencies_unknown) {
        gen_shape s = {.cores_per_cluster = 2, .cpu_capacity = true, .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        test_write(root, "sys/devices/system/cpu/cpufreq/policy1/affected_cpus", "1-0\n");
        hostcaps_frequency *fr = get_frequency();
        cr_expect_eq(hostcaps_frequency_known(fr), -ENODATA);
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 0);
        cr_expect(reason_names(fr, "policy1/affected_cpus"));
        char *json = NULL;
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_FREQUENCY, 0, HOSTCAPS_FORMAT_JSON,
                                                    &json),
                     0);
        cr_expect(strstr(json, "\"domains\": null") || strstr(json, "\"domains\":null"), "%s", json);
        free(json);
        hostcaps_node_unref(node);
        hostcaps_frequency_unref(fr);
}

Test(frequency, bad_or_missing_capacity_makes_kinds_unknown) {
        gen_shape s = {.clusters_per_die = 2,
                       .cores_per_cluster = 2,
                       .big_little = true,
                       .cpu_capacity = true,
                       .cpufreq = GEN_CPUFREQ_PER_CLUSTER};
        generate(&s);
        test_write(root, "sys/devices/system/cpu/cpu3/cpu_capacity", "big\n");
        hostcaps_frequency *fr = get_frequency();
        cr_expect_eq(hostcaps_frequency_n_kinds(fr), 0);
        cr_expect(reason_names(fr, "cpu3/cpu_capacity"));
        cr_expect_eq(hostcaps_frequency_capacity_of(fr, 0, NULL), -ENODATA, "capacities unknown as a whole");
        /* The frequencies are another value: still there. */
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 2);
        hostcaps_frequency_unref(fr);

        /* Missing on one CPU while the first has one: a part would mislead. */
        char *path = NULL;
        cr_assert(asprintf(&path, "%s/sys/devices/system/cpu/cpu3/cpu_capacity", root) > 0);
        cr_assert_eq(unlink(path), 0);
        free(path);
        fr = get_frequency();
        cr_expect_eq(hostcaps_frequency_n_kinds(fr), 0);
        cr_expect(reason_names(fr, "cpu3/cpu_capacity: missing"));
        hostcaps_frequency_unref(fr);
}

Test(frequency, inactive_policy_and_governor_directories_are_skipped) {
        gen_shape s = {.cores_per_cluster = 2, .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        /* A governor's directory beside the policies is no policy. */
        test_write(root, "sys/devices/system/cpu/cpufreq/ondemand/sampling_rate", "10000\n");
        hostcaps_frequency *fr = get_frequency();
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 2);
        cr_expect_eq(hostcaps_frequency_n_unknown(fr), 0, "%s", hostcaps_frequency_unknown_reason(fr, 0));
        hostcaps_frequency_unref(fr);
}

/* ---- formats ------------------------------------------------------------------ */

static char *document(unsigned sections, unsigned format) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, format, &doc), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

/* libvirt's XML has no place for kinds or frequencies: the document of
 * every section is the same with them and without, and the frequency
 * section writes none. */
Test(frequency, xml_unchanged) {
        gen_shape s = {.clusters_per_die = 2, .cores_per_cluster = 2, .threads_per_core = 2};
        generate(&s);
        char *plain = document(HOSTCAPS_SECTION_ALL, HOSTCAPS_FORMAT_XML);
        test_rm_rf(root);
        cr_assert_eq(mkdir(root, 0700), 0);
        s.big_little = s.cpu_capacity = true;
        s.cpufreq = GEN_CPUFREQ_PER_CLUSTER;
        generate(&s);
        char *rich = document(HOSTCAPS_SECTION_ALL, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(rich, plain);
        char *without = document(HOSTCAPS_SECTION_ALL & ~HOSTCAPS_SECTION_FREQUENCY, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(rich, without, "the frequency section writes no XML");
        free(without);
        char *json = document(HOSTCAPS_SECTION_FREQUENCY, HOSTCAPS_FORMAT_JSON),
             *text = document(HOSTCAPS_SECTION_FREQUENCY, HOSTCAPS_FORMAT_TEXT),
             *cpu_json = document(HOSTCAPS_SECTION_CPU, HOSTCAPS_FORMAT_JSON);
        cr_expect(strstr(json, "\"frequency\""), "%s", json);
        cr_expect(strstr(json, "\"source\": \"capacity\""), "%s", json);
        cr_expect(strstr(json, "\"max_khz\": 2800000"), "%s", json);
        cr_expect(strstr(json, "\"capacity\": 446"), "%s", json);
        /* The CPU's core kinds are the hybrid ones only: none here. */
        cr_expect(strstr(cpu_json, "\"core_kinds\""), "%s", cpu_json);
        cr_expect_null(strstr(cpu_json, "capacity"), "%s", cpu_json);
        cr_expect_null(strstr(cpu_json, "frequency_domains"), "%s", cpu_json);
        cr_expect(strstr(text, "capacity-446"), "%s", text);
        cr_expect(strstr(text, "Frequencies of CPUs      0-1,4-5: min 800.000 MHz max 2800.000 MHz\n"), "%s",
                  text);
        cr_expect(strstr(text, "Capacity of CPUs         2-3,6-7: 446\n"), "%s", text);
        free(plain);
        free(rich);
        free(json);
        free(text);
        free(cpu_json);
}

Test(frequency, loaded_document_is_absent) {
        gen_shape s = {.cores_per_cluster = 2, .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        char *xml = document(HOSTCAPS_SECTION_ALL, HOSTCAPS_FORMAT_XML), *path = NULL;
        cr_assert(asprintf(&path, "%s/caps.xml", root) > 0);
        FILE *f = fopen(path, "w");
        cr_assert(f);
        fputs(xml, f);
        fclose(f);
        hostcaps_node *node = NULL;
        hostcaps_frequency *fr = NULL;
        cr_assert_eq(hostcaps_node_open_document(&node, path, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_frequency(node, 0, &fr), 0);
        cr_expect_str_eq(hostcaps_frequency_absent_reason(fr),
                         "libvirt's capabilities document has no place for it");
        cr_expect_eq(hostcaps_frequency_n_domains(fr), 0);
        cr_expect_eq(hostcaps_frequency_n_kinds(fr), 0);
        hostcaps_frequency_unref(fr);
        hostcaps_node_unref(node);
        free(xml);
        free(path);
}

Test(frequency, accessors_check_arguments) {
        gen_shape s = {.cores_per_cluster = 2, .cpufreq = GEN_CPUFREQ_PER_CPU, .cpu_capacity = true};
        generate(&s);
        hostcaps_frequency *fr = get_frequency();
        hostcaps_cpuset *set = NULL;
        uint64_t khz, capacity;
        cr_expect_eq(hostcaps_frequency_domain_cpuset(fr, 1, &set), 0);
        cr_expect(hostcaps_cpuset_contains(set, 1));
        cr_expect_eq(hostcaps_cpuset_count(set), 1);
        hostcaps_cpuset_free(set);
        cr_expect_eq(hostcaps_frequency_domain_cpuset(fr, 2, &set), -EINVAL);
        cr_expect_eq(hostcaps_frequency_domain_get(fr, 2, HOSTCAPS_FREQUENCY_MAX, &khz), -EINVAL);
        cr_expect_eq(hostcaps_frequency_domain_get(fr, 0, (hostcaps_frequency_which)7, &khz), -EINVAL);
        cr_expect_eq(hostcaps_frequency_domain_of(NULL, 0), -EINVAL);
        cr_expect_eq(hostcaps_frequency_known(NULL), -EINVAL);
        cr_expect_null(hostcaps_frequency_domain_cpus(fr, 2));
        cr_expect_null(hostcaps_frequency_kind_source(fr, 0));
        cr_expect_null(hostcaps_frequency_kind_name(NULL, 0));
        cr_expect_eq(hostcaps_frequency_kind_cpuset(fr, 0, &set), -EINVAL);
        cr_expect_eq(hostcaps_frequency_kind_max_frequency(NULL, 0), 0);
        cr_expect_eq(hostcaps_frequency_n_domains(NULL), 0);
        cr_expect_eq(hostcaps_frequency_capacity_of(NULL, 0, &capacity), -EINVAL);
        cr_expect_eq(hostcaps_frequency_capacity_of(fr, 1, &capacity), 0);
        cr_expect_eq(capacity, 1024);
        cr_expect_eq(hostcaps_frequency_capacity_of(fr, 2, &capacity), -ENOENT, "no CPU 2");
        cr_expect_null(hostcaps_frequency_absent_reason(fr));
        hostcaps_frequency_unref(fr);
}

/* The stamp changes when a CPU goes offline or comes back. */
Test(frequency, stamp_follows_online_cpus) {
        gen_shape s = {.cores_per_cluster = 2, .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        hostcaps_reader *r = NULL;
        const hostcaps_section_ops *ops =
                hostcaps_sections[hostcaps_section_index(HOSTCAPS_SECTION_FREQUENCY)];
        cr_assert(ops && ops->stamp);
        cr_assert_eq(hostcaps_reader_new(&r, root), 0);
        uint64_t a = hostcaps_stamp_init(), b = hostcaps_stamp_init(), c = hostcaps_stamp_init();
        cr_assert_eq(ops->stamp(r, &a), 0);
        cr_assert_eq(ops->stamp(r, &b), 0);
        cr_expect_eq(a, b);
        test_write(root, "sys/devices/system/cpu/online", "0\n");
        cr_assert_eq(ops->stamp(r, &c), 0);
        cr_expect_neq(a, c);
        hostcaps_reader_free(r);
}

/* A snapshot of the section replays to what the live host says, and holds
 * the section's files where the host has them. */
Test(frequency, live_snapshot_replays) {
        char *snap = NULL;
        cr_assert(asprintf(&snap, "%s/snap", root) > 0);
        test_snapshot_replays(snap, HOSTCAPS_SECTION_FREQUENCY);
        free(snap);
}

Test(frequency, section_names) {
        cr_expect_str_eq(hostcaps_section_to_string(HOSTCAPS_SECTION_FREQUENCY), "frequency");
        cr_expect_eq(hostcaps_section_from_string("frequency"), HOSTCAPS_SECTION_FREQUENCY);
        cr_expect(HOSTCAPS_SECTION_ALL & HOSTCAPS_SECTION_FREQUENCY);
        cr_expect_not(HOSTCAPS_SECTION_ALL & HOSTCAPS_SECTION_DEVICES);
        cr_expect_eq(HOSTCAPS_SECTION_DEVICES, HOSTCAPS_SECTION_ALL + 1);
}
