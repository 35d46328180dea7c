/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Record a sysroot of this live host into `dir` (created; it must not exist
 * or be empty): exactly the files the probes of `sections` read, the
 * directories they list, the symlinks on the way, a CPUID dump (x86) and a
 * small sidecar, hostcaps-snapshot.txt, for what is not a file (arch, page
 * size, kernel release). hostcaps_node_open(dir) then answers as the live
 * host did. flags must be 0. */
HOSTCAPS_EXPORT int hostcaps_snapshot(const char *dir, unsigned int sections, unsigned int flags);

#ifdef __cplusplus
}
#endif
