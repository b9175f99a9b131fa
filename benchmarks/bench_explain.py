"""``explain(us_iran_model())``: the report of the built-in model, cold and warm.

Run from the repository root:  python benchmarks/bench_explain.py [--base DIR]

* cold: a fresh interpreter imports deterrence and builds the report once (what
  ``deterrence report`` costs), measured in a subprocess;
* warm: the median of further calls in one process (a notebook re-running a cell).

Both are CPU seconds of the process (``time.process_time``), which the other agents on a
shared machine disturb less than wall time. ``--base DIR`` times a checkout of an older
commit the same way in the same run (for instance ``git archive 6a29cf1 | tar -x -C DIR``),
so old and new are compared on one machine under one load.

Before issue 12 (commit 6a29cf1, measured before any change, this machine, 2 shared cores,
python-flint installed): warm 0.455 s wall / 0.665 s CPU, cold 1.05 s wall for the report
alone after imports. One report solved the stage game twice, checked the profile three
times, derived every symbolic deviation gain and simplified each one, and solved each
red-line gap with ``sympy.solve``.
After (this branch, ``--base`` run on a 6a29cf1 checkout, same machine, same load, CPU):
warm 0.155 s against 0.691 s (4.5x), cold with imports 1.07 s against 1.76 s (1.7x).
The warm gain comes from computing each result once (a test counts the solver calls),
from reading linear roots off instead of ``sympy.solve``, and from keeping the symbolic
deviation conditions of a stage game and profile for the session (they do not depend on
the parameter values); the cold time is mostly imports and the one symbolic derivation.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

_PROBE = """
import time
t0 = time.process_time()
from deterrence.models.us_iran import us_iran_model
from deterrence.analysis.explain import explain
explain(us_iran_model())
cold = time.process_time() - t0
warm = []
for _ in range({repeats}):
    t = time.process_time()
    explain(us_iran_model())
    warm.append(time.process_time() - t)
print(cold, *warm)
"""


def measure(checkout, repeats=5):
    """``(cold seconds, median warm seconds)`` of the checkout at ``checkout``, in a subprocess."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run([sys.executable, "-c", _PROBE.format(repeats=repeats)], env=env, cwd=str(checkout),
                         capture_output=True, text=True, check=True).stdout.split()
    cold, *warm = map(float, out)
    return cold, statistics.median(warm)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=None, metavar="DIR", help="an older checkout to compare with")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    t = time.perf_counter()
    cold, warm = measure(ROOT, args.repeats)
    print("explain(us_iran_model()), CPU seconds")
    print(f"  this checkout: cold (with imports) {cold:.3f} s, warm {warm:.3f} s")
    if args.base:
        base_cold, base_warm = measure(pathlib.Path(args.base).resolve(), args.repeats)
        print(f"  base {args.base}: cold {base_cold:.3f} s, warm {base_warm:.3f} s")
        print(f"  speed-up: warm {base_warm / warm:.1f}x, cold {base_cold / cold:.1f}x "
              f"(goal: warm at least 3x: {'met' if base_warm / warm >= 3 else 'NOT MET'})")
    print(f"  (benchmark took {time.perf_counter() - t:.1f} s wall)")


if __name__ == "__main__":
    main()
