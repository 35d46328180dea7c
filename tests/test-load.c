/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Saved capabilities documents loaded back (hostcaps_node_open_document):
 * hostcaps' own documents of every sysroot at hand give the same XML again,
 * byte for byte; libvirt's documents give libvirt's <cache>,
 * <memory_bandwidth> and cells; the cache and resctrl sections' typed view
 * of a loaded document; and hostile or malformed documents are refused with
 * the line, by the library and by the tool, without reading any file they
 * name. */
#include <fcntl.h>
#include <glob.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sys/inotify.h>
#include <sys/wait.h>

#include "host/section.h"
#include "hostcaps.h"
#include "test-schema.h"
#include "test-util.h"

#include "gen/sysroot-gen.h"

TEST_SUITE_WITH_ROOT(load);

/* ---- helpers ------------------------------------------------------------ */

/* `s` with every run of white space (padding, newlines, indentation) made
 * one space: checks of the text and XML output then compare values and
 * their order, not the writer's layout. */
static char *squeeze(const char *s) {
        char *r = malloc(strlen(s) + 1), *p = r;
        cr_assert(r);
        for (; *s; s++)
                if (!(*s == ' ' || *s == '\n' || *s == '\t') || (p > r && p[-1] != ' '))
                        *p++ = (*s == '\n' || *s == '\t') ? ' ' : *s;
        *p = '\0';
        return r;
}

static bool has_squeezed(const char *doc, const char *want) {
        char *d = squeeze(doc);
        bool found = strstr(d, want) != NULL;
        free(d);
        return found;
}

static unsigned implemented(void) {
        unsigned m = 0;
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (hostcaps_sections[i])
                        m |= 1u << i;
        return m;
}

static char *caps(hostcaps_node *node, unsigned sections, hostcaps_format format, const char *name) {
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, format, &doc), 0, "%s: %s", name,
                     hostcaps_error_message());
        return doc;
}

static hostcaps_node *load_data(const char *doc, const char *name) {
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open_document_data(&node, doc, strlen(doc), 0), 0, "%s: %s\n%s", name,
                     hostcaps_error_message(), doc);
        return node;
}

static void write_file(const char *path, const char *data, size_t len) {
        FILE *f = fopen(path, "wb");
        cr_assert(f, "cannot write %s", path);
        cr_assert_eq(fwrite(data, 1, len, f), len);
        fclose(f);
}

static char *read_file(const char *path) {
        char *data = test_read_file(path);
        cr_assert(data, "cannot read %s", path);
        return data;
}

static char *fixture_root(const char *fixtures, const char *name) {
        return test_vircaps2xml_root(fixtures, name, root);
}

/* The vircaps2xml case names, from the fixtures folder. */
static size_t fixture_cases(const char *fixtures, char ***ret) {
        char *pattern = NULL;
        glob_t g;
        size_t n = 0;
        cr_assert(asprintf(&pattern, "%s/libvirt/vircaps2xml/*/root", fixtures) >= 0);
        *ret = NULL;
        if (glob(pattern, 0, NULL, &g) == 0) {
                *ret = calloc(g.gl_pathc + 1, sizeof(char *));
                cr_assert(*ret);
                for (size_t i = 0; i < g.gl_pathc; i++) {
                        char *p = strdup(g.gl_pathv[i]);
                        *strrchr(p, '/') = '\0';
                        (*ret)[n++] = strdup(strrchr(p, '/') + 1);
                        free(p);
                }
                globfree(&g);
        }
        free(pattern);
        return n;
}

static void strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

/* ---- round trips: written, loaded, written again ------------------------- */

static void assert_json_parses(const char *json, const char *name) {
        struct json_object *j = json_tokener_parse(json);
        cr_assert_not_null(j, "%s: not JSON:\n%s", name, json);
        json_object_put(j);
}

/* The whole document of `node` (sections `all`), loaded, gives the same
 * document; so does each section alone and the pairs that share elements.
 * The loaded node's JSON parses, its text is written, and its document
 * validates. Memory alone is left out: from a tree without meminfo it
 * writes empty cells, which a document cannot tell from no memory section. */
static void assert_round_trip(hostcaps_node *node, unsigned all, const char *name) {
        static const unsigned pairs[] = {HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL,
                                         HOSTCAPS_SECTION_NUMA | HOSTCAPS_SECTION_MEMORY};
        char *doc = caps(node, all, HOSTCAPS_FORMAT_XML, name);
        hostcaps_node *loaded = load_data(doc, name);
        char *again = caps(loaded, all, HOSTCAPS_FORMAT_XML, name);
        cr_assert_str_eq(again, doc, "%s: written, loaded and written again, the document changed", name);
        free(again);

        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS + ELEMENTSOF(pairs); i++) {
                unsigned s = i < HOSTCAPS_N_SECTIONS ? 1u << i : pairs[i - HOSTCAPS_N_SECTIONS];
                if ((s & all) != s || s == HOSTCAPS_SECTION_MEMORY)
                        continue;
                char *a = caps(node, s, HOSTCAPS_FORMAT_XML, name),
                     *b = caps(loaded, s, HOSTCAPS_FORMAT_XML, name);
                cr_expect_str_eq(b, a, "%s: sections 0x%x differ after loading", name, s);
                free(a);
                free(b);
        }

        char *json = caps(loaded, all, HOSTCAPS_FORMAT_JSON, name);
        assert_json_parses(json, name);
        free(json);
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (all & (1u << i)) {
                        json = caps(loaded, 1u << i, HOSTCAPS_FORMAT_JSON, name);
                        assert_json_parses(json, name);
                        free(json);
                        free(caps(loaded, 1u << i, HOSTCAPS_FORMAT_TEXT, name));
                }
        free(caps(loaded, all, HOSTCAPS_FORMAT_TEXT, name));
        if (test_have_schema())
                test_assert_valid_capabilities(doc);
        hostcaps_node_unref(loaded);
        free(doc);
}

static void round_trip_dir(const char *dir, const char *name) {
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0, "%s: %s", name, hostcaps_error_message());
        assert_round_trip(node, implemented(), name);
        hostcaps_node_unref(node);
}

/* Every libvirt recorded tree. */
Test(load, round_trip_fixtures, .timeout = 240) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char **cases = NULL;
        size_t n = fixture_cases(fixtures, &cases);
        cr_assert_gt(n, 0, "no vircaps2xml case in %s", fixtures);
        for (size_t i = 0; i < n; i++) {
                char *dir = fixture_root(fixtures, cases[i]);
                round_trip_dir(dir, cases[i]);
                test_rm_rf(dir);
                free(dir);
        }
        fprintf(stderr, "round trip: %zu recorded trees\n", n);
        strv_free(cases);
}

static void round_trip_generated(const gen_shape *s, const char *name) {
        char *dir = NULL;
        cr_assert(asprintf(&dir, "%s/%s", root, name) >= 0);
        cr_assert_eq(gen_sysroot(dir, s), 0, "%s: %s", name, gen_shape_error(s) ? gen_shape_error(s) : "");
        round_trip_dir(dir, name);
        test_rm_rf(dir);
        free(dir);
}

Test(load, round_trip_generated_intel) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 8,
                       .threads_per_core = 2,
                       .nodes_per_socket = 2,
                       .hugepages = true,
                       .resctrl = GEN_RESCTRL_INTEL};
        round_trip_generated(&s, "intel");
}

Test(load, round_trip_generated_cdp) {
        gen_shape s = {.sockets = 2,
                       .dies_per_socket = 2,
                       .cores_per_cluster = 4,
                       .memory_only_nodes = 2,
                       .asymmetric_distances = true,
                       .l3_scope = GEN_L3_PER_DIE,
                       .resctrl = GEN_RESCTRL_INTEL_CDP};
        round_trip_generated(&s, "cdp");
}

Test(load, round_trip_generated_mba) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .resctrl = GEN_RESCTRL_INTEL_MBA};
        round_trip_generated(&s, "mba");
}

Test(load, round_trip_generated_amd) {
        gen_shape s = {.sockets = 1,
                       .cores_per_cluster = 16,
                       .threads_per_core = 2,
                       .l3_scope = GEN_L3_PER_CORES,
                       .l3_cores = 4,
                       .offline_cpus = "3,5",
                       .resctrl = GEN_RESCTRL_AMD};
        round_trip_generated(&s, "amd");
}

Test(load, round_trip_generated_others) {
        gen_shape no_ids = {.sockets = 2,
                            .cores_per_cluster = 4,
                            .threads_per_core = 2,
                            .no_cache_ids = true,
                            .node_ids = "0,4"};
        gen_shape no_l3 = {
                .sockets = 1, .cores_per_cluster = 6, .l3_scope = GEN_L3_NONE, .no_cpu_lists = true};
        gen_shape arm = {.arch = "aarch64",
                         .sockets = 1,
                         .clusters_per_die = 4,
                         .cores_per_cluster = 4,
                         .l2_cores = 4,
                         .nodes_per_socket = 2};
        gen_shape hybrid = {.sockets = 1, .cores_per_cluster = 6, .threads_per_core = 2, .hybrid = true};
        round_trip_generated(&no_ids, "no-ids");
        round_trip_generated(&no_l3, "no-l3");
        round_trip_generated(&arm, "aarch64");
        round_trip_generated(&hybrid, "hybrid");
}

/* libvirt's rounding of a granularity that is not a whole number of bytes
 * (11 MiB in 20 bits: 576716.8 bytes) comes back to the same bits. */
Test(load, round_trip_rounded_granularity) {
        test_write(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        test_write(root, "sys/devices/system/cpu/online", "0\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/level", "3\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/type", "Unified\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/size", "11264K\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/id", "4\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/shared_cpu_list", "0\n");
        test_write(root, "sys/fs/resctrl/info/L3/cbm_mask", "fffff\n");
        test_write(root, "sys/fs/resctrl/info/L3/min_cbm_bits", "3\n");
        test_write(root, "sys/fs/resctrl/info/L3/num_closids", "15\n");
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        char *doc =
                caps(node, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML, "rounded");
        cr_assert(strstr(doc, "granularity='576716' min='1730148' unit='B'"), "%s", doc);
        hostcaps_node *loaded = load_data(doc, "rounded");
        hostcaps_resctrl *rc = NULL;
        cr_assert_eq(hostcaps_node_get_resctrl(loaded, 0, &rc), 0);
        cr_assert_eq(hostcaps_resctrl_cache_control_cbm_bits(rc, 0), 20);
        cr_assert_eq(hostcaps_resctrl_cache_control_min_cbm_bits(rc, 0), 3);
        cr_assert_eq(hostcaps_resctrl_cache_control_cbm_mask(rc, 0), 0xfffff);
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(loaded);
        free(doc);
        assert_round_trip(node, implemented(), "rounded");
        hostcaps_node_unref(node);
}

/* ---- libvirt's documents -------------------------------------------------- */

static xmlNodePtr child(xmlNodePtr n, const char *name) {
        for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0)
                        return c;
        return NULL;
}

static xmlNodePtr host_child(xmlDocPtr d, const char *name) {
        return child(child(xmlDocGetRootElement(d), "host"), name);
}

static xmlNodePtr next_element(xmlNodePtr c, const char *skip) {
        while (c && (c->type != XML_ELEMENT_NODE || (skip && xmlStrcmp(c->name, BAD_CAST skip) == 0)))
                c = c->next;
        return c;
}

static size_t n_attrs(xmlNodePtr n, const char *skip) {
        size_t k = 0;
        for (xmlAttrPtr a = n->properties; a; a = a->next)
                k += !skip || xmlStrcmp(a->name, BAD_CAST skip) != 0;
        return k;
}

/* Element equality: name, attributes with their values, element children in
 * order; an attribute and an element name may be left out of the comparison. */
static void assert_same_element(xmlNodePtr e, xmlNodePtr o, const char *where, const char *skip_attr,
                                const char *skip_elem) {
        cr_assert(o, "%s: <%s> missing from hostcaps' document", where, (const char *)e->name);
        cr_assert_str_eq((const char *)o->name, (const char *)e->name, "%s", where);
        cr_assert_eq(n_attrs(o, skip_attr), n_attrs(e, skip_attr),
                     "%s: <%s> has %zu attributes, libvirt's %zu", where, (const char *)e->name,
                     n_attrs(o, skip_attr), n_attrs(e, skip_attr));
        for (xmlAttrPtr a = e->properties; a; a = a->next) {
                if (skip_attr && xmlStrcmp(a->name, BAD_CAST skip_attr) == 0)
                        continue;
                xmlChar *ev = xmlGetProp(e, a->name), *ov = xmlGetProp(o, a->name);
                cr_assert(ov, "%s: <%s> lacks %s='%s'", where, (const char *)e->name, (const char *)a->name,
                          (const char *)ev);
                cr_assert_str_eq((const char *)ov, (const char *)ev, "%s: <%s %s>", where,
                                 (const char *)e->name, (const char *)a->name);
                xmlFree(ev);
                xmlFree(ov);
        }
        xmlNodePtr ec = next_element(e->children, skip_elem), oc = next_element(o->children, skip_elem);
        for (; ec; ec = next_element(ec->next, skip_elem), oc = next_element(oc ? oc->next : NULL, skip_elem))
                assert_same_element(ec, oc, where, skip_attr, skip_elem);
        cr_assert_null(oc, "%s: extra <%s> in hostcaps' <%s>", where, oc ? (const char *)oc->name : "",
                       (const char *)e->name);
        if (!next_element(e->children, NULL)) {
                xmlChar *et = xmlNodeGetContent(e), *ot = xmlNodeGetContent(o);
                cr_assert_str_eq((const char *)ot, (const char *)et, "%s: text of <%s>", where,
                                 (const char *)e->name);
                xmlFree(et);
                xmlFree(ot);
        }
}

static xmlDocPtr parse(const char *text, const char *name) {
        xmlDocPtr d =
                xmlReadMemory(text, (int)strlen(text), name, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        cr_assert(d, "%s: not well-formed XML", name);
        return d;
}

/* libvirt's document loaded: --section cache,resctrl gives libvirt's <cache>
 * and <memory_bandwidth>, --section numa,memory its cells. In the cells,
 * hostcaps leaves out cluster_id (libvirt 9.0's schema has none) and HMAT's
 * memory-side <cache> (not in hostcaps' model). */
static void compare_libvirt_document(const char *path, const char *name) {
        hostcaps_node *loaded = NULL;
        cr_assert_eq(hostcaps_node_open_document(&loaded, path, 0), 0, "%s: %s", name,
                     hostcaps_error_message());
        xmlDocPtr exp = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        cr_assert(exp, "cannot parse %s", path);

        char *doc =
                caps(loaded, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML, name);
        xmlDocPtr ours = parse(doc, name);
        static const char *const elements[] = {"cache", "memory_bandwidth"};
        for (size_t i = 0; i < ELEMENTSOF(elements); i++) {
                xmlNodePtr e = host_child(exp, elements[i]), o = host_child(ours, elements[i]);
                cr_assert_eq(!e, !o, "%s: <%s> %s", name, elements[i], e ? "missing" : "unexpected");
                if (e)
                        assert_same_element(e, o, name, NULL, NULL);
        }
        xmlFreeDoc(ours);
        free(doc);

        doc = caps(loaded, HOSTCAPS_SECTION_NUMA | HOSTCAPS_SECTION_MEMORY, HOSTCAPS_FORMAT_XML, name);
        ours = parse(doc, name);
        xmlNodePtr e = child(host_child(exp, "topology"), "cells"),
                   o = child(host_child(ours, "topology"), "cells");
        cr_assert_eq(!e, !o, "%s: <cells> %s", name, e ? "missing" : "unexpected");
        if (e)
                assert_same_element(e, o, name, "cluster_id", "cache");
        xmlFreeDoc(ours);
        free(doc);

        /* The typed objects write JSON and text too. */
        doc = caps(loaded, implemented(), HOSTCAPS_FORMAT_JSON, name);
        assert_json_parses(doc, name);
        free(doc);
        free(caps(loaded, implemented(), HOSTCAPS_FORMAT_TEXT, name));
        xmlFreeDoc(exp);
        hostcaps_node_unref(loaded);
}

Test(load, libvirt_documents) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char *pattern = NULL;
        glob_t g;
        cr_assert(asprintf(&pattern, "%s/libvirt/vircaps2xml/*/expected-*.xml", fixtures) >= 0);
        cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "no expected documents in %s", fixtures);
        for (size_t i = 0; i < g.gl_pathc; i++)
                compare_libvirt_document(g.gl_pathv[i], strrchr(g.gl_pathv[i], '/') + 1);
        fprintf(stderr, "libvirt documents: %zu compared\n", g.gl_pathc);
        globfree(&g);
        free(pattern);
}

/* The typed view of libvirt's resctrl document: the bits of info/L3 back
 * from bytes, and what a document cannot tell. */
Test(load, typed_from_libvirt_document) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char *path = NULL;
        hostcaps_node *node = NULL;
        hostcaps_cache *c = NULL;
        hostcaps_resctrl *rc = NULL;
        unsigned g, m, a, level, mon;
        uint64_t reuse;

        cr_assert(asprintf(&path, "%s/libvirt/vircaps2xml/resctrl/expected-x86_64-resctrl.xml", fixtures) >=
                  0);
        cr_assert_eq(hostcaps_node_open_document(&node, path, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cache(node, 0, &c), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_cache_n_banks(c), 2);
        cr_assert_eq(hostcaps_cache_bank_id(c, 1), 1);
        cr_assert_eq(hostcaps_cache_bank_level(c, 1), 3);
        cr_assert_eq(hostcaps_cache_bank_type(c, 1), HOSTCAPS_CACHE_UNIFIED);
        cr_assert_eq(hostcaps_cache_bank_size(c, 1), 15 << 20);
        cr_assert_str_eq(hostcaps_cache_bank_cpus(c, 1), "6-11");
        cr_assert_eq(hostcaps_cache_bank_line_size(c, 1), 0, "a document has no line size");
        cr_assert_eq(hostcaps_cache_bank_ways(c, 1), 0, "a document has no ways");
        cr_assert_not(hostcaps_cache_bank_id_derived(c, 1));

        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
        cr_assert_null(hostcaps_resctrl_absent_reason(rc));
        cr_assert_eq(hostcaps_resctrl_n_cache_controls(rc), 1);
        cr_assert_eq(hostcaps_resctrl_cache_control_level(rc, 0), 3);
        cr_assert_eq(hostcaps_resctrl_cache_control_type(rc, 0), HOSTCAPS_CACHE_UNIFIED);
        cr_assert_eq(hostcaps_resctrl_cache_control_cbm_bits(rc, 0), 20);
        cr_assert_eq(hostcaps_resctrl_cache_control_cbm_mask(rc, 0), 0xfffff);
        cr_assert_eq(hostcaps_resctrl_cache_control_min_cbm_bits(rc, 0), 2);
        cr_assert_eq(hostcaps_resctrl_cache_control_max_allocs(rc, 0), 4);
        cr_assert_eq(hostcaps_resctrl_cache_control_granularity(rc, 0, 15 << 20), 768 << 10);
        cr_assert_eq(hostcaps_resctrl_cache_control_min(rc, 0, 15 << 20), 1536 << 10);
        cr_assert(hostcaps_resctrl_memory_bandwidth(rc, &g, &m, &a));
        cr_assert(g == 10 && m == 10 && a == 4);
        cr_assert_not(hostcaps_resctrl_memory_bandwidth_mbps(rc));
        cr_assert_eq(hostcaps_resctrl_memory_bandwidth_delay_linear(rc), -1);
        cr_assert_null(hostcaps_resctrl_memory_bandwidth_throttle_mode(rc));
        cr_assert(hostcaps_resctrl_monitor(rc, &level, &mon, &reuse));
        cr_assert(level == 3 && mon == 176 && reuse == 270336);
        cr_assert_eq(hostcaps_resctrl_n_monitor_features(rc), 3);
        cr_assert_str_eq(hostcaps_resctrl_monitor_feature(rc, 0), "llc_occupancy");
        cr_assert_str_eq(hostcaps_resctrl_monitor_feature(rc, 1), "mbm_total_bytes");
        cr_assert_str_eq(hostcaps_resctrl_monitor_feature(rc, 2), "mbm_local_bytes");

        /* What the document cannot tell reads as unknown in JSON and text. */
        char *json = caps(node, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_JSON,
                          "resctrl");
        struct json_object *j = json_tokener_parse(json), *banks, *bank, *v, *mb;
        cr_assert(j, "%s", json);
        cr_assert(json_object_object_get_ex(j, "cache", &v) && json_object_object_get_ex(v, "banks", &banks));
        bank = json_object_array_get_idx(banks, 0);
        cr_assert(json_object_object_get_ex(bank, "id_derived", &v) && v == NULL, "%s", json);
        cr_assert(json_object_object_get_ex(bank, "ways", &v) && v == NULL, "%s", json);
        cr_assert(json_object_object_get_ex(bank, "line_size", &v) && v == NULL, "%s", json);
        cr_assert(json_object_object_get_ex(j, "resctrl", &v) &&
                  json_object_object_get_ex(v, "memory_bandwidth", &mb));
        cr_assert(json_object_object_get_ex(mb, "mbps", &v) && v == NULL, "%s", json);
        cr_assert(json_object_object_get_ex(mb, "delay_linear", &v) && v == NULL, "%s", json);
        json_object_put(j);
        free(json);
        char *text = caps(node, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_TEXT,
                          "resctrl");
        cr_assert(has_squeezed(text, "L3 15 MiB 30 MiB - Unified 3 - 2"), "%s", text);
        cr_assert(has_squeezed(text, "L3 allocation (both): 20-bit mask fffff, min 2 bits, 4 allocations"),
                  "%s", text);
        free(text);

        hostcaps_resctrl_unref(rc);
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
        free(path);
}

#define HEAD "<capabilities>\n<host>\n<cpu><arch>x86_64</arch></cpu>\n" /* lines 1-3 */
#define TAIL "</host>\n</capabilities>\n"

/* Without <cache>, without any control or monitor: absent, with the reason. */
Test(load, absent_sections) {
        hostcaps_node *node = load_data(HEAD TAIL, "empty");
        hostcaps_resctrl *rc = NULL;
        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
        cr_assert_str_eq(hostcaps_resctrl_absent_reason(rc), "not in the loaded document");
        hostcaps_resctrl_unref(rc);
        char *json =
                caps(node, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_JSON, "empty");
        cr_assert(
                strstr(json,
                       "\"cache\": {\n    \"absent\": true,\n    \"reason\": \"not in the loaded document\""),
                "%s", json);
        assert_json_parses(json, "empty");
        free(json);
        hostcaps_node_unref(node);

        /* Banks without controls: cache present, resctrl absent. */
        node = load_data(HEAD "<cache>\n<bank id='0' level='3' type='both' size='8' unit='MiB' cpus='0-7'/>\n"
                              "</cache>\n" TAIL,
                         "banks only");
        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0);
        cr_assert_str_eq(hostcaps_resctrl_absent_reason(rc), "not in the loaded document");
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);

        /* The monitor of <memory_bandwidth> alone: the level is not known. */
        node = load_data(HEAD "<cache>\n<bank id='0' level='3' type='both' size='8' unit='MiB' cpus='0-7'/>\n"
                              "</cache>\n<memory_bandwidth>\n<node id='0' cpus='0-7'>"
                              "<control granularity='10' min='10' maxAllocs='8'/></node>\n"
                              "<monitor maxMonitors='32'><feature name='mbm_total_bytes'/></monitor>\n"
                              "</memory_bandwidth>\n" TAIL,
                         "mbm only");
        unsigned level = 9, mon = 0;
        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
        cr_assert(hostcaps_resctrl_monitor(rc, &level, &mon, NULL));
        cr_assert(level == 0 && mon == 32);
        hostcaps_resctrl_unref(rc);
        char *text = caps(node, HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_TEXT, "mbm only");
        cr_assert(has_squeezed(text, "Monitoring: 32 monitors"), "%s", text);
        free(text);
        assert_round_trip(node, implemented(), "mbm only");
        hostcaps_node_unref(node);
}

/* ---- hostile and malformed documents --------------------------------------- */

static const char *tool_path(void) {
        static char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/bin/hostcaps", HOSTCAPS_BUILD_DIR);
        return stat(path, &st) == 0 ? path : NULL;
}

/* The library refuses the document, with `needle` in its message and no
 * node; the tool (when built) exits 1 with the same message naming the file. */
static void assert_refused(const char *doc, size_t len, const char *needle, const char *name) {
        hostcaps_node *node = NULL;
        int r = hostcaps_node_open_document_data(&node, doc, len, 0);
        cr_assert_lt(r, 0, "%s: loaded", name);
        cr_assert_null(node, "%s: a failed load wrote its node", name);
        const char *m = hostcaps_error_message();
        cr_assert(m && strstr(m, needle), "%s: '%s' lacks '%s'", name, m ? m : "(none)", needle);

        const char *tool = tool_path();
        if (!tool)
                return;
        char *file = NULL, *err = NULL, *cmd = NULL, *want = NULL;
        cr_assert(asprintf(&file, "%s/%s.xml", root, name) >= 0 &&
                  asprintf(&err, "%s/%s.err", root, name) >= 0);
        write_file(file, doc, len);
        cr_assert(asprintf(&cmd, "'%s' --from '%s' >/dev/null 2>'%s'", tool, file, err) >= 0);
        int status = system(cmd);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s: the tool's status is %d", name, status);
        char *msg = read_file(err);
        /* "document:N: ..." from the library is "FILE:N: ..." from the tool. */
        const char *tail = startswith(needle, "document:");
        cr_assert(asprintf(&want, "%s%s", tail ? file : "", tail ? tail - 1 : needle) >= 0);
        cr_assert(strstr(msg, want), "%s: the tool says '%s', not '%s'", name, msg, want);
        free(msg);
        free(want);
        free(cmd);
        free(err);
        free(file);
}

#define REFUSED(doc, needle, name) assert_refused((doc), strlen(doc), (needle), (name))

/* A watch on `path` for any open or read. */
static int watch(const char *path) {
        int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        cr_assert_geq(fd, 0);
        cr_assert_geq(inotify_add_watch(fd, path, IN_OPEN | IN_ACCESS), 0);
        return fd;
}

static void assert_untouched(int fd, const char *what) {
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf));
        cr_assert(n < 0 && errno == EAGAIN, "%s: the named file was opened or read", what);
        close(fd);
}

/* XXE: an external entity naming a file. Refused for its DOCTYPE; the file
 * is never opened, by the library or the tool. */
Test(load, external_entity) {
        char *secret = NULL, *doc = NULL;
        cr_assert(asprintf(&secret, "%s/secret-%d.txt", root, (int)getpid()) >= 0);
        write_file(secret, "hostcaps-secret\n", 16);
        cr_assert(asprintf(&doc,
                           "<?xml version='1.0'?>\n<!DOCTYPE capabilities [\n<!ENTITY xxe SYSTEM "
                           "'file://%s'>\n]>\n"
                           "<capabilities><host><cpu><arch>x86_64</arch><model>&xxe;</model></cpu></host>"
                           "</capabilities>\n",
                           secret) >= 0);
        int fd = watch(secret);
        REFUSED(doc, "document:2: document type declarations are not accepted (<!DOCTYPE)", "xxe");
        assert_untouched(fd, "xxe");

        /* The same in UTF-16: not told by the byte scan, and refused for its
         * encoding before libxml2 sees it. */
        size_t len = strlen(doc), n16 = 2 + 2 * len;
        char *u16 = malloc(n16);
        cr_assert(u16);
        u16[0] = '\xff';
        u16[1] = '\xfe';
        for (size_t i = 0; i < len; i++) {
                u16[2 + 2 * i] = doc[i];
                u16[3 + 2 * i] = 0;
        }
        fd = watch(secret);
        hostcaps_node *node = NULL;
        cr_assert_lt(hostcaps_node_open_document_data(&node, u16, n16, 0), 0);
        cr_assert(strstr(hostcaps_error_message(), "UTF-16"), "%s", hostcaps_error_message());
        assert_untouched(fd, "xxe utf-16");
        /* A file holding it is refused alike. */
        if (tool_path()) {
                char *file = NULL, *cmd = NULL;
                cr_assert(asprintf(&file, "%s/xxe16.xml", root) >= 0);
                write_file(file, u16, n16);
                cr_assert(asprintf(&cmd, "'%s' --from '%s' >/dev/null 2>&1", tool_path(), file) >= 0);
                fd = watch(secret);
                int status = system(cmd);
                cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d", status);
                assert_untouched(fd, "xxe utf-16 file");
                free(cmd);
                free(file);
        }
        free(u16);
        free(doc);
        free(secret);
}

/* Billion laughs: refused before any expansion, quickly. */
Test(load, entity_bomb, .timeout = 20) {
        char doc[4096] = "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 'lol'>\n";
        for (int i = 1; i < 10; i++) {
                char line[256];
                int k = snprintf(line, sizeof(line), "<!ENTITY lol%d '", i);
                for (int j = 0; j < 10; j++)
                        k += snprintf(line + k, sizeof(line) - (size_t)k, "&lol%d;", i - 1);
                snprintf(line + k, sizeof(line) - (size_t)k, "'>\n");
                strcat(doc, line);
        }
        strcat(doc, "]>\n<capabilities><host><cpu><arch>&lol9;</arch></cpu></host></capabilities>\n");
        REFUSED(doc, "document:2: document type declarations are not accepted", "bomb");
        /* An entity declared without a DOCTYPE is no XML at all. */
        REFUSED("<capabilities>\n<!ENTITY a 'b'>\n</capabilities>\n",
                "document type declarations are not accepted", "entity");
        /* A reference to an undeclared entity is malformed. */
        REFUSED(HEAD "<uuid>&xxe;</uuid>\n" TAIL, "document:4: malformed XML", "undeclared");
}

Test(load, deep_nesting) {
        char *doc = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&doc, &len);
        cr_assert(f);
        fputs(HEAD, f);
        for (int i = 0; i < 100; i++)
                fprintf(f, "<a%d>\n", i);
        for (int i = 99; i >= 0; i--)
                fprintf(f, "</a%d>\n", i);
        fputs(TAIL, f);
        fclose(f);
        /* <capabilities> is depth 1, <host> 2, <a0> 3 (line 4): depth 65 is <a62>, line 66. */
        REFUSED(doc, "document:66: elements nested deeper than 64", "deep");
        free(doc);
}

Test(load, too_large) {
        size_t len = 20u << 20;
        char *doc = malloc(len + 1);
        cr_assert(doc);
        memset(doc, ' ', len);
        memcpy(doc, HEAD, strlen(HEAD));
        memcpy(doc + len - strlen(TAIL), TAIL, strlen(TAIL));
        doc[len] = '\0';
        assert_refused(doc, len, "larger than", "large");
        free(doc);
}

Test(load, malformed) {
        static const char good[] =
                HEAD "<cache>\n<bank id='0' level='3' type='both' size='8' unit='MiB' cpus='0-7'/>\n"
                     "</cache>\n" TAIL;
        char cut[sizeof(good)];
        snprintf(cut, sizeof(cut), "%.*s", (int)(sizeof(good) / 2), good);
        REFUSED(cut, "malformed XML", "truncated");
        REFUSED("", "malformed XML", "empty");
        REFUSED("<domain>\n<name>x</name>\n</domain>\n",
                "document:1: the root element is <domain>, not <capabilities>", "root");
        REFUSED("<capabilities>\n<guest/>\n</capabilities>\n", "document:1: <capabilities> has no <host>",
                "no-host");
        REFUSED("<capabilities>\n<host>\n<cpu/>\n</host>\n</capabilities>\n",
                "document:3: <host> has no <cpu><arch>", "no-arch");
}

/* Each bad value of the cache and resctrl elements, on the line it is on. */
Test(load, bad_cache_and_resctrl) {
#define BANK(attrs) HEAD "<cache>\n<bank " attrs "/>\n</cache>\n" TAIL /* the bank on line 5 */
        REFUSED(BANK("id='0' level='3' type='both' cpus='0-7'"), "document:5: <bank> lacks attribute 'size'",
                "no-size");
        REFUSED(BANK("id='0' level='3' type='both' size='abc' unit='MiB' cpus='0-7'"),
                "document:5: <bank> attribute 'size': invalid value 'abc'", "size-abc");
        REFUSED(BANK("id='0' level='3' type='both' size='8' unit='parsecs' cpus='0-7'"),
                "document:5: <bank> attribute 'unit': unknown unit 'parsecs'", "unit-parsecs");
        REFUSED(BANK("id='0' level='3' type='both' size='99999999999999999999' cpus='0-7'"),
                "document:5: <bank> attribute 'size': invalid value", "size-overflow");
        REFUSED(BANK("id='0' level='3' type='both' size='20000000' unit='TiB' cpus='0-7'"),
                "document:5: <bank>: size out of range", "size-range");
        REFUSED(BANK("level='3' type='both' size='8' unit='MiB' cpus='0-7'"),
                "document:5: <bank> lacks attribute 'id'", "no-id");
        REFUSED(BANK("id='-1' level='3' type='both' size='8' unit='MiB' cpus='0-7'"),
                "document:5: <bank> attribute 'id': invalid value '-1'", "id-negative");
        REFUSED(BANK("id='0' level='0' type='both' size='8' unit='MiB' cpus='0-7'"),
                "document:5: <bank> attribute 'level': 0 is not a cache level", "level-0");
        REFUSED(BANK("id='0' level='3' type='victim' size='8' unit='MiB' cpus='0-7'"),
                "document:5: <bank> attribute 'type': invalid value 'victim'", "type");
        REFUSED(BANK("id='0' level='3' type='both' size='8' unit='MiB' cpus='7-0'"),
                "document:5: <bank> attribute 'cpus': invalid value '7-0'", "cpus-reversed");
        REFUSED(BANK("id='0' level='3' type='both' size='8' unit='MiB' cpus='0-4294967295'"),
                "document:5: <bank> attribute 'cpus': invalid value", "cpus-huge");
        REFUSED(BANK("id='0' level='3' type='both' size='8' unit='MiB' cpus=''"),
                "document:5: <bank> attribute 'cpus'", "cpus-empty");
#undef BANK

#define CONTROL(attrs)                                                                                       \
        HEAD "<cache>\n<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'>\n<control " attrs \
             "/>\n</bank>\n</cache>\n" TAIL /* the control on line 6 */
        REFUSED(CONTROL("granularity='0' unit='KiB' type='both' maxAllocs='4'"),
                "document:6: <control> attribute 'granularity': 0", "granularity-0");
        REFUSED(CONTROL("unit='KiB' type='both' maxAllocs='4'"),
                "document:6: <control> lacks attribute 'granularity'", "no-granularity");
        REFUSED(CONTROL("granularity='7' unit='MiB' type='both' maxAllocs='4'"),
                "document:6: <control> granularity of 7340032 bytes does not divide the bank's 15728640 "
                "bytes",
                "divide");
        REFUSED(CONTROL("granularity='16' unit='MiB' type='both' maxAllocs='4'"),
                "does not divide the bank's 15728640 bytes", "granularity-above-size");
        REFUSED(CONTROL("granularity='1' unit='B' type='both' maxAllocs='4'"),
                "document:6: <control> granularity makes "
                "15728640 capacity bits, more than 64",
                "bits");
        REFUSED(CONTROL("granularity='768' min='1000' unit='KiB' type='both' maxAllocs='4'"),
                "document:6: <control> min of 1024000 bytes is not a whole number", "min-multiple");
        REFUSED(CONTROL("granularity='768' min='16128' unit='KiB' type='both' maxAllocs='4'"),
                "document:6: <control> min of", "min-above");
        REFUSED(CONTROL("granularity='768' unit='KiB' type='all' maxAllocs='4'"),
                "document:6: <control> attribute 'type': invalid value 'all'", "control-type");
        REFUSED(CONTROL("granularity='768' unit='KiB' type='both'"),
                "document:6: <control> lacks attribute 'maxAllocs'", "no-maxallocs");
        REFUSED(CONTROL("granularity='768' unit='furlongs' type='both' maxAllocs='4'"),
                "document:6: <control> attribute 'unit': unknown unit 'furlongs'", "control-unit");
#undef CONTROL

        /* Banks of a level disagree about their controls. */
        REFUSED(HEAD "<cache>\n"
                     "<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'>\n"
                     "<control granularity='768' unit='KiB' type='both' maxAllocs='4'/>\n</bank>\n"
                     "<bank id='1' level='3' type='both' size='15' unit='MiB' cpus='6-11'>\n"
                     "<control granularity='768' unit='KiB' type='both' maxAllocs='8'/>\n</bank>\n"
                     "</cache>\n" TAIL,
                "document:9: <control type='both'> differs", "controls-differ");
        REFUSED(HEAD "<cache>\n"
                     "<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'>\n"
                     "<control granularity='768' unit='KiB' type='both' maxAllocs='4'/>\n</bank>\n"
                     "<bank id='1' level='3' type='both' size='15' unit='MiB' cpus='6-11'/>\n"
                     "</cache>\n" TAIL,
                "document:8: <bank> has 0 <control>, other level 3 banks have 1", "control-missing");
        REFUSED(HEAD "<cache>\n"
                     "<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'>\n"
                     "<control granularity='768' unit='KiB' type='code' maxAllocs='4'/>\n"
                     "<control granularity='768' unit='KiB' type='code' maxAllocs='4'/>\n</bank>\n"
                     "</cache>\n" TAIL,
                "document:7: <control type='code'> again in one <bank>", "control-twice");

        /* Monitors. */
        REFUSED(HEAD "<cache>\n<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'/>\n"
                     "<monitor level='3' reuseThreshold='0' maxMonitors='176'/>\n</cache>\n" TAIL,
                "document:6: <monitor> lists no <feature>", "monitor-empty");
        REFUSED(HEAD "<cache>\n<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'/>\n"
                     "<monitor level='3' maxMonitors='176'>\n<feature "
                     "name='mbm_total_bytes'/>\n</monitor>\n</cache>\n" TAIL,
                "document:7: <feature name='mbm_total_bytes'>: a cache monitor's features start with 'llc_'",
                "monitor-prefix");
        REFUSED(HEAD "<cache>\n<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'/>\n"
                     "<monitor level='3' maxMonitors='x'>\n<feature "
                     "name='llc_occupancy'/>\n</monitor>\n</cache>\n" TAIL,
                "document:6: <monitor> attribute 'maxMonitors': invalid value 'x'", "monitor-number");

        /* Memory bandwidth nodes are the last-level banks, with one control. */
#define MB(nodes)                                                                                            \
        HEAD "<cache>\n<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'/>\n"               \
             "<bank id='1' level='3' type='both' size='15' unit='MiB' cpus='6-11'/>\n</cache>\n"             \
             "<memory_bandwidth>\n" nodes "</memory_bandwidth>\n" TAIL /* the first node on line 9 */
        REFUSED(MB("<node id='0' cpus='0-5'><control granularity='10' min='10' maxAllocs='4'/></node>\n"
                   "<node id='1' cpus='6-11'><control granularity='20' min='10' maxAllocs='4'/></node>\n"),
                "document:10: <control> differs from the first <node>'s", "mb-differ");
        REFUSED(MB("<node id='0' cpus='0-5'><control granularity='10' min='10' maxAllocs='4'/></node>\n"
                   "<node id='7' cpus='6-11'><control granularity='10' min='10' maxAllocs='4'/></node>\n"),
                "document:10: <node id='7'> is not the next last-level <bank>", "mb-id");
        REFUSED(MB("<node id='0' cpus='0-5'><control granularity='10' min='10' maxAllocs='4'/></node>\n"),
                "document:6: last-level <bank> without its <memory_bandwidth> <node>", "mb-missing");
        REFUSED(MB("<node id='0' cpus='0-5'><control granularity='0' min='10' maxAllocs='4'/></node>\n"),
                "document:9: <control> attribute 'granularity': 0", "mb-granularity-0");
        REFUSED(MB("<node id='0' cpus='0-5'/>\n"), "document:9: <node> has no <control>", "mb-no-control");
#undef MB
}

/* What fails never leaves a node behind, whatever section fails. And a
 * document that loads re-emits as it was read (what the fuzzer checks), for a
 * few edge cases of the cache and resctrl elements. */
Test(load, edge_cases_round_trip) {
        static const char *const docs[] = {
                /* libvirt's units, bank order and a bare size in bytes come back normalized: loaded twice,
                   fixed. */
                HEAD "<cache>\n<bank id='1' level='3' type='both' size='16384' unit='KiB' cpus='4-7'/>\n"
                     "<bank id='0' level='3' type='both' size='16777216' cpus='0,1,2,3'/>\n</cache>\n" TAIL,
                /* CDP on L2 and L3 at once, L3 min 0 on AMD. */
                HEAD "<cache>\n<bank id='0' level='2' type='both' size='2' unit='MiB' cpus='0'>\n"
                     "<control granularity='128' unit='KiB' type='code' maxAllocs='8'/>\n"
                     "<control granularity='128' unit='KiB' type='data' maxAllocs='8'/>\n</bank>\n"
                     "<bank id='0' level='3' type='both' size='32' unit='MiB' cpus='0'>\n"
                     "<control granularity='2' min='0' unit='MiB' type='both' maxAllocs='16'/>\n</bank>\n"
                     "</cache>\n" TAIL,
                /* <memory_bandwidth> without a min, as libvirt writes a min of 0. */
                HEAD
                "<cache>\n<bank id='0' level='3' type='both' size='32' unit='MiB' cpus='0-3'/>\n</cache>\n"
                "<memory_bandwidth>\n<node id='0' cpus='0-3'><control granularity='1' "
                "maxAllocs='16'/></node>\n"
                "</memory_bandwidth>\n" TAIL,
        };
        for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
                char name[16];
                snprintf(name, sizeof(name), "edge %zu", i);
                hostcaps_node *node = load_data(docs[i], name);
                char *once = caps(node, implemented(), HOSTCAPS_FORMAT_XML, name);
                hostcaps_node *again = load_data(once, name);
                char *twice = caps(again, implemented(), HOSTCAPS_FORMAT_XML, name);
                cr_assert_str_eq(twice, once, "%s", name);
                char *json = caps(again, implemented(), HOSTCAPS_FORMAT_JSON, name);
                assert_json_parses(json, name);
                free(json);
                free(caps(again, implemented(), HOSTCAPS_FORMAT_TEXT, name));
                if (i == 0) {
                        cr_assert(has_squeezed(once,
                                               "<bank id='0' level='3' type='both' size='16' unit='MiB' "
                                               "cpus='0-3'/> <bank id='1'"),
                                  "%s", once);
                }
                if (i == 1) {
                        hostcaps_resctrl *rc = NULL;
                        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0);
                        cr_assert_eq(hostcaps_resctrl_n_cache_controls(rc), 3);
                        cr_assert_eq(hostcaps_resctrl_cache_control_level(rc, 0), 2);
                        cr_assert_eq(hostcaps_resctrl_cache_control_type(rc, 1), HOSTCAPS_CACHE_DATA);
                        cr_assert_eq(hostcaps_resctrl_cache_control_cbm_bits(rc, 0), 16);
                        cr_assert_eq(hostcaps_resctrl_cache_control_min_cbm_bits(rc, 0), 1, "no min: 1");
                        cr_assert_eq(hostcaps_resctrl_cache_control_min_cbm_bits(rc, 2), 0);
                        hostcaps_resctrl_unref(rc);
                }
                free(once);
                free(twice);
                hostcaps_node_unref(again);
                hostcaps_node_unref(node);
        }
}

/* ---- libxml2's limits and errors, said by hostcaps, never printed ---- */

/* The document refused with `needle`, and nothing written on stderr: not
 * by the library (libxml2's own handlers would print there), and the tool
 * prints one line. */
static void assert_quietly_refused(const char *doc, size_t len, const char *needle, const char *name) {
        char *errpath = NULL;
        cr_assert(asprintf(&errpath, "%s/%s.stderr", root, name) >= 0);
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), saved = dup(2);
        cr_assert(fd >= 0 && saved >= 0);
        fflush(stderr);
        dup2(fd, 2);
        hostcaps_node *node = NULL;
        int r = hostcaps_node_open_document_data(&node, doc, len, 0);
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        close(fd);
        cr_assert_lt(r, 0, "%s: loaded", name);
        char *printed = read_file(errpath);
        cr_assert_str_empty(printed, "%s: the library wrote on stderr: %.300s", name, printed);
        free(printed);
        free(errpath);
        assert_refused(doc, len, needle, name);

        const char *tool = tool_path();
        if (!tool)
                return;
        char *file = NULL, *err = NULL, *cmd = NULL;
        cr_assert(asprintf(&file, "%s/%s.xml", root, name) >= 0 &&
                  asprintf(&err, "%s/%s.err", root, name) >= 0);
        cr_assert(asprintf(&cmd, "'%s' --from '%s' >/dev/null 2>'%s'", tool, file, err) >= 0);
        cr_assert(system(cmd) != 0);
        char *msg = read_file(err);
        char *nl = strchr(msg, '\n');
        cr_assert(nl && nl[1] == '\0', "%s: the tool printed more than its message: %.300s", name, msg);
        free(msg);
        free(cmd);
        free(err);
        free(file);
}

static char *big_doc(const char *open, const char *unit, size_t n_units, const char *close, size_t *ret_len) {
        size_t u = strlen(unit),
               len = strlen(HEAD) + strlen(open) + u * n_units + strlen(close) + strlen(TAIL);
        char *d = malloc(len + 1), *p = d;
        cr_assert(d);
        p = stpcpy(p, HEAD);
        p = stpcpy(p, open);
        for (size_t i = 0; i < n_units; i++, p += u)
                memcpy(p, unit, u);
        p = stpcpy(p, close);
        stpcpy(p, TAIL);
        *ret_len = len;
        return d;
}

/* A text, comment or attribute value over libxml2's 10,000,000 bytes: the
 * message names the limit (not "Couldn't find end of Start Tag"), and
 * libxml2 prints nothing ("parser error : xmlSAX2Characters: huge text
 * node" went to the caller's stderr). */
Test(load, libxml2_limits_named_and_quiet, .timeout = 120) {
        static const char limit[] =
                "document:4: a text, comment or attribute value is longer than libxml2's limit "
                "of 10000000 bytes";
        size_t len;
        char *d = big_doc("<uuid>", "\xc3\xa9", 5500000, "</uuid>\n", &len); /* 11 MB of 'é' */
        assert_quietly_refused(d, len, limit, "huge-text");
        free(d);
        d = big_doc("<uuid x='", "a", 10500000, "'/>\n", &len);
        assert_quietly_refused(d, len, limit, "huge-attribute");
        free(d);
        d = big_doc("<!--", "a", 10500000, "-->\n", &len);
        assert_quietly_refused(d, len, limit, "huge-comment");
        free(d);
        /* An ordinary error names its first cause. */
        REFUSED(HEAD "<uuid>\n" TAIL, "document:5: malformed XML: Opening and ending tag mismatch",
                "mismatch");
}

/* UTF-16 and UTF-32: refused alike as data and as a file, naming the encoding. */
Test(load, utf16_refused_alike) {
        static const char doc[] = HEAD TAIL;
        static const struct {
                const char *bom;
                size_t n_bom, width;
                bool big;
                const char *name;
        } enc[] = {
                {"\xff\xfe", 2, 2, false, "UTF-16 (little-endian)"},
                {"\xfe\xff", 2, 2, true, "UTF-16 (big-endian)"},
                {"", 0, 2, false, "UTF-16 (little-endian)"},
                {"\xff\xfe\0\0", 4, 4, false, "UTF-32 (little-endian)"},
        };
        for (size_t k = 0; k < ELEMENTSOF(enc); k++) {
                size_t len = strlen(doc), n = enc[k].n_bom + enc[k].width * len;
                char *u = calloc(1, n), name[32], *needle = NULL;
                cr_assert(u);
                memcpy(u, enc[k].bom, enc[k].n_bom);
                for (size_t i = 0; i < len; i++)
                        u[enc[k].n_bom + enc[k].width * i + (enc[k].big ? enc[k].width - 1 : 0)] = doc[i];
                snprintf(name, sizeof(name), "enc%zu", k);
                cr_assert(asprintf(&needle, "document: the document is encoded in %s; only UTF-8",
                                   enc[k].name) >= 0);
                assert_refused(u, n, needle, name);
                free(needle);
                free(u);
        }
}
