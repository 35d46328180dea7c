/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* x86 identity and features from CPUID. Live: the leaves are executed on the
 * calling CPU, one at a time (never cpu_identify_all, which can crash and
 * leaves the thread pinned in libcpuid 0.6.2; the caller's affinity is never
 * touched). Recorded: a dump in the sysroot or named by the caller. */
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#ifdef HAVE_LIBCPUID
#include <libcpuid/libcpuid.h>
#endif
#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__))
#include <linux/kvm.h>
#include <sys/ioctl.h>
#endif

#include "cpu.h"
#include "host/error.h"
#include "host/xmlread.h"
#include "host/parse.h"
#include "cpumap.h"
#include "x86.h"

/* ---- CPUID sources ---------------------------------------------------- */

int hostcaps_cpuid_new_live(hostcaps_cpuid **ret) {
#if defined(__x86_64__) || defined(__i386__)
        hostcaps_cpuid *c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->live = true;
        *ret = c;
        return 0;
#else
        return hostcaps_error(EOPNOTSUPP, "CPUID is not available on this architecture");
#endif
}

hostcaps_cpuid *hostcaps_cpuid_free(hostcaps_cpuid *c) {
        if (c) {
                free(c->leaves);
                free(c);
        }
        return NULL;
}

/* One CPUID instruction, on whatever CPU this thread runs (the caller's
 * affinity is never touched). The compiler's <cpuid.h> rather than
 * libcpuid's cpu_exec_cpuid_ext(): the same instruction, without loading
 * libcpuid into every consumer (see src/host/lazy.c); libcpuid still reads
 * its raw dumps. */
static void exec_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]) {
#if defined(__x86_64__) || defined(__i386__)
        __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
#else
        (void)leaf;
        (void)subleaf;
        memset(regs, 0, 4 * sizeof(uint32_t));
#endif
}

static const hostcaps_cpuid_leaf *find_leaf(const hostcaps_cpuid *c, uint32_t leaf, uint32_t subleaf) {
        size_t lo = 0, hi = c->n_leaves;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                const hostcaps_cpuid_leaf *l = &c->leaves[mid];
                if (l->leaf == leaf && l->subleaf == subleaf)
                        return l;
                if (l->leaf < leaf || (l->leaf == leaf && l->subleaf < subleaf))
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

/* CPUID is slow where a hypervisor traps it (about 4 µs a call in a VM), and
 * a probe asks for the same few leaves hundreds of times (once per feature
 * of the map): a live source executes each leaf once and keeps it, in the
 * same sorted array a recorded dump uses. A source belongs to one probe. */
static void exec_once(hostcaps_cpuid *c, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]) {
        const hostcaps_cpuid_leaf *l = find_leaf(c, leaf, subleaf);
        size_t at = 0;
        if (l) {
                memcpy(regs, l->regs, sizeof(l->regs));
                return;
        }
        exec_cpuid(leaf, subleaf, regs);
        if (c->n_leaves >= c->n_leaves_allocated) {
                size_t n = c->n_leaves_allocated ? c->n_leaves_allocated * 2 : 32;
                hostcaps_cpuid_leaf *p = realloc(c->leaves, n * sizeof(*p));
                if (!p)
                        return; /* not kept: executed again next time */
                c->leaves = p;
                c->n_leaves_allocated = n;
        }
        while (at < c->n_leaves &&
               (c->leaves[at].leaf < leaf || (c->leaves[at].leaf == leaf && c->leaves[at].subleaf < subleaf)))
                at++;
        memmove(&c->leaves[at + 1], &c->leaves[at], (c->n_leaves - at) * sizeof(*c->leaves));
        c->leaves[at] = (hostcaps_cpuid_leaf){.leaf = leaf, .subleaf = subleaf};
        memcpy(c->leaves[at].regs, regs, sizeof(c->leaves[at].regs));
        c->n_leaves++;
}

void hostcaps_cpuid_get(const hostcaps_cpuid *c, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]) {
        memset(regs, 0, 4 * sizeof(uint32_t));
        if (c->live) {
                hostcaps_cpuid *live = (hostcaps_cpuid *)c; /* its memo of executed leaves */
                uint32_t max[4];
                /* Leaves above the range's maximum return garbage (the highest
                 * basic leaf on Intel): treat them as zero. */
                exec_once(live, leaf & 0xffff0000u, 0, max);
                if (leaf > max[0] || (leaf & 0xffff0000u) != (max[0] & 0xffff0000u))
                        return;
                exec_once(live, leaf, subleaf, regs);
                return;
        }
        const hostcaps_cpuid_leaf *l = find_leaf(c, leaf, subleaf);
        if (l)
                memcpy(regs, l->regs, sizeof(l->regs));
}

int hostcaps_cpuid_set_msr(hostcaps_cpuid *c, uint32_t index, uint64_t value) {
        size_t i;
        for (i = 0; i < c->n_msrs && c->msrs[i].index != index; i++)
                ;
        if (i == HOSTCAPS_CPUID_MAX_MSRS)
                return -E2BIG;
        c->msrs[i] = (hostcaps_cpuid_msr){.index = index, .value = value};
        if (i == c->n_msrs)
                c->n_msrs++;
        return 0;
}

bool hostcaps_cpuid_get_msr(const hostcaps_cpuid *c, uint32_t index, uint64_t *ret) {
        for (size_t i = 0; i < c->n_msrs; i++)
                if (c->msrs[i].index == index) {
                        *ret = c->msrs[i].value;
                        return true;
                }
        return false;
}

static int cmp_leaf(const void *a, const void *b) {
        const hostcaps_cpuid_leaf *x = a, *y = b;
        if (x->leaf != y->leaf)
                return x->leaf < y->leaf ? -1 : 1;
        return x->subleaf < y->subleaf ? -1 : x->subleaf > y->subleaf;
}

static int add_leaf(hostcaps_cpuid *c, size_t *allocated, uint32_t leaf, uint32_t subleaf,
                    const uint32_t regs[4]) {
        if (GROW(c->leaves, *allocated, c->n_leaves + 1) < 0)
                return -ENOMEM;
        hostcaps_cpuid_leaf *l = &c->leaves[c->n_leaves++];
        l->leaf = leaf;
        l->subleaf = subleaf;
        memcpy(l->regs, regs, 4 * sizeof(uint32_t));
        return 0;
}

/* libvirt's <cpudata arch='x86'><cpuid eax_in ecx_in eax ebx ecx edx/>...
 * <msr index eax edx/>; the arch is required (libvirt writes it, and a dump
 * of another arch holds no CPUID). */
static int load_cpuid_element(const hostcaps_doc_ctx *d, xmlNodePtr n, hostcaps_cpuid *c, size_t *allocated) {
        uint32_t leaf, sub = 0, regs[4];
        int e;
        if ((e = hostcaps_xml_prop_u32(d, n, "eax_in", true, &leaf)) < 0 ||
            ((e = hostcaps_xml_prop_u32(d, n, "ecx_in", false, &sub)) < 0 && e != -ENOENT) ||
            (e = hostcaps_xml_prop_u32(d, n, "eax", true, &regs[0])) < 0 ||
            (e = hostcaps_xml_prop_u32(d, n, "ebx", true, &regs[1])) < 0 ||
            (e = hostcaps_xml_prop_u32(d, n, "ecx", true, &regs[2])) < 0 ||
            (e = hostcaps_xml_prop_u32(d, n, "edx", true, &regs[3])) < 0)
                return e;
        return add_leaf(c, allocated, leaf, sub, regs);
}

static int load_msr_element(const hostcaps_doc_ctx *d, xmlNodePtr n, hostcaps_cpuid *c) {
        uint32_t index, eax, edx;
        int e;
        if ((e = hostcaps_xml_prop_u32(d, n, "index", true, &index)) < 0 ||
            (e = hostcaps_xml_prop_u32(d, n, "eax", true, &eax)) < 0 ||
            (e = hostcaps_xml_prop_u32(d, n, "edx", true, &edx)) < 0)
                return e;
        e = hostcaps_cpuid_set_msr(c, index, (uint64_t)edx << 32 | eax);
        return e == -E2BIG ? hostcaps_xml_error(d, n, "too many <msr> elements") : e;
}

static int load_cpudata(const char *data, size_t len, const char *path, hostcaps_cpuid *c) {
        xmlDocPtr doc = hostcaps_xml_parse_untrusted(data, len, path);
        const hostcaps_doc_ctx d = {.name = path};
        _cleanup_free_ char *arch = NULL;
        size_t allocated = 0;
        int e;
        if (!doc)
                return -EINVAL;
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (!root || !xmlStrEqual(root->name, BAD_CAST "cpudata"))
                e = hostcaps_error(EINVAL, "%s: root element is not <cpudata>", path);
        else if ((e = hostcaps_xml_prop_str(&d, root, "arch", true, &arch)) >= 0 && strcmp(arch, "x86") != 0)
                e = hostcaps_xml_error(&d, root, "<cpudata arch='%.16s'> is not an x86 CPUID dump", arch);
        XML_FOREACH_CHILD(n, e >= 0 ? root : NULL, NULL) {
                if (xmlStrEqual(n->name, BAD_CAST "cpuid"))
                        e = load_cpuid_element(&d, n, c, &allocated);
                else if (xmlStrEqual(n->name, BAD_CAST "msr"))
                        e = load_msr_element(&d, n, c);
                if (e < 0)
                        break;
        }
        xmlFreeDoc(doc);
        return e;
}

#ifdef HAVE_LIBCPUID
static void silence_libcpuid(const char *msg) {
        (void)msg;
}
#endif

/* libcpuid's raw format, via libcpuid itself. Its record holds subleaf 0 of
 * most leaves only (no 7.1 or 0xd.1), so features of those subleaves are
 * missing from such dumps; hostcaps' own snapshots use libvirt's format. */
static int load_libcpuid(hostcaps_reader *r, const char *path, hostcaps_cpuid *c) {
#ifdef HAVE_LIBCPUID
        struct cpu_raw_data_t raw;
        size_t allocated = 0;
        int e = 0;
        /* libcpuid reads by file name; in a sysroot the reader checks the path
         * first so a dump outside the root is never read. */
        _cleanup_close_ int fd = hostcaps_reader_open(r, path, 0);
        char fdpath[64];
        if (fd < 0)
                return hostcaps_error(-fd, "%s: %s", path, strerror(-fd));
        snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
        /* libcpuid warns on stderr about lines it does not understand; a
         * library does not print: errors are returned, warnings dropped. */
        cpuid_set_warn_function(silence_libcpuid);
        if (cpuid_deserialize_raw_data(&raw, fdpath) != 0)
                return hostcaps_error(EINVAL, "%s: not a libcpuid raw dump: %s", path, cpuid_error());
        for (uint32_t i = 0; i < MAX_CPUID_LEVEL && e >= 0; i++)
                if (i <= raw.basic_cpuid[0][0])
                        e = add_leaf(c, &allocated, i, 0, raw.basic_cpuid[i]);
        for (uint32_t i = 0; i < MAX_EXT_CPUID_LEVEL && e >= 0; i++)
                if (0x80000000u + i <= raw.ext_cpuid[0][0])
                        e = add_leaf(c, &allocated, 0x80000000u + i, 0, raw.ext_cpuid[i]);
        return e;
#else
        return hostcaps_error(EOPNOTSUPP, "%s: reading libcpuid dumps needs libcpuid", path);
#endif
}

/* What identity needs of a recorded dump: leaf 0 (the vendor, and the
 * highest basic leaf, at least 1), leaf 1 (the signature) and leaf
 * 0x80000000 (the highest extended leaf: brand, address bits and the AMD
 * features live there; every x86 vendor since the Pentium 4 and K7 has it).
 * Without them a dump of anything reads as a CPU of unknown vendor and
 * family 0. */
static int check_identity_leaves(const hostcaps_cpuid *c, const char *path) {
        static const struct {
                uint32_t leaf;
                const char *what;
        } need[] = {
                {0x0, "leaf 0x0 (vendor)"},
                {0x1, "leaf 0x1 (signature)"},
                {0x80000000u, "leaf 0x80000000 (extended range)"},
        };
        static const uint32_t zero[4];
        uint32_t regs[4];
        /* A leaf of zeros is no leaf: libvirt skips them, hostcaps' writer
         * leaves them out, and libcpuid's reader fills the leaves its file
         * lacks with them. */
        for (size_t i = 0; i < ELEMENTSOF(need); i++) {
                const hostcaps_cpuid_leaf *l = find_leaf(c, need[i].leaf, 0);
                if (!l || memcmp(l->regs, zero, sizeof(zero)) == 0)
                        return hostcaps_error(EINVAL, "%s: the CPUID dump lacks %s", path, need[i].what);
        }
        hostcaps_cpuid_get(c, 0, 0, regs);
        if (regs[0] < 1)
                return hostcaps_error(EINVAL,
                                      "%s: CPUID leaf 0x0 states no leaf 0x1 (highest basic leaf %#x)", path,
                                      regs[0]);
        hostcaps_cpuid_get(c, 0x80000000u, 0, regs);
        if (regs[0] < 0x80000000u || regs[0] > 0x800000ffu) /* real CPUs: up to 0x80000028 */
                return hostcaps_error(EINVAL, "%s: CPUID leaf 0x80000000 states no extended range (eax %#x)",
                                      path, regs[0]);
        return 0;
}

int hostcaps_cpuid_load(hostcaps_reader *r, const char *path, hostcaps_cpuid **ret) {
        _cleanup_free_ char *data = NULL;
        size_t len;
        hostcaps_cpuid *c;
        int e = hostcaps_read_file(r, path, &data, &len);
        if (e < 0)
                return e;
        if (!(c = calloc(1, sizeof(*c))))
                return -ENOMEM;
        const char *p = data;
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
                p++;
        e = *p == '<' ? load_cpudata(data, len, path, c) : load_libcpuid(r, path, c);
        if (e >= 0 && c->n_leaves == 0)
                e = hostcaps_error(EINVAL, "%s: no CPUID leaves", path);
        if (e >= 0) {
                qsort(c->leaves, c->n_leaves, sizeof(*c->leaves), cmp_leaf);
                e = check_identity_leaves(c, path);
        }
        if (e < 0) {
                hostcaps_cpuid_free(c);
                return e;
        }
        *ret = c;
        return 0;
}

/* Subleaf counts of the leaves that have subleaves (Intel SDM, AMD APM). */
static uint32_t n_subleaves(const hostcaps_cpuid *c, uint32_t leaf) {
        uint32_t regs[4];
        switch (leaf) {
        case 0x4:
        case 0x8000001d: /* cache parameters: until type 0 */
                for (uint32_t i = 0; i < 16; i++) {
                        hostcaps_cpuid_get(c, leaf, i, regs);
                        if ((regs[0] & 0x1f) == 0)
                                return i + 1;
                }
                return 16;
        case 0x7:
        case 0x14:
        case 0x17:
        case 0x18:
        case 0x1d:
        case 0x24:
                hostcaps_cpuid_get(c, leaf, 0, regs); /* eax: highest subleaf */
                return regs[0] < 16 ? regs[0] + 1 : 16;
        case 0xb:
        case 0x1f: /* topology: until level type 0 */
                for (uint32_t i = 0; i < 8; i++) {
                        hostcaps_cpuid_get(c, leaf, i, regs);
                        if (((regs[2] >> 8) & 0xff) == 0)
                                return i + 1;
                }
                return 8;
        case 0xd:
                return 64; /* xsave components */
        case 0xf:
        case 0x10:
        case 0x12:
                return 4;
        default:
                return 1;
        }
}

char *hostcaps_cpuid_format_xml(const hostcaps_cpuid *c) {
        hostcaps_buf b = {0};
        uint32_t regs[4], max;
        static const uint32_t ranges[] = {0, 0x40000000u, 0x80000000u};

        hostcaps_buf_puts(&b, "<cpudata arch='x86'>\n");
        for (size_t k = 0; k < ELEMENTSOF(ranges); k++) {
                hostcaps_cpuid_get(c, ranges[k], 0, regs);
                max = regs[0];
                /* The basic range is capped at 0xff (no CPU has more); an
                 * implausible other range is left out. */
                if (k == 0 && max > 0xff)
                        max = 0xff;
                if (max < ranges[k] || max - ranges[k] > 0xff)
                        max = ranges[k] ? ranges[k] - 1 : 0;
                for (uint32_t leaf = ranges[k]; leaf <= max && leaf >= ranges[k]; leaf++)
                        for (uint32_t sub = 0, n = n_subleaves(c, leaf); sub < n; sub++) {
                                hostcaps_cpuid_get(c, leaf, sub, regs);
                                if (sub > 0 && !regs[0] && !regs[1] && !regs[2] && !regs[3])
                                        continue;
                                hostcaps_buf_printf(&b,
                                                    "  <cpuid eax_in='0x%08x' ecx_in='0x%02x' eax='0x%08x' "
                                                    "ebx='0x%08x' ecx='0x%08x' edx='0x%08x'/>\n",
                                                    leaf, sub, regs[0], regs[1], regs[2], regs[3]);
                        }
        }
        for (size_t i = 0; i < c->n_msrs; i++)
                hostcaps_buf_printf(&b, "  <msr index='0x%x' edx='0x%08x' eax='0x%08x'/>\n", c->msrs[i].index,
                                    (uint32_t)(c->msrs[i].value >> 32), (uint32_t)c->msrs[i].value);
        hostcaps_buf_puts(&b, "</cpudata>\n");
        return hostcaps_buf_steal(&b);
}

/* ---- identity --------------------------------------------------------- */

void hostcaps_x86_identify(const hostcaps_cpuid *c, hostcaps_x86_identity *ret) {
        uint32_t r[4];

        *ret = (hostcaps_x86_identity){0};
        hostcaps_cpuid_get(c, 0, 0, r);
        memcpy(ret->vendor_id, &r[1], 4);
        memcpy(ret->vendor_id + 4, &r[3], 4);
        memcpy(ret->vendor_id + 8, &r[2], 4);
        /* Leaf 1 eax without the reserved bits (31:28, 15:14), as libvirt
         * keeps it; the processor type (13:12) stays. Family and model as
         * libvirt computes them: the extended fields always added. */
        hostcaps_cpuid_get(c, 1, 0, r);
        ret->signature = r[0] & 0x0fff3fffu;
        ret->family = ((r[0] >> 8) & 0xf) + ((r[0] >> 20) & 0xff);
        ret->model = ((r[0] >> 4) & 0xf) + ((r[0] >> 12) & 0xf0);
        ret->stepping = r[0] & 0xf;
        /* Intel family 6 models 60, 69, 70 and 63 before stepping 4 (Haswell,
         * early Haswell-EP) enumerate TSX that errata made unusable (microcode
         * turns it off); libvirt drops hle and rtm for them before choosing a
         * model, and so does hostcaps, with or without a map. */
        ret->broken_tsx = strcmp(ret->vendor_id, "GenuineIntel") == 0 && ret->family == 6 &&
                          ((ret->model == 63 && ret->stepping < 4) || ret->model == 60 || ret->model == 69 ||
                           ret->model == 70);
}

static int x86_identify(const hostcaps_x86_identity *id, const hostcaps_cpuid *c, hostcaps_cpu *cpu) {
        static const struct {
                const char *id, *name;
        } vendors[] = {
                /* libvirt's x86_vendors.xml names, and two it does not list. */
                {"GenuineIntel", "Intel"},   {"AuthenticAMD", "AMD"},     {"HygonGenuine", "Hygon"},
                {"CentaurHauls", "Centaur"}, {"  Shanghai  ", "Zhaoxin"},
        };
        uint32_t r[4];
        char brand[49];

        if (!(cpu->vendor_id = strdup(id->vendor_id)))
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(vendors); i++)
                if (strcmp(id->vendor_id, vendors[i].id) == 0 && !(cpu->vendor = strdup(vendors[i].name)))
                        return -ENOMEM;
        cpu->family = id->family;
        cpu->model_number = id->model;
        cpu->stepping = id->stepping;
        cpu->has_signature = true;

        /* Brand string: leaves 0x80000002..4, 48 bytes, padded with spaces. */
        hostcaps_cpuid_get(c, 0x80000000u, 0, r);
        if (r[0] >= 0x80000004u) {
                for (uint32_t i = 0; i < 3; i++) {
                        hostcaps_cpuid_get(c, 0x80000002u + i, 0, r);
                        memcpy(brand + 16 * i, r, 16);
                }
                brand[48] = '\0';
                char *s = hostcaps_strstrip(brand);
                if (*s && !(cpu->brand = strdup(s)))
                        return -ENOMEM;
        }
        /* Physical address bits: 0x80000008 eax[7:0]. */
        hostcaps_cpuid_get(c, 0x80000000u, 0, r);
        if (r[0] >= 0x80000008u) {
                hostcaps_cpuid_get(c, 0x80000008u, 0, r);
                cpu->phys_bits = r[0] & 0xff;
        }
        return 0;
}

/* The <counter name='tsc'>: libvirt reports it only for an invariant TSC
 * (CPUID.80000007H:EDX[8]); a TSC that stops or changes rate is no clock to
 * hand a guest. libvirt asks KVM for the frequency (KVM_GET_TSC_KHZ on a
 * throw-away VM); hostcaps creates no VM and reads what CPUID states: leaf
 * 0x15 (crystal clock * ebx / eax) where the crystal is enumerated, else,
 * under a hypervisor, leaf 0x40000010 eax (the TSC in kHz, VMware's timing
 * leaf that KVM and others copy). No stated frequency: no counter. */
static void x86_tsc(const hostcaps_cpuid *c, hostcaps_cpu *cpu) {
        uint32_t r[4];
        uint64_t lo, hi;

        cpu->tsc_scaling = -1;
        hostcaps_cpuid_get(c, 0x80000007u, 0, r);
        if (!(r[3] & (1u << 8)))
                return;
        hostcaps_cpuid_get(c, 0x15, 0, r);
        if (r[0] && r[1] && r[2])
                cpu->tsc_hz = (uint64_t)r[2] * r[1] / r[0];
        hostcaps_cpuid_get(c, 1, 0, r);
        if (!cpu->tsc_hz && (r[2] & (1u << 31))) {
                hostcaps_cpuid_get(c, 0x40000000u, 0, r);
                if (r[0] >= 0x40000010u && r[0] < 0x40000100u) {
                        hostcaps_cpuid_get(c, 0x40000010u, 0, r);
                        cpu->tsc_hz = (uint64_t)r[0] * 1000;
                }
        }
        if (!cpu->tsc_hz)
                return;
        /* scaling: whether the hardware can run a guest's TSC at another rate
         * (libvirt asks KVM's KVM_CAP_TSC_CONTROL, which is true exactly when
         * the hardware can). AMD: SVM's TSC rate MSR, CPUID.8000000AH:EDX[4].
         * Intel: "use TSC scaling", allowed-1 bit 25 of the secondary
         * processor-based controls (MSR 48BH), present when bit 63 of MSR 482H
         * allows secondary controls. Unread MSRs leave it unknown. */
        hostcaps_cpuid_get(c, 0x80000001u, 0, r);
        if (r[2] & (1u << 2)) { /* svm */
                hostcaps_cpuid_get(c, 0x8000000au, 0, r);
                cpu->tsc_scaling = !!(r[3] & (1u << 4));
                return;
        }
        hostcaps_cpuid_get(c, 1, 0, r);
        if (!(r[2] & (1u << 5))) { /* no vmx: no hardware virtualization */
                cpu->tsc_scaling = 0;
                return;
        }
        if (!hostcaps_cpuid_get_msr(c, 0x482, &lo))
                return;
        if (!(lo & (UINT64_C(1) << 63)))
                cpu->tsc_scaling = 0;
        else if (hostcaps_cpuid_get_msr(c, 0x48b, &hi))
                cpu->tsc_scaling = !!(hi & (UINT64_C(1) << (32 + 25)));
}

/* One MSR of CPU 0, as libvirt reads it: the msr driver's device (root and
 * the msr module), else KVM's feature-MSR ioctl on /dev/kvm (Linux 4.17+),
 * which answers with what KVM offers its guests. Best effort: an MSR that
 * cannot be read is simply not known. */
static bool read_live_msr(hostcaps_reader *r, uint32_t index, uint64_t *ret) {
        int fd = hostcaps_reader_open(r, "dev/cpu/0/msr", 0);
        if (fd >= 0) {
                uint64_t v;
                ssize_t n = pread(fd, &v, sizeof(v), index);
                close(fd);
                if (n == (ssize_t)sizeof(v)) {
                        *ret = v;
                        return true;
                }
                if (n < 0 && errno == EIO) /* the CPU has no such MSR */
                        return false;
        }
#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__))
        fd = hostcaps_reader_open(r, "dev/kvm", 0);
        if (fd >= 0) {
                struct {
                        struct kvm_msrs hdr;
                        struct kvm_msr_entry entry;
                } m = {.hdr.nmsrs = 1, .entry.index = index};
                int n = ioctl(fd, KVM_GET_MSRS, &m);
                close(fd);
                if (n == 1) {
                        *ret = m.entry.data;
                        return true;
                }
        }
#endif
        return false;
}

/* The MSRs the section decodes, read from this host: arch-capabilities where
 * CPUID enumerates it (as libvirt does), and the VMX controls that tell TSC
 * scaling, only where they matter. */
static void read_live_msrs(hostcaps_reader *r, hostcaps_cpuid *c) {
        uint32_t regs[4];
        uint64_t v;

        hostcaps_cpuid_get(c, 7, 0, regs);
        if ((regs[3] & (1u << 29)) && read_live_msr(r, 0x10a, &v))
                (void)hostcaps_cpuid_set_msr(c, 0x10a, v);
        hostcaps_cpuid_get(c, 0x80000007u, 0, regs);
        if (!(regs[3] & (1u << 8)))
                return;
        hostcaps_cpuid_get(c, 1, 0, regs);
        if (!(regs[2] & (1u << 5)) || !read_live_msr(r, 0x482, &v))
                return;
        (void)hostcaps_cpuid_set_msr(c, 0x482, v);
        if ((v & (UINT64_C(1) << 63)) && read_live_msr(r, 0x48b, &v))
                (void)hostcaps_cpuid_set_msr(c, 0x48b, v);
}

/* ---- features ---------------------------------------------------------- */

bool hostcaps_x86_feature_present(const hostcaps_cpuid *c, const hostcaps_x86_feature *f) {
        uint32_t r[4];
        uint64_t msr;
        if (f->msr_index) {
                if (!hostcaps_cpuid_get_msr(c, f->msr_index, &msr))
                        return false;
                r[0] = (uint32_t)msr;
                r[3] = (uint32_t)(msr >> 32);
                return (r[0] & f->mask[0]) == f->mask[0] && (r[3] & f->mask[3]) == f->mask[3] &&
                       (f->mask[0] | f->mask[3]);
        }
        if (!(f->mask[0] | f->mask[1] | f->mask[2] | f->mask[3]))
                return false;
        hostcaps_cpuid_get(c, f->leaf, f->subleaf, r);
        for (int k = 0; k < 4; k++)
                if ((r[k] & f->mask[k]) != f->mask[k])
                        return false;
        return true;
}

/* With libvirt's map: its names, its model, and beside the model the
 * features the model lacks. Without: hostcaps' own table, every feature. */
/* With libvirt's map: its names, its model, and beside the model the
 * features the model lacks. The model reason is set either way: it names
 * the rule set the map called for (hostcaps_cpu_model_reason() shows it
 * only when no model was found). */
static int x86_features_from_map(const hostcaps_cpumap *map, const hostcaps_x86_identity *id,
                                 const hostcaps_cpuid *c, hostcaps_cpu *cpu) {
        size_t listed = cpu->n_features, all = cpu->n_all_features;
        _cleanup_free_ char *reason = NULL;
        hostcaps_cpumap_x86 r;
        int e = hostcaps_cpumap_x86_decode(map, c, id, &r);
        if (e < 0)
                return e;
        for (size_t i = 0; i < r.n_all && e >= 0; i++)
                e = hostcaps_cpu_add_all_feature(cpu, r.all[i], &all);
        for (size_t i = 0; i < r.n_features && e >= 0; i++)
                e = hostcaps_cpu_add_feature(cpu, r.features[i], &listed);
        if (e >= 0 && r.model && !(cpu->model = strdup(r.model)))
                e = -ENOMEM;
        if (e >= 0 && r.vendor && (!cpu->vendor || strcmp(cpu->vendor, r.vendor) != 0)) {
                free(cpu->vendor);
                if (!(cpu->vendor = strdup(r.vendor)))
                        e = -ENOMEM;
        }
        if (e >= 0)
                reason = hostcaps_strdup_printf("%s (%s)",
                                                r.model ? "model chosen from libvirt's cpu_map"
                                                        : "no model of libvirt's cpu_map fits this CPU",
                                                r.rules);
        if (e >= 0)
                e = reason ? hostcaps_cpu_set_model_reason(cpu, reason) : -ENOMEM;
        hostcaps_cpumap_x86_done(&r);
        cpu->feature_source = "cpu_map";
        return e;
}

/* Without a map: hostcaps' own table, every feature, no model. */
static int x86_features_builtin(const hostcaps_x86_identity *id, const hostcaps_cpuid *c, const char *reason,
                                hostcaps_cpu *cpu) {
        size_t listed = cpu->n_features;
        int e = 0;
        cpu->feature_source = "builtin";
        for (size_t i = 0; i < hostcaps_x86_n_builtin_features && e >= 0; i++) {
                const hostcaps_x86_feature *f = &hostcaps_x86_builtin_features[i];
                if (!hostcaps_x86_feature_present(c, f))
                        continue;
                if (id->broken_tsx && (strcmp(f->name, "hle") == 0 || strcmp(f->name, "rtm") == 0))
                        continue;
                e = hostcaps_cpu_add_feature(cpu, f->name, &listed);
        }
        return e < 0 ? e : hostcaps_cpu_set_model_reason(cpu, reason);
}

static int x86_features(const hostcaps_x86_identity *id, const hostcaps_cpuid *c, hostcaps_cpu *cpu) {
        const char *reason = NULL;
        const hostcaps_cpumap *map = hostcaps_cpumap_get(&reason);
        return map ? x86_features_from_map(map, id, c, cpu) : x86_features_builtin(id, c, reason, cpu);
}

int hostcaps_cpu_probe_x86(const hostcaps_probe_ctx *ctx, hostcaps_cpu *cpu) {
        hostcaps_cpuid *c = NULL;
        int e;

        if (ctx->cpuid_file) {
                /* A dump the caller named: a path of the machine running hostcaps. */
                hostcaps_reader *r;
                e = hostcaps_reader_new_cwd(&r);
                if (e < 0)
                        return e;
                e = hostcaps_cpuid_load(r, ctx->cpuid_file, &c);
                hostcaps_reader_free(r);
        } else if (ctx->live) {
                e = hostcaps_cpuid_new_live(&c);
                if (e >= 0)
                        read_live_msrs(ctx->reader, c);
        } else {
                e = hostcaps_cpuid_load(ctx->reader, HOSTCAPS_SNAPSHOT_CPUID, &c);
                if (e == -ENOENT) {
                        /* Recorded without a dump: /proc/cpuinfo tells what it
                         * can; the kernel's flags name no libvirt model. */
                        hostcaps_error_reset();
                        e = hostcaps_cpu_set_model_reason(cpu,
                                                          "no CPUID data: the recording has no CPUID dump");
                        return e < 0 ? e : hostcaps_cpu_probe_cpuinfo(ctx->reader, ctx->arch, cpu);
                }
        }
        if (e < 0)
                return e;
        hostcaps_x86_identity id;
        hostcaps_x86_identify(c, &id);
        e = x86_identify(&id, c, cpu);
        if (e >= 0)
                e = x86_features(&id, c, cpu);
        if (e >= 0)
                x86_tsc(c, cpu);
        hostcaps_cpuid_free(c);
        return e;
}

int hostcaps_cpu_snapshot_x86(const hostcaps_probe_ctx *ctx, int dirfd) {
        hostcaps_cpuid *c = NULL;
        _cleanup_free_ char *xml = NULL;
        int e = hostcaps_cpuid_new_live(&c);
        if (e < 0)
                return e;
        read_live_msrs(ctx->reader, c);
        xml = hostcaps_cpuid_format_xml(c);
        hostcaps_cpuid_free(c);
        if (!xml)
                return -ENOMEM;
        e = hostcaps_snapshot_write_file(dirfd, HOSTCAPS_SNAPSHOT_CPUID, xml, strlen(xml));
        return e;
}
