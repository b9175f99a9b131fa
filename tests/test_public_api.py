"""The public API: every exported name resolves to the intended object, of the intended kind,
whatever was imported before; everything the README and the notebooks use is exported; and
importing stays light."""
import importlib
import inspect
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import deterrence as dt
from deterrence import plot

ROOT = Path(__file__).resolve().parents[1]


def _all_submodules():
    names = []
    for info in pkgutil.walk_packages(dt.__path__, "deterrence."):
        if info.name.rsplit(".", 1)[-1] == "__main__":   # the command: tested on its own below
            continue
        names.append(info.name)
        importlib.import_module(info.name)
    return names


def _intended(name):
    if name in dt._LAZY:
        return getattr(importlib.import_module(dt._LAZY[name]), name)
    return getattr(importlib.import_module("deterrence.errors"), name)


def test_every_exported_name_resolves():
    for name in dt.__all__:
        assert getattr(dt, name) is not None, name


def test_names_are_the_intended_objects_after_importing_every_submodule():
    modules = _all_submodules()
    assert len(modules) > 40                      # the walk really imported the package
    for name in dt.__all__:
        if name == "__version__":
            continue
        value = getattr(dt, name)
        assert not inspect.ismodule(value), f"dt.{name} is a module"
        # functions come through the error contract's boundary (core/validate.py), which wraps them
        if inspect.isfunction(_intended(name)):
            assert getattr(value, "__deterrence_boundary__", False), name
            value = value.__wrapped__
        assert value is _intended(name), name
        # no public name is also a subpackage or module directly under deterrence
        assert f"deterrence.{name}" not in modules, name


def test_lazy_names_resolve_before_and_after_the_submodules_are_imported():
    # a fresh interpreter: first the lazy loaders, then every submodule, then the names again
    code = """
import importlib, inspect, pkgutil, deterrence as dt
first = {n: id(getattr(dt, n)) for n in dt.__all__}
for info in pkgutil.walk_packages(dt.__path__, "deterrence."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
bad = [n for n in dt.__all__ if id(getattr(dt, n)) != first[n] or inspect.ismodule(getattr(dt, n))]
print(bad)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_each_name_has_the_kind_its_spelling_promises():
    for name in dt.__all__:
        value = getattr(dt, name)
        if name == "__version__":
            assert isinstance(value, str)
        elif name.isupper():                      # constants: tables, not callables
            assert isinstance(value, (dict, tuple, frozenset)), name
        elif name[0].isupper():                   # classes (games, results, errors, nodes)
            assert inspect.isclass(value), name
            assert value.__module__.startswith("deterrence."), name
        else:                                     # functions
            assert inspect.isfunction(value), name
            assert value.__module__.startswith("deterrence."), name


def _notebook_sources():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        yield path.name, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    yield "README.md", (ROOT / "README.md").read_text(encoding="utf-8")


#: model parameter tables: one per model module, so they stay there (no single dt.PARAMETERS)
MODEL_TABLES = {"PARAMETERS"}


def test_everything_the_readme_and_notebooks_use_is_public():
    missing = []
    for where, text in _notebook_sources():
        for name in re.findall(r"\bdt\.([A-Za-z_]\w*)", text):
            if name != "plot" and name not in dt.__all__:
                missing.append(f"{where}: dt.{name}")
        for module, names in re.findall(r"from (deterrence[\w.]*) import (\([^)]*\)|[^\n#]*)", text):
            for name in (n.strip(" ()\n\\") for n in names.split(",")):
                if not name or name in MODEL_TABLES:
                    continue
                public = plot.__all__ if module.startswith("deterrence.plot") else dt.__all__
                if name != "plot" and name not in public:
                    missing.append(f"{where}: {name} from {module}")
    assert not missing, missing


HEAVY = ('numpy', 'sympy', 'matplotlib', 'dask', 'scipy', 'numba', 'flint', 'tqdm')


def test_import_does_not_load_heavy_modules():
    # numpy alone was ~2/3 of `import deterrence` (issue 18, goal 5): every name is lazy now
    out = subprocess.run([sys.executable, "-c", f"import sys, deterrence; print(sorted(m for m in "
                          f"{HEAVY!r} if m in sys.modules))"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_the_command_s_help_loads_no_heavy_module():
    code = ("import runpy, sys\nsys.argv = ['deterrence', '--help']\ntry:\n"
            "    runpy.run_module('deterrence.cli', run_name='__main__')\nexcept SystemExit as end:\n"
            "    assert end.code in (0, None), end.code\n"
            f"print('loaded', sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "usage: deterrence" in out.stdout and "solve" in out.stdout   # the help was printed
    assert out.stdout.strip().endswith("loaded []"), out.stdout[-300:]


def test_the_repeated_game_functions_the_docs_name_are_public():
    # issue 12: simulate, tournament, play_match and finite_horizon_spe were advertised but not
    # exported; they are public now, each behind the boundary, and each runs on a catalogue game
    pd = dt.load_game("prisoners_dilemma")
    for name in ("simulate", "tournament", "play_match", "finite_horizon_spe"):
        assert name in dt.__all__ and getattr(dt, name).__deterrence_boundary__, name
    # a finitely repeated prisoner's dilemma unravels: its one SPE plays the stage equilibrium
    # (D, D) in both rounds, so the average payoffs are the stage equilibrium's
    (d_d,) = [e.payoffs for e in dt.pure_equilibria(pd.with_defaults()).equilibria]
    assert dt.finite_horizon_spe(pd.with_defaults(), 2, delta=1).spe_payoffs == (d_d,)
    match = dt.play_match(pd.with_defaults(), ["tft", "alld"], turns=3, seed=1)
    assert len(match.realised) == 3
    # tit for tat against always-defect: cooperate once, then both defect
    assert [tuple(r) for r in match.realised][1:] == [("D", "D")] * 2 and match.realised[0][1] == "D"
    assert len(dt.tournament(pd.with_defaults(), ["tft", "alld"], matches=2, turns=5, seed=1).strategies) == 2
    assert dt.simulate(pd.with_defaults(), ["tft", "alld"], matches=4, turns=3, seed=1).matches == 4


def test_the_documented_subpackages_are_attributes_in_a_fresh_process():
    """(A helper's review, stop 36.) ``dt.solvers.methods_for`` raised AttributeError until
    deterrence.solvers had been imported by something else; ``dt.plot`` already worked."""
    import subprocess
    import sys
    code = ("import deterrence as dt; print(dt.solvers.methods_for(dt.load_game('chicken'))[:2], "
            "callable(dt.plot.show))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "['coarse_correlated', 'correlated'] True"


def test_the_command_s_help_loads_no_game_or_solver_module():
    """--help imported the tree solvers (threats, backward induction, core.tree: about 30 ms of a
    start-up goal measured at 4.1x-4.3x of python -c pass against 4x) for one number in a help
    text, THREAT_NODES, which lives in the solvers.tree package now."""
    code = ("import runpy, sys\nsys.argv = ['deterrence', '--help']\ntry:\n"
            "    runpy.run_module('deterrence.cli', run_name='__main__')\nexcept SystemExit as end:\n"
            "    assert end.code in (0, None), end.code\n"
            "print('loaded', sorted(m for m in sys.modules if m.startswith(('deterrence.core.tree', "
            "'deterrence.solvers.tree.', 'deterrence.core.symbolic', 'deterrence.core.normal_form'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "usage: deterrence" in out.stdout and out.stdout.strip().endswith("loaded []"), out.stdout[-300:]
    from deterrence.cli import build_parser
    solve = build_parser()._subparsers._group_actions[0].choices["solve"].format_help()
    assert "more than 200 nodes" in " ".join(solve.split())      # the number still reaches the help


def test_a_renamed_public_name_keeps_a_deprecated_alias_for_one_release():
    # a review: dt.contained_exchange was renamed exchange_every_round with no alias, so a
    # notebook written a release ago stopped with AttributeError
    import warnings

    import pytest

    import deterrence as dt
    with pytest.warns(DeprecationWarning,
                      match=r"deterrence\.contained_exchange .*use deterrence\.exchange_every_round"):
        old = dt.contained_exchange
    assert old is dt.exchange_every_round
    assert "contained_exchange" not in dt.__all__ and "contained_exchange" not in dir(dt)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert callable(dt.exchange_every_round)         # the new name does not warn
    with pytest.raises(AttributeError, match="no attribute 'contained_exchangee'"):
        _ = dt.contained_exchangee


def test_tab_completion_offers_the_api_not_the_modules_own_imports():
    """``dir(dt)`` listed ``annotations`` and ``importlib`` beside the API (the names
    ``from __future__ import annotations`` and ``import importlib`` leave in the module)."""
    shown = dir(dt)
    assert "importlib" not in shown and "annotations" not in shown
    assert set(dt.__all__) <= set(shown) and {"plot", "solvers", "errors"} <= set(shown)
    assert [n for n in shown if n.startswith("_") and not n.startswith("__")] == []
