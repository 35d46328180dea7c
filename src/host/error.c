/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "hostcaps/common.h"
#include "error.h"

/* One message per thread, like dlerror(): errors are returned as negative
 * errno values; the message is for the human reading the caller's log. */
static _Thread_local char error_message[1024];
static _Thread_local bool error_set;
/* The last file found absent (ENOENT, ENOTDIR). Absence is often the
 * answer (an optional file), so the reader does not format a message for
 * it; the path is kept, and becomes the message only when the absence is
 * what the call failed with. */
static _Thread_local char absent_path[512];
static _Thread_local int absent_err;

_printf_(2, 0) static int error_vset(int err, const char *fmt, va_list ap) {
        vsnprintf(error_message, sizeof(error_message), fmt, ap);
        /* Messages quote values read from files: no terminal control
         * sequence, no forged line, no invalid UTF-8 reaches whoever prints
         * them. */
        hostcaps_message_sanitize(error_message);
        error_set = true;
        absent_path[0] = '\0';
        return err > 0 ? -err : (err < 0 ? err : -EIO);
}

int hostcaps_error(int err, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = error_vset(err, fmt, ap);
        va_end(ap);
        return r;
}

int hostcaps_error_absent(int err, const char *path) {
        snprintf(absent_path, sizeof(absent_path), "%s", path);
        absent_err = err;
        return -err;
}

/* An absence the call failed with becomes its message. */
static bool absent_promote(int err) {
        int e = err > 0 ? err : -err;
        if (!absent_path[0] || (e != ENOENT && e != ENOTDIR))
                return false;
        snprintf(error_message, sizeof(error_message), "%s: %s", absent_path, strerror(absent_err));
        error_set = true;
        absent_path[0] = '\0';
        return true;
}

int hostcaps_error_keep(int err, const char *fmt, ...) {
        if (error_set || absent_promote(err))
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
        absent_path[0] = '\0';
}

int hostcaps_error_finish(int r) {
        if (r >= 0)
                return r;
        if (!error_set && !absent_promote(r))
                hostcaps_error(-r, "%s", strerror(-r));
        return r;
}

HOSTCAPS_EXPORT const char *hostcaps_error_message(void) {
        return error_message[0] ? error_message : NULL;
}

int hostcaps_error_lines(int err, const char *const *lines, size_t n) {
        size_t len = 0;
        error_message[0] = '\0';
        for (size_t i = 0; i < n && len + 1 < sizeof(error_message); i++) {
                int w = snprintf(error_message + len, sizeof(error_message) - len, "%s%s", i ? "\n" : "",
                                 lines[i]);
                if (w < 0)
                        break;
                /* Each line one line of text; only the joints are newlines. */
                hostcaps_message_sanitize(error_message + len + (i ? 1 : 0));
                len += (size_t)w;
        }
        error_set = true;
        absent_path[0] = '\0';
        return err > 0 ? -err : (err < 0 ? err : -EIO);
}
