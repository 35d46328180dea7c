/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The resctrl section's object and its probe. */

#include "host/section.h"
#include "hostcaps/resctrl.h"

#define RESCTRL_DIR "sys/fs/resctrl"

/* One info/L<level>[CODE|DATA] directory. */
typedef struct hostcaps_resctrl_cache_ctl {
        unsigned int level;
        hostcaps_cache_type type;
        uint64_t cbm_mask;
        unsigned int cbm_bits, min_cbm_bits, num_closids;
} hostcaps_resctrl_cache_ctl;

struct hostcaps_resctrl {
        hostcaps_object obj;

        hostcaps_resctrl_cache_ctl *ctls; /* sorted: level, then both/code/data */
        size_t n_ctls;

        bool has_mb;
        unsigned int mb_gran, mb_min, mb_closids;
        int mb_delay_linear; /* -1: not reported */
        char *mb_throttle_mode;
        bool mb_mbps;

        bool has_mon;
        unsigned int mon_level, mon_rmids; /* mon_level 0: not known (loaded) */
        uint64_t mon_reuse_threshold;
        char **mon_features; /* NULL-terminated */
        size_t n_mon_features;

        bool loaded; /* from a saved document (load.c says what it cannot tell) */
};

/* probe.c: fill `rc` from sys/fs/resctrl, or mark it absent. */
int hostcaps_resctrl_probe_info(hostcaps_reader *r, hostcaps_resctrl *rc);
/* resctrl.c: free an object's fields (its ops' free_object). */
void hostcaps_resctrl_free_fields(hostcaps_object *o);
/* load.c: the section from a saved document (its ops' from_xml). */
int hostcaps_resctrl_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret);
