/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* x86 feature names (libvirt's spelling) and their CPUID bits, for hosts
 * without libvirt's cpu_map. Facts from the Intel SDM and AMD APM. */
#include "x86.h"

#define F(n, l, s, reg, bit) {.name = n, .leaf = l, .subleaf = s, .mask[reg] = 1u << (bit)}

const hostcaps_x86_feature hostcaps_x86_builtin_features[] = {
        F("fpu", 0x1, 0, HOSTCAPS_EDX, 0),
        F("sse", 0x1, 0, HOSTCAPS_EDX, 25),
        F("sse2", 0x1, 0, HOSTCAPS_EDX, 26),
};
const size_t hostcaps_x86_n_builtin_features =
        sizeof(hostcaps_x86_builtin_features) / sizeof(hostcaps_x86_builtin_features[0]);
