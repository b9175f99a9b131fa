"""Safe expressions over declared parameters.

Payoffs in game files are short formulas such as ``"-W - c"`` or ``"b/2"``.
They are parsed here by a whitelist, never by ``eval`` or a bare ``sympify``:
the text is read by :func:`ast.parse` (which builds a tree and runs nothing),
every node is checked against the grammar below, and the sympy expression is
built node by node.

Grammar: numbers (decimal integers and decimals such as ``3``, ``0.25`` or
``2.5e-3``, read exactly; not Python's other number forms ``0x10``, ``0o7``,
``0b1``, ``1_000``, which are refused with their position), declared parameter
names, ``+ - * /``, ``^`` or ``**`` for powers with a small integer or
rational exponent, parentheses, and the functions in :data:`FUNCTIONS`.
Anything else (attribute access, subscripts, strings, lambdas, comprehensions,
calls to other names) is refused with the reason. Bombs are refused before
any work: texts over :data:`MAX_LENGTH` characters, nesting deeper than
:data:`MAX_DEPTH`, exponents above :data:`MAX_EXPONENT` in size.
"""
from __future__ import annotations

import ast
import functools
import re
from fractions import Fraction
from typing import Iterable, Mapping

from deterrence.errors import ExpressionError, GameError

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_EXPONENT = 64
MAX_BITS = 4096  # size of an exact number a power may produce
FUNCTIONS = ("sqrt", "exp", "log", "abs", "min", "max")


def _sympy():
    import sympy
    return sympy


def parse_expression(text, parameters: Iterable[str] = (), *, file=None,
                     line=None, field=None):
    """Parse ``text`` into a sympy expression over the declared ``parameters``.

    Numbers come back as exact sympy rationals. Errors are
    :class:`~deterrence.errors.ExpressionError` naming file, line and field.

    >>> parse_expression("2*W^2 / 4", ["W", "c"])
    W**2/2
    >>> parse_expression("__import__('os')", [])
    Traceback (most recent call last):
    ...
    deterrence.errors.ExpressionError: "__import__('os')": calls are limited to sqrt, exp, log, abs, min, max
    """
    where = dict(file=file, line=line, field=field)
    if isinstance(text, bool):
        raise ExpressionError(f"{text!r} is a boolean, not a number or formula", **where)
    if isinstance(text, (int, float, Fraction)):
        from deterrence.core.numbers import to_exact
        try:
            return _sympy().Rational(to_exact(text))
        except Exception as exc:  # GameError with the reason
            raise ExpressionError(str(exc), **where) from None
    if not isinstance(text, str):
        raise ExpressionError(f"expected a number or a formula in quotes, got {type(text).__name__}", **where)
    tree = _checked_tree(text, "expression", where)
    builder = _Builder(text, frozenset(parameters), where)
    return _canonical(builder.build(tree.body, 0))


def _canonical(expr):
    """``expr`` as reading its own text gives it back: rebuilt whole (:func:`_whole`), and with
    ``Abs(Abs(x))`` as ``Abs(x)``: sympy keeps abs(-abs(a)) nested, which is written "abs(abs(a))"
    and read back as Abs(a), so that a game file did not give back the game it was written from
    (hypothesis found it).

    >>> _canonical(parse_expression("abs(a)", ["a"]).func(-parse_expression("abs(a)", ["a"])))
    Abs(a)
    """
    sp = _sympy()
    if not isinstance(expr, sp.Basic):
        return expr
    expr = _whole(expr)
    if not expr.has(sp.Abs):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Abs) and isinstance(e.args[0], sp.Abs), lambda e: e.args[0])


def _whole(expr, rounds: int = 8):
    """``expr`` built anew from the leaves up, so that no part of it is left unevaluated.

    sympy builds some results half-evaluated: it factors ``Min(Max(a, 0), Max(a, 1))`` into
    ``Max(a, Min(0, 1))`` with the inner ``Min(0, 1)`` unevaluated (``evaluate=False`` in its
    ``_collapse_arguments``), and takes ``sqrt(sqrt(9/2))`` to ``2**(3/4)*(2*sqrt(3))/4``, a
    product inside a product. Such a formula was not equal to the same formula read from its
    text (``max(a, 0)``; ``2**(3/4)*sqrt(3)/2``), so that a game written to a file was read
    back as another game (hypothesis found it). Building anew may leave new such parts, so it is
    repeated until nothing changes (a few rounds).

    >>> import sympy
    >>> a = parameter_symbol("a")
    >>> half = sympy.Min(sympy.Max(a, 0), sympy.Max(a, 1))
    >>> half, _whole(half)
    (Max(a, Min(0, 1)), Max(0, a))
    >>> _whole(sympy.sqrt(sympy.sqrt(sympy.Rational(9, 2))))
    2**(3/4)*sqrt(3)/2
    """
    def rebuilt(e):
        return e.func(*(rebuilt(x) for x in e.args)) if e.args else e

    for _ in range(rounds):
        again = rebuilt(expr)
        if again == expr:
            break
        expr = again
    return expr


def _source(text: str) -> str:
    """The text the parser reads: stripped, ``^`` written as ``**``."""
    return text.strip().replace("^", "**")


def _checked_tree(text: str, what: str, where: dict):
    """The AST of ``text``, after the bomb guards (length, emptiness, nesting) that run first."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"{what} of {len(text)} characters is longer than the limit of {MAX_LENGTH}", **where)
    if not text.strip():
        raise ExpressionError(f"empty {what}", **where)
    depth = deepest = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise ExpressionError(f"{what} nests {deepest} deep, over the limit of {MAX_DEPTH}", **where)
    _refuse_other_number_forms(text, what, where)
    try:
        return parse_quietly(_source(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"{text!r} is not a valid {what} ({type(exc).__name__})", **where) from None


#: a number as Python's tokenizer sees it: digits, letters, _ and points after a digit (or ".5")
_NUMBER_TOKEN = re.compile(r"(?<![\w.])(?:\d|\.\d)[\w.]*")


def _refuse_other_number_forms(text: str, what: str, where: dict) -> None:
    """Refuse the number forms Python reads but the grammar does not list (``0x10``, ``0o7``,
    ``0b1``, digits grouped as ``1_000``, an integer with leading zeros), naming the number and
    its position: ``ast`` read them all (but the last) silently, as 16, 7, 1 and 1000.

    >>> parse_expression("2*a + 0x10", ["a"])
    Traceback (most recent call last):
    ...
    deterrence.errors.ExpressionError: '2*a + 0x10': number '0x10' at character 7: hexadecimal, octal and binary
    numbers are not read (write decimal digits)
    """
    for found in _NUMBER_TOKEN.finditer(text):
        token, at = found.group(), found.start() + 1
        if re.match(r"0[xXoObB]", token):
            reason = "hexadecimal, octal and binary numbers are not read (write decimal digits)"
        elif "_" in token:
            reason = f"digits may not be grouped with _ (write {token.replace('_', '')})"
        elif re.fullmatch(r"0+[1-9]\d*", token):
            reason = f"an integer may not begin with 0 (write {token.lstrip('0')})"
        else:
            continue
        raise ExpressionError(f"{text[:80]!r}{'...' if len(text) > 80 else ''}: number {token!r} "
                              f"at character {at}: {reason}", **where)


def parse_quietly(source: str):
    """``ast.parse`` in eval mode without Python's SyntaxWarnings ("invalid decimal literal" for
    "1or w"), which went to the user's terminal as ``<unknown>:1: SyntaxWarning`` lines (a
    fuzzing review): the grammar's own checks give the message.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error")
    ...     type(parse_quietly("1or w").body).__name__
    'BoolOp'
    """
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(source, mode="eval")


def parse_condition(text, parameters: Iterable[str] = (), *, file=None, line=None, field=None):
    """Parse a condition such as ``"T <= 3 and b > c"`` into a sympy boolean, by the same whitelist.

    Besides the grammar of :func:`parse_expression`: comparisons (``< <= > >= == !=``,
    chained ones too), ``and``/``or``/``not`` and ``&``/``|``/``~`` between conditions.

    >>> parse_condition("T <= 3 and b > c", ["T", "b", "c"])
    (T <= 3) & (b > c)
    >>> parse_condition("open('x')", ["T"])
    Traceback (most recent call last):
    ...
    deterrence.errors.ExpressionError: "open('x')": calls are limited to sqrt, exp, log, abs, min, max
    """
    where = dict(file=file, line=line, field=field)
    if isinstance(text, bool):
        return _sympy().true if text else _sympy().false
    if not isinstance(text, str):
        raise ExpressionError(f"expected a condition in quotes, got {type(text).__name__}", **where)
    tree = _checked_tree(text, "condition", where)
    builder = _Builder(text, frozenset(parameters), where, conditions=True)
    return builder.build(tree.body, 0)


def as_sympy(value, parameters: Iterable[str] = (), *, what="value"):
    """The one way a value from outside becomes a sympy object: never by ``sympify`` of text.

    sympy objects pass through unchanged; booleans, integers, fractions and floats
    become exact sympy numbers; text is parsed by the whitelist
    (:func:`parse_condition`, which also reads plain formulas) over ``parameters``.

    >>> as_sympy("a/2 <= 1", ["a"]), as_sympy(0.5), as_sympy(True)
    (a/2 <= 1, 1/2, True)
    >>> as_sympy(object())
    Traceback (most recent call last):
    ...
    deterrence.errors.ExpressionError: value: expected a number, a formula or a sympy object, got object
    """
    sp = _sympy()
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool):
        return sp.true if value else sp.false
    if isinstance(value, (int, float, Fraction)) or type(value).__module__ == "numpy":
        return parse_expression(value.item() if hasattr(value, "item") else value, (), field=what)
    if isinstance(value, str):
        return parse_condition(value, parameters, field=what)
    raise ExpressionError(f"{what}: expected a number, a formula or a sympy object, got {type(value).__name__}")


class _Builder:
    """Walks a checked AST and builds the sympy expression."""

    def check_power_size(self, base, exponent):
        """Refuse a power whose result would be huge: nested powers multiply exponents."""
        sp = self.sp
        for factor in sp.Mul.make_args(base):
            if factor.is_Rational:
                bits = (abs(int(factor.p)).bit_length() + int(factor.q).bit_length()) * abs(exponent)
                if bits > MAX_BITS:
                    self.fail(f"the power would make a number of about {int(bits)} bits, "
                              f"over the limit of {MAX_BITS}")
            elif factor.is_Pow and factor.exp.is_Rational:
                if abs(factor.exp * exponent) > MAX_EXPONENT:
                    self.fail(f"nested powers give the exponent {factor.exp * exponent}, "
                              f"over the limit of {MAX_EXPONENT}")

    def __init__(self, text, parameters, where, conditions=False):
        self.text, self.parameters, self.where = text, parameters, where
        self.source = _source(text)
        self.conditions = conditions   # comparisons and boolean operators allowed
        self.sp = _sympy()

    def apply(self, op, left, right):
        """``left op right`` for + - * /."""
        if self.conditions and (self.is_condition(left) or self.is_condition(right)):
            self.fail("arithmetic takes numbers or formulas, not conditions")      # (x < 1) + 1
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if right == 0:
            self.fail("division by zero")
        return left / right

    def fail(self, reason):
        raise ExpressionError(f"{self.text!r}: {reason}", **self.where)

    def build(self, node, depth):
        if depth > MAX_DEPTH:
            self.fail(f"nesting deeper than {MAX_DEPTH}")
        sp = self.sp
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(f"only numbers may appear as constants, not {type(value).__name__}")
            if isinstance(value, float):
                # the number as written, not the double Python reads it as ("1e-400" is not 0,
                # "1.00000000000000000001" is not 1), under to_exact's size guard
                from deterrence.core.numbers import to_exact
                from deterrence.errors import GameError, TooLargeError
                literal = ast.get_source_segment(self.source, node)
                try:
                    exact = Fraction(to_exact(literal if literal else repr(value), "number"))
                except (GameError, TooLargeError) as exc:
                    self.fail(str(exc))
                return sp.Rational(exact.numerator, exact.denominator)
            return sp.Integer(value)
        if isinstance(node, ast.Name):
            if node.id not in self.parameters:
                if node.id in FUNCTIONS:
                    self.fail(f"function {node.id} must be called with arguments")
                declared = ", ".join(sorted(self.parameters)) or "none"
                self.fail(f"unknown name {node.id!r} (declared parameters: {declared})")
            return parameter_symbol(node.id)
        if self.conditions:
            built = self.build_condition(node, depth)
            if built is not None:
                return built
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1)
            if self.conditions and self.is_condition(operand):
                self.fail("arithmetic takes numbers or formulas, not conditions")
            return -operand if isinstance(node.op, ast.USub) else operand
        arithmetic = (ast.Add, ast.Sub, ast.Mult, ast.Div)
        if isinstance(node, ast.BinOp) and isinstance(node.op, arithmetic) \
                and isinstance(node.left, ast.BinOp) and isinstance(node.left.op, arithmetic):
            # a flat chain a + b + c + ... nests to the left in the syntax tree: walk it
            # iteratively, so that its length does not count as nesting depth
            chain = []
            while isinstance(node, ast.BinOp) and isinstance(node.op, arithmetic):
                chain.append(node)
                node = node.left
            value = self.build(node, depth + 1)
            for link in reversed(chain):
                value = self.apply(link.op, value, self.build(link.right, depth + 1))
            return value
        if isinstance(node, ast.BinOp):
            left = self.build(node.left, depth + 1)
            right = self.build(node.right, depth + 1)
            op = node.op
            if isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
                return self.apply(op, left, right)
            if isinstance(op, ast.Pow):
                if self.conditions and (self.is_condition(left) or self.is_condition(right)):
                    self.fail("arithmetic takes numbers or formulas, not conditions")
                if not right.is_Rational:
                    self.fail("exponents must be numbers")
                if abs(right) > MAX_EXPONENT:
                    self.fail(f"exponent {right} is larger than the limit of {MAX_EXPONENT}")
                if left == 0 and right < 0:
                    self.fail("division by zero")
                self.check_power_size(left, right)
                return left ** right
            self.fail(f"operator {type(op).__name__} is not allowed (use + - * / ^)")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                self.fail("calls are limited to " + ", ".join(FUNCTIONS))
            if node.keywords or not node.args:
                self.fail(f"{node.func.id} takes positional arguments only")
            args = [self.build(arg, depth + 1) for arg in node.args]
            name = node.func.id
            if name in ("min", "max"):
                try:               # sympy refuses to order complex numbers: max(sqrt(-1), 1)
                    return (sp.Min if name == "min" else sp.Max)(*args)
                except (ValueError, TypeError) as exc:
                    self.fail(f"{name} of these arguments cannot be evaluated ({exc})")
            if len(args) != 1:
                self.fail(f"{name} takes one argument")
            return {"sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "abs": sp.Abs}[name](args[0])
        self.fail(f"{type(node).__name__} is not allowed in a payoff expression")

    def is_condition(self, value) -> bool:
        """True or false, a comparison, or and/or/not of them (a sympy Symbol is a Boolean too:
        here it is a real parameter, a number)."""
        sp = self.sp
        return isinstance(value, (sp.logic.boolalg.BooleanAtom, sp.logic.boolalg.BooleanFunction,
                                  sp.core.relational.Relational))

    def condition(self, node, depth):
        """An operand of and/or/not: a condition, not a number ("not 3" was False, "x < 1 and 2"
        a TypeError from sympy: an error review)."""
        built = self.build(node, depth)
        if not self.is_condition(built):
            self.fail(f"{ast.unparse(node)!r} is not a condition (and, or and not join comparisons such as x < 1)")
        return built

    def build_condition(self, node, depth):
        """Comparisons and boolean operators (only in conditions); None for other nodes."""
        sp = self.sp
        relations = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge,
                     ast.Eq: sp.Eq, ast.NotEq: sp.Ne}
        if isinstance(node, ast.Compare):
            terms = [self.build(node.left, depth + 1)] + [self.build(c, depth + 1) for c in node.comparators]
            if any(self.is_condition(t) for t in terms):
                # conditions compare only by == and != (iff, xor), as they did before the check
                if not all(self.is_condition(t) for t in terms) or \
                        not all(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
                    self.fail("a comparison compares numbers or formulas, not conditions (conditions "
                              "compare by == and != only)")
                return sp.And(*[sp.Equivalent(a, b) if isinstance(op, ast.Eq) else sp.Xor(a, b)
                                for op, a, b in zip(node.ops, terms, terms[1:])])
            parts = []
            for op, left, right in zip(node.ops, terms, terms[1:]):
                if type(op) not in relations:
                    self.fail(f"comparison {type(op).__name__} is not allowed (use < <= > >= == !=)")
                parts.append(relations[type(op)](left, right))
            return sp.And(*parts)
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(v, depth + 1) for v in node.values]
            return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
            return sp.Not(self.condition(node.operand, depth + 1))
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            left, right = self.condition(node.left, depth + 1), self.condition(node.right, depth + 1)
            return sp.And(left, right) if isinstance(node.op, ast.BitAnd) else sp.Or(left, right)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return sp.true if node.value else sp.false
        return None


def parameter_symbol(name: str):
    """The sympy symbol that stands for parameter ``name`` everywhere.

    All parameters are real; one helper keeps the assumptions identical, so
    that symbols from files and from Python compare equal.

    >>> parameter_symbol("W")
    W
    """
    return _sympy().Symbol(name, real=True)


def parameter_substitution(parameters: Mapping, values: Mapping, symbolic: bool) -> tuple:
    """``(new parameter values, {symbol: sympy number} or None)`` for ``subs``-like methods: the one
    check and mapping of normal-form games, trees and stochastic games (each had its own copy,
    with its own message).

    Unknown names are an error; parameters not in ``values`` keep their defaults;
    for a symbolic game every parameter needs a value, and the mapping is returned.

    >>> sorted(parameter_substitution({"c": 2, "w": None}, {"w": "1/2"}, True)[1].values())
    [1/2, 1/2, 2, 2]
    """
    from deterrence.core.numbers import to_exact
    unknown = sorted(set(values) - set(parameters))
    if unknown:
        raise GameError(f"unknown parameter(s) {', '.join(unknown)}; "
                        f"declared: {', '.join(sorted(parameters)) or 'none'}")
    full = {name: values.get(name, default) for name, default in parameters.items()}
    if not symbolic:
        return full, None
    lacking = [name for name in sorted(full) if full[name] is None]
    if lacking:
        raise GameError(f"parameter(s) {', '.join(lacking)} have no value: give them one (a value in "
                        f"[parameters], --set {lacking[0]}=VALUE on the command line, or subs() in Python)")
    import sympy
    numbers = {name: sympy.Rational(str(to_exact(v, f"value of parameter {name}"))) for name, v in full.items()}
    # a game keeps its values as given, and a plain sympy.Symbol("w") among them is parameter w
    # (with_parameter_symbols let it in): both symbols of a name take its value
    return full, {**{sympy.Symbol(name): q for name, q in numbers.items()},
                  **{parameter_symbol(name): q for name, q in numbers.items()}}


def text_formula_hint(text: str) -> str:
    """How a formula given as text goes in from Python, for refusals of such text: a game file
    parses its formulas; in Python they are parsed first (so that no text is ever evaluated
    unchecked), over the names in them.

    >>> text_formula_hint("1 - eps")
    "a formula in parameters goes in parsed, e.g. deterrence.parse_expression('1 - eps', ['eps']), or in a game file"
    >>> print(text_formula_hint("__import__('os')"))
    nor is it a formula: "__import__('os')": calls are limited to sqrt, exp, log, abs, min, max
    """
    names = list(dict.fromkeys(n for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if n not in FUNCTIONS))
    try:
        parse_expression(text, names)
    except GameError as exc:
        # the hint suggested a call that the parser refuses too ("__import__('os')": a review)
        return f"nor is it a formula: {exc}"
    return (f"a formula in parameters goes in parsed, e.g. deterrence.parse_expression({text!r}, {names!r}), "
            "or in a game file")


def with_parameter_symbols(expr, what: str | None = None):
    """``expr`` with each of its symbols replaced by the parameter symbol of the same name, so
    that a formula built from ``sympy.symbols("w l C")`` (no assumptions) means the parameters
    ``w``, ``l``, ``C``: a plain symbol is not equal to the real one of :func:`parameter_symbol`,
    and such a game refused its own values and left ``subs`` without effect (a review).

    The one intake of sympy objects from outside (payoffs of normal-form games, trees and
    stochastic games, probabilities of noise and automata). A symbol that is not a plain name
    (a ``Dummy``, ``"my var"``) or that carries assumptions beyond real (``positive=True``:
    sympy has already simplified with them, ``sqrt(x**2)`` to ``x``) is refused: it would not
    mean the parameter of its name; ``what`` names the value in the refusal.

    >>> import sympy
    >>> w = sympy.Symbol("w")
    >>> with_parameter_symbols(2 * w).free_symbols == {parameter_symbol("w")}
    True
    >>> with_parameter_symbols(sympy.Symbol("w", positive=True))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    deterrence.errors.ExpressionError: symbol w carries assumptions beyond real (positive=True): make it with ...
    """
    sympy = _sympy()
    mapping = {}
    for x in expr.free_symbols:
        plain, real = sympy.Symbol(getattr(x, "name", "_")), parameter_symbol(getattr(x, "name", "_"))
        if type(x) is not sympy.Symbol or not x.name.isidentifier():
            raise ExpressionError(f"{x!r} is no parameter: a parameter is a sympy.Symbol named like a Python "
                                  "name (or deterrence.parameter_symbol(name))", field=what)
        if x.assumptions0 not in (plain.assumptions0, real.assumptions0):
            given = getattr(x, "_assumptions_orig", None) or x.assumptions0     # as written, where sympy keeps it
            extra = ", ".join(f"{k}={v}" for k, v in sorted(given.items()) if k not in ("commutative", "real"))
            raise ExpressionError(f"symbol {x.name} carries assumptions beyond real ({extra}): make it with "
                                  f"deterrence.parameter_symbol({x.name!r}) or sympy.Symbol({x.name!r})", field=what)
        if x != real:
            mapping[x] = real
    return expr.xreplace(mapping) if mapping else expr


@functools.lru_cache(maxsize=4096)
def real_formula_problem(expr) -> str | None:
    """Why a formula cannot be a payoff or probability (``None`` when it can).

    A payoff is a finite real once parameters have values: ``zoo``, ``nan``
    and infinities (``log(0)``) are refused, and so are ``I`` and ``pi``
    (``sqrt(-1)``, ``log(-1)``), which game files cannot write back.

    >>> real_formula_problem(parse_expression("sqrt(-3) + a", ["a"]))
    'is not a real number (a square root or logarithm of a negative number?)'
    >>> real_formula_problem(parse_expression("sqrt(a)", ["a"])) is None
    True

    Kept per formula (a game repeats a few formulas in many places: the US–Iran exchange file
    asks about 1,020 times for 50 formulas).
    """
    sp = _sympy()
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return "is not finite"
    if expr.is_extended_real is False or expr.has(sp.I, sp.pi):
        return "is not a real number (a square root or logarithm of a negative number?)"
    return None


def formula_names(text: str) -> list:
    """The names a formula's text uses, the functions left out: the parameters of a game built
    in Python without declared ones.

    >>> formula_names("sqrt(W_iran) - c * p")
    ['W_iran', 'c', 'p']
    """
    return [n for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if n not in FUNCTIONS]


def game_value(value, what: str, parameters: dict, declared: bool):
    """A payoff or probability given to a game's constructor (trees, stochastic games, normal
    forms): an exact number, or a formula whose names are parameters. The one intake of them.

    Text is read by :func:`parse_expression` (names: the declared ``parameters``, else every
    name it uses); a sympy formula's symbols become parameter symbols
    (:func:`with_parameter_symbols`); a formula that cannot be a payoff or a probability
    (:func:`real_formula_problem`: ``log(0)``, ``sqrt(-1)``) is refused, naming ``what``. With
    ``declared`` an undeclared name is refused; without, it is added to ``parameters`` (no
    default value; new names in alphabetical order, the same in every run).

    >>> params = {}
    >>> game_value("b - c", "payoff of US", params, declared=False), params
    (b - c, {'b': None, 'c': None})
    >>> game_value("3/4", "probability", {}, declared=True)
    Fraction(3, 4)
    >>> game_value("log(0)", "payoff of US", {}, declared=False)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: payoff of US: zoo is not finite
    >>> import sympy
    >>> game_value(sympy.Symbol("a") > 1, "payoff of US", {}, declared=False)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: payoff of US: a > 1 is a StrictGreaterThan, not a number or a formula
    >>> game_value("b - d", "payoff of US", {"b": 1}, declared=True)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: payoff of US: 'b - d': unknown name 'd' (declared parameters: b)
    """
    from deterrence.core.numbers import is_symbolic, to_exact
    if isinstance(value, str):
        try:
            value = parse_expression(value, list(parameters) if declared else formula_names(value))
        except GameError as exc:
            raise GameError(f"{what}: {getattr(exc, 'reason', exc)}") from None
        if not is_symbolic(value):
            return to_exact(value, what)
    if is_symbolic(value):
        if not isinstance(value, _sympy().Expr):      # Eq(a, 1), a > 1, Interval(0, 1), true
            raise GameError(f"{what}: {value} is a {type(value).__name__}, not a number or a formula")
        value = with_parameter_symbols(value, what)       # sympy.symbols("w") means parameter w
        value = _canonical(value)     # as the parser builds it: sympy's half-evaluated Max(a, Min(0, 1))
        problem = real_formula_problem(value)
        if problem:
            raise GameError(f"{what}: {value} {problem}")
        unknown = {str(s) for s in value.free_symbols} - set(parameters)
        if unknown and declared:
            raise GameError(f"{what} uses undeclared parameter(s) {', '.join(sorted(unknown))}")
        for name in sorted(unknown):        # in a set's order, a game's parameters changed order run to run
            parameters.setdefault(name, None)
        return value
    return to_exact(value, what)
