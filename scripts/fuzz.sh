#!/bin/sh
# Run every libFuzzer target of a fuzz build (`make fuzz`, docs/reliability.md)
# for SECONDS each, JOBS at a time (default: the number of CPUs), over a
# scratch copy of its seed corpus in tests/fuzz/corpus/<target>/. Any finding
# (a crash, a sanitizer report, a leak, an oracle's abort, an input slower
# than 10 s) fails the run; the input that caused it is kept in
# BUILD_DIR/fuzz-findings/.
#
#   scripts/fuzz.sh [BUILD_DIR [SECONDS]]    (defaults: build-fuzz, 60)
set -eu
build=${1:-build-fuzz}
seconds=${2:-60}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
src=$(cd "$(dirname "$0")/.." && pwd)
findings=$build/fuzz-findings
work=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$findings"
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$src/tests/fuzz/lsan.supp:print_suppressions=0}"

run_one() {
        bin=$1
        name=${bin##*/fuzz-}
        corpus=$work/$name
        mkdir -p "$corpus"
        if [ -d "$src/tests/fuzz/corpus/$name" ]; then
                cp "$src/tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null || true
        fi
        seeds=$(find "$corpus" -type f | wc -l)
        log=$work/$name.log
        rc=0
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                -artifact_prefix="$findings/$name-" "$corpus" >"$log" 2>&1 || rc=$?
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
        echo "${execs:-0}" >"$work/$name.execs"
        if [ $rc -ne 0 ]; then
                {
                        echo "fuzz: $name: FINDING after ${execs:-?} inputs (exit $rc); the input is in $findings/"
                        grep -v '^Warning: file' "$log" | tail -n 60
                } >"$work/$name.finding"
        else
                echo "fuzz: $name: ${execs:-0} inputs in ${seconds}s from $seeds seeds, ${cov:-?} coverage points, 0 findings" \
                        >"$work/$name.result"
        fi
}

set -- "$build"/bin/fuzz-*
[ -x "$1" ] || { echo "fuzz: no targets in $build/bin (configure with CC=clang -DHOSTCAPS_FUZZ=ON)" >&2; exit 1; }
running=0
for bin in "$@"; do
        run_one "$bin" &
        running=$((running + 1))
        if [ $running -ge "$jobs" ]; then
                wait
                running=0
        fi
done
wait

cat "$work"/*.result 2>/dev/null || true
total=$(cat "$work"/*.execs | awk '{ n += $1 } END { print n + 0 }')
n_findings=$(find "$work" -name '*.finding' | wc -l)
echo "fuzz: $# targets, $total inputs, $n_findings with findings"
if [ "$n_findings" -ne 0 ]; then
        cat "$work"/*.finding
        exit 1
fi
