/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probing the host section. Every value is optional (the read policy,
 * docs/architecture.md): a file that is absent says what it means (no UUID
 * source, no power management interface, no IOMMU); one that is there and
 * bad makes its value unknown, with the reason. */
#include "host/error.h"
#include "hostinfo.h"

static bool is_absent(int e) {
        return e == -ENOENT || e == -ENOTDIR;
}

/* The first source that holds a UUID. A source that is there but unreadable
 * or holds no UUID is the reason the UUID is unknown, when no later source
 * has one (product_uuid is readable by root only: a machine-id is enough). */
static int probe_uuid(hostcaps_reader *r, hostcaps_host *h) {
        static const struct {
                const char *path, *source;
        } sources[] = {
                /* product_uuid is readable by root only (mode 0400). */
                {"sys/class/dmi/id/product_uuid", "dmi"},
                /* 32 hex digits and a newline, systemd's machine-id(5). */
                {"etc/machine-id", "machine-id"},
        };
        _cleanup_free_ char *why = NULL;
        for (size_t i = 0; i < ELEMENTSOF(sources); i++) {
                _cleanup_free_ char *s = NULL;
                int e = hostcaps_read_string(r, sources[i].path, &s);
                if (e == -ENOMEM)
                        return e;
                if (e < 0 && !is_absent(e) && !why) {
                        const char *m = hostcaps_error_message();
                        if (!(why = strdup(m ? m : strerror(-e))))
                                return -ENOMEM;
                }
                hostcaps_error_reset();
                if (e < 0)
                        continue; /* missing or unreadable: try the next source */
                e = hostcaps_host_uuid_normalize(s, &h->uuid);
                if (e < 0)
                        return e;
                if (e > 0) {
                        h->uuid_source = sources[i].source;
                        return 0;
                }
                if (!why &&
                    !(why = *s ? hostcaps_strdup_printf("%s: no usable UUID in '%.64s'", sources[i].path, s)
                               : hostcaps_strdup_printf("%s: empty", sources[i].path)))
                        return -ENOMEM;
        }
        return why ? hostcaps_object_add_reason(&h->obj, "%s", why) : 0;
}

/* Whether a space-separated list holds a word; sysfs marks the current
 * choice in brackets ("[platform] shutdown reboot suspend"). */
static bool has_word(const char *list, const char *word) {
        size_t l = strlen(word);
        for (const char *p = list; (p = strstr(p, word)); p += l) {
                bool start = p == list || p[-1] == ' ' || p[-1] == '[';
                bool end = p[l] == '\0' || p[l] == ' ' || p[l] == ']' || p[l] == '\n';
                if (start && end)
                        return true;
        }
        return false;
}

/* Power management is one value: a bad state or disk file makes the
 * targets unknown. */
static int probe_pm(hostcaps_reader *r, hostcaps_host *h) {
        _cleanup_free_ char *state = NULL, *disk = NULL;
        /* "freeze mem disk" (since 2.6); "disk" is there when hibernation is configured. */
        int e = hostcaps_read_string(r, "sys/power/state", &state);
        if (is_absent(e))
                return 0; /* no power management interface: no targets */
        /* "[platform] shutdown reboot suspend test_resume"; "[disabled]" when
         * hibernation is off; absent without hibernation support. */
        if (e >= 0)
                e = hostcaps_read_string(r, "sys/power/disk", &disk);
        if (e < 0 && !is_absent(e)) {
                h->pm_unknown = e != -ENOMEM;
                return hostcaps_optional(&h->obj, e);
        }
        if (has_word(state, "mem"))
                h->pm |= HOSTCAPS_PM_SUSPEND_MEM;
        if (has_word(state, "disk") && disk && !has_word(disk, "disabled")) {
                h->pm |= HOSTCAPS_PM_SUSPEND_DISK;
                if (has_word(disk, "suspend") && (h->pm & HOSTCAPS_PM_SUSPEND_MEM))
                        h->pm |= HOSTCAPS_PM_SUSPEND_HYBRID;
        }
        return 0;
}

static int probe_iommu(hostcaps_reader *r, hostcaps_host *h) {
        char **names = NULL;
        size_t n = 0;
        /* One directory per IOMMU group; empty (or missing) without an IOMMU. */
        int e = hostcaps_read_dir(r, "sys/kernel/iommu_groups", &names, &n);
        hostcaps_strv_free(names);
        if (e >= 0 || is_absent(e)) {
                h->iommu = e >= 0 && n > 0;
                return 0;
        }
        h->iommu = -1;
        return hostcaps_optional(&h->obj, e);
}

int hostcaps_host_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        hostcaps_host *h;
        int r = hostcaps_object_new(HOSTCAPS_SECTION_HOST, &o);
        h = (hostcaps_host *)o;
        if (r >= 0)
                r = probe_uuid(ctx->reader, h);
        if (r >= 0)
                r = probe_pm(ctx->reader, h);
        if (r >= 0)
                r = probe_iommu(ctx->reader, h);
        return hostcaps_object_finish(o, r, ret);
}
