"""Repeated two-player games: a stage game, a discount factor, a horizon, noise.

Normalisation (the default everywhere in the toolkit): payoffs are **average
discounted payoffs** ``(1 - delta) * sum_t delta**t * u_t`` for the infinite
game, so they are on the scale of the stage payoffs (Mailath and Samuelson,
*Repeated Games and Reputations*, OUP 2006, section 2.1; Fudenberg and Tirole,
*Game Theory*, MIT Press 1991, section 5.1). With a finite horizon ``T`` the
discounted sum is divided by ``sum_{t<T} delta**t``, so ``delta = 1`` (plain
averages) is allowed there.

Noise (errors of the kind discussed by R. Boyd, "Mistakes allow evolutionary
stability in the repeated prisoner's dilemma game", J. Theor. Biol. 136, 1989;
J. Wu and R. Axelrod, "How to cope with noise in the iterated prisoner's
dilemma", J. Conflict Resolution 39, 1995):

* implementation errors: the intended action comes out as another one.
  ``execution = e``: with probability ``e`` an action comes out one rung higher
  on the ladder of actions (a limited strike that kills more than intended
  becomes an escalation; the top rung cannot go higher). ``tremble = e``: with
  probability ``e`` the action is replaced by another action chosen uniformly.
  ``implementation = {intended: {realised: p}}`` gives the matrix in full.
  Every probability may be a formula in the stage game's parameters (``"eps"``,
  ``"1 - eps"``), put in with their values when the game is analysed.
* perception errors: ``perception = e``: each player misreads the opponent's
  realised action, as a uniformly chosen other action, with probability ``e``.
  Each player sees its own realised action correctly.

The noise is one for both players, or **per player**: ``by_player`` gives a
player its own noise (its implementation errors, and its misreadings of the
other's actions); a player not listed has the common part. In a game file::

    [repeated.noise.Iran]          # the militias' strikes are imprecise
    execution = "1/1600"           # the US, not listed, has no noise
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    import numpy


from deterrence.errors import GameError, GameFileError, TooLargeError
from deterrence.core.numbers import format_exact, is_symbolic, to_exact
from deterrence.core.validate import boundary_init
from deterrence.core.frozen import frozen


def _prob(value, what, parameters=None):
    """A probability by the automata's one rule: a number, a fraction or a formula, checked to
    lie in [0, 1] once it is a number; a formula over ``parameters`` passes until they have
    values. A formula's refusal (an unknown name) says what it was for; ``parameters`` None:
    built in Python, where no parameters are declared (the refusal says how a formula goes in)."""
    from deterrence.core.automaton import _probability
    from deterrence.errors import ExpressionError
    try:
        return _probability(value, what, () if parameters is None else parameters, None)
    except ExpressionError as exc:
        # Noise(...) built in Python knows no parameters: say how a formula goes in there
        from deterrence.core.symbolic import text_formula_hint
        hint = (f"; {text_formula_hint(value)}"
                if parameters is None and isinstance(value, str) and "unknown name" in str(exc) else "")
        raise GameError(f"{what}: {exc}{hint}") from None


def _substituted(formula, values: Mapping, what: str):
    """A probability formula at parameter ``values``: checked by :func:`_prob`, and a refusal
    (or a parameter without a value) names the parameters."""
    from deterrence.core.symbolic import parameter_symbol
    names = sorted(str(n) for n in formula.free_symbols)
    lacking = [n for n in names if values.get(n) is None]
    if lacking:
        raise GameError(f"{what} is {formula}, and {', '.join(lacking)} has no value: give "
                        f"{'it' if len(lacking) == 1 else 'them'} a value (a value in [parameters], "
                        f"--set {lacking[0]}=VALUE on the command line, or subs())")
    import sympy
    mapping = {parameter_symbol(n): sympy.Rational(str(to_exact(values[n], f"value of parameter {n}")))
               for n in names}
    try:
        return _prob(formula.xreplace(mapping), what)
    except GameError as exc:
        shown = ", ".join(f"{n} = {format_exact(to_exact(values[n]))}" for n in names)
        raise GameError(f"{exc} (the formula {formula} with {shown})") from None


@boundary_init
@dataclass(frozen=True)
class Noise:
    """Implementation and perception errors (see the module docstring).

    >>> n = Noise(execution="1/50")
    >>> n.implementation_matrix(("hold", "retaliate", "escalate"))[1].tolist()
    [0, Fraction(49, 50), Fraction(1, 50)]
    """

    execution: object = 0
    tremble: object = 0
    perception: object = 0
    implementation: Mapping | None = None
    by_player: tuple = ()      # ((player, Noise), ...): a player's own noise (module docstring)

    def __post_init__(self):
        for name in ("execution", "tremble", "perception"):
            object.__setattr__(self, name, _prob(getattr(self, name), f"noise {name}"))
        table = self.implementation
        if table is not None and (not isinstance(table, Mapping) or not all(
                isinstance(a, str) and isinstance(row, Mapping) and all(isinstance(b, str) for b in row)
                for a, row in table.items())):
            raise GameError(f"noise implementation {table!r}: expected a table "
                            "{intended action = {realised action = probability, ...}, ...}, "
                            'e.g. {hold = {hold = "9/10", retaliate = "1/10"}}')
        if table is not None:
            # exact numbers, or formulas over parameters (read by from_spec, which knows them)
            # read-only (core.frozen): changing the table in place changed every later probability of war
            table = {a: {b: _prob(q, f"noise implementation {a} -> {b}") for b, q in row.items()}
                     for a, row in table.items()}
            object.__setattr__(self, "implementation", frozen(table))
        pairs = tuple(dict(self.by_player).items()) if isinstance(self.by_player, Mapping) else self.by_player
        if not isinstance(pairs, tuple) or not all(
                isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], Noise)
                and not p[1].by_player for p in pairs):
            raise GameError(f"noise by_player {self.by_player!r}: expected pairs (player, Noise), "
                            "each Noise without players of its own")
        if len({name for name, _ in pairs}) != len(pairs):
            raise GameError("noise by_player names a player twice")
        object.__setattr__(self, "by_player", tuple(sorted(pairs)))

    def __repr__(self):
        """``Noise(execution 1/50)``: the noise in words (the dataclass repr printed every field,
        ``Fraction(1, 50)`` and the empty ones: a review).

        >>> Noise(execution="1/50", by_player={"Iran": Noise(tremble="1/10")})
        Noise(Iran: tremble 1/10; others: execution 1/50)
        """
        return f"Noise({self.describe()})"

    def __hash__(self):
        table = None if self.implementation is None else tuple(
            (a, tuple(sorted((b, str(p)) for b, p in row.items()))) for a, row in sorted(self.implementation.items()))
        return hash((self.execution, self.tremble, self.perception, table, self.by_player))

    @property
    def common(self) -> "Noise":
        """The noise of every player not listed in ``by_player``.

        >>> Noise(execution="1/50", by_player={"Iran": Noise(tremble="1/10")}).common
        Noise(execution 1/50)
        """
        return Noise(self.execution, self.tremble, self.perception, self.implementation) if self.by_player else self

    def for_player(self, player) -> "Noise":
        """The noise of one player (its own, else the common part).

        >>> n = Noise(by_player={"Iran": Noise(execution="1/1600")})
        >>> n.for_player("Iran").execution, n.for_player("US").is_zero
        (Fraction(1, 1600), True)
        """
        return dict(self.by_player).get(player, self.common)

    def check_players(self, players) -> None:
        """Refuse a ``by_player`` entry for a player the game does not have.

        >>> Noise(by_player={"Irn": Noise(execution="1/50")}).check_players(("US", "Iran"))
        Traceback (most recent call last):
        ...
        deterrence.errors.GameError: noise for unknown player 'Irn'; players are US, Iran
        """
        for name, _ in self.by_player:
            if name not in players:
                raise GameError(f"noise for unknown player {name!r}; players are {', '.join(players)}")

    @classmethod
    def from_spec(cls, spec, parameters=()) -> "Noise | None":
        """From a table ``{execution=, tremble=, perception=, implementation=}`` (or ``"none"``);
        any other key names a player, whose own noise is such a table (or ``"none"``).

        A bare number is refused: it could mean any of the three kinds of error.

        >>> Noise.from_spec({"tremble": 0.1}).tremble
        Fraction(1, 10)
        >>> Noise.from_spec({"Iran": {"execution": "1/1600"}, "US": "none"}).for_player("Iran").execution
        Fraction(1, 1600)
        >>> Noise.from_spec(0.02)
        Traceback (most recent call last):
        ...
        deterrence.errors.GameError: noise 0.02: a bare number is ambiguous; name its kind with one of the keys
        execution (one rung up), tremble (a uniformly chosen other action) or perception (the opponent's action
        misread), e.g. {execution = "1/50"}
        """
        if spec is None or isinstance(spec, Noise):
            return spec
        if isinstance(spec, Mapping):
            kinds = {"execution", "tremble", "perception", "implementation"}
            # any other key is a player's own noise: a table (or "none", or a Noise)
            unknown = [k for k, v in spec.items() if k not in kinds and not (
                isinstance(v, (Mapping, Noise)) or (isinstance(v, str) and v.strip().lower() == "none"))]
            if unknown:
                raise GameError(f"unknown noise key(s) {', '.join(sorted(map(str, unknown)))}; "
                                "known: execution, tremble, perception, implementation, or a player's name "
                                "with a table of its own noise")
            players = []
            for name, own in spec.items():
                if name in kinds:
                    continue
                own = cls.from_spec(own, parameters)
                if own.by_player:
                    raise GameError(f"noise of player {name}: a player's noise names no players")
                players.append((str(name), own))
            kw = {k: _prob(v, f"noise {k}", parameters) for k, v in spec.items() if k in kinds - {"implementation"}}
            table = spec.get("implementation")
            if isinstance(table, Mapping):
                # a table's probabilities may be formulas in the parameters, as the other kinds'
                # may ("1 - eps", "eps"): read here, where the parameters are known
                table = {a: ({b: _prob(q, f"noise implementation {a} -> {b}", parameters) for b, q in row.items()}
                             if isinstance(row, Mapping) else row) for a, row in table.items()}
            return cls(implementation=table, by_player=tuple(players), **kw)
        if isinstance(spec, str) and spec.strip().lower() == "none":
            return cls()
        raise GameError(f"noise {spec!r}: a bare number is ambiguous; name its kind with one of the "
                        "keys execution (one rung up), tremble (a uniformly chosen other action) or "
                        "perception (the opponent's action misread), e.g. {execution = \"1/50\"}")

    def subs(self, values: Mapping) -> "Noise":
        """The noise with parameter ``values`` put into its formulas, each result checked to be a
        probability (the refusal names the parameters and their values).

        >>> Noise.from_spec({"execution": "e/2"}, ("e",)).subs({"e": "1/5"}).execution
        Fraction(1, 10)
        >>> Noise.from_spec({"execution": "e/2"}, ("e",)).subs({"e": 4})
        Traceback (most recent call last):
        ...
        deterrence.errors.GameError: noise execution is 2: probabilities lie in [0, 1] (the formula e/2 with e = 4)
        """
        kw = {}
        for name in ("execution", "tremble", "perception"):
            value = getattr(self, name)
            if is_symbolic(value):
                value = _substituted(value, values, f"noise {name}")
            kw[name] = value
        table = self.implementation
        if table is not None:
            table = {a: {b: _substituted(q, values, f"noise implementation {a} -> {b}") if is_symbolic(q) else q
                         for b, q in row.items()} for a, row in table.items()}
        return Noise(implementation=table, by_player=tuple(
            (p, n.subs(values)) for p, n in self.by_player), **kw)

    @property
    def is_zero(self) -> bool:
        """Whether there is no noise at all (every rate 0, for every player)."""
        return (self.execution == 0 and self.tremble == 0 and self.perception == 0
                and not self.implementation and all(n.is_zero for _, n in self.by_player))

    @property
    def is_symbolic(self) -> bool:
        """Whether a rate is a formula of the game's parameters."""
        return (any(is_symbolic(getattr(self, k)) for k in ("execution", "tremble", "perception"))
                or any(is_symbolic(q) for row in (self.implementation or {}).values() for q in row.values())
                or any(n.is_symbolic for _, n in self.by_player))

    @property
    def parameter_names(self) -> frozenset:
        """The parameters its formulas use (every kind, the table, each player's own).

        >>> sorted(Noise.from_spec({"Iran": {"tremble": "e/2"}, "implementation": {"a": {"a": "1 - f", "b": "f"}}},
        ...                        ("e", "f")).parameter_names)
        ['e', 'f']
        """
        values = [getattr(self, k) for k in ("execution", "tremble", "perception")]
        values += [q for row in (self.implementation or {}).values() for q in row.values()]
        own = frozenset(str(s) for v in values if is_symbolic(v) for s in getattr(v, "free_symbols", ()))
        return own.union(*(n.parameter_names for _, n in self.by_player))

    @property
    def has_perception(self) -> bool:
        """Whether any player misreads the other's actions."""
        return self.perception != 0 or any(n.perception != 0 for _, n in self.by_player)

    def implementation_matrix(self, actions) -> "numpy.ndarray":
        """``E[intended, realised]`` over an action ladder (object array, rows sum to 1)."""
        import numpy as np
        k = len(actions)
        E = np.empty((k, k), dtype=object)
        E[...] = 0
        for i in range(k):
            E[i, i] = 1
        if self.implementation:
            E[...] = 0
            # a mistyped intended action was no row of the matrix: the noise was dropped, silently
            unknown = [a for a in self.implementation if a not in actions]
            if unknown:
                raise GameError(f"noise implementation: unknown intended action {unknown[0]!r} "
                                f"(actions: {', '.join(actions)})")
            for a in actions:
                row = self.implementation.get(a, {a: 1})
                for b, p in row.items():
                    if b not in actions:
                        raise GameError(f"noise implementation: unknown action {b!r} (actions: {', '.join(actions)})")
                    E[actions.index(a), actions.index(b)] = _prob(p, f"noise implementation {a} -> {b}")
                total = sum(E[actions.index(a)])
                if not is_symbolic(total) and total != 1:
                    raise GameError(f"noise implementation: row {a!r} sums to {format_exact(total)}, not 1")
        e = self.execution
        if e != 0:
            up = np.zeros((k, k), dtype=object)
            for i in range(k):
                up[i, min(i + 1, k - 1)] += e
                up[i, i] += 1 - e
            E = _matmul(E, up)
        t = self.tremble
        if t != 0 and k > 1:
            tr = np.empty((k, k), dtype=object)
            for i in range(k):
                for j in range(k):
                    tr[i, j] = 1 - t if i == j else _div(t, k - 1)
            E = _matmul(E, tr)
        return E

    def perception_matrix(self, actions) -> "numpy.ndarray":
        """``obs[realised, observed]`` for the actions of the player being watched."""
        import numpy as np
        k = len(actions)
        obs = np.empty((k, k), dtype=object)
        p = self.perception
        for i in range(k):
            for j in range(k):
                obs[i, j] = (1 if i == j else 0) if (p == 0 or k == 1) else (
                    1 - p if i == j else _div(p, k - 1))
        return obs

    def to_dict(self) -> dict:
        """The error rates that are not zero, the implementation table if any, and a player's own
        noise under its name (JSON-ready).

        >>> Noise(execution="1/50", by_player={"Iran": Noise(tremble="1/10")}).to_dict()
        {'execution': '1/50', 'Iran': {'tremble': '1/10'}}
        >>> Noise(by_player={"Iran": Noise(implementation={"retaliate": {"escalate": "1/1600"}})}).to_dict()
        {'Iran': {'implementation': {'retaliate': {'escalate': '1/1600'}}}}
        """
        out = {k: format_exact(getattr(self, k)) for k in ("execution", "tremble", "perception")
               if getattr(self, k) != 0}
        if self.implementation:
            out["implementation"] = {a: {b: str(p) for b, p in row.items()} for a, row in self.implementation.items()}
        out.update({p: n.to_dict() for p, n in self.by_player})
        return out

    def describe(self) -> str:
        """The noise in words, for titles and reports.

        >>> Noise(execution="1/50").describe()
        'execution 1/50'
        >>> Noise(by_player={"Iran": Noise(execution="1/1600"), "US": Noise()}).describe()
        'Iran: execution 1/1600; US: none'
        >>> Noise(implementation={"retaliate": {"retaliate": "49/50", "escalate": "1/50"}}).describe()
        'retaliate -> escalate 1/50'
        """
        rates = [f"{k} {v}" for k, v in self.to_dict().items() if k in ("execution", "tremble", "perception")]
        rates += [f"{a} -> {b} {p}" for a, row in (self.implementation or {}).items()
                  for b, p in row.items() if b != a and str(p).strip() not in ("0", "0/1")]
        common = ", ".join(rates) or "none"
        if not self.by_player:
            return common
        own = "; ".join(f"{p}: {n.describe()}" for p, n in self.by_player)
        return own if common == "none" else f"{own}; others: {common}"


def _div(x, n):
    return x / n if is_symbolic(x) else Fraction(x) / n


def _matmul(A, B):
    import numpy as np
    n, m = A.shape[0], B.shape[1]
    out = np.empty((n, m), dtype=object)
    for i in range(n):
        for j in range(m):
            out[i, j] = _clean(sum(A[i, k] * B[k, j] for k in range(A.shape[1])))
    return out


def _clean(x):
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x


@dataclass(frozen=True)
class RepeatedSection:
    """The ``[repeated]`` section of a game file, read and checked (:func:`repeated_section`).

    ``profile`` is the pair of strategy names (or ``None``), ``automata`` the
    automata the file defines by name (raw tables, built for a stage game by
    :func:`read_profile`).
    """

    delta: object = None
    horizon: object = None
    noise: object = None
    profile: tuple | None = None
    automata: tuple = ()        # ((name, key, spec), ...) with key "strategies" or "automata"
    war: tuple | None = None    # the profiles that count as war (:func:`war_profiles`), or None: the default
    round_days: object = None   # the length of a round in days (:func:`section_round_days`), or None


def _in_its_file(read):
    """Decorator of the readers of a game's ``[repeated]`` section: an error names the game's
    file and the key's line (:func:`section_error_in_file`) when the game keeps its ``file``
    (a game read by ``load_game``): from Python, a bad ``round_days`` named no file (an error
    review); the command line, which passes the file itself, named it."""
    import functools

    @functools.wraps(read)
    def located(game, *args, **kwargs):
        try:
            return read(game, *args, **kwargs)
        except (GameError, TooLargeError) as exc:
            file = getattr(game, "_file", None)
            if file is None or getattr(exc, "file", None) or not hasattr(file, "key_lines"):
                raise
            raise section_error_in_file(exc, file.path, file.key_lines()) from None
    return located


_SECTION_KEYS = ("delta", "horizon", "noise", "strategies", "profile", "automata", "war", "round_days")


@_in_its_file
def repeated_section(game) -> RepeatedSection:
    """The one reader of a game file's ``[repeated]`` section (empty when there is none).

    Keys: ``delta``, ``horizon``, ``noise`` (a table, see :class:`Noise`),
    ``strategies`` or ``profile`` (two strategy names), ``war`` (the action profiles that
    count as war, as :func:`war_profiles` reads them: a list of pairs or ``"a, b"`` texts;
    by default every profile in which a side plays its escalation action), ``round_days`` (the
    length of a round in days, :func:`section_round_days`) and automata
    defined by name under ``[repeated.strategies.NAME]`` or ``[repeated.automata.NAME]``.

    >>> from deterrence import load_game
    >>> s = repeated_section(load_game("us_iran_stage"))
    >>> s.delta, s.profile, s.noise.for_player("Iran").implementation["retaliate"]["escalate"]
    ('9/10', ('contained_tit_for_tat', 'contained_tit_for_tat'), Fraction(1, 1600))
    """
    raw = (getattr(game, "extra", None) or {}).get("repeated") or {}
    if not isinstance(raw, Mapping):
        from deterrence.core.validate import a_table, file_of
        raise GameError(f"[repeated] must be {a_table(file_of(game))}")
    unknown = sorted(set(raw) - set(_SECTION_KEYS))
    if unknown:
        with _at_key(unknown[0]):
            raise GameError(f"[repeated]: unknown key(s) {', '.join(unknown)}; known: {', '.join(_SECTION_KEYS)}")
    defined = []
    for key in ("strategies", "automata"):
        table = raw.get(key)
        if isinstance(table, Mapping):
            defined += [(name, key, spec) for name, spec in table.items()]
    names = raw.get("profile", raw.get("strategies"))
    if isinstance(names, Mapping):
        names = None
    if names is not None:
        with _at_key("profile" if "profile" in raw else "strategies"):
            names = _profile_names(names)
    noise = raw.get("noise")
    parameters = tuple(getattr(game, "parameters", ()) or ())
    with _at_key("noise"):
        noise = None if noise is None else Noise.from_spec(noise, parameters)
    return RepeatedSection(delta=raw.get("delta"), horizon=raw.get("horizon"), noise=noise,
                           profile=names, automata=tuple(defined), war=section_war(game),
                           round_days=section_round_days(game))


def _keyed(key):
    """Decorator: the errors of a reader of one ``[repeated]`` key carry it (:func:`_at_key`)."""
    import functools

    def decorate(read):
        @functools.wraps(read)
        def keyed(*args, **kwargs):
            with _at_key(key):
                return read(*args, **kwargs)
        return keyed
    return decorate


@contextlib.contextmanager
def _at_key(key):
    """An error raised inside carries the ``[repeated]`` key it is about, as ``section_key`` (its
    type kept), unless it has one: :func:`section_error_in_file` names that key's line. (The key
    was found from the message, so an unknown key "my key" was named "repeated.my", with no line:
    an error review.)"""
    try:
        yield
    except (GameError, TooLargeError) as exc:
        if getattr(exc, "section_key", None) is None:
            exc.section_key = key
        raise


def section_error_in_file(exc, file, lines) -> GameFileError:
    """An error of :func:`repeated_section` as an error of its file (``lines`` from
    :func:`deterrence.io.toml_reader.key_lines`) at the line of the key it is about; the
    ``repeated`` command and the report both read a file's section through it (the report
    named no file for a bad round_days: an error review).

    >>> error = GameError("[repeated] round_days = 0: not positive")
    >>> error.section_key = "round_days"          # as :func:`_at_key` gives it
    >>> str(section_error_in_file(error, "g.toml", {("repeated",): 3, ("repeated", "round_days"): 5}))
    'g.toml:5: repeated.round_days: [repeated] round_days = 0: not positive'
    """
    # the key the error carries (:func:`_at_key`), never one found from its message
    key = getattr(exc, "section_key", None)
    lines = lines or {}
    line = lines.get(("repeated", key)) if key else None
    name = "" if not key else f".{key}" if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'."{key}"'
    return GameFileError(str(exc), file=file, line=line or lines.get(("repeated",)), field="repeated" + name)


@_in_its_file
@_keyed("round_days")
def section_round_days(game):
    """The ``round_days`` key of a game file's ``[repeated]`` section: the length of a round in
    days, an exact positive number, or ``None`` (rounds have no length in time). The noise
    analysis's report reads it to give times in weeks and years (the same stage game gave
    "rounds of 7 days" in the teaching model's report and "no length in time" in its file's:
    an IR review).

    >>> from deterrence import load_game
    >>> section_round_days(load_game("us_iran_stage")), section_round_days(load_game("chicken"))
    (7, None)
    """
    raw = (getattr(game, "extra", None) or {}).get("repeated") or {}
    days = raw.get("round_days") if isinstance(raw, Mapping) else None
    if days is None:
        return None
    try:
        value = to_exact(days, "[repeated] round_days") if not isinstance(days, bool) else None
    except GameError:
        value = None
    if value is None or is_symbolic(value) or value <= 0:
        raise GameError(f"[repeated] round_days = {days!r}: the length of a round in days, a positive number "
                        "(e.g. 7 for a week)")
    return value


@_in_its_file
@_keyed("war")
def section_war(game) -> tuple | None:
    """The ``war`` key of a game file's ``[repeated]`` section, read and checked: the profiles
    that count as war (:func:`war_profiles`), or ``None`` (the default meaning). The noise
    analysis reads this key alone (the rest of the section is already in its carrier).

    >>> from deterrence import load_game
    >>> section_war(load_game("spiral_model")), section_war(load_game("us_iran_stage"))
    ((('arm', 'arm'),), None)
    """
    raw = (getattr(game, "extra", None) or {}).get("repeated") or {}
    war = raw.get("war") if isinstance(raw, Mapping) else None
    if war is None:
        return None
    if getattr(game, "n_players", None) != 2:
        raise GameError("[repeated] war: war profiles are pairs of actions of a two-player stage game")
    if isinstance(war, str) or not isinstance(war, (list, tuple)) or not war:
        # a single "a, b" text would be read letter by letter (or refused as 'any' is not a list)
        raise GameError(f"[repeated] war = {war!r}: give a nonempty list of action profiles, "
                        "e.g. war = [[\"arm\", \"arm\"]] or [\"arm, arm\"]")
    try:
        return war_profiles(game, war)
    except GameError as exc:
        raise GameError(f"[repeated] war: {exc}") from None


def _profile_names(names) -> tuple:
    from deterrence.core.strategies import split_profile
    if not isinstance(names, (str, list, tuple)):
        # strategies = 7 gave a TypeError traceback (an error review)
        raise GameError(f"strategies = {names!r}: a profile names two strategies, as a list [\"a\", \"b\"] "
                        "or a text \"a, b\"")
    names = split_profile(names) if isinstance(names, str) else [str(n) for n in names]
    if len(names) == 1:
        names = names * 2
    if len(names) != 2:
        raise GameError(f"a profile names two strategies, got {len(names)}: {', '.join(map(str, names))}")
    return tuple(names)


def _at_own_line(exc, base_path, lines):
    """``exc`` (an error of an automaton table read from a file) at the line of its own key or
    array element, found from its place within the table (``exc.places``, key paths as
    :func:`deterrence.io.toml_reader.key_lines` keys them, under ``base_path``): a bad
    transition rule in a long array was blamed on the table's header, and then found by
    parsing the error's field text (an error review)."""
    places = getattr(exc, "places", ())
    if not lines or not places:
        return exc
    path = tuple(base_path) + tuple(places[0])
    for k in range(len(path), len(base_path) - 1, -1):
        line = lines.get(path[:k])
        if line is not None:
            placed = type(exc)(exc.reason, file=exc.file, line=line, field=exc.field)
            placed.places = places
            return placed
    return exc


def read_profile(game, names=None, *, file=None, lines=None) -> tuple:
    """Two automata for the stage game ``game``: the ``[repeated]`` profile, or ``names``.

    A name is an automaton defined in the file's ``[repeated]`` section or a
    library strategy (:data:`deterrence.core.strategies.STRATEGIES`, with
    parameters as ``"limited_retaliation(k=3)"``); an
    :class:`~deterrence.core.automaton.Automaton` is taken as it is (and
    checked against the stage game's actions). ``lines`` maps key paths to
    line numbers, so errors name the file and line.

    >>> from deterrence import load_game
    >>> [a.name for a in read_profile(load_game("prisoners_dilemma"), ["grim", "tft"])]
    ['grim_trigger', 'tit_for_tat']
    >>> [a.name for a in read_profile(load_game("us_iran_stage"), "hawk,limited_retaliation(k=3)")]
    ['hawk', 'limited_retaliation(k=3)']
    """
    from deterrence.core.automaton import Automaton
    from deterrence.core.strategies import named_strategy
    if getattr(game, "n_players", None) != 2:
        raise GameError("a strategy profile is for a two-player stage game")
    if file is None and getattr(getattr(game, "_file", None), "key_lines", None) is not None:
        # a game read by load_game knows its file: an automaton's error names it and its line from
        # Python too (only the command line, which passes them, named them: an error review)
        file, lines = game._file.path, lines or game._file.key_lines()
    lines = lines or {}
    section = None

    def read():             # only names need the section (automata are taken as they are)
        nonlocal section
        if section is None:
            section = repeated_section(game)
        return section

    def where(*path):
        line = None
        for k in range(len(path), 0, -1):
            line = lines.get(("repeated",) + tuple(path[:k]))
            if line is not None:
                break
        return dict(file=file, line=line, field=".".join(("repeated",) + tuple(path)))

    if names is None:
        if read().profile is None:
            raise GameError("no strategy profile: give strategies (or profile = [...] in [repeated])")
        names = read().profile
    elif isinstance(names, (str, Automaton)):
        names = _profile_names(names) if isinstance(names, str) else (names, names)
    elif isinstance(names, (bytes, bytearray)) or not hasattr(names, "__iter__"):
        raise GameError(f"profile must name two strategies (names or Automaton objects), got {names!r}")
    else:
        names = list(names)
        if len(names) == 1:
            names = names * 2
        if len(names) != 2:
            raise GameError(f"a profile names two strategies (one per player), got {len(names)}")
    out = []
    for i, name in enumerate(names):
        own, opp = game.actions[i], game.actions[1 - i]
        if isinstance(name, Automaton):
            automaton = name
        elif not isinstance(name, str):
            raise GameError(f"strategy of player {game.players[i]} must be an Automaton or a name, "
                            f"got {type(name).__name__}")
        elif name in {n for n, _, _ in read().automata}:
            key, spec = next((k, spec) for n, k, spec in read().automata if n == name)
            w = where(key, name)
            try:
                automaton = Automaton.from_spec(spec, own, opp, name=name, parameters=tuple(game.parameters),
                                                file=w["file"], line=w["line"], field=w["field"])
            except GameFileError as exc:
                raise _at_own_line(exc, ("repeated", key, name), lines) from None
        else:
            automaton = named_strategy(name, game, i)
        built = (list(automaton.actions), list(automaton.opponent_actions))
        if built != (list(own), list(opp)):
            raise GameError(f"automaton {automaton.name!r} of player {game.players[i]} is built for actions "
                            f"{built[0]} vs {built[1]}, but the stage game has {list(own)} vs {list(opp)}")
        out.append(automaton)
    return tuple(out)


@boundary_init
class RepeatedGame:
    """An immutable repeated game: stage game, δ, horizon, noise and (optionally) a strategy profile.

    ``RepeatedGame(stage, delta, horizon=None, noise=None, strategies=None)``.
    ``delta`` is exact (``"9/10"``, ``Fraction``, ``0.9`` read as ``9/10``) or a
    sympy expression/symbol. **One rule for δ**: ``0 <= delta < 1`` when the
    game is infinitely repeated (``horizon=None``), ``0 <= delta <= 1`` with a
    finite horizon (``delta = 1``: plain averages); ``delta = 0`` is the stage
    game played myopically. ``noise`` is a :class:`Noise` or a table (zero
    noise is stored as ``None``); ``strategies`` two automata or names (see
    :func:`read_profile`), or ``None`` when no profile is needed.
    Payoffs are average discounted payoffs (module docstring).

    :meth:`from_game` reads a game file's ``[repeated]`` section; every
    repeated-game function of the toolkit builds its game through it, so the
    answer is the same however δ, noise and the profile reach it.

    >>> from deterrence import load_game
    >>> rg = RepeatedGame(load_game("prisoners_dilemma"), "9/10")
    >>> rg
    RepeatedGame(Row: C, D; Column: C, D; delta=9/10)
    >>> RepeatedGame.from_game(load_game("us_iran_stage"), delta="1/2").noise.describe()
    'Iran: retaliate -> escalate 1/1600'
    """

    __slots__ = ("_stage", "_delta", "_horizon", "_noise", "_strategies", "_frozen")

    def __init__(self, stage, delta, horizon: int | None = None, noise=None, strategies=None):
        import numpy as np
        if getattr(stage, "n_players", None) != 2:
            raise GameError("a repeated game needs a two-player normal-form stage game")
        delta = _delta(delta, stage)
        if horizon is not None:
            if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
                raise GameError(f"horizon must be a whole number of rounds >= 1, got {horizon!r}")
            horizon = int(horizon)
        check_delta(delta, horizon)
        noise = Noise.from_spec(noise, tuple(stage.parameters))
        if noise is not None and noise.is_symbolic and not stage.is_symbolic:
            # a stage at its values (with_defaults): the noise's formulas take the same values (a
            # review: simulate and discounted_values of such a game got formulas, or refused)
            noise = noise.subs(stage.parameters)
        if noise is not None and noise.is_zero:
            noise = None
        if noise is not None:
            noise.check_players(tuple(stage.players))
        self._stage, self._delta, self._horizon, self._noise = stage, delta, horizon, noise
        self._strategies = None if strategies is None else read_profile(stage, strategies)
        self._frozen = True

    def __setattr__(self, key, value):
        if getattr(self, "_frozen", False):
            raise AttributeError("RepeatedGame is immutable")
        object.__setattr__(self, key, value)

    @classmethod
    def from_game(cls, game, delta=None, noise=None, horizon=None, strategies=None, *,
                  default_delta=None, file=None, lines=None) -> "RepeatedGame":
        """The repeated game of a stage game and its file's ``[repeated]`` section.

        Arguments given here override the file's values one by one (an explicit
        ``delta`` keeps the file's noise and profile); ``game`` may also be a
        :class:`RepeatedGame`, whose values the arguments override likewise.
        ``default_delta`` is used when neither gives δ (for analyses that do
        not discount, such as long-run frequencies); otherwise a missing δ is
        an error. A file without a profile gives ``strategies=None``.

        >>> from deterrence import load_game
        >>> g = load_game("us_iran_stage")
        >>> RepeatedGame.from_game(g, delta="9/10") == RepeatedGame.from_game(g)
        True
        """
        if isinstance(game, RepeatedGame):
            return cls(game.stage, game.delta if delta is None else delta,
                       game.horizon if horizon is None else horizon,
                       game.noise if noise is None else noise,
                       game.strategies if strategies is None else strategies)
        if not hasattr(game, "payoff_arrays") and not hasattr(game, "A"):
            raise GameError(f"game must be a normal-form stage game or a RepeatedGame, "
                            f"got {type(game).__name__}")
        try:
            section = repeated_section(game)
        except (GameError, TooLargeError) as exc:       # its noise table, say: name the file's line
            # (an ExpressionError is a GameFileError without a file: an unknown name in a formula)
            if file is None or getattr(exc, "file", None):
                raise
            raise section_error_in_file(exc, file, lines) from None
        # the keys taken from the file: an error in one of them names its file and line
        from_file = [k for k, v in (("delta", delta), ("horizon", horizon), ("noise", noise)) if v is None
                     and getattr(section, k) is not None]
        if delta is None:
            delta = section.delta if section.delta is not None else default_delta
        if delta is None:
            raise GameError("no discount factor: give delta (or delta = ... in [repeated])")
        horizon = section.horizon if horizon is None else horizon
        noise = section.noise if noise is None else noise
        def in_the_file(exc, key):
            """``exc`` as an error of the file's ``[repeated]`` key (its first line there)."""
            found = [n for path, n in (lines or {}).items() if tuple(path[:2]) == ("repeated", key)]
            return GameFileError(str(exc), file=file, line=min(found) if found else None,
                                 field=f"repeated.{key}")
        if strategies is None and section.profile is not None:
            try:
                strategies = read_profile(game, file=file, lines=lines)
            except GameError as exc:       # strategy '2' is not a name: it named no file (an error review)
                if file is None or getattr(exc, "file", None):
                    raise
                raise in_the_file(exc, next((k for k in ("strategies", "profile") if (lines or {}).get(
                    ("repeated", k)) is not None), "strategies")) from None
        elif strategies is not None:
            strategies = read_profile(game, strategies, file=file, lines=lines)
        if "noise" in from_file and file is not None:
            try:        # read the file's noise now: the analysis reads it late, far from the file
                # (at the file's own parameter values too, when its probabilities are formulas:
                # a row of formulas that does not sum to 1 is found here, not in the analysis)
                # (a parameter without a value in the file is given one later: --set, subs)
                valued = noise.is_symbolic and all((game.parameters or {}).get(n) is not None
                                                   for n in noise.parameter_names)
                at_values = noise.subs(game.parameters) if valued else noise
                for i, player in enumerate(game.players):
                    for n in (noise, at_values):
                        n.for_player(player).implementation_matrix(list(game.actions[i]))
            except (GameError, TooLargeError) as exc:
                if getattr(exc, "file", None):
                    raise
                raise in_the_file(exc, "noise") from None
        try:
            return cls(game, delta, horizon, noise, strategies)
        except (GameError, TooLargeError) as exc:
            # the key the message is about (a delta message may mention the horizon): blamed on the
            # file only when the file gave it (a --delta on the command line is not the file's)
            key = next((k for k in ("delta", "horizon", "noise") if str(exc).startswith(k)), None)
            if file is None or key not in from_file or getattr(exc, "file", None):
                raise
            raise in_the_file(exc, key) from None

    stage = property(lambda self: self._stage, doc='The stage game, played every round.')
    delta = property(lambda self: self._delta, doc='The discount factor δ.')
    horizon = property(lambda self: self._horizon,
                       doc='The number of rounds, or ``None`` for an infinitely repeated game.')
    noise = property(lambda self: self._noise, doc="A :class:`Noise` or ``None``.")
    strategies = property(lambda self: self._strategies, doc="Two automata, or ``None``.")
    players = property(lambda self: self._stage.players, doc="The stage game's players.")
    actions = property(lambda self: self._stage.actions, doc="The stage game's actions, one tuple a player.")

    @property
    def is_symbolic(self) -> bool:
        """Whether the stage game, δ or the noise has a formula of the parameters."""
        return (self._stage.is_symbolic or is_symbolic(self._delta)
                or (self._noise is not None and self._noise.is_symbolic))

    def _key(self):
        return (self._stage, tuple(sorted(getattr(self._stage, "parameters", {}).items(), key=str)),
                self._delta, self._horizon, self._noise, self._strategies)

    def __eq__(self, other):
        return isinstance(other, RepeatedGame) and self._key() == other._key()

    def __hash__(self):
        return hash((self._delta, self._horizon, self._strategies))

    def profile(self, strategies=None) -> tuple:
        """Two automata: ``strategies`` resolved for this stage game, or the game's own profile.

        >>> from deterrence import load_game
        >>> [a.name for a in RepeatedGame.from_game(load_game("prisoners_dilemma")).profile()]
        ['grim_trigger', 'grim_trigger']
        """
        if strategies is not None:
            return read_profile(self._stage, strategies)
        if self._strategies is None:
            raise GameError("no strategy profile: give strategies (or profile = [...] in [repeated])")
        return self._strategies

    def with_delta(self, delta) -> "RepeatedGame":
        """The same game with another discount factor.

        >>> from deterrence import load_game
        >>> RepeatedGame(load_game("chicken"), "1/2").with_delta("3/4").delta
        Fraction(3, 4)
        """
        return RepeatedGame(self._stage, delta, self._horizon, self._noise, self._strategies)

    def with_noise(self, noise) -> "RepeatedGame":
        """The same game with other noise (``None``: none)."""
        return RepeatedGame(self._stage, self._delta, self._horizon, noise, self._strategies)

    def with_horizon(self, horizon) -> "RepeatedGame":
        """The same game with another horizon (``None``: infinitely repeated)."""
        return RepeatedGame(self._stage, self._delta, horizon, self._noise, self._strategies)

    def with_strategies(self, strategies) -> "RepeatedGame":
        """The same game with another strategy profile (``None``: none)."""
        return RepeatedGame(self._stage, self._delta, self._horizon, self._noise, strategies)

    def with_defaults(self) -> "RepeatedGame":
        """The game at its stage game's parameter values (automata and noise substituted too)."""
        noise = self._noise
        if noise is not None and noise.is_symbolic:
            noise = noise.subs(getattr(self._stage, "parameters", {}) or {})
        if not self._stage.is_symbolic:
            return self if noise is self._noise else RepeatedGame(
                self._stage, self._delta, self._horizon, noise, self._strategies)
        stage = self._stage.with_defaults()
        strategies = (None if self._strategies is None
                      else tuple(a.subs(stage.parameters) for a in self._strategies))
        return RepeatedGame(stage, self._delta, self._horizon, noise, strategies)

    def noise_matrices(self):
        """``(E1, E2, O1, O2)``: implementation matrices and perception matrices.

        ``O1[b, o]`` is the chance player 1 observes player 2's action ``b`` as ``o``.
        """
        a1, a2 = self._stage.actions
        noise = self._noise or Noise()
        n1, n2 = (noise.for_player(p) for p in self._stage.players)
        # each player's own errors: its actions come out wrong, and it misreads the other's
        return (n1.implementation_matrix(a1), n2.implementation_matrix(a2),
                n1.perception_matrix(a2), n2.perception_matrix(a1))

    def __repr__(self):
        body = "; ".join(f"{p}: {', '.join(a)}" for p, a in zip(self.players, self.actions))
        extra = f", horizon={self._horizon}" if self._horizon else ""
        if self._noise is not None and not self._noise.is_zero:
            extra += f", noise={self._noise.describe()}"
        if self._strategies is not None:
            extra += f", strategies=({self._strategies[0].name}, {self._strategies[1].name})"
        return f"RepeatedGame({body}; delta={format_exact(self._delta)}{extra})"

    def _repr_html_(self) -> str:
        """The stage game's table (its title the caption) under one line: the rounds, delta, the
        noise and the strategies. (Jupyter showed the one-line text only, without the payoffs.)

        >>> from deterrence import load_game
        >>> html = RepeatedGame(load_game("prisoners_dilemma").with_defaults(), "9/10")._repr_html_()
        >>> "<p>Repeated without end, delta = 9/10</p>" in html, "<caption>Prisoner&#x27;s dilemma</caption>" in html
        (True, True)
        """
        import html
        line = (f"Repeated for {self._horizon} rounds" if self._horizon else "Repeated without end") + \
            f", delta = {format_exact(self._delta)}"
        if self._noise is not None and not self._noise.is_zero:
            line += f"; noise: {self._noise.describe()}"
        if self._strategies is not None:
            line += "; strategies: " + ", ".join(f"{p} {s.name}" for p, s in zip(self.players, self._strategies))
        return (f"<div class='deterrence-repeated'><p>{html.escape(line)}</p>"
                f"{self._stage._repr_html_()}</div>")


def escalation_actions(game, escalation=None) -> tuple:
    """The escalation action index of each player: ``escalation[player]`` if given, else
    the action labelled ``escalate`` if there is one, else the last action (the top rung).

    >>> from deterrence import load_game
    >>> escalation_actions(load_game("us_iran_stage")), escalation_actions(load_game("prisoners_dilemma"))
    ((2, 2), (1, 1))
    """
    escalation = dict(escalation or {})
    out = []
    for i, player in enumerate(game.players):
        if player in escalation:
            out.append(game.action_index(i, escalation[player]))
        elif "escalate" in game.actions[i]:
            out.append(game.actions[i].index("escalate"))
        else:
            out.append(len(game.actions[i]) - 1)
    return tuple(out)


def war_profiles(stage, war=None) -> tuple:
    """The action profiles that count as war: the toolkit's one meaning of war.

    Default (``war=None``): the game file's own (``[repeated] war``, :func:`section_war`), else,
    as with ``war="any"``, every profile in which **either** side
    plays its escalation action (:func:`escalation_actions`), because the stage
    game charges the war cost whenever either side escalates. ``war`` may
    instead list the profiles (pairs of labels, or ``"a, b"`` strings), as a game
    file's ``[repeated]`` section may (``war = [["arm", "arm"]]``: the arms race of
    ``spiral_model``), for a game whose war is another outcome.

    >>> from deterrence import load_game
    >>> war_profiles(load_game("us_iran_stage"))  # doctest: +NORMALIZE_WHITESPACE
    (('hold', 'escalate'), ('retaliate', 'escalate'), ('escalate', 'hold'),
     ('escalate', 'retaliate'), ('escalate', 'escalate'))
    """
    a1, a2 = stage.actions
    if war is None:             # the file's own war, read here so that every analysis shares it
        own = section_war(stage)
        if own is not None:
            return own
    if war is None or war == "any":
        e1, e2 = escalation_actions(stage)
        return tuple((x, y) for i, x in enumerate(a1) for j, y in enumerate(a2) if i == e1 or j == e2)
    if isinstance(war, str):
        raise GameError(f"war = {war!r}: give 'any' (the default) or a list of action profiles")
    out = []
    for p in war:
        if isinstance(p, str):
            p = tuple(s.strip() for s in p.split(","))
        if len(p) != 2 or p[0] not in a1 or p[1] not in a2:
            raise GameError(f"war profile {p!r} is not a pair of actions "
                            f"({stage.players[0]}: {', '.join(a1)}; {stage.players[1]}: {', '.join(a2)})")
        out.append(tuple(p))
    return tuple(out)


def check_delta(delta, horizon=None):
    """**The one rule for δ**, wherever it enters (games, maps, sweeps, the CLI): ``0 <= delta < 1``
    infinitely repeated, ``0 <= delta <= 1`` with a finite ``horizon``; symbolic δ passes.
    Returns δ exact.

    >>> check_delta(0.9), check_delta(1, horizon=3)
    (Fraction(9, 10), 1)
    >>> check_delta(1.5)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: delta = 3/2: the discount factor must lie in [0, 1) (or [0, 1] with a finite horizon)
    >>> check_delta(2, horizon=3)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: delta = 2: with a finite horizon (3 rounds) the discount factor must lie in [0, 1]
    """
    if is_symbolic(delta):
        return delta
    delta = to_exact(delta, "delta")
    if horizon is not None:
        if delta < 0 or delta > 1:
            raise GameError(f"delta = {format_exact(delta)}: with a finite horizon ({horizon} rounds) "
                            "the discount factor must lie in [0, 1]")
    elif delta < 0 or delta >= 1:
        raise GameError(f"delta = {format_exact(delta)}: the discount factor must lie in "
                        "[0, 1) (or [0, 1] with a finite horizon)")
    return delta


def _delta(delta, stage):
    if is_symbolic(delta):
        return delta
    if isinstance(delta, str):
        import re
        if re.search(r"[A-Za-z_]", delta):
            from deterrence.core.symbolic import parse_expression
            expr = parse_expression(delta, tuple(stage.parameters) + ("delta",), field="delta")
            return expr if is_symbolic(expr) else to_exact(expr, "delta")
    return to_exact(delta, "delta")


def delta_symbol():
    """The sympy symbol used for the discount factor (``delta``, real).

    >>> delta_symbol()
    delta
    """
    from deterrence.core.symbolic import parameter_symbol
    return parameter_symbol("delta")


__all__ = ["RepeatedGame", "check_delta", "Noise", "RepeatedSection", "repeated_section", "section_war", "read_profile",
           "escalation_actions", "war_profiles", "delta_symbol"]
