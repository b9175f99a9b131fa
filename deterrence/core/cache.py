"""A cache of derived values that persists across processes, and that never runs its files.

Some results depend only on a model's *structure* (the deviation conditions of
a stage game and a profile, as formulas in the parameters) or on inputs that
rarely change (the case model's analysis at its calibration); deriving them
again in every process is what made ``deterrence report`` and the lab slow.
:func:`remember` keeps such a value in memory for the session and as a JSON
file in the user's cache folder, keyed by

* a **kind** (what the value is) and a **key** (the text of its inputs: a
  structure, or parameter values), and
* the **code fingerprint**: a hash of every source and data file of the
  installed package, so that any change of the code that derives a value (or
  of the data it reads) makes old entries unused.

Safety: a cache file is data, never code. It is read with :func:`json.loads`
and rebuilt by :func:`decode`, which knows a closed set of tags: exact numbers
(``Fraction`` from its text), tuples, dictionaries, sympy expressions built
node by node from a whitelist of sympy classes (numbers, symbols, ``+``, ``*``,
powers, ``Max``, ``Min``, ...), and frozen dataclasses the caller names
(``classes=``). Anything else (an unknown tag, a class not named, a field the
class does not have, a file that is not JSON) is refused: :func:`remember`
then ignores the file, computes the value and writes it again. No ``eval``, no
``pickle``, no ``sympify`` of text.

Where: ``$DETERRENCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/deterrence``, else
``~/.cache/deterrence``. ``DETERRENCE_CACHE=0`` turns the disk cache off (the
session cache stays); ``DETERRENCE_CACHE=memory`` keeps nothing at all, for
measuring the uncached path. The folder holds at most :data:`MAX_FILES` files,
the oldest removed first.

Steps of :func:`remember`: (1) the session dictionary; (2) the file
``<kind>-<hash of fingerprint, kind, key>.json``, decoded and checked to carry
the same kind and key; (3) else compute, store in the session and write the
file atomically (a temporary file renamed into place).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from fractions import Fraction
from pathlib import Path

from deterrence.errors import DeterrenceError

#: bump when the file layout changes
FORMAT = 1
#: most files kept in the cache folder
MAX_FILES = 256
#: largest cache file read, in bytes
MAX_BYTES = 20_000_000

_SESSION: dict = {}
_FINGERPRINT: list = []


class CacheFileError(DeterrenceError):
    """A cache file that is not what this module writes (refused, then ignored)."""


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when the disk cache is off.

    >>> import os
    >>> before = os.environ.get("DETERRENCE_CACHE_DIR")
    >>> os.environ["DETERRENCE_CACHE_DIR"] = "/tmp/deterrence-doctest-cache"
    >>> str(cache_dir())
    '/tmp/deterrence-doctest-cache'
    >>> if before is None: del os.environ["DETERRENCE_CACHE_DIR"]
    ... else: os.environ["DETERRENCE_CACHE_DIR"] = before
    """
    if os.environ.get("DETERRENCE_CACHE", "1").lower() in ("0", "off", "no", "false", "memory"):
        return None
    if os.environ.get("DETERRENCE_CACHE_DIR"):
        return Path(os.environ["DETERRENCE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "deterrence"


def code_fingerprint() -> str:
    """A hash of every ``.py``, ``.toml`` and ``.csv`` file of the package (computed once a session).

    >>> len(code_fingerprint())
    32
    """
    if not _FINGERPRINT:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.blake2b(f"format {FORMAT}".encode(), digest_size=16)
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml", ".csv")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
        _FINGERPRINT.append(h.hexdigest())
    return _FINGERPRINT[0]


def remember(kind: str, key: str, compute, *, classes=()):
    """The value of ``compute()`` for (``kind``, ``key``): from the session, the disk, or computed.

    ``classes``: the frozen dataclasses the value may contain (by class name); a
    value that :func:`encode` cannot write is computed and kept for the session only.

    >>> calls = []
    >>> def square():
    ...     calls.append(1)
    ...     return Fraction(9, 4)
    >>> remember("doctest-square", "3/2", square), remember("doctest-square", "3/2", square), len(calls)
    (Fraction(9, 4), Fraction(9, 4), 1)
    """
    mode = os.environ.get("DETERRENCE_CACHE", "1").lower()
    if mode == "memory":
        return compute()
    session_key = (kind, key)
    if session_key in _SESSION:
        return _SESSION[session_key]
    path = entry_path(kind, key)
    if path is not None:
        try:
            value = read_entry(path, kind, key, classes)
        except (OSError, CacheFileError):
            value = _MISSING
        if value is not _MISSING:
            _keep(session_key, value)
            return value
    value = compute()
    _keep(session_key, value)
    if path is not None:
        try:
            text = json.dumps({"format": FORMAT, "kind": kind, "key": key, "value": encode(value)})
        except CacheFileError:
            return value                 # not cacheable on disk: the session keeps it
        _write(path, text)
    return value


_MISSING = object()


def entry_path(kind: str, key: str) -> Path | None:
    """The file that holds (``kind``, ``key``) for this code, or ``None`` when the disk cache is off.

    >>> entry_path("doctest", "x").name.startswith("doctest-")
    True
    """
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.blake2b(f"{code_fingerprint()}\0{kind}\0{key}".encode(), digest_size=16).hexdigest()
    return folder / f"{kind}-{digest}.json"


def _keep(session_key, value):
    if len(_SESSION) >= 512:
        _SESSION.pop(next(iter(_SESSION)))
    _SESSION[session_key] = value


def clear_session() -> None:
    """Forget the session's values (the files stay).

    >>> clear_session()
    """
    _SESSION.clear()


def read_entry(path, kind: str, key: str, classes=()):
    """The value stored in ``path`` for (``kind``, ``key``); :class:`CacheFileError` for anything else.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.json"
    >>> _ = p.write_text('{"format": 1, "kind": "k", "key": "a", "value": {"C": "os.system", "f": {}}}')
    >>> read_entry(p, "k", "a")
    Traceback (most recent call last):
    ...
    deterrence.core.cache.CacheFileError: a cache file names the class 'os.system', which is not allowed here
    """
    path = Path(path)
    if not path.is_file():
        return _MISSING
    if path.stat().st_size > MAX_BYTES:
        raise CacheFileError(f"{path}: larger than {MAX_BYTES} bytes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise CacheFileError(f"{path}: not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("kind") != kind \
            or data.get("key") != key or "value" not in data:
        raise CacheFileError(f"{path}: not an entry for {kind!r} with this key")
    return decode(data["value"], classes)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        files = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in files[:max(0, len(files) - MAX_FILES)]:
            old.unlink(missing_ok=True)
    except OSError:
        pass                             # a read-only or full disk only costs the speed-up


def structure_text(*parts) -> str:
    """A text that names the structure of games and automata, without parameter values.

    A symbolic game is its players, actions, parameter names and payoff formulas
    (``sympy.srepr``: exact, with each symbol's assumptions); an automaton its table
    (``to_spec``); anything else its ``repr``. Two games that differ only in their
    parameters' values have the same text.

    >>> from deterrence import load_game
    >>> g = load_game("prisoners_dilemma")
    >>> structure_text(g) == structure_text(g.with_parameters(T=7)), structure_text(g) == structure_text(g.subs())
    (True, False)
    """
    return "; ".join(_structure_text(part) for part in parts)


_TEXTS: dict = {}


def _structure_text(part) -> str:
    if hasattr(part, "payoff_arrays") and hasattr(part, "actions") and hasattr(part, "parameters"):
        # the memo key holds the formulas themselves (sympy caches their hashes): a game at
        # new values finds the text without printing its formulas again
        memo = ("game", tuple(part.players), tuple(map(tuple, part.actions)), tuple(sorted(part.parameters)),
                tuple(v for arr in part.payoff_arrays for v in arr.flat))
        if memo not in _TEXTS:
            import sympy
            formulas = [sympy.srepr(v) if hasattr(v, "free_symbols") else repr(v) for v in memo[4]]
            _TEXTS[memo] = (f"game(players={list(memo[1])!r}, actions={[list(a) for a in memo[2]]!r}, "
                            f"parameters={list(memo[3])!r}, payoffs={formulas!r})")
    elif hasattr(part, "to_spec") and hasattr(part, "states"):
        memo = ("automaton", part)
        if memo not in _TEXTS:
            _TEXTS[memo] = f"automaton({json.dumps(part.to_spec(), sort_keys=True)})"
    else:
        return repr(part)
    if len(_TEXTS) > 1024:
        _TEXTS.clear()
        return _structure_text(part)
    return _TEXTS[memo]


# -- the codec -----------------------------------------------------------------------------
#: sympy classes a cached expression may be built from (by name)
SYMPY_NODES = ("Add", "Mul", "Pow", "Max", "Min", "Abs", "sqrt", "exp", "log")


def encode(value):
    """``value`` as JSON data with tags for what JSON lacks; :class:`CacheFileError` if it cannot.

    >>> encode((Fraction(1, 3), [2, None], {"a": True}))
    {'T': [{'F': '1/3'}, [2, None], {'D': {'a': True}}]}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else {"R": repr(value)}
    if isinstance(value, Fraction):
        return {"F": str(value)}
    if isinstance(value, tuple):
        return {"T": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"D": {k: encode(v) for k, v in value.items()}}
        return {"K": [[encode(k), encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"C": type(value).__name__,
                "f": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if hasattr(value, "func") and hasattr(value, "args") and hasattr(value, "free_symbols"):
        return {"X": _encode_sympy(value)}
    raise CacheFileError(f"cannot cache a {type(value).__name__}")


def _encode_sympy(expr):
    import sympy
    if isinstance(expr, sympy.Symbol):
        return ["S", expr.name, sorted((k, v) for k, v in expr.assumptions0.items() if v is not None)]
    if isinstance(expr, sympy.Rational):        # Integer, Rational, the singletons 0, 1, -1, 1/2
        return ["Q", str(expr)]
    name = expr.func.__name__
    if name not in SYMPY_NODES:
        raise CacheFileError(f"cannot cache the sympy node {name}")
    return [name] + [_encode_sympy(a) for a in expr.args]


def decode(data, classes=()):
    """The value :func:`encode` wrote; ``classes`` are the dataclasses allowed (by name).

    >>> decode(encode((Fraction(1, 3), {"a": [1.5]})))
    (Fraction(1, 3), {'a': [1.5]})
    >>> decode({"X": ["Pow", ["S", "x", [["real", True]]], ["Q", "2"]]})
    x**2
    >>> decode({"X": ["Function", ["Q", "1"]]})
    Traceback (most recent call last):
    ...
    deterrence.core.cache.CacheFileError: a cache file has the sympy node 'Function', which is not allowed
    """
    allowed = {c.__name__: c for c in classes}
    return _decode(data, allowed, 0)


def _decode(data, allowed, depth):
    if depth > 200:
        raise CacheFileError("a cache file nests too deep")
    if data is None or isinstance(data, (bool, str, int, float)):
        return data
    if isinstance(data, list):
        return [_decode(v, allowed, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise CacheFileError("a cache file holds an unknown value")
    if "F" in data and len(data) == 1 and isinstance(data["F"], str):
        try:
            return Fraction(data["F"])
        except ValueError:
            raise CacheFileError(f"a cache file holds a bad number {data['F'][:40]!r}") from None
    if "R" in data and len(data) == 1 and data["R"] in ("inf", "-inf", "nan"):
        return float(data["R"])
    if "T" in data and len(data) == 1 and isinstance(data["T"], list):
        return tuple(_decode(v, allowed, depth + 1) for v in data["T"])
    if "D" in data and len(data) == 1 and isinstance(data["D"], dict):
        return {k: _decode(v, allowed, depth + 1) for k, v in data["D"].items()}
    if "K" in data and len(data) == 1 and isinstance(data["K"], list):
        out = {}
        for pair in data["K"]:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise CacheFileError("a cache file holds a bad dictionary")
            out[_decode(pair[0], allowed, depth + 1)] = _decode(pair[1], allowed, depth + 1)
        return out
    if "C" in data and "f" in data and isinstance(data["f"], dict):
        cls = allowed.get(data["C"])
        if cls is None:
            raise CacheFileError(f"a cache file names the class {data['C']!r}, which is not allowed here")
        names = {f.name for f in dataclasses.fields(cls)}
        if set(data["f"]) - names:
            raise CacheFileError(f"a cache file gives {cls.__name__} fields it does not have")
        try:
            return cls(**{k: _decode(v, allowed, depth + 1) for k, v in data["f"].items()})
        except TypeError:
            raise CacheFileError(f"a cache file gives {cls.__name__} the wrong fields") from None
    if "X" in data and len(data) == 1:
        return _decode_sympy(data["X"], 0)
    raise CacheFileError("a cache file holds an unknown tag")


_ASSUMPTIONS = ("commutative", "complex", "extended_real", "finite", "hermitian", "imaginary",
                "infinite", "real", "positive", "negative", "nonnegative", "nonpositive", "zero",
                "nonzero", "integer", "rational", "extended_positive", "extended_negative",
                "extended_nonnegative", "extended_nonpositive", "extended_nonzero", "algebraic",
                "irrational", "transcendental", "noninteger", "odd", "even", "prime", "composite")


def _decode_sympy(node, depth):
    import sympy
    if depth > 200:
        raise CacheFileError("a cache file nests too deep")
    if not (isinstance(node, list) and node and isinstance(node[0], str)):
        raise CacheFileError("a cache file holds a bad formula")
    head, args = node[0], node[1:]
    if head == "S":
        if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], list) \
                or not args[0].isidentifier():
            raise CacheFileError("a cache file holds a bad symbol")
        assumptions = {}
        for pair in args[1]:
            if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in _ASSUMPTIONS
                    and isinstance(pair[1], bool)):
                raise CacheFileError("a cache file holds a bad symbol assumption")
            assumptions[pair[0]] = pair[1]
        return sympy.Symbol(args[0], **assumptions)
    if head == "Q":
        text = args[0] if len(args) == 1 else None
        if not isinstance(text, str) or len(text) > 10_000:
            raise CacheFileError("a cache file holds a bad number")
        try:
            q = Fraction(text)
        except ValueError:
            raise CacheFileError(f"a cache file holds a bad number {text[:40]!r}") from None
        return sympy.Rational(q.numerator, q.denominator)
    if head not in SYMPY_NODES:
        raise CacheFileError(f"a cache file has the sympy node {head!r}, which is not allowed")
    built = [_decode_sympy(a, depth + 1) for a in args]
    if head == "Pow":
        if len(built) != 2 or not (built[1].is_Rational and abs(built[1].p) <= 4096 and built[1].q <= 64):
            raise CacheFileError("a cache file holds a power that is not a small rational one")
    return getattr(sympy, head)(*built)


__all__ = ["remember", "entry_path", "structure_text", "encode", "decode", "read_entry", "cache_dir",
           "code_fingerprint", "clear_session", "CacheFileError", "SYMPY_NODES", "FORMAT", "MAX_FILES"]
