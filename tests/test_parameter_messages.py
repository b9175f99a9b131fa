"""Messages in the user's terms (issue 17, deliver 8): a probability that a parameter's value
puts outside [0, 1] names the parameter and its value; a ``[repeated]`` noise written as a
parameter takes the parameter's default and ``--set`` values."""
import json
import re
from pathlib import Path

import pytest

from deterrence import load_game
from deterrence.cli import main
from deterrence.core.repeated import Noise, RepeatedGame
from deterrence.errors import GameError

PD = (Path(__file__).resolve().parents[1] / "games" / "prisoners_dilemma.toml").read_text()


def _pd_with_noise_parameter(tmp_path, default):
    """The prisoner's dilemma file with a parameter ``e`` and ``noise = { execution = "e" }``."""
    value = "" if default is None else f'value = "{default}", '
    text = PD.replace("[payoffs]", f'e = {{ {value}about = "execution error" }}\n\n[payoffs]', 1)
    text = re.sub(r'strategies = \[.*\]', 'strategies = ["tit_for_tat", "tit_for_tat"]\nnoise = { execution = "e" }',
                  text)
    path = tmp_path / f"pd_e_{default is not None}.toml"
    path.write_text(text)
    return path


def _repeated_json(capsys, *args):
    assert main(["repeated", *args, "--json", "--within", "10"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_a_stochastic_probability_out_of_range_names_the_parameter(capsys):
    assert main(["solve", "us_iran_exchange", "--set", "misfire=2"]) == 2
    err = capsys.readouterr().err
    assert "is -1, not between 0 and 1" in err and "1 - misfire with misfire = 2" in err
    with pytest.raises(GameError, match=r"is 3/2, not between 0 and 1 \(the probability 1 - misfire "
                                        r"with misfire = -1/2\)"):
        load_game("us_iran_exchange").subs(misfire="-1/2")


def test_noise_written_as_a_parameter_takes_its_default_and_set_values(tmp_path, capsys):
    path = str(_pd_with_noise_parameter(tmp_path, "1/10"))
    plain = str(_pd_with_noise_parameter(tmp_path, None))
    # the default of e, and --set e=..., give what the same noise written as a number gives
    by_default = _repeated_json(capsys, path)
    assert by_default == _repeated_json(capsys, path, "--noise", "execution=1/10")
    by_set = _repeated_json(capsys, path, "--set", "e=1/5")
    # the analysis is the same; the notes say how the values came (e set, or e at its default while
    # --noise gives the noise itself)
    assert by_set.pop("notes") == ["analysed at e=1/5 (set); T=5, R=3, P=1, S=0 at their default values"]
    assert by_set == {k: v for k, v in _repeated_json(capsys, path, "--noise", "execution=1/5").items()
                      if k != "notes"}
    assert by_set != by_default
    # a parameter without a default gets its value from --set, and is named when it has none
    assert {k: v for k, v in _repeated_json(capsys, plain, "--set", "e=1/5").items() if k != "notes"} == by_set
    assert main(["repeated", plain]) == 2
    err = capsys.readouterr().err
    assert "noise execution is e, and e has no value" in err and "--set e=VALUE" in err
    # a value that is not a probability is named with the parameter
    assert main(["repeated", path, "--set", "e=2"]) == 2
    assert "noise execution is 2: probabilities lie in [0, 1] (the formula e with e = 2)" in capsys.readouterr().err


def test_noise_subs_checks_the_range_and_names_the_parameter():
    noise = Noise.from_spec({"tremble": "t/2", "perception": "1 - t"}, ("t",))
    assert noise.subs({"t": "1/2"}) == Noise(tremble="1/4", perception="1/2")
    with pytest.raises(GameError, match=r"noise perception is -1: .*\(the formula 1 - t with t = 2\)"):
        noise.subs({"t": 2})
    stage = load_game("prisoners_dilemma").with_parameters(R=3)
    game = RepeatedGame(stage, "1/2", noise={"execution": "R/30"})
    assert game.with_defaults().noise.execution == Noise(execution="1/10").execution


def test_an_automaton_probability_out_of_range_names_the_parameter():
    from deterrence.core.automaton import Automaton
    spec = {"states": ["s"], "start": "s", "play": {"s": {"C": "g", "D": "1 - g"}}, "transitions": ["*: *, * -> s"]}
    mixed = Automaton.from_spec(spec, ["C", "D"], name="mixed", parameters=("g",))
    assert mixed.subs({"g": "1/3"}).probabilities("s") == Automaton.from_spec(
        {**spec, "play": {"s": {"C": "1/3", "D": "2/3"}}}, ["C", "D"]).probabilities("s")
    with pytest.raises(GameError, match=r"probability of 'C' in state 's' is 2: probabilities lie in \[0, 1\] "
                                        r"\(the formula g with g = 2\)"):
        mixed.subs({"g": 2})


def test_plain_sympy_symbols_are_the_parameters_of_their_name_and_text_formulas_say_how_they_go_in():
    """A new user's review (stop 39): a game built from sympy.symbols("w l C") refused the values it
    was given ("give values to C, l, w") and subs(w=3) left w in place, silently; a text formula
    in from_arrays was refused as "not a number" without the way in."""
    import sympy
    import deterrence as dt
    from deterrence.core.tree import decision, terminal
    w, loss, C = sympy.symbols("w l C")
    g = dt.NormalFormGame.from_arrays([[0, -loss], [w, -C]], [[0, w], [-loss, -C]],
                                      parameters={"w": 1, "l": 1, "C": 10})
    assert g.parameters == {"w": 1, "l": 1, "C": 10}
    assert len(dt.solve(g).equilibria) == 3                       # chicken at w = l = 1, C = 10
    assert g.subs(w=3).payoff((1, 0)) == (3, -1)
    parsed = [[0, dt.parse_expression("-l", ["l"])], [dt.parse_expression("w", ["w"]), 0]]
    built = dt.NormalFormGame.from_arrays(parsed, parameters={"w": 2, "l": 1})
    plain = dt.NormalFormGame.from_arrays([[0, -loss], [w, 0]], parameters={"w": 2, "l": 1})
    assert plain.payoff_array(0).tolist() == built.payoff_array(0).tolist()
    x = sympy.Symbol("x")
    tree = dt.GameTree(decision("A", {"a": terminal([x, 0]), "b": terminal([1, 1])}), players=["A", "B"],
                       parameters={"x": 2})
    assert dt.solve(tree.subs(x=0)).equilibria[0].payoffs == (1, 1)
    assert dt.solve(tree.with_defaults()).equilibria[0].payoffs == (2, 0)
    for B in (None, [[1, 2], [3, 4]]):
        with pytest.raises(GameError, match=r"'-l' is not a number; a formula in parameters goes in parsed, e\.g\. "
                                            r"deterrence\.parse_expression\('-l', \['l'\]\)"):
            dt.NormalFormGame.from_arrays([[0, "-l"], [1, 2]], B)
    assert dt.NormalFormGame.from_arrays([[0, "1e2"], [1, 2]]).payoff_array(0)[0, 1] == 100     # a number
    with pytest.raises(GameError, match="'nan' is not a number$"):
        dt.NormalFormGame.from_arrays([[0, "nan"], [1, 2]], [[1, 2], [3, 4]])


def test_a_noise_probability_out_of_range_at_set_values_names_its_line(tmp_path, capsys):
    """The place of a probability refused at the values is carried by the check itself (it was
    matched from the message by a regular expression, which knew transitions only: a noise
    probability named no line; an error review)."""
    from deterrence.io.catalogue import find_entry
    text = find_entry("stochastic_prisoners_dilemma").read_text()
    text = text.replace("[stochastic.actions]", '[stochastic.noise.B]\nC = { C = "1 - c/10", D = "c/10" }\n\n'
                        "[stochastic.actions]", 1)
    path = tmp_path / "noisy.toml"
    path.write_text(text)
    line = text.splitlines().index('C = { C = "1 - c/10", D = "c/10" }') + 1
    assert main(["solve", str(path), "--set", "c=20"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"deterrence: {path}:{line}: "), err
    assert "noise of B when intending 'C': probability of 'C' is -1, not between 0 and 1" in err
    assert "(the probability 1 - c/10 with c = 20)" in err, err


def test_the_check_of_a_distribution_carries_its_place():
    from deterrence.core.stochastic import DistributionError, StochasticGame
    g = StochasticGame(["A"], ["s", "t"], [["x", "y"]], {"s": {"*": ["1"]}, "t": {"*": [0]}},
                       {"s": {"x": {"s": "p", "t": "1 - p"}, "y": {"t": 1}}}, absorbing=["t"],
                       delta="1/2", parameters={"p": "1/2"})
    with pytest.raises(GameError) as caught:
        g.subs(p=3)
    assert caught.value.places[0] == ("stochastic", "states", "s", "transitions", "x", "s")
    with pytest.raises(DistributionError) as caught:
        StochasticGame(["A"], ["s"], [["x"]], {"s": {"x": [1]}}, {"s": {"*": {"s": "3/2"}}}, delta="1/2")
    assert caught.value.places == (("stochastic", "states", "s", "transitions", "*", "s"),
                                   ("stochastic", "states", "s", "transitions", "*"))


@pytest.mark.parametrize("kind", ["normal form", "tree", "stochastic"])
def test_subs_from_python_names_the_file_and_line_of_a_game_read_from_a_file(kind, tmp_path):
    """``load_game(path).subs(...)`` refused values naming no file (a game does not keep its path;
    only the command line named it): a game read from a file keeps it as its ``file``, which is
    no part of its value (equality, hash), and ``subs`` names the file and the formula's line."""
    import pickle

    from deterrence.errors import ParameterValuesError
    from deterrence.io.catalogue import find_entry
    name, old, new, values, words = {
        "normal form": ("chicken", '"swerve, straight" = ["-l", "w"]', '"swerve, straight" = ["-l", "w/(l - 2)"]',
                        {"l": 2}, "is not finite at l = 2"),
        "tree": ("brinkmanship", '[tree]\nplayer = "A"\nmoves.back_down = [0, "vB"]',
                 '[tree]\nplayer = "A"\nmoves.back_down = [0, "vB/(vA - 2)"]', {"vA": 2}, "is not finite"),
        "stochastic": ("stochastic_prisoners_dilemma", '"C, D" = ["-c", "b1"]', '"C, D" = ["-c", "b1/(c - 2)"]',
                       {"c": 2}, "is not finite at b1 = 3, c = 2")}[kind]
    text = find_entry(name).read_text()
    assert text.count(old) == 1
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(old, new))
    line = text.replace(old, new).splitlines().index(new.splitlines()[-1]) + 1
    game = load_game(str(path))
    for derived in (game, game.with_parameters(**{k: 5 for k in values})):
        with pytest.raises(ParameterValuesError) as caught:
            derived.subs(values)
        assert str(caught.value).startswith(f"{path}:{line}: ") and words in str(caught.value), caught.value
        assert (caught.value.file, caught.value.line) == (str(path), line)
    # the source is provenance: equal games from two files are equal and hash alike
    same, copy_path = load_game(find_entry(name)), tmp_path / "copy.toml"
    copy_path.write_text(text)
    other = load_game(str(copy_path))
    assert other == same and hash(other) == hash(same) and other.file != same.file
    assert game.file == str(path) and game.with_parameters().file == str(path)
    if kind != "tree":     # (a GameTree cannot be pickled at all: its nodes refuse __setattr__)
        assert pickle.loads(pickle.dumps(game)).file == game.file
        assert pickle.loads(pickle.dumps(game)) == game


@pytest.mark.parametrize("kind", ["normal form", "tree", "stochastic"])
def test_a_game_at_values_keeps_its_file(kind):
    """``subs`` and ``with_defaults`` dropped ``file``: the game at the values (what ``solve``
    solves) named no file in its refusals, from Python (the command line named it)."""
    from deterrence.io.catalogue import find_entry
    path = str(find_entry({"normal form": "chicken", "tree": "brinkmanship",
                           "stochastic": "stochastic_prisoners_dilemma"}[kind]))
    game = load_game(path)
    assert game.subs().file == game.with_defaults().file == path
    assert game.with_parameters().subs().file == path


def test_solve_from_python_names_the_file_of_an_irrational_payoff(tmp_path):
    """solve(load_game(path)) refused an irrational payoff at the defaults naming no file (the
    game at the defaults had dropped it); the command line named file and line."""
    from deterrence import solve
    from deterrence.errors import ParameterValuesError
    path = tmp_path / "root.toml"
    path.write_text('title="x"\nplayers=["A","B"]\n[parameters]\na = 2\n[actions]\nA=["x","y"]\n'
                    'B=["u","v"]\n[payoffs]\n"x, u" = ["sqrt(a)", 0]\n"x, v" = [0, 0]\n"y, u" = [0, 0]\n'
                    '"y, v" = [1, 1]\n')
    game = load_game(str(path))
    for call in (lambda: solve(game), lambda: solve(game.subs(a=3)), lambda: solve(game.with_defaults())):
        with pytest.raises(ParameterValuesError, match="is not a rational number") as caught:
            call()
        assert str(caught.value).startswith(f"{path}:9: "), caught.value
