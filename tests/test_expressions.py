"""Payoff formulas: the safe grammar, what it refuses, bombs, and printing back."""
import time
from fractions import Fraction

import pytest
from hang_guard import HANG_SECONDS
import sympy
from hypothesis import HealthCheck, given, settings

from deterrence.core.symbolic import parameter_symbol, parse_expression
from deterrence.errors import ExpressionError, GameError
from deterrence.io._common import format_formula, payoff_value

from io_strategies import formula, _parse_or_none

W, c = parameter_symbol("W"), parameter_symbol("c")


@pytest.mark.parametrize("text, value", [
    ("3", 3), ("-2.5", Fraction(-5, 2)), ("0.1", Fraction(1, 10)), ("1/3", Fraction(1, 3)),
    ("2^3", 8), ("2**-1", Fraction(1, 2)), ("(1 + 2) * 3", 9), ("--4", 4),
    ("abs(-3)", 3), ("max(1, 2, 3)", 3), ("min(1/2, 1/3)", Fraction(1, 3)), ("sqrt(4)", 2),
    ("exp(0)", 1), ("log(1)", 0),
])
def test_numbers_come_back_exact(text, value):
    result = payoff_value(text, [])
    assert result == value and type(result) is type(value)


def test_formulas_over_parameters():
    assert payoff_value("-W - 2*c", ["W", "c"]) == -W - 2 * c
    assert payoff_value("W^2/2", ["W"]) == W ** 2 / 2
    assert payoff_value("max(W, c)", ["W", "c"]) == sympy.Max(W, c)
    # parameters are real symbols: the same ones the rest of the toolkit uses
    assert payoff_value("W", ["W"]).is_real


REFUSED = [
    ("__import__('os').system('true')", "calls are limited"),
    ("().__class__.__bases__", "not allowed"),
    ("W.__class__", "not allowed"),
    ("__builtins__", "unknown name"),
    ("lambda: 1", "not allowed"),
    ("import os", "not a valid expression"),
    ("open('x')", "calls are limited"),
    ("eval('1')", "calls are limited"),
    ("getattr(W, 'x')", "calls are limited"),
    ("f'{1}'", "not allowed"),
    ("W[0]", "not allowed"),
    ("(x := 1)", "not allowed"),
    ("[1, 2]", "not allowed"),
    ("{1: 2}", "not allowed"),
    ("[x for x in ()]", "not allowed"),
    ("1 if W else 2", "not allowed"),
    ("W < 1", "not allowed"),
    ("W and c", "not allowed"),
    ("'text'", "only numbers"),
    ("b'x'", "only numbers"),
    ("True", "only numbers"),
    ("None", "only numbers"),
    ("1j", "only numbers"),
    ("...", "only numbers"),
    ("W // 2", "not allowed"),
    ("W % 2", "not allowed"),
    ("W @ c", "not allowed"),
    ("W << 1", "not allowed"),
    ("~W", "not allowed"),
    ("sqrt", "must be called"),
    ("sqrt(x=1)", "positional"),
    ("sqrt(1, 2)", "one argument"),
    ("W ^ c", "exponents must be numbers"),
    ("1/0", "division by zero"),
    ("0^-1", "division by zero"),
    ("1e99999", "digits"),      # 1e400 is 10^400, exactly, as quoted numbers are (it was the double inf)
    ("log(0)", "finite"),
    ("sqrt(-1)", "not a real number"),
    ("max(sqrt(-1), 1)", "cannot be evaluated"),
    ("sqrt(W) + sqrt(-1)", "not a real number"),
    ("log(-1) * log(-1)", "not a real number"),
    ("d", "unknown name 'd'"),
    ("", "empty"),
    ("   ", "empty"),
]


@pytest.mark.parametrize("text, reason", REFUSED, ids=[r[0][:25] for r in REFUSED])
def test_refused_with_reason_file_and_line(text, reason):
    with pytest.raises(ExpressionError) as info:
        payoff_value(text, ["W", "c"], file="g.toml", line=7, field="payoffs.x")
    message = str(info.value)
    assert message.startswith("g.toml:7: payoffs.x: ") and reason in message, message


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}, float("nan"), float("inf")])
def test_non_formulas_are_refused(value):
    with pytest.raises(GameError):
        payoff_value(value, [], file="g.toml", line=1)


BOMBS = {
    "tower of powers": "9^9^9^9",
    "big exponent": "2**100000",
    "power of powers": "(((9^64)^64)^64)^64",
    "computed exponent": "2^(2^(2^5))",
    "product of powers": "*".join(["9^64"] * 60),
    "1000 parentheses": "(" * 1000 + "1" + ")" * 1000,
    "1000 unary minus": "-" * 1000 + "1",
    "100 kB": "1+" * 50_000 + "1",
    "long number": "9" * 100_000,
}


@pytest.mark.parametrize("text", BOMBS.values(), ids=BOMBS.keys())
def test_bombs_refused_quickly(text):
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        payoff_value(text, ["W"], file="g.toml", line=3)
    assert time.perf_counter() - start < HANG_SECONDS
    assert str(info.value).startswith("g.toml:3: ")


def test_large_but_sensible_numbers_are_fine():
    assert payoff_value("2^64", []) == 2 ** 64
    assert payoff_value("W^64", ["W"]) == W ** 64
    # a degree-4096 formula is a bomb once a value is substituted or red lines are solved
    with pytest.raises(GameError, match="over the limit"):
        payoff_value("(W^64)^64", ["W"])


def test_printer_writes_the_grammar_not_sympy_names():
    expr = parse_expression("abs(W) + min(W, c) + max(W, 1) + exp(1)", ["W", "c"])
    text = format_formula(expr)
    assert "Abs" not in text and "Min" not in text and "Max" not in text and "E" not in text
    assert parse_expression(text, ["W", "c"]) == expr



@pytest.mark.parametrize("text, same_as", [
    ("min(max(a, 0), max(a, 1))", "max(a, 0)"),
    ("max(min(a, 0), min(a, 1))", "min(a, 1)"),
    ("max(min(a, 2), min(a, 1/2))", "min(a, 2)"),
    ("max(min(a, b, 1), min(a, b, 2))", "min(a, b, 2)"),
    ("max(min(a, -1), min(a, 1), min(a, b))", "min(a, max(1, b))"),
    ("min(max(a, 0), max(a, b, 1))", "max(a, 0)"),
    ("max(min(a, 0), min(a, 1)) + max(min(b, 0), min(b, 1))", "min(a, 1) + min(b, 1)"),
])
def test_min_and_max_come_back_whole(text, same_as):
    """sympy factors min(max(a, 0), max(a, 1)) into Max(a, Min(0, 1)) and leaves Min(0, 1)
    unevaluated: the formula was not equal to max(a, 0), and a game written with it was read back
    as another game (hypothesis found it)."""
    expr = parse_expression(text, ["a", "b"])
    assert expr == parse_expression(same_as, ["a", "b"])
    assert parse_expression(format_formula(expr), ["a", "b"]) == expr
    assert not any(isinstance(e, (sympy.Min, sympy.Max)) and all(x.is_number for x in e.args)
                   for e in sympy.preorder_traversal(expr))


def test_a_root_of_a_fraction_comes_back_whole():
    """sympy takes sqrt(sqrt(9/2)) to 2**(3/4)*(2*sqrt(3))/4, a product inside a product, which is
    written "(1/4)*(2^(3/4))*(2*(3^(1/2)))" and read back as 2**(3/4)*sqrt(3)/2: another tree
    (hypothesis found it)."""
    expr = parse_expression("a + sqrt(sqrt(9/2))", ["a"])
    assert expr == parse_expression("a + 2^(3/4)*sqrt(3)/2", ["a"])
    assert parse_expression(format_formula(expr), ["a"]) == expr
    assert not any(isinstance(e, sympy.Mul) and any(isinstance(x, sympy.Mul) for x in e.args)
                   for e in sympy.preorder_traversal(expr))

@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(formula(["W", "c", "x2"]))
def test_printed_formulas_read_back_equal(text):
    expr = _parse_or_none(text, ["W", "c", "x2"])
    if expr is None:
        return
    if isinstance(expr, (int, Fraction)):
        return
    # the same tree, not only the same function: sympy's half-evaluated parts (Max(W, Min(0, 1)),
    # 2**(3/4)*(2*sqrt(3))/4) were let through here as "same function, other tree", and a game
    # written with them was read back as another game
    assert payoff_value(format_formula(expr), ["W", "c", "x2"]) == expr


def test_nested_power_bombs_are_refused_quickly():
    import time
    from deterrence.core.symbolic import parse_expression
    from deterrence.errors import ExpressionError
    for text in ["(((9^64)^64)^64)^64", "((x^8)^8)^2", "(3*x^32)^64", "((x+1)^64)^2"]:
        start = time.perf_counter()
        with pytest.raises(ExpressionError, match="over the limit"):
            parse_expression(text, ["x"])
        assert time.perf_counter() - start < HANG_SECONDS
    assert str(parse_expression("(x^8)^8", ["x"])) == "x**64"


# -- text that reaches sympy through the Python API is parsed, never run --------------
def _payload(marker):
    return f"__import__('os').system('touch {marker}')"


def test_conditions_hold_parses_text_and_never_runs_it(tmp_path):
    from deterrence.errors import ExpressionError
    from deterrence.solvers.normal_form.symbolic_conditions import conditions_hold
    marker = tmp_path / "ran"
    with pytest.raises(ExpressionError):
        conditions_hold(_payload(marker), {})
    assert not marker.exists()
    assert conditions_hold("T <= 3 and T > 1", {"T": 2}) is True
    assert conditions_hold("T <= 3 and T > 1", {"T": "7/2"}) is False


def test_vectorised_map_parses_text_and_never_runs_it(tmp_path):
    from deterrence.analysis.sweep import vectorised_map
    from deterrence.errors import ExpressionError
    marker = tmp_path / "ran"
    with pytest.raises(ExpressionError):
        vectorised_map({"x": _payload(marker)}, {"b": [1, 2]})
    assert not marker.exists()
    assert vectorised_map({"x": "b/2"}, {"b": [1, 2]}).values["x"].tolist() == [0.5, 1.0]


def test_parse_condition_grammar():
    from deterrence.core.symbolic import parse_condition
    from deterrence.errors import ExpressionError
    c = parse_condition("1 < a <= 3 or not b == 2", ["a", "b"])
    a, b = parameter_symbol("a"), parameter_symbol("b")
    assert bool(c.subs({a: 2, b: 2})) and not bool(c.subs({a: 5, b: 2})) and bool(c.subs({a: 5, b: 1}))
    for bad in ("a is b", "a in b", "lambda: 1", "a.b", "a[0]"):
        with pytest.raises(ExpressionError):
            parse_condition(bad, ["a", "b"])


def test_min_and_max_of_complex_numbers_are_a_clear_error():
    from deterrence.core.symbolic import parse_expression
    from deterrence.errors import ExpressionError
    with pytest.raises(ExpressionError, match="max of these arguments cannot be evaluated"):
        parse_expression("max(sqrt(-1), 1)", [])


def test_conditions_have_the_same_bomb_guards_as_expressions():
    from deterrence.core.symbolic import parse_condition
    from deterrence.errors import ExpressionError
    with pytest.raises(ExpressionError, match="condition nests 41 deep"):
        parse_condition("(" * 41 + "a" + ")" * 41 + " > 0", ["a"])


def test_a_decimal_literal_in_a_formula_is_the_number_written():
    """Python reads 1e400 as inf and 1e-400 as 0; a formula's literal is the number written."""
    assert payoff_value("1e400", []) == 10 ** 400
    assert payoff_value("W + 1e-400", ["W"]).subs(parameter_symbol("W"), 0) == sympy.Rational(1, 10 ** 400)


from hypothesis import strategies as st  # noqa: E402

PYTHON_ONLY_FORMS = {"hexadecimal": hex, "octal": oct, "binary": bin,
                     "grouped": lambda n: f"{n:_}" if n >= 1000 else f"{n}_0",
                     "leading zero": lambda n: f"00{n}" if n else "007"}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 10**12), st.sampled_from(sorted(PYTHON_ONLY_FORMS)), st.text(" ", max_size=3),
       st.sampled_from(["", "a + ", "2*(", "a*"]))
def test_python_only_number_forms_are_refused_everywhere_with_their_position(n, form, pad, before):
    """0x10, 0o7, 0b1, 1_000 (and 007) are Python's forms, not the grammar's (numbers are decimal):
    a formula read 0x10 as 16 and --set read 1_000 as 1000 (a fuzzing review). Refused with the
    number and its position in payoffs and conditions, and as --set values and parameter defaults."""
    from deterrence.core.numbers import to_exact
    from deterrence.core.symbolic import parse_condition
    written = PYTHON_ONLY_FORMS[form](n)
    text = pad + before + written + (")" if before.endswith("(") else "")
    for parse in (parse_expression, lambda t, names: parse_condition(t + " < 1", names)):
        with pytest.raises(ExpressionError) as err:
            parse(text, ["a"])
        assert f"number {written!r} at character {len(pad + before) + 1}" in str(err.value)
    with pytest.raises(GameError, match="is not a number"):
        to_exact(written, "value of parameter a")
    assert parse_expression(pad + before + str(n) + (")" if before.endswith("(") else ""), ["a"]) is not None
    assert to_exact(str(n)) == n


@pytest.mark.parametrize("text", ["a1_0 + 1", "x_1*2", "1.5e-3 + 0.25", "00 + 0.07", "012.5", ".5", "1E3"])
def test_names_with_digits_and_decimal_forms_still_read(text):
    assert parse_expression(text, ["a1_0", "x_1"]) is not None


@pytest.mark.parametrize("text", ["W_iran", "a_1", "Wirán", "1_000x"])
def test_a_name_with_an_underscore_is_not_called_grouped_digits(text):
    """The check of 1_000 first called every name with an _ "digits grouped with _" (W_iran as a
    parameter value): only number text is (found fuzzing round_days)."""
    from deterrence.core.numbers import to_exact
    with pytest.raises(GameError) as err:
        to_exact(text, "value")
    assert str(err.value).endswith("is not a number"), str(err.value)


@pytest.mark.parametrize("text", ["1or w", "0x1for", "1if w else 2", "2in w"])
def test_no_python_syntax_warning_reaches_the_user(text):
    """"1or w" printed Python's "<unknown>:1: SyntaxWarning: invalid decimal literal" twice before
    the reader's own message (a fuzzing review)."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ExpressionError):
            payoff_value(text, ["w"])
    assert not [w for w in caught if issubclass(w.category, SyntaxWarning)]


@pytest.mark.parametrize("value", ["sqrt(-1)", "log(0)", "I", "zoo"])
def test_every_game_constructor_refuses_a_formula_that_is_no_finite_real(value):
    """Trees refused sqrt(-1) and log(0) when built in Python; stochastic games took them (and
    solve said "the formula I is not a real number ... at ", naming nothing), and normal forms
    took sympy's I and zoo. One intake now serves the three (core.symbolic.game_value)."""
    from deterrence import NormalFormGame
    from deterrence.core.stochastic import StochasticGame
    from deterrence.core.tree import GameTree, decision, terminal
    formula = {"I": sympy.I, "zoo": sympy.zoo}.get(value, value)
    reason = "not finite" if value in ("log(0)", "zoo") else "not a real number"
    with pytest.raises(GameError, match=f"state s: payoff of A at \\(x\\): .*{reason}"):
        StochasticGame(["A"], ["s"], [["x"]], {"s": {"*": [formula]}}, {"s": {"*": {"s": 1}}}, delta=0)
    with pytest.raises(GameError, match=f"node x: payoff of A: .*{reason}"):
        GameTree(decision("A", {"x": terminal([formula])}), players=["A"])
    if not isinstance(formula, str):          # a normal form takes formulas parsed (text is refused)
        with pytest.raises(GameError, match=f"payoff of Row at \\(0, 0\\): .*{reason}"):
            NormalFormGame.from_arrays([[formula]], [[0]])


def test_parameters_found_in_formulas_come_in_the_same_order_in_every_run():
    """A game built in Python without declared parameters took them from a set: their order (the
    game's parameters, its JSON and TOML) changed with PYTHONHASHSEED (abc, cba, bca)."""
    import os
    import subprocess
    import sys
    code = ("import sympy\n"
            "from deterrence import NormalFormGame\n"
            "from deterrence.core.tree import GameTree, decision, terminal\n"
            "from deterrence.core.stochastic import StochasticGame\n"
            "a, b, c = sympy.symbols('a b c')\n"
            "t = GameTree(decision('A', {'x': terminal(['b - c + a'])}), players=['A'])\n"
            "g = NormalFormGame.from_arrays([[b - c + a]], [[0]])\n"
            "s = StochasticGame(['A'], ['s'], [['x']], {'s': {'*': ['b - c + a']}}, {'s': {'*': {'s': 1}}}, delta=0)\n"
            "print(list(t.parameters), list(g.parameters), list(s.parameters))\n")
    seen = set()
    for seed in ("1", "2", "3", "4"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        seen.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout)
    assert seen == {"['a', 'b', 'c'] ['a', 'b', 'c'] ['a', 'b', 'c']\n"}


@pytest.mark.parametrize("value", [sympy.Eq(sympy.Symbol("a"), 1), sympy.Symbol("a") > 1,
                                   sympy.Interval(0, 1), sympy.true])
def test_a_condition_or_a_set_is_no_payoff(value):
    """sympy relations, sets and booleans were taken as payoffs; solve then said "payoff True is
    symbolic: give values for its parameters (at a = 1)"."""
    from deterrence import NormalFormGame
    from deterrence.core.stochastic import StochasticGame
    from deterrence.core.tree import GameTree, decision, terminal
    with pytest.raises(GameError, match="not a number or a formula"):
        GameTree(decision("A", {"x": terminal([value]), "y": terminal([0])}), players=["A"])
    with pytest.raises(GameError, match="not a number or a formula"):
        NormalFormGame.from_arrays([[value, 0]], [[0, 0]])
    with pytest.raises(GameError, match="not a number or a formula"):
        StochasticGame(["A"], ["s"], [["x"]], {"s": {"*": [value]}}, {"s": {"*": {"s": 1}}}, delta=0)
