/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writers shared by the sections' NFD and Prometheus exports. */
#include <ctype.h>
#include <stdio.h>

#include "export.h"

static bool label_char(char c) {
        return isascii((unsigned char)c) && (isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.');
}

bool hostcaps_label_valid(const char *s) {
        size_t n = s ? strlen(s) : 0;
        if (n == 0 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]) ||
            !isascii((unsigned char)s[0]) || !isascii((unsigned char)s[n - 1]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!label_char(s[i]))
                        return false;
        return true;
}

/* A name read from the host, in a comment: printable ASCII only, at most 80
 * characters (the rest is "..."), so no byte of it can end the comment. */
static void put_shown(hostcaps_buf *b, const char *s) {
        size_t i = 0;
        for (; s[i] && i < 80; i++) {
                char c[2] = {(unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?', 0};
                hostcaps_buf_puts(b, c);
        }
        if (s[i])
                hostcaps_buf_puts(b, "...");
}

void hostcaps_nfd_label(hostcaps_export *x, const char *name, const char *suffix, const char *value) {
        _cleanup_free_ char *full =
                hostcaps_strdup_printf("%s%s%s", HOSTCAPS_NFD_PREFIX, name, suffix ? suffix : "");
        const char *why = NULL;

        if (!full) {
                x->out.failed = true;
                return;
        }
        if (!value) /* not known: no label, nothing to say */
                return;
        if (!hostcaps_label_valid(full))
                why = strlen(full) > 63 ? "the name is longer than 63 characters"
                                        : "the name is not a valid Kubernetes label name";
        else if (!hostcaps_label_valid(value))
                why = strlen(value) > 63 ? "the value is longer than 63 characters"
                                         : "the value is not a valid Kubernetes label value";
        if (!why) {
                hostcaps_buf_printf(&x->out, "%s=%s\n", full, value);
                return;
        }
        x->n_left_out++;
        hostcaps_buf_puts(&x->out, "# hostcaps: left out ");
        put_shown(&x->out, full);
        hostcaps_buf_printf(&x->out, ": %s\n", why);
}

void hostcaps_nfd_labelf(hostcaps_export *x, const char *name, const char *suffix, const char *fmt, ...) {
        _cleanup_free_ char *value = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&value, fmt, ap) < 0) {
                value = NULL;
                x->out.failed = true;
        }
        va_end(ap);
        if (value)
                hostcaps_nfd_label(x, name, suffix, value);
}

void hostcaps_prom_family(hostcaps_export *x, const char *name, const char *help) {
        hostcaps_buf_printf(&x->out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

void hostcaps_prom_sample(hostcaps_export *x, const char *name, uint64_t value, const char *labels_fmt, ...) {
        hostcaps_buf_puts(&x->out, name);
        if (labels_fmt) {
                _cleanup_free_ char *labels = NULL;
                va_list ap;
                va_start(ap, labels_fmt);
                if (vasprintf(&labels, labels_fmt, ap) < 0) {
                        labels = NULL;
                        x->out.failed = true;
                }
                va_end(ap);
                if (labels)
                        hostcaps_buf_printf(&x->out, "{%s}", labels);
        }
        hostcaps_buf_printf(&x->out, " %llu\n", (unsigned long long)value);
}

static void put_label_value(hostcaps_buf *b, const char *s) {
        for (; *s; s++) {
                char c[2] = {*s, 0};
                hostcaps_buf_puts(b, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : c);
        }
}

void hostcaps_prom_sample_labels(hostcaps_export *x, const char *name, uint64_t value,
                                 const char *const (*pairs)[2], size_t n_pairs) {
        bool first = true;
        hostcaps_buf_puts(&x->out, name);
        for (size_t i = 0; i < n_pairs; i++) {
                if (!pairs[i][1])
                        continue;
                hostcaps_buf_printf(&x->out, "%s%s=\"", first ? "{" : ",", pairs[i][0]);
                put_label_value(&x->out, pairs[i][1]);
                hostcaps_buf_puts(&x->out, "\"");
                first = false;
        }
        hostcaps_buf_printf(&x->out, "%s %llu\n", first ? "" : "}", (unsigned long long)value);
}

void hostcaps_prom_sample_label(hostcaps_export *x, const char *name, uint64_t value, const char *key,
                                const char *label_value) {
        const char *const pair[][2] = {{key, label_value}};
        hostcaps_prom_sample_labels(x, name, value, pair, 1);
}

void hostcaps_prom_info(hostcaps_export *x, const char *name, const char *help, const char *const (*pairs)[2],
                        size_t n_pairs) {
        hostcaps_prom_family(x, name, help);
        hostcaps_prom_sample_labels(x, name, 1, pairs, n_pairs);
}
