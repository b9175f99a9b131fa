"""Noisy play as an exact Markov chain: long-run payoffs, echo effect, war risk."""
import itertools
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from deterrence import NormalFormGame, load_game
from deterrence.core.automaton import Automaton
from deterrence.core.repeated import RepeatedGame
from deterrence.errors import GameError
from deterrence.solvers.repeated import _product
from deterrence.solvers.repeated.noise_markov import analyse_noise, echo_effect, war_profiles
from deterrence.solvers.repeated.repeated_values import discounted_values

R, S, T, P = 3, 0, 5, 1
PD = NormalFormGame.from_arrays([[R, S], [T, P]], [[R, T], [S, P]], actions=[["C", "D"]] * 2)
US = load_game("us_iran_stage").with_defaults()


@settings(max_examples=15, deadline=None)
@given(st.fractions(min_value=0, max_value=1, max_denominator=50).filter(lambda e: 0 < e < 1))
def test_noisy_tft_long_run_is_mean_of_pd_payoffs(e):
    a = analyse_noise(PD, "tft", noise={"tremble": e}, within=0)
    assert a.long_run_payoffs == (Fraction(R + S + T + P, 4),) * 2
    assert all(f == Fraction(1, 4) for f in a.profile_frequencies.values())


def test_no_noise_tft_stays_cooperative():
    a = analyse_noise(PD, "tft", war=[("D", "D")], within=50)
    assert a.long_run_payoffs == (R, R) and a.war_probability == 0 and a.expected_rounds_to_war is None


def test_echo_effect_generosity_and_contrition_help():
    e = echo_effect(PD, {"tremble": "1/100"})
    tft, gtft, ctft = e["tit_for_tat"][0], e["generous_tit_for_tat"][0], e["contrite_tit_for_tat"][0]
    assert tft == Fraction(9, 4) and gtft > tft and ctft > gtft
    assert ctft > Fraction(29, 10)     # contrition restores near-full cooperation


def test_war_within_T_by_enumeration():
    """P(first (D,D) within 3 rounds) of noisy TFT: brute force over realised histories."""
    eps = Fraction(1, 10)
    rg = RepeatedGame(PD, "1/2", noise={"tremble": eps})
    exact = analyse_noise(rg, "tft", war=[("D", "D")], within=3).war_probability
    assert exact == _war_by_enumeration(rg, (eps, eps), 3)


def test_expected_rounds_geometric_case():
    # ALLD vs ALLD in the US-Iran game with execution errors: always escalate, war in round 1
    a = analyse_noise(US, "alld", noise={"execution": "1/10"}, within=5)
    assert a.war_probability == 1 and a.expected_rounds_to_war == 1
    # hold-forever players: war only if both misfire twice... never (hold -> retaliate only)
    b = analyse_noise(US, "allc", noise={"execution": "1/10"}, within=5)
    assert b.war_probability == 0 and b.war_eventually == 0 and b.expected_rounds_to_war is None
    # retaliate-forever vs itself: war (either side escalates) each round with prob
    # 1 - (1 - e)^2, independently: geometric
    probe = Automaton(["s"], "s", {"s": "retaliate"}, ["*: *, * -> s"], US.actions[0])
    c = analyse_noise(US, [probe, probe], noise={"execution": "1/10"}, within=3)
    q = 1 - (1 - Fraction(1, 10)) ** 2
    assert c.expected_rounds_to_war == 1 / q and c.war_probability == 1 - (1 - q) ** 3


def test_grim_war_is_absorbing_and_tft_is_not():
    g = analyse_noise(US, "grim", noise={"execution": "1/50"}, war="any", within=200, delta="9/10")
    assert g.war_eventually == 1 and g.profile_frequencies[("escalate", "escalate")] == 1
    t = analyse_noise(US, "tft", noise={"execution": "1/50"}, within=200)
    assert t.profile_frequencies[("escalate", "escalate")] < Fraction(1, 100)


def test_exact_and_float_agree():
    for names in (["tft", "hawk"], ["gtft", "ctft"], ["wsls", "limited_retaliation"]):
        ex = analyse_noise(US, names, delta="9/10", noise={"execution": "1/50", "perception": "1/20"})
        fl = analyse_noise(US, names, delta="9/10", noise={"execution": "1/50", "perception": "1/20"},
                           float=True)
        assert np.allclose([float(x) for x in ex.long_run_payoffs], fl.long_run_payoffs)
        assert np.allclose([float(x) for x in ex.discounted_payoffs], fl.discounted_payoffs)
        assert abs(float(ex.war_probability) - fl.war_probability) < 1e-9
        if ex.expected_rounds_to_war is not None:
            assert abs(float(ex.expected_rounds_to_war) / fl.expected_rounds_to_war - 1) < 1e-8


def test_long_run_limit_of_discounted_values():
    """The long-run average is the limit of average discounted payoffs as delta -> 1."""
    a = analyse_noise(US, ["gtft", "tft"], noise={"tremble": "1/20"}, within=0)
    v = discounted_values(US, ["gtft", "tft"], delta="99999/100000", noise={"tremble": "1/20"}).payoffs
    assert all(abs(float(x - y)) < 1e-3 for x, y in zip(a.long_run_payoffs, v))


def test_float_war_risk_agrees_with_exact():
    # (its speed is shown in benchmarks/bench_noise.py: no timed assertions in tests)
    rg = RepeatedGame(US, "9/10", noise={"execution": "1/50"})
    autos = _product.resolve_profile(rg, ["tft", "hawk"])
    from deterrence.solvers.repeated.noise_markov import war_risk_arrays
    wp = war_profiles(US)
    fl = war_risk_arrays(_product.Chain(rg, autos, "float"), wp, 100)
    ex = war_risk_arrays(_product.Chain(rg, autos, "exact"), wp, 100)
    assert abs(fl[0] - float(ex[0])) < 1e-12 and abs(fl[1] - float(ex[1])) < 1e-12
    assert (fl[2] is None) == (ex[2] is None)
    if ex[2] is not None:
        assert abs(fl[2] / float(ex[2]) - 1) < 1e-9


def test_errors():
    with pytest.raises(GameError, match="war profile"):
        analyse_noise(US, "tft", war=[("nuke", "hold")])
    with pytest.raises(GameError, match="within"):
        analyse_noise(US, "tft", within=-1)
    assert war_profiles(PD) == (("C", "D"), ("D", "C"), ("D", "D"))   # either side escalates
    assert len(war_profiles(US, "any")) == 5


def test_a_noise_formula_in_python_is_refused_with_the_way_in_and_a_files_is_not():
    """Noticed at stop 38: Noise(...) built in Python refused "1 - eps" (it declares no
    parameters) without saying how a formula goes in; a game file's refusal names its line and
    says nothing of Python."""
    from deterrence import Noise, parse_expression
    from deterrence.io.toml_format import parse_toml_game
    with pytest.raises(GameError, match=r"unknown name 'eps'.*parse_expression\('1 - eps', \['eps'\]\)"):
        Noise(implementation={"restrain": {"restrain": "1 - eps", "arm": "eps"}})
    eps = parse_expression("eps", ["eps"])
    noise = Noise(implementation={"C": {"C": 1 - eps, "D": eps}})
    assert noise.parameter_names == {"eps"}
    assert noise.subs({"eps": "1/20"}).implementation["C"] == {"C": Fraction(19, 20), "D": Fraction(1, 20)}
    text = ('players = ["A", "B"]\n[actions]\nA = ["C", "D"]\nB = ["C", "D"]\n[payoffs]\n'
            '"C, C" = [3, 3]\n"C, D" = [0, 5]\n"D, C" = [5, 0]\n"D, D" = [1, 1]\n[repeated]\ndelta = "9/10"\n'
            'noise = { implementation = { C = { C = "1 - eps", D = "eps" } } }\n')
    game = parse_toml_game(text)
    with pytest.raises(GameError, match="unknown name 'eps'") as refused:
        RepeatedGame.from_game(game)
    assert "parse_expression" not in str(refused.value)


# -- noise per player ------------------------------------------------------------------------
def _war_by_enumeration(rg, eps, within):
    """P(first (D,D) within ``within`` rounds) of TFT vs TFT when player i's action flips with
    probability ``eps[i]``: brute force over realised histories."""
    a1, a2 = _product.resolve_profile(rg, "tft")
    total = Fraction(0)
    for k in range(1, within + 1):
        for hist in itertools.product(range(4), repeat=k):
            if any(c == 3 for c in hist[:-1]) or hist[-1] != 3:
                continue
            s1, s2, p = a1.start, a2.start, Fraction(1)
            for code in hist:
                b1, b2 = divmod(code, 2)
                i1 = a1.actions.index(next(iter(a1.output(s1))))
                i2 = a2.actions.index(next(iter(a2.output(s2))))
                p *= (1 - eps[0] if b1 == i1 else eps[0]) * (1 - eps[1] if b2 == i2 else eps[1])
                s1, s2 = (a1.next_state(s1, a1.actions[b1], a2.actions[b2]),
                          a2.next_state(s2, a2.actions[b2], a1.actions[b1]))
            total += p
    return total


@pytest.mark.parametrize("eps", [(Fraction(1, 10), Fraction(0)), (Fraction(0), Fraction(1, 7)),
                                 (Fraction(1, 10), Fraction(1, 4))])
def test_noise_per_player_matches_brute_force(eps):
    noise = {"Row": {"tremble": eps[0]}, "Column": {"tremble": eps[1]}}
    rg = RepeatedGame(PD, "1/2", noise=noise)
    exact = analyse_noise(rg, "tft", war=[("D", "D")], within=3).war_probability
    assert exact == _war_by_enumeration(rg, eps, 3)


def test_the_same_noise_for_each_player_is_the_common_noise():
    eps = Fraction(1, 20)
    one = analyse_noise(US, "contained_tit_for_tat", noise={"execution": eps}, within=20)
    each = analyse_noise(US, "contained_tit_for_tat",
                         noise={"US": {"execution": eps}, "Iran": {"execution": eps}}, within=20)
    assert (one.war_probability, one.long_run_payoffs) == (each.war_probability, each.long_run_payoffs)
    # a listed player has its own noise, the others the common part
    mixed = analyse_noise(US, "contained_tit_for_tat", noise={"execution": eps, "Iran": {"execution": eps}},
                          within=20)
    assert mixed.war_probability == one.war_probability


def test_noise_on_one_side_only_never_changes_the_others_actions():
    from deterrence.solvers.repeated.simulate import play_match
    noise = {"Iran": {"execution": "1/5"}}
    match = play_match(US, "tit_for_tat", turns=60, noise=noise, seed=3)
    us = [(i[0], r[0]) for i, r in zip(match.intended, match.realised)]
    iran = [(i[1], r[1]) for i, r in zip(match.intended, match.realised)]
    assert all(a == b for a, b in us)
    assert any(a != b for a, b in iran)
    # mirrored in a symmetric game: Row's noise alone and Column's noise alone give the same war risk
    row = analyse_noise(PD, "tft", noise={"Row": {"tremble": "1/10"}}, war=[("D", "D")], within=6)
    column = analyse_noise(PD, "tft", noise={"Column": {"tremble": "1/10"}}, war=[("D", "D")], within=6)
    assert row.war_probability == column.war_probability > 0


def test_noise_per_player_in_a_game_file_and_its_refusals(tmp_path):
    from deterrence.core.repeated import Noise
    from deterrence.models.us_iran_calibration import CALIBRATION
    own = US_FILE.read_text(encoding="utf-8")
    own_noise = ('[repeated.noise.Iran]\n'
                 'implementation = { retaliate = { retaliate = "1599/1600", escalate = "1/1600" } }\n')
    assert own_noise in own
    # the file's noise is the calibration's: militia strikes misfire, US strikes are precise
    file_noise = RepeatedGame.from_game(load_game("us_iran_stage")).noise
    E_us, E_iran, _, _ = RepeatedGame.from_game(load_game("us_iran_stage")).noise_matrices()
    assert E_iran[1, 2] == Fraction(CALIBRATION["misfire"].value) and E_iran[0, 1] == 0
    assert (E_us == np.eye(3, dtype=int)).all() and Fraction(CALIBRATION["us_misfire"].value) == 0
    assert file_noise.describe() == "Iran: retaliate -> escalate 1/1600"
    text = (own.replace(own_noise, "")
            + '\n[repeated.noise.Iran]\nexecution = "1/40"\n[repeated.noise.US]\nperception = "1/30"\n')
    path = tmp_path / "per_player.toml"
    path.write_text(text, encoding="utf-8")
    rg = RepeatedGame.from_game(load_game(str(path)))
    assert rg.noise == Noise(by_player={"Iran": Noise(execution="1/40"), "US": Noise(perception="1/30")})
    assert rg.noise.describe() == "Iran: execution 1/40; US: perception 1/30"
    E1, E2, O1, O2 = rg.noise_matrices()
    assert E1[1, 2] == 0 and E2[1, 2] == Fraction(1, 40)            # only Iran's strikes misfire
    assert O1[1, 0] == Fraction(1, 60) and O2[1, 0] == 0             # only the US misreads
    with pytest.raises(GameError, match="unknown player 'Irn'; players are US, Iran"):
        RepeatedGame(US, "9/10", noise={"Irn": {"execution": "1/40"}})
    with pytest.raises(GameError, match="unknown noise key"):
        RepeatedGame(US, "9/10", noise={"executon": "1/40"})
    with pytest.raises(GameError, match="names no players"):
        Noise.from_spec({"Iran": {"US": {"execution": "1/40"}}})


US_FILE = __import__("pathlib").Path(__file__).resolve().parent.parent / "games" / "us_iran_stage.toml"


def test_a_mistyped_intended_action_in_a_noise_table_is_refused_not_dropped(tmp_path, capsys):
    """An error review (stop 39): a row of the implementation table under a mistyped intended
    action ("retalliate") was no row of the matrix, so the noise was dropped and the war risk
    fell to 0, silently. It is refused, naming the file's line and the actions."""
    from deterrence import Noise
    from deterrence.io.catalogue import catalogue_dir
    with pytest.raises(GameError, match=r"unknown intended action 'retalliate' \(actions: hold, retaliate, escalate\)"):
        Noise(implementation={"retalliate": {"retaliate": 1}}).implementation_matrix(("hold", "retaliate", "escalate"))
    text = (catalogue_dir() / "us_iran_stage.toml").read_text()
    assert "implementation = { retaliate =" in text
    path = tmp_path / "typo.toml"
    path.write_text(text.replace("implementation = { retaliate =", "implementation = { retalliate ="))
    from deterrence.cli import main
    assert main(["repeated", str(path)]) != 0
    refused = capsys.readouterr().err
    assert re.search(r"typo\.toml:\d+: repeated\.noise: .*unknown intended action 'retalliate'", refused)


def test_war_risk_of_a_chain_over_64_states_matches_the_exact_risk():
    """Chains of more than 64 joint states take the float path's vector-matrix loop (not the
    matrix power): limited retaliation of 8 rounds on each side is 9 x 9 = 81 states. Its
    P(war within T) equals the exact chain's for T = 1, 5, 30 (and P(war ever) too)."""
    from deterrence.core.strategies import limited_retaliation
    from deterrence.solvers.repeated import _product
    from deterrence.solvers.repeated.noise_markov import war_profiles, war_risk_arrays
    g = load_game("us_iran_stage").with_defaults()
    rg = RepeatedGame(g, "9/10", None, {"execution": "1/50"})
    automata = (limited_retaliation(g, 0, k=8), limited_retaliation(g, 1, k=8))
    wp = war_profiles(g, None)
    flt, exact = (_product.Chain(rg, automata, mode) for mode in ("float", "exact"))
    assert flt.N == exact.N == 81
    for within in (1, 5, 30):
        f, e = war_risk_arrays(flt, wp, within), war_risk_arrays(exact, wp, within)
        assert abs(f[0] - float(e[0])) < 1e-12 and abs(f[1] - float(e[1])) < 1e-12, within
    assert war_risk_arrays(flt, wp, 1)[0] == 0 < war_risk_arrays(flt, wp, 5)[0]
