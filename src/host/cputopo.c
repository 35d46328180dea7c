/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "cputopo.h"
#include "error.h"
#include "parse.h"

int hostcaps_read_online_cpus(hostcaps_reader *r, hostcaps_bitmap **ret) {
        /* "0-3,8-11\n" since 2.6.x; "" cannot happen (CPU 0 or another is online). */
        int e = hostcaps_read_cpulist(r, "sys/devices/system/cpu/online", ret);
        if (e != -ENOENT)
                return e;

        char **names = NULL;
        size_t n;
        _cleanup_bitmap_ hostcaps_bitmap *b = hostcaps_bitmap_new();
        if (!b)
                return -ENOMEM;
        e = hostcaps_read_dir(r, "sys/devices/system/cpu", &names, &n);
        if (e < 0)
                return e;
        for (size_t i = 0; i < n && e >= 0; i++) {
                const char *num = startswith(names[i], "cpu");
                uint64_t id, online;
                if (!num || !num[0] || (num[0] == '0' && num[1]) || hostcaps_parse_u64(num, &id) < 0)
                        continue;
                /* cpuN/online is "0" or "1"; absent for CPUs that cannot go offline.
                 * Absent too when cpuN itself went away since the listing (a CPU
                 * hot-removed mid-probe): that one is not counted. */
                int o = hostcaps_readf_u64(r, &online, "sys/devices/system/cpu/%s/online", names[i]);
                if (o == -ENOENT) {
                        o = hostcaps_readf_exists(r, "sys/devices/system/cpu/%s", names[i]);
                        if (o == 0)
                                continue;
                        online = 1;
                }
                if (o >= 0 && online)
                        e = id < HOSTCAPS_BITMAP_MAX ? hostcaps_bitmap_set(b, (unsigned) id) : 0;
                else if (o < 0)
                        e = o;
        }
        hostcaps_strv_free(names);
        if (e < 0)
                return e;
        hostcaps_error_reset();
        if (hostcaps_bitmap_is_empty(b))
                return hostcaps_error(ENOENT, "sys/devices/system/cpu: no online CPU found");
        *ret = TAKE_PTR(b);
        return 0;
}

static int read_id(hostcaps_reader *r, unsigned cpu, const char *name, unsigned dflt, unsigned *ret) {
        int64_t v;
        int e = hostcaps_readf_s64(r, &v, "sys/devices/system/cpu/cpu%u/topology/%s", cpu, name);
        if (e == -ENOENT) {
                *ret = dflt;
                return 0;
        }
        if (e < 0)
                return e;
        if (v > (int64_t) UINT32_MAX)
                return hostcaps_error(ERANGE, "sys/devices/system/cpu/cpu%u/topology/%s: %lld is out of range",
                                      cpu, name, (long long) v);
        *ret = v < 0 ? 0 : (unsigned) v;
        return 0;
}

int hostcaps_read_cpu_ids(hostcaps_reader *r, unsigned int cpu, hostcaps_cpu_ids *ret) {
        hostcaps_cpu_ids ids;
        int e;
        /* Each a decimal number and a newline; physical_package_id is -1 on
         * some virtual platforms. */
        if ((e = read_id(r, cpu, "physical_package_id", 0, &ids.socket)) < 0 ||
            (e = read_id(r, cpu, "die_id", 0, &ids.die)) < 0 ||
            (e = read_id(r, cpu, "cluster_id", 0, &ids.cluster)) < 0 ||
            (e = read_id(r, cpu, "core_id", cpu, &ids.core)) < 0)
                return e;
        hostcaps_error_reset();
        *ret = ids;
        return 0;
}
