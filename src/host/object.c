/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "object.h"

void hostcaps_object_init(hostcaps_object *o, unsigned int section, void (*free_fn)(hostcaps_object *)) {
        atomic_init(&o->n_ref, 1);
        o->section = section;
        o->free = free_fn;
        o->absent_reason = NULL;
}

hostcaps_object *hostcaps_object_ref(hostcaps_object *o) {
        if (o)
                atomic_fetch_add_explicit(&o->n_ref, 1, memory_order_relaxed);
        return o;
}

hostcaps_object *hostcaps_object_unref(hostcaps_object *o) {
        if (!o)
                return NULL;
        if (atomic_fetch_sub_explicit(&o->n_ref, 1, memory_order_acq_rel) == 1) {
                if (o->free)
                        o->free(o);
                free(o->absent_reason);
                free(o);
        }
        return NULL;
}

int hostcaps_object_set_absent(hostcaps_object *o, const char *reason) {
        char *s = strdup(reason);
        if (!s)
                return -ENOMEM;
        free(o->absent_reason);
        o->absent_reason = s;
        return 0;
}
