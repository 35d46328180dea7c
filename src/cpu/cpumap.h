/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libvirt's CPU map (/usr/share/libvirt/cpu_map): vendors, features and CPU
 * models per architecture, and the host model chosen from it as libvirt
 * chooses it. The map of the libvirt installed where hostcaps runs is the
 * one compiled into the library while it is unchanged since the build, else
 * parsed, once per process; shared read-only (docs/cpu.md). */

#include "x86.h"

typedef struct hostcaps_cpumap hostcaps_cpumap;

/* Where libvirt's cpu_map is read: $HOSTCAPS_CPU_MAP_DIR, else
 * /usr/share/libvirt/cpu_map. */
const char *hostcaps_cpu_map_dir(void);

/* Bounds on the work one map may ask for (libvirt 11.3's whole map: 178
 * files, 1.6 MB, 364 x86 features, 230 x86 models). Beyond any of them the
 * map is refused with an error naming the bound and the file. */
#define HOSTCAPS_CPUMAP_MAX_FILES      1024        /* files parsed, index.xml included */
#define HOSTCAPS_CPUMAP_MAX_BYTES      (64u << 20) /* their total size */
#define HOSTCAPS_CPUMAP_MAX_ENTRIES    16384       /* vendors, features or models, per arch */
#define HOSTCAPS_CPUMAP_MAX_SIGNATURES 262144      /* signatures and PVRs, inherited copies counted */

/* The installed map ($HOSTCAPS_CPU_MAP_DIR, else /usr/share/libvirt/cpu_map),
 * taken at the first call: the compiled map where its stamp is the
 * directory's, else the map parsed. NULL when there is none or it is
 * unusable; then *ret_reason (optional) says why: "libvirt's cpu_map is
 * not installed (DIR)", or the parse error naming the file. */
const hostcaps_cpumap *hostcaps_cpumap_get(const char **ret_reason);

/* Parse the map in `dir` (tests and the fuzzer; the section uses
 * hostcaps_cpumap_get()). Errors name the file at fault. Every file is parsed
 * at most once (an include of a file already read is an error: libvirt's
 * maps never repeat one), names are looked up in hash tables: the work is
 * linear in the size of the map. */
int hostcaps_cpumap_load(const char *dir, hostcaps_cpumap **ret);
hostcaps_cpumap *hostcaps_cpumap_free(hostcaps_cpumap *m);

/* Which of libvirt's decoding rules the map calls for, in words ("libvirt
 * 9.0-10.x rules", "libvirt 11.x rules"), told from the map's own content;
 * see docs/cpu.md. */
const char *hostcaps_cpumap_rules(const hostcaps_cpumap *m);

/* The map's x86 features, in the map's order (libvirt's print order): the
 * name, and the conditions that must all hold (items' names are the
 * feature's). */
size_t hostcaps_cpumap_x86_n_features(const hostcaps_cpumap *m);
const char *hostcaps_cpumap_x86_feature(const hostcaps_cpumap *m, size_t i,
                                        const hostcaps_x86_feature **ret_items, size_t *ret_n_items);

/* What the map makes of an x86 CPU. Names point into the map. */
typedef struct hostcaps_cpumap_x86 {
        const char *rules;     /* hostcaps_cpumap_rules() */
        const char *vendor;    /* the map's vendor name, NULL when the map does not know it */
        const char *model;     /* NULL when no model fits */
        const char **features; /* beside the model, in the map's order (all when no model) */
        size_t n_features;
        const char **all; /* every feature the CPU has, in the map's order */
        size_t n_all;
} hostcaps_cpumap_x86;

/* Decode CPUID (and MSR) data of the CPU `id` names: the vendor, every
 * feature, and the host model as libvirt selects it (docs/cpu.md has the
 * rules, version by version):
 *   - hle and rtm are dropped first where id->broken_tsx;
 *   - models are tried from the last in index.xml order to the first;
 *   - a model of another vendor, or not meant for host CPUs (decode
 *     host='off'), is out; so is a model with a feature the CPU lacks,
 *     except, under libvirt 11.x rules, features the model marks
 *     added='yes' (added to it after its release, mostly vmx-*);
 *   - a model whose signature (family, model, stepping) matches the CPU's
 *     wins over one whose signature does not;
 *   - else the model that leaves fewer features to list beside it wins; on a
 *     tie the one tried first (the later in the map) stays.
 * Free with hostcaps_cpumap_x86_done(). */
int hostcaps_cpumap_x86_decode(const hostcaps_cpumap *m, const hostcaps_cpuid *c,
                               const hostcaps_x86_identity *id, hostcaps_cpumap_x86 *ret);
void hostcaps_cpumap_x86_done(hostcaps_cpumap_x86 *r);

/* ARM: the vendor named for an implementer code (MIDR bits 31:24) and the
 * model with that part number (MIDR bits 15:4) of that vendor; NULL when the
 * map has none. */
const char *hostcaps_cpumap_arm_vendor(const hostcaps_cpumap *m, uint32_t implementer);
const char *hostcaps_cpumap_arm_model(const hostcaps_cpumap *m, uint32_t implementer, uint32_t part);
/* ppc64: the first model, in the map's order, one of whose PVR patterns
 * matches `pvr` (pvr & mask == value), and its vendor; NULL when none. */
const char *hostcaps_cpumap_ppc64_model(const hostcaps_cpumap *m, uint32_t pvr, const char **ret_vendor);
