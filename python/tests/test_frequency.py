# SPDX-License-Identifier: LGPL-2.1-or-later
"""node.frequency(): every accessor against the C library's JSON of the same
source (hostcaps --root DIR -s frequency --format json), on trees written by
hostcaps-gen, a loaded document and the live host; the CPU section keeps the
hybrid kinds only."""

import os
import subprocess

import pytest

import hostcaps
from conftest import BUILD_DIR, parse_list, tool_json

GEN = os.path.join(BUILD_DIR, "bin", "hostcaps-gen")

# hostcaps-gen options of each tree: policies per CPU and per cluster,
# capacities, maximum frequencies that differ, none of them.
TREES = {
    "plain": ["--cores", "4"],
    "big-little": ["--clusters", "4", "--cores", "2", "--threads", "2", "--cpufreq", "per-cluster",
                   "--big-little", "--cpu-capacity"],
    "per-cpu": ["--clusters", "2", "--cores", "3", "--cpufreq", "per-cpu", "--big-little"],
    "hybrid": ["--cores", "6", "--threads", "2", "--hybrid", "--cpu-capacity", "--cpufreq", "per-cpu"],
    "offline": ["--clusters", "2", "--cores", "2", "--offline", "1-3", "--cpufreq", "per-cluster"],
}


def generate(path, options):
    subprocess.run([GEN, *options, str(path)], check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return str(path)


@pytest.fixture(params=sorted(TREES))
def tree(request, tmp_path):
    return generate(tmp_path / request.param, TREES[request.param])


def check_frequency(f, d):
    assert isinstance(f, hostcaps.Frequency)
    if d.get("absent"):
        assert f.absent_reason == d["reason"]
        assert f.domains == () and f.kinds == ()
        return
    assert f.absent_reason is None
    assert f.reasons == tuple(d.get("reasons", ()))
    if d["domains"] is None:
        assert f.domains is None
    else:
        assert f.domains == tuple(
            hostcaps.FrequencyDomain((parse_list(x["cpus"]), x["min_khz"], x["max_khz"], x["base_khz"]))
            for x in d["domains"])
        for i, dom in enumerate(f.domains):
            for cpu in dom.cpus:
                assert f.domain_of(cpu) == dom
    assert f.kinds == tuple(
        hostcaps.FrequencyKind((k["name"], parse_list(k["cpus"]), k["source"], k["capacity"],
                                k["max_frequency_khz"]))
        for k in (d["kinds"] or ()))
    for group in d["capacities"] or ():
        for cpu in parse_list(group["cpus"]):
            assert f.capacity_of(cpu) == group["capacity"]
    if not d["capacities"]:
        assert f.capacity_of(0) is None


def test_generated(tree):
    node = hostcaps.Node(tree)
    doc = tool_json("--root", tree, "-s", "cpu,frequency")
    check_frequency(node.frequency(), doc["frequency"])
    # The CPU's core kinds are the hybrid PMUs' only.
    assert node.cpu().core_kinds == {k["name"]: parse_list(k["cpus"]) for k in doc["cpu"]["core_kinds"]}
    assert set(node.cpu().core_kinds) <= {"core", "atom"}


def test_kinds_of_big_little(tmp_path):
    f = hostcaps.Node(generate(tmp_path / "t", TREES["big-little"])).frequency()
    assert [k.name for k in f.kinds] == ["capacity-446", "capacity-1024"]
    assert f.kinds[1].source == "capacity" and f.kinds[1].max_frequency_khz == 2800000
    assert f.capacity_of(99) is None
    assert f.domain_of(99) is None
    with pytest.raises(TypeError):
        f.domain_of("0")
    with pytest.raises(OverflowError):
        f.capacity_of(-1)


def test_loaded_document_has_none(tmp_path):
    root = generate(tmp_path / "t", TREES["big-little"])
    xml = tmp_path / "caps.xml"
    xml.write_text(hostcaps.Node(root).capabilities())
    node = hostcaps.Node.from_document(str(xml))
    doc = tool_json("--from", str(xml), "-s", "frequency")
    check_frequency(node.frequency(), doc["frequency"])
    assert node.frequency().absent_reason


def test_live_host():
    check_frequency(hostcaps.Node().frequency(), tool_json("-s", "frequency")["frequency"])


def test_constants():
    assert hostcaps.SECTION_FREQUENCY & hostcaps.SECTION_ALL
    assert hostcaps.SECTION_DEVICES == hostcaps.SECTION_ALL + 1
    assert "frequency" in hostcaps.SECTIONS
