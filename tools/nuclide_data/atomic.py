"""Atomic data used to turn ENSDF transition data into mean emitted energies.

Electron binding energies, K/L fluorescence yields and mean K/L X-ray energies come from the
``xraydb`` package (Elam, Ravel & Sieber, Radiat. Phys. Chem. 63 (2002) 121; public domain).
Build-time only.
"""

from __future__ import annotations

from functools import cache


@cache
def shells(z: int) -> dict:
    """Binding energies (keV) of K, L (mean of L1-L3), M (mean of M1-M5) and N1,
    K and L3 fluorescence yields, mean K and L X-ray energies (keV)."""
    import xraydb

    def edge(name):
        try:
            e = xraydb.xray_edge(z, name)
            return e
        except Exception:  # edge not tabulated for light elements
            return None

    out = {}
    k = edge("K")
    out["K"] = k.energy / 1000.0 if k else 0.0
    out["wK"] = k.fyield if k else 0.0
    l_edges = [edge(n) for n in ("L1", "L2", "L3")]
    l_edges = [e for e in l_edges if e is not None]
    out["L"] = sum(e.energy for e in l_edges) / len(l_edges) / 1000.0 if l_edges else 0.0
    l3 = edge("L3")
    out["wL"] = l3.fyield if l3 else 0.0
    m_edges = [edge(n) for n in ("M1", "M2", "M3", "M4", "M5")]
    m_edges = [e for e in m_edges if e is not None]
    out["M"] = sum(e.energy for e in m_edges) / len(m_edges) / 1000.0 if m_edges else 0.0
    n1 = edge("N1")
    out["N"] = n1.energy / 1000.0 if n1 else 0.0

    def mean_line(prefix):
        try:
            lines = xraydb.xray_lines(z, prefix)
        except Exception:
            return 0.0
        tot = sum(v.intensity for v in lines.values())
        if not lines or tot <= 0:
            return 0.0
        return sum(v.energy * v.intensity for v in lines.values()) / tot / 1000.0

    out["EK"] = mean_line("K")
    out["EL"] = mean_line("L3")
    return out


def relaxation(z: int, vac_k: float, vac_l: float, vac_m: float) -> tuple[float, float]:
    """Approximate (electron_keV, photon_keV) released by filling vacancies in atom Z.

    Model (documented in PROVENANCE.md): each vacancy in shell S ultimately releases its
    binding energy B_S. For K vacancies a fraction w_K is radiative, emitting one K X-ray of
    the intensity-weighted mean K-line energy; for L vacancies created directly (EC-L,
    conversion in L) a fraction w_L3 emits one L X-ray. All remaining binding energy
    (including L/M vacancies created by the K cascade) is assigned to Auger/Coster-Kronig
    electrons. M and outer vacancies: electrons only.
    """
    s = shells(z)
    ph = vac_k * s["wK"] * s["EK"] + vac_l * s["wL"] * s["EL"]
    tot = vac_k * s["K"] + vac_l * s["L"] + vac_m * s["M"]
    el = max(tot - ph, 0.0)
    return el, ph
