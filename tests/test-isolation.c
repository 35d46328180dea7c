/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The isolation section: isolated and nohz_full CPUs, SMT control, CPU
 * vulnerabilities, on generated trees (known answers), broken ones, loaded
 * documents and the live host. */
#include "host/reader.h"
#include "host/section.h"
#include "hostcaps.h"
#include "isolation/isolation.h"
#include "sysroot-gen.h"
#include "test-util.h"

TEST_SUITE_WITH_ROOT(isolation);

static void generate(const gen_shape *s) {
        cr_assert_eq(gen_sysroot(root, s), 0);
}

static hostcaps_isolation *get_isolation(void) {
        hostcaps_node *node = NULL;
        hostcaps_isolation *iso = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_isolation(node, 0, &iso), 0, "%s", hostcaps_error_message());
        hostcaps_node_unref(node);
        return iso;
}

static bool reason_names(const hostcaps_isolation *iso, const char *what) {
        for (size_t i = 0; i < hostcaps_isolation_n_unknown(iso); i++)
                if (strstr(hostcaps_isolation_unknown_reason(iso, i), what))
                        return true;
        return false;
}

Test(isolation, generated_answers) {
        gen_shape s = {.cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .isolated_cpus = "2-3,6",
                       .nohz_full_cpus = "2-7",
                       .vulnerabilities = true};
        generate(&s);
        hostcaps_isolation *iso = get_isolation();
        bool active = false;
        cr_expect_null(hostcaps_isolation_absent_reason(iso));
        cr_expect_str_eq(hostcaps_isolation_isolated_cpus(iso), "2-3,6");
        cr_expect_str_eq(hostcaps_isolation_nohz_full_cpus(iso), "2-7");
        cr_expect_str_eq(hostcaps_isolation_smt_control(iso), "on");
        cr_expect_eq(hostcaps_isolation_smt_active(iso, &active), 0);
        cr_expect(active);
        hostcaps_cpuset *set = NULL;
        cr_assert_eq(hostcaps_isolation_isolated_cpuset(iso, &set), 0);
        cr_expect_eq(hostcaps_cpuset_count(set), 3);
        cr_expect(hostcaps_cpuset_contains(set, 6));
        hostcaps_cpuset_free(set);
        cr_assert_eq(hostcaps_isolation_nohz_full_cpuset(iso, &set), 0);
        cr_expect_eq(hostcaps_cpuset_count(set), 6);
        hostcaps_cpuset_free(set);

        cr_assert_eq(hostcaps_isolation_vulnerabilities_known(iso), 0);
        cr_assert_eq(hostcaps_isolation_n_vulnerabilities(iso), GEN_N_VULNERABILITIES);
        static const hostcaps_vulnerability_state states[] = {
                [GEN_VULN_UNKNOWN] = HOSTCAPS_VULNERABILITY_UNKNOWN,
                [GEN_VULN_AFFECTED] = HOSTCAPS_VULNERABILITY_AFFECTED,
                [GEN_VULN_MITIGATED] = HOSTCAPS_VULNERABILITY_MITIGATED,
                [GEN_VULN_NOT_AFFECTED] = HOSTCAPS_VULNERABILITY_NOT_AFFECTED,
        };
        for (size_t i = 0; i < GEN_N_VULNERABILITIES; i++) {
                const gen_vulnerability *v = &gen_vulnerabilities[i];
                cr_expect_str_eq(hostcaps_isolation_vulnerability_name(iso, i), v->name);
                cr_expect_str_eq(hostcaps_isolation_vulnerability_text(iso, i), v->text);
                cr_expect_eq(hostcaps_isolation_vulnerability_state(iso, i), states[v->state], "%s", v->name);
                cr_expect_eq(hostcaps_isolation_vulnerability_smt_vulnerable(iso, i), v->smt_vulnerable, "%s",
                             v->name);
                cr_expect_eq(hostcaps_isolation_vulnerability_index(iso, v->name), (int)i);
        }
        cr_expect_eq(hostcaps_isolation_vulnerability_index(iso, "no_such_bug"), -ENOENT);
        cr_expect_eq(hostcaps_isolation_n_unknown(iso), 0, "%s", hostcaps_isolation_unknown_reason(iso, 0));
        hostcaps_isolation_unref(iso);
}

/* What an older kernel or one built without NO_HZ_FULL gives: no file, the
 * value unknown without a reason. */
Test(isolation, missing_files_are_unknown_without_reason) {
        gen_shape s = {.cores_per_cluster = 2};
        generate(&s);
        hostcaps_isolation *iso = get_isolation();
        bool active = true;
        cr_expect_str_eq(hostcaps_isolation_isolated_cpus(iso), "");
        cr_expect_null(hostcaps_isolation_nohz_full_cpus(iso));
        hostcaps_cpuset *set = NULL;
        cr_expect_eq(hostcaps_isolation_nohz_full_cpuset(iso, &set), -ENODATA);
        cr_expect_null(set);
        cr_expect_str_eq(hostcaps_isolation_smt_control(iso), "notsupported");
        cr_expect_eq(hostcaps_isolation_smt_active(iso, &active), 0);
        cr_expect_not(active);
        cr_expect_eq(hostcaps_isolation_vulnerabilities_known(iso), -ENODATA);
        cr_expect_eq(hostcaps_isolation_n_vulnerabilities(iso), 0);
        cr_expect_eq(hostcaps_isolation_n_unknown(iso), 0);
        hostcaps_isolation_unref(iso);
}

Test(isolation, bad_files_make_their_value_unknown) {
        gen_shape s = {.cores_per_cluster = 2, .threads_per_core = 2, .vulnerabilities = true};
        generate(&s);
        test_write(root, "sys/devices/system/cpu/isolated", "3-1\n");
        /* Kernels with NO_HZ_FULL but no nohz_full= said "(null)". */
        test_write(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
        test_write(root, "sys/devices/system/cpu/smt/active", "7\n");
        test_write(root, "sys/devices/system/cpu/smt/control", "\n");
        /* A vulnerability that cannot be read as a file. */
        test_write(root, "sys/devices/system/cpu/vulnerabilities/zz_bug/oops", "x\n");
        hostcaps_isolation *iso = get_isolation();
        bool active;
        cr_expect_null(hostcaps_isolation_isolated_cpus(iso));
        cr_expect(reason_names(iso, "sys/devices/system/cpu/isolated"));
        cr_expect_str_eq(hostcaps_isolation_nohz_full_cpus(iso), "");
        cr_expect_eq(hostcaps_isolation_smt_active(iso, &active), -ENODATA);
        cr_expect(reason_names(iso, "smt/active"));
        cr_expect_null(hostcaps_isolation_smt_control(iso));
        cr_expect(reason_names(iso, "smt/control: empty"));
        /* The others are read; the bad one is listed, its state unknown. */
        cr_assert_eq(hostcaps_isolation_n_vulnerabilities(iso), GEN_N_VULNERABILITIES + 1);
        size_t last = GEN_N_VULNERABILITIES;
        cr_expect_str_eq(hostcaps_isolation_vulnerability_name(iso, last), "zz_bug");
        cr_expect_null(hostcaps_isolation_vulnerability_text(iso, last));
        cr_expect_eq(hostcaps_isolation_vulnerability_state(iso, last), HOSTCAPS_VULNERABILITY_UNKNOWN);
        cr_expect(reason_names(iso, "vulnerabilities/zz_bug"));
        cr_expect_eq(hostcaps_isolation_vulnerability_state(iso, 4), HOSTCAPS_VULNERABILITY_NOT_AFFECTED);
        cr_expect_eq(hostcaps_isolation_n_unknown(iso), 4);
        hostcaps_isolation_unref(iso);
}

/* The kernel's words (sysfs-devices-system-cpu, hw-vuln), one line a case. */
Test(isolation, vulnerability_words) {
        static const struct {
                const char *text;
                hostcaps_vulnerability_state state;
                bool smt;
        } cases[] = {
                {"Not affected", HOSTCAPS_VULNERABILITY_NOT_AFFECTED, false},
                {"Vulnerable", HOSTCAPS_VULNERABILITY_AFFECTED, false},
                {"Vulnerable: No microcode", HOSTCAPS_VULNERABILITY_AFFECTED, false},
                {"Vulnerable; SMT vulnerable", HOSTCAPS_VULNERABILITY_AFFECTED, true},
                {"Vulnerable (Syscall hardening enabled)", HOSTCAPS_VULNERABILITY_AFFECTED, false},
                {"Mitigation: PTI", HOSTCAPS_VULNERABILITY_MITIGATED, false},
                {"Mitigation: Clear CPU buffers; SMT vulnerable", HOSTCAPS_VULNERABILITY_MITIGATED, true},
                {"Mitigation: Clear CPU buffers; SMT Host state unknown", HOSTCAPS_VULNERABILITY_MITIGATED,
                 true},
                {"Mitigation: Clear CPU buffers; SMT disabled", HOSTCAPS_VULNERABILITY_MITIGATED, false},
                {"KVM: Mitigation: VMX disabled", HOSTCAPS_VULNERABILITY_MITIGATED, false},
                {"KVM: Vulnerable", HOSTCAPS_VULNERABILITY_AFFECTED, false},
                {"Processor vulnerable", HOSTCAPS_VULNERABILITY_AFFECTED, false},
                {"Unknown: Dependent on hypervisor status", HOSTCAPS_VULNERABILITY_UNKNOWN, false},
                {"Vulnerability unknown", HOSTCAPS_VULNERABILITY_UNKNOWN, false},
                {"Vulnerablex", HOSTCAPS_VULNERABILITY_UNKNOWN, false},
                {"", HOSTCAPS_VULNERABILITY_UNKNOWN, false},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                bool smt = !cases[i].smt;
                cr_expect_eq(hostcaps_vulnerability_parse(cases[i].text, &smt), cases[i].state, "'%s'",
                             cases[i].text);
                cr_expect_eq(smt, cases[i].smt, "'%s'", cases[i].text);
        }
        cr_expect_str_eq(hostcaps_vulnerability_state_to_string(HOSTCAPS_VULNERABILITY_NOT_AFFECTED),
                         "not_affected");
        cr_expect_null(hostcaps_vulnerability_state_to_string((hostcaps_vulnerability_state)9));
}

static char *document(unsigned sections, unsigned format) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, format, &doc), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

/* libvirt's XML has no place for the section: a document of it alone holds
 * the <cpu><arch> libvirt's schema requires, nothing else. */
Test(isolation, formats) {
        gen_shape s = {
                .cores_per_cluster = 2, .threads_per_core = 2, .isolated_cpus = "1", .vulnerabilities = true};
        generate(&s);
        char *xml = document(HOSTCAPS_SECTION_ISOLATION, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(xml, "<capabilities>\n  <host>\n    <cpu>\n      <arch>x86_64</arch>\n    </cpu>\n  "
                              "</host>\n</capabilities>\n");
        char *all = document(HOSTCAPS_SECTION_ALL, HOSTCAPS_FORMAT_XML),
             *others = document(HOSTCAPS_SECTION_ALL & ~HOSTCAPS_SECTION_ISOLATION, HOSTCAPS_FORMAT_XML);
        cr_expect_str_eq(all, others);
        char *json = document(HOSTCAPS_SECTION_ISOLATION, HOSTCAPS_FORMAT_JSON);
        cr_expect(strstr(json, "\"isolated_cpus\": \"1\""), "%s", json);
        cr_expect(strstr(json, "\"state\": \"mitigated\""), "%s", json);
        cr_expect(strstr(json, "\"nohz_full_cpus\": null"), "%s", json);
        char *text = document(HOSTCAPS_SECTION_ISOLATION, HOSTCAPS_FORMAT_TEXT);
        cr_expect(strstr(text, "Isolated CPUs:           1\n"), "%s", text);
        cr_expect(strstr(text, "SMT control:             on, active\n"), "%s", text);
        cr_expect(strstr(text, "srbds                    affected     Processor vulnerable\n"), "%s", text);
        free(xml);
        free(all);
        free(others);
        free(json);
        free(text);
}

Test(isolation, loaded_document_gives_it_absent) {
        gen_shape s = {.cores_per_cluster = 2};
        generate(&s);
        char *xml = document(HOSTCAPS_SECTION_ALL, HOSTCAPS_FORMAT_XML);
        hostcaps_node *node = NULL;
        hostcaps_isolation *iso = NULL;
        cr_assert_eq(hostcaps_node_open_document_data(&node, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_isolation(node, 0, &iso), 0, "%s", hostcaps_error_message());
        cr_expect_str_eq(hostcaps_isolation_absent_reason(iso),
                         "libvirt's capabilities document has no place for it");
        cr_expect_null(hostcaps_isolation_isolated_cpus(iso));
        char *json = NULL;
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_ISOLATION, 0, HOSTCAPS_FORMAT_JSON,
                                                    &json),
                     0);
        cr_expect(strstr(json, "\"absent\": true"), "%s", json);
        free(json);
        hostcaps_isolation_unref(iso);
        hostcaps_node_unref(node);
        free(xml);
}

static bool isolation_path(const char *p) {
        return strcmp(p, "sys/devices/system/cpu/isolated") == 0 ||
               strcmp(p, "sys/devices/system/cpu/nohz_full") == 0 ||
               strncmp(p, "sys/devices/system/cpu/smt/", 27) == 0 ||
               strncmp(p, "sys/devices/system/cpu/vulnerabilities/", 39) == 0;
}

/* Each request opens only its own section's files: the CPU section none of
 * these, the isolation section nothing else. */
Test(isolation, requests_read_only_their_files) {
        gen_shape s = {.cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .nohz_full_cpus = "1",
                       .vulnerabilities = true,
                       .cpufreq = GEN_CPUFREQ_PER_CPU};
        generate(&s);
        for (unsigned k = 0; k < 2; k++) {
                unsigned section = k ? HOSTCAPS_SECTION_ISOLATION : HOSTCAPS_SECTION_CPU;
                hostcaps_node *node = NULL;
                hostcaps_object *o = NULL;
                cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
                hostcaps_reader *r = hostcaps_node_reader(node);
                hostcaps_reader_trace_start(r);
                cr_assert_eq(hostcaps_node_get_object(node, section, 0, &o), 0, "%s",
                             hostcaps_error_message());
                char **paths = hostcaps_reader_trace_stop(r);
                size_t n = 0;
                for (; paths[n]; n++)
                        cr_expect_eq(isolation_path(paths[n]), section == HOSTCAPS_SECTION_ISOLATION,
                                     "%s read %s", hostcaps_section_to_string(section), paths[n]);
                if (section == HOSTCAPS_SECTION_ISOLATION)
                        /* isolated, nohz_full, smt/control, smt/active, the listing, each vulnerability */
                        cr_expect_eq(n, 5 + GEN_N_VULNERABILITIES);
                hostcaps_strv_free(paths);
                hostcaps_object_unref(o);
                hostcaps_node_unref(node);
        }
}

/* The stamp changes when SMT is switched at run time. */
Test(isolation, stamp_follows_smt_control) {
        gen_shape s = {.cores_per_cluster = 2, .threads_per_core = 2};
        generate(&s);
        hostcaps_reader *r = NULL;
        const hostcaps_section_ops *ops =
                hostcaps_sections[hostcaps_section_index(HOSTCAPS_SECTION_ISOLATION)];
        cr_assert(ops && ops->stamp);
        cr_assert_eq(hostcaps_reader_new(&r, root), 0);
        uint64_t a = hostcaps_stamp_init(), b = hostcaps_stamp_init(), c = hostcaps_stamp_init();
        cr_assert_eq(ops->stamp(r, &a), 0);
        cr_assert_eq(ops->stamp(r, &b), 0);
        cr_expect_eq(a, b);
        test_write(root, "sys/devices/system/cpu/smt/control", "off\n");
        cr_assert_eq(ops->stamp(r, &c), 0);
        cr_expect_neq(a, c);
        /* A sibling taken offline with control left "on". */
        uint64_t d = hostcaps_stamp_init();
        test_write(root, "sys/devices/system/cpu/smt/control", "on\n");
        test_write(root, "sys/devices/system/cpu/smt/active", "0\n");
        cr_assert_eq(ops->stamp(r, &d), 0);
        cr_expect_neq(a, d);
        hostcaps_reader_free(r);
}

/* A snapshot of the section replays to what the live host says. */
Test(isolation, live_snapshot_replays) {
        char *snap = NULL;
        cr_assert(asprintf(&snap, "%s/snap", root) > 0);
        test_snapshot_replays(snap, HOSTCAPS_SECTION_ISOLATION);
        free(snap);
}

Test(isolation, accessors_check_arguments) {
        bool b;
        hostcaps_cpuset *set = NULL;
        cr_expect_null(hostcaps_isolation_isolated_cpus(NULL));
        cr_expect_eq(hostcaps_isolation_isolated_cpuset(NULL, &set), -EINVAL);
        cr_expect_eq(hostcaps_isolation_smt_active(NULL, &b), -EINVAL);
        cr_expect_eq(hostcaps_isolation_vulnerabilities_known(NULL), -EINVAL);
        cr_expect_eq(hostcaps_isolation_vulnerability_index(NULL, "mds"), -EINVAL);
        cr_expect_eq(hostcaps_isolation_n_vulnerabilities(NULL), 0);
        cr_expect_eq(hostcaps_isolation_vulnerability_state(NULL, 0), HOSTCAPS_VULNERABILITY_UNKNOWN);
        cr_expect_not(hostcaps_isolation_vulnerability_smt_vulnerable(NULL, 0));
        cr_expect_null(hostcaps_isolation_unref(NULL));
        cr_expect_str_eq(hostcaps_section_to_string(HOSTCAPS_SECTION_ISOLATION), "isolation");
        cr_expect_eq(hostcaps_section_from_string("isolation"), HOSTCAPS_SECTION_ISOLATION);
}
