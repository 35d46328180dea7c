#!/bin/sh
# Install the Debian packages of the named sets, when any is missing.
# Idempotent: does nothing (and needs no root) when all are installed.
#
#   install-deps.sh [SET...]     SET: build (the default), test, reliability, package
#
# make run and make build need `build`; make test `build test`; the
# reliability targets `build test reliability`; make deb `build package`.
set -eu

# build: compiler, CMake, pkg-config and the headers of what the library
# dlopen()s (libhwloc-dev is optional: without it --from-hwloc is left out);
# python3-dev for the Python module (python/; left out without it).
BUILD="gcc make cmake pkg-config libxml2-dev libjson-c-dev libcpuid-dev libhwloc-dev python3-dev"
# test: Criterion; libvirt0 for its schemas and cpu_map; libnuma for the NUMA
# placement example; second opinions and checkers (lscpu is in util-linux,
# lstopo in hwloc, numactl, xmllint, cpuid_tool, strace, python3-jsonschema),
# python3-pytest for the Python module's tests,
# man-db for the section-3 pages' check, clang-format for the format check,
# prometheus for promtool (the Prometheus export's check).
TEST="libcriterion-dev libvirt0 libnuma-dev libxml2-utils hwloc numactl util-linux cpuidtool strace python3-jsonschema python3-pytest man-db clang-format prometheus"
# reliability (make sanitize, tsan, memcheck, fuzz): valgrind, and clang with
# its libFuzzer runtime (gcc brings ASan, UBSan, TSan).
RELIABILITY="valgrind clang libclang-rt-dev"
# package (make deb): what dpkg-buildpackage and lintian need beside `build`.
PACKAGE="debhelper dpkg-dev fakeroot lintian"

[ $# -gt 0 ] || set -- build
want="${HOSTCAPS_EXTRA_PACKAGES:-}"
for set in "$@"; do
        case "$set" in
        build) want="$want $BUILD" ;;
        test) want="$want $TEST" ;;
        reliability) want="$want $RELIABILITY" ;;
        package) want="$want $PACKAGE" ;;
        *) echo "install-deps.sh: unknown set '$set' (build, test, reliability, package)" >&2; exit 2 ;;
        esac
done

missing=""
for p in $want; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
                missing="$missing $p"
        fi
done
[ -z "$missing" ] && exit 0

echo "hostcaps: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "hostcaps: need root (or sudo) to install:$missing" >&2; exit 1; }
        SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
