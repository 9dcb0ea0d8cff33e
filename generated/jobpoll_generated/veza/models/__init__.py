"""Contains all the data models used in inputs/outputs"""

from .async_task import AsyncTask
from .create_async_task_response import CreateAsyncTaskResponse
from .error import Error
from .query_spec import QuerySpec

__all__ = (
    "AsyncTask",
    "CreateAsyncTaskResponse",
    "Error",
    "QuerySpec",
)
