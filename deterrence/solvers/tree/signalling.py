"""Mixed perfect Bayesian equilibria of signalling games, and the intuitive criterion.

A signalling game: nature draws the sender's type with a prior; the sender,
knowing it, sends a message; the receiver sees the message (not the type)
and responds. A perfect Bayesian equilibrium (PBE) is a sender strategy
(a distribution over messages per type), a receiver strategy (a distribution
over responses per message) and beliefs (over types, per message) such that
each type's messages are optimal, each response is optimal given the belief,
and beliefs follow Bayes' rule after every message some type sends. After an
unsent message any belief may be held; the set of beliefs that support the
receiver's response there is a polytope, reported by its vertices.

Each PBE is named by the sender's strategy: *pooling* (every type sends the
same message), *separating* (types send different messages, purely) or
*semi-separating* (hybrid: some type mixes, or some types pool and others
not). The *intuitive criterion* (Cho and Kreps 1987) rejects a PBE when, after
an unsent message ``m``, some type ``t`` would surely gain by sending ``m``
once the receiver rules out the types for which ``m`` is equilibrium-dominated
(they cannot gain from ``m`` whatever the response).

Sources: I.-K. Cho and D. M. Kreps (1987), "Signaling games and stable
equilibria", Quarterly Journal of Economics 102: 179-221; D. Fudenberg and
J. Tirole (1991), Game Theory, ch. 8; R. Gibbons (1992), Game Theory for
Applied Economists, sec. 4.2 and 4.4.

Steps of :func:`signalling_equilibria`:

1. read the signalling structure from the tree (chance root over types, one
   sender decision per type with the same messages, one receiver information
   set per message with the same responses, terminal payoffs; a message may
   instead end the game for every type, as a fold does in poker: the receiver
   then has no move, no belief and no off-path response there);
2. for every support pattern (messages per type, responses per message) whose
   response sets are each optimal under some belief over the types that send the
   message (all types after an unsent one; a PBE of another pattern is found
   under a smaller response set) the
   conditions decouple: the sender's probabilities must make the receiver's
   chosen responses optimal after each sent message (linear in them), and the
   receiver's probabilities must make each type's chosen messages optimal
   (linear in those); the vertices of both polytopes are found exactly: in
   the solution space of the equations, every square system of tight
   inequalities is solved (after an exact simplex says the polytope is not
   empty; small games);
3. each pair of vertices is checked exactly to be a PBE; after unsent
   messages the supporting beliefs are the vertices of their polytope (none:
   no PBE);
4. PBE with the same sender strategy and the same play after sent messages
   form one *family* (they differ off the path only); each family is named
   and tested by the intuitive criterion.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from deterrence.core.exact import maximise_exactly, solution_space, solve_scaled
from deterrence.core.numbers import format_exact
from deterrence.core.tree import Chance, Decision, GameTree, Terminal
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.result import EquilibriumSequence
from deterrence.solvers.result import TextRepr

#: Largest number of support patterns searched (response sets optimal under no belief left out).
MAX_PATTERNS = 200_000


@dataclass(frozen=True)
class SignallingGame:
    """A signalling game read from a tree: ``payoff[type][message][response] = (sender, receiver)``."""

    sender: str
    receiver: str
    types: tuple
    prior: tuple
    messages: tuple
    responses: tuple
    payoff: dict
    #: messages after which the game ends (the receiver does not move): every response is
    #: given the terminal's payoffs, and only the first is ever played
    final: frozenset = frozenset()


def signalling_game(tree: GameTree) -> SignallingGame:
    """Read the signalling structure of a tree (a GameError says what does not fit).

    >>> from deterrence.io import load_game
    >>> g = signalling_game(load_game("beer_quiche"))
    >>> g.types, g.prior, g.messages, g.responses
    (('weak', 'strong'), (Fraction(1, 10), Fraction(9, 10)), ('beer', 'quiche'), ('duel', 'no_duel'))
    """
    if not isinstance(tree, GameTree):
        raise GameError(f"a signalling game is a GameTree, got {type(tree).__name__}")
    tree = at_defaults(tree, "signalling_game", "read")
    root = tree.root
    if not isinstance(root, Chance) or len(tree.players) != 2:
        raise GameError("a signalling game starts with a chance move over the sender's types "
                        "and has two players")
    impossible = [t for t, p, _ in root.moves if p == 0]
    if impossible:
        # the search reads a message that only such a type sends as off the path and dropped the
        # pattern, then claimed the empty list complete (a solver review); the other refinements
        # refuse such trees too
        raise GameError(f"type {impossible[0]!r} has prior probability 0: a signalling game's types all have "
                        "positive priors (remove that chance move)")
    sender = receiver = None
    messages = responses = None
    payoff = {}
    _same_ending(root)
    for t, _p, node in root.moves:
        if not isinstance(node, Decision):
            raise GameError(f"after type {t!r} the sender must move")
        if sender not in (None, node.player):
            raise GameError(f"type {t!r}: the sender must be the same player ({sender})")
        sender = node.player
        if messages not in (None, node.labels):
            raise GameError(f"type {t!r}: the sender must have the same messages {messages}")
        messages = node.labels
        payoff[t] = {}
        for m, child in node.moves:
            if isinstance(child, Terminal):      # the game ends: filled in below, once responses are known
                payoff[t][m] = child
                continue
            if not isinstance(child, Decision) or child.player == sender:
                raise GameError(f"after type {t!r} and message {m!r} the receiver must move "
                                f"(or the game end for every type)")
            receiver = child.player
            if responses not in (None, child.labels):
                raise GameError(f"message {m!r}: the receiver must have the same responses {responses}")
            responses = child.labels
            if tree.infoset_of((t, m)).paths != tuple((u, m) for u, _, _ in root.moves):
                raise GameError(f"the receiver must see message {m!r} but not the type: one information "
                                f"set per message holding every type's node")
            payoff[t][m] = {}
            for r, leaf in child.moves:
                if not isinstance(leaf, Terminal):
                    raise GameError(f"after {t}/{m}/{r} the game must end")
                payoff[t][m][r] = _sender_first(tree, sender, leaf)
    final = frozenset(m for m in messages if any(isinstance(payoff[t][m], Terminal) for t in payoff))
    if responses is None:
        raise GameError("the receiver never moves: after every message the game ends")
    for m in final:
        for t in payoff:
            payoff[t][m] = dict.fromkeys(responses, _sender_first(tree, sender, payoff[t][m]))
    return SignallingGame(sender, receiver, root.labels, tuple(Fraction(p) for p in root.probabilities),
                          messages, responses, payoff, final)


def _sender_first(tree, sender, leaf) -> tuple:
    """A leaf's payoffs as ``(sender, receiver)``."""
    i = tree.player_index(sender)
    return leaf.payoffs[i], leaf.payoffs[1 - i]


def _same_ending(root) -> None:
    """A message ends the game after every type or after none (the receiver sees it or not)."""
    ends = {}
    for t, _p, node in root.moves:
        for m, child in node.moves if isinstance(node, Decision) else ():
            if ends.setdefault(m, isinstance(child, Terminal)) != isinstance(child, Terminal):
                raise GameError(f"message {m!r} ends the game for some types but not after type {t!r}: "
                                f"the receiver must see it for every type or for none")


def _vertices(n, eqs, ineqs):
    """Vertices of {z : a.z = b (eqs), a.z >= b (ineqs)} in R^n, exactly.

    The equations' solutions are ``z0 + N c`` (:func:`~deterrence.core.exact.solution_space`;
    ``c`` in R^f, f = n - rank), where each inequality reads ``(a N) c >= b - a z0``. A vertex is
    the one solution of f of those, satisfying all; the rows, scaled to integers and without
    repeats, are checked in integer arithmetic. (Picking n rows among all tried 14 million sets on
    a game of three types and three messages; picking n - rank inequalities in R^n, with sympy's
    rank, took 84 s on one of three types, three messages and three responses.)"""
    if eqs:
        space = solution_space([list(a) + [b] for a, b in eqs], n)
        if space is None:
            return []
        z0, basis = space
    else:
        z0 = [Fraction(0)] * n
        basis = [[Fraction(int(i == j)) for i in range(n)] for j in range(n)]
    f = len(basis)
    rows = {}
    for a, b in ineqs:
        row = [sum((Fraction(x) * v[i] for i, x in enumerate(a) if x), Fraction(0)) for v in basis]
        rhs = Fraction(b) - sum((Fraction(x) * z0[i] for i, x in enumerate(a) if x), Fraction(0))
        if not any(row):
            if rhs > 0:                   # 0 >= rhs fails everywhere: no point at all
                return []
            continue
        scale = math.lcm(*(q.denominator for q in row), rhs.denominator)
        ints = tuple(int(q * scale) for q in row) + (int(rhs * scale),)
        g = math.gcd(*ints)
        rows[tuple(v // g for v in ints)] = None
    rows = list(rows)

    def point(c):
        return tuple(z0[i] + sum((cj * v[i] for cj, v in zip(c, basis)), Fraction(0)) for i in range(n))

    if f == 0:
        return [point(())]
    # most patterns' polytopes are empty: one exact simplex says so before C(rows, f) solves
    if f >= 2 and maximise_exactly([0] * f, [[-a for a in r[:-1]] for r in rows], [-r[-1] for r in rows]) is None:
        return []
    found = {}
    for pick in itertools.combinations(rows, f):
        try:        # c = num / den, den the least: one key per point
            num, den = solve_scaled([r[:-1] for r in pick], [r[-1] for r in pick])
        except ZeroDivisionError:
            continue
        if all(sum(a * x for a, x in zip(r, num)) >= r[-1] * den for r in rows):
            found[tuple(num), den] = None
    return [point([Fraction(v, den) for v in num]) for num, den in found]


def _response_sets(g: SignallingGame, m, senders) -> list:
    """The response sets after ``m`` that are all optimal under some belief over ``senders`` (the
    types sending ``m``; every type after an unsent one): no other set can be a pattern's there.
    Exact; it skips only patterns without a PBE (an unsent message's set with a response played
    with probability 0 is found again as the smaller set; tests compare against every set)."""
    return [rs for rs in _nonempty(g.responses) if _belief_vertices(g, m, rs, senders)]


def _nonempty(seq):
    return [c for k in range(1, len(seq) + 1) for c in itertools.combinations(seq, k)]


def _belief_vertices(g: SignallingGame, m, support, types=None):
    """Vertices of the beliefs (over ``types``) under which every response in ``support`` is optimal."""
    types = list(types or g.types)
    n = len(types)
    eqs = [([1] * n, 1)]
    ineqs = [([int(j == k) for j in range(n)], 0) for k in range(n)]
    for r in support:
        for r2 in g.responses:
            row = [g.payoff[t][m][r][1] - g.payoff[t][m][r2][1] for t in types]
            (eqs if r2 in support else ineqs).append((row, 0))
    return _vertices(n, eqs, ineqs)


@dataclass(frozen=True)
class SignallingPBE(TextRepr):
    """One family of PBE: same sender strategy, same play after sent messages.

    ``sender``: type -> {message: probability}; ``receiver``: sent message ->
    {response: probability}; ``beliefs``: sent message -> {type: probability};
    ``off_path``: unsent message -> list of ``(response distribution, belief
    vertices)``, one per extreme response; ``payoffs``: type -> sender payoff,
    and ``receiver_payoff``; ``kind``: pooling / separating / semi-separating;
    ``intuitive``: whether it passes the intuitive criterion.
    """

    kind: str
    sender: dict
    receiver: dict
    beliefs: dict
    off_path: dict
    payoffs: dict
    receiver_payoff: object
    intuitive: bool

    def describe(self) -> str:
        """One line: the sender's and receiver's play, the receiver's beliefs after each
        message (Bayes' rule after a sent one; after an unsent one, the beliefs that support
        each extreme response), and the intuitive criterion's verdict.

        >>> from deterrence.io import load_game
        >>> line = signalling_equilibria(load_game("beer_quiche"))[1].describe()
        >>> print(line.replace("; ", "\\n").replace(" or ", "\\n  or "))
        pooling: sender weak: beer
        strong: beer
        receiver after beer: no_duel (believing 1/10 weak + 9/10 strong)
        after quiche (unsent): duel (believing weak up to 1/2 weak + 1/2 strong)
          or 1/2 duel + 1/2 no_duel (believing 1/2 weak + 1/2 strong)  (passes the intuitive criterion)
        """
        types = tuple(self.payoffs)          # the types, in the order of the belief vertices
        s = "; ".join(f"{t}: {_mixture(d)}" for t, d in self.sender.items())
        r = "; ".join(f"after {m}: {_mixture(d)} (believing {_mixture(self.beliefs[m])})"
                      for m, d in self.receiver.items())
        off = "; ".join(f"after {m} (unsent): " + " or ".join(
            f"{_mixture(d)} ({_belief_range(types, vertices)})" for d, vertices in opts)
            for m, opts in self.off_path.items())
        ic = "passes" if self.intuitive else "fails"
        return (f"{self.kind}: sender {s}; receiver {r}" + (f"; {off}" if off else "")
                + f"  ({ic} the intuitive criterion)")

    def to_json(self) -> dict:
        """The SignallingPBE as a JSON-ready dict of plain values: ``kind``, ``intuitive``, ``sender``,
        ``receiver``, ``beliefs``, ``off_path``, and more."""
        f = format_exact
        return {"kind": self.kind, "intuitive": self.intuitive,
                "sender": {t: {m: f(q) for m, q in d.items()} for t, d in self.sender.items()},
                "receiver": {m: {r: f(q) for r, q in d.items()} for m, d in self.receiver.items()},
                "beliefs": {m: {t: f(q) for t, q in d.items()} for m, d in self.beliefs.items()},
                # each supporting belief keyed by type, as the beliefs after sent messages are
                "off_path": {m: [{"response": {r: f(q) for r, q in d.items()},
                                  "beliefs": [dict(zip(self.payoffs, map(f, b))) for b in bs]}
                                 for d, bs in opts]
                             for m, opts in self.off_path.items()},
                "payoffs": {t: f(v) for t, v in self.payoffs.items()},
                "receiver_payoff": f(self.receiver_payoff)}


def _mixture(d) -> str:
    """``{"a": 1, "b": 0}`` -> ``a``; ``{"a": 1/2, "b": 1/2}`` -> ``1/2 a + 1/2 b``."""
    used = [(a, q) for a, q in d.items() if q]
    return used[0][0] if len(used) == 1 and used[0][1] == 1 else \
        " + ".join(f"{format_exact(q)} {a}" for a, q in used)


def _belief_range(types, vertices) -> str:
    """The beliefs (vertices of their polytope) that support an off-path response, in words."""
    shown = [_mixture(dict(zip(types, b))) for b in vertices]
    if len(shown) == 1:
        return f"believing {shown[0]}"
    if len(shown) == 2:
        return f"believing {shown[0]} up to {shown[1]}"
    return "believing any mixture of " + ", ".join(shown[:-1]) + " and " + shown[-1]


def _kind(g, sender):
    pure = all(sum(1 for q in d.values() if q) == 1 for d in sender.values())
    if pure:
        sent = [next(m for m, q in d.items() if q) for d in sender.values()]
        if len(set(sent)) == 1:
            return "pooling"
        if len(set(sent)) == len(sent):
            return "separating"
    return "semi-separating"


def _intuitive(g: SignallingGame, sender_pay: dict, unsent) -> bool:
    """Cho-Kreps: no unsent message that some type surely gains from, once the types
    for which it is equilibrium-dominated are ruled out."""
    for m in unsent:
        best_any = [r for r in g.responses if _belief_vertices(g, m, (r,))]
        dominated = {t for t in g.types
                     if sender_pay[t] > max(g.payoff[t][m][r][0] for r in best_any)}
        rest = [t for t in g.types if t not in dominated]
        if not dominated or not rest:
            continue
        best_rest = [r for r in g.responses if _belief_vertices(g, m, (r,), rest)]
        for t in rest:
            if min(g.payoff[t][m][r][0] for r in best_rest) > sender_pay[t]:
                return False
    return True


def signalling_equilibria(tree: GameTree, progress=None) -> tuple:
    """Every perfect Bayesian equilibrium of a signalling game, in families, exactly.

    ``progress``: a bar over the support patterns searched (``None``: shown on a terminal when
    there are more than :data:`PROGRESS_PATTERNS`; ``True``/``False``). Over
    :data:`MAX_PATTERNS` of them the search is refused before it starts.

    >>> from deterrence.io import load_game
    >>> for e in signalling_equilibria(load_game("beer_quiche")):
    ...     print(e.kind, e.sender["weak"], e.intuitive)
    pooling {'beer': 0, 'quiche': 1} False
    pooling {'beer': 1, 'quiche': 0} True
    """
    from deterrence.core.progress import check_progress, progress_bar
    check_progress(progress)
    g = signalling_game(at_defaults(tree, "signalling_equilibria"))
    prior = dict(zip(g.types, g.prior))
    plan = _patterns(g)
    total = sum(math.prod(len(c) for c in choices) for _, choices in plan)
    if total > MAX_PATTERNS:
        raise TooLargeError(f"this signalling game has {total:,} support patterns to search (response sets "
                            f"optimal under no belief left out), over the limit of {MAX_PATTERNS:,}")
    bar = progress_bar(total, "signalling PBE, support patterns", progress,
                       large=total > PROGRESS_PATTERNS, unit="pattern", delay=0 if progress else 1)
    with bar:
        found = _search(g, prior, plan, bar)
    return _families(g, found)


#: games with more support patterns to search than this show a progress bar unasked (on a
#: terminal): three types, messages and responses have 117,649 patterns, of which 10-20% are
#: searched, in up to 35 s (60 random games measured)
PROGRESS_PATTERNS = 5_000


def _patterns(g) -> list:
    """``(sender supports, response sets per message)`` for each of the sender's support sets:
    the response sets after each message that are optimal under some belief over the types
    sending it (:func:`_response_sets`; the first response alone after a message that ends the
    game, where every response pays the same and the receiver does not move)."""
    T, M, R = g.types, g.messages, g.responses
    cache = {}

    def responses_for(m, senders):
        if (m, senders) not in cache:
            cache[m, senders] = _response_sets(g, m, senders)
        return cache[m, senders]

    return [(S, [[(R[0],)] if m in g.final else responses_for(m, tuple(t for t, s in zip(T, S) if m in s) or tuple(T))
                 for m in M])
            for S in itertools.product(_nonempty(M), repeat=len(T))]


def _search(g, prior, plan, bar) -> dict:
    """Steps 2-3: every support pattern's vertex pairs that are PBE, keyed by the strategies."""
    T, M, R = g.types, g.messages, g.responses
    found = {}
    known = {}

    def vertices(n, eqs, ineqs):
        # the same system comes back often (the sender's side ignores the responses after unsent
        # messages): 83,212 systems, 47,876 distinct, on a game of three types, messages, responses
        key = (n, tuple((tuple(a), b) for a, b in eqs), tuple((tuple(a), b) for a, b in ineqs))
        if key not in known:
            known[key] = _vertices(n, eqs, ineqs)
        return known[key]

    for S, choices in plan:
        sent = [m for m in M if any(m in s for s in S)]
        for Rs in itertools.product(*choices):
            bar.update()
            Rm = dict(zip(M, Rs))
            # sender probabilities: receiver optimality after sent messages
            qvars = [(t, m) for t, s in zip(T, S) for m in s]
            n = len(qvars)
            eqs, ineqs = [], []
            for t in T:
                eqs.append(([int(v[0] == t) for v in qvars], 1))
            for k in range(n):
                ineqs.append(([int(j == k) for j in range(n)], 0))
            for m in sent:
                for r in Rm[m]:
                    for r2 in R:
                        row = [prior[t] * (g.payoff[t][mm][r][1] - g.payoff[t][mm][r2][1]) if mm == m else 0
                               for t, mm in qvars]
                        (eqs if r2 in Rm[m] else ineqs).append((row, 0))
            qs = vertices(n, eqs, ineqs)
            if not qs:
                continue
            # receiver probabilities: sender optimality
            rvars = [(m, r) for m in M for r in Rm[m]]
            n2 = len(rvars)
            eqs2 = [([int(v[0] == m) for v in rvars], 1) for m in M]
            ineqs2 = [([int(j == k) for j in range(n2)], 0) for k in range(n2)]
            for t, s in zip(T, S):
                for m in s:
                    for m2 in M:
                        if m2 == m:
                            continue
                        row = [(g.payoff[t][m][r][0] if mm == m else 0) - (g.payoff[t][m2][r][0] if mm == m2 else 0)
                               for mm, r in rvars]
                        (eqs2 if m2 in s else ineqs2).append((row, 0))
            rhos = vertices(n2, eqs2, ineqs2)
            for q in qs:
                qd = {t: {m: Fraction(0) for m in M} for t in T}
                for (t, m), v in zip(qvars, q):
                    qd[t][m] = v
                if any(sum(prior[t] * qd[t][m] for t in T) == 0 for m in sent):
                    continue          # a message of the pattern went unsent: another pattern has it
                for rho in rhos:
                    rd = {m: {r: Fraction(0) for r in R} for m in M}
                    for (m, r), v in zip(rvars, rho):
                        rd[m][r] = v
                    key = (tuple(tuple(qd[t][m] for m in M) for t in T), tuple(tuple(rd[m][r] for r in R) for m in M))
                    if key in found:
                        continue
                    pbe = _check(g, qd, rd, prior)
                    if pbe is not None:
                        found[key] = pbe
    return found


def _families(g, found) -> tuple:
    """Step 4: the PBE grouped by sender strategy and play after sent messages, named and tested."""
    T, M, R = g.types, g.messages, g.responses
    families = {}
    for (qkey, rkey), (beliefs, off, spay, rpay) in found.items():
        sent = [m for m in M if beliefs.get(m) is not None]
        fam = (qkey, tuple(rkey[M.index(m)] for m in sent))
        families.setdefault(fam, []).append((rkey, beliefs, off, spay, rpay))
    out = []
    for (qkey, _), members in families.items():
        rkey, beliefs, _, spay, rpay = members[0]
        sender = {t: {m: _n(qkey[i][j]) for j, m in enumerate(M)} for i, t in enumerate(T)}
        sent = [m for m in M if beliefs.get(m) is not None]
        # the receiver moves, and holds beliefs worth showing, only after messages that do not end the game
        receiver = {m: {r: _n(rkey[M.index(m)][k]) for k, r in enumerate(R)} for m in sent if m not in g.final}
        off_path = {}
        for rk, _, off, _, _ in members:
            for m, verts in off.items():
                if m in g.final:
                    continue
                d = {r: _n(rk[M.index(m)][k]) for k, r in enumerate(R)}
                # members that differ only after another unsent message repeat this alternative
                # (a review saw the same response and beliefs listed twice)
                if (d, verts) not in off_path.setdefault(m, []):
                    off_path[m].append((d, verts))
        unsent = [m for m in M if m not in sent]
        out.append(SignallingPBE(_kind(g, sender), sender, receiver,
                                 {m: {t: _n(v) for t, v in beliefs[m].items()} for m in sent if m not in g.final},
                                 off_path, spay, rpay, _intuitive(g, spay, unsent)))
    out.sort(key=lambda e: (e.kind, [sorted(d.items()) for d in e.sender.values()]))
    return tuple(out)


@dataclass(frozen=True)
class SignallingResult(EquilibriumSequence):
    """What ``solve(tree, "signalling_pbe")`` returns: every family of extreme PBE (a sequence of
    them; ``complete``: every extreme PBE is in one, each PBE of the game lies in their convex hull).

    >>> from deterrence.io import load_game
    >>> r = signalling_pbe(load_game("beer_quiche"))
    >>> len(r), r.to_json()["complete"]
    (2, True)
    """

    equilibria: tuple
    players: tuple
    method: str = "signalling_pbe"
    exact: bool = True
    complete: bool = True
    notes: tuple = ()
    game: object = field(default=None, repr=False, compare=False)
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    options: dict = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict:
        """The SignallingResult as a JSON-ready dict of plain values: ``method``, ``exact``,
        ``complete``, ``concept``, ``players``, ``equilibria``."""
        return {"method": self.method, "exact": self.exact, "complete": self.complete, "concept": "perfect Bayesian",
                "players": list(self.players),
                "equilibria": [e.to_json() for e in self.equilibria], **self.provenance_json(),
                **({"notes": list(self.notes)} if self.notes else {})}

    def to_text(self) -> str:
        n = len(self.equilibria)
        how = f"{'all' if self.complete else 'some'}; {'exact' if self.exact else 'floating point'}"
        lines = [f"{n} perfect Bayesian equilibri{'um' if n == 1 else 'a'} "
                 f"(families of extreme ones; signalling_pbe; {how})"]
        lines += [f"  [{k}] {e.describe()}" for k, e in enumerate(self.equilibria)]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()


def signalling_pbe(tree: GameTree, progress=None) -> SignallingResult:
    """:func:`signalling_equilibria` as a result for the ``solve`` front door and the CLI
    (``progress``: see there).

    Families that share the sender's strategy differ in the receiver's play after a sent
    message where it is indifferent: mixing those responses there can be a PBE too (with
    off-path responses that still deter); such mixtures are not listed, and a note names the
    families (the header said "all" without it, and a reader took the receiver's listed pure
    response for its only one: a solver review).

    >>> from deterrence.io import load_game
    >>> print(signalling_pbe(load_game("deterrence_signalling")).to_text().splitlines()[0])
    2 perfect Bayesian equilibria (families of extreme ones; signalling_pbe; all; exact)
    """
    tree = at_defaults(tree, "signalling_pbe")
    found = signalling_equilibria(tree, progress)
    shared = {}
    for k, e in enumerate(found):
        shared.setdefault(tuple(sorted((t, tuple(sorted(q.items()))) for t, q in e.sender.items())), []).append(k)
    groups = [ks for ks in shared.values() if len(ks) > 1]
    notes = ()
    if groups:
        listed = "; ".join(", ".join(f"[{k}]" for k in ks) for ks in groups)
        notes = (f"families {listed} share the sender's strategy and differ in the receiver's play after a "
                 "message it is indifferent after: mixing those responses can be a perfect Bayesian "
                 "equilibrium too (with off-path responses that still deter); the list holds the extreme "
                 "ones, and the intuitive criterion's verdicts are theirs (a mixture can fail where its ends "
                 "pass)",)
    return SignallingResult(found, tree.players, notes=notes)


def _check(g, qd, rd, prior):
    """Exact PBE check; returns (beliefs, off-path belief vertices, payoffs) or None."""
    T, M, R = g.types, g.messages, g.responses
    spay = {}
    for t in T:
        vals = {m: sum((rd[m][r] * g.payoff[t][m][r][0] for r in R), Fraction(0)) for m in M}
        best = max(vals.values())
        if any(qd[t][m] > 0 and vals[m] < best for m in M):
            return None
        spay[t] = _n(best)
    beliefs, off = {}, {}
    rpay = Fraction(0)
    for m in M:
        mass = sum(prior[t] * qd[t][m] for t in T)
        support = tuple(r for r in R if rd[m][r] > 0)
        if mass > 0:
            mu = {t: prior[t] * qd[t][m] / mass for t in T}
            vals = {r: sum((mu[t] * g.payoff[t][m][r][1] for t in T), Fraction(0)) for r in R}
            if any(vals[r] < max(vals.values()) for r in support):
                return None
            beliefs[m] = mu
            rpay += mass * max(vals.values())
        else:
            verts = _belief_vertices(g, m, support)
            if not verts:
                return None
            beliefs[m] = None
            off[m] = [tuple(_n(v) for v in b) for b in verts]
    return beliefs, off, spay, _n(rpay)


def _n(q):
    q = Fraction(q)
    return q.numerator if q.denominator == 1 else q


__all__ = ["SignallingGame", "SignallingPBE", "signalling_equilibria", "signalling_game"]
