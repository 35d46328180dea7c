/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The root-prefixed reader: typed reads, errors naming the file, and a
 * sysroot that never reaches the live machine. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/error.h"
#include "host/reader.h"
#include "hostcaps/common.h"
#include "test-util.h"

static char *root;
static hostcaps_reader *r;

static void setup(void) {
        root = test_mkdtemp();
        cr_assert(root);
        cr_assert_eq(hostcaps_reader_new(&r, root), 0);
}

static void teardown(void) {
        hostcaps_reader_free(r);
        test_rm_rf(root);
        free(root);
}

TestSuite(reader, .init = setup, .fini = teardown);

Test(reader, typed_reads) {
        char *s = NULL;
        uint64_t u;
        int64_t i;
        hostcaps_bitmap *b = NULL;
        test_write(root, "sys/a", "hello world\n");
        test_write(root, "sys/n", "42\n");
        test_write(root, "sys/neg", "-1\n");
        test_write(root, "sys/list", "0-3,8\n");
        test_write(root, "sys/mask", "00000000,00000101\n");
        test_write(root, "sys/size", "32768K\n");
        cr_assert_eq(hostcaps_read_string(r, "sys/a", &s), 0);
        cr_assert_str_eq(s, "hello world");
        free(s);
        cr_assert_eq(hostcaps_read_string(r, "/sys/a", &s), 0, "a leading / is relative to the root");
        free(s);
        cr_assert_eq(hostcaps_readf_u64(r, &u, "sys/%s", "n"), 0);
        cr_assert_eq(u, 42);
        cr_assert_eq(hostcaps_read_s64(r, "sys/neg", &i), 0);
        cr_assert_eq(i, -1);
        cr_assert_eq(hostcaps_read_size(r, "sys/size", &u), 0);
        cr_assert_eq(u, 32768u * 1024);
        cr_assert_eq(hostcaps_read_cpulist(r, "sys/list", &b), 0);
        cr_assert_eq(hostcaps_bitmap_count(b), 5);
        hostcaps_bitmap_free(b);
        cr_assert_eq(hostcaps_read_cpumask(r, "sys/mask", &b), 0);
        s = hostcaps_bitmap_format(b);
        cr_assert_str_eq(s, "0,8");
        free(s);
        hostcaps_bitmap_free(b);
        cr_assert_eq(hostcaps_read_exists(r, "sys/a"), 1);
        cr_assert_eq(hostcaps_read_exists(r, "sys/nope"), 0);
        cr_assert_eq(hostcaps_read_exists(r, "sys/a/below-a-file"), 0);
}

Test(reader, errors_name_the_file_and_value) {
        uint64_t u;
        hostcaps_bitmap *b = NULL;
        char *s = NULL;
        test_write(root, "sys/bad", "12abc\n");
        test_write(root, "sys/rev", "3-1\n");
        /* Absence is quiet (often the answer); when a call fails with it,
         * the absent file becomes the message. */
        hostcaps_error_reset();
        cr_assert_eq(hostcaps_read_u64(r, "sys/missing", &u), -ENOENT);
        cr_assert_null(hostcaps_error_message());
        cr_assert_eq(hostcaps_error_finish(-ENOENT), -ENOENT);
        cr_assert(strstr(hostcaps_error_message(), "sys/missing: No such file"), "%s",
                  hostcaps_error_message());
        cr_assert_eq(hostcaps_read_u64(r, "sys/bad", &u), -EINVAL);
        cr_assert(strstr(hostcaps_error_message(), "sys/bad"), "%s", hostcaps_error_message());
        cr_assert(strstr(hostcaps_error_message(), "12abc"), "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_read_cpulist(r, "sys/rev", &b), -EINVAL);
        cr_assert(strstr(hostcaps_error_message(), "sys/rev: invalid CPU list '3-1'"), "%s",
                  hostcaps_error_message());
        cr_assert_eq(hostcaps_read_string(r, "sys", &s), -EISDIR);
        cr_assert(strstr(hostcaps_error_message(), "sys"));
}

Test(reader, binary_and_huge_files) {
        char *s = NULL, *path = NULL;
        cr_assert(asprintf(&path, "%s/sys/bin", root) >= 0);
        test_write(root, "sys/bin", "");
        FILE *f = fopen(path, "w");
        fwrite("1\0002", 1, 3, f);
        fclose(f);
        cr_assert_eq(hostcaps_read_string(r, "sys/bin", &s), -EBADMSG);
        cr_assert(strstr(hostcaps_error_message(), "NUL"));
        free(path);
        cr_assert(asprintf(&path, "%s/sys/huge", root) >= 0);
        f = fopen(path, "w");
        cr_assert(f);
        cr_assert_eq(ftruncate(fileno(f), HOSTCAPS_READ_MAX + 10), 0);
        fclose(f);
        cr_assert_eq(hostcaps_read_string(r, "sys/huge", &s), -EFBIG);
        cr_assert(strstr(hostcaps_error_message(), "sys/huge"));
        free(path);
}

Test(reader, sysroot_symlinks_stay_inside) {
        char *link = NULL, *s = NULL;
        test_write(root, "etc/hostname", "inside\n");
        test_write(root, "sys/x", "");
        /* An absolute link resolves against the sysroot, not the live "/". */
        cr_assert(asprintf(&link, "%s/sys/abs", root) >= 0);
        cr_assert_eq(symlink("/etc/hostname", link), 0);
        free(link);
        cr_assert_eq(hostcaps_read_string(r, "sys/abs", &s), 0);
        cr_assert_str_eq(s, "inside");
        free(s);
        /* ".." cannot climb above the root either. */
        cr_assert(asprintf(&link, "%s/sys/up", root) >= 0);
        cr_assert_eq(symlink("../../../../../../../etc/hostname", link), 0);
        free(link);
        cr_assert_eq(hostcaps_read_string(r, "sys/up", &s), 0);
        cr_assert_str_eq(s, "inside");
        free(s);
        cr_assert_eq(hostcaps_read_string(r, "../../../../etc/hostname", &s), 0);
        cr_assert_str_eq(s, "inside");
        free(s);
        /* A loop is an error, not a hang. */
        cr_assert(asprintf(&link, "%s/sys/loop", root) >= 0);
        cr_assert_eq(symlink("loop", link), 0);
        free(link);
        cr_assert_eq(hostcaps_read_string(r, "sys/loop", &s), -ELOOP);
}

Test(reader, read_dir_sorted_by_version) {
        char **names = NULL;
        size_t n;
        test_write(root, "d/cpu10", "");
        test_write(root, "d/cpu2", "");
        test_write(root, "d/cpu1", "");
        cr_assert_eq(hostcaps_read_dir(r, "d", &names, &n), 0);
        cr_assert_eq(n, 3);
        cr_assert_str_eq(names[0], "cpu1");
        cr_assert_str_eq(names[1], "cpu2");
        cr_assert_str_eq(names[2], "cpu10");
        cr_assert_null(names[3]);
        hostcaps_strv_free(names);
        cr_assert_eq(hostcaps_read_dir(r, "nope", &names, &n), -ENOENT);
        cr_assert_eq(hostcaps_read_dir(r, "d/cpu1", &names, &n), -ENOTDIR);
}

Test(reader, trace_records_paths) {
        char *s = NULL, **names = NULL, **trace;
        test_write(root, "sys/a", "1\n");
        hostcaps_reader_trace_start(r);
        hostcaps_read_string(r, "sys/a", &s);
        free(s);
        hostcaps_read_dir(r, "sys", &names, NULL);
        hostcaps_strv_free(names);
        hostcaps_read_exists(r, "sys/b");
        trace = hostcaps_reader_trace_stop(r);
        cr_assert_str_eq(trace[0], "sys/a");
        cr_assert_str_eq(trace[1], "sys/");
        cr_assert_str_eq(trace[2], "sys/b");
        cr_assert_null(trace[3]);
        hostcaps_strv_free(trace);
        cr_assert_geq(hostcaps_reader_n_opened(r), 3);
}

static int fail_open(void *userdata, const char *path, const char *op) {
        (void)userdata;
        (void)op;
        return strcmp(path, "sys/a") == 0 ? -EIO : 0;
}

Test(reader, fault_injection) {
        char *s = NULL;
        test_write(root, "sys/a", "1\n");
        test_write(root, "sys/b", "2\n");
        hostcaps_reader_set_fault(r, fail_open, NULL);
        cr_assert_eq(hostcaps_read_string(r, "sys/a", &s), -EIO);
        cr_assert(strstr(hostcaps_error_message(), "sys/a"));
        cr_assert_eq(hostcaps_read_string(r, "sys/b", &s), 0);
        free(s);
}

Test(reader, bad_root) {
        hostcaps_reader *x = NULL;
        cr_assert_eq(hostcaps_reader_new(&x, "/nonexistent/hostcaps"), -ENOENT);
        cr_assert_null(x);
        cr_assert(strstr(hostcaps_error_message(), "/nonexistent/hostcaps"));
}

Test(reader, empty_root_is_refused) {
        hostcaps_reader *x = NULL;
        cr_assert_eq(hostcaps_reader_new(&x, ""), -EINVAL);
        cr_assert_null(x);
        cr_assert(strstr(hostcaps_error_message(), "empty root"), "%s", hostcaps_error_message());
}

static void write_bytes(const char *rel, const char *data, size_t len) {
        char *path = NULL;
        test_write(root, rel, "");
        cr_assert(asprintf(&path, "%s/%s", root, rel) >= 0);
        FILE *f = fopen(path, "w");
        cr_assert(f);
        cr_assert_eq(fwrite(data, 1, len, f), len);
        fclose(f);
        free(path);
}

/* What old kernels and recorders write: NUL bytes (and white space) after
 * the value are read as hwloc and lscpu read them; a NUL inside stays an
 * error. */
Test(reader, trailing_nul_bytes) {
        char *s = NULL;
        uint64_t u;
        write_bytes("sys/online", "0\n\0", 3);
        cr_assert_eq(hostcaps_read_string(r, "sys/online", &s), 0);
        cr_assert_str_eq(s, "0");
        free(s);
        write_bytes("sys/n", "42\0\0\n", 5);
        cr_assert_eq(hostcaps_read_u64(r, "sys/n", &u), 0);
        cr_assert_eq(u, 42);
        write_bytes("sys/inner", "4\0002\n", 4);
        cr_assert_eq(hostcaps_read_u64(r, "sys/inner", &u), -EBADMSG);
        cr_assert(strstr(hostcaps_error_message(), "sys/inner: contains a NUL byte"), "%s",
                  hostcaps_error_message());
}

/* The limit is a size a file may have, not one less. */
Test(reader, file_of_exactly_the_limit) {
        char *s = NULL, *path = NULL;
        size_t len = 0;
        test_write(root, "sys/max", "");
        cr_assert(asprintf(&path, "%s/sys/max", root) >= 0);
        FILE *f = fopen(path, "w");
        cr_assert(f);
        cr_assert_eq(ftruncate(fileno(f), HOSTCAPS_READ_MAX), 0);
        fclose(f);
        /* Zeros are NULs: make them text. */
        int fd = open(path, O_WRONLY);
        for (size_t off = 0; off < HOSTCAPS_READ_MAX; off += 1u << 20) {
                static char mb[1u << 20];
                memset(mb, 'x', sizeof(mb));
                cr_assert_eq(pwrite(fd, mb, sizeof(mb), (off_t)off), (ssize_t)sizeof(mb));
        }
        close(fd);
        cr_assert_eq(hostcaps_read_file(r, "sys/max", &s, &len), 0, "%s", hostcaps_error_message());
        cr_assert_eq(len, HOSTCAPS_READ_MAX);
        free(s);
        cr_assert_eq(truncate(path, HOSTCAPS_READ_MAX + 1), 0);
        cr_assert_eq(hostcaps_read_file(r, "sys/max", &s, &len), -EFBIG);
        cr_assert(strstr(hostcaps_error_message(), "larger than 16777216 bytes"), "%s",
                  hostcaps_error_message());
        free(path);
}

/* A named pipe or a device where a file should be is refused without
 * being opened for reading (no open() that blocks or has effects). */
Test(reader, special_files_refused_before_open) {
        char *s = NULL, *path = NULL;
        test_write(root, "sys/x", "");
        cr_assert(asprintf(&path, "%s/sys/fifo", root) >= 0);
        cr_assert_eq(mkfifo(path, 0600), 0);
        int fd = hostcaps_reader_open(r, "sys/fifo", 0);
        cr_assert_geq(fd, 0);
        /* What came back is no readable descriptor of the pipe. */
        char c;
        cr_assert_lt(read(fd, &c, 1), 0);
        cr_assert_eq(errno, EBADF);
        close(fd);
        cr_assert_eq(hostcaps_read_string(r, "sys/fifo", &s), -EINVAL);
        cr_assert(strstr(hostcaps_error_message(), "sys/fifo: not a regular file"), "%s",
                  hostcaps_error_message());
        free(path);
}

/* A value quoted in a message cannot drive the caller's terminal. */
Test(reader, control_bytes_never_reach_a_message) {
        uint64_t u;
        test_write(root, "sys/esc",
                   "\x1b]0;owned\x07\x9b"
                   "2J\n");
        cr_assert_eq(hostcaps_read_u64(r, "sys/esc", &u), -EINVAL);
        const char *m = hostcaps_error_message();
        cr_assert(strstr(m, "sys/esc"), "%s", m);
        for (const unsigned char *p = (const unsigned char *)m; *p; p++)
                cr_assert(*p >= 0x20 && *p != 0x7f && *p != 0x9b, "control byte 0x%02x in '%s'", *p, m);
        cr_assert(strstr(m, "?]0;owned?"), "%s", m);
}
