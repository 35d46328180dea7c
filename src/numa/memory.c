/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The memory-state section: per cell, free memory and hugepage pools. It is
 * volatile (read again at every request on a live host), so it reads only
 * what it reports: the node list, each node's meminfo and its hugepage
 * counters. */
#include <stdio.h>

#include "host/error.h"
#include "host/parse.h"
#include "host/xmlread.h"
#include "numa.h"

static void memory_free(hostcaps_object *o) {
        hostcaps_memory *mem = (hostcaps_memory *)o;
        for (size_t i = 0; i < mem->n_cells; i++)
                free(mem->cells[i].huge);
        free(mem->cells);
}

/* Base pages as libvirt counts them (virNumaGetPages): the hugepage pools
 * are taken out of MemTotal but the kernel still counts them in it, so the
 * pools are subtracted first, and the rest, in base pages, is the total.
 * Free is MemFree in base pages. */
static void count_base_pages(hostcaps_memory_cell *c, uint64_t base_kib) {
        uint64_t huge = 0;
        for (size_t k = 0; k < c->n_huge; k++)
                huge += c->huge[k].size_kib * c->huge[k].total;
        c->base_total = (huge < c->total_kib ? c->total_kib - huge : 0) / base_kib;
        c->base_free = c->free_kib / base_kib;
        c->has_base = true;
}

/* nodeN/meminfo, or proc/meminfo for the synthetic cell (node < 0), and the
 * pools. A root recorded without meminfo (libvirt's test trees) leaves the
 * memory unknown. */
static int read_cell(hostcaps_reader *r, int node, uint64_t base_kib, hostcaps_memory_cell *c) {
        char dir[96];
        int e = hostcaps_numa_read_meminfo(r, node, &c->total_kib, &c->free_kib);
        if (e == -ENOENT) {
                hostcaps_error_reset();
                e = 0;
        } else if (e >= 0)
                c->has_total = c->has_free = true;
        if (e < 0)
                return e;
        if (node >= 0)
                snprintf(dir, sizeof(dir), NODE_DIR "/node%d/hugepages", node);
        else
                snprintf(dir, sizeof(dir), "sys/kernel/mm/hugepages");
        if ((e = hostcaps_numa_read_hugepages(r, dir, &c->huge, &c->n_huge)) < 0)
                return e;
        /* A pool cannot hold more than the node's memory (the kernel counts
         * the pools in MemTotal); without meminfo, no count fits libvirt's
         * 32-bit <pages> beyond 2^32 - 1. */
        for (size_t k = 0; k < c->n_huge; k++) {
                uint64_t limit = c->has_total ? c->total_kib / c->huge[k].size_kib : UINT32_MAX;
                static const char *const files[] = {"nr_hugepages", "free_hugepages"};
                uint64_t counts[] = {c->huge[k].total, c->huge[k].free};
                for (size_t f = 0; f < ELEMENTSOF(files); f++)
                        if (counts[f] > limit)
                                return hostcaps_error(ERANGE, "%s/hugepages-%llukB/%s: %llu pages of %llu kB exceed %s",
                                                      dir, (unsigned long long) c->huge[k].size_kib, files[f],
                                                      (unsigned long long) counts[f],
                                                      (unsigned long long) c->huge[k].size_kib,
                                                      c->has_total ? "the node's MemTotal" : "any machine's memory");
        }
        c->huge_free_known = true;
        if (c->has_total)
                count_base_pages(c, base_kib);
        return 0;
}

static int memory_probe_into(const hostcaps_probe_ctx *ctx, hostcaps_memory *mem) {
        _cleanup_bitmap_ hostcaps_bitmap *nodes = NULL;
        size_t k = 0;
        int e;

        mem->base_page_kib = ctx->page_size >= 1024 ? ctx->page_size / 1024 : 4;
        e = hostcaps_numa_read_nodes(ctx->reader, &nodes);
        if (e == -ENOENT || (e >= 0 && hostcaps_bitmap_is_empty(nodes))) {
                hostcaps_error_reset();
                mem->synthetic = true;
                if (!(mem->cells = calloc(1, sizeof(hostcaps_memory_cell))))
                        return -ENOMEM;
                mem->n_cells = 1;
                return read_cell(ctx->reader, -1, mem->base_page_kib, &mem->cells[0]);
        }
        if (e < 0)
                return e;
        if (!(mem->cells = calloc(hostcaps_bitmap_count(nodes), sizeof(hostcaps_memory_cell))))
                return -ENOMEM;
        BITMAP_FOREACH(id, nodes) {
                hostcaps_memory_cell *c = &mem->cells[k];
                c->id = (unsigned)id;
                mem->n_cells = ++k;
                if ((e = read_cell(ctx->reader, id, mem->base_page_kib, c)) < 0)
                        return e;
        }
        return 0;
}

static int memory_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_memory *mem = calloc(1, sizeof(*mem));
        int e;
        if (!mem)
                return -ENOMEM;
        hostcaps_object_init(&mem->obj, HOSTCAPS_SECTION_MEMORY);
        e = memory_probe_into(ctx, mem);
        if (e < 0) {
                hostcaps_object_unref(&mem->obj);
                return e;
        }
        *ret = &mem->obj;
        return 0;
}

/* ---- output ----------------------------------------------------------- */

/* Cells are in ascending id order (read from a node bitmap). */
static const hostcaps_memory_cell *find_cell(const hostcaps_memory *mem, unsigned id) {
        size_t lo = 0, hi = mem->n_cells;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (mem->cells[mid].id == id)
                        return &mem->cells[mid];
                if (mem->cells[mid].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

static int xml_pages(hostcaps_xml *x, uint64_t size_kib, uint64_t count) {
        int e;
        if ((e = hostcaps_xml_start(x, "pages")) < 0 || (e = hostcaps_xml_attr(x, "unit", "KiB")) < 0 ||
            (e = hostcaps_xml_attrf(x, "size", "%llu", (unsigned long long)size_kib)) < 0)
                return e;
        if ((e = hostcaps_xml_contentf(x, "%llu", (unsigned long long)count)) < 0)
                return e;
        return hostcaps_xml_end(x);
}

/* <pages unit='KiB' size='4'>N</pages>, then one per hugepage size,
 * ascending, as libvirt prints them inside a <cell>. */
static int memory_xml_cell_pages(hostcaps_xml *x, const hostcaps_object *o, unsigned int cell_id) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        const hostcaps_memory_cell *c = find_cell(mem, cell_id);
        int e;
        if (!c)
                return 0;
        if (c->has_base && (e = xml_pages(x, mem->base_page_kib, c->base_total)) < 0)
                return e;
        for (size_t k = 0; k < c->n_huge; k++)
                if ((e = xml_pages(x, c->huge[k].size_kib, c->huge[k].total)) < 0)
                        return e;
        return 0;
}

/* Without the NUMA section, the document still shows the memory state
 * where libvirt has it: <topology><cells> whose cells hold only what this
 * section knows (id, memory, pages). The schema makes everything in a
 * <cell> but its id optional, so this validates; a reader that wants CPUs
 * and distances asks for the NUMA section too. */
static int memory_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        int e;
        if (region != HOSTCAPS_XML_TOPOLOGY || hostcaps_xml_has_section(x, HOSTCAPS_SECTION_NUMA))
                return 0;
        if ((e = hostcaps_xml_start(x, "topology")) < 0 || (e = hostcaps_xml_start(x, "cells")) < 0 ||
            (e = hostcaps_xml_attrf(x, "num", "%zu", mem->n_cells)) < 0)
                return e;
        for (size_t i = 0; i < mem->n_cells; i++) {
                const hostcaps_memory_cell *c = &mem->cells[i];
                if ((e = hostcaps_xml_start(x, "cell")) < 0 ||
                    (e = hostcaps_xml_attrf(x, "id", "%u", c->id)) < 0)
                        return e;
                if (c->has_total) {
                        if ((e = hostcaps_xml_start(x, "memory")) < 0 ||
                            (e = hostcaps_xml_attr(x, "unit", "KiB")) < 0)
                                return e;
                        if ((e = hostcaps_xml_contentf(x, "%llu", (unsigned long long)c->total_kib)) < 0)
                                return e;
                        if ((e = hostcaps_xml_end(x)) < 0)
                                return e;
                }
                if ((e = memory_xml_cell_pages(x, o, c->id)) < 0 || (e = hostcaps_xml_end(x)) < 0)
                        return e;
        }
        if ((e = hostcaps_xml_end(x)) < 0)
                return e;
        return hostcaps_xml_end(x);
}

static struct json_object *json_pages(uint64_t size_kib, uint64_t total, bool has_free, uint64_t free_pages) {
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "size_kib", json_object_new_int64((int64_t)size_kib));
        json_object_object_add(p, "total", json_object_new_int64((int64_t)total));
        json_object_object_add(p, "free", has_free ? json_object_new_int64((int64_t)free_pages) : NULL);
        return p;
}

static int memory_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_memory *mem = (const hostcaps_memory *)o;
        struct json_object *j = json_object_new_object(), *cells = json_object_new_array();
        if (!j || !cells) {
                json_object_put(j);
                json_object_put(cells);
                return -ENOMEM;
        }
        json_object_object_add(j, "synthetic", json_object_new_boolean(mem->synthetic));
        json_object_object_add(j, "base_page_kib", json_object_new_int64((int64_t)mem->base_page_kib));
        for (size_t i = 0; i < mem->n_cells; i++) {
                const hostcaps_memory_cell *c = &mem->cells[i];
                struct json_object *cj = json_object_new_object(), *pages = json_object_new_array();
                json_object_object_add(cj, "id", json_object_new_int64(c->id));
                json_object_object_add(cj, "total_kib",
                                       c->has_total ? json_object_new_int64((int64_t)c->total_kib) : NULL);
                json_object_object_add(cj, "free_kib",
                                       c->has_free ? json_object_new_int64((int64_t)c->free_kib) : NULL);
                /* The base page first, as libvirt counts it; then the hugepage pools. */
                if (c->has_base)
                        json_object_array_add(pages, json_pages(mem->base_page_kib, c->base_total,
                                                                c->has_free, c->base_free));
                for (size_t k = 0; k < c->n_huge; k++)
                        json_object_array_add(pages, json_pages(c->huge[k].size_kib, c->huge[k].total,
                                                                c->huge_free_known, c->huge[k].free));
                json_object_object_add(cj, "pages", pages);
                json_object_array_add(cells, cj);
        }
        json_object_object_add(j, "cells", cells);
        json_object_object_add(root, "memory", j);
        return 0;
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
                        c->has_total ? hostcaps_numa_format_kib(t, sizeof(t), c->total_kib) : "unknown",
                        c->has_free ? hostcaps_numa_format_kib(f, sizeof(f), c->free_kib) : "unknown");
                for (size_t k = 0; k < c->n_huge; k++) {
                        uint64_t kib = c->huge[k].size_kib;
                        /* 2048 kB as "2M", 1048576 kB as "1G". */
                        if (kib % (1024 * 1024) == 0)
                                snprintf(t, sizeof(t), "%lluG", (unsigned long long)(kib >> 20));
                        else if (kib % 1024 == 0)
                                snprintf(t, sizeof(t), "%lluM", (unsigned long long)(kib >> 10));
                        else
                                snprintf(t, sizeof(t), "%lluK", (unsigned long long)kib);
                        hostcaps_buf_printf(b, "%s %s: %llu/", k ? "," : "", t,
                                            (unsigned long long)c->huge[k].total);
                        if (c->huge_free_known)
                                hostcaps_buf_printf(b, "%llu", (unsigned long long)c->huge[k].free);
                        else
                                hostcaps_buf_puts(b, "?");
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

/* One <cell>: <memory unit='KiB'>N</memory> and <pages unit='KiB' size='S'>N</pages>.
 * A document has totals only: free memory and free pages are unknown. */
static int cell_from_xml(const hostcaps_doc_ctx *d, xmlNodePtr n, uint64_t base_kib,
                         hostcaps_memory_cell *c) {
        xmlNodePtr m = hostcaps_xml_child(n, "memory");
        size_t allocated = 0;
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
                uint64_t size_kib, count;
                if ((e = hostcaps_xml_prop_size(d, p, "size", "unit", 1024, true, &bytes)) < 0)
                        return e;
                size_kib = bytes / 1024;
                if ((e = hostcaps_xml_text_content(d, p, &text)) < 0)
                        return e;
                if (hostcaps_parse_u64(text, &count) < 0)
                        return hostcaps_xml_error(d, p, "<pages>: invalid count '%.32s'", text);
                bool dup = size_kib == 0 || (size_kib == base_kib && c->has_base);
                for (size_t k = 0; k < c->n_huge; k++)
                        dup = dup || c->huge[k].size_kib == size_kib;
                if (dup)
                        return hostcaps_xml_error(d, p, "<pages> of size %llu KiB again, or of size 0",
                                                  (unsigned long long)size_kib);
                if (size_kib == base_kib) {
                        c->base_total = count;
                        c->has_base = true;
                        continue;
                }
                if (GROW(c->huge, allocated, c->n_huge + 1) < 0)
                        return -ENOMEM;
                c->huge[c->n_huge++] = (hostcaps_memory_pages){.size_kib = size_kib, .total = count};
        }
        for (size_t a = 1; a < c->n_huge; a++) /* ascending, as a probe has them */
                for (size_t b = a; b > 0 && c->huge[b - 1].size_kib > c->huge[b].size_kib; b--) {
                        hostcaps_memory_pages t = c->huge[b];
                        c->huge[b] = c->huge[b - 1];
                        c->huge[b - 1] = t;
                }
        return 0;
}

static int memory_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr cells = hostcaps_xml_child(hostcaps_xml_child(d->host, "topology"), "cells");
        hostcaps_memory *mem;
        size_t n = 0, any = 0;
        int e = 0;

        XML_FOREACH_CHILD(c, cells, "cell") {
                n++;
                any += hostcaps_xml_child(c, "memory") || hostcaps_xml_child(c, "pages");
        }
        if (!any)
                return -ENODATA;
        if (!(mem = calloc(1, sizeof(*mem))))
                return -ENOMEM;
        hostcaps_object_init(&mem->obj, HOSTCAPS_SECTION_MEMORY);
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
        if (ret_free && !c->huge_free_known)
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
