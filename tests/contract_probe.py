"""Call every public function and every CLI subcommand with generated bad arguments (a script).

Used by ``tests/test_error_contract.py`` in a child process with a memory cap (issue 17,
deliver 6). The functions come from ``deterrence.__all__`` and the documented
subpackage ``deterrence.plot`` (with ``deterrence.plot.dynamics``), introspected with
``inspect``; the subcommands and their options from the argparse parser of
``deterrence.cli`` (``build_parser``), introspected too. Bad values are drawn by
hypothesis (seeded by the function and argument, so two runs make the same calls): wrong types (``None``,
bytes, objects, containers), huge and negative integers, NaN and infinities, strings
with control characters, empty containers and strings, paths that do not exist or
cannot be written.

The contract checked for each call:

* API: the call returns, or raises a :class:`deterrence.errors.DeterrenceError` whose
  message is one non-empty line naming the argument (its name, or the value it was
  given); never another exception type;
* CLI: ``main(argv)`` returns 0, or returns 2 after printing exactly one line
  ``deterrence: ...`` on stderr; never an exception out of ``main``, never a traceback.

Each call has a time limit (``signal.alarm``): a call that runs past it is counted
(``slow``), not judged. Usage: ``python tests/contract_probe.py [EXAMPLES]`` prints one
JSON object ``{"calls": n, "cli_calls": n, "slow": [...], "violations": [...]}``.
"""
import contextlib
import inspect
import io
import json
import math
import signal
import sys
import zlib

SECONDS = 4


class Timeout(BaseException):
    """Raised by the alarm: the call ran past its time."""


def _on_alarm(*_):
    raise Timeout


def bad_values():
    """The hypothesis strategy of bad arguments."""
    from hypothesis import strategies as st
    control = st.text(alphabet=st.sampled_from(["\x00", "\x1b", "[", "\x07", "\u202e", "\n", "a", "$", "{"]),
                      min_size=1, max_size=6)
    return st.one_of(
        st.none(),
        st.binary(max_size=4),
        st.integers(min_value=10**30, max_value=10**400),
        st.integers(min_value=-10**9, max_value=-1),
        st.sampled_from([math.nan, math.inf, -math.inf, -0.5, 1e308, 2**63]),
        control,
        st.sampled_from(["", [], {}, (), set(), [[]], {"": None}]),
        st.sampled_from(["/nonexistent/folder/game.toml", "/proc/version/x.toml", "/", "/dev/zero"]),
        st.sampled_from([object(), print, 1j, True]),
    )


def _names_argument(message, name, value):
    """Whether ``message`` names the argument: its name, an option, or its value."""
    low = message.lower()
    singular = name.lower().rstrip("s")       # "expression 'e'" names the argument expressions
    candidates = {name.lower(), singular, name.lower().replace("_", " "), name.lower().replace("_", "-")}
    try:
        text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
    except Exception:  # noqa: BLE001 - a value that cannot be printed cannot be named
        text = ""
    candidates |= _SYNONYMS.get(name, set())
    given = {text.lower()[:40], repr(value).lower()[:40], f"got {type(value).__name__.lower()}"}
    if text.isalnum() and len(text) < 2:      # a one-letter value is found in any message
        given.discard(text.lower())
    return any(c and c in low for c in candidates | given)


#: what a message may call an argument instead of its name (a profile is made of strategies)
_SYNONYMS = {"profile": {"strateg"}}


def _fillers():
    import deterrence
    stage = deterrence.load_game("prisoners_dilemma").with_defaults()
    return {"game": stage, "stage": stage, "players": ["Row", "Column"], "tree": deterrence.entry_deterrence(),
            "values": {},
            "player": 0, "delta": "9/10", "name": "tit_for_tat", "source": "prisoners_dilemma",
            "x": ("delta", [0.5, 0.9]), "axes": {"a": [1]}, "expressions": {"e": "1"}, "func": abs,
            "condition": "1 > 0", "text": "1", "point": (0, 0), "histories": [], "candidates": [],
            "opponents": [], "mixture": {}, "data": "", "strategies": ("tit_for_tat", "grim_trigger")}


def public_callables():
    """``(qualified name, callable)`` of the public API: ``deterrence.__all__`` and the plot package."""
    import deterrence
    import deterrence.plot
    import deterrence.plot.dynamics
    out = []
    for module, names in ((deterrence, deterrence.__all__), (deterrence.plot, deterrence.plot.__all__),
                          (deterrence.plot.dynamics, deterrence.plot.dynamics.__all__)):
        for name in names:
            obj = getattr(module, name)
            if not callable(obj) or (isinstance(obj, type) and issubclass(obj, BaseException)):
                continue
            if name == "show":              # displays a figure: nothing to validate but its type
                continue
            out.append((f"{module.__name__}.{name}", obj))
    return out


def call_arguments(params, target, value, fillers, default):
    """``(args, kwargs)`` of a call that gives ``value`` to the parameter ``target``, a filler
    (by name, else ``default``) to every other required one, and leaves the rest at their
    defaults; ``*args`` and ``**kwargs`` stay empty (also used by ``payload_probe.py``)."""
    args, kwargs = [], {}
    for p in params:
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if p is target:
            v = value
        elif p.default is not inspect.Parameter.empty:
            continue
        else:
            v = fillers.get(p.name, default)
        if p.kind is inspect.Parameter.POSITIONAL_ONLY:
            args.append(v)
        else:
            kwargs[p.name] = v
    return args, kwargs


def _call(obj, params, target, value, fillers):
    args, kwargs = call_arguments(params, target, value, fillers, fillers["game"])
    return obj(*args, **kwargs)


def probe_api(examples, report):
    fillers = _fillers()
    strategy = bad_values()
    for qualified, obj in public_callables():
        try:
            params = list(inspect.signature(obj).parameters.values())
        except (TypeError, ValueError):
            continue
        # the call with ordinary values only: when it is refused, the fillers do not suit this
        # function, and a refusal of a bad value may rightly name another argument
        baseline_fits = _baseline(obj, params, fillers)
        report["baseline"][qualified] = baseline_fits
        for target in params:
            if target.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                continue
            if target.name in ("self", "ax", "executor", "progress") or target.name.startswith("_"):
                continue   # matplotlib's own Axes; executors and callbacks are checked by their tests
            fits = baseline_fits and (target.default is not inspect.Parameter.empty or target.name in fillers)

            _probe_argument(qualified, obj, params, target, fits, fillers, strategy, examples, report)


def _probe_argument(qualified, obj, params, target, fits, fillers, strategy, examples, report):
    """Call ``obj`` with bad values of the argument ``target`` (the others: fillers, defaults)."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from deterrence.errors import DeterrenceError

    @settings(max_examples=examples, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @seed(zlib.crc32(f"{qualified}.{target.name}".encode()))   # other values for each argument
    @given(value=strategy)
    def run(value):
        report["calls"] += 1
        where = f"{qualified}({target.name}={value!r:.60})"
        signal.alarm(SECONDS)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                _call(obj, params, target, value, fillers)
        except Timeout:
            report["slow"].append(where)
        except DeterrenceError as exc:
            message = str(exc)
            if not message.strip() or "\n" in message.strip():
                report["violations"].append(f"{where}: message not one line: {message[:200]!r}")
            elif fits and not _names_argument(message, target.name, value):
                report["violations"].append(f"{where}: message does not name the argument: "
                                            f"{message[:200]!r}")
        except Exception as exc:  # noqa: BLE001 - this is what the probe looks for
            report["violations"].append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
        finally:
            signal.alarm(0)
            _close_figures()
    run()


def _baseline(obj, params, fillers):
    """Whether the call with the fillers (and the defaults) alone returns in time."""
    signal.alarm(SECONDS)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            _call(obj, params, None, None, fillers)
        return True
    except BaseException:  # noqa: BLE001 - only whether it fits
        return False
    finally:
        signal.alarm(0)
        _close_figures()


def _close_figures():
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def cli_options():
    """``{subcommand: [(option string or None for a positional, takes a value)]}`` from the parser."""
    import argparse
    from deterrence.cli import SUBCOMMANDS, build_parser
    out = {}
    top = build_parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    for command in sub.choices:
        parser = build_parser(command if command in SUBCOMMANDS else None)
        chosen = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
        options = []
        for action in chosen._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            takes = action.nargs != 0
            options.append((action.option_strings[0] if action.option_strings else None, takes))
        out[command] = options
    return out


def _cli_text(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (list, tuple, set, dict)):
        return ",".join(map(str, value))
    return str(value).replace("\x00", "\\0")       # argv cannot hold NUL


def _probe_option(command, option, takes, base, strategy, examples, report):
    """Run ``deterrence COMMAND ... OPTION value`` with bad values."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from deterrence.cli import main

    @settings(max_examples=examples, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @seed(zlib.crc32(f"{command}.{option}".encode()))
    @given(value=strategy)
    def run(value):
        text = _cli_text(value)
        if option is None:
            argv = [command, text] + (base[command] or [])[1:]
        elif takes:
            argv = [command] + (base[command] or []) + [option, text]
        else:
            argv = [command] + (base[command] or []) + [option, text]   # a flag given a value
        if command == "lab":
            argv = ["lab", "--port", text, "--no-browser", "--help-not-an-option"]
        if "--plot" in argv:
            argv.append("--force")
        report["cli_calls"] += 1
        out, err = io.StringIO(), io.StringIO()
        where = f"deterrence {' '.join(repr(a) for a in argv)}"
        signal.alarm(SECONDS * 2)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
        except Timeout:
            report["slow"].append(where)
            return
        except SystemExit as exc:   # --help and --version exit 0 through argparse
            code = exc.code
        except BaseException as exc:  # noqa: BLE001 - this is what the probe looks for
            report["violations"].append(f"{where}: {type(exc).__name__} out of main: {str(exc)[:200]}")
            return
        finally:
            signal.alarm(0)
            _close_figures()
        lines = err.getvalue().splitlines()
        if code not in (0, 2):
            report["violations"].append(f"{where}: exit code {code}")
        elif code == 2 and (len(lines) != 1 or not lines[0].startswith("deterrence: ")):
            report["violations"].append(f"{where}: stderr is not one line: {err.getvalue()[:300]!r}")
        elif "Traceback" in err.getvalue():
            report["violations"].append(f"{where}: traceback on stderr")
    run()


def probe_cli(examples, report):
    strategy = bad_values()
    base = {"solve": ["prisoners_dilemma"], "show": ["prisoners_dilemma"], "list": [],
            "repeated": ["prisoners_dilemma", "--delta", "9/10"], "report": ["chicken"], "lab": None}
    for command, options in cli_options().items():
        if base.get(command) is None:       # the lab serves until stopped: only its argument parsing
            options = [(o, t) for o, t in options if o == "--port"]
        for option, takes in options:
            _probe_option(command, option, takes, base, strategy, examples, report)


def main(examples):
    import matplotlib
    matplotlib.use("Agg")
    signal.signal(signal.SIGALRM, _on_alarm)
    report = {"calls": 0, "cli_calls": 0, "slow": [], "violations": [], "baseline": {}}
    probe_api(examples, report)
    probe_cli(examples, report)
    print(json.dumps(report))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
