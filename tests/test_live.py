"""The live report (issue 18): formulas derived once per structure, analyses kept across
processes, and a cache that never runs what its files hold.

The reference in each comparison is the path without any reuse (``DETERRENCE_CACHE=memory``:
every call derives everything, and δ* takes the direct way: substitute, then ``sympy.cancel``).
"""
import json
import os
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import deterrence.core.cache as cache
from deterrence.analysis.explain import explain
from deterrence.analysis.model_cache import analyse_model, cacheable
from deterrence.core.report import render


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache folder and an empty session."""
    monkeypatch.setenv("DETERRENCE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("DETERRENCE_CACHE", raising=False)
    monkeypatch.setattr(cache, "_SESSION", {})
    return tmp_path


def _report_texts(report):
    return json.dumps(report.to_json(), sort_keys=True, default=str), render(report, "text")


US_IRAN_GRID = [dict(W_iran=w, a_us=a, b_iran=b, delta=d)
                for w, a, b, d in [(1, 1, 2, "9/10"), (3, 0, 6, "3/4"), (20, "5/2", 1, "1/2"),
                                   (50, 1, 2, "7/10"), (50, 1, 2, "99/100"), (80, 4, 3, "4/5"),
                                   (2, "1/3", 2, "19/20")]]


def test_us_iran_reports_with_reuse_equal_those_without(fresh_cache, monkeypatch):
    from deterrence.models.us_iran import us_iran_model
    monkeypatch.setenv("DETERRENCE_CACHE", "memory")
    reference = [_report_texts(explain(us_iran_model(**kw))) for kw in US_IRAN_GRID]
    monkeypatch.delenv("DETERRENCE_CACHE")
    # in one session (formulas derived at the first point, reused at the others) ...
    assert [_report_texts(explain(us_iran_model(**kw))) for kw in US_IRAN_GRID] == reference
    assert list(fresh_cache.glob("deviation-conditions-*.json"))
    assert list(fresh_cache.glob("red-line-formulas-*.json"))
    # ... and in a "new process": the formulas read back from the files
    monkeypatch.setattr(cache, "_SESSION", {})
    assert [_report_texts(explain(us_iran_model(**kw))) for kw in reversed(US_IRAN_GRID)] == reference[::-1]


def test_critical_delta_both_ways_agree_on_other_games(fresh_cache, monkeypatch):
    """δ*, its formula and the set of δ, by reuse and directly, on catalogue games and profiles."""
    from deterrence import load_game
    from deterrence.solvers.repeated.critical_delta import critical_delta
    cases = [("prisoners_dilemma", "grim_trigger", {}), ("prisoners_dilemma", "grim_trigger", {"T": 7}),
             ("prisoners_dilemma", "tit_for_tat", {}), ("prisoners_dilemma", "grim_trigger", {"T": 4, "P": 0})]

    def run():
        out = []
        for name, profile, values in cases:
            c = critical_delta(load_game(name), profile, parameters=values)
            out.append((str(c.critical), str(c.critical_symbolic), str(c.delta_set), c.kind, c.critical_attained))
        return out
    monkeypatch.setenv("DETERRENCE_CACHE", "memory")
    reference = run()
    monkeypatch.delenv("DETERRENCE_CACHE")
    assert run() == reference
    # grim trigger: delta* = (T - R)/(T - P) at the catalogue's R and P
    g = load_game("prisoners_dilemma").parameters
    T, R, P = Fraction(7), Fraction(g["R"]), Fraction(g["P"])
    assert Fraction(reference[1][0]) == (T - R) / (T - P)


@pytest.mark.parametrize("overrides", [{}, {"W_iran": 20, "A": 8}, {"misfire": "1/400"}, {"k_us": 0, "a_us": 3}])
def test_case_model_analysis_read_back_gives_the_same_report(fresh_cache, monkeypatch, overrides):
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    model = us_iran_exchange_model(fitted=False, **overrides)
    direct = model.analyse()
    reference = _report_texts(explain(model, analysis=direct))
    assert analyse_model(model) == direct                    # computed, stored
    monkeypatch.setattr(cache, "_SESSION", {})               # a new process: read from the file
    key, classes = cacheable(model)
    path = cache.entry_path("analysis", key)
    assert path.is_file()
    read = cache.read_entry(path, "analysis", key, classes)
    assert read == direct
    assert _report_texts(explain(model)) == reference


@pytest.fixture(scope="module")
def fitted_analysis():
    """The analysis of ``deterrence report``'s default model, computed once for these tests."""
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    model = us_iran_exchange_model()
    return model, model.analyse()


def test_fitted_case_model_cached_report_is_the_computed_one(fresh_cache, monkeypatch, fitted_analysis):
    """The default of ``deterrence report``: stored once, then read back in a new session."""
    from deterrence.models.us_iran_exchange_report import USIranExchange
    model, direct = fitted_analysis
    reference = _report_texts(explain(model, analysis=direct))
    monkeypatch.setattr(USIranExchange, "analyse", lambda self: direct)
    assert _report_texts(explain(model)) == reference
    monkeypatch.setattr(cache, "_SESSION", {})
    monkeypatch.setattr(USIranExchange, "analyse", lambda self: pytest.fail("recomputed"))
    assert _report_texts(explain(model)) == reference


def test_cli_report_reads_the_cache_and_prints_the_same(fresh_cache, monkeypatch, capsys):
    from deterrence.cli import main
    assert main(["report", "--set", "W_iran=60", "--format", "json"]) == 0
    first = capsys.readouterr().out
    monkeypatch.setattr(cache, "_SESSION", {})
    calls = []
    from deterrence.models.us_iran_exchange_report import USIranExchange
    monkeypatch.setattr(USIranExchange, "analyse", lambda self: calls.append(1))
    assert main(["report", "--set", "W_iran=60", "--format", "json"]) == 0
    assert capsys.readouterr().out == first and calls == []      # nothing recomputed


POISONS = [
    "not json at all {",
    '{"format": 1, "kind": "analysis", "key": "%s", "value": {"C": "os.system", "f": {}}}',
    '{"format": 1, "kind": "analysis", "key": "%s", "value": {"X": ["Function", ["S", "x", []]]}}',
    '{"format": 1, "kind": "analysis", "key": "%s", "value": {"C": "ExchangeAnalysis", "f": {"__class__": 1}}}',
    '{"format": 1, "kind": "analysis", "key": "%s", "value": {"F": "__import__(\'os\').system(\'touch %s\')"}}',
    '{"format": 1, "kind": "analysis", "key": "another key", "value": 1}',
    '{"format": 1, "kind": "analysis", "key": "%s", "value": {"__reduce__": ["os.system", ["touch %s"]]}}',
]


@pytest.mark.parametrize("poison", POISONS)
def test_a_poisoned_cache_file_is_refused_and_replaced(fresh_cache, monkeypatch, poison, fitted_analysis):
    from deterrence.models.us_iran_exchange_report import USIranExchange
    model, direct = fitted_analysis
    key, classes = cacheable(model)
    path = cache.entry_path("analysis", key)
    marker = fresh_cache / "pwned"
    text = poison.replace("%s", json.dumps(key)[1:-1], 1).replace("%s", str(marker))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if "another key" not in text:
        with pytest.raises(cache.CacheFileError):
            cache.read_entry(path, "analysis", key, classes)
    calls = []
    monkeypatch.setattr(USIranExchange, "analyse", lambda self: calls.append(1) or direct)
    assert analyse_model(model) == direct                # refused, computed, written again
    assert calls == [1] and not marker.exists()
    monkeypatch.setattr(cache, "_SESSION", {})
    assert cache.read_entry(path, "analysis", key, classes) == direct


def test_a_poisoned_formula_file_is_refused(fresh_cache):
    """A formula file may only name whitelisted sympy nodes; anything else is recomputed."""
    calls = []

    def compute():
        calls.append(1)
        return sympy.Symbol("a", real=True) + 1
    path = cache.entry_path("formula", "k")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "kind": "formula", "key": "k",
                                "value": {"X": ["Subs", ["S", "a", []], ["S", "a", []], ["Q", "1"]]}}))
    assert cache.remember("formula", "k", compute) == sympy.Symbol("a", real=True) + 1
    assert calls == [1]


_exact = st.fractions(max_denominator=50).map(lambda q: q.numerator if q.denominator == 1 else q)
_leaf = st.one_of(st.none(), st.booleans(), st.integers(), _exact, st.text(max_size=5),
                  st.floats(allow_nan=False))
_values = st.recursive(_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.text(max_size=3), inner, max_size=3),
    st.dictionaries(st.tuples(st.integers(), st.text(max_size=2)), inner, max_size=2)), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(_values)
def test_codec_round_trips_exact_values(value):
    back = cache.decode(json.loads(json.dumps(cache.encode(value))))
    assert back == value and type(back) is type(value)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 5), st.fractions(max_denominator=9)), min_size=1, max_size=4))
def test_codec_round_trips_formulas(terms):
    a, b = sympy.Symbol("a", real=True), sympy.Symbol("delta", positive=True)
    expr = sum((sympy.Rational(q.numerator, q.denominator) * a ** abs(k) / (1 - b) ** (k % 3)
                for k, q in terms), sympy.Integer(0))
    expr = sympy.Max(expr, a) if len(terms) % 2 else expr
    back = cache.decode(json.loads(json.dumps(cache.encode(expr))))
    assert back == expr and back.free_symbols == expr.free_symbols


def test_structure_text_ignores_values_and_sees_formulas():
    from deterrence import load_game
    stage = load_game("us_iran_stage")
    assert cache.structure_text(stage) == cache.structure_text(stage.with_parameters(W_iran=7))
    assert cache.structure_text(stage) != cache.structure_text(load_game("prisoners_dilemma"))
    assert cache.structure_text(stage) != cache.structure_text(stage.with_defaults())


def test_code_fingerprint_changes_the_file(fresh_cache, monkeypatch):
    """Old entries are not read by other code: the fingerprint is part of the file name."""
    path = cache.entry_path("k", "x")
    monkeypatch.setattr(cache, "_FINGERPRINT", ["another version of the code"])
    assert cache.entry_path("k", "x") != path


def test_disk_cache_off_keeps_nothing_on_disk(fresh_cache, monkeypatch):
    monkeypatch.setenv("DETERRENCE_CACHE", "0")
    assert cache.remember("k", "x", lambda: Fraction(1, 3)) == Fraction(1, 3)
    assert not list(fresh_cache.iterdir())


def test_exact_deviation_rows_equal_the_einsum():
    """The sparse exact row of a deviation is the object-array einsum it replaces."""
    from deterrence.solvers.repeated._product import _exact_row
    rng = np.random.default_rng(7)
    for _ in range(30):
        m, k, n1, n2 = rng.integers(1, 4, size=4)

        def exact(shape, density):
            out = np.zeros(shape, dtype=object)
            for idx in np.ndindex(*shape):
                if rng.random() < density:
                    out[idx] = Fraction(int(rng.integers(1, 9)), int(rng.integers(1, 9)))
            return out
        qi, qj = exact((m,), 0.7), exact((k,), 0.7)
        Ti, Tj = exact((m, k, n1), 0.4), exact((k, m, n2), 0.4)
        expected = np.einsum("b,d,bdx,dby->xy", qi, qj, Ti, Tj)
        got = _exact_row(qi, qj, Ti, Tj)
        assert got.shape == expected.shape
        assert all(Fraction(g) == Fraction(e) for g, e in zip(got.flat, expected.flat))


def test_session_cache_does_not_leak_between_kinds(fresh_cache):
    assert cache.remember("one", "k", lambda: 1) == 1
    assert cache.remember("two", "k", lambda: 2) == 2
    assert os.path.basename(str(cache.entry_path("one", "k"))) != os.path.basename(str(cache.entry_path("two", "k")))


def test_any_model_that_names_its_inputs_is_cached_and_the_cache_knows_no_model(fresh_cache, monkeypatch):
    # the cache once recognised the case model by its class; now a model names its inputs (cache_key)
    from deterrence.models.us_iran_exchange_report import USIranExchange
    calls = []

    class Tiny:
        def analyse(self):
            calls.append(1)
            return {"answer": Fraction(1, 3)}

        def cache_key(self):
            return "tiny model, no inputs", ()

    assert analyse_model(Tiny()) == {"answer": Fraction(1, 3)}
    monkeypatch.setattr(cache, "_SESSION", {})               # a new process: read from the file
    assert analyse_model(Tiny()) == {"answer": Fraction(1, 3)} and calls == [1]

    class Variant(USIranExchange):       # a subclass may analyse differently: not cached as the case
        pass
    assert cacheable(Variant()) is None and cacheable(USIranExchange()) is not None
    assert cacheable(object()) is None
