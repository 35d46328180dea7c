/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* hostcaps: what is this host? Only the parts the caller asks for.
 *
 *   hostcaps_node *node = NULL;
 *   char *xml = NULL;
 *   if (hostcaps_node_open(&node, NULL, 0) == 0 &&
 *       hostcaps_node_get_capabilities(node, HOSTCAPS_SECTION_CPU, 0, HOSTCAPS_FORMAT_XML, &xml) == 0)
 *           puts(xml);
 *   free(xml);
 *   hostcaps_node_unref(node);
 *
 * See hostcaps/common.h for the conventions every call follows. */

#include <hostcaps/version.h>
#include <hostcaps/common.h>
#include <hostcaps/cpuset.h>
#include <hostcaps/node.h>
#include <hostcaps/cpu.h>
#include <hostcaps/numa.h>
#include <hostcaps/memory.h>
#include <hostcaps/cache.h>
#include <hostcaps/resctrl.h>
#include <hostcaps/host.h>
#include <hostcaps/frequency.h>
#include <hostcaps/isolation.h>
#include <hostcaps/devices.h>
#include <hostcaps/snapshot.h>
