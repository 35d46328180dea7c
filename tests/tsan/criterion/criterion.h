/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A stand-in for the part of Criterion's API the thread tests use, so they
 * can run under ThreadSanitizer: Criterion's runner cannot start in a TSan
 * process (its inheritable arena fails: Criterion issue #274). Tests run in
 * this one process, in the order they are defined; a failed cr_assert ends
 * its test, cr_expect goes on; the exit status is the number of failed tests
 * (capped). Only built for `make tsan` (tests/tsan/CMakeLists.txt). */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nc_suite {
        const char *name;
        void (*init)(void);
        void (*fini)(void);
        double timeout;
        const char *description;
        bool disabled;
};

struct nc_test {
        const char *suite, *name;
        void (*fn)(void);
        const struct nc_suite *fixture;
};

void nc_register(const struct nc_test *t);
void nc_check(bool ok, bool fatal, const char *file, int line, const char *expr, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));
_Noreturn void nc_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TestSuite(suite, ...) static const struct nc_suite nc_suite_##suite = {.name = #suite, __VA_ARGS__}

#define Test(suite, test, ...)                                                                               \
        static void suite##_##test(void);                                                                    \
        __attribute__((constructor)) static void nc_register_##suite##_##test(void) {                        \
                static const struct nc_test t = {#suite, #test, suite##_##test, &nc_suite_##suite};          \
                nc_register(&t);                                                                             \
        }                                                                                                    \
        static void suite##_##test(void)

#define NC_CHECK(ok, fatal, expr, ...) nc_check((ok), (fatal), __FILE__, __LINE__, expr, "" __VA_ARGS__)

#define cr_assert(c, ...)           NC_CHECK(!!(c), true, #c, __VA_ARGS__)
#define cr_assert_not(c, ...)       NC_CHECK(!(c), true, "!(" #c ")", __VA_ARGS__)
#define cr_assert_eq(a, b, ...)     NC_CHECK((a) == (b), true, #a " == " #b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...)    NC_CHECK((a) != (b), true, #a " != " #b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...)     NC_CHECK((a) < (b), true, #a " < " #b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...)     NC_CHECK((a) > (b), true, #a " > " #b, __VA_ARGS__)
#define cr_assert_null(p, ...)      NC_CHECK((p) == NULL, true, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...)  NC_CHECK((p) != NULL, true, #p " != NULL", __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...) NC_CHECK(strcmp((a), (b)) == 0, true, #a " equals " #b, __VA_ARGS__)
#define cr_expect(c, ...)           NC_CHECK(!!(c), false, #c, __VA_ARGS__)
#define cr_expect_not(c, ...)       NC_CHECK(!(c), false, "!(" #c ")", __VA_ARGS__)
#define cr_expect_eq(a, b, ...)     NC_CHECK((a) == (b), false, #a " == " #b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...)    NC_CHECK((a) != (b), false, #a " != " #b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...)     NC_CHECK((a) < (b), false, #a " < " #b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...)     NC_CHECK((a) > (b), false, #a " > " #b, __VA_ARGS__)
#define cr_expect_null(p, ...)      NC_CHECK((p) == NULL, false, #p " == NULL", __VA_ARGS__)
#define cr_expect_not_null(p, ...)  NC_CHECK((p) != NULL, false, #p " != NULL", __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...) NC_CHECK(strcmp((a), (b)) == 0, false, #a " equals " #b, __VA_ARGS__)
#define cr_skip_test(...)           nc_skip("" __VA_ARGS__)
