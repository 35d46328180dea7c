/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probing the devices section: the PCI devices the kernel lists in
 * sys/bus/pci/devices (the kernel's sysfs-bus-pci ABI), their ids and
 * locality, and the kernel names bound to them.
 *
 * The read policy (docs/architecture.md): the listing of sys/bus/pci/devices
 * is the section's one required value (missing: the host has no PCI bus, and
 * the section is present and empty). Everything else is optional: a device's
 * class, ids, numa_node, local CPUs, and the name listings. A missing file
 * makes its value unknown without a word; a bad one makes it unknown with a
 * reason.
 *
 * Cost: the class file of every device is read (the class filter needs it);
 * the other files only for the devices the request keeps. Names are found
 * from the other side: one listing of each of sys/class/net, block, drm and
 * infiniband, and one readlink per entry, instead of a walk below every
 * device (a disk sits several levels below its controller). */
#include <stdio.h>

#include "devices.h"
#include "host/error.h"
#include "host/parse.h"

#define BUS_DIR "sys/bus/pci/devices"

static bool is_absent(int e) {
        return e == -ENOENT || e == -ENOTDIR;
}

/* "DDDD:BB:DD.F", lower-case hex: a domain of 4 to 8 digits (VMD domains
 * have 5), bus and device 2 digits, function 1 (0-7). Anything else in the
 * listing is no PCI function of ours. */
static bool address_valid(const char *s) {
        size_t n = strspn(s, "0123456789abcdef");
        if (n < 4 || n > 8 || s[n] != ':')
                return false;
        s += n + 1;
        if (strspn(s, "0123456789abcdef") != 2 || s[2] != ':')
                return false;
        s += 3;
        if (strspn(s, "0123456789abcdef") != 2 || s[2] != '.')
                return false;
        return s[3] >= '0' && s[3] <= '7' && s[4] == '\0';
}

/* The canonical path below the root that the link `dir/<target>` names:
 * "." and ".." resolved, an absolute target taken from the root. -EINVAL
 * for a target that climbs above the root. */
static int join_link(const char *dir, const char *target, char **ret) {
        size_t cap = strlen(dir) + strlen(target) + 2, len = 0;
        char *out = malloc(cap);
        if (!out)
                return -ENOMEM;
        out[0] = '\0';
        if (target[0] != '/') {
                memcpy(out, dir, strlen(dir) + 1);
                len = strlen(out);
        }
        for (const char *p = target; *p;) {
                size_t n = strcspn(p, "/");
                if (n == 0 || (n == 1 && p[0] == '.')) {
                        /* nothing */
                } else if (n == 2 && p[0] == '.' && p[1] == '.') {
                        char *slash = strrchr(out, '/');
                        if (len == 0) {
                                free(out);
                                return -EINVAL;
                        }
                        len = slash ? (size_t)(slash - out) : 0;
                        out[len] = '\0';
                } else {
                        if (len)
                                out[len++] = '/';
                        memcpy(out + len, p, n);
                        len += n;
                        out[len] = '\0';
                }
                p += n + (p[n] == '/');
        }
        if (len == 0) {
                free(out);
                return -EINVAL;
        }
        *ret = out;
        return 0;
}

/* Where the link `dir/name` leads, as a canonical path below the root. In a
 * recording, a small regular file holding a relative path stands for the
 * link: some archivers store symlinks so (the hwloc recordings of the
 * project's fixtures hold the entries of sys/bus/pci/devices and sys/class that way).
 * -EINVAL for an entry that is no link (drm's "version" file). */
static int resolve_link(hostcaps_reader *r, bool live, const char *dir, const char *name, char **ret) {
        _cleanup_free_ char *path = hostcaps_strdup_printf("%s/%s", dir, name), *target = NULL;
        int e;
        if (!path)
                return -ENOMEM;
        /* readlinkat() of a descriptor that is no link says ENOENT. */
        e = hostcaps_read_link(r, path, &target);
        if ((e == -EINVAL || e == -ENOENT) && !live) {
                hostcaps_error_reset();
                e = hostcaps_read_string(r, path, &target);
                if (e >= 0 && (!startswith(target, "../") || strpbrk(target, "\n")))
                        e = -EINVAL; /* a file of its own, not a stored link */
                if (e < 0 && e != -ENOMEM && !is_absent(e)) {
                        hostcaps_error_reset();
                        e = -EINVAL;
                }
        }
        if (e < 0)
                return e;
        e = join_link(dir, target, ret);
        if (e == -EINVAL)
                return hostcaps_error(EINVAL, "%s: link '%.128s' leads outside the root", path, target);
        return e;
}

static void device_clear(hostcaps_pci_device *dev) {
        free(dev->address);
        free(dev->sysfs_dir);
        free(dev->local_cpus);
        for (size_t k = 0; k < dev->n_names; k++)
                free(dev->names[k].name);
        free(dev->names);
        *dev = (hostcaps_pci_device){0};
}

/* One id file: "0x14e4\n" (vendor, device, subsystem_*: 16 bits) or
 * "0x020000\n" (class: 24 bits), hex with 0x since 2.6. */
static int read_id(hostcaps_reader *r, hostcaps_devices *d, const char *dir, const char *file, uint64_t max,
                   uint64_t *ret) {
        uint64_t v;
        int e = hostcaps_readf_u64(r, &v, "%s/%s", dir, file);
        if (e >= 0 && v > max)
                return hostcaps_object_add_reason(&d->obj, "%s/%s: 0x%llx is out of range (at most 0x%llx)",
                                                  dir, file, (unsigned long long)v, (unsigned long long)max);
        if (e < 0)
                return hostcaps_optional(&d->obj, e);
        *ret = v;
        return 1;
}

/* The device's locality: numa_node and local_cpulist (or local_cpus). */
static int read_locality(hostcaps_reader *r, hostcaps_devices *d, const char *dir, hostcaps_pci_device *dev) {
        _cleanup_bitmap_ hostcaps_bitmap *cpus = NULL;
        int64_t node;
        /* "-1\n" when the firmware gave no locality; absent on kernels
         * without CONFIG_NUMA. Either way: unknown, -1. */
        int e = hostcaps_readf_s64(r, &node, "%s/numa_node", dir);
        if (e >= 0 && (node < -1 || node >= (int64_t)HOSTCAPS_BITMAP_MAX))
                e = hostcaps_object_add_reason(&d->obj, "%s/numa_node: %lld is no node id", dir,
                                               (long long)node);
        else if (e < 0)
                e = hostcaps_optional(&d->obj, e);
        else
                dev->numa_node = (int)node;
        if (e < 0)
                return e;
        /* "0-7,16-23\n" since 2.6.26; before it only the local_cpus mask
         * ("ffff,00000000"). Every CPU when the kernel knows no locality. */
        e = hostcaps_readf_cpulist(r, &cpus, "%s/local_cpulist", dir);
        if (is_absent(e)) {
                hostcaps_error_reset();
                e = hostcaps_readf_cpumask(r, &cpus, "%s/local_cpus", dir);
        }
        if (e < 0)
                return hostcaps_optional(&d->obj, e);
        dev->local_cpus = hostcaps_bitmap_format(cpus);
        return dev->local_cpus ? 0 : -ENOMEM;
}

/* One device: its class first (the floor of every request, filtered or
 * not), then, for a device the filter keeps, the rest. 1: kept, 0: left
 * out by the filter. */
static int probe_device(hostcaps_reader *r, bool live, const char *name, const uint64_t *filter,
                        hostcaps_devices *d, hostcaps_pci_device *dev) {
        _cleanup_free_ char *bus_path = hostcaps_strdup_printf(BUS_DIR "/%s", name);
        uint64_t v;
        int e;

        if (!bus_path || !(dev->address = strdup(name)))
                return -ENOMEM;
        dev->numa_node = -1;
        e = hostcaps_readf_u64(r, &v, "%s/class", bus_path);
        if (e == -ENOTDIR && !live) {
                /* A recording that stored the link as a file: read through
                 * the directory it names. */
                hostcaps_error_reset();
                e = resolve_link(r, live, BUS_DIR, name, &dev->sysfs_dir);
                if (e >= 0)
                        e = hostcaps_readf_u64(r, &v, "%s/class", dev->sysfs_dir);
        }
        if (e >= 0 && v > 0xffffff)
                e = hostcaps_object_add_reason(&d->obj, "%s/class: 0x%llx is out of range (at most 0xffffff)",
                                               bus_path, (unsigned long long)v);
        else if (e < 0)
                e = hostcaps_optional(&d->obj, e);
        else {
                dev->known |= DEVICE_CLASS;
                dev->class_code = (uint32_t)v;
        }
        if (e < 0)
                return e;
        /* A device of unknown class matches no filter. */
        if (filter &&
            (!(dev->known & DEVICE_CLASS) || !hostcaps_devices_filter_has(filter, dev->class_code >> 16)))
                return 0;

        /* The canonical directory, to read from and to find the names
         * bound below it. Without it the names are not found, the ids
         * still read through the bus link. */
        if (!dev->sysfs_dir) {
                e = resolve_link(r, live, BUS_DIR, name, &dev->sysfs_dir);
                if (e < 0 && (e = hostcaps_optional(&d->obj, e)) < 0)
                        return e;
        }
        const char *dir = dev->sysfs_dir ? dev->sysfs_dir : bus_path;
        static const struct {
                const char *file;
                unsigned bit;
        } ids[] = {
                {"vendor", DEVICE_VENDOR},
                {"device", DEVICE_DEVICE},
                {"subsystem_vendor", DEVICE_SUBSYSTEM_VENDOR},
                {"subsystem_device", DEVICE_SUBSYSTEM_DEVICE},
        };
        uint16_t *slots[] = {&dev->vendor, &dev->device, &dev->subsystem_vendor, &dev->subsystem_device};
        for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
                e = read_id(r, d, dir, ids[i].file, 0xffff, &v);
                if (e < 0)
                        return e;
                if (e > 0) {
                        *slots[i] = (uint16_t)v;
                        dev->known |= ids[i].bit;
                }
        }
        e = read_locality(r, d, dir, dev);
        return e < 0 ? e : 1;
}

static int cmp_devices(const void *a, const void *b) {
        const hostcaps_pci_device *x = a, *y = b;
        size_t lx = strlen(x->address), ly = strlen(y->address);
        /* A longer domain is a larger one; same length: hex digits in order. */
        return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->address, y->address);
}

static int cmp_names(const void *a, const void *b) {
        const hostcaps_device_name *x = a, *y = b;
        if (x->kind != y->kind)
                return x->kind < y->kind ? -1 : 1;
        return strverscmp(x->name, y->name);
}

/* Whether a path below a device's directory passes through another PCI
 * function's directory (a device behind a bridge). */
static bool below_other_function(const char *rest) {
        char comp[64];
        for (const char *p = rest; *p;) {
                size_t n = strcspn(p, "/");
                if (n < sizeof(comp)) {
                        memcpy(comp, p, n);
                        comp[n] = '\0';
                        if (address_valid(comp))
                                return true;
                }
                p += n;
                p += strspn(p, "/");
        }
        return false;
}

/* The device whose directory holds `path`: the longest directory that is a
 * prefix of it (a device behind a bridge sits below the bridge's), and none
 * when the path passes through the directory of a function that is not in
 * the object (left out by a class filter): a bridge never takes the names of
 * the devices behind it. */
static hostcaps_pci_device *owner(hostcaps_devices *d, const char *path) {
        hostcaps_pci_device *best = NULL;
        size_t best_len = 0;
        for (size_t i = 0; i < d->n_devices; i++) {
                const char *dir = d->devices[i].sysfs_dir;
                size_t l = dir ? strlen(dir) : 0;
                if (l > best_len && strncmp(path, dir, l) == 0 && path[l] == '/') {
                        best = &d->devices[i];
                        best_len = l;
                }
        }
        return best && !below_other_function(path + best_len + 1) ? best : NULL;
}

static bool in_list(char **names, const char *s, size_t len) {
        for (size_t i = 0; names[i]; i++)
                if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
                        return true;
        return false;
}

static int add_name(hostcaps_pci_device *dev, hostcaps_device_kind kind, const char *name) {
        size_t allocated = dev->n_names;
        char *s = strdup(name);
        if (!s || GROW(dev->names, allocated, dev->n_names + 1) < 0) {
                free(s);
                return -ENOMEM;
        }
        dev->names[dev->n_names++] = (hostcaps_device_name){kind, s};
        return 0;
}

/* The names of one sysfs class bound to the devices: each entry is a link
 * to the device's directory, somewhere below its PCI device's. An entry
 * whose parent is another entry of the class is a part of it (a disk's
 * partition, a DRM card's connector) and no name of its own. */
static int probe_names(hostcaps_reader *r, bool live, hostcaps_devices *d, hostcaps_device_kind kind,
                       const char *class_dir) {
        char **entries = NULL;
        int e = hostcaps_read_dir(r, class_dir, &entries, NULL);
        if (e < 0)
                return hostcaps_optional(&d->obj, e);
        for (size_t i = 0; entries[i] && e >= 0; i++) {
                _cleanup_free_ char *canon = NULL;
                e = resolve_link(r, live, class_dir, entries[i], &canon);
                if (e == -EINVAL) {
                        /* Not a link: a file of the class itself. */
                        hostcaps_error_reset();
                        e = 0;
                        continue;
                }
                if (e < 0) {
                        e = hostcaps_optional(&d->obj, e);
                        continue;
                }
                const char *leaf = strrchr(canon, '/'), *parent = leaf;
                while (parent > canon && parent[-1] != '/')
                        parent--;
                if (leaf && parent < leaf && in_list(entries, parent, (size_t)(leaf - parent)))
                        continue;
                hostcaps_pci_device *dev = owner(d, canon);
                if (dev)
                        e = add_name(dev, kind, entries[i]);
        }
        hostcaps_strv_free(entries);
        return e;
}

static const struct {
        hostcaps_device_kind kind;
        const char *dir;
} name_classes[] = {
        {HOSTCAPS_DEVICE_NET, "sys/class/net"},
        {HOSTCAPS_DEVICE_BLOCK, "sys/class/block"},
        {HOSTCAPS_DEVICE_DRM, "sys/class/drm"},
        {HOSTCAPS_DEVICE_INFINIBAND, "sys/class/infiniband"},
};

static int probe_all(hostcaps_reader *r, bool live, const uint64_t *filter, hostcaps_devices *d) {
        char **names = NULL;
        size_t n = 0, allocated = 0;
        /* One entry per PCI function: a link to its directory below
         * sys/devices (since 2.6). Missing: no PCI bus (s390x without PCI,
         * some embedded boards, a recording without devices). */
        int e = hostcaps_read_dir(r, BUS_DIR, &names, &n);
        if (is_absent(e)) {
                hostcaps_error_reset();
                return hostcaps_object_set_absent(&d->obj, "no PCI bus (" BUS_DIR " is missing)");
        }
        if (e < 0)
                return e;
        for (size_t i = 0; i < n && e >= 0; i++) {
                hostcaps_pci_device dev = {0};
                if (!address_valid(names[i])) {
                        e = hostcaps_object_add_reason(&d->obj, BUS_DIR "/%.64s: not a PCI address",
                                                       names[i]);
                        continue;
                }
                e = probe_device(r, live, names[i], filter, d, &dev);
                if (e > 0 && GROW(d->devices, allocated, d->n_devices + 1) < 0)
                        e = -ENOMEM;
                if (e > 0) {
                        d->devices[d->n_devices++] = dev;
                        continue;
                }
                device_clear(&dev);
        }
        hostcaps_strv_free(names);
        if (e < 0)
                return e;
        if (d->n_devices > 1)
                qsort(d->devices, d->n_devices, sizeof(*d->devices), cmp_devices);
        /* Nothing kept, nothing to name. */
        for (size_t k = 0; k < ELEMENTSOF(name_classes) && d->n_devices && e >= 0; k++)
                e = probe_names(r, live, d, name_classes[k].kind, name_classes[k].dir);
        for (size_t i = 0; i < d->n_devices && e >= 0; i++)
                if (d->devices[i].n_names > 1)
                        qsort(d->devices[i].names, d->devices[i].n_names, sizeof(hostcaps_device_name),
                              cmp_names);
        return e;
}

int hostcaps_devices_probe_filtered(const hostcaps_probe_ctx *ctx, const uint64_t *filter,
                                    hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        int e = hostcaps_object_new(HOSTCAPS_SECTION_DEVICES, &o);
        if (e >= 0)
                e = probe_all(ctx->reader, ctx->live, filter, (hostcaps_devices *)o);
        return hostcaps_object_finish(o, e, ret);
}

int hostcaps_devices_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        return hostcaps_devices_probe_filtered(ctx, NULL, ret);
}
