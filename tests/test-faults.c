/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Faults on the live path, injected through the reader's fault hook and an
 * allocation hook, each with its defined outcome:
 *
 * - a CPU goes offline in the middle of a probe (a file vanishes between
 *   listing and reading): the probe is repeated and the get answers the
 *   state after the change, once; the memo then serves it;
 * - any listed entry vanishes before it is read: a valid document, or an
 *   error naming the entry; a changing node keeps its last good object;
 * - resctrl unmounted between two requests: the next get answers the
 *   section absent ("resctrl not mounted"); the caller's earlier object
 *   stays valid; mounted again, it is back;
 * - /proc unreadable (EACCES), on the live host and on a sysroot: each
 *   section answers a valid document or an error naming a proc/ file;
 * - an allocation fails (each one in turn): the call answers -ENOMEM, or
 *   exactly the document it answers without the failure; nothing leaks;
 *   a changing node keeps serving its last good object.
 *
 * Allocation failures: this binary is linked with --wrap for malloc, calloc,
 * realloc, free, strdup, strndup, vasprintf and asprintf (tests/CMakeLists.txt),
 * so every allocation the library's own code makes goes through the wrappers
 * below; allocations inside libxml2, json-c and libc are not injected. The
 * wrappers count live allocations, which makes leaks visible in every build,
 * not only under a sanitizer. */
#include <fcntl.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/document.h"
#include "host/error.h"
#include "host/node.h"
#include "host/reader.h"
#include "test-reliability.h"

/* ---- allocation hook ----------------------------------------------------- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **ret, const char *fmt, va_list ap);
int __wrap_asprintf(char **ret, const char *fmt, ...);

/* Armed per thread: the countdown-th allocation of the arming thread fails. */
static _Thread_local unsigned long countdown;
static _Thread_local bool armed, injected;
static atomic_long live_allocations;

static bool fail_now(void) {
        if (!armed || --countdown > 0)
                return false;
        armed = false;
        injected = true;
        return true;
}

static void arm(unsigned long n) {
        countdown = n;
        injected = false;
        armed = true;
}

/* Whether the armed allocation failed, and disarm. */
static bool disarm(void) {
        armed = false;
        return injected;
}

void *__wrap_malloc(size_t size) {
        void *p = fail_now() ? NULL : __real_malloc(size);
        if (p)
                atomic_fetch_add(&live_allocations, 1);
        return p;
}

void *__wrap_calloc(size_t n, size_t size) {
        void *p = fail_now() ? NULL : __real_calloc(n, size);
        if (p)
                atomic_fetch_add(&live_allocations, 1);
        return p;
}

void *__wrap_realloc(void *p, size_t size) {
        void *q = fail_now() ? NULL : __real_realloc(p, size);
        if (q && !p)
                atomic_fetch_add(&live_allocations, 1);
        return q;
}

void __wrap_free(void *p) {
        if (p)
                atomic_fetch_sub(&live_allocations, 1);
        __real_free(p);
}

char *__wrap_strdup(const char *s) {
        size_t n = strlen(s) + 1;
        char *p = __wrap_malloc(n);
        if (p)
                memcpy(p, s, n);
        return p;
}

char *__wrap_strndup(const char *s, size_t n) {
        size_t l = strnlen(s, n);
        char *p = __wrap_malloc(l + 1);
        if (p) {
                memcpy(p, s, l);
                p[l] = '\0';
        }
        return p;
}

int __wrap_vasprintf(char **ret, const char *fmt, va_list ap) {
        va_list copy;
        va_copy(copy, ap);
        int n = vsnprintf(NULL, 0, fmt, copy);
        va_end(copy);
        if (n < 0)
                return -1;
        char *p = __wrap_malloc((size_t)n + 1);
        if (!p)
                return -1;
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        *ret = p;
        return n;
}

int __wrap_asprintf(char **ret, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = __wrap_vasprintf(ret, fmt, ap);
        va_end(ap);
        return n;
}

/* ---- trees ------------------------------------------------------------------- */

static char *work;

static void setup(void) {
        work = test_mkdtemp();
        cr_assert(work);
}

static void teardown(void) {
        test_rm_rf(work);
        free(work);
}

TestSuite(faults, .init = setup, .fini = teardown, .timeout = 600);

static char *path_in(const char *dir, const char *rel) {
        char *p = NULL;
        cr_assert(asprintf(&p, "%s/%s", dir, rel) >= 0);
        return p;
}

/* A tree whose top-level entries are links through `cur` to one of the
 * given states (states/0, states/1 ...), switched by renaming one link. */
static char *switchable_tree(unsigned n_states, const char *const *offline) {
        char *root = path_in(work, "root"), *cmd = NULL;
        for (unsigned k = 0; k < n_states; k++) {
                char dir[4096];
                snprintf(dir, sizeof(dir), "%s/states/%u", root, k);
#ifdef HOSTCAPS_HAVE_GEN
                gen_shape shape = {
                        .sockets = 1,
                        .cores_per_cluster = 2,
                        .threads_per_core = 2,
                        .memory_only_nodes = 1,
                        .hugepages = true,
                        .l3_scope = GEN_L3_PER_SOCKET,
                        .resctrl = GEN_RESCTRL_INTEL_MBA,
                        .offline_cpus = offline[k],
                };
                cr_assert_eq(gen_sysroot(dir, &shape), 0);
#else
                test_write_base_tree(dir);
                if (offline[k]) {
                        test_write(dir, "sys/devices/system/cpu/online", "0-2\n");
                        char *t = NULL;
                        cr_assert(asprintf(&t, "rm -rf '%s/sys/devices/system/cpu/cpu3/topology'", dir) >= 0);
                        cr_assert_eq(system(t), 0);
                        free(t);
                }
#endif
        }
        cr_assert(asprintf(&cmd,
                           "cd '%s' && ln -s states/0 cur && for e in $(ls -A states/0); do ln -s \"cur/$e\" "
                           "\"$e\"; done",
                           root) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        return root;
}

static void switch_to(const char *root, unsigned k) {
        char tmp[4096], cur[4096], target[64];
        snprintf(tmp, sizeof(tmp), "%s/cur.new", root);
        snprintf(cur, sizeof(cur), "%s/cur", root);
        snprintf(target, sizeof(target), "states/%u", k);
        unlink(tmp);
        cr_assert_eq(symlink(target, tmp), 0);
        cr_assert_eq(rename(tmp, cur), 0);
}

/* A section's JSON document, as a fresh node reads it from `dir`. */
static char *fresh_json(const char *dir, unsigned idx) {
        hostcaps_node *n = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&n, dir, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(n, 1u << idx, 0, HOSTCAPS_FORMAT_JSON, &doc), 0, "%s",
                     hostcaps_error_message());
        hostcaps_node_unref(n);
        return doc;
}

static char *object_json(hostcaps_node *node, unsigned idx, const hostcaps_object *o) {
        const hostcaps_object *objs[HOSTCAPS_N_SECTIONS] = {0};
        char *doc = NULL;
        objs[idx] = o;
        cr_assert_eq(hostcaps_document_format(hostcaps_node_arch(node), objs, HOSTCAPS_FORMAT_JSON, &doc), 0);
        return doc;
}

static bool below(const char *path, const char *dir) {
        size_t l = strlen(dir);
        return strncmp(path, dir, l) == 0 && (path[l] == '\0' || path[l] == '/');
}

/* ---- a CPU goes offline mid-probe -------------------------------------------- */

typedef struct offline_fault {
        const char *root;
        char **stamp_paths; /* what the section's stamp reads */
        bool probing;       /* a file other than the stamp's was opened */
        bool listed;        /* ... and then a list of CPUs */
        bool fired;
} offline_fault;

static bool ends_with(const char *s, const char *suffix) {
        size_t l = strlen(s), n = strlen(suffix);
        return l >= n && strcmp(s + l - n, suffix) == 0;
}

/* Once the probe has read a list of CPUs (cpu/online, a node's cpulist, a
 * sibling or cache sharing list), CPU 3 goes offline before its next file:
 * from then on every file is the new state's, and cpu3's are gone. */
static int offline_mid_probe(void *userdata, const char *path, const char *op) {
        offline_fault *f = userdata;
        (void)op;
        if (f->fired)
                return 0;
        if (f->listed) {
                f->fired = true;
                switch_to(f->root, 1);
                return 0;
        }
        bool stamp = false;
        for (size_t i = 0; f->stamp_paths[i] && !stamp; i++)
                stamp = strcmp(f->stamp_paths[i], path) == 0;
        f->probing = f->probing || !stamp;
        f->listed = f->probing &&
                    (ends_with(path, "/online") || ends_with(path, "cpulist") || ends_with(path, "_list"));
        return 0;
}

static char **stamp_paths(hostcaps_node *node, const hostcaps_section_ops *ops) {
        uint64_t st = hostcaps_stamp_init();
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        cr_assert_eq(ops->stamp(hostcaps_node_reader(node), &st), 0);
        return hostcaps_reader_trace_stop(hostcaps_node_reader(node));
}

Test(faults, cpu_offline_mid_probe) {
        static const char *const offline[] = {NULL, "3"};
        char *root = switchable_tree(2, offline), *a = path_in(root, "states/0"),
             *b = path_in(root, "states/1");
        unsigned tested = 0;

        for (unsigned idx = 0; idx < HOSTCAPS_N_SECTIONS; idx++) {
                const hostcaps_section_ops *ops = hostcaps_sections[idx];
                if (!ops) {
                        test_note_missing_section("faults", idx);
                        continue;
                }
                if (!ops->stamp || ops->volatile_data)
                        continue;
                char *want_a = fresh_json(a, idx), *want_b = fresh_json(b, idx), *got;
                hostcaps_node *node = NULL;
                hostcaps_object *o = NULL, *again = NULL;
                offline_fault f = {.root = root};

                switch_to(root, 0);
                cr_assert_eq(hostcaps_node_open_changing(&node, root), 0);
                f.stamp_paths = stamp_paths(node, ops);
                hostcaps_reader_set_fault(hostcaps_node_reader(node), offline_mid_probe, &f);
                cr_assert_eq(hostcaps_node_get_object(node, 1u << idx, 0, &o), 0, "%s: %s", ops->name,
                             hostcaps_error_message());
                got = object_json(node, idx, o);
                if (!f.fired) {
                        fprintf(stderr, "NOTE faults: section %s reads no list of CPUs: not tested\n",
                                ops->name);
                        cr_expect_str_eq(got, want_a);
                } else {
                        tested++;
                        /* The change during the probe was seen: probed again, the new state. */
                        cr_expect_str_eq(got, want_b, "%s: not the state after CPU 3 went offline",
                                         ops->name);
                        cr_expect_eq(hostcaps_node_n_probes(node, 1u << idx), 2, "%s probed %u times",
                                     ops->name, hostcaps_node_n_probes(node, 1u << idx));
                        /* Memoized with the new state's stamp: no probe now. */
                        cr_assert_eq(hostcaps_node_get_object(node, 1u << idx, 0, &again), 0);
                        cr_expect_eq(again, o);
                        cr_expect_eq(hostcaps_node_n_probes(node, 1u << idx), 2);
                        hostcaps_object_unref(again);
                        /* Back online: probed once more, the first state again. */
                        switch_to(root, 0);
                        cr_assert_eq(hostcaps_node_get_object(node, 1u << idx, 0, &again), 0);
                        char *back = object_json(node, idx, again);
                        cr_expect_str_eq(back, want_a, "%s: not the state after CPU 3 came back", ops->name);
                        cr_expect_eq(hostcaps_node_n_probes(node, 1u << idx), 3);
                        free(back);
                        hostcaps_object_unref(again);
                }
                free(got);
                hostcaps_strv_free(f.stamp_paths);
                hostcaps_object_unref(o);
                hostcaps_node_unref(node);
                free(want_a);
                free(want_b);
        }
        fprintf(stderr,
                "FIGURES faults cpu-offline: %u sections probed again after CPU 3 went offline mid-probe\n",
                tested);
        cr_expect_gt(tested, 0);
        free(a);
        free(b);
        free(root);
}

/* ---- a listed entry vanishes before it is read ----------------------------- */

typedef struct vanish_fault {
        const char *listing; /* a directory the probe lists */
        char entry[4096];    /* listing/name: gone once the listing was read */
        bool listed;
        unsigned hits;
} vanish_fault;

static int vanish(void *userdata, const char *path, const char *op) {
        vanish_fault *f = userdata;
        if (strcmp(op, "opendir") == 0 && strcmp(path, f->listing) == 0) {
                f->listed = true;
                return 0;
        }
        if (f->listed && below(path, f->entry)) {
                f->hits++;
                return -ENOENT;
        }
        return 0;
}

static char **listing_entries(const char *root, const char *listing) {
        char *cmd = NULL, *out = NULL;
        size_t len = 0;
        cr_assert(asprintf(&cmd, "ls -A '%s/%s'", root, listing) >= 0);
        FILE *p = popen(cmd, "r");
        cr_assert(p);
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        while (getline(&out, &len, p) > 0) {
                out[strcspn(out, "\n")] = '\0';
                v = realloc(v, (n + 2) * sizeof(char *));
                v[n++] = strdup(out);
                v[n] = NULL;
        }
        pclose(p);
        free(out);
        free(cmd);
        return v;
}

Test(faults, listed_entry_vanishes) {
        char *root = path_in(work, "root");
        unsigned cases = 0, valid = 0, errors = 0;
        test_write_base_tree(root);

        for (unsigned idx = 0; idx < HOSTCAPS_N_SECTIONS; idx++) {
                if (!test_section_exists(idx)) {
                        test_note_missing_section("faults", idx);
                        continue;
                }
                hostcaps_node *node = NULL;
                hostcaps_object *o = NULL;
                cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
                hostcaps_reader_trace_start(hostcaps_node_reader(node));
                cr_assert_eq(hostcaps_node_get_object(node, 1u << idx, 0, &o), 0);
                char **trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
                hostcaps_object_unref(o);
                hostcaps_node_unref(node);

                for (size_t t = 0; trace[t]; t++) {
                        size_t l = strlen(trace[t]);
                        if (l < 2 || trace[t][l - 1] != '/')
                                continue;
                        trace[t][l - 1] = '\0';
                        bool seen = false;
                        for (size_t u = 0; u < t && !seen; u++)
                                seen = strcmp(trace[u], trace[t]) == 0;
                        if (seen)
                                continue;
                        char **entries = listing_entries(root, trace[t]);
                        for (size_t e = 0; entries[e]; e++) {
                                vanish_fault f = {.listing = trace[t]};
                                hostcaps_object *before = NULL, *after = NULL, *cached = NULL;
                                snprintf(f.entry, sizeof(f.entry), "%s/%s", trace[t], entries[e]);

                                /* A recorded node: a document or an error naming the entry. */
                                cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
                                hostcaps_reader_set_fault(hostcaps_node_reader(node), vanish, &f);
                                char *doc = NULL;
                                int r = hostcaps_node_get_capabilities(node, 1u << idx, 0,
                                                                       HOSTCAPS_FORMAT_XML, &doc);
                                hostcaps_node_unref(node);
                                if (!f.hits) {
                                        free(doc);
                                        continue; /* the probe does not read this entry */
                                }
                                cases++;
                                if (r == 0) {
                                        valid++;
                                        const char *problem = test_document_problem(doc, HOSTCAPS_FORMAT_XML);
                                        cr_expect_null(problem, "%s vanished: %s", f.entry, problem);
                                } else {
                                        errors++;
                                        cr_expect_null(doc);
                                        cr_expect(hostcaps_error_message() &&
                                                          strstr(hostcaps_error_message(), f.entry),
                                                  "%s vanished: the error does not name it: %s", f.entry,
                                                  hostcaps_error_message());
                                }
                                free(doc);

                                /* A changing node: a failed refresh publishes nothing. */
                                f = (vanish_fault){.listing = trace[t]};
                                snprintf(f.entry, sizeof(f.entry), "%s/%s", trace[t], entries[e]);
                                cr_assert_eq(hostcaps_node_open_changing(&node, root), 0);
                                cr_assert_eq(hostcaps_node_get_object(node, 1u << idx, 0, &before), 0);
                                hostcaps_reader_set_fault(hostcaps_node_reader(node), vanish, &f);
                                r = hostcaps_node_get_object(node, 1u << idx, HOSTCAPS_FLAG_REFRESH, &after);
                                cr_expect(r == 0 ? after != NULL : after == NULL);
                                if (!hostcaps_sections[idx]->volatile_data) {
                                        cr_assert_eq(hostcaps_node_get_object(node, 1u << idx,
                                                                              HOSTCAPS_FLAG_CACHED, &cached),
                                                     0);
                                        cr_expect_eq(cached, r == 0 ? after : before);
                                }
                                hostcaps_object_unref(cached);
                                hostcaps_object_unref(after);
                                hostcaps_object_unref(before);
                                hostcaps_node_unref(node);
                        }
                        hostcaps_strv_free(entries);
                }
                hostcaps_strv_free(trace);
        }
        fprintf(stderr,
                "FIGURES faults vanish: %u listed entries vanished before being read: %u valid documents, %u "
                "errors "
                "naming the entry\n",
                cases, valid, errors);
        free(root);
}

/* ---- resctrl unmounted between two requests -------------------------------- */

Test(faults, resctrl_unmounted_between_requests) {
        if (!test_section_exists(HOSTCAPS_IDX_RESCTRL)) {
                test_note_missing_section("faults", HOSTCAPS_IDX_RESCTRL);
                cr_skip_test("resctrl not implemented yet");
        }
        char *root = path_in(work, "root"), *fs = path_in(root, "sys/fs/resctrl"),
             *away = path_in(work, "resctrl");
        hostcaps_node *node = NULL;
        hostcaps_object *mounted = NULL, *unmounted = NULL, *again = NULL;
        test_write_base_tree(root);

        cr_assert_eq(hostcaps_node_open_changing(&node, root), 0);
        cr_assert_eq(hostcaps_node_get_object(node, HOSTCAPS_SECTION_RESCTRL, 0, &mounted), 0, "%s",
                     hostcaps_error_message());
        cr_assert_null(mounted->absent_reason, "the base tree has resctrl mounted");
        char *mounted_json = object_json(node, HOSTCAPS_IDX_RESCTRL, mounted);

        /* umount: the mount point stays, empty. */
        cr_assert_eq(rename(fs, away), 0);
        cr_assert_eq(mkdir(fs, 0755), 0);
        cr_assert_eq(hostcaps_node_get_object(node, HOSTCAPS_SECTION_RESCTRL, 0, &unmounted), 0, "%s",
                     hostcaps_error_message());
        cr_assert_neq(unmounted, mounted);
        cr_expect_not_null(unmounted->absent_reason, "resctrl unmounted, yet not absent");
        if (unmounted->absent_reason)
                cr_expect(strstr(unmounted->absent_reason, "mounted"), "reason: %s",
                          unmounted->absent_reason);
        /* Every format says so; the caller's earlier object is intact. */
        for (size_t f = 0; f < ELEMENTSOF(test_formats); f++) {
                char *doc = NULL;
                cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_RESCTRL, 0,
                                                            test_formats[f], &doc),
                             0);
                cr_expect_null(test_document_problem(doc, test_formats[f]), "%s", doc);
                free(doc);
        }
        char *still = object_json(node, HOSTCAPS_IDX_RESCTRL, mounted);
        cr_expect_str_eq(still, mounted_json);
        free(still);

        /* Mounted again. */
        cr_assert_eq(rmdir(fs), 0);
        cr_assert_eq(rename(away, fs), 0);
        cr_assert_eq(hostcaps_node_get_object(node, HOSTCAPS_SECTION_RESCTRL, 0, &again), 0);
        cr_expect_null(again->absent_reason);
        char *again_json = object_json(node, HOSTCAPS_IDX_RESCTRL, again);
        cr_expect_str_eq(again_json, mounted_json);
        cr_expect_eq(hostcaps_node_n_probes(node, HOSTCAPS_SECTION_RESCTRL), 3);

        free(again_json);
        free(mounted_json);
        hostcaps_object_unref(again);
        hostcaps_object_unref(unmounted);
        hostcaps_object_unref(mounted);
        hostcaps_node_unref(node);
        free(away);
        free(fs);
        free(root);
}

/* ---- /proc unreadable ------------------------------------------------------------ */

static int deny_proc(void *userdata, const char *path, const char *op) {
        unsigned *hits = userdata;
        (void)op;
        if (below(path, "proc")) {
                (*hits)++;
                return -EACCES;
        }
        return 0;
}

static void proc_unreadable_at(const char *root, const char *label) {
        for (unsigned idx = 0; idx < HOSTCAPS_N_SECTIONS; idx++) {
                if (!test_section_exists(idx)) {
                        test_note_missing_section("faults", idx);
                        continue;
                }
                for (size_t f = 0; f < ELEMENTSOF(test_formats); f++) {
                        hostcaps_node *node = NULL;
                        unsigned hits = 0;
                        char *doc = NULL;
                        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
                        hostcaps_reader_set_fault(hostcaps_node_reader(node), deny_proc, &hits);
                        int r = hostcaps_node_get_capabilities(node, 1u << idx, 0, test_formats[f], &doc);
                        if (r == 0) {
                                const char *problem = test_document_problem(doc, test_formats[f]);
                                cr_expect_null(problem, "%s, /proc unreadable, %s: %s", label,
                                               hostcaps_section_to_string(1u << idx), problem);
                        } else {
                                cr_expect_null(doc);
                                cr_expect(
                                        hostcaps_error_message() && strstr(hostcaps_error_message(), "proc/"),
                                        "%s, /proc unreadable, %s: the error does not name a proc/ file: %s",
                                        label, hostcaps_section_to_string(1u << idx),
                                        hostcaps_error_message());
                        }
                        if (f == 0)
                                fprintf(stderr, "FIGURES faults /proc unreadable, %s: section %s: %s%s%s\n",
                                        label, hostcaps_section_to_string(1u << idx),
                                        r == 0 ? "a valid document" : "error: ",
                                        r == 0 ? "" : hostcaps_error_message(),
                                        hits ? "" : " (reads nothing of /proc)");
                        free(doc);
                        hostcaps_node_unref(node);
                }
        }
}

Test(faults, proc_unreadable) {
        char *root = path_in(work, "root");
        test_write_base_tree(root);
        proc_unreadable_at(NULL, "live host");
        proc_unreadable_at(root, "sysroot");
        free(root);
}

/* ---- allocation failures ---------------------------------------------------------- */

typedef struct sweep {
        unsigned calls, failed, identical, leaks;
} sweep;

/* Open a node at root (NULL: the live host) and get a document, with the
 * n-th allocation failing (0: none). */
static int doc_with_failure(const char *root, unsigned sections, hostcaps_format format, unsigned long n,
                            char **ret, bool *ret_hit) {
        hostcaps_node *node = NULL;
        if (n)
                arm(n);
        int r = hostcaps_node_open(&node, root, 0);
        if (r >= 0)
                r = hostcaps_node_get_capabilities(node, sections, 0, format, ret);
        hostcaps_node_unref(node);
        *ret_hit = disarm();
        return r;
}

static void sweep_allocations(const char *root, unsigned sections, hostcaps_format format, bool compare,
                              sweep *s) {
        char *want = NULL, *doc = NULL;
        bool hit;

        /* Once without failures: the document to expect, and what is set up
         * once per process (libvirt's cpu_map) out of the way. */
        cr_assert_eq(doc_with_failure(root, sections, format, 0, &want, &hit), 0, "%s",
                     hostcaps_error_message());
        for (unsigned long n = 1;; n++) {
                long before = atomic_load(&live_allocations);
                doc = NULL;
                int r = doc_with_failure(root, sections, format, n, &doc, &hit);
                if (!hit) {
                        free(doc);
                        break; /* fewer than n allocations: every one has failed once */
                }
                /* Counted before any assertion allocates: the document is the one
                 * allocation the call hands over. */
                long leaked = atomic_load(&live_allocations) - before - (doc ? 1 : 0);
                s->calls++;
                if (r == 0) {
                        s->identical++;
                        if (compare)
                                cr_expect_str_eq(
                                        doc, want,
                                        "allocation %lu failed (sections 0x%x, format %d): a different "
                                        "document instead of -ENOMEM",
                                        n, sections, (int)format);
                } else {
                        s->failed++;
                        cr_expect_eq(r, -ENOMEM, "allocation %lu failed (sections 0x%x, format %d): %d %s", n,
                                     sections, (int)format, r, hostcaps_error_message());
                        cr_expect_null(doc);
                }
                free(doc);
                if (leaked) {
                        s->leaks++;
                        cr_expect_eq(
                                leaked, 0,
                                "allocation %lu failed (sections 0x%x, format %d): %ld allocations leaked", n,
                                sections, (int)format, leaked);
                }
        }
        free(want);
}

static void sweep_report(const char *label, const sweep *s) {
        fprintf(stderr,
                "FIGURES faults ENOMEM, %s: %u allocations failed in turn: %u calls answered -ENOMEM, %u "
                "answered the "
                "same document, %u leaked\n",
                label, s->calls, s->failed, s->identical, s->leaks);
}

Test(faults, enomem_sysroot) {
        char *root = path_in(work, "root");
        unsigned all = test_existing_sections();
        sweep s = {0};
        test_write_base_tree(root);
        /* Each section alone in XML, then all of them in every format. */
        for (unsigned idx = 0; idx < HOSTCAPS_N_SECTIONS; idx++)
                if (all & (1u << idx))
                        sweep_allocations(root, 1u << idx, HOSTCAPS_FORMAT_XML, true, &s);
        for (size_t f = 0; f < ELEMENTSOF(test_formats); f++)
                sweep_allocations(root, all, test_formats[f], true, &s);
        sweep_report("sysroot", &s);
        free(root);
}

#ifdef HOSTCAPS_HAVE_GEN
/* The frequency and isolation sections, where each has something to
 * allocate: capacities, cpufreq policies, isolated CPUs, vulnerabilities. */
Test(faults, enomem_frequency_and_isolation) {
        char *root = path_in(work, "root");
        gen_shape shape = {.clusters_per_die = 2,
                           .cores_per_cluster = 2,
                           .threads_per_core = 2,
                           .big_little = true,
                           .cpu_capacity = true,
                           .cpufreq = GEN_CPUFREQ_PER_CLUSTER,
                           .isolated_cpus = "1-2",
                           .nohz_full_cpus = "1-3",
                           .vulnerabilities = true};
        sweep s = {0};
        cr_assert_eq(gen_sysroot(root, &shape), 0);
        for (size_t f = 0; f < ELEMENTSOF(test_formats); f++)
                sweep_allocations(root, HOSTCAPS_SECTION_FREQUENCY | HOSTCAPS_SECTION_ISOLATION,
                                  test_formats[f], true, &s);
        /* Kinds from maximum frequencies: no capacities, a policy per CPU. */
        char *root2 = path_in(work, "root2");
        shape.cpu_capacity = false;
        shape.cpufreq = GEN_CPUFREQ_PER_CPU;
        cr_assert_eq(gen_sysroot(root2, &shape), 0);
        sweep_allocations(root2, HOSTCAPS_SECTION_FREQUENCY, HOSTCAPS_FORMAT_JSON, true, &s);
        free(root2);
        sweep_report("frequency and isolation", &s);
        free(root);
}
#endif

Test(faults, enomem_live) {
        unsigned all = test_existing_sections(), stable = 0;
        sweep s = {0};
        /* Free memory and hugepages change between two reads of the live
         * host: documents with the memory section are not compared. */
        for (unsigned idx = 0; idx < HOSTCAPS_N_SECTIONS; idx++)
                if ((all & (1u << idx)) && !hostcaps_sections[idx]->volatile_data)
                        stable |= 1u << idx;
        for (size_t f = 0; f < ELEMENTSOF(test_formats); f++)
                sweep_allocations(NULL, stable, test_formats[f], true, &s);
        sweep_allocations(NULL, all, HOSTCAPS_FORMAT_JSON, false, &s);
        sweep_report("live host", &s);
}

/* A changing node: a refresh that runs out of memory publishes nothing;
 * CACHED keeps serving the last good object. */
Test(faults, enomem_keeps_last_good_object) {
        char *root = path_in(work, "root");
        unsigned calls = 0;
        test_write_base_tree(root);
        for (unsigned idx = 0; idx < HOSTCAPS_N_SECTIONS; idx++) {
                if (!test_section_exists(idx) || hostcaps_sections[idx]->volatile_data)
                        continue;
                hostcaps_node *node = NULL;
                hostcaps_object *good = NULL;
                cr_assert_eq(hostcaps_node_open_changing(&node, root), 0);
                cr_assert_eq(hostcaps_node_get_object(node, 1u << idx, 0, &good), 0);
                for (unsigned long n = 1;; n++) {
                        hostcaps_object *o = NULL, *cached = NULL;
                        arm(n);
                        int r = hostcaps_node_get_object(node, 1u << idx, HOSTCAPS_FLAG_REFRESH, &o);
                        if (!disarm()) {
                                hostcaps_object_unref(o);
                                break;
                        }
                        calls++;
                        cr_assert_eq(hostcaps_node_get_object(node, 1u << idx, HOSTCAPS_FLAG_CACHED, &cached),
                                     0);
                        if (r < 0) {
                                cr_expect_eq(r, -ENOMEM, "%s: %d %s", hostcaps_section_to_string(1u << idx),
                                             r, hostcaps_error_message());
                                cr_expect_null(o);
                                cr_expect_eq(cached, good, "%s: a failed refresh changed what CACHED serves",
                                             hostcaps_section_to_string(1u << idx));
                        } else {
                                cr_expect_eq(cached, o);
                                hostcaps_object_unref(good);
                                good = hostcaps_object_ref(o);
                        }
                        hostcaps_object_unref(cached);
                        hostcaps_object_unref(o);
                }
                hostcaps_object_unref(good);
                hostcaps_node_unref(node);
        }
        fprintf(stderr,
                "FIGURES faults ENOMEM, refresh of a changing node: %u refreshes with a failed allocation\n",
                calls);
        free(root);
}
