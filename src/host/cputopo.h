/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "object.h"
#include "reader.h"

/* Reading /sys/devices/system/cpu: the one reader of cpuN/topology, shared by
 * the CPU section (its counts) and the NUMA section (the ids of each CPU). */

/* The online CPUs: those cpu/online lists that also have a cpuN directory
 * (else, for kernels or recordings without the summary file, every cpuN
 * directory whose cpuN/online is not "0"; an empty cpuN/online counts as
 * online, as lscpu and hwloc count it). CPUs listed online without a
 * directory are left out and returned in *ret_absent (one listing of the
 * cpu directory): the CPU, NUMA and cache sections never invent topology
 * or caches for them. */
int hostcaps_read_cpus(hostcaps_reader *r, hostcaps_bitmap **ret, hostcaps_bitmap **ret_absent);
/* The read policy's reason for those absent CPUs, recorded in `o` when
 * there are any: "...: CPUs 4-5 listed but absent (no cpuN directory):
 * <consequence>". 0 or -ENOMEM. */
int hostcaps_absent_cpus_reason(hostcaps_object *o, const hostcaps_bitmap *absent, const char *consequence);

/* The ids of one CPU as libvirt prints them. Files absent on older kernels or
 * some architectures read as: package 0, die 0 (die_id since 5.2), cluster 0
 * (cluster_id since 5.16), core = the CPU's own number. A negative id reads
 * as 0; cluster_id -1 (arm64 firmware without clusters) and 65535 (x86 with
 * an unknown L2, BAD_APICID) mean "no clusters": 0, as libvirt 9.1 prints. */
typedef struct hostcaps_cpu_ids {
        unsigned int socket, die, cluster, core;
} hostcaps_cpu_ids;

/* The topology of the online CPUs, read group by group: package, die,
 * cluster, core; one file per group, not one per CPU. */
typedef struct hostcaps_cpu_topo {
        /* Groups per parent at the widest parent: sockets, dies per socket,
         * clusters per die, cores per cluster, threads per core. */
        unsigned int sockets, dies, clusters, cores, threads;
        size_t n;                    /* last online CPU + 1 */
        hostcaps_cpu_ids *ids;       /* per CPU (index = id); NULL unless asked for */
        unsigned int *core_of;       /* per CPU: index into core_cpus; NULL unless ids asked for */
        hostcaps_bitmap **core_cpus; /* the online CPUs of each core (its siblings) */
        size_t n_cores;
} hostcaps_cpu_topo;

/* Read the topology of `online`. With `want_ids`, the per-CPU ids and the
 * cores too. A topology file that exists is required (a malformed one fails
 * with its path and value); absent ones take the defaults above. */
int hostcaps_cpu_topo_read(hostcaps_reader *r, const hostcaps_bitmap *online, bool want_ids,
                           hostcaps_cpu_topo *ret);
void hostcaps_cpu_topo_done(hostcaps_cpu_topo *t);
