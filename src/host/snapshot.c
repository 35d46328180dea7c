/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Recording a sysroot of the live host: probe the requested sections with
 * the reader's trace on, then copy what they touched. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "error.h"
#include "hostcaps/snapshot.h"
#include "hostcaps/version.h"
#include "node.h"

/* Create every directory of `rel` (relative to dirfd) below the snapshot,
 * recreating the symlinks met on the live host at the same places, so that
 * relative links inside /sys keep resolving. `rel` ends at `upto`
 * characters. */
static int mirror_path(int dirfd, const char *rel, size_t upto) {
        char partial[PATH_MAX], live[PATH_MAX + 1];
        size_t pos = 0;

        while (pos < upto) {
                size_t next = pos;
                while (next < upto && rel[next] != '/')
                        next++;
                if (next >= sizeof(partial))
                        return hostcaps_error(ENAMETOOLONG, "%s: path too long", rel);
                memcpy(partial, rel, next);
                partial[next] = '\0';
                snprintf(live, sizeof(live), "/%s", partial);

                struct stat st;
                if (lstat(live, &st) < 0)
                        return -errno;
                if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t n = readlink(live, target, sizeof(target) - 1);
                        if (n < 0)
                                return hostcaps_error(errno, "%s: %s", live, strerror(errno));
                        target[n] = '\0';
                        if (target[0] == '/') {
                                /* Absolute links are rewritten relative, so that
                                 * nothing written below them leaves the snapshot. */
                                char rewritten[PATH_MAX] = "";
                                for (const char *c = strchr(partial, '/'); c; c = strchr(c + 1, '/'))
                                        strncat(rewritten, "../", sizeof(rewritten) - strlen(rewritten) - 1);
                                strncat(rewritten, target + 1, sizeof(rewritten) - strlen(rewritten) - 1);
                                snprintf(target, sizeof(target), "%s", rewritten);
                        }
                        if (symlinkat(target, dirfd, partial) < 0 && errno != EEXIST)
                                return hostcaps_error(errno, "snapshot: %s: %s", partial, strerror(errno));
                        /* Make sure what the link points at exists below the
                         * snapshot too: resolve it in the live tree, relative
                         * to the snapshot root. */
                        char resolved[PATH_MAX];
                        if (!realpath(live, resolved))
                                return -errno;
                        int e = mirror_path(dirfd, resolved + 1, strlen(resolved + 1));
                        if (e < 0)
                                return e;
                } else if (S_ISDIR(st.st_mode)) {
                        if (mkdirat(dirfd, partial, 0755) < 0 && errno != EEXIST)
                                return hostcaps_error(errno, "snapshot: %s: %s", partial, strerror(errno));
                } else
                        return 0; /* a file: the caller copies it */
                pos = next + 1;
        }
        return 0;
}

static int copy_file(int dirfd, const char *rel) {
        char live[PATH_MAX + 1], buf[65536];
        snprintf(live, sizeof(live), "/%s", rel);
        int in = open(live, O_RDONLY | O_CLOEXEC), out, e = 0;
        if (in < 0)
                return errno == ENOENT || errno == EACCES || errno == EPERM ? 0 : -errno;
        out = openat(dirfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (out < 0) {
                e = errno == EEXIST || errno == ELOOP ? 0 : hostcaps_error(errno, "snapshot: %s: %s", rel, strerror(errno));
                close(in);
                return e;
        }
        for (;;) {
                ssize_t n = read(in, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        /* Some sysfs files fail to read (EIO, ENODATA): record them empty. */
                        break;
                }
                if (n == 0)
                        break;
                if (write(out, buf, (size_t) n) != n) {
                        e = hostcaps_error(errno, "snapshot: %s: %s", rel, strerror(errno));
                        break;
                }
        }
        close(in);
        close(out);
        return e;
}

/* A directory listing: mirror its subdirectories and symlinks (a probe may
 * count them, as hugepage sizes or IOMMU groups); files inside it are
 * recorded only when a probe read them. */
static int copy_listing(int dirfd, const char *rel) {
        char live[PATH_MAX + 1];
        snprintf(live, sizeof(live), "/%s", rel);
        DIR *d = opendir(live);
        struct dirent *de;
        int e = 0;
        if (!d)
                return 0;
        while (e >= 0 && (de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (de->d_type != DT_DIR && de->d_type != DT_LNK)
                        continue;
                char *child = hostcaps_strdup_printf("%s/%s", rel, de->d_name);
                if (!child) {
                        e = -ENOMEM;
                        break;
                }
                e = mirror_path(dirfd, child, strlen(child));
                if (e == -ENOENT)
                        e = 0;
                free(child);
        }
        closedir(d);
        return e;
}

static int write_meta(int dirfd, hostcaps_node *node) {
        struct utsname u;
        FILE *f;
        int fd = openat(dirfd, HOSTCAPS_SNAPSHOT_META, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return hostcaps_error(errno, "snapshot: %s: %s", HOSTCAPS_SNAPSHOT_META, strerror(errno));
        f = fdopen(fd, "w");
        if (!f) {
                close(fd);
                return -ENOMEM;
        }
        uname(&u);
        fprintf(f, "# Recorded by hostcaps %s: facts of the host that are not files.\n",
                HOSTCAPS_VERSION_STRING);
        fprintf(f, "arch=%s\npage_size=%llu\nkernel=%s\nmachine=%s\n", hostcaps_node_arch(node),
                (unsigned long long) hostcaps_node_page_size(node), u.release, u.machine);
        return fclose(f) == 0 ? 0 : hostcaps_error(EIO, "snapshot: writing %s failed", HOSTCAPS_SNAPSHOT_META);
}

HOSTCAPS_EXPORT int hostcaps_snapshot(const char *dir, unsigned int sections, unsigned int flags) {
        hostcaps_node *node = NULL;
        char **paths = NULL;
        int dirfd = -1, e;

        if (!dir || !*dir)
                return hostcaps_error(EINVAL, "snapshot: no directory given");
        if (flags != 0)
                return hostcaps_error(EINVAL, "snapshot: unknown flags 0x%x", flags);
        if (sections & ~(unsigned) HOSTCAPS_SECTION_ALL || !sections)
                return hostcaps_error(EINVAL, "snapshot: invalid sections 0x%x", sections);
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return hostcaps_error(errno, "snapshot: cannot create '%s': %s", dir, strerror(errno));
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return hostcaps_error(errno, "snapshot: cannot open '%s': %s", dir, strerror(errno));
        DIR *d = fdopendir(dup(dirfd));
        for (struct dirent *de; d && (de = readdir(d));)
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                        closedir(d);
                        close(dirfd);
                        return hostcaps_error(EEXIST, "snapshot: '%s' is not empty", dir);
                }
        if (d)
                closedir(d);

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
        for (size_t i = 0; paths[i] && e >= 0; i++) {
                char *p = paths[i];
                size_t len = strlen(p);
                bool listing = len > 0 && p[len - 1] == '/';
                if (listing)
                        p[--len] = '\0';
                if (strcmp(p, HOSTCAPS_SNAPSHOT_META) == 0 || strcmp(p, ".") == 0)
                        continue;
                /* Parents first (with their symlinks), then the thing itself. */
                e = mirror_path(dirfd, p, len);
                if (e == -ENOENT || e == -EACCES) {
                        e = 0;
                        continue;
                }
                if (e >= 0)
                        e = listing ? copy_listing(dirfd, p) : copy_file(dirfd, p);
        }
        if (e >= 0) {
                hostcaps_probe_ctx ctx;
                hostcaps_node_probe_ctx(node, &ctx);
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS && e >= 0; i++)
                        if ((sections & (1u << i)) && hostcaps_sections[i] && hostcaps_sections[i]->snapshot)
                                e = hostcaps_sections[i]->snapshot(&ctx, dirfd);
        }
        if (e >= 0)
                e = write_meta(dirfd, node);
out:
        hostcaps_strv_free(paths);
        hostcaps_node_unref(node);
        close(dirfd);
        return e;
}
