from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.async_response_dto_v1 import AsyncResponseDtoV1
    from ..models.project_reference_v1 import ProjectReferenceV1
    from ..models.user_reference_v1 import UserReferenceV1


T = TypeVar("T", bound="AsyncRequestDtoV1")


@_attrs_define
class AsyncRequestDtoV1:
    """
    Attributes:
        action (str | Unset): Type of the asynchronous operation, e.g. IMPORT_JOB (Create job) or PRE_TRANSLATE (Pre-
            translate job). Known values (Phrase adds new ones, so any other string is valid): PRE_ANALYSE, POST_ANALYSE,
            CONTINUOUS_PRE_ANALYSE, CONTINUOUS_POST_ANALYSE, COMPARE_ANALYSE, PARENT_ANALYSE, PRE_TRANSLATE,
            ASYNC_TRANSLATE, IMPORT_JOB, IMPORT_FILE, ALIGN, EXPORT_TMX_BY_QUERY, EXPORT_TMX, IMPORT_TMX,
            IMPORT_MXLF_INTO_TM, IMPORT_TBX, IMPORT_TBX_TB3, INSERT_INTO_TM, DELETE_TM, CLEAR_TM, QA, QA_V3,
            UPDATE_CONTINUOUS_JOB, UPDATE_SOURCE, UPDATE_TARGET, EXTRACT_CLEANED_TMS, GLOSSARY_PUT, GLOSSARY_DELETE,
            ASYNC_TRANSLATE_VERIFY, CREATE_PROJECT, EXPORT_COMPLETE_FILE, IMPORT_ANNOTATIONS, FILE_FLOW_CONVERTER_IMPORT,
            FILE_FLOW_MT_PRETRANSLATE, FILE_FLOW_QUALITY_ESTIMATION, AUTO_LQA, ADOPT_SEGMENT_DATA, ADOPT_SEGMENT_SET_DATA,
            QP_EVALUATION.
        async_response (AsyncResponseDtoV1 | None | Unset): null until the async request has finished processing; then
            an object, with errorCode/errorDesc/errorDetails set if it failed and warnings possibly set if it succeeded.
        created_by (None | Unset | UserReferenceV1): Who created the request; null for requests the system starts
            itself.
        date_created (datetime.datetime | None | Unset):
        id (str | Unset):
        parent (AsyncRequestDtoV1 | None | Unset): The parent async request, or null when this request has none.
        project (None | ProjectReferenceV1 | Unset): The project the request belongs to; null for actions outside a
            project (e.g. IMPORT_TMX, CLEAR_TM, GLOSSARY_PUT).
    """

    action: str | Unset = UNSET
    async_response: AsyncResponseDtoV1 | None | Unset = UNSET
    created_by: None | Unset | UserReferenceV1 = UNSET
    date_created: datetime.datetime | None | Unset = UNSET
    id: str | Unset = UNSET
    parent: AsyncRequestDtoV1 | None | Unset = UNSET
    project: None | ProjectReferenceV1 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.async_response_dto_v1 import AsyncResponseDtoV1
        from ..models.project_reference_v1 import ProjectReferenceV1
        from ..models.user_reference_v1 import UserReferenceV1

        action = self.action

        async_response: dict[str, Any] | None | Unset
        if isinstance(self.async_response, Unset):
            async_response = UNSET
        elif isinstance(self.async_response, AsyncResponseDtoV1):
            async_response = self.async_response.to_dict()
        else:
            async_response = self.async_response

        created_by: dict[str, Any] | None | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UserReferenceV1):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        date_created: None | str | Unset
        if isinstance(self.date_created, Unset):
            date_created = UNSET
        elif isinstance(self.date_created, datetime.datetime):
            date_created = self.date_created.isoformat()
        else:
            date_created = self.date_created

        id = self.id

        parent: dict[str, Any] | None | Unset
        if isinstance(self.parent, Unset):
            parent = UNSET
        elif isinstance(self.parent, AsyncRequestDtoV1):
            parent = self.parent.to_dict()
        else:
            parent = self.parent

        project: dict[str, Any] | None | Unset
        if isinstance(self.project, Unset):
            project = UNSET
        elif isinstance(self.project, ProjectReferenceV1):
            project = self.project.to_dict()
        else:
            project = self.project

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if async_response is not UNSET:
            field_dict["asyncResponse"] = async_response
        if created_by is not UNSET:
            field_dict["createdBy"] = created_by
        if date_created is not UNSET:
            field_dict["dateCreated"] = date_created
        if id is not UNSET:
            field_dict["id"] = id
        if parent is not UNSET:
            field_dict["parent"] = parent
        if project is not UNSET:
            field_dict["project"] = project

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.async_response_dto_v1 import AsyncResponseDtoV1
        from ..models.project_reference_v1 import ProjectReferenceV1
        from ..models.user_reference_v1 import UserReferenceV1

        d = dict(src_dict)
        action = d.pop("action", UNSET)

        def _parse_async_response(data: object) -> AsyncResponseDtoV1 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                async_response_type_1 = AsyncResponseDtoV1.from_dict(data)

                return async_response_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AsyncResponseDtoV1 | None | Unset, data)

        async_response = _parse_async_response(d.pop("asyncResponse", UNSET))

        def _parse_created_by(data: object) -> None | Unset | UserReferenceV1:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                created_by_type_1 = UserReferenceV1.from_dict(data)

                return created_by_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserReferenceV1, data)

        created_by = _parse_created_by(d.pop("createdBy", UNSET))

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

        id = d.pop("id", UNSET)

        def _parse_parent(data: object) -> AsyncRequestDtoV1 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                parent_type_1 = AsyncRequestDtoV1.from_dict(data)

                return parent_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AsyncRequestDtoV1 | None | Unset, data)

        parent = _parse_parent(d.pop("parent", UNSET))

        def _parse_project(data: object) -> None | ProjectReferenceV1 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                project_type_1 = ProjectReferenceV1.from_dict(data)

                return project_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProjectReferenceV1 | Unset, data)

        project = _parse_project(d.pop("project", UNSET))

        async_request_dto_v1 = cls(
            action=action,
            async_response=async_response,
            created_by=created_by,
            date_created=date_created,
            id=id,
            parent=parent,
            project=project,
        )

        async_request_dto_v1.additional_properties = d
        return async_request_dto_v1

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
