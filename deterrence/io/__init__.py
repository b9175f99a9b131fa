"""Readers and writers of game files, and the catalogue.

:func:`load_game` takes a path (``.toml``, ``.json``, ``.nfg``, ``.efg``) or the
name of a catalogue entry, and returns the game it describes; :func:`write_game`
writes a game in the format its file suffix names.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from deterrence.errors import GameFileError

#: file suffix -> (module, loader function); each takes (path) and returns a game.
READERS = {
    ".toml": ("deterrence.io.toml_format", "read_toml"),
    ".json": ("deterrence.io.json_format", "read_json"),
    ".nfg": ("deterrence.io.gambit_nfg", "read_nfg"),
    ".efg": ("deterrence.io.gambit_efg", "read_efg"),
}


#: file suffix -> (module, writer function); each takes (game, path) and returns the text.
WRITERS = {
    ".toml": ("deterrence.io.toml_format", "write_toml"),
    ".json": ("deterrence.io.json_format", "write_json"),
    ".nfg": ("deterrence.io.gambit_nfg", "write_nfg"),
    ".efg": ("deterrence.io.gambit_efg", "write_efg"),
}
#: writers of game trees, where the suffix is shared with normal-form games
TREE_WRITERS = {".toml": ("deterrence.io.tree_toml", "write_tree_toml")}


def write_game(game, path) -> str:
    """Write a game to ``path``, in the format its suffix names (.toml, .json, .nfg, .efg).

    Game trees go to ``.toml`` (a ``[tree]`` file), ``.json`` or ``.efg``.

    Returns the text written.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "chicken.json")
    >>> _ = write_game(load_game("chicken"), path)
    >>> load_game(path) == load_game("chicken")
    True
    """
    import os
    if not isinstance(path, (str, os.PathLike)):
        raise GameFileError(f"expected a file path, got {type(path).__name__}", file=repr(path)[:80])
    suffix = Path(path).suffix.lower()
    if suffix not in WRITERS:
        raise GameFileError(f"cannot write {suffix or 'a file without suffix'}; "
                            f"use one of {', '.join(WRITERS)}", file=str(path))
    module, function = WRITERS[suffix]
    from deterrence.core.tree import GameTree
    if suffix in TREE_WRITERS and isinstance(game, GameTree):
        module, function = TREE_WRITERS[suffix]
    folder = Path(path).parent
    if not folder.is_dir():
        raise GameFileError(f"cannot write: the folder {str(folder)!r} does not exist", file=str(path))
    try:
        return getattr(importlib.import_module(module), function)(game, path)
    except OSError as exc:   # permissions, a full disk, a name too long
        raise GameFileError(f"cannot write: {exc.strerror or exc}", file=str(path)) from None


class GameFile:
    """The file a game was read from: :func:`deterrence.load_game` gives it to each game it reads,
    whose ``file`` is its ``path`` (provenance: not part of the game's value, so two equal games
    from two files are equal and hash alike). It names the file, and the line of the formula,
    of an error the game's formulas give at parameter values (``subs``), which from Python named
    no file (a game did not keep its path; only the command line named it: an error review).

    >>> GameFile("g.toml")
    GameFile('g.toml')
    """

    __slots__ = ("path",)
    path: str

    def __init__(self, path):
        object.__setattr__(self, "path", str(path))

    def __setattr__(self, key, value):
        raise AttributeError("a GameFile is an immutable value")

    def __eq__(self, other):
        return isinstance(other, GameFile) and other.path == self.path

    def __hash__(self):
        return hash(("GameFile", self.path))

    def __repr__(self):
        return f"GameFile({self.path!r})"

    def __reduce__(self):
        return GameFile, (self.path,)

    def key_lines(self) -> dict:
        """The line of each key path of the file (:func:`deterrence.io.toml_reader.key_lines`),
        read again; ``{}`` for a file that is not TOML or cannot be read now."""
        if not self.path.lower().endswith(".toml"):
            return {}
        try:
            from deterrence.io._common import decode_text, read_file_bytes
            from deterrence.io.toml_reader import key_lines
            return key_lines(decode_text(*read_file_bytes(self.path)))
        except Exception:  # a failing line finder must never hide the real error
            return {}

    def locate(self, exc):
        """``exc`` (a :class:`~deterrence.errors.ParameterValuesError`) naming this file, and in a
        TOML file the line of the first of its ``places`` found there (the file is read again:
        an error is rare, and a game keeps no text)."""
        from deterrence.errors import ParameterValuesError
        from deterrence.io.toml_reader import place_line
        line = place_line(self.key_lines(), exc.places) if exc.places else None
        return ParameterValuesError(getattr(exc, "reason", str(exc)), exc.places, file=self.path, line=line)


def load_game(source, **options):
    """Load a game from a file path or a catalogue name.

    >>> load_game("chicken").players
    ('Row', 'Column')
    """
    import os
    if isinstance(source, bytes):
        try:
            source = os.fsdecode(source)
        except UnicodeDecodeError:
            raise GameFileError("the path is not valid text", file=repr(source)[:80]) from None
    if not isinstance(source, (str, os.PathLike)):
        raise GameFileError(f"expected a file path or a catalogue name, got {type(source).__name__}",
                            file=repr(source)[:80])
    shown = str(source) if len(str(source)) <= 200 else str(source)[:200] + "..."
    if "\0" in str(source) or not str(source).strip():
        raise GameFileError("not a file path or a catalogue name", file=repr(shown))
    path = Path(source)
    try:
        exists = path.exists()
    except (OSError, ValueError) as exc:   # e.g. a name longer than the system allows
        raise GameFileError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", file=shown) from None
    if not exists:
        from deterrence.io.catalogue import find_entry
        found = find_entry(str(source))
        if found is None:
            raise GameFileError("no such file, and no catalogue game of that name "
                                "(`deterrence list` shows the catalogue)", file=shown)
        path = found
    if path.is_dir():
        raise GameFileError("is a folder, not a game file", file=str(source))
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise GameFileError(f"unknown file type {suffix or '(none)'}; "
                            f"use one of {', '.join(READERS)}", file=str(path))
    module, function = READERS[suffix]
    game = getattr(importlib.import_module(module), function)(path, **options)
    # the game keeps its file, so that an error of its formulas at other values names it
    from deterrence.core.validate import with_file
    return with_file(game, GameFile(path)) if hasattr(game, "file") else game
