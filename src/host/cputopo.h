/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "reader.h"

/* Reading /sys/devices/system/cpu, shared by the sections that need it. */

/* The online CPUs: cpu/online, else every cpuN directory whose cpuN/online
 * is not "0" (kernels or recordings without the summary file). */
int hostcaps_read_online_cpus(hostcaps_reader *r, hostcaps_bitmap **ret);

/* The ids of one CPU from cpuN/topology. Files absent on older kernels or
 * some architectures read as: package 0, die 0 (die_id since 5.2), cluster 0
 * (cluster_id since 5.16), core = the CPU's own number; a negative id
 * (cluster_id is -1 on some arm64 firmware) reads as 0 too. */
typedef struct hostcaps_cpu_ids {
        unsigned int socket, die, cluster, core;
} hostcaps_cpu_ids;
int hostcaps_read_cpu_ids(hostcaps_reader *r, unsigned int cpu, hostcaps_cpu_ids *ret);
