list(APPEND HOSTCAPS_SOURCES src/hostinfo/hostinfo.c src/hostinfo/probe.c src/hostinfo/load.c)
