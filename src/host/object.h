/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdatomic.h>

#include "util.h"

/* The head of every section object. Objects are built complete in a probe,
 * then published and never modified; the count is atomic so references can
 * be shared between threads. */
typedef struct hostcaps_object {
        atomic_uint n_ref;
        unsigned int section;                       /* HOSTCAPS_SECTION_* */
        void (*free)(struct hostcaps_object *o);    /* frees the section's fields, not the head */
        char *absent_reason;                        /* non-NULL: the host lacks this section */
} hostcaps_object;

/* Initialize the head of a freshly allocated object with one reference. */
void hostcaps_object_init(hostcaps_object *o, unsigned int section, void (*free_fn)(hostcaps_object *));
hostcaps_object *hostcaps_object_ref(hostcaps_object *o);
hostcaps_object *hostcaps_object_unref(hostcaps_object *o);
/* Mark an object as "present and empty" with a reason ("resctrl not mounted").
 * Returns 0 or -ENOMEM. */
int hostcaps_object_set_absent(hostcaps_object *o, const char *reason);

static inline void hostcaps_object_unrefp(void *p) {
        hostcaps_object **o = p;
        if (*o)
                hostcaps_object_unref(*o);
}
