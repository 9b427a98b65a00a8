"""A network's metadata (``network.yaml``, or the ``network`` object of a JSON export): read
safely, checked key by key, turned into an empty :class:`Network` to fill with tables.

Every problem is a :class:`Problem` of the metadata's file, so ``radiochain network validate``
lists it with the others instead of stopping at the first.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from radiochain.errors import DataError, InputError, elide, elide_path
from radiochain.files import parse_yaml, read_text
from radiochain.network.core import META_FILE, Network
from radiochain.network.problems import Problem, split_hint
from radiochain.physics.datasets import DEFAULT_DATASET, get_dataset

TEXT_KEYS = ("name", "description", "timezone", "nuclear_dataset")
"""Keys of the metadata held as attributes of :class:`Network`."""

KNOWN_KEYS = {
    "name": "the network's name",
    "description": "what the network describes",
    "timezone": "IANA time zone of the tables' local times, e.g. Asia/Shanghai",
    "nuclear_dataset": "nuclear dataset of every decay factor: radiochain or icrp107",
    "start_date": "first day of a plan, YYYY-MM-DD",
}
"""Every key ``network.yaml`` may hold, and what it means."""


def read_meta_file(folder: Path) -> tuple[Any, str | None, list[Problem]]:
    """The parsed ``network.yaml`` of ``folder``, its text, and the problems of reading it
    (missing, not UTF-8, YAML syntax with line and column, alias bombs), as problems."""
    path = folder / META_FILE
    if not path.exists() and not path.is_symlink():
        return (
            {},
            None,
            [
                Problem(
                    "error",
                    META_FILE,
                    None,
                    "",
                    "file is missing",
                    "a network folder needs network.yaml with name, timezone, nuclear_dataset",
                )
            ],
        )
    try:
        text = read_text(path, what="network file")
        return parse_yaml(text, where=META_FILE), text, []
    except InputError as err:
        message = str(err)
        for shown in (elide_path(path), elide(str(path))):
            for prefix in (f"network file {shown}: ", f"{shown}: "):
                message = message.removeprefix(prefix)
        return (
            {},
            None,
            [Problem("error", META_FILE, None, "", message.removeprefix(f"{META_FILE}: "))],
        )


def _plain(value: Any) -> Any:
    """A metadata value as plain JSON data (dates as ISO text; anything else JSON cannot hold
    as its text), so that every export of the network can be written."""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return json.loads(json.dumps(value, allow_nan=False, default=str))
    except (ValueError, TypeError, RecursionError):
        return str(value)


def network_from_meta(
    meta: Any,
    *,
    default_name: str,
    file: str = META_FILE,
    row: str | None = None,
    require_timezone: bool = True,
) -> tuple[Network, list[Problem]]:
    """An empty network from metadata, and the problems of the metadata.

    Parameters
    ----------
    meta : Any
        The parsed metadata (a mapping; anything else is a problem).
    default_name : str
        Name when the metadata has none (the folder's or the file's name).
    file, row : str
        Where the metadata is, for messages: ``network.yaml``, or the JSON file and
        ``"network"``.
    require_timezone : bool
        A missing ``timezone`` is an error (the tables' local times mean nothing without it);
        False when the metadata file could not be read at all (that is the problem).
    """
    problems: list[Problem] = []

    def problem(level: str, key: str, message: str, hint: str = "") -> None:
        problems.append(Problem(level, file, row, key, message, hint))  # type: ignore[arg-type]

    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problem(
            "error",
            "",
            f"must be a mapping of keys to values, not {_kind(meta)}",
            "write e.g. 'name: my-network' and 'timezone: Asia/Shanghai', one per line",
        )
        meta = {}
    values: dict[str, str] = {}
    for key in TEXT_KEYS:
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            values[key] = str(value)
        else:
            problem("error", key, f"must be text, not {_kind(value)}", KNOWN_KEYS[key])
    dataset = values.get("nuclear_dataset", DEFAULT_DATASET)
    try:
        get_dataset(dataset)
    except DataError as err:
        problem("error", "nuclear_dataset", *split_hint(str(err)))
        dataset = DEFAULT_DATASET
    if (
        "timezone" not in values
        and require_timezone
        and not any(p.field == "timezone" for p in problems)
    ):
        example = (
            'write "timezone": "Asia/Shanghai" in "network"'
            if file.lower().endswith(".json")
            else "write e.g. 'timezone: Asia/Shanghai'"
        )
        problem(
            "error",
            "timezone",
            "is missing: the local times of the tables mean nothing without it",
            f"{example}, the IANA zone of the network's sites",
        )
    network = Network(
        name=values.get("name", default_name),
        description=values.get("description", ""),
        timezone=values.get("timezone", "UTC"),
        dataset=dataset,
    )
    extra: dict[str, Any] = {}
    for key, value in meta.items():
        if key in TEXT_KEYS:
            continue
        if key not in KNOWN_KEYS:
            problem(
                "warning",
                elide(str(key), 40),
                "unknown key, kept but not used",
                f"known keys: {', '.join(KNOWN_KEYS)}",
            )
        extra[str(key)] = _plain(value)
    network.extra_meta = extra
    network.meta_place = (file, row)
    return network, problems


def use_dataset(network: Network, dataset: str | None) -> None:
    """Read and check the network in ``dataset`` instead of its own (``--dataset``).

    Raises
    ------
    DataError
        Not a known dataset.
    """
    if dataset is not None:
        network.dataset_name = get_dataset(dataset).name


def _kind(value: Any) -> str:
    names = {list: "a list", dict: "a mapping", bool: "true/false", type(None): "empty"}
    return names.get(type(value), f"a {type(value).__name__}")
