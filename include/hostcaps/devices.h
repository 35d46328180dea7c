/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <hostcaps/cpuset.h>
#include <hostcaps/node.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The devices section (HOSTCAPS_SECTION_DEVICES): the host's PCI devices,
 * where they sit (NUMA node, local CPUs) and the kernel names bound to them
 * (network interfaces, block devices, DRM cards, RDMA devices). It is not in
 * HOSTCAPS_SECTION_ALL: request it by its flag. Devices appear, go and get
 * renamed while the host runs, with no cheap sign of it: on a live host the
 * section is read again at every request, as the memory state is.
 *
 * Conventions (return values, errors) are those of <hostcaps/common.h>. */
typedef struct hostcaps_devices hostcaps_devices;

HOSTCAPS_EXPORT int hostcaps_node_get_devices(hostcaps_node *node, unsigned int flags,
                                              hostcaps_devices **ret);
/* Only the devices whose PCI base class (the top byte of the class code,
 * HOSTCAPS_PCI_CLASS_*) is one of `base_classes` (n_classes of them, at
 * least one): the `class` file of every device is read, and every other
 * file only for the devices that match, so a caller asking for network
 * controllers does not read the files of every device. A new object each
 * call (the node memoizes the unfiltered section only). -EINVAL for no
 * class or a class above 0xff. */
HOSTCAPS_EXPORT int hostcaps_node_get_devices_filtered(hostcaps_node *node, unsigned int flags,
                                                       const unsigned int *base_classes, size_t n_classes,
                                                       hostcaps_devices **ret);
HOSTCAPS_EXPORT hostcaps_devices *hostcaps_devices_ref(hostcaps_devices *devices);
HOSTCAPS_EXPORT hostcaps_devices *hostcaps_devices_unref(hostcaps_devices *devices);
/* Why the section is absent ("no PCI bus", "not in the loaded document"),
 * or NULL when it is present. */
HOSTCAPS_EXPORT const char *hostcaps_devices_absent_reason(const hostcaps_devices *devices);
/* The read policy: optional values left unknown because their file was
 * unreadable or malformed, and why ("FILE: what was wrong"). */
HOSTCAPS_EXPORT size_t hostcaps_devices_n_unknown(const hostcaps_devices *devices);
HOSTCAPS_EXPORT const char *hostcaps_devices_unknown_reason(const hostcaps_devices *devices, size_t i);

/* PCI base classes (PCI Code and ID Assignment Specification), for the
 * filter. */
enum {
        HOSTCAPS_PCI_CLASS_STORAGE = 0x01,
        HOSTCAPS_PCI_CLASS_NETWORK = 0x02,
        HOSTCAPS_PCI_CLASS_DISPLAY = 0x03,
        HOSTCAPS_PCI_CLASS_MULTIMEDIA = 0x04,
        HOSTCAPS_PCI_CLASS_MEMORY = 0x05,
        HOSTCAPS_PCI_CLASS_BRIDGE = 0x06,
        HOSTCAPS_PCI_CLASS_SYSTEM = 0x08,
        HOSTCAPS_PCI_CLASS_SERIAL_BUS = 0x0c, /* USB, and InfiniBand (0x0c06) on older HCAs */
        HOSTCAPS_PCI_CLASS_PROCESSING_ACCELERATOR = 0x12,
};

/* What kind of kernel device a name is (the sysfs class it is listed in). */
typedef enum hostcaps_device_kind {
        HOSTCAPS_DEVICE_NET = 0,        /* a network interface: sys/class/net */
        HOSTCAPS_DEVICE_BLOCK = 1,      /* a whole disk (no partitions): sys/class/block */
        HOSTCAPS_DEVICE_DRM = 2,        /* a DRM card or render node: sys/class/drm */
        HOSTCAPS_DEVICE_INFINIBAND = 3, /* an RDMA device: sys/class/infiniband */
} hostcaps_device_kind;
/* "net", "block", "drm", "infiniband"; NULL for anything else. */
HOSTCAPS_EXPORT const char *hostcaps_device_kind_to_string(hostcaps_device_kind kind);

/* The devices, in address order. */
HOSTCAPS_EXPORT size_t hostcaps_devices_n_devices(const hostcaps_devices *devices);
/* The index of the device at a PCI address ("0000:02:00.0"), or of the
 * device a kernel name is bound to ("eth0", "nvme0n1"): -ENOENT when none. */
HOSTCAPS_EXPORT int hostcaps_devices_find_address(const hostcaps_devices *devices, const char *address);
HOSTCAPS_EXPORT int hostcaps_devices_find_name(const hostcaps_devices *devices, const char *name);

/* The PCI address, "DDDD:BB:DD.F" as the kernel names the device. */
HOSTCAPS_EXPORT const char *hostcaps_devices_address(const hostcaps_devices *devices, size_t i);
/* The 24-bit class code (base class, subclass, programming interface:
 * 0x020000 an Ethernet controller); -ENODATA when unknown. */
HOSTCAPS_EXPORT int hostcaps_devices_class(const hostcaps_devices *devices, size_t i, unsigned int *ret);
/* Vendor, device, subsystem vendor and subsystem device ids; -ENODATA when
 * unknown. */
HOSTCAPS_EXPORT int hostcaps_devices_vendor(const hostcaps_devices *devices, size_t i, unsigned int *ret);
HOSTCAPS_EXPORT int hostcaps_devices_device(const hostcaps_devices *devices, size_t i, unsigned int *ret);
HOSTCAPS_EXPORT int hostcaps_devices_subsystem_vendor(const hostcaps_devices *devices, size_t i,
                                                      unsigned int *ret);
HOSTCAPS_EXPORT int hostcaps_devices_subsystem_device(const hostcaps_devices *devices, size_t i,
                                                      unsigned int *ret);
/* The NUMA node the device is attached to; -1 when unknown: the kernel
 * says -1 (the firmware gave no locality), has no numa_node file (a kernel
 * without NUMA) or the file is bad (a reason says so). Also -1 for an index
 * out of range. */
HOSTCAPS_EXPORT int hostcaps_devices_numa_node(const hostcaps_devices *devices, size_t i);
/* The CPUs local to the device (local_cpulist, or the local_cpus mask), as
 * a CPU list ("0-7,16-23"); NULL when unknown. The kernel gives every
 * online CPU when it knows no locality. */
HOSTCAPS_EXPORT const char *hostcaps_devices_local_cpus(const hostcaps_devices *devices, size_t i);
/* The same as a new set (the caller frees it); -ENODATA when unknown. */
HOSTCAPS_EXPORT int hostcaps_devices_local_cpuset(const hostcaps_devices *devices, size_t i,
                                                  hostcaps_cpuset **ret);
/* The kernel names bound to the device, sorted by kind then name. The kind
 * of an index out of range is HOSTCAPS_DEVICE_NET: bound k by
 * hostcaps_devices_n_names(). */
HOSTCAPS_EXPORT size_t hostcaps_devices_n_names(const hostcaps_devices *devices, size_t i);
HOSTCAPS_EXPORT const char *hostcaps_devices_name(const hostcaps_devices *devices, size_t i, size_t k);
HOSTCAPS_EXPORT hostcaps_device_kind hostcaps_devices_name_kind(const hostcaps_devices *devices, size_t i,
                                                                size_t k);

#ifdef __cplusplus
}
#endif
