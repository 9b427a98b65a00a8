"""The network on the national outline, drawn server-side as inline SVG (no tiles, no script).

An equirectangular projection scaled by the cosine of the middle latitude (as
:func:`radiochain.reports.maps.network_map` sets the aspect of its axes): sites by kind, and the
flows of a plan as lines from the sending site to the receiving one, their width growing with
the doses carried.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from radiochain.reports.maps import outline_rings

KIND_STYLE: dict[str, tuple[str, str, float]] = {
    "reactor": ("#d62728", "triangle", 7.0),
    "accelerator": ("#ff7f0e", "triangle", 6.0),
    "processing_plant": ("#9467bd", "square", 5.5),
    "radiopharmacy": ("#1f77b4", "square", 5.0),
    "airport": ("#7f7f7f", "diamond", 4.5),
    "hospital": ("#2ca02c", "circle", 3.0),
    "other": ("#8c564b", "circle", 3.0),
}
"""Colour, marker and size [px] of each kind of site (the colours of the Matplotlib map)."""

KIND_LABEL = {
    "reactor": "reactor",
    "accelerator": "accelerator",
    "processing_plant": "processing plant",
    "radiopharmacy": "radiopharmacy",
    "airport": "airport",
    "hospital": "hospital",
    "other": "other site",
}


@dataclass(frozen=True)
class Site:
    """A site to draw: ``site`` (its key), ``name`` (for people), ``kind``, position [deg]."""

    site: str
    name: str
    kind: str
    latitude_deg: float
    longitude_deg: float
    country: str = ""


@dataclass(frozen=True)
class Flow:
    """What a plan sends along one pair of sites: ``doses`` and ``shipments`` (counts) and
    the activity at departure [Bq]."""

    from_site: str
    to_site: str
    doses: int
    shipments: int
    activity_bq: float


@dataclass(frozen=True)
class Frame:
    """The drawn rectangle [deg] and the SVG width [px]; the height follows."""

    west: float
    east: float
    south: float
    north: float
    width: float = 720.0

    @property
    def _scale(self) -> float:
        return self.width / ((self.east - self.west) * self._aspect)

    @property
    def _aspect(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def height(self) -> float:
        return (self.north - self.south) * self._scale

    def xy(self, longitude_deg: float, latitude_deg: float) -> tuple[float, float]:
        """SVG coordinates [px] of a point."""
        x = (longitude_deg - self.west) * self._aspect * self._scale
        y = (self.north - latitude_deg) * self._scale
        return x, y

    def fitted(self, ratio: float) -> Frame:
        """This frame widened or heightened about its centre to ``height / width = ratio``."""
        if self.height / self.width < ratio:  # too flat: add latitude
            extra = (ratio * self.width / self._scale - (self.north - self.south)) / 2
            return Frame(self.west, self.east, self.south - extra, self.north + extra, self.width)
        span = (self.north - self.south) * self._scale / ratio / (self._aspect * self._scale)
        extra = (span - (self.east - self.west)) / 2
        return Frame(self.west - extra, self.east + extra, self.south, self.north, self.width)

    def contains(self, longitude_deg: float, latitude_deg: float) -> bool:
        return self.west <= longitude_deg <= self.east and self.south <= latitude_deg <= self.north


def national_frame(width: float = 720.0) -> Frame:
    """The outline's extent with a margin of 1°."""
    points = [p for ring in outline_rings() for p in ring]
    if not points:
        return Frame(73.0, 136.0, 17.0, 54.5, width)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return Frame(min(lons) - 1, max(lons) + 1, min(lats) - 1, max(lats) + 1, width)


def network_frame(
    sites: Sequence[Site], width: float = 720.0, ratio: float | None = None
) -> Frame | None:
    """The extent of the home country's sites with a margin (``None`` without sites), widened
    to ``height / width = ratio`` if given."""
    if not sites:
        return None
    countries = [s.country for s in sites if s.country]
    home = max(set(countries), key=countries.count) if countries else ""
    inside = [s for s in sites if not home or s.country == home] or list(sites)
    lons = [s.longitude_deg for s in inside]
    lats = [s.latitude_deg for s in inside]
    pad_x = 0.08 * (max(lons) - min(lons)) + 0.3
    pad_y = 0.08 * (max(lats) - min(lats)) + 0.3
    frame = Frame(min(lons) - pad_x, max(lons) + pad_x, min(lats) - pad_y, max(lats) + pad_y, width)
    return frame.fitted(ratio) if ratio else frame


def _outline_path(frame: Frame) -> str:
    parts = []
    for ring in outline_rings():
        points = [frame.xy(lon, lat) for lon, lat in ring]
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


def _marker(kind: str, x: float, y: float) -> str:
    color, shape, size = KIND_STYLE.get(kind, KIND_STYLE["other"])
    common = f'fill="{color}" stroke="#fff" stroke-width="0.8"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" {common}/>'
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" {common}/>'
        )
    if shape == "diamond":
        pts = [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
    else:  # triangle
        pts = [(x, y - size), (x + size, y + 0.8 * size), (x - size, y + 0.8 * size)]
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
    return f'<polygon points="{points}" {common}/>'


def flow_width(doses: int, most: int) -> float:
    """Line width [px] of a flow of doses: growing with the square root of the doses, 8 px for
    the busiest pair of sites when it carries 36 doses or more (so that a network whose pairs
    carry a few doses each is not drawn with thick lines).

    Examples
    --------
    >>> flow_width(36, 36), flow_width(1, 1) < flow_width(4, 4) < flow_width(36, 36)
    (8.0, True)
    """
    return 0.8 + 7.2 * math.sqrt(max(doses, 0) / max(most, 36))


BULK_WIDTH = 1.4
"""Line width [px] of a bulk nuclide flow (its doses are counted where they are made)."""


def _flow_lines(
    frame: Frame, flows: Iterable[Flow], where: dict[str, Site], describe: Callable[[Flow], str]
) -> list[str]:
    drawn = [f for f in flows if f.from_site in where and f.to_site in where]
    most = max((f.doses for f in drawn), default=0)
    lines = []
    for flow in sorted(drawn, key=lambda f: f.doses, reverse=True):
        a, b = where[flow.from_site], where[flow.to_site]
        (x1, y1), (x2, y2) = (
            frame.xy(a.longitude_deg, a.latitude_deg),
            frame.xy(b.longitude_deg, b.latitude_deg),
        )
        kind = "bulk" if flow.doses == 0 else "doses"
        width = BULK_WIDTH if flow.doses == 0 else flow_width(flow.doses, most)
        lines.append(
            f'<line class="flow flow-{kind}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" stroke-width="{width:.1f}">'
            f"<title>{escape(describe(flow))}</title></line>"
        )
    return lines


_CHAR_PX, _LINE_PX = 7.3, 14.0  # rough size of a character of a 13 px label


def _overlaps(box: tuple[float, float, float, float], taken: list[tuple[float, ...]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in taken)


def _label(
    name: str, x: float, y: float, frame: Frame, taken: list[tuple[float, ...]]
) -> str | None:
    """A label beside its site where it overlaps no label placed before (right, left, above,
    below); ``None`` when every place is taken or outside the frame."""
    w = len(name) * _CHAR_PX
    places = [
        (x + 7, y + 4, "start", (x + 6, y - 8, x + 8 + w, y + 5)),
        (x - 7, y + 4, "end", (x - 8 - w, y - 8, x - 6, y + 5)),
        (x, y - 8, "middle", (x - w / 2, y - 8 - _LINE_PX, x + w / 2, y - 7)),
        (x, y + 16, "middle", (x - w / 2, y + 5, x + w / 2, y + 5 + _LINE_PX)),
    ]
    for tx, ty, anchor, box in places:
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= frame.width and box[3] <= frame.height
        if inside and not _overlaps(box, taken):
            taken.append(box)
            return f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{escape(name)}</text>'
    return None


def _site_marks(
    frame: Frame,
    sites: Sequence[Site],
    link: Callable[[Site], str | None],
    labels: bool,
    mine: str | None = None,
) -> list[str]:
    order = list(KIND_STYLE)
    marks = []
    taken: list[tuple[float, ...]] = []
    for site in sorted(sites, key=lambda s: -order.index(s.kind) if s.kind in order else 0):
        x, y = frame.xy(site.longitude_deg, site.latitude_deg)
        taken.append((x - 4, y - 4, x + 4, y + 4))
    for site in sorted(sites, key=lambda s: -order.index(s.kind) if s.kind in order else 0):
        x, y = frame.xy(site.longitude_deg, site.latitude_deg)
        title = f"{site.name} ({KIND_LABEL.get(site.kind, site.kind)})"
        ring = (
            f'<circle class="mine" cx="{x:.1f}" cy="{y:.1f}" r="11"/>' if site.site == mine else ""
        )
        mark = f'<g class="site site-{escape(site.kind)}">{ring}{_marker(site.kind, x, y)}'
        text = _label(site.name, x, y, frame, taken) if labels else None
        if text:
            mark += text
        mark += f"<title>{escape(title)}</title></g>"
        href = link(site)
        marks.append(f'<a href="{escape(href)}">{mark}</a>' if href else mark)
    return marks


def network_svg(
    sites: Sequence[Site],
    flows: Sequence[Flow],
    *,
    frame: Frame | None = None,
    link: Callable[[Site], str | None] = lambda _: None,
    describe: Callable[[Flow], str] = lambda f: f"{f.from_site} → {f.to_site}: {f.doses} doses",
    title: str = "network map",
    labels: bool | None = None,
    mine: str | None = None,
) -> Markup:
    """An inline ``<svg>`` of the outline, the sites (by kind) and the flows.

    Parameters
    ----------
    sites : sequence of Site
    flows : sequence of Flow
        Lines from ``from_site`` to ``to_site``, wider with more doses (bulk nuclide, 0 doses:
        dashed).
    frame : Frame, optional
        Default: the national outline's extent. Sites outside the frame are not drawn.
    link : callable, optional
        The page of a site for the signed-in user, or ``None`` (no link).
    describe : callable, optional
        The tooltip of a flow, in words.
    title : str
        The accessible name of the figure.
    labels : bool, optional
        Write the sites' names beside them (default: when at most 25 sites are drawn).
    mine : str, optional
        The signed-in user's own site, drawn with a ring.
    """
    frame = frame or national_frame()
    shown = [s for s in sites if frame.contains(s.longitude_deg, s.latitude_deg)]
    where = {s.site: s for s in shown}
    with_labels = labels if labels is not None else len(shown) <= 25
    body = [
        f'<rect class="sea" width="{frame.width:.0f}" height="{frame.height:.0f}"/>',
        f'<path class="outline" d="{_outline_path(frame)}"/>',
        *_flow_lines(frame, flows, where, describe),
        *_site_marks(frame, shown, link, with_labels, mine),
    ]
    svg = (
        f'<svg class="map" viewBox="0 0 {frame.width:.0f} {frame.height:.0f}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )
    return Markup(svg)


def legend_kinds(sites: Sequence[Site]) -> list[tuple[str, Markup, int]]:
    """(kind label, marker SVG, count) for each kind present, in the map's order."""
    counts: dict[str, int] = {}
    for s in sites:
        counts[s.kind] = counts.get(s.kind, 0) + 1
    rows = []
    for kind in KIND_STYLE:
        if counts.get(kind):
            marker = Markup(
                f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
                f"{_marker(kind, 8, 8)}</svg>"
            )
            rows.append((KIND_LABEL[kind], marker, counts[kind]))
    return rows
