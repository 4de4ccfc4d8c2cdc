"""``python -m intelbench`` runs the command line."""

import sys

from intelbench.cli import main

sys.exit(main())
