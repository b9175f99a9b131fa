"""Checks shared by the tests of catalogue entries built by a model module (test_canon,
test_canon_beliefs): the file is its builder, and ``deterrence list`` shows it."""
import subprocess
import sys

import deterrence as dt


def assert_entry_is_its_builder(name, builder):
    """The catalogue file NAME is the game ``builder`` makes (symbolic, and at its defaults),
    with a description, sources, claims and a note for every parameter."""
    game = dt.load_game(name)
    assert game == builder(symbolic=True)
    assert game.with_defaults() == builder()
    assert game.description.strip() and game.sources and game.claims
    assert set(game.extra["parameter_notes"]) == set(game.parameters)


def listed_names():
    """The entry names ``deterrence list`` prints, from a fresh process."""
    listing = subprocess.run([sys.executable, "-m", "deterrence.cli", "list"],
                             capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in listing.splitlines() if line.strip()}
