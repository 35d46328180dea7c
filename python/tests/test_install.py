# SPDX-License-Identifier: LGPL-2.1-or-later
"""The installed package: `cmake --install` into a private prefix (what
`make install PREFIX=...` runs), then the examples and `python3 -m hostcaps`
run from there with nothing of the build tree: no PYTHONPATH to it, no
LD_LIBRARY_PATH (the module's RUNPATH finds the installed library)."""

import json
import os
import subprocess
import sys

import pytest

from conftest import BUILD_DIR, SOURCE_DIR, TOOL, fixture_roots, parse_list, tool_json

PYDIR = os.environ.get("HOSTCAPS_PYTHON_INSTALL_DIR")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not PYDIR:
        pytest.skip("HOSTCAPS_PYTHON_INSTALL_DIR is not set (ctest sets it)")
    prefix = tmp_path_factory.mktemp("prefix")
    subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", str(prefix)], check=True,
                   stdout=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = str(prefix / PYDIR)
    return prefix, env


def run(env, *args):
    return subprocess.run([sys.executable, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd="/", text=True)


def test_imports_from_the_prefix(installed):
    prefix, env = installed
    r = run(env, "-c", "import hostcaps, hostcaps._hostcaps as m; print(m.__file__); print(hostcaps.version)")
    assert r.returncode == 0, r.stderr
    path, version = r.stdout.split()
    assert path.startswith(str(prefix / PYDIR / "hostcaps") + "/")
    assert version == tool_json("-s", "host")["hostcaps_version"]
    # The library the module loaded is the installed one.
    r = run(env, "-c", "import hostcaps; print(open('/proc/self/maps').read())")
    libs = {line.split()[-1] for line in r.stdout.splitlines() if "libhostcaps.so" in line}
    assert libs and all(lib.startswith(str(prefix)) for lib in libs), libs


EXAMPLE = os.path.join(SOURCE_DIR, "examples", "python", "nova_host.py")


@pytest.mark.parametrize("root", [None] + fixture_roots()[:1] + [r for r in fixture_roots() if "vircaps2xml" in r][:4])
def test_nova_example(installed, root):
    _, env = installed
    r = run(env, EXAMPLE, "--json", *(["--root", root] if root else []))
    assert r.returncode == 0, r.stderr
    host = json.loads(r.stdout)
    doc = tool_json(*(["--root", root] if root else []), "-s", "cpu,numa,memory")
    cpu = doc["cpu"]
    assert (host["cpu"]["arch"], host["cpu"]["vendor"], host["cpu"]["model"]) == (
        cpu["arch"], cpu["vendor"], cpu["model"])
    assert host["cpu"]["features"] == cpu["features"]
    assert host["cpu"]["topology"] == {k: cpu["topology"][k] for k in host["cpu"]["topology"]}
    assert [c["id"] for c in host["cells"]] == [c["id"] for c in doc["numa"]["cells"]]
    for cell, n, m in zip(host["cells"], doc["numa"]["cells"], doc["memory"]["cells"]):
        assert set(cell["cpuset"]) == parse_list(n["cpus"])
        assert cell["memory_kib"] == n["memory_kib"]
        sizes = [p["size_kib"] for p in m["pages"]]
        assert [p["size_kb"] for p in cell["mempages"]] == sorted(sizes)
        if root:  # a recording does not move; the live host's free counts do
            assert cell["free_kib"] == m["free_kib"]
            for p in m["pages"]:
                mine = next(x for x in cell["mempages"] if x["size_kb"] == p["size_kib"])
                assert mine["total"] == p["total"]
                if p["free"] is not None:
                    assert mine["used"] == p["total"] - p["free"]
    r = run(env, EXAMPLE, *(["--root", root] if root else []))
    assert r.returncode == 0 and r.stdout.startswith("CPU: "), r.stderr


def test_module_cli_installed(installed):
    _, env = installed
    root = fixture_roots()[0]
    r = run(env, "-m", "hostcaps", "--root", root, "--format", "json")
    expected = subprocess.run([TOOL, "--root", root, "--format", "json"], stdout=subprocess.PIPE, text=True).stdout
    assert r.returncode == 0 and r.stdout == expected
