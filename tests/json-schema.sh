#!/bin/sh
# Validate hostcaps' JSON against docs/hostcaps.schema.json: the live host
# (all sections and each alone), generated sysroots, the shared libvirt
# fixtures (when present), loaded documents and hwloc topologies.
set -u
src=$1
build=$2
tool="$build/bin/hostcaps"
gen="$build/bin/hostcaps-gen"
schema="$src/docs/hostcaps.schema.json"
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-json-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! "$py" -c 'import jsonschema' 2>/dev/null; then
        echo "FAIL: python3-jsonschema is not installed (make deps installs it)"
        exit 1
fi

n=0
# Each input: a name and the hostcaps arguments that produce its JSON.
add() {
        n=$((n + 1))
        name=$1
        shift
        if "$tool" -f json "$@" >"$tmp/$n.json" 2>"$tmp/$n.err"; then
                printf '%s\t%s\n' "$tmp/$n.json" "$name" >>"$tmp/list"
        else
                echo "FAIL: $name: hostcaps $* failed: $(cat "$tmp/$n.err")"
                echo "x" >>"$tmp/failed"
        fi
}

add "live, all sections"
for s in cpu numa memory cache resctrl host isolation frequency devices; do
        add "live, $s" -s "$s"
done
add "live, all and devices" -s all,devices

for shape in "--sockets 1 --cores 2" \
             "--sockets 2 --cores 8 --threads 2 --nodes-per-socket 2 --hugepages --resctrl intel" \
             "--sockets 2 --dies 2 --cores 4 --memory-only-nodes 2 --asymmetric --resctrl intel-cdp" \
             "--sockets 2 --cores 4 --nodes-per-socket 2 --memory-only-nodes 2 --hmat" \
             "--sockets 1 --cores 16 --l3 cores:4 --resctrl amd --offline 3,5 --cpuset-cpus 0-7" \
             "--sockets 2 --cores 4 --threads 2 --no-cache-ids --node-ids 0,4" \
             "--sockets 1 --cores 4 --hybrid --old-kernel" \
             "--sockets 1 --clusters 4 --cores 2 --threads 2 --cpufreq per-cluster --big-little --cpu-capacity --isolated 2-3 --nohz-full 2-5 --vulnerabilities" \
             "--sockets 1 --clusters 2 --cores 2 --cpufreq per-cpu --big-little --hybrid --vulnerabilities"; do
        d="$tmp/gen$n"
        # shellcheck disable=SC2086
        if "$gen" $shape "$d" >/dev/null 2>&1; then
                add "generated: $shape" -r "$d"
                if command -v lstopo-no-graphics >/dev/null 2>&1 &&
                   HWLOC_FSROOT="$d" HWLOC_COMPONENTS=-x86 lstopo-no-graphics --of xml --filter icache:all - >"$d.hwloc.xml" 2>/dev/null; then
                        add "hwloc of generated: $shape" --from-hwloc "$d.hwloc.xml"
                fi
                "$tool" -r "$d" >"$d.caps.xml" 2>/dev/null && add "loaded document of generated: $shape" --from "$d.caps.xml"
        else
                echo "FAIL: hostcaps-gen $shape"
                echo "x" >>"$tmp/failed"
        fi
done

d="$tmp/pci"
if "$gen" --sockets 2 --cores 4 --pci-per-node 4 --pci-unknown 1 --pci-old-kernel "$d" >/dev/null 2>&1; then
        add "generated with PCI devices" -r "$d" -s all,devices
else
        echo "FAIL: hostcaps-gen with PCI devices"
        echo "x" >>"$tmp/failed"
fi

for root in "$src"/tests/snapshots/*/; do
        add "snapshot $(basename "$root")" -r "${root%/}"
done

fixtures=${HOSTCAPS_FIXTURES:-$src/../shared/fixtures}
if [ -d "$fixtures/libvirt" ]; then
        for root in "$fixtures"/libvirt/virhostcpu/*/root; do
                add "fixture $(basename "$(dirname "$root")")" -r "$root"
        done
        for root in "$fixtures"/libvirt/vircaps2xml/*/root; do
                # Cases whose sys/devices/system/cpu is a text link to another case are covered there.
                [ -d "$root/sys/devices/system/cpu" ] || continue
                add "fixture $(basename "$(dirname "$root")")" -r "$root"
        done
        # Machines recorded by hwloc's tests (old kernels, odd trees): read
        # whole, with the read policy's reasons where values are unknown.
        for root in "$fixtures"/hwloc/*/root; do
                add "fixture hwloc $(basename "$(dirname "$root")")" -r "$root" -s all,devices
        done
        # A request partly failed (one section broken, one read).
        broken="$tmp/broken"
        mkdir -p "$broken/sys/devices/system/node" && cp -r "$src/tests/snapshots/"*/. "$broken/" 2>/dev/null
        echo 1-0 >"$broken/sys/devices/system/node/online"
        add "a failed section beside a read one" -r "$broken" -s cpu,numa
        for doc in "$fixtures"/libvirt/vircaps2xml/*/expected-*.xml; do
                add "libvirt document $(basename "$doc")" --from "$doc"
        done
else
        echo "SKIP: shared fixtures not found at $fixtures (set HOSTCAPS_FIXTURES)"
fi

"$py" - "$schema" "$tmp/list" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
passed = failed = 0
for line in open(sys.argv[2]):
    path, name = line.rstrip("\n").split("\t", 1)
    doc = json.load(open(path))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        failed += 1
        print(f"FAIL: {name}:")
        for e in errors[:5]:
            print(f"    at /{'/'.join(map(str, e.path))}: {e.message[:300]}")
    else:
        passed += 1
print(f"schema: {passed} documents valid, {failed} invalid")
sys.exit(1 if failed else 0)
PY
rc=$?
fails=$(cat "$tmp/failed" 2>/dev/null | wc -l)
[ "$rc" -eq 0 ] && [ "$fails" -eq 0 ]
