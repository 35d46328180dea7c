/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "hostcaps/common.h"
#include "error.h"
#include "object.h"
#include "section.h"

static void object_init(hostcaps_object *o, unsigned int section) {
        atomic_init(&o->n_ref, 1);
        o->section = section;
        o->absent_reason = NULL;
        o->failed = false;
        o->reasons = NULL;
        o->n_reasons = 0;
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
                int idx = hostcaps_section_index(o->section);
                const hostcaps_section_ops *ops = idx >= 0 ? hostcaps_sections[idx] : NULL;
                if (ops && ops->free_object)
                        ops->free_object(o);
                free(o->absent_reason);
                for (size_t i = 0; i < o->n_reasons; i++)
                        free(o->reasons[i]);
                free(o->reasons);
                free(o);
        }
        return NULL;
}

int hostcaps_object_set_absent(hostcaps_object *o, const char *reason) {
        return hostcaps_strdup_replace(&o->absent_reason, reason);
}

int hostcaps_object_new(unsigned int section, hostcaps_object **ret) {
        int idx = hostcaps_section_index(section);
        const hostcaps_section_ops *ops = idx >= 0 ? hostcaps_sections[idx] : NULL;
        hostcaps_object *o;
        if (!ops || ops->object_size < sizeof(hostcaps_object))
                return hostcaps_error(EINVAL, "section 0x%x declares no object size", section);
        o = calloc(1, ops->object_size);
        if (!o)
                return -ENOMEM;
        object_init(o, ops->flag);
        *ret = o;
        return 0;
}

int hostcaps_object_finish(hostcaps_object *o, int e, hostcaps_object **ret) {
        if (e < 0) {
                hostcaps_object_unref(o);
                return e;
        }
        *ret = o;
        return 0;
}

int hostcaps_object_new_absent(const hostcaps_section_ops *ops, const char *reason, hostcaps_object **ret) {
        hostcaps_object *o;
        int r = hostcaps_object_new(ops->flag, &o);
        if (r < 0)
                return r;
        if (hostcaps_object_set_absent(o, reason) < 0) {
                hostcaps_object_unref(o);
                return -ENOMEM;
        }
        *ret = o;
        return 0;
}

int hostcaps_object_add_reason(hostcaps_object *o, const char *fmt, ...) {
        va_list ap;
        char *s, **v;

        va_start(ap, fmt);
        int n = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        v = realloc(o->reasons, (o->n_reasons + 1) * sizeof(*v));
        if (!v) {
                free(s);
                return -ENOMEM;
        }
        v[o->n_reasons++] = s;
        o->reasons = v;
        return 0;
}

int hostcaps_optional(hostcaps_object *o, int e) {
        if (e >= 0 || e == -ENOMEM)
                return e;
        if (e != -ENOENT && e != -ENOTDIR) {
                const char *m = hostcaps_error_message();
                int r = hostcaps_object_add_reason(o, "%s", m ? m : strerror(-e));
                if (r < 0)
                        return r;
        }
        hostcaps_error_reset();
        return 0;
}
