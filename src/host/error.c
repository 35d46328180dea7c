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

/* Messages quote values read from files (a sysroot's, a document's): a
 * control byte there (ESC starting a terminal sequence, a newline forging a
 * second line) must not reach the caller's terminal or log as it is. */
static void sanitize(char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < 0x20 || *s == 0x7f)
                        *s = '?';
}

_printf_(2, 0) static int error_vset(int err, const char *fmt, va_list ap) {
        vsnprintf(error_message, sizeof(error_message), fmt, ap);
        sanitize(error_message);
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
