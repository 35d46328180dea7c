/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "util.h"

/* A growable set of small non-negative integers (CPU or node ids). */
typedef struct hostcaps_bitmap {
        uint64_t *words;
        size_t n_words;
} hostcaps_bitmap;

/* Largest id accepted anywhere: far above any kernel's NR_CPUS (8192), low
 * enough that a hostile "0-4294967295" cannot make us allocate gigabytes. */
#define HOSTCAPS_BITMAP_MAX 65536u

hostcaps_bitmap *hostcaps_bitmap_new(void);
hostcaps_bitmap *hostcaps_bitmap_free(hostcaps_bitmap *b);
hostcaps_bitmap *hostcaps_bitmap_dup(const hostcaps_bitmap *b);
static inline void hostcaps_bitmap_freep(hostcaps_bitmap **b) {
        hostcaps_bitmap_free(*b);
}
#define _cleanup_bitmap_ _cleanup_(hostcaps_bitmap_freep)

/* -ERANGE above HOSTCAPS_BITMAP_MAX, -ENOMEM. */
int hostcaps_bitmap_set(hostcaps_bitmap *b, unsigned int i);
void hostcaps_bitmap_clear(hostcaps_bitmap *b, unsigned int i);
bool hostcaps_bitmap_test(const hostcaps_bitmap *b, unsigned int i);
unsigned int hostcaps_bitmap_count(const hostcaps_bitmap *b);
bool hostcaps_bitmap_is_empty(const hostcaps_bitmap *b);
bool hostcaps_bitmap_equal(const hostcaps_bitmap *a, const hostcaps_bitmap *b);
/* The first member >= from, or -1. */
int hostcaps_bitmap_next(const hostcaps_bitmap *b, unsigned int from);
/* The largest member, or -1 when empty. */
int hostcaps_bitmap_last(const hostcaps_bitmap *b);
/* a |= b; a &= b; a &= ~b. */
int hostcaps_bitmap_or(hostcaps_bitmap *a, const hostcaps_bitmap *b);
void hostcaps_bitmap_and(hostcaps_bitmap *a, const hostcaps_bitmap *b);
void hostcaps_bitmap_sub(hostcaps_bitmap *a, const hostcaps_bitmap *b);
/* "0-3,8,10-11" (the kernel's list format); "" when empty. NULL on ENOMEM. */
char *hostcaps_bitmap_format(const hostcaps_bitmap *b);

#define BITMAP_FOREACH(i, b)                                                                                 \
        for (int i = hostcaps_bitmap_next((b), 0); i >= 0; i = hostcaps_bitmap_next((b), (unsigned)i + 1))
