from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.http_validation_error import HTTPValidationError
from ...models.universal_ai_async_body import UniversalAIAsyncBody
from ...models.universal_ai_async_response import UniversalAIAsyncResponse
from ...types import Response


def _get_kwargs(
    *,
    body: UniversalAIAsyncBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/universal-ai/async",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse | None:
    if response.status_code == 202:
        response_202 = UniversalAIAsyncResponse.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: UniversalAIAsyncBody,
) -> Response[ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse]:
    """Create Async Job

     Create an async job for long-running AI operations.

    Model format: feature/subfeature/provider[/model]

    Supported async features:
    - audio/speech_to_text_async

    Request body:
    - model: Model string in format feature/subfeature/provider[/model]
    - input: Feature-specific input parameters
    - fallbacks: Optional list of fallback provider strings (max 3)
    - webhook_receiver: Optional URL to receive job completion notification
    - user_webhook_parameters: Optional custom parameters for webhook payload

    Returns 202 Accepted with job info for polling.

    Args:
        body (UniversalAIAsyncBody): Universal AI async request body.

            Extends UniversalAIBody with webhook parameters for async notifications.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse]
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
    client: AuthenticatedClient,
    body: UniversalAIAsyncBody,
) -> ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse | None:
    """Create Async Job

     Create an async job for long-running AI operations.

    Model format: feature/subfeature/provider[/model]

    Supported async features:
    - audio/speech_to_text_async

    Request body:
    - model: Model string in format feature/subfeature/provider[/model]
    - input: Feature-specific input parameters
    - fallbacks: Optional list of fallback provider strings (max 3)
    - webhook_receiver: Optional URL to receive job completion notification
    - user_webhook_parameters: Optional custom parameters for webhook payload

    Returns 202 Accepted with job info for polling.

    Args:
        body (UniversalAIAsyncBody): Universal AI async request body.

            Extends UniversalAIBody with webhook parameters for async notifications.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: UniversalAIAsyncBody,
) -> Response[ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse]:
    """Create Async Job

     Create an async job for long-running AI operations.

    Model format: feature/subfeature/provider[/model]

    Supported async features:
    - audio/speech_to_text_async

    Request body:
    - model: Model string in format feature/subfeature/provider[/model]
    - input: Feature-specific input parameters
    - fallbacks: Optional list of fallback provider strings (max 3)
    - webhook_receiver: Optional URL to receive job completion notification
    - user_webhook_parameters: Optional custom parameters for webhook payload

    Returns 202 Accepted with job info for polling.

    Args:
        body (UniversalAIAsyncBody): Universal AI async request body.

            Extends UniversalAIBody with webhook parameters for async notifications.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: UniversalAIAsyncBody,
) -> ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse | None:
    """Create Async Job

     Create an async job for long-running AI operations.

    Model format: feature/subfeature/provider[/model]

    Supported async features:
    - audio/speech_to_text_async

    Request body:
    - model: Model string in format feature/subfeature/provider[/model]
    - input: Feature-specific input parameters
    - fallbacks: Optional list of fallback provider strings (max 3)
    - webhook_receiver: Optional URL to receive job completion notification
    - user_webhook_parameters: Optional custom parameters for webhook payload

    Returns 202 Accepted with job info for polling.

    Args:
        body (UniversalAIAsyncBody): Universal AI async request body.

            Extends UniversalAIBody with webhook parameters for async notifications.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | HTTPValidationError | UniversalAIAsyncResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
