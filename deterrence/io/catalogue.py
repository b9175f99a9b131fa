"""The catalogue of ready games: files that ship with the package.

In an installed package the catalogue is the ``deterrence/games`` folder
(``setup.cfg`` maps the repository's top-level ``games/`` there); in a source
checkout it is ``games/`` beside the package.
"""
from __future__ import annotations

from pathlib import Path

SUFFIXES = (".toml", ".efg", ".nfg", ".json")


def catalogue_dir() -> Path:
    """The folder that holds the catalogue files.

    >>> catalogue_dir().name
    'games'
    """
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "games", package.parent / "games"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the game catalogue is missing from this installation")


def catalogue_names() -> list:
    """Names of every catalogue entry (file names without suffix), sorted.

    >>> "prisoners_dilemma" in catalogue_names()
    True
    """
    return sorted(p.stem for p in catalogue_dir().iterdir() if p.suffix in SUFFIXES)


def find_entry(name: str):
    """Path of a catalogue entry by name (``"chicken"`` or ``"chicken.toml"``), or None.

    >>> find_entry("chicken").name, find_entry("no_such_game")
    ('chicken.toml', None)
    """
    folder = catalogue_dir()
    if "/" in name or "\\" in name or "\0" in name or len(name) > 200:
        return None
    for suffix in ("",) + SUFFIXES:
        path = folder / (name + suffix)
        if path.is_file() and path.suffix in SUFFIXES:
            return path
    return None
