/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host section: the host's UUID, power management targets, IOMMU. Its
 * object, formatting and accessors (the probe is in probe.c, loading from a
 * document in load.c). */
#include <ctype.h>

#include "host/export.h"
#include "host/jsonout.h"
#include "hostinfo.h"

static void host_free(hostcaps_object *o) {
        hostcaps_host *h = (hostcaps_host *)o;
        free(h->uuid);
}

int hostcaps_host_uuid_normalize(const char *s, char **ret) {
        char hex[33];
        size_t n = 0;
        for (; *s && n < 33; s++) {
                if (*s == '-')
                        continue;
                if (!isxdigit((unsigned char)*s))
                        return 0;
                hex[n++] = (char)tolower((unsigned char)*s);
        }
        if (n != 32 || *s)
                return 0;
        hex[32] = '\0';
        if (strspn(hex, "0") == 32 || strspn(hex, "f") == 32)
                return 0;
        *ret = hostcaps_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                                      hex + 20);
        return *ret ? 1 : -ENOMEM;
}

/* libvirt's power management targets, in its order. */
const hostcaps_pm_target hostcaps_pm_targets[HOSTCAPS_N_PM_TARGETS] = {
        {HOSTCAPS_PM_SUSPEND_MEM, "suspend_mem"},
        {HOSTCAPS_PM_SUSPEND_DISK, "suspend_disk"},
        {HOSTCAPS_PM_SUSPEND_HYBRID, "suspend_hybrid"},
};

/* Unknown values are left out, as libvirt leaves out what it does not
 * know (both elements are optional in its schema). The writer's failure is
 * sticky and checked once per document. */
static void host_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_host *h = (const hostcaps_host *)o;

        switch (region) {
        case HOSTCAPS_XML_UUID:
                if (h->uuid)
                        hostcaps_xml_text(x, "uuid", h->uuid);
                break;
        case HOSTCAPS_XML_POWER_MANAGEMENT:
                if (h->pm_unknown)
                        break;
                hostcaps_xml_start(x, "power_management");
                for (size_t i = 0; i < HOSTCAPS_N_PM_TARGETS; i++)
                        if (h->pm & hostcaps_pm_targets[i].flag) {
                                hostcaps_xml_start(x, hostcaps_pm_targets[i].name);
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
}

static int host_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_host *h = (const hostcaps_host *)o;
        struct json_object *j = json_object_new_object();
        int e = 0;

        hostcaps_json_set_str(&e, j, "uuid", h->uuid);
        hostcaps_json_set_str(&e, j, "uuid_source", h->uuid_source);
        if (h->pm_unknown)
                hostcaps_json_set_null(&e, j, "power_management");
        else {
                struct json_object *pm = json_object_new_array();
                for (size_t i = 0; i < HOSTCAPS_N_PM_TARGETS; i++)
                        if (h->pm & hostcaps_pm_targets[i].flag)
                                hostcaps_json_append(&e, pm,
                                                     json_object_new_string(hostcaps_pm_targets[i].name));
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
        const hostcaps_host *h = (const hostcaps_host *)o;
        hostcaps_buf_printf(b, "%-24s %s%s%s%s\n", "Host UUID:", h->uuid ? h->uuid : "unknown",
                            h->uuid_source ? " (" : "", h->uuid_source ? h->uuid_source : "",
                            h->uuid_source ? ")" : "");
        hostcaps_buf_printf(b, "%-24s", "Power management:");
        for (size_t i = 0; !h->pm_unknown && i < HOSTCAPS_N_PM_TARGETS; i++)
                if (h->pm & hostcaps_pm_targets[i].flag)
                        hostcaps_buf_printf(b, " %s", hostcaps_pm_targets[i].name);
        hostcaps_buf_printf(b, " %s\n", h->pm_unknown ? "unknown" : h->pm ? "" : "none");
        hostcaps_buf_printf(b, "%-24s %s\n", "IOMMU:", h->iommu < 0 ? "unknown" : h->iommu ? "yes" : "no");
        return 0;
}

/* Fleet exports: at the end of this file. */
static int host_nfd(hostcaps_export *x, const hostcaps_object *o);
static int host_prometheus(hostcaps_export *x, const hostcaps_object *o);

const hostcaps_section_ops hostcaps_host_ops = {
        .name = "host",
        .flag = HOSTCAPS_SECTION_HOST,
        .object_size = sizeof(hostcaps_host),
        .free_object = host_free,
        .probe = hostcaps_host_probe,
        .stamp = NULL, /* none of it changes while the host runs */
        .xml = host_xml,
        .json = host_json,
        .text = host_text,
        .from_xml = hostcaps_host_from_xml,
        .nfd = host_nfd,
        .prometheus = host_prometheus,
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

/* ---- fleet exports (docs/fleet.md) ------------------------------------ */

/* NFD: IOMMU support and the power management targets, where known. The
 * UUID is one host's own: no label selects on it. */
static int host_nfd(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_host *h = (const hostcaps_host *)o;
        if (h->iommu >= 0)
                hostcaps_nfd_label(x, "host.iommu", NULL, h->iommu ? "true" : "false");
        for (size_t i = 0; !h->pm_unknown && i < HOSTCAPS_N_PM_TARGETS; i++)
                hostcaps_nfd_label(x, "host.power.", hostcaps_pm_targets[i].name,
                                   h->pm & hostcaps_pm_targets[i].flag ? "true" : "false");
        return 0;
}

/* Prometheus: the UUID as an info metric (one series per host), IOMMU
 * support as 0 or 1 where known. */
static int host_prometheus(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_host *h = (const hostcaps_host *)o;
        const char *const info[][2] = {{"uuid", h->uuid}};
        if (h->uuid)
                hostcaps_prom_info(x, "hostcaps_host_info", "The host's UUID; the value is always 1.", info,
                                   ELEMENTSOF(info));
        if (h->iommu >= 0) {
                hostcaps_prom_family(x, "hostcaps_host_iommu_supported",
                                     "1 when the host has an IOMMU, else 0.");
                hostcaps_prom_sample(x, "hostcaps_host_iommu_supported", (uint64_t)h->iommu, NULL);
        }
        return 0;
}
