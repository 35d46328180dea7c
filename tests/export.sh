#!/bin/sh
# hostcaps export: the NFD labels and Prometheus gauges of generated trees,
# the committed snapshots equal the files in tests/export/ (NAME.nfd,
# NAME.prom), and those of the recorded machines of ../shared/fixtures (when
# that folder is there, or HOSTCAPS_FIXTURES names it) the digests in
# tests/export/recorded-machines.sha256; every NFD output passes a checker of
# Kubernetes' label syntax, every Prometheus output a check of its families;
# FILE is replaced atomically (a reader loop during repeated writes sees the
# old or the new file, whole); usage errors exit 2.
# After an intended change of the output, regenerate the expected files and
# digests with
#   HOSTCAPS_REGENERATE=1 tests/export.sh . build
# and review the difference. promtool's check is tests/export-promtool.sh.
set -u
src=$1
build=$2
tool="$build/bin/hostcaps"
gen="$build/bin/hostcaps-gen"
expected_dir="$src/tests/export"
fixtures=${HOSTCAPS_FIXTURES:-$src/../shared/fixtures}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostcaps-export-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
fail() {
        echo "FAIL: $*"
        failed=$((failed + 1))
}

# Kubernetes' label syntax, as NFD's local source publishes a feature file:
# a name without '/' becomes feature.node.kubernetes.io/NAME. The name after
# the '/' and the value: at most 63 characters of [A-Za-z0-9._-], beginning
# and ending with an alphanumeric (an empty value is allowed); the prefix: a
# DNS subdomain of at most 253 characters. A comment line ("#") must not be
# one of NFD's "# +" directives. No name twice.
check_labels() { # FILE NAME
        awk -v what="$2" '
        function bad(m) { printf "%s:%d: %s: %s\n", what, NR, m, $0; errors++ }
        function label_part(s) {
                return length(s) <= 63 && s ~ /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/
        }
        /^#/ { if ($0 ~ /^# *\+/) bad("a comment NFD would read as a directive"); next }
        /^$/ { bad("an empty line"); next }
        {
                eq = index($0, "=")
                if (eq == 0) { bad("no '='"); next }
                name = substr($0, 1, eq - 1); value = substr($0, eq + 1)
                slash = index(name, "/")
                prefix = slash ? substr(name, 1, slash - 1) : "feature.node.kubernetes.io"
                part = slash ? substr(name, slash + 1) : name
                if (length(prefix) > 253 || prefix !~ /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
                        bad("prefix is no DNS subdomain")
                if (!label_part(part)) bad("name is no valid label name")
                if (value != "" && !label_part(value)) bad("value is no valid label value")
                if (part !~ /^hostcaps\./) bad("name outside the hostcaps. prefix")
                if (seen[name]++) bad("name given twice")
        }
        END { exit errors > 0 }' "$1"
}

# The exposition format's rules promtool does not need to be there for:
# every family has its HELP and TYPE before its samples, is never split, no
# series twice, sample values are numbers.
check_prom() { # FILE NAME
        awk -v what="$2" '
        function bad(m) { printf "%s:%d: %s: %s\n", what, NR, m, $0; errors++ }
        /^# HELP / { help[$3] = 1; next }
        /^# TYPE / { if (!help[$3]) bad("TYPE before HELP"); if (done[$3]) bad("family split"); typed[$3] = 1
                     if (cur != "" && cur != $3) done[cur] = 1; cur = $3; next }
        /^#/ { next }
        {
                # Label values may hold spaces: the value is the last field.
                series = substr($0, 1, length($0) - length($NF) - 1)
                name = series; sub(/[{ ].*/, "", name)
                if (!typed[name]) bad("sample without HELP and TYPE")
                if (name != cur) bad("sample outside its family")
                if (seen[series]++) bad("series twice")
                if ($NF !~ /^[0-9]+$/) bad("value is no number")
        }
        END { exit errors > 0 }' "$1"
}

# compare NAME FORMAT: the output in $tmp/out against tests/export/NAME.FORMAT;
# for the shared recorded machines (vircaps2xml-*, hwloc-*), against its
# SHA-256 in tests/export/recorded-machines.sha256 instead: their data stays
# in ../shared/fixtures, and the test keeps no copy of what is made of it.
digests="$expected_dir/recorded-machines.sha256"
compare() {
        case $1 in
        vircaps2xml-* | hwloc-*)
                sum=$(sha256sum <"$tmp/out" | cut -d' ' -f1)
                if [ -n "${HOSTCAPS_REGENERATE:-}" ]; then
                        grep -v " $1.$2\$" "$digests" 2>/dev/null >"$tmp/digests" || true
                        echo "$sum  $1.$2" >>"$tmp/digests"
                        sort -k2 "$tmp/digests" >"$digests"
                        echo "regenerated $1.$2 in $(basename "$digests")"
                fi
                if grep -qxF "$sum  $1.$2" "$digests" 2>/dev/null; then
                        passed=$((passed + 1))
                else
                        fail "$1 ($2) differs from its digest in $(basename "$digests"); the output begins:"
                        head -n 30 "$tmp/out"
                fi
                return
                ;;
        esac
        expected="$expected_dir/$1.$2"
        if [ -n "${HOSTCAPS_REGENERATE:-}" ]; then
                cp "$tmp/out" "$expected"
                echo "regenerated $expected"
        fi
        if cmp -s "$tmp/out" "$expected"; then
                passed=$((passed + 1))
        else
                fail "$1 ($2) differs from $(basename "$expected"):"
                diff -u "$expected" "$tmp/out" | head -n 30
        fi
}

# run NAME ARGS...: both exports of a tree, compared and checked. Every
# section is requested, the volatile memory state too (a recorded tree does
# not change).
run() {
        name=$1
        shift
        for format in nfd prom; do
                f=$format
                [ "$f" = prom ] && f=prometheus
                if ! "$tool" "$@" export "$f" >"$tmp/out" 2>"$tmp/err"; then
                        fail "$name ($format): $(head -c 300 "$tmp/err")"
                        continue
                fi
                if [ "$format" = nfd ]; then
                        check_labels "$tmp/out" "$name.nfd" || fail "$name: a label Kubernetes would refuse"
                else
                        check_prom "$tmp/out" "$name.prom" || fail "$name: a malformed Prometheus family"
                fi
                compare "$name" "$format"
        done
}

# Generated trees: the shapes a fleet has (one line each).
gen_case() {
        name=$1
        shift
        if ! "$gen" "$@" "$tmp/$name" >/dev/null 2>"$tmp/err"; then
                fail "hostcaps-gen $name: $(cat "$tmp/err")"
                return
        fi
        run "gen-$name" --root "$tmp/$name"
}
gen_case two-sockets-mba --sockets 2 --cores 4 --threads 2 --memory-only-nodes 1 --hugepages --resctrl intel-mba
gen_case snc-cdp-offline --sockets 2 --cores 4 --threads 2 --nodes-per-socket 2 --asymmetric --offline 3,9 --resctrl intel-cdp
gen_case amd-ccx --cores 8 --threads 2 --l3 cores:4 --resctrl amd --hugepages
gen_case hybrid-no-l3 --cores 4 --hybrid --l3 none --node-ids 2
gen_case old-kernel --sockets 2 --cores 2 --old-kernel --no-cache-ids
gen_case isolated-smt --cores 4 --threads 2 --isolated 2-3,6-7 --nohz-full 2-3,6-7 --vulnerabilities

# The committed snapshots of real machines. Their CPU model comes from the
# installed libvirt CPU map (libvirt0): the expected files were made with
# Debian 12's (libvirt 9.0.0), as tests/snapshots.sh says.
if [ -f /usr/share/libvirt/cpu_map/index.xml ]; then
        for root in "$src"/tests/snapshots/*/; do
                root=${root%/}
                run "snapshot-$(basename "$root")" --root "$root"
        done
else
        echo "NOTE: libvirt's cpu_map is not installed (package libvirt0): the snapshots were not checked"
fi

# The shared recorded machines.
if [ -d "$fixtures/libvirt/vircaps2xml" ] && [ -d "$fixtures/hwloc" ]; then
        for root in "$fixtures"/libvirt/vircaps2xml/*/root; do
                run "vircaps2xml-$(basename "$(dirname "$root")")" --root "$root"
        done
        for root in "$fixtures"/hwloc/*/root; do
                run "hwloc-$(basename "$(dirname "$root")")" --root "$root"
        done
else
        echo "NOTE: $fixtures not found (HOSTCAPS_FIXTURES names it): the recorded machines were not checked"
fi

# A document whose CPU names what Kubernetes cannot take: each such label is
# left out, said in a comment and on standard error, never rewritten.
cat >"$tmp/odd.xml" <<'XML'
<capabilities>
  <host>
    <cpu>
      <arch>x86_64</arch>
      <model>Model "with" spaces</model>
      <vendor>Intel</vendor>
      <topology sockets='1' dies='1' cores='2' threads='1'/>
      <feature name='sse4.1'/>
      <feature name='bad/name'/>
      <feature name='a-feature-name-far-too-long-for-a-kubernetes-label-name'/>
    </cpu>
  </host>
</capabilities>
XML
run left-out --from "$tmp/odd.xml"
"$tool" --from "$tmp/odd.xml" export nfd >/dev/null 2>"$tmp/err"
if [ "$(grep -c '^hostcaps: nfd: left out ' "$tmp/err")" -eq 3 ]; then
        passed=$((passed + 1))
else
        fail "left-out: standard error does not say the 3 labels left out: $(cat "$tmp/err")"
fi

# Usage: exit 2 with hostcaps' own message.
expect() { # NAME STATUS STDERR-PATTERN -- ARGS...
        name=$1 status=$2 pattern=$3
        shift 4
        "$tool" "$@" >"$tmp/out" 2>"$tmp/err"
        got=$?
        if [ "$got" -ne "$status" ]; then
                fail "$name: exit $got, expected $status ($(head -c 300 "$tmp/err"))"
        elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/err"; then
                fail "$name: stderr lacks '$pattern': $(head -c 300 "$tmp/err")"
        else
                passed=$((passed + 1))
        fi
}
root="$tmp/two-sockets-mba"
expect no-format 2 "export needs a format" -- export
expect bad-format 2 "unknown export format 'xml'" -- export xml
expect format-option 2 "not --format" -- -f json export nfd
expect format-option-after 2 "not --format" -- export nfd -f json
expect two-files 2 "one file at most" -- --root "$root" export nfd a b
expect bad-section 2 "unknown section 'cpux'" -- export nfd -s cpux
expect empty-file 2 "needs a file name" -- --root "$root" export nfd ""
expect help 0 "" -- export --help
grep -q "features.d" "$tmp/out" || fail "export --help does not say where NFD reads"
expect missing-dir 1 "cannot create a temporary file" -- --root "$root" export nfd "$tmp/no/such/dir/f"
# Options after the format, sections before and after are both taken.
expect sections-both 0 "" -- -s cpu --root "$root" export nfd -s numa -
if grep -q '^hostcaps.cpu.arch=' "$tmp/out" && grep -q '^hostcaps.numa.nodes=' "$tmp/out" &&
        ! grep -q '^hostcaps.cache' "$tmp/out"; then
        passed=$((passed + 1))
else
        fail "sections-both: not exactly cpu and numa: $(head -c 300 "$tmp/out")"
fi
# A resctrl-less host: no resctrl label, its Prometheus section present 0.
expect absent 0 "" -- --root "$tmp/hybrid-no-l3" export prometheus -s resctrl
grep -q '^hostcaps_section_present{section="resctrl"} 0$' "$tmp/out" ||
        fail "absent: resctrl not reported absent: $(cat "$tmp/out")"

# The atomic write: while one loop writes two different exports in turn
# over FILE, a reader loop finds one of the two, whole, every time; no
# temporary file stays behind; the file is readable by others as a new file.
"$tool" --root "$tmp/two-sockets-mba" export prometheus >"$tmp/a.prom"
"$tool" --root "$tmp/amd-ccx" export prometheus >"$tmp/b.prom"
mkdir "$tmp/textfile"
target="$tmp/textfile/hostcaps.prom"
"$tool" --root "$tmp/amd-ccx" export prometheus "$target"
(
        umask 022
        i=0
        while [ $i -lt 60 ]; do
                "$tool" --root "$tmp/two-sockets-mba" export prometheus "$target" || exit 1
                "$tool" --root "$tmp/amd-ccx" export prometheus "$target" || exit 1
                i=$((i + 1))
        done
        touch "$tmp/writer-done"
) &
writer=$!
reads=0
torn=0
while [ ! -e "$tmp/writer-done" ] && kill -0 $writer 2>/dev/null; do
        # One open, then reads from that descriptor: what a collector does.
        if ! cat "$target" >"$tmp/read"; then
                torn=$((torn + 1))
                echo "a read could not open the file"
                continue
        fi
        reads=$((reads + 1))
        if ! cmp -s "$tmp/read" "$tmp/a.prom" && ! cmp -s "$tmp/read" "$tmp/b.prom"; then
                torn=$((torn + 1))
                echo "a read found neither export ($(wc -c <"$tmp/read") bytes)"
        fi
done
wait $writer || fail "atomic: a write failed"
if [ $torn -eq 0 ] && [ $reads -gt 0 ]; then
        passed=$((passed + 1))
        echo "atomic: $reads reads during 120 writes, each the old or the new file"
else
        fail "atomic: $torn of $reads reads were not a whole export"
fi
leftover=$(find "$tmp/textfile" -name '.*' -type f | wc -l)
[ "$leftover" -eq 0 ] && passed=$((passed + 1)) || fail "atomic: $leftover temporary files left behind"
mode=$(stat -c %a "$target")
[ "$mode" = 644 ] && passed=$((passed + 1)) || fail "atomic: the file's mode is $mode, expected 644 (umask 022)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
