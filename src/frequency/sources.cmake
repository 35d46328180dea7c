list(APPEND HOSTCAPS_SOURCES src/frequency/frequency.c src/frequency/probe.c src/frequency/load.c)
