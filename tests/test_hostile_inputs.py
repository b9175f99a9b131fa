"""Hostile and careless inputs (issue 17): nothing executed, no traceback, guards before work.

See tests/README.md, "Hostile inputs (issue 17)", for the families and the test of each.
"""
import os
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
