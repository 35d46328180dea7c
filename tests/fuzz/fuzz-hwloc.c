/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Importing an hwloc XML topology (hostcaps_node_open_hwloc): hwloc parses
 * the file, hostcaps turns the topology into its sections. A topology that
 * loads must answer every section in every format with a readable document.
 *
 * hwloc itself (2.9) crashes on some malformed files (a NUMANode without
 * complete_nodeset: a NULL bitmap in hwloc_bitmap_or() inside
 * hwloc_topology_load(), in a program that does nothing else). That is not
 * hostcaps' code: each input is first loaded by hwloc alone in a child
 * process, with the flags hostcaps uses, and inputs that kill it are counted
 * and skipped, so that findings here are hostcaps' own. The same goes for
 * inputs that hwloc alone takes more than a second to load (some malformed
 * bitmaps cost it seconds: lstopo too): the time is hwloc's, and libFuzzer's
 * timeout would report it as hostcaps'. */
#include <hwloc.h>
#include <signal.h>
#include <sys/wait.h>

#include "fuzz-util.h"
#include "host/section.h"

static char *dir, *path;
static unsigned long hwloc_crashes;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        (void)argc;
        (void)argv;
        dir = fuzz_scratch_dir();
        if (asprintf(&path, "%s/topology.xml", dir) < 0)
                abort();
        return 0;
}

static void report(void) {
        fprintf(stderr, "fuzz-hwloc: %lu inputs crashed hwloc itself or took it over a second (skipped)\n",
                hwloc_crashes);
}

/* Whether hwloc alone survives loading the input, within a second. */
static bool hwloc_survives(const uint8_t *data, size_t size) {
        pid_t pid = fork();
        if (pid < 0)
                fuzz_finding("fork failed");
        if (pid == 0) {
                static const int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
                for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                        signal(sigs[i], SIG_DFL);
                alarm(1); /* SIGALRM's default action ends the child */
                int null = open("/dev/null", O_WRONLY);
                if (null >= 0)
                        dup2(null, STDERR_FILENO);
                char *copy = malloc(size + 1);
                hwloc_topology_t t;
                if (!copy || hwloc_topology_init(&t) < 0)
                        _exit(0);
                memcpy(copy, data, size);
                copy[size] = '\0';
                hwloc_topology_set_flags(t, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
                hwloc_topology_set_all_types_filter(t, HWLOC_TYPE_FILTER_KEEP_ALL);
                if (hwloc_topology_set_xmlbuffer(t, copy, (int)size + 1) == 0)
                        (void)hwloc_topology_load(t);
                hwloc_topology_destroy(t);
                _exit(0);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                ;
        return !WIFSIGNALED(status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static bool registered;
        hostcaps_node *node = NULL;
        unsigned sections = 0;

        if (!registered) {
                atexit(report);
                registered = true;
        }
        if (!hwloc_survives(data, size)) {
                hwloc_crashes++;
                return 0;
        }
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (hostcaps_sections[i])
                        sections |= 1u << i;
        fuzz_write(dir, "topology.xml", data, size);
        if (hostcaps_node_open_hwloc(&node, path, 0) < 0) {
                if (node)
                        fuzz_finding("a failed open wrote its output");
                return 0;
        }
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (sections & (1u << i))
                        fuzz_check_node(node, 1u << i);
        fuzz_check_node(node, sections);
        hostcaps_node_unref(node);
        return 0;
}
