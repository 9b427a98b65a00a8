"""Clinical layer: stratification rules, dosimetry (MIRD), personalized activity, treatment
plans to demand, and patient release.

Each ``radiochain clinical`` command is one workflow here, called the same way by the command
line and the service: :func:`read_table` + :func:`stratify` (``stratify``),
:func:`assess_dosimetry` -> :class:`DosimetryResult` (``dosimetry``), :func:`read_patient` +
:func:`plan_for_patient` -> :class:`PatientPlan` and :func:`append_plan` (``activity``),
:func:`assess_release` -> :class:`ReleaseAssessment` (``release``), :func:`plans_to_demand` ->
:class:`DemandUpdate` (``to-demand``). Every result has ``to_dict()``; the functions validate
their own arguments and raise :class:`~radiochain.errors.InputError` with the file, row and
field.

Imports only :mod:`radiochain.physics` and :mod:`radiochain.network` (and, lazily, the report
writer of :mod:`radiochain.reports` for :func:`write_reports`). Submodules load their data files
lazily, on first use.
"""

from radiochain.clinical.activity import (
    ActivityPlan,
    Limit,
    OrganKinetics,
    PatientPlan,
    default_limits,
    personalized_activity,
    plan_for_patient,
    read_patient,
)
from radiochain.clinical.demand import (
    DemandUpdate,
    Regimen,
    append_plan,
    plans_to_demand,
    read_plans,
    regimens_to_demand,
)
from radiochain.clinical.dosimetry import (
    DosimetryResult,
    assess_dosimetry,
    bed,
    protraction_factor,
    region_dosimetry,
    write_reports,
)
from radiochain.clinical.kinetics import (
    ClinicalWarning,
    ExponentialSum,
    TacFit,
    fit_tac,
    hanscheid_tia,
    madsen_tia,
    trapezoid_tia,
)
from radiochain.clinical.release import (
    ReleaseAssessment,
    assess_release,
    dose_rate,
    nrc_dose_to_others,
    release_decision,
)
from radiochain.clinical.stratify import (
    Rule,
    Stratification,
    load_rule,
    missing_column_hints,
    resolve_rules,
    stratify,
)
from radiochain.clinical.svalues import organ_s_value, s_value_nonpenetrating, sphere_s_value
from radiochain.clinical.tables import parse_table, read_table

__all__ = [
    "ActivityPlan",
    "ClinicalWarning",
    "DemandUpdate",
    "DosimetryResult",
    "ExponentialSum",
    "Limit",
    "OrganKinetics",
    "PatientPlan",
    "Regimen",
    "ReleaseAssessment",
    "Rule",
    "Stratification",
    "TacFit",
    "append_plan",
    "assess_dosimetry",
    "assess_release",
    "bed",
    "default_limits",
    "dose_rate",
    "fit_tac",
    "hanscheid_tia",
    "load_rule",
    "madsen_tia",
    "missing_column_hints",
    "nrc_dose_to_others",
    "organ_s_value",
    "parse_table",
    "personalized_activity",
    "plan_for_patient",
    "plans_to_demand",
    "protraction_factor",
    "read_patient",
    "read_plans",
    "read_table",
    "regimens_to_demand",
    "region_dosimetry",
    "release_decision",
    "resolve_rules",
    "s_value_nonpenetrating",
    "sphere_s_value",
    "stratify",
    "trapezoid_tia",
    "write_reports",
]
