"""The ``jobpoll`` command: wait for a job, read its status, run the simulators or the demo.

Credentials and base URLs come from the vendor clients' environment variables only: a
secret on a command line ends up in shell history and ``ps`` output.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from typing import IO, Any, NoReturn

from . import _vendors
from ._errors import (
    AuthError,
    Error,
    JobCanceled,
    JobFailed,
    JobNotFound,
    WaitTimeout,
)
from ._status import JobStatus

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_NOT_FOUND = 4
EXIT_CANCELED = 5
EXIT_AUTH = 6
EXIT_OTHER = 7

EXIT_CODES = """\
exit codes:
  0  the job succeeded
  1  the job failed
  2  usage error (bad arguments, missing credentials)
  3  timed out (the job may still finish)
  4  job not found, or expired
  5  job canceled
  6  authentication error
  7  any other API or network error, after retries
"""


def exit_code(err: BaseException) -> int:
    """The documented exit code for an error."""
    for kind, code in (
        (JobFailed, EXIT_FAILED),
        (WaitTimeout, EXIT_TIMEOUT),
        (JobNotFound, EXIT_NOT_FOUND),
        (JobCanceled, EXIT_CANCELED),
        (AuthError, EXIT_AUTH),
        (Error, EXIT_OTHER),
    ):
        if isinstance(err, kind):
            return code
    return EXIT_USAGE if isinstance(err, ValueError | TypeError) else EXIT_OTHER


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"jobpoll: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    env_lines = "\n".join(
        f"  {name:<11} {cred}, {url}" for name, (cred, url) in _vendors.ENV.items()
    )
    parser = _Parser(
        prog="jobpoll",
        description="Wait for asynchronous jobs on Phrase TMS, Phrase BYO MT engines, Veza, "
        "Eden AI and AlphaSMS.",
        epilog=f"{EXIT_CODES}\nenvironment (credential, base URL):\n{env_lines}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def vendor_job(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "vendor",
            choices=_vendors.NAMES,
            metavar="VENDOR",
            help=f"one of: {', '.join(_vendors.NAMES)}",
        )
        p.add_argument("job_id", metavar="JOB_ID")
        p.add_argument("--base-url", help="the API's base URL (default: from the environment)")
        p.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    wait = sub.add_parser(
        "wait",
        help="poll a job until it is done",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    vendor_job(wait)
    wait.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="give up after S seconds (default: the client's, 15 minutes)",
    )
    wait.add_argument("--quiet", action="store_true", help="no live progress on stderr")
    wait.add_argument(
        "--max-retries",
        type=int,
        default=None,
        metavar="N",
        help="failed polls retried in a row before giving up (default: the vendor's policy)",
    )

    status = sub.add_parser(
        "status",
        help="poll a job once and print its status",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    vendor_job(status)
    for command in (wait, status):
        command.add_argument(
            "-v",
            "--verbose",
            action="count",
            default=0,
            help="log retried failures on stderr; twice: every poll",
        )

    simulate = sub.add_parser("simulate", help="run local simulators of the APIs")
    simulate.add_argument(
        "vendors",
        nargs="*",
        metavar="VENDOR",
        choices=[[], *_vendors.NAMES],
        help="which (default: all five)",
    )
    simulate.add_argument(
        "--port", type=int, default=0, help="first port to use (default: free ports)"
    )

    sub.add_parser("demo", help="run a realistic job on each simulated API")
    return parser


def _record(status: JobStatus | None, vendor: str, job_id: str) -> dict[str, Any]:
    return {
        "vendor": vendor,
        "job_id": job_id,
        "state": status.state.value if status else None,
        "progress": status.progress if status else None,
        "detail": status.detail if status else None,
        "attempts": status.stats.attempts if status else 0,
        "elapsed_s": round(status.stats.elapsed_s, 3) if status else 0.0,
    }


def progress_bar(progress: float | None) -> str:
    """``[#####...............]  25%`` for a fraction, or an empty string when there is none."""
    if progress is None:
        return ""
    filled = round(progress * 20)
    return f"[{'#' * filled}{'.' * (20 - filled)}] {progress:4.0%}"


def _line(status: JobStatus) -> str:
    bar = f" {progress_bar(status.progress)}" if status.progress is not None else ""
    return (
        f"{status.vendor} {status.job_id}: {status.state.value}{bar} "
        f"polls={status.stats.attempts} elapsed={status.stats.elapsed_s:.1f}s"
    )


class _Progress:
    """Live progress on a terminal: one line, rewritten in place."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.width = 0

    def __call__(self, status: JobStatus) -> None:
        if not self.enabled:
            return
        text = _line(status)
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def end(self) -> None:
        if self.enabled and self.width:
            self.stream.write("\n")
            self.stream.flush()


def _fail(err: BaseException, args: argparse.Namespace) -> int:
    code = exit_code(err)
    message = str(err).splitlines()[0] if str(err) else type(err).__name__
    sys.stderr.write(f"jobpoll: {message}\n")
    if getattr(args, "json", False) and isinstance(err, Error):
        record = _record(err.status, args.vendor, err.job_id or args.job_id)
        record["error"] = type(err).__name__
        print(json.dumps(record))
    return code


def _wait(args: argparse.Namespace) -> int:
    client_cls = _vendors.sync_client(args.vendor)
    progress = _Progress(sys.stderr, not args.quiet and not args.json and sys.stderr.isatty())
    kwargs: dict[str, Any] = {}
    if args.timeout is not None:
        kwargs["timeout"] = args.timeout
    try:
        with client_cls(base_url=args.base_url) as client:
            if args.max_retries is not None:
                kwargs["policy"] = client.policy.replace(max_retries=args.max_retries)
            final = client.wait(args.job_id, on_update=progress, **kwargs)
    finally:
        progress.end()
    if args.json:
        print(json.dumps(_record(final, args.vendor, final.job_id)))
    elif not args.quiet:
        print(_line(final))
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    client_cls = _vendors.sync_client(args.vendor)
    with client_cls(base_url=args.base_url) as client:
        status = client.status(args.job_id)
    if args.json:
        print(json.dumps(_record(status, args.vendor, status.job_id)))
    else:
        print(_line(status))
    if status.state.terminal and status.state.value != "succeeded":
        return EXIT_CANCELED if status.state.value == "canceled" else EXIT_FAILED
    return EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    from .testing import serve_forever

    serve_forever(list(args.vendors) or list(_vendors.NAMES), port=args.port)
    return EXIT_OK


def _demo(_: argparse.Namespace) -> int:
    from ._demo import run_demo

    return run_demo()


def _logging(verbosity: int) -> None:
    """The command owns stderr: the engine's log lines show only when asked for (-v, -vv);
    otherwise Python's last-resort handler would print every retry warning there."""
    logger = logging.getLogger("jobpoll")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    if verbosity:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("jobpoll: %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if verbosity > 1 else logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (the console script exits with it)."""
    parser = _parser()
    args = parser.parse_args(argv)
    _logging(getattr(args, "verbose", 0))
    handler = {"wait": _wait, "status": _status, "simulate": _simulate, "demo": _demo}
    started = time.monotonic()
    try:
        return handler[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write(f"jobpoll: interrupted after {time.monotonic() - started:.1f}s\n")
        return 130
    except (Error, ValueError, TypeError) as err:
        return _fail(err, args)
    except ImportError as err:
        sys.stderr.write(f"jobpoll: {err}; install the extra: pip install 'jobpoll[testing]'\n")
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
