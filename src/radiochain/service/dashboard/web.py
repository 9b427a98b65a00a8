"""The dashboard's plumbing: templates, the signed-in user of a page, refusals as pages.

A page that needs a signed-in user and has none redirects to ``/ui/login``; every refusal a
service raises (404 for another tenant's object, 403 for a role that may never act, 400/422
for bad input) becomes a page with the same status and its one line of reason, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from radiochain.errors import InfeasibleError, RadiochainError, one_line
from radiochain.service import deps
from radiochain.service.dashboard.formatting import FILTERS
from radiochain.service.errors import ServiceError
from radiochain.service.models import User
from radiochain.service.services.users import user_for_token

HERE = Path(__file__).parent
PREFIX = "/ui"
ROLE_LABEL = {
    "admin": "administrator",
    "regulator": "regulator",
    "producer": "producer",
    "radiopharmacy": "radiopharmacy",
    "hospital": "hospital",
}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals["role_label"] = ROLE_LABEL
    return env


templates = Jinja2Templates(env=_environment())


class SignInRequiredError(Exception):
    """No valid dashboard cookie: the page redirects to the sign-in form."""


def page_user(request: Request, session: deps.SessionDep) -> User:
    """The user whose cookie this request carries (kept on ``request.state`` for the error
    pages)."""
    token = request.cookies.get(deps.COOKIE)
    user = user_for_token(session, token) if token else None
    if user is None:
        raise SignInRequiredError
    request.state.user = user
    return user


PageUser = Annotated[User, Depends(page_user)]


def path_for(request: Request, route: str, /, **params: Any) -> str:
    """The path of a named dashboard route (parameters quoted)."""
    return str(request.app.url_path_for(route, **{k: str(v) for k, v in params.items()}))


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page, with the signed-in user (if any) and ``path`` for links."""
    base = {
        "request": request,
        "title": "radiochain",
        "user": getattr(request.state, "user", None),
        "path": lambda route, /, **params: path_for(request, route, **params),
    }
    return templates.TemplateResponse(request, template, base | context, status_code=status_code)


def refusal(request: Request, status_code: int, detail: str) -> HTMLResponse:
    """A page saying what was refused and why, with the refusal's status."""
    titles = {
        400: "Not accepted",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict",
        413: "Too large",
        422: "Cannot be done",
    }
    title = titles.get(status_code, "Refused")
    context = {"title": title, "detail": one_line(detail), "status": status_code}
    return render(request, "refusal.html", context, status_code=status_code)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard path of this site, never another site."""
    if not target:
        return PREFIX
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(PREFIX) or "\\" in target:
        return PREFIX
    return target


def sign_in_redirect(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{PREFIX}/login?next={quote(here, safe='')}", status_code=303)


class PageRoute(APIRoute):
    """A dashboard route: refusals become pages, a missing sign-in a redirect."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequiredError:
                return sign_in_redirect(request)
            except ServiceError as err:
                return refusal(request, err.status_code, err.detail)
            except RadiochainError as err:
                return refusal(request, 422 if isinstance(err, InfeasibleError) else 400, str(err))
            except RequestValidationError as err:
                errors = list(err.errors())
                first = errors[0] if errors else {}
                where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
                return refusal(request, 400, f"{where}: {first.get('msg', 'invalid')}")

        return page
