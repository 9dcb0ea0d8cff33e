"""Contains all the data models used in inputs/outputs"""

from .async_request_dto_v1 import AsyncRequestDtoV1
from .async_request_reference_v2 import AsyncRequestReferenceV2
from .async_request_status_dto_v1 import AsyncRequestStatusDtoV1
from .async_request_wrapper_v2_dto import AsyncRequestWrapperV2Dto
from .async_response_dto_v1 import AsyncResponseDtoV1
from .concurrent_requests_dto_v1 import ConcurrentRequestsDtoV1
from .error_detail_dto_v1 import ErrorDetailDtoV1
from .error_detail_dto_v1_args_type_0 import ErrorDetailDtoV1ArgsType0
from .login_dto import LoginDto
from .login_response_dto import LoginResponseDto
from .page_dto_async_request_dto_v1 import PageDtoAsyncRequestDtoV1
from .pre_translate_jobs_v2_dto import PreTranslateJobsV2Dto
from .pre_translate_jobs_v2_dto_pre_translate_settings import (
    PreTranslateJobsV2DtoPreTranslateSettings,
)
from .project_reference_v1 import ProjectReferenceV1
from .uid_reference import UidReference
from .user_reference_v1 import UserReferenceV1

__all__ = (
    "AsyncRequestDtoV1",
    "AsyncRequestReferenceV2",
    "AsyncRequestStatusDtoV1",
    "AsyncRequestWrapperV2Dto",
    "AsyncResponseDtoV1",
    "ConcurrentRequestsDtoV1",
    "ErrorDetailDtoV1",
    "ErrorDetailDtoV1ArgsType0",
    "LoginDto",
    "LoginResponseDto",
    "PageDtoAsyncRequestDtoV1",
    "PreTranslateJobsV2Dto",
    "PreTranslateJobsV2DtoPreTranslateSettings",
    "ProjectReferenceV1",
    "UidReference",
    "UserReferenceV1",
)
