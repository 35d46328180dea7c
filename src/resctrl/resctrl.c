/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The resctrl section: object, formatting and accessors (the probe is in probe.c). */
#include <stdio.h>

#include "host/cachetype.h"
#include "host/error.h"
#include "host/export.h"
#include "host/units.h"
#include "resctrl.h"

void hostcaps_resctrl_free_fields(hostcaps_object *o) {
        hostcaps_resctrl *rc = (hostcaps_resctrl *)o;
        free(rc->ctls);
        free(rc->mb_throttle_mode);
        for (size_t i = 0; i < rc->n_mon_features; i++)
                free(rc->mon_features[i]);
        free(rc->mon_features);
}

static int resctrl_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        int e = hostcaps_object_new(HOSTCAPS_SECTION_RESCTRL, &o);
        if (e >= 0)
                e = hostcaps_resctrl_probe_info(ctx->reader, (hostcaps_resctrl *)o);
        return hostcaps_object_finish(o, e, ret);
}

/* What resctrl offers changes only with a mount: the info directory is
 * created at mount time (a new inode and change time on every mount, with
 * whatever options it had) and is missing while unmounted. */
static int resctrl_stamp(hostcaps_reader *r, uint64_t *stamp) {
        return hostcaps_stamp_add_stat(r, RESCTRL_DIR "/info", stamp);
}

static bool has_prefix(const char *s, const char *prefix) {
        return startswith(s, prefix) != NULL;
}

/* Monitoring features of one kind: "llc_" for cache, "mbm_" for memory
 * bandwidth, as libvirt sorts them (other names are in neither). */
static size_t n_features_with(const hostcaps_resctrl *rc, const char *prefix) {
        size_t n = 0;
        for (size_t i = 0; rc->has_mon && i < rc->n_mon_features; i++)
                n += has_prefix(rc->mon_features[i], prefix);
        return n;
}

/* libvirt's <control> of a cache bank: granularity = bank size / bits of
 * cbm_mask (rounded down), min = granularity * min_cbm_bits, written only
 * when min_cbm_bits is above 1 (otherwise it is 0 or the granularity), both
 * in the largest unit that divides them exactly. */
static void xml_control(hostcaps_xml *x, const hostcaps_resctrl_cache_ctl *c, uint64_t size) {
        uint64_t gran = size / c->cbm_bits;
        uint64_t min = c->min_cbm_bits > 1 ? gran * c->min_cbm_bits : 0;
        unsigned k = hostcaps_unit_exponent(gran);

        if (min && hostcaps_unit_exponent(min) < k)
                k = hostcaps_unit_exponent(min);
        gran >>= 10 * k;
        min >>= 10 * k;
        hostcaps_xml_start(x, "control");
        hostcaps_xml_attrf(x, "granularity", "%llu", (unsigned long long)gran);
        if (min)
                hostcaps_xml_attrf(x, "min", "%llu", (unsigned long long)min);
        hostcaps_xml_attr(x, "unit", hostcaps_unit_name(k));
        hostcaps_xml_attr(x, "type", hostcaps_cache_type_names[c->type]);
        hostcaps_xml_attrf(x, "maxAllocs", "%u", c->num_closids);
        hostcaps_xml_end(x);
}

/* libvirt gives every control of a level to each bank of that level,
 * whatever the bank's type. */
static void xml_bank_controls(hostcaps_xml *x, const hostcaps_object *o, unsigned int level, uint64_t size) {
        const hostcaps_resctrl *rc = (const hostcaps_resctrl *)o;
        for (size_t i = 0; i < rc->n_ctls; i++)
                if (rc->ctls[i].level == level)
                        xml_control(x, &rc->ctls[i], size);
}

static void xml_monitor(hostcaps_xml *x, const hostcaps_resctrl *rc, const char *prefix, bool cache) {
        if (n_features_with(rc, prefix) == 0)
                return;
        hostcaps_xml_start(x, "monitor");
        if (cache) {
                hostcaps_xml_attrf(x, "level", "%u", rc->mon_level);
                hostcaps_xml_attrf(x, "reuseThreshold", "%llu", (unsigned long long)rc->mon_reuse_threshold);
        }
        hostcaps_xml_attrf(x, "maxMonitors", "%u", rc->mon_rmids);
        for (size_t i = 0; i < rc->n_mon_features; i++) {
                if (!has_prefix(rc->mon_features[i], prefix))
                        continue;
                hostcaps_xml_start(x, "feature");
                hostcaps_xml_attr(x, "name", rc->mon_features[i]);
                hostcaps_xml_end(x);
        }
        hostcaps_xml_end(x);
}

static void xml_cache_monitors(hostcaps_xml *x, const hostcaps_object *o) {
        xml_monitor(x, (const hostcaps_resctrl *)o, "llc_", true);
}

/* <memory_bandwidth>: a <node> per memory bandwidth domain, which is a
 * last-level cache bank (id and CPUs of the bank, as libvirt writes them),
 * then the memory bandwidth monitor. Needs the cache section's banks. */
static void xml_memory_bandwidth(hostcaps_xml *x, const hostcaps_resctrl *rc) {
        unsigned id;
        const char *cpus;

        if (!rc->has_mb || !hostcaps_xml_cache_llc_bank(x, 0, &id, &cpus))
                return;
        hostcaps_xml_start(x, "memory_bandwidth");
        for (size_t i = 0; hostcaps_xml_cache_llc_bank(x, i, &id, &cpus); i++) {
                hostcaps_xml_start(x, "node");
                hostcaps_xml_attrf(x, "id", "%u", id);
                hostcaps_xml_attr(x, "cpus", cpus);
                hostcaps_xml_start(x, "control");
                hostcaps_xml_attrf(x, "granularity", "%u", rc->mb_gran);
                hostcaps_xml_attrf(x, "min", "%u", rc->mb_min);
                hostcaps_xml_attrf(x, "maxAllocs", "%u", rc->mb_closids);
                hostcaps_xml_end(x);
                hostcaps_xml_end(x);
        }
        xml_monitor(x, rc, "mbm_", false);
        hostcaps_xml_end(x);
}

static void resctrl_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_resctrl *rc = (const hostcaps_resctrl *)o;
        /* Controls and the cache monitor are written from the cache section's
         * <cache> through the hooks; an absent section writes nothing. */
        if (region == HOSTCAPS_XML_MEMORY_BANDWIDTH && !o->absent_reason)
                xml_memory_bandwidth(x, rc);
}

static struct json_object *json_features(const hostcaps_resctrl *rc, const char *prefix) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; a && i < rc->n_mon_features; i++)
                if (!prefix || has_prefix(rc->mon_features[i], prefix))
                        json_object_array_add(a, json_object_new_string(rc->mon_features[i]));
        return a;
}

static int resctrl_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_resctrl *rc = (const hostcaps_resctrl *)o;
        struct json_object *j = json_object_new_object(), *a, *t;
        char mask[24];

        if (!j)
                return -ENOMEM;
        if (o->absent_reason) {
                json_object_object_add(j, "absent", json_object_new_boolean(1));
                json_object_object_add(j, "reason", json_object_new_string(o->absent_reason));
                json_object_object_add(root, "resctrl", j);
                return 0;
        }
        a = json_object_new_array();
        for (size_t i = 0; a && i < rc->n_ctls; i++) {
                const hostcaps_resctrl_cache_ctl *c = &rc->ctls[i];
                if (!(t = json_object_new_object()))
                        break;
                snprintf(mask, sizeof(mask), "%llx", (unsigned long long)c->cbm_mask);
                json_object_object_add(t, "level", json_object_new_int64(c->level));
                json_object_object_add(t, "type", json_object_new_string(hostcaps_cache_type_names[c->type]));
                json_object_object_add(t, "cbm_mask", json_object_new_string(mask));
                json_object_object_add(t, "cbm_bits", json_object_new_int64(c->cbm_bits));
                json_object_object_add(t, "min_cbm_bits", json_object_new_int64(c->min_cbm_bits));
                json_object_object_add(t, "max_allocs", json_object_new_int64(c->num_closids));
                json_object_array_add(a, t);
        }
        json_object_object_add(j, "cache_allocation", a);
        t = NULL;
        if (rc->has_mb && (t = json_object_new_object())) {
                json_object_object_add(t, "granularity", json_object_new_int64(rc->mb_gran));
                json_object_object_add(t, "min", json_object_new_int64(rc->mb_min));
                json_object_object_add(t, "max_allocs", json_object_new_int64(rc->mb_closids));
                /* A document does not say whether the software controller is on. */
                json_object_object_add(t, "mbps", rc->loaded ? NULL : json_object_new_boolean(rc->mb_mbps));
                json_object_object_add(
                        t, "delay_linear",
                        rc->mb_delay_linear < 0 ? NULL : json_object_new_boolean(rc->mb_delay_linear));
                json_object_object_add(t, "throttle_mode",
                                       rc->mb_throttle_mode ? json_object_new_string(rc->mb_throttle_mode)
                                                            : NULL);
        }
        json_object_object_add(j, "memory_bandwidth", t);
        t = NULL;
        if (rc->has_mon && (t = json_object_new_object())) {
                json_object_object_add(t, "level", json_object_new_int64(rc->mon_level));
                json_object_object_add(t, "max_monitors", json_object_new_int64(rc->mon_rmids));
                json_object_object_add(t, "reuse_threshold_bytes",
                                       json_object_new_uint64(rc->mon_reuse_threshold));
                json_object_object_add(t, "features", json_features(rc, NULL));
                json_object_object_add(t, "cache_features", json_features(rc, "llc_"));
                json_object_object_add(t, "memory_bandwidth_features", json_features(rc, "mbm_"));
        }
        json_object_object_add(j, "monitoring", t);
        json_object_object_add(root, "resctrl", j);
        return 0;
}

static int resctrl_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_resctrl *rc = (const hostcaps_resctrl *)o;
        char label[40];

        if (o->absent_reason) {
                hostcaps_buf_printf(b, "%-24s absent (%s)\n", "Resctrl:", o->absent_reason);
                return 0;
        }
        if (!rc->n_ctls && !rc->has_mb && !rc->has_mon)
                hostcaps_buf_printf(b, "%-24s %s\n", "Resctrl:", "mounted, no resource");
        for (size_t i = 0; i < rc->n_ctls; i++) {
                const hostcaps_resctrl_cache_ctl *c = &rc->ctls[i];
                snprintf(label, sizeof(label), "L%u allocation (%s):", c->level,
                         hostcaps_cache_type_names[c->type]);
                hostcaps_buf_printf(b, "%-24s %u-bit mask %llx, min %u bits, %u allocations\n", label,
                                    c->cbm_bits, (unsigned long long)c->cbm_mask, c->min_cbm_bits,
                                    c->num_closids);
        }
        if (rc->has_mb)
                hostcaps_buf_printf(b, "%-24s granularity %u, min %u%s, %u allocations%s%s\n",
                                    "Memory bandwidth:", rc->mb_gran, rc->mb_min,
                                    rc->mb_mbps ? " (MBps mode)" : "", rc->mb_closids,
                                    rc->mb_throttle_mode ? ", throttle " : "",
                                    rc->mb_throttle_mode ? rc->mb_throttle_mode : "");
        if (rc->has_mon) {
                if (rc->mon_level)
                        snprintf(label, sizeof(label), "L%u monitoring:", rc->mon_level);
                else
                        snprintf(label, sizeof(label), "Monitoring:"); /* a loaded document may not say */
                hostcaps_buf_printf(b, "%-24s %u monitors, reuse threshold %llu bytes\n", label,
                                    rc->mon_rmids, (unsigned long long)rc->mon_reuse_threshold);
                hostcaps_buf_printf(b, "%-24s", "Monitoring features:");
                for (size_t i = 0; i < rc->n_mon_features; i++)
                        hostcaps_buf_printf(b, " %s", rc->mon_features[i]);
                hostcaps_buf_puts(b, "\n");
        }
        return 0;
}

/* Fleet exports: at the end of this file. */
static int resctrl_nfd(hostcaps_export *x, const hostcaps_object *o);
static int resctrl_prometheus(hostcaps_export *x, const hostcaps_object *o);

const hostcaps_section_ops hostcaps_resctrl_ops = {
        .name = "resctrl",
        .flag = HOSTCAPS_SECTION_RESCTRL,
        .object_size = sizeof(hostcaps_resctrl),
        .free_object = hostcaps_resctrl_free_fields,
        .probe = resctrl_probe,
        .stamp = resctrl_stamp,
        .xml = resctrl_xml,
        .json = resctrl_json,
        .text = resctrl_text,
        .xml_bank_controls = xml_bank_controls,
        .xml_cache_monitors = xml_cache_monitors,
        .from_xml = hostcaps_resctrl_from_xml,
        .nfd = resctrl_nfd,
        .prometheus = resctrl_prometheus,
};

/* ---- public accessors -------------------------------------------------- */

HOSTCAPS_DEFINE_SECTION_API(resctrl, HOSTCAPS_SECTION_RESCTRL);

HOSTCAPS_EXPORT size_t hostcaps_resctrl_n_cache_controls(const hostcaps_resctrl *resctrl) {
        return resctrl ? resctrl->n_ctls : 0;
}

static const hostcaps_resctrl_cache_ctl *ctl(const hostcaps_resctrl *resctrl, size_t i) {
        return resctrl && i < resctrl->n_ctls ? &resctrl->ctls[i] : NULL;
}

HOSTCAPS_EXPORT unsigned int hostcaps_resctrl_cache_control_level(const hostcaps_resctrl *resctrl, size_t i) {
        const hostcaps_resctrl_cache_ctl *c = ctl(resctrl, i);
        return c ? c->level : 0;
}

HOSTCAPS_EXPORT hostcaps_cache_type hostcaps_resctrl_cache_control_type(const hostcaps_resctrl *resctrl,
                                                                        size_t i) {
        const hostcaps_resctrl_cache_ctl *c = ctl(resctrl, i);
        return c ? c->type : HOSTCAPS_CACHE_UNIFIED;
}

HOSTCAPS_EXPORT uint64_t hostcaps_resctrl_cache_control_cbm_mask(const hostcaps_resctrl *resctrl, size_t i) {
        const hostcaps_resctrl_cache_ctl *c = ctl(resctrl, i);
        return c ? c->cbm_mask : 0;
}

HOSTCAPS_EXPORT unsigned int hostcaps_resctrl_cache_control_cbm_bits(const hostcaps_resctrl *resctrl,
                                                                     size_t i) {
        const hostcaps_resctrl_cache_ctl *c = ctl(resctrl, i);
        return c ? c->cbm_bits : 0;
}

HOSTCAPS_EXPORT unsigned int hostcaps_resctrl_cache_control_min_cbm_bits(const hostcaps_resctrl *resctrl,
                                                                         size_t i) {
        const hostcaps_resctrl_cache_ctl *c = ctl(resctrl, i);
        return c ? c->min_cbm_bits : 0;
}

HOSTCAPS_EXPORT unsigned int hostcaps_resctrl_cache_control_max_allocs(const hostcaps_resctrl *resctrl,
                                                                       size_t i) {
        const hostcaps_resctrl_cache_ctl *c = ctl(resctrl, i);
        return c ? c->num_closids : 0;
}

HOSTCAPS_EXPORT uint64_t hostcaps_resctrl_cache_control_granularity(const hostcaps_resctrl *resctrl, size_t i,
                                                                    uint64_t cache_size) {
        const hostcaps_resctrl_cache_ctl *c = ctl(resctrl, i);
        return c ? cache_size / c->cbm_bits : 0;
}

HOSTCAPS_EXPORT uint64_t hostcaps_resctrl_cache_control_min(const hostcaps_resctrl *resctrl, size_t i,
                                                            uint64_t cache_size) {
        const hostcaps_resctrl_cache_ctl *c = ctl(resctrl, i);
        return c ? cache_size / c->cbm_bits * c->min_cbm_bits : 0;
}

HOSTCAPS_EXPORT bool hostcaps_resctrl_memory_bandwidth(const hostcaps_resctrl *resctrl,
                                                       unsigned int *ret_granularity, unsigned int *ret_min,
                                                       unsigned int *ret_max_allocs) {
        if (!resctrl || !resctrl->has_mb)
                return false;
        if (ret_granularity)
                *ret_granularity = resctrl->mb_gran;
        if (ret_min)
                *ret_min = resctrl->mb_min;
        if (ret_max_allocs)
                *ret_max_allocs = resctrl->mb_closids;
        return true;
}

HOSTCAPS_EXPORT bool hostcaps_resctrl_memory_bandwidth_mbps(const hostcaps_resctrl *resctrl) {
        return resctrl && resctrl->has_mb && resctrl->mb_mbps;
}

HOSTCAPS_EXPORT int hostcaps_resctrl_memory_bandwidth_delay_linear(const hostcaps_resctrl *resctrl) {
        return resctrl && resctrl->has_mb ? resctrl->mb_delay_linear : -1;
}

HOSTCAPS_EXPORT const char *hostcaps_resctrl_memory_bandwidth_throttle_mode(const hostcaps_resctrl *resctrl) {
        return resctrl && resctrl->has_mb ? resctrl->mb_throttle_mode : NULL;
}

HOSTCAPS_EXPORT bool hostcaps_resctrl_monitor(const hostcaps_resctrl *resctrl, unsigned int *ret_level,
                                              unsigned int *ret_max_monitors, uint64_t *ret_reuse_threshold) {
        if (!resctrl || !resctrl->has_mon)
                return false;
        if (ret_level)
                *ret_level = resctrl->mon_level;
        if (ret_max_monitors)
                *ret_max_monitors = resctrl->mon_rmids;
        if (ret_reuse_threshold)
                *ret_reuse_threshold = resctrl->mon_reuse_threshold;
        return true;
}

HOSTCAPS_EXPORT size_t hostcaps_resctrl_n_monitor_features(const hostcaps_resctrl *resctrl) {
        return resctrl && resctrl->has_mon ? resctrl->n_mon_features : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_resctrl_monitor_feature(const hostcaps_resctrl *resctrl, size_t i) {
        return resctrl && resctrl->has_mon && i < resctrl->n_mon_features ? resctrl->mon_features[i] : NULL;
}

/* ---- fleet exports (docs/fleet.md) ------------------------------------ */

/* NFD: per cache level, allocation (CAT) and code/data prioritization
 * (CDP: the level's controls are CODE and DATA), with the number of
 * allocations (CLOSIDs); memory bandwidth allocation; monitoring and each
 * of its features. */
static int resctrl_nfd(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_resctrl *rc = (const hostcaps_resctrl *)o;
        char name[32];

        for (size_t i = 0; i < rc->n_ctls; i++) {
                const hostcaps_resctrl_cache_ctl *c = &rc->ctls[i];
                bool cdp = false;
                if (i > 0 && rc->ctls[i - 1].level == c->level)
                        continue; /* one set of labels per level, at its first control */
                for (size_t j = i; j < rc->n_ctls && rc->ctls[j].level == c->level; j++)
                        cdp |= rc->ctls[j].type != HOSTCAPS_CACHE_UNIFIED;
                snprintf(name, sizeof(name), "resctrl.l%u-cat", c->level);
                hostcaps_nfd_label(x, name, NULL, "true");
                snprintf(name, sizeof(name), "resctrl.l%u-cat.closids", c->level);
                hostcaps_nfd_labelf(x, name, NULL, "%u", c->num_closids);
                if (cdp) {
                        snprintf(name, sizeof(name), "resctrl.l%u-cdp", c->level);
                        hostcaps_nfd_label(x, name, NULL, "true");
                }
        }
        if (rc->has_mb) {
                hostcaps_nfd_label(x, "resctrl.mba", NULL, "true");
                hostcaps_nfd_labelf(x, "resctrl.mba.closids", NULL, "%u", rc->mb_closids);
                hostcaps_nfd_labelf(x, "resctrl.mba.granularity", NULL, "%u", rc->mb_gran);
                hostcaps_nfd_labelf(x, "resctrl.mba.min", NULL, "%u", rc->mb_min);
                if (!rc->loaded && rc->mb_mbps)
                        hostcaps_nfd_label(x, "resctrl.mba.mbps", NULL, "true");
        }
        if (rc->has_mon) {
                hostcaps_nfd_label(x, "resctrl.monitoring", NULL, "true");
                hostcaps_nfd_labelf(x, "resctrl.monitoring.rmids", NULL, "%u", rc->mon_rmids);
                for (size_t i = 0; i < rc->n_mon_features; i++)
                        hostcaps_nfd_label(x, "resctrl.monitoring.", rc->mon_features[i], "true");
        }
        return 0;
}

/* Prometheus: each cache allocation resource by level and type, memory
 * bandwidth allocation, monitoring (its features as 1-valued series). */
static int resctrl_prometheus(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_resctrl *rc = (const hostcaps_resctrl *)o;
        static const struct {
                const char *name, *help;
        } ctl[] = {
                {"hostcaps_resctrl_cache_closids",
                 "Cache allocations (CLOSIDs) of a resctrl cache resource."},
                {"hostcaps_resctrl_cache_mask_width",
                 "Width of a resctrl cache resource's capacity bitmask (cbm_mask), in bits."},
                {"hostcaps_resctrl_cache_min_mask_width",
                 "Fewest bits a capacity bitmask may set (min_cbm_bits)."},
        };

        for (size_t k = 0; rc->n_ctls && k < ELEMENTSOF(ctl); k++) {
                hostcaps_prom_family(x, ctl[k].name, ctl[k].help);
                for (size_t i = 0; i < rc->n_ctls; i++) {
                        const hostcaps_resctrl_cache_ctl *c = &rc->ctls[i];
                        unsigned v = k == 0 ? c->num_closids : k == 1 ? c->cbm_bits : c->min_cbm_bits;
                        hostcaps_prom_sample(x, ctl[k].name, v, "level=\"%u\",type=\"%s\"", c->level,
                                             hostcaps_cache_type_names[c->type]);
                }
        }
        if (rc->has_mb) {
                hostcaps_prom_family(x, "hostcaps_resctrl_memory_bandwidth_closids",
                                     "Memory bandwidth allocations (CLOSIDs).");
                hostcaps_prom_sample(x, "hostcaps_resctrl_memory_bandwidth_closids", rc->mb_closids, NULL);
                hostcaps_prom_family(x, "hostcaps_resctrl_memory_bandwidth_granularity_percent",
                                     "Step of a memory bandwidth allocation, in percent.");
                hostcaps_prom_sample(x, "hostcaps_resctrl_memory_bandwidth_granularity_percent", rc->mb_gran,
                                     NULL);
                hostcaps_prom_family(x, "hostcaps_resctrl_memory_bandwidth_min_percent",
                                     "Smallest memory bandwidth allocation, in percent.");
                hostcaps_prom_sample(x, "hostcaps_resctrl_memory_bandwidth_min_percent", rc->mb_min, NULL);
        }
        if (rc->has_mon) {
                hostcaps_prom_family(x, "hostcaps_resctrl_monitoring_rmids", "Monitoring IDs (RMIDs).");
                hostcaps_prom_sample(x, "hostcaps_resctrl_monitoring_rmids", rc->mon_rmids, NULL);
                hostcaps_prom_family(x, "hostcaps_resctrl_monitoring_reuse_threshold_bytes",
                                     "Cache occupancy below which a freed RMID is reused, in bytes.");
                hostcaps_prom_sample(x, "hostcaps_resctrl_monitoring_reuse_threshold_bytes",
                                     rc->mon_reuse_threshold, NULL);
                hostcaps_prom_family(x, "hostcaps_resctrl_monitoring_feature",
                                     "Monitoring events resctrl offers; the value is always 1.");
                for (size_t i = 0; i < rc->n_mon_features; i++)
                        hostcaps_prom_sample_label(x, "hostcaps_resctrl_monitoring_feature", 1, "feature",
                                                   rc->mon_features[i]);
        }
        return 0;
}
