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

from figure_facts import recorded, with_recorder

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
    "10_the_canon": {"instructor": 15, "student": 15},
    "11_uncertainty_and_three_actors": {"instructor": 4, "student": 4},
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
    nb = with_recorder(nbformat.read(versions / kind / path.name, as_version=4))
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    facts = recorded(nb)        # what a reader sees of each figure shown (tests/figure_facts.py)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    pictures = images(nb)
    assert len(pictures) == EXPECTED_FIGURES[path.stem][kind]
    for png in pictures:
        assert png.startswith(b"\x89PNG") and len(png) > 5000      # a drawn figure, not a blank one
    assert len(facts) == len(pictures)
    assert figure_problems(facts) == [], path.name
    # no figure is left to the inline backend: nothing printed as "<Figure size ...>"
    texts = [o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
             for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any("<Figure size" in t for t in texts)
    # results, conditions and thresholds are typeset, never shown as the Python objects behind them
    shown = [text for c in nb.cells if c.cell_type == "code" for text in plain_texts(c)]
    leaks = [m.group(0) for text in shown for m in PYTHON_SPELLING.finditer(text)]
    assert leaks == [], (path.name, leaks[:5])
    # the notebook's own checks (a number computed two ways, a threshold confirmed) come out true
    failed = failed_self_checks(shown)
    assert failed == [], (path.name, failed[:5])


#: The smallest text a legend or a game tree's labels may have, in points (notebook 07's legend of
#: eight scenarios was at 7, notebook 03's escalation ladder at 7 on a figure twice its width).
SMALLEST_POINTS = 8


def figure_problems(facts):
    """What a reader would miss in the figures recorded (tests/figure_facts.py): a figure without a
    title (a suptitle, or one on every panel: several of notebooks 08 and 10 had none), a legend in
    text under SMALLEST_POINTS, a game tree's labels under it, and any other text under it."""
    problems = []
    for k, f in enumerate(facts, 1):
        if not f["titled"]:
            problems.append(f"figure {k} has no title")
        if f["legend_points"] is not None and f["legend_points"] < SMALLEST_POINTS:
            problems.append(f"figure {k}'s legend is in {f['legend_points']:g} pt")
        tree = any("payoffs at the leaves" in t for t in f["titles"])
        if tree and f["smallest"] and f["smallest"][0][0] < SMALLEST_POINTS:
            problems.append(f"figure {k}'s tree labels are in {f['smallest'][0][0]:g} pt")
        elif f["smallest"] and f["smallest"][0][0] < SMALLEST_POINTS:
            # review 45: any text at all (an inset's ticks and title, payoff labels, contour labels were 7 pt)
            problems.append(f"figure {k} has text in {f['smallest'][0][0]:g} pt: {f['smallest'][0][1]!r}")
    return problems


def test_the_figure_check_sees_each_problem():
    fine = {"titled": True, "legend_points": 8.0, "titles": ["t", ""], "smallest": [[8.0, "(0, 0)"]]}
    tree = {**fine, "titles": ["t\npayoffs at the leaves: (A, B)", ""]}
    assert figure_problems([fine, tree, {**fine, "legend_points": None}]) == []
    assert figure_problems([{**fine, "titled": False}, {**fine, "legend_points": 7.0},
                            {**tree, "smallest": [[7.0, "(0, 0)"]]}, {**fine, "smallest": [[7.0, "P(war) 0.2"]]}]) == [
        "figure 1 has no title", "figure 2's legend is in 7 pt", "figure 3's tree labels are in 7 pt",
        "figure 4 has text in 7 pt: 'P(war) 0.2'"]


# How sympy and Python spell values that a reader should see typeset: δ ∈ [3/4, 1), 1/2, max(a, b).
PYTHON_SPELLING = re.compile(r"Interval\.\w+\(|Interval\(|Fraction\(|\bMax\(|\bMin\(|Piecewise\(|sqrt\(|"
                             r"EmptySet|FiniteSet\(|Rational\(|CRootOf\(")


# A line in which a notebook checks itself: a value computed two ways, a threshold confirmed
# from scratch. Such a line printing False is a notebook that contradicts its own text (07 printed
# "every tipping point confirmed: False" under a paragraph that relied on them).
SELF_CHECK = re.compile(r"\b(confirmed|agrees?|the same|same formula|same as the library|"
                        r"within three standard errors|inside, fails [^:]* outside)\b[^\n]*\bFalse\b")


def failed_self_checks(texts):
    """The lines of ``texts`` in which a notebook's own check came out False."""
    return [line for text in texts for line in text.splitlines() if SELF_CHECK.search(line)]


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


def test_the_self_check_sees_a_failed_check():
    printed = ["misfire  upper 0.0011    holds 1% inside, fails 1% outside: False\n"
               "every tipping point confirmed: False\n",
               "map and report agree at every W_iran in the model's column: False",
               "W_iran   lower 26.6      holds 1% inside, fails 1% outside: True\nevery tipping point confirmed: True",
               "US misfire 1/1600: still an equilibrium: False\np = 1/4 : deterrence succeeds? False"]
    assert failed_self_checks(printed) == [
        "misfire  upper 0.0011    holds 1% inside, fails 1% outside: False",
        "every tipping point confirmed: False",
        "map and report agree at every W_iran in the model's column: False"]


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
    assert summary_problems(path.stem, nb.cells) == []
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert sum("exercise" in t for t in tags) >= 2 and sum("solution" in t for t in tags) >= 2
    # only the public API: `import deterrence as dt`, then dt.name and dt.plot.name; the text
    # points readers to public names too, never to a module path or a private module
    assert public_api_problems(nb.cells) == []
    for c in code:
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
    """Every notebook has a row of its own in the README's table of notebooks (a row starts with
    its name in backticks), not just a mention somewhere in the text."""
    assert readme_table_missing((ROOT / "README.md").read_text()) == []


def readme_table_missing(readme):
    rows = {m.group(1) for m in re.finditer(r"^\| `(\d\d_\w+\.ipynb)` \|", readme, re.MULTILINE)}
    return [path.name for path in NOTEBOOKS if path.name not in rows]


def test_readme_check_sees_a_missing_row():
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| `08_reading_strategies.ipynb` |"))
    mentioned_only = readme.replace(row + "\n", "") + "\nSee also `08_reading_strategies.ipynb`.\n"
    assert readme_table_missing(mentioned_only) == ["08_reading_strategies.ipynb"]


# ---- where the summary sits ----------------------------------------------------------------

# Notebooks whose last markdown cell points to the next notebook ("**Next:** ..."): their summary
# is the last-but-one markdown cell. Every other notebook ends with its summary.
ENDS_WITH_NEXT = {"01_payoff_matrices"}


def summary_problems(stem, cells):
    """Why the summary is not where a reader looks for it: the last markdown cell (the last but
    one, before a "Next" cell, in ENDS_WITH_NEXT), starting "## Summary", in both versions."""
    markdown = [c for c in cells if c.cell_type == "markdown"]
    problems = []
    if stem in ENDS_WITH_NEXT:
        if not markdown[-1].source.startswith("**Next:**"):
            problems.append("the last markdown cell is not the 'Next' cell")
        summary = markdown[-2] if len(markdown) > 1 else None
    else:
        if markdown[-1].source.startswith("**Next:**"):
            problems.append("a 'Next' cell after the summary: add the notebook to ENDS_WITH_NEXT")
        summary = markdown[-1]
    if summary is None or not summary.source.startswith("## Summary"):
        problems.append("the summary is not where it belongs")
    elif {"exercise", "solution"} & set(summary.metadata.get("tags", [])):
        problems.append("the summary is tagged: one of the versions would lose it")
    if sum(c.source.startswith("## Summary") for c in markdown) != 1:
        problems.append("not exactly one summary")
    return problems


def test_summary_check_sees_a_misplaced_summary():
    cells = list(nbformat.read(ROOT / "notebooks" / "03_credible_threats.ipynb", as_version=4).cells)
    assert summary_problems("03_credible_threats", cells) == []
    moved = cells[:-1]
    moved.insert(len(moved) - 3, cells[-1])                        # the summary before the last exercise
    assert summary_problems("03_credible_threats", moved) == ["the summary is not where it belongs"]
    with_next = cells + [nbformat.v4.new_markdown_cell("**Next:** notebook 04.")]
    assert summary_problems("03_credible_threats", with_next) == \
        ["a 'Next' cell after the summary: add the notebook to ENDS_WITH_NEXT", "the summary is not where it belongs"]
    first = list(nbformat.read(ROOT / "notebooks" / "01_payoff_matrices.ipynb", as_version=4).cells)
    assert summary_problems("01_payoff_matrices", first) == []
    assert summary_problems("01_payoff_matrices", first[:-1]) == ["the last markdown cell is not the 'Next' cell",
                                                                 "the summary is not where it belongs"]


# ---- the public API only ---------------------------------------------------------------------

# `dt.<name>.<attribute>` is fine for a public name (a class's constructor, say) and for the
# plotting namespace dt.plot; a path through a submodule is not. No exception is needed today.
ALLOWED_SUBMODULE_PATHS: dict = {}      # "dt.sub.name": "why the public API has no name for it"
DEEP_IMPORT = re.compile(r"^\s*(from deterrence[\w.]* import|import deterrence\.)", re.MULTILINE)
DOTTED = re.compile(r"\b(?:dt|deterrence)((?:\.\w+)+)")
FILE_OF_PRIVATE_MODULE = re.compile(r"deterrence/(?:\w+/)*_\w+\.py")


def _submodules():
    import pkgutil

    import deterrence
    return {m.name for m in pkgutil.iter_modules(deterrence.__path__)}


def public_api_problems(cells):
    """The places where code reaches past the public API (a deep import, ``dt.<submodule>.<name>``
    other than dt.plot, a private ``_name``) or the text points a reader to a module path."""
    import deterrence
    public, submodules = set(deterrence.__all__), _submodules()
    problems = []
    for c in cells:
        if c.cell_type == "code" and DEEP_IMPORT.search(c.source):
            problems.append(("deep import", c.source.split("\n")[0]))
        if c.cell_type == "markdown":
            problems += [("private module file", m.group(0)) for m in FILE_OF_PRIVATE_MODULE.finditer(c.source)]
        for m in DOTTED.finditer(c.source):
            parts = m.group(1).lstrip(".").split(".")
            path = m.group(0)
            if any(part.startswith("_") and not part.startswith("__") for part in parts):
                problems.append(("private name", path))
            elif c.cell_type == "markdown" and m.group(0).startswith("deterrence.") and parts[0] in submodules:
                problems.append(("module path in the text", path))
            elif len(parts) > 1 and parts[0] != "plot" and parts[0] not in public \
                    and ".".join(["dt"] + parts[:2]) not in ALLOWED_SUBMODULE_PATHS:
                problems.append(("submodule path", path))
    return problems


def test_public_api_check_sees_each_kind_of_reach():
    new = nbformat.v4
    planted = [(new.new_code_cell("from deterrence.analysis.sweep import sweep"), "deep import"),
               (new.new_code_cell("import deterrence.models"), "deep import"),
               (new.new_code_cell("grid = dt.analysis.sweep(f, axes)"), "submodule path"),
               (new.new_code_cell("value = dt._lazy_thing(3)"), "private name"),
               (new.new_markdown_cell("The sweep is `deterrence.analysis.sweep.sweep`."), "module path in the text"),
               (new.new_markdown_cell("See `deterrence.core._tables.pretty`."), "private name"),
               (new.new_markdown_cell("See `deterrence/core/_tables.py`."), "private module file")]
    for cell, kind in planted:
        assert kind in [k for k, _ in public_api_problems([cell])], (cell.source, kind)
    fine = [new.new_code_cell("g = dt.NormalFormGame.from_mapping(m)\ndt.plot.show(dt.plot.heatmap(g))\n"
                              "print(dt.__version__, dt.sweep, dt.regime_map)"),
            new.new_markdown_cell("Sweep with `dt.sweep`; the example file `deterrence/data/events_2023.csv`.")]
    assert public_api_problems(fine) == []


# ---- the errata of issue 16 (deliver 3), each by a key phrase ----------------------------------

def _markdown(cells):
    return [c.source for c in cells if c.cell_type == "markdown"]


def _sentences(text):
    return re.split(r"(?<=[.!?])\s+", text)


def errata_problems(stem, cells):
    """The errata the reviewer found, asserted where they were: an empty list when all are fixed."""
    text = "\n".join(_markdown(cells))
    everything = "\n".join(c.source for c in cells)
    problems = []
    if stem == "02_equilibria":
        if re.search(r"older versions?", everything, re.IGNORECASE) or "hasattr(dt" in everything:
            problems.append("02: a fallback for older versions of the toolkit")
    if stem == "03_credible_threats":
        if not re.search(r"simplified Zagare[–-]Kilgour", text):
            problems.append("03: the model is not called a simplified Zagare-Kilgour game")
        chance = [s for s in _sentences(text) if "leaves something to chance" in s]
        if any(not re.search(r"\bnot\b", s) for s in chance):
            problems.append("03: self-deterrence called Schelling's threat that leaves something to chance")
        if not any("self-deterred" in s and "not Schelling" in s for s in _markdown(cells)):
            problems.append("03: the contrast with Schelling's threat is gone")
        # January 2020: after 'restrain' the game ends; 'missiles' is Iran's plan off the path
        if not any(c.cell_type == "code" and '== "restrain"' in c.source and "game over" in c.source
                   and "off-path plan" in c.source for c in cells):
            problems.append("03: the January 2020 path goes on after 'restrain'")
    if stem == "04_shadow_of_the_future":
        solution3 = [s for s in _markdown(cells) if s.startswith("**Solution 3")]
        if len(solution3) != 1 or "renegotiation-proof" not in solution3[0] or "not credible" in solution3[0]:
            problems.append("04: Solution 3 does not say renegotiation-proof")
        if not any("(own, other)" in s and "`gb`" in s for s in _markdown(cells)):
            problems.append("04: the (own, other) state labels are not explained")
        if not any("knife edge" in s and "default" in s for s in _markdown(cells)):
            problems.append("04: the tit-for-tat SPE set is not called a knife edge (empty only at the defaults)")
    if stem == "05_miscalculation":
        main = "\n".join(c.source for c in cells if c.cell_type == "markdown"
                         and not {"exercise", "solution"} & set(c.metadata.get("tags", [])))
        if "3/8 of the gain from cooperation" not in main:
            problems.append("05: noise does not cost tit-for-tat 3/8 of the gain from cooperation")
        if re.search(r"three[ -]quarters|3/4 of the gain", everything, re.IGNORECASE):
            problems.append("05: three quarters of the gain from cooperation")
    return problems


ERRATA = ["02_equilibria", "03_credible_threats", "04_shadow_of_the_future", "05_miscalculation"]


@pytest.mark.parametrize("stem", ERRATA)
def test_errata_of_issue_16_stay_fixed(stem):
    assert errata_problems(stem, nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells) == []


def _with(stem, old, new):
    """The notebook's cells with ``old`` replaced by ``new`` wherever it occurs (at least once)."""
    cells = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells
    assert any(old in c.source for c in cells), (stem, old)
    for c in cells:
        c.source = c.source.replace(old, new)
    return cells


def test_errata_check_sees_each_erratum_come_back():
    planted = {
        ("02_equilibria", "02: a fallback for older versions of the toolkit"):
            ("## Summary", "(Older versions of the toolkit lack this.)\n\n## Summary"),
        ("03_credible_threats", "03: the model is not called a simplified Zagare-Kilgour game"):
            ("simplified Zagare–Kilgour", "Zagare–Kilgour"),
        ("03_credible_threats", "03: self-deterrence called Schelling's threat that leaves something to chance"):
            ("**self-deterred by the chance of their own misfire**.",
             "**self-deterred by the chance of their own misfire**. It is Schelling's threat that leaves something "
             "to chance."),
        ("03_credible_threats", "03: the January 2020 path goes on after 'restrain'"):
            ("(game over; Iran's off-path plan after a strike:", "(then Iran plays"),
        ("04_shadow_of_the_future", "04: Solution 3 does not say renegotiation-proof"):
            ("it is not **renegotiation-proof**", "it is not **credible**"),
        ("04_shadow_of_the_future", "04: the (own, other) state labels are not explained"):
            ("A state name is read **(own, other)**", "A state name is read"),
        ("05_miscalculation", "05: three quarters of the gain from cooperation"):
            ("Derive the share", "Derive the three quarters share"),
    }
    for (stem, problem), (old, new) in planted.items():
        assert problem in errata_problems(stem, _with(stem, old, new)), (stem, problem)
    cells = nbformat.read(ROOT / "notebooks" / "05_miscalculation.ipynb", as_version=4).cells
    for c in cells:
        c.source = c.source.replace("3/8 of the gain from cooperation", "three quarters of the gain from cooperation")
    assert errata_problems("05_miscalculation", cells) == [
        "05: noise does not cost tit-for-tat 3/8 of the gain from cooperation",
        "05: three quarters of the gain from cooperation"]


# ---- review 43: sentences that break a word's one meaning or the model's own output ----

WORDS = ["01_payoff_matrices", "02_equilibria", "03_credible_threats", "05_miscalculation", "06_proxies",
         "07_report_and_maps", "11_uncertainty_and_three_actors"]


#: A chance called a risk (the glossary: "a chance is a probability (of war, of a misfire), never a
#: risk"; risk is risk dominance's word): war risk, war-risk, risk of (all-out) war, misfire risk, the
#: risk of one's own misfire, a strike that carries a risk. Identifiers (``war_risk``) are not prose and do not match.
RISK_FOR_PROBABILITY = re.compile(r"\bwar[\s-]+risks?\b|\brisks?\s+of\s+(?:an?\s+|all-out\s+)?war\b"
                                  r"|\bmisfire[\s-]+risks?\b|\brisks?\s+of\s+(?:(?:its|their|one's|a)\s+)?"
                                  r"(?:own\s+)?misfires?\b|\bcarr(?:y|ies|ied)\s+(?:no\s+|a\s+|the\s+)?risks?\b",
                                  re.IGNORECASE)


def words_problems(stem, cells):
    """Sentences that contradict the cells beside them or the glossary's one meaning of a word
    (an empty list when none is there)."""
    text = "\n".join(_markdown(cells))
    problems = []
    if RISK_FOR_PROBABILITY.search(text):      # reviews 44, 45: the glossary's word is probability
        problems.append(f"{stem[:2]}: war risk for the probability of war (risk is risk dominance's word)")
    if stem == "01_payoff_matrices" and "cost of war keeps escalation out" in text:
        problems.append("01: a large cost of war said to keep escalation out; mutual escalation is an equilibrium")
    if stem == "02_equilibria" and "other's restraint" in text:
        problems.append("02: retaliating rather than escalating called restraint (the glossary's restraint is holding)")
    if stem == "03_credible_threats" and "D ≥ 23" in text:
        problems.append("03: the threshold D > 22 written D ≥ 23")
    if stem == "05_miscalculation" and re.search(r"red line[^.]*\bdown from escalation", text):
        problems.append("05: the red line moved to a deadly attack (the glossary's red line is the step to escalation)")
    if stem == "06_proxies" and re.search(r"value of being seen to answer, i\.e\. a lower audience cost|"
                                          r"strike (for the sake of being|to be) seen to answer", text):
        problems.append("06: the audience cost of absorbing taken for the value of being seen to answer")
    if stem == "07_report_and_maps":
        # review 44: claim 1 listed the front door's other equilibria by hand and left out "escalation" (which the
        # report names), and said every rival's Nash product is 0 (escalation's is mutual escalation's, 2.7)
        computed = any(c.cell_type == "code" and "dt.solve(" in c.source and ".name_of(" in c.source for c in cells)
        if re.search(r"finds more pure equilibria at the calibration: |in each pair one side loses nothing", text) \
                or not computed:
            problems.append("07: the front door's other equilibria written by hand, not computed")
    if stem == "11_uncertainty_and_three_actors" and "contained equilibrium" in text:
        problems.append("11: the stage game's mutual retaliation called the contained equilibrium")
    return problems


@pytest.mark.parametrize("stem", WORDS)
def test_words_keep_their_meaning(stem):
    assert words_problems(stem, nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells) == []


def test_words_check_sees_each_slip_come_back():
    planted = {
        "01_payoff_matrices": ("a large cost of war makes escalating",
                               "a large cost of war keeps escalation out; escalating"),
        "02_equilibria": ("Each side is indifferent", "Each side barely tolerates the other's restraint, indifferent"),
        "03_credible_threats": ("(D > 22, as at D = 23 above)", "(D ≥ 23)"),
        "05_miscalculation": ("The line does not move;",
                              "It moves the red line down from escalation to a deadly attack;"),
        "06_proxies": ("Denial works only together with a lower audience cost A.",
                       "Denial works only together with a lower value of being seen to answer, "
                       "i.e. a lower audience cost."),
        "11_uncertainty_and_three_actors": ("favours mutual retaliation", "favours the contained equilibrium"),
        "07_report_and_maps": ("finds more pure equilibria, which the report's equilibrium section names by their path",
                               "finds more pure equilibria at the calibration: mutual restraint and US withdrawal"),
    }
    for stem, (old, new) in planted.items():
        found = words_problems(stem, _with(stem, old, new))
        assert len(found) == 1 and found[0].startswith(stem[:2]), (stem, found)
    risk = words_problems("07_report_and_maps", _with("07_report_and_maps", "(almost) no probability of war",
                                                      "(almost) no war risk"))
    assert risk == ["07: war risk for the probability of war (risk is risk dominance's word)"], risk
    cells = [c for c in nbformat.read(ROOT / "notebooks" / "07_report_and_maps.ipynb", as_version=4).cells
             if ".name_of(" not in c.source]
    assert words_problems("07_report_and_maps", cells) == ["07: the front door's other equilibria written by hand, "
                                                           "not computed"]


def _user_facing_texts():
    """``(where, text)`` for the text a user reads outside the library's code: every command's
    ``--help`` (the option help included), every notebook's cells (markdown, and the code cells'
    titles, labels and prints), the docs' pages, the README, the catalogue's game files and the
    teaching model's repr and report."""
    from deterrence.cli import SUBCOMMANDS, build_parser
    yield "deterrence --help", build_parser().format_help()
    for name in ["solve", "show", "list", *SUBCOMMANDS]:
        parser = build_parser(name)
        sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        yield f"deterrence {name} --help", sub.choices[name].format_help()
    for path in NOTEBOOKS:
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            yield f"{path.name} cell {i}", cell.source
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "games").glob("*.toml"))]:
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    import deterrence as dt
    for values in ({}, {"W_iran": 1}):     # the teaching model's report, with and without an equilibrium free of war
        model = dt.us_iran_model(**values)
        yield f"us_iran_model({values})", repr(model) + "\n" + model._repr_html_() + "\n" + dt.explain(model).to_text()


def risk_for_probability(texts):
    """Where a chance of war or of a misfire is called a risk (a line break inside the phrase
    counts: help text is wrapped)."""
    return [f"{where}: {m.group(0)!r}" for where, text in texts
            for m in RISK_FOR_PROBABILITY.finditer(" ".join(text.split()))]


def test_no_user_facing_text_calls_a_probability_of_war_a_risk():
    """Review 45: `deterrence --help` said "critical delta, war risk", notebook 03 "self-deterred by
    their own misfire risk", notebook 05 "the risk of war" and "War-risk curves", and the docs'
    how-tos "the risk of war under noise"; the glossary's word for a chance is probability."""
    assert risk_for_probability(_user_facing_texts()) == []


def test_the_risk_check_sees_each_phrasing():
    planted = ["analyse a repeated game: payoffs, critical delta, war\n  risk", "War-risk curves",
               "the risk of war under noise", "a per-attack risk of all-out war", "their own misfire risk",
               "deterred by the risk of one's own misfire", "war risks over months",
               "a second strike that carries no risk for Iran"]
    assert len(risk_for_probability(("planted", s) for s in planted)) == len(planted)
    fine = ["risk dominance", "it risk-dominates", "plot.war_risk_curve(months)", "Fearon's risk-return trade-off",
            "the probability of war", "the risk of disaster that each step runs"]
    assert risk_for_probability(("fine", s) for s in fine) == []


# ---- issue 13 (deliver 6): notebooks 05 and 07 teach the case from the stochastic exchange model ----

CASE_NOTEBOOKS = ["05_miscalculation", "07_report_and_maps"]
# A number in the running text that a code cell should print instead: a decimal or a percentage.
# (A section number such as 5.2 is neither: one digit after the point, and not 0.)
WRITTEN_NUMBER = re.compile(r"(?<![\w./`])(?:0\.\d+|\d+\.\d{2,})(?![\w/])|\b\d+(?:\.\d+)?\s?%")
# The old meaning of war: a week (a round) in which either side escalates, instead of the absorbing state.
WAR_AS_A_WEEK = re.compile(r"(week|round) in which either side escalates|\*\*war\*\* when either side escalates",
                           re.IGNORECASE)


def _main(cells, kind):
    """The cells of one kind that are neither exercises nor solutions (what every version shows)."""
    return [c.source for c in cells if c.cell_type == kind
            and not {"exercise", "solution"} & set(c.metadata.get("tags", []))]


def case_model_problems(stem, cells):
    """Why the notebook does not teach the case from the exchange model (an empty list when it does)."""
    main_code, main_text = "\n".join(_main(cells, "code")), "\n".join(_main(cells, "markdown"))
    text = "\n".join(_markdown(cells))
    problems = []
    if "dt.us_iran_exchange_model(" not in main_code:
        problems.append(f"{stem}: the case does not come from dt.us_iran_exchange_model()")
    for old in ("dt.us_iran_model(", "us_iran_stage", "dt.regime_map(", "dt.war_profiles("):
        if old in main_code:
            problems.append(f"{stem}: the case comes from the repeated game ({old})")
    if "absorbing" not in main_text or WAR_AS_A_WEEK.search(text):
        problems.append(f"{stem}: war is not the absorbing war state")
    if not re.search(r"\b(months|years)\b", main_text) or re.search(r"\b\d+ (weeks|rounds)\b", text):
        problems.append(f"{stem}: times are not in months and years")
    if "dt.verify_markov_perfect(" not in main_code:
        problems.append(f"{stem}: no equilibrium is checked under the noise")
    written = [m.group(0) for source in _main(cells, "markdown") + [c.source for c in cells if c.cell_type == "markdown"
               and "solution" in c.metadata.get("tags", [])] for m in WRITTEN_NUMBER.finditer(source)]
    if written:
        problems.append(f"{stem}: numbers written into the text instead of printed by a cell: {written[:3]}")
    if stem == "05_miscalculation":
        if not all(f in main_code for f in ("dt.absorption_probability(", "dt.expected_rounds_to_absorption(")):
            problems.append("05: the war risks are not computed from the exchange model's chain")
        if not ("26 months" in main_text and "ten years" in main_text and "red line" in main_text):
            problems.append("05: the price of a red line is not weighed within 26 months and ten years")
        if "repeated games in general" not in main_text:
            problems.append("05: the generic repeated-game lessons are not said to be generic")
    if stem == "07_report_and_maps":
        for sentence in _sentences(main_text):
            says_not_credible = re.search(r"\b(not|no longer) credible", sentence)
            if re.search(r"restraint", sentence, re.IGNORECASE) and says_not_credible and \
                    not re.search(r"not the same|every equilibrium|does not say|one profile", sentence):
                problems.append(f"07: restraint called not credible where one profile fails: {sentence[:80]}")
            if "war costlier" in sentence and "contained tit-for-tat" not in sentence and "case model" not in sentence:
                problems.append(f"07: an unqualified lesson on the cost of war: {sentence[:80]}")
        if "dt.rounds_in(" not in main_code:
            problems.append("07: the horizons are not converted from months")
    return problems


@pytest.mark.parametrize("stem", CASE_NOTEBOOKS)
def test_case_notebooks_use_the_exchange_model(stem):
    cells = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells
    assert case_model_problems(stem, cells) == []


def test_case_model_check_sees_the_old_notebooks_come_back():
    planted = {
        ("05_miscalculation", "05_miscalculation: the case does not come from dt.us_iran_exchange_model()"):
            ("dt.us_iran_exchange_model(", "dt.us_iran_model("),
        ("05_miscalculation", "05_miscalculation: the case comes from the repeated game (us_iran_stage)"):
            ("pd = dt.load_game(", 'stage = dt.load_game("us_iran_stage")\npd = dt.load_game('),
        ("05_miscalculation", "05_miscalculation: war is not the absorbing war state"):
            ("## 5.4 Policies", "A week is **war** when either side escalates.\n\n## 5.4 Policies"),
        ("05_miscalculation", "05_miscalculation: times are not in months and years"):
            ("## 5.4 Policies", "P(war in 100 weeks).\n\n## 5.4 Policies"),
        ("07_report_and_maps", "07_report_and_maps: the case comes from the repeated game (dt.us_iran_model()"):
            ("case = dt.us_iran_exchange_model()", "case = dt.us_iran_exchange_model()\nmodel = dt.us_iran_model()"),
        ("07_report_and_maps", "07_report_and_maps: the case comes from the repeated game (dt.regime_map()"):
            ("grid = contained_map(parameter, values)", "grid = dt.regime_map(parameter, values)"),
    }
    for (stem, problem), (old, new) in planted.items():
        assert problem in case_model_problems(stem, _with(stem, old, new)), (stem, problem)
    # the old sentences, each put back into the text
    cells = _with("05_miscalculation", "## 5.2 The echo effect",
                  "Contrition cures execution errors almost completely (2.98 of 3).\n\n## 5.2 The echo effect")
    assert any("numbers written into the text" in p for p in case_model_problems("05_miscalculation", cells))
    cells = _with("07_report_and_maps", "## 7.3 What would take the gloves off?",
                  "Contained tit-for-tat is no longer subgame perfect, so restraint is not credible.\n\n"
                  "## 7.3 What would take the gloves off?")
    assert any("restraint called not credible" in p for p in case_model_problems("07_report_and_maps", cells))
    heading = "## 7.3 What would take the gloves off?"
    unqualified = "Making war costlier does not make restraint more credible.\n\n"
    cells = _with("07_report_and_maps", heading, unqualified + heading)
    assert any("unqualified lesson" in p for p in case_model_problems("07_report_and_maps", cells))


@pytest.mark.parametrize("stem", ["01_payoff_matrices", "02_equilibria"])
def test_first_notebooks_go_from_2x2_to_3x3(stem):
    # issue 16.3: ideas come first on 2x2 games; the 3x3 US-Iran stage game only from the
    # section that says so
    import deterrence as dt
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    turn = next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "markdown" and c.source.startswith("## ") and "From 2×2 to 3×3" in c.source)
    shapes = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for name in re.findall(r'load_game\("(\w+)"\)', cell.source):
            shapes.append((i, dt.load_game(name).with_defaults().shape))
    assert all(shape == (2, 2) for i, shape in shapes if i < turn)
    assert any(shape == (3, 3) for i, shape in shapes if i > turn)
    # the case's 3x3 game is not used before the turn, whatever builds the games there
    case = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "us_iran" in c.source]
    assert case and min(case) > turn


def test_notebook_02_ties_the_one_round_war_to_the_exchange_models_war_state():
    # issue 13: 02 on the single war definition and the stochastic model: its one-round war
    # (either side escalates) is read off the exchange model's absorbing war state
    cells = nbformat.read(ROOT / "notebooks" / "02_equilibria.ipynb", as_version=4).cells
    main_code, main_text = "\n".join(_main(cells, "code")), "\n".join(_main(cells, "markdown"))
    assert "dt.us_iran_exchange_model(" in main_code and "one_week == p_war" in main_code
    assert "absorbing" in main_text and not WAR_AS_A_WEEK.search(main_text)
