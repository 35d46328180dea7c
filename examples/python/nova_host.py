#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What a compute agent such as OpenStack Nova reads of its host, through hostcaps.

    nova_host.py [--root DIR] [--json]

The host CPU (model, vendor, signature, topology, features) and the NUMA cells
(CPUs, sibling threads, distances, total and free memory, and pages of every
size: used = total - free, as Nova accounts them). Only the cpu, numa and
memory sections are probed: no cache, resctrl or host identity.
"""

import argparse
import json
import sys

import hostcaps


def describe(node):
    cpu = node.cpu()
    numa = node.numa()
    memory = node.memory()
    host_cpu = {
        "arch": cpu.arch,
        "vendor": cpu.vendor,
        "model": cpu.model,
        "signature": cpu.signature,
        "topology": {"sockets": cpu.sockets, "dies": cpu.dies, "clusters": cpu.clusters,
                     "cores": cpu.cores, "threads": cpu.threads},
        "features": list(cpu.features),
    }
    # Memory cells join NUMA cells by node id (they are the same cells at the
    # same index when no node was hotplugged between the two reads).
    state = {c.id: c for c in memory.cells}
    cells = []
    for cell in numa.cells:
        mem = state.get(cell.id)
        siblings = sorted({tuple(sorted(c.siblings)) for c in cell.cpu_ids})
        cells.append({
            "id": cell.id,
            "cpuset": sorted(cell.cpus),
            "usable_cpus": sorted(cell.allowed_cpus),
            "siblings": [list(s) for s in siblings],
            "memory_kib": cell.memory_kib,
            "free_kib": mem.free_kib if mem else None,
            "distances": {str(k): v for k, v in sorted(cell.distances.items())},
            "mempages": [
                {"size_kb": size, "total": total,
                 "used": None if total is None or free is None else total - free}
                for size, (total, free) in sorted((mem.pages if mem else {}).items())
            ],
        })
    return {"cpu": host_cpu, "cells": cells}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", help="a recorded sysroot instead of this host")
    p.add_argument("--json", action="store_true", help="print JSON")
    args = p.parse_args()
    try:
        host = describe(hostcaps.Node(args.root))
    except hostcaps.Error as e:
        print(f"nova_host: {e.strerror}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(host, sys.stdout, indent=2)
        print()
        return 0
    c = host["cpu"]
    t = c["topology"]
    print(f"CPU: {c['vendor']} {c['model']} ({c['arch']}), signature {c['signature']}")
    print(f"     {t['sockets']} sockets x {t['dies']} dies x {t['clusters']} clusters x {t['cores']} cores"
          f" x {t['threads']} threads; {len(c['features'])} features beyond the model")
    for cell in host["cells"]:
        pages = ", ".join(f"{p['size_kb']} KiB: {p['used']}/{p['total']} used" for p in cell["mempages"])
        print(f"cell {cell['id']}: CPUs {cell['cpuset']}, memory {cell['memory_kib']} KiB"
              f" ({cell['free_kib']} free); pages {pages or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
