#!/bin/sh
# `promtool check metrics` (Debian's prometheus package) passes on every
# Prometheus export: the expected files of tests/export/ (which
# tests/export.sh proves equal to the outputs of their trees) and this
# host's own export. Skipped (77) where promtool is not installed.
set -u
src=$1
build=$2
tool="$build/bin/hostcaps"
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
# This host: every section, then each alone (a section that is absent here
# still gives a valid file).
for s in all cpu numa memory cache resctrl host; do
        if "$tool" export prometheus -s "$s" >"$tmp/live.prom" 2>"$tmp/err"; then
                check "this host ($s)" "$tmp/live.prom"
        else
                echo "NOTE: this host's $s section could not be read: $(head -c 200 "$tmp/err")"
        fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
