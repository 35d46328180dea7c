/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probing the NUMA section: cells, their memory, distances and CPUs with
 * their ids, offline CPUs, and this process's allowed CPUs and nodes.
 *
 * The read policy (docs/architecture.md): the online CPUs and the online
 * nodes are required: without them there is no section. Everything else a
 * cell holds is optional: a missing, empty or malformed file makes that one
 * value unknown, with the reason kept on the object. */
#include <linux/mempolicy.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

#include "host/cputopo.h"
#include "host/error.h"
#include "host/parse.h"
#include "numa.h"

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

/* The nodeN/cpuM links, libvirt's way of finding a node's CPUs; for
 * recordings with neither cpulist nor cpumap. -ENOENT when there are none. */
static int read_node_cpu_links(hostcaps_reader *r, unsigned node, hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *b = hostcaps_bitmap_new();
        char dir[64], **names = NULL;
        size_t n = 0;
        bool any = false;
        int e;

        if (!b)
                return -ENOMEM;
        snprintf(dir, sizeof(dir), NODE_DIR "/node%u", node);
        e = hostcaps_read_dir(r, dir, &names, &n);
        if (e < 0)
                return e;
        for (size_t i = 0; i < n && e >= 0; i++) {
                const char *num = startswith(names[i], "cpu");
                uint64_t id;
                if (!num || !num[0] || (num[0] == '0' && num[1]) || hostcaps_parse_u64(num, &id) < 0 ||
                    id >= HOSTCAPS_BITMAP_MAX)
                        continue;
                e = hostcaps_bitmap_set(b, (unsigned)id);
                any = true;
        }
        hostcaps_strv_free(names);
        if (e < 0)
                return e;
        if (!any)
                return -ENOENT;
        *ret = TAKE_PTR(b);
        return 0;
}

/* The node's CPUs: cpulist ("0-3,8-11", since 2.6.2x), else the older
 * cpumap (a hex mask), else the cpuM links of the node's directory. An
 * optional value: a node whose CPUs cannot be read has none, with a reason. */
static int read_node_cpus(hostcaps_reader *r, hostcaps_numa *numa, unsigned node, hostcaps_bitmap **ret) {
        int e = hostcaps_readf_cpulist(r, ret, NODE_DIR "/node%u/cpulist", node);
        if (e == -ENOENT)
                e = hostcaps_readf_cpumask(r, ret, NODE_DIR "/node%u/cpumap", node);
        if (e == -ENOENT)
                e = read_node_cpu_links(r, node, ret);
        if (e == -ENOENT)
                e = hostcaps_object_add_reason(&numa->obj,
                                               NODE_DIR "/node%u: neither cpulist, cpumap nor cpuN "
                                                        "links: its CPUs are unknown",
                                               node);
        else
                e = hostcaps_optional(&numa->obj, e);
        if (e < 0)
                return e;
        if (!*ret && !(*ret = hostcaps_bitmap_new()))
                return -ENOMEM;
        return 0;
}

/* Memory of a cell: MemTotal of nodeN/meminfo, or of proc/meminfo for the
 * synthetic cell. Optional: libvirt's own test trees record no meminfo. */
static int read_cell_memory(hostcaps_reader *r, hostcaps_numa *numa, int node, hostcaps_numa_cell *c) {
        uint64_t kib;
        int e = hostcaps_numa_read_meminfo(r, node, &kib, NULL);
        /* Its size in bytes must fit 64 bits, as libvirt's unsignedLong and
         * our loader read it back. */
        if (e >= 0 && kib > UINT64_MAX / 1024) {
                if (node >= 0)
                        e = hostcaps_error(ERANGE, NODE_DIR "/node%d/meminfo: MemTotal %llu kB out of range",
                                           node, (unsigned long long)kib);
                else
                        e = hostcaps_error(ERANGE, "proc/meminfo: MemTotal %llu kB out of range",
                                           (unsigned long long)kib);
        }
        if (e >= 0) {
                c->memory_kib = kib;
                c->has_memory = true;
                return 0;
        }
        return hostcaps_optional(&numa->obj, e);
}

/* A CPU in two nodes' lists (a broken recording) stays in the first one:
 * libvirt's document and our loader allow a CPU in one cell only. */
static int drop_listed_twice(hostcaps_numa *numa, hostcaps_numa_cell *c, hostcaps_bitmap *seen) {
        _cleanup_bitmap_ hostcaps_bitmap *twice = hostcaps_bitmap_dup(c->cpus);
        if (!twice)
                return -ENOMEM;
        hostcaps_bitmap_and(twice, seen);
        if (!hostcaps_bitmap_is_empty(twice)) {
                _cleanup_free_ char *list = hostcaps_bitmap_format(twice);
                if (!list ||
                    hostcaps_object_add_reason(&numa->obj,
                                               NODE_DIR "/node%u/cpulist: CPUs %s are listed by an earlier "
                                                        "node too: kept there only",
                                               c->id, list) < 0)
                        return -ENOMEM;
                hostcaps_bitmap_sub(c->cpus, twice);
        }
        return hostcaps_bitmap_or(seen, c->cpus);
}

static int probe_cells(hostcaps_reader *r, hostcaps_numa *numa, const hostcaps_bitmap *nodes,
                       const hostcaps_bitmap *absent) {
        _cleanup_bitmap_ hostcaps_bitmap *seen = hostcaps_bitmap_new();
        size_t n = hostcaps_bitmap_count(nodes), k = 0;
        int e = 0;

        if (!seen || !(numa->cells = calloc(n, sizeof(hostcaps_numa_cell))))
                return -ENOMEM;
        BITMAP_FOREACH(id, nodes) {
                hostcaps_numa_cell *c = &numa->cells[k];
                c->id = (unsigned)id;
                numa->n_cells = ++k;
                if ((e = read_node_cpus(r, numa, c->id, &c->cpus)) < 0 ||
                    (e = drop_listed_twice(numa, c, seen)) < 0)
                        return e;
                /* Some architectures keep offline CPUs in the node's list. */
                if (!(c->offline = hostcaps_bitmap_dup(c->cpus)))
                        return -ENOMEM;
                hostcaps_bitmap_sub(c->offline, numa->online);
                hostcaps_bitmap_sub(c->offline, absent);
                hostcaps_bitmap_and(c->cpus, numa->online);
                if ((e = read_cell_memory(r, numa, id, c)) < 0)
                        return e;
        }
        return 0;
}

/* ---- distances -------------------------------------------------------- */

/* "10 21 21 10"-like (since 2.6): one value per online node, in node order;
 * kernels that keep offline nodes possible (a node whose CPUs and memory
 * are all offline) write one per possible node. */
static int read_distance_row(hostcaps_reader *r, unsigned node, unsigned **ret, size_t *ret_n) {
        _cleanup_free_ char *s = NULL;
        _cleanup_free_ unsigned *d = NULL;
        size_t n = 0, allocated = 0;
        int e = hostcaps_readf_string(r, &s, NODE_DIR "/node%u/distance", node);
        if (e < 0)
                return e;
        for (char *save = NULL, *t = strtok_r(s, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
                uint32_t v;
                if (hostcaps_parse_u32(t, &v) < 0)
                        return hostcaps_error(EINVAL, NODE_DIR "/node%u/distance: invalid distance '%.32s'",
                                              node, t);
                /* ACPI's SLIT and libvirt's schema: 10 (local) to 255. */
                if (v < 10 || v > 255)
                        return hostcaps_error(ERANGE,
                                              NODE_DIR "/node%u/distance: distance %u out of range 10-255",
                                              node, v);
                if (n >= HOSTCAPS_MAX_NODES)
                        return hostcaps_error(ERANGE, NODE_DIR "/node%u/distance: more than %u distances",
                                              node, HOSTCAPS_MAX_NODES);
                if ((e = GROW(d, allocated, n + 1)) < 0)
                        return e;
                d[n++] = v;
        }
        *ret = TAKE_PTR(d);
        *ret_n = n;
        return 0;
}

static void drop_distances(hostcaps_numa *numa) {
        for (size_t i = 0; i < numa->n_cells; i++) {
                free(numa->cells[i].distance);
                numa->cells[i].distance = NULL;
        }
}

/* Row `d` of `n` values into the cell order: as it is when it has one value
 * per cell; through node/possible when it has one per possible node. */
static int map_row(hostcaps_reader *r, hostcaps_numa *numa, hostcaps_bitmap **possible, unsigned node,
                   unsigned *d, size_t n, unsigned **ret) {
        unsigned *row;
        if (n == numa->n_cells) {
                *ret = d;
                return 0;
        }
        if (!*possible) {
                /* "0-1\n", N_POSSIBLE (since 2.6.x). */
                int e = hostcaps_read_cpulist(r, NODE_DIR "/possible", possible);
                if (e < 0 && e != -ENOENT && e != -ENOTDIR)
                        return e;
                if (e < 0 && !(*possible = hostcaps_bitmap_new()))
                        return -ENOMEM;
        }
        if (n != hostcaps_bitmap_count(*possible))
                return hostcaps_error(EINVAL, NODE_DIR "/node%u/distance: %zu distances for %zu online nodes",
                                      node, n, numa->n_cells);
        if (!(row = calloc(numa->n_cells, sizeof(unsigned))))
                return -ENOMEM;
        for (size_t j = 0; j < numa->n_cells; j++) {
                size_t rank = 0;
                if (!hostcaps_bitmap_test(*possible, numa->cells[j].id)) {
                        free(row);
                        return hostcaps_error(EINVAL, NODE_DIR "/possible: does not list online node %u",
                                              numa->cells[j].id);
                }
                BITMAP_FOREACH(p, *possible) {
                        if ((unsigned)p == numa->cells[j].id)
                                break;
                        rank++;
                }
                row[j] = d[rank];
        }
        free(d);
        *ret = row;
        return 0;
}

/* The distance matrix: optional as a whole. A row that is missing while
 * others exist, malformed, out of range or of a length that fits neither
 * the online nor the possible nodes makes every distance unknown. */
static int probe_distances(hostcaps_reader *r, hostcaps_numa *numa) {
        _cleanup_bitmap_ hostcaps_bitmap *possible = NULL;
        size_t missing = 0;
        int e = 0;

        for (size_t i = 0; i < numa->n_cells && e >= 0; i++) {
                hostcaps_numa_cell *c = &numa->cells[i];
                unsigned *d = NULL;
                size_t n = 0;
                e = read_distance_row(r, c->id, &d, &n);
                if (e == -ENOENT || e == -ENOTDIR) {
                        missing++;
                        e = 0;
                        continue;
                }
                if (e >= 0)
                        e = map_row(r, numa, &possible, c->id, d, n, &c->distance);
                if (e < 0)
                        free(d);
        }
        /* Every node of a NUMA kernel has the file; a recording with it for
         * some nodes only is broken. */
        if (e >= 0 && missing && missing < numa->n_cells) {
                for (size_t i = 0; i < numa->n_cells; i++)
                        if (!numa->cells[i].distance) {
                                e = hostcaps_error(EINVAL,
                                                   NODE_DIR
                                                   "/node%u/distance: missing where other nodes have one",
                                                   numa->cells[i].id);
                                break;
                        }
        }
        if (e < 0 || missing)
                drop_distances(numa);
        return hostcaps_optional(&numa->obj, e);
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
        return read_cell_memory(r, numa, -1, c);
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
                if (e == -ENOENT || e == -ENOTDIR)
                        continue;
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
                if (e < 0)
                        return e;
        }
        return 0;
}

/* ---- CPU ids ---------------------------------------------------------- */

/* The ids and siblings of every online CPU of a cell, from the shared
 * topology reader (one read per group, not per CPU). */
static int probe_cpu_ids(hostcaps_reader *r, hostcaps_numa *numa) {
        hostcaps_cpu_topo t;
        char **lists = NULL;
        int e = hostcaps_cpu_topo_read(r, numa->online, true, &t);
        if (e < 0)
                return e;
        if (!(lists = calloc(t.n_cores ? t.n_cores : 1, sizeof(char *))))
                e = -ENOMEM;
        for (size_t i = 0; e >= 0 && i < t.n_cores; i++)
                if (!(lists[i] = hostcaps_bitmap_format(t.core_cpus[i])))
                        e = -ENOMEM;
        for (size_t i = 0; i < numa->n_cells && e >= 0; i++) {
                hostcaps_numa_cell *c = &numa->cells[i];
                size_t n_cpus = hostcaps_bitmap_count(c->cpus);
                if (!(c->cpu = calloc(n_cpus ? n_cpus : 1, sizeof(hostcaps_numa_cpu)))) {
                        e = -ENOMEM;
                        break;
                }
                BITMAP_FOREACH(cpu, c->cpus) {
                        const hostcaps_cpu_ids *ids = &t.ids[cpu];
                        hostcaps_numa_cpu *p = &c->cpu[c->n_cpu];
                        *p = (hostcaps_numa_cpu){
                                .id = (unsigned)cpu,
                                .socket = ids->socket,
                                .die = ids->die,
                                .cluster = ids->cluster,
                                .core = ids->core,
                                .siblings = strdup(lists[t.core_of[cpu]]),
                        };
                        if (!p->siblings) {
                                e = -ENOMEM;
                                break;
                        }
                        c->n_cpu++;
                }
        }
        for (size_t i = 0; lists && i < t.n_cores; i++)
                free(lists[i]);
        free(lists);
        hostcaps_cpu_topo_done(&t);
        return e;
}

/* ---- the probe -------------------------------------------------------- */

/* The CPUs present: cpu/present, else cpu/possible, else the online ones. */
static int read_present_cpus(hostcaps_reader *r, const hostcaps_bitmap *online, hostcaps_bitmap **ret) {
        int e = hostcaps_read_cpulist(r, CPU_DIR "/present", ret);
        if (e == -ENOENT)
                e = hostcaps_read_cpulist(r, CPU_DIR "/possible", ret);
        if (e == -ENOENT) {
                *ret = hostcaps_bitmap_dup(online);
                return *ret ? 0 : -ENOMEM;
        }
        if (e < 0)
                return e;
        return hostcaps_bitmap_or(*ret, online);
}

static int numa_probe_into(hostcaps_reader *r, hostcaps_numa *numa) {
        _cleanup_bitmap_ hostcaps_bitmap *nodes = NULL, *absent = NULL;
        int e;

        if ((e = hostcaps_read_cpus(r, &numa->online, &absent)) < 0)
                return e;
        if ((e = hostcaps_absent_cpus_reason(&numa->obj, absent, "in no cell")) < 0)
                return e;
        if ((e = read_present_cpus(r, numa->online, &numa->offline)) < 0)
                return e;
        numa->offline_known = true;
        hostcaps_bitmap_sub(numa->offline, numa->online);
        hostcaps_bitmap_sub(numa->offline, absent);
        e = read_process_view(r, &numa->allowed_cpus, &numa->allowed_nodes);
        if ((e = hostcaps_optional(&numa->obj, e)) < 0)
                return e;

        e = hostcaps_numa_read_nodes(r, &nodes);
        if (e == -ENOENT || (e >= 0 && hostcaps_bitmap_is_empty(nodes))) {
                e = probe_synthetic_cell(r, numa);
        } else if (e >= 0) {
                e = probe_cells(r, numa, nodes, absent);
                if (e >= 0)
                        e = probe_distances(r, numa);
                if (e >= 0)
                        e = hostcaps_numa_probe_hmat(r, numa);
                if (e >= 0)
                        e = place_offline_cpus(r, numa);
        }
        if (e >= 0)
                e = probe_cpu_ids(r, numa);
        if (e >= 0)
                e = hostcaps_numa_finish_lists(numa);
        return e;
}

int hostcaps_numa_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        int e = hostcaps_object_new(HOSTCAPS_SECTION_NUMA, &o);
        if (e >= 0)
                e = numa_probe_into(ctx->reader, (hostcaps_numa *)o);
        return hostcaps_object_finish(o, e, ret);
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
int hostcaps_numa_stamp(hostcaps_reader *r, uint64_t *stamp) {
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
