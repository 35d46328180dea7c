/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "document.h"
#include "error.h"
#include "export.h"
#include "hostcaps/version.h"

/* The writer's failure is sticky: once a call failed (nesting too deep, an
 * end without a start, no memory), every later call does nothing, and the
 * document is checked once when it is finished (format_xml). The calls
 * return nothing: callers need not check each one. */
static bool xml_usable(hostcaps_xml_writer *w, bool ok) {
        if (w->out.failed || w->failed)
                return false;
        if (!ok)
                w->failed = true;
        return ok;
}

static void put_indent(hostcaps_xml_writer *w) {
        for (unsigned i = 0; i < w->depth; i++)
                hostcaps_buf_puts(&w->out, "  ");
}

/* Escape for text (attribute: also quotes and white space that attribute
 * normalization would eat). */
static void put_escaped(hostcaps_xml_writer *w, const char *s, bool attribute) {
        for (const char *p = s; *p; p++) {
                const char *rep = NULL;
                switch (*p) {
                case '&':
                        rep = "&amp;";
                        break;
                case '<':
                        rep = "&lt;";
                        break;
                case '>':
                        rep = "&gt;";
                        break;
                case '\'':
                        rep = attribute ? "&apos;" : NULL;
                        break;
                case '"':
                        rep = attribute ? "&quot;" : NULL;
                        break;
                case '\n':
                        rep = attribute ? "&#10;" : NULL;
                        break;
                case '\r':
                        rep = "&#13;";
                        break;
                case '\t':
                        rep = attribute ? "&#9;" : NULL;
                        break;
                default:
                        break;
                }
                if (rep)
                        hostcaps_buf_puts(&w->out, rep);
                else {
                        char c[2] = {*p, 0};
                        hostcaps_buf_puts(&w->out, c);
                }
        }
}

/* Close a pending start tag before content goes in. */
static void close_start_tag(hostcaps_xml_writer *w, bool newline) {
        if (!w->open_tag)
                return;
        hostcaps_buf_puts(&w->out, newline ? ">\n" : ">");
        w->open_tag = false;
}

void hostcaps_xml_start(hostcaps_xml *x, const char *element) {
        hostcaps_xml_writer *w = &x->w;
        if (!xml_usable(w, w->depth < HOSTCAPS_XML_MAX_DEPTH))
                return;
        close_start_tag(w, true);
        if (w->depth > 0)
                w->has_child[w->depth - 1] = true;
        put_indent(w);
        hostcaps_buf_printf(&w->out, "<%s", element);
        w->stack[w->depth] = element;
        w->has_child[w->depth] = false;
        w->depth++;
        w->open_tag = true;
}

void hostcaps_xml_end(hostcaps_xml *x) {
        hostcaps_xml_writer *w = &x->w;
        if (!xml_usable(w, w->depth > 0))
                return;
        w->depth--;
        if (w->open_tag) {
                hostcaps_buf_puts(&w->out, "/>\n");
                w->open_tag = false;
        } else {
                if (w->has_child[w->depth])
                        put_indent(w);
                hostcaps_buf_printf(&w->out, "</%s>\n", w->stack[w->depth]);
        }
}

static void put_attribute(hostcaps_xml *x, const char *name, const char *value) {
        hostcaps_xml_writer *w = &x->w;
        if (!xml_usable(w, w->open_tag))
                return;
        hostcaps_buf_printf(&w->out, " %s='", name);
        put_escaped(w, value, true);
        hostcaps_buf_puts(&w->out, "'");
}

static void put_content(hostcaps_xml *x, const char *value) {
        hostcaps_xml_writer *w = &x->w;
        if (!xml_usable(w, w->depth > 0))
                return;
        close_start_tag(w, false);
        put_escaped(w, value, false);
}

/* Values come from files of the probed root: untrusted bytes. Invalid UTF-8
 * or a control character would make the document unreadable (libxml2 writes
 * "&#1;", which no XML 1.0 parser accepts); each becomes U+FFFD. An
 * allocation that failed before reaching the buffer fails the document as
 * the buffer's own failures do. */
static void xml_write(hostcaps_xml *x, bool attribute, const char *name, const char *value) {
        _cleanup_free_ char *clean = NULL;
        if (hostcaps_utf8_sanitize(value, &clean) < 0) {
                x->w.out.failed = true;
                return;
        }
        if (clean)
                value = clean;
        if (attribute)
                put_attribute(x, name, value);
        else if (!name)
                put_content(x, value);
        else {
                hostcaps_xml_start(x, name);
                put_content(x, value);
                hostcaps_xml_end(x);
        }
}

/* name NULL: the content of the element just started. */
_printf_(4, 0) static void xml_vwrite(hostcaps_xml *x, bool attribute, const char *name, const char *fmt,
                                      va_list ap) {
        _cleanup_free_ char *value = NULL;
        if (vasprintf(&value, fmt, ap) < 0) {
                value = NULL;
                x->w.out.failed = true;
                return;
        }
        xml_write(x, attribute, name, value);
}

void hostcaps_xml_attr(hostcaps_xml *x, const char *name, const char *value) {
        xml_write(x, true, name, value);
}

void hostcaps_xml_attrf(hostcaps_xml *x, const char *name, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        xml_vwrite(x, true, name, fmt, ap);
        va_end(ap);
}

void hostcaps_xml_contentf(hostcaps_xml *x, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        xml_vwrite(x, false, NULL, fmt, ap);
        va_end(ap);
}

void hostcaps_xml_text(hostcaps_xml *x, const char *element, const char *value) {
        xml_write(x, false, element, value);
}

void hostcaps_xml_textf(hostcaps_xml *x, const char *element, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        xml_vwrite(x, false, element, fmt, ap);
        va_end(ap);
}

/* A whole JSON or text document made valid UTF-8 without control characters
 * but its own tabs and newlines (json-c escapes controls, not bad UTF-8). */
static int document_sanitize(char **doc) {
        char *clean = NULL;
        int r = hostcaps_utf8_sanitize(*doc, &clean);
        if (r < 0) {
                free(*doc);
                *doc = NULL;
                return r;
        }
        if (clean) {
                free(*doc);
                *doc = clean;
        }
        return 0;
}

void hostcaps_xml_cell_pages(hostcaps_xml *x, unsigned int cell) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_MEMORY];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_MEMORY];
        if (o && ops && ops->xml_cell_pages)
                ops->xml_cell_pages(x, o, cell);
}

void hostcaps_xml_bank_controls(hostcaps_xml *x, unsigned int level, uint64_t size) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_RESCTRL];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_RESCTRL];
        if (o && ops && ops->xml_bank_controls)
                ops->xml_bank_controls(x, o, level, size);
}

bool hostcaps_xml_has_section(const hostcaps_xml *x, unsigned int section) {
        int idx = hostcaps_section_index(section);
        return idx >= 0 && x->objs[idx] && !x->objs[idx]->absent_reason;
}

void hostcaps_xml_cache_monitors(hostcaps_xml *x) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_RESCTRL];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_RESCTRL];
        if (o && ops && ops->xml_cache_monitors)
                ops->xml_cache_monitors(x, o);
}

bool hostcaps_xml_cache_llc_bank(hostcaps_xml *x, size_t i, unsigned int *ret_id, const char **ret_cpus) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_CACHE];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_CACHE];
        return o && ops && ops->llc_bank && ops->llc_bank(o, i, ret_id, ret_cpus);
}

static int format_xml(const char *arch, const hostcaps_object *const *objs, char **ret) {
        hostcaps_xml x = {.arch = arch};

        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                x.objs[i] = objs[i];
        hostcaps_xml_start(&x, "capabilities");
        hostcaps_xml_start(&x, "host");
        for (unsigned region = 0; region < HOSTCAPS_N_XML_REGIONS; region++) {
                /* libvirt's schema requires <cpu><arch> in every document;
                 * the arch costs nothing, so it is there without the CPU section. */
                /* Also when the CPU section is there but absent (a loaded
                 * document without it): the schema wants the arch anyway. */
                if (region == HOSTCAPS_XML_CPU &&
                    (!objs[HOSTCAPS_IDX_CPU] || objs[HOSTCAPS_IDX_CPU]->absent_reason)) {
                        hostcaps_xml_start(&x, "cpu");
                        hostcaps_xml_text(&x, "arch", arch);
                        hostcaps_xml_end(&x);
                        continue;
                }
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                        const hostcaps_section_ops *ops = hostcaps_sections[i];
                        /* An absent section (the host lacks it) has no place in
                         * libvirt's document: it is simply not there. */
                        if (!objs[i] || objs[i]->absent_reason || !ops->xml)
                                continue;
                        ops->xml(&x, objs[i], (hostcaps_xml_region)region);
                }
        }
        while (!x.w.failed && !x.w.out.failed && x.w.depth > 0)
                hostcaps_xml_end(&x);
        /* The one check of the document's sticky failure. */
        if (x.w.out.failed || x.w.failed) {
                int r = x.w.out.failed ? -ENOMEM : hostcaps_error(EIO, "writing the XML document failed");
                hostcaps_buf_done(&x.w.out);
                return r;
        }
        *ret = hostcaps_buf_steal(&x.w.out);
        return *ret ? 0 : -ENOMEM;
}

/* The read policy's reasons, beside the values they made unknown (null). */
static int json_add_reasons(struct json_object *root, const char *name, const hostcaps_object *o) {
        struct json_object *sec, *a;
        if (o->n_reasons == 0 || !json_object_object_get_ex(root, name, &sec) ||
            !json_object_is_type(sec, json_type_object))
                return 0;
        a = json_object_new_array();
        if (!a)
                return -ENOMEM;
        for (size_t k = 0; k < o->n_reasons; k++) {
                struct json_object *s = json_object_new_string(o->reasons[k]);
                if (!s || json_object_array_add(a, s) < 0) {
                        json_object_put(s);
                        json_object_put(a);
                        return -ENOMEM;
                }
        }
        json_object_object_add(sec, "reasons", a);
        return 0;
}

static int format_json(const char *arch, const hostcaps_object *const *objs, char **ret) {
        struct json_object *root = json_object_new_object();
        int r = 0;

        if (!root)
                return hostcaps_error(ENOMEM,
                                      "cannot create a JSON object (out of memory, or json-c missing)");
        json_object_object_add(root, "hostcaps_version", json_object_new_string(HOSTCAPS_VERSION_STRING));
        json_object_object_add(root, "arch", json_object_new_string(arch));
        for (unsigned i = 0; r >= 0 && i < HOSTCAPS_N_SECTIONS; i++) {
                const hostcaps_section_ops *ops = hostcaps_sections[i];
                if (!objs[i])
                        continue;
                if (objs[i]->absent_reason) {
                        /* Present and empty, with the reason a caller can read. */
                        struct json_object *a = json_object_new_object();
                        if (!a) {
                                r = -ENOMEM;
                                break;
                        }
                        json_object_object_add(a, objs[i]->failed ? "failed" : "absent",
                                               json_object_new_boolean(1));
                        json_object_object_add(a, "reason", json_object_new_string(objs[i]->absent_reason));
                        json_object_object_add(root, ops->name, a);
                        continue;
                }
                if (!ops->json)
                        r = hostcaps_error(EOPNOTSUPP, "JSON output of section '%s' is not implemented yet",
                                           ops->name);
                else
                        r = ops->json(root, objs[i]);
                if (r >= 0)
                        r = json_add_reasons(root, ops->name, objs[i]);
        }
        if (r >= 0) {
                const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                             JSON_C_TO_STRING_SPACED |
                                                                             JSON_C_TO_STRING_NOSLASHESCAPE);
                *ret = s ? hostcaps_strdup_printf("%s\n", s) : NULL;
                r = *ret ? document_sanitize(ret) : -ENOMEM;
        }
        json_object_put(root);
        return r;
}

static int format_text(const char *arch, const hostcaps_object *const *objs, char **ret) {
        hostcaps_buf b = {0};
        int r = 0;

        hostcaps_buf_printf(&b, "%-24s %s\n", "Architecture:", arch);
        for (unsigned i = 0; r >= 0 && i < HOSTCAPS_N_SECTIONS; i++) {
                const hostcaps_section_ops *ops = hostcaps_sections[i];
                if (!objs[i])
                        continue;
                if (objs[i]->absent_reason) {
                        char label[32];
                        snprintf(label, sizeof(label), "%c%s:", ops->name[0] - 'a' + 'A', ops->name + 1);
                        hostcaps_buf_printf(&b, "%-24s %s (%s)\n", label,
                                            objs[i]->failed ? "failed" : "absent", objs[i]->absent_reason);
                        continue;
                }
                if (!ops->text)
                        r = hostcaps_error(EOPNOTSUPP, "text output of section '%s' is not implemented yet",
                                           ops->name);
                else
                        r = ops->text(&b, objs[i]);
                for (size_t k = 0; r >= 0 && k < objs[i]->n_reasons; k++)
                        hostcaps_buf_printf(&b, "%-24s %s\n",
                                            k ? "" : "Unknown values:", objs[i]->reasons[k]);
        }
        if (r < 0) {
                hostcaps_buf_done(&b);
                return r;
        }
        *ret = hostcaps_buf_steal(&b);
        return *ret ? document_sanitize(ret) : -ENOMEM;
}

/* NFD labels and Prometheus gauges: each requested, present section writes
 * its own; a section without the op contributes nothing. Prometheus gets
 * one family of the core's own first, whether each requested section is
 * there (a failed or absent one writes nothing else). */
static int format_export(const hostcaps_object *const *objs, hostcaps_format format, char **ret) {
        hostcaps_export x = {0};
        int r = 0;

        if (format == HOSTCAPS_FORMAT_PROMETHEUS) {
                hostcaps_prom_family(
                        &x, "hostcaps_section_present",
                        "Whether a requested section could be read (0: absent on this host, or failed).");
                for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                        if (objs[i])
                                hostcaps_prom_sample(&x, "hostcaps_section_present", !objs[i]->absent_reason,
                                                     "section=\"%s\"", hostcaps_sections[i]->name);
        }
        for (unsigned i = 0; r >= 0 && i < HOSTCAPS_N_SECTIONS; i++) {
                const hostcaps_section_ops *ops = hostcaps_sections[i];
                if (!objs[i] || objs[i]->absent_reason)
                        continue;
                if (format == HOSTCAPS_FORMAT_NFD ? ops->nfd != NULL : ops->prometheus != NULL)
                        r = (format == HOSTCAPS_FORMAT_NFD ? ops->nfd : ops->prometheus)(&x, objs[i]);
        }
        if (r < 0) {
                hostcaps_buf_done(&x.out);
                return r;
        }
        *ret = hostcaps_buf_steal(&x.out);
        return *ret ? document_sanitize(ret) : -ENOMEM;
}

int hostcaps_document_format(const char *arch, const hostcaps_object *const *objs, hostcaps_format format,
                             char **ret) {
        switch (format) {
        case HOSTCAPS_FORMAT_XML:
                return format_xml(arch, objs, ret);
        case HOSTCAPS_FORMAT_JSON:
                return format_json(arch, objs, ret);
        case HOSTCAPS_FORMAT_TEXT:
                return format_text(arch, objs, ret);
        case HOSTCAPS_FORMAT_NFD:
        case HOSTCAPS_FORMAT_PROMETHEUS:
                return format_export(objs, format, ret);
        }
        return hostcaps_error(EINVAL, "unknown format %d", (int)format);
}
