"""AlphaSMS's typed models and code tables: what a request carries and what a response says."""

from __future__ import annotations

import datetime as _dt
from typing import Final

import attrs

MESSAGE_CODES: Final[dict[int, str]] = {
    1: "RECEIVED",
    100: "SCHEDULED",
    101: "ENROUTE",
    102: "DELIVERED",
    103: "EXPIRED",
    104: "DELETED",
    105: "UNDELIVERABLE",
    106: "ACCEPTED",
    107: "UNKNOWN",
    108: "REJECTED",
    109: "DISCARDED",
    110: "SENDING",
    111: "NOT_SUPPORTED",
    112: "WRONG_ALPHANAME",
    113: "WRONG_ALPHANAME_RETURNED",
    200: "ERR_UNKNOWN",
    201: "ERR_ID",
    202: "ERR_SENDER",
    203: "ERR_RECIPIENT",
    204: "ERR_LENGTH",
    206: "ERR_BILLING",
    207: "ERR_OVERLIMIT",
    208: "ERR_DUPLICATE",
    211: "ERR_DELETE",
}
"""Per-message status codes (``<msg ...>CODE</msg>``); 1 is "received by AlphaSMS"."""

REQUEST_ERRORS: Final[dict[int, str]] = {
    200: "ERR_UNKNOWN",
    201: "ERR_FORMAT",
    202: "ERR_AUTHORIZATION",
    205: "ERR_USER_DISABLE",
    209: "ERR_API_DISABLE",
    210: "ERR_IP_DENIED",
    212: "ERR_THROTTLE",
}
"""Request-level error codes (``<package><error>CODE</error></package>``, HTTP 200)."""

MESSAGE_TYPES: Final[dict[int, str]] = {0: "SMS", 1: "flash", 2: "wap-push", 3: "voice"}


def code_name(code: int, table: dict[int, str] = MESSAGE_CODES) -> str:
    """The vendor's name of ``code``; ``UNKNOWN_<n>`` for a code this release does not know."""
    return table.get(code, f"UNKNOWN_{code}")


@attrs.frozen
class Message:
    """One SMS of an async batch.

    ``id`` is your own integer id (AlphaSMS wants it unique per account; it is how you ask for
    the message's status later), ``recipient`` a phone number (<= 21 characters), ``sender``
    an approved sender name (<= 11 characters), ``type`` 0 SMS, 1 flash, 2 wap-push, 3 voice.
    Values are checked when the batch is sent (``send_async``), where an error can name the
    message: ``messages[3].sender``.
    """

    id: int
    recipient: str
    text: str
    sender: str
    type: int = 0


@attrs.frozen
class MessageStatus:
    """The status of one message, as ``message_statuses`` reads it.

    ``code`` is AlphaSMS's number and ``name`` its name (``DELIVERED``, ``ERR_SENDER``, ...;
    ``UNKNOWN_<n>`` for a code this release does not know). ``date_completed`` is kept as the
    vendor wrote it; :attr:`completed_at` parses it.
    """

    id: int | None
    sms_id: str | None
    code: int
    name: str
    sms_count: int | None = None
    date_completed: str | None = None

    @property
    def is_error(self) -> bool:
        """True for the ``ERR_*`` codes (200 and up): AlphaSMS did not send this message."""
        return self.code >= 200

    @property
    def completed_at(self) -> _dt.datetime | None:
        """``date_completed`` as a datetime (naive: AlphaSMS does not say which zone), or None."""
        if not self.date_completed:
            return None
        try:
            return _dt.datetime.fromisoformat(self.date_completed)
        except ValueError:
            return None


@attrs.frozen
class JobProgress:
    """One reading of an async job: ``<job><progress>..</progress><status>..</status></job>``.

    ``progress`` is the percentage of processed messages (0..100); it is None only when the
    vendor left it out of a ``NOTFOUND`` answer. ``status`` is the vendor's word as sent.
    """

    status: str
    progress: int | None
