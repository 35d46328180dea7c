/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The value parsers: CPU lists, masks, numbers, sizes, good and bad. */
#include "host/error.h"
#include "host/parse.h"
#include "hostcaps/common.h"
#include "test-util.h"

static char *list(const char *s) {
        hostcaps_bitmap *b = NULL;
        cr_assert_eq(hostcaps_parse_cpulist(s, &b), 0, "'%s': %s", s, hostcaps_error_message());
        char *f = hostcaps_bitmap_format(b);
        hostcaps_bitmap_free(b);
        return f;
}

Test(parse, cpulist_roundtrip) {
        static const char *const cases[][2] = {
                {"0", "0"},         {"0-3", "0-3"},     {"0-3,8-11", "0-3,8-11"},
                {"0-3,4-7", "0-7"}, {"5,1,3", "1,3,5"}, {"0-7:2", "0,2,4,6"},
                {"", ""},           {"\n", ""},         {"1-1", "1"},
                {" 0-1\n", "0-1"},  {"63-65", "63-65"}, {"0,2-3,7", "0,2-3,7"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *f = list(cases[i][0]);
                cr_assert_str_eq(f, cases[i][1], "'%s'", cases[i][0]);
                free(f);
        }
}

Test(parse, cpulist_bad) {
        static const char *const bad[] = {"3-1",
                                          "a",
                                          "1-",
                                          "-1",
                                          "1,,2",
                                          "1-2-3",
                                          "0x1",
                                          "1 2",
                                          "1;2",
                                          "0-7:0",
                                          "99999999999999999999",
                                          "0-70000"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                hostcaps_bitmap *b = NULL;
                int r = hostcaps_parse_cpulist(bad[i], &b);
                cr_assert_lt(r, 0, "'%s' accepted", bad[i]);
                cr_assert_null(b);
                cr_assert_not_null(hostcaps_error_message());
        }
        hostcaps_bitmap *b = NULL;
        cr_assert_eq(hostcaps_parse_cpulist("3-1", &b), -EINVAL);
        cr_assert(strstr(hostcaps_error_message(), "'3-1'"), "message names the value: %s",
                  hostcaps_error_message());
        cr_assert(strstr(hostcaps_error_message(), "reversed"));
}

Test(parse, cpumask) {
        static const char *const cases[][2] = {
                {"1", "0"},
                {"f", "0-3"},
                {"ff00", "8-15"},
                {"00000001,00000000", "32"},
                {"ffffffff,ffffffff", "0-63"},
                {"0x3", "0-1"},
                {"00000000,00000000,80000000", "31"},
                {"0", ""},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                hostcaps_bitmap *b = NULL;
                cr_assert_eq(hostcaps_parse_cpumask(cases[i][0], &b), 0, "'%s'", cases[i][0]);
                char *f = hostcaps_bitmap_format(b);
                cr_assert_str_eq(f, cases[i][1], "'%s'", cases[i][0]);
                free(f);
                hostcaps_bitmap_free(b);
        }
        hostcaps_bitmap *b = NULL;
        cr_assert_lt(hostcaps_parse_cpumask("xyz", &b), 0);
        cr_assert_lt(hostcaps_parse_cpumask("", &b), 0);
        cr_assert_lt(hostcaps_parse_cpumask("ff,zz", &b), 0);
}

Test(parse, numbers) {
        uint64_t u;
        int64_t s;
        uint32_t u32;
        cr_assert_eq(hostcaps_parse_u64("42\n", &u), 0);
        cr_assert_eq(u, 42);
        cr_assert_eq(hostcaps_parse_u64("0x1000065", &u), 0);
        cr_assert_eq(u, 0x1000065);
        cr_assert_eq(hostcaps_parse_u64("18446744073709551615", &u), 0);
        cr_assert_eq(u, UINT64_MAX);
        cr_assert_eq(hostcaps_parse_u64("18446744073709551616", &u), -ERANGE);
        cr_assert_eq(hostcaps_parse_u64("-1", &u), -EINVAL);
        cr_assert_eq(hostcaps_parse_u64("", &u), -EINVAL);
        cr_assert_eq(hostcaps_parse_u64("12abc", &u), -EINVAL);
        cr_assert_eq(hostcaps_parse_u64("0x", &u), -EINVAL);
        cr_assert_eq(hostcaps_parse_s64("-1", &s), 0);
        cr_assert_eq(s, -1);
        cr_assert_eq(hostcaps_parse_s64("-9223372036854775808", &s), 0);
        cr_assert_eq(s, INT64_MIN);
        cr_assert_eq(hostcaps_parse_s64("9223372036854775808", &s), -ERANGE);
        cr_assert_eq(hostcaps_parse_s64("--1", &s), -EINVAL);
        cr_assert_eq(hostcaps_parse_u32("4294967296", &u32), -ERANGE);
        cr_assert_eq(hostcaps_parse_u32("4294967295", &u32), 0);
}

Test(parse, sizes) {
        static const struct {
                const char *s;
                uint64_t v;
        } cases[] = {
                {"32768K", 32768ull << 10}, {"1M", 1ull << 20},     {"2G", 2ull << 30}, {"512", 512},
                {"2048 kB", 2048ull << 10}, {"15MiB", 15ull << 20}, {"0K", 0},          {"1T", 1ull << 40},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                uint64_t v;
                cr_assert_eq(hostcaps_parse_size(cases[i].s, &v), 0, "'%s'", cases[i].s);
                cr_assert_eq(v, cases[i].v, "'%s'", cases[i].s);
        }
        uint64_t v;
        cr_assert_lt(hostcaps_parse_size("K", &v), 0);
        cr_assert_lt(hostcaps_parse_size("12X", &v), 0);
        cr_assert_lt(hostcaps_parse_size("99999999999999999999T", &v), 0);
        cr_assert_lt(hostcaps_parse_size("18014398509481984T", &v), 0);
}

Test(parse, long_garbage_message_is_bounded) {
        char *s = malloc(1 << 20);
        memset(s, 'x', (1 << 20) - 1);
        s[(1 << 20) - 1] = '\0';
        hostcaps_bitmap *b = NULL;
        cr_assert_lt(hostcaps_parse_cpulist(s, &b), 0);
        cr_assert_lt(strlen(hostcaps_error_message()), 1024);
        free(s);
}

Test(bitmap, operations) {
        hostcaps_bitmap *a = hostcaps_bitmap_new(), *b = hostcaps_bitmap_new();
        cr_assert_eq(hostcaps_bitmap_next(a, 0), -1);
        cr_assert_eq(hostcaps_bitmap_last(a), -1);
        cr_assert(hostcaps_bitmap_is_empty(a));
        cr_assert_eq(hostcaps_bitmap_set(a, 3), 0);
        cr_assert_eq(hostcaps_bitmap_set(a, 200), 0);
        cr_assert_eq(hostcaps_bitmap_set(a, HOSTCAPS_BITMAP_MAX), -ERANGE);
        cr_assert_eq(hostcaps_bitmap_count(a), 2);
        cr_assert_eq(hostcaps_bitmap_next(a, 4), 200);
        cr_assert_eq(hostcaps_bitmap_last(a), 200);
        cr_assert_eq(hostcaps_bitmap_set(b, 3), 0);
        cr_assert_not(hostcaps_bitmap_equal(a, b));
        hostcaps_bitmap_and(a, b);
        cr_assert(hostcaps_bitmap_equal(a, b));
        hostcaps_bitmap_clear(a, 3);
        cr_assert(hostcaps_bitmap_is_empty(a));
        hostcaps_bitmap_free(a);
        hostcaps_bitmap_free(b);
}
