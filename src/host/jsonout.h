/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Building a section's JSON with one convention for allocation failure.
 * json-c writes a NULL value as null, so an unchecked
 * json_object_object_add(o, "k", json_object_new_int64(v)) turns a failed
 * allocation into "unknown" without a word. These helpers take the
 * writer's error slot instead: the first failure sets it to -ENOMEM, the
 * writer goes on (every helper accepts a NULL container and frees what it
 * was given) and returns the slot once at the end. Null is written only
 * where a value is unknown. */

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

static inline void hostcaps_json_set(int *e, struct json_object *obj, const char *key,
                                     struct json_object *v) {
        if (!obj || !v || json_object_object_add(obj, key, v) < 0) {
                json_object_put(v);
                *e = -ENOMEM;
        }
}

static inline void hostcaps_json_set_null(int *e, struct json_object *obj, const char *key) {
        if (!obj || json_object_object_add(obj, key, NULL) < 0)
                *e = -ENOMEM;
}

static inline void hostcaps_json_append(int *e, struct json_object *array, struct json_object *v) {
        if (!array || !v || json_object_array_add(array, v) < 0) {
                json_object_put(v);
                *e = -ENOMEM;
        }
}

/* A string, null when NULL (unknown). */
static inline void hostcaps_json_set_str(int *e, struct json_object *obj, const char *key, const char *s) {
        if (s)
                hostcaps_json_set(e, obj, key, json_object_new_string(s));
        else
                hostcaps_json_set_null(e, obj, key);
}

/* An unsigned number (json-c's uint64 type: values past 2^63 stay
 * positive), null when not known. */
static inline void hostcaps_json_set_u64(int *e, struct json_object *obj, const char *key, bool known,
                                         uint64_t v) {
        if (known)
                hostcaps_json_set(e, obj, key, json_object_new_uint64(v));
        else
                hostcaps_json_set_null(e, obj, key);
}
