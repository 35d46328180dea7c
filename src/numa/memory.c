/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The memory-state section: per cell, free memory and hugepage pools. It is
 * volatile (read again at every request on a live host), so it reads only
 * what it reports: the node list, each node's meminfo and its hugepage
 * counters. */
#include <stdio.h>

#include "host/error.h"
#include "host/export.h"
#include "host/hugepages.h"
#include "host/jsonout.h"
#include "host/parse.h"
#include "host/units.h"
#include "host/xmlread.h"
#include "numa.h"

static void memory_free(hostcaps_object *o) {
        hostcaps_memory *mem = (hostcaps_memory *)o;
        for (size_t i = 0; i < mem->n_cells; i++)
                free(mem->cells[i].huge);
        free(mem->cells);
}

/* A hugepage count the read policy made unknown (its file was bad). No
 * real count comes near it: a pool never holds more pages than the node
 * has memory. */
#define COUNT_UNKNOWN UINT64_MAX

/* Base pages as libvirt counts them (virNumaGetPages): the hugepage pools
 * are taken out of MemTotal but the kernel still counts them in it, so the
 * pools are subtracted first, and the rest, in base pages, is the total.
 * Free is MemFree in base pages. Unknown when a pool's size is. */
static void count_base_pages(hostcaps_memory_cell *c, uint64_t base_kib) {
        uint64_t huge = 0;
        for (size_t k = 0; k < c->n_huge; k++) {
                if (c->huge[k].total == COUNT_UNKNOWN)
                        return;
                huge += c->huge[k].size_kib * c->huge[k].total;
        }
        c->base_total = (huge < c->total_kib ? c->total_kib - huge : 0) / base_kib;
        c->base_free = c->free_kib / base_kib;
        c->has_base = true;
}

/* MemTotal and MemFree of a cell, each optional: a node meminfo with
 * MemTotal only (old kernels, some recorders) leaves the free memory
 * unknown, a bad one both. A root recorded without meminfo (libvirt's test
 * trees) leaves them unknown without a word. */
static int read_meminfo(hostcaps_memory *mem, hostcaps_reader *r, int node, hostcaps_memory_cell *c) {
        int e = hostcaps_numa_read_meminfo(r, node, &c->total_kib, &c->free_kib);
        if (e >= 0) {
                c->has_total = c->has_free = true;
                return 0;
        }
        if (e == -ENOMEM || e == -ENOENT || e == -ENOTDIR)
                return hostcaps_optional(&mem->obj, e);
        /* The reason is the first failure; the total may stand without MemFree. */
        if ((e = hostcaps_optional(&mem->obj, e)) < 0)
                return e;
        e = hostcaps_numa_read_meminfo(r, node, &c->total_kib, NULL);
        if (e >= 0) {
                c->has_total = true;
                return 0;
        }
        hostcaps_error_reset(); /* the same file, said once already */
        return e == -ENOMEM ? e : 0;
}

static int cmp_pages(const void *a, const void *b) {
        uint64_t x = ((const hostcaps_memory_pages *)a)->size_kib;
        uint64_t y = ((const hostcaps_memory_pages *)b)->size_kib;
        return x < y ? -1 : x > y;
}

/* One pool counter, optional: a bad file makes that count unknown. Both
 * are one decimal number (since 2.6.27). A pool cannot hold more than the
 * node's memory (the kernel counts the pools in MemTotal); without meminfo,
 * no count fits libvirt's 32-bit <pages> beyond 2^32 - 1. */
static int read_count(hostcaps_memory *mem, hostcaps_reader *r, const char *dir, const char *name,
                      const char *file, uint64_t size_kib, uint64_t limit, uint64_t *ret) {
        int e = hostcaps_readf_u64(r, ret, "%s/%s/%s", dir, name, file);
        if (e >= 0 && *ret > limit)
                e = hostcaps_error(ERANGE, "%s/%s/%s: %llu pages of %llu kB exceed %s", dir, name, file,
                                   (unsigned long long)*ret, (unsigned long long)size_kib,
                                   limit == UINT32_MAX ? "any machine's memory" : "the node's MemTotal");
        if (e < 0)
                *ret = COUNT_UNKNOWN;
        return e < 0 ? hostcaps_optional(&mem->obj, e) : 0;
}

typedef struct pools {
        hostcaps_memory *mem;
        hostcaps_reader *r;
        const char *dir;
        hostcaps_memory_cell *c;
        size_t allocated;
} pools;

static int add_pool(void *userdata, const char *name, uint64_t kib) {
        pools *p = userdata;
        hostcaps_memory_cell *c = p->c;
        int e = GROW(c->huge, p->allocated, c->n_huge + 1);
        if (e < 0)
                return e;
        hostcaps_memory_pages *pg = &c->huge[c->n_huge++];
        uint64_t limit = c->has_total ? c->total_kib / kib : UINT32_MAX;
        *pg = (hostcaps_memory_pages){.size_kib = kib};
        /* free_hugepages may exceed nr_hugepages: the free count includes
         * surplus pages reserved by an overcommitted mapping, and
         * nr_hugepages counts only the persistent pool. */
        e = read_count(p->mem, p->r, p->dir, name, "nr_hugepages", kib, limit, &pg->total);
        if (e >= 0)
                e = read_count(p->mem, p->r, p->dir, name, "free_hugepages", kib, limit, &pg->free);
        return e;
}

/* The pools below `dir` (nodeN/hugepages, or sys/kernel/mm/hugepages for
 * the synthetic cell; src/host/hugepages.h), ascending. Optional, each
 * part: a directory that cannot be listed leaves the pools unknown
 * (*ret_known false), a name of another spelling is left out, a bad
 * counter is that count unknown. */
static int read_pools(hostcaps_memory *mem, hostcaps_reader *r, const char *dir, hostcaps_memory_cell *c,
                      bool *ret_known) {
        pools p = {.mem = mem, .r = r, .dir = dir, .c = c};
        int e = hostcaps_hugepages_foreach(r, dir, &mem->obj, add_pool, &p);

        *ret_known = e >= 0 || e == -ENOENT || e == -ENOTDIR;
        if (e < 0) /* -ENOMEM passes through */
                return hostcaps_optional(&mem->obj, e);
        if (c->n_huge > 1)
                qsort(c->huge, c->n_huge, sizeof(*c->huge), cmp_pages);
        return 0;
}

/* nodeN/meminfo, or proc/meminfo for the synthetic cell (node < 0), and the
 * pools. */
static int read_cell(hostcaps_memory *mem, hostcaps_reader *r, int node, hostcaps_memory_cell *c) {
        char dir[96];
        bool pools_known;
        int e = read_meminfo(mem, r, node, c);
        if (e < 0)
                return e;
        if (node >= 0)
                snprintf(dir, sizeof(dir), NODE_DIR "/node%d/hugepages", node);
        else
                snprintf(dir, sizeof(dir), "sys/kernel/mm/hugepages");
        if ((e = read_pools(mem, r, dir, c, &pools_known)) < 0)
                return e;
        c->huge_free_known = true;
        if (c->has_total && pools_known)
                count_base_pages(c, mem->base_page_kib);
        return 0;
}

/* Required: the node list (its absence is a kernel without NUMA: one
 * synthetic cell). Everything per cell is optional. */
static int memory_probe_into(const hostcaps_probe_ctx *ctx, hostcaps_memory *mem) {
        _cleanup_bitmap_ hostcaps_bitmap *nodes = NULL;
        size_t k = 0;
        int e;

        mem->base_page_kib = ctx->page_size >= 1024 ? ctx->page_size / 1024 : 4;
        e = hostcaps_numa_read_nodes(ctx->reader, &nodes);
        if (e == -ENOENT || (e >= 0 && hostcaps_bitmap_is_empty(nodes))) {
                mem->synthetic = true;
                if (!(mem->cells = calloc(1, sizeof(hostcaps_memory_cell))))
                        return -ENOMEM;
                mem->n_cells = 1;
                return read_cell(mem, ctx->reader, -1, &mem->cells[0]);
        }
        if (e < 0)
                return e;
        if (!(mem->cells = calloc(hostcaps_bitmap_count(nodes), sizeof(hostcaps_memory_cell))))
                return -ENOMEM;
        BITMAP_FOREACH(id, nodes) {
                hostcaps_memory_cell *c = &mem->cells[k];
                c->id = (unsigned)id;
                mem->n_cells = ++k;
                if ((e = read_cell(mem, ctx->reader, id, c)) < 0)
                        return e;
        }
        return 0;
}

static int memory_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        int e = hostcaps_object_new(HOSTCAPS_SECTION_MEMORY, &o);
        if (e >= 0)
                e = memory_probe_into(ctx, (hostcaps_memory *)o);
        return hostcaps_object_finish(o, e, ret);
}

/* ---- output ----------------------------------------------------------- */

/* Cells are in ascending id order (read from a node bitmap). */
static const hostcaps_memory_cell *find_cell(const hostcaps_memory *mem, unsigned id) {
        int i = hostcaps_find_by_id(mem->cells, mem->n_cells, sizeof(*mem->cells),
                                    offsetof(hostcaps_memory_cell, id), id);
        return i >= 0 ? &mem->cells[i] : NULL;
}

/* The writer's failure is sticky and checked once per document. */
static void xml_pages(hostcaps_xml *x, uint64_t size_kib, uint64_t count) {
        hostcaps_xml_start(x, "pages");
        hostcaps_xml_attr(x, "unit", "KiB");
        hostcaps_xml_attrf(x, "size", "%llu", (unsigned long long)size_kib);
        hostcaps_xml_contentf(x, "%llu", (unsigned long long)count);
        hostcaps_xml_end(x);
}

/* <pages unit='KiB' size='4'>N</pages>, then one per hugepage size,
 * ascending, as libvirt prints them inside a <cell>. Unknown counts are
 * left out, as libvirt leaves out what it does not know. */
static void memory_xml_cell_pages(hostcaps_xml *x, const hostcaps_object *o, unsigned int cell_id) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        const hostcaps_memory_cell *c = find_cell(mem, cell_id);
        if (!c)
                return;
        if (c->has_base)
                xml_pages(x, mem->base_page_kib, c->base_total);
        for (size_t k = 0; k < c->n_huge; k++)
                if (c->huge[k].total != COUNT_UNKNOWN)
                        xml_pages(x, c->huge[k].size_kib, c->huge[k].total);
}

/* Without the NUMA section, the document still shows the memory state
 * where libvirt has it: <topology><cells> whose cells hold only what this
 * section knows (id, memory, pages). The schema makes everything in a
 * <cell> but its id optional, so this validates; a reader that wants CPUs
 * and distances asks for the NUMA section too. */
static void memory_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        if (region != HOSTCAPS_XML_TOPOLOGY || hostcaps_xml_has_section(x, HOSTCAPS_SECTION_NUMA))
                return;
        hostcaps_xml_start(x, "topology");
        hostcaps_xml_start(x, "cells");
        hostcaps_xml_attrf(x, "num", "%zu", mem->n_cells);
        for (size_t i = 0; i < mem->n_cells; i++) {
                const hostcaps_memory_cell *c = &mem->cells[i];
                hostcaps_xml_start(x, "cell");
                hostcaps_xml_attrf(x, "id", "%u", c->id);
                if (c->has_total) {
                        hostcaps_xml_start(x, "memory");
                        hostcaps_xml_attr(x, "unit", "KiB");
                        hostcaps_xml_contentf(x, "%llu", (unsigned long long)c->total_kib);
                        hostcaps_xml_end(x);
                }
                memory_xml_cell_pages(x, o, c->id);
                hostcaps_xml_end(x);
        }
        hostcaps_xml_end(x);
        hostcaps_xml_end(x);
}

static struct json_object *json_pages(int *e, uint64_t size_kib, uint64_t total, bool has_free,
                                      uint64_t free_pages) {
        struct json_object *p = json_object_new_object();
        hostcaps_json_set_u64(e, p, "size_kib", true, size_kib);
        hostcaps_json_set_u64(e, p, "total", total != COUNT_UNKNOWN, total);
        hostcaps_json_set_u64(e, p, "free", has_free && free_pages != COUNT_UNKNOWN, free_pages);
        return p;
}

static int memory_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        struct json_object *j = json_object_new_object(), *cells = json_object_new_array();
        int e = 0;

        hostcaps_json_set(&e, j, "synthetic", json_object_new_boolean(mem->synthetic));
        hostcaps_json_set_u64(&e, j, "base_page_kib", true, mem->base_page_kib);
        for (size_t i = 0; i < mem->n_cells; i++) {
                const hostcaps_memory_cell *c = &mem->cells[i];
                struct json_object *cj = json_object_new_object(), *pages = json_object_new_array();
                hostcaps_json_set_u64(&e, cj, "id", true, c->id);
                hostcaps_json_set_u64(&e, cj, "total_kib", c->has_total, c->total_kib);
                hostcaps_json_set_u64(&e, cj, "free_kib", c->has_free, c->free_kib);
                /* The base page first, as libvirt counts it; then the hugepage pools. */
                if (c->has_base)
                        hostcaps_json_append(
                                &e, pages,
                                json_pages(&e, mem->base_page_kib, c->base_total, c->has_free, c->base_free));
                for (size_t k = 0; k < c->n_huge; k++)
                        hostcaps_json_append(&e, pages,
                                             json_pages(&e, c->huge[k].size_kib, c->huge[k].total,
                                                        c->huge_free_known, c->huge[k].free));
                hostcaps_json_set(&e, cj, "pages", pages);
                hostcaps_json_append(&e, cells, cj);
        }
        hostcaps_json_set(&e, j, "cells", cells);
        hostcaps_json_set(&e, root, "memory", j);
        return e;
}

static const char *count_text(char *buf, size_t size, uint64_t n) {
        if (n == COUNT_UNKNOWN)
                return "unknown";
        snprintf(buf, size, "%llu", (unsigned long long)n);
        return buf;
}

static int memory_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        char t[32], f[32];
        hostcaps_buf_printf(b, "%-24s %zu%s\n", "Memory cells:", mem->n_cells,
                            mem->synthetic ? " (no NUMA in the kernel: the whole host)" : "");
        hostcaps_buf_printf(b, "  %5s  %-10s  %-10s  %s\n", "cell", "total", "free",
                            "hugepages (size: total/free)");
        for (size_t i = 0; i < mem->n_cells; i++) {
                const hostcaps_memory_cell *c = &mem->cells[i];
                hostcaps_buf_printf(
                        b, "  %5u  %-10s  %-10s ", c->id,
                        c->has_total ? hostcaps_unit_human_kib(t, sizeof(t), c->total_kib) : "unknown",
                        c->has_free ? hostcaps_unit_human_kib(f, sizeof(f), c->free_kib) : "unknown");
                for (size_t k = 0; k < c->n_huge; k++) {
                        uint64_t kib = c->huge[k].size_kib;
                        /* 2048 kB as "2M", 1048576 kB as "1G": the exact unit,
                         * KiB to GiB, by its initial. */
                        unsigned u = hostcaps_unit_exponent(kib * 1024);
                        if (u > 3)
                                u = 3;
                        snprintf(t, sizeof(t), "%llu%c", (unsigned long long)(kib >> (10 * (u - 1))),
                                 hostcaps_unit_name(u)[0]);
                        hostcaps_buf_printf(b, "%s %s: %s/", k ? "," : "", t,
                                            count_text(f, sizeof(f), c->huge[k].total));
                        /* A loaded document has no free counts. */
                        hostcaps_buf_puts(b, c->huge_free_known ? count_text(f, sizeof(f), c->huge[k].free)
                                                                : "?");
                }
                hostcaps_buf_puts(b, c->n_huge ? "\n" : " none\n");
        }
        return 0;
}

/* ---- from a saved document --------------------------------------------- */

/* The base page size of a loaded document: the smallest <pages> of its
 * <cpu> (where libvirt lists every size), else of its cells, else 4 KiB. */
static uint64_t doc_base_page_kib(const hostcaps_doc_ctx *d, xmlNodePtr cells) {
        uint64_t best = 0, bytes;
        XML_FOREACH_CHILD(p, hostcaps_xml_child(d->host, "cpu"), "pages")
        if (hostcaps_xml_prop_size(d, p, "size", "unit", 1024, true, &bytes) >= 0 && bytes >= 1024 &&
            (!best || bytes / 1024 < best))
                best = bytes / 1024;
        XML_FOREACH_CHILD(c, best ? NULL : cells, "cell")
        XML_FOREACH_CHILD(p, c, "pages")
        if (hostcaps_xml_prop_size(d, p, "size", "unit", 1024, true, &bytes) >= 0 && bytes >= 1024 &&
            (!best || bytes / 1024 < best))
                best = bytes / 1024;
        hostcaps_error_reset();
        return best ? best : 4;
}

typedef struct doc_pages {
        uint64_t size_kib, count;
        xmlNodePtr node;
        size_t at; /* document order */
} doc_pages;

/* By size, then in document order (the later of two is the one refused). */
static int cmp_doc_pages(const void *a, const void *b) {
        const doc_pages *x = a, *y = b;
        if (x->size_kib != y->size_kib)
                return x->size_kib < y->size_kib ? -1 : 1;
        return x->at < y->at ? -1 : x->at > y->at;
}

/* One <cell>: <memory unit='KiB'>N</memory> and <pages unit='KiB' size='S'>N</pages>.
 * A document has totals only: free memory and free pages are unknown. The
 * sizes are sorted once, so that a size given twice is found in one pass
 * (a hostile document may hold 50 000 <pages> in a cell). */
static int cell_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr n, uint64_t base_kib,
                         hostcaps_memory_cell *c) {
        xmlNodePtr m = hostcaps_xml_child(n, "memory");
        _cleanup_free_ doc_pages *pages = NULL;
        size_t n_pages = 0, allocated = 0;
        uint64_t bytes;
        int e;

        if ((e = hostcaps_xml_prop_u32(d, n, "id", true, &c->id)) < 0)
                return e;
        if (m) {
                if ((e = hostcaps_xml_prop_size(d, m, NULL, "unit", 1024, true, &bytes)) < 0)
                        return e;
                c->total_kib = bytes / 1024;
                c->has_total = true;
        }
        XML_FOREACH_CHILD(p, n, "pages") {
                _cleanup_free_ char *text = NULL;
                uint64_t count;
                if ((e = hostcaps_xml_prop_size(d, p, "size", "unit", 1024, true, &bytes)) < 0)
                        return e;
                if (bytes / 1024 == 0)
                        return hostcaps_xml_error(d, p, "<pages> of size 0");
                if ((e = hostcaps_xml_text_content(d, p, &text)) < 0)
                        return e;
                /* UINT64_MAX stands for an unknown count. */
                if (hostcaps_parse_u64(text, &count) < 0 || count == COUNT_UNKNOWN)
                        return hostcaps_xml_error(d, p, "<pages>: invalid count '%.32s'", text);
                if (GROW(pages, allocated, n_pages + 1) < 0)
                        return -ENOMEM;
                pages[n_pages] = (doc_pages){bytes / 1024, count, p, n_pages};
                n_pages++;
        }
        if (n_pages > 1)
                qsort(pages, n_pages, sizeof(*pages), cmp_doc_pages);
        for (size_t i = 1; i < n_pages; i++)
                if (pages[i].size_kib == pages[i - 1].size_kib)
                        return hostcaps_xml_error(d, pages[i].node, "<pages> of size %llu KiB again",
                                                  (unsigned long long)pages[i].size_kib);
        /* Ascending, as a probe has them; the base page apart. */
        if (n_pages && !(c->huge = calloc(n_pages, sizeof(*c->huge))))
                return -ENOMEM;
        for (size_t i = 0; i < n_pages; i++) {
                if (pages[i].size_kib == base_kib) {
                        c->base_total = pages[i].count;
                        c->has_base = true;
                } else
                        c->huge[c->n_huge++] = (hostcaps_memory_pages){.size_kib = pages[i].size_kib,
                                                                       .total = pages[i].count};
        }
        return 0;
}

static int memory_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr cells = hostcaps_xml_child(hostcaps_xml_child(d->host, "topology"), "cells");
        hostcaps_memory *mem;
        hostcaps_object *o;
        size_t n = 0, any = 0;
        int e = 0;

        XML_FOREACH_CHILD(c, cells, "cell") {
                n++;
                any += hostcaps_xml_child(c, "memory") || hostcaps_xml_child(c, "pages");
        }
        if (!any)
                return -ENODATA;
        if ((e = hostcaps_object_new(HOSTCAPS_SECTION_MEMORY, &o)) < 0)
                return e;
        mem = (hostcaps_memory *)o;
        mem->base_page_kib = doc_base_page_kib(d, cells);
        if (!(mem->cells = calloc(n, sizeof(hostcaps_memory_cell))))
                e = -ENOMEM;
        XML_FOREACH_CHILD(c, e < 0 ? NULL : cells, "cell") {
                hostcaps_memory_cell *cell = &mem->cells[mem->n_cells++];
                if ((e = cell_from_xml(d, c, mem->base_page_kib, cell)) < 0)
                        break;
                /* Ascending, as libvirt writes them: lookups are binary searches. */
                if (mem->n_cells > 1 && cell->id <= mem->cells[mem->n_cells - 2].id)
                        e = hostcaps_xml_error(d, c, "<cell id='%u'> repeated or out of order", cell->id);
                else if (cell->id >= HOSTCAPS_MAX_NODES)
                        e = hostcaps_xml_error(d, c, "<cell id='%u'> exceeds the kernel's limit of %u nodes",
                                               cell->id, HOSTCAPS_MAX_NODES);
                if (e < 0)
                        break;
        }
        if (e < 0) {
                hostcaps_object_unref(&mem->obj);
                return e;
        }
        *ret = &mem->obj;
        return 0;
}

/* Fleet exports: at the end of this file. */
static int memory_nfd(hostcaps_export *x, const hostcaps_object *o);
static int memory_prometheus(hostcaps_export *x, const hostcaps_object *o);

const hostcaps_section_ops hostcaps_memory_ops = {
        .name = "memory",
        .flag = HOSTCAPS_SECTION_MEMORY,
        .volatile_data = true,
        .object_size = sizeof(hostcaps_memory),
        .free_object = memory_free,
        .probe = memory_probe,
        .stamp = NULL, /* volatile: read again at every request */
        .xml = memory_xml,
        .json = memory_json,
        .text = memory_text,
        .xml_cell_pages = memory_xml_cell_pages,
        .from_xml = memory_from_xml,
        .nfd = memory_nfd,
        .prometheus = memory_prometheus,
};

/* ---- public accessors ------------------------------------------------- */

HOSTCAPS_DEFINE_SECTION_API(memory, HOSTCAPS_SECTION_MEMORY);

HOSTCAPS_EXPORT bool hostcaps_memory_is_synthetic(const hostcaps_memory *mem) {
        return mem && mem->synthetic;
}

HOSTCAPS_EXPORT uint64_t hostcaps_memory_base_page_size(const hostcaps_memory *mem) {
        return mem ? mem->base_page_kib : 0;
}

HOSTCAPS_EXPORT size_t hostcaps_memory_n_cells(const hostcaps_memory *mem) {
        return mem ? mem->n_cells : 0;
}

static const hostcaps_memory_cell *cell(const hostcaps_memory *mem, size_t i) {
        return mem && i < mem->n_cells ? &mem->cells[i] : NULL;
}

HOSTCAPS_EXPORT int hostcaps_memory_cell_id(const hostcaps_memory *mem, size_t i) {
        const hostcaps_memory_cell *c = cell(mem, i);
        return c ? (int)c->id : -EINVAL;
}

HOSTCAPS_EXPORT int hostcaps_memory_cell_index(const hostcaps_memory *mem, unsigned int id) {
        if (!mem)
                return -EINVAL;
        const hostcaps_memory_cell *c = find_cell(mem, id);
        return c ? (int)(c - mem->cells) : -ENOENT;
}

HOSTCAPS_EXPORT int hostcaps_memory_cell_total(const hostcaps_memory *mem, size_t i, uint64_t *ret_kib) {
        const hostcaps_memory_cell *c = cell(mem, i);
        if (!c)
                return -EINVAL;
        if (!c->has_total)
                return -ENODATA;
        if (ret_kib)
                *ret_kib = c->total_kib;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_memory_cell_free(const hostcaps_memory *mem, size_t i, uint64_t *ret_kib) {
        const hostcaps_memory_cell *c = cell(mem, i);
        if (!c)
                return -EINVAL;
        if (!c->has_free)
                return -ENODATA;
        if (ret_kib)
                *ret_kib = c->free_kib;
        return 0;
}

HOSTCAPS_EXPORT size_t hostcaps_memory_cell_n_hugepage_sizes(const hostcaps_memory *mem, size_t i) {
        const hostcaps_memory_cell *c = cell(mem, i);
        return c ? c->n_huge : 0;
}

HOSTCAPS_EXPORT int hostcaps_memory_cell_hugepages(const hostcaps_memory *mem, size_t i, size_t k,
                                                   uint64_t *ret_size_kib, uint64_t *ret_total,
                                                   uint64_t *ret_free) {
        const hostcaps_memory_cell *c = cell(mem, i);
        if (!c || k >= c->n_huge)
                return -EINVAL;
        if ((ret_total && c->huge[k].total == COUNT_UNKNOWN) ||
            (ret_free && (!c->huge_free_known || c->huge[k].free == COUNT_UNKNOWN)))
                return -ENODATA;
        if (ret_size_kib)
                *ret_size_kib = c->huge[k].size_kib;
        if (ret_total)
                *ret_total = c->huge[k].total;
        if (ret_free)
                *ret_free = c->huge[k].free;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_memory_cell_pages(const hostcaps_memory *mem, size_t i, uint64_t size_kib,
                                               uint64_t *ret_total, uint64_t *ret_free) {
        const hostcaps_memory_cell *c = cell(mem, i);
        if (!c)
                return -EINVAL;
        if (size_kib == mem->base_page_kib) {
                if (!c->has_base || (ret_free && !c->has_free))
                        return -ENODATA;
                if (ret_total)
                        *ret_total = c->base_total;
                if (ret_free)
                        *ret_free = c->base_free;
                return 0;
        }
        for (size_t k = 0; k < c->n_huge; k++)
                if (c->huge[k].size_kib == size_kib)
                        return hostcaps_memory_cell_hugepages(mem, i, k, NULL, ret_total, ret_free);
        return -ENOENT;
}

HOSTCAPS_EXPORT int hostcaps_memory_numa_cell_index(const hostcaps_memory *mem, const hostcaps_numa *numa,
                                                    size_t i) {
        int id = hostcaps_numa_cell_id(numa, i);
        if (!mem || id < 0)
                return hostcaps_error(EINVAL, "invalid argument: no memory object or no NUMA cell %zu", i);
        /* The same index where both objects saw the same online nodes. */
        if (i < mem->n_cells && mem->cells[i].id == (unsigned)id)
                return (int)i;
        int k = hostcaps_memory_cell_index(mem, (unsigned)id);
        return k >= 0 ? k : hostcaps_error(ENOENT, "node %d has no memory cell", id);
}

/* ---- fleet exports (docs/fleet.md) ------------------------------------ */

/* Whether a cell before cells[i] has a pool of this size (each size is
 * labelled once, at its first cell). */
static bool size_seen_before(const hostcaps_memory *mem, size_t i, uint64_t size_kib) {
        for (size_t j = 0; j < i; j++)
                for (size_t k = 0; k < mem->cells[j].n_huge; k++)
                        if (mem->cells[j].huge[k].size_kib == size_kib)
                                return true;
        return false;
}

/* NFD: the hugepages configured (nr_hugepages) of each size, summed over
 * the nodes; a size with a node's count unknown is left out. Free memory
 * and free pages change all the time: they are no labels. */
static int memory_nfd(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        for (size_t i = 0; i < mem->n_cells; i++)
                for (size_t k = 0; k < mem->cells[i].n_huge; k++) {
                        uint64_t size = mem->cells[i].huge[k].size_kib, total = 0;
                        bool known = true;
                        char name[40];
                        if (size_seen_before(mem, i, size))
                                continue;
                        for (size_t j = i; j < mem->n_cells; j++)
                                for (size_t l = 0; l < mem->cells[j].n_huge; l++)
                                        if (mem->cells[j].huge[l].size_kib == size) {
                                                known &= mem->cells[j].huge[l].total != COUNT_UNKNOWN;
                                                total += known ? mem->cells[j].huge[l].total : 0;
                                        }
                        snprintf(name, sizeof(name), "%lluKiB", (unsigned long long)size);
                        if (known)
                                hostcaps_nfd_labelf(x, "memory.hugepages.", name, "%llu",
                                                    (unsigned long long)total);
                }
        return 0;
}

/* The samples of one family: a value per node (and hugepage size), those
 * known only. `what`: 0 total bytes, 1 free bytes, 2 hugepages, 3 free
 * hugepages. */
static void prom_cells(hostcaps_export *x, const hostcaps_memory *mem, const char *name, const char *help,
                       int what) {
        hostcaps_prom_family(x, name, help);
        for (size_t i = 0; i < mem->n_cells; i++) {
                const hostcaps_memory_cell *c = &mem->cells[i];
                if (what == 0 && c->has_total)
                        hostcaps_prom_sample(x, name, c->total_kib * 1024, "node=\"%u\"", c->id);
                if (what == 1 && c->has_free)
                        hostcaps_prom_sample(x, name, c->free_kib * 1024, "node=\"%u\"", c->id);
                for (size_t k = 0; what >= 2 && k < c->n_huge; k++) {
                        uint64_t n = what == 2 ? c->huge[k].total : c->huge[k].free;
                        if (n == COUNT_UNKNOWN || (what == 3 && !c->huge_free_known))
                                continue;
                        hostcaps_prom_sample(x, name, n, "node=\"%u\",size=\"%llu\"", c->id,
                                             (unsigned long long)c->huge[k].size_kib * 1024);
                }
        }
}

static int memory_prometheus(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        prom_cells(x, mem, "hostcaps_memory_total_bytes", "Memory of a NUMA node (MemTotal), in bytes.", 0);
        prom_cells(x, mem, "hostcaps_memory_free_bytes", "Free memory of a NUMA node (MemFree), in bytes.",
                   1);
        prom_cells(x, mem, "hostcaps_memory_hugepages",
                   "Hugepages configured on a NUMA node (nr_hugepages), by page size in bytes.", 2);
        prom_cells(x, mem, "hostcaps_memory_hugepages_free",
                   "Free hugepages of a NUMA node (free_hugepages), by page size in bytes.", 3);
        return 0;
}
