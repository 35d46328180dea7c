/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

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

const char *hostcaps_unit_human_kib(char *buf, size_t size, uint64_t kib) {
        double v = (double)kib;
        unsigned k = 1; /* KiB */
        while (v >= 1024 && k + 1 < N_NAMES - 1) {
                v /= 1024;
                k++;
        }
        if (k == 1)
                snprintf(buf, size, "%llu KiB", (unsigned long long)kib);
        else
                snprintf(buf, size, "%.1f %s", v, names[k]);
        return buf;
}
