/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CPU section: the built-in x86 feature table against libvirt's map,
 * libvirt's and libcpuid's recorded CPUs, hand-written sysfs trees for the
 * topology counts, page sizes and hybrid kinds, the live host against lscpu,
 * and broken inputs. */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/cpumap.h"
#include "cpu/cpumap-internal.h"
#include "cpu/x86.h"
#include "host/error.h"
#include "host/node.h"
#include "host/parse.h"
#include "host/reader.h"
#include "hostcaps.h"
#include "test-util.h"

#define LIBVIRT_MAP_DIR "/usr/share/libvirt/cpu_map"

/* ---- helpers ------------------------------------------------------------ */

static char *strip(char *s) {
        size_t l = strlen(s);
        while (l && isspace((unsigned char)s[l - 1]))
                s[--l] = '\0';
        while (isspace((unsigned char)*s))
                s++;
        return s;
}

/* The subdirectories of `dir`, sorted; NULL-terminated. */
static char **subdirs(const char *dir) {
        struct dirent **list = NULL;
        int n = scandir(dir, &list, NULL, alphasort);
        char **v = calloc((size_t)(n > 0 ? n : 0) + 1, sizeof(char *));
        size_t k = 0;
        cr_assert(v);
        for (int i = 0; i < n; i++) {
                if (list[i]->d_name[0] != '.' && list[i]->d_type == DT_DIR)
                        v[k++] = strdup(list[i]->d_name);
                free(list[i]);
        }
        free(list);
        return v;
}

static void strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

static hostcaps_node *open_root(const char *root) {
        hostcaps_node *node = NULL;
        int r = hostcaps_node_open(&node, root, 0);
        cr_assert_eq(r, 0, "open %s: %s", root, hostcaps_error_message());
        return node;
}

static hostcaps_cpu *get_cpu(hostcaps_node *node) {
        hostcaps_cpu *cpu = NULL;
        int r = hostcaps_node_get_cpu(node, 0, &cpu);
        cr_assert_eq(r, 0, "CPU section of %s: %s", hostcaps_node_root(node), hostcaps_error_message());
        return cpu;
}

/* The smallest sysroot an x86 CPUID dump needs: one online CPU. */
static char *mini_x86_root(void) {
        char *root = test_mkdtemp();
        cr_assert(root);
        test_write(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        test_write(root, "sys/devices/system/cpu/online", "0\n");
        test_write(root, "sys/devices/system/cpu/possible", "0\n");
        test_write(root, "sys/devices/system/cpu/cpu0/topology/package_cpus_list", "0\n");
        test_write(root, "sys/devices/system/cpu/cpu0/topology/core_cpus_list", "0\n");
        return root;
}

/* The libvirt version whose map is installed (major * 1000 + minor), or 0.
 * The map carries no version of its own: Debian's package does. */
static int installed_libvirt_version(void) {
        static int v = -1;
        if (v >= 0)
                return v;
        v = 0;
        FILE *p = popen("dpkg-query -W -f '${Version}' libvirt0 2>/dev/null", "r");
        if (p) {
                unsigned maj, min;
                if (fscanf(p, "%u.%u", &maj, &min) == 2)
                        v = (int)(maj * 1000 + min);
                pclose(p);
        }
        if (v == 0) {
                /* Elsewhere the library's file name tells: libvirt.so.0.9000.0. */
                glob_t g;
                if (glob("/usr/lib*/{,*/}libvirt.so.0.*.*", GLOB_BRACE, NULL, &g) == 0) {
                        unsigned n;
                        const char *s = strstr(g.gl_pathv[0], "libvirt.so.0.");
                        if (s && sscanf(s, "libvirt.so.0.%u", &n) == 1)
                                v = (int)n; /* major * 1000 + minor already */
                        globfree(&g);
                }
        }
        return v;
}

static bool map_installed(void) {
        return access(LIBVIRT_MAP_DIR "/x86_features.xml", R_OK) == 0;
}

#define REQUIRE_MAP()                                                                                        \
        if (!map_installed()) {                                                                              \
                fprintf(stderr, "SKIP %s: libvirt's cpu_map is not installed (" LIBVIRT_MAP_DIR ")\n",       \
                        __func__);                                                                           \
                cr_skip_test("libvirt's cpu_map is not installed");                                          \
        }

/* The features of a dump decoded with a table, in the table's order. */
static char **decode(const hostcaps_cpuid *c, const hostcaps_x86_feature *t, size_t n) {
        char **v = calloc(n + 1, sizeof(char *));
        size_t k = 0;
        cr_assert(v);
        for (size_t i = 0; i < n; i++)
                if (hostcaps_x86_feature_present(c, &t[i]))
                        v[k++] = strdup(t[i].name);
        return v;
}

static hostcaps_cpuid *load_dump(const char *path) {
        hostcaps_reader *r = NULL;
        hostcaps_cpuid *c = NULL;
        cr_assert_eq(hostcaps_reader_new(&r, "/"), 0);
        int e = hostcaps_cpuid_load(r, path, &c);
        hostcaps_reader_free(r);
        cr_assert_eq(e, 0, "%s: %s", path, hostcaps_error_message());
        return c;
}

static char *strv_join(char **v) {
        char *s = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&s, &len);
        for (size_t i = 0; v && v[i]; i++)
                fprintf(m, "%s%s", i ? " " : "", v[i]);
        fclose(m);
        return s;
}

/* The x86 features of the map in `dir`, read by the parser the section
 * uses, as a table of one condition each (libvirt's features have one; the
 * names point into the map, freed with it). */
static hostcaps_x86_feature *map_features(const char *dir, hostcaps_cpumap **ret_map, size_t *ret_n) {
        cr_assert_eq(hostcaps_cpumap_load(dir, ret_map), 0, "%s", hostcaps_error_message());
        size_t n = hostcaps_cpumap_x86_n_features(*ret_map);
        hostcaps_x86_feature *t = calloc(n + 1, sizeof(*t));
        cr_assert(t);
        for (size_t i = 0; i < n; i++) {
                const hostcaps_x86_feature *items;
                size_t n_items;
                const char *name = hostcaps_cpumap_x86_feature(*ret_map, i, &items, &n_items);
                cr_assert(name && n_items == 1, "feature %zu: %zu conditions", i, n_items);
                t[i] = items[0];
        }
        *ret_n = n;
        return t;
}

/* hostcaps_cpumap_x86_decode() of a dump, identity decoded as the section
 * decodes it. */
static int decode_with_map(const hostcaps_cpumap *map, const hostcaps_cpuid *c, hostcaps_cpumap_x86 *r) {
        hostcaps_x86_identity id;
        hostcaps_x86_identify(c, &id);
        return hostcaps_cpumap_x86_decode(map, c, &id, r);
}

/* ---- the built-in feature table ------------------------------------------ */

/* Entry for entry, the built-in table is libvirt's map: the same names in
 * the same order (libvirt's print order) with the same bits. The expected
 * table is libvirt 9.0's; a newer map knows more features, which the
 * comparison then lists as missing from the built-in table. */
Test(builtin, same_table_as_installed_map) {
        REQUIRE_MAP();
        hostcaps_cpumap *cpumap = NULL;
        size_t n = 0;
        hostcaps_x86_feature *map = map_features(LIBVIRT_MAP_DIR, &cpumap, &n);
        int ver = installed_libvirt_version();
        if (ver != 9000) {
                size_t missing = 0;
                for (size_t i = 0; i < n; i++) {
                        bool found = false;
                        for (size_t j = 0; j < hostcaps_x86_n_builtin_features && !found; j++)
                                found = strcmp(map[i].name, hostcaps_x86_builtin_features[j].name) == 0;
                        if (!found)
                                fprintf(stderr,
                                        "note: map feature '%s' is not in the built-in table (libvirt "
                                        "%d.%d)\n",
                                        map[i].name, ver / 1000, ver % 1000);
                        missing += !found;
                }
                free(map);
                hostcaps_cpumap_free(cpumap);
                fprintf(stderr,
                        "SKIP %s: the installed map is not libvirt 9.0's (%zu features not built in)\n",
                        __func__, missing);
                cr_skip_test("installed cpu_map is not libvirt 9.0's");
        }
        cr_assert_eq(n, hostcaps_x86_n_builtin_features, "map has %zu features, built-in %zu", n,
                     hostcaps_x86_n_builtin_features);
        for (size_t i = 0; i < n; i++) {
                const hostcaps_x86_feature *b = &hostcaps_x86_builtin_features[i], *m = &map[i];
                cr_expect_str_eq(b->name, m->name, "entry %zu", i);
                cr_expect_eq(b->msr_index, m->msr_index, "%s: MSR", m->name);
                if (!m->msr_index) {
                        cr_expect_eq(b->leaf, m->leaf, "%s: leaf", m->name);
                        cr_expect_eq(b->subleaf, m->subleaf, "%s: subleaf", m->name);
                }
                for (int k = 0; k < 4; k++)
                        cr_expect_eq(b->mask[k], m->mask[k], "%s: register %d mask %#x vs %#x", m->name, k,
                                     b->mask[k], m->mask[k]);
        }
        free(map);
        hostcaps_cpumap_free(cpumap);
}

/* Every libvirt cputest dump decodes to the same features with the built-in
 * table as with the installed map, in the same order. */
Test(builtin, decodes_like_installed_map) {
        TEST_REQUIRE_FIXTURES(fx);
        REQUIRE_MAP();
        hostcaps_cpumap *cpumap = NULL;
        size_t n = 0, cases = 0;
        char dir[4096];
        hostcaps_x86_feature *map = map_features(LIBVIRT_MAP_DIR, &cpumap, &n);
        test_pathf(dir, sizeof(dir), "%s/libvirt/cputest", fx);
        char **names = subdirs(dir);
        for (size_t i = 0; names[i]; i++, cases++) {
                char path[4096];
                test_pathf(path, sizeof(path), "%s/%s/cpuid.xml", dir, names[i]);
                hostcaps_cpuid *c = load_dump(path);
                char **a = decode(c, hostcaps_x86_builtin_features, hostcaps_x86_n_builtin_features);
                char **b = decode(c, map, n);
                char *sa = strv_join(a), *sb = strv_join(b);
                /* With a newer map than the built-in table knows, features
                 * only the map has are left out of the comparison. */
                if (installed_libvirt_version() == 9000)
                        cr_expect_str_eq(sa, sb, "%s:\n builtin: %s\n map:     %s", names[i], sa, sb);
                else
                        for (size_t k = 0; a[k]; k++) {
                                bool found = false;
                                for (size_t j = 0; b[j] && !found; j++)
                                        found = strcmp(a[k], b[j]) == 0;
                                cr_expect(found, "%s: built-in decodes '%s', the map does not", names[i],
                                          a[k]);
                        }
                free(sa);
                free(sb);
                strv_free(a);
                strv_free(b);
                hostcaps_cpuid_free(c);
        }
        cr_assert_gt(cases, 0, "no cputest cases in %s", dir);
        strv_free(names);
        free(map);
        hostcaps_cpumap_free(cpumap);
}

/* With the map directory pointing at an empty directory, the section falls
 * back to the built-in table, and its features are those the installed map
 * decodes. The map is loaded once per process: the variable is set before
 * the first probe (Criterion runs each test in a process of its own). */
Test(builtin, section_without_map) {
        TEST_REQUIRE_FIXTURES(fx);
        char *empty = test_mkdtemp(), *root = mini_x86_root();
        char dir[4096];
        cr_assert(empty);
        setenv("HOSTCAPS_CPU_MAP_DIR", empty, 1);
        hostcaps_x86_feature *map = NULL;
        hostcaps_cpumap *cpumap = NULL;
        size_t n = 0;
        bool have_map = map_installed();
        if (have_map)
                map = map_features(LIBVIRT_MAP_DIR, &cpumap, &n);
        test_pathf(dir, sizeof(dir), "%s/libvirt/cputest", fx);
        char **names = subdirs(dir);
        for (size_t i = 0; names[i]; i++) {
                char path[4096];
                test_pathf(path, sizeof(path), "%s/%s/cpuid.xml", dir, names[i]);
                hostcaps_node *node = open_root(root);
                cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
                hostcaps_cpu *cpu = get_cpu(node);
                cr_assert_str_eq(hostcaps_cpu_feature_source(cpu), "builtin");
                cr_assert_null(hostcaps_cpu_model(cpu));
                cr_assert(hostcaps_cpu_model_reason(cpu) &&
                                  strstr(hostcaps_cpu_model_reason(cpu), "not installed"),
                          "reason: %s", hostcaps_cpu_model_reason(cpu));
                cr_assert_eq(hostcaps_cpu_n_all_features(cpu), hostcaps_cpu_n_features(cpu));
                if (have_map && installed_libvirt_version() == 9000) {
                        hostcaps_cpuid *c = load_dump(path);
                        char **want = decode(c, map, n);
                        size_t k = 0;
                        for (; want[k]; k++)
                                cr_expect_str_eq(hostcaps_cpu_feature(cpu, k) ? hostcaps_cpu_feature(cpu, k)
                                                                              : "(none)",
                                                 want[k], "%s: feature %zu", names[i], k);
                        cr_expect_eq(hostcaps_cpu_n_features(cpu), k, "%s", names[i]);
                        strv_free(want);
                        hostcaps_cpuid_free(c);
                } else
                        cr_expect_gt(hostcaps_cpu_n_features(cpu), 10);
                hostcaps_cpu_unref(cpu);
                hostcaps_node_unref(node);
        }
        if (!have_map)
                fprintf(stderr, "note: %s: no installed map to compare the built-in decoding with\n",
                        __func__);
        strv_free(names);
        free(map);
        hostcaps_cpumap_free(cpumap);
        test_rm_rf(root);
        test_rm_rf(empty);
        free(root);
        free(empty);
}

/* ---- libvirt's virhostcpu cases ----------------------------------------- */

/* "CPUs: 6/8, MHz: 1596, Nodes: 1, Sockets: 1, Cores: 4, Threads: 2" */
typedef struct nodeinfo {
        unsigned online, total, mhz, nodes, sockets, cores, threads;
} nodeinfo;

static bool parse_nodeinfo(const char *path, nodeinfo *ni) {
        char *s = test_read_file(path);
        bool ok = s && sscanf(s, "CPUs: %u/%u, MHz: %u, Nodes: %u, Sockets: %u, Cores: %u, Threads: %u",
                              &ni->online, &ni->total, &ni->mhz, &ni->nodes, &ni->sockets, &ni->cores,
                              &ni->threads) == 7;
        free(s);
        return ok;
}

/* What each case checks, and where hostcaps' true counts differ from
 * libvirt's, why. libvirt's nodeinfo counts sockets and cores per NUMA node
 * (its "Sockets" and "Cores" are those of one node), and when
 * nodes*sockets*cores*threads does not come out as the CPU count it falls
 * back to nodes=1, sockets=1, cores=CPUs, threads=1 ("flattened" below), so
 * its sockets and cores are not comparable with hostcaps' host-wide counts.
 * What is comparable:
 * - the online and possible (present) CPU counts, except on POWER KVM hosts,
 *   where libvirt counts the offline secondary threads of an online core as
 *   online (the guests use them) and hostcaps reports what the kernel has
 *   online;
 * - threads per core, where libvirt did not flatten;
 * - sockets*dies*clusters*cores*threads against libvirt's
 *   nodes*sockets*cores*threads: both the CPUs a uniform topology holds.
 * Beside that, each case states hostcaps' own counts. */
typedef struct hostcpu_case {
        const char *name;
        bool arch;    /* the tree tells its arch (a non-empty proc/cpuinfo) */
        bool cpus;    /* online and possible comparable */
        bool threads; /* threads per core comparable */
        bool product; /* CPUs of the topology comparable */
        unsigned sockets, dies, clusters, cores, threads_per_core; /* ours */
} hostcpu_case;

static const hostcpu_case hostcpu_cases[] = {
        /* POWER8, secondary threads offline (a KVM host), cores
         * deconfigured: 10 of 80 CPUs online. libvirt counts 80 online and
         * flattens; hostcaps groups the online CPUs by core_siblings_list
         * (4 chips of up to 3 cores). */
        {"deconf-cpus", true, false, false, false, 4, 1, 1, 3, 1},
        /* X-Gene Mustang: the old kernel reports each core pair as a
         * package; both say 4 sockets of 2 cores. */
        {"f21-mustang", true, true, true, true, 4, 1, 1, 2, 1},
        /* cpu8-11 list 8-15 as their package although cpu12-15 have another
         * physical_package_id: hostcaps follows the lists (3 packages),
         * libvirt the ids (4, over 2 nodes); both see 16 CPUs of 2 threads. */
        {"high-ids", true, true, true, false, 3, 1, 1, 4, 2},
        {"raspberrypi", true, true, true, true, 1, 1, 1, 1, 1},
        {"rhel74-moonshot", true, true, true, true, 1, 1, 1, 8, 1},
        /* Its proc/cpuinfo is empty: nothing in the tree says aarch64. */
        {"rhelsa-3.19.0-mustang", false, true, true, true, 1, 1, 1, 8, 1},
        /* POWER8 with subcores: libvirt multiplies threads by
         * threads_per_subcore (8, from KVM) and counts offline secondary
         * threads as online; hostcaps reports the kernel's online CPUs. */
        {"subcores1", true, false, false, false, 4, 1, 1, 5, 1},
        {"subcores2", true, false, false, false, 4, 1, 1, 5, 1},
        {"subcores3", true, false, false, false, 4, 1, 1, 5, 8},
        /* cpu1's thread_siblings_list is "0" (hand-edited): cpu1 is added to
         * its own group, libvirt counts one sibling too. */
        {"test1", true, true, true, true, 1, 1, 1, 2, 1},
        {"test2", true, true, true, true, 1, 1, 1, 2, 1},
        /* Opteron 6172 (Magny-Cours), 4 packages of 2 dies of 6 cores, only
         * physical_package_id and core_id recorded: core ids repeat per die,
         * so without sibling lists every CPU is its own core: 4 x 12.
         * libvirt prints one of the 8 nodes (1 socket, 6 cores). */
        {"test3", true, true, true, true, 4, 1, 1, 12, 1},
        {"test4", true, true, true, true, 2, 1, 1, 8, 1},
        {"test5", true, true, true, true, 1, 1, 1, 4, 1},
        /* 2 of 8 CPUs offline: the counts describe the 8 CPUs, 6 online. */
        {"test6", true, true, true, false, 1, 1, 1, 4, 2},
        /* Opteron 6174: 2 packages x 12 cores; libvirt flattens to 1 x 24 x 1. */
        {"test7", true, true, true, true, 2, 1, 1, 12, 1},
        /* Opteron 6282 SE: 4 packages of 8 modules, the kernel lists a
         * module's two cores as thread siblings; libvirt flattens (1 x 64 x 1). */
        {"test8", true, true, false, true, 4, 1, 1, 8, 2},
        /* A trimmed recording: online says 0-223, cpu0-7 only have a
         * directory. Only those are counted (libvirt counts 8 too):
         * 2 packages of 2 clusters of 1 core of 2 threads. */
        {"with-clusters", true, true, true, false, 2, 1, 2, 1, 2},
        /* 2 packages x 3 dies x 2 cores; libvirt flattens (1 x 12 x 1). */
        {"with-die", true, true, true, true, 2, 3, 1, 2, 1},
        /* s390x with SMT: 4 cores of 2 threads; libvirt counts every CPU as a
         * core on s390, gets 16 CPUs and flattens (1 x 8 x 1). */
        {"with-frequency", true, true, false, true, 1, 1, 1, 4, 2},
};

static const hostcpu_case *find_hostcpu_case(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(hostcpu_cases); i++)
                if (strcmp(hostcpu_cases[i].name, name) == 0)
                        return &hostcpu_cases[i];
        return NULL;
}

/* x86: "vendor_id, model name, family: F, model: M, stepping: S".
 * ppc64: "cpu, rev revision". s390x: "vendor_id, processor 0, facilities: ...". */
static void check_signature_line(const char *name, const char *arch, const char *line, hostcaps_cpu *cpu) {
        char *want = NULL;
        unsigned fam, mod, step;
        if (strcmp(arch, "x86_64") == 0) {
                cr_assert(hostcaps_cpu_signature(cpu, &fam, &mod, &step), "%s: no signature", name);
                cr_assert(asprintf(&want, "%s, %s, family: %u, model: %u, stepping: %u",
                                   hostcaps_cpu_vendor_id(cpu), hostcaps_cpu_brand(cpu), fam, mod, step) > 0);
                cr_expect_str_eq(want, line, "%s", name);
        } else if (strcmp(arch, "ppc64") == 0) {
                cr_assert_not_null(hostcaps_cpu_brand(cpu), "%s", name);
                cr_assert_str_eq(hostcaps_cpu_vendor(cpu), "IBM");
                cr_assert(asprintf(&want, "%s, rev ", hostcaps_cpu_brand(cpu)) > 0);
                cr_expect(strncmp(line, want, strlen(want)) == 0, "%s: '%s' does not start with '%s'", name,
                          line, want);
        } else if (strcmp(arch, "s390x") == 0) {
                cr_assert_str_eq(hostcaps_cpu_vendor(cpu), "IBM");
                cr_assert(asprintf(&want, "%s, ", hostcaps_cpu_vendor_id(cpu)) > 0);
                cr_expect(strncmp(line, want, strlen(want)) == 0, "%s: '%s'", name, line);
                free(want);
                cr_assert(asprintf(&want, "machine = %s,", hostcaps_cpu_brand(cpu)) > 0);
                cr_expect(strstr(line, want), "%s: '%s' lacks '%s'", name, line, want);
        }
        free(want);
}

Test(virhostcpu, cases) {
        TEST_REQUIRE_FIXTURES(fx);
        char dir[4096];
        size_t n = 0;
        test_pathf(dir, sizeof(dir), "%s/libvirt/virhostcpu", fx);
        char **names = subdirs(dir);
        for (size_t i = 0; names[i]; i++, n++) {
                char path[4096], *arch, *sig = NULL;
                const hostcpu_case *tc = find_hostcpu_case(names[i]);
                nodeinfo ni;
                cr_assert_not_null(tc, "virhostcpu case %s is not in the table", names[i]);

                test_pathf(path, sizeof(path), "%s/%s/arch", dir, names[i]);
                char *arch_file = test_read_file(path);
                cr_assert(arch_file, "%s", path);
                arch = strip(arch_file);
                test_pathf(path, sizeof(path), "%s/%s/expected-nodeinfo.txt", dir, names[i]);
                cr_assert(parse_nodeinfo(path, &ni), "%s: unexpected format", path);
                test_pathf(path, sizeof(path), "%s/%s/expected-signature.txt", dir, names[i]);
                char *sig_file = test_read_file(path);
                if (sig_file)
                        sig = strip(sig_file);

                test_pathf(path, sizeof(path), "%s/%s/root", dir, names[i]);
                hostcaps_node *node = open_root(path);
                if (tc->arch)
                        cr_expect_str_eq(hostcaps_node_arch(node), arch, "%s: arch", names[i]);
                hostcaps_cpu *cpu = get_cpu(node);
                hostcaps_cpu_topology t;
                hostcaps_cpu_topology_get(cpu, &t);

                if (tc->cpus) {
                        cr_expect_eq(t.online_cpus, ni.online, "%s: online %u, libvirt %u", names[i],
                                     t.online_cpus, ni.online);
                        cr_expect_eq(t.possible_cpus, ni.total, "%s: possible %u, libvirt %u", names[i],
                                     t.possible_cpus, ni.total);
                }
                if (tc->threads)
                        cr_expect_eq(t.threads, ni.threads, "%s: threads %u, libvirt %u", names[i], t.threads,
                                     ni.threads);
                if (tc->product)
                        cr_expect_eq(t.sockets * t.dies * t.clusters * t.cores * t.threads,
                                     ni.nodes * ni.sockets * ni.cores * ni.threads,
                                     "%s: %u*%u*%u*%u*%u vs libvirt %u*%u*%u*%u", names[i], t.sockets, t.dies,
                                     t.clusters, t.cores, t.threads, ni.nodes, ni.sockets, ni.cores,
                                     ni.threads);
                cr_expect_eq(t.sockets, tc->sockets, "%s: sockets %u", names[i], t.sockets);
                cr_expect_eq(t.dies, tc->dies, "%s: dies %u", names[i], t.dies);
                cr_expect_eq(t.clusters, tc->clusters, "%s: clusters %u", names[i], t.clusters);
                cr_expect_eq(t.cores, tc->cores, "%s: cores %u", names[i], t.cores);
                cr_expect_eq(t.threads, tc->threads_per_core, "%s: threads %u", names[i], t.threads);
                if (sig)
                        check_signature_line(names[i], arch, sig, cpu);

                hostcaps_cpu_unref(cpu);
                hostcaps_node_unref(node);
                free(arch_file);
                free(sig_file);
        }
        cr_assert_gt(n, 0);
        strv_free(names);
}

/* ---- libvirt's cputest dumps ---------------------------------------------- */

typedef struct expected_host {
        char *model, *vendor;
        unsigned family, model_number, stepping;
        bool has_signature;
        char **features;
        size_t n_features;
} expected_host;

static char *prop(xmlNodePtr n, const char *name) {
        xmlChar *v = xmlGetProp(n, BAD_CAST name);
        char *s = v ? strdup((const char *)v) : NULL;
        xmlFree(v);
        return s;
}

static void parse_expected_host(const char *path, expected_host *e) {
        memset(e, 0, sizeof(*e));
        xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
        cr_assert(doc, "%s: not XML", path);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        e->features = calloc(256, sizeof(char *));
        for (xmlNodePtr n = root->children; n; n = n->next) {
                if (n->type != XML_ELEMENT_NODE)
                        continue;
                if (xmlStrEqual(n->name, BAD_CAST "model")) {
                        xmlChar *c = xmlNodeGetContent(n);
                        e->model = strdup((const char *)c);
                        xmlFree(c);
                } else if (xmlStrEqual(n->name, BAD_CAST "vendor")) {
                        xmlChar *c = xmlNodeGetContent(n);
                        e->vendor = strdup((const char *)c);
                        xmlFree(c);
                } else if (xmlStrEqual(n->name, BAD_CAST "signature")) {
                        char *f = prop(n, "family"), *m = prop(n, "model"), *s = prop(n, "stepping");
                        e->family = (unsigned)atoi(f);
                        e->model_number = (unsigned)atoi(m);
                        e->stepping = (unsigned)atoi(s);
                        e->has_signature = true;
                        free(f), free(m), free(s);
                } else if (xmlStrEqual(n->name, BAD_CAST "feature") && e->n_features < 255)
                        e->features[e->n_features++] = prop(n, "name");
        }
        xmlFreeDoc(doc);
}

static void expected_host_free(expected_host *e) {
        free(e->model);
        free(e->vendor);
        strv_free(e->features);
}

/* Vendor and signature equal libvirt's; the CPU has every feature libvirt
 * lists beside the model (with any map, or none). */
Test(cputest, identity_and_features) {
        TEST_REQUIRE_FIXTURES(fx);
        char dir[4096], *root = mini_x86_root();
        size_t n = 0;
        test_pathf(dir, sizeof(dir), "%s/libvirt/cputest", fx);
        char **names = subdirs(dir);
        for (size_t i = 0; names[i]; i++, n++) {
                char path[4096];
                expected_host want;
                unsigned fam, mod, step;
                test_pathf(path, sizeof(path), "%s/%s/expected-host.xml", dir, names[i]);
                parse_expected_host(path, &want);
                test_pathf(path, sizeof(path), "%s/%s/cpuid.xml", dir, names[i]);
                hostcaps_node *node = open_root(root);
                cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
                hostcaps_cpu *cpu = get_cpu(node);

                cr_expect_str_eq(hostcaps_cpu_vendor(cpu), want.vendor, "%s: vendor", names[i]);
                cr_assert(hostcaps_cpu_signature(cpu, &fam, &mod, &step));
                cr_expect(want.has_signature);
                cr_expect_eq(fam, want.family, "%s: family %u vs %u", names[i], fam, want.family);
                cr_expect_eq(mod, want.model_number, "%s: model %u vs %u", names[i], mod, want.model_number);
                cr_expect_eq(step, want.stepping, "%s: stepping %u vs %u", names[i], step, want.stepping);
                for (size_t k = 0; k < want.n_features; k++)
                        cr_expect(hostcaps_cpu_has_feature(cpu, want.features[k]), "%s: feature '%s' missing",
                                  names[i], want.features[k]);
                hostcaps_cpu_unref(cpu);
                hostcaps_node_unref(node);
                expected_host_free(&want);
        }
        cr_assert_gt(n, 0);
        strv_free(names);
        test_rm_rf(root);
        free(root);
}

/* libvirt's features are listed in its map's order; so are ours: where both
 * list a feature pair, the order agrees. */
Test(cputest, feature_order) {
        TEST_REQUIRE_FIXTURES(fx);
        char dir[4096], *root = mini_x86_root();
        test_pathf(dir, sizeof(dir), "%s/libvirt/cputest", fx);
        char **names = subdirs(dir);
        for (size_t i = 0; names[i]; i++) {
                char path[4096];
                expected_host want;
                test_pathf(path, sizeof(path), "%s/%s/expected-host.xml", dir, names[i]);
                parse_expected_host(path, &want);
                test_pathf(path, sizeof(path), "%s/%s/cpuid.xml", dir, names[i]);
                hostcaps_node *node = open_root(root);
                cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
                hostcaps_cpu *cpu = get_cpu(node);
                size_t pos = 0;
                for (size_t k = 0; k < want.n_features; k++) {
                        size_t j = pos;
                        while (j < hostcaps_cpu_n_features(cpu) &&
                               strcmp(hostcaps_cpu_feature(cpu, j), want.features[k]) != 0)
                                j++;
                        cr_expect_lt(j, hostcaps_cpu_n_features(cpu), "%s: '%s' out of libvirt's order",
                                     names[i], want.features[k]);
                        pos = j;
                }
                hostcaps_cpu_unref(cpu);
                hostcaps_node_unref(node);
                expected_host_free(&want);
        }
        strv_free(names);
        test_rm_rf(root);
        free(root);
}

/* ---- libcpuid's dumps ----------------------------------------------------- */

/* libcpuid's flag names that are libvirt names under another spelling, and
 * some that are the same: every one libcpuid expects must be in our list. */
static const struct {
        const char *libcpuid, *libvirt;
} flag_names[] = {
        {"fpu", "fpu"},
        {"vme", "vme"},
        {"de", "de"},
        {"pse", "pse"},
        {"tsc", "tsc"},
        {"msr", "msr"},
        {"pae", "pae"},
        {"mce", "mce"},
        {"cx8", "cx8"},
        {"apic", "apic"},
        {"mtrr", "mtrr"},
        {"sep", "sep"},
        {"pge", "pge"},
        {"mca", "mca"},
        {"cmov", "cmov"},
        {"pat", "pat"},
        {"pse36", "pse36"},
        {"clflush", "clflush"},
        {"dts", "ds"},
        {"acpi", "acpi"},
        {"mmx", "mmx"},
        {"fxsr", "fxsr"},
        {"sse", "sse"},
        {"sse2", "sse2"},
        {"ss", "ss"},
        {"ht", "ht"},
        {"tm", "tm"},
        {"pbe", "pbe"},
        {"pni", "pni"},
        {"pclmul", "pclmuldq"},
        {"dts64", "dtes64"},
        {"monitor", "monitor"},
        {"ds_cpl", "ds_cpl"},
        {"vmx", "vmx"},
        {"smx", "smx"},
        {"est", "est"},
        {"tm2", "tm2"},
        {"ssse3", "ssse3"},
        {"cx16", "cx16"},
        {"xtpr", "xtpr"},
        {"pdcm", "pdcm"},
        {"sse4_1", "sse4.1"},
        {"sse4_2", "sse4.2"},
        {"x2apic", "x2apic"},
        {"movbe", "movbe"},
        {"popcnt", "popcnt"},
        {"aes", "aes"},
        {"xsave", "xsave"},
        {"osxsave", "osxsave"},
        {"avx", "avx"},
        {"fma3", "fma"},
        {"f16c", "f16c"},
        {"rdrand", "rdrand"},
        {"hypervisor", "hypervisor"},
        {"syscall", "syscall"},
        {"xd", "nx"},
        {"nx", "nx"},
        {"mmxext", "mmxext"},
        {"fxsr_opt", "fxsr_opt"},
        {"rdtscp", "rdtscp"},
        {"lm", "lm"},
        {"3dnowext", "3dnowext"},
        {"3dnow", "3dnow"},
        {"lahf_lm", "lahf_lm"},
        {"cmp_legacy", "cmp_legacy"},
        {"svm", "svm"},
        {"abm", "abm"},
        {"sse4a", "sse4a"},
        {"misalignsse", "misalignsse"},
        {"3dnowprefetch", "3dnowprefetch"},
        {"osvw", "osvw"},
        {"ibs", "ibs"},
        {"xop", "xop"},
        {"skinit", "skinit"},
        {"wdt", "wdt"},
        {"fma4", "fma4"},
        {"tbm", "tbm"},
        {"avx2", "avx2"},
        {"bmi1", "bmi1"},
        {"bmi2", "bmi2"},
        {"hle", "hle"},
        {"rtm", "rtm"},
        {"rdseed", "rdseed"},
        {"adx", "adx"},
        {"sha_ni", "sha-ni"},
        {"constant_tsc", "invtsc"},
};

static const char *libvirt_flag(const char *libcpuid) {
        for (size_t i = 0; i < ELEMENTSOF(flag_names); i++)
                if (strcmp(flag_names[i].libcpuid, libcpuid) == 0)
                        return flag_names[i].libvirt;
        return NULL;
}

/* The brand string as the dump's text states it, decoded here independently
 * of the library: basic/ext_cpuid[N]=eax ebx ecx edx (legacy format) or
 * "CPUID 80000002: eax-ebx-ecx-edx" (cpuid_tool's newer format). */
static void dump_brand(const char *text, char *out) {
        uint32_t r[12] = {0};
        for (unsigned k = 0; k < 3; k++) {
                char key[64];
                const char *p;
                snprintf(key, sizeof(key), "ext_cpuid[%u]=", 2 + k);
                if ((p = strstr(text, key)))
                        sscanf(p + strlen(key), "%x %x %x %x", &r[4 * k], &r[4 * k + 1], &r[4 * k + 2],
                               &r[4 * k + 3]);
                snprintf(key, sizeof(key), "CPUID %08X: ", 0x80000002u + k);
                if ((p = strstr(text, key)))
                        sscanf(p + strlen(key), "%x-%x-%x-%x", &r[4 * k], &r[4 * k + 1], &r[4 * k + 2],
                               &r[4 * k + 3]);
        }
        memcpy(out, r, 48);
        out[48] = '\0';
        char *s = strip(out);
        memmove(out, s, strlen(s) + 1);
}

Test(libcpuid, dumps) {
        TEST_REQUIRE_FIXTURES(fx);
        char pattern[4096], *root = mini_x86_root();
        glob_t g;
        test_pathf(pattern, sizeof(pattern), "%s/cpuid/*.test", fx);
        cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "no dumps match %s", pattern);
        for (size_t i = 0; i < g.gl_pathc; i++) {
                const char *path = g.gl_pathv[i], *base = strrchr(path, '/') + 1;
                char *text = test_read_file(path), dump[4096], brand[64];
                cr_assert(text);
                /* The expectations follow the last line of dashes. */
                char *sep = NULL;
                for (char *p = text; (p = strstr(p, "\n--------------------")); p++)
                        if (strncmp(p + 1, "------[", 7) != 0) {
                                sep = p;
                                break;
                        }
                cr_assert(sep, "%s: no expectations", path);
                *sep = '\0';
                char *exp = strchr(sep + 1, '\n') + 1;
                char *lines[64];
                size_t nl = 0;
                for (char *l = strtok(exp, "\n"); l && nl < ELEMENTSOF(lines); l = strtok(NULL, "\n")) {
                        if (strncmp(l, "-----", 5) == 0)
                                break; /* a second CPU type (hybrid): the first is enough */
                        lines[nl++] = l;
                }
                /* x86, purpose, family, model, stepping, extended family,
                 * extended model, ..., codename, flags */
                cr_assert_gt(nl, 8, "%s: %zu expectation lines", path, nl);
                cr_assert_str_eq(lines[0], "x86");
                unsigned ext_family = (unsigned)atoi(lines[5]), ext_model = (unsigned)atoi(lines[6]);
                unsigned stepping = (unsigned)atoi(lines[4]);

                test_pathf(dump, sizeof(dump), "%s/dump.raw", root);
                FILE *f = fopen(dump, "w");
                fputs(text, f);
                fputc('\n', f);
                fclose(f);
                dump_brand(text, brand);

                hostcaps_node *node = open_root(root);
                hostcaps_cpu *cpu = NULL;
                cr_assert_eq(hostcaps_node_set_cpuid_file(node, dump), 0);
                int r = hostcaps_node_get_cpu(node, 0, &cpu);
                if (r == -EOPNOTSUPP) {
                        fprintf(stderr, "SKIP %s: %s\n", __func__, hostcaps_error_message());
                        cr_skip_test("built without libcpuid, which reads these dumps");
                }
                cr_assert_eq(r, 0, "%s: %s", base, hostcaps_error_message());
                unsigned fam, mod, step;
                cr_assert(hostcaps_cpu_signature(cpu, &fam, &mod, &step));
                /* libcpuid's "extended" family and model are the full values,
                 * family = base + extended family, model = base + extended
                 * model << 4: what libvirt computes too. */
                cr_expect_eq(fam, ext_family, "%s: family %u vs %u", base, fam, ext_family);
                cr_expect_eq(mod, ext_model, "%s: model %u vs %u", base, mod, ext_model);
                cr_expect_eq(step, stepping, "%s: stepping %u vs %u", base, step, stepping);
                cr_expect_str_eq(hostcaps_cpu_brand(cpu) ? hostcaps_cpu_brand(cpu) : "", brand, "%s: brand",
                                 base);
                const char *vendor = strncmp(base, "amd-", 4) == 0 ? "AMD" : "Intel";
                cr_expect_str_eq(hostcaps_cpu_vendor(cpu), vendor, "%s: vendor", base);
                cr_expect_str_eq(hostcaps_cpu_vendor_id(cpu),
                                 strcmp(vendor, "AMD") == 0 ? "AuthenticAMD" : "GenuineIntel");
                /* Flags: libcpuid's names, mapped to libvirt's where one exists. */
                char *flags = lines[nl - 1];
                for (char *w = strtok(flags, " "); w; w = strtok(NULL, " ")) {
                        const char *lv = libvirt_flag(w);
                        if (lv)
                                cr_expect(hostcaps_cpu_has_feature(cpu, lv),
                                          "%s: libcpuid flag '%s' (%s) missing", base, w, lv);
                }
                hostcaps_cpu_unref(cpu);
                hostcaps_node_unref(node);
                free(text);
        }
        globfree(&g);
        test_rm_rf(root);
        free(root);
}

/* ---- hand-written trees: topology ---------------------------------------- */

typedef struct shape {
        unsigned sockets, dies, clusters, cores, threads; /* per parent */
        const char *offline;                              /* cpulist, or NULL */
        bool ids_only;       /* old kernels: physical_package_id and core_id only */
        int cluster_id_none; /* 0: real ids; else the placeholder the kernel writes (-1, 65535) */
} shape;

static unsigned n_cores(const shape *s) {
        return s->sockets * s->dies * s->clusters * s->cores;
}

/* Logical CPU = thread * cores + core, as Linux numbers x86 CPUs. */
static void write_shape(const char *root, const shape *s) {
        unsigned nc = n_cores(s), ncpu = nc * s->threads;
        char path[256], val[4096];
        bool offline[1024] = {0};
        if (s->offline) {
                hostcaps_bitmap *b = NULL;
                cr_assert_eq(hostcaps_parse_cpulist(s->offline, &b), 0);
                BITMAP_FOREACH(c, b)
                offline[c] = true;
                hostcaps_bitmap_free(b);
        }
        test_write(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        /* online as the kernel writes it: ranges */
        char *p = val;
        for (unsigned c = 0; c < ncpu;) {
                if (offline[c]) {
                        c++;
                        continue;
                }
                unsigned e = c;
                while (e + 1 < ncpu && !offline[e + 1])
                        e++;
                p += sprintf(p, "%s%u", p == val ? "" : ",", c);
                if (e > c)
                        p += sprintf(p, "-%u", e);
                c = e + 1;
        }
        strcpy(p, "\n");
        test_write(root, "sys/devices/system/cpu/online", val);
        snprintf(val, sizeof(val), "0-%u\n", ncpu - 1);
        test_write(root, "sys/devices/system/cpu/possible", val);

        for (unsigned cpu = 0; cpu < ncpu; cpu++) {
                unsigned core = cpu % nc;
                unsigned cluster = core / s->cores, die = cluster / s->clusters, sock = die / s->dies;
                /* Lists of the online CPUs in the same group: a group is
                 * `per` consecutive cores. */
                const unsigned group[4] = {sock, die, cluster, core};
                const unsigned per[4] = {s->dies * s->clusters * s->cores, s->clusters * s->cores, s->cores,
                                         1};
                static const char *const list_names[4] = {"package_cpus_list", "die_cpus_list",
                                                          "cluster_cpus_list", "core_cpus_list"};
#define W(name, fmt, ...)                                                                                    \
        do {                                                                                                 \
                test_pathf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/topology/%s", cpu, name);       \
                snprintf(val, sizeof(val), fmt "\n", __VA_ARGS__);                                           \
                test_write(root, path, val);                                                                 \
        } while (0)
                W("physical_package_id", "%u", sock);
                W("core_id", "%u", core % (s->dies * s->clusters * s->cores));
                if (s->ids_only)
                        continue;
                W("die_id", "%u", die % s->dies);
                if (s->cluster_id_none)
                        W("cluster_id", "%d", s->cluster_id_none);
                else
                        W("cluster_id", "%u", cluster % (s->dies * s->clusters));
                for (int l = 0; l < 4; l++) {
                        char *q = val;
                        for (unsigned o = 0; o < ncpu; o++) {
                                bool same = o % nc / per[l] == group[l] && !offline[o];
                                /* The kernel's placeholder cluster: the CPU alone. */
                                if (l == 2 && s->cluster_id_none)
                                        same = o == cpu;
                                if (same)
                                        q += sprintf(q, "%s%u", q == val ? "" : ",", o);
                        }
                        strcpy(q, "\n");
                        test_pathf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/topology/%s", cpu,
                                   list_names[l]);
                        test_write(root, path, val);
                }
#undef W
        }
}

static hostcaps_cpu_topology topo_of(const shape *s) {
        char *root = test_mkdtemp();
        cr_assert(root);
        write_shape(root, s);
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        hostcaps_cpu_topology t;
        hostcaps_cpu_topology_get(cpu, &t);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
        return t;
}

static void expect_topo(const shape *s, unsigned online) {
        hostcaps_cpu_topology t = topo_of(s);
        cr_expect_eq(t.sockets, s->sockets, "sockets %u", t.sockets);
        cr_expect_eq(t.dies, s->dies, "dies %u", t.dies);
        cr_expect_eq(t.clusters, s->cluster_id_none ? 1 : s->clusters, "clusters %u", t.clusters);
        cr_expect_eq(t.cores, s->cluster_id_none ? s->clusters * s->cores : s->cores, "cores %u", t.cores);
        cr_expect_eq(t.threads, s->threads, "threads %u", t.threads);
        cr_expect_eq(t.online_cpus, online, "online %u", t.online_cpus);
        cr_expect_eq(t.possible_cpus, n_cores(s) * s->threads, "possible %u", t.possible_cpus);
}

Test(topology, smt) {
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 4, .threads = 2};
        expect_topo(&s, 8);
}

Test(topology, multi_socket) {
        shape s = {.sockets = 2, .dies = 1, .clusters = 1, .cores = 6, .threads = 2};
        expect_topo(&s, 24);
}

Test(topology, dies) {
        shape s = {.sockets = 2, .dies = 2, .clusters = 1, .cores = 4, .threads = 1};
        expect_topo(&s, 16);
}

Test(topology, clusters) {
        shape s = {.sockets = 1, .dies = 1, .clusters = 4, .cores = 2, .threads = 1};
        expect_topo(&s, 8);
}

/* x86 with an unknown L2: cluster_id 65535 and each CPU its own "cluster";
 * arm64 without clusters in the firmware: -1. No cluster level then. */
Test(topology, clusters_unknown) {
        shape s = {
                .sockets = 2, .dies = 1, .clusters = 4, .cores = 1, .threads = 2, .cluster_id_none = 65535};
        expect_topo(&s, 16);
        shape a = {.sockets = 1, .dies = 1, .clusters = 8, .cores = 1, .threads = 1, .cluster_id_none = -1};
        expect_topo(&a, 8);
}

/* Offline CPUs count among the possible, not the online; the counts are
 * those of the topology (threads per core is the largest seen). */
Test(topology, offline_cpus) {
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 4, .threads = 2, .offline = "5,7"};
        expect_topo(&s, 6);
}

/* With every thread of a core offline, the core is not counted. */
Test(topology, offline_core) {
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 4, .threads = 2, .offline = "3,7"};
        hostcaps_cpu_topology t = topo_of(&s);
        cr_expect_eq(t.cores, 3);
        cr_expect_eq(t.threads, 2);
        cr_expect_eq(t.online_cpus, 6);
        cr_expect_eq(t.possible_cpus, 8);
}

/* Recordings that kept only the ids (and kernels before the *_cpus_list
 * files): packages, dies and clusters group by equal ids; without a thread
 * sibling list every CPU is its own core (core_id is not unique where a
 * recording lacks the die level), as libvirt assumes too. */
Test(topology, ids_only) {
        shape s = {.sockets = 2, .dies = 1, .clusters = 1, .cores = 2, .threads = 2, .ids_only = true};
        hostcaps_cpu_topology t = topo_of(&s);
        cr_expect_eq(t.sockets, 2);
        cr_expect_eq(t.dies, 1);
        cr_expect_eq(t.clusters, 1);
        cr_expect_eq(t.cores, 4);
        cr_expect_eq(t.threads, 1);
        cr_expect_eq(t.online_cpus, 8);
}

/* The same with thread_siblings_list, as kernels since 2.6 write it. */
Test(topology, ids_and_thread_siblings) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 2, .dies = 1, .clusters = 1, .cores = 2, .threads = 2, .ids_only = true};
        write_shape(root, &s);
        for (unsigned cpu = 0; cpu < 8; cpu++) {
                char path[128], val[16];
                snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/topology/thread_siblings_list",
                         cpu);
                snprintf(val, sizeof(val), "%u,%u\n", cpu % 4, cpu % 4 + 4);
                test_write(root, path, val);
        }
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        hostcaps_cpu_topology t;
        hostcaps_cpu_topology_get(cpu, &t);
        cr_expect_eq(t.sockets, 2);
        cr_expect_eq(t.cores, 2);
        cr_expect_eq(t.threads, 2);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

/* A recording without possible (and without present): the online CPUs. */
Test(topology, no_possible_file) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 2, .threads = 1};
        write_shape(root, &s);
        char path[4096];
        test_pathf(path, sizeof(path), "%s/sys/devices/system/cpu/possible", root);
        cr_assert_eq(unlink(path), 0);
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        hostcaps_cpu_topology t;
        hostcaps_cpu_topology_get(cpu, &t);
        cr_expect_eq(t.possible_cpus, 2);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

/* ---- page sizes, hybrid kinds -------------------------------------------- */

Test(pages, hugepage_sizes) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 1, .threads = 1};
        write_shape(root, &s);
        test_write(root, "sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
        test_write(root, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_assert_eq(hostcaps_cpu_n_page_sizes(cpu), 3);
        cr_expect_eq(hostcaps_cpu_page_size(cpu, 0), 4);
        cr_expect_eq(hostcaps_cpu_page_size(cpu, 1), 2048);
        cr_expect_eq(hostcaps_cpu_page_size(cpu, 2), 1048576);
        cr_expect_eq(hostcaps_cpu_page_size(cpu, 3), 0);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

/* A 64 KiB base page (arm64, ppc64) and no hugetlbfs: the base page alone. */
Test(pages, base_page_only) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 1, .threads = 1};
        write_shape(root, &s);
        test_write(root, "hostcaps-snapshot.txt", "arch=aarch64\npage_size=65536\n");
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_assert_eq(hostcaps_cpu_n_page_sizes(cpu), 1);
        cr_expect_eq(hostcaps_cpu_page_size(cpu, 0), 64);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

Test(pages, bad_directory_name) {
        char *root = test_mkdtemp();
        hostcaps_node *node = NULL;
        hostcaps_cpu *cpu = NULL;
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 1, .threads = 1};
        write_shape(root, &s);
        test_write(root, "sys/kernel/mm/hugepages/hugepages-2MB/nr_hugepages", "0\n");
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        /* The read policy: a name that is no size is left out, with the reason. */
        cr_assert_eq(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s", hostcaps_error_message());
        cr_expect_eq(hostcaps_cpu_n_page_sizes(cpu), 1);
        cr_assert_eq(hostcaps_cpu_n_unknown(cpu), 1);
        cr_expect(strstr(hostcaps_cpu_unknown_reason(cpu, 0), "sys/kernel/mm/hugepages/hugepages-2MB"), "%s",
                  hostcaps_cpu_unknown_reason(cpu, 0));
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

Test(kinds, hybrid) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 12, .threads = 1};
        write_shape(root, &s);
        test_write(root, "sys/devices/cpu_core/cpus", "0-3\n");
        test_write(root, "sys/devices/cpu_atom/cpus", "4-11\n");
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_assert_eq(hostcaps_cpu_n_core_kinds(cpu), 2);
        cr_expect_str_eq(hostcaps_cpu_core_kind_name(cpu, 0), "core");
        cr_expect_str_eq(hostcaps_cpu_core_kind_cpus(cpu, 0), "0-3");
        cr_expect_str_eq(hostcaps_cpu_core_kind_name(cpu, 1), "atom");
        cr_expect_str_eq(hostcaps_cpu_core_kind_cpus(cpu, 1), "4-11");
        cr_expect_null(hostcaps_cpu_core_kind_name(cpu, 2));
        char *doc = NULL;
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_JSON, &doc), 0);
        cr_expect(strstr(doc, "\"atom\""), "%s", doc);
        free(doc);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

Test(kinds, none) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 2, .threads = 1};
        write_shape(root, &s);
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_expect_eq(hostcaps_cpu_n_core_kinds(cpu), 0);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

/* ---- identity details ------------------------------------------------------ */

/* A dump with an invariant TSC and the hypervisor timing leaf: the counter
 * and its frequency; AMD's TSC-rate bit answers scaling. Without invtsc, no
 * counter at all, as libvirt. */
static char *write_dump(const char *root, const char *name, const char *body) {
        char *path = NULL;
        cr_assert(asprintf(&path, "%s/%s", root, name) > 0);
        test_write(root, name, body);
        return path;
}

/* clang-format off */
#define CPUID_LINE(leaf, sub, a, b, c, d)                                                          \
        "<cpuid eax_in='" #leaf "' ecx_in='" #sub "' eax='" #a "' ebx='" #b "' ecx='" #c "' edx='" #d "'/>\n"
/* clang-format on */

/* clang-format off */
static const char amd_tsc_dump[] =
        "<cpudata arch='x86'>\n"
        CPUID_LINE(0x0, 0x0, 0x10, 0x68747541, 0x444d4163, 0x69746e65)
        CPUID_LINE(0x1, 0x0, 0x00a00f11, 0x0, 0x80000000, 0x0)
        CPUID_LINE(0x40000000, 0x0, 0x40000010, 0x0, 0x0, 0x0)
        CPUID_LINE(0x40000010, 0x0, 0x002dc6c0, 0x0, 0x0, 0x0)
        CPUID_LINE(0x80000000, 0x0, 0x8000000a, 0x0, 0x0, 0x0)
        CPUID_LINE(0x80000001, 0x0, 0x0, 0x0, 0x4, 0x0)
        CPUID_LINE(0x80000007, 0x0, 0x0, 0x0, 0x0, 0x100)
        CPUID_LINE(0x80000008, 0x0, 0x3030, 0x0, 0x0, 0x0)
        CPUID_LINE(0x8000000a, 0x0, 0x1, 0x8000, 0x0, 0x10)
        "</cpudata>\n";
/* clang-format on */

Test(identity, tsc_counter) {
        char *root = mini_x86_root();
        char *path = write_dump(root, "tsc.xml", amd_tsc_dump);
        hostcaps_node *node = open_root(root);
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_expect_eq(hostcaps_cpu_tsc_frequency(cpu), UINT64_C(3000000000));
        cr_expect_eq(hostcaps_cpu_tsc_scaling(cpu), 1);
        cr_expect_eq(hostcaps_cpu_phys_addr_bits(cpu), 48);
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_XML, &doc),
                     0);
        cr_expect(strstr(doc, "<counter name='tsc' frequency='3000000000' scaling='yes'/>"), "%s", doc);
        free(doc);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);

        /* The same CPU without invtsc. */
        char *body = strdup(amd_tsc_dump), *q = strstr(body, "edx='0x100'");
        memcpy(q, "edx='0x000'", 11);
        path = (free(path), write_dump(root, "notsc.xml", body));
        node = open_root(root);
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        cpu = get_cpu(node);
        cr_expect_eq(hostcaps_cpu_tsc_frequency(cpu), 0);
        cr_expect_eq(hostcaps_cpu_tsc_scaling(cpu), -1);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_XML, &doc),
                     0);
        cr_expect_null(strstr(doc, "<counter"), "%s", doc);
        free(doc);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        free(body);
        free(path);
        test_rm_rf(root);
        free(root);
}

/* MSR features decode from a dump's <msr> elements (0x10a, 0xcf). */
Test(identity, msr_features) {
        char *root = mini_x86_root();
        /* clang-format off */
        char *path = write_dump(root, "msr.xml",
                                "<cpudata arch='x86'>\n"
                                CPUID_LINE(0x0, 0x0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69)
                                CPUID_LINE(0x1, 0x0, 0x000806ea, 0x0, 0x0, 0x0)
                                CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                                CPUID_LINE(0x7, 0x0, 0x0, 0x0, 0x0, 0x60000000)
                                "<msr index='0x10a' edx='0x00000000' eax='0x00000041'/>\n"
                                "<msr index='0xcf' edx='0x00000000' eax='0x00000020'/>\n"
                                "</cpudata>\n");
        /* clang-format on */
        hostcaps_node *node = open_root(root);
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_expect(hostcaps_cpu_has_feature(cpu, "arch-capabilities"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "rdctl-no"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "pschange-mc-no"));
        cr_expect(!hostcaps_cpu_has_feature(cpu, "ibrs-all"));
        cr_expect(hostcaps_cpu_has_feature(cpu, "split-lock-detect"));
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        free(path);
        test_rm_rf(root);
        free(root);
}

/* Microcode: sysfs first; where a VM has no microcode driver, the line of
 * /proc/cpuinfo that libvirt reads. */
Test(identity, microcode_sources) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 1, .threads = 1};
        write_shape(root, &s);
        test_write(root, "proc/cpuinfo",
                   "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
                   "model name\t: AMD EPYC 7713 64-Core Processor\nstepping\t: 1\n"
                   "microcode\t: 0xa0011d1\nflags\t\t: fpu\n\n");
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        uint64_t mc = 0;
        cr_expect(hostcaps_cpu_microcode(cpu, &mc));
        cr_expect_eq(mc, 0xa0011d1);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);

        test_write(root, "sys/devices/system/cpu/cpu0/microcode/version", "0xa0011d5\n");
        node = open_root(root);
        cpu = get_cpu(node);
        cr_expect(hostcaps_cpu_microcode(cpu, &mc));
        cr_expect_eq(mc, 0xa0011d5);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

/* ---- broken inputs: errors name the file ------------------------------------ */

static void expect_cpu_error(const char *root, const char *needle) {
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = NULL;
        int r = hostcaps_node_get_cpu(node, 0, &cpu);
        cr_expect_lt(r, 0, "expected an error naming %s", needle);
        cr_expect_null(cpu);
        const char *m = hostcaps_error_message();
        cr_expect(m && strstr(m, needle), "message '%s' does not name '%s'", m ? m : "(none)", needle);
        hostcaps_node_unref(node);
}

Test(bad_input, reversed_online_list) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 4, .threads = 1};
        write_shape(root, &s);
        test_write(root, "sys/devices/system/cpu/online", "3-1\n");
        expect_cpu_error(root, "sys/devices/system/cpu/online");
        expect_cpu_error(root, "3-1");
        test_rm_rf(root);
        free(root);
}

Test(bad_input, garbage_topology) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 4, .threads = 1};
        write_shape(root, &s);
        test_write(root, "sys/devices/system/cpu/cpu0/topology/package_cpus_list", "zero-three\n");
        expect_cpu_error(root, "sys/devices/system/cpu/cpu0/topology/package_cpus_list");
        test_rm_rf(root);
        free(root);

        root = test_mkdtemp();
        shape o = {.sockets = 2, .dies = 1, .clusters = 1, .cores = 2, .threads = 1, .ids_only = true};
        write_shape(root, &o);
        test_write(root, "sys/devices/system/cpu/cpu1/topology/physical_package_id", "one\n");
        expect_cpu_error(root, "sys/devices/system/cpu/cpu1/topology/physical_package_id");
        test_rm_rf(root);
        free(root);
}

/* A list that leaves out the CPU it belongs to (a hand-edited recording):
 * the CPU is counted in its own group, as libvirt counts it. */
Test(bad_input, list_without_own_cpu) {
        char *root = test_mkdtemp();
        shape s = {.sockets = 1, .dies = 1, .clusters = 1, .cores = 4, .threads = 1};
        write_shape(root, &s);
        test_write(root, "sys/devices/system/cpu/cpu1/topology/core_cpus_list", "0\n");
        hostcaps_cpu_topology t = {0};
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = get_cpu(node);
        hostcaps_cpu_topology_get(cpu, &t);
        cr_expect_eq(t.cores, 4);
        cr_expect_eq(t.threads, 1);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

Test(bad_input, malformed_cpuid_dump) {
        char *root = mini_x86_root();
        static const char *const bodies[] = {
                "<cpudata arch='x86'>\n<cpuid eax_in='0x0' ecx_in='0x0' eax='0x16' ebx='zz' ecx='0x0' "
                "edx='0x0'/>\n</cpudata>\n",
                "<cpudata arch='x86'>\n<cpuid eax_in='0x0' ecx_in='0x0' eax='0x16'\n",
                "<cpudata arch='x86'>\n<cpuid eax_in='0x0' ecx_in='0x0' eax='0x16' ebx='0x0' "
                "ecx='0x0'/>\n</cpudata>\n",
                "<cpudata arch='x86'>\n</cpudata>\n",
                "<cpus/>\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(bodies); i++) {
                char name[32];
                snprintf(name, sizeof(name), "bad-%zu.xml", i);
                char *path = write_dump(root, name, bodies[i]);
                hostcaps_node *node = open_root(root);
                hostcaps_cpu *cpu = NULL;
                cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
                cr_expect_lt(hostcaps_node_get_cpu(node, 0, &cpu), 0, "%s accepted", bodies[i]);
                const char *m = hostcaps_error_message();
                cr_expect(m && strstr(m, name), "message '%s' does not name %s", m ? m : "", name);
                hostcaps_node_unref(node);
                free(path);
        }
        test_rm_rf(root);
        free(root);
}

/* A dump that names an external entity: the entity's file is never opened
 * (watched with inotify), and the dump is refused or read without it. */
Test(bad_input, cpudata_external_entity) {
        char *root = mini_x86_root();
        char *secret = write_dump(root, "secret.txt", "0x00000016\n");
        char *body = NULL;
        cr_assert(asprintf(&body,
                           "<?xml version='1.0'?>\n"
                           "<!DOCTYPE cpudata [ <!ENTITY leak SYSTEM 'file://%s'> <!ENTITY %% ext SYSTEM "
                           "'file://%s'> %%ext; ]>\n"
                           "<cpudata arch='x86'>\n"
                           "<cpuid eax_in='0x0' ecx_in='0x0' eax='&leak;' ebx='0x756e6547' ecx='0x6c65746e' "
                           "edx='0x49656e69'/>\n"
                           "</cpudata>\n",
                           secret, secret) > 0);
        char *path = write_dump(root, "xxe.xml", body);
        int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        cr_assert_geq(ino, 0);
        cr_assert_geq(inotify_add_watch(ino, secret, IN_OPEN | IN_ACCESS), 0);

        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = NULL;
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        int r = hostcaps_node_get_cpu(node, 0, &cpu);
        if (r < 0) {
                const char *m = hostcaps_error_message();
                cr_expect(m && strstr(m, "xxe.xml"), "message '%s' does not name the dump", m ? m : "");
        } else {
                /* Read without the entity: leaf 0's eax is not the file's value. */
                cr_expect_null(hostcaps_cpu_vendor(cpu));
                hostcaps_cpu_unref(cpu);
        }
        char ev[4096];
        ssize_t n = read(ino, ev, sizeof(ev));
        cr_expect_leq(n, 0, "the entity's file was opened");
        close(ino);
        hostcaps_node_unref(node);
        free(body);
        free(path);
        free(secret);
        test_rm_rf(root);
        free(root);
}

/* ---- the live host ----------------------------------------------------------- */

static bool allowed_live_path(const char *p) {
        static const char *const prefixes[] = {
                "sys/devices/system/cpu/online",
                "sys/devices/system/cpu/possible",
                "sys/devices/system/cpu/present",
                "sys/kernel/mm/hugepages/",
                "sys/devices/cpu_core/cpus",
                "sys/devices/cpu_atom/cpus",
                "dev/cpu/0/msr",
                "dev/kvm",
                "proc/cpuinfo",
        };
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0)
                        return true;
        /* The listing that tells which listed CPUs have a directory. */
        if (strcmp(p, "sys/devices/system/cpu/") == 0)
                return true;
        unsigned n;
        char rest[256];
        if (sscanf(p, "sys/devices/system/cpu/cpu%u/%255s", &n, rest) == 2)
                return strncmp(rest, "topology/", 9) == 0 || strcmp(rest, "microcode/version") == 0;
        return false;
}

/* A CPU-only request reads only the CPU section's files: no node/, cache/,
 * resctrl, memory. (The cpu_map is read through a reader of its own.) */
Test(live, reads_only_cpu_files) {
        hostcaps_node *node = open_root(NULL);
        hostcaps_reader *r = hostcaps_node_reader(node);
        char *doc = NULL;
        hostcaps_reader_trace_start(r);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_XML, &doc),
                     0, "%s", hostcaps_error_message());
        char **paths = hostcaps_reader_trace_stop(r);
        size_t n = 0;
        for (; paths[n]; n++)
                cr_expect(allowed_live_path(paths[n]), "CPU request read '%s'", paths[n]);
        cr_expect_gt(n, 0);
        hostcaps_strv_free(paths);
        free(doc);
        hostcaps_node_unref(node);
}

/* lscpu's view of the same host: vendor id, family, model, stepping, sockets,
 * threads per core, cores per socket. */
Test(live, agrees_with_lscpu) {
        FILE *p = popen("LC_ALL=C lscpu 2>/dev/null", "r");
        char line[4096], vendor[128] = "", family[32] = "", model[32] = "", stepping[32] = "",
                         sockets[32] = "", threads[32] = "", cores[32] = "";
        if (!p) {
                fprintf(stderr, "SKIP %s: lscpu cannot run\n", __func__);
                cr_skip_test("no lscpu");
        }
        struct {
                const char *key;
                char *val;
        } keys[] = {
                {"Vendor ID:", vendor},         {"CPU family:", family}, {"Model:", model},
                {"Stepping:", stepping},        {"Socket(s):", sockets}, {"Thread(s) per core:", threads},
                {"Core(s) per socket:", cores},
        };
        while (fgets(line, sizeof(line), p))
                for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                        if (strncmp(line, keys[i].key, strlen(keys[i].key)) == 0 && !keys[i].val[0])
                                snprintf(keys[i].val, 32, "%s", strip(line + strlen(keys[i].key)));
        int rc = pclose(p);
        if (rc != 0 || !sockets[0]) {
                fprintf(stderr, "SKIP %s: lscpu is not installed or failed\n", __func__);
                cr_skip_test("no lscpu output");
        }
        hostcaps_node *node = open_root(NULL);
        hostcaps_cpu *cpu = get_cpu(node);
        hostcaps_cpu_topology t;
        hostcaps_cpu_topology_get(cpu, &t);
        if (vendor[0] && hostcaps_cpu_vendor_id(cpu))
                cr_expect_str_eq(hostcaps_cpu_vendor_id(cpu), vendor);
        unsigned fam, mod, step;
        if (strcmp(hostcaps_cpu_arch(cpu), "x86_64") == 0 || strcmp(hostcaps_cpu_arch(cpu), "i686") == 0) {
                cr_assert(hostcaps_cpu_signature(cpu, &fam, &mod, &step));
                cr_expect_eq(fam, (unsigned)atoi(family), "family %u, lscpu %s", fam, family);
                cr_expect_eq(mod, (unsigned)atoi(model), "model %u, lscpu %s", mod, model);
                cr_expect_eq(step, (unsigned)atoi(stepping), "stepping %u, lscpu %s", step, stepping);
        }
        if (isdigit((unsigned char)sockets[0]))
                cr_expect_eq(t.sockets, (unsigned)atoi(sockets), "sockets %u, lscpu %s", t.sockets, sockets);
        if (isdigit((unsigned char)threads[0]))
                cr_expect_eq(t.threads, (unsigned)atoi(threads), "threads %u, lscpu %s", t.threads, threads);
        /* lscpu's cores per socket: all cores of a socket, whatever the dies
         * and clusters (lscpu divides the online cores by the sockets). */
        if (isdigit((unsigned char)cores[0]) && t.online_cpus == t.possible_cpus)
                cr_expect_eq(t.dies * t.clusters * t.cores, (unsigned)atoi(cores),
                             "cores per socket %u, lscpu %s", t.dies * t.clusters * t.cores, cores);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
}

/* A second request is served from memory; the object is the same. */
Test(live, memoized) {
        hostcaps_node *node = open_root(NULL);
        hostcaps_cpu *a = get_cpu(node), *b = NULL;
        cr_assert_eq(hostcaps_node_get_cpu(node, HOSTCAPS_FLAG_CACHED, &b), 0);
        cr_expect_eq(a, b);
        cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_CPU), 1);
        hostcaps_cpu_unref(a);
        hostcaps_cpu_unref(b);
        hostcaps_node_unref(node);
}

/* ---- libvirt's model selection ------------------------------------------------ */

/* libvirt 9.0.0 made the cputest expectations with its map, the one
 * Debian's libvirt0 9.0.0 installs: with that map installed, model, vendor,
 * signature and the features beside the model equal libvirt's exactly. */
Test(cpumap, cputest_exact) {
        TEST_REQUIRE_FIXTURES(fx);
        REQUIRE_MAP();
        int ver = installed_libvirt_version();
        if (ver != 9000) {
                fprintf(stderr,
                        "SKIP %s: the expectations were made with libvirt 9.0's map, the installed map is "
                        "libvirt %d.%d's\n",
                        __func__, ver / 1000, ver % 1000);
                cr_skip_test("installed cpu_map is not libvirt 9.0's");
        }
        char dir[4096], *root = mini_x86_root();
        size_t n = 0;
        test_pathf(dir, sizeof(dir), "%s/libvirt/cputest", fx);
        char **names = subdirs(dir);
        for (size_t i = 0; names[i]; i++, n++) {
                char path[4096];
                expected_host want;
                unsigned fam, mod, step;
                test_pathf(path, sizeof(path), "%s/%s/expected-host.xml", dir, names[i]);
                parse_expected_host(path, &want);
                test_pathf(path, sizeof(path), "%s/%s/cpuid.xml", dir, names[i]);
                hostcaps_node *node = open_root(root);
                cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
                hostcaps_cpu *cpu = get_cpu(node);
                cr_expect_str_eq(hostcaps_cpu_feature_source(cpu), "cpu_map");
                cr_expect_str_eq(hostcaps_cpu_model(cpu) ? hostcaps_cpu_model(cpu) : "(none)", want.model,
                                 "%s: model (%s)", names[i], hostcaps_cpu_model_reason(cpu));
                cr_expect_null(hostcaps_cpu_model_reason(cpu));
                cr_expect_str_eq(hostcaps_cpu_vendor(cpu), want.vendor, "%s", names[i]);
                cr_assert(hostcaps_cpu_signature(cpu, &fam, &mod, &step));
                cr_expect(fam == want.family && mod == want.model_number && step == want.stepping, "%s",
                          names[i]);
                char **ours = calloc(hostcaps_cpu_n_features(cpu) + 1, sizeof(char *));
                for (size_t k = 0; k < hostcaps_cpu_n_features(cpu); k++)
                        ours[k] = strdup(hostcaps_cpu_feature(cpu, k));
                char *a = strv_join(ours), *b = strv_join(want.features);
                cr_expect_str_eq(a, b, "%s:\n ours:    %s\n libvirt: %s", names[i], a, b);
                /* The model's features are the CPU's too. */
                cr_expect_geq(hostcaps_cpu_n_all_features(cpu), hostcaps_cpu_n_features(cpu));
                free(a);
                free(b);
                strv_free(ours);
                hostcaps_cpu_unref(cpu);
                hostcaps_node_unref(node);
                expected_host_free(&want);
        }
        cr_assert_gt(n, 0);
        strv_free(names);
        test_rm_rf(root);
        free(root);
}

/* The XML of a selected model: <model> before <vendor>, the features
 * beside it only. */
Test(cpumap, xml_of_a_model) {
        TEST_REQUIRE_FIXTURES(fx);
        REQUIRE_MAP();
        char path[4096], *root = mini_x86_root(), *doc = NULL;
        test_pathf(path, sizeof(path), "%s/libvirt/cputest/EPYC-7601-32-Core/cpuid.xml", fx);
        hostcaps_node *node = open_root(root);
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_XML, &doc),
                     0);
        const char *m = strstr(doc, "<model>"), *v = strstr(doc, "<vendor>AMD</vendor>");
        cr_expect(m && v && m < v, "%s", doc);
        cr_expect_null(strstr(doc, "<feature name='fpu'/>"), "a model's feature is listed: %s", doc);
        free(doc);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_JSON, &doc), 0);
        cr_expect(strstr(doc, "\"model_reason\": null"), "%s", doc);
        cr_expect(strstr(doc, "\"all_features\""), "%s", doc);
        free(doc);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

/* ARM and POWER: the model from the MIDR part and the PVR. */
Test(cpumap, arm_and_ppc64) {
        TEST_REQUIRE_FIXTURES(fx);
        REQUIRE_MAP();
        static const struct {
                const char *name, *vendor, *model; /* model NULL: none, with a reason */
        } cases[] = {
                {"with-clusters", "Cavium", "ThunderX2 99xx"},
                {"subcores1", "IBM", "POWER8"},
                {"deconf-cpus", "IBM", "POWER8"},
                {"f21-mustang", "APM", NULL}, /* X-Gene: not in libvirt's map */
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char path[4096];
                test_pathf(path, sizeof(path), "%s/libvirt/virhostcpu/%s/root", fx, cases[i].name);
                hostcaps_node *node = open_root(path);
                hostcaps_cpu *cpu = get_cpu(node);
                cr_expect_str_eq(hostcaps_cpu_vendor(cpu), cases[i].vendor, "%s", cases[i].name);
                if (cases[i].model)
                        cr_expect_str_eq(hostcaps_cpu_model(cpu) ? hostcaps_cpu_model(cpu) : "(none)",
                                         cases[i].model, "%s: %s", cases[i].name,
                                         hostcaps_cpu_model_reason(cpu));
                else {
                        cr_expect_null(hostcaps_cpu_model(cpu), "%s", cases[i].name);
                        cr_expect(hostcaps_cpu_model_reason(cpu) &&
                                          strstr(hostcaps_cpu_model_reason(cpu), "part"),
                                  "%s: %s", cases[i].name, hostcaps_cpu_model_reason(cpu));
                }
                hostcaps_cpu_unref(cpu);
                hostcaps_node_unref(node);
        }
}

/* A map in libvirt 10's dialect, written here: a versioned model that
 * inherits from its base, MSR features, a grouping element, a model not for
 * hosts. Parsed, and decoded with the same rules. */
static void write_map10(const char *dir) {
        test_write(dir, "index.xml",
                   "<cpus>\n<arch name='x86'>\n<include filename='x86_vendors.xml'/>\n"
                   "<include filename='x86_features.xml'/>\n<group name='models'>\n"
                   "<include filename='x86_Base.xml'/>\n<include filename='x86_Base-v2.xml'/>\n"
                   "<include filename='x86_Guest.xml'/>\n<include "
                   "filename='x86_Other.xml'/>\n</group>\n</arch>\n"
                   "<arch name='s390'><include filename='s390_x.xml'/></arch>\n</cpus>\n");
        test_write(dir, "x86_vendors.xml", "<cpus><vendor name='Intel' string='GenuineIntel'/></cpus>\n");
        test_write(
                dir, "x86_features.xml",
                "<cpus>\n"
                "<feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/></feature>\n"
                "<feature name='sse'><cpuid eax_in='0x01' edx='0x02000000'/></feature>\n"
                "<feature name='avx'><cpuid eax_in='0x01' ecx='0x10000000'/></feature>\n"
                "<feature name='arch-capabilities'><cpuid eax_in='0x07' ecx_in='0x00' "
                "edx='0x20000000'/></feature>\n"
                "<feature name='rdctl-no'><msr index='0x10a' edx='0x00000000' eax='0x00000001'/></feature>\n"
                "<feature name='vmx-test'><msr index='0x48b' edx='0x00000002' eax='0x00000000'/></feature>\n"
                "</cpus>\n");
        test_write(dir, "x86_Base.xml",
                   "<cpus><model name='Base'><decode host='on' guest='on'/>"
                   "<signature family='6' model='85' stepping='0-4'/><vendor name='Intel'/>"
                   "<feature name='fpu'/><feature name='sse'/></model></cpus>\n");
        test_write(dir, "x86_Base-v2.xml",
                   "<cpus><model name='Base-v2'><decode host='on' guest='off'/><model name='Base'/>"
                   "<feature name='arch-capabilities'/><feature name='rdctl-no'/>"
                   "<feature name='avx' removed='yes'/></model></cpus>\n");
        test_write(dir, "x86_Guest.xml",
                   "<cpus><model name='Guest'><decode host='off' guest='on'/><model name='Base-v2'/>"
                   "<feature name='avx'/></model></cpus>\n");
        /* Every feature of the test CPU, but another signature. */
        test_write(
                dir, "x86_Other.xml",
                "<cpus><model name='Other'><decode host='on' guest='on'/><signature family='6' model='99'/>"
                "<vendor name='Intel'/><feature name='fpu'/><feature name='sse'/><feature name='avx'/>"
                "<feature name='arch-capabilities'/><feature name='rdctl-no'/></model></cpus>\n");
}

Test(cpumap, dialect_10) {
        char *dir = test_mkdtemp(), *root = mini_x86_root();
        write_map10(dir);
        hostcaps_cpumap *map = NULL;
        cr_assert_eq(hostcaps_cpumap_load(dir, &map), 0, "%s", hostcaps_error_message());

        /* Intel 6/85/4 with fpu, sse, avx, arch-capabilities and rdctl-no. */
        /* clang-format off */
        char *path = write_dump(root, "d.xml",
                                "<cpudata arch='x86'>\n"
                                CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                                CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x10000000, 0x02000001)
                                CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                                CPUID_LINE(0x7, 0x0, 0x0, 0x0, 0x0, 0x20000000)
                                "<msr index='0x10a' edx='0x00000000' eax='0x00000001'/>\n"
                                "</cpudata>\n");
        /* clang-format on */
        hostcaps_cpuid *c = load_dump(path);
        hostcaps_cpumap_x86 r;
        cr_assert_eq(decode_with_map(map, c, &r), 0);
        cr_expect_str_eq(r.vendor, "Intel");
        /* Base-v2 leaves only avx beside it, Base three; Guest is not for hosts. */
        cr_expect_str_eq(r.model ? r.model : "(none)", "Base-v2");
        cr_assert_eq(r.n_features, 1);
        cr_expect_str_eq(r.features[0], "avx");
        cr_expect_eq(r.n_all, 5);
        hostcaps_cpumap_x86_done(&r);
        hostcaps_cpuid_free(c);

        /* Without the MSR, Base-v2 lacks rdctl-no: Base, with three beside it. */
        free(path);
        /* clang-format off */
        path = write_dump(root, "e.xml",
                          "<cpudata arch='x86'>\n"
                          CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                          CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x10000000, 0x02000001)
                          CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                          CPUID_LINE(0x7, 0x0, 0x0, 0x0, 0x0, 0x20000000)
                          "</cpudata>\n");
        /* clang-format on */
        c = load_dump(path);
        cr_assert_eq(decode_with_map(map, c, &r), 0);
        cr_expect_str_eq(r.model ? r.model : "(none)", "Base");
        cr_expect_eq(r.n_features, 2); /* avx, arch-capabilities */
        hostcaps_cpumap_x86_done(&r);
        hostcaps_cpuid_free(c);

        /* Other leaves nothing beside it but its signature does not match:
         * above, Base-v2 (6/85, steppings 0-4, inherited) won. At stepping 7
         * no signature matches, and the fewest features decide: Other. */
        free(path);
        /* clang-format off */
        path = write_dump(root, "f.xml",
                          "<cpudata arch='x86'>\n"
                          CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                          CPUID_LINE(0x1, 0x0, 0x00050657, 0x0, 0x10000000, 0x02000001)
                          CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                          CPUID_LINE(0x7, 0x0, 0x0, 0x0, 0x0, 0x20000000)
                          "<msr index='0x10a' edx='0x00000000' eax='0x00000001'/>\n"
                          "</cpudata>\n");
        /* clang-format on */
        c = load_dump(path);
        cr_assert_eq(decode_with_map(map, c, &r), 0);
        cr_expect_str_eq(r.model ? r.model : "(none)", "Other");
        cr_expect_eq(r.n_features, 0);
        hostcaps_cpumap_x86_done(&r);
        hostcaps_cpuid_free(c);
        hostcaps_cpumap_free(map);
        free(path);
        test_rm_rf(dir);
        test_rm_rf(root);
        free(dir);
        free(root);
}

/* Broken maps: the error names the file; nothing half-parsed escapes. */
Test(cpumap, malformed) {
        static const struct {
                const char *file, *content, *needle;
        } cases[] = {
                {"x86_Base.xml", "<cpus><model name='Base'><feature name='nosuch'/></model></cpus>",
                 "x86_Base.xml"},
                {"x86_Base.xml", "<cpus><model name='Base'>", "x86_Base.xml"},
                {"x86_features.xml",
                 "<cpus><feature name='x'><cpuid eax_in='zz' edx='0x1'/></feature></cpus>",
                 "x86_features.xml"},
                {"x86_vendors.xml", "<cpus><vendor name='Intel' string='Intel'/></cpus>", "x86_vendors.xml"},
                {"index.xml", "<cpus><arch name='x86'><include filename='../../etc/passwd'/></arch></cpus>",
                 "index.xml"},
                {"x86_Base-v2.xml", "<cpus><model name='Base-v2'><model name='Nope'/></model></cpus>",
                 "x86_Base-v2.xml"},
                {"x86_Base.xml",
                 "<cpus><model name='Base'><signature family='6' model='85' stepping='3-20'/></model></cpus>",
                 "x86_Base.xml"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *dir = test_mkdtemp();
                write_map10(dir);
                test_write(dir, cases[i].file, cases[i].content);
                hostcaps_cpumap *map = NULL;
                cr_expect_lt(hostcaps_cpumap_load(dir, &map), 0, "case %zu accepted", i);
                cr_expect_null(map);
                const char *m = hostcaps_error_message();
                cr_expect(m && strstr(m, cases[i].needle), "case %zu: '%s' does not name %s", i, m ? m : "",
                          cases[i].needle);
                test_rm_rf(dir);
                free(dir);
        }
}

/* The section with a malformed installed map: no model, the reason names
 * the file, the full feature list from the built-in table. */
Test(cpumap, section_with_malformed_map) {
        char *dir = test_mkdtemp(), *root = mini_x86_root();
        write_map10(dir);
        test_write(dir, "x86_Guest.xml", "<cpus><model name='Guest'><model name='Nope'/></model></cpus>");
        setenv("HOSTCAPS_CPU_MAP_DIR", dir, 1);
        /* clang-format off */
        char *path = write_dump(root, "d.xml",
                                "<cpudata arch='x86'>\n"
                                CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                                CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x10000000, 0x02000001)
                                CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                                "</cpudata>\n");
        /* clang-format on */
        hostcaps_node *node = open_root(root);
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_expect_null(hostcaps_cpu_model(cpu));
        cr_expect(hostcaps_cpu_model_reason(cpu) && strstr(hostcaps_cpu_model_reason(cpu), "x86_Guest.xml"),
                  "%s", hostcaps_cpu_model_reason(cpu));
        cr_expect_str_eq(hostcaps_cpu_feature_source(cpu), "builtin");
        cr_expect(hostcaps_cpu_has_feature(cpu, "avx"));
        char *doc = NULL;
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_JSON, &doc), 0);
        cr_expect(strstr(doc, "x86_Guest.xml"), "%s", doc);
        free(doc);
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        free(path);
        test_rm_rf(dir);
        test_rm_rf(root);
        free(dir);
        free(root);
}

/* A vendor the map does not know: models of every vendor compete, as in
 * libvirt; our own vendor name stays. */
Test(cpumap, unknown_vendor) {
        char *dir = test_mkdtemp(), *root = mini_x86_root();
        write_map10(dir);
        hostcaps_cpumap *map = NULL;
        cr_assert_eq(hostcaps_cpumap_load(dir, &map), 0, "%s", hostcaps_error_message());
        /* clang-format off */
        char *path = write_dump(root, "z.xml",
                                "<cpudata arch='x86'>\n"
                                CPUID_LINE(0x0, 0x0, 0x7, 0x746e6543, 0x736c7561, 0x48727561)
                                CPUID_LINE(0x1, 0x0, 0x000006f2, 0x0, 0x0, 0x02000001)
                                CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                                "</cpudata>\n");
        /* clang-format on */
        hostcaps_cpuid *c = load_dump(path);
        hostcaps_cpumap_x86 r;
        cr_assert_eq(decode_with_map(map, c, &r), 0);
        cr_expect_null(r.vendor);
        cr_expect_str_eq(r.model ? r.model : "(none)", "Base");
        cr_expect_eq(r.n_features, 0);
        hostcaps_cpumap_x86_done(&r);
        hostcaps_cpuid_free(c);
        hostcaps_cpumap_free(map);

        hostcaps_node *node = open_root(root);
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_expect_str_eq(hostcaps_cpu_vendor_id(cpu), "CentaurHauls");
        cr_expect_str_eq(hostcaps_cpu_vendor(cpu), "Centaur");
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        free(path);
        test_rm_rf(dir);
        test_rm_rf(root);
        free(dir);
        free(root);
}

/* The installed map is parsed once: a second node, a second probe, no
 * further map reading (the map has its own reader; timing the second probe
 * would be flaky, so this checks the shared object is the same). */
Test(cpumap, parsed_once) {
        REQUIRE_MAP();
        const hostcaps_cpumap *a = hostcaps_cpumap_get(NULL), *b = hostcaps_cpumap_get(NULL);
        cr_assert_not_null(a);
        cr_expect_eq(a, b);
}

/* ---- libvirt 11.x: its map, its rules ---------------------------------------- */

/* libvirt 11.3.0's host <cpu> for the ten shared dumps, made with 11.3.0's
 * map (../shared/fixtures/libvirt-11.3): with that map, through the section,
 * model, vendor, signature and the features beside the model, in order. */
Test(cpumap11, cputest_exact) {
        TEST_REQUIRE_FIXTURES(fx);
        char map[4096], dir[4096], expect[4096], *root = mini_x86_root();
        test_pathf(map, sizeof(map), "%s/libvirt-11.3/cpu_map", fx);
        test_pathf(expect, sizeof(expect), "%s/libvirt-11.3/cputest", fx);
        test_pathf(dir, sizeof(dir), "%s/libvirt/cputest", fx);
        setenv("HOSTCAPS_CPU_MAP_DIR", map, 1);
        char **names = subdirs(expect);
        size_t n = 0;
        for (size_t i = 0; names[i]; i++, n++) {
                char path[4096];
                expected_host want;
                unsigned fam, mod, step;
                test_pathf(path, sizeof(path), "%s/%s/expected-host.xml", expect, names[i]);
                parse_expected_host(path, &want);
                test_pathf(path, sizeof(path), "%s/%s/cpuid.xml", dir, names[i]);
                hostcaps_node *node = open_root(root);
                cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
                hostcaps_cpu *cpu = get_cpu(node);
                cr_expect_str_eq(hostcaps_cpu_feature_source(cpu), "cpu_map");
                cr_expect_str_eq(hostcaps_cpu_model(cpu) ? hostcaps_cpu_model(cpu) : "(none)", want.model,
                                 "%s: model (%s)", names[i], hostcaps_cpu_model_reason(cpu));
                cr_expect_str_eq(hostcaps_cpu_vendor(cpu), want.vendor, "%s", names[i]);
                cr_assert(hostcaps_cpu_signature(cpu, &fam, &mod, &step));
                cr_expect(fam == want.family && mod == want.model_number && step == want.stepping, "%s",
                          names[i]);
                char **ours = calloc(hostcaps_cpu_n_features(cpu) + 1, sizeof(char *));
                for (size_t k = 0; k < hostcaps_cpu_n_features(cpu); k++)
                        ours[k] = strdup(hostcaps_cpu_feature(cpu, k));
                char *a = strv_join(ours), *b = strv_join(want.features);
                cr_expect_str_eq(a, b, "%s:\n ours:    %s\n libvirt: %s", names[i], a, b);
                free(a);
                free(b);
                strv_free(ours);
                hostcaps_cpu_unref(cpu);
                hostcaps_node_unref(node);
                expected_host_free(&want);
        }
        cr_assert_eq(n, 10, "%zu cases in %s", n, expect);
        strv_free(names);
        test_rm_rf(root);
        free(root);
}

/* The rule set follows the map's content: 11.3's map (versioned models,
 * added='yes') calls for 11.x's rules, Debian's 9.0 map for 9.0's. */
Test(cpumap11, rules_from_the_map) {
        TEST_REQUIRE_FIXTURES(fx);
        char map[4096];
        hostcaps_cpumap *m = NULL;
        test_pathf(map, sizeof(map), "%s/libvirt-11.3/cpu_map", fx);
        cr_assert_eq(hostcaps_cpumap_load(map, &m), 0, "%s", hostcaps_error_message());
        cr_expect(strstr(hostcaps_cpumap_rules(m), "libvirt 11.x"), "%s", hostcaps_cpumap_rules(m));
        hostcaps_cpumap_free(m);
        if (map_installed() && installed_libvirt_version() == 9000) {
                cr_assert_eq(hostcaps_cpumap_load(LIBVIRT_MAP_DIR, &m), 0, "%s", hostcaps_error_message());
                cr_expect(strstr(hostcaps_cpumap_rules(m), "libvirt 9.0"), "%s", hostcaps_cpumap_rules(m));
                hostcaps_cpumap_free(m);
        }
}

/* A small map for the rules: Intel, four features (the last an MSR one,
 * as libvirt's vmx-* are), TSX. `models` is the body of x86_models.xml. */
static char *write_rule_map(const char *models) {
        char *dir = test_mkdtemp();
        cr_assert(dir);
        test_write(
                dir, "index.xml",
                "<cpus><arch name='x86'><include filename='x86_vendors.xml'/>"
                "<include filename='x86_features.xml'/><include filename='x86_models.xml'/></arch></cpus>\n");
        test_write(dir, "x86_vendors.xml", "<cpus><vendor name='Intel' string='GenuineIntel'/></cpus>\n");
        test_write(dir, "x86_features.xml",
                   "<cpus>"
                   "<feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/></feature>"
                   "<feature name='sse'><cpuid eax_in='0x01' edx='0x02000000'/></feature>"
                   "<feature name='avx'><cpuid eax_in='0x01' ecx='0x10000000'/></feature>"
                   "<feature name='hle'><cpuid eax_in='0x07' ecx_in='0x00' ebx='0x00000010'/></feature>"
                   "<feature name='rtm'><cpuid eax_in='0x07' ecx_in='0x00' ebx='0x00000800'/></feature>"
                   "<feature name='vmx-ept'><msr index='0x48b' edx='0x0' eax='0x00000002'/></feature>"
                   "</cpus>\n");
        char *body = NULL;
        cr_assert(asprintf(&body, "<cpus>%s</cpus>\n", models) > 0);
        test_write(dir, "x86_models.xml", body);
        free(body);
        return dir;
}

/* An Intel CPU of signature `eax` (leaf 1) with fpu, sse, avx, and hle and
 * rtm; no VMX MSRs. */
static hostcaps_cpuid *rule_cpu(const char *root, uint32_t eax) {
        char body[1024], *path;
        snprintf(body, sizeof(body),
                 "<cpudata arch='x86'>\n"
                 "<cpuid eax_in='0x0' ecx_in='0x0' eax='0x7' ebx='0x756e6547' ecx='0x6c65746e' "
                 "edx='0x49656e69'/>\n"
                 "<cpuid eax_in='0x1' ecx_in='0x0' eax='0x%08x' ebx='0x0' ecx='0x10000000' "
                 "edx='0x02000001'/>\n"
                 "<cpuid eax_in='0x7' ecx_in='0x0' eax='0x0' ebx='0x00000810' ecx='0x0' edx='0x0'/>\n"
                 "<cpuid eax_in='0x80000000' ecx_in='0x0' eax='0x80000000' ebx='0x0' ecx='0x0' edx='0x0'/>\n"
                 "</cpudata>\n",
                 eax);
        path = write_dump(root, "rule.xml", body);
        hostcaps_cpuid *c = load_dump(path);
        free(path);
        return c;
}

/* The model (or "(none)") and the features beside it, space-separated. */
static void rule_decode(const char *models, uint32_t eax, char **ret_model, char **ret_features,
                        char **ret_rules) {
        char *dir = write_rule_map(models), *root = test_mkdtemp();
        hostcaps_cpumap *map = NULL;
        cr_assert_eq(hostcaps_cpumap_load(dir, &map), 0, "%s", hostcaps_error_message());
        hostcaps_cpuid *c = rule_cpu(root, eax);
        hostcaps_cpumap_x86 r;
        cr_assert_eq(decode_with_map(map, c, &r), 0);
        char **v = calloc(r.n_features + 1, sizeof(char *));
        for (size_t i = 0; i < r.n_features; i++)
                v[i] = strdup(r.features[i]);
        *ret_model = strdup(r.model ? r.model : "(none)");
        *ret_features = strv_join(v);
        if (ret_rules)
                *ret_rules = strdup(r.rules);
        strv_free(v);
        hostcaps_cpumap_x86_done(&r);
        hostcaps_cpuid_free(c);
        hostcaps_cpumap_free(map);
        test_rm_rf(dir);
        test_rm_rf(root);
        free(dir);
        free(root);
}

#define MODEL(name, decode, body)                                                                            \
        "<model name='" name "'><decode host='" decode "' guest='on'/>" body "</model>"

/* A model whose signature matches the CPU wins over one that leaves fewer
 * features to list but whose signature does not. */
Test(cpurules, signature_beats_feature_count) {
        char *model, *features;
        const char *models = MODEL(
                "Exact", "on",
                "<signature family='6' model='85'/><vendor name='Intel'/><feature name='fpu'/>")
                MODEL("Closer", "on",
                      "<signature family='6' model='99'/><vendor name='Intel'/><feature name='fpu'/>"
                      "<feature name='sse'/><feature name='avx'/><feature name='hle'/><feature name='rtm'/>");
        rule_decode(models, 0x00050654, &model, &features, NULL); /* 6/85/4 */
        cr_expect_str_eq(model, "Exact");
        cr_expect_str_eq(features, "sse avx hle rtm");
        free(model), free(features);
        /* No signature matches (6/86): the count decides. */
        rule_decode(models, 0x00050664, &model, &features, NULL);
        cr_expect_str_eq(model, "Closer");
        cr_expect_str_eq(features, "");
        free(model), free(features);
}

/* A stepping range limits a signature. */
Test(cpurules, signature_stepping) {
        char *model, *features;
        const char *models =
                MODEL("Early", "on", "<signature family='6' model='85' stepping='0-3'/><feature name='fpu'/>")
                        MODEL("Late", "on",
                              "<signature family='6' model='85' stepping='4-15'/><feature name='fpu'/>");
        rule_decode(models, 0x00050652, &model, &features, NULL);
        cr_expect_str_eq(model, "Early");
        free(model), free(features);
        rule_decode(models, 0x00050657, &model, &features, NULL);
        cr_expect_str_eq(model, "Late");
        free(model), free(features);
}

/* A versioned model equal to its base: the tie keeps the one tried first,
 * the later in the map (libvirt 11.x names host CPUs "Base-v1"); a version
 * with a feature the CPU lacks is out; one with more of the CPU's features
 * wins. */
Test(cpurules, versioned_model_against_base) {
        char *model, *features, *rules;
        const char *base = MODEL("Base", "on",
                                 "<signature family='6' model='85'/><vendor name='Intel'/>"
                                 "<feature name='fpu'/><feature name='sse'/>");
        char *models = NULL;
        cr_assert(
                asprintf(&models, "%s%s%s", base,
                         "<model name='Base-v1'><decode host='on' guest='off'/><model name='Base'/></model>",
                         "<model name='Base-v2'><decode host='on' guest='off'/><model name='Base'/>"
                         "<feature name='vmx-ept'/></model>") > 0);
        rule_decode(models, 0x00050654, &model, &features, &rules);
        cr_expect_str_eq(model, "Base-v1");
        cr_expect_str_eq(features, "avx hle rtm");
        cr_expect(strstr(rules, "libvirt 11.x"), "%s", rules);
        free(model), free(features), free(rules), free(models);
        cr_assert(
                asprintf(&models, "%s%s%s", base,
                         "<model name='Base-v1'><decode host='on' guest='off'/><model name='Base'/></model>",
                         "<model name='Base-v2'><decode host='on' guest='off'/><model name='Base'/>"
                         "<feature name='avx'/></model>") > 0);
        rule_decode(models, 0x00050654, &model, &features, NULL);
        cr_expect_str_eq(model, "Base-v2");
        cr_expect_str_eq(features, "hle rtm");
        free(model), free(features), free(models);
}

/* decode host='off': the best fit never names a host CPU. */
Test(cpurules, decode_host_off) {
        char *model, *features, *rules;
        const char *models = MODEL("Small", "on", "<vendor name='Intel'/><feature name='fpu'/>")
                MODEL("Perfect", "off",
                      "<vendor name='Intel'/><feature name='fpu'/><feature name='sse'/>"
                      "<feature name='avx'/><feature name='hle'/><feature name='rtm'/>");
        rule_decode(models, 0x00050654, &model, &features, &rules);
        cr_expect_str_eq(model, "Small");
        cr_expect_str_eq(features, "sse avx hle rtm");
        /* Neither versioned models nor added features: 9.0's rules. */
        cr_expect(strstr(rules, "libvirt 9.0"), "%s", rules);
        free(model), free(features), free(rules);
}

/* Haswell's TSX erratum (Intel 6/60, 6/69, 6/70, 6/63 before stepping 4):
 * hle and rtm are dropped before the model is chosen. */
Test(cpurules, tsx_erratum) {
        char *model, *features;
        const char *models = MODEL("Haswell-noTSX", "on",
                                   "<signature family='6' model='63'/><vendor name='Intel'/>"
                                   "<feature name='fpu'/><feature name='sse'/>")
                MODEL("Haswell", "on",
                      "<signature family='6' model='63'/><vendor name='Intel'/>"
                      "<feature name='fpu'/><feature name='sse'/><feature name='hle'/>"
                      "<feature name='rtm'/>");
        rule_decode(models, 0x000306f2, &model, &features, NULL); /* 6/63/2 */
        cr_expect_str_eq(model, "Haswell-noTSX");
        cr_expect_str_eq(features, "avx");
        free(model), free(features);
        rule_decode(models, 0x000306f4, &model, &features, NULL); /* 6/63/4: fixed */
        cr_expect_str_eq(model, "Haswell");
        cr_expect_str_eq(features, "avx");
        free(model), free(features);
        /* 6/60, any stepping: no signature matches; without TSX only
         * Haswell-noTSX fits. */
        rule_decode(models, 0x000306c3, &model, &features, NULL);
        cr_expect_str_eq(model, "Haswell-noTSX");
        cr_expect_str_eq(features, "avx");
        free(model), free(features);
}

/* libvirt 11.x: a feature a model marks added='yes' (and the versions built
 * on it inherit) is not required of the host; without the mark it is. */
Test(cpurules, added_features_not_required) {
        char *model, *features, *rules;
        const char *models = MODEL("Old", "on", "<vendor name='Intel'/><feature name='fpu'/>")
                MODEL("New", "on",
                      "<vendor name='Intel'/><feature name='fpu'/><feature name='sse'/>"
                      "<feature name='vmx-ept' added='yes'/>") "<model name='New-v1'><decode host='on' "
                                                               "guest='off'/><model name='New'/></model>";
        rule_decode(models, 0x00050654, &model, &features, &rules);
        cr_expect_str_eq(model, "New-v1");
        cr_expect_str_eq(features, "avx hle rtm");
        cr_expect(strstr(rules, "libvirt 11.x"), "%s", rules);
        free(model), free(features), free(rules);
        models = MODEL("Old", "on", "<vendor name='Intel'/><feature name='fpu'/>")
                MODEL("New", "on",
                      "<vendor name='Intel'/><feature name='fpu'/><feature name='sse'/>"
                      "<feature name='vmx-ept'/>");
        rule_decode(models, 0x00050654, &model, &features, NULL);
        cr_expect_str_eq(model, "Old");
        free(model), free(features);
}

/* Through the section, the model reason names the rule set when no model
 * fits. */
Test(cpurules, reason_names_the_rules) {
        char *dir = write_rule_map(MODEL("Big", "on", "<vendor name='Intel'/><feature name='vmx-ept'/>")),
             *root = mini_x86_root();
        setenv("HOSTCAPS_CPU_MAP_DIR", dir, 1);
        /* clang-format off */
        char *path = write_dump(root, "d.xml",
                                "<cpudata arch='x86'>\n"
                                CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                                CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x10000000, 0x02000001)
                                CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                                "</cpudata>\n");
        /* clang-format on */
        hostcaps_node *node = open_root(root);
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        hostcaps_cpu *cpu = get_cpu(node);
        cr_expect_null(hostcaps_cpu_model(cpu));
        const char *why = hostcaps_cpu_model_reason(cpu);
        cr_expect(why && strstr(why, "no model") && strstr(why, "libvirt 9.0"), "%s", why ? why : "(null)");
        hostcaps_cpu_unref(cpu);
        hostcaps_node_unref(node);
        free(path);
        test_rm_rf(dir);
        test_rm_rf(root);
        free(dir);
        free(root);
}

/* ---- hostile maps: the work stays linear, bounded ------------------------------ */

/* A map of the given x86 model files (index.xml includes vendors, features
 * and then `includes`, already formatted <include/>s). */
static char *write_big_map(const char *includes) {
        char *dir = write_rule_map(""), *index = NULL;
        cr_assert(asprintf(&index,
                           "<cpus><arch name='x86'><include filename='x86_vendors.xml'/>"
                           "<include filename='x86_features.xml'/>%s</arch></cpus>\n",
                           includes) > 0);
        test_write(dir, "index.xml", index);
        free(index);
        return dir;
}

static void expect_refused(const char *dir, const char *needle) {
        hostcaps_cpumap *map = NULL;
        cr_expect_lt(hostcaps_cpumap_load(dir, &map), 0, "a map asking for %s loaded", needle);
        cr_expect_null(map);
        const char *m = hostcaps_error_message();
        cr_expect(m && strstr(m, needle), "'%s' does not say %s", m ? m : "", needle);
}

/* Three 4 KB files of 150 includes each used to be 150^3 parses (3.4 M,
 * minutes); a file is now read once, and a second include of it refused. */
Test(cpumap_bounds, includes_repeated) {
        FILE *f;
        char *a = NULL, *b = NULL;
        size_t la, lb;
        cr_assert(f = open_memstream(&a, &la));
        fputs("<cpus>", f);
        for (int i = 0; i < 150; i++)
                fputs("<include filename='x86_b.xml'/>", f);
        fputs("</cpus>\n", f);
        fclose(f);
        cr_assert(f = open_memstream(&b, &lb));
        fputs("<cpus>", f);
        for (int i = 0; i < 150; i++)
                fputs("<include filename='x86_c.xml'/>", f);
        fputs("</cpus>\n", f);
        fclose(f);
        char *dir = write_big_map("<include filename='x86_a.xml'/>");
        test_write(dir, "x86_a.xml", a);
        test_write(dir, "x86_b.xml", b);
        test_write(dir, "x86_c.xml", "<cpus/>\n");
        /* x86_b.xml, read once, includes x86_c.xml a second time. */
        expect_refused(dir, "included twice");
        const char *m = hostcaps_error_message();
        cr_expect(m && strstr(m, "x86_b.xml") && strstr(m, "x86_c.xml"), "%s", m ? m : "");
        free(a);
        free(b);
        test_rm_rf(dir);
        free(dir);
}

/* Many distinct files: refused past HOSTCAPS_CPUMAP_MAX_FILES. */
Test(cpumap_bounds, too_many_files) {
        FILE *f;
        char *inc = NULL, name[64];
        size_t len;
        cr_assert(f = open_memstream(&inc, &len));
        for (int i = 0; i < HOSTCAPS_CPUMAP_MAX_FILES + 10; i++)
                fprintf(f, "<include filename='x86_m%d.xml'/>", i);
        fclose(f);
        char *dir = write_big_map(inc);
        for (int i = 0; i < HOSTCAPS_CPUMAP_MAX_FILES + 10; i++) {
                /* fopen, not test_write: a shell per file is slow. */
                char path[4096];
                snprintf(name, sizeof(name), "x86_m%d.xml", i);
                test_pathf(path, sizeof(path), "%s/%s", dir, name);
                FILE *w = fopen(path, "w");
                cr_assert(w, "%s", path);
                fputs("<cpus/>\n", w);
                fclose(w);
        }
        expect_refused(dir, "more than 1024 files");
        free(inc);
        test_rm_rf(dir);
        free(dir);
}

/* A file of `n` models, the last `last` (others named m<i>). */
static char *many_models(size_t n, const char *last) {
        FILE *f;
        char *s = NULL;
        size_t len;
        cr_assert(f = open_memstream(&s, &len));
        fputs("<cpus>", f);
        for (size_t i = 0; i + 1 < n; i++)
                fprintf(f,
                        "<model name='m%zu'><decode host='on' guest='on'/><vendor name='Intel'/>"
                        "<feature name='fpu'/></model>\n",
                        i);
        fputs(last, f);
        fputs("</cpus>\n", f);
        fclose(f);
        return s;
}

/* 160k models took 42 s (a linear search per model); refused now, fast,
 * past HOSTCAPS_CPUMAP_MAX_ENTRIES. */
Test(cpumap_bounds, too_many_models) {
        char *dir = write_big_map("<include filename='x86_many.xml'/>");
        char *models = many_models(160000, "");
        test_write(dir, "x86_many.xml", models);
        expect_refused(dir, "more than 16384 models");
        free(models);
        test_rm_rf(dir);
        free(dir);
}

/* Just under the bound, the map loads and answers: the last model fitting
 * best, found among 16k by name. */
Test(cpumap_bounds, many_models_answer) {
        char *dir = write_big_map("<include filename='x86_many.xml'/>"), *root = test_mkdtemp();
        char *models = many_models(HOSTCAPS_CPUMAP_MAX_ENTRIES - 1,
                                   "<model name='Best'><decode host='on' guest='on'/><model name='m7'/>"
                                   "<feature name='sse'/><feature name='avx'/></model>"
                                   "<model name='Best-v1'><decode host='on' guest='off'/><model name='Best'/>"
                                   "</model>");
        test_write(dir, "x86_many.xml", models);
        hostcaps_cpumap *map = NULL;
        cr_assert_eq(hostcaps_cpumap_load(dir, &map), 0, "%s", hostcaps_error_message());
        hostcaps_cpuid *c = rule_cpu(root, 0x00050654);
        hostcaps_cpumap_x86 r;
        cr_assert_eq(decode_with_map(map, c, &r), 0);
        cr_expect_str_eq(r.model ? r.model : "(none)", "Best-v1");
        cr_expect_eq(r.n_features, 2); /* hle rtm */
        hostcaps_cpumap_x86_done(&r);
        hostcaps_cpuid_free(c);
        hostcaps_cpumap_free(map);
        free(models);
        test_rm_rf(dir);
        test_rm_rf(root);
        free(dir);
        free(root);
}

/* Signatures copied into every model built on a model with many of them:
 * counted, and refused past HOSTCAPS_CPUMAP_MAX_SIGNATURES. */
Test(cpumap_bounds, inherited_signatures) {
        FILE *f;
        char *s = NULL;
        size_t len;
        cr_assert(f = open_memstream(&s, &len));
        fputs("<cpus><model name='Wide'><decode host='on' guest='on'/>", f);
        for (int i = 0; i < 2000; i++)
                fprintf(f, "<signature family='6' model='%d'/>", i);
        fputs("</model>", f);
        for (int i = 0; i < 200; i++)
                fprintf(f, "<model name='W%d'><decode host='on' guest='off'/><model name='Wide'/></model>",
                        i);
        fputs("</cpus>\n", f);
        fclose(f);
        char *dir = write_big_map("<include filename='x86_wide.xml'/>");
        test_write(dir, "x86_wide.xml", s);
        expect_refused(dir, "more than 262144 signatures");
        free(s);
        test_rm_rf(dir);
        free(dir);
}

/* ---- CPUID dumps that are not one ----------------------------------------------- */

static void expect_dump_refused(const char *body, const char *needle) {
        char *root = test_mkdtemp(), *path = write_dump(root, "d.txt", body);
        hostcaps_reader *r = NULL;
        hostcaps_cpuid *c = NULL;
        cr_assert_eq(hostcaps_reader_new(&r, "/"), 0);
        cr_expect_lt(hostcaps_cpuid_load(r, path, &c), 0, "accepted: %s", body);
        cr_expect_null(c);
        const char *m = hostcaps_error_message();
        cr_expect(m && strstr(m, needle) && strstr(m, "d.txt"), "'%s' does not name %s", m ? m : "", needle);
        hostcaps_reader_free(r);
        test_rm_rf(root);
        free(path);
        free(root);
}

Test(cpuid_dump, text_is_not_a_dump) {
        expect_dump_refused("hello world\n", "");
        expect_dump_refused("", "");
}

/* libcpuid's raw format holding leaf 0 only (without libcpuid the format
 * is refused as such). */
Test(cpuid_dump, raw_dump_with_leaf_0_only) {
        expect_dump_refused("basic_cpuid[0]=00000000 756e6547 6c65746e 49656e69\n", "");
        const char *m = hostcaps_error_message();
        cr_expect(m && (strstr(m, "leaf 0x1") || strstr(m, "needs libcpuid")), "%s", m ? m : "");
}

Test(cpuid_dump, cpudata_of_another_arch) {
        /* clang-format off */
        expect_dump_refused("<cpudata arch='arm'>\n"
                            CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                            CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x0, 0x0)
                            CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                            "</cpudata>\n",
                            "arch='arm'");
        /* clang-format on */
        /* clang-format off */
        expect_dump_refused("<cpudata>\n"
                            CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                            "</cpudata>\n",
                            "'arch'");
        /* clang-format on */
}

Test(cpuid_dump, leaves_identity_needs) {
        /* clang-format off */
        expect_dump_refused("<cpudata arch='x86'>\n"
                            CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                            "</cpudata>\n",
                            "leaf 0x1 (signature)");
        /* clang-format on */
        /* clang-format off */
        expect_dump_refused("<cpudata arch='x86'>\n"
                            CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x0, 0x0)
                            CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                            "</cpudata>\n",
                            "leaf 0x0 (vendor)");
        /* clang-format on */
        /* clang-format off */
        expect_dump_refused("<cpudata arch='x86'>\n"
                            CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                            CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x0, 0x0)
                            "</cpudata>\n",
                            "leaf 0x80000000 (extended range)");
        /* clang-format on */
        /* clang-format off */
        expect_dump_refused("<cpudata arch='x86'>\n"
                            CPUID_LINE(0x0, 0x0, 0x0, 0x756e6547, 0x6c65746e, 0x49656e69)
                            CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x0, 0x0)
                            CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0)
                            "</cpudata>\n",
                            "states no leaf 0x1");
        /* clang-format on */
        /* clang-format off */
        expect_dump_refused("<cpudata arch='x86'>\n"
                            CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                            CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x0, 0x0)
                            CPUID_LINE(0x80000000, 0x0, 0x0, 0x0, 0x0, 0x0)
                            "</cpudata>\n",
                            "lacks leaf 0x80000000");
        /* clang-format on */
        /* clang-format off */
        expect_dump_refused("<cpudata arch='x86'>\n"
                            CPUID_LINE(0x0, 0x0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69)
                            CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x0, 0x0)
                            CPUID_LINE(0x80000000, 0x0, 0x7fffffff, 0x0, 0x0, 0x0)
                            "</cpudata>\n",
                            "no extended range");
        /* clang-format on */
}

/* Through the section: the probe fails, naming the dump (the tool exits 1
 * with that message). */
Test(cpuid_dump, section_refuses) {
        char *root = mini_x86_root();
        char *path = write_dump(root, "hello.txt", "hello world\n");
        hostcaps_node *node = open_root(root);
        hostcaps_cpu *cpu = NULL;
        cr_assert_eq(hostcaps_node_set_cpuid_file(node, path), 0);
        cr_expect_lt(hostcaps_node_get_cpu(node, 0, &cpu), 0);
        cr_expect_null(cpu);
        cr_expect(hostcaps_error_message() && strstr(hostcaps_error_message(), "hello.txt"), "%s",
                  hostcaps_error_message() ? hostcaps_error_message() : "");
        hostcaps_node_unref(node);
        free(path);
        test_rm_rf(root);
        free(root);
}

/* A dump whose leaf 0 states more basic leaves than any CPU has (0x40d) is
 * written back with leaves 0-0xff, leaf 1 among them (it was written with
 * leaf 0 alone, which no longer loads). */
Test(cpuid_dump, written_back_with_a_wide_basic_range) {
        char *root = test_mkdtemp();
        /* clang-format off */
        char *path = write_dump(root, "wide.xml",
                                "<cpudata arch='x86'>\n"
                                CPUID_LINE(0x0, 0x0, 0x40d, 0x756e6547, 0x6c65746e, 0x49656e69)
                                CPUID_LINE(0x1, 0x0, 0x00050654, 0x0, 0x0, 0x0)
                                CPUID_LINE(0x80000000, 0x0, 0x80000008, 0x0, 0x0, 0x0)
                                "</cpudata>\n");
        /* clang-format on */
        hostcaps_cpuid *c = load_dump(path), *again;
        char *xml = hostcaps_cpuid_format_xml(c);
        cr_assert(xml);
        free(path);
        path = write_dump(root, "again.xml", xml);
        again = load_dump(path);
        uint32_t a[4], b[4];
        hostcaps_cpuid_get(c, 1, 0, a);
        hostcaps_cpuid_get(again, 1, 0, b);
        cr_expect_eq(memcmp(a, b, sizeof(a)), 0);
        hostcaps_cpuid_free(again);
        hostcaps_cpuid_free(c);
        free(xml);
        free(path);
        test_rm_rf(root);
        free(root);
}

/* An older or hand-edited map: no <decode> (every model may name a host),
 * elements this code does not know, features with aliases; 9.0's rules.
 * A hand-added added='yes' alone asks for 11.x's. */
Test(cpurules, older_and_hand_edited_maps) {
        char *model, *features, *rules;
        const char *models =
                "<model name='Plain'><vendor name='Intel'/><feature name='fpu'/><future x='1'/></model>"
                "<model name='Wider'><check partial='compat'/><model name='Plain'/>"
                "<feature name='sse'/><feature name='avx'/></model>";
        rule_decode(models, 0x00050654, &model, &features, &rules);
        cr_expect_str_eq(model, "Wider");
        cr_expect_str_eq(features, "hle rtm");
        cr_expect(strstr(rules, "libvirt 9.0"), "%s", rules);
        free(model), free(features), free(rules);
        models = "<model name='Plain'><vendor name='Intel'/><feature name='fpu'/></model>"
                 "<model name='Wider'><model name='Plain'/><feature name='sse'/>"
                 "<feature name='vmx-ept' added='yes'/></model>";
        rule_decode(models, 0x00050654, &model, &features, &rules);
        cr_expect_str_eq(model, "Wider");
        cr_expect_str_eq(features, "avx hle rtm");
        cr_expect(strstr(rules, "libvirt 11.x"), "%s", rules);
        free(model), free(features), free(rules);
}

/* ---- the compiled map ------------------------------------------------------ */

/* The map compiled in at build time (cmake/cpumap.cmake), or a skip: none
 * was installed at build time, or the installed map changed since (the
 * next build compiles it again; until then the library parses). */
static const hostcaps_cpumap *require_compiled(void) {
        hostcaps_cpumap_stamp now;
        if (!hostcaps_cpumap_compiled_in.map) {
                fprintf(stderr, "SKIP: no map was installed at build time\n");
                cr_skip_test("no compiled map");
        }
        if (hostcaps_cpumap_stamp_take(hostcaps_cpumap_compiled_in.dir, &now) < 0 ||
            !hostcaps_cpumap_stamp_equal(&now, &hostcaps_cpumap_compiled_in.stamp)) {
                fprintf(stderr, "SKIP: %s changed since the build\n", hostcaps_cpumap_compiled_in.dir);
                cr_skip_test("the map changed since the build");
        }
        return hostcaps_cpumap_compiled_in.map;
}

static void expect_same_table(const name_table *a, const name_table *b, const char *what) {
        cr_assert_eq(a->size, b->size, "%s: table size", what);
        cr_expect_eq(a->n, b->n, "%s: table entries", what);
        for (size_t i = 0; i < a->size; i++) {
                cr_assert_eq(!a->slots[i].name, !b->slots[i].name, "%s: slot %zu", what, i);
                if (a->slots[i].name) {
                        cr_expect_str_eq(a->slots[i].name, b->slots[i].name, "%s: slot %zu", what, i);
                        cr_expect_eq(a->slots[i].index, b->slots[i].index, "%s: slot %zu", what, i);
                }
        }
}

/* Every field of two maps equal, name tables included: then no input can
 * decode differently. */
static void expect_same_map(const hostcaps_cpumap *a, const hostcaps_cpumap *b) {
        cr_expect_eq(a->rules, b->rules);
        for (size_t k = 0; k < N_ARCHS; k++) {
                const map_arch *x = &a->arch[k], *y = &b->arch[k];
                cr_assert_eq(x->n_vendors, y->n_vendors, "arch %zu", k);
                for (size_t i = 0; i < x->n_vendors; i++) {
                        cr_expect_str_eq(x->vendors[i].name, y->vendors[i].name);
                        cr_expect_str_eq(x->vendors[i].id, y->vendors[i].id);
                        cr_expect_eq(x->vendors[i].value, y->vendors[i].value);
                }
                cr_assert_eq(x->n_features, y->n_features, "arch %zu", k);
                for (size_t i = 0; i < x->n_features; i++) {
                        const map_feature *f = &x->features[i], *g = &y->features[i];
                        cr_expect_str_eq(f->name, g->name);
                        cr_assert_eq(f->n_items, g->n_items, "%s", f->name);
                        for (size_t j = 0; j < f->n_items; j++) {
                                cr_expect_str_eq(f->items[j].name, g->items[j].name);
                                cr_expect(f->items[j].leaf == g->items[j].leaf &&
                                                  f->items[j].subleaf == g->items[j].subleaf &&
                                                  memcmp(f->items[j].mask, g->items[j].mask,
                                                         sizeof(f->items[j].mask)) == 0 &&
                                                  f->items[j].msr_index == g->items[j].msr_index,
                                          "%s: item %zu", f->name, j);
                        }
                }
                cr_assert_eq(x->n_models, y->n_models, "arch %zu", k);
                for (size_t i = 0; i < x->n_models; i++) {
                        const map_model *m = &x->models[i], *n = &y->models[i];
                        cr_expect_str_eq(m->name, n->name);
                        cr_expect(m->decode_host == n->decode_host && m->vendor == n->vendor, "%s", m->name);
                        cr_assert_eq(m->n_sigs, n->n_sigs, "%s", m->name);
                        cr_expect(!m->n_sigs || memcmp(m->sigs, n->sigs, m->n_sigs * sizeof(*m->sigs)) == 0,
                                  "%s", m->name);
                        cr_assert_eq(m->n_pvrs, n->n_pvrs, "%s", m->name);
                        cr_expect(!m->n_pvrs || memcmp(m->pvrs, n->pvrs, m->n_pvrs * sizeof(*m->pvrs)) == 0,
                                  "%s", m->name);
                        cr_expect(hostcaps_bitmap_equal(m->features, n->features), "%s: features", m->name);
                        cr_expect(hostcaps_bitmap_equal(m->added, n->added), "%s: added", m->name);
                }
                expect_same_table(&x->vendor_names, &y->vendor_names, "vendors");
                expect_same_table(&x->feature_names, &y->feature_names, "features");
                expect_same_table(&x->model_names, &y->model_names, "models");
        }
}

static char *join_names(const char **v, size_t n) {
        char *s = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&s, &len);
        for (size_t i = 0; i < n; i++)
                fprintf(m, "%s%s", i ? " " : "", v[i]);
        fclose(m);
        return s;
}

/* One CPU decoded with both maps: the same answer, field by field. */
static void expect_same_decode(const hostcaps_cpumap *a, const hostcaps_cpumap *b, const hostcaps_cpuid *c,
                               const char *what) {
        hostcaps_cpumap_x86 x, y;
        cr_assert_eq(decode_with_map(a, c, &x), 0, "%s", what);
        cr_assert_eq(decode_with_map(b, c, &y), 0, "%s", what);
        cr_expect_str_eq(x.rules, y.rules, "%s", what);
        cr_expect_str_eq(x.vendor ? x.vendor : "(none)", y.vendor ? y.vendor : "(none)", "%s", what);
        cr_expect_str_eq(x.model ? x.model : "(none)", y.model ? y.model : "(none)", "%s", what);
        char *f = join_names(x.features, x.n_features), *g = join_names(y.features, y.n_features);
        char *h = join_names(x.all, x.n_all), *i = join_names(y.all, y.n_all);
        cr_expect_str_eq(f, g, "%s: features beside the model", what);
        cr_expect_str_eq(h, i, "%s: all features", what);
        free(f), free(g), free(h), free(i);
        hostcaps_cpumap_x86_done(&x);
        hostcaps_cpumap_x86_done(&y);
}

/* The compiled map is the parsed map, field by field. */
Test(cpumap_compiled, same_as_parsed) {
        const hostcaps_cpumap *compiled = require_compiled();
        hostcaps_cpumap *parsed = NULL;
        cr_assert_eq(hostcaps_cpumap_load(hostcaps_cpumap_compiled_in.dir, &parsed), 0, "%s",
                     hostcaps_error_message());
        expect_same_map(compiled, parsed);
        cr_expect_str_eq(hostcaps_cpumap_rules(compiled), hostcaps_cpumap_rules(parsed));
        hostcaps_cpumap_free(parsed);
}

/* Every CPUID dump of the tests decodes the same with the compiled map as
 * with the map parsed: libvirt's cputest CPUs, the recorded snapshot, and
 * the CPUs this file generates (the rule CPUs across signatures, the TSC
 * and MSR dumps). */
Test(cpumap_compiled, decodes_every_test_cpu) {
        const hostcaps_cpumap *compiled = require_compiled();
        hostcaps_cpumap *parsed = NULL;
        char pattern[4096], *root = mini_x86_root();
        size_t n = 0;
        glob_t g;
        cr_assert_eq(hostcaps_cpumap_load(hostcaps_cpumap_compiled_in.dir, &parsed), 0, "%s",
                     hostcaps_error_message());

        const char *fx = test_fixtures_dir();
        if (fx) {
                test_pathf(pattern, sizeof(pattern), "%s/libvirt/cputest/*/cpuid.xml", fx);
                cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "no dumps match %s", pattern);
                for (size_t i = 0; i < g.gl_pathc; i++, n++) {
                        hostcaps_cpuid *c = load_dump(g.gl_pathv[i]);
                        expect_same_decode(compiled, parsed, c, g.gl_pathv[i]);
                        hostcaps_cpuid_free(c);
                }
                globfree(&g);
        }
        test_pathf(pattern, sizeof(pattern), "%s/tests/snapshots/*/" HOSTCAPS_SNAPSHOT_CPUID,
                   HOSTCAPS_SOURCE_DIR);
        if (glob(pattern, 0, NULL, &g) == 0) {
                for (size_t i = 0; i < g.gl_pathc; i++, n++) {
                        hostcaps_cpuid *c = load_dump(g.gl_pathv[i]);
                        expect_same_decode(compiled, parsed, c, g.gl_pathv[i]);
                        hostcaps_cpuid_free(c);
                }
                globfree(&g);
        }
        /* Signatures of the cputest CPUs and of the TSX erratum. */
        static const uint32_t eax[] = {0x000106ca, 0x000206a7, 0x000306c3, 0x000306f2,
                                       0x00050654, 0x000806ea, 0x000606a6, 0x00040661,
                                       0x00800f12, 0x00a00f11, 0x00600f12, 0x00900f01};
        for (size_t i = 0; i < ELEMENTSOF(eax); i++, n++) {
                char what[64];
                hostcaps_cpuid *c = rule_cpu(root, eax[i]);
                snprintf(what, sizeof(what), "generated CPU, signature 0x%08x", eax[i]);
                expect_same_decode(compiled, parsed, c, what);
                hostcaps_cpuid_free(c);
        }
        char *path = write_dump(root, "tsc.xml", amd_tsc_dump);
        hostcaps_cpuid *c = load_dump(path);
        expect_same_decode(compiled, parsed, c, "generated AMD CPU with a TSC");
        hostcaps_cpuid_free(c);
        free(path);
        path = write_dump(
                root, "msr.xml",
                "<cpudata arch='x86'>\n" CPUID_LINE(0x0, 0x0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69)
                        CPUID_LINE(0x1, 0x0, 0x000806ea, 0x0, 0x0, 0x0)
                                CPUID_LINE(0x80000000, 0x0, 0x80000000, 0x0, 0x0, 0x0) CPUID_LINE(
                                        0x7, 0x0, 0x0, 0x0, 0x0,
                                        0x60000000) "<msr index='0x10a' edx='0x00000000' eax='0x00000041'/>\n"
                                                    "<msr index='0xcf' edx='0x00000000' eax='0x00000020'/>\n"
                                                    "</cpudata>\n");
        c = load_dump(path);
        expect_same_decode(compiled, parsed, c, "generated Intel CPU with MSRs");
        hostcaps_cpuid_free(c);
        free(path);
        n += 2;
        cr_expect_geq(n, 14);
        hostcaps_cpumap_free(parsed);
        test_rm_rf(root);
        free(root);
}

/* The installed map, unchanged since the build: the compiled one, nothing
 * parsed. */
Test(cpumap_compiled, used_while_stamp_matches) {
        require_compiled();
        unsetenv("HOSTCAPS_CPU_MAP_DIR");
        if (strcmp(hostcaps_cpu_map_dir(), hostcaps_cpumap_compiled_in.dir) != 0)
                cr_skip_test("compiled from %s, not the default map", hostcaps_cpumap_compiled_in.dir);
        cr_expect(hostcaps_cpumap_is_compiled(hostcaps_cpumap_get(NULL)));
}

/* A changed stamp falls back to parsing: a map compiled from a directory
 * whose index.xml was touched since, or replaced, is not used; the map is
 * read as it is now. Any map serves: a generated one. */
Test(cpumap_compiled, changed_stamp_parses) {
        char *dir = write_rule_map(MODEL("Only", "on", "<vendor name='Intel'/><feature name='fpu'/>"));
        char index[4096];
        hostcaps_cpumap *old = NULL;
        const hostcaps_cpumap *m = NULL;
        bool parsed = true;
        cr_assert_eq(hostcaps_cpumap_load(dir, &old), 0, "%s", hostcaps_error_message());
        hostcaps_cpumap_compiled compiled = {.map = old, .dir = dir};
        cr_assert_eq(hostcaps_cpumap_stamp_take(dir, &compiled.stamp), 0);

        cr_assert_eq(hostcaps_cpumap_open(dir, &compiled, &m, &parsed), 0);
        cr_expect(!parsed && m == old, "an unchanged map was parsed");

        /* touch -d '2001-01-01' index.xml */
        test_pathf(index, sizeof(index), "%s/index.xml", dir);
        struct timespec t[2] = {{978307200, 0}, {978307200, 0}};
        cr_assert_eq(utimensat(AT_FDCWD, index, t, 0), 0);
        cr_assert_eq(hostcaps_cpumap_open(dir, &compiled, &m, &parsed), 0, "%s", hostcaps_error_message());
        cr_expect(parsed && m != old, "a touched index.xml did not make the map parsed");
        if (parsed && m != old)
                hostcaps_cpumap_free((hostcaps_cpumap *)m);

        /* A new index.xml renamed over the old one, as package managers do:
         * a new inode. */
        cr_assert_eq(hostcaps_cpumap_stamp_take(dir, &compiled.stamp), 0);
        char *content = test_read_file(index);
        test_write(dir, "index.new", content);
        free(content);
        char renamed[4096];
        test_pathf(renamed, sizeof(renamed), "%s/index.new", dir);
        cr_assert_eq(rename(renamed, index), 0);
        cr_assert_eq(hostcaps_cpumap_open(dir, &compiled, &m, &parsed), 0, "%s", hostcaps_error_message());
        cr_expect(parsed && m != old, "a replaced index.xml did not make the map parsed");
        if (parsed && m != old)
                hostcaps_cpumap_free((hostcaps_cpumap *)m);

        /* Another directory never takes the compiled map. */
        char *other = write_rule_map(MODEL("Only", "on", "<vendor name='Intel'/><feature name='fpu'/>"));
        cr_assert_eq(hostcaps_cpumap_stamp_take(dir, &compiled.stamp), 0);
        cr_assert_eq(hostcaps_cpumap_open(other, &compiled, &m, &parsed), 0, "%s", hostcaps_error_message());
        cr_expect(parsed && m != old);
        if (parsed && m != old)
                hostcaps_cpumap_free((hostcaps_cpumap *)m);

        /* No map there: not installed, whatever was compiled. */
        test_rm_rf(dir);
        cr_expect_eq(hostcaps_cpumap_open(dir, &compiled, &m, &parsed), -ENOENT);
        hostcaps_error_reset();
        hostcaps_cpumap_free(old);
        test_rm_rf(other);
        free(other);
        free(dir);
}

/* $HOSTCAPS_CPU_MAP_DIR naming a copy of the installed map (same files,
 * another directory): that map is parsed, and answers as the compiled one. */
Test(cpumap_compiled, map_dir_elsewhere_is_parsed) {
        const hostcaps_cpumap *compiled = require_compiled();
        char *copy = test_mkdtemp(), cmd[8192];
        test_pathf(cmd, sizeof(cmd), "cp -a '%s'/. '%s'/", hostcaps_cpumap_compiled_in.dir, copy);
        cr_assert_eq(system(cmd), 0);
        setenv("HOSTCAPS_CPU_MAP_DIR", copy, 1);
        const hostcaps_cpumap *m = hostcaps_cpumap_get(NULL);
        cr_assert_not_null(m);
        cr_expect(!hostcaps_cpumap_is_compiled(m));
        expect_same_map(compiled, m);
        test_rm_rf(copy);
        free(copy);
}
