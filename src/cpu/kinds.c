/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Core kinds and CPU frequencies of the CPU section.
 *
 * Kinds, from the first source that tells CPUs apart (hwloc's order):
 *   1. Intel hybrid PMUs, sys/devices/cpu_core and cpu_atom (since 5.13);
 *   2. cpuN/cpu_capacity (arm64 and RISC-V since 4.10, x86 on recent
 *      kernels), CPUs grouped by equal capacity;
 *   3. cpufreq's cpuinfo_max_freq, CPUs grouped by equal maximum frequency,
 *      when every online CPU has one.
 * A homogeneous host has no kinds. Capacity and frequency kinds come in
 * ascending order of capacity or frequency, as hwloc ranks its kinds by
 * increasing efficiency.
 *
 * Frequencies are read per cpufreq policy (CPUs that share a clock), not
 * per CPU: one directory listing where cpufreq is absent (virtual machines),
 * a few files per policy elsewhere. The CPU section's first request is the
 * one callers pay for most often, so nothing here reads a file per CPU but
 * cpu_capacity, and that only after one probe of the first online CPU
 * found the file. */
#include <stdio.h>

#include "cpu.h"
#include "host/error.h"
#include "host/jsonout.h"
#include "host/parse.h"

#define CPU_DIR  "sys/devices/system/cpu"
#define FREQ_DIR CPU_DIR "/cpufreq"

static bool is_absent(int e) {
        return e == -ENOENT || e == -ENOTDIR;
}

static void kinds_clear(hostcaps_cpu *cpu) {
        for (size_t i = 0; i < cpu->n_kinds; i++) {
                free(cpu->kinds[i].name);
                free(cpu->kinds[i].cpus);
        }
        free(cpu->kinds);
        cpu->kinds = NULL;
        cpu->n_kinds = 0;
}

static void freq_clear(hostcaps_cpu *cpu) {
        for (size_t i = 0; i < cpu->n_freq; i++) {
                free(cpu->freq[i].cpus);
                hostcaps_bitmap_free(cpu->freq[i].set);
        }
        free(cpu->freq);
        cpu->freq = NULL;
        cpu->n_freq = 0;
}

void hostcaps_cpu_free_kinds(hostcaps_cpu *cpu) {
        kinds_clear(cpu);
        freq_clear(cpu);
}

/* A new kind (name and source given), its CPUs formatted from b. */
static int kind_add(hostcaps_cpu *cpu, char *name, const char *source, const hostcaps_bitmap *b,
                    uint64_t capacity) {
        hostcaps_core_kind *k = realloc(cpu->kinds, (cpu->n_kinds + 1) * sizeof(*k));
        if (!k) {
                free(name);
                return -ENOMEM;
        }
        cpu->kinds = k;
        k += cpu->n_kinds++;
        *k = (hostcaps_core_kind){.name = name, .source = source, .capacity = capacity};
        k->cpus = hostcaps_bitmap_format(b);
        return k->name && k->cpus ? 0 : -ENOMEM;
}

static int probe_hybrid(hostcaps_reader *r, hostcaps_cpu *cpu) {
        /* Intel hybrid parts register one PMU per core type, each with a
         * "cpus" list (since 5.13). */
        static const struct {
                const char *dir, *name;
        } pmus[] = {
                {"sys/devices/cpu_core", "core"},
                {"sys/devices/cpu_atom", "atom"},
        };
        for (size_t i = 0; i < ELEMENTSOF(pmus); i++) {
                _cleanup_bitmap_ hostcaps_bitmap *b = NULL;
                int e = hostcaps_readf_cpulist(r, &b, "%s/cpus", pmus[i].dir);
                if (is_absent(e))
                        continue;
                if (e < 0)
                        return e;
                if ((e = kind_add(cpu, strdup(pmus[i].name), "hybrid", b, 0)) < 0)
                        return e;
        }
        return 0;
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
static int kinds_from_groups(hostcaps_cpu *cpu, const value_group *g, size_t n, const char *source) {
        bool capacity = strcmp(source, "capacity") == 0;
        for (size_t i = 0; n > 1 && i < n; i++) {
                char *name = capacity
                                     ? hostcaps_strdup_printf("capacity-%llu", (unsigned long long)g[i].value)
                                     : hostcaps_strdup_printf("max-%llukHz", (unsigned long long)g[i].value);
                int e = kind_add(cpu, name, source, g[i].cpus, capacity ? g[i].value : 0);
                if (e < 0)
                        return e;
        }
        return 0;
}

static int probe_capacity(hostcaps_reader *r, hostcaps_cpu *cpu, const hostcaps_bitmap *online) {
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
                e = kinds_from_groups(cpu, g, n, "capacity");
        groups_free(g, n);
        return e;
}

static bool policy_name(const char *name) {
        unsigned id;
        char c;
        return sscanf(name, "policy%u%c", &id, &c) == 1;
}

/* An optional frequency of a policy: a bad one is unknown, with its reason. */
static int read_khz(hostcaps_reader *r, hostcaps_cpu *cpu, const char *policy, const char *file,
                    uint64_t *ret) {
        /* kHz, one decimal number: cpuinfo_{min,max}_freq since 2.6,
         * base_frequency with intel_pstate since 4.20. */
        int e = hostcaps_readf_u64(r, ret, FREQ_DIR "/%s/%s", policy, file);
        if (e >= 0 && *ret == 0)
                return 0;
        if (e < 0)
                *ret = 0;
        return hostcaps_optional(&cpu->obj, e);
}

static int probe_policy(hostcaps_reader *r, hostcaps_cpu *cpu, const char *policy) {
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
        d = realloc(cpu->freq, (cpu->n_freq + 1) * sizeof(*d));
        if (!d)
                return -ENOMEM;
        cpu->freq = d;
        d += cpu->n_freq++;
        *d = (hostcaps_freq_domain){.set = set, .cpus = hostcaps_bitmap_format(set)};
        set = NULL;
        if (!d->cpus)
                return -ENOMEM;
        /* Each frequency is a value of its own (the read policy). */
        if ((e = read_khz(r, cpu, policy, "cpuinfo_min_freq", &d->min_khz)) < 0 ||
            (e = read_khz(r, cpu, policy, "cpuinfo_max_freq", &d->max_khz)) < 0 ||
            (e = read_khz(r, cpu, policy, "base_frequency", &d->base_khz)) < 0)
                return e;
        return 0;
}

static int probe_frequencies(hostcaps_reader *r, hostcaps_cpu *cpu) {
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
                        e = probe_policy(r, cpu, names[i]);
        hostcaps_strv_free(names);
        return e;
}

/* Frequency kinds: every online CPU in a policy with a known maximum. */
static int probe_frequency_kinds(hostcaps_cpu *cpu, const hostcaps_bitmap *online) {
        _cleanup_bitmap_ hostcaps_bitmap *covered = hostcaps_bitmap_new();
        value_group *g = NULL;
        size_t n = 0;
        int e = covered ? 0 : -ENOMEM;
        for (size_t i = 0; i < cpu->n_freq && e >= 0; i++) {
                if (!cpu->freq[i].max_khz)
                        goto out;
                e = hostcaps_bitmap_or(covered, cpu->freq[i].set);
                if (e >= 0)
                        e = groups_add(&g, &n, cpu->freq[i].max_khz, cpu->freq[i].set);
        }
        if (e >= 0 && n > 1) {
                hostcaps_bitmap_and(covered, online);
                if (hostcaps_bitmap_equal(covered, online))
                        e = kinds_from_groups(cpu, g, n, "frequency");
        }
out:
        groups_free(g, n);
        return e;
}

/* The maximum frequency all CPUs of a kind share into *ret, 0 when they
 * differ or one is not known. 0 or -ENOMEM. */
static int kind_max_khz(const hostcaps_cpu *cpu, const char *list, uint64_t *ret) {
        _cleanup_bitmap_ hostcaps_bitmap *left = NULL;
        uint64_t khz = 0;
        int e = hostcaps_parse_cpulist(list, &left); /* our own formatting: only -ENOMEM can fail */
        *ret = 0;
        if (e < 0)
                return e == -ENOMEM ? e : 0;
        for (size_t i = 0; i < cpu->n_freq; i++) {
                _cleanup_bitmap_ hostcaps_bitmap *both = hostcaps_bitmap_dup(left);
                if (!both)
                        return -ENOMEM;
                hostcaps_bitmap_and(both, cpu->freq[i].set);
                if (hostcaps_bitmap_is_empty(both))
                        continue;
                if (!cpu->freq[i].max_khz || (khz && khz != cpu->freq[i].max_khz))
                        return 0;
                khz = cpu->freq[i].max_khz;
                hostcaps_bitmap_sub(left, both);
        }
        *ret = hostcaps_bitmap_is_empty(left) ? khz : 0;
        return 0;
}

/* Core kinds are one value (the read policy): a bad file among them makes
 * them unknown as a whole, since a part of the kinds would describe the host
 * wrongly. Frequencies are another: a bad policy list makes every policy
 * unknown; a bad frequency in a policy only that frequency. */
int hostcaps_cpu_probe_kinds(hostcaps_reader *r, hostcaps_cpu *cpu, const hostcaps_bitmap *online) {
        int e = probe_frequencies(r, cpu);
        if (e < 0 && e != -ENOMEM) {
                freq_clear(cpu);
                e = hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_FREQUENCIES);
        }
        if (e < 0)
                return e;
        e = probe_hybrid(r, cpu);
        if (e >= 0 && cpu->n_kinds == 0)
                e = probe_capacity(r, cpu, online);
        if (e >= 0 && cpu->n_kinds == 0 && !(cpu->unknown & HOSTCAPS_CPU_UNKNOWN_FREQUENCIES))
                e = probe_frequency_kinds(cpu, online);
        if (e < 0 && e != -ENOMEM) {
                kinds_clear(cpu);
                return hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_CORE_KINDS);
        }
        for (size_t i = 0; i < cpu->n_kinds && e >= 0; i++)
                e = kind_max_khz(cpu, cpu->kinds[i].cpus, &cpu->kinds[i].max_khz);
        return e;
}

void hostcaps_cpu_kinds_json(int *e, struct json_object *j, const hostcaps_cpu *cpu) {
        struct json_object *a, *t;
        if (cpu->unknown & HOSTCAPS_CPU_UNKNOWN_CORE_KINDS)
                hostcaps_json_set_null(e, j, "core_kinds");
        else {
                a = json_object_new_array();
                for (size_t i = 0; i < cpu->n_kinds; i++) {
                        const hostcaps_core_kind *k = &cpu->kinds[i];
                        t = json_object_new_object();
                        hostcaps_json_set_str(e, t, "name", k->name);
                        hostcaps_json_set_str(e, t, "cpus", k->cpus);
                        hostcaps_json_set_str(e, t, "source", k->source);
                        hostcaps_json_set_u64(e, t, "capacity", k->capacity, k->capacity);
                        hostcaps_json_set_u64(e, t, "max_frequency_khz", k->max_khz, k->max_khz);
                        hostcaps_json_append(e, a, t);
                }
                hostcaps_json_set(e, j, "core_kinds", a);
        }
        if (cpu->unknown & HOSTCAPS_CPU_UNKNOWN_FREQUENCIES) {
                hostcaps_json_set_null(e, j, "frequency_domains");
                return;
        }
        a = json_object_new_array();
        for (size_t i = 0; i < cpu->n_freq; i++) {
                const hostcaps_freq_domain *d = &cpu->freq[i];
                t = json_object_new_object();
                hostcaps_json_set_str(e, t, "cpus", d->cpus);
                hostcaps_json_set_u64(e, t, "min_khz", d->min_khz, d->min_khz);
                hostcaps_json_set_u64(e, t, "max_khz", d->max_khz, d->max_khz);
                hostcaps_json_set_u64(e, t, "base_khz", d->base_khz, d->base_khz);
                hostcaps_json_append(e, a, t);
        }
        hostcaps_json_set(e, j, "frequency_domains", a);
}

/* MHz, with kHz decimals only where the kernel gave some. */
static void text_mhz(hostcaps_buf *b, const char *sep, const char *label, uint64_t khz) {
        unsigned long long mhz = khz / 1000, rest = khz % 1000;
        if (!khz)
                hostcaps_buf_printf(b, "%s%s unknown", sep, label);
        else if (rest)
                hostcaps_buf_printf(b, "%s%s %llu.%03llu MHz", sep, label, mhz, rest);
        else
                hostcaps_buf_printf(b, "%s%s %llu MHz", sep, label, mhz);
}

void hostcaps_cpu_kinds_text(hostcaps_buf *b, const hostcaps_cpu *cpu) {
        /* Hybrid kinds as they always were ("core  0-7"); the others say
         * where they come from. */
        for (size_t i = 0; i < cpu->n_kinds; i++)
                hostcaps_buf_printf(b, "%-24s %s\n", cpu->kinds[i].name, cpu->kinds[i].cpus);
        if (cpu->unknown & HOSTCAPS_CPU_UNKNOWN_CORE_KINDS)
                hostcaps_buf_printf(b, "%-24s %s\n", "Core kinds:", "unknown");
        else if (cpu->n_kinds && strcmp(cpu->kinds[0].source, "hybrid") != 0)
                hostcaps_buf_printf(b, "%-24s %s\n", "Core kinds from:", cpu->kinds[0].source);
        if (cpu->unknown & HOSTCAPS_CPU_UNKNOWN_FREQUENCIES)
                hostcaps_buf_printf(b, "%-24s %s\n", "Frequencies:", "unknown");
        for (size_t i = 0; i < cpu->n_freq; i++) {
                const hostcaps_freq_domain *d = &cpu->freq[i];
                hostcaps_buf_printf(b, "%-24s %s:", "Frequency domain:", d->cpus);
                text_mhz(b, " ", "min", d->min_khz);
                text_mhz(b, ", ", "max", d->max_khz);
                if (d->base_khz)
                        text_mhz(b, ", ", "base", d->base_khz);
                hostcaps_buf_puts(b, "\n");
        }
}

/* ---- public accessors -------------------------------------------------- */

HOSTCAPS_EXPORT const char *hostcaps_cpu_core_kind_source(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_kinds ? cpu->kinds[i].source : NULL;
}

HOSTCAPS_EXPORT uint64_t hostcaps_cpu_core_kind_capacity(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_kinds ? cpu->kinds[i].capacity : 0;
}

HOSTCAPS_EXPORT uint64_t hostcaps_cpu_core_kind_max_frequency(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_kinds ? cpu->kinds[i].max_khz : 0;
}

HOSTCAPS_EXPORT int hostcaps_cpu_frequencies_known(const hostcaps_cpu *cpu) {
        if (!cpu)
                return hostcaps_error(EINVAL, "invalid argument: cpu is NULL");
        if (cpu->unknown & HOSTCAPS_CPU_UNKNOWN_FREQUENCIES)
                return hostcaps_error(ENODATA, "the CPU frequencies are not known");
        return 0;
}

HOSTCAPS_EXPORT size_t hostcaps_cpu_n_frequency_domains(const hostcaps_cpu *cpu) {
        return cpu ? cpu->n_freq : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_cpu_frequency_domain_cpus(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_freq ? cpu->freq[i].cpus : NULL;
}

HOSTCAPS_EXPORT int hostcaps_cpu_frequency_domain_cpuset(const hostcaps_cpu *cpu, size_t i,
                                                         hostcaps_cpuset **ret) {
        if (!cpu || i >= cpu->n_freq)
                return hostcaps_error(EINVAL, "invalid argument: no frequency domain %zu", i);
        return hostcaps_cpuset_of_accessor(cpu->freq[i].cpus, "the frequency domain's CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_cpu_frequency_domain_of(const hostcaps_cpu *cpu, unsigned int cpu_id) {
        if (!cpu)
                return hostcaps_error(EINVAL, "invalid argument: cpu is NULL");
        for (size_t i = 0; i < cpu->n_freq; i++)
                if (hostcaps_bitmap_test(cpu->freq[i].set, cpu_id))
                        return (int)i;
        return hostcaps_error(ENOENT, "CPU %u is in no frequency domain", cpu_id);
}

HOSTCAPS_EXPORT int hostcaps_cpu_frequency_domain_get(const hostcaps_cpu *cpu, size_t i,
                                                      hostcaps_cpu_frequency which, uint64_t *ret_khz) {
        uint64_t v;
        if (!cpu || i >= cpu->n_freq)
                return hostcaps_error(EINVAL, "invalid argument: no frequency domain %zu", i);
        switch (which) {
        case HOSTCAPS_CPU_FREQUENCY_MIN:
                v = cpu->freq[i].min_khz;
                break;
        case HOSTCAPS_CPU_FREQUENCY_MAX:
                v = cpu->freq[i].max_khz;
                break;
        case HOSTCAPS_CPU_FREQUENCY_BASE:
                v = cpu->freq[i].base_khz;
                break;
        default:
                return hostcaps_error(EINVAL, "invalid argument: unknown frequency %d", (int)which);
        }
        if (!v)
                return hostcaps_error(ENODATA, "%s frequency of CPUs %s: not known",
                                      which == HOSTCAPS_CPU_FREQUENCY_MIN   ? "minimum"
                                      : which == HOSTCAPS_CPU_FREQUENCY_MAX ? "maximum"
                                                                            : "base",
                                      cpu->freq[i].cpus);
        if (ret_khz)
                *ret_khz = v;
        return 0;
}
