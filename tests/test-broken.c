/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Broken sysroots. For each section the library has, record which files its
 * probe touches (the reader's trace on a generated tree), then break each of
 * them in every way a kernel, a container or a bad recording can: empty,
 * non-numeric, huge, negative, binary, a NUL byte, a 1 MB line, a reversed
 * range, missing, a directory, a symlink loop, unreadable, a named pipe.
 * Files a probe looked for and did not find are created broken too. For
 * every case: either a valid document (the section possibly marked absent)
 * or an error whose message names the file; never a crash (Criterion reports
 * it), never a hang (an alarm per case), never a partial object (a failed get
 * writes no object, and a changing node keeps serving its last good object
 * with HOSTCAPS_FLAG_CACHED). */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/error.h"
#include "host/node.h"
#include "host/reader.h"
#include "test-reliability.h"

/* Seconds one case may take before it counts as a hang (sanitizer builds
 * are several times slower than release ones). */
#define CASE_TIMEOUT_S 30

static char *work, *root, *backup;

static void setup(void) {
        work = test_mkdtemp();
        cr_assert(work);
        cr_assert(asprintf(&root, "%s/root", work) >= 0);
        cr_assert(asprintf(&backup, "%s/backup", work) >= 0);
        test_write_base_tree(root);
}

static void teardown(void) {
        /* Undo chmod 000 leftovers so the tree can be removed as non-root. */
        char *cmd = NULL;
        if (asprintf(&cmd, "chmod -R u+rwx '%s' 2>/dev/null", work) >= 0) {
                int r = system(cmd);
                (void)r;
        }
        free(cmd);
        test_rm_rf(work);
        free(work);
        free(root);
        free(backup);
}

TestSuite(broken, .init = setup, .fini = teardown, .timeout = 600);

/* ---- mutations ---------------------------------------------------------- */

typedef enum mutation {
        M_EMPTY,
        M_NON_NUMERIC,
        M_HUGE,
        M_OVER_32BIT,
        M_NEGATIVE,
        M_BINARY,
        M_NUL_BYTE,
        M_LONG_LINE,
        M_REVERSED_RANGE,
        M_MISSING,
        M_DIRECTORY,
        M_SYMLINK_LOOP,
        M_UNREADABLE,
        M_FIFO,
        M_FILE, /* a directory replaced by a file */
        N_MUTATIONS,
} mutation;

static const char *const mutation_names[N_MUTATIONS] = {
        [M_EMPTY] = "empty",
        [M_NON_NUMERIC] = "non-numeric",
        [M_HUGE] = "huge number",
        [M_OVER_32BIT] = "number over 32 bits",
        [M_NEGATIVE] = "negative",
        [M_BINARY] = "binary bytes",
        [M_NUL_BYTE] = "a NUL byte",
        [M_LONG_LINE] = "a 1 MB line",
        [M_REVERSED_RANGE] = "reversed range",
        [M_MISSING] = "missing",
        [M_DIRECTORY] = "a directory",
        [M_SYMLINK_LOOP] = "a symlink loop",
        [M_UNREADABLE] = "unreadable",
        [M_FIFO] = "a named pipe",
        [M_FILE] = "a file",
};

typedef enum kind { K_MISSING, K_FILE, K_DIR } kind;

static bool applies(mutation m, kind k) {
        switch (k) {
        case K_MISSING:
                return m != M_MISSING && m != M_UNREADABLE && m != M_FILE;
        case K_FILE:
                return m != M_FILE;
        case K_DIR:
                return m == M_MISSING || m == M_FILE || m == M_DIRECTORY || m == M_SYMLINK_LOOP ||
                       m == M_UNREADABLE;
        }
        return false;
}

static void write_bytes(const char *full, const void *data, size_t len) {
        int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        cr_assert(fd >= 0, "cannot write %s: %m", full);
        cr_assert_eq(write(fd, data, len), (ssize_t)len);
        close(fd);
}

static void write_content(const char *full, mutation m) {
        static const char *const text[N_MUTATIONS] = {
                [M_EMPTY] = "",
                [M_NON_NUMERIC] = "abc\n",
                [M_HUGE] = "18446744073709551616\n",
                [M_OVER_32BIT] = "4294967296\n",
                [M_NEGATIVE] = "-1\n",
                [M_REVERSED_RANGE] = "3-1\n",
                [M_FILE] = "x\n",
        };
        if (m == M_BINARY) {
                unsigned char b[160];
                for (size_t i = 0; i < 128; i++)
                        b[i] = (unsigned char)(0x80 + i);
                for (size_t i = 0; i < 31; i++)
                        b[128 + i] = (unsigned char)(1 + i);
                b[159] = '\n';
                write_bytes(full, b, sizeof(b));
        } else if (m == M_NUL_BYTE)
                write_bytes(full, "1\0002\n", 4);
        else if (m == M_LONG_LINE) {
                size_t n = 1u << 20;
                char *b = malloc(n);
                cr_assert(b);
                memset(b, '9', n - 1);
                b[n - 1] = '\n';
                write_bytes(full, b, n);
                free(b);
        } else
                write_bytes(full, text[m], strlen(text[m]));
}

/* What was done to the tree, to undo it. */
typedef struct undo {
        char full[4096];
        bool moved;    /* the original is at `backup` */
        bool chmodded; /* chmod 000 on the original, in place */
        mode_t mode;
        char created[16][4096]; /* parent directories created, outermost first */
        size_t n_created;
} undo;

static void mkdir_parents(undo *u) {
        char p[4096];
        snprintf(p, sizeof(p), "%s", u->full);
        for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
                *s = '\0';
                struct stat st;
                if (lstat(p, &st) < 0) {
                        cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s: %m", p);
                        cr_assert(u->n_created < ELEMENTSOF(u->created));
                        snprintf(u->created[u->n_created++], sizeof(u->created[0]), "%s", p);
                }
                *s = '/';
        }
}

static void apply(const char *rel, kind k, mutation m, undo *u) {
        *u = (undo){0};
        snprintf(u->full, sizeof(u->full), "%s/%s", root, rel);
        if (m == M_UNREADABLE) {
                struct stat st;
                cr_assert_eq(lstat(u->full, &st), 0);
                u->mode = st.st_mode & 07777;
                cr_assert_eq(chmod(u->full, 0), 0);
                u->chmodded = true;
                return;
        }
        if (k != K_MISSING) {
                cr_assert_eq(rename(u->full, backup), 0, "rename %s: %m", u->full);
                u->moved = true;
        } else
                mkdir_parents(u);
        switch (m) {
        case M_MISSING:
                break;
        case M_DIRECTORY:
                cr_assert_eq(mkdir(u->full, 0755), 0);
                break;
        case M_SYMLINK_LOOP: {
                const char *base = strrchr(u->full, '/') + 1;
                cr_assert_eq(symlink(base, u->full), 0);
                break;
        }
        case M_FIFO:
                cr_assert_eq(mkfifo(u->full, 0644), 0);
                break;
        default:
                write_content(u->full, m);
        }
}

static void restore(undo *u) {
        if (u->chmodded) {
                cr_assert_eq(chmod(u->full, u->mode), 0);
                return;
        }
        char *cmd = NULL;
        cr_assert(asprintf(&cmd, "rm -rf '%s'", u->full) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        if (u->moved)
                cr_assert_eq(rename(backup, u->full), 0, "restore %s: %m", u->full);
        for (size_t i = u->n_created; i > 0; i--)
                cr_assert_eq(rmdir(u->created[i - 1]), 0, "rmdir %s: %m", u->created[i - 1]);
}

/* As root, chmod 000 does not stop reads: the reader's fault hook answers
 * EACCES for the path and everything below it, as the kernel would. */
static int deny(void *userdata, const char *path, const char *op) {
        const char *rel = userdata;
        size_t l = strlen(rel);
        (void)op;
        if (strncmp(path, rel, l) == 0 && (path[l] == '\0' || path[l] == '/'))
                return -EACCES;
        return 0;
}

/* ---- the cases ---------------------------------------------------------- */

typedef struct stats {
        unsigned files, cases, documents, errors, absent, open_errors;
} stats;

static char current_case[512];

static void on_alarm(int sig) {
        (void)sig;
        static const char msg[] = "HANG: a case ran longer than the timeout: ";
        ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
        w = write(STDERR_FILENO, current_case, strlen(current_case));
        w = write(STDERR_FILENO, "\n", 1);
        (void)w;
        abort();
}

static bool names_file(const char *rel) {
        const char *m = hostcaps_error_message();
        return m && strstr(m, rel);
}

/* The error of a failed call: no output, and a message naming the file. */
static void expect_error_names(int r, const char *rel, const char *what) {
        cr_expect(names_file(rel), "%s: %s returned %d, and its message does not name the file: '%s'",
                  current_case, what, r, hostcaps_error_message() ? hostcaps_error_message() : "(none)");
}

static void check_recorded(unsigned idx, const char *rel, mutation m, stats *st) {
        hostcaps_node *node = NULL;
        int r = hostcaps_node_open(&node, root, 0);
        if (r < 0) {
                cr_expect_null(node);
                expect_error_names(r, rel, "hostcaps_node_open");
                st->open_errors++;
                return;
        }
        if (m == M_UNREADABLE)
                hostcaps_reader_set_fault(hostcaps_node_reader(node), deny, (void *)rel);

        /* Typed: a failed get leaves the output alone. */
        hostcaps_object *sentinel = (hostcaps_object *)(uintptr_t)0x1, *o = sentinel;
        r = hostcaps_node_get_object(node, 1u << idx, 0, &o);
        if (r < 0) {
                cr_expect_eq(o, sentinel, "%s: a failed get wrote its output", current_case);
                expect_error_names(r, rel, "get");
                st->errors++;
        } else {
                cr_expect(o && o != sentinel, "%s: success without an object", current_case);
                st->documents++;
                if (o && o != sentinel && o->absent_reason)
                        st->absent++;
                hostcaps_object_unref(o);
        }

        /* Documents, every format. */
        for (size_t f = 0; f < ELEMENTSOF(test_formats); f++) {
                char *doc = NULL;
                r = hostcaps_node_get_capabilities(node, 1u << idx, 0, test_formats[f], &doc);
                if (r < 0) {
                        cr_expect_null(doc);
                        expect_error_names(r, rel, test_format_names[f]);
                        continue;
                }
                const char *problem = test_document_problem(doc, test_formats[f]);
                cr_expect_null(problem, "%s: %s: %s:\n%.2000s", current_case, test_format_names[f], problem,
                               doc);
                free(doc);
        }
        hostcaps_node_unref(node);
}

/* A node that treats the tree as a live host: probed before the damage,
 * then refreshed. A failed refresh publishes nothing: CACHED still serves
 * the last good object. */
static void check_changing(unsigned idx, const char *rel, kind k, mutation m, stats *st) {
        hostcaps_node *node = NULL;
        hostcaps_object *before = NULL, *after = NULL, *cached = NULL;
        undo u;

        cr_assert_eq(hostcaps_node_open_changing(&node, root), 0);
        cr_assert_eq(hostcaps_node_get_object(node, 1u << idx, 0, &before), 0, "%s",
                     hostcaps_error_message());
        apply(rel, k, m, &u);
        if (m == M_UNREADABLE)
                hostcaps_reader_set_fault(hostcaps_node_reader(node), deny, (void *)rel);
        int r = hostcaps_node_get_object(node, 1u << idx, HOSTCAPS_FLAG_REFRESH, &after);
        if (r < 0) {
                cr_expect_null(after, "%s: a failed refresh wrote its output", current_case);
                expect_error_names(r, rel, "refresh");
        } else
                cr_expect_not_null(after);
        if (!hostcaps_sections[idx]->volatile_data) {
                cr_expect_eq(hostcaps_node_get_object(node, 1u << idx, HOSTCAPS_FLAG_CACHED, &cached), 0);
                cr_expect_eq(cached, r < 0 ? before : after,
                             "%s: CACHED does not serve the last good object after %s", current_case,
                             r < 0 ? "a failed refresh" : "a refresh");
        }
        hostcaps_reader_set_fault(hostcaps_node_reader(node), NULL, NULL);
        restore(&u);
        hostcaps_object_unref(cached);
        hostcaps_object_unref(after);
        hostcaps_object_unref(before);
        hostcaps_node_unref(node);
        (void)st;
}

static void run_case(unsigned idx, const char *rel, kind k, mutation m, stats *st) {
        undo u;
        snprintf(current_case, sizeof(current_case), "section %s, %s made %s",
                 hostcaps_section_to_string(1u << idx), rel, mutation_names[m]);
        alarm(CASE_TIMEOUT_S);
        apply(rel, k, m, &u);
        check_recorded(idx, rel, m, st);
        restore(&u);
        check_changing(idx, rel, k, m, st);
        alarm(0);
        st->cases++;
}

/* The paths a section's probe touches on the base tree, without the
 * listing marks, each once. */
static char **traced_paths(unsigned idx) {
        hostcaps_node *node = NULL;
        hostcaps_object *o = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0, "%s", hostcaps_error_message());
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        int r = hostcaps_node_get_object(node, 1u << idx, 0, &o);
        char **trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        cr_assert_eq(r, 0, "the base tree does not probe: %s", hostcaps_error_message());
        hostcaps_object_unref(o);
        hostcaps_node_unref(node);
        cr_assert(trace);

        size_t n = 0;
        for (size_t i = 0; trace[i]; i++) {
                size_t l = strlen(trace[i]);
                if (l > 1 && trace[i][l - 1] == '/')
                        trace[i][l - 1] = '\0';
                bool dup = strcmp(trace[i], ".") == 0;
                for (size_t j = 0; j < n && !dup; j++)
                        dup = strcmp(trace[j], trace[i]) == 0;
                if (dup)
                        free(trace[i]);
                else
                        trace[n++] = trace[i];
        }
        trace[n] = NULL;
        return trace;
}

static kind kind_of(const char *rel) {
        char full[4096];
        struct stat st;
        snprintf(full, sizeof(full), "%s/%s", root, rel);
        if (lstat(full, &st) < 0)
                return K_MISSING;
        /* A symlink (node/node0/cpu0 -> ../../cpu/cpu0) is replaced like a file. */
        return S_ISDIR(st.st_mode) ? K_DIR : K_FILE;
}

/* Every traced path, every mutation that applies to what is there. A path
 * the base tree lacks (a file a probe looked for) is created broken, with
 * its parent directories. */
static void run_section(unsigned idx) {
        stats st = {0};
        if (!test_section_exists(idx)) {
                test_note_missing_section("broken", idx);
                cr_skip_test("section not implemented yet");
        }
        signal(SIGALRM, on_alarm);
        char **paths = traced_paths(idx);
        for (size_t i = 0; paths[i]; i++) {
                kind k = kind_of(paths[i]);
                st.files++;
                for (mutation m = 0; m < N_MUTATIONS; m++)
                        if (applies(m, k))
                                run_case(idx, paths[i], k, m, &st);
        }
        fprintf(stderr,
                "FIGURES broken %s: %u paths, %u cases: %u valid objects (%u absent), %u errors naming "
                "the file, %u node opens refused\n",
                hostcaps_section_to_string(1u << idx), st.files, st.cases, st.documents, st.absent, st.errors,
                st.open_errors);
        hostcaps_strv_free(paths);
}

Test(broken, cpu) {
        run_section(HOSTCAPS_IDX_CPU);
}
Test(broken, numa) {
        run_section(HOSTCAPS_IDX_NUMA);
}
Test(broken, memory) {
        run_section(HOSTCAPS_IDX_MEMORY);
}
Test(broken, cache) {
        run_section(HOSTCAPS_IDX_CACHE);
}
Test(broken, resctrl) {
        run_section(HOSTCAPS_IDX_RESCTRL);
}
Test(broken, host) {
        run_section(HOSTCAPS_IDX_HOST);
}
Test(broken, devices) {
        run_section(HOSTCAPS_IDX_DEVICES);
}

/* What a node reads when it opens a sysroot: the recorder's sidecar. */
Test(broken, snapshot_meta) {
        stats st = {0};
        static const char rel[] = "hostcaps-snapshot.txt";
        signal(SIGALRM, on_alarm);
        for (mutation m = 0; m < N_MUTATIONS; m++) {
                undo u;
                if (!applies(m, K_FILE) || m == M_UNREADABLE)
                        continue; /* opening happens before a fault hook can be set */
                snprintf(current_case, sizeof(current_case), "%s made %s", rel, mutation_names[m]);
                alarm(CASE_TIMEOUT_S);
                apply(rel, K_FILE, m, &u);
                for (unsigned idx = 0; idx < HOSTCAPS_N_SECTIONS; idx++)
                        if (test_section_exists(idx))
                                check_recorded(idx, rel, m, &st);
                restore(&u);
                alarm(0);
                st.cases++;
        }
        fprintf(stderr, "FIGURES broken node-open: 1 path, %u cases, %u node opens refused\n", st.cases,
                st.open_errors);
}
