"""hypothesis strategies for random games (used by the io tests)."""
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from deterrence import NormalFormGame
from deterrence.core.symbolic import parse_expression

PARAMETER_NAMES = ["a", "b", "c", "W_us", "x2"]

# Labels the TOML format can hold: no commas, no spaces at the ends, not empty.
label = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=","),
                min_size=1, max_size=8).filter(lambda s: s.strip() == s and s)
name = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8).filter(
    lambda s: s.strip())
number = st.one_of(st.integers(-10**6, 10**6),
                   st.fractions(max_denominator=1000).filter(lambda q: abs(q) < 10**6),
                   st.integers(-10**30, 10**30))


def formula(names):
    """Formula strings over ``names`` in the safe grammar."""
    leaf = st.one_of(st.sampled_from(names), st.integers(-9, 9).map(str),
                     st.fractions(max_denominator=9).map(lambda q: f"({q})"))

    def grow(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, st.integers(1, 9)).map(lambda t: f"({t[0]}) / {t[1]}"),
            st.tuples(inner, st.integers(-3, 3)).map(lambda t: f"({t[0]})^{t[1]}" if t[1] else t[0]),
            st.tuples(st.sampled_from(["abs", "sqrt", "exp"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        )
    return st.recursive(leaf, grow, max_leaves=6)


def _parse_or_none(text, names):
    from deterrence.errors import GameError
    from deterrence.io._common import payoff_value
    try:
        return payoff_value(text, names)
    except GameError:  # 0^-1 and the like: not a payoff
        return None


@st.composite
def games(draw, symbolic=True, max_players=3):
    """Random normal-form games: ints, fractions and (if ``symbolic``) formulas."""
    n = draw(st.integers(1, max_players))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    players = draw(st.lists(name, min_size=n, max_size=n, unique=True))
    actions = [draw(st.lists(label, min_size=k, max_size=k, unique=True)) for k in shape]
    params = {}
    if symbolic and draw(st.booleans()):
        for p in draw(st.lists(st.sampled_from(PARAMETER_NAMES), min_size=1, max_size=3, unique=True)):
            params[p] = draw(st.one_of(st.none(), number))
    values = [number] + ([formula(list(params)).map(lambda f: _parse_or_none(f, list(params)))
                          .filter(lambda e: e is not None)] if params else [])
    arrays = []
    for _ in range(n):
        flat = [draw(st.one_of(*values)) for _ in range(int(np.prod(shape)))]
        arr = np.empty(len(flat), dtype=object)
        arr[:] = flat
        arrays.append(arr.reshape(shape))
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
    return NormalFormGame(arrays, players=players, actions=actions,
                          parameters=params if params else None,
                          title=draw(text), description=draw(text),
                          sources=draw(st.lists(text, max_size=2)))


def fraction_or_int(q):
    q = Fraction(q)
    return q.numerator if q.denominator == 1 else q


def normal_form_catalogue_files():
    """Catalogue TOML files that hold normal-form games (not [tree] files)."""
    import tomllib
    from deterrence.io.catalogue import catalogue_dir
    return [p for p in sorted(catalogue_dir().glob("*.toml"))
            if not {"tree", "stochastic"} & set(tomllib.loads(p.read_text(encoding="utf-8")))]
