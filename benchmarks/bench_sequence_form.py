"""Benchmark: sequence-form solvers on trees, against pygambit's ``lcp_solve(rational=True)``.

Inputs: Kuhn poker (games/kuhn_poker.efg) and seeded random two-player trees
of "hidden rounds" (each round chance deals H or L to player 1, who moves a0..a2;
player 2, not seeing the card, answers b0..b2). In :func:`hidden_rounds` play goes
on after (H, a0, b0) only (a chain of rounds: 9 sequences a round, but the depth
limit of 300 levels stops it near 800 sequences); in :func:`branching_rounds` it
goes on after (H, a0, b0) and after (L, a1, b1) (a binary tree of rounds, depth
3 levels a round): 137, 281, 569, 1,145 and 2,297 sequences at depth 4 to 8; :func:`sized_rounds`
splits a given number of rounds the same way (222 rounds: 2,000 sequences).
Timed, each a whole call: ``sequence_lcp`` (one
equilibrium, exact and certified), ``sequence_form`` (every extreme equilibrium, on the
trees its size guard searches without a trial, an estimate up to ``DEFAULT_ESTIMATE``;
zero-sum trees such as generalised Kuhn poker by the vertices of the two optimal faces) and
pygambit's ``lcp_solve(game, rational=True)`` when
pygambit is importable (otherwise timing only: the script says so). The ratio
printed is gambit / ours (above 1: ours is faster).

Refinements (:func:`refinement_rows`): our ``quasi_perfect`` (the perturbed sequence
form, exact) and ``sequential`` (the quasi-perfect equilibrium with its consistent
beliefs, checked exactly) against ``lcp_solve(rational=True)``, Gambit's closest method
on a tree (it returns one Nash equilibrium of the sequence form and refines nothing).

Run: ``python benchmarks/bench_sequence_form.py [--repeats N] [--rounds 10 40] [--depths 4 5 6 7] [--cards 8 10 12]``
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import deterrence  # noqa: F401
except ImportError:  # a checkout without an install
    sys.path.insert(0, str(ROOT))

from timing import fmt_time as fmt  # noqa: E402 - after the path is set
from timing import median_time  # noqa: E402 - after the path is set

from deterrence.core.tree import GameTree, chance, decision, terminal  # noqa: E402 - after the path is set
from deterrence.io.gambit_efg import read_efg, write_efg  # noqa: E402 - after the path is set
from deterrence.models.kuhn_poker import generalised_kuhn_poker  # noqa: E402 - after the path is set
from deterrence.solvers.tree.sequence_enumeration import (  # noqa: E402 - after the path is set
    DEFAULT_ESTIMATE,
    search_estimate,
    sequence_form_equilibria,
)
from deterrence.solvers.tree.sequence_form import sequence_form  # noqa: E402 - after the path is set
from deterrence.solvers.tree.sequence_lcp import sequence_lcp  # noqa: E402 - after the path is set

try:
    import pygambit
except ImportError:
    pygambit = None

# The refinement solvers and python-flint, which they load on first use, imported here, outside
# the time a benchmark child takes of one call (timing.in_child), as pygambit is for Gambit's.
import deterrence.solvers.tree.assessment  # noqa: E402,F401 - after the path is set
import deterrence.solvers.tree.quasi_perfect  # noqa: E402,F401 - after the path is set
import deterrence.solvers.tree.sequential  # noqa: E402,F401 - after the path is set
from deterrence.core.exact import flint as _load_flint  # noqa: E402 - after the path is set

_load_flint()


def hidden_rounds(rounds, seed=7):
    import random
    rng = random.Random(seed)

    def pay():
        return terminal([rng.randint(-5, 5), rng.randint(-5, 5)])

    def build(k):
        if k == 0:
            return pay()
        return chance({h: (Fraction(1, 2), decision("P1", {
            a: decision("P2", {b: (build(k - 1) if (h, a, b) == ("H", "a0", "b0") else pay())
                               for b in ("b0", "b1", "b2")}, infoset=f"r{k}")
            for a in ("a0", "a1", "a2")}, infoset=f"r{k}{h}")) for h in ("H", "L")})
    return GameTree(build(rounds), players=["P1", "P2"])


def branching_rounds(depth, seed=7):
    """A binary tree of hidden rounds ``depth`` deep; each round node has its own information
    sets (player 2 remembers the earlier rounds: perfect recall): ``sized_rounds(2**depth - 1)``."""
    return sized_rounds(2 ** depth - 1, seed)


def sized_rounds(rounds, seed=7):
    """A tree of ``rounds`` hidden rounds (``9 * rounds + 2`` sequences; 222 rounds: 2,000), the
    rounds after each round split as evenly as they go between the two ways on, (H, a0, b0) and
    (L, a1, b1), as in :func:`branching_rounds` (which has ``2**depth - 1`` rounds): a tree of any
    size in between, still about ``log2(rounds)`` rounds deep (``2**depth - 1`` rounds: the same
    tree, the same payoffs, as ``branching_rounds(depth)``)."""
    import random
    rng = random.Random(seed)
    names = iter(range(10**9))

    def pay():
        return terminal([rng.randint(-5, 5), rng.randint(-5, 5)])

    def build(k):
        if k == 0:
            return pay()
        node = next(names)
        on = {("H", "a0", "b0"): k // 2, ("L", "a1", "b1"): (k - 1) // 2}
        return chance({h: (Fraction(1, 2), decision("P1", {
            a: decision("P2", {b: (build(on[h, a, b]) if (h, a, b) in on else pay())
                               for b in ("b0", "b1", "b2")}, infoset=f"n{node}")
            for a in ("a0", "a1", "a2")}, infoset=f"n{node}{h}")) for h in ("H", "L")})
    return GameTree(build(rounds), players=["P1", "P2"])


def coordination_copies(k):
    """Chance picks one of ``k`` copies of a 2x2 coordination game (payoffs 2, 1 or 0 to both),
    each with probability ``1/k``: ``4k + 2`` sequences, ``3**k`` extreme equilibria (two pure
    and a mixed one a copy), and ``k`` independent parts
    (:mod:`deterrence.solvers.tree.independent_parts`)."""
    def stage(i):
        return decision("P1", {a: decision("P2", {b: terminal([2 if a == b == "x" else 1 if a == b else 0] * 2)
                                                   for b in "xy"}, infoset=f"b{i}")
                               for a in "xy"}, infoset=f"a{i}")
    return GameTree(chance({f"g{i}": (Fraction(1, k), stage(i)) for i in range(k)}), players=["P1", "P2"])


def gambit_time(path, repeats):
    if pygambit is None:
        return None
    game = pygambit.read_efg(str(path))
    return median_time(lambda: pygambit.nash.lcp_solve(game, rational=True), repeats)


def ours_refinement(path, method):
    """Our ``quasi_perfect`` or ``sequential`` equilibrium of the tree in ``path`` (exact, checked):
    player 1's payoff as a string."""
    from deterrence.solvers import solve
    return str(solve(read_efg(path), method)[0].payoffs[0])


def gambit_lcp_rational(path):
    """pygambit's lcp_solve(rational=True) on the tree in ``path``: its number of equilibria."""
    import pygambit
    return len(pygambit.nash.lcp_solve(pygambit.read_efg(str(path)), rational=True).equilibria)


def refinement_cases(depths=(4,)):
    """``[(name, tree, path)]``: Kuhn poker and the seeded branching trees written as .efg files."""
    cases = [("Kuhn poker", read_efg(ROOT / "games" / "kuhn_poker.efg"), ROOT / "games" / "kuhn_poker.efg")]
    tmp = Path(tempfile.mkdtemp())
    for d in depths:
        tree = branching_rounds(d)
        write_efg(tree, tmp / f"depth{d}.efg")
        cases.append((f"random tree, depth {d} (seed 7)", tree, tmp / f"depth{d}.efg"))
    return cases


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, nargs="*", default=[10, 40])
    ap.add_argument("--depths", type=int, nargs="*", default=[4, 5, 6, 7])
    ap.add_argument("--cards", type=int, nargs="*", default=[8, 10, 12],
                    help="generalised Kuhn poker with these numbers of cards (every extreme equilibrium listed)")
    args = ap.parse_args(argv)
    if pygambit is None:
        print("pygambit is not installed: timing only, no comparison")
    else:
        print(f"pygambit {pygambit.__version__}: lcp_solve(rational=True)")
    print(f"{'game':>26} {'sequences':>9} {'ours lcp':>10} {'ours all':>10} {'gambit lcp':>10} {'ratio':>7}")
    kuhn = read_efg(ROOT / "games" / "kuhn_poker.efg")
    cases = [("Kuhn poker", kuhn, ROOT / "games" / "kuhn_poker.efg", True)]
    tmp = Path(tempfile.mkdtemp())
    for cards in args.cards:
        tree = generalised_kuhn_poker(cards)
        path = tmp / f"kuhn{cards}.efg"
        write_efg(tree, path)
        cases.append((f"Kuhn poker, {cards} cards", tree, path, True))
    for r in args.rounds:
        tree = hidden_rounds(r)
        path = tmp / f"rounds{r}.efg"
        write_efg(tree, path)
        cases.append((f"hidden rounds x{r}", tree, path, False))
    for d in args.depths:
        tree = branching_rounds(d)
        path = tmp / f"depth{d}.efg"
        write_efg(tree, path)
        cases.append((f"branching rounds, depth {d}", tree, path, False))
    for name, tree, path, enumerate_all in cases:
        sf = sequence_form(tree)
        n = sum(sf.sizes)
        enumerate_all = enumerate_all or search_estimate(sf) <= DEFAULT_ESTIMATE
        if enumerate_all:
            count = len(sequence_form_equilibria(tree))
        ours = median_time(lambda t=tree: sequence_lcp(t), args.repeats)
        every = median_time(lambda t=tree: sequence_form_equilibria(t), args.repeats) if enumerate_all else None
        theirs = gambit_time(path, args.repeats)
        ratio = f"{theirs / ours:7.2f}" if theirs else "      -"
        listed = f"{count} extreme equilibria" if enumerate_all else ""
        print(f"{name:>26} {n:>9} {fmt(ours):>10} {fmt(every):>10} {fmt(theirs):>10} {ratio}  {listed}")


if __name__ == "__main__":
    main()
