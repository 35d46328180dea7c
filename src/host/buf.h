/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "util.h"

/* A growable text buffer; an allocation failure is remembered and reported
 * once, by hostcaps_buf_steal(). */
typedef struct hostcaps_buf {
        char *data;
        size_t len, allocated;
        bool failed;
} hostcaps_buf;

void hostcaps_buf_printf(hostcaps_buf *b, const char *fmt, ...) _printf_(2, 3);
void hostcaps_buf_puts(hostcaps_buf *b, const char *s);
/* The NUL-terminated text (caller frees), or NULL after an allocation failure. */
char *hostcaps_buf_steal(hostcaps_buf *b);
void hostcaps_buf_done(hostcaps_buf *b);
