"""Fits of the case model survive interruption (issue 17, deliver 9): ``fit_to_record`` with a
checkpoint file keeps each model evaluation; a process sent SIGINT mid-fit leaves the file, and
another process resumes from it to exactly the answer of an uninterrupted fit."""
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deterrence.errors import GameFileError

ROOT = Path(__file__).resolve().parents[1]

FIT = """
import json, sys
from deterrence.models.us_iran_exchange_fit import fit_to_record
checkpoint = sys.argv[1] if len(sys.argv) > 1 else None
fit = fit_to_record(checkpoint=checkpoint, progress=True)
print(json.dumps({"estimates": fit.estimates, "se": fit.standard_errors, "ll": fit.log_likelihood,
                  "predictions": fit.predictions}))
"""


def _run(*args, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", FIT, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)


def _evaluations(path):
    try:
        data = json.loads(path.read_text())
        return sum(len(values) for kind, values in data.items() if kind != "fit")   # every kind of evaluation
    except (OSError, ValueError, KeyError):
        return 0


def test_sigint_mid_fit_keeps_the_evaluations_and_another_process_resumes_identically(tmp_path):
    checkpoint = tmp_path / "fit.json"
    proc = _run(str(checkpoint))
    deadline = time.monotonic() + 300
    while _evaluations(checkpoint) < 8 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the fit ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0 and "KeyboardInterrupt" in err
    kept = _evaluations(checkpoint)
    assert kept >= 8
    assert "fit_to_record: " in err and " model evaluations" in err   # the bar was shown
    resumed = _run(str(checkpoint))
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err[-2000:]
    assert _bar_states(err)[0].startswith(f"fit_to_record: {kept} model evaluations")  # from the file
    done, total, new, stored = _final_counts(err)
    assert (done, stored, new) == (total, kept, total - kept)   # only the evaluations not kept ran
    straight = _run()                                # no checkpoint, another process
    out2, err2 = straight.communicate(timeout=600)
    assert straight.returncode == 0, err2[-2000:]
    assert _final_counts(err2) == (total, total, total, 0)     # the same evaluations, all new
    assert json.loads(out) == json.loads(out2)       # exactly the same numbers


def _bar_states(stderr):
    """The successive renderings of a tqdm bar written to a stream that is not a terminal."""
    return [s.strip() for s in re.split(r"[\r\n]", stderr) if s.strip().startswith("fit_to_record")]


def _final_counts(stderr):
    """(done, total, new, from the checkpoint) in the fit's last bar."""
    last = _bar_states(stderr)[-1]
    match = re.search(r"(\d+)/(\d+) \[[^\]]*, (\d+) new, (\d+) from the checkpoint\]$", last)
    assert match, last
    return tuple(int(g) for g in match.groups())


def test_the_bar_counts_evaluations_read_from_the_checkpoint_and_nothing_when_off(tmp_path, capsys):
    from deterrence.models.us_iran_exchange_fit import fit_to_record
    checkpoint = tmp_path / "fit.json"
    first = fit_to_record(checkpoint=checkpoint, progress=False)
    assert capsys.readouterr().err == ""
    stored = _evaluations(checkpoint)
    again = fit_to_record(checkpoint=checkpoint, progress=True)
    err = capsys.readouterr().err
    assert _final_counts(err) == (stored, stored, 0, stored)   # all from the file, none new
    assert again == first


def test_a_checkpoint_of_another_fit_is_refused_naming_the_file(tmp_path):
    from deterrence.models.us_iran_exchange_fit import fit_to_record
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps({"fit": {"record": [1, 2, 3]}, "nll": {}, "predict": {}}))
    with pytest.raises(GameFileError, match="other.json: checkpoint of another fit"):
        fit_to_record(checkpoint=bad)
    bad.write_text("not json")
    with pytest.raises(GameFileError, match="other.json: not a fit checkpoint"):
        fit_to_record(checkpoint=bad)
    with pytest.raises(Exception, match="progress must be"):
        fit_to_record(progress="yes")
