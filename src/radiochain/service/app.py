"""The application factory: ``create_app(settings)`` (no module-level app, no globals)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from radiochain import __version__
from radiochain.service import dashboard, errors
from radiochain.service.api import audit, auth, networks, orders, runs, users
from radiochain.service.db import Database
from radiochain.service.jobs import JobRunner
from radiochain.service.settings import Settings

API = "/api/v1"


def _docs(app: FastAPI) -> None:
    """OpenAPI at /docs with Swagger UI served from the package (works offline, no CDN)."""
    import swagger_ui_bundle

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), "docs")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="radiochain API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The radiochain service.

    Parameters
    ----------
    settings : Settings, optional
        Default: from the environment (``RADIOCHAIN_DATABASE_URL`` ...).
    """
    settings = settings or Settings()
    database = Database(settings.database_url)
    database.upgrade()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs = getattr(app.state, "jobs", None)
        if jobs is not None:
            jobs.close()
        database.dispose()

    app = FastAPI(
        title="radiochain",
        version=__version__,
        summary="Radiopharmaceutical supply: orders, plans, stress tests, audit.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.jobs = JobRunner(settings, database)
    errors.install(app)
    app.add_middleware(errors.BodyLimit, limit=settings.max_body_bytes)
    for router in (auth.router, users.router, audit.router, networks.router, orders.router,
                   runs.router):  # fmt: skip
        app.include_router(router, prefix=API, responses=errors.REFUSALS)
    _docs(app)
    dashboard.install(app)
    return app
