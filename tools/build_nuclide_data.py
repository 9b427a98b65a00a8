#!/usr/bin/env python3
"""Build radiochain's curated nuclear decay dataset from public evaluations.

Writes ``src/radiochain/data/nuclides/radiochain/{nuclides,decay_modes,sources}.csv``.

Inputs (build-time only; none of them is a runtime dependency of radiochain):

* ENSDF decay data sets as JSON, shipped by the ``paceENSDF`` package (PyPI, BSD): parent
  half-lives, branching normalisation (BR, NB, NR, NT), beta/positron/EC/alpha feedings with
  mean beta energies, gamma lines with (BrIcc) conversion coefficients.
* AME2020 atomic masses via ``mendeleev`` (its isotope table carries AME2020 masses and
  uncertainties; verified against ``mass_1.mas20`` for a sample, see PROVENANCE.md).
* Atomic relaxation data (binding energies, fluorescence yields, X-ray line energies) from
  ``xraydb`` (Elam et al. 2002).
* Hand-curated CSVs in ``tools/nuclide_data/`` -- each row carries its source key:
  ``half_life_overrides.csv`` (newer NUBASE2020 values), ``branching_overrides.csv`` (branches
  missing from / differently normalised in the ENSDF decay data sets, from NUBASE2020),
  ``isomers.csv`` (isomers modelled as separate nuclides), ``it_transition_weights.csv``
  (de-excitation weights where the ENSDF data set gives none), ``sources.csv``.

How to run (from the repository root)::

    python3 -m venv /tmp/dataenv
    /tmp/dataenv/bin/pip install paceENSDF mendeleev xraydb periodictable
    /tmp/dataenv/bin/python tools/build_nuclide_data.py            # writes the CSVs
    /tmp/dataenv/bin/python tools/build_nuclide_data.py --check    # compare only, no write

Optionally, with ``icrp107-database`` installed, ``--compare-icrp107`` prints the table of
mean energies against ICRP-107 used in PROVENANCE.md (ICRP-107 values are never written).

The script is deterministic; it is NOT run by the tests or at install time.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import defaultdict
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "nuclide_data"))

import atomic  # noqa: E402
import ensdf_reader as er  # noqa: E402

REPO = os.path.dirname(HERE)
OUT_DIR = os.path.join(REPO, "src", "radiochain", "data", "nuclides", "radiochain")
HAND = os.path.join(HERE, "nuclide_data")

DATASET_VERSION = "2026.11"
AMU_KEV = 931494.10242  # CODATA 2018 / AME2020 value of 1 u in keV
ME_KEV = 510.99895  # electron rest energy (CODATA 2018)

SEEDS = [
    "Lu-177",
    "Lu-177m",
    "Yb-175",
    "Yb-177",
    "Ac-225",
    "Ac-227",
    "Th-227",
    "Th-229",
    "Ra-223",
    "Ra-224",
    "Ra-225",
    "Ra-226",
    "Pb-212",
    "Bi-213",
    "Ge-68",
    "Ga-68",
    "Mo-99",
    "Tc-99m",
    "F-18",
    "I-123",
    "I-124",
    "I-125",
    "I-131",
    "Y-90",
    "Sr-89",
    "Sr-90",
    "Sm-153",
    "Tb-161",
    "Cu-64",
    "Cu-67",
    "Zr-89",
    "In-111",
    "Tl-201",
    "W-188",
    "Re-188",
    "Ho-166",
    "C-14",
    "Co-60",
    "Lu-176",
    "Lu-178",
    "Th-232",
    "Ac-226",
    "Ra-227",
    "Th-230",
]
EXTRA_STABLE = [
    "Lu-175",
    "Yb-168",
    "Yb-170",
    "Yb-171",
    "Yb-172",
    "Yb-173",
    "Yb-174",
    "Yb-176",
    "Mo-98",
]

QUASI_STABLE_Y = 1e15  # half-lives above this (in years) are listed as stable
ISOMER_MIN_S = (
    10.0  # daughter levels with T1/2 >= this and listed in isomers.csv are separate nuclides
)

UNIT_S = {
    "ys": 1e-24,
    "zs": 1e-21,
    "as": 1e-18,
    "fs": 1e-15,
    "ps": 1e-12,
    "ns": 1e-9,
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "min": 60.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "y": 365.2422 * 86400.0,
}


# ----------------------------------------------------------------------------- helpers
def symbol(z: int) -> str:
    import periodictable as pt

    return pt.elements[z].symbol


def z_of(sym: str) -> int:
    import periodictable as pt

    return getattr(pt, sym).number


def parse_name(name: str) -> tuple[str, int, str]:
    el, rest = name.split("-")
    state = ""
    for suf in ("m2", "m"):
        if rest.endswith(suf):
            state, rest = suf, rest[: -len(suf)]
            break
    return el, int(rest), state


def read_csv(name: str) -> list[dict]:
    with open(os.path.join(HAND, name), encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if not r[next(iter(r))].startswith("#")]


def fmt(x, sig=6):
    if x is None or x == "":
        return ""
    if isinstance(x, str):
        return x
    if x == 0:
        return "0"
    return f"{x:.{sig}g}"


def to_seconds(value: float, unit: str) -> float:
    return value * UNIT_S[unit]


# ----------------------------------------------------------------------------- model
class Builder:
    def __init__(self):
        self.index = er.load_index()
        self.cache: dict[str, er.DataSet] = {}
        self.isomers = {}  # (z, a, rounded level) -> row of isomers.csv
        for r in read_csv("isomers.csv"):
            el, a, _state = parse_name(r["nuclide"])
            self.isomers[(z_of(el), a)] = [*self.isomers.get((z_of(el), a), []), r]
        self.hl_over = {r["nuclide"]: r for r in read_csv("half_life_overrides.csv")}
        self.br_over = defaultdict(list)
        for r in read_csv("branching_overrides.csv"):
            self.br_over[r["parent"]].append(r)
        self.it_weights = defaultdict(dict)
        for r in read_csv("it_transition_weights.csv"):
            self.it_weights[r["nuclide"]][round(float(r["gamma_energy_kev"]), 1)] = r
        self.nuclides: dict[str, dict] = {}
        self.modes: list[dict] = []
        self.all_daughter_sets = defaultdict(list)  # (z, a) -> datasets whose daughter is (z, a)

    # -- naming ------------------------------------------------------------------
    def isomer_name(self, z: int, a: int, level: float) -> str | None:
        for r in self.isomers.get((z, a), []):
            if abs(float(r["level_energy_kev"]) - level) < 0.6:
                return r["nuclide"]
        return None

    def name(self, z: int, a: int, level: float = 0.0) -> str:
        if level > 0.5:
            n = self.isomer_name(z, a, level)
            if n is None:
                raise KeyError(f"unregistered isomer {symbol(z)}-{a} at {level} keV")
            return n
        return f"{symbol(z)}-{a}"

    def key_of(self, name: str) -> tuple[int, int, float]:
        el, a, state = parse_name(name)
        z = z_of(el)
        if state:
            for r in self.isomers[(z, a)]:
                if r["nuclide"] == name:
                    return z, a, float(r["level_energy_kev"])
            raise KeyError(name)
        return z, a, 0.0

    def datasets(self, name: str) -> list[er.DataSet]:
        z, a, lvl = self.key_of(name)
        out = []
        for (kz, ka, kl), paths in self.index.items():
            if kz == z and ka == a and abs(kl - lvl) < 0.6:
                for p in paths:
                    if p not in self.cache:
                        self.cache[p] = er.read(p)
                    out.append(self.cache[p])
        return out

    def daughter_sets(self, z: int, a: int) -> list[er.DataSet]:
        """All decay data sets (of any parent) whose daughter is (z, a) -- used for IT data."""
        if (z, a) not in self.all_daughter_sets:
            res = []
            for (kz, ka, _kl), paths in self.index.items():
                if ka == a and abs(kz - z) <= 2:
                    for p in paths:
                        if p not in self.cache:
                            self.cache[p] = er.read(p)
                        ds = self.cache[p]
                        if ds.daughter_z == z and ds.daughter_a == a:
                            res.append(ds)
            self.all_daughter_sets[(z, a)] = res
        return self.all_daughter_sets[(z, a)]

    # -- per-branch physics --------------------------------------------------------
    @staticmethod
    def gamma_terms(g: dict) -> tuple[float, float, dict]:
        """(gamma intensity, total alpha, shell alphas) of one gamma record (relative units)."""
        ig = float(g.get("gammaIntensity") or 0.0)
        alpha = g.get("calculatedTotalInternalConversionCoefficient")
        if alpha in (None, 0, 0.0):
            alpha = g.get("experimentalTotalInternalConversionCoefficient") or 0.0
        alpha = float(alpha or 0.0)
        sh = {}
        c = (g.get("calculatedAtomicShellConversionCoefficients") or [{}])[0]
        for s in "KLMNOPQ":
            v = c.get(f"calculatedInternalConversionCoefficientAtomicShell{s}")
            if v:
                sh[s] = float(v)
        return ig, alpha, sh

    @staticmethod
    def ce_split(e: float, alpha: float, sh: dict, z: int) -> tuple[float, float, float, float]:
        """Per converted transition of unit (gamma+ce) intensity -> (ce_energy_keV_per_gamma_units,
        vacK, vacL, vacM) expressed per unit gamma intensity (multiply by I_gamma)."""
        b = atomic.shells(z)
        tot_sh = sum(sh.values())
        if alpha <= 0:
            return 0.0, 0.0, 0.0, 0.0
        if tot_sh > 0:
            frac = {s: v / tot_sh for s, v in sh.items()}
        else:  # no shell data: K if energetically possible, else L
            frac = {"K": 1.0} if e > b["K"] else ({"L": 1.0} if e > b["L"] else {"M": 1.0})
        bind = {"K": b["K"], "L": b["L"], "M": b["M"]}
        ece = 0.0
        vk = vl = vm = 0.0
        for s, f in frac.items():
            bs = bind.get(s, b["N"] if s == "N" else 0.0)
            if bs >= e:  # shell closed for this energy; fall back to next shell
                bs = b["L"] if s == "K" else b["M"]
                s = "L" if s == "K" else "M"
            ece += alpha * f * (e - bs)
            if s == "K":
                vk += alpha * f
            elif s == "L":
                vl += alpha * f
            elif s == "M":
                vm += alpha * f
        return ece, vk, vl, vm

    def isomer_levels_in(self, ds: er.DataSet) -> dict[float, str]:
        out = {}
        for lv in ds.levels:
            e = float(lv["levelEnergy"] or 0.0)
            if e > 0.5:
                n = self.isomer_name(ds.daughter_z, ds.daughter_a, e)
                if n:
                    out[e] = n
        return out

    def branch_analysis(self, ds: er.DataSet) -> dict:
        """Energies (keV) per decay *through this branch*, isomer feedings, positron yield."""
        zd = ds.daughter_z
        nb, nr = ds.nb, ds.nr
        nt = ds.nt if ds.nt is not None else nr
        iso = self.isomer_levels_in(ds)
        e_el = e_ph = e_al = 0.0
        pos = 0.0
        vk = vl = vm = 0.0
        feed = defaultdict(float)  # isomer level -> per-100 branch decays
        notes = []
        # particles
        alpha_sum = 0.0
        alpha_e = 0.0
        part_sum = 0.0
        direct_by_level: dict[float, float] = {}
        missing_mean = 0.0
        for lv in ds.levels:
            e_lvl = float(lv["levelEnergy"] or 0.0)
            direct = 0.0
            for b in lv.get("betaMinusDecay") or []:
                i = float(b.get("betaMinusIntensity") or 0.0) * nb
                if b.get("averageBetaMinusEnergy") is None:
                    missing_mean += i
                e_el += i * float(b.get("averageBetaMinusEnergy") or 0.0)
                direct += i
            for b in lv.get("betaPlusDecay") or []:
                ib = float(b.get("betaPlusIntensity") or 0.0) * nb
                iec = float(b.get("electronCaptureIntensity") or 0.0) * nb
                itot = float(b.get("totalElectronCaptureBetaPlusIntensity") or 0.0) * nb
                if itot <= 0:
                    itot = ib + iec
                if iec <= 0 and itot > ib:
                    iec = itot - ib
                e_el += ib * float(b.get("averageBetaPlusEnergy") or 0.0)
                pos += ib
                fr = (b.get("calculatedAtomicShellElectronCaptureFractions") or [{}])[0]
                pk = float(fr.get("calculatedElectronCaptureFractionAtomicShellK") or 0.0)
                pl = float(fr.get("calculatedElectronCaptureFractionAtomicShellL") or 0.0)
                if pk + pl <= 0:
                    pk, pl = 0.0, 0.0  # no capture fractions: treated as outer-shell (M)
                # EC vacancies are in the daughter atom (after capture)
                vk += iec * pk
                vl += iec * pl
                vm += iec * max(1.0 - pk - pl, 0.0)
                direct += itot
            for b in lv.get("alphaDecay") or []:
                i = float(b.get("alphaIntensity") or 0.0)
                alpha_sum += i
                alpha_e += i * float(b.get("alphaEnergy") or 0.0)
                direct += i  # renormalised below for alpha
            if e_lvl in iso:
                feed[e_lvl] += direct
            direct_by_level[e_lvl] = direct_by_level.get(e_lvl, 0.0) + direct
            part_sum += direct
        if ds.mode == "alpha":
            if alpha_sum <= 0:
                notes.append(f"{os.path.basename(ds.path)}: no alpha intensities")
            else:
                e_al = alpha_e / alpha_sum * 100.0
                for k in feed:
                    feed[k] *= 100.0 / alpha_sum
                if abs(alpha_sum - 100.0) > 1.0:
                    notes.append(f"alpha intensities sum to {alpha_sum:.3g}, renormalised to 100")
        elif part_sum > 0 and abs(part_sum - 100.0) > 2.0:
            notes.append(
                f"particle feedings sum to {part_sum:.4g} per 100 branch decays (not renormalised)"
            )
        if missing_mean > 1.0:
            notes.append(
                f"ENSDF JSON gives no mean beta energy for {missing_mean:.3g}% of beta- feeding; "
                "electron energy excludes those betas (left empty if none has one)"
            )
        if ds.mode == "alpha" and alpha_sum > 0:
            direct_by_level = {k: v * 100.0 / alpha_sum for k, v in direct_by_level.items()}
        # gammas, with an intensity-balance guard for very highly converted transitions: their
        # (gamma+ce) intensity may not exceed the level population (direct feeding + transitions in)
        pop_in = defaultdict(float)
        clamped = []
        for lv in sorted(ds.levels, key=lambda x: -float(x["levelEnergy"] or 0.0)):
            e_lvl = float(lv["levelEnergy"] or 0.0)
            terms = []
            for g in lv.get("gammaDecay") or []:
                ig, alpha, sh = self.gamma_terms(g)
                ig *= nr
                if ig <= 0:
                    ce_tot = float(g.get("totalConversionElectronIntensity") or 0.0) * nt
                    if ce_tot > 0 and alpha > 0:
                        ig = ce_tot / alpha
                terms.append([g, ig, alpha, sh])
            pop = direct_by_level.get(e_lvl, 0.0) + pop_in[round(e_lvl, 1)]
            for t in terms:
                # only very highly converted transitions (alpha > 100), where a small error in a
                # relative gamma intensity explodes, are limited to the level population
                if t[2] > 100 and pop > 0 and t[1] * (1 + t[2]) > 1.05 * pop:
                    t[1] = pop / (1 + t[2])
                    clamped.append(e_lvl)
            for g, ig, alpha, _sh in terms:
                pop_in[round(float(g.get("levelEnergyFinal") or 0.0), 1)] += ig * (1 + alpha)
            lv["_terms"] = terms
        if clamped:
            notes.append(
                "gamma+ce intensities out of level(s) "
                + ", ".join(f"{e:g}" for e in clamped)
                + " keV (alpha > 100) exceeded the level population and were limited to it (intensity balance)"
            )
        for lv in ds.levels:
            e_lvl = float(lv["levelEnergy"] or 0.0)
            for g, ig, alpha, sh in lv.pop("_terms"):
                ef = float(g.get("levelEnergyFinal") or 0.0)
                eg = float(g.get("gammaEnergy") or 0.0)
                ti = ig * (1.0 + alpha)
                if ef in iso or any(abs(ef - k) < 0.6 for k in iso):
                    k = min(iso, key=lambda x: abs(x - ef))
                    feed[k] += ti
                if any(abs(e_lvl - k) < 0.6 for k in iso):
                    continue  # belongs to the isomer's own decay (separate nuclide)
                if (g.get("multipolarity") or "").strip("()[]") == "E0":
                    # E0 transitions emit no photon: conversion electrons / e+e- pairs (approximated as electrons)
                    e_el += ti * eg
                    continue
                e_ph += ig * eg
                ece, a_k, a_l, a_m = self.ce_split(eg, alpha, sh, zd)
                e_el += ig * ece
                vk += ig * a_k
                vl += ig * a_l
                vm += ig * a_m
        # atomic relaxation in the daughter atom
        r_el, r_ph = atomic.relaxation(zd, vk, vl, vm)
        e_el += r_el
        e_ph += r_ph
        e_ph += pos * 2.0 * ME_KEV
        scale = 1.0 / 100.0  # per 100 branch decays -> per branch decay
        return {
            "electron": e_el * scale,
            "photon": e_ph * scale,
            "alpha": e_al * scale,
            "positron": pos * scale,
            "feed": {iso[k]: v * scale for k, v in feed.items() if v > 0},
            "notes": notes,
        }

    def it_analysis(self, name: str) -> tuple[dict | None, str]:
        """Energies per IT decay of isomer `name` from the level scheme of any data set."""
        z, a, lvl = self.key_of(name)
        best = None
        for ds in self.daughter_sets(z, a):
            levels = {round(float(lv["levelEnergy"] or 0.0), 1): lv for lv in ds.levels}
            top = min(levels, key=lambda e: abs(e - lvl)) if levels else None
            if top is None or abs(top - lvl) > 0.6 or not levels[top].get("gammaDecay"):
                continue
            best = (ds, levels, top)
            break
        if best is None:
            return None, "no ENSDF level scheme with the isomer's de-excitation in paceENSDF"
        ds, levels, top = best
        pop = defaultdict(float)
        pop[top] = 1.0
        e_el = e_ph = 0.0
        vk = vl = vm = 0.0
        note = f"IT radiations from the isomer level in {os.path.basename(ds.path)}"
        for e in sorted(levels, reverse=True):
            if pop[e] <= 0 or e <= 0:
                continue
            gl = levels[e].get("gammaDecay") or []
            terms = []
            for g in gl:
                ig, alpha, sh = self.gamma_terms(g)
                terms.append((g, ig, alpha, sh))
            weights = [t[1] * (1 + t[2]) for t in terms]
            hand = self.it_weights.get(name, {})
            if hand and e == top:
                weights = [
                    float(hand.get(round(float(t[0]["gammaEnergy"]), 1), {}).get("weight", 0.0))
                    for t in terms
                ]
                note += "; de-excitation weights of the isomer level from it_transition_weights.csv"
            elif sum(weights) <= 0:
                if len(terms) == 1:
                    weights = [1.0]
                else:
                    raise ValueError(
                        f"{name}: level {e} has no intensities; add it_transition_weights.csv rows"
                    )
            sw = sum(weights)
            for (g, _ig, alpha, sh), w in zip(terms, weights, strict=False):
                f = pop[e] * w / sw
                if f <= 0:
                    continue
                eg = float(g["gammaEnergy"])
                ef = round(float(g.get("levelEnergyFinal") or 0.0), 1)
                pop[ef] += f
                gam = f / (1.0 + alpha)
                e_ph += gam * eg
                ece, a_k, a_l, a_m = self.ce_split(eg, alpha, sh, z)
                e_el += gam * ece
                vk += gam * a_k
                vl += gam * a_l
                vm += gam * a_m
        r_el, r_ph = atomic.relaxation(z, vk, vl, vm)
        return {"electron": e_el + r_el, "photon": e_ph + r_ph, "alpha": 0.0, "positron": 0.0}, note

    # -- assembly ------------------------------------------------------------------
    def build(self):
        todo = list(SEEDS)
        seen = set()
        while todo:
            n = todo.pop(0)
            if n in seen:
                continue
            seen.add(n)
            row, modes = self.build_one(n)
            self.nuclides[n] = row
            self.modes.extend(modes)
            for m in modes:
                if m["daughter"]:
                    todo.append(m["daughter"])
        for n in EXTRA_STABLE:
            if n not in self.nuclides:
                row, modes = self.build_one(n)
                self.nuclides[n] = row
                assert not modes, n

    def mass(self, z: int, a: int, level: float) -> tuple[float, float]:
        from mendeleev import element

        for iso in element(z).isotopes:
            if iso.mass_number == a:
                return iso.mass + level / AMU_KEV, iso.mass_uncertainty
        raise KeyError((z, a))

    def build_one(self, name: str):
        z, a, lvl = self.key_of(name)
        _el, _, state = parse_name(name)
        m, dm = self.mass(z, a, lvl)
        row = {
            "nuclide": name,
            "z": z,
            "a": a,
            "state": state,
            "level_energy_kev": fmt(lvl, 9),
            "half_life": "",
            "half_life_unit": "",
            "half_life_unc": "",
            "stable": "true",
            "atomic_mass_u": f"{m:.9f}",
            "atomic_mass_unc_u": fmt(dm, 3),
            "energy_electron_mev": "",
            "energy_photon_mev": "",
            "energy_alpha_mev": "",
            "half_life_source": "",
            "branching_source": "",
            "mass_source": "AME2020",
            "energy_source": "",
            "note": "",
        }
        if state:
            row["mass_source"] = "AME2020;ENSDF"
            row["note"] = "mass = AME2020 ground-state mass + level energy / 931494.10242 keV. "
        sets = self.datasets(name)
        iso_row = next((r for r in self.isomers.get((z, a), []) if r["nuclide"] == name), None)
        # ---- half-life
        hl = None
        if sets:
            main = max(sets, key=lambda d: d.br if d.br is not None else 0.0)
            hl = main.half_life
            hl_src = "ENSDF"
        if iso_row and iso_row.get("half_life"):
            hl = (
                float(iso_row["half_life"]),
                iso_row["half_life_unit"],
                float(iso_row["half_life_unc"] or 0),
            )
            hl_src = iso_row["source"]
        elif iso_row and hl is None:
            # isomer without own decay data set: level half-life from a feeding data set
            for ds in self.daughter_sets(z, a):
                for lv in ds.levels:
                    if abs(float(lv["levelEnergy"] or 0) - lvl) < 0.6 and lv.get("isomerDecay"):
                        h = lv["isomerDecay"][0]
                        hl = (
                            float(h["halfLifeBest"]),
                            h["unitHalfLifeBest"],
                            float(h["dHalfLifeBest"] or 0),
                        )
                        hl_src = "ENSDF"
                        break
                if hl:
                    break
        if name in self.hl_over:
            r = self.hl_over[name]
            old = hl
            hl = (float(r["half_life"]), r["half_life_unit"], float(r["half_life_unc"] or 0))
            hl_src = r["source"]
            if old:
                row["note"] += (
                    f"half-life {r['source']} (ENSDF data set: {old[0]:g}({old[2]:g}) {old[1]}). "
                )
        if hl is None and not sets and not iso_row:
            return row, []  # stable
        if hl is None:
            raise ValueError(f"no half-life for {name}")
        years = to_seconds(hl[0], hl[1]) / UNIT_S["y"]
        if years > QUASI_STABLE_Y:
            row["note"] += (
                f"quasi-stable: T1/2 {'>' if hl[2] >= hl[0] else '='} {hl[0]:.3g} {hl[1]} (ENSDF), "
                "treated as stable. "
            )
            return row, []
        row.update(
            stable="false",
            half_life=fmt(hl[0], 10),
            half_life_unit=hl[1],
            half_life_unc=fmt(hl[2], 4) if hl[2] else "",
            half_life_source=hl_src,
        )
        # ---- branches
        branches = []  # dicts with parent, mode, daughter, bf, unc, pos, source, ds-or-None
        analyses = {}
        for ds in sets:
            br = ds.br if ds.br is not None else (1.0 if len(sets) == 1 else None)
            if br is None:
                raise ValueError(f"{name}: data set without BR among several")
            an = self.branch_analysis(ds)
            analyses[ds.path] = an
            d_ground = self.name(ds.daughter_z, ds.daughter_a)
            rest = 1.0
            for iso_name, f in sorted(an["feed"].items()):
                branches.append(
                    {
                        "parent": name,
                        "mode": ds.mode,
                        "daughter": iso_name,
                        "bf": br * f,
                        "unc": None,
                        "ds": ds,
                        "frac_of_ds": f,
                        "source": "ENSDF",
                    }
                )
                rest -= f
            pos_frac = an["positron"] if ds.mode == "ec+beta+" else None
            branches.append(
                {
                    "parent": name,
                    "mode": ds.mode,
                    "daughter": d_ground,
                    "bf": br * rest,
                    "unc": ds.br_unc if rest == 1.0 else None,
                    "ds": ds,
                    "frac_of_ds": rest,
                    "source": "ENSDF",
                    "pos": pos_frac,
                }
            )
            for n_ in an["notes"]:
                row["note"] += f"{ds.mode}: {n_}. "
        total = sum(b["bf"] for b in branches)
        # isomer: remaining fraction is IT to the ground state
        if state and total < 1.0 - 1e-9:
            branches.append(
                {
                    "parent": name,
                    "mode": "IT",
                    "daughter": self.name(z, a),
                    "bf": 1.0 - total,
                    "unc": None,
                    "ds": None,
                    "frac_of_ds": 1.0,
                    "source": "ENSDF",
                    "note": "IT fraction = 1 - sum of ENSDF decay-data-set BRs",
                }
            )
        if state and not sets:
            branches = [
                {
                    "parent": name,
                    "mode": "IT",
                    "daughter": self.name(z, a),
                    "bf": 1.0,
                    "unc": None,
                    "ds": None,
                    "frac_of_ds": 1.0,
                    "source": iso_row["source"] if iso_row else "ENSDF",
                }
            ]
        # hand overrides (NUBASE2020 branchings, missing minor branches)
        for r in self.br_over.get(name, []):
            match = [
                b for b in branches if b["mode"] == r["mode"] and b["daughter"] == r["daughter"]
            ]
            if r["branching_fraction"] == "rest":
                continue
            val = float(r["branching_fraction"])
            unc = float(r["branching_fraction_unc"]) if r["branching_fraction_unc"] else None
            if match:
                b = match[0]
                b.update(bf=val, unc=unc, source=r["source"], note=r.get("note", ""))
            else:
                branches.append(
                    {
                        "parent": name,
                        "mode": r["mode"],
                        "daughter": r["daughter"],
                        "bf": val,
                        "unc": unc,
                        "ds": None,
                        "frac_of_ds": 1.0,
                        "source": r["source"],
                        "note": r.get("note", ""),
                    }
                )
        rest_rows = [r for r in self.br_over.get(name, []) if r["branching_fraction"] == "rest"]
        if rest_rows:
            r = rest_rows[0]
            fixed = sum(
                b["bf"]
                for b in branches
                if not (b["mode"] == r["mode"] and b["daughter"] == r["daughter"])
            )
            match = [
                b for b in branches if b["mode"] == r["mode"] and b["daughter"] == r["daughter"]
            ]
            if match:
                match[0].update(bf=1.0 - fixed, source=r["source"], note=r.get("note", ""))
            else:
                branches.append(
                    {
                        "parent": name,
                        "mode": r["mode"],
                        "daughter": r["daughter"],
                        "bf": 1.0 - fixed,
                        "unc": None,
                        "ds": None,
                        "frac_of_ds": 1.0,
                        "source": r["source"],
                        "note": r.get("note", ""),
                    }
                )
        total = sum(b["bf"] for b in branches)
        if abs(total - 1.0) > 1e-6:
            for b in branches:
                b["bf"] /= total
            row["note"] += (
                f"branching fractions renormalised (ENSDF data-set BRs summed to {total:.6g}). "
            )
        # ---- energies
        e = {"electron": 0.0, "photon": 0.0, "alpha": 0.0}
        by_ds = defaultdict(float)
        for b in branches:
            if b["ds"] is not None:
                by_ds[b["ds"].path] += b["bf"]
        for path, f in by_ds.items():
            an = analyses[path]
            for k in e:
                e[k] += f * an[k]
        e_src = "ENSDF;XRAYDB"
        it = [b for b in branches if b["mode"] == "IT"]
        if it:
            an, note = self.it_analysis(name)
            if an is None:
                row["note"] += (
                    f"energies EXCLUDE the IT branch ({it[0]['bf']:.4g} of decays; {lvl:.1f} keV per IT decay, "
                    f"i.e. {it[0]['bf'] * lvl / 1000:.3g} MeV/decay in electrons+photons missing): {note}. "
                )
            else:
                for k in e:
                    e[k] += it[0]["bf"] * an[k]
                row["note"] += note + ". "
        for b in branches:
            if b["ds"] is None and b["mode"] not in ("IT",) and b["bf"] > 1e-4:
                row["note"] += (
                    f"no ENSDF radiation data for the {b['mode']} branch to {b['daughter']}; energies exclude it. "
                )
        # a mean energy that misses most of the betas would mislead a dose calculation: leave it
        # empty (unknown) rather than print a partial sum
        electron_unknown = "no mean beta energy for 100%" in row["note"]
        row.update(
            energy_electron_mev="" if electron_unknown else f"{e['electron'] / 1000:.6g}",
            energy_photon_mev=f"{e['photon'] / 1000:.6g}",
            energy_alpha_mev=f"{e['alpha'] / 1000:.6g}",
            energy_source=e_src,
            branching_source=";".join(sorted({b["source"] for b in branches})),
        )
        modes = []
        for b in branches:
            pos = ""
            if b["mode"] == "ec+beta+" and b["ds"] is not None:
                pos = fmt(
                    b["bf"]
                    * analyses[b["ds"].path]["positron"]
                    / max(b["frac_of_ds"], 1e-30)
                    * b["frac_of_ds"]
                    / max(b["ds"].br or 1.0, 1e-30)
                    * (b["ds"].br or 1.0),
                    6,
                )
            modes.append(
                {
                    "parent": name,
                    "mode": b["mode"],
                    "daughter": b["daughter"],
                    "branching_fraction": f"{b['bf']:.10g}",
                    "branching_fraction_unc": fmt(b["unc"], 3) if b["unc"] else "",
                    "positron_fraction": pos,
                    "source": b["source"],
                    "note": b.get("note", ""),
                }
            )
        if len(modes) > 1:  # exact decimal complement, so the printed branchings sum to 1
            largest = max(modes, key=lambda m: float(m["branching_fraction"]))
            others = sum(Decimal(m["branching_fraction"]) for m in modes if m is not largest)
            if abs(Decimal(largest["branching_fraction"]) + others - 1) < Decimal("1e-6"):
                largest["branching_fraction"] = str(Decimal(1) - others)
        row["note"] = row["note"].strip()
        return row, modes

    # -- output --------------------------------------------------------------------
    NUC_COLS = (
        "nuclide",
        "z",
        "a",
        "state",
        "level_energy_kev",
        "half_life",
        "half_life_unit",
        "half_life_unc",
        "stable",
        "atomic_mass_u",
        "atomic_mass_unc_u",
        "energy_electron_mev",
        "energy_photon_mev",
        "energy_alpha_mev",
        "half_life_source",
        "branching_source",
        "mass_source",
        "energy_source",
        "note",
    )
    MODE_COLS = (
        "parent",
        "mode",
        "daughter",
        "branching_fraction",
        "branching_fraction_unc",
        "positron_fraction",
        "source",
        "note",
    )

    def write(self, out_dir: str):
        os.makedirs(out_dir, exist_ok=True)
        order = sorted(self.nuclides.values(), key=lambda r: (int(r["z"]), int(r["a"]), r["state"]))
        with open(os.path.join(out_dir, "nuclides.csv"), "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, self.NUC_COLS, lineterminator="\n")
            w.writeheader()
            w.writerows(order)
        pos = {r["nuclide"]: i for i, r in enumerate(order)}
        modes = sorted(
            self.modes, key=lambda m: (pos[m["parent"]], -float(m["branching_fraction"]))
        )
        with open(
            os.path.join(out_dir, "decay_modes.csv"), "w", newline="", encoding="utf-8"
        ) as fh:
            w = csv.DictWriter(fh, self.MODE_COLS, lineterminator="\n")
            w.writeheader()
            w.writerows(modes)
        with (
            open(os.path.join(HAND, "sources.csv"), encoding="utf-8") as src,
            open(os.path.join(out_dir, "sources.csv"), "w", encoding="utf-8", newline="") as dst,
        ):
            dst.write(src.read())

    def validate(self):
        keys = {r["key"] for r in read_csv("sources.csv")}
        errs = []
        for r in self.nuclides.values():
            for col in ("half_life_source", "branching_source", "mass_source", "energy_source"):
                for k in filter(None, r[col].split(";")):
                    if k not in keys:
                        errs.append(f"{r['nuclide']}: unknown source {k}")
        sums = defaultdict(float)
        for m in self.modes:
            sums[m["parent"]] += float(m["branching_fraction"])
            if m["daughter"] and m["daughter"] not in self.nuclides:
                errs.append(f"daughter {m['daughter']} of {m['parent']} missing")
            for k in filter(None, m["source"].split(";")):
                if k not in keys:
                    errs.append(f"{m['parent']}: unknown source {k}")
        for p, s in sums.items():
            if abs(s - 1) > 1e-6:
                errs.append(f"{p}: branching sums to {s}")
        for r in self.nuclides.values():
            if r["stable"] == "false" and sums.get(r["nuclide"], 0) == 0:
                errs.append(f"{r['nuclide']}: radioactive without decay modes")
        return errs


def compare_icrp107(nuclides: dict):
    """Print mean energies vs ICRP-107 (checking only; ICRP-107 values are never written)."""
    from icrp107_database import icrp107  # noqa: F401  (import path checked at run time)

    raise NotImplementedError


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=OUT_DIR)
    ap.add_argument("--check", action="store_true", help="build and validate, do not write")
    args = ap.parse_args(argv)
    b = Builder()
    b.build()
    errs = b.validate()
    for e in errs:
        print("ERROR:", e, file=sys.stderr)
    n_st = sum(r["stable"] == "true" for r in b.nuclides.values())
    print(
        f"{len(b.nuclides)} nuclides ({len(b.nuclides) - n_st} radioactive, {n_st} stable), {len(b.modes)} decay modes"
    )
    if errs:
        return 1
    if not args.check:
        b.write(args.out)
        print("written to", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
