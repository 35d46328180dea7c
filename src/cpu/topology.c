/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Topology counts and hybrid core kinds of the CPU section. */
#include <stdio.h>

#include "cpu.h"
#include "host/cputopo.h"
#include "host/error.h"
#include "host/parse.h"

#define CPU_DIR "sys/devices/system/cpu"

int hostcaps_cpu_probe_topology(hostcaps_reader *r, hostcaps_cpu *cpu) {
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
        return 0;
}

int hostcaps_cpu_probe_core_kinds(hostcaps_reader *r, hostcaps_cpu *cpu) {
        /* Intel hybrid parts register one PMU per core type, each with a
         * "cpus" list (since 5.13). */
        static const struct {
                const char *dir, *name;
        } kinds[] = {
                {"sys/devices/cpu_core", "core"},
                {"sys/devices/cpu_atom", "atom"},
        };
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                _cleanup_bitmap_ hostcaps_bitmap *b = NULL;
                int e = hostcaps_readf_cpulist(r, &b, "%s/cpus", kinds[i].dir);
                if (e == -ENOENT || e == -ENOTDIR)
                        continue;
                if (e < 0)
                        return e;
                hostcaps_core_kind *k = realloc(cpu->kinds, (cpu->n_kinds + 1) * sizeof(*k));
                if (!k)
                        return -ENOMEM;
                cpu->kinds = k;
                k[cpu->n_kinds].name = strdup(kinds[i].name);
                k[cpu->n_kinds].cpus = hostcaps_bitmap_format(b);
                cpu->n_kinds++;
                if (!k[cpu->n_kinds - 1].name || !k[cpu->n_kinds - 1].cpus)
                        return -ENOMEM;
        }
        return 0;
}
