"""Figures as PNG files and as self-contained HTML pages that open offline."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING

from radiochain.errors import InputError
from radiochain.units import format_quantity

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

FIGURE_SUFFIXES = (".png", ".html")


def _time_axis(seconds_max: float) -> tuple[str, float]:
    for unit, factor in (("y", 365.2422 * 86400), ("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds_max >= 3 * factor:
            return unit, factor
    return "s", 1.0


def chain_activity_figure(frame: pd.DataFrame, title: str) -> Figure:
    """Activity of every chain member over time (log scale), one line per nuclide.

    Parameters
    ----------
    frame : DataFrame
        Index time [s] (``time_s``), one column per nuclide, values in ``frame.attrs["unit"]``
        (as returned by :meth:`radiochain.Inventory.activities`).
    title : str
    """
    from matplotlib.figure import Figure

    unit, factor = _time_axis(float(frame.index.max()))
    fig = Figure(figsize=(9, 5), layout="constrained")
    ax = fig.add_subplot()
    x = frame.index.to_numpy() / factor
    styles = ("-", "--", ":", "-.")
    for k, name in enumerate(frame.columns):
        y = frame[name].to_numpy()
        if (y > 0).any():  # members in equilibrium overlap: vary the dash so all stay visible
            ax.plot(x, y, label=name, linewidth=1.6, linestyle=styles[(k // 10 + k) % 4])
    ax.set_yscale("log")
    positive = frame.to_numpy()
    floor = positive[positive > 0].max() * 1e-7 if (positive > 0).any() else 1.0
    ax.set_ylim(bottom=floor)
    ax.set_xlabel(f"time [{unit}]")
    ax.set_ylabel(f"activity [{frame.attrs.get('unit', 'Bq')}]")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    dataset = frame.attrs.get("dataset")
    if dataset:
        ax.annotate(
            f"nuclear data: {dataset}",
            xy=(0.99, 0.99),
            xycoords="axes fraction",
            ha="right",
            va="top",
            fontsize=7,
            color="0.4",
        )
    return fig


def save_figure(
    fig: Figure, path: Path | str, *, title: str, table: pd.DataFrame | None = None
) -> Path:
    """Write a figure as PNG, or as a self-contained HTML page (PNG embedded, optional table).

    Raises
    ------
    InputError
        The file suffix is neither ``.png`` nor ``.html``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FIGURE_SUFFIXES:
        raise InputError(f"plot file {str(path)!r}: use a .png or .html file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        fig.savefig(path, dpi=130)
        return path
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=130)
    image = base64.b64encode(buffer.getvalue()).decode("ascii")
    rows = "" if table is None else table.to_html(border=0, float_format=lambda v: f"{v:.6g}")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}}
table{{border-collapse:collapse}}td,th{{padding:.2rem .6rem;text-align:right}}
tr:nth-child(even){{background:#f4f4f4}}</style></head>
<body><h1>{html.escape(title)}</h1>
<img alt="{html.escape(title)}" style="max-width:100%" src="data:image/png;base64,{image}">
{rows}
<p><small>Made by radiochain; this page needs no network.</small></p></body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path


def describe_activity(bq: float) -> str:
    """``7.4e9`` -> ``"7.4 GBq"``."""
    return format_quantity(bq, "activity")
