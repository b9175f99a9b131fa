"""Event histories from CSV: the shipped 2020/2023 example, periods, mappings, errors, fuzzing.

Whatever the input, the reader returns an EventHistory or raises GameError
(GameFileError naming the file and line). DETERRENCE_FUZZ_EXAMPLES sets the
number of hypothesis cases per fuzz test (default 100; tests/README.md).
"""
import datetime as dt
import json
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from deterrence.errors import GameError, GameFileError
from deterrence.io.events_csv import (ACTIONS, EventHistory, example_events_path, load_example_events,
                                      parse_events, read_events)

FUZZ = int(os.environ.get("DETERRENCE_FUZZ_EXAMPLES", "100"))
FUZZ_SETTINGS = settings(max_examples=FUZZ, deadline=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
HEADER = "date,actor,event_type,description\n"


def test_example_2023_sequence():
    h = load_example_events().between("2023-03-22", "2023-03-30")
    assert h.players == ("US", "Iran")
    assert [d.isoformat() for d in h.rounds] == [f"2023-03-{d}" for d in range(22, 31)]
    us, iran = h.actions
    # 22: only Israel struck (a third party); 23: drone, then the F-15E answer;
    # 24: militia attacks on Green Village and Conoco, the US issues a statement
    assert us == ("hold", "retaliate") + ("hold",) * 7
    assert iran == ("hold", "retaliate", "retaliate") + ("hold",) * 6
    israel = [e for e in h.events if e.actor == "Israel"]
    assert len(israel) == 1 and israel[0].side == "" and israel[0].date == dt.date(2023, 3, 22)
    statements = [e for e in h.events if e.event_type == "statement"]
    assert {e.date.isoformat() for e in statements} == {"2023-03-24", "2023-03-30"}
    assert all(e.action == "hold" for e in statements)


def test_example_whole_file_and_2020():
    h = load_example_events()
    assert h.rounds[0] == dt.date(2020, 1, 3) and h.rounds[-1] == dt.date(2023, 3, 30)
    assert len(h) == (dt.date(2023, 3, 30) - dt.date(2020, 1, 3)).days + 1
    jan = h.between("2020-01-01", "2020-01-31")
    assert jan.actions[0][0] == "escalate" and jan.actions[1][5] == "escalate"
    assert sum(a != "hold" for side in jan.actions for a in side) == 2
    eps = h.episodes()
    assert [(e.rounds[0].isoformat(), e.rounds[-1].isoformat()) for e in eps] == [
        ("2020-01-03", "2020-01-08"), ("2023-03-23", "2023-03-24")]
    assert h.match("Iran") == (h.actions[1], h.actions[0])


def test_periods():
    w = load_example_events(period="W", start="2023-03-01")
    assert w.rounds[0] == dt.date(2023, 2, 27)          # the Monday of that week
    assert all(d.weekday() == 0 for d in w.rounds)
    assert w.actions == (("hold", "hold", "hold", "retaliate", "hold"),
                         ("hold", "hold", "hold", "retaliate", "hold"))
    m = load_example_events(period="M")
    assert m.rounds[0] == dt.date(2020, 1, 1) and m.rounds[-1] == dt.date(2023, 3, 1)
    assert m.actions[0][0] == "escalate" and m.actions[0][-1] == "retaliate"
    three = parse_events(HEADER + "2023-01-01,US,airstrike,\n2023-01-07,Iran,rocket attack,\n", period="3D")
    assert [d.day for d in three.rounds] == [1, 4, 7] and three.period == "3D"
    with pytest.raises(GameError, match="period"):
        parse_events(HEADER + "2023-01-01,US,airstrike,\n", period="fortnight")


def test_highest_rung_and_quiet_rounds_hold():
    h = parse_events(HEADER + "2023-01-01,militia,drone attack,\n2023-01-01,IRGC,missile barrage,\n"
                     "2023-01-04,US,statement,\n")
    assert h.actions == (("hold",) * 4, ("escalate", "hold", "hold", "hold"))


def test_mappings_dict_actors_and_toml(tmp_path):
    text = HEADER + "2023-01-01,Hezbollah,sabotage,x\n2023-01-02,Israel,airstrike,y\n"
    with pytest.raises(GameFileError, match=r"e\.csv:2: unknown actor 'Hezbollah'"):
        parse_events(text, file="e.csv")
    h = parse_events(text, mapping={"Sabotage": "retaliate"}, actors={"hezbollah": "Iran", "Israel": "US"})
    assert h.actions == (("hold", "retaliate"), ("retaliate", "hold"))
    toml = tmp_path / "map.toml"
    toml.write_text('[events]\n"sabotage" = "escalate"\n[actors]\n"Hezbollah" = "Iran"\n')
    csv_path = tmp_path / "ev.csv"
    csv_path.write_text(text)
    h2 = read_events(csv_path, mapping=toml)
    assert h2.actions == (("hold", "hold"), ("escalate", "hold")) and h2.file == str(csv_path)
    bad = tmp_path / "bad.toml"
    bad.write_text('[events]\n"sabotage" = "nuke"\n')
    with pytest.raises(GameFileError, match="bad.toml: .*'nuke'"):
        read_events(csv_path, mapping=bad)
    broken = tmp_path / "broken.toml"
    broken.write_text('[events]\n"sabotage" = \n')
    with pytest.raises(GameFileError, match=r"broken.toml:2: not valid TOML"):
        read_events(csv_path, mapping=broken)
    with pytest.raises(GameError, match="'nuke'"):
        parse_events(text, mapping={"sabotage": "nuke"})
    other = parse_events("date,side,type\n2023-01-01,A,strike\n", players=("A", "B"))
    assert other.players == ("A", "B") and other.actions == (("retaliate",), ("hold",))


def test_other_columns_comments_bom_and_times():
    text = ("\ufeff# a comment\n\nDate, Actor ,Type,Source,Extra\n"
            '2023-03-23T20:15,US,Airstrike,"CENTCOM, press release",1\n'
            "2023-03-23 08:00,militia,Drone  attack,,2\n")
    h = parse_events(text.encode("utf-8"))
    assert h.actions == (("retaliate",), ("retaliate",))
    assert [e.line for e in h.events] == [4, 5]


def test_json_and_html():
    h = load_example_events().between("2023-03-22", "2023-03-30")
    doc = json.loads(json.dumps(h.to_json()))
    assert doc["actions"]["Iran"][:3] == ["hold", "retaliate", "retaliate"]
    assert doc["events"][0]["side"] is None           # Israel: third party
    page = h._repr_html_()
    assert "<table>" in page and "2023-03-23" in page and "quiet rounds" in page
    assert "9 rounds" in repr(h)
    assert h.profiles[1] == ("retaliate", "retaliate")


ERRORS = [
    ("date,actor\n2023-01-01,US\n", 1, "lacks column"),
    ("", 1, "no header"),
    (HEADER, None, "no events"),
    (HEADER + "2023-01-01,US,airstrike,a\n2023-02-30,US,airstrike,b\n", 3, "day is out of range"),
    (HEADER + "2023-01-01,US,airstrike,a\n23/01/2023,US,airstrike,b\n", 3, "not YYYY-MM-DD"),
    (HEADER + "\n\n2023-01-01,Martians,airstrike,a\n", 4, "unknown actor 'Martians'"),
    (HEADER + "2023-01-01,US,tea party,a\n", 2, "unknown event type 'tea party'"),
    (HEADER + "2023-01-01,US,airstrike\n", 2, "3 fields, but the header has 4"),
    (HEADER + '2023-01-01,US,airstrike,"unclosed\n', 2, "malformed CSV"),
    (HEADER + '2023-01-01,US,"air"strike,a\n', 2, "malformed CSV"),
    ("date,actor,date,event_type\n", 1, "appears twice"),
    (HEADER + "0001-01-01,US,airstrike,a\n9999-12-31,US,airstrike,b\n", None, "more than"),
    (b"date,actor,event_type\n2023-01-01,US,air\xffstrike\n", 2, "not UTF-8"),
]


@pytest.mark.parametrize("text,line,message", ERRORS)
def test_errors_name_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "events.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(GameFileError) as info:
        read_events(path)
    err = info.value
    assert err.file == str(path) and err.line == line
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(err).startswith(prefix) and message in str(err)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(GameFileError, match="cannot read"):
        read_events(tmp_path / "nope.csv")
    with pytest.raises(GameFileError, match="folder"):
        read_events(tmp_path)


# -- fuzzing: only GameError may come out --------------------------------------------
VALID = example_events_path().read_text(encoding="utf-8")


def _read_or_game_error(data):
    try:
        h = parse_events(data, file="fuzz.csv")
    except GameError as exc:
        assert str(exc)
        return None
    assert isinstance(h, EventHistory)
    assert len(h.actions) == 2 and all(len(a) == len(h.rounds) for a in h.actions)
    assert all(a in ACTIONS for side in h.actions for a in side)
    json.dumps(h.to_json())
    h._repr_html_()
    return h


@FUZZ_SETTINGS
@given(st.text(max_size=400))
def test_fuzz_random_text(text):
    _read_or_game_error(text)
    _read_or_game_error(HEADER + text)


@FUZZ_SETTINGS
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(data):
    _read_or_game_error(data)
    _read_or_game_error(HEADER.encode() + data)


PIECES = [",", '"', "\n", "\r", "#", "2023-13-40", "9999-12-31", "0001-01-01", "\x00", "\ufeff",
          "drone attack", "missile barrage", "Israel", "IRGC", "é", "T99:99", " ", "", "statement"]


@FUZZ_SETTINGS
@given(st.randoms(use_true_random=False), st.integers(1, 6))
def test_fuzz_mutated_valid_files(rnd, n_mutations):
    text = VALID
    for _ in range(n_mutations):
        kind = rnd.randrange(4)
        pos = rnd.randrange(len(text) + 1)
        if kind == 0:          # insert a tricky piece
            text = text[:pos] + rnd.choice(PIECES) + text[pos:]
        elif kind == 1:        # delete a span
            text = text[:pos] + text[pos + rnd.randrange(1, 30):]
        elif kind == 2:        # duplicate a line
            lines = text.split("\n")
            k = rnd.randrange(len(lines))
            lines.insert(k, lines[k])
            text = "\n".join(lines)
        else:                  # replace a field
            lines = text.split("\n")
            k = rnd.randrange(len(lines))
            fields = lines[k].split(",")
            fields[rnd.randrange(len(fields))] = rnd.choice(PIECES)
            lines[k] = ",".join(fields)
            text = "\n".join(lines)
    _read_or_game_error(text)
    period = rnd.choice(["D", "W", "M", "2D"])
    try:
        parse_events(text.encode("utf-8", "surrogatepass"), file="fuzz.csv", period=period)
    except GameError:
        pass


def test_fuzz_seed_files(tmp_path):
    # the shipped file and its every line dropped in turn, read from disk
    lines = VALID.split("\n")
    rnd = random.Random(0)
    for k in range(len(lines)):
        path = tmp_path / f"cut{k}.csv"
        path.write_text("\n".join(lines[:k] + lines[k + 1:]), encoding="utf-8")
        try:
            read_events(path, period=rnd.choice(["D", "W", "M"]))
        except GameFileError as exc:
            assert str(exc).startswith(str(path))


def test_events_reader_refuses_a_fifo_without_reading(tmp_path):
    """The events reader reads through the one file reader: stat first, regular files only."""
    import os
    from deterrence import read_events
    from deterrence.errors import GameFileError
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    with pytest.raises(GameFileError, match="not a regular file"):
        read_events(fifo)        # would block for ever if it opened the pipe


def test_a_record_spanning_lines_is_numbered_by_its_first_line():
    """A quoted description may hold line breaks: the record is named by the line it starts on,
    and the records after it by theirs (in errors and in each event's ``line``)."""
    multi = '2023-01-02,IRGC,drone attack,"two\nline\nnote"\n'
    h = parse_events(HEADER + multi + "2023-01-09,US,airstrike,x\n", file="e.csv")
    assert [e.line for e in h.events] == [2, 5]
    with pytest.raises(GameFileError, match=r"^e\.csv:2: unknown actor 'Nobody'"):
        parse_events(HEADER + multi.replace("IRGC", "Nobody"), file="e.csv")
    with pytest.raises(GameFileError, match=r"^e\.csv:5: unknown actor 'Nobody'"):
        parse_events(HEADER + multi + "2023-01-09,Nobody,airstrike,x\n", file="e.csv")
