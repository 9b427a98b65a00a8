"""The files users give and the folders radiochain writes: read safely, fail in one line.

Every reader here turns what can go wrong with a user's file into one :class:`InputError`
line that names the file (and line, column where there is one) and says what would be right:
a missing file, a folder where a file was expected, bytes that are not UTF-8, YAML or JSON
syntax, a YAML document whose aliases expand to more values than any radiochain input has
(the "billion laughs" attack would otherwise take minutes and gigabytes), a file larger than
:data:`MAX_FILE_BYTES`. :func:`output_folder` checks a folder can be written *before* a long
computation, so that a bad ``--out`` never costs a solve.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from radiochain.errors import InputError, elide, elide_path

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_YAML_VALUES",
    "decode_utf8",
    "load_json",
    "load_yaml",
    "output_folder",
    "parse_json",
    "parse_yaml",
    "read_text",
    "to_jsonable",
    "write_json",
]

MAX_FILE_BYTES = 512 * 2**20
"""Largest input file radiochain reads [bytes] (512 MiB: a national network as JSON is ~50 MB)."""

MAX_YAML_VALUES = 100_000
"""Most values (scalars, lists, mappings) a YAML file may expand to, aliases included."""


def _existing_file(path: Path, what: str) -> Path:
    if str(path).strip() == "":
        raise InputError(f"{what}: empty path (give a file)")
    shown = elide_path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        broken = path.is_symlink()
        raise InputError(
            f"{what} {shown}: " + ("is a broken symbolic link" if broken else "file does not exist")
        ) from None
    except OSError as err:  # a symbolic-link loop, a name too long, no permission...
        raise InputError(f"{what} {shown}: cannot read ({err.strerror or err})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{what} {shown}: is a folder (give a file)")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{what} {shown}: is not a regular file (a device, pipe or socket; give a file)"
        )
    size = info.st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{what} {elide_path(path)}: {size / 2**20:.0f} MiB is more than the "
            f"{MAX_FILE_BYTES / 2**20:.0f} MiB radiochain reads (split or trim the file)"
        )
    return path


def read_text(path: str | Path, *, what: str = "file") -> str:
    """The text of a UTF-8 file (a byte-order mark is accepted and dropped).

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for messages (``"scenario file"``).

    Raises
    ------
    InputError
        Missing, a folder, too large, unreadable, or not UTF-8 (the message gives the byte and
        its position, and says to save the file as UTF-8).
    """
    file = _existing_file(Path(path), what)
    try:
        data = file.read_bytes()
    except OSError as err:
        raise InputError(f"{what} {elide_path(file)}: cannot read ({err.strerror})") from None
    return decode_utf8(data, where=elide_path(file))


def decode_utf8(data: bytes, *, where: str) -> str:
    """UTF-8 bytes as text (a byte-order mark dropped).

    Raises
    ------
    InputError
        A byte that is not UTF-8, with its line.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            f"{where}: line {line}: byte 0x{data[err.start]:02x} is not UTF-8 text "
            "(save the file as UTF-8)"
        ) from None


def _count_values(node: Any, sizes: dict[int, int], limit: int) -> int:
    """Values a composed YAML node expands to; shared (aliased) nodes are counted once per
    use, but computed once (memoized by identity), so the count itself stays cheap."""
    import yaml

    key = id(node)
    if key in sizes:
        return sizes[key]
    sizes[key] = limit + 1  # a node that contains itself expands without end
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _count_values(child, sizes, limit)
            if total > limit:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _count_values(k, sizes, limit) + _count_values(v, sizes, limit)
            if total > limit:
                break
    sizes[key] = total
    return total


def _check_unique_keys(node: Any, where: str, seen: set[int]) -> None:
    """A key given twice in one mapping is an error (YAML would keep the last silently)."""
    import yaml

    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                line = key.start_mark.line + 1
                if key.value in keys:
                    raise InputError(
                        f"{where}: line {line}: key {elide(key.value, 40)!r} is given twice "
                        f"(first on line {keys[key.value]}; keep one)"
                    )
                keys[key.value] = line
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    else:
        return
    for child in children:
        _check_unique_keys(child, where, seen)


def _yaml_error(where: str, err: Exception) -> InputError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    at = f": line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return InputError(
        f"{where}{at}: not valid YAML ({elide(str(problem), 80)}; check indentation, colons "
        "and quotes)"
    )


def parse_yaml(text: str, *, where: str = "YAML") -> Any:
    """Parse YAML text safely: plain data types only, aliases bounded.

    Parameters
    ----------
    text : str
    where : str
        Name of the source (the file) for messages.

    Raises
    ------
    InputError
        Syntax errors (one line with line and column), several documents in one file, or a
        document that expands to more than :data:`MAX_YAML_VALUES` values.
    """
    import yaml

    try:
        loader = yaml.SafeLoader(text)  # refuses control characters at once (ReaderError)
    except yaml.YAMLError as err:
        raise _yaml_error(where, err) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _count_values(node, {}, MAX_YAML_VALUES) > MAX_YAML_VALUES:
            raise InputError(
                f"{where}: expands to more than {MAX_YAML_VALUES:,} values (YAML anchors and "
                "aliases); write the values out or split the file"
            )
        _check_unique_keys(node, where, set())
        return loader.construct_document(node)
    except InputError:
        raise
    except yaml.YAMLError as err:
        raise _yaml_error(where, err) from None
    except RecursionError:
        raise InputError(f"{where}: nested too deeply (YAML)") from None
    except (ValueError, OverflowError) as err:  # a typed value that cannot be built
        raise InputError(
            f"{where}: a value cannot be read ({elide(str(err), 60)}): a date or time that "
            "does not exist, e.g. 2026-02-30? (write an existing one, YYYY-MM-DD)"
        ) from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path, *, what: str = "file") -> Any:
    """Read a YAML file with :func:`read_text` and :func:`parse_yaml`."""
    return parse_yaml(read_text(path, what=what), where=elide_path(path))


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"key {elide(key, 40)!r} is given twice in one object (keep one)")
        found[key] = value
    return found


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows (write a finite number)")


def load_json(path: str | Path, *, what: str = "file") -> Any:
    """Read a JSON file; ``NaN`` and ``Infinity`` are refused like any other syntax error.

    Raises
    ------
    InputError
        As :func:`read_text`, or a syntax error with its line and column.
    """
    return parse_json(read_text(path, what=what), where=elide_path(path))


def parse_json(text: str | bytes, *, where: str = "JSON") -> Any:
    """Parse JSON text (or UTF-8 bytes): ``NaN``, ``Infinity`` and a key given twice in one
    object are refused like any other syntax error.

    Raises
    ------
    InputError
        Not UTF-8, a syntax error (with its line and column), or nested too deeply.
    """
    if isinstance(text, bytes):
        text = decode_utf8(text, where=where)
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{where}: line {err.lineno}, column {err.colno}: not valid JSON ({err.msg})"
        ) from None
    except ValueError as err:  # the refused constants
        raise InputError(f"{where}: not valid JSON ({err})") from None
    except RecursionError:
        raise InputError(f"{where}: nested too deeply (JSON)") from None


def output_folder(path: str | Path, *, what: str = "--out", empty: bool = False) -> Path:
    """Create ``path`` as a folder and make sure files can be written in it.

    Call it before a long computation, so that a bad output path fails at once.

    Parameters
    ----------
    path : str or Path
    what : str
        The option or argument that named the folder, for messages.
    empty : bool
        Also require the folder to be new or empty (for outputs that must not mix with, or
        overwrite, what is there).

    Raises
    ------
    InputError
        The path is a file, cannot be created, is not writable, or (``empty``) holds files.
    """
    folder = Path(path)
    shown = elide_path(folder)
    if str(path).strip() == "":
        raise InputError(f"{what}: empty path (give a folder)")
    if folder.is_symlink() and not folder.exists():
        raise InputError(f"{what} {shown}: is a broken symbolic link (give a folder)")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{what} {shown}: is a file (give a folder)")
    if empty and folder.is_dir() and any(folder.iterdir()):
        raise InputError(f"{what} {shown}: is not empty (give a new or empty folder)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".radiochain-", delete=True):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(f"{what} {shown}: cannot write there ({reason})") from None
    if not os.access(folder, os.W_OK):
        raise InputError(f"{what} {shown}: cannot write there (permission denied)")
    return folder


def to_jsonable(value: Any) -> Any:
    """``value`` with everything JSON cannot hold made plain: NumPy scalars and arrays become
    numbers and lists, non-finite floats become ``None``, paths and dates become text."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, str | bool | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return to_jsonable(value.tolist())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def write_json(path: str | Path, payload: Any) -> Path:
    """Write ``payload`` (made JSON-safe by :func:`to_jsonable`) as indented UTF-8 JSON."""
    target = Path(path)
    text = json.dumps(to_jsonable(payload), indent=2, ensure_ascii=False, allow_nan=False)
    target.write_text(text + "\n", encoding="utf-8")
    return target
