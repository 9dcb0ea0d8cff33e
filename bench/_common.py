"""What the benchmarks share: spreads of repeated runs, markdown tables, the machine's facts."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Spread:
    """The median of several runs, with their min and max."""

    median: float
    lo: float
    hi: float
    runs: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        xs = [float(v) for v in values]
        if not xs:
            raise ValueError("a spread needs at least one run")
        return cls(statistics.median(xs), min(xs), max(xs), len(xs))

    def fmt(self, digits: int = 2, unit: str = "") -> str:
        """``1.23 (1.20-1.30)``: the median, then min-max when the runs differ."""
        mid = f"{self.median:.{digits}f}{unit}"
        if self.runs == 1 or math.isclose(self.lo, self.hi, rel_tol=1e-9, abs_tol=1e-12):
            return mid
        return f"{mid} ({self.lo:.{digits}f}-{self.hi:.{digits}f})"

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.lo, "max": self.hi, "runs": self.runs}


def ratio_spread(numerators: Sequence[float], denominators: Sequence[float]) -> Spread:
    """The run-by-run ratio ``numerators[i] / denominators[i]`` as a spread (paired runs)."""
    return Spread.of(n / d for n, d in zip(numerators, denominators, strict=True))


def percentile(sorted_xs: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0..1) of already sorted values, linearly interpolated."""
    if not sorted_xs:
        raise ValueError("no values")
    pos = q * (len(sorted_xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def _git() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


PACKAGES = (
    "jobpoll",
    "httpx",
    "httpcore",
    "h11",
    "attrs",
    "starlette",
    "uvicorn",
    "tenacity",
    "polling2",
    "psutil",
    "matplotlib",
)


def machine() -> dict[str, str]:
    """The facts a reader needs to compare these numbers with their own."""
    facts = {
        "CPU": _cpu_model(),
        "cores (usable)": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "memory": _memory(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "commit": _git(),
    }
    facts.update({name: _version(name) for name in PACKAGES})
    return facts
