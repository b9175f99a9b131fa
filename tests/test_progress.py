"""Long allowed work shows progress (issue 17, deliver 4): one helper
(``deterrence.core.progress.progress_bar``) gives every long loop a tqdm bar on standard error:
``progress=True`` shows it, ``False`` hides it, ``None`` shows it for large work when standard
error is a terminal. The bar never changes an answer."""
import io
import sys
from fractions import Fraction

import pytest

from deterrence import load_game
from deterrence.core.progress import SilentBar, progress_bar
from deterrence.errors import GameError

PD = load_game("prisoners_dilemma").with_defaults()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_is_shown_when_asked_or_for_large_work_on_a_terminal(monkeypatch):
    assert isinstance(progress_bar(10, "x", False, large=True), SilentBar)
    assert isinstance(progress_bar(10, "x", None, large=True), SilentBar)        # stderr is not a terminal
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert isinstance(progress_bar(10, "x", None, large=False), SilentBar)       # small work
    bar = progress_bar(10, "big work", None, large=True)
    bar.update(10)
    bar.close()
    assert "big work" in sys.stderr.getvalue()


@pytest.mark.parametrize("bad", ["yes", 1, 0.5])
def test_progress_must_be_true_false_or_none(bad):
    from deterrence.solvers.repeated.simulate import simulate
    with pytest.raises(GameError, match="progress must be True, False or None"):
        simulate(PD, "tft", matches=10, turns=10, progress=bad)


def test_simulations_and_tournaments_show_progress_without_changing_answers(capsys):
    from deterrence.solvers.repeated.simulate import simulate, tournament
    quiet = simulate(PD, "tft", matches=300, turns=150, noise={"tremble": "1/20"}, seed=4, progress=False)
    assert capsys.readouterr().err == ""
    shown = simulate(PD, "tft", matches=300, turns=150, noise={"tremble": "1/20"}, seed=4, progress=True)
    err = capsys.readouterr().err
    assert "simulate" in err and "0/150" in err
    assert shown.payoffs == quiet.payoffs and shown.war_fraction == quiet.war_fraction
    t = tournament(PD, ["tft", "alld"], matches=20, turns=20, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "tournament" in err and "0/4" in err and "simulate" not in err      # one bar, of the pairs
    assert t.ranking == tournament(PD, ["tft", "alld"], matches=20, turns=20, seed=1, progress=False).ranking


def test_the_exact_war_risk_shows_its_rounds(capsys):
    from deterrence.solvers.repeated.noise_markov import analyse_noise
    quiet = analyse_noise(PD, "tft", noise={"tremble": "1/10"}, war=[("D", "D")], within=300, progress=False)
    assert capsys.readouterr().err == ""
    shown = analyse_noise(PD, "tft", noise={"tremble": "1/10"}, war=[("D", "D")], within=300, progress=True)
    err = capsys.readouterr().err
    assert "probability of war" in err and "0/300" in err
    assert shown.war_probability == quiet.war_probability and isinstance(shown.war_probability, Fraction)


def test_the_war_risk_map_shows_its_cells(capsys):
    from deterrence.models.us_iran_exchange import exchange_model
    from deterrence.plot.report import war_risk_grid
    war_risk_grid(exchange_model(), [Fraction(1, 1600)], [Fraction(0), Fraction(1, 2)], 20, progress=True)
    err = capsys.readouterr().err
    assert "sweep" in err and "0/2" in err


def test_the_tipping_points_of_a_tree_show_their_scans(capsys):
    """The tree report's tipping points solve the tree again at every step (a minute on the
    larger canon trees): a bar of the scans, on a terminal after two seconds, or when asked."""
    from deterrence.analysis.redlines import tree_red_lines
    tree = load_game("entry_deterrence")
    quiet = tree_red_lines(tree, ["d"], progress=False)
    assert capsys.readouterr().err == ""
    shown = tree_red_lines(tree, ["d"], progress=True)
    err = capsys.readouterr().err
    assert "tipping points" in err and "0/2" in err
    assert shown == quiet


def test_the_signalling_search_shows_its_patterns(capsys):
    """signalling_pbe through the front door: the bar counts the support patterns searched
    (Beer-Quiche: those whose response sets are optimal under some belief) and changes nothing."""
    import math

    from deterrence import solve
    from deterrence.solvers.tree.signalling import _patterns, signalling_game
    game = load_game("beer_quiche")
    total = sum(math.prod(len(c) for c in choices) for _, choices in _patterns(signalling_game(game)))
    quiet = solve(game, "signalling_pbe", progress=False)
    assert capsys.readouterr().err == ""
    shown = solve(game, "signalling_pbe", progress=True)
    err = capsys.readouterr().err
    assert "signalling PBE, support patterns" in err and f"0/{total} " in err
    assert shown.equilibria == quiet.equilibria
    with pytest.raises(GameError, match="progress must be True, False or None"):
        solve(game, "signalling_pbe", progress="yes")
