/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcaps_node_open_hwloc() in a build without hwloc's headers (libhwloc-dev):
 * src/hwloc/hwloc.c reads hwloc's structures, so it cannot be compiled
 * without them. The entry point stays exported (the ABI does not depend on
 * the build) and says why it cannot work. CMakeLists.txt uses this file in
 * place of src/hwloc/hwloc.c only when hwloc is not found. */
#include <errno.h>

#include "host/error.h"
#include "hostcaps/node.h"

HOSTCAPS_EXPORT int hostcaps_node_open_hwloc(hostcaps_node **ret, const char *path, unsigned int flags) {
        if (!ret || !path)
                return hostcaps_error(EINVAL, "hostcaps_node_open_hwloc: invalid argument");
        if (flags != 0)
                return hostcaps_error(EINVAL, "hostcaps_node_open_hwloc: unknown flags 0x%x", flags);
        return hostcaps_error(EOPNOTSUPP, "hostcaps was built without hwloc support (libhwloc-dev was not installed)");
}
