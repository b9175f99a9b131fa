"""What a student sees in Jupyter: readable reprs of every result type, and errors that name
the valid player, action, state or information set when a name is mistyped (a review of the
Python API in notebooks, stop 41)."""
import pytest

import deterrence as dt
from deterrence.errors import GameError

# a tool given a catalogue game at its defaults warns; here a test takes .with_defaults() where the
# defaults are not its point, and asserts the warning (pytest.warns) where they are
pytestmark = pytest.mark.filterwarnings("error::deterrence.errors.DefaultValuesWarning")

@pytest.fixture(scope="module")
def chicken_mixed():
    return dt.solve(dt.load_game("chicken"))[1]


@pytest.mark.parametrize("call, words", [
    (lambda eq: eq.probability("Row", "swerv"), ["'swerv'", "Row", "swerve, straight"]),
    (lambda eq: eq.probability("Rowe", "swerve"), ["'Rowe'", "Row, Column"]),
    (lambda eq: eq.support("Colum"), ["'Colum'", "Row, Column"]),
])
def test_a_mistyped_name_on_an_equilibrium_lists_the_valid_ones(chicken_mixed, call, words):
    with pytest.raises(GameError) as err:
        call(chicken_mixed)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_a_mistyped_name_on_a_branch_or_trajectory_lists_the_valid_ones():
    chicken = dt.load_game("chicken").with_defaults()
    branch = dt.logit_branch(chicken)
    path = dt.replicator_dynamics(chicken, t_max=1, points=3)
    for f in (branch.probabilities, path.share):
        with pytest.raises(GameError, match="unknown action 'swerv' for player Row; actions are swerve, straight"):
            f("Row", "swerv")
        with pytest.raises(GameError, match="unknown player 'row'; players are Row, Column"):
            f("row", "swerve")
    assert path.share("Row", "swerve").shape == (3,)


def test_a_mistyped_information_set_lists_the_players_sets():
    eq = dt.solve(dt.load_game("entry_deterrence"))[0]
    assert eq.move("Incumbent", "in") == "accommodate"
    with pytest.raises(GameError, match="Incumbent has no information set 'root'; its information sets are in"):
        eq.move("Incumbent", "root")


def test_a_mistyped_state_of_a_markov_perfect_equilibrium_lists_the_states():
    game = dt.load_game("stochastic_prisoners_dilemma")
    eq = dt.solve(game)[0]
    state = eq.states[0]
    assert eq.support(state, eq.players[0])
    with pytest.raises(GameError, match="unknown state 'nowhere'; states are "):
        eq.probability("nowhere", eq.players[0], eq.actions[state][0][0])
    with pytest.raises(GameError, match="unknown player 'nobody'"):
        eq.support(state, "nobody")


def _short_repr(value, head, *words, limit=400):
    text = repr(value)
    assert text.startswith(head), text
    assert len(text) < limit, text
    assert "array(" not in text and "Fraction(" not in text, text
    for w in words:
        assert w in text, (w, text)
    return text


def test_the_paths_and_simulations_have_short_reprs_not_dataclass_dumps():
    chicken, pd = dt.load_game("chicken").with_defaults(), dt.load_game("prisoners_dilemma")
    _short_repr(dt.logit_branch(chicken), "<QREBranch: ", "points, lambda from 0 to",
                "limit Row: 9/10 swerve + 1/10 straight")
    from deterrence.solvers.tree.agent_qre import agent_logit_branch
    _short_repr(agent_logit_branch(dt.load_game("entry_deterrence").with_defaults(), max_lambda=5), "<QREBranch: ",
                "last point Entrant: root: ", "no certified limit")
    _short_repr(dt.replicator_dynamics(chicken, start=[(0.3, 0.7)] * 2, t_max=200), "<Trajectory: replicator",
                "501 points, time from 0 to 200; final Row: 0.9 swerve + 0.1 straight")
    _short_repr(dt.fictitious_play(dt.load_game("rock_paper_scissors"), iterations=500, seed=1),
                "<Trajectory: fictitious play", "500 points")
    _short_repr(dt.simulate(pd.with_defaults(), "tft, alld", matches=20, turns=20, seed=1), "<SimulationResult: ",
                "tit_for_tat vs always_D, 20 matches of 20 turns", "war in")
    _short_repr(dt.play_match(dt.load_game("us_iran_stage").with_defaults(), turns=200, seed=1), "<MatchHistory: ",
                "US contained_tit_for_tat vs Iran contained_tit_for_tat, 200 rounds")
    t = dt.tournament(pd.with_defaults(), ["tft", "alld", "allc"], matches=10, turns=10, seed=3)
    _short_repr(t, "<TournamentResult: 3 strategies, ranking ")
    assert t._repr_html_().count("<tr>") == 4


def test_sweeps_and_noise_have_short_reprs():
    s = dt.vectorised_map({"gap": "w - l"}, {"w": [0, 1, 2], "l": [0, 1]})
    _short_repr(s, "<Sweep: w (3 values, 0 to 2) x l (2 values, 0 to 1); values: gap; 6 of 6 points computed>")
    failed = dt.sweep(lambda x: 1 / x, {"x": [0, 1]}, executor="serial")
    _short_repr(failed, "<Sweep: ", "1 of 2 points computed; 1 failed (first at x=0: ZeroDivisionError")
    assert repr(dt.Noise(execution="1/50")) == "Noise(execution 1/50)"
    assert repr(dt.Noise(execution="1/50", by_player={"Iran": dt.Noise(tremble="1/10")})) == \
        "Noise(Iran: tremble 1/10; others: execution 1/50)"


def test_the_repeated_game_and_stage_analyses_have_short_reprs():
    pd, exact_pd = dt.load_game("prisoners_dilemma"), dt.load_game("prisoners_dilemma").with_defaults()
    _short_repr(dt.one_shot_deviation(exact_pd, "grim_trigger, grim_trigger", delta="3/4"), "<DeviationCheck: ",
                "Row grim_trigger, Column grim_trigger at delta 3/4: subgame perfect, Nash; payoffs 3, 3")
    _short_repr(dt.critical_delta(pd, "grim_trigger, grim_trigger"), "<DeltaConditions: ",
                "critical delta 1/2 = (R - T)/(P - T); subgame perfect for delta in [1/2, 1)")
    # a profile subgame perfect at no delta (it read "subgame perfect for delta in no delta in [0, 1)")
    _short_repr(dt.critical_delta(pd, "tit_for_tat"), "<DeltaConditions: ",
                "critical delta none; subgame perfect for no delta in [0, 1)")
    assert "SPE for no delta in [0, 1)" in dt.analyse_repeated(pd, "tft, tft", delta="9/10").to_text()
    _short_repr(dt.finite_horizon_spe(exact_pd, horizon=3), "<FiniteHorizonResult: 3 rounds")
    _short_repr(dt.analyse_noise(dt.load_game("us_iran_stage").with_defaults()), "<NoiseAnalysis: ",
                "with probability 0")
    _short_repr(dt.minmax_values(exact_pd), "<MinmaxResult: Row: 1 (pure: Column plays D")
    assert repr(dt.individually_rational_set(exact_pd)) == "Polygon((1, 1), (13/3, 1), (3, 3), (1, 13/3))"
    _short_repr(dt.equilibrium_payoff_set(exact_pd, delta="3/4"), "<PayoffSetResult: delta 3/4",
                "(13/3, 1)")
    _short_repr(dt.iterated_elimination(exact_pd), "<EliminationResult: 1. Row: C is strictly dominated by D")
    _short_repr(dt.red_lines(dt.load_game("chicken"))[0], "<RedLine: if l rises above 10")


def test_the_html_of_a_result_says_what_its_text_says():
    """A notebook shows the HTML: the Nash subsets, components and every equilibrium's further
    lines (a sequential equilibrium's beliefs, where play ends) were in the text only."""
    tree_nash = dt.solve(dt.load_game("entry_deterrence"), method="tree_nash")
    html = tree_nash._repr_html_()
    assert "Maximal Nash subsets" in tree_nash.to_text()
    assert "Maximal Nash subsets (every mixture of the listed extreme equilibria is one): {0}, {1, 2}" in html
    assert "Connected components: {0}; {1, 2}" in html
    sequential = dt.solve(dt.load_game("beer_quiche"), method="sequential")
    html = sequential._repr_html_()
    assert "beliefs: after_beer: 1/10 weak/beer, 9/10 strong/beer" in html
    assert "play ends at: weak/beer/no_duel (1/10), strong/beer/no_duel (9/10)" in html
    degenerate = dt.solve(dt.NormalFormGame.from_arrays([[1, 1], [1, 1]], [[1, 1], [1, 1]]))
    assert "{0-3}" in degenerate._repr_html_() and "{0-3}" in degenerate.to_text()


def test_the_html_of_markov_perfect_equilibria_reads_as_their_text():
    result = dt.solve(dt.load_game("stochastic_prisoners_dilemma"))
    html, text = result._repr_html_(), result.to_text()
    assert "good: A C, B C; poor: A D, B D  (values in good: 20, 20)" in text
    assert "<td>A C, B C</td><td>A D, B D</td><td>values in good: 20, 20</td>" in html
    assert "C 1" not in html and "True" not in html
    for note in result.notes:
        assert f"Note: {note}" in text
        assert note.replace("'", "&#x27;") in html


def test_a_stochastic_games_html_puts_each_states_transitions_under_its_table():
    html = dt.load_game("stochastic_prisoners_dilemma")._repr_html_()
    good, poor = html.index("State good"), html.index("State poor")
    # good's own transitions come before poor's table, poor's after it
    assert good < html.index("next state after", good) < poor < html.index("next state after", poor)


def test_a_sweep_of_a_lambda_over_processes_is_refused_at_once_with_the_way_out():
    with pytest.raises(GameError, match="executor='thread'"):
        dt.sweep(lambda x: 2 * x, {"x": [1, 2, 3]})
    done = dt.sweep(lambda x: 2 * x, {"x": [1, 2, 3]}, executor="thread")
    assert done.values["value"].tolist() == [2.0, 4.0, 6.0]


def test_a_report_and_its_sections_print_as_text_not_as_their_data():
    report = dt.explain(dt.load_game("chicken"))
    text = repr(report)
    assert text.startswith("<DeterrenceReport\nChicken\n") and "Section(" not in text and "data=" not in text
    assert report.to_text() in text
    assert repr(report.sections[0]).startswith("<Section equilibria: Equilibria\nSolved at the parameters' default "
                                               "values (w=1, l=1, crash=10).\n[0] Row: straight")


def test_the_html_of_a_correlated_result_gives_its_optimal_value():
    result = dt.solve(dt.load_game("prisoners_dilemma"), method="correlated")
    assert "optimal value 2" in result.to_text()
    assert "<p>optimal value 2</p>" in result._repr_html_()


@pytest.mark.parametrize("name, call", [
    ("feasible_set", lambda g: dt.feasible_set(g)),
    ("individually_rational_set", lambda g: dt.individually_rational_set(g)),
    ("minmax_values", lambda g: dt.minmax_values(g)),
    ("equilibrium_payoff_set", lambda g: dt.equilibrium_payoff_set(g, delta="3/4")),
])
def test_a_symbolic_game_given_to_the_folk_theorem_tools_is_solved_at_its_defaults_in_the_callers_name(name, call):
    # as solve does (a review: the tools refused a catalogue game that solve solved); they say so
    pd = dt.load_game("prisoners_dilemma")
    # a set or values computed, not a game solved: each tool says its own verb
    with pytest.warns(dt.DefaultValuesWarning,
                      match=rf"^{name}: computed at the parameters' default values \(T=5, R=3, P=1, S=0\)"):
        got = call(pd)
    assert repr(got) == repr(call(pd.with_defaults()))


def test_a_parameter_given_to_solve_as_an_option_is_pointed_to_subs():
    chicken = dt.load_game("chicken")
    with pytest.raises(GameError, match=r"crash is a parameter of the game: solve\(game.subs\(crash=3\)\)"):
        dt.solve(chicken, crash=3)
    with pytest.raises(GameError, match=r"solve\(game.subs\(crash=3, w=2\), 'pure'\)"):
        dt.solve(chicken, "pure", crash=3, w=2)
    with pytest.raises(GameError) as err:
        dt.solve(chicken, lamb=2)
    assert "parameter" not in str(err.value)
    assert len(dt.solve(chicken.subs(crash=3))) == 3


def test_parameters_given_to_solve_as_a_table_are_pointed_to_subs():
    """A game's constructor takes parameters={...}; solve refused the same words with 'its options are
    limit' and no way on (a newcomer's review)."""
    chicken = dt.load_game("chicken")
    with pytest.raises(GameError, match=r"Parameter values go to the game: solve\(game.subs\(\{'crash': 2\}\)\)"):
        dt.solve(chicken, parameters={"crash": 2})
    with pytest.raises(GameError) as err:                 # a game without parameters: no such advice
        dt.solve(dt.NormalFormGame.from_arrays([[1]], [[1]]), parameters={"crash": 2})
    assert "subs" not in str(err.value)


def test_a_trees_html_gives_its_title_once():
    tree = dt.load_game("entry_deterrence")
    assert tree._repr_html_().count("Entry deterrence") == 1
    assert tree.to_text().startswith("Entry deterrence\nEntrant (root)")


def test_a_fitness_at_zero_says_whose_and_which_intensities_work():
    pd = dt.load_game("prisoners_dilemma").with_defaults()
    with pytest.raises(GameError, match="the mutant C has fitness 0 at intensity 1; an intensity below 1 keeps"):
        dt.fixation_probability(pd, 10)
    with pytest.raises(GameError, match="an intensity below 1 keeps every fitness positive"):
        dt.moran_process(pd, 10, seed=1)
    assert 0 < dt.fixation_probability(pd, 10, intensity="1/2") < 1


def test_a_fit_that_the_data_cannot_identify_says_so():
    fit = dt.fit_logit_qre(dt.load_game("matching_pennies"), [[30, 20], [25, 25]])
    assert fit.standard_errors["lambda"] != fit.standard_errors["lambda"]      # nan
    assert any("say nothing about lambda" in n for n in fit.notes)
    _short_repr(fit, "<QREFit: lambda = ", "(not identified by the data)")
    identified = dt.fit_logit_qre(dt.load_game("chicken").with_defaults(), {"Row": {"swerve": 70, "straight": 30},
                                                          "Column": {"swerve": 65, "straight": 35}})
    assert not identified.notes and "(se " in repr(identified)
    probit = dt.fit_strategic_probit(dt.simulate_crises(n=200, seed=1))
    assert repr(probit).startswith("<ProbitFit: \n") and "log-likelihood" in repr(probit)


def test_the_case_analyses_print_their_headline_not_every_field():
    _short_repr(dt.us_iran_model().analyse(), "<USIranAnalysis: mutual restraint; war within 100 rounds")
    exchange = dt.us_iran_exchange_model().analyse()
    _short_repr(exchange, "<ExchangeAnalysis: contained (", "attacks per month", "war within 26 months")


def test_a_tournament_refuses_a_bad_noise_before_playing_any_pair():
    pd = dt.load_game("prisoners_dilemma").with_defaults()
    with pytest.raises(GameError, match="unknown noise key"):
        dt.tournament(pd, ["tft", "alld"], noise={"tremb": "1/10"}, matches=2, turns=2)
    with pytest.raises(GameError, match="noise for unknown player 'Rowe'"):
        dt.tournament(pd, ["tft", "alld"], noise={"Rowe": {"tremble": "1/10"}}, matches=2, turns=2)
    with pytest.raises(GameError, match="delta"):
        dt.tournament(pd, ["tft", "alld"], delta=2, matches=2, turns=2)


def test_a_moran_mutant_out_of_range_names_the_player():
    with pytest.raises(GameError, match="action index 5 out of range for player Row"):
        dt.fixation_probability(dt.load_game("chicken").with_defaults(), 10, mutant=5, intensity="1/20")


def test_to_latex_of_a_game_or_result_is_its_math_not_html_escaped_text():
    result = dt.solve(dt.load_game("chicken"))
    assert dt.to_latex(result) == result._repr_latex_().strip("$")
    assert dt.to_latex(dt.critical_delta(dt.load_game("prisoners_dilemma"), "grim_trigger")).startswith(r"\delta^*")
    tree_result = dt.solve(dt.load_game("entry_deterrence"))          # no math of its own: its text
    assert "&#x27;" not in dt.to_latex(tree_result) and "parameters' default" in dt.to_latex(tree_result)


def test_a_games_latex_writes_parameter_names_as_its_analysis_does():
    from deterrence.core.latex import to_latex
    game = dt.load_game("us_iran_stage")
    assert "W_{\\mathrm{us}}" in game._repr_latex_() and "W_{us}" not in game._repr_latex_()
    assert "W_{\\mathrm{us}}" in to_latex(dt.parameter_symbol("W_us"))


def test_a_stochastic_games_repr_writes_delta_as_a_repeated_game_does():
    assert "; 2 states; delta=delta; symbolic)" in repr(dt.load_game("stochastic_prisoners_dilemma"))
    assert "delta=9/10; exact)" in repr(dt.load_game("stochastic_prisoners_dilemma").with_defaults())
    assert "delta=9/10" in repr(dt.RepeatedGame(dt.load_game("prisoners_dilemma"), delta="9/10"))


def test_a_refused_text_payoff_suggests_a_call_only_when_the_parser_takes_it():
    """The hint for "__import__('os')" suggested deterrence.parse_expression(...), which the parser
    refuses too (a Jupyter review): the hint says why the text is no formula instead."""
    from deterrence.errors import GameError
    with pytest.raises(GameError) as refused:
        dt.NormalFormGame.from_arrays([["__import__('os')", 0], [0, 1]], [[0, 0], [0, 0]])
    assert "parse_expression" not in str(refused.value) and "calls are limited to" in str(refused.value)
    with pytest.raises(GameError, match=r"parse_expression\('1 - eps', \['eps'\]\)"):
        dt.NormalFormGame.from_arrays([["1 - eps", 0], [0, 1]], [[0, 0], [0, 0]])


def test_the_teaching_models_report_names_the_case_report_in_python_too():
    """It pointed a notebook reader to a shell command only (a Jupyter review)."""
    text = dt.explain(dt.us_iran_model()).to_text()
    assert "'deterrence report', in Python dt.explain(dt.us_iran_exchange_model())" in text


def test_pbe_and_threat_explanations_print_their_description_not_their_fields():
    """PBE, NashExplanation and Threat printed dataclass dumps with Fraction(...) (a Jupyter review)."""
    pbe = dt.perfect_bayesian_equilibria(dt.load_game("beer_quiche"))[0]
    assert repr(pbe) == f"<PBE: {pbe.describe()}>" and "Fraction(" not in repr(pbe)
    explanations = dt.noncredible_threats(dt.load_game("entry_deterrence").with_defaults())
    assert repr(explanations[0]).startswith("<NashExplanation: (out, fight): not subgame perfect")
    threat = explanations[0].threats[0]
    assert repr(threat) == f"<Threat: {threat.describe()}>"


def test_model_values_and_strategy_fits_show_one_line_and_a_table_in_jupyter():
    # a review: SFEMResult, RepeatedValues and the model objects printed their dataclass fields
    # (us_iran_model(): the stage game, both automata and the proxy tree; the exchange model
    # 'USIranExchange(overrides=(), fitted=True, record=(), progress=None)')
    from IPython.core.formatters import DisplayFormatter     # as Jupyter formats, with no shell left behind

    from deterrence.solvers.inference.sfem import SFEMResult
    show = DisplayFormatter().format
    pd = dt.load_game("prisoners_dilemma")
    fit = SFEMResult(("tit_for_tat", "hawk"), (0.25, 0.75), (0.1, float("nan")), 0.1, 0.01, True,
                     -3.0, 8.0, 8.0, 2, 5, "US", posteriors=((0.5, 0.5), (0.1, 0.9)))
    cases = [
        (fit, "<SFEMResult: US, 2 matches: hawk 0.750 (s.e. n/a), tit_for_tat 0.250 (s.e. 0.100)", "<td>hawk</td>"),
        (dt.discounted_values(pd, ["tit_for_tat", "always_escalate"], delta="1/2"),
         "<RepeatedValues: Row tit_for_tat vs Column always_D, delta 1/2 (symbolic): payoffs (P + S)/2",
         "<td>calm, war</td><td>(P + S)/2</td>"),
        (dt.us_iran_model(W_iran=60), "<USIranModel: delta 9/10; contained_tit_for_tat vs contained_tit_for_tat",
         "<td>W_iran</td><td>60</td>"),
        (dt.us_iran_exchange_model(W_iran=60), "<USIranExchange: US–Iran case model, fitted to the record",
         "<td><b>W_iran</b></td><td><b>60</b></td>"),
    ]
    from deterrence.models.us_iran_exchange_fit import RecordFit
    record_fit = RecordFit((("motive_rate", 0.52),), (("motive_rate", 0.17),), (), -4.25, (), (), True, "")
    assert show(record_fit)[0]["text/plain"] == ("<RecordFit: motive_rate 0.52 (s.e. 0.17); log-likelihood -4.25; "
                                                 "verified under noise: True>")
    for value, text, cell in cases:
        shown = show(value)[0]
        assert shown["text/plain"].startswith(text), shown["text/plain"]
        assert "\n" not in shown["text/plain"] and "=(" not in shown["text/plain"]     # one line, no fields
        assert cell in shown["text/html"]
    assert str(fit) == fit.to_text()


@pytest.mark.parametrize("name, call", [
    ("iterated_elimination", lambda g: dt.iterated_elimination(g)),
    ("dominated_actions", lambda g: dt.dominated_actions(g, "Row")),
    ("pure_equilibria", lambda g: dt.pure_equilibria(g)),
    ("all_equilibria", lambda g: dt.all_equilibria(g)),
    ("lemke_howson", lambda g: dt.lemke_howson(g)),
    ("correlated_equilibria", lambda g: dt.correlated_equilibria(g)),
    ("coarse_correlated_equilibria", lambda g: dt.coarse_correlated_equilibria(g)),
    # these took the defaults silently
    ("fictitious_play", lambda g: dt.fictitious_play(g, iterations=50, seed=1)),
    ("best_response_dynamics", lambda g: dt.best_response_dynamics(g, seed=1)),
    ("replicator_dynamics", lambda g: dt.replicator_dynamics(g, start=[(0.3, 0.7)] * 2, t_max=5)),
    ("logit_branch", lambda g: dt.logit_branch(g, max_lambda=2)),
    ("qre_at", lambda g: dt.qre_at(g, 1.0)),
    ("fixation_probability", lambda g: dt.fixation_probability(g, 10, intensity="1/100")),
    # the exact checks of a profile (they raised "TypeError: Cannot convert symbols to int")
    ("is_equilibrium", lambda g: dt.is_equilibrium(g, [(0, 1), (0, 1)])),
    ("certified_equilibrium", lambda g: dt.certified_equilibrium(g, [(0, 1), (1, 0)])),
])
def test_a_catalogue_game_solve_solves_at_its_defaults_is_solved_so_by_the_tools_called_directly(name, call):
    # a review: dt.iterated_elimination(dt.load_game("chicken")) refused the game solve solves
    import warnings
    chicken = dt.load_game("chicken")
    assert chicken.is_symbolic
    # a check of a profile says what it did: it checked the game there, it did not solve it
    verb = "checked" if name in ("is_equilibrium", "certified_equilibrium") else "solved"
    with pytest.warns(dt.DefaultValuesWarning, match=rf"^{name}: {verb} at the parameters' default values"
                                                            r" \(.*\), as solve solves it; for other values"):
        got = call(chicken)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # a numeric game, and solve itself, say nothing
        assert repr(got) == repr(call(chicken.with_defaults()))
        assert dt.solve(chicken).notes[0].startswith("solved at the parameters' default values (")


def test_the_defaults_warning_points_at_the_callers_line():
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dt.minmax_values(dt.load_game("prisoners_dilemma"))
    assert [w.filename for w in caught] == [__file__]


def test_a_refused_symbolic_game_suggests_with_defaults_only_when_every_parameter_has_a_default():
    import sympy
    a = sympy.Symbol("a")
    no_default = dt.NormalFormGame([[[a, 0], [0, 1]], [[1, 0], [0, 1]]])
    with pytest.raises(dt.GameError, match=r"give values to a \(\.subs\(NAME=VALUE\): a has no default value; "
                                           r"on the command line --set NAME=VALUE\)$"):
        dt.pure_equilibria(no_default)
    with pytest.raises(dt.GameError, match=r"\(\.subs\(NAME=VALUE\): a has no default value\)$"):
        dt.GameTree(dt.terminal(["a", "1"]), players=["A", "B"]).require_numeric("backward induction")
    with pytest.raises(dt.GameError, match=r"give values to P, R, S, T \(\.subs\(\.\.\.\) or \.with_defaults\(\);"):
        dt.load_game("prisoners_dilemma").require_numeric("a tool")


def test_a_repeated_game_shows_its_stage_table_in_jupyter():
    """A RepeatedGame had no HTML: Jupyter showed one line of action names, no payoffs and no title."""
    from IPython.core.formatters import DisplayFormatter
    rg = dt.RepeatedGame(dt.load_game("us_iran_stage").with_defaults(), "9/10", 5, {"execution": "1/50"},
                         ["tft", "grim"])
    html = DisplayFormatter().format(rg)[0]["text/html"]
    assert html.startswith("<div class='deterrence-repeated'><p>Repeated for 5 rounds, delta = 9/10; "
                           "noise: execution 1/50; strategies: US tit_for_tat, Iran grim_trigger</p>")
    assert "<caption>US and Iran-backed militias: one round of the exchange of fire</caption>" in html
    assert "<td>-4, 2</td>" in html                                   # the stage's payoffs


def test_the_texts_write_formulas_and_sets_in_the_toolkits_words_not_sympys():
    """The report wrote "delta* = 3/4 = Max(...)" (the JSON writes max(...)) and "(the set is EmptySet)";
    the DeltaConditions repr and the repeated analysis wrote Max(...) too."""
    stage, pd = dt.load_game("us_iran_stage"), dt.load_game("prisoners_dilemma")
    report = dt.explain(stage, delta="9/10")
    formula = "max((a_iran + b_iran)/(a_iran + c_iran), (a_us + b_us)/(a_us + c_us))"
    assert f"subgame perfect from delta* = 3/4 = {formula} on." in report.to_text()
    profile = "contained_tit_for_tat, contained_tit_for_tat"
    assert f"critical delta: 3/4 = {formula}" in dt.analyse_repeated(stage, profile, delta="9/10").to_text()
    without_noise = dt.critical_delta(stage, profile, noise="none")
    assert repr(without_noise).startswith(f"<DeltaConditions: critical delta 3/4 = {formula};")
    never = dt.explain(pd, strategies="tft, tft", delta="9/10").to_text()
    assert "This profile is not subgame perfect for any delta in [0, 1)." in never and "EmptySet" not in never


def test_a_moran_run_reads_the_intensity_as_the_exact_fixation_probability_does():
    """fixation_probability(pd, 10, intensity="1/10") worked; moran_process with the same argument failed:
    "bad arguments ... TypeError: unsupported operand type(s) for -: 'int' and 'str'"."""
    pd = dt.load_game("prisoners_dilemma").with_defaults()
    assert dt.moran_process(pd, 10, intensity="1/10", seed=1) == dt.moran_process(pd, 10, intensity=0.1, seed=1)
    for call in (dt.moran_process, dt.fixation_probability):
        with pytest.raises(GameError, match="^intensity 'abc' is not a number"):
            call(pd, 10, intensity="abc")


def test_the_aggregate_record_prints_its_counts_not_every_field():
    """dt.read_aggregate_record() printed each AggregateCount's dataclass repr: datetime.date(...) and the
    long about and source texts, a screenful for three numbers."""
    shown = repr(dt.read_aggregate_record())
    assert "AggregateCount(attacks_on_us_personnel: 83 from 2021-01-21 to 2023-03-23, 791 days)" in shown
    assert "datetime" not in shown and "source=" not in shown and len(shown) < 400


def test_a_strategy_built_with_its_arguments_swapped_says_which_argument_is_the_game():
    """strategy(game, "tft") said only "strategies are built for two-player stage games", of a
    two-player game: the name had landed where the game goes."""
    pd = dt.load_game("prisoners_dilemma")
    with pytest.raises(GameError, match=r"got str 'tit_for_tat' as the game \(strategy\(name, game\)\)"):
        dt.strategy(pd, "tit_for_tat")
    with pytest.raises(GameError, match="two-player stage games; this game has 3 players"):
        dt.strategy("tft", dt.load_game("irrational_three_player"))


def test_explain_of_a_stochastic_game_points_to_solve():
    """explain(stochastic game) said "explain() takes a game, ...; got StochasticGame": it is a game."""
    with pytest.raises(GameError, match=r"not a stochastic game: dt.solve\(game\) gives its Markov perfect"):
        dt.explain(dt.load_game("stochastic_prisoners_dilemma"))
