/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/cache.h>
#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The resctrl section (HOSTCAPS_SECTION_RESCTRL): what the kernel's resource
 * control file system (Intel RDT, AMD PQoS) offers, from sys/fs/resctrl/info:
 * cache allocation per level and type, memory bandwidth allocation, and
 * monitoring. It reads nothing outside sys/fs/resctrl.
 *
 * Without a mounted resctrl file system the section is present and empty:
 * hostcaps_resctrl_absent_reason() says "resctrl not mounted", and a get
 * succeeds. A mounted file system missing a file that must be there, or
 * holding a malformed one, is an error naming the file: required are each
 * resource's num_closids, cbm_mask and min_cbm_bits (cache allocation),
 * bandwidth_gran, min_bandwidth and num_closids (MB), num_rmids and
 * mon_features (monitoring). Optional (the read policy): a malformed
 * max_threshold_occupancy (then 0), MB/delay_linear (-1), thread_throttle_mode
 * (NULL), mba_MBps_event or root schemata (software controller then off)
 * is unknown with a reason (hostcaps_resctrl_unknown_reason()).
 *
 * In a capabilities document, resctrl data belongs to other elements, as in
 * libvirt's: the cache controls go inside the cache section's <bank>s, the
 * cache monitor inside its <cache>, and <memory_bandwidth> has one <node> per
 * memory bandwidth domain, which is a last-level cache bank (the kernel's MB
 * domain is the L3 cache; libvirt keys the nodes by that bank's id and CPUs).
 * So the XML shows resctrl only together with the cache section; requested
 * alone, resctrl adds nothing to the XML (libvirt's schema has no place for
 * it outside those elements) and is fully in JSON, text and the calls below.
 * <memory_bandwidth> is written only with at least one node, as the schema
 * requires (libvirt also writes it with a monitor alone, which its schema
 * rejects).
 *
 * From a loaded capabilities document (hostcaps_node_open_document()), the
 * section is read back from those elements: a control's bits are the bank
 * size over its granularity, cbm_mask the low bits, min_cbm_bits the min
 * over the granularity, or 1 where the document writes no min (it does not
 * tell 0 from 1). A document cannot tell MBA's software controller (false;
 * JSON null), delay_linear (-1) or throttle mode (NULL), nor the monitored
 * level when only <memory_bandwidth> has a monitor (0). A document with no
 * control, no monitor and no <memory_bandwidth> has no resctrl section ("not
 * in the loaded document"). */
typedef struct hostcaps_resctrl hostcaps_resctrl;

/* A new reference to the node's resctrl object, probed if needed. */
HOSTCAPS_EXPORT int hostcaps_node_get_resctrl(hostcaps_node *node, unsigned int flags,
                                              hostcaps_resctrl **ret);
HOSTCAPS_EXPORT hostcaps_resctrl *hostcaps_resctrl_ref(hostcaps_resctrl *resctrl);
HOSTCAPS_EXPORT hostcaps_resctrl *hostcaps_resctrl_unref(hostcaps_resctrl *resctrl);
/* The read policy: how many optional values of this object are unknown
 * because their file was unreadable or malformed, and why ("FILE: what was
 * wrong"; NULL past the last). A missing optional file is simply unknown. */
HOSTCAPS_EXPORT size_t hostcaps_resctrl_n_unknown(const hostcaps_resctrl *resctrl);
HOSTCAPS_EXPORT const char *hostcaps_resctrl_unknown_reason(const hostcaps_resctrl *resctrl, size_t i);

/* NULL when resctrl is mounted; otherwise why the section is empty
 * ("resctrl not mounted"). */
HOSTCAPS_EXPORT const char *hostcaps_resctrl_absent_reason(const hostcaps_resctrl *resctrl);

/* ---- Cache allocation (CAT), one control per info/L<level>[CODE|DATA] ----
 *
 * Controls are ordered by level, then type: HOSTCAPS_CACHE_UNIFIED for
 * info/L3 or info/L2; with code/data prioritization (CDP, mount options cdp
 * and cdpl2) HOSTCAPS_CACHE_INSTRUCTION for L3CODE and HOSTCAPS_CACHE_DATA for
 * L3DATA instead. These accessors return values, not ints, so they cannot
 * carry an errno (common.h): given an index out of range, or a NULL object,
 * they return 0 (UNIFIED for the type); a caller bounds i by
 * hostcaps_resctrl_n_cache_controls(). No valid control has level 0 or
 * cbm_bits 0, so 0 never reads as a real value there. */
HOSTCAPS_EXPORT size_t hostcaps_resctrl_n_cache_controls(const hostcaps_resctrl *resctrl);
HOSTCAPS_EXPORT unsigned int hostcaps_resctrl_cache_control_level(const hostcaps_resctrl *resctrl, size_t i);
HOSTCAPS_EXPORT hostcaps_cache_type hostcaps_resctrl_cache_control_type(const hostcaps_resctrl *resctrl,
                                                                        size_t i);
/* cbm_mask: the capacity bit mask that stands for the whole cache. */
HOSTCAPS_EXPORT uint64_t hostcaps_resctrl_cache_control_cbm_mask(const hostcaps_resctrl *resctrl, size_t i);
/* The number of bits set in cbm_mask: each bit is 1/bits of the cache. */
HOSTCAPS_EXPORT unsigned int hostcaps_resctrl_cache_control_cbm_bits(const hostcaps_resctrl *resctrl,
                                                                     size_t i);
/* min_cbm_bits: the fewest bits an allocation may have (0 on AMD). */
HOSTCAPS_EXPORT unsigned int hostcaps_resctrl_cache_control_min_cbm_bits(const hostcaps_resctrl *resctrl,
                                                                         size_t i);
/* num_closids: how many allocations can exist at once (libvirt's maxAllocs). */
HOSTCAPS_EXPORT unsigned int hostcaps_resctrl_cache_control_max_allocs(const hostcaps_resctrl *resctrl,
                                                                       size_t i);
/* In bytes, for a bank of `cache_size` bytes (hostcaps_cache_bank_size()):
 * the granularity, cache_size / cbm_bits (rounded down, as libvirt does),
 * and the minimum allocation, granularity * min_cbm_bits. */
HOSTCAPS_EXPORT uint64_t hostcaps_resctrl_cache_control_granularity(const hostcaps_resctrl *resctrl, size_t i,
                                                                    uint64_t cache_size);
HOSTCAPS_EXPORT uint64_t hostcaps_resctrl_cache_control_min(const hostcaps_resctrl *resctrl, size_t i,
                                                            uint64_t cache_size);

/* ---- Memory bandwidth allocation (MBA), info/MB ---- */

/* False when the host has no memory bandwidth allocation. Otherwise the
 * granularity and minimum as the kernel states them (bandwidth_gran,
 * min_bandwidth: percent of the bandwidth on Intel; on AMD the schemata
 * values are in 1/8 GB/s, with granularity 1 and minimum 0) and the number
 * of allocations (num_closids). Out-parameters are optional. */
HOSTCAPS_EXPORT bool hostcaps_resctrl_memory_bandwidth(const hostcaps_resctrl *resctrl,
                                                       unsigned int *ret_granularity, unsigned int *ret_min,
                                                       unsigned int *ret_max_allocs);
/* Whether the MBA software controller is on (mount option mba_MBps):
 * schemata values are then MiB/s. Told by the root group's mba_MBps_event
 * (kernels from 6.14), else by its MB values: above 100 on hardware whose
 * values are percents (min_bandwidth > 0; the default in MBps mode is
 * 4294967295). */
HOSTCAPS_EXPORT bool hostcaps_resctrl_memory_bandwidth_mbps(const hostcaps_resctrl *resctrl);
/* info/MB/delay_linear: 1 linear, 0 non-linear, -1 not reported (a
 * tri-state, not an errno). */
HOSTCAPS_EXPORT int hostcaps_resctrl_memory_bandwidth_delay_linear(const hostcaps_resctrl *resctrl);
/* info/MB/thread_throttle_mode ("max", "per-thread"; Intel, since 5.8); NULL when absent. */
HOSTCAPS_EXPORT const char *hostcaps_resctrl_memory_bandwidth_throttle_mode(const hostcaps_resctrl *resctrl);

/* ---- Monitoring (CMT, MBM), info/L3_MON ---- */

/* False without monitoring. Otherwise the cache level monitored (3), the
 * number of monitors (num_rmids; libvirt's maxMonitors) and the occupancy in
 * bytes under which a freed monitor is reused (max_threshold_occupancy;
 * libvirt's reuseThreshold; 0 when not reported). Out-parameters are optional. */
HOSTCAPS_EXPORT bool hostcaps_resctrl_monitor(const hostcaps_resctrl *resctrl, unsigned int *ret_level,
                                              unsigned int *ret_max_monitors, uint64_t *ret_reuse_threshold);
/* mon_features, in the kernel's order. Names starting "llc_" are cache
 * monitoring features (libvirt lists them under <cache><monitor>), names
 * starting "mbm_" memory bandwidth ones (under <memory_bandwidth><monitor>). */
HOSTCAPS_EXPORT size_t hostcaps_resctrl_n_monitor_features(const hostcaps_resctrl *resctrl);
HOSTCAPS_EXPORT const char *hostcaps_resctrl_monitor_feature(const hostcaps_resctrl *resctrl, size_t i);

#ifdef __cplusplus
}
#endif
