"""NormalFormGame: constructors, immutability, exactness, errors, display."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import deterrence as dt
from deterrence import GameError, NormalFormGame
from deterrence.core.numbers import to_exact
from deterrence.core.symbolic import parameter_symbol

LABELS = [["hold", "retaliate", "escalate"]] * 2


def test_from_arrays_labels_and_payoff_lookup():
    g = NormalFormGame.from_arrays(np.arange(9).reshape(3, 3), -np.arange(9).reshape(3, 3),
                                   players=["US", "Iran"], actions=LABELS)
    assert g.players == ("US", "Iran")
    assert g.payoff(("escalate", "hold")) == (6, -6)
    assert g.payoff((2, 0)) == (6, -6)
    assert g.shape == (3, 3) and g.n_players == 2


def test_zero_sum_from_a_alone():
    g = NormalFormGame.zero_sum([[1, -2], [0, 3]])
    assert g.is_zero_sum()
    assert g.B.tolist() == [[-1, 2], [0, -3]]
    assert not NormalFormGame.from_arrays([[1]], [[1]]).is_zero_sum()


def test_three_players():
    g = NormalFormGame.from_payoff_arrays([np.ones((2, 2, 2), int)] * 3)
    assert g.players == ("Player 1", "Player 2", "Player 3")
    result = dt.solve(g)
    assert len(result.equilibria) == 8  # all-tied: every pure profile, and every mixture ...
    assert result.method == "nplayer" and len(result.continua) == 19  # ... in the continua


def test_immutable():
    g = NormalFormGame.from_arrays([[1, 2], [3, 4]])
    with pytest.raises(ValueError):
        g.A[0, 0] = 10
    with pytest.raises(AttributeError):
        g.players = ("a", "b")


def test_floats_become_shortest_decimals():
    g = NormalFormGame.from_arrays([[0.1, 0.25]], [[1.5, 2]])
    assert g.A[0, 0] == Fraction(1, 10) and g.A[0, 1] == Fraction(1, 4)
    assert to_exact("6/8") == Fraction(3, 4)
    assert to_exact(np.int64(3)) == 3 and isinstance(to_exact(np.int64(3)), int)
    assert to_exact(np.float64(0.1)) == Fraction(1, 10)      # numpy 2 reprs it as np.float64(0.1)
    assert NormalFormGame.from_arrays(np.array([[0.5, 2.0]]), [[1, 1]]).A[0, 0] == Fraction(1, 2)
    with pytest.raises(GameError, match=r"payoff of Column at \(0, 0\) True is a boolean"):
        NormalFormGame.from_arrays([[0, 1]], [[True, 1]])


def test_huge_integers_stay_exact():
    big = 2 ** 70
    g = NormalFormGame.from_arrays([[big, big + 1], [big + 1, big]], [[big + 1, big], [big, big + 1]])
    assert g.A[0, 1] - g.A[0, 0] == 1


@pytest.mark.parametrize("bad, message", [
    (dict(A=[[1, 2], [3, 4]], B=[[1, 2, 3], [4, 5, 6]]), "shape"),
    (dict(A=[[1, float("nan")], [3, 4]]), "finite"),
    (dict(A=[[1, float("inf")], [3, 4]]), "finite"),
    (dict(A=[[1, 2], [3]]), "equal-length rows"),
    (dict(A=[1, 2, 3]), "matrix"),
    (dict(A=[["x", 2], [3, 4]]), "not a number"),
    (dict(A=[[True, 2], [3, 4]]), "boolean"),
])
def test_bad_arrays_named(bad, message):
    with pytest.raises(GameError, match=message):
        NormalFormGame.from_arrays(bad["A"], bad.get("B"))


def test_label_errors_name_player_and_action():
    with pytest.raises(GameError, match="duplicate action label 'hold' for player US"):
        NormalFormGame.from_arrays([[1, 2], [3, 4]], players=["US", "Iran"],
                                   actions=[["hold", "hold"], ["a", "b"]])
    with pytest.raises(GameError, match="player US has 3 action labels"):
        NormalFormGame.from_arrays([[1, 2], [3, 4]], players=["US", "Iran"],
                                   actions=[["a", "b", "c"], ["a", "b"]])
    g = NormalFormGame.from_arrays([[1, 2], [3, 4]], players=["US", "Iran"], actions=[["a", "b"]] * 2)
    with pytest.raises(GameError, match="unknown action 'nuke' for player Iran; actions are a, b"):
        g.payoff(("a", "nuke"))
    with pytest.raises(GameError, match="unknown player 'Israel'"):
        g.payoff_array("Israel")
    with pytest.raises(GameError, match="duplicate player name"):
        NormalFormGame.from_arrays([[1]], players=["US", "US"])


def test_from_mapping_and_missing_profile():
    payoffs = {("hold", "hold"): (0, 0), ("hold", "strike"): (-2, 1),
               "strike, hold": (1, -2), "strike, strike": (-1, -1)}
    g = NormalFormGame.from_mapping(payoffs, players=["US", "Iran"], actions=[["hold", "strike"]] * 2)
    assert g.payoff(("strike", "strike")) == (-1, -1)
    del payoffs["strike, strike"]
    with pytest.raises(GameError, match=r"no payoffs given for profile\(s\) \(strike, strike\)"):
        NormalFormGame.from_mapping(payoffs, players=["US", "Iran"], actions=[["hold", "strike"]] * 2)
    with pytest.raises(GameError, match="unknown action 'wait'"):
        NormalFormGame.from_mapping({("wait", "hold"): (0, 0)}, players=["US", "Iran"],
                                    actions=[["hold"], ["hold"]])


def test_symbolic_subs_and_missing_parameter():
    T, R = parameter_symbol("T"), parameter_symbol("R")
    g = NormalFormGame.from_arrays([[R, 0], [T, 1]], [[R, T], [0, 1]], parameters={"T": 5, "R": None})
    assert g.is_symbolic and g.kind == "symbolic"
    with pytest.raises(GameError, match="parameter\\(s\\) R have no value"):
        g.with_defaults()
    h = g.subs(R=3)
    assert h.kind == "exact" and h.payoff((1, 0)) == (5, 0)
    assert g.subs({"R": "7/2", "T": 0.5}).A[0, 0] == Fraction(7, 2)
    with pytest.raises(GameError, match="unknown parameter\\(s\\) Q"):
        g.subs(Q=1)
    with pytest.raises(GameError, match="undeclared parameter"):
        NormalFormGame.from_arrays([[T]], [[0]], parameters={"R": 1})
    with pytest.raises(GameError, match="numeric payoffs"):
        dt.certified_equilibrium(g, [(1, 0), (1, 0)])


def test_solve_uses_defaults_for_symbolic_games():
    T = parameter_symbol("T")
    g = NormalFormGame.from_arrays([[3, 0], [T, 1]], [[3, T], [0, 1]], parameters={"T": 5})
    assert [e.strategies for e in dt.solve(g, "pure")] == [((0, 1), (0, 1))]


def test_display():
    g = NormalFormGame.from_arrays([[1, Fraction(1, 2)], [3, 4]], players=["US", "Iran"],
                                   actions=[["hold", "strike"]] * 2, title="toy")
    assert repr(g) == "NormalFormGame('toy', US: hold, strike; Iran: hold, strike; exact)"
    html = g._repr_html_()
    assert "<table" in html and "<th>strike</th>" in html and "1/2, -1/2" in html
    latex = g._repr_latex_()
    assert latex.startswith("$\\begin{array}") and "\\tfrac{1}{2}" in latex
    assert "US \\ Iran" in g.to_text()


def test_nashpy_round_trip():
    import nashpy
    g = NormalFormGame.from_arrays([[1, 2], [3, 4]], [[4, 3], [2, 1]])
    ng = g.to_nashpy()
    assert isinstance(ng, nashpy.Game)
    assert NormalFormGame.from_nashpy(ng) == g


def test_restrict():
    g = NormalFormGame.from_arrays(np.arange(9).reshape(3, 3), players=["US", "Iran"], actions=LABELS)
    r = g.restrict([["hold", "escalate"], ["retaliate"]])
    assert r.actions == (("hold", "escalate"), ("retaliate",))
    assert r.A.tolist() == [[1], [7]]


@settings(max_examples=60, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_float_rule_round_trips(x):
    assert float(to_exact(x)) == x


def test_certify_rejects_non_equilibrium_naming_the_player():
    g = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=["US", "Iran"],
                                   actions=[["hold", "strike"]] * 2)
    with pytest.raises(dt.NotAnEquilibriumError, match="US gains 2 by switching to 'strike'"):
        dt.certified_equilibrium(g, [(1, 0), (1, 0)])
    with pytest.raises(GameError, match="not a probability vector"):
        dt.certified_equilibrium(g, [(Fraction(1, 2), Fraction(1, 3)), (0, 1)])


def test_equality_and_hash_include_parameter_values():
    g = dt.load_game("us_iran_stage")
    assert g == g.with_parameters(W_iran=g.parameters["W_iran"])
    assert g != g.with_parameters(W_iran=1)
    assert len({g, g.with_parameters(W_iran=1), g.with_parameters(W_iran=g.parameters["W_iran"])}) == 2
    exact = g.subs()
    assert exact.with_parameters(W_iran=1) != exact                  # same payoffs, other values recorded


@settings(max_examples=30, deadline=None)
@given(st.integers(-5, 5), st.integers(-5, 5))
def test_equal_games_hash_equal(a, b):
    W = parameter_symbol("W")
    g = NormalFormGame.from_arrays([[W, 0]], [[0, W]], parameters={"W": a})
    h = NormalFormGame.from_arrays([[W, 0]], [[0, W]], parameters={"W": b})
    assert (g == h) == (a == b)
    if g == h:
        assert hash(g) == hash(h)
