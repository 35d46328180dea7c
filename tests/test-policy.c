/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The read policy of the CPU, memory-state and host sections: every optional
 * file they read, broken in turn in a tree written here, makes that value
 * unknown (null in JSON, left out of XML, "unknown" in text, a reason in
 * the typed API) and nothing else; the recorded real machines read whole;
 * and the inputs issue 19 found wrong or slow in these sections. */
#include <errno.h>
#include <json-c/json.h>
#include <time.h>
#include <unistd.h>

#include "hostcaps.h"
#include "test-schema.h"
#include "test-util.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

TEST_SYSROOT_SUITE(policy, "arch=x86_64\npage_size=4096\n");

#define CPUINFO_HEAD                                                                                         \
        "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"                        \
        "model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\nstepping\t: 4\n"
#define CPUINFO_TAIL "flags\t\t: fpu vme sse sse2\n\n"

/* Two CPUs (a hybrid pair), one node with a 2 MiB pool, a UUID, power
 * management and an IOMMU group: every optional value known. */
static void write_tree(const char *dir) {
        test_write(dir, "sys/devices/system/cpu/online", "0-1\n");
        test_write(dir, "sys/devices/system/cpu/possible", "0-1\n");
        for (int c = 0; c < 2; c++) {
                char p[128], v[16];
                snprintf(v, sizeof(v), "%d\n", c);
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%d/topology/core_id", c);
                test_write(dir, p, v);
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
                test_write(dir, p, "0\n");
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
                test_write(dir, p, v);
                snprintf(p, sizeof(p), "sys/devices/system/cpu/cpu%d/topology/core_siblings_list", c);
                test_write(dir, p, "0-1\n");
        }
        test_write(dir, "sys/devices/system/cpu/cpu0/microcode/version", "0x2006e05\n");
        test_write(dir, "proc/cpuinfo",
                   CPUINFO_HEAD "address sizes\t: 46 bits physical, 48 bits virtual\n" CPUINFO_TAIL);
        test_write(dir, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "16\n");
        test_write(dir, "sys/devices/cpu_core/cpus", "0\n");
        test_write(dir, "sys/devices/cpu_atom/cpus", "1\n");
        test_write(dir, "sys/devices/system/node/online", "0\n");
        test_write(dir, "sys/devices/system/node/node0/meminfo",
                   "Node 0 MemTotal:        8388608 kB\nNode 0 MemFree:         4194304 kB\n");
        test_write(dir, "sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "16\n");
        test_write(dir, "sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages", "8\n");
        test_write(dir, "sys/class/dmi/id/product_uuid", "4C4C4544-0042-3510-8052-B4C04F4B4E32\n");
        test_write(dir, "sys/power/state", "freeze mem disk\n");
        test_write(dir, "sys/power/disk", "[platform] shutdown reboot suspend\n");
        test_write(dir, "sys/kernel/iommu_groups/0/type", "DMA\n");
}

/* rm -rf ROOT/REL, then a directory in its place when `dir`. */
static void remove_path(const char *rel, bool dir) {
        char *cmd = NULL;
        if (dir)
                cr_assert(asprintf(&cmd, "rm -rf '%s/%s' && mkdir '%s/%s'", root, rel, root, rel) >= 0);
        else
                cr_assert(asprintf(&cmd, "rm -rf '%s/%s'", root, rel) >= 0);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        free(cmd);
}

/* How a case breaks its file. */
typedef enum { EMPTY, CONTENT, DIRECTORY, SYMLINK_LOOP } breakage;

typedef struct policy_case {
        unsigned int section;
        const char *file;
        breakage how;
        const char *content;
        /* JSON values that become null ("memory.cells.0.free_kib"); a leading
         * '-' drops an array element instead (a list that loses an entry). */
        const char *json[3];
        const char *xml_gone; /* what the XML no longer has, or NULL */
        const char *text;     /* what the text shows instead */
} policy_case;

static const policy_case cases[] = {
        /* Real kernels leave the microcode file empty. */
        {HOSTCAPS_SECTION_CPU,
         "sys/devices/system/cpu/cpu0/microcode/version",
         EMPTY,
         NULL,
         {"cpu.microcode"},
         "<microcode",
         "Microcode:               unknown\n"},
        {HOSTCAPS_SECTION_CPU,
         "proc/cpuinfo",
         CONTENT,
         "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: six\nmodel\t\t: 85\n"
         "model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\nstepping\t: 4\n"
         "address sizes\t: 46 bits physical, 48 bits virtual\n" CPUINFO_TAIL,
         {"cpu.signature"},
         "<signature",
         "Signature:               unknown\n"},
        {HOSTCAPS_SECTION_CPU,
         "proc/cpuinfo",
         CONTENT,
         CPUINFO_HEAD "address sizes\t: lots of bits\n" CPUINFO_TAIL,
         {"cpu.phys_addr_bits"},
         "<maxphysaddr",
         "Physical address bits:   unknown\n"},
        {HOSTCAPS_SECTION_CPU,
         "sys/devices/cpu_atom/cpus",
         CONTENT,
         "1-x\n",
         {"cpu.core_kinds"},
         NULL,
         "Core kinds:              unknown\n"},
        {HOSTCAPS_SECTION_CPU,
         "sys/kernel/mm/hugepages",
         SYMLINK_LOOP,
         NULL,
         {"-cpu.page_sizes_kib.1"},
         "<pages unit='KiB' size='2048'/>",
         "(hugepage sizes unknown)"},
        /* Old kernels: a node meminfo with MemTotal only. */
        {HOSTCAPS_SECTION_MEMORY,
         "sys/devices/system/node/node0/meminfo",
         CONTENT,
         "Node 0 MemTotal:        8388608 kB\n",
         {"memory.cells.0.free_kib", "memory.cells.0.pages.0.free"},
         NULL,
         "GiB     unknown"},
        /* The base pages are what the pools leave: unknown with a pool's size. */
        {HOSTCAPS_SECTION_MEMORY,
         "sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages",
         EMPTY,
         NULL,
         {"memory.cells.0.pages.1.total", "-memory.cells.0.pages.0"},
         "size='2048'",
         "2M: unknown/8"},
        {HOSTCAPS_SECTION_MEMORY,
         "sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages",
         CONTENT,
         "8x\n",
         {"memory.cells.0.pages.1.free"},
         NULL,
         "2M: 16/unknown"},
        {HOSTCAPS_SECTION_MEMORY,
         "sys/devices/system/node/node0/hugepages",
         SYMLINK_LOOP,
         NULL,
         {"-memory.cells.0.pages.1", "-memory.cells.0.pages.0"},
         "size='2048'",
         NULL},
        {HOSTCAPS_SECTION_HOST,
         "sys/class/dmi/id/product_uuid",
         CONTENT,
         "not-a-uuid\n",
         {"host.uuid", "host.uuid_source"},
         "<uuid>",
         "Host UUID:               unknown\n"},
        {HOSTCAPS_SECTION_HOST,
         "sys/power/state",
         DIRECTORY,
         NULL,
         {"host.power_management"},
         "<power_management>",
         "Power management:        unknown\n"},
        {HOSTCAPS_SECTION_HOST,
         "sys/power/disk",
         DIRECTORY,
         NULL,
         {"host.power_management"},
         "<power_management>",
         "Power management:        unknown\n"},
        {HOSTCAPS_SECTION_HOST,
         "sys/kernel/iommu_groups",
         SYMLINK_LOOP,
         NULL,
         {"host.iommu"},
         "<iommu",
         "IOMMU:                   unknown\n"},
};

static void break_file(const policy_case *c) {
        switch (c->how) {
        case EMPTY:
                test_write(root, c->file, "");
                break;
        case CONTENT:
                test_write(root, c->file, c->content);
                break;
        case DIRECTORY:
                remove_path(c->file, true);
                break;
        case SYMLINK_LOOP: {
                const char *base = strrchr(c->file, '/') + 1;
                char *cmd = NULL;
                cr_assert(asprintf(&cmd, "rm -rf '%s/%s' && ln -s '%s' '%s/%s'", root, c->file, base, root,
                                   c->file) >= 0);
                cr_assert_eq(system(cmd), 0, "%s", cmd);
                free(cmd);
                break;
        }
        }
}

static char *document(unsigned int section, hostcaps_format format) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_capabilities(node, section, 0, format, &doc), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

/* Null the value at `path` (or drop the array element, '-'). */
static void json_unknown(struct json_object *j, const char *path) {
        bool drop = path[0] == '-';
        char *p = strdup(path + drop), *save = NULL, *tok, *next;
        struct json_object *parent = NULL;
        cr_assert(p);
        for (tok = strtok_r(p, ".", &save); tok; tok = next) {
                next = strtok_r(NULL, ".", &save);
                parent = j;
                if (!next)
                        break;
                if (json_object_is_type(j, json_type_array))
                        j = json_object_array_get_idx(j, (size_t)atoi(tok));
                else
                        cr_assert(json_object_object_get_ex(j, tok, &j), "no %s in %s", tok, path);
                cr_assert(j, "no %s", path);
        }
        if (drop)
                cr_assert_eq(json_object_array_del_idx(parent, (size_t)atoi(tok), 1), 0);
        else
                cr_assert_eq(json_object_object_add(parent, tok, NULL), 0);
        free(p);
}

static const char *section_name(unsigned int s) {
        return s == HOSTCAPS_SECTION_CPU ? "cpu" : s == HOSTCAPS_SECTION_MEMORY ? "memory" : "host";
}

static size_t n_unknown(unsigned int section) {
        hostcaps_node *node = NULL;
        size_t n = 0;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        if (section == HOSTCAPS_SECTION_CPU) {
                hostcaps_cpu *cpu = NULL;
                cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
                n = hostcaps_cpu_n_unknown(cpu);
                hostcaps_cpu_unref(cpu);
        } else if (section == HOSTCAPS_SECTION_MEMORY) {
                hostcaps_memory *m = NULL;
                cr_assert_eq(hostcaps_node_get_memory(node, 0, &m), 0, "%s", hostcaps_error_message());
                n = hostcaps_memory_n_unknown(m);
                hostcaps_memory_unref(m);
        } else {
                hostcaps_host *h = NULL;
                cr_assert_eq(hostcaps_node_get_host(node, 0, &h), 0, "%s", hostcaps_error_message());
                n = hostcaps_host_n_unknown(h);
                hostcaps_host_unref(h);
        }
        hostcaps_node_unref(node);
        return n;
}

Test(policy, each_optional_file_costs_only_its_value) {
        for (size_t i = 0; i < N_ELEMS(cases); i++) {
                const policy_case *c = &cases[i];
                const char *name = section_name(c->section);
                test_rm_rf(root);
                cr_assert_eq(mkdir(root, 0700), 0);
                test_write(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
                write_tree(root);
                char *json_before = document(c->section, HOSTCAPS_FORMAT_JSON);
                char *xml_before = document(c->section, HOSTCAPS_FORMAT_XML);
                cr_assert_eq(n_unknown(c->section), 0, "case %zu: the whole tree has unknown values:\n%s", i,
                             json_before);

                break_file(c);
                char *json = document(c->section, HOSTCAPS_FORMAT_JSON);
                char *xml = document(c->section, HOSTCAPS_FORMAT_XML);
                char *text = document(c->section, HOSTCAPS_FORMAT_TEXT);

                /* JSON: the document before, with those values null, is the
                 * document after without its reasons. */
                struct json_object *want = json_tokener_parse(json_before), *got = json_tokener_parse(json),
                                   *sec, *reasons;
                cr_assert(want && got);
                for (size_t k = 0; k < N_ELEMS(c->json) && c->json[k]; k++)
                        json_unknown(want, c->json[k]);
                cr_assert(json_object_object_get_ex(got, name, &sec));
                cr_assert(json_object_object_get_ex(sec, "reasons", &reasons),
                          "case %zu (%s): no reasons:\n%s", i, c->file, json);
                cr_expect_eq(json_object_array_length(reasons), 1, "%s", json);
                const char *why = json_object_get_string(json_object_array_get_idx(reasons, 0));
                cr_expect(strstr(why, c->file), "case %zu: the reason does not name %s: %s", i, c->file, why);
                json_object_object_del(sec, "reasons");
                cr_expect(json_object_equal(want, got), "case %zu (%s): more than the value changed:\n%s\n%s",
                          i, c->file, json_before, json);
                json_object_put(want);
                json_object_put(got);

                /* XML: the value left out; still valid for libvirt. */
                if (c->xml_gone) {
                        cr_expect(strstr(xml_before, c->xml_gone), "case %zu: %s", i, xml_before);
                        cr_expect_null(strstr(xml, c->xml_gone), "case %zu: %s", i, xml);
                }
                if (test_have_schema())
                        test_assert_valid_capabilities(xml);
                /* Text: "unknown" where the value was, and the reason. */
                if (c->text)
                        cr_expect(strstr(text, c->text), "case %zu: no '%s' in:\n%s", i, c->text, text);
                cr_expect(strstr(text, "Unknown values:"), "%s", text);
                cr_expect_eq(n_unknown(c->section), 1, "case %zu", i);
                free(json_before);
                free(xml_before);
                free(json);
                free(xml);
                free(text);
        }
}

/* Absence is an answer, not a problem: no reasons. */
Test(policy, absent_files_are_quiet) {
        write_tree(root);
        remove_path("sys/devices/system/cpu/cpu0/microcode", false);
        remove_path("sys/kernel/iommu_groups", false);
        remove_path("sys/power", false);
        remove_path("sys/class/dmi", false);
        remove_path("sys/devices/system/node/node0/meminfo", false);
        cr_expect_eq(n_unknown(HOSTCAPS_SECTION_CPU), 0);
        cr_expect_eq(n_unknown(HOSTCAPS_SECTION_MEMORY), 0);
        cr_expect_eq(n_unknown(HOSTCAPS_SECTION_HOST), 0);
        char *text = document(HOSTCAPS_SECTION_HOST, HOSTCAPS_FORMAT_TEXT);
        cr_expect(strstr(text, "Power management:        none\n") &&
                          strstr(text, "IOMMU:                   no\n"),
                  "%s", text);
        free(text);
}

/* ---- recorded real machines ---------------------------------------------- */

/* Every hwloc tree gives a whole document of these sections in every
 * format. The CPU section's required part (the online CPUs and their
 * topology) is read elsewhere: where that still fails, the message names
 * the file, and the memory and host sections stand alone. */
Test(policy, hwloc_trees_read_whole) {
        TEST_REQUIRE_FIXTURES(fixtures);
        static const char *const trees[] = {"128ia64-17n4s2c", "40intel64-2g2n4c+pci", "8em64t-2s2ca2c",
                                            "8ia64-2s2c2t",    "nvidiagpunumanodes",   "offline-cpu0-node0"};
        static const hostcaps_format formats[] = {HOSTCAPS_FORMAT_XML, HOSTCAPS_FORMAT_JSON,
                                                  HOSTCAPS_FORMAT_TEXT};
        unsigned whole = 0;
        for (size_t t = 0; t < N_ELEMS(trees); t++) {
                char *path = NULL;
                hostcaps_node *node = NULL;
                cr_assert(asprintf(&path, "%s/hwloc/%s/root", fixtures, trees[t]) >= 0);
                cr_assert_eq(hostcaps_node_open(&node, path, 0), 0, "%s: %s", trees[t],
                             hostcaps_error_message());
                for (size_t f = 0; f < N_ELEMS(formats); f++) {
                        char *doc = NULL;
                        int r = hostcaps_node_get_capabilities(
                                node, HOSTCAPS_SECTION_MEMORY | HOSTCAPS_SECTION_HOST, 0, formats[f], &doc);
                        cr_expect_eq(r, 0, "%s: %s", trees[t], hostcaps_error_message());
                        free(doc);
                        doc = NULL;
                        r = hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, formats[f], &doc);
                        if (r < 0)
                                cr_expect(strstr(hostcaps_error_message(), "cpu0/online"),
                                          "%s: the CPU section fails on its own values: %s", trees[t],
                                          hostcaps_error_message());
                        else
                                whole++;
                        free(doc);
                }
                hostcaps_node_unref(node);
                free(path);
        }
        /* 40intel64's empty microcode file no longer stops the section. */
        cr_expect_geq(whole, 3 * (N_ELEMS(trees) - 1), "%u whole CPU documents", whole);
}

/* ---- issue 19 ------------------------------------------------------------- */

/* u64 values above 2^63 stay positive in JSON. */
Test(policy, u64_values_stay_positive) {
        write_tree(root);
        test_write(root, "sys/devices/system/cpu/cpu0/microcode/version", "0xffffffffffffffff\n");
        test_write(root, "sys/devices/system/node/node0/meminfo",
                   "Node 0 MemTotal: 18446744073709551615 kB\nNode 0 MemFree: 9223372036854775808 kB\n");
        char *doc = document(HOSTCAPS_SECTION_CPU | HOSTCAPS_SECTION_MEMORY, HOSTCAPS_FORMAT_JSON);
        cr_expect(strstr(doc, "\"microcode\": 18446744073709551615"), "%s", doc);
        cr_expect(strstr(doc, "\"total_kib\": 18446744073709551615"), "%s", doc);
        cr_expect(strstr(doc, "\"free_kib\": 9223372036854775808"), "%s", doc);
        cr_expect_null(strstr(doc, ": -"), "%s", doc);
        free(doc);
}

/* hugepages-02048kB beside hugepages-2048kB: 2048 KiB once in the CPU's
 * page sizes, as in the memory state. */
Test(policy, page_size_once) {
        write_tree(root);
        test_write(root, "sys/kernel/mm/hugepages/hugepages-02048kB/nr_hugepages", "0\n");
        char *xml = document(HOSTCAPS_SECTION_CPU, HOSTCAPS_FORMAT_XML);
        const char *at = strstr(xml, "size='2048'");
        cr_expect(at && !strstr(at + 1, "size='2048'"), "%s", xml);
        /* What is printed loads back. */
        hostcaps_node *loaded = NULL;
        cr_expect_eq(hostcaps_node_open_document_data(&loaded, xml, strlen(xml), 0), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(loaded);
        free(xml);
}

/* A recorded arch is the CPU section's arch whole, as the document's: the
 * longest name accepted (31 characters) is never cut, a longer one is
 * refused when the root is opened, not cut later. */
Test(policy, long_arch_whole) {
        static const char arch[] = "an_architecture_name_of_31_char";
        char meta[256];
        _Static_assert(sizeof(arch) == 32, "31 characters");
        write_tree(root);
        snprintf(meta, sizeof(meta), "arch=%s\npage_size=4096\n", arch);
        test_write(root, "hostcaps-snapshot.txt", meta);
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        cr_expect_str_eq(hostcaps_cpu_arch(cpu), arch);
        cr_expect_str_eq(hostcaps_node_arch(node), arch);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        node = NULL;
        test_write(root, "hostcaps-snapshot.txt", "arch=an_architecture_name_longer_than_31\n");
        cr_assert_eq(hostcaps_node_open(&node, root, 0), -EINVAL);
        cr_assert(strstr(hostcaps_error_message(), "invalid arch"), "%s", hostcaps_error_message());
}

/* A document of `n` <feature> or <pages> between `head` and `tail`: names
 * or sizes 1..n/2, each twice. */
static char *big_document(const char *head, bool pages, size_t n, const char *tail) {
        size_t size = strlen(head) + strlen(tail) + n * 64 + 1, len = 0;
        char *s = malloc(size);
        cr_assert(s);
        len += (size_t)snprintf(s + len, size - len, "%s", head);
        for (size_t i = 0; i < n; i++)
                len += (size_t)(pages ? snprintf(s + len, size - len,
                                                 "<pages unit='KiB' size='%zu'>1</pages>", i % (n / 2) + 1)
                                      : snprintf(s + len, size - len, "<feature name='f%zu'/>",
                                                 i % (n / 2) + 1));
        snprintf(s + len, size - len, "%s", tail);
        return s;
}

/* 100 000 <feature> took 27-43 s through --from (one search per
 * feature); these 300 000 (each name twice) would take minutes. Not a timed
 * test: the size is what matters. */
Test(policy, many_features_load) {
        const size_t n = 300000;
        char *doc = big_document("<capabilities><host><cpu><arch>x86_64</arch><model>Skylake-Client</model>",
                                 false, n, "</cpu></host></capabilities>");
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        time_t t0 = time(NULL);
        cr_assert_eq(hostcaps_node_open_document_data(&node, doc, strlen(doc), 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        cr_expect_eq(hostcaps_cpu_n_features(cpu), n / 2);
        /* The first place of each name, in document order. */
        cr_expect_str_eq(hostcaps_cpu_feature(cpu, 0), "f1");
        cr_expect_str_eq(hostcaps_cpu_feature(cpu, n / 2 - 1), "f150000");
        cr_expect(hostcaps_cpu_has_feature(cpu, "f123"));
        fprintf(stderr, "FIGURES policy: %zu <feature> loaded in about %lld s\n", n,
                (long long)(time(NULL) - t0));
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        free(doc);
}

/* 50 000 <pages> in one cell took 8 s (a repeated size was looked for
 * among every size before); these 200 000 would take minutes. */
Test(policy, many_pages_load) {
        const size_t n = 200000;
        char *doc = big_document("<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells num='1'>"
                                 "<cell id='0'><memory unit='KiB'>8388608</memory>",
                                 true, n, "</cell></cells></topology></host></capabilities>");
        hostcaps_node *node = NULL;
        hostcaps_memory *mem = NULL;
        /* Each size twice: the document is refused, naming the repeated size. */
        cr_expect_lt(hostcaps_node_open_document_data(&node, doc, strlen(doc), 0), 0);
        cr_expect(strstr(hostcaps_error_message(), "<pages> of size 1 KiB again"), "%s",
                  hostcaps_error_message());
        cr_expect_null(node);
        free(doc);

        /* Each once (sizes 1..n KiB, descending in the document): loaded, ascending. */
        size_t size = n * 48 + 512, len = 0;
        doc = malloc(size);
        cr_assert(doc);
        len += (size_t)snprintf(doc + len, size - len,
                                "<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells num='1'>"
                                "<cell id='0'><memory unit='KiB'>8388608</memory>");
        for (size_t i = n; i > 0; i--)
                len += (size_t)snprintf(doc + len, size - len, "<pages unit='KiB' size='%zu'>1</pages>", i);
        snprintf(doc + len, size - len, "</cell></cells></topology></host></capabilities>");
        node = NULL;
        cr_assert_eq(hostcaps_node_open_document_data(&node, doc, strlen(doc), 0), 0, "%s",
                     hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_memory(node, 0, &mem), 0, "%s", hostcaps_error_message());
        /* The smallest size (1 KiB) is the base page; the rest are pools. */
        cr_expect_eq(hostcaps_memory_cell_n_hugepage_sizes(mem, 0), n - 1);
        uint64_t a = 0, b = 0;
        cr_expect_eq(hostcaps_memory_cell_hugepages(mem, 0, 0, &a, NULL, NULL), 0);
        cr_expect_eq(hostcaps_memory_cell_hugepages(mem, 0, n - 2, &b, NULL, NULL), 0);
        cr_expect(a == 2 && b == n, "%llu %llu", (unsigned long long)a, (unsigned long long)b);
        hostcaps_memory_unref(mem);
        hostcaps_node_unref(node);
        free(doc);
}
