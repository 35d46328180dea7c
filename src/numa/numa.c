/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NUMA section: cells, their memory, distances and CPUs with their ids,
 * offline CPUs, and this process's allowed CPUs and nodes. */
#include <linux/mempolicy.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

#include "host/cputopo.h"
#include "host/error.h"
#include "host/parse.h"
#include "host/xmlread.h"
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

/* ---- the process view ------------------------------------------------- */

/* The value of a "Key:\tvalue" line of proc/self/status, cut out in place;
 * NULL when the file has no such line. */
static char *status_value(char *s, const char *key) {
        size_t kl = strlen(key);
        for (char *line = s; line && *line;) {
                char *next = strchr(line, '\n');
                if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
                        if (next)
                                *next = '\0';
                        return hostcaps_strstrip(line + kl + 1);
                }
                line = next ? next + 1 : NULL;
        }
        return NULL;
}

/* Cpus_allowed_list and Mems_allowed_list (both since 2.6.26), of the
 * process's main thread; through the reader, so that a recorded root gives
 * its recorded copy. Neither line, no file, or no permission: not known (NULL). */
static int read_process_view(hostcaps_reader *r, hostcaps_bitmap **ret_cpus, hostcaps_bitmap **ret_mems) {
        _cleanup_free_ char *s = NULL, *s2 = NULL;
        char *cpus, *mems;
        int e = hostcaps_read_file(r, "proc/self/status", &s, NULL);
        /* Unreadable (a hardened /proc, a sandbox): the host's cells are
         * still right; only the process view is unknown. */
        if (e == -ENOENT || e == -ENOTDIR || e == -EACCES || e == -EPERM) {
                hostcaps_error_reset();
                return 0;
        }
        if (e < 0)
                return e;
        if (!(s2 = strdup(s)))
                return -ENOMEM;
        cpus = status_value(s, "Cpus_allowed_list");
        mems = status_value(s2, "Mems_allowed_list");
        if (!cpus && !mems)
                return 0;
        if (!cpus || !mems)
                return hostcaps_error(EINVAL, "proc/self/status: %s line without %s line",
                                      cpus ? "Cpus_allowed_list" : "Mems_allowed_list",
                                      cpus ? "Mems_allowed_list" : "Cpus_allowed_list");
        e = hostcaps_parse_cpulist(cpus, ret_cpus);
        if (e < 0) {
                if (e != -ENOMEM)
                        hostcaps_error_prefix("proc/self/status: Cpus_allowed_list");
                return e;
        }
        e = hostcaps_parse_cpulist(mems, ret_mems);
        if (e < 0) {
                *ret_cpus = hostcaps_bitmap_free(*ret_cpus);
                if (e != -ENOMEM)
                        hostcaps_error_prefix("proc/self/status: Mems_allowed_list");
                return e;
        }
        return 0;
}

/* ---- cells ------------------------------------------------------------ */

/* The node's CPUs: cpulist ("0-3,8-11", since 2.6.2x), else the older
 * cpumap (a hex mask). Every node directory has one of them. */
static int read_node_cpus(hostcaps_reader *r, unsigned node, hostcaps_bitmap **ret) {
        int e = hostcaps_readf_cpulist(r, ret, NODE_DIR "/node%u/cpulist", node);
        if (e != -ENOENT)
                return e;
        hostcaps_error_reset();
        e = hostcaps_readf_cpumask(r, ret, NODE_DIR "/node%u/cpumap", node);
        if (e == -ENOENT)
                return hostcaps_error(ENOENT, NODE_DIR "/node%u: neither cpulist nor cpumap exists", node);
        return e;
}

/* "10 21 21 10"-like: the distances to every online node, in node order
 * (since 2.6). -ENOENT when the file is missing. */
static int read_distances(hostcaps_reader *r, unsigned node, size_t n_cells, unsigned **ret) {
        _cleanup_free_ char *s = NULL;
        _cleanup_free_ unsigned *d = NULL;
        char path[128];
        size_t n = 0;
        int e;

        snprintf(path, sizeof(path), NODE_DIR "/node%u/distance", node);
        e = hostcaps_read_string(r, path, &s);
        if (e < 0)
                return e;
        if (!(d = calloc(n_cells ? n_cells : 1, sizeof(unsigned))))
                return -ENOMEM;
        for (char *save = NULL, *t = strtok_r(s, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
                uint32_t v;
                if (hostcaps_parse_u32(t, &v) < 0)
                        return hostcaps_error(EINVAL, "%s: invalid distance '%.32s'", path, t);
                if (n < n_cells)
                        d[n] = v;
                n++;
        }
        if (n != n_cells)
                return hostcaps_error(EINVAL, "%s: %zu distances for %zu online nodes", path, n, n_cells);
        *ret = TAKE_PTR(d);
        return 0;
}

static void bitmap_sub(hostcaps_bitmap *a, const hostcaps_bitmap *b) {
        BITMAP_FOREACH(i, b)
        hostcaps_bitmap_clear(a, (unsigned)i);
}

/* Memory of a cell: nodeN/meminfo, or proc/meminfo for the synthetic cell.
 * Libvirt's own test trees record no meminfo: unknown then, not an error. */
static int read_cell_memory(hostcaps_reader *r, int node, hostcaps_numa_cell *c) {
        int e = hostcaps_numa_read_meminfo(r, node, &c->memory_kib, NULL);
        if (e == -ENOENT) {
                hostcaps_error_reset();
                return 0;
        }
        if (e < 0)
                return e;
        c->has_memory = true;
        return 0;
}

static int probe_cells(hostcaps_reader *r, hostcaps_numa *numa, const hostcaps_bitmap *nodes) {
        size_t n = hostcaps_bitmap_count(nodes), k = 0;
        bool first_distance = true, have_distance = false;
        int e = 0;

        if (!(numa->cells = calloc(n, sizeof(hostcaps_numa_cell))))
                return -ENOMEM;
        BITMAP_FOREACH(id, nodes) {
                hostcaps_numa_cell *c = &numa->cells[k];
                c->id = (unsigned)id;
                numa->n_cells = ++k;
                if ((e = read_node_cpus(r, c->id, &c->cpus)) < 0)
                        return e;
                /* Some architectures keep offline CPUs in the node's list. */
                if (!(c->offline = hostcaps_bitmap_dup(c->cpus)))
                        return -ENOMEM;
                bitmap_sub(c->offline, numa->online);
                hostcaps_bitmap_and(c->cpus, numa->online);
                if ((e = read_cell_memory(r, id, c)) < 0)
                        return e;
                e = read_distances(r, c->id, n, &c->distance);
                if (e == -ENOENT || e == -ENOTDIR)
                        hostcaps_error_reset();
                else if (e < 0)
                        return e;
                /* Every node of a NUMA kernel has the file; a recording
                 * with it for some nodes only is broken. */
                if (first_distance)
                        have_distance = c->distance != NULL;
                else if (have_distance != (c->distance != NULL))
                        return hostcaps_error(ENOENT,
                                              NODE_DIR "/node%u/distance is %s, but " NODE_DIR "/node%u/distance is %s",
                                              numa->cells[0].id, have_distance ? "present" : "missing", c->id,
                                              c->distance ? "present" : "missing");
                first_distance = false;
        }
        return 0;
}

/* The synthetic cell of a kernel without NUMA, as libvirt makes it: cell 0
 * with every online CPU and the host's memory. */
static int probe_synthetic_cell(hostcaps_reader *r, hostcaps_numa *numa) {
        hostcaps_numa_cell *c;
        if (!(numa->cells = calloc(1, sizeof(hostcaps_numa_cell))))
                return -ENOMEM;
        numa->n_cells = 1;
        numa->synthetic = true;
        c = &numa->cells[0];
        c->id = 0;
        c->cpus = hostcaps_bitmap_dup(numa->online);
        c->offline = hostcaps_bitmap_dup(numa->offline);
        if (!c->cpus || !c->offline)
                return -ENOMEM;
        return read_cell_memory(r, -1, c);
}

/* Offline CPUs missing from every node's list (x86 drops them) are placed
 * by their cpuN/nodeM link when they have one. One small directory listing
 * per such CPU. */
static int place_offline_cpus(hostcaps_reader *r, hostcaps_numa *numa) {
        BITMAP_FOREACH(cpu, numa->offline) {
                char dir[64], **names = NULL;
                bool placed = false;
                int e;
                for (size_t i = 0; i < numa->n_cells && !placed; i++)
                        placed = hostcaps_bitmap_test(numa->cells[i].offline, (unsigned)cpu);
                if (placed)
                        continue;
                snprintf(dir, sizeof(dir), CPU_DIR "/cpu%d", cpu);
                e = hostcaps_read_dir(r, dir, &names, NULL);
                if (e == -ENOENT || e == -ENOTDIR) {
                        hostcaps_error_reset();
                        continue;
                }
                if (e < 0)
                        return e;
                for (size_t k = 0; names[k] && e >= 0; k++) {
                        const char *num = startswith(names[k], "node");
                        uint64_t id;
                        if (!num || hostcaps_parse_u64(num, &id) < 0)
                                continue;
                        for (size_t i = 0; i < numa->n_cells && e >= 0; i++)
                                if (numa->cells[i].id == id)
                                        e = hostcaps_bitmap_set(numa->cells[i].offline, (unsigned)cpu);
                }
                hostcaps_strv_free(names);
                hostcaps_error_reset();
                if (e < 0)
                        return e;
        }
        return 0;
}

/* ---- CPU ids ---------------------------------------------------------- */

typedef struct cpu_info {
        bool known;
        hostcaps_cpu_ids ids;
        hostcaps_bitmap *siblings;
} cpu_info;

/* The CPU's hardware threads: thread_siblings_list (since 2.6), or its
 * newer name core_cpus_list (5.x); neither (some recordings): itself. */
static int read_siblings(hostcaps_reader *r, unsigned cpu, const hostcaps_bitmap *online,
                         hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *b = NULL;
        int e = hostcaps_readf_cpulist(r, &b, CPU_DIR "/cpu%u/topology/thread_siblings_list", cpu);
        if (e == -ENOENT) {
                hostcaps_error_reset();
                e = hostcaps_readf_cpulist(r, &b, CPU_DIR "/cpu%u/topology/core_cpus_list", cpu);
        }
        if (e == -ENOENT) {
                hostcaps_error_reset();
                if (!(b = hostcaps_bitmap_new()))
                        return -ENOMEM;
                e = hostcaps_bitmap_set(b, cpu);
        }
        if (e < 0)
                return e;
        hostcaps_bitmap_and(b, online);
        if (!hostcaps_bitmap_test(b, cpu))
                return hostcaps_error(EINVAL,
                                      CPU_DIR "/cpu%u/topology/thread_siblings_list: does not list cpu%u",
                                      cpu, cpu);
        *ret = TAKE_PTR(b);
        return 0;
}

/* The ids of every online CPU in a cell. Hardware threads of one core share
 * all four ids, so a core costs one read of each file, not one per thread. */
static int probe_cpu_ids(hostcaps_reader *r, hostcaps_numa *numa) {
        int last = hostcaps_bitmap_last(numa->online);
        size_t n = last < 0 ? 0 : (size_t)last + 1;
        cpu_info *info = calloc(n ? n : 1, sizeof(cpu_info));
        int e = 0;

        if (!info)
                return -ENOMEM;
        for (size_t i = 0; i < numa->n_cells && e >= 0; i++) {
                hostcaps_numa_cell *c = &numa->cells[i];
                size_t n_cpus = hostcaps_bitmap_count(c->cpus);
                if (!(c->cpu = calloc(n_cpus ? n_cpus : 1, sizeof(hostcaps_numa_cpu)))) {
                        e = -ENOMEM;
                        break;
                }
                BITMAP_FOREACH(cpu, c->cpus) {
                        cpu_info *ci = &info[cpu];
                        if (!ci->known) {
                                if ((e = hostcaps_read_cpu_ids(r, (unsigned)cpu, &ci->ids)) < 0 ||
                                    (e = read_siblings(r, (unsigned)cpu, numa->online, &ci->siblings)) < 0)
                                        break;
                                ci->known = true;
                                BITMAP_FOREACH(s, ci->siblings) {
                                        if (info[s].known)
                                                continue;
                                        info[s].ids = ci->ids;
                                        if (!(info[s].siblings = hostcaps_bitmap_dup(ci->siblings))) {
                                                e = -ENOMEM;
                                                break;
                                        }
                                        info[s].known = true;
                                }
                                if (e < 0)
                                        break;
                        }
                        hostcaps_numa_cpu *p = &c->cpu[c->n_cpu];
                        *p = (hostcaps_numa_cpu){
                                .id = (unsigned)cpu,
                                .socket = ci->ids.socket,
                                .die = ci->ids.die,
                                .cluster = ci->ids.cluster,
                                .core = ci->ids.core,
                                .siblings = hostcaps_bitmap_format(ci->siblings),
                        };
                        if (!p->siblings) {
                                e = -ENOMEM;
                                break;
                        }
                        c->n_cpu++;
                }
        }
        for (size_t i = 0; i < n; i++)
                hostcaps_bitmap_free(info[i].siblings);
        free(info);
        return e;
}

/* ---- the probe -------------------------------------------------------- */

/* The CPUs present: cpu/present, else cpu/possible, else the online ones. */
static int read_present_cpus(hostcaps_reader *r, const hostcaps_bitmap *online, hostcaps_bitmap **ret) {
        int e = hostcaps_read_cpulist(r, CPU_DIR "/present", ret);
        if (e == -ENOENT) {
                hostcaps_error_reset();
                e = hostcaps_read_cpulist(r, CPU_DIR "/possible", ret);
        }
        if (e == -ENOENT) {
                hostcaps_error_reset();
                *ret = hostcaps_bitmap_dup(online);
                return *ret ? 0 : -ENOMEM;
        }
        if (e < 0)
                return e;
        return hostcaps_bitmap_or(*ret, online);
}

static int finish_lists(hostcaps_numa *numa) {
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

static int numa_probe_into(hostcaps_reader *r, hostcaps_numa *numa) {
        _cleanup_bitmap_ hostcaps_bitmap *nodes = NULL;
        int e;

        if ((e = hostcaps_read_online_cpus(r, &numa->online)) < 0)
                return e;
        if ((e = read_present_cpus(r, numa->online, &numa->offline)) < 0)
                return e;
        numa->offline_known = true;
        bitmap_sub(numa->offline, numa->online);
        if ((e = read_process_view(r, &numa->allowed_cpus, &numa->allowed_nodes)) < 0)
                return e;

        e = hostcaps_numa_read_nodes(r, &nodes);
        if (e == -ENOENT || (e >= 0 && hostcaps_bitmap_is_empty(nodes))) {
                hostcaps_error_reset();
                e = probe_synthetic_cell(r, numa);
        } else if (e >= 0) {
                e = probe_cells(r, numa, nodes);
                if (e >= 0)
                        e = place_offline_cpus(r, numa);
        }
        if (e >= 0)
                e = probe_cpu_ids(r, numa);
        if (e >= 0)
                e = finish_lists(numa);
        return e;
}

static int numa_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_numa *numa = calloc(1, sizeof(*numa));
        int e;
        if (!numa)
                return -ENOMEM;
        hostcaps_object_init(&numa->obj, HOSTCAPS_SECTION_NUMA);
        e = numa_probe_into(ctx->reader, numa);
        if (e < 0) {
                hostcaps_object_unref(&numa->obj);
                return e;
        }
        *ret = &numa->obj;
        return 0;
}


/* What the process may use changes with its cgroup cpuset (every thread at
 * once) and with sched_setaffinity() (one thread). proc/self/status would
 * tell, but the kernel formats some 60 lines for it (~10 µs); the calling
 * thread's two masks cost two system calls. So a cpuset change shows at the
 * next request from any thread, an affinity change at the next request from
 * the thread it was made on. Stamps are taken on live hosts only. */
static void mix_process_view(uint64_t *stamp) {
        unsigned long mask[8192 / (8 * sizeof(unsigned long))];
        size_t used = 0;
        int mode;
        long n;

        /* Returns the bytes the kernel wrote (its cpumask size). */
        n = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
        hostcaps_stamp_add_bytes(stamp, mask, n > 0 ? (size_t)n : 0);
        hostcaps_stamp_add_bytes(stamp, "|", 1);
        /* MPOL_F_MEMS_ALLOWED: the cpuset's nodes (since 2.6.24); ENOSYS
         * without NUMA. */
        memset(mask, 0, sizeof(mask));
        if (syscall(SYS_get_mempolicy, &mode, mask, 8 * sizeof(mask), NULL, MPOL_F_MEMS_ALLOWED) == 0)
                for (size_t w = 0; w < ELEMENTSOF(mask); w++)
                        if (mask[w])
                                used = w + 1;
        hostcaps_stamp_add_bytes(stamp, mask, used * sizeof(unsigned long));
}

/* Cells change with node and CPU hotplug; their memory with memory hotplug
 * (virtio-mem and ACPI hotplug online blocks while the host runs), which
 * sysinfo()'s total RAM, the sum of MemTotal over the nodes, shows for one
 * system call; the process view as above. */
static int numa_stamp(hostcaps_reader *r, uint64_t *stamp) {
        int e = hostcaps_stamp_add_file(r, NODE_DIR "/online", stamp);
        if (e >= 0)
                e = hostcaps_stamp_add_file(r, CPU_DIR "/online", stamp);
        if (e >= 0 && hostcaps_reader_is_live(r)) {
                struct sysinfo si;
                uint64_t total = sysinfo(&si) == 0 ? (uint64_t)si.totalram * si.mem_unit : 0;
                hostcaps_stamp_add_bytes(stamp, &total, sizeof(total));
                mix_process_view(stamp);
        }
        return e;
}

/* ---- output ----------------------------------------------------------- */

static int xml_cpu(hostcaps_xml *x, const hostcaps_numa_cpu *p) {
        int e;
        /* libvirt 9.0's schema (capability.rng) has no cluster_id: a <cpu>
         * with it does not validate there. Newer libvirt prints it; the
         * typed API and JSON have it. Leaving it out keeps the document
         * valid under both schemas (the attributes stay optional). */
        if ((e = hostcaps_xml_start(x, "cpu")) < 0 || (e = hostcaps_xml_attrf(x, "id", "%u", p->id)) < 0 ||
            (e = hostcaps_xml_attrf(x, "socket_id", "%u", p->socket)) < 0 ||
            (e = hostcaps_xml_attrf(x, "die_id", "%u", p->die)) < 0 ||
            (e = hostcaps_xml_attrf(x, "core_id", "%u", p->core)) < 0 ||
            (e = hostcaps_xml_attr(x, "siblings", p->siblings)) < 0)
                return e;
        return hostcaps_xml_end(x);
}

static int xml_cell(hostcaps_xml *x, const hostcaps_numa *numa, const hostcaps_numa_cell *c) {
        int e;
        /* libvirt's order: memory, pages, distances, (cache), cpus. */
        if ((e = hostcaps_xml_start(x, "cell")) < 0 || (e = hostcaps_xml_attrf(x, "id", "%u", c->id)) < 0)
                return e;
        if (c->has_memory) {
                if ((e = hostcaps_xml_start(x, "memory")) < 0 ||
                    (e = hostcaps_xml_attr(x, "unit", "KiB")) < 0 ||
                    (e = hostcaps_xml_contentf(x, "%llu", (unsigned long long)c->memory_kib)) < 0 ||
                    (e = hostcaps_xml_end(x)) < 0)
                        return e;
        }
        if ((e = hostcaps_xml_cell_pages(x, c->id)) < 0)
                return e;
        if (c->distance) {
                if ((e = hostcaps_xml_start(x, "distances")) < 0)
                        return e;
                for (size_t j = 0; j < numa->n_cells; j++)
                        if ((e = hostcaps_xml_start(x, "sibling")) < 0 ||
                            (e = hostcaps_xml_attrf(x, "id", "%u", numa->cells[j].id)) < 0 ||
                            (e = hostcaps_xml_attrf(x, "value", "%u", c->distance[j])) < 0 ||
                            (e = hostcaps_xml_end(x)) < 0)
                                return e;
                if ((e = hostcaps_xml_end(x)) < 0)
                        return e;
        }
        if ((e = hostcaps_xml_start(x, "cpus")) < 0 ||
            (e = hostcaps_xml_attrf(x, "num", "%zu", c->n_cpu)) < 0)
                return e;
        for (size_t k = 0; k < c->n_cpu; k++)
                if ((e = xml_cpu(x, &c->cpu[k])) < 0)
                        return e;
        if ((e = hostcaps_xml_end(x)) < 0)
                return e;
        return hostcaps_xml_end(x);
}

static int numa_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_numa *numa = (const hostcaps_numa *)o;
        int e;
        if (region != HOSTCAPS_XML_TOPOLOGY)
                return 0;
        if ((e = hostcaps_xml_start(x, "topology")) < 0 || (e = hostcaps_xml_start(x, "cells")) < 0 ||
            (e = hostcaps_xml_attrf(x, "num", "%zu", numa->n_cells)) < 0)
                return e;
        for (size_t i = 0; i < numa->n_cells; i++)
                if ((e = xml_cell(x, numa, &numa->cells[i])) < 0)
                        return e;
        if ((e = hostcaps_xml_end(x)) < 0)
                return e;
        return hostcaps_xml_end(x);
}

static struct json_object *json_str(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static struct json_object *json_cell(const hostcaps_numa *numa, const hostcaps_numa_cell *c) {
        struct json_object *j = json_object_new_object(), *a, *d;
        if (!j)
                return NULL;
        json_object_object_add(j, "id", json_object_new_int64(c->id));
        json_object_object_add(j, "memory_kib",
                               c->has_memory ? json_object_new_int64((int64_t)c->memory_kib) : NULL);
        json_object_object_add(j, "cpus", json_str(c->cpus_list));
        json_object_object_add(j, "offline_cpus", json_str(c->offline_list));
        json_object_object_add(
                j, "allowed",
                json_object_new_boolean(hostcaps_numa_cell_is_allowed(numa, (size_t)(c - numa->cells))));
        json_object_object_add(j, "allowed_cpus", json_str(c->allowed_list));
        if (c->distance) {
                d = json_object_new_array();
                for (size_t k = 0; k < numa->n_cells; k++) {
                        struct json_object *s = json_object_new_object();
                        json_object_object_add(s, "id", json_object_new_int64(numa->cells[k].id));
                        json_object_object_add(s, "value", json_object_new_int64(c->distance[k]));
                        json_object_array_add(d, s);
                }
                json_object_object_add(j, "distances", d);
        } else
                json_object_object_add(j, "distances", NULL);
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
                        c->has_memory ? hostcaps_numa_format_kib(mem, sizeof(mem), c->memory_kib) : "unknown",
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

/* ---- from a saved document --------------------------------------------- */

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
        qsort(c->cpu, c->n_cpu, sizeof(*c->cpu), cmp_cpu);
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
                        return hostcaps_xml_error(d, c, "<cell id='%u'> exceeds the kernel's limit of %u nodes", id,
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
        return finish_lists(numa);
}

static int numa_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr cells = hostcaps_xml_child(hostcaps_xml_child(d->host, "topology"), "cells");
        hostcaps_numa *numa;
        int e;
        if (!cells)
                return -ENODATA;
        if (!(numa = calloc(1, sizeof(*numa))))
                return -ENOMEM;
        hostcaps_object_init(&numa->obj, HOSTCAPS_SECTION_NUMA);
        e = numa_from_xml_into(d, cells, numa);
        if (e < 0) {
                hostcaps_object_unref(&numa->obj);
                return e;
        }
        *ret = &numa->obj;
        return 0;
}

const hostcaps_section_ops hostcaps_numa_ops = {
        .name = "numa",
        .flag = HOSTCAPS_SECTION_NUMA,
        .object_size = sizeof(hostcaps_numa),
        .free_object = numa_free,
        .probe = numa_probe,
        .stamp = numa_stamp,
        .xml = numa_xml,
        .json = numa_json,
        .text = numa_text,
        .from_xml = numa_from_xml,
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
        size_t lo = 0, hi;
        if (!numa)
                return -EINVAL;
        /* Cells are in ascending id order, probed or loaded. */
        for (hi = numa->n_cells; lo < hi;) {
                size_t mid = (lo + hi) / 2;
                if (numa->cells[mid].id == id)
                        return (int)mid;
                if (numa->cells[mid].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -ENOENT;
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
