from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_detail_dto_v1 import ErrorDetailDtoV1


T = TypeVar("T", bound="AsyncResponseDtoV1")


@_attrs_define
class AsyncResponseDtoV1:
    """
    Attributes:
        accepted_segments_count (int | Unset):
        date_created (datetime.datetime | None | Unset):
        error_code (str | Unset):
        error_desc (str | Unset):
        error_details (list[ErrorDetailDtoV1] | None | Unset):
        warnings (list[ErrorDetailDtoV1] | None | Unset):
    """

    accepted_segments_count: int | Unset = UNSET
    date_created: datetime.datetime | None | Unset = UNSET
    error_code: str | Unset = UNSET
    error_desc: str | Unset = UNSET
    error_details: list[ErrorDetailDtoV1] | None | Unset = UNSET
    warnings: list[ErrorDetailDtoV1] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted_segments_count = self.accepted_segments_count

        date_created: None | str | Unset
        if isinstance(self.date_created, Unset):
            date_created = UNSET
        elif isinstance(self.date_created, datetime.datetime):
            date_created = self.date_created.isoformat()
        else:
            date_created = self.date_created

        error_code = self.error_code

        error_desc = self.error_desc

        error_details: list[dict[str, Any]] | None | Unset
        if isinstance(self.error_details, Unset):
            error_details = UNSET
        elif isinstance(self.error_details, list):
            error_details = []
            for error_details_type_0_item_data in self.error_details:
                error_details_type_0_item = error_details_type_0_item_data.to_dict()
                error_details.append(error_details_type_0_item)

        else:
            error_details = self.error_details

        warnings: list[dict[str, Any]] | None | Unset
        if isinstance(self.warnings, Unset):
            warnings = UNSET
        elif isinstance(self.warnings, list):
            warnings = []
            for warnings_type_0_item_data in self.warnings:
                warnings_type_0_item = warnings_type_0_item_data.to_dict()
                warnings.append(warnings_type_0_item)

        else:
            warnings = self.warnings

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if accepted_segments_count is not UNSET:
            field_dict["acceptedSegmentsCount"] = accepted_segments_count
        if date_created is not UNSET:
            field_dict["dateCreated"] = date_created
        if error_code is not UNSET:
            field_dict["errorCode"] = error_code
        if error_desc is not UNSET:
            field_dict["errorDesc"] = error_desc
        if error_details is not UNSET:
            field_dict["errorDetails"] = error_details
        if warnings is not UNSET:
            field_dict["warnings"] = warnings

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.error_detail_dto_v1 import ErrorDetailDtoV1

        d = dict(src_dict)
        accepted_segments_count = d.pop("acceptedSegmentsCount", UNSET)

        def _parse_date_created(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_created_type_0 = datetime.datetime.fromisoformat(data)

                return date_created_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        date_created = _parse_date_created(d.pop("dateCreated", UNSET))

        error_code = d.pop("errorCode", UNSET)

        error_desc = d.pop("errorDesc", UNSET)

        def _parse_error_details(data: object) -> list[ErrorDetailDtoV1] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                error_details_type_0 = []
                _error_details_type_0 = data
                for error_details_type_0_item_data in _error_details_type_0:
                    error_details_type_0_item = ErrorDetailDtoV1.from_dict(
                        error_details_type_0_item_data
                    )

                    error_details_type_0.append(error_details_type_0_item)

                return error_details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ErrorDetailDtoV1] | None | Unset, data)

        error_details = _parse_error_details(d.pop("errorDetails", UNSET))

        def _parse_warnings(data: object) -> list[ErrorDetailDtoV1] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                warnings_type_0 = []
                _warnings_type_0 = data
                for warnings_type_0_item_data in _warnings_type_0:
                    warnings_type_0_item = ErrorDetailDtoV1.from_dict(
                        warnings_type_0_item_data
                    )

                    warnings_type_0.append(warnings_type_0_item)

                return warnings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ErrorDetailDtoV1] | None | Unset, data)

        warnings = _parse_warnings(d.pop("warnings", UNSET))

        async_response_dto_v1 = cls(
            accepted_segments_count=accepted_segments_count,
            date_created=date_created,
            error_code=error_code,
            error_desc=error_desc,
            error_details=error_details,
            warnings=warnings,
        )

        async_response_dto_v1.additional_properties = d
        return async_response_dto_v1

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
