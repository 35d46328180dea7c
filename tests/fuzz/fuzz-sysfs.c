/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One section's files in a sysroot, as the kernel would write them and as
 * nothing should: built once per section (FUZZ_SECTION: "cpu", "numa",
 * "memory" for meminfo and hugepages, "cache", "resctrl" for resctrl's info
 * files, "host", "devices" for the PCI devices' files and links, "isolation", "frequency"). At start the
 * target generates a host and records, with the reader's trace, every file the section's probe opens. An
 * input is a list of chunks separated by NUL bytes (which no sysfs file holds); a chunk's first byte picks
 * one of those files, the rest is its new content, and a chunk of that byte alone removes the file. Each
 * input is probed on a fresh node; every document must be readable, every error must have a message.
 *
 * HOSTCAPS_FUZZ_SEEDS=DIR writes one seed per file (its generated content)
 * into DIR and exits: that is how corpus/sysfs-<section>/ was made. */
#include <dirent.h>

#include "fuzz-util.h"
#include "host/node.h"
#include "host/reader.h"
#include "host/section.h"
#ifdef HOSTCAPS_HAVE_GEN
#include "sysroot-gen.h"
#endif

#ifndef FUZZ_SECTION
#error "FUZZ_SECTION names the section"
#endif

typedef struct file {
        char *path;
        char *base; /* generated content; NULL: absent from the generated tree */
        size_t base_len;
} file;

static char *root;
static unsigned section;
static file *files;
static size_t n_files;

static void write_base_tree(void) {
#ifdef HOSTCAPS_HAVE_GEN
        gen_shape shape = {
                .sockets = 1,
                .cores_per_cluster = 2,
                .threads_per_core = 2,
                .memory_only_nodes = 1,
                .hugepages = true,
                .l3_scope = GEN_L3_PER_SOCKET,
                .resctrl = GEN_RESCTRL_INTEL_MBA,
                /* A NIC, an NVMe drive and a GPU behind a root port, and a
                 * device without locality: only the devices section reads them. */
                .pci_per_node = 3,
                .pci_unknown = 1,
                /* Only the frequency and isolation sections read these. */
                .cpufreq = GEN_CPUFREQ_PER_CLUSTER,
                .big_little = true,
                .cpu_capacity = true,
                .isolated_cpus = "1,3",
                .nohz_full_cpus = "1-3",
                .vulnerabilities = true,
        };
        if (gen_sysroot(root, &shape) < 0)
                fuzz_finding("gen_sysroot failed");
#else
        fuzz_write_str(root, "hostcaps-snapshot.txt", "arch=x86_64\npage_size=4096\n");
        fuzz_write_str(root, "proc/cpuinfo",
                       "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
                       "model\t\t: 85\nmodel name\t: Test\nstepping\t: 4\nflags\t\t: fpu\n\n");
        fuzz_write_str(root, "sys/devices/system/cpu/online", "0-1\n");
        fuzz_write_str(root, "sys/devices/system/cpu/cpu0/topology/core_cpus_list", "0\n");
        fuzz_write_str(root, "sys/devices/system/cpu/cpu1/topology/core_cpus_list", "1\n");
        fuzz_write_str(root, "etc/machine-id", "4c2d8e1a9b7f4e3d8a6c5b4e3f2a1d0c\n");
        fuzz_write_str(root, "sys/power/state", "freeze mem\n");
#endif
}

static char *slurp(const char *path, size_t *len) {
        FILE *f = fopen(path, "r");
        char *data = NULL;
        if (!f)
                return NULL;
        data = malloc(1 << 20);
        *len = data ? fread(data, 1, 1 << 20, f) : 0;
        fclose(f);
        return data;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        hostcaps_node *node = NULL;
        hostcaps_object *o = NULL;
        (void)argc;
        (void)argv;

        root = fuzz_scratch_dir();
        section = hostcaps_section_from_string(FUZZ_SECTION);
        write_base_tree();
        if (hostcaps_node_open(&node, root, 0) < 0)
                fuzz_finding("the generated tree does not open: %s", hostcaps_error_message());
        hostcaps_reader_trace_start(hostcaps_node_reader(node));
        int r = hostcaps_node_get_object(node, section, 0, &o);
        char **trace = hostcaps_reader_trace_stop(hostcaps_node_reader(node));
        hostcaps_object_unref(o);
        hostcaps_node_unref(node);
        if (r == -EOPNOTSUPP) {
                fprintf(stderr, "NOTE fuzz-sysfs-%s: section not implemented yet: nothing to fuzz\n",
                        FUZZ_SECTION);
                section = 0;
        } else if (r < 0)
                fuzz_finding("the generated tree does not probe: %s", hostcaps_error_message());

        for (size_t i = 0; section && trace && trace[i]; i++) {
                size_t l = strlen(trace[i]);
                bool dup = l == 0 || trace[i][l - 1] == '/' || strcmp(trace[i], ".") == 0;
                for (size_t j = 0; j < n_files && !dup; j++)
                        dup = strcmp(files[j].path, trace[i]) == 0;
                if (dup)
                        continue;
                char full[4096];
                snprintf(full, sizeof(full), "%s/%s", root, trace[i]);
                struct stat st;
                /* Links and directories the probe met (a bus entry it read
                 * the link of, a listing) are the tree's shape, not content:
                 * only files, and paths the tree lacks, are mutated. */
                if (lstat(full, &st) == 0 && !S_ISREG(st.st_mode))
                        continue;
                files = realloc(files, (n_files + 1) * sizeof(*files));
                files[n_files] = (file){.path = strdup(trace[i])};
                if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
                        files[n_files].base = slurp(full, &files[n_files].base_len);
                n_files++;
        }
        hostcaps_strv_free(trace);

        const char *seeds = getenv("HOSTCAPS_FUZZ_SEEDS");
        if (seeds) {
                for (size_t i = 0; i < n_files && i < 256; i++) {
                        char name[64];
                        unsigned char sel = (unsigned char)i;
                        if (!files[i].base)
                                continue;
                        snprintf(name, sizeof(name), "seed-%03zu", i);
                        char *seed = malloc(files[i].base_len + 1);
                        seed[0] = (char)sel;
                        memcpy(seed + 1, files[i].base, files[i].base_len);
                        fuzz_write(seeds, name, seed, files[i].base_len + 1);
                        free(seed);
                }
                exit(0);
        }
        return 0;
}

/* Parent directories created for a file the generated tree lacks. */
static char created[64][4096];
static size_t n_created;

static void put(const file *f, const char *data, size_t len) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", root, f->path);
        for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
                *s = '\0';
                struct stat st;
                if (lstat(p, &st) < 0 && mkdir(p, 0755) == 0 && n_created < 64)
                        snprintf(created[n_created++], sizeof(created[0]), "%s", p);
                *s = '/';
        }
        if (!data) {
                unlink(p);
                return;
        }
        fuzz_write(root, f->path, data, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static bool touched[256];
        hostcaps_node *node = NULL;

        if (!section || !n_files)
                return 0;
        for (size_t pos = 0; pos < size;) {
                const uint8_t *end = memchr(data + pos, '\0', size - pos);
                size_t len = end ? (size_t)(end - (data + pos)) : size - pos;
                if (len > 0) {
                        size_t i = data[pos] % n_files;
                        if (getenv("HOSTCAPS_FUZZ_VERBOSE"))
                                fprintf(stderr, "chunk: %s %s\n", files[i].path,
                                        len == 1 ? "removed" : "replaced");
                        put(&files[i], len == 1 ? NULL : (const char *)data + pos + 1, len - 1);
                        touched[i % 256] = true;
                }
                pos += len + 1;
        }
        if (hostcaps_node_open(&node, root, 0) == 0) {
                fuzz_check_node(node, section);
                hostcaps_node_unref(node);
        } else if (!hostcaps_error_message())
                fuzz_finding("a refused sysroot without a message");

        for (size_t i = 0; i < n_files; i++)
                if (touched[i % 256])
                        put(&files[i], files[i].base, files[i].base_len);
        memset(touched, 0, sizeof(touched));
        while (n_created > 0)
                rmdir(created[--n_created]);
        return 0;
}
