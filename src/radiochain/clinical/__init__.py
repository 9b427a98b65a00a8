"""Clinical layer: stratification rules, dosimetry (MIRD), personalized activity, treatment
plans to demand, and patient release.

Imports only :mod:`radiochain.physics` and :mod:`radiochain.network`. Submodules load their data
files lazily, on first use.
"""

from radiochain.clinical.activity import (
    ActivityPlan,
    Limit,
    OrganKinetics,
    default_limits,
    personalized_activity,
)
from radiochain.clinical.demand import Regimen, read_plans, regimens_to_demand
from radiochain.clinical.dosimetry import bed, protraction_factor, region_dosimetry
from radiochain.clinical.kinetics import (
    ClinicalWarning,
    ExponentialSum,
    TacFit,
    fit_tac,
    hanscheid_tia,
    madsen_tia,
    trapezoid_tia,
)
from radiochain.clinical.release import dose_rate, nrc_dose_to_others, release_decision
from radiochain.clinical.stratify import Rule, load_rule, resolve_rules, stratify
from radiochain.clinical.svalues import organ_s_value, s_value_nonpenetrating, sphere_s_value

__all__ = [
    "ActivityPlan",
    "ClinicalWarning",
    "ExponentialSum",
    "Limit",
    "OrganKinetics",
    "Regimen",
    "Rule",
    "TacFit",
    "bed",
    "default_limits",
    "dose_rate",
    "fit_tac",
    "hanscheid_tia",
    "load_rule",
    "madsen_tia",
    "nrc_dose_to_others",
    "organ_s_value",
    "personalized_activity",
    "protraction_factor",
    "read_plans",
    "regimens_to_demand",
    "region_dosimetry",
    "release_decision",
    "resolve_rules",
    "s_value_nonpenetrating",
    "sphere_s_value",
    "stratify",
    "trapezoid_tia",
]
