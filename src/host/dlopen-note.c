/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libraries libhostcaps loads with dlopen(), declared in an ELF note.
 *
 * NEEDED lists only libc, so packaging tools cannot see libxml2, json-c,
 * libcpuid and hwloc. The freedesktop "dlopen metadata" note (section
 * .note.dlopen, owner "FDO", type 0x407c0c0a) says which sonames the library
 * may load, for what, and how much it matters; `readelf -p .note.dlopen`
 * prints it. Its payload is a JSON array of objects with "feature",
 * "description", "priority" (required, recommended or suggested) and
 * "soname" (an array of names to try, first preferred).
 *
 * The sonames are the ones the code passes to dlopen(): CMakeLists.txt
 * defines HOSTCAPS_SONAME_* for both (src/host/lazy.c, src/hwloc/hwloc.c),
 * and tests/dlopen-note.sh checks that every soname of the note is a string
 * of the library. Priorities: without libxml2 or json-c, core features fail
 * (libvirt's CPU model names, saved documents, JSON output); without libcpuid
 * or hwloc only reading their dumps and topologies does (see
 * docs/packaging.md). */
#include <stdint.h>

#define DLOPEN_NOTE_OWNER "FDO"
#define DLOPEN_NOTE_TYPE  UINT32_C(0x407c0c0a)

/* One note: the ELF note header, the owner padded to 4 bytes, the JSON
 * payload (NUL-terminated, its size padded to 4 bytes by the alignment of
 * what follows). `used` keeps it although nothing refers to it. */
#define DLOPEN_NOTE(var, json)                                                                               \
        __attribute__((used, section(".note.dlopen"))) _Alignas(4) static const struct {                     \
                uint32_t n_namesz, n_descsz, n_type;                                                         \
                char name[sizeof(DLOPEN_NOTE_OWNER)];                                                        \
                _Alignas(4) char desc[sizeof(json)];                                                         \
        } var = {                                                                                            \
                .n_namesz = sizeof(DLOPEN_NOTE_OWNER),                                                       \
                .n_descsz = sizeof(json),                                                                    \
                .n_type = DLOPEN_NOTE_TYPE,                                                                  \
                .name = DLOPEN_NOTE_OWNER,                                                                   \
                .desc = json,                                                                                \
        }

/* One element of the array; the strings must not need JSON escaping. */
#define DLOPEN_ENTRY(feature, description, priority, soname)                                                 \
        "{\"feature\":\"" feature "\",\"description\":\"" description "\",\"priority\":\"" priority          \
        "\",\"soname\":[\"" soname "\"]}"

#ifdef HOSTCAPS_SONAME_LIBCPUID
#define DLOPEN_LIBCPUID                                                                                      \
        "," DLOPEN_ENTRY("libcpuid", "x86 CPUID from libcpuid raw dumps (--cpuid, recorded sysroots)",       \
                         "recommended", HOSTCAPS_SONAME_LIBCPUID)
#else
#define DLOPEN_LIBCPUID ""
#endif

/* Only where src/hwloc/hwloc.c is built (hwloc's headers were found). */
#ifdef HOSTCAPS_SONAME_HWLOC
#define DLOPEN_HWLOC                                                                                         \
        "," DLOPEN_ENTRY("hwloc",                                                                            \
                         "hwloc XML topologies as a source (hostcaps_node_open_hwloc, --from-hwloc)",        \
                         "recommended", HOSTCAPS_SONAME_HWLOC)
#else
#define DLOPEN_HWLOC ""
#endif

DLOPEN_NOTE(hostcaps_dlopen_note,
            "[" DLOPEN_ENTRY("libxml2",
                             "reading XML: libvirt's CPU map (CPU model names), saved capabilities "
                             "documents, CPUID dumps in libvirt's format",
                             "required",
                             HOSTCAPS_SONAME_LIBXML2) "," DLOPEN_ENTRY("json-c",
                                                                       "JSON output (HOSTCAPS_FORMAT_JSON, "
                                                                       "hostcaps -f json)",
                                                                       "required", HOSTCAPS_SONAME_JSONC)
                    DLOPEN_LIBCPUID DLOPEN_HWLOC "]");
