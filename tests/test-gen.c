/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The synthetic sysroot generator, checked three ways: lscpu and hwloc (two
 * independent readers of sysfs) must see the shape that was asked for; the
 * files must hold exactly what the expected-value functions say; and lists
 * and masks of the same set must agree when read by the library's parsers. */
#include <errno.h>
#include <stdarg.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* criterion.h first: parameterized.h alone leaves Test() undefined. */
#include "test-util.h"
#include <criterion/parameterized.h>

#include "host/bitmap.h"
#include "host/parse.h"
#include "sysroot-gen.h"

static char *tmpdir;

/* Trees are thousands of small files: on a busy disk the 1024-CPU one takes
 * tens of seconds to write and remove, on tmpfs a fraction of one. Unless
 * TMPDIR says where, use /dev/shm when it is writable and roomy. */
static void pick_tmpdir(void) {
        struct statvfs st;
        const char *t = getenv("TMPDIR");
        if (t && *t)
                return;
        if (statvfs("/dev/shm", &st) == 0 && (uint64_t)st.f_bavail * st.f_frsize >= (UINT64_C(1) << 30) &&
            access("/dev/shm", W_OK) == 0)
                setenv("TMPDIR", "/dev/shm", 1);
}

static void cleanup(void) {
        test_rm_rf(tmpdir);
        free(tmpdir);
        tmpdir = NULL;
}

TestSuite(gen, .init = pick_tmpdir, .fini = cleanup);

/* Generate a shape into a fresh directory, removed after the test. */
static const char *generate(const gen_shape *s) {
        int r;
        tmpdir = test_mkdtemp();
        cr_assert(tmpdir, "mkdtemp: %s", strerror(errno));
        r = gen_sysroot(tmpdir, s);
        cr_assert_eq(r, 0, "gen_sysroot: %s (%s)", strerror(-r), gen_shape_error(s) ?: "shape ok");
        return tmpdir;
}

/* A file below root without its trailing newline; NULL when missing. */
__attribute__((format(printf, 2, 3))) static char *slurp(const char *root, const char *fmt, ...) {
        char *rel = NULL, *path = NULL, *buf = NULL;
        size_t len = 0;
        va_list ap;
        FILE *f;
        va_start(ap, fmt);
        cr_assert(vasprintf(&rel, fmt, ap) >= 0);
        va_end(ap);
        cr_assert(asprintf(&path, "%s/%s", root, rel) >= 0);
        f = fopen(path, "re");
        if (f) {
                FILE *m = open_memstream(&buf, &len);
                int c;
                cr_assert(m);
                while ((c = fgetc(f)) != EOF)
                        fputc(c, m);
                fclose(m);
                fclose(f);
                while (len > 0 && buf[len - 1] == '\n')
                        buf[--len] = '\0';
        }
        free(rel);
        free(path);
        return buf;
}

__attribute__((format(printf, 2, 3))) static bool exists(const char *root, const char *fmt, ...) {
        char *rel = NULL, *path = NULL;
        va_list ap;
        bool r;
        va_start(ap, fmt);
        cr_assert(vasprintf(&rel, fmt, ap) >= 0);
        va_end(ap);
        cr_assert(asprintf(&path, "%s/%s", root, rel) >= 0);
        r = access(path, F_OK) == 0;
        free(rel);
        free(path);
        return r;
}

/* The file's content must be `want`. */
#define expect_file(want, root, ...)                                                                         \
        do {                                                                                                 \
                char *_got = slurp(root, __VA_ARGS__);                                                       \
                const char *_want = (want);                                                                  \
                cr_expect(_got &&strcmp(_got, _want) == 0, "%s: '%s', expected '%s'", #__VA_ARGS__,          \
                          _got ? _got : "(missing)", _want);                                                 \
                free(_got);                                                                                  \
        } while (0)

/* A command's stdout; the tool is run through sh. */
__attribute__((format(printf, 2, 3))) static char *run(int *ret_status, const char *fmt, ...) {
        char *cmd = NULL, *out = NULL;
        size_t len = 0;
        va_list ap;
        FILE *p, *m;
        int c;
        va_start(ap, fmt);
        cr_assert(vasprintf(&cmd, fmt, ap) >= 0);
        va_end(ap);
        p = popen(cmd, "r");
        cr_assert(p, "popen %s", cmd);
        m = open_memstream(&out, &len);
        cr_assert(m);
        while ((c = fgetc(p)) != EOF)
                fputc(c, m);
        fclose(m);
        c = pclose(p);
        if (ret_status)
                *ret_status = WIFEXITED(c) ? WEXITSTATUS(c) : -1;
        free(cmd);
        return out;
}

static bool have_tool(const char *name) {
        char *cmd = NULL;
        int r;
        cr_assert(asprintf(&cmd, "command -v %s >/dev/null 2>&1", name) >= 0);
        r = system(cmd);
        free(cmd);
        return r == 0;
}

#define REQUIRE_TOOL(name)                                                                                   \
        do {                                                                                                 \
                if (!have_tool(name)) {                                                                      \
                        fprintf(stderr, "SKIP %s: %s is not installed\n", __func__, name);                   \
                        cr_skip_test("%s is not installed", name);                                           \
                }                                                                                            \
        } while (0)

/* The value of a "Key:   value" line of lscpu's output, or NULL. */
static char *lscpu_value(const char *out, const char *key) {
        size_t kl = strlen(key);
        for (const char *line = out; line && *line;
             line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
                const char *end;
                if (strncmp(line, key, kl) != 0 || line[kl] != ':')
                        continue;
                line += kl + 1;
                line += strspn(line, " \t");
                end = strchrnul(line, '\n');
                return strndup(line, (size_t)(end - line));
        }
        return NULL;
}

#define expect_lscpu(out, key, want)                                                                         \
        do {                                                                                                 \
                char *_v = lscpu_value(out, key);                                                            \
                cr_expect(_v &&strcmp(_v, want) == 0, "%s: lscpu says %s '%s', expected '%s'", name, key,    \
                          _v ? _v : "(missing)", want);                                                      \
                free(_v);                                                                                    \
        } while (0)

static unsigned count(const char *hay, const char *needle) {
        unsigned n = 0;
        for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
                n++;
        return n;
}

/* Physical cores with at least one online thread. */
static unsigned online_cores(const gen_shape *s) {
        unsigned n = 0, ncores = gen_n_cores(s), threads = gen_threads_per_core(s);
        for (unsigned core = 0; core < ncores; core++)
                for (unsigned t = 0; t < threads; t++)
                        if (gen_cpu_online(s, core + t * ncores)) {
                                n++;
                                break;
                        }
        return n;
}

/* Cache banks of a level with at least one online CPU. */
static unsigned visible_banks(const gen_shape *s, unsigned level) {
        unsigned n = 0;
        for (unsigned k = 0; k < gen_n_cache_banks(s, level); k++) {
                char *list = NULL;
                cr_assert_eq(gen_cache_bank(s, level, k, NULL, &list), 0);
                n += *list != '\0';
                free(list);
        }
        return n;
}

typedef struct shape_case {
        const char *name;
        gen_shape shape;
} shape_case;

static shape_case cases[] = {
        {"default", {0}},
        {"2s-4c-2t", {.sockets = 2, .cores_per_cluster = 4, .threads_per_core = 2}},
        {"snc2",
         {.sockets = 2,
          .cores_per_cluster = 8,
          .threads_per_core = 2,
          .nodes_per_socket = 2,
          .hugepages = true,
          .resctrl = GEN_RESCTRL_INTEL}},
        {"dies-clusters",
         {.dies_per_socket = 2,
          .clusters_per_die = 2,
          .cores_per_cluster = 4,
          .l2_cores = 4,
          .l3_scope = GEN_L3_PER_DIE,
          .resctrl = GEN_RESCTRL_INTEL_CDP}},
        {"amd-ccx",
         {.sockets = 2,
          .cores_per_cluster = 16,
          .threads_per_core = 2,
          .nodes_per_socket = 4,
          .l3_scope = GEN_L3_PER_CORES,
          .l3_cores = 4,
          .resctrl = GEN_RESCTRL_AMD}},
        {"cxl",
         {.sockets = 2,
          .cores_per_cluster = 4,
          .memory_only_nodes = 2,
          .cpuless_memless_nodes = 1,
          .hugepages = true,
          .resctrl = GEN_RESCTRL_INTEL_MBA}},
        {"sparse-ids",
         {.sockets = 2,
          .cores_per_cluster = 2,
          .nodes_per_socket = 2,
          .node_ids = "0,2,5,7",
          .asymmetric_distances = true}},
        {"offline",
         {.sockets = 2,
          .cores_per_cluster = 4,
          .threads_per_core = 2,
          .offline_cpus = "3,9-10,15",
          .cpuset_cpus = "0-2,4",
          .cpuset_mems = "1"}},
        {"old-kernel",
         {.sockets = 2,
          .cores_per_cluster = 4,
          .threads_per_core = 2,
          .no_cpu_lists = true,
          .no_cache_ids = true}},
        {"hybrid", {.cores_per_cluster = 8, .threads_per_core = 2, .hybrid = true}},
        {"no-l3",
         {.cores_per_cluster = 4, .l3_scope = GEN_L3_NONE, .node_memory_kib = 512 << 10, .hugepages = true}},
};

/* lscpu counts CPUs, sockets, cores and threads from the topology files and
 * nodes from the nodeN directories. */
static void check_lscpu(const char *name, const gen_shape *s, const char *dir) {
        char want[64], *out, *online;
        int status;

        out = run(&status, "lscpu --sysroot '%s' 2>&1", dir);
        cr_assert_eq(status, 0, "%s: lscpu failed: %s", name, out);
        snprintf(want, sizeof(want), "%u", gen_n_cpus(s));
        expect_lscpu(out, "CPU(s)", want);
        online = gen_online_cpulist(s);
        expect_lscpu(out, "On-line CPU(s) list", online);
        free(online);
        snprintf(want, sizeof(want), "%u", gen_n_sockets(s));
        expect_lscpu(out, "Socket(s)", want);
        /* With offline CPUs lscpu divides what is online. */
        if (!s->offline_cpus) {
                snprintf(want, sizeof(want), "%u", gen_cores_per_socket(s));
                expect_lscpu(out, "Core(s) per socket", want);
                snprintf(want, sizeof(want), "%u", gen_threads_per_core(s));
                expect_lscpu(out, "Thread(s) per core", want);
        }
        snprintf(want, sizeof(want), "%u", gen_n_online_nodes(s));
        expect_lscpu(out, "NUMA node(s)", want);
        if (s->l3_scope != GEN_L3_NONE) {
                unsigned n = visible_banks(s, 3);
                char *l3 = lscpu_value(out, "L3 cache");
                snprintf(want, sizeof(want), "(%u instance%s)", n, n > 1 ? "s" : "");
                cr_expect(l3 && strstr(l3, want), "%s: L3 cache '%s', expected %s", name,
                          l3 ? l3 : "(missing)", want);
                free(l3);
        }
        free(out);
}

/* hwloc builds its tree from the same files: packages, cores, PUs, NUMA
 * nodes (memory-only ones too), dies and caches must match the shape. */
static void check_hwloc(const char *name, const gen_shape *s, const char *dir) {
        char *out;
        int status;

        /* Without its x86 backend: that one asks the running CPU (CPUID) even
         * under HWLOC_FSROOT, and adds the live host's caches to the tree. */
        out = run(&status,
                  "HWLOC_COMPONENTS=-x86 HWLOC_FSROOT='%s' lstopo-no-graphics --whole-system --of xml - "
                  "2>/dev/null",
                  dir);
        cr_assert_eq(status, 0, "%s: lstopo failed", name);
        cr_expect_eq(count(out, "<object type=\"Package\""), gen_n_sockets(s), "%s: packages", name);
        cr_expect_eq(count(out, "<object type=\"Core\""), online_cores(s), "%s: cores", name);
        cr_expect_eq(count(out, "<object type=\"PU\""), gen_n_online(s), "%s: PUs", name);
        cr_expect_eq(count(out, "<object type=\"NUMANode\""), gen_n_online_nodes(s), "%s: NUMA nodes", name);
        cr_expect_eq(count(out, "<object type=\"L3Cache\""), visible_banks(s, 3), "%s: L3 caches", name);
        cr_expect_eq(count(out, "<object type=\"L2Cache\""), visible_banks(s, 2), "%s: L2 caches", name);
        if (gen_dies_per_socket(s) > 1 && !s->no_cpu_lists)
                cr_expect_eq(count(out, "<object type=\"Die\""), gen_n_sockets(s) * gen_dies_per_socket(s),
                             "%s: dies", name);
        /* hwloc takes hybrid core kinds from CPUID only, not from sysfs: no check. */
        free(out);
}

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* Criterion hands parameters to a fresh process: pointers into them would
 * dangle, so each test gets an index into cases[]. */
static size_t case_index[N_CASES];

static struct criterion_test_params case_params(void) {
        for (size_t i = 0; i < N_CASES; i++)
                case_index[i] = i;
        return cr_make_param_array(size_t, case_index, N_CASES);
}

ParameterizedTestParameters(gen, lscpu) {
        return case_params();
}

ParameterizedTest(size_t *idx, gen, lscpu) {
        REQUIRE_TOOL("lscpu");
        check_lscpu(cases[*idx].name, &cases[*idx].shape, generate(&cases[*idx].shape));
}

ParameterizedTestParameters(gen, hwloc) {
        return case_params();
}

ParameterizedTest(size_t *idx, gen, hwloc) {
        REQUIRE_TOOL("lstopo-no-graphics");
        check_hwloc(cases[*idx].name, &cases[*idx].shape, generate(&cases[*idx].shape));
}

/* A list and a mask file of the same set, both read by the library's parsers. */
static void expect_same_set(const char *root, const char *list_path, const char *mask_path) {
        char *l = slurp(root, "%s", list_path), *m = slurp(root, "%s", mask_path);
        hostcaps_bitmap *a = NULL, *b = NULL;
        cr_assert(l && m, "%s / %s missing", list_path, mask_path);
        cr_assert_eq(hostcaps_parse_cpulist(l, &a), 0, "%s: '%s'", list_path, l);
        cr_assert_eq(hostcaps_parse_cpumask(m, &b), 0, "%s: '%s'", mask_path, m);
        cr_expect(hostcaps_bitmap_equal(a, b), "%s '%s' and %s '%s' differ", list_path, l, mask_path, m);
        hostcaps_bitmap_free(a);
        hostcaps_bitmap_free(b);
        free(l);
        free(m);
}

/* The value of a "Key:\tvalue" line of proc/self/status. */
static char *status_value(const char *st, const char *key) {
        char *pat = NULL, *r = NULL;
        const char *p;
        cr_assert(asprintf(&pat, "\n%s:\t", key) >= 0);
        if ((p = strstr(st, pat))) {
                p += strlen(pat);
                r = strndup(p, strcspn(p, "\n"));
        }
        free(pat);
        return r;
}

/* Cpus_allowed and Mems_allowed hold the sets of their _list lines. */
static void expect_status_masks(const char *st) {
        static const char *const keys[][2] = {{"Cpus_allowed", "Cpus_allowed_list"},
                                              {"Mems_allowed", "Mems_allowed_list"}};
        for (size_t i = 0; i < 2; i++) {
                char *m = status_value(st, keys[i][0]), *l = status_value(st, keys[i][1]);
                hostcaps_bitmap *a = NULL, *b = NULL;
                cr_assert(m && l, "status lacks %s", keys[i][0]);
                cr_assert_eq(hostcaps_parse_cpumask(m, &a), 0, "%s: '%s'", keys[i][0], m);
                cr_assert_eq(hostcaps_parse_cpulist(l, &b), 0, "%s: '%s'", keys[i][1], l);
                cr_expect(hostcaps_bitmap_equal(a, b), "%s '%s' and its list '%s' differ", keys[i][0], m, l);
                hostcaps_bitmap_free(a);
                hostcaps_bitmap_free(b);
                free(m);
                free(l);
        }
}

/* The online CPUs whose gen_cpu satisfies same(ref, other), formatted. */
static char *expected_group(const gen_shape *s, unsigned cpu,
                            bool (*same)(const gen_cpu *, const gen_cpu *)) {
        hostcaps_bitmap *b = hostcaps_bitmap_new();
        gen_cpu ref, other;
        char *r;
        cr_assert_eq(gen_cpu_get(s, cpu, &ref), 0);
        for (unsigned i = 0; i < gen_n_cpus(s); i++) {
                cr_assert_eq(gen_cpu_get(s, i, &other), 0);
                if (other.online && same(&ref, &other))
                        hostcaps_bitmap_set(b, i);
        }
        r = hostcaps_bitmap_format(b);
        hostcaps_bitmap_free(b);
        return r;
}

static bool same_package(const gen_cpu *a, const gen_cpu *b) {
        return a->socket == b->socket;
}
static bool same_die(const gen_cpu *a, const gen_cpu *b) {
        return a->socket == b->socket && a->die == b->die;
}
static bool same_cluster(const gen_cpu *a, const gen_cpu *b) {
        return a->socket == b->socket && a->cluster == b->cluster;
}
static bool same_core(const gen_cpu *a, const gen_cpu *b) {
        return a->core_index == b->core_index;
}
static bool same_l2(const gen_cpu *a, const gen_cpu *b) {
        return a->l2_id == b->l2_id;
}
static bool same_l3(const gen_cpu *a, const gen_cpu *b) {
        return a->l3_id == b->l3_id;
}

static void check_cpu(const gen_shape *s, const char *root, unsigned cpu) {
        const char *cpudir = "sys/devices/system/cpu";
        gen_cpu gc;
        char want[32];
        cr_assert_eq(gen_cpu_get(s, cpu, &gc), 0);

        if (cpu > 0 || !gc.online)
                expect_file(gc.online ? "1" : "0", root, "%s/cpu%u/online", cpudir, cpu);
        if (!gc.online) {
                cr_expect(!exists(root, "%s/cpu%u/topology", cpudir, cpu), "offline cpu%u has a topology",
                          cpu);
                cr_expect(!exists(root, "%s/cpu%u/cache", cpudir, cpu), "offline cpu%u has caches", cpu);
                return;
        }
        snprintf(want, sizeof(want), "%u", gc.socket);
        expect_file(want, root, "%s/cpu%u/topology/physical_package_id", cpudir, cpu);
        snprintf(want, sizeof(want), "%u", gc.core);
        expect_file(want, root, "%s/cpu%u/topology/core_id", cpudir, cpu);

        static const struct {
                const char *list, *mask;
                bool (*same)(const gen_cpu *, const gen_cpu *);
                bool old;
        } groups[] = {
                {"core_siblings_list", "core_siblings", same_package, true},
                {"thread_siblings_list", "thread_siblings", same_core, true},
                {"package_cpus_list", "package_cpus", same_package, false},
                {"die_cpus_list", "die_cpus", same_die, false},
                {"cluster_cpus_list", "cluster_cpus", same_cluster, false},
                {"core_cpus_list", "core_cpus", same_core, false},
        };
        for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
                char lp[128], mp[128];
                snprintf(lp, sizeof(lp), "%s/cpu%u/topology/%s", cpudir, cpu, groups[i].list);
                snprintf(mp, sizeof(mp), "%s/cpu%u/topology/%s", cpudir, cpu, groups[i].mask);
                if (!groups[i].old && s->no_cpu_lists) {
                        cr_expect(!exists(root, "%s", lp) && !exists(root, "%s", mp),
                                  "%s exists on an old kernel", lp);
                        continue;
                }
                char *w = expected_group(s, cpu, groups[i].same);
                expect_file(w, root, "%s", lp);
                free(w);
                expect_same_set(root, lp, mp);
        }
        if (s->no_cpu_lists)
                cr_expect(!exists(root, "%s/cpu%u/topology/die_id", cpudir, cpu));
        else {
                snprintf(want, sizeof(want), "%u", gc.die);
                expect_file(want, root, "%s/cpu%u/topology/die_id", cpudir, cpu);
                snprintf(want, sizeof(want), "%u", gc.cluster);
                expect_file(want, root, "%s/cpu%u/topology/cluster_id", cpudir, cpu);
        }

        /* Caches: L2 and L3 ids and sharing as gen_cpu says. */
        const struct {
                unsigned index, id;
                bool (*same)(const gen_cpu *, const gen_cpu *);
                const char *size, *type;
        } caches[] = {
                {0, gc.core_index, same_core, "48K", "Data"},
                {1, gc.core_index, same_core, "32K", "Instruction"},
                {2, gc.l2_id, same_l2, "2048K", "Unified"},
                {3, (unsigned)gc.l3_id, same_l3, "32768K", "Unified"},
        };
        for (size_t i = 0; i < 4; i++) {
                char lp[128], mp[128];
                if (caches[i].index == 3 && gc.l3_id < 0) {
                        cr_expect(!exists(root, "%s/cpu%u/cache/index3", cpudir, cpu));
                        continue;
                }
                if (s->no_cache_ids)
                        cr_expect(!exists(root, "%s/cpu%u/cache/index%u/id", cpudir, cpu, caches[i].index));
                else {
                        snprintf(want, sizeof(want), "%u", caches[i].id);
                        expect_file(want, root, "%s/cpu%u/cache/index%u/id", cpudir, cpu, caches[i].index);
                }
                expect_file(caches[i].size, root, "%s/cpu%u/cache/index%u/size", cpudir, cpu,
                            caches[i].index);
                expect_file(caches[i].type, root, "%s/cpu%u/cache/index%u/type", cpudir, cpu,
                            caches[i].index);
                snprintf(lp, sizeof(lp), "%s/cpu%u/cache/index%u/shared_cpu_list", cpudir, cpu,
                         caches[i].index);
                snprintf(mp, sizeof(mp), "%s/cpu%u/cache/index%u/shared_cpu_map", cpudir, cpu,
                         caches[i].index);
                char *w = expected_group(s, cpu, caches[i].same);
                expect_file(w, root, "%s", lp);
                free(w);
                expect_same_set(root, lp, mp);
        }
}

ParameterizedTestParameters(gen, files) {
        return case_params();
}

/* The files hold exactly what the expected-value functions say. */
ParameterizedTest(size_t *idx, gen, files) {
        const shape_case *c = &cases[*idx];
        const gen_shape *s = &c->shape;
        const char *root = generate(s);
        unsigned n = gen_n_cpus(s);
        char want[64], *w;

        snprintf(want, sizeof(want), n > 1 ? "0-%u" : "0", n - 1);
        expect_file(want, root, "sys/devices/system/cpu/possible");
        expect_file(want, root, "sys/devices/system/cpu/present");
        w = gen_online_cpulist(s);
        expect_file(w, root, "sys/devices/system/cpu/online");
        free(w);
        /* Only CPUs of small shapes one by one: the big one is for the tools. */
        for (unsigned cpu = 0; cpu < n && (n <= 64 || cpu % 61 == 0); cpu++)
                check_cpu(s, root, cpu);

        /* Nodes. */
        for (unsigned i = 0; i < gen_n_nodes(s); i++) {
                gen_node node;
                unsigned id = gen_node_id(s, i);
                cr_assert_eq(gen_node_get(s, i, &node), 0);
                cr_expect_eq(node.id, id);
                if (!node.online) {
                        cr_expect(!exists(root, "sys/devices/system/node/node%u", id),
                                  "%s: empty node%u has a directory", c->name, id);
                        continue;
                }
                w = gen_node_cpulist(s, i);
                expect_file(w, root, "sys/devices/system/node/node%u/cpulist", id);
                free(w);
                char lp[64], mp[64];
                snprintf(lp, sizeof(lp), "sys/devices/system/node/node%u/cpulist", id);
                snprintf(mp, sizeof(mp), "sys/devices/system/node/node%u/cpumap", id);
                expect_same_set(root, lp, mp);

                /* One distance per online node, in id order. */
                char *dist = slurp(root, "sys/devices/system/node/node%u/distance", id), *p = dist;
                cr_assert(dist);
                for (unsigned j = 0; j < gen_n_online_nodes(s); j++) {
                        char *end;
                        unsigned long v = strtoul(p, &end, 10);
                        cr_expect(end != p && v == gen_distance(s, i, j),
                                  "%s: node%u distance[%u] = %lu, expected %u", c->name, id, j, v,
                                  gen_distance(s, i, j));
                        p = end;
                }
                cr_expect_eq(*p, '\0', "%s: node%u: extra distances '%s'", c->name, id, p);
                free(dist);

                /* meminfo: the kernel's columns. */
                char *mi = slurp(root, "sys/devices/system/node/node%u/meminfo", id), line[128];
                cr_assert(mi);
                snprintf(line, sizeof(line), "Node %u MemTotal:       %8llu kB\n", id,
                         (unsigned long long)node.mem_total_kib);
                cr_expect(strstr(mi, line), "%s: node%u meminfo lacks '%s'", c->name, id, line);
                snprintf(line, sizeof(line), "Node %u MemFree:        %8llu kB\n", id,
                         (unsigned long long)node.mem_free_kib);
                cr_expect(strstr(mi, line), "%s: node%u meminfo lacks '%s'", c->name, id, line);
                uint64_t nr, fr, surp;
                if (gen_hugepages(s, i, 2048, &nr, &fr, &surp) == 0) {
                        snprintf(line, sizeof(line), "Node %u HugePages_Total: %5llu", id,
                                 (unsigned long long)nr);
                        cr_expect(strstr(mi, line), "%s: node%u meminfo lacks '%s'", c->name, id, line);
                        snprintf(want, sizeof(want), "%llu", (unsigned long long)fr);
                        expect_file(
                                want, root,
                                "sys/devices/system/node/node%u/hugepages/hugepages-2048kB/free_hugepages",
                                id);
                        cr_assert_eq(gen_hugepages(s, i, 1048576, &nr, &fr, &surp), 0);
                        snprintf(want, sizeof(want), "%llu", (unsigned long long)nr);
                        expect_file(
                                want, root,
                                "sys/devices/system/node/node%u/hugepages/hugepages-1048576kB/nr_hugepages",
                                id);
                } else {
                        cr_expect(!strstr(mi, "HugePages_"), "%s: hugepages without hugetlbfs", c->name);
                        cr_expect(!exists(root, "sys/devices/system/node/node%u/hugepages", id));
                }
                free(mi);
        }

        /* Global hugepages. */
        uint64_t nr, fr, surp;
        if (gen_hugepages(s, GEN_GLOBAL, 2048, &nr, &fr, &surp) == 0) {
                snprintf(want, sizeof(want), "%llu", (unsigned long long)nr);
                expect_file(want, root, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");
                char *mi = slurp(root, "proc/meminfo"), line[64];
                snprintf(line, sizeof(line), "HugePages_Total: %7llu\n", (unsigned long long)nr);
                cr_expect(mi && strstr(mi, line), "%s: proc/meminfo lacks '%s'", c->name, line);
                free(mi);
        } else
                cr_expect(!exists(root, "sys/kernel/mm/hugepages"));

        /* The cpuset of proc/self/status. */
        char *st = slurp(root, "proc/self/status"), line[256];
        cr_assert(st);
        w = gen_cpuset_cpus(s);
        snprintf(line, sizeof(line), "\nCpus_allowed_list:\t%s\n", w);
        cr_expect(strstr(st, line), "%s: status lacks '%s'", c->name, line);
        free(w);
        w = gen_cpuset_mems(s);
        snprintf(line, sizeof(line), "\nMems_allowed_list:\t%s\n", w);
        cr_expect(strstr(st, line), "%s: status lacks '%s'", c->name, line);
        free(w);
        expect_status_masks(st);

        free(st);

        char *meta = slurp(root, "hostcaps-snapshot.txt");
        snprintf(line, sizeof(line), "arch=%s\npage_size=4096", s->arch ? s->arch : "x86_64");
        cr_expect(meta && strcmp(meta, line) == 0, "%s: snapshot meta '%s'", c->name,
                  meta ? meta : "(missing)");
        free(meta);
}

/* Node state lists: memory-only nodes have memory but no normal memory and
 * no CPUs; empty nodes are only possible. */
Test(gen, node_states) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 2,
                       .memory_only_nodes = 2,
                       .cpuless_memless_nodes = 2,
                       .node_ids = "0-1,4,6,9,11"};
        const char *root = generate(&s);
        gen_node node;

        cr_assert_eq(gen_n_nodes(&s), 6);
        cr_assert_eq(gen_n_online_nodes(&s), 4);
        expect_file("0-1,4,6,9,11", root, "sys/devices/system/node/possible");
        expect_file("0-1,4,6", root, "sys/devices/system/node/online");
        expect_file("0-1", root, "sys/devices/system/node/has_cpu");
        expect_file("0-1,4,6", root, "sys/devices/system/node/has_memory");
        expect_file("0-1", root, "sys/devices/system/node/has_normal_memory");
        expect_file("", root, "sys/devices/system/node/node4/cpulist");
        expect_file("0", root, "sys/devices/system/node/node4/cpumap");
        /* Memory-only node 4 belongs to socket 0, node 6 to socket 1. */
        expect_file("10 21 17 21", root, "sys/devices/system/node/node0/distance");
        expect_file("17 21 10 21", root, "sys/devices/system/node/node4/distance");
        expect_file("21 17 21 10", root, "sys/devices/system/node/node6/distance");
        cr_assert_eq(gen_node_get(&s, 2, &node), 0);
        cr_expect(node.memory_only && node.has_memory && !node.has_cpus && node.socket == 0 && node.id == 4);
        cr_assert_eq(gen_node_get(&s, 5, &node), 0);
        cr_expect(!node.online && !node.has_memory && node.socket == -1 && node.id == 11);
        cr_expect(!exists(root, "sys/devices/system/node/node9"));
        cr_expect_eq(gen_node_get(&s, 6, &node), -ERANGE);
        /* Mems_allowed_list defaults to the nodes with memory. */
        char *w = gen_cpuset_mems(&s);
        cr_expect_str_eq(w, "0-1,4,6");
        free(w);
}

/* Offline CPUs: present, not online, and nowhere else. */
Test(gen, offline) {
        gen_shape s = {.sockets = 1, .cores_per_cluster = 4, .threads_per_core = 2, .offline_cpus = "0,5-6"};
        const char *root = generate(&s);

        cr_expect_eq(gen_n_online(&s), 5);
        expect_file("1-4,7", root, "sys/devices/system/cpu/online");
        expect_file("0,5-6", root, "sys/devices/system/cpu/offline");
        expect_file("0-7", root, "sys/devices/system/cpu/present");
        /* cpu0 has an online file only when it is offline. */
        expect_file("0", root, "sys/devices/system/cpu/cpu0/online");
        expect_file("1", root, "sys/devices/system/cpu/cpu1/online");
        expect_file("1-4,7", root, "sys/devices/system/node/node0/cpulist");
        expect_file("4", root, "sys/devices/system/cpu/cpu4/topology/thread_siblings_list");
        expect_file("1-4,7", root, "sys/devices/system/cpu/cpu1/cache/index3/shared_cpu_list");
        cr_expect(!exists(root, "sys/devices/system/node/node0/cpu5"));
        cr_expect(exists(root, "sys/devices/system/node/node0/cpu7"));
        char *ci = slurp(root, "proc/cpuinfo");
        cr_assert(ci);
        cr_expect_eq(count(ci, "processor\t:"), 5);
        cr_expect(!strstr(ci, "processor\t: 5\n"));
        /* siblings: online CPUs of the package; cpu cores: cores with one online. */
        cr_expect(strstr(ci, "siblings\t: 5\n"));
        cr_expect(strstr(ci, "cpu cores\t: 4\n"));
        free(ci);
}

Test(gen, cpu0_online_has_no_online_file) {
        gen_shape s = {.cores_per_cluster = 2};
        const char *root = generate(&s);
        cr_expect(!exists(root, "sys/devices/system/cpu/cpu0/online"));
        expect_file("1", root, "sys/devices/system/cpu/cpu1/online");
        expect_file("notsupported", root, "sys/devices/system/cpu/smt/control");
        /* Masks as wide as nr_cpu_ids: 2 CPUs, one hex digit. */
        expect_file("3", root, "sys/devices/system/cpu/cpu0/topology/package_cpus");
}

/* Masks: 32-bit groups, the first only as wide as the leftover bits. */
Test(gen, mask_width) {
        gen_shape s = {.sockets = 2, .cores_per_cluster = 10, .threads_per_core = 2};
        const char *root = generate(&s);
        expect_file("00,3ff003ff", root, "sys/devices/system/cpu/cpu0/cache/index3/shared_cpu_map");
        expect_file("00,00100001", root, "sys/devices/system/cpu/cpu0/topology/thread_siblings");
        expect_file("0,20", root, "sys/devices/system/cpu/cpu0/topology/thread_siblings_list");
}

static void expect_resctrl(const gen_shape *s, const char *root) {
        gen_resctrl_info ri;
        char want[256];
        const char *l3 = "sys/fs/resctrl/info/L3";

        cr_assert_eq(gen_resctrl_get(s, &ri), 0);
        if (ri.cdp) {
                cr_expect(!exists(root, "%s", l3));
                l3 = "sys/fs/resctrl/info/L3DATA";
                cr_expect(exists(root, "sys/fs/resctrl/info/L3CODE/cbm_mask"));
        }
        snprintf(want, sizeof(want), "%llx", (unsigned long long)ri.cbm_mask);
        expect_file(want, root, "%s/cbm_mask", l3);
        snprintf(want, sizeof(want), "%u", ri.num_closids);
        expect_file(want, root, "%s/num_closids", l3);
        snprintf(want, sizeof(want), "%u", ri.min_cbm_bits);
        expect_file(want, root, "%s/min_cbm_bits", l3);
        expect_file("0", root, "%s/shareable_bits", l3);
        snprintf(want, sizeof(want), "%u", ri.num_rmids);
        expect_file(want, root, "sys/fs/resctrl/info/L3_MON/num_rmids");
        snprintf(want, sizeof(want), "%llu", (unsigned long long)ri.max_threshold_occupancy);
        expect_file(want, root, "sys/fs/resctrl/info/L3_MON/max_threshold_occupancy");
        expect_file("llc_occupancy\nmbm_total_bytes\nmbm_local_bytes", root,
                    "sys/fs/resctrl/info/L3_MON/mon_features");
        if (ri.mba) {
                snprintf(want, sizeof(want), "%u", ri.mb_bandwidth_gran);
                expect_file(want, root, "sys/fs/resctrl/info/MB/bandwidth_gran");
                snprintf(want, sizeof(want), "%u", ri.mb_min_bandwidth);
                expect_file(want, root, "sys/fs/resctrl/info/MB/min_bandwidth");
                snprintf(want, sizeof(want), "%u", ri.mb_num_closids);
                expect_file(want, root, "sys/fs/resctrl/info/MB/num_closids");
                expect_file(ri.mb_delay_linear ? "1" : "0", root, "sys/fs/resctrl/info/MB/delay_linear");
        } else
                cr_expect(!exists(root, "sys/fs/resctrl/info/MB"));
        expect_file("ok", root, "sys/fs/resctrl/info/last_cmd_status");
}

/* resctrl of each kind: values, and schemata naming the L3 cache ids. */
Test(gen, resctrl_intel) {
        gen_shape s = {.sockets = 2, .cores_per_cluster = 4, .resctrl = GEN_RESCTRL_INTEL};
        const char *root = generate(&s);
        expect_resctrl(&s, root);
        expect_file("L3:0=7ff;1=7ff", root, "sys/fs/resctrl/schemata");
        expect_file("0=SSSSSSSSSSS;1=SSSSSSSSSSS", root, "sys/fs/resctrl/info/L3/bit_usage");
        expect_file("0-7", root, "sys/fs/resctrl/cpus_list");
        cr_expect(exists(root, "sys/fs/resctrl/mon_data/mon_L3_01/llc_occupancy"));
}

Test(gen, resctrl_cdp) {
        gen_shape s = {.sockets = 2,
                       .dies_per_socket = 2,
                       .cores_per_cluster = 2,
                       .l3_scope = GEN_L3_PER_DIE,
                       .resctrl = GEN_RESCTRL_INTEL_CDP};
        const char *root = generate(&s);
        expect_resctrl(&s, root);
        expect_file("L3CODE:0=7ff;1=7ff;2=7ff;3=7ff\nL3DATA:0=7ff;1=7ff;2=7ff;3=7ff", root,
                    "sys/fs/resctrl/schemata");
}

Test(gen, resctrl_mba) {
        gen_shape s = {.cores_per_cluster = 4, .resctrl = GEN_RESCTRL_INTEL_MBA};
        const char *root = generate(&s);
        expect_resctrl(&s, root);
        expect_file("L3:0=7ff\nMB:0=100", root, "sys/fs/resctrl/schemata");
        expect_file("max", root, "sys/fs/resctrl/info/MB/thread_throttle_mode");
}

Test(gen, resctrl_amd) {
        gen_shape s = {.cores_per_cluster = 8,
                       .l3_scope = GEN_L3_PER_CORES,
                       .l3_cores = 4,
                       .resctrl = GEN_RESCTRL_AMD};
        const char *root = generate(&s);
        expect_resctrl(&s, root);
        expect_file("L3:0=ffff;1=ffff\nMB:0=2048;1=2048", root, "sys/fs/resctrl/schemata");
        expect_file("1", root, "sys/fs/resctrl/info/MB/bandwidth_gran");
        expect_file("0", root, "sys/fs/resctrl/info/MB/min_bandwidth");
        expect_file("0", root, "sys/fs/resctrl/info/MB/delay_linear");
        char *ci = slurp(root, "proc/cpuinfo");
        cr_expect(ci && strstr(ci, "vendor_id\t: AuthenticAMD\n"));
        free(ci);
}

Test(gen, resctrl_none) {
        gen_shape s = {0};
        const char *root = generate(&s);
        gen_resctrl_info ri;
        cr_expect(!exists(root, "sys/fs/resctrl"));
        cr_assert_eq(gen_resctrl_get(&s, &ri), 0);
        cr_expect_eq(ri.num_closids, 0);
}

/* Caches: ids per scope, sets computed from size and ways, no ids on old kernels. */
Test(gen, caches) {
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 8,
                       .l2_cores = 2,
                       .l3_scope = GEN_L3_PER_CORES,
                       .l3_cores = 4,
                       .no_cache_ids = true};
        const char *root = generate(&s);
        unsigned id;
        char *list;

        cr_expect_eq(gen_n_cache_banks(&s, 1), 16);
        cr_expect_eq(gen_n_cache_banks(&s, 2), 8);
        cr_expect_eq(gen_n_cache_banks(&s, 3), 4);
        cr_assert_eq(gen_cache_bank(&s, 3, 2, &id, &list), 0);
        cr_expect_eq(id, 2);
        cr_expect_str_eq(list, "8-11");
        free(list);
        expect_file("8-11", root, "sys/devices/system/cpu/cpu9/cache/index3/shared_cpu_list");
        expect_file("10-11", root, "sys/devices/system/cpu/cpu10/cache/index2/shared_cpu_list");
        cr_expect(!exists(root, "sys/devices/system/cpu/cpu9/cache/index3/id"));
        expect_file("64", root, "sys/devices/system/cpu/cpu0/cache/index0/number_of_sets");
        expect_file("12", root, "sys/devices/system/cpu/cpu0/cache/index0/ways_of_associativity");
        expect_file("2048", root, "sys/devices/system/cpu/cpu0/cache/index2/number_of_sets");
        expect_file("32768", root, "sys/devices/system/cpu/cpu0/cache/index3/number_of_sets");
        expect_file("64", root, "sys/devices/system/cpu/cpu0/cache/index3/coherency_line_size");
        expect_file("1", root, "sys/devices/system/cpu/cpu0/cache/index3/physical_line_partition");
        cr_expect_eq(gen_cache_bank(&s, 3, 4, &id, NULL), -ERANGE);
}

Test(gen, hybrid) {
        gen_shape s = {.cores_per_cluster = 6, .threads_per_core = 2, .hybrid = true};
        const char *root = generate(&s);
        gen_cpu c;
        /* P-cores: the first 3 cores, both threads. */
        expect_file("0-2,6-8", root, "sys/devices/cpu_core/cpus");
        expect_file("3-5,9-11", root, "sys/devices/cpu_atom/cpus");
        cr_assert_eq(gen_cpu_get(&s, 8, &c), 0);
        cr_expect_eq(c.kind, GEN_KIND_CORE);
        cr_assert_eq(gen_cpu_get(&s, 3, &c), 0);
        cr_expect_eq(c.kind, GEN_KIND_ATOM);
        char *ci = slurp(root, "proc/cpuinfo");
        cr_expect(ci && strstr(ci, " hybrid_cpu\n"));
        free(ci);
}

Test(gen, non_x86) {
        gen_shape s = {.arch = "aarch64", .cores_per_cluster = 4};
        const char *root = generate(&s);
        char *ci = slurp(root, "proc/cpuinfo");
        cr_expect(ci && strstr(ci, "CPU implementer\t: 0x41\n") && !strstr(ci, "vendor_id"));
        free(ci);
        cr_expect_null(gen_cpu_model_get(&s));
        cr_expect(!exists(root, "sys/devices/system/cpu/cpu0/microcode"));
        expect_file("arch=aarch64\npage_size=4096", root, "hostcaps-snapshot.txt");
}

/* A second generation into the same directory rewrites it. */
Test(gen, regenerate) {
        gen_shape s = {.cores_per_cluster = 2, .hugepages = true};
        const char *root = generate(&s);
        s.offline_cpus = "1";
        cr_assert_eq(gen_sysroot(root, &s), 0);
        expect_file("0", root, "sys/devices/system/cpu/online");
        expect_file("0", root, "sys/devices/system/cpu/cpu1/online");
}

Test(gen, invalid_shapes) {
        static const gen_shape bad[] = {
                {.cores_per_cluster = 3, .nodes_per_socket = 2},
                {.cores_per_cluster = 4, .l2_cores = 3},
                {.cores_per_cluster = 4, .l3_scope = GEN_L3_PER_CORES, .l3_cores = 3},
                {.l3_scope = GEN_L3_NONE, .resctrl = GEN_RESCTRL_INTEL},
                {.no_cache_ids = true, .resctrl = GEN_RESCTRL_AMD},
                {.sockets = 2, .node_ids = "4"},
                {.cores_per_cluster = 2, .offline_cpus = "0-1"},
                {.cores_per_cluster = 2, .offline_cpus = "2"},
                {.offline_cpus = "x"},
                {.cpuset_cpus = "0-"},
                {.cpuset_cpus = "3-1"},
                {.sockets = 2, .cores_per_cluster = 4096, .threads_per_core = 2},
                {.node_memory_kib = 1024},
                {.arch = "x86 64"},
                {.sockets = 80, .asymmetric_distances = true},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                cr_expect_eq(gen_shape_check(&bad[i]), -EINVAL, "shape %zu accepted", i);
                cr_expect_not_null(gen_shape_error(&bad[i]), "shape %zu has no reason", i);
                cr_expect_eq(gen_sysroot("/nonexistent-and-unused", &bad[i]), -EINVAL, "shape %zu", i);
        }
        cr_expect_eq(gen_sysroot(NULL, &bad[0]), -EINVAL);
}

Test(gen, expected_values) {
        gen_shape s = {.sockets = 2,
                       .dies_per_socket = 2,
                       .clusters_per_die = 2,
                       .cores_per_cluster = 2,
                       .threads_per_core = 2,
                       .nodes_per_socket = 2,
                       .l2_cores = 2,
                       .l3_scope = GEN_L3_PER_DIE};
        gen_cpu c;
        cr_expect_eq(gen_n_cpus(&s), 32);
        cr_expect_eq(gen_n_cores(&s), 16);
        cr_expect_eq(gen_cores_per_socket(&s), 8);
        /* cpu 29 = thread 1 of core 13: socket 1, die 1, cluster 2 (in its socket), core 5. */
        cr_assert_eq(gen_cpu_get(&s, 29, &c), 0);
        cr_expect(c.thread == 1 && c.core_index == 13 && c.socket == 1 && c.die == 1 && c.cluster == 2 &&
                          c.core == 5,
                  "cpu29: thread %u core_index %u socket %u die %u cluster %u core %u", c.thread,
                  c.core_index, c.socket, c.die, c.cluster, c.core);
        cr_expect(c.node_index == 3 && c.node_id == 3 && c.l2_id == 6 && c.l3_id == 3);
        cr_expect_eq(gen_cpu_get(&s, 32, &c), -ERANGE);
        cr_expect_eq(gen_distance(&s, 1, 1), 10);
        cr_expect_eq(gen_distance(&s, 0, 3), 21);
        s.asymmetric_distances = true;
        cr_expect_eq(gen_distance(&s, 1, 2), 25);
        cr_expect_eq(gen_distance(&s, 2, 1), 24);
}

/* The command-line tool: usage errors exit 2, --help 0, and a tree it writes
 * is the library's. */
Test(gen, cli) {
        const char *tool = HOSTCAPS_BUILD_DIR "/bin/hostcaps-gen";
        int status;
        char *out;

        if (access(tool, X_OK) < 0) {
                fprintf(stderr, "SKIP %s: %s not built\n", __func__, tool);
                cr_skip_test("hostcaps-gen not built");
        }
        out = run(&status, "'%s' --help", tool);
        cr_expect_eq(status, 0);
        cr_expect(strstr(out, "Usage: hostcaps-gen"));
        free(out);
        static const char *const bad[] = {
                "",
                "--sockets 0 d",
                "--sockets x d",
                "--l3 cores:0 d",
                "--l3 bogus d",
                "--resctrl arm d",
                "--bogus d",
                "a b",
                "--cores 3 --nodes-per-socket 2 d",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                out = run(&status, "'%s' %s 2>&1", tool, bad[i]);
                cr_expect_eq(status, 2, "'%s' exited %d: %s", bad[i], status, out);
                cr_expect(strstr(out, "hostcaps-gen"), "'%s': no message", bad[i]);
                free(out);
        }

        tmpdir = test_mkdtemp();
        cr_assert(tmpdir);
        out = run(&status,
                  "'%s' --sockets 2 --cores 4 --threads 2 --nodes-per-socket 2 --memory-only-nodes 1 "
                  "--hugepages "
                  "--l3 cores:2 --resctrl amd --offline 3 --cpuset-cpus 0-2 '%s/t' 2>&1",
                  tool, tmpdir);
        cr_assert_eq(status, 0, "%s", out);
        free(out);
        gen_shape s = {.sockets = 2,
                       .cores_per_cluster = 4,
                       .threads_per_core = 2,
                       .nodes_per_socket = 2,
                       .memory_only_nodes = 1,
                       .hugepages = true,
                       .l3_scope = GEN_L3_PER_CORES,
                       .l3_cores = 2,
                       .resctrl = GEN_RESCTRL_AMD,
                       .offline_cpus = "3",
                       .cpuset_cpus = "0-2"};
        char *api = NULL;
        cr_assert(asprintf(&api, "%s/api", tmpdir) >= 0);
        cr_assert_eq(gen_sysroot(api, &s), 0);
        out = run(&status, "diff -r --no-dereference '%s/t' '%s' 2>&1", tmpdir, api);
        cr_expect_eq(status, 0, "the tool and the API wrote different trees:\n%s", out);
        free(out);
        free(api);
}

/* The largest tree the benchmarks use: 1024 CPUs, 16 nodes. */
static const gen_shape big = {.sockets = 4,
                              .cores_per_cluster = 128,
                              .threads_per_core = 2,
                              .nodes_per_socket = 4,
                              .hugepages = true,
                              .l3_scope = GEN_L3_PER_CORES,
                              .l3_cores = 8,
                              .resctrl = GEN_RESCTRL_AMD};

Test(gen, big_files) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        const char *root = generate(&big);
        clock_gettime(CLOCK_MONOTONIC, &b);
        /* For information only: speed targets live in the benchmarks. */
        fprintf(stderr, "gen: 1024 CPUs, 16 nodes written in %.3f s\n",
                (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
        expect_file("0-1023", root, "sys/devices/system/cpu/online");
        expect_file("0-15", root, "sys/devices/system/node/online");
        expect_file("480-511,992-1023", root, "sys/devices/system/node/node15/cpulist");
        for (unsigned cpu = 0; cpu < 1024; cpu += 127)
                check_cpu(&big, root, cpu);
        check_cpu(&big, root, 1023);
}

Test(gen, big_lscpu) {
        REQUIRE_TOOL("lscpu");
        check_lscpu("1024-cpus", &big, generate(&big));
}

Test(gen, big_hwloc) {
        REQUIRE_TOOL("lstopo-no-graphics");
        check_hwloc("1024-cpus", &big, generate(&big));
}
