"""Mixed perfect Bayesian equilibria of signalling games and the intuitive criterion:
the catalogue's textbook claims, and cross-checks against the pure-PBE search and the
Nash equilibrium property on random signalling games."""
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peer import HAVE_PEER_GAMES, PEER_DIR
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.io import load_game
from deterrence.solvers.tree.bayesian import perfect_bayesian_equilibria
from deterrence.solvers.tree.reduced_normal_form import expected_payoffs
from deterrence.solvers.tree.sequence_form import (
    certify_plans,
    plan_from_behaviour,
    sequence_form,
)
from deterrence.solvers.tree.signalling import signalling_equilibria, signalling_game


def pooled_message(e):
    return next(m for m, q in next(iter(e.sender.values())).items() if q == 1)


def check_claims(name):
    tree = load_game(name)
    claims = tree.claims
    found = signalling_equilibria(tree)
    assert len(found) == claims["pbe_families"]
    assert sorted(e.kind for e in found) == sorted(claims["pbe_kinds"])
    assert sorted(pooled_message(e) for e in found if e.kind == "pooling") == sorted(claims["pooling_messages"])
    survivors = [pooled_message(e) if e.kind == "pooling" else e.kind for e in found if e.intuitive]
    assert survivors == claims["intuitive"]
    return tree, found


def as_behaviour(tree, e, off_choice=0):
    """The tree behaviour of a PBE family (off the path: one of its extreme responses)."""
    g = signalling_game(tree)
    beh = {}
    for t in g.types:
        beh[(g.sender, tree.infoset_of((t,)).name)] = e.sender[t]
    for m in g.messages:
        key = (g.receiver, tree.infoset_of((g.types[0], m)).name)
        beh[key] = e.receiver[m] if m in e.receiver else e.off_path[m][off_choice][0]
    return beh


def is_nash(tree, beh):
    sf = sequence_form(tree)
    plans = [plan_from_behaviour(sf, i, {s.name: beh[s.key] for s in tree.infosets_of(i)}) for i in range(2)]
    return certify_plans(sf, *plans) == expected_payoffs(tree, beh)


def test_beer_quiche_textbook_answer():
    tree, found = check_claims("beer_quiche")
    beer = next(e for e in found if pooled_message(e) == "beer")
    # after quiche (unsent) B duels; duelling for sure needs a belief of at least 1/2 on weak
    assert {tuple(v) for d, verts in beer.off_path["quiche"] for v in verts if d["duel"] == 1} \
        == {(1, 0), (Fraction(1, 2), Fraction(1, 2))}
    assert beer.beliefs["beer"] == {"weak": Fraction(1, 10), "strong": Fraction(9, 10)}
    assert beer.payoffs == {"weak": 2, "strong": 3}
    for e in found:
        for k in range(len(next(iter(e.off_path.values())))):
            assert is_nash(tree, as_behaviour(tree, e, k))


def test_deterrence_signalling_textbook_answer():
    tree, found = check_claims("deterrence_signalling")
    sep = next(e for e in found if e.kind == "separating")
    assert sep.sender["resolute"]["mobilise"] == 1 and sep.sender["irresolute"]["stay"] == 1
    assert sep.receiver == {"mobilise": {"challenge": 0, "no_challenge": 1},
                            "stay": {"challenge": 1, "no_challenge": 0}}
    pool = next(e for e in found if e.kind == "pooling")
    # a mobilisation must be read as irresolute enough: belief in resolve at most 1/3
    assert max(v[0] for _, verts in pool.off_path["mobilise"] for v in verts) == Fraction(1, 3)
    assert is_nash(tree, as_behaviour(tree, sep)) and is_nash(tree, as_behaviour(tree, pool))


@st.composite
def signalling_trees(draw):
    types = ["t0", "t1"]
    messages = ["m0", "m1"]
    responses = ["r0", "r1"]
    w = draw(st.integers(1, 4))
    prior = {"t0": Fraction(w, 5), "t1": Fraction(5 - w, 5)}
    pay = st.integers(-2, 2)
    root = chance({t: (prior[t], decision("S", {
        m: decision("R", {r: terminal([draw(pay), draw(pay)]) for r in responses}, infoset=f"after_{m}")
        for m in messages}, infoset=t)) for t in types})
    return GameTree(root, players=["S", "R"])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(signalling_trees())
def test_random_signalling_games(tree):
    found = signalling_equilibria(tree)
    assert found                         # a finite game has a PBE (a sequential equilibrium)
    for e in found:
        for k in range(max([len(v) for v in e.off_path.values()] or [1])):
            assert is_nash(tree, as_behaviour(tree, e, k))
    # every pure PBE of the old pure search is in one of the families
    g = signalling_game(tree)
    for old in perfect_bayesian_equilibria(tree):
        sender = {t: old.moves[(g.sender, tree.infoset_of((t,)).name)] for t in g.types}
        match = [e for e in found if all(e.sender[t][sender[t]] == 1 for t in g.types)]
        assert match
        sent = set(sender.values())
        assert any(all(e.receiver[m][old.moves[(g.receiver, f"after_{m}")]] == 1 for m in sent) for e in match)


def test_front_door_and_cli():
    import json
    import subprocess
    import sys
    from pathlib import Path

    from deterrence.solvers import solve
    assert len(solve(load_game("beer_quiche"), "signalling_pbe")) == 2
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "deterrence.cli", "solve", "games/beer_quiche.toml",
                          "--method", "signalling_pbe", "--json"], capture_output=True, text=True,
                         cwd=root, check=True)
    data = json.loads(out.stdout)
    assert data["complete"] is True
    assert sorted((e["kind"], e["intuitive"]) for e in data["equilibria"]) == [("pooling", False), ("pooling", True)]


def test_a_semi_separating_equilibrium_mixes_to_the_receivers_indifference():
    # Type t2 (prior 1/3) always gains from m2 when it is answered with a; type t1 gets 1 from m1
    # and 2 from an m2 answered with a. The receiver answers m2 with a only if t2 is at least
    # as likely as t1. By hand: t1 sends m2 with probability 1/2 (belief in t2 after m2 = 1/2),
    # the receiver answers a with probability 1/2 (t1 indifferent: 2 * 1/2 = 1); and pooling on
    # m1 with m2 answered by b (every type would gain from m2 at best, so it is intuitive).
    def receiver(m, t):
        if m == "m1":      # m1 is answered by b in any case (a costs the receiver 1)
            sender = {"t1": 1, "t2": 0}[t]
            return {"a": terminal([sender, -1]), "b": terminal([sender, 0])}
        return {"a": terminal([2, 1 if t == "t2" else -1]), "b": terminal([0, 0])}
    prior = {"t1": Fraction(2, 3), "t2": Fraction(1, 3)}
    root = chance({t: (prior[t], decision("S", {m: decision("R", receiver(m, t), infoset=f"after_{m}")
                                                for m in ("m1", "m2")}, infoset=t)) for t in prior})
    tree = GameTree(root, players=["S", "R"])
    found = signalling_equilibria(tree)
    assert sorted(e.kind for e in found) == ["pooling", "semi-separating"]
    semi = next(e for e in found if e.kind == "semi-separating")
    half = Fraction(1, 2)
    assert semi.sender["t1"] == {"m1": half, "m2": half} and semi.sender["t2"]["m2"] == 1
    assert semi.receiver["m2"]["a"] == half and semi.receiver["m1"]["b"] == 1
    assert semi.beliefs["m2"]["t2"] == half
    pool = next(e for e in found if e.kind == "pooling")
    assert pooled_message(pool) == "m1" and pool.intuitive
    assert is_nash(tree, as_behaviour(tree, semi)) and is_nash(tree, as_behaviour(tree, pool))


def test_text_and_json_show_the_receivers_beliefs_by_type():
    """The CLI's text names the beliefs (Bayes' rule after a sent message, the supporting
    range after an unsent one), and the JSON keys every belief by type: the text had shown
    no beliefs at all, and the JSON's off-path beliefs were bare lists in an unstated order."""
    import json

    from deterrence.solvers import solve
    result = solve(load_game("beer_quiche"), "signalling_pbe")
    text = result.to_text()
    beer = next(e for e in result if pooled_message(e) == "beer")
    assert "after beer: no_duel (believing 1/10 weak + 9/10 strong)" in beer.describe()
    assert "after quiche (unsent): duel (believing weak up to 1/2 weak + 1/2 strong)" in text
    shown = next(e for e in json.loads(json.dumps(result.to_json()))["equilibria"] if e["intuitive"])
    duel = next(o for o in shown["off_path"]["quiche"] if o["response"]["duel"] == "1")
    assert duel["beliefs"] == [{"weak": "1", "strong": "0"}, {"weak": "1/2", "strong": "1/2"}]
    assert shown["beliefs"] == {"beer": {"weak": "1/10", "strong": "9/10"}}


@st.composite
def trees_with_a_message_that_ends_the_game(draw):
    """Like signalling_trees, but message m1 ends the game (the receiver never sees it)."""
    w = draw(st.integers(1, 4))
    prior = {"t0": Fraction(w, 5), "t1": Fraction(5 - w, 5)}
    pay = st.integers(-2, 2)
    root = chance({t: (prior[t], decision("S", {
        "m0": decision("R", {r: terminal([draw(pay), draw(pay)]) for r in ("r0", "r1")}, infoset="after_m0"),
        "m1": terminal([draw(pay), draw(pay)])}, infoset=t)) for t in ("t0", "t1")})
    return GameTree(root, players=["S", "R"])


def as_behaviour_ending(tree, e, off_choice=0):
    """The tree behaviour of a PBE family whose message m1 ends the game."""
    beh = {("S", t): e.sender[t] for t in ("t0", "t1")}
    beh[("R", "after_m0")] = e.receiver["m0"] if "m0" in e.receiver else e.off_path["m0"][off_choice][0]
    return beh


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(trees_with_a_message_that_ends_the_game())
def test_a_message_that_ends_the_game(tree):
    """A message after which the receiver does not move (fold, stay out) had been refused
    ("the receiver must move"); its PBE are Nash equilibria of the tree, the receiver has no
    response or belief there, and every PBE family's payoffs are certified by the sequence form."""
    found = signalling_equilibria(tree)
    assert found
    for e in found:
        assert "m1" not in e.receiver and "m1" not in e.beliefs and "m1" not in e.off_path
        for k in range(max([len(v) for v in e.off_path.values()] or [1])):
            assert is_nash(tree, as_behaviour_ending(tree, e, k))


def test_a_message_must_end_the_game_for_every_type_or_none():
    import pytest

    from deterrence.errors import GameError
    root = chance({"t0": ("1/2", decision("S", {"m0": decision("R", {"r": terminal([0, 0])}, infoset="a0"),
                                                "m1": terminal([1, 1])}, infoset="t0")),
                   "t1": ("1/2", decision("S", {"m0": decision("R", {"r": terminal([0, 0])}, infoset="a0"),
                                                "m1": decision("R", {"r": terminal([0, 0])}, infoset="a1")},
                                          infoset="t1"))})
    with pytest.raises(GameError, match="message 'm1' ends the game for some types but not after type 't1'"):
        signalling_equilibria(GameTree(root, players=["S", "R"]))


if HAVE_PEER_GAMES:
    def test_myersons_one_card_poker_is_a_signalling_game():
        """Gambit's poker.efg (Myerson 1991, sec. 4.2): Alice raises with the King, bluffs with
        the Queen 1/3 of the time, Bob meets 2/3 of raises believing King with 3/4; Alice's
        value 1/3, as the sequence form finds. It had been refused (a fold ends the game)."""
        tree = load_game(str(PEER_DIR / "gambit" / "poker.efg"))
        (e,) = signalling_equilibria(tree)
        assert e.kind == "semi-separating" and e.intuitive
        assert e.sender == {"King": {"Raise": 1, "Fold": 0},
                            "Queen": {"Raise": Fraction(1, 3), "Fold": Fraction(2, 3)}}
        assert e.receiver == {"Raise": {"Meet": Fraction(2, 3), "Pass": Fraction(1, 3)}}
        assert e.beliefs == {"Raise": {"King": Fraction(3, 4), "Queen": Fraction(1, 4)}}
        prior = signalling_game(tree).prior
        assert sum(p * e.payoffs[t] for t, p in zip(("King", "Queen"), prior)) == Fraction(1, 3)


def _vertices_by_every_row_set(n, eqs, ineqs):
    """The reference: every set of n rows (equations and inequalities alike) solved, the
    solutions that satisfy every row kept."""
    import itertools

    from deterrence.core.exact import solve_consistent
    rows = [(a, b, True) for a, b in eqs] + [(a, b, False) for a, b in ineqs]
    out = set()
    for pick in itertools.combinations(range(len(rows)), n):
        z = solve_consistent([list(rows[k][0]) + [rows[k][1]] for k in pick], n, unique=True)
        if z is not None and all((sum(Fraction(c) * v for c, v in zip(a, z)) == b) if eq
                                 else (sum(Fraction(c) * v for c, v in zip(a, z)) >= b) for a, b, eq in rows):
            out.add(tuple(Fraction(v) for v in z))
    return out


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.lists(st.integers(-2, 2), min_size=n, max_size=n), st.integers(-2, 2)), max_size=2),
    st.lists(st.tuples(st.lists(st.integers(-2, 2), min_size=n, max_size=n), st.integers(-2, 2)), max_size=5))))
def test_vertices_by_tight_sets_are_those_of_every_row_set(system):
    """The signalling solver's vertex enumeration (equations always tight, n - rank of them
    inequalities picked) against the old brute force over every set of n rows, on small
    systems with dependent equations, unbounded sets and no vertex at all; plus the
    probability simplex, whose vertices are its corners."""
    from deterrence.solvers.tree.signalling import _vertices
    n, eqs, ineqs = system
    box = [([int(i == j) for j in range(n)], 0) for i in range(n)]    # z >= 0: some vertex, often
    assert set(_vertices(n, eqs, ineqs + box)) == _vertices_by_every_row_set(n, eqs, ineqs + box)
    simplex = _vertices(3, [([1, 1, 1], 1)], [([int(i == j) for j in range(3)], 0) for i in range(3)])
    assert sorted(simplex) == [(0, 0, 1), (0, 1, 0), (1, 0, 0)]


@st.composite
def larger_signalling_trees(draw):
    """Two or three types and messages (at most six sender cells: every set searched takes
    minutes on a 3x3 sender), two or three responses, payoffs 0..3 (many ties)."""
    types = [f"t{k}" for k in range(draw(st.integers(2, 3)))]
    messages = [f"m{k}" for k in range(draw(st.integers(2, 6 // len(types))))]
    responses = [f"r{k}" for k in range(draw(st.integers(2, 3)))]
    weights = [draw(st.integers(1, 3)) for _ in types]
    pay = st.integers(0, 3)
    root = chance({t: (Fraction(w, sum(weights)), decision("S", {
        m: decision("R", {r: terminal([draw(pay), draw(pay)]) for r in responses}, infoset=f"after_{m}")
        for m in messages}, infoset=t)) for t, w in zip(types, weights)})
    return GameTree(root, players=["S", "R"])


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(larger_signalling_trees())
def test_the_response_sets_left_out_have_no_pbe(tree):
    """The search skips a message's response sets that are optimal under no belief over the
    types sending it (_response_sets); with every set searched the PBE families are the same.
    (Those sets were most of the 117,649 patterns of a 3x3x3 game: one took 84 s, now 1.5 s.)"""
    from unittest import mock

    from deterrence.solvers.tree import signalling
    pruned = signalling_equilibria(tree)
    with mock.patch.object(signalling, "_response_sets", lambda g, m, senders: signalling._nonempty(g.responses)):
        everything = signalling_equilibria(tree)
    assert pruned == everything


def test_a_signalling_game_over_the_pattern_limit_is_refused_before_the_search():
    """Three types, four messages, three responses: over a million patterns to search even with
    the response sets optimal under no belief left out; refused at once (it was counted as the
    search went, and the skipped sets no longer count), with the number."""
    import random

    from deterrence.errors import TooLargeError
    from deterrence.solvers.tree.signalling import MAX_PATTERNS
    rng = random.Random(3)
    root = chance({t: (Fraction(1, 3), decision("S", {
        m: decision("R", {r: terminal([rng.randint(0, 9), rng.randint(0, 9)]) for r in ("r0", "r1", "r2")},
                    infoset=f"after_{m}") for m in ("m0", "m1", "m2", "m3")}, infoset=t)) for t in ("t0", "t1", "t2")})
    with pytest.raises(TooLargeError, match=r"has [\d,]+ support patterns to search") as info:
        signalling_equilibria(GameTree(root, players=["S", "R"]))
    assert int(str(info.value).split(" has ")[1].split(" ")[0].replace(",", "")) > MAX_PATTERNS


def test_a_type_of_prior_zero_is_refused_not_answered_with_an_empty_complete_list():
    """A solver review (stop 39): a signalling game whose type t0 has prior 0 got "0 perfect
    Bayesian equilibria ... all" (the search read a message only t0 sends as off the path and
    dropped the pattern), although the profile in which t0 sends m1, t1 sends m0 and the receiver
    answers r0 is one (subgame_perfect lists it). Such a tree is refused, as the other refinements
    refuse it; with positive priors the same payoffs are answered."""
    from deterrence.errors import GameError
    from deterrence.solvers import solve
    pay = {"t0": {"m0": {"r0": (0, 0), "r1": (0, 0)}, "m1": {"r0": (5, 1), "r1": (5, 0)}},
           "t1": {"m0": {"r0": (3, 1), "r1": (3, 0)}, "m1": {"r0": (0, 0), "r1": (0, 1)}}}

    def signalling(prior):
        return GameTree(chance({t: (p, decision("S", {m: decision("R", {r: terminal(list(v)) for r, v in row.items()},
                                                                   infoset="after_" + m) for m, row in pay[t].items()},
                                                 infoset=t)) for t, p in zip(pay, prior)}), players=["S", "R"])
    with pytest.raises(GameError, match="type 't0' has prior probability 0"):
        solve(signalling(["0", "1"]), "signalling_pbe")
    assert len(solve(signalling(["1/3", "2/3"]), "signalling_pbe")) >= 1


def test_subgame_perfection_says_it_refines_nothing_without_a_proper_subgame(capsys):
    """A signalling game's chance move is hidden, so its only subgame is the whole tree: the
    default method, the threat test and the report called a pooling threat that fails the
    intuitive criterion credible without a word (an analyst's review); they now say so."""
    from deterrence.analysis.explain import explain
    from deterrence.cli import main
    from deterrence.solvers import solve
    from deterrence.solvers.tree.threats import NO_PROPER_SUBGAME
    game = load_game("beer_quiche")
    assert any("no proper subgame" in n for n in solve(game).notes)
    assert not any("no proper subgame" in n for n in solve(load_game("entry_deterrence")).notes)
    assert main(["solve", "beer_quiche"]) == 0
    assert NO_PROPER_SUBGAME in capsys.readouterr().out
    assert main(["solve", "entry_deterrence"]) == 0
    assert NO_PROPER_SUBGAME not in capsys.readouterr().out
    credibility = explain(game).section("credibility")
    assert credibility.data["no_proper_subgame"] is True and "No proper subgame" in credibility.lines[-1]
    assert explain(load_game("entry_deterrence")).section("credibility").data["no_proper_subgame"] is False


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(larger_signalling_trees())
def test_an_off_path_alternative_is_listed_once(tree):
    """Members of a family that differ only after another unsent message listed the same
    response and beliefs at this one twice (an analyst's review, in text and JSON)."""
    for e in signalling_equilibria(tree):
        for m, alternatives in e.off_path.items():
            shown = [(sorted(d.items()), v) for d, v in alternatives]
            assert all(shown[i] not in shown[:i] for i in range(len(shown))), (m, shown)


def test_families_that_share_a_sender_strategy_are_named_in_a_note():
    """The receiver indifferent after the pooled message: its listed pure responses are the ends
    of a segment of PBE, which the result called all without a word (a solver review). The
    mixture q = 1/2 is a PBE (checked here by hand), and the note names the two families."""
    from deterrence.solvers import solve
    U = {("t0", "m0"): [(1, 2), (2, 0)], ("t0", "m1"): [(2, 1), (2, 1)],
         ("t1", "m0"): [(2, 0), (0, 1)], ("t1", "m1"): [(2, 0), (1, 0)]}
    tree = GameTree(chance({t: ("1/2", decision("S", {m: decision("R", {f"r{k}": terminal(list(U[t, m][k]))
                                                                         for k in (0, 1)}, infoset=f"after_{m}")
                                                       for m in ("m0", "m1")}, infoset=t)) for t in ("t0", "t1")}),
                    ["S", "R"])
    result = solve(tree, "signalling_pbe")
    assert len(result) == 2 and {e.kind for e in result} == {"pooling"}
    assert any("families [0], [1] share the sender's strategy" in n for n in result.notes)
    assert "families of extreme ones" in result.to_text().splitlines()[0]
    # the mixture: r0 with 1/2 after m1 and after m0; both types pool on m1, the receiver is
    # indifferent after each message at its belief, and no type gains by sending m0
    half = Fraction(1, 2)
    pay = {t: {m: half * U[t, m][0][0] + half * U[t, m][1][0] for m in ("m0", "m1")} for t in ("t0", "t1")}
    assert all(pay[t]["m1"] >= pay[t]["m0"] for t in ("t0", "t1"))
    after_m1 = [half * U["t0", "m1"][k][1] + half * U["t1", "m1"][k][1] for k in (0, 1)]
    after_m0 = [Fraction(1, 3) * U["t0", "m0"][k][1] + Fraction(2, 3) * U["t1", "m0"][k][1] for k in (0, 1)]
    assert after_m1[0] == after_m1[1] and after_m0[0] == after_m0[1]
    assert not any("share the sender's strategy" in n for n in solve(load_game("beer_quiche"), "signalling_pbe").notes)


def test_the_json_and_text_say_what_the_result_holds():
    """to_json printed "exact": true, "complete": true whatever the result held (a review)."""
    import dataclasses
    from deterrence.solvers.tree.signalling import signalling_pbe
    r = signalling_pbe(load_game("beer_quiche"))
    assert r.to_json()["complete"] is True and "; all; exact)" in r.to_text()
    partial = dataclasses.replace(r, complete=False, exact=False)
    assert partial.to_json()["complete"] is False and partial.to_json()["exact"] is False
    assert "; some; floating point)" in partial.to_text()
