"""`Refusal`: how a request is refused, as JSON with the command line's message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse

from ..errors import Problem

__all__ = ["Refusal"]


class Refusal(Exception):
    """A request refused with a status and a JSON body (`_openapi.ERROR`); never a trace."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        problems: Sequence[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.problems = problems
        self.headers = headers

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.problems:
            body["problems"] = [{"path": p.path, "message": p.message} for p in self.problems]
        return JSONResponse(body, status_code=self.status, headers=self.headers)
