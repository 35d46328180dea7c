# SPDX-License-Identifier: LGPL-2.1-or-later
"""Errors: hostcaps.Error (an OSError) with the library's errno and message,
ValueError and TypeError for what a Python caller got wrong."""

import errno
import warnings

import pytest

import hostcaps
from conftest import fixture_roots


@pytest.fixture
def broken_root(tmp_path):
    """A root whose CPU section cannot be probed (a reversed CPU list)."""
    cpu = tmp_path / "sys" / "devices" / "system" / "cpu"
    cpu.mkdir(parents=True)
    (cpu / "online").write_text("3-1\n")
    return str(tmp_path)


def test_error_is_an_oserror():
    assert issubclass(hostcaps.Error, OSError)
    assert hostcaps.Error.__doc__


def test_bad_root(tmp_path):
    missing = str(tmp_path / "missing")
    with pytest.raises(hostcaps.Error) as e:
        hostcaps.Node(missing)
    assert e.value.errno == errno.ENOENT
    assert missing in e.value.strerror and "No such file" in e.value.strerror
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError) as e:
        hostcaps.Node(str(tmp_path / "file"))
    assert e.value.errno == errno.ENOTDIR and "file" in e.value.strerror


def test_bad_document(tmp_path):
    doc = tmp_path / "caps.xml"
    doc.write_text("<capabilities><host><cpu><arch>x86_64</arch></cpu>\n<oops></host>")
    with pytest.raises(hostcaps.Error) as e:
        hostcaps.Node.from_document(str(doc))
    assert e.value.errno == errno.EINVAL
    assert e.value.strerror.startswith(f"{doc}:2: ")
    with pytest.raises(hostcaps.Error) as e:
        hostcaps.Node.from_document(str(tmp_path / "none.xml"))
    assert e.value.errno == errno.ENOENT and "none.xml" in e.value.strerror
    doc.write_text('<!DOCTYPE x [<!ENTITY a "b">]><capabilities/>')
    with pytest.raises(hostcaps.Error) as e:
        hostcaps.Node.from_document(doc)  # a path-like object
    assert str(doc) in e.value.strerror


def test_bad_hwloc(tmp_path):
    with pytest.raises(hostcaps.Error) as e:
        hostcaps.Node.from_hwloc(str(tmp_path / "none.xml"))
    assert e.value.errno in (errno.ENOENT, errno.EOPNOTSUPP)
    assert "none.xml" in e.value.strerror or "hwloc" in e.value.strerror


def test_failed_section(broken_root):
    node = hostcaps.Node(broken_root)
    with pytest.raises(hostcaps.Error) as e:
        node.cpu()
    assert e.value.errno == errno.EINVAL
    assert e.value.strerror == "sys/devices/system/cpu/online: invalid CPU list '3-1': range is reversed"
    # Other sections are there; the document holds them, with a warning.
    assert node.host().absent_reason is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = node.capabilities(("cpu", "host"), format="json")
    assert '"failed": true' in doc and '"host"' in doc
    assert [w.category for w in caught] == [hostcaps.SectionWarning]
    assert str(caught[0].message).startswith("cpu: sys/devices/system/cpu/online: ")
    with pytest.raises(hostcaps.Error) as e:
        node.capabilities(("cpu", "host"), strict=True)
    assert e.value.errno == errno.EINVAL and "3-1" in e.value.strerror
    with pytest.raises(hostcaps.Error) as e:
        node.capabilities("cpu")  # every section asked for failed
    assert "cpu: " in e.value.strerror


def test_python_mistakes():
    node = hostcaps.Node(fixture_roots()[0])
    with pytest.raises(ValueError, match="unknown section 'bogus'"):
        node.capabilities("bogus")
    with pytest.raises(ValueError, match="unknown section 'cpu,numa'"):
        node.capabilities("cpu,numa")
    with pytest.raises(ValueError):
        node.capabilities(())
    with pytest.raises(TypeError):
        node.capabilities(["cpu", 3])
    with pytest.raises(TypeError):
        node.capabilities(3)
    with pytest.raises(ValueError, match="unknown format 'yaml'"):
        node.capabilities(format="yaml")
    with pytest.raises(TypeError):
        node.capabilities(format=1)
    with pytest.raises(TypeError):
        node.capabilities(bogus=True)
    with pytest.raises(TypeError, match="bogus"):
        node.cpu(bogus=True)
    with pytest.raises(TypeError):
        node.cpu(strict=True)  # the typed getters take cached= and refresh=
    with pytest.raises(TypeError):
        node.cpu(True)
    with pytest.raises(ValueError):
        node.numa(cached=True, refresh=True)
    with pytest.raises(ValueError):
        node.capabilities(cached=True, refresh=True)
    with pytest.raises(TypeError):
        hostcaps.Node(bogus=1)
    with pytest.raises(TypeError):
        hostcaps.Node(3)
    with pytest.raises(TypeError):
        node.cpu().has_feature(3)


def test_every_library_section_name():
    # Names go through the library (hostcaps_section_from_string): whatever it
    # knows works, "all" included.
    node = hostcaps.Node(fixture_roots()[0])
    assert hostcaps.SECTIONS[:6] == ("cpu", "numa", "memory", "cache", "resctrl", "host")
    for name in hostcaps.SECTIONS:
        assert node.capabilities(name, format="json")
    assert node.capabilities("all", format="json") == node.capabilities(None, format="json")
    assert node.capabilities(iter(["cpu"]), format="json") == node.capabilities("cpu", format="json")
