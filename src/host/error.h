/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "util.h"

/* Record the calling thread's error message and return -err (err is a
 * positive errno value), so that `return hostcaps_error(EINVAL, "...")` is the
 * idiom for every failure a caller should read about. */
int hostcaps_error(int err, const char *fmt, ...) _printf_(2, 3);
/* Like hostcaps_error(), but keeps an already recorded, more precise message
 * when one is set since hostcaps_error_reset(). */
int hostcaps_error_keep(int err, const char *fmt, ...) _printf_(2, 3);
void hostcaps_error_reset(void);
/* A message of several lines (one failure each), joined by newlines: the
 * only messages with a newline; each line is sanitized as any message. */
int hostcaps_error_lines(int err, const char *const *lines, size_t n);
/* A file found absent (err ENOENT or ENOTDIR): returns -err and records the
 * path without a message (absence is often the answer). If the absence is
 * what the call fails with, hostcaps_error_keep() and hostcaps_error_finish()
 * make "PATH: No such file or directory" its message. */
int hostcaps_error_absent(int err, const char *path);
/* At the end of a public call: a failure always leaves a message (the
 * absent file it failed on, or at least strerror); returns r. */
int hostcaps_error_finish(int r);
