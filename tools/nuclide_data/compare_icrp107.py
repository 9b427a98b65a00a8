"""Compare radiochain mean energies with ICRP-107 (checking only; nothing is written to the dataset).

Requires the ``icrp107-database`` package (ICRP-107 data: non-commercial licence, hence only used
here for comparison). Usage::

    python tools/nuclide_data/compare_icrp107.py [NUCLIDE ...]
"""

import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(
    HERE, "..", "..", "src", "radiochain", "data", "nuclides", "radiochain", "nuclides.csv"
)

DEFAULT = [
    "Lu-177",
    "Lu-177m",
    "Ac-225",
    "Fr-221",
    "At-217",
    "Bi-213",
    "Po-213",
    "Tl-209",
    "Pb-209",
    "I-131",
    "Tc-99m",
    "Mo-99",
    "F-18",
    "Ga-68",
    "Ge-68",
    "Y-90",
    "Sr-89",
    "Zr-89",
    "Y-89m",
    "Cu-64",
    "Cu-67",
    "In-111",
    "I-123",
    "I-124",
    "I-125",
    "Tl-201",
    "Sm-153",
    "Tb-161",
    "Ho-166",
    "Re-188",
    "W-188",
    "Ra-223",
    "Ra-224",
    "Pb-212",
    "Bi-212",
    "Tl-208",
    "Th-227",
    "Co-60",
    "C-14",
]


def icrp(name):
    import icrp107_database

    p = os.path.join(os.path.dirname(icrp107_database.__file__), "icrp107", f"{name}.json")
    if not os.path.exists(p):
        return None
    with open(p) as handle:
        d = json.load(handle)
    d = json.loads(d) if isinstance(d, str) else d
    em = d["emissions"]
    s = lambda keys: sum(e * y for k in keys for e, y in em.get(k, []))  # noqa: E731
    return {
        "electron": s(["beta-", "beta+", "auger", "IE"]),
        "photon": s(["gamma", "X", "annihilation"]),
        "alpha": s(["alpha"]),
        "xray": s(["X"]),
        "auger": s(["auger"]),
    }


def main(names):
    with open(CSV, encoding="utf-8") as handle:
        rows = {r["nuclide"]: r for r in csv.DictReader(handle)}
    print(
        "| nuclide | e- radiochain | e- ICRP-107 | rel. diff | photon radiochain | photon ICRP-107 | rel. diff | alpha radiochain | alpha ICRP-107 | rel. diff |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in names:
        r, ic = rows.get(n), icrp(n)
        if r is None or ic is None:
            print(f"| {n} | missing ({'radiochain' if r is None else 'ICRP-107'}) |")
            continue
        cells = []
        for k, col in (
            ("electron", "energy_electron_mev"),
            ("photon", "energy_photon_mev"),
            ("alpha", "energy_alpha_mev"),
        ):
            a, b = float(r[col] or 0), ic[k]
            rel = f"{(a - b) / b * 100:+.1f} %" if b > 0 else ("–" if a == 0 else "n/a")
            cells += [f"{a:.4g}", f"{b:.4g}", rel]
        print(f"| {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT)
