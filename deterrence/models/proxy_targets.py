"""Proxy target selection: why Iran answers Israeli strikes by hitting US forces.

Israel **strikes** Iranian assets in Syria (or **holds**). Iran **absorbs**,
answers **against Israel**, or answers **against US forces** (through its
militias). The target that was hit then **retaliates** or **holds**. Iran's
answer against Israel is less effective (success ``e_is``, Israel's air
defences) and Israel retaliates hard (``r_is``); US forces in Iraq and Syria
are exposed (success ``e_us``) and the US answers with limited strikes
(``r_us``) because it seeks no wider war. Payoffs are listed (Israel, Iran, US);
the values that the US–Iran case calibration names
(:mod:`deterrence.models.us_iran_calibration`: ``c_us``, ``c_iran``, ``b_us``,
``b_iran``, ``k_us``, ``A``, ``D``) are its values, under its names but for two: ``h_us`` is
its ``c_us`` (the US cost of being hit) and ``r_us`` its ``c_iran``, named for the target beside
Israel's ``h_is`` and ``r_is`` (:data:`deterrence.models.us_iran_calibration.SHARED_NAMES`).
US forces are the "low-hanging fruit" when Iran's answer lands on them in every subgame-perfect equilibrium
(:func:`lands_on_us_forces` at given values). :func:`low_hanging_fruit_condition` gives the
condition on the parameters, symbolically: by default the union of the regimes of backward
induction in which Iran chooses ``answer_us``, which holds where the answer lands on US forces in
*some* subgame-perfect equilibrium (on its boundary Iran is indifferent, and another answer is an
equilibrium too: at ``r_us = 5`` with the other defaults); with ``every=True``, the condition of
:func:`lands_on_us_forces`.

Sources: the case brief (docs: The case brief; 22-23 March 2023, the Aleppo
strike and the Hasakah drone; expert claim 3, proxy target substitution).
Byman, D. (2018). Why engage in proxy war? A state's perspective. Lawfare.

Steps: a three-player tree (Israel, Iran, US) with formula payoffs; the
condition comes from :func:`deterrence.solvers.tree.backward_induction.symbolic_regimes`.
"""
from __future__ import annotations

from deterrence.core.tree import GameTree, decision, terminal

PARAMETERS = {
    "d_iran": (2, "damage to Iran from the Israeli strike"),
    "g_is": (2, "Israel's gain from striking Iranian assets"),
    "A": (4, "Iran's audience cost of absorbing without answer (the case calibration's A)"),
    "b_iran": (2, "Iran's value of a successful answer (the case calibration's b_iran, a limited strike's gain)"),
    "e_is": ("1/4", "chance that an answer against Israel succeeds (air defences)"),
    "e_us": ("3/4", "chance that an answer against exposed US forces succeeds"),
    "r_is": (4, "cost to Iran of Israel's retaliation"),
    "r_us": (3, "cost to Iran of a limited US retaliation (the case calibration's c_iran)"),
    "k_is": (1, "Israel's cost of carrying out a retaliation"),
    "k_us": ("10/3", "US cost of carrying out a limited retaliation (the case calibration's k_us)"),
    "b_us": (2, "US gain from a limited strike that answers an attack (the case calibration's b_us)"),
    "h_is": (3, "cost to Israel of being hit"),
    "h_us": (3, "cost to the US of being hit (the case calibration's c_us)"),
    "a_is": (3, "Israel's audience cost of not answering"),
    "D": (3, "US audience cost of leaving unanswered an attack like that of 23 March 2023, which killed "
             "an American (the case calibration's D)"),
}


#: the closed ranges of the parameters that are chances (an answer's success): [0, 1]
RANGES = {"e_is": (0, 1), "e_us": (0, 1)}


def proxy_targets(symbolic: bool = False, **values) -> GameTree:
    """The proxy target-selection tree (players Israel, Iran, US). A chance outside its range
    (:data:`RANGES`) is refused.

    >>> proxy_targets().node("strike").labels
    ('absorb', 'answer_israel', 'answer_us')
    >>> proxy_targets(e_us=2)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: e_us = 2 is not a probability (chance that an answer against exposed US forces
    succeeds): it must be from 0 to 1
    """
    from deterrence.core.numbers import check_probability, to_exact
    from deterrence.errors import GameError
    for name, bounds in RANGES.items():
        if name not in values:
            continue
        try:
            value = to_exact(values[name], name)
        except (GameError, TypeError):       # a formula: the tree reads it
            continue
        check_probability(name, value, PARAMETERS[name][1], bounds)
    params = {k: v for k, (v, _) in PARAMETERS.items()}
    params.update(values)
    tree = GameTree(decision("Israel", {
        "hold": terminal([0, 0, 0]),
        "strike": decision("Iran", {
            "absorb": terminal(["g_is", "-d_iran - A", 0]),
            "answer_israel": decision("Israel", {
                "retaliate": terminal(["g_is - e_is*h_is - k_is", "-d_iran + e_is*b_iran - r_is", 0]),
                "hold": terminal(["g_is - e_is*h_is - a_is", "-d_iran + e_is*b_iran", 0]),
            }),
            "answer_us": decision("US", {
                "retaliate": terminal(["g_is", "-d_iran + e_us*b_iran - r_us", "b_us - e_us*h_us - k_us"]),
                "hold": terminal(["g_is", "-d_iran + e_us*b_iran", "-e_us*h_us - D"]),
            }),
        }),
    }), players=["Israel", "Iran", "US"], parameters=params,
        title="Proxy target selection (Israel strikes, Iran answers, the target responds)",
        description="Iran answers Israeli strikes against the more exposed US forces: the low-hanging fruit.",
        sources=["Byman, D. (2018). Why engage in proxy war? A state's perspective. Lawfare."],
        extra={"parameter_notes": {k: about for k, (_, about) in PARAMETERS.items()}})
    return tree if symbolic else tree.with_defaults()


def low_hanging_fruit_condition(tree: GameTree | None = None, *, every: bool = False):
    """Condition (sympy boolean) under which Iran's answer lands on US forces.

    By default it holds where Iran answers against US forces in *some* subgame-perfect equilibrium
    (after the Israeli strike): the disjunction of the conditions of the regimes of symbolic
    backward induction in which Iran chooses ``answer_us``. The regimes are closed (``>=``), so on
    a boundary where Iran is indifferent the condition holds and another answer is an equilibrium
    too. With ``every=True`` it holds where *every* subgame-perfect equilibrium has Iran answering
    against US forces, which is :func:`lands_on_us_forces`: some regime lands on US forces and no
    regime in which Iran chooses otherwise holds.

    >>> import sympy
    >>> from deterrence.core.symbolic import parameter_symbol
    >>> defaults = {parameter_symbol(k): sympy.Rational(str(v)) for k, (v, _) in PARAMETERS.items()}
    >>> tie = {**defaults, parameter_symbol("r_us"): 5}     # Iran indifferent: US forces or Israel
    >>> [bool(low_hanging_fruit_condition(every=e).xreplace(at)) for at in (defaults, tie) for e in (False, True)]
    [True, True, True, False]
    >>> lands_on_us_forces(), lands_on_us_forces(r_us=5)
    (True, False)
    """
    import sympy
    from deterrence.solvers.tree.backward_induction import symbolic_regimes
    tree = tree if tree is not None else proxy_targets(symbolic=True)
    regimes = symbolic_regimes(tree, ("strike",))
    on_us = sympy.Or(*[c for c, moves, _ in regimes if moves["strike"] == "answer_us"])
    if not every:
        return on_us
    return sympy.And(on_us, sympy.Not(sympy.Or(*[c for c, moves, _ in regimes if moves["strike"] != "answer_us"])))


def lands_on_us_forces(**values) -> bool:
    """At these parameter values, does every SPE have Iran answering against US forces? (Where
    ``low_hanging_fruit_condition(every=True)`` holds; the default condition also holds on its
    boundary, where Iran is indifferent and answering Israel is an SPE too.)

    >>> lands_on_us_forces(), lands_on_us_forces(e_us="1/20", e_is="3/4", r_is=0), lands_on_us_forces(r_us=5)
    (True, False, False)
    """
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    return all(e.actions["strike"] == "answer_us" for e in subgame_perfect(proxy_targets(**values)))


def proxy_sections(proxy, equilibria=None, condition=None) -> list:
    """Where Iran's answer to an Israeli strike lands, and the condition for the US to be the target.

    ``equilibria`` and ``condition``: the subgame-perfect equilibria at the
    tree's defaults and :func:`low_hanging_fruit_condition`, when already
    computed (a model's analysis); computed here otherwise.

    >>> proxy_sections(proxy_targets(symbolic=True))[0].data["lands_on_us_forces"]
    True
    """
    from deterrence.core.report import Section
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    spe = subgame_perfect(proxy.with_defaults()) if equilibria is None else equilibria
    condition = low_hanging_fruit_condition(proxy) if condition is None else condition
    answers = sorted({e.actions["strike"] for e in spe.equilibria})
    on_us = answers == ["answer_us"]
    lines = [f"After an Israeli strike, Iran's answers in the subgame-perfect equilibria: {', '.join(answers)}.",
             ("US forces are the low-hanging fruit: the answer lands on them, not on Israel."
              if on_us else "The answer does not land on US forces in every subgame-perfect equilibrium "
                            "at these values."),
             "Condition for the answer to land on US forces in some subgame-perfect equilibrium (on its "
             f"boundary Iran is indifferent, and another answer is an equilibrium too): {condition}."]
    return [Section("proxies", "Proxies and the low-hanging fruit", tuple(lines), {
        "answers": answers, "lands_on_us_forces": on_us, "condition": str(condition),
        "equilibria": spe.to_json()["equilibria"]})]
