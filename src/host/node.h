/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcaps/node.h"
#include "section.h"

/* The sidecar a snapshot records at its root for facts that are not files
 * on a live host: key=value lines (arch, page_size, kernel, hostcaps version). */
#define HOSTCAPS_SNAPSHOT_META "hostcaps-snapshot.txt"

int hostcaps_node_read_meta(hostcaps_node *node, const char *key, char **ret);
uint64_t hostcaps_node_page_size(const hostcaps_node *node);
void hostcaps_node_probe_ctx(hostcaps_node *node, hostcaps_probe_ctx *ret);
/* Tests: open a sysroot that is treated like a live host (stamps checked,
 * volatile sections re-read), so a test can change files under a node. */
int hostcaps_node_open_changing(hostcaps_node **ret, const char *root);
/* A node whose sections are published once by a loader (saved document,
 * hwloc topology) and never probed. */
int hostcaps_node_new_frozen(hostcaps_node **ret, const char *source, const char *arch);
void hostcaps_node_publish(hostcaps_node *node, unsigned int idx, hostcaps_object *o);

/* Snapshot writing (snapshot.c). */
/* Tests: a function called before each write step of hostcaps_snapshot()
 * ("mkdir" with each directory as it is made, "create", "symlink", "meta"
 * with the path concerned), so a test
 * can plant links and files while a recording is written. Process-wide;
 * NULL to remove. */
typedef void (*hostcaps_snapshot_hook_fn)(void *userdata, const char *step, const char *rel);
void hostcaps_snapshot_set_hook(hostcaps_snapshot_hook_fn fn, void *userdata);
