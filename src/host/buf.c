/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "buf.h"

static bool buf_reserve(hostcaps_buf *b, size_t extra) {
        if (b->failed)
                return false;
        if (GROW(b->data, b->allocated, b->len + extra + 1) < 0) {
                b->failed = true;
                return false;
        }
        return true;
}

void hostcaps_buf_printf(hostcaps_buf *b, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0 || !buf_reserve(b, (size_t)n))
                return;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
}

void hostcaps_buf_puts(hostcaps_buf *b, const char *s) {
        size_t n = strlen(s);
        if (!buf_reserve(b, n))
                return;
        memcpy(b->data + b->len, s, n + 1);
        b->len += n;
}

char *hostcaps_buf_steal(hostcaps_buf *b) {
        if (b->failed || (!b->data && !buf_reserve(b, 0))) {
                hostcaps_buf_done(b);
                return NULL;
        }
        b->data[b->len] = '\0';
        char *s = b->data;
        *b = (hostcaps_buf){0};
        return s;
}

void hostcaps_buf_done(hostcaps_buf *b) {
        free(b->data);
        *b = (hostcaps_buf){0};
}
