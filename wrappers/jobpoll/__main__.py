"""``python -m jobpoll``: the same as the ``jobpoll`` command."""

from .cli import main

raise SystemExit(main())
