from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.async_request_dto_v1 import AsyncRequestDtoV1
from ...types import Response


def _get_kwargs(
    async_request_id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api2/v1/async/{async_request_id}".format(
            async_request_id=quote(str(async_request_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | AsyncRequestDtoV1 | None:
    if response.status_code == 200:
        response_200 = AsyncRequestDtoV1.from_dict(response.json())

        return response_200

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
) -> Response[Any | AsyncRequestDtoV1]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    async_request_id: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | AsyncRequestDtoV1]:
    """Get asynchronous request


    This API call will return information about the specified
    [asynchronous request](https://support.phrase.com/hc/en-us/articles/5709706916124-API-
    TMS-#asynchronous-apis-0-2).

    Apart from basic information about the asynchronous operation such as who created it and for what
    action, the response
    will contain a subset of [Get project](../project/get-project) information.

    The response contains an `asyncResponse` field which will remain `null` until the async request has
    finished processing.
    If any errors occurred during processing of the request, this field will contain such errors or
    warnings.

    The `action` field identifies the type of operation. Common values relevant to the job workflow:
    - `IMPORT_JOB` — job file import, returned by [Create job](../job/create-job)
    - `PRE_TRANSLATE` — pre-translation run, returned by [Pre-translate job](../job/pre-translate-job)

    _Note_: It is important to keep track of the number of pending asynchronous requests as these are
    subject to [Phrase
    limits](https://support.phrase.com/hc/en-us/articles/5784117234972-Phrase-TMS-Limits#api-limits-
    async-requests-0-2).

    Args:
        async_request_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | AsyncRequestDtoV1]
    """

    kwargs = _get_kwargs(
        async_request_id=async_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    async_request_id: int,
    *,
    client: AuthenticatedClient | Client,
) -> Any | AsyncRequestDtoV1 | None:
    """Get asynchronous request


    This API call will return information about the specified
    [asynchronous request](https://support.phrase.com/hc/en-us/articles/5709706916124-API-
    TMS-#asynchronous-apis-0-2).

    Apart from basic information about the asynchronous operation such as who created it and for what
    action, the response
    will contain a subset of [Get project](../project/get-project) information.

    The response contains an `asyncResponse` field which will remain `null` until the async request has
    finished processing.
    If any errors occurred during processing of the request, this field will contain such errors or
    warnings.

    The `action` field identifies the type of operation. Common values relevant to the job workflow:
    - `IMPORT_JOB` — job file import, returned by [Create job](../job/create-job)
    - `PRE_TRANSLATE` — pre-translation run, returned by [Pre-translate job](../job/pre-translate-job)

    _Note_: It is important to keep track of the number of pending asynchronous requests as these are
    subject to [Phrase
    limits](https://support.phrase.com/hc/en-us/articles/5784117234972-Phrase-TMS-Limits#api-limits-
    async-requests-0-2).

    Args:
        async_request_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | AsyncRequestDtoV1
    """

    return sync_detailed(
        async_request_id=async_request_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    async_request_id: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | AsyncRequestDtoV1]:
    """Get asynchronous request


    This API call will return information about the specified
    [asynchronous request](https://support.phrase.com/hc/en-us/articles/5709706916124-API-
    TMS-#asynchronous-apis-0-2).

    Apart from basic information about the asynchronous operation such as who created it and for what
    action, the response
    will contain a subset of [Get project](../project/get-project) information.

    The response contains an `asyncResponse` field which will remain `null` until the async request has
    finished processing.
    If any errors occurred during processing of the request, this field will contain such errors or
    warnings.

    The `action` field identifies the type of operation. Common values relevant to the job workflow:
    - `IMPORT_JOB` — job file import, returned by [Create job](../job/create-job)
    - `PRE_TRANSLATE` — pre-translation run, returned by [Pre-translate job](../job/pre-translate-job)

    _Note_: It is important to keep track of the number of pending asynchronous requests as these are
    subject to [Phrase
    limits](https://support.phrase.com/hc/en-us/articles/5784117234972-Phrase-TMS-Limits#api-limits-
    async-requests-0-2).

    Args:
        async_request_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | AsyncRequestDtoV1]
    """

    kwargs = _get_kwargs(
        async_request_id=async_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    async_request_id: int,
    *,
    client: AuthenticatedClient | Client,
) -> Any | AsyncRequestDtoV1 | None:
    """Get asynchronous request


    This API call will return information about the specified
    [asynchronous request](https://support.phrase.com/hc/en-us/articles/5709706916124-API-
    TMS-#asynchronous-apis-0-2).

    Apart from basic information about the asynchronous operation such as who created it and for what
    action, the response
    will contain a subset of [Get project](../project/get-project) information.

    The response contains an `asyncResponse` field which will remain `null` until the async request has
    finished processing.
    If any errors occurred during processing of the request, this field will contain such errors or
    warnings.

    The `action` field identifies the type of operation. Common values relevant to the job workflow:
    - `IMPORT_JOB` — job file import, returned by [Create job](../job/create-job)
    - `PRE_TRANSLATE` — pre-translation run, returned by [Pre-translate job](../job/pre-translate-job)

    _Note_: It is important to keep track of the number of pending asynchronous requests as these are
    subject to [Phrase
    limits](https://support.phrase.com/hc/en-us/articles/5784117234972-Phrase-TMS-Limits#api-limits-
    async-requests-0-2).

    Args:
        async_request_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | AsyncRequestDtoV1
    """

    return (
        await asyncio_detailed(
            async_request_id=async_request_id,
            client=client,
        )
    ).parsed
