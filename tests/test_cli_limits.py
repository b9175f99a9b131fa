"""Every size limit the API lets you raise can be raised from the CLI (issue 17, deliver 4 and 8):
``deterrence solve --limit N`` (the method's ``limit``) and ``--limit NAME=N`` (its ``max_`` options),
found by introspecting the solver registry; messages name ``--limit``, not Python keywords."""
import contextlib
import importlib
import inspect
import io

import pytest

from deterrence.cli import main
from deterrence.solvers import METHODS

GAMES = {"normal_form": "chicken", "tree": "kuhn_poker", "stochastic": "stochastic_prisoners_dilemma"}


def _size_options():
    for method, entry in METHODS.items():
        function = getattr(importlib.import_module(entry.module), entry.function)
        for name in inspect.signature(function).parameters:
            if (name == "limit" or name.startswith("max_")) and name != "max_lambda":
                yield method, name, entry.games[0]


def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_the_registry_has_size_options():
    found = {(m, o) for m, o, _ in _size_options()}
    assert {("enumerate", "limit"), ("lemke_howson", "max_pivots"), ("correlated", "max_bases"),
            ("markov_perfect", "max_profiles")} <= found


@pytest.mark.parametrize("method, option, kind", sorted(_size_options()))
def test_every_size_option_of_every_method_reaches_the_solver_from_the_cli(method, option, kind):
    big = _cli("solve", GAMES[kind], "--method", method, "--limit", f"{option}=100000000")
    assert big[0] == 0, big[2]                       # a generous limit: the answer
    small = _cli("solve", GAMES[kind], "--method", method, "--limit", f"{option}=1")
    assert small[0] in (0, 2)
    if small[0] == 2:                                # refused: one line, in the CLI's terms
        assert small[2].count("\n") == 1 and "has no option" not in small[2]
        assert "pass limit=" not in small[2] and f"raise {option}" not in small[2]
        assert f"pass {option}=" not in small[2]


def test_a_refusal_names_the_cli_option_that_raises_it():
    code, _, err = _cli("solve", "chicken", "--method", "lemke_howson", "--limit", "max_pivots=1")
    assert code == 2 and "--limit max_pivots=N" in err
    # over max_profiles markov_perfect searches instead of refusing; its note names the option
    code, out, _ = _cli("solve", "stochastic_prisoners_dilemma", "--limit", "max_profiles=1")
    assert code == 0 and "not every pure MPE is listed" in out and "--limit max_profiles=N" in out
    code, _, err = _cli("solve", "chicken", "--limit", "1")
    assert code == 2 and "pass --limit " in err


@pytest.mark.parametrize("bad", ["x=5", "max_pivots=ten", "limit=-1", "9" * 40, "max_pivots="])
def test_bad_limits_are_one_line_naming_the_option(bad):
    code, _, err = _cli("solve", "chicken", "--limit", bad)
    assert code == 2 and err.startswith("deterrence: --limit ") and err.count("\n") == 1
