"""Size and time: big jobs are refused with an estimate, interrupts keep work, failures are reported.

See tests/README.md, "Size and time", for the sizes measured.
"""
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hang_guard import HANG_SECONDS

from deterrence import NormalFormGame
from deterrence.errors import DeterrenceError, SolverError, TooLargeError
from deterrence.solvers.certify import is_equilibrium
from deterrence.solvers.normal_form.enumeration import (DEFAULT_EXACT_LIMIT, DEFAULT_LIMIT, all_equilibria,
                                            vertex_bound)
from deterrence.solvers.repeated.payoff_set import equilibrium_payoff_set
from deterrence.analysis.sweep import sweep

from sweep_funcs import fragile

ROOT = Path(__file__).resolve().parents[1]


def binary_game(n, seed):
    rng = np.random.default_rng(seed)
    return NormalFormGame.from_arrays(rng.integers(0, 2, (n, n)).tolist(),
                                      rng.integers(0, 2, (n, n)).tolist())


def estimate(m, n):
    return vertex_bound(m, m + n) + vertex_bound(n, m + n)


# -- enumeration: degenerate games are refused by the default limit -----------------
@pytest.mark.parametrize("n", [16, 18, 24])
def test_big_degenerate_games_are_refused_quickly_with_the_estimate(n):
    # measured before the refusal existed: 14x14 0/1 game 3 s, 16x16 27 s, larger ones minutes
    game = binary_game(n, n)
    start = time.perf_counter()
    with pytest.raises(TooLargeError) as err:
        all_equilibria(game)
    assert time.perf_counter() - start < HANG_SECONDS
    msg = str(err.value)
    assert f"{estimate(n, n):,}" in msg and f"limit={estimate(n, n)}" in msg
    assert "degenerate" in msg or "limit" in msg


def test_default_limits_are_where_documented():
    assert estimate(15, 15) <= DEFAULT_EXACT_LIMIT < estimate(16, 16)
    assert estimate(20, 20) <= DEFAULT_LIMIT < estimate(24, 24)
    with pytest.raises(TooLargeError, match="McMullen"):
        all_equilibria(NormalFormGame.from_arrays(np.eye(24, dtype=int).tolist()))


def test_degenerate_games_under_the_limit_are_solved_and_certified():
    game = binary_game(12, 12)          # 0.3 s
    res = all_equilibria(game)
    assert res.complete and len(res.equilibria) > 0
    assert all(is_equilibrium(game, e.strategies) for e in res.equilibria)


def test_an_explicit_limit_overrides_and_still_stops_the_search():
    game = binary_game(10, 3)
    with pytest.raises(TooLargeError, match="limit"):
        all_equilibria(game, limit=estimate(10, 10) - 1)
    assert all_equilibria(game, limit=estimate(10, 10)).complete


def test_nondegenerate_games_are_not_held_by_the_exact_limit():
    rng = np.random.default_rng(0)
    game = NormalFormGame.from_arrays(rng.integers(0, 10**6, (16, 16)).tolist(),
                                      rng.integers(0, 10**6, (16, 16)).tolist())
    res = all_equilibria(game)          # float search: generic payoffs
    assert len(res.equilibria) % 2 == 1


# -- payoff sets: a tiny delta gap -----------------------------------------------
def test_payoff_set_with_tiny_delta_gap_is_refused():
    game = NormalFormGame.from_arrays([[3, 0, 5], [4, 1, 0], [0, 2, 2]], [[3, 4, 0], [0, 1, 2], [5, 0, 2]])
    for gap in (Fraction(1, 10**12), Fraction(1, 10**9)):
        start = time.perf_counter()
        with pytest.raises(TooLargeError, match="iterations"):
            equilibrium_payoff_set(game, 1 - gap, max_iter=10**9)
        assert time.perf_counter() - start < HANG_SECONDS
    # with the default max_iter the work is bounded: a result or a SolverError, quickly
    start = time.perf_counter()
    try:
        equilibrium_payoff_set(game, 1 - Fraction(1, 10**12))
    except SolverError:
        pass
    assert time.perf_counter() - start < HANG_SECONDS


# -- sweeps: Ctrl-C and failures -------------------------------------------------
class InterruptAt:
    def __init__(self, k):
        self.k, self.calls = k, 0

    def __call__(self, x, y):
        self.calls += 1
        if self.calls == self.k:
            raise KeyboardInterrupt
        return x * 10 + y


@pytest.mark.parametrize("k", [1, 4, 9])
def test_interrupted_sweep_keeps_points_and_resumes(k):
    axes = {"x": [0, 1, 2], "y": [0, 1, 2]}
    func = InterruptAt(k)
    s = sweep(func, axes, executor="serial")
    assert s.interrupted and not s.complete
    done = np.argwhere(~np.isnan(s.values["value"])) if s.values else np.empty((0, 2))
    assert len(done) == k - 1          # the points before the k-th are kept
    for i, j in done:
        assert s.values["value"][i, j] == i * 10 + j
    assert len(s.missing) == 9 - (k - 1)
    assert s.to_json()["interrupted"] is True
    r = s.resume(lambda x, y: x * 10 + y, executor="serial")
    assert r.complete and not r.interrupted and not r.failures
    assert r.values["value"].tolist() == [[0, 1, 2], [10, 11, 12], [20, 21, 22]]


@pytest.mark.parametrize("executor", ["serial", "thread"])
def test_failing_point_is_reported_with_point_and_reason(executor):
    s = sweep(fragile, {"x": [1, 2, 3]}, executor=executor, max_workers=2)
    assert not s.interrupted
    assert s.failures == (({"x": 2}, "ValueError: x = 2 is not allowed here"),)
    assert s.to_json()["failures"] == [{"point": {"x": 2}, "reason": "ValueError: x = 2 is not allowed here"}]
    v = s.values["value"]
    assert v[0] == 10 and np.isnan(v[1]) and v[2] == 30
    assert s.missing == [(1,)]


def test_deterrence_errors_in_a_sweep_point_are_reported():
    def solve_at(n):
        return len(all_equilibria(binary_game(int(n), 1)).equilibria)
    s = sweep(solve_at, {"n": [2, 16]}, executor="serial")
    assert s.values["value"][0] >= 1
    (point, reason), = s.failures
    assert point == {"n": 16} and reason.startswith("TooLargeError:") and "1,961,256" in reason


# -- the CLI: SIGINT during a long solve -------------------------------------------
def test_cli_turns_sigint_into_exit_130_with_one_line(tmp_path):
    from deterrence.io import write_game
    path = tmp_path / "big.json"
    write_game(binary_game(15, 15), path)   # a degenerate 15x15 game: about 5 s to solve
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "deterrence.cli", "solve", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    time.sleep(2.0)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out[-500:], err[-500:])       # what it did instead, if it ever fails
    assert err.strip() == "deterrence: interrupted"
    assert "Traceback" not in err and "Traceback" not in out


def test_cli_refuses_a_big_degenerate_game_with_one_line(tmp_path):
    from deterrence.io import write_game
    path = tmp_path / "huge.json"
    write_game(binary_game(16, 16), path)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "deterrence.cli", "solve", str(path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deterrence: ") and "1,961,256" in lines[0]


# -- no unverified equilibrium: every normal-form method, random games -------------
import importlib  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from deterrence.solvers import METHODS, solve  # noqa: E402

EXAMPLES = int(os.environ.get("DETERRENCE_HYPOTHESIS_EXAMPLES", "60"))
HYP = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NORMAL_FORM_METHODS = ("enumerate", "pure", "lemke_howson", "zero_sum",
                       "correlated", "coarse_correlated", "qre")   # last three: test_correlated, test_qre
# the methods after tree_nash are also tested in test_sequence_form, test_signalling, test_agent_qre
TREE_METHODS = ("subgame_perfect", "tree_nash",
                "sequence_form", "sequence_lcp", "quasi_perfect", "signalling_pbe",
                "agent_qre", "sequential")
STOCHASTIC_METHODS = ("markov_perfect",)
N_PLAYER_METHODS = ("nplayer", "nplayer_logit")        # their property tests: tests/test_nplayer.py
RECORD = os.environ.get("DETERRENCE_RELIABILITY_REPORT")
COUNTS = {"games": 0, "equilibria": 0}

PAYOFF = st.one_of(st.integers(-4, 4), st.fractions(-3, 3, max_denominator=6),
                   st.sampled_from([0, 1]))             # 0/1 entries make degenerate games likely


@st.composite
def random_game(draw):
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    cell = draw(st.sampled_from([PAYOFF, st.sampled_from([0, 1]), st.integers(-2, 2)]))
    A = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    if draw(st.booleans()):
        return NormalFormGame.zero_sum(A)
    B = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    return NormalFormGame.from_arrays(A, B)


def test_the_method_registry_is_the_one_tested():
    assert set(METHODS) == (set(NORMAL_FORM_METHODS) | set(TREE_METHODS) | set(STOCHASTIC_METHODS)
                            | set(N_PLAYER_METHODS))


@HYP
@given(random_game())
def test_every_returned_equilibrium_is_certified(game):
    COUNTS["games"] += 1
    m, n = game.shape
    results = [solve(game, "enumerate"), solve(game, "pure")]
    results += [solve(game, "lemke_howson", initial_label=k, pivoting=p) for k in range(m + n)
                for p in ("float", "integer")]
    if game.is_zero_sum():
        results.append(solve(game, "zero_sum"))
    else:
        with pytest.raises(GameError, match="zero-sum"):
            solve(game, "zero_sum")
    full = {e.strategies for e in results[0].equilibria}
    assert full                                          # every finite game has one
    for res in results:
        for eq in res.equilibria:
            COUNTS["equilibria"] += 1
            assert is_equilibrium(game, eq.strategies), (res.method, eq.strategies)
            assert all(isinstance(p, (int, Fraction)) for s in eq.strategies for p in s)
            assert all(sum(s) == 1 and min(s) >= 0 for s in eq.strategies)
    assert {e.strategies for e in results[1].equilibria} == {p for p in full if all(max(s) == 1 for s in p)}
    for res in results[2:2 + 2 * (m + n)]:              # Lemke-Howson ends at an extreme equilibrium
        assert res.equilibria[0].strategies in full
    for k in range(m + n):                              # float answers: flagged inexact, close to an exact one
        res = solve(game, "lemke_howson", initial_label=k, exact=False)
        eq = res.equilibria[0]
        if eq.exact:                                    # the float check refused; exact answer given instead
            assert res.notes and eq.strategies in full
            continue
        assert not res.exact and all(isinstance(p, float) for s in eq.strategies for p in s)
        assert any(max(abs(p - q) for s, t in zip(eq.strategies, prof) for p, q in zip(s, t)) < 1e-6
                   for prof in full), (eq.strategies, full)
    for method in TREE_METHODS + STOCHASTIC_METHODS:    # tree and stochastic methods refuse them cleanly
        with pytest.raises(DeterrenceError):
            solve(game, method)
    if RECORD:
        Path(RECORD).write_text(json.dumps(COUNTS))


from deterrence.errors import GameError  # noqa: E402
import json  # noqa: E402


def _three_player():
    return NormalFormGame.from_payoff_arrays(np.zeros((3, 2, 2, 2), dtype=int).tolist())


def _symbolic_without_values():
    from deterrence.core.symbolic import parameter_symbol
    c = parameter_symbol("c")
    return NormalFormGame.from_arrays([[c, 0], [0, 1]], [[1, 0], [0, c]])


BAD_CALLS = [
    ("ragged rows", lambda: NormalFormGame.from_arrays([[1, 2], [3]])),
    ("A and B of different shapes", lambda: NormalFormGame.from_arrays([[1, 2]], [[1], [2]])),
    ("empty game", lambda: NormalFormGame.from_arrays([[]])),
    ("no actions", lambda: NormalFormGame.from_arrays([])),
    ("3-D matrix for two players", lambda: NormalFormGame.from_arrays([[[1]]], [[[1]]])),
    ("string payoff", lambda: NormalFormGame.from_arrays([["x", 1]])),
    ("None payoff", lambda: NormalFormGame.from_arrays([[None, 1]])),
    ("boolean payoff", lambda: NormalFormGame.from_arrays([[True, 1]])),
    ("one payoff array per player missing", lambda: NormalFormGame.from_payoff_arrays([[[1, 2]]] * 1 + [[[1]]])),
]
for _method in ("enumerate", "lemke_howson", "zero_sum"):
    BAD_CALLS.append((f"3 players for {_method}", lambda m=_method: solve(_three_player(), m)))
    BAD_CALLS.append((f"symbolic without values for {_method}",
                      lambda m=_method: solve(_symbolic_without_values(), m)))
    BAD_CALLS.append((f"symbolic, called directly, {_method}",
                      lambda m=_method: getattr(importlib.import_module(METHODS[m][0]), METHODS[m][1])(
                          _symbolic_without_values())))
BAD_CALLS += [
    ("symbolic without values for pure", lambda: solve(_symbolic_without_values(), "pure")),
    ("non-zero-sum for zero_sum", lambda: solve(NormalFormGame.from_arrays([[1, 0]], [[1, 0]]), "zero_sum")),
    ("unknown method", lambda: solve(NormalFormGame.from_arrays([[1]]), "simplex")),
    ("bad limit", lambda: solve(NormalFormGame.from_arrays([[1]]), "enumerate", limit="10")),
    ("negative limit", lambda: solve(NormalFormGame.from_arrays([[1]]), "enumerate", limit=-1)),
    ("initial label out of range", lambda: solve(NormalFormGame.from_arrays([[1]]), "lemke_howson", initial_label=5)),
    ("bad max_pivots", lambda: solve(NormalFormGame.from_arrays([[1]]), "lemke_howson", max_pivots=0)),
    ("tree method on a normal-form game", lambda: solve(NormalFormGame.from_arrays([[1]]), "subgame_perfect")),
    ("reduced normal form of a normal-form game", lambda: solve(NormalFormGame.from_arrays([[1]]), "tree_nash")),
    ("not a game", lambda: solve([[1, 0], [0, 1]], "enumerate")),
    ("certify: wrong length", lambda: is_equilibrium(NormalFormGame.from_arrays([[1, 0]]), [[1], [1]])),
    ("certify: negative", lambda: is_equilibrium(NormalFormGame.from_arrays([[1, 0]]), [[1], [2, -1]])),
    ("certify: not summing to 1", lambda: is_equilibrium(NormalFormGame.from_arrays([[1, 0]]), [[1], [1, 1]])),
    ("certify: NaN", lambda: is_equilibrium(NormalFormGame.from_arrays([[1, 0]]), [[1], [float("nan"), 1]])),
]


@pytest.mark.parametrize("what,call", BAD_CALLS, ids=[w for w, _ in BAD_CALLS])
def test_bad_input_raises_only_deterrence_errors(what, call):
    with pytest.raises(DeterrenceError) as err:
        call()
    assert str(err.value).strip() and "\n" not in str(err.value).strip()


def test_tournament_interrupted_keeps_pairs_and_resumes(monkeypatch):
    import deterrence.solvers.repeated.simulate as sim
    from deterrence import load_game
    pd = load_game("prisoners_dilemma").with_defaults()
    names = ["tft", "alld", "allc"]
    kw = dict(matches=20, turns=20, noise={"tremble": "1/10"}, seed=4)
    full = sim.tournament(pd, names, **kw)
    real, calls = sim.simulate, {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(sim, "simulate", flaky)
    partial = sim.tournament(pd, names, **kw)
    monkeypatch.setattr(sim, "simulate", real)
    assert partial.interrupted and not partial.complete
    played = [v for r in partial.row_scores for v in r if v == v]
    assert len(played) == 4 and played == [v for r in full.row_scores for v in r][:4]
    done = sim.tournament(pd, names, resume=partial, **kw)
    assert done.complete and not done.interrupted
    assert done.to_json()["row_scores"] == full.to_json()["row_scores"]


def test_a_compiled_kernel_finishes_before_ctrl_c_is_raised():
    """A SIGINT during numba's machine code crashed the interpreter or was lost (seen about
    once in ten Ctrl-C's during a solve): compiled kernels run with it held back, and
    ``KeyboardInterrupt`` comes when the kernel returns."""
    from deterrence.solvers._compiled import run_compiled, sigint_deferred
    before = signal.getsignal(signal.SIGINT)
    finished = []

    def kernel(x):
        os.kill(os.getpid(), signal.SIGINT)     # Ctrl-C in the middle of the kernel
        time.sleep(0.05)
        finished.append(x)
        return x

    with pytest.raises(KeyboardInterrupt):
        run_compiled(kernel, 7)
    assert finished == [7]
    assert run_compiled(abs, -3) == 3            # no interrupt: the kernel's answer
    with pytest.raises(KeyboardInterrupt):      # an interrupt during numba's import is kept, not lost
        with sigint_deferred():
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before


def test_a_compiled_kernel_keeps_an_ignored_ctrl_c_ignored_and_a_callers_handler_called():
    # under nohup or as a script's background job SIGINT is ignored: the compiled path must
    # not turn it into a KeyboardInterrupt (it did: a simulate run stopped, the NumPy one not)
    from deterrence.solvers._compiled import run_compiled

    def kernel(x):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        return x

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert run_compiled(kernel, 5) == 5
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        seen = []

        def mine(signum, frame):
            seen.append(signum)
        signal.signal(signal.SIGINT, mine)
        assert run_compiled(kernel, 6) == 6 and seen == [signal.SIGINT]
        assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, before)
