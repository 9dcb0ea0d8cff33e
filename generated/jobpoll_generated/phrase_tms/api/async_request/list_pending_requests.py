from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_dto_async_request_dto_v1 import PageDtoAsyncRequestDtoV1
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page_number: int | Unset = 0,
    page_size: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["pageNumber"] = page_number

    params["pageSize"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api2/v1/async",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | PageDtoAsyncRequestDtoV1 | None:
    if response.status_code == 200:
        response_200 = PageDtoAsyncRequestDtoV1.from_dict(response.json())

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
) -> Response[Any | PageDtoAsyncRequestDtoV1]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    page_number: int | Unset = 0,
    page_size: int | Unset = 50,
) -> Response[Any | PageDtoAsyncRequestDtoV1]:
    """List pending requests

     Lists your pending asynchronous requests, one page at a time. Pending requests are capped per
    organisation; Phrase asks clients not to poll aggressively.

    Args:
        page_number (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PageDtoAsyncRequestDtoV1]
    """

    kwargs = _get_kwargs(
        page_number=page_number,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    page_number: int | Unset = 0,
    page_size: int | Unset = 50,
) -> Any | PageDtoAsyncRequestDtoV1 | None:
    """List pending requests

     Lists your pending asynchronous requests, one page at a time. Pending requests are capped per
    organisation; Phrase asks clients not to poll aggressively.

    Args:
        page_number (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PageDtoAsyncRequestDtoV1
    """

    return sync_detailed(
        client=client,
        page_number=page_number,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page_number: int | Unset = 0,
    page_size: int | Unset = 50,
) -> Response[Any | PageDtoAsyncRequestDtoV1]:
    """List pending requests

     Lists your pending asynchronous requests, one page at a time. Pending requests are capped per
    organisation; Phrase asks clients not to poll aggressively.

    Args:
        page_number (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PageDtoAsyncRequestDtoV1]
    """

    kwargs = _get_kwargs(
        page_number=page_number,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page_number: int | Unset = 0,
    page_size: int | Unset = 50,
) -> Any | PageDtoAsyncRequestDtoV1 | None:
    """List pending requests

     Lists your pending asynchronous requests, one page at a time. Pending requests are capped per
    organisation; Phrase asks clients not to poll aggressively.

    Args:
        page_number (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PageDtoAsyncRequestDtoV1
    """

    return (
        await asyncio_detailed(
            client=client,
            page_number=page_number,
            page_size=page_size,
        )
    ).parsed
