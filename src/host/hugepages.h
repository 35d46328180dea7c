/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include "object.h"
#include "reader.h"

/* The hugepage pools of a directory (sys/kernel/mm/hugepages, or a NUMA
 * node's nodeN/hugepages): one directory per size, named as the kernel
 * prints it ("hugepages-%lukB": "hugepages-2048kB"); missing without
 * hugetlbfs and in nodes without memory. The one reader of those names,
 * for the CPU section (the sizes) and the memory section (the pools). */
typedef int (*hostcaps_hugepage_fn)(void *userdata, const char *name, uint64_t size_kib);

/* Calls fn for each pool directory below `dir`, in the listing's order,
 * with its name and size. A name of another spelling ("hugepages-2MB", or
 * "hugepages-02048kB", which would give a size twice) is left out, with
 * the reason recorded in `o` (the read policy). Returns the listing's
 * error when `dir` cannot be listed (the caller's policy decides what it
 * means, no call made), fn's first error, -ENOMEM, or 0. */
int hostcaps_hugepages_foreach(hostcaps_reader *r, const char *dir, hostcaps_object *o,
                               hostcaps_hugepage_fn fn, void *userdata);
