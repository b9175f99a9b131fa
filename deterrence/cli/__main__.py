"""``python -m deterrence.cli``: the same as the ``deterrence`` command."""
import sys

from deterrence.cli import main

if __name__ == "__main__":     # importing the module (Sphinx's autosummary does) runs nothing
    sys.exit(main())
