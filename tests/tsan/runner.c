/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The runner of the Criterion stand-in (criterion/criterion.h here). */
#include <criterion/criterion.h>

static const struct nc_test *tests[256];
static size_t n_tests;
static jmp_buf out;
static bool failed;

void nc_register(const struct nc_test *t) {
        if (n_tests < sizeof(tests) / sizeof(tests[0]))
                tests[n_tests++] = t;
}

void nc_check(bool ok, bool fatal, const char *file, int line, const char *expr, const char *fmt, ...) {
        if (ok)
                return;
        va_list ap;
        fprintf(stderr, "%s:%d: failed: %s\n  ", file, line, expr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        failed = true;
        if (fatal)
                longjmp(out, 1);
}

_Noreturn void nc_skip(const char *fmt, ...) {
        va_list ap;
        fprintf(stderr, "  skipped: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        longjmp(out, 2);
}

/* Its own frame: nothing the longjmp() could clobber. */
static void run_body(const struct nc_test *t) {
        if (setjmp(out) == 0)
                t->fn();
}

int main(int argc, char **argv) {
        unsigned n_failed = 0;
        (void)argc;
        (void)argv;
        for (size_t i = 0; i < n_tests; i++) {
                const struct nc_test *t = tests[i];
                failed = false;
                fprintf(stderr, "[RUN ] %s::%s\n", t->suite, t->name);
                if (t->fixture->init)
                        t->fixture->init();
                run_body(t);
                if (t->fixture->fini)
                        t->fixture->fini();
                fprintf(stderr, "[%s] %s::%s\n", failed ? "FAIL" : "PASS", t->suite, t->name);
                n_failed += failed;
        }
        fprintf(stderr, "%zu tests, %u failed\n", n_tests, n_failed);
        return n_failed > 100 ? 100 : (int)n_failed;
}
