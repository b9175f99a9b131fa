"""``python -m deterrence``: the same as the ``deterrence`` command (and ``python -m deterrence.cli``)."""
import sys

from deterrence.cli import main

sys.exit(main())
