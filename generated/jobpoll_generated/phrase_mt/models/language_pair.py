from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LanguagePair")


@_attrs_define
class LanguagePair:
    """
    Attributes:
        source_language (str): Phrase locale code, e.g. en. Example: en.
        target_language (str): Phrase locale code, e.g. zh_tw. Example: zh_tw.
    """

    source_language: str
    target_language: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source_language = self.source_language

        target_language = self.target_language

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sourceLanguage": source_language,
                "targetLanguage": target_language,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        source_language = d.pop("sourceLanguage")

        target_language = d.pop("targetLanguage")

        language_pair = cls(
            source_language=source_language,
            target_language=target_language,
        )

        language_pair.additional_properties = d
        return language_pair

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
