/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Cache types, shared by the cache and resctrl sections (and their
 * documents): the public enum's names in one place. */

#include "hostcaps/cache.h"

#define HOSTCAPS_CACHE_N_TYPES 3

/* libvirt's names, indexed by hostcaps_cache_type: "both", "code", "data". */
extern const char *const hostcaps_cache_type_names[HOSTCAPS_CACHE_N_TYPES];
/* The kernel's cacheinfo names (indexK/type): "Unified", "Instruction", "Data". */
extern const char *const hostcaps_cache_type_kernel_names[HOSTCAPS_CACHE_N_TYPES];
/* lscpu's suffix of a level's name: "" (L3), "i" (L1i), "d" (L1d). */
extern const char *const hostcaps_cache_type_suffixes[HOSTCAPS_CACHE_N_TYPES];

/* The type a kernel name gives, or -EINVAL (no message) for another name. */
int hostcaps_cache_type_from_kernel(const char *s, hostcaps_cache_type *ret);
