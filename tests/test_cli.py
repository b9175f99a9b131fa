"""The `deterrence` command: solve, show, list, and clean failures."""
import json
import subprocess
import sys
from fractions import Fraction

import pytest

from deterrence.cli import main


def run(*args):
    """Run the command in a subprocess, as a user would."""
    proc = subprocess.run([sys.executable, "-m", "deterrence.cli", *args],
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def test_solve_us_iran_json_contract():
    code, out, err = run("solve", "us_iran_stage", "--json")
    assert code == 0, err
    data = json.loads(out)
    eqs = data["equilibria"]
    assert len(eqs) == 3
    for eq in eqs:
        assert len(eq["strategies"]) == 2 and len(eq["payoffs"]) == 2
        for probs in eq["strategies"]:
            assert sum(Fraction(p) for p in probs) == 1  # exact rational strings
    assert sorted(i for c in data["cliques"] for i in c) == [0, 1, 2]
    assert sorted(i for c in data["components"] for i in c) == [0, 1, 2]


def test_solve_text_names_actions():
    code, out, _ = run("solve", "us_iran_stage")
    assert code == 0
    assert "US: retaliate; Iran: retaliate" in out and "3 equilibria" in out


def test_solve_with_parameter_override(capsys):
    # With a cheap war for Iran, escalating against a limited strike pays.
    assert main(["solve", "us_iran_stage", "--set", "W_iran=1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(eq["strategies"][1] != ["0", "1", "0"] for eq in data["equilibria"])


def test_show_and_list(capsys):
    assert main(["show", "prisoners_dilemma"]) == 0
    out = capsys.readouterr().out
    assert "Row \\ Column" in out and "T = 5" in out and "Axelrod" in out
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "us_iran_stage" in out and "chicken" in out


def test_method_pure_for_three_players_is_said(tmp_path, capsys):
    from deterrence import NormalFormGame
    from deterrence.io import write_game
    import numpy as np
    path = tmp_path / "three.json"
    write_game(NormalFormGame.from_payoff_arrays([np.ones((2, 2, 2), int)] * 3), path)
    assert main(["solve", str(path), "--method", "pure"]) == 0
    assert "pure equilibria only" in capsys.readouterr().out


@pytest.mark.parametrize("args, needle", [
    (["solve", "no_such_game"], "no_such_game"),
    (["solve", "chicken", "--method", "magic"], "unknown method 'magic'"),
    (["solve", "chicken", "--set", "crash"], "NAME=VALUE"),
    (["solve", "chicken", "--set", "zzz=1"], "unknown parameter"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_one_line_exit_2(args, needle):
    code, out, err = run(*args)
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and needle in err


def test_bad_file_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('players = ["A", "B"]\n[actions]\nA = ["x"]\nB = ["y"]\n[payoffs]\n"x, z" = [1, 2]\n')
    code, _, err = run("solve", str(bad))
    assert code == 2 and "Traceback" not in err
    assert "bad.toml:6" in err and "'z'" in err


def test_hostile_file_runs_nothing(tmp_path):
    marker = tmp_path / "PWNED"
    bad = tmp_path / "evil.toml"
    bad.write_text('players = ["A", "B"]\n[actions]\nA = ["x"]\nB = ["y"]\n[payoffs]\n'
                   f'"x, y" = ["__import__(\'os\').system(\'touch {marker}\')", 0]\n')
    code, _, err = run("solve", str(bad))
    assert code == 2 and "evil.toml:6" in err
    assert not marker.exists()


def test_help_is_fast_to_load():
    code, out, _ = run("--help")
    assert code == 0 and "solve" in out and "repeated" in out
    probe = subprocess.run([sys.executable, "-c",
                            "import sys, deterrence.cli; deterrence.cli.build_parser();"
                            "print(sorted(m for m in ('numpy', 'sympy', 'matplotlib', 'scipy', 'dask') "
                            "if m in sys.modules))"],
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "[]"


def test_solve_tree_explains_credible_threats(capsys):
    assert main(["solve", "entry_deterrence", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["equilibria"]) == 1 and "actions" in data["equilibria"][0]
    cred = {tuple(e["profile"]): e for e in data["credibility"]}
    assert cred[("in", "accommodate")]["subgame_perfect"] is True
    (threat,) = cred[("out", "fight")]["threats"]
    assert threat["player"] == "Incumbent" and threat["planned"] == "fight" and threat["gain"] == "2"
    assert main(["solve", "us_iran_escalation_ladder"]) == 0
    out = capsys.readouterr().out
    assert "Which threats are credible" in out and "would not carry out" in out
    # the proxy tree at the case calibration: answering US forces beats absorbing whatever the US
    # does (-d + e_us*s - r_us > -d - a), so no threat deters Iran and every Nash equilibrium is credible
    assert main(["solve", "proxy_target_selection"]) == 0
    out = capsys.readouterr().out
    assert "Which threats are credible" in out and "would not carry out" not in out
    assert "1 pure Nash equilibrium of the reduced normal form, 1 subgame perfect" in out


@pytest.mark.parametrize("method", ["pure", "enumerate", "zero_sum", "lemke_howson"])
def test_a_tree_sent_to_a_normal_form_method_is_one_clear_line(method):
    code, out, err = run("solve", "entry_deterrence", "--method", method)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"deterrence: method '{method}' solves normal-form games")
    assert "subgame_perfect" in err and "tree_nash" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["entry_deterrence", "unilateral_deterrence", "january_2020"])
def test_show_json_on_a_tree_is_read_back_to_the_same_tree(name, tmp_path):
    from deterrence import load_game
    code, out, err = run("show", "--json", name)
    assert code == 0, err
    data = json.loads(out)
    assert data["format"] == "deterrence.tree" and data["players"] == list(load_game(name).players)
    path = tmp_path / "tree.json"
    path.write_text(out, encoding="utf-8")
    assert load_game(path) == load_game(name)


def test_solve_json_carries_the_provenance_once():
    code, out, err = run("solve", "us_iran_stage", "--json")
    data = json.loads(out)
    assert [n for n in data["notes"] if "default values" in n] == [n for n in data["notes"][:1]]
    assert data["parameters"]["W_iran"] == "50" and data["method"] == "enumerate"
    code, out, err = run("solve", "us_iran_stage", "--json", "--set", "W_iran=1")
    data = json.loads(out)
    # no note that every value was a default; the one note says W_iran was set (and the rest defaults)
    assert data["parameters"]["W_iran"] == "1" and not any("the parameters' default values" in n
                                                           for n in data["notes"])
    assert [n for n in data["notes"] if "default values" in n] == [data["notes"][-1]]
    assert data["notes"][-1].startswith("solved at W_iran=1 (set); ")


def test_solve_help_names_every_registered_method(capsys):
    # the help is built from the registry: a new method shows up without editing the CLI
    from deterrence.solvers import METHODS
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert all(name in shown for name in METHODS)
    assert "subgame_perfect (default)" in shown and "markov_perfect (default)" in shown


def test_report_of_the_case_entry_is_the_case_report_and_other_stochastic_games_are_pointed_to_solve(capsys):
    assert main(["report", "us_iran_exchange", "--format", "json"]) == 0
    named = json.loads(capsys.readouterr().out)
    assert main(["report", "--format", "json"]) == 0
    assert named == json.loads(capsys.readouterr().out)
    assert main(["report", "stochastic_prisoners_dilemma"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "deterrence solve stochastic_prisoners_dilemma" in err


def test_python_dash_m_deterrence_is_the_command():
    # `python -m deterrence ...` runs the same command as `deterrence ...` and `python -m deterrence.cli ...`
    proc = subprocess.run([sys.executable, "-m", "deterrence", "solve", "us_iran_stage", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    code, out, err = run("solve", "us_iran_stage", "--json")
    assert code == 0 and json.loads(proc.stdout) == json.loads(out)
    bad = subprocess.run([sys.executable, "-m", "deterrence", "no-such-command"], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode != 0 and "no-such-command" in bad.stderr


@pytest.mark.parametrize("module", ["deterrence.__main__", "deterrence.cli.__main__"])
def test_importing_the_main_modules_runs_nothing(module, monkeypatch, capsys):
    # Sphinx's recursive autosummary imports every module: with another program's arguments in
    # sys.argv the command ran and printed "invalid choice: 'html'" into the docs build
    import importlib
    monkeypatch.setattr(sys, "argv", ["sphinx-build", "-b", "html", "docs", "out"])
    monkeypatch.delitem(sys.modules, module, raising=False)
    importlib.import_module(module)
    assert capsys.readouterr() == ("", "")


def test_a_cached_report_loads_no_numpy(tmp_path):
    # issue 18, deliver 1 (b): a cold `deterrence report` with its analysis cached costs little
    # more than --help: no NumPy, SciPy or sympy (the round length once built the whole game)
    import os
    env = {k: v for k, v in os.environ.items() if k != "DETERRENCE_CACHE"}
    env["DETERRENCE_CACHE_DIR"] = str(tmp_path)
    probe = ("import contextlib, io, sys, deterrence.cli\n"
             "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
             "    code = deterrence.cli.main(['report'])\n"
             "print(code, 'attacks' in out.getvalue(), sorted(m for m in ('numpy', 'sympy', 'scipy', "
             "'matplotlib') if m in sys.modules))")
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=600)
    assert first.stdout.split(" ", 2)[:2] == ["0", "True"], first.stderr[-2000:]
    cached = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert cached.stdout.strip() == "0 True []", cached.stderr[-2000:]


def test_solve_passes_a_methods_options_typed_by_their_defaults(capsys):
    """`solve --option NAME=VALUE` reaches what only the library reached before: the correlated
    polytope's vertices and another objective, a QRE at a given lambda."""
    from deterrence import load_game
    from deterrence.solvers.normal_form.correlated import correlated_equilibria
    chicken = load_game("chicken")
    assert main(["solve", "chicken", "-m", "correlated", "--option", "vertices=true", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    library = correlated_equilibria(chicken.with_defaults(), vertices=True)
    assert len(shown["equilibria"]) == chicken.claims["correlated_vertices"] == len(library)
    assert shown["equilibria"] == [e.to_json() for e in library] and shown["options"] == {"vertices": True}
    assert main(["solve", "chicken", "-m", "correlated", "-o", "objective=Row", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "1"         # Row's best: (straight, swerve)
    assert main(["solve", "chicken", "-m", "qre", "-o", "lam=1/2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["options"] == {"lam": "1/2"}
    for option, message in [("vertices=maybe", "--option vertices: must be true or false, got 'maybe'"),
                            ("colour=red", "method 'correlated' has no option 'colour'; its options are"),
                            ("vertices", "--option expects NAME=VALUE"),
                            ("max_bases=5", "max_bases is given twice")]:
        extra = ["--limit", "max_bases=9"] if option.startswith("max_bases") else []
        assert main(["solve", "chicken", "-m", "correlated", "-o", option, *extra]) == 2
        assert message in capsys.readouterr().err


# -- Ctrl-C before the command has started -------------------------------------------------
def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def _exit_code(argv):
    try:
        return main(argv)
    except KeyboardInterrupt:     # (not left to stop the test session)
        pytest.fail("the KeyboardInterrupt left main: the user sees a traceback")


def test_ctrl_c_while_main_sets_up_its_streams_is_one_line_and_exit_130(monkeypatch, capsys):
    # the first thing main does, before the command's own try: a Ctrl-C there printed a traceback
    import deterrence.cli as cli
    streams = sys.stdout, sys.stderr
    monkeypatch.setattr(cli, "_EscapingWriter", _interrupt)
    assert _exit_code(["list"]) == 130
    out, err = capsys.readouterr()
    assert (out, err) == ("", "deterrence: interrupted\n")
    assert (sys.stdout, sys.stderr) == streams          # the streams are given back


def test_ctrl_c_during_an_import_inside_main_is_one_line_and_exit_130(monkeypatch, capsys):
    import builtins
    real_import = builtins.__import__

    def importing(name, *args, **kwargs):
        if name == "deterrence.errors":      # main's first line: outside the command's try before
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", importing)
    assert _exit_code(["list"]) == 130
    assert capsys.readouterr() == ("", "deterrence: interrupted\n")



def test_ctrl_c_while_an_error_is_reported_is_one_line_and_exit_130(monkeypatch, capsys):
    import deterrence.cli as cli
    monkeypatch.setattr(cli, "_cli_terms", _interrupt)     # inside the handler of a DeterrenceError
    assert _exit_code(["solve", "no_such_game"]) == 130
    assert capsys.readouterr() == ("", "deterrence: interrupted\n")


def test_repeated_errors_name_the_option_and_the_files_line(tmp_path, capsys):
    """A bug hunt: `-s 'tit_for_tat(k=2)'` said "_roles() got an unexpected keyword argument",
    an internal name, and a bad delta in a file's [repeated] section named neither file nor line."""
    from deterrence.io.catalogue import catalogue_dir
    assert main(["repeated", "prisoners_dilemma", "-s", "tit_for_tat(k=2)"]) == 2
    err = capsys.readouterr().err
    assert "strategy 'tit_for_tat' has no option 'k'; its options are mirror, hold, retaliate, escalate" in err
    assert "_roles" not in err
    text = (catalogue_dir() / "prisoners_dilemma.toml").read_text()
    assert 'delta = "' in text or "delta = " in text
    lines = text.splitlines()
    (k,) = [i for i, line in enumerate(lines) if line.strip().startswith("delta")]
    lines[k] = 'delta = "3/2"'
    path = tmp_path / "pd.toml"
    path.write_text("\n".join(lines) + "\n")
    assert main(["repeated", str(path)]) == 2
    assert f"{path}:{k + 1}: repeated.delta: delta = 3/2: the discount factor must lie in" in capsys.readouterr().err
    # the report reads the section too, and names the line (it said no file; a review)
    assert main(["report", str(path)]) == 2
    assert f"{path}:{k + 1}: repeated.delta:" in capsys.readouterr().err
    # a bad --delta is the command line's, not the file's horizon line (a review: a delta message
    # mentioning "a finite horizon" was blamed on the file's horizon)
    lines[k] = 'delta = 1\nhorizon = 5'
    path.write_text("\n".join(lines) + "\n")
    assert main(["repeated", str(path), "--delta", "3/2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deterrence: delta = 3/2: with a finite horizon (5 rounds)") and str(path) not in err
    # a noise value read late by the analysis: named with the file's noise table (a review)
    stage = (catalogue_dir() / "us_iran_stage.toml").read_text().replace('escalate = "1/1600"', 'escalate = 1e-99999')
    noisy = tmp_path / "stage.toml"
    noisy.write_text(stage)
    assert main(["repeated", str(noisy)]) == 2
    assert f"{noisy}:" in capsys.readouterr().err


def test_the_report_of_a_file_with_a_repeated_section_has_the_shadow_of_the_future(capsys):
    """docs/howto/explain.md promises the critical discount factor; the report of a file whose
    [repeated] section gives delta and a profile had none of it (a bug hunt)."""
    assert main(["report", "prisoners_dilemma"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Prisoner's dilemma") and "The shadow of the future" in out
    assert "subgame perfect from delta* = 1/2" in out
    assert main(["report", "chicken"]) == 0          # no [repeated] section: the stage report alone
    assert "The shadow of the future" not in capsys.readouterr().out


@pytest.mark.parametrize("game, method, concept", [
    ("chicken", "enumerate", "Nash"), ("chicken", "qre", "logit QRE limit"), ("chicken", "correlated", "correlated"),
    ("chicken", "coarse_correlated", "coarse correlated"), ("irrational_three_player", "nplayer", "Nash"),
    ("entry_deterrence", "subgame_perfect", "subgame-perfect"), ("entry_deterrence", "sequence_form", "Nash"),
    ("entry_deterrence", "quasi_perfect", "quasi-perfect"), ("entry_deterrence", "sequential", "sequential"),
    ("beer_quiche", "signalling_pbe", "perfect Bayesian"),
    ("stochastic_prisoners_dilemma", "markov_perfect", "Markov perfect")])
def test_every_solve_json_names_its_solution_concept(capsys, game, method, concept):
    """One key for one concept: some methods named it "concept", some "kind", some not at all
    (an architecture review)."""
    from deterrence.cli import main
    assert main(["solve", game, "-m", method, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["concept"] == concept


def _replaced(tmp_path, name, old, new):
    from deterrence.io.catalogue import find_entry
    text = find_entry(name).read_text()
    assert text.count(old) == 1
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(old, new))
    return path, path.read_text().splitlines()


@pytest.mark.parametrize("case", ["payoff at the defaults", "payoff at --set", "tree payoff", "tree probability",
                                  "catalogue probability", "stochastic formula", "stochastic probability"])
def test_an_error_at_the_parameter_values_names_the_file_and_line(case, tmp_path, capsys):
    """A division by zero or a probability out of [0, 1] found when the values are filled in named
    no file (a fuzzing review); and a tree's 1/(a - 2) at a = 2 was "payoff zoo is symbolic"."""
    sets, line = [], None
    if case.startswith("payoff"):
        path, lines = _replaced(tmp_path, "chicken", '"swerve, straight" = ["-l", "w"]',
                                '"swerve, straight" = [\n  "-l",\n  "w/(l - 2)",\n]')
        sets = ["--set", "l=2"] if case.endswith("--set") else []
        if not sets:
            path.write_text(path.read_text().replace('l = { value = 1,', 'l = { value = 2,'))
        line, words = lines.index('  "w/(l - 2)",') + 1, "is not finite at l = 2"
    elif case == "tree payoff":
        path, lines = _replaced(tmp_path, "brinkmanship", '[tree]\nplayer = "A"\nmoves.back_down = [0, "vB"]',
                                '[tree]\nplayer = "A"\nmoves.back_down = [0, "vB/(vA - 2)"]')
        line, words = lines.index('moves.back_down = [0, "vB/(vA - 2)"]') + 1, "is not finite"
    elif case == "tree probability":
        path, lines = _replaced(tmp_path, "brinkmanship", 'r = { value = "1/5"', 'r = { value = "2"')
        line, words = 29, "node escalate: probability of 'disaster' is 2, not between 0 and 1"
        assert lines[line - 1].startswith("probabilities")
    elif case == "catalogue probability":
        from deterrence.io.catalogue import find_entry
        path, sets, line, words = find_entry("brinkmanship"), ["--set", "r=2"], 29, "not between 0 and 1"
    elif case == "stochastic probability":
        path, lines = _replaced(tmp_path, "stochastic_prisoners_dilemma",
                                '[stochastic.states.good.transitions]\n"C, C" = { good = 1 }',
                                '[stochastic.states.good.transitions]\n"C,C" = { good = "c", poor = "1 - c" }')
        sets, words = ["--set", "c=2"], "transition at (C, C): probability of 'good' is 2, not between 0 and 1"
        line = lines.index('"C,C" = { good = "c", poor = "1 - c" }') + 1
    else:
        # the payoff's own line, its element's in a multi-line array (it named no line: an error review)
        path, lines = _replaced(tmp_path, "stochastic_prisoners_dilemma", '"C, D" = ["-c", "b1"]',
                                '"C, D" = [\n  "-c",\n  "b1/(c - 2)",\n]')
        sets, words = ["--set", "c=2"], "state good: the payoff of B at (C, D) is b1/(c - 2), which is not finite " \
                                        "at b1 = 3, c = 2"
        line = lines.index('  "b1/(c - 2)",') + 1
    assert main(["solve", str(path) if case != "catalogue probability" else "brinkmanship", *sets]) == 2
    err = capsys.readouterr().err
    assert words in err and "symbolic" not in err, err
    assert err.startswith(f"deterrence: {path}:{line}: " if line else f"deterrence: {path}: "), err


def test_list_says_what_kind_of_game_each_entry_is(capsys):
    """The listing gave names and titles only: a reader looking for a tree with information sets,
    a stochastic game or a three-player game had to open every entry."""
    import json as json_module
    assert main(["list"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "tree, 2 players, information sets" in rows["kuhn_poker"]
    assert "stage game, 3 players" in rows["us_iran_israel"]
    assert "stochastic game, 2 players, 2 states" in rows["stochastic_prisoners_dilemma"]
    assert "stage game, 2 players, repeated" in rows["us_iran_stage"]
    assert main(["list", "--json"]) == 0
    entries = {e["name"]: e for e in json_module.loads(capsys.readouterr().out)}
    assert entries["entry_deterrence"]["kind"] == "tree, 2 players"
    assert all(e["kind"] and not e["title"].startswith("(cannot be read") for e in entries.values())


def test_solve_with_set_says_every_value_it_solved_at(capsys):
    """Without --set the text notes every default; with --set it said nothing of the values, set or
    defaulted (the JSON's "parameters" had them)."""
    assert main(["solve", "chicken", "--set", "crash=2"]) == 0
    out = capsys.readouterr().out
    assert "Note: solved at crash=2 (set); w=1, l=1 at their default values" in out
    assert main(["solve", "chicken"]) == 0
    assert "(set)" not in capsys.readouterr().out


def test_an_irrational_payoff_refused_by_a_solver_names_its_file_and_line(tmp_path):
    """A payoff that is a number but not a rational one (exp(1), sqrt(2)) is read, and a solver that
    needs rational payoffs refuses it: the refusal named the player and the profile but not the file
    or the line (an error review)."""
    path = tmp_path / "g.toml"
    path.write_text('players = ["A", "B"]\n[actions]\nA = ["x", "y"]\nB = ["u", "v"]\n[payoffs]\n'
                    '"x, u" = [1, 1]\n"x, v" = [0,\n  "sqrt(2)"]\n"y, u" = [2, 0]\n"y, v" = [1, 1]\n')
    code, out, err = run("solve", str(path))
    assert code == 2
    assert err.startswith(f"deterrence: {path}:8: all_equilibria needs rational payoffs; the payoff of B at (x, v) "
                          "is sqrt(2)"), err


def test_no_command_is_a_usage_error():
    """With no command the CLI printed the help and exited 0, so a script that forgot its command
    passed; argparse's required subcommands exit 2 with the usage and a message. --help and
    --version still exit 0."""
    code, out, err = run()
    assert code == 2 and out == ""
    assert err.startswith("usage: deterrence")
    assert "a command is needed" in err and "solve" in err and "repeated" in err
    code, out, _ = run("--help")
    assert code == 0 and "usage: deterrence" in out
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("deterrence ")


def test_solve_json_notes_the_values_set_and_the_defaults_taken(capsys):
    """With --set for some parameters the text noted which were set and which took their
    defaults; the JSON said nothing of it (no notes). Its notes say what the text says."""
    assert main(["solve", "prisoners_dilemma", "--set", "T=6"]) == 0
    said = capsys.readouterr().out
    assert "Note: solved at T=6 (set); R=3, P=1, S=0 at their default values" in said
    assert main(["solve", "prisoners_dilemma", "--set", "T=6", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["notes"] == ["solved at T=6 (set); R=3, P=1, S=0 at their default values"]
    assert data["parameters"] == {"T": "6", "R": "3", "P": "1", "S": "0"}
