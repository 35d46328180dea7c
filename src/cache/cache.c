/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cache section: object, formatting and accessors (the probe is in probe.c). */
#include <stdio.h>

#include "cache.h"
#include "host/cachetype.h"
#include "host/error.h"
#include "host/export.h"
#include "host/units.h"

void hostcaps_cache_free_fields(hostcaps_object *o) {
        hostcaps_cache *c = (hostcaps_cache *)o;
        for (size_t i = 0; i < c->n_banks; i++)
                free(c->banks[i].cpus);
        free(c->banks);
}

static int cache_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        int e = hostcaps_object_new(HOSTCAPS_SECTION_CACHE, &o);
        if (e >= 0)
                e = hostcaps_cache_probe_banks(ctx->reader, (hostcaps_cache *)o);
        return hostcaps_object_finish(o, e, ret);
}

/* Banks change when CPUs go on- or offline (their lists, and banks whose
 * CPUs are all offline); nothing else about them changes while the host runs. */
static int cache_stamp(hostcaps_reader *r, uint64_t *stamp) {
        return hostcaps_stamp_add_file(r, "sys/devices/system/cpu/online", stamp);
}

/* The level whose banks are memory bandwidth domains: the last one. */
static unsigned last_level(const hostcaps_cache *c) {
        return c->n_banks ? c->banks[c->n_banks - 1].level : 0;
}

/* The writer's failure is sticky and checked once per document
 * (document.c): its calls are not checked one by one. */
static void xml_bank(hostcaps_xml *x, const hostcaps_cache_bank_data *b) {
        const char *unit;
        uint64_t size = hostcaps_unit_exact(b->size, &unit);
        hostcaps_xml_start(x, "bank");
        hostcaps_xml_attrf(x, "id", "%u", b->id);
        hostcaps_xml_attrf(x, "level", "%u", b->level);
        hostcaps_xml_attr(x, "type", hostcaps_cache_type_names[b->type]);
        hostcaps_xml_attrf(x, "size", "%llu", (unsigned long long)size);
        hostcaps_xml_attr(x, "unit", unit);
        hostcaps_xml_attr(x, "cpus", b->cpus);
        /* resctrl's <control> children, when that section was requested. */
        hostcaps_xml_bank_controls(x, b->level, b->size);
        hostcaps_xml_end(x);
}

/* libvirt's <cache>: a <bank> per bank (libvirt 9 prints level 3 and up,
 * later versions level 2 too; all levels validate against its schema), then
 * resctrl's <monitor>. The schema wants at least one bank: a host without
 * cache information gets no <cache> at all. */
static void cache_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_cache *c = (const hostcaps_cache *)o;
        if (region != HOSTCAPS_XML_CACHE || c->n_banks == 0)
                return;
        hostcaps_xml_start(x, "cache");
        for (size_t i = 0; i < c->n_banks; i++)
                xml_bank(x, &c->banks[i]);
        hostcaps_xml_cache_monitors(x);
        hostcaps_xml_end(x);
}

static bool cache_llc_bank(const hostcaps_object *o, size_t i, unsigned int *ret_id, const char **ret_cpus) {
        const hostcaps_cache *c = (const hostcaps_cache *)o;
        unsigned level = last_level(c);
        for (size_t j = 0; j < c->n_banks; j++) {
                if (c->banks[j].level != level || i-- > 0)
                        continue;
                *ret_id = c->banks[j].id;
                *ret_cpus = c->banks[j].cpus;
                return true;
        }
        return false;
}

static int cache_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_cache *c = (const hostcaps_cache *)o;
        struct json_object *j = json_object_new_object(), *a = json_object_new_array();
        if (!j || !a) {
                json_object_put(j);
                json_object_put(a);
                return -ENOMEM;
        }
        for (size_t i = 0; i < c->n_banks; i++) {
                const hostcaps_cache_bank_data *b = &c->banks[i];
                struct json_object *t = json_object_new_object();
                if (!t) {
                        json_object_put(a);
                        json_object_put(j);
                        return -ENOMEM;
                }
                json_object_object_add(t, "id", json_object_new_int64(b->id));
                /* A loaded document does not say whether an id was derived. */
                json_object_object_add(t, "id_derived",
                                       c->loaded ? NULL : json_object_new_boolean(!b->has_id));
                json_object_object_add(t, "level", json_object_new_int64(b->level));
                json_object_object_add(t, "type", json_object_new_string(hostcaps_cache_type_names[b->type]));
                json_object_object_add(t, "size_bytes", b->size ? json_object_new_uint64(b->size) : NULL);
                json_object_object_add(t, "line_size",
                                       b->line_size ? json_object_new_int64(b->line_size) : NULL);
                json_object_object_add(t, "ways", b->ways ? json_object_new_int64(b->ways) : NULL);
                json_object_object_add(t, "cpus", json_object_new_string(b->cpus));
                json_object_array_add(a, t);
        }
        json_object_object_add(j, "banks", a);
        json_object_object_add(root, "cache", j);
        return 0;
}

/* "48 KiB", "1 MiB", "1536 KiB" */
static void format_size(char *buf, size_t n, uint64_t v) {
        const char *unit;
        uint64_t s = hostcaps_unit_exact(v, &unit);
        if (strcmp(unit, "B") == 0 && v >= 1024) {
                s = v / 1024; /* not a whole number of KiB: round down, as lscpu does */
                unit = "KiB";
        }
        snprintf(buf, n, "%llu %s", (unsigned long long)s, unit);
}

/* A table like `lscpu -C`: one line per level and type, then the banks of
 * the last level with their CPUs. */
static int cache_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_cache *c = (const hostcaps_cache *)o;
        const char *const *kernel_types = hostcaps_cache_type_kernel_names;
        const char *const *suffix = hostcaps_cache_type_suffixes;
        unsigned level = last_level(c);

        if (c->n_banks == 0) {
                hostcaps_buf_printf(b, "%-24s %s\n", "Caches:", "none reported");
                return 0;
        }
        hostcaps_buf_printf(b, "Caches:\n  %-5s %-10s %-10s %-5s %-12s %-6s %-5s %s\n", "NAME", "ONE-SIZE",
                            "ALL-SIZE", "WAYS", "TYPE", "LEVEL", "LINE", "BANKS");
        /* Banks are sorted by level then id: gather each level and type. */
        for (unsigned lv = 1; lv <= level; lv++)
                for (int t = 2; t >= 0; t--) {
                        hostcaps_cache_type type = t == 2   ? HOSTCAPS_CACHE_DATA
                                                   : t == 1 ? HOSTCAPS_CACHE_INSTRUCTION
                                                            : HOSTCAPS_CACHE_UNIFIED;
                        uint64_t one = 0, all = 0;
                        unsigned n = 0, ways = 0, line = 0;
                        bool mixed = false;
                        for (size_t i = 0; i < c->n_banks; i++) {
                                const hostcaps_cache_bank_data *k = &c->banks[i];
                                if (k->level != lv || k->type != type)
                                        continue;
                                mixed |= n > 0 && k->size != one;
                                if (n++ == 0) {
                                        one = k->size;
                                        ways = k->ways;
                                        line = k->line_size;
                                }
                                all += k->size;
                        }
                        if (n == 0)
                                continue;
                        char name[16], s1[32], s2[32], w[16], l[16];
                        snprintf(name, sizeof(name), "L%u%s", lv, suffix[type]);
                        format_size(s1, sizeof(s1), one);
                        if (mixed)
                                snprintf(s1, sizeof(s1), "mixed");
                        format_size(s2, sizeof(s2), all);
                        snprintf(w, sizeof(w), "%u", ways);
                        snprintf(l, sizeof(l), "%u", line);
                        hostcaps_buf_printf(b, "  %-5s %-10s %-10s %-5s %-12s %-6u %-5s %u\n", name, s1, s2,
                                            ways ? w : "-", kernel_types[type], lv, line ? l : "-", n);
                }
        for (size_t i = 0; i < c->n_banks; i++) {
                const hostcaps_cache_bank_data *k = &c->banks[i];
                char label[48], size[32];
                if (k->level != level)
                        continue;
                snprintf(label, sizeof(label), "L%u%s bank %u:", k->level, suffix[k->type], k->id);
                format_size(size, sizeof(size), k->size);
                hostcaps_buf_printf(b, "%-24s %s, CPUs %s\n", label, size, k->cpus);
        }
        return 0;
}

/* Fleet exports: at the end of this file. */
static int cache_nfd(hostcaps_export *x, const hostcaps_object *o);
static int cache_prometheus(hostcaps_export *x, const hostcaps_object *o);

const hostcaps_section_ops hostcaps_cache_ops = {
        .name = "cache",
        .flag = HOSTCAPS_SECTION_CACHE,
        .object_size = sizeof(hostcaps_cache),
        .free_object = hostcaps_cache_free_fields,
        .probe = cache_probe,
        .stamp = cache_stamp,
        .xml = cache_xml,
        .json = cache_json,
        .text = cache_text,
        .llc_bank = cache_llc_bank,
        .from_xml = hostcaps_cache_from_xml,
        .nfd = cache_nfd,
        .prometheus = cache_prometheus,
};

/* ---- public accessors -------------------------------------------------- */

HOSTCAPS_DEFINE_SECTION_API(cache, HOSTCAPS_SECTION_CACHE);

HOSTCAPS_EXPORT size_t hostcaps_cache_n_banks(const hostcaps_cache *cache) {
        return cache ? cache->n_banks : 0;
}

static const hostcaps_cache_bank_data *bank(const hostcaps_cache *cache, size_t i) {
        return cache && i < cache->n_banks ? &cache->banks[i] : NULL;
}

HOSTCAPS_EXPORT unsigned int hostcaps_cache_bank_id(const hostcaps_cache *cache, size_t i) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        return b ? b->id : 0;
}

HOSTCAPS_EXPORT bool hostcaps_cache_bank_id_derived(const hostcaps_cache *cache, size_t i) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        return b && !b->has_id;
}

HOSTCAPS_EXPORT unsigned int hostcaps_cache_bank_level(const hostcaps_cache *cache, size_t i) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        return b ? b->level : 0;
}

HOSTCAPS_EXPORT hostcaps_cache_type hostcaps_cache_bank_type(const hostcaps_cache *cache, size_t i) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        return b ? b->type : HOSTCAPS_CACHE_UNIFIED;
}

HOSTCAPS_EXPORT uint64_t hostcaps_cache_bank_size(const hostcaps_cache *cache, size_t i) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        return b ? b->size : 0;
}

HOSTCAPS_EXPORT unsigned int hostcaps_cache_bank_line_size(const hostcaps_cache *cache, size_t i) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        return b ? b->line_size : 0;
}

HOSTCAPS_EXPORT unsigned int hostcaps_cache_bank_ways(const hostcaps_cache *cache, size_t i) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        return b ? b->ways : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_cache_bank_cpus(const hostcaps_cache *cache, size_t i) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        return b ? b->cpus : NULL;
}

HOSTCAPS_EXPORT int hostcaps_cache_bank_cpuset(const hostcaps_cache *cache, size_t i, hostcaps_cpuset **ret) {
        const hostcaps_cache_bank_data *b = bank(cache, i);
        if (!b)
                return hostcaps_error(EINVAL, "invalid argument: no cache bank %zu", i);
        return hostcaps_cpuset_of_accessor(b->cpus, "the bank's CPUs", ret);
}

/* ---- fleet exports (docs/fleet.md) ------------------------------------ */

/* NFD: the last level, its number of banks and, when every bank of it has
 * the same known size, that size in bytes (banks of mixed sizes have no
 * one value to select on: the size is left out). */
static int cache_nfd(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_cache *c = (const hostcaps_cache *)o;
        unsigned level = last_level(c);
        uint64_t size = 0;
        size_t n = 0;
        bool uniform = true;

        if (c->n_banks == 0)
                return 0;
        for (size_t i = 0; i < c->n_banks; i++) {
                if (c->banks[i].level != level)
                        continue;
                uniform &= c->banks[i].size != 0 && (n == 0 || c->banks[i].size == size);
                size = c->banks[i].size;
                n++;
        }
        hostcaps_nfd_labelf(x, "cache.llc.level", NULL, "%u", level);
        hostcaps_nfd_labelf(x, "cache.llc.banks", NULL, "%zu", n);
        if (uniform)
                hostcaps_nfd_labelf(x, "cache.llc.bank-bytes", NULL, "%llu", (unsigned long long)size);
        return 0;
}

/* Prometheus: the size of every bank whose size is known. Banks are sorted
 * by level, id and type: a bank equal in those to the one before it (ids
 * derived twice alike) would repeat a series and is left out. */
static int cache_prometheus(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_cache *c = (const hostcaps_cache *)o;
        const char *name = "hostcaps_cache_bank_size_bytes";

        hostcaps_prom_family(x, name, "Size of a cache bank, in bytes, by level, type and bank id.");
        for (size_t i = 0; i < c->n_banks; i++) {
                const hostcaps_cache_bank_data *b = &c->banks[i], *p = i ? &c->banks[i - 1] : NULL;
                if (!b->size || (p && p->level == b->level && p->id == b->id && p->type == b->type))
                        continue;
                hostcaps_prom_sample(x, name, b->size, "level=\"%u\",type=\"%s\",id=\"%u\"", b->level,
                                     hostcaps_cache_type_names[b->type], b->id);
        }
        return 0;
}
