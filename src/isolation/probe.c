/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probing the isolation section. Every value is optional (the read policy,
 * docs/architecture.md): a missing file makes its value unknown without a
 * word (the kernel is older, or built without the feature); one that is
 * there and bad makes its value unknown with the reason. The section always
 * exists. */
#include "host/error.h"
#include "host/parse.h"
#include "isolation.h"

#define CPU_DIR "sys/devices/system/cpu"

static bool is_absent(int e) {
        return e == -ENOENT || e == -ENOTDIR;
}

/* A CPU list file of the isolation facts into *ret (NULL when unknown). */
static int probe_list(hostcaps_reader *r, hostcaps_isolation *iso, const char *path, char **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *b = NULL;
        _cleanup_free_ char *s = NULL;
        /* "2-5\n", "\n" for none. nohz_full said "(null)\n" for none on
         * kernels built with NO_HZ_FULL and booted without nohz_full= (before
         * 5.x); isolated exists since 4.2, nohz_full only with NO_HZ_FULL. */
        int e = hostcaps_read_string(r, path, &s);
        if (e >= 0 && strcmp(s, "(null)") == 0)
                s[0] = '\0';
        if (e >= 0 && (e = hostcaps_parse_cpulist(s, &b)) < 0 && e != -ENOMEM) {
                /* The parser's words ("invalid CPU list '3-1': range is reversed"), with the file. */
                _cleanup_free_ char *why = strdup(hostcaps_error_message() ? hostcaps_error_message() : "");
                e = why ? hostcaps_error(-e, "%s: %s", path, why) : -ENOMEM;
        }
        if (e >= 0) {
                *ret = hostcaps_bitmap_format(b);
                return *ret ? 0 : -ENOMEM;
        }
        return hostcaps_optional(&iso->obj, e);
}

static int probe_smt(hostcaps_reader *r, hostcaps_isolation *iso) {
        uint64_t active;
        /* "on", "off", "forceoff", "notsupported", "notimplemented" (since
         * 4.19); a thread count where the kernel lets one set it (6.6). */
        int e = hostcaps_read_string(r, CPU_DIR "/smt/control", &iso->smt_control);
        if (e >= 0 && !*iso->smt_control) {
                free(iso->smt_control);
                iso->smt_control = NULL;
                e = hostcaps_error(EBADMSG, CPU_DIR "/smt/control: empty");
        }
        if ((e = hostcaps_optional(&iso->obj, e)) < 0)
                return e;
        /* "1" when any CPU runs a sibling thread, else "0" (since 4.19). */
        iso->smt_active = -1;
        e = hostcaps_read_u64(r, CPU_DIR "/smt/active", &active);
        if (e >= 0 && active > 1)
                e = hostcaps_error(EBADMSG, CPU_DIR "/smt/active: invalid value '%llu'",
                                   (unsigned long long)active);
        if (e >= 0)
                iso->smt_active = (int)active;
        return hostcaps_optional(&iso->obj, e);
}

static int probe_vulnerabilities(hostcaps_reader *r, hostcaps_isolation *iso) {
        char **names = NULL;
        size_t n = 0;
        /* One file per vulnerability the kernel knows (since 4.15), named
         * after it; the listing is sorted. */
        int e = hostcaps_read_dir(r, CPU_DIR "/vulnerabilities", &names, &n);
        if (e < 0) {
                hostcaps_strv_free(names);
                return hostcaps_optional(&iso->obj, e);
        }
        iso->vulns = calloc(n ? n : 1, sizeof(*iso->vulns));
        e = iso->vulns ? 0 : -ENOMEM;
        for (size_t i = 0; i < n && e >= 0; i++) {
                hostcaps_vulnerability *v = &iso->vulns[iso->n_vulns++];
                v->name = names[i];
                names[i] = NULL;
                /* One line of the kernel's words: "Not affected",
                 * "Vulnerable...", "Mitigation: ...", "Unknown: ...". An
                 * unreadable one is listed, with its state unknown. */
                e = hostcaps_readf_string(r, &v->text, CPU_DIR "/vulnerabilities/%s", v->name);
                if (e >= 0)
                        v->state = hostcaps_vulnerability_parse(v->text, &v->smt_vulnerable);
                else if (is_absent(e))
                        e = hostcaps_error(-e, CPU_DIR "/vulnerabilities/%s: listed but unreadable", v->name);
                if (e < 0)
                        e = hostcaps_optional(&iso->obj, e);
        }
        /* The names not taken (the loop stops at -ENOMEM), then the array:
         * hostcaps_strv_free() would stop at the first taken one. */
        for (size_t i = iso->n_vulns; i < n; i++)
                free(names[i]);
        free(names);
        iso->vulns_known = e >= 0;
        return e;
}

int hostcaps_isolation_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        hostcaps_isolation *iso;
        int e = hostcaps_object_new(HOSTCAPS_SECTION_ISOLATION, &o);
        iso = (hostcaps_isolation *)o;
        if (e >= 0) {
                iso->smt_active = -1;
                e = probe_list(ctx->reader, iso, CPU_DIR "/isolated", &iso->isolated);
        }
        if (e >= 0)
                e = probe_list(ctx->reader, iso, CPU_DIR "/nohz_full", &iso->nohz_full);
        if (e >= 0)
                e = probe_smt(ctx->reader, iso);
        if (e >= 0)
                e = probe_vulnerabilities(ctx->reader, iso);
        return hostcaps_object_finish(o, e, ret);
}

/* What changes while the host runs: SMT switched at run time (echo off >
 * smt/control takes the siblings offline: smt/active, and the
 * vulnerabilities' "SMT vulnerable" / "SMT disabled", follow), and sibling
 * CPUs hot-plugged one by one (smt/active again, with control unchanged).
 * Two files, kept open on the live host. Not stamped: isolated and nohz_full
 * (set at boot), and a late microcode load (the kernel chooses mitigations
 * at boot and does not choose again; HOSTCAPS_FLAG_REFRESH reads the words
 * anew). */
int hostcaps_isolation_stamp(hostcaps_reader *r, uint64_t *stamp) {
        int e = hostcaps_stamp_add_file(r, CPU_DIR "/smt/control", stamp);
        if (e >= 0)
                e = hostcaps_stamp_add_file(r, CPU_DIR "/smt/active", stamp);
        return e;
}
