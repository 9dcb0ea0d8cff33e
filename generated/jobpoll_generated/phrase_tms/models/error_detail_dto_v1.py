from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_detail_dto_v1_args_type_0 import ErrorDetailDtoV1ArgsType0


T = TypeVar("T", bound="ErrorDetailDtoV1")


@_attrs_define
class ErrorDetailDtoV1:
    """
    Attributes:
        args (ErrorDetailDtoV1ArgsType0 | None | Unset): Related arguments, e.g. number => "hello world"
        code (str | Unset): Code, e.g. NOT_FOUND.
        message (str | Unset): Optional human-readable message.
    """

    args: ErrorDetailDtoV1ArgsType0 | None | Unset = UNSET
    code: str | Unset = UNSET
    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_detail_dto_v1_args_type_0 import ErrorDetailDtoV1ArgsType0

        args: dict[str, Any] | None | Unset
        if isinstance(self.args, Unset):
            args = UNSET
        elif isinstance(self.args, ErrorDetailDtoV1ArgsType0):
            args = self.args.to_dict()
        else:
            args = self.args

        code = self.code

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if args is not UNSET:
            field_dict["args"] = args
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.error_detail_dto_v1_args_type_0 import ErrorDetailDtoV1ArgsType0

        d = dict(src_dict)

        def _parse_args(data: object) -> ErrorDetailDtoV1ArgsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                args_type_0 = ErrorDetailDtoV1ArgsType0.from_dict(data)

                return args_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorDetailDtoV1ArgsType0 | None | Unset, data)

        args = _parse_args(d.pop("args", UNSET))

        code = d.pop("code", UNSET)

        message = d.pop("message", UNSET)

        error_detail_dto_v1 = cls(
            args=args,
            code=code,
            message=message,
        )

        error_detail_dto_v1.additional_properties = d
        return error_detail_dto_v1

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
