/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CPU section from a saved capabilities document: <host><cpu> as
 * hostcaps or libvirt writes it. The document lists the features beside the
 * model only; those are what a loaded object knows (its "all features" are
 * the same list), and topology counts are libvirt's (clusters folded into
 * cores). */
#include <stdio.h>

#include "cpu.h"
#include "host/error.h"
#include "host/xmlread.h"

static int text_of(const hostcaps_doc_ctx *d, xmlNodePtr parent, const char *name, char **ret) {
        xmlNodePtr n = hostcaps_xml_child(parent, name);
        if (!n)
                return 0;
        return hostcaps_xml_text_content(d, n, ret);
}

static int load_topology(const hostcaps_doc_ctx *d, xmlNodePtr t, hostcaps_cpu *cpu) {
        uint32_t v;
        int e;
        if ((e = hostcaps_xml_prop_u32(d, t, "sockets", true, &cpu->topo.sockets)) < 0 ||
            (e = hostcaps_xml_prop_u32(d, t, "cores", true, &cpu->topo.cores)) < 0 ||
            (e = hostcaps_xml_prop_u32(d, t, "threads", true, &cpu->topo.threads)) < 0)
                return e;
        cpu->topo.dies = hostcaps_xml_prop_u32(d, t, "dies", false, &v) >= 0 ? v : 1;
        cpu->topo.clusters = hostcaps_xml_prop_u32(d, t, "clusters", false, &v) >= 0 ? v : 1;
        if (!cpu->topo.sockets || !cpu->topo.cores || !cpu->topo.threads || !cpu->topo.dies ||
            !cpu->topo.clusters)
                return hostcaps_xml_error(d, t, "<topology> counts must be positive");
        /* A document says nothing of online CPUs: the product is what it describes. */
        uint64_t n = (uint64_t)cpu->topo.sockets * cpu->topo.dies * cpu->topo.clusters * cpu->topo.cores *
                     cpu->topo.threads;
        if (n > 65536)
                return hostcaps_xml_error(d, t, "<topology> describes %llu CPUs", (unsigned long long)n);
        cpu->topo.online_cpus = cpu->topo.possible_cpus = (unsigned)n;
        return 0;
}

int hostcaps_cpu_from_xml(const hostcaps_doc_ctx *d, hostcaps_object **ret) {
        xmlNodePtr c = hostcaps_xml_child(d->host, "cpu"), n;
        size_t allocated = 0, all_allocated = 0, pages_allocated = 0;
        hostcaps_cpu *cpu;
        hostcaps_object *o;
        int e = 0;

        /* <cpu><arch> alone is what every document has: no CPU section there. */
        if (!c || (!hostcaps_xml_child(c, "vendor") && !hostcaps_xml_child(c, "topology") &&
                   !hostcaps_xml_child(c, "feature") && !hostcaps_xml_child(c, "model")))
                return -ENODATA;
        if ((e = hostcaps_object_new(HOSTCAPS_SECTION_CPU, &o)) < 0)
                return e;
        cpu = (hostcaps_cpu *)o;
        cpu->tsc_scaling = -1;
        cpu->feature_source = "document";

        if ((e = hostcaps_cpu_set_arch(cpu, d->arch)) < 0)
                goto fail;
        if ((e = text_of(d, c, "model", &cpu->model)) < 0 || (e = text_of(d, c, "vendor", &cpu->vendor)) < 0)
                goto fail;
        if (!cpu->model && (e = hostcaps_cpu_set_model_reason(cpu, "the document names no model")) < 0)
                goto fail;
        if ((n = hostcaps_xml_child(c, "microcode"))) {
                if ((e = hostcaps_xml_prop_u64(d, n, "version", true, &cpu->microcode)) < 0)
                        goto fail;
                cpu->has_microcode = true;
        }
        if ((n = hostcaps_xml_child(c, "signature"))) {
                if ((e = hostcaps_xml_prop_u32(d, n, "family", true, &cpu->family)) < 0 ||
                    (e = hostcaps_xml_prop_u32(d, n, "model", true, &cpu->model_number)) < 0 ||
                    (e = hostcaps_xml_prop_u32(d, n, "stepping", true, &cpu->stepping)) < 0)
                        goto fail;
                cpu->has_signature = true;
        }
        if ((n = hostcaps_xml_child(c, "counter"))) {
                _cleanup_free_ char *scaling = NULL;
                if ((e = hostcaps_xml_prop_u64(d, n, "frequency", true, &cpu->tsc_hz)) < 0)
                        goto fail;
                e = hostcaps_xml_prop_str(d, n, "scaling", false, &scaling);
                if (e == -ENOMEM)
                        goto fail;
                cpu->tsc_scaling = !scaling ? -1 : strcmp(scaling, "yes") == 0 ? 1 : 0;
                e = 0;
        }
        if ((n = hostcaps_xml_child(c, "topology")) && (e = load_topology(d, n, cpu)) < 0)
                goto fail;
        if ((n = hostcaps_xml_child(c, "maxphysaddr"))) {
                uint32_t bits;
                e = hostcaps_xml_prop_u32(d, n, "bits", false, &bits);
                if (e < 0 && e != -ENOENT)
                        goto fail;
                cpu->phys_bits = e >= 0 ? bits : 0;
                e = 0;
        }
        /* A feature named twice is kept once (finish_features: one sort, not
         * a search per feature; a hostile document may hold 100 000). */
        XML_FOREACH_CHILD(f, c, "feature") {
                _cleanup_free_ char *name = NULL;
                if ((e = hostcaps_xml_prop_str(d, f, "name", true, &name)) < 0 ||
                    (e = hostcaps_cpu_add_feature(cpu, name, &allocated)) < 0 ||
                    (e = hostcaps_cpu_add_all_feature(cpu, name, &all_allocated)) < 0)
                        goto fail;
        }
        if ((e = hostcaps_cpu_finish_features(cpu)) < 0)
                goto fail;
        XML_FOREACH_CHILD(p, c, "pages") {
                uint64_t bytes;
                if ((e = hostcaps_xml_prop_size(d, p, "size", "unit", 1024, true, &bytes)) < 0)
                        goto fail;
                if ((e = GROW(cpu->page_sizes, pages_allocated, cpu->n_page_sizes + 1)) < 0)
                        goto fail;
                cpu->page_sizes[cpu->n_page_sizes++] = bytes / 1024;
        }
        hostcaps_cpu_finish_page_sizes(cpu);
        *ret = &cpu->obj;
        return 0;
fail:
        hostcaps_object_unref(&cpu->obj);
        return e;
}
