"""radiochain: plan and stress-test radiopharmaceutical supply chains, from reactor to patient.

The public Python API of the physics core::

    >>> from radiochain import Nuclide, Inventory
    >>> Nuclide("177Lu") == Nuclide("Lu-177")
    True
    >>> inv = Inventory({"Ac-225": "1 GBq"})
    >>> round(inv.decay("10 d").activity("Ac-225") / 1e9, 3)
    0.497

Nothing heavy happens at import time: nuclear data are read on first use.
"""

from radiochain.errors import (
    DataError,
    InfeasibleError,
    InputError,
    RadiochainError,
    UnitError,
    UnknownNuclideError,
)
from radiochain.physics.datasets import (
    DEFAULT_DATASET,
    NuclearDataset,
    available_datasets,
    get_dataset,
)
from radiochain.physics.inventory import BatchDecay, Inventory, decay_batch
from radiochain.physics.nuclide import DecayMode, Nuclide, specific_activity

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_DATASET",
    "BatchDecay",
    "DataError",
    "DecayMode",
    "InfeasibleError",
    "InputError",
    "Inventory",
    "NuclearDataset",
    "Nuclide",
    "RadiochainError",
    "UnitError",
    "UnknownNuclideError",
    "__version__",
    "available_datasets",
    "decay_batch",
    "get_dataset",
    "specific_activity",
]
