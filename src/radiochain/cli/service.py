"""``radiochain serve``, ``radiochain users ...``, ``radiochain audit verify``: the service's
commands (thin: the work is in :mod:`radiochain.service`)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from radiochain.cli.common import JsonOption, print_json
from radiochain.cli.common import console as make_console
from radiochain.errors import InputError, elide_path

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///FILE (default: ~/.local/share/radiochain/radiochain.db) "
        "or postgresql+psycopg://USER:PASSWORD@HOST/DB.",
    ),
]

users_app = typer.Typer(rich_markup_mode=None, help="Users of the service.", no_args_is_help=True)
audit_app = typer.Typer(rich_markup_mode=None, help="The audit trail.", no_args_is_help=True)


def _settings(db: str | None) -> object:
    from radiochain.service.settings import Settings

    return Settings(database_url=db) if db else Settings()


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (1 to 65535).")] = 8000,
) -> None:
    """Run the service (API at /api/v1, OpenAPI at /docs, dashboard at /) until Ctrl-C."""
    import uvicorn

    from radiochain.service.app import create_app
    from radiochain.service.settings import Settings

    if not 1 <= port <= 65535:
        raise InputError(f"--port {port}: give 1 to 65535")
    settings = Settings(database_url=db) if db else Settings()
    app = create_app(settings)
    sys.stderr.write(
        f"radiochain: serving on http://{host}:{port}/ (database {_shown(settings.database_url)})\n"
    )
    if not _has_users(app.state.db):
        command = "radiochain users add admin --role admin" + (f" --db {_shown(db)}" if db else "")
        sys.stderr.write(
            f"radiochain: no users yet: add the first admin with '{command}' (in another "
            "terminal), then sign in at the address above\n"
        )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _has_users(database: object) -> bool:
    """Whether the service's database has a user to sign in as."""
    from sqlalchemy import select

    from radiochain.service.models import User

    with database.session(readonly=True) as session:  # type: ignore[attr-defined]
        return session.execute(select(User.id).limit(1)).first() is not None


def _shown(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is refused later, with a reason
        return url


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option(help="admin, regulator, producer, radiopharmacy or hospital.")
    ],
    network: Annotated[str | None, typer.Option(help="Network the user acts in.")] = None,
    site: Annotated[str | None, typer.Option(help="Site the user acts for.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a user; the password is read from RADIOCHAIN_PASSWORD or asked (never an option,
    so it stays out of the shell history)."""
    from radiochain.service.db import Database
    from radiochain.service.services.users import create_user, public

    password = os.environ.get("RADIOCHAIN_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    database = Database(_settings(db).database_url)  # type: ignore[attr-defined]
    database.upgrade()
    with database.session() as session:
        user = public(
            create_user(
                session, username=username, password=password, role=role, network=network,
                site=site, actor="cli",
            )
        )  # fmt: skip
    database.dispose()
    if as_json:
        print_json(user)
    else:
        make_console().print(f"user {user['username']} ({user['role']}) added", markup=False)


@users_app.command("list")
def users_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every user (never a password)."""
    from sqlalchemy import select

    from radiochain.service.db import Database
    from radiochain.service.models import User
    from radiochain.service.services.users import public

    database = Database(_settings(db).database_url)  # type: ignore[attr-defined]
    database.upgrade()
    with database.session(readonly=True) as session:
        rows = [public(u) for u in session.execute(select(User).order_by(User.id)).scalars()]
    database.dispose()
    if as_json:
        print_json({"users": rows})
        return
    for u in rows:
        scope = f" {u['network']}/{u['site']}" if u["site"] else ""
        make_console().print(f"{u['username']:<20} {u['role']:<14}{scope}", markup=False)


@audit_app.command("verify")
def audit_verify(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Recompute the audit trail's hash chain; exit 1 if an entry was edited or removed."""
    from radiochain.service import audit
    from radiochain.service.db import Database

    database = Database(_settings(db).database_url)  # type: ignore[attr-defined]
    database.upgrade()
    with database.session(readonly=True) as session:
        result = audit.verify(session)
    database.dispose()
    if as_json:
        print_json(result.to_dict())
    else:
        verdict = "intact" if result.ok else f"BROKEN: {result.problem}"
        make_console().print(
            f"audit trail {verdict}; {result.entries} entries; head {result.head_hash}",
            markup=False,
        )
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``users`` and ``audit`` to the main app."""
    app.command("serve")(serve)
    from radiochain.cli.network import network_app

    network_app.command("import")(network_import)
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")


def network_import(
    path: Annotated[str, typer.Argument(help="Network folder or .json export.")],
    db: DbOption = None,
    note: Annotated[str, typer.Option(help="What this version is, for the record.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Store a network in the service's database as a new immutable version (the same content
    again is the existing version); audited as done by 'cli'."""
    from pathlib import Path

    from radiochain.files import read_text
    from radiochain.service.db import Database
    from radiochain.service.services.networks import describe, import_folder, import_network

    if not path.strip():
        raise InputError("NETWORK: empty path (give a network folder or a .json export)")
    source = Path(path)
    database = Database(_settings(db).database_url)  # type: ignore[attr-defined]
    database.upgrade()
    with database.session() as session:
        if source.is_dir():
            stored = import_folder(session, source, actor="cli", note=note)
        else:
            read_text(source, what="network file")  # exists, is a file, is UTF-8 text
            stored = import_network(
                session, source.read_bytes(), actor="cli", note=note, where=elide_path(source)
            )
        facts = describe(stored.version) | {"created": stored.created}
    database.dispose()
    if as_json:
        print_json(facts)
        return
    verdict = "stored as" if stored.created else "unchanged: already"
    make_console().print(
        f"network {facts.get('name')}: {verdict} version {facts.get('version')}", markup=False
    )
