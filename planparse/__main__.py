"""``python -m planparse`` runs the command-line interface."""

from planparse.cli import main

raise SystemExit(main())
