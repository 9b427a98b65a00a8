"""Isotope production: one exact solver for production, burn-up, decay and separation, reactor
activation (Westcott convention) and named production routes.

The workflow every interface calls is :func:`produce` (route name, typed or text parameters,
samples, seed, dataset) returning a :class:`RouteResult`. Nothing heavy happens at import; data
tables are read on first use.
"""

from radiochain.physics.production.activation import (
    CaptureReaction,
    Irradiation,
    NeutronField,
    capture_channels,
    capture_reactions,
    natural_abundance,
    reaction_rate,
    schedule_history,
    target_atoms,
)
from radiochain.physics.production.parameters import ParameterSpec, RouteParameters
from radiochain.physics.production.solver import (
    Channel,
    ProductionResult,
    Separation,
    Step,
    Withdrawal,
    solve_history,
)
from radiochain.physics.production.workflow import DEFAULT_SEED, RouteResult, produce

__all__ = [
    "DEFAULT_SEED",
    "CaptureReaction",
    "Channel",
    "Irradiation",
    "NeutronField",
    "ParameterSpec",
    "ProductionResult",
    "RouteParameters",
    "RouteResult",
    "Separation",
    "Step",
    "Withdrawal",
    "capture_channels",
    "capture_reactions",
    "natural_abundance",
    "produce",
    "reaction_rate",
    "schedule_history",
    "solve_history",
    "target_atoms",
]
