#!/bin/sh
# Every C file of the tree is formatted as the committed .clang-format says
# (clang-format --dry-run --Werror). Without clang-format the check is
# skipped, saying so; in CI (CI=true or 1) a missing clang-format fails it.
# After merging, `clang-format -i` over the same files formats them again.
set -u
src=$1
cd "$src" || exit 1

if ! command -v clang-format >/dev/null 2>&1; then
        if [ "${CI:-}" = true ] || [ "${CI:-}" = 1 ]; then
                echo "FAIL: clang-format is missing in CI (package clang-format)"
                exit 1
        fi
        echo "SKIP: clang-format is not installed (package clang-format)"
        exit 77
fi

# The tracked C files; outside a git checkout (a release tarball), every one.
files=$(git ls-files -- 'src/*.[ch]' 'include/*.[ch]' 'tools/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]' \
        'examples/*.[ch]' 'python/*.[ch]' 2>/dev/null) ||
        files=$(find src include tools tests bench examples python -name '*.[ch]' 2>/dev/null | sort)
if [ -z "$files" ]; then
        echo "FAIL: no C file found below $src"
        exit 1
fi
n=$(printf '%s\n' "$files" | wc -l)
# shellcheck disable=SC2086 # one name a line, no spaces in the tree's names
if ! clang-format --dry-run --Werror $files; then
        echo "FAIL: files above differ from .clang-format; run: clang-format -i FILES"
        exit 1
fi
echo "PASS: $n C files formatted"
