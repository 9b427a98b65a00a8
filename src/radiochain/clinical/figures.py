"""Figures of the clinical layer (Matplotlib, imported only when a figure is drawn)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from radiochain.clinical.dosimetry import RegionDose


def tac_figure(regions: Sequence[RegionDose], half_life: float, title: str) -> Figure:
    """Measured time-activity points and the fitted curve (or trapezoid) of every region of
    one patient, one panel per region.

    Parameters
    ----------
    regions : sequence of RegionDose
    half_life : float [s]
        Physical half-life (for the trapezoid's tail).
    title : str
    """
    from matplotlib.figure import Figure

    n = len(regions)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(4.2 * cols, 3.4 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, reg in zip(axes.ravel(), regions, strict=False):
        fit = reg.fit
        t_end = max(float(fit.times[-1]) * 1.5, 1.0)
        grid = np.linspace(0.0, t_end, 300)
        ax.plot(fit.times / 3600, fit.activities / 1e6, "o", color="k", label="measured")
        label = {
            "fit": fit.model,
            "single-point": f"{fit.model} (single time point)",
        }.get(fit.method, "trapezoid + physical tail")
        ax.plot(grid / 3600, fit.predict(grid, half_life) / 1e6, "-", label=label)
        ax.set_title(f"{reg.region}: {reg.dose_gy:.3g} Gy", fontsize="medium")
        ax.set_xlabel("time after administration [h]")
        ax.set_ylabel("activity [MBq]")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.suptitle(title)
    return fig
