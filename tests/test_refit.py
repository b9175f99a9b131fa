"""`deterrence report --record FILE`: an analyst refits the US–Iran case model to a newer record.

The record is a small ACLED-layout export written here; the counts must match its rows, the
fit must follow them (twice the attacks: a higher fitted rate), and bad files are refused
with one line and exit code 2.
"""
import datetime as dt
import json
from fractions import Fraction

import pytest

from deterrence.cli import main
from deterrence.io.events_csv import RECORD_COUNTS, aggregate_record, parse_events, read_record

ACLED_HEADER = ("data_id,event_date,year,event_type,sub_event_type,actor1,assoc_actor_1,actor2,country,"
                "fatalities,notes")
MILITIA = "Islamic Resistance in Iraq"
US = "Military Forces of the United States (2021-)"


def _acled_row(k, date, actor, target, event_type="Explosions/Remote violence", sub="Air/drone strike"):
    return (f'{k},{date.day} {date.strftime("%B")} {date.year},{date.year},{event_type},{sub},{actor},,'
            f'{target},Syria,0,"row {k}"')


def write_export(path, *, attacks, answers, days=364, others=2):
    """An ACLED-layout export: ``attacks`` militia drone strikes on US forces spread over ``days``,
    ``answers`` US strikes on the militia, and ``others`` militia attacks on civilians (not counted)."""
    start = dt.date(2022, 1, 3)
    rows = [ACLED_HEADER]
    for k in range(attacks):
        rows.append(_acled_row(len(rows), start + dt.timedelta(days=days * k // max(attacks - 1, 1)), MILITIA, US))
    for k in range(answers):
        rows.append(_acled_row(len(rows), start + dt.timedelta(days=1 + 7 * k), US, "Kataib Hezbollah"))
    for k in range(others):
        rows.append(_acled_row(len(rows), start + dt.timedelta(days=3 + k), MILITIA, "Civilians (Iraq)",
                               "Violence against civilians", "Attack"))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def report_json(capsys, path):
    assert main(["report", "--record", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("DETERRENCE_CACHE_DIR", str(tmp_path / "cache"))


def test_counts_follow_the_rows(tmp_path):
    path = write_export(tmp_path / "export.csv", attacks=30, answers=2, others=3)
    rec = read_record(path)
    assert [rec[n].count for n in RECORD_COUNTS] == [30, 2, 0]
    assert rec["attacks_on_us_personnel"].days == 364
    assert all(c.source == str(path) for c in rec.values())
    # the same rows in the plain layout, with a target column, count the same
    plain = "date,actor,target,event_type\n" + "".join(
        f"{e.date},{e.actor},{e.target},{e.event_type}\n" for e in parse_events(path.read_text()).events)
    assert [aggregate_record(parse_events(plain, file="p.csv"))[n].count for n in RECORD_COUNTS] == [30, 2, 0]


def test_refit_from_the_command_line_follows_the_record(tmp_path, capsys):
    once, err = report_json(capsys, write_export(tmp_path / "once.csv", attacks=60, answers=1, days=728))
    assert "fit_to_record:" in err                       # the fit's progress, on stderr
    twice, _ = report_json(capsys, write_export(tmp_path / "twice.csv", attacks=90, answers=1, days=728))
    for data, n, name in ((once, 60, "once.csv"), (twice, 90, "twice.csv")):
        rec = data["record"]
        assert rec["attacks_on_us_personnel"]["count"] == n
        assert rec["us_answering_strikes"]["count"] == 1
        assert rec["attacks_on_us_personnel"]["source"].endswith(name)
        assert rec["attacks_on_us_personnel"]["start"] == "2022-01-03"
        assert rec["attacks_on_us_personnel"]["end"] == "2024-01-01"
        # the fitted equilibrium reproduces the record's count over the record's span (two years)
        span = data["predicted"]["attacks_in_record_span"]
        assert Fraction(span["months"]) == Fraction(728 * 12, 365)           # a month: 365/12 days; exact
        assert span["value"] == pytest.approx(n, rel=0.15)
    assert (twice["fit"]["estimates"]["motive_rate"] > once["fit"]["estimates"]["motive_rate"])
    assert twice["predicted"]["attacks_per_month"] > 1.3 * once["predicted"]["attacks_per_month"]
    # one answer in half as many attacks again: the fitted answer probability (the deadly fraction) falls
    assert twice["fit"]["estimates"]["deadly_fraction"] < once["fit"]["estimates"]["deadly_fraction"]
    assert once["equilibrium"]["verified_under_noise"] and twice["equilibrium"]["verified_under_noise"]


def test_a_refit_predicts_over_the_reports_horizons_and_gives_its_numbers(tmp_path, capsys):
    """Refitted to a record of a year, the fit's war_probability_26_months was the probability of war
    within the record's 53 weeks (0.025 beside the report's 26-month 0.053), and its rates were over
    the record's span: same names, other quantities. Each prediction is now the report's number."""
    data, _ = report_json(capsys, write_export(tmp_path / "year.csv", attacks=40, answers=1))
    predicted = data["predicted"]
    assert predicted["attacks_in_record_span"]["weeks"] == 52 and predicted["war_probability"]["horizon_months"] == 26
    assert {k: v["value"] for k, v in data["fit"]["predictions"].items()} == {
        "attacks_per_month": predicted["attacks_per_month"],
        "attacks_in_span": predicted["attacks_in_record_span"]["value"],
        "answers_per_attack": predicted["answers_per_attack"],
        "war_probability_26_months": predicted["war_probability"]["value"],
        "war_probability_10_years": predicted["war_probability_10_years"]["value"],
        "attack_response_to_israeli_strikes": predicted["attack_response_to_israeli_strikes"]["value"]}


def test_an_estimate_on_its_bound_has_no_standard_error(tmp_path, capsys):
    # 10 attacks in a year: fewer than the Israeli strikes (half the weeks) alone bring
    data, _ = report_json(capsys, write_export(tmp_path / "few.csv", attacks=10, answers=1))
    assert data["fit"]["estimates"]["motive_rate"] == pytest.approx(1e-4)
    assert data["fit"]["standard_errors"]["motive_rate"] is None
    assert data["fit"]["standard_errors"]["deadly_fraction"] > 0
    assert data["predicted"]["targets"]["attacks_within_25_percent"] is False


def test_a_record_the_weekly_model_cannot_match_is_named(tmp_path, capsys):
    # 80 attacks in one year: more than one a week, which weekly rounds cannot produce
    data, _ = report_json(capsys, write_export(tmp_path / "many.csv", attacks=80, answers=1))
    assert data["predicted"]["targets"]["attacks_within_25_percent"] is False
    assert main(["report", "--record", str(tmp_path / "many.csv")]) == 0
    assert "80 attacks in 52 weeks" in capsys.readouterr().out


def test_a_record_toml_is_read_too(tmp_path, capsys):
    path = tmp_path / "record.toml"
    path.write_text("".join(f'[counts.{n}]\ncount = {c}\nstart = "2021-01-21"\nend = "2023-03-23"\n'
                            f'about = "{n}"\nsource = "analyst count"\n'
                            for n, c in zip(RECORD_COUNTS, (120, 4, 0))), encoding="utf-8")
    assert main(["report", "--record", str(path), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "attacks_on_us_personnel: 120 from 2021-01-21 to 2023-03-23" in out
    assert "record 120)" in out


@pytest.mark.parametrize("name, text, where", [
    ("notes.txt", "just some words\n", ":1:"),
    ("bad.csv", "event_date,actor1,event_type\n23 March 2023,Islamic Resistance in Iraq,picnic\n", ":2:"),
    ("short.csv", "date,actor,event_type\n2023-03-23,militia,drone attack\n2023-03-24,US,airstrike\n", "a week"),
    ("partial.toml", '[counts.attacks_on_us_personnel]\ncount = 3\nstart = "2021-01-01"\nend = "2021-06-01"\n',
     "us_answering_strikes"),
    ("broken.toml", "[counts\n", ":1:"),
])
def test_bad_record_files_are_refused_in_one_line(tmp_path, capsys, name, text, where):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert main(["report", "--record", str(path)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and where in lines[0], captured.err
    assert "fit_to_record" not in captured.err and captured.out == ""


def test_record_is_for_the_case_model_only(capsys):
    assert main(["report", "chicken", "--record", "x.csv"]) == 2
    assert "--record" in capsys.readouterr().err
