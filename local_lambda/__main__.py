"""`python -m local_lambda`: see local_lambda.cli."""

import sys

from .cli import main

sys.exit(main())
