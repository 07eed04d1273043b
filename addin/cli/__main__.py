"""`python -m addin.cli`: the same as the `kpi` command."""

import sys

from addin.cli.main import main

sys.exit(main())
