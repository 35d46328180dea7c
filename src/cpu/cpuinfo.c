/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPU identity from /proc/cpuinfo: aarch64/arm, ppc64, s390x, and x86 when
 * no CPUID source is at hand (a sysroot recorded without a dump). */
#include <ctype.h>
#include <stdio.h>

#include "cpu.h"
#include "cpumap.h"
#include "host/error.h"
#include "host/parse.h"

/* The value of `key` in the first block that has it ("key\t: value"); keys
 * are matched whole, ignoring the tabs and spaces before the colon. */
static const char *cpuinfo_get(char *const *lines, size_t n, const char *key) {
        size_t kl = strlen(key);
        for (size_t i = 0; i < n; i++) {
                const char *l = lines[i];
                if (strncmp(l, key, kl) != 0)
                        continue;
                l += kl;
                while (*l == ' ' || *l == '\t')
                        l++;
                if (*l != ':')
                        continue;
                l++;
                while (*l == ' ' || *l == '\t')
                        l++;
                return l;
        }
        return NULL;
}

static int split_lines(char *s, char ***ret, size_t *ret_n) {
        char **lines = NULL;
        size_t n = 0, allocated = 0;
        for (char *l = s, *next; l; l = next) {
                next = strchr(l, '\n');
                if (next)
                        *next++ = '\0';
                if (GROW(lines, allocated, n + 1) < 0) {
                        free(lines);
                        return -ENOMEM;
                }
                lines[n++] = l;
        }
        *ret = lines;
        *ret_n = n;
        return 0;
}

static int set_str(char **field, const char *value) {
        _cleanup_free_ char *t = NULL;
        char *c;
        if (!value)
                return 0;
        if (!(t = strdup(value)))
                return -ENOMEM;
        c = hostcaps_strstrip(t);
        if (!*c)
                return 0;
        if (!(c = strdup(c)))
                return -ENOMEM;
        free(*field);
        *field = c;
        return 0;
}

static int add_feature_words(hostcaps_cpu *cpu, const char *list, size_t *allocated) {
        char word[128];
        for (const char *p = list; p && *p;) {
                while (*p == ' ' || *p == '\t')
                        p++;
                size_t l = strcspn(p, " \t");
                if (l == 0)
                        break;
                if (l < sizeof(word)) {
                        memcpy(word, p, l);
                        word[l] = '\0';
                        int e = hostcaps_cpu_add_feature(cpu, word, allocated);
                        if (e < 0)
                                return e;
                }
                p += l;
        }
        return 0;
}

static int parse_num(const char *path, const char *key, const char *v, unsigned *ret) {
        uint32_t x;
        if (hostcaps_parse_u32(v, &x) < 0)
                return hostcaps_error(EINVAL, "%s: invalid '%s' value '%.64s'", path, key, v);
        *ret = x;
        return 0;
}

/* libvirt's vendor names for ARM implementer codes (MIDR_EL1 bits 31:24);
 * the same table as libvirt's arm_vendors.xml. */
static const char *arm_vendor(unsigned code) {
        static const struct {
                unsigned code;
                const char *name;
        } vendors[] = {
                {0x41, "ARM"},     {0x42, "Broadcom"},  {0x43, "Cavium"},   {0x44, "DigitalEquipment"},
                {0x46, "Fujitsu"}, {0x48, "HiSilicon"}, {0x49, "Infineon"}, {0x4d, "Freescale"},
                {0x4e, "NVIDIA"},  {0x50, "APM"},       {0x51, "Qualcomm"}, {0x56, "Marvell"},
                {0x69, "Intel"},   {0x70, "Phytium"},   {0x61, "Apple"},    {0xc0, "Ampere"},
        };
        for (size_t i = 0; i < ELEMENTSOF(vendors); i++)
                if (vendors[i].code == code)
                        return vendors[i].name;
        return NULL;
}

static int probe_x86(const char *path, char *const *lines, size_t n, hostcaps_cpu *cpu) {
        static const struct {
                const char *id, *name;
        } vendors[] = {
                {"GenuineIntel", "Intel"},   {"AuthenticAMD", "AMD"},     {"HygonGenuine", "Hygon"},
                {"CentaurHauls", "Centaur"}, {"  Shanghai  ", "Zhaoxin"},
        };
        const char *v;
        size_t allocated = cpu->n_features;
        int e;

        if ((e = set_str(&cpu->vendor_id, cpuinfo_get(lines, n, "vendor_id"))) < 0 ||
            (e = set_str(&cpu->brand, cpuinfo_get(lines, n, "model name"))) < 0)
                return e;
        for (size_t i = 0; cpu->vendor_id && i < ELEMENTSOF(vendors); i++)
                if (strcmp(cpu->vendor_id, vendors[i].id) == 0 && !(cpu->vendor = strdup(vendors[i].name)))
                        return -ENOMEM;
        /* "cpu family", "model" and "stepping" are already the display values
         * (extended family and model folded in), which is what libvirt prints. */
        const char *fam = cpuinfo_get(lines, n, "cpu family"), *mod = cpuinfo_get(lines, n, "model"),
                   *step = cpuinfo_get(lines, n, "stepping");
        /* The signature is one value: a bad part makes it unknown. */
        if (fam && mod && step) {
                unsigned f = 0, m = 0, st = 0;
                if ((e = parse_num(path, "cpu family", fam, &f)) >= 0 &&
                    (e = parse_num(path, "model", mod, &m)) >= 0 &&
                    (e = parse_num(path, "stepping", step, &st)) >= 0) {
                        cpu->family = f;
                        cpu->model_number = m;
                        cpu->stepping = st;
                        cpu->has_signature = true;
                }
                if ((e = hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_SIGNATURE)) < 0)
                        return e;
        }
        /* "microcode : 0x1000065" (hex since 4.x; some old kernels print decimal). */
        if ((v = cpuinfo_get(lines, n, "microcode"))) {
                if (hostcaps_parse_u64(v, &cpu->microcode) >= 0)
                        cpu->has_microcode = true;
                else if ((e = hostcaps_cpu_optional(
                                  cpu,
                                  hostcaps_error(EINVAL, "%s: invalid 'microcode' value '%.64s'", path, v),
                                  HOSTCAPS_CPU_UNKNOWN_MICROCODE)) < 0)
                        return e;
        }
        /* "address sizes : 48 bits physical, 48 bits virtual" */
        if ((v = cpuinfo_get(lines, n, "address sizes"))) {
                unsigned bits;
                if (sscanf(v, "%u bits physical", &bits) == 1 && bits > 0 && bits <= 64)
                        cpu->phys_bits = bits;
                else if ((e = hostcaps_cpu_optional(
                                  cpu,
                                  hostcaps_error(EINVAL, "%s: invalid 'address sizes' value '%.64s'", path,
                                                 v),
                                  HOSTCAPS_CPU_UNKNOWN_PHYS_BITS)) < 0)
                        return e;
        }
        if ((v = cpuinfo_get(lines, n, "flags"))) {
                e = add_feature_words(cpu, v, &allocated);
                cpu->feature_source = "cpuinfo";
        }
        return e;
}

int hostcaps_cpu_arm_model(hostcaps_cpu *cpu, uint32_t implementer, uint32_t part) {
        const char *reason = NULL, *vendor, *model;
        const hostcaps_cpumap *map = hostcaps_cpumap_get(&reason);
        if (!map)
                return hostcaps_cpu_set_model_reason(cpu, reason);
        if ((vendor = hostcaps_cpumap_arm_vendor(map, implementer)) &&
            (!cpu->vendor || strcmp(cpu->vendor, vendor) != 0)) {
                free(cpu->vendor);
                if (!(cpu->vendor = strdup(vendor)))
                        return -ENOMEM;
        }
        model = hostcaps_cpumap_arm_model(map, implementer, part);
        if (!model) {
                char why[96];
                snprintf(why, sizeof(why),
                         "libvirt's cpu_map has no model for implementer 0x%02x part 0x%03x", implementer,
                         part);
                return hostcaps_cpu_set_model_reason(cpu, why);
        }
        cpu->model = strdup(model);
        return cpu->model ? 0 : -ENOMEM;
}

int hostcaps_cpu_ppc64_model(hostcaps_cpu *cpu, uint32_t pvr) {
        const char *reason = NULL, *vendor = NULL, *model;
        const hostcaps_cpumap *map = hostcaps_cpumap_get(&reason);
        if (!map)
                return hostcaps_cpu_set_model_reason(cpu, reason);
        model = hostcaps_cpumap_ppc64_model(map, pvr, &vendor);
        if (!model) {
                char why[96];
                snprintf(why, sizeof(why), "libvirt's cpu_map has no model for PVR 0x%08x", pvr);
                return hostcaps_cpu_set_model_reason(cpu, why);
        }
        if (vendor && (!cpu->vendor || strcmp(cpu->vendor, vendor) != 0)) {
                free(cpu->vendor);
                if (!(cpu->vendor = strdup(vendor)))
                        return -ENOMEM;
        }
        cpu->model = strdup(model);
        return cpu->model ? 0 : -ENOMEM;
}

static int probe_arm(const char *path, char *const *lines, size_t n, hostcaps_cpu *cpu) {
        const char *v;
        size_t allocated = cpu->n_features;
        uint32_t code = 0, part = 0;
        bool have_code = false, have_part = false;
        int e = 0;
        /* Optional, as the rest: a bad implementer or part makes the vendor
         * and model unknown. */
        if ((v = cpuinfo_get(lines, n, "CPU implementer")) && hostcaps_parse_u32(v, &code) < 0) {
                e = hostcaps_error(EINVAL, "%s: invalid 'CPU implementer' value '%.64s'", path, v);
                if ((e = hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_IDENTITY)) < 0)
                        return e;
                v = NULL;
        }
        if (v) {
                const char *name = arm_vendor(code);
                if (name && !(cpu->vendor = strdup(name)))
                        return -ENOMEM;
                if (!(cpu->vendor_id = hostcaps_strdup_printf("0x%02x", code)))
                        return -ENOMEM;
                have_code = true;
        }
        /* "CPU part\t: 0xd0c": MIDR_EL1 bits 15:4, the implementer's part number. */
        if ((v = cpuinfo_get(lines, n, "CPU part"))) {
                if (hostcaps_parse_u32(v, &part) >= 0)
                        have_part = true;
                else if ((e = hostcaps_cpu_optional(
                                  cpu,
                                  hostcaps_error(EINVAL, "%s: invalid 'CPU part' value '%.64s'", path, v),
                                  HOSTCAPS_CPU_UNKNOWN_IDENTITY)) < 0)
                        return e;
        }
        if (have_code && have_part)
                e = hostcaps_cpu_arm_model(cpu, code, part);
        else
                e = hostcaps_cpu_set_model_reason(
                        cpu, cpu->unknown & HOSTCAPS_CPU_UNKNOWN_IDENTITY
                                     ? "proc/cpuinfo's CPU implementer or part is invalid"
                                     : "proc/cpuinfo names no CPU implementer and part");
        if (e < 0)
                return e;
        /* 32-bit kernels: "Processor : ARMv6-compatible processor rev 7 (v6l)";
         * 64-bit ones may have "model name". */
        if ((e = set_str(&cpu->brand, cpuinfo_get(lines, n, "model name"))) < 0 ||
            (!cpu->brand && (e = set_str(&cpu->brand, cpuinfo_get(lines, n, "Processor"))) < 0))
                return e;
        if ((v = cpuinfo_get(lines, n, "Features"))) {
                e = add_feature_words(cpu, v, &allocated);
                cpu->feature_source = "cpuinfo";
        }
        return e;
}

static int probe_ppc(const char *path, char *const *lines, size_t n, hostcaps_cpu *cpu) {
        const char *v;
        unsigned hi, lo;
        int e;
        /* "cpu : POWER8E (raw), altivec supported"; the model is the first word. */
        if ((e = set_str(&cpu->brand, cpuinfo_get(lines, n, "cpu"))) < 0)
                return e;
        if (!(cpu->vendor = strdup("IBM")))
                return -ENOMEM;
        /* "revision : 2.1 (pvr 004b 0201)": the processor version register,
         * version and revision halves in hex. */
        v = cpuinfo_get(lines, n, "revision");
        const char *p = v ? strstr(v, "(pvr ") : NULL;
        if (!p)
                return hostcaps_cpu_set_model_reason(cpu, "proc/cpuinfo states no PVR");
        if (sscanf(p, "(pvr %4x %4x)", &hi, &lo) != 2) {
                e = hostcaps_error(EINVAL, "%s: invalid 'revision' value '%.64s'", path, v);
                if ((e = hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_IDENTITY)) < 0)
                        return e;
                return hostcaps_cpu_set_model_reason(cpu, "proc/cpuinfo's PVR is invalid");
        }
        return hostcaps_cpu_ppc64_model(cpu, (uint32_t)hi << 16 | lo);
}

static int probe_s390(char *const *lines, size_t n, hostcaps_cpu *cpu) {
        const char *v;
        size_t allocated = cpu->n_features;
        int e;
        if ((e = set_str(&cpu->vendor_id, cpuinfo_get(lines, n, "vendor_id"))) < 0)
                return e;
        if (!(cpu->vendor = strdup("IBM")))
                return -ENOMEM;
        /* "processor 0: version = 00,  identification = 145F07,  machine = 2964" */
        if ((v = cpuinfo_get(lines, n, "processor 0"))) {
                const char *m = strstr(v, "machine = ");
                if (m && (e = set_str(&cpu->brand, m + strlen("machine = "))) < 0)
                        return e;
        }
        if ((v = cpuinfo_get(lines, n, "features"))) {
                e = add_feature_words(cpu, v, &allocated);
                cpu->feature_source = "cpuinfo";
        }
        return e;
}

int hostcaps_cpu_probe_cpuinfo(hostcaps_reader *r, const char *arch, hostcaps_cpu *cpu) {
        static const char path[] = "proc/cpuinfo";
        _cleanup_free_ char *s = NULL;
        _cleanup_free_ char **lines = NULL;
        size_t n;
        int e;

        /* Optional: a recording without cpuinfo (or with a bad one) leaves
         * the identity unknown. */
        e = hostcaps_read_file(r, path, &s, NULL);
        if (e < 0)
                return hostcaps_cpu_optional(cpu, e, HOSTCAPS_CPU_UNKNOWN_CPUINFO);
        e = split_lines(s, &lines, &n);
        if (e < 0)
                return e;
        if (strcmp(arch, "x86_64") == 0 || strcmp(arch, "i686") == 0)
                return probe_x86(path, lines, n, cpu);
        if (strcmp(arch, "aarch64") == 0 || startswith(arch, "arm"))
                return probe_arm(path, lines, n, cpu);
        if (startswith(arch, "ppc"))
                return probe_ppc(path, lines, n, cpu);
        if (startswith(arch, "s390"))
                return probe_s390(lines, n, cpu);
        return 0;
}
