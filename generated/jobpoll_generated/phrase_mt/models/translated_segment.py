from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata import Metadata


T = TypeVar("T", bound="TranslatedSegment")


@_attrs_define
class TranslatedSegment:
    """
    Attributes:
        translated_text (str): Translation of text.
        idx (int | Unset): The request segment's idx, echoed back.
        text (str | Unset): Source text.
        metadata (Metadata | Unset): Custom metadata (free-form object), at request or segment level. Example:
            {'projectUid': 'abc'}.
    """

    translated_text: str
    idx: int | Unset = UNSET
    text: str | Unset = UNSET
    metadata: Metadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        translated_text = self.translated_text

        idx = self.idx

        text = self.text

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "translatedText": translated_text,
            }
        )
        if idx is not UNSET:
            field_dict["idx"] = idx
        if text is not UNSET:
            field_dict["text"] = text
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metadata import Metadata

        d = dict(src_dict)
        translated_text = d.pop("translatedText")

        idx = d.pop("idx", UNSET)

        text = d.pop("text", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: Metadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = Metadata.from_dict(_metadata)

        translated_segment = cls(
            translated_text=translated_text,
            idx=idx,
            text=text,
            metadata=metadata,
        )

        translated_segment.additional_properties = d
        return translated_segment

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
