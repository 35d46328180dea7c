/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NUMA section from a saved capabilities document: <host><topology><cells>
 * as hostcaps or libvirt writes it. */
#include "host/error.h"
#include "host/xmlread.h"
#include "numa.h"

/* <cpu id socket_id die_id cluster_id core_id siblings/>: libvirt writes
 * only the id when it knows no topology; cluster_id only since after 9.0. */
static int cpu_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr n, hostcaps_numa_cpu *p) {
        _cleanup_bitmap_ hostcaps_bitmap *sib = NULL;
        int e;
        if ((e = hostcaps_xml_prop_u32(d, n, "id", true, &p->id)) < 0)
                return e;
        p->core = p->id;
        if ((e = hostcaps_xml_prop_u32(d, n, "socket_id", false, &p->socket)) < 0 && e != -ENOENT)
                return e;
        if ((e = hostcaps_xml_prop_u32(d, n, "die_id", false, &p->die)) < 0 && e != -ENOENT)
                return e;
        if ((e = hostcaps_xml_prop_u32(d, n, "cluster_id", false, &p->cluster)) < 0 && e != -ENOENT)
                return e;
        if ((e = hostcaps_xml_prop_u32(d, n, "core_id", false, &p->core)) < 0 && e != -ENOENT)
                return e;
        e = hostcaps_xml_prop_cpulist(d, n, "siblings", false, &sib);
        if (e == -ENOENT) {
                if (!(sib = hostcaps_bitmap_new()) || hostcaps_bitmap_set(sib, p->id) < 0)
                        return -ENOMEM;
        } else if (e < 0)
                return e;
        p->siblings = hostcaps_bitmap_format(sib);
        return p->siblings ? 0 : -ENOMEM;
}

static int cmp_cpu(const void *a, const void *b) {
        unsigned x = ((const hostcaps_numa_cpu *)a)->id, y = ((const hostcaps_numa_cpu *)b)->id;
        return x < y ? -1 : x > y;
}

static int cell_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr n, hostcaps_numa *numa,
                         hostcaps_numa_cell *c) {
        xmlNodePtr m = hostcaps_xml_child(n, "memory"), cpus = hostcaps_xml_child(n, "cpus"),
                   dist = hostcaps_xml_child(n, "distances");
        size_t count = 0;
        uint64_t bytes;
        uint32_t num;
        int e;

        if (m) {
                if ((e = hostcaps_xml_prop_size(d, m, NULL, "unit", 1024, true, &bytes)) < 0)
                        return e;
                c->memory_kib = bytes / 1024;
                c->has_memory = true;
        }
        if (!(c->cpus = hostcaps_bitmap_new()) || !(c->offline = hostcaps_bitmap_new()))
                return -ENOMEM;
        XML_FOREACH_CHILD(p, cpus, "cpu")
        count++;
        if (cpus && (e = hostcaps_xml_prop_u32(d, cpus, "num", true, &num)) < 0)
                return e;
        if (cpus && num != count)
                return hostcaps_xml_error(d, cpus, "<cpus num='%u'> holds %zu <cpu>", num, count);
        if (!(c->cpu = calloc(count ? count : 1, sizeof(hostcaps_numa_cpu))))
                return -ENOMEM;
        XML_FOREACH_CHILD(p, cpus, "cpu") {
                hostcaps_numa_cpu *cpu = &c->cpu[c->n_cpu];
                if ((e = cpu_from_xml(d, p, cpu)) < 0)
                        return e;
                c->n_cpu++;
                if (hostcaps_bitmap_test(numa->online, cpu->id))
                        return hostcaps_xml_error(d, p, "<cpu id='%u'> again", cpu->id);
                if ((e = hostcaps_bitmap_set(c->cpus, cpu->id)) < 0 ||
                    (e = hostcaps_bitmap_set(numa->online, cpu->id)) < 0)
                        return e == -ERANGE ? hostcaps_xml_error(d, p, "<cpu id='%u'> out of range", cpu->id)
                                            : e;
        }
        if (c->n_cpu > 1) /* the array is NULL when empty, which qsort must not get */
                qsort(c->cpu, c->n_cpu, sizeof(*c->cpu), cmp_cpu);
        if ((e = hostcaps_numa_cell_caches_from_xml(d, n, c)) < 0)
                return e;
        if (!dist)
                return 0;
        if (!(c->distance = calloc(numa->n_cells, sizeof(unsigned))))
                return -ENOMEM;
        _cleanup_free_ bool *seen = calloc(numa->n_cells, sizeof(bool));
        if (!seen)
                return -ENOMEM;
        XML_FOREACH_CHILD(sib, dist, "sibling") {
                uint32_t id, value;
                int k;
                if ((e = hostcaps_xml_prop_u32(d, sib, "id", true, &id)) < 0 ||
                    (e = hostcaps_xml_prop_u32(d, sib, "value", true, &value)) < 0)
                        return e;
                k = hostcaps_numa_cell_index(numa, id);
                if (k < 0 || seen[k])
                        return hostcaps_xml_error(d, sib, "<sibling id='%u'>: %s", id,
                                                  k < 0 ? "no such cell" : "again");
                seen[k] = true;
                c->distance[k] = value;
        }
        for (size_t k = 0; k < numa->n_cells; k++)
                if (!seen[k])
                        return hostcaps_xml_error(d, dist, "<distances> of cell %u lack cell %u", c->id,
                                                  numa->cells[k].id);
        return 0;
}

/* From a saved document's <topology><cells>. It has no offline CPUs and no
 * process view: those are empty and not recorded. */
static int numa_from_xml_into(const hostcaps_doc_ctx *d, xmlNodePtr cells, hostcaps_numa *numa) {
        size_t n = 0;
        uint32_t num;
        int e;

        XML_FOREACH_CHILD(c, cells, "cell")
        n++;
        if ((e = hostcaps_xml_prop_u32(d, cells, "num", true, &num)) < 0)
                return e;
        if (n == 0 || num != n)
                return hostcaps_xml_error(d, cells, "<cells num='%u'> holds %zu <cell>", num, n);
        if (!(numa->cells = calloc(n, sizeof(hostcaps_numa_cell))) ||
            !(numa->online = hostcaps_bitmap_new()) || !(numa->offline = hostcaps_bitmap_new()))
                return -ENOMEM;
        /* Ids first: distances refer to cells further down. */
        XML_FOREACH_CHILD(c, cells, "cell") {
                uint32_t id;
                if ((e = hostcaps_xml_prop_u32(d, c, "id", true, &id)) < 0)
                        return e;
                /* Ascending, as libvirt writes them: lookups are binary searches. */
                if (numa->n_cells > 0 && id <= numa->cells[numa->n_cells - 1].id)
                        return hostcaps_xml_error(d, c, "<cell id='%u'> repeated or out of order", id);
                if (id >= HOSTCAPS_MAX_NODES)
                        return hostcaps_xml_error(d, c,
                                                  "<cell id='%u'> exceeds the kernel's limit of %u nodes", id,
                                                  HOSTCAPS_MAX_NODES);
                numa->cells[numa->n_cells++].id = id;
        }
        size_t k = 0;
        bool first = true, have_distance = false;
        XML_FOREACH_CHILD(c, cells, "cell") {
                hostcaps_numa_cell *cell = &numa->cells[k++];
                if ((e = cell_from_xml(d, c, numa, cell)) < 0)
                        return e;
                if (!first && have_distance != (cell->distance != NULL))
                        return hostcaps_xml_error(d, c, "<cell id='%u'>: <distances> in some cells only",
                                                  cell->id);
                have_distance = cell->distance != NULL;
                first = false;
        }
        if ((e = hostcaps_numa_interconnects_from_xml(d, cells->parent, numa)) < 0)
                return e;
        return hostcaps_numa_finish_lists(numa);
}

int hostcaps_numa_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr cells = hostcaps_xml_child(hostcaps_xml_child(d->host, "topology"), "cells");
        hostcaps_object *o = NULL;
        int e;
        if (!cells)
                return -ENODATA;
        e = hostcaps_object_new(HOSTCAPS_SECTION_NUMA, &o);
        if (e >= 0)
                e = numa_from_xml_into(d, cells, (hostcaps_numa *)o);
        return hostcaps_object_finish(o, e, ret);
}
