"""`python -m reportlab_analysis ...` is the same as the `reportlab-analysis` command."""

from .cli import main

raise SystemExit(main())
