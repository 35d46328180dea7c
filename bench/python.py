# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python package's costs (docs/python.md), beside the C library's.

    build/python/run-python bench/python.py BUILD_DIR [--runs N] [--markdown FILE]

Run with the interpreter the module was built for (build/python/run-python
is that interpreter with the build tree's package on its path); bench/run.sh
runs it after hostcaps-bench. Fresh-process figures are medians of N
interleaved runs, each a posix_spawn and wait, so that every command sees
the same machine state; a difference of medians is what one command adds to
another. The targets:

  - `import hostcaps` adds <= 2 ms to a Python start;
  - Node().cpu() / Node().numa() in a fresh process cost <= 1.2x the C
    library's first request (hostcaps-bench-first) plus the import;
  - a memoized node.cpu(cached=True) costs <= 1 us (beside the floor of a
    Python call of a C method, measured in the same process).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import timeit

import hostcaps


def spawn(argv, env):
    """Wall time and CPU time (user + system) of one run, in ms."""
    t = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env)
    _, status, usage = os.wait4(pid, 0)
    t = time.perf_counter_ns() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench/python.py: {' '.join(argv)} failed")
    return t / 1e6, (usage.ru_utime + usage.ru_stime) * 1e3


def medians(commands, runs, env):
    """Per command, the median wall time and the median CPU time (ms). CPU
    time does not count waiting for a CPU: the steadier figure on a busy
    machine, though its clock ticks are coarser."""
    wall = {name: [] for name in commands}
    cpu = {name: [] for name in commands}
    for name, argv in commands.items():  # warm the page cache
        spawn(argv, env)
    for _ in range(runs):
        for name, argv in commands.items():
            w, c = spawn(argv, env)
            wall[name].append(w)
            cpu[name].append(c)
    return ({n: statistics.median(v) for n, v in wall.items()}, {n: statistics.median(v) for n, v in cpu.items()})


def reported_ms(argv, runs, env):
    """The median of what a command prints (ns measured in its process), in ms."""
    values = []
    for _ in range(runs):
        out = subprocess.run(argv, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
        values.append(int(out) / 1e6)
    return statistics.median(values)


def per_call_ns(stmt, setup_globals, number=200000, repeat=7):
    t = timeit.Timer(stmt, globals=setup_globals)
    return min(t.repeat(repeat=repeat, number=number)) / number * 1e9


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("--runs", type=int, default=100)
    p.add_argument("--markdown")
    args = p.parse_args()
    bindir = os.path.join(os.path.abspath(args.build), "bin")
    py = sys.executable
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(os.path.abspath(args.build), "python")
    # The package as installed: with its bytecode compiled.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import compileall
    compileall.compile_dir(os.path.dirname(hostcaps.__file__), quiet=1)

    commands = {
        "python3 -c pass": [py, "-c", "pass"],
        "python3 -c 'import hostcaps'": [py, "-c", "import hostcaps"],
        "python3: Node().cpu()": [py, "-c", "import hostcaps; hostcaps.Node().cpu()"],
        "python3: Node().numa()": [py, "-c", "import hostcaps; hostcaps.Node().numa()"],
        "C: empty program": [os.path.join(bindir, "hostcaps-bench-exit-plain")],
        "C: first cpu request": [os.path.join(bindir, "hostcaps-bench-first"), "cpu"],
        "C: first numa request": [os.path.join(bindir, "hostcaps-bench-first"), "numa"],
    }
    m, mc = medians(commands, args.runs, env)
    rows = [("process", "median wall (ms)", "median CPU (ms)")] + [
        (k, f"{v:.3f}", f"{mc[k]:.3f}") for k, v in m.items()]

    # Measured inside each fresh process: no process start in the figure, so
    # far less of the machine's load.
    timed = "import time; t = time.perf_counter_ns(); {}; print(time.perf_counter_ns() - t)"
    inproc = {
        "import hostcaps": reported_ms([py, "-c", timed.format("import hostcaps")], args.runs, env),
    }
    for s in ("cpu", "numa"):
        inproc[f"Node().{s}() after the import"] = reported_ms(
            [py, "-c", "import hostcaps; " + timed.format(f"hostcaps.Node().{s}()")], args.runs, env)
        inproc[f"C: open and first {s} request"] = reported_ms(
            [os.path.join(bindir, "hostcaps-bench-first"), s, "--print"], args.runs, env)
    rows2 = [(k, f"{v:.3f}") for k, v in inproc.items()]

    node = hostcaps.Node()
    node.cpu()
    g = {"node": node, "hostcaps": hostcaps, "f": (lambda: None), "n": 1}
    cached = per_call_ns("node.cpu(cached=True)", g)
    plain = per_call_ns("node.cpu()", g, number=20000)
    c_getter = per_call_ns("node.is_live", g)
    c_method = per_call_ns("n.bit_length()", g)
    c_kw = per_call_ns("node.numa", g)  # attribute lookup of a bound method, no call
    py_call = per_call_ns("f()", g)

    targets = []

    def target(what, value, limit, unit):
        targets.append((what, f"{value:.3g} {unit}", f"{limit:.3g} {unit}", "met" if value <= limit else "MISSED"))

    target("`import hostcaps`, in the process", inproc["import hostcaps"], 2.0, "ms")
    for s in ("cpu", "numa"):
        c = inproc[f"C: open and first {s} request"]
        target(f"Node().{s}() after the import against C's {c:.3f} ms, in the process",
               inproc[f"Node().{s}() after the import"], 1.2 * c, "ms")
    for label, t in (("wall", m), ("CPU", mc)):
        imp = t["python3 -c 'import hostcaps'"] - t["python3 -c pass"]
        target(f"`import hostcaps` adds to a Python start ({label})", imp, 2.0, "ms")
        for s in ("cpu", "numa"):
            cost = t[f"python3: Node().{s}()"] - t["python3 -c 'import hostcaps'"]
            # The C side counts loading the library too (the empty program
            # is not linked with it): the comparison favours C.
            c = t[f"C: first {s} request"] - t["C: empty program"]
            target(f"Node().{s}() in a fresh process beyond the import, against C's {c:.3f} ms ({label})",
                   cost, 1.2 * c, "ms")
    target("memoized node.cpu(cached=True)", cached / 1000, 1.0, "µs")

    out = []
    out.append("## Python package\n")
    out.append(f"Interpreter {py} (Python {sys.version.split()[0]}), hostcaps {hostcaps.version}; "
               f"medians of {args.runs} interleaved runs; in-process figures are the best of 7 timeit repeats.\n")
    out.append("| " + " | ".join(rows[0]) + " |\n|---|---|---|")
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    out.append("\n| in a fresh process, timed inside it | median (ms) |\n|---|---|")
    out += ["| " + " | ".join(r) + " |" for r in rows2]
    out.append("\n| in one process | per call |\n|---|---|")
    out += [f"| node.cpu(cached=True) | {cached:.0f} ns |",
            f"| node.cpu() (default: the stamp check) | {plain:.0f} ns |",
            f"| floor: node.is_live (a C getter) | {c_getter:.0f} ns |",
            f"| floor: n.bit_length() (a C method call) | {c_method:.0f} ns |",
            f"| floor: node.numa (bound method lookup, no call) | {c_kw:.0f} ns |",
            f"| floor: f() (an empty Python function) | {py_call:.0f} ns |"]
    out.append("\n| target | measured | limit | |\n|---|---|---|---|")
    out += ["| " + " | ".join(t) + " |" for t in targets]
    text = "\n".join(out) + "\n"
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
