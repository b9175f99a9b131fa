"""The canon: brinkmanship in which the challenger chooses how much risk to run.

Schelling's *threat that leaves something to chance*: a state cannot credibly
threaten a disaster it would never choose, but it can create a risk of one that
neither side fully controls, and choose how large that risk is. Powell's models
of brinkmanship formalise the logic with resolve as private information. In the
game below the challenger picks the risk, the defender, who alone knows its
resolve, stands firm or backs down, and the challenger trades the chance of
compelling the defender against the risk it runs itself.

Sources: Schelling, T. C. (1960). The Strategy of Conflict, ch. 8. Harvard UP;
Schelling, T. C. (1966). Arms and Influence, ch. 3. Yale UP; Powell, R. (1987).
Crisis bargaining, escalation, and MAD. APSR 81(3): 717-735; Powell, R. (1990).
Nuclear Deterrence Theory: The Search for Credibility. Cambridge UP.

The game (``brinkmanship_chosen_risk``; the parameterisation is ours, small
enough for the exact tree solvers, and the closed forms below are derived for
it): each side's resolve ``r`` is the largest risk of disaster it would run to
prevail (prevailing is worth ``r``, backing down 0, disaster ``r - 1``, the
normalisation of :mod:`deterrence.models.canon_beliefs`). The defender B is
resolute (``rBH``) with prior ``pB``, else irresolute (``rBL``). The challenger
A keeps the status quo or takes the crisis to the brink at one of the risk
levels ``rho1 < rho2 < rho3``. The brink runs the risk at once (disaster with
probability ``rho``); if it passes, B backs down (A prevails) or stands firm,
which runs the risk once more, after which A backs down.

Steps of the analysis (each a function below):

1. B stands firm at risk ``rho`` iff its resolve exceeds it: standing firm is
   worth ``rho (r - 1) + (1 - rho) r = r - rho`` against 0 for backing down;
2. A's expected payoff of each risk level given the types that back down
   (:func:`chosen_risk_values`): ``rA - rho`` if every type backs down,
   ``rho (rA - 1) + (1 - rho)((1 - pB) rA + pB rho (rA - 1))`` if only the
   irresolute type does;
3. A picks the best option; the thresholds on ``pB`` where it changes its mind
   (:func:`chosen_risk_thresholds`) and the equilibrium with its risk of
   disaster and who backs down (:func:`chosen_risk_equilibrium`).

Two-sided brinkmanship (``brinkmanship_two_sided``): the defender chooses a risk
too. A keeps the status quo or goes to the brink at risk ``rho1``, which runs at
once. If it passes, B backs down (A prevails) or counter-escalates to a risk
level ``rho2`` or ``rho3`` it chooses (``rho1 <= rho2 < rho3``), which also runs
at once; then A, who sees the level but not B's resolve, backs down (B
prevails) or accepts the gamble: the risk runs once more and, if it passes, B
backs down. The payoffs and the resolves are those above, with A's resolve
``rA`` common knowledge. Assumptions of the derivation: the last gamble ends the
crisis in A's favour if it passes (so the crisis cannot escalate further),
A's resolve differs from every level and B's from the level it would use
(ties leave a side indifferent and are refused). Steps:

1. A accepts the gamble at level ``s`` iff ``rA > s``: accepting is worth
   ``s (rA - 1) + (1 - s) rA = rA - s`` against 0, whatever A believes, so only
   a level above A's resolve compels A;
2. B counter-escalates at ``s``, the smallest level above ``rA`` (just enough
   risk to compel A; a larger level is risk wasted, a smaller one is accepted
   and worth less than backing down), iff its resolve exceeds it: compelling A
   is worth ``rB - s``; with no level above ``rA`` every type backs down;
3. A goes to the brink iff the probability ``x`` that B counter-escalates is
   below Powell's critical risk
   (:func:`~deterrence.models.canon_beliefs.critical_risk` with ``now = rho1``,
   ``then = s``; :func:`two_sided_values`, :func:`two_sided_threshold`); the
   equilibrium risk of disaster is ``rho1 + (1 - rho1) x s``
   (:func:`two_sided_disaster`, :func:`two_sided_equilibrium`).

With a continuous choice of risk B counter-escalates exactly to A's resolve (A
backs down when indifferent): the more resolute side prevails, and A challenges
iff the probability that ``rB > rA`` is below
``(rA - rho1)/((1 - rho1) rA (2 - rA))``. A larger first risk would not help A
(were B's counter-escalation bound to be at least A's risk): up to ``rA`` it
leaves B's choice as it is and adds danger; above ``rA`` A's value is at most
``rA - r1 < 0``. So A's menu is the brink at ``rho1`` (A's choice among risk
levels is the game above).
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.tree import chance, decision, terminal
from deterrence.models.canon import _tree
from deterrence.models.canon_beliefs import _named_symbol, _values, critical_risk

CHOSEN_RISK = {
    "rA": ("3/5", "A's resolve (prevailing rA, backing down 0, disaster rA - 1)"),
    "pB": ("1/3", "prior probability that B is resolute"),
    "rBH": ("2/5", "resolve of a resolute B: the largest risk it runs rather than back down"),
    "rBL": ("1/10", "resolve of an irresolute B"),
    "rho1": ("1/5", "the lowest risk of disaster A can choose (above the irresolute B's resolve)"),
    "rho2": ("1/2", "a middle risk (above the resolute B's resolve)"),
    "rho3": ("4/5", "the highest risk A can choose"),
}
#: A's moves, each with the risk it runs
LEVELS = {"risk_1": "rho1", "risk_2": "rho2", "risk_3": "rho3"}


def brinkmanship_chosen_risk(symbolic: bool = False, **values):
    """Chance draws B's resolve; A keeps the status quo or goes to the brink at a chosen risk;
    B, if the brink passes, backs down or stands firm (the risk runs once more, then A backs down).

    >>> t = brinkmanship_chosen_risk()
    >>> t.infoset_of(("B_low",)).actions, t.node("B_low/risk_2/safe").player
    (('status_quo', 'risk_1', 'risk_2', 'risk_3'), 'B')
    """
    def brink(b_type, move, rho):
        rB = f"rB{b_type[0].upper()}"
        disaster = terminal(["rA - 1", f"{rB} - 1"])
        firm = chance({"disaster": (rho, disaster), "safe": (f"1 - {rho}", terminal([0, rB]))})
        answer = decision("B", {"back_down": terminal(["rA", 0]), "stand_firm": firm},
                          infoset=f"B_{b_type}_{move}")
        return chance({"disaster": (rho, disaster), "safe": (f"1 - {rho}", answer)})

    def challenger(b_type):
        moves = {"status_quo": terminal([0, f"rB{b_type[0].upper()}"])}
        moves.update({move: brink(b_type, move, rho) for move, rho in LEVELS.items()})
        return decision("A", moves, infoset="A")
    root = chance({"B_high": ("pB", challenger("high")), "B_low": ("1 - pB", challenger("low"))})
    return _tree(root, ["A", "B"], CHOSEN_RISK, symbolic, values,
                 "Brinkmanship with a chosen risk (Schelling, Powell)")


def chosen_risk_values(risk: str = "rho"):
    """A's expected payoff of running the risk ``risk``: ``(every type backs down, only the
    irresolute type backs down)``; keeping the status quo is worth 0.

    With every type backing down A survives the brink and prevails: ``rho(rA - 1) + (1 - rho)rA``.
    With the resolute type (prior ``pB``) standing firm, the risk runs twice against it.

    >>> chosen_risk_values()
    (rA - rho, rho*(rA - 1) + (1 - rho)*(pB*rho*(rA - 1) + rA*(1 - pB)))
    """
    from deterrence.core.symbolic import parameter_symbol
    rho = _named_symbol("chosen_risk_values", "risk", risk)
    rA, pB = parameter_symbol("rA"), parameter_symbol("pB")
    both = rA - rho
    irresolute = rho * (rA - 1) + (1 - rho) * ((1 - pB) * rA + pB * rho * (rA - 1))
    return both, irresolute


def chosen_risk_thresholds(low: str = "rho1", high: str = "rho2"):
    """``(p_challenge, p_switch)``: the prior that B is resolute below which running the risk
    ``low`` (compelling only the irresolute B) beats the status quo, and below which it beats
    running ``high`` (compelling both types).

    The first is Powell's critical risk (:func:`~deterrence.models.canon_beliefs.critical_risk`)
    with the same risk run twice: A runs it iff the chance that B stands firm is below it.
    With ``low``, ``high`` the resolves ``rBL``, ``rBH`` themselves, these are the thresholds of
    the game with a continuous choice of risk (A runs just enough risk to compel a type).

    >>> chosen_risk_thresholds()
    ((rA - rho1)/((1 - rho1)*(rA*(1 - rho1) + rho1)), (-rho1 + rho2)/((1 - rho1)*(rA*(1 - rho1) + rho1)))
    """
    from deterrence.core.symbolic import parameter_symbol
    rho, rho_high = (_named_symbol("chosen_risk_thresholds", argument, name)
                     for argument, name in (("low", low), ("high", high)))
    rA = parameter_symbol("rA")
    return critical_risk("rA", low, low), (rho_high - rho) / ((1 - rho) * (rA * (1 - rho) + rho))


def chosen_risk_equilibrium(values: dict) -> dict:
    """The perfect Bayesian equilibrium at ``values`` (defaults for the others), exactly.

    Returns ``{"choice": A's move, "values": {move: A's payoff}, "stands_firm": {(b_type,
    move): bool}, "disaster": P(disaster), "A_prevails": ..., "B_prevails": ...,
    "backs_down": [B types that back down on the path]}``. A type stands firm iff its resolve
    exceeds the risk (step 1); a resolve equal to a risk level, or two best moves for A,
    leave B or A indifferent and several equilibria, and are refused.

    >>> e = chosen_risk_equilibrium({})
    >>> e["choice"], e["disaster"], e["backs_down"]
    ('risk_1', Fraction(19, 75), ['low'])
    """
    from deterrence.errors import GameError
    v = _values(values, CHOSEN_RISK)
    resolve = {"high": v["rBH"], "low": v["rBL"]}
    prior = {"high": v["pB"], "low": 1 - v["pB"]}
    stands_firm, payoff, outcome = {}, {"status_quo": Fraction(0)}, {"status_quo": (Fraction(0),) * 3}
    for move, name in LEVELS.items():
        rho = v[name]
        disaster, a_wins = rho, Fraction(0)
        for b_type, r in resolve.items():
            if r == rho:
                raise GameError(f"B's resolve rB{b_type[0].upper()} equals {name}: B is indifferent")
            stands_firm[(b_type, move)] = r > rho
            if r > rho:
                disaster += prior[b_type] * (1 - rho) * rho
            else:
                a_wins += prior[b_type] * (1 - rho)
        payoff[move] = disaster * (v["rA"] - 1) + a_wins * v["rA"]
        outcome[move] = (disaster, a_wins, 1 - disaster - a_wins)
    best = max(payoff.values())
    choice = [m for m, x in payoff.items() if x == best]
    if len(choice) > 1:
        raise GameError(f"A is indifferent between {' and '.join(choice)}: several equilibria")
    choice = choice[0]
    backs_down = [] if choice == "status_quo" else [t for t in resolve if not stands_firm[(t, choice)]]
    disaster, a_wins, b_wins = outcome[choice]
    return {"choice": choice, "values": payoff, "stands_firm": stands_firm, "disaster": disaster,
            "A_prevails": a_wins, "B_prevails": b_wins, "backs_down": backs_down}


def chosen_risk_disaster():
    """Probability of disaster when A runs the risk ``rho`` that compels only the irresolute B:
    the brink itself, and once more against the resolute B.

    >>> chosen_risk_disaster()
    rho*(pB*(1 - rho) + 1)
    """
    from deterrence.core.symbolic import parameter_symbol
    rho, pB = parameter_symbol("rho"), parameter_symbol("pB")
    return rho * (1 + pB * (1 - rho))


# -- two-sided brinkmanship: the defender chooses a risk too --------------------------------
TWO_SIDED = {
    "rA": ("2/5", "A's resolve (prevailing rA, backing down 0, disaster rA - 1), known to both"),
    "pB": ("1/3", "prior probability that B is resolute"),
    "rBH": ("3/5", "resolve of a resolute B: the largest risk it runs rather than back down"),
    "rBL": ("3/10", "resolve of an irresolute B"),
    "rho1": ("1/10", "the risk of disaster of A's brink"),
    "rho2": ("1/2", "the lower risk B can counter-escalate to (at least rho1)"),
    "rho3": ("4/5", "the higher risk B can counter-escalate to"),
}
#: B's counter-escalations, each with the risk it runs
COUNTERS = {"escalate_2": "rho2", "escalate_3": "rho3"}


def brinkmanship_two_sided(symbolic: bool = False, **values):
    """Chance draws B's resolve; A keeps the status quo or goes to the brink at risk ``rho1``;
    B backs down or counter-escalates to risk ``rho2`` or ``rho3``; A, seeing the level but not
    B's resolve, backs down or accepts the gamble (the risk runs once more, then B backs down).

    >>> t = brinkmanship_two_sided()
    >>> t.infoset_of(("B_low", "brink", "safe")).actions
    ('back_down', 'escalate_2', 'escalate_3')
    >>> t.infoset_of(("B_low", "brink", "safe", "escalate_2", "safe")).player
    'A'
    """
    def counter(rB, move, rho):
        disaster = terminal(["rA - 1", f"{rB} - 1"])
        gamble = chance({"disaster": (rho, disaster), "safe": (f"1 - {rho}", terminal(["rA", 0]))})
        answer = decision("A", {"back_down": terminal([0, rB]), "stand_firm": gamble}, infoset=f"A_{move}")
        return chance({"disaster": (rho, disaster), "safe": (f"1 - {rho}", answer)})

    def challenger(b_type):
        rB = f"rB{b_type[0].upper()}"
        moves = {"back_down": terminal(["rA", 0])}
        moves.update({move: counter(rB, move, rho) for move, rho in COUNTERS.items()})
        answer = decision("B", moves, infoset=f"B_{b_type}")
        brink = chance({"disaster": ("rho1", terminal(["rA - 1", f"{rB} - 1"])), "safe": ("1 - rho1", answer)})
        return decision("A", {"status_quo": terminal([0, rB]), "brink": brink}, infoset="A")
    root = chance({"B_high": ("pB", challenger("high")), "B_low": ("1 - pB", challenger("low"))})
    return _tree(root, ["A", "B"], TWO_SIDED, symbolic, values,
                 "Two-sided brinkmanship: both sides choose a risk (Schelling, Powell)")


def two_sided_values(level: str = "s"):
    """A's expected payoff of the brink when B's counter-escalation to risk ``level`` compels A:
    ``(no type counter-escalates, only the resolute type does, both do)``; the status quo is 0.

    >>> two_sided_values()[1]
    rho1*(rA - 1) + (1 - rho1)*(pB*s*(rA - 1) + rA*(1 - pB))
    """
    from deterrence.core.symbolic import parameter_symbol
    s = _named_symbol("two_sided_values", "level", level)
    rA, pB, rho1 = (parameter_symbol(n) for n in ("rA", "pB", "rho1"))

    def value(x):
        return rho1 * (rA - 1) + (1 - rho1) * ((1 - x) * rA + x * s * (rA - 1))
    return value(0), value(pB), value(1)


def two_sided_threshold(level: str = "rho2"):
    """The prior that B is resolute below which A goes to the brink when only the resolute B
    counter-escalates, to risk ``level``: Powell's critical risk with ``now = rho1``,
    ``then = level``. With ``level = "rA"`` it is the threshold of the continuous game.

    >>> two_sided_threshold()
    (rA - rho1)/((1 - rho1)*(rA*(1 - rho2) + rho2))
    """
    return critical_risk("rA", "rho1", level)


def two_sided_disaster(level: str = "rho2"):
    """Probability of disaster when A goes to the brink and only the resolute B counter-escalates,
    to risk ``level``: the brink, then B's counter-escalation (A then backs down).

    >>> two_sided_disaster()
    pB*rho2*(1 - rho1) + rho1
    """
    from deterrence.core.symbolic import parameter_symbol
    s = _named_symbol("two_sided_disaster", "level", level)
    pB, rho1 = parameter_symbol("pB"), parameter_symbol("rho1")
    return rho1 + (1 - rho1) * pB * s


def two_sided_equilibrium(values: dict) -> dict:
    """The perfect Bayesian equilibrium of ``brinkmanship_two_sided`` at ``values`` (defaults for
    the others), exactly, by steps 1-3 of the module docstring.

    Returns ``{"choice": A's first move, "A_stands_firm": {counter: bool}, "counter": {b_type:
    B's move}, "level": the risk B uses to compel A or None, "value": A's payoff of the brink,
    "disaster": P(disaster), "A_prevails": ..., "B_prevails": ..., "backs_down": [B types that
    back down on the path, and "A" if A does]}``. Ties (A's resolve equal to a level, B's to the
    level it would use, A indifferent about the brink) are refused.

    >>> e = two_sided_equilibrium({})
    >>> e["choice"], e["counter"], e["disaster"], e["backs_down"]
    ('brink', {'high': 'escalate_2', 'low': 'back_down'}, Fraction(1, 4), ['low', 'A'])
    """
    from deterrence.errors import GameError
    v = _values(values, TWO_SIDED)
    rA = v["rA"]
    if not v["rho1"] <= v["rho2"] < v["rho3"]:
        raise GameError("two_sided_equilibrium needs rho1 <= rho2 < rho3")
    stands_firm = {}
    for move, name in COUNTERS.items():
        if rA == v[name]:
            raise GameError(f"A's resolve rA equals {name}: A is indifferent")
        stands_firm[move] = rA > v[name]
    compelling = [move for move in COUNTERS if not stands_firm[move]]
    level_move = compelling[0] if compelling else None
    counter = {}
    for b_type in ("high", "low"):
        rB = v[f"rB{b_type[0].upper()}"]
        if level_move is not None and rB == v[COUNTERS[level_move]]:
            raise GameError(f"B's resolve rB{b_type[0].upper()} equals {COUNTERS[level_move]}: B is indifferent")
        counter[b_type] = level_move if level_move is not None and rB > v[COUNTERS[level_move]] else "back_down"
    s = v[COUNTERS[level_move]] if level_move is not None else Fraction(0)
    x = v["pB"] * (counter["high"] != "back_down") + (1 - v["pB"]) * (counter["low"] != "back_down")
    disaster = v["rho1"] + (1 - v["rho1"]) * x * s
    a_wins = (1 - v["rho1"]) * (1 - x)
    value = disaster * (rA - 1) + a_wins * rA
    if value == 0:
        raise GameError("A is indifferent between the status quo and the brink: several equilibria")
    choice = "brink" if value > 0 else "status_quo"
    if choice == "status_quo":
        disaster, a_wins, backs_down = Fraction(0), Fraction(0), []
    else:
        backs_down = [t for t in ("high", "low") if counter[t] == "back_down"] + (["A"] if x else [])
    return {"choice": choice, "A_stands_firm": stands_firm, "counter": counter,
            "level": None if level_move is None else COUNTERS[level_move], "value": value,
            "disaster": disaster, "A_prevails": a_wins,
            "B_prevails": Fraction(0) if choice == "status_quo" else 1 - disaster - a_wins, "backs_down": backs_down}
