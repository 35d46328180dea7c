/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <dirent.h>

#include "bitmap.h"

/* The root-prefixed reader: every file the library reads goes through it.
 * It owns a directory handle of the root and opens every path relative to
 * it, so that a recorded sysroot and the live host are read by the same
 * code, and a sysroot never reaches the live machine (absolute symlinks
 * inside a sysroot resolve inside it).
 *
 * Paths are relative to the root ("sys/devices/system/cpu/online"); a
 * leading '/' is ignored. Functions return 0 or a negative errno and, on
 * failure, set the thread's error message naming the path and the value.
 * A missing file is -ENOENT: callers decide whether that means "absent". */

typedef struct hostcaps_reader hostcaps_reader;

/* Largest file read whole: /proc/cpuinfo of a 1024-CPU host is ~1.5 MB. */
#define HOSTCAPS_READ_MAX (16u << 20)

int hostcaps_reader_new(hostcaps_reader **ret, const char *root);
/* A reader of files the caller names on this machine (a saved document, a
 * CPUID dump, libvirt's map): absolute paths, or relative to the working
 * directory. Not a root: never use it for host state. */
int hostcaps_reader_new_cwd(hostcaps_reader **ret);
hostcaps_reader *hostcaps_reader_free(hostcaps_reader *r);
bool hostcaps_reader_is_live(const hostcaps_reader *r);
const char *hostcaps_reader_root(const hostcaps_reader *r);

/* Test and diagnosis hooks: record every path the reader touches (a
 * directory listing as "path/"). */
void hostcaps_reader_trace_start(hostcaps_reader *r);
/* The recorded paths (a NULL-terminated array the caller frees with
 * hostcaps_strv_free()), and stop recording. */
char **hostcaps_reader_trace_stop(hostcaps_reader *r);
void hostcaps_strv_free(char **v);

/* Fault injection for tests: called before every access; a negative return
 * is the access's result. op is "open", "access", "opendir" or "readlink". */
typedef int (*hostcaps_reader_fault_fn)(void *userdata, const char *path, const char *op);
void hostcaps_reader_set_fault(hostcaps_reader *r, hostcaps_reader_fault_fn fn, void *userdata);

/* The number of files and directories opened so far (for benchmarks). */
uint64_t hostcaps_reader_n_opened(const hostcaps_reader *r);

/* Open a path (O_RDONLY|O_CLOEXEC plus flags); returns an fd or -errno. */
int hostcaps_reader_open(hostcaps_reader *r, const char *path, int flags);

/* For the few files read at every request (stamps) on the live host: a
 * descriptor of a sysfs file kept open for the reader's life. pread() at
 * offset 0 makes sysfs generate the attribute afresh, so a later read costs
 * one system call instead of a path walk, an open, two reads and a close
 * (0.6 µs instead of 5-8 µs measured in a VM; see docs/performance.md).
 * *ret_kept says whether the descriptor is kept (the caller must not close
 * it) or an ordinary one the caller closes: a sysroot, a file outside sysfs,
 * fault injection, a full table. Every call is traced like an open. */
#define HOSTCAPS_READER_MAX_KEPT 16
int hostcaps_reader_open_kept(hostcaps_reader *r, const char *path, bool *ret_kept);

/* 1 if the path exists, 0 if not, negative errno on other failures. */
int hostcaps_read_exists(hostcaps_reader *r, const char *path);
int hostcaps_readf_exists(hostcaps_reader *r, const char *fmt, ...) _printf_(2, 3);

/* The whole file, NUL-terminated; *ret_len (optional) excludes the NUL.
 * Files holding a NUL byte or larger than HOSTCAPS_READ_MAX are -EBADMSG / -EFBIG. */
int hostcaps_read_file(hostcaps_reader *r, const char *path, char **ret, size_t *ret_len);
/* The whole file with trailing whitespace (sysfs's newline) stripped. */
int hostcaps_read_string(hostcaps_reader *r, const char *path, char **ret);
int hostcaps_readf_string(hostcaps_reader *r, char **ret, const char *fmt, ...) _printf_(3, 4);
/* Typed reads of one-value files. */
int hostcaps_read_u64(hostcaps_reader *r, const char *path, uint64_t *ret);
int hostcaps_readf_u64(hostcaps_reader *r, uint64_t *ret, const char *fmt, ...) _printf_(3, 4);
int hostcaps_read_s64(hostcaps_reader *r, const char *path, int64_t *ret);
int hostcaps_readf_s64(hostcaps_reader *r, int64_t *ret, const char *fmt, ...) _printf_(3, 4);
int hostcaps_read_size(hostcaps_reader *r, const char *path, uint64_t *ret);
int hostcaps_readf_size(hostcaps_reader *r, uint64_t *ret, const char *fmt, ...) _printf_(3, 4);
int hostcaps_read_cpulist(hostcaps_reader *r, const char *path, hostcaps_bitmap **ret);
int hostcaps_readf_cpulist(hostcaps_reader *r, hostcaps_bitmap **ret, const char *fmt, ...) _printf_(3, 4);
int hostcaps_read_cpumask(hostcaps_reader *r, const char *path, hostcaps_bitmap **ret);
int hostcaps_readf_cpumask(hostcaps_reader *r, hostcaps_bitmap **ret, const char *fmt, ...) _printf_(3, 4);

/* The entry names of a directory, sorted (versionsort: cpu2 before cpu10),
 * without "." and "..", as a NULL-terminated array; free with hostcaps_strv_free(). */
int hostcaps_read_dir(hostcaps_reader *r, const char *path, char ***ret, size_t *ret_n);
/* The target of a symlink. */
int hostcaps_read_link(hostcaps_reader *r, const char *path, char **ret);
