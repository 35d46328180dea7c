/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Sizes with a binary unit, as libvirt writes them: the largest unit that
 * divides the size exactly (15 MiB, 768 KiB, 1536 B). */

#include <stddef.h>
#include <stdint.h>

/* The power of 1024 (0 for B, 1 for KiB, ... 6 for EiB) that divides
 * `bytes` exactly; 0 for 0. */
unsigned int hostcaps_unit_exponent(uint64_t bytes);
/* "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" for exponents 0 to 6. */
const char *hostcaps_unit_name(unsigned int exponent);
/* `bytes` in its exact unit: returns the number, *ret_unit the unit's name. */
uint64_t hostcaps_unit_exact(uint64_t bytes, const char **ret_unit);

/* A size for people, of a KiB count, into buf: the largest unit up to PiB
 * in which it is at least 1, with one decimal, rounded ("15.6 GiB"), or in
 * KiB exactly ("768 KiB"). Returns buf. The text format's memory sizes. */
const char *hostcaps_unit_human_kib(char *buf, size_t size, uint64_t kib);
