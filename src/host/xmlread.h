/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading a loaded capabilities document, for the sections' from_xml hooks.
 * Every error names the document and the line: "caps.xml:12: <bank>
 * attribute 'size': invalid value 'x'". */

#include <libxml/tree.h>

#include "section.h"

/* Parse untrusted XML (a saved document, libvirt's CPU map, a CPUID dump):
 * no network, no entity substitution, no DTD loading; a document type
 * declaration (where external entities and entity bombs live; none of these
 * documents has one) is refused, so are more than HOSTCAPS_READ_MAX bytes
 * and elements nested deeper than 64. NULL with the error set (naming
 * `name` and the line) on failure; free with xmlFreeDoc(). */
xmlDocPtr hostcaps_xml_parse_untrusted(const char *data, size_t len, const char *name);
/* Refuse what is not UTF-8 text: a UTF-16 or UTF-32 document (named by
 * its byte order mark or its first '<'), or any NUL byte. 0, or -EINVAL
 * with a message naming `name` and the encoding. Documents read from a file
 * pass their first bytes, to say why the reader refused it. */
int hostcaps_xml_check_encoding(const char *data, size_t len, const char *name);

/* The first element child of `parent` named `name` (NULL: any), or NULL. */
xmlNodePtr hostcaps_xml_child(xmlNodePtr parent, const char *name);
/* The next element sibling after `node` named `name` (NULL: any), or NULL. */
xmlNodePtr hostcaps_xml_next(xmlNodePtr node, const char *name);
#define XML_FOREACH_CHILD(c, parent, name)                                                                   \
        for (xmlNodePtr c = hostcaps_xml_child((parent), (name)); c; c = hostcaps_xml_next(c, (name)))

/* Attribute readers: -ENOENT (no message) when absent and not required;
 * -EINVAL with a message for a missing required attribute or a bad value. */
int hostcaps_xml_prop_str(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, bool required,
                          char **ret);
int hostcaps_xml_prop_u64(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, bool required,
                          uint64_t *ret);
int hostcaps_xml_prop_u32(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, bool required,
                          uint32_t *ret);
/* An optional number attribute with a default: `def` when absent. Numbers
 * are decimal, or hexadecimal with 0x (CPUID dumps, libvirt's CPU map). */
int hostcaps_xml_prop_u32_default(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, uint32_t def,
                                  uint32_t *ret);
int hostcaps_xml_prop_cpulist(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, bool required,
                              hostcaps_bitmap **ret);
/* A size given as a number and a unit attribute (libvirt's 'unit': B, KiB,
 * MiB, GiB, TiB, also k/M/G as libvirt accepts), in bytes. `unit_attr` NULL
 * means the number is in `default_unit` bytes. */
int hostcaps_xml_prop_size(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr, const char *unit_attr,
                           uint64_t default_unit, bool required, uint64_t *ret);
/* An attribute whose value is one of `names` (n of them): its index. */
int hostcaps_xml_prop_enum(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *attr,
                           const char *const *names, size_t n_names, int *ret);
/* libvirt's cache types ('type': both, code, data), shared by the cache
 * and resctrl documents, as hostcaps_cache_type values. */
int hostcaps_xml_prop_cache_type(const hostcaps_doc_ctx *d, xmlNodePtr n, int *ret);
/* The element's text, stripped. */
int hostcaps_xml_text_content(const hostcaps_doc_ctx *d, xmlNodePtr n, char **ret);
/* Fail with "NAME:LINE: message". */
int hostcaps_xml_error(const hostcaps_doc_ctx *d, xmlNodePtr n, const char *fmt, ...) _printf_(3, 4);
