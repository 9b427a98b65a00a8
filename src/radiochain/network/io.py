"""Networks on disk: a folder of CSV files plus ``network.yaml``, or one JSON file.

Reading then writing gives the same files' content back (floats are written with full
precision, so ``read(write(n))`` equals ``n`` exactly). Missing optional tables are empty.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from radiochain.errors import DataError, InputError
from radiochain.network.core import Network
from radiochain.network.parse import cell_text, format_column, parse_table
from radiochain.network.problems import Problem
from radiochain.network.schema import schemas
from radiochain.physics.datasets import get_dataset

META_FILE = "network.yaml"
META_KEYS = ("name", "description", "timezone", "nuclear_dataset")


def _read_meta(folder: Path) -> tuple[dict[str, Any], list[Problem]]:
    import yaml

    path = folder / META_FILE
    if not path.is_file():
        return {}, [
            Problem(
                "error",
                META_FILE,
                None,
                "",
                "file is missing",
                "a network folder needs network.yaml with name, timezone, nuclear_dataset",
            )
        ]
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as err:
        return {}, [
            Problem(
                "error",
                META_FILE,
                None,
                "",
                f"is not UTF-8 text ({err.reason})",
                "save it as UTF-8",
            )
        ]
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        return {}, [
            Problem("error", META_FILE, row, "", f"is not valid YAML: {err}", "fix the syntax")
        ]
    if not isinstance(meta, dict):
        return {}, [
            Problem(
                "error",
                META_FILE,
                None,
                "",
                "must be a mapping of keys to values",
                "write e.g. 'name: my-network'",
            )
        ]
    return meta, []


def read_table_csv(file: Path) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """A table file as text cells, the file line where each record starts (blank lines and
    quoted line breaks counted), and problems of its layout (duplicate or missing headers,
    rows with too many cells). A UTF-8 byte-order mark is accepted."""
    problems: list[Problem] = []
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        rows: list[list[str]] = []
        starts: list[int] = []
        previous_end = reader.line_num
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            rows.append(record)
            starts.append(start)
    if header is None:
        return pd.DataFrame(), [], problems
    names = [h.strip() for h in header]
    keep: list[int] = []
    seen: set[str] = set()
    for k, name in enumerate(names):
        if name in seen:
            problems.append(
                Problem("error", file.name, 1, name, "column appears twice", "keep one of the two")
            )
            continue
        seen.add(name)
        keep.append(k)
    width = len(names)
    cells = []
    for record, line in zip(rows, starts, strict=True):
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.append(
                Problem(
                    "error",
                    file.name,
                    line,
                    "",
                    f"row has {len(record)} cells, the header {width}",
                    "quote cells that contain commas",
                )
            )
        padded = (record + [""] * width)[:width]
        cells.append([padded[k] for k in keep])
    frame = pd.DataFrame(cells, columns=[names[k] for k in keep], dtype=object)
    return frame, starts, problems


def read_network(path: str | Path, *, strict: bool = False) -> Network:
    """Read a network folder (or a ``.json`` file written by :func:`write_json`).

    Parameters
    ----------
    path : str or Path
    strict : bool
        Refuse a network with errors: read, validate (:meth:`Network.require_valid`) and raise
        :class:`NetworkError` (an :class:`InputError`, exit code 2) naming the first error and
        the count. What a workflow (plan, stress test) uses. Otherwise problems are kept in
        ``network.read_problems`` and every problem is reported by :meth:`Network.validate`.

    Raises
    ------
    InputError
        The path does not exist.
    """
    path = Path(path)
    if path.suffix.lower() == ".json" and path.is_file():
        return read_json(path, strict=strict)
    if not path.is_dir():
        raise InputError(
            f"{path}: no such network folder (create one with 'radiochain example tiny DIR')"
        )
    if not (path / META_FILE).is_file() and not any(
        (path / s.file).is_file() for s in schemas().values()
    ):
        raise InputError(
            f"{path}: not a network folder (no {META_FILE} and no table files; "
            "create one with 'radiochain example tiny DIR')"
        )
    meta, problems = _read_meta(path)
    dataset_name = str(meta.get("nuclear_dataset", "radiochain"))
    try:
        dataset = get_dataset(dataset_name)
    except DataError as err:
        problems.append(
            Problem("error", META_FILE, None, "nuclear_dataset", str(err), "use 'radiochain'")
        )
        dataset_name = "radiochain"
        dataset = get_dataset(dataset_name)
    network = Network(
        name=str(meta.get("name", path.name)),
        description=str(meta.get("description", "")),
        timezone=str(meta.get("timezone", "UTC")),
        dataset=dataset_name,
    )
    network.extra_meta = {k: v for k, v in meta.items() if k not in META_KEYS}
    network.origin = path
    for table, schema in schemas().items():
        file = path / schema.file
        if not file.is_file():
            continue
        try:
            raw, record_lines, read_problems = read_table_csv(file)
        except (UnicodeDecodeError, csv.Error) as err:
            problems.append(
                Problem(
                    "error",
                    schema.file,
                    None,
                    "",
                    f"cannot be read as CSV: {err}",
                    "save it as UTF-8 CSV with a header row",
                )
            )
            continue
        problems += read_problems
        frame, lines, table_problems = parse_table(schema, raw, dataset, line_numbers=record_lines)
        network.set_table(table, frame)
        network.lines[table] = lines
        problems += table_problems
    for extra in sorted(path.glob("*.csv")):
        if extra.stem not in schemas():
            problems.append(
                Problem(
                    "warning",
                    extra.name,
                    None,
                    "",
                    "unknown table, ignored",
                    f"tables: {', '.join(s.file for s in schemas().values())}",
                )
            )
    network.read_problems = problems
    if strict:
        network.require_valid()
    return network


def _exact_dumper() -> type:
    import yaml

    class ExactDumper(yaml.SafeDumper):
        """Writes text YAML would otherwise normalise (line breaks such as NEL or U+2028,
        carriage returns) in double quotes, so every value reads back unchanged."""

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        special = any(c in value for c in "\r\x85\u2028\u2029") or value != value.strip()
        return dumper.represent_scalar(
            "tag:yaml.org,2002:str", value, style='"' if special else None
        )

    ExactDumper.add_representer(str, text)
    return ExactDumper


def write_network(network: Network, path: str | Path) -> Path:
    """Write ``network.yaml`` and one CSV per non-empty table into ``path`` (created)."""
    import yaml

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    _ExactDumper = _exact_dumper()
    (folder / META_FILE).write_text(
        yaml.dump(network.meta(), Dumper=_ExactDumper, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    for table, frame in network.tables.items():
        schema = schemas()[table]
        file = folder / schema.file
        if frame.empty:
            if file.exists():
                file.unlink()
            continue
        out = pd.DataFrame({schema.index: frame.index.astype(str)})
        for attr in schema.attributes:
            if attr.name != schema.index:
                out[attr.name] = format_column(attr, frame[attr.name]).to_numpy()
        lines = [_csv_line(out.columns)] + [
            _csv_line(row) for row in out.itertuples(index=False, name=None)
        ]
        file.write_text("".join(lines), encoding="utf-8", newline="")
    return folder


_NEEDS_QUOTES = (",", '"', "\n", "\r")


def _csv_line(fields: Iterable[str]) -> str:
    """One CSV line ending in \\n; fields with a comma, quote or line break (\\r included,
    which the csv module leaves bare) are quoted, so every text reads back unchanged."""
    cells = []
    for field in fields:
        text = str(field)
        if any(c in text for c in _NEEDS_QUOTES):
            text = '"' + text.replace('"', '""') + '"'
        cells.append(text)
    return ",".join(cells) + "\n"


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def write_json(network: Network, path: str | Path) -> Path:
    """Export the whole network to one JSON file (``{"network": meta, "tables": {...}}``)."""
    payload = {
        "network": network.meta(),
        "tables": {
            table: [
                {schemas()[table].index: str(name), **{k: _json_value(v) for k, v in row.items()}}
                for name, row in frame.iterrows()
            ]
            for table, frame in network.tables.items()
            if not frame.empty
        },
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(payload, indent=1, ensure_ascii=False, allow_nan=False), encoding="utf-8"
    )
    return path


def read_json(path: str | Path, *, strict: bool = False) -> Network:
    """Read a network exported by :func:`write_json`."""
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"{path}:{err.lineno}: not valid JSON: {err.msg}") from err
    meta = payload.get("network", {})
    network = Network(
        name=str(meta.get("name", path.stem)),
        description=str(meta.get("description", "")),
        timezone=str(meta.get("timezone", "UTC")),
        dataset=str(meta.get("nuclear_dataset", "radiochain")),
    )
    network.extra_meta = {k: v for k, v in meta.items() if k not in META_KEYS}
    problems: list[Problem] = []
    for table, rows in payload.get("tables", {}).items():
        if table not in schemas():
            problems.append(
                Problem("warning", path.name, None, table, "unknown table, ignored", "")
            )
            continue
        raw = pd.DataFrame(
            [{k: cell_text(v) for k, v in row.items()} for row in rows], dtype=object
        )
        frame, _, table_problems = parse_table(schemas()[table], raw, network.dataset)
        network.set_table(table, frame)
        problems += table_problems
    network.read_problems = problems
    network.origin = path
    if strict:
        network.require_valid()
    return network


def write_extended(base: str | Path, network: Network, path: str | Path) -> Path:
    """Write ``network`` — ``base``'s network with rows added — keeping every file and cell of
    ``base`` as the user wrote it: the folder is copied, and only the added rows (and any column
    they need) are written, in the network's canonical text.

    A ``.json`` ``base`` is written again whole: as a folder, or as JSON when ``path`` ends in
    ``.json``. Only the files of the folder are copied (no sub-folders).

    Raises
    ------
    InputError
        ``path`` is ``base`` itself or exists already (nothing is overwritten), or the copy
        fails.
    """
    import shutil

    source, target = Path(base), Path(path)
    if target.resolve() == source.resolve():
        raise InputError(f"--out {target}: give a new folder (the input network is never changed)")
    if target.is_file() or (target.is_dir() and any(target.iterdir())):
        raise InputError(f"--out {target}: exists already (give a new folder)")
    try:
        if source.suffix.lower() == ".json":
            if target.suffix.lower() == ".json":
                return write_json(network, target)
            return write_network(network, target)
        original = read_network(source)
        target.mkdir(parents=True, exist_ok=True)
        for file in source.iterdir():  # a network folder is flat: network.yaml and tables
            if file.is_file():
                shutil.copy2(file, target / file.name)
    except OSError as err:
        raise InputError(f"cannot write {target}: {err.strerror or err}") from None
    for table, frame in network.tables.items():
        old = original.tables[table]
        added = frame.index.difference(old.index, sort=False)
        if len(added) == 0:
            continue
        schema = schemas()[table]
        file = target / schema.file
        if file.exists():
            cells, _, _ = read_table_csv(file)
            header = list(cells.columns)
        else:
            cells, header = pd.DataFrame(), []
        new = pd.DataFrame({schema.index: frame.loc[added].index.astype(str)})
        for attr in schema.attributes:
            if attr.name != schema.index:
                new[attr.name] = format_column(attr, frame.loc[added, attr.name]).to_numpy()
        wanted = [c for c in new.columns if c not in header and (new[c] != "").any()]
        columns = header + wanted if header else list(new.columns)
        if wanted or not header:  # rewrite: the old cells as text, empty in the new columns
            old_rows = cells.reindex(columns=columns, fill_value="").fillna("")
            lines = [_csv_line(columns)] + [
                _csv_line(r) for r in old_rows.itertuples(index=False, name=None)
            ]
            text = "".join(lines)
        else:
            text = file.read_text(encoding="utf-8-sig")
            if text and not text.endswith(("\n", "\r")):
                text += "\n"
        rows = new.reindex(columns=columns, fill_value="")
        text += "".join(_csv_line(r) for r in rows.itertuples(index=False, name=None))
        file.write_text(text, encoding="utf-8", newline="")
    read_network(target)  # the result must read back
    return target
