/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the NUMA and memory-state sections both read: the node list and
 * meminfo files. */
#include <ctype.h>
#include <stdio.h>

#include "host/error.h"
#include "host/parse.h"
#include "numa.h"

int hostcaps_numa_read_nodes(hostcaps_reader *r, hostcaps_bitmap **ret) {
        _cleanup_bitmap_ hostcaps_bitmap *b = NULL;
        char **names = NULL;
        size_t n = 0;

        /* "0-1\n": N_ONLINE, the nodes that have a nodeN directory (since 2.6.x). */
        int e = hostcaps_read_cpulist(r, NODE_DIR "/online", ret);
        if (e >= 0 && hostcaps_bitmap_last(*ret) >= (int)HOSTCAPS_MAX_NODES) {
                int last = hostcaps_bitmap_last(*ret);
                *ret = hostcaps_bitmap_free(*ret);
                return hostcaps_error(ERANGE,
                                      NODE_DIR "/online: node %d exceeds the kernel's limit of %u nodes",
                                      last, HOSTCAPS_MAX_NODES);
        }
        if (e != -ENOENT && e != -ENOTDIR)
                return e;
        e = hostcaps_read_dir(r, NODE_DIR, &names, &n);
        if (e == -ENOENT || e == -ENOTDIR)
                return -ENOENT;
        if (e < 0)
                return e;
        b = hostcaps_bitmap_new();
        for (size_t i = 0; b && e >= 0 && i < n; i++) {
                const char *num = startswith(names[i], "node");
                uint64_t id;
                /* "node0", never "node00"; has_cpu, has_memory, possible... are not nodes. */
                if (!num || !isdigit((unsigned char)num[0]) || (num[0] == '0' && num[1]) ||
                    hostcaps_parse_u64(num, &id) < 0)
                        continue;
                if (id >= HOSTCAPS_MAX_NODES)
                        e = hostcaps_error(ERANGE, NODE_DIR "/%s: node id out of range", names[i]);
                else
                        e = hostcaps_bitmap_set(b, (unsigned)id);
        }
        hostcaps_strv_free(names);
        if (!b)
                return -ENOMEM;
        if (e < 0)
                return e;
        *ret = TAKE_PTR(b);
        return 0;
}

/* "  4679884 kB" -> 4679884. */
static int parse_kib(const char *path, const char *key, char *value, uint64_t *ret) {
        char *v = hostcaps_strstrip(value);
        size_t l = strlen(v);
        char saved[65];

        snprintf(saved, sizeof(saved), "%s", v);
        if (l >= 2 && strcmp(v + l - 2, "kB") == 0) {
                v[l - 2] = '\0';
                hostcaps_strstrip(v);
        }
        if (!*v || hostcaps_parse_u64(v, ret) < 0)
                return hostcaps_error(EINVAL, "%s: invalid %s value '%s'", path, key, saved);
        return 0;
}

int hostcaps_numa_read_meminfo(hostcaps_reader *r, int node, uint64_t *ret_total_kib,
                               uint64_t *ret_free_kib) {
        _cleanup_free_ char *s = NULL;
        char path[128];
        bool have_total = false, have_free = false;
        uint64_t total = 0, free_kib = 0;
        int e;

        if (node >= 0)
                snprintf(path, sizeof(path), NODE_DIR "/node%d/meminfo", node);
        else
                snprintf(path, sizeof(path), "proc/meminfo");
        e = hostcaps_read_file(r, path, &s, NULL);
        if (e < 0)
                return e;

        /* One "Key: value [kB]" a line; a node's lines start with "Node N "
         * (the layout of both files is unchanged since 2.6). */
        for (char *line = s, *next; line && *line; line = next) {
                char *key = line, *colon;
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (!*hostcaps_strstrip(line))
                        continue;
                if (node >= 0) {
                        const char *p = startswith(line, "Node ");
                        char *end;
                        long id = p ? strtol(p, &end, 10) : -1;
                        if (!p || end == p || *end != ' ' || id != node)
                                return hostcaps_error(EINVAL, "%s: unexpected line '%.64s' (not of node %d)",
                                                      path, line, node);
                        key = end + 1;
                        while (*key == ' ')
                                key++;
                }
                colon = strchr(key, ':');
                if (!colon || colon == key)
                        return hostcaps_error(EINVAL, "%s: unexpected line '%.64s'", path, line);
                *colon = '\0';
                if (strcmp(key, "MemTotal") == 0) {
                        if ((e = parse_kib(path, key, colon + 1, &total)) < 0)
                                return e;
                        have_total = true;
                } else if (strcmp(key, "MemFree") == 0) {
                        if ((e = parse_kib(path, key, colon + 1, &free_kib)) < 0)
                                return e;
                        have_free = true;
                }
        }
        /* MemFree is needed only by who asks for it (the memory-state
         * section); the NUMA section's total stands alone. */
        if (!have_total || (ret_free_kib && !have_free))
                return hostcaps_error(EINVAL, "%s: no %s line", path, have_total ? "MemFree" : "MemTotal");
        if (have_free && free_kib > total)
                return hostcaps_error(EINVAL, "%s: MemFree %llu kB exceeds MemTotal %llu kB", path,
                                      (unsigned long long)free_kib, (unsigned long long)total);
        if (ret_total_kib)
                *ret_total_kib = total;
        if (ret_free_kib)
                *ret_free_kib = free_kib;
        return 0;
}
