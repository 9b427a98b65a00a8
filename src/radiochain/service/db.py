"""The database: an engine per URL and sessions, SQLite tuned for safety, migrations on start.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` and foreign keys on, so
an acknowledged write survives a ``kill -9``; PostgreSQL is durable by default. The schema is
made and upgraded by Alembic (``radiochain/service/migrations``), never by ``create_all``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from radiochain.errors import InputError, elide

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """Writers take SQLite's write lock when they begin (``BEGIN IMMEDIATE``), so two writers
    queue (busy timeout) instead of one failing when it upgrades a read to a write; readers
    (``execution_options(readonly=True)``) begin deferred and never block."""
    readonly = connection.get_execution_options().get("readonly", False)
    connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; an SQLite file's folder is created.

    Raises
    ------
    InputError
        The URL is not one radiochain supports (SQLite or PostgreSQL).
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)
    raise InputError(
        f"--db {elide(url)!r}: give sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"
    )


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic ``upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """The engine and a session factory of one service."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(readonly=True), expire_on_commit=False
        )

    def upgrade(self) -> None:
        upgrade(self.engine)

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """A session committed on success, rolled back on any error (``readonly``: one that
        only reads, which never waits for a writer on SQLite)."""
        with (self._readers if readonly else self._sessions)() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
