"""Coverage-guided fuzzing of the game-file readers with atheris (a script; pytest skips it).

Each input's first byte picks a reader; the rest is the file. The readers: TOML
(normal-form, ``[tree]`` and ``[stochastic]`` files: the TOML reader passes the last two
to their own readers), JSON, Gambit ``.nfg``, Gambit ``.efg``, and the events CSV
(our layout and ACLED's export layout). A reader must return a game (or an event
history) or raise ``GameError``; any other exception or an input slower than
``-timeout`` seconds is a crash, and libFuzzer saves it.

    pip install atheris
    python tests/fuzz_readers.py -atheris_runs=100000 -timeout=10
    python tests/fuzz_readers.py -max_total_time=300 my_corpus/

Add ``-artifact_prefix=/tmp/`` to keep crash files out of the working folder.

Without a corpus folder the catalogue files (their TOML, JSON, ``.nfg`` and ``.efg``
forms, trees and stochastic games included) and the shipped events CSV (as is and in
ACLED's layout) seed a temporary one.

Without atheris, ``python tests/fuzz_readers.py --smoke N [SEED]`` runs ``N`` random
mutations of the seed files through the same ``one_input`` (plain ``random``, no
coverage guidance) and prints the count; ``tests/test_io_hostile.py`` runs it briefly.
"""
import shutil
import sys
import tempfile
from pathlib import Path

# run from a checkout: the package is beside tests/
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 0
READERS = []
GameError = None


def _import_readers():
    global GameError
    from deterrence.errors import GameError
    from deterrence.io.events_csv import parse_events
    from deterrence.io.gambit_efg import parse_efg
    from deterrence.io.gambit_nfg import parse_nfg
    from deterrence.io.json_format import parse_json_game
    from deterrence.io.toml_format import parse_toml_game
    READERS[:] = [parse_toml_game, parse_json_game, parse_nfg, parse_efg, parse_events]


def setup():
    """Import the readers under atheris's coverage instrumentation.

    Done in a function, not at import: importing this file (pytest's doctest
    collection does) must not change ``sys.modules``.
    """
    import atheris
    with atheris.instrument_imports(include=["deterrence"]):
        _import_readers()
    return atheris


def one_input(data: bytes):
    global RUNS
    RUNS += 1
    if not data:
        return
    reader = READERS[data[0] % len(READERS)]
    body = data[1:]
    if reader.__name__ == "parse_efg":
        body = body.decode("utf-8", "replace")      # the .efg parser reads text
    try:
        reader(body, file="fuzz")
    except GameError:
        pass


#: the shipped events in ACLED's export layout (event_date "23 March 2023", actor1, notes)
def _acled(csv_text: str) -> str:
    import csv
    import datetime
    import io
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in csv_text.splitlines()
                                                      if not line.startswith("#")))))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["event_date", "actor1", "event_type", "notes"])
    for row in rows:
        day = datetime.date.fromisoformat(row["date"][:10])
        writer.writerow([f"{day.day} {day.strftime('%B')} {day.year}", row["actor"], row["event_type"],
                         row.get("description", "")])
    return out.getvalue()


def seed_files() -> list:
    """``[(name, bytes)]``: the seed inputs (first byte: the reader)."""
    from deterrence.io.catalogue import catalogue_dir
    from deterrence.io.events_csv import example_events_path
    from deterrence.io.gambit_efg import write_efg
    from deterrence.io.gambit_nfg import write_nfg
    from deterrence.io.json_format import write_json
    from deterrence.io.toml_format import read_toml
    import tomllib
    seeds = []
    for k, path in enumerate(sorted(catalogue_dir().glob("*.toml"))):
        seeds.append((f"{k}.toml", b"\x00" + path.read_bytes()))
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if "stochastic" in data:
            continue
        game = read_toml(path)
        if "tree" in data:
            try:
                seeds.append((f"{k}.efg", b"\x03" + write_efg(game.with_defaults() if game.is_symbolic
                                                               else game).encode()))
            except Exception:  # noqa: BLE001 - a tree .efg cannot hold (chance formulas): TOML only
                pass
            continue
        exact = game.with_defaults() if game.is_symbolic else game
        seeds.append((f"{k}.json", b"\x01" + write_json(game).encode()))
        seeds.append((f"{k}.nfg", b"\x02" + write_nfg(exact, outcomes=k % 2 == 1).encode()))
    for path in sorted(catalogue_dir().glob("*.efg")):
        seeds.append((path.name, b"\x03" + path.read_bytes()))
    events = example_events_path().read_text(encoding="utf-8")
    seeds.append(("events.csv", b"\x04" + events.encode()))
    seeds.append(("events_acled.csv", b"\x04" + _acled(events).encode()))
    return seeds


def seed_corpus() -> str:
    folder = Path(tempfile.mkdtemp(prefix="deterrence_fuzz_"))
    for name, data in seed_files():
        (folder / name).write_bytes(data)
    return str(folder)


_TOKENS = [b"\x00", b"\xff", b"\n", b"\"", b"[", b"]", b"{", b"}", b"=", b",", b"1e999999999", b"-",
           b"9" * 50, b"\xc2\xb2", b"(", b")", b"__import__('os')", b"/", b"\x1b[2J", b"NaN", b"1/0"]


def mutate(data: bytes, rng) -> bytes:
    """One random edit of ``data`` (keeps the reader byte): delete, insert a token, repeat, cut."""
    head, body = data[:1], bytearray(data[1:])
    for _ in range(rng.randint(1, 4)):
        if not body:
            body += rng.choice(_TOKENS)
            continue
        at = rng.randrange(len(body))
        kind = rng.randrange(5)
        if kind == 0:
            del body[at:at + rng.randint(1, 16)]
        elif kind == 1:
            body[at:at] = rng.choice(_TOKENS)
        elif kind == 2:
            body[at:at] = body[at:at + rng.randint(1, 64)] * rng.randint(2, 8)
        elif kind == 3:
            body = body[:at]
        else:
            body[at] = rng.randrange(256)
    return head + bytes(body)


def smoke(count: int, seed: int = 0) -> int:
    """Run ``count`` random mutations of the seed files through :func:`one_input`."""
    import random
    _import_readers()
    rng = random.Random(seed)
    seeds = [data for _, data in seed_files()]
    for data in seeds:
        one_input(data)
    for _ in range(count):
        one_input(mutate(rng.choice(seeds), rng))
    return RUNS


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--smoke":
        runs = smoke(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
        print(f"fuzz_readers: {runs} inputs run")
        return
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
