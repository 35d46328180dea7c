/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "cachetype.h"

const char *const hostcaps_cache_type_names[HOSTCAPS_CACHE_N_TYPES] = {
        [HOSTCAPS_CACHE_UNIFIED] = "both",
        [HOSTCAPS_CACHE_INSTRUCTION] = "code",
        [HOSTCAPS_CACHE_DATA] = "data",
};

/* drivers/base/cacheinfo.c, unchanged since 2.6. */
const char *const hostcaps_cache_type_kernel_names[HOSTCAPS_CACHE_N_TYPES] = {
        [HOSTCAPS_CACHE_UNIFIED] = "Unified",
        [HOSTCAPS_CACHE_INSTRUCTION] = "Instruction",
        [HOSTCAPS_CACHE_DATA] = "Data",
};

const char *const hostcaps_cache_type_suffixes[HOSTCAPS_CACHE_N_TYPES] = {
        [HOSTCAPS_CACHE_UNIFIED] = "",
        [HOSTCAPS_CACHE_INSTRUCTION] = "i",
        [HOSTCAPS_CACHE_DATA] = "d",
};

int hostcaps_cache_type_from_kernel(const char *s, hostcaps_cache_type *ret) {
        for (int t = 0; t < HOSTCAPS_CACHE_N_TYPES; t++)
                if (strcmp(s, hostcaps_cache_type_kernel_names[t]) == 0) {
                        *ret = (hostcaps_cache_type)t;
                        return 0;
                }
        return -EINVAL;
}

HOSTCAPS_EXPORT const char *hostcaps_cache_type_to_string(hostcaps_cache_type type) {
        return (unsigned)type < HOSTCAPS_CACHE_N_TYPES ? hostcaps_cache_type_names[type] : NULL;
}
