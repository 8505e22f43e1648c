"""``python -m linter.cli``: the msglint command (as ``python -m linter``)."""

import sys

from linter.cli.main import main

sys.exit(main())
