# libvirt's CPU map compiled into the library (docs/cpu.md, "The compiled
# map"): hostcaps-cpumap-gen parses the build host's map with the library's
# own parser and writes it as constant C data with the map's stamp; at run
# time the library uses it while the installed map's stamp is the same, and
# parses the map otherwise. No map at build time: the data says so, and the
# library parses at run time. The stamp is taken at every build, so a map
# installed, upgraded or removed since the last one is compiled again.
set(HOSTCAPS_CPU_MAP_BUILD_DIR "/usr/share/libvirt/cpu_map" CACHE PATH
    "libvirt's cpu_map compiled into the library (used at run time only while the installed map is that one)")

add_executable(hostcaps-cpumap-gen src/cpu/cpumap-gen.c $<TARGET_OBJECTS:hostcaps_objects>)
target_include_directories(hostcaps-cpumap-gen PRIVATE
  ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include ${CMAKE_BINARY_DIR}/include)
target_compile_definitions(hostcaps-cpumap-gen PRIVATE _GNU_SOURCE)
target_link_libraries(hostcaps-cpumap-gen PRIVATE ${HOSTCAPS_DEPS} Threads::Threads ${CMAKE_DL_LIBS})

set(_cpumap_stamp ${CMAKE_BINARY_DIR}/src/cpu/cpumap.stamp)
set(_cpumap_c ${CMAKE_BINARY_DIR}/src/cpu/cpumap-compiled.c)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/src/cpu)
add_custom_target(hostcaps-cpumap-stamp
  COMMAND hostcaps-cpumap-gen --stamp ${HOSTCAPS_CPU_MAP_BUILD_DIR} ${_cpumap_stamp}
  BYPRODUCTS ${_cpumap_stamp} VERBATIM)
add_custom_command(OUTPUT ${_cpumap_c}
  COMMAND hostcaps-cpumap-gen ${HOSTCAPS_CPU_MAP_BUILD_DIR} ${_cpumap_c}
  DEPENDS hostcaps-cpumap-gen ${_cpumap_stamp}
  COMMENT "Compiling libvirt's CPU map (${HOSTCAPS_CPU_MAP_BUILD_DIR})" VERBATIM)
add_library(hostcaps_cpumap OBJECT ${_cpumap_c})
add_dependencies(hostcaps_cpumap hostcaps-cpumap-stamp)
target_include_directories(hostcaps_cpumap PRIVATE
  ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include ${CMAKE_BINARY_DIR}/include)
target_sources(hostcaps PRIVATE $<TARGET_OBJECTS:hostcaps_cpumap>)
target_sources(hostcaps_static PRIVATE $<TARGET_OBJECTS:hostcaps_cpumap>)
