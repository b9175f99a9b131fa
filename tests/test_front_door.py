"""The front door `solve` and the one result shape: methods chosen and checked by the game's
type, options checked against the method, provenance recorded, tree and normal-form results
with strategies as data."""
import json
from fractions import Fraction

import pytest

import deterrence as dt
from deterrence.errors import GameError
from deterrence.solvers import (
    GAME_TYPES,
    METHODS,
    Method,
    methods_for,
    register_method,
    solve,
)
from deterrence.solvers.result import SolveResult, TreeEquilibrium
from deterrence.solvers.tree.backward_induction import is_subgame_perfect
from deterrence.solvers.tree.reduced_normal_form import expected_payoffs, tree_nash

TREE_METHODS = {"subgame_perfect", "tree_nash"}


def entry():
    return dt.load_game("entry_deterrence")


def chicken():
    return dt.load_game("chicken")


# -- methods and options ---------------------------------------------------------
@pytest.mark.parametrize("method", ["pure", "enumerate", "zero_sum", "lemke_howson"])
def test_a_tree_sent_to_a_normal_form_method_is_told_which_methods_fit(method):
    with pytest.raises(GameError) as err:
        solve(entry(), method)
    message = str(err.value)
    assert repr(method) in message and "game trees" in message
    assert all(m in message for m in TREE_METHODS)


@pytest.mark.parametrize("method", sorted(TREE_METHODS))
def test_a_normal_form_game_sent_to_a_tree_method_is_told_which_methods_fit(method):
    with pytest.raises(GameError) as err:
        solve(chicken(), method)
    assert all(m in str(err.value) for m in methods_for(chicken()))


def test_an_unknown_option_names_the_method_and_its_options():
    with pytest.raises(GameError) as err:
        solve(chicken(), "lemke_howson", start=1)
    assert "'lemke_howson'" in str(err.value) and "'start'" in str(err.value)
    assert "initial_label" in str(err.value) and "max_pivots" in str(err.value)
    with pytest.raises(GameError, match="'pure' has no option 'limit'; it takes no options"):
        solve(chicken(), "pure", limit=3)
    with pytest.raises(GameError, match="unknown method 'simplex'.*enumerate"):
        solve(chicken(), "simplex")


def test_options_passed_on_by_tree_methods_are_checked_against_the_stage_method():
    with pytest.raises(GameError, match="'pure' \\(the stage method of 'tree_nash'\\) has no option 'limit'"):
        solve(entry(), "tree_nash", method="pure", limit=3)
    with pytest.raises(GameError, match="stage_method"):
        solve(entry(), "subgame_perfect", limit=3)     # options without naming the stage method
    with pytest.raises(GameError, match="'pure' \\(the stage method of 'subgame_perfect'\\)"):
        solve(entry(), "subgame_perfect", stage_method="pure", limit=3)
    with pytest.raises(GameError, match="not a method for the Nash equilibria of normal-form games"):
        solve(entry(), "subgame_perfect", stage_method="tree_nash")


def test_a_method_option_named_method_reaches_the_wrapper():
    # solve(tree, "tree_nash", method="pure") used to raise a raw TypeError
    result = solve(entry(), "tree_nash", method="pure")
    direct = tree_nash(entry().with_defaults(), "pure")
    assert [e.strategies for e in result] == [e.strategies for e in direct]
    assert result.method == "tree_nash" and result.options == {"method": "pure"}
    assert solve(entry(), method="tree_nash").options == {"method": "enumerate"}
    with pytest.raises(GameError, match="at most one method"):
        solve(chicken(), "pure", "enumerate")


def test_the_public_door_passes_a_wrapper_its_method_option():
    # dt.solve is solve behind the error contract's boundary (core/validate.py), which bound the
    # call to the signature help() shows and refused this one ("multiple values for argument 'method'")
    public = dt.solve(entry(), "tree_nash", method="pure")
    assert public.options == {"method": "pure"}
    assert [e.strategies for e in public] == [e.strategies for e in tree_nash(entry().with_defaults(), "pure")]
    with pytest.raises(GameError, match="no option 'limit'"):
        dt.solve(entry(), "tree_nash", method="pure", limit=3)
    with pytest.raises(GameError, match="at most one method"):
        dt.solve(chicken(), "pure", "enumerate")


def test_a_repeated_game_at_the_door_is_sent_to_its_analysis():
    # solve(repeated game) said "choose one of (none registered)": no method, and no way on
    repeated = dt.RepeatedGame.from_game(dt.load_game("us_iran_stage"))
    for call in (lambda: dt.solve(repeated), lambda: dt.solve(repeated, "pure")):
        with pytest.raises(GameError, match="repeated games") as err:
            call()
        assert "analyse_repeated(game)" in str(err.value) and "none registered" not in str(err.value)
    # the names it points to are public and take the game
    analysis = dt.analyse_repeated(repeated)
    assert analysis.game == repeated.with_defaults()          # analysed at the parameters' defaults
    assert dt.one_shot_deviation(repeated.with_defaults()).subgame_perfect


def test_the_default_method_follows_the_type_not_an_attribute():
    class LooksLikeAGame:             # has the attributes the old door tested for
        players = ("A", "B")
        n_players = 2
        shape = (1, 1)
    with pytest.raises(GameError, match="solve needs a game"):
        solve(LooksLikeAGame())

    class MyTree(dt.GameTree):          # a subclass is still a tree
        pass
    t = entry()
    mine = MyTree(t.root, t.players, parameters=t.parameters)
    assert solve(mine).method == "subgame_perfect"
    three = dt.NormalFormGame.from_payoff_arrays([[[[1, 0], [0, 1]], [[0, 1], [1, 0]]]] * 3)
    assert solve(three).method == "nplayer" and solve(chicken()).method == "enumerate"


def test_every_registry_entry_states_the_game_types_it_accepts():
    for name, entry_ in METHODS.items():
        assert isinstance(entry_, Method), name
        assert entry_.games and set(entry_.games) <= set(GAME_TYPES), name
    assert set(methods_for(entry())) == TREE_METHODS | {"sequence_form", "sequence_lcp", "quasi_perfect",
                                                        "signalling_pbe", "agent_qre", "sequential"}


def test_adding_a_method_is_one_registry_entry():
    register_method("pure_for_test", "deterrence.solvers.normal_form.pure", "pure_equilibria", ("normal_form",))
    try:
        result = solve(chicken(), "pure_for_test")
        assert [e.strategies for e in result] == [e.strategies for e in solve(chicken(), "pure")]
        assert "pure_for_test" in methods_for(chicken()) and "pure_for_test" not in methods_for(entry())
        with pytest.raises(GameError, match="pure_for_test"):
            solve(entry(), "pure_for_test")
    finally:
        METHODS.pop("pure_for_test")
    with pytest.raises(GameError, match="unknown game type"):
        register_method("x", "m", "f", ("stochastic_game",))


# -- the result: provenance -------------------------------------------------------
def test_every_result_records_game_parameters_method_and_options():
    stage = dt.load_game("us_iran_stage")
    for game, method, options in [(stage, "enumerate", {}), (stage, "pure", {}),
                                  (stage, "lemke_howson", {"initial_label": 1}),
                                  (entry(), "subgame_perfect", {}), (entry(), "tree_nash", {"method": "pure"})]:
        result = solve(game, method, **options)
        assert isinstance(result, SolveResult)
        assert result.game is game
        assert result.parameters == game.with_defaults().parameters and result.parameters
        assert result.method == method
        assert all(result.options[k] == v for k, v in options.items())
        data = result.to_json()
        assert data["parameters"] == {k: str(v) for k, v in result.parameters.items()}
        assert data["method"] == method


def test_the_values_a_game_was_solved_at_are_recorded():
    stage = dt.load_game("us_iran_stage")
    changed = stage.with_parameters(W_iran=1)
    result = solve(changed)
    assert result.parameters["W_iran"] == 1 and result.game == changed and result.game != stage
    notes = [n for n in result.notes if "default values" in n]
    assert len(notes) == 1 and "W_iran=1" in notes[0]
    exact = solve(stage.subs(W_iran=7))               # an exact game keeps the values it was given
    assert exact.parameters["W_iran"] == 7 and not any("default values" in n for n in exact.notes)


# -- the result: one shape, strategies as data -------------------------------------
def test_tree_and_normal_form_results_share_one_type_and_interface():
    nf, tree = solve(chicken()), solve(entry())
    assert type(nf) is type(tree) is SolveResult
    for result in (nf, tree):
        for eq in result:
            assert isinstance(eq.strategies, (tuple, dict)) and not callable(eq.strategies)
            assert isinstance(eq.is_pure, bool) and len(eq.payoffs) == len(result.players)
            assert str(eq) == eq.describe()
        json.dumps(result.to_json())
        assert result.to_text().splitlines()[0].startswith(str(len(result)))


def test_tree_strategies_are_behaviour_data_and_the_json_renders_them():
    game = dt.load_game("unilateral_deterrence")
    result = solve(game)
    assert len(result) >= 1
    for eq, data in zip(result, result.to_json()["equilibria"]):
        for player in game.players:
            for infoset, dist in eq.strategies[player].items():
                assert dist == eq.behaviour[(player, infoset)]
                assert sum(dist.values()) == 1 and all(isinstance(q, (int, Fraction)) for q in dist.values())
                assert data["strategies"][player]["behaviour"][infoset] == {a: str(q) for a, q in dist.items()}
        assert data["payoffs"] == [str(v) for v in eq.payoffs]
        assert data["actions"] == eq.actions
        exact = game.with_defaults()
        assert expected_payoffs(exact, eq.behaviour) == eq.payoffs   # the data, not the text, is the answer


def test_from_behaviour_rebuilds_what_backward_induction_returns():
    for name in ("entry_deterrence", "unilateral_deterrence", "us_iran_escalation_ladder", "january_2020"):
        game = dt.load_game(name)
        exact = game.with_defaults()
        for eq in solve(game):
            again = TreeEquilibrium.from_behaviour(exact, eq.behaviour)
            assert again == eq, name
            pure = {k: next(a for a, q in d.items() if q == 1) for k, d in eq.behaviour.items()} if eq.is_pure else None
            if pure is not None:
                assert is_subgame_perfect(exact, pure)
                assert TreeEquilibrium.from_behaviour(exact, pure) == eq   # move labels are accepted too


def test_from_behaviour_refuses_incomplete_or_unknown_moves():
    tree = entry().with_defaults()
    with pytest.raises(GameError, match="no behaviour given at information set 'in'"):
        TreeEquilibrium.from_behaviour(tree, {("Entrant", "root"): "in"})
    with pytest.raises(GameError, match="no move"):
        TreeEquilibrium.from_behaviour(tree, {("Entrant", "root"): "in", ("Incumbent", "in"): {"flee": 1}})
    assert entry().is_symbolic
    with pytest.raises(GameError, match="exact tree"):
        TreeEquilibrium.from_behaviour(entry(), {("Entrant", "root"): "in", ("Incumbent", "in"): "fight"})


def test_tree_json_names_unnamed_efg_information_sets_by_player_and_set_number():
    from deterrence.io.gambit_efg import parse_efg
    tree = parse_efg('EFG 2 R "" { "A" "B" }\n'
                     'p "" 1 1 "" { "H" "T" } 0\n'
                     'p "" 2 1 "" { "h" "t" } 0\nt "" 1 "" { 1, -1 }\nt "" 2 "" { -1, 1 }\n'
                     'p "" 2 1 "" { "h" "t" } 0\nt "" 3 "" { -1, 1 }\nt "" 4 "" { 1, -1 }\n')
    data = solve(tree).to_json()          # matching pennies in extensive form: one mixed SPE
    (eq,) = data["equilibria"]
    assert eq["strategies"]["A"]["behaviour"] == {"1:1": {"H": "1/2", "T": "1/2"}}
    assert eq["strategies"]["B"]["behaviour"] == {"2:1": {"h": "1/2", "t": "1/2"}}
    assert eq["payoffs"] == ["0", "0"] and eq["actions"] == {"root": "1/2 H + 1/2 T", "H": "1/2 h + 1/2 t",
                                                             "T": "1/2 h + 1/2 t"}


#: one catalogue game each registered method solves (a new method must be added here)
EXAMPLE_GAME = {"enumerate": "chicken", "pure": "chicken", "lemke_howson": "chicken",
                "zero_sum": "matching_pennies", "correlated": "chicken", "coarse_correlated": "chicken",
                "qre": "chicken", "nplayer": "us_iran_israel", "nplayer_logit": "us_iran_israel",
                "subgame_perfect": "entry_deterrence", "tree_nash": "entry_deterrence",
                "sequence_form": "entry_deterrence", "sequence_lcp": "entry_deterrence",
                "quasi_perfect": "entry_deterrence", "signalling_pbe": "beer_quiche",
                "markov_perfect": "stochastic_prisoners_dilemma", "agent_qre": "entry_deterrence",
                "sequential": "entry_deterrence"}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_returns_a_result_that_records_what_was_solved(method):
    """Whatever its own result type, each method's answer through the front door is a
    sequence of equilibria that records the game, the parameter values and the options."""
    from deterrence.solvers.result import EquilibriumSequence
    assert method in EXAMPLE_GAME, f"add an example game for the new method {method!r}"
    game = dt.load_game(EXAMPLE_GAME[method])
    result = solve(game, method)
    assert isinstance(result, EquilibriumSequence) and len(result) == len(list(result)) >= 1
    assert result.game is game and result.method == method
    solved_at = game.with_defaults().parameters if game.is_symbolic else game.parameters
    assert result.parameters == dict(solved_at)
    data = json.loads(json.dumps(result.to_json()))
    assert data["method"] == method
    assert data.get("parameters", {}) == {k: str(v) for k, v in result.parameters.items()}


def test_results_show_their_listing_in_a_terminal_and_in_jupyter():
    """A new user's review (stop 39): in a terminal the README's dt.solve(...) printed the dataclass
    fields (SolveResult(equilibria=(Equilibrium(strategies=..., a repeated-game analysis 4,000
    characters with a 260-digit fraction); the HTML table dropped the result's note; the LaTeX
    numbered equilibria from 1, the text and HTML from 0."""
    result = dt.solve(dt.load_game("chicken"))
    assert repr(result) == f"<SolveResult: {result.to_text()}>"
    assert repr(result.equilibria[0]) == f"<Equilibrium: {result.equilibria[0].describe()}>"
    tree = dt.solve(dt.load_game("entry_deterrence")).equilibria[0]
    assert repr(tree) == f"<TreeEquilibrium: {tree.describe()}>"
    # dataclass subclasses keep it (a review: they had the generated field repr back)
    sequential = dt.solve(dt.load_game("entry_deterrence"), "sequential")
    assert repr(sequential).startswith("<SequenceFormResult: 1 sequential equilibrium")
    assert repr(sequential.equilibria[0]) == f"<Assessment: {sequential.equilibria[0].describe()}>"
    for game, method in (("chicken", "correlated"), ("beer_quiche", "signalling_pbe")):
        found = dt.solve(dt.load_game(game), method)
        assert repr(found) == f"<{type(found).__name__}: {found.to_text()}>"
        assert repr(found.equilibria[0]) == f"<{type(found.equilibria[0]).__name__}: {found.equilibria[0].describe()}>"
    assert "Note: solved at the parameters&#x27; default values" in result._repr_html_()
    latex_rows = [line.split(" & ")[0] for line in result._repr_latex_().splitlines()[1:-1]]
    assert latex_rows == ["0", "1", "2"] and "[0]" in result.to_text() and "<td>0</td>" in result._repr_html_()
    analysis = dt.analyse_repeated(dt.load_game("us_iran_stage"))
    text = analysis.to_text()
    assert repr(analysis) == f"<RepeatedAnalysis\n{text}\n>" and str(analysis) == text and len(repr(analysis)) < 1500
    assert text.splitlines()[2].startswith("payoffs (average discounted, expected under noise)")
    assert analysis._repr_html_().startswith("<pre>Repeated game ")
