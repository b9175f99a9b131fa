"""Fuzzing the game-tree readers: Gambit .efg and [tree] TOML files.

Random text, random bytes and mutated valid files (the catalogue's trees written
out, and Gambit's example .efg files when present): every case must give a game
or a GameError (GameFileError naming the file), never another exception.
"""
import os

from hypothesis import HealthCheck, given, settings, strategies as st

import deterrence as dt
from deterrence.errors import GameError
from deterrence.io.catalogue import catalogue_dir
from deterrence.io.gambit_efg import parse_efg, write_efg
from deterrence.io.tree_toml import read_tree_toml
from peer import HAVE_PEER_GAMES, PEER_DIR

EXAMPLES = int(os.environ.get("DETERRENCE_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

TREE_FILES = sorted(p for p in catalogue_dir().glob("*.toml") if "[tree" in p.read_text())
EFG_SEEDS = [write_efg(dt.load_game(p.stem).with_defaults()) for p in TREE_FILES]
if HAVE_PEER_GAMES:
    EFG_SEEDS += [p.read_text() for p in sorted((PEER_DIR / "gambit").glob("*.efg"))]
TOML_SEEDS = [p.read_text() for p in TREE_FILES]
TOKENS = ['"', "{", "}", " ", "\n", "p", "c", "t", "0", "1", "-1", "1/2", "0.5", "EFG", "2", "R",
          "[", "]", "=", ",", "moves", "player", "payoffs", "probabilities", "tree", "\x00", "²", "1e999"]


def mutate(text, data):
    """Delete, duplicate or replace a slice, or insert a token, a few times."""
    for _ in range(data.draw(st.integers(1, 4))):
        if not text:
            text = data.draw(st.sampled_from(TOKENS))
            continue
        i = data.draw(st.integers(0, len(text) - 1))
        j = data.draw(st.integers(i, min(len(text), i + 20)))
        kind = data.draw(st.sampled_from(["delete", "duplicate", "token", "swap"]))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif kind == "token":
            text = text[:i] + data.draw(st.sampled_from(TOKENS)) + text[i:]
        else:
            text = text[:i] + text[j:j + (j - i)] + text[i:j] + text[j + (j - i):]
    return text


def read_or_game_error(reader, payload):
    try:
        reader(payload)
    except GameError:
        pass


@FUZZ
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_efg_random_input(payload):
    read_or_game_error(lambda x: parse_efg(x, file="fuzz.efg"), payload)


@FUZZ
@given(st.sampled_from(EFG_SEEDS), st.data())
def test_efg_mutated_files(seed, data):
    read_or_game_error(lambda x: parse_efg(x, file="fuzz.efg"), mutate(seed, data))


@FUZZ
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_tree_toml_random_input(payload):
    read_or_game_error(lambda x: read_tree_toml(x, file="fuzz.toml"), payload)


@FUZZ
@given(st.sampled_from(TOML_SEEDS), st.data())
def test_tree_toml_mutated_files(seed, data):
    read_or_game_error(lambda x: read_tree_toml(x, file="fuzz.toml"), mutate(seed, data))


def test_seeds_read_back():
    assert len(TREE_FILES) >= 5
    for text in EFG_SEEDS:
        parse_efg(text, file="seed.efg")
    for text in TOML_SEEDS:
        read_tree_toml(text, file="seed.toml")


def test_long_one_line_string_is_text_not_a_path():
    # found by this fuzzing: Path(...).is_file() raised OSError (name too long) on a one-line string
    for text in ["0" * 5000, "a\x00b"]:
        read_or_game_error(lambda x: read_tree_toml(x, file="fuzz.toml"), text)
