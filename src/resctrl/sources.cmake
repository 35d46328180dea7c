list(APPEND HOSTCAPS_SOURCES src/resctrl/resctrl.c src/resctrl/probe.c)
