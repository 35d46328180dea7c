/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdatomic.h>

#include "util.h"

/* The head of every section object. Objects are built complete in a probe,
 * then published and never modified; the count is atomic so references can
 * be shared between threads. */
typedef struct hostcaps_object {
        atomic_uint n_ref;
        unsigned int section; /* HOSTCAPS_SECTION_* */
        char *absent_reason;  /* non-NULL: the host lacks this section */
        bool failed;          /* a document's placeholder for a section that failed: absent_reason says why */
        /* The read policy (docs/architecture.md): why optional values of this
         * object are unknown, one "FILE: what was wrong" each. */
        char **reasons;
        size_t n_reasons;
} hostcaps_object;

/* A new zeroed object of a section (its ops' object_size), one reference:
 * the one allocator every section uses; `*ret` is the head, cast to the
 * section's type. */
/* The section's free_object (section.h) frees its fields when the last
 * reference goes. */
int hostcaps_object_new(unsigned int section, hostcaps_object **ret);
/* The end of every build: `e`, the result of filling `o` (NULL when
 * hostcaps_object_new failed), hands `o` over in *ret when it is >= 0 and
 * frees it otherwise, so nothing half-built escapes. Returns 0 or `e`. */
int hostcaps_object_finish(hostcaps_object *o, int e, hostcaps_object **ret);
hostcaps_object *hostcaps_object_ref(hostcaps_object *o);
hostcaps_object *hostcaps_object_unref(hostcaps_object *o);
/* Mark an object as "present and empty" with a reason ("resctrl not mounted").
 * Returns 0 or -ENOMEM. */
int hostcaps_object_set_absent(hostcaps_object *o, const char *reason);

/* Record why an optional value is unknown. Returns 0 or -ENOMEM. */
int hostcaps_object_add_reason(hostcaps_object *o, const char *fmt, ...) _printf_(2, 3);

/* The read policy in one call, for the result `e` of reading an optional
 * value while building `o`: success passes through; absence (-ENOENT,
 * -ENOTDIR: the kernel or the recording has no such file) makes the value
 * unknown without a word; any other failure but -ENOMEM makes it unknown
 * with the thread's error message kept as a reason, and clears that
 * message. Returns 0 (the value is unknown, go on), a value >= 0 passed
 * through, or -ENOMEM, which fails the probe. */
int hostcaps_optional(hostcaps_object *o, int e);

static inline void hostcaps_object_unrefp(void *p) {
        hostcaps_object **o = p;
        if (*o)
                hostcaps_object_unref(*o);
}
