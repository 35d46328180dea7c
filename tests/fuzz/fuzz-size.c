/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps_parse_size(): "32768K", "1M", "2048 kB", "512". Checked against
 * an independent reading with 128-bit arithmetic. */
#include <ctype.h>

#include "fuzz-util.h"
#include "host/error.h"
#include "host/parse.h"

static int ref_parse(const char *s, uint64_t *ret) {
        const char *p = s;
        unsigned __int128 v = 0;
        unsigned shift = 0;
        bool digits = false, overflow = false;
        while (isspace((unsigned char)*p))
                p++;
        for (; *p >= '0' && *p <= '9'; p++, digits = true) {
                v = v * 10 + (unsigned)(*p - '0');
                if (v > UINT64_MAX)
                        overflow = true, v = (unsigned __int128)UINT64_MAX + 1;
        }
        if (!digits || overflow)
                return -EINVAL; /* the parser reads no number out of 64 bits */
        while (isspace((unsigned char)*p))
                p++;
        const char *units = "KMGT";
        const char *u = *p ? strchr(units, toupper((unsigned char)*p)) : NULL;
        if (u) {
                shift = 10 * (unsigned)(u - units + 1);
                p++;
                if (*p == 'B' || *p == 'b')
                        p++;
                else if (p[0] == 'i' && p[1] == 'B')
                        p += 2;
        }
        while (isspace((unsigned char)*p))
                p++;
        if (*p)
                return -EINVAL;
        v <<= shift;
        if (v > UINT64_MAX)
                return -ERANGE;
        *ret = (uint64_t)v;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = strndup((const char *)data, size);
        uint64_t got = 0, want = 0;
        if (!s)
                return 0;
        int w = ref_parse(s, &want), r = hostcaps_parse_size(s, &got);
        if (r != w)
                fuzz_finding("'%.200s': parsed %d, expected %d", s, r, w);
        if (r == 0 && got != want)
                fuzz_finding("'%.200s': %llu, expected %llu", s, (unsigned long long)got,
                             (unsigned long long)want);
        if (r < 0 && !hostcaps_error_message())
                fuzz_finding("'%.200s': error without a message", s);
        free(s);
        return 0;
}
