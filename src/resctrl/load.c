/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The resctrl section from a saved capabilities document, where libvirt
 * (and hostcaps) spread it over other elements:
 *
 *   <cache>
 *     <bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'>
 *       <control granularity='768' min='1536' unit='KiB' type='both' maxAllocs='4'/>
 *     </bank>
 *     <monitor level='3' reuseThreshold='270336' maxMonitors='176'>
 *       <feature name='llc_occupancy'/>
 *     </monitor>
 *   </cache>
 *   <memory_bandwidth>
 *     <node id='0' cpus='0-5'>
 *       <control granularity='10' min='10' maxAllocs='4'/>
 *     </node>
 *     <monitor maxMonitors='176'>
 *       <feature name='mbm_total_bytes'/>
 *     </monitor>
 *   </memory_bandwidth>
 *
 * The object keeps cache allocation in capacity bits, as info/L3 states it;
 * the document has it in bytes of each bank (see xml_control() in
 * resctrl.c): granularity = size / bits rounded down, min = granularity *
 * min_cbm_bits, written only when min_cbm_bits is above 1. So bits =
 * size / granularity, accepted only where size / bits gives the
 * granularity back; min_cbm_bits = min / granularity, 1 without a min (the
 * document does not tell 0 from 1); cbm_mask = the low `bits` bits, as the
 * kernel's masks are. Every bank of a level carries the same controls, and
 * every memory bandwidth node the same control: a document where they
 * differ is refused, since re-emitting it would change it.
 *
 * What a document cannot tell: MBA's delay_linear (-1), thread throttle
 * mode (NULL) and software controller (false, JSON null); the monitored
 * level where only <memory_bandwidth> has a monitor (0); monitoring features
 * other than llc_* and mbm_* (libvirt prints no others). */
#include "host/bitmap.h"
#include "host/error.h"
#include "host/xmlread.h"
#include "resctrl.h"

static int parse_type(const hostcaps_doc_ctx *d, xmlNodePtr n, hostcaps_cache_type *ret) {
        int t, e = hostcaps_xml_prop_cache_type(d, n, &t);
        if (e >= 0)
                *ret = (hostcaps_cache_type)t;
        return e;
}

/* One <control> of a bank of `level` and `size` bytes, back to bits. */
static int control_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr n, unsigned level, uint64_t size,
                            hostcaps_resctrl_cache_ctl *c) {
        uint64_t gran, min, bits;
        int e;

        *c = (hostcaps_resctrl_cache_ctl){.level = level, .min_cbm_bits = 1};
        if ((e = hostcaps_xml_prop_size(d, n, "granularity", "unit", 1, true, &gran)) < 0 ||
            (e = parse_type(d, n, &c->type)) < 0 ||
            (e = hostcaps_xml_prop_u32(d, n, "maxAllocs", true, &c->num_closids)) < 0)
                return e;
        if (gran == 0)
                return hostcaps_xml_error(d, n, "<control> attribute 'granularity': 0");
        bits = size / gran;
        if (bits == 0 || size / bits != gran)
                return hostcaps_xml_error(
                        d, n,
                        "<control> granularity of %llu bytes does not divide the bank's %llu "
                        "bytes into whole capacity bits",
                        (unsigned long long)gran, (unsigned long long)size);
        if (bits > 64)
                return hostcaps_xml_error(d, n,
                                          "<control> granularity makes %llu capacity bits, more than 64",
                                          (unsigned long long)bits);
        c->cbm_bits = (unsigned)bits;
        c->cbm_mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
        e = hostcaps_xml_prop_size(d, n, "min", "unit", 1, false, &min);
        if (e == -ENOENT)
                return 0;
        if (e < 0)
                return e;
        if (min % gran != 0 || min / gran > bits)
                return hostcaps_xml_error(d, n,
                                          "<control> min of %llu bytes is not a whole number of at most %u "
                                          "granularities of %llu bytes",
                                          (unsigned long long)min, c->cbm_bits, (unsigned long long)gran);
        c->min_cbm_bits = (unsigned)(min / gran);
        return 0;
}

static bool same_ctl(const hostcaps_resctrl_cache_ctl *a, const hostcaps_resctrl_cache_ctl *b) {
        return a->level == b->level && a->type == b->type && a->cbm_bits == b->cbm_bits &&
               a->min_cbm_bits == b->min_cbm_bits && a->num_closids == b->num_closids;
}

static size_t n_ctls_of_level(const hostcaps_resctrl *rc, unsigned level) {
        size_t n = 0;
        for (size_t i = 0; i < rc->n_ctls; i++)
                n += rc->ctls[i].level == level;
        return n;
}

/* The controls of every bank: one per level and type, the same in every
 * bank of the level. */
static int controls_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr cache, hostcaps_resctrl *rc) {
        size_t allocated = 0;
        int e;

        XML_FOREACH_CHILD(b, cache, "bank") {
                unsigned types = 0;
                uint32_t level;
                uint64_t size;
                if (!hostcaps_xml_child(b, "control"))
                        continue;
                if ((e = hostcaps_xml_prop_u32(d, b, "level", true, &level)) < 0 ||
                    (e = hostcaps_xml_prop_size(d, b, "size", "unit", 1, true, &size)) < 0)
                        return e;
                XML_FOREACH_CHILD(n, b, "control") {
                        hostcaps_resctrl_cache_ctl c;
                        size_t k;
                        if ((e = control_from_xml(d, n, level, size, &c)) < 0)
                                return e;
                        if (types & (1u << c.type))
                                return hostcaps_xml_error(d, n, "<control type='%s'> again in one <bank>",
                                                          hostcaps_cache_type_to_string(c.type));
                        types |= 1u << c.type;
                        for (k = 0; k < rc->n_ctls; k++)
                                if (rc->ctls[k].level == c.level && rc->ctls[k].type == c.type)
                                        break;
                        if (k < rc->n_ctls) {
                                if (!same_ctl(&rc->ctls[k], &c))
                                        return hostcaps_xml_error(d, n,
                                                                  "<control type='%s'> differs from the one "
                                                                  "of another level %u bank",
                                                                  hostcaps_cache_type_to_string(c.type),
                                                                  level);
                                continue;
                        }
                        if (GROW(rc->ctls, allocated, rc->n_ctls + 1) < 0)
                                return -ENOMEM;
                        rc->ctls[rc->n_ctls++] = c;
                }
        }
        /* Each bank of a level with controls has them all (libvirt gives every
         * control of a level to each bank of that level). */
        XML_FOREACH_CHILD(b, cache, "bank") {
                size_t n = 0, want;
                uint32_t level;
                XML_FOREACH_CHILD(c, b, "control")
                n++;
                if ((e = hostcaps_xml_prop_u32(d, b, "level", true, &level)) < 0)
                        return e;
                want = n_ctls_of_level(rc, level);
                if (n != want)
                        return hostcaps_xml_error(d, b,
                                                  "<bank> has %zu <control>, other level %u banks have %zu",
                                                  n, level, want);
        }
        return 0;
}

/* A <monitor>: <cache>'s (cache == true: level, reuseThreshold, llc_*
 * features) or <memory_bandwidth>'s (mbm_* features). Both describe the one
 * monitoring resource, info/L3_MON: features are appended, and the number of
 * monitors must agree. */
static int monitor_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr m, bool cache, hostcaps_resctrl *rc,
                            size_t *allocated) {
        const char *prefix = cache ? "llc_" : "mbm_";
        uint32_t rmids;
        size_t n = 0;
        int e;

        if ((e = hostcaps_xml_prop_u32(d, m, "maxMonitors", true, &rmids)) < 0)
                return e;
        if (rc->has_mon && rmids != rc->mon_rmids)
                return hostcaps_xml_error(d, m,
                                          "<monitor maxMonitors='%u'> differs from the other monitor's %u",
                                          rmids, rc->mon_rmids);
        rc->mon_rmids = rmids;
        if (cache) {
                if ((e = hostcaps_xml_prop_u32(d, m, "level", true, &rc->mon_level)) < 0)
                        return e;
                if (rc->mon_level < 1 || rc->mon_level > 15)
                        return hostcaps_xml_error(
                                d, m, "<monitor> attribute 'level': %u is not a cache level", rc->mon_level);
                e = hostcaps_xml_prop_u64(d, m, "reuseThreshold", false, &rc->mon_reuse_threshold);
                if (e < 0 && e != -ENOENT)
                        return e;
        }
        XML_FOREACH_CHILD(f, m, "feature") {
                _cleanup_free_ char *name = NULL;
                if ((e = hostcaps_xml_prop_str(d, f, "name", true, &name)) < 0)
                        return e;
                /* libvirt sorts the kernel's features by these prefixes. */
                if (!startswith(name, prefix))
                        return hostcaps_xml_error(
                                d, f, "<feature name='%.64s'>: a %s monitor's features start with '%s'", name,
                                cache ? "cache" : "memory bandwidth", prefix);
                if (GROW(rc->mon_features, *allocated, rc->n_mon_features + 2) < 0)
                        return -ENOMEM;
                rc->mon_features[rc->n_mon_features++] = TAKE_PTR(name);
                rc->mon_features[rc->n_mon_features] = NULL;
                n++;
        }
        if (n == 0)
                return hostcaps_xml_error(d, m, "<monitor> lists no <feature>");
        rc->has_mon = true;
        return 0;
}

/* The last level of <cache>'s banks, whose banks are the memory bandwidth
 * domains; 0 without banks. */
static int last_bank_level(const hostcaps_doc_ctx *d, xmlNodePtr cache, unsigned *ret) {
        *ret = 0;
        XML_FOREACH_CHILD(b, cache, "bank") {
                uint32_t level;
                int e = hostcaps_xml_prop_u32(d, b, "level", true, &level);
                if (e < 0)
                        return e;
                if (level > *ret)
                        *ret = level;
        }
        return 0;
}

/* The next <bank> of `level` after `b` (the first one for b NULL). */
static int next_bank_of_level(const hostcaps_doc_ctx *d, xmlNodePtr cache, xmlNodePtr b, unsigned level,
                              xmlNodePtr *ret) {
        for (b = b ? hostcaps_xml_next(b, "bank") : hostcaps_xml_child(cache, "bank"); b;
             b = hostcaps_xml_next(b, "bank")) {
                uint32_t l;
                int e = hostcaps_xml_prop_u32(d, b, "level", true, &l);
                if (e < 0)
                        return e;
                if (l == level)
                        break;
        }
        *ret = b;
        return 0;
}

/* Whether a <node> is the bank: same id, same CPUs. */
static int node_is_bank(const hostcaps_doc_ctx *d, xmlNodePtr b, unsigned id, const hostcaps_bitmap *cpus) {
        _cleanup_bitmap_ hostcaps_bitmap *bc = NULL;
        uint32_t i;
        int e;
        if (!b)
                return 0;
        if ((e = hostcaps_xml_prop_u32(d, b, "id", true, &i)) < 0 ||
            (e = hostcaps_xml_prop_cpulist(d, b, "cpus", true, &bc)) < 0)
                return e;
        return i == id && hostcaps_bitmap_equal(bc, cpus);
}

/* <memory_bandwidth>: a node per last-level bank, in the banks' order (id
 * and CPUs are the bank's, written from the cache section again), each with
 * the same control; then the monitor. */
static int memory_bandwidth_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr mb, xmlNodePtr cache,
                                     hostcaps_resctrl *rc, size_t *allocated) {
        xmlNodePtr m = NULL, bank = NULL;
        unsigned llc;
        int e;

        if ((e = last_bank_level(d, cache, &llc)) < 0)
                return e;
        XML_FOREACH_CHILD(node, mb, "node") {
                _cleanup_bitmap_ hostcaps_bitmap *cpus = NULL;
                xmlNodePtr c = hostcaps_xml_child(node, "control");
                uint32_t id, gran, min = 0, closids;
                if ((e = hostcaps_xml_prop_u32(d, node, "id", true, &id)) < 0 ||
                    (e = hostcaps_xml_prop_cpulist(d, node, "cpus", true, &cpus)) < 0)
                        return e;
                if (!c)
                        return hostcaps_xml_error(d, node, "<node> has no <control>");
                if ((e = hostcaps_xml_prop_u32(d, c, "granularity", true, &gran)) < 0 ||
                    (e = hostcaps_xml_prop_u32(d, c, "maxAllocs", true, &closids)) < 0)
                        return e;
                /* libvirt leaves out a min of 0. */
                if ((e = hostcaps_xml_prop_u32(d, c, "min", false, &min)) < 0 && e != -ENOENT)
                        return e;
                if (gran == 0)
                        return hostcaps_xml_error(d, c, "<control> attribute 'granularity': 0");
                if (rc->has_mb && (gran != rc->mb_gran || min != rc->mb_min || closids != rc->mb_closids))
                        return hostcaps_xml_error(d, c, "<control> differs from the first <node>'s");
                if ((e = next_bank_of_level(d, cache, bank, llc, &bank)) < 0 ||
                    (e = node_is_bank(d, bank, id, cpus)) < 0)
                        return e;
                if (e == 0)
                        return hostcaps_xml_error(
                                d, node,
                                "<node id='%u'> is not the next last-level <bank> of <cache> "
                                "(memory bandwidth domains are the last-level caches)",
                                id);
                rc->has_mb = true;
                rc->mb_gran = gran;
                rc->mb_min = min;
                rc->mb_closids = closids;
        }
        if (rc->has_mb) {
                if ((e = next_bank_of_level(d, cache, bank, llc, &bank)) < 0)
                        return e;
                if (bank)
                        return hostcaps_xml_error(d, bank,
                                                  "last-level <bank> without its <memory_bandwidth> <node>");
        }
        XML_FOREACH_CHILD(c, mb, "monitor") {
                if (m)
                        return hostcaps_xml_error(d, c, "a second <monitor> in <memory_bandwidth>");
                m = c;
        }
        return m ? monitor_from_xml(d, m, false, rc, allocated) : 0;
}

static int cmp_ctls(const void *a, const void *b) {
        const hostcaps_resctrl_cache_ctl *x = a, *y = b;
        if (x->level != y->level)
                return x->level < y->level ? -1 : 1;
        return (int)x->type - (int)y->type; /* both, code, data */
}

static int load(const hostcaps_doc_ctx *d, xmlNodePtr cache, xmlNodePtr mb, hostcaps_resctrl *rc) {
        size_t allocated = 0;
        xmlNodePtr m = NULL;
        int e;

        if (cache && (e = controls_from_xml(d, cache, rc)) < 0)
                return e;
        XML_FOREACH_CHILD(c, cache, "monitor") {
                if (m)
                        return hostcaps_xml_error(d, c, "a second <monitor> in <cache>");
                m = c;
        }
        /* The cache monitor first: its llc_* features come first in the kernel's list too. */
        if (m && (e = monitor_from_xml(d, m, true, rc, &allocated)) < 0)
                return e;
        if (mb && (e = memory_bandwidth_from_xml(d, mb, cache, rc, &allocated)) < 0)
                return e;
        if (rc->n_ctls > 1)
                qsort(rc->ctls, rc->n_ctls, sizeof(*rc->ctls), cmp_ctls);
        return 0;
}

static bool has_controls(xmlNodePtr cache) {
        XML_FOREACH_CHILD(b, cache, "bank")
        if (hostcaps_xml_child(b, "control"))
                return true;
        return false;
}

int hostcaps_resctrl_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr cache = hostcaps_xml_child(d->host, "cache"),
                   mb = hostcaps_xml_child(d->host, "memory_bandwidth");
        hostcaps_resctrl *rc;
        hostcaps_object *o;
        int e;

        /* A host without resctrl, or a document written without the section. */
        if (!mb && !hostcaps_xml_child(cache, "monitor") && !has_controls(cache))
                return -ENODATA;
        if ((e = hostcaps_object_new(HOSTCAPS_SECTION_RESCTRL, &o)) < 0)
                return e;
        rc = (hostcaps_resctrl *)o;
        rc->loaded = true;
        rc->mb_delay_linear = -1;
        if ((e = load(d, cache, mb, rc)) < 0) {
                hostcaps_object_unref(&rc->obj);
                return e;
        }
        *ret = &rc->obj;
        return 0;
}
