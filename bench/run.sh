#!/bin/sh
# Run the benchmarks and write docs/performance.md.
#
#   bench/run.sh BUILD_DIR [hostcaps-bench options]
#
# `make bench` runs `./bench/run.sh build`. The report is the harness's
# tables (the machine, the command, every figure, the targets with their
# ratios) followed by bench/analysis.md, the written analysis of the misses.
# Extra options go to hostcaps-bench (--quick, --runs N, --no-scaling, ...;
# see `BUILD_DIR/bin/hostcaps-bench --help`); with any, the report is
# written to docs/performance.md.tmp instead, so a partial run never
# replaces the full one.
set -eu

[ $# -ge 1 ] || { echo "usage: bench/run.sh BUILD_DIR [hostcaps-bench options]" >&2; exit 2; }
shown=$1
build=$(cd "$1" 2>/dev/null && pwd) || { echo "bench/run.sh: no build directory $1" >&2; exit 1; }
shift
cd "$(dirname "$0")/.."

bench="$build/bin/hostcaps-bench"
[ -x "$bench" ] || { echo "bench/run.sh: $bench is not built (make build)" >&2; exit 1; }

out=docs/performance.md
command="./bench/run.sh $shown"
if [ $# -gt 0 ]; then
        out=docs/performance.md.tmp
        command="$command $*"
fi
mkdir -p docs
body=$(mktemp "${TMPDIR:-/tmp}/hostcaps-bench-report.XXXXXX")
trap 'rm -f "$body" "$body.python"' EXIT

"$bench" --tool "$build/bin/hostcaps" --command "$command" --markdown "$body" "$@"
# The Python package's figures (bench/python.py), where it is built: run by
# the interpreter it was built for.
: >"$body.python"
if [ -x "$build/python/run-python" ]; then
        "$build/python/run-python" bench/python.py "$build" --markdown "$body.python"
fi

{
        cat "$body"
        echo
        if [ -s "$body.python" ]; then
                cat "$body.python"
                echo
        fi
        cat bench/analysis.md
} >docs/performance.md.tmp
[ "$out" = docs/performance.md.tmp ] || mv docs/performance.md.tmp "$out"
echo "bench/run.sh: wrote $out" >&2
