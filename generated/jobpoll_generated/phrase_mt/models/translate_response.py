from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata import Metadata
    from ..models.translated_segment import TranslatedSegment


T = TypeVar("T", bound="TranslateResponse")


@_attrs_define
class TranslateResponse:
    """
    Attributes:
        segments (list[TranslatedSegment]):
        source_language (str | Unset):  Example: en.
        target_language (str | Unset):  Example: zh_tw.
        metadata (Metadata | Unset): Custom metadata (free-form object), at request or segment level. Example:
            {'projectUid': 'abc'}.
    """

    segments: list[TranslatedSegment]
    source_language: str | Unset = UNSET
    target_language: str | Unset = UNSET
    metadata: Metadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        segments = []
        for segments_item_data in self.segments:
            segments_item = segments_item_data.to_dict()
            segments.append(segments_item)

        source_language = self.source_language

        target_language = self.target_language

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "segments": segments,
            }
        )
        if source_language is not UNSET:
            field_dict["sourceLanguage"] = source_language
        if target_language is not UNSET:
            field_dict["targetLanguage"] = target_language
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metadata import Metadata
        from ..models.translated_segment import TranslatedSegment

        d = dict(src_dict)
        segments = []
        _segments = d.pop("segments")
        for segments_item_data in _segments:
            segments_item = TranslatedSegment.from_dict(segments_item_data)

            segments.append(segments_item)

        source_language = d.pop("sourceLanguage", UNSET)

        target_language = d.pop("targetLanguage", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: Metadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = Metadata.from_dict(_metadata)

        translate_response = cls(
            segments=segments,
            source_language=source_language,
            target_language=target_language,
            metadata=metadata,
        )

        translate_response.additional_properties = d
        return translate_response

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
