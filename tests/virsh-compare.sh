#!/bin/sh
# Optional: where a libvirt daemon answers, hostcaps' host <cpu> must equal
# libvirt's: arch, model, vendor, microcode, signature, topology, maxphysaddr,
# the features (same names, same order) and page sizes. libvirt's TSC counter
# comes from a KVM ioctl hostcaps does not make; compared only when both have one.
set -u
build=$1
tool="$build/bin/hostcaps"
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-virsh-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! command -v virsh >/dev/null 2>&1 ||
   ! timeout 120 virsh -c qemu:///system capabilities >"$tmp/libvirt.xml" 2>/dev/null; then
        echo "SKIP: no libvirt daemon answers on qemu:///system (optional comparison)"
        exit 77 # ctest: skipped
fi
"$tool" -s cpu >"$tmp/hostcaps.xml" || { echo "FAIL: hostcaps -s cpu"; exit 1; }
"$py" - "$tmp/libvirt.xml" "$tmp/hostcaps.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
lv = ET.parse(sys.argv[1]).getroot().find("host/cpu")
hc = ET.parse(sys.argv[2]).getroot().find("host/cpu")
def text(e, tag):
    x = e.find(tag)
    return None if x is None else x.text
def attrs(e, tag):
    x = e.find(tag)
    return None if x is None else dict(x.attrib)
checks = [
    ("arch", text(lv, "arch"), text(hc, "arch")),
    ("model", text(lv, "model"), text(hc, "model")),
    ("vendor", text(lv, "vendor"), text(hc, "vendor")),
    ("microcode", attrs(lv, "microcode"), attrs(hc, "microcode")),
    ("signature", attrs(lv, "signature"), attrs(hc, "signature")),
    ("topology", attrs(lv, "topology"), attrs(hc, "topology")),
    ("maxphysaddr", attrs(lv, "maxphysaddr"), attrs(hc, "maxphysaddr")),
    ("features", [f.get("name") for f in lv.findall("feature")], [f.get("name") for f in hc.findall("feature")]),
    ("pages", [p.get("size") for p in lv.findall("pages")], [p.get("size") for p in hc.findall("pages")]),
]
if hc.find("counter") is not None and lv.find("counter") is not None:
    checks.append(("counter", attrs(lv, "counter"), attrs(hc, "counter")))
passed = failed = 0
for name, a, b in checks:
    if a == b:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}: libvirt {a!r}, hostcaps {b!r}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
