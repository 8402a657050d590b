"""`python -m mit_desktop` runs the command line (`gui` starts the window)."""

from mit_desktop.cli import main

raise SystemExit(main())
