/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Conventions shared by every hostcaps call.
 *
 * Return values, one convention for every call:
 *   - int calls return 0, or a value >= 0 (a count, an index, a node id, a
 *     distance), on success and a negative errno on failure: -EINVAL for a
 *     NULL object, a NULL required out-parameter or an index out of range;
 *     -ENODATA for a value that is not known (a file the read policy refused,
 *     or one a recorded root or a loaded document does not hold); -ENOENT
 *     for an id or name that is not there; -ENOMEM. Out-parameters (ret_*)
 *     are written only on success.
 *   - pointer calls (strings, lists) return NULL for "not known" and for a
 *     NULL object or an index out of range.
 *   - size_t counts return 0 for a NULL object.
 *   - bool calls return false for "no", "not known" and a NULL object; where
 *     "not known" matters an int twin tells it apart (-ENODATA).
 *   - value calls (unsigned, uint64_t, an enum) cannot carry an errno: they
 *     return 0 for an index out of range or a NULL object, so bound the
 *     index by the section's count call; 0 also means "not known" where the
 *     header says so (a cache's size, say).
 *   - three calls kept for the ABI are tri-states, 1 / 0 / -1 for unknown,
 *     not errnos: hostcaps_cpu_tsc_scaling() (hostcaps_cpu_tsc_scaling_get()
 *     is its int twin), hostcaps_resctrl_memory_bandwidth_delay_linear() and
 *     hostcaps_host_iommu_support().
 *   - a new set (hostcaps_cpuset) handed out by a *_cpuset() call is the
 *     caller's to free; anything else returned belongs to its object.
 *
 * Errors: after a failure, hostcaps_error_message()
 * returns a human-readable message for the calling thread that names the file
 * and the value at fault (for example
 * "sys/devices/system/cpu/online: invalid CPU list '3-1': range is reversed").
 * The library never prints.
 *
 * Objects: every object is opaque, immutable once handed out and
 * reference-counted with atomic counts, so it can be shared across threads.
 * *_unref() accepts NULL and returns NULL: `x = hostcaps_x_unref(x);`.
 * Strings and arrays returned by accessors belong to the object and live as
 * long as the caller holds a reference to it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(HOSTCAPS_BUILDING) && defined(__GNUC__)
#define HOSTCAPS_EXPORT __attribute__((visibility("default")))
#else
#define HOSTCAPS_EXPORT
#endif

/* Sections: the parts of a host's description a caller can ask for. */
typedef enum hostcaps_section {
        HOSTCAPS_SECTION_CPU = 1u << 0,       /* host CPU identity, features, topology counts */
        HOSTCAPS_SECTION_NUMA = 1u << 1,      /* NUMA cells, distances, CPUs and their ids */
        HOSTCAPS_SECTION_MEMORY = 1u << 2,    /* free memory and hugepages per cell (volatile) */
        HOSTCAPS_SECTION_CACHE = 1u << 3,     /* cache banks of every level */
        HOSTCAPS_SECTION_RESCTRL = 1u << 4,   /* cache / memory bandwidth allocation, monitoring */
        HOSTCAPS_SECTION_HOST = 1u << 5,      /* uuid, power management, IOMMU */
        HOSTCAPS_SECTION_ISOLATION = 1u << 6, /* isolated CPUs, SMT control, CPU vulnerabilities */
        HOSTCAPS_SECTION_FREQUENCY = 1u << 7, /* cpufreq domains, CPU capacities, kinds from them */
        /* The default set: what a request for "all" probes. */
        HOSTCAPS_SECTION_ALL = (1u << 8) - 1,
        /* PCI devices, their locality and bound kernel names. Not in
         * HOSTCAPS_SECTION_ALL: it costs more than the default set together
         * on hosts with many devices (docs/performance.md); ask for it by
         * its flag or its name, "devices". */
        HOSTCAPS_SECTION_DEVICES = 1u << 8,
} hostcaps_section;

/* Flags accepted by every get call. Unknown bits are rejected with -EINVAL. */
enum {
        /* Serve the memoized object without any I/O (a section never probed
         * before is probed once). The volatile memory-state section is
         * re-read anyway on a live host. */
        HOSTCAPS_FLAG_CACHED = 1u << 0,
        /* Probe again, whatever is memoized. */
        HOSTCAPS_FLAG_REFRESH = 1u << 1,
        /* hostcaps_node_get_capabilities(): all or nothing; a section that
         * fails fails the call (without it the document holds the sections
         * that could be probed). Ignored by the typed getters, which fail
         * with their section anyway. */
        HOSTCAPS_FLAG_STRICT = 1u << 2,
};

typedef enum hostcaps_format {
        HOSTCAPS_FORMAT_XML = 0,  /* libvirt-compatible <capabilities> document */
        HOSTCAPS_FORMAT_JSON = 1, /* JSON document */
        HOSTCAPS_FORMAT_TEXT = 2, /* human-readable summary */
        /* Fleet exports (since 0.3, docs/fleet.md). NFD: a feature file for
         * Node Feature Discovery's local source, one "hostcaps.NAME=VALUE"
         * Kubernetes node label a line, stable facts only (no free memory);
         * a label Kubernetes could not take is left out and a "# hostcaps:
         * left out ..." comment line says so. PROMETHEUS: the text
         * exposition format for node_exporter's textfile collector, gauges
         * in base units (bytes). Values 3 and 4 follow the existing ones so
         * that a program built against 0.2 keeps its meaning. */
        HOSTCAPS_FORMAT_NFD = 3,
        HOSTCAPS_FORMAT_PROMETHEUS = 4,
} hostcaps_format;

/* The message describing the last failure of a hostcaps call on this thread,
 * or NULL if none failed yet. Valid until the next failing call on this thread. */
HOSTCAPS_EXPORT const char *hostcaps_error_message(void);

/* The version of the library in use ("0.3.0"), which may be newer than the
 * HOSTCAPS_VERSION_STRING a program was built with. */
HOSTCAPS_EXPORT const char *hostcaps_version(void);

/* "cpu", "numa", ... for a single section flag; NULL for anything else. */
HOSTCAPS_EXPORT const char *hostcaps_section_to_string(unsigned int section);
/* The flag of a section name, or 0 if the name is unknown. */
HOSTCAPS_EXPORT unsigned int hostcaps_section_from_string(const char *name);

#ifdef __cplusplus
}
#endif
