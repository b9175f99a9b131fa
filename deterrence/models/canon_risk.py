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
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.tree import chance, decision, terminal
from deterrence.models.canon import _tree
from deterrence.models.canon_beliefs import _values, critical_risk

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
    from deterrence.errors import GameError
    if not isinstance(risk, str) or not risk.isidentifier():
        raise GameError(f"chosen_risk_values: risk must be a parameter name such as 'rho1', got {risk!r}")
    rho, rA, pB = (parameter_symbol(n) for n in (risk, "rA", "pB"))
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
    from deterrence.errors import GameError
    for argument, name in (("low", low), ("high", high)):
        if not isinstance(name, str) or not name.isidentifier():
            raise GameError(f"chosen_risk_thresholds: {argument} must be a parameter name, got {name!r}")
    rho, rA = parameter_symbol(low), parameter_symbol("rA")
    return critical_risk("rA", low, low), (parameter_symbol(high) - rho) / ((1 - rho) * (rA * (1 - rho) + rho))


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
