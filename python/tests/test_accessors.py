# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every accessor of every section, on every recorded machine, against the C
library's JSON of the same source (hostcaps --root DIR --format json)."""

import glob
import os
import shutil
import subprocess

import pytest

import hostcaps
from conftest import FIXTURES, fixture_roots, have_fixtures, parse_list, root_id, tool_json
from test_isolation_devices import check_devices, check_isolation

ROOTS = fixture_roots()


def test_fixtures_found():
    # Say plainly what the suite covered: the snapshots always, the shared
    # fixtures when they are there.
    assert ROOTS, "no recorded root found"
    if not have_fixtures():
        pytest.skip(f"shared fixtures not found at {FIXTURES}: only tests/snapshots were compared")


def reasons(doc):
    return tuple(doc.get("reasons", ()))


def check_common(obj, doc):
    if doc.get("absent"):
        assert obj.absent_reason == doc["reason"]
        return False
    assert obj.absent_reason is None
    assert obj.reasons == reasons(doc)
    return True


def check_cpu(cpu, d):
    if not check_common(cpu, d):
        return
    for name in ("arch", "vendor", "vendor_id", "brand", "model", "model_reason", "model_rules", "microcode",
                 "tsc_scaling", "phys_addr_bits", "feature_source"):
        assert getattr(cpu, name) == d[name], name
    assert cpu.tsc_frequency == d["tsc_frequency_hz"]
    sig = d["signature"]
    assert cpu.signature == (None if sig is None else (sig["family"], sig["model"], sig["stepping"]))
    for name, value in d["topology"].items():
        assert getattr(cpu, name) == value, name
    assert cpu.features == tuple(d["features"])
    assert cpu.all_features == tuple(d["all_features"])
    assert isinstance(cpu.features, tuple)
    for f in cpu.all_features:
        assert cpu.has_feature(f)
    assert not cpu.has_feature("no-such-feature")
    assert cpu.page_sizes == tuple(d["page_sizes_kib"])
    assert cpu.core_kinds == {k["name"]: parse_list(k["cpus"]) for k in d["core_kinds"]}


def check_numa(numa, d):
    if not check_common(numa, d):
        return
    assert numa.synthetic == d["synthetic"]
    assert numa.online_cpus == parse_list(d["online_cpus"])
    assert numa.offline_cpus == parse_list(d["offline_cpus"])
    process = d["process"]
    assert numa.allowed_cpus == (None if process is None else parse_list(process["cpus_allowed"]))
    assert numa.allowed_nodes == (None if process is None else parse_list(process["mems_allowed"]))
    assert len(numa.cells) == len(d["cells"])
    ids = [c["id"] for c in d["cells"]]
    for cell, c in zip(numa.cells, d["cells"]):
        assert isinstance(cell, hostcaps.Cell)
        assert cell.id == c["id"]
        assert cell.memory_kib == c["memory_kib"]
        assert cell.cpus == parse_list(c["cpus"])
        assert all(isinstance(cpu, int) for cpu in cell.cpus)
        assert cell.offline_cpus == parse_list(c["offline_cpus"])
        assert cell.allowed == c["allowed"]
        assert cell.allowed_cpus == parse_list(c["allowed_cpus"])
        assert cell.distances == ({} if c["distances"] is None else dict(zip(ids, c["distances"])))
        assert len(cell.cpu_ids) == len(c["cpu_ids"])
        for cpu, j in zip(cell.cpu_ids, c["cpu_ids"]):
            assert (cpu.id, cpu.socket, cpu.die, cpu.cluster, cpu.core) == (
                j["id"], j["socket_id"], j["die_id"], j["cluster_id"], j["core_id"])
            assert cpu.siblings == parse_list(j["siblings"])
        for cpu in cell.cpus:
            assert numa.cell_of_cpu(cpu) == cell
    assert numa.cell_of_cpu(hostcaps.CPUSET_MAX_ID + 1) is None


def check_memory(mem, d):
    if not check_common(mem, d):
        return
    assert mem.synthetic == d["synthetic"]
    assert mem.base_page_size == d["base_page_kib"]
    assert len(mem.cells) == len(d["cells"])
    for cell, c in zip(mem.cells, d["cells"]):
        assert (cell.id, cell.total_kib, cell.free_kib) == (c["id"], c["total_kib"], c["free_kib"])
        pages = {p["size_kib"]: (p["total"], p["free"]) for p in c["pages"]}
        assert cell.pages == pages
        assert cell.hugepages == {size: v for size, v in pages.items() if size != mem.base_page_size}


def check_cache(cache, d):
    if not check_common(cache, d):
        return
    assert len(cache.banks) == len(d["banks"])
    for b, j in zip(cache.banks, d["banks"]):
        assert (b.id, b.id_derived, b.level, b.type, b.size, b.line_size, b.ways) == (
            j["id"], j["id_derived"] or False, j["level"], j["type"], j["size_bytes"], j["line_size"], j["ways"])
        assert b.cpus == parse_list(j["cpus"])


def check_resctrl(rc, d):
    if not check_common(rc, d):
        return
    assert rc.cache_allocation == tuple(
        hostcaps.CacheControl((c["level"], c["type"], int(c["cbm_mask"], 16), c["cbm_bits"], c["min_cbm_bits"],
                               c["max_allocs"])) for c in d["cache_allocation"])
    mb = d["memory_bandwidth"]
    if mb is None:
        assert rc.memory_bandwidth is None
    else:
        assert tuple(rc.memory_bandwidth) == (mb["granularity"], mb["min"], mb["max_allocs"], mb["mbps"] or False,
                                              mb["delay_linear"], mb["throttle_mode"])
    mon = d["monitoring"]
    if mon is None:
        assert rc.monitoring is None
    else:
        assert tuple(rc.monitoring) == (mon["level"], mon["max_monitors"], mon["reuse_threshold_bytes"],
                                        tuple(mon["features"]))


def check_host(host, d):
    if not check_common(host, d):
        return
    assert (host.uuid, host.uuid_source) == (d["uuid"], d["uuid_source"])
    assert set(host.power_management or ()) == set(d["power_management"])
    assert (host.iommu or False) == d["iommu"]


CHECKS = {"cpu": check_cpu, "numa": check_numa, "memory": check_memory, "cache": check_cache,
          "resctrl": check_resctrl, "host": check_host, "isolation": check_isolation}


def check_node(node, doc):
    for section, check in CHECKS.items():
        d = doc[section]
        if d.get("failed"):
            with pytest.raises(hostcaps.Error):
                getattr(node, section)()
            continue
        obj = getattr(node, section)()
        check(obj, d)
        # The memoized object is the same one, and equal to itself.
        assert getattr(node, section)(cached=True) == obj


@pytest.mark.parametrize("root", ROOTS, ids=[root_id(r) for r in ROOTS])
def test_root(root):
    node = hostcaps.Node(root)
    assert not node.is_live
    assert node.arch == tool_json("--root", root, "-s", "cpu")["arch"]
    check_node(node, tool_json("--root", root))
    # devices is outside the default set: asked for by name.
    check_devices(node.devices(), tool_json("--root", root, "-s", "devices")["devices"])


def test_live_host():
    node = hostcaps.Node()
    assert node.is_live and node.root == "/"
    doc = tool_json()
    for section in ("cpu", "cache", "host", "isolation"):
        CHECKS[section](getattr(node, section)(), doc[section])
    # NUMA keeps memory and CPUs; free memory moves between two reads.
    numa = node.numa()
    assert [c.id for c in numa.cells] == [c["id"] for c in doc["numa"]["cells"]]
    assert numa.online_cpus == parse_list(doc["numa"]["online_cpus"])
    assert [c.id for c in node.memory().cells] == [c["id"] for c in doc["memory"]["cells"]]


DOCUMENTS = sorted(glob.glob(os.path.join(FIXTURES, "libvirt", "vircaps2xml", "*", "expected-*.xml")))
DOCUMENTS += sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "tests", "snapshots",
                                           "*.expected.xml")))


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[os.path.basename(d) for d in DOCUMENTS])
def test_document(doc):
    node = hostcaps.Node.from_document(doc)
    check_node(node, tool_json("--from", doc))
    assert node.cpu().absent_reason is None or "document" in node.cpu().absent_reason


HWLOC_ROOTS = sorted(glob.glob(os.path.join(FIXTURES, "hwloc", "*", "root")))
HWLOC_ROOTS += sorted(glob.glob(os.path.join(FIXTURES, "libvirt", "vircaps2xml", "*", "root")))[:3]


@pytest.mark.parametrize("root", HWLOC_ROOTS, ids=[root_id(r) for r in HWLOC_ROOTS])
def test_hwloc(root, tmp_path):
    lstopo = shutil.which("lstopo-no-graphics")
    if not lstopo:
        pytest.skip("lstopo-no-graphics (package hwloc) is not installed")
    xml = tmp_path / "topo.xml"
    env = dict(os.environ, HWLOC_FSROOT=root, HWLOC_COMPONENTS="-x86")
    r = subprocess.run([lstopo, "--of", "xml", "--filter", "icache:all", "-"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        pytest.skip(f"lstopo cannot read {root}: {r.stderr.decode()[:200]}")
    xml.write_bytes(r.stdout)
    node = hostcaps.Node.from_hwloc(str(xml))
    check_node(node, tool_json("--from-hwloc", str(xml)))
    assert node.memory().absent_reason  # hwloc records no free memory


def test_capabilities_exports_are_the_tools_exports():
    root = ROOTS[0]
    node = hostcaps.Node(root)
    tool = os.path.join(os.path.dirname(tool_json.__globals__["TOOL"]), "hostcaps")
    for fmt in ("nfd", "prometheus"):
        for sections in (None, ("cpu",), ("numa", "memory")):
            args = ["--root", root, "export", fmt]
            if sections is not None:
                args += ["--section", ",".join(sections)]
            expected = subprocess.run([tool, *args], check=True, stdout=subprocess.PIPE).stdout.decode()
            assert node.capabilities(sections, format=fmt) == expected


def test_capabilities_is_the_tools_document():
    root = ROOTS[0]
    node = hostcaps.Node(root)
    for fmt in ("xml", "json", "text"):
        for sections in (None, ("cpu",), ("numa", "memory"), "cache", ["all"]):
            args = ["--root", root, "--format", fmt]
            if sections is not None:
                names = [sections] if isinstance(sections, str) else list(sections)
                args += ["--section", ",".join(names)]
            expected = subprocess.run([os.path.join(os.path.dirname(tool_json.__globals__["TOOL"]), "hostcaps"),
                                       *args], check=True, stdout=subprocess.PIPE).stdout.decode()
            doc = node.capabilities(sections, format=fmt)
            assert doc + ("\n" if fmt == "xml" else "") == expected


def test_capabilities_cached_refresh_strict():
    node = hostcaps.Node(ROOTS[0])
    first = node.capabilities(["cpu"], format="json")
    assert node.capabilities(["cpu"], format="json", cached=True) == first
    assert node.capabilities(["cpu"], format="json", refresh=True) == first
    assert node.capabilities(["cpu"], format="json", strict=True) == first


CPUID_DUMPS = sorted(glob.glob(os.path.join(FIXTURES, "libvirt", "cputest", "*", "cpuid.xml")))


@pytest.mark.parametrize("dump", CPUID_DUMPS, ids=[os.path.basename(os.path.dirname(d)) for d in CPUID_DUMPS])
def test_cpuid_dump(dump):
    # Node(cpuid=) is the tool's --cpuid: the CPU decoded from a recorded dump.
    root = ROOTS[0]
    check_cpu(hostcaps.Node(root, cpuid=dump).cpu(), tool_json("--root", root, "--cpuid", dump, "-s", "cpu")["cpu"])
