"""One error contract everywhere (issue 17, deliver 6), checked by ``tests/contract_probe.py``.

Every public function and class (``deterrence.__all__``, ``deterrence.plot``,
``deterrence.plot.dynamics``) is called with hypothesis-generated bad arguments, each
argument in turn; every subcommand of the CLI with bad values for each of its options
(both lists introspected, not written by hand). The probe runs in a child process with
a memory cap and a time limit per call; see its docstring for the contract.
``DETERRENCE_CONTRACT_EXAMPLES`` (default 4) sets the values drawn per argument.
"""
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from deterrence.core.validate import check_count, public_boundary
from deterrence.errors import GameError, GameFileError, TooLargeError

ROOT = Path(__file__).resolve().parents[1]


def _cap():
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def test_every_public_function_and_subcommand_keeps_the_error_contract(tmp_path):
    examples = os.environ.get("DETERRENCE_CONTRACT_EXAMPLES", "4")
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "contract_probe.py"), examples],
                          capture_output=True, text=True, cwd=tmp_path, preexec_fn=_cap, timeout=3000,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["violations"] == []
    assert report["calls"] > 1500 and report["cli_calls"] > 80     # the introspection reached both
    assert sum(report["baseline"].values()) > 100                  # and most functions ran for real
    if os.environ.get("DETERRENCE_CONTRACT_REPORT"):
        Path(os.environ["DETERRENCE_CONTRACT_REPORT"]).write_text(json.dumps(report, indent=1))


def test_the_boundary_names_the_argument_and_keeps_the_cause():
    def first(items, *, strict=False):
        return items[0]
    guarded = public_boundary(first, "first")
    with pytest.raises(GameError, match=r"^first: bad argument items=5: TypeError: 'int' object") as caught:
        guarded(5)
    assert isinstance(caught.value.__cause__, TypeError)
    with pytest.raises(GameError, match="first: strict must be True or False, got 'yes'"):
        guarded([1], strict="yes")
    with pytest.raises(GameError, match="first: .*unexpected keyword argument 'nope'"):
        guarded([1], nope=2)
    assert guarded([7]) == 7


def test_unreadable_paths_are_game_file_errors_naming_the_argument(tmp_path):
    def read(path):
        return open(path).read()
    with pytest.raises(GameFileError, match=r"read: path='/nonexistent/x': No such file"):
        public_boundary(read, "read")("/nonexistent/x")


@pytest.mark.parametrize("value, error", [(None, GameError), (2.5, GameError), (True, GameError),
                                          (0, GameError), (10**60, TooLargeError)])
def test_counts_are_whole_numbers_in_range(value, error):
    with pytest.raises(error, match="grid"):
        check_count("grid", value, limit=1000)
