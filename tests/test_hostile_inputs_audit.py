"""Issue 17's families re-run as an adversarial user (the acceptance audit of 4 Dec 2026):
the gaps it found, each with the test that failed before its fix."""
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from deterrence import load_game
from deterrence.errors import DeterrenceError, GameError, TooLargeError

ROOT = Path(__file__).resolve().parents[1]


def run_python(args, *, timeout=300, memory=1 << 30):
    """Python in a child process with a memory cap."""
    def cap():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=ROOT, preexec_fn=cap)


def cli(*args, timeout=300, memory=3 << 30):
    return run_python(["-m", "deterrence.cli", *args], timeout=timeout, memory=memory)


def assert_one_line_refusal(done, *words):
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deterrence: "), done.stderr[-2000:]
    for word in words:
        assert word in lines[0], lines[0]


# -- deliver 4: the tournament's size (its seeds alone were n^2 objects) ---------------
def test_a_tournament_of_thousands_of_strategies_is_refused_before_the_seeds_are_made():
    from deterrence import tournament
    done = run_python(["-c", "import deterrence as d\ntry:\n d.tournament(d.load_game('prisoners_dilemma'), "
                             "['tft'] * 30000, matches=1, turns=1)\nexcept d.TooLargeError as e: print(e)"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "900,000,000 pairs" in done.stdout and "max_rounds=" in done.stdout
    pd = load_game("prisoners_dilemma").with_defaults()
    with pytest.raises(TooLargeError, match="over the limit of 1,000,000,000; pass max_rounds="):
        tournament(pd, ["tft"] * 200)            # 40 000 pairs of 200 matches of 200 turns
    with pytest.raises(TooLargeError):
        tournament(pd, ["tft", "alld"], matches=10, turns=10, max_rounds=399)
    small = tournament(pd, ["tft", "alld"], matches=10, turns=10, seed=1, max_rounds=400)
    assert small.ranking == tournament(pd, ["tft", "alld"], matches=10, turns=10, seed=1).ranking


# -- deliver 2/3: the symbolic regime map read NaN, inf and 1e400 as floats ---------------
@pytest.mark.parametrize("method", [None, "solve"])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "1e400", 10**400, "1e999999999"],
                         ids=["nan", "inf", "1e400 text", "10**400", "1e999999999"])
def test_regime_map_refuses_values_the_model_refuses_on_either_path(bad, method):
    # before: the symbolic path gave W_iran = nan the regime 'escalation/war' with war risk 1,
    # inf and "1e400" regime 0; 10**400 a stray OverflowError behind "bad arguments"
    from deterrence import regime_map
    with pytest.raises(DeterrenceError, match="W_iran") as refused:
        regime_map(("W_iran", [1, bad]), ("delta", [0.9]), method=method)
    assert "bad argument" not in str(refused.value)
    with pytest.raises(DeterrenceError, match="W_iran") as refused:
        regime_map(("delta", [0.9]), method=method, W_iran=bad)
    assert "bad argument" not in str(refused.value)


def test_regime_map_reads_axis_values_exactly_on_the_symbolic_path():
    from deterrence import regime_map
    by_text = regime_map(("W_iran", ["1/2", "50"]), ("delta", ["9/10"]))
    by_number = regime_map(("W_iran", [0.5, 50]), ("delta", [0.9]))
    assert by_text.values["regime"].tolist() == by_number.values["regime"].tolist()


# -- deliver 3: exact answers beyond the float range were printed through float() ----------
@pytest.mark.parametrize("argv", [
    ("repeated", "us_iran_stage", "--set", "W_iran=1e400"),
    ("repeated", "prisoners_dilemma", "--set", "T=1e400", "--noise", "execution=1/50"),
    ("solve", "us_iran_exchange", "--set", "W_iran=1e400"),
    # OverflowError tracebacks still (a fuzzing review): the *_float companions in JSON, the
    # gains of the report's noise section, a time to war of 1e400 rounds
    ("repeated", "prisoners_dilemma", "--noise", "execution=1e-400", "--json"),
    ("report", "us_iran_stage", "--set", "b_us=1e400"),
    ("report", "us_iran_stage", "--set", "b_us=1e400", "--json"),
], ids=["repeated us_iran_stage", "repeated with noise", "solve stochastic", "repeated json tiny noise",
        "report", "report json"])
def test_exact_results_beyond_the_float_range_are_printed(argv):
    done = cli(*argv)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    if "--json" in argv:
        import json
        json.loads(done.stdout, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))
    if argv[0] == "report" and "--json" in argv:    # the gain exact, as deterrence repeated --json writes it
        import json
        gain = json.loads(done.stdout)["miscalculation"]["deviations_under_noise"][0]["gain"]
        assert len(gain) > 400 and "e" not in gain
    elif argv[0] == "report":
        assert "US gains 1e+399 by playing retaliate" in done.stdout


def test_a_time_to_war_beyond_the_float_range_is_written_in_years():
    from deterrence.analysis.explain import _span
    from deterrence.core.numbers import json_float
    assert _span(10**400, 7) == "about 1.91781e+398 years"
    assert json_float(10**400) is None and json_float(Fraction(1, 4)) == 0.25


def test_a_positive_number_below_the_float_range_is_not_displayed_as_0():
    # a war probability of 6e-398 (noise 1e-400) was printed "probability 0" (a fuzzing review)
    from deterrence.core.numbers import format_approx
    assert format_approx(Fraction(6, 10**398)) == "6e-398"
    assert format_approx(Fraction(0)) == "0" and format_approx(Fraction(1, 3)) == "0.333333"
    done = cli("repeated", "prisoners_dilemma", "--within", "300", "--noise", "execution=1e-400")
    assert "within 300 rounds: probability 6e-398" in done.stdout, done.stdout[-2000:]


def test_approximate_display_of_numbers_beyond_the_float_range():
    from deterrence.core.numbers import format_approx
    assert format_approx(10**400) == "1e+400"
    assert format_approx(-Fraction(2 * 10**5000, 3), 4) == "-6.667e+4999"
    assert format_approx(Fraction(1, 3), 4, "f") == format(1 / 3, ".4f")


# -- deliver 3: float methods given payoffs beyond the float range ---------------------------
@pytest.mark.parametrize("argv", [
    ("solve", "prisoners_dilemma", "--set", "T=1e400", "--method", "qre"),
    ("dynamics", "prisoners_dilemma", "--set", "T=1e400"),
    ("fit", "prisoners_dilemma", "--set", "T=1e400", "--data", "{data}"),
    # OverflowError tracebacks still (a fuzzing review)
    ("solve", "prisoners_dilemma", "--set", "T=1e400", "--method", "nplayer_logit"),
    ("dynamics", "prisoners_dilemma", "--set", "T=1e400", "--rule", "moran", "--intensity", "1/100"),
], ids=["qre", "dynamics", "fit", "nplayer_logit", "moran"])
def test_float_methods_refuse_payoffs_beyond_the_float_range_in_one_line(argv, tmp_path):
    # before: OverflowError tracebacks from NormalFormGame.as_float
    data = tmp_path / "choices.csv"
    data.write_text("player,action,count\nRow,C,10\nRow,D,30\nColumn,C,12\nColumn,D,28\n")
    done = cli(*(a.format(data=data) for a in argv))
    assert_one_line_refusal(done, "1e+400", "float")


def test_as_float_refuses_with_a_too_large_error_and_exact_methods_still_answer():
    from deterrence import NormalFormGame, solve
    game = NormalFormGame.from_arrays([[3 * 10**400, 0], [5 * 10**400, 10**400]],
                                      [[3 * 10**400, 5 * 10**400], [0, 10**400]])
    with pytest.raises(TooLargeError, match="beyond the float range"):
        game.as_float()
    with pytest.raises(TooLargeError, match="beyond the float range"):
        solve(game, "qre")
    (eq,) = solve(game, "lemke_howson").equilibria     # falls back to exact pivoting
    small = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    (expected,) = solve(small, "lemke_howson").equilibria
    assert eq.strategies == expected.strategies and eq.payoffs == (10**400, 10**400)


# -- deliver 2/3: the case model's calibration -------------------------------------------
@pytest.mark.parametrize("rate", [-1, 0, "-1/2"])
def test_an_annual_discount_rate_that_is_not_positive_is_refused(rate):
    # before: -1 gave the per-round discount factor 365/358 > 1, and markov_perfect_map answered
    from deterrence.models.us_iran_exchange import exchange_model
    from deterrence.models.us_iran_exchange_map import markov_perfect_map
    with pytest.raises(GameError, match="annual_discount_rate"):
        exchange_model(annual_discount_rate=rate)
    with pytest.raises(GameError, match="annual_discount_rate"):
        markov_perfect_map(("W_iran", [1, 50]), ("annual_discount_rate", [Fraction(1, 10), rate]))


def test_calibration_values_beyond_the_stated_magnitude_are_refused_in_the_api_and_the_report():
    from deterrence.models.us_iran_calibration import MAX_MAGNITUDE, calibration_values
    from deterrence.models.us_iran_exchange_map import markov_perfect_map
    assert calibration_values(W_iran=MAX_MAGNITUDE)["W_iran"] == MAX_MAGNITUDE
    with pytest.raises(TooLargeError, match="W_iran = 1e\\+400 .*limit"):
        calibration_values(W_iran=10**400)
    with pytest.raises(TooLargeError, match="W_iran"):        # before: OverflowError
        markov_perfect_map(("W_iran", [1, 10**400]), ("misfire", [Fraction(1, 10)]))
    done = cli("report", "--set", "W_iran=1e400")             # before: a traceback
    assert_one_line_refusal(done, "W_iran", "limit")


# -- deliver 6/7: CLI arguments that were accepted, ignored or crashed late -------------------
@pytest.mark.parametrize("argv, words", [
    (("report", "--plot", "/proc/report.png"), ["--plot", "cannot write"]),     # the report printed first
    (("dynamics", "prisoners_dilemma", "--plot", "/proc/shares.png"), ["--plot", "cannot write"]),
    (("report", "--plot", "{tmp}/figure.png"), ["--plot", "is a folder"]),
    (("report", "--plot", ""), ["--plot"]),                                       # was ignored
    (("report", "--record", ""), ["record"]),                                     # was ignored
    (("lab", "--port", "99999999"), ["--port", "65535"]),                         # AssertionError traceback
    (("lab", "--port", "-5"), ["--port", "65535"]),
    # printed the whole report, then failed with exit 2 naming payoff_heatmap (an analyst's review)
    (("report", "irrational_three_player", "--plot", "{tmp}/three.png"), ["--plot", "3 players"]),
], ids=["report unwritable", "dynamics unwritable", "plot folder", "plot empty", "record empty",
        "port huge", "port negative", "plot three players"])
def test_cli_arguments_refused_before_any_work_in_one_line(argv, words, tmp_path):
    (tmp_path / "figure.png").mkdir()
    done = cli(*(a.format(tmp=tmp_path) for a in argv), timeout=120)
    assert_one_line_refusal(done, *words)
    assert done.stdout == ""


# -- deliver 9: regime maps keep their points in a checkpoint and resume ----------------------
CALLS: list = []
INTERRUPT_AT: list = [None]


def counting_model(**values):
    """The default map model, counting its builds and raising Ctrl-C at the chosen one."""
    from deterrence.models import default_map_model
    CALLS.append(values)
    if len(CALLS) == INTERRUPT_AT[0]:
        raise KeyboardInterrupt
    return default_map_model(**values)


def test_an_interrupted_regime_map_resumes_from_its_checkpoint(tmp_path):
    from deterrence import regime_map
    axes = (("delta", [0.5, 0.8, 0.95]), ("W_iran", [1, 50]))
    file = tmp_path / "map.json"
    CALLS.clear()
    whole = regime_map(*axes, model=counting_model, method="solve", executor="serial")
    before = len(CALLS) - 6              # the builds before the points: the axes' check, the model at the values
    CALLS.clear()
    INTERRUPT_AT[0] = before + 3         # two points, then Ctrl-C
    stopped = regime_map(*axes, model=counting_model, method="solve", executor="serial", checkpoint=file)
    assert stopped.interrupted and file.exists()
    CALLS.clear()
    INTERRUPT_AT[0] = None
    resumed = regime_map(*axes, model=counting_model, method="solve", executor="serial", checkpoint=file)
    assert len(CALLS) == before + 4      # then only the 4 missing points
    assert not resumed.interrupted
    assert resumed.values["regime"].tolist() == whole.values["regime"].tolist()
    assert resumed.values["war_probability"].tolist() == whole.values["war_probability"].tolist()


# -- deliver 5: this session's readers refuse what is not a small regular file ----------------
def _not_a_small_file(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)                  # opening it for reading would block for ever
        return path, "FIFO"
    if kind == "device":
        return Path("/dev/zero"), "device"
    path = tmp_path / "huge.csv"
    with open(path, "wb") as out:        # sparse: 8 GB that take no disk and no memory
        out.truncate(8 << 30)
    return path, "larger than the limit"


@pytest.mark.parametrize("kind", ["fifo", "device", "oversized"])
@pytest.mark.parametrize("argv", [
    ("fit", "prisoners_dilemma", "--data", "{file}"),
    ("fit", "crisis_resolve", "--model", "strategic_probit", "--data", "{file}"),
    ("report", "--record", "{file}"),
], ids=["fit qre", "fit strategic_probit", "report --record"])
def test_fit_data_and_record_files_are_checked_before_reading(argv, kind, tmp_path):
    path, words = _not_a_small_file(tmp_path, kind)
    done = cli(*(a.format(file=path) for a in argv), timeout=60, memory=1 << 30)
    assert_one_line_refusal(done, str(path), words)


@pytest.mark.parametrize("kind", ["fifo", "device", "oversized"])
def test_record_readers_refuse_what_is_not_a_small_regular_file(kind, tmp_path):
    from deterrence import read_aggregate_record, read_record
    from deterrence.io.events_csv import read_events
    path, words = _not_a_small_file(tmp_path, kind)
    for reader in (read_record, read_aggregate_record, read_events):
        with pytest.raises(GameError, match=words):
            reader(path)


# -- deliver 4: the tree-width guard (tied moves) can be raised, in the API and the CLI --------
def test_the_tied_moves_guard_is_raised_by_max_tie_entries(tmp_path):
    from deterrence import GameTree, decision, solve, terminal
    wide = GameTree(decision("A", {f"m{i}": terminal([0]) for i in range(1100)}), players=["A"])
    with pytest.raises(TooLargeError, match="max_tie_entries=1210000"):
        solve(wide)
    assert len(solve(wide, max_tie_entries=1210000).equilibria) == 1100
    lines = ['EFG 2 R "wide" { "A" }', '""',
             'p "" 1 1 "" { ' + " ".join(f'"m{i}"' for i in range(1100)) + " } 0"]
    lines += [f't "" {i + 1} "" {{ 0 }}' for i in range(1100)]
    path = tmp_path / "wide.efg"
    path.write_text("\n".join(lines) + "\n")
    assert_one_line_refusal(cli("solve", str(path)), "--limit max_tie_entries=")
    done = cli("solve", str(path), "--limit", "max_tie_entries=1210000")
    assert done.returncode == 0, done.stderr[-2000:]


def test_simulations_refuse_payoffs_beyond_the_float_range_naming_them():
    # before: "simulate: bad arguments ...: OverflowError: int too large to convert to float"
    from deterrence import simulate, tournament
    game = load_game("prisoners_dilemma").subs(T=10**400)
    with pytest.raises(TooLargeError, match="beyond the float range.*1e\\+400"):
        simulate(game, ("tft", "tft"), matches=10, turns=10, noise={"tremble": "1/10"}, seed=1)
    with pytest.raises(TooLargeError, match="beyond the float range"):
        tournament(game, ["tft", "alld"], matches=10, turns=10, seed=1)


# -- deliver 4/7: the progress bar is not escaped with the text -------------------------------
def test_the_progress_bar_of_report_record_is_not_written_as_escapes():
    # before: the CLI's escaping stderr turned the bar's carriage returns into "\x0d" text
    record = ROOT / "deterrence" / "data" / "us_iran_record.toml"
    done = cli("report", "--record", str(record), "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    # (text mode reads the bar's carriage returns as line ends)
    assert done.stderr.count("fit_to_record") >= 2
    assert "\\x0d" not in done.stderr and "\\x1b" not in done.stderr


def test_the_cli_still_escapes_control_characters_on_stderr():
    done = cli("solve", "no_such_game_\x1b[2J")
    assert_one_line_refusal(done, "\\x1b[2J")


def test_stochastic_games_beyond_the_float_range_are_searched_exactly():
    # before: an OverflowError traceback from the float tables of the pure MPE enumeration;
    # now the exact best-response search answers, and the note says why it was used
    done = cli("solve", "stochastic_prisoners_dilemma", "--set", "b1=1e400")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "good: A C, B C; poor: A C, B C" in done.stdout and "good: A D, B D; poor: A D, B D" in done.stdout
    assert "beyond the float range" in done.stdout and "over the limit" not in done.stdout


def test_a_refused_file_is_named_by_its_kind_with_its_article(tmp_path):
    from deterrence.errors import GameFileError
    from deterrence.io.events_csv import read_aggregate_record, read_events
    for reader, kind in ((read_events, "an events file"), (read_aggregate_record, "a record file")):
        with pytest.raises(GameFileError) as info:
            reader(str(tmp_path))                 # a folder
        assert str(info.value).endswith(f"give the path of {kind}")


def test_an_error_review_of_stop_39_each_input_refused_by_name(tmp_path, capsys):
    """A review that mistyped every input: each of these ran silently with another meaning (the
    last of two --noise options, of two keys, of two strategy parameters, of two --parameter
    options; exact="no" as true; players="AB" as A and B), gave a traceback (strategies = 7 in
    a file; a condition "x < 1 and 2"), or named nothing (a chance probability out of [0, 1] at
    a --set value; --max-states -1 "over the limit of -1"). Each is refused by name now."""
    import deterrence as dt
    from deterrence.cli import main
    from deterrence.core.symbolic import parse_condition
    from deterrence.errors import ExpressionError
    from deterrence.io.catalogue import catalogue_dir

    def refused(*args):
        assert main(list(args)) != 0
        return capsys.readouterr().err
    text = (catalogue_dir() / "prisoners_dilemma.toml").read_text()
    bad = tmp_path / "pd.toml"
    bad.write_text("\n".join("strategies = 7" if line.startswith("strategies =") else line
                             for line in text.splitlines()))
    assert "pd.toml:" in refused("repeated", str(bad)) and "strategies = 7: a profile names two strategies" in \
        refused("repeated", str(bad))
    lines = text.splitlines()
    at = {key: next(k for k, line in enumerate(lines, 1) if line.startswith(key + " ="))
          for key in ("delta", "strategies")}
    for key, mistyped, said in (("delta", 'delat = "9/10"', f"delat.toml:{at['delta']}: repeated.delat: [repeated]: "
                                 "unknown key(s) delat"),
                                ("strategies", 'strategies = ["2", "grim_trigger"]',
                                 f"two.toml:{at['strategies']}: repeated.strategies: strategy '2' is not a name")):
        path = tmp_path / ("delat.toml" if key == "delta" else "two.toml")
        path.write_text("\n".join(mistyped if line.startswith(key + " =") else line for line in lines))
        assert said in refused("repeated", str(path))        # the key's own line (was repeated.noise, or none)
    payoff = tmp_path / "payoff.toml"
    payoff.write_text(text.replace('"C, C" = ["R", "R"]', '"C, C" = ["R", "Q"]'))
    assert 'payoff.toml:25: payoffs."C, C" (the payoff of Column): \'Q\': unknown name' in refused(
        "solve", str(payoff))
    assert main(["repeated", "chicken", "--delta", "1/2", "-s", "tit_for_tat,tit_for_tat", "--noise", "execution=1/2",
                 "--noise", "tremble=1/3"]) == 0
    assert "noise: execution 1/2, tremble 1/3" in capsys.readouterr().out
    assert "--noise: execution given twice (1/2 and 1/3)" in refused(
        "repeated", "chicken", "--delta", "1/2", "--noise", "execution=1/2,execution=1/3")
    assert "no noise and some noise at once" in refused("repeated", "chicken", "--delta", "1/2", "--noise", "none",
                                                        "--noise", "tremble=1/3")
    assert "parameter k given twice" in refused("repeated", "chicken", "--delta", "1/2", "-s",
                                                "limited_retaliation(k=3,k=2),tit_for_tat")
    assert "generous_tit_for_tat: forgiveness g is 2: probabilities lie in [0, 1]" in refused(
        "repeated", "chicken", "--delta", "1/2", "-s", "generous_tit_for_tat(g=2),tit_for_tat")
    assert "--max-states must be a whole number >= 1, got -1" in refused(
        "repeated", "prisoners_dilemma", "--max-states", "-1")
    counts = tmp_path / "c.csv"
    counts.write_text("player,action,count\nRow,swerve,30\nRow,straight,10\nColumn,swerve,25\nColumn,straight,12\n")
    assert "crash named twice" in refused("fit", "chicken", "--data", str(counts), "--parameter", "crash",
                                          "--parameter", "crash")
    assert "(at r = 2, " in refused("solve", "brinkmanship", "--set", "r=2")
    assert "--threats is for game trees; chicken is a NormalFormGame" in refused("solve", "chicken", "--threats")
    assert "--limit max_depth is for game trees" in refused("solve", "chicken", "--limit", "max_depth=5")
    chicken = load_game("chicken")
    with pytest.raises(GameError, match="option exact is a switch, True or False; got 'no'"):
        dt.solve(chicken, "lemke_howson", exact="no")
    with pytest.raises(GameError, match="players: a list of names"):
        dt.NormalFormGame.from_arrays([[1, 2], [3, 4]], [[1, 2], [3, 4]], players="AB")
    with pytest.raises(GameError, match="actions: one list of labels per player"):
        dt.NormalFormGame.from_arrays([[1, 2], [3, 4]], [[1, 2], [3, 4]], actions=["ab", "cd"])
    for condition in ("not 3", "x < 1 and 2", "(x < 1) + 1", "x < (y < 1)", "-(x < 1)"):
        with pytest.raises(ExpressionError, match="not a condition|not conditions"):
            parse_condition(condition, ["x", "y"])
    with pytest.raises(GameError, match="'3' is not a condition"):
        dt.conditions_hold("not 3", {"x": 1})
    assert str(parse_condition("x < 1 and not (y > 2)", ["x", "y"])) == "(y <= 2) & (x < 1)"


def test_tree_methods_given_payoffs_beyond_the_float_range(tmp_path):
    # a tree with a payoff of 1e999 (exact in the file): sequence_form, sequence_lcp and agent_qre
    # raised OverflowError, a traceback on the command line (a fuzzing review). The float
    # methods refuse by name; sequence_lcp's float path is only a shortcut: the exact path answers.
    from deterrence import solve
    text = (ROOT / "games" / "entry_deterrence.toml").read_text()
    (tmp_path / "huge.toml").write_text(text.replace('moves.out = [0, "m"]', 'moves.out = [1e999, "m"]'))
    tree = load_game(tmp_path / "huge.toml")
    for method in ("sequence_form", "agent_qre"):
        with pytest.raises(TooLargeError, match="beyond the float range.*1e\\+999"):
            solve(tree, method)
    (eq,) = solve(tree, "sequence_lcp").equilibria
    assert eq.payoffs == (10**999, 2)


def test_an_exact_war_risk_too_large_to_compute_is_refused_with_its_size():
    """--within 10000 with a noise of 1e-400 ran past 100 s with no limit (a fuzzing review): the
    numbers grow by the noise's denominator a round; over the limit the command says so at once."""
    from deterrence.solvers.repeated.noise_markov import MAX_WAR_DIGITS
    done = cli("repeated", "prisoners_dilemma", "--within", "10000", "--noise", "execution=1e-400")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "needs numbers of about 8,001,377 digits" in done.stderr and "lower --within" in done.stderr
    assert 801 * 500 < MAX_WAR_DIGITS < 801 * 10000
    small = cli("repeated", "prisoners_dilemma", "--within", "100", "--noise", "execution=1e-400")
    assert small.returncode == 0 and "within 100 rounds: probability" in small.stdout
