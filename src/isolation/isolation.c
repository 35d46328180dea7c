/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The isolation section: isolated and nohz_full CPUs, SMT control, CPU
 * vulnerabilities. Its object, formatting and accessors (the probe is in
 * probe.c). libvirt's XML has no place for any of it: the section writes no
 * XML (the document stays valid against libvirt's schema), and JSON and
 * text carry it. */
#include "host/error.h"
#include "host/export.h"
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

/* Fleet exports: at the end of this file. */
static int isolation_nfd(hostcaps_export *x, const hostcaps_object *o);
static int isolation_prometheus(hostcaps_export *x, const hostcaps_object *o);

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
        .nfd = isolation_nfd,
        .prometheus = isolation_prometheus,
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

/* ---- fleet exports (docs/fleet.md) ------------------------------------ */

/* The number of CPUs of a known list; -1 when unknown or unreadable. */
static long list_count(const char *list) {
        hostcaps_cpuset *set = NULL;
        long n;
        int e;
        if (!list)
                return -ENODATA;
        /* Our own formatting: only -ENOMEM can fail, and the export must
         * fail with it rather than leave the label out. */
        if ((e = hostcaps_cpuset_from_list(list, &set)) < 0)
                return e;
        n = (long)hostcaps_cpuset_count(set);
        hostcaps_cpuset_free(set);
        return n;
}

/* Whether any vulnerability leaves SMT siblings exposed: 1, 0, -1 unknown. */
static int smt_exposed(const hostcaps_isolation *iso) {
        if (!iso->vulns_known)
                return -1;
        for (size_t i = 0; i < iso->n_vulns; i++)
                if (iso->vulns[i].smt_vulnerable)
                        return 1;
        return 0;
}

/* NFD: what a scheduler selects nodes by before it lets tenants share a
 * core: SMT control and state, whether a vulnerability leaves SMT siblings
 * exposed, each vulnerability's state, and how many CPUs the kernel keeps
 * out of load balancing (a count: selectors compare it with Gt/Lt). */
static int isolation_nfd(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_isolation *iso = (const hostcaps_isolation *)o;
        long n;
        if (iso->smt_control)
                hostcaps_nfd_label(x, "isolation.smt-control", NULL, iso->smt_control);
        if (iso->smt_active >= 0)
                hostcaps_nfd_label(x, "isolation.smt-active", NULL, iso->smt_active ? "true" : "false");
        if (smt_exposed(iso) >= 0)
                hostcaps_nfd_label(x, "isolation.smt-vulnerable", NULL, smt_exposed(iso) ? "true" : "false");
        if ((n = list_count(iso->isolated)) == -ENOMEM)
                return -ENOMEM;
        if (n >= 0)
                hostcaps_nfd_labelf(x, "isolation.isolated-cpus", NULL, "%ld", n);
        if ((n = list_count(iso->nohz_full)) == -ENOMEM)
                return -ENOMEM;
        if (n >= 0)
                hostcaps_nfd_labelf(x, "isolation.nohz-full-cpus", NULL, "%ld", n);
        for (size_t i = 0; iso->vulns_known && i < iso->n_vulns; i++)
                hostcaps_nfd_label(x, "isolation.vulnerability.", iso->vulns[i].name,
                                   hostcaps_vulnerability_state_to_string(iso->vulns[i].state));
        return 0;
}

/* Prometheus: counts and states as gauges; a vulnerability is one series
 * per name and state (about twenty per host). */
static int isolation_prometheus(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_isolation *iso = (const hostcaps_isolation *)o;
        long n;
        if ((n = list_count(iso->isolated)) == -ENOMEM)
                return -ENOMEM;
        if (n >= 0) {
                hostcaps_prom_family(x, "hostcaps_isolation_isolated_cpus",
                                     "CPUs isolated from the scheduler's load balancing (isolcpus=).");
                hostcaps_prom_sample(x, "hostcaps_isolation_isolated_cpus", (uint64_t)n, NULL);
        }
        if ((n = list_count(iso->nohz_full)) == -ENOMEM)
                return -ENOMEM;
        if (n >= 0) {
                hostcaps_prom_family(x, "hostcaps_isolation_nohz_full_cpus",
                                     "Adaptive-tick CPUs (nohz_full=).");
                hostcaps_prom_sample(x, "hostcaps_isolation_nohz_full_cpus", (uint64_t)n, NULL);
        }
        if (iso->smt_control) {
                const char *const pair[][2] = {{"control", iso->smt_control}};
                hostcaps_prom_info(x, "hostcaps_isolation_smt_info",
                                   "SMT control as the kernel words it; the value is always 1.", pair, 1);
        }
        if (iso->smt_active >= 0) {
                hostcaps_prom_family(x, "hostcaps_isolation_smt_active",
                                     "1 when SMT siblings are online, else 0.");
                hostcaps_prom_sample(x, "hostcaps_isolation_smt_active", (uint64_t)iso->smt_active, NULL);
        }
        if (smt_exposed(iso) >= 0) {
                hostcaps_prom_family(
                        x, "hostcaps_isolation_smt_vulnerable",
                        "1 when the kernel reports a CPU vulnerability that SMT siblings stay exposed to.");
                hostcaps_prom_sample(x, "hostcaps_isolation_smt_vulnerable", (uint64_t)smt_exposed(iso),
                                     NULL);
        }
        if (iso->vulns_known && iso->n_vulns) {
                hostcaps_prom_family(
                        x, "hostcaps_isolation_vulnerability",
                        "A CPU vulnerability the kernel reports, with its state (affected, mitigated, "
                        "not_affected, unknown); the value is always 1.");
                for (size_t i = 0; i < iso->n_vulns; i++) {
                        const char *const pairs[][2] = {
                                {"name", iso->vulns[i].name},
                                {"state", hostcaps_vulnerability_state_to_string(iso->vulns[i].state)}};
                        hostcaps_prom_sample_labels(x, "hostcaps_isolation_vulnerability", 1, pairs, 2);
                }
        }
        return 0;
}
