#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The ABI promise, checked on the built library: the functions it exports are
# exactly the public functions the headers declare, and exactly those the
# version script lists, each under the version node the script gives it;
# and every one has a manual page (build/man3/<function>.3, a .so to its
# header's page, which exists).
set -eu
src=$1
build=$2
lib=$build/lib/libhostcaps.so.0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-abi-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

# name@@VERSION of every defined function.
nm -D --defined-only "$lib" | awk '$2 == "T" || $2 == "W" || $2 == "i" { print $3 }' | sort >"$tmp/versioned"
sed 's/@.*//' "$tmp/versioned" | sort -u >"$tmp/exported"

# Declarations marked HOSTCAPS_EXPORT, comments removed, one per line.
sed -e '/^ *#/d' -e 's://.*$::' "$src"/include/hostcaps.h "$src"/include/hostcaps/*.h | tr '\n' ' ' |
        sed -e 's:/\*\([^*]\|\*[^/]\)*\*/::g' | tr ';{}' '\n\n\n' |
        sed -n 's/^ *HOSTCAPS_EXPORT [^(]*[ *]\(hostcaps_[a-z0-9_]*\) *(.*/\1/p' | sort -u >"$tmp/declared"

# The version script: NAME; under HOSTCAPS_x.y { ... }, as name@@HOSTCAPS_x.y.
awk '/^[A-Z0-9_.]+ *\{/ { node = $1 } /^[ \t]*hostcaps_[a-z0-9_]+;/ { gsub(/[ \t;]/, ""); print $0 "@@" node }' \
        "$src/src/libhostcaps.sym" | sort >"$tmp/script"
sed 's/@.*//' "$tmp/script" | sort -u >"$tmp/listed"

compare() { # what-a what-b file-a file-b
        if ! cmp -s "$3" "$4"; then
                echo "FAIL: $1 and $2 differ:"
                diff "$3" "$4" | sed -n "s|^< |    only $1: |p; s|^> |    only $2: |p"
                fail=1
        fi
}
compare "exported by the library" "declared in include/" "$tmp/exported" "$tmp/declared"
compare "exported by the library" "listed in libhostcaps.sym" "$tmp/exported" "$tmp/listed"
compare "versions in the library" "versions in libhostcaps.sym" "$tmp/versioned" "$tmp/script"

# No other symbol leaks out: only functions and the version nodes.
others=$(nm -D --defined-only "$lib" | awk '$2 != "T" && $2 != "W" && $2 != "i" && $2 != "A" { print $3 }')
if [ -n "$others" ]; then
        echo "FAIL: exported objects that are not functions: $others"
        fail=1
fi

# A manual page for every function of the version script.
missing=0
while read -r f; do
        page=$build/man3/$f.3
        target=$(sed -n 's|^\.so man3/||p' "$page" 2>/dev/null || true)
        if [ ! -f "$page" ] || [ -z "$target" ] || [ ! -f "$build/man3/$target" ]; then
                echo "FAIL: no manual page for $f"
                missing=$((missing + 1))
        fi
done <"$tmp/listed"
[ "$missing" -eq 0 ] || fail=1

echo "$(wc -l <"$tmp/exported") functions exported, $(wc -l <"$tmp/declared") declared, $(wc -l <"$tmp/listed") in the version script, $missing without a manual page"
exit "$fail"
