/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The frequency section from a saved capabilities document: libvirt's
 * document has no place for cpufreq policies, capacities or the kinds made
 * of them, so the section is absent, saying so. */
#include "frequency.h"

extern const hostcaps_section_ops hostcaps_frequency_ops;

int hostcaps_frequency_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        (void)d;
        return hostcaps_object_new_absent(&hostcaps_frequency_ops,
                                          "libvirt's capabilities document has no place for it", ret);
}
