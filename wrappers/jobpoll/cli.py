"""The ``jobpoll`` command: wait for a job (or resume a wait), read its status, run the
simulators or the demo.

Credentials and base URLs come from the vendor clients' environment variables only: a
secret on a command line ends up in shell history and ``ps`` output. What is drawn on the
terminal lives in ``jobpoll._cli``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from . import _vendors
from ._cli._live import Display, LogHandler, Mode, choose_mode, plain_line
from ._cli._text import clean
from ._errors import (
    AuthError,
    Error,
    InvalidToken,
    JobCanceled,
    JobFailed,
    JobNotFound,
    TimedOut,
)
from ._status import JobStatus, PollStats
from ._version import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_NOT_FOUND = 4
EXIT_CANCELED = 5
EXIT_AUTH = 6
EXIT_OTHER = 7
EXIT_INTERRUPTED = 130

EXIT_CODES = """\
exit codes:
  0  the job succeeded
  1  the job failed
  2  usage error (bad arguments, missing credentials, an invalid resume token)
  3  timed out (the job may still finish: resume with the token --json prints)
  4  job not found, or expired
  5  job canceled
  6  authentication error
  7  any other API or network error, after retries
  130 interrupted (Ctrl+C)
"""


def exit_code(err: BaseException) -> int:
    """The documented exit code for an error."""
    for kind, code in (
        (JobFailed, EXIT_FAILED),
        (TimedOut, EXIT_TIMEOUT),
        (JobNotFound, EXIT_NOT_FOUND),
        (JobCanceled, EXIT_CANCELED),
        (AuthError, EXIT_AUTH),
        (InvalidToken, EXIT_USAGE),
        (Error, EXIT_OTHER),
    ):
        if isinstance(err, kind):
            return code
    return EXIT_USAGE if isinstance(err, ValueError | TypeError) else EXIT_OTHER


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"jobpoll: error: {message}\n")


def _timeout(text: str) -> float | None:
    """``--timeout``: seconds > 0, or ``none`` for no deadline."""
    if text.strip().lower() in ("none", "inf", "infinity"):
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"timeout must be a number of seconds > 0, or 'none' (got {text!r})"
        )
    return value


def _parser() -> argparse.ArgumentParser:
    env_lines = "\n".join(
        f"  {name:<11} {cred}, {url}" for name, (cred, url) in _vendors.ENV.items()
    )
    parser = _Parser(
        prog="jobpoll",
        description="Wait for asynchronous jobs on Phrase TMS, Phrase BYO MT engines, Veza, "
        "Eden AI and AlphaSMS.",
        epilog=f"{EXIT_CODES}\nenvironment (credential, base URL):\n{env_lines}\n"
        "  (Phrase TMS also reads PHRASE_TMS_USERNAME/PHRASE_TMS_PASSWORD and MEMSOURCE_*)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"jobpoll {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def vendor_job(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "vendor",
            choices=_vendors.NAMES,
            metavar="VENDOR",
            help=f"one of: {', '.join(_vendors.NAMES)}",
        )
        p.add_argument("job_id", metavar="JOB_ID")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--base-url", help="the API's base URL (default: from the environment)")
        p.add_argument(
            "--json",
            action="store_true",
            help="print one JSON object on stdout (with a resume_token when the wait can go on)",
        )
        p.add_argument(
            "-v",
            "--verbose",
            action="count",
            default=0,
            help="log retried failures on stderr; twice: every poll",
        )

    def waiting(p: argparse.ArgumentParser, default: str) -> None:
        p.add_argument(
            "--timeout",
            type=_timeout,
            default=argparse.SUPPRESS,
            metavar="S",
            help=f"give up after S seconds; 'none': no deadline (default: {default})",
        )
        p.add_argument(
            "--max-retries",
            type=int,
            default=None,
            metavar="N",
            help="failed polls retried in a row before giving up (default: the vendor's policy)",
        )
        p.add_argument(
            "--progress",
            choices=("auto", "live", "lines", "off"),
            default="auto",
            help="progress on stderr: auto (live on a terminal, plain lines if TERM=dumb, "
            "none otherwise), live, lines (one per change) or off",
        )
        p.add_argument("--quiet", action="store_true", help="no progress and no result line")

    wait = command("wait", "poll a job until it is done")
    vendor_job(wait)
    common(wait)
    waiting(wait, "the client's, 15 minutes")

    resume = command("resume", "carry on a wait from the resume_token that --json printed")
    resume.add_argument("token", metavar="TOKEN")
    common(resume)
    waiting(resume, "the time the wait had left")

    status = command("status", "poll a job once and print its status")
    vendor_job(status)
    common(status)

    simulate = sub.add_parser(
        "simulate",
        help="run local simulators of the APIs",
        description="Run local simulators "
        "of the APIs, with sample jobs whose clocks start at their first poll.",
    )
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


def _record(
    status: JobStatus | None,
    vendor: str,
    job_id: str,
    token: str | None = None,
    stats: PollStats | None = None,
) -> dict[str, Any]:
    """The ``--json`` object. ``resume_token`` is there whenever the wait can be carried on
    (``jobpoll resume TOKEN``), null otherwise. ``stats`` (an error's) counts the polls that
    failed too, which the last good status does not."""
    stats = stats or (status.stats if status else None)
    return {
        "vendor": vendor,
        "job_id": job_id,
        "state": status.state.value if status else None,
        "progress": status.progress if status else None,
        "detail": status.detail if status else None,
        "attempts": stats.attempts if stats else 0,
        "elapsed_s": round(stats.elapsed_s, 3) if stats else 0.0,
        "resume_token": token,
    }


def _fail(err: BaseException, args: argparse.Namespace) -> int:
    code = exit_code(err)
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    # The engine's hint speaks to a programmer; on the command line the way on is `resume`.
    text = text.replace("resume from err.resume_token", "jobpoll resume TOKEN (--json prints it)")
    sys.stderr.write(f"jobpoll: {clean(text)}\n")
    if getattr(args, "json", False) and isinstance(err, Error) and hasattr(args, "vendor"):
        token = err.resume_token if not isinstance(err, InvalidToken) else None
        record = _record(err.status, args.vendor, err.job_id or args.job_id, token, err.stats)
        record["error"] = type(err).__name__
        print(json.dumps(record))
    return code


class _Interrupted(Exception):
    """Ctrl+C during a wait, with what the wait had seen so far."""

    def __init__(self, last: JobStatus | None) -> None:
        super().__init__("interrupted")
        self.last = last


def _follow(args: argparse.Namespace, call: Callable[[Any, dict[str, Any]], JobStatus]) -> int:
    """Run a wait (``call(client, kwargs)``) with progress on stderr, then print the result."""
    mode = Mode.OFF if args.quiet else choose_mode(sys.stderr, args.progress)
    display = Display(sys.stderr, mode, args.vendor, args.job_id)
    kwargs: dict[str, Any] = {"on_update": display}
    if hasattr(args, "timeout"):
        kwargs["timeout"] = args.timeout
    try:
        client_cls = _vendors.sync_client(args.vendor)
        with _logging(args.verbose, display), client_cls(base_url=args.base_url) as client:
            if args.max_retries is not None:
                kwargs["policy"] = client.policy.replace(max_retries=args.max_retries)
            final = call(client, kwargs)
    except KeyboardInterrupt:
        display.close()
        raise _Interrupted(display.last) from None
    except BaseException:
        display.close()
        raise
    if args.json:
        display.close()
        print(json.dumps(_record(final, args.vendor, final.job_id)))
    elif args.quiet:
        display.close()
    else:
        line = plain_line(final)
        # One final line on the screen: the result goes to stdout; when stdout is not the
        # terminal (piped), it also replaces the progress line on stderr.
        display.close(final=None if _isatty(sys.stdout) else line)
        print(line)
    return EXIT_OK


def _wait(args: argparse.Namespace) -> int:
    return _follow(args, lambda client, kw: client.wait(args.job_id, **kw))


def _resume(args: argparse.Namespace) -> int:
    from ._token import decode

    state = decode(args.token)
    if state.vendor not in _vendors.NAMES:
        raise InvalidToken(f"invalid resume token: unknown vendor {state.vendor!r}")
    args.vendor, args.job_id = state.vendor, state.job_id
    return _follow(args, lambda client, kw: client.resume(args.token, **kw))


def _status(args: argparse.Namespace) -> int:
    client_cls = _vendors.sync_client(args.vendor)
    with _logging(args.verbose, None), client_cls(base_url=args.base_url) as client:
        status = client.status(args.job_id)
    if args.json:
        print(json.dumps(_record(status, args.vendor, status.job_id)))
    else:
        print(plain_line(status))
    if status.state.terminal and status.state.value != "succeeded":
        return EXIT_CANCELED if status.state.value == "canceled" else EXIT_FAILED
    return EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    from .testing import serve_forever

    vendors = list(args.vendors) or list(_vendors.NAMES)
    last = args.port + len(vendors) - 1
    if args.port < 0 or last > 65535:
        what = f"port {args.port}" if len(vendors) == 1 else f"ports {args.port}-{last}"
        sys.stderr.write(f"jobpoll: {what} out of range: a port is 1-65535 (0: free ports)\n")
        return EXIT_USAGE
    try:
        serve_forever(vendors, port=args.port)
    except OSError as err:  # the port is taken, or not ours to bind
        where = f"port {args.port}" if args.port else "a free port"
        sys.stderr.write(f"jobpoll: cannot serve on {where}: {err.strerror or err}\n")
        return EXIT_USAGE
    return EXIT_OK


def _demo(_: argparse.Namespace) -> int:
    from ._demo import run_demo

    return run_demo()


@contextlib.contextmanager
def _logging(verbosity: int, display: Display | None) -> Iterator[None]:
    """The command owns stderr: the engine's log lines show only when asked for (-v: handled
    retries and warnings, -vv: every poll), printed above the progress line, never through
    it. The handler also hears every retry, which the progress line shows as "retrying"."""
    logger = logging.getLogger("jobpoll")
    show = {0: logging.CRITICAL + 1, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = LogHandler(display, sys.stderr, show)
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
    logger.propagate = False  # the one handler that knows about the progress line
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (the console script exits with it)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    handler = {
        "wait": _wait,
        "resume": _resume,
        "status": _status,
        "simulate": _simulate,
        "demo": _demo,
    }
    started = time.monotonic()
    try:
        return handler[args.command](args)
    except (KeyboardInterrupt, _Interrupted) as stop:
        sys.stderr.write(f"jobpoll: interrupted after {time.monotonic() - started:.1f}s\n")
        if isinstance(stop, _Interrupted) and args.json:
            _print_interrupted(stop.last, args, time.monotonic() - started)
        return EXIT_INTERRUPTED
    except (Error, ValueError, TypeError) as err:
        return _fail(err, args)
    except ImportError as err:
        sys.stderr.write(f"jobpoll: {err}; install the extra: pip install 'jobpoll[testing]'\n")
        return EXIT_USAGE
    except Exception as err:  # the last resort: one line, never a traceback
        text = str(err).splitlines()[0] if str(err) else ""
        sys.stderr.write(f"jobpoll: unexpected {type(err).__name__}: {clean(text)}\n")
        return EXIT_OTHER


def _print_interrupted(last: JobStatus | None, args: argparse.Namespace, elapsed: float) -> None:
    """The ``--json`` record after Ctrl+C: the state so far and a token to carry on."""
    token = None
    if last is not None and not last.state.terminal:
        token = last.resume_token()
    elif last is None:
        token = _token_before_any_status(args, elapsed)
    record = _record(last, args.vendor, args.job_id, token)
    record["elapsed_s"] = round(elapsed, 3)  # until Ctrl+C, not until the last status
    record["error"] = "Interrupted"
    print(json.dumps(record))


def _token_before_any_status(args: argparse.Namespace, elapsed: float) -> str:
    """Ctrl+C before the first status (the first polls failed, or the first one was still in
    flight): the wait can still go on. ``resume`` gives back its own token (what it carried
    still holds); ``wait`` gives a token for a fresh wait with what is left of its timeout."""
    from ._config import DEFAULT_TIMEOUT
    from ._status import PollStats
    from ._token import token_from

    if args.command == "resume":
        token: str = args.token
        return token
    timeout = getattr(args, "timeout", DEFAULT_TIMEOUT)  # the clients' default when not given
    remaining = None if timeout is None else max(0.0, timeout - elapsed)
    return token_from(args.vendor, args.job_id, PollStats(remaining_s=remaining))


if __name__ == "__main__":
    raise SystemExit(main())
