# SPDX-License-Identifier: LGPL-2.1-or-later
"""python3 -m hostcaps against the C tool: same documents, same exit codes."""

import subprocess
import sys

import pytest

from conftest import FIXTURES, TOOL, fixture_roots


def both(*args):
    py = subprocess.run([sys.executable, "-m", "hostcaps", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        text=True)
    c = subprocess.run([TOOL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return py, c


ROOT = fixture_roots()[0]


@pytest.mark.parametrize("args", [
    ["--root", ROOT],
    ["--root", ROOT, "--format", "json"],
    ["-r", ROOT, "-f", "text", "-s", "cpu,numa"],
    ["--root", ROOT, "--section", "memory", "--section", "cache", "--format", "json"],
    ["--root", ROOT, "-s", "all", "--strict", "-f", "json"],
    ["-s", "cpu", "-f", "json"],
    ["-s", "cache", "-f", "xml"],
])
def test_same_document(args):
    py, c = both(*args)
    assert (py.returncode, py.stdout) == (c.returncode, c.stdout)
    assert py.returncode == 0


@pytest.mark.parametrize("args", [
    ["-s", "bogus"], ["-s", ""], ["-s", "cpu,,numa"], ["-f", "yaml"], ["--root", ""], ["--nope"],
    ["--from", "x.xml", "--root", "/"], ["extra"],
])
def test_usage_errors(args):
    py, c = both(*args)
    assert py.returncode == c.returncode == 2
    assert py.stderr.startswith("usage:") or "hostcaps: " in py.stderr


def test_runtime_errors(tmp_path):
    py, c = both("--root", str(tmp_path / "missing"))
    assert py.returncode == c.returncode == 1
    assert py.stderr.strip().endswith("No such file or directory")
    cpu = tmp_path / "r" / "sys" / "devices" / "system" / "cpu"
    cpu.mkdir(parents=True)
    (cpu / "online").write_text("3-1\n")
    root = str(tmp_path / "r")
    py, c = both("--root", root, "-s", "cpu,host", "-f", "json")
    assert (py.returncode, py.stdout, py.stderr) == (c.returncode, c.stdout, c.stderr) == (0, c.stdout, c.stderr)
    py, c = both("--root", root, "-s", "cpu,host", "--strict")
    assert py.returncode == c.returncode == 1 and "3-1" in py.stderr


def test_from_document():
    import glob
    import os
    docs = sorted(glob.glob(os.path.join(FIXTURES, "libvirt", "vircaps2xml", "*", "expected-*.xml")))
    if not docs:
        pytest.skip(f"shared fixtures not found at {FIXTURES}")
    py, c = both("--from", docs[0], "-f", "json")
    assert (py.returncode, py.stdout) == (c.returncode, c.stdout) and py.returncode == 0
