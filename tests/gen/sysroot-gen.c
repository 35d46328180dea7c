/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The synthetic sysroot generator: the shape's arithmetic (what a reader must
 * find), and the writer of the tree.
 *
 * Nothing here uses the library's own parsers or formatters: the trees are
 * the tests' independent source of truth for them. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysroot-gen.h"

/* Largest id a list may name, and the kernel's limits: NR_CPUS of distro
 * kernels, and MAX_NUMNODES with NODES_SHIFT 10 (the width of Mems_allowed). */
#define GEN_MAX_ID    65536u
#define GEN_MAX_CPUS  8192u
#define GEN_MAX_NODES 1024u

/* A set of small integers below n. */
typedef struct gset {
        uint64_t *w;
        unsigned n;
} gset;

/* A growable string; oom makes every later call a no-op. */
typedef struct gbuf {
        char *p;
        size_t len, cap;
        bool oom;
} gbuf;

/* The shape's counts with defaults applied; per-parent counts first. */
typedef struct gen_dims {
        unsigned sockets, dies, clusters, cores, threads, nps, l2c, l3c;
        unsigned cores_per_die, cores_per_socket, n_cores, n_cpus;
        unsigned n_cpu_nodes, n_online_nodes, n_nodes;
        uint64_t mem_kib;
} gen_dims;

/* ---- sets of small integers ---- */

static int gset_init(gset *s, unsigned n) {
        s->n = n;
        s->w = calloc(n / 64 + 1, sizeof(uint64_t));
        return s->w ? 0 : -ENOMEM;
}

static void gset_done(gset *s) {
        free(s->w);
        s->w = NULL;
        s->n = 0;
}

static void gset_add(gset *s, unsigned i) {
        if (i < s->n)
                s->w[i / 64] |= UINT64_C(1) << (i % 64);
}

static bool gset_test(const gset *s, unsigned i) {
        return i < s->n && (s->w[i / 64] >> (i % 64)) & 1;
}

static unsigned gset_count(const gset *s) {
        unsigned c = 0;
        for (unsigned i = 0; i <= s->n / 64; i++)
                c += (unsigned)__builtin_popcountll(s->w[i]);
        return c;
}

/* The i-th member (from 0), or -1. */
static int gset_nth(const gset *s, unsigned nth) {
        for (unsigned i = 0; i < s->n; i++)
                if (gset_test(s, i) && nth-- == 0)
                        return (int)i;
        return -1;
}

static int parse_uint(const char **p, unsigned *ret) {
        unsigned long v = 0;
        const char *s = *p;
        if (*s < '0' || *s > '9')
                return -EINVAL;
        for (; *s >= '0' && *s <= '9'; s++) {
                v = v * 10 + (unsigned)(*s - '0');
                if (v > GEN_MAX_ID)
                        return -ERANGE;
        }
        *p = s;
        *ret = (unsigned)v;
        return 0;
}

/* The kernel's list format: "0-3,8,10-15:2"; "" is the empty set. Members
 * must be below max. */
static int gset_parse(const char *list, unsigned max, gset *ret) {
        const char *p = list;
        int e = gset_init(ret, max);
        if (e < 0)
                return e;
        while (*p == ' ' || *p == '\t')
                p++;
        while (*p && *p != '\n') {
                unsigned a, b, stride = 1;
                if ((e = parse_uint(&p, &a)) < 0)
                        goto fail;
                b = a;
                if (*p == '-') {
                        p++;
                        if ((e = parse_uint(&p, &b)) < 0)
                                goto fail;
                        if (*p == ':') {
                                p++;
                                if ((e = parse_uint(&p, &stride)) < 0)
                                        goto fail;
                        }
                }
                if (b < a || stride == 0 || b >= max) {
                        e = b >= max ? -ERANGE : -EINVAL;
                        goto fail;
                }
                for (unsigned i = a; i <= b; i += stride)
                        gset_add(ret, i);
                if (*p == ',')
                        p++;
                else if (*p && *p != '\n') {
                        e = -EINVAL;
                        goto fail;
                }
        }
        return 0;
fail:
        gset_done(ret);
        return e;
}

/* ---- a growable string ---- */

static void gbuf_add(gbuf *b, const char *s, size_t len) {
        if (b->oom)
                return;
        if (b->len + len + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 256;
                while (cap < b->len + len + 1)
                        cap *= 2;
                char *p = realloc(b->p, cap);
                if (!p) {
                        b->oom = true;
                        return;
                }
                b->p = p;
                b->cap = cap;
        }
        memcpy(b->p + b->len, s, len);
        b->len += len;
        b->p[b->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void gbuf_printf(gbuf *b, const char *fmt, ...) {
        char small[512];
        va_list ap;
        int n;
        va_start(ap, fmt);
        n = vsnprintf(small, sizeof(small), fmt, ap);
        va_end(ap);
        if (n < 0) {
                b->oom = true;
                return;
        }
        if ((size_t)n < sizeof(small)) {
                gbuf_add(b, small, (size_t)n);
                return;
        }
        char *big = malloc((size_t)n + 1);
        if (!big) {
                b->oom = true;
                return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        gbuf_add(b, big, (size_t)n);
        free(big);
}

static void gbuf_reset(gbuf *b) {
        b->len = 0;
        if (b->p)
                b->p[0] = '\0';
}

static void gbuf_done(gbuf *b) {
        free(b->p);
        *b = (gbuf){0};
}

/* "0-3,8,10-11", as the kernel's %*pbl prints a set. */
static void gbuf_list(gbuf *b, const gset *s) {
        bool first = true;
        for (unsigned i = 0; i < s->n; i++) {
                unsigned j;
                if (!gset_test(s, i))
                        continue;
                for (j = i; j + 1 < s->n && gset_test(s, j + 1); j++)
                        ;
                if (j > i)
                        gbuf_printf(b, "%s%u-%u", first ? "" : ",", i, j);
                else
                        gbuf_printf(b, "%s%u", first ? "" : ",", i);
                first = false;
                i = j;
        }
        if (first)
                gbuf_add(b, "", 0);
}

/* The kernel's %*pb over nbits: 32-bit groups of hex, most significant
 * first, separated by commas; the first group only as wide as the bits left
 * over ("f" for 4 CPUs, "ff,ffffffff" for 40). */
static void gbuf_mask(gbuf *b, const gset *s, unsigned nbits) {
        unsigned groups = nbits ? (nbits + 31) / 32 : 1;
        unsigned top = nbits % 32 ? nbits % 32 : 32;
        for (unsigned g = groups; g-- > 0;) {
                uint32_t v = 0;
                for (unsigned k = 0; k < 32; k++)
                        if (gset_test(s, g * 32 + k) && g * 32 + k < nbits)
                                v |= UINT32_C(1) << k;
                if (g == groups - 1)
                        gbuf_printf(b, "%0*x", (int)((top + 3) / 4), v);
                else
                        gbuf_printf(b, ",%08x", v);
        }
}

static char *gbuf_steal(gbuf *b) {
        char *p;
        if (b->oom) {
                gbuf_done(b);
                return NULL;
        }
        p = b->p ? b->p : strdup("");
        *b = (gbuf){0};
        return p;
}

/* ---- the shape ---- */

static unsigned one(unsigned v) {
        return v ? v : 1;
}

static void gen_dims_get(const gen_shape *s, gen_dims *d) {
        *d = (gen_dims){
                .sockets = one(s->sockets),
                .dies = one(s->dies_per_socket),
                .clusters = one(s->clusters_per_die),
                .cores = one(s->cores_per_cluster),
                .threads = one(s->threads_per_core),
                .nps = one(s->nodes_per_socket),
                .l2c = one(s->l2_cores),
                .l3c = one(s->l3_cores),
                .mem_kib = s->node_memory_kib ? s->node_memory_kib : UINT64_C(4) << 20,
        };
        d->cores_per_die = d->clusters * d->cores;
        d->cores_per_socket = d->dies * d->cores_per_die;
        d->n_cores = d->sockets * d->cores_per_socket;
        d->n_cpus = d->n_cores * d->threads;
        d->n_cpu_nodes = d->sockets * d->nps;
        d->n_online_nodes = d->n_cpu_nodes + s->memory_only_nodes;
        d->n_nodes = d->n_online_nodes + s->cpuless_memless_nodes;
}

unsigned gen_n_sockets(const gen_shape *s) {
        return one(s->sockets);
}
unsigned gen_dies_per_socket(const gen_shape *s) {
        return one(s->dies_per_socket);
}
unsigned gen_clusters_per_die(const gen_shape *s) {
        return one(s->clusters_per_die);
}
unsigned gen_cores_per_cluster(const gen_shape *s) {
        return one(s->cores_per_cluster);
}
unsigned gen_threads_per_core(const gen_shape *s) {
        return one(s->threads_per_core);
}
unsigned gen_cores_per_socket(const gen_shape *s) {
        gen_dims d;
        gen_dims_get(s, &d);
        return d.cores_per_socket;
}
unsigned gen_n_cores(const gen_shape *s) {
        gen_dims d;
        gen_dims_get(s, &d);
        return d.n_cores;
}
unsigned gen_n_cpus(const gen_shape *s) {
        gen_dims d;
        gen_dims_get(s, &d);
        return d.n_cpus;
}
unsigned gen_n_nodes(const gen_shape *s) {
        gen_dims d;
        gen_dims_get(s, &d);
        return d.n_nodes;
}
unsigned gen_n_online_nodes(const gen_shape *s) {
        gen_dims d;
        gen_dims_get(s, &d);
        return d.n_online_nodes;
}

/* The online CPUs: all but offline_cpus. */
static int gen_online_set(const gen_shape *s, gset *ret) {
        gen_dims d;
        gset off;
        int e;
        gen_dims_get(s, &d);
        if ((e = gset_init(ret, d.n_cpus)) < 0)
                return e;
        for (unsigned i = 0; i < d.n_cpus; i++)
                gset_add(ret, i);
        if (!s->offline_cpus)
                return 0;
        if ((e = gset_parse(s->offline_cpus, d.n_cpus, &off)) < 0) {
                gset_done(ret);
                return e;
        }
        for (unsigned i = 0; i < d.n_cpus; i++)
                if (gset_test(&off, i))
                        ret->w[i / 64] &= ~(UINT64_C(1) << (i % 64));
        gset_done(&off);
        return 0;
}

bool gen_cpu_online(const gen_shape *s, unsigned cpu) {
        gset on;
        bool r;
        if (gen_online_set(s, &on) < 0)
                return false;
        r = gset_test(&on, cpu);
        gset_done(&on);
        return r;
}

unsigned gen_n_online(const gen_shape *s) {
        gset on;
        unsigned n;
        if (gen_online_set(s, &on) < 0)
                return 0;
        n = gset_count(&on);
        gset_done(&on);
        return n;
}

unsigned gen_node_id(const gen_shape *s, unsigned i) {
        gset ids;
        int id;
        if (!s->node_ids || gset_parse(s->node_ids, GEN_MAX_NODES, &ids) < 0)
                return i;
        id = gset_nth(&ids, i);
        gset_done(&ids);
        return id < 0 ? i : (unsigned)id;
}

/* The node index of a physical core: a socket's cores split evenly, in order. */
static unsigned core_node(const gen_dims *d, unsigned core_index) {
        unsigned socket = core_index / d->cores_per_socket;
        unsigned c = core_index % d->cores_per_socket;
        return socket * d->nps + c / (d->cores_per_socket / d->nps);
}

static void gen_cpu_compute(const gen_shape *s, const gen_dims *d, unsigned cpu, bool online, gen_cpu *ret) {
        unsigned ci = cpu % d->n_cores;
        unsigned c = ci % d->cores_per_socket; /* core within its socket */
        unsigned socket = ci / d->cores_per_socket;
        unsigned die = c / d->cores_per_die;

        *ret = (gen_cpu){
                .online = online,
                .socket = socket,
                .die = die,
                .cluster = c / d->cores,
                .core = c,
                .thread = cpu / d->n_cores,
                .core_index = ci,
                .node_index = core_node(d, ci),
                .l2_id = ci / d->l2c,
        };
        ret->node_id = gen_node_id(s, ret->node_index);
        switch (s->l3_scope) {
        case GEN_L3_PER_SOCKET:
                ret->l3_id = (int)socket;
                break;
        case GEN_L3_PER_DIE:
                ret->l3_id = (int)(socket * d->dies + die);
                break;
        case GEN_L3_PER_CORES:
                ret->l3_id = (int)(ci / d->l3c);
                break;
        default:
                ret->l3_id = -1;
        }
        if (s->hybrid)
                ret->kind = c < (d->cores_per_socket + 1) / 2 ? GEN_KIND_CORE : GEN_KIND_ATOM;
        ret->little = s->big_little && ret->cluster % 2 == 1;
        ret->capacity = ret->little ? GEN_LITTLE_CAPACITY : 1024;
        if (s->cpufreq != GEN_CPUFREQ_NONE) {
                ret->min_khz = GEN_MIN_KHZ;
                ret->max_khz = ret->kind == GEN_KIND_CORE   ? GEN_CORE_MAX_KHZ
                               : ret->kind == GEN_KIND_ATOM ? GEN_ATOM_MAX_KHZ
                               : ret->little                ? GEN_LITTLE_MAX_KHZ
                                                            : GEN_MAX_KHZ;
                ret->base_khz = s->cpufreq == GEN_CPUFREQ_PER_CPU ? GEN_BASE_KHZ : 0;
        }
}

/* The kernel's words of hw-vuln's forms: one of each state, a KVM prefix,
 * SMT left exposed, and a guest that cannot tell. */
const gen_vulnerability gen_vulnerabilities[GEN_N_VULNERABILITIES] = {
        {"gather_data_sampling", "Unknown: Dependent on hypervisor status", GEN_VULN_UNKNOWN, false},
        {"itlb_multihit", "KVM: Mitigation: Split huge pages", GEN_VULN_MITIGATED, false},
        {"l1tf", "Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT vulnerable",
         GEN_VULN_MITIGATED, true},
        {"mds", "Vulnerable: Clear CPU buffers attempted, no microcode; SMT Host state unknown",
         GEN_VULN_AFFECTED, true},
        {"meltdown", "Not affected", GEN_VULN_NOT_AFFECTED, false},
        {"spec_store_bypass", "Vulnerable", GEN_VULN_AFFECTED, false},
        {"spectre_v1", "Mitigation: usercopy/swapgs barriers and __user pointer sanitization",
         GEN_VULN_MITIGATED, false},
        {"spectre_v2", "Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; RSB filling",
         GEN_VULN_MITIGATED, false},
        {"srbds", "Processor vulnerable", GEN_VULN_AFFECTED, false},
};

int gen_cpu_get(const gen_shape *s, unsigned cpu, gen_cpu *ret) {
        gen_dims d;
        gen_dims_get(s, &d);
        if (cpu >= d.n_cpus)
                return -ERANGE;
        gen_cpu_compute(s, &d, cpu, gen_cpu_online(s, cpu), ret);
        return 0;
}

/* The socket a memory-only node belongs to. */
static unsigned memonly_socket(const gen_dims *d, unsigned i) {
        return (i - d->n_cpu_nodes) % d->sockets;
}

unsigned gen_distance(const gen_shape *s, unsigned i, unsigned j) {
        gen_dims d;
        gen_dims_get(s, &d);
        if (i == j)
                return 10;
        if (s->asymmetric_distances)
                return 20 + i + 2 * j;
        /* A memory-only node is nearer to its own socket's nodes. */
        if (i >= d.n_cpu_nodes && i < d.n_online_nodes && j < d.n_cpu_nodes)
                return j / d.nps == memonly_socket(&d, i) ? 17 : 21;
        if (j >= d.n_cpu_nodes && j < d.n_online_nodes && i < d.n_cpu_nodes)
                return i / d.nps == memonly_socket(&d, j) ? 17 : 21;
        return 21;
}

/* Hugepages of node index i: distinct per node so that a reader mixing nodes
 * up is caught; none on nodes too small to hold them. */
static void node_hugepages(const gen_dims *d, unsigned i, uint64_t size_kib, uint64_t *nr, uint64_t *fr,
                           uint64_t *surp) {
        *nr = *fr = *surp = 0;
        if (size_kib == 2048 && d->mem_kib >= (UINT64_C(1) << 20)) {
                *nr = 64 + 16 * (i % 8);
                *fr = 32 + i % 8;
                *surp = i % 3;
        } else if (size_kib == 1048576 && d->mem_kib >= (UINT64_C(4) << 20)) {
                *nr = 1 + i % 2;
                *fr = 1;
        }
}

static uint64_t node_hugepages_kib(const gen_dims *d, unsigned i) {
        uint64_t nr, fr, surp, kib;
        node_hugepages(d, i, 2048, &nr, &fr, &surp);
        kib = nr * 2048;
        node_hugepages(d, i, 1048576, &nr, &fr, &surp);
        return kib + nr * 1048576;
}

static int gen_node_compute(const gen_shape *s, const gen_dims *d, const gset *online, unsigned i,
                            gen_node *ret) {
        if (i >= d->n_nodes)
                return -ERANGE;
        *ret = (gen_node){.id = gen_node_id(s, i), .socket = -1};
        if (i >= d->n_online_nodes)
                return 0;
        ret->online = ret->has_memory = true;
        ret->mem_total_kib = d->mem_kib;
        ret->mem_free_kib = d->mem_kib - d->mem_kib / 8 - (s->hugepages ? node_hugepages_kib(d, i) : 0);
        if (i >= d->n_cpu_nodes) {
                ret->memory_only = true;
                ret->socket = (int)memonly_socket(d, i);
                return 0;
        }
        ret->socket = (int)(i / d->nps);
        for (unsigned cpu = 0; cpu < d->n_cpus; cpu++)
                if (core_node(d, cpu % d->n_cores) == i && gset_test(online, cpu)) {
                        ret->has_cpus = true;
                        break;
                }
        return 0;
}

int gen_node_get(const gen_shape *s, unsigned i, gen_node *ret) {
        gen_dims d;
        gset on;
        int e;
        gen_dims_get(s, &d);
        if ((e = gen_online_set(s, &on)) < 0)
                return e;
        e = gen_node_compute(s, &d, &on, i, ret);
        gset_done(&on);
        return e;
}

int gen_hugepages(const gen_shape *s, unsigned i, uint64_t size_kib, uint64_t *ret_nr, uint64_t *ret_free,
                  uint64_t *ret_surplus) {
        gen_dims d;
        uint64_t nr = 0, fr = 0, surp = 0;
        gen_dims_get(s, &d);
        if (!s->hugepages || (size_kib != 2048 && size_kib != 1048576))
                return -ENOENT;
        if (i == GEN_GLOBAL) {
                for (unsigned k = 0; k < d.n_online_nodes; k++) {
                        uint64_t a, b, c;
                        node_hugepages(&d, k, size_kib, &a, &b, &c);
                        nr += a;
                        fr += b;
                        surp += c;
                }
        } else if (i < d.n_online_nodes)
                node_hugepages(&d, i, size_kib, &nr, &fr, &surp);
        else
                return i < d.n_nodes ? -ENOENT : -ERANGE;
        if (ret_nr)
                *ret_nr = nr;
        if (ret_free)
                *ret_free = fr;
        if (ret_surplus)
                *ret_surplus = surp;
        return 0;
}

char *gen_online_cpulist(const gen_shape *s) {
        gbuf b = {0};
        gset on;
        if (gen_online_set(s, &on) < 0)
                return NULL;
        gbuf_list(&b, &on);
        gset_done(&on);
        return gbuf_steal(&b);
}

char *gen_node_cpulist(const gen_shape *s, unsigned i) {
        gen_dims d;
        gbuf b = {0};
        gset on, cpus;
        gen_dims_get(s, &d);
        if (gen_online_set(s, &on) < 0)
                return NULL;
        if (gset_init(&cpus, d.n_cpus) < 0) {
                gset_done(&on);
                return NULL;
        }
        for (unsigned cpu = 0; cpu < d.n_cpus; cpu++)
                if (i < d.n_cpu_nodes && core_node(&d, cpu % d.n_cores) == i && gset_test(&on, cpu))
                        gset_add(&cpus, cpu);
        gbuf_list(&b, &cpus);
        gset_done(&on);
        gset_done(&cpus);
        return gbuf_steal(&b);
}

/* ---- HMAT ---- */

/* Whether node index `init` is an initiator of target node index `t`. */
static bool hmat_initiates(const gen_dims *d, unsigned t, unsigned init) {
        if (t >= d->n_online_nodes || init >= d->n_cpu_nodes)
                return false;
        if (t < d->n_cpu_nodes)
                return init == t;
        return init / d->nps == memonly_socket(d, t);
}

bool gen_hmat_target(const gen_shape *s, unsigned i) {
        gen_dims d;
        gen_dims_get(s, &d);
        return s->hmat && i < d.n_online_nodes;
}

char *gen_hmat_initiators(const gen_shape *s, unsigned i) {
        gen_dims d;
        gbuf b = {0};
        gset ids;
        gen_dims_get(s, &d);
        if (gset_init(&ids, GEN_MAX_NODES) < 0)
                return NULL;
        for (unsigned j = 0; s->hmat && j < d.n_cpu_nodes; j++)
                if (hmat_initiates(&d, i, j))
                        gset_add(&ids, gen_node_id(s, j));
        gbuf_list(&b, &ids);
        gset_done(&ids);
        return gbuf_steal(&b);
}

static bool memory_only_index(const gen_shape *s, unsigned i) {
        gen_dims d;
        gen_dims_get(s, &d);
        return i >= d.n_cpu_nodes;
}

unsigned gen_hmat_latency(const gen_shape *s, unsigned i, bool write) {
        return (memory_only_index(s, i) ? 240 : 80) + i + (write ? 5 : 0);
}

unsigned gen_hmat_bandwidth(const gen_shape *s, unsigned i, bool write) {
        return (memory_only_index(s, i) ? 20000 : 100000) + i - (write ? 1000 : 0);
}

static int gen_cpuset_cpus_set(const gen_shape *s, gset *ret) {
        if (s->cpuset_cpus)
                return gset_parse(s->cpuset_cpus, gen_n_cpus(s), ret);
        return gen_online_set(s, ret);
}

static int gen_cpuset_mems_set(const gen_shape *s, gset *ret) {
        gen_dims d;
        int e;
        if (s->cpuset_mems)
                return gset_parse(s->cpuset_mems, GEN_MAX_NODES, ret);
        gen_dims_get(s, &d);
        if ((e = gset_init(ret, GEN_MAX_NODES)) < 0)
                return e;
        for (unsigned i = 0; i < d.n_online_nodes; i++)
                gset_add(ret, gen_node_id(s, i));
        return 0;
}

static char *set_string(int (*get)(const gen_shape *, gset *), const gen_shape *s) {
        gbuf b = {0};
        gset set;
        if (get(s, &set) < 0)
                return NULL;
        gbuf_list(&b, &set);
        gset_done(&set);
        return gbuf_steal(&b);
}

char *gen_cpuset_cpus(const gen_shape *s) {
        return set_string(gen_cpuset_cpus_set, s);
}

char *gen_cpuset_mems(const gen_shape *s) {
        return set_string(gen_cpuset_mems_set, s);
}

/* The id of the cache bank of a physical core at a level; -1 for none. */
static int gen_core_cache_id(const gen_shape *s, const gen_dims *d, unsigned level, unsigned ci) {
        gen_cpu c;
        if (level == 1)
                return (int)ci;
        gen_cpu_compute(s, d, ci, true, &c);
        return level == 2 ? (int)c.l2_id : level == 3 ? c.l3_id : -1;
}

unsigned gen_n_cache_banks(const gen_shape *s, unsigned level) {
        gen_dims d;
        gen_dims_get(s, &d);
        switch (level) {
        case 1:
                return d.n_cores;
        case 2:
                return d.n_cores / d.l2c;
        case 3:
                switch (s->l3_scope) {
                case GEN_L3_PER_SOCKET:
                        return d.sockets;
                case GEN_L3_PER_DIE:
                        return d.sockets * d.dies;
                case GEN_L3_PER_CORES:
                        return d.n_cores / d.l3c;
                default:
                        return 0;
                }
        default:
                return 0;
        }
}

int gen_cache_bank(const gen_shape *s, unsigned level, unsigned k, unsigned *ret_id, char **ret_cpulist) {
        gen_dims d;
        gset on, cpus;
        gbuf b = {0};
        int e;
        if (k >= gen_n_cache_banks(s, level))
                return -ERANGE;
        /* Banks are numbered by their id, which is k at every level. */
        if (ret_id)
                *ret_id = k;
        if (!ret_cpulist)
                return 0;
        gen_dims_get(s, &d);
        if ((e = gen_online_set(s, &on)) < 0)
                return e;
        if ((e = gset_init(&cpus, d.n_cpus)) < 0) {
                gset_done(&on);
                return e;
        }
        for (unsigned cpu = 0; cpu < d.n_cpus; cpu++)
                if (gset_test(&on, cpu) && gen_core_cache_id(s, &d, level, cpu % d.n_cores) == (int)k)
                        gset_add(&cpus, cpu);
        gbuf_list(&b, &cpus);
        gset_done(&on);
        gset_done(&cpus);
        *ret_cpulist = gbuf_steal(&b);
        return *ret_cpulist ? 0 : -ENOMEM;
}

/* ---- CPU models ---- */

static const gen_cpu_model model_intel = {
        .vendor = "GenuineIntel",
        .name = "Intel(R) Xeon(R) Platinum 8480+",
        .family = 6,
        .model = 143,
        .stepping = 8,
        .microcode = 0x2b0004d0,
        .phys_bits = 46,
        .virt_bits = 57,
};

static const gen_cpu_model model_amd = {
        .vendor = "AuthenticAMD",
        .name = "AMD EPYC 9654 96-Core Processor",
        .family = 25,
        .model = 17,
        .stepping = 1,
        .microcode = 0xa101148,
        .phys_bits = 52,
        .virt_bits = 57,
};

static const gen_cpu_model model_hybrid = {
        .vendor = "GenuineIntel",
        .name = "12th Gen Intel(R) Core(TM) i9-12900K",
        .family = 6,
        .model = 151,
        .stepping = 2,
        .microcode = 0x35,
        .phys_bits = 46,
        .virt_bits = 48,
};

static bool gen_is_x86(const gen_shape *s) {
        return !s->arch || strcmp(s->arch, "x86_64") == 0 || strcmp(s->arch, "i686") == 0;
}

const gen_cpu_model *gen_cpu_model_get(const gen_shape *s) {
        if (!gen_is_x86(s))
                return NULL;
        if (s->resctrl == GEN_RESCTRL_AMD)
                return &model_amd;
        return s->hybrid ? &model_hybrid : &model_intel;
}

int gen_resctrl_get(const gen_shape *s, gen_resctrl_info *ret) {
        *ret = (gen_resctrl_info){0};
        switch (s->resctrl) {
        case GEN_RESCTRL_NONE:
                return 0;
        case GEN_RESCTRL_AMD:
                /* Zen: 16 ways, an empty mask is valid (min_cbm_bits 0 since
                 * 6.1); MB in units of 1/8 GB/s, 2048 meaning unlimited. */
                *ret = (gen_resctrl_info){
                        .mba = true,
                        .mon = true,
                        .cbm_mask = 0xffff,
                        .min_cbm_bits = 0,
                        .num_closids = 16,
                        .mb_num_closids = 16,
                        .mb_bandwidth_gran = 1,
                        .mb_min_bandwidth = 0,
                        .mb_delay_linear = false,
                        .mb_max = 2048,
                        .num_rmids = 256,
                };
                break;
        default:
                /* Skylake server: 11 ways, 16 CLOSIDs (8 with CDP, which pairs
                 * them), MBA in percent with 8 CLOSIDs. */
                *ret = (gen_resctrl_info){
                        .cdp = s->resctrl == GEN_RESCTRL_INTEL_CDP,
                        .mba = s->resctrl == GEN_RESCTRL_INTEL_MBA,
                        .mon = true,
                        .cbm_mask = 0x7ff,
                        .min_cbm_bits = 1,
                        .num_closids = s->resctrl == GEN_RESCTRL_INTEL_CDP ? 8 : 16,
                        .num_rmids = 224,
                };
                if (ret->mba) {
                        ret->mb_num_closids = 8;
                        ret->mb_bandwidth_gran = 10;
                        ret->mb_min_bandwidth = 10;
                        ret->mb_delay_linear = true;
                        ret->mb_max = 100;
                }
        }
        /* The kernel's default: the L3 size over the RMIDs, rounded down to
         * the counters' scale (64 KiB here). */
        ret->max_threshold_occupancy = ((uint64_t)GEN_L3_KIB * 1024 / ret->num_rmids) & ~UINT64_C(0xffff);
        return 0;
}

/* ---- checking a shape ---- */

/* ---- PCI devices ---- */

unsigned gen_n_pci(const gen_shape *s) {
        gen_dims d;
        gen_dims_get(s, &d);
        return s->pci_per_node ? d.n_cpu_nodes * (1 + s->pci_per_node) + s->pci_unknown : s->pci_unknown;
}

int gen_pci_get(const gen_shape *s, unsigned k, gen_pci *ret) {
        gen_dims d;
        unsigned per = s->pci_per_node ? 1 + s->pci_per_node : 0;
        gen_dims_get(s, &d);
        if (k >= gen_n_pci(s))
                return -ERANGE;
        *ret = (gen_pci){.numa_node = -1, .node_index = -1, .has_numa_file = true, .has_cpulist = true};
        if (k < s->pci_unknown) {
                /* Bus 00 sorts first. */
                snprintf(ret->address, sizeof(ret->address), "0000:00:%02x.0", k);
                ret->class_code = 0x088000;
                ret->vendor = 0x8086;
                ret->device = 0x2021;
                ret->has_numa_file = !s->pci_old_kernel;
                ret->has_cpulist = !s->pci_old_kernel;
                return 0;
        }
        k -= s->pci_unknown;
        unsigned i = k / per, j = k % per, bus = 0x10 * (i + 1);
        ret->node_index = (int)i;
        ret->numa_node = (int)gen_node_id(s, i);
        ret->subsystem_vendor = 0x1028;
        ret->subsystem_device = 0x0100 + i;
        if (j == 0) {
                snprintf(ret->address, sizeof(ret->address), "0000:%02x:00.0", bus);
                ret->class_code = 0x060400;
                ret->vendor = 0x8086;
                ret->device = 0x347a;
                return 0;
        }
        unsigned dev = j - 1, kind = dev % 3;
        /* The number of devices of this kind on the nodes before, and here. */
        unsigned n = i * (s->pci_per_node / 3 + (s->pci_per_node % 3 > kind)) + dev / 3;
        snprintf(ret->address, sizeof(ret->address), "0000:%02x:%02x.0", bus + 1, dev);
        switch (kind) {
        case 0:
                ret->class_code = 0x020000;
                ret->vendor = 0x8086;
                ret->device = 0x1593;
                ret->kind = "net";
                snprintf(ret->names[0], sizeof(ret->names[0]), "eth%u", n);
                break;
        case 1:
                ret->class_code = 0x010802;
                ret->vendor = 0x144d;
                ret->device = 0xa808;
                ret->kind = "block";
                snprintf(ret->names[0], sizeof(ret->names[0]), "nvme%un1", n);
                break;
        default:
                ret->class_code = 0x030000;
                ret->vendor = 0x10de;
                ret->device = 0x20b0;
                ret->kind = "drm";
                snprintf(ret->names[0], sizeof(ret->names[0]), "card%u", n);
                snprintf(ret->names[1], sizeof(ret->names[1]), "renderD%u", 128 + n);
                break;
        }
        return 0;
}

char *gen_pci_local_cpus(const gen_shape *s, unsigned k) {
        gen_pci p;
        if (gen_pci_get(s, k, &p) < 0)
                return NULL;
        return p.node_index < 0 ? gen_online_cpulist(s) : gen_node_cpulist(s, (unsigned)p.node_index);
}

static bool divides(unsigned a, unsigned b) {
        return a && b % a == 0;
}

/* Parses a list the shape names; true when it is valid. */
static bool list_ok(int (*get)(const gen_shape *, gset *), const gen_shape *s, bool nonempty) {
        gset set;
        bool ok;
        if (get(s, &set) < 0)
                return false;
        ok = !nonempty || gset_count(&set) > 0;
        gset_done(&set);
        return ok;
}

static int node_ids_set(const gen_shape *s, gset *ret) {
        return gset_parse(s->node_ids, GEN_MAX_NODES, ret);
}

const char *gen_shape_error(const gen_shape *s) {
        gen_dims d;

        if (!s)
                return "no shape";
        gen_dims_get(s, &d);
        if (s->arch && (!*s->arch || strpbrk(s->arch, "\n= /")))
                return "arch is empty or holds a space, '/', '=' or a newline";
        /* Products in 64 bits: the kernel's NR_CPUS is at most 8192. */
        if ((uint64_t)d.sockets * d.dies * d.clusters * d.cores * d.threads > GEN_MAX_CPUS)
                return "more than 8192 CPUs";
        if ((uint64_t)d.sockets * d.nps + s->memory_only_nodes + s->cpuless_memless_nodes > GEN_MAX_NODES)
                return "more than 1024 nodes";
        if (!divides(d.nps, d.cores_per_socket))
                return "nodes_per_socket does not divide the cores of a socket";
        if (!divides(d.l2c, d.cores_per_die))
                return "l2_cores does not divide the cores of a die";
        if ((unsigned)s->l3_scope > GEN_L3_NONE)
                return "unknown l3_scope";
        if (s->l3_scope == GEN_L3_PER_CORES && !divides(d.l3c, d.cores_per_die))
                return "l3_cores does not divide the cores of a die";
        if ((unsigned)s->resctrl > GEN_RESCTRL_AMD)
                return "unknown resctrl";
        /* resctrl names its domains by L3 cache id. */
        if (s->resctrl != GEN_RESCTRL_NONE && (s->l3_scope == GEN_L3_NONE || s->no_cache_ids))
                return "resctrl needs an L3 with cache ids";
        /* Distances are one byte in the kernel. */
        if (s->asymmetric_distances && 20 + 3 * (d.n_online_nodes - 1) > 254)
                return "asymmetric distances above 254 (more than 78 nodes)";
        if (d.mem_kib < (UINT64_C(16) << 10))
                return "node_memory_kib below 16 MiB";
        if (s->node_ids) {
                gset set;
                bool ok;
                if (node_ids_set(s, &set) < 0)
                        return "node_ids is not a list of ids below 1024";
                ok = gset_count(&set) >= d.n_nodes;
                gset_done(&set);
                if (!ok)
                        return "node_ids names fewer ids than there are nodes";
        }
        /* Root buses 0x10, 0x20, ... 0xe0, device numbers below 32. */
        if (s->pci_per_node && d.n_cpu_nodes > 14)
                return "PCI devices on more than 14 nodes with CPUs";
        if (s->pci_per_node > 32 || s->pci_unknown > 32)
                return "more than 32 PCI devices per bus";
        if (!list_ok(gen_online_set, s, true))
                return "offline_cpus is not a list of the host's CPUs, or lists them all";
        if (s->cpuset_cpus && !list_ok(gen_cpuset_cpus_set, s, false))
                return "cpuset_cpus is not a list of the host's CPUs";
        if (s->cpuset_mems && !list_ok(gen_cpuset_mems_set, s, false))
                return "cpuset_mems is not a list of ids below 1024";
        return NULL;
}

int gen_shape_check(const gen_shape *s) {
        return gen_shape_error(s) ? -EINVAL : 0;
}

/* ---- writing the tree ---- */

enum {
        LV_PACKAGE,
        LV_DIE,
        LV_CLUSTER,
        LV_CORE,
        LV_L2,
        LV_L3,
        LV_NODE,
        N_LEVELS,
};

typedef struct gen_writer {
        const gen_shape *s;
        gen_dims d;
        int root;
        int err; /* the first error; every later write is skipped */
        gset online;
        gen_cpu *cpus;   /* per logical CPU */
        gen_node *nodes; /* per node index */
        /* Per level, per group key: the group's online CPUs as a list and as
         * a mask, formatted once and shared by all CPUs of the group. */
        char **list[N_LEVELS], **mask[N_LEVELS];
        unsigned n_keys;
        gbuf buf; /* one file's content */
} gen_writer;

static void w_fail(gen_writer *w, int e) {
        if (!w->err)
                w->err = e;
}

static void w_write(gen_writer *w, int dirfd, const char *path, const char *data, size_t len) {
        int fd;
        if (w->err)
                return;
        fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
                w_fail(w, -errno);
                return;
        }
        while (len > 0) {
                ssize_t n = write(fd, data, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        w_fail(w, -errno);
                        break;
                }
                data += n;
                len -= (size_t)n;
        }
        if (close(fd) < 0)
                w_fail(w, -errno);
}

static void w_str(gen_writer *w, int dirfd, const char *path, const char *s) {
        w_write(w, dirfd, path, s, strlen(s));
}

__attribute__((format(printf, 4, 5))) static void w_printf(gen_writer *w, int dirfd, const char *path,
                                                           const char *fmt, ...) {
        char small[256];
        va_list ap;
        int n;
        if (w->err)
                return;
        va_start(ap, fmt);
        n = vsnprintf(small, sizeof(small), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(small)) {
                w_fail(w, -EOVERFLOW); /* only short values go through here */
                return;
        }
        w_write(w, dirfd, path, small, (size_t)n);
}

/* The scratch buffer as a file, then emptied. */
static void w_flush(gen_writer *w, int dirfd, const char *path) {
        if (w->buf.oom)
                w_fail(w, -ENOMEM);
        else
                w_write(w, dirfd, path, w->buf.p ? w->buf.p : "", w->buf.len);
        gbuf_reset(&w->buf);
}

/* A set as a sysfs list or mask file, with sysfs's trailing newline. */
static void w_list(gen_writer *w, int dirfd, const char *path, const gset *set) {
        gbuf_list(&w->buf, set);
        gbuf_add(&w->buf, "\n", 1);
        /* Some recording kernels wrote the terminating NUL too. */
        if (w->s->quirks & GEN_QUIRK_NUL)
                gbuf_add(&w->buf, "", 1);
        w_flush(w, dirfd, path);
}

static void w_mask(gen_writer *w, int dirfd, const char *path, const gset *set, unsigned nbits) {
        gbuf_mask(&w->buf, set, nbits);
        gbuf_add(&w->buf, "\n", 1);
        w_flush(w, dirfd, path);
}

/* mkdir -p below dirfd, and the directory opened; -1 on failure (recorded). */
static int w_dir(gen_writer *w, int dirfd, const char *path) {
        char p[4096];
        int fd;
        if (w->err)
                return -1;
        if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p)) {
                w_fail(w, -ENAMETOOLONG);
                return -1;
        }
        for (char *slash = p;; slash++) {
                slash = strchr(slash, '/');
                if (slash)
                        *slash = '\0';
                /* "" before a leading '/' or between "//": nothing to make. */
                if (*p && mkdirat(dirfd, p, 0755) < 0 && errno != EEXIST) {
                        w_fail(w, -errno);
                        return -1;
                }
                if (!slash)
                        break;
                *slash = '/';
        }
        fd = openat(dirfd, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                w_fail(w, -errno);
        return fd;
}

static void w_close(int fd) {
        if (fd >= 0)
                close(fd);
}

static void w_symlink(gen_writer *w, int dirfd, const char *target, const char *name) {
        if (w->err || symlinkat(target, dirfd, name) == 0)
                return;
        if (errno == EEXIST && unlinkat(dirfd, name, 0) == 0 && symlinkat(target, dirfd, name) == 0)
                return;
        w_fail(w, -errno);
}

/* The group key of a CPU at a level; -1 for none. All keys are below n_keys. */
static int cpu_key(const gen_writer *w, const gen_cpu *c, unsigned level) {
        const gen_dims *d = &w->d;
        switch (level) {
        case LV_PACKAGE:
                return (int)c->socket;
        case LV_DIE:
                return (int)(c->socket * d->dies + c->die);
        case LV_CLUSTER:
                return (int)(c->socket * d->dies * d->clusters + c->cluster);
        case LV_CORE:
                return (int)c->core_index;
        case LV_L2:
                return (int)c->l2_id;
        case LV_L3:
                return c->l3_id;
        case LV_NODE:
                return (int)c->node_index;
        default:
                return -1;
        }
}

static int groups_build(gen_writer *w) {
        gset *sets;
        int e = 0;

        /* Every key (socket, die, cluster, core, cache bank, CPU node) is
         * below the number of cores or of nodes. */
        w->n_keys = w->d.n_cores > w->d.n_nodes ? w->d.n_cores : w->d.n_nodes;
        sets = calloc(w->n_keys, sizeof(gset));
        if (!sets)
                return -ENOMEM;
        for (unsigned lv = 0; lv < N_LEVELS && e == 0; lv++) {
                w->list[lv] = calloc(w->n_keys, sizeof(char *));
                w->mask[lv] = calloc(w->n_keys, sizeof(char *));
                if (!w->list[lv] || !w->mask[lv]) {
                        e = -ENOMEM;
                        break;
                }
                for (unsigned cpu = 0; cpu < w->d.n_cpus && e == 0; cpu++) {
                        int k = cpu_key(w, &w->cpus[cpu], lv);
                        if (k < 0 || !w->cpus[cpu].online)
                                continue;
                        if (!sets[k].w)
                                e = gset_init(&sets[k], w->d.n_cpus);
                        gset_add(&sets[k], cpu);
                }
                for (unsigned k = 0; k < w->n_keys && e == 0; k++) {
                        gbuf b = {0};
                        if (!sets[k].w)
                                continue;
                        gbuf_list(&b, &sets[k]);
                        w->list[lv][k] = gbuf_steal(&b);
                        gbuf_mask(&b, &sets[k], w->d.n_cpus);
                        w->mask[lv][k] = gbuf_steal(&b);
                        if (!w->list[lv][k] || !w->mask[lv][k])
                                e = -ENOMEM;
                }
                for (unsigned k = 0; k < w->n_keys; k++)
                        gset_done(&sets[k]);
        }
        free(sets);
        return e;
}

/* A group's list or mask file: the formatted strings of the CPU's group. */
static void w_group(gen_writer *w, int dirfd, const char *path, const gen_cpu *c, unsigned level, bool mask) {
        int k = cpu_key(w, c, level);
        const char *s = k < 0 ? NULL : (mask ? w->mask : w->list)[level][k];
        gbuf_add(&w->buf, s ? s : "", s ? strlen(s) : 0);
        gbuf_add(&w->buf, "\n", 1);
        w_flush(w, dirfd, path);
}

/* cpuN/topology. Files by kernel version: physical_package_id, core_id,
 * core_siblings(_list), thread_siblings(_list) since 2.6; die_id and
 * die_cpus(_list) since 5.2; package_cpus and core_cpus(_list) since 5.4
 * (new names of the sibling files); cluster_id and cluster_cpus(_list)
 * since 5.16. */
static void write_topology(gen_writer *w, int cpufd, const gen_cpu *c) {
        static const struct {
                const char *name;
                unsigned level;
                bool mask, old;
        } files[] = {
                {"core_siblings", LV_PACKAGE, true, true}, {"core_siblings_list", LV_PACKAGE, false, true},
                {"thread_siblings", LV_CORE, true, true},  {"thread_siblings_list", LV_CORE, false, true},
                {"package_cpus", LV_PACKAGE, true, false}, {"package_cpus_list", LV_PACKAGE, false, false},
                {"die_cpus", LV_DIE, true, false},         {"die_cpus_list", LV_DIE, false, false},
                {"cluster_cpus", LV_CLUSTER, true, false}, {"cluster_cpus_list", LV_CLUSTER, false, false},
                {"core_cpus", LV_CORE, true, false},       {"core_cpus_list", LV_CORE, false, false},
        };
        int fd = w_dir(w, cpufd, "topology");
        if (fd < 0)
                return;
        w_printf(w, fd, "physical_package_id", "%u\n", c->socket);
        w_printf(w, fd, "core_id", "%u\n", c->core);
        if (!w->s->no_cpu_lists) {
                w_printf(w, fd, "die_id", "%u\n", c->die);
                w_printf(w, fd, "cluster_id", "%u\n", c->cluster);
        }
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                if (files[i].old || !w->s->no_cpu_lists)
                        w_group(w, fd, files[i].name, c, files[i].level, files[i].mask);
        w_close(fd);
}

/* cpuN/cache/indexK: "48K" sizes; "Data", "Instruction", "Unified"; id since
 * 4.10. Only online CPUs have one, and shared_cpu_* list online CPUs. */
static void write_caches(gen_writer *w, int cpufd, const gen_cpu *c) {
        static const struct {
                unsigned level;
                const char *type;
                unsigned kib, ways, lv;
        } caches[] = {
                {1, "Data", GEN_L1D_KIB, GEN_L1D_WAYS, LV_CORE},
                {1, "Instruction", GEN_L1I_KIB, GEN_L1I_WAYS, LV_CORE},
                {2, "Unified", GEN_L2_KIB, GEN_L2_WAYS, LV_L2},
                {3, "Unified", GEN_L3_KIB, GEN_L3_WAYS, LV_L3},
        };
        int cachefd = w_dir(w, cpufd, "cache");
        for (unsigned i = 0; i < 4 && cachefd >= 0; i++) {
                char name[16];
                int fd, id = cpu_key(w, c, caches[i].lv);
                if (id < 0)
                        continue;
                snprintf(name, sizeof(name), "index%u", i);
                if ((fd = w_dir(w, cachefd, name)) < 0)
                        break;
                if (!w->s->no_cache_ids)
                        w_printf(w, fd, "id", "%d\n", id);
                w_printf(w, fd, "level", "%u\n", caches[i].level);
                w_printf(w, fd, "type", "%s\n", caches[i].type);
                w_printf(w, fd, "size", "%uK\n", caches[i].kib);
                w_printf(w, fd, "coherency_line_size", "%u\n", GEN_CACHE_LINE);
                w_printf(w, fd, "ways_of_associativity", "%u\n", caches[i].ways);
                w_printf(w, fd, "number_of_sets", "%u\n",
                         caches[i].kib * 1024 / (GEN_CACHE_LINE * caches[i].ways));
                w_printf(w, fd, "physical_line_partition", "1\n");
                w_group(w, fd, "shared_cpu_list", c, caches[i].lv, false);
                w_group(w, fd, "shared_cpu_map", c, caches[i].lv, true);
                w_close(fd);
        }
        w_close(cachefd);
}

static void write_cpu(gen_writer *w, int cpudir, unsigned cpu) {
        const gen_cpu *c = &w->cpus[cpu];
        const gen_cpu_model *m = gen_cpu_model_get(w->s);
        char name[32];
        int fd;

        snprintf(name, sizeof(name), "cpu%u", cpu);
        if ((fd = w_dir(w, cpudir, name)) < 0)
                return;
        /* cpu0 cannot be unplugged on most x86 kernels: it has no online file. */
        if ((w->s->quirks & GEN_QUIRK_EMPTY_CPU_ONLINE) && c->online)
                w_str(w, fd, "online", "");
        else if (cpu != 0 || !c->online)
                w_printf(w, fd, "online", "%d\n", c->online);
        if (c->online) {
                write_topology(w, fd, c);
                /* Capacity relative to the biggest CPU (1024), since 4.10. */
                if (w->s->cpu_capacity)
                        w_printf(w, fd, "cpu_capacity", "%u\n", c->capacity);
                write_caches(w, fd, c);
                if (m) {
                        int mfd = w_dir(w, fd, "microcode");
                        /* "0x2b0004d0": hex since 4.x. */
                        w_printf(w, mfd, "version", "0x%llx\n", (unsigned long long)m->microcode);
                        w_printf(w, mfd, "processor_flags", "0x%x\n", 0x80u);
                        w_close(mfd);
                }
                snprintf(name, sizeof(name), "node%u", c->node_id);
                char target[48];
                snprintf(target, sizeof(target), "../../node/node%u", c->node_id);
                w_symlink(w, fd, target, name);
        }
        w_close(fd);
}

/* One policy: its CPUs (online ones in affected_cpus, all in
 * related_cpus) and the frequencies of its first CPU. */
static void write_policy(gen_writer *w, int freqfd, unsigned first, const gset *affected,
                         const gset *related) {
        const gen_cpu *c = &w->cpus[first];
        char name[32];
        int fd;
        snprintf(name, sizeof(name), "policy%u", first);
        if ((fd = w_dir(w, freqfd, name)) < 0)
                return;
        w_list(w, fd, "affected_cpus", affected);
        w_list(w, fd, "related_cpus", related);
        w_printf(w, fd, "cpuinfo_min_freq", "%llu\n", (unsigned long long)c->min_khz);
        w_printf(w, fd, "cpuinfo_max_freq", "%llu\n", (unsigned long long)c->max_khz);
        if (c->base_khz)
                w_printf(w, fd, "base_frequency", "%llu\n", (unsigned long long)c->base_khz);
        w_str(w, fd, "scaling_driver",
              w->s->cpufreq == GEN_CPUFREQ_PER_CPU ? "intel_pstate\n" : "cppc_cpufreq\n");
        w_close(fd);
}

/* cpufreq/: empty without a driver; a policy per online CPU, or per cluster
 * with an online CPU. */
static void write_cpufreq(gen_writer *w, int cpudir) {
        int fd = w_dir(w, cpudir, "cpufreq");
        gset affected, related;
        if (fd < 0)
                return;
        if (gset_init(&affected, w->d.n_cpus) < 0 || gset_init(&related, w->d.n_cpus) < 0) {
                w_fail(w, -ENOMEM);
                w_close(fd);
                return;
        }
        for (unsigned cpu = 0; w->s->cpufreq != GEN_CPUFREQ_NONE && cpu < w->d.n_cpus; cpu++) {
                const gen_cpu *c = &w->cpus[cpu];
                unsigned first = cpu;
                gbuf_reset(&w->buf);
                memset(affected.w, 0, ((w->d.n_cpus + 63) / 64) * sizeof(uint64_t));
                memset(related.w, 0, ((w->d.n_cpus + 63) / 64) * sizeof(uint64_t));
                if (w->s->cpufreq == GEN_CPUFREQ_PER_CPU) {
                        if (!c->online)
                                continue;
                        gset_add(&affected, cpu);
                        gset_add(&related, cpu);
                } else {
                        /* The cluster's first CPU names the policy: skip the others. */
                        for (unsigned o = 0; o < w->d.n_cpus; o++) {
                                const gen_cpu *x = &w->cpus[o];
                                if (x->socket != c->socket || x->cluster != c->cluster)
                                        continue;
                                if (o < first)
                                        first = o;
                                gset_add(&related, o);
                                if (x->online)
                                        gset_add(&affected, o);
                        }
                        if (first != cpu || gset_count(&affected) == 0)
                                continue;
                }
                write_policy(w, fd, cpu, &affected, &related);
        }
        if (w->s->cpufreq == GEN_CPUFREQ_PER_CLUSTER)
                w_str(w, fd, "boost", "1\n");
        gset_done(&affected);
        gset_done(&related);
        w_close(fd);
}

static void write_cpus(gen_writer *w) {
        int fd = w_dir(w, w->root, "sys/devices/system/cpu");
        gset all;
        if (fd < 0)
                return;
        if (gset_init(&all, w->d.n_cpus) < 0) {
                w_fail(w, -ENOMEM);
                w_close(fd);
                return;
        }
        for (unsigned cpu = 0; cpu < w->d.n_cpus; cpu++)
                gset_add(&all, cpu);
        w_list(w, fd, "possible", &all);
        w_list(w, fd, "present", &all);
        if (w->s->quirks & GEN_QUIRK_LISTED_ABSENT) {
                gset listed;
                if (gset_init(&listed, 2 * w->d.n_cpus) < 0)
                        w_fail(w, -ENOMEM);
                else {
                        for (unsigned cpu = 0; cpu < 2 * w->d.n_cpus; cpu++)
                                if (cpu >= w->d.n_cpus || gset_test(&w->online, cpu))
                                        gset_add(&listed, cpu);
                        w_list(w, fd, "online", &listed);
                        gset_done(&listed);
                }
        } else if (!(w->s->quirks & GEN_QUIRK_EMPTY_CPU_ONLINE))
                w_list(w, fd, "online", &w->online);
        for (unsigned cpu = 0; cpu < w->d.n_cpus; cpu++)
                if (gset_test(&w->online, cpu))
                        all.w[cpu / 64] &= ~(UINT64_C(1) << (cpu % 64));
        /* Offline lists possible CPUs that are not online; "\n" when none. */
        w_list(w, fd, "offline", &all);
        gset_done(&all);
        /* NR_CPUS - 1 of distro kernels. */
        w_str(w, fd, "kernel_max", "8191\n");
        w_printf(w, fd, "isolated", "%s\n", w->s->isolated_cpus ? w->s->isolated_cpus : "");
        if (w->s->nohz_full_cpus)
                w_printf(w, fd, "nohz_full", "%s\n", w->s->nohz_full_cpus);
        if (w->s->vulnerabilities) {
                int vfd = w_dir(w, fd, "vulnerabilities");
                for (unsigned i = 0; i < GEN_N_VULNERABILITIES; i++)
                        w_printf(w, vfd, gen_vulnerabilities[i].name, "%s\n", gen_vulnerabilities[i].text);
                w_close(vfd);
        }
        write_cpufreq(w, fd);

        /* smt/ since 4.19: "on" or "notsupported"; active 1 or 0. */
        int smt = w_dir(w, fd, "smt");
        w_str(w, smt, "control", w->d.threads > 1 ? "on\n" : "notsupported\n");
        w_str(w, smt, "active", w->d.threads > 1 ? "1\n" : "0\n");
        w_close(smt);

        for (unsigned cpu = 0; cpu < w->d.n_cpus && !w->err; cpu++)
                write_cpu(w, fd, cpu);
        w_close(fd);
}

/* nodeN/meminfo, as drivers/base/node.c prints it: 16-column labels, 8-column
 * values; the HugePages_* lines (default size, 2 MiB) only with hugetlbfs. */
static void write_node_meminfo(gen_writer *w, int fd, unsigned i) {
        const gen_node *n = &w->nodes[i];
        uint64_t total = n->mem_total_kib, fr = n->mem_free_kib, file = total / 16;
        const struct {
                const char *label;
                uint64_t kib;
        } lines[] = {
                {"MemTotal:", total},
                {"MemFree:", fr},
                {"MemUsed:", total - fr},
                {"SwapCached:", 0},
                {"Active:", file / 2 + total / 64},
                {"Inactive:", file / 2},
                {"Active(anon):", total / 64},
                {"Inactive(anon):", 0},
                {"Active(file):", file / 2},
                {"Inactive(file):", file / 2},
                {"Unevictable:", 0},
                {"Mlocked:", 0},
                {"Dirty:", 12},
                {"Writeback:", 0},
                {"FilePages:", file},
                {"Mapped:", file / 4},
                {"AnonPages:", total / 64},
                {"Shmem:", 1024},
                {"KernelStack:", 8192},
                {"PageTables:", 2048},
                {"SecPageTables:", 0},
                {"NFS_Unstable:", 0},
                {"Bounce:", 0},
                {"WritebackTmp:", 0},
                {"KReclaimable:", total / 128},
                {"Slab:", total / 64},
                {"SReclaimable:", total / 128},
                {"SUnreclaim:", total / 64 - total / 128},
                {"AnonHugePages:", 0},
                {"ShmemHugePages:", 0},
                {"ShmemPmdMapped:", 0},
                {"FileHugePages:", 0},
                {"FilePmdMapped:", 0},
                {"Unaccepted:", 0},
        };
        for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
                gbuf_printf(&w->buf, "Node %u %-16s%8llu kB\n", n->id, lines[k].label,
                            (unsigned long long)lines[k].kib);
        if (w->s->hugepages) {
                uint64_t nr, hfree, surp;
                gen_hugepages(w->s, i, 2048, &nr, &hfree, &surp);
                gbuf_printf(&w->buf, "Node %u HugePages_Total: %5llu\n", n->id, (unsigned long long)nr);
                gbuf_printf(&w->buf, "Node %u HugePages_Free:  %5llu\n", n->id, (unsigned long long)hfree);
                gbuf_printf(&w->buf, "Node %u HugePages_Surp:  %5llu\n", n->id, (unsigned long long)surp);
        }
        w_flush(w, fd, "meminfo");
}

static const uint64_t hugepage_sizes[] = {2048, 1048576};

/* Pages promised to mappings but not yet faulted in: only the host-wide
 * counters have them. */
static uint64_t resv_hugepages(const gen_shape *s, uint64_t size_kib) {
        return s->hugepages && size_kib == 2048 ? 2 : 0;
}

/* nodeN/cpulist and cpumap: the node's online CPUs. */
static void w_node_cpus(gen_writer *w, int dirfd, unsigned i) {
        const char *list = i < w->d.n_cpu_nodes ? w->list[LV_NODE][i] : NULL;
        const char *mask = i < w->d.n_cpu_nodes ? w->mask[LV_NODE][i] : NULL;
        gset none;
        gbuf_printf(&w->buf, "%s\n", list ? list : "");
        w_flush(w, dirfd, "cpulist");
        if (mask) {
                gbuf_printf(&w->buf, "%s\n", mask);
                w_flush(w, dirfd, "cpumap");
                return;
        }
        if (gset_init(&none, w->d.n_cpus) < 0) {
                w_fail(w, -ENOMEM);
                return;
        }
        w_mask(w, dirfd, "cpumap", &none, w->d.n_cpus);
        gset_done(&none);
}

/* hugepages/hugepages-SIZEkB/ below dirfd, of node index i or GEN_GLOBAL
 * (which also has resv_hugepages and the overcommit knob). */
static void write_hugepages(gen_writer *w, int dirfd, unsigned i) {
        for (size_t k = 0; k < 2; k++) {
                uint64_t nr, fr, surp;
                char path[64];
                int fd;
                snprintf(path, sizeof(path), "hugepages/hugepages-%llukB",
                         (unsigned long long)hugepage_sizes[k]);
                gen_hugepages(w->s, i, hugepage_sizes[k], &nr, &fr, &surp);
                if ((fd = w_dir(w, dirfd, path)) < 0)
                        return;
                w_printf(w, fd, "nr_hugepages", "%llu\n", (unsigned long long)nr);
                w_printf(w, fd, "free_hugepages", "%llu\n", (unsigned long long)fr);
                w_printf(w, fd, "surplus_hugepages", "%llu\n", (unsigned long long)surp);
                if (i == GEN_GLOBAL) {
                        w_printf(w, fd, "resv_hugepages", "%llu\n",
                                 (unsigned long long)resv_hugepages(w->s, hugepage_sizes[k]));
                        w_str(w, fd, "nr_overcommit_hugepages", "0\n");
                        w_printf(w, fd, "nr_hugepages_mempolicy", "%llu\n", (unsigned long long)nr);
                }
                w_close(fd);
        }
}

/* nodeN/accessC/{initiators,targets} (Linux 5.2+; access1 since 5.10) and
 * nodeN/memory_side_cache/indexL, as drivers/base/node.c lays them out:
 * links to the other nodes' directories beside the value files. */
static void write_node_hmat(gen_writer *w, int nfd, unsigned i) {
        const gen_shape *s = w->s;
        for (unsigned cls = 0; cls < 2 && !w->err; cls++) {
                char name[16], link[32], target[48];
                bool initiator = false;
                int afd, fd;
                for (unsigned t = 0; t < w->d.n_online_nodes; t++)
                        initiator = initiator || hmat_initiates(&w->d, t, i);
                snprintf(name, sizeof(name), "access%u", cls);
                if ((afd = w_dir(w, nfd, name)) < 0)
                        return;
                if ((fd = w_dir(w, afd, "initiators")) >= 0) {
                        for (unsigned j = 0; j < w->d.n_cpu_nodes; j++) {
                                if (!hmat_initiates(&w->d, i, j))
                                        continue;
                                snprintf(link, sizeof(link), "node%u", w->nodes[j].id);
                                snprintf(target, sizeof(target), "../../../node%u", w->nodes[j].id);
                                w_symlink(w, fd, target, link);
                        }
                        w_printf(w, fd, "read_latency", "%u\n", gen_hmat_latency(s, i, false));
                        w_printf(w, fd, "write_latency", "%u\n", gen_hmat_latency(s, i, true));
                        w_printf(w, fd, "read_bandwidth", "%u\n", gen_hmat_bandwidth(s, i, false));
                        w_printf(w, fd, "write_bandwidth", "%u\n", gen_hmat_bandwidth(s, i, true));
                        w_close(fd);
                }
                if (initiator && (fd = w_dir(w, afd, "targets")) >= 0) {
                        for (unsigned t = 0; t < w->d.n_online_nodes; t++) {
                                if (!hmat_initiates(&w->d, t, i))
                                        continue;
                                snprintf(link, sizeof(link), "node%u", w->nodes[t].id);
                                snprintf(target, sizeof(target), "../../../node%u", w->nodes[t].id);
                                w_symlink(w, fd, target, link);
                        }
                        w_close(fd);
                }
                w_close(afd);
        }
        if (i >= w->d.n_cpu_nodes && i < w->d.n_online_nodes) {
                int cfd = w_dir(w, nfd, "memory_side_cache"), fd;
                if (cfd < 0)
                        return;
                if ((fd = w_dir(w, cfd, "index1")) >= 0) {
                        w_printf(w, fd, "size", "%llu\n", (unsigned long long)GEN_MSC_SIZE);
                        w_printf(w, fd, "line_size", "%u\n", GEN_MSC_LINE);
                        w_str(w, fd, "indexing", "0\n");
                        w_str(w, fd, "write_policy", "0\n");
                        w_close(fd);
                }
                w_close(cfd);
        }
}

static void write_nodes(gen_writer *w) {
        int fd = w_dir(w, w->root, "sys/devices/system/node");
        gset possible, online, has_cpu, has_mem, has_normal;
        if (fd < 0)
                return;
        if (gset_init(&possible, GEN_MAX_NODES) < 0 || gset_init(&online, GEN_MAX_NODES) < 0 ||
            gset_init(&has_cpu, GEN_MAX_NODES) < 0 || gset_init(&has_mem, GEN_MAX_NODES) < 0 ||
            gset_init(&has_normal, GEN_MAX_NODES) < 0)
                w_fail(w, -ENOMEM);
        for (unsigned i = 0; i < w->d.n_nodes && !w->err; i++) {
                const gen_node *n = &w->nodes[i];
                gset_add(&possible, n->id);
                if (n->online)
                        gset_add(&online, n->id);
                if (n->has_cpus)
                        gset_add(&has_cpu, n->id);
                if (n->has_memory)
                        gset_add(&has_mem, n->id);
                if (n->has_memory && !n->memory_only)
                        gset_add(&has_normal, n->id);
        }
        w_list(w, fd, "possible", &possible);
        w_list(w, fd, "online", &online);
        w_list(w, fd, "has_cpu", &has_cpu);
        w_list(w, fd, "has_memory", &has_mem);
        w_list(w, fd, "has_normal_memory", &has_normal);
        gset_done(&possible);
        gset_done(&online);
        gset_done(&has_cpu);
        gset_done(&has_mem);
        gset_done(&has_normal);

        /* Only online nodes are registered as devices. */
        for (unsigned i = 0; i < w->d.n_online_nodes && !w->err; i++) {
                const gen_node *n = &w->nodes[i];
                char name[32];
                int nfd;
                snprintf(name, sizeof(name), "node%u", n->id);
                if ((nfd = w_dir(w, fd, name)) < 0)
                        break;
                /* Memory-only nodes have an empty list ("\n") and an all-zero mask. */
                w_node_cpus(w, nfd, i);
                /* One distance per online node, in id order (since 2.6);
                 * per possible node on some kernels (nodes are in id order). */
                unsigned n_row =
                        (w->s->quirks & GEN_QUIRK_DISTANCE_POSSIBLE) ? w->d.n_nodes : w->d.n_online_nodes;
                for (unsigned j = 0; j < n_row; j++)
                        gbuf_printf(&w->buf, "%s%u", j ? " " : "",
                                    j < w->d.n_online_nodes ? gen_distance(w->s, i, j) : 99u);
                gbuf_add(&w->buf, "\n", 1);
                w_flush(w, nfd, "distance");
                write_node_meminfo(w, nfd, i);
                if (w->s->hugepages)
                        write_hugepages(w, nfd, i);
                if (w->s->hmat)
                        write_node_hmat(w, nfd, i);
                for (unsigned cpu = 0; cpu < w->d.n_cpus; cpu++) {
                        char link[32], target[48];
                        if (!w->cpus[cpu].online || w->cpus[cpu].node_index != i)
                                continue;
                        snprintf(link, sizeof(link), "cpu%u", cpu);
                        snprintf(target, sizeof(target), "../../cpu/cpu%u", cpu);
                        w_symlink(w, nfd, target, link);
                }
                w_close(nfd);
        }
        w_close(fd);
}

/* proc/meminfo: 16-column labels and 8-column values, as fs/proc/meminfo.c
 * prints them; the HugePages_* block describes the default size (2 MiB). */
static void write_meminfo(gen_writer *w) {
        uint64_t total = 0, fr = 0, hugetlb = 0, nr = 0, hfree = 0, surp = 0;
        for (unsigned i = 0; i < w->d.n_online_nodes; i++) {
                total += w->nodes[i].mem_total_kib;
                fr += w->nodes[i].mem_free_kib;
        }
        if (w->s->hugepages) {
                for (size_t k = 0; k < 2; k++) {
                        gen_hugepages(w->s, GEN_GLOBAL, hugepage_sizes[k], &nr, &hfree, &surp);
                        hugetlb += nr * hugepage_sizes[k];
                }
                gen_hugepages(w->s, GEN_GLOBAL, 2048, &nr, &hfree, &surp);
        }
        const struct {
                const char *label;
                uint64_t kib;
        } lines[] = {
                {"MemTotal:", total},
                {"MemFree:", fr},
                {"MemAvailable:", fr + total / 32},
                {"Buffers:", total / 256},
                {"Cached:", total / 16},
                {"SwapCached:", 0},
                {"Active:", total / 32 + total / 64},
                {"Inactive:", total / 32},
                {"Active(anon):", total / 64},
                {"Inactive(anon):", 0},
                {"Active(file):", total / 32},
                {"Inactive(file):", total / 32},
                {"Unevictable:", 0},
                {"Mlocked:", 0},
                {"SwapTotal:", 0},
                {"SwapFree:", 0},
                {"Dirty:", 12},
                {"Writeback:", 0},
                {"AnonPages:", total / 64},
                {"Mapped:", total / 64},
                {"Shmem:", 1024},
                {"KReclaimable:", total / 128},
                {"Slab:", total / 64},
                {"SReclaimable:", total / 128},
                {"SUnreclaim:", total / 64 - total / 128},
                {"KernelStack:", 8192},
                {"PageTables:", 2048},
                {"SecPageTables:", 0},
                {"NFS_Unstable:", 0},
                {"Bounce:", 0},
                {"WritebackTmp:", 0},
                {"CommitLimit:", total / 2},
                {"Committed_AS:", total / 16},
                {"VmallocTotal:", UINT64_C(34359738367)},
                {"VmallocUsed:", 65536},
                {"VmallocChunk:", 0},
                {"Percpu:", 1024 * (uint64_t)w->d.n_cpus},
                {"HardwareCorrupted:", 0},
                {"AnonHugePages:", 0},
                {"ShmemHugePages:", 0},
                {"ShmemPmdMapped:", 0},
                {"FileHugePages:", 0},
                {"FilePmdMapped:", 0},
        };
        for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
                gbuf_printf(&w->buf, "%-16s%8llu kB\n", lines[k].label, (unsigned long long)lines[k].kib);
        if (w->s->hugepages) {
                gbuf_printf(&w->buf, "%-16s%8llu\n", "HugePages_Total:", (unsigned long long)nr);
                gbuf_printf(&w->buf, "%-16s%8llu\n", "HugePages_Free:", (unsigned long long)hfree);
                gbuf_printf(&w->buf, "%-16s%8llu\n",
                            "HugePages_Rsvd:", (unsigned long long)resv_hugepages(w->s, 2048));
                gbuf_printf(&w->buf, "%-16s%8llu\n", "HugePages_Surp:", (unsigned long long)surp);
                gbuf_printf(&w->buf, "%-16s%8llu kB\n", "Hugepagesize:", 2048ULL);
                gbuf_printf(&w->buf, "%-16s%8llu kB\n", "Hugetlb:", (unsigned long long)hugetlb);
        }
        gbuf_printf(&w->buf, "%-16s%8llu kB\n", "DirectMap4k:", 524288ULL);
        gbuf_printf(&w->buf, "%-16s%8llu kB\n", "DirectMap2M:", 16777216ULL);
        gbuf_printf(&w->buf, "%-16s%8llu kB\n", "DirectMap1G:",
                    (unsigned long long)(total > (UINT64_C(17) << 20) ? total - (UINT64_C(17) << 20) : 0));
        int fd = w_dir(w, w->root, "proc");
        w_flush(w, fd, "meminfo");
        w_close(fd);
}

/* proc/self/status: what the cgroup cpuset lets this process use. The
 * masks are nr_cpu_ids and MAX_NUMNODES bits wide. */
static void write_status(gen_writer *w) {
        gset cpus, mems;
        int e;
        if ((e = gen_cpuset_cpus_set(w->s, &cpus)) < 0) {
                w_fail(w, e);
                return;
        }
        if ((e = gen_cpuset_mems_set(w->s, &mems)) < 0) {
                gset_done(&cpus);
                w_fail(w, e);
                return;
        }
        gbuf_printf(&w->buf,
                    "Name:\thostcaps\nUmask:\t0022\nState:\tR (running)\nTgid:\t4242\nNgid:\t0\n"
                    "Pid:\t4242\nPPid:\t4241\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\n"
                    "Gid:\t1000\t1000\t1000\t1000\nFDSize:\t64\nGroups:\t1000\n"
                    "VmPeak:\t   12000 kB\nVmSize:\t   12000 kB\nVmRSS:\t    4000 kB\nThreads:\t1\n"
                    "SigQ:\t0/63000\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
                    "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n"
                    "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
                    "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n"
                    "Seccomp:\t0\nSeccomp_filters:\t0\nSpeculation_Store_Bypass:\tthread vulnerable\n"
                    "SpeculationIndirectBranch:\tconditional enabled\n");
        gbuf_add(&w->buf, "Cpus_allowed:\t", 14);
        gbuf_mask(&w->buf, &cpus, w->d.n_cpus);
        gbuf_add(&w->buf, "\nCpus_allowed_list:\t", 20);
        gbuf_list(&w->buf, &cpus);
        gbuf_add(&w->buf, "\nMems_allowed:\t", 15);
        gbuf_mask(&w->buf, &mems, GEN_MAX_NODES);
        gbuf_add(&w->buf, "\nMems_allowed_list:\t", 20);
        gbuf_list(&w->buf, &mems);
        gbuf_printf(&w->buf, "\nvoluntary_ctxt_switches:\t3\nnonvoluntary_ctxt_switches:\t0\n");
        gset_done(&cpus);
        gset_done(&mems);
        int fd = w_dir(w, w->root, "proc/self");
        w_flush(w, fd, "status");
        w_close(fd);
}

/* Flags of the models; the RDT ones only when the shape has resctrl. */
static const char flags_intel[] =
        "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr "
        "sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good "
        "nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx "
        "smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt "
        "tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb "
        "invpcid_single intel_ppin ssbd ibrs ibpb stibp ibrs_enhanced tpr_shadow flexpriority ept vpid "
        "ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap "
        "avx512ifma clflushopt clwb intel_pt avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 "
        "xsaves split_lock_detect avx_vnni avx512_bf16 wbnoinvd dtherm ida arat pln pts hfi vnmi "
        "avx512vbmi umip pku ospke waitpkg avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg "
        "tme avx512_vpopcntdq la57 rdpid bus_lock_detect cldemote movdiri movdir64b enqcmd fsrm md_clear "
        "serialize tsxldtrk pconfig arch_lbr ibt amx_bf16 avx512_fp16 amx_tile amx_int8 flush_l1d "
        "arch_capabilities";
static const char flags_intel_rdt[] =
        " cat_l3 cat_l2 cdp_l3 cdp_l2 mba cqm rdt_a cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local";
static const char flags_hybrid[] =
        "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr "
        "sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good "
        "nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx "
        "smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt "
        "tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb ssbd ibrs "
        "ibpb stibp ibrs_enhanced tpr_shadow flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 "
        "smep bmi2 erms invpcid rdseed adx smap clflushopt clwb intel_pt sha_ni xsaveopt xsavec xgetbv1 "
        "xsaves split_lock_detect avx_vnni dtherm ida arat pln pts hwp hwp_notify hwp_act_window hwp_epp "
        "hwp_pkg_req hfi vnmi umip pku ospke waitpkg gfni vaes vpclmulqdq tme rdpid movdiri movdir64b fsrm "
        "md_clear serialize pconfig arch_lbr ibt flush_l1d arch_capabilities hybrid_cpu";
static const char flags_amd[] =
        "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 "
        "ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good amd_lbr_v2 nopl nonstop_tsc "
        "cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic "
        "movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a "
        "misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext "
        "perfctr_llc mwaitx cpb invpcid_single hw_pstate ssbd perfmon_v2 ibrs ibpb stibp ibrs_enhanced "
        "vmmcall fsgsbase bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma "
        "clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx512_bf16 "
        "clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin cppc arat npt lbrv svm_lock nrip_save tsc_scale "
        "vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif x2avic "
        "v_spec_ctrl vnmi avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni "
        "avx512_bitalg avx512_vpopcntdq la57 rdpid overflow_recov succor smca fsrm flush_l1d";
static const char flags_amd_rdt[] =
        " cat_l3 cdp_l3 mba cqm rdt_a cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local";

static void cpuinfo_x86(gen_writer *w, const gen_cpu_model *m, unsigned cpu, const unsigned *siblings,
                        const unsigned *cores) {
        const gen_cpu *c = &w->cpus[cpu];
        const bool amd = m->vendor[0] == 'A';
        unsigned tbits = 0, apicid;
        while ((1u << tbits) < w->d.threads)
                tbits++;
        apicid = (c->core_index << tbits) | c->thread;
        gbuf_printf(&w->buf,
                    "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
                    "model name\t: %s\nstepping\t: %u\nmicrocode\t: 0x%llx\ncpu MHz\t\t: 2000.000\n"
                    "cache size\t: %u KB\nphysical id\t: %u\nsiblings\t: %u\ncore id\t\t: %u\n"
                    "cpu cores\t: %u\napicid\t\t: %u\ninitial apicid\t: %u\nfpu\t\t: yes\n"
                    "fpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\nflags\t\t: %s%s\n",
                    cpu, m->vendor, m->family, m->model, m->name, m->stepping,
                    (unsigned long long)m->microcode, w->s->l3_scope == GEN_L3_NONE ? GEN_L2_KIB : GEN_L3_KIB,
                    c->socket, siblings[c->socket], c->core, cores[c->socket], apicid, apicid, amd ? 16 : 32,
                    amd            ? flags_amd
                    : w->s->hybrid ? flags_hybrid
                                   : flags_intel,
                    w->s->resctrl == GEN_RESCTRL_NONE ? ""
                    : amd                             ? flags_amd_rdt
                                                      : flags_intel_rdt);
        gbuf_printf(&w->buf,
                    "bugs\t\t: %s\nbogomips\t: 4000.00\n%sclflush size\t: 64\ncache_alignment\t: 64\n"
                    "address sizes\t: %u bits physical, %u bits virtual\npower management:%s\n\n",
                    amd ? "sysret_ss_attrs spectre_v1 spectre_v2 spec_rstack_overflow"
                        : "spectre_v1 spectre_v2 spec_store_bypass swapgs eibrs_pbrsb bhi",
                    amd ? "TLB size\t: 3584 4K pages\n" : "", m->phys_bits, m->virt_bits,
                    amd ? " ts ttp tm hwpstate cpb eff_freq_ro [13] [14]" : "");
}

/* proc/cpuinfo: one block per online CPU. x86 as arch/x86/kernel/cpu/proc.c
 * prints it; aarch64 with the MIDR fields (a Neoverse N1); other
 * architectures with the processor line alone. */
static void write_cpuinfo(gen_writer *w) {
        const gen_cpu_model *m = gen_cpu_model_get(w->s);
        unsigned *siblings = calloc(w->d.sockets, sizeof(unsigned));
        unsigned *cores = calloc(w->d.sockets, sizeof(unsigned));
        const char *arch = w->s->arch ? w->s->arch : "x86_64";

        if (!siblings || !cores) {
                w_fail(w, -ENOMEM);
                goto out;
        }
        /* siblings: online CPUs of the package; cpu cores: its cores with an
         * online thread. */
        for (unsigned cpu = 0; cpu < w->d.n_cpus; cpu++) {
                const gen_cpu *c = &w->cpus[cpu];
                bool first = true;
                if (!c->online)
                        continue;
                siblings[c->socket]++;
                for (unsigned t = 0; t < c->thread && first; t++)
                        if (w->cpus[c->core_index + t * w->d.n_cores].online)
                                first = false;
                if (first)
                        cores[c->socket]++;
        }
        for (unsigned cpu = 0; cpu < w->d.n_cpus; cpu++) {
                if (!w->cpus[cpu].online)
                        continue;
                if (m)
                        cpuinfo_x86(w, m, cpu, siblings, cores);
                else if (strcmp(arch, "aarch64") == 0)
                        gbuf_printf(&w->buf,
                                    "processor\t: %u\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes "
                                    "pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop "
                                    "asimddp ssbs\nCPU implementer\t: 0x41\nCPU architecture: 8\n"
                                    "CPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n\n",
                                    cpu);
                else
                        gbuf_printf(&w->buf, "processor\t: %u\n\n", cpu);
        }
        int fd = w_dir(w, w->root, "proc");
        w_flush(w, fd, "cpuinfo");
        w_close(fd);
out:
        free(siblings);
        free(cores);
}

/* One line per schema of `schemata` or `size`, names right-aligned to the
 * longest, as the kernel prints them: "    L3:0=7ff;1=7ff". */
static void resctrl_lines(gen_writer *w, const gen_resctrl_info *ri, bool sizes) {
        const char *names[3];
        size_t n = 0, width = 0;
        unsigned cbm_bits = (unsigned)__builtin_popcountll(ri->cbm_mask);
        if (ri->cdp) {
                names[n++] = "L3CODE";
                names[n++] = "L3DATA";
        } else
                names[n++] = "L3";
        if (ri->mba)
                names[n++] = "MB";
        for (size_t i = 0; i < n; i++)
                width = strlen(names[i]) > width ? strlen(names[i]) : width;
        for (size_t i = 0; i < n; i++) {
                bool mb = strcmp(names[i], "MB") == 0, first = true;
                gbuf_printf(&w->buf, "%*s:", (int)width, names[i]);
                for (unsigned k = 0; k < w->n_keys; k++) {
                        if (!w->list[LV_L3][k])
                                continue;
                        gbuf_printf(&w->buf, "%s%u=", first ? "" : ";", k);
                        first = false;
                        if (mb)
                                gbuf_printf(&w->buf, "%u", ri->mb_max);
                        else if (sizes)
                                gbuf_printf(&w->buf, "%llu", (unsigned long long)GEN_L3_KIB * 1024);
                        else
                                gbuf_printf(&w->buf, "%0*llx", (int)(cbm_bits + 3) / 4,
                                            (unsigned long long)ri->cbm_mask);
                }
                gbuf_add(&w->buf, "\n", 1);
        }
}

static void write_resctrl_cache(gen_writer *w, int info, const char *name, const gen_resctrl_info *ri) {
        int fd = w_dir(w, info, name);
        unsigned cbm_bits = (unsigned)__builtin_popcountll(ri->cbm_mask);
        bool first = true;
        w_printf(w, fd, "cbm_mask", "%llx\n", (unsigned long long)ri->cbm_mask);
        w_printf(w, fd, "min_cbm_bits", "%u\n", ri->min_cbm_bits);
        w_printf(w, fd, "num_closids", "%u\n", ri->num_closids);
        w_printf(w, fd, "shareable_bits", "%llx\n", (unsigned long long)ri->shareable_bits);
        /* bit_usage (since 4.20): per domain, one letter per bit from the
         * top; the default group shares every bit ('S'). */
        for (unsigned k = 0; k < w->n_keys; k++) {
                if (!w->list[LV_L3][k])
                        continue;
                gbuf_printf(&w->buf, "%s%u=", first ? "" : ";", k);
                first = false;
                for (unsigned b = cbm_bits; b-- > 0;)
                        gbuf_add(&w->buf, "S", 1);
        }
        gbuf_add(&w->buf, "\n", 1);
        w_flush(w, fd, "bit_usage");
        w_close(fd);
}

/* sys/fs/resctrl, mounted, with the default group only. */
static void write_resctrl(gen_writer *w) {
        gen_resctrl_info ri;
        int root, info, fd;

        gen_resctrl_get(w->s, &ri);
        if (w->s->resctrl == GEN_RESCTRL_NONE || (root = w_dir(w, w->root, "sys/fs/resctrl")) < 0)
                return;
        info = w_dir(w, root, "info");
        w_str(w, info, "last_cmd_status", "ok\n");
        if (ri.cdp) {
                write_resctrl_cache(w, info, "L3CODE", &ri);
                write_resctrl_cache(w, info, "L3DATA", &ri);
        } else
                write_resctrl_cache(w, info, "L3", &ri);
        if (ri.mba) {
                fd = w_dir(w, info, "MB");
                w_printf(w, fd, "bandwidth_gran", "%u\n", ri.mb_bandwidth_gran);
                w_printf(w, fd, "min_bandwidth", "%u\n", ri.mb_min_bandwidth);
                w_printf(w, fd, "num_closids", "%u\n", ri.mb_num_closids);
                w_printf(w, fd, "delay_linear", "%d\n", ri.mb_delay_linear);
                /* since 5.10: "max" on Intel, "undefined" where not applicable */
                w_str(w, fd, "thread_throttle_mode",
                      w->s->resctrl == GEN_RESCTRL_AMD ? "undefined\n" : "max\n");
                w_close(fd);
        }
        if (ri.mon) {
                fd = w_dir(w, info, "L3_MON");
                w_printf(w, fd, "num_rmids", "%u\n", ri.num_rmids);
                w_printf(w, fd, "max_threshold_occupancy", "%llu\n",
                         (unsigned long long)ri.max_threshold_occupancy);
                w_str(w, fd, "mon_features", "llc_occupancy\nmbm_total_bytes\nmbm_local_bytes\n");
                w_close(fd);
        }
        w_close(info);

        resctrl_lines(w, &ri, false);
        w_flush(w, root, "schemata");
        resctrl_lines(w, &ri, true);
        w_flush(w, root, "size");
        w_list(w, root, "cpus_list", &w->online);
        w_mask(w, root, "cpus", &w->online, w->d.n_cpus);
        w_str(w, root, "tasks", "1\n");
        w_str(w, root, "mode", "shareable\n");
        w_close(w_dir(w, root, "mon_groups"));
        if (ri.mon)
                for (unsigned k = 0; k < w->n_keys && !w->err; k++) {
                        char name[48];
                        if (!w->list[LV_L3][k])
                                continue;
                        snprintf(name, sizeof(name), "mon_data/mon_L3_%02u", k);
                        fd = w_dir(w, root, name);
                        w_printf(w, fd, "llc_occupancy", "%u\n", 1048576 + 65536 * k);
                        w_printf(w, fd, "mbm_total_bytes", "%u\n", 123456789 + k);
                        w_printf(w, fd, "mbm_local_bytes", "%u\n", 98765432 + k);
                        w_close(fd);
                }
        w_close(root);
}

static void write_misc(gen_writer *w) {
        int fd;

        /* Intel hybrid parts register one PMU per core type (since 5.13). */
        for (int kind = GEN_KIND_CORE; w->s->hybrid && kind <= GEN_KIND_ATOM; kind++) {
                gset set;
                if (gset_init(&set, w->d.n_cpus) < 0) {
                        w_fail(w, -ENOMEM);
                        return;
                }
                for (unsigned cpu = 0; cpu < w->d.n_cpus; cpu++)
                        if (w->cpus[cpu].online && w->cpus[cpu].kind == kind)
                                gset_add(&set, cpu);
                if (gset_count(&set) > 0) {
                        fd = w_dir(w, w->root,
                                   kind == GEN_KIND_CORE ? "sys/devices/cpu_core" : "sys/devices/cpu_atom");
                        w_list(w, fd, "cpus", &set);
                        w_printf(w, fd, "type", "%d\n", kind == GEN_KIND_CORE ? 4 : 10);
                        w_close(fd);
                }
                gset_done(&set);
        }
        if (w->s->hugepages) {
                fd = w_dir(w, w->root, "sys/kernel/mm");
                write_hugepages(w, fd, GEN_GLOBAL);
                w_close(fd);
        }
        fd = w_dir(w, w->root, "sys/power");
        w_str(w, fd, "state", "freeze mem disk\n");
        w_str(w, fd, "disk", "[platform] shutdown reboot suspend test_resume\n");
        w_close(fd);
        w_close(w_dir(w, w->root, "sys/kernel/iommu_groups"));
        fd = w_dir(w, w->root, "etc");
        w_str(w, fd, "machine-id", "4c2d8e1a9b7f4e3d8a6c5b4e3f2a1d0c\n");
        w_close(fd);
        w_printf(w, w->root, "hostcaps-snapshot.txt", "arch=%s\npage_size=4096\n",
                 w->s->arch ? w->s->arch : "x86_64");
}

/* One PCI device's directory and files, its link in sys/bus/pci/devices,
 * and its kernel names with their sys/class links. */
static void write_pci_device(gen_writer *w, const char *parent, unsigned k) {
        gen_pci p;
        gset cpus;
        char dir[256], path[512], target[600];
        int fd;

        if (w->err || gen_pci_get(w->s, k, &p) < 0)
                return;
        snprintf(dir, sizeof(dir), "%s/%s", parent, p.address);
        fd = w_dir(w, w->root, dir);
        if (fd < 0)
                return;
        w_printf(w, fd, "class", "0x%06x\n", p.class_code);
        w_printf(w, fd, "vendor", "0x%04x\n", p.vendor);
        w_printf(w, fd, "device", "0x%04x\n", p.device);
        w_printf(w, fd, "subsystem_vendor", "0x%04x\n", p.subsystem_vendor);
        w_printf(w, fd, "subsystem_device", "0x%04x\n", p.subsystem_device);
        if (p.has_numa_file)
                w_printf(w, fd, "numa_node", "%d\n", p.numa_node);
        if (gset_init(&cpus, w->d.n_cpus) < 0) {
                w_fail(w, -ENOMEM);
                w_close(fd);
                return;
        }
        for (unsigned cpu = 0; cpu < w->d.n_cpus; cpu++)
                if (w->cpus[cpu].online &&
                    (p.node_index < 0 || w->cpus[cpu].node_index == (unsigned)p.node_index))
                        gset_add(&cpus, cpu);
        if (p.has_cpulist)
                w_list(w, fd, "local_cpulist", &cpus);
        w_mask(w, fd, "local_cpus", &cpus, w->d.n_cpus);
        gset_done(&cpus);
        w_close(fd);

        /* "sys/devices/..." seen from sys/bus/pci/devices and sys/class/X. */
        snprintf(target, sizeof(target), "../../../%s", dir + strlen("sys/"));
        fd = w_dir(w, w->root, "sys/bus/pci/devices");
        w_symlink(w, fd, target, p.address);
        w_close(fd);
        for (unsigned n = 0; p.kind && n < 2 && p.names[n][0]; n++) {
                const char *name = p.names[n];
                char sub[128] = "", part[32] = "", conn[40] = "";
                if (strcmp(p.kind, "net") == 0)
                        snprintf(sub, sizeof(sub), "net/%s", name);
                else if (strcmp(p.kind, "block") == 0) {
                        /* nvmeNn1: the controller nvmeN holds the namespace. */
                        snprintf(sub, sizeof(sub), "nvme/%.*s/%s", (int)(strchr(name + 4, 'n') - name), name,
                                 name);
                        snprintf(part, sizeof(part), "%sp1", name);
                } else {
                        snprintf(sub, sizeof(sub), "drm/%s", name);
                        if (n == 0)
                                snprintf(conn, sizeof(conn), "%s-DP-1", name);
                }
                snprintf(path, sizeof(path), "%s/%s", dir, sub);
                fd = w_dir(w, w->root, path);
                /* Block and DRM devices have a device number ("259:0"). */
                if (strcmp(p.kind, "net") != 0)
                        w_printf(w, fd, "dev", "%u:%u\n", strcmp(p.kind, "drm") == 0 ? 226 : 259, k * 2 + n);
                w_close(fd);
                snprintf(path, sizeof(path), "sys/class/%s", p.kind);
                fd = w_dir(w, w->root, path);
                snprintf(target, sizeof(target), "../../%s/%s", dir + strlen("sys/"), sub);
                w_symlink(w, fd, target, name);
                /* A partition and a connector sit below their device. */
                const char *extra = *part ? part : *conn ? conn : NULL;
                if (extra) {
                        char t2[700];
                        snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, extra);
                        int xfd = w_dir(w, w->root, path);
                        /* A partition says its number (since 2.6.28). */
                        if (*part)
                                w_str(w, xfd, "partition", "1\n");
                        w_close(xfd);
                        snprintf(t2, sizeof(t2), "%s/%s", target, extra);
                        w_symlink(w, fd, t2, extra);
                }
                w_close(fd);
        }
}

static void write_pci(gen_writer *w) {
        const gen_shape *s = w->s;
        unsigned per = s->pci_per_node ? 1 + s->pci_per_node : 0;
        int fd;
        if (!gen_n_pci(s))
                return;
        for (unsigned k = 0; k < s->pci_unknown; k++)
                write_pci_device(w, "sys/devices/pci0000:00", k);
        for (unsigned i = 0; per && i < w->d.n_cpu_nodes; i++) {
                char root[64], port[128];
                unsigned first = s->pci_unknown + i * per;
                snprintf(root, sizeof(root), "sys/devices/pci0000:%02x", 0x10 * (i + 1));
                write_pci_device(w, root, first);
                snprintf(port, sizeof(port), "%s/0000:%02x:00.0", root, 0x10 * (i + 1));
                for (unsigned j = 1; j < per; j++)
                        write_pci_device(w, port, first + j);
        }
        /* What every real tree has beside: a virtual interface, a file. */
        w_close(w_dir(w, w->root, "sys/devices/virtual/net/lo"));
        fd = w_dir(w, w->root, "sys/class/net");
        w_symlink(w, fd, "../../devices/virtual/net/lo", "lo");
        w_close(fd);
        fd = w_dir(w, w->root, "sys/class/drm");
        w_str(w, fd, "version", "drm 1.1.0 20060810\n");
        w_close(fd);
}

static void writer_done(gen_writer *w) {
        for (unsigned lv = 0; lv < N_LEVELS; lv++) {
                for (unsigned k = 0; k < w->n_keys && w->list[lv]; k++)
                        free(w->list[lv][k]);
                for (unsigned k = 0; k < w->n_keys && w->mask[lv]; k++)
                        free(w->mask[lv][k]);
                free(w->list[lv]);
                free(w->mask[lv]);
        }
        free(w->cpus);
        free(w->nodes);
        gset_done(&w->online);
        gbuf_done(&w->buf);
        w_close(w->root);
}

int gen_sysroot(const char *dir, const gen_shape *shape) {
        gen_writer w = {.s = shape, .root = -1};
        int e;

        if (!dir || !*dir || !shape)
                return -EINVAL;
        if ((e = gen_shape_check(shape)) < 0)
                return e;
        gen_dims_get(shape, &w.d);
        if ((e = gen_online_set(shape, &w.online)) < 0)
                return e;
        w.cpus = calloc(w.d.n_cpus, sizeof(gen_cpu));
        w.nodes = calloc(w.d.n_nodes, sizeof(gen_node));
        if (!w.cpus || !w.nodes) {
                e = -ENOMEM;
                goto out;
        }
        for (unsigned cpu = 0; cpu < w.d.n_cpus; cpu++)
                gen_cpu_compute(shape, &w.d, cpu, gset_test(&w.online, cpu), &w.cpus[cpu]);
        for (unsigned i = 0; i < w.d.n_nodes; i++)
                if ((e = gen_node_compute(shape, &w.d, &w.online, i, &w.nodes[i])) < 0)
                        goto out;
        if ((e = groups_build(&w)) < 0)
                goto out;

        w.root = w_dir(&w, AT_FDCWD, dir);
        write_cpus(&w);
        write_nodes(&w);
        write_meminfo(&w);
        write_status(&w);
        write_cpuinfo(&w);
        write_resctrl(&w);
        write_misc(&w);
        write_pci(&w);
        e = w.err;
out:
        writer_done(&w);
        return e;
}
