/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Threads: many threads on one node doing memoized gets, whole documents and
 * refreshes, while a writer changes the host under them. Run under
 * ThreadSanitizer in CI (make tsan).
 *
 * The "host" is a sysroot opened with hostcaps_node_open_changing(): its
 * top-level entries are links through root/cur to one of STATES generated
 * trees, which differ in the CPUs online (so the stamps of cpu, numa, cache
 * and resctrl all change at each switch, and no state repeats within a probe).
 * Switching renames one link: every single file read sees one whole state.
 *
 * - Every object and every document a thread gets is exactly what a fresh
 *   node reads from one of the states (for a whole document: each section's
 *   part is), never a mix of two.
 * - With the host still, each section is probed once per change of its
 *   stamp however many threads ask at once (hostcaps_node_n_probes()).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "host/document.h"
#include "host/node.h"
#include "host/reader.h"
#include "test-reliability.h"

#define STATES        8
#define THREADS       8
#define ROUNDS        8   /* requests per thread and section in a still phase */
#define CHAOS_SECONDS 3.0 /* how long threads and the writer run together */
/* The writer's pause between two switches. A state comes back after
 * STATES switches (80 ms): a probe slower than that (ASan on a loaded
 * two-core machine makes a cache probe take tens of milliseconds) could see
 * the same stamp before and after while it read two states, which is the
 * documented limit of stamps (docs/reliability.md), not a fault to find. */
#define SWITCH_US 10000

/* CPUs 4-7 (second threads of the four cores) go offline in this order:
 * each state differs from the one before and after it. */
static const char *const offline[STATES] = {NULL, "7", "6-7", "5-7", "4-7", "4-6", "4-5", "4"};

static char *root;
static hostcaps_node *node;
static unsigned sections;

/* What a fresh node reads from each state: per section and format the
 * section's document, and the section's part of a whole JSON document. */
static char *ref_doc[STATES][HOSTCAPS_N_SECTIONS][ELEMENTSOF(test_formats)];
static char *ref_part[STATES][HOSTCAPS_N_SECTIONS];

static void state_dir(char *buf, size_t size, unsigned k) {
        snprintf(buf, size, "%s/states/%u", root, k);
}

static void switch_to(unsigned k) {
        char tmp[4096], cur[4096], target[64];
        snprintf(tmp, sizeof(tmp), "%s/cur.new", root);
        snprintf(cur, sizeof(cur), "%s/cur", root);
        snprintf(target, sizeof(target), "states/%u", k);
        unlink(tmp);
        cr_assert_eq(symlink(target, tmp), 0);
        cr_assert_eq(rename(tmp, cur), 0, "rename: %m");
}

/* The canonical text of each top-level member of a JSON document. */
static void json_parts(const char *doc, char *ret[HOSTCAPS_N_SECTIONS]) {
        struct json_object *j = json_tokener_parse(doc);
        cr_assert(j, "not JSON: %s", doc);
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                struct json_object *part = NULL;
                ret[i] = NULL;
                if (json_object_object_get_ex(j, hostcaps_section_to_string(1u << i), &part))
                        ret[i] = strdup(json_object_to_json_string_ext(part, JSON_C_TO_STRING_PLAIN));
        }
        json_object_put(j);
}

static void setup(void) {
        char dir[4096];
        root = test_mkdtemp();
        cr_assert(root);
        for (unsigned k = 0; k < STATES; k++) {
                state_dir(dir, sizeof(dir), k);
#ifdef HOSTCAPS_HAVE_GEN
                gen_shape shape = {
                        .sockets = 1,
                        .cores_per_cluster = 4,
                        .threads_per_core = 2,
                        .memory_only_nodes = 1,
                        .hugepages = true,
                        .l3_scope = GEN_L3_PER_SOCKET,
                        .resctrl = GEN_RESCTRL_INTEL_MBA,
                        .offline_cpus = offline[k],
                };
                cr_assert_eq(gen_sysroot(dir, &shape), 0);
#else
                /* Without the generator: the CPU and host sections only. */
                char online[16];
                snprintf(online, sizeof(online), "0-%u\n", 7 - (k < 5 ? k : STATES - k));
                test_write_base_tree(dir);
                test_write(dir, "sys/devices/system/cpu/online", online);
                test_write(dir, "sys/devices/system/cpu/possible", "0-7\n");
#endif
        }
        /* root/<entry> -> cur/<entry>, root/cur -> states/0. */
        char *cmd = NULL;
        cr_assert(asprintf(&cmd, "cd '%s' && for e in $(ls -A states/0); do ln -s \"cur/$e\" \"$e\"; done",
                           root) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        switch_to(0);

        sections = test_existing_sections();
        for (unsigned k = 0; k < STATES; k++) {
                hostcaps_node *n = NULL;
                char *doc = NULL;
                state_dir(dir, sizeof(dir), k);
                cr_assert_eq(hostcaps_node_open(&n, dir, 0), 0);
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                        for (size_t f = 0; (sections & (1u << i)) && f < ELEMENTSOF(test_formats); f++)
                                cr_assert_eq(hostcaps_node_get_capabilities(n, 1u << i, 0, test_formats[f],
                                                                            &ref_doc[k][i][f]),
                                             0, "%s", hostcaps_error_message());
                cr_assert_eq(hostcaps_node_get_capabilities(n, sections, 0, HOSTCAPS_FORMAT_JSON, &doc), 0);
                json_parts(doc, ref_part[k]);
                free(doc);
                hostcaps_node_unref(n);
        }
        cr_assert_eq(hostcaps_node_open_changing(&node, root), 0);
        /* Parsed here, once, before the workers share it. */
        xmlInitParser();
        (void)test_capabilities_schema();
}

static void teardown(void) {
        node = hostcaps_node_unref(node);
        for (unsigned k = 0; k < STATES; k++)
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                        for (size_t f = 0; f < ELEMENTSOF(test_formats); f++)
                                free(ref_doc[k][i][f]);
                        free(ref_part[k][i]);
                }
        test_rm_rf(root);
        free(root);
}

TestSuite(threads, .init = setup, .fini = teardown, .timeout = 600);

/* Whether `doc` is what a fresh node reads from `state` (-1: from any state). */
static bool doc_from(int state, unsigned idx, size_t f, const char *doc) {
        for (unsigned k = 0; k < STATES; k++)
                if ((state < 0 || (unsigned)state == k) && ref_doc[k][idx][f] &&
                    strcmp(ref_doc[k][idx][f], doc) == 0)
                        return true;
        return false;
}

static bool part_from(int state, unsigned idx, const char *part) {
        for (unsigned k = 0; k < STATES; k++)
                if ((state < 0 || (unsigned)state == k) && ref_part[k][idx] &&
                    strcmp(ref_part[k][idx], part) == 0)
                        return true;
        return false;
}

/* An object as its section's JSON document. */
static char *object_json(unsigned idx, const hostcaps_object *o) {
        const hostcaps_object *objs[HOSTCAPS_N_SECTIONS] = {0};
        char *doc = NULL;
        objs[idx] = o;
        cr_assert_eq(hostcaps_document_format(hostcaps_node_arch(node), objs, HOSTCAPS_FORMAT_JSON, &doc), 0);
        return doc;
}

/* Failures are counted by the workers (Criterion's asserts belong to the
 * test's own thread) and reported by the test. */
typedef struct worker {
        pthread_t thread;
        unsigned id, seed;
        int state; /* still phase: the state every answer must come from; -1: any */
        bool chaos;
        unsigned requests, again;
        char failure[512];
} worker;

static pthread_barrier_t barrier;
static atomic_bool stop;

static void fail(worker *w, const char *fmt, ...) _printf_(2, 3);
static void fail(worker *w, const char *fmt, ...) {
        va_list ap;
        if (w->failure[0])
                return;
        va_start(ap, fmt);
        vsnprintf(w->failure, sizeof(w->failure), fmt, ap);
        va_end(ap);
}

/* A result: 0, or -EAGAIN when the host kept changing under every probe. */
static bool outcome_ok(worker *w, int r, const char *what) {
        w->requests++;
        if (r == -EAGAIN && w->chaos) {
                w->again++;
                return false;
        }
        if (r < 0)
                fail(w, "%s: %d %s", what, r, hostcaps_error_message());
        return r == 0;
}

static void typed_get(worker *w, unsigned idx, unsigned flags, hostcaps_object **held) {
        hostcaps_object *o = NULL;
        if (!outcome_ok(w, hostcaps_node_get_object(node, 1u << idx, flags, &o), "get"))
                return;
        char *doc = object_json(idx, o);
        if (!doc_from(w->state, idx, 1, doc))
                fail(w, "thread %u: %s object (flags %u) is from no state%s:\n%.1500s", w->id,
                     hostcaps_section_to_string(1u << idx), flags, w->state >= 0 ? " or the wrong one" : "",
                     doc);
        free(doc);
        /* Keep it while others refresh, drop the one kept before. */
        hostcaps_object_unref(*held);
        *held = o;
}

static void section_doc(worker *w, unsigned idx, unsigned flags, size_t f) {
        char *doc = NULL;
        if (!outcome_ok(w, hostcaps_node_get_capabilities(node, 1u << idx, flags, test_formats[f], &doc),
                        "document"))
                return;
        if (!doc_from(w->state, idx, f, doc))
                fail(w, "thread %u: %s %s document is from no state:\n%.1500s", w->id,
                     hostcaps_section_to_string(1u << idx), test_format_names[f], doc);
        free(doc);
}

static void whole_doc(worker *w, unsigned flags, size_t f) {
        char *doc = NULL;
        /* All or nothing: a section the changing host made fail (-EAGAIN)
         * would otherwise be in the document as failed, from no state. */
        if (!outcome_ok(w,
                        hostcaps_node_get_capabilities(node, sections, flags | HOSTCAPS_FLAG_STRICT,
                                                       test_formats[f], &doc),
                        "whole document"))
                return;
        if (test_formats[f] == HOSTCAPS_FORMAT_JSON) {
                char *parts[HOSTCAPS_N_SECTIONS];
                json_parts(doc, parts);
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                        if ((sections & (1u << i)) && !part_from(w->state, i, parts[i] ? parts[i] : ""))
                                fail(w,
                                     "thread %u: the %s part of a whole document is from no state:\n%.1500s",
                                     w->id, hostcaps_section_to_string(1u << i),
                                     parts[i] ? parts[i] : "(none)");
                        free(parts[i]);
                }
        } else {
                const char *problem = test_document_problem(doc, test_formats[f]);
                if (problem)
                        fail(w, "thread %u: %s", w->id, problem);
        }
        free(doc);
}

static void *work(void *arg) {
        worker *w = arg;
        hostcaps_object *held[HOSTCAPS_N_SECTIONS] = {0};

        pthread_barrier_wait(&barrier);
        for (unsigned round = 0; !w->failure[0]; round++) {
                if (w->chaos ? atomic_load(&stop) : round == ROUNDS)
                        break;
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                        if (!(sections & (1u << i)))
                                continue;
                        unsigned flags = 0;
                        if (w->chaos) {
                                unsigned pick = (unsigned)rand_r(&w->seed) % 8;
                                flags = pick == 0   ? HOSTCAPS_FLAG_REFRESH
                                        : pick == 1 ? HOSTCAPS_FLAG_CACHED
                                                    : 0;
                        }
                        typed_get(w, i, flags, &held[i]);
                        section_doc(w, i, flags & ~(unsigned)HOSTCAPS_FLAG_REFRESH,
                                    (size_t)rand_r(&w->seed) % ELEMENTSOF(test_formats));
                }
                whole_doc(w, 0, (size_t)rand_r(&w->seed) % ELEMENTSOF(test_formats));
        }
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                hostcaps_object_unref(held[i]);
        return NULL;
}

static void run_workers(worker *w, size_t n, int state, bool chaos) {
        pthread_barrier_init(&barrier, NULL, (unsigned)n);
        for (size_t t = 0; t < n; t++) {
                w[t] = (worker){
                        .id = (unsigned)t, .seed = (unsigned)t * 7919u + 1, .state = state, .chaos = chaos};
                cr_assert_eq(pthread_create(&w[t].thread, NULL, work, &w[t]), 0);
        }
}

static void join_workers(worker *w, size_t n) {
        for (size_t t = 0; t < n; t++)
                pthread_join(w[t].thread, NULL);
        pthread_barrier_destroy(&barrier);
        for (size_t t = 0; t < n; t++)
                cr_expect_eq(w[t].failure[0], '\0', "%s", w[t].failure);
}

static uint64_t stamp_of(unsigned idx) {
        uint64_t st = hostcaps_stamp_init();
        cr_assert_eq(hostcaps_sections[idx]->stamp(hostcaps_node_reader(node), &st), 0);
        return st;
}

/* Still phases: the writer switches, then THREADS threads ask at once. Each
 * answer is the current state's; each section with a stamp is probed once if
 * its stamp changed and not at all otherwise; a section without a stamp once
 * in the node's life; a volatile one at every request. */
Test(threads, probed_once_per_stamp_change) {
        worker w[THREADS];
        uint64_t before_stamp[HOSTCAPS_N_SECTIONS] = {0};
        unsigned probes[HOSTCAPS_N_SECTIONS] = {0};

        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (!(sections & (1u << i)))
                        test_note_missing_section("threads", i);
        for (unsigned step = 0; step < 2 * STATES; step++) {
                unsigned k = step % STATES;
                if (step > 0)
                        switch_to(k);
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                        probes[i] = hostcaps_node_n_probes(node, 1u << i);
                run_workers(w, THREADS, (int)k, false);
                join_workers(w, THREADS);
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                        if (!(sections & (1u << i)))
                                continue;
                        const hostcaps_section_ops *ops = hostcaps_sections[i];
                        unsigned delta = hostcaps_node_n_probes(node, 1u << i) - probes[i], want;
                        if (ops->volatile_data)
                                /* a typed get and a document per round, and the whole documents */
                                want = THREADS * ROUNDS * 3;
                        else if (!ops->stamp)
                                want = step == 0;
                        else {
                                uint64_t now = stamp_of(i);
                                want = step == 0 || now != before_stamp[i];
                                before_stamp[i] = now;
                        }
                        cr_expect_eq(delta, want,
                                     "step %u (state %u): section %s probed %u times, expected %u", step, k,
                                     ops->name, delta, want);
                }
        }
}

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Everything at once: the writer keeps switching states while threads get
 * (memoized, cached, refreshed), format single sections and whole documents,
 * and hold objects across refreshes. Then, the host still, every section
 * answers the final state. */
Test(threads, consistent_while_the_host_changes) {
        worker w[THREADS];
        unsigned switches = 0, requests = 0, again = 0, failed = 0, k = 0;

        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (!(sections & (1u << i)))
                        test_note_missing_section("threads", i);
        atomic_store(&stop, false);
        run_workers(w, THREADS, -1, true);
        for (double end = now_s() + CHAOS_SECONDS; now_s() < end; switches++) {
                k = (k + 1) % STATES;
                switch_to(k);
                usleep(SWITCH_US);
        }
        atomic_store(&stop, true);
        join_workers(w, THREADS);
        for (size_t t = 0; t < THREADS; t++) {
                requests += w[t].requests;
                again += w[t].again;
                failed += w[t].failure[0] != '\0';
        }

        /* Still again: the memo never serves a state the host left. */
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                for (size_t f = 0; (sections & (1u << i)) && f < ELEMENTSOF(test_formats); f++) {
                        char *doc = NULL;
                        cr_assert_eq(hostcaps_node_get_capabilities(node, 1u << i, 0, test_formats[f], &doc),
                                     0);
                        cr_expect_str_eq(doc, ref_doc[k][i][f], "%s after the changes: not the final state",
                                         hostcaps_section_to_string(1u << i));
                        free(doc);
                }
        fprintf(stderr,
                "FIGURES threads: %u threads, %u requests during %u state switches, %u answered -EAGAIN (the "
                "host changed under every retry), %u threads saw an inconsistent answer\n",
                THREADS, requests, switches, again, failed);
        cr_expect_lt(again * 10, requests, "most requests must succeed while the host changes");
}

/* A recorded sysroot never changes: concurrent first requests for every
 * section at once probe each section once, and every thread gets the same
 * object. */
Test(threads, first_requests_probe_once) {
        char dir[4096];
        hostcaps_node *n = NULL;
        state_dir(dir, sizeof(dir), 0);
        cr_assert_eq(hostcaps_node_open(&n, dir, 0), 0);
        hostcaps_node *saved = node;
        node = n;
        worker w[THREADS];
        run_workers(w, THREADS, 0, false);
        join_workers(w, THREADS);
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (sections & (1u << i))
                        cr_expect_eq(hostcaps_node_n_probes(n, 1u << i), 1, "section %s probed %u times",
                                     hostcaps_section_to_string(1u << i), hostcaps_node_n_probes(n, 1u << i));
        node = saved;
        hostcaps_node_unref(n);
}
