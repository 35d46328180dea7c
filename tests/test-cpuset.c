/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed CPU sets, the cgroup query and the runtime version: what a consumer
 * uses instead of parsing "0-3,8-11" itself. */
#include <errno.h>
#include <sched.h>

#include "hostcaps.h"
#include "test-util.h"

Test(cpuset, from_list_and_back) {
        hostcaps_cpuset *s = NULL, *t = NULL;
        cr_assert_eq(hostcaps_cpuset_from_list("0-3,8,10-11", &s), 0);
        cr_assert_eq(hostcaps_cpuset_count(s), 7);
        cr_assert(hostcaps_cpuset_contains(s, 8));
        cr_assert_not(hostcaps_cpuset_contains(s, 9));
        int seen[8], n = 0;
        for (int c = hostcaps_cpuset_next(s, -1); c >= 0 && n < 8; c = hostcaps_cpuset_next(s, c))
                seen[n++] = c;
        static const int expected[] = {0, 1, 2, 3, 8, 10, 11};
        cr_assert_eq(n, 7);
        cr_assert_arr_eq(seen, expected, sizeof(expected));
        char *list = hostcaps_cpuset_to_list(s);
        cr_assert_str_eq(list, "0-3,8,10-11");
        free(list);
        cr_assert_eq(hostcaps_cpuset_from_list("2-9", &t), 0);
        hostcaps_cpuset_intersect(s, t);
        list = hostcaps_cpuset_to_list(s);
        cr_assert_str_eq(list, "2-3,8");
        free(list);
        hostcaps_cpuset_remove(s, 8);
        cr_assert_eq(hostcaps_cpuset_add(s, 65535), 0);
        cr_assert_eq(hostcaps_cpuset_add(s, 65536), -ERANGE);
        cr_assert_eq(hostcaps_cpuset_count(s), 3);
        cr_assert_eq(hostcaps_cpuset_next(s, 65535), -1);
        hostcaps_cpuset_free(s);
        hostcaps_cpuset_free(t);
        cr_assert_null(hostcaps_cpuset_free(NULL));
}

Test(cpuset, bad_lists_are_errors) {
        hostcaps_cpuset *s = NULL;
        static const char *const bad[] = {"3-1", "a", "1,,2", "-1", "0-70000"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                cr_assert_lt(hostcaps_cpuset_from_list(bad[i], &s), 0, "'%s' accepted", bad[i]);
                cr_assert_null(s);
                cr_assert(hostcaps_error_message());
        }
        cr_assert_eq(hostcaps_cpuset_from_list("", &s), 0);
        cr_assert_eq(hostcaps_cpuset_count(s), 0);
        hostcaps_cpuset_free(s);
}

Test(cpuset, fills_a_cpu_set_t) {
        hostcaps_cpuset *s = NULL;
        cpu_set_t m;
        cr_assert_eq(hostcaps_cpuset_from_list("1,5,1023", &s), 0);
        cr_assert_eq(hostcaps_cpuset_to_cpu_set(s, &m, sizeof(m)), 0);
        cr_assert_eq(CPU_COUNT(&m), 3);
        cr_assert(CPU_ISSET(5, &m));
        cr_assert_eq(hostcaps_cpuset_add(s, 5000), 0);
        cr_assert_eq(hostcaps_cpuset_to_cpu_set(s, &m, sizeof(m)), -ERANGE);
        size_t size = CPU_ALLOC_SIZE(8192);
        cpu_set_t *big = CPU_ALLOC(8192);
        cr_assert_eq(hostcaps_cpuset_to_cpu_set(s, big, size), 0);
        cr_assert(CPU_ISSET_S(5000, size, big));
        cr_assert_eq(CPU_COUNT_S(size, big), 4);
        CPU_FREE(big);
        hostcaps_cpuset_free(s);
}

Test(cpuset, cgroup_of_a_workload) {
        char *root = test_mkdtemp();
        hostcaps_node *node = NULL;
        hostcaps_cpuset *s = NULL;
        test_write(root, "sys/devices/system/cpu/online", "0-7\n");
        test_write(root, "sys/fs/cgroup/kubepods/pod1/cpuset.cpus.effective", "2-5\n");
        test_write(root, "sys/fs/cgroup/cpuset/legacy/cpuset.effective_cpus", "6-7\n");
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_cgroup_cpus(node, "/kubepods/pod1", &s), 0, "%s",
                     hostcaps_error_message());
        char *list = hostcaps_cpuset_to_list(s);
        cr_assert_str_eq(list, "2-5");
        free(list);
        hostcaps_cpuset_free(s);
        cr_assert_eq(hostcaps_node_cgroup_cpus(node, "legacy", &s), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_cpuset_count(s), 2);
        hostcaps_cpuset_free(s);
        s = NULL;
        cr_assert_eq(hostcaps_node_cgroup_cpus(node, "/nope", &s), -ENOENT);
        cr_assert(strstr(hostcaps_error_message(), "cpuset"), "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_cgroup_cpus(node, "/kubepods/../../..", &s), -EINVAL);
        cr_assert_null(s);
        hostcaps_node_unref(node);
        test_rm_rf(root);
        free(root);
}

Test(cpuset, runtime_version) {
        cr_assert_str_eq(hostcaps_version(), HOSTCAPS_VERSION_STRING);
}
