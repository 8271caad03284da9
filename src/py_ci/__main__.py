"""`python -m py_ci`."""

from py_ci.cli import main

raise SystemExit(main())
