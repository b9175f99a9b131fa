"""One rule for probabilities (issue 17, deliver 2): however a probability is written (a number,
a fraction string, a formula without parameters), it is checked to lie in [0, 1] once it is a
number, and a refusal is a ``GameError`` naming the argument or field.

The routes: the fields of :class:`Noise`, :meth:`Noise.from_spec` (game files), the
implementation table, an automaton's mixed play, and ``echo_effect`` (the API call of the
issue). Each written form's value is computed here with ``Fraction`` arithmetic, not by the
code under test.
"""
import os
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

import deterrence as dt
from deterrence import NormalFormGame
from deterrence.core.automaton import Automaton
from deterrence.core.repeated import Noise
from deterrence.errors import GameError
from deterrence.solvers.repeated.noise_markov import echo_effect

PD = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=[["C", "D"]] * 2)
EXAMPLES = int(os.environ.get("DETERRENCE_HYPOTHESIS_EXAMPLES", 40))

fractions = st.fractions(min_value=-3, max_value=3, max_denominator=12)


def written(p: Fraction, form: int):
    """``(value as the user writes it, its value)``: a number, a string, or one of five formulas."""
    a, b = p.numerator, p.denominator
    forms = [
        (p, p),                                       # a Fraction
        (f"{a}/{b}", p),                              # an exact string
        (f"({a})/({b}) + 0", p),                      # a formula equal to p
        (f"abs({a})/{b}", abs(p)),                    # abs
        (f"max({a}/{b}, {a}/{b} - 1)", p),            # max
        (f"sqrt(({a})^2)/{b}", abs(p)),               # a square root that is rational
        (f"-abs({a}/{b})", -abs(p)),                  # the issue's "-abs(1)" shape
    ]
    return forms[form]


def routes():
    """``(name, call(value), the words a refusal must contain)`` for every route to a probability."""
    def noise_field(v, value):
        return Noise(execution=v).execution

    def noise_spec(v, value):
        return Noise.from_spec({"tremble": v}).tremble

    def implementation(v, value):     # the row sums to 1, so only the range can refuse it
        table = {"C": {"C": v, "D": 1 - value}}
        return Noise(implementation=table).implementation_matrix(("C", "D"))[0, 0]

    def automaton(v, value):
        spec = {"states": ["s"], "start": "s", "play": {"s": {"C": v, "D": 1 - value}},
                "transitions": ["*: *, * -> s"]}
        return Automaton.from_spec(spec, ["C", "D"], name="mixed").probabilities("s")[0]

    def echo(v, value):
        echo_effect(PD, {"perception": v}, strategies=("tit_for_tat",))
        return Noise(perception=v).perception

    return [("Noise(execution=)", noise_field, "noise execution"),
            ("Noise.from_spec", noise_spec, "noise tremble"),
            ("implementation table", implementation, "noise implementation C -> C"),
            ("automaton play", automaton, "probability of 'C' in state 's'"),
            ("echo_effect", echo, "noise perception")]


@settings(max_examples=EXAMPLES, deadline=None)
@given(p=fractions, form=st.integers(0, 6))
def test_every_probability_is_checked_however_written(p, form):
    text, value = written(p, form)
    for name, call, words in routes():
        if 0 <= value <= 1:
            assert call(text, value) == value, name
        else:
            with pytest.raises(GameError) as info:
                call(text, value)
            message = str(info.value)
            assert words in message and "[0, 1]" in message, (name, message)


@pytest.mark.parametrize("text, value", [("sqrt(4)", 2), ("-abs(1)", -1), ("max(2, 1)", 2), ("2", 2),
                                         ("-1", -1), ("3/2", Fraction(3, 2)), (2, 2), (1.5, Fraction(3, 2))])
@pytest.mark.parametrize("field", ["execution", "tremble", "perception"])
def test_the_issues_formulas_are_refused_naming_the_field(text, value, field):
    with pytest.raises(GameError, match=rf"noise {field} is {dt.core.numbers.format_exact(value)}: .*\[0, 1\]"):
        Noise(**{field: text})
    with pytest.raises(GameError, match=rf"noise {field}"):
        echo_effect(PD, {field: text})


def test_an_irrational_constant_is_not_a_probability():
    with pytest.raises(GameError, match="noise execution is sqrt\\(2\\)/2, not a rational number"):
        Noise(execution="sqrt(2)/2")


def test_formulas_with_parameters_pass_until_the_parameters_have_values():
    n = Noise.from_spec({"execution": "e/2"}, ("e",))
    assert n.is_symbolic
