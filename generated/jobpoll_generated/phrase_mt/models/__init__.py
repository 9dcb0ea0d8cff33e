"""Contains all the data models used in inputs/outputs"""

from .error import Error
from .glossary_entry import GlossaryEntry
from .language_pair import LanguagePair
from .languages_request import LanguagesRequest
from .languages_response import LanguagesResponse
from .metadata import Metadata
from .segment import Segment
from .status_request import StatusRequest
from .status_response import StatusResponse
from .translate_async_response import TranslateAsyncResponse
from .translate_async_status_response import TranslateAsyncStatusResponse
from .translate_request import TranslateRequest
from .translate_response import TranslateResponse
from .translated_segment import TranslatedSegment

__all__ = (
    "Error",
    "GlossaryEntry",
    "LanguagePair",
    "LanguagesRequest",
    "LanguagesResponse",
    "Metadata",
    "Segment",
    "StatusRequest",
    "StatusResponse",
    "TranslateAsyncResponse",
    "TranslateAsyncStatusResponse",
    "TranslateRequest",
    "TranslateResponse",
    "TranslatedSegment",
)
