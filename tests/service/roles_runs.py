"""The runs routes' rows of the role matrix (``tests/service/test_roles.py``).

Objects: a finished plan in ``tiny`` (own) and in ``other`` (another network), stored with
their results by :func:`setup`; a new queued run per cancel call (own: started by the
radiopharmacy ``pharmacy`` of ``tiny``; neighbour: by the admin; other: in ``other``); a
hospital's deliveries at the hospital of the role's own, neighbour's or other network's
orders (:meth:`World.order_site`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from radiochain.service import tasks
from radiochain.service.models import NetworkVersion, Run
from tests.service.matrix import HIDDEN, OK, Call, Rule, Which, World
from tests.service.world import API

RUNS = f"{API}/runs"


def _network(which: Which) -> str:
    return "other" if which == "other" else "tiny"


def store_run(w: Any, network: str, **fields: Any) -> int:
    """A run of ``network``'s newest version, stored directly (no job); ``w`` is anything with
    the ``app`` (a world of the role matrix or of the fuzzing)."""
    with w.app.state.db.session() as session:
        version = session.execute(
            select(NetworkVersion)
            .where(NetworkVersion.name == network)
            .order_by(NetworkVersion.version.desc())
            .limit(1)
        ).scalar_one()
        options = tasks.plan_options({"method": "greedy"}, max_time_limit_s=600)
        values: dict[str, Any] = {
            "kind": "plan", "network_version_id": version.id, "orders": [],
            "options": options, "dataset": "radiochain", "dataset_version": "test",
            "status": "queued", "progress": 0.0, "message": "", "created_by": "admin",
        } | fields  # fmt: skip
        if values["status"] == "succeeded":
            result = tasks.execute("plan", version.payload, [], options, name=network)
            values["result"] = {"summary": result["summary"], "tables": result["tables"]}
        run = Run(**values)
        session.add(run)
        session.flush()
        return int(run.id)


def setup(w: World) -> None:
    """A finished plan in each network; the jobs of this app run in threads (fast)."""
    jobs = w.app.state.jobs
    jobs.settings = jobs.settings.model_copy(update={"local_processes": False})
    for network in ("tiny", "other"):
        w.objects[f"plan-{network}"] = store_run(
            w, network, status="succeeded", progress=1.0, scope_site="pharmacy"
        )


def _plan(w: World, which: Which) -> int:
    return int(w.objects[f"plan-{_network(which)}"])


def _start(w: World, role: str, which: Which) -> Call:
    body = {"kind": "plan", "network": _network(which), "options": {"method": "greedy"}}
    return Call("POST", RUNS, json=body)


def _cancel(w: World, role: str, which: Which) -> Call:
    site = "pharmacy" if which == "own" else None
    run_id = store_run(w, _network(which), scope_site=site)
    return Call("POST", f"{RUNS}/{run_id}/cancel")


def _deliveries(w: World, role: str, which: Which) -> Call:
    network, hospital = w.order_site(role, which)
    return Call("GET", f"{API}/deliveries", params={"network": network, "hospital": hospital})


#                         admin  regulator producer radiopharmacy hospital
RULES: dict[tuple[str, str], Rule] = {
    ("POST", RUNS): Rule(
        call=_start,
        own=(OK, 403, 403, OK, 403),
        other=(OK, 403, 403, 404, 403),
    ),
    ("GET", RUNS): Rule(
        call=lambda w, role, which: Call("GET", RUNS, params={"network": _network(which)}),
        own=(OK, OK, OK, OK, OK),
        other=(OK, OK, HIDDEN, HIDDEN, HIDDEN),
        listing=True,
    ),
    ("GET", f"{RUNS}/{{run_id}}"): Rule(
        call=lambda w, role, which: Call("GET", f"{RUNS}/{_plan(w, which)}"),
        own=(OK, OK, OK, OK, OK),
        other=(OK, OK, 404, 404, 404),
    ),
    ("GET", f"{RUNS}/{{run_id}}/result"): Rule(
        call=lambda w, role, which: Call("GET", f"{RUNS}/{_plan(w, which)}/result"),
        own=(OK, OK, OK, OK, OK),
        other=(OK, OK, 404, 404, 404),
    ),
    ("POST", f"{RUNS}/{{run_id}}/cancel"): Rule(
        call=_cancel,
        own=(OK, 403, 403, OK, 403),
        neighbour=(OK, 403, 403, 403, 403),
        other=(OK, 403, 403, 404, 403),
        sites=True,
    ),
    ("GET", f"{API}/deliveries"): Rule(
        call=_deliveries,
        own=(OK, OK, 403, OK, OK),
        neighbour=(OK, OK, 403, 404, 404),
        other=(OK, OK, 403, 404, 404),
        sites=True,
    ),
}
