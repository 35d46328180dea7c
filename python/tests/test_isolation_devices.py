# SPDX-License-Identifier: LGPL-2.1-or-later
"""node.isolation() and node.devices(): every accessor against the C
library's JSON of the same source (hostcaps --root DIR -s isolation,devices
--format json), on trees written by hostcaps-gen and on the live host; the
class filter, the lookups, objects outliving their node, bad arguments."""

import gc
import inspect
import os
import re
import subprocess

import pytest

import hostcaps
from conftest import BUILD_DIR, SOURCE_DIR, parse_list, tool_json

GEN = os.path.join(BUILD_DIR, "bin", "hostcaps-gen")

# hostcaps-gen options of each generated tree: isolation and PCI devices in
# the forms the kernel writes them (and without them).
TREES = {
    "plain": [],
    "isolated": ["--sockets", "2", "--cores", "2", "--threads", "2", "--isolated", "1-3", "--nohz-full", "2-3",
                 "--vulnerabilities", "--pci-per-node", "3", "--pci-unknown", "2"],
    "nodes": ["--sockets", "2", "--cores", "4", "--nodes-per-socket", "2", "--node-ids", "0,2,5,7",
              "--isolated", "0,4-5", "--nohz-full", "", "--pci-per-node", "4"],
    "old-kernel": ["--cores", "4", "--pci-per-node", "2", "--pci-unknown", "3", "--pci-old-kernel",
                   "--vulnerabilities"],
}


def generate(path, options):
    subprocess.run([GEN, *options, str(path)], check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return str(path)


@pytest.fixture(params=sorted(TREES))
def tree(request, tmp_path):
    return generate(tmp_path / request.param, TREES[request.param])


def hex_or_none(text):
    return None if text is None else int(text, 16)


def check_common(obj, d):
    if d.get("absent"):
        assert obj.absent_reason == d["reason"]
        return False
    assert obj.absent_reason is None
    assert obj.reasons == tuple(d.get("reasons", ()))
    return True


def check_isolation(iso, d):
    assert isinstance(iso, hostcaps.Isolation)
    if not check_common(iso, d):
        return
    assert iso.isolated_cpus == parse_list(d["isolated_cpus"])
    assert iso.nohz_full_cpus == parse_list(d["nohz_full_cpus"])
    assert iso.smt_control == d["smt"]["control"]
    assert iso.smt_active == d["smt"]["active"]
    if d["vulnerabilities"] is None:
        assert iso.vulnerabilities is None
        assert iso.vulnerability("mds") is None
        return
    assert isinstance(iso.vulnerabilities, tuple)
    assert len(iso.vulnerabilities) == len(d["vulnerabilities"])
    for v, j in zip(iso.vulnerabilities, d["vulnerabilities"]):
        assert isinstance(v, hostcaps.Vulnerability)
        # JSON writes "" for a file that could not be read; the object None.
        assert (v.name, v.text or "", v.state, v.smt_vulnerable) == (j["name"], j["text"], j["state"],
                                                                     j["smt_vulnerable"])
        assert v.state in ("affected", "mitigated", "not_affected", "unknown")
        assert iso.vulnerability(v.name) is v
    assert iso.vulnerability("no_such_vulnerability") is None


def check_device(dev, j):
    assert isinstance(dev, hostcaps.PciDevice)
    assert dev.address == j["address"]
    assert dev.pci_class == hex_or_none(j["class"])
    assert (dev.vendor, dev.device) == (hex_or_none(j["vendor"]), hex_or_none(j["device"]))
    assert (dev.subsystem_vendor, dev.subsystem_device) == (hex_or_none(j["subsystem_vendor"]),
                                                            hex_or_none(j["subsystem_device"]))
    assert dev.numa_node == j["numa_node"]
    assert dev.local_cpus == parse_list(j["local_cpus"])
    assert dev.names == tuple((n["kind"], n["name"]) for n in j["names"])


def check_devices(devs, d):
    assert isinstance(devs, hostcaps.Devices)
    if not check_common(devs, d):
        assert devs.pci == ()
        return
    assert len(devs.pci) == len(d["pci"])
    for dev, j in zip(devs.pci, d["pci"]):
        check_device(dev, j)
        assert devs.find_address(dev.address) is dev
        for _, name in dev.names:
            assert devs.find_name(name) is dev
    assert devs.find_address("ffff:ff:1f.7") is None
    assert devs.find_name("no-such-name") is None


def test_trees(tree):
    doc = tool_json("--root", tree, "-s", "isolation,devices")
    node = hostcaps.Node(tree)
    iso, devs = node.isolation(), node.devices()
    check_isolation(iso, doc["isolation"])
    check_devices(devs, doc["devices"])
    # Memoized: the same object back, and equal to a second node's.
    assert node.isolation() is iso and node.isolation(cached=True) is iso
    assert node.devices(cached=True) is devs
    other = hostcaps.Node(tree)
    assert other.isolation() == iso and other.devices() == devs
    assert node.isolation(refresh=True) == iso and node.devices(refresh=True) == devs


def test_generated_values(tmp_path):
    # The tool is the reference above; here the values hostcaps-gen was asked for.
    node = hostcaps.Node(generate(tmp_path / "t", TREES["isolated"]))
    iso = node.isolation()
    assert iso.isolated_cpus == {1, 2, 3} and iso.nohz_full_cpus == {2, 3}
    assert iso.smt_control == "on" and iso.smt_active is True
    assert {v.state for v in iso.vulnerabilities} == {"affected", "mitigated", "not_affected", "unknown"}
    assert any(v.smt_vulnerable for v in iso.vulnerabilities)
    devs = node.devices()
    eth1 = devs.find_name("eth1")
    assert eth1.pci_class >> 16 == hostcaps.PCI_CLASS_NETWORK and eth1.numa_node == 1
    assert ("net", "eth1") in eth1.names and eth1.local_cpus == {2, 3, 6, 7}
    assert sum(d.numa_node is None for d in devs.pci) == 2  # --pci-unknown 2

    plain = hostcaps.Node(generate(tmp_path / "p", []))
    assert plain.isolation().isolated_cpus == frozenset()  # an empty file: none isolated
    assert plain.isolation().nohz_full_cpus is None  # no file: not known
    assert plain.isolation().vulnerabilities is None
    assert plain.devices().absent_reason and plain.devices().pci == ()


def test_unknown_values_have_reasons(tmp_path):
    # Malformed optional files: unknown values with the reasons the tool gives.
    root = generate(tmp_path / "t", TREES["isolated"])
    cpu = os.path.join(root, "sys", "devices", "system", "cpu")
    dev = os.path.join(root, "sys", "bus", "pci", "devices", "0000:11:00.0")
    for path, text in ((os.path.join(cpu, "isolated"), "1-x\n"), (os.path.join(cpu, "smt", "active"), "maybe\n"),
                       (os.path.join(dev, "vendor"), "zzz\n"), (os.path.join(dev, "numa_node"), "x\n")):
        with open(path, "w") as f:
            f.write(text)
    doc = tool_json("--root", root, "-s", "isolation,devices")
    node = hostcaps.Node(root)
    iso, devs = node.isolation(), node.devices()
    assert iso.isolated_cpus is None and iso.smt_active is None
    assert len(iso.reasons) == 2 and all(isinstance(r, str) for r in iso.reasons)
    assert devs.find_address("0000:11:00.0").vendor is None
    assert devs.find_address("0000:11:00.0").numa_node is None
    assert len(devs.reasons) == 2
    check_isolation(iso, doc["isolation"])
    check_devices(devs, doc["devices"])


def test_class_filter(tmp_path):
    root = generate(tmp_path / "t", TREES["isolated"])
    node = hostcaps.Node(root)
    every = node.devices()
    classes = {d.pci_class >> 16 for d in every.pci}
    assert {hostcaps.PCI_CLASS_NETWORK, hostcaps.PCI_CLASS_STORAGE, hostcaps.PCI_CLASS_DISPLAY} <= classes
    for wanted in ([hostcaps.PCI_CLASS_NETWORK], (hostcaps.PCI_CLASS_STORAGE, hostcaps.PCI_CLASS_DISPLAY),
                   iter([hostcaps.PCI_CLASS_NETWORK, hostcaps.PCI_CLASS_NETWORK]),
                   [hostcaps.PCI_CLASS_PROCESSING_ACCELERATOR], range(256)):
        wanted = list(wanted)
        some = node.devices(wanted)
        assert some.pci == tuple(d for d in every.pci if d.pci_class >> 16 in wanted), wanted
        assert some.absent_reason is None and some.reasons == ()
        # A filtered get probes again and returns a new object; the memoized
        # unfiltered one is still the node's.
        again = node.devices(classes=wanted)
        assert again is not some and again == some
        assert node.devices(cached=True) is every
    assert node.devices(hostcaps.PCI_CLASS_NETWORK) == node.devices([hostcaps.PCI_CLASS_NETWORK])
    assert node.devices(None) is every and node.devices(classes=None) is every
    nics = node.devices(hostcaps.PCI_CLASS_NETWORK)
    assert nics.find_name("eth0").address == every.find_name("eth0").address
    assert nics.find_name("nvme0n1") is None and every.find_name("nvme0n1") is not None


def test_class_filter_bridge_has_no_names_of_its_endpoints(tmp_path):
    node = hostcaps.Node(generate(tmp_path / "t", TREES["isolated"]))
    bridges = tuple(d for d in node.devices().pci if d.pci_class >> 16 == hostcaps.PCI_CLASS_BRIDGE)
    assert bridges and all(b.names == () for b in bridges)
    assert node.devices([hostcaps.PCI_CLASS_BRIDGE]).pci == bridges


def test_bad_arguments(tmp_path):
    node = hostcaps.Node(generate(tmp_path / "t", TREES["isolated"]))
    for bad in ([256], [-1], [0x1000], [2**70], 256, [], ()):
        with pytest.raises(ValueError):
            node.devices(bad)
    for bad in (["2"], "2", [2.0], 2.5, [True], True, [None], object()):
        with pytest.raises(TypeError):
            node.devices(bad)
    with pytest.raises(TypeError):
        node.devices(classes=[1.5])
    for get in (node.isolation, node.devices):
        with pytest.raises(TypeError):
            get(nosuch=True)
        with pytest.raises(TypeError):
            get(strict=True)
        with pytest.raises(ValueError):
            get(cached=True, refresh=True)
    with pytest.raises(TypeError):
        node.isolation(True)
    with pytest.raises(TypeError):
        node.devices([2], [3])
    with pytest.raises(TypeError):
        node.devices([2], classes=[3])
    devs, iso = node.devices(), node.isolation()
    for lookup in (devs.find_name, devs.find_address, iso.vulnerability):
        with pytest.raises(TypeError):
            lookup(3)
        with pytest.raises(TypeError):
            lookup(b"eth0")


def test_objects_outlive_their_node(tmp_path):
    node = hostcaps.Node(generate(tmp_path / "t", TREES["isolated"]))
    iso, devs, nics = node.isolation(), node.devices(), node.devices([hostcaps.PCI_CLASS_NETWORK])
    before = (repr(iso), iso.vulnerabilities, repr(devs), devs.pci, nics.pci)
    del node
    gc.collect()
    assert (repr(iso), iso.vulnerabilities, repr(devs), devs.pci, nics.pci) == before
    assert iso.vulnerability("mds").smt_vulnerable
    assert devs.find_name("eth1") == nics.find_name("eth1")
    dev, vuln = devs.pci[0], iso.vulnerabilities[0]
    del iso, devs, nics
    gc.collect()
    assert dev.address and vuln.name


def test_immutable_and_documented(tmp_path):
    node = hostcaps.Node(generate(tmp_path / "t", TREES["isolated"]))
    iso, devs = node.isolation(), node.devices()
    for obj, attr in ((iso, "isolated_cpus"), (devs, "pci"), (iso, "absent_reason")):
        with pytest.raises(AttributeError):
            setattr(obj, attr, None)
        with pytest.raises(TypeError):
            hash(obj)
    with pytest.raises(AttributeError):
        devs.pci[0].address = "x"
    with pytest.raises(AttributeError):
        iso.vulnerabilities[0].state = "x"
    assert repr(iso).startswith("hostcaps.Isolation(") and "isolated_cpus=frozenset({1, 2, 3})" in repr(iso)
    assert repr(devs).startswith("hostcaps.Devices(") and "address='0000:11:00.0'" in repr(devs)
    assert iso != devs
    for cls in (hostcaps.Isolation, hostcaps.Devices, hostcaps.Vulnerability, hostcaps.PciDevice):
        assert cls.__doc__ and len(cls.__doc__) > 20
        for name, member in vars(cls).items():
            if not name.startswith("_") and name not in ("n_fields", "n_sequence_fields", "n_unnamed_fields"):
                assert getattr(member, "__doc__", None), f"{cls.__name__}.{name}"
    for method, positional in ((hostcaps.Node.isolation, []), (hostcaps.Node.devices, ["classes"])):
        params = inspect.signature(method).parameters
        assert [p for p in params if params[p].kind == params[p].POSITIONAL_OR_KEYWORD] == positional
        assert {p for p in params if params[p].kind == params[p].KEYWORD_ONLY} == {"cached", "refresh"}
        assert "GIL" in method.__doc__


def test_constants_are_the_headers():
    # The tests' own reading of the header: every HOSTCAPS_PCI_CLASS_* is
    # exported with its value, and nothing else is.
    with open(os.path.join(SOURCE_DIR, "include", "hostcaps", "devices.h")) as f:
        header = dict(re.findall(r"HOSTCAPS_(PCI_CLASS_\w+) = (0x[0-9a-fA-F]+)", f.read()))
    assert len(header) >= 9
    exported = {name: getattr(hostcaps, name) for name in dir(hostcaps) if name.startswith("PCI_CLASS_")}
    assert exported == {name: int(v, 16) for name, v in header.items()}
    assert set(exported) <= set(hostcaps.__all__)
    assert hostcaps.SECTION_ISOLATION & hostcaps.SECTION_ALL
    assert not hostcaps.SECTION_DEVICES & hostcaps.SECTION_ALL
    assert {"isolation", "devices"} <= set(hostcaps.SECTIONS)


def test_loaded_document_has_neither(tmp_path):
    root = generate(tmp_path / "t", TREES["isolated"])
    xml = tmp_path / "caps.xml"
    xml.write_text(hostcaps.Node(root).capabilities())
    node = hostcaps.Node.from_document(str(xml))
    doc = tool_json("--from", str(xml), "-s", "isolation,devices")
    check_isolation(node.isolation(), doc["isolation"])
    check_devices(node.devices(), doc["devices"])
    assert node.isolation().absent_reason and node.devices().absent_reason
    assert node.devices([hostcaps.PCI_CLASS_NETWORK]).absent_reason == node.devices().absent_reason


def test_live_host():
    node = hostcaps.Node()
    doc = tool_json("-s", "isolation,devices")
    check_isolation(node.isolation(), doc["isolation"])
    devs = node.devices()
    check_devices(devs, doc["devices"])
    # Volatile: a live host's devices are read again at every get, whatever the flags.
    again = node.devices(cached=True)
    assert again is not devs and again == devs
    known = [d for d in devs.pci if d.pci_class is not None]
    if known:
        base = known[0].pci_class >> 16
        assert node.devices([base]).pci == tuple(d for d in known if d.pci_class >> 16 == base)
