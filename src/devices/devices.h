/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The devices section's object and the pieces it is made of: the probe
 * (probe.c), the object, its formatting and accessors (devices.c). There is
 * no load.c: libvirt's capabilities document has no device list, so a
 * loaded document has no devices (the section is absent there, "not in the
 * loaded document"). */

#include "host/section.h"
#include "hostcaps/devices.h"

typedef struct hostcaps_device_name {
        hostcaps_device_kind kind;
        char *name;
} hostcaps_device_name;

/* The ids a device may lack, one bit each in `known`. */
enum {
        DEVICE_CLASS = 1u << 0,
        DEVICE_VENDOR = 1u << 1,
        DEVICE_DEVICE = 1u << 2,
        DEVICE_SUBSYSTEM_VENDOR = 1u << 3,
        DEVICE_SUBSYSTEM_DEVICE = 1u << 4,
};

typedef struct hostcaps_pci_device {
        char *address;   /* "0000:02:00.0" */
        char *sysfs_dir; /* its canonical directory below the root, NULL when unknown (the probe's) */
        unsigned int known;
        uint32_t class_code;
        uint16_t vendor, device, subsystem_vendor, subsystem_device;
        int numa_node;    /* -1: unknown */
        char *local_cpus; /* a CPU list; NULL: unknown */
        hostcaps_device_name *names;
        size_t n_names;
} hostcaps_pci_device;

struct hostcaps_devices {
        hostcaps_object obj;
        hostcaps_pci_device *devices;
        size_t n_devices;
};

/* The class filter: every base class when `filter` is NULL. */
static inline bool hostcaps_devices_filter_has(const uint64_t *filter, unsigned int base) {
        return !filter || (base < 256 && (filter[base / 64] >> (base % 64)) & 1);
}

/* probe.c: the section's probe, and the same for some base classes only
 * (a 256-bit set; NULL: every class). */
int hostcaps_devices_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret);
int hostcaps_devices_probe_filtered(const hostcaps_probe_ctx *ctx, const uint64_t *filter,
                                    hostcaps_object **ret);
