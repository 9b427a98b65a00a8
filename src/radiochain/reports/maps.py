"""Maps of a network's sites and lanes that work offline (outline bundled, no tiles)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from radiochain.physics.datasets import bundled_data_path

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from radiochain.network.core import Network

KIND_STYLE = {
    "reactor": ("#d62728", "^", 90),
    "accelerator": ("#ff7f0e", "^", 70),
    "processing_plant": ("#9467bd", "s", 60),
    "radiopharmacy": ("#1f77b4", "s", 50),
    "airport": ("#7f7f7f", "P", 40),
    "hospital": ("#2ca02c", "o", 12),
    "other": ("#8c564b", "o", 12),
}


@lru_cache(maxsize=1)
def outline_rings() -> tuple[tuple[tuple[float, float], ...], ...]:
    """Rings of the bundled national outline (``data/maps/*.geojson``), as (lon, lat) pairs
    [deg]; empty when no outline is bundled."""
    rings: list[tuple[tuple[float, float], ...]] = []
    folder = bundled_data_path("maps")
    if not folder.is_dir():
        return ()
    for path in sorted(folder.glob("*.geojson")):
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        for feature in data.get("features", []):
            geometry = feature.get("geometry") or {}
            polygons = geometry.get("coordinates", [])
            if geometry.get("type") == "Polygon":
                polygons = [polygons]
            for polygon in polygons:
                for ring in polygon:
                    rings.append(tuple((float(p[0]), float(p[1])) for p in ring))
    return tuple(rings)


def _draw_outline(ax: Axes) -> bool:
    rings = outline_rings()
    for ring in rings:
        xy = np.asarray(ring, dtype=float)
        ax.plot(xy[:, 0], xy[:, 1], color="0.6", linewidth=0.5, zorder=1)
    return bool(rings)


def network_map(network: Network, title: str | None = None) -> Figure:
    """Sites by kind and lanes (air dashed, lanes refusing radioactive goods dotted red)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 7), layout="constrained")
    ax = fig.add_subplot()
    outline = _draw_outline(ax)
    sites, lanes = network.sites, network.lanes
    lat, lon = sites["latitude_deg"], sites["longitude_deg"]
    if not lanes.empty:
        ok = lanes["from_site"].isin(sites.index) & lanes["to_site"].isin(sites.index)
        for mode, style in (("road", "-"), ("rail", "-."), ("courier", "-"), ("air", "--")):
            chosen = lanes[ok & (lanes["mode"] == mode)]
            if chosen.empty:
                continue
            xs = np.stack(
                [
                    lon[chosen["from_site"]].to_numpy(),
                    lon[chosen["to_site"]].to_numpy(),
                    np.full(len(chosen), np.nan),
                ],
                axis=1,
            ).ravel()
            ys = np.stack(
                [
                    lat[chosen["from_site"]].to_numpy(),
                    lat[chosen["to_site"]].to_numpy(),
                    np.full(len(chosen), np.nan),
                ],
                axis=1,
            ).ravel()
            refused = ~chosen["accepts_radioactive"].fillna(True).astype(bool).to_numpy()
            ax.plot(
                xs,
                ys,
                linestyle=style,
                color="0.35",
                linewidth=0.4,
                alpha=0.6,
                zorder=2,
                label=f"{mode} lane",
            )
            if refused.any():
                bad = np.repeat(refused, 3)
                ax.plot(
                    np.where(bad, xs, np.nan),
                    np.where(bad, ys, np.nan),
                    linestyle=":",
                    color="#d62728",
                    linewidth=1.0,
                    zorder=2,
                    label="refuses radioactive goods",
                )
    for kind, (color, marker, size) in KIND_STYLE.items():
        chosen = sites[sites["kind"] == kind]
        if not chosen.empty:
            ax.scatter(
                chosen["longitude_deg"],
                chosen["latitude_deg"],
                s=size,
                c=color,
                marker=marker,
                label=f"{kind} ({len(chosen)})",
                zorder=3,
                edgecolors="white",
                linewidths=0.3,
            )
    # frame the home country; lanes to producers abroad leave the frame
    home = sites["country"].mode().iloc[0] if sites["country"].ne("").any() else ""
    inside = sites[sites["country"] == home] if home else sites
    abroad = len(sites) - len(inside)
    if abroad and len(inside):
        pad_x = 0.05 * float(inside["longitude_deg"].max() - inside["longitude_deg"].min()) + 0.5
        pad_y = 0.05 * float(inside["latitude_deg"].max() - inside["latitude_deg"].min()) + 0.5
        ax.set_xlim(inside["longitude_deg"].min() - pad_x, inside["longitude_deg"].max() + pad_x)
        ax.set_ylim(inside["latitude_deg"].min() - pad_y, inside["latitude_deg"].max() + pad_y)
        ax.annotate(
            f"{abroad} site(s) abroad outside the frame",
            xy=(0.01, 0.01),
            xycoords="axes fraction",
            fontsize="small",
            color="0.4",
        )
    ax.set_xlabel("longitude [°]")
    ax.set_ylabel("latitude [°]")
    ax.set_aspect(1 / np.cos(np.radians(float(lat.mean()) if len(lat) else 0.0)))
    ax.set_title(title or f"{network.name}: {len(sites)} sites, {len(lanes)} lanes")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if not outline:
        ax.grid(True, alpha=0.3)
    return fig
