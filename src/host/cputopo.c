/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one reader of /sys/devices/system/cpu/cpuN/topology. */
#include <stdio.h>

#include "cputopo.h"
#include "error.h"
#include "parse.h"

#define CPU_DIR "sys/devices/system/cpu"

/* "cpu12" -> 12; "cpufreq", "cpu012", "cpuidle" are not CPUs. */
static bool cpu_dir_id(const char *name, unsigned *ret) {
        const char *num = startswith(name, "cpu");
        uint64_t id;
        /* Digits only before parsing: a failed parse leaves the thread's error
         * message behind, which a later failure would then report. */
        if (!num || !num[0] || num[strspn(num, "0123456789")] || (num[0] == '0' && num[1]) ||
            hostcaps_parse_u64(num, &id) < 0 || id >= HOSTCAPS_BITMAP_MAX)
                return false;
        *ret = (unsigned)id;
        return true;
}

/* cpuN/online: "0" or "1"; absent for CPUs that cannot go offline (often
 * cpu0); empty in some recordings (128ia64), which lscpu and hwloc read as
 * online. */
static int read_cpu_online(hostcaps_reader *r, const char *name, bool *ret) {
        _cleanup_free_ char *s = NULL;
        uint64_t v;
        int e = hostcaps_readf_string(r, &s, CPU_DIR "/%s/online", name);
        if (e == -ENOENT || e == -ENOTDIR) {
                *ret = true;
                return 0;
        }
        if (e < 0)
                return e;
        if (!s[0]) {
                *ret = true;
                return 0;
        }
        if (hostcaps_parse_u64(s, &v) < 0 || v > 1)
                return hostcaps_error(EINVAL, CPU_DIR "/%s/online: invalid value '%.32s'", name, s);
        *ret = v == 1;
        return 0;
}

int hostcaps_read_cpus(hostcaps_reader *r, hostcaps_bitmap **ret, hostcaps_bitmap **ret_absent) {
        _cleanup_bitmap_ hostcaps_bitmap *listed = NULL, *b = hostcaps_bitmap_new();
        char **names = NULL;
        size_t n = 0;
        int e;

        if (!b)
                return -ENOMEM;
        /* "0-3,8-11\n" since 2.6.x; "" cannot happen (CPU 0 or another is online). */
        e = hostcaps_read_cpulist(r, CPU_DIR "/online", &listed);
        if (e < 0 && e != -ENOENT)
                return e;
        /* One listing tells which CPUs have a directory: a CPU listed without
         * one has no topology to read, and no section counts it. */
        e = hostcaps_read_dir(r, CPU_DIR, &names, &n);
        if (e < 0)
                return e;
        for (size_t i = 0; i < n && e >= 0; i++) {
                unsigned id;
                bool online = false;
                if (!cpu_dir_id(names[i], &id))
                        continue;
                if (listed) {
                        if (hostcaps_bitmap_test(listed, id))
                                e = hostcaps_bitmap_set(b, id);
                        continue;
                }
                e = read_cpu_online(r, names[i], &online);
                if (e >= 0 && online)
                        e = hostcaps_bitmap_set(b, id);
        }
        hostcaps_strv_free(names);
        if (e < 0)
                return e;
        if (hostcaps_bitmap_is_empty(b))
                return hostcaps_error(ENOENT, listed ? CPU_DIR "/online: no listed CPU has a cpuN directory"
                                                     : CPU_DIR ": no online CPU found");
        if (listed)
                hostcaps_bitmap_sub(listed, b);
        else if (!(listed = hostcaps_bitmap_new()))
                return -ENOMEM;
        *ret_absent = TAKE_PTR(listed);
        *ret = TAKE_PTR(b);
        return 0;
}

int hostcaps_absent_cpus_reason(hostcaps_object *o, const hostcaps_bitmap *absent, const char *consequence) {
        _cleanup_free_ char *list = NULL;
        if (hostcaps_bitmap_is_empty(absent))
                return 0;
        if (!(list = hostcaps_bitmap_format(absent)))
                return -ENOMEM;
        return hostcaps_object_add_reason(
                o, CPU_DIR "/online: CPUs %s listed but absent (no cpuN directory): %s", list, consequence);
}

/* ---- the walk --------------------------------------------------------- */

enum { LEVEL_PACKAGE, LEVEL_DIE, LEVEL_CLUSTER, LEVEL_CORE, N_LEVELS };

typedef struct list_name {
        const char *name;
        bool mask; /* a hex mask (the oldest kernels), not a list */
} list_name;

/* One order for every reader: the current name first, then the older ones
 * (*_siblings_list since 2.6.26, the masks before that). */
static const list_name level_lists[N_LEVELS][4] = {
        [LEVEL_PACKAGE] = {{"package_cpus_list", false},
                           {"core_siblings_list", false},
                           {"core_siblings", true}},
        [LEVEL_DIE] = {{"die_cpus_list", false}},
        [LEVEL_CLUSTER] = {{"cluster_cpus_list", false}},
        [LEVEL_CORE] = {{"core_cpus_list", false},
                        {"thread_siblings_list", false},
                        {"thread_siblings", true}},
};
/* Each a decimal number and a newline; physical_package_id is -1 on some
 * virtual platforms. */
static const char *const level_ids[N_LEVELS] = {"physical_package_id", "die_id", "cluster_id", "core_id"};

#define ID_UNREAD (-2)
#define ID_ABSENT (-3)

typedef struct walk {
        hostcaps_reader *r;
        const hostcaps_bitmap *online;
        hostcaps_cpu_topo *t;
        unsigned max[N_LEVELS + 1];    /* groups per parent at each level; [N_LEVELS]: threads */
        int64_t *ids[N_LEVELS];        /* per-CPU id cache; ID_UNREAD, ID_ABSENT */
        unsigned first_name[N_LEVELS]; /* the list name that existed last: tried first */
        bool no_clusters;
        bool want_ids;
        hostcaps_cpu_ids cur;
} walk;

/* Topology files are required where they exist: the counts and ids are
 * made of them, and libvirt's <cpu> has no way to say "unknown". Absent
 * ones (older kernels, some architectures) read as -ENOENT. */
static int absent(int e) {
        return e == -ENOTDIR ? -ENOENT : e;
}

/* The CPUs sharing `level` with `cpu`, restricted to the online ones;
 * -ENOENT when no list file exists. The name that existed is remembered, so
 * a kernel with only the older names costs one open per group too. */
static int read_level(walk *w, unsigned level, unsigned cpu, hostcaps_bitmap **ret) {
        const list_name *names = level_lists[level];
        size_t n = 0;
        while (n < 4 && names[n].name)
                n++;
        for (size_t k = 0; k < n; k++) {
                size_t i = k == 0 ? w->first_name[level] : (k <= w->first_name[level] ? k - 1 : k);
                hostcaps_bitmap *b = NULL;
                int e = names[i].mask ? hostcaps_readf_cpumask(w->r, &b, CPU_DIR "/cpu%u/topology/%s", cpu,
                                                               names[i].name)
                                      : hostcaps_readf_cpulist(w->r, &b, CPU_DIR "/cpu%u/topology/%s", cpu,
                                                               names[i].name);
                e = absent(e);
                if (e == -ENOENT)
                        continue;
                if (e < 0)
                        return e;
                w->first_name[level] = (unsigned)i;
                hostcaps_bitmap_and(b, w->online);
                /* A CPU always belongs to its own group. Hand-edited
                 * recordings that leave it out exist (libvirt's test1 has
                 * cpu1's thread siblings as "0"); libvirt counts the list's
                 * bits there, and so the CPU is added, not refused. An
                 * old ia64 kernel writes all-zero masks: the CPU alone. */
                e = hostcaps_bitmap_set(b, cpu);
                if (e < 0) {
                        hostcaps_bitmap_free(b);
                        return e;
                }
                *ret = b;
                return 0;
        }
        return -ENOENT;
}

/* The id of `cpu` at `level` as the file has it (negative kept);
 * -ENOENT when the file is missing or unreadable. Each file read once. */
static int level_id(walk *w, unsigned level, unsigned cpu, int64_t *ret) {
        if (!w->ids[level]) {
                w->ids[level] = malloc(w->t->n * sizeof(int64_t));
                if (!w->ids[level])
                        return -ENOMEM;
                for (size_t i = 0; i < w->t->n; i++)
                        w->ids[level][i] = ID_UNREAD;
        }
        if (w->ids[level][cpu] == ID_UNREAD) {
                int64_t v;
                int e = hostcaps_readf_s64(w->r, &v, CPU_DIR "/cpu%u/topology/%s", cpu, level_ids[level]);
                if (e >= 0 && v > (int64_t)UINT32_MAX)
                        e = hostcaps_error(ERANGE, CPU_DIR "/cpu%u/topology/%s: %lld is out of range", cpu,
                                           level_ids[level], (long long)v);
                e = absent(e);
                if (e < 0 && e != -ENOENT)
                        return e;
                w->ids[level][cpu] = e == -ENOENT ? ID_ABSENT : v;
        }
        if (w->ids[level][cpu] == ID_ABSENT)
                return -ENOENT;
        *ret = w->ids[level][cpu];
        return 0;
}

/* The id libvirt prints for the group of `cpu` at `level`. */
static int printed_id(walk *w, unsigned level, unsigned cpu, unsigned *ret) {
        int64_t v;
        int e;
        if (level == LEVEL_CLUSTER && w->no_clusters) {
                *ret = 0;
                return 0;
        }
        e = level_id(w, level, cpu, &v);
        if (e == -ENOENT) {
                *ret = level == LEVEL_CORE ? cpu : 0;
                return 0;
        }
        if (e < 0)
                return e;
        if (level == LEVEL_CLUSTER && v == 65535)
                v = 0;
        *ret = v < 0 ? 0 : (unsigned)v;
        return 0;
}

/* The group of `cpu` at `level` within `left`: from the level's list file,
 * else from equal ids, else the whole of `left` (each CPU alone for cores). */
static int level_group(walk *w, unsigned level, unsigned cpu, const hostcaps_bitmap *left,
                       hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *g = NULL;
        int64_t id, other;
        int e;
        if (level == LEVEL_CLUSTER && w->no_clusters) {
                *ret = hostcaps_bitmap_dup(left);
                return *ret ? 0 : -ENOMEM;
        }
        e = read_level(w, level, cpu, &g);
        if (e != -ENOENT)
                goto done;
        if (!(g = hostcaps_bitmap_new()))
                return -ENOMEM;
        /* Without a thread sibling list a CPU is its own core, as libvirt
         * assumes: core_id alone cannot group threads, because it repeats
         * across the dies of a package where the recording has no die level
         * (AMD Magny-Cours: core ids 0-5 on each of two dies). */
        if (level == LEVEL_CORE) {
                e = hostcaps_bitmap_set(g, cpu);
                goto done;
        }
        e = level_id(w, level, cpu, &id);
        if (e == -ENOENT) {
                e = hostcaps_bitmap_or(g, left);
                goto done;
        }
        if (e < 0)
                return e;
        BITMAP_FOREACH(c, left) {
                e = level_id(w, level, (unsigned)c, &other);
                if (e == -ENOENT) {
                        other = (unsigned)c == cpu ? id : ID_ABSENT;
                        e = 0;
                }
                if (e < 0)
                        return e;
                if (other == id && (e = hostcaps_bitmap_set(g, (unsigned)c)) < 0)
                        return e;
        }
done:
        if (e < 0)
                return e;
        /* Within the parent only: a sibling list that spans sockets (a
         * broken recording) never gives a CPU another socket's ids. */
        hostcaps_bitmap_and(g, left);
        *ret = TAKE_PTR(g);
        return 0;
}

static int add_core(walk *w, hostcaps_bitmap **g) {
        hostcaps_cpu_topo *t = w->t;
        hostcaps_bitmap **cores = realloc(t->core_cpus, (t->n_cores + 1) * sizeof(*cores));
        if (!cores)
                return -ENOMEM;
        t->core_cpus = cores;
        BITMAP_FOREACH(c, *g) {
                t->ids[c] = w->cur;
                t->core_of[c] = (unsigned)t->n_cores;
        }
        cores[t->n_cores++] = TAKE_PTR(*g);
        return 0;
}

/* Split `set` into the groups of `level` and recurse: one file per group,
 * so a host costs about one read per core instead of four or five per CPU. */
static int walk_level(walk *w, const hostcaps_bitmap *set, unsigned level) {
        _cleanup_bitmap_ hostcaps_bitmap *left = hostcaps_bitmap_dup(set);
        static const size_t offsets[N_LEVELS] = {
                offsetof(hostcaps_cpu_ids, socket),
                offsetof(hostcaps_cpu_ids, die),
                offsetof(hostcaps_cpu_ids, cluster),
                offsetof(hostcaps_cpu_ids, core),
        };
        unsigned groups = 0;
        int e = 0;

        if (!left)
                return -ENOMEM;
        for (int cpu; e >= 0 && (cpu = hostcaps_bitmap_next(left, 0)) >= 0; groups++) {
                _cleanup_bitmap_ hostcaps_bitmap *g = NULL;
                e = level_group(w, level, (unsigned)cpu, left, &g);
                if (e < 0)
                        break;
                hostcaps_bitmap_sub(left, g);
                if (level == LEVEL_CORE) {
                        /* The ids of a core are its first thread's, as
                         * libvirt reads them per CPU: a hand-edited tree
                         * whose package list and package ids disagree
                         * keeps each core's own ids. */
                        for (unsigned l = 0; w->want_ids && e >= 0 && l < N_LEVELS; l++)
                                e = printed_id(w, l, (unsigned)cpu,
                                               (unsigned *)((char *)&w->cur + offsets[l]));
                        if (e < 0)
                                break;
                        unsigned th = hostcaps_bitmap_count(g);
                        if (th > w->max[N_LEVELS])
                                w->max[N_LEVELS] = th;
                        if (w->want_ids)
                                e = add_core(w, &g);
                } else
                        e = walk_level(w, g, level + 1);
        }
        if (e >= 0 && groups > w->max[level])
                w->max[level] = groups;
        return e;
}

int hostcaps_cpu_topo_read(hostcaps_reader *r, const hostcaps_bitmap *online, bool want_ids,
                           hostcaps_cpu_topo *ret) {
        hostcaps_cpu_topo t = {0};
        walk w = {.r = r, .online = online, .t = &t, .want_ids = want_ids};
        int last = hostcaps_bitmap_last(online), e = 0;
        int64_t cluster;

        if (last < 0)
                return hostcaps_error(EINVAL, CPU_DIR "/online: no CPU is online");
        t.n = (size_t)last + 1;
        if (want_ids &&
            (!(t.ids = calloc(t.n, sizeof(*t.ids))) || !(t.core_of = calloc(t.n, sizeof(unsigned))))) {
                e = -ENOMEM;
                goto out;
        }
        /* cluster_id (5.16+) is -1 where the platform describes no clusters
         * (arm64 without them in the firmware tables) and 65535 on x86 when
         * the L2 cache that defines a cluster there is unknown (BAD_APICID);
         * then cluster_cpus_list holds a placeholder and the level is left
         * out, as lscpu and libvirt leave it out. One read, of the first
         * online CPU. */
        e = level_id(&w, LEVEL_CLUSTER, (unsigned)hostcaps_bitmap_next(online, 0), &cluster);
        if (e == -ENOENT)
                e = 0;
        else if (e >= 0)
                w.no_clusters = cluster < 0 || cluster == 65535;
        if (e >= 0)
                e = walk_level(&w, online, LEVEL_PACKAGE);
out:
        for (size_t i = 0; i < N_LEVELS; i++)
                free(w.ids[i]);
        if (e < 0) {
                hostcaps_cpu_topo_done(&t);
                return e;
        }
        t.sockets = w.max[LEVEL_PACKAGE];
        t.dies = w.max[LEVEL_DIE] ? w.max[LEVEL_DIE] : 1;
        t.clusters = w.max[LEVEL_CLUSTER] ? w.max[LEVEL_CLUSTER] : 1;
        t.cores = w.max[LEVEL_CORE] ? w.max[LEVEL_CORE] : 1;
        t.threads = w.max[N_LEVELS] ? w.max[N_LEVELS] : 1;
        *ret = t;
        return 0;
}

void hostcaps_cpu_topo_done(hostcaps_cpu_topo *t) {
        for (size_t i = 0; i < t->n_cores; i++)
                hostcaps_bitmap_free(t->core_cpus[i]);
        free(t->core_cpus);
        free(t->ids);
        free(t->core_of);
        *t = (hostcaps_cpu_topo){0};
}
