/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading a saved capabilities document (hostcaps_node_open_document_data):
 * untrusted XML. A document that loads must answer every section in every
 * format with a readable document, and what the node writes must load again
 * and be written the same (one round trip reaches a fixed point). */
#include "fuzz-util.h"
#include "host/section.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        hostcaps_node *node = NULL, *again = NULL;
        char *doc = NULL, *doc2 = NULL;
        unsigned sections = 0;

        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (hostcaps_sections[i])
                        sections |= 1u << i;
        if (hostcaps_node_open_document_data(&node, (const char *)data, size, 0) < 0) {
                if (node)
                        fuzz_finding("a failed open wrote its output");
                const char *m = hostcaps_error_message();
                if (!m)
                        fuzz_finding("a refused document without a message");
                /* Messages quote the document: never its control bytes. */
                for (const char *p = m; p && *p; p++)
                        if ((unsigned char)*p < 0x20 || *p == 0x7f)
                                fuzz_finding("a control byte in the message: %s", m);
                return 0;
        }
        fuzz_check_node(node, sections);
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (sections & (1u << i))
                        fuzz_check_node(node, 1u << i);

        if (hostcaps_node_get_capabilities(node, sections, 0, HOSTCAPS_FORMAT_XML, &doc) == 0) {
                if (hostcaps_node_open_document_data(&again, doc, strlen(doc), 0) < 0)
                        fuzz_finding("a document hostcaps wrote does not load: %s\n%s",
                                     hostcaps_error_message(), doc);
                if (hostcaps_node_get_capabilities(again, sections, 0, HOSTCAPS_FORMAT_XML, &doc2) == 0 &&
                    strcmp(doc, doc2) != 0)
                        fuzz_finding("written, loaded and written again, the document changed:\n%s\n----\n%s",
                                     doc, doc2);
        }
        free(doc2);
        free(doc);
        hostcaps_node_unref(again);
        hostcaps_node_unref(node);
        return 0;
}
