"""The compiled turn loop of the Monte Carlo plays the same matches as its NumPy path.

Both paths of ``CompiledMatch.run`` draw the same random words, so for a seed they must
visit the same states: the first-war rounds are equal and the payoff sums equal up to
the order of float additions. The kernel's plain Python twin (``play_turns``, what numba
compiles) is checked the same way, so the logic is tested also where numba is missing
(there the "compiled" runs below take the NumPy path and compare it with itself);
the compiled path is then checked against the exact Markov answers of the same chain.
"""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from deterrence import load_game
from deterrence.core.automaton import Automaton
from deterrence.core.repeated import RepeatedGame
from deterrence.solvers.repeated import _product, _simulate_kernel
from deterrence.solvers.repeated import simulate as sim_module
from deterrence.solvers.repeated.noise_markov import analyse_noise
from deterrence.solvers.repeated.repeated_values import discounted_values
from deterrence.solvers.repeated.simulate import CompiledMatch, simulate

try:
    import numba  # noqa: F401
    HAVE_NUMBA = True
except ImportError:              # CI without the `fast` extra
    HAVE_NUMBA = False

US = load_game("us_iran_stage").with_defaults()
ACTIONS = list(US.actions[0])
NAMED = ["tft", "gtft", "wsls", "grim", "hawk", "alld", "allc"]


def _compiled(stage, profile, noise):
    rg = RepeatedGame(stage, 0, noise=noise)
    return CompiledMatch(_product.Chain(rg, _product.resolve_profile(rg, profile), "float"))


def _assert_same_play(a, b):
    assert np.array_equal(a[2], b[2])                       # first-war rounds: exactly
    for x, y in zip(a[:2], b[:2]):
        assert np.allclose(x, y, rtol=1e-12, atol=1e-12)   # payoff sums: up to rounding


profiles = st.one_of(
    st.tuples(st.sampled_from(NAMED), st.sampled_from(NAMED)).map(list),
    st.tuples(st.integers(1, 4), st.integers(0, 10 ** 6), st.integers(1, 4), st.integers(0, 10 ** 6)).map(
        lambda t: [Automaton.random(t[0], ACTIONS, t[1]), Automaton.random(t[2], ACTIONS, t[3])]))
noises = st.one_of(
    st.just(None),
    st.fractions(Fraction(1, 100), Fraction(1, 3), max_denominator=100).map(lambda e: {"execution": e}),
    st.fractions(Fraction(1, 100), Fraction(1, 3), max_denominator=100).map(
        lambda e: {"execution": e / 2, "perception": e}))


@settings(max_examples=40, deadline=None)
@given(profile=profiles, noise=noises, matches=st.integers(1, 301), turns=st.integers(1, 90),
       delta=st.sampled_from([1.0, 0.9, 0.5]), chunk=st.integers(1, 70), seed=st.integers(0, 2 ** 32 - 1))
def test_compiled_and_numpy_paths_play_the_same_matches(profile, noise, matches, turns, delta, chunk, seed):
    cm = _compiled(US, profile, noise)
    plays = [cm.run(matches, turns, np.random.default_rng(seed), delta, chunk, True, compiled=c)
             for c in (False, True)]
    _assert_same_play(*plays)


@settings(max_examples=15, deadline=None)
@given(profile=profiles, noise=noises, matches=st.integers(1, 9), turns=st.integers(1, 30),
       delta=st.sampled_from([1.0, 0.75]), seed=st.integers(0, 2 ** 32 - 1))
def test_the_plain_python_kernel_plays_the_same_matches(profile, noise, matches, turns, delta, seed):
    """The uncompiled twin through the compiled path's driver: the kernel's logic, without numba."""
    cm = _compiled(US, profile, noise)
    numpy_path = cm.run(matches, turns, np.random.default_rng(seed), delta, 7, True, compiled=False)
    twin = cm._run_compiled(_simulate_kernel.play_turns, matches, turns, np.random.default_rng(seed),
                            delta, 7, True, None)
    _assert_same_play(numpy_path, twin)


def test_the_word_buffer_split_does_not_change_the_play(monkeypatch):
    """Draws split into pieces of 1 to 40 turns (by the chunk and the word budget) are the same stream."""
    cm = _compiled(US, "gtft", {"execution": "1/10"})
    whole = cm.run(501, 40, np.random.default_rng(3), 0.9, 64, True, compiled=False)
    for words, chunk in ((2, 1), (2, 5), (2, 64), (10 ** 5, 64)):
        monkeypatch.setattr(sim_module, "WORDS_AT_ONCE", words)
        _assert_same_play(whole, cm._run_compiled(_simulate_kernel.play_turns, 501, 40,
                                                  np.random.default_rng(3), 0.9, chunk, True, None))


def test_simulate_gives_the_same_result_with_and_without_numba(monkeypatch):
    calls = []
    monkeypatch.setenv("DETERRENCE_NUMBA", "1")
    kernel = _simulate_kernel.compiled_turns(0, force=True)
    monkeypatch.setattr(CompiledMatch, "_run_compiled",
                        lambda self, *a, original=CompiledMatch._run_compiled: calls.append(a[0]) or
                        original(self, *a))
    args = dict(matches=3001, turns=120, noise={"execution": "1/20"}, delta="19/20")
    results = {}
    for setting in ("0", "1", "1"):
        monkeypatch.setenv("DETERRENCE_NUMBA", setting)
        results.setdefault(setting, []).append(simulate(US, ["hawk", "tft"], seed=9, **args))
    assert calls == ([kernel, kernel] if HAVE_NUMBA else [])   # "1" used the kernel, "0" did not
    (numpy_run,), (compiled_run, again) = results["0"], results["1"]
    assert compiled_run.payoffs == again.payoffs and compiled_run.war_fraction == again.war_fraction
    assert compiled_run.mean_rounds_to_war == again.mean_rounds_to_war       # same seed, same output
    assert np.allclose(compiled_run.payoffs, numpy_run.payoffs, rtol=1e-12)
    assert (compiled_run.war_fraction, compiled_run.mean_rounds_to_war) == \
        (numpy_run.war_fraction, numpy_run.mean_rounds_to_war)


@pytest.mark.parametrize("pair, delta", [(("tft", "tft"), Fraction(1)), (("gtft", "wsls"), Fraction(9, 10)),
                                         (("hawk", "ctft"), Fraction(1))])
def test_compiled_path_agrees_with_the_exact_markov_answers(monkeypatch, pair, delta):
    """Mean payoffs against the exact finite-horizon values, war frequency against the exact
    probability of a war within the horizon (both from the same chain), within 5 standard errors."""
    monkeypatch.setenv("DETERRENCE_NUMBA", "1")
    turns, matches, noise = 60, 20_000, {"execution": "1/20", "perception": "1/40"}
    exact = discounted_values(US, list(pair), delta=delta, horizon=turns, noise=noise, float=True).payoffs
    r = simulate(US, list(pair), matches=matches, turns=turns, delta=delta, noise=noise, seed=2026)
    for x, m, se in zip(exact, r.payoffs, r.standard_errors):
        assert abs(x - m) <= 5 * se + 1e-9
    p = analyse_noise(US, list(pair), noise=noise, within=turns, float=True).war_probability
    assert abs(r.war_fraction - p) <= 5 * np.sqrt(p * (1 - p) / matches) + 1e-9


def test_the_switch_decides_the_monte_carlo_kernel(monkeypatch):
    monkeypatch.setenv("DETERRENCE_NUMBA", "0")
    assert _simulate_kernel.compiled_turns(10 ** 12, force=True) is None
    monkeypatch.setenv("DETERRENCE_NUMBA", "1")
    assert (_simulate_kernel.compiled_turns(1) is not None) == HAVE_NUMBA


def test_without_numba_the_numpy_path_plays(monkeypatch):
    """``jit`` gives ``None`` when numba is missing or broken: asked for the kernel, the run
    takes the NumPy path (the driver of the compiled path is never entered)."""
    monkeypatch.setattr(_simulate_kernel, "_KERNEL", [None])
    monkeypatch.setattr(CompiledMatch, "_run_compiled", None)
    cm = _compiled(US, "gtft", {"execution": "1/10"})
    forced = cm.run(301, 20, np.random.default_rng(5), 0.9, compiled=True)
    _assert_same_play(forced, cm.run(301, 20, np.random.default_rng(5), 0.9, compiled=False))
    r = simulate(US, "gtft", matches=301, turns=20, noise={"execution": "1/10"}, seed=5)
    assert r.matches == 301 and all(np.isfinite(r.payoffs))
