#!/bin/sh
# Snapshots recorded with `hostcaps snapshot` on real machines replay to the
# documents recorded beside them (NAME.expected.xml, NAME.expected.json).
# After an intended change of the output, regenerate them with
#   HOSTCAPS_REGENERATE=1 tests/snapshots.sh . build
set -u
src=$1
build=$2
tool="$build/bin/hostcaps"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-snapshots-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The CPU model comes from the installed libvirt CPU map (libvirt0): the
# expected documents were made with Debian 12's (libvirt 9.0.0).
if [ ! -f /usr/share/libvirt/cpu_map/index.xml ]; then
        echo "SKIP: libvirt's cpu_map is not installed (package libvirt0)"
        exit 77
fi

passed=0
failed=0
for root in "$src"/tests/snapshots/*/; do
        root=${root%/}
        name=$(basename "$root")
        for format in xml json; do
                expected="$root.expected.$format"
                if ! "$tool" --root "$root" -f "$format" >"$tmp/out" 2>"$tmp/err"; then
                        echo "FAIL: $name ($format): $(cat "$tmp/err")"
                        failed=$((failed + 1))
                        continue
                fi
                if [ -n "${HOSTCAPS_REGENERATE:-}" ]; then
                        cp "$tmp/out" "$expected"
                        echo "regenerated $expected"
                fi
                if cmp -s "$tmp/out" "$expected"; then
                        passed=$((passed + 1))
                else
                        echo "FAIL: $name ($format) differs from $(basename "$expected"):"
                        diff -u "$expected" "$tmp/out" | head -n 40
                        failed=$((failed + 1))
                fi
        done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
