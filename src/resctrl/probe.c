/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading sys/fs/resctrl (Documentation/filesystems/resctrl.rst in the
 * kernel; x86 since 4.10, the file system name since 4.14, arm64 MPAM since
 * 6.x). Nothing outside sys/fs/resctrl is read.
 *
 * "Absent" versus "broken": without a mounted file system there is no info
 * directory, and the section is present and empty. Inside info, each
 * resource directory is optional (a host may have only monitoring, only L3
 * allocation, ...), but a directory that is there must hold the files its
 * resource always has: a missing or malformed one is an error naming it. */
#include <ctype.h>
#include <stdio.h>

#include "host/error.h"
#include "host/parse.h"
#include "resctrl.h"

#define INFO_DIR RESCTRL_DIR "/info"

static int read_u32(hostcaps_reader *r, const char *res, const char *name, unsigned *ret) {
        uint64_t v;
        int e = hostcaps_readf_u64(r, &v, INFO_DIR "/%s/%s", res, name);
        if (e == -ENOENT)
                return hostcaps_error(ENOENT, INFO_DIR "/%s/%s: missing, though info/%s exists", res, name,
                                      res);
        if (e < 0)
                return e;
        if (v > UINT32_MAX)
                return hostcaps_error(ERANGE, INFO_DIR "/%s/%s: %llu is out of range", res, name,
                                      (unsigned long long)v);
        *ret = (unsigned)v;
        return 0;
}

/* cbm_mask: hexadecimal without a prefix ("fffff", "7ff"), at most 32 bits
 * wide on every kernel so far. */
static int read_cbm_mask(hostcaps_reader *r, const char *res, uint64_t *ret_mask, unsigned *ret_bits) {
        _cleanup_free_ char *s = NULL;
        const char *p;
        uint64_t mask = 0;
        size_t digits = 0;
        bool wide = false;
        int e = hostcaps_readf_string(r, &s, INFO_DIR "/%s/cbm_mask", res);
        if (e == -ENOENT)
                return hostcaps_error(ENOENT, INFO_DIR "/%s/cbm_mask: missing, though info/%s exists", res,
                                      res);
        if (e < 0)
                return e;
        p = s;
        while (isspace((unsigned char)*p))
                p++;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
        for (; isxdigit((unsigned char)*p); p++, digits++) {
                unsigned d = (unsigned)(isdigit((unsigned char)*p) ? *p - '0'
                                                                   : tolower((unsigned char)*p) - 'a' + 10);
                wide |= mask >> 60 != 0;
                mask = mask << 4 | d;
        }
        while (isspace((unsigned char)*p))
                p++;
        if (digits == 0 || *p || wide)
                return hostcaps_error(EINVAL, INFO_DIR "/%s/cbm_mask: invalid capacity bit mask '%.32s'", res,
                                      s);
        if (mask == 0)
                return hostcaps_error(EINVAL, INFO_DIR "/%s/cbm_mask: empty capacity bit mask '%.32s'", res,
                                      s);
        *ret_mask = mask;
        *ret_bits = (unsigned)__builtin_popcountll(mask);
        return 0;
}

static int add_cache_ctl(hostcaps_reader *r, hostcaps_resctrl *rc, size_t *allocated, const char *res,
                         unsigned level, hostcaps_cache_type type) {
        hostcaps_resctrl_cache_ctl c = {.level = level, .type = type};
        int e;
        /* Each "%u\n"; cbm_mask "%x\n". shareable_bits, bit_usage and
         * sparse_masks (later kernels) are not needed. */
        if ((e = read_u32(r, res, "num_closids", &c.num_closids)) < 0 ||
            (e = read_cbm_mask(r, res, &c.cbm_mask, &c.cbm_bits)) < 0 ||
            (e = read_u32(r, res, "min_cbm_bits", &c.min_cbm_bits)) < 0)
                return e;
        if (c.min_cbm_bits > c.cbm_bits)
                return hostcaps_error(EINVAL,
                                      INFO_DIR "/%s/min_cbm_bits: %u is more than the %u bits of cbm_mask",
                                      res, c.min_cbm_bits, c.cbm_bits);
        if (GROW(rc->ctls, *allocated, rc->n_ctls + 1) < 0)
                return -ENOMEM;
        rc->ctls[rc->n_ctls++] = c;
        return 0;
}

/* mon_features: one event name a line ("llc_occupancy\nmbm_total_bytes\n..."). */
static int read_features(hostcaps_reader *r, const char *res, hostcaps_resctrl *rc) {
        _cleanup_free_ char *s = NULL;
        size_t allocated = 0;
        int e = hostcaps_readf_string(r, &s, INFO_DIR "/%s/mon_features", res);
        if (e == -ENOENT)
                return hostcaps_error(ENOENT, INFO_DIR "/%s/mon_features: missing, though info/%s exists",
                                      res, res);
        if (e < 0)
                return e;
        for (char *save = NULL, *t = strtok_r(s, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
                if (GROW(rc->mon_features, allocated, rc->n_mon_features + 2) < 0 ||
                    !(rc->mon_features[rc->n_mon_features] = strdup(t)))
                        return -ENOMEM;
                rc->mon_features[++rc->n_mon_features] = NULL;
        }
        if (rc->n_mon_features == 0)
                return hostcaps_error(EINVAL, INFO_DIR "/%s/mon_features: no monitoring feature listed", res);
        return 0;
}

static int probe_monitor(hostcaps_reader *r, hostcaps_resctrl *rc, const char *res, unsigned level) {
        uint64_t v;
        int e;
        if (rc->has_mon)
                return 0; /* only L3_MON exists so far; keep the first */
        /* "%u\n" */
        if ((e = read_u32(r, res, "num_rmids", &rc->mon_rmids)) < 0)
                return e;
        /* "%u\n" bytes; absent when cache occupancy monitoring is not
         * supported. Optional: 0 (as absent) when unreadable, with a reason. */
        e = hostcaps_readf_u64(r, &v, INFO_DIR "/%s/max_threshold_occupancy", res);
        if (e < 0) {
                v = 0;
                if ((e = hostcaps_optional(&rc->obj, e)) < 0)
                        return e;
        }
        rc->mon_reuse_threshold = v;
        if ((e = read_features(r, res, rc)) < 0)
                return e;
        rc->has_mon = true;
        rc->mon_level = level;
        return 0;
}

/* In MBps mode, the root group's MB line: "MB:0=4294967295;1=4294967295"
 * (the default) or what was written. A value above 100 cannot be a percent. */
static int mb_values_above_percent(hostcaps_reader *r, hostcaps_resctrl *rc, bool *ret) {
        _cleanup_free_ char *s = NULL;
        int e = hostcaps_read_string(r, RESCTRL_DIR "/schemata", &s);
        *ret = false;
        if (e < 0) /* optional: the mode then reads as percent */
                return hostcaps_optional(&rc->obj, e);
        for (char *save = NULL, *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                while (isspace((unsigned char)*line))
                        line++;
                const char *p = startswith(line, "MB:");
                if (!p)
                        continue;
                /* "<id>=<value>;..." with values right-aligned on AMD ("1=  16"). */
                for (p = strchr(p, '='); p; p = strchr(p, '=')) {
                        unsigned long long v = strtoull(++p, NULL, 10);
                        if (v > 100)
                                *ret = true;
                }
        }
        return 0;
}

static int probe_mb(hostcaps_reader *r, hostcaps_resctrl *rc) {
        _cleanup_free_ char *mode = NULL;
        uint64_t v;
        int e;
        /* Each "%u\n": percent granularity and minimum on Intel, 1 and 0 on AMD. */
        if ((e = read_u32(r, "MB", "bandwidth_gran", &rc->mb_gran)) < 0 ||
            (e = read_u32(r, "MB", "min_bandwidth", &rc->mb_min)) < 0 ||
            (e = read_u32(r, "MB", "num_closids", &rc->mb_closids)) < 0)
                return e;
        /* "0" or "1", informational, since 4.18. */
        rc->mb_delay_linear = -1;
        e = hostcaps_readf_u64(r, &v, INFO_DIR "/MB/delay_linear");
        if (e >= 0)
                rc->mb_delay_linear = v != 0;
        else if ((e = hostcaps_optional(&rc->obj, e)) < 0)
                return e;
        /* "max" or "per-thread", Intel only, since 5.8. */
        e = hostcaps_read_string(r, INFO_DIR "/MB/thread_throttle_mode", &mode);
        if (e >= 0)
                rc->mb_throttle_mode = TAKE_PTR(mode);
        else if ((e = hostcaps_optional(&rc->obj, e)) < 0)
                return e;

        /* The software controller (mount option mba_MBps, since 4.18) shows
         * in the root group's mba_MBps_event (since 6.14); before that only
         * in the values, and only where values are percents (AMD's are in
         * 1/8 GB/s, 2048 by default, and AMD has no software controller). */
        e = hostcaps_read_exists(r, RESCTRL_DIR "/mba_MBps_event");
        if (e < 0 && (e = hostcaps_optional(&rc->obj, e)) < 0)
                return e;
        rc->mb_mbps = e > 0;
        if (!rc->mb_mbps && rc->mb_min > 0 && (e = mb_values_above_percent(r, rc, &rc->mb_mbps)) < 0)
                return e;
        rc->has_mb = true;
        return 0;
}

static int cmp_ctls(const void *a, const void *b) {
        const hostcaps_resctrl_cache_ctl *x = a, *y = b;
        if (x->level != y->level)
                return x->level < y->level ? -1 : 1;
        /* libvirt's order: both, code, data (the enum's). */
        return (int)x->type - (int)y->type;
}

int hostcaps_resctrl_probe_info(hostcaps_reader *r, hostcaps_resctrl *rc) {
        char **names = NULL;
        size_t allocated = 0;
        int e;

        /* The info directory exists exactly while the file system is mounted;
         * sys/fs/resctrl itself is an empty mount point otherwise (or missing
         * on kernels without resctrl). */
        e = hostcaps_read_dir(r, INFO_DIR, &names, NULL);
        if (e == -ENOENT || e == -ENOTDIR)
                return hostcaps_object_set_absent(&rc->obj, "resctrl not mounted");
        if (e < 0)
                return e;
        for (size_t i = 0; names[i] && e >= 0; i++) {
                const char *n = names[i];
                char *end;
                unsigned long level;

                if (strcmp(n, "MB") == 0) {
                        e = probe_mb(r, rc);
                        continue;
                }
                /* L3, L2; L3CODE/L3DATA, L2CODE/L2DATA with CDP; L3_MON. Others
                 * (last_cmd_status, SMBA, ...) are not described here. */
                if (n[0] != 'L' || !isdigit((unsigned char)n[1]))
                        continue;
                level = strtoul(n + 1, &end, 10);
                if (level == 0 || level > 15)
                        continue;
                if (*end == '\0')
                        e = add_cache_ctl(r, rc, &allocated, n, (unsigned)level, HOSTCAPS_CACHE_UNIFIED);
                else if (strcmp(end, "CODE") == 0)
                        e = add_cache_ctl(r, rc, &allocated, n, (unsigned)level, HOSTCAPS_CACHE_INSTRUCTION);
                else if (strcmp(end, "DATA") == 0)
                        e = add_cache_ctl(r, rc, &allocated, n, (unsigned)level, HOSTCAPS_CACHE_DATA);
                else if (strcmp(end, "_MON") == 0)
                        e = probe_monitor(r, rc, n, (unsigned)level);
        }
        hostcaps_strv_free(names);
        if (e < 0)
                return e;
        if (rc->n_ctls > 1) /* ctls is NULL without any */
                qsort(rc->ctls, rc->n_ctls, sizeof(*rc->ctls), cmp_ctls);
        return 0;
}
