#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Section-3 manual pages from the public headers: one page per header,
# hostcaps-<header>(3), and for every function it declares a one-line page
# "<function>.3" that sources it (.so), so `man hostcaps_node_open` works.
#
# The headers are the reference: their comments are the text, their
# declarations the synopsis, in the order they are written. A page is the
# header read as a manual: comments become paragraphs (indented lines in
# them stay as written: examples), declarations are set in bold, without the
# export macro and the C++ guards.
#
# usage: man3.sh INCLUDE_DIR OUT_DIR VERSION DATE
set -eu
inc=$1
out=$2
version=$3
date=$4
mkdir -p "$out"

page() { # header-file page-name title-line
        awk -v name="$2" -v version="$version" -v date="$date" -v hdr="$3" '
        function esc(s) {
                gsub(/\\/, "\\e", s)
                gsub(/-/, "\\-", s)
                if (s ~ /^[.\047]/) s = "\\&" s
                return s
        }
        function code_on() { if (!incode) { print ".PP"; print ".nf"; print ".ft B"; incode = 1 } }
        function code_off() { if (incode) { print ".ft R"; print ".fi"; incode = 0 } }
        function ex_on() { if (!inex) { print ".PP"; print ".RS 4"; print ".nf"; inex = 1 } }
        function ex_off() { if (inex) { print ".fi"; print ".RE"; inex = 0; para = 1 } }
        function text(s) {
                if (s ~ /^ *$/) { ex_off(); if (!para) { print ".PP"; para = 1 }; return }
                if (s ~ /^  /) { ex_on(); sub(/^  /, "", s); print esc(s); return }
                ex_off(); para = 0
                sub(/^ +/, "", s); print esc(s)
        }
        BEGIN {
                print ".\\\" Generated from " hdr " by man/man3.sh; do not edit."
                printf ".TH %s 3 \"%s\" \"hostcaps %s\" \"hostcaps manual\"\n", toupper(name), date, version
        }
        # Not part of the interface as a reader sees it.
        /SPDX-License-Identifier/ || /^#pragma/ { next }
        /^#ifdef __cplusplus/ { skip = 1; next }
        /^#if defined\(HOSTCAPS_BUILDING\)/ { skip = 1; next }
        skip { if ($0 ~ /^#endif/) skip = 0; next }
        incomment {
                line = $0
                if (line ~ /\*\//) { sub(/ *\*\/.*/, "", line); incomment = 0 }
                sub(/^ *\* ?/, "", line)
                sub(/^ *\*$/, "", line)
                body = body "\n" line
                if (!incomment) flush_comment()
                next
        }
        /^ *\/\*/ && !/\*\/./ {
                code_off()
                line = $0
                sub(/^ *\/\* ?/, "", line)
                if (line ~ /\*\/ *$/) { sub(/ *\*\/ *$/, "", line); body = line; flush_comment(); next }
                body = line; incomment = 1
                next
        }
        /^ *$/ { code_off(); next }
        {
                line = $0
                sub(/HOSTCAPS_EXPORT /, "", line)
                if (line ~ /^#include/) next # the synopsis names the one to include
                code_on(); print esc(line)
        }
        function flush_comment(   n, i, ls) {
                n = split(body, ls, "\n")
                print ".PP"; para = 1
                for (i = 1; i <= n; i++) text(ls[i])
                ex_off()
        }
        END { code_off() }
        ' "$1"
}

names() { # the functions a header declares (tests/abi.sh reads them the same way)
        sed -e '/^ *#/d' -e 's://.*$::' "$1" | tr '\n' ' ' | sed -e 's:/\*\([^*]\|\*[^/]\)*\*/::g' | tr ';{}' '\n\n\n' |
                sed -n 's/^ *HOSTCAPS_EXPORT [^(]*[ *]\(hostcaps_[a-z0-9_]*\) *(.*/\1/p'
}

for h in "$inc"/hostcaps/*.h; do
        base=$(basename "$h" .h)
        pg="hostcaps-$base"
        fns=$(names "$h")
        # What NAME says: the first sentence of the header's first comment.
        first=$(awk '/^\/\*/ && !/SPDX/ { f = 1 } f { sub(/^ *\/?\*+ ?/, ""); e = sub(/ *\*\/.*/, ""); t = t " " $0; if (e) exit }
                END { sub(/^ +/, "", t); sub(/(\. |; | \().*/, "", t); sub(/\.$/, "", t); print t }' "$h")
        {
                page "$h" "$pg" "hostcaps/$base.h" | sed -n 1,2p
                echo ".SH NAME"
                if [ -n "$fns" ]; then
                        printf '%s \\- %s\n' "$(echo "$pg" $fns | sed 's/ /, /g')" "$(echo "$first" | sed 's/-/\\-/g')"
                else
                        printf '%s \\- %s\n' "$pg" "$(echo "$first" | sed 's/-/\\-/g')"
                fi
                echo ".SH SYNOPSIS"
                echo ".nf"
                echo ".B #include <hostcaps.h>"
                echo ".fi"
                echo ".PP"
                printf '%s\n' 'Link with \fBpkg\-config \-\-cflags \-\-libs hostcaps\fR.'
                echo ".SH DESCRIPTION"
                page "$h" "$pg" "hostcaps/$base.h" | sed 1,2d
                echo ".SH SEE ALSO"
                echo ".BR hostcaps (3),"
                echo ".BR hostcaps (1)"
        } >"$out/$pg.3"
        for f in $fns; do
                printf '.so man3/%s.3\n' "$pg" >"$out/$f.3"
        done
done

# hostcaps(3): the overview, from the umbrella header and the list of pages.
{
        page "$inc/hostcaps.h" hostcaps "hostcaps.h" | sed -n 1,2p
        echo ".SH NAME"
        echo "hostcaps \\- what is this host? Only the parts the caller asks for"
        echo ".SH SYNOPSIS"
        echo ".nf"
        echo ".B #include <hostcaps.h>"
        echo ".fi"
        echo ".PP"
        printf '%s\n' 'Link with \fBpkg\-config \-\-cflags \-\-libs hostcaps\fR.'
        echo ".SH DESCRIPTION"
        page "$inc/hostcaps.h" hostcaps "hostcaps.h" | sed 1,2d
        echo ".PP"
        echo "One page per header describes its calls:"
        first=1
        for h in "$inc"/hostcaps/*.h; do
                [ -n "$(names "$h")" ] || continue
                [ "$first" = 1 ] || echo ","
                first=0
                printf '.BR hostcaps\\-%s (3)' "$(basename "$h" .h)"
        done
        echo
        echo ".SH SEE ALSO"
        echo ".BR hostcaps (1)"
} >"$out/hostcaps.3"
