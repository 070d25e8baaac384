"""`python -m ctk_suite`: the same program as `tmf622-ctk`."""

from ctk_suite.launch import main

raise SystemExit(main())
