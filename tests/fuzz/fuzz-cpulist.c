/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps_parse_cpulist(): "0-3,8-11", "0-7:2", "". Checked against an
 * independent reading of the format (membership by arithmetic, not by
 * stepping), and by a round trip through hostcaps_bitmap_format(). */
#include <ctype.h>

#include "fuzz-util.h"
#include "host/error.h"
#include "host/parse.h"

/* Decimal digits at *p into *v; false when none or more than fit in 64 bits. */
static bool ref_number(const char **p, uint64_t *v) {
        unsigned __int128 x = 0;
        const char *s = *p;
        while (*s >= '0' && *s <= '9') {
                x = x * 10 + (unsigned)(*s - '0');
                if (x > UINT64_MAX)
                        return false;
                s++;
        }
        if (s == *p)
                return false;
        *v = (uint64_t)x;
        *p = s;
        return true;
}

typedef struct range {
        uint64_t lo, hi, stride;
} range;

/* 0 and the ranges, -EINVAL, or -ERANGE (an id past HOSTCAPS_BITMAP_MAX). */
static int ref_parse(const char *s, range *r, size_t max, size_t *n) {
        const char *p = s;
        *n = 0;
        while (isspace((unsigned char)*p))
                p++;
        while (*p && !isspace((unsigned char)*p)) {
                range x = {.stride = 1};
                if (!ref_number(&p, &x.lo))
                        return -EINVAL;
                x.hi = x.lo;
                if (*p == '-') {
                        p++;
                        if (!ref_number(&p, &x.hi))
                                return -EINVAL;
                        if (*p == ':') {
                                p++;
                                if (!ref_number(&p, &x.stride) || x.stride == 0)
                                        return -EINVAL;
                        }
                }
                if (x.hi < x.lo)
                        return -EINVAL;
                if (x.hi >= HOSTCAPS_BITMAP_MAX)
                        return -ERANGE;
                if (*n < max)
                        r[(*n)++] = x;
                if (*p == ',')
                        p++;
                else if (*p && !isspace((unsigned char)*p))
                        return -EINVAL;
        }
        while (isspace((unsigned char)*p))
                p++;
        return *p ? -EINVAL : 0;
}

static bool ref_member(const range *r, size_t n, uint64_t i) {
        for (size_t k = 0; k < n; k++)
                if (i >= r[k].lo && i <= r[k].hi && (i - r[k].lo) % r[k].stride == 0)
                        return true;
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static range ranges[4096];
        char *s = strndup((const char *)data, size);
        hostcaps_bitmap *b = NULL, *again = NULL;
        size_t n;

        if (!s)
                return 0;
        int want = ref_parse(s, ranges, sizeof(ranges) / sizeof(ranges[0]), &n);
        int r = hostcaps_parse_cpulist(s, &b);
        if (r == -ENOMEM || n == sizeof(ranges) / sizeof(ranges[0]))
                goto out;
        if ((r == 0) != (want == 0))
                fuzz_finding("'%.200s': parsed %d, expected %d", s, r, want);
        if (r < 0) {
                if (r != want)
                        fuzz_finding("'%.200s': error %d, expected %d", s, r, want);
                if (!hostcaps_error_message())
                        fuzz_finding("'%.200s': error without a message", s);
                goto out;
        }
        for (uint64_t i = 0; i < HOSTCAPS_BITMAP_MAX; i++)
                if (hostcaps_bitmap_test(b, (unsigned)i) != ref_member(ranges, n, i))
                        fuzz_finding("'%.200s': id %llu is %s, expected otherwise", s, (unsigned long long)i,
                                     hostcaps_bitmap_test(b, (unsigned)i) ? "set" : "clear");
        char *f = hostcaps_bitmap_format(b);
        if (!f)
                goto out;
        if (hostcaps_parse_cpulist(f, &again) < 0 || !hostcaps_bitmap_equal(b, again))
                fuzz_finding("'%.200s': formatted as '%.200s', which does not parse back the same", s, f);
        free(f);
out:
        hostcaps_bitmap_free(again);
        hostcaps_bitmap_free(b);
        free(s);
        return 0;
}
