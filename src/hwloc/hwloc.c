/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hwloc XML topologies as a source (lstopo --of xml, hwloc-gather-topology,
 * PMIx). hwloc is loaded with dlopen() only when this is used, so linking
 * libhostcaps costs nothing for the consumers that never do.
 *
 * The topology is written out as the sysfs layout hostcaps reads (in a
 * private temporary directory), the CPU, NUMA and cache sections are probed
 * from it by their ordinary code, and the directory is removed: one code
 * path per section, whatever the source, so a sysroot and the hwloc XML
 * exported from it cannot disagree by construction of two parsers. What hwloc
 * cannot know (free memory now, resctrl, the host's identity) is absent, with
 * that reason. */
#include <dlfcn.h>
#include <fcntl.h>
#include <hwloc.h>
#include <hwloc/distances.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

#include "host/error.h"
#include "host/node.h"
#include "host/section.h"
#include "hostcaps/node.h"

/* The few real functions used; everything else is struct fields or our own. */
static struct {
        void *dl;
        char error[256];
        unsigned (*get_api_version)(void);
        int (*topology_init)(hwloc_topology_t *);
        int (*topology_set_xmlbuffer)(hwloc_topology_t, const char *, int);
        int (*topology_set_flags)(hwloc_topology_t, unsigned long);
        int (*topology_set_all_types_filter)(hwloc_topology_t, enum hwloc_type_filter_e);
        int (*topology_load)(hwloc_topology_t);
        void (*topology_destroy)(hwloc_topology_t);
        int (*get_type_depth)(hwloc_topology_t, hwloc_obj_type_t);
        unsigned (*get_nbobjs_by_depth)(hwloc_topology_t, int);
        hwloc_obj_t (*get_obj_by_depth)(hwloc_topology_t, int, unsigned);
        hwloc_const_cpuset_t (*get_topology_cpuset)(hwloc_topology_t);
        hwloc_const_cpuset_t (*get_complete_cpuset)(hwloc_topology_t);
        hwloc_const_cpuset_t (*get_allowed_cpuset)(hwloc_topology_t);
        hwloc_const_nodeset_t (*get_allowed_nodeset)(hwloc_topology_t);
        int (*bitmap_next)(hwloc_const_bitmap_t, int);
        int (*distances_get_by_type)(hwloc_topology_t, hwloc_obj_type_t, unsigned *,
                                     struct hwloc_distances_s **, unsigned long, unsigned long);
        void (*distances_release)(hwloc_topology_t, struct hwloc_distances_s *);
} hw;
static pthread_once_t hw_once = PTHREAD_ONCE_INIT;

static void hw_load(void) {
        /* The ABI this file was compiled against: hwloc 2.x (soname 15). */
        hw.dl = dlopen("libhwloc.so.15", RTLD_NOW | RTLD_LOCAL);
        if (!hw.dl) {
                snprintf(hw.error, sizeof(hw.error), "hwloc is not installed (libhwloc.so.15): %s",
                         dlerror());
                return;
        }
#define SYM(field, name)                                                                                     \
        if (!(*(void **)&hw.field = dlsym(hw.dl, name))) {                                                   \
                snprintf(hw.error, sizeof(hw.error), "libhwloc.so.15 lacks %s", name);                       \
                return;                                                                                      \
        }
        SYM(get_api_version, "hwloc_get_api_version");
        SYM(topology_init, "hwloc_topology_init");
        SYM(topology_set_xmlbuffer, "hwloc_topology_set_xmlbuffer");
        SYM(topology_set_flags, "hwloc_topology_set_flags");
        SYM(topology_set_all_types_filter, "hwloc_topology_set_all_types_filter");
        SYM(topology_load, "hwloc_topology_load");
        SYM(topology_destroy, "hwloc_topology_destroy");
        SYM(get_type_depth, "hwloc_get_type_depth");
        SYM(get_nbobjs_by_depth, "hwloc_get_nbobjs_by_depth");
        SYM(get_obj_by_depth, "hwloc_get_obj_by_depth");
        SYM(get_topology_cpuset, "hwloc_topology_get_topology_cpuset");
        SYM(get_complete_cpuset, "hwloc_topology_get_complete_cpuset");
        SYM(get_allowed_cpuset, "hwloc_topology_get_allowed_cpuset");
        SYM(get_allowed_nodeset, "hwloc_topology_get_allowed_nodeset");
        SYM(bitmap_next, "hwloc_bitmap_next");
        SYM(distances_get_by_type, "hwloc_distances_get_by_type");
        SYM(distances_release, "hwloc_distances_release");
#undef SYM
        if ((hw.get_api_version() >> 16) != (HWLOC_API_VERSION >> 16))
                snprintf(hw.error, sizeof(hw.error), "libhwloc.so.15 has API 0x%x, hostcaps needs 0x%x.x",
                         hw.get_api_version(), HWLOC_API_VERSION >> 16);
}

/* ---- writing the sysfs layout ------------------------------------------ */

typedef struct writer {
        int dirfd;
        int error;
} writer;

static int mkdirs(int dirfd, const char *path) {
        char buf[512];
        snprintf(buf, sizeof(buf), "%s", path);
        for (char *p = strchr(buf, '/'); p; p = strchr(p + 1, '/')) {
                *p = '\0';
                if (mkdirat(dirfd, buf, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        return 0;
}

static void put(writer *w, const char *content, const char *fmt, ...) _printf_(3, 4);
static void put(writer *w, const char *content, const char *fmt, ...) {
        char path[512];
        va_list ap;
        int fd;
        if (w->error)
                return;
        va_start(ap, fmt);
        vsnprintf(path, sizeof(path), fmt, ap);
        va_end(ap);
        if (mkdirs(w->dirfd, path) < 0 ||
            (fd = openat(w->dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0) {
                w->error = errno ? errno : EIO;
                return;
        }
        size_t len = strlen(content);
        if (write(fd, content, len) != (ssize_t)len)
                w->error = EIO;
        close(fd);
}

/* A cpuset as the kernel's list format (PU os indexes), into buf. */
static char *cpulist(hwloc_const_bitmap_t set, char *buf, size_t size) {
        size_t len = 0;
        buf[0] = '\0';
        for (int i = hw.bitmap_next(set, -1); i >= 0 && len + 24 < size;) {
                int j = i, n;
                while (hw.bitmap_next(set, j) == j + 1)
                        j++;
                n = i == j ? snprintf(buf + len, size - len, "%s%d", len ? "," : "", i)
                           : snprintf(buf + len, size - len, "%s%d-%d", len ? "," : "", i, j);
                len += (size_t)n;
                i = hw.bitmap_next(set, j);
        }
        return buf;
}

static hwloc_obj_t ancestor(hwloc_obj_t o, hwloc_obj_type_t type, const char *subtype) {
        for (o = o->parent; o; o = o->parent)
                if (o->type == type && (!subtype || (o->subtype && strcmp(o->subtype, subtype) == 0)))
                        return o;
        return NULL;
}

static const char *info(hwloc_obj_t o, const char *name) {
        for (; o; o = o->parent)
                for (unsigned i = 0; i < o->infos_count; i++)
                        if (strcmp(o->infos[i].name, name) == 0)
                                return o->infos[i].value;
        return NULL;
}

static void write_cpus(writer *w, hwloc_topology_t t, size_t bufsize, char *buf) {
        int depth = hw.get_type_depth(t, HWLOC_OBJ_PU);
        unsigned n = depth < 0 ? 0 : hw.get_nbobjs_by_depth(t, depth);
        char val[64];

        put(w, strcat(cpulist(hw.get_topology_cpuset(t), buf, bufsize), "\n"),
            "sys/devices/system/cpu/online");
        put(w, strcat(cpulist(hw.get_complete_cpuset(t), buf, bufsize), "\n"),
            "sys/devices/system/cpu/possible");
        for (unsigned i = 0; i < n; i++) {
                hwloc_obj_t pu = hw.get_obj_by_depth(t, depth, i);
                hwloc_obj_t core = ancestor(pu, HWLOC_OBJ_CORE, NULL),
                            pkg = ancestor(pu, HWLOC_OBJ_PACKAGE, NULL),
                            die = ancestor(pu, HWLOC_OBJ_DIE, NULL),
                            cluster = ancestor(pu, HWLOC_OBJ_GROUP, "Cluster");
                unsigned cpu = pu->os_index;
#define ID(obj, file)                                                                                        \
        do {                                                                                                 \
                snprintf(val, sizeof(val), "%u\n",                                                           \
                         (obj) && (obj)->os_index != HWLOC_UNKNOWN_INDEX ? (obj)->os_index : 0);             \
                put(w, val, "sys/devices/system/cpu/cpu%u/topology/%s", cpu, file);                          \
        } while (0)
#define LIST(obj, file)                                                                                      \
        put(w, strcat(cpulist((obj)->cpuset, buf, bufsize), "\n"),                                           \
            "sys/devices/system/cpu/cpu%u/topology/%s", cpu, file)
                if (pkg) {
                        ID(pkg, "physical_package_id");
                        LIST(pkg, "package_cpus_list");
                }
                if (die) {
                        ID(die, "die_id");
                        LIST(die, "die_cpus_list");
                }
                if (cluster) {
                        ID(cluster, "cluster_id");
                        LIST(cluster, "cluster_cpus_list");
                }
                if (core) {
                        ID(core, "core_id");
                        LIST(core, "core_cpus_list");
                } else {
                        snprintf(val, sizeof(val), "%u\n", cpu);
                        put(w, val, "sys/devices/system/cpu/cpu%u/topology/core_cpus_list", cpu);
                }
#undef ID
#undef LIST
                /* Caches: every cache object above this PU, one indexK each. */
                unsigned k = 0;
                for (hwloc_obj_t c = pu->parent; c; c = c->parent) {
                        if (c->type < HWLOC_OBJ_L1CACHE || c->type > HWLOC_OBJ_L3ICACHE)
                                continue; /* not a cache (hwloc_obj_type_is_cache, without linking hwloc) */
                        static const char *const types[] = {
                                [HWLOC_OBJ_CACHE_UNIFIED] = "Unified",
                                [HWLOC_OBJ_CACHE_DATA] = "Data",
                                [HWLOC_OBJ_CACHE_INSTRUCTION] = "Instruction",
                        };
#define dir "sys/devices/system/cpu/cpu%u/cache/index%u/%s"
                        snprintf(val, sizeof(val), "%u\n", c->attr->cache.depth);
                        put(w, val, dir, cpu, k, "level");
                        snprintf(val, sizeof(val), "%s\n", types[c->attr->cache.type]);
                        put(w, val, dir, cpu, k, "type");
                        snprintf(val, sizeof(val), "%lluK\n",
                                 (unsigned long long)(c->attr->cache.size / 1024));
                        put(w, val, dir, cpu, k, "size");
                        if (c->attr->cache.linesize) {
                                snprintf(val, sizeof(val), "%u\n", c->attr->cache.linesize);
                                put(w, val, dir, cpu, k, "coherency_line_size");
                        }
                        /* hwloc: -1 fully associative, 0 unknown. */
                        if (c->attr->cache.associativity > 0) {
                                snprintf(val, sizeof(val), "%d\n", c->attr->cache.associativity);
                                put(w, val, dir, cpu, k, "ways_of_associativity");
                        }
                        put(w, strcat(cpulist(c->cpuset, buf, bufsize), "\n"), dir, cpu, k,
                            "shared_cpu_list");
#undef dir
                        k++;
                }
        }
}

static void write_cpuinfo(writer *w, hwloc_topology_t t) {
        hwloc_obj_t root = hw.get_obj_by_depth(t, 0, 0);
        int depth = hw.get_type_depth(t, HWLOC_OBJ_PACKAGE);
        hwloc_obj_t pkg = depth < 0 ? NULL : hw.get_obj_by_depth(t, depth, 0);
        const char *vendor = info(pkg ? pkg : root, "CPUVendor"), *model = info(pkg ? pkg : root, "CPUModel"),
                   *family = info(pkg ? pkg : root, "CPUFamilyNumber"),
                   *number = info(pkg ? pkg : root, "CPUModelNumber"),
                   *stepping = info(pkg ? pkg : root, "CPUStepping");
        char buf[1024];
        /* hwloc records the x86 identity from CPUID; as /proc/cpuinfo has it. */
        if (!vendor)
                return;
        snprintf(buf, sizeof(buf), "processor\t: 0\nvendor_id\t: %s\n%s%s%s%s%s%s%s%s%s\n", vendor,
                 family ? "cpu family\t: " : "", family ? family : "", family ? "\n" : "",
                 number ? "model\t\t: " : "", number ? number : "", number ? "\n" : "",
                 stepping ? "stepping\t: " : "", stepping ? stepping : "", stepping ? "\n" : "");
        if (model) {
                size_t l = strlen(buf);
                snprintf(buf + l - 1, sizeof(buf) - l + 1, "model name\t: %s\n\n", model);
        }
        put(w, buf, "proc/cpuinfo");
}

/* The NUMA node a PU belongs to, as the kernel has it: hwloc gives every
 * node the CPUs near it (a memory-only node shares its package's), but
 * Linux puts each CPU in one node: the first memory child of the nearest
 * ancestor that has memory. */
static hwloc_obj_t pu_node(hwloc_obj_t pu) {
        for (hwloc_obj_t o = pu->parent; o; o = o->parent)
                if (o->memory_arity > 0)
                        return o->memory_first_child;
        return NULL;
}

/* The kernel's cpulist of `node`: the PUs whose node it is. */
static char *node_cpulist(hwloc_topology_t t, hwloc_obj_t node, char *buf, size_t size) {
        int depth = hw.get_type_depth(t, HWLOC_OBJ_PU);
        unsigned n = depth < 0 ? 0 : hw.get_nbobjs_by_depth(t, depth);
        size_t len = 0;
        buf[0] = '\0';
        for (unsigned i = 0; i < n && len + 16 < size; i++) {
                hwloc_obj_t pu = hw.get_obj_by_depth(t, depth, i);
                if (pu_node(pu) == node)
                        len += (size_t)snprintf(buf + len, size - len, "%s%u", len ? "," : "", pu->os_index);
        }
        return buf;
}

static void write_nodes(writer *w, hwloc_topology_t t, size_t bufsize, char *buf) {
        int depth = hw.get_type_depth(t, HWLOC_OBJ_NUMANODE);
        unsigned n = hw.get_nbobjs_by_depth(t, depth), nd = 0;
        struct hwloc_distances_s *dist = NULL;
        char val[160];

        if (hw.distances_get_by_type(t, HWLOC_OBJ_NUMANODE, &nd, &dist, HWLOC_DISTANCES_KIND_MEANS_LATENCY,
                                     0) < 0 ||
            nd == 0)
                dist = NULL;
        buf[0] = '\0';
        for (unsigned i = 0; i < n; i++) {
                hwloc_obj_t node = hw.get_obj_by_depth(t, depth, i);
                unsigned id = node->os_index;
                size_t l = strlen(buf);
                snprintf(buf + l, bufsize - l, "%s%u", l ? "," : "", id);
        }
        strcat(buf, "\n");
        put(w, buf, "sys/devices/system/node/online");
        put(w, buf, "sys/devices/system/node/possible");
        for (unsigned i = 0; i < n; i++) {
                hwloc_obj_t node = hw.get_obj_by_depth(t, depth, i);
                unsigned id = node->os_index;
                put(w, strcat(node_cpulist(t, node, buf, bufsize - 1), "\n"),
                    "sys/devices/system/node/node%u/cpulist", id);
                /* Page sizes beyond the base page are hugepage sizes; their
                 * counts are memory state, which hwloc's snapshot of them is not. */
                for (unsigned p = 0; p < node->attr->numanode.page_types_len; p++) {
                        uint64_t kib = node->attr->numanode.page_types[p].size / 1024;
                        if (kib > 4 && mkdirs(w->dirfd, "sys/kernel/mm/hugepages/x") == 0) {
                                snprintf(val, sizeof(val), "sys/kernel/mm/hugepages/hugepages-%llukB",
                                         (unsigned long long)kib);
                                if (mkdirat(w->dirfd, val, 0755) < 0 && errno != EEXIST)
                                        w->error = errno;
                        }
                }
                snprintf(val, sizeof(val), "Node %u MemTotal:       %llu kB\n", id,
                         (unsigned long long)(node->attr->numanode.local_memory / 1024));
                put(w, val, "sys/devices/system/node/node%u/meminfo", id);
                /* One line: distances to every node, in node order; 10/20 when hwloc has none. */
                buf[0] = '\0';
                for (unsigned j = 0; j < n; j++) {
                        hwloc_obj_t other = hw.get_obj_by_depth(t, depth, j);
                        unsigned long long v = i == j ? 10 : 20;
                        for (unsigned a = 0; dist && a < dist->nbobjs; a++)
                                for (unsigned b = 0; b < dist->nbobjs; b++)
                                        if (dist->objs[a] == node && dist->objs[b] == other)
                                                v = dist->values[a * dist->nbobjs + b];
                        size_t l = strlen(buf);
                        snprintf(buf + l, bufsize - l, "%s%llu", j ? " " : "", v);
                }
                strcat(buf, "\n");
                put(w, buf, "sys/devices/system/node/node%u/distance", id);
        }
        if (dist)
                hw.distances_release(t, dist);
        /* The process view hwloc recorded: its allowed CPUs and nodes. */
        char cpus[4096], mems[1024];
        cpulist(hw.get_allowed_cpuset(t), cpus, sizeof(cpus));
        cpulist(hw.get_allowed_nodeset(t), mems, sizeof(mems));
        snprintf(buf, bufsize, "Name:\thwloc\nCpus_allowed_list:\t%s\nMems_allowed_list:\t%s\n", cpus, mems);
        put(w, buf, "proc/self/status");
}

/* ---- the node ------------------------------------------------------------ */

static int rm_rf(int parent, const char *name) {
        int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return unlinkat(parent, name, 0) < 0 && errno != ENOENT ? -errno : 0;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        for (struct dirent *de; (de = readdir(d));)
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                        rm_rf(dirfd(d), de->d_name);
        closedir(d);
        return unlinkat(parent, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

static const struct {
        unsigned idx;
        const char *reason;
} blind_spots[] = {
        {HOSTCAPS_IDX_MEMORY, "hwloc topologies record no free memory"},
        {HOSTCAPS_IDX_RESCTRL, "hwloc topologies record no resctrl information"},
        {HOSTCAPS_IDX_HOST, "hwloc topologies record no host identity"},
        {HOSTCAPS_IDX_ISOLATION, "hwloc topologies record no isolation or vulnerability facts"},
        {HOSTCAPS_IDX_FREQUENCY, "hwloc topologies record no cpufreq policies or CPU capacities"},
        /* hwloc's PCI objects are not converted (yet): the tree written
         * from the topology has no devices to probe. */
        {HOSTCAPS_IDX_DEVICES, "hostcaps reads no PCI devices from hwloc topologies"},
};

/* Probe the sections hwloc can fill from the written tree, into `frozen`. */
static int fill(hostcaps_node *frozen, const char *tree) {
        hostcaps_node *node = NULL;
        int e = hostcaps_node_open(&node, tree, 0);
        for (unsigned i = 0; e >= 0 && i < HOSTCAPS_N_SECTIONS; i++) {
                const hostcaps_section_ops *ops = hostcaps_sections[i];
                hostcaps_object *o = NULL;
                bool blind = false;
                if (!ops)
                        continue;
                for (size_t k = 0; k < ELEMENTSOF(blind_spots); k++)
                        if (blind_spots[k].idx == i) {
                                blind = true;
                                e = hostcaps_object_new_absent(ops, blind_spots[k].reason, &o);
                        }
                if (!blind)
                        e = hostcaps_node_get_object(node, 1u << i, 0, &o);
                if (e >= 0)
                        hostcaps_node_publish(frozen, i, o);
        }
        hostcaps_node_unref(node);
        return e;
}

HOSTCAPS_EXPORT int hostcaps_node_open_hwloc(hostcaps_node **ret, const char *path, unsigned int flags) {
        hostcaps_reader *r = NULL;
        hwloc_topology_t t = NULL;
        hostcaps_node *frozen = NULL;
        _cleanup_free_ char *data = NULL, *tree = NULL;
        char buf[65536], arch[64] = "x86_64";
        size_t len;
        int e;

        if (!ret || !path)
                return hostcaps_error(EINVAL, "hostcaps_node_open_hwloc: invalid argument");
        if (flags != 0)
                return hostcaps_error(EINVAL, "hostcaps_node_open_hwloc: unknown flags 0x%x", flags);
        /* A missing file leaves no message of its own: an earlier call's must not show. */
        hostcaps_error_reset();
        pthread_once(&hw_once, hw_load);
        if (hw.error[0])
                return hostcaps_error(EOPNOTSUPP, "%s", hw.error);

        /* Read through the library's reader like every other file, then hand
         * hwloc the buffer. */
        if ((e = hostcaps_reader_new_cwd(&r)) < 0)
                return e;
        e = hostcaps_read_file(r, path, &data, &len);
        hostcaps_reader_free(r);
        if (e < 0)
                return hostcaps_error_finish(e);
        if (hw.topology_init(&t) < 0)
                return -ENOMEM;
        /* Keep what the topology knows of disallowed CPUs and nodes: the
         * allowed view is the process view, reported beside the host's. */
        /* Keep every object the file holds: by default hwloc drops
         * instruction caches even from an imported XML. */
        if (hw.topology_set_flags(t, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED) < 0 ||
            hw.topology_set_all_types_filter(t, HWLOC_TYPE_FILTER_KEEP_ALL) < 0 ||
            hw.topology_set_xmlbuffer(t, data, (int)len + 1) < 0 || hw.topology_load(t) < 0) {
                e = hostcaps_error(EINVAL, "%s: not a valid hwloc XML topology", path);
                goto out;
        }
        const char *a = info(hw.get_obj_by_depth(t, 0, 0), "Architecture");
        if (a)
                snprintf(arch, sizeof(arch), "%s",
                         strcmp(a, "i386") == 0 || strcmp(a, "i586") == 0 ? "i686" : a);

        const char *tmp = secure_getenv("TMPDIR");
        if (!(tree = hostcaps_strdup_printf("%s/hostcaps-hwloc-XXXXXX", tmp && *tmp ? tmp : "/tmp"))) {
                e = -ENOMEM;
                goto out;
        }
        if (!mkdtemp(tree)) {
                e = hostcaps_error(errno, "cannot create a temporary directory: %s", strerror(errno));
                free(tree);
                tree = NULL;
                goto out;
        }
        writer w = {.dirfd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
        if (w.dirfd < 0) {
                e = -errno;
                goto out;
        }
        snprintf(buf, sizeof(buf),
                 "# Written by hostcaps from the hwloc topology %s\narch=%s\npage_size=4096\n", path, arch);
        put(&w, buf, "%s", HOSTCAPS_SNAPSHOT_META);
        write_cpus(&w, t, sizeof(buf), buf);
        write_cpuinfo(&w, t);
        if (hw.get_type_depth(t, HWLOC_OBJ_NUMANODE) != HWLOC_TYPE_DEPTH_UNKNOWN)
                write_nodes(&w, t, sizeof(buf), buf);
        close(w.dirfd);
        if (w.error) {
                e = hostcaps_error(w.error, "writing the topology of %s: %s", path, strerror(w.error));
                goto out;
        }
        hw.topology_destroy(t);
        t = NULL;

        if ((e = hostcaps_node_new_frozen(&frozen, path, arch)) < 0 || (e = fill(frozen, tree)) < 0)
                goto out;
        *ret = TAKE_PTR(frozen);
out:
        if (t)
                hw.topology_destroy(t);
        if (tree) {
                char *slash = strrchr(tree, '/');
                *slash = '\0';
                int parent = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (parent >= 0) {
                        rm_rf(parent, slash + 1);
                        close(parent);
                }
        }
        hostcaps_node_unref(frozen);
        return hostcaps_error_finish(e);
}
