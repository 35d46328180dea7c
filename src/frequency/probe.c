/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probing the frequency section: cpufreq policies, CPU capacities, and the
 * kinds of CPUs made of them.
 *
 * Kinds, from the first source that tells CPUs apart (hwloc's order; Intel
 * hybrid PMUs, hwloc's first source, are the CPU section's):
 *   1. cpuN/cpu_capacity (arm64 and RISC-V since 4.10, x86 on recent
 *      kernels), CPUs grouped by equal capacity;
 *   2. cpufreq's cpuinfo_max_freq, CPUs grouped by equal maximum frequency,
 *      when every online CPU has one.
 * A homogeneous host has no kinds. Kinds come in ascending order of
 * capacity or frequency, as hwloc ranks its kinds by increasing efficiency.
 *
 * Frequencies are read per cpufreq policy (CPUs that share a clock), not
 * per CPU: one directory listing where cpufreq is absent (virtual machines),
 * a few files per policy elsewhere, which is a few files per CPU with
 * intel_pstate (a policy per CPU). cpu_capacity is read per CPU only after
 * one probe of the first online CPU found the file. That cost is why this
 * is a section of its own: a caller asking for the CPU does not pay it. */
#include <stdio.h>

#include "frequency.h"
#include "host/cputopo.h"
#include "host/error.h"
#include "host/parse.h"

#define CPU_DIR  "sys/devices/system/cpu"
#define FREQ_DIR CPU_DIR "/cpufreq"

static bool is_absent(int e) {
        return e == -ENOENT || e == -ENOTDIR;
}

/* Optional values of the section (the read policy): as hostcaps_optional(),
 * marking `what` unknown for a failure other than absence. */
static int freq_optional(hostcaps_frequency *f, int e, unsigned int what) {
        if (e < 0 && e != -ENOMEM && !is_absent(e))
                f->unknown |= what;
        return hostcaps_optional(&f->obj, e);
}

static void kinds_clear(hostcaps_frequency *f) {
        for (size_t i = 0; i < f->n_kinds; i++) {
                free(f->kinds[i].name);
                free(f->kinds[i].cpus);
        }
        free(f->kinds);
        f->kinds = NULL;
        f->n_kinds = 0;
}

static void domains_clear(hostcaps_frequency *f) {
        for (size_t i = 0; i < f->n_domains; i++) {
                free(f->domains[i].cpus);
                hostcaps_bitmap_free(f->domains[i].set);
        }
        free(f->domains);
        f->domains = NULL;
        f->n_domains = 0;
}

static void capacities_clear(hostcaps_frequency *f) {
        for (size_t i = 0; i < f->n_capacities; i++) {
                free(f->capacities[i].cpus);
                hostcaps_bitmap_free(f->capacities[i].set);
        }
        free(f->capacities);
        f->capacities = NULL;
        f->n_capacities = 0;
}

void hostcaps_frequency_free_fields(hostcaps_object *o) {
        hostcaps_frequency *f = (hostcaps_frequency *)o;
        kinds_clear(f);
        domains_clear(f);
        capacities_clear(f);
}

/* A new kind (name and source given), its CPUs formatted from b. */
static int kind_add(hostcaps_frequency *f, char *name, const char *source, const hostcaps_bitmap *b,
                    uint64_t capacity) {
        hostcaps_freq_kind *k = realloc(f->kinds, (f->n_kinds + 1) * sizeof(*k));
        if (!k) {
                free(name);
                return -ENOMEM;
        }
        f->kinds = k;
        k += f->n_kinds++;
        *k = (hostcaps_freq_kind){.name = name, .source = source, .capacity = capacity};
        k->cpus = hostcaps_bitmap_format(b);
        return k->name && k->cpus ? 0 : -ENOMEM;
}

/* Groups of CPUs by a value: the distinct values ascending, each with its CPUs. */
typedef struct value_group {
        uint64_t value;
        hostcaps_bitmap *cpus;
} value_group;

static void groups_free(value_group *g, size_t n) {
        for (size_t i = 0; i < n; i++)
                hostcaps_bitmap_free(g[i].cpus);
        free(g);
}

static int groups_add(value_group **g, size_t *n, uint64_t value, const hostcaps_bitmap *cpus) {
        size_t i = 0;
        while (i < *n && (*g)[i].value < value)
                i++;
        if (i == *n || (*g)[i].value != value) {
                value_group *ng = realloc(*g, (*n + 1) * sizeof(**g));
                if (!ng)
                        return -ENOMEM;
                *g = ng;
                memmove(ng + i + 1, ng + i, (*n - i) * sizeof(*ng));
                (*n)++;
                ng[i] = (value_group){.value = value, .cpus = hostcaps_bitmap_new()};
                if (!ng[i].cpus)
                        return -ENOMEM;
        }
        return hostcaps_bitmap_or((*g)[i].cpus, cpus);
}

/* Two groups or more become kinds; one (a homogeneous host) none. */
static int kinds_from_groups(hostcaps_frequency *f, const value_group *g, size_t n, const char *source) {
        bool capacity = strcmp(source, "capacity") == 0;
        for (size_t i = 0; n > 1 && i < n; i++) {
                char *name = capacity
                                     ? hostcaps_strdup_printf("capacity-%llu", (unsigned long long)g[i].value)
                                     : hostcaps_strdup_printf("max-%llukHz", (unsigned long long)g[i].value);
                int e = kind_add(f, name, source, g[i].cpus, capacity ? g[i].value : 0);
                if (e < 0)
                        return e;
        }
        return 0;
}

/* The capacity groups become the section's capacities (the sets move). */
static int capacities_from_groups(hostcaps_frequency *f, value_group *g, size_t n) {
        f->capacities = calloc(n ? n : 1, sizeof(*f->capacities));
        if (!f->capacities)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                hostcaps_freq_capacity *c = &f->capacities[f->n_capacities++];
                c->capacity = g[i].value;
                c->cpus = hostcaps_bitmap_format(g[i].cpus);
                if (!c->cpus)
                        return -ENOMEM;
                c->set = g[i].cpus;
                g[i].cpus = NULL;
        }
        return 0;
}

static int probe_capacity(hostcaps_reader *r, hostcaps_frequency *f, const hostcaps_bitmap *online) {
        value_group *g = NULL;
        size_t n = 0;
        int e = 0;
        /* One probe on the first online CPU: no file there, no capacities
         * anywhere (x86 before 6.x, most VMs), and no file per CPU paid. */
        for (int id = hostcaps_bitmap_next(online, 0); id >= 0 && e >= 0;
             id = hostcaps_bitmap_next(online, id + 1)) {
                _cleanup_bitmap_ hostcaps_bitmap *one = hostcaps_bitmap_new();
                uint64_t v;
                /* "1024\n": the CPU's capacity relative to the biggest (1024),
                 * since 4.10 (arm64), later RISC-V and x86. */
                e = hostcaps_readf_u64(r, &v, CPU_DIR "/cpu%d/cpu_capacity", id);
                if (is_absent(e) && !g) {
                        e = 0;
                        break;
                }
                /* Capacities of some CPUs only would make kinds of a part. */
                if (is_absent(e))
                        e = hostcaps_error(ENODATA,
                                           CPU_DIR "/cpu%d/cpu_capacity: missing where other CPUs have one",
                                           id);
                if (e >= 0)
                        e = one ? hostcaps_bitmap_set(one, (unsigned)id) : -ENOMEM;
                if (e >= 0)
                        e = groups_add(&g, &n, v, one);
        }
        if (e >= 0)
                e = kinds_from_groups(f, g, n, "capacity");
        if (e >= 0 && n)
                e = capacities_from_groups(f, g, n);
        groups_free(g, n);
        return e;
}

static bool policy_name(const char *name) {
        unsigned id;
        char c;
        return sscanf(name, "policy%u%c", &id, &c) == 1;
}

/* An optional frequency of a policy: a bad one is unknown, with its reason. */
static int read_khz(hostcaps_reader *r, hostcaps_frequency *f, const char *policy, const char *file,
                    uint64_t *ret) {
        /* kHz, one decimal number: cpuinfo_{min,max}_freq since 2.6,
         * base_frequency with intel_pstate since 4.20. */
        int e = hostcaps_readf_u64(r, ret, FREQ_DIR "/%s/%s", policy, file);
        if (e >= 0 && *ret == 0)
                return 0;
        if (e < 0)
                *ret = 0;
        return hostcaps_optional(&f->obj, e);
}

static int probe_policy(hostcaps_reader *r, hostcaps_frequency *f, const char *policy) {
        _cleanup_bitmap_ hostcaps_bitmap *set = NULL;
        hostcaps_freq_domain *d;
        /* The online CPUs of the policy ("0-3"); related_cpus (offline ones
         * too) where a recording lacks it. A policy whose CPUs are all
         * offline is inactive: its files answer EBUSY. */
        int e = hostcaps_readf_cpulist(r, &set, FREQ_DIR "/%s/affected_cpus", policy);
        if (is_absent(e))
                e = hostcaps_readf_cpulist(r, &set, FREQ_DIR "/%s/related_cpus", policy);
        if (e == -EBUSY || is_absent(e)) {
                hostcaps_error_reset();
                return 0;
        }
        if (e < 0)
                return e;
        if (hostcaps_bitmap_is_empty(set))
                return 0;
        d = realloc(f->domains, (f->n_domains + 1) * sizeof(*d));
        if (!d)
                return -ENOMEM;
        f->domains = d;
        d += f->n_domains++;
        *d = (hostcaps_freq_domain){.set = set, .cpus = hostcaps_bitmap_format(set)};
        set = NULL;
        if (!d->cpus)
                return -ENOMEM;
        /* Each frequency is a value of its own (the read policy). */
        if ((e = read_khz(r, f, policy, "cpuinfo_min_freq", &d->min_khz)) < 0 ||
            (e = read_khz(r, f, policy, "cpuinfo_max_freq", &d->max_khz)) < 0 ||
            (e = read_khz(r, f, policy, "base_frequency", &d->base_khz)) < 0)
                return e;
        return 0;
}

static int probe_domains(hostcaps_reader *r, hostcaps_frequency *f) {
        char **names = NULL;
        size_t n = 0;
        /* policyN directories (since 4.6; symlinked from cpuN/cpufreq), and
         * governor directories (ondemand, ...) that are no policy. Absent or
         * empty without a cpufreq driver. */
        int e = hostcaps_read_dir(r, FREQ_DIR, &names, &n);
        if (is_absent(e))
                e = 0;
        for (size_t i = 0; i < n && e >= 0; i++)
                if (policy_name(names[i]))
                        e = probe_policy(r, f, names[i]);
        hostcaps_strv_free(names);
        return e;
}

/* Frequency kinds: every online CPU in a policy with a known maximum. */
static int probe_frequency_kinds(hostcaps_frequency *f, const hostcaps_bitmap *online) {
        _cleanup_bitmap_ hostcaps_bitmap *covered = hostcaps_bitmap_new();
        value_group *g = NULL;
        size_t n = 0;
        int e = covered ? 0 : -ENOMEM;
        for (size_t i = 0; i < f->n_domains && e >= 0; i++) {
                if (!f->domains[i].max_khz)
                        goto out;
                e = hostcaps_bitmap_or(covered, f->domains[i].set);
                if (e >= 0)
                        e = groups_add(&g, &n, f->domains[i].max_khz, f->domains[i].set);
        }
        if (e >= 0 && n > 1) {
                hostcaps_bitmap_and(covered, online);
                if (hostcaps_bitmap_equal(covered, online))
                        e = kinds_from_groups(f, g, n, "frequency");
        }
out:
        groups_free(g, n);
        return e;
}

/* The maximum frequency all CPUs of a kind share into *ret, 0 when they
 * differ or one is not known. 0 or -ENOMEM. */
static int kind_max_khz(const hostcaps_frequency *f, const char *list, uint64_t *ret) {
        _cleanup_bitmap_ hostcaps_bitmap *left = NULL;
        uint64_t khz = 0;
        int e = hostcaps_parse_cpulist(list, &left); /* our own formatting: only -ENOMEM can fail */
        *ret = 0;
        if (e < 0)
                return e == -ENOMEM ? e : 0;
        for (size_t i = 0; i < f->n_domains; i++) {
                _cleanup_bitmap_ hostcaps_bitmap *both = hostcaps_bitmap_dup(left);
                if (!both)
                        return -ENOMEM;
                hostcaps_bitmap_and(both, f->domains[i].set);
                if (hostcaps_bitmap_is_empty(both))
                        continue;
                if (!f->domains[i].max_khz || (khz && khz != f->domains[i].max_khz))
                        return 0;
                khz = f->domains[i].max_khz;
                hostcaps_bitmap_sub(left, both);
        }
        *ret = hostcaps_bitmap_is_empty(left) ? khz : 0;
        return 0;
}

/* Required: the online CPUs (as for the CPU section). The rest is optional
 * (the read policy, docs/architecture.md). Kinds are one value: a bad file
 * among them makes them unknown as a whole, since a part of the kinds would
 * describe the host wrongly; a bad cpu_capacity makes the capacities
 * unknown too. Frequency domains are another: a bad policy list makes every
 * policy unknown; a bad frequency in a policy only that frequency. */
static int frequency_probe_into(hostcaps_reader *r, hostcaps_frequency *f) {
        _cleanup_bitmap_ hostcaps_bitmap *online = NULL, *absent = NULL;
        int e = hostcaps_read_cpus(r, &online, &absent);
        if (e >= 0)
                e = hostcaps_absent_cpus_reason(&f->obj, absent, "in no kind");
        if (e < 0)
                return e;
        e = probe_domains(r, f);
        if (e < 0 && e != -ENOMEM) {
                domains_clear(f);
                e = freq_optional(f, e, HOSTCAPS_FREQUENCY_UNKNOWN_DOMAINS);
        }
        if (e < 0)
                return e;
        e = probe_capacity(r, f, online);
        if (e < 0 && e != -ENOMEM) {
                capacities_clear(f);
                f->unknown |= HOSTCAPS_FREQUENCY_UNKNOWN_CAPACITIES;
        }
        if (e >= 0 && f->n_kinds == 0 && !(f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_DOMAINS))
                e = probe_frequency_kinds(f, online);
        if (e < 0 && e != -ENOMEM) {
                kinds_clear(f);
                return freq_optional(f, e, HOSTCAPS_FREQUENCY_UNKNOWN_KINDS);
        }
        for (size_t i = 0; i < f->n_kinds && e >= 0; i++)
                e = kind_max_khz(f, f->kinds[i].cpus, &f->kinds[i].max_khz);
        return e;
}

int hostcaps_frequency_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        int e = hostcaps_object_new(HOSTCAPS_SECTION_FREQUENCY, &o);
        if (e >= 0)
                e = frequency_probe_into(ctx->reader, (hostcaps_frequency *)o);
        return hostcaps_object_finish(o, e, ret);
}

/* What changes while the host runs: CPUs taken offline or brought back
 * (cpu/online): the policies' affected CPUs and the kinds follow. The
 * frequency limits themselves are the hardware's (cpuinfo_*), set at boot. */
int hostcaps_frequency_stamp(hostcaps_reader *r, uint64_t *stamp) {
        return hostcaps_stamp_add_file(r, CPU_DIR "/online", stamp);
}
