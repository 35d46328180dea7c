/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host section: UUID, power management, IOMMU, on hand-written trees. */
#include "hostcaps.h"
#include "test-util.h"

static char *root;

static void setup(void) {
        root = test_mkdtemp();
        cr_assert(root);
        test_write(root, "hostcaps-snapshot.txt", "arch=x86_64\n");
}

static void teardown(void) {
        test_rm_rf(root);
        free(root);
}

TestSuite(host, .init = setup, .fini = teardown);

static hostcaps_host *get_host(void) {
        hostcaps_node *node = NULL;
        hostcaps_host *h = NULL;
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_host(node, 0, &h), 0, "%s", hostcaps_error_message());
        hostcaps_node_unref(node);
        return h;
}

Test(host, uuid_from_dmi_then_machine_id) {
        test_write(root, "etc/machine-id", "0123456789abcdef0123456789ABCDEF\n");
        hostcaps_host *h = get_host();
        cr_assert_str_eq(hostcaps_host_uuid(h), "01234567-89ab-cdef-0123-456789abcdef");
        cr_assert_str_eq(hostcaps_host_uuid_source(h), "machine-id");
        hostcaps_host_unref(h);

        test_write(root, "sys/class/dmi/id/product_uuid", "4C4C4544-0042-3510-8052-B4C04F4B4E32\n");
        h = get_host();
        cr_assert_str_eq(hostcaps_host_uuid(h), "4c4c4544-0042-3510-8052-b4c04f4b4e32");
        cr_assert_str_eq(hostcaps_host_uuid_source(h), "dmi");
        hostcaps_host_unref(h);

        /* Firmware placeholders are no identity. */
        test_write(root, "sys/class/dmi/id/product_uuid", "00000000-0000-0000-0000-000000000000\n");
        h = get_host();
        cr_assert_str_eq(hostcaps_host_uuid_source(h), "machine-id");
        hostcaps_host_unref(h);
}

Test(host, no_uuid_anywhere) {
        test_write(root, "etc/machine-id", "not a machine id\n");
        hostcaps_host *h = get_host();
        cr_assert_null(hostcaps_host_uuid(h));
        cr_assert_null(hostcaps_host_uuid_source(h));
        hostcaps_host_unref(h);
}

Test(host, power_management) {
        hostcaps_host *h;
        h = get_host();
        cr_assert_eq(hostcaps_host_power_management(h), 0, "no /sys/power: no targets");
        hostcaps_host_unref(h);

        test_write(root, "sys/power/state", "freeze mem disk\n");
        test_write(root, "sys/power/disk", "[platform] shutdown reboot suspend test_resume\n");
        h = get_host();
        cr_assert_eq(hostcaps_host_power_management(h),
                     HOSTCAPS_PM_SUSPEND_MEM | HOSTCAPS_PM_SUSPEND_DISK | HOSTCAPS_PM_SUSPEND_HYBRID);
        hostcaps_host_unref(h);

        test_write(root, "sys/power/state", "freeze mem disk\n");
        test_write(root, "sys/power/disk", "[disabled]\n");
        h = get_host();
        cr_assert_eq(hostcaps_host_power_management(h), HOSTCAPS_PM_SUSPEND_MEM);
        hostcaps_host_unref(h);

        /* "memory" is not "mem". */
        test_write(root, "sys/power/state", "freeze memory\n");
        h = get_host();
        cr_assert_eq(hostcaps_host_power_management(h), 0);
        hostcaps_host_unref(h);
}

Test(host, iommu) {
        hostcaps_host *h = get_host();
        cr_assert_not(hostcaps_host_iommu(h), "no iommu_groups directory");
        hostcaps_host_unref(h);
        char *cmd = NULL;
        cr_assert(asprintf(&cmd, "mkdir -p '%s/sys/kernel/iommu_groups'", root) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        h = get_host();
        cr_assert_not(hostcaps_host_iommu(h), "empty iommu_groups");
        hostcaps_host_unref(h);
        cr_assert(asprintf(&cmd, "mkdir -p '%s/sys/kernel/iommu_groups/0/devices'", root) >= 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
        h = get_host();
        cr_assert(hostcaps_host_iommu(h));
        hostcaps_host_unref(h);
}

Test(host, xml) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        test_write(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        test_write(root, "sys/power/state", "mem\n");
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_HOST, 0, HOSTCAPS_FORMAT_XML, &doc), 0);
        cr_assert(strstr(doc, "<uuid>01234567-89ab-cdef-0123-456789abcdef</uuid>"), "%s", doc);
        cr_assert(strstr(doc, "<power_management>\n      <suspend_mem/>\n    </power_management>"), "%s",
                  doc);
        cr_assert(strstr(doc, "<iommu support='no'/>"), "%s", doc);
        cr_assert(strstr(doc, "<cpu>\n      <arch>x86_64</arch>\n    </cpu>"),
                  "arch without the CPU section: %s", doc);
        cr_assert_null(strstr(doc, "<feature"), "the CPU section was not asked for");
        free(doc);
        hostcaps_node_unref(node);
}
