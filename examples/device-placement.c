/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* device-placement: where to run the work of a device. Given a network
 * interface, a block or DRM device name, or a PCI address (argv[1]; default:
 * the first network interface on a PCI device), print the device's NUMA node
 * and the CPUs to pin its work to: the device's local CPUs, else its node's
 * CPUs, else every online CPU, among those this process may run on (its
 * cgroup cpuset) and not isolated by the kernel (isolcpus=: those are kept
 * for work placed there by hand). argv[2]: a recorded sysroot to read
 * instead of this host.
 *
 *   cc device-placement.c $(pkg-config --cflags --libs hostcaps)
 *
 * Only the devices, NUMA and isolation sections are read: a request for one interface
 * of a host with hundreds of devices reads the class file of each and the
 * files of the network controllers alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostcaps.h>

static int fail(const char *what, int r) {
        const char *m = hostcaps_error_message();
        fprintf(stderr, "device-placement: %s: %s\n", what, m ? m : strerror(-r));
        return 1;
}

/* "DDDD:BB:DD.F" rather than a kernel name. */
static bool is_address(const char *s) {
        return strlen(s) >= 12 && s[4] == ':' && s[7] == ':' && s[10] == '.';
}

/* The CPUs to pin to, as a new set: local CPUs, else the node's, else all
 * online CPUs; then only those this process may use. */
static int pin_cpus(const hostcaps_devices *devs, size_t i, const hostcaps_numa *numa,
                    const hostcaps_isolation *isolation, const char **ret_why, hostcaps_cpuset **ret) {
        hostcaps_cpuset *set = NULL, *allowed = NULL, *isolated = NULL;
        int node = hostcaps_devices_numa_node(devs, i),
            cell = node >= 0 ? hostcaps_numa_cell_index(numa, (unsigned)node) : -1;
        int r;

        if ((r = hostcaps_devices_local_cpuset(devs, i, &set)) >= 0)
                *ret_why = "the device's local CPUs";
        else if (cell >= 0 && (r = hostcaps_numa_cell_cpuset(numa, (size_t)cell, &set)) >= 0)
                *ret_why = "the CPUs of the device's node";
        else if ((r = hostcaps_numa_online_cpuset(numa, &set)) >= 0)
                *ret_why = "every online CPU (the device's locality is unknown)";
        if (r < 0)
                return r;
        /* This process's cgroup cpuset (all CPUs when it has none). */
        if (hostcaps_numa_allowed_cpus(numa) &&
            (r = hostcaps_cpuset_from_list(hostcaps_numa_allowed_cpus(numa), &allowed)) >= 0) {
                hostcaps_cpuset_intersect(set, allowed);
                hostcaps_cpuset_free(allowed);
        }
        /* The kernel's isolated CPUs (isolcpus=): the scheduler balances no
         * work onto them, so they are left to what is pinned there on purpose.
         * Unknown (no such file in a recording): nothing is left out. */
        if (hostcaps_isolation_isolated_cpuset(isolation, &isolated) >= 0) {
                for (int cpu = hostcaps_cpuset_next(isolated, -1); cpu >= 0;
                     cpu = hostcaps_cpuset_next(isolated, cpu))
                        hostcaps_cpuset_remove(set, (unsigned)cpu);
                hostcaps_cpuset_free(isolated);
        }
        *ret = set;
        return 0;
}

int main(int argc, char **argv) {
        const unsigned net[] = {HOSTCAPS_PCI_CLASS_NETWORK};
        const char *want = argc > 1 ? argv[1] : NULL, *root = argc > 2 ? argv[2] : NULL, *why = NULL;
        hostcaps_node *node = NULL;
        hostcaps_devices *devs = NULL;
        hostcaps_numa *numa = NULL;
        hostcaps_isolation *isolation = NULL;
        hostcaps_cpuset *cpus = NULL;
        char *list = NULL;
        int r, i = -1, ret = 1;

        if (argc > 3) {
                fprintf(stderr, "usage: device-placement [IFNAME|DEVICE|PCI-ADDRESS] [SYSROOT]\n");
                return 2;
        }
        if ((r = hostcaps_node_open(&node, root, 0)) < 0)
                return fail(root ? root : "opening this host", r);
        /* A name could be bound to a device of any class; without one, the
         * network controllers are all we need to read. */
        r = want ? hostcaps_node_get_devices(node, 0, &devs)
                 : hostcaps_node_get_devices_filtered(node, 0, net, 1, &devs);
        if (r < 0) {
                ret = fail("reading PCI devices", r);
                goto out;
        }
        if (hostcaps_devices_absent_reason(devs)) {
                printf("no PCI devices: %s\n", hostcaps_devices_absent_reason(devs));
                ret = want ? 1 : 0;
                goto out;
        }
        if (want)
                i = is_address(want) ? hostcaps_devices_find_address(devs, want)
                                     : hostcaps_devices_find_name(devs, want);
        else
                for (size_t k = 0; k < hostcaps_devices_n_devices(devs) && i < 0; k++)
                        if (hostcaps_devices_n_names(devs, k) > 0)
                                i = (int)k;
        if (i < 0) {
                if (!want) {
                        printf("no network interface on a PCI device\n");
                        ret = 0;
                } else
                        fprintf(stderr, "device-placement: %s: no such PCI device or name\n", want);
                goto out;
        }
        if ((r = hostcaps_node_get_numa(node, 0, &numa)) < 0 ||
            (r = hostcaps_node_get_isolation(node, 0, &isolation)) < 0 ||
            (r = pin_cpus(devs, (size_t)i, numa, isolation, &why, &cpus)) < 0) {
                ret = fail("reading NUMA cells and isolated CPUs", r);
                goto out;
        }
        if (!(list = hostcaps_cpuset_to_list(cpus))) {
                fprintf(stderr, "device-placement: out of memory\n");
                goto out;
        }
        printf("device:   %s", hostcaps_devices_address(devs, (size_t)i));
        for (size_t k = 0; k < hostcaps_devices_n_names(devs, (size_t)i); k++)
                printf(" %s", hostcaps_devices_name(devs, (size_t)i, k));
        printf("\n");
        if (hostcaps_devices_numa_node(devs, (size_t)i) >= 0)
                printf("node:     %d\n", hostcaps_devices_numa_node(devs, (size_t)i));
        else
                printf("node:     unknown\n");
        printf("pin to:   %s (%s)\n", *list ? list : "none this process may use", why);
        ret = 0;
out:
        free(list);
        hostcaps_cpuset_free(cpus);
        hostcaps_isolation_unref(isolation);
        hostcaps_numa_unref(numa);
        hostcaps_devices_unref(devs);
        hostcaps_node_unref(node);
        return ret;
}
