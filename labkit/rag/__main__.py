"""``python -m labkit.rag ...``: see :mod:`labkit.rag.cli`."""

import sys

from .cli import main

sys.exit(main())
