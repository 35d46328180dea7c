list(APPEND HOSTCAPS_SOURCES src/hwloc/hwloc.c)
