/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CPU section: probe, object, accessors and formatting. */
#include <stdio.h>
#include <unistd.h>

#include "cpu.h"
#include "host/error.h"
#include "host/parse.h"

void hostcaps_cpu_free_fields(hostcaps_object *o) {
        hostcaps_cpu *cpu = (hostcaps_cpu *) o;
        free(cpu->vendor);
        free(cpu->vendor_id);
        free(cpu->brand);
        free(cpu->model);
        hostcaps_strv_free(cpu->features);
        hostcaps_strv_free(cpu->all_features);
        free(cpu->model_reason);
        free(cpu->page_sizes);
        for (size_t i = 0; i < cpu->n_kinds; i++) {
                free(cpu->kinds[i].name);
                free(cpu->kinds[i].cpus);
        }
        free(cpu->kinds);
}

static bool strv_contains(char *const *v, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], name) == 0)
                        return true;
        return false;
}

static int strv_add(char ***v, size_t *n, size_t *allocated, const char *name) {
        if (strv_contains(*v, *n, name))
                return 0;
        if (GROW(*v, *allocated, *n + 2) < 0)
                return -ENOMEM;
        if (!((*v)[*n] = strdup(name)))
                return -ENOMEM;
        (*v)[++*n] = NULL;
        return 0;
}

int hostcaps_cpu_add_feature(hostcaps_cpu *cpu, const char *name, size_t *allocated) {
        return strv_add(&cpu->features, &cpu->n_features, allocated, name);
}

int hostcaps_cpu_add_all_feature(hostcaps_cpu *cpu, const char *name, size_t *allocated) {
        return strv_add(&cpu->all_features, &cpu->n_all_features, allocated, name);
}

int hostcaps_cpu_set_model_reason(hostcaps_cpu *cpu, const char *reason) {
        if (cpu->model_reason)
                return 0;
        cpu->model_reason = strdup(reason);
        return cpu->model_reason ? 0 : -ENOMEM;
}

/* Where no probe named every feature apart (no model), the listed ones are
 * all of them. */
static int complete_features(hostcaps_cpu *cpu) {
        size_t allocated = 0;
        if (cpu->all_features)
                return 0;
        for (size_t i = 0; i < cpu->n_features; i++) {
                int e = hostcaps_cpu_add_all_feature(cpu, cpu->features[i], &allocated);
                if (e < 0)
                        return e;
        }
        return 0;
}

static bool is_x86(const char *arch) {
        return strcmp(arch, "x86_64") == 0 || strcmp(arch, "i686") == 0;
}

/* The "microcode" line of the first CPU in /proc/cpuinfo, as libvirt reads
 * it ("microcode\t: 0x1000065"). It comes before the long flags line, so
 * the first few KiB hold it: the rest of a large host's cpuinfo is not read. */
static int microcode_from_cpuinfo(hostcaps_reader *r, hostcaps_cpu *cpu) {
        char buf[8192], *line, *v;
        size_t len = 0;
        int fd = hostcaps_reader_open(r, "proc/cpuinfo", 0);

        if (fd == -ENOENT || fd == -EACCES)
                return 0;
        if (fd < 0)
                return hostcaps_error(-fd, "proc/cpuinfo: %s", strerror(-fd));
        while (len < sizeof(buf) - 1) {
                ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t) n;
        }
        close(fd);
        buf[len] = '\0';
        for (line = buf; line && *line; line = v) {
                v = strchr(line, '\n');
                if (v)
                        *v++ = '\0';
                else if (len == sizeof(buf) - 1)
                        break; /* a cut line */
                if (*line == '\0')
                        break; /* end of the first CPU's block */
                const char *p = startswith(line, "microcode");
                if (!p || (*p != ' ' && *p != '\t' && *p != ':'))
                        continue;
                p += strspn(p, " \t");
                if (*p++ != ':')
                        continue;
                if (hostcaps_parse_u64(p, &cpu->microcode) < 0)
                        return hostcaps_error(EINVAL, "proc/cpuinfo: invalid 'microcode' value '%.32s'", p);
                cpu->has_microcode = true;
                break;
        }
        return 0;
}

/* sysfs: "0x1000065\n" (hex since 4.x), one file, cheap. Absent in VMs
 * without a microcode driver: then the cpuinfo line libvirt reads, which
 * guests often have (the hypervisor's value). */
static int probe_microcode(hostcaps_reader *r, hostcaps_cpu *cpu) {
        uint64_t v;
        int e = hostcaps_read_u64(r, "sys/devices/system/cpu/cpu0/microcode/version", &v);
        if (e == -ENOENT || e == -EACCES) {
                hostcaps_error_reset();
                /* A sysroot's cpuinfo may have been read already. */
                return cpu->has_microcode ? 0 : microcode_from_cpuinfo(r, cpu);
        }
        if (e < 0)
                return e;
        cpu->microcode = v;
        cpu->has_microcode = true;
        return 0;
}

static int cpu_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_cpu *cpu = calloc(1, sizeof(*cpu));
        int e;

        if (!cpu)
                return -ENOMEM;
        hostcaps_object_init(&cpu->obj, HOSTCAPS_SECTION_CPU);
        snprintf(cpu->arch_buf, sizeof(cpu->arch_buf), "%s", ctx->arch);
        cpu->tsc_scaling = -1;
        cpu->arch = cpu->arch_buf;

        if (is_x86(ctx->arch)) {
                e = hostcaps_cpu_probe_x86(ctx, cpu);
                if (e >= 0)
                        e = probe_microcode(ctx->reader, cpu);
        } else
                e = hostcaps_cpu_probe_cpuinfo(ctx->reader, ctx->arch, cpu);
        if (e >= 0)
                e = hostcaps_cpu_probe_topology(ctx->reader, cpu);
        if (e >= 0)
                e = hostcaps_cpu_probe_page_sizes(ctx->reader, ctx->page_size, cpu);
        if (e >= 0)
                e = hostcaps_cpu_probe_core_kinds(ctx->reader, cpu);
        if (e >= 0)
                e = complete_features(cpu);
        if (e >= 0 && !cpu->model && !cpu->model_reason)
                e = hostcaps_cpu_set_model_reason(cpu, "libvirt names no CPU model for this architecture");
        if (e < 0) {
                hostcaps_object_unref(&cpu->obj);
                return e;
        }
        if (!cpu->feature_source)
                cpu->feature_source = "none";
        *ret = &cpu->obj;
        return 0;
}

/* Topology and identity change when CPUs go on- or offline (hotplug, SMT
 * switched off) or a microcode update is loaded late. */
static int cpu_stamp(hostcaps_reader *r, uint64_t *stamp) {
        int e = hostcaps_stamp_add_file(r, "sys/devices/system/cpu/online", stamp);
        if (e >= 0)
                e = hostcaps_stamp_add_file(r, "sys/devices/system/cpu/cpu0/microcode/version", stamp);
        return e;
}

static int cpu_snapshot(const hostcaps_probe_ctx *ctx, int dirfd) {
        return is_x86(ctx->arch) ? hostcaps_cpu_snapshot_x86(ctx, dirfd) : 0;
}

static int xml_empty(hostcaps_xml *x, const char *element, const char *const *attrs) {
        int e = hostcaps_xml_start(x, element);
        for (; e >= 0 && attrs && attrs[0]; attrs += 2)
                e = hostcaps_xml_attr(x, attrs[0], attrs[1]);
        return e < 0 ? e : hostcaps_xml_end(x);
}

static int cpu_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_cpu *cpu = (const hostcaps_cpu *) o;
        char a[4][32];
        int e;

        if (region != HOSTCAPS_XML_CPU)
                return 0;
        /* libvirt's order: arch, model, vendor, microcode, signature, counter,
         * topology, maxphysaddr, features, pages. */
        if ((e = hostcaps_xml_start(x, "cpu")) < 0 || (e = hostcaps_xml_text(x, "arch", cpu->arch)) < 0)
                return e;
        if (cpu->model && (e = hostcaps_xml_text(x, "model", cpu->model)) < 0)
                return e;
        if (cpu->vendor && (e = hostcaps_xml_text(x, "vendor", cpu->vendor)) < 0)
                return e;
        if (cpu->has_microcode && cpu->microcode > 0) {
                snprintf(a[0], sizeof(a[0]), "%llu", (unsigned long long) cpu->microcode);
                if ((e = xml_empty(x, "microcode", (const char *const[]){"version", a[0], NULL})) < 0)
                        return e;
        }
        if (cpu->has_signature && cpu->family > 0) {
                snprintf(a[0], sizeof(a[0]), "%u", cpu->family);
                snprintf(a[1], sizeof(a[1]), "%u", cpu->model_number);
                snprintf(a[2], sizeof(a[2]), "%u", cpu->stepping);
                if ((e = xml_empty(x, "signature",
                                   (const char *const[]){"family", a[0], "model", a[1], "stepping", a[2],
                                                         NULL})) < 0)
                        return e;
        }
        if (cpu->tsc_hz) {
                /* scaling is optional in libvirt's schema: left out when unknown. */
                snprintf(a[0], sizeof(a[0]), "%llu", (unsigned long long) cpu->tsc_hz);
                if ((e = xml_empty(x, "counter",
                                   (const char *const[]){"name", "tsc", "frequency", a[0],
                                                         cpu->tsc_scaling >= 0 ? "scaling" : NULL,
                                                         cpu->tsc_scaling > 0 ? "yes" : "no", NULL})) < 0)
                        return e;
        }
        if (cpu->topo.sockets) {
                /* libvirt 9's schema has no clusters: there, cores are counted
                 * per die (clusters folded in), as libvirt 9 prints them. The
                 * typed API and JSON keep the clusters. */
                if ((e = hostcaps_xml_start(x, "topology")) < 0 ||
                    (e = hostcaps_xml_attrf(x, "sockets", "%u", cpu->topo.sockets)) < 0 ||
                    (e = hostcaps_xml_attrf(x, "dies", "%u", cpu->topo.dies)) < 0 ||
                    (e = hostcaps_xml_attrf(x, "cores", "%u", cpu->topo.clusters * cpu->topo.cores)) < 0 ||
                    (e = hostcaps_xml_attrf(x, "threads", "%u", cpu->topo.threads)) < 0 ||
                    (e = hostcaps_xml_end(x)) < 0)
                        return e;
        }
        if (cpu->phys_bits) {
                snprintf(a[0], sizeof(a[0]), "%u", cpu->phys_bits);
                if ((e = xml_empty(x, "maxphysaddr", (const char *const[]){"mode", "emulate", "bits", a[0], NULL})) < 0)
                        return e;
        }
        for (size_t i = 0; i < cpu->n_features; i++)
                if ((e = xml_empty(x, "feature", (const char *const[]){"name", cpu->features[i], NULL})) < 0)
                        return e;
        for (size_t i = 0; i < cpu->n_page_sizes; i++) {
                snprintf(a[0], sizeof(a[0]), "%llu", (unsigned long long) cpu->page_sizes[i]);
                if ((e = xml_empty(x, "pages", (const char *const[]){"unit", "KiB", "size", a[0], NULL})) < 0)
                        return e;
        }
        return hostcaps_xml_end(x);
}

static struct json_object *json_str(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static int cpu_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_cpu *cpu = (const hostcaps_cpu *) o;
        struct json_object *j = json_object_new_object(), *t, *a;
        if (!j)
                return -ENOMEM;
        json_object_object_add(j, "arch", json_str(cpu->arch));
        json_object_object_add(j, "vendor", json_str(cpu->vendor));
        json_object_object_add(j, "vendor_id", json_str(cpu->vendor_id));
        json_object_object_add(j, "brand", json_str(cpu->brand));
        json_object_object_add(j, "model", json_str(cpu->model));
        json_object_object_add(j, "model_reason", json_str(cpu->model ? NULL : cpu->model_reason));
        if (cpu->has_signature) {
                t = json_object_new_object();
                json_object_object_add(t, "family", json_object_new_int64(cpu->family));
                json_object_object_add(t, "model", json_object_new_int64(cpu->model_number));
                json_object_object_add(t, "stepping", json_object_new_int64(cpu->stepping));
                json_object_object_add(j, "signature", t);
        } else
                json_object_object_add(j, "signature", NULL);
        json_object_object_add(j, "microcode",
                               cpu->has_microcode ? json_object_new_int64((int64_t) cpu->microcode) : NULL);
        json_object_object_add(j, "tsc_frequency_hz",
                               cpu->tsc_hz ? json_object_new_int64((int64_t) cpu->tsc_hz) : NULL);
        json_object_object_add(j, "tsc_scaling",
                               cpu->tsc_hz && cpu->tsc_scaling >= 0 ? json_object_new_boolean(cpu->tsc_scaling)
                                                                    : NULL);
        json_object_object_add(j, "phys_addr_bits",
                               cpu->phys_bits ? json_object_new_int64(cpu->phys_bits) : NULL);
        t = json_object_new_object();
        json_object_object_add(t, "sockets", json_object_new_int64(cpu->topo.sockets));
        json_object_object_add(t, "dies", json_object_new_int64(cpu->topo.dies));
        json_object_object_add(t, "clusters", json_object_new_int64(cpu->topo.clusters));
        json_object_object_add(t, "cores", json_object_new_int64(cpu->topo.cores));
        json_object_object_add(t, "threads", json_object_new_int64(cpu->topo.threads));
        json_object_object_add(t, "online_cpus", json_object_new_int64(cpu->topo.online_cpus));
        json_object_object_add(t, "possible_cpus", json_object_new_int64(cpu->topo.possible_cpus));
        json_object_object_add(j, "topology", t);
        a = json_object_new_array();
        for (size_t i = 0; i < cpu->n_features; i++)
                json_object_array_add(a, json_object_new_string(cpu->features[i]));
        json_object_object_add(j, "features", a);
        a = json_object_new_array();
        for (size_t i = 0; i < cpu->n_all_features; i++)
                json_object_array_add(a, json_object_new_string(cpu->all_features[i]));
        json_object_object_add(j, "all_features", a);
        json_object_object_add(j, "feature_source", json_str(cpu->feature_source));
        a = json_object_new_array();
        for (size_t i = 0; i < cpu->n_page_sizes; i++)
                json_object_array_add(a, json_object_new_int64((int64_t) cpu->page_sizes[i]));
        json_object_object_add(j, "page_sizes_kib", a);
        a = json_object_new_array();
        for (size_t i = 0; i < cpu->n_kinds; i++) {
                t = json_object_new_object();
                json_object_object_add(t, "name", json_str(cpu->kinds[i].name));
                json_object_object_add(t, "cpus", json_str(cpu->kinds[i].cpus));
                json_object_array_add(a, t);
        }
        json_object_object_add(j, "core_kinds", a);
        json_object_object_add(root, "cpu", j);
        return 0;
}

static int cpu_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_cpu *cpu = (const hostcaps_cpu *) o;
#define LINE(label, fmt, ...) hostcaps_buf_printf(b, "%-24s " fmt "\n", label ":", __VA_ARGS__)
        LINE("Vendor", "%s%s%s%s", cpu->vendor ? cpu->vendor : "unknown", cpu->vendor_id ? " (" : "",
             cpu->vendor_id ? cpu->vendor_id : "", cpu->vendor_id ? ")" : "");
        if (cpu->brand)
                LINE("Model name", "%s", cpu->brand);
        if (cpu->model)
                LINE("libvirt model", "%s", cpu->model);
        else if (cpu->model_reason)
                LINE("libvirt model", "none: %s", cpu->model_reason);
        if (cpu->has_signature)
                LINE("Signature", "family %u, model %u, stepping %u", cpu->family, cpu->model_number,
                     cpu->stepping);
        if (cpu->has_microcode)
                LINE("Microcode", "0x%llx", (unsigned long long) cpu->microcode);
        if (cpu->tsc_hz)
                LINE("TSC frequency", "%llu Hz%s", (unsigned long long) cpu->tsc_hz,
                     cpu->tsc_scaling > 0 ? ", scaling" : cpu->tsc_scaling == 0 ? ", no scaling" : "");
        if (cpu->phys_bits)
                LINE("Physical address bits", "%u", cpu->phys_bits);
        LINE("CPUs online/possible", "%u/%u", cpu->topo.online_cpus, cpu->topo.possible_cpus);
        LINE("Sockets", "%u", cpu->topo.sockets);
        LINE("Dies per socket", "%u", cpu->topo.dies);
        LINE("Clusters per die", "%u", cpu->topo.clusters);
        LINE("Cores per cluster", "%u", cpu->topo.cores);
        LINE("Threads per core", "%u", cpu->topo.threads);
        for (size_t i = 0; i < cpu->n_kinds; i++)
                hostcaps_buf_printf(b, "%-24s %s\n", cpu->kinds[i].name, cpu->kinds[i].cpus);
        hostcaps_buf_printf(b, "%-24s", "Page sizes:");
        for (size_t i = 0; i < cpu->n_page_sizes; i++)
                hostcaps_buf_printf(b, " %llu KiB", (unsigned long long) cpu->page_sizes[i]);
        hostcaps_buf_printf(b, "\n%-24s", cpu->model ? "Features beyond model:" : "Features:");
        for (size_t i = 0; i < cpu->n_features; i++)
                hostcaps_buf_printf(b, " %s", cpu->features[i]);
        hostcaps_buf_puts(b, "\n");
#undef LINE
        return 0;
}

const hostcaps_section_ops hostcaps_cpu_ops = {
        .name = "cpu",
        .flag = HOSTCAPS_SECTION_CPU,
        .object_size = sizeof(hostcaps_cpu),
        .free_object = hostcaps_cpu_free_fields,
        .from_xml = hostcaps_cpu_from_xml,
        .probe = cpu_probe,
        .stamp = cpu_stamp,
        .xml = cpu_xml,
        .json = cpu_json,
        .text = cpu_text,
        .snapshot = cpu_snapshot,
};

/* ---- public accessors -------------------------------------------------- */

HOSTCAPS_DEFINE_SECTION_API(cpu, HOSTCAPS_SECTION_CPU);

HOSTCAPS_EXPORT const char *hostcaps_cpu_arch(const hostcaps_cpu *cpu) {
        return cpu ? cpu->arch : NULL;
}
HOSTCAPS_EXPORT const char *hostcaps_cpu_vendor(const hostcaps_cpu *cpu) {
        return cpu ? cpu->vendor : NULL;
}
HOSTCAPS_EXPORT const char *hostcaps_cpu_vendor_id(const hostcaps_cpu *cpu) {
        return cpu ? cpu->vendor_id : NULL;
}
HOSTCAPS_EXPORT const char *hostcaps_cpu_brand(const hostcaps_cpu *cpu) {
        return cpu ? cpu->brand : NULL;
}
HOSTCAPS_EXPORT const char *hostcaps_cpu_model(const hostcaps_cpu *cpu) {
        return cpu ? cpu->model : NULL;
}

HOSTCAPS_EXPORT bool hostcaps_cpu_signature(const hostcaps_cpu *cpu, unsigned int *ret_family,
                                            unsigned int *ret_model, unsigned int *ret_stepping) {
        if (!cpu || !cpu->has_signature)
                return false;
        if (ret_family)
                *ret_family = cpu->family;
        if (ret_model)
                *ret_model = cpu->model_number;
        if (ret_stepping)
                *ret_stepping = cpu->stepping;
        return true;
}

HOSTCAPS_EXPORT bool hostcaps_cpu_microcode(const hostcaps_cpu *cpu, uint64_t *ret) {
        if (!cpu || !cpu->has_microcode)
                return false;
        if (ret)
                *ret = cpu->microcode;
        return true;
}

HOSTCAPS_EXPORT uint64_t hostcaps_cpu_tsc_frequency(const hostcaps_cpu *cpu) {
        return cpu ? cpu->tsc_hz : 0;
}

HOSTCAPS_EXPORT int hostcaps_cpu_tsc_scaling(const hostcaps_cpu *cpu) {
        return cpu && cpu->tsc_hz ? cpu->tsc_scaling : -1;
}

HOSTCAPS_EXPORT unsigned int hostcaps_cpu_phys_addr_bits(const hostcaps_cpu *cpu) {
        return cpu ? cpu->phys_bits : 0;
}

HOSTCAPS_EXPORT void hostcaps_cpu_topology_get(const hostcaps_cpu *cpu, hostcaps_cpu_topology *ret) {
        if (ret)
                *ret = cpu ? cpu->topo : (hostcaps_cpu_topology){0};
}

HOSTCAPS_EXPORT size_t hostcaps_cpu_n_features(const hostcaps_cpu *cpu) {
        return cpu ? cpu->n_features : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_cpu_feature(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_features ? cpu->features[i] : NULL;
}

HOSTCAPS_EXPORT bool hostcaps_cpu_has_feature(const hostcaps_cpu *cpu, const char *name) {
        return cpu && name && strv_contains(cpu->all_features, cpu->n_all_features, name);
}

HOSTCAPS_EXPORT size_t hostcaps_cpu_n_all_features(const hostcaps_cpu *cpu) {
        return cpu ? cpu->n_all_features : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_cpu_all_feature(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_all_features ? cpu->all_features[i] : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_cpu_model_reason(const hostcaps_cpu *cpu) {
        return cpu && !cpu->model ? cpu->model_reason : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_cpu_feature_source(const hostcaps_cpu *cpu) {
        return cpu ? cpu->feature_source : NULL;
}

HOSTCAPS_EXPORT size_t hostcaps_cpu_n_page_sizes(const hostcaps_cpu *cpu) {
        return cpu ? cpu->n_page_sizes : 0;
}

HOSTCAPS_EXPORT uint64_t hostcaps_cpu_page_size(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_page_sizes ? cpu->page_sizes[i] : 0;
}

HOSTCAPS_EXPORT size_t hostcaps_cpu_n_core_kinds(const hostcaps_cpu *cpu) {
        return cpu ? cpu->n_kinds : 0;
}

HOSTCAPS_EXPORT const char *hostcaps_cpu_core_kind_name(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_kinds ? cpu->kinds[i].name : NULL;
}

HOSTCAPS_EXPORT const char *hostcaps_cpu_core_kind_cpus(const hostcaps_cpu *cpu, size_t i) {
        return cpu && i < cpu->n_kinds ? cpu->kinds[i].cpus : NULL;
}
