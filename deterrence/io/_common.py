"""Helpers shared by the game-file readers and writers (TOML, JSON, Gambit).

One rule for payoff values, whatever the format: integers stay integers,
floats follow :func:`deterrence.core.numbers.to_exact`, strings go through the
whitelist parser :func:`deterrence.core.symbolic.parse_expression` (never
``eval``), and a formula that is just a number becomes an exact number.
"""
from __future__ import annotations

import functools
import keyword
import re
from fractions import Fraction

from deterrence.core.numbers import is_symbolic, to_exact
from deterrence.core.validate import a_table, is_json_file  # noqa: F401 (the readers' words, here too)
from deterrence.core.symbolic import FUNCTIONS, parameter_symbol, parse_expression, real_formula_problem
from deterrence.errors import ExpressionError, GameError, GameFileError, TooLargeError

#: Bytes above which a game file is refused before parsing (a game file is a few kB).
MAX_FILE_BYTES = 20_000_000


def payoff_value(value, declared, *, file=None, line=None, field=None, what="payoff"):
    """One payoff from a file: ``int``/``Fraction``, or a sympy formula over ``declared``
    (``what`` names it in errors: a tree's chance probabilities come this way too).

    >>> payoff_value("1/3", [])
    Fraction(1, 3)
    >>> payoff_value("-W/2", ["W"])
    -W/2
    >>> payoff_value(0.5, [])
    Fraction(1, 2)
    """
    where = dict(file=file, line=line, field=field)
    if isinstance(value, bool):
        raise GameFileError(f"{value!r} is a boolean, not a {what}", **where)
    if isinstance(value, (int, float, Fraction)):
        try:
            return to_exact(value, what)
        except (GameError, TooLargeError) as exc:       # a float's text may stand for too many digits
            raise GameFileError(str(exc), **where) from None
    if not isinstance(value, str):
        raise GameFileError(f"a {what} must be a number or a formula in quotes, "
                            f"not {_type_name(value, where.get('file'))}", **where)
    _refuse_huge_numbers(value, where)
    try:
        expr = parse_expression(value, declared, **where)
    except GameError:
        raise
    except (ValueError, TypeError, ArithmeticError, RecursionError, MemoryError) as exc:
        # sympy itself can refuse a well-formed formula, e.g. max(sqrt(-1), 1)
        raise ExpressionError(f"{value[:80]!r} cannot be evaluated ({type(exc).__name__}: "
                              f"{str(exc)[:100]})", **where) from None
    if not is_symbolic(expr):
        try:
            return to_exact(expr, what)
        except GameError as exc:
            raise ExpressionError(str(exc), **where) from None
    # zoo/nan/oo can arise inside a formula (log(0), 1/(a-a) after folding), and
    # sqrt(-1), log(-1) bring in I and pi: a payoff is a finite real files can write
    problem = real_formula_problem(expr)
    if problem:
        raise ExpressionError(f"{value[:80]!r} {problem}", **where)
    return expr


#: Largest number, in bits, a formula may build from its constants (about 3000 digits).
MAX_NUMBER_BITS = 10_000


def _refuse_huge_numbers(text, where):
    """Refuse formulas whose numbers would be astronomically large, before any work.

    ``parse_expression`` caps each exponent, but a power of a power such as
    ``(((9^64)^64)^64)^64`` still multiplies the exponents and computes a number
    of hundreds of millions of digits. This bound, over the syntax tree only
    (:func:`ast.parse` runs nothing), estimates the size of every number.
    """
    import ast
    if len(text) > 4 * 2000 or text.count("(") > 200:
        return  # parse_expression refuses these itself (length, nesting)
    try:
        from deterrence.core.symbolic import parse_quietly
        tree = parse_quietly(text.strip().replace("^", "**"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # parse_expression reports the syntax error

    def bits(node, depth=0):
        if depth > 100:
            return 0  # parse_expression refuses the nesting
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return 0
            if isinstance(v, float):
                try:
                    f = Fraction(repr(v))
                except (ValueError, OverflowError):
                    return 0
                return f.numerator.bit_length() + f.denominator.bit_length()
            return v.bit_length()
        if isinstance(node, ast.UnaryOp):
            return bits(node.operand, depth + 1)
        if isinstance(node, ast.BinOp):
            left, right = bits(node.left, depth + 1), bits(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                exponent = _constant_exponent(node.right)
                return max(left, 1) * exponent
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return max(left, right) + 1
            return left + right
        if isinstance(node, ast.Call):
            return sum(bits(a, depth + 1) for a in node.args)
        return 1

    if bits(tree.body) > MAX_NUMBER_BITS:
        raise ExpressionError(f"{text[:80]!r}{'...' if len(text) > 80 else ''}: its numbers would "
                              f"be larger than 2^{MAX_NUMBER_BITS}; payoffs must be of sensible size",
                              **where)


def _constant_exponent(node) -> int:
    """Size of an exponent for the bound: its magnitude if constant, else 1."""
    import ast
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        try:
            return max(1, min(abs(int(node.value)), 10**9))
        except (OverflowError, ValueError):
            return 10**9
    if isinstance(node, ast.BinOp):
        # a computed exponent such as 2^6 or 64/2: bound by its parts
        left, right = _constant_exponent(node.left), _constant_exponent(node.right)
        if isinstance(node.op, ast.Pow):
            return 10**9 if right * left.bit_length() > 30 else max(1, left ** right)
        return min(left * right, 10**9)
    return 1


def parameter_value(value, *, file=None, line=None, field=None):
    """A parameter's default: a number or an exact number string (``None`` = no default).

    >>> parameter_value("3/4")
    Fraction(3, 4)
    >>> parameter_value(2)
    2
    """
    where = dict(file=file, line=line, field=field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Fraction)):
        raise GameFileError(f"a parameter value must be a number or an exact number in quotes "
                            f"such as \"3/4\", not {_type_name(value, file)}", **where)
    if isinstance(value, str) and len(value) > 200:
        # (to_exact refuses "1e999999999" and "1e-99999" itself, saying which is wrong; a test of
        # the exponent here called both "too large", and "1e0001", which is 10, too: a review)
        raise GameFileError(f"parameter value {value[:40]!r}... of {len(value)} characters is longer "
                            f"than the limit of 200", **where)
    try:
        return to_exact(value, "parameter value")
    except (GameError, TooLargeError) as exc:      # (a number too large is no formula: no hint)
        raise GameFileError(f"{exc} (formulas are not allowed as parameter values)"
                            if isinstance(value, str) and str(exc).endswith("is not a number")
                            else str(exc), **where) from None


def check_parameter_name(name, *, file=None, line=None, field=None):
    """Refuse names the expression grammar could not use as a parameter.

    >>> check_parameter_name("W_us")
    'W_us'
    >>> check_parameter_name("sqrt")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: 'sqrt' is a function name, not a usable parameter name
    """
    where = dict(file=file, line=line, field=field)
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise GameFileError(f"parameter name {name!r} is not a name (letters, digits and _; "
                            "not starting with a digit)", **where)
    if keyword.iskeyword(name) or name.startswith("__"):
        raise GameFileError(f"{name!r} is reserved, not a usable parameter name", **where)
    if name in FUNCTIONS:
        raise GameFileError(f"{name!r} is a function name, not a usable parameter name", **where)
    return name


def check_label(label, what, *, file=None, line=None, field=None):
    """Action labels name profiles as ``"a, b"``: no commas, no edge spaces, not empty.

    >>> check_label("hold", "action")
    'hold'
    >>> check_label("a,b", "action", file="g.toml", line=3)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: g.toml:3: action 'a,b' contains a comma (profiles are written "a, b")
    """
    where = dict(file=file, line=line, field=field)
    if not isinstance(label, str):
        raise GameFileError(f"{what} must be a string in quotes, not {_type_name(label, file)}", **where)
    if not label.strip():
        raise GameFileError(f"empty {what}", **where)
    if "," in label:
        raise GameFileError(f"{what} {label!r} contains a comma (profiles are written \"a, b\")", **where)
    if label != label.strip():
        raise GameFileError(f"{what} {label!r} begins or ends with spaces", **where)
    return label


def format_formula(expr) -> str:
    """A formula string that :func:`parse_expression` reads back to the same expression.

    sympy's own printer writes ``Abs``, ``Min``, ``Max`` and ``E``, which are
    not in the grammar; this one writes ``abs``, ``min``, ``max``, ``exp(1)``.
    Where the usual text would read back to another (equal) form, e.g.
    ``1/(2*(a + 1))``, whose product the parser distributes into ``1/(2*a + 2)``,
    every operation is written out in parentheses, so a game written to a file
    and read again is the same game.

    >>> from deterrence.core.symbolic import parse_expression
    >>> format_formula(parse_expression("abs(a) + max(a, 2)", ["a"]))
    'abs(a) + max(2, a)'
    >>> half = parse_expression("(1/2) * (a + 1)^(-1)", ["a"])
    >>> text = format_formula(half)
    >>> text, parse_expression(text, ["a"]) == half
    ('(1/2)*((1 + a)^(-1))', True)
    """
    text = _readable_printer().doprint(expr)
    names = sorted(str(s) for s in expr.free_symbols)
    try:
        back = parse_expression(text, names)
    except ExpressionError:
        back = None
    if back is not None:
        same_symbols = {parameter_symbol(n): s for n, s in ((str(s), s) for s in expr.free_symbols)}
        if back.xreplace(same_symbols) == expr:
            return text
    return _written_out(expr, top=True)


def formula_text(expr) -> str:
    """A formula as the texts and reprs write it, in the toolkit's words (``max``, ``min``, ``abs``),
    not sympy's (``Max(...)``, which a report printed beside the JSON's ``max(...)``); unlike
    :func:`format_formula`, no parentheses are added for reading back.

    >>> import sympy
    >>> a, b = sympy.symbols("a b")
    >>> formula_text(sympy.Max(a / (a + b), b))
    'max(b, a/(a + b))'
    """
    return _readable_printer().doprint(expr)


def _written_out(expr, top=False) -> str:
    """``expr`` with every sum, product and power in parentheses: the parser rebuilds its tree."""
    import sympy

    def wrap(text):
        return text if top else f"({text})"

    if expr.is_Integer:
        return str(expr) if expr >= 0 or top else f"({expr})"
    if expr.is_Rational:
        return wrap(f"{expr.p}/{expr.q}")
    if expr.is_Symbol:
        return expr.name
    if expr.is_Add:
        return wrap(" + ".join(_written_out(a) for a in expr.args))
    if expr.is_Mul:
        return wrap("*".join(_written_out(a) for a in expr.args))
    if expr.is_Pow:
        return wrap(f"{_written_out(expr.base)}^{_written_out(expr.exp)}")
    if isinstance(expr, (sympy.Min, sympy.Max, sympy.Abs)):
        name = {sympy.Min: "min", sympy.Max: "max", sympy.Abs: "abs"}[type(expr)]
        return f"{name}(" + ", ".join(_written_out(a, top=True) for a in expr.args) + ")"
    if isinstance(expr, sympy.exp):
        return f"exp({_written_out(expr.args[0], top=True)})"
    return wrap(_readable_printer().doprint(expr))


@functools.cache
def _readable_printer():
    """The printer of :func:`format_formula`, built once on first use (sympy's printers load slowly)."""
    from sympy.printing.str import StrPrinter

    class _Printer(StrPrinter):
        def _print_Abs(self, e):
            return f"abs({self._print(e.args[0])})"

        def _print_Min(self, e):
            return "min(" + ", ".join(self._print(a) for a in e.args) + ")"

        def _print_Max(self, e):
            return "max(" + ", ".join(self._print(a) for a in e.args) + ")"

        def _print_Exp1(self, e):
            return "exp(1)"

    return _Printer()


def format_number(value) -> str:
    """An exact number as text: ``"3"``, ``"-1/3"``.

    >>> format_number(Fraction(-1, 3))
    '-1/3'
    """
    return str(to_exact(value))


def _type_name(value, file=None) -> str:
    """The kind of a value read from ``file``, in the words of its message (a mapping is
    :func:`a_table` of the file).

    Subclasses count as their base (a float read from TOML or JSON is an ``ExactFloat``,
    a name the writer of the file never wrote), JSON's null is null, TOML's dates are dates:

    >>> import datetime
    >>> from deterrence.core.numbers import ExactFloat
    >>> _type_name(ExactFloat("1.5")), _type_name(True), _type_name(None), _type_name(datetime.date(2023, 3, 23))
    ('a number', 'a boolean', 'null', 'a date or time')
    >>> _type_name({}), _type_name({}, "g.json")
    ('a table', 'an object')
    """
    import datetime
    if value is None:
        return "null"
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a number"), (str, "a string"),
                       (list, "an array"), (dict, a_table(file)),
                       ((datetime.date, datetime.time), "a date or time")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def read_file_bytes(path, *, limit: int | None = None, what: str = "game file") -> tuple:
    """``(raw bytes, file name)`` of a game file; an unreadable file is a GameFileError.

    The one place files are read: the path is checked with ``stat`` first, so only a
    regular file of at most ``limit`` bytes (default :data:`MAX_FILE_BYTES`) is opened;
    FIFOs, devices, folders and oversized files are refused without reading a byte.

    >>> read_file_bytes("/no/such/file.toml")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: /no/such/file.toml: cannot read: No such file or directory
    >>> read_file_bytes("/dev/zero")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: /dev/zero: not a regular file (a device); give the path of a game file
    """
    import os
    import stat
    limit = MAX_FILE_BYTES if limit is None else limit
    what = ("an " if what[:1] in "aeiou" else "a ") + what      # "an events file", "a game file"
    try:
        file = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else None
    except (TypeError, UnicodeDecodeError):
        file = None
    if file is None or "\0" in file:
        raise GameFileError(f"expected the path of {what} (text), got {type(path).__name__}",
                            file=repr(path)[:80])
    shown = file if len(file) <= 200 else file[:200] + "..."
    try:
        info = os.stat(file)
    except (OSError, ValueError) as exc:
        raise GameFileError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", file=shown) from None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a folder" if stat.S_ISDIR(info.st_mode) else
                "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "not a file")
        raise GameFileError(f"not a regular file ({kind}); give the path of {what}", file=shown)
    if info.st_size > limit:
        raise GameFileError(f"file of {info.st_size} bytes is larger than the limit of "
                            f"{limit} for {what}", file=shown)
    try:
        with open(file, "rb") as handle:
            raw = handle.read(limit + 1)    # the file may grow between stat and read
    except OSError as exc:
        raise GameFileError(f"cannot read: {exc.strerror or exc}", file=shown) from None
    if len(raw) > limit:
        raise GameFileError(f"file is larger than the limit of {limit} bytes for {what}", file=shown)
    return raw, file


def parse_toml_text(text: str, file) -> dict:
    """Parse TOML text; errors keep tomllib's line (``file:line:``) and never escape as others.

    >>> parse_toml_text('a = 1\\nb = [1,,]', "g.toml")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: g.toml:2: not valid TOML: ...
    """
    import tomllib
    if text.startswith("\ufeff"):  # a byte-order mark some editors add
        text = text[1:]
    from deterrence.core.numbers import ExactFloat
    try:
        return tomllib.loads(text, parse_float=ExactFloat)    # a float keeps its text: exact later
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends "(at line L, column C)": keep it, and the line.
        found = re.search(r"at line (\d+)", str(exc))
        raise GameFileError(f"not valid TOML: {exc}", file=file,
                            line=int(found.group(1)) if found else _end_of_document_line(text, str(exc))) from None
    except (RecursionError, MemoryError):
        raise GameFileError("not valid TOML: nested too deeply", file=file) from None
    except ValueError as exc:  # an integer of over 4300 digits: tomllib gives no line
        found = re.search(r"[0-9_]{4300,}", text)
        reason = (f"an integer of {found.end() - found.start()} digits, over the limit of 4300 digits"
                  if found else str(exc))
        raise GameFileError(f"not valid TOML: {reason}", file=file,
                            line=text.count("\n", 0, found.start()) + 1 if found else None) from None


#: the largest TOML text whose error "at end of document" is placed by bisection (a few parses)
BISECT_BYTES = 50_000


def _end_of_document_line(text: str, message: str) -> int:
    """The line where an error tomllib finds "at end of document" begins: the first line from
    which on the text fails with that message (a multi-line string never closed: the line that
    opens it; a duplicate key on a last line without a line break: that line). Found by
    bisection over the prefixes of the text, so a few parses; a text of over
    :data:`BISECT_BYTES` (a parse each of whose takes seconds) gets its last line.

    >>> opened = 'a = 1\\nb = ' + '"' * 3 + 'open\\nc = 2\\n'
    >>> _end_of_document_line(opened, "Unterminated string (at end of document)")
    2
    """
    import tomllib
    lines = text.split("\n")
    lo, hi = 1, len(lines)
    if len(text) > BISECT_BYTES:
        return hi
    while lo < hi:
        mid = (lo + hi) // 2
        try:
            tomllib.loads("\n".join(lines[:mid]))
            fails = False
        except tomllib.TOMLDecodeError as exc:
            fails = str(exc) == message
        except (RecursionError, MemoryError, ValueError):
            fails = False
        lo, hi = (lo, mid) if fails else (mid + 1, hi)
    return lo


def decode_text(raw: bytes, file, *, fallback: str | None = None) -> str:
    """Bytes of a game file as text: at most MAX_FILE_BYTES, UTF-8 (or ``fallback``,
    e.g. Latin-1 for older Gambit files), with the line of a bad byte; no BOM.

    >>> decode_text(b"a = 1\\n\\xff", "g.toml")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: g.toml:2: not UTF-8 text (byte 0xff at offset 6)
    """
    if len(raw) > MAX_FILE_BYTES:
        raise GameFileError(f"file of {len(raw)} bytes is larger than the limit of "
                            f"{MAX_FILE_BYTES} for a game file", file=file)
    raw = bytes(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if fallback:
            return raw.decode(fallback)
        line = raw.count(b"\n", 0, exc.start) + 1
        raise GameFileError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                            file=file, line=line) from None
    return text[1:] if text.startswith("\ufeff") else text


def csv_rows(text: str, *, file, header) -> tuple:
    """``(columns, [(line, {column: field})])`` of a CSV text, each row numbered by its first line.

    Blank records and records whose first field starts with ``#`` are skipped. The first
    other record goes to ``header(record, line)``, which returns the column names (and
    refuses a bad header); a row with another number of fields than the header is refused,
    as is malformed CSV. ``columns`` is None when the text has no header.

    >>> csv_rows("a,b\\n# note\\n1,2\\n", file="d.csv", header=lambda record, line: record)
    (['a', 'b'], [(3, {'a': '1', 'b': '2'})])
    >>> csv_rows("a,b\\n1\\n", file="d.csv", header=lambda record, line: record)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: d.csv:2: 1 fields, but the header has 2 (a, b)
    """
    import csv
    import io
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns, rows, last = None, [], 0
    try:
        for record in reader:
            line, last = last + 1, reader.line_num
            if not record or all(not f.strip() for f in record) or record[0].lstrip().startswith("#"):
                continue
            if columns is None:
                columns = header(record, line)
                continue
            if len(record) != len(columns):
                raise GameFileError(f"{len(record)} fields, but the header has {len(columns)} "
                                    f"({', '.join(c or '?' for c in columns)})", file=file, line=line)
            rows.append((line, dict(zip(columns, record))))
    except csv.Error as exc:
        raise GameFileError(f"malformed CSV: {exc}", file=file, line=reader.line_num or None) from None
    return columns, rows

