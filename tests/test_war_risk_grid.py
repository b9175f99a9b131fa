"""The exchange model's war-risk map survives interruption (issue 17, deliver 9): its cells are
computed by ``sweep``, whose checkpoint keeps them; stopped by Ctrl-C in one process, the same
call with the same file in another computes only the missing cells and gives the
uninterrupted answer."""
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import deterrence.plot.report as report
from deterrence.errors import GameFileError
from deterrence.models.us_iran_exchange import exchange_model

ROOT = Path(__file__).resolve().parents[1]
MISFIRES = [Fraction(1, 3200), Fraction(1, 800)]
RATES = [Fraction(0), Fraction(1, 2)]
WEEKS = 113

CHILD = """
import os, signal, sys
sys.path.insert(0, {tests!r})
import deterrence.plot.report as report
from deterrence.models.us_iran_exchange import exchange_model
from test_war_risk_grid import MISFIRES, RATES, WEEKS
original, count = report.war_risk_cell, 0
def cell(*args, **kw):
    global count
    count += 1
    if count == 3:
        os.kill(os.getpid(), signal.SIGINT)   # a Ctrl-C as the third cell starts
    return original(*args, **kw)
cell.__module__, cell.__qualname__ = original.__module__, original.__qualname__   # the same grid
report.war_risk_cell = cell
try:
    report.war_risk_grid(exchange_model(), MISFIRES, RATES, WEEKS, checkpoint=sys.argv[1], progress=False)
    print("finished")
except KeyboardInterrupt as stop:
    print("interrupted:", stop)
"""


def counting(calls):
    original = report.war_risk_cell

    def cell(*args, **kw):
        calls.append(args)
        return original(*args, **kw)
    cell.__module__, cell.__qualname__ = original.__module__, original.__qualname__
    return cell


def test_a_war_risk_map_stopped_in_one_process_resumes_in_another(tmp_path, monkeypatch):
    file = tmp_path / "map.json"
    child = subprocess.run([sys.executable, "-c", CHILD.format(tests=str(ROOT / "tests")), str(file)],
                           capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout.startswith("interrupted:") and str(file) in child.stdout, child.stdout + child.stderr
    kept = json.loads(file.read_text())["values"]["risk"]
    assert sum(v is not None for row in kept for v in row) == 2        # the two cells before the stop
    calls = []
    monkeypatch.setattr(report, "war_risk_cell", counting(calls))
    risk, holds = report.war_risk_grid(exchange_model(), MISFIRES, RATES, WEEKS, checkpoint=file, progress=False)
    assert len(calls) == 2                                              # only the missing cells
    monkeypatch.undo()
    whole_risk, whole_holds = report.war_risk_grid(exchange_model(), MISFIRES, RATES, WEEKS, progress=False)
    assert np.array_equal(risk, whole_risk) and np.array_equal(holds, whole_holds)
    assert holds.dtype == bool and risk.shape == (len(RATES), len(MISFIRES))
    # the cells are the model's, exactly as computed one by one
    from deterrence.models.us_iran_exchange import contained_profile, play_statistics
    m = exchange_model(misfire=MISFIRES[1], israeli_strike_rate=RATES[1])
    assert risk[1, 1] == play_statistics(m, contained_profile(), WEEKS)["war"]
    # a finished file answers without computing; another model's grid may not use it
    calls.clear()
    monkeypatch.setattr(report, "war_risk_cell", counting(calls))
    again, _ = report.war_risk_grid(exchange_model(), MISFIRES, RATES, WEEKS, checkpoint=file, progress=False)
    assert calls == [] and np.array_equal(again, risk)
    with pytest.raises(GameFileError, match="another sweep"):
        report.war_risk_grid(exchange_model(W_iran=60), MISFIRES, RATES, WEEKS, checkpoint=file)
    with pytest.raises(GameFileError, match="another sweep"):
        report.war_risk_grid(exchange_model(), MISFIRES, RATES, WEEKS + 1, checkpoint=file)
