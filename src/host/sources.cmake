list(APPEND HOSTCAPS_SOURCES
  src/host/bitmap.c src/host/cachetype.c src/host/cgroup.c src/host/cpuset.c src/host/cputopo.c src/host/buf.c
  src/host/document.c src/host/error.c src/host/export.c src/host/hugepages.c src/host/load.c src/host/node.c src/host/object.c src/host/parse.c
  src/host/reader.c src/host/sections.c src/host/snapshot.c src/host/units.c src/host/util.c src/host/xmlread.c)
