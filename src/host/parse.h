/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "bitmap.h"

/* Parsers for the value formats of sysfs and procfs. Each returns 0 or
 * -EINVAL / -ERANGE with the thread's error message describing the value
 * ("invalid CPU list '3-1': range is reversed"); callers that know the file
 * prefix it with hostcaps_error_prefix(). Leading and trailing whitespace is
 * ignored; anything else unexpected is an error. */

/* Unsigned decimal, or hexadecimal with a 0x prefix. No sign, no suffix. */
int hostcaps_parse_u64(const char *s, uint64_t *ret);
int hostcaps_parse_u32(const char *s, uint32_t *ret);
/* Signed decimal. */
int hostcaps_parse_s64(const char *s, int64_t *ret);
/* A kernel CPU/node list: "0-3,8-11", "5", "" (empty set), "0-7:2" (stride). */
int hostcaps_parse_cpulist(const char *s, hostcaps_bitmap **ret);
/* A kernel hex mask, 32-bit groups separated by commas, most significant
 * first: "ffffffff,00000001". An optional 0x prefix is accepted. */
int hostcaps_parse_cpumask(const char *s, hostcaps_bitmap **ret);
/* A size with an optional binary unit suffix as sysfs writes them:
 * "32768K", "1M", "2G", "512", "2048 kB". Result in bytes. */
int hostcaps_parse_size(const char *s, uint64_t *ret);

/* Rewrite the thread's error message as "prefix: message". */
void hostcaps_error_prefix(const char *prefix);
