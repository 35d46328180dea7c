/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdarg.h>

/* Helpers shared by the test binaries. */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hostcaps.h"

/* The shared fixtures folder ($HOSTCAPS_FIXTURES, else ../shared/fixtures
 * beside the source tree), or NULL when it is not there. */
static inline const char *test_fixtures_dir(void) {
        static char path[4096];
        struct stat st;
        const char *env = getenv("HOSTCAPS_FIXTURES");
        if (env && *env)
                snprintf(path, sizeof(path), "%s", env);
        else
                snprintf(path, sizeof(path), "%s/../shared/fixtures", HOSTCAPS_SOURCE_DIR);
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? path : NULL;
}

/* Skip the current test, saying why, when the fixtures are missing. Criterion
 * reports it as skipped, never as passed. */
#define TEST_REQUIRE_FIXTURES(dir)                                                                           \
        const char *dir = test_fixtures_dir();                                                               \
        if (!dir) {                                                                                          \
                fprintf(stderr, "SKIP %s: ../shared/fixtures not found (set HOSTCAPS_FIXTURES)\n",           \
                        __func__);                                                                           \
                cr_skip_test("shared fixtures not found");                                                   \
        }

/* A fresh empty directory under $TMPDIR; the caller removes it with test_rm_rf(). */
static inline char *test_mkdtemp(void) {
        const char *tmp = getenv("TMPDIR");
        char *p = NULL;
        if (asprintf(&p, "%s/hostcaps-test-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
                return NULL;
        return mkdtemp(p);
}

static inline void test_rm_rf(const char *dir) {
        char *cmd = NULL;
        if (dir && asprintf(&cmd, "rm -rf '%s'", dir) >= 0) {
                int r = system(cmd);
                (void)r;
        }
        free(cmd);
}

/* snprintf that fails the test instead of truncating. */
__attribute__((format(printf, 3, 4))) static inline void test_pathf(char *buf, size_t size, const char *fmt,
                                                                    ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        cr_assert(n >= 0 && (size_t)n < size, "path too long: %s", buf);
}

/* The whole content of a file, malloc()ed ("" for an empty one); NULL when
 * it cannot be opened. */
static inline char *test_read_file(const char *path) {
        FILE *f = fopen(path, "r");
        char *buf = NULL, chunk[8192];
        size_t len = 0, n;
        if (!f)
                return NULL;
        FILE *m = open_memstream(&buf, &len);
        cr_assert(m);
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                fwrite(chunk, 1, n, m);
        fclose(f);
        fclose(m);
        return buf;
}

/* Write a file below `root`, creating its directories. */
static inline void test_write(const char *root, const char *path, const char *content) {
        char *full = NULL, *cmd = NULL;
        cr_assert(asprintf(&full, "%s/%s", root, path) >= 0);
        cr_assert(asprintf(&cmd, "mkdir -p \"$(dirname '%s')\"", full) >= 0);
        cr_assert(system(cmd) == 0);
        FILE *f = fopen(full, "w");
        cr_assert(f, "cannot write %s", full);
        fputs(content, f);
        fclose(f);
        free(full);
        free(cmd);
}

/* A suite whose every test gets a fresh sysroot `root` holding the sidecar
 * `meta` (hostcaps-snapshot.txt), removed after the test. */
#define TEST_SYSROOT_SUITE(suite, meta)                                                                      \
        static char *root;                                                                                   \
        static void suite##_setup(void) {                                                                    \
                root = test_mkdtemp();                                                                       \
                cr_assert(root);                                                                             \
                test_write(root, "hostcaps-snapshot.txt", meta);                                             \
        }                                                                                                    \
        static void suite##_teardown(void) {                                                                 \
                test_rm_rf(root);                                                                            \
                free(root);                                                                                  \
        }                                                                                                    \
        TestSuite(suite, .init = suite##_setup, .fini = suite##_teardown)

/* libvirt's trees store git symlinks as small text files; the reader keeps
 * paths inside a sysroot, so the copy gets the targets' trees in their place:
 * "../linux-X/system" is vircaps2xml/X/root/sys/devices/system and
 * "../../../virhostcpudata/linux-X/cpu" is virhostcpu/X/root/sys/devices/system/cpu. */
static inline void test_replace_placeholder(const char *fixtures, const char *dir, const char *name) {
        char path[4096], text[512] = "", target[4096], x[256], leaf[64], *cmd = NULL;
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 200)
                return;
        FILE *f = fopen(path, "r");
        cr_assert(f);
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        const char *s;
        if ((s = strstr(text, "virhostcpudata/linux-")) &&
            sscanf(s, "virhostcpudata/linux-%255[^/]/%63[a-z]", x, leaf) == 2)
                snprintf(target, sizeof(target), "%s/libvirt/virhostcpu/%s/root/sys/devices/system/%s",
                         fixtures, x, leaf);
        else if ((s = strstr(text, "linux-")) && sscanf(s, "linux-%255[^/]/system", x) == 1)
                snprintf(target, sizeof(target), "%s/libvirt/vircaps2xml/%s/root/sys/devices/system",
                         fixtures, x);
        else
                return;
        cr_assert(asprintf(&cmd, "rm -f '%s' && cp -a '%s' '%s' && chmod -R u+w '%s'", path, target, path,
                           path) >= 0);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        free(cmd);
}

/* A writable copy of vircaps2xml/<name>/root under <into>/<name>, with the
 * stored links replaced by the trees they name; the caller frees the path. */
static inline char *test_vircaps2xml_root(const char *fixtures, const char *name, const char *into) {
        char *dst = NULL, *cmd = NULL, sys[4096];
        cr_assert(asprintf(&dst, "%s/%s", into, name) >= 0);
        cr_assert(asprintf(&cmd, "cp -a '%s/libvirt/vircaps2xml/%s/root' '%s' && chmod -R u+w '%s'", fixtures,
                           name, dst, dst) >= 0);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        free(cmd);
        snprintf(sys, sizeof(sys), "%s/sys/devices", dst);
        test_replace_placeholder(fixtures, sys, "system");
        snprintf(sys, sizeof(sys), "%s/sys/devices/system", dst);
        test_replace_placeholder(fixtures, sys, "cpu");
        test_replace_placeholder(fixtures, sys, "node");
        return dst;
}

/* The document of `sections` in `format` of a root (NULL: this host); the
 * caller's to free. */
static inline char *test_document(const char *root, unsigned sections, hostcaps_format format) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, format, &doc), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(node);
        return doc;
}

/* Records this host's `sections` into `snap` (which must not exist) and
 * checks that the recording's JSON document is the live host's. */
static inline void test_snapshot_replays(const char *snap, unsigned sections) {
        cr_assert_eq(hostcaps_snapshot(snap, sections, 0), 0, "%s", hostcaps_error_message());
        char *live = test_document(NULL, sections, HOSTCAPS_FORMAT_JSON);
        char *replay = test_document(snap, sections, HOSTCAPS_FORMAT_JSON);
        cr_expect_str_eq(replay, live);
        free(live);
        free(replay);
}

/* A test suite whose tests each get a fresh temporary directory in `root`,
 * removed after the test. */
#define TEST_SUITE_WITH_ROOT(suite)                                                                          \
        static char *root;                                                                                   \
        static void suite##_setup(void) {                                                                    \
                root = test_mkdtemp();                                                                       \
                cr_assert(root);                                                                             \
        }                                                                                                    \
        static void suite##_teardown(void) {                                                                 \
                test_rm_rf(root);                                                                            \
                free(root);                                                                                  \
        }                                                                                                    \
        TestSuite(suite, .init = suite##_setup, .fini = suite##_teardown)
