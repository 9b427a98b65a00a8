"""A network as one JSON file: ``{"network": {metadata}, "tables": {"sites": [rows], ...}}``.

Each row is an object of column: value; a value is text, a number, true/false or null, like a
cell of the table's CSV file (``"6.8 GBq"`` is read like the same cell in a folder). Every
problem names the JSON file the user gave and the place in it —
``net.json: tables.products[0].dose_activity_bq: ...`` — never an internal table file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from radiochain.errors import InputError, elide
from radiochain.files import load_json, parse_json
from radiochain.network.cells import json_value, table_text
from radiochain.network.core import Network
from radiochain.network.meta import network_from_meta, use_dataset
from radiochain.network.parse import cell_text, keyed_cells, parse_table
from radiochain.network.problems import Place, Problem
from radiochain.network.schema import schemas

TOP_KEYS = ("network", "tables")
"""Keys of a network's JSON document."""

_SHAPE = 'a network in JSON is an object {"network": {...}, "tables": {"sites": [...], ...}}'


def _kind(value: Any) -> str:
    names = {list: "a list", dict: "an object", bool: "true/false", type(None): "null"}
    return names.get(type(value), "text" if isinstance(value, str) else "a number")


def _rows(
    file: str, table: str, rows: Any, problems: list[Problem]
) -> tuple[pd.DataFrame, list[int | str]]:
    """The rows of one table as text cells, and the place of each row in the document."""
    where = f"tables.{table}"
    if not isinstance(rows, list):
        problems.append(
            Problem(
                "error",
                file,
                where,
                "",
                f"must be a list of rows, not {_kind(rows)}",
                'write e.g. [{"site": "a", "kind": "hospital", ...}]',
            )
        )
        return pd.DataFrame(), []
    records: list[dict[str, str]] = []
    places: list[int | str] = []
    for position, row in enumerate(rows):
        place = f"{where}[{position}]"
        if not isinstance(row, dict):
            problems.append(
                Problem(
                    "error",
                    file,
                    place,
                    "",
                    f"must be an object of column: value, not {_kind(row)}",
                    "one object per row",
                )
            )
            continue
        cells: dict[str, str] = {}
        for column, value in row.items():
            if isinstance(value, (dict, list)):
                problems.append(
                    Problem(
                        "error",
                        file,
                        place,
                        elide(column, 40),
                        "must be one value (text, a number, true/false or null), "
                        f"not {_kind(value)}",
                        'write e.g. "7.4 GBq" or 12',
                    )
                )
                value = None
            cells[column] = cell_text(value)
        records.append(cells)
        places.append(place)
    return pd.DataFrame(records, dtype=object), places


def _document(text: str | bytes, where: str) -> Any:
    """The JSON value of ``text``, read like :func:`radiochain.files.load_json`."""
    return parse_json(text, where=where)


def _check_payload(payload: Any, where: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InputError(f"{where}: {_SHAPE}, not {_kind(payload)}")
    if not any(key in payload for key in TOP_KEYS):
        keys = ", ".join(elide(k, 20) for k in list(payload)[:5]) or "none"
        raise InputError(f"{where}: {_SHAPE}; it has neither 'network' nor 'tables' (keys: {keys})")
    return payload


def read_json(path: str | Path, *, strict: bool = False, dataset: str | None = None) -> Network:
    """Read a network written by :func:`write_json` (or by hand in the same shape).

    Parameters
    ----------
    path : str or Path
    strict : bool
        As :func:`radiochain.network.io.read_network`: refuse a network with errors.
    dataset : str, optional
        As :func:`radiochain.network.io.read_network`: instead of the network's dataset.

    Raises
    ------
    InputError
        Not a file, not UTF-8, not JSON, or not an object with ``network`` or ``tables``
        (and, with ``strict``, the network has errors). Problems inside the document (a table
        that is not a list, a row that is not an object, a cell that is a list, every value
        that does not parse) are listed by :meth:`Network.validate`, each with its place.
    """
    path = Path(path)
    payload = _check_payload(load_json(path, what="network file"), elide(str(path)))
    network = _network(payload, file=elide(path.name), name=path.stem, dataset=dataset)
    network.origin = path
    if strict:
        network.require_valid()
    return network


def parse_json_network(
    text: str | bytes, *, where: str, strict: bool = False, dataset: str | None = None
) -> Network:
    """A network from the text of a JSON document (what :func:`write_json` writes), for
    callers that hold the document rather than a file (the service reads uploads with it).

    Parameters
    ----------
    text : str or bytes
        The document; bytes are read as UTF-8 (a byte-order mark is dropped).
    where : str
        The name problems give for the document, like a file name (``upload.json``): ending
        in ``.json``, problems name places in it (``upload.json: tables.products[0].
        dose_activity_bq: ...``). The network's default name is its stem.
    strict, dataset : as :func:`read_json`.

    Raises
    ------
    InputError
        As :func:`read_json` for a document that is not UTF-8, not JSON, or not a network's
        shape (and, with ``strict``, a network with errors).

    Examples
    --------
    >>> n = parse_json_network(b'{"network": {"name": "demo"}, "tables": {}}', where="d.json")
    >>> n.name
    'demo'
    """
    file = elide(where)
    payload = _check_payload(_document(text, file), file)
    network = _network(payload, file=file, name=Path(where).stem or "network", dataset=dataset)
    if strict:
        network.require_valid()
    return network


def _network(payload: dict[str, Any], *, file: str, name: str, dataset: str | None) -> Network:
    """The network of a checked JSON document; its problems in ``read_problems``."""
    network, problems = network_from_meta(
        payload.get("network"), default_name=name, file=file, row="network"
    )
    network.meta_as_read = network.meta()
    use_dataset(network, dataset)
    for key in payload:
        if key not in TOP_KEYS:
            problems.append(
                Problem(
                    "warning",
                    file,
                    None,
                    elide(key, 40),
                    "unknown key, ignored",
                    "keys: network, tables",
                )
            )
    tables = payload.get("tables", {})
    if not isinstance(tables, dict):
        problems.append(
            Problem(
                "error",
                file,
                None,
                "tables",
                f"must be an object of table name: list of rows, not {_kind(tables)}",
                f"tables: {', '.join(schemas())}",
            )
        )
        tables = {}
    for table in schemas():
        network.places[table] = Place(file, f"tables.{table}")
    for table, rows in tables.items():
        if table not in schemas():
            problems.append(
                Problem(
                    "warning",
                    file,
                    None,
                    f"tables.{elide(table, 40)}",
                    "unknown table, ignored",
                    f"tables: {', '.join(schemas())}",
                )
            )
            continue
        schema = schemas()[table]
        raw, places = _rows(file, table, rows, problems)
        place = Place(file, f"tables.{table}")
        frame, lines, table_problems = parse_table(
            schema, raw, network.dataset, line_numbers=places, place=place
        )
        network.set_table(table, frame)
        network.places[table] = Place(file, place.table_row, lines)
        network.keep_cells(table, keyed_cells(schema, raw), frame)
        problems += table_problems
    network.read_problems = problems
    return network


def write_json(network: Network, path: str | Path) -> Path:
    """Export the whole network to one JSON file (``{"network": meta, "tables": {...}}``).

    Values keep the user's text while unchanged, as in
    :func:`~radiochain.network.io.write_network`: plain numbers are JSON numbers, a cell such
    as ``6.8 GBq`` stays the text ``"6.8 GBq"``, a blank is null.

    Raises
    ------
    InputError
        The file cannot be written.
    """
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, frame in network.tables.items():
        if frame.empty:
            continue
        schema = schemas()[table]
        text = table_text(network, table)
        attrs = {c: (schema.attribute(c) if c in schema.columns else None) for c in text.columns}
        tables[table] = [
            {c: json_value(attrs[c], str(v)) for c, v in zip(text.columns, row, strict=True)}
            for row in text.itertuples(index=False, name=None)
        ]
    payload = {"network": network.meta(), "tables": tables}
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(payload, indent=1, ensure_ascii=False, allow_nan=False, default=str),
            encoding="utf-8",
        )
    except OSError as err:
        raise InputError(f"cannot write {elide(str(target))} ({err.strerror or err})") from None
    return target
