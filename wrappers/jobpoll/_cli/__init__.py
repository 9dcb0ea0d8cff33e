"""What the ``jobpoll`` command and ``jobpoll demo`` draw on a terminal.

Hand-written rather than ``rich`` (as an optional extra), because of what was measured on
the development machine (Python 3.11): ``import rich.live, rich.progress`` takes 103-124 ms
and 54 modules, and rich 15 with its dependencies is 1.7 MB of wheels (13 MB installed,
mostly pygments); these two modules import in ~10 ms and are 24 KB. The command draws one
status line and the demo one small table, which a few hundred lines do well; an extra would
also give two looks (with and without it) to test. The pieces: ``_text`` (escaping, fitting,
bars, durations) and ``_live`` (the redrawn status line and the logging handler that keeps
log lines off it).
"""
