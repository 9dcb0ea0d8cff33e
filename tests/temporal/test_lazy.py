"""jobpoll.temporal is opt-in: ``import jobpoll`` (and every vendor client) never imports
temporalio; only ``import jobpoll.temporal`` does."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import jobpoll
from jobpoll import Veza, EdenAI, PhraseTMS, PhraseMT, AlphaSMS, PollStep
assert not [m for m in sys.modules if m.split(".")[0] == "temporalio"], "temporalio imported"
import jobpoll.temporal
assert "temporalio" in sys.modules
print("ok")
"""


def test_import_jobpoll_does_not_import_temporalio():
    out = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
