"""Every refusal is a 4xx with one line of reason (``{"detail": "..."}``), never a 500.

radiochain's own errors keep their words: bad input is 400, a question without answer 422;
FastAPI's validation errors become one line naming the field; bodies beyond the limit are 413.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radiochain.errors import InfeasibleError, RadiochainError, elide, one_line


class Refusal(BaseModel):
    """The body of every 4xx answer."""

    detail: str = Field(description="Why the request was refused, in one line")


REFUSALS: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Refusal, "description": "Refused, with one line of reason"}
}
"""The OpenAPI ``responses`` of every API route: any 4xx is a :class:`Refusal` (FastAPI's own
422 shape, a list of errors, is not what :func:`install` answers)."""


class ServiceError(Exception):
    """A refusal with its HTTP status."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(ServiceError):
    status_code = 404


class ForbiddenError(ServiceError):
    status_code = 403


class ConflictError(ServiceError):
    status_code = 409


def _reply(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": one_line(detail)}, status_code=status, headers=headers)


_SECRET = ("password", "token", "secret")


def _field(error: dict[str, Any]) -> str:
    """One validation error as ``field: what is wrong (got 'value')``; secrets never echoed."""
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body",))
    message = str(error.get("msg", "invalid"))
    value = error.get("input")
    secret = any(word in where.lower() for word in _SECRET)
    plain = value is not None and not isinstance(value, dict | list | bytes)
    shown = f" (got {elide(value, 40)!r})" if plain and not secret else ""
    return f"{where or 'body'}: {message}{shown}"


def install(app: FastAPI) -> None:
    """Add the error handlers to ``app``."""

    @app.exception_handler(ServiceError)
    async def _service(_: Request, err: ServiceError) -> JSONResponse:
        return _reply(err.status_code, err.detail)

    @app.exception_handler(RadiochainError)
    async def _radiochain(_: Request, err: RadiochainError) -> JSONResponse:
        return _reply(422 if isinstance(err, InfeasibleError) else 400, str(err))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, err: RequestValidationError) -> JSONResponse:
        errors = list(err.errors())
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return _reply(422, (_field(errors[0]) if errors else "invalid request") + more)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, err: StarletteHTTPException) -> JSONResponse:
        return _reply(err.status_code, str(err.detail), getattr(err, "headers", None))


class BodyLimit:
    """ASGI middleware: a request body larger than ``limit`` bytes is refused with 413, whether
    it announces its length or streams it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _reply(413, self._message())(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLargeError
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLargeError:
            await _reply(413, self._message())(scope, receive, send)

    def _message(self) -> str:
        return f"request body larger than {self.limit / 2**20:.0f} MiB"


class _TooLargeError(Exception):
    pass
