"""The canon, continued: models in which beliefs about the other side drive the outcome.

Three catalogue entries, each with its builder and its results as formulas
(the same layout as :mod:`deterrence.models.canon`):

* **Brinkmanship with hidden resolve** (``brinkmanship_hidden_resolve``), after
  Powell, R. (1987). Crisis bargaining, escalation, and MAD. APSR 81(3):
  717-735; Powell, R. (1988). Nuclear brinkmanship with two-sided incomplete
  information. APSR 82(1): 155-178; Powell, R. (1990). Nuclear Deterrence
  Theory. Cambridge UP. Each side privately knows its resolve ``r`` (prevailing is
  worth ``r``, backing down 0, disaster ``r - 1``: ``r`` is the largest risk of
  disaster the side would run to prevail for sure). A escalates or backs down;
  B answers; A may take the last step, after which B gives in. Every step
  ``k`` runs a risk ``rho_k`` of disaster, the risks rising up the ladder. The
  ladder with two types per side is ours (small enough for the exact
  solvers); the equilibrium logic is Powell's: a state escalates when its
  resolve exceeds the *critical risk*, the disaster risk relative to the
  chance of not having to back down, and escalation raises the adversary's
  belief that it faces a resolute state.
* **Reputation** (``reputation_kwmr``): the chain store with a small prior
  ``delta`` that the incumbent is tough (fights every entrant). Kreps, D. M. and
  Wilson, R. (1982). Reputation and imperfect information. JET 27: 253-279
  (the sequential equilibrium); Milgrom, P. and Roberts, J. (1982).
  Predation, reputation, and entry deterrence. JET 27: 280-312; the textbook
  statement in Fudenberg, D. and Tirole, J. (1991). Game Theory, ch. 9.
* **Jervis's spiral** (``spiral_model``): two security seekers in a repeated
  security dilemma (a stag hunt) reciprocate (tit-for-tat), and a restrained
  move is read as arming with probability ``eps`` (offence and defence look
  alike). Jervis, R. (1976). Perception and Misperception in International
  Politics, ch. 3 (the spiral model); Jervis, R. (1978). Cooperation under
  the security dilemma. World Politics 30(2): 167-214. The echo of
  tit-for-tat under one error: Boyd, R. (1989), J. Theor. Biol. 136.

Steps (builders): declare the parameters with their meaning, build the nodes
with payoff formulas over them, return the symbolic tree or the tree at the
default values. Steps (equilibria): the closed forms below, derived in each
docstring from the indifference conditions and Bayes' rule.
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.tree import chance, decision, terminal
from deterrence.models.canon import _tree, weak_fight_probability

# -- 1. Powell: brinkmanship with two-sided hidden resolve -----------------------------------
HIDDEN_RESOLVE = {
    "rho1": ("1/10", "risk of disaster that A's first escalation runs"),
    "rho2": ("1/5", "risk of disaster that B's escalation runs"),
    "rho3": ("1/2", "risk of disaster that A's last step runs (then B gives in)"),
    "pA": ("1/4", "prior probability that A is resolute"),
    "rAH": ("4/5", "resolve of a resolute A (prevailing r, backing down 0, disaster r - 1)"),
    "rAL": ("1/3", "resolve of an irresolute A"),
    "pB": ("2/3", "prior probability that B is resolute"),
    "rBH": ("3/5", "resolve of a resolute B"),
    "rBL": ("1/10", "resolve of an irresolute B"),
}


def brinkmanship_hidden_resolve(symbolic: bool = False, **values):
    """Chance draws both resolves; A escalates or backs down, B answers, A may take the last step.

    >>> t = brinkmanship_hidden_resolve()
    >>> t.node("A_low/B_high/escalate/safe/escalate/safe").player, t.infoset_of(("A_low", "B_high")).name
    ('A', 'A_low')
    """
    def ladder(a_type, b_type):
        rA, rB = f"rA{a_type[0].upper()}", f"rB{b_type[0].upper()}"
        disaster = terminal([f"{rA} - 1", f"{rB} - 1"])
        a_wins, b_wins = terminal([rA, 0]), terminal([0, rB])
        last = decision("A", {"back_down": b_wins, "escalate": chance(
            {"disaster": ("rho3", disaster), "safe": ("1 - rho3", a_wins)})}, infoset=f"A_{a_type}_last")
        answer = decision("B", {"back_down": a_wins, "escalate": chance(
            {"disaster": ("rho2", disaster), "safe": ("1 - rho2", last)})}, infoset=f"B_{b_type}")
        return decision("A", {"back_down": b_wins, "escalate": chance(
            {"disaster": ("rho1", disaster), "safe": ("1 - rho1", answer)})}, infoset=f"A_{a_type}")

    def b_types(a_type):
        return chance({"B_high": ("pB", ladder(a_type, "high")), "B_low": ("1 - pB", ladder(a_type, "low"))})
    root = chance({"A_high": ("pA", b_types("high")), "A_low": ("1 - pA", b_types("low"))})
    return _tree(root, ["A", "B"], HIDDEN_RESOLVE, symbolic, values,
                 "Brinkmanship with hidden resolve (Powell)")


def critical_risk(resolve: str = "r", now: str = "rho1", then: str = "rho2"):
    """The probability x that the adversary stands firm at which a side that escalates now
    (risk ``now``) and backs down if it does (after the adversary's risk ``then``) is indifferent.

    Escalating is worth ``r * P(prevail) + (r - 1) * P(disaster)`` against 0 for backing
    down: with ``P(disaster) = now + (1 - now) x then`` and ``P(prevail) = (1 - now)(1 - x)``
    the side escalates iff ``r > (now + (1 - now) x then) / (1 - (1 - now) x (1 - then))``
    (its resolve exceeds the critical risk), that is iff ``x`` is below

    >>> critical_risk("rAL", "rho1", "rho2")
    (rAL - rho1)/((1 - rho1)*(rAL*(1 - rho2) + rho2))
    """
    r, p_now, p_then = (_named_symbol("critical_risk", argument, name)
                        for argument, name in (("resolve", resolve), ("now", now), ("then", then)))
    return (r - p_now) / ((1 - p_now) * (p_then + r * (1 - p_then)))


def _named_symbol(function: str, argument: str, name):
    """The symbol of parameter ``name`` passed as ``argument`` of ``function``; a clear error
    when it is no parameter name (these functions take names, never formulas)."""
    from deterrence.core.symbolic import parameter_symbol
    from deterrence.errors import GameError
    if not isinstance(name, str) or not name.isidentifier():
        raise GameError(f"{function}: {argument} must be a parameter name such as 'rho1', got {name!r}")
    return parameter_symbol(name)


def hidden_resolve_thresholds():
    """``(q_star, mu_star)``: the probability that B stands firm below which the irresolute A
    bluffs (escalates, to back down at the last step), and the belief that A is resolute
    below which the resolute B stands firm (A's last step comes with probability mu).

    >>> hidden_resolve_thresholds()
    ((rAL - rho1)/((1 - rho1)*(rAL*(1 - rho2) + rho2)), (rBH - rho2)/((1 - rho2)*(rBH*(1 - rho3) + rho3)))
    """
    return critical_risk("rAL", "rho1", "rho2"), critical_risk("rBH", "rho2", "rho3")


def _values(values: dict, parameters=None) -> dict:
    """Exact values of ``parameters`` (default the hidden-resolve game's): given, else defaults."""
    table = HIDDEN_RESOLVE if parameters is None else parameters
    return {k: Fraction(values.get(k, d)) for k, (d, _) in table.items()}


def hidden_resolve_equilibrium(values: dict) -> dict:
    """The perfect Bayesian equilibrium: escalation probability at each information set.

    Assumes the ordering of the defaults: ``rho1 < rAL < rho3 < rAH`` (the irresolute A
    backs down at the last step, the resolute A takes it), ``rBL < rho2 < rBH`` (only the
    resolute B may stand firm), and the resolute A escalates at once. With ``q*, mu*``
    from :func:`hidden_resolve_thresholds`:

    * ``pB < q*``: the irresolute A bluffs for sure; the resolute B stands firm iff ``pA < mu*``;
    * ``pA > mu*``: both A types escalate and B always backs down;
    * otherwise (``pB > q*`` and ``pA < mu*``) both mix: the irresolute A bluffs with
      ``pA(1 - mu*)/((1 - pA) mu*)``, so that B's belief after escalation is ``mu*``, and the
      resolute B stands firm with ``q*/pB``, so that the irresolute A is indifferent.

    >>> e = hidden_resolve_equilibrium({})
    >>> e["A_low"], e["B_high"]
    (Fraction(1, 5), Fraction(5, 6))
    """
    from deterrence.errors import GameError
    v = _values(values)
    if not (v["rho1"] < v["rAL"] < v["rho3"] < v["rAH"] and v["rBL"] < v["rho2"] < v["rBH"]):
        raise GameError("hidden_resolve_equilibrium covers rho1 < rAL < rho3 < rAH and rBL < rho2 < rBH only")
    q_star, mu_star = (Fraction(str(f.subs({s: v[s.name] for s in f.free_symbols})))
                       for f in hidden_resolve_thresholds())
    committed = v["rho1"] + (1 - v["rho1"]) * v["pB"] * (1 - (1 - v["rho2"]) * (1 - v["rho3"]))
    if v["rAH"] <= committed:
        raise GameError("hidden_resolve_equilibrium covers a resolute A that escalates at once: "
                        "rAH > rho1 + (1 - rho1)*pB*(1 - (1 - rho2)*(1 - rho3))")
    pA, pB = v["pA"], v["pB"]
    if pB < q_star or pA > mu_star:
        bluff = Fraction(1)
        firm = Fraction(1) if pA < mu_star else Fraction(0)
    else:
        bluff = pA * (1 - mu_star) / ((1 - pA) * mu_star)
        firm = q_star / pB
    return {"A_high": Fraction(1), "A_low": bluff, "B_high": firm, "B_low": Fraction(0),
            "A_high_last": Fraction(1), "A_low_last": Fraction(0)}


def hidden_resolve_outcomes(values: dict) -> dict:
    """Probability of disaster and of each side prevailing, per pair of types and overall.

    ``{(a_type, b_type): (disaster, A prevails, B prevails), ..., "total": (...)}``; types
    are "high" (resolute) and "low".

    >>> hidden_resolve_outcomes({})["total"][0]
    Fraction(13, 100)
    """
    v, e = _values(values), hidden_resolve_equilibrium(values)
    out, total = {}, [Fraction(0)] * 3
    for a_type, pa in (("high", v["pA"]), ("low", 1 - v["pA"])):
        for b_type, pb in (("high", v["pB"]), ("low", 1 - v["pB"])):
            esc, firm, last = e[f"A_{a_type}"], e[f"B_{b_type}"], e[f"A_{a_type}_last"]
            r1, r2, r3 = v["rho1"], v["rho2"], v["rho3"]
            disaster = esc * (r1 + (1 - r1) * firm * (r2 + (1 - r2) * last * r3))
            a_wins = esc * (1 - r1) * ((1 - firm) + firm * (1 - r2) * last * (1 - r3))
            row = (disaster, a_wins, 1 - disaster - a_wins)
            out[(a_type, b_type)] = row
            total = [t + pa * pb * x for t, x in zip(total, row)]
    out["total"] = tuple(total)
    return out


# -- 2. Kreps-Wilson-Milgrom-Roberts: reputation in the chain store --------------------------
REPUTATION = {
    "delta": ("1/5", "prior probability that the incumbent is tough (fights every entrant)"),
    "a": (2, "weak incumbent's profit in a market the entrant stays out of (fight -1, accommodate 0)"),
    "b": ("1/2", "entrant's profit if the incumbent accommodates (b - 1 if it fights, 0 out)"),
}


def reputation_game(markets: int = 2, symbolic: bool = False, **values):
    """Chance makes the incumbent tough (it fights, a commitment type) or weak; entrants
    1..n in turn stay out or enter, seeing the history but not the type; the weak incumbent
    fights or accommodates.

    >>> t = reputation_game(2)
    >>> t.players, t.infoset_of(("weak", "in", "fight")).name
    (('Incumbent', 'Entrant1', 'Entrant2'), 'E2_fight')
    """
    from deterrence.errors import GameError
    if isinstance(markets, bool) or not isinstance(markets, int) or not 1 <= markets <= 6:
        raise GameError(f"markets must be a whole number from 1 to 6, got {markets!r}")
    n = markets

    def market(k, kind, history, totals):
        if k == n:
            return terminal(totals)

        def after(incumbent, entrant):
            t = totals[:]
            t[0] = incumbent if t[0] == "0" else f"{t[0]} + {incumbent}"
            t[k + 1] = entrant
            return t
        fight = market(k + 1, kind, history + ["fight"], after("-1" if kind == "weak" else "0", "b - 1"))
        if kind == "tough":
            entered = chance({"fight": (1, fight)})
        else:
            entered = decision("Incumbent", {"fight": fight, "accommodate": market(
                k + 1, kind, history + ["acc"], after("0", "b"))})
        return decision(f"Entrant{k + 1}", {"out": market(k + 1, kind, history + ["out"], after("a", "0")),
                                            "in": entered},
                        infoset=f"E{k + 1}_{'_'.join(history) or 'start'}")
    start = ["0"] * (n + 1)
    root = chance({"tough": ("delta", market(0, "tough", [], start)),
                   "weak": ("1 - delta", market(0, "weak", [], start))})
    return _tree(root, ["Incumbent"] + [f"Entrant{k + 1}" for k in range(n)], REPUTATION, symbolic, values,
                 f"Reputation: chain store with a tough type ({n} markets, Kreps-Wilson)")


def entrant_stay_out_probability():
    """At the threshold belief b**k the entrant stays out with probability 1/a: exactly what
    leaves the weak incumbent one market earlier indifferent (fight: -1 + a * (1/a) = 0).

    >>> entrant_stay_out_probability()
    1/a
    """
    from deterrence.core.symbolic import parse_expression
    return parse_expression("1/a", list(REPUTATION))


def reputation_equilibrium(markets: int, values: dict) -> dict:
    """The Kreps-Wilson sequential equilibrium as behaviour on :func:`reputation_game`'s tree.

    With k markets left (this one included) and belief p that the incumbent is tough:
    the entrant enters if p < b**k, stays out if p > b**k, and stays out with probability
    1/a at p = b**k; after entry the weak incumbent accommodates in the last market and
    otherwise fights with probability min(1, p(1 - b**(k-1))/((1 - p) b**(k-1))). Beliefs:
    unchanged after "out", 0 after an accommodation, max(p, b**(k-1)) after a fight.
    Returns ``{(player, information set): {move: probability}}``.

    >>> e = reputation_equilibrium(2, {"delta": "1/5", "a": 2, "b": "1/2"})
    >>> e[("Incumbent", "weak/in")], e[("Entrant2", "E2_fight")]
    ({'fight': Fraction(1, 4), 'accommodate': Fraction(3, 4)}, {'out': Fraction(1, 2), 'in': Fraction(1, 2)})
    """
    v = _values(values, REPUTATION)
    a, b, n = v["a"], v["b"], markets
    behaviour = {}

    def walk(k, history, belief):   # k markets played so far
        if k == n:
            return
        left = n - k
        threshold = b ** left
        stay = Fraction(1) if belief > threshold else (1 / a if belief == threshold else Fraction(0))
        behaviour[(f"Entrant{k + 1}", f"E{k + 1}_{'_'.join(history) or 'start'}")] = {"out": stay, "in": 1 - stay}
        fight = Fraction(0) if left == 1 else weak_fight_probability(belief, left, b)
        path = "/".join(["weak"] + [{"out": "out", "fight": "in/fight", "acc": "in/accommodate"}[h]
                                    for h in history] + ["in"])
        behaviour[("Incumbent", path)] = {"fight": fight, "accommodate": 1 - fight}
        walk(k + 1, history + ["out"], belief)
        walk(k + 1, history + ["fight"], belief if left == 1 else max(belief, b ** (left - 1)))
        walk(k + 1, history + ["acc"], Fraction(0))
    walk(0, [], v["delta"])
    return behaviour


# -- 3. Jervis: the spiral model ---------------------------------------------------------------
SPIRAL = {
    "R": (4, "mutual restraint: security at low cost (the best outcome for a security seeker)"),
    "T": (3, "arming while the other restrains"),
    "P": (2, "mutual arming: the arms race"),
    "S": (0, "restraining while the other arms"),
    "eps": ("1/20", "probability that a restrained move is read as arming (offence looks like defence)"),
}


def spiral_formulas():
    """Tit-for-tat between security seekers when restraint is misread as arming with eps.

    Returns ``(hazard, locked_by_t, expected_round)``: the probability that a period of
    mutual restraint ends (a spiral starts), 1 - (1 - eps)**2; the probability that the
    arms race (arm, arm) has locked in by round t, (1 - (1 - eps)**t)**2 (a single false
    alarm only starts an echo of alternating arming; the arms race locks in once both sides
    have had one, and arming is never misread as restraint, so it lasts for ever); the
    expected round in which it locks in, 2/eps - 1/(eps(2 - eps)) (the later of two
    geometric waiting times).

    >>> spiral_formulas()
    (1 - (1 - eps)**2, (1 - (1 - eps)**t)**2, 2/eps - 1/(eps*(2 - eps)))
    """
    from deterrence.core.symbolic import parameter_symbol, parse_expression
    names = list(SPIRAL)
    # the parser takes numeric exponents only: the power in t is built from the symbols
    peace = 1 - parameter_symbol("eps")
    return (parse_expression("1 - (1 - eps)**2", names), (1 - peace ** parameter_symbol("t")) ** 2,
            parse_expression("2/eps - 1/(eps*(2 - eps))", names))


def spiral_value():
    """Average discounted payoff of each side: with q = 1 - eps, in round t the sides restrain
    together with probability q**2t, echo (each arming half the time) with 2(q**t - q**2t)
    and race with (1 - q**t)**2, so (1 - delta) sum delta**(t-1) (...) is

    >>> from deterrence.core.symbolic import parameter_symbol
    >>> v = spiral_value()
    >>> sorted(s.name for s in v.free_symbols), v.subs(parameter_symbol("eps"), 0).simplify()
    (['P', 'R', 'S', 'T', 'delta', 'eps'], R)
    """
    from deterrence.core.symbolic import parse_expression
    names = list(SPIRAL) + ["delta"]
    q = "(1 - eps)"
    return parse_expression(
        f"(1 - delta)*(R*{q}**2/(1 - delta*{q}**2) + (T + S)*({q}/(1 - delta*{q}) - {q}**2/(1 - delta*{q}**2))"
        f" + P*(1/(1 - delta) - 2*{q}/(1 - delta*{q}) + {q}**2/(1 - delta*{q}**2)))", names)
