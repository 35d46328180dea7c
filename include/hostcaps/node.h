/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/common.h>
#include <hostcaps/cpuset.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A host: the live one, or a recorded sysroot. Sections are probed on demand,
 * independently of each other, and memoized in the node. A node may be used
 * from many threads at once. */
typedef struct hostcaps_node hostcaps_node;

/* Open a node. root NULL or "/" is this live host; any other directory is a
 * recorded sysroot (sys/..., proc/... laid out as on a live host), and then
 * nothing is read from the live machine. flags must be 0.
 * Returns 0, or -ENOENT/-ENOTDIR/-EACCES for a bad root, -EINVAL for bad flags. */
HOSTCAPS_EXPORT int hostcaps_node_open(hostcaps_node **ret, const char *root, unsigned int flags);
/* Open a node from a saved capabilities document: hostcaps' own XML or
 * libvirt's `virsh capabilities` output (<guest> elements are ignored). The
 * node then answers by section like any other; a section the document does
 * not hold is present and absent ("not in the loaded document"). Nothing is
 * read from the host. The document is untrusted input: no network, no
 * entities, no DTD (refused), size and depth limits; errors name the line.
 * `path` is read whole (at most 16 MiB). flags must be 0. */
HOSTCAPS_EXPORT int hostcaps_node_open_document(hostcaps_node **ret, const char *path, unsigned int flags);
/* The same from a document in memory (`size` bytes, no NUL needed). */
HOSTCAPS_EXPORT int hostcaps_node_open_document_data(hostcaps_node **ret, const char *data, size_t size,
                                                     unsigned int flags);

/* Open a node from an hwloc XML topology (lstopo --of xml,
 * hwloc-gather-topology, PMIx): the CPU topology, NUMA and cache sections
 * come from it; what hwloc cannot know (free memory now, resctrl, the host
 * identity) is absent with that reason. hwloc is loaded when this is first
 * called (-EOPNOTSUPP without libhwloc.so.15). flags must be 0.
 * The XML is parsed by hwloc itself: hwloc 2.9 can crash on a malformed
 * topology (a NUMA node without its nodesets), so give it topologies you
 * produced, or parse untrusted ones in a process you can lose. */
HOSTCAPS_EXPORT int hostcaps_node_open_hwloc(hostcaps_node **ret, const char *path, unsigned int flags);

HOSTCAPS_EXPORT hostcaps_node *hostcaps_node_ref(hostcaps_node *node);
HOSTCAPS_EXPORT hostcaps_node *hostcaps_node_unref(hostcaps_node *node);

/* True for the live host, false for a recorded sysroot. */
HOSTCAPS_EXPORT bool hostcaps_node_is_live(const hostcaps_node *node);
/* The root this node reads: "/" for the live host. */
HOSTCAPS_EXPORT const char *hostcaps_node_root(const hostcaps_node *node);
/* The machine architecture in libvirt's spelling ("x86_64", "aarch64", ...).
 * Always known: uname on a live host; in a sysroot the recorded value, else
 * what its proc/cpuinfo implies. */
HOSTCAPS_EXPORT const char *hostcaps_node_arch(hostcaps_node *node);

/* Take x86 CPUID from a dump (libvirt's <cpudata arch='x86'> format or
 * libcpuid's raw format) instead of executing CPUID or reading the root's
 * recorded dump. `path` is a path of this machine, not of the root. Call it
 * before the CPU section is first probed: -EBUSY after. NULL resets. */
HOSTCAPS_EXPORT int hostcaps_node_set_cpuid_file(hostcaps_node *node, const char *path);

/* The capabilities document of `sections` in `format` (NUL-terminated; the
 * caller frees it with free()). Only the sections in `sections` are probed.
 * flags: HOSTCAPS_FLAG_* (HOSTCAPS_FLAG_STRICT included).
 *
 * A request for several sections survives one that fails: the document
 * holds every section that could be probed, and each failed one is there as
 * failed with its reason (JSON: {"failed": true, "reason": "..."}; text: a
 * "failed (...)" line; libvirt's XML has no place for it and leaves the
 * element out). The return value is then the number of failed sections
 * (> 0), and hostcaps_error_message() lists them, one "SECTION: reason" a
 * line. A negative errno is returned, and no document, when every requested
 * section failed, when memory ran out, for invalid arguments, and, with
 * HOSTCAPS_FLAG_STRICT, when any section failed. 0: every section is there.
 * -EOPNOTSUPP for a format not built into this version. */
HOSTCAPS_EXPORT int hostcaps_node_get_capabilities(hostcaps_node *node, unsigned int sections,
                                                   unsigned int flags, hostcaps_format format,
                                                   char **ret_doc);

/* The CPUs the tasks of cgroup `path` may run on (its effective cpuset),
 * for an agent that places a workload: the workload's cgroup, not the
 * caller's. `path` is relative to the cgroup mount ("/kubepods/pod1/ctr";
 * "/" for the root); cgroup v2's cpuset.cpus.effective, else v1's
 * cpuset.effective_cpus, read under the node's root. The set is the
 * caller's to free. -ENOENT naming the file when the cgroup or its cpuset
 * controller does not exist; -EINVAL for a path with "." or "..". */
HOSTCAPS_EXPORT int hostcaps_node_cgroup_cpus(hostcaps_node *node, const char *path, hostcaps_cpuset **ret);

#ifdef __cplusplus
}
#endif
