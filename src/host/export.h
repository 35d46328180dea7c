/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Fleet exports (docs/fleet.md): what a section's nfd() and prometheus()
 * ops write through. The core (document.c) makes one hostcaps_export per
 * document and calls each requested section's op in turn; a section writes
 * its own facts only. */

#include "buf.h"
#include "section.h"

/* The prefix of every NFD label name. NFD's local source publishes a name
 * without a '/' as feature.node.kubernetes.io/NAME: the part after the '/'
 * is "hostcaps." + the section's name, 63 characters at most. */
#define HOSTCAPS_NFD_PREFIX    "hostcaps."
#define HOSTCAPS_NFD_NAMESPACE "feature.node.kubernetes.io"

struct hostcaps_export {
        hostcaps_buf out;
        size_t n_left_out; /* NFD labels that Kubernetes could not take */
};

/* Kubernetes' label syntax (the name after the prefix's '/', and the value):
 * 1 to 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. An empty
 * value is valid for Kubernetes but never written by hostcaps. */
bool hostcaps_label_valid(const char *s);

/* NFD: the line "hostcaps.NAME=VALUE". A name or value that Kubernetes would
 * refuse is not rewritten: the label is left out, counted, and a comment
 * line ("# hostcaps: left out ...", which NFD ignores) says which and why.
 * `name` is "section.what", `suffix` (NULL for none) is appended to it (a
 * feature name read from the host, say). */
void hostcaps_nfd_label(hostcaps_export *x, const char *name, const char *suffix, const char *value);
void hostcaps_nfd_labelf(hostcaps_export *x, const char *name, const char *suffix, const char *fmt, ...)
        _printf_(4, 5);

/* Prometheus text exposition format. Every family is a gauge: its "# HELP"
 * and "# TYPE" lines first, then its samples, written together (a family
 * is never split). */
void hostcaps_prom_family(hostcaps_export *x, const char *name, const char *help);
/* One sample: `name{LABELS} value`. `labels_fmt` (NULL for none) formats the
 * label pairs, `node="%u",size="%llu"`; its values must need no escaping
 * (numbers, fixed words). */
void hostcaps_prom_sample(hostcaps_export *x, const char *name, uint64_t value, const char *labels_fmt, ...)
        _printf_(4, 5);
/* One sample with one label whose value is read from the host (escaped):
 * `name{key="value"} N`. */
void hostcaps_prom_sample_label(hostcaps_export *x, const char *name, uint64_t value, const char *key,
                                const char *label_value);
/* One sample with label pairs read from the host (each value escaped; a
 * pair whose value is NULL is left out): `name{k="v",...} N`. */
void hostcaps_prom_sample_labels(hostcaps_export *x, const char *name, uint64_t value,
                                 const char *const (*pairs)[2], size_t n_pairs);
/* An info metric: `name{k="v",...} 1`, each value escaped as the format
 * wants (\\, \", \n); a pair whose value is NULL is left out. */
void hostcaps_prom_info(hostcaps_export *x, const char *name, const char *help, const char *const (*pairs)[2],
                        size_t n_pairs);
