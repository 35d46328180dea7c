#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a user gets from `make install PREFIX=...` into a prefix the dynamic
# linker does not search: the tool runs as installed (its RUNPATH finds the
# library), pkg-config answers from hostcaps.pc alone (no libxml2, json-c
# or libcpuid .pc files reachable, no -I of theirs), a program builds with
# those flags only, `man hostcaps_node_open` finds its page, and the JSON
# schema is in share/hostcaps.
set -eu
build=$1
prefix=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-install-XXXXXX")
trap 'rm -rf "$prefix"' EXIT
fail=0
check() { # description command...
        what=$1
        shift
        if "$@" >"$prefix/out" 2>&1; then
                echo "PASS: $what"
        else
                echo "FAIL: $what:"
                sed 's/^/    /' "$prefix/out"
                fail=1
        fi
}

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/ | head -n1)
libdir=${libdir%/}

# Nothing but the installed prefix: no LD_LIBRARY_PATH, no system .pc files.
unset LD_LIBRARY_PATH
# A build for a system libdir (or with HOSTCAPS_INSTALL_RPATH=OFF) has none.
if readelf -d "$prefix/bin/hostcaps" | grep -q 'R.*PATH.*\$ORIGIN'; then
        check "the installed tool runs without LD_LIBRARY_PATH" "$prefix/bin/hostcaps" -s host -f text
else
        echo "SKIP: the tool has no relative RUNPATH in this build (system libdir, or HOSTCAPS_INSTALL_RPATH=OFF)"
        check "the installed tool runs" env LD_LIBRARY_PATH="$libdir" "$prefix/bin/hostcaps" -s host -f text
fi
check "pkg-config --cflags --libs hostcaps with only hostcaps.pc" \
        env PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_PATH= pkg-config --cflags --libs hostcaps
flags=$(PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_PATH= pkg-config --cflags --libs hostcaps)
case "$flags" in
*xml* | *json* | *cpuid* | *hwloc*) echo "FAIL: hostcaps.pc leaks a dependency: $flags"; fail=1 ;;
esac
[ -z "$(PKG_CONFIG_LIBDIR="$libdir/pkgconfig" pkg-config --print-requires-private hostcaps)" ] ||
        { echo "FAIL: hostcaps.pc has Requires.private"; fail=1; }

cat >"$prefix/consumer.c" <<'C'
#include <hostcaps.h>
#include <stdio.h>
int main(void) {
        hostcaps_node *node = NULL;
        if (hostcaps_node_open(&node, NULL, 0) < 0)
                return 1;
        printf("%s\n", hostcaps_node_arch(node));
        hostcaps_node_unref(node);
        return 0;
}
C
# shellcheck disable=SC2086
check "a consumer builds with those flags and nothing else" \
        cc -std=c11 -Wall -Werror -o "$prefix/consumer" "$prefix/consumer.c" $flags
check "the consumer runs" env LD_LIBRARY_PATH="$libdir" "$prefix/consumer"

if command -v man >/dev/null 2>&1; then
        check "man hostcaps_node_open finds its page" man -M "$prefix/share/man" -w hostcaps_node_open
        check "the page renders" sh -c "MANWIDTH=80 man -M '$prefix/share/man' hostcaps_node_open | grep -q hostcaps_node_open"
fi
check "the JSON schema is installed" test -s "$prefix/share/hostcaps/hostcaps.schema.json"
exit "$fail"
