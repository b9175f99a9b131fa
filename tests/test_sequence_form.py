"""The sequence form: Lemke (one equilibrium), vertex enumeration (every extreme
equilibrium) and the quasi-perfect refinement, cross-checked against the reduced
normal form, backward induction, brute force and (where installed) pygambit."""
import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peer import HAVE_PEER_GAMES, PEER_DIR
from tree_helpers import coordination_copies, real_tree_reader  # noqa: F401 (autouse fixture)

from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.io.gambit_efg import read_efg
from deterrence.solvers import solve
from deterrence.solvers.certify import is_equilibrium
from deterrence.solvers.tree.backward_induction import subgame_perfect
from deterrence.solvers.tree.quasi_perfect import quasi_perfect
from deterrence.solvers.tree.reduced_normal_form import (
    expected_payoffs,
    reduced_normal_form,
)
from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
from deterrence.solvers.tree.sequence_form import (
    certify_plans,
    plan_from_behaviour,
    sequence_form,
)
from deterrence.solvers.tree.sequence_lcp import sequence_lcp

ROOT = Path(__file__).resolve().parents[1]
KUHN = ROOT / "games" / "kuhn_poker.efg"


def kuhn():
    return read_efg(KUHN)


# -- helpers: the reduced normal form as an independent oracle -------------------------
def mixed_from_behaviour(tree, nf, i, behaviour):
    """Kuhn's theorem: the mixed strategy over reduced strategies of a behaviour strategy."""
    out = []
    for strat in nf.extra["strategies"][i]:
        p = Fraction(1)
        for name, move in strat.items():
            p *= Fraction(behaviour[(tree.players[i], name)][move])
        out.append(p)
    return tuple(out)


def plan_from_mixed(sf, nf, i, mixed):
    plan = []
    for seq in sf.sequences[i]:
        plan.append(sum((q for q, strat in zip(mixed, nf.extra["strategies"][i])
                         if all(strat.get(h) == a for h, a in seq)), Fraction(0)))
    return plan


def check_against_normal_form(tree, result):
    """Each equilibrium is a Nash equilibrium of the reduced normal form (exact check),
    its payoffs are those of its behaviour strategies, and each player's best and
    worst equilibrium payoffs agree with the normal-form enumeration."""
    nf = reduced_normal_form(tree)
    for eq in result:
        assert expected_payoffs(tree, eq.behaviour) == eq.payoffs
        mixed = [mixed_from_behaviour(tree, nf, i, eq.behaviour) for i in range(2)]
        assert is_equilibrium(nf, mixed)
    return nf


# -- Kuhn poker -------------------------------------------------------------------------
def test_kuhn_poker_every_extreme_equilibrium():
    tree = kuhn()
    result = sequence_form_equilibria(tree)
    assert result.complete and result.exact and len(result) >= 1
    sf = sequence_form(tree)
    for eq in result:
        assert eq.payoffs == (Fraction(-1, 18), Fraction(1, 18))
        x = plan_from_behaviour(sf, 0, {s.name: eq.behaviour[s.key] for s in tree.infosets_of(0)})
        y = plan_from_behaviour(sf, 1, {s.name: eq.behaviour[s.key] for s in tree.infosets_of(1)})
        assert certify_plans(sf, x, y) == eq.payoffs
    # Kuhn (1950): player 2's equilibrium strategy is unique; player 1 bets the Jack with any
    # probability a in [0, 1/3], calls with the Queen with a + 1/3 and bets the King with 3a:
    # the extreme equilibria are a = 0 and a = 1/3
    bets = sorted(eq.behaviour[("Player 1", "1:1")]["Bet"] for eq in result)
    assert bets == [0, Fraction(1, 3)]
    for eq in result:
        a = eq.behaviour[("Player 1", "1:1")]["Bet"]
        assert eq.behaviour[("Player 1", "1:5")]["Call"] == a + Fraction(1, 3)
        assert eq.behaviour[("Player 1", "1:3")]["Bet"] == 3 * a
        assert eq.behaviour[("Player 2", "2:2")]["Call"] == Fraction(1, 3)   # Queen facing a bet
        assert eq.behaviour[("Player 2", "2:4")]["Bet"] == Fraction(1, 3)    # Jack after a check


def test_kuhn_poker_lemke_and_quasi_perfect():
    tree = kuhn()
    one = sequence_lcp(tree)
    assert len(one) == 1 and one[0].payoffs == (Fraction(-1, 18), Fraction(1, 18))
    assert expected_payoffs(tree, one[0].behaviour) == one[0].payoffs
    qp = quasi_perfect(tree)[0]
    assert qp.payoffs == (Fraction(-1, 18), Fraction(1, 18))
    # never fold a King, reached or not
    assert qp.behaviour[("Player 1", "1:6")]["Call"] == 1
    assert qp.behaviour[("Player 2", "2:3")]["Call"] == 1
    check_against_normal_form(tree, [qp])


def test_cli_json_shape():
    out = subprocess.run([sys.executable, "-m", "deterrence.cli", "solve", str(KUHN), "--method",
                          "sequence_form", "--json"], capture_output=True, text=True, cwd=ROOT, check=True)
    data = json.loads(out.stdout)
    assert data["complete"] is True and data["method"] == "sequence_form"
    assert data["equilibria"]
    for eq in data["equilibria"]:
        assert eq["payoffs"] == ["-1/18", "1/18"]
        assert set(eq["strategies"]) == {"Player 1", "Player 2"}
        keys = set(eq["strategies"]["Player 1"]["behaviour"]) | set(eq["strategies"]["Player 2"]["behaviour"])
        assert keys == {f"{p}:{i}" for p in (1, 2) for i in range(1, 7)}
        for dist in eq["strategies"]["Player 1"]["behaviour"].values():
            assert sum(Fraction(v) for v in dist.values()) == 1
    out = subprocess.run([sys.executable, "-m", "deterrence.cli", "solve", str(KUHN), "--method",
                          "sequence_lcp", "--json"], capture_output=True, text=True, cwd=ROOT, check=True)
    data = json.loads(out.stdout)
    assert len(data["equilibria"]) == 1 and data["equilibria"][0]["payoffs"] == ["-1/18", "1/18"]
    assert data["equilibria"][0]["strategies"]["Player 2"]["behaviour"]["2:3"] == {"Fold": "0", "Call": "1"}


def test_front_door_and_bad_input():
    import pytest

    from deterrence.errors import GameError
    assert solve(kuhn(), "sequence_lcp")[0].payoffs[0] == Fraction(-1, 18)
    three = GameTree(decision("A", {"x": terminal([1, 2, 3])}), players=["A", "B", "C"])
    with pytest.raises(GameError, match="two-player"):
        sequence_lcp(three)


# -- random trees -------------------------------------------------------------------------
@st.composite
def random_trees(draw, max_depth=3, perfect_information=False, zero_sum=False, bound=3):
    """Two-player trees with perfect recall: a node's information set is named by the
    player's own history and (sometimes, or always with perfect information) the path;
    ``zero_sum``: player 2's payoff is minus player 1's; payoffs in ``-bound..bound``."""
    sizes = {}

    def node(path, hist, depth):
        kind = draw(st.sampled_from(["t", "1", "2", "c"] if depth < max_depth else ["t"]))
        if kind == "t" or (depth == 0 and kind == "t"):
            first = draw(st.integers(-bound, bound))
            return terminal([first, -first if zero_sum else draw(st.integers(-bound, bound))])
        if kind == "c":
            k = draw(st.integers(2, 2))
            w = draw(st.integers(1, 3))
            return chance({f"c{j}": (Fraction(w if j == 0 else 4 - w, 4), node(path + (f"c{j}",), hist, depth + 1))
                           for j in range(k)})
        p = int(kind) - 1
        seen = perfect_information or draw(st.booleans())
        name = f"{kind}|{'/'.join(hist[p])}|{'/'.join(path) if seen else ''}"
        if name not in sizes:
            sizes[name] = draw(st.integers(2, 3))
        moves = {}
        for j in range(sizes[name]):
            a = f"a{j}"
            new = [list(hist[0]), list(hist[1])]
            new[p] = new[p] + [f"{name}:{a}"]
            moves[a] = node(path + (a,), new, depth + 1)
        return decision(f"P{kind}", moves, infoset=name)

    root = node((), [[], []], 0)
    return GameTree(root, players=["P1", "P2"])


SLOW = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


@SLOW
@given(random_trees())
def test_random_trees_agree_with_reduced_normal_form(tree):
    every = sequence_form_equilibria(tree)
    assert every.complete and len(every) >= 1
    nf = check_against_normal_form(tree, every)
    one = sequence_lcp(tree)
    check_against_normal_form(tree, one)
    check_against_normal_form(tree, quasi_perfect(tree))
    # the best and worst equilibrium payoff of each player: a linear function is extreme
    # at extreme equilibria, in either representation
    if len(nf.actions[0]) * len(nf.actions[1]) <= 64:
        nf_eqs = solve(nf, "enumerate")
        sf = sequence_form(tree)
        for e in nf_eqs:
            x, y = (plan_from_mixed(sf, nf, i, e.strategies[i]) for i in range(2))
            assert certify_plans(sf, x, y) == tuple(e.payoffs)
        for i in range(2):
            assert max(e.payoffs[i] for e in every) == max(e.payoffs[i] for e in nf_eqs)
            assert min(e.payoffs[i] for e in every) == min(e.payoffs[i] for e in nf_eqs)
        # the Lemke equilibrium is an extreme one: its plans are among the enumerated
        assert one[0].payoffs in {e.payoffs for e in every}


@SLOW
@given(random_trees(perfect_information=True))
def test_perfect_information_contains_backward_induction(tree):
    every = {e.payoffs for e in sequence_form_equilibria(tree)}
    spe = subgame_perfect(tree)
    assert any(e.payoffs in every for e in spe)
    # a quasi-perfect equilibrium is subgame perfect: with perfect information its moves are
    # optimal everywhere, so its payoffs are those of a subgame-perfect equilibrium when
    # there are no ties ... and in any case it is a Nash equilibrium of every subgame
    qp = quasi_perfect(tree)[0]
    from deterrence.solvers.tree.backward_induction import is_subgame_perfect
    if qp.is_pure:
        moves = {k: next(a for a, p in d.items() if p == 1) for k, d in qp.behaviour.items()}
        assert is_subgame_perfect(tree, moves)


def test_entry_deterrence_sets_and_threats():
    from deterrence.io import load_game
    tree = load_game("entry_deterrence").with_defaults()
    every = sequence_form_equilibria(tree)
    assert {e.payoffs for e in every} == {(1, 1), (0, 2)}
    qp = quasi_perfect(tree)[0]
    assert qp.move("Incumbent", "in") == "accommodate"    # the threat to fight is not credible


def hidden_rounds(rounds, seed=7):
    """Rounds of a hidden card: chance deals H or L to player 1, who bets a0..a2; player 2,
    not seeing the card, answers b0..b2; play goes on after H, a0, b0 (perfect recall)."""
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


def test_hundreds_of_sequences_one_equilibrium():
    tree = hidden_rounds(40)
    sf = sequence_form(tree)
    assert sf.sizes[0] > 200 and sf.sizes[1] > 100
    eq = sequence_lcp(tree)[0]
    assert expected_payoffs(tree, eq.behaviour) == eq.payoffs


# -- pygambit, where installed --------------------------------------------------------------
try:
    import pygambit
except ImportError:        # the cross-check below is defined only when pygambit is there
    pygambit = None

if pygambit is not None:
    def gambit_lcp(game):
        """pygambit's one LCP equilibrium (its result type varies across versions and games)."""
        res = pygambit.nash.lcp_solve(game, rational=True)
        eq = getattr(res, "equilibrium", None)
        return eq if eq is not None else res.equilibria[0]

    def gambit_payoff(profile, player):
        value = profile.payoffs[player] if hasattr(profile, "payoffs") else profile.payoff(player)
        return Fraction(str(value))

    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(random_trees())
    def test_pygambit_lcp_payoffs_are_an_extreme_equilibrium(tree):
        from hypothesis import assume
        assume(all(tree.infosets_of(p) for p in tree.players))   # pygambit's result differs otherwise
        import tempfile

        from deterrence.io.gambit_efg import write_efg
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "t.efg"
            write_efg(tree, path)
            game = pygambit.read_efg(str(path))
        theirs = gambit_lcp(game)
        pay = tuple(gambit_payoff(theirs, p) for p in tree.players)
        ours = sequence_form_equilibria(tree)
        assert pay in {e.payoffs for e in ours}

    def test_pygambit_kuhn_value():
        game = pygambit.read_efg(str(KUHN))
        theirs = gambit_lcp(game)
        assert gambit_payoff(theirs, "Player 1") == sequence_lcp(kuhn())[0].payoffs[0]


# -- the Gambit example trees, where present --------------------------------------------------
if HAVE_PEER_GAMES:
    def test_peer_trees_against_reduced_normal_form():
        for name in ("poker.efg", "e04.efg", "fig4_2.efg", "sww1.efg", "entry_accommodation.efg"):
            tree = read_efg(PEER_DIR / "gambit" / name)
            every = sequence_form_equilibria(tree)
            nf = check_against_normal_form(tree, every)
            nf_eqs = solve(nf, "enumerate")
            for i in range(2):
                assert max(e.payoffs[i] for e in every) == max(e.payoffs[i] for e in nf_eqs), name
                assert min(e.payoffs[i] for e in every) == min(e.payoffs[i] for e in nf_eqs), name
            check_against_normal_form(tree, sequence_lcp(tree))
            check_against_normal_form(tree, quasi_perfect(tree))

    def test_peer_poker_value():
        # Myerson's one-card poker: value 1/3 to Alice (Myerson 1991, sec. 4.2)
        every = sequence_form_equilibria(read_efg(PEER_DIR / "gambit" / "poker.efg"))
        assert {e.payoffs for e in every} == {(Fraction(1, 3), Fraction(-1, 3))}


def test_tree_results_carry_notes_not_actions():
    """Tree results have no normal-form action lists: the solver's note is a note (the JSON once
    spelled it out letter by letter as "actions")."""
    import deterrence as dt
    kuhn = dt.load_game("kuhn_poker")
    for method in ("sequence_form", "sequence_lcp"):
        result = dt.solve(kuhn, method)
        assert result.actions == () and "actions" not in result.to_json()
        assert result.notes and all(isinstance(n, str) and len(n) > 20 for n in result.notes)


def test_vertex_search_guard_names_its_limit():
    from deterrence.errors import TooLargeError
    from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
    with pytest.raises(TooLargeError, match="passed 3 nodes"):
        sequence_form_equilibria(kuhn(), limit=3, search="branching")


def test_default_solve_of_kuhn_poker_falls_back_to_the_sequence_form():
    """The reduced normal form of Kuhn poker (27 x 64) is past the enumeration's guard:
    subgame perfection (the default for trees) solves its one subgame by the sequence form."""
    from deterrence import solve
    from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
    tree = kuhn()
    default = solve(tree)
    direct = sequence_form_equilibria(tree)
    assert default.method == "subgame_perfect" and default.complete
    assert {e.payoffs for e in default} == {(Fraction(-1, 18), Fraction(1, 18))}
    assert sorted(map(repr, (e.behaviour for e in default))) == sorted(map(repr, (e.behaviour for e in direct)))
    assert any("sequence form" in note for note in default.notes)


def hidden_round_tree(depth, payoff=None):
    """A binary tree of hidden rounds (chance deals H or L to P1, who moves a0..a2; P2 answers
    b0..b2 unseeing; play goes on after (H, a0, b0) and (L, a1, b1)): 137 sequences at depth 4.
    ``payoff()``: the next leaf's pair (default: a fixed cycle of small integers); with
    ``random.Random(7)``'s ``randint(-5, 5)`` twice it is the benchmark's ``branching_rounds(depth)``."""
    counter = iter(range(10**6))
    if payoff is None:
        def payoff():
            return [next(counter) % 7 - 3, next(counter) % 5 - 2]

    def build(k):
        if k == 0:
            return terminal(payoff())
        node = next(counter)
        return chance({h: (Fraction(1, 2), decision("P1", {
            a: decision("P2", {b: (build(k - 1) if (h, a, b) in {("H", "a0", "b0"), ("L", "a1", "b1")}
                                   else terminal(payoff()))
                               for b in ("b0", "b1", "b2")}, infoset=f"n{node}")
            for a in ("a0", "a1", "a2")}, infoset=f"n{node}{h}")) for h in ("H", "L")})
    return GameTree(build(depth), players=["P1", "P2"])


def test_size_guard_refuses_hopeless_trees_before_any_pivot(monkeypatch):
    """The branching search (search="branching"; the default route takes such trees by their
    maximal Nash subsets) refuses a 137-sequence tree at once by the estimate, naming the limit
    that lifts the guard; an explicit limit starts the search."""
    from deterrence.errors import GameError, TooLargeError
    from deterrence.solvers.tree import sequence_branching, sequence_enumeration
    tree = hidden_round_tree(4)
    sf = sequence_form(tree)
    assert sum(sf.sizes) == 137
    estimate = sequence_enumeration.search_estimate(sf)
    assert estimate > sequence_enumeration.TRIAL_ESTIMATE

    def no_search(*args):
        raise AssertionError("the guard let the search start")
    monkeypatch.setattr(sequence_branching, "branching_equilibrium_plans", no_search)
    from deterrence.core.numbers import format_approx
    assert estimate > 10**30                        # the message rounds it (review 45: 32 digits in full)
    rounded = re.escape(format_approx(estimate, 3))
    with pytest.raises(TooLargeError, match=f"137 sequences.*up to about {rounded} pairs of supports.*limit="):
        sequence_form_equilibria(tree, search="branching")
    monkeypatch.undo()
    with pytest.raises(TooLargeError, match="passed 40 nodes"):      # an explicit limit lifts the guard
        sequence_form_equilibria(tree, limit=40, search="branching")
    with pytest.raises(GameError, match="positive integer"):
        sequence_form_equilibria(tree, limit=0)
    assert sequence_enumeration.search_estimate(sequence_form(kuhn())) <= sequence_enumeration.DEFAULT_ESTIMATE


def test_size_guard_from_the_command_line(tmp_path, capsys):
    from deterrence.cli import main
    from deterrence.io.gambit_efg import write_efg
    path = tmp_path / "rounds.efg"
    write_efg(hidden_round_tree(4), path)
    assert main(["solve", str(path), "--method", "sequence_form", "-o", "search=branching"]) == 2
    err = capsys.readouterr().err
    assert "137 sequences" in err and "pass --limit " in err and "sequence_lcp" in err


def test_the_trial_refusal_from_the_command_line(tmp_path, capsys, monkeypatch):
    """A tree given a trial that runs out: the command line names the trial and --limit."""
    from deterrence.cli import main
    from deterrence.io.gambit_efg import write_efg
    from deterrence.solvers.tree import sequence_enumeration
    path = tmp_path / "rounds.efg"
    write_efg(hidden_round_tree(2), path)
    monkeypatch.setattr(sequence_enumeration, "DEFAULT_ESTIMATE", 10)
    monkeypatch.setattr(sequence_enumeration, "TRIAL_NODES", 5)
    assert main(["solve", str(path), "--method", "sequence_form", "-o", "search=branching"]) == 2
    err = capsys.readouterr().err
    assert "29 sequences" in err and "trial of 5 nodes" in err and "pass --limit " in err and "limit=" not in err


def test_a_tree_over_the_estimate_is_tried_with_the_trial_limit(monkeypatch):
    """For the branching search (search="branching"), an estimate between DEFAULT_ESTIMATE and
    TRIAL_ESTIMATE is not refused at once: the search runs with TRIAL_NODES nodes and, when it
    finishes, gives the default answer; when it does not, the refusal says that the trial ran out
    and how to search further."""
    from deterrence.errors import TooLargeError
    from deterrence.solvers.tree import sequence_branching, sequence_enumeration
    tree = hidden_round_tree(2)
    estimate = sequence_enumeration.search_estimate(sequence_form(tree))
    assert estimate <= sequence_enumeration.DEFAULT_ESTIMATE
    expected = sequence_form_equilibria(tree)
    limits = []
    real = sequence_branching.branching_equilibrium_plans

    def recorded(sf, limit, progress=None):
        limits.append(limit)
        return real(sf, limit, progress)
    monkeypatch.setattr(sequence_branching, "branching_equilibrium_plans", recorded)
    monkeypatch.setattr(sequence_enumeration, "DEFAULT_ESTIMATE", estimate - 1)     # now over it
    tried = sequence_form_equilibria(tree, search="branching")
    assert limits == [sequence_enumeration.TRIAL_NODES]
    assert [e.behaviour for e in tried] == [e.behaviour for e in expected] and tried.complete
    monkeypatch.setattr(sequence_enumeration, "TRIAL_NODES", 5)
    with pytest.raises(TooLargeError, match=r"\(29 sequences\).*trial of 5 nodes.*did not finish.*limit="):
        sequence_form_equilibria(tree, search="branching")
    monkeypatch.setattr(sequence_enumeration, "TRIAL_ESTIMATE", estimate - 1)      # over both: at once
    limits.clear()
    with pytest.raises(TooLargeError, match="may meet up to"):
        sequence_form_equilibria(tree, search="branching")
    assert limits == []


def test_more_equilibria_than_listed_by_default_are_refused_with_their_count(monkeypatch):
    """Over DEFAULT_PAIRS extreme equilibria are refused with their count before they are
    certified; an explicit limit (nodes, and as many equilibria) lists them."""
    from deterrence.errors import TooLargeError
    from deterrence.io import load_game
    from deterrence.solvers.tree import sequence_enumeration, sequence_zero_sum
    tree = load_game("entry_deterrence").with_defaults()
    assert len(sequence_form_equilibria(tree)) == 3
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 2)
    real = sequence_enumeration.nash_equilibrium_from_plans

    def no_certificate(*args):
        raise AssertionError("certified before the count was checked")
    monkeypatch.setattr(sequence_enumeration, "nash_equilibrium_from_plans", no_certificate)
    with pytest.raises(TooLargeError, match="has 3 extreme equilibria.*over the 2 certified.*by default.*limit="):
        sequence_form_equilibria(tree)
    monkeypatch.setattr(sequence_enumeration, "nash_equilibrium_from_plans", real)
    assert len(sequence_form_equilibria(tree, limit=1000)) == 3       # limit: nodes, and the count
    # an explicit limit under the count (the search let finish here): the cap it sets is named
    from deterrence.solvers.tree import sequence_branching
    real_search = sequence_branching.branching_equilibrium_plans
    monkeypatch.setattr(sequence_branching, "branching_equilibrium_plans",
                        lambda sf, limit, progress=None: real_search(sf, 1000, progress))
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 1)
    with pytest.raises(TooLargeError, match="over the 2 certified and listed with this limit.*limit=3"):
        sequence_form_equilibria(tree, limit=2)


@SLOW
@given(random_trees())
def test_search_estimate_counts_the_support_pairs(tree):
    """The guard's estimate counts the pairs of supports the plans can have: at least the
    supports of the extreme equilibria found."""
    from deterrence.solvers.tree import sequence_enumeration as se
    sf = sequence_form(tree)
    found = {tuple(tuple(v > 0 for v in plan) for plan in pair)
             for pair in se.extreme_equilibrium_plans(sf)}
    assert 1 <= len(found) <= se.search_estimate(sf)


def test_search_estimate_of_kuhn_poker_by_hand():
    """Player 1, each card: bet, or check and then fold, call or either (1 + 3 + 3 = 7
    supports); player 2, each card: after a bet fold, call or either, after a check the same
    (3 x 3): 7**3 * 9**3."""
    from deterrence.solvers.tree.sequence_enumeration import search_estimate
    assert search_estimate(sequence_form(kuhn())) == 7**3 * 9**3


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_extreme_equilibria_of_independent_subgames_multiply(k):
    """Why no method can list every extreme equilibrium of every tree with hundreds of
    sequences: with each copy reached by chance alone, the best-response polyhedra are products
    of the copies' and so are their completely labelled vertex pairs, 3 ** k of them (two pure
    equilibria and a mixed one a copy): 3 ** 50, about 7e23, at 202 sequences. The whole
    tree's search (not split into parts: test_independent_parts) finds the product."""
    tree = coordination_copies(k)
    assert sum(sequence_form(tree).sizes) == 4 * k + 2
    result = sequence_form_equilibria(tree, search="branching")
    assert result.complete and len(result.equilibria) == 3 ** k
    per_copy = {tuple(sorted((name, tuple(sorted(d.items()))) for (_, name), d in eq.behaviour.items()
                             if name.endswith(str(i)))) for eq in result for i in range(k)}
    assert len(per_copy) == 3 * k                     # every combination of the copies' three


def test_payoffs_of_very_different_sizes_get_a_clear_refusal_and_the_exact_lcp_still_answers(tmp_path):
    """An error review (stop 39): a Kuhn poker payoff of 10^16 beside 1 made HiGHS's model (highspy,
    the fast extra) report an optimum without duals, and the sequence-form search failed with an
    IndexError traceback (through the API: "bad arguments"). With highspy the search now says why
    and what works: Lemke's algorithm, exact, answers. (Without highspy, as in CI, the probes go
    through scipy and the search answers, in about 70 s: too slow to run here.)"""
    from deterrence.errors import SolverError
    from deterrence.io import load_game
    from deterrence.io.catalogue import catalogue_dir
    text = (catalogue_dir() / "kuhn_poker.efg").read_text()
    path = tmp_path / "kuhn16.efg"
    path.write_text(text.replace("{ -1, 1 }", "{ 10000000000000000, 1 }", 1))
    game = load_game(path)
    (eq,) = solve(game, "sequence_lcp").equilibria
    assert eq.payoffs == (Fraction(15000000000000001, 9), Fraction(1, 18))
    try:
        import highspy  # noqa: F401
    except ImportError:
        return
    with pytest.raises(SolverError, match=r"rescale the payoffs, or ask for one equilibrium \(method='sequence_lcp'"):
        solve(game, "sequence_form")


def test_certify_plans_refuses_what_is_not_a_realisation_plan():
    """A plan must be >= 0, start at 1 and split each parent's weight among its children:
    [1, 2, -1] meets the equations but not the signs, [1, 1, 1] and [2, 1, 1] not the equations;
    either player's plan is checked."""
    from deterrence.errors import SolverError
    from deterrence.models.entry_deterrence import entry_deterrence
    from deterrence.solvers.tree.sequence_form import certify_plans, sequence_form
    sf = sequence_form(entry_deterrence())
    assert certify_plans(sf, [1, 0, 1], [1, 0, 1]) == (1, 1)
    for bad in ([1, 2, -1], [1, 1, 1], [2, 1, 1], [1, -1, 2]):
        for x, y, who in ((bad, [1, 0, 1], "Entrant"), ([1, 0, 1], bad, "Incumbent")):
            with pytest.raises(SolverError, match=f"the plan of {who} is not a realisation plan"):
                certify_plans(sf, x, y)
