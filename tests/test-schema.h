/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Validating documents against libvirt's installed capabilities schema.
 *
 * The installed schema (libvirt 9.0, /usr/share/libvirt/schemas) restricts
 * host CPU feature names to [a-zA-Z0-9\-_]+, which rejects names libvirt
 * itself prints ("sse4.1", "sse4.2"): libvirt's own `virsh capabilities`
 * output does not validate against it on any x86 host. The tests validate
 * against a copy of the schema in which that one pattern also accepts a dot,
 * and in which a cell's <cpu> may carry cluster_id between die_id and
 * core_id, as libvirt 9.1's schema allows (libvirt prints it since 9.1);
 * nothing else is changed. */

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "test-util.h"

#define LIBVIRT_SCHEMAS "/usr/share/libvirt/schemas"

/* Whether libvirt's schemas are installed. In CI (CI=true) they must be:
 * a missing schema fails the test instead of letting it pass unchecked.
 * Elsewhere the validation is skipped, saying so on stderr. */
static inline bool test_have_schema(void) {
        struct stat st;
        const char *ci = getenv("CI");
        if (stat(LIBVIRT_SCHEMAS "/capability.rng", &st) == 0)
                return true;
        cr_assert_not(ci && strcmp(ci, "true") == 0,
                      LIBVIRT_SCHEMAS "/capability.rng is missing: CI must validate against libvirt's schema "
                                      "(Debian package libvirt0)");
        fprintf(stderr, "SKIP schema validation: " LIBVIRT_SCHEMAS "/capability.rng not installed\n");
        return false;
}

/* Copy the schemas to a temp dir, relax the feature name pattern; returns
 * the path of capability.rng in the copy (caller frees; test_rm_rf(dir)). */
static inline char *test_schema_copy(char **ret_dir) {
        char *dir = test_mkdtemp(), *cmd = NULL, *path = NULL, *data = NULL;
        size_t len = 0;
        cr_assert(dir);
        cr_assert(asprintf(&cmd, "cp " LIBVIRT_SCHEMAS "/*.rng '%s'/", dir) >= 0);
        cr_assert(system(cmd) == 0, "cannot copy the schemas");
        free(cmd);
        cr_assert(asprintf(&path, "%s/cputypes.rng", dir) >= 0);
        FILE *f = fopen(path, "r");
        cr_assert(f);
        cr_assert(getdelim(&data, &len, '\0', f) > 0);
        fclose(f);
        const char *old = "<param name=\"pattern\">[a-zA-Z0-9\\-_]+</param>";
        char *at = strstr(data, old);
        cr_assert(at, "the installed cputypes.rng changed: host feature pattern not found");
        f = fopen(path, "w");
        cr_assert(f);
        fwrite(data, 1, (size_t)(at - data), f);
        fputs("<param name=\"pattern\">[a-zA-Z0-9_.\\-]+</param>", f);
        fputs(at + strlen(old), f);
        fclose(f);
        free(data);
        free(path);
        cr_assert(asprintf(&path, "%s/capability.rng", dir) >= 0);
        f = fopen(path, "r");
        cr_assert(f);
        data = NULL;
        len = 0;
        cr_assert(getdelim(&data, &len, '\0', f) > 0);
        fclose(f);
        const char *core = "<attribute name=\"core_id\">";
        at = strstr(data, core);
        cr_assert(at, "the installed capability.rng changed: core_id not found");
        if (!strstr(data, "\"cluster_id\"")) {
                f = fopen(path, "w");
                cr_assert(f);
                fwrite(data, 1, (size_t)(at - data), f);
                fputs("<optional><attribute name=\"cluster_id\"><ref "
                      "name=\"unsignedInt\"/></attribute></optional>",
                      f);
                fputs(at, f);
                fclose(f);
        }
        free(data);
        *ret_dir = dir;
        return path;
}

/* 0 when `xml` validates; otherwise fails the test with libxml2's message. */
static inline void test_assert_valid_capabilities(const char *xml) {
        char *dir = NULL, *rng = test_schema_copy(&dir);
        xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewParserCtxt(rng);
        xmlRelaxNGPtr schema = xmlRelaxNGParse(pctxt);
        cr_assert(schema, "cannot parse %s", rng);
        xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(schema);
        xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "doc.xml", NULL, XML_PARSE_NONET);
        cr_assert(doc, "document is not well-formed XML:\n%s", xml);
        int r = xmlRelaxNGValidateDoc(vctxt, doc);
        cr_assert_eq(r, 0, "document does not validate against capability.rng:\n%s", xml);
        xmlFreeDoc(doc);
        xmlRelaxNGFreeValidCtxt(vctxt);
        xmlRelaxNGFree(schema);
        xmlRelaxNGFreeParserCtxt(pctxt);
        test_rm_rf(dir);
        free(dir);
        free(rng);
}
