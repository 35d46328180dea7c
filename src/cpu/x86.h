/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* x86 CPUID: where the leaves come from, and what they name. */

#include "host/reader.h"

enum { HOSTCAPS_EAX, HOSTCAPS_EBX, HOSTCAPS_ECX, HOSTCAPS_EDX };

typedef struct hostcaps_cpuid_leaf {
        uint32_t leaf, subleaf;
        uint32_t regs[4]; /* eax, ebx, ecx, edx */
} hostcaps_cpuid_leaf;

#define HOSTCAPS_CPUID_MAX_MSRS 8

typedef struct hostcaps_cpuid_msr {
        uint32_t index;
        uint64_t value;
} hostcaps_cpuid_msr;

/* A set of CPUID results: executed on this CPU (live), or recorded. */
typedef struct hostcaps_cpuid {
        bool live;
        hostcaps_cpuid_leaf *leaves; /* recorded (or, live, executed so far), sorted by leaf then subleaf */
        size_t n_leaves, n_leaves_allocated;
        /* MSRs that name features (0x10a arch-capabilities, 0xcf
         * core-capabilities), where read or recorded. */
        hostcaps_cpuid_msr msrs[HOSTCAPS_CPUID_MAX_MSRS];
        size_t n_msrs;
} hostcaps_cpuid;

int hostcaps_cpuid_new_live(hostcaps_cpuid **ret);
/* A dump in libvirt's <cpudata arch='x86'> format or libcpuid's raw format
 * (cpuid_tool --save), detected from its first bytes; read through `r`.
 * A dump must hold what identity needs: leaves 0 (vendor) and 1
 * (signature), and 0x80000000 (the extended range, which every x86 vendor
 * has); a <cpudata> of another arch is refused. The error names the file
 * and what is missing. */
int hostcaps_cpuid_load(hostcaps_reader *r, const char *path, hostcaps_cpuid **ret);
hostcaps_cpuid *hostcaps_cpuid_free(hostcaps_cpuid *c);
/* The registers of a leaf; all zero for a leaf beyond the CPU's maximum. */
void hostcaps_cpuid_get(const hostcaps_cpuid *c, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
/* Record an MSR's value (replacing an earlier one); -E2BIG when full. */
int hostcaps_cpuid_set_msr(hostcaps_cpuid *c, uint32_t index, uint64_t value);
/* An MSR's value; false when it was neither read nor recorded. */
bool hostcaps_cpuid_get_msr(const hostcaps_cpuid *c, uint32_t index, uint64_t *ret);
/* Every leaf and subleaf worth recording, in libvirt's <cpudata> format. */
char *hostcaps_cpuid_format_xml(const hostcaps_cpuid *c);

/* The file a snapshot records the CPUID dump in, relative to the root. */
#define HOSTCAPS_SNAPSHOT_CPUID "hostcaps-cpuid.xml"

/* One feature: all of its conditions must hold. */
typedef struct hostcaps_x86_feature {
        const char *name;
        uint32_t leaf, subleaf;
        uint32_t mask[4];   /* bits that must be set, per register */
        uint32_t msr_index; /* non-zero: an MSR feature (mask[0]=eax, mask[3]=edx) */
} hostcaps_x86_feature;

/* hostcaps' own table, used where libvirt's cpu_map is not installed. */
extern const hostcaps_x86_feature hostcaps_x86_builtin_features[];
extern const size_t hostcaps_x86_n_builtin_features;

/* Whether every bit the feature names is set in `c`. */
bool hostcaps_x86_feature_present(const hostcaps_cpuid *c, const hostcaps_x86_feature *f);

/* Who the CPU is, decoded once from CPUID and handed to whatever needs it
 * (the section's identity fields, the map's model selection). */
typedef struct hostcaps_x86_identity {
        char vendor_id[13]; /* leaf 0: "GenuineIntel" */
        uint32_t signature; /* leaf 1 eax without its reserved bits; 0 when absent */
        unsigned family;    /* base + extended family, as libvirt adds them */
        unsigned model;     /* base + (extended model << 4) */
        unsigned stepping;
        bool broken_tsx; /* hle and rtm enumerated but unusable (errata) */
} hostcaps_x86_identity;

void hostcaps_x86_identify(const hostcaps_cpuid *c, hostcaps_x86_identity *ret);
