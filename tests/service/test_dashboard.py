"""The dashboard's pages through HTTP, on SQLite and PostgreSQL: sign-in, the tenancy rules of
the API applied to pages, the map, a hospital's page and its forms to place, change and cancel
orders, a radiopharmacy's production sheet and its plan button, a run's figures, two runs side
by side, numbers for people (a producer site's page: ``test_dashboard_producers.py``).

Facts asserted come from outside the pages: the plan's own tables (computed by the library
from the stored inputs), the bundled network's sites, the orders the service stores.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from radiochain.network.examples import example_path
from radiochain.network.jsonio import parse_json_network
from radiochain.service import audit, jobs, tasks
from radiochain.service.app import create_app
from radiochain.service.dashboard.formatting import activity, short
from radiochain.service.models import AuditEntry, NetworkVersion, Order, Run, User
from radiochain.service.services import networks, orders, runs
from radiochain.service.services.users import create_user
from radiochain.service.settings import Settings
from tests.service.conftest import PASSWORD

FINISHED = ("succeeded", "failed", "cancelled")


@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    """The service with its jobs on a local Dask cluster of threads (started only by a test
    that submits a run)."""
    application = create_app(Settings(database_url=database_url, local_processes=False))
    yield application
    application.state.db.dispose()


ACCOUNTS = {
    "ada": ("admin", None, None),
    "reg": ("regulator", None, None),
    "hosp-a": ("hospital", "tiny", "hospital-a"),
    "hosp-b": ("hospital", "tiny", "hospital-b"),
    "pharm": ("radiopharmacy", "tiny", "pharmacy"),
    "prod": ("producer", "tiny", "reactor"),
    "hosp-x": ("hospital", "other", "hospital-a"),
    "prod-x": ("producer", "other", "reactor"),
}
"""The users of the tests, made when first needed (password hashing is slow on purpose)."""


def account(app: Any, username: str) -> User:
    """The user ``username`` of :data:`ACCOUNTS`, made if missing."""
    with app.state.db.session() as session:
        found: User | None = session.execute(
            select(User).where(User.username == username)
        ).scalar_one_or_none()
        if found is None:
            role, network, site = ACCOUNTS[username]
            found = create_user(
                session, username=username, password=PASSWORD, role=role, network=network,
                site=site,
            )  # fmt: skip
        return found


def sign_in(client: TestClient, username: str) -> TestClient:
    """Sign in through the dashboard's form (the cookie stays in ``client``)."""
    account(client.app, username)
    client.cookies.clear()
    reply = client.post(
        "/ui/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert reply.status_code == 303, reply.text
    return client


@functools.cache
def tiny_bytes(name: str) -> bytes:
    """The bundled ``tiny`` network named ``name``, as ``write_json`` exports it."""
    from radiochain.network import read_network

    network = read_network(example_path("tiny"))
    network.name = name
    return networks.export_bytes(network)


def store_tiny(app: Any, name: str = "tiny") -> bytes:
    """Import the bundled ``tiny`` network (as ``name``) through the networks service."""
    payload = tiny_bytes(name)
    with app.state.db.session() as session:
        networks.import_network(session, payload, actor="test")
    return payload


def place(app: Any, username: str, **fields: Any) -> int:
    """An order placed through the orders service as ``username``."""
    body = {"network": "tiny", "hospital": "hospital-a", "product": "lu177-psma",
            "patient": "p-100", "date": "2026-01-07"} | fields  # fmt: skip
    with app.state.db.session() as session:
        user = account(app, username)
        created = orders.create_order(
            session, user, orders.Fields(**body), key=hashlib.sha1(repr(body).encode()).hexdigest()
        )
    return int(created.body["id"])


@functools.cache
def _execute(payload: bytes, orders_json: str, options_json: str) -> dict[str, Any]:
    """The library's plan of stored inputs (computed once per set of inputs)."""
    return tasks.execute(
        "plan", payload, json.loads(orders_json), json.loads(options_json), name="tiny"
    )


def finished_plan(app: Any, username: str = "ada", **options: Any) -> int:
    """A plan run started through the runs service and finished with the library's result
    of its stored inputs (what a job does, without Dask)."""
    with app.state.db.session() as session:
        found = runs.create_run(
            session, account(app, username), kind="plan", network="tiny", version=None,
            options=options, max_time_limit_s=600,
        )  # fmt: skip
        run, version = found.run, session.get(NetworkVersion, found.version_id)
        assert version is not None
        inputs = (bytes(version.payload), json.dumps(run.orders), json.dumps(run.options))
        run_id = run.id
    outcome = _execute(*inputs)
    with app.state.db.session() as session:
        stored = {"summary": outcome["summary"], "tables": outcome["tables"]}
        jobs.finish(session, run_id, outcome["status"], outcome["message"], stored)
    return run_id


def stored_result(app: Any, run_id: int) -> dict[str, Any]:
    with app.state.db.session(readonly=True) as session:
        run = session.get(Run, run_id)
        assert run is not None
        assert run.result is not None
        return dict(run.result)


@pytest.fixture
def world(app: Any) -> Any:
    """``tiny`` and ``other`` (another tenant) and an order of hospital-a (patient p-100)."""
    store_tiny(app)
    store_tiny(app, "other")
    place(app, "hosp-a")
    return app


PAGES = [
    "/ui",
    "/ui/networks",
    "/ui/networks/tiny",
    "/ui/networks/tiny/hospitals/hospital-a",
    "/ui/networks/tiny/radiopharmacies/pharmacy",
    "/ui/networks/tiny/producers/reactor",
    "/ui/runs/1",
    "/ui/compare?a=1&b=1",
]


# --- signing in ------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_every_page_asks_to_sign_in_first(world: Any, client: TestClient, page: str) -> None:
    reply = client.get(page, follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/ui/login?next=")
    form = client.get(reply.headers["location"])
    assert form.status_code == 200
    assert 'name="password"' in form.text


def test_signing_in_sets_a_strict_httponly_cookie_and_goes_where_asked(
    world: Any, client: TestClient
) -> None:
    account(world, "hosp-a")
    reply = client.post(
        "/ui/login",
        data={"username": "hosp-a", "password": PASSWORD, "next": "/ui/networks/tiny"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert reply.headers["location"] == "/ui/networks/tiny"
    cookie = reply.headers["set-cookie"].lower()
    assert cookie.startswith("radiochain_token=")
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/" in cookie
    assert client.get("/ui/networks/tiny").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/ui", "//evil.example/ui", "/api/v1/me"])
def test_after_signing_in_only_dashboard_pages_are_followed(
    world: Any, client: TestClient, target: str
) -> None:
    account(world, "ada")
    reply = client.post(
        "/ui/login",
        data={"username": "ada", "password": PASSWORD, "next": target},
        follow_redirects=False,
    )
    assert reply.headers["location"] == "/ui"


def test_a_wrong_password_shows_the_form_again_without_a_cookie(
    world: Any, client: TestClient
) -> None:
    account(world, "ada")
    reply = client.post("/ui/login", data={"username": "ada", "password": "not it at all"})
    assert reply.status_code == 401
    assert "wrong username or password" in reply.text
    assert "set-cookie" not in reply.headers
    assert "not it at all" not in reply.text


def test_signing_out_revokes_the_token(world: Any, client: TestClient) -> None:
    sign_in(client, "ada")
    token = client.cookies.get("radiochain_token")
    assert token
    reply = client.post("/ui/logout", follow_redirects=False)
    assert reply.status_code == 303
    # the token itself no longer works, even where a client kept it
    again = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401
    assert client.get("/ui/networks", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("ada", "/ui/networks"),
        ("reg", "/ui/networks"),
        ("hosp-a", "/ui/networks/tiny/hospitals/hospital-a"),
        ("pharm", "/ui/networks/tiny/radiopharmacies/pharmacy"),
        ("prod", "/ui/networks/tiny/producers/reactor"),
    ],
)
def test_each_role_starts_on_its_own_page(
    world: Any, client: TestClient, username: str, home: str
) -> None:
    sign_in(client, username)
    reply = client.get("/ui", follow_redirects=False)
    assert reply.headers["location"] == home
    assert client.get(home).status_code == 200


# --- tenancy ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "page", "status"),
    [
        ("hosp-a", "/ui/networks/tiny/hospitals/hospital-b", 404),
        ("hosp-a", "/ui/networks/tiny/radiopharmacies/pharmacy", 404),
        ("hosp-a", "/ui/networks/other", 404),
        ("hosp-a", "/ui/networks/other/hospitals/hospital-a", 404),
        ("hosp-x", "/ui/networks/tiny/hospitals/hospital-a", 404),
        ("prod", "/ui/networks/tiny/hospitals/hospital-a", 404),
        ("prod", "/ui/networks/tiny/radiopharmacies/pharmacy", 404),
        ("pharm", "/ui/networks/other/radiopharmacies/pharmacy", 404),
        ("pharm", "/ui/networks/tiny/hospitals/reactor", 404),
        ("ada", "/ui/networks/nowhere", 404),
        ("ada", "/ui/networks/tiny/hospitals/pharmacy", 404),
        ("ada", "/ui/runs/999", 404),
        ("ada", "/ui/runs/not-a-number", 400),
        ("ada", "/ui/compare?a=1", 400),
        ("ada", "/ui/compare?a=x&b=1", 400),
        ("ada", "/ui/networks/tiny/hospitals/hospital-a?placed=-1", 400),
    ],
)
def test_refusals_are_pages_with_the_apis_status(
    world: Any, client: TestClient, username: str, page: str, status: int
) -> None:
    sign_in(client, username)
    reply = client.get(page)
    assert reply.status_code == status
    assert reply.headers["content-type"].startswith("text/html")
    assert 'data-testid="refusal"' in reply.text


def test_another_tenants_run_is_not_found(world: Any, client: TestClient) -> None:
    run_id = finished_plan(world)
    sign_in(client, "hosp-x")  # a hospital of network 'other'
    assert client.get(f"/ui/runs/{run_id}").status_code == 404
    assert client.get(f"/ui/runs/{run_id}/status").status_code == 404
    assert client.get(f"/ui/compare?a={run_id}&b={run_id}").status_code == 404


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("ada", {"hospital-a", "hospital-b", "hospital-c", "pharmacy"}),
        ("reg", {"hospital-a", "hospital-b", "hospital-c", "pharmacy"}),
        ("pharm", {"hospital-a", "hospital-b", "hospital-c", "pharmacy"}),
        ("hosp-a", {"hospital-a"}),
        ("prod", set()),
    ],
)
def test_the_map_links_only_the_pages_a_user_may_open(
    world: Any, client: TestClient, username: str, visible: set[str]
) -> None:
    sign_in(client, username)
    text = client.get("/ui/networks/tiny").text
    linked = set(re.findall(r'/ui/networks/tiny/(?:hospitals|radiopharmacies)/([\w-]+)"', text))
    assert linked == visible
    for site in visible:
        kind = "radiopharmacies" if site == "pharmacy" else "hospitals"
        assert client.get(f"/ui/networks/tiny/{kind}/{site}").status_code == 200


# --- the network on the national outline -------------------------------------------------
def test_the_map_draws_the_outline_the_sites_and_the_plans_flows(
    world: Any, client: TestClient
) -> None:
    run_id = finished_plan(world)
    shipments = stored_result(world, run_id)["tables"]["shipments"]
    sign_in(client, "ada")
    text = client.get("/ui/networks/tiny?day=all").text
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert 'class="outline"' in svg
    # every site of the bundled network, by kind
    network = parse_json_network(tiny_bytes("tiny"), where="tiny.json")
    for kind, count in network.sites["kind"].value_counts().items():
        assert len(re.findall(rf'class="site site-{kind}"', svg)) == count
    # one line per pair of sites the plan ships between, wider for more doses
    pairs: dict[tuple[str, str], int] = {}
    for s in shipments:
        key = (s["from_site"], s["to_site"])
        pairs[key] = pairs.get(key, 0) + int(s["doses"])
    lines = re.findall(r'<line class="flow flow-(\w+)"[^>]*stroke-width="([\d.]+)"', svg)
    assert len(lines) == len(pairs)
    doses = sorted(v for v in pairs.values() if v)
    widths = sorted(float(w) for kind, w in lines if kind == "doses")
    assert len(widths) == len(doses)
    assert widths[0] < widths[-1] if doses[0] < doses[-1] else widths[0] == widths[-1]
    # the tooltips name the sites, not their keys
    assert "Central radiopharmacy → Hospital A" in svg
    assert "pharmacy → hospital-a" not in svg


def test_a_days_flows_are_that_days_shipments(world: Any, client: TestClient) -> None:
    run_id = finished_plan(world)
    shipments = stored_result(world, run_id)["tables"]["shipments"]
    day = sorted({s["departure_time"][:10] for s in shipments if s["doses"]})[0]
    that_day = {
        (s["from_site"], s["to_site"]) for s in shipments if s["departure_time"][:10] == day
    }
    sign_in(client, "ada")
    text = client.get(f"/ui/networks/tiny?day={day}").text
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert len(re.findall(r"<line class=\"flow", svg)) == len(that_day)


def test_a_hospital_sees_only_its_own_flows(world: Any, client: TestClient) -> None:
    finished_plan(world)
    sign_in(client, "hosp-a")
    text = client.get("/ui/networks/tiny?day=all").text
    flows = re.findall(r"<line class=\"flow[^>]*><title>([^<]*)</title>", text)
    assert flows
    assert all("→ Hospital A:" in f for f in flows)


# --- a hospital's page ---------------------------------------------------------------------
def test_a_hospitals_page_shows_its_doses_etas_and_orders(world: Any, client: TestClient) -> None:
    run_id = finished_plan(world)
    tables = stored_result(world, run_id)["tables"]
    arrival = {s["shipment"]: s["arrival_time"] for s in tables["shipments"]}
    mine = [d for d in tables["doses"] if d["hospital"] == "hospital-a"]
    assert mine
    sign_in(client, "hosp-a")
    text = client.get("/ui/networks/tiny/hospitals/hospital-a").text
    deliveries = text[text.index('data-testid="deliveries"') :]
    for dose in mine:
        if dose["status"] != "unserved":
            assert short(arrival[dose["shipment"]]) in deliveries
            assert short(dose["administration_time"]) in deliveries
            assert activity(dose["activity_at_administration_bq"]) in deliveries
    # the order placed for patient p-100 is listed, and its dose carries the patient's name
    assert "p-100" in text[text.index('data-testid="orders"') :]
    assert "p-100" in deliveries
    # nothing of another hospital
    others = {d["appointment"] for d in tables["doses"] if d["hospital"] != "hospital-a"}
    assert not any(f">{a}<" in text for a in others)


def test_what_was_not_served_is_shown_with_the_plans_reason(world: Any, client: TestClient) -> None:
    # hospital-b has 4 weekly treatment slots: a fifth and sixth appointment that week are
    # not served, and the plan says why
    for patient in ("p-201", "p-202", "p-203", "p-204"):
        place(world, "ada", hospital="hospital-b", patient=patient, date="2026-01-08")
    run_id = finished_plan(world)
    unserved = [
        d
        for d in stored_result(world, run_id)["tables"]["doses"]
        if d["hospital"] == "hospital-b" and d["status"] == "unserved"
    ]
    assert unserved
    sign_in(client, "hosp-b")
    text = client.get("/ui/networks/tiny/hospitals/hospital-b").text
    table = text[text.index('data-testid="unserved"') :]
    for dose in unserved:
        assert dose["reason"].replace("'", "&#39;") in table


def test_the_order_form_places_one_order_per_key(world: Any, client: TestClient) -> None:
    sign_in(client, "hosp-a")
    form = {
        "idempotency_key": "form-key-1",
        "product": "lu177-psma",
        "patient": "p-777",
        "date": "2026-01-08",
        "earliest_date": "2026-01-07",
        "latest_date": "2026-01-09",
        "prescribed_activity": "7.4 GBq",
    }
    url = "/ui/networks/tiny/hospitals/hospital-a/orders"
    first = client.post(url, data=form, follow_redirects=False)
    assert first.status_code == 303
    again = client.post(url, data=form, follow_redirects=False)  # the form sent twice
    assert again.headers["location"] == first.headers["location"]
    with world.state.db.session(readonly=True) as session:
        stored = session.execute(select(Order).where(Order.patient == "p-777")).scalars().all()
    assert len(stored) == 1
    assert stored[0].prescribed_activity_bq == pytest.approx(7.4e9)
    assert (stored[0].network, stored[0].hospital, stored[0].created_by) == (
        "tiny", "hospital-a", "hosp-a",
    )  # fmt: skip
    page = client.get(first.headers["location"]).text
    assert f"Order {stored[0].id} placed" in page
    assert "p-777" in page
    assert "7.40 GBq" in page


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"date": "2026-02-30"}, "2026-02-30"),
        ({"prescribed_activity": "7.4"}, "unit"),
        ({"patient": "Jane Doe"}, "patient"),
        ({"product": "ga68-psma"}, "product"),
        ({"idempotency_key": ""}, "Idempotency-Key"),
    ],
)
def test_a_refused_order_shows_the_reason_and_keeps_what_was_typed(
    world: Any, client: TestClient, change: dict[str, str], words: str
) -> None:
    sign_in(client, "hosp-a")
    form = {"idempotency_key": "k-2", "product": "lu177-psma", "patient": "p-888",
            "date": "2026-01-08"} | change  # fmt: skip
    reply = client.post("/ui/networks/tiny/hospitals/hospital-a/orders", data=form)
    assert reply.status_code == 400
    error = re.search(r'data-testid="order-error">([^<]*)<', reply.text)
    assert error is not None
    assert words.lower() in error.group(1).lower()
    assert f'value="{form["patient"]}"' in reply.text
    with world.state.db.session(readonly=True) as session:
        assert session.query(Order).filter(Order.patient == form["patient"]).count() == 0


@pytest.mark.parametrize(
    ("username", "status"), [("hosp-b", 404), ("reg", 403), ("pharm", 403), ("prod", 404)]
)
def test_only_the_hospital_and_admins_place_its_orders(
    world: Any, client: TestClient, username: str, status: int
) -> None:
    sign_in(client, username)
    form = {"idempotency_key": "k-3", "product": "lu177-psma", "patient": "p-999",
            "date": "2026-01-08"}  # fmt: skip
    reply = client.post("/ui/networks/tiny/hospitals/hospital-a/orders", data=form)
    assert reply.status_code == status
    with world.state.db.session(readonly=True) as session:
        assert session.query(Order).filter(Order.patient == "p-999").count() == 0


def _order(app: Any, order_id: int) -> Order:
    with app.state.db.session(readonly=True) as session:
        found = session.get(Order, order_id)
        assert found is not None
        session.expunge(found)
        return found


def test_a_hospital_changes_and_cancels_an_order_from_its_page(
    world: Any, client: TestClient
) -> None:
    """The order's Change form (opened by its link) and Cancel form call the orders service:
    the stored order changes, its revision goes up, the audit trail has both, the page says
    what happened; a change that changes nothing and a second cancel change nothing."""
    sign_in(client, "hosp-a")
    page = "/ui/networks/tiny/hospitals/hospital-a"
    text = client.get(page).text
    assert 'data-testid="change-1"' in text
    assert 'data-testid="cancel-form-1"' in text
    assert 'data-testid="change-form"' not in text
    opened = client.get(f"{page}?change=1").text
    form = opened[opened.index('data-testid="change-form"') :]
    assert 'name="date" type="date" required value="2026-01-07"' in form
    assert 'name="revision" value="1"' in form
    change = {"revision": "1", "date": "2026-01-08", "earliest_date": "2026-01-07",
              "latest_date": "2026-01-09", "prescribed_activity": "6 GBq"}  # fmt: skip
    reply = client.post(f"{page}/orders/1", data=change, follow_redirects=False)
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"] == f"{page}?changed=1#order-1"
    stored = _order(world, 1)
    assert (str(stored.date), str(stored.earliest_date), str(stored.latest_date)) == (
        "2026-01-08", "2026-01-07", "2026-01-09",
    )  # fmt: skip
    assert (stored.prescribed_activity_bq, stored.prescribed_activity) == (6e9, "6 GBq")
    assert (stored.revision, stored.status) == (2, "active")
    shown = client.get(reply.headers["location"]).text
    assert "Order 1 changed." in shown
    assert "6.00 GBq" in shown
    assert "(revision 2)" in shown
    # the same values again: nothing changes
    again = client.post(f"{page}/orders/1", data=change | {"revision": "2"}, follow_redirects=False)
    assert again.headers["location"] == f"{page}?kept=1#order-1"
    assert _order(world, 1).revision == 2
    # clearing the window and the activity: the day itself, the product's dose
    cleared = change | {"revision": "2", "earliest_date": "", "latest_date": "",
                        "prescribed_activity": ""}  # fmt: skip
    assert client.post(f"{page}/orders/1", data=cleared, follow_redirects=False).status_code == 303
    stored = _order(world, 1)
    assert (stored.earliest_date, stored.latest_date, stored.prescribed_activity_bq) == (
        None, None, None,
    )  # fmt: skip
    # cancelled: shown struck through, without its forms
    reply = client.post(f"{page}/orders/1/cancel", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == f"{page}?cancelled=1#order-1"
    assert _order(world, 1).status == "cancelled"
    shown = client.get(reply.headers["location"]).text
    assert "Order 1 cancelled." in shown
    row = re.search(r'<tr id="order-1"[^>]*>', shown)
    assert row is not None
    assert 'class="cancelled"' in row.group(0)
    assert 'data-testid="cancel-form-1"' not in shown
    assert client.post(f"{page}/orders/1/cancel", follow_redirects=False).status_code == 303
    with world.state.db.session(readonly=True) as session:
        actions = (
            session.execute(
                select(AuditEntry.action).where(
                    AuditEntry.entity == "order", AuditEntry.entity_id == "1"
                )
            )
            .scalars()
            .all()
        )
        assert actions == ["order.create", "order.modify", "order.modify", "order.cancel"]
        assert audit.verify(session).ok


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"date": "2026-02-30"}, 400, "2026-02-30"),
        ({"prescribed_activity": "7.4"}, 400, "unit"),
        ({"latest_date": "2026-01-01"}, 400, "latest_date"),
        ({"revision": "7"}, 409, "revision"),
        ({"date": ""}, 400, "date"),
    ],
)
def test_a_refused_change_shows_the_reason_beside_its_form(
    world: Any, client: TestClient, change: dict[str, str], status: int, words: str
) -> None:
    sign_in(client, "hosp-a")
    form = {"revision": "1", "date": "2026-01-08", "earliest_date": "", "latest_date": "",
            "prescribed_activity": "6 GBq"} | change  # fmt: skip
    reply = client.post("/ui/networks/tiny/hospitals/hospital-a/orders/1", data=form)
    assert reply.status_code == status
    edit = reply.text[reply.text.index('class="edit-row"') :]
    error = re.search(r'data-testid="order-error">([^<]*)<', edit)
    assert error is not None
    assert words.lower() in html.unescape(error.group(1)).lower()
    assert f'value="{form["prescribed_activity"]}"' in edit  # what was typed stays
    assert f'value="{form["date"]}"' in edit
    stored = _order(world, 1)
    assert (str(stored.date), stored.revision, stored.prescribed_activity_bq) == (
        "2026-01-07", 1, None,
    )  # fmt: skip


def test_a_cancelled_order_cannot_be_changed(world: Any, client: TestClient) -> None:
    sign_in(client, "hosp-a")
    page = "/ui/networks/tiny/hospitals/hospital-a"
    assert client.post(f"{page}/orders/1/cancel", follow_redirects=False).status_code == 303
    reply = client.post(f"{page}/orders/1", data={"revision": "2", "date": "2026-01-08"})
    assert reply.status_code == 409
    assert "cancelled" in reply.text


@pytest.mark.parametrize(
    ("username", "status"),
    [("hosp-b", 404), ("hosp-x", 404), ("reg", 403), ("pharm", 403), ("prod", 404)],
)
def test_only_the_hospital_and_admins_change_or_cancel_its_orders(
    world: Any, client: TestClient, username: str, status: int
) -> None:
    sign_in(client, username)
    page = "/ui/networks/tiny/hospitals/hospital-a"
    change = client.post(f"{page}/orders/1", data={"revision": "1", "date": "2026-01-08"})
    cancel = client.post(f"{page}/orders/1/cancel")
    assert (change.status_code, cancel.status_code) == (status, status)
    assert _order(world, 1).revision == 1
    # another hospital's page does not reach this hospital's order either
    sign_in(client, "hosp-b")
    elsewhere = client.post("/ui/networks/tiny/hospitals/hospital-b/orders/1/cancel")
    assert elsewhere.status_code == 404
    sign_in(client, "ada")
    done = client.post(f"{page}/orders/1", data={"revision": "1", "date": "2026-01-08"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert _order(world, 1).revision == 2


# --- a radiopharmacy's production sheet ------------------------------------------------------
def test_the_production_sheet_shows_batches_and_shipments_in_gbq(
    world: Any, client: TestClient
) -> None:
    run_id = finished_plan(world)
    tables = stored_result(world, run_id)["tables"]
    sign_in(client, "pharm")
    text = client.get("/ui/networks/tiny/radiopharmacies/pharmacy").text
    batches = text[text.index('data-testid="batches"') : text.index('data-testid="shipments"')]
    for batch in tables["batches"]:
        assert activity(batch["calibration_activity_bq"], "GBq") in batches
        assert short(batch["calibration_time"]) in batches
    assert len(re.findall(r"<tr>", batches.split("<tbody>")[1])) == len(tables["batches"])
    cells = re.findall(r'<td class="num">([^<]*)</td>', batches)
    assert all(c.endswith(" GBq") for c in cells)
    shipments = text[text.index('data-testid="shipments"') :]
    for ship in tables["shipments"]:
        assert short(ship["departure_time"]) in shipments
        assert (
            f"{ship['packages']} Type A" in shipments or f"{ship['packages']} Type B" in shipments
        )
    assert 'data-testid="plan-form"' in text


@pytest.mark.parametrize(("username", "form"), [("ada", True), ("reg", False)])
def test_the_plan_button_is_there_for_those_who_may_plan(
    world: Any, client: TestClient, username: str, form: bool
) -> None:
    sign_in(client, username)
    text = client.get("/ui/networks/tiny/radiopharmacies/pharmacy").text
    assert ('data-testid="plan-form"' in text) is form


def test_the_plan_button_runs_a_plan_as_a_job(world: Any, client: TestClient) -> None:
    sign_in(client, "pharm")
    reply = client.post(
        "/ui/networks/tiny/radiopharmacies/pharmacy/plan",
        data={"days": "7", "start": "2026-01-05", "method": "milp"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    page = reply.headers["location"]
    run_id = int(page.rsplit("/", 1)[1])
    deadline = time.monotonic() + 300  # stops a hung job only; no timing is asserted
    while time.monotonic() < deadline:
        status = client.get(f"/ui/runs/{run_id}/status").json()
        if status["status"] in FINISHED:
            break
        time.sleep(0.2)
    assert status["status"] == "succeeded", status["message"]
    with world.state.db.session(readonly=True) as session:
        run = session.get(Run, run_id)
        assert run is not None
        assert (run.kind, run.created_by, run.scope_site) == ("plan", "pharm", "pharmacy")
        assert run.options["method"] == "milp"
        assert run.options["start"] == "2026-01-05"
        assert [o["patient"] for o in run.orders] == ["p-100"]
    text = client.get(page).text
    assert "succeeded" in text
    assert 'data-testid="figures"' in text
    sheet = client.get("/ui/networks/tiny/radiopharmacies/pharmacy").text
    assert f"run {run_id}</a>" in sheet


@pytest.mark.parametrize(
    ("data", "words"), [({"days": "0"}, "days"), ({"start": "tomorrow"}, "start")]
)
def test_a_refused_plan_says_why(
    world: Any, client: TestClient, data: dict[str, str], words: str
) -> None:
    sign_in(client, "pharm")
    reply = client.post("/ui/networks/tiny/radiopharmacies/pharmacy/plan", data=data)
    assert reply.status_code == 400
    assert words in reply.text
    with world.state.db.session(readonly=True) as session:
        assert session.query(Run).count() == 0


def test_a_regulator_may_not_plan(world: Any, client: TestClient) -> None:
    sign_in(client, "reg")
    reply = client.post("/ui/networks/tiny/radiopharmacies/pharmacy/plan", data={"days": "7"})
    assert reply.status_code == 403
    with world.state.db.session(readonly=True) as session:
        assert session.query(Run).count() == 0


# --- runs ------------------------------------------------------------------------------------
def test_a_runs_figures_are_words_with_units(world: Any, client: TestClient) -> None:
    run_id = finished_plan(world)
    kpis = stored_result(world, run_id)["summary"]["kpis"]
    sign_in(client, "reg")
    text = client.get(f"/ui/runs/{run_id}").text
    figures = dict(re.findall(r'<th scope="row">([^<]*)</th><td class="num">([^<]*)</td>', text))
    assert figures["Appointments booked"] == str(kpis["appointments"])
    assert figures["Not served"] == str(kpis["unserved"])
    assert figures["Activity administered to patients"] == activity(
        kpis["activity_administered_bq"]
    )
    assert figures["Activity administered to patients"].endswith(" GBq")
    share = (kpis["treated_on_day"] + kpis["moved"]) / kpis["appointments"]
    assert (
        figures["Share of appointments treated"] == f"{100 * share:.1f}".removesuffix(".0") + " %"
    )


def test_a_hospital_sees_the_figures_of_its_own_doses(world: Any, client: TestClient) -> None:
    run_id = finished_plan(world)
    doses = [
        d for d in stored_result(world, run_id)["tables"]["doses"] if d["hospital"] == "hospital-a"
    ]
    sign_in(client, "hosp-a")
    text = client.get(f"/ui/runs/{run_id}").text
    assert "your part of the plan" in text
    figures = {
        html.unescape(k): v
        for k, v in re.findall(r'<th scope="row">([^<]*)</th><td class="num">([^<]*)</td>', text)
    }
    assert figures["Appointments booked"] == str(len(doses))
    assert "Cost (in the network's currency)" not in figures


def test_two_runs_side_by_side(world: Any, client: TestClient) -> None:
    a = finished_plan(world)
    b = finished_plan(world, days=3)
    ka, kb = (stored_result(world, r)["summary"]["kpis"] for r in (a, b))
    sign_in(client, "ada")
    text = client.get(f"/ui/compare?a={a}&b={b}").text
    rows = re.findall(
        r'<th scope="row">([^<]*)</th>\s*<td class="num[^"]*">([^<]*)</td>\s*'
        r'<td class="num[^"]*">([^<]*)</td>\s*<td class="num">([^<]*)</td>',
        text,
    )
    table = {html.unescape(label): (x, y, change) for label, x, y, change in rows}
    assert table["Appointments booked"][:2] == (str(ka["appointments"]), str(kb["appointments"]))
    cost = table["Cost (in the network's currency)"]
    assert cost[0] == f"{round(ka['cost']):,d}"
    assert cost[1] == f"{round(kb['cost']):,d}"
    assert cost[2] == (
        "same" if round(kb["cost"]) == round(ka["cost"]) else
        f"{'+' if kb['cost'] > ka['cost'] else '-'}{round(abs(kb['cost'] - ka['cost'])):,d}"
    )  # fmt: skip


# --- numbers for people, offline assets -----------------------------------------------------
def test_pages_show_numbers_for_people(world: Any, client: TestClient) -> None:
    a, b = finished_plan(world), finished_plan(world, days=3)
    pages = [*PAGES[1:5], f"/ui/runs/{a}", f"/ui/compare?a={a}&b={b}", "/ui/networks/tiny?day=all"]
    for username in ("ada", "pharm"):
        sign_in(client, username)
        for page in pages:
            reply = client.get(page)
            if reply.status_code == 404:
                continue
            visible = re.sub(r"<[^>]+>", " ", reply.text)
            assert reply.status_code == 200, (page, reply.text)
            for bad in (r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"\d[eE][+-]?\d", r"\d{5,} ?Bq"):
                assert not re.search(bad, visible), (page, bad, re.search(bad, visible))


def test_the_dashboard_needs_nothing_from_another_site(world: Any, client: TestClient) -> None:
    finished_plan(world)
    sign_in(client, "ada")
    for page in PAGES[1:5]:
        text = client.get(page).text
        links = re.findall(r'(?:src|href)="([^"]+)"', text)
        assert links
        assert all(link.startswith(("/", "?")) for link in links), links
    for asset in ("/ui/static/dashboard.css", "/ui/static/dashboard.js"):
        reply = client.get(asset)
        assert reply.status_code == 200
        assert "http://" not in reply.text
        assert "https://" not in reply.text
