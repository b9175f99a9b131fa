"""``python -m deterrence``: the same as the ``deterrence`` command (and ``python -m deterrence.cli``)."""
import sys

from deterrence.cli import main

if __name__ == "__main__":     # importing the module (Sphinx's autosummary does) runs nothing
    sys.exit(main())
