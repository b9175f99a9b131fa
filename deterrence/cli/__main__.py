"""``python -m deterrence.cli``: the same as the ``deterrence`` command."""
import sys

from deterrence.cli import main

sys.exit(main())
