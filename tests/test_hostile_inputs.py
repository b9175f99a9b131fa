"""Hostile and careless inputs (issue 17): nothing executed, no traceback, guards before work.

See tests/README.md, "Hostile inputs (issue 17)", for the families and the test of each.
"""
import os
import re
from fractions import Fraction
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_python(code_or_args, *, timeout=600, memory=3 << 30):
    """Run python in a child process with a memory cap; returns the CompletedProcess."""
    def cap():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *code_or_args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT, preexec_fn=cap)


# -- 1. no string is ever executed ----------------------------------------------------
def test_no_public_function_executes_a_payload_string(tmp_path):
    # every callable of deterrence.__all__, every parameter in turn (text, dict, list, **kwargs)
    marker = tmp_path / "PWNED"
    done = run_python([str(ROOT / "tests" / "payload_probe.py"), str(marker)])
    assert done.returncode == 0, done.stderr[-2000:]
    calls = int(done.stdout.strip().rsplit("calls=", 1)[1])
    assert calls > 1000          # the introspection reached the API
    assert not marker.exists()


def test_internal_sympify_sites_go_through_the_whitelist():
    # a bare sympy.sympify anywhere in the package would evaluate text: only the parser may build
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "deterrence").rglob("*.py")
                 if "sympify(" in p.read_text().replace("bare ``sympify``", "")
                 and p.name != "symbolic.py"]
    assert offenders == []


# -- 2. no traceback: bad paths and files ----------------------------------------------
import pytest  # noqa: E402

from deterrence import load_game, write_game  # noqa: E402
from deterrence.errors import DeterrenceError, GameFileError, TooLargeError  # noqa: E402


@pytest.mark.parametrize("source", [None, 123, 1.5, b"\xff\xfe.toml", "a" * 100_000, "x\0y.toml",
                                    ["chicken"], ""])
def test_load_game_refuses_what_is_not_a_path_with_a_game_error(source):
    with pytest.raises(GameFileError):
        load_game(source)


def test_load_game_reads_a_bytes_path(tmp_path):
    path = tmp_path / "c.toml"
    write_game(load_game("chicken"), path)
    assert load_game(os.fsencode(path)) == load_game("chicken")


def test_write_game_into_a_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(GameFileError, match="does not exist"):
        write_game(load_game("chicken"), tmp_path / "missing" / "c.toml")
    with pytest.raises(GameFileError, match="expected a file path"):
        write_game(load_game("chicken"), None)


# -- 4. files: only regular files, size checked before reading ------------------------
@pytest.mark.parametrize("suffix", [".toml", ".json", ".nfg", ".efg"])
def test_a_fifo_is_refused_without_blocking(tmp_path, suffix):
    fifo = tmp_path / ("pipe" + suffix)
    os.mkfifo(fifo)          # opening it for reading would block forever
    with pytest.raises(GameFileError, match="not a regular file"):
        load_game(fifo)


def test_devices_are_refused_without_reading(tmp_path):
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")   # reading it would never end
    with pytest.raises(GameFileError, match="device"):
        load_game(link)


def test_an_oversized_sparse_file_is_refused_before_reading(tmp_path):
    from deterrence.io._common import MAX_FILE_BYTES
    big = tmp_path / "big.toml"
    with open(big, "wb") as handle:       # 8 GB sparse: reading it would exhaust memory
        handle.truncate(8 << 30)
    done = run_python(["-c", f"import deterrence\ntry:\n deterrence.load_game({str(big)!r})\n"
                             "except deterrence.DeterrenceError as e: print(e)"], memory=1 << 30)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{8 << 30} bytes is larger than the limit of {MAX_FILE_BYTES}" in done.stdout


# -- 2. big exact numbers: the float pre-pass scales or falls back ----------------------
import numpy as np  # noqa: E402

from deterrence import NormalFormGame, solve  # noqa: E402


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("factor", [10**308, 2**1100, 10**400])
def test_enumeration_of_huge_payoffs_gives_the_equilibria_of_the_scaled_down_game(seed, factor):
    # multiplying every payoff of a player by a positive constant keeps the equilibria
    rng = np.random.default_rng(seed)
    A, B = rng.integers(-5, 6, (3, 4)).tolist(), rng.integers(-5, 6, (3, 4)).tolist()
    small = solve(NormalFormGame.from_arrays(A, B))
    big = solve(NormalFormGame.from_arrays([[factor * a for a in row] for row in A],
                                           [[factor * b for b in row] for row in B]))
    assert [e.strategies for e in big] == [e.strategies for e in small]


def test_enumeration_of_plus_and_minus_1e308_in_one_game():
    game = NormalFormGame.from_arrays([[10**308, -10**308], [0, 1]], [[1, 0], [0, 1]])
    reference = NormalFormGame.from_arrays([[1, -1], [0, Fraction(1, 10**308)]], [[1, 0], [0, 1]])
    assert [e.strategies for e in solve(game)] == [e.strategies for e in solve(reference)]


def test_lemke_howson_answers_payoffs_beyond_the_float_range_exactly():
    game = NormalFormGame.from_arrays([[2**1100, 0], [0, 1]], [[1, 0], [0, 2**1100]])
    found = solve(game, "lemke_howson")
    assert found.exact and found[0].strategies in {e.strategies for e in solve(game)}


@pytest.mark.parametrize("scale, shift", [(10**400, 0), (10**400, -10**400), (1, 10**400), (2**1100, 7),
                                          (10**400, 10**800)])
def test_zero_sum_answers_payoffs_beyond_the_float_range_exactly(scale, shift):
    # the LP sees the matrix shifted and divided exactly; strategies are those of the small game
    small = [[3, -1, 0], [-2, 1, 2], [0, 2, -3]]
    big = NormalFormGame.zero_sum([[scale * a + shift for a in row] for row in small])
    found = solve(big, "zero_sum")
    reference = solve(NormalFormGame.zero_sum(small), "zero_sum")
    assert found.exact and found[0].strategies == reference[0].strategies
    from deterrence import game_value
    assert game_value(big) == scale * game_value(NormalFormGame.zero_sum(small)) + shift


# -- 2. exact numbers of any length in JSON and text -------------------------------------
def test_json_and_text_of_exact_numbers_beyond_4300_digits():
    import json
    game = NormalFormGame.from_arrays([[10**5000, 0], [0, 1]], [[1, 0], [0, 3**12000]])
    result = solve(game)
    data = json.loads(json.dumps(result.to_json()))
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)        # only to read the answer back here
    try:
        written = {tuple(Fraction(p) for s in eq["strategies"] for p in s) for eq in data["equilibria"]}
        assert written == {tuple(p for s in e.strategies for p in s) for e in result}
        assert str(10**5000) not in str(result)       # the text shortens it (review 45); the JSON has it all
        assert str(10**5000) in json.dumps(result.to_json())
    finally:
        sys.set_int_max_str_digits(old)


def test_text_shortens_exact_numbers_of_hundreds_of_digits_and_json_keeps_them():
    """Review 45: `solve` printed a payoff of 10**300 and probabilities of 240-digit fractions in
    full (a listing line of 2,757 characters); the Moran fixation probability of a population of
    300 was a fraction of 826/881 digits. Text gives six digits and the count of the exact ones."""
    import json
    game = NormalFormGame.from_arrays([[10**300, 0], [0, 1]], [[1, 0], [0, 3**500]])
    result = solve(game)
    lines = str(result).splitlines()
    assert max(map(len, lines)) < 250 and max(map(len, repr(result).splitlines())) < 250, lines
    assert "(payoffs ~1e+300 (exact: 301 digits), 1)" in str(result)
    assert "Row: ~1 (exact: 239/239 digits) 0 + ~2.75025e-239 (exact: 1/239 digits) 1" in str(result)
    data = json.loads(json.dumps(result.to_json()))
    assert {tuple(Fraction(p) for s in eq["strategies"] for p in s) for eq in data["equilibria"]} == \
        {tuple(p for s in e.strategies for p in s) for e in result}
    assert str(10**300) in json.dumps(data)
    # the game's table (`deterrence show`) and its report's margins too; the report's JSON is exact
    from deterrence import explain
    table = game.to_text()
    assert "~1e+300 (exact: 301 digits), 1" in table and max(map(len, table.splitlines())) < 100, table
    report = explain(game)
    assert max(map(len, report.to_text().splitlines())) < 250
    assert "Row would lose ~1e+300 (exact: 301 digits) by escalating" in report.to_text()
    assert report.section("margins").data["players"][0]["loss"] == str(10**300)
    # numbers of a line's length stay exact in text
    coordination = solve(NormalFormGame.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]]))
    assert "[1] Row: 2/3 0 + 1/3 1; Column: 1/3 0 + 2/3 1  (payoffs 2/3, 2/3)" in str(coordination)
    done = cli("dynamics", "stag_hunt", "--rule", "moran", "--population", "300")
    assert done.returncode == 0, done.stderr
    (line,) = [ln for ln in done.stdout.splitlines() if ln.startswith("fixation probability")]
    assert "~4.73167e-55 (exact: 826/881 digits)" in line and len(line) < 200, line
    shown = json.loads(cli("dynamics", "stag_hunt", "--rule", "moran", "--population", "300", "--json").stdout)
    num, den = shown["fixation_probability"].split("/")
    assert (len(num), len(den)) == (826, 881)


def test_repeated_json_with_long_exact_war_risk(tmp_path):
    done = run_python(["-m", "deterrence.cli", "repeated", "prisoners_dilemma", "--within", "2000",
                       "--noise", "execution=1/50", "--json"])
    assert done.returncode == 0, done.stderr[-2000:]
    import json
    risk = json.loads(done.stdout)["war_probability"]
    num, den = risk.split("/")
    assert len(risk) > 4300 and len(num) <= len(den) and num.isdigit() and den.isdigit()


# -- 2./3. repeated games: bad specs refused, sizes guarded before the work -------------
from deterrence import analyse_repeated  # noqa: E402
from deterrence.core.repeated import Noise  # noqa: E402


def cli(*args, timeout=300):
    return run_python(["-m", "deterrence.cli", *args], timeout=timeout)


@pytest.mark.parametrize("table", [5, "x", {"hold": 5}, {"hold": {"hold": 1}, 3: {}}])
def test_noise_implementation_that_is_not_a_table_is_a_game_error(table):
    with pytest.raises(DeterrenceError, match="noise implementation"):
        Noise(implementation=table)


def test_noise_implementation_5_in_a_file_is_one_line(tmp_path):
    text = (ROOT / "games" / "prisoners_dilemma.toml").read_text()
    text = text.split("[repeated]")[0] + '[repeated]\ndelta = "9/10"\nnoise = { implementation = 5 }\n'
    (tmp_path / "g.toml").write_text(text)
    done = cli("repeated", str(tmp_path / "g.toml"), "-s", "tft,tft")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "noise implementation" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_strategy_parameters_cannot_set_the_player():
    done = cli("repeated", "prisoners_dilemma", "-s", "tft(player=1),tft")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "player cannot be given here" in done.stderr


def test_limited_retaliation_with_a_billion_rounds_is_refused_before_building():
    done = run_python(["-c", "import deterrence as d\ntry:\n d.strategy('limited_retaliation', "
                             "d.load_game('us_iran_stage'), k=10**9)\nexcept d.TooLargeError as e: print(e)"],
                      memory=1 << 30)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1000000001 states, over the limit of 10000" in done.stdout


def test_joint_states_within_and_horizon_are_guarded_before_the_work_and_can_be_raised():
    from deterrence.solvers.repeated.analysis import MAX_JOINT_STATES
    stage = load_game("us_iran_stage")
    big = "limited_retaliation(k=10), limited_retaliation(k=10)"
    with pytest.raises(TooLargeError, match=r"11 x 11 = 121 joint states, over the limit of 100.*max_states=121"):
        analyse_repeated(stage, big)
    with pytest.raises(TooLargeError, match=r"within 10000000 rounds.*max_within=10000000"):
        analyse_repeated(stage, within=10**7)
    with pytest.raises(TooLargeError, match=r"horizon of 10000 rounds.*max_horizon=10000"):
        analyse_repeated(stage, horizon=10_000)
    # raised limits let the work run: a small profile under a lowered and raised limit
    small = "limited_retaliation(k=1), tft"
    with pytest.raises(TooLargeError):
        analyse_repeated(stage, small, max_states=3, critical=False)
    assert analyse_repeated(stage, small, max_states=4, critical=False).payoffs == \
        analyse_repeated(stage, small, critical=False).payoffs
    assert MAX_JOINT_STATES == 100


@pytest.mark.parametrize("args, option", [(["--within", "1000000"], "--max-within=1000000"),
                                          (["--horizon", "10000"], "--max-horizon=10000"),
                                          (["-s", "limited_retaliation(k=10),limited_retaliation(k=10)"],
                                           "--max-states=121")])
def test_cli_guards_name_the_cli_option(args, option):
    done = cli("repeated", "us_iran_stage", *args, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert option in done.stderr and "max_" not in done.stderr


# -- 7. a closed pipe ends the command quietly ------------------------------------------
@pytest.mark.parametrize("command", [["show", "us_iran_stage"], ["list"], ["solve", "chicken"]])
def test_a_closed_pipe_ends_quietly(command):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "deterrence.cli", *command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdout.close()       # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert err == ""


# -- 3. huge literals refused before the work, in --set, the API and files ------------
@pytest.mark.parametrize("command", [["solve", "us_iran_stage"], ["repeated", "us_iran_stage"], ["report"],
                                     ["solve", "entry_deterrence"]])
@pytest.mark.parametrize("value", ["1e999999999", "1e-99999999", "1e5000", "1" * 5000])
def test_set_of_a_huge_literal_is_refused_naming_the_value_and_the_limit(command, value):
    name = "f" if command[-1] == "entry_deterrence" else "W_iran"
    done = cli(*command, "--set", f"{name}={value}", timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "over the limit of 4000 digits" in done.stderr and name in done.stderr


def test_api_and_tree_files_refuse_huge_literals(tmp_path):
    with pytest.raises(TooLargeError, match="about 1000000000 digits"):
        load_game("us_iran_stage").subs(W_iran="1e999999999")
    (tmp_path / "big.efg").write_text('EFG 2 R "x" { "A" }\nt "" 1 "o" { 1e999999999 }\n')
    with pytest.raises(GameFileError, match=r"big.efg:2: .*over the limit of 4000 digits"):
        load_game(tmp_path / "big.efg")     # with its line, as the other readers (found by fuzz_readers)
    assert load_game("us_iran_stage").subs(W_iran="1e3000").parameters["W_iran"] == 10**3000


@pytest.mark.parametrize("suffix, text", [
    (".toml", 'title="x"\nplayers=["A","B"]\n[actions]\nA=["a"]\nB=["b"]\n[payoffs]\n"a, b" = ['
     + "1" * 5000 + ", 0]\n"),
    (".json", '{"players": ["A"],\n "x": ' + "1" * 5000 + "}\n")])
def test_long_integers_in_files_are_refused_without_python_advice(tmp_path, suffix, text):
    (tmp_path / ("g" + suffix)).write_text(text)
    with pytest.raises(GameFileError) as err:
        load_game(tmp_path / ("g" + suffix))
    assert "5000 digits, over the limit of 4300" in str(err.value)
    assert "set_int_max_str_digits" not in str(err.value)


# -- 3./4. trees: depth refused before recursion runs out; threats analysed on small trees --
def chain_efg(depth):
    lines = ['EFG 2 R "chain" { "A" "B" }', '""']
    for i in range(depth):
        lines += [f'p "" {i % 2 + 1} {i + 1} "" {{ "a" "b" }} 0', f't "" {i + 1} "" {{ {i}, {-i} }}']
    return "\n".join(lines + ['t "" 99999 "" { 1, 1 }']) + "\n"


def test_efg_chain_too_deep_is_refused_and_a_deep_allowed_chain_solves(tmp_path):
    (tmp_path / "c499.efg").write_text(chain_efg(499))
    done = cli("solve", str(tmp_path / "c499.efg"))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "nested too deeply" in done.stderr
    (tmp_path / "c299.efg").write_text(chain_efg(299))
    done = cli("solve", str(tmp_path / "c299.efg"), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    import json
    out = json.loads(done.stdout)
    assert out["equilibria"] and "add --threats" in out["credibility_note"]


def test_credible_threats_run_on_small_trees_and_on_request():
    done = cli("solve", "entry_deterrence")
    assert "Which threats are credible: 2 pure Nash" in done.stdout


def test_cli_limit_messages_name_the_cli_option():
    done = cli("solve", "chicken", "--limit", "1")
    assert done.returncode == 2 and "pass --limit " in done.stderr and "limit=" not in done.stderr
    assert cli("solve", "chicken", "--limit", "100").returncode == 0


# -- 7. output safety: control characters escaped, --plot checked first, labels literal ------
ESCAPES_TOML = ('title = "evil\\u001b]0;pwned\\u0007\\u001b[2J \\u202etitle"\nplayers = ["A\\u001b[31m", "B"]\n'
                '[actions]\n"A\\u001b[31m" = ["x"]\nB = ["y\\u001b[Kz"]\n[payoffs]\n"x, y\\u001b[Kz" = [1, 2]\n')


@pytest.mark.parametrize("command", [["show"], ["solve"], ["report"], ["solve", "--json"]])
def test_control_characters_from_a_file_never_reach_the_terminal(tmp_path, command):
    (tmp_path / "esc.toml").write_text(ESCAPES_TOML)
    done = cli(command[0], str(tmp_path / "esc.toml"), *command[1:])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout and "\u202e" not in done.stdout
    assert "A\\x1b[31m" in done.stdout or "A\\u001b[31m" in done.stdout


@pytest.mark.parametrize("target, message", [("out.txt", "unknown figure format '.txt'"),
                                             ("out", "no figure format"),
                                             ("missing/out.png", "does not exist")])
def test_report_plot_refuses_a_bad_path_before_any_work(tmp_path, target, message):
    done = cli("report", "--plot", str(tmp_path / target))
    assert done.returncode == 2 and message in done.stderr
    assert done.stdout == ""            # refused before the report was computed or printed


def test_report_plot_does_not_overwrite_without_force(tmp_path):
    figure = tmp_path / "c.png"
    figure.write_bytes(b"keep me")
    done = cli("report", "chicken", "--plot", str(figure))
    assert done.returncode == 2 and "--force" in done.stderr and figure.read_bytes() == b"keep me"
    assert cli("report", "chicken", "--plot", str(figure), "--force").returncode == 0
    assert figure.read_bytes()[:4] == b"\x89PNG"


def test_labels_with_tex_markup_are_drawn_literally(tmp_path):
    from deterrence.plot.report import save_report_figures
    bad = ["$x^{$", "a_b$", "$\\frac{1}{0}$", "\\alpha"]
    game = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]], players=[bad[0], bad[3]],
                                      actions=[bad[:2], bad[2:]])
    save_report_figures(game, None, tmp_path / "g.png")
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    import matplotlib
    assert matplotlib.rcParams["text.parse_math"]     # the rest of the process is untouched


# -- 5. one rule for delta, wherever it enters ------------------------------------------
@pytest.mark.parametrize("delta", [float("nan"), 1.5, 2, 1, -0.1, "3/2"])
def test_regime_map_refuses_the_deltas_the_games_refuse(delta):
    from deterrence.analysis.maps import regime_map
    from deterrence.core.repeated import RepeatedGame
    with pytest.raises(DeterrenceError) as by_game:
        RepeatedGame(load_game("us_iran_stage"), delta)
    for method in ("symbolic", "solve"):
        with pytest.raises(DeterrenceError) as by_map:
            regime_map(("delta", [0.5, delta]), method=method, executor="serial")
        assert str(by_map.value) == str(by_game.value)


def test_delta_with_a_horizon_is_told_in_terms_of_the_horizon():
    done = cli("repeated", "prisoners_dilemma", "--delta", "2", "--horizon", "3")
    assert done.returncode == 2 and "with a finite horizon (3 rounds)" in done.stderr
    assert "(or [0, 1] with a finite horizon)" not in done.stderr
    assert cli("repeated", "prisoners_dilemma", "--delta", "1", "--horizon", "3").returncode == 0


# -- 4. guards before the work: sweeps, simulations, game dimensions, tied moves ----------
def test_sweep_and_map_grids_are_checked_before_the_grid_is_built():
    from deterrence import regime_map, sweep, vectorised_map

    def endless():                 # a lazy axis: only the first limit+1 values are ever read
        k = 0
        while True:
            yield k
            k += 1
    with pytest.raises(TooLargeError, match=r"100000000 = 100,000,000 points.*max_points=100000000"):
        sweep(abs, {"x": range(10**8)})
    with pytest.raises(TooLargeError, match="over the limit of 1,000,000"):
        sweep(abs, {"x": endless()})
    with pytest.raises(TooLargeError, match=r"10000 x 10000"):
        vectorised_map({"e": "x + y"}, {"x": range(10**4), "y": range(10**4)})
    with pytest.raises(TooLargeError, match=r"10000 x 10000"):
        regime_map(("delta", np.linspace(0, 0.9, 10**4)), ("W_iran", range(10**4)))
    # a raised limit lets the same call run; a lowered one refuses a small grid
    assert sweep(pow, {"base": [1, 2, 3], "exp": [2]}, executor="serial",
                 max_points=3).values["value"].tolist() == [[1], [4], [9]]
    with pytest.raises(TooLargeError):
        sweep(pow, {"base": [1, 2, 3], "exp": [2]}, executor="serial", max_points=2)
    assert vectorised_map({"e": "x"}, {"x": [1, 2]}, max_points=2).values["e"].tolist() == [1, 2]


def test_simulate_a_billion_matches_is_refused_before_allocating():
    from deterrence import simulate
    done = run_python(["-c", "import deterrence as d\ntry:\n d.simulate(d.load_game('prisoners_dilemma'), "
                             "['tft', 'tft'], matches=10**9, turns=1)\nexcept d.TooLargeError as e: print(e)"],
                      memory=1 << 30)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "over the limit of 10,000,000 matches" in done.stdout and "max_rounds=" in done.stdout
    pd = load_game("prisoners_dilemma").with_defaults()
    with pytest.raises(TooLargeError, match="200,000,000,000 simulated rounds"):
        simulate(pd, ["tft", "tft"], matches=10**9)
    with pytest.raises(TooLargeError):
        simulate(pd, ["tft", "tft"], matches=10, turns=10, max_rounds=99)
    assert simulate(pd, ["tft", "tft"], matches=10, turns=10, seed=1, max_rounds=100).payoffs == (3.0, 3.0)


def test_a_one_by_twenty_thousand_game_is_refused_and_a_limit_lifts_the_refusal():
    wide = NormalFormGame.from_arrays([list(range(20_000))], [[0] * 20_000])
    with pytest.raises(TooLargeError, match="20000 actions for one player, over the default limit of 1000"):
        solve(wide)
    done = cli("solve", "--json", str(ROOT / "games" / "chicken.toml"), "--limit", "10")
    assert done.returncode == 0
    # the same rule on a smaller game: just over the limit refused, explicit limit solves it
    from deterrence.solvers.normal_form import enumeration
    narrow = NormalFormGame.from_arrays([[1] * 1001], [list(range(1001))])
    with pytest.raises(TooLargeError):
        solve(narrow)
    (only,) = solve(narrow, limit=10**6).equilibria     # Column's last action is its only best reply
    assert only.strategies[1][-1] == 1 and enumeration.MAX_ACTIONS == 1000


def test_a_tree_with_100000_tied_moves_is_refused_before_listing_the_equilibria():
    from deterrence import GameTree, decision, terminal
    done = run_python(["-c", "import deterrence as d\nt = d.GameTree(d.decision('A', {f'm{i}': d.terminal([0]) "
                             "for i in range(100000)}), players=['A'])\ntry:\n d.solve(t)\n"
                             "except d.TooLargeError as e: print(e)"], memory=2 << 30)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "100000 tied best moves (of 100000) at node root" in done.stdout
    small = GameTree(decision("A", {f"m{i}": terminal([0]) for i in range(50)}), players=["A"])
    assert len(solve(small).equilibria) == 50     # one per tied move, as documented


# -- 8. messages in the user's terms ----------------------------------------------------------
def test_a_flat_sum_of_many_terms_is_not_nesting():
    from deterrence.core.symbolic import parse_expression
    assert str(parse_expression("+".join(["a"] * 41), ["a"])) == "41*a"
    assert parse_expression(" - ".join(["1"] * 500), []) == -498
    with pytest.raises(DeterrenceError, match="nests 45 deep"):
        parse_expression("(" * 45 + "a" + ")" * 45, ["a"])


def test_undefined_payoff_at_the_values_is_named_with_the_values(tmp_path):
    text = ('title="x"\nplayers=["A","B"]\n[parameters]\na = 1\n[actions]\nA=["x","y"]\nB=["u","v"]\n'
            '[payoffs]\n"x, u" = ["1/(a-1)", 0]\n"x, v" = [0, 0]\n"y, u" = [0, 0]\n"y, v" = [1, 1]\n')
    (tmp_path / "pole.toml").write_text(text)
    done = cli("solve", str(tmp_path / "pole.toml"))
    assert done.returncode == 2 and "is 1/(a - 1), which is not finite at a = 1" in done.stderr
    assert cli("solve", str(tmp_path / "pole.toml"), "--set", "a=2").returncode == 0


def test_an_irrational_payoff_is_named_not_an_empty_parameter_list(tmp_path):
    text = ('title="x"\nplayers=["A","B"]\n[actions]\nA=["x","y"]\nB=["u","v"]\n[payoffs]\n'
            '"x, u" = ["sqrt(2)", 0]\n"x, v" = [0, 0]\n"y, u" = [0, 0]\n"y, v" = [1, 1]\n')
    (tmp_path / "s.toml").write_text(text)
    done = cli("solve", str(tmp_path / "s.toml"))
    assert done.returncode == 2
    assert "the payoff of A at (x, u) is sqrt(2), which is not a rational number" in done.stderr
    assert not done.stderr.rstrip().endswith("give values to")


@pytest.mark.parametrize("method, subject", [("correlated", "correlated_equilibria needs"),
                                             ("coarse_correlated", "coarse_correlated_equilibria needs"),
                                             ("qre", "logit_qre needs")])
def test_an_irrational_payoff_is_refused_in_words(method, subject):
    # they said "correlated equilibria needs" and "a float view needs" (a fuzzing review); since
    # the tools take a symbolic game at its defaults as solve does, the refusal names the tool
    import sympy
    game = NormalFormGame.from_arrays([[sympy.sqrt(2), 0], [0, 1]], [[0, 0], [0, 1]])
    with pytest.raises(DeterrenceError, match=f"^{re.escape(subject)} rational payoffs; the payoff of "):
        solve(game, method=method)


def test_missing_values_name_the_cli_option_and_symbolic_delta_names_delta():
    import sympy
    from deterrence import one_shot_deviation
    k = sympy.Symbol("k", real=True)
    with pytest.raises(DeterrenceError, match=r"--set k=VALUE"):
        solve(NormalFormGame.from_arrays([[k]], [[0]], parameters={"k": None}))
    with pytest.raises(DeterrenceError, match=r"--delta on the command line"):
        one_shot_deviation(load_game("prisoners_dilemma"), ["tft", "tft"], delta=sympy.Symbol("delta"))


def test_trees_built_in_python_deeper_than_the_limit_are_refused_before_recursing():
    from deterrence import GameTree, decision, terminal
    from deterrence.core.tree import MAX_DEPTH

    def chain(depth):
        node = terminal([1, 1])
        for i in range(depth):
            node = decision("AB"[i % 2], {"stop": terminal([i, -i]), "go": node})
        return GameTree(node, players=["A", "B"])
    with pytest.raises(TooLargeError, match=f"deeper than {MAX_DEPTH} levels"):
        chain(900)
    # just under the limit the tree solves, as backward induction done here in a loop says
    depth = MAX_DEPTH - 10
    value = (1, 1)
    for i in range(depth):            # node i (0 = deepest) is moved by A when i is even
        mover = i % 2
        if (i, -i)[mover] > value[mover]:
            value = (i, -i)
    (spe,) = solve(chain(depth)).equilibria
    assert spe.payoffs == value


def test_repeated_text_shortens_a_long_exact_payoff_and_json_keeps_it():
    """Review 45: the noisy payoffs of tit-for-tat against win-stay-lose-shift are fractions of
    24/24 digits; the text line gave both exact and approximate (~150 characters), now the
    approximation and the digit count; the JSON's payoffs are the exact fractions."""
    import json
    args = ["repeated", "prisoners_dilemma", "--noise", "execution=1/997", "--noise", "perception=1/991",
            "--strategies", "tit_for_tat,win_stay_lose_shift", "--delta", "997/1000"]
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    (line,) = [ln for ln in done.stdout.splitlines() if ln.startswith("payoffs")]
    assert line.endswith("Row ~2.47716 (exact: 24/24 digits), Column ~2.47759 (exact: 24/24 digits)"), line
    payoffs = json.loads(cli(*args, "--json").stdout)["payoffs"]
    assert [len(p) for p in payoffs] == [49, 49] and abs(float(Fraction(payoffs[0])) - 2.47716) < 1e-5
    # a short exact payoff keeps its digits and its decimal
    assert "Row 8340/3391 (~2.45945)" in cli("repeated", "prisoners_dilemma", "--noise", "execution=1/50").stdout
