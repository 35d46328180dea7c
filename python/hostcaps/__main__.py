# SPDX-License-Identifier: LGPL-2.1-or-later
"""python3 -m hostcaps: print this host's capabilities, as the hostcaps tool does.

The options are the tool's main ones (tools/hostcaps.c): --section (repeat or
separate with commas), --format, --root, --from, --from-hwloc, --cpuid,
--strict. Exit status: 0 success (failed sections are reported on standard
error), 1 every requested section failed (with --strict: any did) or another
runtime error, 2 usage error.
"""

import argparse
import sys
import warnings

import hostcaps

EXIT_RUNTIME = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"hostcaps: {message}\nTry 'python3 -m hostcaps --help' for more information.", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _parser():
    names = ", ".join(hostcaps.SECTIONS)
    p = _Parser(prog="python3 -m hostcaps",
                description="Print this host's capabilities: only the sections asked for are probed.")
    p.add_argument("-s", "--section", action="append", metavar="NAME",
                   help=f"{names} or all; repeat or separate with commas (default: all)")
    p.add_argument("-f", "--format", default="xml", metavar="FORMAT",
                   help="xml (libvirt capabilities, default), json or text")
    p.add_argument("-r", "--root", metavar="DIR", help="read a recorded sysroot instead of this host")
    p.add_argument("--from", dest="from_doc", metavar="FILE",
                   help="read a saved capabilities document (hostcaps' XML or virsh capabilities)")
    p.add_argument("--from-hwloc", metavar="FILE", help="read an hwloc XML topology (lstopo --of xml)")
    p.add_argument("--cpuid", metavar="FILE", help="take x86 CPUID from a dump instead of the CPU or the root")
    p.add_argument("--strict", action="store_true", help="fail when any requested section fails")
    p.add_argument("-V", "--version", action="version", version=f"hostcaps {hostcaps.version}")
    return p


def _sections(p, values):
    if not values:
        return None
    names = []
    for v in values:
        if v == "":
            p.error(f"--section needs a section name ({', '.join(hostcaps.SECTIONS)}, all)")
        for name in v.split(","):
            if not name:
                p.error(f"empty section name in '{v}'")
            if name != "all" and name not in hostcaps.SECTIONS:
                p.error(f"unknown section '{name}' ({', '.join(hostcaps.SECTIONS)}, all)")
            names.append(name)
    return names


def _report(message):
    for line in str(message).splitlines():
        print(f"hostcaps: {line}", file=sys.stderr)


def main(argv=None):
    p = _parser()
    args = p.parse_args(argv)
    sections = _sections(p, args.section)
    if args.format not in hostcaps.FORMATS:
        p.error(f"unknown format '{args.format}' (xml, json, text, nfd, prometheus)")
    if args.root == "":
        p.error("--root needs a directory (an empty one would read this host)")
    if (args.from_doc or args.from_hwloc) and (args.root or args.cpuid or (args.from_doc and args.from_hwloc)):
        p.error("--from and --from-hwloc read a file: no other source applies")
    try:
        if args.from_hwloc:
            node = hostcaps.Node.from_hwloc(args.from_hwloc)
        elif args.from_doc:
            node = hostcaps.Node.from_document(args.from_doc)
        else:
            node = hostcaps.Node(args.root, cpuid=args.cpuid)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", hostcaps.SectionWarning)
            doc = node.capabilities(sections, format=args.format, strict=args.strict)
    except hostcaps.Error as e:
        _report(e.strerror)
        return EXIT_RUNTIME
    for w in caught:
        _report(w.message)
    try:
        sys.stdout.write(doc)
        if args.format == "xml":
            sys.stdout.write("\n")
        sys.stdout.flush()
    except OSError as e:
        print(f"hostcaps: writing the document to standard output: {e.strerror}", file=sys.stderr)
        return EXIT_RUNTIME
    return 0


if __name__ == "__main__":
    sys.exit(main())
