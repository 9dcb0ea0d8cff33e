"""Contains all the data models used in inputs/outputs"""

from .error_response import ErrorResponse
from .error_response_error import ErrorResponseError
from .http_validation_error import HTTPValidationError
from .universal_ai_async_body import UniversalAIAsyncBody
from .universal_ai_async_body_input import UniversalAIAsyncBodyInput
from .universal_ai_async_body_provider_params_type_0 import (
    UniversalAIAsyncBodyProviderParamsType0,
)
from .universal_ai_async_body_user_webhook_parameters_type_0 import (
    UniversalAIAsyncBodyUserWebhookParametersType0,
)
from .universal_ai_async_response import UniversalAIAsyncResponse
from .universal_ai_async_response_error_type_0 import UniversalAIAsyncResponseErrorType0
from .validation_error import ValidationError

__all__ = (
    "ErrorResponse",
    "ErrorResponseError",
    "HTTPValidationError",
    "UniversalAIAsyncBody",
    "UniversalAIAsyncBodyInput",
    "UniversalAIAsyncBodyProviderParamsType0",
    "UniversalAIAsyncBodyUserWebhookParametersType0",
    "UniversalAIAsyncResponse",
    "UniversalAIAsyncResponseErrorType0",
    "ValidationError",
)
