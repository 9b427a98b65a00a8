"""Figures as PNG files, self-contained HTML pages that open offline, and PDF reports."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from radiochain.errors import InputError
from radiochain.units import format_quantity

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

FIGURE_SUFFIXES = (".png", ".html", ".pdf")


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
    fig: Figure,
    path: Path | str,
    *,
    title: str,
    table: pd.DataFrame | None = None,
    footnote: str = "",
) -> Path:
    """Write a figure as PNG, as a self-contained HTML page (PNG embedded, optional table), or as
    a PDF (the figure on page 1, the table on the pages after it).

    Raises
    ------
    InputError
        The file suffix is not ``.png``, ``.html`` or ``.pdf``, or the file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FIGURE_SUFFIXES:
        raise InputError(f"plot file {str(path)!r}: use a .png, .html or .pdf file name")
    try:
        return _write(fig, path, suffix, title, table, footnote)
    except OSError as err:
        raise InputError(
            f"cannot write {path}: {err.strerror or err} (choose a writable file or folder)"
        ) from None


def _write(
    fig: Figure,
    path: Path,
    suffix: str,
    title: str,
    table: pd.DataFrame | None,
    footnote: str = "",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        fig.savefig(path, dpi=130)
        return path
    if suffix == ".pdf":
        _save_pdf(fig, path, title, table, footnote)
        return path
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=130)
    image = base64.b64encode(buffer.getvalue()).decode("ascii")
    rows = (
        ""
        if table is None
        else table.to_html(
            border=0,
            float_format=lambda v: f"{v:.4g}",
            index=type(table.index).__name__ != "RangeIndex",  # 0, 1, 2... is not data
            na_rep="",
        )
    )
    note = f"<p>{html.escape(footnote)}</p>\n" if footnote else ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}}
table{{border-collapse:collapse}}td,th{{padding:.2rem .6rem;text-align:right}}
tr:nth-child(even){{background:#f4f4f4}}</style></head>
<body><h1>{html.escape(title)}</h1>
<img alt="{html.escape(title)}" style="max-width:100%" src="data:image/png;base64,{image}">
{rows}
{note}<p><small>Made by radiochain; this page needs no network.</small></p></body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path


_PDF_ROWS_PER_PAGE = 28
_PDF_FIELDS_PER_PAGE = 30
_PDF_CELL_CHARS = 24
"""Longer cell texts become numbered notes under the table (never cut)."""
_PDF_NAME_CHARS = 40
"""Longest field name kept in the first column of a transposed table."""
_PDF_LINE_CHARS = 130
"""Characters (8 pt) that fit across an A4 landscape page with cell padding."""


def _width(texts: list[str], limit: int) -> int:
    return min(max((len(t) for t in texts), default=1), limit) + 2


def _save_pdf(
    fig: Figure, path: Path, title: str, table: pd.DataFrame | None, footnote: str = ""
) -> None:
    """The figure, then the table on A4 landscape pages (vector text; fixed metadata so the same
    inputs give the same file). A table too wide for the page is printed transposed (fields
    down the side, as many records across as fit); long texts are moved to notes."""
    from matplotlib.backends.backend_pdf import PdfPages

    metadata = {"Title": title, "Creator": "radiochain", "CreationDate": None}
    with PdfPages(path, metadata=metadata) as pdf:
        pdf.savefig(fig)
        if table is None or table.empty:
            return
        shown = table.reset_index() if table.index.name else table
        header = [str(c) for c in shown.columns]
        cells = [[_cell(v) for v in row] for row in shown.itertuples(index=False)]
        widths = [
            _width([h, *(r[k] for r in cells)], _PDF_CELL_CHARS) for k, h in enumerate(header)
        ]
        if sum(widths) > _PDF_LINE_CHARS:  # fields down the side, records across
            names = _width(header, _PDF_NAME_CHARS)
            cell = _width([c for r in cells for c in r], _PDF_CELL_CHARS)
            per_page = max(1, min(8, (_PDF_LINE_CHARS - names) // cell))
            for start in range(0, len(cells), per_page):
                chunk = cells[start : start + per_page]
                rows = [[name, *(r[k] for r in chunk)] for k, name in enumerate(header)]
                for first in range(0, len(rows), _PDF_FIELDS_PER_PAGE):
                    part = _part(start, len(chunk), len(cells), "records")
                    if len(rows) > _PDF_FIELDS_PER_PAGE:
                        part += f" (fields from {first + 1})"
                    page = rows[first : first + _PDF_FIELDS_PER_PAGE]
                    for sheet in _table_page(page, None, title + part, footnote):
                        pdf.savefig(sheet)
            return
        for start in range(0, len(cells), _PDF_ROWS_PER_PAGE):
            chunk = cells[start : start + _PDF_ROWS_PER_PAGE]
            part = _part(start, len(chunk), len(cells), "rows")
            for sheet in _table_page(chunk, header, title + part, footnote):
                pdf.savefig(sheet)


def _part(start: int, size: int, total: int, what: str) -> str:
    return "" if size == total else f" ({what} {start + 1}-{start + size} of {total})"


_PDF_NOTE_LINES = 8
"""Note lines under a table; more go to continuation pages."""
_PDF_PAGE_NOTE_LINES = 60


def _table_page(
    rows: list[list[str]], header: list[str] | None, title: str, footnote: str = ""
) -> list[Figure]:
    """An A4 landscape page with a table, then as many pages as its notes need: texts longer
    than a cell allows become numbered notes (the same text, the same number)."""
    import textwrap

    notes: dict[str, int] = {}

    def short(text: str, limit: int = _PDF_CELL_CHARS) -> str:
        if len(text) <= limit:
            return text
        number = notes.setdefault(text, len(notes) + 1)
        return f"[note {number}]"

    first = _PDF_NAME_CHARS if header is None else _PDF_CELL_CHARS
    body = [[short(row[0], first), *(short(c) for c in row[1:])] for row in rows]
    labels = None if header is None else [short(c) for c in header]
    page = _blank_page(title, footnote)
    ax = page.add_axes((0.03, 0.2, 0.94, 0.72))
    ax.set_axis_off()
    grid = ax.table(cellText=body, colLabels=labels, loc="upper center", cellLoc="right")
    grid.auto_set_font_size(False)
    grid.set_fontsize(8)
    grid.auto_set_column_width(list(range(len(body[0]))))
    if header is None:  # transposed: the first column holds the field names
        for (_, col), cell in grid.get_celld().items():
            if col == 0:
                cell.set_text_props(ha="left", weight="bold")
    lines = [
        line
        for text, k in notes.items()
        for line in textwrap.wrap(f"[note {k}] {text}", 180, subsequent_indent="    ")
    ]
    pages = [page]
    if lines:
        head, rest = lines[:_PDF_NOTE_LINES], lines[_PDF_NOTE_LINES:]
        if rest:
            head = [*head[:-1], "(notes continue on the next page)"]
            rest = [lines[_PDF_NOTE_LINES - 1], *rest]
        page.text(0.03, 0.17, "\n".join(head), va="top", fontsize=7)
        for start in range(0, len(rest), _PDF_PAGE_NOTE_LINES):
            more = _blank_page(f"{title} (notes)", footnote)
            chunk = rest[start : start + _PDF_PAGE_NOTE_LINES]
            more.text(0.03, 0.92, "\n".join(chunk), va="top", fontsize=7)
            pages.append(more)
    return pages


def _blank_page(title: str, footnote: str) -> Figure:
    import textwrap

    from matplotlib.figure import Figure

    page = Figure(figsize=(11.69, 8.27))
    page.suptitle(title, fontsize=10)
    page.text(0.99, 0.01, "Made by radiochain", ha="right", fontsize=7, color="0.4")
    if footnote:
        page.text(0.03, 0.01, textwrap.fill(footnote, 150), fontsize=7, va="bottom")
    return page


def _cell(value: object) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):  # type: ignore[call-overload]
        return ""
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    return str(value)


def describe_activity(bq: float) -> str:
    """``7.4e9`` -> ``"7.4 GBq"``."""
    return format_quantity(bq, "activity")
