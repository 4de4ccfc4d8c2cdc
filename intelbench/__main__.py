"""``python -m intelbench`` runs the command line."""

import sys

from intelbench.demo.cli import main

sys.exit(main())
