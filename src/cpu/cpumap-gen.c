/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps-cpumap-gen: libvirt's CPU map compiled into the library.
 *
 *   hostcaps-cpumap-gen DIR OUT.c   the map in DIR, parsed by the library's
 *                                   own parser, written as constant C data
 *                                   with the stamp of DIR (cpumap-internal.h)
 *   hostcaps-cpumap-gen --stamp DIR the stamp of DIR, one line (tests)
 *
 * A build-time program of the build host; it links the library's objects,
 * so there is one parser. A map that is absent or unusable at build time
 * gives a C file without a map (the library then parses at run time), and
 * the build goes on. The structures are written field by field as the
 * parser left them, name tables included, so the decoder reads the
 * compiled map exactly as it reads a parsed one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpumap-internal.h"
#include "host/error.h"
#include "hostcaps/common.h"

/* The generator itself is linked without a compiled map. */
const hostcaps_cpumap_compiled hostcaps_cpumap_compiled_in = {0};

/* A C string literal: printable ASCII but the quote, the backslash and the
 * question mark (trigraphs) as is, anything else as three octal digits. */
static void put_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?')
                        fputc(c, f);
                else
                        fprintf(f, "\\%03o", c);
        }
        fputc('"', f);
}

static void put_stamp(FILE *f, const hostcaps_cpumap_stamp *s) {
        fprintf(f,
                "{.dir_ino = %llu, .dir_mtime_ns = %lld, .dir_ctime_ns = %lld, .index_ino = %llu, "
                ".index_size = %llu, "
                ".index_mtime_ns = %lld, .index_ctime_ns = %lld}",
                (unsigned long long)s->dir_ino, (long long)s->dir_mtime_ns, (long long)s->dir_ctime_ns,
                (unsigned long long)s->index_ino, (unsigned long long)s->index_size,
                (long long)s->index_mtime_ns, (long long)s->index_ctime_ns);
}

/* A bitmap: its words, then the struct pointing at them. */
static void put_bitmap(FILE *f, const char *name, const hostcaps_bitmap *b) {
        if (b->n_words) {
                fprintf(f, "static const uint64_t %s_w[] = {", name);
                for (size_t i = 0; i < b->n_words; i++)
                        fprintf(f, "%s0x%llxu", i ? ", " : "", (unsigned long long)b->words[i]);
                fprintf(f, "};\n");
                fprintf(f, "static const hostcaps_bitmap %s = {(uint64_t *) %s_w, %zu};\n", name, name,
                        b->n_words);
        } else
                fprintf(f, "static const hostcaps_bitmap %s = {NULL, 0};\n", name);
}

/* A name table: every slot, empty ones too (the hash picks the slot). The
 * names are the arrays `prefix`N of the entries they index. */
static void put_table(FILE *f, const char *name, const char *prefix, const name_table *t) {
        if (!t->size)
                return;
        fprintf(f, "static const name_slot %s[%zu] = {\n", name, t->size);
        for (size_t i = 0; i < t->size; i++)
                if (t->slots[i].name)
                        fprintf(f, "\t[%zu] = {%s%d, %d},\n", i, prefix, t->slots[i].index,
                                t->slots[i].index);
        fprintf(f, "};\n");
}

static void put_arch(FILE *f, unsigned k, const map_arch *a) {
        char name[64], prefix[32];

        for (size_t i = 0; i < a->n_vendors; i++) {
                fprintf(f, "static const char a%u_vn%zu[] = ", k, i);
                put_string(f, a->vendors[i].name);
                fprintf(f, ";\n");
        }
        if (a->n_vendors) {
                fprintf(f, "static const map_vendor a%u_vendors[] = {\n", k);
                for (size_t i = 0; i < a->n_vendors; i++) {
                        fprintf(f, "\t{(char *) a%u_vn%zu, ", k, i);
                        put_string(f, a->vendors[i].id);
                        fprintf(f, ", 0x%xu},\n", a->vendors[i].value);
                }
                fprintf(f, "};\n");
        }

        for (size_t i = 0; i < a->n_features; i++) {
                const map_feature *ft = &a->features[i];
                fprintf(f, "static const char a%u_fn%zu[] = ", k, i);
                put_string(f, ft->name);
                fprintf(f, ";\n");
                if (!ft->n_items)
                        continue;
                fprintf(f, "static const hostcaps_x86_feature a%u_fi%zu[] = {\n", k, i);
                for (size_t j = 0; j < ft->n_items; j++) {
                        const hostcaps_x86_feature *it = &ft->items[j];
                        fprintf(f, "\t{a%u_fn%zu, 0x%xu, 0x%xu, {0x%xu, 0x%xu, 0x%xu, 0x%xu}, 0x%xu},\n", k,
                                i, it->leaf, it->subleaf, it->mask[0], it->mask[1], it->mask[2], it->mask[3],
                                it->msr_index);
                }
                fprintf(f, "};\n");
        }
        if (a->n_features) {
                fprintf(f, "static const map_feature a%u_features[] = {\n", k);
                for (size_t i = 0; i < a->n_features; i++) {
                        if (a->features[i].n_items)
                                fprintf(f,
                                        "\t{(char *) a%u_fn%zu, (hostcaps_x86_feature *) a%u_fi%zu, %zu},\n",
                                        k, i, k, i, a->features[i].n_items);
                        else
                                fprintf(f, "\t{(char *) a%u_fn%zu, NULL, 0},\n", k, i);
                }
                fprintf(f, "};\n");
        }

        for (size_t i = 0; i < a->n_models; i++) {
                const map_model *m = &a->models[i];
                fprintf(f, "static const char a%u_mn%zu[] = ", k, i);
                put_string(f, m->name);
                fprintf(f, ";\n");
                if (m->n_sigs) {
                        fprintf(f, "static const map_signature a%u_ms%zu[] = {", k, i);
                        for (size_t j = 0; j < m->n_sigs; j++)
                                fprintf(f, "%s{%u, %u, 0x%xu}", j ? ", " : "", m->sigs[j].family,
                                        m->sigs[j].model, m->sigs[j].steppings);
                        fprintf(f, "};\n");
                }
                if (m->n_pvrs) {
                        fprintf(f, "static const map_pvr a%u_mp%zu[] = {", k, i);
                        for (size_t j = 0; j < m->n_pvrs; j++)
                                fprintf(f, "%s{0x%xu, 0x%xu}", j ? ", " : "", m->pvrs[j].value,
                                        m->pvrs[j].mask);
                        fprintf(f, "};\n");
                }
                snprintf(name, sizeof(name), "a%u_mf%zu", k, i);
                put_bitmap(f, name, m->features);
                snprintf(name, sizeof(name), "a%u_ma%zu", k, i);
                put_bitmap(f, name, m->added);
        }
        if (a->n_models) {
                fprintf(f, "static const map_model a%u_models[] = {\n", k);
                for (size_t i = 0; i < a->n_models; i++) {
                        const map_model *m = &a->models[i];
                        fprintf(f, "\t{(char *) a%u_mn%zu, %s, %d, ", k, i, m->decode_host ? "true" : "false",
                                m->vendor);
                        if (m->n_sigs)
                                fprintf(f, "(map_signature *) a%u_ms%zu, %zu, ", k, i, m->n_sigs);
                        else
                                fprintf(f, "NULL, 0, ");
                        fprintf(f, "(hostcaps_bitmap *) &a%u_mf%zu, (hostcaps_bitmap *) &a%u_ma%zu, ", k, i,
                                k, i);
                        if (m->n_pvrs)
                                fprintf(f, "(map_pvr *) a%u_mp%zu, %zu},\n", k, i, m->n_pvrs);
                        else
                                fprintf(f, "NULL, 0},\n");
                }
                fprintf(f, "};\n");
        }

        snprintf(name, sizeof(name), "a%u_vt", k);
        snprintf(prefix, sizeof(prefix), "a%u_vn", k);
        put_table(f, name, prefix, &a->vendor_names);
        snprintf(name, sizeof(name), "a%u_ft", k);
        snprintf(prefix, sizeof(prefix), "a%u_fn", k);
        put_table(f, name, prefix, &a->feature_names);
        snprintf(name, sizeof(name), "a%u_mt", k);
        snprintf(prefix, sizeof(prefix), "a%u_mn", k);
        put_table(f, name, prefix, &a->model_names);
}

static void put_table_ref(FILE *f, unsigned k, const char *which, const name_table *t) {
        if (t->size)
                fprintf(f, "{(name_slot *) a%u_%s, %zu, %zu}", k, which, t->size, t->n);
        else
                fprintf(f, "{NULL, 0, 0}");
}

static void put_map(FILE *f, const hostcaps_cpumap *m) {
        for (unsigned k = 0; k < N_ARCHS; k++)
                put_arch(f, k, &m->arch[k]);
        fprintf(f, "\nstatic const hostcaps_cpumap map = {\n\t.arch = {\n");
        for (unsigned k = 0; k < N_ARCHS; k++) {
                const map_arch *a = &m->arch[k];
                fprintf(f, "\t\t{");
                if (a->n_vendors)
                        fprintf(f, "(map_vendor *) a%u_vendors, ", k);
                else
                        fprintf(f, "NULL, ");
                fprintf(f, "%zu, %zu, ", a->n_vendors, a->n_vendors);
                if (a->n_features)
                        fprintf(f, "(map_feature *) a%u_features, ", k);
                else
                        fprintf(f, "NULL, ");
                fprintf(f, "%zu, %zu, ", a->n_features, a->n_features);
                if (a->n_models)
                        fprintf(f, "(map_model *) a%u_models, ", k);
                else
                        fprintf(f, "NULL, ");
                fprintf(f, "%zu, %zu,\n\t\t ", a->n_models, a->n_models);
                put_table_ref(f, k, "vt", &a->vendor_names);
                fprintf(f, ", ");
                put_table_ref(f, k, "ft", &a->feature_names);
                fprintf(f, ", ");
                put_table_ref(f, k, "mt", &a->model_names);
                fprintf(f, "},\n");
        }
        fprintf(f, "\t},\n\t.rules = %d,\n};\n", m->rules);
}

static int usage(void) {
        fprintf(stderr,
                "usage: hostcaps-cpumap-gen DIR OUT.c\n       hostcaps-cpumap-gen --stamp DIR [FILE]\n");
        return 2;
}

/* --stamp DIR: print the stamp (1 without a map). --stamp DIR FILE: write it
 * to FILE ("none" without a map), only when it differs from FILE's, so that
 * the build regenerates the compiled map exactly when the map changed. */
static int stamp_only(const char *dir, const char *file) {
        hostcaps_cpumap_stamp s;
        char *line = NULL, old[1024] = "";
        size_t len = 0;
        FILE *f = open_memstream(&line, &len);
        if (!f)
                return 1;
        int e = hostcaps_cpumap_stamp_take(dir, &s);
        if (e < 0)
                fprintf(f, "none");
        else
                put_stamp(f, &s);
        fputc('\n', f);
        if (fclose(f) != 0)
                return 1;
        if (!file) {
                fputs(line, stdout);
                free(line);
                return e < 0;
        }
        if ((f = fopen(file, "r"))) {
                size_t n = fread(old, 1, sizeof(old) - 1, f);
                old[n] = 0;
                fclose(f);
        }
        if (strcmp(old, line) != 0 && (!(f = fopen(file, "w")) || fputs(line, f) < 0 || fclose(f) != 0)) {
                fprintf(stderr, "hostcaps-cpumap-gen: %s: %s\n", file, strerror(errno));
                free(line);
                return 1;
        }
        free(line);
        return 0;
}

int main(int argc, char **argv) {
        hostcaps_cpumap_stamp before, after;
        hostcaps_cpumap *m = NULL;
        const char *why = NULL;
        int e;

        if ((argc == 3 || argc == 4) && strcmp(argv[1], "--stamp") == 0)
                return stamp_only(argv[2], argc == 4 ? argv[3] : NULL);
        if (argc != 3 || argv[1][0] == '-')
                return usage();
        const char *dir = argv[1], *out = argv[2];

        /* The stamp before and after the parse: a map replaced meanwhile (an
         * upgrade during the build) is read again. */
        for (int tries = 0; tries < 3; tries++) {
                m = hostcaps_cpumap_free(m);
                why = NULL;
                if ((e = hostcaps_cpumap_stamp_take(dir, &before)) < 0) {
                        why = "not installed at build time";
                        break;
                }
                if ((e = hostcaps_cpumap_load(dir, &m)) < 0) {
                        why = hostcaps_error_message() ? hostcaps_error_message() : strerror(-e);
                        break;
                }
                if (hostcaps_cpumap_stamp_take(dir, &after) == 0 &&
                    hostcaps_cpumap_stamp_equal(&before, &after))
                        break;
                why = "the map changed while it was read";
        }
        if (m && why)
                m = hostcaps_cpumap_free(m);
        if (!m)
                fprintf(stderr, "hostcaps-cpumap-gen: %s: %s; the library will parse the map at run time\n",
                        dir, why);

        char tmp[4096];
        if (snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= (int)sizeof(tmp))
                return usage();
        FILE *f = fopen(tmp, "w");
        if (!f) {
                fprintf(stderr, "hostcaps-cpumap-gen: %s: %s\n", tmp, strerror(errno));
                return 1;
        }
        fprintf(f, "/* Generated by hostcaps-cpumap-gen from ");
        put_string(f, dir);
        fprintf(f, ": do not edit. */\n#include \"cpu/cpumap-internal.h\"\n\n");
        if (m) {
                put_map(f, m);
                fprintf(f, "\nconst hostcaps_cpumap_compiled hostcaps_cpumap_compiled_in = {\n\t.map = "
                           "&map,\n\t.stamp = ");
                put_stamp(f, &before);
                fprintf(f, ",\n\t.dir = ");
                put_string(f, dir);
                fprintf(f, ",\n};\n");
        } else {
                fprintf(f, "/* No map: ");
                for (const char *s = why; *s; s++)
                        fputc(*s == '*' || *s == '\n' ? ' ' : *s, f);
                fprintf(f,
                        " */\nconst hostcaps_cpumap_compiled hostcaps_cpumap_compiled_in = {.map = NULL};\n");
        }
        hostcaps_cpumap_free(m);
        if (fclose(f) != 0 || rename(tmp, out) < 0) {
                fprintf(stderr, "hostcaps-cpumap-gen: %s: %s\n", out, strerror(errno));
                remove(tmp);
                return 1;
        }
        return 0;
}
