/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The resctrl section, and the cache section together with it: libvirt's
 * recorded trees compared element for element, hand-written trees (absent,
 * broken, MBA modes), generated sysroots, the live host, and what it reads. */
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hostcaps.h"
#include "host/reader.h"
#include "host/section.h"
#include "test-schema.h"
#include "test-util.h"
#include <criterion/parameterized.h>

#include "gen/sysroot-gen.h"

TEST_SYSROOT_SUITE(resctrl, "arch=x86_64\npage_size=4096\n");

/* ---- helpers ------------------------------------------------------------ */

static hostcaps_node *open_node(const char *dir) {
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0, "%s: %s", dir, hostcaps_error_message());
        return node;
}

static char *caps_of(const char *dir, unsigned sections, hostcaps_format format) {
        hostcaps_node *node = open_node(dir);
        char *doc = NULL;
        int r = hostcaps_node_get_capabilities(node, sections, 0, format, &doc);
        cr_assert_eq(r, 0, "%s: %s", dir, hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

/* The error message of a resctrl probe that must fail. */
static char *resctrl_error(const char *dir) {
        hostcaps_node *node = open_node(dir);
        hostcaps_resctrl *rc = NULL;
        int r = hostcaps_node_get_resctrl(node, 0, &rc);
        cr_assert_lt(r, 0, "probing resctrl in %s should fail", dir);
        cr_assert_null(rc);
        char *m = strdup(hostcaps_error_message() ? hostcaps_error_message() : "");
        hostcaps_node_unref(node);
        return m;
}

static char *fixture_root(const char *fixtures, const char *name) {
        return test_vircaps2xml_root(fixtures, name, root);
}

static xmlDocPtr parse_xml(const char *text, const char *what) {
        xmlDocPtr d =
                xmlReadMemory(text, (int)strlen(text), what, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        cr_assert(d, "%s is not well-formed XML", what);
        return d;
}

static xmlNodePtr child(xmlNodePtr n, const char *name) {
        for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0)
                        return c;
        return NULL;
}

static xmlNodePtr host_child(xmlDocPtr d, const char *name) {
        return child(child(xmlDocGetRootElement(d), "host"), name);
}

static char *attr(xmlNodePtr n, const char *name) {
        return (char *)xmlGetProp(n, BAD_CAST name);
}

static size_t n_attrs(xmlNodePtr n) {
        size_t k = 0;
        for (xmlAttrPtr a = n->properties; a; a = a->next)
                k++;
        return k;
}

static xmlNodePtr next_element(xmlNodePtr c) {
        while (c && c->type != XML_ELEMENT_NODE)
                c = c->next;
        return c;
}

/* Element equality: name, the set of attributes with their values, and the
 * element children in order. */
static void assert_same_element(xmlNodePtr e, xmlNodePtr o, const char *where) {
        cr_assert(o, "%s: <%s> missing from hostcaps' document", where, (const char *)e->name);
        cr_assert_str_eq((const char *)o->name, (const char *)e->name, "%s", where);
        cr_assert_eq(n_attrs(o), n_attrs(e), "%s: <%s> has %zu attributes, libvirt %zu", where,
                     (const char *)e->name, n_attrs(o), n_attrs(e));
        for (xmlAttrPtr a = e->properties; a; a = a->next) {
                char *ev = attr(e, (const char *)a->name), *ov = attr(o, (const char *)a->name);
                cr_assert(ov, "%s: <%s> lacks %s='%s'", where, (const char *)e->name, (const char *)a->name,
                          ev);
                cr_assert_str_eq(ov, ev, "%s: <%s %s>", where, (const char *)e->name, (const char *)a->name);
                xmlFree(ev);
                xmlFree(ov);
        }
        xmlNodePtr ec = next_element(e->children), oc = next_element(o->children);
        for (; ec; ec = next_element(ec->next), oc = next_element(oc ? oc->next : NULL))
                assert_same_element(ec, oc, where);
        cr_assert_null(oc, "%s: extra <%s> in hostcaps' <%s>", where, oc ? (const char *)oc->name : "",
                       (const char *)e->name);
}

static xmlNodePtr find_bank(xmlNodePtr cache, const char *id, const char *level, const char *type) {
        for (xmlNodePtr b = cache ? cache->children : NULL; b; b = b->next) {
                if (b->type != XML_ELEMENT_NODE || xmlStrcmp(b->name, BAD_CAST "bank"))
                        continue;
                char *i = attr(b, "id"), *l = attr(b, "level"), *t = attr(b, "type");
                bool same = i && l && t && !strcmp(i, id) && !strcmp(l, level) && !strcmp(t, type);
                xmlFree(i);
                xmlFree(l);
                xmlFree(t);
                if (same)
                        return b;
        }
        return NULL;
}

static int bank_level(xmlNodePtr b) {
        char *l = attr(b, "level");
        int v = l ? atoi(l) : -1;
        xmlFree(l);
        return v;
}

/* hostcaps' <cache> and <memory_bandwidth> against libvirt's: every bank of
 * libvirt's (level 3 and up) with its controls, no other bank of level 3
 * and up, the same monitor, the same memory bandwidth element. */
static void compare_with_libvirt(const char *ours_text, const char *expected_path, const char *name) {
        xmlDocPtr exp = xmlReadFile(expected_path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        cr_assert(exp, "cannot parse %s", expected_path);
        xmlDocPtr ours = parse_xml(ours_text, name);
        xmlNodePtr ec = host_child(exp, "cache"), oc = host_child(ours, "cache");

        cr_assert(!ec || oc, "%s: libvirt has <cache>, hostcaps has none", name);
        for (xmlNodePtr b = ec ? ec->children : NULL; b; b = b->next) {
                if (b->type != XML_ELEMENT_NODE || xmlStrcmp(b->name, BAD_CAST "bank"))
                        continue;
                char *i = attr(b, "id"), *l = attr(b, "level"), *t = attr(b, "type");
                xmlNodePtr o = find_bank(oc, i, l, t);
                cr_assert(o, "%s: bank id=%s level=%s type=%s missing", name, i, l, t);
                assert_same_element(b, o, name);
                xmlFree(i);
                xmlFree(l);
                xmlFree(t);
        }
        for (xmlNodePtr b = oc ? oc->children : NULL; b; b = b->next) {
                if (b->type != XML_ELEMENT_NODE || xmlStrcmp(b->name, BAD_CAST "bank") || bank_level(b) < 3)
                        continue;
                char *i = attr(b, "id"), *l = attr(b, "level"), *t = attr(b, "type");
                cr_assert(find_bank(ec, i, l, t), "%s: hostcaps has bank id=%s level=%s type=%s, libvirt not",
                          name, i, l, t);
                xmlFree(i);
                xmlFree(l);
                xmlFree(t);
        }
        xmlNodePtr em = child(ec, "monitor"), om = child(oc, "monitor");
        cr_assert_eq(!em, !om, "%s: <cache><monitor> %s", name, em ? "missing" : "unexpected");
        if (em)
                assert_same_element(em, om, name);
        xmlNodePtr eb = host_child(exp, "memory_bandwidth"), ob = host_child(ours, "memory_bandwidth");
        cr_assert_eq(!eb, !ob, "%s: <memory_bandwidth> %s", name, eb ? "missing" : "unexpected");
        if (eb)
                assert_same_element(eb, ob, name);
        xmlFreeDoc(exp);
        xmlFreeDoc(ours);
}

/* ---- libvirt's recorded trees: one line per case ---- */

typedef struct fixture_case {
        char name[32];
} fixture_case;

ParameterizedTestParameters(resctrl, libvirt_fixtures) {
        /* Every vircaps2xml case whose expected document has <cache>. */
        static fixture_case cases[] = {
                {"resctrl"},     {"resctrl-cdp"},           {"resctrl-cmt"}, {"resctrl-fake-feature"},
                {"resctrl-skx"}, {"resctrl-skx-twocaches"}, {"caches"},      {"hmat"},
        };
        return cr_make_param_array(fixture_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(fixture_case *c, resctrl, libvirt_fixtures) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char *dir = fixture_root(fixtures, c->name), *expected = NULL;
        cr_assert(asprintf(&expected, "%s/libvirt/vircaps2xml/%s/expected-x86_64-%s.xml", fixtures, c->name,
                           c->name) >= 0);
        char *doc = caps_of(dir, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        compare_with_libvirt(doc, expected, c->name);
        if (test_have_schema())
                test_assert_valid_capabilities(doc);
        free(doc);
        /* JSON and text of the same objects work too. */
        free(caps_of(dir, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_JSON));
        free(caps_of(dir, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_TEXT));
        free(expected);
        free(dir);
}

/* The typed view of the resctrl case: L3 CAT, MBA, CMT and MBM. */
Test(resctrl, typed_intel) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char *dir = fixture_root(fixtures, "resctrl");
        hostcaps_node *node = open_node(dir);
        hostcaps_resctrl *rc = NULL;
        unsigned g, m, a, level, mon;
        uint64_t reuse;

        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
        cr_assert_null(hostcaps_resctrl_absent_reason(rc));
        cr_assert_eq(hostcaps_resctrl_n_cache_controls(rc), 1);
        cr_assert_eq(hostcaps_resctrl_cache_control_level(rc, 0), 3);
        cr_assert_eq(hostcaps_resctrl_cache_control_type(rc, 0), HOSTCAPS_CACHE_UNIFIED);
        cr_assert_eq(hostcaps_resctrl_cache_control_cbm_mask(rc, 0), 0xfffff);
        cr_assert_eq(hostcaps_resctrl_cache_control_cbm_bits(rc, 0), 20);
        cr_assert_eq(hostcaps_resctrl_cache_control_min_cbm_bits(rc, 0), 2);
        cr_assert_eq(hostcaps_resctrl_cache_control_max_allocs(rc, 0), 4);
        cr_assert_eq(hostcaps_resctrl_cache_control_granularity(rc, 0, 15 << 20), 768 << 10);
        cr_assert_eq(hostcaps_resctrl_cache_control_min(rc, 0, 15 << 20), 1536 << 10);
        cr_assert_eq(hostcaps_resctrl_cache_control_level(rc, 1), 0, "out of range reads as 0");
        cr_assert(hostcaps_resctrl_memory_bandwidth(rc, &g, &m, &a));
        cr_assert_eq(g, 10);
        cr_assert_eq(m, 10);
        cr_assert_eq(a, 4);
        cr_assert_not(hostcaps_resctrl_memory_bandwidth_mbps(rc));
        cr_assert_eq(hostcaps_resctrl_memory_bandwidth_delay_linear(rc), -1);
        cr_assert_null(hostcaps_resctrl_memory_bandwidth_throttle_mode(rc));
        cr_assert(hostcaps_resctrl_monitor(rc, &level, &mon, &reuse));
        cr_assert_eq(level, 3);
        cr_assert_eq(mon, 176);
        cr_assert_eq(reuse, 270336);
        cr_assert_eq(hostcaps_resctrl_n_monitor_features(rc), 3);
        cr_assert_str_eq(hostcaps_resctrl_monitor_feature(rc, 0), "llc_occupancy");
        cr_assert_str_eq(hostcaps_resctrl_monitor_feature(rc, 2), "mbm_local_bytes");
        cr_assert_null(hostcaps_resctrl_monitor_feature(rc, 3));
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);
        free(dir);
}

Test(resctrl, typed_cdp) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char *dir = fixture_root(fixtures, "resctrl-cdp");
        hostcaps_node *node = open_node(dir);
        hostcaps_resctrl *rc = NULL;
        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_resctrl_n_cache_controls(rc), 2);
        cr_assert_eq(hostcaps_resctrl_cache_control_type(rc, 0), HOSTCAPS_CACHE_INSTRUCTION);
        cr_assert_eq(hostcaps_resctrl_cache_control_type(rc, 1), HOSTCAPS_CACHE_DATA);
        cr_assert_eq(hostcaps_resctrl_cache_control_max_allocs(rc, 1), 8);
        cr_assert_eq(hostcaps_resctrl_cache_control_min_cbm_bits(rc, 1), 1);
        cr_assert_not(hostcaps_resctrl_memory_bandwidth(rc, NULL, NULL, NULL));
        cr_assert_not(hostcaps_resctrl_monitor(rc, NULL, NULL, NULL));
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);
        free(dir);
}

/* Requested alone, resctrl has no place in libvirt's XML: the document is
 * the minimal valid one; JSON carries everything. */
Test(resctrl, alone) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char *dir = fixture_root(fixtures, "resctrl");
        char *xml = caps_of(dir, HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        cr_assert_null(strstr(xml, "<cache"), "%s", xml);
        cr_assert_null(strstr(xml, "<memory_bandwidth"), "%s", xml);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        char *json = caps_of(dir, HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_JSON);
        cr_assert(strstr(json, "\"cbm_mask\": \"fffff\""), "%s", json);
        cr_assert(strstr(json, "\"mbm_total_bytes\""), "%s", json);
        char *text = caps_of(dir, HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_TEXT);
        cr_assert(strstr(text, "L3 allocation (both):"), "%s", text);
        cr_assert(strstr(text, "Memory bandwidth:"), "%s", text);
        free(xml);
        free(json);
        free(text);
        free(dir);
}

/* A resctrl-only request reads nothing outside sys/fs/resctrl, the stamp included. */
static void assert_resctrl_only_reads(const char *dir) {
        hostcaps_node *node = open_node(dir);
        char *doc = NULL, **trace;
        size_t n = 0;
        for (int pass = 0; pass < 2; pass++) {
                hostcaps_reader_trace_start(hostcaps_node_reader(node));
                cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_RESCTRL, 0,
                                                            HOSTCAPS_FORMAT_JSON, &doc),
                             0, "%s", hostcaps_error_message());
                free(doc);
                trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
                for (n = 0; trace[n]; n++)
                        cr_expect(strncmp(trace[n], "sys/fs/resctrl", 14) == 0, "%s: resctrl read %s", dir,
                                  trace[n]);
                hostcaps_strv_free(trace);
        }
        hostcaps_node_unref(node);
}

Test(resctrl, reads_only_resctrl) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char *dir = fixture_root(fixtures, "resctrl");
        assert_resctrl_only_reads(dir);
        free(dir);
        assert_resctrl_only_reads(root); /* not mounted */
}

Test(resctrl, live_host) {
        hostcaps_node *node = open_node(NULL);
        hostcaps_resctrl *rc = NULL;
        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
        struct stat st;
        bool mounted = stat("/sys/fs/resctrl/info", &st) == 0;
        cr_assert_eq(hostcaps_resctrl_absent_reason(rc) == NULL, mounted);
        if (!mounted)
                cr_assert_str_eq(hostcaps_resctrl_absent_reason(rc), "resctrl not mounted");
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);
        assert_resctrl_only_reads("/");
        char *xml = caps_of(NULL, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
}

/* ---- hand-written trees ---- */

Test(resctrl, not_mounted) {
        /* No sys/fs at all (kernel without resctrl), then the empty mount point. */
        for (int pass = 0; pass < 2; pass++) {
                if (pass)
                        test_write(root, "sys/fs/resctrl/.keep", "");
                hostcaps_node *node = open_node(root);
                hostcaps_resctrl *rc = NULL;
                cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
                cr_assert_str_eq(hostcaps_resctrl_absent_reason(rc), "resctrl not mounted");
                cr_assert_eq(hostcaps_resctrl_n_cache_controls(rc), 0);
                cr_assert_not(hostcaps_resctrl_memory_bandwidth(rc, NULL, NULL, NULL));
                cr_assert_not(hostcaps_resctrl_monitor(rc, NULL, NULL, NULL));
                hostcaps_resctrl_unref(rc);
                hostcaps_node_unref(node);
        }
        char *json = caps_of(root, HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_JSON);
        cr_assert(strstr(json, "resctrl not mounted"), "%s", json);
        char *text = caps_of(root, HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_TEXT);
        cr_assert(strstr(text, "resctrl not mounted"), "%s", text);
        free(json);
        free(text);
}

static void write_l3(const char *res, const char *mask, const char *min, const char *closids) {
        char p[128];
        if (mask) {
                snprintf(p, sizeof(p), "sys/fs/resctrl/info/%s/cbm_mask", res);
                test_write(root, p, mask);
        }
        if (min) {
                snprintf(p, sizeof(p), "sys/fs/resctrl/info/%s/min_cbm_bits", res);
                test_write(root, p, min);
        }
        if (closids) {
                snprintf(p, sizeof(p), "sys/fs/resctrl/info/%s/num_closids", res);
                test_write(root, p, closids);
        }
}

Test(resctrl, malformed_cbm_mask) {
        static const char *const bad[] = {"xyz\n", "\n", "0\n", "fffff fff\n", "1ffffffffffffffff\n"};
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                write_l3("L3", bad[i], "1\n", "16\n");
                char *m = resctrl_error(root);
                cr_assert(strstr(m, "sys/fs/resctrl/info/L3/cbm_mask"), "'%s': %s", bad[i], m);
                free(m);
        }
}

Test(resctrl, missing_num_closids) {
        write_l3("L3", "7ff\n", "1\n", NULL);
        char *m = resctrl_error(root);
        cr_assert(strstr(m, "sys/fs/resctrl/info/L3/num_closids"), "%s", m);
        free(m);
}

Test(resctrl, bad_files) {
        write_l3("L3", "7ff\n", "12\n", "16\n"); /* more bits than the mask has */
        char *m = resctrl_error(root);
        cr_assert(strstr(m, "info/L3/min_cbm_bits"), "%s", m);
        free(m);
        write_l3("L3", "7ff\n", "1\n", "16\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/num_rmids", "176\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/mon_features", "\n");
        m = resctrl_error(root);
        cr_assert(strstr(m, "info/L3_MON/mon_features"), "%s", m);
        free(m);
        test_write(root, "sys/fs/resctrl/info/L3_MON/mon_features", "llc_occupancy\n");
        test_write(root, "sys/fs/resctrl/info/MB/bandwidth_gran", "10\n");
        test_write(root, "sys/fs/resctrl/info/MB/num_closids", "8\n");
        m = resctrl_error(root);
        cr_assert(strstr(m, "info/MB/min_bandwidth"), "%s", m);
        free(m);
        test_write(root, "sys/fs/resctrl/info/MB/min_bandwidth", "ten\n");
        m = resctrl_error(root);
        cr_assert(strstr(m, "info/MB/min_bandwidth"), "%s", m);
        free(m);
        test_write(root, "sys/fs/resctrl/info/MB/min_bandwidth", "10\n");
        hostcaps_node *node = open_node(root);
        hostcaps_resctrl *rc = NULL;
        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
        cr_assert(hostcaps_resctrl_monitor(rc, NULL, NULL, NULL));
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);
}

static hostcaps_resctrl *resctrl_at(const char *dir, hostcaps_node **ret_node) {
        hostcaps_node *node = open_node(dir);
        hostcaps_resctrl *rc = NULL;
        cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0, "%s", hostcaps_error_message());
        *ret_node = node;
        return rc;
}

Test(resctrl, mba_modes) {
        hostcaps_node *node;
        hostcaps_resctrl *rc;
        unsigned g, m, a;

        /* Intel, percent. */
        test_write(root, "sys/fs/resctrl/info/MB/bandwidth_gran", "10\n");
        test_write(root, "sys/fs/resctrl/info/MB/min_bandwidth", "10\n");
        test_write(root, "sys/fs/resctrl/info/MB/num_closids", "8\n");
        test_write(root, "sys/fs/resctrl/info/MB/delay_linear", "1\n");
        test_write(root, "sys/fs/resctrl/info/MB/thread_throttle_mode", "per-thread\n");
        test_write(root, "sys/fs/resctrl/schemata", "MB:0=100;1= 90\n");
        rc = resctrl_at(root, &node);
        cr_assert(hostcaps_resctrl_memory_bandwidth(rc, &g, &m, &a));
        cr_assert_eq(g + m + a, 28);
        cr_assert_not(hostcaps_resctrl_memory_bandwidth_mbps(rc));
        cr_assert_eq(hostcaps_resctrl_memory_bandwidth_delay_linear(rc), 1);
        cr_assert_str_eq(hostcaps_resctrl_memory_bandwidth_throttle_mode(rc), "per-thread");
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);

        /* The software controller, told by the values (older kernels). */
        test_write(root, "sys/fs/resctrl/schemata", "    L3:0=7ff\n    MB:0=4294967295;1=4294967295\n");
        rc = resctrl_at(root, &node);
        cr_assert(hostcaps_resctrl_memory_bandwidth_mbps(rc));
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);

        /* ... and by mba_MBps_event (6.14 and later). */
        test_write(root, "sys/fs/resctrl/schemata", "MB:0=100\n");
        test_write(root, "sys/fs/resctrl/mba_MBps_event", "mbm_local_bytes\n");
        rc = resctrl_at(root, &node);
        cr_assert(hostcaps_resctrl_memory_bandwidth_mbps(rc));
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);

        /* AMD: values in 1/8 GB/s are not MBps. */
        test_rm_rf(root);
        cr_assert_eq(mkdir(root, 0755), 0);
        test_write(root, "sys/fs/resctrl/info/MB/bandwidth_gran", "1\n");
        test_write(root, "sys/fs/resctrl/info/MB/min_bandwidth", "0\n");
        test_write(root, "sys/fs/resctrl/info/MB/num_closids", "16\n");
        test_write(root, "sys/fs/resctrl/info/MB/delay_linear", "0\n");
        test_write(root, "sys/fs/resctrl/schemata", "MB:0=2048;1=2048\nL3:0=ffff;1=ffff\n");
        rc = resctrl_at(root, &node);
        cr_assert_not(hostcaps_resctrl_memory_bandwidth_mbps(rc));
        cr_assert_eq(hostcaps_resctrl_memory_bandwidth_delay_linear(rc), 0);
        cr_assert_null(hostcaps_resctrl_memory_bandwidth_throttle_mode(rc));
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);
}

/* One CPU and one bank: what the XML makes of sizes, granularity, min and
 * the memory bandwidth domain. */
static void write_one_l3(const char *size, const char *id) {
        test_write(root, "sys/devices/system/cpu/online", "0\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/level", "3\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/type", "Unified\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/size", size);
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/id", id);
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index3/shared_cpu_list", "0\n");
}

/* hostcaps' <host> child `name` equals `want` (written as data): element
 * names, attributes and children, whatever the layout. */
static void assert_host_element(const char *xml, const char *name, const char *want) {
        xmlDocPtr d = parse_xml(xml, "hostcaps"), w = parse_xml(want, "expected");
        assert_same_element(xmlDocGetRootElement(w), host_child(d, name), name);
        xmlFreeDoc(d);
        xmlFreeDoc(w);
}

Test(resctrl, control_units) {
        write_one_l3("11264K\n", "4\n");
        write_l3("L3", "7ff\n", "3\n", "15\n"); /* 11 MiB / 11 bits: 1 MiB, min 3 MiB */
        char *xml = caps_of(root, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        assert_host_element(xml, "cache",
                            "<cache><bank id='4' level='3' type='both' size='11' unit='MiB' cpus='0'>"
                            "<control granularity='1' min='3' unit='MiB' type='both' maxAllocs='15'/>"
                            "</bank></cache>");
        free(xml);
        write_l3("L3", "fffff\n", "3\n", "15\n"); /* 11 MiB / 20: 563.2 KiB, rounded down to bytes */
        xml = caps_of(root, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        assert_host_element(
                xml, "cache",
                "<cache><bank id='4' level='3' type='both' size='11' unit='MiB' cpus='0'>"
                "<control granularity='576716' min='1730148' unit='B' type='both' maxAllocs='15'/>"
                "</bank></cache>");
        free(xml);
        /* MBA: one node per last-level bank, keyed by the bank's id. */
        test_write(root, "sys/fs/resctrl/info/MB/bandwidth_gran", "10\n");
        test_write(root, "sys/fs/resctrl/info/MB/min_bandwidth", "10\n");
        test_write(root, "sys/fs/resctrl/info/MB/num_closids", "8\n");
        xml = caps_of(root, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        assert_host_element(xml, "memory_bandwidth",
                            "<memory_bandwidth><node id='4' cpus='0'>"
                            "<control granularity='10' min='10' maxAllocs='8'/>"
                            "</node></memory_bandwidth>");
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
}

/* Monitoring without memory bandwidth allocation: libvirt would write a
 * <memory_bandwidth> holding only a monitor, which its schema rejects. */
Test(resctrl, mbm_without_mba) {
        write_one_l3("33M\n", "0\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/num_rmids", "224\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/mon_features", "llc_occupancy\nmbm_total_bytes\n");
        char *xml = caps_of(root, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        assert_host_element(xml, "cache",
                            "<cache><bank id='0' level='3' type='both' size='33' unit='MiB' cpus='0'/>"
                            "<monitor level='3' reuseThreshold='0' maxMonitors='224'>"
                            "<feature name='llc_occupancy'/></monitor></cache>");
        xmlDocPtr d = parse_xml(xml, "hostcaps");
        cr_assert_null(host_child(d, "memory_bandwidth"), "%s", xml);
        xmlFreeDoc(d);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
}

/* A sysroot never changes: probed once. */
Test(resctrl, memoized) {
        write_l3("L3", "7ff\n", "1\n", "16\n");
        hostcaps_node *node = open_node(root);
        for (int i = 0; i < 3; i++) {
                hostcaps_resctrl *rc = NULL;
                cr_assert_eq(hostcaps_node_get_resctrl(node, 0, &rc), 0);
                hostcaps_resctrl_unref(rc);
        }
        cr_assert_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_RESCTRL), 1);
        hostcaps_node_unref(node);
}

/* ---- generated sysroots ---- */

static void gen_case(gen_resctrl kind) {
        gen_shape s = {.sockets = 2, .cores_per_cluster = 4, .threads_per_core = 2, .resctrl = kind};
        gen_resctrl_info info;
        hostcaps_node *node;
        cr_assert_eq(gen_sysroot(root, &s), 0);
        cr_assert_eq(gen_resctrl_get(&s, &info), 0);
        hostcaps_resctrl *rc = resctrl_at(root, &node);
        if (kind == GEN_RESCTRL_NONE) {
                cr_assert_str_eq(hostcaps_resctrl_absent_reason(rc), "resctrl not mounted");
                goto out;
        }
        cr_assert_null(hostcaps_resctrl_absent_reason(rc));
        cr_assert_eq(hostcaps_resctrl_n_cache_controls(rc), info.cdp ? 2 : 1);
        for (size_t i = 0; i < hostcaps_resctrl_n_cache_controls(rc); i++) {
                cr_assert_eq(hostcaps_resctrl_cache_control_cbm_mask(rc, i), info.cbm_mask);
                cr_assert_eq(hostcaps_resctrl_cache_control_min_cbm_bits(rc, i), info.min_cbm_bits);
                cr_assert_eq(hostcaps_resctrl_cache_control_max_allocs(rc, i), info.num_closids);
        }
        unsigned g = 0, m = 0, a = 0, mon = 0;
        uint64_t reuse = 0;
        cr_assert_eq(hostcaps_resctrl_memory_bandwidth(rc, &g, &m, &a), info.mba);
        if (info.mba) {
                cr_assert_eq(g, info.mb_bandwidth_gran);
                cr_assert_eq(m, info.mb_min_bandwidth);
                cr_assert_eq(a, info.mb_num_closids);
                cr_assert_eq(hostcaps_resctrl_memory_bandwidth_delay_linear(rc), info.mb_delay_linear);
                cr_assert_not(hostcaps_resctrl_memory_bandwidth_mbps(rc));
        }
        cr_assert_eq(hostcaps_resctrl_monitor(rc, NULL, &mon, &reuse), info.mon);
        if (info.mon) {
                cr_assert_eq(mon, info.num_rmids);
                cr_assert_eq(reuse, info.max_threshold_occupancy);
        }
        /* With the cache section: controls on every L3 bank, and with MBA one
         * memory bandwidth node per L3 bank; valid against the schema. */
        char *xml = caps_of(root, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        xmlDocPtr d = parse_xml(xml, "generated");
        size_t l3 = 0, nodes = 0;
        for (xmlNodePtr b = host_child(d, "cache")->children; b; b = b->next)
                if (b->type == XML_ELEMENT_NODE && !xmlStrcmp(b->name, BAD_CAST "bank") &&
                    bank_level(b) == 3) {
                        l3++;
                        size_t n = 0;
                        for (xmlNodePtr c = b->children; c; c = c->next)
                                n += c->type == XML_ELEMENT_NODE;
                        cr_assert_eq(n, info.cdp ? 2 : 1, "L3 bank controls");
                }
        cr_assert_eq(l3, gen_n_cache_banks(&s, 3));
        for (xmlNodePtr n = host_child(d, "memory_bandwidth") ? host_child(d, "memory_bandwidth")->children
                                                              : NULL;
             n; n = n->next)
                nodes += n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST "node");
        cr_assert_eq(nodes, info.mba ? l3 : 0);
        xmlFreeDoc(d);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
out:
        hostcaps_resctrl_unref(rc);
        hostcaps_node_unref(node);
        assert_resctrl_only_reads(root);
}

Test(resctrl, generated_none) {
        gen_case(GEN_RESCTRL_NONE);
}
Test(resctrl, generated_intel) {
        gen_case(GEN_RESCTRL_INTEL);
}
Test(resctrl, generated_intel_cdp) {
        gen_case(GEN_RESCTRL_INTEL_CDP);
}
Test(resctrl, generated_intel_mba) {
        gen_case(GEN_RESCTRL_INTEL_MBA);
}
Test(resctrl, generated_amd) {
        gen_case(GEN_RESCTRL_AMD);
}

/* ---- stamps: what a live host's memoized objects are checked against ---- */

extern const hostcaps_section_ops hostcaps_resctrl_ops, hostcaps_cache_ops;

static uint64_t stamp_of(const hostcaps_section_ops *ops, const char *dir) {
        hostcaps_node *node = open_node(dir);
        uint64_t s = hostcaps_stamp_init();
        cr_assert_eq(ops->stamp(hostcaps_node_reader(node), &s), 0, "%s", hostcaps_error_message());
        hostcaps_node_unref(node);
        return s;
}

/* resctrl's changes with a mount or unmount (the info directory appears,
 * disappears, or is a new one), not with resource groups. */
Test(resctrl, stamp_follows_mount) {
        uint64_t unmounted = stamp_of(&hostcaps_resctrl_ops, root);
        write_l3("L3", "7ff\n", "1\n", "16\n");
        uint64_t mounted = stamp_of(&hostcaps_resctrl_ops, root);
        cr_assert_neq(mounted, unmounted);
        test_write(root, "sys/fs/resctrl/group1/schemata", "L3:0=3\n");
        cr_assert_eq(stamp_of(&hostcaps_resctrl_ops, root), mounted, "a new group is not a new mount");
        char *cmd = NULL;
        cr_assert(asprintf(&cmd, "rm -rf '%s/sys/fs/resctrl/info'", root) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        cr_assert_eq(stamp_of(&hostcaps_resctrl_ops, root), unmounted);
        write_l3("L3", "7ff\n", "1\n", "16\n");
        cr_assert_neq(stamp_of(&hostcaps_resctrl_ops, root), mounted, "a remount is a new info directory");
}

/* The cache section's follows the online CPUs. */
Test(resctrl, cache_stamp_follows_online_cpus) {
        test_write(root, "sys/devices/system/cpu/online", "0-3\n");
        uint64_t all = stamp_of(&hostcaps_cache_ops, root);
        test_write(root, "sys/devices/system/cpu/online", "0-2\n");
        cr_assert_neq(stamp_of(&hostcaps_cache_ops, root), all);
}

/* A recording written on another system (CRLF line ends) gives the same
 * feature names, and values above 2^63 are written as they are in JSON. */
Test(resctrl, crlf_and_u64) {
        write_l3("L3", "7ff\n", "1\n", "16\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/num_rmids", "176\r\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/mon_features", "llc_occupancy\r\nmbm_total_bytes\r\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/max_threshold_occupancy", "18446744073709551615\n");
        char *json = caps_of(root, HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_JSON);
        struct json_object *doc = json_tokener_parse(json), *rc, *mon, *v;
        cr_assert(doc, "%s", json);
        cr_assert(json_object_object_get_ex(doc, "resctrl", &rc) &&
                  json_object_object_get_ex(rc, "monitoring", &mon));
        cr_assert(json_object_object_get_ex(mon, "reuse_threshold_bytes", &v));
        cr_assert_eq(json_object_get_uint64(v), UINT64_MAX, "%s", json);
        cr_assert(json_object_object_get_ex(mon, "features", &v));
        cr_assert_eq(json_object_array_length(v), 2, "%s", json);
        cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 0)), "llc_occupancy");
        cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 1)), "mbm_total_bytes");
        json_object_put(doc);
        free(json);
}

/* Optional values of resctrl (the read policy): a malformed one is
 * unknown with a reason naming the file, and the section stays. */
Test(resctrl, optional_values) {
        static const struct {
                const char *path, *bad;
        } files[] = {
                {"sys/fs/resctrl/info/L3_MON/max_threshold_occupancy", "lots\n"},
                {"sys/fs/resctrl/info/MB/delay_linear", "maybe\n"},
                {"sys/fs/resctrl/info/MB/thread_throttle_mode", "\x1b]0;x\n"},
        };
        write_l3("L3", "7ff\n", "1\n", "16\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/num_rmids", "176\n");
        test_write(root, "sys/fs/resctrl/info/L3_MON/mon_features", "llc_occupancy\n");
        test_write(root, "sys/fs/resctrl/info/MB/bandwidth_gran", "10\n");
        test_write(root, "sys/fs/resctrl/info/MB/min_bandwidth", "10\n");
        test_write(root, "sys/fs/resctrl/info/MB/num_closids", "8\n");
        for (size_t i = 0; i < 2; i++) {
                hostcaps_node *node;
                test_write(root, files[i].path, files[i].bad);
                hostcaps_resctrl *rc = resctrl_at(root, &node);
                cr_assert_eq(hostcaps_resctrl_n_unknown(rc), 1, "%s", files[i].path);
                cr_assert(strstr(hostcaps_resctrl_unknown_reason(rc, 0), files[i].path), "%s",
                          hostcaps_resctrl_unknown_reason(rc, 0));
                cr_assert_eq(hostcaps_resctrl_n_cache_controls(rc), 1);
                hostcaps_resctrl_unref(rc);
                hostcaps_node_unref(node);
                char *full = NULL;
                cr_assert(asprintf(&full, "%s/%s", root, files[i].path) >= 0);
                unlink(full);
                free(full);
        }
        /* Any text is a throttle mode; control bytes never reach the text output. */
        test_write(root, files[2].path, files[2].bad);
        char *text = caps_of(root, HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_TEXT);
        cr_assert_null(strchr(text, '\x1b'), "%s", text);
        free(text);
}
