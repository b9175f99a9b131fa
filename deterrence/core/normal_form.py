"""NormalFormGame: an immutable n-player game in strategic form, labels first.

A game holds player names, action labels per player and one payoff array per
player (shape = numbers of actions). Payoffs are of one of three kinds:

* ``"exact"``: Python ``int`` / ``Fraction`` (floats are converted by the rule
  in :mod:`deterrence.core.numbers`: ``0.1`` becomes ``1/10``);
* ``"symbolic"``: sympy expressions over declared parameters; :meth:`subs`
  or :meth:`with_defaults` gives an exact game.

Games never change: every transform returns a new game.
"""
from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np

from deterrence.errors import GameError
from deterrence.core.numbers import float_array, format_exact, format_text, is_symbolic, to_exact
from deterrence.core.validate import FILE_DOC, boundary_init, how_to_give_values, in_its_file, file_of, kept_file
from deterrence.core.frozen import frozen

DEFAULT_PLAYERS = ("Row", "Column")


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@boundary_init
class NormalFormGame:
    """An immutable normal-form game with named players and labelled actions.

    Build one with a named constructor: :meth:`from_arrays`, :meth:`zero_sum`,
    :meth:`from_payoff_arrays` (n players), :meth:`from_mapping` (labels), or
    read one with :func:`deterrence.load_game`.

    >>> g = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...                                actions=[["C", "D"], ["C", "D"]])
    >>> g
    NormalFormGame(Row: C, D; Column: C, D; exact)
    >>> g.payoff(("D", "C"))
    (5, 0)
    """

    __slots__ = ("_players", "_actions", "_payoffs", "_kind", "_parameters",
                 "_title", "_description", "_sources", "_claims", "_extra", "_float_cache", "_file")

    def __init__(self, payoffs: Sequence, *, players: Sequence[str] | None = None,
                 actions: Sequence[Sequence[str]] | None = None,
                 parameters: Mapping[str, object] | None = None,
                 title: str = "", description: str = "",
                 sources: Sequence[str] = (), claims: Mapping | None = None,
                 extra: Mapping | None = None):
        arrays = [np.asarray(p, dtype=object) for p in payoffs]
        n = len(arrays)
        if n < 1:
            raise GameError("a game needs at least one player")
        shape = arrays[0].shape
        for i, arr in enumerate(arrays):
            if arr.shape != shape:
                raise GameError(
                    f"payoff array of player {i + 1} has shape {arr.shape}, "
                    f"but player 1's has shape {shape}: all must match")
        if len(shape) != n:
            raise GameError(
                f"{n} payoff arrays need {n} dimensions each (one per player), got shape {shape}")
        if any(k == 0 for k in shape):
            raise GameError(f"every player needs at least one action; shape is {shape}")

        if isinstance(players, str):      # "AB" was split into the players A and B (an error review)
            raise GameError(f"players: a list of names, e.g. ['US', 'Iran']; got the text {players!r}")
        players = tuple(DEFAULT_PLAYERS if players is None and n == 2 else
                        (players if players is not None else [f"Player {i + 1}" for i in range(n)]))
        if len(players) != n:
            raise GameError(f"{len(players)} player names given for a {n}-player game")
        players = tuple(str(p) for p in players)
        _check_unique(players, "player name", "players")

        if actions is None:
            actions = [[f"{i}" for i in range(k)] for k in shape]
        if isinstance(actions, str) or any(isinstance(acts, str) for acts in actions):
            raise GameError("actions: one list of labels per player, e.g. [['hold', 'strike'], ['hold', 'strike']]; "
                            f"got {actions!r}")
        if len(actions) != n:
            raise GameError(f"action labels given for {len(actions)} players, the game has {n}")
        actions = tuple(tuple(str(a) for a in acts) for acts in actions)
        for player, acts, k in zip(players, actions, shape):
            if len(acts) != k:
                raise GameError(f"player {player} has {len(acts)} action labels but {k} rows/columns of payoffs")
            _check_unique(acts, "action label", f"player {player}")

        params = {} if parameters is None else dict(parameters)
        converted, symbolic = [], False
        for player, arr in zip(players, arrays):
            out = np.empty(shape, dtype=object)
            for idx, value in np.ndenumerate(arr):
                if type(value) is int:      # the common case: skip building the error label
                    out[idx] = value
                    continue
                what = f"payoff of {player} at ({', '.join(a[i] for a, i in zip(actions, idx))})"
                if is_symbolic(value):
                    from deterrence.core.symbolic import game_value
                    out[idx] = game_value(value, what, params, parameters is not None)
                    symbolic = True
                else:
                    out[idx] = _exact(value, what)
            converted.append(_frozen(out))

        self._players = players
        self._actions = actions
        self._payoffs = tuple(converted)
        self._kind = "symbolic" if symbolic else "exact"
        self._parameters = {k: (None if v is None else to_exact(v, f"value of parameter {k}"))
                            for k, v in params.items()}
        self._title = title
        self._description = description
        self._sources = tuple(sources)
        self._claims = frozen(dict(claims or {}))     # nested tables read-only: core.frozen
        self._extra = frozen(dict(extra or {}))
        self._float_cache = None
        self._file = None         # the file it was read from: core.validate.with_file

    # -- constructors -------------------------------------------------
    @classmethod
    def from_arrays(cls, A, B=None, **kwargs) -> "NormalFormGame":
        """A two-player game from the row player's ``A`` and column player's ``B``.

        Without ``B`` the game is zero-sum (``B = -A``), as in nashpy.

        >>> NormalFormGame.from_arrays([[1, -1], [-1, 1]]).payoff_array(1)[0, 0]
        -1
        """
        A = _as_matrix(A, "A")
        if B is None:
            B = np.vectorize(_negated, otypes=[object])(A) if A.size else A
        B = _as_matrix(B, "B")
        if A.shape != B.shape:
            raise GameError(f"A has shape {A.shape} but B has shape {B.shape}: they must match")
        return cls([A, B], **kwargs)

    @classmethod
    def zero_sum(cls, A, **kwargs) -> "NormalFormGame":
        """A two-player zero-sum game: the column player gets ``-A``.

        >>> NormalFormGame.zero_sum([[0, 1], [1, 0]]).is_zero_sum()
        True
        """
        return cls.from_arrays(A, None, **kwargs)

    @classmethod
    def from_payoff_arrays(cls, payoffs, **kwargs) -> "NormalFormGame":
        """An n-player game from one payoff array per player.

        >>> NormalFormGame.from_payoff_arrays([[[1, 0], [0, 1]], [[1, 0], [0, 1]]]).shape
        (2, 2)
        """
        return cls(list(payoffs), **kwargs)

    @classmethod
    def from_mapping(cls, payoffs: Mapping, *, players: Sequence[str],
                     actions: Sequence[Sequence[str]], **kwargs) -> "NormalFormGame":
        """A game from payoffs keyed by action labels.

        Keys are tuples of labels (one per player) or strings ``"a, b"``;
        values are one payoff per player. Every profile must be given.

        >>> g = NormalFormGame.from_mapping(
        ...     {("hold", "hold"): (0, 0), ("hold", "strike"): (-2, 1),
        ...      ("strike", "hold"): (1, -2), ("strike", "strike"): (-1, -1)},
        ...     players=["US", "Iran"], actions=[["hold", "strike"]] * 2)
        >>> g.payoff(("strike", "hold"))
        (1, -2)
        """
        players = tuple(players)
        actions = tuple(tuple(a) for a in actions)
        n = len(players)
        if len(actions) != n:
            raise GameError(f"action labels given for {len(actions)} players, {n} players named")
        for p, acts in zip(players, actions):
            _check_unique(acts, "action label", f"player {p}")
        shape = tuple(len(a) for a in actions)
        arrays = [np.full(shape, None, dtype=object) for _ in range(n)]
        seen = set()
        for key, values in payoffs.items():
            labels = tuple(s.strip() for s in key.split(",")) if isinstance(key, str) else tuple(key)
            if len(labels) != n:
                raise GameError(f"profile {key!r} names {len(labels)} actions, the game has {n} players")
            idx = tuple(_label_index(actions[i], players[i], lab) for i, lab in enumerate(labels))
            if idx in seen:
                raise GameError(f"profile {key!r} is given twice")
            seen.add(idx)
            values = list(values) if not isinstance(values, (str, bytes)) else None
            if values is None or len(values) != n:
                raise GameError(f"profile {key!r} needs {n} payoffs, one per player")
            for i, v in enumerate(values):
                arrays[i][idx] = v
        missing = [prof for prof in itertools.product(*(range(k) for k in shape)) if prof not in seen]
        if missing:
            names = ", ".join("(" + ", ".join(actions[i][j] for i, j in enumerate(m)) + ")" for m in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise GameError(f"no payoffs given for profile(s) {names}{more}")
        return cls(arrays, players=players, actions=actions, **kwargs)

    @classmethod
    def from_nashpy(cls, nashpy_game, **kwargs) -> "NormalFormGame":
        """Convert a ``nashpy.Game`` (its two payoff matrices) into a labelled game.

        >>> import nashpy
        >>> NormalFormGame.from_nashpy(nashpy.Game([[1, 2], [3, 4]])).shape
        (2, 2)
        """
        A, B = nashpy_game.payoff_matrices
        return cls.from_arrays(A, B, **kwargs)

    def to_nashpy(self):
        """The same game as a ``nashpy.Game`` (float payoffs; two players only).

        >>> NormalFormGame.from_arrays([[1, 2], [3, 4]]).to_nashpy().payoff_matrices[0].tolist()
        [[1.0, 2.0], [3.0, 4.0]]
        """
        import nashpy
        self.require_two_players("conversion to nashpy")
        A, B = self.as_float()
        return nashpy.Game(A, B)

    # -- properties -------------------------------------------------------
    players = property(lambda self: self._players, doc="Player names, in order.")
    file = property(file_of, doc=FILE_DOC)
    actions = property(lambda self: self._actions, doc="Action labels, one tuple per player.")
    kind = property(lambda self: self._kind, doc="``'exact'`` or ``'symbolic'``.")
    title = property(lambda self: self._title, doc="The game's title.")
    description = property(lambda self: self._description, doc="The game's description, in words.")
    sources = property(lambda self: self._sources, doc="The game's sources (references).")
    claims = property(lambda self: dict(self._claims), doc="Claims a catalogue entry makes (tested).")
    extra = property(lambda self: dict(self._extra), doc="Other sections of the game file (e.g. repeated).")

    @property
    def parameters(self) -> dict:
        """Declared parameters and their default values (``None``: no default)."""
        return dict(self._parameters)

    @property
    def n_players(self) -> int:
        """The number of players."""
        return len(self._players)

    @property
    def shape(self) -> tuple:
        """The number of actions of each player, in the players' order."""
        return self._payoffs[0].shape

    @property
    def is_symbolic(self) -> bool:
        """Whether a payoff is a formula of the game's parameters."""
        return self._kind == "symbolic"

    def payoff_array(self, player) -> np.ndarray:
        """The (read-only) payoff array of a player, given by index or name."""
        return self._payoffs[self.player_index(player)]

    @property
    def payoff_arrays(self) -> tuple:
        """One payoff array a player, each of the game's :attr:`shape`."""
        return self._payoffs

    @property
    def A(self) -> np.ndarray:
        """Row player's payoff matrix (two-player games)."""
        self.require_two_players("A")
        return self._payoffs[0]

    @property
    def B(self) -> np.ndarray:
        """Column player's payoff matrix (two-player games)."""
        self.require_two_players("B")
        return self._payoffs[1]

    def player_index(self, player) -> int:
        """Index of a player given by name or index; a clear error otherwise."""
        if isinstance(player, (int, np.integer)) and not isinstance(player, bool):
            if 0 <= player < self.n_players:
                return int(player)
            raise GameError(f"player index {player} out of range: the game has {self.n_players} players")
        if player in self._players:
            return self._players.index(player)
        raise GameError(f"unknown player {player!r}; players are {', '.join(self._players)}")

    def action_index(self, player, action) -> int:
        """Index of an action label (or index) of a player; a clear error otherwise.

        >>> NormalFormGame.from_arrays([[0]], actions=[["hold"], ["hold"]]).action_index("Row", "hold")
        0
        """
        i = self.player_index(player)
        acts = self._actions[i]
        if isinstance(action, (int, np.integer)) and not isinstance(action, bool):
            if 0 <= action < len(acts):
                return int(action)
            raise GameError(f"action index {action} out of range for player {self._players[i]}")
        return _label_index(acts, self._players[i], action)

    def payoff(self, profile) -> tuple:
        """Payoffs of a pure profile given by labels or indices."""
        if len(profile) != self.n_players:
            raise GameError(f"a profile names one action per player ({self.n_players}), got {len(profile)}")
        idx = tuple(self.action_index(i, a) for i, a in enumerate(profile))
        return tuple(arr[idx] for arr in self._payoffs)

    # -- numeric views ----------------------------------------------------
    def as_float(self) -> tuple:
        """Payoff arrays as ``float64`` (exact games only), cached."""
        self.require_numeric("a floating-point method (as_float)")
        if self._float_cache is None:
            self._float_cache = tuple(_frozen(float_array(p)) for p in self._payoffs)
        return self._float_cache

    @in_its_file
    def subs(self, values: Mapping[str, object] | None = None, **kw) -> "NormalFormGame":
        """Substitute parameter values; unspecified parameters take their defaults.

        The result is exact when every parameter has a value; a parameter with
        neither a value nor a default is an error that names it.

        >>> import sympy
        >>> T = sympy.Symbol("T", real=True)
        >>> g = NormalFormGame.from_arrays([[3, 0], [T, 1]], [[3, T], [0, 1]], parameters={"T": 5})
        >>> g.subs(T=4).payoff((1, 0))
        (4, 0)
        """
        from deterrence.core.symbolic import parameter_substitution, parameter_symbol
        full, mapping = parameter_substitution(self._parameters, dict(values or {}, **kw), self.is_symbolic)
        if not self.is_symbolic:
            return self._replace(parameters=full)
        arrays = []
        for player, arr in zip(self._players, self._payoffs):
            out = np.empty(arr.shape, dtype=object)
            for idx, value in np.ndenumerate(arr):
                out[idx] = value.xreplace(mapping) if is_symbolic(value) else value
                if is_symbolic(value) and not getattr(out[idx], "is_Rational", True):
                    from deterrence.core.symbolic import real_formula_problem
                    problem = real_formula_problem(out[idx])
                    if problem:            # 1/(a-1) at a = 1: say so, not "give values to a"
                        at = ", ".join(f"{k} = {format_exact(v)}" for k, v in sorted(full.items())
                                       if parameter_symbol(k) in value.free_symbols)
                        profile = ", ".join(str(self._actions[i][j]) for i, j in enumerate(idx))
                        from deterrence.errors import ParameterValuesError
                        labels = tuple(str(self._actions[i][j]) for i, j in enumerate(idx))
                        raise ParameterValuesError(f"the payoff of {player} at ({profile}) is {value}, "
                                                   f"which {problem} at {at}",
                                                   [("payoffs", labels, self._players.index(player))])
            arrays.append(out)
        return self._replace(payoffs=arrays, parameters=full)

    def with_parameters(self, values: Mapping[str, object] | None = None, **kw) -> "NormalFormGame":
        """The same (still symbolic) game with new default values for some parameters.

        >>> import sympy
        >>> W = sympy.Symbol("W", real=True)
        >>> g = NormalFormGame.from_arrays([[-W]], [[0]], parameters={"W": 5})
        >>> g.with_parameters(W=9).parameters, g.with_parameters(W=9).is_symbolic
        ({'W': 9}, True)
        """
        values = dict(values or {}, **kw)
        unknown = set(values) - set(self._parameters)
        if unknown:
            raise GameError(f"unknown parameter(s) {', '.join(sorted(unknown))}; "
                            f"declared: {', '.join(sorted(self._parameters)) or 'none'}")
        return kept_file(self._replace(parameters={**self._parameters, **values}), self)

    def with_defaults(self) -> "NormalFormGame":
        """The exact game at the parameters' default values."""
        return self.subs()

    def _replace(self, **changes) -> "NormalFormGame":
        fields = dict(payoffs=self._payoffs, players=self._players, actions=self._actions,
                      parameters=self._parameters, title=self._title,
                      description=self._description, sources=self._sources,
                      claims=self._claims, extra=self._extra)
        fields.update(changes)
        return NormalFormGame(fields.pop("payoffs"), **fields)

    def restrict(self, keep: Sequence[Sequence]) -> "NormalFormGame":
        """The subgame keeping only the given actions (labels or indices) of each player.

        >>> NormalFormGame.from_arrays([[1, 2], [3, 4]]).restrict([[1], [0, 1]]).shape
        (1, 2)
        """
        idx = [[self.action_index(i, a) for a in acts] for i, acts in enumerate(keep)]
        arrays = [arr[np.ix_(*idx)] for arr in self._payoffs]
        actions = [[self._actions[i][j] for j in js] for i, js in enumerate(idx)]
        return self._replace(payoffs=arrays, actions=actions)

    def is_zero_sum(self) -> bool:
        """True when the payoffs sum to zero at every profile."""
        total = sum(self._payoffs[1:], self._payoffs[0])
        return all((v == 0) or (is_symbolic(v) and v.simplify() == 0) for v in total.flat)

    # -- comparison -------------------------------------------------------
    def __eq__(self, other):
        """Same players, actions, payoffs and parameter values (defaults included).

        >>> import sympy
        >>> W = sympy.Symbol("W", real=True)
        >>> g = NormalFormGame.from_arrays([[-W]], [[0]], parameters={"W": 5})
        >>> g == g.with_parameters(W=5), g == g.with_parameters(W=9)
        (True, False)
        """
        if not isinstance(other, NormalFormGame):
            return NotImplemented
        return (self._players == other._players and self._actions == other._actions
                and self._parameters == other._parameters
                and all(np.array_equal(a, b) for a, b in zip(self._payoffs, other._payoffs)))

    def __hash__(self):
        return hash((self._players, self._actions, tuple(sorted(self._parameters.items())),
                     tuple(tuple(a.flat) for a in self._payoffs)))

    # -- display ----------------------------------------------------------
    def __repr__(self):
        body = "; ".join(f"{p}: {', '.join(a)}" for p, a in zip(self._players, self._actions))
        title = f"{self._title!r}, " if self._title else ""
        return f"NormalFormGame({title}{body}; {self._kind})"

    def __str__(self):
        return self.to_text()

    def to_text(self) -> str:
        """A plain-text payoff table (two players: a bimatrix; more: one line a profile); a payoff too
        long for a line as :func:`~deterrence.core.numbers.format_text` shortens it (JSON has every digit)."""
        lines = [self._title] if self._title else []
        if self.n_players == 2:
            rows, cols = self._actions
            cells = [[", ".join(format_text(arr[i, j]) for arr in self._payoffs) for j in range(len(cols))]
                     for i in range(len(rows))]
            head = [f"{self._players[0]} \\ {self._players[1]}"] + list(cols)
            table = [head] + [[r] + c for r, c in zip(rows, cells)]
            widths = [max(len(row[k]) for row in table) for k in range(len(head))]
            for row in table:
                lines.append("  ".join(s.ljust(w) for s, w in zip(row, widths)).rstrip())
        else:
            for prof in itertools.product(*(range(k) for k in self.shape)):
                labels = ", ".join(a[i] for a, i in zip(self._actions, prof))
                lines.append(f"({labels}): " + ", ".join(format_text(arr[prof]) for arr in self._payoffs))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html
        esc = html.escape
        cap = f"<caption>{esc(self._title)}</caption>" if self._title else ""
        if self.n_players != 2:
            rows = "".join(
                "<tr><td>" + esc(", ".join(a[i] for a, i in zip(self._actions, prof))) + "</td><td>"
                + esc(", ".join(format_text(arr[prof]) for arr in self._payoffs)) + "</td></tr>"
                for prof in itertools.product(*(range(k) for k in self.shape)))
            head = "<tr><th>" + esc(", ".join(self._players)) + "</th><th>payoffs</th></tr>"
            return f"<table class='deterrence-game'>{cap}{head}{rows}</table>"
        rows_l, cols_l = self._actions
        head = (f"<tr><th>{esc(self._players[0])} \\ {esc(self._players[1])}</th>"
                + "".join(f"<th>{esc(c)}</th>" for c in cols_l) + "</tr>")
        body = "".join(
            f"<tr><th>{esc(r)}</th>" + "".join(
                f"<td>{esc(format_text(self._payoffs[0][i, j]))}, {esc(format_text(self._payoffs[1][i, j]))}</td>"
                for j in range(len(cols_l))) + "</tr>"
            for i, r in enumerate(rows_l))
        return f"<table class='deterrence-game'>{cap}{head}{body}</table>"

    def _repr_latex_(self) -> str:
        if self.n_players != 2:
            return None
        rows_l, cols_l = self._actions
        def tex(s):
            return r"\text{" + str(s).replace("_", r"\_") + "}"
        out = [r"$\begin{array}{r|" + "c" * len(cols_l) + "}",
               tex(self._players[0]) + r" \backslash " + tex(self._players[1]) + " & "
               + " & ".join(tex(c) for c in cols_l) + r" \\ \hline"]
        for i, r in enumerate(rows_l):
            out.append(tex(r) + " & " + " & ".join(
                _latex(self._payoffs[0][i, j]) + ",\\ " + _latex(self._payoffs[1][i, j])
                for j in range(len(cols_l))) + r" \\")
        out.append(r"\end{array}$")
        return "\n".join(out)

    # -- checks -----------------------------------------------------------
    def require_two_players(self, what):
        """Raise :class:`GameError` unless the game has two players; *what* names the caller."""
        if self.n_players != 2:
            raise GameError(f"{what} needs a two-player game; this one has {self.n_players} players")

    @in_its_file
    def require_numeric(self, what):
        """Refuse symbolic payoffs, naming what is missing: parameters without a value
        (``--set`` on the command line), or a payoff that is not a rational number."""
        if not self.is_symbolic:
            return
        free = sorted({str(s) for arr in self._payoffs for v in arr.flat if is_symbolic(v)
                       for s in getattr(v, "free_symbols", ())})
        if free:
            raise GameError(f"{what} needs numeric payoffs; give values to {', '.join(free)} "
                            f"({how_to_give_values(free, self._parameters)}; on the command line "
                            "--set NAME=VALUE)")
        for player, arr in zip(self._players, self._payoffs):
            for idx, v in np.ndenumerate(arr):
                if is_symbolic(v):
                    # with the payoff's place, so that the file's line is named (it named none: an error review)
                    from deterrence.errors import ParameterValuesError
                    labels = tuple(str(self._actions[i][j]) for i, j in enumerate(idx))
                    raise ParameterValuesError(f"{what} needs rational payoffs; the payoff of {player} at "
                                               f"({', '.join(labels)}) is {v}, which is not a rational number "
                                               "(write a fraction close to it)",
                                               [("payoffs", labels, self._players.index(player))])
        raise GameError(f"{what} needs numeric payoffs")


def _check_unique(labels, what, where):
    seen = set()
    for lab in labels:
        if not str(lab).strip():
            raise GameError(f"empty {what} for {where}")
        if lab in seen:
            raise GameError(f"duplicate {what} {lab!r} for {where}")
        seen.add(lab)


def _label_index(actions, player, label) -> int:
    try:
        return actions.index(label)
    except ValueError:
        raise GameError(f"unknown action {label!r} for player {player}; "
                        f"actions are {', '.join(actions)}") from None


def _as_matrix(M, name) -> np.ndarray:
    if hasattr(M, "tolist") and not isinstance(M, np.ndarray):
        M = M.tolist()
    arr = np.array(M, dtype=object)
    if arr.ndim == 1 and arr.size and not isinstance(arr.flat[0], (list, tuple)):
        raise GameError(f"{name} must be a matrix (a list of rows), got a flat list of {arr.size}")
    if arr.ndim != 2:
        raise GameError(f"{name} must be a matrix with equal-length rows; got {arr.ndim} dimension(s)"
                        + (" (rows of unequal length?)" if arr.ndim == 1 else ""))
    return arr


def _negated(value):
    return -(value if is_symbolic(value) else _exact(value, "payoff in A"))


def _exact(value, what):
    """:func:`to_exact`; a refused text with a letter in it (not "inf" or "nan") is taken for a
    formula, and the refusal says how a formula goes in (a game file parses its formulas; in
    Python they are parsed first, so that no text is evaluated unchecked)."""
    try:
        return to_exact(value, what)
    except GameError:
        if isinstance(value, str) and any(c.isalpha() for c in value) and \
                value.strip().lower().lstrip("+-") not in ("inf", "infinity", "nan"):
            from deterrence.core.symbolic import text_formula_hint
            raise GameError(f"{what} {value!r} is not a number; {text_formula_hint(value)}") from None
        raise


def _latex(value) -> str:
    """A payoff in LaTeX; a formula's names as every other display of the package writes them
    (``W_{\\mathrm{us}}``, Greek by name: the game's table wrote ``W_{us}`` where its analysis
    wrote ``W_{\\mathrm{us}}``, a review).

    >>> import sympy
    >>> _latex(-sympy.Symbol("W_us") + 2 * sympy.Symbol("b_us")), _latex(Fraction(-1, 2))
    ('- W_{\\\\mathrm{us}} + 2 b_{\\\\mathrm{us}}', '-\\\\tfrac{1}{2}')
    """
    if is_symbolic(value):
        from deterrence.core.latex import _sympy_latex
        return _sympy_latex(value)
    if isinstance(value, Fraction):
        sign = "-" if value < 0 else ""
        return rf"{sign}\tfrac{{{abs(value.numerator)}}}{{{value.denominator}}}"
    return str(value)
