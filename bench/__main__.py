"""``python -m bench [--quick] [--only NAME ...] [--out PATH]``: run them, write the report.

The full run writes ``BENCHMARKS.md`` at the repository root and ``bench/requests_vs_lag.png``,
keeping the report's hand-written notes (from its first ``## Notes`` heading on) after the
new tables.
``--quick`` runs every benchmark at a small size in well under a minute and prints the report
without touching the committed files, unless ``--out`` names where to write it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import concurrent, lag, overhead, report, scale, webhooks
from ._common import ROOT

BENCHMARKS = {
    "overhead": overhead,
    "concurrent": concurrent,
    "scale": scale,
    "lag": lag,
    "webhooks": webhooks,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, prints the report")
    parser.add_argument(
        "--only", nargs="+", choices=list(BENCHMARKS), help="run only these benchmarks"
    )
    parser.add_argument("--out", type=Path, help="where to write the report (markdown)")
    args = parser.parse_args(argv)
    out: Path | None = args.out or (None if args.quick else ROOT / "BENCHMARKS.md")
    names = args.only or list(BENCHMARKS)
    started = time.perf_counter()
    results = {}
    for name in names:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        kwargs: dict[str, object] = {"quick": args.quick}
        if name == "lag":
            # The committed plot comes from a full run only.
            kwargs["plot"] = out is not None
            if out is not None and out != ROOT / "BENCHMARKS.md":
                kwargs["plot_path"] = out.with_name(lag.PLOT.name)
        results[name] = BENCHMARKS[name].run(**kwargs)  # type: ignore[attr-defined]
        print(f"bench: {name} took {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    plotted = results.get("lag", {}).get("plot")
    if "webhooks" in results and isinstance(plotted, str) and plotted.endswith(".png"):
        # The plot gains the webhook hybrid's points (§3b), drawn with §3's.
        webhooks.add_to_plot(results["lag"]["rows"], results["webhooks"], Path(plotted))
    text = report.render(
        results,
        quick=args.quick,
        seconds=time.perf_counter() - started,
        out_dir=None if out is None else out.resolve().parent,
    )
    if out is None:
        print(text)
    else:
        out.write_text(text + kept_notes(out), encoding="utf-8")
        print(f"bench: wrote {out}", file=sys.stderr)
    print(f"bench: all done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


NOTES = "## Notes"
"""Sections of the report that start with this heading are written by hand (figures measured
separately, with their date and command): a rerun keeps them, after the tables."""


def kept_notes(path: Path) -> str:
    """The hand-written notes at the end of the report at ``path`` (from its first ``## Notes``
    heading on), to write again after the new tables; "" when there are none."""
    try:
        old = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    at = old.find("\n" + NOTES)
    return "\n" + old[at + 1 :].rstrip() + "\n" if at >= 0 else ""


if __name__ == "__main__":
    raise SystemExit(main())
