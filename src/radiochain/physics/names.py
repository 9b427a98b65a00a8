"""Nuclide names: one canonical spelling for every way people write them.

``"177Lu"``, ``"Lu-177"``, ``"lu177"`` and ``"Lu177"`` all mean ``Lu-177``; isomers are
``Lu-177m`` (``"177mLu"``, ``"lu-177m"``), a second isomer ``m2``. The canonical form is the one
radioactivedecay and NUBASE use: symbol, hyphen, mass number, isomer suffix.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from radiochain.errors import UnknownNuclideError

ELEMENTS: tuple[str, ...] = (
    "n", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
    "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge",
    "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd",
    "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd",
    "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
    "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
    "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn",
    "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
)  # fmt: skip
"""Element symbols indexed by atomic number Z (index 0 is the neutron)."""

_BY_LOWER = {symbol.lower(): z for z, symbol in enumerate(ELEMENTS)}

_SYMBOL_FIRST = re.compile(r"^([A-Za-z]{1,2})[-_ ]?(\d{1,3})(m\d?|n)?$")
_MASS_FIRST = re.compile(r"^(\d{1,3})(m\d?|n)?[-_ ]?([A-Za-z]{1,2})$")


class NuclideName(NamedTuple):
    """Parsed nuclide name."""

    symbol: str
    z: int
    a: int
    state: str  # "", "m", "m2", ...

    @property
    def canonical(self) -> str:
        return f"{self.symbol}-{self.a}{self.state}"


def parse_nuclide_name(text: str) -> NuclideName:
    """Parse any common spelling of a nuclide into its parts.

    Parameters
    ----------
    text : str
        ``"Lu-177"``, ``"177Lu"``, ``"lu177"``, ``"Tc-99m"``, ``"99mTc"``...

    Returns
    -------
    NuclideName

    Raises
    ------
    UnknownNuclideError
        The text is not a nuclide name.
    """
    if not isinstance(text, str):
        raise UnknownNuclideError(f"nuclide name must be text like 'Lu-177', got {text!r}")
    cleaned = text.strip()
    match = _SYMBOL_FIRST.match(cleaned)
    if match:
        symbol, mass, state = match.group(1), match.group(2), match.group(3)
    else:
        match = _MASS_FIRST.match(cleaned)
        if not match:
            raise UnknownNuclideError(
                f"{text!r} is not a nuclide name (write it like 'Lu-177', '177Lu' or 'Tc-99m')"
            )
        mass, state, symbol = match.group(1), match.group(2), match.group(3)
    z = _BY_LOWER.get(symbol.lower())
    if z is None:
        raise UnknownNuclideError(
            f"{text!r}: {symbol!r} is not a chemical element symbol "
            "(write the nuclide like 'Lu-177')"
        )
    a = int(mass)
    if a < z or a == 0:
        raise UnknownNuclideError(f"{text!r}: mass number {a} is smaller than Z={z}")
    state = (state or "").lower()
    if state == "m1":
        state = "m"
    return NuclideName(ELEMENTS[z], z, a, state)


def canonical_name(text: str) -> str:
    """Canonical spelling (``"177lu"`` -> ``"Lu-177"``)."""
    return parse_nuclide_name(text).canonical
