from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.universal_ai_async_request_input import UniversalAIAsyncRequestInput
    from ..models.universal_ai_async_request_provider_params import (
        UniversalAIAsyncRequestProviderParams,
    )
    from ..models.universal_ai_async_request_user_webhook_parameters import (
        UniversalAIAsyncRequestUserWebhookParameters,
    )


T = TypeVar("T", bound="UniversalAIAsyncRequest")


@_attrs_define
class UniversalAIAsyncRequest:
    """Body of an async universal-ai job.

    Attributes:
        model (str): feature/subfeature/provider[/model], e.g. audio/speech_to_text_async/google.
        input_ (UniversalAIAsyncRequestInput): Feature input, e.g. {"file": "<url or id>", "language": "en"}.
        provider_params (UniversalAIAsyncRequestProviderParams | Unset): Provider-specific parameters.
        show_original_response (bool | Unset): Include the provider's raw response in original_response. Default: False.
        fallbacks (list[str] | Unset): Up to 3 fallback models, tried in order if the first fails.
        webhook_receiver (str | Unset): URL that receives a POST when the job completes.
        user_webhook_parameters (UniversalAIAsyncRequestUserWebhookParameters | Unset): Free-form parameters echoed in
            the webhook body.
    """

    model: str
    input_: UniversalAIAsyncRequestInput
    provider_params: UniversalAIAsyncRequestProviderParams | Unset = UNSET
    show_original_response: bool | Unset = False
    fallbacks: list[str] | Unset = UNSET
    webhook_receiver: str | Unset = UNSET
    user_webhook_parameters: UniversalAIAsyncRequestUserWebhookParameters | Unset = (
        UNSET
    )
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        input_ = self.input_.to_dict()

        provider_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.provider_params, Unset):
            provider_params = self.provider_params.to_dict()

        show_original_response = self.show_original_response

        fallbacks: list[str] | Unset = UNSET
        if not isinstance(self.fallbacks, Unset):
            fallbacks = self.fallbacks

        webhook_receiver = self.webhook_receiver

        user_webhook_parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user_webhook_parameters, Unset):
            user_webhook_parameters = self.user_webhook_parameters.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "input": input_,
            }
        )
        if provider_params is not UNSET:
            field_dict["provider_params"] = provider_params
        if show_original_response is not UNSET:
            field_dict["show_original_response"] = show_original_response
        if fallbacks is not UNSET:
            field_dict["fallbacks"] = fallbacks
        if webhook_receiver is not UNSET:
            field_dict["webhook_receiver"] = webhook_receiver
        if user_webhook_parameters is not UNSET:
            field_dict["user_webhook_parameters"] = user_webhook_parameters

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.universal_ai_async_request_input import (
            UniversalAIAsyncRequestInput,
        )
        from ..models.universal_ai_async_request_provider_params import (
            UniversalAIAsyncRequestProviderParams,
        )
        from ..models.universal_ai_async_request_user_webhook_parameters import (
            UniversalAIAsyncRequestUserWebhookParameters,
        )

        d = dict(src_dict)
        model = d.pop("model")

        input_ = UniversalAIAsyncRequestInput.from_dict(d.pop("input"))

        _provider_params = d.pop("provider_params", UNSET)
        provider_params: UniversalAIAsyncRequestProviderParams | Unset
        if isinstance(_provider_params, Unset):
            provider_params = UNSET
        else:
            provider_params = UniversalAIAsyncRequestProviderParams.from_dict(
                _provider_params
            )

        show_original_response = d.pop("show_original_response", UNSET)

        fallbacks = cast(list[str], d.pop("fallbacks", UNSET))

        webhook_receiver = d.pop("webhook_receiver", UNSET)

        _user_webhook_parameters = d.pop("user_webhook_parameters", UNSET)
        user_webhook_parameters: UniversalAIAsyncRequestUserWebhookParameters | Unset
        if isinstance(_user_webhook_parameters, Unset):
            user_webhook_parameters = UNSET
        else:
            user_webhook_parameters = (
                UniversalAIAsyncRequestUserWebhookParameters.from_dict(
                    _user_webhook_parameters
                )
            )

        universal_ai_async_request = cls(
            model=model,
            input_=input_,
            provider_params=provider_params,
            show_original_response=show_original_response,
            fallbacks=fallbacks,
            webhook_receiver=webhook_receiver,
            user_webhook_parameters=user_webhook_parameters,
        )

        universal_ai_async_request.additional_properties = d
        return universal_ai_async_request

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
