/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <stdio.h>

#include "util.h"

int hostcaps_grow(void **array, size_t *allocated, size_t need, size_t size) {
        if (need <= *allocated)
                return 0;
        size_t n = *allocated ? *allocated : 8;
        while (n < need) {
                if (n > SIZE_MAX / 2 / size)
                        return -ENOMEM;
                n *= 2;
        }
        void *p = realloc(*array, n * size);
        if (!p)
                return -ENOMEM;
        memset((char *)p + *allocated * size, 0, (n - *allocated) * size);
        *array = p;
        *allocated = n;
        return 0;
}

int hostcaps_find_by_id(const void *base, size_t n, size_t size, size_t id_offset, unsigned int id) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                unsigned int v;
                memcpy(&v, (const char *)base + mid * size + id_offset, sizeof(v));
                if (v == id)
                        return (int)mid;
                if (v < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -ENOENT;
}

char *hostcaps_strdup_printf(const char *fmt, ...) {
        va_list ap;
        char *s = NULL;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return r < 0 ? NULL : s;
}

int hostcaps_strdup_replace(char **p, const char *s) {
        char *copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        free(*p);
        *p = copy;
        return 0;
}

char *hostcaps_strstrip(char *s) {
        char *e;
        while (isspace((unsigned char)*s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
                *--e = '\0';
        return s;
}

/* The length of the well-formed UTF-8 sequence at s whose code point is
 * acceptable in a document, else 0. */
static size_t utf8_ok(const unsigned char *s) {
        uint32_t cp;
        size_t n;
        if (s[0] < 0x80) {
                if ((s[0] < 0x20 && s[0] != '\t' && s[0] != '\n') || s[0] == 0x7f)
                        return 0;
                return 1;
        }
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                n = 2, cp = s[0] & 0x1fu;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                n = 3, cp = s[0] & 0x0fu;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                n = 4, cp = s[0] & 0x07u;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3fu);
        }
        /* Overlong forms, surrogates, beyond U+10FFFF, C1 controls, U+FFFE/F. */
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
            cp > 0x10ffff || (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff)
                return 0;
        return n;
}

int hostcaps_utf8_sanitize(const char *s, char **ret) {
        static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
        const unsigned char *p = (const unsigned char *)s;
        size_t n, bad = 0;
        char *out, *o;

        for (; *p; p += n ? n : 1) {
                n = utf8_ok(p);
                bad += n == 0;
        }
        if (!bad) {
                *ret = NULL;
                return 0;
        }
        out = malloc(strlen(s) + 2 * bad + 1); /* a bad byte becomes 3 */
        if (!out)
                return -ENOMEM;
        o = out;
        for (p = (const unsigned char *)s; *p;) {
                n = utf8_ok(p);
                if (n) {
                        memcpy(o, p, n);
                        o += n;
                        p += n;
                } else {
                        memcpy(o, replacement, 3);
                        o += 3;
                        p++;
                }
        }
        *o = '\0';
        *ret = out;
        return 1;
}

void hostcaps_message_sanitize(char *s) {
        for (unsigned char *p = (unsigned char *)s; *p;) {
                size_t n = utf8_ok(p);
                if (*p == '\n' || *p == '\t' || *p == '\r')
                        *p++ = ' ';
                else if (n)
                        p += n;
                else
                        *p++ = '?';
        }
}
