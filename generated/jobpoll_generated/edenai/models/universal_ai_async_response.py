from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.universal_ai_async_response_error_type_0 import (
        UniversalAIAsyncResponseErrorType0,
    )


T = TypeVar("T", bound="UniversalAIAsyncResponse")


@_attrs_define
class UniversalAIAsyncResponse:
    """Async response from universal-ai/async endpoint.

    Inherits base fields and adds job-specific fields for tracking async operations.
    Used for both job creation (202 Accepted) and job detail (GET) responses.

        Attributes:
            status (str): Request status. Known values: processing (async only; output is null), success (output set), fail
                (error set). Not an enum on purpose: treat any other value as still processing.
            cost (str | Unset): Cost in credits for this request
            provider (str | Unset): Provider name that processed the request
            feature (str | Unset): Feature category (e.g., text, ocr, image)
            subfeature (str | Unset): Specific subfeature (e.g., ai_detection, sentiment)
            output (Any | None | Unset): Normalized output from the provider
            error (None | UniversalAIAsyncResponseErrorType0 | Unset): Error details from the provider (only present when
                status is 'fail')
            original_response (Any | None | Unset): Raw response from the provider (if show_original_response=true)
            public_id (str | Unset): Job ID for polling status
            model (None | str | Unset): Model name if specified in the request
            created_at (str | Unset): Job creation timestamp
    """

    status: str
    cost: str | Unset = UNSET
    provider: str | Unset = UNSET
    feature: str | Unset = UNSET
    subfeature: str | Unset = UNSET
    output: Any | None | Unset = UNSET
    error: None | UniversalAIAsyncResponseErrorType0 | Unset = UNSET
    original_response: Any | None | Unset = UNSET
    public_id: str | Unset = UNSET
    model: None | str | Unset = UNSET
    created_at: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.universal_ai_async_response_error_type_0 import (
            UniversalAIAsyncResponseErrorType0,
        )

        status = self.status

        cost = self.cost

        provider = self.provider

        feature = self.feature

        subfeature = self.subfeature

        output: Any | None | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        else:
            output = self.output

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, UniversalAIAsyncResponseErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        original_response: Any | None | Unset
        if isinstance(self.original_response, Unset):
            original_response = UNSET
        else:
            original_response = self.original_response

        public_id = self.public_id

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        created_at = self.created_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if cost is not UNSET:
            field_dict["cost"] = cost
        if provider is not UNSET:
            field_dict["provider"] = provider
        if feature is not UNSET:
            field_dict["feature"] = feature
        if subfeature is not UNSET:
            field_dict["subfeature"] = subfeature
        if output is not UNSET:
            field_dict["output"] = output
        if error is not UNSET:
            field_dict["error"] = error
        if original_response is not UNSET:
            field_dict["original_response"] = original_response
        if public_id is not UNSET:
            field_dict["public_id"] = public_id
        if model is not UNSET:
            field_dict["model"] = model
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.universal_ai_async_response_error_type_0 import (
            UniversalAIAsyncResponseErrorType0,
        )

        d = dict(src_dict)
        status = d.pop("status")

        cost = d.pop("cost", UNSET)

        provider = d.pop("provider", UNSET)

        feature = d.pop("feature", UNSET)

        subfeature = d.pop("subfeature", UNSET)

        def _parse_output(data: object) -> Any | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Any | None | Unset, data)

        output = _parse_output(d.pop("output", UNSET))

        def _parse_error(
            data: object,
        ) -> None | UniversalAIAsyncResponseErrorType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = UniversalAIAsyncResponseErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UniversalAIAsyncResponseErrorType0 | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_original_response(data: object) -> Any | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Any | None | Unset, data)

        original_response = _parse_original_response(d.pop("original_response", UNSET))

        public_id = d.pop("public_id", UNSET)

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        created_at = d.pop("created_at", UNSET)

        universal_ai_async_response = cls(
            status=status,
            cost=cost,
            provider=provider,
            feature=feature,
            subfeature=subfeature,
            output=output,
            error=error,
            original_response=original_response,
            public_id=public_id,
            model=model,
            created_at=created_at,
        )

        universal_ai_async_response.additional_properties = d
        return universal_ai_async_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
