"""DETERRENCE_NUMBA overrides every solver's own rule for its compiled kernels, and answers do not change."""
import numpy as np

from deterrence import NormalFormGame
from deterrence.solvers.normal_form import enumeration as en, lemke_howson as lh
from deterrence.solvers.repeated import payoff_set as ps
from deterrence.solvers._compiled import jit

try:
    import numba  # noqa: F401
    HAVE_NUMBA = True
except ImportError:              # CI without the `fast` extra
    HAVE_NUMBA = False


def _game(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
    B = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
    return NormalFormGame.from_arrays(A.tolist(), B.tolist())


def test_jit_gives_a_kernel_exactly_when_numba_is_installed():
    def add(a, b):
        return a + b
    kernel = jit(add)
    assert (kernel is not None) == HAVE_NUMBA
    if kernel is not None:
        assert kernel(2, 3) == 5


def test_the_switch_decides_the_enumeration_search(monkeypatch):
    calls = []
    compiled = en._compiled_vertices
    monkeypatch.setattr(en, "_compiled_vertices", lambda *a: calls.append(a) or compiled(*a))
    results = {}
    for setting, small, large in (("0", 0, 0), ("1", 2, 2)):
        monkeypatch.setenv("DETERRENCE_NUMBA", setting)
        for n, expected in ((3, small), (9, large)):
            calls.clear()
            results.setdefault(n, []).append(en.all_equilibria(_game(n, n)))
            assert len(calls) == expected, (setting, n)
    for first, second in results.values():
        assert first.equilibria == second.equilibria and first.cliques == second.cliques


def test_the_switch_decides_the_lemke_howson_and_payoff_set_kernels(monkeypatch):
    monkeypatch.setenv("DETERRENCE_NUMBA", "0")
    assert lh._numba_kernels(cells=10**6) is None and ps._compiled_loop() is None
    game = _game(6, 3)
    float_np, exact_np = lh.lemke_howson(game, exact=False), lh.lemke_howson(game)
    pd = NormalFormGame.from_arrays([[9, 1], [10, 3]], [[9, 10], [1, 3]])
    set_np = ps.equilibrium_payoff_set(pd, "3/4")
    monkeypatch.setenv("DETERRENCE_NUMBA", "1")
    assert (lh._numba_kernels(cells=1) is not None) == HAVE_NUMBA
    assert (ps._compiled_loop() is not None) == HAVE_NUMBA
    assert lh.lemke_howson(game).equilibria == exact_np.equilibria
    fl = lh.lemke_howson(game, exact=False).equilibria[0].strategies
    assert np.allclose(np.concatenate(fl), np.concatenate(float_np.equilibria[0].strategies), atol=1e-12)
    assert ps.equilibrium_payoff_set(pd, "3/4").vertices == set_np.vertices
