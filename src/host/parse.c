/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <stdio.h>

#include "error.h"
#include "hostcaps/common.h"
#include "parse.h"

/* Show at most this much of a bad value in a message: a 1 MB garbage line
 * must not become a 1 MB message. */
#define SHOWN 64

static int bad(const char *what, const char *s, const char *why) {
        size_t n = strlen(s);
        return hostcaps_error(EINVAL, "invalid %s '%.*s%s': %s", what, SHOWN, s, n > SHOWN ? "..." : "", why);
}

static const char *skip_space(const char *s) {
        while (isspace((unsigned char)*s))
                s++;
        return s;
}

static bool only_space(const char *s) {
        return *skip_space(s) == '\0';
}

/* Digits at *p in the given base, advancing *p. No sign, no whitespace. */
static int parse_digits(const char **p, unsigned base, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;
        int n = 0;
        for (;; s++, n++) {
                unsigned d;
                if (*s >= '0' && *s <= '9')
                        d = (unsigned)(*s - '0');
                else if (base == 16 && *s >= 'a' && *s <= 'f')
                        d = (unsigned)(*s - 'a' + 10);
                else if (base == 16 && *s >= 'A' && *s <= 'F')
                        d = (unsigned)(*s - 'A' + 10);
                else
                        break;
                if (v > (UINT64_MAX - d) / base)
                        return -ERANGE;
                v = v * base + d;
        }
        if (n == 0)
                return -EINVAL;
        *p = s;
        *ret = v;
        return 0;
}

static int parse_number(const char **p, uint64_t *ret) {
        if ((*p)[0] == '0' && ((*p)[1] == 'x' || (*p)[1] == 'X')) {
                *p += 2;
                return parse_digits(p, 16, ret);
        }
        return parse_digits(p, 10, ret);
}

int hostcaps_parse_u64(const char *s, uint64_t *ret) {
        const char *p = skip_space(s);
        uint64_t v;
        int r = parse_number(&p, &v);
        if (r == -ERANGE)
                return hostcaps_error(ERANGE, "value '%.*s' is out of range", SHOWN, s);
        if (r < 0 || !only_space(p))
                return bad("number", s, "not an unsigned integer");
        *ret = v;
        return 0;
}

int hostcaps_parse_u32(const char *s, uint32_t *ret) {
        uint64_t v;
        int r = hostcaps_parse_u64(s, &v);
        if (r < 0)
                return r;
        if (v > UINT32_MAX)
                return hostcaps_error(ERANGE, "value '%.*s' is out of range", SHOWN, s);
        *ret = (uint32_t)v;
        return 0;
}

int hostcaps_parse_s64(const char *s, int64_t *ret) {
        const char *p = skip_space(s);
        bool neg = *p == '-';
        uint64_t v = 0;
        if (neg)
                p++;
        int r = parse_digits(&p, 10, &v);
        if (r == -ERANGE || v > (uint64_t)INT64_MAX + neg)
                return hostcaps_error(ERANGE, "value '%.*s' is out of range", SHOWN, s);
        if (r < 0 || !only_space(p))
                return bad("number", s, "not an integer");
        *ret = neg ? (int64_t)(0 - v) : (int64_t)v;
        return 0;
}

int hostcaps_parse_cpulist(const char *s, hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *b = hostcaps_bitmap_new();
        const char *p = skip_space(s);
        if (!b)
                return -ENOMEM;
        while (*p && !isspace((unsigned char)*p)) {
                uint64_t lo, hi, stride = 1;
                if (parse_digits(&p, 10, &lo) < 0)
                        return bad("CPU list", s, "expected a number");
                hi = lo;
                if (*p == '-') {
                        p++;
                        if (parse_digits(&p, 10, &hi) < 0)
                                return bad("CPU list", s, "expected a number after '-'");
                        if (*p == ':') {
                                p++;
                                if (parse_digits(&p, 10, &stride) < 0 || stride == 0)
                                        return bad("CPU list", s, "bad stride");
                        }
                }
                if (hi < lo)
                        return bad("CPU list", s, "range is reversed");
                if (hi >= HOSTCAPS_BITMAP_MAX)
                        return hostcaps_error(ERANGE, "invalid CPU list '%.*s': id %llu exceeds %u", SHOWN, s,
                                              (unsigned long long)hi, HOSTCAPS_BITMAP_MAX - 1);
                /* Stop before i += stride could pass hi: a stride near 2^64
                 * would wrap around and walk back over ids below lo. */
                for (uint64_t i = lo;; i += stride) {
                        if (hostcaps_bitmap_set(b, (unsigned)i) < 0)
                                return -ENOMEM;
                        if (hi - i < stride)
                                break;
                }
                if (*p == ',')
                        p++;
                else if (*p && !isspace((unsigned char)*p))
                        return bad("CPU list", s, "unexpected character");
        }
        if (!only_space(p))
                return bad("CPU list", s, "trailing characters");
        *ret = TAKE_PTR(b);
        return 0;
}

int hostcaps_parse_cpumask(const char *s, hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *b = hostcaps_bitmap_new();
        const char *p = skip_space(s), *end;
        if (!b)
                return -ENOMEM;
        size_t group = 0, groups = 0;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
        /* The kernel prints 32-bit groups, most significant first: the first
         * has 1 to 8 digits, every other one exactly 8 ("f,ffffffff").
         * Commas are not skipped blindly: "1,1" is no mask. */
        for (end = p;; end++) {
                if (isxdigit((unsigned char)*end)) {
                        group++;
                        continue;
                }
                if (*end != ',')
                        break;
                if (group == 0 || group > 8 || (groups > 0 && group != 8))
                        return bad("CPU mask", s, "not 32-bit groups separated by commas");
                groups++;
                group = 0;
        }
        if (group == 0 || (groups > 0 && group != 8) || !only_space(end))
                return bad("CPU mask", s,
                           groups > 0 ? "not 32-bit groups separated by commas" : "not a hexadecimal mask");
        /* Walk from the least significant digit backwards. */
        unsigned bit = 0;
        for (const char *q = end; q > p;) {
                char c = *--q;
                if (c == ',')
                        continue;
                unsigned d = (unsigned)(isdigit((unsigned char)c) ? c - '0'
                                                                  : tolower((unsigned char)c) - 'a' + 10);
                for (unsigned k = 0; k < 4; k++, bit++)
                        if (d & (1u << k)) {
                                if (bit >= HOSTCAPS_BITMAP_MAX)
                                        return hostcaps_error(ERANGE, "invalid CPU mask '%.*s': too wide",
                                                              SHOWN, s);
                                if (hostcaps_bitmap_set(b, bit) < 0)
                                        return -ENOMEM;
                        }
        }
        *ret = TAKE_PTR(b);
        return 0;
}

int hostcaps_parse_size(const char *s, uint64_t *ret) {
        const char *p = skip_space(s);
        uint64_t v, mult = 1;
        if (parse_digits(&p, 10, &v) < 0)
                return bad("size", s, "expected a number");
        p = skip_space(p);
        switch (*p) {
        case 'K':
        case 'k':
                mult = UINT64_C(1) << 10;
                p++;
                break;
        case 'M':
        case 'm':
                mult = UINT64_C(1) << 20;
                p++;
                break;
        case 'G':
        case 'g':
                mult = UINT64_C(1) << 30;
                p++;
                break;
        case 'T':
        case 't':
                mult = UINT64_C(1) << 40;
                p++;
                break;
        default:
                break;
        }
        if (mult > 1 && (*p == 'B' || *p == 'b'))
                p++;
        else if (mult > 1 && (*p == 'i') && (p[1] == 'B'))
                p += 2;
        if (!only_space(p))
                return bad("size", s, "unknown unit");
        if (v > UINT64_MAX / mult)
                return hostcaps_error(ERANGE, "size '%.*s' is out of range", SHOWN, s);
        *ret = v * mult;
        return 0;
}

void hostcaps_error_prefix(const char *prefix) {
        const char *m = hostcaps_error_message();
        char buf[1024];
        snprintf(buf, sizeof(buf), "%s: %s", prefix, m ? m : "error");
        hostcaps_error(EINVAL, "%s", buf);
}
