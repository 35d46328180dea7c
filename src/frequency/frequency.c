/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The frequency section: cpufreq policies (frequency domains), CPU
 * capacities, and the kinds of CPUs made of them. Its object, formatting
 * and accessors (the probe is in probe.c). libvirt's XML has no place for
 * any of it: the section writes no XML (the document stays valid against
 * libvirt's schema), and JSON and text carry it. */
#include "frequency.h"
#include "host/error.h"
#include "host/jsonout.h"

static int frequency_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_frequency *f = (const hostcaps_frequency *)o;
        struct json_object *j = json_object_new_object(), *a, *t;
        int e = 0;

        if (f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_DOMAINS)
                hostcaps_json_set_null(&e, j, "domains");
        else {
                a = json_object_new_array();
                for (size_t i = 0; i < f->n_domains; i++) {
                        const hostcaps_freq_domain *d = &f->domains[i];
                        t = json_object_new_object();
                        hostcaps_json_set_str(&e, t, "cpus", d->cpus);
                        hostcaps_json_set_u64(&e, t, "min_khz", d->min_khz, d->min_khz);
                        hostcaps_json_set_u64(&e, t, "max_khz", d->max_khz, d->max_khz);
                        hostcaps_json_set_u64(&e, t, "base_khz", d->base_khz, d->base_khz);
                        hostcaps_json_append(&e, a, t);
                }
                hostcaps_json_set(&e, j, "domains", a);
        }
        if (f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_CAPACITIES)
                hostcaps_json_set_null(&e, j, "capacities");
        else {
                a = json_object_new_array();
                for (size_t i = 0; i < f->n_capacities; i++) {
                        t = json_object_new_object();
                        hostcaps_json_set_str(&e, t, "cpus", f->capacities[i].cpus);
                        hostcaps_json_set(&e, t, "capacity",
                                          json_object_new_uint64(f->capacities[i].capacity));
                        hostcaps_json_append(&e, a, t);
                }
                hostcaps_json_set(&e, j, "capacities", a);
        }
        if (f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_KINDS)
                hostcaps_json_set_null(&e, j, "kinds");
        else {
                a = json_object_new_array();
                for (size_t i = 0; i < f->n_kinds; i++) {
                        const hostcaps_freq_kind *k = &f->kinds[i];
                        t = json_object_new_object();
                        hostcaps_json_set_str(&e, t, "name", k->name);
                        hostcaps_json_set_str(&e, t, "cpus", k->cpus);
                        hostcaps_json_set_str(&e, t, "source", k->source);
                        hostcaps_json_set_u64(&e, t, "capacity", k->capacity, k->capacity);
                        hostcaps_json_set_u64(&e, t, "max_frequency_khz", k->max_khz, k->max_khz);
                        hostcaps_json_append(&e, a, t);
                }
                hostcaps_json_set(&e, j, "kinds", a);
        }
        hostcaps_json_set(&e, root, "frequency", j);
        return e;
}

static void text_mhz(hostcaps_buf *b, const char *label, uint64_t khz) {
        if (khz)
                hostcaps_buf_printf(b, " %s %llu.%03llu MHz", label, (unsigned long long)(khz / 1000),
                                    (unsigned long long)(khz % 1000));
        else
                hostcaps_buf_printf(b, " %s unknown", label);
}

static int frequency_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_frequency *f = (const hostcaps_frequency *)o;
        if (f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_DOMAINS)
                hostcaps_buf_printf(b, "%-24s %s\n", "Frequencies:", "unknown");
        else if (f->n_domains == 0)
                hostcaps_buf_printf(b, "%-24s %s\n", "Frequencies:", "none (no cpufreq driver)");
        for (size_t i = 0; i < f->n_domains; i++) {
                const hostcaps_freq_domain *d = &f->domains[i];
                hostcaps_buf_printf(b, "%-24s", "Frequencies of CPUs");
                hostcaps_buf_printf(b, " %s:", d->cpus);
                text_mhz(b, "min", d->min_khz);
                text_mhz(b, "max", d->max_khz);
                if (d->base_khz)
                        text_mhz(b, "base", d->base_khz);
                hostcaps_buf_puts(b, "\n");
        }
        if (f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_CAPACITIES)
                hostcaps_buf_printf(b, "%-24s %s\n", "Capacities:", "unknown");
        for (size_t i = 0; i < f->n_capacities; i++)
                hostcaps_buf_printf(b, "%-24s %s: %llu\n", "Capacity of CPUs", f->capacities[i].cpus,
                                    (unsigned long long)f->capacities[i].capacity);
        if (f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_KINDS)
                hostcaps_buf_printf(b, "%-24s %s\n", "Kinds:", "unknown");
        else if (f->n_kinds)
                hostcaps_buf_printf(b, "%-24s %s\n", "Kinds from:", f->kinds[0].source);
        for (size_t i = 0; i < f->n_kinds; i++)
                hostcaps_buf_printf(b, "%-24s %s\n", f->kinds[i].name, f->kinds[i].cpus);
        return 0;
}

const hostcaps_section_ops hostcaps_frequency_ops = {
        .name = "frequency",
        .flag = HOSTCAPS_SECTION_FREQUENCY,
        .object_size = sizeof(hostcaps_frequency),
        .free_object = hostcaps_frequency_free_fields,
        .probe = hostcaps_frequency_probe,
        .stamp = hostcaps_frequency_stamp,
        .xml = NULL, /* libvirt's document has no place for it */
        .json = frequency_json,
        .text = frequency_text,
        .from_xml = hostcaps_frequency_from_xml,
};

HOSTCAPS_DEFINE_SECTION_API(frequency, HOSTCAPS_SECTION_FREQUENCY);

/* ---- kinds ---------------------------------------------------------------- */

HOSTCAPS_EXPORT size_t hostcaps_frequency_n_kinds(const hostcaps_frequency *f) {
        return f ? f->n_kinds : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_frequency_kind_name(const hostcaps_frequency *f, size_t i) {
        return f && i < f->n_kinds ? f->kinds[i].name : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_frequency_kind_cpus(const hostcaps_frequency *f, size_t i) {
        return f && i < f->n_kinds ? f->kinds[i].cpus : NULL;
}

HOSTCAPS_EXPORT int hostcaps_frequency_kind_cpuset(const hostcaps_frequency *f, size_t i,
                                                   hostcaps_cpuset **ret) {
        if (!f || i >= f->n_kinds)
                return hostcaps_error(EINVAL, "invalid argument: no kind %zu", i);
        return hostcaps_cpuset_of_accessor(f->kinds[i].cpus, "the kind's CPUs", ret);
}

HOSTCAPS_EXPORT const char *hostcaps_frequency_kind_source(const hostcaps_frequency *f, size_t i) {
        return f && i < f->n_kinds ? f->kinds[i].source : NULL;
}

HOSTCAPS_EXPORT uint64_t hostcaps_frequency_kind_capacity(const hostcaps_frequency *f, size_t i) {
        return f && i < f->n_kinds ? f->kinds[i].capacity : 0;
}

HOSTCAPS_EXPORT uint64_t hostcaps_frequency_kind_max_frequency(const hostcaps_frequency *f, size_t i) {
        return f && i < f->n_kinds ? f->kinds[i].max_khz : 0;
}

/* ---- capacities ----------------------------------------------------------- */

HOSTCAPS_EXPORT int hostcaps_frequency_capacity_of(const hostcaps_frequency *f, unsigned int cpu_id,
                                                   uint64_t *ret) {
        if (!f)
                return hostcaps_error(EINVAL, "invalid argument: frequency is NULL");
        if (f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_CAPACITIES)
                return hostcaps_error(ENODATA, "the CPU capacities are not known");
        if (f->n_capacities == 0)
                return hostcaps_error(ENODATA, "the kernel gives no CPU capacities");
        for (size_t i = 0; i < f->n_capacities; i++)
                if (hostcaps_bitmap_test(f->capacities[i].set, cpu_id)) {
                        if (ret)
                                *ret = f->capacities[i].capacity;
                        return 0;
                }
        return hostcaps_error(ENOENT, "CPU %u has no capacity (offline or no such CPU)", cpu_id);
}

/* ---- frequency domains ---------------------------------------------------- */

HOSTCAPS_EXPORT int hostcaps_frequency_known(const hostcaps_frequency *f) {
        if (!f)
                return hostcaps_error(EINVAL, "invalid argument: frequency is NULL");
        if (f->unknown & HOSTCAPS_FREQUENCY_UNKNOWN_DOMAINS)
                return hostcaps_error(ENODATA, "the CPU frequencies are not known");
        return 0;
}

HOSTCAPS_EXPORT size_t hostcaps_frequency_n_domains(const hostcaps_frequency *f) {
        return f ? f->n_domains : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_frequency_domain_cpus(const hostcaps_frequency *f, size_t i) {
        return f && i < f->n_domains ? f->domains[i].cpus : NULL;
}

HOSTCAPS_EXPORT int hostcaps_frequency_domain_cpuset(const hostcaps_frequency *f, size_t i,
                                                     hostcaps_cpuset **ret) {
        if (!f || i >= f->n_domains)
                return hostcaps_error(EINVAL, "invalid argument: no frequency domain %zu", i);
        return hostcaps_cpuset_of_accessor(f->domains[i].cpus, "the frequency domain's CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_frequency_domain_of(const hostcaps_frequency *f, unsigned int cpu_id) {
        if (!f)
                return hostcaps_error(EINVAL, "invalid argument: frequency is NULL");
        for (size_t i = 0; i < f->n_domains; i++)
                if (hostcaps_bitmap_test(f->domains[i].set, cpu_id))
                        return (int)i;
        return hostcaps_error(ENOENT, "CPU %u is in no frequency domain", cpu_id);
}

HOSTCAPS_EXPORT int hostcaps_frequency_domain_get(const hostcaps_frequency *f, size_t i,
                                                  hostcaps_frequency_which which, uint64_t *ret_khz) {
        uint64_t v;
        if (!f || i >= f->n_domains)
                return hostcaps_error(EINVAL, "invalid argument: no frequency domain %zu", i);
        switch (which) {
        case HOSTCAPS_FREQUENCY_MIN:
                v = f->domains[i].min_khz;
                break;
        case HOSTCAPS_FREQUENCY_MAX:
                v = f->domains[i].max_khz;
                break;
        case HOSTCAPS_FREQUENCY_BASE:
                v = f->domains[i].base_khz;
                break;
        default:
                return hostcaps_error(EINVAL, "invalid argument: unknown frequency %d", (int)which);
        }
        if (!v)
                return hostcaps_error(ENODATA, "%s frequency of CPUs %s: not known",
                                      which == HOSTCAPS_FREQUENCY_MIN   ? "minimum"
                                      : which == HOSTCAPS_FREQUENCY_MAX ? "maximum"
                                                                        : "base",
                                      f->domains[i].cpus);
        if (ret_khz)
                *ret_khz = v;
        return 0;
}
