"""Build the student and instructor versions of the teaching notebooks.

The source notebooks in this folder hold exercises and their worked
solutions side by side; the cells are marked with the tags ``exercise`` and
``solution`` (Jupyter: View > Cell toolbar > Tags). This script writes

* ``<out>/student/NN_name.ipynb``: every cell except those tagged ``solution``;
* ``<out>/instructor/NN_name.ipynb``: every cell, with a banner saying it is the key;

and, with ``--execute``, runs each written notebook top to bottom in a fresh
kernel (nbclient) with ``MPLBACKEND=Agg`` and ``DETERRENCE_STATIC=1`` (no live
widgets: sliders draw their default value), keeping the outputs, so that the
versions can be handed out or rendered with their figures (the documentation
site renders the executed instructor versions).

Usage::

    python notebooks/build_versions.py                    # -> notebooks/_build/{student,instructor}
    python notebooks/build_versions.py --out DIR --execute
"""
from __future__ import annotations

import argparse
import copy
import os
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOLUTION, EXERCISE = "solution", "exercise"
CELL_TIMEOUT = 300   # seconds per cell


def tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def student_version(nb):
    """The notebook without its solution cells (outputs cleared)."""
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if SOLUTION not in tags(c)]
    return out


def instructor_version(nb):
    """The whole notebook, with a banner after the title saying that it is the key."""
    out = copy.deepcopy(nb)
    n_solutions = sum(SOLUTION in tags(c) for c in out.cells)
    banner = nbformat.v4.new_markdown_cell(
        f"> **Instructor key.** This version contains the worked solutions ({n_solutions} cells, "
        "tagged `solution`). Students get the version without them, built by `notebooks/build_versions.py`.")
    banner.metadata["tags"] = ["instructor-banner"]
    out.cells.insert(1, banner)
    return out


def execute(nb, path: Path):
    """Run a notebook in a fresh kernel (Agg backend, no live widgets); raises on the first error."""
    from nbclient import NotebookClient

    root = str(HERE.parent)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["DETERRENCE_STATIC"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def build(out: Path, run: bool = False, names=None, kinds=("student", "instructor")) -> list:
    """Write (and optionally execute) the versions ``kinds`` of every notebook (or of ``names``);
    returns the paths written."""
    written = []
    sources = sorted(HERE.glob("[0-9]*.ipynb"))
    if names:
        sources = [p for p in sources if p.stem in names or p.name in names]
    for source in sources:
        nb = nbformat.read(source, as_version=4)
        for kind, make in (("student", student_version), ("instructor", instructor_version)):
            if kind not in kinds:
                continue
            version = make(nb)
            target = out / kind / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if run:
                execute(version, source)
            nbformat.write(version, target)
            written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "_build", help="output folder (default notebooks/_build)")
    parser.add_argument("--execute", action="store_true", help="run each version and keep its outputs")
    parser.add_argument("names", nargs="*", help="only these notebooks (e.g. 01_payoff_matrices)")
    args = parser.parse_args(argv)
    for path in build(args.out, args.execute, args.names):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
