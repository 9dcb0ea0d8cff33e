from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.universal_ai_async_body_input import UniversalAIAsyncBodyInput
    from ..models.universal_ai_async_body_provider_params_type_0 import (
        UniversalAIAsyncBodyProviderParamsType0,
    )
    from ..models.universal_ai_async_body_user_webhook_parameters_type_0 import (
        UniversalAIAsyncBodyUserWebhookParametersType0,
    )


T = TypeVar("T", bound="UniversalAIAsyncBody")


@_attrs_define
class UniversalAIAsyncBody:
    """Universal AI async request body.

    Extends UniversalAIBody with webhook parameters for async notifications.

        Attributes:
            model (str): Model in format: feature/subfeature/provider[/model]
            input_ (UniversalAIAsyncBodyInput): Feature-specific input parameters. Required fields depend on the
                feature/subfeature specified in provider. Examples:
                - text/ai_detection: {'text': 'content to analyze'}
                - text/embeddings: {'texts': ['text1', 'text2']}
                - ocr/ocr: {'file_id': 'abc123', 'language': 'en'}
                - image/generation: {'text': 'prompt', 'resolution': '1024x1024'}
                - translation/document_translation: {'file_id': 'abc123', 'target_language': 'fr'}
            provider_params (None | UniversalAIAsyncBodyProviderParamsType0 | Unset): Provider-specific parameters
            fallbacks (list[str] | Unset): Fallback providers to try if the primary provider fails, in order. Accepted
                formats:
                  - 'provider' or 'provider/model' (e.g. 'amazon', 'openai/gpt-4')
                  - full model id (e.g 'text/moderation/google', 'image/generation/minimax/image-01')
            show_original_response (bool | None | Unset): Include raw provider response in the output Default: False.
            webhook_receiver (None | str | Unset): Webhook URL to receive job completion notification
            user_webhook_parameters (None | UniversalAIAsyncBodyUserWebhookParametersType0 | Unset): Custom parameters to
                include in webhook payload
    """

    model: str
    input_: UniversalAIAsyncBodyInput
    provider_params: None | UniversalAIAsyncBodyProviderParamsType0 | Unset = UNSET
    fallbacks: list[str] | Unset = UNSET
    show_original_response: bool | None | Unset = False
    webhook_receiver: None | str | Unset = UNSET
    user_webhook_parameters: (
        None | UniversalAIAsyncBodyUserWebhookParametersType0 | Unset
    ) = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.universal_ai_async_body_provider_params_type_0 import (
            UniversalAIAsyncBodyProviderParamsType0,
        )
        from ..models.universal_ai_async_body_user_webhook_parameters_type_0 import (
            UniversalAIAsyncBodyUserWebhookParametersType0,
        )

        model = self.model

        input_ = self.input_.to_dict()

        provider_params: dict[str, Any] | None | Unset
        if isinstance(self.provider_params, Unset):
            provider_params = UNSET
        elif isinstance(self.provider_params, UniversalAIAsyncBodyProviderParamsType0):
            provider_params = self.provider_params.to_dict()
        else:
            provider_params = self.provider_params

        fallbacks: list[str] | Unset = UNSET
        if not isinstance(self.fallbacks, Unset):
            fallbacks = self.fallbacks

        show_original_response: bool | None | Unset
        if isinstance(self.show_original_response, Unset):
            show_original_response = UNSET
        else:
            show_original_response = self.show_original_response

        webhook_receiver: None | str | Unset
        if isinstance(self.webhook_receiver, Unset):
            webhook_receiver = UNSET
        else:
            webhook_receiver = self.webhook_receiver

        user_webhook_parameters: dict[str, Any] | None | Unset
        if isinstance(self.user_webhook_parameters, Unset):
            user_webhook_parameters = UNSET
        elif isinstance(
            self.user_webhook_parameters, UniversalAIAsyncBodyUserWebhookParametersType0
        ):
            user_webhook_parameters = self.user_webhook_parameters.to_dict()
        else:
            user_webhook_parameters = self.user_webhook_parameters

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
        if fallbacks is not UNSET:
            field_dict["fallbacks"] = fallbacks
        if show_original_response is not UNSET:
            field_dict["show_original_response"] = show_original_response
        if webhook_receiver is not UNSET:
            field_dict["webhook_receiver"] = webhook_receiver
        if user_webhook_parameters is not UNSET:
            field_dict["user_webhook_parameters"] = user_webhook_parameters

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.universal_ai_async_body_input import UniversalAIAsyncBodyInput
        from ..models.universal_ai_async_body_provider_params_type_0 import (
            UniversalAIAsyncBodyProviderParamsType0,
        )
        from ..models.universal_ai_async_body_user_webhook_parameters_type_0 import (
            UniversalAIAsyncBodyUserWebhookParametersType0,
        )

        d = dict(src_dict)
        model = d.pop("model")

        input_ = UniversalAIAsyncBodyInput.from_dict(d.pop("input"))

        def _parse_provider_params(
            data: object,
        ) -> None | UniversalAIAsyncBodyProviderParamsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                provider_params_type_0 = (
                    UniversalAIAsyncBodyProviderParamsType0.from_dict(data)
                )

                return provider_params_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UniversalAIAsyncBodyProviderParamsType0 | Unset, data)

        provider_params = _parse_provider_params(d.pop("provider_params", UNSET))

        fallbacks = cast(list[str], d.pop("fallbacks", UNSET))

        def _parse_show_original_response(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        show_original_response = _parse_show_original_response(
            d.pop("show_original_response", UNSET)
        )

        def _parse_webhook_receiver(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        webhook_receiver = _parse_webhook_receiver(d.pop("webhook_receiver", UNSET))

        def _parse_user_webhook_parameters(
            data: object,
        ) -> None | UniversalAIAsyncBodyUserWebhookParametersType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                user_webhook_parameters_type_0 = (
                    UniversalAIAsyncBodyUserWebhookParametersType0.from_dict(data)
                )

                return user_webhook_parameters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None | UniversalAIAsyncBodyUserWebhookParametersType0 | Unset, data
            )

        user_webhook_parameters = _parse_user_webhook_parameters(
            d.pop("user_webhook_parameters", UNSET)
        )

        universal_ai_async_body = cls(
            model=model,
            input_=input_,
            provider_params=provider_params,
            fallbacks=fallbacks,
            show_original_response=show_original_response,
            webhook_receiver=webhook_receiver,
            user_webhook_parameters=user_webhook_parameters,
        )

        universal_ai_async_body.additional_properties = d
        return universal_ai_async_body

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
