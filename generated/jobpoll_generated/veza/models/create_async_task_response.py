from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.async_task import AsyncTask


T = TypeVar("T", bound="CreateAsyncTaskResponse")


@_attrs_define
class CreateAsyncTaskResponse:
    """Response of an operation that creates an async task. May also arrive bare (the AsyncTask members at top level) or
    wrapped as `{"value": {...}}`.

        Attributes:
            task (AsyncTask | Unset): A generic async task. Every member is optional: proto3 JSON may omit members that hold
                their default (e.g. `UNKNOWN_STATE`), so read a missing `state` as `UNKNOWN_STATE` and a missing `status` as
                `UNKNOWN_STATUS`.
    """

    task: AsyncTask | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        task: dict[str, Any] | Unset = UNSET
        if not isinstance(self.task, Unset):
            task = self.task.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if task is not UNSET:
            field_dict["task"] = task

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.async_task import AsyncTask

        d = dict(src_dict)
        _task = d.pop("task", UNSET)
        task: AsyncTask | Unset
        if isinstance(_task, Unset):
            task = UNSET
        else:
            task = AsyncTask.from_dict(_task)

        create_async_task_response = cls(
            task=task,
        )

        create_async_task_response.additional_properties = d
        return create_async_task_response

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
