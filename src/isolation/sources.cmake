list(APPEND HOSTCAPS_SOURCES src/isolation/isolation.c src/isolation/probe.c src/isolation/load.c)
