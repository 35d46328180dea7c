/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the core knows of a section: a table of functions. Each section's
 * directory defines one `const hostcaps_section_ops hostcaps_<name>_ops`;
 * src/host/sections.c lists them. Sections never call each other: where the
 * document puts one section's data inside another's element (hugepage counts
 * inside NUMA cells, resctrl controls inside cache banks), the core passes
 * the call through the hooks below. */

#include <json-c/json.h>
#include <libxml/tree.h>

#include "hostcaps/common.h"
#include "hostcaps/cpuset.h"
#include "buf.h"
#include "object.h"
#include "reader.h"

enum {
        HOSTCAPS_IDX_CPU,
        HOSTCAPS_IDX_NUMA,
        HOSTCAPS_IDX_MEMORY,
        HOSTCAPS_IDX_CACHE,
        HOSTCAPS_IDX_RESCTRL,
        HOSTCAPS_IDX_HOST,
        HOSTCAPS_IDX_ISOLATION,
        HOSTCAPS_IDX_FREQUENCY,
        HOSTCAPS_IDX_DEVICES,
        HOSTCAPS_N_SECTIONS,
};

/* Every section a request may name: the default set (HOSTCAPS_SECTION_ALL)
 * and the sections left out of it because of their cost. */
#define HOSTCAPS_SECTIONS_KNOWN ((unsigned)HOSTCAPS_SECTION_ALL | (unsigned)HOSTCAPS_SECTION_DEVICES)

typedef struct hostcaps_node hostcaps_node;
/* The state of one fleet export being written (export.h). */
typedef struct hostcaps_export hostcaps_export;

/* What a from_xml hook gets: the parsed document (already checked for size,
 * depth and DTDs; still untrusted in its values) and its name for messages
 * ("FILE:LINE: ..."). */
typedef struct hostcaps_doc_ctx {
        xmlNodePtr host;  /* <host> */
        const char *name; /* the document's file name, for messages */
        const char *arch; /* <host><cpu><arch> */
} hostcaps_doc_ctx;

/* What a probe gets: the reader of the node's root, and facts of the node
 * that cost nothing. */
typedef struct hostcaps_probe_ctx {
        hostcaps_reader *reader;
        bool live;
        const char *arch;       /* libvirt spelling, always set */
        uint64_t page_size;     /* base page size in bytes */
        const char *cpuid_file; /* CPUID dump to use instead of the root's, or NULL */
} hostcaps_probe_ctx;

/* The places of libvirt's <host> element, in document order. Each section's
 * xml() is called once per region and writes what belongs there. */
typedef enum hostcaps_xml_region {
        HOSTCAPS_XML_UUID,
        HOSTCAPS_XML_CPU,
        HOSTCAPS_XML_POWER_MANAGEMENT,
        HOSTCAPS_XML_IOMMU,
        HOSTCAPS_XML_TOPOLOGY,
        HOSTCAPS_XML_CACHE,
        HOSTCAPS_XML_MEMORY_BANDWIDTH,
        HOSTCAPS_N_XML_REGIONS,
} hostcaps_xml_region;

/* The state of one XML document being written. */
/* hostcaps' own XML writer: libvirt's layout (two-space indents, single
 * quotes), no dependency to load for it. */
#define HOSTCAPS_XML_MAX_DEPTH 32
typedef struct hostcaps_xml_writer {
        hostcaps_buf out;
        const char *stack[HOSTCAPS_XML_MAX_DEPTH];
        bool has_child[HOSTCAPS_XML_MAX_DEPTH];
        unsigned depth;
        bool open_tag; /* "<name" written, its ">" not yet */
        bool failed;
} hostcaps_xml_writer;

typedef struct hostcaps_xml {
        hostcaps_xml_writer w;
        const char *arch;
        /* The objects of the requested sections, NULL for the others. */
        const hostcaps_object *objs[HOSTCAPS_N_SECTIONS];
} hostcaps_xml;

/* Hooks the core dispatches between sections (see document.c). Each writes
 * nothing when the other section was not requested. */
void hostcaps_xml_cell_pages(hostcaps_xml *x, unsigned int cell);
void hostcaps_xml_bank_controls(hostcaps_xml *x, unsigned int level, uint64_t size);
/* Whether the document holds a section, present (a section that writes an
 * element in another's absence, as memory's cells without NUMA, asks). */
bool hostcaps_xml_has_section(const hostcaps_xml *x, unsigned int section);
/* resctrl's <monitor> inside <cache>, written by the cache section after its
 * banks; nothing when resctrl was not requested. */
void hostcaps_xml_cache_monitors(hostcaps_xml *x);
/* The i-th cache bank of the last (highest) level, whose banks are resctrl's
 * memory bandwidth domains (the kernel's MB domain is the L3 cache): its id
 * and CPU list (owned by the cache object). False past the last bank, or
 * when the cache section was not requested. */
bool hostcaps_xml_cache_llc_bank(hostcaps_xml *x, size_t i, unsigned int *ret_id, const char **ret_cpus);

typedef struct hostcaps_section_ops {
        const char *name;   /* "cpu" */
        unsigned int flag;  /* HOSTCAPS_SECTION_CPU */
        bool volatile_data; /* re-read at every request on a live host */

        /* The size of the section's object struct and the function freeing
         * its fields, so the core can publish an empty, absent object of
         * this section (a loaded document without it, hwloc's blind spots). */
        size_t object_size;
        void (*free_object)(hostcaps_object *o);

        /* Build a complete object, or fail with the error message set. */
        int (*probe)(const hostcaps_probe_ctx *ctx, hostcaps_object **ret);
        /* A cheap digest of what the object depends on (a few small files);
         * NULL when it cannot change while the host runs. */
        int (*stamp)(hostcaps_reader *r, uint64_t *ret);

        /* Output. NULL: that format is not implemented for this section. The
         * XML writer's failure is sticky and checked once per document, so
         * xml() has nothing to return. */
        void (*xml)(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region);
        int (*json)(struct json_object *root, const hostcaps_object *o);
        int (*text)(hostcaps_buf *b, const hostcaps_object *o);

        /* Cross-section hooks, optional (see above). */
        void (*xml_cell_pages)(hostcaps_xml *x, const hostcaps_object *o, unsigned int cell);
        void (*xml_bank_controls)(hostcaps_xml *x, const hostcaps_object *o, unsigned int level,
                                  uint64_t size);
        void (*xml_cache_monitors)(hostcaps_xml *x, const hostcaps_object *o);
        bool (*llc_bank)(const hostcaps_object *o, size_t i, unsigned int *ret_id, const char **ret_cpus);

        /* Snapshot: record what is not a file (the CPUID dump) into the
         * snapshot directory `dirfd`. Optional. */
        int (*snapshot)(const hostcaps_probe_ctx *ctx, int dirfd);

        /* Loading a saved capabilities document: build the object from the
         * document's <host> element. Return -ENODATA when the document holds
         * nothing of this section (the core then publishes it absent with
         * "not in the loaded document"); other errors name the line.
         * Optional: without it the section is absent from loaded documents. */
        int (*from_xml)(const hostcaps_doc_ctx *d, hostcaps_object **ret);

        /* Fleet exports (export.h, docs/fleet.md), optional: NFD feature
         * labels and Prometheus gauges of this section's own facts, for a
         * present object. NULL: the section contributes nothing. 0 or a
         * negative errno (the buffer's failure is checked by the core). */
        int (*nfd)(hostcaps_export *x, const hostcaps_object *o);
        int (*prometheus)(hostcaps_export *x, const hostcaps_object *o);
} hostcaps_section_ops;

/* The table: index HOSTCAPS_IDX_*; NULL where a section is not built yet. */
extern const hostcaps_section_ops *const hostcaps_sections[HOSTCAPS_N_SECTIONS];
int hostcaps_section_index(unsigned int flag);

/* For a section's snapshot hook (snapshot.c): a new file `rel` below the snapshot
 * directory dirfd: created exclusively, never through a symlink, its
 * directories created on the way. For sections' own sidecars (the CPUID
 * dump). */
int hostcaps_snapshot_write_file(int dirfd, const char *rel, const void *data, size_t len);
/* A new, empty object of a section, marked absent with `reason`. */
int hostcaps_object_new_absent(const hostcaps_section_ops *ops, const char *reason, hostcaps_object **ret);

/* Typed get shared by every hostcaps_node_get_<section>(): a new reference to
 * the node's memoized object, probed when needed. */
int hostcaps_node_get_object(hostcaps_node *node, unsigned int section, unsigned int flags,
                             hostcaps_object **ret);
/* Internal: the node's reader (tests trace through it). */
hostcaps_reader *hostcaps_node_reader(hostcaps_node *node);
/* Internal: how many times a section was probed in this node (tests). */
unsigned int hostcaps_node_n_probes(hostcaps_node *node, unsigned int section);

/* Stamp helpers: a 64-bit FNV-1a digest of files' contents (a missing file
 * digests differently from any content) or of a path's identity (device,
 * inode, change time: a mount or unmount changes it). */
uint64_t hostcaps_stamp_init(void);
void hostcaps_stamp_add_bytes(uint64_t *stamp, const void *data, size_t len);
int hostcaps_stamp_add_file(hostcaps_reader *r, const char *path, uint64_t *stamp);
int hostcaps_stamp_add_stat(hostcaps_reader *r, const char *path, uint64_t *stamp);

/* XML writing helpers. A failure (nesting too deep, an end without a start,
 * no memory) is sticky: later calls do nothing, and the document is checked
 * once when it is finished. */
void hostcaps_xml_start(hostcaps_xml *x, const char *element);
void hostcaps_xml_end(hostcaps_xml *x);
void hostcaps_xml_attr(hostcaps_xml *x, const char *name, const char *value);
void hostcaps_xml_attrf(hostcaps_xml *x, const char *name, const char *fmt, ...) _printf_(3, 4);
void hostcaps_xml_text(hostcaps_xml *x, const char *element, const char *value);
/* Text content of the element just started: <memory unit='KiB'>N</memory>. */
void hostcaps_xml_contentf(hostcaps_xml *x, const char *fmt, ...) _printf_(2, 3);
void hostcaps_xml_textf(hostcaps_xml *x, const char *element, const char *fmt, ...) _printf_(3, 4);

/* The public calls every section object has, the same for each: its typed
 * get from a node, ref/unref, why it is absent (NULL when present), and the
 * read policy's reasons why optional values are unknown. A section's .c
 * file says HOSTCAPS_DEFINE_SECTION_API(cpu, HOSTCAPS_SECTION_CPU) once;
 * its struct's head is `hostcaps_object obj`. */
#define HOSTCAPS_DEFINE_SECTION_API(name, SECTION)                                                           \
        HOSTCAPS_EXPORT int hostcaps_node_get_##name(hostcaps_node *node, unsigned int flags,                \
                                                     hostcaps_##name **ret) {                                \
                return hostcaps_node_get_object(node, SECTION, flags, (hostcaps_object **)ret);              \
        }                                                                                                    \
        HOSTCAPS_EXPORT hostcaps_##name *hostcaps_##name##_ref(hostcaps_##name *p) {                         \
                return (hostcaps_##name *)hostcaps_object_ref(p ? &p->obj : NULL);                           \
        }                                                                                                    \
        HOSTCAPS_EXPORT hostcaps_##name *hostcaps_##name##_unref(hostcaps_##name *p) {                       \
                return (hostcaps_##name *)hostcaps_object_unref(p ? &p->obj : NULL);                         \
        }                                                                                                    \
        HOSTCAPS_EXPORT const char *hostcaps_##name##_absent_reason(const hostcaps_##name *p) {              \
                return p ? p->obj.absent_reason : NULL;                                                      \
        }                                                                                                    \
        HOSTCAPS_EXPORT size_t hostcaps_##name##_n_unknown(const hostcaps_##name *p) {                       \
                return p ? p->obj.n_reasons : 0;                                                             \
        }                                                                                                    \
        HOSTCAPS_EXPORT const char *hostcaps_##name##_unknown_reason(const hostcaps_##name *p, size_t i) {   \
                return p && i < p->obj.n_reasons ? p->obj.reasons[i] : NULL;                                 \
        }                                                                                                    \
        _Static_assert(offsetof(hostcaps_##name, obj) == 0, "the object head comes first")

/* cpuset.c: the typed twin of an accessor returning a CPU list (`list`, NULL
 * when unknown): a new set in *ret, -EINVAL for a NULL ret, -ENODATA naming
 * `what` for an unknown list. */
int hostcaps_cpuset_of_accessor(const char *list, const char *what, hostcaps_cpuset **ret);
