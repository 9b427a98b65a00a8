"""Pages: sign in and out, the networks, a network's map with the flows of its newest plan,
a run's key figures, two runs side by side."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from radiochain.network.core import Network
from radiochain.service import deps
from radiochain.service.dashboard import data, kpis, producers, svgmap
from radiochain.service.dashboard.formatting import activity, count
from radiochain.service.dashboard.web import (
    PREFIX,
    PageRoute,
    PageUser,
    path_for,
    render,
    safe_next,
)
from radiochain.service.models import User
from radiochain.service.services import runs, users

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
FINISHED = ("succeeded", "failed", "cancelled")


def _set_cookie(request: Request, response: Response, token: str, ttl_s: float) -> None:
    response.set_cookie(
        deps.COOKIE,
        token,
        max_age=int(ttl_s),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


@router.get("/login", name="login")
def login_form(request: Request, next: str = "") -> HTMLResponse:
    """The sign-in form."""
    return render(request, "login.html", {"title": "Sign in", "next": safe_next(next), "error": ""})


@router.post("/login", name="login_submit")
def login_submit(
    request: Request,
    session: deps.SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Sign in: a token in an HttpOnly, SameSite=Strict cookie, then the page asked for."""
    ttl = deps.settings(request).token_ttl_s
    token = users.login(session, username.strip(), password, ttl) if username else None
    if token is None:
        context = {
            "title": "Sign in",
            "next": safe_next(next),
            "error": "wrong username or password",
        }
        return render(request, "login.html", context, status_code=401)
    session.commit()  # before the browser follows the redirect with the new token
    response = RedirectResponse(safe_next(next), status_code=303)
    _set_cookie(request, response, token, ttl)
    return response


@router.post("/logout", name="logout")
def logout(request: Request, session: deps.SessionDep) -> Response:
    """Sign out: the token is revoked and the cookie removed."""
    token = request.cookies.get(deps.COOKIE)
    if token:
        users.logout(session, token)
        session.commit()  # revoked before the response says so
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(deps.COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("", name="home")
def home(request: Request, user: PageUser) -> Response:
    """Each role's own first page."""
    if user.role == "hospital" and user.network and user.site:
        target = path_for(request, "hospital", name=user.network, site=user.site)
    elif user.role == "radiopharmacy" and user.network and user.site:
        target = path_for(request, "radiopharmacy", name=user.network, site=user.site)
    elif user.role == "producer" and user.network and user.site:
        target = path_for(request, "producer_site", name=user.network, site=user.site)
    else:
        target = path_for(request, "networks")
    return RedirectResponse(target, status_code=303)


@router.get("/networks", name="networks")
def networks(request: Request, user: PageUser, session: deps.SessionDep) -> HTMLResponse:
    """The networks the user may look at, each with its newest plan."""
    rows = [
        {"version": v, "plan": data.newest_plan(session, user, v.name)}
        for v in data.visible_networks(session, user)
    ]
    return render(request, "networks.html", {"title": "Networks", "rows": rows})


def _today(network: Network) -> str:
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(network.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return dt.datetime.now(zone).date().isoformat()


def _site_link(request: Request, user: User, place: data.Place) -> Any:
    def link(site: svgmap.Site) -> str | None:
        if site.kind == "hospital" and data.may_see_hospital(user, place, site.site):
            return path_for(request, "hospital", name=place.name, site=site.site)
        if site.kind == "radiopharmacy" and data.may_see_radiopharmacy(user, place, site.site):
            return path_for(request, "radiopharmacy", name=place.name, site=site.site)
        return None

    return link


def _describe(network: Network) -> Any:
    def describe(flow: svgmap.Flow) -> str:
        a, b = data.site_name(network, flow.from_site), data.site_name(network, flow.to_site)
        if flow.doses == 0:
            what = f"{count(flow.shipments)} bulk shipment(s)"
        else:
            what = f"{count(flow.doses)} dose(s) in {count(flow.shipments)} shipment(s)"
        return f"{a} → {b}: {what}, {activity(flow.activity_bq)} at departure"

    return describe


def _chosen_day(tables: data.PlanTables, network: Network, asked: str | None) -> str | None:
    """The day whose flows are drawn: the one asked for, else today when the plan ships
    today, else the whole plan (``None``)."""
    days = data.days_of(tables)
    if asked in days:
        return asked
    if asked is None and _today(network) in days:
        return _today(network)
    return None


def _maps(
    request: Request, user: User, place: data.Place, flows: list[svgmap.Flow]
) -> list[dict[str, Any]]:
    network = place.network
    sites = data.sites_of(network)
    link, describe = _site_link(request, user, place), _describe(network)
    national = svgmap.national_frame()
    maps = [
        {
            "title": "National outline",
            "svg": svgmap.network_svg(
                sites, flows, frame=national, link=link, describe=describe, labels=False,
                title=f"{network.name} on the national outline", mine=user.site,
            ),
        }
    ]  # fmt: skip
    close = svgmap.network_frame(sites, ratio=national.height / national.width)
    if close is not None and (close.east - close.west) < 0.5 * (national.east - national.west):
        maps.append(
            {
                "title": "The network's area",
                "svg": svgmap.network_svg(
                    sites, flows, frame=close, link=link, describe=describe,
                    title=f"{network.name}, its area", mine=user.site,
                ),
            }
        )  # fmt: skip
    return maps


@router.get("/networks/{name}", name="network")
def network_page(
    request: Request,
    name: str,
    user: PageUser,
    session: deps.SessionDep,
    day: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    """The network on the national outline with the flows of its newest plan (those the
    user may see)."""
    place = data.newest(session, user, name)
    network = place.network
    plan = data.newest_plan(session, user, name)
    tables = data.result(session, user, plan.run.id) if plan else data.PlanTables()
    chosen = _chosen_day(tables, network, day)
    flows = data.flows(tables, chosen)
    context = {
        "title": name,
        "network": network,
        "version": place.version,
        "plan": plan.run if plan else None,
        "days": data.days_of(tables),
        "day": chosen,
        "today": _today(network),
        "maps": _maps(request, user, place, flows),
        "legend": svgmap.legend_kinds(data.sites_of(network)),
        "flows": _flow_rows(network, flows),
        "producers": _producer_rows(request, user, place),
        "pharmacies": _site_rows(request, user, place, "radiopharmacy"),
        "hospitals": _site_rows(request, user, place, "hospital"),
        "runs": [f.run for f in data.run_list(session, user, name)],
    }
    return render(request, "network.html", context)


def _flow_rows(network: Network, flows: list[svgmap.Flow]) -> list[dict[str, Any]]:
    rows = [
        {
            "from": data.site_name(network, f.from_site),
            "to": data.site_name(network, f.to_site),
            "doses": f.doses,
            "shipments": f.shipments,
            "activity_bq": f.activity_bq,
        }
        for f in flows
    ]
    return sorted(rows, key=lambda r: (-r["doses"], r["from"], r["to"]))


def _producer_rows(request: Request, user: User, place: data.Place) -> list[dict[str, Any]]:
    """Each producer's declared capacity and planned outages, linked to its site's page when
    the user may open it."""
    rows = producers.producer_rows(place.network)
    for row in rows:
        site = row["site"]
        may = data.may_see_producer_site(user, place, site)
        row["href"] = (
            path_for(request, "producer_site", name=place.name, site=site) if may else None
        )
    return rows


def _site_rows(request: Request, user: User, place: data.Place, kind: str) -> list[dict[str, Any]]:
    network = place.network
    link = _site_link(request, user, place)
    rows = []
    for key in data.sites_by_kind(network, kind):
        marker = svgmap.Site(key, data.site_name(network, key), kind, 0.0, 0.0)
        rows.append(
            {"name": marker.name, "place": data.place_of(network, key), "href": link(marker)}
        )
    return rows


# --- runs ------------------------------------------------------------------------------------


def run_kpis(user: User, tables: data.PlanTables) -> dict[str, Any]:
    """The key figures a reader may see: the whole plan's for admins and regulators, those of
    their own rows (as the runs service restricts them) for the others."""
    if data.sees_everything(user):
        return tables.kpis
    served = [d for d in tables.doses if d.get("status") in ("served", "moved")]
    own: dict[str, Any] = {
        "appointments": len(tables.doses),
        "treated_on_day": sum(1 for d in served if d.get("status") == "served"),
        "moved": sum(1 for d in served if d.get("status") == "moved"),
        "unserved": len(tables.doses) - len(served),
        "shipments": len(tables.shipments),
        "activity_administered_bq": sum(
            float(d.get("activity_at_administration_bq") or 0.0) for d in served
        ),
    }
    if user.role == "radiopharmacy":
        own["batches"] = len(tables.batches)
        own["activity_produced_bq"] = sum(
            float(b.get("calibration_activity_bq") or 0.0) for b in tables.batches
        )
    if user.role == "producer":
        own = {"shipments": len(tables.shipments)}
    return own


@router.get("/runs/{run_id}", name="run")
def run_page(
    request: Request,
    run_id: Annotated[int, Path(ge=1, le=2**62)],
    user: PageUser,
    session: deps.SessionDep,
) -> Response:
    """A run: its status while it runs, then its key figures in words."""
    found = runs.get_run(session, user, run_id)
    run = found.run
    tables = data.result(session, user, run_id)
    context = {
        "title": f"Run {run.id}",
        "run": run,
        "found": found,
        "figures": kpis.figures(run_kpis(user, tables)) if tables.summary else [],
        "summary": tables.summary,
        "options": kpis.option_words(dict(run.options or {})),
        "whole": data.sees_everything(user),
        "finished": run.status in FINISHED,
    }
    return render(request, "run.html", context)


@router.get("/runs/{run_id}/status", name="run_status")
def run_status(
    run_id: Annotated[int, Path(ge=1, le=2**62)], user: PageUser, session: deps.SessionDep
) -> JSONResponse:
    """What the run page polls: ``status``, ``progress_fraction``, ``message``."""
    run = runs.get_run(session, user, run_id).run
    return JSONResponse(
        {
            "status": run.status,
            "progress_fraction": float(run.progress or 0.0),
            "message": run.message or "",
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get("/compare", name="compare")
def compare(
    request: Request,
    user: PageUser,
    session: deps.SessionDep,
    a: Annotated[int, Query(ge=1, le=2**62)],
    b: Annotated[int, Query(ge=1, le=2**62)],
) -> HTMLResponse:
    """Two runs side by side: each figure, the change from a to b, and which is better."""
    left, right = runs.get_run(session, user, a), runs.get_run(session, user, b)
    rows = kpis.side_by_side(
        run_kpis(user, data.result(session, user, a)),
        run_kpis(user, data.result(session, user, b)),
    )
    context = {"title": f"Runs {a} and {b}", "a": left, "b": right, "rows": rows}
    return render(request, "compare.html", context)
