#!/bin/sh
# Install the Debian packages hostcaps needs to build, test and benchmark,
# when any is missing. Idempotent: does nothing when all are installed.
set -eu

# Build: compiler, CMake, pkg-config and the libraries' development files.
BUILD="gcc make cmake pkg-config libxml2-dev libjson-c-dev libcpuid-dev libhwloc-dev libnuma-dev"
# Tests: Criterion; libvirt0 for its schemas and cpu_map; second opinions
# (lscpu is in util-linux, lstopo in hwloc, numactl, xmllint, cpuid_tool).
TEST="libcriterion-dev libvirt0 libxml2-utils hwloc numactl util-linux cpuidtool strace python3-jsonschema"
EXTRA="${HOSTCAPS_EXTRA_PACKAGES:-}"
# With the argument "reliability" (make sanitize, tsan, memcheck, fuzz):
# valgrind, and clang with its libFuzzer runtime (gcc brings ASan, UBSan, TSan).
if [ "${1:-}" = reliability ]; then
        EXTRA="$EXTRA valgrind clang libclang-rt-dev"
fi

missing=""
for p in $BUILD $TEST $EXTRA; do
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
