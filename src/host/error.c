/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "hostcaps/common.h"
#include "error.h"

/* One message per thread, like dlerror(): errors are returned as negative
 * errno values; the message is for the human reading the caller's log. */
static _Thread_local char error_message[1024];
static _Thread_local bool error_set;

_printf_(2, 0) static int error_vset(int err, const char *fmt, va_list ap) {
        vsnprintf(error_message, sizeof(error_message), fmt, ap);
        error_set = true;
        return err > 0 ? -err : (err < 0 ? err : -EIO);
}

int hostcaps_error(int err, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = error_vset(err, fmt, ap);
        va_end(ap);
        return r;
}

int hostcaps_error_keep(int err, const char *fmt, ...) {
        if (error_set)
                return err > 0 ? -err : (err < 0 ? err : -EIO);
        va_list ap;
        va_start(ap, fmt);
        int r = error_vset(err, fmt, ap);
        va_end(ap);
        return r;
}

/* A failure that was handled (a missing optional file) leaves no message
 * behind: a later error without a message of its own must not show it. */
void hostcaps_error_reset(void) {
        error_set = false;
        error_message[0] = '\0';
}

HOSTCAPS_EXPORT const char *hostcaps_error_message(void) {
        return error_message[0] ? error_message : NULL;
}
