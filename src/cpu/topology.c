/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Topology counts of the CPU section. */
#include <stdio.h>

#include "cpu.h"
#include "host/cputopo.h"
#include "host/error.h"
#include "host/parse.h"

#define CPU_DIR "sys/devices/system/cpu"

int hostcaps_cpu_probe_topology(hostcaps_reader *r, hostcaps_cpu *cpu, hostcaps_bitmap **ret_online) {
        _cleanup_bitmap_ hostcaps_bitmap *online = NULL, *absent = NULL, *possible = NULL;
        hostcaps_cpu_topo t;
        int e;

        e = hostcaps_read_cpus(r, &online, &absent);
        if (e < 0)
                return e;
        if ((e = hostcaps_absent_cpus_reason(&cpu->obj, absent, "not counted")) < 0)
                return e;
        /* "0-N" like online; missing in some recordings: then what is online. */
        e = hostcaps_read_cpulist(r, CPU_DIR "/possible", &possible);
        if (e == -ENOENT)
                e = hostcaps_read_cpulist(r, CPU_DIR "/present", &possible);
        if (e == -ENOENT) {
                possible = hostcaps_bitmap_dup(online);
                e = possible ? 0 : -ENOMEM;
        }
        if (e < 0)
                return e;
        /* Listed but absent CPUs are neither online nor possible here: the
         * counts are of CPUs the topology can back. */
        hostcaps_bitmap_sub(possible, absent);
        hostcaps_bitmap_or(possible, online);

        e = hostcaps_cpu_topo_read(r, online, false, &t);
        if (e < 0)
                return e;
        cpu->topo.sockets = t.sockets;
        cpu->topo.dies = t.dies;
        cpu->topo.clusters = t.clusters;
        cpu->topo.cores = t.cores;
        cpu->topo.threads = t.threads;
        cpu->topo.online_cpus = hostcaps_bitmap_count(online);
        cpu->topo.possible_cpus = hostcaps_bitmap_count(possible);
        hostcaps_cpu_topo_done(&t);
        *ret_online = online;
        online = NULL;
        return 0;
}
