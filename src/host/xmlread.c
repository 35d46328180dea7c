/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>

#include "error.h"
#include "parse.h"
#include "reader.h"
#include "cachetype.h"
#include "xmlread.h"

xmlNodePtr hostcaps_xml_child(xmlNodePtr parent, const char *name) {
        for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && (!name || xmlStrEqual(c->name, BAD_CAST name)))
                        return c;
        return NULL;
}

xmlNodePtr hostcaps_xml_next(xmlNodePtr node, const char *name) {
        for (xmlNodePtr c = node ? node->next : NULL; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && (!name || xmlStrEqual(c->name, BAD_CAST name)))
                        return c;
        return NULL;
}

int hostcaps_xml_error(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hostcaps_error(EINVAL, "%s:%ld: %s", d->name, n ? xmlGetLineNo(n) : 0L, msg);
}

int hostcaps_xml_prop_str(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, bool required,
                          char **ret) {
        xmlChar *v = xmlGetProp(n, BAD_CAST attr);
        if (!v)
                return required ? hostcaps_xml_error(d, n, "<%s> lacks attribute '%s'", (const char *)n->name,
                                                     attr)
                                : -ENOENT;
        *ret = strdup((const char *)v);
        xmlFree(v);
        return *ret ? 0 : -ENOMEM;
}

#define PROP_PARSED(d, n, attr, required, parse, ret)                                                        \
        ({                                                                                                   \
                char *_s = NULL;                                                                             \
                int _e = hostcaps_xml_prop_str(d, n, attr, required, &_s);                                   \
                if (_e >= 0) {                                                                               \
                        _e = parse(_s, ret);                                                                 \
                        if (_e < 0 && _e != -ENOMEM)                                                         \
                                _e = hostcaps_xml_error(d, n, "<%s> attribute '%s': invalid value '%.64s'",  \
                                                        (const char *)n->name, attr, _s);                    \
                }                                                                                            \
                free(_s);                                                                                    \
                _e;                                                                                          \
        })

int hostcaps_xml_prop_u64(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, bool required,
                          uint64_t *ret) {
        return PROP_PARSED(d, n, attr, required, hostcaps_parse_u64, ret);
}

int hostcaps_xml_prop_u32(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, bool required,
                          uint32_t *ret) {
        return PROP_PARSED(d, n, attr, required, hostcaps_parse_u32, ret);
}

int hostcaps_xml_prop_u32_default(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, uint32_t def,
                                  uint32_t *ret) {
        int e = hostcaps_xml_prop_u32(d, n, attr, false, ret);
        if (e == -ENOENT) {
                *ret = def;
                return 0;
        }
        return e;
}

int hostcaps_xml_prop_cpulist(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, bool required,
                              hostcaps_bitmap **ret) {
        return PROP_PARSED(d, n, attr, required, hostcaps_parse_cpulist, ret);
}

/* libvirt's scaled units (virScaleInteger): b/bytes, k/KiB, KB=1000, ... */
static int unit_scale(const char *unit, uint64_t *ret) {
        static const struct {
                const char *name;
                uint64_t scale;
        } units[] = {
                {"b", 1},
                {"B", 1},
                {"bytes", 1},
                {"k", 1ull << 10},
                {"K", 1ull << 10},
                {"KiB", 1ull << 10},
                {"KB", 1000},
                {"m", 1ull << 20},
                {"M", 1ull << 20},
                {"MiB", 1ull << 20},
                {"MB", 1000000},
                {"g", 1ull << 30},
                {"G", 1ull << 30},
                {"GiB", 1ull << 30},
                {"GB", 1000000000},
                {"t", 1ull << 40},
                {"T", 1ull << 40},
                {"TiB", 1ull << 40},
                {"TB", 1000000000000ull},
        };
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (strcmp(unit, units[i].name) == 0) {
                        *ret = units[i].scale;
                        return 0;
                }
        return -EINVAL;
}

int hostcaps_xml_prop_size(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, const char *unit_attr,
                           uint64_t default_unit, bool required, uint64_t *ret) {
        uint64_t v, scale = default_unit;
        char *unit = NULL;
        int e = attr ? hostcaps_xml_prop_u64(d, n, attr, required, &v) : 0;
        if (!attr) {
                char *text = NULL;
                e = hostcaps_xml_text_content(d, n, &text);
                if (e >= 0 && (e = hostcaps_parse_u64(text, &v)) < 0)
                        e = hostcaps_xml_error(d, n, "<%s>: invalid size '%.64s'", (const char *)n->name,
                                               text);
                free(text);
        }
        if (e < 0)
                return e;
        if (unit_attr && hostcaps_xml_prop_str(d, n, unit_attr, false, &unit) >= 0) {
                e = unit_scale(unit, &scale);
                if (e < 0)
                        e = hostcaps_xml_error(d, n, "<%s> attribute '%s': unknown unit '%.16s'",
                                               (const char *)n->name, unit_attr, unit);
                free(unit);
                if (e < 0)
                        return e;
        }
        if (scale && v > UINT64_MAX / scale)
                return hostcaps_xml_error(d, n, "<%s>: size out of range", (const char *)n->name);
        *ret = v * scale;
        return 0;
}

int hostcaps_xml_text_content(const hostcaps_doc_ctx *d, xmlNodePtr n, char **ret) {
        xmlChar *v = xmlNodeGetContent(n);
        (void)d;
        if (!v)
                return -ENOMEM;
        char *s = hostcaps_strstrip((char *)v);
        *ret = strdup(s);
        xmlFree(v);
        return *ret ? 0 : -ENOMEM;
}

/* libvirt's documents are 7 levels deep; anything near this is hostile. */
#define MAX_DEPTH 64

/* Untrusted input. A document type declaration is where external entities
 * (XXE) and entity expansion bombs live, and capabilities documents never
 * have one: refuse it before libxml2 sees it, naming the line. */
static int refuse_dtd(const char *data, size_t len, const char *name) {
        static const char *const bad[] = {"<!DOCTYPE", "<!ENTITY"};
        for (size_t k = 0; k < ELEMENTSOF(bad); k++) {
                const char *p = memmem(data, len, bad[k], strlen(bad[k]));
                if (p) {
                        long line = 1;
                        for (const char *q = data; q < p; q++)
                                line += *q == '\n';
                        return hostcaps_error(EINVAL,
                                              "%s:%ld: document type declarations are not accepted (%s)",
                                              name, line, bad[k]);
                }
        }
        return 0;
}

static int check_depth(xmlNodePtr n, int depth, const char *name) {
        if (depth > MAX_DEPTH)
                return hostcaps_error(EINVAL, "%s:%ld: elements nested deeper than %d", name, xmlGetLineNo(n),
                                      MAX_DEPTH);
        for (xmlNodePtr c = n->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE) {
                        int e = check_depth(c, depth + 1, name);
                        if (e < 0)
                                return e;
                }
        return 0;
}

/* What libxml2 reported while parsing one document. Its handlers are set on
 * the parse's own context (never libxml2's global or thread state, which a
 * caller or another thread may own), so nothing reaches the caller's
 * stderr: the first error, the one that names the cause, becomes ours. */
typedef struct parse_report {
        char message[256];
        int line, code;
        bool set;
} parse_report;

static void on_parse_error(void *userdata, xmlErrorPtr err) {
        /* libxml2 passes the parser context (its userData) as userdata; the
         * error names it too. */
        xmlParserCtxtPtr ctxt = err && err->ctxt ? err->ctxt : userdata;
        parse_report *rep = ctxt ? ctxt->_private : NULL;
        if (!rep || !err || rep->set || err->level < XML_ERR_ERROR)
                return;
        snprintf(rep->message, sizeof(rep->message), "%s", err->message ? err->message : "parse error");
        hostcaps_strstrip(rep->message);
        rep->line = err->line;
        rep->code = err->code;
        rep->set = true;
}

/* libxml2 refuses a text, comment or attribute value longer than
 * XML_MAX_TEXT_LENGTH (10,000,000 bytes; XML_PARSE_HUGE, which lifts it, is
 * never given to untrusted input), and its messages do not say so ("huge
 * text node", "AttValue length too long", "Comment too big found", then
 * "Couldn't find end of Start Tag"). */
static bool is_size_limit(const parse_report *rep) {
        static const char *const words[] = {"huge", "too long", "too big"};
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (strstr(rep->message, words[i]))
                        return true;
        return false;
}

int hostcaps_xml_check_encoding(const char *data, size_t len, const char *name) {
        static const struct {
                const char *bom;
                size_t n;
                const char *encoding;
        } boms[] = {
                /* UTF-32 first: its little-endian mark begins with UTF-16's. */
                {"\x00\x00\xfe\xff", 4, "UTF-32 (big-endian)"},
                {"\xff\xfe\x00\x00", 4, "UTF-32 (little-endian)"},
                {"\xfe\xff", 2, "UTF-16 (big-endian)"},
                {"\xff\xfe", 2, "UTF-16 (little-endian)"},
        };
        const char *encoding = NULL, *nul;

        for (size_t i = 0; !encoding && i < ELEMENTSOF(boms); i++)
                if (len >= boms[i].n && memcmp(data, boms[i].bom, boms[i].n) == 0)
                        encoding = boms[i].encoding;
        /* Without a byte order mark, '<' of the first element tells. */
        if (!encoding && len >= 2 && data[0] == '<' && data[1] == '\0')
                encoding = "UTF-16 (little-endian)";
        if (!encoding && len >= 2 && data[0] == '\0' && data[1] == '<')
                encoding = "UTF-16 (big-endian)";
        if (encoding)
                return hostcaps_error(EINVAL,
                                      "%s: the document is encoded in %s; only UTF-8 documents are read",
                                      name, encoding);
        nul = memchr(data, '\0', len);
        if (nul)
                return hostcaps_error(EINVAL,
                                      "%s: contains a NUL byte (offset %zu); only UTF-8 documents are read",
                                      name, (size_t)(nul - data));
        return 0;
}

xmlDocPtr hostcaps_xml_parse_untrusted(const char *data, size_t len, const char *name) {
        xmlParserCtxtPtr ctxt;
        parse_report rep = {.set = false};
        xmlDocPtr doc;

        if (len > HOSTCAPS_READ_MAX) {
                hostcaps_error(EFBIG, "%s: larger than %u bytes", name, HOSTCAPS_READ_MAX);
                return NULL;
        }
        /* libxml2 would read UTF-16 and UTF-32 where the reader refuses a
         * file for its NUL bytes: both paths refuse them, naming the encoding. */
        if (hostcaps_xml_check_encoding(data, len, name) < 0 || refuse_dtd(data, len, name) < 0)
                return NULL;
        if (!(ctxt = xmlNewParserCtxt())) {
                hostcaps_error(ENOMEM, "%s: cannot create an XML parser", name);
                return NULL;
        }
        ctxt->_private = &rep;
        if (ctxt->sax)
                ctxt->sax->serror = on_parse_error;
        doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                        XML_PARSE_NOCDATA);
        xmlFreeParserCtxt(ctxt);
        if (!doc || (rep.set && is_size_limit(&rep))) {
                if (!rep.set)
                        snprintf(rep.message, sizeof(rep.message), "parse error");
                if (is_size_limit(&rep))
                        hostcaps_error(EINVAL,
                                       "%s:%d: a text, comment or attribute value is longer than libxml2's "
                                       "limit of %d bytes (%s)",
                                       name, rep.line, XML_MAX_TEXT_LENGTH, rep.message);
                else
                        hostcaps_error(EINVAL, "%s:%d: malformed XML: %s", name, rep.line, rep.message);
                xmlFreeDoc(doc);
                return NULL;
        }
        /* The byte search misses a DTD in an encoding libxml2 converts
         * (EBCDIC, a legacy code page): libxml2 has loaded nothing for it (no
         * entities, no network), but the document is refused all the same. */
        if (doc->intSubset || doc->extSubset) {
                hostcaps_error(EINVAL, "%s: document type declarations are not accepted", name);
                xmlFreeDoc(doc);
                return NULL;
        }
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (root && check_depth(root, 1, name) < 0) {
                xmlFreeDoc(doc);
                return NULL;
        }
        return doc;
}

int hostcaps_xml_prop_enum(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr,
                           const char *const *names, size_t n_names, int *ret) {
        _cleanup_free_ char *s = NULL;
        int e = hostcaps_xml_prop_str(d, n, attr, true, &s);
        if (e < 0)
                return e;
        for (size_t i = 0; i < n_names; i++)
                if (strcmp(s, names[i]) == 0) {
                        *ret = (int)i;
                        return 0;
                }
        return hostcaps_xml_error(d, n, "<%s> attribute '%s': invalid value '%.32s'", (const char *)n->name,
                                  attr, s);
}

int hostcaps_xml_prop_cache_type(const hostcaps_doc_ctx *d, xmlNodePtr n, int *ret) {
        return hostcaps_xml_prop_enum(d, n, "type", hostcaps_cache_type_names, HOSTCAPS_CACHE_N_TYPES, ret);
}
