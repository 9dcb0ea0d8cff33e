from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.language_pair import LanguagePair


T = TypeVar("T", bound="LanguagesResponse")


@_attrs_define
class LanguagesResponse:
    """
    Attributes:
        language_pairs (list[LanguagePair]):
    """

    language_pairs: list[LanguagePair]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        language_pairs = []
        for language_pairs_item_data in self.language_pairs:
            language_pairs_item = language_pairs_item_data.to_dict()
            language_pairs.append(language_pairs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "languagePairs": language_pairs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.language_pair import LanguagePair

        d = dict(src_dict)
        language_pairs = []
        _language_pairs = d.pop("languagePairs")
        for language_pairs_item_data in _language_pairs:
            language_pairs_item = LanguagePair.from_dict(language_pairs_item_data)

            language_pairs.append(language_pairs_item)

        languages_response = cls(
            language_pairs=language_pairs,
        )

        languages_response.additional_properties = d
        return languages_response

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
