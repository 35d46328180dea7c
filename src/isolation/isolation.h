/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The isolation section's object and the pieces it is made of: the probe
 * and stamp (probe.c), the object, its formatting and accessors
 * (isolation.c), and what a loaded document gives (load.c). */

#include "host/section.h"
#include "hostcaps/isolation.h"

typedef struct hostcaps_vulnerability {
        char *name;
        char *text; /* NULL when unreadable */
        hostcaps_vulnerability_state state;
        bool smt_vulnerable;
} hostcaps_vulnerability;

struct hostcaps_isolation {
        hostcaps_object obj;
        char *isolated;    /* CPU list; NULL unknown */
        char *nohz_full;   /* CPU list; NULL unknown */
        char *smt_control; /* NULL unknown */
        int smt_active;    /* 1 yes, 0 no, -1 unknown */
        bool vulns_known;
        hostcaps_vulnerability *vulns;
        size_t n_vulns;
};

/* The kernel's words of a vulnerability, parsed. */
hostcaps_vulnerability_state hostcaps_vulnerability_parse(const char *text, bool *ret_smt_vulnerable);

/* probe.c: the section's probe and stamp. */
int hostcaps_isolation_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret);
int hostcaps_isolation_stamp(hostcaps_reader *r, uint64_t *ret);
/* load.c: the section from a saved document (absent: no place in libvirt's XML). */
int hostcaps_isolation_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret);
