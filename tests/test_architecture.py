"""Layers you can see, checked: the import-linter contract holds, the import graph of
``deterrence`` has no circle, nothing sits flat in the package outside the layers, and
ARCHITECTURE.md names only modules that exist."""
import re
import subprocess
import sys
from pathlib import Path

import grimp

import deterrence

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(deterrence.__file__).resolve().parent
#: the layers (setup.cfg's contract), top to bottom, and what may sit beside them
LAYERS = ("cli", "lab", "plot", "analysis", "models", "solvers", "io", "core", "errors")
DATA_PACKAGES = ("data",)    # package data (CSV files): no code but its __init__


def test_the_layering_contract_is_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    run_cli = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    command = [str(lint)] if lint.exists() else [sys.executable, "-c", run_cli]
    env = {"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin"}
    # run in the checkout: lint-imports reads the contract from its setup.cfg
    out = subprocess.run([*command, "--no-cache"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def strongly_connected_components(graph, modules) -> list:
    """The strongly connected components of the import graph (scipy's, on the adjacency matrix of
    ``modules``), each sorted."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components
    names = sorted(modules)
    index = {m: k for k, m in enumerate(names)}
    edges = [(index[a], index[b]) for a in names for b in graph.find_modules_directly_imported_by(a) if b in index]
    rows, cols = zip(*edges) if edges else ((), ())
    adjacency = csr_matrix((np.ones(len(edges)), (rows, cols)), shape=(len(names), len(names)))
    _, labels = connected_components(adjacency, directed=True, connection="strong")
    components = {}
    for name, label in zip(names, labels):
        components.setdefault(label, []).append(name)
    return list(components.values())


def test_strongly_connected_components_finds_a_circle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    class Graph:
        def find_modules_directly_imported_by(self, m):
            return edges.get(m, set())
    comps = strongly_connected_components(Graph(), {"a", "b", "c", "d"})
    assert sorted(map(tuple, comps)) == [("a", "b", "c"), ("d",)]


def test_no_import_circles():
    # every import counts, also those inside functions (grimp reads them all)
    graph = grimp.build_graph("deterrence", cache_dir=None)   # no cache files in the checkout
    modules = {m for m in graph.modules if m.startswith("deterrence")}
    circles = [c for c in strongly_connected_components(graph, modules) if len(c) > 1]
    report = []
    for circle in circles:
        edges = [f"{a} -> {b}" for a in circle for b in circle
                 if b in graph.find_modules_directly_imported_by(a)]
        report.append(" / ".join(circle) + " (" + "; ".join(edges) + ")")
    assert not circles, "import circles:\n" + "\n".join(report)


def test_nothing_sits_flat_beside_the_layers():
    flat = []
    for path in PACKAGE.iterdir():
        if path.name.startswith((".", "__pycache__")) or path.name == "__init__.py":
            continue
        if path.name == "__main__.py" and "from deterrence.cli import main" in path.read_text():
            continue                       # `python -m deterrence`: the command, nothing else
        name = path.stem if path.suffix == ".py" else path.name
        if path.is_dir() and not (path / "__init__.py").exists():
            continue                       # not a package (e.g. a cache folder)
        if path.is_file() and path.suffix != ".py":
            continue
        if name in LAYERS:
            continue
        if name in DATA_PACKAGES and path.is_dir() and [p.name for p in path.glob("*.py")] == ["__init__.py"]:
            continue
        flat.append(path.name)
    assert not flat, f"modules outside the layers {', '.join(LAYERS)}: {', '.join(sorted(flat))}"


def private_reaches(package_root: Path) -> list:
    """Private names (``_x``) one subpackage takes from another: ``from A import _x`` or
    ``A._x`` where ``A`` is a ``deterrence`` module outside the importer's own subpackage.

    A private name is a promise kept inside its subpackage (``solvers.repeated`` may share
    ``_product`` among its modules); across subpackages only public names may be used, so
    that a helper can change without breaking another layer."""
    import ast
    found = []
    for path in sorted(package_root.rglob("*.py")):
        rel = path.relative_to(package_root.parent).with_suffix("")
        module = ".".join(rel.parts)
        home = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("deterrence"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    aliases[alias.asname or alias.name] = target
                    source_home = node.module if not alias.name.startswith("_") else node.module
                    if alias.name.startswith("_") and not alias.name.startswith("__") \
                            and not _within(home, source_home):
                        found.append(f"{module}: from {node.module} import {alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("deterrence"):
                        aliases[alias.asname or alias.name.split(".")[0]] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name) \
                    and node.value.id in aliases:
                target = aliases[node.value.id]
                if not _within(home, target.rsplit(".", 1)[0] if target.split(".")[-1].startswith("_") else target):
                    found.append(f"{module}: {node.value.id}.{node.attr}")
    return found


def _within(home: str, other: str) -> bool:
    """Whether module path *other* lies in the subpackage *home* (or *home* in it)."""
    return other == home or other.startswith(home + ".") or home.startswith(other + ".")


def test_private_reaches_detects_a_cross_package_import(tmp_path):
    pkg = tmp_path / "deterrence"
    (pkg / "a").mkdir(parents=True)
    (pkg / "b").mkdir()
    (pkg / "a" / "x.py").write_text("def _hidden():\n    return 1\n")
    (pkg / "a" / "y.py").write_text("from deterrence.a.x import _hidden\n")
    (pkg / "b" / "z.py").write_text("from deterrence.a.x import _hidden\nfrom deterrence.a import x\nx._hidden()\n")
    assert private_reaches(pkg) == ["deterrence.b.z: from deterrence.a.x import _hidden",
                                    "deterrence.b.z: x._hidden"]


def test_no_private_name_is_reached_across_subpackages():
    assert private_reaches(PACKAGE) == []


LAYER_NAMES = set(LAYERS) | {"deterrence"}


def stale_module_names(text: str) -> list:
    """The module paths that a Markdown text names in backticks (``core/exact.py``,
    ``solvers/tree/threats.py``, ``solvers.tree.threats``, ``analysis/model_cache.analyse_model``)
    and that do not exist: a file path must be a module of the package (a bare file name, one in
    any subpackage), a dotted path a module followed by attributes it has."""
    import importlib
    files = {p.relative_to(PACKAGE).with_suffix("").as_posix() for p in PACKAGE.rglob("*.py")}
    stale = []

    def dotted_exists(parts):
        for k in range(len(parts), 0, -1):
            try:
                module = importlib.import_module(".".join(["deterrence", *parts[:k]]))
            except ImportError:
                continue
            try:
                _walk(module, parts[k:])
            except AttributeError:
                return False
            return True
        return False

    prose = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)     # no fenced blocks
    for code in re.findall(r"`([^`]+)`", prose):
        for token in re.findall(r"(?<![\"'\w])[A-Za-z_][\w/.]*", code):
            token = token.rstrip("./")
            if token.endswith(".py"):
                path = token[:-3].removeprefix("deterrence/")
                if "/" not in path:            # a bare file name: any subpackage's
                    if not any(f.rsplit("/", 1)[-1] == path for f in files):
                        stale.append(token)
                elif path.split("/")[0] in LAYER_NAMES and not any(f == path or f.endswith("/" + path)
                                                                  for f in files):
                    stale.append(token)
                continue
            parts = [p for p in token.replace("/", ".").split(".") if p and p != "__init__"]
            if parts and parts[0] == "deterrence":
                parts = parts[1:]
            if len(parts) < 2 or parts[0] not in LAYER_NAMES or ("/" not in token and "." not in token):
                continue
            if not dotted_exists(parts):
                stale.append(token)
    return stale


def _walk(obj, names):
    for name in names:
        obj = getattr(obj, name)
    return obj


def test_stale_module_names_are_found():
    text = ("`core/exact.py`, `solvers/tree/threats.py`, `solvers.tree.threats.noncredible_threats`, "
            "`analysis/model_cache.analyse_model`, `lemke_howson.py`, `\"deterrence.tree\"` and "
            "`solvers/backward_induction.py`, `solvers.reduced_normal_form`, `plot_tree.py`, "
            "`core.repeated.no_such_name`")
    assert stale_module_names(text) == ["solvers/backward_induction.py", "solvers.reduced_normal_form",
                                        "plot_tree.py", "core.repeated.no_such_name"]


def test_architecture_md_names_only_modules_that_exist():
    # ARCHITECTURE.md describes the house as it is: no module that is gone or moved
    assert stale_module_names((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")) == []


def unplaced_modules(text: str) -> list:
    """The modules of the package whose name ARCHITECTURE.md never says (as a word): a module
    added without being placed in the house's plan."""
    return [p.relative_to(PACKAGE).as_posix() for p in sorted(PACKAGE.rglob("*.py"))
            if p.stem not in ("__init__", "__main__") and not re.search(rf"\b{re.escape(p.stem)}\b", text)]


def test_architecture_md_places_every_module():
    # a review found noise_markov, finite_horizon, io/_common and plot/_literal named nowhere
    assert unplaced_modules("`noise_markov` and analysis") == [
        p.relative_to(PACKAGE).as_posix() for p in sorted(PACKAGE.rglob("*.py"))
        if p.stem not in ("__init__", "__main__", "noise_markov", "analysis")]
    assert unplaced_modules((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")) == []


# The commands' and the lab's entry points start a server or read sys.argv: their examples are the
# README's commands, run by tests/test_cli.py and tests/test_lab.py.
NO_EXAMPLE = {"cli/lab.py": {"run"}, "lab/__init__.py": {"make_app", "serve"}}


def test_every_public_function_has_a_runnable_example():
    """ARCHITECTURE.md's convention (a review found 14 public functions without one): every
    public function of a public module shows a doctest, which pytest runs."""
    import ast
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if any(part.startswith("_") and part != "__init__.py" for part in name.split("/")):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                    and ">>>" not in (ast.get_docstring(node) or "")
                    and node.name not in NO_EXAMPLE.get(name, ())):
                missing.append(f"{name}:{node.lineno} {node.name}")
    assert missing == []


def test_every_result_and_equilibrium_type_writes_its_own_text():
    """TextRepr.describe and EquilibriumSequence.to_text raise NotImplementedError: abstract, for
    the type checker. Every concrete type of the package overrides the one its repr reads."""
    import importlib
    import pkgutil

    from deterrence.solvers.result import EquilibriumSequence, TextRepr
    for module in pkgutil.walk_packages(deterrence.__path__, "deterrence."):
        if not module.name.startswith(("deterrence.lab", "deterrence.cli")):
            importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)
    concrete = {c for c in below(TextRepr) if c is not EquilibriumSequence}
    assert len(concrete) > 10
    for cls in concrete:
        if issubclass(cls, EquilibriumSequence):
            assert cls.to_text is not EquilibriumSequence.to_text, cls
        else:
            assert cls.describe is not TextRepr.describe or cls.repr_text is not TextRepr.repr_text, cls
