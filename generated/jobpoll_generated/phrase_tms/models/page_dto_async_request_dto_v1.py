from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.async_request_dto_v1 import AsyncRequestDtoV1


T = TypeVar("T", bound="PageDtoAsyncRequestDtoV1")


@_attrs_define
class PageDtoAsyncRequestDtoV1:
    """
    Attributes:
        total_elements (int | Unset):
        total_pages (int | Unset):
        page_size (int | Unset):
        page_number (int | Unset):
        number_of_elements (int | Unset):
        content (list[AsyncRequestDtoV1] | Unset):
    """

    total_elements: int | Unset = UNSET
    total_pages: int | Unset = UNSET
    page_size: int | Unset = UNSET
    page_number: int | Unset = UNSET
    number_of_elements: int | Unset = UNSET
    content: list[AsyncRequestDtoV1] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total_elements = self.total_elements

        total_pages = self.total_pages

        page_size = self.page_size

        page_number = self.page_number

        number_of_elements = self.number_of_elements

        content: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.content, Unset):
            content = []
            for content_item_data in self.content:
                content_item = content_item_data.to_dict()
                content.append(content_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if total_elements is not UNSET:
            field_dict["totalElements"] = total_elements
        if total_pages is not UNSET:
            field_dict["totalPages"] = total_pages
        if page_size is not UNSET:
            field_dict["pageSize"] = page_size
        if page_number is not UNSET:
            field_dict["pageNumber"] = page_number
        if number_of_elements is not UNSET:
            field_dict["numberOfElements"] = number_of_elements
        if content is not UNSET:
            field_dict["content"] = content

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.async_request_dto_v1 import AsyncRequestDtoV1

        d = dict(src_dict)
        total_elements = d.pop("totalElements", UNSET)

        total_pages = d.pop("totalPages", UNSET)

        page_size = d.pop("pageSize", UNSET)

        page_number = d.pop("pageNumber", UNSET)

        number_of_elements = d.pop("numberOfElements", UNSET)

        _content = d.pop("content", UNSET)
        content: list[AsyncRequestDtoV1] | Unset = UNSET
        if _content is not UNSET:
            content = []
            for content_item_data in _content:
                content_item = AsyncRequestDtoV1.from_dict(content_item_data)

                content.append(content_item)

        page_dto_async_request_dto_v1 = cls(
            total_elements=total_elements,
            total_pages=total_pages,
            page_size=page_size,
            page_number=page_number,
            number_of_elements=number_of_elements,
            content=content,
        )

        page_dto_async_request_dto_v1.additional_properties = d
        return page_dto_async_request_dto_v1

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
