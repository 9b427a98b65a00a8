"""Settings of the service, from the environment (``RADIOCHAIN_*``) or given to
:func:`radiochain.service.create_app` directly."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    """An SQLite file in the user's data folder (``$XDG_DATA_HOME/radiochain``, else
    ``~/.local/share/radiochain``): the embedded default, nothing to install."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'radiochain' / 'radiochain.db'}"


class Settings(BaseSettings):
    """What the service needs to run.

    Attributes
    ----------
    database_url : str
        SQLAlchemy URL: ``sqlite:///path.db`` (default: :func:`default_database_url`) or
        ``postgresql+psycopg://user:password@host/db``.
    scheduler : str, optional
        A Dask scheduler for jobs (``tcp://host:8786``); default: a local cluster.
    local_workers : int
        Worker processes of the local cluster.
    local_processes : bool
        The local cluster's workers are processes (default; a running job can then be
        stopped by restarting its worker); False runs them as threads of the service (tests).
    job_time_limit_s : float [s]
        Longest a job may run; then it is stopped and marked failed.
    token_ttl_s : float [s]
        How long a login token is valid.
    max_body_bytes : int
        Largest request body accepted (a national network as JSON is a few MB).
    """

    model_config = SettingsConfigDict(env_prefix="RADIOCHAIN_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    scheduler: str | None = None
    local_workers: int = Field(default=1, ge=1, le=64)
    local_processes: bool = True
    job_time_limit_s: float = Field(default=1800.0, gt=0, le=7 * 86400)
    token_ttl_s: float = Field(default=8 * 3600.0, gt=0, le=30 * 86400)
    max_body_bytes: int = Field(default=64 * 2**20, gt=0)
