"""The dashboard: pages served by the service itself under ``/ui`` (Jinja2 templates, one
stylesheet and one small script bundled in the package; no CDN, works offline).

``install(app)`` adds the pages and the static files to an app made by
:func:`radiochain.service.app.create_app`.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from radiochain.service.dashboard import pages, producers, sites
from radiochain.service.dashboard.web import HERE, PREFIX


def install(app: FastAPI) -> None:
    """Serve the dashboard from ``app``: pages under ``/ui``, assets under ``/ui/static``,
    and ``/`` leading to the dashboard."""
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="dashboard-static")
    app.include_router(pages.router)
    app.include_router(sites.router)
    app.include_router(producers.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PREFIX, status_code=307)


__all__ = ["install"]
