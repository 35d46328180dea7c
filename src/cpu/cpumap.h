/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libvirt's CPU map (/usr/share/libvirt/cpu_map): vendors, features and CPU
 * models per architecture, and the host model chosen from it as libvirt
 * chooses it. The map of the libvirt installed where hostcaps runs is
 * parsed once per process and shared read-only. */

#include "x86.h"

typedef struct hostcaps_cpumap hostcaps_cpumap;

/* The installed map ($HOSTCAPS_CPU_MAP_DIR, else /usr/share/libvirt/cpu_map),
 * parsed at the first call. NULL when there is none or it is unusable; then
 * *ret_reason (optional) says why: "libvirt's cpu_map is not installed
 * (DIR)", or the parse error naming the file. */
const hostcaps_cpumap *hostcaps_cpumap_get(const char **ret_reason);

/* Parse the map in `dir` (tests; the section uses hostcaps_cpumap_get()).
 * Errors name the file at fault. */
int hostcaps_cpumap_load(const char *dir, hostcaps_cpumap **ret);
hostcaps_cpumap *hostcaps_cpumap_free(hostcaps_cpumap *m);

/* What the map makes of an x86 CPU. Names point into the map. */
typedef struct hostcaps_cpumap_x86 {
        const char *vendor; /* the map's vendor name, NULL when the map does not know it */
        const char *model;  /* NULL when no model fits */
        const char **features; /* beside the model, in the map's order (all when no model) */
        size_t n_features;
        const char **all;   /* every feature the CPU has, in the map's order */
        size_t n_all;
} hostcaps_cpumap_x86;

/* Decode CPUID (and MSR) data: the vendor, every feature, and the host model
 * as libvirt selects it:
 *   - models are tried from the last in index.xml order to the first;
 *   - a model of another vendor, or not meant for host CPUs (decode host='off'),
 *     is out; so is a model with a feature the CPU lacks;
 *   - a model whose signature (family, model, stepping) matches the CPU's wins
 *     over one whose signature does not;
 *   - else the model that leaves fewer features to list beside it wins; on a
 *     tie the one tried first (the later in the map) stays.
 * On Intel family 6 models 60, 69, 70 and 63 before stepping 4, TSX (hle,
 * rtm) is dropped first, as libvirt drops it: it is broken there. Free with
 * hostcaps_cpumap_x86_done(). */
int hostcaps_cpumap_x86_decode(const hostcaps_cpumap *m, const hostcaps_cpuid *c, hostcaps_cpumap_x86 *ret);
void hostcaps_cpumap_x86_done(hostcaps_cpumap_x86 *r);

/* ARM: the vendor named for an implementer code (MIDR bits 31:24) and the
 * model with that part number (MIDR bits 15:4) of that vendor; NULL when the
 * map has none. */
const char *hostcaps_cpumap_arm_vendor(const hostcaps_cpumap *m, uint32_t implementer);
const char *hostcaps_cpumap_arm_model(const hostcaps_cpumap *m, uint32_t implementer, uint32_t part);
/* ppc64: the first model, in the map's order, one of whose PVR patterns
 * matches `pvr` (pvr & mask == value), and its vendor; NULL when none. */
const char *hostcaps_cpumap_ppc64_model(const hostcaps_cpumap *m, uint32_t pvr, const char **ret_vendor);
