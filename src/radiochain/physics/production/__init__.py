"""Isotope production: one exact solver for production, burn-up, decay and separation, reactor
activation (Westcott convention) and named production routes.

Nothing heavy happens at import; data tables are read on first use.
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
from radiochain.physics.production.solver import (
    Channel,
    ProductionResult,
    Separation,
    Step,
    Withdrawal,
    solve_history,
)

__all__ = [
    "CaptureReaction",
    "Channel",
    "Irradiation",
    "NeutronField",
    "ProductionResult",
    "Separation",
    "Step",
    "Withdrawal",
    "capture_channels",
    "capture_reactions",
    "natural_abundance",
    "reaction_rate",
    "schedule_history",
    "solve_history",
    "target_atoms",
]
