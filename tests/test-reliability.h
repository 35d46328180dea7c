/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers of the reliability tests (test-broken, test-threads, test-faults):
 * a small sysroot with every section's files, the sections that exist, and
 * checks that a document is well formed. Every test iterates over the
 * sections the library has; one not implemented yet (-EOPNOTSUPP) is skipped
 * with a note, so coverage grows as sections land. */

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "host/section.h"
#include "hostcaps.h"
#include "test-schema.h"
#include "test-util.h"
#ifdef HOSTCAPS_HAVE_GEN
#include "sysroot-gen.h"
#endif

static const hostcaps_format test_formats[] = {HOSTCAPS_FORMAT_XML, HOSTCAPS_FORMAT_JSON,
                                               HOSTCAPS_FORMAT_TEXT, HOSTCAPS_FORMAT_NFD,
                                               HOSTCAPS_FORMAT_PROMETHEUS};
static const char *const test_format_names[] = {"xml", "json", "text", "nfd", "prometheus"};

/* Whether the library has this section (index HOSTCAPS_IDX_*). */
static inline bool test_section_exists(unsigned idx) {
        return idx < HOSTCAPS_N_SECTIONS && hostcaps_sections[idx] != NULL;
}

/* Print the note a skipped section leaves in the test log. */
static inline void test_note_missing_section(const char *test, unsigned idx) {
        fprintf(stderr, "NOTE %s: section '%s' is not implemented yet (-EOPNOTSUPP): skipped\n", test,
                hostcaps_section_to_string(1u << idx));
}

/* The sections that exist, as a mask. */
static inline unsigned test_existing_sections(void) {
        unsigned m = 0;
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (test_section_exists(i))
                        m |= 1u << i;
        return m;
}

/* A host with every section's files: one socket, two cores of two threads,
 * a NUMA node with the CPUs and a memory-only one, hugepages, resctrl with
 * L3 CAT, MBA and monitoring, the host section's files, and PCI devices (a
 * NIC, an NVMe drive and a GPU behind a root port, one without locality), a
 * cpufreq policy and a cpu_capacity per CPU (the frequency section). The synthetic
 * sysroot generator writes it when it is built; otherwise a small
 * hand-written tree covers the CPU and host sections. */
static inline void test_write_base_tree(const char *root) {
#ifdef HOSTCAPS_HAVE_GEN
        gen_shape shape = {
                .sockets = 1,
                .cores_per_cluster = 2,
                .threads_per_core = 2,
                .memory_only_nodes = 1,
                .hugepages = true,
                .l2_cores = 1,
                .l3_scope = GEN_L3_PER_SOCKET,
                .resctrl = GEN_RESCTRL_INTEL_MBA,
                .pci_per_node = 3,
                .pci_unknown = 1,
                .cpufreq = GEN_CPUFREQ_PER_CPU,
                .cpu_capacity = true,
        };
        cr_assert_eq(gen_sysroot(root, &shape), 0, "gen_sysroot(%s) failed", root);
#else
        test_write(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        test_write(root, "proc/cpuinfo",
                   "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
                   "model name\t: Test CPU\nstepping\t: 4\nmicrocode\t: 0x2006e05\n"
                   "flags\t\t: fpu sse sse2\n\n");
        test_write(root, "sys/devices/system/cpu/online", "0-3\n");
        test_write(root, "sys/devices/system/cpu/possible", "0-3\n");
        for (int c = 0; c < 4; c++) {
                char path[128], val[16];
                snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/package_cpus_list", c);
                test_write(root, path, "0-3\n");
                snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/core_cpus_list", c);
                snprintf(val, sizeof(val), "%d,%d\n", c % 2, c % 2 + 2);
                test_write(root, path, val);
                snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/core_id", c);
                snprintf(val, sizeof(val), "%d\n", c % 2);
                test_write(root, path, val);
                snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
                test_write(root, path, "0\n");
        }
        test_write(root, "sys/devices/system/cpu/cpu0/microcode/version", "0x2006e05\n");
        test_write(root, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
        test_write(root, "sys/class/dmi/id/product_uuid", "4c4c4544-0042-4810-8056-b4c04f595231\n");
        test_write(root, "etc/machine-id", "4c2d8e1a9b7f4e3d8a6c5b4e3f2a1d0c\n");
        test_write(root, "sys/power/state", "freeze mem disk\n");
        test_write(root, "sys/power/disk", "[platform] shutdown reboot suspend\n");
        test_write(root, "sys/kernel/iommu_groups/0/type", "DMA\n");
#endif
}

/* ---- documents ---------------------------------------------------------- */

/* libvirt's schema, parsed once per test process (NULL when not installed). */
static inline xmlRelaxNGPtr test_capabilities_schema(void) {
        static xmlRelaxNGPtr schema;
        static bool tried;
        if (!tried) {
                tried = true;
                if (test_have_schema()) {
                        char *dir = NULL, *rng = test_schema_copy(&dir);
                        xmlRelaxNGParserCtxtPtr p = xmlRelaxNGNewParserCtxt(rng);
                        schema = xmlRelaxNGParse(p);
                        xmlRelaxNGFreeParserCtxt(p);
                        test_rm_rf(dir);
                        free(dir);
                        free(rng);
                }
        }
        return schema;
}

static void test_xml_silent(void *ctx, const char *msg, ...) {
        (void)ctx;
        (void)msg;
}

/* NULL when `doc` is a well-formed document of its format (an XML document
 * that also validates against libvirt's schema when installed, a JSON object,
 * non-empty text of valid UTF-8); else why not (a static string). */
static inline const char *test_document_problem(const char *doc, hostcaps_format format) {
        if (!doc)
                return "no document";
        switch (format) {
        case HOSTCAPS_FORMAT_XML: {
                xmlDocPtr d = xmlReadMemory(doc, (int)strlen(doc), "doc.xml", NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
                if (!d)
                        return "the XML document is not well formed";
                xmlRelaxNGPtr schema = test_capabilities_schema();
                int invalid = 0;
                if (schema) {
                        xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(schema);
                        xmlRelaxNGSetValidErrors(v, test_xml_silent, test_xml_silent, NULL);
                        invalid = xmlRelaxNGValidateDoc(v, d);
                        xmlRelaxNGFreeValidCtxt(v);
                }
                xmlFreeDoc(d);
                return invalid ? "the XML document does not validate against libvirt's schema" : NULL;
        }
        case HOSTCAPS_FORMAT_JSON: {
                struct json_tokener *tok = json_tokener_new();
                json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
                struct json_object *j = json_tokener_parse_ex(tok, doc, (int)strlen(doc));
                bool ok = j && json_object_is_type(j, json_type_object);
                json_object_put(j);
                json_tokener_free(tok);
                return ok ? NULL : "the JSON document does not parse (strict, UTF-8)";
        }
        case HOSTCAPS_FORMAT_TEXT:
                if (!*doc)
                        return "the text document is empty";
                for (const unsigned char *p = (const unsigned char *)doc; *p; p++)
                        if (*p < 0x20 && *p != '\n' && *p != '\t')
                                return "the text document holds control characters";
                return NULL;
        case HOSTCAPS_FORMAT_NFD:
        case HOSTCAPS_FORMAT_PROMETHEUS:
                /* Line by line: NFD a comment or NAME=VALUE of label
                 * characters (an empty file is fine: a section may have no
                 * label); Prometheus a comment or "series value". */
                for (const char *p = doc; *p;) {
                        static const char label[] =
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
                        size_t n = strcspn(p, "\n"), eq = strcspn(p, "=\n"), sp = n;
                        while (sp > 0 && p[sp - 1] != ' ')
                                sp--;
                        for (size_t i = 0; i < n; i++)
                                if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
                                        return "an export holds control characters";
                        if (p[n] != '\n')
                                return "an export's last line has no newline";
                        if (*p == '#')
                                ;
                        else if (format == HOSTCAPS_FORMAT_NFD &&
                                 (eq == n || eq == 0 || strspn(p, label) != eq ||
                                  strspn(p + eq + 1, label) != n - eq - 1))
                                return "an NFD line is no label";
                        else if (format == HOSTCAPS_FORMAT_PROMETHEUS &&
                                 (sp < 2 || sp == n || strspn(p + sp, "0123456789") != n - sp))
                                return "a Prometheus line is no sample";
                        p += n + 1;
                }
                return NULL;
        }
        return "unknown format";
}
