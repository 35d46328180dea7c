#!/bin/sh
# valgrind over the hostcaps tool (`make memcheck`, docs/reliability.md): this
# live host and two generated sysroots with every combination of sections in
# every format; a third generated sysroot (aarch64), a snapshot of this host
# recorded by the tool (itself under valgrind), a saved capabilities document
# and an hwloc topology with each section alone and all six, in every format;
# every source also with the isolation, frequency and devices sections, alone
# and together with the rest, and both fleet exports.
# Any error or leak valgrind finds fails the run.
#
#   scripts/memcheck.sh [BUILD_DIR]      (default: build; JOBS=N runs in parallel)
set -eu
build=${1:-build}
tool=$build/bin/hostcaps
gen=$build/bin/hostcaps-gen
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
[ -x "$tool" ] || { echo "memcheck: $tool not built" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-memcheck-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOSTCAPS_VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes"

# The sources: "all" or "each" (the section sets to run), then tool arguments.
sources=$work/sources
echo "all" >"$sources" # this live host
if [ -x "$gen" ]; then
        "$gen" --sockets 2 --cores 2 --threads 2 --hugepages --resctrl intel-mba "$work/gen-x86" >/dev/null
        "$gen" --sockets 1 --cores 4 --threads 1 --nodes-per-socket 2 --memory-only-nodes 1 --offline 3 \
                --resctrl intel-cdp --old-kernel "$work/gen-old" >/dev/null
        "$gen" --arch aarch64 --cores 4 --threads 1 --clusters 2 "$work/gen-arm" >/dev/null
        printf -- 'all --root %s\n' "$work/gen-x86" "$work/gen-old" >>"$sources"
        printf -- 'each --root %s\n' "$work/gen-arm" >>"$sources"
fi
$HOSTCAPS_VALGRIND "$tool" snapshot "$work/snapshot" >"$work/snapshot.log" 2>&1 || {
        echo "memcheck: FAIL: hostcaps snapshot"; cat "$work/snapshot.log"; exit 1; }
printf -- 'each --root %s\n' "$work/snapshot" >>"$sources"
if "$tool" >"$work/saved.xml" 2>/dev/null; then
        printf -- 'each --from %s\n' "$work/saved.xml" >>"$sources"
fi
if command -v lstopo >/dev/null && lstopo --of xml "$work/hwloc.xml" 2>/dev/null; then
        printf -- 'each --from-hwloc %s\n' "$work/hwloc.xml" >>"$sources"
fi

# Section sets: every non-empty one of the six, or each alone and all six.
runs=$work/runs
names="cpu numa memory cache resctrl host"
: >"$runs"
while read -r sets src; do
        mask=1
        while [ $mask -lt 64 ]; do
                if [ "$sets" = all ] || [ $((mask & (mask - 1))) -eq 0 ] || [ $mask -eq 63 ]; then
                        set=""
                        bit=1
                        for n in $names; do
                                [ $((mask & bit)) -ne 0 ] && set="${set:+$set,}$n"
                                bit=$((bit * 2))
                        done
                        for f in xml json text; do
                                echo "$src -s $set -f $f" >>"$runs"
                        done
                fi
                mask=$((mask + 1))
        done
        # The sections beyond the first six, alone and with every other, and
        # the fleet exports of them all.
        for set in isolation frequency devices all,devices; do
                for f in xml json text; do
                        echo "$src -s $set -f $f" >>"$runs"
                done
        done
        for e in nfd prometheus; do
                echo "$src export $e -s all,devices" >>"$runs"
        done
done <"$sources"

# One valgrind per run; a run's log is kept only when valgrind complained.
mkdir -p "$work/logs"
# shellcheck disable=SC2016
xargs -P "$jobs" -L 1 sh -c '
        log=$(mktemp "$0/logs/run-XXXXXX")
        tool=$1
        shift
        rc=0
        $HOSTCAPS_VALGRIND "$tool" "$@" >/dev/null 2>"$log.err" || rc=$?
        if [ $rc -eq 99 ]; then
                { echo "valgrind: hostcaps $*"; cat "$log.err"; } >"$log.fail"
        else
                echo "$rc" >"$log.rc"
        fi
        rm -f "$log" "$log.err"
' "$work" "$tool" <"$runs"

total=$(wc -l <"$runs")
failed=$(find "$work/logs" -name '*.fail' | wc -l)
refused=$(cat "$work"/logs/*.rc 2>/dev/null | grep -cv '^0$' || true)
echo "memcheck: $((total + 1)) runs of the tool under valgrind ($(grep -c '^all' "$sources") sources x 63 sets of the first six sections x 3 formats, $(grep -c '^each' "$sources") sources x 7 of those sets x 3 formats, every source with isolation, frequency, devices and all of them in 3 formats and both exports, a snapshot): $failed with errors or leaks, $refused answered an error (exit 1), the rest a document"
if [ "$failed" -ne 0 ]; then
        cat "$work"/logs/*.fail
        exit 1
fi
