"""Types drawn by chance: Bayesian Nash, perfect Bayesian equilibria, credibility thresholds."""
from fractions import Fraction

import pytest
import sympy

from deterrence.core.symbolic import parameter_symbol
from deterrence.models.zagare_kilgour import credibility_threshold_closed_form, unilateral_deterrence
from deterrence.solvers.tree.bayesian import (bayesian_nash, credibility_threshold, deterrence_succeeds,
                                         perfect_bayesian_equilibria)
from deterrence.solvers.tree.backward_induction import subgame_perfect
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)


def test_symbolic_threshold_equals_closed_form():
    found = credibility_threshold(unilateral_deterrence(symbolic=True))
    assert sympy.simplify(found - credibility_threshold_closed_form()) == 0


@pytest.mark.parametrize("values, expected", [
    ({}, Fraction(2, 5)),
    ({"winC": 3, "warC": -1}, Fraction(3, 4)),
    ({"sqC": 1, "winC": 2, "warC": -2}, Fraction(1, 4)),
])
def test_numeric_threshold_matches_closed_form(values, expected):
    assert credibility_threshold(unilateral_deterrence(**values), prior=None) == expected
    closed = credibility_threshold_closed_form()
    defaults = {k: v for k, v in unilateral_deterrence(symbolic=True).parameters.items()}
    defaults.update(values)
    subs = {parameter_symbol(k): sympy.Rational(str(v)) for k, v in defaults.items()}
    assert sympy.Rational(str(expected)) == closed.xreplace(subs)


def test_a_numeric_threshold_of_a_symbolic_tree_says_it_took_the_defaults():
    """credibility_threshold(symbolic tree, prior=None) computed at the default values silently;
    the toolkit's tools say a default taken in a DefaultValuesWarning (a numeric tree: nothing)."""
    import warnings

    from deterrence.errors import DefaultValuesWarning
    with pytest.warns(DefaultValuesWarning, match=r"credibility_threshold: computed at the parameters' "
                                                  r"default values \(.*winC="):
        found = credibility_threshold(unilateral_deterrence(symbolic=True), prior=None)
    assert found == Fraction(2, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefaultValuesWarning)
        assert credibility_threshold(unilateral_deterrence(), prior=None) == Fraction(2, 5)


def test_deterrence_succeeds_above_the_threshold():
    assert deterrence_succeeds(unilateral_deterrence(p="1/2"))
    assert not deterrence_succeeds(unilateral_deterrence(p="1/3"))
    at = subgame_perfect(unilateral_deterrence(p="2/5"))           # indifferent: both moves
    assert sorted(e.actions["hard"] for e in at) == ["challenge", "status_quo"]


def test_perfect_bayesian_beliefs_follow_the_prior():
    (eq,) = perfect_bayesian_equilibria(unilateral_deterrence(p="1/3"))
    assert eq.moves[("Challenger", "challenger")] == "challenge"
    assert eq.moves[("Defender", "hard/challenge")] == "resist"
    assert eq.moves[("Defender", "soft/challenge")] == "concede"
    assert eq.beliefs[("Challenger", "challenger")] == {"hard": Fraction(1, 3), "soft": Fraction(2, 3)}
    assert eq.payoffs == (Fraction(1, 3), Fraction(-2, 3) * 2 + Fraction(1, 3) * -1)
    assert eq.to_json()["beliefs"]["Challenger"]["challenger"] == {"hard": "1/3", "soft": "2/3"}


def test_spe_is_among_the_bayesian_nash_equilibria():
    tree = unilateral_deterrence(p="1/3")
    result = bayesian_nash(tree)
    assert result.complete
    labels = {tuple(e.support(i)[0] for i in range(2)) for e in result.pure}
    assert ("challenge", "resist/concede") in labels
    (spe,) = subgame_perfect(tree)
    assert spe.payoffs in {e.payoffs for e in result.equilibria}


def test_off_path_beliefs_support_a_threat():
    # the receiver moves at an information set that the sender's equilibrium move avoids
    from deterrence.core.tree import GameTree, chance, decision, terminal
    def sender(war):
        return decision("S", {"quiet": terminal([1, 1]),
                              "signal": decision("R", {"punish": terminal([0, war]), "ignore": terminal([2, 0])},
                                                 infoset="r")}, infoset=None)
    tree = GameTree(chance({"t1": ("1/2", sender(1)), "t2": ("1/2", sender(-1))}), players=["S", "R"])
    eqs = perfect_bayesian_equilibria(tree)
    pooled_quiet = [e for e in eqs if e.moves[("S", "t1")] == "quiet" and e.moves[("S", "t2")] == "quiet"]
    assert pooled_quiet and all(e.moves[("R", "r")] == "punish" for e in pooled_quiet)
    assert pooled_quiet[0].beliefs[("R", "r")]["t1/signal"] >= Fraction(1, 2)


def test_supporting_belief_is_exact():
    from deterrence.solvers.tree.bayesian import supporting_belief
    b = supporting_belief({"punish": [1, -3], "ignore": [0, 0]}, "punish")
    assert sum(b) == 1 and b[0] * 1 + b[1] * -3 >= 0
    three = supporting_belief({"x": [3, 0, 0], "y": [0, 3, 0], "z": [1, 1, 1]}, "z")
    assert three is not None and three[0] * 3 <= 1 and three[1] * 3 <= 1
    assert supporting_belief({"x": [3, 3, 3], "z": [1, 1, 1]}, "z") is None
