/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cache section from a saved capabilities document: <host><cache> as
 * hostcaps or libvirt writes it,
 *
 *   <bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-5'>
 *
 * A document holds what libvirt's schema has room for: id, level, type,
 * size and CPUs. Line size and ways are unknown (0), and whether an id was
 * the kernel's or numbered by hostcaps is not said (the object is marked as
 * loaded, and JSON shows null there). libvirt 9 prints level 3 and up only:
 * a loaded libvirt document has those banks and no others. resctrl's
 * <control> and <monitor> children are the resctrl section's (src/resctrl/load.c). */
#include "cache.h"
#include "host/bitmap.h"
#include "host/error.h"
#include "host/xmlread.h"

static int parse_type(const hostcaps_doc_ctx *d, xmlNodePtr n, hostcaps_cache_type *ret) {
        int t, e = hostcaps_xml_prop_cache_type(d, n, &t);
        if (e >= 0)
                *ret = (hostcaps_cache_type)t;
        return e;
}

static int bank_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr n, hostcaps_cache_bank_data *b) {
        _cleanup_bitmap_ hostcaps_bitmap *cpus = NULL;
        int e;

        *b = (hostcaps_cache_bank_data){.has_id = true};
        if ((e = hostcaps_xml_prop_u32(d, n, "id", true, &b->id)) < 0 ||
            (e = hostcaps_xml_prop_u32(d, n, "level", true, &b->level)) < 0)
                return e;
        /* The probe's bound: a level is 1 to 15. */
        if (b->level < 1 || b->level > 15)
                return hostcaps_xml_error(d, n, "<bank> attribute 'level': %u is not a cache level",
                                          b->level);
        if ((e = parse_type(d, n, &b->type)) < 0)
                return e;
        /* libvirt always writes the unit; a bare number is bytes. */
        if ((e = hostcaps_xml_prop_size(d, n, "size", "unit", 1, true, &b->size)) < 0 ||
            (e = hostcaps_xml_prop_cpulist(d, n, "cpus", true, &cpus)) < 0)
                return e;
        if (hostcaps_bitmap_is_empty(cpus))
                return hostcaps_xml_error(d, n, "<bank> attribute 'cpus': no CPU");
        b->first_cpu = (unsigned)hostcaps_bitmap_next(cpus, 0);
        b->cpus = hostcaps_bitmap_format(cpus);
        return b->cpus ? 0 : -ENOMEM;
}

int hostcaps_cache_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr cache = hostcaps_xml_child(d->host, "cache");
        size_t allocated = 0;
        hostcaps_cache *c;
        hostcaps_object *o;
        int e = 0;

        if (!cache)
                return -ENODATA;
        if ((e = hostcaps_object_new(HOSTCAPS_SECTION_CACHE, &o)) < 0)
                return e;
        c = (hostcaps_cache *)o;
        c->loaded = true;
        /* Other children (resctrl's <monitor>, anything newer) are not banks. */
        XML_FOREACH_CHILD(b, cache, "bank") {
                if ((e = GROW(c->banks, allocated, c->n_banks + 1)) < 0)
                        break;
                if ((e = bank_from_xml(d, b, &c->banks[c->n_banks])) < 0) {
                        free(c->banks[c->n_banks].cpus);
                        break;
                }
                c->n_banks++;
        }
        if (e < 0) {
                hostcaps_object_unref(&c->obj);
                return e;
        }
        /* The object's order (level, id, type), which is the order hostcaps
         * writes and libvirt's (level, id). */
        hostcaps_cache_sort_banks(c);
        *ret = &c->obj;
        return 0;
}
