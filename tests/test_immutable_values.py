"""Games, noise and results are immutable values all the way down: nested tables read from a
file (a game's extra sections and claims, a noise's implementation table, a result's parameters
and options) cannot be changed in place (an architecture review changed a game's [repeated]
delta in place and every later analysis of it, and of games derived from it, changed)."""
import copy
import json
import pickle
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

import deterrence as dt
from deterrence.core.frozen import FrozenDict, FrozenList, frozen
from deterrence.core.repeated import Noise, RepeatedGame
from deterrence.solvers.repeated.noise_markov import war_risk


def test_a_games_nested_sections_cannot_change():
    game = dt.load_game("us_iran_stage")
    derived = game.with_parameters(W_us=30)
    before = dt.analyse_repeated(game)
    with pytest.raises(TypeError, match="immutable value"):
        game.extra["repeated"]["delta"] = "1/10"
    with pytest.raises(TypeError, match="immutable value"):
        game.claims["pure_equilibria"].append(["hold", "hold"])
    extra = game.extra
    extra["mine"] = 1                                    # the top level is the caller's own copy
    assert "mine" not in game.extra
    after = dt.analyse_repeated(game)
    assert (after.delta, after.subgame_perfect) == (before.delta, before.subgame_perfect) == (Fraction(9, 10), True)
    assert dt.analyse_repeated(derived).delta == Fraction(9, 10)
    tree = dt.load_game("entry_deterrence")
    with pytest.raises(TypeError):
        tree.extra["parameter_notes"]["m"] = "changed"
    stochastic = dt.load_game("stochastic_prisoners_dilemma")
    tables = [v for v in stochastic.claims.values() if isinstance(v, (dict, list))]
    assert tables
    for table in tables:
        with pytest.raises(TypeError):
            table.clear()


def test_a_noise_table_cannot_change():
    rg = RepeatedGame(dt.load_game("prisoners_dilemma").with_defaults(), Fraction(9, 10), None,
                      {"implementation": {"C": {"C": "9/10", "D": "1/10"}}})
    risk = war_risk(rg, "tft", within=10)
    with pytest.raises(TypeError, match="immutable value"):
        rg.noise.implementation["C"]["D"] = Fraction(1, 2)
    assert war_risk(rg, "tft", within=10) == risk
    noise = Noise(implementation={"C": {"C": "9/10", "D": "1/10"}})
    assert pickle.loads(pickle.dumps(noise)) == noise and copy.deepcopy(noise) == noise
    assert json.loads(json.dumps(noise.to_dict())) == {"implementation": {"C": {"C": "9/10", "D": "1/10"}}}


def test_a_results_record_cannot_change():
    result = dt.solve(dt.load_game("prisoners_dilemma"))
    with pytest.raises(TypeError, match="immutable value"):
        result.parameters["a"] = 1
    with pytest.raises(TypeError):
        result.options.update(limit=3)
    assert "a" not in result.to_json()["parameters"]
    # a solver called directly, not through the front door, too
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    direct = subgame_perfect(dt.load_game("entry_deterrence").with_defaults())
    with pytest.raises(TypeError, match="immutable value"):
        direct.parameters["m"] = 0


values = st.recursive(st.none() | st.integers() | st.text(max_size=3),
                      lambda inner: (st.lists(inner, max_size=3)
                                     | st.dictionaries(st.text(max_size=2), inner, max_size=3)),
                      max_leaves=12)


@given(values)
def test_frozen_keeps_what_a_reader_sees(value):
    """Equal to the original, the same JSON, pickled and deep-copied to an equal value, and every
    table and list in it refuses a change."""
    f = frozen(value)
    assert f == value and json.dumps(f) == json.dumps(value)
    assert pickle.loads(pickle.dumps(f)) == value and copy.deepcopy(f) == value
    stack = [f]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            assert isinstance(x, FrozenDict)
            with pytest.raises(TypeError):
                x["new"] = 1
            stack += list(x.values())
        elif isinstance(x, list):
            assert isinstance(x, FrozenList)
            with pytest.raises(TypeError):
                x.append(1)
            stack += list(x)


def test_a_tree_equilibriums_tables_cannot_change():
    """A certified tree equilibrium's behaviour and actions changed in place, under its own
    certificate (a review of what stop 40 left alone)."""
    tree = dt.load_game("entry_deterrence")
    eq = dt.solve(tree, "subgame_perfect")[0]
    with pytest.raises(TypeError, match="immutable value"):
        eq.behaviour[("Incumbent", "in")]["fight"] = 1
    with pytest.raises(TypeError, match="immutable value"):
        eq.actions["in"] = "fight"
    assert eq == dt.solve(tree, "subgame_perfect")[0] and pickle.loads(pickle.dumps(eq)) == eq
    mine = eq.strategies["Incumbent"]         # a reader's copy is theirs to change
    mine["in"] = {"fight": 1}
    assert eq.strategies["Incumbent"] != mine


def test_a_game_tree_can_be_pickled_and_deep_copied():
    """Its nodes refuse ``setattr``, which pickle and deepcopy used to restore their slots: a tree
    could be neither pickled nor deep-copied (AttributeError: tree nodes are immutable; an error review)."""
    tree = dt.load_game("brinkmanship")
    for back in (pickle.loads(pickle.dumps(tree)), copy.deepcopy(tree)):
        assert back == tree and hash(back) == hash(tree) and back.file == tree.file
        assert dt.solve(back.with_defaults(), "subgame_perfect")[0] == dt.solve(tree.with_defaults(),
                                                                               "subgame_perfect")[0]
        with pytest.raises(AttributeError, match="immutable"):
            back.root.label = "changed"


def test_a_repeated_analysis_tables_cannot_change():
    """RepeatedAnalysis is computed once and rendered many times (the command, explain, JSON): its
    δ* result's parameter values and its noise chain's profile frequencies were plain dicts, so a
    caller's change showed in every later rendering of the same analysis."""
    analysis = dt.analyse_repeated(dt.load_game("us_iran_stage"))
    before = json.dumps(analysis.to_json(), sort_keys=True)
    assert analysis.critical.parameters and analysis.noise.profile_frequencies
    with pytest.raises(TypeError, match="immutable value"):
        analysis.critical.parameters["W_iran"] = 1000
    with pytest.raises(TypeError, match="immutable value"):
        analysis.noise.profile_frequencies.clear()
    assert json.dumps(analysis.to_json(), sort_keys=True) == before


def test_a_models_declared_ranges_cannot_change():
    """The ranges a regime map checks its axes against are class constants of the models: a write
    into one (``model.PARAMETER_RANGES["W_iran"] = (0, 10)``) refused every later map over W_iran =
    20 in the process, for every model of the class."""
    from deterrence.models.us_iran_exchange import exchange_model
    for model in (dt.us_iran_model(), exchange_model()):
        with pytest.raises(TypeError, match="immutable value"):
            model.PARAMETER_RANGES["W_iran"] = (0, 10)
    from deterrence.analysis.maps import regime_map
    assert regime_map(("W_iran", [20, 40])).values["regime"].tolist() == [0.0, 0.0]
