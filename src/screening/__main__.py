"""`python -m screening`: the same as the `screening` command."""

from .cli import main

raise SystemExit(main())
