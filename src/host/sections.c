/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "section.h"

/* The only place the core names the sections. A section not built yet is
 * NULL here and answers -EOPNOTSUPP. */
extern const hostcaps_section_ops hostcaps_cpu_ops;
extern const hostcaps_section_ops hostcaps_host_ops;

const hostcaps_section_ops *const hostcaps_sections[HOSTCAPS_N_SECTIONS] = {
        [HOSTCAPS_IDX_CPU] = &hostcaps_cpu_ops,
        [HOSTCAPS_IDX_NUMA] = NULL,
        [HOSTCAPS_IDX_MEMORY] = NULL,
        [HOSTCAPS_IDX_CACHE] = NULL,
        [HOSTCAPS_IDX_RESCTRL] = NULL,
        [HOSTCAPS_IDX_HOST] = &hostcaps_host_ops,
};
