"""The dashboard in a real headless browser: Debian's ``chromium`` driven by Playwright with
the system browser (never a downloaded one), against ``radiochain serve`` started as a process
on an SQLite file, the way a user starts it.

The scenario: every role signs in; the producer declares its capacity and an outage from its
page; a hospital places an order, changes it, places another and cancels it; the radiopharmacy
runs a plan and follows it until its result shows; the hospital sees its delivery with the ETA
the API gives; a hospital asks for another hospital's page and is refused. Screenshots (PNG) of each
step are written under the test's folder and the last set is copied to ``out/screenshots/``.

Without Playwright or ``/usr/bin/chromium`` the test is skipped, and fails when
``RADIOCHAIN_REQUIRE_BROWSER=1`` (``make test`` sets it and installs Debian's ``chromium``).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from radiochain.network import read_network
from radiochain.network.examples import example_path
from radiochain.service.db import Database
from radiochain.service.services.networks import export_bytes
from radiochain.service.services.users import create_user
from tests.service.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
USERS = {
    "ada": ("admin", None, None),
    "reg": ("regulator", None, None),
    "prod": ("producer", "tiny", "reactor"),
    "pharm": ("radiopharmacy", "tiny", "pharmacy"),
    "hosp-a": ("hospital", "tiny", "hospital-a"),
}
WAIT_S = 300.0
"""Longest wait for the server or a run: it only stops a hung test (no timing is asserted)."""


def _missing(reason: str) -> None:
    if os.environ.get("RADIOCHAIN_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    """Playwright, or a skip (a failure under ``RADIOCHAIN_REQUIRE_BROWSER=1``)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing(
            "Playwright is not installed (pip install playwright; the system chromium is used)"
        )
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} is missing (apt-get install chromium; make test installs it)")
    with sync_playwright() as driver:
        yield driver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``radiochain serve`` on a new SQLite file with a user of every role; its base URL."""
    url = f"sqlite:///{tmp_path / 'radiochain.db'}"
    database = Database(url)
    database.upgrade()
    with database.session() as session:
        for username, (role, network, site) in USERS.items():
            create_user(
                session, username=username, password=PASSWORD, role=role, network=network,
                site=site,
            )  # fmt: skip
    database.dispose()
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "radiochain", "serve", "--db", url, "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "RADIOCHAIN_LOCAL_WORKERS": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, tmp_path / "server.log")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"radiochain serve stopped: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/ui/login", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("radiochain serve did not answer")


def _bearer(base: str, username: str) -> dict[str, str]:
    reply = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def _import_tiny(base: str) -> None:
    """The admin imports the bundled ``tiny`` network through the API."""
    payload = export_bytes(read_network(example_path("tiny")))
    reply = httpx.post(
        f"{base}/api/v1/networks",
        content=payload,
        headers={**_bearer(base, "ada"), "Content-Type": "application/json"},
        timeout=60,
    )
    assert reply.status_code == 201, reply.text


class Shots:
    """Numbered screenshots of whole pages."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[Path] = []

    def __call__(self, page: Any, name: str) -> None:
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)

    def publish(self) -> None:
        """Copy this set to ``out/screenshots/`` (ignored by git), replacing the last one."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("*.png"):
            old.unlink()
        for path in self.taken:
            shutil.copy2(path, SCREENSHOTS / path.name)


def _sign_in(browser: Any, base: str, username: str) -> Any:
    """A new browser context (its own cookies) signed in as ``username``; its page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/ui")
    assert "/ui/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    signed_in = page.text_content("[data-testid=signed-in-as]") or ""
    assert username in signed_in
    return page


def _text(page: Any, selector: str) -> str:
    return " ".join((page.text_content(selector) or "").split())


def test_every_role_in_a_real_browser(playwright: Any, server: str, tmp_path: Path) -> None:
    base, shots = server, Shots(tmp_path)
    _import_tiny(base)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    try:
        _scenario(browser, base, shots)
    finally:
        browser.close()
        shots.publish()


def _scenario(browser: Any, base: str, shots: Shots) -> None:
    # the admin and the regulator see the networks; the producer its network's map
    for username in ("ada", "reg"):
        page = _sign_in(browser, base, username)
        assert page.url.endswith("/ui/networks")
        page.click("text=tiny")
        assert page.locator("svg.map path.outline").count() >= 1
        shots(page, f"{username}-network-before-planning")
        page.context.close()
    _producer_declares(browser, base, shots)
    hospital = _hospital_orders(browser, base, shots)

    # the radiopharmacy sees the order of its region, runs a plan and follows it
    pharmacy = _sign_in(browser, base, "pharm")
    assert pharmacy.url.endswith("/ui/networks/tiny/radiopharmacies/pharmacy")
    assert "p-browser-1" in _text(pharmacy, "[data-testid=region-orders]")
    pharmacy.fill("input[name=start]", "2026-01-05")
    pharmacy.fill("input[name=days]", "7")
    pharmacy.select_option("select[name=method]", "milp")
    pharmacy.click("[data-testid=plan-form] button[type=submit]")
    pharmacy.wait_for_url(re.compile(r".*/ui/runs/\d+$"))
    shots(pharmacy, "run-submitted")
    run_id = int(pharmacy.url.rsplit("/", 1)[1])
    pharmacy.wait_for_function(
        "() => ['succeeded', 'failed', 'cancelled'].includes("
        "(document.querySelector('[data-testid=run-status]') || {}).textContent)",
        timeout=WAIT_S * 1000,
    )
    pharmacy.wait_for_selector("[data-testid=figures]", timeout=WAIT_S * 1000)
    assert _text(pharmacy, "[data-testid=run-status]") == "succeeded"
    shots(pharmacy, "run-succeeded")
    pharmacy.goto(f"{base}/ui/networks/tiny/radiopharmacies/pharmacy")
    assert pharmacy.locator("[data-testid=batches] tbody tr").count() >= 1
    assert re.search(r"\d GBq", _text(pharmacy, "[data-testid=batches]"))
    shots(pharmacy, "production-sheet")

    # the hospital sees its delivery, with the ETA the API gives
    hospital.goto(f"{base}/ui/networks/tiny/hospitals/hospital-a")
    deliveries = _text(hospital, "[data-testid=deliveries]")
    assert "p-browser-1" in deliveries
    etas = httpx.get(
        f"{base}/api/v1/deliveries",
        params={"network": "tiny", "hospital": "hospital-a", "run": run_id},
        headers=_bearer(base, "hosp-a"),
    ).json()
    mine = [d for d in etas if d["appointment"] and d["arrival_time"]]
    assert mine
    from radiochain.service.dashboard.formatting import short

    for delivery in mine:
        assert short(delivery["arrival_time"]) in deliveries
    shots(hospital, "hospital-delivery")

    # ... and is refused another hospital's page (as if it did not exist)
    reply = hospital.goto(f"{base}/ui/networks/tiny/hospitals/hospital-b")
    assert reply is not None
    assert reply.status == 404
    assert "Not found" in _text(hospital, "h1")
    shots(hospital, "hospital-refused-another-hospital")

    # the admin sees the flows on the map, and two runs side by side
    admin = _sign_in(browser, base, "ada")
    admin.goto(f"{base}/ui/networks/tiny?day=all")
    assert admin.locator("svg.map line.flow").count() >= 1
    shots(admin, "admin-map-with-flows")
    admin.goto(f"{base}/ui/runs/{run_id}")
    shots(admin, "admin-run")
    second = _second_run(base)
    admin.goto(f"{base}/ui/compare?a={run_id}&b={second}")
    assert admin.locator("[data-testid=compare] tbody tr").count() >= 5
    shots(admin, "admin-compare")
    admin.context.close()


def _producer_declares(browser: Any, base: str, shots: Shots) -> None:
    """The producer's page: its capacity and outages; it declares a new capacity and an
    outage (after the planned week, so that the plan below still has its nuclide)."""
    page = _sign_in(browser, base, "prod")
    assert page.url.endswith("/ui/networks/tiny/producers/reactor")
    assert "80.0 GBq" in _text(page, "[data-testid=capacity]")
    shots(page, "producer-page")
    form = "[data-testid=capacity-form]"
    page.fill(f"{form} input[name=capacity_per_delivery]", "120 GBq")
    page.fill(f"{form} input[name=capacity_per_week]", "200 GBq")
    page.fill(f"{form} input[name=note]", "second target from January")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("[data-testid=notice]")
    assert "version 2 of tiny" in _text(page, "[data-testid=notice]")
    facts = _text(page, "[data-testid=capacity]")
    assert "120 GBq" in facts
    assert "200 GBq" in facts
    form = "[data-testid=outage-form]"
    page.fill(f"{form} input[name=start]", "2026-02-02")
    page.fill(f"{form} input[name=end]", "2026-02-04")
    page.fill(f"{form} input[name=note]", "annual maintenance")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("text=Outage of reactor-lu177 declared")
    assert "annual maintenance" in _text(page, "[data-testid=outages]")
    shots(page, "producer-declared")
    # a capacity without a unit is refused beside the form, with the reason
    form = "[data-testid=capacity-form]"
    page.fill(f"{form} input[name=capacity_per_delivery]", "120")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"{form} [data-testid=declare-error]")
    assert "no unit" in _text(page, f"{form} [data-testid=declare-error]")
    shots(page, "producer-refused")
    page.context.close()


def _order_row(page: Any, patient: str) -> Any:
    return page.locator("[data-testid=orders] tbody tr", has_text=patient)


def _hospital_orders(browser: Any, base: str, shots: Shots) -> Any:
    """A hospital places an order, changes its window and activity, places another and
    cancels it (confirming); the first order stays for the plan. The hospital's page."""
    hospital = _sign_in(browser, base, "hosp-a")
    assert hospital.url.endswith("/ui/networks/tiny/hospitals/hospital-a")
    for patient in ("p-browser-1", "p-browser-2"):
        hospital.fill("input[name=patient]", patient)
        hospital.fill("input[name=date]", "2026-01-08")
        hospital.fill("input[name=earliest_date]", "2026-01-07")
        hospital.fill("input[name=latest_date]", "2026-01-09")
        hospital.fill("input[name=prescribed_activity]", "7.4 GBq")
        if patient == "p-browser-1":
            shots(hospital, "hospital-order-form")
        hospital.click("[data-testid=order-form] button[type=submit]")
        hospital.wait_for_selector("[data-testid=placed]")
        assert patient in _text(hospital, "[data-testid=orders]")
    shots(hospital, "hospital-orders-placed")
    # change the first order: a wider window, another activity
    _order_row(hospital, "p-browser-1").locator("text=Change").click()
    form = "[data-testid=change-form]"
    hospital.wait_for_selector(form)
    hospital.fill(f"{form} input[name=latest_date]", "2026-01-10")
    hospital.fill(f"{form} input[name=prescribed_activity]", "7 GBq")
    shots(hospital, "hospital-order-change-form")
    hospital.click(f"{form} button[type=submit]")
    hospital.wait_for_selector("[data-testid=notice]")
    assert "changed" in _text(hospital, "[data-testid=notice]")
    changed = " ".join(_order_row(hospital, "p-browser-1").inner_text().split())
    assert "7.00 GBq" in changed
    assert "Sat 10 Jan" in changed
    assert "revision 2" in changed
    # a change the service refuses is shown beside the form
    _order_row(hospital, "p-browser-1").locator("text=Change").click()
    hospital.fill(f"{form} input[name=prescribed_activity]", "7")
    hospital.click(f"{form} button[type=submit]")
    hospital.wait_for_selector("[data-testid=order-error]")
    assert "unit" in _text(hospital, "[data-testid=order-error]")
    hospital.click("text=Keep it as it is")
    # cancel the second order, confirming the question
    questions: list[str] = []

    def answer(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.accept()

    hospital.once("dialog", answer)
    _order_row(hospital, "p-browser-2").locator("button:has-text('Cancel')").click()
    hospital.wait_for_selector("text=cancelled.")
    assert questions
    assert "Cancel order" in questions[0]
    row = _order_row(hospital, "p-browser-2")
    assert "cancelled" in (row.get_attribute("class") or "")
    assert row.locator("button").count() == 0
    shots(hospital, "hospital-order-changed-and-cancelled")
    return hospital


def _second_run(base: str) -> int:
    """A shorter plan started through the API by the admin, followed until it ends."""
    headers = _bearer(base, "ada")
    reply = httpx.post(
        f"{base}/api/v1/runs",
        json={"kind": "plan", "network": "tiny", "options": {"start": "2026-01-05", "days": 3}},
        headers=headers,
    )
    assert reply.status_code == 202, reply.text
    run_id = int(reply.json()["id"])
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        status = httpx.get(f"{base}/api/v1/runs/{run_id}", headers=headers).json()["status"]
        if status in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.3)
    assert status == "succeeded"
    return run_id
