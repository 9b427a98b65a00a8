"""Networks as immutable, content-hashed versions.

A version is the JSON export of a network (what :func:`radiochain.network.write_json`
writes), stored byte for byte: export gives the very bytes that were imported. Its content
hash is the SHA-256 of those bytes; importing the same bytes again gives the existing version,
any change gives version ``n + 1`` of the network named in the document. The service never
stores a network with errors: every document is read and validated by the library first.

Producers' declarations (capacity, outages: :mod:`~radiochain.service.services.producers`) are
new versions too, stored by :func:`store`.

Reading a national network takes about a second, so the facts the service asks of a version
again and again (its sites, hospitals, products, producers, lanes) are kept in a small cache
keyed by the content hash (:func:`facts`): a version never changes, so the cache can never be
stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import logging
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from radiochain.errors import InputError, RadiochainError, elide
from radiochain.network import Network, read_network, write_json
from radiochain.network.jsonio import parse_json_network
from radiochain.service import audit
from radiochain.service.errors import ConflictError, NotFoundError
from radiochain.service.models import NetworkVersion

log = logging.getLogger(__name__)

DOCUMENT = "network.json"
"""The name problems of an uploaded document give it (``network.json: tables.sites[2]...``)."""

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
"""A network name the service accepts: it appears in paths (``/networks/{name}``)."""

NOTE_LIMIT = 500
"""Longest note of a version [characters]."""

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""Characters no name, note or pseudonym holds (NUL, line breaks, escapes)."""


# --- helpers shared with the other services ------------------------------------------------------
def check_text(value: str, what: str, *, limit: int) -> str:
    """``value`` if it is printable text of at most ``limit`` characters.

    Raises
    ------
    InputError
        Control characters (a NUL byte, a line break...) or too long.
    """
    if len(value) > limit:
        raise InputError(f"{what}: {len(value)} characters, more than {limit}")
    if CONTROL.search(value):
        raise InputError(f"{what}: control characters are not allowed (give one line of text)")
    return value


def did_you_mean(value: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``options``, or ``''``."""
    pool = list(options)
    close = difflib.get_close_matches(value, pool, n=1, cutoff=0.6) if len(value) < 200 else []
    return f" (did you mean {close[0]!r}?)" if close else ""


def lock(session: Session, *parts: object) -> None:
    """Serialise writers of one thing (a network name, an idempotency key) until the end of
    the transaction: a PostgreSQL advisory lock; SQLite's writers are serial already (they
    begin IMMEDIATE)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def check_name(name: str, what: str = "network") -> str:
    """A network name as the service stores it.

    Raises
    ------
    InputError
        Not 1 to 128 letters, digits, '.', '_' or '-' (starting with a letter or digit).
    """
    if not NAME.fullmatch(name):
        raise InputError(
            f"{what}: {elide(name, 40)!r} cannot name a network here (use 1 to 128 letters, "
            "digits, '.', '_' or '-', starting with a letter or digit)"
        )
    return name


# --- the facts of a version ----------------------------------------------------------------------
@dataclass(frozen=True)
class NetworkFacts:
    """What the service asks of one network version (read once, cached by content hash).

    Attributes
    ----------
    name, version, content_hash : the version.
    network : Network
        The network as read (never modify it: copy with :func:`load` instead).
    site_kinds : dict
        Kind of each site (``hospital``, ``radiopharmacy``...).
    products : tuple of str
    producer_sites : dict
        Site of each producer.
    lanes : tuple of (str, str)
        (from_site, to_site) of each lane.
    """

    name: str
    version: int
    content_hash: str
    network: Network = field(repr=False)
    site_kinds: dict[str, str]
    products: tuple[str, ...]
    producer_sites: dict[str, str]
    lanes: tuple[tuple[str, str], ...]

    @property
    def hospitals(self) -> frozenset[str]:
        return frozenset(s for s, kind in self.site_kinds.items() if kind == "hospital")

    def region(self, site: str) -> frozenset[str]:
        """The hospitals a lane from ``site`` reaches directly (a radiopharmacy's region)."""
        hospitals = self.hospitals
        return frozenset(b for a, b in self.lanes if a == site and b in hospitals)

    def producers_at(self, site: str) -> frozenset[str]:
        """The producers whose site is ``site``."""
        return frozenset(p for p, s in self.producer_sites.items() if s == site)


class _FactsCache:
    """The facts of the most recently used versions (thread-safe, bounded)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[str, NetworkFacts] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, content_hash: str) -> NetworkFacts | None:
        with self._lock:
            found = self._items.get(content_hash)
            if found is not None:
                self._items.move_to_end(content_hash)
            return found

    def put(self, facts: NetworkFacts) -> None:
        with self._lock:
            self._items[facts.content_hash] = facts
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_CACHE = _FactsCache()


def load(version: NetworkVersion) -> Network:
    """The network of a stored version, read anew (the caller may change it)."""
    return parse_json_network(version.payload, where=f"{version.name}.json")


def facts(session: Session, version_id: int) -> NetworkFacts:
    """The facts of a stored version (from the cache when it holds them)."""
    row = session.execute(
        select(NetworkVersion.name, NetworkVersion.version, NetworkVersion.content_hash).where(
            NetworkVersion.id == version_id
        )
    ).one()
    cached = _CACHE.get(row.content_hash)
    if cached is not None:  # the same bytes may be another version in another database
        same = (cached.name, cached.version) == (row.name, row.version)
        return cached if same else dataclasses.replace(cached, name=row.name, version=row.version)
    stored = session.get(NetworkVersion, version_id)
    assert stored is not None
    network = load(stored)
    sites = network.sites
    result = NetworkFacts(
        name=row.name,
        version=row.version,
        content_hash=row.content_hash,
        network=network,
        site_kinds={str(s): str(k) for s, k in zip(sites.index, sites["kind"], strict=True)},
        products=tuple(str(p) for p in network.products.index),
        producer_sites={
            str(p): str(s)
            for p, s in zip(network.producers.index, network.producers["site"], strict=True)
        },
        lanes=tuple(
            (str(a), str(b))
            for a, b in zip(network.lanes["from_site"], network.lanes["to_site"], strict=True)
        ),
    )
    _CACHE.put(result)
    return result


# --- reading versions ----------------------------------------------------------------------------
def newest_id(session: Session, name: str) -> int | None:
    """Id of the newest version of network ``name``, or None when there is none."""
    found: int | None = session.execute(
        select(NetworkVersion.id)
        .where(NetworkVersion.name == name)
        .order_by(NetworkVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    return found


def newest_facts(session: Session, name: str) -> NetworkFacts | None:
    """The facts of the newest version of ``name``, or None when there is none."""
    found = newest_id(session, name)
    return None if found is None else facts(session, found)


def get_version(session: Session, name: str, version: int | None) -> NetworkVersion:
    """Version ``version`` of network ``name`` (None: the newest).

    Raises
    ------
    NotFoundError
        No such network or version.
    """
    query = select(NetworkVersion).where(NetworkVersion.name == name)
    if version is None:
        query = query.order_by(NetworkVersion.version.desc()).limit(1)
    else:
        query = query.where(NetworkVersion.version == version)
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        what = "no version" if version is None else f"no version {version}"
        raise NotFoundError(f"network {elide(name, 40)!r}: {what}")
    return found


def list_versions(session: Session, name: str | None = None) -> list[tuple[NetworkVersion, int]]:
    """Every stored version (of network ``name`` only, when given) with its size [bytes], by
    name and version; the payloads are not loaded."""
    query = select(NetworkVersion, func.length(NetworkVersion.payload)).options(
        defer(NetworkVersion.payload)
    )
    if name is not None:
        query = query.where(NetworkVersion.name == name)
    rows = session.execute(query.order_by(NetworkVersion.name, NetworkVersion.version))
    return [(version, int(size)) for version, size in rows]


def _aware(moment: dt.datetime) -> dt.datetime:
    """A stored time with its offset (SQLite gives back times without one; they are UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def describe(version: NetworkVersion, *, size: int | None = None) -> dict[str, Any]:
    """A version as shown to users and in the audit trail (never its payload)."""
    return {
        "name": version.name,
        "version": version.version,
        "content_hash": version.content_hash,
        "dataset": version.dataset,
        "note": version.note,
        "bytes": size,
        "created_by": version.created_by,
        "created_at": _aware(version.created_at).isoformat() if version.created_at else None,
    }


# --- importing -----------------------------------------------------------------------------------
def validated(payload: bytes, *, where: str = DOCUMENT) -> Network:
    """The network of a JSON document, refused unless the library finds no error.

    Raises
    ------
    InputError
        Not UTF-8, not JSON, not a network's shape, or a network with errors: the message
        names the first error's place (``network.json: tables.products[0].dose_activity_bq:
        ...``) and the count.
    """
    try:
        network = parse_json_network(payload, where=where)
        errors = network.validate().errors
    except RadiochainError:
        raise
    except RecursionError:
        raise InputError(f"{where}: nested too deeply") from None
    except Exception as err:  # a library bug must not become a 500: refuse, and log it
        log.exception("reading an uploaded network failed")
        raise InputError(
            f"{where}: the network could not be read ({type(err).__name__}); "
            "check it with radiochain network validate"
        ) from None
    if errors:
        raise InputError(f"the network has {len(errors)} error(s), first: {errors[0]}")
    return network


@dataclass(frozen=True)
class Stored:
    """Outcome of an import: the version, and whether it is new."""

    version: NetworkVersion
    created: bool


def store(
    session: Session,
    network: Network,
    payload: bytes,
    *,
    actor: str,
    note: str,
    action: str,
    detail: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> Stored:
    """Store ``payload`` (already validated: :func:`validated`) as the next version of
    ``network.name``, unless the same bytes are stored already (then that version), and
    append the audit entry in the same transaction.

    Parameters
    ----------
    network : Network
        The network of ``payload`` (its name and nuclear dataset).
    actor : str
        Username, for the audit trail.
    note : str
        Why this version exists.
    action : str
        The audit entry's action (``network.import``, ``network.outage``...).
    detail, before : dict, optional
        Added to the audit entry's ``after`` and ``before`` (what the change was).

    Raises
    ------
    ConflictError
        Another request stored a version of the same network at the same moment.
    """
    name = check_name(network.name, "network.name")
    digest = hashlib.sha256(payload).hexdigest()
    lock(session, "network", name)
    same = session.execute(
        select(NetworkVersion).where(
            NetworkVersion.name == name, NetworkVersion.content_hash == digest
        )
    ).scalar_one_or_none()
    if same is not None:
        return Stored(same, created=False)
    previous = session.execute(
        select(func.max(NetworkVersion.version)).where(NetworkVersion.name == name)
    ).scalar_one()
    version = NetworkVersion(
        name=name,
        version=(previous or 0) + 1,
        content_hash=digest,
        payload=payload,
        dataset=network.dataset_name,
        note=note,
        created_by=actor,
    )
    session.add(version)
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(
            f"network {name!r} was changed by another request at the same time; try again"
        ) from None
    was = None if previous is None else {"name": name, "version": previous, **(before or {})}
    after = {**describe(version, size=len(payload)), **(detail or {})}
    audit.append(
        session, actor=actor, action=action, entity="network",
        entity_id=f"{name}/{version.version}", before=was, after=after,
    )  # fmt: skip
    return Stored(version, created=True)


def import_network(
    session: Session, payload: bytes, *, actor: str, note: str = "", where: str = DOCUMENT
) -> Stored:
    """Import a network's JSON export as a version of the network it names.

    Parameters
    ----------
    payload : bytes
        What :func:`radiochain.network.write_json` writes (stored byte for byte).
    actor : str
        Username, for the audit trail.
    note : str
        Why this version exists (shown in lists).
    where : str
        The document's name in messages (the uploaded ``network.json``, or the user's file).

    Raises
    ------
    InputError
        The document is not a valid network (see :func:`validated`), its name cannot name a
        network here, or the note is not one line of at most :data:`NOTE_LIMIT` characters.
    """
    check_text(note, "note", limit=NOTE_LIMIT)
    network = validated(payload, where=where)
    return store(session, network, payload, actor=actor, note=note, action="network.import")


def export_bytes(network: Network) -> bytes:
    """``network`` as :func:`radiochain.network.write_json` writes it, as bytes."""
    with tempfile.TemporaryDirectory(prefix="radiochain-") as folder:
        path = write_json(network, Path(folder) / "network.json")
        return path.read_bytes()


def import_folder(session: Session, folder: str | Path, *, actor: str, note: str = "") -> Stored:
    """Import a network folder (``network.yaml`` and CSV tables): read it with
    :func:`radiochain.network.read_network`, export it with ``write_json`` and import those
    bytes (so that the stored version is what ``write_json`` writes for that folder).

    Raises
    ------
    InputError
        The folder cannot be read or the network has errors.
    """
    network = read_network(folder, strict=True)
    return import_network(session, export_bytes(network), actor=actor, note=note)
