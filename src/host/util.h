/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small helpers shared by the whole library (internal). */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ELEMENTSOF(x)  (sizeof(x) / sizeof((x)[0]))
#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_       __attribute__((unused))
#define _likely_(x)    __builtin_expect(!!(x), 1)
#define _unlikely_(x)  __builtin_expect(!!(x), 0)

static inline void freep(void *p) {
        free(*(void **)p);
}
static inline void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_free_  _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand a pointer over: return it and clear the variable that held it. */
#define TAKE_PTR(p)                                                                                          \
        ({                                                                                                   \
                __typeof__(p) _p = (p);                                                                      \
                (p) = NULL;                                                                                  \
                _p;                                                                                          \
        })

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}

static inline const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

/* Grow *array to hold at least `need` elements of `size` bytes; doubles. */
int hostcaps_grow(void **array, size_t *allocated, size_t need, size_t size);

/* Binary search by id: the index of the element of `base` (n elements of
 * `size` bytes, in ascending order of the unsigned int at `id_offset`)
 * whose id is `id`, or -ENOENT. The NUMA and memory sections' cells. */
int hostcaps_find_by_id(const void *base, size_t n, size_t size, size_t id_offset, unsigned int id);
#define GROW(array, allocated, need) hostcaps_grow((void **)&(array), &(allocated), (need), sizeof(*(array)))

char *hostcaps_strdup_printf(const char *fmt, ...) _printf_(1, 2);
/* Replace the string *p by a copy of s, freeing the old one; *p is left as
 * it was when the copy fails. 0 or -ENOMEM. */
int hostcaps_strdup_replace(char **p, const char *s);
/* Trim leading and trailing whitespace in place. */
char *hostcaps_strstrip(char *s);

/* Values read from files are untrusted bytes; documents are UTF-8 text.
 * Copy `s` with every invalid UTF-8 sequence, every code point XML 1.0 does
 * not allow, and every other control character (C0 but tab and newline, DEL,
 * C1: terminal escapes) replaced by U+FFFD. Returns 0 and *ret NULL when `s`
 * needs no change (no copy is made), 1 and the new string, or -ENOMEM. */
int hostcaps_utf8_sanitize(const char *s, char **ret);
/* A message made one line of printable text, in place: white space
 * controls become spaces, other control bytes and invalid UTF-8 '?' (a
 * control sequence or a forged line read from a file must not reach the
 * caller's terminal or log). */
void hostcaps_message_sanitize(char *s);
