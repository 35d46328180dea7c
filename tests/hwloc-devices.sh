#!/bin/sh
# The devices section against hwloc's I/O view (lstopo --whole-io): every PCI
# device hwloc lists is there with the same class, ids and kernel names, its
# local CPUs are the cpuset of the object hwloc attaches it to, and its NUMA
# node is in that object's nodeset (the node itself when the object has
# one). On generated trees with known locality, this host, and the recorded
# machine with PCI devices of the shared fixtures.
set -u
src=$1
build=$2
tool="$build/bin/hostcaps"
gen="$build/bin/hostcaps-gen"
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-hwloc-devices-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! command -v lstopo-no-graphics >/dev/null 2>&1; then
        echo "SKIP: lstopo-no-graphics (package hwloc) is not installed"
        exit 77 # ctest: skipped
fi

passed=0
failed=0
skipped=0

# compare NAME HOSTCAPS_JSON HWLOC_XML [ids-only]
compare() {
        if "$py" - "$2" "$3" "$1" "${4:-}" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
direct = json.load(open(sys.argv[1]))["devices"]
name, ids_only = sys.argv[3], sys.argv[4] == "ids-only"
tree = ET.parse(sys.argv[2])

def bits(mask):
    """hwloc's "0x000000ff,0xffffffff": 32-bit words, most significant first."""
    v = 0
    for w in mask.split(","):
        v = (v << 32) | int(w, 16)
    return {i for i in range(v.bit_length()) if v >> i & 1}

def cpulist(s):
    out = set()
    for part in filter(None, (s or "").split(",")):
        a, _, b = part.partition("-")
        out |= set(range(int(a), int(b or a) + 1))
    return out

kinds = {"0": "block", "1": "drm", "2": "net", "3": "infiniband"}
hw = {}
def walk(obj, loc):
    t = obj.get("type")
    if t not in ("Bridge", "PCIDev", "OSDev") and obj.get("cpuset"):
        loc = obj
    if t in ("PCIDev", "Bridge") and obj.get("pci_busid"):
        names = {(kinds[o.get("osdev_type")], o.get("name")) for o in obj.findall("object")
                 if o.get("type") == "OSDev" and o.get("osdev_type") in kinds}
        hw[obj.get("pci_busid")] = (obj.get("pci_type"), names, loc)
    for child in obj.findall("object"):
        walk(child, loc)
walk(tree.getroot().find("object"), None)

ours = {d["address"]: d for d in direct["pci"]}
problems = []
if set(hw) != set(ours):
    problems.append(f"addresses: only hwloc {sorted(set(hw) - set(ours))}, only hostcaps {sorted(set(ours) - set(hw))}")
for addr in sorted(set(hw) & set(ours)):
    pci_type, names, loc = hw[addr]
    d = ours[addr]
    cls, ids, sub = pci_type.split()[:3]
    want = (int(cls, 16), ids, sub)
    have = (int(d["class"], 16) >> 8 if d["class"] else None,
            f"[{int(d['vendor'], 16):04x}:{int(d['device'], 16):04x}]" if d["vendor"] and d["device"] else None,
            f"[{int(d['subsystem_vendor'], 16):04x}:{int(d['subsystem_device'], 16):04x}]"
            if d["subsystem_vendor"] and d["subsystem_device"] else None)
    # hwloc writes [0000:0000] for a device without subsystem ids (bridges).
    if want[2] == "[0000:0000]" and have[2] is None:
        have = have[:2] + (want[2],)
    if want != have:
        problems.append(f"{addr}: class/ids hwloc {want} hostcaps {have}")
    ournames = {(n["kind"], n["name"]) for n in d["names"]}
    if names != ournames:
        problems.append(f"{addr}: names hwloc {sorted(names)} hostcaps {sorted(ournames)}")
    if ids_only:
        continue
    if bits(loc.get("cpuset")) != cpulist(d["local_cpus"]):
        problems.append(f"{addr}: local CPUs hwloc {loc.get('cpuset')} hostcaps {d['local_cpus']}")
    nodes = bits(loc.get("nodeset"))
    if d["numa_node"] is not None and (d["numa_node"] not in nodes or (len(nodes) == 1 and {d["numa_node"]} != nodes)):
        problems.append(f"{addr}: NUMA node hwloc {sorted(nodes)} hostcaps {d['numa_node']}")
if not hw:
    problems.append("hwloc lists no PCI device")
if problems:
    print(f"FAIL: {name}: " + "\n  ".join(problems)[:4000])
    sys.exit(1)
print(f"ok: {name}: {len(hw)} devices")
PY
        then
                passed=$((passed + 1))
        else
                failed=$((failed + 1))
        fi
}

# check NAME ROOT: hwloc reads ROOT itself.
check() {
        name=$1
        root=$2
        if ! HWLOC_FSROOT="$root" HWLOC_COMPONENTS=linux,stop lstopo-no-graphics --whole-io --of xml - \
                >"$tmp/t.xml" 2>"$tmp/t.err"; then
                echo "SKIP: $name: hwloc cannot read the tree: $(head -c 200 "$tmp/t.err")"
                skipped=$((skipped + 1))
                return
        fi
        if ! "$tool" -r "$root" -s devices -f json >"$tmp/d.json" 2>"$tmp/d.err"; then
                echo "FAIL: $name: hostcaps: $(cat "$tmp/d.err")"
                failed=$((failed + 1))
                return
        fi
        compare "$name" "$tmp/d.json" "$tmp/t.xml"
}

if [ -d /sys/bus/pci/devices ] && [ -n "$(ls /sys/bus/pci/devices)" ]; then
        check "live host" /
else
        echo "SKIP: this host has no PCI devices"
        skipped=$((skipped + 1))
fi

i=0
for shape in "--sockets 1 --cores 4 --pci-per-node 3" \
             "--sockets 2 --cores 4 --threads 2 --nodes-per-socket 2 --pci-per-node 4 --pci-unknown 2" \
             "--sockets 2 --cores 6 --node-ids 1,4 --offline 3 --pci-per-node 5 --pci-unknown 1 --pci-old-kernel"; do
        i=$((i + 1))
        # shellcheck disable=SC2086
        "$gen" $shape "$tmp/gen$i" >/dev/null 2>&1 || { echo "FAIL: hostcaps-gen $shape"; failed=$((failed + 1)); continue; }
        check "generated: $shape" "$tmp/gen$i"
done

# The recorded machine: its recording stores the links of sys/bus/pci/devices
# and sys/class as files holding their targets, which hostcaps follows and
# hwloc does not. hwloc reads a copy with the links made again; hostcaps must
# read the same from the recording as it is and from the copy.
fixtures=${HOSTCAPS_FIXTURES:-$src/../shared/fixtures}
fx="$fixtures/hwloc/40intel64-2g2n4c+pci"
if [ -d "$fx/root" ]; then
        cp -r "$fx/root" "$tmp/fx" && chmod -R u+w "$tmp/fx"
        "$py" - "$tmp/fx" <<'PY'
import os, sys
root = sys.argv[1]
dirs = ["sys/bus/pci/devices"] + ["sys/class/" + c for c in os.listdir(os.path.join(root, "sys/class"))]
for d in dirs:
    full = os.path.join(root, d)
    for e in os.listdir(full) if os.path.isdir(full) else []:
        p = os.path.join(full, e)
        if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) < 4096:
            t = open(p, errors="replace").read().strip()
            if t.startswith("../") and "\n" not in t:
                os.unlink(p)
                os.symlink(t, p)
PY
        check "fixture 40intel64-2g2n4c+pci (links restored)" "$tmp/fx"
        "$tool" -r "$fx/root" -s devices -f json >"$tmp/as-recorded.json" 2>&1
        if cmp -s "$tmp/as-recorded.json" "$tmp/d.json"; then
                passed=$((passed + 1))
        else
                echo "FAIL: fixture as recorded and with links restored read differently:"
                diff "$tmp/as-recorded.json" "$tmp/d.json" | head -20
                failed=$((failed + 1))
        fi
        # hwloc's own expected output for the tree: ids and names (its
        # locality there comes from HWLOC_PCI_LOCALITY, not the tree's files).
        compare "fixture 40intel64-2g2n4c+pci (hwloc's expected output)" "$tmp/as-recorded.json" \
                "$fx/hwloc-lstopo.output" ids-only
else
        echo "SKIP: shared fixtures not found at $fixtures"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
