list(APPEND HOSTCAPS_SOURCES
  src/host/bitmap.c src/host/cputopo.c src/host/buf.c src/host/document.c src/host/error.c src/host/node.c
  src/host/object.c src/host/parse.c src/host/reader.c src/host/sections.c src/host/snapshot.c src/host/util.c src/host/load.c src/host/xmlread.c
  src/host/cachetype.c src/host/units.c)
