"""PDF reports: every table cell on the page, long texts kept as notes, reproducible bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from radiochain.reports.figures import (
    _PDF_CELL_CHARS,
    _PDF_LINE_CHARS,
    _cell,
    _table_page,
    save_figure,
)


def _figure() -> Figure:
    fig = Figure(figsize=(6, 4))
    fig.add_subplot().plot([0, 1], [1, 0])
    return fig


def _cells_inside(page: Figure) -> bool:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(page)
    canvas.draw()
    renderer = canvas.get_renderer()
    width, height = page.bbox.width, page.bbox.height
    table = page.axes[0].tables[0]
    for cell in table.get_celld().values():
        box = cell.get_window_extent(renderer)
        if box.x0 < 0 or box.x1 > width or box.y0 < 0 or box.y1 > height:
            return False
    return True


def _texts_inside(page: Figure) -> bool:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(page)
    canvas.draw()
    renderer = canvas.get_renderer()
    height = page.bbox.height
    return all(
        t.get_window_extent(renderer).y0 >= 0 and t.get_window_extent(renderer).y1 <= height
        for t in page.texts
    )


def _no_overlap(page: Figure) -> bool:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(page)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in page.texts if t.get_text()]
    return not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def _dose_table(regions: int, note: str = "") -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "region": [f"lesion{k}" for k in range(regions)],
            "kind": "lesion",
            "mass_g": rng.uniform(1, 50, regions),
            "method": "fit",
            "model": "bi",
            "aicc": rng.normal(-80, 5, regions),
            "time_integrated_activity_bq_s": rng.uniform(1e12, 1e14, regions),
            "time_integrated_activity_coefficient_h": rng.uniform(0.1, 5, regions),
            "effective_half_life_h": rng.uniform(20, 90, regions),
            "s_value_gy_per_bq_s": rng.uniform(1e-13, 1e-11, regions),
            "absorbed_dose_gy": rng.uniform(1, 40, regions),
            "absorbed_dose_per_activity_gy_per_gbq": rng.uniform(0.1, 5, regions),
            "note": note,
        }
    )


def test_many_regions_and_long_notes_stay_on_the_page(tmp_path: Path) -> None:
    note = "fit did not converge; trapezoid with the physical-decay tail used instead " * 2
    table = _dose_table(30, note)
    path = save_figure(_figure(), tmp_path / "p.pdf", title="patient", table=table)
    data = path.read_bytes()
    # figure + 30 records across as many pages as they need
    pages = data.count(b"/Type /Page\n") + data.count(b"/Type /Page ")
    assert 1 + 4 <= pages <= 1 + 10
    # what the pages show: the first page's records, the long note moved below the table
    header = table.columns.tolist()
    rows = [[name, *(_cell(v) for v in table[name].iloc[:6])] for name in header]
    (page,) = _table_page(rows, None, "patient")  # one note, shared by every record
    assert _cells_inside(page)
    texts = [t.get_text() for t in page.texts]
    assert any("[note 1] fit did not converge" in t for t in texts)
    assert not any("[note 2]" in t for t in texts)
    # many different long notes continue on further pages instead of running off
    many = [[f"field{k}", f"{'a different long note number ' * 2}{k}"] for k in range(28)]
    sheets = _table_page(many, None, "notes", footnote="Not a medical device. " * 8)
    assert len(sheets) >= 2
    assert all(_texts_inside(sheet) for sheet in sheets)
    assert all(_no_overlap(sheet) for sheet in sheets)
    # worst case: every cell as long as a cell may be (longer ones become notes)
    per_page = (_PDF_LINE_CHARS - 42) // (_PDF_CELL_CHARS + 2)
    widest = [["f" * 40, *(["x" * _PDF_CELL_CHARS] * per_page)] for _ in range(30)]
    assert _cells_inside(_table_page(widest, None, "widest")[0])
    wide_rows = [["x" * _PDF_CELL_CHARS] * 5 for _ in range(28)]  # 130 chars: the widest kept
    assert _cells_inside(_table_page(wide_rows, ["h" * _PDF_CELL_CHARS] * 5, "wide")[0])


def test_narrow_table_paginates_rows(tmp_path: Path) -> None:
    table = pd.DataFrame({"time_h": np.arange(60.0), "activity_mbq": np.linspace(100, 1, 60)})
    path = save_figure(_figure(), tmp_path / "t.pdf", title="curve", table=table)
    data = path.read_bytes()
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") == 1 + 3  # 28 rows a page
    (page,) = _table_page([[str(v) for v in r] for r in table.to_numpy()[:28]], ["t", "a"], "x")
    assert _cells_inside(page)


@pytest.mark.parametrize("value", [None, np.float32(1.5), pd.NA, float("nan")])
def test_missing_and_numpy_values_print_cleanly(tmp_path: Path, value: object) -> None:
    table = pd.DataFrame({"a": pd.Series([value, 2.0], dtype=object)})
    save_figure(_figure(), tmp_path / "v.pdf", title="values", table=table)
    assert _cell(value) in ("", "1.5")


def test_figure_without_table(tmp_path: Path) -> None:
    path = save_figure(_figure(), tmp_path / "map.pdf", title="map")
    assert path.read_bytes().startswith(b"%PDF-")
