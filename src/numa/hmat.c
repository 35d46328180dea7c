/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Heterogeneous memory in the NUMA section: what the kernel exports of the
 * firmware's HMAT (admin-guide/mm/numaperf in the kernel's documentation).
 *
 *   nodeN/accessC/initiators/nodeM        the initiators with the best
 *                                         performance to N's memory, class C
 *   nodeN/accessC/initiators/{read,write}_{latency,bandwidth}
 *                                         that performance: ns, MiB/s
 *   nodeN/memory_side_cache/indexL/{size,line_size,indexing,write_policy}
 *                                         a cache in front of N's memory
 *
 * Access class 0 (Linux 5.2+) counts every initiator, devices included;
 * class 1 (5.10+) CPUs only. libvirt's <interconnects> shows class 1, one
 * <latency>/<bandwidth> per initiator and target; hostcaps does the same in
 * XML and keeps every class in JSON, text and the accessors.
 *
 * The read policy: every value here is optional. A file that is missing
 * leaves its value unknown; one that is unreadable or malformed leaves it
 * unknown with a reason; nothing here fails the section. */
#include <stdio.h>

#include "host/error.h"
#include "host/jsonout.h"
#include "host/parse.h"
#include "host/units.h"
#include "host/xmlread.h"
#include "numa.h"

/* The kernel's enum cache_indexing and enum cache_write_policy, in libvirt's
 * words (indexed is "full", other is "none"). */
static const char *const associativity_names[] = {"direct", "full", "none"};
static const char *const policy_names[] = {"writeback", "writethrough", "none"};

static const char *const perf_files[4] = {"read_latency", "write_latency", "read_bandwidth",
                                          "write_bandwidth"};

void hostcaps_numa_hmat_cell_done(hostcaps_numa_cell *c) {
        free(c->caches);
        for (size_t k = 0; k < c->n_access; k++) {
                hostcaps_bitmap_free(c->access[k].initiators);
                free(c->access[k].initiators_list);
        }
        free(c->access);
}

/* "access1" with prefix "access": 1. Decimal without leading zeros. */
static bool numbered(const char *name, const char *prefix, unsigned *ret) {
        const char *num = startswith(name, prefix);
        uint32_t v;
        if (!num || !num[0] || (num[0] == '0' && num[1]) || num[0] < '0' || num[0] > '9' ||
            hostcaps_parse_u32(num, &v) < 0)
                return false;
        *ret = v;
        return true;
}

/* ---- probing ----------------------------------------------------------- */

/* One performance value: a decimal number (the kernel's unsigned int). */
static int read_perf(hostcaps_reader *r, hostcaps_numa *numa, unsigned node, hostcaps_numa_access *a,
                     int what) {
        uint64_t v;
        int e = hostcaps_readf_u64(r, &v, NODE_DIR "/node%u/access%u/initiators/%s", node, a->access_class,
                                   perf_files[what]);
        if (e >= 0 && v > UINT32_MAX)
                e = hostcaps_error(ERANGE, NODE_DIR "/node%u/access%u/initiators/%s: %llu out of range", node,
                                   a->access_class, perf_files[what], (unsigned long long)v);
        if (e >= 0) {
                /* Bandwidth in MiB/s: kept in KiB/s, libvirt's unit. */
                a->value[what] = what >= HOSTCAPS_NUMA_READ_BANDWIDTH ? v * 1024 : v;
                a->known[what] = true;
                return 0;
        }
        return hostcaps_optional(&numa->obj, e);
}

/* Access class `cls` of a target cell: the listing of its initiators
 * names them and the value files, so a value file that is not listed is
 * not opened. 1 when the class is there, 0 when not (no message), or a
 * negative errno. */
static int probe_access(hostcaps_reader *r, hostcaps_numa *numa, hostcaps_numa_cell *c, unsigned cls,
                        size_t *allocated) {
        char dir[96], **names = NULL;
        bool listed[4] = {false};
        hostcaps_numa_access *a;
        int e;

        snprintf(dir, sizeof(dir), NODE_DIR "/node%u/access%u/initiators", c->id, cls);
        e = hostcaps_read_dir(r, dir, &names, NULL);
        if (e == -ENOENT || e == -ENOTDIR)
                return 0;
        if (e < 0)
                return hostcaps_optional(&numa->obj, e);
        if ((e = GROW(c->access, *allocated, c->n_access + 1)) < 0) {
                hostcaps_strv_free(names);
                return e;
        }
        a = &c->access[c->n_access++];
        *a = (hostcaps_numa_access){.access_class = cls, .initiators = hostcaps_bitmap_new()};
        for (size_t i = 0; a->initiators && names[i] && e >= 0; i++) {
                unsigned id;
                if (numbered(names[i], "node", &id))
                        e = id < HOSTCAPS_MAX_NODES ? hostcaps_bitmap_set(a->initiators, id) : 0;
                for (int k = 0; k < 4; k++)
                        listed[k] = listed[k] || strcmp(names[i], perf_files[k]) == 0;
        }
        hostcaps_strv_free(names);
        if (!a->initiators)
                return -ENOMEM;
        if (e < 0)
                return e;
        for (int k = 0; k < 4 && e >= 0; k++)
                if (listed[k])
                        e = read_perf(r, numa, c->id, a, k);
        if (e >= 0 && !(a->initiators_list = hostcaps_bitmap_format(a->initiators)))
                e = -ENOMEM;
        return e < 0 ? e : 1;
}

/* A value of memory_side_cache/indexL; -ENOENT (no message) when missing. */
static int read_cache_value(hostcaps_reader *r, unsigned node, unsigned level, const char *file, uint64_t max,
                            uint64_t *ret) {
        int e = hostcaps_readf_u64(r, ret, NODE_DIR "/node%u/memory_side_cache/index%u/%s", node, level,
                                   file);
        if (e >= 0 && *ret > max)
                e = hostcaps_error(ERANGE, NODE_DIR "/node%u/memory_side_cache/index%u/%s: %llu out of range",
                                   node, level, file, (unsigned long long)*ret);
        return e;
}

/* The memory-side caches of a cell: one indexL directory per level (the
 * listing is sorted, so levels ascend); each value optional. */
static int probe_caches(hostcaps_reader *r, hostcaps_numa *numa, hostcaps_numa_cell *c) {
        char dir[96], **names = NULL;
        size_t allocated = 0;
        int e;

        snprintf(dir, sizeof(dir), NODE_DIR "/node%u/memory_side_cache", c->id);
        e = hostcaps_read_dir(r, dir, &names, NULL);
        if (e == -ENOENT || e == -ENOTDIR)
                return 0; /* no message: nothing there */
        if (e < 0)
                return hostcaps_optional(&numa->obj, e);
        for (size_t i = 0; names[i] && e >= 0; i++) {
                hostcaps_numa_cache *k;
                uint64_t v;
                unsigned level;
                if (!numbered(names[i], "index", &level))
                        continue;
                if ((e = GROW(c->caches, allocated, c->n_caches + 1)) < 0)
                        break;
                k = &c->caches[c->n_caches++];
                *k = (hostcaps_numa_cache){.level = level};
                /* Bytes (since 5.2); a cache of 0 bytes is no value. */
                e = read_cache_value(r, c->id, level, "size", UINT64_MAX, &v);
                if (e >= 0 && v == 0)
                        e = hostcaps_error(EINVAL, NODE_DIR "/node%u/memory_side_cache/index%u/size: 0",
                                           c->id, level);
                if (e >= 0)
                        k->size = v;
                else if ((e = hostcaps_optional(&numa->obj, e)) < 0)
                        break;
                /* Bytes; 0 when the firmware gives none (libvirt leaves it out). */
                e = read_cache_value(r, c->id, level, "line_size", UINT32_MAX, &v);
                if (e >= 0)
                        k->line_size = (unsigned)v;
                else if ((e = hostcaps_optional(&numa->obj, e)) < 0)
                        break;
                /* 0 direct mapped, 1 indexed, 2 other. */
                e = read_cache_value(r, c->id, level, "indexing", 2, &v);
                if (e >= 0)
                        k->associativity = associativity_names[v];
                else if ((e = hostcaps_optional(&numa->obj, e)) < 0)
                        break;
                /* 0 write back, 1 write through, 2 other. */
                e = read_cache_value(r, c->id, level, "write_policy", 2, &v);
                if (e >= 0)
                        k->policy = policy_names[v];
                else if ((e = hostcaps_optional(&numa->obj, e)) < 0)
                        break;
        }
        hostcaps_strv_free(names);
        return e < 0 ? e : 1;
}

/* The HMAT of one cell: the kernel's two access classes (0: every
 * initiator, 1: CPUs; ACCESS_COORDINATE_MAX is 2 up to 6.12 at least) and
 * its memory-side caches. Each is looked for by opening the directory
 * that is read when it is there, never by listing the node's directory:
 * that lists a link per memory block (thousands on a large host). Returns
 * 1 when any is there, 0 when none, or a negative errno. */
static int probe_cell(hostcaps_reader *r, hostcaps_numa *numa, hostcaps_numa_cell *c) {
        size_t allocated = 0;
        int any = 0, e;
        for (unsigned cls = 0; cls < 2; cls++) {
                if ((e = probe_access(r, numa, c, cls, &allocated)) < 0)
                        return e;
                any |= e;
        }
        if ((e = probe_caches(r, numa, c)) < 0)
                return e;
        return any | e;
}

int hostcaps_numa_probe_hmat(hostcaps_reader *r, hostcaps_numa *numa) {
        if (numa->synthetic)
                return 0;
        /* The kernel makes accessC/initiators under every node whose memory
         * the HMAT describes, and a firmware's HMAT describes its first
         * node's memory. So a first node with memory answers for the host:
         * on a host without HMAT the probe tries three directories more than
         * it did (two access classes and the caches of the first node),
         * whatever its node count, and nothing in the other nodes. A first
         * node without memory (or not known to have any) cannot answer:
         * then every node is looked at. */
        for (size_t i = 0; i < numa->n_cells; i++) {
                const hostcaps_numa_cell *c = &numa->cells[i];
                int e = probe_cell(r, numa, &numa->cells[i]);
                if (e < 0)
                        return e;
                if (i == 0 && e == 0 && c->has_memory && c->memory_kib > 0)
                        return 0;
        }
        return 0;
}

/* ---- output ------------------------------------------------------------ */

/* libvirt's <cache> of a cell: level, associativity and policy, <size> in
 * KiB, <line> in bytes where known. Its schema requires all but the line:
 * a cache with one of those unknown is left out (JSON and text have it). */
void hostcaps_numa_xml_cell_caches(hostcaps_xml *x, const hostcaps_numa_cell *c) {
        for (size_t k = 0; k < c->n_caches; k++) {
                const hostcaps_numa_cache *m = &c->caches[k];
                if (!m->size || !m->associativity || !m->policy)
                        continue;
                hostcaps_xml_start(x, "cache");
                hostcaps_xml_attrf(x, "level", "%u", m->level);
                hostcaps_xml_attr(x, "associativity", m->associativity);
                hostcaps_xml_attr(x, "policy", m->policy);
                hostcaps_xml_start(x, "size");
                hostcaps_xml_attrf(x, "value", "%llu", (unsigned long long)(m->size >> 10));
                hostcaps_xml_attr(x, "unit", "KiB");
                hostcaps_xml_end(x);
                if (m->line_size) {
                        hostcaps_xml_start(x, "line");
                        hostcaps_xml_attrf(x, "value", "%u", m->line_size);
                        hostcaps_xml_attr(x, "unit", "B");
                        hostcaps_xml_end(x);
                }
                hostcaps_xml_end(x);
        }
}

typedef struct hmat_link {
        unsigned initiator, target;
        const hostcaps_numa_access *a;
} hmat_link;

static int cmp_link(const void *a, const void *b) {
        const hmat_link *x = a, *y = b;
        if (x->initiator != y->initiator)
                return x->initiator < y->initiator ? -1 : 1;
        return x->target < y->target ? -1 : x->target > y->target;
}

/* libvirt's <interconnects>: access class 1, one element per initiator,
 * target and value; all <latency> (ns) before all <bandwidth> (KiB/s), each
 * ordered by initiator, target, then read before write. Without a known
 * value, no element. */
void hostcaps_numa_xml_interconnects(hostcaps_xml *x, const hostcaps_numa *numa) {
        _cleanup_free_ hmat_link *links = NULL;
        size_t n = 0, allocated = 0;
        bool any = false;

        for (size_t i = 0; i < numa->n_cells; i++) {
                const hostcaps_numa_cell *c = &numa->cells[i];
                for (size_t k = 0; k < c->n_access; k++) {
                        const hostcaps_numa_access *a = &c->access[k];
                        if (a->access_class != 1)
                                continue;
                        BITMAP_FOREACH(ini, a->initiators) {
                                if (GROW(links, allocated, n + 1) < 0) {
                                        x->w.failed = true; /* sticky, as the writer's own failures */
                                        return;
                                }
                                links[n++] = (hmat_link){(unsigned)ini, c->id, a};
                                for (int v = 0; v < 4; v++)
                                        any = any || a->known[v];
                        }
                }
        }
        if (!any)
                return;
        if (n > 1)
                qsort(links, n, sizeof(*links), cmp_link);
        hostcaps_xml_start(x, "interconnects");
        for (int type = 0; type < 2; type++)
                for (size_t l = 0; l < n; l++)
                        for (int rw = 0; rw < 2; rw++) {
                                int what = type * 2 + rw;
                                if (!links[l].a->known[what])
                                        continue;
                                hostcaps_xml_start(x, type ? "bandwidth" : "latency");
                                hostcaps_xml_attrf(x, "initiator", "%u", links[l].initiator);
                                hostcaps_xml_attrf(x, "target", "%u", links[l].target);
                                hostcaps_xml_attr(x, "type", rw ? "write" : "read");
                                hostcaps_xml_attrf(x, "value", "%llu",
                                                   (unsigned long long)links[l].a->value[what]);
                                if (type)
                                        hostcaps_xml_attr(x, "unit", "KiB");
                                hostcaps_xml_end(x);
                        }
        hostcaps_xml_end(x);
}

static const char *const perf_json[4] = {"read_latency_ns", "write_latency_ns", "read_bandwidth_kib_s",
                                         "write_bandwidth_kib_s"};

int hostcaps_numa_json_cell_hmat(struct json_object *j, const hostcaps_numa_cell *c) {
        struct json_object *caches = json_object_new_array(), *access = json_object_new_array();
        int e = 0;
        for (size_t k = 0; k < c->n_caches; k++) {
                const hostcaps_numa_cache *m = &c->caches[k];
                struct json_object *o = json_object_new_object();
                hostcaps_json_set_u64(&e, o, "level", true, m->level);
                hostcaps_json_set_u64(&e, o, "size_bytes", m->size != 0, m->size);
                hostcaps_json_set_u64(&e, o, "line_size_bytes", m->line_size != 0, m->line_size);
                hostcaps_json_set_str(&e, o, "associativity", m->associativity);
                hostcaps_json_set_str(&e, o, "policy", m->policy);
                hostcaps_json_append(&e, caches, o);
        }
        for (size_t k = 0; k < c->n_access; k++) {
                const hostcaps_numa_access *a = &c->access[k];
                struct json_object *o = json_object_new_object();
                hostcaps_json_set_u64(&e, o, "class", true, a->access_class);
                hostcaps_json_set_str(&e, o, "initiators", a->initiators_list);
                for (int v = 0; v < 4; v++)
                        hostcaps_json_set_u64(&e, o, perf_json[v], a->known[v], a->value[v]);
                hostcaps_json_append(&e, access, o);
        }
        hostcaps_json_set(&e, j, "memory_side_caches", caches);
        hostcaps_json_set(&e, j, "access", access);
        return e;
}

static const char *perf_text(char *buf, size_t size, const hostcaps_numa_access *a, int what) {
        if (!a->known[what])
                return "unknown";
        if (what < HOSTCAPS_NUMA_READ_BANDWIDTH)
                snprintf(buf, size, "%llu ns", (unsigned long long)a->value[what]);
        else {
                char h[32];
                snprintf(buf, size, "%s/s", hostcaps_unit_human_kib(h, sizeof(h), a->value[what]));
        }
        return buf;
}

void hostcaps_numa_text_hmat(hostcaps_buf *b, const hostcaps_numa *numa) {
        bool caches = false, access = false;
        char s[4][48], size[32];

        for (size_t i = 0; i < numa->n_cells; i++) {
                caches = caches || numa->cells[i].n_caches;
                access = access || numa->cells[i].n_access;
        }
        if (caches) {
                hostcaps_buf_printf(b, "Memory-side caches (HMAT):\n  %5s  %5s  %-10s  %-6s  %-7s  %s\n",
                                    "cell", "level", "size", "line", "assoc", "policy");
                for (size_t i = 0; i < numa->n_cells; i++)
                        for (size_t k = 0; k < numa->cells[i].n_caches; k++) {
                                const hostcaps_numa_cache *m = &numa->cells[i].caches[k];
                                if (m->line_size)
                                        snprintf(s[0], sizeof(s[0]), "%u B", m->line_size);
                                hostcaps_buf_printf(
                                        b, "  %5u  %5u  %-10s  %-6s  %-7s  %s\n", numa->cells[i].id, m->level,
                                        m->size ? hostcaps_unit_human_kib(size, sizeof(size), m->size >> 10)
                                                : "unknown",
                                        m->line_size ? s[0] : "unknown",
                                        m->associativity ? m->associativity : "unknown",
                                        m->policy ? m->policy : "unknown");
                        }
        }
        if (access) {
                hostcaps_buf_printf(b,
                                    "Memory access (HMAT; class 0: all initiators, 1: CPUs):\n"
                                    "  %6s  %5s  %-12s  %-10s  %-10s  %-14s  %s\n",
                                    "target", "class", "initiators", "read lat", "write lat", "read bw",
                                    "write bw");
                for (size_t i = 0; i < numa->n_cells; i++)
                        for (size_t k = 0; k < numa->cells[i].n_access; k++) {
                                const hostcaps_numa_access *a = &numa->cells[i].access[k];
                                hostcaps_buf_printf(b, "  %6u  %5u  %-12s  %-10s  %-10s  %-14s  %s\n",
                                                    numa->cells[i].id, a->access_class,
                                                    *a->initiators_list ? a->initiators_list : "-",
                                                    perf_text(s[0], sizeof(s[0]), a, 0),
                                                    perf_text(s[1], sizeof(s[1]), a, 1),
                                                    perf_text(s[2], sizeof(s[2]), a, 2),
                                                    perf_text(s[3], sizeof(s[3]), a, 3));
                        }
        }
}

/* ---- loading ------------------------------------------------------------ */

/* <cache level associativity policy><size value unit/><line value unit/>,
 * ascending levels as libvirt writes them. */
int hostcaps_numa_cell_caches_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr cell, hostcaps_numa_cell *c) {
        size_t n = 0;
        int e;
        XML_FOREACH_CHILD(k, cell, "cache")
        n++;
        if (!n)
                return 0;
        if (!(c->caches = calloc(n, sizeof(*c->caches))))
                return -ENOMEM;
        XML_FOREACH_CHILD(k, cell, "cache") {
                hostcaps_numa_cache *m = &c->caches[c->n_caches];
                xmlNodePtr size = hostcaps_xml_child(k, "size"), line = hostcaps_xml_child(k, "line");
                uint64_t bytes;
                int a, p;
                if ((e = hostcaps_xml_prop_u32(d, k, "level", true, &m->level)) < 0 ||
                    (e = hostcaps_xml_prop_enum(d, k, "associativity", associativity_names, 3, &a)) < 0 ||
                    (e = hostcaps_xml_prop_enum(d, k, "policy", policy_names, 3, &p)) < 0)
                        return e;
                if (c->n_caches > 0 && m->level <= c->caches[c->n_caches - 1].level)
                        return hostcaps_xml_error(d, k, "<cache level='%u'> repeated or out of order",
                                                  m->level);
                m->associativity = associativity_names[a];
                m->policy = policy_names[p];
                if (!size)
                        return hostcaps_xml_error(d, k, "<cache level='%u'> without <size>", m->level);
                if ((e = hostcaps_xml_prop_size(d, size, "value", "unit", 1024, true, &bytes)) < 0)
                        return e;
                if (bytes < 1024)
                        return hostcaps_xml_error(d, size, "<size>: under 1 KiB");
                m->size = bytes;
                if (line) {
                        if ((e = hostcaps_xml_prop_size(d, line, "value", "unit", 1, true, &bytes)) < 0)
                                return e;
                        if (bytes == 0 || bytes > UINT32_MAX)
                                return hostcaps_xml_error(d, line, "<line>: out of range");
                        m->line_size = (unsigned)bytes;
                }
                c->n_caches++;
        }
        return 0;
}

static const char *const rw_names[] = {"read", "write"};

/* One <latency> or <bandwidth>: into access class 1 of its target, whose
 * initiators are those the elements name. */
static int link_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr l, bool bandwidth, hostcaps_numa *numa,
                         unsigned *seen) {
        uint32_t initiator, target, cache;
        uint64_t v;
        int rw, e, i;
        if ((e = hostcaps_xml_prop_u32(d, l, "initiator", true, &initiator)) < 0 ||
            (e = hostcaps_xml_prop_u32(d, l, "target", true, &target)) < 0)
                return e;
        e = hostcaps_xml_prop_u32(d, l, "cache", false, &cache);
        if (e >= 0 && cache != 0)
                return hostcaps_xml_error(d, l, "cache='%u': a host's interconnects reach memory, not caches",
                                          cache);
        if (e < 0 && e != -ENOENT)
                return e;
        if ((e = hostcaps_xml_prop_enum(d, l, "type", rw_names, 2, &rw)) < 0)
                return e;
        if (bandwidth)
                e = hostcaps_xml_prop_size(d, l, "value", "unit", 1024, true, &v);
        else
                e = hostcaps_xml_prop_u64(d, l, "value", true, &v);
        if (e < 0)
                return e;
        if (bandwidth)
                v /= 1024;
        if (initiator >= HOSTCAPS_MAX_NODES)
                return hostcaps_xml_error(d, l, "initiator='%u' out of range", initiator);
        if ((i = hostcaps_numa_cell_index(numa, target)) < 0)
                return hostcaps_xml_error(d, l, "target='%u': no such cell", target);
        hostcaps_numa_cell *c = &numa->cells[i];
        if (!c->n_access) {
                if (!(c->access = calloc(1, sizeof(*c->access))) ||
                    !(c->access[0].initiators = hostcaps_bitmap_new()))
                        return -ENOMEM;
                c->access[0].access_class = 1;
                c->n_access = 1;
        }
        hostcaps_numa_access *a = &c->access[0];
        int what = (bandwidth ? 2 : 0) + rw;
        if (a->known[what] && a->value[what] != v)
                return hostcaps_xml_error(d, l,
                                          "target='%u': values differ between initiators (hostcaps records "
                                          "one per target, as the kernel)",
                                          target);
        a->known[what] = true;
        a->value[what] = v;
        seen[(size_t)i * 4 + (size_t)what]++;
        return hostcaps_bitmap_set(a->initiators, initiator);
}

int hostcaps_numa_interconnects_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr topology,
                                         hostcaps_numa *numa) {
        xmlNodePtr ic = hostcaps_xml_child(topology, "interconnects");
        _cleanup_free_ unsigned *seen = NULL;
        int e;
        if (!ic)
                return 0;
        if (!(seen = calloc(numa->n_cells * 4, sizeof(unsigned))))
                return -ENOMEM;
        XML_FOREACH_CHILD(l, ic, "latency")
        if ((e = link_from_xml(d, l, false, numa, seen)) < 0)
                return e;
        XML_FOREACH_CHILD(l, ic, "bandwidth")
        if ((e = link_from_xml(d, l, true, numa, seen)) < 0)
                return e;
        /* Every value of a target from each of its initiators, once. */
        for (size_t i = 0; i < numa->n_cells; i++) {
                hostcaps_numa_access *a = numa->cells[i].n_access ? &numa->cells[i].access[0] : NULL;
                if (!a)
                        continue;
                size_t n = hostcaps_bitmap_count(a->initiators);
                for (int v = 0; v < 4; v++)
                        if (seen[i * 4 + (size_t)v] && seen[i * 4 + (size_t)v] != n)
                                return hostcaps_xml_error(
                                        d, ic, "target='%u': %s given %u times for %zu initiators",
                                        numa->cells[i].id, perf_files[v], seen[i * 4 + (size_t)v], n);
                if (!(a->initiators_list = hostcaps_bitmap_format(a->initiators)))
                        return -ENOMEM;
        }
        return 0;
}

/* ---- public accessors --------------------------------------------------- */

static const hostcaps_numa_cell *hcell(const hostcaps_numa *numa, size_t i) {
        return numa && i < numa->n_cells ? &numa->cells[i] : NULL;
}

HOSTCAPS_EXPORT size_t hostcaps_numa_cell_n_caches(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = hcell(numa, i);
        return c ? c->n_caches : 0;
}

HOSTCAPS_EXPORT const hostcaps_numa_cache *hostcaps_numa_cell_cache(const hostcaps_numa *numa, size_t i,
                                                                    size_t k) {
        const hostcaps_numa_cell *c = hcell(numa, i);
        return c && k < c->n_caches ? &c->caches[k] : NULL;
}

HOSTCAPS_EXPORT size_t hostcaps_numa_cell_n_access(const hostcaps_numa *numa, size_t i) {
        const hostcaps_numa_cell *c = hcell(numa, i);
        return c ? c->n_access : 0;
}

static const hostcaps_numa_access *access_of(const hostcaps_numa *numa, size_t i, size_t k) {
        const hostcaps_numa_cell *c = hcell(numa, i);
        return c && k < c->n_access ? &c->access[k] : NULL;
}

HOSTCAPS_EXPORT int hostcaps_numa_cell_access_class(const hostcaps_numa *numa, size_t i, size_t k) {
        const hostcaps_numa_access *a = access_of(numa, i, k);
        return a ? (int)a->access_class : -EINVAL;
}

HOSTCAPS_EXPORT const char *hostcaps_numa_cell_access_initiators(const hostcaps_numa *numa, size_t i,
                                                                 size_t k) {
        const hostcaps_numa_access *a = access_of(numa, i, k);
        return a ? a->initiators_list : NULL;
}

HOSTCAPS_EXPORT int hostcaps_numa_cell_access_perf(const hostcaps_numa *numa, size_t i, size_t k,
                                                   hostcaps_numa_perf what, uint64_t *ret) {
        const hostcaps_numa_access *a = access_of(numa, i, k);
        if (!a || (unsigned)what > HOSTCAPS_NUMA_WRITE_BANDWIDTH)
                return -EINVAL;
        if (!a->known[what])
                return -ENODATA;
        if (ret)
                *ret = a->value[what];
        return 0;
}
