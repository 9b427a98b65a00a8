"""Orders: create with idempotency keys, read within tenancy, modify with revisions, cancel,
and the active orders as the network's demand table."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from radiochain.network.jsonio import parse_json_network
from radiochain.service.models import AuditEntry, Order
from radiochain.service.services.orders import DEMAND_COLUMNS, orders_as_demand
from tests.service.conftest import headers_for
from tests.service.world import API, network_bytes, order_body, post_network

Users = Callable[..., str]
Headers = dict[str, str]


@pytest.fixture
def world(client: TestClient, make_user: Users) -> dict[str, Headers]:
    """``tiny`` and ``other`` imported; a user of each role (``nurse``: hospital-a,
    ``nurse_b``: hospital-b, ``pharmacist``: tiny's pharmacy, ``far``: other's hospital-a)."""
    make_user("root", "admin")
    root = headers_for(client, "root")
    for name in ("tiny", "other"):
        assert post_network(client, root, network_bytes(name)).status_code == 201
    make_user("nurse", "hospital", "tiny", "hospital-a")
    make_user("nurse_b", "hospital", "tiny", "hospital-b")
    make_user("far", "hospital", "other", "hospital-a")
    make_user("pharmacist", "radiopharmacy", "tiny", "pharmacy")
    make_user("inspector", "regulator")
    make_user("operator", "producer", "tiny", "reactor")
    names = ("nurse", "nurse_b", "far", "pharmacist", "inspector", "operator")
    return {"root": root, **{n: headers_for(client, n) for n in names}}


_keys = iter(range(10**9))


def place(client: TestClient, headers: Headers, key: str | None = None, **changes: Any) -> Any:
    key = key if key is not None else f"key-{next(_keys)}"
    # json.dumps, not httpx's json=: NaN and Infinity go on the wire as a careless client
    # writes them (httpx refuses to encode them), and the service must refuse them
    return client.post(
        f"{API}/orders",
        content=json.dumps(order_body(**changes)),
        headers={**headers, "Idempotency-Key": key, "Content-Type": "application/json"},
    )


def _orders_in_db(app: Any) -> int:
    with app.state.db.session(readonly=True) as session:
        return int(session.execute(select(func.count()).select_from(Order)).scalar_one())


def _audit(app: Any, action: str) -> list[AuditEntry]:
    with app.state.db.session(readonly=True) as session:
        return list(
            session.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars()
        )


# --- create ------------------------------------------------------------------------------------
def test_an_order_is_placed_and_audited(
    app: Any, client: TestClient, world: dict[str, Headers]
) -> None:
    reply = place(client, world["nurse"], prescribed_activity="7.4 GBq", latest_date="2026-01-07")
    assert reply.status_code == 201, reply.text
    order = reply.json()
    assert order["prescribed_activity_bq"] == pytest.approx(7.4e9)
    assert (order["status"], order["revision"], order["created_by"]) == ("active", 1, "nurse")
    assert (order["earliest_date"], order["latest_date"]) == (None, "2026-01-07")
    assert reply.headers["location"] == f"/api/v1/orders/{order['id']}"
    assert reply.headers["etag"] == '"1"'
    [entry] = _audit(app, "order.create")
    assert entry.before is None
    assert entry.after["id"] == order["id"]
    assert entry.after["network_version"] == 1
    # no activity given: the product's dose applies
    plain = place(client, world["nurse"]).json()
    assert (plain["prescribed_activity"], plain["prescribed_activity_bq"]) == (None, None)


def test_the_same_key_and_body_give_the_first_response_again(
    app: Any, client: TestClient, world: dict[str, Headers]
) -> None:
    first = place(client, world["nurse"], key="k-1")
    again = place(client, world["nurse"], key="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert _orders_in_db(app) == 1
    other_body = place(client, world["nurse"], key="k-1", patient="p-002")
    assert other_body.status_code == 409
    assert "Idempotency-Key" in other_body.json()["detail"]
    # keys belong to a user: the admin's k-1 is another key
    assert place(client, world["root"], key="k-1").status_code == 201
    assert _orders_in_db(app) == 2


def test_concurrent_retries_of_one_key_make_one_order(
    app: Any, client: TestClient, world: dict[str, Headers]
) -> None:
    replies: list[Any] = []

    def post() -> None:
        replies.append(place(client, world["nurse"], key="same-key"))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in replies) == [201] * 6
    assert len({r.json()["id"] for r in replies}) == 1
    assert _orders_in_db(app) == 1


@pytest.mark.parametrize("key", [None, "", "   ", "x" * 129, "a b", "ключ".encode()])
def test_a_post_needs_an_idempotency_key(
    client: TestClient, world: dict[str, Headers], key: str | bytes | None
) -> None:
    headers: dict[str, Any] = dict(world["nurse"])
    if key is not None:
        headers["Idempotency-Key"] = key
    reply = client.post(f"{API}/orders", json=order_body(), headers=headers)
    assert reply.status_code == 400
    assert "Idempotency-Key" in reply.json()["detail"]


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"product": "lu177-psm"}, 400, "did you mean 'lu177-psma'"),
        ({"hospital": "hospital-z"}, 400, "no hospital"),
        ({"hospital": "pharmacy"}, 400, "is a radiopharmacy, not a hospital"),
        ({"network": "nowhere"}, 404, "no network"),
        ({"patient": "John Smith"}, 400, "not a pseudonym"),
        ({"patient": "p" * 65}, 422, "patient"),
        ({"date": "2026-02-30"}, 400, "not a day of the calendar"),
        ({"date": "20260106"}, 400, "YYYY-MM-DD"),
        ({"date": "2026-01-06T09:00"}, 400, "YYYY-MM-DD"),
        ({"earliest_date": "2026-01-07"}, 400, "earliest_date"),
        ({"latest_date": "2026-01-05"}, 400, "latest_date"),
        ({"prescribed_activity": "7.4"}, 400, "prescribed_activity"),
        ({"prescribed_activity": "7.4 Gy"}, 400, "prescribed_activity"),
        ({"prescribed_activity": "-7.4 GBq"}, 400, "prescribed_activity"),
        ({"prescribed_activity": "2 TBq"}, 400, "out of range"),
        ({"prescribed_activity": "7.4 kBq"}, 400, "unit mistake"),
        ({"prescribed_activity": "nan GBq"}, 400, "prescribed_activity"),
        ({"prescribed_activity": 7.4e9}, 422, "prescribed_activity"),
        ({"patient": 123}, 422, "patient"),
        ({"date": None}, 422, "date"),
        ({"surname": "Smith"}, 422, "surname"),
    ],
)
def test_bad_orders_are_refused_naming_the_field(
    app: Any,
    client: TestClient,
    world: dict[str, Headers],
    change: dict[str, Any],
    status: int,
    words: str,
) -> None:
    reply = place(client, world["root"], **change)
    assert reply.status_code == status, reply.text
    assert words in reply.json()["detail"]
    assert _orders_in_db(app) == 0


def test_a_prescription_above_the_hospitals_licence_is_refused(
    client: TestClient, world: dict[str, Headers]
) -> None:
    """hospital-c may hold 20 GBq of Lu-177 (the library's licence check)."""
    reply = place(client, world["root"], hospital="hospital-c", prescribed_activity="25 GBq")
    assert reply.status_code == 400
    assert "possession limit" in reply.json()["detail"]
    assert place(client, world["root"], hospital="hospital-c").status_code == 201


@pytest.mark.parametrize(
    ("user", "change", "status"),
    [
        ("nurse", {"hospital": "hospital-b"}, 403),
        ("nurse", {"network": "other"}, 404),
        ("far", {}, 404),
        ("pharmacist", {}, 403),
        ("inspector", {}, 403),
        ("operator", {}, 403),
    ],
)
def test_who_may_place_which_order(
    client: TestClient, world: dict[str, Headers], user: str, change: dict[str, Any], status: int
) -> None:
    assert place(client, world[user], **change).status_code == status


# --- read ----------------------------------------------------------------------------------------
@pytest.fixture
def placed(client: TestClient, world: dict[str, Headers]) -> dict[str, int]:
    """Orders: a1, a2 (hospital-a, Jan 6 and 8), b1 (hospital-b), o1 (other's hospital-a)."""
    ids = {
        "a1": place(client, world["nurse"]).json()["id"],
        "a2": place(client, world["nurse"], date="2026-01-08").json()["id"],
        "b1": place(client, world["nurse_b"], hospital="hospital-b").json()["id"],
        "o1": place(client, world["far"], network="other").json()["id"],
    }
    return ids


def _listed(client: TestClient, headers: Headers, **params: Any) -> list[int]:
    reply = client.get(f"{API}/orders", headers=headers, params=params)
    assert reply.status_code == 200, reply.text
    return [o["id"] for o in reply.json()]


def test_each_user_lists_the_orders_of_its_tenancy(
    client: TestClient, world: dict[str, Headers], placed: dict[str, int]
) -> None:
    p = placed
    assert _listed(client, world["nurse"]) == [p["a1"], p["a2"]]
    assert _listed(client, world["nurse_b"]) == [p["b1"]]
    assert _listed(client, world["far"]) == [p["o1"]]
    assert _listed(client, world["pharmacist"]) == [p["a1"], p["a2"], p["b1"]]
    assert _listed(client, world["inspector"]) == sorted(p.values())
    assert _listed(client, world["pharmacist"], network="other") == []
    assert client.get(f"{API}/orders", headers=world["operator"]).status_code == 403


def test_filters_and_pages(
    client: TestClient, world: dict[str, Headers], placed: dict[str, int]
) -> None:
    p, root = placed, world["root"]
    assert _listed(client, root, network="other") == [p["o1"]]
    assert _listed(client, root, hospital="hospital-b") == [p["b1"]]
    assert _listed(client, root, date_from="2026-01-07") == [p["a2"]]
    assert _listed(client, root, date_to="2026-01-06", network="tiny") == [p["a1"], p["b1"]]
    assert _listed(client, root, limit=2) == sorted(p.values())[:2]
    assert _listed(client, root, after=sorted(p.values())[1]) == sorted(p.values())[2:]
    client.post(f"{API}/orders/{p['a1']}/cancel", headers=root)
    assert _listed(client, root, status="cancelled") == [p["a1"]]
    assert p["a1"] not in _listed(client, root, status="active")
    for params, status in [
        ({"limit": 1001}, 422),
        ({"limit": 0}, 422),
        ({"status": "lost"}, 422),
        ({"date_from": "tomorrow"}, 400),
        ({"after": 2**40}, 422),
        ({"network": "a\x00b"}, 400),
        ({"network": "x" * 129}, 422),
    ]:
        assert client.get(f"{API}/orders", headers=root, params=params).status_code == status


def test_reading_one_order(
    client: TestClient, world: dict[str, Headers], placed: dict[str, int]
) -> None:
    a1 = placed["a1"]
    for user, status in [
        ("nurse", 200), ("pharmacist", 200), ("inspector", 200), ("root", 200),
        ("nurse_b", 404), ("far", 404), ("operator", 403),
    ]:  # fmt: skip
        reply = client.get(f"{API}/orders/{a1}", headers=world[user])
        assert reply.status_code == status, user
    assert client.get(f"{API}/orders/{a1}", headers=world["nurse"]).headers["etag"] == '"1"'
    for missing, status in [(999_999, 404), (0, 422), (2**40, 422), ("x", 422)]:
        reply = client.get(f"{API}/orders/{missing}", headers=world["root"])
        assert reply.status_code == status


# --- modify and cancel ---------------------------------------------------------------------------
def test_modify_with_revisions(
    app: Any, client: TestClient, world: dict[str, Headers], placed: dict[str, int]
) -> None:
    url, nurse = f"{API}/orders/{placed['a1']}", world["nurse"]
    moved = client.patch(url, headers={**nurse, "If-Match": '"1"'}, json={"date": "2026-01-07"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["date"], moved.json()["revision"]) == ("2026-01-07", 2)
    assert moved.headers["etag"] == '"2"'
    stale = client.patch(url, headers={**nurse, "If-Match": "1"}, json={"date": "2026-01-08"})
    assert stale.status_code == 409
    assert "revision 2" in stale.json()["detail"]
    stale_body = client.patch(url, headers=nurse, json={"date": "2026-01-08", "revision": 1})
    assert stale_body.status_code == 409
    dose = client.patch(url, headers=nurse, json={"prescribed_activity": "6 GBq", "revision": 2})
    assert (dose.status_code, dose.json()["prescribed_activity_bq"]) == (200, 6e9)
    cleared = client.patch(url, headers=nurse, json={"prescribed_activity": None})
    assert cleared.json()["prescribed_activity_bq"] is None
    # no change: the same revision, no audit entry
    same = client.patch(url, headers=nurse, json={"date": "2026-01-07"})
    assert same.json()["revision"] == cleared.json()["revision"] == 4
    entries = _audit(app, "order.modify")
    assert len(entries) == 3
    assert (entries[0].before["date"], entries[0].after["date"]) == ("2026-01-06", "2026-01-07")


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"If-Match": "abc"}, {"date": "2026-01-07"}, 400),
        ({"If-Match": "2"}, {"date": "2026-01-07", "revision": 1}, 400),
        ({}, {"date": None}, 400),
        ({}, {"date": "2026-13-01"}, 400),
        ({}, {"prescribed_activity": "lots"}, 400),
        ({}, {"hospital": "hospital-b"}, 422),
        ({}, {"revision": 0}, 422),
        ({}, {"revision": "one"}, 422),
        ({}, [], 422),
    ],
)
def test_bad_modifications(
    client: TestClient,
    world: dict[str, Headers],
    placed: dict[str, int],
    headers: dict[str, str],
    body: Any,
    status: int,
) -> None:
    url = f"{API}/orders/{placed['a1']}"
    reply = client.patch(url, headers={**world["nurse"], **headers}, json=body)
    assert reply.status_code == status, reply.text


def test_who_may_change_which_order(
    client: TestClient, world: dict[str, Headers], placed: dict[str, int]
) -> None:
    url = f"{API}/orders/{placed['a1']}"
    for user, status in [
        ("nurse_b", 404), ("far", 404), ("pharmacist", 403), ("inspector", 403),
        ("operator", 403), ("root", 200),
    ]:  # fmt: skip
        reply = client.patch(url, headers=world[user], json={"date": "2026-01-07"})
        assert reply.status_code == status, user
        cancel = client.post(f"{url}/cancel", headers=world[user])
        assert cancel.status_code == status, user


def test_cancel_is_idempotent_and_final(
    app: Any, client: TestClient, world: dict[str, Headers], placed: dict[str, int]
) -> None:
    url, nurse = f"{API}/orders/{placed['a1']}", world["nurse"]
    first = client.post(f"{url}/cancel", headers=nurse)
    again = client.post(f"{url}/cancel", headers=nurse)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json()
    assert (first.json()["status"], first.json()["revision"]) == ("cancelled", 2)
    assert len(_audit(app, "order.cancel")) == 1
    assert client.patch(url, headers=nurse, json={"date": "2026-01-07"}).status_code == 409


# --- hostile input -------------------------------------------------------------------------------
HOSTILE = [
    "'; DROP TABLE orders; --",
    "<script>alert(1)</script>",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "${jndi:ldap://example.invalid/a}",
    "../../etc/passwd",
    "💥🧪",
    "\u202e\u0000",
    "%00%27",
    " ",
]


@pytest.mark.parametrize(
    "field",
    ["network", "hospital", "product", "patient", "date", "earliest_date", "latest_date",
     "prescribed_activity"],
)  # fmt: skip
def test_hostile_text_in_every_field_is_a_one_line_4xx(
    app: Any, client: TestClient, world: dict[str, Headers], field: str
) -> None:
    for value in HOSTILE:
        reply = place(client, world["root"], **{field: value})
        assert 400 <= reply.status_code < 500, (field, value, reply.text)
        assert "\n" not in reply.json()["detail"]
    url = f"{API}/orders/{place(client, world['root']).json()['id']}"
    for value in HOSTILE:
        reply = client.patch(url, headers=world["root"], json={field: value})
        assert 400 <= reply.status_code < 500, (field, value, reply.text)
        listing = client.get(f"{API}/orders", headers=world["root"], params={field: value})
        assert listing.status_code < 500
    assert _orders_in_db(app) == 1  # the table is still there, with the one good order


def test_malformed_bodies(client: TestClient, world: dict[str, Headers]) -> None:
    headers = {**world["root"], "Idempotency-Key": "k", "Content-Type": "application/json"}
    for raw in [b"{", b"null", b"[]", b'"x"', b"\xff", b"{" * 5000, b'{"network": NaN}']:
        reply = client.post(f"{API}/orders", content=raw, headers=headers)
        assert reply.status_code in (400, 422), raw
        assert "\n" not in reply.json()["detail"]


# --- orders as demand ----------------------------------------------------------------------------
def test_active_orders_as_the_networks_demand(
    app: Any, client: TestClient, world: dict[str, Headers], placed: dict[str, int]
) -> None:
    root = world["root"]
    client.patch(
        f"{API}/orders/{placed['a2']}", headers=root,
        json={"prescribed_activity": "6.8 GBq", "earliest_date": "2026-01-07"},
    )  # fmt: skip
    client.post(f"{API}/orders/{placed['b1']}/cancel", headers=root)
    with app.state.db.session(readonly=True) as session:
        rows = orders_as_demand(session, "tiny")
    assert [tuple(r) for r in rows] == [DEMAND_COLUMNS] * 2
    assert [r["appointment"] for r in rows] == [f"order-{placed['a1']}", f"order-{placed['a2']}"]
    second = rows[1]
    assert (second["date"], second["earliest_date"], second["latest_date"]) == (
        "2026-01-08", "2026-01-07", None,
    )  # fmt: skip
    assert second["prescribed_activity_bq"] == pytest.approx(6.8e9)
    # the rows are what the library reads as demand: the network with them is valid
    network = parse_json_network(network_bytes(), where="tiny.json")
    for row in rows:
        name = row.pop("appointment")
        network.add("demand", name, **{k: v for k, v in row.items() if v is not None})
    report = network.validate()
    assert report.ok, [str(p) for p in report.errors]
    assert network.demand.loc[f"order-{placed['a2']}", "prescribed_activity_bq"] == 6.8e9


_TEXT = st.one_of(
    st.text(max_size=80),
    st.sampled_from(HOSTILE),
    st.integers(),
    st.floats(allow_nan=True),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from([*sorted(order_body()), "earliest_date", "prescribed_activity"]),
    value=_TEXT,
)
def test_no_value_in_any_field_is_a_500(
    client: TestClient, world: dict[str, Headers], field: str, value: Any
) -> None:
    """Property: whatever one field holds, the answer is 201 or a one-line 4xx."""
    reply = place(client, world["root"], **{field: value})
    assert reply.status_code == 201 or 400 <= reply.status_code < 500, reply.text
    if reply.status_code != 201:
        assert "\n" not in reply.json()["detail"]
    listing = client.get(f"{API}/orders", headers=world["root"], params={"network": value})
    assert listing.status_code < 500


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("field", ["prescribed_activity", "patient", "date"])
def test_nan_and_infinity_on_the_wire_are_refused(
    client: TestClient, world: dict[str, Headers], field: str, value: float
) -> None:
    """``NaN``/``Infinity`` are not JSON: a client that writes them gets a one-line 4xx."""
    reply = place(client, world["root"], **{field: value})
    assert 400 <= reply.status_code < 500, reply.text
    assert "\n" not in reply.json()["detail"]
