#!/bin/sh
# libvirt's CPU map compiled into the library (docs/cpu.md): while the
# installed map is the one the build compiled, a CPU request of the tool
# does not load libxml2 (LD_DEBUG=files lists every library loaded); a map
# elsewhere ($HOSTCAPS_CPU_MAP_DIR) is parsed, libxml2 loaded, and its
# answer is that map's, even where it differs from the installed one.
#   tests/cpumap-compiled.sh BUILD_DIR MAP_DIR   (exit 77: skipped)
set -u
build=$1
map=$2
tool="$build/bin/hostcaps"
gen="$build/bin/hostcaps-cpumap-gen"
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: the model is decoded from CPUID on x86 only"; exit 77; }
grep -q '\.map = &map' "$build/src/cpu/cpumap-compiled.c" 2>/dev/null ||
        { echo "SKIP: no map was compiled in ($map was not installed at build time)"; exit 77; }
[ "$("$gen" --stamp "$map")" = "$(cat "$build/src/cpu/cpumap.stamp")" ] ||
        { echo "SKIP: $map changed since the build"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-cpumap-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
        echo "FAIL: $*"
        failed=$((failed + 1))
}

# libxml2's file name as the loader reports it: libxml2.so.2
loaded_xml() {
        grep -q 'file=libxml2\.so' "$1"
}

unset HOSTCAPS_CPU_MAP_DIR
[ "$(dirname "$map")/$(basename "$map")" = /usr/share/libvirt/cpu_map ] || export HOSTCAPS_CPU_MAP_DIR="$map"
LD_DEBUG=files "$tool" --section cpu >"$tmp/compiled.xml" 2>"$tmp/ld" || fail "hostcaps --section cpu failed"
loaded_xml "$tmp/ld" && fail "libxml2 was loaded for a CPU request with the compiled map valid"
grep -q '<model>' "$tmp/compiled.xml" || echo "note: no model fits this CPU"

# No map at all: the built-in feature table; libxml2 is not loaded either.
HOSTCAPS_CPU_MAP_DIR="$tmp/none" LD_DEBUG=files "$tool" --section cpu >/dev/null 2>"$tmp/ld" ||
        fail "hostcaps --section cpu failed without a map"
loaded_xml "$tmp/ld" && fail "libxml2 was loaded for a CPU request without a map"

# A copy: same content, another directory: parsed, the same answer.
cp -a "$map" "$tmp/copy"
HOSTCAPS_CPU_MAP_DIR="$tmp/copy" LD_DEBUG=files "$tool" --section cpu >"$tmp/copy.xml" 2>"$tmp/ld" ||
        fail "hostcaps --section cpu failed with a copy of the map"
loaded_xml "$tmp/ld" || fail "a copy of the map was not parsed"
cmp -s "$tmp/compiled.xml" "$tmp/copy.xml" || fail "a copy of the map answers otherwise: $(diff "$tmp/compiled.xml" "$tmp/copy.xml")"

# The copy changed: the model chosen is no longer meant for hosts. The
# answer is the changed map's.
model=$(sed -n 's|.*<model>\(.*\)</model>.*|\1|p' "$tmp/compiled.xml")
file=$(grep -l "<model name='$model'>" "$tmp/copy"/*.xml 2>/dev/null | head -n 1)
if [ -n "$model" ] && [ -n "$file" ] && grep -q "<decode host='on'" "$file"; then
        sed -i "s|<decode host='on'|<decode host='off'|" "$file"
        HOSTCAPS_CPU_MAP_DIR="$tmp/copy" "$tool" --section cpu >"$tmp/changed.xml" 2>/dev/null ||
                fail "hostcaps --section cpu failed with a changed map"
        grep -q "<model>$model</model>" "$tmp/changed.xml" &&
                fail "a changed map answered $model, a model it no longer allows for hosts"
else
        echo "note: no model to take away ($model)"
fi

[ "$failed" -eq 0 ] || exit 1
echo "ok"
