/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NUMA section: object, formatting and accessors (the probe is in
 * probe.c, loading a saved document in load.c). */
#include <stdio.h>

#include "host/error.h"
#include "host/export.h"
#include "host/units.h"
#include "numa.h"

static void cell_done(hostcaps_numa_cell *c) {
        hostcaps_bitmap_free(c->cpus);
        free(c->cpus_list);
        for (size_t k = 0; k < c->n_cpu; k++)
                free((char *)c->cpu[k].siblings);
        free(c->cpu);
        hostcaps_bitmap_free(c->offline);
        free(c->offline_list);
        free(c->allowed_list);
        free(c->distance);
        hostcaps_numa_hmat_cell_done(c);
}

static void numa_free(hostcaps_object *o) {
        hostcaps_numa *numa = (hostcaps_numa *)o;
        for (size_t i = 0; i < numa->n_cells; i++)
                cell_done(&numa->cells[i]);
        free(numa->cells);
        hostcaps_bitmap_free(numa->online);
        hostcaps_bitmap_free(numa->offline);
        free(numa->online_list);
        free(numa->offline_list);
        hostcaps_bitmap_free(numa->allowed_cpus);
        hostcaps_bitmap_free(numa->allowed_nodes);
        free(numa->allowed_cpus_list);
        free(numa->allowed_nodes_list);
}

/* Formatted lists of a probed or loaded object. */
int hostcaps_numa_finish_lists(hostcaps_numa *numa) {
        numa->online_list = hostcaps_bitmap_format(numa->online);
        if (!numa->online_list)
                return -ENOMEM;
        if (numa->offline_known && !(numa->offline_list = hostcaps_bitmap_format(numa->offline)))
                return -ENOMEM;
        if (numa->allowed_cpus) {
                numa->allowed_cpus_list = hostcaps_bitmap_format(numa->allowed_cpus);
                numa->allowed_nodes_list = hostcaps_bitmap_format(numa->allowed_nodes);
                if (!numa->allowed_cpus_list || !numa->allowed_nodes_list)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < numa->n_cells; i++) {
                hostcaps_numa_cell *c = &numa->cells[i];
                _cleanup_bitmap_ hostcaps_bitmap *allowed = hostcaps_bitmap_dup(c->cpus);
                if (!allowed)
                        return -ENOMEM;
                if (numa->allowed_cpus)
                        hostcaps_bitmap_and(allowed, numa->allowed_cpus);
                c->n_allowed = hostcaps_bitmap_count(allowed);
                c->allowed_list = hostcaps_bitmap_format(allowed);
                c->cpus_list = hostcaps_bitmap_format(c->cpus);
                if (!c->allowed_list || !c->cpus_list)
                        return -ENOMEM;
                if (numa->offline_known && !(c->offline_list = hostcaps_bitmap_format(c->offline)))
                        return -ENOMEM;
        }
        return 0;
}

/* ---- output ----------------------------------------------------------- */

/* libvirt's <cpu>: id, socket_id, die_id, cluster_id (libvirt 9.1+, 0 where
 * the kernel has no clusters), core_id, siblings. */
static void xml_cpu(hostcaps_xml *x, const hostcaps_numa_cpu *p) {
        hostcaps_xml_start(x, "cpu");
        hostcaps_xml_attrf(x, "id", "%u", p->id);
        hostcaps_xml_attrf(x, "socket_id", "%u", p->socket);
        hostcaps_xml_attrf(x, "die_id", "%u", p->die);
        hostcaps_xml_attrf(x, "cluster_id", "%u", p->cluster);
        hostcaps_xml_attrf(x, "core_id", "%u", p->core);
        hostcaps_xml_attr(x, "siblings", p->siblings);
        hostcaps_xml_end(x);
}

/* The writer's failure is sticky and checked once per document: the calls
 * below need no checks of their own. */
static void xml_cell(hostcaps_xml *x, const hostcaps_numa *numa, const hostcaps_numa_cell *c) {
        /* libvirt's order: memory, pages, distances, (cache), cpus. */
        hostcaps_xml_start(x, "cell");
        hostcaps_xml_attrf(x, "id", "%u", c->id);
        if (c->has_memory) {
                hostcaps_xml_start(x, "memory");
                hostcaps_xml_attr(x, "unit", "KiB");
                hostcaps_xml_contentf(x, "%llu", (unsigned long long)c->memory_kib);
                hostcaps_xml_end(x);
        }
        hostcaps_xml_cell_pages(x, c->id);
        if (c->distance) {
                hostcaps_xml_start(x, "distances");
                for (size_t j = 0; j < numa->n_cells; j++) {
                        hostcaps_xml_start(x, "sibling");
                        hostcaps_xml_attrf(x, "id", "%u", numa->cells[j].id);
                        hostcaps_xml_attrf(x, "value", "%u", c->distance[j]);
                        hostcaps_xml_end(x);
                }
                hostcaps_xml_end(x);
        }
        hostcaps_numa_xml_cell_caches(x, c);
        hostcaps_xml_start(x, "cpus");
        hostcaps_xml_attrf(x, "num", "%zu", c->n_cpu);
        for (size_t k = 0; k < c->n_cpu; k++)
                xml_cpu(x, &c->cpu[k]);
        hostcaps_xml_end(x);
        hostcaps_xml_end(x);
}

static void numa_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_numa *numa = (const hostcaps_numa *)o;
        if (region != HOSTCAPS_XML_TOPOLOGY)
                return;
        hostcaps_xml_start(x, "topology");
        hostcaps_xml_start(x, "cells");
        hostcaps_xml_attrf(x, "num", "%zu", numa->n_cells);
        for (size_t i = 0; i < numa->n_cells; i++)
                xml_cell(x, numa, &numa->cells[i]);
        hostcaps_xml_end(x);
        hostcaps_numa_xml_interconnects(x, numa);
        hostcaps_xml_end(x);
}

static struct json_object *json_str(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

/* Distances as one array of values per cell, in the order of "cells" (the
 * ids are the cells'): a 1024-node matrix is a million numbers, and one
 * {id, value} object each made the document 1.2 GB. */
static struct json_object *json_distances(const hostcaps_numa *numa, const hostcaps_numa_cell *c) {
        struct json_object *d;
        if (!c->distance)
                return NULL;
        if (!(d = json_object_new_array()))
                return NULL;
        for (size_t k = 0; k < numa->n_cells; k++)
                json_object_array_add(d, json_object_new_int64(c->distance[k]));
        return d;
}

static struct json_object *json_cell(const hostcaps_numa *numa, const hostcaps_numa_cell *c) {
        struct json_object *j = json_object_new_object(), *a;
        if (!j)
                return NULL;
        json_object_object_add(j, "id", json_object_new_int64(c->id));
        json_object_object_add(j, "memory_kib", c->has_memory ? json_object_new_uint64(c->memory_kib) : NULL);
        json_object_object_add(j, "cpus", json_str(c->cpus_list));
        json_object_object_add(j, "offline_cpus", json_str(c->offline_list));
        json_object_object_add(
                j, "allowed",
                json_object_new_boolean(hostcaps_numa_cell_is_allowed(numa, (size_t)(c - numa->cells))));
        json_object_object_add(j, "allowed_cpus", json_str(c->allowed_list));
        json_object_object_add(j, "distances", json_distances(numa, c));
        a = json_object_new_array();
        for (size_t k = 0; k < c->n_cpu; k++) {
                const hostcaps_numa_cpu *p = &c->cpu[k];
                struct json_object *t = json_object_new_object();
                json_object_object_add(t, "id", json_object_new_int64(p->id));
                json_object_object_add(t, "socket_id", json_object_new_int64(p->socket));
                json_object_object_add(t, "die_id", json_object_new_int64(p->die));
                json_object_object_add(t, "cluster_id", json_object_new_int64(p->cluster));
                json_object_object_add(t, "core_id", json_object_new_int64(p->core));
                json_object_object_add(t, "siblings", json_str(p->siblings));
                json_object_array_add(a, t);
        }
        json_object_object_add(j, "cpu_ids", a);
        if (hostcaps_numa_json_cell_hmat(j, c) < 0) {
                json_object_put(j);
                return NULL;
        }
        return j;
}

static int numa_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_numa *numa = (const hostcaps_numa *)o;
        struct json_object *j = json_object_new_object(), *cells = json_object_new_array(), *p;
        if (!j || !cells) {
                json_object_put(j);
                json_object_put(cells);
                return -ENOMEM;
        }
        json_object_object_add(j, "synthetic", json_object_new_boolean(numa->synthetic));
        if (numa->synthetic)
                json_object_object_add(j, "note",
                                       json_object_new_string("the kernel has no NUMA support: one cell "
                                                              "stands for the whole host"));
        for (size_t i = 0; i < numa->n_cells; i++) {
                struct json_object *c = json_cell(numa, &numa->cells[i]);
                if (!c) {
                        json_object_put(j);
                        json_object_put(cells);
                        return -ENOMEM;
                }
                json_object_array_add(cells, c);
        }
        json_object_object_add(j, "cells", cells);
        json_object_object_add(j, "online_cpus", json_str(numa->online_list));
        json_object_object_add(j, "offline_cpus", json_str(numa->offline_list));
        if (numa->allowed_cpus) {
                p = json_object_new_object();
                json_object_object_add(p, "cpus_allowed", json_str(numa->allowed_cpus_list));
                json_object_object_add(p, "mems_allowed", json_str(numa->allowed_nodes_list));
                json_object_object_add(j, "process", p);
        } else
                json_object_object_add(j, "process", NULL);
        json_object_object_add(root, "numa", j);
        return 0;
}

static int numa_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_numa *numa = (const hostcaps_numa *)o;
        char mem[32];

        hostcaps_buf_printf(b, "%-24s %zu%s\n", "NUMA cells:", numa->n_cells,
                            numa->synthetic ? " (no NUMA in the kernel: one cell for the host)" : "");
        hostcaps_buf_printf(b, "  %5s  %-10s  %5s  %-20s %s\n", "cell", "memory", "cpus", "cpu list",
                            "allowed cpus");
        for (size_t i = 0; i < numa->n_cells; i++) {
                const hostcaps_numa_cell *c = &numa->cells[i];
                hostcaps_buf_printf(
                        b, "  %5u  %-10s  %5zu  %-20s %s\n", c->id,
                        c->has_memory ? hostcaps_unit_human_kib(mem, sizeof(mem), c->memory_kib) : "unknown",
                        c->n_cpu, c->n_cpu ? c->cpus_list : "-", c->n_allowed ? c->allowed_list : "-");
        }
        /* The distance matrix, rows "from", columns "to", as numactl -H. */
        if (numa->cells[0].distance) {
                hostcaps_buf_printf(b, "Node distances:\n  %5s:", "node");
                for (size_t j = 0; j < numa->n_cells; j++)
                        hostcaps_buf_printf(b, " %4u", numa->cells[j].id);
                hostcaps_buf_puts(b, "\n");
                for (size_t i = 0; i < numa->n_cells; i++) {
                        hostcaps_buf_printf(b, "  %5u:", numa->cells[i].id);
                        for (size_t j = 0; j < numa->n_cells; j++)
                                hostcaps_buf_printf(b, " %4u", numa->cells[i].distance[j]);
                        hostcaps_buf_puts(b, "\n");
                }
        }
        hostcaps_numa_text_hmat(b, numa);
        hostcaps_buf_printf(b, "%-24s %s\n", "Offline CPUs:",
                            !numa->offline_list   ? "not recorded"
                            : *numa->offline_list ? numa->offline_list
                                                  : "none");
        hostcaps_buf_printf(b, "%-24s %s\n", "Allowed CPUs:",
                            numa->allowed_cpus_list ? numa->allowed_cpus_list : "not recorded");
        hostcaps_buf_printf(b, "%-24s %s\n", "Allowed nodes:",
                            numa->allowed_nodes_list ? numa->allowed_nodes_list : "not recorded");
        return 0;
}

/* Fleet exports: at the end of this file. */
static int numa_nfd(hostcaps_export *x, const hostcaps_object *o);
static int numa_prometheus(hostcaps_export *x, const hostcaps_object *o);

const hostcaps_section_ops hostcaps_numa_ops = {
        .name = "numa",
        .flag = HOSTCAPS_SECTION_NUMA,
        .object_size = sizeof(hostcaps_numa),
        .free_object = numa_free,
        .probe = hostcaps_numa_probe,
        .stamp = hostcaps_numa_stamp,
        .xml = numa_xml,
        .json = numa_json,
        .text = numa_text,
        .from_xml = hostcaps_numa_from_xml,
        .nfd = numa_nfd,
        .prometheus = numa_prometheus,
};

/* ---- public accessors ------------------------------------------------- */

HOSTCAPS_DEFINE_SECTION_API(numa, HOSTCAPS_SECTION_NUMA);

HOSTCAPS_EXPORT bool hostcaps_numa_is_synthetic(const hostcaps_numa *numa) {
        return numa && numa->synthetic;
}

HOSTCAPS_EXPORT size_t hostcaps_numa_n_cells(const hostcaps_numa *numa) {
        return numa ? numa->n_cells : 0;
}

static const hostcaps_numa_cell *cell(const hostcaps_numa *numa, size_t i) {
        return numa && i < numa->n_cells ? &numa->cells[i] : NULL;
}

HOSTCAPS_EXPORT int hostcaps_numa_cell_id(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = cell(numa, i);
        return c ? (int)c->id : -EINVAL;
}

HOSTCAPS_EXPORT int hostcaps_numa_cell_index(const hostcaps_numa *numa, unsigned int id) {
        if (!numa)
                return -EINVAL;
        /* Cells are in ascending id order, probed or loaded. */
        return hostcaps_find_by_id(numa->cells, numa->n_cells, sizeof(*numa->cells),
                                   offsetof(hostcaps_numa_cell, id), id);
}

HOSTCAPS_EXPORT int hostcaps_numa_cell_memory(const hostcaps_numa *numa, size_t i, uint64_t *ret_kib) {
        const hostcaps_numa_cell *c = cell(numa, i);
        if (!c)
                return -EINVAL;
        if (!c->has_memory)
                return -ENODATA;
        if (ret_kib)
                *ret_kib = c->memory_kib;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_numa_distance(const hostcaps_numa *numa, size_t i, size_t j) {
        const hostcaps_numa_cell *c = cell(numa, i);
        if (!c || j >= numa->n_cells)
                return -EINVAL;
        if (!c->distance)
                return -ENODATA;
        return c->distance[j] > INT32_MAX ? INT32_MAX : (int)c->distance[j];
}

HOSTCAPS_EXPORT const char *hostcaps_numa_cell_cpus(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = cell(numa, i);
        return c ? c->cpus_list : NULL;
}

HOSTCAPS_EXPORT size_t hostcaps_numa_cell_n_cpus(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = cell(numa, i);
        return c ? c->n_cpu : 0;
}

HOSTCAPS_EXPORT const hostcaps_numa_cpu *hostcaps_numa_cell_cpu(const hostcaps_numa *numa, size_t i,
                                                                size_t k) {
        const hostcaps_numa_cell *c = cell(numa, i);
        return c && k < c->n_cpu ? &c->cpu[k] : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_numa_cell_offline_cpus(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = cell(numa, i);
        return c ? c->offline_list : NULL;
}

HOSTCAPS_EXPORT int hostcaps_numa_cell_of_cpu(const hostcaps_numa *numa, unsigned int cpu) {
        if (!numa)
                return -EINVAL;
        for (size_t i = 0; i < numa->n_cells; i++)
                if (hostcaps_bitmap_test(numa->cells[i].cpus, cpu))
                        return (int)i;
        return -ENOENT;
}

HOSTCAPS_EXPORT const char *hostcaps_numa_online_cpus(const hostcaps_numa *numa) {
        return numa ? numa->online_list : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_numa_offline_cpus(const hostcaps_numa *numa) {
        return numa ? numa->offline_list : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_numa_allowed_cpus(const hostcaps_numa *numa) {
        return numa ? numa->allowed_cpus_list : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_numa_allowed_nodes(const hostcaps_numa *numa) {
        return numa ? numa->allowed_nodes_list : NULL;
}

HOSTCAPS_EXPORT bool hostcaps_numa_cpu_is_allowed(const hostcaps_numa *numa, unsigned int cpu) {
        if (!numa || !hostcaps_bitmap_test(numa->online, cpu))
                return false;
        return !numa->allowed_cpus || hostcaps_bitmap_test(numa->allowed_cpus, cpu);
}

HOSTCAPS_EXPORT bool hostcaps_numa_cell_is_allowed(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = cell(numa, i);
        if (!c)
                return false;
        /* The synthetic cell stands for all memory: any allowed node will do. */
        if (numa->synthetic)
                return !numa->allowed_nodes || !hostcaps_bitmap_is_empty(numa->allowed_nodes);
        return !numa->allowed_nodes || hostcaps_bitmap_test(numa->allowed_nodes, c->id);
}

HOSTCAPS_EXPORT const char *hostcaps_numa_cell_allowed_cpus(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = cell(numa, i);
        return c ? c->allowed_list : NULL;
}

HOSTCAPS_EXPORT size_t hostcaps_numa_cell_n_allowed_cpus(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = cell(numa, i);
        return c ? c->n_allowed : 0;
}

/* ---- the CPU lists above, as sets ---- */

HOSTCAPS_EXPORT int hostcaps_numa_cell_cpuset(const hostcaps_numa *numa, size_t i, hostcaps_cpuset **ret) {
        const hostcaps_numa_cell *c = cell(numa, i);
        if (!c)
                return hostcaps_error(EINVAL, "invalid argument: no NUMA cell %zu", i);
        return hostcaps_cpuset_of_accessor(c->cpus_list, "the cell's CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_numa_cell_offline_cpuset(const hostcaps_numa *numa, size_t i,
                                                      hostcaps_cpuset **ret) {
        const hostcaps_numa_cell *c = cell(numa, i);
        if (!c)
                return hostcaps_error(EINVAL, "invalid argument: no NUMA cell %zu", i);
        return hostcaps_cpuset_of_accessor(c->offline_list, "the cell's offline CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_numa_cell_allowed_cpuset(const hostcaps_numa *numa, size_t i,
                                                      hostcaps_cpuset **ret) {
        const hostcaps_numa_cell *c = cell(numa, i);
        if (!c)
                return hostcaps_error(EINVAL, "invalid argument: no NUMA cell %zu", i);
        return hostcaps_cpuset_of_accessor(c->allowed_list, "the cell's allowed CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_numa_online_cpuset(const hostcaps_numa *numa, hostcaps_cpuset **ret) {
        if (!numa)
                return hostcaps_error(EINVAL, "invalid argument: numa is NULL");
        return hostcaps_cpuset_of_accessor(numa->online_list, "the online CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_numa_offline_cpuset(const hostcaps_numa *numa, hostcaps_cpuset **ret) {
        if (!numa)
                return hostcaps_error(EINVAL, "invalid argument: numa is NULL");
        return hostcaps_cpuset_of_accessor(numa->offline_list, "the offline CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_numa_allowed_cpuset(const hostcaps_numa *numa, hostcaps_cpuset **ret) {
        if (!numa)
                return hostcaps_error(EINVAL, "invalid argument: numa is NULL");
        return hostcaps_cpuset_of_accessor(numa->allowed_cpus_list, "this process's allowed CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_numa_allowed_nodeset(const hostcaps_numa *numa, hostcaps_cpuset **ret) {
        if (!numa)
                return hostcaps_error(EINVAL, "invalid argument: numa is NULL");
        return hostcaps_cpuset_of_accessor(numa->allowed_nodes_list, "this process's allowed nodes", ret);
}

/* ---- fleet exports (docs/fleet.md) ------------------------------------ */

/* A node with memory and no CPU at all, online or offline (CXL memory,
 * memory tiers). */
static bool cell_is_memory_only(const hostcaps_numa_cell *c) {
        return c->n_cpu == 0 && (!c->offline_list || !*c->offline_list) && c->has_memory && c->memory_kib > 0;
}

static int numa_nfd(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_numa *numa = (const hostcaps_numa *)o;
        size_t memory_only = 0;
        for (size_t i = 0; i < numa->n_cells; i++)
                memory_only += cell_is_memory_only(&numa->cells[i]);
        hostcaps_nfd_labelf(x, "numa.nodes", NULL, "%zu", numa->n_cells);
        hostcaps_nfd_labelf(x, "numa.memory-only-nodes", NULL, "%zu", memory_only);
        return 0;
}

/* Per node: its CPUs online and offline (offline ones only where the source
 * says: a loaded document does not), and the distance matrix. */
static int numa_prometheus(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_numa *numa = (const hostcaps_numa *)o;

        hostcaps_prom_family(x, "hostcaps_numa_nodes", "NUMA nodes online (1 where the kernel has no NUMA).");
        hostcaps_prom_sample(x, "hostcaps_numa_nodes", numa->n_cells, NULL);
        hostcaps_prom_family(x, "hostcaps_numa_node_memory_only",
                             "1 for a node with memory and no CPU (CXL memory, memory tiers), else 0.");
        for (size_t i = 0; i < numa->n_cells; i++)
                hostcaps_prom_sample(x, "hostcaps_numa_node_memory_only",
                                     cell_is_memory_only(&numa->cells[i]), "node=\"%u\"", numa->cells[i].id);
        hostcaps_prom_family(x, "hostcaps_numa_node_cpus", "Logical CPUs of a node, online or offline.");
        for (size_t i = 0; i < numa->n_cells; i++) {
                const hostcaps_numa_cell *c = &numa->cells[i];
                hostcaps_prom_sample(x, "hostcaps_numa_node_cpus", c->n_cpu, "node=\"%u\",state=\"online\"",
                                     c->id);
                if (numa->offline_known && c->offline)
                        hostcaps_prom_sample(x, "hostcaps_numa_node_cpus", hostcaps_bitmap_count(c->offline),
                                             "node=\"%u\",state=\"offline\"", c->id);
        }
        if (!numa->cells[0].distance)
                return 0;
        hostcaps_prom_family(
                x, "hostcaps_numa_node_distance",
                "Relative distance from a node to another, as the firmware (ACPI SLIT) gives it: "
                "10 is local.");
        for (size_t i = 0; i < numa->n_cells; i++)
                for (size_t j = 0; numa->cells[i].distance && j < numa->n_cells; j++)
                        hostcaps_prom_sample(x, "hostcaps_numa_node_distance", numa->cells[i].distance[j],
                                             "node=\"%u\",to=\"%u\"", numa->cells[i].id, numa->cells[j].id);
        return 0;
}
