from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.async_request_wrapper_v2_dto import AsyncRequestWrapperV2Dto
from ...models.pre_translate_jobs_v2_dto import PreTranslateJobsV2Dto
from ...types import Response


def _get_kwargs(
    project_uid: str,
    *,
    body: PreTranslateJobsV2Dto,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api2/v2/projects/{project_uid}/jobs/preTranslate".format(
            project_uid=quote(str(project_uid), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | AsyncRequestWrapperV2Dto | None:
    if response.status_code == 202:
        response_202 = AsyncRequestWrapperV2Dto.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = cast(Any, None)
        return response_400

    if response.status_code == 401:
        response_401 = cast(Any, None)
        return response_401

    if response.status_code == 403:
        response_403 = cast(Any, None)
        return response_403

    if response.status_code == 404:
        response_404 = cast(Any, None)
        return response_404

    if response.status_code == 405:
        response_405 = cast(Any, None)
        return response_405

    if response.status_code == 408:
        response_408 = cast(Any, None)
        return response_408

    if response.status_code == 410:
        response_410 = cast(Any, None)
        return response_410

    if response.status_code == 415:
        response_415 = cast(Any, None)
        return response_415

    if response.status_code == 429:
        response_429 = cast(Any, None)
        return response_429

    if response.status_code == 500:
        response_500 = cast(Any, None)
        return response_500

    if response.status_code == 501:
        response_501 = cast(Any, None)
        return response_501

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | AsyncRequestWrapperV2Dto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_uid: str,
    *,
    client: AuthenticatedClient | Client,
    body: PreTranslateJobsV2Dto,
) -> Response[Any | AsyncRequestWrapperV2Dto]:
    """Pre-translate job

     Starts pre-translation of the given jobs and returns an asynchronous request (action PRE_TRANSLATE)
    to poll with getAsyncRequest.

    Args:
        project_uid (str):
        body (PreTranslateJobsV2Dto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | AsyncRequestWrapperV2Dto]
    """

    kwargs = _get_kwargs(
        project_uid=project_uid,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_uid: str,
    *,
    client: AuthenticatedClient | Client,
    body: PreTranslateJobsV2Dto,
) -> Any | AsyncRequestWrapperV2Dto | None:
    """Pre-translate job

     Starts pre-translation of the given jobs and returns an asynchronous request (action PRE_TRANSLATE)
    to poll with getAsyncRequest.

    Args:
        project_uid (str):
        body (PreTranslateJobsV2Dto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | AsyncRequestWrapperV2Dto
    """

    return sync_detailed(
        project_uid=project_uid,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project_uid: str,
    *,
    client: AuthenticatedClient | Client,
    body: PreTranslateJobsV2Dto,
) -> Response[Any | AsyncRequestWrapperV2Dto]:
    """Pre-translate job

     Starts pre-translation of the given jobs and returns an asynchronous request (action PRE_TRANSLATE)
    to poll with getAsyncRequest.

    Args:
        project_uid (str):
        body (PreTranslateJobsV2Dto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | AsyncRequestWrapperV2Dto]
    """

    kwargs = _get_kwargs(
        project_uid=project_uid,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_uid: str,
    *,
    client: AuthenticatedClient | Client,
    body: PreTranslateJobsV2Dto,
) -> Any | AsyncRequestWrapperV2Dto | None:
    """Pre-translate job

     Starts pre-translation of the given jobs and returns an asynchronous request (action PRE_TRANSLATE)
    to poll with getAsyncRequest.

    Args:
        project_uid (str):
        body (PreTranslateJobsV2Dto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | AsyncRequestWrapperV2Dto
    """

    return (
        await asyncio_detailed(
            project_uid=project_uid,
            client=client,
            body=body,
        )
    ).parsed
