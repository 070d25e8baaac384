"""`python -m ctk_suite`: the same program as `tmf622-ctk`."""

from ctk_suite.cli import main

raise SystemExit(main())
