"""What producers declare: their capacity and their planned outages, each a new version of
the network.

A declaration changes the newest version of a network and stores the result as the next
version (:func:`radiochain.service.services.networks.store`), validated by the library and
audited in the same transaction; the same declaration again gives the version that has it.

- :func:`declare_capacity`: the fields of a row of the ``producers`` table that a producer
  declares (``capacity_per_delivery_bq``, ``capacity_per_week_bq``, ``output_days``,
  ``output_time``, ``note``), given as users type them (``"80 GBq"``) and read by the same
  parsers the network reader uses for those columns. The user's text is what the new
  version holds (``"80 GBq"`` stays ``"80 GBq"``); every other byte of the document is as
  :func:`radiochain.network.write_json` writes the newest version.
- :func:`add_outage`: a row added to the ``shutdowns`` table.

Who may declare for which producer is the caller's ``check`` (the tenancy rules of
:mod:`~radiochain.service.services.scope`).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from radiochain.errors import InputError, elide
from radiochain.network import Network
from radiochain.network.cells import json_value
from radiochain.network.parse import parse_days, parse_time
from radiochain.network.schema import Attribute, schemas
from radiochain.service.errors import ConflictError, NotFoundError
from radiochain.service.models import NetworkVersion
from radiochain.service.services.networks import (
    NOTE_LIMIT,
    NetworkFacts,
    Stored,
    check_text,
    did_you_mean,
    export_bytes,
    facts,
    get_version,
    load,
    lock,
    store,
    validated,
)
from radiochain.units import format_quantity, parse_date, to_becquerel

Check = Callable[[NetworkFacts], None]
"""A tenancy check: called with the newest version's facts before anything changes; raises to
refuse."""

FIELDS: dict[str, str] = {
    "capacity_per_delivery": "capacity_per_delivery_bq",
    "capacity_per_week": "capacity_per_week_bq",
    "output_days": "output_days",
    "output_time": "output_time",
    "note": "note",
}
"""What a producer declares: the request's field -> the ``producers`` table's column."""

ACTIVITIES = ("capacity_per_delivery", "capacity_per_week")
"""Fields that are activities (text with a unit; ``<field>_bq`` is the number [Bq])."""

TEXT_LIMIT = 64
"""Longest text of an activity, days or time field [characters]."""


def _attribute(column: str) -> Attribute:
    return schemas()["producers"].attribute(column)


def _producer(network_name: str, known: NetworkFacts, producer: str) -> None:
    """Refuse (404) a producer the newest version does not have, with a did-you-mean."""
    if producer not in known.producer_sites:
        raise NotFoundError(
            f"no producer {elide(producer, 40)!r} in network {network_name!r} version "
            f"{known.version}{did_you_mean(producer, known.producer_sites)}"
        )


# --- a producer's declared fields ----------------------------------------------------------------
def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def declaration(network: Network, producer: str) -> dict[str, Any]:
    """What ``producer`` declares in ``network``: each field of :data:`FIELDS` as text (the
    user's, or the table's default; an activity written as a plain number of Bq with a unit
    and 10 significant digits, so that it can be declared again as shown), the activities
    also as numbers (``<field>_bq`` [Bq]; None: no weekly cap), with the producer's site and
    nuclide.

    Raises
    ------
    KeyError
        No such producer.
    """
    row = network.producers.loc[producer]
    found: dict[str, Any] = {
        "producer": producer, "site": str(row["site"]), "nuclide": str(row["nuclide"]),
    }  # fmt: skip
    for field, column in FIELDS.items():
        written = network.written("producers", producer, column)
        if field in ACTIVITIES:
            bq = _number(row[column])
            found[f"{field}_bq"] = bq
            with_unit = written is not None and _number(written) is None
            shown = None if bq is None else format_quantity(bq, "activity", digits=10)
            found[field] = written if with_unit and bq is not None else shown
        elif field == "note":
            found[field] = "" if row[column] != row[column] else str(row[column])
        else:
            found[field] = written or str(row[column])
    return found


def _meaning(field: str, text: str | None) -> Any:
    """What a field's text means (to tell a change from the same value written otherwise)."""
    if text is None or text == "":
        return None if field != "note" else ""
    if field in ACTIVITIES:
        return to_becquerel(text, default_unit=None, what=field)
    if field == "output_days":
        return parse_days(text)
    if field == "output_time":
        return parse_time(text)
    return text


def _same(current: Any, declared: Any) -> bool:
    """Whether a declared value means the current one (activities within 1e-9 of it: a
    value shown with 10 significant digits and declared again is the same)."""
    if isinstance(current, float) and isinstance(declared, float):
        return math.isclose(current, declared, rel_tol=1e-9)
    return bool(current == declared)


def _checked(field: str, value: str | None) -> str:
    """The text of a declared field as the new version holds it ('' for blank: the table's
    default), refused unless the network reader would read it.

    Raises
    ------
    InputError
        Not one line, too long, an activity without a unit or out of the column's range,
        days or a time that do not parse.
    """
    text = "" if value is None else value.strip()
    check_text(text, field, limit=NOTE_LIMIT if field == "note" else TEXT_LIMIT)
    if field == "capacity_per_delivery" and not text:
        raise InputError("capacity_per_delivery: give the activity of one delivery, e.g. '80 GBq'")
    if not text or field == "note":
        return text
    if field in ACTIVITIES:
        attribute = _attribute(FIELDS[field])
        bq = to_becquerel(text, default_unit=None, what=field)
        bounds = attribute.bounds()
        if bounds is not None:
            low, high, low_in, high_in = bounds
            inside = (low <= bq if low_in else low < bq) and (bq <= high if high_in else bq < high)
            if not inside:
                raise InputError(
                    f"{field}: {elide(text, 40)!r} is out of range "
                    f"(give {attribute.describe_bounds()})"
                )
        return text
    try:
        (parse_days if field == "output_days" else parse_time)(text)
    except ValueError:
        expected = (
            "days like Mon-Fri, Mon,Wed,Fri or daily"
            if field == "output_days"
            else "a local time like 08:30"
        )
        raise InputError(
            f"{field}: {elide(text, 40)!r} cannot be read (write {expected})"
        ) from None
    return text


def _changes(
    current: dict[str, Any], given: Mapping[str, str | None]
) -> dict[str, tuple[str, str]]:
    """field -> (text before, text after) of the fields whose meaning ``given`` changes."""
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise InputError(
            f"{elide(unknown[0], 40)}: cannot be declared (declare {', '.join(FIELDS)})"
        )
    if "capacity_per_delivery" not in given:
        raise InputError("capacity_per_delivery: give the activity of one delivery, e.g. '80 GBq'")
    texts = {field: _checked(field, value) for field, value in given.items()}
    changed = {}
    for field, text in texts.items():
        before = current[field]
        if field in ("output_days", "output_time") and not text:
            text = _attribute(FIELDS[field]).default  # blank: the table's default
        now = current[f"{field}_bq"] if field in ACTIVITIES else _meaning(field, before)
        if not _same(now, _meaning(field, text)):
            changed[field] = ("" if before is None else str(before), text)
    return changed


# --- capacity ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Declared:
    """Outcome of :func:`declare_capacity`: the version holding the declaration, the version
    it was made on, and the producer's fields in that version (:func:`declaration`)."""

    stored: Stored
    previous_version: int
    fields: dict[str, Any]


def _changed_payload(version: NetworkVersion, producer: str, cells: dict[str, str]) -> bytes:
    """The document of ``version`` with the ``producers`` row of ``producer`` holding
    ``cells`` (column -> text), as ``write_json`` writes it."""
    document = json.loads(version.payload)
    for row in document["tables"]["producers"]:
        if str(row.get("producer", "")).strip() == producer:
            for column, text in cells.items():
                row[column] = json_value(_attribute(column), text)
            break
    changed = json.dumps(document, ensure_ascii=False).encode()
    return export_bytes(validated(changed))


def declare_capacity(
    session: Session,
    name: str,
    producer: str,
    given: Mapping[str, str | None],
    *,
    actor: str,
    check: Check | None = None,
) -> Declared:
    """A producer's capacity as it declares it: a new version of network ``name`` with the
    ``producers`` row of ``producer`` changed. A declaration that changes nothing (the same
    values, however written) gives the newest version (not a new one).

    Parameters
    ----------
    given : mapping
        Some of :data:`FIELDS` as text: ``capacity_per_delivery`` (required, with its unit:
        ``"80 GBq"``), ``capacity_per_week`` (with its unit), ``output_days`` (``"Mon,Thu"``),
        ``output_time`` (``"06:00"``, local time), ``note`` (one line). Fields left out stay
        as they are; None or '' clears one (no weekly cap, the defaults Mon-Fri and 08:00, no
        note).
    actor : str
        Username, for the audit trail (action ``network.capacity``; its before and after
        name the producer and hold the changed fields under ``declared``).
    check : callable, optional
        The tenancy check (may this user change this producer?).

    Raises
    ------
    NotFoundError
        No such network, or no such producer in its newest version (with a did-you-mean).
    InputError
        A field that is not declared here, text the network reader would not read (an
        activity without a unit, out of its column's range...), or a network the change
        would make invalid (the library's first error).
    ConflictError
        The declared network is an older version's byte for byte (a version's content is
        unique): declare it with a note saying why.
    """
    check_text(producer, "producer", limit=128)
    lock(session, "network", name)
    current = get_version(session, name, None)
    known = facts(session, current.id)
    _producer(name, known, producer)
    if check is not None:
        check(known)
    before = declaration(known.network, producer)
    changes = _changes(before, given)
    if not changes:
        return Declared(Stored(current, created=False), current.version, before)
    cells = {FIELDS[field]: text for field, (_, text) in changes.items()}
    payload = _changed_payload(current, producer, cells)
    _refuse_older_content(session, name, payload, current.version)
    network = validated(payload)
    after = declaration(network, producer)
    words = ", ".join(
        f"{field.replace('_', ' ')} {elide(text, 60) if text else 'cleared'}"
        for field, (_, text) in changes.items()
    )
    stored = store(
        session, network, payload, actor=actor, note=f"{producer} declares {words}",
        action="network.capacity", before=_audited(before, changes),
        detail=_audited(after, changes),
    )  # fmt: skip
    return Declared(stored, current.version, after)


def _audited(fields: dict[str, Any], changes: Mapping[str, object]) -> dict[str, Any]:
    """The producer and its changed fields (activities also in Bq), for the audit trail."""
    shown: dict[str, Any] = {}
    for field in changes:
        shown[field] = fields[field]
        if field in ACTIVITIES:
            shown[f"{field}_bq"] = fields[f"{field}_bq"]
    return {"producer": fields["producer"], "declared": shown}


def _refuse_older_content(session: Session, name: str, payload: bytes, newest: int) -> None:
    """A declaration that would give back an older version's exact bytes cannot be stored as
    the next version (each content is stored once): refuse it, saying how to declare it."""
    digest = hashlib.sha256(payload).hexdigest()
    older = session.execute(
        select(NetworkVersion.version).where(
            NetworkVersion.name == name, NetworkVersion.content_hash == digest
        )
    ).scalar_one_or_none()
    if older is not None and older != newest:
        raise ConflictError(
            f"these values make network {name!r} exactly its version {older} again, and each "
            "content is stored once: declare them with a note saying why (e.g. 'back to the "
            "usual capacity')"
        )


# --- outages -------------------------------------------------------------------------------------
def _shutdown_name(network: Network, producer: str, start: str) -> str:
    base = f"{producer}-outage-{start}"
    taken = set(map(str, network.shutdowns.index))
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def _same_outage(network: Network, producer: str, start: str, end: str) -> str | None:
    """Name of a shutdown of ``producer`` from ``start`` to ``end`` already in ``network``."""
    table = network.shutdowns
    for name, row in table.iterrows():
        days = [str(parse_date(row[c])) if row[c] == row[c] else "" for c in ("start", "end")]
        if str(row["producer"]) == producer and days == [start, end]:
            return str(name)
    return None


def outages(network: Network, producer: str) -> list[dict[str, str]]:
    """The planned outages (``shutdowns`` rows) of ``producer``: ``shutdown``, ``start`` and
    ``end`` (``YYYY-MM-DD``, first and last day without output) and ``reason``, by start."""
    table = network.shutdowns
    rows = []
    for name, row in table[table["producer"] == producer].iterrows():
        days = [str(parse_date(row[c])) if row[c] == row[c] else "" for c in ("start", "end")]
        reason = row.get("reason")
        rows.append(
            {
                "shutdown": str(name), "start": days[0], "end": days[1],
                "reason": "" if reason is None or reason != reason else str(reason),
            }
        )  # fmt: skip
    return sorted(rows, key=lambda r: (r["start"], r["shutdown"]))


@dataclass(frozen=True)
class Outage:
    """Outcome of :func:`add_outage`."""

    stored: Stored
    shutdown: str
    previous_version: int


def add_outage(
    session: Session,
    name: str,
    *,
    producer: str,
    start: str,
    end: str,
    note: str = "",
    actor: str,
    check: Check | None = None,
) -> Outage:
    """A producer's planned outage: a new version of network ``name`` with a row in its
    ``shutdowns`` table (``reason`` = ``note``). The same outage declared again gives the
    version that has it (not a new one).

    Parameters
    ----------
    start, end : str
        First and last day without output (``YYYY-MM-DD``).
    check : callable, optional
        Called with the newest version's facts before anything changes (the tenancy check:
        may this user change this producer?); it raises to refuse.

    Raises
    ------
    NotFoundError
        No such network.
    InputError
        Unknown producer (with a did-you-mean), dates that do not parse or end before start,
        a note that is not one line, or a network the change would make invalid.
    """
    check_text(note, "note", limit=NOTE_LIMIT)
    first = parse_date(start, what="start")
    last = parse_date(end, what="end")
    if last < first:
        raise InputError(
            f"end: {last} is before start {first} (end is the last day without output)"
        )
    lock(session, "network", name)
    current = get_version(session, name, None)
    known = facts(session, current.id)
    if check is not None:
        check(known)
    if producer not in known.producer_sites:
        raise InputError(
            f"producer: no producer {elide(producer, 40)!r} in network {name!r} version "
            f"{current.version}{did_you_mean(producer, known.producer_sites)}"
        )
    network = load(current)
    existing = _same_outage(network, producer, first.isoformat(), last.isoformat())
    if existing is not None:
        return Outage(Stored(current, created=False), existing, current.version)
    row = _shutdown_name(network, producer, first.isoformat())
    network.add(
        "shutdowns", row, producer=producer, start=first.isoformat(), end=last.isoformat(),
        reason=note,
    )  # fmt: skip
    payload = export_bytes(network)
    stored = store(
        session, validated(payload), payload, actor=actor,
        note=f"outage of {producer} from {first} to {last}", action="network.outage",
        detail={"shutdown": row, "producer": producer, "start": str(first), "end": str(last),
                "reason": note},
    )  # fmt: skip
    return Outage(stored, row, current.version)


__all__ = [
    "FIELDS",
    "Declared",
    "Outage",
    "add_outage",
    "declaration",
    "declare_capacity",
    "outages",
]
