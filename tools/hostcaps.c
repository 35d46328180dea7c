/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps: print this host's capabilities, only the sections asked for. */
#define _GNU_SOURCE /* asprintf, mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hostcaps.h>

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

static void help(FILE *f) {
        fprintf(f, "Usage: hostcaps [OPTION]...\n"
                   "       hostcaps snapshot [--section NAME]... DIR\n"
                   "       hostcaps [SOURCE] export nfd|prometheus [--section NAME]... [FILE]\n"
                   "\n"
                   "Print this host's capabilities: only the sections asked for are probed.\n"
                   "\n"
                   "Options:\n"
                   "  -s, --section NAME   cpu, numa, memory, cache, resctrl, host, isolation,\n"
                   "                       frequency, devices or all; repeat or separate with\n"
                   "                       commas\n"
                   "                       (default: all, which is every section but devices:\n"
                   "                       ask for it by name, e.g. -s all,devices)\n"
                   "  -f, --format FORMAT  xml (libvirt capabilities, default), json or text\n"
                   "  -r, --root DIR       read a recorded sysroot instead of this host\n"
                   "      --from FILE      read a saved capabilities document (hostcaps' XML\n"
                   "                       or libvirt's `virsh capabilities`) instead of this host\n"
                   "      --from-hwloc FILE  read an hwloc XML topology (lstopo --of xml)\n"
                   "      --cpuid FILE     take x86 CPUID from a dump (libvirt <cpudata> or\n"
                   "                       libcpuid raw format) instead of the CPU or the root\n"
                   "      --strict         fail when any requested section fails (default: print\n"
                   "                       the sections that could be read, report the others)\n"
                   "  -h, --help           show this help\n"
                   "  -V, --version        show the version\n"
                   "\n"
                   "Commands:\n"
                   "  snapshot DIR         record a sysroot of this host holding exactly the\n"
                   "                       files the requested sections read\n"
                   "  export FORMAT [FILE] Kubernetes node labels (nfd) or Prometheus gauges\n"
                   "                       (prometheus), written atomically to FILE; see\n"
                   "                       'hostcaps export --help'\n"
                   "\n"
                   "Exit status: 0 success (sections that failed are reported on standard\n"
                   "error; the document holds the others), 1 every requested section failed\n"
                   "(with --strict: any did) or another runtime error, 2 usage error.\n");
}

static void export_help(FILE *f) {
        fprintf(f, "Usage: hostcaps [SOURCE] export nfd|prometheus [OPTION]... [FILE]\n"
                   "\n"
                   "Export the requested sections for a fleet: only those sections are probed.\n"
                   "\n"
                   "Formats:\n"
                   "  nfd         a feature file for Node Feature Discovery's local source\n"
                   "              (/etc/kubernetes/node-feature-discovery/features.d/): one\n"
                   "              Kubernetes node label a line, hostcaps.NAME=VALUE; stable facts\n"
                   "              only. A label Kubernetes could not take is left out, and said\n"
                   "              on standard error and in a comment line of the file.\n"
                   "  prometheus  the text exposition format for node_exporter's textfile\n"
                   "              collector (a FILE ending in .prom): gauges in bytes\n"
                   "\n"
                   "FILE is replaced atomically (a temporary file in its directory, synced,\n"
                   "then renamed over it): a reader sees the old file or the new one, never\n"
                   "a part. Without FILE, or with '-', the export goes to standard output.\n"
                   "\n"
                   "Options (before or after the format):\n"
                   "  -s, --section NAME   cpu, numa, memory, cache, resctrl, host or all;\n"
                   "                       repeat or separate with commas (default: all)\n"
                   "      --strict         fail when any requested section fails\n"
                   "  -h, --help           show this help\n"
                   "SOURCE (default: this host): -r/--root DIR, --from FILE, --from-hwloc FILE,\n"
                   "--cpuid FILE, as for the document (see 'hostcaps --help').\n"
                   "\n"
                   "Exit status: 0 success (sections that failed are reported on standard\n"
                   "error), 1 every requested section failed (with --strict: any did) or\n"
                   "the file could not be written, 2 usage error.\n");
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "hostcaps: ");
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\nTry 'hostcaps --help' for more information.\n");
        return EXIT_USAGE;
}

/* A comma-separated list of section names; an empty list or an empty name
 * ("-s ''", "-s cpu,,numa") is a mistake, not "all". */
static int parse_sections(const char *arg, unsigned *sections) {
        const char *p = arg;
        if (!*arg)
                return usage_error("%s", "--section needs a section name (cpu, numa, memory, cache, resctrl, "
                                         "host, isolation, frequency, devices, all)");
        for (;;) {
                size_t n = strcspn(p, ",");
                char name[32];
                if (n == 0)
                        return usage_error("empty section name in '%s'", arg);
                snprintf(name, sizeof(name), "%.*s", (int)n, p);
                unsigned s = n >= sizeof(name)          ? 0
                             : strcmp(name, "all") == 0 ? HOSTCAPS_SECTION_ALL
                                                        : hostcaps_section_from_string(name);
                if (!s)
                        return usage_error("unknown section '%.*s' (cpu, numa, memory, cache, resctrl, host, "
                                           "isolation, frequency, devices, all)",
                                           (int)n, p);
                *sections |= s;
                if (!p[n])
                        return 0;
                p += n + 1;
        }
}

/* Each line of the library's message on a line of its own. */
static void print_message(const char *what, const char *m) {
        while (m && *m) {
                size_t n = strcspn(m, "\n");
                fprintf(stderr, "hostcaps: %s%s%.*s\n", what ? what : "", what ? ": " : "", (int)n, m);
                m += n + (m[n] == '\n');
        }
}

static int option_error(const char *arg) {
        if (optopt && optopt < 256)
                return usage_error("invalid option '-%c'", optopt);
        return usage_error("unrecognized option '%s'", arg);
}

static int runtime_error(const char *what, int r) {
        const char *m = hostcaps_error_message();
        print_message(what, m ? m : strerror(-r));
        return EXIT_RUNTIME;
}

/* The document on stdout: a full disk or a closed pipe is an error too. */
static int write_document(const char *doc, hostcaps_format format) {
        if (fputs(doc, stdout) < 0 || (format == HOSTCAPS_FORMAT_XML && fputc('\n', stdout) < 0) ||
            fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "hostcaps: writing the document to standard output: %s\n", strerror(errno));
                return EXIT_RUNTIME;
        }
        return 0;
}

/* Write `doc` to `path` so that a reader sees the old file or the new one,
 * never a part: a new temporary file beside it (a dot file, which NFD and
 * node_exporter's textfile collector both skip), created exclusively, synced,
 * then renamed over `path`, and the directory synced so the rename lasts. */
static int write_file_atomic(const char *path, const char *doc) {
        const char *slash = strrchr(path, '/');
        const char *base = slash ? slash + 1 : path;
        int dirlen = slash ? (int)(slash - path) : 0;
        char *tmp = NULL, *dir = NULL;
        size_t len = strlen(doc), done = 0;
        mode_t mask;
        int fd = -1, dfd, e = 0;

        if (!*base)
                return fprintf(stderr, "hostcaps: '%s' names a directory, not a file\n", path), EXIT_RUNTIME;
        if (asprintf(&tmp, "%.*s%s.%s.XXXXXX", dirlen, path, slash ? "/" : "", base) < 0 ||
            asprintf(&dir, "%.*s", slash ? (dirlen ? dirlen : 1) : 1, slash ? path : ".") < 0) {
                free(tmp);
                fprintf(stderr, "hostcaps: out of memory\n");
                return EXIT_RUNTIME;
        }
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                e = errno;
                fprintf(stderr, "hostcaps: cannot create a temporary file beside '%s': %s\n", path,
                        strerror(e));
                goto out;
        }
        /* mkostemp() creates it 0600: readable by others as any new file is. */
        mask = umask(0);
        umask(mask);
        while (done < len) {
                ssize_t n = write(fd, doc + done, len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        e = errno;
                        break;
                }
                done += (size_t)n;
        }
        if (!e && (fchmod(fd, 0666 & ~mask) < 0 || fsync(fd) < 0))
                e = errno;
        if (close(fd) < 0 && !e)
                e = errno;
        if (!e && rename(tmp, path) < 0)
                e = errno;
        if (e) {
                fprintf(stderr, "hostcaps: writing '%s': %s\n", path, strerror(e));
                unlink(tmp);
                goto out;
        }
        /* The rename is in the directory: sync it too (best effort, some
         * file systems refuse fsync on a directory). */
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                (void)fsync(dfd);
                close(dfd);
        }
out:
        free(tmp);
        free(dir);
        return e ? EXIT_RUNTIME : 0;
}

/* The labels the NFD export left out (its "# hostcaps: left out" comment
 * lines) said on standard error too. */
static void report_left_out(const char *doc) {
        static const char mark[] = "# hostcaps: left out ";
        for (const char *p = doc; p && *p;) {
                size_t n = strcspn(p, "\n");
                if (strncmp(p, mark, sizeof(mark) - 1) == 0)
                        fprintf(stderr, "hostcaps: nfd: left out %.*s\n", (int)(n - (sizeof(mark) - 1)),
                                p + sizeof(mark) - 1);
                p += n + (p[n] == '\n');
        }
}

enum { OPT_CPUID = 256, OPT_FROM, OPT_FROM_HWLOC, OPT_STRICT };

/* Where the description comes from, and how partial it may be: the options
 * the main command line and export's share. */
typedef struct source {
        const char *root, *cpuid, *from, *from_hwloc;
        unsigned flags;
} source;

/* -1 when option `c` is not a source option; 0 when it was taken; an exit
 * status when its argument is wrong. */
static int source_option(int c, const char *arg, source *s) {
        switch (c) {
        case 'r':
                if (!*arg)
                        return usage_error("%s",
                                           "--root needs a directory (an empty one would read this host)");
                s->root = arg;
                return 0;
        case OPT_STRICT:
                s->flags |= HOSTCAPS_FLAG_STRICT;
                return 0;
        case OPT_CPUID:
                s->cpuid = arg;
                return 0;
        case OPT_FROM:
                s->from = arg;
                return 0;
        case OPT_FROM_HWLOC:
                s->from_hwloc = arg;
                return 0;
        }
        return -1;
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                {"section", required_argument, NULL, 's'},
                {"format", required_argument, NULL, 'f'},
                {"root", required_argument, NULL, 'r'},
                {"cpuid", required_argument, NULL, OPT_CPUID},
                {"from", required_argument, NULL, OPT_FROM},
                {"from-hwloc", required_argument, NULL, OPT_FROM_HWLOC},
                {"strict", no_argument, NULL, OPT_STRICT},
                {"help", no_argument, NULL, 'h'},
                {"version", no_argument, NULL, 'V'},
                {},
        };
        unsigned sections = 0, export_sections = 0;
        bool format_set = false;
        hostcaps_format format = HOSTCAPS_FORMAT_XML;
        source src = {0};
        hostcaps_node *node = NULL;
        char *doc = NULL;
        int c, r;

        /* getopt's own messages would name the invoked path; ours say hostcaps. */
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+:s:f:r:hV", options, NULL)) >= 0) {
                if ((r = source_option(c, optarg, &src)) >= 0) {
                        if (r > 0)
                                return r;
                        continue;
                }
                switch (c) {
                case 's':
                        if ((r = parse_sections(optarg, &sections)) != 0)
                                return r < 0 ? EXIT_RUNTIME : r;
                        break;
                case 'f':
                        format_set = true;
                        if (strcmp(optarg, "xml") == 0)
                                format = HOSTCAPS_FORMAT_XML;
                        else if (strcmp(optarg, "json") == 0)
                                format = HOSTCAPS_FORMAT_JSON;
                        else if (strcmp(optarg, "text") == 0)
                                format = HOSTCAPS_FORMAT_TEXT;
                        else
                                return usage_error("unknown format '%s' (xml, json, text)", optarg);
                        break;
                case 'h':
                        help(stdout);
                        return 0;
                case 'V':
                        printf("hostcaps %s\n", HOSTCAPS_VERSION_STRING);
                        return 0;
                case ':':
                        return usage_error("option '%s' needs an argument", argv[optind - 1]);
                default:
                        return option_error(argv[optind - 1]);
                }
        }
        if (optind < argc && strcmp(argv[optind], "snapshot") == 0) {
                /* Options may follow the command too: hostcaps snapshot -s cpu DIR */
                optind++;
                while ((c = getopt_long(argc, argv, ":s:", options, NULL)) >= 0) {
                        if (c == ':')
                                return usage_error("option '%s' needs an argument", argv[optind - 1]);
                        if (c != 's')
                                return usage_error("%s", "snapshot takes only --section");
                        if ((r = parse_sections(optarg, &sections)) != 0)
                                return r < 0 ? EXIT_RUNTIME : r;
                }
                /* Defaulted only now: a -s after the command names the sections
                 * recorded, not more sections beside all of them. */
                if (sections == 0)
                        sections = HOSTCAPS_SECTION_ALL;
                if (optind != argc - 1)
                        return usage_error("%s", "snapshot needs exactly one directory");
                if (src.root || src.cpuid || src.from || src.from_hwloc)
                        return usage_error(
                                "%s",
                                "snapshot records this live host; --root, --from and --cpuid do not apply");
                r = hostcaps_snapshot(argv[optind], sections, 0);
                if (r < 0)
                        return runtime_error("snapshot", r);
                return 0;
        }
        const char *out_file = NULL;
        bool export = false;
        if (optind < argc && strcmp(argv[optind], "export") == 0) {
                /* hostcaps [SOURCE] export FORMAT [OPTION]... [FILE]: the
                 * options may come before or after the format and the file. */
                const char *what = ++optind < argc ? argv[optind] : NULL;
                if (what && (strcmp(what, "-h") == 0 || strcmp(what, "--help") == 0)) {
                        export_help(stdout);
                        return 0;
                }
                if (!what)
                        return usage_error("%s", "export needs a format (nfd, prometheus)");
                if (strcmp(what, "nfd") == 0)
                        format = HOSTCAPS_FORMAT_NFD;
                else if (strcmp(what, "prometheus") == 0)
                        format = HOSTCAPS_FORMAT_PROMETHEUS;
                else
                        return usage_error("unknown export format '%s' (nfd, prometheus)", what);
                if (format_set)
                        return usage_error("%s", "export takes its format as an argument, not --format");
                export = true;
                optind++;
                while ((c = getopt_long(argc, argv, ":s:r:h", options, NULL)) >= 0) {
                        if ((r = source_option(c, optarg, &src)) >= 0) {
                                if (r > 0)
                                        return r;
                                continue;
                        }
                        switch (c) {
                        case 's':
                                if ((r = parse_sections(optarg, &export_sections)) != 0)
                                        return r < 0 ? EXIT_RUNTIME : r;
                                break;
                        case 'h':
                                export_help(stdout);
                                return 0;
                        case ':':
                                return usage_error("option '%s' needs an argument", argv[optind - 1]);
                        default:
                                if (optopt == 'f' ||
                                    (optind > 0 && strncmp(argv[optind - 1], "--format", 8) == 0))
                                        return usage_error(
                                                "%s", "export takes its format as an argument, not --format");
                                return option_error(argv[optind - 1]);
                        }
                }
                sections |= export_sections;
                if (argc - optind > 1)
                        return usage_error("export takes one file at most: unexpected '%s'",
                                           argv[optind + 1]);
                if (optind < argc && strcmp(argv[optind], "-") != 0) {
                        if (!*argv[optind])
                                return usage_error("%s",
                                                   "export needs a file name, or '-' for standard output");
                        out_file = argv[optind];
                }
                optind = argc;
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        if (sections == 0)
                sections = HOSTCAPS_SECTION_ALL;

        const char *root = src.root, *cpuid = src.cpuid, *from = src.from, *from_hwloc = src.from_hwloc;
        if ((from || from_hwloc) && (root || cpuid || (from && from_hwloc)))
                return usage_error("%s", "--from and --from-hwloc read a file: no other source applies");
        if (from_hwloc)
                from = from_hwloc;
        r = from_hwloc ? hostcaps_node_open_hwloc(&node, from, 0)
            : from     ? hostcaps_node_open_document(&node, from, 0)
                       : hostcaps_node_open(&node, root, 0);
        if (r < 0)
                return runtime_error(from ? "loading" : root ? root : "/", r);
        if (cpuid && (r = hostcaps_node_set_cpuid_file(node, cpuid)) < 0) {
                hostcaps_node_unref(node);
                return runtime_error(cpuid, r);
        }
        r = hostcaps_node_get_capabilities(node, sections, src.flags, format, &doc);
        hostcaps_node_unref(node);
        if (r < 0)
                return runtime_error(from ? from : root ? root : "this host", r);
        /* Some sections failed: the document has the others; each failure
         * is said here. The exit status stays 0 (--strict makes any failure
         * fatal; all failing is fatal anyway). */
        if (r > 0)
                print_message(NULL, hostcaps_error_message());
        if (export && format == HOSTCAPS_FORMAT_NFD)
                report_left_out(doc);
        r = out_file ? write_file_atomic(out_file, doc) : write_document(doc, format);
        free(doc);
        return r;
}
