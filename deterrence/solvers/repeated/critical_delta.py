"""The discount factors for which a profile of automata is subgame perfect.

Each one-shot deviation (see :mod:`.one_shot_deviation`) gives a condition
``gain(delta) <= 0`` where ``gain`` is a rational function of ``delta``
(solving the Bellman system with ``delta`` a symbol). The set of ``delta`` in
``[0, 1)`` where **all** conditions hold is found exactly: the real roots of
every numerator and denominator in ``[0, 1)`` (exact rationals or sympy
``CRootOf`` algebraic numbers) cut ``[0, 1)`` into points and open intervals,
and each piece is tested at an exact representative point. The result is a
sympy set: empty, a point, an interval or a union.

The **critical discount factor** ``delta*`` is the least ``delta`` from which
the profile is subgame perfect for every larger ``delta < 1`` (``None`` when
no such ``delta`` exists). Classic values it reproduces: grim trigger in the
prisoner's dilemma, ``delta* = (T - R)/(T - P)`` (J. Friedman, "A
non-cooperative equilibrium for supergames", Rev. Econ. Stud. 38, 1971;
Fudenberg and Tirole, *Game Theory*, 1991, section 5.1); tit-for-tat against
itself is subgame perfect only when ``delta = (T - R)/(R - S) = (P - S)/(T - P)``
(Kalai, Samet and Stanford, "A note on reactive equilibria in the discounted
prisoner's dilemma", Games Econ. Behav. 1988).

With symbolic payoff parameters, the set is computed at the parameters'
values (defaults, or ``parameters=``) and ``critical_symbolic`` is the formula:
the root of the binding condition, as a function of the parameters. The
formula is valid where the binding condition and the sign pattern stay those
found at the given values.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from deterrence.core.numbers import format_exact
from deterrence.core.repeated import RepeatedGame, delta_symbol
from deterrence.core.symbolic import as_sympy
from deterrence.errors import GameError
from deterrence.solvers.repeated.one_shot_deviation import Deviation, deviation_gains
from deterrence.solvers.result import TextRepr


@dataclass(frozen=True)
class DeltaConditions(TextRepr):
    """Where a profile is subgame perfect, as a set of discount factors in ``[0, 1)``. Its repr
    says so in one line (the dataclass repr listed every condition: a review):

    >>> from deterrence import load_game
    >>> critical_delta(load_game("prisoners_dilemma"), "grim_trigger")
    <DeltaConditions: critical delta 1/2 = (R - T)/(P - T); subgame perfect for delta in [1/2, 1)>
    """

    delta_set: object             # a sympy Set
    kind: str                     # "empty", "point", "interval", "union"
    critical: object              # exact delta* (int, Fraction or sympy algebraic number) or None
    critical_attained: bool       # True when delta* itself is in the set
    critical_symbolic: object     # formula in the payoff parameters (or = critical)
    conditions: tuple             # every Deviation, with gain a function of delta
    parameters: dict              # the parameter values used

    def __post_init__(self):
        # a result's parameters are read-only (core.frozen), as a SolveResult's are: this value is
        # part of RepeatedAnalysis, which the command, explain and its JSON render again and again
        from deterrence.core.frozen import frozen
        object.__setattr__(self, "parameters", frozen(dict(self.parameters)))

    def repr_text(self) -> str:
        crit, formula = self.critical, self.critical_symbolic
        text = "critical delta " + ("none" if crit is None else _num(crit))
        if crit is not None and formula is not None and format_exact(formula) != format_exact(crit):
            from deterrence.io._common import formula_text
            text += f" = {formula_text(formula)}"
        return text + f"; subgame perfect {where_text(self.delta_set)}"

    def _repr_latex_(self) -> str:
        """δ* and the set of δ, typeset in Jupyter: δ ∈ [3/4, 1), not ``Interval.Ropen(3/4, 1)``."""
        from deterrence.core.latex import conditions_latex
        return conditions_latex(self)

    def holds(self, delta) -> bool:
        """Whether the profile is subgame perfect at ``delta``.

        >>> from deterrence import load_game
        >>> c = critical_delta(load_game("prisoners_dilemma"), "grim_trigger")
        >>> c.holds("1/2"), c.holds("0.4")
        (True, False)
        """
        import sympy

        from deterrence.core.numbers import to_exact
        v = to_exact(delta, "delta")
        return bool(self.delta_set.contains(sympy.Rational(v.numerator, v.denominator)
                                            if hasattr(v, "denominator") else sympy.Integer(v)))

    def to_json(self) -> dict:
        """δ* as ``deterrence repeated --json`` writes it: exact text (a sympy algebraic number as its
        formula, ``sqrt(2)/2``) with a ``_float`` twin; it was ``"sqrt(2)/2 ~ 0.707106781187"`` here.

        >>> from deterrence import load_game
        >>> critical_delta(load_game("prisoners_dilemma"), "grim_trigger").to_json()["critical_delta_float"]
        0.5
        """
        from deterrence.io._common import format_formula
        star = self.critical
        # the formula in the toolkit's own syntax (max, min, abs), which parse_expression reads
        # back; sympy's text (Max(...)) it refused (a JSON review)
        return {"critical_delta": None if star is None else format_exact(star),
                "critical_delta_float": None if star is None else float(star),
                "critical_delta_formula": (None if self.critical_symbolic is None
                                           else format_formula(self.critical_symbolic)),
                "critical_attained": self.critical_attained,
                "delta_set": delta_set_text(self.delta_set), "kind": self.kind}


#: the keys of the critical discount factor in every JSON that gives it (repeated --json, the report)
DELTA_KEYS = ("critical_delta", "critical_delta_float", "critical_delta_formula", "critical_attained", "delta_set")


def delta_json(conditions) -> dict:
    """The critical discount factor's keys of :meth:`DeltaConditions.to_json`, all ``None`` when
    there are no ``conditions`` (δ* not computed): one shape for every JSON that gives δ*.

    >>> delta_json(None)["critical_delta"] is None
    True
    """
    found = {} if conditions is None else conditions.to_json()
    return {k: found.get(k) for k in DELTA_KEYS}


def critical_delta(game, profile=None, *, noise=None, states="histories",
                   parameters: dict | None = None) -> DeltaConditions:
    """Critical discount factor and the full set of ``delta`` where the profile is SPE.

    ``game``: a stage game (symbolic or exact) or a RepeatedGame (its delta is ignored);
    the noise and the profile, when not given, are the game's (or its file's
    ``[repeated]`` section's): pass ``noise="none"`` for the profile as intended.

    >>> from deterrence import load_game
    >>> pd = load_game("prisoners_dilemma")
    >>> c = critical_delta(pd, "grim_trigger")
    >>> c.critical, c.critical_symbolic, c.delta_set
    (1/2, (R - T)/(P - T), Interval.Ropen(1/2, 1))
    >>> critical_delta(pd, "tit_for_tat").kind
    'empty'
    """
    import sympy
    d = delta_symbol()
    base = RepeatedGame.from_game(game, noise=noise, default_delta=0)   # its delta is not used
    rg = RepeatedGame(base.stage, d, None, base.noise)
    game = base.stage
    automata = base.profile(profile)
    key = _structure_key(rg, automata, states)
    conds = _conditions(rg, automata, states, key)
    values = dict(game.parameters)
    values.update(parameters or {})
    missing = sorted(k for k, v in values.items() if v is None)
    if game.is_symbolic and missing:
        raise GameError(f"parameter(s) {', '.join(missing)} have no value: pass parameters=")
    from deterrence.core.numbers import to_exact
    from deterrence.core.symbolic import parameter_symbol
    mapping = {parameter_symbol(k): sympy.Rational(str(to_exact(v, k))) for k, v in values.items()
               if v is not None}
    every = _numeric_gains(conds, d, mapping, key)
    numeric, seen = [], set()
    for c, key, polys_ in every:
        if key not in seen:
            seen.add(key)
            numeric.append((c, polys_))
    # cut [0, 1) at every root of a numerator or denominator
    points = {sympy.Integer(0)}
    polys = []
    for _, (pn, pd) in numeric:
        polys.append((pn, pd))
        for p in (pn, pd):
            if p.degree() > 0:
                for root in p.real_roots():
                    if 0 <= root < 1:
                        points.add(root)
    pts = sorted(points, key=lambda r: sympy.N(r, 50))
    pieces = []
    for k, p in enumerate(pts):
        pieces.append(("point", p, p))
        hi = pts[k + 1] if k + 1 < len(pts) else sympy.Integer(1)
        pieces.append(("open", p, hi))

    import mpmath
    coeffs = [([Fraction(int(c.p), int(c.q)) for c in pn.all_coeffs()],
               [Fraction(int(c.p), int(c.q)) for c in pd.all_coeffs()]) for pn, pd in polys]

    def horner(cs, v):
        acc = 0 * v
        for c in cs:
            acc = acc * v + c
        return acc

    def ok(v):
        if isinstance(v, sympy.Rational):
            x = Fraction(int(v.p), int(v.q))
            tiny = 0
        else:                   # an irrational algebraic root: 60 digits, zero if below 1e-40
            with mpmath.workdps(60):
                x = mpmath.mpf(str(sympy.N(v, 60)))
            tiny = mpmath.mpf("1e-40")
        with mpmath.workdps(60):
            for cn, cd in coeffs:
                nv = horner([c if tiny == 0 else mpmath.mpf(c.numerator) / c.denominator for c in cn], x)
                dv = horner([c if tiny == 0 else mpmath.mpf(c.numerator) / c.denominator for c in cd], x)
                if abs(nv) <= tiny:
                    continue
                if dv == 0 or nv * dv > 0:
                    return False
        return True

    truth = []
    for kind, lo, hi in pieces:
        if kind == "point":
            truth.append(ok(lo))
        else:
            if lo.is_Rational and hi.is_Rational:     # any point inside will do: the exact middle
                mid = (lo + hi) / 2
            else:
                mid = sympy.nsimplify(sympy.N((lo + hi) / 2, 40), rational=True)
            if not (sympy.N(lo, 40) < mid < sympy.N(hi, 40)):
                mid = (sympy.Rational(str(sympy.N(lo, 40))) + sympy.Rational(str(sympy.N(hi, 40)))) / 2
            truth.append(ok(mid))
    sets = []
    for (kind, lo, hi), t in zip(pieces, truth):
        if t:
            sets.append(sympy.FiniteSet(lo) if kind == "point" else sympy.Interval.open(lo, hi))
    dset = sympy.Union(*sets) if sets else sympy.EmptySet
    dset = sympy.Intersection(dset, sympy.Interval.Ropen(0, 1))
    if dset is sympy.EmptySet or dset == sympy.EmptySet:
        kind = "empty"
    elif isinstance(dset, sympy.FiniteSet):
        kind = "point" if len(dset) == 1 else "union"
    elif isinstance(dset, sympy.Interval):
        kind = "interval"
    else:
        kind = "union"
    # delta*: start of the run of true pieces that reaches 1
    critical, attained = None, False
    if truth and truth[-1]:
        k = len(pieces) - 1
        while k > 0 and truth[k - 1]:
            k -= 1
        kind_k, lo, _ = pieces[k]
        critical, attained = lo, kind_k == "point"
    critical_symbolic = critical
    if critical is not None and game.is_symbolic and critical != 0:
        # only the conditions that bind at delta* (their numeric gain vanishes there) give formulas
        unique = {key: pn for _, key, (pn, _) in every}
        zero = {key for key, pn in unique.items() if pn.as_expr().subs(d, critical).equals(0)}
        binding = [c for c, key, _ in every if key in zero]
        critical_symbolic = _symbolic_root(binding, d, mapping, critical)
    return DeltaConditions(delta_set=dset, kind=kind, critical=critical,
                           critical_attained=attained, critical_symbolic=critical_symbolic,
                           conditions=tuple(conds), parameters=values)


def _numeric_gains(conds, d, mapping, key) -> list:
    """``(condition, key, (numerator, denominator))`` of every gain at the parameter values:
    polynomials in δ with rational coefficients, without common factor, the denominator
    monic (so equal gains have equal keys).

    The gains are first brought, once per structure, to one fraction with the
    parameters symbolic (:func:`_fractions`); at given values only the coefficients
    are evaluated and the common factor that the values may create is divided out.
    ``DETERRENCE_CACHE=memory`` (and a denominator that vanishes at the values) take
    the direct way instead: substitute, then ``sympy.cancel``; both give the same polynomials.
    """
    import os

    import sympy
    direct = os.environ.get("DETERRENCE_CACHE", "1").lower() == "memory"
    fractions = None if direct else _fractions(conds, d, key)
    out = []
    for k, c in enumerate(conds):
        pn = pd = None
        if fractions is not None:
            num_cs, den_cs = fractions[k]
            vals = [[as_sympy(x).xreplace(mapping) for x in cs] for cs in (num_cs, den_cs)]
            if all(v.is_Rational for cs in vals for v in cs):
                pn = sympy.Poly.from_list(vals[0], d, domain="QQ")
                pd = sympy.Poly.from_list(vals[1], d, domain="QQ")
                if pd.is_zero:
                    pn = pd = None
        if pn is None:
            g = as_sympy(c.gain).xreplace(mapping)
            extra = g.free_symbols - {d}
            if extra:
                raise GameError(f"condition at {c.states} for {c.player} depends on "
                                f"{', '.join(sorted(map(str, extra)))}: give values")
            num, den = sympy.fraction(sympy.cancel(sympy.together(g)))
            pn, pd = sympy.Poly(num, d, domain="QQ"), sympy.Poly(den, d, domain="QQ")
        common = pn.gcd(pd)
        if common.degree() > 0:
            pn, pd = pn.quo(common), pd.quo(common)
        lead = pd.LC()
        pn, pd = pn.quo_ground(lead), pd.quo_ground(lead)
        out.append((c, (tuple(pn.all_coeffs()), tuple(pd.all_coeffs())), (pn, pd)))
    return out


def _fractions(conds, d, key):
    """Per condition, the coefficients (in δ, highest first) of the numerator and the
    denominator of its gain as one fraction, with the parameters symbolic; ``None`` when
    a gain is not a rational function of δ. Derived once per set of conditions (a pure
    function of the formulas) and kept like :func:`_conditions`."""
    from deterrence.core.cache import remember

    def derive():
        import sympy
        out = []
        for c in conds:
            num, den = sympy.fraction(sympy.cancel(sympy.together(as_sympy(c.gain))))
            try:
                out.append((tuple(sympy.Poly(num, d).all_coeffs()), tuple(sympy.Poly(den, d).all_coeffs())))
            except sympy.PolynomialError:
                return None
        return tuple(out)
    return remember("deviation-condition-fractions", key, derive)


def _structure_key(rg, automata, states) -> str:
    """The text naming what the deviation conditions depend on: the stage game's formulas,
    the automata, the checked states and the noise (not the parameter values)."""
    from deterrence.core.cache import structure_text
    noise = rg.noise
    noise_text = None if noise is None else repr(noise)     # every field, each player's own noise too
    return f"{structure_text(rg.stage, *automata)}; states={states!r}; noise={noise_text!r}"


def _conditions(rg, automata, states, key=None) -> tuple:
    """Every one-shot deviation gain as a function of δ and the payoff parameters.

    They depend on the stage game's formulas, the automata, the noise and the
    checked states, not on the parameter values: derived once per structure and
    kept (:func:`deterrence.core.cache.remember`: for the session and in the cache
    folder), so reports, maps and the lab at other values only substitute numbers.
    """
    from deterrence.core.cache import remember
    key = _structure_key(rg, automata, states) if key is None else key
    return remember("deviation-conditions", key,
                    lambda: deviation_gains(rg, automata, states=states, simplify=False),
                    classes=(Deviation,))


_ROOTS: dict = {}
_FACTORED: dict = {}


def _numerator_roots(gain, d) -> tuple:
    """``(numerator of the gain, its roots in δ as formulas)``; a pure function of the
    formula, kept for the session like :func:`_conditions`."""
    import sympy
    if gain not in _ROOTS:
        if len(_ROOTS) >= 4096:
            _ROOTS.clear()
        num, _ = sympy.fraction(sympy.cancel(sympy.together(gain)))
        roots = []
        if num.has(d):
            poly = sympy.Poly(num, d)
            if poly.degree() == 1:      # the usual case: delta* = -(constant term)/(slope)
                slope, intercept = poly.all_coeffs()
                roots = [-intercept / slope]
            else:
                try:
                    roots = sympy.solve(num, d)
                except Exception:  # noqa: BLE001 - no closed form: keep the number
                    roots = []
        _ROOTS[gain] = (num, tuple(roots))
    return _ROOTS[gain]


def _symbolic_root(conds, d, mapping, critical):
    """δ* as a formula: every condition that binds at δ* gives one; several tie as a Max.

    When two deviations bind at the default values (the US's and Iran's, say),
    δ* is the larger of their formulas wherever the parameters move.
    """
    import sympy
    target = sympy.N(critical, 30)
    tried = set()
    found = []
    seen = set()
    for c in conds:
        gain = as_sympy(c.gain)
        if gain in seen:            # symmetric states give the same condition many times
            continue
        seen.add(gain)
        num, roots = _numerator_roots(gain, d)
        if num in tried or not num.has(d):
            continue
        tried.add(num)
        if abs(sympy.N(num.xreplace(mapping).subs(d, critical), 30)) > 1e-20:
            continue
        for r in roots:
            val = sympy.N(r.xreplace(mapping), 30)
            if val.is_real and abs(val - target) < 1e-20:
                if r not in _FACTORED:          # a formula: factored once a session
                    if len(_FACTORED) >= 4096:
                        _FACTORED.clear()
                    _FACTORED[r] = sympy.factor(r)
                r = _FACTORED[r]
                if not any(sympy.cancel(r - f) == 0 for f in found):
                    found.append(r)
    if not found:
        return critical
    return found[0] if len(found) == 1 else sympy.Max(*sorted(found, key=str))


def _set_text(dset) -> str:
    """A set of discount factors in interval notation, with decimals for algebraic ends."""
    import sympy
    if dset == sympy.EmptySet:
        return "no delta in [0, 1)"
    out = []
    for kind, part in _set_pieces(dset):
        if kind == "point":
            out.append("{" + _num(part) + "}")
        elif kind == "interval":
            out.append(("(" if part.left_open else "[") + _num(part.start) + ", " + _num(part.end)
                       + (")" if part.right_open else "]"))
        else:
            out.append(str(part))
    return " U ".join(out)


def where_text(dset, sep: str = " ") -> str:
    """Where a profile is subgame perfect, in words: ``for delta in`` the set, or ``for no delta in
    [0, 1)`` (it read "for delta in no delta in [0, 1)"); ``sep`` follows ``in`` before a set.

    >>> import sympy
    >>> where_text(sympy.Interval.Ropen(sympy.Rational(1, 2), 1)), where_text(sympy.EmptySet)
    ('for delta in [1/2, 1)', 'for no delta in [0, 1)')
    """
    import sympy
    return "for no delta in [0, 1)" if dset == sympy.EmptySet else f"for delta in{sep}{_set_text(dset)}"


def _set_pieces(dset):
    """The pieces of a set of discount factors, as ``("point", x)``, ``("interval", I)`` or
    ``("other", piece)``: what both texts of a set (:func:`_set_text`, :func:`delta_set_text`) walk."""
    import sympy
    for part in dset.args if isinstance(dset, sympy.Union) else (dset,):
        if isinstance(part, sympy.FiniteSet):
            yield from (("point", x) for x in part)
        elif isinstance(part, sympy.Interval):
            yield "interval", part
        else:
            yield "other", part


#: the JSON's ``delta_set`` when no discount factor in [0, 1) makes the profile subgame perfect
EMPTY = "empty"


def delta_set_text(dset) -> str:
    """The set of δ as a condition on ``delta`` in the toolkit's own syntax, as the JSON writes it
    (``delta_set``): ``"1/2 <= delta < 1"``, ``"delta == 1/3"``, pieces joined by ``or``; ``"empty"``
    for the empty set (no δ of ``[0, 1)``, the discount factors' range: it was ``"delta < 0"``, which
    read as a set of negative discount factors); its ends as formulas (``sqrt(2)/2``,
    ``format_formula``). :func:`read_delta_set` (the whitelist parser ``parse_condition``, and
    ``"empty"``) reads it back. sympy's text (``Interval.Ropen(1/2, 1)``)
    was no syntax of the toolkit's (a JSON review). An end that is a root with no formula in the
    grammar (sympy's ``CRootOf`` of a polynomial of degree five or more) is written as a decimal of
    25 significant digits, the one inexact case.

    >>> import sympy
    >>> half = sympy.Rational(1, 2)
    >>> delta_set_text(sympy.Interval.Ropen(half, 1))
    '1/2 <= delta < 1'
    >>> delta_set_text(sympy.Union(sympy.FiniteSet(sympy.Rational(1, 3)), sympy.Interval.open(sympy.sqrt(2) / 2, 1)))
    'delta == 1/3 or sqrt(2)/2 < delta < 1'
    >>> delta_set_text(sympy.EmptySet)
    'empty'
    """
    import sympy
    if dset == sympy.EmptySet:
        return EMPTY
    out = []
    for kind, part in _set_pieces(dset):
        if kind == "point":
            out.append(f"delta == {_end(part)}")
        elif kind == "interval":
            out.append(f"{_end(part.start)} {'<' if part.left_open else '<='} delta "
                       f"{'<' if part.right_open else '<='} {_end(part.end)}")
        else:
            raise TypeError(f"delta_set_text: a set of discount factors is points and intervals, not {part}")
    return " or ".join(out)


def _end(x) -> str:
    """An end of a δ interval as a formula that ``parse_expression`` reads back (else 25 digits)."""
    import sympy

    from deterrence.core.symbolic import parse_expression
    from deterrence.errors import ExpressionError
    from deterrence.io._common import format_formula
    text = format_formula(x)
    try:
        if parse_expression(text) == x:
            return text
    except ExpressionError:
        pass
    return sympy.N(x, 25).__str__()


def read_delta_set(text):
    """The set of δ that :func:`delta_set_text` wrote (the JSON's ``delta_set``), as a sympy set within
    ``[0, 1)``, read by the toolkit's whitelist parser (``parse_condition``), never by ``sympify``;
    ``"empty"`` is the empty set.

    >>> from deterrence import load_game
    >>> c = critical_delta(load_game("prisoners_dilemma"), "grim_trigger")
    >>> c.to_json()["delta_set"], read_delta_set(c.to_json()["delta_set"]) == c.delta_set
    ('1/2 <= delta < 1', True)
    >>> read_delta_set("empty")
    EmptySet
    """
    import sympy
    if text.strip() == EMPTY:
        return sympy.EmptySet

    from deterrence.core.symbolic import parse_condition
    return parse_condition(text, ["delta"]).as_set().intersect(sympy.Interval.Ropen(0, 1))


def _num(x) -> str:
    """An end of a δ interval: exact when rational, else six significant digits (sympy's)."""
    import sympy
    return format_exact(x if getattr(x, "is_Rational", False) else sympy.N(x, 6))


__all__ = ["critical_delta", "DeltaConditions", "Deviation", "delta_set_text", "read_delta_set"]
