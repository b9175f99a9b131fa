"""Layers you can see, checked: the import-linter contract holds, the import graph of
``deterrence`` has no circle, and nothing sits flat in the package outside the layers."""
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
    """Tarjan's algorithm (iterative): the strongly connected components of the import graph."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
    return out


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
