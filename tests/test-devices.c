/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The devices section: on generated trees every device's ids, NUMA node,
 * local CPUs and names are what the generator wrote (gen_pci_get); on the
 * recorded machine with PCI devices they are what its files and hwloc's
 * expected output say; a devices request opens devices files only, a
 * filtered one reads only `class` of the devices it leaves out; bad values
 * follow the read policy. hwloc's own reading of the same trees is compared
 * in tests/hwloc-devices.sh. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "gen/sysroot-gen.h"
#include "host/section.h"
#include "hostcaps.h"
#include "test-util.h"

static char *root;

static void cleanup(void) {
        test_rm_rf(root);
        free(root);
        root = NULL;
}

static void write_tree(const gen_shape *shape) {
        root = test_mkdtemp();
        cr_assert(root);
        cr_assert_eq(gen_sysroot(root, shape), 0, "gen_sysroot failed");
}

static hostcaps_devices *get_devices(const char *dir) {
        hostcaps_node *node = NULL;
        hostcaps_devices *d = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_devices(node, 0, &d), 0, "%s", hostcaps_error_message());
        hostcaps_node_unref(node);
        return d;
}

static void write_file(const char *rel, const char *content) {
        char path[4096];
        test_pathf(path, sizeof(path), "%s/%s", root, rel);
        if (!content) {
                cr_assert(unlink(path) == 0 || errno == ENOENT, "unlink %s", path);
                return;
        }
        FILE *f = fopen(path, "w");
        cr_assert(f, "cannot write %s", path);
        fputs(content, f);
        fclose(f);
}

/* Every device of the tree as the generator describes it. */
static void assert_as_generated(const gen_shape *shape, const hostcaps_devices *d) {
        unsigned n = gen_n_pci(shape);
        cr_assert_null(hostcaps_devices_absent_reason(d));
        cr_assert_eq(hostcaps_devices_n_unknown(d), 0, "%s", hostcaps_devices_unknown_reason(d, 0));
        cr_assert_eq(hostcaps_devices_n_devices(d), n);
        for (unsigned k = 0; k < n; k++) {
                gen_pci p;
                unsigned v;
                cr_assert_eq(gen_pci_get(shape, k, &p), 0);
                char *cpus = gen_pci_local_cpus(shape, k);
                cr_assert_str_eq(hostcaps_devices_address(d, k), p.address);
                cr_assert_eq(hostcaps_devices_class(d, k, &v), 0);
                cr_assert_eq(v, p.class_code, "%s: class", p.address);
                cr_assert_eq(hostcaps_devices_vendor(d, k, &v), 0);
                cr_assert_eq(v, p.vendor, "%s: vendor", p.address);
                cr_assert_eq(hostcaps_devices_device(d, k, &v), 0);
                cr_assert_eq(v, p.device, "%s: device", p.address);
                cr_assert_eq(hostcaps_devices_subsystem_vendor(d, k, &v), 0);
                cr_assert_eq(v, p.subsystem_vendor);
                cr_assert_eq(hostcaps_devices_subsystem_device(d, k, &v), 0);
                cr_assert_eq(v, p.subsystem_device);
                cr_assert_eq(hostcaps_devices_numa_node(d, k), p.numa_node, "%s: node %d, tree says %d",
                             p.address, hostcaps_devices_numa_node(d, k), p.numa_node);
                cr_assert_str_eq(hostcaps_devices_local_cpus(d, k), cpus, "%s: local CPUs", p.address);
                size_t n_names = p.names[0][0] ? (p.names[1][0] ? 2 : 1) : 0;
                cr_assert_eq(hostcaps_devices_n_names(d, k), n_names, "%s: names", p.address);
                for (size_t i = 0; i < n_names; i++) {
                        cr_assert_str_eq(hostcaps_devices_name(d, k, i), p.names[i]);
                        cr_assert_str_eq(hostcaps_device_kind_to_string(hostcaps_devices_name_kind(d, k, i)),
                                         p.kind);
                        cr_assert_eq(hostcaps_devices_find_name(d, p.names[i]), (int)k);
                }
                cr_assert_eq(hostcaps_devices_find_address(d, p.address), (int)k);
                free(cpus);
        }
}

static const gen_shape shapes[] = {
        {.sockets = 1, .cores_per_cluster = 4, .pci_per_node = 3},
        {.sockets = 2,
         .cores_per_cluster = 4,
         .threads_per_core = 2,
         .nodes_per_socket = 2,
         .pci_per_node = 4,
         .pci_unknown = 2},
        /* Node ids that are not indices, an offline CPU (never local), and
         * devices without locality from a kernel without numa_node files. */
        {.sockets = 2,
         .cores_per_cluster = 6,
         .node_ids = "1,4",
         .offline_cpus = "3",
         .pci_per_node = 5,
         .pci_unknown = 1,
         .pci_old_kernel = true},
};

Test(devices, generated_trees_as_written, .fini = cleanup) {
        for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
                write_tree(&shapes[i]);
                hostcaps_devices *d = get_devices(root);
                assert_as_generated(&shapes[i], d);
                hostcaps_devices_unref(d);
                cleanup();
        }
}

/* The kernel's files, read here by the test itself, name the same values. */
Test(devices, values_are_the_files, .fini = cleanup) {
        write_tree(&shapes[1]);
        hostcaps_devices *d = get_devices(root);
        for (size_t k = 0; k < hostcaps_devices_n_devices(d); k++) {
                char path[4096], *s;
                test_pathf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/numa_node", root,
                           hostcaps_devices_address(d, k));
                cr_assert((s = test_read_file(path)));
                cr_assert_eq(atoi(s), hostcaps_devices_numa_node(d, k));
                free(s);
                test_pathf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/local_cpulist", root,
                           hostcaps_devices_address(d, k));
                cr_assert((s = test_read_file(path)));
                s[strcspn(s, "\n")] = '\0';
                cr_assert_str_eq(s, hostcaps_devices_local_cpus(d, k));
                free(s);
        }
        hostcaps_devices_unref(d);
}

/* A devices file: the bus listing and the devices' directories, and the
 * class listings of the names. */
static bool is_devices_file(const char *p) {
        return startswith(p, "sys/bus/pci/devices") || startswith(p, "sys/devices/pci") ||
               startswith(p, "sys/class/net") || startswith(p, "sys/class/block") ||
               startswith(p, "sys/class/drm") || startswith(p, "sys/class/infiniband");
}

static char **traced(hostcaps_node *node, unsigned sections) {
        char *doc = NULL;
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        cr_assert_eq(hostcaps_node_get_capabilities(node, sections, 0, HOSTCAPS_FORMAT_JSON, &doc), 0, "%s",
                     hostcaps_error_message());
        free(doc);
        char **trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        cr_assert(trace);
        return trace;
}

static void assert_devices_only(const char *dir) {
        hostcaps_node *node = NULL;
        cr_assert_eq(hostcaps_node_open(&node, dir, 0), 0, "%s", hostcaps_error_message());
        char **trace = traced(node, HOSTCAPS_SECTION_DEVICES);
        size_t n = 0;
        for (; trace[n]; n++)
                cr_expect(is_devices_file(trace[n]), "%s: a devices request read %s", dir, trace[n]);
        cr_assert_gt(n, 0);
        hostcaps_strv_free(trace);
        /* And no other request reads a devices file. */
        trace = traced(node, HOSTCAPS_SECTION_ALL);
        for (size_t i = 0; trace[i]; i++)
                cr_expect(!startswith(trace[i], "sys/bus/pci") && !startswith(trace[i], "sys/class/net"),
                          "%s: a request without devices read %s", dir, trace[i]);
        hostcaps_strv_free(trace);
        hostcaps_node_unref(node);
}

Test(devices, request_reads_only_devices_files, .fini = cleanup) {
        write_tree(&shapes[1]);
        assert_devices_only(root);
        assert_devices_only("/");
}

/* Asking for network controllers: the class file of every device, and no
 * other file of a device of another class. */
Test(devices, filter_reads_class_only_of_others, .fini = cleanup) {
        hostcaps_node *node = NULL;
        hostcaps_devices *d = NULL;
        const unsigned net[] = {HOSTCAPS_PCI_CLASS_NETWORK};
        write_tree(&shapes[1]);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        cr_assert_eq(hostcaps_node_get_devices_filtered(node, 0, net, 1, &d), 0, "%s",
                     hostcaps_error_message());
        char **trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        /* 2 NICs per node of 4 devices, 4 nodes. */
        cr_assert_eq(hostcaps_devices_n_devices(d), 8);
        for (size_t k = 0; k < hostcaps_devices_n_devices(d); k++) {
                unsigned c;
                cr_assert_eq(hostcaps_devices_class(d, k, &c), 0);
                cr_assert_eq(c >> 16, HOSTCAPS_PCI_CLASS_NETWORK);
                cr_assert_eq(hostcaps_devices_n_names(d, k), 1);
        }
        for (unsigned k = 0; k < gen_n_pci(&shapes[1]); k++) {
                gen_pci p;
                cr_assert_eq(gen_pci_get(&shapes[1], k, &p), 0);
                bool is_net = (p.class_code >> 16) == HOSTCAPS_PCI_CLASS_NETWORK;
                size_t n_files = 0;
                for (size_t i = 0; trace[i]; i++) {
                        const char *at = strstr(trace[i], p.address);
                        /* The device's own files (not a device behind it). */
                        if (!at || at[strlen(p.address)] != '/' || strchr(at + strlen(p.address) + 1, '/'))
                                continue;
                        n_files++;
                        if (!is_net)
                                cr_expect(strcmp(at + strlen(p.address), "/class") == 0,
                                          "%s is no network controller: %s was read", p.address, trace[i]);
                }
                cr_expect(is_net ? n_files > 1 : n_files == 1, "%s: %zu files read", p.address, n_files);
        }
        hostcaps_strv_free(trace);
        /* The memoized section is not filtered. */
        cr_assert_str_eq(hostcaps_devices_address(d, 0), "0000:11:00.0");
        hostcaps_devices_unref(d);
        cr_assert_eq(hostcaps_node_get_devices(node, 0, &d), 0);
        cr_assert_eq(hostcaps_devices_n_devices(d), gen_n_pci(&shapes[1]));
        hostcaps_devices_unref(d);
        /* Bad arguments. */
        const unsigned bad[] = {0x100};
        cr_assert_eq(hostcaps_node_get_devices_filtered(node, 0, bad, 1, &d), -EINVAL);
        cr_assert_eq(hostcaps_node_get_devices_filtered(node, 0, net, 0, &d), -EINVAL);
        cr_assert_eq(hostcaps_node_get_devices_filtered(node, 1u << 20, net, 1, &d), -EINVAL);
        hostcaps_node_unref(node);
}

Test(devices, not_in_the_default_set, .fini = cleanup) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        write_tree(&shapes[0]);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(HOSTCAPS_SECTION_ALL & HOSTCAPS_SECTION_DEVICES, 0);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_ALL, 0, HOSTCAPS_FORMAT_JSON, &doc), 0);
        cr_assert_null(strstr(doc, "\"devices\""));
        free(doc);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_ALL | HOSTCAPS_SECTION_DEVICES, 0,
                                                    HOSTCAPS_FORMAT_JSON, &doc),
                     0, "%s", hostcaps_error_message());
        cr_assert_not_null(strstr(doc, "\"devices\""));
        free(doc);
        /* libvirt's document has no device list: nothing of it in the XML. */
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_DEVICES, 0, HOSTCAPS_FORMAT_XML, &doc),
                0);
        cr_assert_null(strstr(doc, "0000:"));
        free(doc);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_DEVICES, 0, HOSTCAPS_FORMAT_TEXT, &doc),
                0);
        cr_assert_not_null(strstr(doc, "0000:11:00.0 class 020000 [8086:1593] node 0 cpus 0-3 net:eth0"),
                           "%s", doc);
        free(doc);
        cr_assert_str_eq(hostcaps_section_to_string(HOSTCAPS_SECTION_DEVICES), "devices");
        cr_assert_eq(hostcaps_section_from_string("devices"), HOSTCAPS_SECTION_DEVICES);
        /* A bit beyond every section is still refused. */
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_DEVICES << 1, 0,
                                                    HOSTCAPS_FORMAT_JSON, &doc),
                     -EINVAL);
        hostcaps_node_unref(node);
}

Test(devices, no_pci_bus_is_absent, .fini = cleanup) {
        const gen_shape none = {.sockets = 1};
        write_tree(&none);
        hostcaps_devices *d = get_devices(root);
        cr_assert_not_null(hostcaps_devices_absent_reason(d));
        cr_assert_not_null(strstr(hostcaps_devices_absent_reason(d), "no PCI bus"));
        cr_assert_eq(hostcaps_devices_n_devices(d), 0);
        hostcaps_devices_unref(d);
}

/* The read policy: a bad optional value is unknown with a reason naming
 * the file; a missing one is unknown without a word; never the section. */
Test(devices, bad_values_are_unknown, .fini = cleanup) {
        write_tree(&shapes[0]);
        /* 0000:10:00.0 is the root port, 0000:11:00.0 the NIC. */
        write_file("sys/devices/pci0000:10/0000:10:00.0/0000:11:00.0/numa_node", "zero\n");
        write_file("sys/devices/pci0000:10/0000:10:00.0/0000:11:00.0/vendor", "0x12345\n");
        write_file("sys/devices/pci0000:10/0000:10:00.0/0000:11:00.0/local_cpulist", "3-1\n");
        write_file("sys/devices/pci0000:10/0000:10:00.0/0000:11:01.0/class", NULL);
        write_file("sys/devices/pci0000:10/0000:10:00.0/0000:11:02.0/numa_node", "-7\n");
        hostcaps_devices *d = get_devices(root);
        unsigned v;
        cr_assert_null(hostcaps_devices_absent_reason(d));
        cr_assert_eq(hostcaps_devices_n_devices(d), 4);
        cr_assert_eq(hostcaps_devices_numa_node(d, 1), -1);
        cr_assert_eq(hostcaps_devices_vendor(d, 1, &v), -ENODATA);
        cr_assert_eq(hostcaps_devices_device(d, 1, &v), 0);
        cr_assert_eq(v, 0x1593);
        /* The list was bad: the mask is not tried instead. */
        cr_assert_null(hostcaps_devices_local_cpus(d, 1));
        cr_assert_eq(hostcaps_devices_class(d, 2, &v), -ENODATA);
        cr_assert_eq(hostcaps_devices_numa_node(d, 3), -1);
        cr_assert_eq(hostcaps_devices_numa_node(d, 0), 0);
        cr_assert_eq(hostcaps_devices_n_unknown(d), 4, "%zu reasons", hostcaps_devices_n_unknown(d));
        const char *want[] = {"0000:11:00.0/vendor", "0000:11:00.0/numa_node", "0000:11:00.0/local_cpulist",
                              "0000:11:02.0/numa_node"};
        for (size_t i = 0; i < 4; i++) {
                bool found = false;
                for (size_t k = 0; k < hostcaps_devices_n_unknown(d); k++)
                        found |= strstr(hostcaps_devices_unknown_reason(d, k), want[i]) != NULL;
                cr_expect(found, "no reason names %s", want[i]);
        }
        /* A device of unknown class matches no filter. */
        hostcaps_devices_unref(d);
        hostcaps_node *node = NULL;
        const unsigned storage[] = {HOSTCAPS_PCI_CLASS_STORAGE};
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_devices_filtered(node, 0, storage, 1, &d), 0);
        cr_assert_eq(hostcaps_devices_n_devices(d), 0);
        hostcaps_devices_unref(d);
        hostcaps_node_unref(node);
}

/* The recorded machine with PCI devices (hwloc's 40intel64-2g2n4c+pci): the
 * expectations are data from its files and from hwloc's expected output
 * (hwloc-lstopo.output: busids, class, ids and OS devices). Its locality in
 * hwloc's output comes from HWLOC_PCI_LOCALITY (hwloc-test.env), not the
 * files: the files give every device all 40 CPUs, numa_node -1 except the
 * InfiniBand HCA's 2. Its links are stored as files holding their targets. */
Test(devices, recorded_machine) {
        TEST_REQUIRE_FIXTURES(fixtures);
        char dir[4096];
        test_pathf(dir, sizeof(dir), "%s/hwloc/40intel64-2g2n4c+pci/root", fixtures);
        hostcaps_devices *d = get_devices(dir);
        unsigned v;
        cr_assert_eq(hostcaps_devices_n_devices(d), 37);
        cr_assert_eq(hostcaps_devices_n_unknown(d), 0, "%s", hostcaps_devices_unknown_reason(d, 0));
        for (size_t k = 0; k < 37; k++) {
                cr_assert_str_eq(hostcaps_devices_local_cpus(d, k), "0-39");
                cr_assert_eq(hostcaps_devices_numa_node(d, k),
                             strcmp(hostcaps_devices_address(d, k), "0000:43:00.0") == 0 ? 2 : -1);
        }
        static const struct {
                const char *address;
                unsigned class_code, vendor, device;
                const char *names;
        } want[] = {
                {"0000:00:00.0", 0x060000, 0x8086, 0x3407, ""},
                {"0000:00:1f.2", 0x01018f, 0x8086, 0x3a20, "block:sr0"},
                {"0000:01:00.0", 0x010400, 0x1000, 0x0079, "block:sda"},
                {"0000:02:00.0", 0x020000, 0x14e4, 0x1639, "net:eth0"},
                {"0000:02:00.1", 0x020000, 0x14e4, 0x1639, "net:eth1"},
                {"0000:03:00.0", 0x020000, 0x14e4, 0x1639, "net:eth2"},
                {"0000:03:00.1", 0x020000, 0x14e4, 0x1639, "net:eth3"},
                {"0000:09:03.0", 0x030000, 0x102b, 0x0532, ""},
                {"0000:43:00.0", 0x0c0600, 0x1077, 0x7322, "net:ib0 infiniband:qib0"},
        };
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
                int k = hostcaps_devices_find_address(d, want[i].address);
                char names[256] = "";
                cr_assert_geq(k, 0, "%s", want[i].address);
                cr_assert_eq(hostcaps_devices_class(d, (size_t)k, &v), 0);
                cr_assert_eq(v, want[i].class_code, "%s: class %06x", want[i].address, v);
                cr_assert_eq(hostcaps_devices_vendor(d, (size_t)k, &v), 0);
                cr_assert_eq(v, want[i].vendor);
                cr_assert_eq(hostcaps_devices_device(d, (size_t)k, &v), 0);
                cr_assert_eq(v, want[i].device);
                for (size_t n = 0; n < hostcaps_devices_n_names(d, (size_t)k); n++) {
                        size_t l = strlen(names);
                        snprintf(names + l, sizeof(names) - l, "%s%s:%s", l ? " " : "",
                                 hostcaps_device_kind_to_string(hostcaps_devices_name_kind(d, (size_t)k, n)),
                                 hostcaps_devices_name(d, (size_t)k, n));
                }
                cr_assert_str_eq(names, want[i].names, "%s", want[i].address);
        }
        cr_assert_eq(hostcaps_devices_find_name(d, "eth2"), hostcaps_devices_find_address(d, "0000:03:00.0"));
        cr_assert_eq(hostcaps_devices_find_name(d, "sda6"), -ENOENT); /* a partition */
        hostcaps_devices_unref(d);
}

/* A saved document has no devices; nor has an hwloc topology here. */
Test(devices, absent_from_loaded_documents, .fini = cleanup) {
        hostcaps_node *node = NULL, *loaded = NULL;
        hostcaps_devices *d = NULL;
        char *doc = NULL, path[4096];
        write_tree(&shapes[0]);
        cr_assert_eq(hostcaps_node_open(&node, root, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_ALL | HOSTCAPS_SECTION_DEVICES, 0,
                                                    HOSTCAPS_FORMAT_XML, &doc),
                     0);
        test_pathf(path, sizeof(path), "%s/caps.xml", root);
        FILE *f = fopen(path, "w");
        cr_assert(f);
        fputs(doc, f);
        fclose(f);
        free(doc);
        cr_assert_eq(hostcaps_node_open_document(&loaded, path, 0), 0, "%s", hostcaps_error_message());
        cr_assert_eq(hostcaps_node_get_devices(loaded, 0, &d), 0);
        cr_assert_str_eq(hostcaps_devices_absent_reason(d), "not in the loaded document");
        hostcaps_devices_unref(d);
        const unsigned net[] = {HOSTCAPS_PCI_CLASS_NETWORK};
        cr_assert_eq(hostcaps_node_get_devices_filtered(loaded, 0, net, 1, &d), 0);
        cr_assert_not_null(hostcaps_devices_absent_reason(d));
        hostcaps_devices_unref(d);
        hostcaps_node_unref(loaded);
        hostcaps_node_unref(node);
}

/* hostcaps snapshot -s devices: the recording holds the bus listing's links
 * and the devices' files, and reads back as the tree it was made from. The
 * live host is recorded; on a host without PCI there is nothing to compare. */
Test(devices, snapshot_replays) {
        if (access("/sys/bus/pci/devices", F_OK) != 0)
                cr_skip_test("this host has no PCI bus");
        char *dir = test_mkdtemp(), snap[4096];
        test_pathf(snap, sizeof(snap), "%s/snap", dir);
        test_snapshot_replays(snap, HOSTCAPS_SECTION_DEVICES);
        /* The bus entries are links again, into sys/devices. */
        char cmd[8300];
        test_pathf(cmd, sizeof(cmd),
                   "cd '%s' && test -n \"$(find sys/bus/pci/devices -type l)\" && "
                   "! find sys/bus/pci/devices -mindepth 1 ! -type l | grep -q . && "
                   "! find . -type f | grep -E 'system/cpu/|system/node/|resctrl|meminfo'",
                   snap);
        cr_assert_eq(system(cmd), 0, "the recording is not made of the bus's links and devices files");
        test_rm_rf(dir);
        free(dir);
}
