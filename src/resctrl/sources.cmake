list(APPEND HOSTCAPS_SOURCES src/resctrl/resctrl.c src/resctrl/probe.c src/resctrl/load.c)
