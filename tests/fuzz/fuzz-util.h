/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the libFuzzer targets: a scratch sysroot on a fast file system,
 * files written into it, and the oracles every document must pass. A
 * finding is a crash, a sanitizer report, a leak, or abort() from an oracle
 * below, with what was wrong on stderr. */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostcaps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

__attribute__((noreturn, format(printf, 1, 2))) static inline void fuzz_finding(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "FINDING: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
        abort();
}

static int fuzz_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st;
        (void)flag;
        (void)ftw;
        remove(path);
        return 0;
}

static char *fuzz_scratch;

static void fuzz_scratch_remove(void) {
        if (fuzz_scratch)
                nftw(fuzz_scratch, fuzz_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory on tmpfs where there is one, removed at exit (one per
 * process: libFuzzer runs each target in one process; a crash leaves it). */
static inline char *fuzz_scratch_dir(void) {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
        char *p = NULL;
        if (fuzz_scratch)
                fuzz_finding("one scratch directory per process");
        if (asprintf(&p, "%s/hostcaps-fuzz-XXXXXX", base && *base ? base : "/tmp") < 0 || !mkdtemp(p))
                fuzz_finding("cannot create a scratch directory");
        fuzz_scratch = p;
        atexit(fuzz_scratch_remove);
        return p;
}

/* mkdir -p of the parents of dir/rel. */
static inline void fuzz_mkdirs(const char *dir, const char *rel) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, rel);
        for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
                *s = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        fuzz_finding("mkdir %s: %s", p, strerror(errno));
                *s = '/';
        }
}

static inline void fuzz_write(const char *dir, const char *rel, const void *data, size_t len) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, rel);
        fuzz_mkdirs(dir, rel);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                fuzz_finding("cannot write %s: %s", p, strerror(errno));
        if (len && write(fd, data, len) != (ssize_t)len)
                fuzz_finding("short write to %s", p);
        close(fd);
}

static inline void fuzz_write_str(const char *dir, const char *rel, const char *s) {
        fuzz_write(dir, rel, s, strlen(s));
}

static void fuzz_xml_silent(void *ctx, const char *msg, ...) {
        (void)ctx;
        (void)msg;
}

#define LABEL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

/* Every document the library hands out must be readable: well-formed XML,
 * strict JSON in valid UTF-8, text (and the exports) without control
 * characters, NFD lines of label characters. */
static inline void fuzz_check_document(const char *doc, hostcaps_format format) {
        if (!doc)
                fuzz_finding("success without a document");
        if (format == HOSTCAPS_FORMAT_XML) {
                xmlSetGenericErrorFunc(NULL, fuzz_xml_silent);
                xmlDocPtr d = xmlReadMemory(doc, (int)strlen(doc), "doc.xml", NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
                if (!d)
                        fuzz_finding("the XML document is not well formed:\n%s", doc);
                xmlFreeDoc(d);
        } else if (format == HOSTCAPS_FORMAT_JSON) {
                struct json_tokener *tok = json_tokener_new();
                json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
                struct json_object *j = json_tokener_parse_ex(tok, doc, (int)strlen(doc));
                if (!j || !json_object_is_type(j, json_type_object))
                        fuzz_finding("the JSON document does not parse:\n%s", doc);
                json_object_put(j);
                json_tokener_free(tok);
        } else {
                /* NFD: each line a comment or NAME=VALUE in Kubernetes' label
                 * characters (the lengths and ends are tests/export.sh's). */
                for (const char *p = doc; format == HOSTCAPS_FORMAT_NFD && *p;) {
                        size_t n = strcspn(p, "\n"), eq = strcspn(p, "=\n");
                        if (*p != '#' && (eq == n || eq == 0 || strspn(p, LABEL_CHARS) != eq ||
                                          strspn(p + eq + 1, LABEL_CHARS) != n - eq - 1))
                                fuzz_finding("an NFD line is no label: '%.*s'", (int)n, p);
                        p += n + (p[n] == '\n');
                }
                for (const unsigned char *p = (const unsigned char *)doc; *p; p++)
                        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
                                fuzz_finding("the text document holds control character 0x%02x:\n%s", *p,
                                             doc);
        }
}

/* Every format of the given sections of a node: a checked document, or an
 * error with a message. */
static inline void fuzz_check_node(hostcaps_node *node, unsigned sections) {
        static const hostcaps_format formats[] = {HOSTCAPS_FORMAT_XML, HOSTCAPS_FORMAT_JSON,
                                                  HOSTCAPS_FORMAT_TEXT, HOSTCAPS_FORMAT_NFD,
                                                  HOSTCAPS_FORMAT_PROMETHEUS};
        for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
                char *doc = NULL;
                int r = hostcaps_node_get_capabilities(node, sections, 0, formats[f], &doc);
                if (r < 0) {
                        if (doc)
                                fuzz_finding("a failed call wrote its output");
                        if (!hostcaps_error_message())
                                fuzz_finding("error %d without a message", r);
                        continue;
                }
                fuzz_check_document(doc, formats[f]);
                free(doc);
        }
}
