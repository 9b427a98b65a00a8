"""Networks on disk: a folder of CSV files plus ``network.yaml``, or one JSON file
(:mod:`radiochain.network.jsonio`).

Reading then writing gives the user's files back: every cell keeps its text while its value
is unchanged (``6.8 GBq`` stays ``6.8 GBq``), new and changed values are written with full
precision, so ``read(write(n))`` equals ``n`` exactly. Missing optional tables are empty.
Whatever is wrong with a file (bytes that are not UTF-8, YAML or CSV syntax, aliases that
expand without end) becomes a :class:`Problem` naming the file, listed with the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from radiochain.errors import InputError, elide, elide_path
from radiochain.files import read_text
from radiochain.network.cells import table_text
from radiochain.network.core import META_FILE, Network
from radiochain.network.jsonio import read_json, write_json
from radiochain.network.meta import network_from_meta, read_meta_file, use_dataset
from radiochain.network.parse import keyed_cells, parse_table
from radiochain.network.problems import Place, Problem, split_hint
from radiochain.network.schema import schemas

__all__ = [
    "read_json",
    "read_network",
    "read_table_csv",
    "write_extended",
    "write_json",
    "write_network",
]

_FOLDER_HINT = "create one with 'radiochain example tiny DIR'"


def read_table_csv(
    file: Path, *, shown: str | None = None
) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """A table file as text cells, the file line where each record starts (blank lines and
    quoted line breaks counted), and problems of its layout (duplicate or missing headers,
    rows with too many cells) or of its bytes (not UTF-8, not CSV: the table is then empty).
    A UTF-8 byte-order mark is accepted.

    Parameters
    ----------
    file : Path
    shown : str, optional
        Name of the file in messages (default: its name).
    """
    name = shown or file.name
    problems: list[Problem] = []
    try:
        text = read_text(file, what="table file")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        rows: list[list[str]] = []
        starts: list[int] = []
        previous_end = reader.line_num
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not "".join(record).strip():  # a blank line, or only blank cells
                continue
            rows.append(record)
            starts.append(start)
    except InputError as err:
        message = str(err)
        for shown_path in (elide_path(file), elide(str(file))):
            for prefix in (f"table file {shown_path}: ", f"{shown_path}: "):
                message = message.removeprefix(prefix)
        return pd.DataFrame(), [], [Problem("error", name, None, "", *split_hint(message))]
    except csv.Error as err:
        return (
            pd.DataFrame(),
            [],
            [
                Problem(
                    "error",
                    name,
                    reader.line_num or None,
                    "",
                    f"cannot be read as CSV ({elide(str(err), 80)})",
                    "save it as UTF-8 CSV with a header row",
                )
            ],
        )
    names = [h.strip() for h in header or []]
    if not any(names):
        empty = "is empty" if not text.strip() else "has no header row"
        return (
            pd.DataFrame(),
            [],
            [
                Problem(
                    "error",
                    name,
                    None,
                    "",
                    empty,
                    "a table file starts with its header row; delete the file if the table "
                    "has no rows",
                )
            ],
        )
    keep: list[int] = []
    seen: set[str] = set()
    for k, column in enumerate(names):
        if column in seen:
            problems.append(
                Problem(
                    "error", name, 1, elide(column), "column appears twice", "keep one of the two"
                )
            )
            continue
        seen.add(column)
        keep.append(k)
    width = len(names)
    cells = []
    for record, line in zip(rows, starts, strict=True):
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.append(
                Problem(
                    "error",
                    name,
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


def _network_path(path: str | Path) -> Path:
    """The path of a network as given, checked: a folder, or a ``.json`` file.

    Raises
    ------
    InputError
        Empty, missing, or a file that is not a JSON export.
    """
    if str(path).strip() == "":
        raise InputError(
            f"empty network path (give a network folder or a .json file; {_FOLDER_HINT})"
        )
    given = Path(path)
    shown = elide(str(path))
    try:
        given.stat()
    except FileNotFoundError:
        pass
    except OSError as err:  # a name too long, a loop of links, no permission
        raise InputError(f"{shown}: cannot use this path ({err.strerror or err})") from None
    if given.is_file():
        if given.suffix.lower() == ".json":
            return given
        if given.name == META_FILE:
            raise InputError(
                f"{shown}: give the network folder that holds {META_FILE}, not the file"
            )
        raise InputError(
            f"{shown}: is a file, not a network (give a network folder or a .json export; "
            f"{_FOLDER_HINT})"
        )
    if not given.exists():
        what = "network file" if given.suffix.lower() == ".json" else "network folder"
        raise InputError(f"{shown}: no such {what} ({_FOLDER_HINT})")
    if not given.is_dir():
        raise InputError(f"{shown}: is not a folder or a .json file")
    return given


def _present(path: Path) -> bool:
    """Something is at ``path``: a file, or what must be named as not one (a folder, a FIFO,
    a device, a link to nothing or a loop of links)."""
    return path.is_symlink() or path.exists()


def read_network(path: str | Path, *, strict: bool = False, dataset: str | None = None) -> Network:
    """Read a network folder (or a ``.json`` file written by :func:`write_json`).

    Parameters
    ----------
    path : str or Path
    strict : bool
        Refuse a network with errors: read, validate (:meth:`Network.require_valid`) and raise
        :class:`NetworkError` (an :class:`InputError`, exit code 2) naming the first error and
        the count. What a workflow (plan, stress test) uses. Otherwise problems are kept in
        ``network.read_problems`` and every problem is reported by :meth:`Network.validate`.
    dataset : str, optional
        Nuclear dataset to use instead of the network's ``nuclear_dataset`` (``--dataset``);
        nuclides are read and checked in it.

    Raises
    ------
    InputError
        The path is empty, does not exist, or is neither a network folder nor a ``.json``
        file (and, with ``strict``, the network has errors).
    DataError
        ``dataset`` is not a known nuclear dataset.
    """
    folder = _network_path(path)
    if folder.is_file():
        return read_json(folder, strict=strict, dataset=dataset)
    if not _present(folder / META_FILE) and not any(
        _present(folder / s.file) for s in schemas().values()
    ):
        raise InputError(
            f"{elide(str(path))}: not a network folder (no {META_FILE} and no table files; "
            f"{_FOLDER_HINT})"
        )
    meta, meta_text, problems = read_meta_file(folder)
    network, meta_problems = network_from_meta(
        meta, default_name=folder.resolve().name or "network", require_timezone=not problems
    )
    problems += meta_problems
    network.meta_text = meta_text
    network.meta_as_read = network.meta()
    network.origin = Path(path)
    use_dataset(network, dataset)
    for table, schema in schemas().items():
        file = folder / schema.file
        if not _present(file):
            continue
        raw, record_lines, read_problems = read_table_csv(file)  # a folder, FIFO... too
        problems += read_problems
        frame, lines, table_problems = parse_table(
            schema, raw, network.dataset, line_numbers=record_lines
        )
        network.set_table(table, frame)
        network.places[table] = Place(schema.file, None, lines)
        network.keep_cells(table, keyed_cells(schema, raw), frame)
        problems += table_problems
    for extra in sorted(folder.glob("*.csv")):
        if extra.stem not in schemas():
            problems.append(
                Problem(
                    "warning",
                    elide(extra.name),
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
    """Write ``network.yaml`` and one CSV per non-empty table into ``path`` (created).

    Every cell keeps the text it was read with while its value is unchanged (``6.8 GBq``
    stays ``6.8 GBq``; a blank stays blank), in the columns and column order of the user's
    files; ``network.yaml`` is written back as read while the metadata is unchanged. New rows
    and changed values are written in the column's unit with full precision, so reading the
    folder again gives the same network.
    """
    import yaml

    folder = Path(path)
    if network.meta_text is not None and network.meta() == network.meta_as_read:
        meta_text = network.meta_text
    else:
        meta_text = yaml.dump(
            network.meta(), Dumper=_exact_dumper(), sort_keys=False, allow_unicode=True
        )
    texts = {
        schemas()[table].file: "".join(
            [_csv_line(out.columns)]
            + [_csv_line(row) for row in out.itertuples(index=False, name=None)]
        )
        for table, out in ((t, table_text(network, t)) for t, f in network.tables.items() if len(f))
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / META_FILE).write_text(meta_text, encoding="utf-8", newline="")
        for schema in schemas().values():
            file = folder / schema.file
            if schema.file in texts:
                file.write_text(texts[schema.file], encoding="utf-8", newline="")
            elif file.exists():
                file.unlink()
    except OSError as err:
        raise InputError(f"cannot write {elide(str(folder))} ({err.strerror or err})") from None
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


def write_extended(base: str | Path, network: Network, path: str | Path) -> Path:
    """Write ``network`` — ``base``'s network with rows added — keeping every file and cell of
    ``base`` as the user wrote it: the folder is copied, and only the added rows (and any column
    they need) are written, with the text they were given (see :func:`write_network`).

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
        new = table_text(network, table)[frame.index.isin(added)]  # as given to add()
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
