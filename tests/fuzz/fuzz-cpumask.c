/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps_parse_cpumask(): the kernel's hex masks, 32-bit groups separated
 * by commas, most significant first ("f,ffffffff"). Checked against an
 * independent reading: groups split at commas, each placed at 32 * its index
 * from the right. */
#include <ctype.h>

#include "fuzz-util.h"
#include "host/error.h"
#include "host/parse.h"

static unsigned hexval(char c) {
        return (unsigned)(isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10);
}

/* 0 with the set bits marked, -EINVAL, or -ERANGE (a bit past the maximum). */
static int ref_parse(const char *s, bool *bits) {
        const char *p = s;
        while (isspace((unsigned char)*p))
                p++;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
        const char *start = p, *end;
        while (isxdigit((unsigned char)*p) || *p == ',')
                p++;
        end = p;
        while (isspace((unsigned char)*p))
                p++;
        if (*p || end == start)
                return -EINVAL;

        /* The groups, right to left. */
        size_t group = 0;
        bool several = memchr(start, ',', (size_t)(end - start)) != NULL;
        for (const char *ge = end; ge > start || (ge == start && *start == ','); group++) {
                const char *gs = ge;
                while (gs > start && gs[-1] != ',')
                        gs--;
                size_t l = (size_t)(ge - gs);
                bool first = gs == start;
                if (several && (l == 0 || l > 8 || (!first && l != 8)))
                        return -EINVAL;
                for (size_t j = 0; j < l; j++) {
                        unsigned d = hexval(ge[-1 - (ptrdiff_t)j]);
                        for (unsigned k = 0; k < 4; k++) {
                                if (!(d >> k & 1))
                                        continue;
                                uint64_t bit = (uint64_t)group * 32 + 4 * j + k;
                                if (!several)
                                        bit = 4 * (uint64_t)j + k;
                                if (bit >= HOSTCAPS_BITMAP_MAX)
                                        return -ERANGE;
                                bits[bit] = true;
                        }
                }
                if (first)
                        break;
                ge = gs - 1;
        }
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static bool bits[HOSTCAPS_BITMAP_MAX];
        char *s = strndup((const char *)data, size);
        hostcaps_bitmap *b = NULL;

        if (!s)
                return 0;
        memset(bits, 0, sizeof(bits));
        int want = ref_parse(s, bits);
        int r = hostcaps_parse_cpumask(s, &b);
        if (r == -ENOMEM)
                goto out;
        if (r != want)
                fuzz_finding("'%.200s': parsed %d, expected %d", s, r, want);
        if (r < 0) {
                if (!hostcaps_error_message())
                        fuzz_finding("'%.200s': error without a message", s);
                goto out;
        }
        for (unsigned i = 0; i < HOSTCAPS_BITMAP_MAX; i++)
                if (hostcaps_bitmap_test(b, i) != bits[i])
                        fuzz_finding("'%.200s': bit %u is %s, expected otherwise", s, i,
                                     bits[i] ? "clear" : "set");
out:
        hostcaps_bitmap_free(b);
        free(s);
        return 0;
}
