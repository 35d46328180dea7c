/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "error.h"
#include "object.h"
#include "section.h"

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

int hostcaps_object_new_absent(const hostcaps_section_ops *ops, const char *reason, hostcaps_object **ret) {
        hostcaps_object *o;
        if (ops->object_size < sizeof(hostcaps_object))
                return hostcaps_error(EINVAL, "section '%s' declares no object size", ops->name);
        o = calloc(1, ops->object_size);
        if (!o)
                return -ENOMEM;
        hostcaps_object_init(o, ops->flag, ops->free_object);
        if (hostcaps_object_set_absent(o, reason) < 0) {
                hostcaps_object_unref(o);
                return -ENOMEM;
        }
        *ret = o;
        return 0;
}
