from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserReferenceV1")


@_attrs_define
class UserReferenceV1:
    """
    Attributes:
        email (str | Unset):
        first_name (str | Unset):
        id (str | Unset):
        last_name (str | Unset):
        role (str | Unset): The user's role. Known values (others may appear): SYS_ADMIN, SYS_ADMIN_READ, ADMIN,
            PROJECT_MANAGER, LINGUIST, GUEST, SUBMITTER, PORTAL_MEMBER, BOT.
        uid (str | Unset):
        user_name (str | Unset):
    """

    email: str | Unset = UNSET
    first_name: str | Unset = UNSET
    id: str | Unset = UNSET
    last_name: str | Unset = UNSET
    role: str | Unset = UNSET
    uid: str | Unset = UNSET
    user_name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        first_name = self.first_name

        id = self.id

        last_name = self.last_name

        role = self.role

        uid = self.uid

        user_name = self.user_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email
        if first_name is not UNSET:
            field_dict["firstName"] = first_name
        if id is not UNSET:
            field_dict["id"] = id
        if last_name is not UNSET:
            field_dict["lastName"] = last_name
        if role is not UNSET:
            field_dict["role"] = role
        if uid is not UNSET:
            field_dict["uid"] = uid
        if user_name is not UNSET:
            field_dict["userName"] = user_name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        email = d.pop("email", UNSET)

        first_name = d.pop("firstName", UNSET)

        id = d.pop("id", UNSET)

        last_name = d.pop("lastName", UNSET)

        role = d.pop("role", UNSET)

        uid = d.pop("uid", UNSET)

        user_name = d.pop("userName", UNSET)

        user_reference_v1 = cls(
            email=email,
            first_name=first_name,
            id=id,
            last_name=last_name,
            role=role,
            uid=uid,
            user_name=user_name,
        )

        user_reference_v1.additional_properties = d
        return user_reference_v1

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
