from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.concurrent_requests_dto_v1 import ConcurrentRequestsDtoV1


T = TypeVar("T", bound="AsyncRequestStatusDtoV1")


@_attrs_define
class AsyncRequestStatusDtoV1:
    """
    Attributes:
        concurrent_requests (ConcurrentRequestsDtoV1 | Unset):
    """

    concurrent_requests: ConcurrentRequestsDtoV1 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        concurrent_requests: dict[str, Any] | Unset = UNSET
        if not isinstance(self.concurrent_requests, Unset):
            concurrent_requests = self.concurrent_requests.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if concurrent_requests is not UNSET:
            field_dict["concurrentRequests"] = concurrent_requests

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.concurrent_requests_dto_v1 import ConcurrentRequestsDtoV1

        d = dict(src_dict)
        _concurrent_requests = d.pop("concurrentRequests", UNSET)
        concurrent_requests: ConcurrentRequestsDtoV1 | Unset
        if isinstance(_concurrent_requests, Unset):
            concurrent_requests = UNSET
        else:
            concurrent_requests = ConcurrentRequestsDtoV1.from_dict(
                _concurrent_requests
            )

        async_request_status_dto_v1 = cls(
            concurrent_requests=concurrent_requests,
        )

        async_request_status_dto_v1.additional_properties = d
        return async_request_status_dto_v1

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
