#!/bin/sh
# hwloc XML as a source: the topology hwloc exports from a sysroot
# (HWLOC_FSROOT=DIR lstopo --of xml) must give the same NUMA cells, CPUs and
# cache banks as hostcaps reading that sysroot directly, on every tree we have.
set -u
src=$1
build=$2
tool="$build/bin/hostcaps"
gen="$build/bin/hostcaps-gen"
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-hwloc-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! command -v lstopo-no-graphics >/dev/null 2>&1; then
        echo "SKIP: lstopo-no-graphics (package hwloc) is not installed"
        exit 77 # ctest: skipped
fi

passed=0
failed=0
skipped=0
check() {
        name=$1
        root=$2
        # -x86: hwloc would otherwise read this machine's CPUID, whatever the root.
        if ! HWLOC_FSROOT="$root" HWLOC_COMPONENTS=-x86 lstopo-no-graphics --of xml --filter icache:all - \
                >"$tmp/t.xml" 2>"$tmp/t.err"; then
                echo "SKIP: $name: hwloc cannot read the tree: $(head -c 200 "$tmp/t.err")"
                skipped=$((skipped + 1))
                return
        fi
        # hwloc falls back to an empty placeholder machine when it cannot read
        # the tree (libvirt's trimmed recordings lack the mask files it needs).
        if grep -q "aborting linux discovery" "$tmp/t.err"; then
                echo "SKIP: $name: hwloc cannot read the tree: $(head -c 200 "$tmp/t.err")"
                skipped=$((skipped + 1))
                return
        fi
        if ! "$tool" -r "$root" -s numa,cache -f json >"$tmp/direct.json" 2>"$tmp/d.err"; then
                echo "SKIP: $name: hostcaps refuses the tree: $(cat "$tmp/d.err")"
                skipped=$((skipped + 1))
                return
        fi
        if ! "$tool" --from-hwloc "$tmp/t.xml" -s numa,cache -f json >"$tmp/hwloc.json" 2>"$tmp/h.err"; then
                echo "FAIL: $name: --from-hwloc: $(cat "$tmp/h.err")"
                failed=$((failed + 1))
                return
        fi
        if "$py" - "$tmp/direct.json" "$tmp/hwloc.json" "$name" <<'PY'
import json, sys
direct, hw, name = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]

def cells(d):
    return {c["id"]: (c["cpus"], tuple((x["id"], x["socket_id"], x["core_id"], x["siblings"]) for x in c["cpu_ids"]))
            for c in d["numa"]["cells"] if c["cpus"]}

def banks(d):
    return sorted((b["level"], b["type"], b["size_bytes"], b["cpus"]) for b in d["cache"]["banks"])

problems = []
if cells(direct) != cells(hw):
    problems.append(f"cells differ:\n  direct {cells(direct)}\n  hwloc  {cells(hw)}")
if banks(direct) != banks(hw):
    problems.append(f"banks differ:\n  direct {banks(direct)}\n  hwloc  {banks(hw)}")
if problems:
    print(f"FAIL: {name}: " + "\n".join(problems)[:3000])
    sys.exit(1)
PY
        then
                passed=$((passed + 1))
        else
                failed=$((failed + 1))
        fi
}

check "live host" /

i=0
for shape in "--sockets 1 --cores 4 --threads 2" \
             "--sockets 2 --cores 8 --threads 2 --nodes-per-socket 2" \
             "--sockets 2 --dies 2 --cores 4 --memory-only-nodes 1" \
             "--sockets 1 --cores 16 --l3 cores:4 --offline 3,5" \
             "--sockets 2 --cores 6 --l2-cores 2 --node-ids 0,3 --asymmetric" \
             "--sockets 4 --cores 8 --threads 2 --nodes-per-socket 2 --l3 die --dies 2"; do
        i=$((i + 1))
        # shellcheck disable=SC2086
        "$gen" $shape "$tmp/gen$i" >/dev/null 2>&1 || { echo "FAIL: hostcaps-gen $shape"; failed=$((failed + 1)); continue; }
        check "generated: $shape" "$tmp/gen$i"
done

fixtures=${HOSTCAPS_FIXTURES:-$src/../shared/fixtures}
if [ -d "$fixtures/libvirt" ]; then
        for root in "$fixtures"/libvirt/vircaps2xml/*/root; do
                [ -d "$root/sys/devices/system/cpu" ] || continue
                check "fixture $(basename "$(dirname "$root")")" "$root"
        done
else
        echo "SKIP: shared fixtures not found at $fixtures"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
