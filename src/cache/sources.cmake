list(APPEND HOSTCAPS_SOURCES src/cache/cache.c src/cache/probe.c src/cache/load.c)
