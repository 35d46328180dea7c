#!/bin/sh
# Build every example against the *installed* library, through pkg-config,
# as a consumer would, and run it. An example names extra libraries it
# needs on a line "example-libs: -lnuma".
set -eu
src=$1
build=$2
prefix=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-examples-XXXXXX")
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/ | head -n1)
libdir=${libdir%/}
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

pkg-config --exists hostcaps || { echo "FAIL: pkg-config does not find the installed hostcaps"; exit 1; }
# The library dlopen()s its dependencies: hostcaps.pc must not require them.
[ -z "$(pkg-config --print-requires-private hostcaps)" ] || { echo "FAIL: hostcaps.pc has Requires.private"; exit 1; }
[ -f "$libdir/cmake/hostcaps/hostcapsConfig.cmake" ] || { echo "FAIL: CMake package not installed"; exit 1; }
[ -x "$prefix/bin/hostcaps" ] || { echo "FAIL: the tool is not installed"; exit 1; }

passed=0
failed=0
for ex in "$src"/examples/*.c; do
        name=$(basename "$ex" .c)
        extra=$(sed -n 's/.*example-libs: *//p' "$ex" | head -n1)
        # shellcheck disable=SC2046,SC2086
        if ! cc -std=c11 -Wall -Wextra -Werror -o "$prefix/$name" "$ex" $(pkg-config --cflags --libs hostcaps) $extra; then
                echo "FAIL: $name does not build against the installed library"
                failed=$((failed + 1))
                continue
        fi
        if "$prefix/$name" >"$prefix/$name.out" 2>&1; then
                echo "PASS: $name"
                sed 's/^/    /' "$prefix/$name.out" | head -n 8
                passed=$((passed + 1))
        else
                echo "FAIL: $name exited $?"
                cat "$prefix/$name.out"
                failed=$((failed + 1))
        fi
done
# numa-free-cpus for a workload's cgroup, as an agent runs it: this
# process's own cgroup, where it has a cpuset (v2 with the controller on,
# or v1's cpuset hierarchy).
cg2=$(sed -n 's/^0:://p' /proc/self/cgroup | head -n1)
cg1=$(sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}cpuset\(,[^:]*\)\{0,1\}://p' /proc/self/cgroup | head -n1)
cg=
if [ -n "$cg1" ] && [ -f "/sys/fs/cgroup/cpuset$cg1/cpuset.effective_cpus" ]; then
        cg=$cg1
elif [ -n "$cg2" ] && [ -f "/sys/fs/cgroup$cg2/cpuset.cpus.effective" ]; then
        cg=$cg2
fi
if [ -x "$prefix/numa-free-cpus" ] && [ -n "$cg" ]; then
        if "$prefix/numa-free-cpus" "$cg" >"$prefix/cg.out" 2>&1; then
                echo "PASS: numa-free-cpus $cg"
                sed 's/^/    /' "$prefix/cg.out"
                passed=$((passed + 1))
        else
                echo "FAIL: numa-free-cpus $cg"
                cat "$prefix/cg.out"
                failed=$((failed + 1))
        fi
fi
# device-placement on a generated tree whose locality is known: eth1 is the
# NIC of node 1 (CPUs 4-7); 0000:00:00.0 has no locality (every CPU).
gen="$build/bin/hostcaps-gen"
if [ -x "$prefix/device-placement" ] && [ -x "$gen" ]; then
        "$gen" --sockets 2 --cores 4 --pci-per-node 1 --pci-unknown 1 "$prefix/tree" >/dev/null
        for args in "eth1|node:     1|pin to:   4-7 (the device's local CPUs)" \
                    "0000:21:00.0|node:     1|pin to:   4-7 (the device's local CPUs)" \
                    "0000:00:00.0|node:     unknown|pin to:   0-7 (the device's local CPUs)"; do
                dev=${args%%|*}
                rest=${args#*|}
                node=${rest%%|*}
                pin=${rest#*|}
                out=$("$prefix/device-placement" "$dev" "$prefix/tree" 2>&1)
                if printf '%s\n' "$out" | grep -qxF "$node" && printf '%s\n' "$out" | grep -qxF "$pin"; then
                        echo "PASS: device-placement $dev on a generated tree"
                        passed=$((passed + 1))
                else
                        echo "FAIL: device-placement $dev: expected '$node' and '$pin', got:"
                        printf '%s\n' "$out"
                        failed=$((failed + 1))
                fi
        done
        # The kernel's isolated CPUs are left out of the CPUs to pin to.
        rm -rf "$prefix/tree-isolated"
        "$gen" --sockets 2 --cores 4 --pci-per-node 1 --isolated 5,7 "$prefix/tree-isolated" >/dev/null
        out=$("$prefix/device-placement" eth1 "$prefix/tree-isolated" 2>&1)
        if printf '%s\n' "$out" | grep -qxF "pin to:   4,6 (the device's local CPUs)"; then
                echo "PASS: device-placement leaves the isolated CPUs out"
                passed=$((passed + 1))
        else
                echo "FAIL: device-placement eth1 with CPUs 5 and 7 isolated: expected 'pin to:   4,6', got:"
                printf '%s\n' "$out"
                failed=$((failed + 1))
        fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
