/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The parsed form of libvirt's CPU map, shared by the parser and decoder
 * (cpumap.c), the build-time generator of the compiled map
 * (cpumap-gen.c) and the C file it writes: the compiled map is these very
 * structures as constant data, so the decoder cannot tell the two apart.
 * Nothing else includes this header. */

#include <sys/types.h>

#include "cpumap.h"
#include "host/bitmap.h"

typedef struct map_feature {
        char *name;
        hostcaps_x86_feature *items; /* all must hold; named as the feature */
        size_t n_items;
} map_feature;

typedef struct map_vendor {
        char *name;
        char id[13];    /* x86: CPUID leaf 0 string */
        uint32_t value; /* arm: implementer code */
} map_vendor;

typedef struct map_signature {
        unsigned int family, model;
        uint32_t steppings; /* bit per stepping; 0: any */
} map_signature;

typedef struct map_pvr {
        uint32_t value, mask;
} map_pvr;

typedef struct map_model {
        char *name;
        bool decode_host;
        int vendor; /* index, -1 for none */
        map_signature *sigs;
        size_t n_sigs;
        hostcaps_bitmap *features; /* x86: indices into the feature list */
        hostcaps_bitmap *added;    /* x86: those marked added='yes' (a subset) */
        map_pvr *pvrs;             /* arm (mask 0: exact part), ppc64 */
        size_t n_pvrs;
} map_model;

/* Names to indices: open addressing, the table at most half full. The
 * names belong to the arrays the indices point into. */
typedef struct name_slot {
        const char *name;
        int index;
} name_slot;

typedef struct name_table {
        name_slot *slots;
        size_t size, n; /* size: a power of two, or 0 */
} name_table;

typedef struct map_arch {
        map_vendor *vendors;
        size_t n_vendors, allocated_vendors;
        map_feature *features;
        size_t n_features, allocated_features;
        map_model *models;
        size_t n_models, allocated_models;
        name_table vendor_names, feature_names, model_names;
} map_arch;

enum { ARCH_X86, ARCH_ARM, ARCH_PPC64, N_ARCHS };

/* The rule sets of libvirt's x86 host CPU decoding (docs/cpu.md). */
enum { RULES_LIBVIRT_9, RULES_LIBVIRT_11 };

struct hostcaps_cpumap {
        map_arch arch[N_ARCHS];
        int rules;
};

/* What identifies an installed map without reading it: the directory and
 * its index.xml, each by inode, modification and change time (nanoseconds),
 * and the index's size. A package manager replaces a file by renaming a new
 * one over it: a new inode, and a new modification and change time of the
 * directory. The change time cannot be set back by anyone (touch, tar and
 * dpkg restore modification times only). Not the device: an overlay file
 * system (a container's root) numbers its device anew at every mount, and
 * the times and inode already name the version of the file. */
typedef struct hostcaps_cpumap_stamp {
        uint64_t dir_ino;
        int64_t dir_mtime_ns, dir_ctime_ns;
        uint64_t index_ino, index_size;
        int64_t index_mtime_ns, index_ctime_ns;
} hostcaps_cpumap_stamp;

/* The stamp of the map in `dir`: 0, or a negative errno (-ENOENT: no map). */
int hostcaps_cpumap_stamp_take(const char *dir, hostcaps_cpumap_stamp *ret);
bool hostcaps_cpumap_stamp_equal(const hostcaps_cpumap_stamp *a, const hostcaps_cpumap_stamp *b);

/* The map compiled into the library at build time (the C file
 * hostcaps-cpumap-gen writes), with the stamp of the map it was made from;
 * map NULL when the build host had no map. */
typedef struct hostcaps_cpumap_compiled {
        const hostcaps_cpumap *map;
        hostcaps_cpumap_stamp stamp;
        const char *dir; /* the directory it was made from */
} hostcaps_cpumap_compiled;

extern const hostcaps_cpumap_compiled hostcaps_cpumap_compiled_in;

/* The map to use for `dir`: `compiled` (no file read) when it is there and
 * its stamp is the directory's, else the map parsed from `dir`. Never
 * freed when compiled; *ret_parsed (optional) tells which. */
int hostcaps_cpumap_open(const char *dir, const hostcaps_cpumap_compiled *compiled,
                         const hostcaps_cpumap **ret, bool *ret_parsed);

/* Whether `m` is the compiled map (tests). */
bool hostcaps_cpumap_is_compiled(const hostcaps_cpumap *m);
