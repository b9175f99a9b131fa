"""The public API: every exported name resolves, and importing stays light."""
import subprocess
import sys

import deterrence as dt


def test_every_exported_name_resolves():
    for name in dt.__all__:
        assert getattr(dt, name) is not None, name


def test_import_does_not_load_heavy_modules():
    out = subprocess.run([sys.executable, "-c", "import sys, deterrence; print(sorted(m for m in "
                          "('sympy', 'matplotlib', 'dask', 'scipy', 'numba') if m in sys.modules))"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
