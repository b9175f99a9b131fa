"""One carrier for a repeated game, one reader of ``[repeated]``, one meaning of war.

Each test here failed on the code before issue 12: explicit δ dropped the file's noise,
``explain(game, delta=...)`` had no miscalculation section, δ had two validity rules, a
bare number was silently read as execution noise, war counted only (escalate, escalate),
and the finite-horizon check reported deviations at states that cannot occur.
"""
import itertools
import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import deterrence as dt
from deterrence.core.automaton import Automaton
from deterrence.core.repeated import Noise, RepeatedGame, read_profile, war_profiles
from deterrence.errors import GameError
from deterrence.solvers.repeated.finite_horizon import finite_horizon_spe, finite_one_shot_deviation
from deterrence.solvers.repeated.noise_markov import analyse_noise, war_risk
from deterrence.solvers.repeated.one_shot_deviation import one_shot_deviation
from deterrence.solvers.repeated.repeated_values import discounted_values

PACKAGE = Path(dt.__file__).parent


@pytest.fixture(scope="module")
def us():
    return dt.load_game("us_iran_stage")

# these tests follow delta, noise and the profile from a game file's own (symbolic) game through
# every function: the defaults are not their point (test_tools_at_defaults checks the warning)
pytestmark = pytest.mark.filterwarnings("ignore::deterrence.errors.DefaultValuesWarning")


def test_the_repeated_section_has_one_reader():
    readers = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"""\[["']repeated["']\]|get\(["']repeated["']""", text):
            readers.append(path.relative_to(PACKAGE).as_posix())
    assert readers == ["core/repeated.py"]


def test_explicit_delta_keeps_the_files_noise(us):
    profile = read_profile(us)
    from_file = discounted_values(us, profile).payoffs
    explicit = discounted_values(us, profile, delta="9/10").payoffs
    misfire = {"retaliate": {"retaliate": "1599/1600", "escalate": "1/1600"}}    # militia strikes only
    spelled_out = discounted_values(RepeatedGame(us, "9/10", noise={"Iran": {"implementation": misfire}}),
                                    profile).payoffs
    assert from_file == explicit == spelled_out
    # the file's noise misfires militia strikes only, which the file's profile never intends on
    # its path; under the exchange every round (a limited strike by both sides) it matters, so the
    # equalities are not vacuous
    from deterrence.models.us_iran import exchange_every_round
    exchange = [exchange_every_round(us.with_defaults(), i) for i in (0, 1)]
    with_file_noise = discounted_values(us, exchange, delta="9/10").payoffs
    assert with_file_noise == discounted_values(
        RepeatedGame(us, "9/10", noise={"Iran": {"implementation": misfire}}), exchange).payoffs
    assert with_file_noise != discounted_values(us, exchange, delta="9/10", noise="none").payoffs
    # the other functions agree however delta and noise reach them
    numeric = discounted_values(us.with_defaults(), profile, delta="9/10").payoffs
    assert (one_shot_deviation(us, delta="9/10").payoffs == one_shot_deviation(us).payoffs
            == one_shot_deviation(RepeatedGame.from_game(us)).payoffs == numeric)
    assert (discounted_values(us.with_defaults(), exchange, delta="9/10").payoffs
            != discounted_values(us.with_defaults(), exchange, delta="9/10", noise="none").payoffs)


def test_explain_with_delta_has_the_miscalculation_section_of_the_command(us, capsys):
    from deterrence.analysis.explain import explain
    from deterrence.cli import main
    report = explain(us, delta="9/10")
    data = report.section("miscalculation").data
    assert main(["repeated", "us_iran_stage", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert data["war_probability"] == out["war_probability"]
    assert data["subgame_perfect_under_noise"] == out["subgame_perfect_under_noise"]
    assert report.section("shadow_of_the_future").data["critical_delta"] == out["critical_delta"] == "3/4"


def test_one_rule_for_delta(us):
    from deterrence.models.us_iran import us_iran_model
    # delta = 0 (the stage game played myopically) is a repeated game for the carrier and the model
    assert RepeatedGame(us, 0).delta == 0
    assert us_iran_model(delta=0).delta == 0
    for bad in ("1", "-1/10", "11/10"):
        with pytest.raises(GameError, match="discount factor"):
            RepeatedGame(us, bad)
        with pytest.raises(GameError, match="discount factor"):
            us_iran_model(delta=bad)
    assert RepeatedGame(us, 1, horizon=5).delta == 1      # plain averages of a finite game


def test_the_carrier_carries_the_profile(us):
    rg = RepeatedGame.from_game(us)
    assert [a.name for a in rg.strategies] == ["contained_tit_for_tat"] * 2
    assert rg.with_delta("4/5").strategies == rg.strategies
    # a game without a profile still works where none is needed
    chicken = RepeatedGame(dt.load_game("chicken"), "1/2")
    assert chicken.strategies is None
    with pytest.raises(GameError, match="no strategy profile"):
        one_shot_deviation(chicken)
    assert one_shot_deviation(chicken, "tft").payoffs == one_shot_deviation(chicken.with_strategies("tft")).payoffs


def test_a_bare_number_is_not_noise(us, tmp_path, capsys):
    with pytest.raises(GameError, match="execution.*tremble.*perception"):
        Noise.from_spec("1/50")
    with pytest.raises(GameError, match="bare number"):
        RepeatedGame(us, "9/10", noise=0.02)
    with pytest.raises(GameError, match="bare number"):
        discounted_values(us, "tft", delta="9/10", noise="1/50")
    text = Path(dt.__file__).parent.parent.joinpath("games", "prisoners_dilemma.toml").read_text()
    path = tmp_path / "pd.toml"
    path.write_text(text.replace('delta = "9/10"', 'delta = "9/10"\nnoise = 0.02'))
    with pytest.raises(GameError, match="bare number"):
        RepeatedGame.from_game(dt.load_game(str(path)))
    from deterrence.cli import main
    assert main(["repeated", "prisoners_dilemma", "--noise", "1/50"]) == 2
    assert "execution=1/50" in capsys.readouterr().err
    assert main(["repeated", "prisoners_dilemma", "--noise", "tremble=1/50", "--json"]) == 0


# -- one meaning of war: a round in which either side escalates ---------------------------

def _brute_force_war(stage, automata, noise, within):
    """P(some round among the first ``within`` has an escalation), by enumerating every
    sequence of intended, realised and observed actions (no Markov chain)."""
    E = [noise.implementation_matrix(stage.actions[i]) for i in range(2)]
    obs = [noise.perception_matrix(stage.actions[1 - i]) for i in range(2)]   # i watching the other
    esc = [stage.actions[i].index("escalate") for i in range(2)]
    acts = stage.actions
    total = Fraction(0)

    def walk(states, t, p):
        nonlocal total
        if p == 0 or t == within:
            return
        outs = [automata[i].output(states[i]) for i in range(2)]
        for a1, q1 in outs[0].items():
            for a2, q2 in outs[1].items():
                i1, i2 = acts[0].index(a1), acts[1].index(a2)
                for b1 in range(len(acts[0])):
                    for b2 in range(len(acts[1])):
                        pb = p * q1 * q2 * E[0][i1, b1] * E[1][i2, b2]
                        if pb == 0:
                            continue
                        if b1 == esc[0] or b2 == esc[1]:
                            total += pb
                            continue
                        for o1 in range(len(acts[1])):          # player 1's view of 2's action
                            for o2 in range(len(acts[0])):
                                po = pb * obs[0][b2, o1] * obs[1][b1, o2]
                                if po == 0:
                                    continue
                                nxt = (automata[0].next_state(states[0], acts[0][b1], acts[1][o1]),
                                       automata[1].next_state(states[1], acts[1][b2], acts[0][o2]))
                                walk(nxt, t + 1, po)

    walk((automata[0].start, automata[1].start), 0, Fraction(1))
    return total


@pytest.mark.parametrize("names", [("tft", "tft"), ("contained_tit_for_tat", "contained_tit_for_tat"),
                                   ("grim", "tft"), ("contrite_tit_for_tat", "hawk")])
def test_war_risk_counts_a_round_in_which_either_side_escalates(us, names):
    stage = us.with_defaults()
    noise = Noise(execution="1/10", perception="1/20")
    automata = read_profile(us, list(names))
    automata = tuple(a.subs(stage.parameters) for a in automata)
    exact = analyse_noise(stage, automata, noise=noise, within=3)
    assert exact.war_profiles == war_profiles(stage)
    assert {p for p in exact.war_profiles} == {(a, b) for a in stage.actions[0] for b in stage.actions[1]
                                               if "escalate" in (a, b)}
    assert exact.war_probability == _brute_force_war(stage, automata, noise, 3)
    assert war_risk(stage, automata, noise=noise, within=3)[0] == pytest.approx(float(exact.war_probability))


def test_report_and_maps_use_the_one_meaning_of_war():
    from deterrence.analysis.explain import explain
    from deterrence.analysis.maps import regime_at
    from deterrence.models.us_iran import us_iran_model
    model = us_iran_model()
    data = explain(model).section("miscalculation").data
    stage = model.stage.with_defaults()
    assert [tuple(p) for p in data["war_profiles"]] == list(war_profiles(stage))
    brute = _brute_force_war(stage, model.strategies, model.noise, 4)
    assert analyse_noise(stage, model.strategies, noise=model.noise, within=4).war_probability == brute
    assert regime_at(0.9)["war_probability"] == pytest.approx(data["war_probability_float"])


def test_a_game_file_names_its_own_war(tmp_path, capsys):
    """spiral_model's war is the arms race (arm, arm), named by its [repeated] section: the CLI's
    expected rounds until war is then the entry's claimed round of the arms race (1160/39), not
    the first false alarm (400/39, which the default meaning, a round in which a side arms, gave)."""
    from deterrence.cli import main
    from deterrence.core.numbers import to_exact as parse_exact
    from deterrence.core.repeated import repeated_section
    game = dt.load_game("spiral_model")
    assert repeated_section(game).war == (("arm", "arm"),)
    assert main(["repeated", "spiral_model", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["war_profiles"] == [["arm", "arm"]] and out["within"] == 100
    assert parse_exact(out["expected_rounds_to_war"]) == parse_exact(game.claims["expected_round_at_defaults"])
    # one meaning of war for the file everywhere: the float chain and the simulation read it too
    # (they counted the first false alarm: a review of this change)
    from deterrence.solvers.repeated.simulate import simulate
    exact = analyse_noise(game, within=10)
    assert war_risk(game, within=10)[0] == pytest.approx(float(exact.war_probability))
    simulated = simulate(game, matches=2000, seed=1)
    assert abs(simulated.mean_rounds_to_war - float(exact.expected_rounds_to_war)) < 2.5   # se about 0.6
    # without the key, every profile in which a side arms counts, as before
    text = Path(dt.__file__).parent.parent.joinpath("games", "spiral_model.toml").read_text()
    path = tmp_path / "spiral_default.toml"
    path.write_text(text.replace('war = [["arm", "arm"]]', ""))
    assert main(["repeated", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["war_profiles"]) == 3 and parse_exact(out["expected_rounds_to_war"]) == Fraction(400, 39)
    for bad, message in (('"arm, arm"', "nonempty list"), ("[]", "nonempty list"),
                         ('[["arm", "fight"]]', "not a pair of actions"), ("7", "nonempty list")):
        path.write_text(text.replace('war = [["arm", "arm"]]', f"war = {bad}"))
        with pytest.raises(GameError, match=r"\[repeated\] war.*" + message):
            repeated_section(dt.load_game(str(path)))


# -- finite horizon: only states that can occur with k rounds left --------------------------

def _three_action_game():
    # (C, C) is not a stage equilibrium, (D, D) and (P, P) are: cooperation in round 1
    # is held up by the threat of the bad equilibrium (P, P) in round 2
    u1 = [[4, 0, -1], [5, 1, -1], [-1, -1, 0]]
    u2 = [[4, 5, -1], [0, 1, -1], [-1, -1, 0]]
    return dt.NormalFormGame.from_arrays(u1, u2, actions=[["C", "D", "P"]] * 2)


def _cooperate_then_reward_or_punish(game):
    rules = ["coop: C, C -> good", "coop: *, * -> bad", "good: *, * -> good", "bad: *, * -> bad"]
    return Automaton(["coop", "good", "bad"], "coop", {"coop": "C", "good": "D", "bad": "P"},
                     rules, game.actions[0], game.actions[1], name="coop_then_nash")


def test_finite_check_skips_states_that_cannot_occur():
    game = _three_action_game()
    a = _cooperate_then_reward_or_punish(game)
    check = finite_one_shot_deviation(game, [a, a], horizon=2, delta=1)
    # the old check reported (coop, coop) with one round left, a state only round 1 has
    assert check.subgame_perfect, check.deviations
    assert check.payoffs == (Fraction(5, 2), Fraction(5, 2))
    assert check.payoffs in finite_horizon_spe(game, 2, delta=1).spe_payoffs
    assert _brute_force_finite_spe(game, (a, a), 2, Fraction(1))


def _brute_force_finite_spe(game, automata, T, d):
    """SPE by enumerating every history of length < T (pure automata, no noise)."""
    acts, U = game.actions, game.payoff_arrays

    def value(states, k):        # (sum of discounted payoffs of the profile over k rounds)
        if k == 0:
            return (0, 0)
        a = [next(iter(automata[i].output(states[i]))) for i in range(2)]
        x = (acts[0].index(a[0]), acts[1].index(a[1]))
        nxt = (automata[0].next_state(states[0], a[0], a[1]), automata[1].next_state(states[1], a[1], a[0]))
        rest = value(nxt, k - 1)
        return tuple(U[i][x] + d * rest[i] for i in range(2))

    def states_after(history):
        s = (automata[0].start, automata[1].start)
        for b1, b2 in history:
            s = (automata[0].next_state(s[0], b1, b2), automata[1].next_state(s[1], b2, b1))
        return s

    profiles = list(itertools.product(acts[0], acts[1]))
    for t in range(T):
        for history in itertools.product(profiles, repeat=t):
            s = states_after(history)
            planned = [next(iter(automata[i].output(s[i]))) for i in range(2)]
            base = value(s, T - t)
            for i in range(2):
                for dev in acts[i]:
                    pair = (dev, planned[1]) if i == 0 else (planned[0], dev)
                    x = (acts[0].index(pair[0]), acts[1].index(pair[1]))
                    nxt = (automata[0].next_state(s[0], pair[0], pair[1]),
                           automata[1].next_state(s[1], pair[1], pair[0]))
                    if U[i][x] + d * value(nxt, T - t - 1)[i] > base[i]:
                        return False
    return True


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 3), st.integers(1, 3), st.integers(0, 10 ** 6),
       st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(9, 10)]))
def test_finite_check_agrees_with_brute_force_over_histories(m, T, seed, d):
    g = np.random.default_rng(seed)
    labels = ["a", "b", "c"][:m]
    game = dt.NormalFormGame.from_arrays(g.integers(0, 4, (m, m)).tolist(), g.integers(0, 4, (m, m)).tolist(),
                                         actions=[labels, labels])
    automata = [Automaton.random(int(g.integers(1, 4)), labels, seed=int(g.integers(10 ** 6))) for _ in range(2)]
    check = finite_one_shot_deviation(game, automata, horizon=T, delta=d)
    assert check.subgame_perfect == _brute_force_finite_spe(game, automata, T, d)
    if check.subgame_perfect:     # then a pure stage equilibrium exists (the last round's play)
        assert check.payoffs in finite_horizon_spe(game, T, delta=d).spe_payoffs


def test_cli_horizon_uses_the_fixed_check(tmp_path, capsys):
    from deterrence.cli import main
    from deterrence.io import write_game
    game = _three_action_game()
    path = tmp_path / "g.json"
    write_game(game, str(path))
    assert main(["repeated", str(path), "--delta", "1", "-T", "2", "-s", "grim,grim", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = finite_one_shot_deviation(game, "grim", horizon=2, delta=1)
    assert out["subgame_perfect"] == expected.subgame_perfect
    assert _brute_force_finite_spe(game, read_profile(game, "grim"), 2, Fraction(1)) == expected.subgame_perfect


def test_a_strategy_keeps_its_parameters_in_its_name(capsys):
    """limited_retaliation(k=1) against (k=3) was printed as limited_retaliation against
    limited_retaliation (an analyst's review): the name carries the parameters everywhere."""
    from deterrence.cli import main
    from deterrence.core.strategies import strategy
    stage = dt.load_game("us_iran_stage")
    assert strategy("limited_retaliation", stage, 0, k=3).name == "limited_retaliation(k=3)"
    assert strategy("limited_retaliation", stage, 0).name == "limited_retaliation"     # k = 2, the default
    from deterrence.core.strategies import generous_tit_for_tat, limited_retaliation
    assert limited_retaliation(stage, 0, k=3).name == "limited_retaliation(k=3)"        # called directly too
    assert generous_tit_for_tat(stage, 0, g="1/4").name == "generous_tit_for_tat(g=1/4)"
    assert main(["repeated", "us_iran_stage", "-s", "limited_retaliation(k=1),limited_retaliation(k=3)"]) == 0
    assert "US plays limited_retaliation(k=1), Iran plays limited_retaliation(k=3)" in capsys.readouterr().out


def test_a_files_round_days_gives_the_reports_times_in_weeks_and_years(capsys, tmp_path):
    """us_iran_stage's report said its rounds had "no length in time" while the teaching model's
    report of the same game gave rounds of 7 days (an IR review): the file's [repeated] section
    now says what a round is, and every report of it reads that."""
    from deterrence.cli import main as cli_main
    from deterrence.core.repeated import repeated_section, section_round_days
    from deterrence.errors import GameError
    assert repeated_section(dt.load_game("us_iran_stage")).round_days == 7
    assert cli_main(["report", "us_iran_stage"]) == 0
    text = capsys.readouterr().out
    assert "within 100 rounds of 7 days (about 23.0 months)" in text and "no length in time" not in text
    base = (Path(dt.__file__).parent.parent / "games" / "prisoners_dilemma.toml").read_text()
    for bad in ("0", "-7", '"a week"', "true"):
        path = tmp_path / "pd.toml"
        path.write_text(base + f"\n[repeated]\ndelta = \"9/10\"\nround_days = {bad}\n"
                        if "[repeated]" not in base else base.replace("[repeated]", f"[repeated]\nround_days = {bad}"))
        with pytest.raises(GameError, match=r"\[repeated\] round_days = .*a positive number"):
            section_round_days(dt.load_game(path))
    path.write_text(base.replace("[repeated]", "[repeated]\nround_days = \"1/2\"") if "[repeated]" in base
                    else base + "\n[repeated]\nround_days = \"1/2\"\n")
    assert section_round_days(dt.load_game(path)) == Fraction(1, 2)


@pytest.mark.parametrize("days, words", [('"1/3"', "rounds of 1/3 days (33.3333 days)"),
                                         ('"1e400"', "rounds of 1e+400 days (about 2.73973e+399 years)"),
                                         ("1e300", "rounds of 1e+300 days (about 2.74e+299 years)"),
                                         ('"1e-3000"', "rounds of 1e-3000 days (1e-2998 days)")])
def test_a_round_of_any_exact_length_gives_a_report_and_strict_json(days, words, capsys, tmp_path):
    """round_days = "1/3" crashed report --json (a Fraction for json.dumps), "1e400" crashed both
    (OverflowError), 1e300 wrote a float's 300 digits of years (a fuzzing review)."""
    import json
    from deterrence.cli import main as cli_main
    base = (Path(dt.__file__).parent.parent / "games" / "us_iran_stage.toml").read_text()
    assert base.count("round_days = 7") == 1
    path = tmp_path / "g.toml"
    path.write_text(base.replace("round_days = 7", f"round_days = {days}"))
    assert cli_main(["report", str(path)]) == 0
    text = capsys.readouterr().out
    assert words in text and max(len(w) for w in text.split()) < 80
    assert cli_main(["report", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    noise = doc["miscalculation"] if "miscalculation" in doc else next(
        s for s in doc["sections"] if s.get("round_days") is not None)
    # one type whatever the value: the exact text (no _float twin: core.numbers.FLOAT_TWINS)
    assert isinstance(noise["round_days"], str) and noise["round_days"] != "7"
    assert Fraction(noise["round_days"]) > 0 and "round_days_float" not in noise


@pytest.mark.parametrize("command", ["repeated", "report"])
@pytest.mark.parametrize("key, bad", [("round_days", "0"), ("war", '"peace"')])
def test_a_bad_round_days_or_war_names_its_own_line(key, bad, command, capsys, tmp_path):
    """`deterrence repeated` named the [repeated] header's line for them (a fuzzing review);
    `deterrence report` named no file at all (an error review)."""
    from deterrence.cli import main as cli_main
    base = (Path(dt.__file__).parent.parent / "games" / "us_iran_stage.toml").read_text()
    text = base.replace("round_days = 7", f"{key} = {bad}" if key == "round_days" else f"round_days = 7\n{key} = {bad}")
    path = tmp_path / "g.toml"
    path.write_text(text)
    assert cli_main([command, str(path)]) == 2
    err = capsys.readouterr().err
    line = next(k for k, t in enumerate(text.splitlines(), 1) if t.startswith(f"{key} = "))
    assert f"{path}:{line}: repeated.{key}: [repeated] {key}" in err, err


def test_a_bad_repeated_section_names_its_file_from_python(tmp_path):
    """From Python, ``repeated_section(load_game(path))`` and ``analyse_repeated`` refused a bad
    ``round_days`` naming no file (only the command line passed the file): the game keeps its
    file, and the section's readers name its file and the key's line (an error review)."""
    from deterrence.core.repeated import repeated_section, section_round_days
    from deterrence.errors import GameFileError
    base = (Path(dt.__file__).parent.parent / "games" / "us_iran_stage.toml").read_text()
    text = base.replace("round_days = 7", "round_days = 0")
    path = tmp_path / "g.toml"
    path.write_text(text)
    line = text.splitlines().index("round_days = 0") + 1
    game = dt.load_game(path)
    for call in (repeated_section, section_round_days, dt.analyse_repeated):
        with pytest.raises(GameFileError) as caught:
            call(game)
        assert (caught.value.file, caught.value.line) == (str(path), line), caught.value
        assert str(caught.value).startswith(f"{path}:{line}: repeated.round_days: "), caught.value


@pytest.mark.parametrize("command", ["repeated", "report"])
def test_a_repeated_key_is_named_from_the_error_not_from_its_message(command, capsys, tmp_path):
    """The key of a [repeated] error was found by matching the message: an unknown key "my key" was
    named "repeated.my", with no line; the error now carries its key (an error review)."""
    from deterrence.cli import main as cli_main
    base = (Path(dt.__file__).parent.parent / "games" / "us_iran_stage.toml").read_text()
    text = base.replace("round_days = 7", 'round_days = 7\n"my key" = 1')
    path = tmp_path / "g.toml"
    path.write_text(text)
    assert cli_main([command, str(path)]) == 2
    line = text.splitlines().index('"my key" = 1') + 1
    assert f'{path}:{line}: repeated."my key": [repeated]: unknown key(s) my key;' in capsys.readouterr().err
