list(APPEND HOSTCAPS_SOURCES src/hostinfo/hostinfo.c)
