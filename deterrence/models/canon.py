"""The canon of deterrence and crisis models: game builders and published formulas.

Each builder returns the game tree of one catalogue entry (``games/NAME.toml``
holds the same tree with its description and claims); each formula function
returns the published result as a sympy expression over the entry's
parameters, so that tests can check it against the solvers at many points.

Sources:

* Fearon, J. D. (1995). Rationalist explanations for war. International
  Organization 49(3): 379-414 (bargaining range, risk-return trade-off,
  commitment problem).
* Fearon, J. D. (1994). Domestic political audiences and the escalation of
  international disputes. APSR 88(3): 577-592.
* Schelling, T. C. (1960). The Strategy of Conflict, ch. 8; Powell, R. (1990).
  Nuclear Deterrence Theory. Cambridge UP (brinkmanship).
* Zagare, F. C. and Kilgour, D. M. (2000). Perfect Deterrence. Cambridge UP
  (generalized mutual deterrence game, asymmetric escalation game).
* Jervis, R. (1978). Cooperation under the security dilemma. World Politics
  30(2); Kydd, A. (2005). Trust and Mistrust in International Relations.
  Princeton UP (costly reassurance).
* Selten, R. (1978). The chain store paradox; Kreps, D. and Wilson, R. (1982).
  Reputation and imperfect information. JET 27: 253-279; Milgrom, P. and
  Roberts, J. (1982). Predation, reputation and entry deterrence. JET 27.
* Huth, P. (1988). Extended Deterrence and the Prevention of War. Yale UP.

Steps (every builder): declare the parameters with their meaning, build the
nodes with payoff formulas over them, return the symbolic tree or the tree
at the default values (``symbolic=False``, the default).
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.core.validate import check_count

#: the largest ``grid`` and ``types`` the bargaining trees are built with (a tree of
#: about grid x types nodes)
MAX_GRID = MAX_TYPES = 1000


def _tree(root, players, parameters, symbolic, values, title):
    """A tree with declared parameters ``{name: (default, about)}``, symbolic or at values."""
    params = {k: v for k, (v, _) in parameters.items()}
    params.update(values)
    tree = GameTree(root, players=players, parameters=params, title=title,
                    extra={"parameter_notes": {k: about for k, (_, about) in parameters.items()}})
    return tree if symbolic else tree.with_defaults()


def _share(k: int, grid: int) -> str:
    return str(Fraction(k, grid))


# -- 1. Fearon (1995): the bargaining model of war ----------------------------------------
BARGAINING = {
    "p": ("1/2", "probability that A wins a war"),
    "cA": ("3/20", "A's cost of war (share of the pie)"),
    "cB": ("3/20", "B's cost of war (share of the pie)"),
}


def _demands(grid, demands):
    low, high = (0, grid) if demands is None else demands
    return range(low, high + 1)


def fearon_bargaining(grid: int = 10, demands=(3, 8), symbolic: bool = False, **values) -> GameTree:
    """A demands a share k/grid of the pie; B accepts or goes to war.

    ``demands`` = (lowest k, highest k), or None for every k from 0 to grid;
    the default keeps the catalogue tree small enough for its reduced normal form.

    >>> t = fearon_bargaining()
    >>> t.root.labels[:3], t.node("demand_6/war").payoffs
    (('demand_3', 'demand_4', 'demand_5'), (Fraction(7, 20), Fraction(7, 20)))
    """
    grid = check_count("grid", grid, limit=MAX_GRID)
    moves = {f"demand_{k}": decision("B", {
        "accept": terminal([_share(k, grid), _share(grid - k, grid)]),
        "war": terminal(["p - cA", "1 - p - cB"])}) for k in _demands(grid, demands)}
    return _tree(decision("A", moves), ["A", "B"], BARGAINING, symbolic, values,
                 "Fearon's bargaining model of war (complete information)")


def bargaining_range():
    """The shares x of A that both sides prefer to war: the open interval (p - cA, p + cB).

    >>> bargaining_range()
    (-cA + p, cB + p)
    """
    from deterrence.core.symbolic import parse_expression
    names = list(BARGAINING)
    return parse_expression("p - cA", names), parse_expression("p + cB", names)


RISK_RETURN = {
    "p": ("1/2", "probability that A wins a war"),
    "cA": ("1/10", "A's cost of war"),
    "cbar": ("3/10", "B's cost of war is uniform on (0, cbar); A does not know it"),
}


def fearon_risk_return(types: int = 3, grid: int = 10, demands=(5, 7), symbolic: bool = False,
                       **values) -> GameTree:
    """A demands k/grid; chance draws B's cost among ``types`` equally likely midpoints of (0, cbar).

    ``demands`` = (lowest k, highest k), or None for every k from 0 to grid;
    the default keeps the catalogue tree small enough for its reduced normal form.

    >>> t = fearon_risk_return()
    >>> t.node("demand_6").labels
    ('cost_1', 'cost_2', 'cost_3')
    """
    types = check_count("types", types, limit=MAX_TYPES)
    grid = check_count("grid", grid, limit=MAX_GRID)

    def after_demand(k):
        return chance({f"cost_{j + 1}": (f"1/{types}", decision("B", {
            "accept": terminal([_share(k, grid), _share(grid - k, grid)]),
            "war": terminal(["p - cA", f"1 - p - cbar*{2 * j + 1}/{2 * types}"])}))
            for j in range(types)})
    moves = {f"demand_{k}": after_demand(k) for k in _demands(grid, demands)}
    return _tree(decision("A", moves), ["A", "B"], RISK_RETURN, symbolic, values,
                 "Fearon's risk-return trade-off (private information about costs)")


def risk_return_formulas():
    """Optimal demand and probability of war with B's cost uniform on (0, cbar), for cA < cbar.

    A's expected payoff of demand x is x(1 - (x-p)/cbar) + (p - cA)(x-p)/cbar;
    the first-order condition gives x* = p + (cbar - cA)/2 and war when
    B's cost is below x* - p, with probability (cbar - cA)/(2 cbar).

    >>> risk_return_formulas()
    (-cA/2 + cbar/2 + p, (-cA + cbar)/(2*cbar))
    """
    from deterrence.core.symbolic import parse_expression
    names = list(RISK_RETURN)
    return (parse_expression("p + (cbar - cA)/2", names),
            parse_expression("(cbar - cA)/(2*cbar)", names))


COMMITMENT = {
    "p1": ("4/5", "declining state's probability of winning a war today"),
    "p2": ("1/5", "its probability of winning tomorrow, after the power shift"),
    "cA": ("1/10", "declining state's cost of war"),
    "cB": ("1/10", "rising state's cost of war"),
    "delta": ("9/10", "weight of tomorrow (discount factor)"),
}


def commitment_problem(grid: int = 4, symbolic: bool = False, **values) -> GameTree:
    """The rising state offers a share today; tomorrow's bargain is the complete-information one.

    >>> commitment_problem().node("offer_4/accept").payoffs
    (Fraction(109, 100), Fraction(81, 100))
    """
    grid = check_count("grid", grid, limit=MAX_GRID)
    moves = {f"offer_{k}": decision("Declining", {
        "accept": terminal([f"{_share(k, grid)} + delta*(p2 - cA)",
                            f"{_share(grid - k, grid)} + delta*(1 - p2 + cA)"]),
        "war": terminal(["(1 + delta)*p1 - cA", "(1 + delta)*(1 - p1) - cB"])})
        for k in range(grid + 1)}
    return _tree(decision("Rising", moves), ["Declining", "Rising"], COMMITMENT, symbolic, values,
                 "The commitment problem under shifting power")


def preventive_war_condition():
    """Preventive war iff the discounted power shift exceeds what can be conceded today.

    Even the whole pie today (1) plus tomorrow's bargain delta*(p2 - cA) is
    worth less to the declining state than war now, (1 + delta)*p1 - cA:
    delta*(p1 - p2) > (1 - p1) + (1 - delta)*cA.

    >>> preventive_war_condition()
    delta*(p1 - p2) > cA*(1 - delta) - p1 + 1
    """
    from deterrence.core.symbolic import parse_expression
    names = list(COMMITMENT)
    return parse_expression("delta*(p1 - p2)", names) > parse_expression("(1 - p1) + (1 - delta)*cA", names)


# -- 2. Fearon (1994): audience costs ------------------------------------------------------
AUDIENCE = {
    "p": ("1/2", "prior probability that A is resolved"),
    "v": (1, "value of the stakes: what the side that prevails gains and the other loses"),
    "a": (1, "A's audience cost of backing down after a public threat"),
    "wR": ("1/2", "resolved A's payoff from war"),
    "wI": (-3, "irresolute A's payoff from war"),
    "wB": (-2, "B's payoff from war"),
}


def audience_costs(symbolic: bool = False, **values) -> GameTree:
    """Chance draws A's resolve; A threatens in public or stays quiet; B backs down or stands firm.

    >>> audience_costs().node("resolved/threaten/stand_firm/back_down").payoffs
    (-1, 1)
    """
    def branch(war):
        return decision("A", {
            "quiet": terminal([0, 0]),
            "threaten": decision("B", {
                "back_down": terminal(["v", "-v"]),
                "stand_firm": decision("A", {"fight": terminal([war, "wB"]),
                                             "back_down": terminal(["-a", "v"])})},
                infoset="after_threat")})
    root = chance({"resolved": ("p", branch("wR")), "irresolute": ("1 - p", branch("wI"))})
    return _tree(root, ["A", "B"], AUDIENCE, symbolic, values, "Audience costs (Fearon 1994)")


def audience_cost_formulas():
    """Semi-separating equilibrium when the resolved type prefers war to the status quo.

    B stands firm with the probability that leaves the irresolute type
    indifferent between bluffing and staying quiet, v/(v + a) (higher
    audience costs: B resists less); B is indifferent at the belief
    mu* = 2v/(v - wB), which the irresolute type's bluffing probability
    p(1 - mu*)/((1 - p) mu*) produces by Bayes' rule.

    >>> audience_cost_formulas()
    (v/(a + v), 2*v/(v - wB), p*(-v - wB)/(2*v*(1 - p)))
    """
    from deterrence.core.symbolic import parse_expression
    names = list(AUDIENCE)
    stand = parse_expression("v/(v + a)", names)
    mu = parse_expression("2*v/(v - wB)", names)
    bluff = parse_expression("p*(-v - wB)/(2*v*(1 - p))", names)
    return stand, mu, bluff


# -- 3. Schelling and Powell: brinkmanship ---------------------------------------------------
BRINKMANSHIP = {
    "r": ("1/5", "risk of disaster that each step of escalation runs"),
    "vA": (2, "A's value of prevailing"),
    "vB": (1, "B's value of prevailing"),
    "dA": (3, "A's cost of disaster"),
    "dB": (3, "B's cost of disaster"),
}


def brinkmanship(symbolic: bool = False, **values) -> GameTree:
    """Three steps up the ladder: each escalation risks disaster with probability r.

    >>> brinkmanship().node("escalate/safe/escalate/safe/escalate/safe").player
    'B'
    """
    disaster = terminal(["-dA", "-dB"])
    last = decision("B", {"back_down": terminal(["vA", 0]), "escalate": disaster})

    def step(player, then):
        other_wins = terminal([0, "vB"] if player == "A" else ["vA", 0])
        return decision(player, {"back_down": other_wins,
                                 "escalate": chance({"disaster": ("r", disaster), "safe": ("1 - r", then)})})
    root = step("A", step("B", step("A", last)))
    return _tree(root, ["A", "B"], BRINKMANSHIP, symbolic, values, "Brinkmanship")


def brinkmanship_resolve(player: str = "A"):
    """The largest risk a side runs rather than give in: v/(v + d).

    >>> brinkmanship_resolve("A"), brinkmanship_resolve("B")
    (vA/(dA + vA), vB/(dB + vB))
    """
    from deterrence.core.symbolic import parse_expression
    from deterrence.errors import GameError
    if player not in ("A", "B"):
        raise GameError(f"player must be 'A' or 'B', got {player!r}")
    return parse_expression(f"v{player}/(v{player} + d{player})", list(BRINKMANSHIP))


def brinkmanship_disaster_risk(values: dict):
    """Equilibrium risk of disaster: r if A's resolve exceeds r (A escalates once, B backs down), else 0.

    >>> brinkmanship_disaster_risk({"r": Fraction(1, 5), "vA": 2, "dA": 3})
    Fraction(1, 5)
    """
    r = Fraction(values["r"])
    return r if r < Fraction(values["vA"]) / (Fraction(values["vA"]) + Fraction(values["dA"])) else Fraction(0)


# -- 4. Zagare and Kilgour: perfect deterrence ----------------------------------------------
MUTUAL = {
    "sq1": (3, "player 1's payoff from the status quo"), "win1": (4, "1's payoff when 2 concedes"),
    "lose1": (1, "1's payoff when it concedes"), "war1": (2, "1's payoff from conflict"),
    "sq2": (3, "player 2's payoff from the status quo"), "win2": (4, "2's payoff when 1 concedes"),
    "lose2": (1, "2's payoff when it concedes"), "war2": (2, "2's payoff from conflict"),
}


def mutual_deterrence(symbolic: bool = False, **values) -> GameTree:
    """Generalized mutual deterrence game: 1 cooperates or defects; the other may retaliate.

    >>> mutual_deterrence().node("cooperate/defect/retaliate").payoffs
    (2, 2)
    """
    root = decision("Player1", {
        "defect": decision("Player2", {"concede": terminal(["win1", "lose2"]),
                                       "retaliate": terminal(["war1", "war2"])}),
        "cooperate": decision("Player2", {
            "cooperate": terminal(["sq1", "sq2"]),
            "defect": decision("Player1", {"concede": terminal(["lose1", "win2"]),
                                           "retaliate": terminal(["war1", "war2"])})})})
    return _tree(root, ["Player1", "Player2"], MUTUAL, symbolic, values,
                 "Generalized mutual deterrence (Zagare-Kilgour)")


def mutual_deterrence_outcome(values: dict) -> str:
    """Outcome of the subgame-perfect equilibrium: "status_quo", "1_concedes", "2_concedes" or "conflict".

    A threat to retaliate is credible when conflict beats conceding (war_i > lose_i).

    >>> mutual_deterrence_outcome({"sq1": 3, "win1": 4, "lose1": 1, "war1": 2,
    ...                            "sq2": 3, "win2": 4, "lose2": 1, "war2": 2})
    'status_quo'
    """
    v = {k: Fraction(x) for k, x in values.items()}
    credible1, credible2 = v["war1"] > v["lose1"], v["war2"] > v["lose2"]
    after_defect = (v["war1"], "conflict") if credible2 else (v["win1"], "2_concedes")
    if credible1:
        after_coop = (v["sq1"], "status_quo") if v["sq2"] > v["war2"] else (v["war1"], "conflict")
    else:
        after_coop = (v["sq1"], "status_quo") if v["sq2"] > v["win2"] else (v["lose1"], "1_concedes")
    return max(after_defect, after_coop, key=lambda t: t[0])[1]


ESCALATION = {
    "sqC": (3, "Challenger: status quo"), "dcC": (4, "Challenger: Defender concedes"),
    "ddC": (2, "Challenger: limited conflict"), "edC": (5, "Challenger escalates alone"),
    "deC": (1, "Challenger backs down after Defender escalates"), "eeC": (0, "Challenger: all-out conflict"),
    "sqD": (5, "Defender: status quo"), "dcD": (1, "Defender concedes"),
    "ddD": (3, "Defender: limited conflict"), "edD": (0, "Defender stays limited while Challenger escalates"),
    "deD": (4, "Defender escalates and Challenger backs down"), "eeD": (2, "Defender: all-out conflict"),
}


def asymmetric_escalation(symbolic: bool = False, **values) -> GameTree:
    """Asymmetric escalation game: initiate, respond in kind or escalate, counter-escalate.

    >>> asymmetric_escalation().node("initiate/escalate").labels
    ('back_down', 'escalate')
    """
    root = decision("Challenger", {
        "status_quo": terminal(["sqC", "sqD"]),
        "initiate": decision("Defender", {
            "concede": terminal(["dcC", "dcD"]),
            "limited": decision("Challenger", {
                "hold": terminal(["ddC", "ddD"]),
                "escalate": decision("Defender", {"back_down": terminal(["edC", "edD"]),
                                                  "escalate": terminal(["eeC", "eeD"])})}),
            "escalate": decision("Challenger", {"back_down": terminal(["deC", "deD"]),
                                                "escalate": terminal(["eeC", "eeD"])})})})
    return _tree(root, ["Challenger", "Defender"], ESCALATION, symbolic, values,
                 "Asymmetric escalation (Zagare-Kilgour)")


def escalation_outcome(values: dict) -> str:
    """Outcome of the subgame-perfect equilibrium by the credibility of the Defender's threats.

    The Defender's escalatory threat is credible when eeD > edD; its
    capability to respond in kind, when the response beats conceding. Returns
    one of "status_quo", "defender_concedes", "limited_conflict",
    "challenger_escalates", "challenger_backs_down", "all_out_conflict".

    >>> escalation_outcome({k: d for k, (d, _) in ESCALATION.items()})
    'status_quo'
    """
    v = {k: Fraction(x) for k, x in values.items()}
    top = ("all_out_conflict", v["eeC"], v["eeD"]) if v["eeD"] > v["edD"] else \
        ("challenger_escalates", v["edC"], v["edD"])
    limited = top if top[1] > v["ddC"] else ("limited_conflict", v["ddC"], v["ddD"])
    escalated = ("all_out_conflict", v["eeC"], v["eeD"]) if v["eeC"] > v["deC"] else \
        ("challenger_backs_down", v["deC"], v["deD"])
    response = max([("defender_concedes", v["dcC"], v["dcD"]), limited, escalated], key=lambda t: t[2])
    return response[0] if response[1] > v["sqC"] else "status_quo"


# -- 5. The security dilemma: Kydd's costly reassurance -------------------------------------
REASSURANCE = {
    "p": ("1/3", "prior probability that A is a security seeker (trustworthy)"),
    "rB": (2, "B's payoff when it cooperates with a trustworthy A"),
    "sB": (-2, "B's payoff when an untrustworthy A exploits its cooperation"),
    "gT": (3, "trustworthy A's gain from B's cooperation"),
    "gU": (2, "untrustworthy A's gain from B's cooperation"),
    "kT": (1, "trustworthy A's cost of the reassuring gesture"),
    "kU": (3, "untrustworthy A's cost of the same gesture"),
}


def reassurance_game(symbolic: bool = False, **values) -> GameTree:
    """Chance draws A's type; A makes a costly reassuring gesture or not; B cooperates or not.

    >>> reassurance_game().node("untrustworthy/reassure/cooperate").payoffs
    (-1, -2)
    """
    def branch(gain, cost, b_payoff):
        return decision("A", {
            "reassure": decision("B", {"cooperate": terminal([f"{gain} - {cost}", b_payoff]),
                                       "defect": terminal([f"-{cost}", 0])}, infoset="after_reassure"),
            "no_signal": decision("B", {"cooperate": terminal([gain, b_payoff]),
                                        "defect": terminal([0, 0])}, infoset="after_no_signal")})
    root = chance({"trustworthy": ("p", branch("gT", "kT", "rB")),
                   "untrustworthy": ("1 - p", branch("gU", "kU", "sB"))})
    return _tree(root, ["A", "B"], REASSURANCE, symbolic, values, "Costly reassurance (Kydd)")


def trust_threshold():
    """The prior above which B cooperates without a signal: -sB/(rB - sB).

    >>> trust_threshold()
    -sB/(rB - sB)
    """
    from deterrence.core.symbolic import parse_expression
    return parse_expression("-sB/(rB - sB)", list(REASSURANCE))


def separating_condition(values: dict) -> bool:
    """Reassurance separates the types iff the trustworthy type can afford it and the other cannot.

    >>> separating_condition({"kT": 1, "gT": 3, "kU": 3, "gU": 2})
    True
    """
    v = {k: Fraction(x) for k, x in values.items()}
    return v["kT"] < v["gT"] and v["kU"] > v["gU"]


# -- 6. War of attrition ------------------------------------------------------------------
def attrition_quit_probability(player: str = "A"):
    """Stationary mixed equilibrium: each round a side quits with c_j/(V_j + c_j), j its rival.

    With a round of length h and cost c*h, the quitting hazard tends to c_j/V_j.

    >>> attrition_quit_probability("A")
    cB/(VB + cB)
    """
    from deterrence.core.symbolic import parse_expression
    other = "B" if player == "A" else "A"
    return parse_expression(f"c{other}/(V{other} + c{other})", [f"V{other}", f"c{other}"])


ATTRITION_RESOLVE = {
    "q": ("1/4", "prior probability that B is resolute (always prefers to fight on)"),
    "VA": (3, "value of the prize to A"),
    "VB": (2, "value of the prize to a normal B"),
    "cA": (1, "A's cost of one more round of war"),
    "cB": (1, "a normal B's cost of one more round"),
    "VR": (4, "value of the prize to a resolute B"),
    "sR": (1, "a resolute B's payoff from fighting on (positive: it never quits)"),
}


def attrition_private_resolve(symbolic: bool = False, **values) -> GameTree:
    """One round of the war of attrition when A does not know whether B is resolute.

    Chance draws B's type; A and B then choose at the same time (A does not
    see the type, B does not see A's move); continuing is worth 0, as in the
    stationary equilibrium.

    >>> attrition_private_resolve().node("resolute/fight/fight").payoffs
    (-1, 1)
    """
    def branch(prize, both_fight, kind):
        def b_move(a_quits):
            return decision("B", {"quit": terminal(["VA" if not a_quits else 0, 0]),
                                  "fight": terminal([0, prize] if a_quits else ["-cA", both_fight])},
                            infoset=f"B_{kind}")
        return decision("A", {"quit": b_move(True), "fight": b_move(False)}, infoset="A")
    root = chance({"resolute": ("q", branch("VR", "sR", "resolute")),
                   "normal": ("1 - q", branch("VB", "-cB", "normal"))})
    return _tree(root, ["A", "B"], ATTRITION_RESOLVE, symbolic, values,
                 "War of attrition with private information about resolve")


def attrition_resolve_formulas():
    """A gives up at once when q > VA/(VA + cA); below that, A quits with cB/(VB + cB)
    and a normal B with cA/((1 - q)(VA + cA)), each keeping the other indifferent.

    >>> attrition_resolve_formulas()
    (VA/(VA + cA), cB/(VB + cB), cA/((1 - q)*(VA + cA)))
    """
    from deterrence.core.symbolic import parse_expression
    names = list(ATTRITION_RESOLVE)
    return (parse_expression("VA/(VA + cA)", names), parse_expression("cB/(VB + cB)", names),
            parse_expression("cA/((1 - q)*(VA + cA))", names))


# -- 7. Reputation: chain store and Kreps-Wilson ---------------------------------------------
CHAIN_STORE = {
    "a": (2, "incumbent's profit in a market the entrant stays out of"),
    "b": ("1/2", "entrant's profit if the incumbent accommodates (b - 1 if it fights)"),
}


def chain_store(markets: int = 2, symbolic: bool = False, **values) -> GameTree:
    """Selten's chain store: entrants 1..n in turn stay out or enter; the incumbent fights or accommodates.

    >>> t = chain_store(2)
    >>> t.players, t.node("in/accommodate/out").payoffs
    (('Incumbent', 'Entrant1', 'Entrant2'), (2, Fraction(1, 2), 0))
    """
    n = markets

    def market(k, totals):
        if k == n:
            return terminal(totals)
        out = totals[:]
        out[0] = f"{totals[0]} + a"
        fight = totals[:]
        fight[0], fight[k + 1] = f"{totals[0]} - 1", "b - 1"
        acc = totals[:]
        acc[k + 1] = "b"
        return decision(f"Entrant{k + 1}", {
            "out": market(k + 1, out),
            "in": decision("Incumbent", {"fight": market(k + 1, fight),
                                         "accommodate": market(k + 1, acc)})})
    return _tree(market(0, ["0"] + ["0"] * n), ["Incumbent"] + [f"Entrant{k + 1}" for k in range(n)],
                 CHAIN_STORE, symbolic, values, f"Chain store ({n} markets)")


def reputation_threshold(k: int):
    """Kreps-Wilson: with k markets to go the entrant stays out iff the reputation exceeds b**k.

    >>> reputation_threshold(3)
    b**3
    """
    from deterrence.core.symbolic import parameter_symbol
    from deterrence.errors import GameError
    # checked before sympy sees it: sympy would sympify (run) a string exponent
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise GameError(f"k (markets to go) must be a whole number >= 0, got {k!r}")
    return parameter_symbol("b") ** k


def weak_fight_probability(mu, k: int, b):
    """Probability the weak incumbent fights with k markets to go, so that Bayes' rule
    takes a reputation mu < b**(k-1) up to b**(k-1): mu(1 - b^(k-1))/((1 - mu) b^(k-1)).

    >>> weak_fight_probability(Fraction(1, 8), 3, Fraction(1, 2))
    Fraction(3, 7)
    """
    target = Fraction(b) ** (k - 1)
    mu = Fraction(mu)
    return Fraction(1) if mu >= target else mu * (1 - target) / ((1 - mu) * target)


# -- 8. Extended deterrence ----------------------------------------------------------------
EXTENDED = {
    "e": ("1/2", "defender's peacetime cost of a public commitment"),
    "kD": (3, "defender's cost of intervening in the war"),
    "lD": (2, "defender's loss when the protege is defeated or coerced"),
    "rD": (2, "defender's reputation cost of abandoning a protege it committed to"),
    "lP": (2, "protege's loss from yielding"),
    "wP": (1, "protege's cost of fighting with the defender's help"),
    "aP": (3, "protege's cost of fighting alone"),
    "gC": (1, "challenger's gain when the protege yields or fights alone"),
    "wC": (4, "challenger's cost of war against protege and defender"),
}


def extended_deterrence(symbolic: bool = False, **values) -> GameTree:
    """Defender commits or not; challenger attacks the protege or not; protege yields or resists;
    the defender intervenes or stays out.

    >>> extended_deterrence().players
    ('Defender', 'Protege', 'Challenger')
    """
    def after(commit):
        abandon = "lD + rD" if commit else "lD"
        cost = "e + " if commit else ""
        return decision("Challenger", {
            "status_quo": terminal([f"-({cost}0)", 0, 0]),
            "attack": decision("Protege", {
                "yield": terminal([f"-({cost}{abandon})", "-lP", "gC"]),
                "resist": decision("Defender", {
                    "intervene": terminal([f"-({cost}kD)", "-wP", "-wC"]),
                    "stay_out": terminal([f"-({cost}{abandon})", "-aP", "gC"])})})})
    root = decision("Defender", {"commit": after(True), "no_commit": after(False)})
    return _tree(root, ["Defender", "Protege", "Challenger"], EXTENDED, symbolic, values,
                 "Extended deterrence")


def commitment_deters(values: dict) -> bool:
    """Whether the defender's commitment is what deters (challenger's gain gC > 0 assumed).

    Committed, intervention is credible iff kD < lD + rD; uncommitted, iff kD < lD.
    Credible intervention makes the protege resist (wP < lP) and the challenger
    keep the peace (wC > 0). The commitment deters when it is credible, deterrence
    fails without it, and it costs less than the loss it prevents (e < lD).

    >>> commitment_deters({k: d for k, (d, _) in EXTENDED.items()})
    True
    """
    v = {k: Fraction(x) for k, x in values.items()}
    holds = v["wP"] < v["lP"] and v["wC"] > 0
    with_commitment = v["kD"] < v["lD"] + v["rD"] and holds
    without = v["kD"] < v["lD"] and holds
    return with_commitment and not without and v["e"] < v["lD"]
