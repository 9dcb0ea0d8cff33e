from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_async_task_response import CreateAsyncTaskResponse
from ...models.query_spec import QuerySpec
from ...types import Response


def _get_kwargs(
    *,
    body: QuerySpec,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/assessments/query_spec:result_async_create",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CreateAsyncTaskResponse | None:
    if response.status_code == 200:
        response_200 = CreateAsyncTaskResponse.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = cast(Any, None)
        return response_429

    if response.status_code == 500:
        response_500 = cast(Any, None)
        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | CreateAsyncTaskResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: QuerySpec,
) -> Response[Any | CreateAsyncTaskResponse]:
    """Get query spec results async

     Starts an asynchronous query from a query spec and returns the created task; poll it with
    getAsyncTask using `task.id`. The documentation does not settle whether the body comes as `{"task":
    {...}}`, bare, or wrapped as `{"value": {...}}` (Veza's convention elsewhere); unknown members are
    kept in `additional_properties`, and the jobpoll wrapper accepts all three forms.

    Args:
        body (QuerySpec): A Veza query spec (free-form JSON object, passed through unchanged); see
            Veza's Query Builder documentation for its members.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CreateAsyncTaskResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: QuerySpec,
) -> Any | CreateAsyncTaskResponse | None:
    """Get query spec results async

     Starts an asynchronous query from a query spec and returns the created task; poll it with
    getAsyncTask using `task.id`. The documentation does not settle whether the body comes as `{"task":
    {...}}`, bare, or wrapped as `{"value": {...}}` (Veza's convention elsewhere); unknown members are
    kept in `additional_properties`, and the jobpoll wrapper accepts all three forms.

    Args:
        body (QuerySpec): A Veza query spec (free-form JSON object, passed through unchanged); see
            Veza's Query Builder documentation for its members.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CreateAsyncTaskResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: QuerySpec,
) -> Response[Any | CreateAsyncTaskResponse]:
    """Get query spec results async

     Starts an asynchronous query from a query spec and returns the created task; poll it with
    getAsyncTask using `task.id`. The documentation does not settle whether the body comes as `{"task":
    {...}}`, bare, or wrapped as `{"value": {...}}` (Veza's convention elsewhere); unknown members are
    kept in `additional_properties`, and the jobpoll wrapper accepts all three forms.

    Args:
        body (QuerySpec): A Veza query spec (free-form JSON object, passed through unchanged); see
            Veza's Query Builder documentation for its members.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CreateAsyncTaskResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: QuerySpec,
) -> Any | CreateAsyncTaskResponse | None:
    """Get query spec results async

     Starts an asynchronous query from a query spec and returns the created task; poll it with
    getAsyncTask using `task.id`. The documentation does not settle whether the body comes as `{"task":
    {...}}`, bare, or wrapped as `{"value": {...}}` (Veza's convention elsewhere); unknown members are
    kept in `additional_properties`, and the jobpoll wrapper accepts all three forms.

    Args:
        body (QuerySpec): A Veza query spec (free-form JSON object, passed through unchanged); see
            Veza's Query Builder documentation for its members.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CreateAsyncTaskResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
