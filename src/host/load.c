/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading a saved capabilities document (hostcaps' own XML, or libvirt's
 * `virsh capabilities`): the node then answers by section like any other. */
#include <libxml/parser.h>
#include <stdio.h>
#include <unistd.h>

#include "error.h"
#include "hostcaps/node.h"
#include "node.h"
#include "reader.h"
#include "xmlread.h"

static int load(hostcaps_node **ret, const char *data, size_t len, const char *name) {
        xmlDocPtr doc = NULL;
        hostcaps_node *node = NULL;
        _cleanup_free_ char *arch = NULL;
        int e;

        doc = hostcaps_xml_parse_untrusted(data, len, name);
        if (!doc)
                return -EINVAL;

        xmlNodePtr root = xmlDocGetRootElement(doc);
        hostcaps_doc_ctx d = {.name = name};
        if (!root || !xmlStrEqual(root->name, BAD_CAST "capabilities")) {
                e = hostcaps_xml_error(&d, root, "the root element is <%s>, not <capabilities>",
                                       root ? (const char *)root->name : "none");
                goto out;
        }
        /* <guest> elements (libvirt's emulators) are ignored: hostcaps is about the host. */
        xmlNodePtr host = hostcaps_xml_child(root, "host");
        if (!host) {
                e = hostcaps_xml_error(&d, root, "<capabilities> has no <host>");
                goto out;
        }
        xmlNodePtr cpu = hostcaps_xml_child(host, "cpu"), a = cpu ? hostcaps_xml_child(cpu, "arch") : NULL;
        if (!a) {
                e = hostcaps_xml_error(&d, cpu ? cpu : host, "<host> has no <cpu><arch>");
                goto out;
        }
        if ((e = hostcaps_xml_text_content(&d, a, &arch)) < 0)
                goto out;
        if (!*arch || strlen(arch) > 31) {
                e = hostcaps_xml_error(&d, a, "invalid <arch> '%.32s'", arch);
                goto out;
        }
        d.host = host;
        d.arch = arch;

        if ((e = hostcaps_node_new_frozen(&node, name, arch)) < 0)
                goto out;
        for (unsigned i = 0; i < HOSTCAPS_N_SECTIONS; i++) {
                const hostcaps_section_ops *ops = hostcaps_sections[i];
                hostcaps_object *o = NULL;
                if (!ops || (!ops->from_xml && !ops->object_size))
                        continue; /* get answers "cannot be read from" the document */
                e = ops->from_xml ? ops->from_xml(&d, &o) : -ENODATA;
                if (e == -ENODATA)
                        e = hostcaps_object_new_absent(ops, "not in the loaded document", &o);
                if (e < 0)
                        goto out;
                hostcaps_node_publish(node, i, o);
        }
        *ret = TAKE_PTR(node);
        e = 0;
out:
        hostcaps_node_unref(node);
        xmlFreeDoc(doc);
        return e;
}

/* The encoding of a file the reader refused for its NUL bytes, from its
 * first bytes: -EINVAL naming it, or `e` (the reader's message stays). */
static int refuse_encoding(hostcaps_reader *r, const char *path, int e) {
        char head[4];
        ssize_t n;
        int fd = hostcaps_reader_open(r, path, 0);
        if (fd < 0)
                return e;
        n = read(fd, head, sizeof(head));
        close(fd);
        if (n < 2)
                return e;
        /* The first bytes of a UTF-16 or UTF-32 document name the encoding;
         * a NUL further on keeps the reader's message. */
        return memchr(head, '\0', (size_t)n) ? hostcaps_xml_check_encoding(head, (size_t)n, path) : e;
}

HOSTCAPS_EXPORT int hostcaps_node_open_document(hostcaps_node **ret, const char *path, unsigned int flags) {
        hostcaps_reader *r = NULL;
        _cleanup_free_ char *data = NULL;
        size_t len;
        int e;

        if (!ret || !path)
                return hostcaps_error(EINVAL, "hostcaps_node_open_document: invalid argument");
        if (flags != 0)
                return hostcaps_error(EINVAL, "hostcaps_node_open_document: unknown flags 0x%x", flags);
        /* A path of this machine, read through a reader of "/" like any file
         * the library reads. */
        if ((e = hostcaps_reader_new_cwd(&r)) < 0)
                return e;
        e = hostcaps_read_file(r, path, &data, &len);
        /* The reader refuses a file holding a NUL byte: say why, as a
         * document given as data is told (UTF-16, UTF-32). */
        if (e == -EBADMSG)
                e = refuse_encoding(r, path, e);
        hostcaps_reader_free(r);
        if (e < 0)
                return e == -EFBIG || e == -EBADMSG || e == -EINVAL
                               ? e
                               : hostcaps_error(-e, "%s: %s", path, strerror(-e));
        return load(ret, data, len, path);
}

HOSTCAPS_EXPORT int hostcaps_node_open_document_data(hostcaps_node **ret, const char *data, size_t size,
                                                     unsigned int flags) {
        if (!ret || !data)
                return hostcaps_error(EINVAL, "hostcaps_node_open_document_data: invalid argument");
        if (flags != 0)
                return hostcaps_error(EINVAL, "hostcaps_node_open_document_data: unknown flags 0x%x", flags);
        return load(ret, data, size, "document");
}
