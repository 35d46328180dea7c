# SPDX-License-Identifier: LGPL-2.1-or-later
"""Objects: immutable snapshots, alive after their node, equal when their
values are, documented; 16 threads sharing one node."""

import gc
import inspect
import threading

import pytest

import hostcaps
from conftest import fixture_roots

SECTIONS = ("cpu", "numa", "memory", "cache", "resctrl", "host", "isolation", "frequency", "devices")


def values(obj):
    return {name: getattr(obj, name) for name, _ in inspect.getmembers(type(obj), inspect.isdatadescriptor)
            if not name.startswith("_")}


def test_objects_outlive_their_node():
    root = fixture_roots()[0]
    node = hostcaps.Node(root)
    objs = {s: getattr(node, s)() for s in SECTIONS}
    before = {s: values(o) for s, o in objs.items()}
    del node
    gc.collect()
    for s, o in objs.items():
        assert values(o) == before[s]
        repr(o)
    cell = objs["numa"].cells[0]
    del objs
    gc.collect()
    assert isinstance(cell.cpus, frozenset)


def test_immutable_and_equal():
    root = fixture_roots()[0]
    a, b = hostcaps.Node(root), hostcaps.Node(root)
    for s in SECTIONS:
        x, y = getattr(a, s)(), getattr(b, s)()
        assert x is not y and x == y and not (x != y)
        assert x != getattr(a, SECTIONS[(SECTIONS.index(s) + 1) % len(SECTIONS)])()
        assert getattr(a, s)(cached=True) is x  # the memoized object, the same wrapper
        with pytest.raises(AttributeError):
            x.absent_reason = "x"
        with pytest.raises(TypeError):
            hash(x)
        assert repr(x).startswith(f"hostcaps.{type(x).__name__}(")
    cpu = a.cpu()
    with pytest.raises(AttributeError):
        cpu.features = ()
    with pytest.raises(TypeError):
        cpu.features[0] = "x"
    cell = a.numa().cells[0]
    with pytest.raises(AttributeError):
        cell.id = 3
    assert cell == b.numa().cells[0]
    assert "cpus=frozenset(" in repr(cell)
    assert repr(a) == f"hostcaps.Node(root={root!r})"


def test_refresh_gives_a_new_equal_object():
    node = hostcaps.Node()
    cpu = node.cpu()
    again = node.cpu(refresh=True)
    assert again == cpu
    assert node.cpu(cached=True) is again


def test_docstrings():
    public = [hostcaps.Node, hostcaps.Cpu, hostcaps.Numa, hostcaps.Memory, hostcaps.Cache, hostcaps.Resctrl,
              hostcaps.Host, hostcaps.Cell, hostcaps.CpuId, hostcaps.MemoryCell, hostcaps.CacheBank,
              hostcaps.CacheControl, hostcaps.MemoryBandwidth, hostcaps.Monitor, hostcaps.Isolation,
              hostcaps.Devices, hostcaps.Vulnerability, hostcaps.PciDevice, hostcaps.Error,
              hostcaps.SectionWarning]
    assert hostcaps.__doc__ and hostcaps.sections.__doc__
    for cls in public:
        assert cls.__doc__ and len(cls.__doc__) > 20, cls
        for name, member in vars(cls).items():
            if name.startswith("_"):
                continue
            if cls.__module__ == "hostcaps" and name in ("n_fields", "n_sequence_fields", "n_unnamed_fields"):
                continue
            assert getattr(member, "__doc__", None), f"{cls.__name__}.{name}"
    text = pydoc_text(hostcaps.Node)
    for word in ("capabilities", "cached=True", "refresh=True", "from_document", "from_hwloc", "GIL"):
        assert word in text


def pydoc_text(obj):
    import pydoc
    return pydoc.render_doc(obj, renderer=pydoc.plaintext)


@pytest.mark.parametrize("live", [True, False], ids=["live", "recorded"])
def test_threads_share_a_node(live):
    node = hostcaps.Node() if live else hostcaps.Node(fixture_roots()[0])
    expected = {s: getattr(node, s)() for s in ("cpu", "numa", "cache", "host")}
    start = threading.Barrier(16)
    errors = []

    def work(k):
        try:
            start.wait()
            for i in range(40):
                s = ("cpu", "numa", "cache", "host")[(i + k) % 4]
                obj = getattr(node, s)(refresh=(i % 3 == 0), cached=(i % 3 == 1))
                assert obj == expected[s], s
                assert node.memory().cells
                if i % 10 == 0:
                    assert node.capabilities(("cpu", "numa"), format="json", refresh=(i % 20 == 0))
        except Exception as e:  # reported below, with the thread
            errors.append((k, repr(e)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_gil_released_while_probing():
    # With a long switch interval, a thread waiting for the GIL gets it only
    # when its holder releases it. The other thread counts and yields the GIL
    # at once (sleep(0)), so it counts while the main thread probes only if
    # the probes release the GIL. The loop stops at the first count or after
    # 2 s, well within the interval.
    import sys
    import time
    node = hostcaps.Node()
    node.numa()
    done = threading.Event()
    ticks = [0]

    def count():
        while not done.is_set():
            ticks[0] += 1
            time.sleep(0)

    old = sys.getswitchinterval()
    sys.setswitchinterval(10)
    t = threading.Thread(target=count)
    try:
        t.start()
        before = ticks[0]
        deadline = time.monotonic() + 2
        probes = 0
        while ticks[0] == before and time.monotonic() < deadline:
            node.numa(refresh=True)
            probes += 1
        during = ticks[0] - before
    finally:
        done.set()
        t.join()
        sys.setswitchinterval(old)
    assert during > 0, f"no other thread ran during {probes} probes"
