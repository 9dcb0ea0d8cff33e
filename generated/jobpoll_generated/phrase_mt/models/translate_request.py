from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.glossary_entry import GlossaryEntry
    from ..models.metadata import Metadata
    from ..models.segment import Segment


T = TypeVar("T", bound="TranslateRequest")


@_attrs_define
class TranslateRequest:
    """
    Attributes:
        source_language (str): Phrase locale code, e.g. en. Example: en.
        target_language (str): Phrase locale code, e.g. zh_tw. Example: zh_tw.
        segments (list[Segment]):
        glossary (list[GlossaryEntry] | Unset): Ad-hoc glossary.
        metadata (Metadata | Unset): Custom metadata (free-form object), at request or segment level. Example:
            {'projectUid': 'abc'}.
    """

    source_language: str
    target_language: str
    segments: list[Segment]
    glossary: list[GlossaryEntry] | Unset = UNSET
    metadata: Metadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source_language = self.source_language

        target_language = self.target_language

        segments = []
        for segments_item_data in self.segments:
            segments_item = segments_item_data.to_dict()
            segments.append(segments_item)

        glossary: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.glossary, Unset):
            glossary = []
            for glossary_item_data in self.glossary:
                glossary_item = glossary_item_data.to_dict()
                glossary.append(glossary_item)

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sourceLanguage": source_language,
                "targetLanguage": target_language,
                "segments": segments,
            }
        )
        if glossary is not UNSET:
            field_dict["glossary"] = glossary
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.glossary_entry import GlossaryEntry
        from ..models.metadata import Metadata
        from ..models.segment import Segment

        d = dict(src_dict)
        source_language = d.pop("sourceLanguage")

        target_language = d.pop("targetLanguage")

        segments = []
        _segments = d.pop("segments")
        for segments_item_data in _segments:
            segments_item = Segment.from_dict(segments_item_data)

            segments.append(segments_item)

        _glossary = d.pop("glossary", UNSET)
        glossary: list[GlossaryEntry] | Unset = UNSET
        if _glossary is not UNSET:
            glossary = []
            for glossary_item_data in _glossary:
                glossary_item = GlossaryEntry.from_dict(glossary_item_data)

                glossary.append(glossary_item)

        _metadata = d.pop("metadata", UNSET)
        metadata: Metadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = Metadata.from_dict(_metadata)

        translate_request = cls(
            source_language=source_language,
            target_language=target_language,
            segments=segments,
            glossary=glossary,
            metadata=metadata,
        )

        translate_request.additional_properties = d
        return translate_request

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
