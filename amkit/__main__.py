"""``python -m amkit``: the command line, where the ``amkit`` script is not on the PATH."""

import sys

from amkit.cli import main

sys.exit(main())
