/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "error.h"
#include "parse.h"
#include "reader.h"

struct hostcaps_reader {
        int root_fd;
        bool cwd; /* a reader of the caller's own paths, not of a root */
        char *root;
        bool live;
        /* Cleared (once, by any thread) when the kernel lacks openat2(). */
        atomic_bool have_openat2;
        atomic_uint_fast64_t n_opened;
        /* The device of the live sysfs (see ends_at_short_read()): 0 until
         * the first file below sys/ was read, SYSFS_DEV_NONE when it is not
         * sysfs. Set by any thread, always to the same value. */
        atomic_uint_fast64_t sysfs_dev;

        atomic_bool tracing;
        pthread_mutex_t trace_lock;
        char **trace;
        size_t n_trace, n_trace_allocated;

        hostcaps_reader_fault_fn fault;
        void *fault_userdata;

        /* Descriptors of live sysfs files kept by hostcaps_reader_open_kept():
         * added, never removed before the reader is freed (a thread may be
         * reading one while another looks it up). */
        pthread_mutex_t kept_lock;
        struct {
                char *path;
                int fd;
        } kept[HOSTCAPS_READER_MAX_KEPT];
        size_t n_kept;
};

static const char *relative(const hostcaps_reader *r, const char *path);
/* A failed open: absence is recorded quietly (the caller decides whether
 * it is an error), anything else with a message naming the path. */
static int open_error(hostcaps_reader *r, const char *path, int e) {
        if (e == -ENOENT || e == -ENOTDIR)
                return hostcaps_error_absent(-e, relative(r, path));
        return hostcaps_error(-e, "%s: %s", relative(r, path), strerror(-e));
}

int hostcaps_reader_new_cwd(hostcaps_reader **ret) {
        hostcaps_reader *r;
        int e = hostcaps_reader_new(&r, "/");
        if (e < 0)
                return e;
        /* The working directory as the root handle: relative paths resolve
         * against it, absolute ones (openat ignores the handle) as they are. */
        int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                e = hostcaps_error(errno, "cannot open the working directory: %s", strerror(errno));
                hostcaps_reader_free(r);
                return e;
        }
        close(r->root_fd);
        r->root_fd = fd;
        r->cwd = true;
        *ret = r;
        return 0;
}

int hostcaps_reader_new(hostcaps_reader **ret, const char *root) {
        hostcaps_reader *r;
        bool live = !root || strcmp(root, "/") == 0;

        /* An empty root is a caller's mistake (an unset variable), never
         * "the live host": that would read the wrong machine without a word. */
        if (root && !*root)
                return hostcaps_error(EINVAL,
                                      "an empty root directory was given (use NULL or \"/\" for this host)");

        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->live = live;
        r->root = strdup(live ? "/" : root);
        pthread_mutex_init(&r->trace_lock, NULL);
        pthread_mutex_init(&r->kept_lock, NULL);
        r->root_fd = open(r->root ? r->root : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (!r->root || r->root_fd < 0) {
                int err = r->root ? errno : ENOMEM;
                hostcaps_reader_free(r);
                return hostcaps_error(err, "cannot open root '%s': %s", root ? root : "/", strerror(err));
        }
        atomic_init(&r->have_openat2, !live);
        *ret = r;
        return 0;
}

hostcaps_reader *hostcaps_reader_free(hostcaps_reader *r) {
        if (!r)
                return NULL;
        if (r->root_fd >= 0)
                close(r->root_fd);
        free(r->root);
        for (size_t i = 0; i < r->n_trace; i++)
                free(r->trace[i]);
        free(r->trace);
        pthread_mutex_destroy(&r->trace_lock);
        for (size_t i = 0; i < r->n_kept; i++) {
                close(r->kept[i].fd);
                free(r->kept[i].path);
        }
        pthread_mutex_destroy(&r->kept_lock);
        free(r);
        return NULL;
}

bool hostcaps_reader_is_live(const hostcaps_reader *r) {
        return r->live;
}

const char *hostcaps_reader_root(const hostcaps_reader *r) {
        return r->root;
}

uint64_t hostcaps_reader_n_opened(const hostcaps_reader *r) {
        return atomic_load(&((hostcaps_reader *)r)->n_opened);
}

void hostcaps_strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

void hostcaps_reader_trace_start(hostcaps_reader *r) {
        pthread_mutex_lock(&r->trace_lock);
        for (size_t i = 0; i < r->n_trace; i++)
                free(r->trace[i]);
        r->n_trace = 0;
        atomic_store(&r->tracing, true);
        pthread_mutex_unlock(&r->trace_lock);
}

char **hostcaps_reader_trace_stop(hostcaps_reader *r) {
        char **v;
        pthread_mutex_lock(&r->trace_lock);
        atomic_store(&r->tracing, false);
        v = calloc(r->n_trace + 1, sizeof(char *));
        if (v) {
                /* r->trace is NULL until the first path is recorded:
                 * memcpy() from NULL is undefined even for 0 bytes. */
                if (r->n_trace)
                        memcpy(v, r->trace, r->n_trace * sizeof(char *));
                r->n_trace = 0;
        }
        pthread_mutex_unlock(&r->trace_lock);
        return v;
}

void hostcaps_reader_set_fault(hostcaps_reader *r, hostcaps_reader_fault_fn fn, void *userdata) {
        r->fault = fn;
        r->fault_userdata = userdata;
}

/* Directory listings are recorded with a trailing '/'. */
static void trace(hostcaps_reader *r, const char *path, bool dir) {
        if (_likely_(!atomic_load_explicit(&r->tracing, memory_order_relaxed)))
                return;
        pthread_mutex_lock(&r->trace_lock);
        if (GROW(r->trace, r->n_trace_allocated, r->n_trace + 1) == 0) {
                char *p = hostcaps_strdup_printf("%s%s", path, dir ? "/" : "");
                if (p)
                        r->trace[r->n_trace++] = p;
        }
        pthread_mutex_unlock(&r->trace_lock);
}

/* Paths are relative to the root; a leading '/' is ignored. A reader of
 * the caller's own paths (hostcaps_reader_new_cwd) takes them as given. */
static const char *relative(const hostcaps_reader *r, const char *path) {
        while (!r->cwd && *path == '/')
                path++;
        return *path ? path : ".";
}

/* Open relative to the root. In a sysroot, RESOLVE_IN_ROOT makes ".." and
 * absolute symlinks stay inside it (kernel >= 5.6); older kernels fall back
 * to openat(). O_NONBLOCK: a named pipe or a terminal where a recording (or a
 * container's bind mount) should have a regular file must not block the
 * caller forever in open() or read(); it changes nothing for regular files,
 * sysfs and procfs. */
static int root_open_raw(hostcaps_reader *r, const char *path, int flags);
static int root_open_checked(hostcaps_reader *r, const char *path, int flags);

static int root_open(hostcaps_reader *r, const char *path, int flags, const char *op) {
        path = relative(r, path);
        if (!(flags & O_PATH))
                flags |= O_NONBLOCK;
        trace(r, path, strcmp(op, "opendir") == 0);
        if (r->fault) {
                int f = r->fault(r->fault_userdata, path, op);
                if (f < 0)
                        return f;
        }
        atomic_fetch_add_explicit(&r->n_opened, 1, memory_order_relaxed);
        if (!r->live && !(flags & (O_PATH | O_DIRECTORY)))
                return root_open_checked(r, path, flags);
        return root_open_raw(r, path, flags);
}

/* In a sysroot, a device node where a file should be must not even be
 * opened (opening a tape or a terminal has effects of its own): look at
 * what the path is through an O_PATH descriptor first. A regular file is
 * then opened through that descriptor, so what was checked is what is
 * read. Anything else is handed back as the O_PATH descriptor itself, on
 * which every read fails: the reader's callers check the type with fstat()
 * and name the file. */
static int root_open_checked(hostcaps_reader *r, const char *path, int flags) {
        struct stat st;
        char proc[64];
        int fd = root_open_raw(r, path, O_PATH), rfd;

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        if (!S_ISREG(st.st_mode))
                return fd;
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        rfd = open(proc, (flags | O_CLOEXEC | O_NOCTTY) & ~O_CREAT);
        if (rfd < 0 && (errno == ENOENT || errno == EACCES))
                rfd = root_open_raw(r, path, flags | O_NOCTTY); /* no /proc */
        else if (rfd < 0)
                rfd = -errno;
        close(fd);
        return rfd;
}

static int root_open_raw(hostcaps_reader *r, const char *path, int flags) {
        int fd;
        if (atomic_load_explicit(&r->have_openat2, memory_order_relaxed)) {
                struct open_how how = {
                        .flags = (uint64_t)(flags | O_CLOEXEC),
                        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
                };
                fd = (int)syscall(SYS_openat2, r->root_fd, path, &how, sizeof(how));
                if (fd >= 0 || errno != ENOSYS)
                        return fd >= 0 ? fd : -errno;
                atomic_store_explicit(&r->have_openat2, false, memory_order_relaxed);
        }
        fd = openat(r->root_fd, path, flags | O_CLOEXEC);
        return fd >= 0 ? fd : -errno;
}

int hostcaps_reader_open(hostcaps_reader *r, const char *path, int flags) {
        return root_open(r, path, O_RDONLY | flags, "open");
}

static int kept_find(hostcaps_reader *r, const char *path) {
        int fd = -1;
        pthread_mutex_lock(&r->kept_lock);
        for (size_t i = 0; i < r->n_kept && fd < 0; i++)
                if (strcmp(r->kept[i].path, path) == 0)
                        fd = r->kept[i].fd;
        pthread_mutex_unlock(&r->kept_lock);
        return fd;
}

int hostcaps_reader_open_kept(hostcaps_reader *r, const char *path, bool *ret_kept) {
        struct statfs sfs;
        char *p;
        int fd;

        *ret_kept = false;
        /* A recording never changes, and fault injection must see every access. */
        if (!r->live || r->fault)
                return hostcaps_reader_open(r, path, 0);
        path = relative(r, path);
        fd = kept_find(r, path);
        if (fd >= 0) {
                trace(r, path, false);
                *ret_kept = true;
                return fd;
        }
        fd = hostcaps_reader_open(r, path, 0);
        /* sysfs only: procfs files such as proc/self/... name the process
         * that opened them (a forked child would read its parent's), and a
         * descriptor kept on any other file system could hold a mount busy
         * (resctrl, cgroup) or keep reading a replaced file. */
        if (fd < 0 || fstatfs(fd, &sfs) < 0 || sfs.f_type != SYSFS_MAGIC)
                return fd;
        pthread_mutex_lock(&r->kept_lock);
        bool dup = false;
        for (size_t i = 0; i < r->n_kept && !dup; i++)
                dup = strcmp(r->kept[i].path, path) == 0;
        if (!dup && r->n_kept < HOSTCAPS_READER_MAX_KEPT && (p = strdup(path))) {
                r->kept[r->n_kept].path = p;
                r->kept[r->n_kept].fd = fd;
                r->n_kept++;
                *ret_kept = true;
        }
        pthread_mutex_unlock(&r->kept_lock);
        return fd;
}

int hostcaps_read_exists(hostcaps_reader *r, const char *path) {
        int fd;
        if (r->live && !r->fault) {
                path = relative(r, path);
                trace(r, path, false);
                atomic_fetch_add_explicit(&r->n_opened, 1, memory_order_relaxed);
                if (faccessat(r->root_fd, path, F_OK, 0) == 0)
                        return 1;
                fd = -errno;
        } else {
                fd = root_open(r, path, O_PATH, "access");
                if (fd >= 0) {
                        close(fd);
                        return 1;
                }
        }
        if (fd == -ENOENT || fd == -ENOTDIR)
                return 0;
        return open_error(r, path, fd);
}

_printf_(3, 0) static int vformat_path(char *buf, size_t size, const char *fmt, va_list ap) {
        int n = vsnprintf(buf, size, fmt, ap);
        if (n < 0 || (size_t)n >= size)
                return hostcaps_error(ENAMETOOLONG, "path too long: %.64s...", fmt);
        return 0;
}

#define WITH_PATH(fmt, call)                                                                                 \
        ({                                                                                                   \
                char _path[4096];                                                                            \
                va_list _ap;                                                                                 \
                va_start(_ap, fmt);                                                                          \
                int _r = vformat_path(_path, sizeof(_path), fmt, _ap);                                       \
                va_end(_ap);                                                                                 \
                _r < 0 ? _r : (call);                                                                        \
        })

int hostcaps_readf_exists(hostcaps_reader *r, const char *fmt, ...) {
        return WITH_PATH(fmt, hostcaps_read_exists(r, _path));
}

/* Some kernels and recorders end a sysfs value with NUL bytes ("0\n\0",
 * seen in hwloc's recordings of 2.6 kernels); hwloc and lscpu read them.
 * A tail of only NULs and white space after the value is cut at its first
 * NUL; a NUL inside the value stays an error. Returns the new length. */
static size_t strip_trailing_nul(char *buf, size_t len) {
        size_t end = len, cut = len;
        while (end > 0 && (buf[end - 1] == '\0' || isspace((unsigned char)buf[end - 1]))) {
                if (buf[end - 1] == '\0')
                        cut = end - 1;
                end--;
        }
        buf[cut] = '\0';
        return cut;
}

#define SYSFS_DEV_NONE UINT64_MAX

/* Whether a first read of `fd` that returned fewer bytes than asked has
 * read the whole file. True on the live sysfs only: an attribute is
 * formatted whole when it is opened and a read from offset 0 returns all
 * of it, or as much as was asked, up to a page (kernfs reads at most a
 * page at a time, so a short read of a page says nothing). A regular file
 * elsewhere stops at its size (the caller checks st_size); procfs, cgroup
 * and resctrl files report no size and are read to the read that returns 0. */
static bool ends_at_short_read(hostcaps_reader *r, const char *path, int fd, const struct stat *st,
                               size_t n) {
        uint64_t dev;

        if (!r->live || strncmp(relative(r, path), "sys/", 4) != 0)
                return false;
        dev = atomic_load_explicit(&r->sysfs_dev, memory_order_relaxed);
        if (dev == 0) {
                struct statfs sfs;
                dev = fstatfs(fd, &sfs) == 0 && sfs.f_type == SYSFS_MAGIC ? (uint64_t)st->st_dev
                                                                          : SYSFS_DEV_NONE;
                atomic_store_explicit(&r->sysfs_dev, dev, memory_order_relaxed);
        }
        return dev == (uint64_t)st->st_dev && n < (size_t)sysconf(_SC_PAGESIZE);
}

int hostcaps_read_file(hostcaps_reader *r, const char *path, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = root_open(r, path, O_RDONLY, "open");
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;

        struct stat st;

        if (fd < 0)
                return open_error(r, path, fd);
        /* sysfs and procfs attributes are regular files. Anything else where
         * one is expected (a named pipe, a device in a recording) is refused
         * here, before a parser, or a library that reopens the path by name
         * (libcpuid), can block on it or read it without end. */
        if (fstat(fd, &st) < 0)
                return hostcaps_error(errno, "%s: %s", relative(r, path), strerror(errno));
        if (!S_ISREG(st.st_mode))
                return hostcaps_error(S_ISDIR(st.st_mode) ? EISDIR : EINVAL, "%s: not a regular file",
                                      relative(r, path));
        for (;;) {
                size_t asked;
                if (len + 1 >= cap) {
                        /* Room for HOSTCAPS_READ_MAX bytes, one more to see
                         * that a file is larger, and the NUL. */
                        size_t ncap = cap ? cap * 2 : 4096;
                        if (ncap > HOSTCAPS_READ_MAX + 2)
                                ncap = HOSTCAPS_READ_MAX + 2;
                        if (len > HOSTCAPS_READ_MAX)
                                return hostcaps_error(EFBIG,
                                                      "%s: larger than %u bytes (the limit for one file)",
                                                      relative(r, path), HOSTCAPS_READ_MAX);
                        char *nb = realloc(buf, ncap);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                        cap = ncap;
                }
                asked = cap - len - 1;
                ssize_t n = read(fd, buf + len, asked);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return hostcaps_error(errno, "%s: %s", relative(r, path), strerror(errno));
                }
                if (n == 0)
                        break;
                len += (size_t)n;
                /* The read that would return 0 is left out where the file is
                 * known to be whole: a quarter of the cost of a sysfs file. */
                if (st.st_size > 0 && len >= (uint64_t)st.st_size)
                        break;
                if (len == (size_t)n && (size_t)n < asked && ends_at_short_read(r, path, fd, &st, (size_t)n))
                        break;
        }
        if (len > HOSTCAPS_READ_MAX)
                return hostcaps_error(EFBIG, "%s: larger than %u bytes (the limit for one file)",
                                      relative(r, path), HOSTCAPS_READ_MAX);
        if (!buf && !(buf = malloc(1)))
                return -ENOMEM;
        /* Most files are a few bytes read into a page: give the rest back, so
         * that a value kept in an object holds its size, not 4 KiB. */
        if (cap - len > 256) {
                char *nb = realloc(buf, len + 1);
                if (nb)
                        buf = nb;
        }
        buf[len] = '\0';
        len = strip_trailing_nul(buf, len);
        if (memchr(buf, '\0', len))
                return hostcaps_error(EBADMSG, "%s: contains a NUL byte", relative(r, path));
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int hostcaps_read_string(hostcaps_reader *r, const char *path, char **ret) {
        size_t len;
        char *s;
        int e = hostcaps_read_file(r, path, &s, &len);
        if (e < 0)
                return e;
        while (len > 0 &&
               (s[len - 1] == '\n' || s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
                s[--len] = '\0';
        *ret = s;
        return 0;
}

int hostcaps_readf_string(hostcaps_reader *r, char **ret, const char *fmt, ...) {
        return WITH_PATH(fmt, hostcaps_read_string(r, _path, ret));
}

/* Read a one-value file and run a parser over it; parse errors are prefixed
 * with the path so the message names the file and the value. */
#define READ_PARSED(r, path, parse, ret)                                                                     \
        ({                                                                                                   \
                _cleanup_free_ char *_s = NULL;                                                              \
                int _e = hostcaps_read_string(r, path, &_s);                                                 \
                if (_e >= 0) {                                                                               \
                        _e = parse(_s, ret);                                                                 \
                        if (_e < 0 && _e != -ENOMEM)                                                         \
                                hostcaps_error_prefix(relative(r, path));                                    \
                }                                                                                            \
                _e;                                                                                          \
        })

int hostcaps_read_u64(hostcaps_reader *r, const char *path, uint64_t *ret) {
        return READ_PARSED(r, path, hostcaps_parse_u64, ret);
}
int hostcaps_readf_u64(hostcaps_reader *r, uint64_t *ret, const char *fmt, ...) {
        return WITH_PATH(fmt, hostcaps_read_u64(r, _path, ret));
}
int hostcaps_read_s64(hostcaps_reader *r, const char *path, int64_t *ret) {
        return READ_PARSED(r, path, hostcaps_parse_s64, ret);
}
int hostcaps_readf_s64(hostcaps_reader *r, int64_t *ret, const char *fmt, ...) {
        return WITH_PATH(fmt, hostcaps_read_s64(r, _path, ret));
}
int hostcaps_read_size(hostcaps_reader *r, const char *path, uint64_t *ret) {
        return READ_PARSED(r, path, hostcaps_parse_size, ret);
}
int hostcaps_readf_size(hostcaps_reader *r, uint64_t *ret, const char *fmt, ...) {
        return WITH_PATH(fmt, hostcaps_read_size(r, _path, ret));
}
int hostcaps_read_cpulist(hostcaps_reader *r, const char *path, hostcaps_bitmap **ret) {
        return READ_PARSED(r, path, hostcaps_parse_cpulist, ret);
}
int hostcaps_readf_cpulist(hostcaps_reader *r, hostcaps_bitmap **ret, const char *fmt, ...) {
        return WITH_PATH(fmt, hostcaps_read_cpulist(r, _path, ret));
}
int hostcaps_read_cpumask(hostcaps_reader *r, const char *path, hostcaps_bitmap **ret) {
        return READ_PARSED(r, path, hostcaps_parse_cpumask, ret);
}
int hostcaps_readf_cpumask(hostcaps_reader *r, hostcaps_bitmap **ret, const char *fmt, ...) {
        return WITH_PATH(fmt, hostcaps_read_cpumask(r, _path, ret));
}

static int cmp_names(const void *a, const void *b) {
        return strverscmp(*(char *const *)a, *(char *const *)b);
}

int hostcaps_read_dir(hostcaps_reader *r, const char *path, char ***ret, size_t *ret_n) {
        int fd = root_open(r, path, O_RDONLY | O_DIRECTORY, "opendir");
        char **names = NULL;
        size_t n = 0, allocated = 0;
        DIR *d;
        struct dirent *de;

        if (fd < 0)
                return open_error(r, path, fd);
        d = fdopendir(fd);
        if (!d) {
                int err = errno;
                close(fd);
                return hostcaps_error(err, "%s: %s", relative(r, path), strerror(err));
        }
        while ((errno = 0, de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (n >= HOSTCAPS_BITMAP_MAX * 4) {
                        closedir(d);
                        hostcaps_strv_free(names);
                        return hostcaps_error(E2BIG, "%s: too many entries", relative(r, path));
                }
                if (GROW(names, allocated, n + 2) < 0 || !(names[n] = strdup(de->d_name))) {
                        closedir(d);
                        hostcaps_strv_free(names);
                        return -ENOMEM;
                }
                names[++n] = NULL;
        }
        closedir(d);
        if (!names && !(names = calloc(1, sizeof(char *))))
                return -ENOMEM;
        qsort(names, n, sizeof(char *), cmp_names);
        *ret = names;
        if (ret_n)
                *ret_n = n;
        return 0;
}

int hostcaps_read_link(hostcaps_reader *r, const char *path, char **ret) {
        _cleanup_close_ int fd = root_open(r, path, O_PATH | O_NOFOLLOW, "readlink");
        char buf[4096];
        ssize_t n;

        if (fd < 0)
                return open_error(r, path, fd);
        n = readlinkat(fd, "", buf, sizeof(buf) - 1);
        if (n < 0)
                return hostcaps_error(errno, "%s: %s", relative(r, path), strerror(errno));
        buf[n] = '\0';
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}
