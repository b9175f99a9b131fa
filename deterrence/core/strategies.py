"""A library of named repeated-game strategies, built for a given stage game.

Strategies are generic over action labels. Each is built from three *roles*
of a player's actions: ``hold`` (the first action), ``retaliate`` (a limited
strike: the second action) and ``escalate`` (the last action). In a two-action
game such as the prisoner's dilemma, cooperate = hold = first action and
defect = retaliate = escalate = second action, so the classic definitions come
out. Roles can be overridden: ``strategy("tit_for_tat", game, hold="C", retaliate="D")``.

=========================  ==============================================================
name                       definition (source)
=========================  ==============================================================
``always_hold``            ALLC: always hold (Axelrod 1984)
``always_escalate``        ALLD: always play the top rung (Axelrod 1984)
``grim_trigger``           hold until any departure from (hold, hold) by either side, then
                           escalate forever (Friedman, Rev. Econ. Stud. 38, 1971)
``tit_for_tat``            hold first; answer a strike with a limited strike, hold after a
                           hold (Rapoport; Axelrod 1984). ``mirror=True``: copy the
                           opponent's last action exactly
``limited_retaliation``    answer a strike with ``k`` rounds of limited strikes (a new strike
                           restarts the count), then hold again; ``k = 1`` is tit-for-tat
``generous_tit_for_tat``   tit-for-tat that forgives a strike with probability ``g``
                           (Nowak and Sigmund, Nature 355, 1992; Molander, J. Conflict
                           Resolut. 29, 1985)
``contrite_tit_for_tat``   standing-based TFT: strike only when oneself is in good standing
                           and the opponent in bad standing (Sugden 1986; Boyd, J. Theor.
                           Biol. 136, 1989; Wu and Axelrod, J. Conflict Resolut. 39, 1995)
``win_stay_lose_shift``    Pavlov: hold when both sides did the same (both held or both
                           struck), strike otherwise (Nowak and Sigmund, Nature 364, 1993)
``hawk``                   escalation-prone: probes with limited strikes, escalates when
                           struck back, calms down to probing only after the opponent holds
=========================  ==============================================================
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.errors import GameError, TooLargeError
from deterrence.core.automaton import MAX_STATES, Automaton


def _roles(game, player, hold=None, retaliate=None, escalate=None):
    i = game.player_index(player)
    own, opp = game.actions[i], game.actions[1 - i]
    if len(own) < 2:
        raise GameError(f"player {game.players[i]} has one action: nothing to choose")

    def pick(label, default, pool, role):
        if label is None:
            return default
        if label not in pool:
            raise GameError(f"role {role}: unknown action {label!r} of player {game.players[i]} "
                            f"(actions: {', '.join(pool)})")
        return label
    h = pick(hold, own[0], own, "hold")
    r = pick(retaliate, own[1], own, "retaliate")
    e = pick(escalate, own[-1], own, "escalate")
    # the opponent's hold is its first action (or the same label, if it has it)
    oh = h if h in opp else opp[0]
    return own, opp, h, r, e, oh


def _strikes(opp, oh):
    return [b for b in opp if b != oh]


def _always_name(label, role: str) -> str:
    """The name of a strategy that always plays ``label``: ``always_<label>``, in the game's own
    words (``always_D`` in the prisoner's dilemma, ``always_escalate`` in the US–Iran round; a
    review read ``always_escalate`` in a tournament of the prisoner's dilemma); the role's name
    when the label is not a name (``always_hold`` for an action ``"hold fire"``).

    >>> _always_name("D", "escalate"), _always_name("hold fire", "hold")
    ('always_D', 'always_hold')
    """
    return f"always_{label}" if str(label).isidentifier() else f"always_{role}"


def always_hold(game, player=0, **roles) -> Automaton:
    """ALLC: hold in every round; named after the action it plays (``always_C`` in the PD).

    >>> from deterrence import load_game
    >>> a = always_hold(load_game("prisoners_dilemma"))
    >>> a.output("hold"), a.name, always_hold(load_game("us_iran_stage")).name
    ({'C': 1}, 'always_C', 'always_hold')
    """
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    return Automaton(["hold"], "hold", {"hold": h}, ["*: *, * -> hold"], own, opp,
                     name=_always_name(h, "hold"), description=f"ALLC: always {h}")


def always_escalate(game, player=0, **roles) -> Automaton:
    """ALLD: play the top rung (escalate; defect in the PD) in every round; named after the
    action it plays (``always_D`` in the PD).

    >>> from deterrence import load_game
    >>> always_escalate(load_game("us_iran_stage")).output("war"), always_escalate(load_game("prisoners_dilemma")).name
    ({'escalate': 1}, 'always_D')
    """
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    return Automaton(["war"], "war", {"war": e}, ["*: *, * -> war"], own, opp,
                     name=_always_name(e, "escalate"), description=f"ALLD: always {e}")


def _always_action(game, player, label):
    """The strategy ``always_<label>`` names, for any action of the player: ALLC or ALLD when the
    label is the hold or the top rung (their states), else the one-state automaton playing it.

    >>> from deterrence import load_game
    >>> _always_action(load_game("prisoners_dilemma"), 1, "D").states
    ('war',)
    >>> t = _always_action(load_game("us_iran_stage"), 0, "retaliate"); t.name, t.output("retaliate")
    ('always_retaliate', {'retaliate': 1})
    """
    own, opp, h, r, e, oh = _roles(game, player)
    if label == h:
        return always_hold(game, player)
    if label == e:
        return always_escalate(game, player)
    return Automaton([label], label, {label: label}, [f"*: *, * -> {label}"], own, opp,
                     name=f"always_{label}", description=f"always {label}")


def grim_trigger(game, player=0, **roles) -> Automaton:
    """GRIM: hold until either side departs from (hold, hold); then escalate forever.

    >>> from deterrence import load_game
    >>> g = grim_trigger(load_game("prisoners_dilemma"))
    >>> g.next_state("calm", "C", "D"), g.next_state("war", "C", "C")
    ('war', 'war')
    """
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    return Automaton(["calm", "war"], "calm", {"calm": h, "war": e},
                     [f"calm: {h}, {oh} -> calm", "calm: *, * -> war", "war: *, * -> war"],
                     own, opp, name="grim_trigger",
                     description="hold until any departure from (hold, hold), then escalate forever")


def tit_for_tat(game, player=0, mirror=False, **roles) -> Automaton:
    """TFT: hold first, then answer a strike with a limited strike and a hold with a hold.

    With ``mirror=True`` the opponent's last action is copied exactly (an
    escalation is answered by an escalation); this needs both players to have
    the same labels.

    >>> from deterrence import load_game
    >>> t = tit_for_tat(load_game("us_iran_stage"))
    >>> t.next_state("calm", "hold", "escalate"), t.output("strike")
    ('strike', {'retaliate': 1})
    """
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    if mirror:
        if set(opp) - set(own):
            raise GameError("mirror tit-for-tat needs the opponent's actions among the player's own")
        states = [f"after_{b}" for b in opp]
        return Automaton(states, f"after_{oh}", {f"after_{b}": b for b in opp},
                         [f"*: *, {b} -> after_{b}" for b in opp], own, opp,
                         name="tit_for_tat(mirror=True)", description="copy the opponent's last action")
    rules = [f"*: *, {oh} -> calm"] + [f"*: *, {b} -> strike" for b in _strikes(opp, oh)]
    return Automaton(["calm", "strike"], "calm", {"calm": h, "strike": r}, rules, own, opp,
                     name="tit_for_tat",
                     description="hold first; answer a strike with a limited strike")


def limited_retaliation(game, player=0, k=2, **roles) -> Automaton:
    """Answer a strike with ``k`` rounds of limited strikes, then hold (proportional retaliation).

    >>> from deterrence import load_game
    >>> limited_retaliation(load_game("us_iran_stage"), k=3).states
    ('calm', 'strike1', 'strike2', 'strike3')
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise GameError(f"limited_retaliation: k must be a whole number of rounds >= 1, got {k!r}")
    if k >= MAX_STATES:
        raise TooLargeError(f"limited_retaliation: k = {k} rounds would need {k + 1} states, over the "
                            f"limit of {MAX_STATES} states of an automaton")
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    states = ["calm"] + [f"strike{j}" for j in range(1, k + 1)]
    rules = [f"*: *, {b} -> strike1" for b in _strikes(opp, oh)]
    rules.append(f"calm: *, {oh} -> calm")
    for j in range(1, k + 1):
        rules.append(f"strike{j}: *, {oh} -> " + (f"strike{j + 1}" if j < k else "calm"))
    play = {"calm": h, **{f"strike{j}": r for j in range(1, k + 1)}}
    # the name carries a k other than the default: limited_retaliation for k = 1 and k = 3 read alike
    return Automaton(states, "calm", play, rules, own, opp,
                     name="limited_retaliation" if k == 2 else f"limited_retaliation(k={k})",
                     description=f"answer a strike with {k} rounds of limited strikes")


def _nowak_sigmund_g(game, player):
    """min(1 - (T-R)/(R-S), (R-P)/(T-P)) for a 2x2 PD at the game's values, else None."""
    try:
        g = game.with_defaults() if game.is_symbolic else game
        if g.shape != (2, 2):
            return None
        i = g.player_index(player)
        u = g.payoff_arrays[i] if i == 0 else g.payoff_arrays[i].T
        R, S, T, P = u[0, 0], u[0, 1], u[1, 0], u[1, 1]
        if not (T > R > P > S):
            return None
        return max(Fraction(0), min(1 - Fraction(T - R) / (R - S), Fraction(R - P) / (T - P)))
    except Exception:  # noqa: BLE001 - any failure: fall back to the default
        return None


def generous_tit_for_tat(game, player=0, g=None, **roles) -> Automaton:
    """GTFT: tit-for-tat that forgives a strike (holds) with probability ``g``.

    ``g`` defaults to Nowak and Sigmund's ``min(1 - (T-R)/(R-S), (R-P)/(T-P))``
    for a prisoner's dilemma (1/3 at Axelrod's payoffs), else ``1/10``. It may
    be a formula string over the game's parameters.

    >>> from deterrence import load_game
    >>> generous_tit_for_tat(load_game("prisoners_dilemma")).output("strike")
    {'C': Fraction(1, 3), 'D': Fraction(2, 3)}
    """
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    name = "generous_tit_for_tat" if g is None else f"generous_tit_for_tat(g={g})"
    if g is None:
        g = _nowak_sigmund_g(game, player)
        g = Fraction(1, 10) if g is None else g
    else:       # a number too: g=2 gave "probability of 'straight' in state 'strike' is -1" (an error review)
        from deterrence.core.automaton import _probability
        g = _probability(g, "generous_tit_for_tat: forgiveness g", tuple(game.parameters), None)
    play = {"calm": h, "strike": ({r: 1 - g, h: g} if r != h else h)}
    rules = [f"*: *, {oh} -> calm"] + [f"*: *, {b} -> strike" for b in _strikes(opp, oh)]
    return Automaton(["calm", "strike"], "calm", play, rules, own, opp,
                     name=name, parameters=tuple(game.parameters),
                     description=f"tit-for-tat forgiving with probability {g}")


def contrite_tit_for_tat(game, player=0, **roles) -> Automaton:
    """CTFT (Boyd 1989): states are (own standing, opponent standing), g = good, b = bad.

    A side is in good standing after it held, or after it struck while in good
    standing against an opponent in bad standing; otherwise in bad standing.
    CTFT strikes (limited) only in state ``gb`` (good self, bad opponent).

    >>> from deterrence import load_game
    >>> c = contrite_tit_for_tat(load_game("prisoners_dilemma"))
    >>> c.next_state("gg", "D", "C"), c.output("bg")
    ('bg', {'C': 1})
    """
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    states = ["gg", "gb", "bg", "bb"]
    table = {}
    for s in states:
        mine, theirs = s[0], s[1]
        for a in own:
            for b in opp:
                m = "g" if a == h or (mine == "g" and theirs == "b") else "b"
                t = "g" if b == oh or (theirs == "g" and mine == "b") else "b"
                table[(s, a, b)] = m + t
    play = {s: (r if s == "gb" else h) for s in states}
    return Automaton(states, "gg", play, table, own, opp, name="contrite_tit_for_tat",
                     description="tit-for-tat with standing: accepts punishment after own mistakes")


def win_stay_lose_shift(game, player=0, **roles) -> Automaton:
    """Pavlov / WSLS: hold when both held or both struck last round, else strike (limited).

    >>> from deterrence import load_game
    >>> w = win_stay_lose_shift(load_game("prisoners_dilemma"))
    >>> w.next_state("calm", "D", "D"), w.next_state("calm", "C", "D")
    ('calm', 'strike')
    """
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    table = {}
    for s in ("calm", "strike"):
        for a in own:
            for b in opp:
                table[(s, a, b)] = "calm" if (a == h) == (b == oh) else "strike"
    return Automaton(["calm", "strike"], "calm", {"calm": h, "strike": r}, table, own, opp,
                     name="win_stay_lose_shift", description="Pavlov: hold iff both did the same")


def hawk(game, player=0, **roles) -> Automaton:
    """Escalation-prone hawk: probes with limited strikes, escalates when struck back.

    >>> from deterrence import load_game
    >>> h = hawk(load_game("us_iran_stage"))
    >>> h.next_state("probe", "retaliate", "retaliate"), h.output("escalate")
    ('escalate', {'escalate': 1})
    """
    own, opp, h, r, e, oh = _roles(game, player, **roles)
    rules = [f"*: *, {oh} -> probe", "*: *, * -> escalate"]
    return Automaton(["probe", "escalate"], "probe", {"probe": r, "escalate": e}, rules, own, opp,
                     name="hawk", description="probe with limited strikes; escalate when struck")


#: name -> (builder, one-line definition)
STRATEGIES = {
    "always_hold": (always_hold, "ALLC: always hold"),
    "always_escalate": (always_escalate, "ALLD: always escalate (defect)"),
    "grim_trigger": (grim_trigger, "hold until any departure from (hold, hold), then escalate forever"),
    "tit_for_tat": (tit_for_tat, "hold first, answer a strike with a limited strike"),
    "limited_retaliation": (limited_retaliation, "k rounds of limited strikes after a strike"),
    "generous_tit_for_tat": (generous_tit_for_tat, "TFT forgiving a strike with probability g"),
    "contrite_tit_for_tat": (contrite_tit_for_tat, "TFT with standing (Boyd 1989)"),
    "win_stay_lose_shift": (win_stay_lose_shift, "Pavlov: hold iff both did the same last round"),
    "hawk": (hawk, "probe with limited strikes, escalate when struck"),
}
ALIASES = {"allc": "always_hold", "alld": "always_escalate", "always_defect": "always_escalate",
           "always_cooperate": "always_hold", "grim": "grim_trigger", "tft": "tit_for_tat",
           "gtft": "generous_tit_for_tat", "ctft": "contrite_tit_for_tat",
           "wsls": "win_stay_lose_shift", "pavlov": "win_stay_lose_shift"}


def _options(builder) -> tuple:
    """The keyword options a strategy builder takes: its own, and the roles' labels (``hold``,
    ``retaliate``, ``escalate``) where it passes ``**roles`` on to :func:`_roles`.

    >>> _options(limited_retaliation)
    ('k', 'hold', 'retaliate', 'escalate')
    """
    import inspect
    own, roles = [], ()
    for p in inspect.signature(builder).parameters.values():
        if p.kind is p.VAR_KEYWORD:
            roles = ("hold", "retaliate", "escalate")
        elif p.name not in ("game", "player"):
            own.append(p.name)
    return tuple(own) + roles


def strategy(name: str, game, player=0, **params) -> Automaton:
    """Build the named strategy for ``player`` (index or name) of a two-player stage game.

    >>> from deterrence import load_game
    >>> strategy("tft", load_game("prisoners_dilemma"), player="Column").name
    'tit_for_tat'
    >>> strategy("nice", load_game("prisoners_dilemma"))
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: unknown strategy 'nice'; known: always_escalate, always_hold, contrite_tit_for_tat,
    generous_tit_for_tat, grim_trigger, hawk, limited_retaliation, tit_for_tat, win_stay_lose_shift, and
    always_<action> for an action of this player (C, D)
    """
    if getattr(game, "n_players", None) != 2:
        # the arguments swapped, strategy(game, "tft"), said only this (a review): name what came
        got = (f"; this game has {game.n_players} players" if hasattr(game, "n_players") else
               f"; got {type(game).__name__} {str(game)[:40]!r} as the game (strategy(name, game))")
        raise GameError("strategies are built for two-player stage games" + got)
    key = ALIASES.get(str(name).lower(), str(name))
    if key not in STRATEGIES and key.startswith("always_") and not params:
        # always_<action>: the names ALLC and ALLD take in the game's own words (always_C, always_D)
        i = game.player_index(player)
        if key[len("always_"):] in game.actions[i]:
            return _always_action(game, i, key[len("always_"):])
    if key not in STRATEGIES:
        own = game.actions[game.player_index(player)]
        raise GameError(f"unknown strategy {name!r}; known: {', '.join(sorted(STRATEGIES))}, and "
                        f"always_<action> for an action of this player ({', '.join(own)})")
    options = _options(STRATEGIES[key][0])
    unknown = [k for k in params if k not in options]
    if unknown:     # said "_roles() got an unexpected keyword argument 'k'", an internal name
        raise GameError(f"strategy {name!r} has no option {unknown[0]!r}; its options are "
                        f"{', '.join(options) or 'none'}")
    try:
        return STRATEGIES[key][0](game, player, **params)      # each names itself with its parameters
    except TypeError as exc:
        raise GameError(f"strategy {name!r}: {exc}") from None


def split_profile(text: str) -> list:
    """``"tft, limited_retaliation(k=3, g=1/4)"`` -> the two names (commas inside brackets kept).

    >>> split_profile("hawk, limited_retaliation(k=3, g=1/4)")
    ['hawk', 'limited_retaliation(k=3, g=1/4)']
    """
    return [p.strip() for p in _split_top(text)]


def named_strategy(text: str, game, player: int):
    """A library strategy from its name with parameters, ``"limited_retaliation(k=3)"``.

    >>> from deterrence import load_game
    >>> named_strategy("limited_retaliation(k=3)", load_game("us_iran_stage"), 0).name
    'limited_retaliation(k=3)'
    """
    base, params = _parse_call(str(text))
    fixed = sorted(set(params) & {"name", "game", "player"})
    if fixed:
        raise GameError(f"strategy {text!r}: {', '.join(fixed)} cannot be given here (the player "
                        "is set by the strategy's place in the profile); parameters are e.g. k=3, g=1/4")
    return strategy(base, game, player, **params)


def _split_top(text):
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    parts.append(cur)
    return [p for p in parts if p.strip()]


def _parse_call(text):
    """``"name(k=3, g=1/4)"`` -> ("name", {"k": 3, "g": "1/4"}); values kept as exact text."""
    import re
    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*", text)
    if not m:
        raise GameError(f"strategy {text!r} is not a name or name(key=value, ...)")
    params = {}
    if m.group(2):
        for item in m.group(2).split(","):
            k, sep, v = item.partition("=")
            if not sep or not k.strip():
                raise GameError(f"strategy {text!r}: parameters are key=value")
            if k.strip() in params:     # the last one won, silently (an error review)
                raise GameError(f"strategy {text!r}: parameter {k.strip()} given twice")
            v = v.strip()
            if re.fullmatch(r"-?\d+", v):
                params[k.strip()] = int(v)
            elif v.lower() in ("true", "false"):
                params[k.strip()] = v.lower() == "true"
            else:
                params[k.strip()] = v
    return m.group(1), params


__all__ = ["strategy", "STRATEGIES", "split_profile", "named_strategy", "always_hold", "always_escalate",
           "grim_trigger",
           "tit_for_tat", "limited_retaliation", "generous_tit_for_tat",
           "contrite_tit_for_tat", "win_stay_lose_shift", "hawk"]
