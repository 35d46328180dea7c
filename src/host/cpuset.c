/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public face of the library's bitmaps: sets of CPU or node ids. */
#include <sched.h>

#include "bitmap.h"
#include "section.h"
#include "error.h"
#include "hostcaps/cpuset.h"
#include "parse.h"

_Static_assert(HOSTCAPS_CPUSET_MAX_ID + 1 == HOSTCAPS_BITMAP_MAX, "one limit for ids");

/* A hostcaps_cpuset is a hostcaps_bitmap. */
#define B(s)  ((hostcaps_bitmap *)(s))
#define CB(s) ((const hostcaps_bitmap *)(s))

HOSTCAPS_EXPORT int hostcaps_cpuset_new(hostcaps_cpuset **ret) {
        if (!ret)
                return hostcaps_error(EINVAL, "invalid argument: ret is NULL");
        hostcaps_bitmap *b = hostcaps_bitmap_new();
        if (!b)
                return -ENOMEM;
        *ret = (hostcaps_cpuset *)b;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_cpuset_from_list(const char *list, hostcaps_cpuset **ret) {
        hostcaps_bitmap *b = NULL;
        if (!list || !ret)
                return hostcaps_error(EINVAL, "invalid argument: list or ret is NULL");
        int r = hostcaps_parse_cpulist(list, &b);
        if (r < 0)
                return r;
        *ret = (hostcaps_cpuset *)b;
        return 0;
}

HOSTCAPS_EXPORT hostcaps_cpuset *hostcaps_cpuset_free(hostcaps_cpuset *set) {
        hostcaps_bitmap_free(B(set));
        return NULL;
}

HOSTCAPS_EXPORT int hostcaps_cpuset_dup(const hostcaps_cpuset *set, hostcaps_cpuset **ret) {
        if (!set || !ret)
                return hostcaps_error(EINVAL, "invalid argument: set or ret is NULL");
        hostcaps_bitmap *b = hostcaps_bitmap_dup(CB(set));
        if (!b)
                return -ENOMEM;
        *ret = (hostcaps_cpuset *)b;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_cpuset_add(hostcaps_cpuset *set, unsigned int id) {
        if (!set)
                return hostcaps_error(EINVAL, "invalid argument: set is NULL");
        int r = hostcaps_bitmap_set(B(set), id);
        return r == -ERANGE ? hostcaps_error(ERANGE, "id %u is above %u", id, HOSTCAPS_CPUSET_MAX_ID) : r;
}

HOSTCAPS_EXPORT void hostcaps_cpuset_remove(hostcaps_cpuset *set, unsigned int id) {
        if (set)
                hostcaps_bitmap_clear(B(set), id);
}

HOSTCAPS_EXPORT bool hostcaps_cpuset_contains(const hostcaps_cpuset *set, unsigned int id) {
        return set && hostcaps_bitmap_test(CB(set), id);
}

HOSTCAPS_EXPORT size_t hostcaps_cpuset_count(const hostcaps_cpuset *set) {
        return set ? hostcaps_bitmap_count(CB(set)) : 0;
}

HOSTCAPS_EXPORT int hostcaps_cpuset_next(const hostcaps_cpuset *set, int prev) {
        if (!set || prev >= HOSTCAPS_CPUSET_MAX_ID)
                return -1;
        return hostcaps_bitmap_next(CB(set), prev < 0 ? 0 : (unsigned)prev + 1);
}

HOSTCAPS_EXPORT void hostcaps_cpuset_intersect(hostcaps_cpuset *a, const hostcaps_cpuset *b) {
        if (a && b)
                hostcaps_bitmap_and(B(a), CB(b));
}

HOSTCAPS_EXPORT int hostcaps_cpuset_union(hostcaps_cpuset *a, const hostcaps_cpuset *b) {
        if (!a || !b)
                return hostcaps_error(EINVAL, "invalid argument: a set is NULL");
        return hostcaps_bitmap_or(B(a), CB(b));
}

HOSTCAPS_EXPORT char *hostcaps_cpuset_to_list(const hostcaps_cpuset *set) {
        return set ? hostcaps_bitmap_format(CB(set)) : NULL;
}

HOSTCAPS_EXPORT int hostcaps_cpuset_to_cpu_set(const hostcaps_cpuset *set, void *mask, size_t setsize) {
        if (!set || !mask)
                return hostcaps_error(EINVAL, "invalid argument: set or mask is NULL");
        int last = hostcaps_bitmap_last(CB(set));
        if (last >= 0 && (size_t)last >= setsize * 8)
                return hostcaps_error(ERANGE, "CPU %d does not fit a cpu_set_t of %zu bytes", last, setsize);
        cpu_set_t *m = mask;
        CPU_ZERO_S(setsize, m);
        BITMAP_FOREACH(i, CB(set))
        CPU_SET_S((size_t)i, setsize, m);
        return 0;
}

/* The typed twin of an accessor returning a CPU list: the set of `list`, a
 * list the object stores (so well-formed); -ENODATA when the object does not
 * know it (NULL), naming `what`. */
int hostcaps_cpuset_of_accessor(const char *list, const char *what, hostcaps_cpuset **ret) {
        if (!ret)
                return hostcaps_error(EINVAL, "invalid argument: ret is NULL");
        if (!list)
                return hostcaps_error(ENODATA, "%s: not known", what);
        return hostcaps_cpuset_from_list(list, ret);
}
