#!/bin/sh
# `promtool check metrics` (Debian's prometheus package) passes on every
# Prometheus export: the expected files of tests/export/ (which
# tests/export.sh proves equal to the outputs of their trees), the exports of
# the recorded machines of ../shared/fixtures (tests/export.sh keeps only
# their digests), and this host's own export. Skipped (77) where promtool is not installed.
set -u
src=$1
build=$2
tool="$build/bin/hostcaps"
fixtures=${HOSTCAPS_FIXTURES:-$src/../shared/fixtures}
if ! command -v promtool >/dev/null 2>&1; then
        echo "SKIP: promtool is not installed (Debian package prometheus: scripts/install-deps.sh test)"
        exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-promtool-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # NAME FILE
        if promtool check metrics <"$2" >"$tmp/lint" 2>&1; then
                passed=$((passed + 1))
        else
                echo "FAIL: $1: $(head -c 600 "$tmp/lint")"
                failed=$((failed + 1))
        fi
}
for f in "$src"/tests/export/*.prom; do
        check "$(basename "$f")" "$f"
done
for root in "$fixtures"/libvirt/vircaps2xml/*/root "$fixtures"/hwloc/*/root; do
        [ -d "$root" ] || continue
        name=$(basename "$(dirname "$root")")
        if "$tool" --root "$root" export prometheus -s all,devices >"$tmp/fixture.prom" 2>"$tmp/err"; then
                check "$name" "$tmp/fixture.prom"
        else
                echo "FAIL: $name: $(head -c 300 "$tmp/err")"
                failed=$((failed + 1))
        fi
done
# This host: every section, then each alone (a section that is absent here
# still gives a valid file).
for s in all cpu numa memory cache resctrl host isolation frequency devices; do
        if "$tool" export prometheus -s "$s" >"$tmp/live.prom" 2>"$tmp/err"; then
                check "this host ($s)" "$tmp/live.prom"
        else
                echo "NOTE: this host's $s section could not be read: $(head -c 200 "$tmp/err")"
        fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
