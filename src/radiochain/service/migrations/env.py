"""Alembic environment: migrations run on the connection the service hands over
(:func:`radiochain.service.db.upgrade`), or on ``RADIOCHAIN_DATABASE_URL`` from the command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from radiochain.service.models import Base
from radiochain.service.settings import Settings

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(Settings().database_url)
    with engine.begin() as own:
        context.configure(connection=own, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
