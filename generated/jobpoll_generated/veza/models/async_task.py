from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AsyncTask")


@_attrs_define
class AsyncTask:
    """A generic async task. Every member is optional: proto3 JSON may omit members that hold their default (e.g.
    `UNKNOWN_STATE`), so read a missing `state` as `UNKNOWN_STATE` and a missing `status` as `UNKNOWN_STATUS`.

        Attributes:
            id (str | Unset): The task ID.
            state (str | Unset): Task lifecycle, as a string name. Known values: UNKNOWN_STATE (default/unset), PENDING
                (queued, not yet started), IN_PROGRESS (executing), COMPLETE (finished; check `status`). Not an enum on purpose:
                treat any other value as not finished.
            status (str | Unset): Outcome once `state` is COMPLETE, as a string name. Known values: UNKNOWN_STATUS
                (default/unset), SUCCEEDED (result available in `result`), FAILED (see `error_reason` and `error_status`),
                CANCELED (canceled before completion). Not an enum on purpose: vendors add values.
            result (Any | Unset): The task's output when `status` is SUCCEEDED; any JSON value.
            error_reason (str | Unset): Why the task failed (when `status` is FAILED).
            error_status (Any | Unset): Error status of a failed task (when `status` is FAILED). Lenient: the documentation
                gives no type; expect a gRPC-style code as an integer or its string name.
    """

    id: str | Unset = UNSET
    state: str | Unset = UNSET
    status: str | Unset = UNSET
    result: Any | Unset = UNSET
    error_reason: str | Unset = UNSET
    error_status: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        state = self.state

        status = self.status

        result = self.result

        error_reason = self.error_reason

        error_status = self.error_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if state is not UNSET:
            field_dict["state"] = state
        if status is not UNSET:
            field_dict["status"] = status
        if result is not UNSET:
            field_dict["result"] = result
        if error_reason is not UNSET:
            field_dict["error_reason"] = error_reason
        if error_status is not UNSET:
            field_dict["error_status"] = error_status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        state = d.pop("state", UNSET)

        status = d.pop("status", UNSET)

        result = d.pop("result", UNSET)

        error_reason = d.pop("error_reason", UNSET)

        error_status = d.pop("error_status", UNSET)

        async_task = cls(
            id=id,
            state=state,
            status=status,
            result=result,
            error_reason=error_reason,
            error_status=error_status,
        )

        async_task.additional_properties = d
        return async_task

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
