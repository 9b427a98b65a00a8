"""Example networks: bundled folders (``tiny``, ``china-2025``) and a synthetic generator.

``radiochain example NAME DIR`` copies a bundled example; ``radiochain example synthetic DIR
--hospitals N --seed S`` writes a generated one. Nothing is downloaded.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from radiochain.errors import InputError, elide
from radiochain.files import output_folder
from radiochain.network.core import Network
from radiochain.network.io import read_network, write_network
from radiochain.network.parse import parse_table
from radiochain.network.schema import schemas
from radiochain.physics.datasets import bundled_data_path

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius [km] (IUGG), for great-circle distances."""


MAX_SYNTHETIC_HOSPITALS = 100_000
"""Most hospitals a synthetic network may have (``--hospitals``; docs/nomenclature.md): some
300,000 appointments a week, ten times any national network. Measured on a 2-core machine:
written in 23 s, validated in 15 s within 0.9 GB, planned by ``plan --method greedy`` in
8.5 min at a peak of 5.5 GB (10,000 hospitals: 36 s, 1.9 GB; 30,000: 97 s, 5.2 GB). The
MILP is for a few thousand hospitals; the planner refuses an instance too large to build."""

GENERATED = ("synthetic", "clinical")
"""Example names that are not bundled network folders: the generator and the clinical inputs."""


def bundled_examples() -> dict[str, Path]:
    """Names and folders of the bundled example networks."""
    root = bundled_data_path("examples")
    return {p.name: p for p in sorted(root.iterdir()) if (p / "network.yaml").is_file()}


def example_names() -> list[str]:
    """Every name ``radiochain example`` takes: the bundled networks, then 'synthetic' and
    'clinical'."""
    return [*bundled_examples(), *GENERATED]


def example_path(name: str) -> Path:
    """Folder of a bundled example.

    Raises
    ------
    InputError
        No such example (the message lists the names).
    """
    examples = bundled_examples()
    if name not in examples:
        shown = f"unknown example {elide(name)!r}" if name.strip() else "empty example name"
        raise InputError(f"{shown} (examples: {', '.join(example_names())})")
    return examples[name]


def load_example(name: str) -> Network:
    """Read a bundled example network."""
    return read_network(example_path(name), strict=True)


def _destination(destination: str | Path) -> Path:
    """A new or empty folder to write an example into (created)."""
    return output_folder(destination, what="DIR", empty=True)


def copy_example(name: str, destination: str | Path) -> Path:
    """Copy a bundled example folder to ``destination`` (created; must be empty if it exists).

    Raises
    ------
    InputError
        Unknown example; the destination is empty, a file, not empty or not writable.
    """
    source = example_path(name)
    target = _destination(destination)
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def copy_clinical_inputs(destination: str | Path) -> Path:
    """Copy the illustrative inputs of the clinical commands (lesions, TAC, patient, plans)."""
    target = _destination(destination)
    shutil.copytree(bundled_data_path("examples_clinical"), target, dirs_exist_ok=True)
    return target


def write_example(
    name: str, destination: str | Path, *, hospitals: int | None = None, seed: int | None = None
) -> Path:
    """Write an example into a new or empty folder: a bundled network (``tiny``,
    ``china-2025``), a generated one (``synthetic``: ``hospitals`` default 100, ``seed``
    default 0), or the inputs of the clinical commands (``clinical``).

    Everything is checked before anything is written.

    Raises
    ------
    InputError
        Unknown or empty name (the names are listed), ``hospitals``/``seed`` given for an
        example that is not generated or out of range, a destination that is empty, a file,
        not empty or not writable.
    """
    if name not in example_names():
        example_path(name)  # raises with the list of names
    if name != "synthetic" and (hospitals is not None or seed is not None):
        given = "--hospitals" if hospitals is not None else "--seed"
        raise InputError(f"{given} applies to 'synthetic' only, not to example {name!r}")
    if name == "synthetic":
        count = 100 if hospitals is None else hospitals
        root = 0 if seed is None else seed
        _check_synthetic(count, root)
        target = _destination(destination)
        return write_network(synthetic_network(count, seed=root), target)
    if name == "clinical":
        return copy_clinical_inputs(destination)
    return copy_example(name, destination)


def _check_synthetic(hospitals: object, seed: object) -> None:
    if not isinstance(hospitals, int) or isinstance(hospitals, bool):
        raise InputError(f"--hospitals {elide(hospitals)!r}: give a whole number")
    if not 1 <= hospitals <= MAX_SYNTHETIC_HOSPITALS:
        raise InputError(
            f"--hospitals {hospitals}: give 1 to {MAX_SYNTHETIC_HOSPITALS:,} hospitals"
        )
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InputError(f"--seed {elide(seed)}: give a whole number >= 0")


def great_circle_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Haversine distance [km] between points given in degrees."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    result: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return result


def road_transit_h(
    distance_km: np.ndarray, *, speed_kmh: float = 60.0, handling_h: float = 0.5
) -> np.ndarray:
    """Door-to-door road time [h]: road distance taken as 1.3 x great-circle (a common
    detour factor), at ``speed_kmh`` average, plus ``handling_h``. An estimate."""
    result: np.ndarray = 1.3 * distance_km / speed_kmh + handling_h
    return result


def air_transit_h(
    distance_km: np.ndarray, *, speed_kmh: float = 700.0, ground_h: float = 5.0
) -> np.ndarray:
    """Door-to-door air time [h]: flight at ``speed_kmh`` plus ``ground_h`` for trucking to
    and from the airports, acceptance and handling. An estimate."""
    result: np.ndarray = distance_km / speed_kmh + ground_h
    return result


def _typed(network: Network, table: str, rows: pd.DataFrame) -> None:
    frame, _, problems = parse_table(schemas()[table], rows.astype(str), network.dataset)
    errors = [p for p in problems if p.level == "error"]
    if errors:  # a generator bug, not user input
        raise RuntimeError(f"synthetic {table}: {errors[0]}")
    network.set_table(table, frame)


def synthetic_network(
    hospitals: int, *, seed: int = 0, week_start: date | None = None, doses_per_week: float = 3.0
) -> Network:
    """A generated network of any size with the structure of a national one.

    One domestic reactor route for Lu-177, radiopharmacies (one per ~60 hospitals) placed at
    random city centres in a 3,000 km x 2,500 km region, hospitals scattered around them,
    road lanes from each radiopharmacy to its hospitals and air lanes from the reactor to the
    far radiopharmacies, and one week of Lu-177-PSMA and Lu-177-DOTATATE appointments
    (Poisson, ``doses_per_week`` per hospital on average). Every number is an estimate for
    scale tests, not a description of a real network.

    Parameters
    ----------
    hospitals : int
        Number of hospitals, 1 to :data:`MAX_SYNTHETIC_HOSPITALS`.
    seed : int
        Seed (>= 0) of the ``numpy.random.Generator``; the same seed gives the same network.

    Raises
    ------
    InputError
        ``hospitals`` or ``seed`` out of range.
    week_start : date, optional
        Monday of the demand week (default 2026-01-05).
    doses_per_week : float
        Mean appointments per hospital per week.
    """
    _check_synthetic(hospitals, seed)
    rng = np.random.default_rng(seed)
    monday = week_start or date(2026, 1, 5)
    n = Network(
        name=f"synthetic-{hospitals}-{seed}",
        timezone="Asia/Shanghai",
        description=f"Generated by radiochain (seed {seed}); all values are estimates.",
    )
    n.extra_meta = {"start_date": monday.isoformat()}
    source = "synthetic"
    _typed(
        n,
        "sources",
        pd.DataFrame(
            [
                {
                    "key": source,
                    "kind": "estimate",
                    "citation": "radiochain.network.examples.synthetic_network: "
                    "random structure for scale tests",
                }
            ]
        ),
    )
    n_pharm = max(1, round(hospitals / 60))
    lat0, lon0 = 31.0, 113.0
    pharm_lat = lat0 + rng.uniform(-11, 11, n_pharm)
    pharm_lon = lon0 + rng.uniform(-15, 15, n_pharm)
    owner = rng.integers(0, n_pharm, hospitals)
    hosp_lat = pharm_lat[owner] + rng.normal(0, 0.8, hospitals)
    hosp_lon = pharm_lon[owner] + rng.normal(0, 0.8, hospitals)
    pharm_names = [f"pharmacy-{i:03d}" for i in range(n_pharm)]
    hosp_names = [f"hospital-{i:05d}" for i in range(hospitals)]
    sites = pd.DataFrame(
        {
            "site": ["reactor", *pharm_names, *hosp_names],
            "kind": ["reactor"] + ["radiopharmacy"] * n_pharm + ["hospital"] * hospitals,
            "latitude_deg": np.concatenate([[30.43], pharm_lat, hosp_lat]).round(4),
            "longitude_deg": np.concatenate([[120.95], pharm_lon, hosp_lon]).round(4),
            "weekly_treatment_slots": [
                "",
                *[""] * n_pharm,
                *rng.integers(5, 30, hospitals).astype(str),
            ],
            "source": source,
            "estimate": "true",
        }
    )
    _typed(n, "sites", sites)
    _typed(
        n,
        "producers",
        pd.DataFrame(
            [
                {
                    "producer": "reactor-lu177",
                    "site": "reactor",
                    "nuclide": "Lu-177",
                    "route": "lu177-direct",
                    "output_days": "Mon,Thu",
                    "output_time": "06:00",
                    "capacity_per_delivery_bq": repr(
                        max(200e9, hospitals * doses_per_week * 7.4e9 * 0.9)
                    ),
                    "lead_time_h": "24",
                    "source": source,
                    "estimate": "true",
                }
            ]
        ),
    )
    _typed(
        n,
        "products",
        pd.DataFrame(
            [
                {
                    "product": "lu177-psma",
                    "nuclide": "Lu-177",
                    "ligand": "PSMA-617",
                    "dose_activity_bq": "7.4e9",
                    "dose_tolerance": "0.1",
                    "shelf_life_h": "120",
                    "source": source,
                    "estimate": "true",
                },
                {
                    "product": "lu177-dotatate",
                    "nuclide": "Lu-177",
                    "ligand": "DOTATATE",
                    "dose_activity_bq": "7.4e9",
                    "dose_tolerance": "0.1",
                    "shelf_life_h": "72",
                    "source": source,
                    "estimate": "true",
                },
            ]
        ),
    )
    processes = pd.DataFrame(
        [
            {
                "process": f"{p}-{prod}",
                "site": p,
                "product": prod,
                "producer": "reactor-lu177",
                "yield": "0.95",
                "synthesis_time_h": "1.5",
                "qc_hold_h": "2",
                "batch_max_bq": "150e9",
                "daily_slots": "2",
                "slot_times": "06:00;13:00",
                "source": source,
                "estimate": "true",
            }
            for p in pharm_names
            for prod in ("lu177-psma", "lu177-dotatate")
        ]
    )
    _typed(n, "processes", processes)
    to_pharm = great_circle_km(
        np.full(n_pharm, 30.43), np.full(n_pharm, 120.95), pharm_lat, pharm_lon
    )
    air = to_pharm > 800
    lanes = [
        pd.DataFrame(
            {
                "lane": [f"reactor-{p}" for p in pharm_names],
                "from_site": "reactor",
                "to_site": pharm_names,
                "mode": np.where(air, "air", "road"),
                "transit_time_h": np.where(
                    air, air_transit_h(to_pharm), road_transit_h(to_pharm)
                ).round(2),
                "distance_km": to_pharm.round(1),
                "departure_times": "08:00",
                "source": source,
                "estimate": "true",
            }
        )
    ]
    to_hosp = great_circle_km(pharm_lat[owner], pharm_lon[owner], hosp_lat, hosp_lon)
    lanes.append(
        pd.DataFrame(
            {
                "lane": [f"{pharm_names[o]}-{h}" for o, h in zip(owner, hosp_names, strict=True)],
                "from_site": [pharm_names[o] for o in owner],
                "to_site": hosp_names,
                "mode": "road",
                "transit_time_h": road_transit_h(to_hosp).round(2),
                "distance_km": to_hosp.round(1),
                "departure_days": "Mon-Fri",
                "departure_times": "12:00;17:00",
                "source": source,
                "estimate": "true",
            }
        )
    )
    _typed(n, "lanes", pd.concat(lanes, ignore_index=True))
    counts = rng.poisson(doses_per_week, hospitals)
    which = np.repeat(np.arange(hospitals), counts)
    days = rng.integers(0, 5, which.size)
    product = np.where(rng.random(which.size) < 0.7, "lu177-psma", "lu177-dotatate")
    dates = np.array([(monday + timedelta(days=int(d))).isoformat() for d in range(5)])
    demand = pd.DataFrame(
        {
            "appointment": [f"a{i:06d}" for i in range(which.size)],
            "hospital": np.array(hosp_names)[which],
            "product": product,
            "date": dates[days],
            "earliest_date": dates[np.maximum(days - 1, 0)],
            "latest_date": dates[np.minimum(days + 2, 4)],
            "source": source,
            "estimate": "true",
        }
    )
    _typed(n, "demand", demand)
    return n
