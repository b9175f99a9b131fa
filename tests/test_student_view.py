"""What a student sees in Jupyter: readable reprs of every result type, and errors that name
the valid player, action, state or information set when a name is mistyped (a review of the
Python API in notebooks, stop 41)."""
import pytest

import deterrence as dt
from deterrence.errors import GameError


@pytest.fixture(scope="module")
def chicken_mixed():
    return dt.solve(dt.load_game("chicken"))[1]


@pytest.mark.parametrize("call, words", [
    (lambda eq: eq.probability("Row", "swerv"), ["'swerv'", "Row", "swerve, straight"]),
    (lambda eq: eq.probability("Rowe", "swerve"), ["'Rowe'", "Row, Column"]),
    (lambda eq: eq.support("Colum"), ["'Colum'", "Row, Column"]),
])
def test_a_mistyped_name_on_an_equilibrium_lists_the_valid_ones(chicken_mixed, call, words):
    with pytest.raises(GameError) as err:
        call(chicken_mixed)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_a_mistyped_name_on_a_branch_or_trajectory_lists_the_valid_ones():
    chicken = dt.load_game("chicken")
    branch = dt.logit_branch(chicken)
    path = dt.replicator_dynamics(chicken, t_max=1, points=3)
    for f in (branch.probabilities, path.share):
        with pytest.raises(GameError, match="unknown action 'swerv' for player Row; actions are swerve, straight"):
            f("Row", "swerv")
        with pytest.raises(GameError, match="unknown player 'row'; players are Row, Column"):
            f("row", "swerve")
    assert path.share("Row", "swerve").shape == (3,)


def test_a_mistyped_information_set_lists_the_players_sets():
    eq = dt.solve(dt.load_game("entry_deterrence"))[0]
    assert eq.move("Incumbent", "in") == "accommodate"
    with pytest.raises(GameError, match="Incumbent has no information set 'root'; its information sets are in"):
        eq.move("Incumbent", "root")


def test_a_mistyped_state_of_a_markov_perfect_equilibrium_lists_the_states():
    game = dt.load_game("stochastic_prisoners_dilemma")
    eq = dt.solve(game)[0]
    state = eq.states[0]
    assert eq.support(state, eq.players[0])
    with pytest.raises(GameError, match="unknown state 'nowhere'; states are "):
        eq.probability("nowhere", eq.players[0], eq.actions[state][0][0])
    with pytest.raises(GameError, match="unknown player 'nobody'"):
        eq.support(state, "nobody")
