# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the hostcaps Python tests share.

The tests run with the interpreter the module was built for, against the
build tree's package (PYTHONPATH, set by ctest). Recorded machines come from
the shared fixtures folder ($HOSTCAPS_FIXTURES, else ../shared/fixtures seen
from the source tree) and from the project's own tests/snapshots.
"""

import glob
import json
import os
import subprocess

import pytest

SOURCE_DIR = os.environ.get("HOSTCAPS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("HOSTCAPS_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
TOOL = os.path.join(BUILD_DIR, "bin", "hostcaps")
FIXTURES = os.environ.get("HOSTCAPS_FIXTURES", os.path.join(SOURCE_DIR, "..", "shared", "fixtures"))


def have_fixtures():
    return os.path.isdir(os.path.join(FIXTURES, "libvirt"))


def fixture_roots():
    """Every recorded sysroot: shared fixtures (when there) and our snapshots."""
    roots = sorted(glob.glob(os.path.join(SOURCE_DIR, "tests", "snapshots", "*", "")))
    roots = [r.rstrip("/") for r in roots]
    if have_fixtures():
        for pattern in ("libvirt/virhostcpu/*/root", "libvirt/vircaps2xml/*/root", "hwloc/*/root"):
            roots += sorted(glob.glob(os.path.join(FIXTURES, pattern)))
    return roots


def root_id(root):
    parts = os.path.normpath(root).split(os.sep)
    return "/".join(parts[-3:-1] if parts[-1] == "root" else parts[-2:])


def tool_json(*args):
    """The C library's JSON of a source, through the hostcaps tool."""
    out = subprocess.run([TOOL, "--format", "json", *args], check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE).stdout
    return json.loads(out)


def parse_list(text):
    """A kernel CPU list ("0-3,8") as a set: the tests' own reading, to check the binding's."""
    if text is None:
        return None
    ids = set()
    for part in filter(None, text.split(",")):
        stride = 1
        if ":" in part:
            part, s = part.split(":")
            stride = int(s)
        lo, _, hi = part.partition("-")
        ids.update(range(int(lo), int(hi or lo) + 1, stride))
    return frozenset(ids)


@pytest.fixture
def fixtures_dir():
    if not have_fixtures():
        pytest.skip(f"shared fixtures not found at {FIXTURES} (set HOSTCAPS_FIXTURES)")
    return FIXTURES
