"""``deterrence fit``: the logit QRE and the strategic probit fitted from CSV files on the
command line, recovering the values the data were simulated at, and one-line errors that
name the file, line and column."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import deterrence as dt
from deterrence.cli import main
from deterrence.io.choice_data import parse_choice_counts
from deterrence.solvers.inference.qre_fit import fit_logit_qre, simulate_choices
from deterrence.solvers.inference.strategic_probit import NAMES, simulate_crises, write_crisis_data


def _run(capsys, *args):
    code = main(["fit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _write_counts(path, counts, tree=False):
    rows = ["player,information_set,action,count" if tree else "player,action,count"]
    for key, moves in counts.items():
        for action, n in moves.items():
            rows.append(f"{key[0]},{key[1]},{action},{n}" if tree else f"{key},{action},{n}")
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def test_fit_recovers_lambda_of_a_normal_form_game(tmp_path, capsys):
    game = dt.load_game("chicken").with_defaults()
    counts = simulate_choices(game, 0.5, 4000, seed=1)
    code, out, err = _run(capsys, "chicken", "--data", _write_counts(tmp_path / "c.csv", counts), "--json")
    assert code == 0, err
    shown = json.loads(out)
    lam, se = shown["estimates"]["lambda"], shown["standard_errors"]["lambda"]
    assert 0 < se < 0.1 and abs(lam - 0.5) < 2 * se        # within two standard errors of the truth
    library = fit_logit_qre(game, counts)                    # the CLI is the library's fit
    assert lam == pytest.approx(library.lam, rel=1e-9) and shown["n_observations"] == 8000
    assert shown["fitted"]["Row"]["swerve"] == pytest.approx(library.fitted[0][0])
    code, out, _ = _run(capsys, "chicken", "--data", str(tmp_path / "c.csv"))
    assert code == 0 and "lambda =" in out and f"(se {se:.3g})" in out and "Row: swerve" in out


def test_fit_recovers_lambda_of_a_tree_from_moves_at_information_sets(tmp_path, capsys):
    tree = dt.load_game("entry_deterrence").with_defaults()
    counts = simulate_choices(tree, 1.5, 3000, seed=2)
    path = _write_counts(tmp_path / "t.csv", counts, tree=True)
    code, out, err = _run(capsys, "entry_deterrence", "--data", path, "--json")
    assert code == 0, err
    shown = json.loads(out)
    lam, se = shown["estimates"]["lambda"], shown["standard_errors"]["lambda"]
    assert abs(lam - 1.5) < 2 * se
    assert set(shown["fitted"]) == {"Entrant: root", "Incumbent: in"}
    # each player has one information set: the column may be left empty
    lines = [row.split(",") for row in (tmp_path / "t.csv").read_text().splitlines()]
    (tmp_path / "b.csv").write_text("\n".join(",".join(r[:1] + ([""] if i else r[1:2]) + r[2:])
                                               for i, r in enumerate(lines)))
    code, out, _ = _run(capsys, "entry_deterrence", "--data", str(tmp_path / "b.csv"), "--json")
    assert code == 0 and json.loads(out)["estimates"]["lambda"] == pytest.approx(lam, rel=1e-9)


def test_fit_estimates_a_payoff_parameter_with_its_standard_error(tmp_path, capsys):
    tree = dt.load_game("crisis_resolve")
    counts = simulate_choices(tree.with_defaults(), 1.0, 5000, seed=5)
    path = _write_counts(tmp_path / "p.csv", counts, tree=True)
    code, out, err = _run(capsys, "crisis_resolve", "--data", path, "--parameter", "a", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert set(shown["estimates"]) == {"lambda", "a"}
    with pytest.warns(dt.DefaultValuesWarning, match="a fitted; the other parameters held"):
        library = fit_logit_qre(tree, counts, parameters=("a",))
    for name in ("lambda", "a"):
        assert shown["estimates"][name] == pytest.approx(library.estimates[name], rel=1e-9)
        assert shown["standard_errors"][name] > 0
    truth = {"lambda": 1.0, "a": float(tree.parameters["a"])}
    for name, value in truth.items():
        assert abs(shown["estimates"][name] - value) < 3 * shown["standard_errors"][name]


def test_fit_of_some_parameters_notes_the_others_held_at_their_defaults(tmp_path, capsys):
    """chicken has w, l and crash: fitting w holds l and crash at their defaults, said in a note
    (not a Python warning on the terminal)."""
    path = _write_counts(tmp_path / "c.csv", {"Row": {"swerve": 30, "straight": 20},
                                              "Column": {"swerve": 25, "straight": 25}})
    code, out, err = _run(capsys, "chicken", "--data", path, "--parameter", "w")
    assert code == 0 and "Warning" not in err, err
    assert "note: w fitted; the other parameters held at their default values (l=1, crash=10)" in out


def test_fit_json_carries_the_defaults_note_as_solve_json_does(tmp_path, capsys):
    """--json says what the text says: the defaults taken lead its notes (the key solve --json uses)."""
    path = _write_counts(tmp_path / "c.csv", {"Row": {"swerve": 30, "straight": 20},
                                              "Column": {"swerve": 25, "straight": 25}})
    code, out, err = _run(capsys, "chicken", "--data", path, "--json")
    assert code == 0, err
    assert json.loads(out)["notes"][0] == "fitted at the parameters' default values (w=1, l=1, crash=10)"
    code, out, err = _run(capsys, "chicken", "--data", path, "--parameter", "w", "--json")
    assert code == 0, err
    assert json.loads(out)["notes"][0] == ("w fitted; the other parameters held at their default values "
                                           "(l=1, crash=10)")


def test_fit_of_a_parameter_with_others_set_fits_it(tmp_path, capsys):
    """--set with --parameter: the set values are held, the fitted parameter stays free (--set by subs
    gave it its default, and the fit reported w = 1, "not identified by the data")."""
    counts = {"Row": {"swerve": 30, "straight": 20}, "Column": {"swerve": 25, "straight": 25}}
    path = _write_counts(tmp_path / "c.csv", counts)
    code, out, err = _run(capsys, "chicken", "--data", path, "--set", "l=2", "--parameter", "w", "--json")
    assert code == 0, err
    shown = json.loads(out)
    with pytest.warns(dt.DefaultValuesWarning):
        library = fit_logit_qre(dt.load_game("chicken").with_parameters(l=2), counts, parameters=("w",))
    assert shown["estimates"]["w"] == pytest.approx(library.estimates["w"], rel=1e-9)
    assert shown["standard_errors"]["w"] is not None and "(l=2, crash=10)" in shown["notes"][0]
    code, _, err = _run(capsys, "chicken", "--data", path, "--set", "w=2", "--parameter", "w")
    assert code != 0 and "w: both --set and --parameter" in err


def test_strategic_probit_recovers_the_parameters_of_simulated_crises(tmp_path, capsys):
    theta = (0.3, 0.8, 1.2, -0.5, 0.6)
    path = tmp_path / "crises.csv"
    write_crisis_data(simulate_crises(theta, n=3000, seed=11), path)
    code, out, err = _run(capsys, "crisis_resolve", "--model", "strategic_probit", "--data", str(path), "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["n_observations"] == 3000 and shown["converged"]
    for name, value in zip(NAMES, theta):
        assert abs(shown["estimates"][name] - value) < 3 * shown["standard_errors"][name], name
    code, out, _ = _run(capsys, "crisis_resolve", "--model", "strategic_probit")   # the shipped data
    assert code == 0 and "2000 crises" in out and "(se " in out


def test_strategic_probit_on_data_that_identify_nothing(tmp_path, capsys):
    """Constant data: no curvature, so no standard errors (it crashed with numpy's LinAlgError);
    four crises that all keep the status quo: the parameter they say nothing about has no
    standard error (it was reported as 0.0, a perfectly precise estimate: an architecture review)."""
    path = tmp_path / "constant.csv"
    path.write_text("x,z,outcome\n0,0,status_quo\n0,0,status_quo\n0,0,concede\n0,0,concede\n")
    code, out, err = _run(capsys, "crisis_resolve", "--model", "strategic_probit", "--data", str(path), "--json")
    assert code == 0, err
    assert all(v is None for v in json.loads(out)["standard_errors"].values())
    code, out, err = _run(capsys, "crisis_resolve", "--model", "strategic_probit", "--data", str(path))
    assert code == 0 and "(not identified by the data)" in out and "nan" not in out
    path.write_text("x,z,outcome\n0.1,0.2,status_quo\n0.5,-0.3,status_quo\n-0.2,0.4,status_quo\n0.9,0.1,status_quo\n")
    code, out, err = _run(capsys, "crisis_resolve", "--model", "strategic_probit", "--data", str(path), "--json")
    errors = json.loads(out)["standard_errors"]
    assert code == 0 and errors["a"] is None and all(v is None or v > 0 for v in errors.values()), errors


@pytest.mark.parametrize("text, message", [
    ("player,count\nRow,3\n", "c.csv:1: no column 'action' in the header"),
    ("player,action,count,colour\nRow,swerve,3,red\n", "c.csv:1: unknown column 'colour'"),
    ("player,action,count\nRow,swerve,3\nRow,dive,2\n", "c.csv:3: column 'action': Row has no action 'dive'"),
    ("player,action,count\nRow,swerve,-3\n", "c.csv:2: column 'count': must be a number at least 0, got '-3'"),
    ("player,action,count\nRow,swerve,many\n", "c.csv:2: column 'count': must be a number at least 0"),
    ("player,action,count\nRow,swerve,nan\n", "c.csv:2: column 'count': must be a number at least 0"),
    ("player,action,count\nSide,swerve,1\n", "c.csv:2: column 'player': the game has no player 'Side'"),
    ("player,action,count\nRow,swerve\n", "c.csv:2: 2 fields, but the header has 3"),
    ("player,action,count\n", "c.csv: no data after the header"),
    ("player,action,count\nRow,swerve,0\n", "every count is 0"),
])
def test_bad_count_files_name_the_file_line_and_column(tmp_path, capsys, text, message):
    (tmp_path / "c.csv").write_text(text)
    code, out, err = _run(capsys, "chicken", "--data", str(tmp_path / "c.csv"))
    assert code == 2 and out == "" and message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_bad_tree_counts_and_options(tmp_path, capsys):
    (tmp_path / "k.csv").write_text("player,action,count\nPlayer 1,Bet,3\n")
    code, _, err = _run(capsys, "kuhn_poker", "--data", str(tmp_path / "k.csv"))
    assert code == 2 and "k.csv:2: column 'information_set': Player 1 has 6 information sets" in err
    (tmp_path / "k.csv").write_text("player,information_set,action,count\nPlayer 1,1:1,Fold,3\n")
    code, _, err = _run(capsys, "kuhn_poker", "--data", str(tmp_path / "k.csv"))
    assert code == 2 and "k.csv:2: column 'action': Player 1 has no action 'Fold' (its actions at 1:1" in err
    (tmp_path / "k.csv").write_text("player,information_set,action,count\nPlayer 1,9:9,Bet,3\n")
    code, _, err = _run(capsys, "kuhn_poker", "--data", str(tmp_path / "k.csv"))
    assert code == 2 and "column 'information_set': Player 1 has no information set '9:9'" in err
    code, _, err = _run(capsys, "chicken")
    assert code == 2 and "--data FILE is needed" in err
    code, _, err = _run(capsys, "chicken", "--model", "strategic_probit")
    assert code == 2 and "fits the crisis game crisis_resolve" in err
    (tmp_path / "c.csv").write_text("player,action,count\nRow,swerve,3\n")
    code, _, err = _run(capsys, "chicken", "--data", str(tmp_path / "c.csv"), "--parameter", "nope")
    assert code == 2 and "no parameter(s) nope" in err
    for bad in ("0", "inf", "nan"):
        code, _, err = _run(capsys, "chicken", "--data", str(tmp_path / "c.csv"), "--max-lambda", bad)
        assert code == 2 and "--max-lambda must be a finite number above 0" in err
    code, _, err = _run(capsys, "us_iran_exchange", "--data", str(tmp_path / "c.csv"))
    assert code == 2 and "fit needs a normal-form game or a game tree" in err


@pytest.mark.parametrize("text, message", [
    ("x,outcome\n1,war\n", "d.csv:1: no column 'z' in the header"),
    ("x,z,outcome\n1,2,war\n0.5,abc,war\n", "d.csv:3: column 'z': must be a finite number, got 'abc'"),
    ("x,z,outcome\n1,2,peace\n", "d.csv:2: column 'outcome': must be one of status_quo, concede, war"),
])
def test_bad_crisis_files_name_the_file_line_and_column(tmp_path, capsys, text, message):
    (tmp_path / "d.csv").write_text(text)
    code, _, err = _run(capsys, "crisis_resolve", "--model", "strategic_probit", "--data", str(tmp_path / "d.csv"))
    assert code == 2 and message in err


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Row", "Column"]), st.sampled_from(["swerve", "straight"]),
                          st.integers(0, 10**6)), min_size=1, max_size=12))
def test_counts_add_up_row_by_row(rows):
    game = dt.load_game("chicken")
    text = "player,action,count\n" + "".join(f"{p},{a},{n}\n" for p, a, n in rows)
    parsed = parse_choice_counts(text, game)
    for player in game.players:
        for action in ("swerve", "straight"):
            assert parsed[player][action] == sum(n for p, a, n in rows if (p, a) == (player, action))
