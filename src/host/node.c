/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "document.h"
#include "error.h"
#include "parse.h"
#include "hostcaps/node.h"
#include "hostcaps/version.h"
#include "node.h"
#include "section.h"

/* One memo slot per section. The lock serializes probes (so concurrent first
 * requests probe once) and guards the swap of the published object; readers
 * hold it only to take a reference. */
typedef struct slot {
        pthread_mutex_t lock;
        hostcaps_object *obj;
        uint64_t stamp;
        atomic_uint n_probes;
} slot;

struct hostcaps_node {
        atomic_uint n_ref;
        hostcaps_reader *reader;
        /* The host can change under us: stamps are checked and volatile
         * sections re-read. True for the live host; a recorded sysroot never
         * changes, except in tests that open one with hostcaps_node_open_changing(). */
        bool changing;
        /* Built from a saved document or another source: every slot was
         * filled at open (loaded or absent) and nothing is ever read. */
        bool frozen;
        char *source;
        char *arch;
        uint64_t page_size;
        char *cpuid_file;
        slot slots[HOSTCAPS_N_SECTIONS];
};

static const char *const section_names[HOSTCAPS_N_SECTIONS] = {
        [HOSTCAPS_IDX_CPU] = "cpu",
        [HOSTCAPS_IDX_NUMA] = "numa",
        [HOSTCAPS_IDX_MEMORY] = "memory",
        [HOSTCAPS_IDX_CACHE] = "cache",
        [HOSTCAPS_IDX_RESCTRL] = "resctrl",
        [HOSTCAPS_IDX_HOST] = "host",
        [HOSTCAPS_IDX_ISOLATION] = "isolation",
        [HOSTCAPS_IDX_FREQUENCY] = "frequency",
        [HOSTCAPS_IDX_DEVICES] = "devices",
};

int hostcaps_section_index(unsigned int flag) {
        if (flag == 0 || (flag & (flag - 1)) || flag > (1u << (HOSTCAPS_N_SECTIONS - 1)))
                return -EINVAL;
        return __builtin_ctz(flag);
}

HOSTCAPS_EXPORT const char *hostcaps_version(void) {
        return HOSTCAPS_VERSION_STRING;
}

HOSTCAPS_EXPORT const char *hostcaps_section_to_string(unsigned int section) {
        int i = hostcaps_section_index(section);
        return i < 0 ? NULL : section_names[i];
}

HOSTCAPS_EXPORT unsigned int hostcaps_section_from_string(const char *name) {
        for (unsigned i = 0; name && i < HOSTCAPS_N_SECTIONS; i++)
                if (strcmp(name, section_names[i]) == 0)
                        return 1u << i;
        return 0;
}

/* uname's machine in libvirt's spelling. */
static const char *arch_from_machine(const char *m) {
        static const struct {
                const char *machine, *arch;
        } map[] = {
                {"i386", "i686"},    {"i486", "i686"},     {"i586", "i686"},
                {"amd64", "x86_64"}, {"arm64", "aarch64"}, {"armv8l", "armv7l"},
        };
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (strcmp(m, map[i].machine) == 0)
                        return map[i].arch;
        return m;
}

/* In a sysroot without a recorded arch, what its proc/cpuinfo implies. */
static char *arch_from_cpuinfo(hostcaps_reader *r) {
        _cleanup_free_ char *s = NULL;
        const char *arch = NULL;
        if (hostcaps_read_file(r, "proc/cpuinfo", &s, NULL) < 0) {
                hostcaps_error_reset();
                return NULL;
        }
        if (strstr(s, "vendor_id\t: IBM/S390") || strstr(s, "vendor_id       : IBM/S390"))
                arch = "s390x";
        else if (strstr(s, "\nflags") || strstr(s, "vendor_id"))
                arch = strstr(s, " lm ") || strstr(s, " lm\n") ? "x86_64" : "i686";
        else if (strstr(s, "CPU implementer")) {
                /* 32-bit kernels name the processor "ARMv6/v7"; 64-bit ones list "asimd"/"fp". */
                if (strstr(s, "(v6l)"))
                        arch = "armv6l";
                else if (strstr(s, "(v7l)"))
                        arch = "armv7l";
                else
                        arch = "aarch64";
        } else if (strstr(s, "\ncpu\t\t: POWER") || strstr(s, "platform\t: pSeries") ||
                   strstr(s, "platform\t: PowerNV") || strstr(s, "\ncpu\t\t: PPC"))
                arch = "ppc64";
        return arch ? strdup(arch) : NULL;
}

/* The recorder writes these facts, which are not files on a live host, into
 * a small key=value sidecar at the root of a snapshot. */
int hostcaps_node_read_meta(hostcaps_node *node, const char *key, char **ret) {
        _cleanup_free_ char *s = NULL;
        size_t kl = strlen(key);
        int r = hostcaps_read_file(node->reader, HOSTCAPS_SNAPSHOT_META, &s, NULL);
        if (r < 0)
                return r;
        for (char *line = s, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strncmp(line, key, kl) == 0 && line[kl] == '=') {
                        *ret = strdup(hostcaps_strstrip(line + kl + 1));
                        return *ret ? 0 : -ENOMEM;
                }
        }
        return -ENOENT;
}

/* An architecture name as uname and libvirt spell them: x86_64, aarch64,
 * ppc64le, s390x, armv7l. Anything else in a recording is an error, not a
 * name to print (an empty one would give <arch></arch>). */
static bool arch_valid(const char *a) {
        size_t n = strlen(a);
        if (n == 0 || n > 31)
                return false;
        for (const char *c = a; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      *c == '_'))
                        return false;
        return true;
}

static int node_init_facts(hostcaps_node *node) {
        if (hostcaps_reader_is_live(node->reader)) {
                struct utsname u;
                if (uname(&u) < 0)
                        return hostcaps_error(errno, "uname: %s", strerror(errno));
                node->arch = strdup(arch_from_machine(u.machine));
                node->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
                return node->arch ? 0 : -ENOMEM;
        }

        _cleanup_free_ char *ps = NULL;
        if (hostcaps_node_read_meta(node, "arch", &node->arch) < 0)
                node->arch = arch_from_cpuinfo(node->reader);
        else if (!arch_valid(node->arch))
                return hostcaps_error(EINVAL,
                                      "%s: invalid arch '%.64s' (a name such as x86_64, 1 to 31 letters, "
                                      "digits or '_')",
                                      HOSTCAPS_SNAPSHOT_META, node->arch);
        if (!node->arch) {
                /* Nothing recorded says: assume the build's own architecture. */
#if defined(__x86_64__)
                node->arch = strdup("x86_64");
#elif defined(__aarch64__)
                node->arch = strdup("aarch64");
#elif defined(__powerpc64__)
                node->arch = strdup("ppc64");
#elif defined(__s390x__)
                node->arch = strdup("s390x");
#else
                node->arch = strdup("x86_64");
#endif
        }
        node->page_size = 4096;
        if (hostcaps_node_read_meta(node, "page_size", &ps) == 0) {
                uint64_t v;
                if (hostcaps_parse_u64(ps, &v) < 0 || v < 1024 || (v & (v - 1)))
                        return hostcaps_error(EINVAL, "%s: invalid page_size '%s'", HOSTCAPS_SNAPSHOT_META,
                                              ps);
                node->page_size = v;
        }
        hostcaps_error_reset();
        return node->arch ? 0 : -ENOMEM;
}

static int node_open(hostcaps_node **ret, const char *root, bool changing) {
        hostcaps_node *node;
        int r;

        node = calloc(1, sizeof(*node));
        if (!node)
                return -ENOMEM;
        atomic_init(&node->n_ref, 1);
        for (size_t i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                pthread_mutex_init(&node->slots[i].lock, NULL);
        r = hostcaps_reader_new(&node->reader, root);
        if (r >= 0)
                r = node_init_facts(node);
        if (r < 0) {
                hostcaps_node_unref(node);
                return r;
        }
        node->changing = changing || hostcaps_reader_is_live(node->reader);
        *ret = node;
        return 0;
}

HOSTCAPS_EXPORT int hostcaps_node_open(hostcaps_node **ret, const char *root, unsigned int flags) {
        if (!ret)
                return hostcaps_error(EINVAL, "hostcaps_node_open: ret is NULL");
        if (flags != 0)
                return hostcaps_error(EINVAL, "hostcaps_node_open: unknown flags 0x%x", flags);
        return node_open(ret, root, false);
}

int hostcaps_node_open_changing(hostcaps_node **ret, const char *root) {
        return node_open(ret, root, true);
}

HOSTCAPS_EXPORT hostcaps_node *hostcaps_node_ref(hostcaps_node *node) {
        if (node)
                atomic_fetch_add_explicit(&node->n_ref, 1, memory_order_relaxed);
        return node;
}

HOSTCAPS_EXPORT hostcaps_node *hostcaps_node_unref(hostcaps_node *node) {
        if (!node || atomic_fetch_sub_explicit(&node->n_ref, 1, memory_order_acq_rel) != 1)
                return NULL;
        for (size_t i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                hostcaps_object_unref(node->slots[i].obj);
                pthread_mutex_destroy(&node->slots[i].lock);
        }
        hostcaps_reader_free(node->reader);
        free(node->source);
        free(node->arch);
        free(node->cpuid_file);
        free(node);
        return NULL;
}

HOSTCAPS_EXPORT bool hostcaps_node_is_live(const hostcaps_node *node) {
        return node && node->reader && hostcaps_reader_is_live(node->reader);
}

HOSTCAPS_EXPORT const char *hostcaps_node_root(const hostcaps_node *node) {
        if (!node)
                return NULL;
        return node->source ? node->source : hostcaps_reader_root(node->reader);
}

int hostcaps_node_new_frozen(hostcaps_node **ret, const char *source, const char *arch) {
        hostcaps_node *node = calloc(1, sizeof(*node));
        if (!node)
                return -ENOMEM;
        atomic_init(&node->n_ref, 1);
        for (size_t i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                pthread_mutex_init(&node->slots[i].lock, NULL);
        node->frozen = true;
        node->page_size = 4096;
        node->source = strdup(source);
        node->arch = strdup(arch);
        if (!node->source || !node->arch) {
                hostcaps_node_unref(node);
                return -ENOMEM;
        }
        *ret = node;
        return 0;
}

void hostcaps_node_publish(hostcaps_node *node, unsigned int idx, hostcaps_object *o) {
        hostcaps_object_unref(node->slots[idx].obj);
        node->slots[idx].obj = o;
}

HOSTCAPS_EXPORT const char *hostcaps_node_arch(hostcaps_node *node) {
        return node ? node->arch : NULL;
}

hostcaps_reader *hostcaps_node_reader(hostcaps_node *node) {
        return node->reader;
}

uint64_t hostcaps_node_page_size(const hostcaps_node *node) {
        return node->page_size;
}

unsigned int hostcaps_node_n_probes(hostcaps_node *node, unsigned int section) {
        int i = hostcaps_section_index(section);
        return i < 0 ? 0 : atomic_load(&node->slots[i].n_probes);
}

HOSTCAPS_EXPORT int hostcaps_node_set_cpuid_file(hostcaps_node *node, const char *path) {
        slot *s;
        char *p;
        if (!node)
                return hostcaps_error(EINVAL, "invalid argument: node is NULL");
        s = &node->slots[HOSTCAPS_IDX_CPU];
        if (node->frozen)
                return hostcaps_error(EBUSY, "%s is a loaded document: there is no CPUID to read",
                                      node->source);
        pthread_mutex_lock(&s->lock);
        if (s->obj) {
                pthread_mutex_unlock(&s->lock);
                return hostcaps_error(EBUSY, "the CPU section was already probed");
        }
        p = path ? strdup(path) : NULL;
        if (path && !p) {
                pthread_mutex_unlock(&s->lock);
                return -ENOMEM;
        }
        free(node->cpuid_file);
        node->cpuid_file = p;
        pthread_mutex_unlock(&s->lock);
        return 0;
}

void hostcaps_node_probe_ctx(hostcaps_node *node, hostcaps_probe_ctx *ret) {
        *ret = (hostcaps_probe_ctx){
                .reader = node->reader,
                .live = hostcaps_reader_is_live(node->reader),
                .arch = node->arch,
                .page_size = node->page_size,
                .cpuid_file = node->cpuid_file,
        };
}

static int probe(hostcaps_node *node, const hostcaps_section_ops *ops, unsigned idx, hostcaps_object **ret) {
        hostcaps_probe_ctx ctx;
        hostcaps_object *o = NULL;
        int r;

        hostcaps_node_probe_ctx(node, &ctx);
        atomic_fetch_add(&node->slots[idx].n_probes, 1);
        hostcaps_error_reset();
        r = ops->probe(&ctx, &o);
        if (r < 0) {
                hostcaps_object_unref(o);
                return r == -ENOMEM ? hostcaps_error_keep(ENOMEM, "out of memory probing %s", ops->name)
                                    : hostcaps_error_keep(-r, "probing %s failed", ops->name);
        }
        *ret = o;
        return 0;
}

/* How many times a probe is repeated when the host changed under it. */
#define PROBE_RETRIES 4

/* Probe with the slot's lock held. A stamped section reads its stamp right
 * before and right after the probe: the object is published with the stamp
 * only when both agree, so a memoized object always describes the state its
 * stamp names. (A stamp taken before waiting for the lock could name a state
 * that changed while another thread probed, and an object read from a state
 * that then changed back would be served as current.) When the stamp moved,
 * the files read may mix two states, and a failure may be the change's doing
 * (a CPU going offline between listing and reading): probe again. A host
 * that keeps changing gets -EAGAIN, never a mixed object. */
/* `known`: a stamp the caller read just before (NULL: none), used as the
 * first "before" instead of reading the files again. */
static int probe_stamped(hostcaps_node *node, const hostcaps_section_ops *ops, unsigned idx, bool stamped,
                         const uint64_t *known, hostcaps_object **ret, uint64_t *ret_stamp) {
        for (unsigned attempt = 0;; attempt++) {
                uint64_t before = hostcaps_stamp_init(), after = hostcaps_stamp_init();
                hostcaps_object *o = NULL;
                int r;

                if (stamped && attempt == 0 && known)
                        before = *known;
                else if (stamped && (r = ops->stamp(node->reader, &before)) < 0)
                        return r;
                r = probe(node, ops, idx, &o);
                if (!stamped) {
                        if (r >= 0)
                                *ret = o;
                        return r;
                }
                int e = ops->stamp(node->reader, &after);
                if (e < 0) {
                        hostcaps_object_unref(o);
                        return e;
                }
                if (before == after) {
                        if (r >= 0) {
                                *ret = o;
                                *ret_stamp = after;
                        }
                        return r;
                }
                hostcaps_object_unref(o);
                if (attempt == PROBE_RETRIES)
                        return hostcaps_error(EAGAIN, "probing %s: the host kept changing during %u probes",
                                              ops->name, PROBE_RETRIES + 1);
        }
}

#define KNOWN_FLAGS (HOSTCAPS_FLAG_CACHED | HOSTCAPS_FLAG_REFRESH | HOSTCAPS_FLAG_STRICT)

static int check_flags(unsigned int flags) {
        if (flags & ~(unsigned)KNOWN_FLAGS)
                return hostcaps_error(EINVAL, "unknown flags 0x%x", flags & ~(unsigned)KNOWN_FLAGS);
        if ((flags & HOSTCAPS_FLAG_CACHED) && (flags & HOSTCAPS_FLAG_REFRESH))
                return hostcaps_error(EINVAL,
                                      "HOSTCAPS_FLAG_CACHED and HOSTCAPS_FLAG_REFRESH contradict each other");
        return 0;
}

int hostcaps_node_get_object(hostcaps_node *node, unsigned int section, unsigned int flags,
                             hostcaps_object **ret) {
        const hostcaps_section_ops *ops;
        uint64_t stamp = 0;
        bool live, check_stamp;
        int idx, r;
        slot *s;

        /* The message speaks of the last call: a success leaves none. */
        hostcaps_error_reset();
        if (!node || !ret)
                return hostcaps_error(EINVAL, "invalid argument: node or ret is NULL");
        r = check_flags(flags);
        if (r < 0)
                return r;
        flags &= ~(unsigned)HOSTCAPS_FLAG_STRICT;
        idx = hostcaps_section_index(section);
        if (idx < 0)
                return hostcaps_error(EINVAL, "invalid section 0x%x", section);
        ops = hostcaps_sections[idx];
        if (!ops)
                return hostcaps_error(EOPNOTSUPP, "section '%s' is not implemented yet", section_names[idx]);
        s = &node->slots[idx];
        live = node->changing;

        if (node->frozen) {
                pthread_mutex_lock(&s->lock);
                *ret = hostcaps_object_ref(s->obj);
                pthread_mutex_unlock(&s->lock);
                return *ret ? 0
                            : hostcaps_error(EOPNOTSUPP, "section '%s' cannot be read from %s",
                                             section_names[idx], node->source);
        }

        /* Volatile data on a live host is never served from memory. */
        if (live && ops->volatile_data)
                return probe(node, ops, (unsigned)idx, ret);

        check_stamp = live && ops->stamp && !(flags & HOSTCAPS_FLAG_CACHED);
        /* Taken before the lock, the stamp also serves as the probe's
         * "before" when the memoized object turns out stale or missing, if
         * the lock was free. */
        if (check_stamp) {
                /* The host's state now, outside the lock: it only decides
                 * whether the memoized object still describes the host. */
                stamp = hostcaps_stamp_init();
                r = ops->stamp(node->reader, &stamp);
                if (r < 0)
                        return r;
        }

        /* Waiting for the lock (another thread probing) can take as long as
         * a probe, and the host may change and change back meanwhile: then
         * the stamp read before the wait is too old to be the probe's
         * "before", which must be read again. */
        bool waited = pthread_mutex_trylock(&s->lock) != 0;
        if (waited)
                pthread_mutex_lock(&s->lock);
        if (s->obj && !(flags & HOSTCAPS_FLAG_REFRESH) && (!check_stamp || s->stamp == stamp)) {
                *ret = hostcaps_object_ref(s->obj);
                pthread_mutex_unlock(&s->lock);
                return 0;
        }
        hostcaps_object *o = NULL;
        r = probe_stamped(node, ops, (unsigned)idx, live && ops->stamp,
                          check_stamp && !waited ? &stamp : NULL, &o, &stamp);
        if (r >= 0) {
                hostcaps_object_unref(s->obj);
                s->obj = o;
                s->stamp = stamp;
                *ret = hostcaps_object_ref(o);
        }
        pthread_mutex_unlock(&s->lock);
        return r;
}

/* A failed section in a document that goes on without it: present as a
 * placeholder that says why; never published in a slot. */
static int failed_placeholder(unsigned idx, hostcaps_object **ret) {
        const char *m = hostcaps_error_message();
        int r = hostcaps_object_new_absent(hostcaps_sections[idx], m ? m : "failed", ret);
        if (r >= 0)
                (*ret)->failed = true;
        return r;
}

/* The message of a partly failed request: one "SECTION: reason" a line. */
static void report_failures(hostcaps_object *const *objs) {
        char *lines[HOSTCAPS_N_SECTIONS];
        size_t n = 0;
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (objs[i] && objs[i]->failed &&
                    (lines[n] = hostcaps_strdup_printf("%s: %s", hostcaps_sections[i]->name,
                                                       objs[i]->absent_reason)))
                        n++;
        hostcaps_error_lines(EIO, (const char *const *)lines, n);
        for (size_t i = 0; i < n; i++)
                free(lines[i]);
}

HOSTCAPS_EXPORT int hostcaps_node_get_capabilities(hostcaps_node *node, unsigned int sections,
                                                   unsigned int flags, hostcaps_format format,
                                                   char **ret_doc) {
        hostcaps_object *objs[HOSTCAPS_N_SECTIONS] = {0};
        unsigned n_requested = 0, n_failed = 0;
        int first_error = 0;
        char *doc = NULL;
        int r = 0;

        hostcaps_error_reset();
        if (!node || !ret_doc)
                return hostcaps_error(EINVAL, "invalid argument: node or ret_doc is NULL");
        if (sections & ~HOSTCAPS_SECTIONS_KNOWN)
                return hostcaps_error(EINVAL, "unknown section bits 0x%x",
                                      sections & ~HOSTCAPS_SECTIONS_KNOWN);
        if (format != HOSTCAPS_FORMAT_XML && format != HOSTCAPS_FORMAT_JSON &&
            format != HOSTCAPS_FORMAT_TEXT && format != HOSTCAPS_FORMAT_NFD &&
            format != HOSTCAPS_FORMAT_PROMETHEUS)
                return hostcaps_error(EINVAL, "unknown format %d", (int)format);
        if ((r = check_flags(flags)) < 0)
                return r;

        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS && r >= 0; i++) {
                if (!(sections & (1u << i)))
                        continue;
                n_requested++;
                r = hostcaps_node_get_object(node, 1u << i, flags, &objs[i]);
                if (r >= 0 || r == -ENOMEM || (flags & HOSTCAPS_FLAG_STRICT))
                        continue;
                /* One section's failure costs that section only. */
                if (!first_error)
                        first_error = r;
                n_failed++;
                r = failed_placeholder(i, &objs[i]);
        }
        if (r >= 0 && n_failed && n_failed == n_requested) {
                /* Nothing to show: the call fails, with every reason. */
                report_failures(objs);
                r = first_error;
        }
        if (r >= 0)
                r = hostcaps_document_format(node->arch, (const hostcaps_object *const *)objs, format, &doc);
        if (r >= 0 && n_failed)
                report_failures(objs);
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                hostcaps_object_unref(objs[i]);
        if (r < 0)
                return hostcaps_error_finish(r);
        *ret_doc = doc;
        return (int)n_failed;
}

/* FNV-1a, 64 bit. */
static uint64_t fnv(uint64_t h, const void *data, size_t len) {
        const unsigned char *p = data;
        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= UINT64_C(0x100000001b3);
        }
        return h;
}

void hostcaps_stamp_add_bytes(uint64_t *stamp, const void *data, size_t len) {
        *stamp = fnv(*stamp, data, len);
}

uint64_t hostcaps_stamp_init(void) {
        return UINT64_C(0xcbf29ce484222325);
}

/* Digest a file's contents: read() to the end, or on a kept sysfs
 * descriptor pread() from offset 0, which makes sysfs generate the attribute
 * afresh and returns the whole of it at once (a short read is its end). */
static int stamp_read(int fd, bool kept, uint64_t *stamp) {
        char buf[4096];
        off_t off = 0;
        for (;;) {
                ssize_t n = kept ? pread(fd, buf, sizeof(buf), off) : read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                *stamp = fnv(*stamp, buf, (size_t)n);
                off += n;
                if (kept && (size_t)n < sizeof(buf))
                        break;
        }
        *stamp = fnv(*stamp, "\n", 1);
        return 0;
}

int hostcaps_stamp_add_file(hostcaps_reader *r, const char *path, uint64_t *stamp) {
        uint64_t h = *stamp;
        bool kept;
        int e = 0, fd = hostcaps_reader_open_kept(r, path, &kept);
        if (fd >= 0) {
                e = stamp_read(fd, kept, &h);
                if (!kept)
                        close(fd);
                /* A kept attribute that went away (ENODEV once its device is
                 * removed): ask its path again. */
                if (e < 0 && kept) {
                        h = *stamp;
                        fd = hostcaps_reader_open(r, path, 0);
                        if (fd >= 0) {
                                e = stamp_read(fd, false, &h);
                                close(fd);
                        }
                }
        }
        if (fd == -ENOENT || fd == -ENOTDIR) {
                *stamp = fnv(*stamp, "\0missing", 8);
                return 0;
        }
        if (fd < 0)
                return hostcaps_error(-fd, "%s: %s", path, strerror(-fd));
        if (e < 0)
                return hostcaps_error(-e, "%s: %s", path, strerror(-e));
        *stamp = h;
        return 0;
}

int hostcaps_stamp_add_stat(hostcaps_reader *r, const char *path, uint64_t *stamp) {
        struct stat st;
        int fd = hostcaps_reader_open(r, path, O_PATH);
        if (fd == -ENOENT || fd == -ENOTDIR) {
                *stamp = fnv(*stamp, "\0missing", 8);
                return 0;
        }
        if (fd < 0)
                return hostcaps_error(-fd, "%s: %s", path, strerror(-fd));
        if (fstat(fd, &st) < 0) {
                int err = errno;
                close(fd);
                return hostcaps_error(err, "%s: %s", path, strerror(err));
        }
        close(fd);
        uint64_t id[4] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_ctim.tv_sec,
                          (uint64_t)st.st_ctim.tv_nsec};
        *stamp = fnv(*stamp, id, sizeof(id));
        return 0;
}
