/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps_parse_u64(), _u32() and _s64(): decimal, or hexadecimal with 0x
 * (unsigned only), surrounding whitespace and nothing else. Checked against
 * an independent reading with 128-bit arithmetic. */
#include <ctype.h>

#include "fuzz-util.h"
#include "host/error.h"
#include "host/parse.h"

/* The digits' magnitude, whether it passed 2^64 - 1 (which the parsers
 * report before anything else), and whether digits alone, with only
 * whitespace around them, made the input. */
typedef struct reading {
        unsigned __int128 v;
        bool neg, big, clean;
} reading;

static reading ref_read(const char *p, bool hex_allowed) {
        reading x = {0};
        unsigned base = 10;
        const char *start;
        while (isspace((unsigned char)*p))
                p++;
        if (!hex_allowed && *p == '-')
                x.neg = true, p++;
        if (hex_allowed && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                base = 16, p += 2;
        for (start = p; base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p); p++) {
                unsigned d = (unsigned)(isdigit((unsigned char)*p) ? *p - '0'
                                                                   : tolower((unsigned char)*p) - 'a' + 10);
                x.v = x.v * base + d;
                if (x.v > UINT64_MAX)
                        x.big = true, x.v = (unsigned __int128)UINT64_MAX + 1;
        }
        bool digits = p != start;
        while (isspace((unsigned char)*p))
                p++;
        x.clean = digits && !*p;
        return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = strndup((const char *)data, size);
        if (!s)
                return 0;

        uint64_t u = 0;
        reading x = ref_read(s, true);
        int w = x.big ? -ERANGE : x.clean ? 0 : -EINVAL, r = hostcaps_parse_u64(s, &u);
        if (r != w || (r == 0 && u != (uint64_t)x.v))
                fuzz_finding("u64 '%.200s': %d %llu, expected %d %llu", s, r, (unsigned long long)u, w,
                             (unsigned long long)x.v);

        uint32_t u32 = 0;
        if (w == 0 && x.v > UINT32_MAX)
                w = -ERANGE;
        r = hostcaps_parse_u32(s, &u32);
        if (r != w || (r == 0 && u32 != (uint32_t)x.v))
                fuzz_finding("u32 '%.200s': %d %u, expected %d", s, r, u32, w);

        int64_t i = 0;
        x = ref_read(s, false);
        w = x.big || x.v > (unsigned __int128)INT64_MAX + x.neg ? -ERANGE : x.clean ? 0 : -EINVAL;
        r = hostcaps_parse_s64(s, &i);
        if (r != w || (r == 0 && i != (x.neg ? -(__int128)x.v : (__int128)x.v)))
                fuzz_finding("s64 '%.200s': %d %lld, expected %d", s, r, (long long)i, w);
        if (r < 0 && !hostcaps_error_message())
                fuzz_finding("'%.200s': error without a message", s);
        free(s);
        return 0;
}
