list(APPEND HOSTCAPS_SOURCES src/devices/devices.c src/devices/probe.c)
