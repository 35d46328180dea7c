/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "document.h"
#include "error.h"
#include "hostcaps/version.h"

static int xml_failed(void) {
        return hostcaps_error(EIO, "writing the XML document failed");
}

int hostcaps_xml_start(hostcaps_xml *x, const char *element) {
        return xmlTextWriterStartElement(x->w, BAD_CAST element) < 0 ? xml_failed() : 0;
}

int hostcaps_xml_end(hostcaps_xml *x) {
        return xmlTextWriterEndElement(x->w) < 0 ? xml_failed() : 0;
}

/* Values come from files of the probed root: untrusted bytes. Invalid UTF-8
 * or a control character would make the document unreadable (libxml2 writes
 * "&#1;", which no XML 1.0 parser accepts); each becomes U+FFFD. */
static int xml_write(hostcaps_xml *x, bool attribute, const char *name, const char *value) {
        _cleanup_free_ char *clean = NULL;
        int r = hostcaps_utf8_sanitize(value, &clean);
        if (r < 0)
                return r;
        if (clean)
                value = clean;
        r = attribute ? xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value)
                      : xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST value);
        return r < 0 ? xml_failed() : 0;
}

_printf_(4, 0) static int xml_vwrite(hostcaps_xml *x, bool attribute, const char *name, const char *fmt,
                                      va_list ap) {
        _cleanup_free_ char *value = NULL;
        if (vasprintf(&value, fmt, ap) < 0) {
                value = NULL;
                return -ENOMEM;
        }
        return xml_write(x, attribute, name, value);
}

int hostcaps_xml_attr(hostcaps_xml *x, const char *name, const char *value) {
        return xml_write(x, true, name, value);
}

int hostcaps_xml_attrf(hostcaps_xml *x, const char *name, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = xml_vwrite(x, true, name, fmt, ap);
        va_end(ap);
        return r;
}

int hostcaps_xml_text(hostcaps_xml *x, const char *element, const char *value) {
        return xml_write(x, false, element, value);
}

int hostcaps_xml_textf(hostcaps_xml *x, const char *element, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = xml_vwrite(x, false, element, fmt, ap);
        va_end(ap);
        return r;
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

int hostcaps_xml_cell_pages(hostcaps_xml *x, unsigned int cell) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_MEMORY];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_MEMORY];
        return o && ops && ops->xml_cell_pages ? ops->xml_cell_pages(x, o, cell) : 0;
}

int hostcaps_xml_bank_controls(hostcaps_xml *x, unsigned int level, const char *type, uint64_t size) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_RESCTRL];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_RESCTRL];
        return o && ops && ops->xml_bank_controls ? ops->xml_bank_controls(x, o, level, type, size) : 0;
}

char *hostcaps_xml_node_cpus(hostcaps_xml *x, unsigned int node) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_NUMA];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_NUMA];
        return o && ops && ops->node_cpus ? ops->node_cpus(o, node) : NULL;
}

int hostcaps_xml_cache_monitors(hostcaps_xml *x) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_RESCTRL];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_RESCTRL];
        return o && ops && ops->xml_cache_monitors ? ops->xml_cache_monitors(x, o) : 0;
}

bool hostcaps_xml_cache_llc_bank(hostcaps_xml *x, size_t i, unsigned int *ret_id, const char **ret_cpus) {
        const hostcaps_section_ops *ops = hostcaps_sections[HOSTCAPS_IDX_CACHE];
        const hostcaps_object *o = x->objs[HOSTCAPS_IDX_CACHE];
        return o && ops && ops->llc_bank && ops->llc_bank(o, i, ret_id, ret_cpus);
}

static int format_xml(const char *arch, const hostcaps_object *const *objs, char **ret) {
        hostcaps_xml x = {.arch = arch};
        xmlBufferPtr buf = xmlBufferCreate();
        int r = 0;

        if (!buf)
                return hostcaps_error(ENOMEM, "cannot create an XML buffer (out of memory, or libxml2 missing)");
        x.w = xmlNewTextWriterMemory(buf, 0);
        if (!x.w) {
                xmlBufferFree(buf);
                return hostcaps_error(ENOMEM, "cannot create an XML writer (out of memory, or libxml2 missing)");
        }
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                x.objs[i] = objs[i];
        xmlTextWriterSetIndent(x.w, 1);
        xmlTextWriterSetIndentString(x.w, BAD_CAST "  ");
        xmlTextWriterSetQuoteChar(x.w, '\'');

        r = hostcaps_xml_start(&x, "capabilities");
        if (r >= 0)
                r = hostcaps_xml_start(&x, "host");
        for (unsigned region = 0; r >= 0 && region < HOSTCAPS_N_XML_REGIONS; region++) {
                /* libvirt's schema requires <cpu><arch> in every document;
                 * the arch costs nothing, so it is there without the CPU section. */
                if (region == HOSTCAPS_XML_CPU && !objs[HOSTCAPS_IDX_CPU]) {
                        r = hostcaps_xml_start(&x, "cpu");
                        if (r >= 0)
                                r = hostcaps_xml_text(&x, "arch", arch);
                        if (r >= 0)
                                r = hostcaps_xml_end(&x);
                        continue;
                }
                for (unsigned i = 0; r >= 0 && i < HOSTCAPS_N_SECTIONS; i++) {
                        const hostcaps_section_ops *ops = hostcaps_sections[i];
                        /* An absent section (the host lacks it) has no place in
                         * libvirt's document: it is simply not there. */
                        if (!objs[i] || objs[i]->absent_reason || !ops->xml)
                                continue;
                        r = ops->xml(&x, objs[i], (hostcaps_xml_region) region);
                }
        }
        if (r >= 0 && xmlTextWriterEndDocument(x.w) < 0)
                r = xml_failed();
        xmlFreeTextWriter(x.w);
        if (r >= 0) {
                *ret = strdup((const char *) xmlBufferContent(buf));
                if (!*ret)
                        r = -ENOMEM;
        }
        xmlBufferFree(buf);
        return r;
}

static int format_json(const char *arch, const hostcaps_object *const *objs, char **ret) {
        struct json_object *root = json_object_new_object();
        int r = 0;

        if (!root)
                return hostcaps_error(ENOMEM, "cannot create a JSON object (out of memory, or json-c missing)");
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
                        json_object_object_add(a, "absent", json_object_new_boolean(1));
                        json_object_object_add(a, "reason", json_object_new_string(objs[i]->absent_reason));
                        json_object_object_add(root, ops->name, a);
                        continue;
                }
                if (!ops->json)
                        r = hostcaps_error(EOPNOTSUPP, "JSON output of section '%s' is not implemented yet",
                                           ops->name);
                else
                        r = ops->json(root, objs[i]);
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
                        hostcaps_buf_printf(&b, "%-24s absent (%s)\n", label, objs[i]->absent_reason);
                        continue;
                }
                if (!ops->text)
                        r = hostcaps_error(EOPNOTSUPP, "text output of section '%s' is not implemented yet",
                                           ops->name);
                else
                        r = ops->text(&b, objs[i]);
        }
        if (r < 0) {
                hostcaps_buf_done(&b);
                return r;
        }
        *ret = hostcaps_buf_steal(&b);
        return *ret ? document_sanitize(ret) : -ENOMEM;
}

int hostcaps_document_format(const char *arch, const hostcaps_object *const *objs,
                             hostcaps_format format, char **ret) {
        switch (format) {
        case HOSTCAPS_FORMAT_XML:
                return format_xml(arch, objs, ret);
        case HOSTCAPS_FORMAT_JSON:
                return format_json(arch, objs, ret);
        case HOSTCAPS_FORMAT_TEXT:
                return format_text(arch, objs, ret);
        }
        return hostcaps_error(EINVAL, "unknown format %d", (int) format);
}
