"""A producer site's page in the dashboard, through HTTP on SQLite and PostgreSQL: its
producers' capacity and planned outages, the forms that declare them (calling the producers
service as the API does), who may see and use them, and the producers on the network page.

Facts asserted come from outside the pages: the network versions the service stores, read by
the library, and the audit trail.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from radiochain.network.jsonio import parse_json_network
from radiochain.service import audit
from radiochain.service.models import AuditEntry
from radiochain.service.services import networks
from tests.service.test_dashboard import sign_in, store_tiny


@pytest.fixture
def world(app: Any) -> Any:
    """``tiny`` and ``other`` (another tenant)."""
    store_tiny(app)
    store_tiny(app, "other")
    return app


PRODUCER_PAGE = "/ui/networks/tiny/producers/reactor"
CAPACITY_FORM = {
    "producer": "reactor-lu177", "capacity_per_delivery": "100 GBq", "capacity_per_week": "",
    "output_days": "Mon,Thu", "output_time": "06:00", "note": "",
}  # fmt: skip
OUTAGE_FORM = {"producer": "reactor-lu177", "start": "2026-01-12", "end": "2026-01-14",
               "note": "valve maintenance"}  # fmt: skip


def _newest_producer(app: Any) -> tuple[int, Any]:
    """(version, the producers row of reactor-lu177) of the newest version of tiny."""
    with app.state.db.session(readonly=True) as session:
        version = networks.get_version(session, "tiny", None)
        network = parse_json_network(version.payload, where="tiny.json")
        return version.version, network


def test_a_producer_declares_capacity_and_an_outage_from_its_page(
    world: Any, client: TestClient
) -> None:
    """The producer's first page is its site's; its forms call the producers service: a new
    version of the network with the declared capacity, then with the outage; the page and
    the network page show them."""
    sign_in(client, "prod")
    assert client.get("/ui", follow_redirects=False).headers["location"] == PRODUCER_PAGE
    text = client.get(PRODUCER_PAGE).text
    facts = text[text.index('data-testid="capacity"') :]
    assert "80.0 GBq" in facts
    assert "Mon,Thu at 06:00" in facts
    assert 'data-testid="capacity-form"' in text
    assert 'data-testid="outage-form"' in text
    field = re.search(r'<input name="capacity_per_delivery"[^>]*>', text)
    assert field is not None
    assert 'value="80 GBq"' in field.group(0)
    reply = client.post(f"{PRODUCER_PAGE}/capacity", data=CAPACITY_FORM, follow_redirects=False)
    assert reply.status_code == 303, reply.text
    location = reply.headers["location"]
    assert location == f"{PRODUCER_PAGE}?producer=reactor-lu177&capacity=2#producer-reactor-lu177"
    version, network = _newest_producer(world)
    assert version == 2
    assert network.producers.at["reactor-lu177", "capacity_per_delivery_bq"] == 100e9
    assert network.written("producers", "reactor-lu177", "capacity_per_delivery_bq") == "100 GBq"
    shown = client.get(location).text
    assert "Capacity of reactor-lu177 declared: version 2 of tiny." in shown
    assert "100 GBq" in shown[shown.index('data-testid="capacity"') :]
    # the same form again: nothing changes
    again = client.post(f"{PRODUCER_PAGE}/capacity", data=CAPACITY_FORM, follow_redirects=False)
    assert again.headers["location"].startswith(f"{PRODUCER_PAGE}?producer=reactor-lu177&kept=2")
    assert "nothing changed" in client.get(again.headers["location"]).text
    # an outage
    reply = client.post(f"{PRODUCER_PAGE}/outages", data=OUTAGE_FORM, follow_redirects=False)
    assert reply.status_code == 303, reply.text
    assert "outage=3" in reply.headers["location"]
    version, network = _newest_producer(world)
    assert version == 3
    assert network.shutdowns["reason"].tolist() == ["valve maintenance"]
    shown = client.get(reply.headers["location"]).text
    outages = shown[shown.index('data-testid="outages"') :]
    assert "Mon 12 Jan 2026" in outages
    assert "Wed 14 Jan 2026" in outages
    assert "valve maintenance" in outages
    with world.state.db.session(readonly=True) as session:
        actions = session.execute(
            select(AuditEntry.action, AuditEntry.actor).where(AuditEntry.entity == "network")
        ).all()
        assert [tuple(a) for a in actions][-2:] == [
            ("network.capacity", "prod"), ("network.outage", "prod"),
        ]  # fmt: skip
        assert audit.verify(session).ok
    # every user of the network sees the producers' capacity on the network page
    sign_in(client, "hosp-a")
    page = client.get("/ui/networks/tiny").text
    table = page[page.index('data-testid="producers"') :]
    assert "100 GBq" in table
    assert "Mon 12 Jan to Wed 14 Jan" in table
    assert PRODUCER_PAGE not in page  # a hospital does not open the producer's page


@pytest.mark.parametrize(
    ("path", "change", "status", "words"),
    [
        ("capacity", {"capacity_per_delivery": "100"}, 400, "no unit"),
        ("capacity", {"capacity_per_delivery": "100 GBqs"}, 400, "unit"),
        ("capacity", {"output_days": "someday"}, 400, "output_days"),
        ("capacity", {"capacity_per_week": "1 Bq"}, 400, "capacity_per_week_bq"),
        ("outages", {"end": "2026-01-10"}, 400, "before start"),
        ("outages", {"start": ""}, 400, "start"),
    ],
)
def test_a_refused_declaration_shows_the_reason_beside_its_form(
    world: Any, client: TestClient, path: str, change: dict[str, str], status: int, words: str
) -> None:
    sign_in(client, "prod")
    form = (CAPACITY_FORM if path == "capacity" else OUTAGE_FORM) | change
    reply = client.post(f"{PRODUCER_PAGE}/{path}", data=form)
    assert reply.status_code == status
    which = "capacity-form" if path == "capacity" else "outage-form"
    part = reply.text[reply.text.index(f'data-testid="{which}"') :]
    error = re.search(r'data-testid="declare-error">([^<]*)<', part)
    assert error is not None
    assert words in html.unescape(error.group(1))
    typed = next(v for k, v in change.items())
    if typed:
        assert f'value="{typed}"' in part  # what was typed stays
    assert _newest_producer(world)[0] == 1


@pytest.mark.parametrize(
    ("username", "page_status", "post_status"),
    [
        ("ada", 200, 303),
        ("reg", 200, 403),
        ("hosp-a", 404, 404),
        ("pharm", 404, 404),
        ("prod-x", 404, 404),
    ],
)
def test_who_sees_and_declares_for_a_producer_site(
    world: Any, client: TestClient, username: str, page_status: int, post_status: int
) -> None:
    sign_in(client, username)
    reply = client.get(PRODUCER_PAGE)
    assert reply.status_code == page_status
    if page_status == 200:
        may = username == "ada"
        assert ('data-testid="capacity-form"' in reply.text) is may
        assert ('data-testid="outage-form"' in reply.text) is may
    for path, form in (("capacity", CAPACITY_FORM), ("outages", OUTAGE_FORM)):
        done = client.post(f"{PRODUCER_PAGE}/{path}", data=form, follow_redirects=False)
        assert done.status_code == post_status, (path, done.text[:300])
    assert _newest_producer(world)[0] == (3 if post_status == 303 else 1)


def test_a_producer_declares_only_for_its_own_producers(world: Any, client: TestClient) -> None:
    """Another site's producer, or a name the site lacks, is not found from this page."""
    sign_in(client, "prod")
    for producer in ("cyclotron-lu177", "reactor-lu178", ""):
        reply = client.post(
            f"{PRODUCER_PAGE}/capacity", data=CAPACITY_FORM | {"producer": producer}
        )
        assert reply.status_code == 404
    assert client.get("/ui/networks/tiny/producers/hospital-a").status_code == 404
    assert _newest_producer(world)[0] == 1
