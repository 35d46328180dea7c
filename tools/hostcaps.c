/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps: print this host's capabilities, only the sections asked for. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostcaps.h>

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

static void help(FILE *f) {
        fprintf(f,
                "Usage: hostcaps [OPTION]...\n"
                "       hostcaps snapshot [--section NAME]... DIR\n"
                "\n"
                "Print this host's capabilities: only the sections asked for are probed.\n"
                "\n"
                "Options:\n"
                "  -s, --section NAME   cpu, numa, memory, cache, resctrl, host or all;\n"
                "                       repeat or separate with commas (default: all)\n"
                "  -f, --format FORMAT  xml (libvirt capabilities, default), json or text\n"
                "  -r, --root DIR       read a recorded sysroot instead of this host\n"
                "      --from FILE      read a saved capabilities document (hostcaps' XML\n"
                "                       or libvirt's `virsh capabilities`) instead of this host\n"
                "      --from-hwloc FILE  read an hwloc XML topology (lstopo --of xml)\n"
                "      --cpuid FILE     take x86 CPUID from a dump (libvirt <cpudata> or\n"
                "                       libcpuid raw format) instead of the CPU or the root\n"
                "  -h, --help           show this help\n"
                "  -V, --version        show the version\n"
                "\n"
                "Commands:\n"
                "  snapshot DIR         record a sysroot of this host holding exactly the\n"
                "                       files the requested sections read\n"
                "\n"
                "Exit status: 0 success, 1 runtime error, 2 usage error.\n");
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

static int parse_sections(const char *arg, unsigned *sections) {
        char *copy = strdup(arg), *save = NULL;
        int r = 0;
        if (!copy)
                return -ENOMEM;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                unsigned s = strcmp(t, "all") == 0 ? HOSTCAPS_SECTION_ALL : hostcaps_section_from_string(t);
                if (!s) {
                        r = usage_error("unknown section '%s' (cpu, numa, memory, cache, resctrl, host, all)", t);
                        break;
                }
                *sections |= s;
        }
        free(copy);
        return r;
}

static int runtime_error(const char *what, int r) {
        const char *m = hostcaps_error_message();
        fprintf(stderr, "hostcaps: %s: %s\n", what, m ? m : strerror(-r));
        return EXIT_RUNTIME;
}

int main(int argc, char **argv) {
        enum { OPT_CPUID = 256, OPT_FROM, OPT_FROM_HWLOC };
        static const struct option options[] = {
                {"section", required_argument, NULL, 's'}, {"format", required_argument, NULL, 'f'},
                {"root", required_argument, NULL, 'r'},    {"cpuid", required_argument, NULL, OPT_CPUID},
                {"from", required_argument, NULL, OPT_FROM},
                {"from-hwloc", required_argument, NULL, OPT_FROM_HWLOC},
                {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, 'V'},
                {},
        };
        unsigned sections = 0;
        hostcaps_format format = HOSTCAPS_FORMAT_XML;
        const char *root = NULL, *cpuid = NULL, *from = NULL, *from_hwloc = NULL;
        hostcaps_node *node = NULL;
        char *doc = NULL;
        int c, r;

        while ((c = getopt_long(argc, argv, "+s:f:r:hV", options, NULL)) >= 0) {
                switch (c) {
                case 's':
                        if ((r = parse_sections(optarg, &sections)) != 0)
                                return r < 0 ? EXIT_RUNTIME : r;
                        break;
                case 'f':
                        if (strcmp(optarg, "xml") == 0)
                                format = HOSTCAPS_FORMAT_XML;
                        else if (strcmp(optarg, "json") == 0)
                                format = HOSTCAPS_FORMAT_JSON;
                        else if (strcmp(optarg, "text") == 0)
                                format = HOSTCAPS_FORMAT_TEXT;
                        else
                                return usage_error("unknown format '%s' (xml, json, text)", optarg);
                        break;
                case 'r':
                        root = optarg;
                        break;
                case OPT_CPUID:
                        cpuid = optarg;
                        break;
                case OPT_FROM:
                        from = optarg;
                        break;
                case OPT_FROM_HWLOC:
                        from_hwloc = optarg;
                        break;
                case 'h':
                        help(stdout);
                        return 0;
                case 'V':
                        printf("hostcaps %s\n", HOSTCAPS_VERSION_STRING);
                        return 0;
                default:
                        fprintf(stderr, "Try 'hostcaps --help' for more information.\n");
                        return EXIT_USAGE;
                }
        }
        if (sections == 0)
                sections = HOSTCAPS_SECTION_ALL;

        if (optind < argc && strcmp(argv[optind], "snapshot") == 0) {
                /* Options may follow the command too: hostcaps snapshot -s cpu DIR */
                optind++;
                while ((c = getopt_long(argc, argv, "s:", options, NULL)) >= 0) {
                        if (c != 's')
                                return usage_error("%s", "snapshot takes only --section");
                        if ((r = parse_sections(optarg, &sections)) != 0)
                                return r < 0 ? EXIT_RUNTIME : r;
                }
                if (optind != argc - 1)
                        return usage_error("%s", "snapshot needs exactly one directory");
                if (root || cpuid || from || from_hwloc)
                        return usage_error("%s", "snapshot records this live host; --root, --from and --cpuid do not apply");
                r = hostcaps_snapshot(argv[optind], sections, 0);
                if (r < 0)
                        return runtime_error("snapshot", r);
                return 0;
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);

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
        r = hostcaps_node_get_capabilities(node, sections, 0, format, &doc);
        hostcaps_node_unref(node);
        if (r < 0)
                return runtime_error(from ? from : root ? root : "this host", r);
        fputs(doc, stdout);
        if (format == HOSTCAPS_FORMAT_XML)
                fputc('\n', stdout);
        free(doc);
        return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}
