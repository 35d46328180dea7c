/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host section: the host's UUID, power management targets, IOMMU.
 * Every value is optional (the read policy, docs/architecture.md): a file
 * that is absent says what it means (no UUID source, no power management
 * interface, no IOMMU); one that is there and bad makes its value unknown,
 * with the reason. */
#include <ctype.h>
#include <stdio.h>

#include "host/error.h"
#include "host/jsonout.h"
#include "host/section.h"
#include "host/xmlread.h"
#include "hostcaps/host.h"

struct hostcaps_host {
        hostcaps_object obj;
        char *uuid;
        const char *uuid_source;
        unsigned int pm;
        bool pm_unknown;
        int iommu; /* 1 yes, 0 no, -1 unknown */
};

static void host_free(hostcaps_object *o) {
        hostcaps_host *h = (hostcaps_host *) o;
        free(h->uuid);
}

/* 32 hex digits, with or without dashes, as a lower-case 8-4-4-4-12 UUID.
 * All-zero and all-ones (firmware placeholders) are rejected. 1 and the UUID,
 * 0 for a value that is no UUID, -ENOMEM (which is not "no UUID": the next
 * source must not be tried instead). */
static int uuid_normalize(const char *s, char **ret) {
        char hex[33];
        size_t n = 0;
        for (; *s && n < 33; s++) {
                if (*s == '-')
                        continue;
                if (!isxdigit((unsigned char) *s))
                        return 0;
                hex[n++] = (char) tolower((unsigned char) *s);
        }
        if (n != 32 || *s)
                return 0;
        hex[32] = '\0';
        if (strspn(hex, "0") == 32 || strspn(hex, "f") == 32)
                return 0;
        *ret = hostcaps_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
        return *ret ? 1 : -ENOMEM;
}

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
                e = uuid_normalize(s, &h->uuid);
                if (e < 0)
                        return e;
                if (e > 0) {
                        h->uuid_source = sources[i].source;
                        return 0;
                }
                if (!why && !(why = *s ? hostcaps_strdup_printf("%s: no usable UUID in '%.64s'", sources[i].path, s)
                                       : hostcaps_strdup_printf("%s: empty", sources[i].path)))
                        return -ENOMEM;
        }
        return why ? hostcaps_object_add_reason(&h->obj, "%s", why) : 0;
}

/* libvirt's power management targets, in its order. */
static const struct {
        unsigned int flag;
        const char *name;
} pm_targets[] = {
        {HOSTCAPS_PM_SUSPEND_MEM, "suspend_mem"},
        {HOSTCAPS_PM_SUSPEND_DISK, "suspend_disk"},
        {HOSTCAPS_PM_SUSPEND_HYBRID, "suspend_hybrid"},
};

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

static int host_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_host *h = calloc(1, sizeof(*h));
        int r;
        if (!h)
                return -ENOMEM;
        hostcaps_object_init(&h->obj, HOSTCAPS_SECTION_HOST);
        r = probe_uuid(ctx->reader, h);
        if (r >= 0)
                r = probe_pm(ctx->reader, h);
        if (r >= 0)
                r = probe_iommu(ctx->reader, h);
        if (r < 0) {
                hostcaps_object_unref(&h->obj);
                return r;
        }
        *ret = &h->obj;
        return 0;
}

/* Unknown values are left out, as libvirt leaves out what it does not
 * know (both elements are optional in its schema). The writer's failure is
 * sticky and checked once per document. */
static int host_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_host *h = (const hostcaps_host *) o;

        switch (region) {
        case HOSTCAPS_XML_UUID:
                if (h->uuid)
                        hostcaps_xml_text(x, "uuid", h->uuid);
                break;
        case HOSTCAPS_XML_POWER_MANAGEMENT:
                if (h->pm_unknown)
                        break;
                hostcaps_xml_start(x, "power_management");
                for (size_t i = 0; i < ELEMENTSOF(pm_targets); i++)
                        if (h->pm & pm_targets[i].flag) {
                                hostcaps_xml_start(x, pm_targets[i].name);
                                hostcaps_xml_end(x);
                        }
                hostcaps_xml_end(x);
                break;
        case HOSTCAPS_XML_IOMMU:
                if (h->iommu < 0)
                        break;
                hostcaps_xml_start(x, "iommu");
                hostcaps_xml_attr(x, "support", h->iommu ? "yes" : "no");
                hostcaps_xml_end(x);
                break;
        default:
                break;
        }
        return 0;
}

static int host_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_host *h = (const hostcaps_host *) o;
        struct json_object *j = json_object_new_object();
        int e = 0;

        hostcaps_json_set_str(&e, j, "uuid", h->uuid);
        hostcaps_json_set_str(&e, j, "uuid_source", h->uuid_source);
        if (h->pm_unknown)
                hostcaps_json_set_null(&e, j, "power_management");
        else {
                struct json_object *pm = json_object_new_array();
                for (size_t i = 0; i < ELEMENTSOF(pm_targets); i++)
                        if (h->pm & pm_targets[i].flag)
                                hostcaps_json_append(&e, pm, json_object_new_string(pm_targets[i].name));
                hostcaps_json_set(&e, j, "power_management", pm);
        }
        if (h->iommu < 0)
                hostcaps_json_set_null(&e, j, "iommu");
        else
                hostcaps_json_set(&e, j, "iommu", json_object_new_boolean(h->iommu));
        hostcaps_json_set(&e, root, "host", j);
        return e;
}

static int host_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_host *h = (const hostcaps_host *) o;
        hostcaps_buf_printf(b, "%-24s %s%s%s%s\n", "Host UUID:", h->uuid ? h->uuid : "unknown",
                            h->uuid_source ? " (" : "", h->uuid_source ? h->uuid_source : "",
                            h->uuid_source ? ")" : "");
        hostcaps_buf_printf(b, "%-24s", "Power management:");
        for (size_t i = 0; !h->pm_unknown && i < ELEMENTSOF(pm_targets); i++)
                if (h->pm & pm_targets[i].flag)
                        hostcaps_buf_printf(b, " %s", pm_targets[i].name);
        hostcaps_buf_printf(b, " %s\n", h->pm_unknown ? "unknown" : h->pm ? "" : "none");
        hostcaps_buf_printf(b, "%-24s %s\n", "IOMMU:", h->iommu < 0 ? "unknown" : h->iommu ? "yes" : "no");
        return 0;
}

/* From a saved document: <uuid>, <power_management>, <iommu support>. */
static int host_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr host = d->host, uuid = hostcaps_xml_child(host, "uuid"),
                   pm = hostcaps_xml_child(host, "power_management"), iommu = hostcaps_xml_child(host, "iommu");
        hostcaps_host *h;
        int e = 0;

        if (!uuid && !pm && !iommu)
                return -ENODATA;
        if (!(h = calloc(1, sizeof(*h))))
                return -ENOMEM;
        hostcaps_object_init(&h->obj, HOSTCAPS_SECTION_HOST);
        if (uuid) {
                _cleanup_free_ char *s = NULL;
                e = hostcaps_xml_text_content(d, uuid, &s);
                if (e >= 0 && (e = uuid_normalize(s, &h->uuid)) == 0)
                        e = hostcaps_xml_error(d, uuid, "invalid <uuid> '%.64s'", s);
                h->uuid_source = "document";
        }
        /* What the document leaves out is unknown. */
        h->pm_unknown = !pm;
        h->iommu = -1;
        XML_FOREACH_CHILD(c, pm, NULL) {
                if (e < 0)
                        break;
                if (xmlStrEqual(c->name, BAD_CAST "suspend_mem"))
                        h->pm |= HOSTCAPS_PM_SUSPEND_MEM;
                else if (xmlStrEqual(c->name, BAD_CAST "suspend_disk"))
                        h->pm |= HOSTCAPS_PM_SUSPEND_DISK;
                else if (xmlStrEqual(c->name, BAD_CAST "suspend_hybrid"))
                        h->pm |= HOSTCAPS_PM_SUSPEND_HYBRID;
                else
                        e = hostcaps_xml_error(d, c, "unknown power management target <%s>", (const char *) c->name);
        }
        if (e >= 0 && iommu) {
                _cleanup_free_ char *s = NULL;
                e = hostcaps_xml_prop_str(d, iommu, "support", true, &s);
                if (e >= 0 && strcmp(s, "yes") != 0 && strcmp(s, "no") != 0)
                        e = hostcaps_xml_error(d, iommu, "<iommu> attribute 'support': invalid value '%.16s'", s);
                h->iommu = e >= 0 && strcmp(s, "yes") == 0;
        }
        if (e < 0) {
                hostcaps_object_unref(&h->obj);
                return e;
        }
        *ret = &h->obj;
        return 0;
}

const hostcaps_section_ops hostcaps_host_ops = {
        .name = "host",
        .flag = HOSTCAPS_SECTION_HOST,
        .object_size = sizeof(hostcaps_host),
        .free_object = host_free,
        .probe = host_probe,
        .stamp = NULL, /* none of it changes while the host runs */
        .xml = host_xml,
        .json = host_json,
        .text = host_text,
        .from_xml = host_from_xml,
};

HOSTCAPS_DEFINE_SECTION_API(host, HOSTCAPS_SECTION_HOST);

HOSTCAPS_EXPORT const char *hostcaps_host_uuid(const hostcaps_host *host) {
        return host ? host->uuid : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_host_uuid_source(const hostcaps_host *host) {
        return host ? host->uuid_source : NULL;
}

HOSTCAPS_EXPORT unsigned int hostcaps_host_power_management(const hostcaps_host *host) {
        return host ? host->pm : 0;
}

HOSTCAPS_EXPORT bool hostcaps_host_power_management_known(const hostcaps_host *host) {
        return host && !host->pm_unknown;
}

HOSTCAPS_EXPORT bool hostcaps_host_iommu(const hostcaps_host *host) {
        return host && host->iommu > 0;
}

HOSTCAPS_EXPORT int hostcaps_host_iommu_support(const hostcaps_host *host) {
        return host ? host->iommu : -1;
}
