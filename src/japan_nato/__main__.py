"""Run the command line: python -m japan_nato ..."""

from japan_nato.cli import main

raise SystemExit(main())
