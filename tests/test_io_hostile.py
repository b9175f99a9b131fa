"""Hostile game files: code injection, bombs, and fuzzing of every reader.

Whatever the input, a reader returns a game or raises GameError (GameFileError,
ExpressionError), quickly. Set DETERRENCE_FUZZ_EXAMPLES to run more cases and
DETERRENCE_FUZZ_REPORT to a path to record how many ran (tests/README.md).
"""
import collections
import json
import os
import sys
import time
import types

import pytest
from hang_guard import HANG_SECONDS
import sympy  # noqa: F401  (imported up front: its first import is not part of any timing)
from hypothesis import HealthCheck, given, settings, strategies as st

from deterrence.core.stochastic import StochasticGame
from deterrence import NormalFormGame
from deterrence.errors import ExpressionError, GameError, GameFileError
from deterrence.io import load_game
from deterrence.io.catalogue import catalogue_dir
from deterrence.io.gambit_nfg import parse_nfg, write_nfg
from deterrence.io.json_format import parse_json_game, write_json
from deterrence.io.toml_format import parse_toml_game, read_toml, write_toml

from io_strategies import normal_form_catalogue_files
from peer import HAVE_PEER_GAMES, PEER_DIR

# -- code injection -------------------------------------------------------------
PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    "__import__('os').system('touch {marker}') + 1",
    "().__class__.__bases__[0].__subclasses__()",
    "(1).__class__.__base__",
    "__builtins__['eval']('1')",
    "__import__",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "lambda: 0",
    "exec('import os')",
    "eval(\"__import__('os').system('touch {marker}')\")",
    "open('{marker}', 'w')",
    "getattr(__import__('os'), 'system')('touch {marker}')",
    "sqrt.__globals__",
    "max.__self__",
    "globals()",
    "f\"{{__import__('os').system('touch {marker}')}}\"",
    "[c for c in ().__class__.__bases__]",
    "(x := __import__('os'))",
    "b'\\x00'",
    "sympy.sympify('1')",
    "Symbol('x')",
    "import os",
    "exp(1).__class__",
    "1; __import__('os').system('touch {marker}')",
]

TEMPLATE = '''title = "attack"
players = ["A", "B"]

[actions]
A = ["x"]
B = ["y"]

[parameters]
c = 1

[payoffs]
"x, y" = [{payload}, 0]
'''


def _toml_string(s):
    return json.dumps(s)  # a JSON string literal is a valid TOML basic string here


@pytest.mark.parametrize("payload", PAYLOADS)
def test_code_in_a_payoff_is_refused_and_never_run(payload, tmp_path):
    marker = tmp_path / "PWNED_xyz"
    path = tmp_path / "attack.toml"
    path.write_text(TEMPLATE.format(payload=_toml_string(payload.format(marker=marker))))
    with pytest.raises(ExpressionError) as info:
        load_game(path)
    assert str(info.value).startswith(f"{path}:12: payoffs."), str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_code_elsewhere_in_a_file_is_refused_or_inert(payload, tmp_path):
    marker = tmp_path / "PWNED_xyz"
    text = _toml_string(payload.format(marker=marker))
    # as a parameter value: refused, it is not a number
    with pytest.raises(GameFileError, match=r"^p\.toml:9: parameters\.c"):
        parse_toml_game(TEMPLATE.replace("c = 1", f"c = {text}").format(payload=1), file="p.toml")
    # as a parameter name: refused
    with pytest.raises(GameFileError, match=r"^p\.toml:9: parameters\."):
        parse_toml_game(TEMPLATE.replace("c = 1", f"{text} = 1").format(payload=1), file="p.toml")
    # as title, claim or other section: kept as inert text, never evaluated
    game = parse_toml_game(TEMPLATE.format(payload=1).replace('"attack"', text)
                           + f"\n[claims]\nnote = {text}\n[repeated]\nstrategy = {text}\n")
    assert game.claims["note"] == game.extra["repeated"]["strategy"] == game.title
    write_json(game), write_toml(game)
    assert not marker.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_code_in_json_and_nfg_is_refused_and_never_run(payload, tmp_path):
    marker = tmp_path / "PWNED_xyz"
    code = payload.format(marker=marker)
    obj = {"players": ["A"], "actions": {"A": ["x"]}, "payoffs": [[code]]}
    with pytest.raises(ExpressionError, match=r"^a\.json:1: payoffs \(item 1, the payoff of A\)"):
        parse_json_game(json.dumps(obj), file="a.json")
    nfg = 'NFG 1 R "x" { "A" } { 1 }\n' + code.replace('"', "'")
    with pytest.raises(GameFileError, match=r"^a\.nfg:2: "):
        parse_nfg(nfg, file="a.nfg")
    assert not marker.exists()


# -- bombs in files -------------------------------------------------------------
FILE_BOMBS = {
    "9^9^9^9": '"9^9^9^9"',
    "2**100000": '"2**100000"',
    "power of powers": '"(((9^64)^64)^64)^64"',
    "1000 parentheses": '"' + "(" * 1000 + "1" + ")" * 1000 + '"',
    "100 kB expression": '"' + "c+" * 50_000 + 'c"',
    "5000-digit integer": "9" * 5000,
    "huge float": "1e99999",            # 1e999 is a number (10^999, exact), as it is quoted
}


@pytest.mark.parametrize("bomb", FILE_BOMBS.values(), ids=FILE_BOMBS.keys())
def test_bombs_in_a_file_are_refused_quickly(bomb):
    start = time.perf_counter()
    with pytest.raises(GameFileError) as info:
        parse_toml_game(TEMPLATE.format(payload=bomb), file="bomb.toml")
    assert time.perf_counter() - start < HANG_SECONDS
    assert str(info.value).startswith("bomb.toml:12: "), str(info.value)


def test_structural_bombs_are_refused_quickly():
    cases = [
        (parse_toml_game, "a = " + "[" * 100_000 + "]" * 100_000),
        (parse_toml_game, 'players = ["A", "B", "C"]\n[actions]\n'
         + "".join(f"{p} = [{', '.join(repr(f'a{i}') for i in range(1000))}]\n" for p in "ABC")
         + '[payoffs]\n"a1, a1, a1" = [1, 2, 3]\n'),  # 10^9 profiles: no allocation
        (parse_json_game, "[" * 100_000 + "]" * 100_000),
        (parse_json_game, json.dumps({"players": ["A", "B", "C"],
                                      "actions": {p: [str(i) for i in range(1000)] for p in "ABC"},
                                      "payoffs": []})),
        (parse_nfg, 'NFG 1 R "x" { "A" "B" "C" } { 1000 1000 1000 }'),
        (parse_nfg, 'NFG 1 R "x" { "A" "B" } { 1 1 } ' + "9" * 5000 + " 1"),
        (parse_toml_game, TEMPLATE.format(payload=0).replace("c = 1", 'c = "1e999999999"')),
    ]
    for reader, text in cases:
        start = time.perf_counter()
        with pytest.raises(GameFileError):
            reader(text, file="big")
        assert time.perf_counter() - start < HANG_SECONDS, text[:60]


# -- fuzzing --------------------------------------------------------------------
EXAMPLES = int(os.environ.get("DETERRENCE_FUZZ_EXAMPLES", "100"))
COUNTS = collections.Counter()
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

READERS = {"toml": parse_toml_game, "json": parse_json_game, "nfg": parse_nfg}
TREE_MODULE = "deterrence.io.tree_toml"
_fake_tree = types.ModuleType(TREE_MODULE)
_fake_tree.read_tree_toml = lambda source, file=None: "tree"


def check(kind, data, how):
    """The contract: a game (or, for [tree] files, what the tree reader gives) or a
    GameError, within seconds."""
    COUNTS[f"{kind} {how}"] += 1
    start = time.perf_counter()
    # [tree] files belong to the tree reader; a stand-in keeps this fuzzing on ours.
    # Only that one entry of sys.modules is swapped and put back (patch.dict would
    # drop every module first imported meanwhile, and later imports would duplicate them).
    saved = sys.modules.get(TREE_MODULE)
    sys.modules[TREE_MODULE] = _fake_tree
    try:
        result = READERS[kind](data, file=f"fuzz.{kind}")
    except GameError as exc:
        assert str(exc).startswith(f"fuzz.{kind}:"), str(exc)
    else:
        assert isinstance(result, (NormalFormGame, StochasticGame)) or result == "tree"
        COUNTS[f"{kind} {how}: read as a game"] += 1
    finally:
        if saved is None:
            sys.modules.pop(TREE_MODULE, None)
        else:
            sys.modules[TREE_MODULE] = saved
    assert time.perf_counter() - start < HANG_SECONDS


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    target = os.environ.get("DETERRENCE_FUZZ_REPORT")
    if target:
        with open(target, "w") as f:
            json.dump(dict(COUNTS, total=sum(v for k, v in COUNTS.items() if ":" not in k)),
                      f, indent=1)


def _seeds():
    seeds = {"toml": [], "json": [], "nfg": []}
    for path in sorted(catalogue_dir().glob("*.toml")):
        seeds["toml"].append(path.read_bytes())  # tree files too: they test the hand-over
    for path in normal_form_catalogue_files():
        game = read_toml(path)
        seeds["json"].append(write_json(game).encode())
        seeds["nfg"].append(write_nfg(game.with_defaults() if game.is_symbolic else game,
                                      outcomes=len(seeds["nfg"]) % 2 == 1).encode())
    seeds["toml"].append(b'players = ["A"]\n[actions]\nA = ["x"]\n[tree]\nroot = 1\n')
    seeds["nfg"].append(b'NFG 1 D "d" { "1" "2" } { 2 2 } 0.5 1/3 -2 2e3 0 0 1 1\n')
    if HAVE_PEER_GAMES:  # read at run time, never copied
        seeds["nfg"] += [p.read_bytes() for p in sorted((PEER_DIR / "gambit").glob("*.nfg"))]
    return seeds


SEEDS = _seeds()
TOKENS = [b"[", b"]", b"{", b"}", b'"', b"'", b'"""', b"=", b",", b"\n", b"\\", b"#",
          b"[tree]", b"[payoffs]", b"[actions]", b"[parameters]", b"players", b"9^9^9^9",
          b"__import__('os')", b"1e999", b"-0", b"0/0", b"1/0", b"nan", b"inf", b"true",
          b"1979-05-27", b"\xff", b"\x00", b"\xc3", b"NFG 1 R", b"null", b"[]", b"{}",
          b"999999999999", b"-1", b"0", b"(" * 50, b"sqrt(-1)", b"\"x, x\" = [1, 2]",
          b'"outcome" 1 2', b"{ 3 3 }", "\u00b2".encode(), "\u0663".encode(), "\uff11".encode()]


@st.composite
def mutated(draw, kind):
    data = bytearray(draw(st.sampled_from(SEEDS[kind])))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["byte", "insert", "delete", "token", "duplicate", "swap"]))
        pos = draw(st.integers(0, len(data)))
        if op == "byte" and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(max_size=8))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 60))]
        elif op == "token":
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == "duplicate":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 300))]
        elif op == "swap" and data:
            other = draw(st.integers(0, len(data) - 1))
            a, b = sorted((min(pos, len(data) - 1), other))
            data[a:b + 1] = data[b:b + 1] + data[a + 1:b] + data[a:a + 1]
    return bytes(data)


@pytest.mark.parametrize("kind", READERS)
@FUZZ
@given(data=st.data())
def test_fuzz_random_text(kind, data):
    check(kind, data.draw(st.text(max_size=300)), "random text")


@pytest.mark.parametrize("kind", READERS)
@FUZZ
@given(data=st.data())
def test_fuzz_random_bytes(kind, data):
    check(kind, data.draw(st.binary(max_size=300)), "random bytes")


@pytest.mark.parametrize("kind", READERS)
@FUZZ
@given(data=st.data())
def test_fuzz_mutated_valid_files(kind, data):
    check(kind, data.draw(mutated(kind)), "mutated files")


# Documents of the right shape with values of every type: the checker's type confusions.
scalars = st.one_of(st.integers(-3, 3), st.floats(allow_nan=True), st.booleans(),
                    st.text(max_size=6), st.sampled_from(["x", "y", "A", "B", "c", "1/2", "c^2",
                                                          "x, y", "x,x", "", "__import__"]))
KEY_SAMPLES = st.sampled_from(["x", "y", "A", "B", "c", "value", "about", "x, y"])
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(KEY_SAMPLES, inner, max_size=3)),
                      max_leaves=8)
KEYS = ["title", "description", "sources", "players", "actions", "parameters", "payoffs",
        "claims", "profiles", "extra", "format", "version", "repeated"]


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=8))
def test_fuzz_game_shaped_documents(doc):
    from deterrence.io.toml_format import _value, _key
    # the same document as JSON and as TOML (top-level tables last, as TOML needs)
    check("json", json.dumps(doc, allow_nan=False) if _finite(doc) else "{}", "shaped documents")
    lines = [f"{_key(k)} = {_value(v)}" for k, v in doc.items()]
    check("toml", "\n".join(lines), "shaped documents")


def _finite(v):
    if isinstance(v, float):
        return v == v and abs(v) != float("inf")
    if isinstance(v, list):
        return all(_finite(x) for x in v)
    if isinstance(v, dict):
        return all(_finite(x) for x in v.values())
    return True


def test_valid_seeds_read():
    for kind, seeds in SEEDS.items():
        for data in seeds:
            check(kind, data, "seed files")


def test_fuzz_script_runs_every_reader_on_mutated_seeds(tmp_path):
    # tests/fuzz_readers.py without atheris (--smoke): TOML (with trees and stochastic games),
    # JSON, .nfg, .efg and the events CSV (ours and ACLED's layout), seeds and 300 mutations
    import resource
    import subprocess
    from pathlib import Path
    script = Path(__file__).resolve().parent / "fuzz_readers.py"

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    sys.path.insert(0, str(script.parent))
    try:
        import fuzz_readers
        kinds = collections.Counter(data[0] for _, data in fuzz_readers.seed_files())
    finally:
        sys.path.remove(str(script.parent))
    assert set(kinds) == {0, 1, 2, 3, 4} and kinds[3] >= 5 and kinds[4] == 2
    done = subprocess.run([sys.executable, str(script), "--smoke", "300", "7"], capture_output=True, text=True,
                          cwd=tmp_path, preexec_fn=cap, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(script.parents[1])})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"fuzz_readers: {300 + sum(kinds.values())} inputs run"
