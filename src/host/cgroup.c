/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CPUs another cgroup may use: an agent placing a workload needs the
 * workload's cpuset, not its own. */
#include "bitmap.h"
#include "error.h"
#include "hostcaps/cpuset.h"
#include "node.h"
#include "parse.h"

/* A cgroup path as the caller names it ("/kubepods/pod1/ctr", relative to
 * the cgroup mount): components without "." or "..", so it cannot leave the
 * cgroup tree. */
static bool cgroup_path_valid(const char *p) {
        for (const char *c = p; *c;) {
                while (*c == '/')
                        c++;
                size_t n = strcspn(c, "/");
                if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                c += n;
        }
        return strlen(p) < 2048;
}

HOSTCAPS_EXPORT int hostcaps_node_cgroup_cpus(hostcaps_node *node, const char *path, hostcaps_cpuset **ret) {
        hostcaps_reader *r;
        hostcaps_bitmap *b = NULL;
        int e;

        hostcaps_error_reset();
        if (!node || !path || !ret)
                return hostcaps_error(EINVAL, "invalid argument: node, path or ret is NULL");
        if (!cgroup_path_valid(path))
                return hostcaps_error(EINVAL, "invalid cgroup path '%.128s'", path);
        r = hostcaps_node_reader(node);
        if (!r)
                return hostcaps_error(EOPNOTSUPP, "%s is a loaded document: it has no cgroups",
                                      hostcaps_node_root(node));
        while (*path == '/')
                path++;
        /* cgroup v2: the unified hierarchy's cpuset.cpus.effective (5.0+);
         * v1: the cpuset controller's cpuset.effective_cpus (4.x+). */
        e = hostcaps_readf_cpulist(r, &b, "sys/fs/cgroup/%s%scpuset.cpus.effective", path, *path ? "/" : "");
        if (e == -ENOENT)
                e = hostcaps_readf_cpulist(r, &b, "sys/fs/cgroup/cpuset/%s%scpuset.effective_cpus", path,
                                           *path ? "/" : "");
        if (e < 0)
                return hostcaps_error_finish(e);
        *ret = (hostcaps_cpuset *)b;
        return 0;
}
