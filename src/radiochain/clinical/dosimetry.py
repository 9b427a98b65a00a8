"""Absorbed dose (MIRD) per organ and lesion, and BED with incomplete repair.

MIRD schema: :math:`D = \\tilde A \\, S` (Bolch et al., MIRD Pamphlet 21, J. Nucl. Med. 50
(2009) 477, doi:10.2967/jnumed.108.056036), self-dose only.

BED for a dose rate :math:`\\dot D(t) = \\sum_i d_i e^{-\\lambda_i t}` (any sum of exponentials,
uptake phases included) with mono-exponential repair at rate :math:`\\mu = \\ln 2/T_{rep}`:
:math:`BED = D (1 + G D / (\\alpha/\\beta))` with the dose-protraction factor
:math:`G = (2/D^2) \\sum_{ij} d_i d_j / ((\\lambda_i + \\lambda_j)(\\lambda_i + \\mu))`, which for
one exponential is :math:`\\lambda/(\\lambda + \\mu) = T_{rep}/(T_{rep} + T_{eff})` (Dale, Br. J.
Radiol. 58 (1985) 515, doi:10.1259/0007-1285-58-690-515; Baechler et al., Med. Phys. 35 (2008)
1123, doi:10.1118/1.2836421). Cycles far apart (full repair between them) add:
:math:`BED = \\sum_k D_k + \\sum_k G_k D_k^2/(\\alpha/\\beta)`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.clinical._data import table
from radiochain.clinical.columns import check_columns, positive_number
from radiochain.clinical.kinetics import ClinicalWarning, ExponentialSum, TacFit, fit_tac
from radiochain.clinical.svalues import (
    energy_dataset,
    mean_energies,
    reference_mass,
    sphere_s_value,
)
from radiochain.clinical.tables import finite_column, require_rows, row_number
from radiochain.errors import InputError, elide
from radiochain.physics.datasets import DEFAULT_DATASET
from radiochain.physics.nuclide import Nuclide

FloatArray = npt.NDArray[np.float64]


def protraction_factor(curve: ExponentialSum, repair_half_time: float) -> float:
    """Dose-protraction factor G (dimensionless) of a curve with repair half-time [s].

    Parameters
    ----------
    curve : ExponentialSum
        Activity or dose rate; only the shape matters.
    repair_half_time : float [s]
    """
    mu = math.log(2) / repair_half_time
    d, lam = curve.amplitudes, curve.rates
    total = float(np.sum(d / lam))
    if total <= 0:
        return 0.0
    pair = np.outer(d, d) / (np.add.outer(lam, lam) * (lam + mu)[:, None])
    return float(2.0 * pair.sum() / total**2)


def protraction_factor_mono(
    effective_half_life: npt.ArrayLike, repair_half_time: npt.ArrayLike
) -> FloatArray:
    """G for a mono-exponential dose rate: :math:`T_{rep}/(T_{rep}+T_{eff})` (Dale 1985)."""
    t_eff = np.asarray(effective_half_life, dtype=float)
    t_rep = np.asarray(repair_half_time, dtype=float)
    return np.asarray(t_rep / (t_rep + t_eff))


def bed(dose: npt.ArrayLike, alpha_beta: float, protraction: npt.ArrayLike) -> FloatArray:
    """Biologically effective dose [Gy] of cycles with absorbed doses ``dose`` [Gy] (last axis:
    cycles, summed) and protraction factors G, with full repair between cycles.

    Parameters
    ----------
    dose : array [Gy]
        Absorbed dose of each cycle.
    alpha_beta : float [Gy]
    protraction : array
        G of each cycle (broadcast against ``dose``).
    """
    d = np.asarray(dose, dtype=float)
    g = np.asarray(protraction, dtype=float)
    return np.asarray(np.sum(d + g * d**2 / alpha_beta, axis=-1))


def radiobiology(organ: str) -> tuple[float, float]:
    """(alpha/beta [Gy], repair half-time [s]) of an organ from ``radiobiology.csv``.

    Raises
    ------
    InputError
        The organ has no tabulated values.
    """
    frame = table("radiobiology.csv")
    row = frame[frame["organ"] == organ]
    if row.empty:
        raise InputError(
            f"no alpha/beta and repair half-time for {organ!r} in radiobiology.csv "
            f"(known: {', '.join(frame['organ'])}); give alpha_beta_gy and repair_half_time"
        )
    return float(row["alpha_beta_gy"].iloc[0]), float(row["repair_half_time_h"].iloc[0]) * 3600


@dataclass(frozen=True)
class RegionDose:
    """Dosimetry of one region (organ or lesion) of one patient."""

    patient: str
    region: str
    kind: str
    mass_g: float
    fit: TacFit
    s_value: float
    dose_gy: float
    administered_activity_bq: float
    nuclide: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (keys carry units)."""
        per_gbq = self.dose_gy / (self.administered_activity_bq / 1e9)
        curve = self.fit.curve
        return {
            "patient": self.patient,
            "region": self.region,
            "nuclide": self.nuclide,
            "kind": self.kind,
            "mass_g": self.mass_g,
            "method": self.fit.method,
            "model": self.fit.model,
            "aicc": None if math.isnan(self.fit.aicc) else self.fit.aicc,
            "time_integrated_activity_bq_s": self.fit.tia,
            "time_integrated_activity_coefficient_h": self.fit.tia
            / self.administered_activity_bq
            / 3600,
            "effective_half_life_h": None if curve is None else curve.effective_half_life() / 3600,
            "s_value_gy_per_bq_s": self.s_value,
            "absorbed_dose_gy": self.dose_gy,
            "absorbed_dose_per_activity_gy_per_gbq": per_gbq,
            "note": self.fit.note,
        }


TAC_KNOWN = (
    "patient",
    "region",
    "time_h",
    "time_s",
    "activity_mbq",
    "activity_bq",
    "sigma_mbq",
    "mass_g",
    "kind",
    "nuclide",
    "administered_activity_gbq",
    "rmblr",
    "effective_half_life_h",
)
"""Every column a TAC table may have (others: an error if they look like one, else ignored)."""


def read_tac_table(frame: pd.DataFrame, source: str = "TAC table") -> pd.DataFrame:
    """Check a time-activity table and bring it to base units.

    Columns: ``patient, region`` plus ``time_h`` or ``time_s``, ``activity_mbq`` or
    ``activity_bq``; optional ``sigma_mbq``, ``mass_g``, ``kind`` (organ|lesion|blood; for
    ``blood`` the activity is a concentration per mL), ``rmblr``, ``nuclide``,
    ``administered_activity_gbq``.

    Raises
    ------
    InputError
        A column is missing, no rows, or a time or activity that is empty, negative, text or
        not finite (with its row and field).
    """

    check_columns(frame.columns, TAC_KNOWN, source)
    out = frame.copy().reset_index(drop=True)
    units = {"time_s": ("time_h", 3600.0), "activity_bq": ("activity_mbq", 1e6)}
    for base, (given, factor) in units.items():
        if base in out:
            out[base] = _base_column(out, base, 1.0, source)
        elif given in out:
            out[base] = _base_column(out, given, factor, source)
    shown = {"time_s": "time_h (or time_s)", "activity_bq": "activity_mbq (or activity_bq)"}
    missing = [
        shown.get(c, c) for c in ("patient", "region", "time_s", "activity_bq") if c not in out
    ]
    if missing:
        raise InputError(
            f"{source}: column(s) {', '.join(missing)} missing (a TAC table needs patient, "
            "region, time_h and activity_mbq; optional mass_g, kind, nuclide, sigma_mbq)"
        )
    require_rows(out, source, "one row per measured point")
    if "sigma_mbq" in out:
        out["sigma_bq"] = finite_column(out, "sigma_mbq", source, minimum=0.0) * 1e6
    for column in ("patient", "region"):
        text = out[column].astype("string").str.strip()
        blank = text.isna() | (text == "")
        if blank.any():
            row = int(np.flatnonzero(blank.to_numpy())[0])
            raise InputError(f"{source}: row {row_number(out, row)}: field {column!r} is empty")
        out[column] = text
    return out


def _base_column(frame: pd.DataFrame, column: str, factor: float, source: str) -> pd.Series:
    """A time or activity column in base units [s, Bq]: every cell a finite number >= 0."""
    values = finite_column(frame, column, source, minimum=0.0)
    empty = values.isna()
    if empty.any():
        row = row_number(frame, int(np.flatnonzero(empty.to_numpy())[0]))
        raise InputError(f"{source}: row {row}: field {column!r} is empty (give a number >= 0)")
    scaled = values * factor
    if not np.isfinite(scaled.to_numpy()).all():
        row = row_number(frame, int(np.flatnonzero(~np.isfinite(scaled.to_numpy()))[0]))
        raise InputError(f"{source}: row {row}: field {column!r} is too large")
    return scaled


def region_dosimetry(
    tac: pd.DataFrame,
    *,
    nuclide: str = "Lu-177",
    administered_activity: float | None = None,
    model: str = "auto",
    source: str = "TAC table",
    chain: bool = True,
    dataset: str = DEFAULT_DATASET,
) -> list[RegionDose]:
    """Fit every region's curve and compute its self-dose (organ masses default to the
    reference adult; lesions need ``mass_g``).

    Parameters
    ----------
    tac : DataFrame
        See :func:`read_tac_table`.
    nuclide : str
        Default nuclide (a ``nuclide`` column overrides it per patient).
    administered_activity : float [Bq], optional
        Default administered activity (column ``administered_activity_gbq`` overrides it),
        used for the per-GBq coefficients.
    model : str
        ``auto``, a model name, ``trapezoid`` or a single-time-point method (see
        :func:`radiochain.clinical.kinetics.fit_tac`).
    chain : bool
        Count the progeny's emissions at the site (in situ, see
        :func:`radiochain.clinical.svalues.emission_data`); False: the parent's only.
    dataset : str
        Nuclear dataset (``radiochain``, ``icrp107``) for half-lives and emissions.

    Raises
    ------
    InputError
        An unknown nuclide, dataset or model, an administered activity that is not finite and
        > 0, or a bad table (see :func:`read_tac_table`).
    """
    _check_arguments(nuclide, administered_activity, model, dataset)
    table_ = read_tac_table(tac, source)
    results = []
    for (patient, region), sub in table_.groupby(["patient", "region"], sort=False):
        where = f"{source}: patient {patient}, region {region}"
        value = {column: _region_value(sub, column, where) for column in PER_REGION}
        nuc = _region_nuclide(value["nuclide"], nuclide, dataset, where)
        kind = str(value["kind"]).strip().lower() if value["kind"] is not None else "organ"
        if kind not in REGION_KINDS:
            raise InputError(
                f"{where}: field 'kind': {kind!r} is not one of {', '.join(REGION_KINDS)}"
            )
        if value["mass_g"] is not None:
            mass = positive_number(value["mass_g"], f"{where}: field 'mass_g'", "a mass > 0 [g]")
        elif kind == "lesion":
            raise InputError(f"{where}: a lesion needs its mass in column mass_g [g]")
        else:
            mass = reference_mass("red_marrow" if kind == "blood" else str(region))
        if value["administered_activity_gbq"] is not None:
            a0 = 1e9 * positive_number(
                value["administered_activity_gbq"],
                f"{where}: field 'administered_activity_gbq'",
                "an activity > 0 [GBq]",
            )
        elif administered_activity is not None and administered_activity > 0:
            a0 = administered_activity
        else:
            raise InputError(
                f"{where}: administered activity unknown or 0 (column administered_activity_gbq "
                "or --administered '7.4 GBq')"
            )
        sigma = None
        if "sigma_bq" in sub and sub["sigma_bq"].notna().any():  # all blank: unweighted
            sigma = sub["sigma_bq"].to_numpy()
        t_eff = None
        if value["effective_half_life_h"] is not None:
            t_eff = 3600 * positive_number(
                value["effective_half_life_h"],
                f"{where}: field 'effective_half_life_h'",
                "hours > 0",
            )
            if model == "madsen" and t_eff > nuc.half_life * (1 + 1e-6):
                raise InputError(
                    f"{where}: field 'effective_half_life_h': {t_eff / 3600:g} h is longer than "
                    f"the physical half-life of {nuc.name} ({nuc.half_life / 3600:.4g} h)"
                )
        fit = fit_tac(
            sub["time_s"].to_numpy(),
            sub["activity_bq"].to_numpy(),
            nuc.half_life,
            model=model,
            sigma=sigma,
            where=where,
            effective_half_life=t_eff,
        )
        t_pts, a_pts = fit.times, fit.activities
        if t_pts.size >= 2 and a_pts[-2] > 0:
            # the tail cannot fall much slower than physical decay once uptake has ended
            physical = math.exp(-nuc.decay_constant * float(t_pts[-1] - t_pts[-2]))
            if a_pts[-1] / a_pts[-2] > 2 * physical:
                warnings.warn(
                    f"{where}: the last points fall slower than the physical decay of "
                    f"{nuc.name} (half-life {nuc.half_life / 3600:.4g} h) allows: check the "
                    "nuclide and the times",
                    ClinicalWarning,
                    stacklevel=2,
                )
        s = float(sphere_s_value(nuc, mass, chain=chain))
        tia = fit.tia
        name = str(region)
        if kind == "blood":  # blood concentration [Bq/mL] -> red-marrow self-dose
            rmblr = _rmblr(sub, where)
            tia = fit.tia * rmblr * mass  # [Bq s/g] x [g], marrow taken as 1 g/mL
            fit = replace(fit, tia=tia)
            name = f"red_marrow (from {region})"
            warnings.warn(
                f"{where}: red marrow from blood (RMBLR {rmblr:g}): self-dose only; the "
                "cross-dose from the remainder of the body and from organs is not included",
                ClinicalWarning,
                stacklevel=2,
            )
        results.append(
            RegionDose(str(patient), name, kind, mass, fit, s, tia * s, a0, nuclide=nuc.name)
        )
    return results


def _check_arguments(nuclide: str, administered: float | None, model: str, dataset: str) -> None:
    """The arguments of :func:`region_dosimetry` that do not come from the table."""
    from radiochain.clinical.kinetics import MODELS, SINGLE_POINT

    Nuclide(nuclide, dataset)
    known = ("auto", *MODELS, "trapezoid", *SINGLE_POINT)
    if model not in known:
        raise InputError(f"model {elide(model)!r} is not one of {', '.join(known)}")
    if administered is not None and (
        isinstance(administered, bool) or not (math.isfinite(administered) and administered > 0)
    ):
        raise InputError(
            f"administered activity {administered / 1e9:g} GBq: give a finite activity > 0, "
            "e.g. '7.4 GBq'"
        )


def _region_nuclide(value: object, default: str, dataset: str, where: str) -> Nuclide:
    """The region's nuclide (column ``nuclide``, else the default) in ``dataset``: radioactive,
    with emission energies (:func:`radiochain.clinical.svalues.mean_energies`)."""
    if value is None:
        nuc = Nuclide(default, dataset)
        mean_energies(nuc)
        return nuc
    try:
        nuc = Nuclide(str(value).strip(), dataset)
        mean_energies(nuc)
    except InputError as err:
        raise InputError(f"{where}: field 'nuclide': {err}") from None
    return nuc


PER_REGION = (
    "mass_g",
    "kind",
    "nuclide",
    "administered_activity_gbq",
    "rmblr",
    "effective_half_life_h",
)
"""Columns that describe a whole region: one value on all its rows."""

REGION_KINDS = ("organ", "lesion", "blood")
"""``blood``: the curve is the blood activity concentration [MBq/mL]; the region becomes the
red marrow (blood-based method of the EANM guideline, Hindorf et al., Eur. J. Nucl. Med. Mol.
Imaging 37 (2010) 1238, doi:10.1007/s00259-010-1422-4)."""

DEFAULT_RMBLR = 1.0
"""Red-marrow-to-blood activity concentration ratio: 1 for [177Lu]Lu-DOTATATE, whose marrow
concentration equals the blood's (Forrer et al., Erasmus MC, "Bone marrow dosimetry in peptide
receptor radionuclide therapy with [177Lu-DOTA0,Tyr3]octreotate", Eur. J. Nucl. Med. Mol.
Imaging; sources.csv ``forrer-marrow``); give column ``rmblr`` for other agents."""


def _rmblr(sub: pd.DataFrame, where: str) -> float:
    value = _region_value(sub, "rmblr", where)
    if value is None:
        return DEFAULT_RMBLR
    return positive_number(value, f"{where}: field 'rmblr'", "a ratio > 0")


def _region_value(sub: pd.DataFrame, column: str, where: str) -> object | None:
    """The one value a region gives in ``column`` (blank cells ignored), or None."""
    if column not in sub:
        return None
    values = sub[column].dropna()
    values = values[values.astype(str).str.strip() != ""]
    distinct = list(dict.fromkeys(values.tolist()))
    if len(distinct) > 1:
        raise InputError(
            f"{where}: field {column!r} differs between rows "
            f"({', '.join(map(str, distinct))}); give one value per region"
        )
    return distinct[0] if distinct else None


REPORT_COLUMNS = {
    "region": "region",
    "kind": "kind",
    "mass_g": "mass [g]",
    "model": "model",
    "time_integrated_activity_coefficient_h": "TIAC [h]",
    "effective_half_life_h": "T_eff [h]",
    "s_value_gy_per_bq_s": "S [Gy/(Bq s)]",
    "absorbed_dose_gy": "dose [Gy]",
    "absorbed_dose_per_activity_gy_per_gbq": "dose/activity [Gy/GBq]",
    "note": "note",
}
"""Fields of a region in the report's table, with their headings (units in brackets)."""

NOT_A_MEDICAL_DEVICE = (
    "Not a medical device: results support, never replace, the physician and the physicist."
)


@dataclass
class DosimetryResult:
    """Result of :func:`assess_dosimetry`: every region's dose, the nuclear data used, and
    the warnings of the fits; :meth:`write` puts a table and per-patient reports in a folder.

    Attributes
    ----------
    regions : list of RegionDose
    nuclide : str
        The default nuclide (a ``nuclide`` column may override it per region).
    dataset, dataset_version : str
        The nuclear data of half-lives, decay modes and, where it has them, emission energies.
    energy_dataset, energy_dataset_version : str
        The nuclear data of the emission energies: ``dataset`` unless it has none
        (``icrp107``), then the bundled ``radiochain`` dataset (a warning says so).
    chain : bool
        Progeny counted in situ.
    source : str
        The TAC table's file.
    warnings : list of str
        Notes of the fits (fallbacks, questionable data), each once.
    out : Path or None
        The folder written by :meth:`write`.
    files : dict
        What :meth:`write` wrote: ``regions`` (CSV) and ``reports`` (HTML, PDF, PNG per
        patient).
    reports : dict
        Patient -> the report files :meth:`write` wrote for that patient.
    """

    regions: list[RegionDose]
    nuclide: str
    dataset: str
    dataset_version: str
    chain: bool = True
    source: str = "TAC table"
    energy_dataset: str = ""
    energy_dataset_version: str = ""
    warnings: list[str] = field(default_factory=list)
    out: Path | None = None
    files: dict[str, object] = field(default_factory=dict)
    reports: dict[str, list[Path]] = field(default_factory=dict)

    @property
    def patients(self) -> list[str]:
        """The patients, in the table's order."""
        return list(dict.fromkeys(r.patient for r in self.regions))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready result (keys carry units)."""
        return {
            "tac": self.source,
            "nuclide": self.nuclide,
            "dataset": self.dataset,
            "dataset_version": self.dataset_version,
            "energy_dataset": self.energy_dataset or self.dataset,
            "energy_dataset_version": self.energy_dataset_version or self.dataset_version,
            "chain": self.chain,
            "regions": [r.to_dict() for r in self.regions],
            "warnings": list(self.warnings),
            "out": None if self.out is None else str(self.out),
            "files": dict(self.files),
        }

    def table(self, patient: str | None = None) -> pd.DataFrame:
        """The regions (of one ``patient``) for a report: :data:`REPORT_COLUMNS` with units in
        the headings, columns without any value dropped."""
        own = [r for r in self.regions if patient is None or r.patient == patient]
        frame = pd.DataFrame([r.to_dict() for r in own])[list(REPORT_COLUMNS)]
        frame = frame.rename(columns=REPORT_COLUMNS)
        empty = [c for c in frame.columns if frame[c].isna().all() or (frame[c] == "").all()]
        return frame.drop(columns=empty)

    def write(
        self,
        out: str | Path,
        *,
        report: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, object]:
        """Write ``regions.csv`` (every field of every region) and, with ``report``, each
        patient's report (:func:`write_reports`) into the folder ``out``; ``progress(done,
        total)`` is called after each patient's report.

        Returns
        -------
        dict
            ``regions``: the CSV's path; ``reports``: the reports' paths. Also kept in
            :attr:`files`, the folder in :attr:`out`.

        Raises
        ------
        InputError
            The folder cannot be created or written.
        """
        from radiochain.files import output_folder

        folder = output_folder(out)
        table = folder / "regions.csv"
        try:
            pd.DataFrame([r.to_dict() for r in self.regions]).to_csv(table, index=False)
        except OSError as err:
            raise InputError(f"cannot write {table}: {err.strerror or err}") from None
        files: dict[str, object] = {"regions": str(table)}
        self.reports = {}
        if report:
            written = write_reports(self, folder, progress=progress)
            files["reports"] = [str(p) for p in written]
            stems = report_names(self.patients)
            self.reports = {p: [f for f in written if f.stem == stems[p]] for p in self.patients}
        self.out, self.files = folder, files
        return files


def write_reports(
    result: DosimetryResult,
    folder: str | Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Per patient, ``PATIENT.html`` (self-contained), ``PATIENT.pdf`` (the fitted curves,
    then the dose table; the same inputs give the same bytes) and ``PATIENT.png``, named by
    :func:`report_names` (one name per patient, never shared).

    Parameters
    ----------
    result : DosimetryResult
    folder : str or Path
        An existing, writable folder (see :func:`radiochain.files.output_folder`).
    progress : callable, optional
        ``progress(done, total)`` after each patient.

    Returns
    -------
    list of Path
        The files written.
    """
    from radiochain.clinical.figures import tac_figure
    from radiochain.reports.figures import save_figure  # the one layer above, used lazily

    written = []
    label = f"{result.dataset} {result.dataset_version}"
    stems = report_names(result.patients)
    for done, patient in enumerate(result.patients, start=1):
        own = [r for r in result.regions if r.patient == patient]
        used = ", ".join(dict.fromkeys(r.nuclide for r in own))
        half_life = Nuclide(own[0].nuclide, result.dataset).half_life
        given = ", ".join(dict.fromkeys(f"{r.administered_activity_bq / 1e9:.4g} GBq" for r in own))
        title = f"Patient {patient}: time-activity curves and absorbed doses ({used}, {given})"
        if result.energy_dataset and result.energy_dataset != result.dataset:
            label += (
                f" (emission energies: {result.energy_dataset} {result.energy_dataset_version})"
            )
        footnote = (
            f"Nuclear data: {label}. Self-dose S-values of spheres of each region's mass"
            + (", progeny counted in situ" if result.chain else "")
            + ". "
            + NOT_A_MEDICAL_DEVICE
        )
        frame = result.table(patient)
        for suffix in (".html", ".pdf", ".png"):
            fig = tac_figure(own, half_life, title)
            path = Path(folder) / f"{stems[patient]}{suffix}"
            written.append(save_figure(fig, path, title=title, table=frame, footnote=footnote))
        if progress is not None:
            progress(done, len(result.patients))
    return written


def report_names(patients: Sequence[str]) -> dict[str, str]:
    """Patient -> the stem of its report files: the identifier as a file name
    (:func:`_file_name`), with ``-2``, ``-3``... when an earlier patient has that name already
    (``p/1`` and ``p_1``, or ``P1`` and ``p1`` on a file system that ignores case).

    Examples
    --------
    >>> report_names(["p/1", "p_1", "P_1"])
    {'p/1': 'p_1', 'p_1': 'p_1-2', 'P_1': 'P_1-3'}
    """
    taken: set[str] = set()
    names: dict[str, str] = {}
    for patient in patients:
        base = stem = _file_name(patient)
        k = 1
        while stem.casefold() in taken:
            k += 1
            stem = f"{base}-{k}"
        taken.add(stem.casefold())
        names[patient] = stem
    return names


def _file_name(patient: str) -> str:
    """A patient identifier as a file name (path separators and control characters
    replaced)."""
    name = "".join(c if c.isprintable() and c not in '/\\:*?"<>|' else "_" for c in patient)
    return elide(name.strip(". ") or "patient", 100).replace("…", "_")


def assess_dosimetry(
    tac: pd.DataFrame,
    *,
    nuclide: str = "Lu-177",
    administered_activity: float | None = None,
    model: str = "auto",
    chain: bool = True,
    dataset: str = DEFAULT_DATASET,
    source: str = "TAC table",
) -> DosimetryResult:
    """Dosimetry of a TAC table (:func:`region_dosimetry`) with the warnings of the fits
    collected in the result (each once) instead of emitted.

    Parameters are those of :func:`region_dosimetry`.

    Raises
    ------
    InputError
        As :func:`region_dosimetry`.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ClinicalWarning)
        regions = region_dosimetry(
            tac,
            nuclide=nuclide,
            administered_activity=administered_activity,
            model=model,
            source=source,
            chain=chain,
            dataset=dataset,
        )
    notes = [str(w.message) for w in caught if issubclass(w.category, ClinicalWarning)]
    for w in caught:  # anything else goes on as it came
        if not issubclass(w.category, ClinicalWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    nuc = Nuclide(nuclide, dataset)
    data, energies = nuc.dataset, energy_dataset(nuc)
    if energies is not data:
        notes.append(
            f"the {data.name} dataset has no emission energies: energies per decay from the "
            f"{energies.name} dataset {energies.version}, half-lives and decay modes from "
            f"{data.name}"
        )
    return DosimetryResult(
        regions=regions,
        nuclide=nuc.name,
        dataset=data.name,
        dataset_version=data.version,
        chain=chain,
        source=source,
        warnings=list(dict.fromkeys(notes)),
        energy_dataset=energies.name,
        energy_dataset_version=energies.version,
    )
