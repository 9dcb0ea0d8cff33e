from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pre_translate_jobs_v2_dto_pre_translate_settings import (
        PreTranslateJobsV2DtoPreTranslateSettings,
    )
    from ..models.uid_reference import UidReference


T = TypeVar("T", bound="PreTranslateJobsV2Dto")


@_attrs_define
class PreTranslateJobsV2Dto:
    """
    Attributes:
        jobs (list[UidReference]): The jobs to pre-translate.
        segment_filters (list[str] | Unset): Which segments to pre-translate, e.g. NOT_LOCKED, NOT_CONFIRMED.
        use_project_pre_translate_settings (bool | Unset): Use the project's pre-translate settings instead of
            preTranslateSettings.
        callback_url (str | Unset): URL Phrase calls when the asynchronous request finishes.
        pre_translate_settings (PreTranslateJobsV2DtoPreTranslateSettings | Unset): Pre-translate settings (free-form,
            passed through).
    """

    jobs: list[UidReference]
    segment_filters: list[str] | Unset = UNSET
    use_project_pre_translate_settings: bool | Unset = UNSET
    callback_url: str | Unset = UNSET
    pre_translate_settings: PreTranslateJobsV2DtoPreTranslateSettings | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        jobs = []
        for jobs_item_data in self.jobs:
            jobs_item = jobs_item_data.to_dict()
            jobs.append(jobs_item)

        segment_filters: list[str] | Unset = UNSET
        if not isinstance(self.segment_filters, Unset):
            segment_filters = self.segment_filters

        use_project_pre_translate_settings = self.use_project_pre_translate_settings

        callback_url = self.callback_url

        pre_translate_settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pre_translate_settings, Unset):
            pre_translate_settings = self.pre_translate_settings.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobs": jobs,
            }
        )
        if segment_filters is not UNSET:
            field_dict["segmentFilters"] = segment_filters
        if use_project_pre_translate_settings is not UNSET:
            field_dict["useProjectPreTranslateSettings"] = (
                use_project_pre_translate_settings
            )
        if callback_url is not UNSET:
            field_dict["callbackUrl"] = callback_url
        if pre_translate_settings is not UNSET:
            field_dict["preTranslateSettings"] = pre_translate_settings

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pre_translate_jobs_v2_dto_pre_translate_settings import (
            PreTranslateJobsV2DtoPreTranslateSettings,
        )
        from ..models.uid_reference import UidReference

        d = dict(src_dict)
        jobs = []
        _jobs = d.pop("jobs")
        for jobs_item_data in _jobs:
            jobs_item = UidReference.from_dict(jobs_item_data)

            jobs.append(jobs_item)

        segment_filters = cast(list[str], d.pop("segmentFilters", UNSET))

        use_project_pre_translate_settings = d.pop(
            "useProjectPreTranslateSettings", UNSET
        )

        callback_url = d.pop("callbackUrl", UNSET)

        _pre_translate_settings = d.pop("preTranslateSettings", UNSET)
        pre_translate_settings: PreTranslateJobsV2DtoPreTranslateSettings | Unset
        if isinstance(_pre_translate_settings, Unset):
            pre_translate_settings = UNSET
        else:
            pre_translate_settings = (
                PreTranslateJobsV2DtoPreTranslateSettings.from_dict(
                    _pre_translate_settings
                )
            )

        pre_translate_jobs_v2_dto = cls(
            jobs=jobs,
            segment_filters=segment_filters,
            use_project_pre_translate_settings=use_project_pre_translate_settings,
            callback_url=callback_url,
            pre_translate_settings=pre_translate_settings,
        )

        pre_translate_jobs_v2_dto.additional_properties = d
        return pre_translate_jobs_v2_dto

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
