/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps-gen: write a synthetic sysroot of a given shape. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysroot-gen.h"

static void usage(FILE *f) {
        fputs("Usage: hostcaps-gen [OPTIONS] DIR\n"
              "Write a synthetic sysroot (sys/, proc/, etc/ as on a live Linux host) into DIR.\n"
              "\n"
              "Topology (counts per parent, default 1):\n"
              "  --sockets N             sockets\n"
              "  --dies N                dies per socket\n"
              "  --clusters N            clusters per die\n"
              "  --cores N               cores per cluster\n"
              "  --threads N             threads per core\n"
              "  --offline LIST          CPUs present but offline (e.g. 3,8-11)\n"
              "  --hybrid                Intel hybrid: cpu_core and cpu_atom PMUs\n"
              "  --old-kernel            topology without *_cpus_list, die and cluster files\n"
              "  --arch ARCH             architecture recorded in the snapshot (default x86_64)\n"
              "CPU kinds and frequencies:\n"
              "  --cpufreq KIND          none (default), per-cpu (intel_pstate) or per-cluster\n"
              "  --big-little            cores of odd clusters are little (capacity, max frequency)\n"
              "  --cpu-capacity          cpuN/cpu_capacity\n"
              "Isolation:\n"
              "  --isolated LIST         isolated CPUs (default none)\n"
              "  --nohz-full LIST        nohz_full CPUs (default: no nohz_full file)\n"
              "  --vulnerabilities       cpu/vulnerabilities/ with one file of each form\n"
              "NUMA and memory:\n"
              "  --nodes-per-socket N    NUMA nodes per socket (sub-NUMA clustering)\n"
              "  --memory-only-nodes N   extra nodes with memory and no CPUs\n"
              "  --empty-nodes N         extra possible nodes with neither CPUs nor memory\n"
              "  --node-ids LIST         node ids to use in order (e.g. 0,2,5,7)\n"
              "  --asymmetric            asymmetric node distances\n"
              "  --node-memory KIB       memory per node in KiB (default 4194304)\n"
              "  --hugepages             2 MiB and 1 GiB hugepages (default: no hugetlbfs)\n"
              "  --cpuset-cpus LIST      Cpus_allowed_list (default: online CPUs)\n"
              "  --cpuset-mems LIST      Mems_allowed_list (default: nodes with memory)\n"
              "  --hmat                  HMAT access classes 0 and 1, memory-side caches\n"
              "Caches and resctrl:\n"
              "  --l2-cores N            cores sharing one L2 (default 1)\n"
              "  --l3 SCOPE              socket (default), die, cores:N or none\n"
              "  --no-cache-ids          omit cache/indexN/id\n"
              "  --resctrl KIND          none (default), intel, intel-cdp, intel-mba or amd\n"
              "PCI devices:\n"
              "  --pci-per-node N        endpoints behind a root port of each node with CPUs\n"
              "                          (a NIC, an NVMe drive, a GPU in turn), local to it\n"
              "  --pci-unknown N         devices on bus 00 without locality (numa_node -1)\n"
              "  --pci-old-kernel        those have no numa_node file and no local_cpulist\n"
              "\n"
              "  -h, --help              show this help\n"
              "\n"
              "Exit status: 0 on success, 1 when writing fails, 2 on a usage error.\n",
              f);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
        va_list ap;
        fputs("hostcaps-gen: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs("\nTry 'hostcaps-gen --help'.\n", stderr);
        return 2;
}

/* A decimal count from min to max; -1 when it is not one. */
static long parse_count(const char *s, long min, long max) {
        char *end;
        long v;
        if (!s || *s < '0' || *s > '9')
                return -1;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        return v;
}

enum {
        OPT_SOCKETS = 256,
        OPT_DIES,
        OPT_CLUSTERS,
        OPT_CORES,
        OPT_THREADS,
        OPT_NPS,
        OPT_MEMONLY,
        OPT_EMPTY,
        OPT_OFFLINE,
        OPT_NODE_IDS,
        OPT_ASYM,
        OPT_NODE_MEMORY,
        OPT_HUGEPAGES,
        OPT_HMAT,
        OPT_L2_CORES,
        OPT_L3,
        OPT_NO_CACHE_IDS,
        OPT_RESCTRL,
        OPT_CPUSET_CPUS,
        OPT_CPUSET_MEMS,
        OPT_HYBRID,
        OPT_OLD_KERNEL,
        OPT_ARCH,
        OPT_PCI_PER_NODE,
        OPT_PCI_UNKNOWN,
        OPT_PCI_OLD_KERNEL,
        OPT_CPUFREQ,
        OPT_BIG_LITTLE,
        OPT_CPU_CAPACITY,
        OPT_ISOLATED,
        OPT_NOHZ_FULL,
        OPT_VULNS,
};

static const struct option options[] = {
        {"sockets", required_argument, NULL, OPT_SOCKETS},
        {"dies", required_argument, NULL, OPT_DIES},
        {"clusters", required_argument, NULL, OPT_CLUSTERS},
        {"cores", required_argument, NULL, OPT_CORES},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"nodes-per-socket", required_argument, NULL, OPT_NPS},
        {"memory-only-nodes", required_argument, NULL, OPT_MEMONLY},
        {"empty-nodes", required_argument, NULL, OPT_EMPTY},
        {"offline", required_argument, NULL, OPT_OFFLINE},
        {"node-ids", required_argument, NULL, OPT_NODE_IDS},
        {"asymmetric", no_argument, NULL, OPT_ASYM},
        {"node-memory", required_argument, NULL, OPT_NODE_MEMORY},
        {"hugepages", no_argument, NULL, OPT_HUGEPAGES},
        {"hmat", no_argument, NULL, OPT_HMAT},
        {"l2-cores", required_argument, NULL, OPT_L2_CORES},
        {"l3", required_argument, NULL, OPT_L3},
        {"no-cache-ids", no_argument, NULL, OPT_NO_CACHE_IDS},
        {"resctrl", required_argument, NULL, OPT_RESCTRL},
        {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
        {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
        {"hybrid", no_argument, NULL, OPT_HYBRID},
        {"old-kernel", no_argument, NULL, OPT_OLD_KERNEL},
        {"arch", required_argument, NULL, OPT_ARCH},
        {"pci-per-node", required_argument, NULL, OPT_PCI_PER_NODE},
        {"pci-unknown", required_argument, NULL, OPT_PCI_UNKNOWN},
        {"pci-old-kernel", no_argument, NULL, OPT_PCI_OLD_KERNEL},
        {"cpufreq", required_argument, NULL, OPT_CPUFREQ},
        {"big-little", no_argument, NULL, OPT_BIG_LITTLE},
        {"cpu-capacity", no_argument, NULL, OPT_CPU_CAPACITY},
        {"isolated", required_argument, NULL, OPT_ISOLATED},
        {"nohz-full", required_argument, NULL, OPT_NOHZ_FULL},
        {"vulnerabilities", no_argument, NULL, OPT_VULNS},
        {"help", no_argument, NULL, 'h'},
        {},
};

static const char *opt_name(int val) {
        for (const struct option *o = options; o->name; o++)
                if (o->val == val)
                        return o->name;
        return "?";
}

int main(int argc, char **argv) {
        gen_shape shape = {0};
        const char *err;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                unsigned *count = NULL;
                long min = 1, v;
                switch (c) {
                case 'h':
                        usage(stdout);
                        return 0;
                case OPT_SOCKETS:
                        count = &shape.sockets;
                        break;
                case OPT_DIES:
                        count = &shape.dies_per_socket;
                        break;
                case OPT_CLUSTERS:
                        count = &shape.clusters_per_die;
                        break;
                case OPT_CORES:
                        count = &shape.cores_per_cluster;
                        break;
                case OPT_THREADS:
                        count = &shape.threads_per_core;
                        break;
                case OPT_NPS:
                        count = &shape.nodes_per_socket;
                        break;
                case OPT_MEMONLY:
                        count = &shape.memory_only_nodes;
                        min = 0;
                        break;
                case OPT_EMPTY:
                        count = &shape.cpuless_memless_nodes;
                        min = 0;
                        break;
                case OPT_L2_CORES:
                        count = &shape.l2_cores;
                        break;
                case OPT_PCI_PER_NODE:
                        count = &shape.pci_per_node;
                        min = 0;
                        break;
                case OPT_PCI_UNKNOWN:
                        count = &shape.pci_unknown;
                        min = 0;
                        break;
                case OPT_PCI_OLD_KERNEL:
                        shape.pci_old_kernel = true;
                        break;
                case OPT_OFFLINE:
                        shape.offline_cpus = optarg;
                        break;
                case OPT_NODE_IDS:
                        shape.node_ids = optarg;
                        break;
                case OPT_ASYM:
                        shape.asymmetric_distances = true;
                        break;
                case OPT_NODE_MEMORY:
                        if ((v = parse_count(optarg, 16384, 1L << 40)) < 0)
                                return usage_error("--node-memory: '%s' is not a size in KiB (16384 or more)",
                                                   optarg);
                        shape.node_memory_kib = (uint64_t)v;
                        break;
                case OPT_HUGEPAGES:
                        shape.hugepages = true;
                        break;
                case OPT_HMAT:
                        shape.hmat = true;
                        break;
                case OPT_L3:
                        if (strcmp(optarg, "socket") == 0)
                                shape.l3_scope = GEN_L3_PER_SOCKET;
                        else if (strcmp(optarg, "die") == 0)
                                shape.l3_scope = GEN_L3_PER_DIE;
                        else if (strcmp(optarg, "none") == 0)
                                shape.l3_scope = GEN_L3_NONE;
                        else if (strncmp(optarg, "cores:", 6) == 0 &&
                                 (v = parse_count(optarg + 6, 1, 8192)) > 0) {
                                shape.l3_scope = GEN_L3_PER_CORES;
                                shape.l3_cores = (unsigned)v;
                        } else
                                return usage_error("--l3: '%s' is not socket, die, cores:N or none", optarg);
                        break;
                case OPT_NO_CACHE_IDS:
                        shape.no_cache_ids = true;
                        break;
                case OPT_RESCTRL:
                        if (strcmp(optarg, "none") == 0)
                                shape.resctrl = GEN_RESCTRL_NONE;
                        else if (strcmp(optarg, "intel") == 0)
                                shape.resctrl = GEN_RESCTRL_INTEL;
                        else if (strcmp(optarg, "intel-cdp") == 0)
                                shape.resctrl = GEN_RESCTRL_INTEL_CDP;
                        else if (strcmp(optarg, "intel-mba") == 0)
                                shape.resctrl = GEN_RESCTRL_INTEL_MBA;
                        else if (strcmp(optarg, "amd") == 0)
                                shape.resctrl = GEN_RESCTRL_AMD;
                        else
                                return usage_error(
                                        "--resctrl: '%s' is not none, intel, intel-cdp, intel-mba or amd",
                                        optarg);
                        break;
                case OPT_CPUSET_CPUS:
                        shape.cpuset_cpus = optarg;
                        break;
                case OPT_CPUSET_MEMS:
                        shape.cpuset_mems = optarg;
                        break;
                case OPT_HYBRID:
                        shape.hybrid = true;
                        break;
                case OPT_OLD_KERNEL:
                        shape.no_cpu_lists = true;
                        break;
                case OPT_ARCH:
                        shape.arch = optarg;
                        break;
                case OPT_CPUFREQ:
                        if (strcmp(optarg, "none") == 0)
                                shape.cpufreq = GEN_CPUFREQ_NONE;
                        else if (strcmp(optarg, "per-cpu") == 0)
                                shape.cpufreq = GEN_CPUFREQ_PER_CPU;
                        else if (strcmp(optarg, "per-cluster") == 0)
                                shape.cpufreq = GEN_CPUFREQ_PER_CLUSTER;
                        else
                                return usage_error("--cpufreq: '%s' is none of none, per-cpu, per-cluster",
                                                   optarg);
                        break;
                case OPT_BIG_LITTLE:
                        shape.big_little = true;
                        break;
                case OPT_CPU_CAPACITY:
                        shape.cpu_capacity = true;
                        break;
                case OPT_ISOLATED:
                        shape.isolated_cpus = optarg;
                        break;
                case OPT_NOHZ_FULL:
                        shape.nohz_full_cpus = optarg;
                        break;
                case OPT_VULNS:
                        shape.vulnerabilities = true;
                        break;
                default:
                        /* getopt_long has said what was wrong. */
                        fputs("Try 'hostcaps-gen --help'.\n", stderr);
                        return 2;
                }
                if (count) {
                        if ((v = parse_count(optarg, min, 8192)) < 0)
                                return usage_error("--%s: '%s' is not a count from %ld to 8192", opt_name(c),
                                                   optarg, min);
                        *count = (unsigned)v;
                }
        }
        if (optind != argc - 1)
                return usage_error("%s",
                                   optind >= argc ? "no directory given" : "more than one directory given");

        if ((err = gen_shape_error(&shape)))
                return usage_error("impossible shape: %s", err);
        r = gen_sysroot(argv[optind], &shape);
        if (r < 0) {
                fprintf(stderr, "hostcaps-gen: %s: %s\n", argv[optind], strerror(-r));
                return 1;
        }
        return 0;
}
