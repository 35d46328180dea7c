/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The isolation section from a saved capabilities document: libvirt's
 * document has no place for isolation or vulnerability facts, so the section
 * is absent, saying so. */
#include "isolation.h"

extern const hostcaps_section_ops hostcaps_isolation_ops;

int hostcaps_isolation_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        (void)d;
        return hostcaps_object_new_absent(&hostcaps_isolation_ops,
                                          "libvirt's capabilities document has no place for it", ret);
}
