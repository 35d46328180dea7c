#!/bin/sh
# The hostcaps tool as a shell script meets it: usage errors (exit 2) name
# what is wrong in hostcaps' own words; a request partly failed prints what
# it has and reports each failed section (exit 0, or 1 with --strict); a
# write error on standard output is reported (exit 1).
set -u
src=$1
build=$2
tool="$build/bin/hostcaps"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect NAME STATUS STDERR-PATTERN -- ARGS...
expect() {
        name=$1 status=$2 pattern=$3
        shift 4
        "$tool" "$@" >"$tmp/out" 2>"$tmp/err"
        got=$?
        if [ "$got" -ne "$status" ]; then
                echo "FAIL: $name: exit $got, expected $status ($(head -c 300 "$tmp/err"))"
                failed=$((failed + 1))
        elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/err"; then
                echo "FAIL: $name: stderr lacks '$pattern': $(head -c 300 "$tmp/err")"
                failed=$((failed + 1))
        elif grep -q "$tool" "$tmp/err"; then
                echo "FAIL: $name: a message names the invoked path: $(cat "$tmp/err")"
                failed=$((failed + 1))
        else
                passed=$((passed + 1))
        fi
}

# A small tree: two CPUs; NUMA broken (a reversed node list).
root="$tmp/root"
mkdir -p "$root/proc" "$root/sys/devices/system/cpu/cpu0/topology" "$root/sys/devices/system/cpu/cpu1/topology" \
        "$root/sys/devices/system/node"
printf 'arch=x86_64\npage_size=4096\n' >"$root/hostcaps-snapshot.txt"
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nstepping\t: 4\nflags\t\t: fpu\n\n' \
        >"$root/proc/cpuinfo"
echo 0-1 >"$root/sys/devices/system/cpu/online"
echo 0-1 >"$root/sys/devices/system/cpu/possible"
for c in 0 1; do
        echo 0-1 >"$root/sys/devices/system/cpu/cpu$c/topology/package_cpus_list"
        echo $c >"$root/sys/devices/system/cpu/cpu$c/topology/core_cpus_list"
done
echo 1-0 >"$root/sys/devices/system/node/online"

expect empty-section 2 "needs a section name" -- -s ""
expect comma-only 2 "empty section name" -- -s ,
expect double-comma 2 "empty section name" -- -s cpu,,numa
expect unknown-section 2 "unknown section 'cpux'" -- -s cpux
expect unknown-option 2 "hostcaps: unrecognized option '--bogus'" -- --bogus
expect unknown-short 2 "hostcaps: invalid option '-x'" -- -x
expect missing-argument 2 "needs an argument" -- --root
expect empty-root 2 "--root needs a directory" -- --root ""
# devices: asked for by name, not part of "all"; the tree has no PCI bus.
expect devices-by-name 0 "" -- --root "$root" -s cpu,devices -f json
grep -q '"devices": {' "$tmp/out" && grep -q 'no PCI bus' "$tmp/out" ||
        { echo "FAIL: devices-by-name: no absent devices section: $(head -c 300 "$tmp/out")"; failed=$((failed + 1)); }
expect all-without-devices 0 "" -- --root "$root" -s all -f json
! grep -q '"devices"' "$tmp/out" ||
        { echo "FAIL: all-without-devices: 'all' holds devices"; failed=$((failed + 1)); }
expect unknown-section-lists-devices 2 "host, isolation, frequency, devices, all" -- -s cpux
# A snapshot records the sections named after the command, and only them.
expect snapshot-devices 0 "" -- snapshot -s devices "$tmp/snap"
if find "$tmp/snap" -type f | grep -qE 'system/cpu/|system/node/|/proc/cpuinfo'; then
        echo "FAIL: snapshot-devices: a devices snapshot holds other sections' files"
        failed=$((failed + 1))
fi
expect partly-failed 0 "hostcaps: numa: sys/devices/system/node/online" -- --root "$root" -s cpu,numa -f json
grep -q '"failed": true' "$tmp/out" && grep -q '"vendor": "Intel"' "$tmp/out" ||
        { echo "FAIL: partly-failed: the document lacks the CPU or the failed NUMA: $(head -c 300 "$tmp/out")"; failed=$((failed + 1)); }
expect strict 1 "sys/devices/system/node/online" -- --root "$root" -s cpu,numa --strict
expect all-failed 1 "sys/devices/system/node/online" -- --root "$root" -s numa
expect snapshot-one-prefix 1 "hostcaps: snapshot: '$root' is not empty" -- snapshot -s cpu "$root"
if grep -q "snapshot: snapshot" "$tmp/err"; then
        echo "FAIL: doubled prefix: $(cat "$tmp/err")"
        failed=$((failed + 1))
fi
# snapshot -s SECTION records that section's files only (a -s after the
# command once added to every section instead of naming them).
if [ -d /sys/devices/system/cpu/vulnerabilities ]; then
        if "$tool" snapshot -s isolation "$tmp/snap-isolation" 2>"$tmp/err" &&
                [ -f "$tmp/snap-isolation/sys/devices/system/cpu/smt/control" ] &&
                [ ! -e "$tmp/snap-isolation/proc/cpuinfo" ] && [ ! -e "$tmp/snap-isolation/sys/devices/system/node" ] &&
                "$tool" --root "$tmp/snap-isolation" -s isolation -f json >"$tmp/replay" &&
                "$tool" -s isolation -f json >"$tmp/live" && cmp -s "$tmp/replay" "$tmp/live"; then
                passed=$((passed + 1))
        else
                echo "FAIL: snapshot -s isolation: $(cat "$tmp/err"); $(cd "$tmp/snap-isolation" 2>/dev/null && find . -type f | head -5)"
                failed=$((failed + 1))
        fi
else
        echo "NOTE: no /sys/devices/system/cpu/vulnerabilities here: the isolation snapshot check was not run"
fi
# The frequency section's snapshot holds its files (cpu_capacity, the
# cpufreq policies) and replays to the live answer.
if [ -f /sys/devices/system/cpu/cpu0/cpu_capacity ] || [ -d /sys/devices/system/cpu/cpufreq/policy0 ]; then
        rm -rf "$tmp/fsnap"
        if "$tool" snapshot -s frequency "$tmp/fsnap" 2>"$tmp/err" &&
                { [ -f "$tmp/fsnap/sys/devices/system/cpu/cpu0/cpu_capacity" ] ||
                        [ -f "$tmp/fsnap/sys/devices/system/cpu/cpufreq/policy0/cpuinfo_max_freq" ]; } &&
                [ ! -e "$tmp/fsnap/proc/cpuinfo" ] && [ ! -e "$tmp/fsnap/sys/devices/system/node" ] &&
                "$tool" --root "$tmp/fsnap" -s frequency -f json >"$tmp/replay" &&
                "$tool" -s frequency -f json >"$tmp/live" && cmp -s "$tmp/replay" "$tmp/live"; then
                passed=$((passed + 1))
        else
                echo "FAIL: snapshot -s frequency: $(cat "$tmp/err"); $(cd "$tmp/fsnap" 2>/dev/null && find . -type f | head -5)"
                failed=$((failed + 1))
        fi
else
        echo "NOTE: no cpu_capacity or cpufreq policy here: the frequency snapshot check was not run"
fi
if [ -w /dev/full ]; then
        "$tool" --root "$root" -s cpu >/dev/full 2>"$tmp/err"
        if [ $? -eq 1 ] && grep -q "No space left" "$tmp/err"; then
                passed=$((passed + 1))
        else
                echo "FAIL: a full standard output went unreported: $(cat "$tmp/err")"
                failed=$((failed + 1))
        fi
else
        echo "NOTE: /dev/full is not writable here: the full-output check was not run"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
