/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole documents: libvirt's schema, JSON well-formedness, only what was asked. */
#include <json-c/json.h>

#include "host/section.h"
#include "hostcaps.h"
#include "test-schema.h"

/* The sections this build implements. */
static unsigned implemented(void) {
        unsigned m = 0;
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (hostcaps_sections[i])
                        m |= 1u << i;
        return m;
}

Test(document, every_section_is_implemented) {
        cr_assert_eq(implemented(), HOSTCAPS_SECTION_ALL | HOSTCAPS_SECTION_DEVICES);
}

Test(document, live_xml_validates) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        if (!test_have_schema())
                cr_skip_test("libvirt's schemas are not installed (package libvirt0)");
        cr_assert_eq(hostcaps_node_open(&node, NULL, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, implemented(), 0, HOSTCAPS_FORMAT_XML, &doc), 0,
                     "%s", hostcaps_error_message());
        test_assert_valid_capabilities(doc);
        free(doc);
        /* Each section alone validates too. */
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                if (!(implemented() & (1u << i)))
                        continue;
                cr_assert_eq(hostcaps_node_get_capabilities(node, 1u << i, 0, HOSTCAPS_FORMAT_XML, &doc), 0);
                test_assert_valid_capabilities(doc);
                free(doc);
        }
        /* Nothing asked: still a valid document, <cpu><arch> only. */
        cr_assert_eq(hostcaps_node_get_capabilities(node, 0, 0, HOSTCAPS_FORMAT_XML, &doc), 0);
        test_assert_valid_capabilities(doc);
        cr_assert(strstr(doc, "<arch>"));
        free(doc);
        hostcaps_node_unref(node);
}

Test(document, live_json_parses) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, NULL, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, implemented(), 0, HOSTCAPS_FORMAT_JSON, &doc), 0,
                     "%s", hostcaps_error_message());
        struct json_object *j = json_tokener_parse(doc);
        cr_assert_not_null(j, "not JSON:\n%s", doc);
        cr_assert(json_object_object_get_ex(j, "arch", NULL));
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                if (implemented() & (1u << i))
                        cr_assert(json_object_object_get_ex(j, hostcaps_section_to_string(1u << i), NULL),
                                  "section %s missing", hostcaps_section_to_string(1u << i));
        json_object_put(j);
        free(doc);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_JSON, &doc), 0);
        j = json_tokener_parse(doc);
        cr_assert(json_object_object_get_ex(j, "cpu", NULL));
        cr_assert_not(json_object_object_get_ex(j, "host", NULL), "only what was asked");
        json_object_put(j);
        free(doc);
        hostcaps_node_unref(node);
}

Test(document, live_text) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, NULL, 0), 0);
        cr_assert_eq(
                hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_TEXT, &doc), 0);
        cr_assert(strstr(doc, "Architecture:"));
        cr_assert(strstr(doc, "Sockets:"));
        free(doc);
        hostcaps_node_unref(node);
}

Test(document, cpu_only_request_probes_only_the_cpu) {
        hostcaps_node *node = NULL;
        char *doc = NULL;
        cr_assert_eq(hostcaps_node_open(&node, NULL, 0), 0);
        cr_assert_eq(hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_XML, &doc),
                     0);
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++)
                cr_assert_eq(hostcaps_node_n_probes(node, 1u << i), i == HOSTCAPS_IDX_CPU ? 1u : 0u,
                             "section %s probed", hostcaps_section_to_string(1u << i));
        free(doc);
        hostcaps_node_unref(node);
}
