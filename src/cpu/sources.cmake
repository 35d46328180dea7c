list(APPEND HOSTCAPS_SOURCES
  src/cpu/cpu.c src/cpu/cpuinfo.c src/cpu/load.c src/cpu/cpumap.c src/cpu/topology.c src/cpu/x86.c src/cpu/x86-builtin.c)
