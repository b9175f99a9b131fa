"""Sweeps survive interruption across processes (issue 17, deliver 9): ``sweep(...,
checkpoint=FILE)`` keeps the values as they come; run again with the file, it computes only
the points the file lacks and gives the uninterrupted answer."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from deterrence.analysis.sweep import sweep
from deterrence.errors import GameFileError

ROOT = Path(__file__).resolve().parents[1]
AXES = {"x": [0, 1, 2, 3, 4], "y": [1, 2, 3]}


def surface(x, y):
    return {"sum": x + y, "ratio": x / y}


CHILD = """
import os, signal, sys, time
sys.path.insert(0, {tests!r})
from deterrence.analysis.sweep import sweep
from test_sweep_checkpoint import AXES
count = 0
def slow(x, y):
    global count
    count += 1
    if count == 8:
        time.sleep(1.2)                       # let the checkpoint be written, then
        os.kill(os.getpid(), signal.SIGINT)   # a Ctrl-C in the middle of the grid
    return {{"sum": x + y, "ratio": x / y}}
s = sweep(slow, AXES, executor="serial", progress=False, checkpoint=sys.argv[1])
print(s.interrupted, len(s.missing))
"""


def test_a_sweep_killed_in_one_process_resumes_in_another(tmp_path):
    file = tmp_path / "sweep.json"
    child = subprocess.run([sys.executable, "-c", CHILD.format(tests=str(ROOT / "tests")), str(file)],
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    interrupted, missing = child.stdout.split()
    assert interrupted == "True" and 0 < int(missing) < 15
    kept = json.loads(file.read_text())
    done = sum(v is not None for row in kept["values"]["sum"] for v in row)
    assert 0 < done < 15                                  # part of the grid is on disk
    calls = []

    def counted(x, y):
        calls.append((x, y))
        return surface(x, y)
    counted.__qualname__ = "slow"                         # the same sweep as the child's
    counted.__module__ = "__main__"
    resumed = sweep(counted, AXES, executor="serial", progress=False, checkpoint=file)
    assert len(calls) == 15 - done                        # only what the file lacked
    whole = sweep(surface, AXES, executor="serial", progress=False)
    for key in ("sum", "ratio"):
        assert np.array_equal(resumed.values[key], whole.values[key])
    assert resumed.complete


def test_a_checkpoint_of_another_sweep_is_refused(tmp_path):
    file = tmp_path / "sweep.json"
    sweep(surface, AXES, executor="serial", progress=False, checkpoint=file)
    with pytest.raises(GameFileError, match="another sweep"):
        sweep(surface, {"x": [0, 1], "y": [1]}, executor="serial", progress=False, checkpoint=file)
    file.write_text("not json")
    with pytest.raises(GameFileError, match="not a sweep checkpoint"):
        sweep(surface, AXES, executor="serial", progress=False, checkpoint=file)


def test_a_finished_checkpoint_answers_without_calling_the_function(tmp_path):
    file = tmp_path / "sweep.json"
    first = sweep(surface, AXES, executor="serial", progress=False, checkpoint=file)

    def never(x, y):
        raise AssertionError("called")
    never.__qualname__, never.__module__ = surface.__qualname__, surface.__module__
    again = sweep(never, AXES, executor="serial", progress=False, checkpoint=file)
    assert np.array_equal(again.values["sum"], first.values["sum"]) and not again.failures
