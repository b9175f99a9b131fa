"""Every algorithm and model module has an explanation page (no docs build needed: the pages'
sources are read as text, the modules' names by parsing them)."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPLANATION = ROOT / "docs" / "explanation"
AREAS = ("deterrence/solvers", "deterrence/models")
# Modules that are not an algorithm or a model, with the reason. Private modules (``_*.py``:
# compiled kernels) and package ``__init__.py`` files are skipped by rule.
HELPERS = {}


def modules(root=ROOT, areas=AREAS):
    """``{dotted module name: public names it defines}`` for the modules the docs must explain."""
    found = {}
    for area in areas:
        for path in sorted((root / area).rglob("*.py")):
            if path.name.startswith("_"):
                continue
            dotted = ".".join(path.relative_to(root).with_suffix("").parts)
            if dotted in HELPERS:
                continue
            found[dotted] = public_names(path.read_text(encoding="utf-8"))
    return found


def public_names(source):
    """The names of ``__all__``, else the public top-level functions and classes."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return tuple(node.name for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"))


def pages(folder=EXPLANATION):
    """``{page path relative to the folder: its MyST source}``."""
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.md"))}


def mentions(text, dotted, names):
    """Whether a page names the module: its dotted name, or one of its names as code."""
    if re.search(re.escape(dotted) + r"(?![\w.])", text):
        return True
    spans = re.findall(r"`([^`]+)`", text)
    return any(re.search(r"(?<!\w)" + re.escape(name) + r"\b", span) for span in spans for name in names)


def uncovered(mods, texts):
    """The modules no page mentions."""
    return sorted(m for m, names in mods.items() if not any(mentions(t, m, names) for t in texts.values()))


def test_every_solver_and_model_module_has_an_explanation():
    mods = modules()
    assert "deterrence.solvers.normal_form.qre" in mods and "deterrence.models.canon" in mods
    assert not any(m.rsplit(".", 1)[-1].startswith("_") for m in mods)
    assert uncovered(mods, pages()) == []


def test_a_removed_page_or_a_new_module_is_found():
    mods, texts = modules(), pages()
    for page, module in (("stage-games/qre.md", "deterrence.solvers.normal_form.qre"),
                         ("models/canon.md", "deterrence.models.canon"),
                         ("models/canon_beliefs.md", "deterrence.models.canon_beliefs")):
        assert page in texts
        assert uncovered(mods, {k: v for k, v in texts.items() if k != page}) == [module]
    planted = dict(mods, **{"deterrence.solvers.normal_form.planted": ("planted_equilibria",)})
    assert uncovered(planted, texts) == ["deterrence.solvers.normal_form.planted"]
    assert uncovered(planted, dict(texts, extra="See `dt.planted_equilibria(game)`.")) == []


def test_module_discovery_skips_private_and_init(tmp_path):
    package = tmp_path / "deterrence" / "solvers" / "kind"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "_kernels.py").write_text("def fast(): pass\n")
    (package / "method.py").write_text("__all__ = ['solve_it']\ndef solve_it(): pass\ndef other(): pass\n")
    (package / "plain.py").write_text("def shown(): pass\ndef _hidden(): pass\nclass Shown: pass\n")
    assert modules(tmp_path, ("deterrence/solvers",)) == {
        "deterrence.solvers.kind.method": ("solve_it",),
        "deterrence.solvers.kind.plain": ("shown", "Shown"),
    }


def _toctree_entries(text):
    blocks = re.findall(r"```\{toctree\}(.*?)```", text, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.strip().startswith(":")]


def toctree_pages(texts):
    """The pages the explanation's toctrees list (and its index)."""
    listed = {"index.md"}
    for page, text in texts.items():
        folder = Path(page).parent
        listed |= {(folder / entry).as_posix() + ".md" for entry in _toctree_entries(text)}
    return listed


def test_every_explanation_page_is_in_a_toctree_and_every_entry_exists():
    texts = pages()
    listed = toctree_pages(texts)
    assert sorted(set(texts) - listed) == []
    assert sorted(listed - set(texts)) == []
    assert "stage-games/qre.md" in listed and "models/canon.md" in listed
    # a page removed (its toctree entry left) is found
    without = {k: v for k, v in texts.items() if k != "stage-games/dynamics.md"}
    assert sorted(toctree_pages(without) - set(without)) == ["stage-games/dynamics.md"]


def test_a_tutorial_is_executed_again_when_its_notebook_or_the_library_is_newer(tmp_path, monkeypatch):
    """docs/conf.py keeps executed copies of the tutorials and runs a notebook again only when
    its copy is missing or older than the notebook or any file of the library (a figure's code
    can change without its notebook)."""
    import importlib.util
    import os
    monkeypatch.setenv("DETERRENCE_DOCS_SKIP_TUTORIALS", "1")       # load the rule, build nothing
    spec = importlib.util.spec_from_file_location("docs_conf", ROOT / "docs" / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    notebooks, target, library = tmp_path / "notebooks", tmp_path / "tutorials", tmp_path / "library"
    for folder in (notebooks, target, library / "__pycache__"):
        folder.mkdir(parents=True)
    books = [notebooks / "01_a.ipynb", notebooks / "02_b.ipynb"]
    source = library / "plot.py"
    for path, when in ((books[0], 100), (books[1], 100), (source, 100), (target / "01_a.ipynb", 200),
                       (library / "__pycache__" / "plot.pyc", 900)):
        path.write_text("{}")
        os.utime(path, (when, when))

    def stale():
        return conf._stale_tutorials(books, target, [library])
    assert stale() == ["02_b"]                                  # no copy yet; a newer cache is ignored
    (target / "02_b.ipynb").write_text("{}")
    os.utime(target / "02_b.ipynb", (200, 200))
    assert stale() == []
    os.utime(books[1], (300, 300))                              # the notebook changed
    assert stale() == ["02_b"]
    os.utime(books[1], (100, 100))
    os.utime(source, (300, 300))                                # the library changed
    assert stale() == ["01_a", "02_b"]
