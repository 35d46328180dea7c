/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The cache section's object and its probe. */

#include "host/section.h"
#include "hostcaps/cache.h"

typedef struct hostcaps_cache_bank_data {
        unsigned int id, level;
        hostcaps_cache_type type;
        bool has_id;            /* indexK/id was there */
        uint64_t size;          /* bytes, 0 unknown */
        unsigned int line_size; /* bytes, 0 unknown */
        unsigned int ways;      /* 0 unknown */
        unsigned int first_cpu; /* lowest online CPU of the bank */
        char *cpus;             /* kernel CPU list of its online CPUs */
} hostcaps_cache_bank_data;

struct hostcaps_cache {
        hostcaps_object obj;
        hostcaps_cache_bank_data *banks; /* sorted: level, id, type */
        size_t n_banks;
        bool loaded; /* from a saved document: whether ids were derived is not known */
};

/* probe.c: read the banks from sysfs into `cache` (sorted, ids assigned). */
int hostcaps_cache_probe_banks(hostcaps_reader *r, hostcaps_cache *cache);
/* probe.c: sort the banks in the object's order (level, id, type, first CPU). */
void hostcaps_cache_sort_banks(hostcaps_cache *cache);
/* cache.c: free an object's fields (its ops' free_object). */
void hostcaps_cache_free_fields(hostcaps_object *o);
/* load.c: the section from a saved document (its ops' from_xml). */
int hostcaps_cache_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret);
