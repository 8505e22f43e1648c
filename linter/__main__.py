"""``python -m linter``: the msglint command, run by this interpreter."""

import sys

from linter.cli import main

sys.exit(main())
