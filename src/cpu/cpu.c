/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CPU section: probe, object, accessors and formatting. */
#include <stdio.h>
#include <unistd.h>

#include "cpu.h"
#include "host/error.h"
#include "host/export.h"
#include "host/hugepages.h"
#include "host/jsonout.h"
#include "host/parse.h"

void hostcaps_cpu_free_fields(hostcaps_object *o) {
        hostcaps_cpu *cpu = (hostcaps_cpu *)o;
        free(cpu->arch);
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

int hostcaps_cpu_set_arch(hostcaps_cpu *cpu, const char *arch) {
        return hostcaps_strdup_replace(&cpu->arch, arch);
}

int hostcaps_cpu_optional(hostcaps_cpu *cpu, int e, unsigned int what) {
        if (e < 0 && e != -ENOMEM && e != -ENOENT && e != -ENOTDIR)
                cpu->unknown |= what;
        return hostcaps_optional(&cpu->obj, e);
}

static int strv_add(char ***v, size_t *n, size_t *allocated, const char *name) {
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

typedef struct name_at {
        const char *name;
        size_t at;
} name_at;

static int cmp_name_at(const void *a, const void *b) {
        const name_at *x = a, *y = b;
        int c = strcmp(x->name, y->name);
        return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* Each name once, at its first place: sorted by (name, place), every entry
 * equal to the one before it goes. */
static int strv_dedup(char **v, size_t *n) {
        _cleanup_free_ name_at *s = NULL;
        _cleanup_free_ bool *drop = NULL;
        size_t k = 0;
        if (*n < 2)
                return 0;
        if (!(s = malloc(*n * sizeof(*s))) || !(drop = calloc(*n, sizeof(*drop))))
                return -ENOMEM;
        for (size_t i = 0; i < *n; i++)
                s[i] = (name_at){v[i], i};
        qsort(s, *n, sizeof(*s), cmp_name_at);
        for (size_t i = 1; i < *n; i++)
                drop[s[i].at] = strcmp(s[i].name, s[i - 1].name) == 0;
        for (size_t i = 0; i < *n; i++) {
                if (drop[i])
                        free(v[i]);
                else
                        v[k++] = v[i];
        }
        v[k] = NULL;
        *n = k;
        return 0;
}

int hostcaps_cpu_finish_features(hostcaps_cpu *cpu) {
        size_t allocated = 0;
        int e = strv_dedup(cpu->features, &cpu->n_features);
        if (e < 0)
                return e;
        if (cpu->all_features)
                return strv_dedup(cpu->all_features, &cpu->n_all_features);
        /* No probe named every feature apart (no model): the listed ones are
         * all of them. */
        for (size_t i = 0; i < cpu->n_features; i++)
                if ((e = hostcaps_cpu_add_all_feature(cpu, cpu->features[i], &allocated)) < 0)
                        return e;
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

        if (fd == -EACCES)
                hostcaps_error_reset();
        if (fd == -ENOENT || fd == -EACCES)
                return 0;
        if (fd < 0)
                return hostcaps_cpu_optional(cpu, hostcaps_error_keep(-fd, "proc/cpuinfo: %s", strerror(-fd)),
                                             HOSTCAPS_CPU_UNKNOWN_MICROCODE);
        while (len < sizeof(buf) - 1) {
                ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t)n;
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
                        return hostcaps_cpu_optional(
                                cpu,
                                hostcaps_error(EINVAL, "proc/cpuinfo: invalid 'microcode' value '%.32s'", p),
                                HOSTCAPS_CPU_UNKNOWN_MICROCODE);
                cpu->has_microcode = true;
                break;
        }
        return 0;
}

/* sysfs: "0x1000065\n" (hex since 4.x), one file, cheap. Absent in VMs
 * without a microcode driver: then the cpuinfo line libvirt reads, which
 * guests often have (the hypervisor's value). Optional: a bad file (old
 * kernels leave it empty) makes the microcode unknown. */
static int probe_microcode(hostcaps_reader *r, hostcaps_cpu *cpu) {
        uint64_t v;
        int e = hostcaps_read_u64(r, "sys/devices/system/cpu/cpu0/microcode/version", &v);
        if (e >= 0) {
                cpu->microcode = v;
                cpu->has_microcode = true;
                return 0;
        }
        if (e == -EACCES || (e != -ENOMEM && cpu->has_microcode)) {
                /* Unreadable, or known already from a sysroot's cpuinfo. */
                hostcaps_error_reset();
                e = -ENOENT;
        }
        if (e == -ENOENT || e == -ENOTDIR)
                return cpu->has_microcode ? 0 : microcode_from_cpuinfo(r, cpu);
        return hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_MICROCODE);
}

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

int hostcaps_cpu_finish_page_sizes(hostcaps_cpu *cpu) {
        size_t k = 0;
        if (cpu->n_page_sizes > 1) /* the array is NULL when empty, which qsort must not get */
                qsort(cpu->page_sizes, cpu->n_page_sizes, sizeof(uint64_t), cmp_u64);
        for (size_t i = 0; i < cpu->n_page_sizes; i++)
                if (k == 0 || cpu->page_sizes[i] != cpu->page_sizes[k - 1])
                        cpu->page_sizes[k++] = cpu->page_sizes[i];
        cpu->n_page_sizes = k;
        return 0;
}

typedef struct page_sizes {
        hostcaps_cpu *cpu;
        size_t allocated;
} page_sizes;

static int add_page_size(void *userdata, const char *name, uint64_t size_kib) {
        page_sizes *p = userdata;
        int e = GROW(p->cpu->page_sizes, p->allocated, p->cpu->n_page_sizes + 1);
        (void)name;
        if (e >= 0)
                p->cpu->page_sizes[p->cpu->n_page_sizes++] = size_kib;
        return e;
}

/* The base page and the hugepage sizes (src/host/hugepages.h). Optional
 * beyond the base page: a directory that cannot be listed leaves the
 * hugepage sizes unknown, a name of another spelling is left out; each
 * with the reason. */
static int probe_page_sizes(const hostcaps_probe_ctx *ctx, hostcaps_cpu *cpu) {
        page_sizes p = {.cpu = cpu};
        int e = GROW(cpu->page_sizes, p.allocated, 1);

        if (e < 0)
                return e;
        cpu->page_sizes[cpu->n_page_sizes++] = ctx->page_size / 1024;
        e = hostcaps_hugepages_foreach(ctx->reader, "sys/kernel/mm/hugepages", &cpu->obj, add_page_size, &p);
        if (e < 0) /* -ENOMEM passes through */
                return hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_HUGE_PAGES);
        return hostcaps_cpu_finish_page_sizes(cpu);
}

/* Optional: a bad PMU CPU list makes the hybrid layout unknown as a whole
 * (one kind alone would describe the host wrongly). */
static int probe_core_kinds(hostcaps_reader *r, hostcaps_cpu *cpu) {
        int e = hostcaps_cpu_probe_core_kinds(r, cpu);
        if (e >= 0 || e == -ENOMEM)
                return e;
        for (size_t i = 0; i < cpu->n_kinds; i++) {
                free(cpu->kinds[i].name);
                free(cpu->kinds[i].cpus);
        }
        free(cpu->kinds);
        cpu->kinds = NULL;
        cpu->n_kinds = 0;
        return hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_CORE_KINDS);
}

/* Required: the arch and the topology counts (from the online CPUs). The
 * rest is optional (the read policy, docs/architecture.md). */
static int cpu_probe_into(const hostcaps_probe_ctx *ctx, hostcaps_cpu *cpu) {
        int e = hostcaps_cpu_set_arch(cpu, ctx->arch);
        cpu->tsc_scaling = -1;
        if (e >= 0 && is_x86(ctx->arch)) {
                e = hostcaps_cpu_probe_x86(ctx, cpu);
                if (e >= 0)
                        e = probe_microcode(ctx->reader, cpu);
        } else if (e >= 0)
                e = hostcaps_cpu_probe_cpuinfo(ctx->reader, ctx->arch, cpu);
        if (e >= 0)
                e = hostcaps_cpu_probe_topology(ctx->reader, cpu);
        if (e >= 0)
                e = probe_page_sizes(ctx, cpu);
        if (e >= 0)
                e = probe_core_kinds(ctx->reader, cpu);
        if (e >= 0)
                e = hostcaps_cpu_finish_features(cpu);
        if (e >= 0 && !cpu->model && !cpu->model_reason)
                e = hostcaps_cpu_set_model_reason(cpu, "libvirt names no CPU model for this architecture");
        if (e >= 0 && !cpu->feature_source)
                cpu->feature_source = "none";
        return e;
}

static int cpu_probe(const hostcaps_probe_ctx *ctx, hostcaps_object **ret) {
        hostcaps_object *o = NULL;
        int e = hostcaps_object_new(HOSTCAPS_SECTION_CPU, &o);
        if (e >= 0)
                e = cpu_probe_into(ctx, (hostcaps_cpu *)o);
        return hostcaps_object_finish(o, e, ret);
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

/* An empty element with attributes: name, value pairs, NULL-terminated. */
static void xml_empty(hostcaps_xml *x, const char *element, const char *const *attrs) {
        hostcaps_xml_start(x, element);
        for (; attrs && attrs[0]; attrs += 2)
                hostcaps_xml_attr(x, attrs[0], attrs[1]);
        hostcaps_xml_end(x);
}

/* The writer's failure is sticky and checked once per document. */
static void cpu_xml(hostcaps_xml *x, const hostcaps_object *o, hostcaps_xml_region region) {
        const hostcaps_cpu *cpu = (const hostcaps_cpu *)o;
        char a[3][32];

        if (region != HOSTCAPS_XML_CPU)
                return;
        /* libvirt's order: arch, model, vendor, microcode, signature, counter,
         * topology, maxphysaddr, features, pages. Unknown values are left out. */
        hostcaps_xml_start(x, "cpu");
        hostcaps_xml_text(x, "arch", cpu->arch);
        if (cpu->model)
                hostcaps_xml_text(x, "model", cpu->model);
        if (cpu->vendor)
                hostcaps_xml_text(x, "vendor", cpu->vendor);
        if (cpu->has_microcode && cpu->microcode > 0) {
                snprintf(a[0], sizeof(a[0]), "%llu", (unsigned long long)cpu->microcode);
                xml_empty(x, "microcode", (const char *const[]){"version", a[0], NULL});
        }
        if (cpu->has_signature && cpu->family > 0) {
                snprintf(a[0], sizeof(a[0]), "%u", cpu->family);
                snprintf(a[1], sizeof(a[1]), "%u", cpu->model_number);
                snprintf(a[2], sizeof(a[2]), "%u", cpu->stepping);
                xml_empty(x, "signature",
                          (const char *const[]){"family", a[0], "model", a[1], "stepping", a[2], NULL});
        }
        if (cpu->tsc_hz) {
                /* scaling is optional in libvirt's schema: left out when unknown. */
                snprintf(a[0], sizeof(a[0]), "%llu", (unsigned long long)cpu->tsc_hz);
                xml_empty(x, "counter",
                          (const char *const[]){"name", "tsc", "frequency", a[0],
                                                cpu->tsc_scaling >= 0 ? "scaling" : NULL,
                                                cpu->tsc_scaling > 0 ? "yes" : "no", NULL});
        }
        if (cpu->topo.sockets) {
                /* libvirt 9's schema has no clusters: there, cores are counted
                 * per die (clusters folded in), as libvirt 9 prints them. The
                 * typed API and JSON keep the clusters. */
                hostcaps_xml_start(x, "topology");
                hostcaps_xml_attrf(x, "sockets", "%u", cpu->topo.sockets);
                hostcaps_xml_attrf(x, "dies", "%u", cpu->topo.dies);
                hostcaps_xml_attrf(x, "cores", "%u", cpu->topo.clusters * cpu->topo.cores);
                hostcaps_xml_attrf(x, "threads", "%u", cpu->topo.threads);
                hostcaps_xml_end(x);
        }
        if (cpu->phys_bits) {
                snprintf(a[0], sizeof(a[0]), "%u", cpu->phys_bits);
                xml_empty(x, "maxphysaddr", (const char *const[]){"mode", "emulate", "bits", a[0], NULL});
        }
        for (size_t i = 0; i < cpu->n_features; i++)
                xml_empty(x, "feature", (const char *const[]){"name", cpu->features[i], NULL});
        for (size_t i = 0; i < cpu->n_page_sizes; i++) {
                snprintf(a[0], sizeof(a[0]), "%llu", (unsigned long long)cpu->page_sizes[i]);
                xml_empty(x, "pages", (const char *const[]){"unit", "KiB", "size", a[0], NULL});
        }
        hostcaps_xml_end(x);
}

static struct json_object *json_strv(int *e, char *const *v, size_t n) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                hostcaps_json_append(e, a, json_object_new_string(v[i]));
        return a;
}

static int cpu_json(struct json_object *root, const hostcaps_object *o) {
        const hostcaps_cpu *cpu = (const hostcaps_cpu *)o;
        struct json_object *j = json_object_new_object(), *t, *a;
        int e = 0;

        hostcaps_json_set_str(&e, j, "arch", cpu->arch);
        hostcaps_json_set_str(&e, j, "vendor", cpu->vendor);
        hostcaps_json_set_str(&e, j, "vendor_id", cpu->vendor_id);
        hostcaps_json_set_str(&e, j, "brand", cpu->brand);
        hostcaps_json_set_str(&e, j, "model", cpu->model);
        hostcaps_json_set_str(&e, j, "model_reason", cpu->model ? NULL : cpu->model_reason);
        hostcaps_json_set_str(&e, j, "model_rules", hostcaps_cpu_model_rules(cpu));
        if (cpu->has_signature) {
                t = json_object_new_object();
                hostcaps_json_set_u64(&e, t, "family", true, cpu->family);
                hostcaps_json_set_u64(&e, t, "model", true, cpu->model_number);
                hostcaps_json_set_u64(&e, t, "stepping", true, cpu->stepping);
                hostcaps_json_set(&e, j, "signature", t);
        } else
                hostcaps_json_set_null(&e, j, "signature");
        hostcaps_json_set_u64(&e, j, "microcode", cpu->has_microcode, cpu->microcode);
        hostcaps_json_set_u64(&e, j, "tsc_frequency_hz", cpu->tsc_hz, cpu->tsc_hz);
        if (cpu->tsc_hz && cpu->tsc_scaling >= 0)
                hostcaps_json_set(&e, j, "tsc_scaling", json_object_new_boolean(cpu->tsc_scaling));
        else
                hostcaps_json_set_null(&e, j, "tsc_scaling");
        hostcaps_json_set_u64(&e, j, "phys_addr_bits", cpu->phys_bits, cpu->phys_bits);
        t = json_object_new_object();
        hostcaps_json_set_u64(&e, t, "sockets", true, cpu->topo.sockets);
        hostcaps_json_set_u64(&e, t, "dies", true, cpu->topo.dies);
        hostcaps_json_set_u64(&e, t, "clusters", true, cpu->topo.clusters);
        hostcaps_json_set_u64(&e, t, "cores", true, cpu->topo.cores);
        hostcaps_json_set_u64(&e, t, "threads", true, cpu->topo.threads);
        hostcaps_json_set_u64(&e, t, "online_cpus", true, cpu->topo.online_cpus);
        hostcaps_json_set_u64(&e, t, "possible_cpus", true, cpu->topo.possible_cpus);
        hostcaps_json_set(&e, j, "topology", t);
        hostcaps_json_set(&e, j, "features", json_strv(&e, cpu->features, cpu->n_features));
        hostcaps_json_set(&e, j, "all_features", json_strv(&e, cpu->all_features, cpu->n_all_features));
        hostcaps_json_set_str(&e, j, "feature_source", cpu->feature_source);
        a = json_object_new_array();
        for (size_t i = 0; i < cpu->n_page_sizes; i++)
                hostcaps_json_append(&e, a, json_object_new_uint64(cpu->page_sizes[i]));
        hostcaps_json_set(&e, j, "page_sizes_kib", a);
        if (cpu->unknown & HOSTCAPS_CPU_UNKNOWN_CORE_KINDS)
                hostcaps_json_set_null(&e, j, "core_kinds");
        else {
                a = json_object_new_array();
                for (size_t i = 0; i < cpu->n_kinds; i++) {
                        t = json_object_new_object();
                        hostcaps_json_set_str(&e, t, "name", cpu->kinds[i].name);
                        hostcaps_json_set_str(&e, t, "cpus", cpu->kinds[i].cpus);
                        hostcaps_json_append(&e, a, t);
                }
                hostcaps_json_set(&e, j, "core_kinds", a);
        }
        hostcaps_json_set(&e, root, "cpu", j);
        return e;
}

static int cpu_text(hostcaps_buf *b, const hostcaps_object *o) {
        const hostcaps_cpu *cpu = (const hostcaps_cpu *)o;
        unsigned int unknown = cpu->unknown;
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
        else if (unknown & HOSTCAPS_CPU_UNKNOWN_SIGNATURE)
                LINE("Signature", "%s", "unknown");
        if (cpu->has_microcode)
                LINE("Microcode", "0x%llx", (unsigned long long)cpu->microcode);
        else if (unknown & HOSTCAPS_CPU_UNKNOWN_MICROCODE)
                LINE("Microcode", "%s", "unknown");
        if (cpu->tsc_hz)
                LINE("TSC frequency", "%llu Hz%s", (unsigned long long)cpu->tsc_hz,
                     cpu->tsc_scaling > 0    ? ", scaling"
                     : cpu->tsc_scaling == 0 ? ", no scaling"
                                             : "");
        if (cpu->phys_bits)
                LINE("Physical address bits", "%u", cpu->phys_bits);
        else if (unknown & HOSTCAPS_CPU_UNKNOWN_PHYS_BITS)
                LINE("Physical address bits", "%s", "unknown");
        LINE("CPUs online/possible", "%u/%u", cpu->topo.online_cpus, cpu->topo.possible_cpus);
        LINE("Sockets", "%u", cpu->topo.sockets);
        LINE("Dies per socket", "%u", cpu->topo.dies);
        LINE("Clusters per die", "%u", cpu->topo.clusters);
        LINE("Cores per cluster", "%u", cpu->topo.cores);
        LINE("Threads per core", "%u", cpu->topo.threads);
        for (size_t i = 0; i < cpu->n_kinds; i++)
                hostcaps_buf_printf(b, "%-24s %s\n", cpu->kinds[i].name, cpu->kinds[i].cpus);
        if (unknown & HOSTCAPS_CPU_UNKNOWN_CORE_KINDS)
                LINE("Core kinds", "%s", "unknown");
        hostcaps_buf_printf(b, "%-24s", "Page sizes:");
        for (size_t i = 0; i < cpu->n_page_sizes; i++)
                hostcaps_buf_printf(b, " %llu KiB", (unsigned long long)cpu->page_sizes[i]);
        if (unknown & HOSTCAPS_CPU_UNKNOWN_HUGE_PAGES)
                hostcaps_buf_puts(b, " (hugepage sizes unknown)");
        hostcaps_buf_printf(b, "\n%-24s", cpu->model ? "Features beyond model:" : "Features:");
        for (size_t i = 0; i < cpu->n_features; i++)
                hostcaps_buf_printf(b, " %s", cpu->features[i]);
        hostcaps_buf_puts(b, "\n");
#undef LINE
        return 0;
}

/* Fleet exports: at the end of this file. */
static int cpu_nfd(hostcaps_export *x, const hostcaps_object *o);
static int cpu_prometheus(hostcaps_export *x, const hostcaps_object *o);

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
        .nfd = cpu_nfd,
        .prometheus = cpu_prometheus,
};

/* ---- public accessors -------------------------------------------------- */

HOSTCAPS_DEFINE_SECTION_API(cpu, HOSTCAPS_SECTION_CPU);

/* The accessors that read one field: `expr` of a CPU object, `none` for
 * NULL (and, with an index, for an index out of range). */
#define CPU_GET(type, name, expr, none)                                                                      \
        HOSTCAPS_EXPORT type hostcaps_cpu_##name(const hostcaps_cpu *cpu) {                                  \
                return cpu ? (expr) : (none);                                                                \
        }
#define CPU_GET_AT(type, name, count, expr, none)                                                            \
        HOSTCAPS_EXPORT type hostcaps_cpu_##name(const hostcaps_cpu *cpu, size_t i) {                        \
                return cpu && i < cpu->count ? (expr) : (none);                                              \
        }

CPU_GET(const char *, arch, cpu->arch, NULL)
CPU_GET(const char *, vendor, cpu->vendor, NULL)
CPU_GET(const char *, vendor_id, cpu->vendor_id, NULL)
CPU_GET(const char *, brand, cpu->brand, NULL)
CPU_GET(const char *, model, cpu->model, NULL)
CPU_GET(const char *, model_reason, cpu->model ? NULL : cpu->model_reason, NULL)
CPU_GET(const char *, feature_source, cpu->feature_source, NULL)
CPU_GET(uint64_t, tsc_frequency, cpu->tsc_hz, 0)
CPU_GET(int, tsc_scaling, cpu->tsc_hz ? cpu->tsc_scaling : -1, -1)
CPU_GET(unsigned int, phys_addr_bits, cpu->phys_bits, 0)
CPU_GET(size_t, n_features, cpu->n_features, 0)
CPU_GET(size_t, n_all_features, cpu->n_all_features, 0)
CPU_GET(size_t, n_page_sizes, cpu->n_page_sizes, 0)
CPU_GET(size_t, n_core_kinds, cpu->n_kinds, 0)
CPU_GET_AT(const char *, feature, n_features, cpu->features[i], NULL)
CPU_GET_AT(const char *, all_feature, n_all_features, cpu->all_features[i], NULL)
CPU_GET_AT(uint64_t, page_size, n_page_sizes, cpu->page_sizes[i], 0)
CPU_GET_AT(const char *, core_kind_name, n_kinds, cpu->kinds[i].name, NULL)
CPU_GET_AT(const char *, core_kind_cpus, n_kinds, cpu->kinds[i].cpus, NULL)

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

HOSTCAPS_EXPORT void hostcaps_cpu_topology_get(const hostcaps_cpu *cpu, hostcaps_cpu_topology *ret) {
        if (ret)
                *ret = cpu ? cpu->topo : (hostcaps_cpu_topology){0};
}

static bool has_feature_named(const hostcaps_cpu *cpu, const char *name) {
        for (size_t i = 0; i < cpu->n_all_features; i++)
                if (strcmp(cpu->all_features[i], name) == 0)
                        return true;
        return false;
}

/* x86 features that libvirt's cpu_map (x86_features.xml) and the kernel's
 * /proc/cpuinfo (arch/x86/include/asm/cpufeatures.h) name differently, beyond
 * '-' against '_' (libvirt's "avx512-bf16", "md-clear" are the kernel's
 * "avx512_bf16", "md_clear": that is done by rule below). */
static const struct {
        const char *libvirt, *kernel;
} feature_aliases[] = {
        {"sse4.1", "sse4_1"},
        {"sse4.2", "sse4_2"},
        {"pclmuldq", "pclmulqdq"},
        {"ds", "dts"}, /* CPUID 1 EDX 21, Debug Store */
        {"tsc-deadline", "tsc_deadline_timer"},
        {"cr8legacy", "cr8_legacy"},
        {"avx512vbmi2", "avx512_vbmi2"},
        {"avx512vnni", "avx512_vnni"},
        {"avx512bitalg", "avx512_bitalg"},
        {"sha-ni", "sha_ni"},
};

/* The name in the other spelling (libvirt's for a kernel's, and back), or
 * NULL when there is no other. */
static const char *feature_alias(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(feature_aliases); i++) {
                if (strcmp(name, feature_aliases[i].libvirt) == 0)
                        return feature_aliases[i].kernel;
                if (strcmp(name, feature_aliases[i].kernel) == 0)
                        return feature_aliases[i].libvirt;
        }
        return NULL;
}

HOSTCAPS_EXPORT bool hostcaps_cpu_has_feature(const hostcaps_cpu *cpu, const char *name) {
        char other[64];
        const char *alias;
        size_t n;
        if (!cpu || !name)
                return false;
        if (has_feature_named(cpu, name))
                return true;
        if ((alias = feature_alias(name)))
                return has_feature_named(cpu, alias);
        /* '-' for '_' and back, for the names that differ in that alone. */
        n = strlen(name);
        if (n >= sizeof(other) || (!strchr(name, '-') && !strchr(name, '_')))
                return false;
        for (size_t i = 0; i <= n; i++)
                other[i] = name[i] == '-' ? '_' : name[i] == '_' ? '-' : name[i];
        return has_feature_named(cpu, other);
}

/* The rule set is named in the stored reason, "... (libvirt 11.x rules: ...)". */
HOSTCAPS_EXPORT const char *hostcaps_cpu_model_rules(const hostcaps_cpu *cpu) {
        static const char *const rules[] = {"libvirt 9.0-10.x", "libvirt 11.x"};
        const char *p = cpu && cpu->model_reason ? strstr(cpu->model_reason, "(libvirt ") : NULL;
        for (size_t i = 0; p && i < ELEMENTSOF(rules); i++) {
                size_t n = strlen(rules[i]);
                if (strncmp(p + 1, rules[i], n) == 0 && strncmp(p + 1 + n, " rules", 6) == 0)
                        return rules[i];
        }
        return NULL;
}

HOSTCAPS_EXPORT int hostcaps_cpu_topology_count(const hostcaps_cpu *cpu, hostcaps_cpu_count what) {
        if (!cpu)
                return hostcaps_error(EINVAL, "invalid argument: cpu is NULL");
        switch (what) {
        case HOSTCAPS_CPU_SOCKETS:
                return (int)cpu->topo.sockets;
        case HOSTCAPS_CPU_DIES:
                return (int)cpu->topo.dies;
        case HOSTCAPS_CPU_CLUSTERS:
                return (int)cpu->topo.clusters;
        case HOSTCAPS_CPU_CORES:
                return (int)cpu->topo.cores;
        case HOSTCAPS_CPU_THREADS:
                return (int)cpu->topo.threads;
        case HOSTCAPS_CPU_ONLINE_CPUS:
                return (int)cpu->topo.online_cpus;
        case HOSTCAPS_CPU_POSSIBLE_CPUS:
                return (int)cpu->topo.possible_cpus;
        }
        return hostcaps_error(EINVAL, "invalid argument: unknown topology count %d", (int)what);
}

HOSTCAPS_EXPORT int hostcaps_cpu_tsc_scaling_get(const hostcaps_cpu *cpu, bool *ret) {
        if (!cpu)
                return hostcaps_error(EINVAL, "invalid argument: cpu is NULL");
        if (!cpu->tsc_hz || cpu->tsc_scaling < 0)
                return hostcaps_error(ENODATA, "whether the TSC can be scaled is not known");
        if (ret)
                *ret = cpu->tsc_scaling > 0;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_cpu_core_kind_cpuset(const hostcaps_cpu *cpu, size_t i, hostcaps_cpuset **ret) {
        if (!cpu || i >= cpu->n_kinds)
                return hostcaps_error(EINVAL, "invalid argument: no core kind %zu", i);
        return hostcaps_cpuset_of_accessor(cpu->kinds[i].cpus, "the core kind's CPUs", ret);
}

/* ---- fleet exports (docs/fleet.md) ------------------------------------ */

/* Cores of a socket: the topology's counts are per parent. */
static unsigned cores_per_socket(const hostcaps_cpu *cpu) {
        return cpu->topo.dies * cpu->topo.clusters * cpu->topo.cores;
}

/* NFD labels: identity, one label per feature (libvirt's names, the model's
 * included), topology counts, the hugepage sizes the kernel offers (every
 * page size but the base page, the first). */
static int cpu_nfd(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_cpu *cpu = (const hostcaps_cpu *)o;
        hostcaps_nfd_label(x, "cpu.arch", NULL, cpu->arch);
        if (cpu->vendor)
                hostcaps_nfd_label(x, "cpu.vendor", NULL, cpu->vendor);
        if (cpu->model)
                hostcaps_nfd_label(x, "cpu.model", NULL, cpu->model);
        if (cpu->has_signature) {
                hostcaps_nfd_labelf(x, "cpu.family", NULL, "%u", cpu->family);
                hostcaps_nfd_labelf(x, "cpu.model-number", NULL, "%u", cpu->model_number);
                hostcaps_nfd_labelf(x, "cpu.stepping", NULL, "%u", cpu->stepping);
        }
        hostcaps_nfd_labelf(x, "cpu.sockets", NULL, "%u", cpu->topo.sockets);
        hostcaps_nfd_labelf(x, "cpu.dies-per-socket", NULL, "%u", cpu->topo.dies);
        hostcaps_nfd_labelf(x, "cpu.cores-per-socket", NULL, "%u", cores_per_socket(cpu));
        hostcaps_nfd_labelf(x, "cpu.threads-per-core", NULL, "%u", cpu->topo.threads);
        if (cpu->n_kinds > 1)
                hostcaps_nfd_label(x, "cpu.hybrid", NULL, "true");
        for (size_t i = 1; i < cpu->n_page_sizes; i++) {
                char size[32];
                snprintf(size, sizeof(size), "%lluKiB", (unsigned long long)cpu->page_sizes[i]);
                hostcaps_nfd_label(x, "cpu.hugepages.", size, "true");
        }
        for (size_t i = 0; i < cpu->n_all_features; i++)
                hostcaps_nfd_label(x, "cpu.feature.", cpu->all_features[i], "true");
        return 0;
}

/* Prometheus: the identity as an info metric, the topology as gauges. */
static int cpu_prometheus(hostcaps_export *x, const hostcaps_object *o) {
        const hostcaps_cpu *cpu = (const hostcaps_cpu *)o;
        char family[16], model[16], stepping[16];
        snprintf(family, sizeof(family), "%u", cpu->family);
        snprintf(model, sizeof(model), "%u", cpu->model_number);
        snprintf(stepping, sizeof(stepping), "%u", cpu->stepping);
        const char *const info[][2] = {
                {"arch", cpu->arch},
                {"vendor", cpu->vendor},
                {"model", cpu->model},
                {"family", cpu->has_signature ? family : NULL},
                {"model_number", cpu->has_signature ? model : NULL},
                {"stepping", cpu->has_signature ? stepping : NULL},
                {"brand", cpu->brand},
        };
        static const struct {
                const char *name, *help;
        } counts[] = {
                {"hostcaps_cpu_sockets", "CPU sockets (packages) with an online CPU."},
                {"hostcaps_cpu_cores_per_socket", "Physical cores per socket."},
                {"hostcaps_cpu_threads_per_core", "Hardware threads per core."},
                {"hostcaps_cpu_online_cpus", "Logical CPUs online."},
                {"hostcaps_cpu_possible_cpus", "Logical CPUs the kernel can bring online."},
        };
        const unsigned values[] = {cpu->topo.sockets, cores_per_socket(cpu), cpu->topo.threads,
                                   cpu->topo.online_cpus, cpu->topo.possible_cpus};

        hostcaps_prom_info(x, "hostcaps_cpu_info",
                           "The host CPU's identity (libvirt's model name); the value is always 1.", info,
                           ELEMENTSOF(info));
        for (size_t i = 0; i < ELEMENTSOF(counts); i++) {
                hostcaps_prom_family(x, counts[i].name, counts[i].help);
                hostcaps_prom_sample(x, counts[i].name, values[i], NULL);
        }
        return 0;
}
