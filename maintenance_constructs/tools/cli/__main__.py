"""``python -m maintenance_constructs.tools.cli``: the ``maintenance-constructs`` command."""

import sys

from .main import main

sys.exit(main())
