"""``python -m linter``: the msglint command, run by this interpreter."""

import sys

from linter.cli.main import main

sys.exit(main())
