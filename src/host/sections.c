/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "section.h"

/* The only place the core names the sections. A section not built yet is
 * NULL here and answers -EOPNOTSUPP. */
extern const hostcaps_section_ops hostcaps_cpu_ops;
extern const hostcaps_section_ops hostcaps_host_ops;
extern const hostcaps_section_ops hostcaps_numa_ops;
extern const hostcaps_section_ops hostcaps_memory_ops;
extern const hostcaps_section_ops hostcaps_cache_ops, hostcaps_resctrl_ops;
extern const hostcaps_section_ops hostcaps_isolation_ops;
extern const hostcaps_section_ops hostcaps_frequency_ops;
extern const hostcaps_section_ops hostcaps_devices_ops;

const hostcaps_section_ops *const hostcaps_sections[HOSTCAPS_N_SECTIONS] = {
        [HOSTCAPS_IDX_CPU] = &hostcaps_cpu_ops,
        [HOSTCAPS_IDX_NUMA] = &hostcaps_numa_ops,
        [HOSTCAPS_IDX_MEMORY] = &hostcaps_memory_ops,
        [HOSTCAPS_IDX_CACHE] = &hostcaps_cache_ops,
        [HOSTCAPS_IDX_RESCTRL] = &hostcaps_resctrl_ops,
        [HOSTCAPS_IDX_HOST] = &hostcaps_host_ops,
        [HOSTCAPS_IDX_ISOLATION] = &hostcaps_isolation_ops,
        [HOSTCAPS_IDX_FREQUENCY] = &hostcaps_frequency_ops,
        [HOSTCAPS_IDX_DEVICES] = &hostcaps_devices_ops,
};
