/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading the cache banks from sys/devices/system/cpu/cpuN/cache/indexK.
 *
 * Cost: a bank is shared by CPUs, and each is read once. A CPU's leaves
 * (indexK directories) are skipped when a bank already read covers the CPU
 * at the same index: the kernel numbers the leaves of every CPU sharing a
 * cache in the same order (x86 enumerates them from CPUID leaf 4 /
 * 0x8000001D, the same on all cores of a package; arm64 and others from the
 * firmware's per-level description). A CPU that shares its L1 with a CPU
 * already listed (an SMT sibling) has the same leaves as that CPU, so its
 * directory is not even listed when every one of those leaves covers it.
 * A bank costs five files (level, type, size, id, shared CPUs; line size and
 * ways once per cache design, see read_geometry()): on a host with SMT, one
 * listing per core plus five files per bank.
 *
 * Two guards keep the result right where those assumptions fail: a leaf
 * that turns out to be a bank already known (same level, type, id and
 * CPUs) is not added twice, and a CPU not covered by every leaf of its
 * sibling is listed and read like any other. */
#include <stdio.h>

#include "cache.h"
#include "host/cachetype.h"
#include "host/cputopo.h"
#include "host/error.h"
#include "host/parse.h"

#define CPU_DIR "sys/devices/system/cpu"
/* Far above any real leaf count (x86 has 4 or 5), low enough to bound the tables. */
#define MAX_LEAVES 64u

typedef struct kind_cover {
        unsigned int level;
        hostcaps_cache_type type;
        hostcaps_bitmap *cpus; /* CPUs with a bank of this level and type */
} kind_cover;

typedef struct walk {
        hostcaps_reader *r;
        const hostcaps_bitmap *online;
        hostcaps_cache *cache;
        size_t allocated;
        hostcaps_bitmap *by_leaf[MAX_LEAVES]; /* CPUs covered by a bank read at indexK */
        kind_cover *kinds;
        size_t n_kinds, kinds_allocated;
        hostcaps_cache_bank_data *designs; /* first bank of each level, type and size */
        size_t n_designs, designs_allocated;
        size_t n_cpus;             /* last online CPU + 1 */
        int *sibling_of;           /* the listed CPU sharing this CPU's L1, or -1 */
        uint64_t *leaves;          /* per listed CPU: bit K set when it has indexK; 0 = not listed */
        hostcaps_bitmap *siblings; /* the thread siblings of CPU siblings_of, read once */
        int siblings_of;
} walk;

static void walk_done(walk *w) {
        for (size_t k = 0; k < MAX_LEAVES; k++)
                hostcaps_bitmap_free(w->by_leaf[k]);
        for (size_t i = 0; i < w->n_kinds; i++)
                hostcaps_bitmap_free(w->kinds[i].cpus);
        free(w->kinds);
        free(w->designs);
        free(w->sibling_of);
        free(w->leaves);
        hostcaps_bitmap_free(w->siblings);
}

static void bank_done(hostcaps_cache_bank_data *b) {
        free(b->cpus);
        b->cpus = NULL;
}

/* The CPUs already holding a bank of this level and type (created empty). */
static int kind_get(walk *w, unsigned level, hostcaps_cache_type type, hostcaps_bitmap **ret) {
        for (size_t i = 0; i < w->n_kinds; i++)
                if (w->kinds[i].level == level && w->kinds[i].type == type) {
                        *ret = w->kinds[i].cpus;
                        return 0;
                }
        if (GROW(w->kinds, w->kinds_allocated, w->n_kinds + 1) < 0)
                return -ENOMEM;
        kind_cover *k = &w->kinds[w->n_kinds];
        *k = (kind_cover){.level = level, .type = type, .cpus = hostcaps_bitmap_new()};
        if (!k->cpus)
                return -ENOMEM;
        w->n_kinds++;
        *ret = k->cpus;
        return 0;
}

/* An optional number (the read policy, docs/architecture.md): *present
 * false when the file is missing, or malformed or out of range (a reason
 * then says which); -ENOMEM only fails. */
static int read_optional_u64(walk *w, const char *dir, const char *name, uint64_t max, uint64_t *ret,
                             bool *present) {
        uint64_t v;
        int e = hostcaps_readf_u64(w->r, &v, "%s/%s", dir, name);
        *present = false;
        if (e >= 0 && v > max)
                e = hostcaps_error(ERANGE, "%s/%s: %llu is out of range", dir, name, (unsigned long long)v);
        if (e < 0)
                return hostcaps_optional(&w->cache->obj, e);
        *ret = v;
        *present = true;
        return 0;
}

/* The CPUs of cpu's core: old ia64 kernels give some caches an all-zero
 * shared_cpu_map, and hwloc takes such a cache as shared by the core's
 * threads. "%s\n" CPU list since 2.6.2x, mask before; core_cpus_list is
 * the same set under its newer name (5.x). Without any: the CPU alone. */
static int read_thread_siblings(walk *w, unsigned cpu, hostcaps_bitmap **ret) {
        hostcaps_bitmap *b = NULL;
        int e;

        /* Several leaves of a CPU may need it (ia64: L2i and L3). */
        if (w->siblings && w->siblings_of == (int)cpu)
                goto copy;
        e = hostcaps_readf_cpulist(w->r, &b, CPU_DIR "/cpu%u/topology/thread_siblings_list", cpu);
        if (e == -ENOENT || e == -ENOTDIR)
                e = hostcaps_readf_cpumask(w->r, &b, CPU_DIR "/cpu%u/topology/thread_siblings", cpu);
        if (e == -ENOENT || e == -ENOTDIR)
                e = hostcaps_readf_cpulist(w->r, &b, CPU_DIR "/cpu%u/topology/core_cpus_list", cpu);
        if (e == -ENOENT || e == -ENOTDIR)
                e = (b = hostcaps_bitmap_new()) ? 0 : -ENOMEM;
        if (e < 0)
                return e;
        hostcaps_bitmap_free(w->siblings);
        w->siblings = b;
        w->siblings_of = (int)cpu;
copy:
        *ret = hostcaps_bitmap_dup(w->siblings);
        return *ret ? 0 : -ENOMEM;
}

/* The online CPUs sharing the leaf. shared_cpu_list is there since 2.6.2x;
 * older kernels have only the shared_cpu_map mask. An empty set (all zeros
 * on old ia64 kernels, an empty list from some firmware) means the CPU's
 * core, as hwloc reads it. */
static int read_shared(walk *w, const char *dir, unsigned cpu, hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *b = NULL;
        int e = hostcaps_readf_cpulist(w->r, &b, "%s/shared_cpu_list", dir);
        if (e == -ENOENT)
                e = hostcaps_readf_cpumask(w->r, &b, "%s/shared_cpu_map", dir);
        if (e < 0)
                return e;
        if (hostcaps_bitmap_is_empty(b)) {
                hostcaps_bitmap_free(b);
                b = NULL;
                if ((e = read_thread_siblings(w, cpu, &b)) < 0)
                        return e;
        }
        hostcaps_bitmap_and(b, w->online);
        /* A leaf always belongs to its own CPU, whatever a recording says. */
        if ((e = hostcaps_bitmap_set(b, cpu)) < 0)
                return e;
        *ret = TAKE_PTR(b);
        return 0;
}

/* Line size and associativity. Banks of one level, type and size are the
 * same cache design (the L2 of every core of a kind, the L3 of every
 * socket): the files are read for the first of them only. */
static int read_geometry(walk *w, const char *dir, hostcaps_cache_bank_data *b) {
        uint64_t v;
        bool present;
        int e;

        for (size_t i = 0; i < w->n_designs; i++) {
                const hostcaps_cache_bank_data *d = &w->designs[i];
                if (d->level == b->level && d->type == b->type && d->size == b->size) {
                        b->line_size = d->line_size;
                        b->ways = d->ways;
                        return 0;
                }
        }
        /* "%u\n" each; missing on some arm64 and virtual machines. */
        if ((e = read_optional_u64(w, dir, "coherency_line_size", UINT32_MAX, &v, &present)) < 0)
                return e;
        b->line_size = present ? (unsigned)v : 0;
        if ((e = read_optional_u64(w, dir, "ways_of_associativity", UINT32_MAX, &v, &present)) < 0)
                return e;
        b->ways = present ? (unsigned)v : 0;
        /* An unknown value is this bank's alone: the next bank of the
         * design reads its own files. */
        if (!b->line_size || !b->ways)
                return 0;
        if (GROW(w->designs, w->designs_allocated, w->n_designs + 1) < 0)
                return -ENOMEM;
        w->designs[w->n_designs++] = *b;
        return 0;
}

/* Read leaf K of `cpu` into *b and its CPUs into *ret_cpus; *ret_cpus NULL
 * when the leaf names no CPU (see below). */
static int read_leaf(walk *w, unsigned cpu, unsigned k, hostcaps_cache_bank_data *b,
                     hostcaps_bitmap **ret_cpus) {
        _cleanup_free_ char *type = NULL;
        char dir[128];
        uint64_t v;
        bool present;
        int e;

        snprintf(dir, sizeof(dir), CPU_DIR "/cpu%u/cache/index%u", cpu, k);
        *b = (hostcaps_cache_bank_data){0};
        *ret_cpus = NULL;

        /* "%u\n": 1, 2, 3, 4 */
        e = hostcaps_readf_u64(w->r, &v, "%s/level", dir);
        if (e < 0)
                return e;
        if (v < 1 || v > 15)
                return hostcaps_error(ERANGE, "%s/level: %llu is not a cache level", dir,
                                      (unsigned long long)v);
        b->level = (unsigned)v;

        /* A kernel writes every file below; trimmed recordings (libvirt's
         * test trees keep only what libvirt reads) may hold a leaf with its
         * level alone. Like hwloc, a leaf without a CPU set is left out and
         * one without a type is unified. */
        e = read_shared(w, dir, cpu, ret_cpus);
        if (e == -ENOENT)
                return 0;
        if (e < 0)
                return e;

        /* "Data", "Instruction" or "Unified" */
        e = hostcaps_readf_string(w->r, &type, "%s/type", dir);
        if (e == -ENOENT)
                b->type = HOSTCAPS_CACHE_UNIFIED;
        else if (e < 0)
                return e;
        else if (hostcaps_cache_type_from_kernel(type, &b->type) < 0)
                return hostcaps_error(EINVAL, "%s/type: unknown cache type '%.32s'", dir, type);

        /* "%u\n", since 4.10 (x86) and later on other architectures; the
         * kernel derives it from the APIC id on x86, from firmware elsewhere.
         * Unknown: the bank is numbered as on kernels without ids. */
        if ((e = read_optional_u64(w, dir, "id", UINT32_MAX, &v, &present)) < 0)
                return e;
        b->has_id = present;
        b->id = present ? (unsigned)v : 0;

        /* "%uK\n" at least up to 6.x; missing where firmware does not say.
         * 0: unknown. */
        e = hostcaps_readf_size(w->r, &b->size, "%s/size", dir);
        if (e < 0) {
                b->size = 0;
                if ((e = hostcaps_optional(&w->cache->obj, e)) < 0)
                        return e;
        }

        return read_geometry(w, dir, b);
}

static int add_bank(walk *w, hostcaps_cache_bank_data *b, const hostcaps_bitmap *cpus) {
        hostcaps_cache *c = w->cache;
        b->first_cpu = (unsigned)hostcaps_bitmap_next(cpus, 0);
        b->cpus = hostcaps_bitmap_format(cpus);
        if (!b->cpus)
                return -ENOMEM;
        if (GROW(c->banks, w->allocated, c->n_banks + 1) < 0) {
                bank_done(b);
                return -ENOMEM;
        }
        c->banks[c->n_banks++] = *b;
        b->cpus = NULL;
        return 0;
}

/* 1 when a bank equal to b (level, type, id, CPUs) is known, 0 if not. */
static int is_known(const walk *w, const hostcaps_cache_bank_data *b, const hostcaps_bitmap *cpus) {
        _cleanup_free_ char *list = hostcaps_bitmap_format(cpus);
        if (!list)
                return -ENOMEM;
        for (size_t i = 0; i < w->cache->n_banks; i++) {
                const hostcaps_cache_bank_data *k = &w->cache->banks[i];
                if (k->level == b->level && k->type == b->type && k->has_id == b->has_id && k->id == b->id &&
                    strcmp(k->cpus, list) == 0)
                        return 1;
        }
        return 0;
}

/* Read leaf K of `cpu` and record it, once per bank. */
static int visit_leaf(walk *w, unsigned cpu, unsigned k) {
        _cleanup_bitmap_ hostcaps_bitmap *cpus = NULL;
        hostcaps_cache_bank_data b;
        hostcaps_bitmap *kind;
        int e, known;

        if ((e = read_leaf(w, cpu, k, &b, &cpus)) < 0)
                return e;
        if (!cpus)
                return 0;
        if ((e = kind_get(w, b.level, b.type, &kind)) < 0)
                return e;
        /* A CPU normally has one bank per level and type: when one covers it
         * already, this leaf is likely that bank seen from another index.
         * It is, if id and CPUs match too (libvirt's test trees give one CPU
         * two L3 banks with different ids). */
        known = hostcaps_bitmap_test(kind, cpu) ? is_known(w, &b, cpus) : 0;
        if (known < 0)
                return known;
        if (!known && ((e = hostcaps_bitmap_or(kind, cpus)) < 0 || (e = add_bank(w, &b, cpus)) < 0))
                return e;
        if (!w->by_leaf[k] && !(w->by_leaf[k] = hostcaps_bitmap_new()))
                return -ENOMEM;
        if ((e = hostcaps_bitmap_or(w->by_leaf[k], cpus)) < 0)
                return e;
        /* CPUs sharing this CPU's L1 are its SMT siblings: same core, same leaves. */
        if (b.level == 1) {
                BITMAP_FOREACH(c, cpus) {
                        if ((size_t)c < w->n_cpus && (unsigned)c != cpu && w->sibling_of[c] < 0)
                                w->sibling_of[c] = (int)cpu;
                }
        }
        return 0;
}

static bool covered(const walk *w, unsigned k, unsigned cpu) {
        return w->by_leaf[k] && hostcaps_bitmap_test(w->by_leaf[k], cpu);
}

/* Whether every leaf of cpu's sibling already covers cpu: then there is
 * nothing of cpu's own to read. */
static bool covered_by_sibling(const walk *w, unsigned cpu) {
        int s = w->sibling_of[cpu];
        if (s < 0 || !w->leaves[s])
                return false;
        for (unsigned k = 0; k < MAX_LEAVES; k++)
                if ((w->leaves[s] & (UINT64_C(1) << k)) && !covered(w, k, cpu))
                        return false;
        return true;
}

/* List the leaves of `cpu` and read those no bank covers yet. A CPU without
 * a cache directory (no cacheinfo: some virtual machines, old arm kernels)
 * has none. */
static int walk_cpu(walk *w, unsigned cpu) {
        char path[96], **names = NULL;
        uint64_t set = 0;
        int e;

        if (covered_by_sibling(w, cpu))
                return 0;
        snprintf(path, sizeof(path), CPU_DIR "/cpu%u/cache", cpu);
        e = hostcaps_read_dir(w->r, path, &names, NULL);
        if (e == -ENOENT || e == -ENOTDIR)
                return 0;
        if (e < 0)
                return e;
        for (size_t i = 0; names[i] && e >= 0; i++) {
                const char *num = startswith(names[i], "index");
                uint64_t k;
                if (!num || hostcaps_parse_u64(num, &k) < 0) {
                        hostcaps_error_reset();
                        continue; /* "uevent", "power" */
                }
                if (k >= MAX_LEAVES)
                        e = hostcaps_error(ERANGE, "%s/%s: more cache leaves than expected", path, names[i]);
                else
                        set |= UINT64_C(1) << k;
        }
        hostcaps_strv_free(names);
        if (e < 0)
                return e;
        w->leaves[cpu] = set;
        for (unsigned k = 0; k < MAX_LEAVES && e >= 0; k++)
                if ((set & (UINT64_C(1) << k)) && !covered(w, k, cpu))
                        e = visit_leaf(w, cpu, k);
        return e;
}

static int type_rank(hostcaps_cache_type t) {
        /* lscpu's and hwloc's order: L1d before L1i. */
        return t == HOSTCAPS_CACHE_DATA ? 0 : t == HOSTCAPS_CACHE_INSTRUCTION ? 1 : 2;
}

static int cmp_first_cpu(const void *a, const void *b) {
        const hostcaps_cache_bank_data *x = a, *y = b;
        if (x->level != y->level)
                return x->level < y->level ? -1 : 1;
        if (x->type != y->type)
                return type_rank(x->type) - type_rank(y->type);
        return x->first_cpu < y->first_cpu ? -1 : x->first_cpu > y->first_cpu;
}

/* libvirt's order (level, then id), made total with the type and first CPU. */
static int cmp_banks(const void *a, const void *b) {
        const hostcaps_cache_bank_data *x = a, *y = b;
        if (x->level != y->level)
                return x->level < y->level ? -1 : 1;
        if (x->id != y->id)
                return x->id < y->id ? -1 : 1;
        if (x->type != y->type)
                return type_rank(x->type) - type_rank(y->type);
        return x->first_cpu < y->first_cpu ? -1 : x->first_cpu > y->first_cpu;
}

/* Trees without id files (kernels before 4.10, firmware without cache ids):
 * number the banks of each level and type 0, 1, ... in the order of their
 * first CPU. hwloc leaves such caches without an OS index and numbers them
 * logically in topology order, which is this same order; the kernel's own
 * ids (x86: APIC id shifted by the leaf's sharing width) cannot be rebuilt
 * without CPUID, which this section does not read. A level and type where
 * any bank lacks an id is numbered whole, so ids never collide. */
static void derive_ids(hostcaps_cache *c) {
        if (c->n_banks == 0)
                return; /* banks is NULL then, which qsort must not get */
        qsort(c->banks, c->n_banks, sizeof(*c->banks), cmp_first_cpu);
        for (size_t i = 0, j; i < c->n_banks; i = j) {
                bool derive = false;
                for (j = i; j < c->n_banks && c->banks[j].level == c->banks[i].level &&
                            c->banks[j].type == c->banks[i].type;
                     j++)
                        derive |= !c->banks[j].has_id;
                if (!derive)
                        continue;
                for (size_t k = i; k < j; k++) {
                        c->banks[k].id = (unsigned)(k - i);
                        c->banks[k].has_id = false;
                }
        }
        hostcaps_cache_sort_banks(c);
}

void hostcaps_cache_sort_banks(hostcaps_cache *c) {
        if (c->n_banks > 1)
                qsort(c->banks, c->n_banks, sizeof(*c->banks), cmp_banks);
}

int hostcaps_cache_probe_banks(hostcaps_reader *r, hostcaps_cache *cache) {
        _cleanup_bitmap_ hostcaps_bitmap *online = NULL, *absent = NULL;
        walk w = {.r = r, .cache = cache};
        int e;

        /* Offline CPUs have no cache directory; banks list online CPUs only.
         * A CPU listed online without a cpuN directory is left out, as the
         * CPU and NUMA sections leave it out. */
        if ((e = hostcaps_read_cpus(r, &online, &absent)) < 0)
                return e;
        w.online = online;
        w.n_cpus = (size_t)hostcaps_bitmap_last(online) + 1;
        w.sibling_of = malloc(w.n_cpus * sizeof(int));
        w.leaves = calloc(w.n_cpus, sizeof(uint64_t));
        if (!w.sibling_of || !w.leaves) {
                walk_done(&w);
                return -ENOMEM;
        }
        for (size_t i = 0; i < w.n_cpus; i++)
                w.sibling_of[i] = -1;
        BITMAP_FOREACH(cpu, online) {
                if ((e = walk_cpu(&w, (unsigned)cpu)) < 0)
                        break;
        }
        walk_done(&w);
        if (e < 0)
                return e;
        derive_ids(cache);
        return hostcaps_absent_cpus_reason(&cache->obj, absent, "in no cache bank");
}
