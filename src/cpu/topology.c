/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Topology counts, page sizes and hybrid core kinds of the CPU section. */
#include <stdio.h>

#include "cpu.h"
#include "host/cputopo.h"
#include "host/error.h"
#include "host/parse.h"

#define CPU_DIR "sys/devices/system/cpu"

/* The CPUs sharing a level with `cpu`, restricted to `online`. Kernels since
 * 5.x have <level>_cpus_list (package, die since 5.2, cluster since 5.16,
 * core); older ones the *_siblings_list names. -ENOENT when none exists. */
static int read_level(hostcaps_reader *r, unsigned cpu, const char *const *names,
                      const hostcaps_bitmap *online, hostcaps_bitmap **ret) {
        for (; *names; names++) {
                hostcaps_bitmap *b;
                int e = hostcaps_readf_cpulist(r, &b, CPU_DIR "/cpu%u/topology/%s", cpu, *names);
                if (e == -ENOENT)
                        continue;
                if (e < 0)
                        return e;
                hostcaps_bitmap_and(b, online);
                /* A CPU always belongs to its own group. Hand-edited
                 * recordings that leave it out exist (libvirt's test1 has
                 * cpu1's thread siblings as "0"); libvirt counts the list's
                 * bits there, and so the CPU is added, not refused. */
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

static void bitmap_sub(hostcaps_bitmap *a, const hostcaps_bitmap *b) {
        BITMAP_FOREACH(i, b)
                hostcaps_bitmap_clear(a, (unsigned) i);
}

static const char *const package_names[] = {"package_cpus_list", "core_siblings_list", NULL};
static const char *const die_names[] = {"die_cpus_list", NULL};
static const char *const cluster_names[] = {"cluster_cpus_list", NULL};
static const char *const core_names[] = {"core_cpus_list", "thread_siblings_list", NULL};
static const char *const *const level_names[] = {package_names, die_names, cluster_names, core_names};
/* Older kernels and some recordings have only the per-CPU ids (a core is
 * never grouped by its id: see level_group()). */
static const char *const level_ids[] = {"physical_package_id", "die_id", "cluster_id"};

typedef struct topo_walk {
        hostcaps_reader *r;
        const hostcaps_bitmap *online;
        unsigned max[5]; /* groups per parent at each level; [4]: threads per core */
        int64_t *ids[3]; /* per-CPU id cache for levels read by id; -2 = not read */
        size_t n_ids;
        bool no_clusters; /* the kernel knows no clusters: one per die */
} topo_walk;

/* The id of `cpu` at `level`; -ENOENT when the id file is missing too. */
static int level_id(topo_walk *w, unsigned level, unsigned cpu, int64_t *ret) {
        if (!w->ids[level]) {
                w->ids[level] = malloc(w->n_ids * sizeof(int64_t));
                if (!w->ids[level])
                        return -ENOMEM;
                for (size_t i = 0; i < w->n_ids; i++)
                        w->ids[level][i] = -2;
        }
        if (w->ids[level][cpu] == -2) {
                int64_t v;
                int e = hostcaps_readf_s64(w->r, &v, CPU_DIR "/cpu%u/topology/%s", cpu, level_ids[level]);
                if (e < 0)
                        return e;
                w->ids[level][cpu] = v < 0 ? -1 : v;
        }
        *ret = w->ids[level][cpu];
        return 0;
}

/* The group of `cpu` at `level` within `left`: from the level's list file,
 * else from equal ids, else the whole of `left` (each CPU alone for cores). */
static int level_group(topo_walk *w, unsigned level, unsigned cpu, const hostcaps_bitmap *left,
                       hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *g = NULL;
        int64_t id, other;
        int e;
        if (level == 2 && w->no_clusters) {
                *ret = hostcaps_bitmap_dup(left);
                return *ret ? 0 : -ENOMEM;
        }
        e = read_level(w->r, cpu, level_names[level], w->online, &g);
        if (e != -ENOENT)
                goto done;
        hostcaps_error_reset();
        if (!(g = hostcaps_bitmap_new()))
                return -ENOMEM;
        /* Without a thread sibling list a CPU is its own core, as libvirt
         * assumes: core_id alone cannot group threads, because it repeats
         * across the dies of a package where the recording has no die level
         * (AMD Magny-Cours: core ids 0-5 on each of two dies). */
        if (level == 3) {
                e = hostcaps_bitmap_set(g, cpu);
                goto done;
        }
        e = level_id(w, level, cpu, &id);
        if (e == -ENOENT) {
                hostcaps_error_reset();
                e = hostcaps_bitmap_or(g, left);
                goto done;
        }
        if (e < 0)
                return e;
        BITMAP_FOREACH(c, left) {
                e = level_id(w, level, (unsigned) c, &other);
                if (e == -ENOENT) {
                        hostcaps_error_reset();
                        other = (unsigned) c == cpu ? id : -3;
                        e = 0;
                }
                if (e < 0)
                        return e;
                if (other == id && (e = hostcaps_bitmap_set(g, (unsigned) c)) < 0)
                        return e;
        }
done:
        if (e < 0)
                return e;
        hostcaps_bitmap_and(g, left);
        *ret = TAKE_PTR(g);
        return 0;
}

/* cluster_id (5.16+) is -1 where the platform describes no clusters (arm64
 * without them in the firmware tables) and 65535 on x86 when the L2 cache
 * that defines a cluster there is unknown (BAD_APICID in the kernel); then
 * cluster_cpus_list holds a placeholder and the level is left out, as lscpu
 * and libvirt leave it out. One read, of the first online CPU. */
static int clusters_unknown(hostcaps_reader *r, unsigned cpu, bool *ret) {
        int64_t id;
        int e = hostcaps_readf_s64(r, &id, CPU_DIR "/cpu%u/topology/cluster_id", cpu);
        if (e == -ENOENT) {
                hostcaps_error_reset();
                *ret = false;
                return 0;
        }
        if (e < 0)
                return e;
        *ret = id < 0 || id == 65535;
        return 0;
}

/* Split `set` into the groups of `level` (0 package .. 3 core) and recurse:
 * one file per group, so a host costs about one read per core instead of
 * four or five per CPU. */
static int count_level(topo_walk *w, const hostcaps_bitmap *set, unsigned level) {
        _cleanup_bitmap_ hostcaps_bitmap *left = hostcaps_bitmap_dup(set);
        unsigned groups = 0;
        int e = 0;

        if (!left)
                return -ENOMEM;
        for (int cpu; e >= 0 && (cpu = hostcaps_bitmap_next(left, 0)) >= 0; groups++) {
                _cleanup_bitmap_ hostcaps_bitmap *g = NULL;
                e = level_group(w, level, (unsigned) cpu, left, &g);
                if (e < 0)
                        break;
                if (level == 3) {
                        unsigned t = hostcaps_bitmap_count(g);
                        if (t > w->max[4])
                                w->max[4] = t;
                } else
                        e = count_level(w, g, level + 1);
                bitmap_sub(left, g);
        }
        if (e >= 0 && groups > w->max[level])
                w->max[level] = groups;
        return e;
}

int hostcaps_cpu_probe_topology(hostcaps_reader *r, hostcaps_cpu *cpu) {
        _cleanup_bitmap_ hostcaps_bitmap *online = NULL, *possible = NULL;
        topo_walk w = {.r = r};
        int e;

        e = hostcaps_read_online_cpus(r, &online);
        if (e < 0)
                return e;
        if (hostcaps_bitmap_is_empty(online))
                return hostcaps_error(EINVAL, CPU_DIR "/online: no CPU is online");
        /* "0-N" like online; missing in some recordings: then what is online. */
        e = hostcaps_read_cpulist(r, CPU_DIR "/possible", &possible);
        if (e == -ENOENT) {
                hostcaps_error_reset();
                e = hostcaps_read_cpulist(r, CPU_DIR "/present", &possible);
        }
        if (e == -ENOENT) {
                hostcaps_error_reset();
                possible = hostcaps_bitmap_dup(online);
                e = possible ? 0 : -ENOMEM;
        }
        if (e < 0)
                return e;
        hostcaps_bitmap_or(possible, online);

        w.online = online;
        w.n_ids = (size_t) hostcaps_bitmap_last(online) + 1;
        e = clusters_unknown(r, (unsigned) hostcaps_bitmap_next(online, 0), &w.no_clusters);
        if (e < 0)
                return e;
        e = count_level(&w, online, 0);
        for (size_t i = 0; i < ELEMENTSOF(w.ids); i++)
                free(w.ids[i]);
        if (e < 0)
                return e;
        cpu->topo.sockets = w.max[0];
        cpu->topo.dies = w.max[1] ? w.max[1] : 1;
        cpu->topo.clusters = w.max[2] ? w.max[2] : 1;
        cpu->topo.cores = w.max[3] ? w.max[3] : 1;
        cpu->topo.threads = w.max[4] ? w.max[4] : 1;
        cpu->topo.online_cpus = hostcaps_bitmap_count(online);
        cpu->topo.possible_cpus = hostcaps_bitmap_count(possible);
        return 0;
}

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
        return x < y ? -1 : x > y;
}

int hostcaps_cpu_probe_page_sizes(hostcaps_reader *r, uint64_t base_page_size, hostcaps_cpu *cpu) {
        char **names = NULL;
        size_t n = 0, allocated = 0;
        int e;

        e = GROW(cpu->page_sizes, allocated, 1);
        if (e < 0)
                return e;
        cpu->page_sizes[cpu->n_page_sizes++] = base_page_size / 1024;
        /* One directory per hugepage size: "hugepages-2048kB". Missing without
         * hugetlbfs support: then the base page size alone. */
        e = hostcaps_read_dir(r, "sys/kernel/mm/hugepages", &names, &n);
        if (e == -ENOENT || e == -ENOTDIR) {
                hostcaps_error_reset();
                return 0;
        }
        if (e < 0)
                return e;
        for (size_t i = 0; i < n; i++) {
                const char *s = startswith(names[i], "hugepages-");
                char *end;
                unsigned long long kib;
                if (!s)
                        continue;
                errno = 0;
                kib = strtoull(s, &end, 10);
                if (errno || end == s || strcmp(end, "kB") != 0 || kib == 0) {
                        e = hostcaps_error(EINVAL, "sys/kernel/mm/hugepages/%s: unexpected name", names[i]);
                        break;
                }
                if ((e = GROW(cpu->page_sizes, allocated, cpu->n_page_sizes + 1)) < 0)
                        break;
                cpu->page_sizes[cpu->n_page_sizes++] = kib;
        }
        hostcaps_strv_free(names);
        if (e < 0)
                return e;
        qsort(cpu->page_sizes, cpu->n_page_sizes, sizeof(uint64_t), cmp_u64);
        return 0;
}

int hostcaps_cpu_probe_core_kinds(hostcaps_reader *r, hostcaps_cpu *cpu) {
        /* Intel hybrid parts register one PMU per core type, each with a
         * "cpus" list (since 5.13). */
        static const struct {
                const char *dir, *name;
        } kinds[] = {
                {"sys/devices/cpu_core", "core"},
                {"sys/devices/cpu_atom", "atom"},
        };
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                _cleanup_bitmap_ hostcaps_bitmap *b = NULL;
                int e = hostcaps_readf_cpulist(r, &b, "%s/cpus", kinds[i].dir);
                if (e == -ENOENT || e == -ENOTDIR) {
                        hostcaps_error_reset();
                        continue;
                }
                if (e < 0)
                        return e;
                hostcaps_core_kind *k = realloc(cpu->kinds, (cpu->n_kinds + 1) * sizeof(*k));
                if (!k)
                        return -ENOMEM;
                cpu->kinds = k;
                k[cpu->n_kinds].name = strdup(kinds[i].name);
                k[cpu->n_kinds].cpus = hostcaps_bitmap_format(b);
                cpu->n_kinds++;
                if (!k[cpu->n_kinds - 1].name || !k[cpu->n_kinds - 1].cpus)
                        return -ENOMEM;
        }
        return 0;
}
