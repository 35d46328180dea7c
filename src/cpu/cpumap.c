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

#include "cpumap.h"
#include "hostcaps/common.h"
#include "host/error.h"
#include "host/xmlread.h"
#include "host/parse.h"

typedef struct map_feature {
        char *name;
        hostcaps_x86_feature *items; /* all must hold; names unused */
        size_t n_items;
} map_feature;

typedef struct map_vendor {
        char *name;
        char id[13];    /* x86: CPUID leaf 0 string */
        uint32_t value; /* arm: implementer code */
} map_vendor;

typedef struct map_signature {
        unsigned int family, model;
        uint32_t steppings; /* bit per stepping; 0: any */
} map_signature;

typedef struct map_model {
        char *name;
        bool decode_host;
        int vendor; /* index, -1 for none */
        map_signature *sigs;
        size_t n_sigs;
        hostcaps_bitmap *features; /* x86: indices into the feature list */
        struct {
                uint32_t value, mask;
        } *pvrs; /* arm (mask 0: exact part), ppc64 */
        size_t n_pvrs;
} map_model;

typedef struct map_arch {
        map_vendor *vendors;
        size_t n_vendors;
        map_feature *features;
        size_t n_features;
        map_model *models;
        size_t n_models;
} map_arch;

enum { ARCH_X86, ARCH_ARM, ARCH_PPC64, N_ARCHS };
static const char *const arch_names[N_ARCHS] = {"x86", "arm", "ppc64"};

struct hostcaps_cpumap {
        map_arch arch[N_ARCHS];
};

/* ---- helpers ------------------------------------------------------------ */


static int read_doc(hostcaps_reader *r, const char *path, xmlDocPtr *ret) {
        _cleanup_free_ char *data = NULL;
        size_t len;
        int e = hostcaps_read_file(r, path, &data, &len);
        if (e < 0)
                return e;
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

static bool is(xmlNodePtr n, const char *name) {
        return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

/* An attribute's value (free with free()), or NULL. */
static char *attr(xmlNodePtr n, const char *name) {
        xmlChar *v = xmlGetProp(n, BAD_CAST name);
        char *s = v ? strdup((const char *) v) : NULL;
        xmlFree(v);
        return s;
}

static int attr_required(xmlNodePtr n, const char *name, const char *path, char **ret) {
        if (!(*ret = attr(n, name)))
                return hostcaps_error(EINVAL, "%s:%d: <%s> lacks attribute '%s'", path, (int) xmlGetLineNo(n),
                                      (const char *) n->name, name);
        return 0;
}

/* A number attribute: decimal, or hexadecimal with 0x. */
static int attr_num(xmlNodePtr n, const char *name, bool required, const char *path, uint32_t *ret) {
        _cleanup_free_ char *v = attr(n, name);
        if (!v) {
                *ret = 0;
                return required ? hostcaps_error(EINVAL, "%s:%d: <%s> lacks attribute '%s'", path,
                                                 (int) xmlGetLineNo(n), (const char *) n->name, name)
                                : 0;
        }
        if (hostcaps_parse_u32(v, ret) < 0)
                return hostcaps_error(EINVAL, "%s:%d: invalid %s='%.32s'", path, (int) xmlGetLineNo(n), name, v);
        return 0;
}

static int vendor_index(const map_arch *a, const char *name) {
        for (size_t i = 0; i < a->n_vendors; i++)
                if (strcmp(a->vendors[i].name, name) == 0)
                        return (int) i;
        return -1;
}

static int feature_index(const map_arch *a, const char *name) {
        for (size_t i = 0; i < a->n_features; i++)
                if (strcmp(a->features[i].name, name) == 0)
                        return (int) i;
        return -1;
}

static int model_index(const map_arch *a, const char *name) {
        for (size_t i = 0; i < a->n_models; i++)
                if (strcmp(a->models[i].name, name) == 0)
                        return (int) i;
        return -1;
}

static void model_clear(map_model *m) {
        free(m->name);
        free(m->sigs);
        hostcaps_bitmap_free(m->features);
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
}

hostcaps_cpumap *hostcaps_cpumap_free(hostcaps_cpumap *m) {
        if (m) {
                for (size_t i = 0; i < N_ARCHS; i++)
                        arch_clear(&m->arch[i]);
                free(m);
        }
        return NULL;
}

/* ---- elements ------------------------------------------------------------- */

typedef struct parse_ctx {
        hostcaps_cpumap *map;
        hostcaps_reader *r;
        const char *dir;
        int arch;
        size_t allocated[N_ARCHS][3]; /* vendors, features, models */
} parse_ctx;

static int parse_vendor(parse_ctx *ctx, xmlNodePtr n, const char *path) {
        map_arch *a = &ctx->map->arch[ctx->arch];
        _cleanup_free_ char *name = NULL, *string = NULL;
        uint32_t value = 0;
        int e;

        if ((e = attr_required(n, "name", path, &name)) < 0)
                return e;
        if (vendor_index(a, name) >= 0)
                return hostcaps_error(EINVAL, "%s:%d: vendor '%s' defined twice", path, (int) xmlGetLineNo(n), name);
        if (ctx->arch == ARCH_X86) {
                if ((e = attr_required(n, "string", path, &string)) < 0)
                        return e;
                if (strlen(string) != 12)
                        return hostcaps_error(EINVAL, "%s:%d: vendor string '%s' is not 12 characters", path,
                                              (int) xmlGetLineNo(n), string);
        } else if (ctx->arch == ARCH_ARM && (e = attr_num(n, "value", true, path, &value)) < 0)
                return e;
        if (GROW(a->vendors, ctx->allocated[ctx->arch][0], a->n_vendors + 1) < 0)
                return -ENOMEM;
        map_vendor *v = &a->vendors[a->n_vendors++];
        *v = (map_vendor){.name = TAKE_PTR(name), .value = value};
        if (string)
                memcpy(v->id, string, 13);
        return 0;
}

static int parse_feature(parse_ctx *ctx, xmlNodePtr n, const char *path) {
        map_arch *a = &ctx->map->arch[ctx->arch];
        _cleanup_free_ char *name = NULL;
        hostcaps_x86_feature *items = NULL;
        size_t n_items = 0, allocated = 0;
        int e;

        if ((e = attr_required(n, "name", path, &name)) < 0)
                return e;
        if (feature_index(a, name) >= 0)
                return hostcaps_error(EINVAL, "%s:%d: feature '%s' defined twice", path, (int) xmlGetLineNo(n),
                                      name);
        /* Other architectures' features are names only (arm's SVE lengths). */
        for (xmlNodePtr c = n->children; ctx->arch == ARCH_X86 && c; c = c->next) {
                bool cpuid = is(c, "cpuid"), msr = is(c, "msr");
                if (!cpuid && !msr)
                        continue; /* <alias>, comments */
                if (GROW(items, allocated, n_items + 1) < 0) {
                        free(items);
                        return -ENOMEM;
                }
                hostcaps_x86_feature *it = &items[n_items++];
                *it = (hostcaps_x86_feature){0};
                static const char *const regs[4] = {"eax", "ebx", "ecx", "edx"};
                if (cpuid) {
                        e = attr_num(c, "eax_in", true, path, &it->leaf);
                        if (e >= 0)
                                e = attr_num(c, "ecx_in", false, path, &it->subleaf);
                        for (int k = 0; k < 4 && e >= 0; k++)
                                e = attr_num(c, regs[k], false, path, &it->mask[k]);
                } else {
                        e = attr_num(c, "index", true, path, &it->msr_index);
                        if (e >= 0)
                                e = attr_num(c, "eax", false, path, &it->mask[0]);
                        if (e >= 0)
                                e = attr_num(c, "edx", false, path, &it->mask[3]);
                        if (e >= 0 && it->msr_index == 0)
                                e = hostcaps_error(EINVAL, "%s:%d: MSR index 0", path, (int) xmlGetLineNo(c));
                }
                if (e >= 0 && !(it->mask[0] | it->mask[1] | it->mask[2] | it->mask[3]))
                        e = hostcaps_error(EINVAL, "%s:%d: feature '%s' names no bit", path, (int) xmlGetLineNo(c),
                                           name);
                if (e < 0) {
                        free(items);
                        return e;
                }
        }
        if (ctx->arch == ARCH_X86 && n_items == 0)
                return hostcaps_error(EINVAL, "%s:%d: feature '%s' has no <cpuid> or <msr>", path,
                                      (int) xmlGetLineNo(n), name);
        if (GROW(a->features, ctx->allocated[ctx->arch][1], a->n_features + 1) < 0) {
                free(items);
                return -ENOMEM;
        }
        a->features[a->n_features++] = (map_feature){.name = TAKE_PTR(name), .items = items, .n_items = n_items};
        return 0;
}

static int parse_signature(xmlNodePtr n, const char *path, map_signature *sig) {
        _cleanup_free_ char *stepping = attr(n, "stepping");
        int e;
        *sig = (map_signature){0};
        if ((e = attr_num(n, "family", true, path, &sig->family)) < 0 ||
            (e = attr_num(n, "model", true, path, &sig->model)) < 0)
                return e;
        if (sig->family == 0)
                return hostcaps_error(EINVAL, "%s:%d: signature family 0", path, (int) xmlGetLineNo(n));
        if (stepping) {
                _cleanup_bitmap_ hostcaps_bitmap *b = NULL;
                /* "5-7", "0-4,8": the 4-bit stepping field's values */
                if (hostcaps_parse_cpulist(stepping, &b) < 0 || hostcaps_bitmap_last(b) > 15 ||
                    hostcaps_bitmap_is_empty(b))
                        return hostcaps_error(EINVAL, "%s:%d: invalid stepping='%.32s'", path, (int) xmlGetLineNo(n),
                                              stepping);
                BITMAP_FOREACH(s, b)
                        sig->steppings |= 1u << s;
        }
        return 0;
}

/* <decode host='on' guest='off'/>: whether a model may name a host CPU. Maps
 * before libvirt 7 had no such element: every model could. */
static int parse_decode(xmlNodePtr n, const char *path, bool *ret) {
        _cleanup_free_ char *host = attr(n, "host");
        if (!host || strcmp(host, "on") == 0)
                *ret = true;
        else if (strcmp(host, "off") == 0)
                *ret = false;
        else
                return hostcaps_error(EINVAL, "%s:%d: invalid decode host='%.16s'", path, (int) xmlGetLineNo(n), host);
        return 0;
}

static int parse_model_child(parse_ctx *ctx, map_model *m, xmlNodePtr c, const char *path, bool *sigs_own,
                             size_t *sigs_allocated, size_t *pvrs_allocated) {
        map_arch *a = &ctx->map->arch[ctx->arch];
        _cleanup_free_ char *name = NULL;
        int e, i;

        if (is(c, "decode"))
                return parse_decode(c, path, &m->decode_host);
        if (is(c, "vendor")) {
                if ((e = attr_required(c, "name", path, &name)) < 0)
                        return e;
                if ((m->vendor = vendor_index(a, name)) < 0)
                        return hostcaps_error(EINVAL, "%s:%d: model '%s' names unknown vendor '%s'", path,
                                              (int) xmlGetLineNo(c), m->name, name);
                return 0;
        }
        if (is(c, "model") && ctx->arch == ARCH_X86) {
                /* The ancestor: its vendor, signatures and features. */
                if ((e = attr_required(c, "name", path, &name)) < 0)
                        return e;
                if ((i = model_index(a, name)) < 0)
                        return hostcaps_error(EINVAL, "%s:%d: model '%s' inherits unknown model '%s'", path,
                                              (int) xmlGetLineNo(c), m->name, name);
                const map_model *p = &a->models[i];
                m->vendor = p->vendor;
                free(m->sigs);
                m->sigs = p->n_sigs ? malloc(p->n_sigs * sizeof(*m->sigs)) : NULL;
                if (p->n_sigs && !m->sigs)
                        return -ENOMEM;
                if (p->n_sigs)
                        memcpy(m->sigs, p->sigs, p->n_sigs * sizeof(*m->sigs));
                m->n_sigs = *sigs_allocated = p->n_sigs;
                *sigs_own = false;
                return hostcaps_bitmap_or(m->features, p->features);
        }
        if (is(c, "signature") && ctx->arch == ARCH_X86) {
                /* A model's own signatures replace the inherited ones. */
                if (!*sigs_own) {
                        m->n_sigs = 0;
                        *sigs_own = true;
                }
                if (GROW(m->sigs, *sigs_allocated, m->n_sigs + 1) < 0)
                        return -ENOMEM;
                if ((e = parse_signature(c, path, &m->sigs[m->n_sigs])) < 0)
                        return e;
                m->n_sigs++;
                return 0;
        }
        if (is(c, "feature") && ctx->arch == ARCH_X86) {
                _cleanup_free_ char *removed = attr(c, "removed");
                if ((e = attr_required(c, "name", path, &name)) < 0)
                        return e;
                if ((i = feature_index(a, name)) < 0)
                        return hostcaps_error(EINVAL, "%s:%d: model '%s' names unknown feature '%s'", path,
                                              (int) xmlGetLineNo(c), m->name, name);
                /* removed='yes': dropped from the model in a later libvirt,
                 * listed as disabled in guest definitions; not a feature of
                 * the model. */
                if (removed && strcmp(removed, "yes") == 0)
                        return 0;
                return hostcaps_bitmap_set(m->features, (unsigned) i);
        }
        if (is(c, "pvr") && ctx->arch != ARCH_X86) {
                uint32_t value, mask;
                if ((e = attr_num(c, "value", true, path, &value)) < 0 ||
                    (e = attr_num(c, "mask", ctx->arch == ARCH_PPC64, path, &mask)) < 0)
                        return e;
                if (GROW(m->pvrs, *pvrs_allocated, m->n_pvrs + 1) < 0)
                        return -ENOMEM;
                m->pvrs[m->n_pvrs].value = value;
                m->pvrs[m->n_pvrs++].mask = mask;
                return 0;
        }
        return 0; /* elements of later dialects this code does not need */
}

static int parse_model(parse_ctx *ctx, xmlNodePtr n, const char *path) {
        map_arch *a = &ctx->map->arch[ctx->arch];
        map_model m = {.decode_host = true, .vendor = -1};
        size_t sigs_allocated = 0, pvrs_allocated = 0;
        bool sigs_own = true;
        int e;

        if ((e = attr_required(n, "name", path, &m.name)) < 0)
                return e;
        if (model_index(a, m.name) >= 0) {
                e = hostcaps_error(EINVAL, "%s:%d: model '%s' defined twice", path, (int) xmlGetLineNo(n), m.name);
                free(m.name);
                return e;
        }
        if (!(m.features = hostcaps_bitmap_new())) {
                free(m.name);
                return -ENOMEM;
        }
        for (xmlNodePtr c = n->children; c && e >= 0; c = c->next)
                if (c->type == XML_ELEMENT_NODE)
                        e = parse_model_child(ctx, &m, c, path, &sigs_own, &sigs_allocated, &pvrs_allocated);
        if (e >= 0 && GROW(a->models, ctx->allocated[ctx->arch][2], a->n_models + 1) < 0)
                e = -ENOMEM;
        if (e < 0) {
                model_clear(&m);
                return e;
        }
        a->models[a->n_models++] = m;
        return 0;
}

static int parse_element(parse_ctx *ctx, xmlNodePtr n, const char *path, int depth);

/* <include filename='x86_Skylake-Client.xml'/>: a file of the same
 * directory, never a path elsewhere. */
static int parse_include(parse_ctx *ctx, xmlNodePtr n, const char *path, int depth) {
        _cleanup_free_ char *name = NULL, *file = NULL;
        xmlDocPtr doc = NULL;
        int e;

        if ((e = attr_required(n, "filename", path, &name)) < 0)
                return e;
        if (!*name || strchr(name, '/') || name[0] == '.')
                return hostcaps_error(EINVAL, "%s:%d: include of '%s' outside the map directory", path,
                                      (int) xmlGetLineNo(n), name);
        if (depth > 2)
                return hostcaps_error(ELOOP, "%s:%d: includes nested too deep", path, (int) xmlGetLineNo(n));
        if (!(file = hostcaps_strdup_printf("%s/%s", ctx->dir, name)))
                return -ENOMEM;
        if ((e = read_doc(ctx->r, file, &doc)) < 0)
                return e;
        for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c && e >= 0; c = c->next)
                e = parse_element(ctx, c, file, depth + 1);
        xmlFreeDoc(doc);
        return e;
}

static int parse_element(parse_ctx *ctx, xmlNodePtr n, const char *path, int depth) {
        if (n->type != XML_ELEMENT_NODE)
                return 0;
        if (is(n, "include"))
                return parse_include(ctx, n, path, depth);
        if (is(n, "vendor"))
                return parse_vendor(ctx, n, path);
        if (is(n, "feature"))
                return parse_feature(ctx, n, path);
        if (is(n, "model"))
                return parse_model(ctx, n, path);
        /* A grouping element of a later dialect: look inside. */
        for (xmlNodePtr c = n->children; c; c = c->next) {
                int e = parse_element(ctx, c, path, depth);
                if (e < 0)
                        return e;
        }
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
                e = read_doc(ctx.r, index, &doc);
        for (xmlNodePtr a = doc ? xmlDocGetRootElement(doc)->children : NULL; a && e >= 0; a = a->next) {
                _cleanup_free_ char *name = NULL;
                if (!is(a, "arch"))
                        continue;
                if ((e = attr_required(a, "name", index, &name)) < 0)
                        break;
                for (ctx.arch = 0; ctx.arch < N_ARCHS && strcmp(arch_names[ctx.arch], name) != 0; ctx.arch++)
                        ;
                if (ctx.arch == N_ARCHS)
                        continue; /* s390, loongarch, riscv: nothing hostcaps decodes */
                for (xmlNodePtr c = a->children; c && e >= 0; c = c->next)
                        e = parse_element(&ctx, c, index, 0);
        }
        if (e >= 0 && ctx.map->arch[ARCH_X86].n_features == 0)
                e = hostcaps_error(EINVAL, "%s: no x86 features", index);
        xmlFreeDoc(doc);
        hostcaps_reader_free(ctx.r);
        if (e < 0) {
                hostcaps_cpumap_free(ctx.map);
                return e;
        }
        *ret = ctx.map;
        return 0;
}

/* ---- the installed map, once per process ---------------------------------- */

static hostcaps_cpumap *installed;
static char installed_reason[512];
static pthread_once_t installed_once = PTHREAD_ONCE_INIT;

static void load_installed(void) {
        const char *dir = hostcaps_cpu_map_dir();
        int e = hostcaps_cpumap_load(dir, &installed);
        if (e == -ENOENT)
                snprintf(installed_reason, sizeof(installed_reason), "libvirt's cpu_map is not installed (%s)", dir);
        else if (e < 0)
                snprintf(installed_reason, sizeof(installed_reason), "%s",
                         hostcaps_error_message() ? hostcaps_error_message() : "libvirt's cpu_map is unusable");
        hostcaps_error_reset();
}

const hostcaps_cpumap *hostcaps_cpumap_get(const char **ret_reason) {
        pthread_once(&installed_once, load_installed);
        if (!installed && ret_reason)
                *ret_reason = installed_reason;
        return installed;
}

/* ---- x86 ------------------------------------------------------------------ */

static bool feature_in(const map_feature *f, const hostcaps_cpuid *c) {
        for (size_t i = 0; i < f->n_items; i++)
                if (!hostcaps_x86_feature_present(c, &f->items[i]))
                        return false;
        return f->n_items > 0;
}

static bool signature_matches(const map_model *m, unsigned family, unsigned model, unsigned stepping) {
        for (size_t i = 0; i < m->n_sigs; i++)
                if (m->sigs[i].family == family && m->sigs[i].model == model &&
                    (!m->sigs[i].steppings || (m->sigs[i].steppings & (1u << stepping))))
                        return true;
        return false;
}

/* The features of `host` beyond `model`, counted. */
static unsigned n_beyond(const hostcaps_bitmap *host, const hostcaps_bitmap *model) {
        unsigned n = 0;
        BITMAP_FOREACH(f, host)
                n += !hostcaps_bitmap_test(model, (unsigned) f);
        return n;
}

static bool lacks_any(const hostcaps_bitmap *host, const hostcaps_bitmap *model) {
        BITMAP_FOREACH(f, model)
                if (!hostcaps_bitmap_test(host, (unsigned) f))
                        return true;
        return false;
}

void hostcaps_cpumap_x86_done(hostcaps_cpumap_x86 *r) {
        free(r->features);
        free(r->all);
        *r = (hostcaps_cpumap_x86){0};
}

int hostcaps_cpumap_x86_decode(const hostcaps_cpumap *map, const hostcaps_cpuid *c, hostcaps_cpumap_x86 *ret) {
        const map_arch *a = &map->arch[ARCH_X86];
        _cleanup_bitmap_ hostcaps_bitmap *host = hostcaps_bitmap_new();
        hostcaps_cpumap_x86 r = {0};
        uint32_t regs[4], signature;
        unsigned family, model, stepping;
        int vendor = -1, best = -1;
        unsigned best_extra = 0;
        bool best_match = false;
        char id[13];

        if (!host)
                return -ENOMEM;
        for (size_t i = 0; i < a->n_features; i++)
                if (feature_in(&a->features[i], c) && hostcaps_bitmap_set(host, (unsigned) i) < 0)
                        return -ENOMEM;

        hostcaps_cpuid_get(c, 0, 0, regs);
        memcpy(id, &regs[1], 4);
        memcpy(id + 4, &regs[3], 4);
        memcpy(id + 8, &regs[2], 4);
        id[12] = '\0';
        for (size_t i = 0; i < a->n_vendors && vendor < 0; i++)
                if (strcmp(a->vendors[i].id, id) == 0)
                        vendor = (int) i;

        /* The signature without the reserved bits and the processor type. */
        hostcaps_cpuid_get(c, 1, 0, regs);
        signature = regs[0] & 0x0fff3fffu;
        family = ((signature >> 20) & 0xff) + ((signature >> 8) & 0xf);
        model = ((signature >> 12) & 0xf0) + ((signature >> 4) & 0xf);
        stepping = signature & 0xf;

        /* TSX is unusable on these (errata; microcode turns it off). */
        if (vendor >= 0 && strcmp(a->vendors[vendor].name, "Intel") == 0 && family == 6 &&
            ((model == 63 && stepping < 4) || model == 60 || model == 69 || model == 70)) {
                int f;
                if ((f = feature_index(a, "hle")) >= 0)
                        hostcaps_bitmap_clear(host, (unsigned) f);
                if ((f = feature_index(a, "rtm")) >= 0)
                        hostcaps_bitmap_clear(host, (unsigned) f);
        }

        for (ssize_t i = (ssize_t) a->n_models - 1; i >= 0; i--) {
                const map_model *m = &a->models[i];
                if (!m->decode_host)
                        continue;
                if (vendor >= 0 && m->vendor >= 0 && m->vendor != vendor)
                        continue;
                if (lacks_any(host, m->features))
                        continue;
                unsigned extra = n_beyond(host, m->features);
                bool match = signature && signature_matches(m, family, model, stepping);
                if (best >= 0) {
                        if (signature && best_match && !match)
                                continue;
                        if (!(signature && !best_match && match) && extra >= best_extra)
                                continue;
                }
                best = (int) i;
                best_extra = extra;
                best_match = match;
        }

        unsigned n = hostcaps_bitmap_count(host);
        r.all = calloc(n + 1, sizeof(char *));
        r.features = calloc(n + 1, sizeof(char *));
        if (!r.all || !r.features) {
                hostcaps_cpumap_x86_done(&r);
                return -ENOMEM;
        }
        BITMAP_FOREACH(f, host) {
                r.all[r.n_all++] = a->features[f].name;
                if (best < 0 || !hostcaps_bitmap_test(a->models[best].features, (unsigned) f))
                        r.features[r.n_features++] = a->features[f].name;
        }
        r.vendor = vendor >= 0 ? a->vendors[vendor].name : NULL;
        r.model = best >= 0 ? a->models[best].name : NULL;
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
