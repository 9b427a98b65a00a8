"""Fuzzing the network readers: whatever a user's files hold, reading gives a Network (its
problems listed by validate, every one a single line) or an InputError — never another
exception — and what was read can be written back."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radiochain.errors import InputError
from radiochain.network import Network, read_network, write_json, write_network
from radiochain.network.examples import bundled_examples

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TINY = bundled_examples()["tiny"]
TABLES = sorted(p.name for p in TINY.glob("*.csv"))


def _tiny_json() -> str:
    with tempfile.TemporaryDirectory() as folder:
        return write_json(read_network(TINY), Path(folder) / "tiny.json").read_text(
            encoding="utf-8"
        )


TINY_JSON = _tiny_json()


def _folder(tmp_path: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="net-", dir=tmp_path))
    for file in TINY.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    return folder


def _check(path: Path, tmp_path: Path) -> None:
    """Read, validate and write back; only InputError may stop it."""
    try:
        network = read_network(path)
    except InputError as err:
        message = str(err)
    else:
        message = ""
    if message:
        assert "\n" not in message, message
        assert len(message) <= 300, message
        return
    assert isinstance(network, Network)
    for problem in network.validate():
        text = str(problem)
        assert "\n" not in text, repr(text)
        assert "\r" not in text, repr(text)
    out = Path(tempfile.mkdtemp(prefix="out-", dir=tmp_path))
    write_network(network, out)
    write_json(network, out / "n.json")


@SETTINGS
@given(
    table=st.sampled_from(TABLES),
    row=st.integers(0, 3),
    column=st.integers(0, 8),
    cell=st.binary(max_size=40),
)
def test_any_bytes_in_a_csv_cell(
    tmp_path: Path, table: str, row: int, column: int, cell: bytes
) -> None:
    folder = _folder(tmp_path)
    lines = (folder / table).read_bytes().split(b"\n")
    cells = lines[min(row, len(lines) - 2)].split(b",")
    cells[min(column, len(cells) - 1)] = cell
    lines[min(row, len(lines) - 2)] = b",".join(cells)
    (folder / table).write_bytes(b"\n".join(lines))
    _check(folder, tmp_path)


@SETTINGS
@given(text=st.text(max_size=60), table=st.sampled_from(TABLES))
def test_any_text_as_a_whole_table(tmp_path: Path, text: str, table: str) -> None:
    folder = _folder(tmp_path)
    (folder / table).write_text(text, encoding="utf-8", errors="surrogatepass")
    _check(folder, tmp_path)


@SETTINGS
@given(data=st.binary(max_size=200))
def test_any_bytes_as_network_yaml(tmp_path: Path, data: bytes) -> None:
    folder = _folder(tmp_path)
    (folder / "network.yaml").write_bytes(data)
    _check(folder, tmp_path)


yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=10),
        st.dates().map(lambda d: d.isoformat()),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@SETTINGS
@given(
    meta=st.dictionaries(
        st.sampled_from(["name", "description", "timezone", "nuclear_dataset", "start_date", "x"]),
        yaml_values,
    )
)
def test_any_yaml_values_in_network_yaml(tmp_path: Path, meta: dict[str, Any]) -> None:
    import yaml

    folder = _folder(tmp_path)
    (folder / "network.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    _check(folder, tmp_path)


json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@SETTINGS
@given(document=json_values)
def test_any_json_document(tmp_path: Path, document: Any) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _check(path, tmp_path)


@SETTINGS
@given(
    where=st.sampled_from(["network", "tables", "table", "row", "cell", "name"]),
    value=json_values,
    table=st.sampled_from(["sites", "products", "lanes", "demand", "processes"]),
)
def test_any_json_value_anywhere_in_a_network(
    tmp_path: Path, where: str, value: Any, table: str
) -> None:
    payload: dict[str, Any] = json.loads(TINY_JSON)
    first = payload["tables"][table][0]
    if where in ("network", "tables"):
        payload[where] = value
    elif where == "table":
        payload["tables"][table] = value
    elif where == "row":
        payload["tables"][table][0] = value
    elif where == "cell":
        first[sorted(first)[len(repr(value)) % len(first)]] = value
    else:
        first[next(iter(first))] = value
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "net.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    _check(path, tmp_path)


@SETTINGS
@given(data=st.binary(max_size=200))
def test_any_bytes_as_a_json_file(tmp_path: Path, data: bytes) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "b.json"
    path.write_bytes(data)
    _check(path, tmp_path)
