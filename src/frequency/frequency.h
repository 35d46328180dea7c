/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The frequency section's object and the pieces it is made of: the probe
 * (probe.c), the object, its formatting and accessors (frequency.c), and
 * what a loaded document gives (load.c). */

#include "host/bitmap.h"
#include "host/section.h"
#include "hostcaps/frequency.h"

/* A kind of CPUs: those sharing a capacity, or a maximum frequency. */
typedef struct hostcaps_freq_kind {
        char *name;         /* "capacity-N", "max-NkHz" */
        char *cpus;         /* kernel CPU list */
        const char *source; /* "capacity", "frequency" (static) */
        uint64_t capacity;  /* cpu_capacity of its CPUs, 0 when not known */
        uint64_t max_khz;   /* cpuinfo_max_freq of its CPUs, 0 when not known */
} hostcaps_freq_kind;

/* One cpufreq policy: CPUs that share a clock. 0 is "not known". */
typedef struct hostcaps_freq_domain {
        char *cpus; /* kernel CPU list */
        hostcaps_bitmap *set;
        uint64_t min_khz, max_khz, base_khz;
} hostcaps_freq_domain;

/* CPUs of one capacity. */
typedef struct hostcaps_freq_capacity {
        uint64_t capacity;
        char *cpus; /* kernel CPU list */
        hostcaps_bitmap *set;
} hostcaps_freq_capacity;

struct hostcaps_frequency {
        hostcaps_object obj;
        hostcaps_freq_domain *domains;
        size_t n_domains;
        hostcaps_freq_capacity *capacities; /* ascending; none without cpu_capacity */
        size_t n_capacities;
        hostcaps_freq_kind *kinds;
        size_t n_kinds;
        /* The read policy: values made unknown by a bad file (the reason is
         * on obj), which JSON says null and text "unknown". */
        unsigned int unknown; /* HOSTCAPS_FREQUENCY_UNKNOWN_* */
};

enum {
        HOSTCAPS_FREQUENCY_UNKNOWN_DOMAINS = 1u << 0,    /* cpufreq policies unreadable */
        HOSTCAPS_FREQUENCY_UNKNOWN_CAPACITIES = 1u << 1, /* a cpu_capacity bad or missing */
        HOSTCAPS_FREQUENCY_UNKNOWN_KINDS = 1u << 2,
};

void hostcaps_frequency_free_fields(hostcaps_object *o);

/* probe.c: the section's probe and stamp, and the object's free. */
int hostcaps_frequency_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret);
int hostcaps_frequency_stamp(hostcaps_reader *r, uint64_t *ret);
/* load.c: the section from a saved document (absent: no place in libvirt's XML). */
int hostcaps_frequency_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret);
