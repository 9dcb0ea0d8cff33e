"""AlphaSMS (alphasms.net and its other brands): asynchronous SMS batches over the XML API.

::

    from jobpoll.alphasms import AlphaSMS, Message

    with AlphaSMS() as sms:                      # key from ALPHASMS_API_KEY
        job_id = sms.send_async([Message(1, "+380971234567", "Hello", "SMSTest")])
        final = sms.wait(job_id)                 # WAITING -> RUNNING n% -> COMPLETE
        for status in sms.message_statuses([1]):
            print(status.id, status.name)        # e.g. 1 DELIVERED

``send_and_wait(messages)`` does the three steps and returns ``(final JobStatus, statuses)``.
Polls start 5 s apart and back off to a minute (:data:`DEFAULT_POLICY`). A job older than
12 hours reads NOTFOUND (:class:`jobpoll.JobNotFound`). Responses above 2 MiB, with a DTD, or
not in the documented shape raise a retryable :class:`jobpoll.MalformedResponse`.
"""

from ._client import DEFAULT_POLICY, VENDOR, AlphaSMS, AsyncAlphaSMS, to_status
from ._models import MESSAGE_CODES, JobProgress, Message, MessageStatus

__all__ = [
    "DEFAULT_POLICY",
    "MESSAGE_CODES",
    "VENDOR",
    "AlphaSMS",
    "AsyncAlphaSMS",
    "JobProgress",
    "Message",
    "MessageStatus",
    "to_status",
]
