/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The synthetic sysroot generator: writes a directory tree holding sys/...,
 * proc/... and etc/... exactly where a live host has them, for a host of any
 * shape, and computes from the same shape the values a reader must find, so
 * tests assert exact values.
 *
 * Shape conventions (what the expected-value functions below describe):
 * - Physical cores are numbered socket-major (socket, die, cluster, core);
 *   logical CPU = thread * n_cores + core_index, as Linux numbers x86 CPUs
 *   (all first threads, then all second threads).
 * - Ids: physical_package_id = socket; die_id = die within its socket;
 *   cluster_id and core_id are unique within the socket (0..n-1 in order).
 * - NUMA nodes, by index: first sockets * nodes_per_socket nodes with CPUs
 *   (a socket's cores split evenly, in order, with all their threads), then
 *   memory_only_nodes (memory-only node k belongs to socket k % sockets),
 *   then cpuless_memless_nodes. Node ids are the index, or the i-th member
 *   of node_ids. Nodes with neither CPUs nor memory are only "possible":
 *   they have no nodeN directory and are not online, as on a real kernel.
 * - Memory-only nodes are in has_memory but not has_normal_memory (CXL
 *   memory is onlined as ZONE_MOVABLE).
 * - Offline CPUs are in possible/present/offline only; every sibling list,
 *   cache shared_cpu_list, node cpulist and cpuset default lists online CPUs.
 * - hugepages == false writes a kernel without hugetlbfs: no hugepages-*
 *   directories and no HugePages_* lines in any meminfo.
 *
 * All functions returning int return 0 or a negative errno (-EINVAL for a
 * shape that cannot exist, e.g. nodes_per_socket not dividing the cores of a
 * socket, more nodes than node_ids lists, resctrl without L3 cache ids). */

#include <stdbool.h>
#include <stdint.h>

typedef enum {
        GEN_L3_PER_SOCKET,
        GEN_L3_PER_DIE,
        GEN_L3_PER_CORES, /* per l3_cores consecutive cores, e.g. an AMD CCX of 4 */
        GEN_L3_NONE,
} gen_l3_scope;

typedef enum {
        GEN_RESCTRL_NONE,
        GEN_RESCTRL_INTEL,     /* L3 CAT + L3_MON (llc_occupancy, mbm_total_bytes, mbm_local_bytes) */
        GEN_RESCTRL_INTEL_CDP, /* L3CODE + L3DATA + L3_MON */
        GEN_RESCTRL_INTEL_MBA, /* L3 + MB (percent, granularity 10) + L3_MON */
        GEN_RESCTRL_AMD,       /* L3 + MB in AMD's form (bandwidth_gran 1, min_bandwidth 0,
                                  delay_linear 0) + L3_MON */
} gen_resctrl;

/* What real kernels and recorders write that a reader must survive (the
 * recorded machines of ../shared/fixtures/hwloc), one bit each. */
typedef enum gen_quirk {
        GEN_QUIRK_NUL = 1u << 0,               /* list files end in a NUL byte: "0\n\0" (8em64t) */
        GEN_QUIRK_EMPTY_CPU_ONLINE = 1u << 1,  /* no cpu/online; every cpuN/online, cpu0's too, is
                                                  empty for an online CPU (128ia64) */
        GEN_QUIRK_DISTANCE_POSSIBLE = 1u << 2, /* distance rows hold one value per possible node,
                                                  offline ones included (offline-cpu0-node0) */
        GEN_QUIRK_LISTED_ABSENT = 1u << 3,     /* cpu/online lists twice the CPUs there are: the
                                                  second half has no cpuN directory (trimmed trees) */
} gen_quirk;

/* cpufreq policies (sys/devices/system/cpu/cpufreq/policyN). */
typedef enum {
        GEN_CPUFREQ_NONE,        /* no driver (virtual machines): an empty cpufreq/ */
        GEN_CPUFREQ_PER_CPU,     /* intel_pstate: a policy per online CPU, with base_frequency */
        GEN_CPUFREQ_PER_CLUSTER, /* arm64: a policy per cluster (named after its first CPU), a
                                    "boost" file beside them; no base_frequency */
} gen_cpufreq;

typedef struct gen_shape {
        const char *arch; /* default "x86_64"; hostcaps-snapshot.txt gets arch=..., page_size=4096 */
        /* Counts per parent; 0 means 1. */
        unsigned sockets, dies_per_socket, clusters_per_die, cores_per_cluster, threads_per_core;
        unsigned nodes_per_socket;      /* sub-NUMA clustering; 0 means 1 */
        unsigned memory_only_nodes;     /* extra nodes with memory and no CPUs (CXL, memory tiers) */
        unsigned cpuless_memless_nodes; /* extra nodes with neither (possible but empty) */
        const char *node_ids;           /* optional cpulist of node ids to use in order, e.g. "0,2,5,7" */
        bool asymmetric_distances;      /* 10 local, 20 + i + 2 * j remote (node indices); else 10 local,
                                           21 remote, 17 between a memory-only node and its socket's nodes */
        const char *offline_cpus;       /* cpulist of CPUs present but offline */
        uint64_t node_memory_kib;       /* MemTotal per node with memory; 0 means 4 GiB */
        bool hugepages;                 /* hugepages-2048kB and hugepages-1048576kB, per node and global */
        unsigned l2_cores;              /* cores sharing one L2 (0 or 1: private); divides cores per die */
        gen_l3_scope l3_scope;
        unsigned l3_cores; /* GEN_L3_PER_CORES: cores per L3; divides cores per die */
        bool no_cache_ids; /* omit cache/indexN/id (kernels before 4.10) */
        gen_resctrl resctrl;
        const char *cpuset_cpus, *cpuset_mems; /* proc/self/status *_allowed_list; default all online
                                                  CPUs / all nodes with memory */
        bool hybrid;       /* sys/devices/cpu_core/cpus (first half of each socket's cores, rounded up)
                              and sys/devices/cpu_atom/cpus (the rest; absent when empty) */
        bool no_cpu_lists; /* old kernels: topology has only physical_package_id, core_id,
                              core_siblings(_list), thread_siblings(_list) */
        unsigned quirks;   /* gen_quirk bits */
        bool hmat;         /* heterogeneous memory: see gen_hmat_* below */
        /* PCI devices (sys/bus/pci/devices and sys/class/{net,block,drm}):
         * behind a root port of each node with CPUs, pci_per_node endpoints
         * local to that node (numa_node its id, local_cpulist its online
         * CPUs); then pci_unknown devices on bus 00 whose numa_node is -1 and
         * whose local CPUs are every online CPU (firmware without locality).
         * pci_old_kernel: those have no numa_node file (a kernel without
         * CONFIG_NUMA) and only the local_cpus mask. Both 0: no PCI bus. */
        unsigned pci_per_node, pci_unknown;
        bool pci_old_kernel;
        /* CPU kinds and frequencies. */
        gen_cpufreq cpufreq;
        bool big_little;   /* cores of odd clusters are little: lower capacity and max frequency */
        bool cpu_capacity; /* cpuN/cpu_capacity for every online CPU */
        /* Isolation: NULL writes isolated as "\n" and no nohz_full (a kernel
         * without NO_HZ_FULL). */
        const char *isolated_cpus, *nohz_full_cpus;
        bool vulnerabilities; /* cpu/vulnerabilities/: gen_vulnerabilities[] */
} gen_shape;

/* Write the sysroot into dir (created if missing). Files of an earlier tree
 * there are overwritten, not removed: use an empty directory for a new shape. */
int gen_sysroot(const char *dir, const gen_shape *shape);

/* 0 when the shape can be generated, else -EINVAL (gen_sysroot checks it too). */
int gen_shape_check(const gen_shape *s);
/* Why a shape cannot be generated (a static string), or NULL when it can. */
const char *gen_shape_error(const gen_shape *s);

/* ---- Expected values, computed from the shape ---- */

/* Counts with defaults applied. */
unsigned gen_n_sockets(const gen_shape *s);
unsigned gen_dies_per_socket(const gen_shape *s);
unsigned gen_clusters_per_die(const gen_shape *s);
unsigned gen_cores_per_cluster(const gen_shape *s);
unsigned gen_threads_per_core(const gen_shape *s);
unsigned gen_cores_per_socket(const gen_shape *s);
unsigned gen_n_cores(const gen_shape *s); /* physical cores of the host */

unsigned gen_n_cpus(const gen_shape *s);   /* possible = present logical CPUs */
unsigned gen_n_online(const gen_shape *s); /* online logical CPUs */
bool gen_cpu_online(const gen_shape *s, unsigned cpu);

unsigned gen_n_nodes(const gen_shape *s);             /* all possible nodes */
unsigned gen_n_online_nodes(const gen_shape *s);      /* nodes with CPUs or memory: nodeN dirs */
unsigned gen_node_id(const gen_shape *s, unsigned i); /* i-th node's id */
/* The distance from node index i to node index j, as nodeN/distance says. */
unsigned gen_distance(const gen_shape *s, unsigned i, unsigned j);

enum {
        GEN_KIND_NONE, /* not hybrid */
        GEN_KIND_CORE, /* cpu_core */
        GEN_KIND_ATOM, /* cpu_atom */
};

typedef struct gen_cpu {
        bool online;
        unsigned socket, die, cluster, core; /* the sysfs ids (see above) */
        unsigned thread;                     /* index among its core's threads */
        unsigned core_index;                 /* physical core 0..gen_n_cores()-1 */
        unsigned node_index, node_id;
        unsigned l2_id;                      /* cache/index2/id */
        int l3_id;                           /* cache/index3/id, -1 without L3 */
        int kind;                            /* GEN_KIND_* */
        bool little;                         /* big_little: a core of an odd cluster */
        unsigned capacity;                   /* cpu_capacity: 1024 big, GEN_LITTLE_CAPACITY little */
        uint64_t min_khz, max_khz, base_khz; /* cpufreq; base 0 where the driver gives none */
} gen_cpu;

/* Frequencies in kHz and capacities the tree gives (see gen_cpu). */
#define GEN_MIN_KHZ         800000u
#define GEN_BASE_KHZ        2000000u
#define GEN_MAX_KHZ         2800000u /* big cores; hybrid: GEN_CORE_MAX_KHZ / GEN_ATOM_MAX_KHZ */
#define GEN_LITTLE_MAX_KHZ  1800000u
#define GEN_CORE_MAX_KHZ    5000000u
#define GEN_ATOM_MAX_KHZ    3800000u
#define GEN_LITTLE_CAPACITY 446u

/* The vulnerabilities written with `vulnerabilities`, sorted by name, and
 * the state a reader must find: GEN_VULN_*. */
enum { GEN_VULN_UNKNOWN, GEN_VULN_AFFECTED, GEN_VULN_MITIGATED, GEN_VULN_NOT_AFFECTED };
typedef struct gen_vulnerability {
        const char *name, *text;
        int state;
        bool smt_vulnerable;
} gen_vulnerability;
#define GEN_N_VULNERABILITIES 9
extern const gen_vulnerability gen_vulnerabilities[GEN_N_VULNERABILITIES];
/* -ERANGE when cpu >= gen_n_cpus(). */
int gen_cpu_get(const gen_shape *s, unsigned cpu, gen_cpu *ret);

typedef struct gen_node {
        unsigned id;
        bool online;                          /* has a nodeN directory */
        bool has_cpus;                        /* in has_cpu: at least one online CPU */
        bool has_memory;                      /* in has_memory */
        bool memory_only;                     /* one of memory_only_nodes */
        int socket;                           /* its socket, -1 for nodes with neither CPUs nor memory */
        uint64_t mem_total_kib, mem_free_kib; /* nodeN/meminfo MemTotal / MemFree */
} gen_node;
/* -ERANGE when i >= gen_n_nodes(). */
int gen_node_get(const gen_shape *s, unsigned i, gen_node *ret);

/* Hugepages of node index i, or of the whole host (global) when i is
 * GEN_GLOBAL, for a size of 2048 or 1048576 kB. -ENOENT when the tree has no
 * such counts (no hugepages, or a node without memory). */
#define GEN_GLOBAL (~0u)
int gen_hugepages(const gen_shape *s, unsigned i, uint64_t size_kib, uint64_t *ret_nr, uint64_t *ret_free,
                  uint64_t *ret_surplus);

/* HMAT (shape.hmat): every node with memory is a target of access classes 0
 * and 1 (nodeN/accessC/initiators/), alike; its initiators are itself for a
 * node with CPUs, its socket's nodes with CPUs for a memory-only node, and
 * each initiator lists its targets (nodeN/accessC/targets/). Values differ
 * per node index i. A memory-only node has one memory-side cache (index1:
 * GEN_MSC_SIZE bytes, GEN_MSC_LINE-byte lines, direct mapped, write back). */
#define GEN_MSC_SIZE (UINT64_C(256) << 20)
#define GEN_MSC_LINE 64u
bool gen_hmat_target(const gen_shape *s, unsigned i);                    /* has accessC/initiators */
char *gen_hmat_initiators(const gen_shape *s, unsigned i);               /* node ids, malloc'ed list */
unsigned gen_hmat_latency(const gen_shape *s, unsigned i, bool write);   /* ns */
unsigned gen_hmat_bandwidth(const gen_shape *s, unsigned i, bool write); /* MiB/s */

/* Lists in the kernel's cpulist format, malloc'ed (NULL on ENOMEM). */
char *gen_online_cpulist(const gen_shape *s);
char *gen_node_cpulist(const gen_shape *s, unsigned i); /* online CPUs of node index i */
char *gen_cpuset_cpus(const gen_shape *s);              /* Cpus_allowed_list */
char *gen_cpuset_mems(const gen_shape *s);              /* Mems_allowed_list */

/* Caches, the same on every core. index0 L1 Data, index1 L1 Instruction,
 * index2 L2 Unified, index3 L3 Unified (absent with GEN_L3_NONE). */
#define GEN_CACHE_LINE 64u
#define GEN_L1D_KIB    48u
#define GEN_L1D_WAYS   12u
#define GEN_L1I_KIB    32u
#define GEN_L1I_WAYS   8u
#define GEN_L2_KIB     2048u
#define GEN_L2_WAYS    16u
#define GEN_L3_KIB     32768u
#define GEN_L3_WAYS    16u

/* Cache banks of a level (1: L1d and L1i each, 2, 3), counted over all
 * physical cores, including banks whose CPUs are all offline (the tree shows
 * those nowhere). 0 for L3 with GEN_L3_NONE. */
unsigned gen_n_cache_banks(const gen_shape *s, unsigned level);
/* The k-th bank of a level: its id and its online CPUs (malloc'ed list,
 * "" when all are offline). */
int gen_cache_bank(const gen_shape *s, unsigned level, unsigned k, unsigned *ret_id, char **ret_cpulist);

/* The CPU model written to proc/cpuinfo (x86) and cpu0/microcode/version. */
typedef struct gen_cpu_model {
        const char *vendor; /* "GenuineIntel", "AuthenticAMD" */
        const char *name;   /* model name */
        unsigned family, model, stepping;
        uint64_t microcode;
        unsigned phys_bits, virt_bits;
} gen_cpu_model;
/* AMD for GEN_RESCTRL_AMD, an Intel hybrid client for hybrid, else an Intel
 * server; NULL when arch is not x86 (no cpuinfo identity, no microcode). */
const gen_cpu_model *gen_cpu_model_get(const gen_shape *s);

/* What sys/fs/resctrl/info says; all zero for GEN_RESCTRL_NONE. The domains
 * of schemata, size and bit_usage are the ids of the L3 banks with an online
 * CPU, ascending; the default group holds the full mask and mb_max. */
typedef struct gen_resctrl_info {
        bool cdp, mba, mon;
        uint64_t cbm_mask;                  /* info/L3/cbm_mask (hex), also L3CODE/L3DATA */
        unsigned min_cbm_bits, num_closids; /* L3 (each of L3CODE/L3DATA with CDP) */
        uint64_t shareable_bits;
        unsigned mb_num_closids, mb_bandwidth_gran, mb_min_bandwidth;
        bool mb_delay_linear;
        unsigned mb_max; /* MB value in schemata: 100 (percent) or 2048 (AMD) */
        unsigned num_rmids;
        uint64_t max_threshold_occupancy; /* bytes */
} gen_resctrl_info;
int gen_resctrl_get(const gen_shape *s, gen_resctrl_info *ret);

/* PCI devices, in address order: per node with CPUs (index i), its root
 * port 0000:BB:00.0 (BB = 0x10 * (i + 1), class 0x060400) and behind it
 * pci_per_node endpoints 0000:(BB+1):DD.0 (DD = 0, 1, ...) of three kinds in
 * turn: a NIC (class 0x020000, net ethN), an NVMe drive (class 0x010802,
 * block nvmeNn1 with a partition nvmeNn1p1, which is no name of its own) and
 * a GPU (class 0x030000, drm cardN and renderD(128+N), with a connector
 * cardN-DP-1); N counts each kind over the host. Then the pci_unknown
 * devices 0000:00:DD.0 (class 0x088000, no names). sys/class/net also holds
 * lo (a virtual device), sys/class/drm a "version" file. */
typedef struct gen_pci {
        char address[24];
        unsigned class_code, vendor, device, subsystem_vendor, subsystem_device;
        int numa_node;      /* what the tree says: a node id, or -1 (also without a numa_node file) */
        bool has_numa_file; /* numa_node is written */
        bool has_cpulist;   /* local_cpulist is written (local_cpus always is) */
        int node_index;     /* the node it is local to, -1 for none */
        const char *kind;   /* "net", "block", "drm" or NULL: the names' kind */
        char names[2][16];  /* its names ("" past the last), sorted as strverscmp sorts */
} gen_pci;
unsigned gen_n_pci(const gen_shape *s);
/* -ERANGE past the last. */
int gen_pci_get(const gen_shape *s, unsigned k, gen_pci *ret);
/* The k-th device's local CPUs as a list (malloc'ed; NULL on ENOMEM). */
char *gen_pci_local_cpus(const gen_shape *s, unsigned k);
