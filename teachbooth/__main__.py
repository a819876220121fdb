"""`python -m teachbooth`: the same command as the installed `teachbooth` script."""

import sys

from teachbooth.cli import main

sys.exit(main())
