/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps-bench: what hostcaps costs, per section, beside what a user would
 * pick instead (hwloc, libcpuid, lscpu, numactl, lstopo), on this host and on
 * generated sysroots of 2 to 1024 CPUs. Prints Markdown tables; --markdown
 * FILE writes them to FILE too (bench/run.sh makes docs/performance.md).
 *
 * Every figure is the median of many runs with its spread (10th to 90th
 * percentile), per call. The harness is a consumer of the shared library's
 * public API only; files opened are counted by a helper linked with the
 * static archive (hostcaps-bench-files), and first requests in a fresh
 * process, peak memory and hwloc's first load are measured in child
 * processes (this same binary, in a --child-* mode).
 *
 * Sections are found at run time: a section the library does not implement
 * yet (-EOPNOTSUPP) is skipped with a note, and a section's typed getter
 * (hostcaps_node_get_<name>) is looked up by name, so the harness keeps
 * working as sections land. Speed targets are checked here and reported;
 * the harness fails only when it cannot measure. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <sched.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hostcaps.h>

#ifdef HAVE_HWLOC
#include <hwloc.h>
#endif
#ifdef HAVE_LIBCPUID
#include <libcpuid/libcpuid.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HAVE_CPUID_INSN 1
#endif

#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "unknown"
#endif
#ifndef BENCH_HWLOC_VERSION
#define BENCH_HWLOC_VERSION "unknown"
#endif

extern char **environ;

/* Every section the library has: the bits of the default set
 * (HOSTCAPS_SECTION_ALL), then devices, the next bit, which is not in it. */
#define ALL_BIT(k) ((HOSTCAPS_SECTION_ALL >> (k)) & 1u)
#define N_SECTIONS                                                                                           \
        (ALL_BIT(0) + ALL_BIT(1) + ALL_BIT(2) + ALL_BIT(3) + ALL_BIT(4) + ALL_BIT(5) + ALL_BIT(6) +          \
         ALL_BIT(7) + ALL_BIT(8) + ALL_BIT(9) + ALL_BIT(10) + ALL_BIT(11) + 1)
_Static_assert(HOSTCAPS_SECTION_DEVICES == HOSTCAPS_SECTION_ALL + 1,
               "devices is the bit after the default set");
#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MAX_OPS       (N_SECTIONS + 3)

/* ---- options ------------------------------------------------------------ */

static struct {
        bool quick;
        unsigned runs;        /* samples per in-process figure */
        unsigned proc_runs;   /* executions per process figure */
        unsigned child_runs;  /* fresh processes per first-request figure */
        double budget_ns;     /* time cap per figure */
        const char *bindir;   /* where the helpers are built */
        const char *tool;     /* the hostcaps tool */
        const char *gen;      /* the sysroot generator, or NULL */
        const char *trees;    /* where generated sysroots go */
        const char *markdown; /* also write the report here */
        const char *command;  /* the command shown in the report */
        bool live, scaling, processes;
        const char *only_tree; /* measure only this CPU count */
} opt = {
        .runs = 200,
        .proc_runs = 100,
        .child_runs = 20,
        .budget_ns = 2e9,
        .live = true,
        .scaling = true,
        .processes = true,
};

static FILE *md;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        if (md) {
                va_start(ap, fmt);
                vfprintf(md, fmt, ap);
                va_end(ap);
        }
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "hostcaps-bench: error: ");
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        exit(1);
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "hostcaps-bench: ");
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}

/* ---- time and statistics ------------------------------------------------ */

static inline uint64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef struct stats {
        double med, p10, p90;
        unsigned n;
        int err; /* < 0: could not be measured */
} stats;

static const stats NO_STATS = {.err = -ENODATA};

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static stats stats_of(double *v, unsigned n) {
        stats s = {.n = n};
        if (n == 0)
                return NO_STATS;
        qsort(v, n, sizeof(double), cmp_double);
        s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        s.p10 = v[(unsigned)floor(0.1 * (n - 1) + 0.5)];
        s.p90 = v[(unsigned)floor(0.9 * (n - 1) + 0.5)];
        return s;
}

/* One sample: the cost of one call in ns (a batch divided by its size), or a
 * negative errno. */
typedef double (*sample_fn)(void *ctx);

/* Up to `runs` samples after two warm-up calls, within the time budget (at
 * least 5 samples, whatever the budget). */
static stats measure(sample_fn f, void *ctx, unsigned runs) {
        double *v = calloc(runs, sizeof(double));
        uint64_t start;
        unsigned n = 0;
        stats s;

        if (!v)
                die("out of memory");
        for (int w = 0; w < 2; w++) {
                double x = f(ctx);
                if (x < 0) {
                        free(v);
                        return (stats){.err = (int)x};
                }
        }
        start = now_ns();
        while (n < runs && (n < 5 || (double)(now_ns() - start) < opt.budget_ns)) {
                double x = f(ctx);
                if (x < 0) {
                        free(v);
                        return (stats){.err = (int)x};
                }
                v[n++] = x;
        }
        s = stats_of(v, n);
        free(v);
        return s;
}

/* How many calls one sample batches so that a sample lasts ~50 µs: the
 * clock's own cost (~20 ns) then disappears from fast figures. */
static unsigned batch_for(double one_call_ns) {
        double b = 50000.0 / (one_call_ns > 1 ? one_call_ns : 1);
        return b < 1 ? 1 : b > 65536 ? 65536 : (unsigned)b;
}

static const char *unit_of(double ns, double *div) {
        if (ns < 1e3) {
                *div = 1;
                return "ns";
        }
        if (ns < 1e6) {
                *div = 1e3;
                return "µs";
        }
        if (ns < 1e9) {
                *div = 1e6;
                return "ms";
        }
        *div = 1e9;
        return "s";
}

static const char *num(char *buf, size_t size, double v) {
        double a = fabs(v);
        snprintf(buf, size, a >= 100 || a == 0 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
        return buf;
}

/* "3.21 µs" */
static const char *fmt_ns(char *buf, size_t size, double ns) {
        double div;
        const char *u = unit_of(ns, &div);
        char n[32];
        snprintf(buf, size, "%s %s", num(n, sizeof(n), ns / div), u);
        return buf;
}

/* "3.21 µs (3.10–3.52)": median, then the 10th–90th percentile range in
 * the median's unit. */
static const char *fmt_stats(char *buf, size_t size, const stats *s) {
        double div;
        const char *u;
        char a[32], b[32], c[32];
        if (s->err == -EOPNOTSUPP)
                snprintf(buf, size, "not implemented");
        else if (s->err == -ENODATA)
                snprintf(buf, size, "–");
        else if (s->err < 0)
                snprintf(buf, size, "error: %s", strerror(-s->err));
        else {
                u = unit_of(s->med, &div);
                snprintf(buf, size, "%s %s (%s–%s)", num(a, sizeof(a), s->med / div), u,
                         num(b, sizeof(b), s->p10 / div), num(c, sizeof(c), s->p90 / div));
        }
        return buf;
}

#define FMT_STATS(s) fmt_stats((char[64]){0}, 64, (s))
#define FMT_NS(x)    fmt_ns((char[32]){0}, 32, (x))

/* ---- sections ------------------------------------------------------------ */

/* hostcaps_node_get_<name>(node, flags, &obj) and hostcaps_<name>_unref(obj).
 * Looked up by name: every typed getter has this shape (its object pointer
 * type differs, not its representation). */
typedef int (*get_fn)(hostcaps_node *node, unsigned flags, void **ret);
typedef void *(*unref_fn)(void *obj);

typedef struct section {
        unsigned flag;
        const char *name;
        get_fn get; /* NULL: no typed access yet, measured through a text document */
        unref_fn unref;
        bool available; /* answers on the live host */
        char why[160];  /* why not, when not */
} section;

static section sections[N_SECTIONS];
static unsigned available_mask;

static void sections_init(void) {
        for (unsigned i = 0; i < N_SECTIONS; i++) {
                section *s = &sections[i];
                char sym[64];
                s->flag = 1u << i;
                s->name = hostcaps_section_to_string(s->flag);
                if (!s->name)
                        die("section bit %u has no name", i);
                snprintf(sym, sizeof(sym), "hostcaps_node_get_%s", s->name);
                *(void **)&s->get = dlsym(RTLD_DEFAULT, sym);
                snprintf(sym, sizeof(sym), "hostcaps_%s_unref", s->name);
                *(void **)&s->unref = dlsym(RTLD_DEFAULT, sym);
                if (!s->unref)
                        s->get = NULL;
        }
}

static int section_get(const section *s, hostcaps_node *node, unsigned flags) {
        if (s->get) {
                void *o = NULL;
                int r = s->get(node, flags, &o);
                if (r >= 0)
                        s->unref(o);
                return r;
        }
        char *doc = NULL;
        int r = hostcaps_node_get_capabilities(node, s->flag, flags, HOSTCAPS_FORMAT_TEXT, &doc);
        free(doc);
        return r;
}

/* What is measured: one section (typed), every available section one after
 * the other (typed), or a capabilities document of a set of sections. */
typedef enum { OP_SECTION, OP_ALL_TYPED, OP_DOCUMENT, OP_OPEN } op_kind;

typedef struct op {
        op_kind kind;
        const section *s;
        unsigned mask;
        char label[48];
} op;

static int op_run(const op *o, hostcaps_node *node, unsigned flags) {
        int r = 0;
        switch (o->kind) {
        case OP_SECTION:
                return section_get(o->s, node, flags);
        case OP_ALL_TYPED:
                for (unsigned i = 0; i < N_SECTIONS && r >= 0; i++)
                        if (o->mask & sections[i].flag)
                                r = section_get(&sections[i], node, flags);
                return r;
        case OP_DOCUMENT: {
                char *doc = NULL;
                r = hostcaps_node_get_capabilities(node, o->mask, flags, HOSTCAPS_FORMAT_XML, &doc);
                free(doc);
                return r;
        }
        case OP_OPEN:
                return 0;
        }
        return -EINVAL;
}

/* Which sections answer on a root; sets *why for those that do not. */
static unsigned probe_available(const char *root, char why[N_SECTIONS][160]) {
        hostcaps_node *node = NULL;
        unsigned mask = 0;
        int r = hostcaps_node_open(&node, root, 0);
        if (r < 0)
                die("cannot open %s: %s", root ? root : "/", hostcaps_error_message());
        for (unsigned i = 0; i < N_SECTIONS; i++) {
                r = section_get(&sections[i], node, 0);
                if (r >= 0)
                        mask |= sections[i].flag;
                else if (r == -EOPNOTSUPP)
                        snprintf(why[i], 160, "not implemented yet");
                else
                        snprintf(why[i], 160, "fails: %s",
                                 hostcaps_error_message() ? hostcaps_error_message() : strerror(-r));
        }
        hostcaps_node_unref(node);
        return mask;
}

/* What "all" means: the available sections of the default set (devices,
 * outside it, has rows of its own). */
static unsigned default_mask(void) {
        return available_mask & (unsigned)HOSTCAPS_SECTION_ALL;
}

static const char *mask_names(unsigned mask, char *buf, size_t size) {
        size_t len = 0;
        buf[0] = '\0';
        for (unsigned i = 0; i < N_SECTIONS; i++)
                if (mask & sections[i].flag)
                        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
                                                len ? "," : "", sections[i].name);
        return buf;
}

/* ---- in-process samples -------------------------------------------------- */

typedef struct cold_ctx {
        const op *o;
        const char *root;
} cold_ctx;

/* A fresh node and its first request: what a consumer pays for its first
 * answer (the process has served other nodes before). */
static double cold_sample(void *p) {
        cold_ctx *c = p;
        hostcaps_node *node = NULL;
        uint64_t t0 = now_ns();
        int r = hostcaps_node_open(&node, c->root, 0);
        if (r >= 0)
                r = op_run(c->o, node, 0);
        uint64_t t1 = now_ns();
        hostcaps_node_unref(node);
        return r < 0 ? r : (double)(t1 - t0);
}

typedef struct memo_ctx {
        const op *o;
        hostcaps_node *node;
        unsigned flags, batch;
} memo_ctx;

/* Requests on a node that has answered before (get and unref). */
static double memo_sample(void *p) {
        memo_ctx *c = p;
        uint64_t t0 = now_ns();
        for (unsigned i = 0; i < c->batch; i++) {
                int r = op_run(c->o, c->node, c->flags);
                if (r < 0)
                        return r;
        }
        return (double)(now_ns() - t0) / c->batch;
}

static stats measure_memo(const op *o, hostcaps_node *node, unsigned flags, unsigned runs) {
        memo_ctx c = {.o = o, .node = node, .flags = flags, .batch = 1};
        double best = INFINITY;
        for (int i = 0; i < 5; i++) {
                double x = memo_sample(&c);
                if (x < 0)
                        return (stats){.err = (int)x};
                if (x < best)
                        best = x;
        }
        c.batch = batch_for(best);
        return measure(memo_sample, &c, runs);
}

/* ---- processes ----------------------------------------------------------- */

/* environ with `extra` ("NAME=value", NULL-terminated) put first. */
static char **env_with(char *const *extra) {
        size_t n = 0, m = 0;
        while (environ[n])
                n++;
        while (extra && extra[m])
                m++;
        char **e = calloc(n + m + 1, sizeof(char *));
        if (!e)
                die("out of memory");
        for (size_t i = 0; i < m; i++)
                e[i] = extra[i];
        for (size_t i = 0, k = m; i < n; i++) {
                bool shadowed = false;
                for (size_t j = 0; j < m; j++) {
                        size_t l = strcspn(extra[j], "=");
                        if (strncmp(environ[i], extra[j], l + 1) == 0)
                                shadowed = true;
                }
                if (!shadowed)
                        e[k++] = environ[i];
        }
        return e;
}

/* CPU time (user + system) of a reaped child, from wait4(). */
static uint64_t cpu_ns_of(const struct rusage *ru) {
        return ((uint64_t)ru->ru_utime.tv_sec + (uint64_t)ru->ru_stime.tv_sec) * 1000000000u +
               ((uint64_t)ru->ru_utime.tv_usec + (uint64_t)ru->ru_stime.tv_usec) * 1000u;
}

/* Run argv to completion; its stdout goes to *ret_out (when ret_out is
 * not NULL) or /dev/null, its stderr to /dev/null. Returns the exit status
 * (or 128 + signal), or -errno when it cannot start; *ret_ns is the
 * spawn-to-reap time, *ret_cpu_ns the CPU time the child used. */
static int run_process_cpu(char *const *argv, char *const *extra_env, char **ret_out, uint64_t *ret_ns,
                           uint64_t *ret_cpu_ns) {
        posix_spawn_file_actions_t fa;
        int pipefd[2] = {-1, -1}, status, r;
        char **env = env_with(extra_env);
        pid_t pid;
        uint64_t t0;

        if (ret_out && pipe2(pipefd, O_CLOEXEC) < 0)
                die("pipe: %s", strerror(errno));
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        if (ret_out)
                posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
        else
                posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

        t0 = now_ns();
        r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
        posix_spawn_file_actions_destroy(&fa);
        free(env);
        if (r != 0) {
                if (ret_out) {
                        close(pipefd[0]);
                        close(pipefd[1]);
                }
                return -r;
        }
        if (ret_out) {
                size_t len = 0, cap = 4096;
                char *buf = malloc(cap);
                ssize_t n;
                close(pipefd[1]);
                if (!buf)
                        die("out of memory");
                while ((n = read(pipefd[0], buf + len, cap - len - 1)) != 0) {
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0)
                                break;
                        len += (size_t)n;
                        if (cap - len < 2 && !(buf = realloc(buf, cap *= 2)))
                                die("out of memory");
                }
                buf[len] = '\0';
                close(pipefd[0]);
                *ret_out = buf;
        }
        struct rusage ru;
        while (wait4(pid, &status, 0, &ru) < 0)
                if (errno != EINTR)
                        die("wait4: %s", strerror(errno));
        if (ret_ns)
                *ret_ns = now_ns() - t0;
        if (ret_cpu_ns)
                *ret_cpu_ns = cpu_ns_of(&ru);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_process(char *const *argv, char *const *extra_env, char **ret_out, uint64_t *ret_ns) {
        return run_process_cpu(argv, extra_env, ret_out, ret_ns, NULL);
}

typedef struct proc_ctx {
        char *const *argv;
        char *const *env;
} proc_ctx;

static double proc_sample(void *p) {
        proc_ctx *c = p;
        uint64_t ns;
        int r = run_process(c->argv, c->env, NULL, &ns);
        if (r < 0)
                return r;
        return r != 0 ? -EIO : (double)ns;
}

static bool in_path(const char *cmd) {
        const char *path = getenv("PATH");
        char buf[PATH_MAX];
        if (strchr(cmd, '/'))
                return access(cmd, X_OK) == 0;
        for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
                size_t l = strcspn(p, ":");
                snprintf(buf, sizeof(buf), "%.*s/%s", (int)l, p, cmd);
                if (access(buf, X_OK) == 0)
                        return true;
                p += l;
                if (*p)
                        p++;
        }
        return false;
}

/* Whole-process timing of a command; err -ENOENT when it is not installed,
 * -EIO when it fails. */
static stats measure_process(char *const *argv, char *const *env) {
        proc_ctx c = {argv, env};
        if (!in_path(argv[0]))
                return (stats){.err = -ENOENT};
        return measure(proc_sample, &c, opt.proc_runs);
}

/* Files a command opens (open, openat, openat2 calls, whole process), traced
 * with strace; -1 when strace is not there or the command failed. */
static long count_opens(char *const *argv, char *const *env) {
        const char *tmp = getenv("TMPDIR");
        char tmpl[PATH_MAX];
        char *sargv[64];
        int fd, k = 0;
        long n = 0;
        if (!in_path("strace") || !in_path(argv[0]))
                return -1;
        snprintf(tmpl, sizeof(tmpl), "%s/hostcaps-bench-strace-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        fd = mkstemp(tmpl);
        if (fd < 0)
                return -1;
        close(fd);
        sargv[k++] = "strace";
        sargv[k++] = "-f";
        sargv[k++] = "-qq";
        sargv[k++] = "-e";
        sargv[k++] = "trace=open,openat,openat2";
        sargv[k++] = "-o";
        sargv[k++] = tmpl;
        for (int i = 0; argv[i] && k < 62; i++)
                sargv[k++] = argv[i];
        sargv[k] = NULL;
        if (run_process(sargv, env, NULL, NULL) != 0)
                n = -1;
        else {
                FILE *f = fopen(tmpl, "re");
                char line[8192];
                while (f && fgets(line, sizeof(line), f))
                        if (strstr(line, "open"))
                                n++;
                if (f)
                        fclose(f);
        }
        unlink(tmpl);
        return n;
}

/* ---- child processes: first request, peak memory, hwloc's first load ---- */

/* The peak resident set of this process's memory (VmHWM). Not getrusage's
 * ru_maxrss: a child started by posix_spawn inherits its parent's peak
 * there, through the address space it borrowed until exec. */
static long peak_rss_kib(void) {
        FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        long kib = -1;
        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
                        break;
        if (f)
                fclose(f);
        return kib;
}

static size_t heap_bytes(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
        struct mallinfo2 mi = mallinfo2();
        return mi.uordblks + mi.hblkhd;
#else
        return 0;
#endif
}

/* --child-first MASK KIND ROOT: the first request in a fresh process.
 * Prints "NS RSS_GROWTH_KIB HEAP_HELD_BYTES". */
static int child_first(unsigned mask, int kind, const char *root) {
        hostcaps_node *node = NULL;
        long rss0 = peak_rss_kib();
        size_t heap0 = heap_bytes();
        char *doc = NULL;
        void *objs[N_SECTIONS] = {0};
        int r;

        sections_init();
        uint64_t t0 = now_ns();
        r = hostcaps_node_open(&node, root, 0);
        /* The objects stay held until the figures are taken. */
        for (unsigned i = 0; r >= 0 && kind != OP_OPEN && kind != OP_DOCUMENT && i < N_SECTIONS; i++)
                if (mask & sections[i].flag) {
                        if (sections[i].get)
                                r = sections[i].get(node, 0, &objs[i]);
                        else
                                r = section_get(&sections[i], node, 0);
                }
        if (r >= 0 && kind == OP_DOCUMENT)
                r = hostcaps_node_get_capabilities(node, mask, 0, HOSTCAPS_FORMAT_XML, &doc);
        uint64_t t1 = now_ns();
        if (r < 0) {
                fprintf(stderr, "%s\n", hostcaps_error_message());
                return 1;
        }
        printf("%llu %ld %zu\n", (unsigned long long)(t1 - t0), peak_rss_kib() - rss0, heap_bytes() - heap0);
        for (unsigned i = 0; i < N_SECTIONS; i++)
                if (objs[i])
                        sections[i].unref(objs[i]);
        free(doc);
        hostcaps_node_unref(node);
        return 0;
}

/* --child-hwloc LOADS: hwloc's first topology load in a fresh process
 * (component and plugin loading included), then LOADS more.
 * Prints "FIRST_NS RSS_GROWTH_KIB HEAP_HELD_BYTES MEDIAN P10 P90 N". */
static int child_hwloc(unsigned loads) {
#ifdef HAVE_HWLOC
        hwloc_topology_t t;
        long rss0 = peak_rss_kib();
        size_t heap0 = heap_bytes();
        uint64_t t0 = now_ns();
        if (hwloc_topology_init(&t) < 0 || hwloc_topology_load(t) < 0)
                return 1;
        uint64_t t1 = now_ns();
        long rss = peak_rss_kib() - rss0;
        size_t heap = heap_bytes() - heap0;
        hwloc_topology_destroy(t);

        double *v = calloc(loads ? loads : 1, sizeof(double));
        unsigned n = 0;
        uint64_t start = now_ns();
        while (n < loads && (n < 5 || (double)(now_ns() - start) < opt.budget_ns)) {
                uint64_t a = now_ns();
                if (hwloc_topology_init(&t) < 0 || hwloc_topology_load(t) < 0)
                        return 1;
                v[n++] = (double)(now_ns() - a);
                hwloc_topology_destroy(t);
        }
        stats s = stats_of(v, n);
        free(v);
        printf("%llu %ld %zu %.0f %.0f %.0f %u\n", (unsigned long long)(t1 - t0), rss, heap, s.med, s.p10,
               s.p90, s.n);
        return 0;
#else
        (void)loads;
        return 2;
#endif
}

static char self_exe[PATH_MAX];

typedef struct first_result {
        stats time;
        long rss_kib;
        size_t heap;
} first_result;

/* The first request of an op in `runs` fresh processes. */
static first_result measure_first(const op *o, const char *root, unsigned runs) {
        first_result res = {.time = NO_STATS, .rss_kib = -1};
        double *v = calloc(runs, sizeof(double));
        char mask[16], kind[16];
        unsigned n = 0;
        snprintf(mask, sizeof(mask), "%u", o->mask);
        snprintf(kind, sizeof(kind), "%d", (int)o->kind);
        char *argv[] = {self_exe, "--child-first", mask, kind, (char *)(root ? root : "/"), NULL};
        uint64_t start = now_ns();
        for (unsigned i = 0; i < runs && (i < 3 || (double)(now_ns() - start) < opt.budget_ns); i++) {
                char *output = NULL;
                unsigned long long ns;
                long rss;
                size_t heap;
                int r = run_process(argv, NULL, &output, NULL);
                if (r == 0 && sscanf(output, "%llu %ld %zu", &ns, &rss, &heap) == 3) {
                        v[n++] = (double)ns;
                        /* Memory does not depend on timing: the largest seen. */
                        if (rss > res.rss_kib)
                                res.rss_kib = rss;
                        if (heap > res.heap)
                                res.heap = heap;
                } else {
                        res.time.err = r < 0 ? r : -EIO;
                        free(output);
                        free(v);
                        return res;
                }
                free(output);
        }
        res.time = stats_of(v, n);
        free(v);
        return res;
}

typedef struct hwloc_result {
        stats first, load;
        long rss_kib;
        size_t heap;
} hwloc_result;

/* hwloc in `runs` fresh processes (with `env`, e.g. HWLOC_FSROOT): the first
 * load's distribution; the later loads of the last process. */
static hwloc_result measure_hwloc(char *const *env, unsigned runs, unsigned loads) {
        hwloc_result res = {.first = NO_STATS, .load = NO_STATS, .rss_kib = -1};
#ifdef HAVE_HWLOC
        double *v = calloc(runs, sizeof(double));
        char loads_s[16];
        unsigned n = 0;
        snprintf(loads_s, sizeof(loads_s), "%u", loads);
        char *argv[] = {self_exe, "--child-hwloc", loads_s, NULL};
        uint64_t start = now_ns();
        for (unsigned i = 0; i < runs && (i < 3 || (double)(now_ns() - start) < opt.budget_ns); i++) {
                char *output = NULL;
                unsigned long long ns;
                double med, p10, p90;
                unsigned ln;
                int r = run_process(argv, env, &output, NULL);
                if (r != 0 || sscanf(output, "%llu %ld %zu %lf %lf %lf %u", &ns, &res.rss_kib, &res.heap,
                                     &med, &p10, &p90, &ln) != 7) {
                        res.first.err = r < 0 ? r : -EIO;
                        free(output);
                        free(v);
                        return res;
                }
                v[n++] = (double)ns;
                res.load = (stats){.med = med, .p10 = p10, .p90 = p90, .n = ln};
                free(output);
        }
        res.first = stats_of(v, n);
        free(v);
#else
        (void)env;
        (void)runs;
        (void)loads;
        res.first.err = res.load.err = -ENOENT;
#endif
        return res;
}

/* Files opened per section on a root, through hostcaps-bench-files: for
 * each name, the count, or a negative errno; and (when ret_distinct is not
 * NULL) how many distinct paths. */
static void count_files(const char *root, const char *const *names, size_t n, long *ret, long *ret_distinct) {
        char helper[PATH_MAX];
        char *argv[N_SECTIONS + 4];
        char *output = NULL;
        size_t k = 0;
        snprintf(helper, sizeof(helper), "%s/hostcaps-bench-files", opt.bindir);
        for (size_t i = 0; i < n; i++) {
                ret[i] = -ENOENT;
                if (ret_distinct)
                        ret_distinct[i] = -ENOENT;
        }
        if (access(helper, X_OK) != 0)
                return;
        argv[k++] = helper;
        argv[k++] = (char *)(root ? root : "/");
        for (size_t i = 0; i < n && k < N_SECTIONS + 3; i++)
                argv[k++] = (char *)names[i];
        argv[k] = NULL;
        if (run_process(argv, NULL, &output, NULL) < 0)
                return;
        for (char *line = strtok(output, "\n"); line; line = strtok(NULL, "\n")) {
                char name[32];
                long files, distinct = -ENOENT;
                if (sscanf(line, "%31s %ld %ld", name, &files, &distinct) < 2)
                        continue;
                for (size_t i = 0; i < n; i++)
                        if (strcmp(name, names[i]) == 0) {
                                ret[i] = files;
                                if (ret_distinct)
                                        ret_distinct[i] = distinct;
                        }
        }
        free(output);
}

/* ---- machine ------------------------------------------------------------- */

static void cpu_model(char *buf, size_t size) {
        FILE *f = fopen("/proc/cpuinfo", "re");
        char line[512];
        snprintf(buf, size, "unknown");
        while (f && fgets(line, sizeof(line), f)) {
                char *v = strchr(line, ':');
                if (v && (strncmp(line, "model name", 10) == 0 || strncmp(line, "Model", 5) == 0 ||
                          strncmp(line, "cpu\t", 4) == 0)) {
                        v++;
                        v += strspn(v, " \t");
                        v[strcspn(v, "\n")] = '\0';
                        snprintf(buf, size, "%s", v);
                        break;
                }
        }
        if (f)
                fclose(f);
}

static void hypervisor(char *buf, size_t size) {
        buf[0] = '\0';
#ifdef HAVE_CPUID_INSN
        unsigned a, b, c, d;
        __cpuid(1, a, b, c, d);
        if (c & (1u << 31)) {
                __cpuid(0x40000000, a, b, c, d);
                char id[13];
                memcpy(id, &b, 4);
                memcpy(id + 4, &c, 4);
                memcpy(id + 8, &d, 4);
                id[12] = '\0';
                snprintf(buf, size, "virtual machine (%s)", id);
        }
#else
        (void)size;
#endif
}

static void loadavg(char *buf, size_t size) {
        FILE *f = fopen("/proc/loadavg", "re");
        buf[0] = '\0';
        if (f && fgets(buf, (int)size, f)) {
                /* the first three fields */
                char *p = buf;
                for (int i = 0; i < 3 && p; i++)
                        p = strchr(p + 1, ' ');
                if (p)
                        *p = '\0';
        }
        if (f)
                fclose(f);
}

static void report_machine(void) {
        char model[256], hv[128], load[64], date[64];
        struct utsname u;
        time_t t = time(NULL);
        cpu_model(model, sizeof(model));
        hypervisor(hv, sizeof(hv));
        loadavg(load, sizeof(load));
        uname(&u);
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&t));

        out("## Machine\n\n");
        out("| | |\n| --- | --- |\n");
        out("| command | `%s` |\n", opt.command ? opt.command : "hostcaps-bench");
        out("| date | %s |\n", date);
        out("| CPU | %s, %ld online CPUs%s%s |\n", model, sysconf(_SC_NPROCESSORS_ONLN), hv[0] ? ", " : "",
            hv);
        out("| kernel | %s %s %s |\n", u.sysname, u.release, u.machine);
        out("| hostcaps | %s, %s build |\n", HOSTCAPS_VERSION_STRING, BENCH_BUILD_TYPE);
#ifdef HAVE_HWLOC
        unsigned v = hwloc_get_api_version();
        out("| hwloc | %s (API %u.%u) |\n", BENCH_HWLOC_VERSION, v >> 16, (v >> 8) & 0xff);
#endif
#ifdef HAVE_LIBCPUID
        out("| libcpuid | %s |\n", cpuid_lib_version());
#endif
        out("| load average at start | %s |\n", load);
        out("| runs | up to %u per in-process figure, %u per process figure, %u fresh processes per "
            "first-request figure, at most %.1f s each |\n\n",
            opt.runs, opt.proc_runs, opt.child_runs, opt.budget_ns / 1e9);
}

/* ---- floors: one sysfs file, one CPUID leaf ------------------------------ */

static double file_sample(void *p) {
        const char *path = p;
        char buf[4096];
        const unsigned batch = 100;
        uint64_t t0 = now_ns();
        for (unsigned i = 0; i < batch; i++) {
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                if (read(fd, buf, sizeof(buf)) < 0) {
                        close(fd);
                        return -errno;
                }
                close(fd);
        }
        return (double)(now_ns() - t0) / batch;
}

#ifdef HAVE_CPUID_INSN
static double cpuid_sample(void *p) {
        unsigned a, b, c, d, sum = 0;
        const unsigned batch = 100;
        (void)p;
        uint64_t t0 = now_ns();
        for (unsigned i = 0; i < batch; i++) {
                __cpuid_count(0, 0, a, b, c, d);
                sum += a;
        }
        __asm__ volatile("" ::"r"(sum));
        return (double)(now_ns() - t0) / batch;
}
#endif

#ifdef HAVE_LIBCPUID
static void cpuid_quiet(const char *msg) {
        (void)msg;
}

static double identify_sample(void *p) {
        struct cpu_id_t id;
        (void)p;
        uint64_t t0 = now_ns();
        int r = cpu_identify(NULL, &id);
        uint64_t t1 = now_ns();
        return r < 0 ? -EIO : (double)(t1 - t0);
}
#endif

#ifdef HAVE_HWLOC
static double hwloc_sample(void *p) {
        hwloc_topology_t t;
        (void)p;
        uint64_t t0 = now_ns();
        if (hwloc_topology_init(&t) < 0)
                return -EIO;
        if (hwloc_topology_load(t) < 0) {
                hwloc_topology_destroy(t);
                return -EIO;
        }
        uint64_t t1 = now_ns();
        hwloc_topology_destroy(t);
        return (double)(t1 - t0);
}
#endif

/* ---- results kept for the targets ----------------------------------------- */

typedef struct live_row {
        op o;
        stats cold, memo, cached, refresh;
        first_result first;
        long files, distinct;
} live_row;

static struct {
        live_row rows[MAX_OPS];
        size_t n_rows;
        stats hwloc_load, identify, file, cpuid;
        hwloc_result hwloc;
        stats link_plain, link_linked, link_plain_cpu, link_linked_cpu; /* wall, CPU time */
        stats cli_vs_lscpu[4];      /* hostcaps --section cpu, lscpu: wall, wall, CPU time, CPU time */
        stats tool[N_SECTIONS + 1]; /* [N_SECTIONS]: all */
} live;

typedef struct tree_spec {
        unsigned cpus, sockets, cores, threads, nodes_per_socket;
} tree_spec;

static const tree_spec tree_specs[] = {
        {2, 1, 2, 1, 1},
        {64, 2, 16, 2, 2},
        {256, 2, 64, 2, 4},
        {1024, 4, 128, 2, 4},
};
#define N_TREES (sizeof(tree_specs) / sizeof(tree_specs[0]))

typedef struct tree_result {
        bool done;
        char path[PATH_MAX];
        const char *made_by;
        unsigned mask; /* sections answering on it */
        char why[N_SECTIONS][160];
        stats cold[N_SECTIONS + 1]; /* [N_SECTIONS]: all, typed */
        long files[N_SECTIONS + 1];
        stats tool_cpu, tool_all, lscpu, lstopo;
        hwloc_result hwloc;
        long opens_tool_cpu, opens_lscpu, opens_hwloc;
} tree_result;

static tree_result trees[N_TREES];

/* ---- the live host --------------------------------------------------------- */

static const live_row *live_row_of(op_kind kind, unsigned mask) {
        for (size_t i = 0; i < live.n_rows; i++)
                if (live.rows[i].o.kind == kind && live.rows[i].o.mask == mask)
                        return &live.rows[i];
        return NULL;
}

static void bench_live(void) {
        char why[N_SECTIONS][160] = {{0}};
        char names[128];

        available_mask = probe_available(NULL, why);
        for (unsigned i = 0; i < N_SECTIONS; i++) {
                sections[i].available = available_mask & sections[i].flag;
                snprintf(sections[i].why, sizeof(sections[i].why), "%s", why[i]);
        }

        /* The ops, in table order. */
        live.n_rows = 0;
        live.rows[live.n_rows++].o = (op){.kind = OP_OPEN, .mask = 0, .label = "node open only"};
        for (unsigned i = 0; i < N_SECTIONS; i++) {
                op *o = &live.rows[live.n_rows++].o;
                *o = (op){.kind = OP_SECTION, .s = &sections[i], .mask = sections[i].flag};
                snprintf(o->label, sizeof(o->label), "%s%s", sections[i].name,
                         sections[i].get ? "" : " (text doc)");
        }
        live.rows[live.n_rows].o = (op){.kind = OP_ALL_TYPED, .mask = default_mask()};
        snprintf(live.rows[live.n_rows++].o.label, sizeof(op){0}.label, "all: %s",
                 mask_names(default_mask(), names, sizeof(names)));
        live.rows[live.n_rows].o = (op){.kind = OP_DOCUMENT, .mask = default_mask()};
        snprintf(live.rows[live.n_rows++].o.label, sizeof(op){0}.label, "all, XML document");

        /* Files opened by each section's first request. */
        const char *fnames[N_SECTIONS + 1];
        long fcounts[N_SECTIONS + 1], fdistinct[N_SECTIONS + 1];
        for (unsigned i = 0; i < N_SECTIONS; i++)
                fnames[i] = sections[i].name;
        fnames[N_SECTIONS] = "all";
        count_files(NULL, fnames, N_SECTIONS + 1, fcounts, fdistinct);

        for (size_t k = 0; k < live.n_rows; k++) {
                live_row *row = &live.rows[k];
                op *o = &row->o;
                row->files = row->distinct = -1;
                if (o->kind == OP_SECTION && !o->s->available) {
                        row->cold = row->memo = row->cached = row->refresh = row->first.time = (stats){
                                .err = strcmp(o->s->why, "not implemented yet") == 0 ? -EOPNOTSUPP : -EIO};
                        continue;
                }
                if (o->kind == OP_SECTION) {
                        row->files = fcounts[__builtin_ctz(o->mask)];
                        row->distinct = fdistinct[__builtin_ctz(o->mask)];
                } else if (o->kind == OP_ALL_TYPED) {
                        row->files = fcounts[N_SECTIONS];
                        row->distinct = fdistinct[N_SECTIONS];
                }
                note("live: %s", o->label);

                cold_ctx cc = {.o = o, .root = NULL};
                row->cold = measure(cold_sample, &cc, opt.runs);
                row->first = measure_first(o, NULL, opt.child_runs);
                if (o->kind == OP_OPEN) {
                        row->memo = row->cached = row->refresh = NO_STATS;
                        continue;
                }
                hostcaps_node *node = NULL;
                if (hostcaps_node_open(&node, NULL, 0) < 0 || op_run(o, node, 0) < 0)
                        die("%s: %s", o->label, hostcaps_error_message());
                row->memo = measure_memo(o, node, 0, opt.runs);
                row->cached = measure_memo(o, node, HOSTCAPS_FLAG_CACHED, opt.runs);
                row->refresh = measure_memo(o, node, HOSTCAPS_FLAG_REFRESH, opt.runs);
                hostcaps_node_unref(node);
        }

        /* The floors and the libraries beside. */
        note("live: floors, hwloc, libcpuid");
        live.file = measure(file_sample, "/sys/devices/system/cpu/online", opt.runs);
#ifdef HAVE_CPUID_INSN
        live.cpuid = measure(cpuid_sample, NULL, opt.runs);
#else
        live.cpuid = (stats){.err = -ENOENT};
#endif
#ifdef HAVE_LIBCPUID
        {
                cpu_set_t before, after;
                bool have = sched_getaffinity(0, sizeof(before), &before) == 0;
                cpuid_set_warn_function(cpuid_quiet);
                live.identify = measure(identify_sample, NULL, opt.runs);
                if (have && sched_getaffinity(0, sizeof(after), &after) == 0 && !CPU_EQUAL(&before, &after)) {
                        note("libcpuid's cpu_identify changed this thread's affinity; restored");
                        sched_setaffinity(0, sizeof(before), &before);
                }
        }
#else
        live.identify = (stats){.err = -ENOENT};
#endif
#ifdef HAVE_HWLOC
        live.hwloc = measure_hwloc(NULL, opt.child_runs, opt.runs);
        live.hwloc_load = measure(hwloc_sample, NULL, opt.runs);
#else
        live.hwloc.first = live.hwloc.load = live.hwloc_load = (stats){.err = -ENOENT};
#endif
}

static void report_live(void) {
        out("## This host: cost per section\n\n");
        out("Per call: median (10th–90th percentile). *cold*: a fresh node and its first request, in a "
            "process "
            "that has served nodes before (hostcaps_node_open included). *first in process*: the same in a "
            "fresh process (one-time set-up included), %u processes. *memoized*: a request on a node that "
            "has "
            "answered before — default (the stamp check), `HOSTCAPS_FLAG_CACHED` (no I/O), "
            "`HOSTCAPS_FLAG_REFRESH` (probe again); get and unref, batched so the clock's cost does not "
            "count. Typed getters (`hostcaps_node_get_<section>`); a section without one yet is measured "
            "through a text document.\n\n",
            opt.child_runs);
        out("| section | cold | first in process | memoized (stamp) | CACHED | REFRESH |\n");
        out("| --- | --- | --- | --- | --- | --- |\n");
        for (size_t k = 0; k < live.n_rows; k++) {
                live_row *r = &live.rows[k];
                out("| %s | %s | %s | %s | %s | %s |\n", r->o.label, FMT_STATS(&r->cold),
                    FMT_STATS(&r->first.time), FMT_STATS(&r->memo), FMT_STATS(&r->cached),
                    FMT_STATS(&r->refresh));
        }
        out("\n");

        out("Files and memory of the first request. *opened*: files and directories the request opened "
            "(the library's reader counts them; stamps included), *distinct*: how many different paths. "
            "*file floor*: distinct × one open+read+close of a sysfs file (%s, below), the cost of reading "
            "each file once; the CPU section also executes CPUID leaves (%s each). *RSS growth*: growth of "
            "the peak resident set (VmHWM) in a fresh process, shared-library pages touched included; *heap "
            "held*: what malloc holds afterwards with the node and the objects still referenced "
            "(mallinfo2).\n\n",
            FMT_NS(live.file.med), FMT_NS(live.cpuid.med));
        out("| section | opened | distinct | file floor | cold ÷ floor | RSS growth | heap held |\n");
        out("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (size_t k = 0; k < live.n_rows; k++) {
                live_row *r = &live.rows[k];
                if (r->o.kind == OP_SECTION && !r->o.s->available) {
                        out("| %s | %s | | | | | |\n", r->o.label, r->o.s->why);
                        continue;
                }
                char files[32] = "–", distinct[32] = "–", floor_s[32] = "–", ratio[32] = "–";
                if (r->files >= 0)
                        snprintf(files, sizeof(files), "%ld", r->files);
                if (r->distinct >= 0 && live.file.err >= 0) {
                        double f = (double)r->distinct * live.file.med;
                        snprintf(distinct, sizeof(distinct), "%ld", r->distinct);
                        fmt_ns(floor_s, sizeof(floor_s), f);
                        /* The CPUID leaves the CPU section needs are not
                         * counted from outside: no ratio where it is in. */
                        if (r->o.mask & HOSTCAPS_SECTION_CPU)
                                strcat(floor_s, " + CPUID");
                        else if (f > 0 && r->cold.err >= 0)
                                snprintf(ratio, sizeof(ratio), "%.1f", r->cold.med / f);
                }
                out("| %s | %s | %s | %s | %s | %ld KiB | %zu B |\n", r->o.label, files, distinct, floor_s,
                    ratio, r->first.rss_kib, r->first.heap);
        }
        out("| hwloc default load | | | | | %ld KiB | %zu B |\n\n", live.hwloc.rss_kib, live.hwloc.heap);

        out("## This host: beside other libraries\n\n");
        out("| what | per call |\n| --- | --- |\n");
        out("| hwloc: `hwloc_topology_init` + `hwloc_topology_load` (default flags), first in a fresh "
            "process "
            "(plugins loaded then) | %s |\n",
            FMT_STATS(&live.hwloc.first));
        out("| hwloc: the same, later loads in one process | %s |\n", FMT_STATS(&live.hwloc_load));
        out("| libcpuid: `cpu_identify(NULL, &id)` (one call, this CPU) | %s |\n", FMT_STATS(&live.identify));
        out("| floor unit: open + read + close of one sysfs file (`cpu/online`) | %s |\n",
            FMT_STATS(&live.file));
        out("| floor unit: one CPUID instruction (leaf 0) | %s |\n\n", FMT_STATS(&live.cpuid));
}

/* ---- whole processes and the link cost --------------------------------------- */

/* Two commands run alternately, `runs` times each: wall time and CPU time
 * (user + system, wait4) of each, in ret[0..1] and ret[2..3]. */
static void interleaved(char *argv[2][4], unsigned runs, stats ret[4]) {
        double *v[4];
        unsigned n = 0;
        for (int k = 0; k < 4; k++)
                ret[k] = (stats){.err = -ENOENT};
        if (!in_path(argv[0][0]) || !in_path(argv[1][0]))
                return;
        for (int k = 0; k < 4; k++)
                if (!(v[k] = calloc(runs, sizeof(double))))
                        die("out of memory");
        for (int w = 0; w < 4; w++)
                run_process(argv[w % 2], NULL, NULL, NULL);
        uint64_t start = now_ns();
        for (; n < runs && (n < 5 || (double)(now_ns() - start) < 2 * opt.budget_ns); n++)
                for (int k = 0; k < 2; k++) {
                        uint64_t wall, cpu;
                        if (run_process_cpu(argv[k], NULL, NULL, &wall, &cpu) != 0)
                                die("%s fails", argv[k][0]);
                        v[k][n] = (double)wall;
                        v[2 + k][n] = (double)cpu;
                }
        for (int k = 0; k < 4; k++) {
                ret[k] = stats_of(v[k], n);
                free(v[k]);
        }
}

static void bench_processes(void) {
        char plain[PATH_MAX], linked[PATH_MAX];
        snprintf(plain, sizeof(plain), "%s/hostcaps-bench-exit-plain", opt.bindir);
        snprintf(linked, sizeof(linked), "%s/hostcaps-bench-exit-linked", opt.bindir);

        note("processes: link cost");
        /* Interleaved, so that a drift of the machine's load hits both. */
        {
                unsigned runs = opt.proc_runs * 5;
                double *v[4];
                char *argv[2][2] = {{plain, NULL}, {linked, NULL}};
                unsigned n = 0;
                for (int k = 0; k < 4; k++)
                        if (!(v[k] = calloc(runs, sizeof(double))))
                                die("out of memory");
                if (access(plain, X_OK) == 0 && access(linked, X_OK) == 0) {
                        for (int w = 0; w < 4; w++)
                                run_process(argv[w % 2], NULL, NULL, NULL);
                        uint64_t start = now_ns();
                        for (; n < runs && (n < 5 || (double)(now_ns() - start) < 2 * opt.budget_ns); n++)
                                for (int k = 0; k < 2; k++) {
                                        uint64_t wall, cpu;
                                        if (run_process_cpu(argv[k], NULL, NULL, &wall, &cpu) != 0)
                                                die("%s fails", argv[k][0]);
                                        v[k][n] = (double)wall;
                                        v[2 + k][n] = (double)cpu;
                                }
                }
                live.link_plain = stats_of(v[0], n);
                live.link_linked = stats_of(v[1], n);
                live.link_plain_cpu = stats_of(v[2], n);
                live.link_linked_cpu = stats_of(v[3], n);
                for (int k = 0; k < 4; k++)
                        free(v[k]);
        }

        /* The CPU section's tool against lscpu, interleaved as above: on a
         * busy machine the ratio of medians taken minutes apart is mostly
         * the load's drift. */
        note("processes: hostcaps --section cpu against lscpu");
        {
                char *argv[2][4] = {{(char *)opt.tool, "--section", "cpu", NULL},
                                    {"lscpu", NULL, NULL, NULL}};
                interleaved(argv, opt.proc_runs, live.cli_vs_lscpu);
        }

        note("processes: commands");
        for (unsigned i = 0; i <= N_SECTIONS; i++) {
                if (i < N_SECTIONS && !sections[i].available) {
                        live.tool[i] = (stats){.err = -EOPNOTSUPP};
                        continue;
                }
                char *argv[] = {(char *)opt.tool, "--section",
                                i < N_SECTIONS ? (char *)sections[i].name : "all", NULL};
                live.tool[i] = measure_process(argv, NULL);
        }
}

static stats proc_lscpu, proc_numactl, proc_lstopo;

static void bench_other_processes(void) {
        char *lscpu[] = {"lscpu", NULL};
        char *numactl[] = {"numactl", "-H", NULL};
        char *lstopo[] = {"lstopo-no-graphics", "--no-io", "--of", "xml", NULL};
        proc_lscpu = measure_process(lscpu, NULL);
        proc_numactl = measure_process(numactl, NULL);
        proc_lstopo = measure_process(lstopo, NULL);
}

static void report_processes(void) {
        double d = live.link_linked.med - live.link_plain.med;
        out("## Whole processes\n\n");
        out("Spawn to reap (posix_spawn, wait4), output to /dev/null; CPU time is what wait4 reports for the "
            "child.\n\n");
        out("| command | per run |\n| --- | --- |\n");
        out("| an empty program (the floor) | %s |\n", FMT_STATS(&live.link_plain));
        out("| the same program linked with libhostcaps | %s |\n", FMT_STATS(&live.link_linked));
        out("| the empty program: CPU time (user + system, wait4) | %s |\n", FMT_STATS(&live.link_plain_cpu));
        out("| linked with libhostcaps: CPU time | %s |\n", FMT_STATS(&live.link_linked_cpu));
        out("| `lscpu` | %s |\n", FMT_STATS(&proc_lscpu));
        out("| `numactl -H` | %s |\n", FMT_STATS(&proc_numactl));
        out("| `lstopo-no-graphics --no-io --of xml` | %s |\n", FMT_STATS(&proc_lstopo));
        for (unsigned i = 0; i <= N_SECTIONS; i++) {
                if (i < N_SECTIONS && !sections[i].available) {
                        out("| `hostcaps --section %s` | skipped: %s |\n", sections[i].name, sections[i].why);
                        continue;
                }
                out("| `hostcaps --section %s` | %s |\n", i < N_SECTIONS ? sections[i].name : "all",
                    FMT_STATS(&live.tool[i]));
        }
        if (live.cli_vs_lscpu[0].n) {
                const stats *c = live.cli_vs_lscpu;
                out("| `hostcaps --section cpu`, interleaved with `lscpu` | %s |\n", FMT_STATS(&c[0]));
                out("| `lscpu`, interleaved with `hostcaps --section cpu` | %s |\n", FMT_STATS(&c[1]));
                out("| `hostcaps --section cpu`, interleaved: CPU time | %s |\n", FMT_STATS(&c[2]));
                out("| `lscpu`, interleaved: CPU time | %s |\n", FMT_STATS(&c[3]));
        }
        out("\nLinking libhostcaps adds %s to process start (difference of the medians, %u interleaved runs "
            "each), %s of CPU time (the CPU time does not count waiting for a CPU, so it is the steadier "
            "figure on a busy machine).\n\n",
            FMT_NS(d), live.link_plain.n, FMT_NS(live.link_linked_cpu.med - live.link_plain_cpu.med));
}

/* ---- generated sysroots -------------------------------------------------- */

static int mkdir_p(const char *path) {
        char buf[PATH_MAX];
        snprintf(buf, sizeof(buf), "%s", path);
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = '\0';
                        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        *p = '/';
                }
        return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static void put(const char *root, const char *rel, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void put(const char *root, const char *rel, const char *fmt, ...) {
        char path[PATH_MAX];
        va_list ap;
        snprintf(path, sizeof(path), "%s/%s", root, rel);
        char *slash = strrchr(path, '/');
        *slash = '\0';
        if (mkdir_p(path) < 0)
                die("mkdir %s: %s", path, strerror(errno));
        *slash = '/';
        FILE *f = fopen(path, "we");
        if (!f)
                die("%s: %s", path, strerror(errno));
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        if (fclose(f) != 0)
                die("%s: %s", path, strerror(errno));
}

/* "a-b" */
static const char *range(char *buf, size_t size, unsigned a, unsigned b) {
        if (a == b)
                snprintf(buf, size, "%u", a);
        else
                snprintf(buf, size, "%u-%u", a, b);
        return buf;
}

/* A set of CPUs of a hand-made tree, written as the kernel writes it: a
 * list ("0-3,8-11") or a mask (32-bit hex words, most significant first). */
typedef struct cpuset {
        unsigned n;
        bool *has;
} cpuset;

static void set_clear(cpuset *s) {
        memset(s->has, 0, s->n);
}

static char *set_list(const cpuset *s, char *buf, size_t size) {
        size_t len = 0;
        buf[0] = '\0';
        for (unsigned i = 0; i < s->n; i++) {
                if (!s->has[i])
                        continue;
                unsigned j = i;
                while (j + 1 < s->n && s->has[j + 1])
                        j++;
                len += (size_t)snprintf(buf + len, len < size ? size - len : 0, len ? ",%u" : "%u", i);
                if (j > i)
                        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "-%u", j);
                i = j;
        }
        return buf;
}

static char *set_mask(const cpuset *s, char *buf, size_t size) {
        size_t len = 0;
        unsigned words = (s->n + 31) / 32;
        for (unsigned w = words; w-- > 0;) {
                uint32_t v = 0;
                for (unsigned b = 0; b < 32 && w * 32 + b < s->n; b++)
                        if (s->has[w * 32 + b])
                                v |= 1u << b;
                len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%08x", len ? "," : "", v);
        }
        return buf;
}

/* A hand-made x86 sysroot, used when hostcaps-gen is not built (it is built
 * with the tests): CPU topology (Linux numbering: all first threads, then
 * the second ones), caches, NUMA nodes, meminfo, cpuinfo; lists and masks,
 * so that lscpu and hwloc read it too. */
static void make_tree(const char *root, const tree_spec *t) {
        unsigned cores = t->sockets * t->cores, n = cores * t->threads;
        unsigned nodes = t->sockets * t->nodes_per_socket, cores_per_node = t->cores / t->nodes_per_socket;
        size_t size = (size_t)n * 8 + 64;
        char rel[256], a[32], *list = malloc(size), *mask = malloc(size);
        cpuset sib = {n, calloc(n, 1)}, pkg = {n, calloc(n, 1)}, node_set = {n, calloc(n, 1)};
        FILE *ci;

        if (!list || !mask || !sib.has || !pkg.has || !node_set.has)
                die("out of memory");
        put(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        put(root, "sys/devices/system/cpu/online", "0-%u\n", n - 1);
        put(root, "sys/devices/system/cpu/possible", "0-%u\n", n - 1);
        put(root, "sys/devices/system/cpu/present", "0-%u\n", n - 1);
        put(root, "sys/devices/system/cpu/offline", "\n");
        put(root, "sys/devices/system/cpu/kernel_max", "8191\n");
        put(root, "proc/cpuinfo", "%s", "");
        snprintf(rel, sizeof(rel), "%s/proc/cpuinfo", root);
        if (!(ci = fopen(rel, "we")))
                die("%s: %s", rel, strerror(errno));

        for (unsigned cpu = 0; cpu < n; cpu++) {
                unsigned core = cpu % cores, socket = core / t->cores, core_in_socket = core % t->cores;
                unsigned node = socket * t->nodes_per_socket + core_in_socket / cores_per_node;
                set_clear(&sib);
                set_clear(&pkg);
                for (unsigned k = 0; k < t->threads; k++) {
                        sib.has[core + k * cores] = true;
                        for (unsigned c = 0; c < t->cores; c++)
                                pkg.has[socket * t->cores + c + k * cores] = true;
                }
#define CPUF(file, ...)                                                                                      \
        do {                                                                                                 \
                snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u/%s", cpu, file);                    \
                put(root, rel, __VA_ARGS__);                                                                 \
        } while (0)
                CPUF("online", "1\n");
                CPUF("topology/physical_package_id", "%u\n", socket);
                CPUF("topology/die_id", "0\n");
                CPUF("topology/cluster_id", "%u\n", core_in_socket);
                CPUF("topology/core_id", "%u\n", core_in_socket);
                set_list(&pkg, list, size);
                set_mask(&pkg, mask, size);
                CPUF("topology/package_cpus_list", "%s\n", list);
                CPUF("topology/package_cpus", "%s\n", mask);
                CPUF("topology/core_siblings_list", "%s\n", list);
                CPUF("topology/core_siblings", "%s\n", mask);
                CPUF("topology/die_cpus_list", "%s\n", list);
                CPUF("topology/die_cpus", "%s\n", mask);
                set_list(&sib, list, size);
                set_mask(&sib, mask, size);
                CPUF("topology/cluster_cpus_list", "%s\n", list);
                CPUF("topology/cluster_cpus", "%s\n", mask);
                CPUF("topology/core_cpus_list", "%s\n", list);
                CPUF("topology/core_cpus", "%s\n", mask);
                CPUF("topology/thread_siblings_list", "%s\n", list);
                CPUF("topology/thread_siblings", "%s\n", mask);
                static const struct {
                        unsigned level, kib, ways;
                        const char *type;
                } caches[] = {
                        {1, 48, 12, "Data"},
                        {1, 32, 8, "Instruction"},
                        {2, 2048, 16, "Unified"},
                        {3, 32768, 16, "Unified"},
                };
                for (unsigned i = 0; i < 4; i++) {
                        const cpuset *shared = i < 3 ? &sib : &pkg;
#define CACHEF(file, ...)                                                                                    \
        do {                                                                                                 \
                snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u/cache/index%u/%s", cpu, i, file);   \
                put(root, rel, __VA_ARGS__);                                                                 \
        } while (0)
                        CACHEF("level", "%u\n", caches[i].level);
                        CACHEF("type", "%s\n", caches[i].type);
                        CACHEF("size", "%uK\n", caches[i].kib);
                        CACHEF("coherency_line_size", "64\n");
                        CACHEF("ways_of_associativity", "%u\n", caches[i].ways);
                        CACHEF("number_of_sets", "%u\n", caches[i].kib * 1024 / 64 / caches[i].ways);
                        CACHEF("physical_line_partition", "1\n");
                        CACHEF("shared_cpu_list", "%s\n", set_list(shared, list, size));
                        CACHEF("shared_cpu_map", "%s\n", set_mask(shared, mask, size));
                        CACHEF("id", "%u\n", i < 3 ? core : socket);
#undef CACHEF
                }
#undef CPUF
                snprintf(rel, sizeof(rel), "%s/sys/devices/system/cpu/cpu%u/node%u", root, cpu, node);
                char target[64];
                snprintf(target, sizeof(target), "../../node/node%u", node);
                if (symlink(target, rel) < 0 && errno != EEXIST)
                        die("%s: %s", rel, strerror(errno));
                fprintf(ci,
                        "processor\t: %u\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
                        "model name\t: Intel(R) Xeon(R) Platinum 8480+\nstepping\t: 8\nmicrocode\t: "
                        "0x2b000590\n"
                        "cpu MHz\t\t: 2000.000\ncache size\t: 107520 KB\nphysical id\t: %u\nsiblings\t: %u\n"
                        "core id\t\t: %u\ncpu cores\t: %u\napicid\t\t: %u\ninitial apicid\t: %u\nfpu\t\t: "
                        "yes\n"
                        "fpu_exception\t: yes\ncpuid level\t: 31\nwp\t\t: yes\n"
                        "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
                        "clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm "
                        "constant_tsc pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes "
                        "xsave "
                        "avx f16c rdrand lahf_lm abm 3dnowprefetch avx2 bmi1 bmi2 erms avx512f avx512dq\n"
                        "bogomips\t: 4000.00\nclflush size\t: 64\ncache_alignment\t: 64\n"
                        "address sizes\t: 46 bits physical, 57 bits virtual\npower management:\n\n",
                        cpu, socket, t->cores * t->threads, core_in_socket, t->cores, cpu * 2, cpu * 2);
        }
        if (fclose(ci) != 0)
                die("cpuinfo: %s", strerror(errno));
        put(root, "sys/devices/system/cpu/cpu0/microcode/version", "0x2b000590\n");

        const char *node_lists[] = {"online", "possible", "has_cpu", "has_memory", "has_normal_memory"};
        for (unsigned i = 0; i < ELEMENTSOF(node_lists); i++) {
                snprintf(rel, sizeof(rel), "sys/devices/system/node/%s", node_lists[i]);
                put(root, rel, "%s\n", range(a, sizeof(a), 0, nodes - 1));
        }
        for (unsigned node = 0; node < nodes; node++) {
                unsigned c0 = node * cores_per_node, socket = node / t->nodes_per_socket;
                size_t len = 0;
                set_clear(&node_set);
                for (unsigned k = 0; k < t->threads; k++)
                        for (unsigned c = c0; c < c0 + cores_per_node; c++)
                                node_set.has[c + k * cores] = true;
#define NODEF(file, ...)                                                                                     \
        do {                                                                                                 \
                snprintf(rel, sizeof(rel), "sys/devices/system/node/node%u/%s", node, file);                 \
                put(root, rel, __VA_ARGS__);                                                                 \
        } while (0)
                NODEF("cpulist", "%s\n", set_list(&node_set, list, size));
                NODEF("cpumap", "%s\n", set_mask(&node_set, mask, size));
                for (unsigned j = 0; j < nodes; j++)
                        len += (size_t)snprintf(list + len, size - len, "%s%u", j ? " " : "",
                                                j == node                           ? 10
                                                : j / t->nodes_per_socket == socket ? 12
                                                                                    : 21);
                NODEF("distance", "%s\n", list);
                NODEF("meminfo",
                      "Node %u MemTotal:       16777216 kB\nNode %u MemFree:        15728640 kB\n"
                      "Node %u MemUsed:         1048576 kB\nNode %u HugePages_Total:     0\n"
                      "Node %u HugePages_Free:      0\nNode %u HugePages_Surp:      0\n",
                      node, node, node, node, node, node);
                for (unsigned k = 0; k < 2; k++) {
                        static const char *const files[] = {"nr_hugepages", "free_hugepages",
                                                            "surplus_hugepages"};
                        for (unsigned f = 0; f < ELEMENTSOF(files); f++) {
                                char file[96];
                                snprintf(file, sizeof(file), "hugepages/hugepages-%s/%s",
                                         k ? "1048576kB" : "2048kB", files[f]);
                                NODEF(file, "0\n");
                        }
                }
#undef NODEF
        }
        for (unsigned k = 0; k < 2; k++) {
                static const char *const files[] = {"nr_hugepages", "free_hugepages", "surplus_hugepages",
                                                    "resv_hugepages", "nr_overcommit_hugepages"};
                for (unsigned f = 0; f < ELEMENTSOF(files); f++) {
                        snprintf(rel, sizeof(rel), "sys/kernel/mm/hugepages/hugepages-%s/%s",
                                 k ? "1048576kB" : "2048kB", files[f]);
                        put(root, rel, "0\n");
                }
        }
        put(root, "proc/meminfo",
            "MemTotal:       %u kB\nMemFree:        %u kB\nMemAvailable:   %u kB\nHugePages_Total:       0\n"
            "HugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\nHugepagesize:     "
            "  "
            "2048 kB\n",
            nodes * 16777216u, nodes * 15728640u, nodes * 15728640u);
        put(root, "proc/self/status", "Name:\thostcaps\nCpus_allowed_list:\t0-%u\nMems_allowed_list:\t%s\n",
            n - 1, range(a, sizeof(a), 0, nodes - 1));
        put(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        free(list);
        free(mask);
        free(sib.has);
        free(pkg.has);
        free(node_set.has);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void rm_rf(const char *path) {
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* hostcaps-gen's options for a shape; false when it fails. */
static bool gen_tree(const char *dir, const tree_spec *t) {
        char s[16], c[16], th[16], nps[16];
        if (!opt.gen)
                return false;
        snprintf(s, sizeof(s), "%u", t->sockets);
        snprintf(c, sizeof(c), "%u", t->cores);
        snprintf(th, sizeof(th), "%u", t->threads);
        snprintf(nps, sizeof(nps), "%u", t->nodes_per_socket);
        char *argv[] = {(char *)opt.gen,      "--sockets", s,           "--cores", c, "--threads", th,
                        "--nodes-per-socket", nps,         (char *)dir, NULL};
        return run_process(argv, NULL, NULL, NULL) == 0;
}

static void bench_tree(size_t ti, const char *base) {
        const tree_spec *t = &tree_specs[ti];
        tree_result *res = &trees[ti];
        char why[N_SECTIONS][160] = {{0}};
        const char *fnames[N_SECTIONS + 1];

        snprintf(res->path, sizeof(res->path), "%s/cpus-%u", base, t->cpus);
        rm_rf(res->path);
        if (gen_tree(res->path, t))
                res->made_by = "hostcaps-gen";
        else {
                if (opt.gen)
                        note("%s failed for %u CPUs; using the built-in tree", opt.gen, t->cpus);
                rm_rf(res->path);
                make_tree(res->path, t);
                res->made_by = "built-in";
        }
        note("tree: %u CPUs (%s)", t->cpus, res->made_by);

        res->mask = probe_available(res->path, why);
        memcpy(res->why, why, sizeof(why));
        for (unsigned i = 0; i < N_SECTIONS; i++)
                fnames[i] = sections[i].name;
        fnames[N_SECTIONS] = "all";
        count_files(res->path, fnames, N_SECTIONS + 1, res->files, NULL);

        for (unsigned i = 0; i <= N_SECTIONS; i++) {
                op o = i < N_SECTIONS ? (op){.kind = OP_SECTION, .s = &sections[i], .mask = sections[i].flag}
                                      : (op){.kind = OP_ALL_TYPED, .mask = res->mask};
                if (i < N_SECTIONS && !(res->mask & sections[i].flag)) {
                        res->cold[i] = (stats){.err = strcmp(why[i], "not implemented yet") == 0 ? -EOPNOTSUPP
                                                                                                 : -EIO};
                        continue;
                }
                cold_ctx cc = {.o = &o, .root = res->path};
                res->cold[i] = measure(cold_sample, &cc, opt.runs);
        }

        char fsroot[PATH_MAX + 16];
        snprintf(fsroot, sizeof(fsroot), "HWLOC_FSROOT=%s", res->path);
        /* A recorded root: only the Linux backend (the x86 one would execute
         * CPUID on this machine), as hwloc's documentation advises. */
        char *env[] = {fsroot, "HWLOC_COMPONENTS=linux,stop", NULL};
        res->hwloc = measure_hwloc(env, opt.quick ? 1 : 3, opt.runs);

        if (opt.processes) {
                char *tool_cpu[] = {(char *)opt.tool, "--root", res->path, "--section", "cpu", NULL};
                char *tool_all[] = {(char *)opt.tool, "--root", res->path, NULL};
                char *lscpu[] = {"lscpu", "--sysroot", res->path, NULL};
                char *lstopo[] = {"lstopo-no-graphics", "-i", res->path, "--no-io", "--of", "xml", NULL};
                res->tool_cpu = measure_process(tool_cpu, NULL);
                res->tool_all = measure_process(tool_all, NULL);
                res->lscpu = measure_process(lscpu, NULL);
                res->lstopo = measure_process(lstopo, NULL);
                res->opens_tool_cpu = count_opens(tool_cpu, NULL);
                res->opens_lscpu = count_opens(lscpu, NULL);
                char *hw[] = {self_exe, "--child-hwloc", "0", NULL};
                res->opens_hwloc = count_opens(hw, env);
        } else {
                res->tool_cpu = res->tool_all = res->lscpu = res->lstopo = NO_STATS;
                res->opens_tool_cpu = res->opens_lscpu = res->opens_hwloc = -1;
        }
        res->done = true;
}

static unsigned tree_cores(const tree_spec *t) {
        return t->sockets * t->cores;
}

static void report_trees(void) {
        char names[128];
        out("## Scaling: generated sysroots\n\n");
        out("x86 trees (Linux numbering, 2 threads per core above 2 CPUs), made by %s. In-process figures "
            "are "
            "a fresh node's first request (a recorded root is probed once, so there is nothing to memoize "
            "between nodes); *files* are the files and directories that request opened. hwloc reads the same "
            "tree with `HWLOC_FSROOT` and `HWLOC_COMPONENTS=linux,stop` (its fsroot is process-wide: it runs "
            "in a child process); *first* is its first load in that process, *load* its later loads. *opens* "
            "count open/openat/openat2 calls of the whole process (strace, dynamic loading included).\n\n",
            trees[0].made_by ? trees[0].made_by : "–");

        out("| CPUs | cores | nodes | section | in-process | files | files per core |\n");
        out("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (size_t ti = 0; ti < N_TREES; ti++) {
                tree_result *r = &trees[ti];
                const tree_spec *t = &tree_specs[ti];
                if (!r->done)
                        continue;
                for (unsigned i = 0; i <= N_SECTIONS; i++) {
                        const char *label = i < N_SECTIONS ? sections[i].name : "all";
                        char files[32] = "–", per[32] = "–";
                        if (i < N_SECTIONS && !(r->mask & sections[i].flag)) {
                                out("| %u | %u | %u | %s | skipped: %s | | |\n", t->cpus, tree_cores(t),
                                    t->sockets * t->nodes_per_socket, label, r->why[i]);
                                continue;
                        }
                        if (i == N_SECTIONS)
                                label = mask_names(r->mask, names, sizeof(names));
                        if (r->files[i] >= 0) {
                                snprintf(files, sizeof(files), "%ld", r->files[i]);
                                snprintf(per, sizeof(per), "%.2f", (double)r->files[i] / tree_cores(t));
                        }
                        out("| %u | %u | %u | %s | %s | %s | %s |\n", t->cpus, tree_cores(t),
                            t->sockets * t->nodes_per_socket, label, FMT_STATS(&r->cold[i]), files, per);
                }
        }
        out("\n");

        out("| CPUs | hwloc first | hwloc load | `hostcaps --root --section cpu` | `lscpu --sysroot` | "
            "`hostcaps "
            "--root` (all) | `lstopo-no-graphics -i` | opens: hostcaps cpu / lscpu / hwloc |\n");
        out("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (size_t ti = 0; ti < N_TREES; ti++) {
                tree_result *r = &trees[ti];
                if (!r->done)
                        continue;
                out("| %u | %s | %s | %s | %s | %s | %s | %ld / %ld / %ld |\n", tree_specs[ti].cpus,
                    FMT_STATS(&r->hwloc.first), FMT_STATS(&r->hwloc.load), FMT_STATS(&r->tool_cpu),
                    FMT_STATS(&r->lscpu), FMT_STATS(&r->tool_all), FMT_STATS(&r->lstopo), r->opens_tool_cpu,
                    r->opens_lscpu, r->opens_hwloc);
        }
        out("\n");
}

/* ---- HMAT ------------------------------------------------------------------ */

/* What HMAT files cost a NUMA request: one generated shape (64 CPUs, 4 nodes
 * with CPUs, 2 memory-only) without and with hostcaps-gen --hmat. Without
 * them the request should cost what it did before HMAT was read, plus the
 * three tries in the first node; with them, the files of every node. */
typedef struct hmat_result {
        bool done;
        stats cold;
        long files;
} hmat_result;

static hmat_result hmat_results[2];

static void bench_hmat(const char *base) {
        const section *numa = NULL;
        for (unsigned i = 0; i < N_SECTIONS; i++)
                if (strcmp(sections[i].name, "numa") == 0)
                        numa = &sections[i];
        if (!opt.gen || !numa)
                return;
        for (int h = 0; h < 2; h++) {
                char dir[PATH_MAX];
                const char *names[] = {"numa"};
                snprintf(dir, sizeof(dir), "%s/hmat-%d", base, h);
                rm_rf(dir);
                char *argv[] = {(char *)opt.gen,
                                "--sockets",
                                "2",
                                "--cores",
                                "16",
                                "--threads",
                                "2",
                                "--nodes-per-socket",
                                "2",
                                "--memory-only-nodes",
                                "2",
                                h ? "--hmat" : dir,
                                h ? dir : NULL,
                                NULL};
                if (run_process(argv, NULL, NULL, NULL) != 0) {
                        note("%s failed for the HMAT trees", opt.gen);
                        return;
                }
                op o = {.kind = OP_SECTION, .s = numa, .mask = numa->flag};
                cold_ctx cc = {.o = &o, .root = dir};
                hmat_results[h].cold = measure(cold_sample, &cc, opt.runs);
                count_files(dir, names, 1, &hmat_results[h].files, NULL);
                hmat_results[h].done = true;
                rm_rf(dir);
        }
}

static void report_hmat(void) {
        if (!hmat_results[0].done)
                return;
        out("## HMAT: a NUMA request with and without HMAT files\n\n");
        out("A generated tree of 64 CPUs, 4 nodes with CPUs and 2 memory-only nodes, without and with "
            "`hostcaps-gen --hmat` (access classes 0 and 1 on every node, a memory-side cache on the "
            "memory-only ones). A fresh node's first NUMA request; *files*: files and directories it "
            "opened or tried.\n\n");
        out("| HMAT files | NUMA request | files |\n| --- | --- | --- |\n");
        for (int h = 0; h < 2; h++)
                if (hmat_results[h].done)
                        out("| %s | %s | %ld |\n", h ? "yes" : "no", FMT_STATS(&hmat_results[h].cold),
                            hmat_results[h].files);
        out("\n");
}

/* ---- targets ---------------------------------------------------------------- */

/* The memory-state and devices sections are re-read at every request on
 * a live host, by design: no memoized figure applies to them. */
static bool volatile_section(unsigned flag) {
        return flag == HOSTCAPS_SECTION_MEMORY || flag == HOSTCAPS_SECTION_DEVICES;
}

static void target_row(const char *what, const char *measured, const char *reference, double ratio,
                       double limit, const char *limit_s) {
        const char *status = isnan(ratio) ? "not measured" : ratio <= limit ? "met" : "**missed**";
        if (strstr(what, "(volatile"))
                status = "n/a";
        char r[32] = "–";
        if (!isnan(ratio))
                snprintf(r, sizeof(r), "%.3g", ratio);
        out("| %s | %s | %s | %s | %s | %s |\n", what, measured, reference, r, limit_s, status);
}

static double ratio_of(const stats *a, const stats *b) {
        if (a->err < 0 || b->err < 0 || a->n == 0 || b->n == 0 || b->med <= 0)
                return NAN;
        return a->med / b->med;
}

static void report_targets(void) {
        const stats *hw = &live.hwloc_load;
        char m[64], ref[96];
        out("## Targets\n\n");
        out("Ratios of medians measured in this run, on this machine.\n\n");
        out("| target | measured | reference | ratio | limit | status |\n| --- | --- | --- | --- | --- | --- "
            "|\n");

        const live_row *cpu = live_row_of(OP_SECTION, HOSTCAPS_SECTION_CPU);
        const live_row *all = live_row_of(OP_ALL_TYPED, default_mask());
        snprintf(ref, sizeof(ref), "hwloc load %s", FMT_STATS(hw));
        if (cpu) {
                snprintf(m, sizeof(m), "%s", FMT_STATS(&cpu->cold));
                target_row("CPU only, cold ≤ 1/8 of hwloc's load", m, ref, ratio_of(&cpu->cold, hw), 0.125,
                           "0.125");
                snprintf(m, sizeof(m), "%s", FMT_STATS(&cpu->first.time));
                char ref1[96];
                snprintf(ref1, sizeof(ref1), "hwloc first load %s", FMT_STATS(&live.hwloc.first));
                target_row("CPU only, first in a fresh process ≤ 1/4 of hwloc's first load", m, ref1,
                           ratio_of(&cpu->first.time, &live.hwloc.first), 0.25, "0.25");
                /* Memory of that first request: libvirt's map compiled in
                 * (docs/cpu.md) leaves nothing of a parse on the heap. */
                snprintf(m, sizeof(m), "%zu B", cpu->first.heap);
                target_row("CPU section: heap held ≤ 32 KiB", m, "32768 B",
                           cpu->first.rss_kib >= 0 ? (double)cpu->first.heap / 32768.0 : NAN, 1, "1");
                snprintf(m, sizeof(m), "%ld KiB", cpu->first.rss_kib);
                target_row("CPU only, first in a fresh process: RSS growth ≤ 1 MiB", m, "1024 KiB",
                           cpu->first.rss_kib >= 0 ? (double)cpu->first.rss_kib / 1024.0 : NAN, 1, "1");
        }
        if (opt.processes && opt.live && live.cli_vs_lscpu[0].n) {
                /* Interleaved runs; CPU time beside, the steadier figure on
                 * a busy machine. */
                const stats *c = live.cli_vs_lscpu;
                snprintf(m, sizeof(m), "%s", FMT_STATS(&c[0]));
                snprintf(ref, sizeof(ref), "`lscpu` %s", FMT_STATS(&c[1]));
                target_row("`hostcaps --section cpu`, whole process, ≤ 1/2 of `lscpu` (interleaved)", m, ref,
                           ratio_of(&c[0], &c[1]), 0.5, "0.5");
                snprintf(m, sizeof(m), "%s", FMT_STATS(&c[2]));
                snprintf(ref, sizeof(ref), "`lscpu` %s", FMT_STATS(&c[3]));
                target_row("the same, CPU time (user + system)", m, ref, ratio_of(&c[2], &c[3]), 0.5, "0.5");
                snprintf(ref, sizeof(ref), "hwloc load %s", FMT_STATS(hw));
        }
        if (all) {
                char names[128];
                char what[200];
                snprintf(what, sizeof(what), "all sections (%s), cold ≤ 1/2 of hwloc's load",
                         mask_names(default_mask(), names, sizeof(names)));
                snprintf(m, sizeof(m), "%s", FMT_STATS(&all->cold));
                target_row(what, m, ref, ratio_of(&all->cold, hw), 0.5, "0.5");
        }
        for (unsigned i = 0; opt.live && i < N_SECTIONS; i++) {
                const live_row *r = live_row_of(OP_SECTION, sections[i].flag);
                char what[96];
                if (!r || !sections[i].available) {
                        snprintf(what, sizeof(what), "%s: CACHED ≤ 100 ns, stamp check ≤ 5 µs",
                                 sections[i].name);
                        out("| %s | skipped: %s | | | | |\n", what, sections[i].why);
                        continue;
                }
                stats hundred = {.med = 100, .n = 1}, five = {.med = 5000, .n = 1};
                snprintf(what, sizeof(what), "%s: `HOSTCAPS_FLAG_CACHED` ≤ 100 ns%s", sections[i].name,
                         volatile_section(sections[i].flag)
                                 ? " (volatile: re-read at every request by design)"
                                 : "");
                snprintf(m, sizeof(m), "%s", FMT_STATS(&r->cached));
                target_row(what, m, "100 ns", ratio_of(&r->cached, &hundred), 1, "1");
                snprintf(what, sizeof(what), "%s: memoized with the stamp check ≤ 5 µs%s", sections[i].name,
                         volatile_section(sections[i].flag)
                                 ? " (volatile: re-read at every request by design)"
                                 : "");
                snprintf(m, sizeof(m), "%s", FMT_STATS(&r->memo));
                target_row(what, m, "5 µs", ratio_of(&r->memo, &five), 1, "1");
        }

        const tree_result *big = NULL;
        const tree_spec *bs = NULL;
        for (size_t ti = 0; ti < N_TREES; ti++)
                if (trees[ti].done) {
                        big = &trees[ti];
                        bs = &tree_specs[ti];
                }
        if (big) {
                char what[160];
                long f = big->files[0];
                snprintf(what, sizeof(what), "%u-CPU tree: CPU only opens ≤ 1 file per core (%u cores)",
                         bs->cpus, tree_cores(bs));
                snprintf(m, sizeof(m), "%ld files", f);
                snprintf(ref, sizeof(ref), "%u files", tree_cores(bs));
                target_row(what, m, ref, f >= 0 ? (double)f / (double)tree_cores(bs) : NAN, 1, "1");
                snprintf(what, sizeof(what), "%u-CPU tree: `hostcaps --section cpu` ≤ `lscpu --sysroot`",
                         bs->cpus);
                snprintf(m, sizeof(m), "%s", FMT_STATS(&big->tool_cpu));
                snprintf(ref, sizeof(ref), "%s", FMT_STATS(&big->lscpu));
                target_row(what, m, ref, ratio_of(&big->tool_cpu, &big->lscpu), 1, "1");
                snprintf(what, sizeof(what),
                         "%u-CPU tree: all sections, cold ≤ hwloc's load (`HWLOC_FSROOT`)", bs->cpus);
                snprintf(m, sizeof(m), "%s", FMT_STATS(&big->cold[N_SECTIONS]));
                snprintf(ref, sizeof(ref), "%s", FMT_STATS(&big->hwloc.load));
                target_row(what, m, ref, ratio_of(&big->cold[N_SECTIONS], &big->hwloc.load), 1, "1");
        }
        if (live.link_plain.n) {
                double d = live.link_linked.med - live.link_plain.med;
                snprintf(m, sizeof(m), "%s", FMT_NS(d));
                target_row("linking libhostcaps adds ≤ 100 µs to process start", m, "100 µs", d / 100000.0, 1,
                           "1");
        }
        out("\n");
}

/* ---- main ---------------------------------------------------------------------- */

static void usage(FILE *f) {
        fprintf(f,
                "usage: hostcaps-bench [OPTIONS]\n"
                "Measure hostcaps per section beside hwloc, libcpuid, lscpu, numactl and lstopo.\n\n"
                "  --quick            a few iterations, two small trees (the smoke test)\n"
                "  --runs N           samples per in-process figure (default %u)\n"
                "  --proc-runs N      runs per whole-process figure (default %u)\n"
                "  --budget S         at most S seconds per figure (default %.0f)\n"
                "  --tool PATH        the hostcaps tool (default: beside this program)\n"
                "  --gen PATH         the sysroot generator (default: hostcaps-gen beside this program)\n"
                "  --trees DIR        generate the sysroots in DIR and keep them\n"
                "  --tree CPUS        only the tree of CPUS CPUs (2, 64, 256, 1024)\n"
                "  --no-live          skip this host's figures (with --no-processes: only the trees)\n"
                "  --no-scaling       skip the generated sysroots\n"
                "  --no-processes     skip whole-process figures\n"
                "  --markdown FILE    also write the report to FILE\n"
                "  --command TEXT     the command shown in the report\n",
                opt.runs, opt.proc_runs, opt.budget_ns / 1e9);
}

int main(int argc, char **argv) {
        enum {
                O_RUNS = 256,
                O_PROC_RUNS,
                O_BUDGET,
                O_TOOL,
                O_GEN,
                O_TREES,
                O_TREE,
                O_NO_LIVE,
                O_NO_SCALING,
                O_NO_PROC,
                O_MARKDOWN,
                O_COMMAND,
                O_QUICK,
                O_HELP
        };
        static const struct option options[] = {
                {"quick", no_argument, NULL, O_QUICK},
                {"runs", required_argument, NULL, O_RUNS},
                {"proc-runs", required_argument, NULL, O_PROC_RUNS},
                {"budget", required_argument, NULL, O_BUDGET},
                {"tool", required_argument, NULL, O_TOOL},
                {"gen", required_argument, NULL, O_GEN},
                {"trees", required_argument, NULL, O_TREES},
                {"tree", required_argument, NULL, O_TREE},
                {"no-live", no_argument, NULL, O_NO_LIVE},
                {"no-scaling", no_argument, NULL, O_NO_SCALING},
                {"no-processes", no_argument, NULL, O_NO_PROC},
                {"markdown", required_argument, NULL, O_MARKDOWN},
                {"command", required_argument, NULL, O_COMMAND},
                {"help", no_argument, NULL, O_HELP},
                {0},
        };
        static char bindir[PATH_MAX], tool[PATH_MAX], gen[PATH_MAX];
        char trees_tmp[PATH_MAX] = "";
        int c;

        if (!realpath("/proc/self/exe", self_exe))
                die("cannot find this program: %s", strerror(errno));
        snprintf(bindir, sizeof(bindir), "%s", self_exe);
        *strrchr(bindir, '/') = '\0';
        opt.bindir = bindir;

        /* Child modes come first and alone. */
        if (argc >= 5 && strcmp(argv[1], "--child-first") == 0)
                return child_first((unsigned)strtoul(argv[2], NULL, 10), atoi(argv[3]), argv[4]);
        if (argc >= 3 && strcmp(argv[1], "--child-hwloc") == 0)
                return child_hwloc((unsigned)strtoul(argv[2], NULL, 10));

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                switch (c) {
                case O_QUICK:
                        opt.quick = true;
                        opt.runs = 5;
                        opt.proc_runs = 3;
                        opt.child_runs = 2;
                        opt.budget_ns = 0.2e9;
                        break;
                case O_RUNS:
                        opt.runs = (unsigned)strtoul(optarg, NULL, 10);
                        break;
                case O_PROC_RUNS:
                        opt.proc_runs = (unsigned)strtoul(optarg, NULL, 10);
                        break;
                case O_BUDGET:
                        opt.budget_ns = strtod(optarg, NULL) * 1e9;
                        break;
                case O_TOOL:
                        opt.tool = optarg;
                        break;
                case O_GEN:
                        opt.gen = optarg;
                        break;
                case O_TREES:
                        opt.trees = optarg;
                        break;
                case O_TREE:
                        opt.only_tree = optarg;
                        break;
                case O_NO_LIVE:
                        opt.live = false;
                        break;
                case O_NO_SCALING:
                        opt.scaling = false;
                        break;
                case O_NO_PROC:
                        opt.processes = false;
                        break;
                case O_MARKDOWN:
                        opt.markdown = optarg;
                        break;
                case O_COMMAND:
                        opt.command = optarg;
                        break;
                case O_HELP:
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                usage(stderr);
                return 2;
        }
        if (opt.runs < 1 || opt.proc_runs < 1)
                die("--runs and --proc-runs must be at least 1");
        if (!opt.tool) {
                snprintf(tool, sizeof(tool), "%s/hostcaps", bindir);
                opt.tool = tool;
        }
        if (!opt.gen) {
                snprintf(gen, sizeof(gen), "%s/hostcaps-gen", bindir);
                if (access(gen, X_OK) == 0)
                        opt.gen = gen;
        }
        if (opt.markdown && !(md = fopen(opt.markdown, "we")))
                die("%s: %s", opt.markdown, strerror(errno));
        /* Tables go to stdout as they are ready; progress to stderr. */
        setvbuf(stdout, NULL, _IOLBF, 0);

        sections_init();
        out("# hostcaps performance\n\n");
        report_machine();

        if (opt.live) {
                bench_live();
                report_live();
        }

        if (opt.processes && opt.live) {
                bench_processes();
                bench_other_processes();
                report_processes();
        }

        if (opt.scaling) {
                const char *base = opt.trees;
                if (!base) {
                        const char *tmp = getenv("TMPDIR");
                        snprintf(trees_tmp, sizeof(trees_tmp), "%s/hostcaps-bench-XXXXXX",
                                 tmp && *tmp ? tmp : "/tmp");
                        if (!mkdtemp(trees_tmp))
                                die("mkdtemp: %s", strerror(errno));
                        base = trees_tmp;
                } else if (mkdir_p(base) < 0)
                        die("%s: %s", base, strerror(errno));
                for (size_t ti = 0; ti < N_TREES; ti++) {
                        if (opt.only_tree && strtoul(opt.only_tree, NULL, 10) != tree_specs[ti].cpus)
                                continue;
                        if (opt.quick && !opt.only_tree && tree_specs[ti].cpus > 64)
                                continue;
                        bench_tree(ti, base);
                }
                report_trees();
                bench_hmat(base);
                report_hmat();
                if (trees_tmp[0])
                        rm_rf(trees_tmp);
        }

        report_targets();
        {
                char load[64];
                loadavg(load, sizeof(load));
                out("Load average at the end: %s.\n", load);
        }
        if (md && fclose(md) != 0)
                die("%s: %s", opt.markdown, strerror(errno));
        return 0;
}
