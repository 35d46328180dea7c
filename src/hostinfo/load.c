/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host section from a saved capabilities document: <uuid>,
 * <power_management>, <iommu support>. What the document leaves out is
 * unknown. */
#include "host/error.h"
#include "host/xmlread.h"
#include "hostinfo.h"

int hostcaps_host_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr host = d->host, uuid = hostcaps_xml_child(host, "uuid"),
                   pm = hostcaps_xml_child(host, "power_management"),
                   iommu = hostcaps_xml_child(host, "iommu");
        hostcaps_host *h;
        hostcaps_object *o;
        int e = 0;

        if (!uuid && !pm && !iommu)
                return -ENODATA;
        if ((e = hostcaps_object_new(HOSTCAPS_SECTION_HOST, &o)) < 0)
                return e;
        h = (hostcaps_host *)o;
        if (uuid) {
                _cleanup_free_ char *s = NULL;
                e = hostcaps_xml_text_content(d, uuid, &s);
                if (e >= 0 && (e = hostcaps_host_uuid_normalize(s, &h->uuid)) == 0)
                        e = hostcaps_xml_error(d, uuid, "invalid <uuid> '%.64s'", s);
                h->uuid_source = "document";
        }
        /* What the document leaves out is unknown. */
        h->pm_unknown = !pm;
        h->iommu = -1;
        XML_FOREACH_CHILD(c, pm, NULL) {
                unsigned int flag = 0;
                if (e < 0)
                        break;
                for (size_t i = 0; i < HOSTCAPS_N_PM_TARGETS; i++)
                        if (xmlStrEqual(c->name, BAD_CAST hostcaps_pm_targets[i].name))
                                flag = hostcaps_pm_targets[i].flag;
                if (!flag)
                        e = hostcaps_xml_error(d, c, "unknown power management target <%s>",
                                               (const char *)c->name);
                h->pm |= flag;
        }
        if (e >= 0 && iommu) {
                _cleanup_free_ char *s = NULL;
                e = hostcaps_xml_prop_str(d, iommu, "support", true, &s);
                if (e >= 0 && strcmp(s, "yes") != 0 && strcmp(s, "no") != 0)
                        e = hostcaps_xml_error(d, iommu, "<iommu> attribute 'support': invalid value '%.16s'",
                                               s);
                h->iommu = e >= 0 && strcmp(s, "yes") == 0;
        }
        if (e < 0) {
                hostcaps_object_unref(&h->obj);
                return e;
        }
        *ret = &h->obj;
        return 0;
}
