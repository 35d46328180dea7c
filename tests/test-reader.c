/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The root-prefixed reader: typed reads, errors naming the file, and a
 * sysroot that never reaches the live machine. */
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
        cr_assert_eq(hostcaps_read_u64(r, "sys/missing", &u), -ENOENT);
        cr_assert(strstr(hostcaps_error_message(), "sys/missing"));
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
        (void) userdata;
        (void) op;
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
