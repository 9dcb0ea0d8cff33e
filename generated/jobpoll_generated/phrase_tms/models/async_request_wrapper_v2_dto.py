from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.async_request_reference_v2 import AsyncRequestReferenceV2


T = TypeVar("T", bound="AsyncRequestWrapperV2Dto")


@_attrs_define
class AsyncRequestWrapperV2Dto:
    """
    Attributes:
        async_request (AsyncRequestReferenceV2 | Unset):
    """

    async_request: AsyncRequestReferenceV2 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        async_request: dict[str, Any] | Unset = UNSET
        if not isinstance(self.async_request, Unset):
            async_request = self.async_request.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if async_request is not UNSET:
            field_dict["asyncRequest"] = async_request

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.async_request_reference_v2 import AsyncRequestReferenceV2

        d = dict(src_dict)
        _async_request = d.pop("asyncRequest", UNSET)
        async_request: AsyncRequestReferenceV2 | Unset
        if isinstance(_async_request, Unset):
            async_request = UNSET
        else:
            async_request = AsyncRequestReferenceV2.from_dict(_async_request)

        async_request_wrapper_v2_dto = cls(
            async_request=async_request,
        )

        async_request_wrapper_v2_dto.additional_properties = d
        return async_request_wrapper_v2_dto

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
