"""Networks as immutable, content-hashed versions; producers' outages and capacity as new
versions."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from radiochain.network import read_network
from radiochain.network.examples import bundled_examples
from radiochain.network.jsonio import parse_json_network
from radiochain.service.models import AuditEntry, NetworkVersion
from radiochain.service.services import networks
from radiochain.service.services.networks import export_bytes
from tests.service.conftest import headers_for
from tests.service.world import API, changed, network_bytes, post_network

Users = Callable[..., str]


@pytest.fixture
def admin(client: TestClient, make_user: Users) -> dict[str, str]:
    make_user("root", "admin")
    return headers_for(client, "root")


def _count(app: Any, model: Any) -> int:
    with app.state.db.session(readonly=True) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.mark.parametrize("example", sorted(bundled_examples()))
def test_export_of_import_is_byte_identical(
    client: TestClient, admin: dict[str, str], example: str
) -> None:
    """export(import(x)) == x for each bundled example as write_json writes it; importing
    the same bytes again gives the same version."""
    payload = export_bytes(read_network(bundled_examples()[example]))
    first = post_network(client, admin, payload, note="bundled example")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["version"], body["created"], body["bytes"]) == (1, True, len(payload))
    assert body["content_hash"] == hashlib.sha256(payload).hexdigest()
    for which in ("1", "latest"):
        reply = client.get(f"{API}/networks/{example}/versions/{which}", headers=admin)
        assert reply.status_code == 200
        assert reply.content == payload
        assert reply.headers["etag"] == f'"{body["content_hash"]}"'
    again = post_network(client, admin, payload)
    assert again.status_code == 200
    assert (again.json()["version"], again.json()["created"]) == (1, False)
    listing = client.get(f"{API}/networks", headers=admin).json()
    assert [(v["name"], v["version"]) for v in listing] == [(example, 1)]
    # the stored document is a fixed point of the library: read and written again, the same
    assert export_bytes(parse_json_network(payload, where="x.json")) == payload


def test_a_cli_written_folder_imports_and_exports_byte_identical(
    app: Any, client: TestClient, admin: dict[str, str], tmp_path: Path
) -> None:
    """A folder written by the command line (``radiochain example synthetic``), imported by
    the service's folder import, exports as write_json writes that folder."""
    folder = tmp_path / "synthetic"
    subprocess.run(
        [str(Path(sys.executable).parent / "radiochain"), "example", "synthetic", str(folder),
         "--hospitals", "6", "--seed", "3"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with app.state.db.session() as session:
        stored = networks.import_folder(session, folder, actor="root", note="from a folder")
        name, version = stored.version.name, stored.version.version
    reply = client.get(f"{API}/networks/{name}/versions/{version}", headers=admin)
    assert reply.status_code == 200
    assert reply.content == export_bytes(read_network(folder))


def test_a_change_is_the_next_version_and_old_versions_stay(
    client: TestClient, admin: dict[str, str]
) -> None:
    original = network_bytes()
    assert post_network(client, admin, original).status_code == 201

    def rename_site(doc: dict[str, Any]) -> None:
        doc["tables"]["sites"][0]["name"] = "Reactor (renamed)"

    second = changed(original, rename_site)
    reply = post_network(client, admin, second, note="renamed the reactor")
    assert (reply.status_code, reply.json()["version"], reply.json()["note"]) == (
        201, 2, "renamed the reactor",
    )  # fmt: skip
    assert client.get(f"{API}/networks/tiny/versions/1", headers=admin).content == original
    assert client.get(f"{API}/networks/tiny/versions/latest", headers=admin).content == second
    # the first bytes again: the version that has them, not a third one
    assert post_network(client, admin, original).json()["version"] == 1
    versions = client.get(f"{API}/networks", headers=admin, params={"name": "tiny"}).json()
    assert [v["version"] for v in versions] == [1, 2]


def test_a_network_with_errors_is_refused_and_never_stored(
    app: Any, client: TestClient, admin: dict[str, str]
) -> None:
    def bad_dose(doc: dict[str, Any]) -> None:
        doc["tables"]["products"][0]["dose_activity_bq"] = "-7.4 GBq"

    entries = _count(app, AuditEntry)
    reply = post_network(client, admin, changed(network_bytes(), bad_dose))
    assert reply.status_code == 400
    detail = reply.json()["detail"]
    assert "tables.products[0].dose_activity_bq" in detail
    assert "\n" not in detail
    assert _count(app, NetworkVersion) == 0
    assert _count(app, AuditEntry) == entries


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"", "not valid JSON"),
        (b"{", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "not a list"),
        (b'"text"', "not text"),
        (b'{"a": 1}', "neither 'network' nor 'tables'"),
        (b'{"tables": {"sites": NaN}}', "NaN"),
        (b'{"tables": {}, "tables": {}}', "given twice"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"network": {"name": "a b", "timezone": "UTC"}, "tables": {}}', "cannot name a"),
        (b'{"network": {"name": "../etc", "timezone": "UTC"}, "tables": {}}', "cannot name"),
        (b'{"tables": {"sites": [{"site": ["x"]}]}}', "error"),
        (b'{"network": {"timezone": "UTC"}, "tables": {"sites": "x"}}', "a list of rows"),
        (b'{"network": 5, "tables": {}}', "error"),
    ],
)
def test_malformed_documents_are_one_line_400(
    app: Any, client: TestClient, admin: dict[str, str], payload: bytes, words: str
) -> None:
    reply = post_network(client, admin, payload)
    assert reply.status_code == 400, reply.text
    assert words in reply.json()["detail"]
    assert "\n" not in reply.json()["detail"]
    assert _count(app, NetworkVersion) == 0


def test_a_note_must_be_one_line(client: TestClient, admin: dict[str, str]) -> None:
    assert post_network(client, admin, network_bytes(), note="a\nb").status_code == 400
    assert post_network(client, admin, network_bytes(), note="x" * 501).status_code == 422
    injected = "<script>alert(1)</script>'; DROP TABLE network_versions; --"
    reply = post_network(client, admin, network_bytes(), note=injected)
    assert reply.status_code == 201
    assert client.get(f"{API}/networks", headers=admin).json()[0]["note"] == injected


@pytest.mark.parametrize("role", ["regulator", "producer", "radiopharmacy", "hospital"])
def test_only_admins_import(client: TestClient, make_user: Users, role: str) -> None:
    make_user("someone", role, "tiny", "hospital-a")
    reply = post_network(client, headers_for(client, "someone"), network_bytes())
    assert reply.status_code == 403


def test_scoped_users_see_their_network_only(
    client: TestClient, admin: dict[str, str], make_user: Users
) -> None:
    for name in ("tiny", "other"):
        assert post_network(client, admin, network_bytes(name)).status_code == 201
    make_user("nurse", "hospital", "tiny", "hospital-a")
    make_user("inspector", "regulator")
    nurse, inspector = headers_for(client, "nurse"), headers_for(client, "inspector")
    assert [v["name"] for v in client.get(f"{API}/networks", headers=nurse).json()] == ["tiny"]
    assert client.get(f"{API}/networks", headers=nurse, params={"name": "other"}).json() == []
    names = [v["name"] for v in client.get(f"{API}/networks", headers=inspector).json()]
    assert names == ["other", "tiny"]
    assert client.get(f"{API}/networks/tiny/versions/1", headers=nurse).status_code == 200
    for path in ("other/versions/1", "other/versions/latest", "nowhere/versions/latest"):
        assert client.get(f"{API}/networks/{path}", headers=nurse).status_code == 404
    assert client.get(f"{API}/networks/other/versions/1", headers=inspector).status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("tiny/versions/2", 404),
        ("tiny/versions/0", 422),
        ("tiny/versions/99999999999999999999", 422),
        ("tiny/versions/one", 422),
        ("nowhere/versions/latest", 404),
        ("a%00b/versions/latest", 404),
        ("%3Cscript%3E/versions/1", 404),
    ],
)
def test_unknown_versions_are_404_or_422(
    client: TestClient, admin: dict[str, str], path: str, status: int
) -> None:
    post_network(client, admin, network_bytes())
    reply = client.get(f"{API}/networks/{path}", headers=admin)
    assert reply.status_code == status
    assert reply.json()["detail"]


# --- outages -----------------------------------------------------------------------------------
OUTAGE = {"producer": "reactor-lu177", "start": "2026-01-07", "end": "2026-01-08", "note": "valve"}


@pytest.fixture
def tiny(client: TestClient, admin: dict[str, str], make_user: Users) -> TestClient:
    assert post_network(client, admin, network_bytes()).status_code == 201
    assert post_network(client, admin, network_bytes("other")).status_code == 201
    make_user("operator", "producer", "tiny", "reactor")
    return client


def test_a_producer_declares_an_outage_as_a_new_version(app: Any, tiny: TestClient) -> None:
    operator = headers_for(tiny, "operator")
    reply = tiny.post(f"{API}/networks/tiny/outages", headers=operator, json=OUTAGE)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert (body["previous_version"], body["version"]["version"]) == (1, 2)
    document = tiny.get(f"{API}/networks/tiny/versions/2", headers=operator).content
    rows = json.loads(document)["tables"]["shutdowns"]
    assert [(r["shutdown"], r["producer"], r["start"], r["end"], r["reason"]) for r in rows] == [
        (body["shutdown"], "reactor-lu177", "2026-01-07", "2026-01-08", "valve")
    ]
    assert networks.validated(document).shutdowns.shape[0] == 1
    with app.state.db.session(readonly=True) as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "network.outage")
        ).scalar_one()
    assert entry.actor == "operator"
    assert entry.before == {"name": "tiny", "version": 1}
    assert (entry.after["version"], entry.after["producer"]) == (2, "reactor-lu177")
    # the same outage again: the version that has it
    again = tiny.post(f"{API}/networks/tiny/outages", headers=operator, json=OUTAGE)
    assert (again.status_code, again.json()["version"]["version"]) == (200, 2)
    assert len(tiny.get(f"{API}/networks", headers=operator).json()) == 2


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"producer": "cyclotron-lu177"}, 403, "not at yours"),
        ({"producer": "reactor-lu178"}, 400, "did you mean 'reactor-lu177'"),
        ({"end": "2026-01-06"}, 400, "before start"),
        ({"start": "2026-02-30"}, 400, "not a day of the calendar"),
        ({"start": "07/01/2026"}, 400, "YYYY-MM-DD"),
        ({"note": "two\nlines"}, 400, "control characters"),
        ({"note": "x" * 501}, 422, "note"),
        ({"producer": "a\x00b"}, 400, "producer"),
        ({"start": 20260107}, 422, "start"),
        ({"extra": 1}, 422, "extra"),
    ],
)
def test_outages_refused(tiny: TestClient, change: dict[str, Any], status: int, words: str) -> None:
    reply = tiny.post(
        f"{API}/networks/tiny/outages", headers=headers_for(tiny, "operator"),
        json={**OUTAGE, **change},
    )  # fmt: skip
    assert reply.status_code == status, reply.text
    assert words in reply.json()["detail"]


def test_outages_by_role(tiny: TestClient, make_user: Users) -> None:
    make_user("far", "producer", "other", "reactor")
    make_user("nurse", "hospital", "tiny", "hospital-a")
    make_user("inspector", "regulator")
    make_user("pharmacist", "radiopharmacy", "tiny", "pharmacy")
    for user, status in [("nurse", 403), ("inspector", 403), ("pharmacist", 403), ("far", 404)]:
        reply = tiny.post(
            f"{API}/networks/tiny/outages", headers=headers_for(tiny, user), json=OUTAGE
        )
        assert reply.status_code == status, (user, reply.text)
    root = headers_for(tiny, "root")
    neighbour = {**OUTAGE, "producer": "cyclotron-lu177"}
    assert (
        tiny.post(f"{API}/networks/tiny/outages", headers=root, json=neighbour).status_code == 201
    )
    assert tiny.post(f"{API}/networks/none/outages", headers=root, json=OUTAGE).status_code == 404


def test_hostile_text_in_network_routes_is_a_one_line_4xx(tiny: TestClient) -> None:
    from urllib.parse import quote

    from tests.service.test_orders import HOSTILE

    root = headers_for(tiny, "root")
    for value in HOSTILE:
        replies = [
            tiny.get(f"{API}/networks", headers=root, params={"name": value}),
            tiny.get(f"{API}/networks/{quote(value, safe='')}/versions/latest", headers=root),
            post_network(tiny, root, value.encode()),
            post_network(tiny, root, network_bytes(), note=value),
        ]
        for field in ("producer", "start", "end", "note"):
            body = {**OUTAGE, field: value}
            replies.append(tiny.post(f"{API}/networks/tiny/outages", headers=root, json=body))
        for reply in replies:
            assert reply.status_code < 500, (value, reply.request.url, reply.text)
            if reply.status_code >= 400:
                assert "\n" not in reply.json()["detail"]
    # a note is text, stored as given (the same outage declared again adds no row)
    newest = tiny.get(f"{API}/networks/tiny/versions/latest", headers=root).content
    reasons = [r["reason"] for r in json.loads(newest)["tables"]["shutdowns"]]
    assert reasons == [HOSTILE[0]]


# --- capacity ----------------------------------------------------------------------------------
CAPACITY = f"{API}/networks/tiny/producers/reactor-lu177/capacity"
DECLARED = {
    "capacity_per_delivery": "100 GBq",
    "capacity_per_week": "150 GBq",
    "output_days": "Mon,Wed,Fri",
    "output_time": "07:30",
    "note": "second target installed",
}
COLUMNS = {
    "capacity_per_delivery": "capacity_per_delivery_bq",
    "capacity_per_week": "capacity_per_week_bq",
    "output_days": "output_days",
    "output_time": "output_time",
    "note": "note",
}


def _with_row(payload: bytes, producer: str, cells: dict[str, Any]) -> bytes:
    """``payload`` with the producers row of ``producer`` holding ``cells`` (JSON values)."""

    def change(document: dict[str, Any]) -> None:
        for row in document["tables"]["producers"]:
            if row["producer"] == producer:
                row.update(cells)

    return changed(payload, change)


def test_a_producer_declares_capacity_as_a_new_version(app: Any, tiny: TestClient) -> None:
    """The new version holds the declared text in the producer's row and is otherwise the
    previous version byte for byte; the change is audited; the same declaration again (in
    other units too) gives that version."""
    operator = headers_for(tiny, "operator")
    reply = tiny.put(CAPACITY, headers=operator, json=DECLARED)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert (body["previous_version"], body["version"]["version"], body["version"]["created"]) == (
        1, 2, True,
    )  # fmt: skip
    assert body["capacity_per_delivery_bq"] == pytest.approx(100e9)
    assert body["capacity_per_week_bq"] == pytest.approx(150e9)
    assert {k: body[k] for k in DECLARED} == DECLARED
    document = tiny.get(f"{API}/networks/tiny/versions/2", headers=operator).content
    expected = _with_row(
        network_bytes(), "reactor-lu177", {COLUMNS[k]: v for k, v in DECLARED.items()}
    )
    assert document == expected
    network = networks.validated(document)
    row = network.producers.loc["reactor-lu177"]
    assert (row["capacity_per_delivery_bq"], row["capacity_per_week_bq"]) == (100e9, 150e9)
    assert (row["output_days"], row["output_time"]) == ("Mon,Wed,Fri", "07:30")
    assert body["version"]["content_hash"] == hashlib.sha256(document).hexdigest()
    # audited in the same transaction: who, the changed fields before and after
    with app.state.db.session(readonly=True) as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "network.capacity")
        ).scalar_one()
    assert (entry.actor, entry.entity_id) == ("operator", "tiny/2")
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["declared"] == {
        "capacity_per_delivery": "80 GBq", "capacity_per_delivery_bq": 80e9,
        "capacity_per_week": None, "capacity_per_week_bq": None, "output_days": "Mon,Thu",
        "output_time": "06:00", "note": "",
    }  # fmt: skip
    assert entry.after["declared"]["capacity_per_delivery"] == "100 GBq"
    assert (entry.before["version"], entry.after["version"]) == (1, 2)
    root = headers_for(tiny, "root")
    assert tiny.get(f"{API}/audit/verify", headers=root).json()["ok"] is True
    # the same declaration again, or the same values written otherwise: that version
    same = {**DECLARED, "capacity_per_delivery": "100000 MBq", "output_days": "mon, wed, fri"}
    for again in (DECLARED, same, {"capacity_per_delivery": "0.1 TBq"}):
        reply = tiny.put(CAPACITY, headers=operator, json=again)
        assert reply.status_code == 200, reply.text
        assert (reply.json()["version"]["version"], reply.json()["version"]["created"]) == (
            2, False,
        )  # fmt: skip
    assert len(tiny.get(f"{API}/networks", headers=operator).json()) == 2


def test_fields_left_out_stay_and_null_clears(tiny: TestClient) -> None:
    operator = headers_for(tiny, "operator")
    assert tiny.put(CAPACITY, headers=operator, json=DECLARED).status_code == 201
    reply = tiny.put(
        CAPACITY, headers=operator,
        json={"capacity_per_delivery": "90 GBq", "capacity_per_week": None, "note": ""},
    )  # fmt: skip
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert (body["capacity_per_week"], body["capacity_per_week_bq"], body["note"]) == (
        None,
        None,
        "",
    )
    assert (body["output_days"], body["output_time"]) == ("Mon,Wed,Fri", "07:30")
    document = tiny.get(f"{API}/networks/tiny/versions/3", headers=operator).content
    row = next(
        r for r in json.loads(document)["tables"]["producers"] if r["producer"] == "reactor-lu177"
    )
    assert (row["capacity_per_delivery_bq"], row["capacity_per_week_bq"], row["note"]) == (
        "90 GBq", None, None,
    )  # fmt: skip


def test_going_back_to_an_older_versions_content_needs_a_note(tiny: TestClient) -> None:
    """80 GBq -> 100 GBq -> 80 GBq would store version 1's bytes again, which a version
    store holds once: refused (409) with the way out, a note saying why."""
    operator = headers_for(tiny, "operator")
    assert (
        tiny.put(CAPACITY, headers=operator, json={"capacity_per_delivery": "100 GBq"}).status_code
        == 201
    )
    back = tiny.put(CAPACITY, headers=operator, json={"capacity_per_delivery": "80 GBq"})
    assert back.status_code == 409
    assert "version 1" in back.json()["detail"]
    assert "note" in back.json()["detail"]
    noted = {"capacity_per_delivery": "80 GBq", "note": "back to one target"}
    reply = tiny.put(CAPACITY, headers=operator, json=noted)
    assert (reply.status_code, reply.json()["version"]["version"]) == (201, 3)


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"capacity_per_delivery": "100"}, 400, "no unit"),
        ({"capacity_per_delivery": "100 GBqq"}, 400, "unknown unit"),
        ({"capacity_per_delivery": "100 kg"}, 400, "capacity_per_delivery"),
        ({"capacity_per_delivery": "-1 GBq"}, 400, "negative"),
        ({"capacity_per_delivery": "20 PBq"}, 400, "out of range (give 0 to 10 PBq)"),
        ({"capacity_per_delivery": "nan GBq"}, 400, "capacity_per_delivery"),
        ({"capacity_per_delivery": " "}, 422, "capacity_per_delivery"),
        ({"capacity_per_week": "1 Bq"}, 400, "capacity_per_week_bq"),  # the library's check
        ({"output_days": "Funday"}, 400, "output_days: 'Funday' cannot be read"),
        ({"output_time": "25:00"}, 400, "output_time: '25:00' cannot be read"),
        ({"note": "two\nlines"}, 400, "control characters"),
        ({"note": "x" * 501}, 422, "note"),
        ({"capacity_per_delivery": 100e9}, 422, "capacity_per_delivery"),
        ({"capacity_per_delivery": None}, 422, "capacity_per_delivery"),
        ({"lead_time_h": 2}, 422, "lead_time_h"),
    ],
)
def test_capacity_refused(
    tiny: TestClient, change: dict[str, Any], status: int, words: str
) -> None:
    operator = headers_for(tiny, "operator")
    reply = tiny.put(CAPACITY, headers=operator, json={**DECLARED, **change})
    assert reply.status_code == status, reply.text
    detail = reply.json()["detail"]
    assert words in detail
    assert "\n" not in detail
    assert len(tiny.get(f"{API}/networks", headers=operator).json()) == 1


@pytest.mark.parametrize(
    ("producer", "status", "words"),
    [
        ("reactor-lu178", 404, "did you mean 'reactor-lu177'"),
        ("cyclotron-lu177", 403, "not at yours"),
        ("a\x01b", 400, "control characters"),
    ],
)
def test_capacity_of_an_unknown_or_another_sites_producer(
    tiny: TestClient, producer: str, status: int, words: str
) -> None:
    from urllib.parse import quote

    reply = tiny.put(
        f"{API}/networks/tiny/producers/{quote(producer, safe='')}/capacity",
        headers=headers_for(tiny, "operator"), json=DECLARED,
    )  # fmt: skip
    assert reply.status_code == status, reply.text
    assert words in reply.json()["detail"]


def test_capacity_by_role(tiny: TestClient, make_user: Users) -> None:
    make_user("far", "producer", "other", "reactor")
    make_user("nurse", "hospital", "tiny", "hospital-a")
    make_user("inspector", "regulator")
    make_user("pharmacist", "radiopharmacy", "tiny", "pharmacy")
    for user, status in [("nurse", 403), ("inspector", 403), ("pharmacist", 403), ("far", 404)]:
        reply = tiny.put(CAPACITY, headers=headers_for(tiny, user), json=DECLARED)
        assert reply.status_code == status, (user, reply.text)
    root = headers_for(tiny, "root")
    neighbour = f"{API}/networks/tiny/producers/cyclotron-lu177/capacity"
    assert tiny.put(neighbour, headers=root, json=DECLARED).status_code == 201
    nowhere = f"{API}/networks/none/producers/reactor-lu177/capacity"
    assert tiny.put(nowhere, headers=root, json=DECLARED).status_code == 404
    assert len(tiny.get(f"{API}/networks", headers=root, params={"name": "tiny"}).json()) == 2


def test_hostile_text_in_capacity_fields_is_a_one_line_4xx(tiny: TestClient) -> None:
    from urllib.parse import quote

    from tests.service.test_orders import HOSTILE

    root = headers_for(tiny, "root")
    for value in HOSTILE:
        replies = [
            tiny.put(
                f"{API}/networks/tiny/producers/{quote(value, safe='')}/capacity",
                headers=root, json=DECLARED,
            )
        ]  # fmt: skip
        for field in DECLARED:
            replies.append(tiny.put(CAPACITY, headers=root, json={**DECLARED, field: value}))
        for reply in replies:
            assert reply.status_code < 500, (value, reply.request.url, reply.text)
            if reply.status_code >= 400:
                assert "\n" not in reply.json()["detail"]


def test_a_capacity_written_as_a_plain_number_of_bq(tiny: TestClient) -> None:
    """A network may hold a capacity as a plain number of Bq (as code writes it): the same
    value declared with a unit is no change, and other fields can be declared beside it."""
    root = headers_for(tiny, "root")
    plain = _with_row(
        network_bytes(), "reactor-lu177", {"capacity_per_delivery_bq": 2134615384615.3845}
    )
    assert post_network(tiny, root, plain).status_code == 201
    operator = headers_for(tiny, "operator")
    same = tiny.put(CAPACITY, headers=operator, json={"capacity_per_delivery": "2.134615385 TBq"})
    assert (same.status_code, same.json()["version"]["version"]) == (200, 2)
    assert same.json()["capacity_per_delivery"] == "2.134615385 TBq"  # shown with its unit
    noted = {"capacity_per_delivery": "2.134615385 TBq", "note": "unchanged, noted"}
    reply = tiny.put(CAPACITY, headers=operator, json=noted)
    assert (reply.status_code, reply.json()["version"]["version"]) == (201, 3)
    row = next(
        r
        for r in json.loads(tiny.get(f"{API}/networks/tiny/versions/3", headers=root).content)[
            "tables"
        ]["producers"]
        if r["producer"] == "reactor-lu177"
    )
    assert (row["capacity_per_delivery_bq"], row["note"]) == (
        2134615384615.3845,
        "unchanged, noted",
    )
