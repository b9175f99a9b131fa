"""``deterrence dynamics``: the library's learning dynamics from the command line, with the
library's numbers, JSON, a figure, and one-line errors."""
import json

import pytest

import deterrence as dt
from deterrence.cli import main
from deterrence.core.validate import defaults_note
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
                                             "converged": converged, "notes": [defaults_note(game, "played")]}
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
    (["us_iran_exchange"], "dynamics needs a normal-form game or a game tree"),
    (["chicken", "--start", "1/2,1/3;1,0"], "adding up to 1"),
    (["chicken", "--start", "1,0"], "one mixed strategy a player"),
    (["chicken", "--rule", "best_response", "--start", "swerve,fly"], "no action 'fly'"),
    (["chicken", "--rule", "fictitious_play", "--start", "1,0;1,0"], "--start is for"),
    (["chicken", "--steps", "0"], "at least 1"),
    (["chicken", "--rule", "best_response", "--plot", "x.png"], "--plot draws shares"),
    # a bug hunt: --figure without --plot did nothing, and --steps was named "iterations"
    (["chicken", "--figure", "phase"], "give --plot too"),
    (["chicken", "--rule", "fictitious_play", "--steps", "100000000"], "--steps=100000000 is over the limit"),
])
def test_bad_input_is_one_line_naming_it(capsys, args, words):
    code, _, err = _run(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and words in err


def test_moran_process_from_the_command_line_is_the_librarys(capsys, tmp_path):
    """The Moran process had no command (the library only): its exact fixation probability,
    the neutral 1/N beside it, one seeded run, and the figure of the mutants' share."""
    from fractions import Fraction

    from deterrence.solvers.normal_form.dynamics import fixation_probability, moran_process
    game = dt.load_game("chicken").with_defaults()
    code, out, err = _run(capsys, "chicken", "--rule", "moran", "--population", "12", "--intensity", "1/20",
                          "--seed", "3", "--json", "--plot", str(tmp_path / "moran.png"))
    assert code == 0, err
    shown = json.loads(out)
    exact = fixation_probability(game, 12, "swerve", "straight", Fraction(1, 20))
    assert Fraction(shown["fixation_probability"]) == exact and shown["neutral"] == "1/12"
    assert shown["run"] == moran_process(game, 12, "swerve", "straight", intensity=0.05, seed=3)
    assert (tmp_path / "moran.png").stat().st_size > 0
    # a neutral game: every mutant fixes with 1/N, and the text says so
    (tmp_path / "flat.toml").write_text('players = ["A", "B"]\n[actions]\nA = ["x", "y"]\nB = ["x", "y"]\n'
                                        '[payoffs]\n"x, x" = [1, 1]\n"x, y" = [1, 1]\n"y, x" = [1, 1]\n'
                                        '"y, y" = [1, 1]\n')
    code, out, _ = _run(capsys, str(tmp_path / "flat.toml"), "--rule", "moran", "--population", "7")
    assert code == 0 and "fixation probability of the x mutant: 1/7" in out and "neutral" in out
    # chicken's crash (-10) makes fitness negative at intensity 1: the message says how far to go
    code, _, err = _run(capsys, "chicken", "--rule", "moran", "--intensity", "1")
    assert code == 2 and "give --intensity below 1/11" in err
    code, _, err = _run(capsys, "chicken", "--rule", "moran", "--mutant", "dive", "--intensity", "1/20")
    assert code == 2 and "--mutant: Row has no action 'dive'" in err
    code, _, err = _run(capsys, "us_iran_israel", "--rule", "moran")
    assert code == 2 and "two-player game" in err
    # actions named differently for the two players: said so (a bug hunt: "unknown action 'u' for
    # player B", an action the user never typed)
    (tmp_path / "named.toml").write_text('players = ["A", "B"]\n[actions]\nA = ["u", "d"]\nB = ["l", "r"]\n'
                                         '[payoffs]\n"u, l" = [1, 1]\n"u, r" = [0, 2]\n"d, l" = [2, 0]\n'
                                         '"d, r" = [0, 0]\n')
    code, _, err = _run(capsys, str(tmp_path / "named.toml"), "--rule", "moran", "--intensity", "1/10")
    assert code == 2 and "the same actions, in the same order, for both players" in err
    assert "A has u, d, B has l, r" in err


@pytest.mark.parametrize("game, args, kind", [
    ("stag_hunt", ["--figure", "basins"], "basins of attraction"),
    ("chicken", ["--start", "3/10,7/10;6/10,4/10", "--figure", "phase"], "phase portrait"),
    ("us_iran_israel", ["--figure", "simplex"], "Iran: replicator"),
])
def test_phase_basins_and_simplex_figures_from_the_command_line(capsys, tmp_path, monkeypatch, game, args, kind):
    """`--plot` had drawn only the shares over time: the phase portrait, the basins of
    attraction and the simplex were the library's alone."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.figure
    titles = []
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig",
                        lambda fig, path, **kw: titles.extend(ax.get_title() for ax in fig.axes))
    code, _, err = _run(capsys, game, *args, "--plot", str(tmp_path / "f.png"))
    assert code == 0, err
    assert len(titles) == 1 and kind in titles[0]


def test_figures_that_do_not_fit_the_game_are_refused(capsys, tmp_path):
    code, _, err = _run(capsys, "us_iran_israel", "--figure", "phase", "--plot", str(tmp_path / "f.png"))
    assert code == 2 and "--figure phase needs a 2x2 game" in err
    code, _, err = _run(capsys, "chicken", "--figure", "simplex", "--plot", str(tmp_path / "f.png"))
    assert code == 2 and "--figure simplex needs a player with three actions" in err
    code, _, err = _run(capsys, "stag_hunt", "--figure", "basins", "--plot", str(tmp_path / "f.png"),
                        "--rule", "best_response")
    assert code == 0 and (tmp_path / "f.png").exists()


def test_a_tree_is_played_in_its_reduced_normal_form(capsys):
    """"On any of our games": a tree had been refused; now its learning runs over its reduced
    strategies, with the library's numbers on that game, and the text says so."""
    from deterrence.solvers.tree.reduced_normal_form import reduced_normal_form
    code, out, err = _run(capsys, "entry_deterrence", "--rule", "fictitious_play", "--steps", "200", "--json")
    assert code == 0, err
    nf = reduced_normal_form(dt.load_game("entry_deterrence").with_defaults())
    assert json.loads(out)["states"] == fictitious_play(nf, 200, seed=0).to_json()["states"]
    code, out, _ = _run(capsys, "beer_quiche", "--rule", "best_response", "--start", "beer/beer,no_duel/duel")
    assert code == 0 and "reduced normal form" in out and "ends at a pure equilibrium: yes" in out


def test_the_moran_default_intensity_runs_on_the_catalogues_games(capsys):
    """The default --intensity 1 refused every stage game of the catalogue (each has a payoff of 0
    or below): the default is now half the largest intensity that keeps every fitness positive."""
    from fractions import Fraction

    from deterrence.solvers.normal_form.dynamics import fixation_probability
    for name, intensity in (("prisoners_dilemma", Fraction(1, 2)), ("chicken", Fraction(1, 22))):
        code, out, err = _run(capsys, name, "--rule", "moran", "--json")
        assert code == 0, err
        shown = json.loads(out)
        assert Fraction(shown["intensity"]) == intensity
        game = dt.load_game(name).with_defaults()
        assert Fraction(shown["fixation_probability"]) == fixation_probability(
            game, 10, game.actions[0][0], game.actions[0][1], intensity)
    code, out, err = _run(capsys, "chicken", "--rule", "moran")
    assert code == 0 and "intensity of selection 1/22" in out


@pytest.mark.parametrize("rule", ["replicator", "fictitious_play", "best_response", "moran"])
def test_a_symbolic_game_is_played_at_its_defaults_and_says_so(capsys, rule):
    """Text and --json say the defaults taken, as solve and fit do (they were silent)."""
    note = "played at the parameters' default values (T=5, R=3, P=1, S=0)"
    extra = ["--intensity", "1/10"] if rule == "moran" else []
    code, out, _ = _run(capsys, "prisoners_dilemma", "--rule", rule, *extra)
    assert code == 0 and f"note: {note}" in out
    code, out, _ = _run(capsys, "prisoners_dilemma", "--rule", rule, *extra, "--json")
    assert code == 0 and json.loads(out)["notes"] == [note]
