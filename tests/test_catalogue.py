"""Every catalogue entry loads, solves, and keeps the claims it makes."""
from fractions import Fraction
import pytest

import deterrence as dt
from deterrence.io.catalogue import catalogue_names

NORMAL_FORM = [n for n in catalogue_names() if isinstance(dt.load_game(n), dt.NormalFormGame)]
REQUIRED = ["us_iran_stage", "prisoners_dilemma", "chicken", "stag_hunt", "battle_of_the_sexes",
            "matching_pennies", "rock_paper_scissors", "inspection_game"]


def test_required_entries_present():
    assert set(REQUIRED) <= set(catalogue_names())


@pytest.mark.parametrize("name", NORMAL_FORM)
def test_entry_has_description_sources_and_claims(name):
    game = dt.load_game(name)
    assert game.title and game.description.strip() and game.sources
    assert "num_equilibria" in game.claims and "pure_equilibria" in game.claims


@pytest.mark.parametrize("name", NORMAL_FORM)
def test_entry_claims_hold(name):
    game = dt.load_game(name).with_defaults()
    result = dt.solve(game)
    assert result.exact and result.complete
    assert len(result.equilibria) == game.claims["num_equilibria"]
    pure = sorted(tuple(e.support(i)[0] for i in range(game.n_players)) for e in result.pure)
    assert pure == sorted(tuple(p) for p in game.claims["pure_equilibria"])


def test_us_iran_defaults_tell_the_story():
    game = dt.load_game("us_iran_stage")
    assert game.players == ("US", "Iran")
    assert game.actions == (("hold", "retaliate", "escalate"),) * 2
    assert game.is_symbolic and game.parameters["W_iran"] > game.parameters["W_us"]
    result = dt.solve(game)
    mixed = [e for e in result.equilibria if not e.is_pure]
    assert len(mixed) == 1
    # In the mixed equilibrium both sides put weight on escalation: the war risk.
    assert mixed[0].probability("US", "escalate") > 0 and mixed[0].probability("Iran", "escalate") > 0


def test_chicken_mixed_equilibrium_matches_description():
    result = dt.solve(dt.load_game("chicken"))
    (mixed,) = [e for e in result.equilibria if not e.is_pure]
    assert mixed.probability("Row", "straight") == Fraction(1, 10)
