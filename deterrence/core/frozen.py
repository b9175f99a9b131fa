"""Read-only tables and lists for the nested data that immutable values carry.

Games, noise, results and reports are immutable values (ARCHITECTURE.md), but some carry
nested data: a game's ``extra`` sections and ``claims``, a noise's implementation table, a
result's parameters and options, a report section's data (often the case analysis's own
predictions and claims, which the session's cache shares). Frozen dataclasses and
read-only properties stop ``setattr``; they do not stop ``game.extra[SECTION]["delta"]
= "1/10"``, which changed every later analysis of the game, and of the games derived from
it, while the game still compared equal to a fresh load (an architecture review).

:func:`frozen` copies such data into :class:`FrozenDict` and :class:`FrozenList`: a
``dict`` and a ``list`` in every way a reader sees (equality, JSON, TOML, ``isinstance``,
pickling, ``copy.deepcopy``) whose mutating methods raise ``TypeError`` naming what to do
instead. A copy made with ``dict(...)`` or ``list(...)`` is an ordinary, changeable one.

>>> table = frozen({"section": {"delta": "9/10", "strategies": ["tft", "tft"]}})
>>> table == {"section": {"delta": "9/10", "strategies": ["tft", "tft"]}}
True
>>> table["section"]["delta"] = "1/10"
Traceback (most recent call last):
...
TypeError: this table is part of an immutable value: copy it first (dict(...)) or derive a new value
>>> table["section"]["strategies"].append("grim")
Traceback (most recent call last):
...
TypeError: this list is part of an immutable value: copy it first (list(...)) or derive a new value
"""
from __future__ import annotations

_TABLE = "this table is part of an immutable value: copy it first (dict(...)) or derive a new value"
_LIST = "this list is part of an immutable value: copy it first (list(...)) or derive a new value"


class FrozenDict(dict):
    """A ``dict`` whose contents cannot change (module docstring)."""

    __slots__ = ()

    def __init__(self, *args, **kwargs):
        if self:                      # d.__init__(...) again would add keys
            raise TypeError(_TABLE)
        super().__init__(*args, **kwargs)

    def _refuse(self, *args, **kwargs):
        """Refused: the table cannot change (a ``TypeError`` that says so)."""
        raise TypeError(_TABLE)

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):             # pickle and deepcopy rebuild it whole (not item by item)
        return (type(self), (dict(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self                   # immutable all the way down: no copy is needed


class FrozenList(list):
    """A ``list`` whose contents cannot change (module docstring)."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError(_LIST)

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __reduce__(self):
        return (type(self), (list(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class RenamedKeys(dict):
    """A ``dict`` whose keys were renamed: the former names still read, for one release, with a
    ``DeprecationWarning`` that names the new key. Only the new keys are stored (iteration, ``len``,
    equality and JSON see them alone); ``renamed`` maps each former name to its new one.

    >>> import warnings
    >>> view = RenamedKeys({"war_probability": 0.25}, {"war_risk": "war_probability"})
    >>> list(view), "war_risk" in view
    (['war_probability'], True)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     view["war_risk"], view.get("war_risk"), str(caught[0].message)
    (0.25, 0.25, "the key 'war_risk' is deprecated and will be removed in the next release: use 'war_probability'")
    """

    __slots__ = ("renamed",)

    def __init__(self, data=(), renamed=()):
        super().__init__(data)
        self.renamed = dict(renamed)

    def _key(self, key):
        if key in self.renamed and not dict.__contains__(self, key):
            import warnings
            warnings.warn(f"the key {key!r} is deprecated and will be removed in the next release: "
                          f"use {self.renamed[key]!r}", DeprecationWarning, stacklevel=3)
            return self.renamed[key]
        return key

    def __getitem__(self, key):
        return super().__getitem__(self._key(key))

    def get(self, key, default=None):
        return super().get(self._key(key), default)

    def __contains__(self, key):
        return dict.__contains__(self, key) or (key in self.renamed and dict.__contains__(self, self.renamed[key]))

    def __reduce__(self):
        return (type(self), (dict(self), self.renamed))


def thawed(value):
    """An ordinary, changeable deep copy of frozen data (``dict`` and ``list`` again): what a
    report's ``to_json()`` hands out.

    >>> t = thawed(frozen({"a": [1, {"b": 2}]}))
    >>> t["a"].append(3); t
    {'a': [1, {'b': 2}, 3]}
    """
    if isinstance(value, dict):
        return {k: thawed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thawed(v) for v in value]
    if type(value) is tuple:
        return tuple(thawed(v) for v in value)
    return value


def frozen(value):
    """``value`` with every ``dict`` in it a :class:`FrozenDict` and every ``list`` a
    :class:`FrozenList`, recursively (other values as they are; tuples keep their type).

    >>> frozen([{"a": [1]}, ("x", {"b": 2})])
    [{'a': [1]}, ('x', {'b': 2})]
    >>> type(frozen({"a": {}})["a"]).__name__
    'FrozenDict'
    """
    if isinstance(value, (FrozenDict, FrozenList)):
        return value
    if isinstance(value, dict):
        return FrozenDict({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList(frozen(v) for v in value)
    if type(value) is tuple:
        return tuple(frozen(v) for v in value)
    return value


__all__ = ["FrozenDict", "FrozenList", "RenamedKeys", "frozen", "thawed"]
