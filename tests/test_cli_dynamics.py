"""``deterrence dynamics``: the library's learning dynamics from the command line, with the
library's numbers, JSON, a figure, and one-line errors."""
import json

import pytest

import deterrence as dt
from deterrence.cli import main
from deterrence.solvers.normal_form.dynamics import best_response_dynamics, fictitious_play, replicator_dynamics


def _run(capsys, *args):
    code = main(["dynamics", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_replicator_json_is_the_librarys_trajectory(capsys):
    code, out, _ = _run(capsys, "chicken", "--json")
    assert code == 0
    shown = json.loads(out)
    ours = replicator_dynamics(dt.load_game("chicken").with_defaults()).to_json()
    assert shown["rule"] == "replicator" and shown["states"][-1] == ours["states"][-1]
    assert shown["states"][-1][0][0] == pytest.approx(0.9, abs=1e-6)     # the mixed ESS, 9/10 swerve


def test_fictitious_play_and_best_responses_follow_the_seeded_library(capsys):
    game = dt.load_game("us_iran_israel").with_defaults()
    code, out, _ = _run(capsys, "us_iran_israel", "--rule", "fictitious_play", "--steps", "300",
                        "--seed", "4", "--json")
    assert code == 0 and json.loads(out)["states"][-1] == fictitious_play(game, 300, seed=4).to_json()["states"][-1]
    code, out, _ = _run(capsys, "us_iran_israel", "--rule", "best_response", "--seed", "2", "--json")
    path, converged = best_response_dynamics(game, seed=2)
    assert code == 0 and json.loads(out) == {"rule": "best_response", "path": [list(p) for p in path],
                                             "converged": converged}
    code, out, _ = _run(capsys, "prisoners_dilemma", "--rule", "best_response", "--start", "C,C")
    assert "path: (C, C) -> (D, C) -> (D, D)" in out and "pure equilibrium: yes" in out


def test_players_who_start_apart_are_two_populations(capsys):
    code, out, _ = _run(capsys, "chicken", "--start", "1/2,1/2;9/10,1/10")
    assert code == 0 and "one population per player" in out
    assert "Row: swerve 0.0000, straight 1.0000" in out and "Column: swerve 1.0000, straight 0.0000" in out


def test_the_figure_is_drawn_and_not_overwritten(capsys, tmp_path):
    figure = tmp_path / "shares.png"
    assert _run(capsys, "chicken", "--plot", str(figure))[0] == 0
    data = figure.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 5000
    code, _, err = _run(capsys, "chicken", "--plot", str(figure))
    assert code == 2 and "--force" in err and figure.read_bytes() == data


@pytest.mark.parametrize("args, words", [
    (["entry_deterrence"], "normal-form game"),
    (["chicken", "--start", "1/2,1/3;1,0"], "adding up to 1"),
    (["chicken", "--start", "1,0"], "one mixed strategy a player"),
    (["chicken", "--rule", "best_response", "--start", "swerve,fly"], "no action 'fly'"),
    (["chicken", "--rule", "fictitious_play", "--start", "1,0;1,0"], "--start is for"),
    (["chicken", "--steps", "0"], "at least 1"),
    (["chicken", "--rule", "best_response", "--plot", "x.png"], "--plot draws shares"),
])
def test_bad_input_is_one_line_naming_it(capsys, args, words):
    code, _, err = _run(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and words in err
