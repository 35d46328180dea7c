/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Recording a sysroot of the live host: probe the requested sections with
 * the reader's trace on, then copy what they touched.
 *
 * The writer runs as root on hosts where other users can write to the
 * directory's parent (the man page's example is under /tmp), so nothing it
 * writes may be redirected:
 * - the snapshot directory is created by hostcaps, or an existing one is
 *   taken only when it is a real directory (not a symlink), owned by the
 *   caller and empty;
 * - every directory below it is entered with O_NOFOLLOW, one component at a
 *   time, and every file is created with O_CREAT|O_EXCL|O_NOFOLLOW: a link
 *   or a file planted while the writer runs makes the recording fail, it
 *   never makes it write elsewhere or truncate anything;
 * - each file is written at its canonical place (the live path with every
 *   symlink resolved), and the symlinks met on the way are recreated as
 *   links, relative, never climbing above the snapshot's root, and never
 *   written through. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "error.h"
#include "hostcaps/snapshot.h"
#include "hostcaps/version.h"
#include "node.h"

static hostcaps_snapshot_hook_fn test_hook;
static void *test_hook_userdata;

void hostcaps_snapshot_set_hook(hostcaps_snapshot_hook_fn fn, void *userdata) {
        test_hook = fn;
        test_hook_userdata = userdata;
}

static void hook(const char *step, const char *rel) {
        if (test_hook)
                test_hook(test_hook_userdata, step, rel);
}

/* The directory `rel` (relative, `len` characters) below dirfd, entered one
 * component at a time without following symlinks; created when `create`.
 * Returns an fd or -errno with a message. */
static int open_dir_beneath(int dirfd, const char *rel, size_t len, bool create) {
        int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
        size_t pos = 0;

        if (fd < 0)
                return hostcaps_error(errno, "%s", strerror(errno));
        while (pos < len) {
                char comp[NAME_MAX + 1];
                size_t next = pos;
                while (next < len && rel[next] != '/')
                        next++;
                size_t n = next - pos;
                if (n == 0 || n > NAME_MAX || (n == 1 && rel[pos] == '.') ||
                    (n == 2 && rel[pos] == '.' && rel[pos + 1] == '.')) {
                        close(fd);
                        return hostcaps_error(EINVAL, "%.*s: not a plain relative path", (int)len, rel);
                }
                memcpy(comp, rel + pos, n);
                comp[n] = '\0';
                if (create) {
                        if (test_hook) {
                                char partial[PATH_MAX];
                                snprintf(partial, sizeof(partial), "%.*s", (int)next, rel);
                                hook("mkdir", partial);
                        }
                        if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
                                int err = errno;
                                close(fd);
                                return hostcaps_error(err, "%.*s: %s", (int)next, rel, strerror(err));
                        }
                }
                int sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int err = errno;
                close(fd);
                /* ENOTDIR here is something planted in the snapshot, not a
                 * live path that changed: never skipped, always -ELOOP. */
                if (sub < 0 && (err == ELOOP || err == ENOTDIR))
                        return hostcaps_error(ELOOP,
                                              "%.*s: not a directory (a symlink or a file is in the way)",
                                              (int)next, rel);
                if (sub < 0)
                        return hostcaps_error(err, "%.*s: %s", (int)next, rel, strerror(err));
                fd = sub;
                pos = next + 1;
        }
        return fd;
}

/* Split `rel` at its last '/': the parent opened (created) beneath dirfd,
 * the leaf name in *ret_leaf. */
static int open_parent_beneath(int dirfd, const char *rel, const char **ret_leaf) {
        const char *slash = strrchr(rel, '/');
        *ret_leaf = slash ? slash + 1 : rel;
        if (!**ret_leaf)
                return hostcaps_error(EINVAL, "%s: not a file name", rel);
        return open_dir_beneath(dirfd, rel, slash ? (size_t)(slash - rel) : 0, true);
}

/* A new file below dirfd: never an existing one, never through a link. */
static int create_file_beneath(int dirfd, const char *rel) {
        const char *leaf;
        int parent = open_parent_beneath(dirfd, rel, &leaf), fd;
        if (parent < 0)
                return parent;
        hook("create", rel);
        fd = openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        int err = errno;
        close(parent);
        if (fd < 0)
                return hostcaps_error(err, "%s: %s", rel,
                                      err == EEXIST ? "already exists (the directory is not ours alone)"
                                                    : strerror(err));
        return fd;
}

static int write_all(int fd, const char *rel, const void *data, size_t len) {
        const char *p = data;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return hostcaps_error(n < 0 ? errno : EIO, "writing %s: %s", rel,
                                              strerror(n < 0 ? errno : EIO));
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int hostcaps_snapshot_write_file(int dirfd, const char *rel, const void *data, size_t len) {
        int fd = create_file_beneath(dirfd, rel);
        if (fd < 0)
                return fd;
        int e = write_all(fd, rel, data, len);
        if (close(fd) < 0 && e >= 0)
                e = hostcaps_error(errno, "writing %s: %s", rel, strerror(errno));
        return e;
}

/* The symlink `rel` below dirfd pointing at `target`; an existing link with
 * the same target is fine (two paths met the same link). */
static int make_link_beneath(int dirfd, const char *rel, const char *target) {
        const char *leaf;
        int parent = open_parent_beneath(dirfd, rel, &leaf), e = 0;
        if (parent < 0)
                return parent;
        hook("symlink", rel);
        if (symlinkat(target, parent, leaf) < 0) {
                char have[PATH_MAX];
                ssize_t n = errno == EEXIST ? readlinkat(parent, leaf, have, sizeof(have) - 1) : -1;
                if (n < 0 || (size_t)n != strlen(target) || memcmp(have, target, (size_t)n) != 0)
                        e = hostcaps_error(EEXIST, "%s: something else is in the way of a recorded link",
                                           rel);
        }
        close(parent);
        return e;
}

/* The relative path from directory `from` to `to`, both canonical paths
 * relative to the root: it can never climb above the root. */
static int relative_target(const char *from, const char *to, char *buf, size_t size) {
        size_t common = 0, i = 0;
        /* The longest common prefix of whole components. */
        for (;; i++) {
                bool end_from = from[i] == '\0' || from[i] == '/', end_to = to[i] == '\0' || to[i] == '/';
                if (end_from && end_to) {
                        common = i;
                        if (from[i] == '\0' || to[i] == '\0')
                                break;
                } else if (from[i] != to[i])
                        break;
        }
        size_t len = 0;
        buf[0] = '\0';
        for (const char *c = from + common; *c;) {
                while (*c == '/')
                        c++;
                if (!*c)
                        break;
                len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "../");
                while (*c && *c != '/')
                        c++;
        }
        const char *rest = to + common;
        while (*rest == '/')
                rest++;
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s", *rest ? rest : ".");
        if (len >= size)
                return hostcaps_error(ENAMETOOLONG, "%s: link target too long", to);
        /* "x/../." for a link to an ancestor reads better as "..". */
        if (len > 2 && strcmp(buf + len - 2, "/.") == 0)
                buf[len - 2] = '\0';
        return 0;
}

/* Mirror the live path `rel` (relative to /) below dirfd, symlinks included,
 * and return its canonical form (no symlinks, relative) in canon. The last
 * component is created when it is a directory; a file is left to the
 * caller (*ret_is_file). */
static int mirror_path(int dirfd, const char *rel, char *canon, size_t canon_size, bool *ret_is_file,
                       unsigned depth) {
        size_t pos = 0, len = strlen(rel);

        if (depth > 16)
                return hostcaps_error(ELOOP, "%s: too many levels of links", rel);
        canon[0] = '\0';
        *ret_is_file = false;
        while (pos < len) {
                char live[PATH_MAX + 2], here[PATH_MAX];
                size_t next = pos;
                while (next < len && rel[next] != '/')
                        next++;
                if (next == pos) {
                        pos++;
                        continue;
                }
                int n = snprintf(here, sizeof(here), "%s%s%.*s", canon, *canon ? "/" : "", (int)(next - pos),
                                 rel + pos);
                if (n < 0 || (size_t)n >= sizeof(here) || (size_t)n >= canon_size)
                        return hostcaps_error(ENAMETOOLONG, "%s: path too long", rel);
                snprintf(live, sizeof(live), "/%s", here);

                struct stat st;
                if (lstat(live, &st) < 0)
                        return -errno; /* gone, or not ours to read: skipped */
                if (S_ISLNK(st.st_mode)) {
                        char resolved[PATH_MAX], target[PATH_MAX];
                        bool is_file;
                        if (!realpath(live, resolved))
                                return -errno;
                        /* The link as a relative link from its canonical
                         * directory to its target's canonical place. */
                        int e = relative_target(canon, resolved + 1, target, sizeof(target));
                        if (e >= 0)
                                e = make_link_beneath(dirfd, here, target);
                        if (e >= 0)
                                e = mirror_path(dirfd, resolved + 1, canon, canon_size, &is_file, depth + 1);
                        if (e < 0)
                                return e;
                        if (is_file) {
                                if (next < len)
                                        return -ENOTDIR;
                                *ret_is_file = true;
                        }
                } else if (S_ISDIR(st.st_mode)) {
                        int fd = open_dir_beneath(dirfd, here, strlen(here), true);
                        if (fd < 0)
                                return fd;
                        close(fd);
                        memcpy(canon, here, (size_t)n + 1);
                } else {
                        if (next < len)
                                return -ENOTDIR;
                        memcpy(canon, here, (size_t)n + 1);
                        *ret_is_file = true;
                }
                pos = next + 1;
        }
        return 0;
}

static int copy_file(int dirfd, const char *rel) {
        char live[PATH_MAX + 2], buf[65536];
        snprintf(live, sizeof(live), "/%s", rel);
        int in = open(live, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), out, e = 0;
        struct stat st;
        if (in < 0)
                return errno == ENOENT || errno == EACCES || errno == EPERM ? 0 : -errno;
        if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(in);
                return 0; /* the reader refuses anything else: nothing to record */
        }
        out = create_file_beneath(dirfd, rel);
        if (out < 0) {
                close(in);
                return out;
        }
        for (;;) {
                ssize_t n = read(in, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                /* Some sysfs files fail to read (EIO, ENODATA): record them empty. */
                if (n <= 0)
                        break;
                if ((e = write_all(out, rel, buf, (size_t)n)) < 0)
                        break;
        }
        close(in);
        if (close(out) < 0 && e >= 0)
                e = hostcaps_error(errno, "writing %s: %s", rel, strerror(errno));
        return e;
}

/* A directory listing: mirror its subdirectories and symlinks (a probe may
 * count them, as hugepage sizes or IOMMU groups); files inside it are
 * recorded only when a probe read them. `canon` is the listed directory's
 * canonical path. */
static int copy_listing(int dirfd, const char *canon) {
        char live[PATH_MAX + 2];
        snprintf(live, sizeof(live), "/%s", canon);
        DIR *d = opendir(live);
        struct dirent *de;
        int e = 0;
        if (!d)
                return 0;
        while (e >= 0 && (de = readdir(d))) {
                char child_canon[PATH_MAX];
                bool is_file;
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (de->d_type != DT_DIR && de->d_type != DT_LNK)
                        continue;
                char *child = hostcaps_strdup_printf("%s/%s", canon, de->d_name);
                if (!child) {
                        e = -ENOMEM;
                        break;
                }
                e = mirror_path(dirfd, child, child_canon, sizeof(child_canon), &is_file, 0);
                if (e == -ENOENT || e == -EACCES || e == -ENOTDIR)
                        e = 0;
                free(child);
        }
        closedir(d);
        return e;
}

static int write_meta(int dirfd, hostcaps_node *node) {
        struct utsname u;
        uname(&u);
        char *meta = hostcaps_strdup_printf(
                "# Recorded by hostcaps %s: facts of the host that are not files.\n"
                "arch=%s\npage_size=%llu\nkernel=%s\nmachine=%s\n",
                HOSTCAPS_VERSION_STRING, hostcaps_node_arch(node),
                (unsigned long long)hostcaps_node_page_size(node), u.release, u.machine);
        if (!meta)
                return -ENOMEM;
        int e = hostcaps_snapshot_write_file(dirfd, HOSTCAPS_SNAPSHOT_META, meta, strlen(meta));
        free(meta);
        return e;
}

/* The snapshot directory: created here, or an existing one that is a real
 * directory of the caller's, and empty. Returns an fd or -errno. */
static int open_snapshot_dir(const char *dir) {
        bool created = mkdir(dir, 0755) == 0;
        struct stat st;
        int fd;

        if (!created && errno != EEXIST)
                return hostcaps_error(errno, "cannot create '%s': %s", dir, strerror(errno));
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return hostcaps_error(errno, "cannot open '%s': %s", dir,
                                      errno == ELOOP || errno == ENOTDIR ? "not a directory (or a symlink)"
                                                                         : strerror(errno));
        if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
                close(fd);
                return hostcaps_error(EPERM,
                                      "'%s' belongs to another user: a snapshot is written only into a "
                                      "directory of the caller's own",
                                      dir);
        }
        if (!created) {
                DIR *d = fdopendir(fcntl(fd, F_DUPFD_CLOEXEC, 3));
                bool empty = d != NULL;
                for (struct dirent *de; d && (de = readdir(d));)
                        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                                empty = false;
                if (d)
                        closedir(d);
                if (!empty) {
                        close(fd);
                        return hostcaps_error(EEXIST, "'%s' is not empty", dir);
                }
        }
        /* Say so now, naming the directory, rather than at the first file. */
        if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
                int err = errno;
                close(fd);
                return hostcaps_error(err, "cannot write into '%s': %s", dir, strerror(err));
        }
        return fd;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Two traced paths may name one file (read twice, or through a link and
 * directly): every directory and link is mirrored first, then each
 * canonical file is copied once. */
static int record_paths(int dirfd, char **paths) {
        char **files = NULL;
        size_t n_files = 0, allocated = 0;
        int e = 0;

        for (size_t i = 0; paths[i] && e >= 0; i++) {
                char canon[PATH_MAX];
                char *p = paths[i];
                size_t len = strlen(p);
                bool listing = len > 0 && p[len - 1] == '/', is_file;
                if (listing)
                        p[--len] = '\0';
                if (strcmp(p, HOSTCAPS_SNAPSHOT_META) == 0 || strcmp(p, ".") == 0 || len == 0)
                        continue;
                /* Parents first (with their symlinks), then the thing itself. */
                e = mirror_path(dirfd, p, canon, sizeof(canon), &is_file, 0);
                if (e == -ENOENT || e == -EACCES || e == -ENOTDIR) {
                        e = 0;
                        continue;
                }
                if (e < 0)
                        break;
                if (listing && !is_file)
                        e = copy_listing(dirfd, canon);
                else if (is_file) {
                        char *c = strdup(canon);
                        if (!c || GROW(files, allocated, n_files + 1) < 0) {
                                free(c);
                                e = -ENOMEM;
                                break;
                        }
                        files[n_files++] = c;
                }
        }
        if (n_files)
                qsort(files, n_files, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n_files && e >= 0; i++)
                if (i == 0 || strcmp(files[i], files[i - 1]) != 0)
                        e = copy_file(dirfd, files[i]);
        for (size_t i = 0; i < n_files; i++)
                free(files[i]);
        free(files);
        return e;
}

HOSTCAPS_EXPORT int hostcaps_snapshot(const char *dir, unsigned int sections, unsigned int flags) {
        hostcaps_node *node = NULL;
        char **paths = NULL;
        int dirfd = -1, e;

        hostcaps_error_reset();
        if (!dir || !*dir)
                return hostcaps_error(EINVAL, "no snapshot directory given");
        if (flags != 0)
                return hostcaps_error(EINVAL, "unknown flags 0x%x", flags);
        if (sections & ~HOSTCAPS_SECTIONS_KNOWN || !sections)
                return hostcaps_error(EINVAL, "invalid sections 0x%x", sections);
        dirfd = open_snapshot_dir(dir);
        if (dirfd < 0)
                return dirfd;

        e = hostcaps_node_open(&node, "/", 0);
        if (e < 0)
                goto out;
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS && e >= 0; i++) {
                hostcaps_object *o = NULL;
                if (!(sections & (1u << i)) || !hostcaps_sections[i])
                        continue;
                e = hostcaps_node_get_object(node, 1u << i, HOSTCAPS_FLAG_REFRESH, &o);
                hostcaps_object_unref(o);
        }
        paths = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        if (e < 0)
                goto out;
        if (!paths) {
                e = -ENOMEM;
                goto out;
        }
        e = record_paths(dirfd, paths);
        if (e >= 0) {
                hostcaps_probe_ctx ctx;
                hostcaps_node_probe_ctx(node, &ctx);
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS && e >= 0; i++)
                        if ((sections & (1u << i)) && hostcaps_sections[i] && hostcaps_sections[i]->snapshot)
                                e = hostcaps_sections[i]->snapshot(&ctx, dirfd);
        }
        if (e >= 0) {
                hook("meta", HOSTCAPS_SNAPSHOT_META);
                e = write_meta(dirfd, node);
        }
out:
        hostcaps_strv_free(paths);
        hostcaps_node_unref(node);
        close(dirfd);
        return hostcaps_error_finish(e);
}
