"""Send a code payload into every parameter of every public callable (run as a script).

Used by ``tests/test_hostile_inputs.py::test_no_public_function_executes_a_payload_string``
in a child process with a memory cap: the list of functions comes from
``deterrence.__all__`` (introspected, not hand-written). For each callable and each of its
parameters in turn, the payload goes in that position (as text, inside a dict, inside a
list, as a ``**kwargs`` value), the other required parameters get ordinary values chosen by
name, and every exception is caught. Each call has a time limit (``signal.alarm``).

Usage: ``python tests/payload_probe.py MARKER_PATH`` prints ``calls=<n>``.
"""
import inspect
import signal
import sys

from contract_probe import call_arguments


def main(marker):
    import deterrence
    from deterrence import load_game

    payloads = [f"__import__('os').system('touch {marker}')",
                f"exec(\"open('{marker}', 'w')\")",
                f"(lambda: __import__('os').system('touch {marker}'))()"]
    stage = load_game("prisoners_dilemma")
    fillers = {"game": stage, "stage": stage, "tree": deterrence.entry_deterrence(),
               "values": {}, "player": 0, "delta": "9/10", "name": "tit_for_tat",
               "source": "prisoners_dilemma", "x": {"delta": [0.5, 0.9]},
               "axes": {"a": [1]}, "expressions": {"e": "1"}, "func": abs,
               "condition": "1 > 0", "text": "1", "path": marker + ".out", "point": (0, 0),
               "histories": [], "candidates": [], "opponents": [], "mixture": {},
               "data": "", "strategies": ("tit_for_tat", "grim_trigger")}

    class Timeout(BaseException):
        pass

    def on_alarm(*_):
        raise Timeout

    signal.signal(signal.SIGALRM, on_alarm)
    calls = 0
    for name in deterrence.__all__:
        obj = getattr(deterrence, name)
        if not callable(obj) or (isinstance(obj, type) and issubclass(obj, BaseException)):
            continue
        try:
            params = list(inspect.signature(obj).parameters.values())
        except (TypeError, ValueError):
            continue
        for target in params:
            for payload in payloads:
                for shape in ("text", "dict", "list", "kwargs"):
                    if shape == "kwargs" and target.kind is not inspect.Parameter.VAR_KEYWORD:
                        continue
                    if shape != "kwargs" and target.kind in (inspect.Parameter.VAR_KEYWORD,
                                                             inspect.Parameter.VAR_POSITIONAL):
                        continue
                    value = {"text": payload, "dict": {"x": payload, payload: 1},
                             "list": [payload], "kwargs": None}[shape]
                    args, kwargs = call_arguments(params, target, value, fillers, stage)
                    if target.kind is inspect.Parameter.VAR_KEYWORD:
                        kwargs.update(W_iran=payload, x=payload)
                    calls += 1
                    signal.alarm(5)
                    try:
                        obj(*args, **kwargs)
                    except Timeout:
                        pass
                    except BaseException:  # noqa: BLE001 - every refusal is fine here
                        pass
                    finally:
                        signal.alarm(0)
    print(f"calls={calls}")


if __name__ == "__main__":
    main(sys.argv[1])
