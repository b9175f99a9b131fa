"""The teaching notebooks: committed clean, built into student and instructor versions, and
both versions run top to bottom in a fresh kernel under ``MPLBACKEND=Agg`` showing every figure."""
import ast
import base64
import importlib.util
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
CELL_TIMEOUT = 180  # seconds per cell: no cell waits on a widget (DETERRENCE_STATIC=1)

# Figures each version shows under Agg: one per plotting cell (a cell that draws several
# panels shows one figure). The student versions lack the figures of worked solutions.
EXPECTED_FIGURES = {
    "01_payoff_matrices": {"instructor": 3, "student": 2},
    "02_equilibria": {"instructor": 5, "student": 4},
    "03_credible_threats": {"instructor": 5, "student": 5},
    "04_shadow_of_the_future": {"instructor": 3, "student": 3},
    "05_miscalculation": {"instructor": 3, "student": 3},
    "06_proxies": {"instructor": 3, "student": 3},
    "07_report_and_maps": {"instructor": 3, "student": 3},
    "08_reading_strategies": {"instructor": 2, "student": 2},
    "09_build_your_own": {"instructor": 2, "student": 2},
    "10_the_canon": {"instructor": 10, "student": 10},
}
PLOTTING = re.compile(r"dt\.plot\.(?!show)\w+\(|plt\.subplots\(")


def _build_module():
    spec = importlib.util.spec_from_file_location("build_versions", ROOT / "notebooks" / "build_versions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_versions = _build_module()


def images(nb):
    """The PNG figures a run displayed, decoded (each must be a real picture, not an empty one)."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = o.get("data", {})
            if "image/png" in data:
                out.append(base64.b64decode(data["image/png"]))
    return out


def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} == set(EXPECTED_FIGURES)


@pytest.fixture(scope="session")
def versions(tmp_path_factory):
    out = tmp_path_factory.mktemp("versions")
    build_versions.build(out)
    return out


@pytest.mark.parametrize("kind", ["instructor", "student"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_version_runs_and_shows_its_figures(path, kind, versions, monkeypatch):
    # Agg: the inline backend's automatic display never happens, so every figure seen here
    # was displayed explicitly (dt.plot.show). The repository first on the path, so the
    # kernel imports this checkout. DETERRENCE_STATIC=1: sliders draw their default value.
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("DETERRENCE_STATIC", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(versions / kind / path.name, as_version=4)
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    pictures = images(nb)
    assert len(pictures) == EXPECTED_FIGURES[path.stem][kind]
    for png in pictures:
        assert png.startswith(b"\x89PNG") and len(png) > 5000      # a drawn figure, not a blank one
    # no figure is left to the inline backend: nothing printed as "<Figure size ...>"
    texts = [o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
             for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any("<Figure size" in t for t in texts)


def test_student_version_drops_exactly_the_solutions(versions):
    for path in NOTEBOOKS:
        source = nbformat.read(path, as_version=4)
        student = nbformat.read(versions / "student" / path.name, as_version=4)
        instructor = nbformat.read(versions / "instructor" / path.name, as_version=4)
        kept = [c.source for c in source.cells if "solution" not in c.metadata.get("tags", [])]
        assert [c.source for c in student.cells] == kept
        assert not any("**Solution" in c.source or "### Solution" in c.source for c in student.cells)
        # every exercise is there, and the key has every cell of the source plus its banner
        assert sum("exercise" in c.metadata.get("tags", []) for c in student.cells) == \
            sum("exercise" in c.metadata.get("tags", []) for c in source.cells) > 0
        assert [c.source for c in instructor.cells[2:]] == [c.source for c in source.cells[1:]]
        assert "Instructor key" in instructor.cells[1].source


def test_build_script_runs_from_the_command_line(tmp_path):
    import subprocess
    done = subprocess.run([sys.executable, str(ROOT / "notebooks" / "build_versions.py"), "--out", str(tmp_path),
                           "01_payoff_matrices"], capture_output=True, text=True, check=True)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.ipynb")) == \
        ["instructor/01_payoff_matrices.ipynb", "student/01_payoff_matrices.ipynb"]
    assert "student/01_payoff_matrices.ipynb" in done.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    assert all(c.outputs == [] and c.execution_count is None for c in code), \
        f"{path.name} has outputs: strip them (jupyter nbconvert --clear-output --inplace)"
    # a title, learning goals and prerequisites first; exercises, solutions and a summary
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "Learning goals" in nb.cells[0].source and "Prerequisites" in nb.cells[0].source
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "## Summary" in text
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert sum("exercise" in t for t in tags) >= 2 and sum("solution" in t for t in tags) >= 2
    # only the public API: `import deterrence as dt`, then dt.name and dt.plot.name
    for c in code:
        assert not re.search(r"^\s*(from deterrence[\w.]* import|import deterrence\.)", c.source, re.MULTILINE), c.source
        assert "plt.show()" not in c.source, "display figures with dt.plot.show(fig) (any backend)"
        ast.parse(c.source)
    # every cell that draws at top level displays its figure explicitly
    for c in code:
        top = [ln for ln in c.source.split("\n") if not ln.startswith((" ", "\t", "def ", "@"))]
        if any(PLOTTING.search(ln) for ln in top):
            assert "dt.plot.show(" in c.source, c.source
    # sliders only with a live front end: executed copies can never wait on a widget
    for c in code:
        if "interact(" in c.source:
            assert "if LIVE:" in c.source and "else:" in c.source, c.source


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"`{path.name}`" in readme, path.name
