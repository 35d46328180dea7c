# SPDX-License-Identifier: LGPL-2.1-or-later
"""hostcaps: what is this host? Only the parts the caller asks for.

    import hostcaps
    node = hostcaps.Node()                      # this host; Node("DIR"): a recorded sysroot
    cpu = node.cpu()                            # model, vendor, signature, features, topology
    for cell in node.numa().cells:              # NUMA cells: CPUs, memory, distances
        print(cell.id, sorted(cell.cpus))
    print(node.capabilities(("cpu", "numa"), format="json"))
    nic = node.devices(hostcaps.PCI_CLASS_NETWORK).find_name("eth0")  # PCI devices
    print(node.isolation().isolated_cpus)       # isolcpus=, nohz_full=, SMT, vulnerabilities

A Node probes each section on demand, only that section, and memoizes it;
cpu(), numa(), memory(), cache(), resctrl(), host(), isolation(),
frequency() and devices() return immutable snapshot objects that stay valid after a refresh and after the node is gone.
Failures raise hostcaps.Error, an OSError carrying the library's errno and
message. See docs/python.md and `python3 -m hostcaps --help`.

This package binds the C library libhostcaps.so.0 (`man hostcaps`).
"""

from hostcaps._hostcaps import (  # noqa: F401
    CPUSET_MAX_ID,
    FLAG_CACHED,
    FLAG_REFRESH,
    FLAG_STRICT,
    FORMAT_JSON,
    FORMAT_NFD,
    FORMAT_PROMETHEUS,
    FORMAT_TEXT,
    FORMAT_XML,
    HEADER_VERSION,
    PM_SUSPEND_DISK,
    PM_SUSPEND_HYBRID,
    PM_SUSPEND_MEM,
    SECTION_ALL,
    SECTION_CACHE,
    SECTION_CPU,
    SECTION_DEVICES,
    SECTION_FREQUENCY,
    SECTION_HOST,
    SECTION_ISOLATION,
    SECTION_MEMORY,
    SECTION_NUMA,
    SECTION_RESCTRL,
    Cache,
    CacheBank,
    CacheControl,
    Cell,
    Cpu,
    CpuId,
    Devices,
    Error,
    Frequency,
    FrequencyDomain,
    FrequencyKind,
    Host,
    Isolation,
    Memory,
    MemoryBandwidth,
    MemoryCell,
    Monitor,
    Node,
    Numa,
    PciDevice,
    Resctrl,
    SectionWarning,
    Vulnerability,
    sections,
    version,
)
from hostcaps import _hostcaps

# The PCI base classes of <hostcaps/devices.h> (PCI_CLASS_NETWORK, ...), as
# the extension defines them from the header: not listed a second time here.
globals().update({_name: getattr(_hostcaps, _name) for _name in dir(_hostcaps) if _name.startswith("PCI_CLASS_")})

#: The version of the library in use (libhostcaps.so.0), e.g. "0.3.0".
__version__ = version

#: The section names the library knows, in flag order ("cpu", "numa", ...).
SECTIONS = sections()

#: The document formats of Node.capabilities().
FORMATS = ("xml", "json", "text", "nfd", "prometheus")

__all__ = [
    "Node", "Cpu", "Numa", "Memory", "Cache", "Resctrl", "Host", "Isolation", "Frequency", "Devices",
    "Cell", "CpuId", "MemoryCell", "CacheBank", "CacheControl", "MemoryBandwidth", "Monitor",
    "Vulnerability", "PciDevice", "FrequencyDomain", "FrequencyKind",
    "Error", "SectionWarning", "SECTIONS", "FORMATS", "version",
] + sorted(_name for _name in dir(_hostcaps) if _name.startswith("PCI_CLASS_"))
