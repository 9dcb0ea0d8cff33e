"""Contains all the data models used in inputs/outputs"""

from .error_response import ErrorResponse
from .error_response_error import ErrorResponseError
from .http_validation_error import HTTPValidationError
from .universal_ai_async_request import UniversalAIAsyncRequest
from .universal_ai_async_request_input import UniversalAIAsyncRequestInput
from .universal_ai_async_request_provider_params import (
    UniversalAIAsyncRequestProviderParams,
)
from .universal_ai_async_request_user_webhook_parameters import (
    UniversalAIAsyncRequestUserWebhookParameters,
)
from .universal_ai_async_response import UniversalAIAsyncResponse
from .universal_ai_async_response_error_type_0 import UniversalAIAsyncResponseErrorType0
from .validation_error import ValidationError

__all__ = (
    "ErrorResponse",
    "ErrorResponseError",
    "HTTPValidationError",
    "UniversalAIAsyncRequest",
    "UniversalAIAsyncRequestInput",
    "UniversalAIAsyncRequestProviderParams",
    "UniversalAIAsyncRequestUserWebhookParameters",
    "UniversalAIAsyncResponse",
    "UniversalAIAsyncResponseErrorType0",
    "ValidationError",
)
