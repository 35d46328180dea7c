/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cache section: hand-written trees, generated sysroots, the live host
 * beside lscpu and hwloc, what it reads and how much, and on every sysroot
 * at hand the same banks as hwloc's lstopo. */
#include <glob.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hostcaps.h"
#include "host/bitmap.h"
#include "host/parse.h"
#include "host/reader.h"
#include "host/section.h"
#include "test-schema.h"
#include "test-util.h"

#include "gen/sysroot-gen.h"

TEST_SYSROOT_SUITE(cache, "arch=x86_64\npage_size=4096\n");

/* ---- helpers ------------------------------------------------------------ */

static hostcaps_node *open_node(const char *dir) {
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0, "%s: %s", dir, hostcaps_error_message());
        return node;
}

static hostcaps_cache *cache_at(const char *dir, hostcaps_node **ret_node) {
        hostcaps_node *node = open_node(dir);
        hostcaps_cache *c = NULL;
        cr_assert_eq(hostcaps_node_get_cache(node, 0, &c), 0, "%s: %s", dir ? dir : "/",
                     hostcaps_error_message());
        if (ret_node)
                *ret_node = node;
        else
                hostcaps_node_unref(node);
        return c;
}

static char *caps_of(const char *dir, unsigned sections, hostcaps_format format) {
        hostcaps_node *node = open_node(dir);
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, format, &doc), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

static char *cache_error(const char *dir) {
        hostcaps_node *node = open_node(dir);
        hostcaps_cache *c = NULL;
        cr_assert_lt(hostcaps_node_get_cache(node, 0, &c), 0, "probing the cache section should fail");
        char *m = strdup(hostcaps_error_message() ? hostcaps_error_message() : "");
        hostcaps_node_unref(node);
        return m;
}

/* One leaf of a hand-written tree; id NULL leaves the id file out. */
static void leaf(unsigned cpu, unsigned k, unsigned level, const char *type, const char *size, const char *id,
                 const char *cpus) {
        char p[256], v[64];
#define F(name, value)                                                                                       \
        do {                                                                                                 \
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/cache/index%u/%s", cpu, k, name);       \
                test_write(root, p, value);                                                                  \
        } while (0)
        snprintf(v, sizeof(v), "%u\n", level);
        F("level", v);
        F("type", type);
        F("size", size);
        if (id)
                F("id", id);
        F("coherency_line_size", "64\n");
        F("ways_of_associativity", level == 1 ? "8\n" : "16\n");
        F("number_of_sets", "64\n");
        F("shared_cpu_list", cpus);
#undef F
}

/* A host of 2 cores x 2 threads numbered as Linux numbers x86 CPUs (cpu0
 * and cpu2 share core 0): L1d, L1i and L2 per core, one L3. */
static void write_small_host(bool ids) {
        static const char *const core_cpus[] = {"0,2\n", "1,3\n"};
        char id[8];
        test_write(root, "sys/devices/system/cpu/online", "0-3\n");
        for (unsigned cpu = 0; cpu < 4; cpu++) {
                snprintf(id, sizeof(id), "%u\n", cpu % 2);
                leaf(cpu, 0, 1, "Data\n", "48K\n", ids ? id : NULL, core_cpus[cpu % 2]);
                leaf(cpu, 1, 1, "Instruction\n", "32K\n", ids ? id : NULL, core_cpus[cpu % 2]);
                leaf(cpu, 2, 2, "Unified\n", "1280K\n", ids ? id : NULL, core_cpus[cpu % 2]);
                leaf(cpu, 3, 3, "Unified\n", "15360K\n", ids ? "0\n" : NULL, "0-3\n");
        }
}

typedef struct want {
        unsigned id, level;
        hostcaps_cache_type type;
        uint64_t size;
        const char *cpus;
} want;

static void assert_banks(const hostcaps_cache *c, const want *w, size_t n) {
        cr_assert_eq(hostcaps_cache_n_banks(c), n, "%zu banks, want %zu", hostcaps_cache_n_banks(c), n);
        for (size_t i = 0; i < n; i++) {
                cr_expect_eq(hostcaps_cache_bank_id(c, i), w[i].id, "bank %zu id", i);
                cr_expect_eq(hostcaps_cache_bank_level(c, i), w[i].level, "bank %zu level", i);
                cr_expect_eq(hostcaps_cache_bank_type(c, i), w[i].type, "bank %zu type", i);
                cr_expect_eq(hostcaps_cache_bank_size(c, i), w[i].size, "bank %zu size", i);
                cr_expect_str_eq(hostcaps_cache_bank_cpus(c, i), w[i].cpus, "bank %zu cpus", i);
        }
}

/* ---- hand-written trees ---- */

Test(cache, small_host) {
        static const want w[] = {
                {0, 1, HOSTCAPS_CACHE_DATA, 48 << 10, "0,2"},
                {0, 1, HOSTCAPS_CACHE_INSTRUCTION, 32 << 10, "0,2"},
                {1, 1, HOSTCAPS_CACHE_DATA, 48 << 10, "1,3"},
                {1, 1, HOSTCAPS_CACHE_INSTRUCTION, 32 << 10, "1,3"},
                {0, 2, HOSTCAPS_CACHE_UNIFIED, 1280 << 10, "0,2"},
                {1, 2, HOSTCAPS_CACHE_UNIFIED, 1280 << 10, "1,3"},
                {0, 3, HOSTCAPS_CACHE_UNIFIED, 15 << 20, "0-3"},
        };
        hostcaps_node *node;
        write_small_host(true);
        hostcaps_cache *c = cache_at(root, &node);
        assert_banks(c, w, ELEMENTSOF(w));
        cr_assert_eq(hostcaps_cache_bank_line_size(c, 0), 64);
        cr_assert_eq(hostcaps_cache_bank_ways(c, 6), 16);
        cr_assert_not(hostcaps_cache_bank_id_derived(c, 6));
        cr_assert_null(hostcaps_cache_bank_cpus(c, 7));
        cr_assert_eq(hostcaps_cache_bank_size(c, 7), 0);
        cr_assert_str_eq(hostcaps_cache_type_to_string(HOSTCAPS_CACHE_INSTRUCTION), "code");
        cr_assert_null(hostcaps_cache_type_to_string((hostcaps_cache_type)7));
        cr_assert_eq(hostcaps_cache_ref(c), c);
        hostcaps_cache_unref(c);
        cr_assert_null(hostcaps_cache_unref(c));
        cr_assert_null(hostcaps_cache_unref(NULL));
        hostcaps_node_unref(node);

        /* The whole documents, written as data from the tree above (4 CPUs,
         * cores {0,2} and {1,3}: L1d 48K, L1i 32K, L2 1280K per core, one L3
         * of 15360K; line 64, ways 8 at L1 and 16 above). */
        static const char want_xml[] =
                "<capabilities>\n"
                "  <host>\n"
                "    <cpu>\n"
                "      <arch>x86_64</arch>\n"
                "    </cpu>\n"
                "    <cache>\n"
                "      <bank id='0' level='1' type='data' size='48' unit='KiB' cpus='0,2'/>\n"
                "      <bank id='0' level='1' type='code' size='32' unit='KiB' cpus='0,2'/>\n"
                "      <bank id='1' level='1' type='data' size='48' unit='KiB' cpus='1,3'/>\n"
                "      <bank id='1' level='1' type='code' size='32' unit='KiB' cpus='1,3'/>\n"
                "      <bank id='0' level='2' type='both' size='1280' unit='KiB' cpus='0,2'/>\n"
                "      <bank id='1' level='2' type='both' size='1280' unit='KiB' cpus='1,3'/>\n"
                "      <bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-3'/>\n"
                "    </cache>\n"
                "  </host>\n"
                "</capabilities>\n";
        static const char want_text[] =
                "Architecture:            x86_64\n"
                "Caches:\n"
                "  NAME  ONE-SIZE   ALL-SIZE   WAYS  TYPE         LEVEL  LINE  BANKS\n"
                "  L1d   48 KiB     96 KiB     8     Data         1      64    2\n"
                "  L1i   32 KiB     64 KiB     8     Instruction  1      64    2\n"
                "  L2    1280 KiB   2560 KiB   16    Unified      2      64    2\n"
                "  L3    15 MiB     15 MiB     16    Unified      3      64    1\n"
                "L3 bank 0:               15 MiB, CPUs 0-3\n";
        char *xml = caps_of(root, HOSTCAPS_SECTION_CACHE, HOSTCAPS_FORMAT_XML);
        cr_assert_str_eq(xml, want_xml);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
        char *json = caps_of(root, HOSTCAPS_SECTION_CACHE, HOSTCAPS_FORMAT_JSON);
        struct json_object *doc = json_tokener_parse(json), *cache, *banks, *size;
        cr_assert(doc, "%s", json);
        cr_assert(json_object_object_get_ex(doc, "cache", &cache) &&
                  json_object_object_get_ex(cache, "banks", &banks));
        cr_assert_eq(json_object_array_length(banks), 7);
        cr_assert(json_object_object_get_ex(json_object_array_get_idx(banks, 6), "size_bytes", &size));
        cr_assert_eq(json_object_get_uint64(size), 15728640);
        json_object_put(doc);
        free(json);
        char *text = caps_of(root, HOSTCAPS_SECTION_CACHE, HOSTCAPS_FORMAT_TEXT);
        cr_assert_str_eq(text, want_text);
        free(text);
}

/* Cost: the online list, the cpu directory's listing (which CPUs have a
 * directory), one listing per core (SMT siblings are not listed), five files
 * per bank, and line size and ways once per design (L1d, L1i, L2, L3 here). */
Test(cache, reads_each_bank_once) {
        write_small_host(true);
        hostcaps_node *node = open_node(root);
        hostcaps_cache *c = NULL;
        hostcaps_reader *r = hostcaps_node_reader(node);
        uint64_t before = hostcaps_reader_n_opened(r);
        cr_assert_eq(hostcaps_node_get_cache(node, 0, &c), 0, "%s", hostcaps_error_message());
        uint64_t n = hostcaps_reader_n_opened(r) - before;
        cr_assert_eq(n, 1 + 1 + 2 + 5 * hostcaps_cache_n_banks(c) + 2 * 4, "%llu files opened",
                     (unsigned long long)n);
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
}

/* Without id files the banks of a level and type are numbered by first CPU. */
Test(cache, no_ids) {
        hostcaps_node *node;
        write_small_host(false);
        hostcaps_cache *c = cache_at(root, &node);
        cr_assert_eq(hostcaps_cache_n_banks(c), 7);
        for (size_t i = 0; i < 7; i++)
                cr_assert(hostcaps_cache_bank_id_derived(c, i));
        cr_assert_str_eq(hostcaps_cache_bank_cpus(c, 2), "1,3");
        cr_assert_eq(hostcaps_cache_bank_id(c, 2), 1);
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
        char *json = caps_of(root, HOSTCAPS_SECTION_CACHE, HOSTCAPS_FORMAT_JSON);
        struct json_object *doc = json_tokener_parse(json), *cache, *banks, *derived;
        cr_assert(doc, "%s", json);
        cr_assert(json_object_object_get_ex(doc, "cache", &cache) &&
                  json_object_object_get_ex(cache, "banks", &banks));
        for (size_t i = 0; i < json_object_array_length(banks); i++) {
                cr_assert(json_object_object_get_ex(json_object_array_get_idx(banks, i), "id_derived",
                                                    &derived));
                cr_assert(json_object_get_boolean(derived), "bank %zu: %s", i, json);
        }
        json_object_put(doc);
        free(json);
}

/* Ids present on some banks of a level only: the whole level is numbered. */
Test(cache, partial_ids) {
        hostcaps_node *node;
        test_write(root, "sys/devices/system/cpu/online", "0-1\n");
        leaf(0, 0, 2, "Unified\n", "1024K\n", "7\n", "0\n");
        leaf(1, 0, 2, "Unified\n", "1024K\n", NULL, "1\n");
        hostcaps_cache *c = cache_at(root, &node);
        cr_assert_eq(hostcaps_cache_n_banks(c), 2);
        cr_assert_eq(hostcaps_cache_bank_id(c, 0), 0);
        cr_assert_eq(hostcaps_cache_bank_id(c, 1), 1);
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
}

/* Offline CPUs: no cache directory, and never in a bank's CPUs, even where
 * a recording lists them. */
Test(cache, offline_cpus) {
        static const want w[] = {
                {0, 2, HOSTCAPS_CACHE_UNIFIED, 1 << 20, "0"},
                {1, 2, HOSTCAPS_CACHE_UNIFIED, 1 << 20, "1"},
                {0, 3, HOSTCAPS_CACHE_UNIFIED, 8 << 20, "0-1"},
        };
        hostcaps_node *node;
        test_write(root, "sys/devices/system/cpu/online", "0-1\n");
        for (unsigned cpu = 0; cpu < 2; cpu++) {
                char id[8];
                snprintf(id, sizeof(id), "%u\n", cpu);
                leaf(cpu, 0, 2, "Unified\n", "1024K\n", id, cpu ? "1,3\n" : "0\n");
                leaf(cpu, 1, 3, "Unified\n", "8192K\n", "0\n", "0-3\n");
        }
        test_write(root, "sys/devices/system/cpu/cpu3/online", "0\n");
        hostcaps_cache *c = cache_at(root, &node);
        assert_banks(c, w, ELEMENTSOF(w));
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
}

/* CPUs listed online without a cpuN directory are in no bank, and the
 * section says so, as the CPU and NUMA sections do (none of them invents
 * what no file backs). */
Test(cache, listed_but_absent_cpus) {
        static const want w[] = {
                {0, 2, HOSTCAPS_CACHE_UNIFIED, 1 << 20, "0-1"},
        };
        hostcaps_node *node;
        test_write(root, "sys/devices/system/cpu/online", "0-3\n");
        for (unsigned cpu = 0; cpu < 2; cpu++)
                leaf(cpu, 0, 2, "Unified\n", "1024K\n", "0\n", "0-1\n");
        hostcaps_cache *c = cache_at(root, &node);
        assert_banks(c, w, ELEMENTSOF(w));
        cr_assert_eq(hostcaps_cache_n_unknown(c), 1);
        cr_assert(strstr(hostcaps_cache_unknown_reason(c, 0), "CPUs 2-3 listed but absent"), "%s",
                  hostcaps_cache_unknown_reason(c, 0));
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
}

/* Hosts whose kernel has no cacheinfo: no bank, no <cache> element. */
Test(cache, none) {
        hostcaps_node *node;
        test_write(root, "sys/devices/system/cpu/online", "0-1\n");
        test_write(root, "sys/devices/system/cpu/cpu0/topology/core_id", "0\n");
        hostcaps_cache *c = cache_at(root, &node);
        cr_assert_eq(hostcaps_cache_n_banks(c), 0);
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
        char *xml = caps_of(root, HOSTCAPS_SECTION_CACHE | HOSTCAPS_SECTION_RESCTRL, HOSTCAPS_FORMAT_XML);
        cr_assert_null(strstr(xml, "<cache"), "%s", xml);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
        char *text = caps_of(root, HOSTCAPS_SECTION_CACHE, HOSTCAPS_FORMAT_TEXT);
        cr_assert(strstr(text, "none reported"), "%s", text);
        free(text);
}

Test(cache, bad_input) {
        test_write(root, "sys/devices/system/cpu/online", "0\n");
        leaf(0, 0, 1, "Data\n", "32K\n", "0\n", "0\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index0/type", "Victim\n");
        char *m = cache_error(root);
        cr_assert(strstr(m, "sys/devices/system/cpu/cpu0/cache/index0/type"), "%s", m);
        free(m);
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index0/type", "Data\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index0/level", "one\n");
        m = cache_error(root);
        cr_assert(strstr(m, "sys/devices/system/cpu/cpu0/cache/index0/level"), "%s", m);
        free(m);
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index0/level", "1\n");
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index0/shared_cpu_list", "3-1\n");
        m = cache_error(root);
        cr_assert(strstr(m, "sys/devices/system/cpu/cpu0/cache/index0/shared_cpu_list"), "%s", m);
        free(m);
        /* Optional files: size, line size, ways, id; shared_cpu_map for the list. */
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index0/shared_cpu_list", "0\n");
        char *cmd = NULL;
        cr_assert(
                asprintf(&cmd,
                         "cd '%s/sys/devices/system/cpu/cpu0/cache/index0' && rm size ways_of_associativity "
                         "coherency_line_size shared_cpu_list && echo 1 > shared_cpu_map",
                         root) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        hostcaps_node *node;
        hostcaps_cache *c = cache_at(root, &node);
        cr_assert_eq(hostcaps_cache_n_banks(c), 1);
        cr_assert_eq(hostcaps_cache_bank_size(c, 0), 0);
        cr_assert_eq(hostcaps_cache_bank_ways(c, 0), 0);
        cr_assert_str_eq(hostcaps_cache_bank_cpus(c, 0), "0");
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
        /* A malformed optional value is unknown, with the file in the reason. */
        test_write(root, "sys/devices/system/cpu/cpu0/cache/index0/size", "big\n");
        c = cache_at(root, &node);
        cr_assert_eq(hostcaps_cache_n_banks(c), 1);
        cr_assert_eq(hostcaps_cache_bank_size(c, 0), 0);
        cr_assert_eq(hostcaps_cache_n_unknown(c), 1);
        cr_assert(
                strstr(hostcaps_cache_unknown_reason(c, 0), "sys/devices/system/cpu/cpu0/cache/index0/size"),
                "%s", hostcaps_cache_unknown_reason(c, 0));
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
}

/* A sysroot never changes: probed once. */
Test(cache, memoized) {
        write_small_host(true);
        hostcaps_node *node = open_node(root);
        for (int i = 0; i < 3; i++) {
                hostcaps_cache *c = NULL;
                cr_assert_eq(hostcaps_node_get_cache(node, i == 2 ? HOSTCAPS_FLAG_CACHED : 0, &c), 0);
                hostcaps_cache_unref(c);
        }
        cr_assert_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_CACHE), 1);
        hostcaps_node_unref(node);
}

/* ---- what a cache-only request reads ---- */

static bool is_cache_file(const char *p) {
        const char *s = startswith(p, "sys/devices/system/cpu/");
        if (!s)
                return false;
        /* online, and one listing of the directory: which online CPUs have
         * a cpuN directory (a CPU listed without one has no caches to read). */
        if (strcmp(s, "online") == 0 || *s == '\0')
                return true;
        return startswith(s, "cpu") && strstr(s, "/cache");
}

static void assert_cache_only_reads(const char *dir) {
        hostcaps_node *node = open_node(dir);
        char *doc = NULL, **trace;
        for (int pass = 0; pass < 2; pass++) {
                hostcaps_reader_trace_start(hostcaps_node_reader(node));
                cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CACHE, 0,
                                                            HOSTCAPS_FORMAT_XML, &doc),
                             0, "%s", hostcaps_error_message());
                free(doc);
                trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
                for (size_t n = 0; trace[n]; n++)
                        cr_expect(is_cache_file(trace[n]), "%s: a cache-only request read %s", dir, trace[n]);
                hostcaps_strv_free(trace);
        }
        hostcaps_node_unref(node);
}

Test(cache, reads_only_cache_files) {
        write_small_host(true);
        assert_cache_only_reads(root);
        assert_cache_only_reads("/");
}

/* ---- second opinions: hwloc's lstopo and lscpu ---- */

typedef struct key {
        unsigned level;
        hostcaps_cache_type type;
        uint64_t size;
        char *cpus;
} key;

typedef struct keys {
        key *v;
        size_t n;
} keys;

static void keys_add(keys *k, unsigned level, hostcaps_cache_type type, uint64_t size, const char *cpus) {
        k->v = realloc(k->v, (k->n + 1) * sizeof(key));
        cr_assert(k->v);
        k->v[k->n++] = (key){level, type, size, strdup(cpus)};
}

static void keys_done(keys *k) {
        for (size_t i = 0; i < k->n; i++)
                free(k->v[i].cpus);
        free(k->v);
        *k = (keys){0};
}

static bool keys_has(const keys *k, const key *x) {
        for (size_t i = 0; i < k->n; i++)
                if (k->v[i].level == x->level && k->v[i].type == x->type && k->v[i].size == x->size &&
                    strcmp(k->v[i].cpus, x->cpus) == 0)
                        return true;
        return false;
}

static char *read_command(const char *cmd) {
        FILE *p = popen(cmd, "r");
        char *out = NULL;
        size_t len = 0;
        cr_assert(p, "%s", cmd);
        FILE *m = open_memstream(&out, &len);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
                fwrite(buf, 1, n, m);
        fclose(m);
        int status = pclose(p);
        if (status != 0) {
                free(out);
                return NULL;
        }
        return out;
}

static bool have_program(const char *name) {
        char *cmd = NULL;
        cr_assert(asprintf(&cmd, "command -v %s >/dev/null 2>&1", name) >= 0);
        int r = system(cmd);
        free(cmd);
        return r == 0;
}

/* hwloc's cpuset: "0x00000003", or 32-bit groups "0x0000ffff,0xffffffff". */
static char *hwloc_cpuset_list(const char *s) {
        char mask[8192];
        size_t o = 0;
        for (const char *p = s; *p && o + 1 < sizeof(mask); p++) {
                if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
                        p++;
                        continue;
                }
                mask[o++] = *p;
        }
        mask[o] = '\0';
        hostcaps_bitmap *b = NULL;
        cr_assert_eq(hostcaps_parse_cpumask(mask, &b), 0, "hwloc cpuset '%s'", s);
        char *l = hostcaps_bitmap_format(b);
        hostcaps_bitmap_free(b);
        return l;
}

static void collect_hwloc(xmlNodePtr n, keys *k, unsigned *n_pus) {
        for (; n; n = n->next) {
                if (n->type != XML_ELEMENT_NODE)
                        continue;
                char *type = (char *)xmlGetProp(n, BAD_CAST "type");
                if (type && strcmp(type, "PU") == 0)
                        (*n_pus)++;
                if (type && strlen(type) > 5 && strcmp(type + strlen(type) - 5, "Cache") == 0) {
                        char *depth = (char *)xmlGetProp(n, BAD_CAST "depth");
                        char *size = (char *)xmlGetProp(n, BAD_CAST "cache_size");
                        char *ctype = (char *)xmlGetProp(n, BAD_CAST "cache_type");
                        char *cpuset = (char *)xmlGetProp(n, BAD_CAST "cpuset");
                        cr_assert(depth && size && ctype && cpuset);
                        /* hwloc: 0 unified, 1 data, 2 instruction */
                        int t = atoi(ctype);
                        char *list = hwloc_cpuset_list(cpuset);
                        keys_add(k, (unsigned)atoi(depth),
                                 t == 1   ? HOSTCAPS_CACHE_DATA
                                 : t == 2 ? HOSTCAPS_CACHE_INSTRUCTION
                                          : HOSTCAPS_CACHE_UNIFIED,
                                 strtoull(size, NULL, 10), list);
                        free(list);
                        xmlFree(depth);
                        xmlFree(size);
                        xmlFree(ctype);
                        xmlFree(cpuset);
                }
                xmlFree(type);
                collect_hwloc(n->children, k, n_pus);
        }
}

/* The banks lstopo finds in `dir` (NULL: this host). False, with a reason,
 * when hwloc cannot read the tree (it then describes the live host). */
static bool hwloc_banks(const char *dir, keys *k, unsigned n_online, char *reason, size_t reason_size) {
        char *cmd = NULL, *err = NULL, *errtext = NULL;
        unsigned n_pus = 0;
        cr_assert(asprintf(&err, "%s/lstopo.err", root) >= 0);
        if (dir)
                /* Without the x86 backend, which reads the live CPU's CPUID. */
                cr_assert(
                        asprintf(&cmd,
                                 "HWLOC_COMPONENTS=-x86 HWLOC_FSROOT='%s' lstopo-no-graphics --of xml 2>'%s'",
                                 dir, err) >= 0);
        else
                cr_assert(asprintf(&cmd, "lstopo-no-graphics --of xml 2>'%s'", err) >= 0);
        char *out = read_command(cmd);
        cr_assert(out, "%s failed", cmd);
        FILE *f = fopen(err, "r");
        size_t len = 0;
        if (f && getdelim(&errtext, &len, '\0', f) < 0) {
                free(errtext);
                errtext = NULL;
        }
        if (f)
                fclose(f);
        bool ok = true;
        if (errtext &&
            (strstr(errtext, "aborting linux discovery") || strstr(errtext, "invalid information"))) {
                snprintf(reason, reason_size, "hwloc rejects the tree: %.120s", errtext);
                ok = false;
        } else {
                xmlDocPtr d = xmlReadMemory(out, (int)strlen(out), "lstopo.xml", NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOBLANKS);
                cr_assert(d, "lstopo's XML");
                collect_hwloc(xmlDocGetRootElement(d)->children, k, &n_pus);
                xmlFreeDoc(d);
                if (n_pus != n_online) {
                        snprintf(reason, reason_size, "hwloc found %u CPUs, the tree has %u online", n_pus,
                                 n_online);
                        ok = false;
                }
        }
        free(out);
        free(errtext);
        free(cmd);
        unlink(err);
        free(err);
        return ok;
}

static unsigned n_online_in(const char *dir) {
        char path[4096], *s = NULL;
        size_t len = 0;
        snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/online", dir ? dir : "");
        FILE *f = fopen(path, "r");
        if (!f)
                return 0;
        hostcaps_bitmap *b = NULL;
        unsigned n = 0;
        if (getdelim(&s, &len, '\0', f) > 0 && hostcaps_parse_cpulist(s, &b) == 0)
                n = hostcaps_bitmap_count(b);
        hostcaps_bitmap_free(b);
        free(s);
        fclose(f);
        return n;
}

/* Every bank hostcaps finds in `dir` is one lstopo reports (level, type,
 * size, CPUs), and none of lstopo's is missing. 1 compared, 0 skipped. */
static int compare_with_hwloc(const char *dir, const char *name) {
        char reason[256];
        keys ours = {0}, theirs = {0};
        hostcaps_node *node;
        hostcaps_cache *c = cache_at(dir, &node);
        for (size_t i = 0; i < hostcaps_cache_n_banks(c); i++)
                if (hostcaps_cache_bank_level(c, i) <= 5) /* hwloc has L1 to L5 */
                        keys_add(&ours, hostcaps_cache_bank_level(c, i), hostcaps_cache_bank_type(c, i),
                                 hostcaps_cache_bank_size(c, i), hostcaps_cache_bank_cpus(c, i));
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
        for (size_t i = 0; i < ours.n; i++)
                for (size_t j = i + 1; j < ours.n; j++)
                        if (ours.v[i].level == ours.v[j].level && ours.v[i].type == ours.v[j].type &&
                            strcmp(ours.v[i].cpus, ours.v[j].cpus) == 0) {
                                /* libvirt's made-up tree with two L3s on one CPU */
                                fprintf(stderr,
                                        "SKIP hwloc comparison of %s: two L%u banks share CPUs %s, "
                                        "which hwloc merges into one object\n",
                                        name, ours.v[i].level, ours.v[i].cpus);
                                keys_done(&ours);
                                return 0;
                        }
        if (!hwloc_banks(dir, &theirs, n_online_in(dir), reason, sizeof(reason))) {
                fprintf(stderr, "SKIP hwloc comparison of %s: %s\n", name, reason);
                keys_done(&ours);
                return 0;
        }
        for (size_t i = 0; i < ours.n; i++)
                cr_expect(keys_has(&theirs, &ours.v[i]),
                          "%s: L%u %s %llu bytes CPUs %s: not in lstopo's output", name, ours.v[i].level,
                          hostcaps_cache_type_to_string(ours.v[i].type), (unsigned long long)ours.v[i].size,
                          ours.v[i].cpus);
        for (size_t i = 0; i < theirs.n; i++)
                cr_expect(keys_has(&ours, &theirs.v[i]), "%s: lstopo's L%u %s %llu bytes CPUs %s is missing",
                          name, theirs.v[i].level, hostcaps_cache_type_to_string(theirs.v[i].type),
                          (unsigned long long)theirs.v[i].size, theirs.v[i].cpus);
        keys_done(&ours);
        keys_done(&theirs);
        return 1;
}

/* The kernel's mask format of a CPU list: 32-bit hexadecimal groups, most
 * significant first. */
static void list_to_mask(const char *list_path, const char *mask_path) {
        char *text = NULL, mask[8192] = "";
        size_t len = 0;
        hostcaps_bitmap *b = NULL;
        FILE *f = fopen(list_path, "r");
        if (!f || access(mask_path, F_OK) == 0) {
                if (f)
                        fclose(f);
                return;
        }
        if (getdelim(&text, &len, '\0', f) > 0 && hostcaps_parse_cpulist(text, &b) == 0) {
                int last = hostcaps_bitmap_last(b);
                for (int grp = last < 0 ? 0 : last / 32; grp >= 0; grp--) {
                        uint32_t w = 0;
                        for (int bit = 0; bit < 32; bit++)
                                if (hostcaps_bitmap_test(b, (unsigned)(grp * 32 + bit)))
                                        w |= UINT32_C(1) << bit;
                        snprintf(mask + strlen(mask), sizeof(mask) - strlen(mask), "%08x%s", w,
                                 grp ? "," : "\n");
                }
                FILE *o = fopen(mask_path, "w");
                cr_assert(o, "%s", mask_path);
                fputs(mask, o);
                fclose(o);
        }
        hostcaps_bitmap_free(b);
        free(text);
        fclose(f);
}

/* hwloc reads masks (topology/core_siblings, thread_siblings, cache
 * shared_cpu_map) and sizes as "%uK"; libvirt's trees hold only the *_list
 * files, and sizes such as "33M". A copy gets each of those written in the
 * kernel's other format, the same values. */
static void complete_for_hwloc(const char *dir) {
        static const char *const patterns[][3] = {
                {"cpu[0-9]*/topology", "core_siblings_list", "core_siblings"},
                {"cpu[0-9]*/topology", "thread_siblings_list", "thread_siblings"},
                {"cpu[0-9]*/cache/index[0-9]*", "shared_cpu_list", "shared_cpu_map"},
        };
        for (size_t p = 0; p < ELEMENTSOF(patterns); p++) {
                char *pattern = NULL, a[4096], b[4096];
                glob_t g;
                cr_assert(asprintf(&pattern, "%s/sys/devices/system/cpu/%s", dir, patterns[p][0]) >= 0);
                if (glob(pattern, 0, NULL, &g) == 0) {
                        for (size_t i = 0; i < g.gl_pathc; i++) {
                                snprintf(a, sizeof(a), "%s/%s", g.gl_pathv[i], patterns[p][1]);
                                snprintf(b, sizeof(b), "%s/%s", g.gl_pathv[i], patterns[p][2]);
                                list_to_mask(a, b);
                                if (p != 2)
                                        continue;
                                snprintf(a, sizeof(a), "%s/size", g.gl_pathv[i]);
                                FILE *f = fopen(a, "r");
                                unsigned long long v;
                                char unit = 0;
                                if (!f)
                                        continue;
                                int n = fscanf(f, "%llu%c", &v, &unit);
                                fclose(f);
                                if (n == 2 && (unit == 'M' || unit == 'G')) {
                                        f = fopen(a, "w");
                                        cr_assert(f);
                                        fprintf(f, "%lluK\n", v << (unit == 'M' ? 10 : 20));
                                        fclose(f);
                                }
                        }
                        globfree(&g);
                }
                free(pattern);
        }
}

/* A writable copy of a recorded tree, with libvirt's git-symlink text files
 * replaced by what they point to (see test-resctrl.c). */
static char *copy_tree(const char *fixtures, const char *src, const char *name) {
        char *dst = NULL, *cmd = NULL;
        cr_assert(asprintf(&dst, "%s/%s", root, name) >= 0);
        cr_assert(asprintf(&cmd, "cp -a '%s' '%s' && chmod -R u+w '%s'", src, dst, dst) >= 0);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        free(cmd);
        static const char *const places[][2] = {
                {"sys/devices", "system"}, {"sys/devices/system", "cpu"}, {"sys/devices/system", "node"}};
        for (size_t i = 0; i < ELEMENTSOF(places); i++) {
                char path[4096], text[256] = "", target[4096], x[200], leafname[32];
                struct stat st;
                snprintf(path, sizeof(path), "%s/%s/%s", dst, places[i][0], places[i][1]);
                if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 200)
                        continue;
                FILE *f = fopen(path, "r");
                cr_assert(f);
                text[fread(text, 1, sizeof(text) - 1, f)] = '\0';
                fclose(f);
                const char *s;
                if ((s = strstr(text, "virhostcpudata/linux-")) &&
                    sscanf(s, "virhostcpudata/linux-%199[^/]/%31[a-z]", x, leafname) == 2)
                        snprintf(target, sizeof(target),
                                 "%s/libvirt/virhostcpu/%s/root/sys/devices/system/%s", fixtures, x,
                                 leafname);
                else if ((s = strstr(text, "linux-")) && sscanf(s, "linux-%199[^/]/system", x) == 1)
                        snprintf(target, sizeof(target), "%s/libvirt/vircaps2xml/%s/root/sys/devices/system",
                                 fixtures, x);
                else
                        continue;
                cr_assert(asprintf(&cmd, "rm -f '%s' && cp -a '%s' '%s' && chmod -R u+w '%s'", path, target,
                                   path, path) >= 0);
                cr_assert_eq(system(cmd), 0, "%s", cmd);
                free(cmd);
        }
        return dst;
}

/* Done when: on every sysroot at hand, the banks are lstopo's. */
Test(cache, same_banks_as_lstopo_on_fixtures, .timeout = 240) {
        TEST_REQUIRE_FIXTURES(fixtures);
        if (!have_program("lstopo-no-graphics")) {
                fprintf(stderr, "SKIP %s: lstopo-no-graphics not installed\n", __func__);
                cr_skip_test("lstopo-no-graphics not installed");
        }
        static const char *const sets[] = {"vircaps2xml", "virhostcpu"};
        int compared = 0, total = 0;
        for (size_t s = 0; s < ELEMENTSOF(sets); s++) {
                char *pattern = NULL, *list = NULL;
                cr_assert(asprintf(&pattern, "ls -1 '%s/libvirt/%s'", fixtures, sets[s]) >= 0);
                list = read_command(pattern);
                cr_assert(list);
                for (char *save = NULL, *name = strtok_r(list, "\n", &save); name;
                     name = strtok_r(NULL, "\n", &save)) {
                        char *src = NULL, *copyname = NULL;
                        struct stat st;
                        cr_assert(asprintf(&src, "%s/libvirt/%s/%s/root", fixtures, sets[s], name) >= 0);
                        cr_assert(asprintf(&copyname, "%s-%s", sets[s], name) >= 0);
                        if (stat(src, &st) == 0 && S_ISDIR(st.st_mode)) {
                                char *dst = copy_tree(fixtures, src, copyname);
                                complete_for_hwloc(dst);
                                if (n_online_in(dst) > 0) {
                                        total++;
                                        compared += compare_with_hwloc(dst, copyname);
                                }
                                test_rm_rf(dst);
                                free(dst);
                        }
                        free(src);
                        free(copyname);
                }
                free(list);
                free(pattern);
        }
        fprintf(stderr, "lstopo comparison: %d of %d recorded trees compared\n", compared, total);
        cr_assert_gt(compared, 0, "hwloc could read none of the recorded trees");
}

Test(cache, live_host_lstopo) {
        if (!have_program("lstopo-no-graphics")) {
                fprintf(stderr, "SKIP %s: lstopo-no-graphics not installed\n", __func__);
                cr_skip_test("lstopo-no-graphics not installed");
        }
        if (!compare_with_hwloc(NULL, "this host"))
                cr_skip_test("hwloc could not describe this host");
}

static hostcaps_cache_type type_from_lscpu(const char *name) {
        size_t l = strlen(name);
        return name[l - 1] == 'd'   ? HOSTCAPS_CACHE_DATA
               : name[l - 1] == 'i' ? HOSTCAPS_CACHE_INSTRUCTION
                                    : HOSTCAPS_CACHE_UNIFIED;
}

/* lscpu -C: per level and type, the size of one bank, of all banks, the ways;
 * lscpu -p: which CPUs share each cache. */
Test(cache, live_host_lscpu) {
        if (!have_program("lscpu")) {
                fprintf(stderr, "SKIP %s: lscpu not installed\n", __func__);
                cr_skip_test("lscpu not installed");
        }
        char *table = read_command("lscpu -B --caches=NAME,ONE-SIZE,ALL-SIZE,WAYS,LEVEL 2>/dev/null");
        if (!table || !strchr(table, '\n') || !strchr(strchr(table, '\n') + 1, 'L')) {
                free(table);
                fprintf(stderr, "SKIP %s: lscpu reports no caches here\n", __func__);
                cr_skip_test("lscpu reports no caches");
        }
        hostcaps_node *node;
        hostcaps_cache *c = cache_at(NULL, &node);
        int rows = 0;
        for (char *save = NULL, *line = strtok_r(strchr(table, '\n') + 1, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                char name[16];
                unsigned long long one, all;
                unsigned ways, level;
                if (sscanf(line, "%15s %llu %llu %u %u", name, &one, &all, &ways, &level) != 5)
                        continue;
                hostcaps_cache_type type = type_from_lscpu(name);
                uint64_t sum = 0, first = 0;
                unsigned w = 0, n = 0;
                for (size_t i = 0; i < hostcaps_cache_n_banks(c); i++)
                        if (hostcaps_cache_bank_level(c, i) == level &&
                            hostcaps_cache_bank_type(c, i) == type) {
                                if (n++ == 0) {
                                        first = hostcaps_cache_bank_size(c, i);
                                        w = hostcaps_cache_bank_ways(c, i);
                                }
                                sum += hostcaps_cache_bank_size(c, i);
                        }
                cr_expect_gt(n, 0, "lscpu's %s is missing", name);
                cr_expect_eq(first, one, "%s one-size", name);
                cr_expect_eq(sum, all, "%s all-size", name);
                cr_expect_eq(w, ways, "%s ways", name);
                rows++;
        }
        cr_assert_gt(rows, 0, "%s", table);
        free(table);

        /* "# CPU,,L1d,L1i,L2,L3" then "0,,0,0,0,0": lscpu's cache numbers per CPU. */
        char *p = read_command("lscpu -p=CPU,CACHE 2>/dev/null");
        cr_assert(p);
        char *names[16] = {0};
        size_t n_names = 0;
        hostcaps_bitmap *groups[16][256] = {{0}};
        for (char *save = NULL, *line = strtok_r(p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (startswith(line, "# CPU,")) {
                        for (char *s2 = NULL, *f = strtok_r(line + 2, ",:", &s2); f;
                             f = strtok_r(NULL, ",:", &s2))
                                if (strcmp(f, "CPU") && n_names < 16)
                                        names[n_names++] = f;
                        continue;
                }
                if (line[0] == '#')
                        continue;
                unsigned cpu, col = 0;
                char *s2 = NULL, *f = strtok_r(line, ",:", &s2);
                cpu = (unsigned)atoi(f);
                for (f = strtok_r(NULL, ",:", &s2); f && col < n_names;
                     f = strtok_r(NULL, ",:", &s2), col++) {
                        unsigned g = (unsigned)atoi(f);
                        if (g >= 256)
                                continue;
                        if (!groups[col][g])
                                groups[col][g] = hostcaps_bitmap_new();
                        hostcaps_bitmap_set(groups[col][g], cpu);
                }
        }
        for (size_t col = 0; col < n_names; col++) {
                unsigned level = (unsigned)atoi(names[col] + 1);
                hostcaps_cache_type type = type_from_lscpu(names[col]);
                for (unsigned g = 0; g < 256; g++) {
                        if (!groups[col][g])
                                continue;
                        char *list = hostcaps_bitmap_format(groups[col][g]);
                        bool found = false;
                        for (size_t i = 0; i < hostcaps_cache_n_banks(c); i++)
                                found |= hostcaps_cache_bank_level(c, i) == level &&
                                         hostcaps_cache_bank_type(c, i) == type &&
                                         strcmp(hostcaps_cache_bank_cpus(c, i), list) == 0;
                        cr_expect(found, "lscpu's %s #%u (CPUs %s) is not a bank here", names[col], g, list);
                        free(list);
                        hostcaps_bitmap_free(groups[col][g]);
                }
        }
        free(p);
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
}

/* ---- generated sysroots ---- */

static const unsigned gen_kib[] = {0, GEN_L1D_KIB, GEN_L2_KIB, GEN_L3_KIB};

/* hostcaps' banks against what the generator wrote: per level (and type at
 * L1) the generator's banks with online CPUs, ids as written or, without
 * id files, numbered by first CPU. */
static void check_generated(const gen_shape *s, const char *name) {
        char *dir = NULL;
        cr_assert(asprintf(&dir, "%s/%s", root, name) >= 0);
        cr_assert_eq(gen_sysroot(dir, s), 0, "%s", name);
        hostcaps_node *node = open_node(dir);
        hostcaps_cache *c = NULL;
        hostcaps_reader *r = hostcaps_node_reader(node);
        uint64_t before = hostcaps_reader_n_opened(r);
        cr_assert_eq(hostcaps_node_get_cache(node, 0, &c), 0, "%s: %s", name, hostcaps_error_message());
        uint64_t opened = hostcaps_reader_n_opened(r) - before;
        size_t n_banks = hostcaps_cache_n_banks(c);
        /* online list + the cpu directory's listing + at most one listing
         * per core + five files a bank + line size and ways of L1d, L1i, L2, L3 */
        cr_assert_leq(opened, 2 + gen_n_cores(s) + 5 * n_banks + 2 * 4, "%s: %llu files for %zu banks", name,
                      (unsigned long long)opened, n_banks);

        size_t expected = 0;
        for (unsigned level = 1; level <= 3; level++)
                for (int t = 0; t < (level == 1 ? 2 : 1); t++) {
                        hostcaps_cache_type type = level > 1 ? HOSTCAPS_CACHE_UNIFIED
                                                   : t == 0  ? HOSTCAPS_CACHE_DATA
                                                             : HOSTCAPS_CACHE_INSTRUCTION;
                        uint64_t size = (uint64_t)(level == 1 && t == 1 ? GEN_L1I_KIB : gen_kib[level]) << 10;
                        unsigned derived = 0;
                        for (unsigned k = 0; k < gen_n_cache_banks(s, level); k++) {
                                unsigned id;
                                char *cpus = NULL;
                                cr_assert_eq(gen_cache_bank(s, level, k, &id, &cpus), 0);
                                if (!*cpus) {
                                        free(cpus);
                                        continue;
                                }
                                if (s->no_cache_ids)
                                        id = derived++;
                                bool found = false;
                                for (size_t i = 0; i < n_banks && !found; i++)
                                        found = hostcaps_cache_bank_level(c, i) == level &&
                                                hostcaps_cache_bank_type(c, i) == type &&
                                                hostcaps_cache_bank_id(c, i) == id &&
                                                hostcaps_cache_bank_size(c, i) == size &&
                                                strcmp(hostcaps_cache_bank_cpus(c, i), cpus) == 0 &&
                                                hostcaps_cache_bank_id_derived(c, i) == s->no_cache_ids;
                                cr_expect(found, "%s: L%u %s id %u CPUs %s missing", name, level,
                                          hostcaps_cache_type_to_string(type), id, cpus);
                                expected++;
                                free(cpus);
                        }
                }
        cr_assert_eq(n_banks, expected, "%s: %zu banks, the generator wrote %zu", name, n_banks, expected);
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);

        char *xml = caps_of(dir, HOSTCAPS_SECTION_CACHE, HOSTCAPS_FORMAT_XML);
        if (test_have_schema())
                test_assert_valid_capabilities(xml);
        free(xml);
        assert_cache_only_reads(dir);
        if (have_program("lstopo-no-graphics"))
                cr_assert_eq(compare_with_hwloc(dir, name), 1, "%s: hwloc could not read the generated tree",
                             name);
        test_rm_rf(dir);
        free(dir);
}

Test(cache, generated_l3_per_socket) {
        gen_shape s = {
                .sockets = 2, .cores_per_cluster = 8, .threads_per_core = 2, .l3_scope = GEN_L3_PER_SOCKET};
        check_generated(&s, "l3-per-socket");
}

Test(cache, generated_l3_per_die) {
        gen_shape s = {.sockets = 2,
                       .dies_per_socket = 2,
                       .cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .l3_scope = GEN_L3_PER_DIE};
        check_generated(&s, "l3-per-die");
}

Test(cache, generated_l3_per_ccx) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 16,
                       .threads_per_core = 2,
                       .l3_scope = GEN_L3_PER_CORES,
                       .l3_cores = 4,
                       .resctrl = GEN_RESCTRL_AMD};
        check_generated(&s, "l3-per-ccx");
}

Test(cache, generated_l2_shared) {
        gen_shape s = {.sockets = 1,
                       .clusters_per_die = 2,
                       .cores_per_cluster = 4,
                       .l2_cores = 2,
                       .l3_scope = GEN_L3_PER_SOCKET};
        check_generated(&s, "l2-shared");
}

Test(cache, generated_no_ids) {
        gen_shape s = {.sockets = 2, .cores_per_cluster = 4, .threads_per_core = 2, .no_cache_ids = true};
        check_generated(&s, "no-ids");
}

Test(cache, generated_offline) {
        gen_shape s = {.sockets = 2, .cores_per_cluster = 4, .threads_per_core = 2, .offline_cpus = "3,9-11"};
        check_generated(&s, "offline");
}

Test(cache, generated_no_l3_single_thread) {
        gen_shape s = {.sockets = 1, .cores_per_cluster = 6, .l3_scope = GEN_L3_NONE, .no_cpu_lists = true};
        check_generated(&s, "no-l3");
}

/* ---- the read policy: required and optional values ---- */

typedef struct bank_view {
        unsigned id, level, line, ways;
        hostcaps_cache_type type;
        uint64_t size;
        bool derived;
        char cpus[64];
} bank_view;

static size_t view_banks(const char *dir, bank_view *v, size_t max, size_t *ret_n_unknown, char *reason,
                         size_t reason_size) {
        hostcaps_node *node;
        hostcaps_cache *c = cache_at(dir, &node);
        size_t n = hostcaps_cache_n_banks(c);
        cr_assert_leq(n, max);
        for (size_t i = 0; i < n; i++) {
                v[i] = (bank_view){
                        .id = hostcaps_cache_bank_id(c, i),
                        .level = hostcaps_cache_bank_level(c, i),
                        .line = hostcaps_cache_bank_line_size(c, i),
                        .ways = hostcaps_cache_bank_ways(c, i),
                        .type = hostcaps_cache_bank_type(c, i),
                        .size = hostcaps_cache_bank_size(c, i),
                        .derived = hostcaps_cache_bank_id_derived(c, i),
                };
                snprintf(v[i].cpus, sizeof(v[i].cpus), "%s", hostcaps_cache_bank_cpus(c, i));
        }
        *ret_n_unknown = hostcaps_cache_n_unknown(c);
        snprintf(reason, reason_size, "%s", *ret_n_unknown ? hostcaps_cache_unknown_reason(c, 0) : "");
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
        return n;
}

/* Each optional file of a leaf, removed or corrupted in turn: the section
 * is still there, and only that value (of that bank) is unknown. An id
 * unknown makes its level and type numbered as on kernels without ids
 * (ids never collide), which changes no other value. Line size and ways are
 * read from the first bank of a design (cpu0's leaves). */
Test(cache, each_optional_value_alone) {
        static const char *const files[] = {"id", "size", "coherency_line_size", "ways_of_associativity"};
        static const char *const leaves[] = {"cpu0/cache/index2", "cpu1/cache/index0", "cpu0/cache/index3"};
        bank_view base[16], got[16];
        size_t n_unknown;
        char reason[512];

        write_small_host(true);
        size_t n = view_banks(root, base, 16, &n_unknown, reason, sizeof(reason));
        cr_assert_eq(n, 7);
        cr_assert_eq(n_unknown, 0, "%s", reason);
        size_t tried = 0;
        for (size_t l = 0; l < ELEMENTSOF(leaves); l++)
                for (size_t f = 0; f < ELEMENTSOF(files); f++)
                        for (int corrupt = 0; corrupt < 2; corrupt++) {
                                char rel[128], *path = NULL, *keep = NULL;
                                snprintf(rel, sizeof(rel), "sys/devices/system/cpu/%s/%s", leaves[l],
                                         files[f]);
                                cr_assert(asprintf(&path, "%s/%s", root, rel) >= 0);
                                FILE *in = fopen(path, "r");
                                size_t cap = 0;
                                cr_assert(in && getline(&keep, &cap, in) > 0, "%s", path);
                                fclose(in);
                                if (corrupt)
                                        test_write(root, rel, "\x1b]0;x\n");
                                else
                                        cr_assert_eq(unlink(path), 0);

                                size_t m = view_banks(root, got, 16, &n_unknown, reason, sizeof(reason));
                                cr_assert_eq(m, n, "%s: %zu banks", rel, m);
                                /* cpu1's L1d line size and ways are its design's, read on cpu0:
                                 * its own files are not read. */
                                unsigned cpu = leaves[l][3] - '0',
                                         idx = leaves[l][strlen(leaves[l]) - 1] - '0';
                                bool read = f < 2 || cpu == 0;
                                /* A reason for a corrupted value, naming the file; none for absence. */
                                cr_assert_eq(n_unknown, (size_t)(corrupt && read), "%s: %zu reasons", rel,
                                             n_unknown);
                                if (corrupt && read) {
                                        cr_assert(strstr(reason, rel), "%s: reason '%s'", rel, reason);
                                        cr_assert_null(strchr(reason, '\x1b'), "%s: a control byte in '%s'",
                                                       rel, reason);
                                }
                                /* The bank of that leaf: level and CPUs as in the intact tree. */
                                unsigned lv = idx == 3 ? 3 : idx == 2 ? 2 : 1;
                                hostcaps_cache_type ty = idx == 0   ? HOSTCAPS_CACHE_DATA
                                                         : idx == 1 ? HOSTCAPS_CACHE_INSTRUCTION
                                                                    : HOSTCAPS_CACHE_UNIFIED;
                                for (size_t i = 0; i < n; i++) {
                                        bank_view exp = base[i];
                                        bool mine = read && base[i].level == lv && base[i].type == ty &&
                                                    (lv == 3 || strchr(base[i].cpus, (int)('0' + cpu)));
                                        if (mine && f == 1)
                                                exp.size = 0;
                                        if (mine && f == 2)
                                                exp.line = 0;
                                        if (mine && f == 3)
                                                exp.ways = 0;
                                        if (f == 0 && base[i].level == lv && base[i].type == ty)
                                                exp.derived = true; /* numbered: 0, 1 by first CPU here */
                                        cr_expect(
                                                got[i].id == exp.id && got[i].level == exp.level &&
                                                        got[i].type == exp.type && got[i].size == exp.size &&
                                                        got[i].line == exp.line && got[i].ways == exp.ways &&
                                                        got[i].derived == exp.derived &&
                                                        strcmp(got[i].cpus, exp.cpus) == 0,
                                                "%s %s: bank %zu is L%u id %u size %llu line %u ways %u "
                                                "derived %d cpus %s",
                                                rel, corrupt ? "corrupt" : "removed", i, got[i].level,
                                                got[i].id, (unsigned long long)got[i].size, got[i].line,
                                                got[i].ways, got[i].derived, got[i].cpus);
                                }
                                test_write(root, rel, keep);
                                free(keep);
                                free(path);
                                tried++;
                        }
        cr_assert_eq(tried, ELEMENTSOF(leaves) * ELEMENTSOF(files) * 2);
}

/* Required values: a bank cannot be told without its level, type and
 * CPUs; a malformed one fails the section, naming file and value, without
 * copying control bytes from the file into the message. */
Test(cache, required_values_and_control_bytes) {
        static const char *const files[] = {"level", "type", "shared_cpu_list"};
        static const char *const good[] = {"1\n", "Instruction\n", "1,3\n"};
        write_small_host(true);
        for (size_t f = 0; f < ELEMENTSOF(files); f++) {
                char rel[128];
                snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu1/cache/index1/%s", files[f]);
                test_write(root, rel, "\x1b]0;owned\x07\n");
                char *m = cache_error(root);
                cr_assert(strstr(m, rel), "%s", m);
                for (const char *p = m; *p; p++)
                        cr_assert((unsigned char)*p >= 0x20 && *p != 0x7f, "a control byte in '%s'", m);
                free(m);
                test_write(root, rel, good[f]);
        }
}

/* A cache size above 2^63 bytes is written as what it is in JSON, not as
 * a negative number. */
Test(cache, json_sizes_above_int64) {
        test_write(root, "sys/devices/system/cpu/online", "0\n");
        leaf(0, 0, 3, "Unified\n", "9007199254740993K\n", "0\n", "0\n");
        char *json = caps_of(root, HOSTCAPS_SECTION_CACHE, HOSTCAPS_FORMAT_JSON);
        struct json_object *doc = json_tokener_parse(json), *cache, *banks, *size;
        cr_assert(doc, "%s", json);
        cr_assert(json_object_object_get_ex(doc, "cache", &cache) &&
                  json_object_object_get_ex(cache, "banks", &banks));
        cr_assert(json_object_object_get_ex(json_object_array_get_idx(banks, 0), "size_bytes", &size));
        cr_assert_eq(json_object_get_uint64(size), UINT64_C(9223372036854776832), "%s", json);
        cr_assert_null(strstr(json, "-9223372036854"), "%s", json);
        json_object_put(doc);
        free(json);
}

/* An empty CPU set (an empty shared_cpu_list, an all-zero shared_cpu_map
 * of old ia64 kernels) is the CPU's core, as hwloc reads it. */
Test(cache, empty_shared_set_is_the_core) {
        static const want w[] = {
                {0, 2, HOSTCAPS_CACHE_UNIFIED, 1 << 20, "0,2"},
                {1, 2, HOSTCAPS_CACHE_UNIFIED, 1 << 20, "1,3"},
                {0, 3, HOSTCAPS_CACHE_UNIFIED, 8 << 20, "0,2"},
                {1, 3, HOSTCAPS_CACHE_UNIFIED, 8 << 20, "1,3"},
        };
        static const char *const core_cpus[] = {"0,2\n", "1,3\n"};
        hostcaps_node *node;
        test_write(root, "sys/devices/system/cpu/online", "0-3\n");
        for (unsigned cpu = 0; cpu < 4; cpu++) {
                char p[128];
                leaf(cpu, 0, 2, "Unified\n", "1024K\n", NULL, "\n");
                leaf(cpu, 1, 3, "Unified\n", "8192K\n", NULL, "0\n");
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/cache/index1/shared_cpu_list", cpu);
                char *full = NULL;
                cr_assert(asprintf(&full, "%s/%s", root, p) >= 0);
                unlink(full);
                free(full);
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/cache/index1/shared_cpu_map", cpu);
                test_write(root, p, "00000000,00000000\n");
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);
                test_write(root, p, core_cpus[cpu % 2]);
        }
        hostcaps_cache *c = cache_at(root, &node);
        assert_banks(c, w, ELEMENTSOF(w));
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
}

/* The recorded ia64 machine whose L2i and L3 have an all-zero
 * shared_cpu_map. Expected banks as hwloc reads the tree (lstopo --of xml
 * with HWLOC_FSROOT: 2 packages of 2 cores of 2 threads, each cache per
 * core) and as its kernel files say (sizes 16K, 16K, 256K, 1024K, 9216K; no
 * id files, so banks are numbered by first CPU). */
Test(cache, hwloc_ia64_zero_shared_map) {
        static const want w[] = {
                {0, 1, HOSTCAPS_CACHE_DATA, 16 << 10, "0-1"},
                {0, 1, HOSTCAPS_CACHE_INSTRUCTION, 16 << 10, "0-1"},
                {1, 1, HOSTCAPS_CACHE_DATA, 16 << 10, "2-3"},
                {1, 1, HOSTCAPS_CACHE_INSTRUCTION, 16 << 10, "2-3"},
                {2, 1, HOSTCAPS_CACHE_DATA, 16 << 10, "4-5"},
                {2, 1, HOSTCAPS_CACHE_INSTRUCTION, 16 << 10, "4-5"},
                {3, 1, HOSTCAPS_CACHE_DATA, 16 << 10, "6-7"},
                {3, 1, HOSTCAPS_CACHE_INSTRUCTION, 16 << 10, "6-7"},
                {0, 2, HOSTCAPS_CACHE_DATA, 256 << 10, "0-1"},
                {0, 2, HOSTCAPS_CACHE_INSTRUCTION, 1 << 20, "0-1"},
                {1, 2, HOSTCAPS_CACHE_DATA, 256 << 10, "2-3"},
                {1, 2, HOSTCAPS_CACHE_INSTRUCTION, 1 << 20, "2-3"},
                {2, 2, HOSTCAPS_CACHE_DATA, 256 << 10, "4-5"},
                {2, 2, HOSTCAPS_CACHE_INSTRUCTION, 1 << 20, "4-5"},
                {3, 2, HOSTCAPS_CACHE_DATA, 256 << 10, "6-7"},
                {3, 2, HOSTCAPS_CACHE_INSTRUCTION, 1 << 20, "6-7"},
                {0, 3, HOSTCAPS_CACHE_UNIFIED, 9 << 20, "0-1"},
                {1, 3, HOSTCAPS_CACHE_UNIFIED, 9 << 20, "2-3"},
                {2, 3, HOSTCAPS_CACHE_UNIFIED, 9 << 20, "4-5"},
                {3, 3, HOSTCAPS_CACHE_UNIFIED, 9 << 20, "6-7"},
        };
        TEST_REQUIRE_FIXTURES(fixtures);
        char *dir = NULL;
        hostcaps_node *node;
        cr_assert(asprintf(&dir, "%s/hwloc/8ia64-2s2c2t/root", fixtures) >= 0);
        hostcaps_cache *c = cache_at(dir, &node);
        assert_banks(c, w, ELEMENTSOF(w));
        cr_assert_eq(hostcaps_cache_bank_line_size(c, 16), 128);
        cr_assert_eq(hostcaps_cache_bank_ways(c, 16), 9);
        cr_assert_eq(hostcaps_cache_n_unknown(c), 0);
        hostcaps_cache_unref(c);
        hostcaps_node_unref(node);
        free(dir);
}

/* The cache section reads each recorded hwloc machine whole. */
Test(cache, hwloc_trees_read_whole) {
        static const char *const trees[] = {"8em64t-2s2ca2c", "8ia64-2s2c2t", "40intel64-2g2n4c+pci",
                                            "nvidiagpunumanodes", "offline-cpu0-node0"};
        TEST_REQUIRE_FIXTURES(fixtures);
        for (size_t i = 0; i < ELEMENTSOF(trees); i++) {
                char *dir = NULL;
                hostcaps_node *node;
                cr_assert(asprintf(&dir, "%s/hwloc/%s/root", fixtures, trees[i]) >= 0);
                hostcaps_cache *c = cache_at(dir, &node);
                cr_assert_gt(hostcaps_cache_n_banks(c), 0, "%s", trees[i]);
                hostcaps_cache_unref(c);
                hostcaps_node_unref(node);
                free(dir);
        }
}
