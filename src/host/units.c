/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "units.h"

static const char *const names[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

unsigned int hostcaps_unit_exponent(uint64_t bytes) {
        unsigned k = 0;
        while (bytes && bytes % 1024 == 0 && k + 1 < N_NAMES) {
                bytes /= 1024;
                k++;
        }
        return k;
}

const char *hostcaps_unit_name(unsigned int exponent) {
        return names[exponent < N_NAMES ? exponent : N_NAMES - 1];
}

uint64_t hostcaps_unit_exact(uint64_t bytes, const char **ret_unit) {
        unsigned k = hostcaps_unit_exponent(bytes);
        *ret_unit = names[k];
        return bytes >> (10 * k);
}
