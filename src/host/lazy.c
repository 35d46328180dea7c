/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading libxml2, json-c and libcpuid on first use.
 *
 * Debian's libxml2 pulls in ICU and libstdc++: linked normally, it costs
 * every consumer about a millisecond at process start, before a single
 * capability is asked for. The shared library therefore does not link its
 * three dependencies: each function it calls is defined here, with the same
 * name and hidden visibility, and forwards to the real one, looked up with
 * dlsym() in a library dlopen()ed the first time one of its functions runs.
 * The static archive (the tests) links the libraries as usual and does not
 * contain this file.
 *
 * A library that cannot be loaded makes its functions fail the way they
 * report failure themselves (NULL, -1), so callers see an error, not a
 * crash. */
#include <dlfcn.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#ifdef HAVE_LIBCPUID
#include <libcpuid/libcpuid.h>
#endif

enum { LAZY_XML, LAZY_JSONC, LAZY_CPUID, N_LAZY };

/* The sonames the build found (see CMakeLists.txt). */
static const char *const sonames[N_LAZY] = {
        HOSTCAPS_SONAME_LIBXML2,
        HOSTCAPS_SONAME_JSONC,
#ifdef HOSTCAPS_SONAME_LIBCPUID
        HOSTCAPS_SONAME_LIBCPUID,
#else
        NULL,
#endif
};
static void *handles[N_LAZY];
static pthread_once_t onces[N_LAZY] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};

static void open_xml(void) {
        handles[LAZY_XML] = dlopen(sonames[LAZY_XML], RTLD_NOW | RTLD_LOCAL);
}
static void open_jsonc(void) {
        handles[LAZY_JSONC] = dlopen(sonames[LAZY_JSONC], RTLD_NOW | RTLD_LOCAL);
}
static void open_cpuid(void) {
        handles[LAZY_CPUID] = sonames[LAZY_CPUID] ? dlopen(sonames[LAZY_CPUID], RTLD_NOW | RTLD_LOCAL) : NULL;
}
static void (*const openers[N_LAZY])(void) = {open_xml, open_jsonc, open_cpuid};

static void *lazy_sym(unsigned lib, const char *name) {
        pthread_once(&onces[lib], openers[lib]);
        return handles[lib] ? dlsym(handles[lib], name) : NULL;
}

/* One forwarding function; `fail` is what it returns when the library or
 * the symbol is missing. The pointer is looked up once (a benign race: every
 * thread stores the same value). */
#define SHIM(lib, ret, fail, name, params, args)                                                             \
        ret name params {                                                                                    \
                static ret(*_Atomic fn) params;                                                              \
                ret(*fn_) params = fn;                                                                       \
                if (!fn_)                                                                                    \
                        fn = fn_ = (ret(*) params)lazy_sym(lib, #name);                                      \
                return fn_ ? fn_ args : (fail);                                                              \
        }
#define SHIM_VOID(lib, name, params, args)                                                                   \
        void name params {                                                                                   \
                static void(*_Atomic fn) params;                                                             \
                void(*fn_) params = fn;                                                                      \
                if (!fn_)                                                                                    \
                        fn = fn_ = (void(*) params)lazy_sym(lib, #name);                                     \
                if (fn_)                                                                                     \
                        fn_ args;                                                                            \
        }

/* ---- libxml2 ----------------------------------------------------------- */
#define X LAZY_XML
SHIM(X, xmlDocPtr, NULL, xmlReadMemory, (const char *b, int s, const char *u, const char *e, int o),
     (b, s, u, e, o))
SHIM_VOID(X, xmlFreeDoc, (xmlDocPtr d), (d))
SHIM(X, xmlParserCtxtPtr, NULL, xmlNewParserCtxt, (void), ())
SHIM_VOID(X, xmlFreeParserCtxt, (xmlParserCtxtPtr c), (c))
SHIM(X, xmlDocPtr, NULL, xmlCtxtReadMemory,
     (xmlParserCtxtPtr c, const char *b, int s, const char *u, const char *e, int o), (c, b, s, u, e, o))
SHIM(X, xmlNodePtr, NULL, xmlDocGetRootElement, (const xmlDoc *d), (d))
SHIM(X, xmlErrorPtr, NULL, xmlGetLastError, (void), ())
SHIM(X, long, 0, xmlGetLineNo, (const xmlNode *n), (n))
SHIM(X, xmlChar *, NULL, xmlGetProp, (const xmlNode *n, const xmlChar *a), (n, a))
SHIM(X, xmlChar *, NULL, xmlNodeGetContent, (const xmlNode *n), (n))
SHIM(X, int, 0, xmlStrEqual, (const xmlChar *a, const xmlChar *b), (a, b))
#undef X

/* xmlFree is a per-thread function pointer reached through __xmlFree() in
 * threaded builds of libxml2. Without libxml2 nothing was allocated by it. */
static xmlFreeFunc no_free = free;
xmlFreeFunc *__xmlFree(void);
SHIM(LAZY_XML, xmlFreeFunc *, &no_free, __xmlFree, (void), ())

/* Where the headers declare it a plain variable, xmlFree is one here too,
 * pointing at a function that calls libxml2's. */
#undef xmlFree
static void lazy_free(void *p) {
        xmlFreeFunc *real = lazy_sym(LAZY_XML, "xmlFree");
        if (real && *real)
                (*real)(p);
        else
                free(p);
}
xmlFreeFunc xmlFree = lazy_free;

/* ---- json-c ------------------------------------------------------------- */
#define J LAZY_JSONC
SHIM(J, struct json_object *, NULL, json_object_new_object, (void), ())
SHIM(J, struct json_object *, NULL, json_object_new_array, (void), ())
SHIM(J, struct json_object *, NULL, json_object_new_string, (const char *s), (s))
SHIM(J, struct json_object *, NULL, json_object_new_int64, (int64_t i), (i))
SHIM(J, struct json_object *, NULL, json_object_new_uint64, (uint64_t i), (i))
SHIM(J, struct json_object *, NULL, json_object_new_boolean, (json_bool b), (b))
SHIM(J, json_bool, 0, json_object_object_get_ex,
     (const struct json_object *o, const char *k, struct json_object **v), (o, k, v))
SHIM(J, int, 0, json_object_is_type, (const struct json_object *o, enum json_type t), (o, t))
SHIM(J, int, -1, json_object_object_add, (struct json_object * o, const char *k, struct json_object *v),
     (o, k, v))
SHIM(J, int, -1, json_object_array_add, (struct json_object * o, struct json_object *v), (o, v))
SHIM(J, int, 0, json_object_put, (struct json_object * o), (o))
SHIM(J, const char *, NULL, json_object_to_json_string_ext, (struct json_object * o, int f), (o, f))
#undef J

/* ---- libcpuid ----------------------------------------------------------- */
#ifdef HAVE_LIBCPUID
SHIM(LAZY_CPUID, int, -1, cpuid_deserialize_raw_data, (struct cpu_raw_data_t * d, const char *f), (d, f))
SHIM(LAZY_CPUID, const char *, "libcpuid is not installed", cpuid_error, (void), ())
SHIM(LAZY_CPUID, libcpuid_warn_fn_t, NULL, cpuid_set_warn_function, (libcpuid_warn_fn_t f), (f))
#endif
