#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The library's .note.dlopen (src/host/dlopen-note.c): an ELF note of owner
# "FDO" and type 0x407c0c0a whose JSON array names, for each library that
# hostcaps dlopen()s, a feature, a description, a priority and its sonames.
# Checked: the note parses, every entry is complete, it names each soname
# given as an argument (what the build found), and each soname it names is a
# string of the library on its own: the name passed to dlopen().
# usage: dlopen-note.sh LIBRARY SONAME...
set -eu
lib=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-note-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! objcopy --dump-section .note.dlopen="$tmp/note" "$lib" "$tmp/copy" 2>"$tmp/err"; then
        echo "FAIL: $lib has no .note.dlopen section: $(cat "$tmp/err")"
        exit 1
fi
readelf -n "$lib" | grep -q 'FDO .*0x407c0c0a' || { echo "FAIL: readelf -n shows no FDO note of type 0x407c0c0a"; exit 1; }

python3 - "$tmp/note" "$@" >"$tmp/sonames" <<'PY' || exit 1
import json, struct, sys
data = open(sys.argv[1], "rb").read()
expected = sys.argv[2:]
entries, off = [], 0
while off + 12 <= len(data):
    namesz, descsz, ntype = struct.unpack_from("<III", data, off)
    off += 12
    name = data[off:off + namesz].rstrip(b"\0").decode()
    off += (namesz + 3) & ~3
    desc = data[off:off + descsz].rstrip(b"\0").decode()
    off += (descsz + 3) & ~3
    if name != "FDO" or ntype != 0x407c0c0a:
        sys.exit(f"FAIL: note owner {name!r} type {ntype:#x}, expected FDO 0x407c0c0a")
    entries += json.loads(desc)
sonames = []
for e in entries:
    if set(e) != {"feature", "description", "priority", "soname"}:
        sys.exit(f"FAIL: entry with keys {sorted(e)}")
    if e["priority"] not in ("required", "recommended", "suggested"):
        sys.exit(f"FAIL: {e['feature']}: priority {e['priority']!r}")
    if not e["soname"] or not all(isinstance(s, str) and ".so." in s for s in e["soname"]):
        sys.exit(f"FAIL: {e['feature']}: sonames {e['soname']!r}")
    sonames += e["soname"]
    print(f"  {e['feature']}: {', '.join(e['soname'])} ({e['priority']})", file=sys.stderr)
for s in expected:
    if s not in sonames:
        sys.exit(f"FAIL: the note does not name {s}")
print("\n".join(sonames))
PY

strings -a "$lib" >"$tmp/strings"
fail=0
while read -r s; do
        if ! grep -qxF "$s" "$tmp/strings"; then
                echo "FAIL: the note names $s, which the library never passes to dlopen()"
                fail=1
        fi
done <"$tmp/sonames"
[ "$fail" -eq 0 ] && echo "PASS: .note.dlopen names $(tr '\n' ' ' <"$tmp/sonames")"
exit "$fail"
