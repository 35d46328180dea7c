/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The devices section: PCI devices, their locality and the kernel names
 * bound to them. Its object, formatting and accessors (the probe is in
 * probe.c). libvirt's capabilities document has no device list: the XML
 * leaves the section out and stays valid against libvirt's schema; JSON and
 * text carry it. */
#include "devices.h"
#include "host/error.h"
#include "host/jsonout.h"
#include "host/node.h"

static void devices_free(hostcaps_object *o) {
        hostcaps_devices *d = (hostcaps_devices *)o;
        for (size_t i = 0; i < d->n_devices; i++) {
                hostcaps_pci_device *dev = &d->devices[i];
                free(dev->address);
                free(dev->sysfs_dir);
                free(dev->local_cpus);
                for (size_t k = 0; k < dev->n_names; k++)
                        free(dev->names[k].name);
                free(dev->names);
        }
        free(d->devices);
}

static const char *const kind_names[] = {
        [HOSTCAPS_DEVICE_NET] = "net",
        [HOSTCAPS_DEVICE_BLOCK] = "block",
        [HOSTCAPS_DEVICE_DRM] = "drm",
        [HOSTCAPS_DEVICE_INFINIBAND] = "infiniband",
};

HOSTCAPS_EXPORT const char *hostcaps_device_kind_to_string(hostcaps_device_kind kind) {
        return (unsigned)kind < ELEMENTSOF(kind_names) ? kind_names[kind] : NULL;
}

/* An id as the kernel writes it ("0x14e4"), null when unknown. */
static void json_id(int *e, struct json_object *j, const char *key, bool known, unsigned width, unsigned v) {
        char s[16];
        if (!known) {
                hostcaps_json_set_null(e, j, key);
                return;
        }
        snprintf(s, sizeof(s), "0x%0*x", (int)width, v);
        hostcaps_json_set(e, j, key, json_object_new_string(s));
}

static int devices_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_devices *d = (const hostcaps_devices *)o;
        struct json_object *j = json_object_new_object(), *pci = json_object_new_array();
        int e = 0;

        for (size_t i = 0; i < d->n_devices; i++) {
                const hostcaps_pci_device *dev = &d->devices[i];
                struct json_object *x = json_object_new_object(), *names = json_object_new_array();
                hostcaps_json_set_str(&e, x, "address", dev->address);
                json_id(&e, x, "class", dev->known & DEVICE_CLASS, 6, dev->class_code);
                json_id(&e, x, "vendor", dev->known & DEVICE_VENDOR, 4, dev->vendor);
                json_id(&e, x, "device", dev->known & DEVICE_DEVICE, 4, dev->device);
                json_id(&e, x, "subsystem_vendor", dev->known & DEVICE_SUBSYSTEM_VENDOR, 4,
                        dev->subsystem_vendor);
                json_id(&e, x, "subsystem_device", dev->known & DEVICE_SUBSYSTEM_DEVICE, 4,
                        dev->subsystem_device);
                if (dev->numa_node >= 0)
                        hostcaps_json_set(&e, x, "numa_node", json_object_new_int64(dev->numa_node));
                else
                        hostcaps_json_set_null(&e, x, "numa_node");
                hostcaps_json_set_str(&e, x, "local_cpus", dev->local_cpus);
                for (size_t k = 0; k < dev->n_names; k++) {
                        struct json_object *n = json_object_new_object();
                        hostcaps_json_set_str(&e, n, "kind", kind_names[dev->names[k].kind]);
                        hostcaps_json_set_str(&e, n, "name", dev->names[k].name);
                        hostcaps_json_append(&e, names, n);
                }
                hostcaps_json_set(&e, x, "names", names);
                hostcaps_json_append(&e, pci, x);
        }
        hostcaps_json_set(&e, j, "pci", pci);
        hostcaps_json_set(&e, root, "devices", j);
        return e;
}

static int devices_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_devices *d = (const hostcaps_devices *)o;
        hostcaps_buf_printf(b, "%-24s %zu\n", "PCI devices:", d->n_devices);
        for (size_t i = 0; i < d->n_devices; i++) {
                const hostcaps_pci_device *dev = &d->devices[i];
                hostcaps_buf_printf(b, "  %s", dev->address);
                if (dev->known & DEVICE_CLASS)
                        hostcaps_buf_printf(b, " class %06x", dev->class_code);
                else
                        hostcaps_buf_printf(b, " class unknown");
                if ((dev->known & (DEVICE_VENDOR | DEVICE_DEVICE)) == (DEVICE_VENDOR | DEVICE_DEVICE))
                        hostcaps_buf_printf(b, " [%04x:%04x]", dev->vendor, dev->device);
                else
                        hostcaps_buf_printf(b, " [unknown]");
                if (dev->numa_node >= 0)
                        hostcaps_buf_printf(b, " node %d", dev->numa_node);
                else
                        hostcaps_buf_printf(b, " node unknown");
                hostcaps_buf_printf(b, " cpus %s", dev->local_cpus ? dev->local_cpus : "unknown");
                for (size_t k = 0; k < dev->n_names; k++)
                        hostcaps_buf_printf(b, " %s:%s", kind_names[dev->names[k].kind], dev->names[k].name);
                hostcaps_buf_printf(b, "\n");
        }
        return 0;
}

const hostcaps_section_ops hostcaps_devices_ops = {
        .name = "devices",
        .flag = HOSTCAPS_SECTION_DEVICES,
        /* Devices come and go, drivers bind and names change with no cheap
         * sign of it (a stamp reading every listing and link would cost as
         * much as the probe): read again at every request on a live host. */
        .volatile_data = true,
        .object_size = sizeof(hostcaps_devices),
        .free_object = devices_free,
        .probe = hostcaps_devices_probe,
        .stamp = NULL,
        .xml = NULL, /* libvirt's document has no place for it */
        .json = devices_json,
        .text = devices_text,
        .from_xml = NULL, /* absent from loaded documents: "not in the loaded document" */
};

HOSTCAPS_DEFINE_SECTION_API(devices, HOSTCAPS_SECTION_DEVICES);

HOSTCAPS_EXPORT int hostcaps_node_get_devices_filtered(hostcaps_node *node, unsigned int flags,
                                                       const unsigned int *base_classes, size_t n_classes,
                                                       hostcaps_devices **ret) {
        const unsigned known_flags = HOSTCAPS_FLAG_CACHED | HOSTCAPS_FLAG_REFRESH | HOSTCAPS_FLAG_STRICT;
        uint64_t filter[4] = {0};
        hostcaps_probe_ctx ctx;
        hostcaps_object *o = NULL;
        int e;

        hostcaps_error_reset();
        if (!node || !ret || !base_classes || n_classes == 0)
                return hostcaps_error(EINVAL, "invalid argument: node, ret or the classes are NULL or empty");
        if (flags & ~known_flags)
                return hostcaps_error(EINVAL, "unknown flags 0x%x", flags & ~known_flags);
        for (size_t i = 0; i < n_classes; i++) {
                if (base_classes[i] > 0xff)
                        return hostcaps_error(EINVAL, "invalid PCI base class 0x%x (at most 0xff)",
                                              base_classes[i]);
                filter[base_classes[i] / 64] |= UINT64_C(1) << (base_classes[i] % 64);
        }
        /* A loaded document or an hwloc topology: its (absent) section. */
        if (!hostcaps_node_reader(node))
                return hostcaps_node_get_object(node, HOSTCAPS_SECTION_DEVICES, flags & ~HOSTCAPS_FLAG_STRICT,
                                                (hostcaps_object **)ret);
        hostcaps_node_probe_ctx(node, &ctx);
        e = hostcaps_devices_probe_filtered(&ctx, filter, &o);
        if (e < 0)
                return e == -ENOMEM ? hostcaps_error_keep(ENOMEM, "out of memory probing devices")
                                    : hostcaps_error_keep(-e, "probing devices failed");
        *ret = (hostcaps_devices *)o;
        return 0;
}

static const hostcaps_pci_device *dev_at(const hostcaps_devices *d, size_t i) {
        return d && i < d->n_devices ? &d->devices[i] : NULL;
}

HOSTCAPS_EXPORT size_t hostcaps_devices_n_devices(const hostcaps_devices *devices) {
        return devices ? devices->n_devices : 0;
}

HOSTCAPS_EXPORT int hostcaps_devices_find_address(const hostcaps_devices *devices, const char *address) {
        if (!devices || !address)
                return hostcaps_error(EINVAL, "invalid argument: devices or address is NULL");
        for (size_t i = 0; i < devices->n_devices; i++)
                if (strcmp(devices->devices[i].address, address) == 0)
                        return (int)i;
        return hostcaps_error(ENOENT, "no PCI device at '%.64s'", address);
}

HOSTCAPS_EXPORT int hostcaps_devices_find_name(const hostcaps_devices *devices, const char *name) {
        if (!devices || !name)
                return hostcaps_error(EINVAL, "invalid argument: devices or name is NULL");
        for (size_t i = 0; i < devices->n_devices; i++)
                for (size_t k = 0; k < devices->devices[i].n_names; k++)
                        if (strcmp(devices->devices[i].names[k].name, name) == 0)
                                return (int)i;
        return hostcaps_error(ENOENT, "no PCI device has the name '%.64s'", name);
}

HOSTCAPS_EXPORT const char *hostcaps_devices_address(const hostcaps_devices *devices, size_t i) {
        const hostcaps_pci_device *dev = dev_at(devices, i);
        return dev ? dev->address : NULL;
}

static int get_id(const hostcaps_devices *devices, size_t i, unsigned bit, unsigned int *ret) {
        const hostcaps_pci_device *dev = dev_at(devices, i);
        if (!dev || !ret)
                return hostcaps_error(
                        EINVAL, "invalid argument: devices or ret is NULL, or index %zu out of range", i);
        if (!(dev->known & bit))
                return hostcaps_error(ENODATA, "%s: value not known", dev->address);
        *ret = bit == DEVICE_CLASS              ? dev->class_code
               : bit == DEVICE_VENDOR           ? dev->vendor
               : bit == DEVICE_DEVICE           ? dev->device
               : bit == DEVICE_SUBSYSTEM_VENDOR ? dev->subsystem_vendor
                                                : dev->subsystem_device;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_devices_class(const hostcaps_devices *devices, size_t i, unsigned int *ret) {
        return get_id(devices, i, DEVICE_CLASS, ret);
}

HOSTCAPS_EXPORT int hostcaps_devices_vendor(const hostcaps_devices *devices, size_t i, unsigned int *ret) {
        return get_id(devices, i, DEVICE_VENDOR, ret);
}

HOSTCAPS_EXPORT int hostcaps_devices_device(const hostcaps_devices *devices, size_t i, unsigned int *ret) {
        return get_id(devices, i, DEVICE_DEVICE, ret);
}

HOSTCAPS_EXPORT int hostcaps_devices_subsystem_vendor(const hostcaps_devices *devices, size_t i,
                                                      unsigned int *ret) {
        return get_id(devices, i, DEVICE_SUBSYSTEM_VENDOR, ret);
}

HOSTCAPS_EXPORT int hostcaps_devices_subsystem_device(const hostcaps_devices *devices, size_t i,
                                                      unsigned int *ret) {
        return get_id(devices, i, DEVICE_SUBSYSTEM_DEVICE, ret);
}

HOSTCAPS_EXPORT int hostcaps_devices_numa_node(const hostcaps_devices *devices, size_t i) {
        const hostcaps_pci_device *dev = dev_at(devices, i);
        return dev ? dev->numa_node : -1;
}

HOSTCAPS_EXPORT const char *hostcaps_devices_local_cpus(const hostcaps_devices *devices, size_t i) {
        const hostcaps_pci_device *dev = dev_at(devices, i);
        return dev ? dev->local_cpus : NULL;
}

HOSTCAPS_EXPORT int hostcaps_devices_local_cpuset(const hostcaps_devices *devices, size_t i,
                                                  hostcaps_cpuset **ret) {
        const hostcaps_pci_device *dev = dev_at(devices, i);
        if (!dev)
                return hostcaps_error(EINVAL, "invalid argument: devices is NULL or index %zu out of range",
                                      i);
        return hostcaps_cpuset_of_accessor(dev->local_cpus, "the device's local CPUs", ret);
}

HOSTCAPS_EXPORT size_t hostcaps_devices_n_names(const hostcaps_devices *devices, size_t i) {
        const hostcaps_pci_device *dev = dev_at(devices, i);
        return dev ? dev->n_names : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_devices_name(const hostcaps_devices *devices, size_t i, size_t k) {
        const hostcaps_pci_device *dev = dev_at(devices, i);
        return dev && k < dev->n_names ? dev->names[k].name : NULL;
}

HOSTCAPS_EXPORT hostcaps_device_kind hostcaps_devices_name_kind(const hostcaps_devices *devices, size_t i,
                                                                size_t k) {
        const hostcaps_pci_device *dev = dev_at(devices, i);
        return dev && k < dev->n_names ? dev->names[k].kind : HOSTCAPS_DEVICE_NET;
}
