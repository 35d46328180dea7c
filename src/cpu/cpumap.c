/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's CPU map: parsing, and choosing the host model from it.
 *
 * Layout of a map directory (libvirt 9.x and 10.x write the same elements;
 * 10.x adds versioned models, "Name-vN", that inherit from a base model,
 * and MSR-based features beside the CPUID ones):
 *   index.xml          <cpus><arch name='x86'><include filename='...'/>...
 *   x86_vendors.xml    <vendor name='Intel' string='GenuineIntel'/>
 *   x86_features.xml   <feature name='...' [migratable='no']><cpuid .../>|<msr .../>...
 *   x86_<Model>.xml    <model name='...'><decode host='on|off' guest='...'/>
 *                        [<model name='ancestor'/>] <signature family= model= [stepping=]/>...
 *                        <vendor name=/> <feature name= [removed='yes']/>...
 *   arm_vendors.xml    <vendor name='ARM' value='0x41'/>; arm_<Model>.xml: <vendor/> <pvr value='0xd0c'/>
 *   ppc64_vendors.xml  <vendor name='IBM'/>; ppc64_<Model>.xml: <vendor/> <pvr value= mask=/>...
 * The files are data of another package: parsed as untrusted input (no
 * network, no entities, no DTD), every error naming the file and line. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cpumap.h"
#include "cpumap-internal.h"
#include "hostcaps/common.h"
#include "host/error.h"
#include "host/xmlread.h"
#include "host/parse.h"

/* The architectures of the map hostcaps decodes, and the rule sets' names
 * (docs/cpu.md); their enums are in cpumap-internal.h. */
static const char *const arch_names[N_ARCHS] = {"x86", "arm", "ppc64"};
static const char *const rules_names[] = {
        [RULES_LIBVIRT_9] = "libvirt 9.0-10.x rules",
        [RULES_LIBVIRT_11] =
                "libvirt 11.x rules: versioned models, features added to a model later not required",
};

/* ---- names ---------------------------------------------------------------- */

static uint64_t name_hash(const char *s) {
        uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 0x100000001b3u;
        return h;
}

static int name_find(const name_table *t, const char *name) {
        if (!t->size)
                return -1;
        for (size_t i = name_hash(name) & (t->size - 1);; i = (i + 1) & (t->size - 1)) {
                if (!t->slots[i].name)
                        return -1;
                if (strcmp(t->slots[i].name, name) == 0)
                        return t->slots[i].index;
        }
}

static void name_put(name_table *t, const char *name, int index) {
        size_t i = name_hash(name) & (t->size - 1);
        while (t->slots[i].name)
                i = (i + 1) & (t->size - 1);
        t->slots[i] = (name_slot){name, index};
        t->n++;
}

static int name_add(name_table *t, const char *name, int index) {
        if (2 * (t->n + 1) > t->size) {
                name_table bigger = {.size = t->size ? 2 * t->size : 64};
                if (!(bigger.slots = calloc(bigger.size, sizeof(*bigger.slots))))
                        return -ENOMEM;
                for (size_t i = 0; i < t->size; i++)
                        if (t->slots[i].name)
                                name_put(&bigger, t->slots[i].name, t->slots[i].index);
                free(t->slots);
                *t = bigger;
        }
        name_put(t, name, index);
        return 0;
}

/* ---- freeing -------------------------------------------------------------- */

static void model_clear(map_model *m) {
        free(m->name);
        free(m->sigs);
        hostcaps_bitmap_free(m->features);
        hostcaps_bitmap_free(m->added);
        free(m->pvrs);
}

static void arch_clear(map_arch *a) {
        for (size_t i = 0; i < a->n_vendors; i++)
                free(a->vendors[i].name);
        free(a->vendors);
        for (size_t i = 0; i < a->n_features; i++) {
                free(a->features[i].name);
                free(a->features[i].items);
        }
        free(a->features);
        for (size_t i = 0; i < a->n_models; i++)
                model_clear(&a->models[i]);
        free(a->models);
        free(a->vendor_names.slots);
        free(a->feature_names.slots);
        free(a->model_names.slots);
}

hostcaps_cpumap *hostcaps_cpumap_free(hostcaps_cpumap *m) {
        if (m) {
                for (size_t i = 0; i < N_ARCHS; i++)
                        arch_clear(&m->arch[i]);
                free(m);
        }
        return NULL;
}

/* ---- parsing: the context and its bounds ---------------------------------- */

typedef struct parse_ctx {
        hostcaps_cpumap *map;
        hostcaps_reader *r;
        const char *dir;
        int arch;
        size_t n_files, n_bytes, n_signatures;
        char **files; /* included so far (each at most once) */
        size_t n_included, files_allocated;
        name_table file_names;
        bool saw_added, saw_versioned;
} parse_ctx;

/* An element of `path`, for messages: "x86_Base.xml:12: ...". */
#define DOC(path) (&(const hostcaps_doc_ctx){.name = (path)})

static bool is(xmlNodePtr n, const char *name) {
        return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static int too_many(const char *path, xmlNodePtr n, const char *what, size_t bound) {
        return hostcaps_error(E2BIG, "%s:%ld: more than %zu %s in one CPU map", path,
                              n ? xmlGetLineNo(n) : 0L, bound, what);
}

/* A yes/no attribute: true only for 'yes'. */
static int prop_yes(const char *path, xmlNodePtr n, const char *attr, bool *ret) {
        _cleanup_free_ char *v = NULL;
        int e = hostcaps_xml_prop_str(DOC(path), n, attr, false, &v);
        *ret = e >= 0 && strcmp(v, "yes") == 0;
        return e == -ENOENT ? 0 : e;
}

/* A number attribute, 0 when absent and optional. */
static int prop_u32(const char *path, xmlNodePtr n, const char *attr, bool required, uint32_t *ret) {
        int e = hostcaps_xml_prop_u32(DOC(path), n, attr, required, ret);
        if (e == -ENOENT)
                *ret = 0;
        return e == -ENOENT ? 0 : e;
}

static int read_doc(parse_ctx *ctx, const char *path, xmlNodePtr at, xmlDocPtr *ret) {
        _cleanup_free_ char *data = NULL;
        size_t len;
        if (++ctx->n_files > HOSTCAPS_CPUMAP_MAX_FILES)
                return too_many(path, at, "files", HOSTCAPS_CPUMAP_MAX_FILES);
        int e = hostcaps_read_file(ctx->r, path, &data, &len);
        if (e < 0)
                return e;
        if ((ctx->n_bytes += len) > HOSTCAPS_CPUMAP_MAX_BYTES)
                return too_many(path, at, "bytes", HOSTCAPS_CPUMAP_MAX_BYTES);
        if (!(*ret = hostcaps_xml_parse_untrusted(data, len, path)))
                return -EINVAL;
        xmlNodePtr root = xmlDocGetRootElement(*ret);
        if (!root || !xmlStrEqual(root->name, BAD_CAST "cpus")) {
                xmlFreeDoc(*ret);
                *ret = NULL;
                return hostcaps_error(EINVAL, "%s: root element is not <cpus>", path);
        }
        return 0;
}

/* Room for one more vendor, feature or model of the current arch. */
#define MAKE_ROOM(path, n, array, count, allocated, what)                                                    \
        ((count) >= HOSTCAPS_CPUMAP_MAX_ENTRIES ? too_many(path, n, what, HOSTCAPS_CPUMAP_MAX_ENTRIES)       \
                                                : GROW(array, allocated, (count) + 1))

/* ---- elements ------------------------------------------------------------- */

static int parse_vendor(parse_ctx *ctx, xmlNodePtr n, const char *path) {
        map_arch *a = &ctx->map->arch[ctx->arch];
        _cleanup_free_ char *name = NULL, *string = NULL;
        uint32_t value = 0;
        int e;

        if ((e = hostcaps_xml_prop_str(DOC(path), n, "name", true, &name)) < 0)
                return e;
        if (name_find(&a->vendor_names, name) >= 0)
                return hostcaps_xml_error(DOC(path), n, "vendor '%.64s' defined twice", name);
        if (ctx->arch == ARCH_X86) {
                if ((e = hostcaps_xml_prop_str(DOC(path), n, "string", true, &string)) < 0)
                        return e;
                if (strlen(string) != 12)
                        return hostcaps_xml_error(DOC(path), n, "vendor string '%.64s' is not 12 characters",
                                                  string);
        } else if (ctx->arch == ARCH_ARM && (e = prop_u32(path, n, "value", true, &value)) < 0)
                return e;
        if ((e = MAKE_ROOM(path, n, a->vendors, a->n_vendors, a->allocated_vendors, "vendors")) < 0)
                return e;
        map_vendor *v = &a->vendors[a->n_vendors];
        *v = (map_vendor){.name = TAKE_PTR(name), .value = value};
        if (string)
                memcpy(v->id, string, 13);
        return name_add(&a->vendor_names, v->name, (int)a->n_vendors++);
}

static int parse_feature_item(const char *path, xmlNodePtr c, const char *name, hostcaps_x86_feature *it) {
        static const char *const regs[4] = {"eax", "ebx", "ecx", "edx"};
        int e;
        *it = (hostcaps_x86_feature){0};
        if (is(c, "cpuid")) {
                e = prop_u32(path, c, "eax_in", true, &it->leaf);
                if (e >= 0)
                        e = prop_u32(path, c, "ecx_in", false, &it->subleaf);
                for (int k = 0; k < 4 && e >= 0; k++)
                        e = prop_u32(path, c, regs[k], false, &it->mask[k]);
        } else {
                e = prop_u32(path, c, "index", true, &it->msr_index);
                if (e >= 0)
                        e = prop_u32(path, c, "eax", false, &it->mask[0]);
                if (e >= 0)
                        e = prop_u32(path, c, "edx", false, &it->mask[3]);
                if (e >= 0 && it->msr_index == 0)
                        e = hostcaps_xml_error(DOC(path), c, "MSR index 0");
        }
        if (e >= 0 && !(it->mask[0] | it->mask[1] | it->mask[2] | it->mask[3]))
                e = hostcaps_xml_error(DOC(path), c, "feature '%.64s' names no bit", name);
        return e;
}

/* x86: the <cpuid>s and <msr>s that must all hold. Other architectures'
 * features are names only (arm's SVE lengths). */
static int parse_feature_items(parse_ctx *ctx, xmlNodePtr n, const char *path, const char *name,
                               hostcaps_x86_feature **ret, size_t *ret_n) {
        hostcaps_x86_feature *items = NULL;
        size_t n_items = 0, allocated = 0;
        int e = 0;
        XML_FOREACH_CHILD(c, ctx->arch == ARCH_X86 ? n : NULL, NULL) {
                if (!is(c, "cpuid") && !is(c, "msr"))
                        continue; /* <alias> */
                if ((e = GROW(items, allocated, n_items + 1)) < 0 ||
                    (e = parse_feature_item(path, c, name, &items[n_items])) < 0)
                        break;
                n_items++;
        }
        if (e >= 0 && ctx->arch == ARCH_X86 && n_items == 0)
                e = hostcaps_xml_error(DOC(path), n, "feature '%.64s' has no <cpuid> or <msr>", name);
        if (e < 0) {
                free(items);
                return e;
        }
        *ret = items;
        *ret_n = n_items;
        return 0;
}

static int parse_feature(parse_ctx *ctx, xmlNodePtr n, const char *path) {
        map_arch *a = &ctx->map->arch[ctx->arch];
        _cleanup_free_ char *name = NULL;
        hostcaps_x86_feature *items = NULL;
        size_t n_items = 0;
        int e;

        if ((e = hostcaps_xml_prop_str(DOC(path), n, "name", true, &name)) < 0)
                return e;
        if (name_find(&a->feature_names, name) >= 0)
                return hostcaps_xml_error(DOC(path), n, "feature '%.64s' defined twice", name);
        if ((e = parse_feature_items(ctx, n, path, name, &items, &n_items)) < 0)
                return e;
        if ((e = MAKE_ROOM(path, n, a->features, a->n_features, a->allocated_features, "features")) < 0) {
                free(items);
                return e;
        }
        for (size_t i = 0; i < n_items; i++)
                items[i].name = name;
        map_feature *f = &a->features[a->n_features];
        *f = (map_feature){.name = TAKE_PTR(name), .items = items, .n_items = n_items};
        return name_add(&a->feature_names, f->name, (int)a->n_features++);
}

static int parse_signature(xmlNodePtr n, const char *path, map_signature *sig) {
        _cleanup_bitmap_ hostcaps_bitmap *steps = NULL;
        int e;
        *sig = (map_signature){0};
        if ((e = prop_u32(path, n, "family", true, &sig->family)) < 0 ||
            (e = prop_u32(path, n, "model", true, &sig->model)) < 0)
                return e;
        if (sig->family == 0)
                return hostcaps_xml_error(DOC(path), n, "signature family 0");
        /* stepping='5-7', '0-4,8': values of the 4-bit stepping field */
        e = hostcaps_xml_prop_cpulist(DOC(path), n, "stepping", false, &steps);
        if (e == -ENOENT)
                return 0;
        if (e < 0)
                return e;
        if (hostcaps_bitmap_last(steps) > 15 || hostcaps_bitmap_is_empty(steps))
                return hostcaps_xml_error(DOC(path), n, "stepping beyond 0-15");
        BITMAP_FOREACH(s, steps)
        sig->steppings |= 1u << s;
        return 0;
}

/* <decode host='on|off' guest=.../>; a model without <decode> (maps older
 * than the element) may name a host CPU. */
static int parse_decode(const char *path, xmlNodePtr n, bool *ret) {
        static const char *const values[] = {"off", "on"};
        int v, e = hostcaps_xml_prop_enum(DOC(path), n, "host", values, ELEMENTSOF(values), &v);
        if (e >= 0)
                *ret = v == 1;
        return e;
}

typedef struct model_parse {
        map_model m;
        bool sigs_own;
        size_t sigs_allocated, pvrs_allocated;
} model_parse;

static int count_signatures(parse_ctx *ctx, const char *path, xmlNodePtr n, size_t more) {
        if ((ctx->n_signatures += more) > HOSTCAPS_CPUMAP_MAX_SIGNATURES)
                return too_many(path, n, "signatures and PVRs", HOSTCAPS_CPUMAP_MAX_SIGNATURES);
        return 0;
}

/* <model name='Base'/> inside a model: the ancestor's vendor, signatures
 * and features (added ones stay marked). */
static int parse_model_ancestor(parse_ctx *ctx, model_parse *p, xmlNodePtr c, const char *path) {
        const map_arch *a = &ctx->map->arch[ctx->arch];
        _cleanup_free_ char *name = NULL;
        int e, i;
        if ((e = hostcaps_xml_prop_str(DOC(path), c, "name", true, &name)) < 0)
                return e;
        if ((i = name_find(&a->model_names, name)) < 0)
                return hostcaps_xml_error(DOC(path), c, "model '%.64s' inherits unknown model '%.64s'",
                                          p->m.name, name);
        const map_model *anc = &a->models[i];
        if ((e = count_signatures(ctx, path, c, anc->n_sigs)) < 0)
                return e;
        p->m.vendor = anc->vendor;
        free(p->m.sigs);
        p->m.sigs = NULL;
        p->m.n_sigs = p->sigs_allocated = 0;
        if (anc->n_sigs) {
                if (!(p->m.sigs = malloc(anc->n_sigs * sizeof(*p->m.sigs))))
                        return -ENOMEM;
                memcpy(p->m.sigs, anc->sigs, anc->n_sigs * sizeof(*p->m.sigs));
                p->m.n_sigs = p->sigs_allocated = anc->n_sigs;
        }
        p->sigs_own = false;
        /* A versioned model ("Skylake-Client-v3") built on its base: the
         * 11.x dialect. */
        const char *v = strrchr(p->m.name, '-');
        if (v && v[1] == 'v' && v[2] >= '0' && v[2] <= '9')
                ctx->saw_versioned = true;
        if ((e = hostcaps_bitmap_or(p->m.features, anc->features)) < 0)
                return e;
        return hostcaps_bitmap_or(p->m.added, anc->added);
}

static int parse_model_signature(parse_ctx *ctx, model_parse *p, xmlNodePtr c, const char *path) {
        int e;
        /* A model's own signatures replace the inherited ones. */
        if (!p->sigs_own) {
                p->m.n_sigs = 0;
                p->sigs_own = true;
        }
        if ((e = count_signatures(ctx, path, c, 1)) < 0 ||
            (e = GROW(p->m.sigs, p->sigs_allocated, p->m.n_sigs + 1)) < 0 ||
            (e = parse_signature(c, path, &p->m.sigs[p->m.n_sigs])) < 0)
                return e;
        p->m.n_sigs++;
        return 0;
}

static int parse_model_feature(parse_ctx *ctx, model_parse *p, xmlNodePtr c, const char *path) {
        const map_arch *a = &ctx->map->arch[ctx->arch];
        _cleanup_free_ char *name = NULL;
        bool removed, added;
        int e, i;
        if ((e = hostcaps_xml_prop_str(DOC(path), c, "name", true, &name)) < 0 ||
            (e = prop_yes(path, c, "removed", &removed)) < 0 || (e = prop_yes(path, c, "added", &added)) < 0)
                return e;
        if ((i = name_find(&a->feature_names, name)) < 0)
                return hostcaps_xml_error(DOC(path), c, "model '%.64s' names unknown feature '%.64s'",
                                          p->m.name, name);
        /* removed='yes': dropped from the model in a later libvirt, listed
         * as disabled in guest definitions; not a feature of the model. */
        if (removed)
                return 0;
        /* added='yes': added to the model after its release (the vmx-*
         * features libvirt 9.10 added to existing models); a feature of the
         * model that libvirt 11.x does not require of a host CPU. */
        if (added) {
                ctx->saw_added = true;
                if ((e = hostcaps_bitmap_set(p->m.added, (unsigned)i)) < 0)
                        return e;
        }
        return hostcaps_bitmap_set(p->m.features, (unsigned)i);
}

static int parse_model_pvr(parse_ctx *ctx, model_parse *p, xmlNodePtr c, const char *path) {
        uint32_t value, mask;
        int e;
        if ((e = prop_u32(path, c, "value", true, &value)) < 0 ||
            (e = prop_u32(path, c, "mask", ctx->arch == ARCH_PPC64, &mask)) < 0 ||
            (e = count_signatures(ctx, path, c, 1)) < 0 ||
            (e = GROW(p->m.pvrs, p->pvrs_allocated, p->m.n_pvrs + 1)) < 0)
                return e;
        p->m.pvrs[p->m.n_pvrs++] = (map_pvr){value, mask};
        return 0;
}

static int parse_model_vendor(parse_ctx *ctx, model_parse *p, xmlNodePtr c, const char *path) {
        const map_arch *a = &ctx->map->arch[ctx->arch];
        _cleanup_free_ char *name = NULL;
        int e;
        if ((e = hostcaps_xml_prop_str(DOC(path), c, "name", true, &name)) < 0)
                return e;
        if ((p->m.vendor = name_find(&a->vendor_names, name)) < 0)
                return hostcaps_xml_error(DOC(path), c, "model '%.64s' names unknown vendor '%.64s'",
                                          p->m.name, name);
        return 0;
}

static int parse_model_child(parse_ctx *ctx, model_parse *p, xmlNodePtr c, const char *path) {
        bool x86 = ctx->arch == ARCH_X86;
        if (is(c, "decode"))
                return parse_decode(path, c, &p->m.decode_host);
        if (is(c, "vendor"))
                return parse_model_vendor(ctx, p, c, path);
        if (x86 && is(c, "model"))
                return parse_model_ancestor(ctx, p, c, path);
        if (x86 && is(c, "signature"))
                return parse_model_signature(ctx, p, c, path);
        if (x86 && is(c, "feature"))
                return parse_model_feature(ctx, p, c, path);
        if (!x86 && is(c, "pvr"))
                return parse_model_pvr(ctx, p, c, path);
        return 0; /* <check>, elements of later dialects this code does not need */
}

static int parse_model(parse_ctx *ctx, xmlNodePtr n, const char *path) {
        map_arch *a = &ctx->map->arch[ctx->arch];
        model_parse p = {.m = {.decode_host = true, .vendor = -1}, .sigs_own = true};
        int e;

        if ((e = hostcaps_xml_prop_str(DOC(path), n, "name", true, &p.m.name)) < 0)
                return e;
        if (name_find(&a->model_names, p.m.name) >= 0)
                e = hostcaps_xml_error(DOC(path), n, "model '%.64s' defined twice", p.m.name);
        else if (!(p.m.features = hostcaps_bitmap_new()) || !(p.m.added = hostcaps_bitmap_new()))
                e = -ENOMEM;
        XML_FOREACH_CHILD(c, e >= 0 ? n : NULL, NULL)
        if ((e = parse_model_child(ctx, &p, c, path)) < 0)
                break;
        if (e >= 0)
                e = MAKE_ROOM(path, n, a->models, a->n_models, a->allocated_models, "models");
        if (e < 0) {
                model_clear(&p.m);
                return e;
        }
        a->models[a->n_models] = p.m;
        return name_add(&a->model_names, p.m.name, (int)a->n_models++);
}

static int parse_element(parse_ctx *ctx, xmlNodePtr n, const char *path, int depth);

/* <include filename='x86_Skylake-Client.xml'/>: a file of the same
 * directory, never a path elsewhere, and never one already read. */
static int parse_include(parse_ctx *ctx, xmlNodePtr n, const char *path, int depth) {
        _cleanup_free_ char *name = NULL, *file = NULL;
        xmlDocPtr doc = NULL;
        int e;

        if ((e = hostcaps_xml_prop_str(DOC(path), n, "filename", true, &name)) < 0)
                return e;
        if (!*name || strchr(name, '/') || name[0] == '.')
                return hostcaps_xml_error(DOC(path), n, "include of '%.64s' outside the map directory", name);
        if (depth > 2)
                return hostcaps_error(ELOOP, "%s:%ld: includes nested too deep", path, xmlGetLineNo(n));
        if (name_find(&ctx->file_names, name) >= 0)
                return hostcaps_xml_error(DOC(path), n, "'%.64s' is included twice", name);
        if ((e = GROW(ctx->files, ctx->files_allocated, ctx->n_included + 1)) < 0)
                return e;
        const char *kept = ctx->files[ctx->n_included++] = TAKE_PTR(name);
        if ((e = name_add(&ctx->file_names, kept, 0)) < 0)
                return e;
        if (!(file = hostcaps_strdup_printf("%s/%s", ctx->dir, kept)))
                return -ENOMEM;
        if ((e = read_doc(ctx, file, n, &doc)) < 0)
                return e;
        XML_FOREACH_CHILD(c, xmlDocGetRootElement(doc), NULL)
        if ((e = parse_element(ctx, c, file, depth + 1)) < 0)
                break;
        xmlFreeDoc(doc);
        return e;
}

static int parse_element(parse_ctx *ctx, xmlNodePtr n, const char *path, int depth) {
        if (is(n, "include"))
                return parse_include(ctx, n, path, depth);
        if (is(n, "vendor"))
                return parse_vendor(ctx, n, path);
        if (is(n, "feature"))
                return parse_feature(ctx, n, path);
        if (is(n, "model"))
                return parse_model(ctx, n, path);
        /* A grouping element of a later dialect (<group>): look inside. The
         * parser's depth limit bounds the recursion. */
        XML_FOREACH_CHILD(c, n, NULL) {
                int e = parse_element(ctx, c, path, depth);
                if (e < 0)
                        return e;
        }
        return 0;
}

static int parse_arch(parse_ctx *ctx, xmlNodePtr a, const char *index) {
        _cleanup_free_ char *name = NULL;
        int e = hostcaps_xml_prop_str(DOC(index), a, "name", true, &name);
        if (e < 0)
                return e;
        for (ctx->arch = 0; ctx->arch < N_ARCHS && strcmp(arch_names[ctx->arch], name) != 0; ctx->arch++)
                ;
        if (ctx->arch == N_ARCHS)
                return 0; /* s390, loongarch, riscv: nothing hostcaps decodes */
        XML_FOREACH_CHILD(c, a, NULL)
        if ((e = parse_element(ctx, c, index, 0)) < 0)
                return e;
        return 0;
}

int hostcaps_cpumap_load(const char *dir, hostcaps_cpumap **ret) {
        _cleanup_free_ char *index = hostcaps_strdup_printf("%s/index.xml", dir);
        parse_ctx ctx = {.dir = dir};
        xmlDocPtr doc = NULL;
        int e;

        if (!index || !(ctx.map = calloc(1, sizeof(*ctx.map))))
                return -ENOMEM;
        /* Data of the libvirt installed where hostcaps runs: read through a
         * reader of its own, never from a probed root. */
        e = hostcaps_reader_new_cwd(&ctx.r);
        if (e >= 0)
                e = read_doc(&ctx, index, NULL, &doc);
        XML_FOREACH_CHILD(a, e >= 0 ? xmlDocGetRootElement(doc) : NULL, "arch")
        if ((e = parse_arch(&ctx, a, index)) < 0)
                break;
        if (e >= 0 && ctx.map->arch[ARCH_X86].n_features == 0)
                e = hostcaps_error(EINVAL, "%s: no x86 features", index);
        /* The map's dialect tells the libvirt that wrote it (docs/cpu.md). */
        ctx.map->rules = ctx.saw_added || ctx.saw_versioned ? RULES_LIBVIRT_11 : RULES_LIBVIRT_9;
        /* Only where a document was parsed: without a map, libxml2 is never
         * loaded (src/host/lazy.c loads it at its first call). */
        if (doc)
                xmlFreeDoc(doc);
        hostcaps_reader_free(ctx.r);
        for (size_t i = 0; i < ctx.n_included; i++)
                free(ctx.files[i]);
        free(ctx.files);
        free(ctx.file_names.slots);
        if (e < 0) {
                hostcaps_cpumap_free(ctx.map);
                return e;
        }
        *ret = ctx.map;
        return 0;
}

const char *hostcaps_cpumap_rules(const hostcaps_cpumap *m) {
        return rules_names[m->rules];
}

size_t hostcaps_cpumap_x86_n_features(const hostcaps_cpumap *m) {
        return m->arch[ARCH_X86].n_features;
}

const char *hostcaps_cpumap_x86_feature(const hostcaps_cpumap *m, size_t i,
                                        const hostcaps_x86_feature **ret_items, size_t *ret_n_items) {
        const map_arch *a = &m->arch[ARCH_X86];
        if (i >= a->n_features)
                return NULL;
        if (ret_items)
                *ret_items = a->features[i].items;
        if (ret_n_items)
                *ret_n_items = a->features[i].n_items;
        return a->features[i].name;
}

/* ---- the installed map, once per process ---------------------------------- */

const char *hostcaps_cpu_map_dir(void) {
        const char *d = secure_getenv("HOSTCAPS_CPU_MAP_DIR");
        return d && *d ? d : "/usr/share/libvirt/cpu_map";
}

/* The stamp: two stat() calls, no file read. */
static int64_t ns_of(struct timespec t) {
        return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int hostcaps_cpumap_stamp_take(const char *dir, hostcaps_cpumap_stamp *ret) {
        _cleanup_free_ char *index = hostcaps_strdup_printf("%s/index.xml", dir);
        struct stat d, i;
        if (!index)
                return -ENOMEM;
        if (stat(dir, &d) < 0 || stat(index, &i) < 0)
                return -errno;
        if (!S_ISDIR(d.st_mode) || !S_ISREG(i.st_mode))
                return -ENOENT;
        *ret = (hostcaps_cpumap_stamp){
                .dir_ino = d.st_ino,
                .dir_mtime_ns = ns_of(d.st_mtim),
                .dir_ctime_ns = ns_of(d.st_ctim),
                .index_ino = i.st_ino,
                .index_size = (uint64_t)i.st_size,
                .index_mtime_ns = ns_of(i.st_mtim),
                .index_ctime_ns = ns_of(i.st_ctim),
        };
        return 0;
}

bool hostcaps_cpumap_stamp_equal(const hostcaps_cpumap_stamp *a, const hostcaps_cpumap_stamp *b) {
        return a->dir_ino == b->dir_ino && a->dir_mtime_ns == b->dir_mtime_ns &&
               a->dir_ctime_ns == b->dir_ctime_ns && a->index_ino == b->index_ino &&
               a->index_size == b->index_size && a->index_mtime_ns == b->index_mtime_ns &&
               a->index_ctime_ns == b->index_ctime_ns;
}

bool hostcaps_cpumap_is_compiled(const hostcaps_cpumap *m) {
        return m && m == hostcaps_cpumap_compiled_in.map;
}

/* The compiled map answers only for the very map it was made from: a
 * libvirt upgrade, a reinstall, an edit that replaced index.xml or any file
 * of the directory, or another directory ($HOSTCAPS_CPU_MAP_DIR) changes
 * the stamp, and the map is parsed as it is now. */
int hostcaps_cpumap_open(const char *dir, const hostcaps_cpumap_compiled *compiled,
                         const hostcaps_cpumap **ret, bool *ret_parsed) {
        hostcaps_cpumap_stamp now;
        hostcaps_cpumap *parsed;
        if (compiled && compiled->map && hostcaps_cpumap_stamp_take(dir, &now) == 0 &&
            hostcaps_cpumap_stamp_equal(&now, &compiled->stamp)) {
                *ret = compiled->map;
                if (ret_parsed)
                        *ret_parsed = false;
                return 0;
        }
        int e = hostcaps_cpumap_load(dir, &parsed);
        if (e < 0)
                return e;
        *ret = parsed;
        if (ret_parsed)
                *ret_parsed = true;
        return 0;
}

static const hostcaps_cpumap *installed;
static char installed_reason[512];
static pthread_once_t installed_once = PTHREAD_ONCE_INIT;

static void load_installed(void) {
        const char *dir = hostcaps_cpu_map_dir();
        int e = hostcaps_cpumap_open(dir, &hostcaps_cpumap_compiled_in, &installed, NULL);
        if (e == -ENOENT)
                snprintf(installed_reason, sizeof(installed_reason),
                         "libvirt's cpu_map is not installed (%s)", dir);
        else if (e < 0)
                snprintf(installed_reason, sizeof(installed_reason), "%s",
                         hostcaps_error_message() ? hostcaps_error_message()
                                                  : "libvirt's cpu_map is unusable");
        hostcaps_error_reset();
}

const hostcaps_cpumap *hostcaps_cpumap_get(const char **ret_reason) {
        pthread_once(&installed_once, load_installed);
        if (!installed && ret_reason)
                *ret_reason = installed_reason;
        return installed;
}

/* ---- x86: the host model ---------------------------------------------------- */

static bool feature_in(const map_feature *f, const hostcaps_cpuid *c) {
        for (size_t i = 0; i < f->n_items; i++)
                if (!hostcaps_x86_feature_present(c, &f->items[i]))
                        return false;
        return f->n_items > 0;
}

/* Every feature of the map the CPU has, less TSX where it is broken. */
static int host_features(const map_arch *a, const hostcaps_cpuid *c, const hostcaps_x86_identity *id,
                         hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *host = hostcaps_bitmap_new();
        if (!host)
                return -ENOMEM;
        for (size_t i = 0; i < a->n_features; i++)
                if (feature_in(&a->features[i], c) && hostcaps_bitmap_set(host, (unsigned)i) < 0)
                        return -ENOMEM;
        if (id->broken_tsx) {
                int f;
                if ((f = name_find(&a->feature_names, "hle")) >= 0)
                        hostcaps_bitmap_clear(host, (unsigned)f);
                if ((f = name_find(&a->feature_names, "rtm")) >= 0)
                        hostcaps_bitmap_clear(host, (unsigned)f);
        }
        *ret = TAKE_PTR(host);
        return 0;
}

static int vendor_of(const map_arch *a, const hostcaps_x86_identity *id) {
        for (size_t i = 0; i < a->n_vendors; i++)
                if (strcmp(a->vendors[i].id, id->vendor_id) == 0)
                        return (int)i;
        return -1;
}

static bool signature_matches(const map_model *m, const hostcaps_x86_identity *id) {
        for (size_t i = 0; i < m->n_sigs; i++)
                if (m->sigs[i].family == id->family && m->sigs[i].model == id->model &&
                    (!m->sigs[i].steppings || (m->sigs[i].steppings & (1u << id->stepping))))
                        return true;
        return false;
}

/* Whether a model may name this host CPU: meant for hosts, of its vendor
 * (or of none, or the CPU's vendor unknown to the map), and every feature
 * of it present, but those added to it later where the rules allow. */
static bool model_fits(const hostcaps_cpumap *map, const map_model *m, const hostcaps_bitmap *host,
                       int vendor) {
        if (!m->decode_host)
                return false;
        if (vendor >= 0 && m->vendor >= 0 && m->vendor != vendor)
                return false;
        BITMAP_FOREACH(f, m->features)
        if (!hostcaps_bitmap_test(host, (unsigned)f) &&
            !(map->rules == RULES_LIBVIRT_11 && hostcaps_bitmap_test(m->added, (unsigned)f)))
                return false;
        return true;
}

/* The features of `host` beyond `model`, counted. */
static unsigned n_beyond(const hostcaps_bitmap *host, const hostcaps_bitmap *model) {
        unsigned n = 0;
        BITMAP_FOREACH(f, host)
        n += !hostcaps_bitmap_test(model, (unsigned)f);
        return n;
}

typedef struct candidate {
        int index; /* -1: none yet */
        bool signature_match;
        unsigned listed;
} candidate;

/* libvirt's comparison of a candidate with the best so far: a signature
 * match beats none, whatever the counts; then fewer features to list; a tie
 * keeps the best so far. For host CPUs libvirt 10.x's feature-list
 * comparison (penalties for disabled features) reduces to the count: a host
 * candidate never has disabled features. */
static bool candidate_better(const candidate *best, const candidate *cand, bool have_signature) {
        if (best->index < 0)
                return true;
        if (have_signature && best->signature_match != cand->signature_match)
                return cand->signature_match;
        return cand->listed < best->listed;
}

static int select_model(const hostcaps_cpumap *map, const hostcaps_bitmap *host, int vendor,
                        const hostcaps_x86_identity *id) {
        const map_arch *a = &map->arch[ARCH_X86];
        candidate best = {.index = -1};
        for (ssize_t i = (ssize_t)a->n_models - 1; i >= 0; i--) {
                const map_model *m = &a->models[i];
                if (!model_fits(map, m, host, vendor))
                        continue;
                candidate cand = {
                        .index = (int)i,
                        .signature_match = id->signature && signature_matches(m, id),
                        .listed = n_beyond(host, m->features),
                };
                if (candidate_better(&best, &cand, id->signature != 0))
                        best = cand;
        }
        return best.index;
}

void hostcaps_cpumap_x86_done(hostcaps_cpumap_x86 *r) {
        free(r->features);
        free(r->all);
        *r = (hostcaps_cpumap_x86){0};
}

/* The answer: every feature in the map's order, and those the model lacks. */
static int x86_output(const map_arch *a, const hostcaps_bitmap *host, int best, hostcaps_cpumap_x86 *r) {
        unsigned n = hostcaps_bitmap_count(host);
        r->all = calloc(n + 1, sizeof(char *));
        r->features = calloc(n + 1, sizeof(char *));
        if (!r->all || !r->features) {
                hostcaps_cpumap_x86_done(r);
                return -ENOMEM;
        }
        BITMAP_FOREACH(f, host) {
                r->all[r->n_all++] = a->features[f].name;
                if (best < 0 || !hostcaps_bitmap_test(a->models[best].features, (unsigned)f))
                        r->features[r->n_features++] = a->features[f].name;
        }
        r->model = best >= 0 ? a->models[best].name : NULL;
        return 0;
}

int hostcaps_cpumap_x86_decode(const hostcaps_cpumap *map, const hostcaps_cpuid *c,
                               const hostcaps_x86_identity *id, hostcaps_cpumap_x86 *ret) {
        const map_arch *a = &map->arch[ARCH_X86];
        _cleanup_bitmap_ hostcaps_bitmap *host = NULL;
        hostcaps_cpumap_x86 r = {.rules = rules_names[map->rules]};
        int e = host_features(a, c, id, &host);
        if (e < 0)
                return e;
        int vendor = vendor_of(a, id);
        r.vendor = vendor >= 0 ? a->vendors[vendor].name : NULL;
        if ((e = x86_output(a, host, select_model(map, host, vendor, id), &r)) < 0)
                return e;
        *ret = r;
        return 0;
}

/* ---- arm, ppc64 ----------------------------------------------------------- */

const char *hostcaps_cpumap_arm_vendor(const hostcaps_cpumap *map, uint32_t implementer) {
        const map_arch *a = &map->arch[ARCH_ARM];
        for (size_t i = 0; i < a->n_vendors; i++)
                if (a->vendors[i].value == implementer)
                        return a->vendors[i].name;
        return NULL;
}

const char *hostcaps_cpumap_arm_model(const hostcaps_cpumap *map, uint32_t implementer, uint32_t part) {
        const map_arch *a = &map->arch[ARCH_ARM];
        for (size_t i = 0; i < a->n_models; i++) {
                const map_model *m = &a->models[i];
                /* A part number is the implementer's own: check both. */
                if (m->vendor >= 0 && a->vendors[m->vendor].value != implementer)
                        continue;
                for (size_t k = 0; k < m->n_pvrs; k++)
                        if ((m->pvrs[k].mask ? part & m->pvrs[k].mask : part) == m->pvrs[k].value)
                                return m->name;
        }
        return NULL;
}

const char *hostcaps_cpumap_ppc64_model(const hostcaps_cpumap *map, uint32_t pvr, const char **ret_vendor) {
        const map_arch *a = &map->arch[ARCH_PPC64];
        for (size_t i = 0; i < a->n_models; i++) {
                const map_model *m = &a->models[i];
                for (size_t k = 0; k < m->n_pvrs; k++)
                        if ((pvr & m->pvrs[k].mask) == m->pvrs[k].value) {
                                if (ret_vendor)
                                        *ret_vendor = m->vendor >= 0 ? a->vendors[m->vendor].name : NULL;
                                return m->name;
                        }
        }
        return NULL;
}
