/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The isolation section: isolated and nohz_full CPUs, SMT control, CPU
 * vulnerabilities. Its object, formatting and accessors (the probe is in
 * probe.c). libvirt's XML has no place for any of it: the section writes no
 * XML (the document stays valid against libvirt's schema), and JSON and
 * text carry it. */
#include "host/error.h"
#include "host/jsonout.h"
#include "isolation.h"

static void isolation_free(hostcaps_object *o) {
        hostcaps_isolation *iso = (hostcaps_isolation *)o;
        free(iso->isolated);
        free(iso->nohz_full);
        free(iso->smt_control);
        for (size_t i = 0; i < iso->n_vulns; i++) {
                free(iso->vulns[i].name);
                free(iso->vulns[i].text);
        }
        free(iso->vulns);
}

static bool starts_with(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The forms of Documentation/ABI/testing/sysfs-devices-system-cpu and
 * admin-guide/hw-vuln: "Not affected"; "Vulnerable" alone or followed by
 * ": ...", "; ...", " (...)"; "Mitigation: ..."; "Unknown: ..." (a guest
 * that cannot tell). itlb_multihit words it "KVM: Mitigation: ...", "KVM:
 * Vulnerable", or "Processor vulnerable" where KVM is not loaded. Anything
 * else is unknown: the kernel's words stay beside the state. */
hostcaps_vulnerability_state hostcaps_vulnerability_parse(const char *text, bool *ret_smt_vulnerable) {
        /* "...; SMT vulnerable" (mds, taa, mmio_stale_data, l1tf), "...; SMT
         * Host state unknown" (the same in a guest): the mitigation does not
         * cover a sibling thread. */
        *ret_smt_vulnerable = strstr(text, "SMT vulnerable") || strstr(text, "SMT Host state unknown");
        if (starts_with(text, "KVM: "))
                text += 5;
        if (strcmp(text, "Not affected") == 0)
                return HOSTCAPS_VULNERABILITY_NOT_AFFECTED;
        if (starts_with(text, "Mitigation: "))
                return HOSTCAPS_VULNERABILITY_MITIGATED;
        if ((starts_with(text, "Vulnerable") && strchr(":; (", text[10])) ||
            strcmp(text, "Processor vulnerable") == 0)
                return HOSTCAPS_VULNERABILITY_AFFECTED;
        return HOSTCAPS_VULNERABILITY_UNKNOWN;
}

HOSTCAPS_EXPORT const char *hostcaps_vulnerability_state_to_string(hostcaps_vulnerability_state state) {
        switch (state) {
        case HOSTCAPS_VULNERABILITY_AFFECTED:
                return "affected";
        case HOSTCAPS_VULNERABILITY_MITIGATED:
                return "mitigated";
        case HOSTCAPS_VULNERABILITY_NOT_AFFECTED:
                return "not_affected";
        case HOSTCAPS_VULNERABILITY_UNKNOWN:
                return "unknown";
        }
        return NULL;
}

static int isolation_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_isolation *iso = (const hostcaps_isolation *)o;
        struct json_object *j = json_object_new_object(), *smt = json_object_new_object(), *a;
        int e = 0;

        hostcaps_json_set_str(&e, j, "isolated_cpus", iso->isolated);
        hostcaps_json_set_str(&e, j, "nohz_full_cpus", iso->nohz_full);
        hostcaps_json_set_str(&e, smt, "control", iso->smt_control);
        if (iso->smt_active < 0)
                hostcaps_json_set_null(&e, smt, "active");
        else
                hostcaps_json_set(&e, smt, "active", json_object_new_boolean(iso->smt_active));
        hostcaps_json_set(&e, j, "smt", smt);
        if (!iso->vulns_known)
                hostcaps_json_set_null(&e, j, "vulnerabilities");
        else {
                a = json_object_new_array();
                for (size_t i = 0; i < iso->n_vulns; i++) {
                        const hostcaps_vulnerability *v = &iso->vulns[i];
                        struct json_object *t = json_object_new_object();
                        hostcaps_json_set_str(&e, t, "name", v->name);
                        hostcaps_json_set(&e, t, "text", json_object_new_string(v->text ? v->text : ""));
                        hostcaps_json_set_str(&e, t, "state",
                                              hostcaps_vulnerability_state_to_string(v->state));
                        hostcaps_json_set(&e, t, "smt_vulnerable",
                                          json_object_new_boolean(v->smt_vulnerable));
                        hostcaps_json_append(&e, a, t);
                }
                hostcaps_json_set(&e, j, "vulnerabilities", a);
        }
        hostcaps_json_set(&e, root, "isolation", j);
        return e;
}

static int isolation_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_isolation *iso = (const hostcaps_isolation *)o;
        hostcaps_buf_printf(b, "%-24s %s\n", "Isolated CPUs:",
                            !iso->isolated   ? "unknown"
                            : *iso->isolated ? iso->isolated
                                             : "none");
        hostcaps_buf_printf(b, "%-24s %s\n", "nohz_full CPUs:",
                            !iso->nohz_full   ? "unknown"
                            : *iso->nohz_full ? iso->nohz_full
                                              : "none");
        hostcaps_buf_printf(b, "%-24s %s, %s\n",
                            "SMT control:", iso->smt_control ? iso->smt_control : "unknown",
                            iso->smt_active < 0    ? "activity unknown"
                            : iso->smt_active == 1 ? "active"
                                                   : "inactive");
        if (!iso->vulns_known)
                hostcaps_buf_printf(b, "%-24s %s\n", "Vulnerabilities:", "unknown");
        /* One column of names, as wide as the longest (24 at least, as the labels). */
        int width = 24;
        for (size_t i = 0; i < iso->n_vulns; i++)
                if (strlen(iso->vulns[i].name) > (size_t)width && strlen(iso->vulns[i].name) < 64)
                        width = (int)strlen(iso->vulns[i].name);
        for (size_t i = 0; i < iso->n_vulns; i++) {
                const hostcaps_vulnerability *v = &iso->vulns[i];
                hostcaps_buf_printf(b, "%-*s %-12s %s\n", width, v->name,
                                    hostcaps_vulnerability_state_to_string(v->state), v->text ? v->text : "");
        }
        return 0;
}

const hostcaps_section_ops hostcaps_isolation_ops = {
        .name = "isolation",
        .flag = HOSTCAPS_SECTION_ISOLATION,
        .object_size = sizeof(hostcaps_isolation),
        .free_object = isolation_free,
        .probe = hostcaps_isolation_probe,
        .stamp = hostcaps_isolation_stamp,
        .xml = NULL, /* libvirt's document has no place for it */
        .json = isolation_json,
        .text = isolation_text,
        .from_xml = hostcaps_isolation_from_xml,
};

HOSTCAPS_DEFINE_SECTION_API(isolation, HOSTCAPS_SECTION_ISOLATION);

HOSTCAPS_EXPORT const char *hostcaps_isolation_isolated_cpus(const hostcaps_isolation *iso) {
        return iso ? iso->isolated : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_isolation_nohz_full_cpus(const hostcaps_isolation *iso) {
        return iso ? iso->nohz_full : NULL;
}

HOSTCAPS_EXPORT int hostcaps_isolation_isolated_cpuset(const hostcaps_isolation *iso, hostcaps_cpuset **ret) {
        if (!iso)
                return hostcaps_error(EINVAL, "invalid argument: isolation is NULL");
        return hostcaps_cpuset_of_accessor(iso->isolated, "the isolated CPUs", ret);
}

HOSTCAPS_EXPORT int hostcaps_isolation_nohz_full_cpuset(const hostcaps_isolation *iso,
                                                        hostcaps_cpuset **ret) {
        if (!iso)
                return hostcaps_error(EINVAL, "invalid argument: isolation is NULL");
        return hostcaps_cpuset_of_accessor(iso->nohz_full, "the nohz_full CPUs", ret);
}

HOSTCAPS_EXPORT const char *hostcaps_isolation_smt_control(const hostcaps_isolation *iso) {
        return iso ? iso->smt_control : NULL;
}

HOSTCAPS_EXPORT int hostcaps_isolation_smt_active(const hostcaps_isolation *iso, bool *ret) {
        if (!iso)
                return hostcaps_error(EINVAL, "invalid argument: isolation is NULL");
        if (iso->smt_active < 0)
                return hostcaps_error(ENODATA, "whether SMT is active is not known");
        if (ret)
                *ret = iso->smt_active > 0;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_isolation_vulnerabilities_known(const hostcaps_isolation *iso) {
        if (!iso)
                return hostcaps_error(EINVAL, "invalid argument: isolation is NULL");
        return iso->vulns_known ? 0 : hostcaps_error(ENODATA, "the CPU vulnerabilities are not known");
}

HOSTCAPS_EXPORT size_t hostcaps_isolation_n_vulnerabilities(const hostcaps_isolation *iso) {
        return iso ? iso->n_vulns : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_isolation_vulnerability_name(const hostcaps_isolation *iso, size_t i) {
        return iso && i < iso->n_vulns ? iso->vulns[i].name : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_isolation_vulnerability_text(const hostcaps_isolation *iso, size_t i) {
        return iso && i < iso->n_vulns ? iso->vulns[i].text : NULL;
}

HOSTCAPS_EXPORT hostcaps_vulnerability_state
hostcaps_isolation_vulnerability_state(const hostcaps_isolation *iso, size_t i) {
        return iso && i < iso->n_vulns ? iso->vulns[i].state : HOSTCAPS_VULNERABILITY_UNKNOWN;
}

HOSTCAPS_EXPORT bool hostcaps_isolation_vulnerability_smt_vulnerable(const hostcaps_isolation *iso,
                                                                     size_t i) {
        return iso && i < iso->n_vulns && iso->vulns[i].smt_vulnerable;
}

HOSTCAPS_EXPORT int hostcaps_isolation_vulnerability_index(const hostcaps_isolation *iso, const char *name) {
        if (!iso || !name)
                return hostcaps_error(EINVAL, "invalid argument: isolation or name is NULL");
        for (size_t i = 0; i < iso->n_vulns; i++)
                if (strcmp(iso->vulns[i].name, name) == 0)
                        return (int)i;
        return hostcaps_error(ENOENT, "no vulnerability '%.64s'", name);
}
