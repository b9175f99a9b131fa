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
    "10_the_canon": {"instructor": 13, "student": 13},
}
PLOTTING = re.compile(r"dt\.plot\.(?!show\(|widgets_live\()\w+\(|plt\.subplots\(")


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
    # results, conditions and thresholds are typeset, never shown as the Python objects behind them
    shown = [text for c in nb.cells if c.cell_type == "code" for text in plain_texts(c)]
    leaks = [m.group(0) for text in shown for m in PYTHON_SPELLING.finditer(text)]
    assert leaks == [], (path.name, leaks[:5])


# How sympy and Python spell values that a reader should see typeset: δ ∈ [3/4, 1), 1/2, max(a, b).
PYTHON_SPELLING = re.compile(r"Interval\.\w+\(|Interval\(|Fraction\(|\bMax\(|\bMin\(|Piecewise\(|sqrt\(|"
                             r"EmptySet|FiniteSet\(|Rational\(|CRootOf\(")


def plain_texts(cell):
    """What a reader sees as plain text in a cell's outputs: printed streams, and values that have
    no richer display (a value with LaTeX, Markdown, HTML or an image shows that instead)."""
    for o in cell.outputs:
        if "text" in o:
            yield o["text"]
        data = o.get("data", {})
        if "text/plain" in data and not {"text/latex", "text/markdown", "text/html", "image/png"} & set(data):
            yield data["text/plain"]


def test_the_plain_text_check_sees_python_spellings():
    cell = nbformat.v4.new_code_cell()
    out = nbformat.v4.new_output
    cell.outputs = [out("stream", text="delta in Interval.Ropen(3/4, 1)\n"),
                    out("execute_result", data={"text/plain": "(Fraction(1, 2), 3)"}),
                    out("display_data", data={"text/plain": "Max(a, b)", "text/latex": "$\\max(a, b)$"})]
    found = [m.group(0) for t in plain_texts(cell) for m in PYTHON_SPELLING.finditer(t)]
    assert found == ["Interval.Ropen(", "Fraction("]


def test_no_widget_waits_under_nbclient(monkeypatch):
    """Without a Jupyter server session (nbclient, nbconvert --execute, a docs build) the notebooks'
    sliders are off even when DETERRENCE_STATIC is not set, so no cell waits on a widget comm."""
    monkeypatch.delenv("DETERRENCE_STATIC", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("DETERRENCE_LIVE", raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    setups = {p.stem: next(c.source for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code")
              for p in NOTEBOOKS}
    with_sliders = {name for name, setup in setups.items() if "LIVE = dt.plot.widgets_live()" in setup}
    users = {p.stem for p in NOTEBOOKS if "interact(" in p.read_text()}
    assert users <= with_sliders and users, (users, with_sliders)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(setups[min(users)] + "\nprint('LIVE', LIVE)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3").execute()
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "LIVE False" in printed, printed


def test_binder_environment_installs_the_notebooks_needs():
    """binder/ states the notebook environment: every run-time and notebook requirement of setup.cfg
    is in requirements.txt, postBuild installs this package with its notebook extra, and the Python
    version is one the package supports."""
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    def names(block):
        return {re.split(r"[<>=!~\[ ]", line.strip())[0].lower() for line in block.strip().splitlines() if line.strip()}
    needed = names(cfg["options"]["install_requires"]) | names(cfg["options.extras_require"]["notebooks"])
    listed = names("\n".join(line for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
                             if not line.startswith("#")))
    assert needed <= listed, needed - listed
    post = (ROOT / "binder" / "postBuild").read_text()
    assert 'pip install ".[notebooks]"' in post and os.access(ROOT / "binder" / "postBuild", os.X_OK)
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    major_minor = tuple(int(x) for x in runtime.removeprefix("python-").split("."))
    low = tuple(int(x) for x in cfg["options"]["python_requires"].strip().removeprefix(">=").split("."))
    assert major_minor >= low


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
        deep_import = r"^\s*(from deterrence[\w.]* import|import deterrence\.)"
        assert not re.search(deep_import, c.source, re.MULTILINE), c.source
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
            assert any("LIVE = dt.plot.widgets_live()" in d.source for d in code), path.name


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"`{path.name}`" in readme, path.name
