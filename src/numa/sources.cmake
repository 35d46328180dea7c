# numa section sources: the NUMA section (probe, format, load), the memory-state section, and what both read
list(APPEND HOSTCAPS_SOURCES src/numa/nodes.c src/numa/numa.c src/numa/probe.c src/numa/load.c src/numa/memory.c src/numa/hmat.c)
