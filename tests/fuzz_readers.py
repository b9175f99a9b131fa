"""Coverage-guided fuzzing of the game-file readers with atheris (a script; pytest skips it).

Each input's first byte picks a reader (TOML, JSON, Gambit .nfg); the rest is
the file. A reader must return a game or raise GameError; any other exception
or an input slower than ``-timeout`` seconds is a crash, and libFuzzer saves it.

    pip install atheris
    python tests/fuzz_readers.py -atheris_runs=100000 -timeout=10
    python tests/fuzz_readers.py -max_total_time=300 my_corpus/

Add ``-artifact_prefix=/tmp/`` to keep crash files out of the working folder.

Without a corpus folder the catalogue files (and their JSON and .nfg forms)
seed a temporary one.
"""
import shutil
import sys
import tempfile
import types
from pathlib import Path

# run from a checkout: the package is beside tests/
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 0
READERS = []
GameError = None


def setup():
    """Import the readers under atheris's coverage instrumentation.

    Done in a function, not at import: importing this file (pytest's doctest
    collection does) must not change ``sys.modules``.
    """
    global GameError
    import atheris
    with atheris.instrument_imports(include=["deterrence"]):
        from deterrence.errors import GameError
        from deterrence.io.gambit_nfg import parse_nfg
        from deterrence.io.json_format import parse_json_game
        from deterrence.io.toml_format import parse_toml_game
    READERS[:] = [parse_toml_game, parse_json_game, parse_nfg]
    # [tree] files belong to another reader: a stand-in keeps the fuzzing on these three.
    tree = types.ModuleType("deterrence.io.tree_toml")
    tree.read_tree_toml = lambda source, file=None: None
    sys.modules["deterrence.io.tree_toml"] = tree
    return atheris


def one_input(data: bytes):
    global RUNS
    RUNS += 1
    if not data:
        return
    reader = READERS[data[0] % len(READERS)]
    try:
        reader(data[1:], file="fuzz")
    except GameError:
        pass


def seed_corpus() -> str:
    from deterrence.io.catalogue import catalogue_dir
    from deterrence.io.gambit_nfg import write_nfg
    from deterrence.io.json_format import write_json
    from deterrence.io.toml_format import read_toml
    folder = Path(tempfile.mkdtemp(prefix="deterrence_fuzz_"))
    import tomllib
    for k, path in enumerate(sorted(catalogue_dir().glob("*.toml"))):
        if {"tree", "stochastic"} & set(tomllib.loads(path.read_text(encoding="utf-8"))):
            continue  # game trees: another reader's
        game = read_toml(path)
        exact = game.with_defaults() if game.is_symbolic else game
        (folder / f"{k}.toml").write_bytes(b"\x00" + path.read_bytes())
        (folder / f"{k}.json").write_bytes(b"\x01" + write_json(game).encode())
        (folder / f"{k}.nfg").write_bytes(b"\x02" + write_nfg(exact, outcomes=k % 2 == 1).encode())
    return str(folder)


def main():
    atheris = setup()
    argv = list(sys.argv)
    temporary = None
    if not any(not a.startswith("-") for a in argv[1:]):
        temporary = seed_corpus()
        argv.append(temporary)
    atheris.Setup(argv, one_input)
    try:
        atheris.Fuzz()
    finally:
        print(f"fuzz_readers: {RUNS} inputs run", file=sys.stderr)
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
