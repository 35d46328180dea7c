/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The CPU section's object and the pieces its probe is made of. */

#include "host/section.h"
#include "hostcaps/cpu.h"

typedef struct hostcaps_core_kind {
        char *name; /* "core", "atom" */
        char *cpus; /* kernel CPU list */
} hostcaps_core_kind;

struct hostcaps_cpu {
        hostcaps_object obj;
        char *arch;
        char *vendor, *vendor_id, *brand, *model;
        bool has_signature;
        unsigned int family, model_number, stepping;
        bool has_microcode;
        uint64_t microcode;
        uint64_t tsc_hz;
        int tsc_scaling; /* 1 yes, 0 no, -1 unknown */
        unsigned int phys_bits;
        hostcaps_cpu_topology topo;
        char **features; /* listed beside the model (all without a model); NULL-terminated */
        size_t n_features;
        char **all_features; /* every feature, the model's included; NULL-terminated */
        size_t n_all_features;
        char *model_reason; /* why there is no model, NULL with one */
        const char *feature_source;
        uint64_t *page_sizes; /* KiB */
        size_t n_page_sizes;
        hostcaps_core_kind *kinds;
        size_t n_kinds;
        /* The read policy: values made unknown by a bad file (the reason is
         * on obj), which the text shows as "unknown" instead of leaving out. */
        unsigned int unknown; /* HOSTCAPS_CPU_UNKNOWN_* */
};

enum {
        HOSTCAPS_CPU_UNKNOWN_MICROCODE = 1u << 0,
        HOSTCAPS_CPU_UNKNOWN_SIGNATURE = 1u << 1,
        HOSTCAPS_CPU_UNKNOWN_IDENTITY = 1u << 2, /* vendor and model (ARM MIDR, POWER PVR) */
        HOSTCAPS_CPU_UNKNOWN_PHYS_BITS = 1u << 3,
        HOSTCAPS_CPU_UNKNOWN_HUGE_PAGES = 1u << 4, /* page sizes beyond the base page */
        HOSTCAPS_CPU_UNKNOWN_CORE_KINDS = 1u << 5,
        HOSTCAPS_CPU_UNKNOWN_CPUINFO = 1u << 6, /* proc/cpuinfo unreadable: all it gives */
};

/* The read policy for an optional value of the CPU section: hostcaps_optional()
 * on the object, and `what` marked unknown when the value was bad (not
 * when it was merely absent). Returns 0, or -ENOMEM. */
int hostcaps_cpu_optional(hostcaps_cpu *cpu, int e, unsigned int what);

/* Free the fields of a CPU object (the section's free_object). */
void hostcaps_cpu_free_fields(hostcaps_object *o);
/* load.c: the CPU section from a saved document (the section's from_xml). */
int hostcaps_cpu_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret);

/* topology.c: counts from sysfs, hybrid kinds. */
int hostcaps_cpu_probe_topology(hostcaps_reader *r, hostcaps_cpu *cpu);
int hostcaps_cpu_probe_core_kinds(hostcaps_reader *r, hostcaps_cpu *cpu);

/* cpuinfo.c: identity from /proc/cpuinfo (every non-x86 architecture, and
 * x86 sysroots without a CPUID dump). */
int hostcaps_cpu_probe_cpuinfo(hostcaps_reader *r, const char *arch, hostcaps_cpu *cpu);

/* x86.c: identity and features from CPUID (live, or a recorded dump). */
int hostcaps_cpu_probe_x86(const hostcaps_probe_ctx *ctx, hostcaps_cpu *cpu);
/* Record this CPU's CPUID dump into a snapshot directory. */
int hostcaps_cpu_snapshot_x86(const hostcaps_probe_ctx *ctx, int dirfd);

/* Append a feature name (copied) to the listed features. A name added
 * twice is kept once, at its first place, by hostcaps_cpu_finish_features()
 * (one sort for the lot: a check per name would make a long list, as a
 * hostile document has, quadratic). */
int hostcaps_cpu_add_feature(hostcaps_cpu *cpu, const char *name, size_t *allocated);
/* Append to every feature. Where a probe adds none, the listed ones are all. */
int hostcaps_cpu_add_all_feature(hostcaps_cpu *cpu, const char *name, size_t *allocated);
/* Once every feature is added: duplicates out of both lists, and the
 * listed features as every feature where no probe named those apart. */
int hostcaps_cpu_finish_features(hostcaps_cpu *cpu);
/* Page sizes ascending, each once: "hugepages-02048kB" beside
 * "hugepages-2048kB" (or a document's <pages> twice) is one size. */
int hostcaps_cpu_finish_page_sizes(hostcaps_cpu *cpu);
/* The object's arch (copied, whatever its length). */
int hostcaps_cpu_set_arch(hostcaps_cpu *cpu, const char *arch);
/* Remember why no model was found (copied; the first reason stays). */
int hostcaps_cpu_set_model_reason(hostcaps_cpu *cpu, const char *reason);

/* cpuinfo.c / x86.c: the model from libvirt's map for ARM (implementer and
 * part of MIDR) and POWER (PVR). */
int hostcaps_cpu_arm_model(hostcaps_cpu *cpu, uint32_t implementer, uint32_t part);
int hostcaps_cpu_ppc64_model(hostcaps_cpu *cpu, uint32_t pvr);
