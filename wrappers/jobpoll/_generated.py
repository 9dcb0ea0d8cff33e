"""The contract with the generated clients (``generated/jobpoll_generated``): the one module in
``wrappers/`` that imports them, and exactly what the vendor modules use of them.

The generator (openapi-python-client) writes, per operation, ``sync``/``asyncio`` callers and a
private ``_get_kwargs`` that builds the request; jobpoll sends requests itself (its transport
caps bodies, clamps timeouts and types every failure), so it uses only the builders and the
models. Here they get public names: ``<vendor>_<what>_request`` for a builder (the keyword
arguments of ``httpx.Client.build_request``: method, url, params, json, headers) and the
generated class name for a model (``Unset``/``UNSET`` are per client: ``MtUnset``, ``EDEN_UNSET``).

``tests/foundation/test_generated_contract.py`` pins the shape of every name here (a builder's
parameters and the keys it returns; a model's fields, ``from_dict`` and ``to_dict``) against
``tests/foundation/generated_contract.txt``, so a regeneration that changes one fails there,
naming it, rather than in a vendor's reader at run time. The same test checks that no other
module of ``wrappers/`` imports ``jobpoll_generated``, and that every name here is used.

Each vendor's names are imported on first use (PEP 562): a program that uses one vendor does not
import the other generated clients. The ``TYPE_CHECKING`` imports give the type checker the
generated signatures themselves; :data:`CONTRACT` is what is imported at run time, and the test
checks that the two agree.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobpoll_generated.edenai.api.universal_ai.create_async_job_v3_universal_ai_async_post import (  # noqa: E501
        _get_kwargs as eden_submit_request,
    )
    from jobpoll_generated.edenai.api.universal_ai.get_async_job_v3_universal_ai_async_job_id_get import (  # noqa: E501
        _get_kwargs as eden_job_request,
    )
    from jobpoll_generated.edenai.models.http_validation_error import HTTPValidationError
    from jobpoll_generated.edenai.models.universal_ai_async_body import UniversalAIAsyncBody
    from jobpoll_generated.edenai.models.universal_ai_async_body_input import (
        UniversalAIAsyncBodyInput,
    )
    from jobpoll_generated.edenai.models.universal_ai_async_body_provider_params_type_0 import (
        UniversalAIAsyncBodyProviderParamsType0,
    )
    from jobpoll_generated.edenai.models.universal_ai_async_body_user_webhook_parameters_type_0 import (  # noqa: E501
        UniversalAIAsyncBodyUserWebhookParametersType0,
    )
    from jobpoll_generated.edenai.models.universal_ai_async_response import (
        UniversalAIAsyncResponse,
    )
    from jobpoll_generated.edenai.models.universal_ai_async_response_error_type_0 import (
        UniversalAIAsyncResponseErrorType0,
    )
    from jobpoll_generated.edenai.types import UNSET as EDEN_UNSET
    from jobpoll_generated.edenai.types import Unset as EdenUnset
    from jobpoll_generated.phrase_mt.api.asynchronous_translation.translate_async import (
        _get_kwargs as mt_translate_async_request,
    )
    from jobpoll_generated.phrase_mt.api.asynchronous_translation.translate_async_result import (
        _get_kwargs as mt_result_request,
    )
    from jobpoll_generated.phrase_mt.api.asynchronous_translation.translate_async_status import (
        _get_kwargs as mt_status_request,
    )
    from jobpoll_generated.phrase_mt.api.engine.engine_status import (
        _get_kwargs as mt_engine_status_request,
    )
    from jobpoll_generated.phrase_mt.api.engine.languages import (
        _get_kwargs as mt_languages_request,
    )
    from jobpoll_generated.phrase_mt.api.synchronous_translation.translate import (
        _get_kwargs as mt_translate_request,
    )
    from jobpoll_generated.phrase_mt.models.error import Error as MtErrorBody
    from jobpoll_generated.phrase_mt.models.glossary_entry import GlossaryEntry
    from jobpoll_generated.phrase_mt.models.languages_request import LanguagesRequest
    from jobpoll_generated.phrase_mt.models.languages_response import LanguagesResponse
    from jobpoll_generated.phrase_mt.models.metadata import Metadata
    from jobpoll_generated.phrase_mt.models.segment import Segment
    from jobpoll_generated.phrase_mt.models.status_request import StatusRequest
    from jobpoll_generated.phrase_mt.models.status_response import StatusResponse
    from jobpoll_generated.phrase_mt.models.translate_async_response import (
        TranslateAsyncResponse,
    )
    from jobpoll_generated.phrase_mt.models.translate_async_status_response import (
        TranslateAsyncStatusResponse,
    )
    from jobpoll_generated.phrase_mt.models.translate_request import TranslateRequest
    from jobpoll_generated.phrase_mt.models.translate_response import TranslateResponse
    from jobpoll_generated.phrase_mt.types import UNSET as MT_UNSET
    from jobpoll_generated.phrase_mt.types import Unset as MtUnset
    from jobpoll_generated.phrase_tms.api.async_request.get_async_request import (
        _get_kwargs as tms_status_request,
    )
    from jobpoll_generated.phrase_tms.api.async_request.get_current_limit_status import (
        _get_kwargs as tms_limits_request,
    )
    from jobpoll_generated.phrase_tms.api.async_request.list_pending_requests import (
        _get_kwargs as tms_pending_request,
    )
    from jobpoll_generated.phrase_tms.api.authentication.login import (
        _get_kwargs as tms_login_request,
    )
    from jobpoll_generated.phrase_tms.api.job.pre_translate_v2 import (
        _get_kwargs as tms_pre_translate_request,
    )
    from jobpoll_generated.phrase_tms.models.async_request_dto_v1 import AsyncRequestDtoV1
    from jobpoll_generated.phrase_tms.models.async_request_status_dto_v1 import (
        AsyncRequestStatusDtoV1,
    )
    from jobpoll_generated.phrase_tms.models.async_request_wrapper_v2_dto import (
        AsyncRequestWrapperV2Dto,
    )
    from jobpoll_generated.phrase_tms.models.async_response_dto_v1 import AsyncResponseDtoV1
    from jobpoll_generated.phrase_tms.models.error_detail_dto_v1 import ErrorDetailDtoV1
    from jobpoll_generated.phrase_tms.models.login_dto import LoginDto
    from jobpoll_generated.phrase_tms.models.login_response_dto import LoginResponseDto
    from jobpoll_generated.phrase_tms.models.page_dto_async_request_dto_v1 import (
        PageDtoAsyncRequestDtoV1,
    )
    from jobpoll_generated.phrase_tms.models.pre_translate_jobs_v2_dto import (
        PreTranslateJobsV2Dto,
    )
    from jobpoll_generated.phrase_tms.models.pre_translate_jobs_v2_dto_pre_translate_settings import (  # noqa: E501
        PreTranslateJobsV2DtoPreTranslateSettings,
    )
    from jobpoll_generated.phrase_tms.models.uid_reference import UidReference
    from jobpoll_generated.phrase_tms.types import Unset as TmsUnset
    from jobpoll_generated.veza.api.async_tasks.create_query_spec_result_async import (
        _get_kwargs as veza_query_request,
    )
    from jobpoll_generated.veza.api.async_tasks.get_async_task import (
        _get_kwargs as veza_task_request,
    )
    from jobpoll_generated.veza.models.async_task import AsyncTask
    from jobpoll_generated.veza.models.query_spec import QuerySpec
    from jobpoll_generated.veza.types import Unset as VezaUnset

__all__ = [
    "EDEN_UNSET",
    "MT_UNSET",
    "AsyncRequestDtoV1",
    "AsyncRequestStatusDtoV1",
    "AsyncRequestWrapperV2Dto",
    "AsyncResponseDtoV1",
    "AsyncTask",
    "EdenUnset",
    "ErrorDetailDtoV1",
    "GlossaryEntry",
    "HTTPValidationError",
    "LanguagesRequest",
    "LanguagesResponse",
    "LoginDto",
    "LoginResponseDto",
    "Metadata",
    "MtErrorBody",
    "MtUnset",
    "PageDtoAsyncRequestDtoV1",
    "PreTranslateJobsV2Dto",
    "PreTranslateJobsV2DtoPreTranslateSettings",
    "QuerySpec",
    "Segment",
    "StatusRequest",
    "StatusResponse",
    "TmsUnset",
    "TranslateAsyncResponse",
    "TranslateAsyncStatusResponse",
    "TranslateRequest",
    "TranslateResponse",
    "UidReference",
    "UniversalAIAsyncBody",
    "UniversalAIAsyncBodyInput",
    "UniversalAIAsyncBodyProviderParamsType0",
    "UniversalAIAsyncBodyUserWebhookParametersType0",
    "UniversalAIAsyncResponse",
    "UniversalAIAsyncResponseErrorType0",
    "VezaUnset",
    "eden_job_request",
    "eden_submit_request",
    "mt_engine_status_request",
    "mt_languages_request",
    "mt_result_request",
    "mt_status_request",
    "mt_translate_async_request",
    "mt_translate_request",
    "tms_limits_request",
    "tms_login_request",
    "tms_pending_request",
    "tms_pre_translate_request",
    "tms_status_request",
    "veza_query_request",
    "veza_task_request",
]

CONTRACT: dict[str, dict[str, tuple[str, str]]] = {
    "phrase_tms": {
        "tms_status_request": ("api.async_request.get_async_request", "_get_kwargs"),
        "tms_limits_request": ("api.async_request.get_current_limit_status", "_get_kwargs"),
        "tms_pending_request": ("api.async_request.list_pending_requests", "_get_kwargs"),
        "tms_login_request": ("api.authentication.login", "_get_kwargs"),
        "tms_pre_translate_request": ("api.job.pre_translate_v2", "_get_kwargs"),
        "AsyncRequestDtoV1": ("models.async_request_dto_v1", "AsyncRequestDtoV1"),
        "AsyncRequestStatusDtoV1": (
            "models.async_request_status_dto_v1",
            "AsyncRequestStatusDtoV1",
        ),
        "AsyncRequestWrapperV2Dto": (
            "models.async_request_wrapper_v2_dto",
            "AsyncRequestWrapperV2Dto",
        ),
        "AsyncResponseDtoV1": ("models.async_response_dto_v1", "AsyncResponseDtoV1"),
        "ErrorDetailDtoV1": ("models.error_detail_dto_v1", "ErrorDetailDtoV1"),
        "LoginDto": ("models.login_dto", "LoginDto"),
        "LoginResponseDto": ("models.login_response_dto", "LoginResponseDto"),
        "PageDtoAsyncRequestDtoV1": (
            "models.page_dto_async_request_dto_v1",
            "PageDtoAsyncRequestDtoV1",
        ),
        "PreTranslateJobsV2Dto": ("models.pre_translate_jobs_v2_dto", "PreTranslateJobsV2Dto"),
        "PreTranslateJobsV2DtoPreTranslateSettings": (
            "models.pre_translate_jobs_v2_dto_pre_translate_settings",
            "PreTranslateJobsV2DtoPreTranslateSettings",
        ),
        "UidReference": ("models.uid_reference", "UidReference"),
        "TmsUnset": ("types", "Unset"),
    },
    "phrase_mt": {
        "mt_translate_request": ("api.synchronous_translation.translate", "_get_kwargs"),
        "mt_translate_async_request": (
            "api.asynchronous_translation.translate_async",
            "_get_kwargs",
        ),
        "mt_result_request": ("api.asynchronous_translation.translate_async_result", "_get_kwargs"),
        "mt_status_request": ("api.asynchronous_translation.translate_async_status", "_get_kwargs"),
        "mt_engine_status_request": ("api.engine.engine_status", "_get_kwargs"),
        "mt_languages_request": ("api.engine.languages", "_get_kwargs"),
        "MtErrorBody": ("models.error", "Error"),
        "GlossaryEntry": ("models.glossary_entry", "GlossaryEntry"),
        "LanguagesRequest": ("models.languages_request", "LanguagesRequest"),
        "LanguagesResponse": ("models.languages_response", "LanguagesResponse"),
        "Metadata": ("models.metadata", "Metadata"),
        "Segment": ("models.segment", "Segment"),
        "StatusRequest": ("models.status_request", "StatusRequest"),
        "StatusResponse": ("models.status_response", "StatusResponse"),
        "TranslateAsyncResponse": ("models.translate_async_response", "TranslateAsyncResponse"),
        "TranslateAsyncStatusResponse": (
            "models.translate_async_status_response",
            "TranslateAsyncStatusResponse",
        ),
        "TranslateRequest": ("models.translate_request", "TranslateRequest"),
        "TranslateResponse": ("models.translate_response", "TranslateResponse"),
        "MtUnset": ("types", "Unset"),
        "MT_UNSET": ("types", "UNSET"),
    },
    "veza": {
        "veza_task_request": ("api.async_tasks.get_async_task", "_get_kwargs"),
        "veza_query_request": ("api.async_tasks.create_query_spec_result_async", "_get_kwargs"),
        "AsyncTask": ("models.async_task", "AsyncTask"),
        "QuerySpec": ("models.query_spec", "QuerySpec"),
        "VezaUnset": ("types", "Unset"),
    },
    "edenai": {
        "eden_submit_request": (
            "api.universal_ai.create_async_job_v3_universal_ai_async_post",
            "_get_kwargs",
        ),
        "eden_job_request": (
            "api.universal_ai.get_async_job_v3_universal_ai_async_job_id_get",
            "_get_kwargs",
        ),
        "HTTPValidationError": ("models.http_validation_error", "HTTPValidationError"),
        "UniversalAIAsyncBody": ("models.universal_ai_async_body", "UniversalAIAsyncBody"),
        "UniversalAIAsyncBodyInput": (
            "models.universal_ai_async_body_input",
            "UniversalAIAsyncBodyInput",
        ),
        "UniversalAIAsyncBodyProviderParamsType0": (
            "models.universal_ai_async_body_provider_params_type_0",
            "UniversalAIAsyncBodyProviderParamsType0",
        ),
        "UniversalAIAsyncBodyUserWebhookParametersType0": (
            "models.universal_ai_async_body_user_webhook_parameters_type_0",
            "UniversalAIAsyncBodyUserWebhookParametersType0",
        ),
        "UniversalAIAsyncResponse": (
            "models.universal_ai_async_response",
            "UniversalAIAsyncResponse",
        ),
        "UniversalAIAsyncResponseErrorType0": (
            "models.universal_ai_async_response_error_type_0",
            "UniversalAIAsyncResponseErrorType0",
        ),
        "EdenUnset": ("types", "Unset"),
        "EDEN_UNSET": ("types", "UNSET"),
    },
}
"""Per generated client (``jobpoll_generated.<client>``): each name here → (module within the
client, attribute). The only run-time imports of generated code in jobpoll."""

_CLIENT_OF = {name: client for client, names in CONTRACT.items() for name in names}


def __getattr__(name: str) -> object:
    client = _CLIENT_OF.get(name)
    if client is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for each, (module, attribute) in CONTRACT[client].items():  # the whole client at once
        loaded = importlib.import_module(f"jobpoll_generated.{client}.{module}")
        globals()[each] = getattr(loaded, attribute)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
