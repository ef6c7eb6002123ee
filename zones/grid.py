"""A raster pre-classification that answers most lookups without touching a polygon.

Each cell of a regular grid (in the district's metric CRS) records the zone that covers it
*entirely and by more than the boundary tolerance*, or -1. A point in such a cell is in
that zone and at least 15 m from every other zone, so it is `assigned` exactly as the
polygon test would say; every other point takes the exact path. This is what makes batch
assignment of a million points, and single lookups, cheap.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

# Negative buffers draw arcs as chords, which sit up to r·(1 − cos(π/32)) ≈ 0.5 % of r
# inside the true offset; half a metre of margin more than covers that.
CHORD_MARGIN_M = 0.5


@dataclass(frozen=True)
class GridFrame:
    x0: float
    y0: float
    size: float
    nx: int
    ny: int

    @classmethod
    def covering(cls, bounds: tuple[float, float, float, float], size: float) -> GridFrame:
        x0, y0, x1, y1 = bounds
        return cls(x0, y0, size, int((x1 - x0) // size) + 1, int((y1 - y0) // size) + 1)

    def cell(self, x: float, y: float) -> int:
        """The flat cell index of a point, or -1 outside the frame."""
        i, j = int((x - self.x0) // self.size), int((y - self.y0) // self.size)
        if 0 <= i < self.nx and 0 <= j < self.ny:
            return j * self.nx + i
        return -1

    def cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        i = np.floor((x - self.x0) / self.size)
        j = np.floor((y - self.y0) / self.size)
        inside = (i >= 0) & (i < self.nx) & (j >= 0) & (j < self.ny)
        flat = np.where(inside, j * self.nx + i, -1)
        return np.nan_to_num(flat, nan=-1).astype(np.int64)

    def centres(self, bounds: tuple[float, float, float, float]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat indices and centre coordinates of the cells whose centre lies in `bounds`."""
        bx0, by0, bx1, by1 = bounds
        i0 = max(int((bx0 - self.x0) // self.size), 0)
        j0 = max(int((by0 - self.y0) // self.size), 0)
        i1 = min(int((bx1 - self.x0) // self.size), self.nx - 1)
        j1 = min(int((by1 - self.y0) // self.size), self.ny - 1)
        ii, jj = np.meshgrid(np.arange(i0, i1 + 1), np.arange(j0, j1 + 1))
        ii, jj = ii.ravel(), jj.ravel()
        return (jj * self.nx + ii, self.x0 + (ii + 0.5) * self.size,
                self.y0 + (jj + 0.5) * self.size)


def exterior_cells(frame: GridFrame, area) -> np.ndarray:
    """True for each cell that lies wholly outside `area` (centre outside the area grown by
    half a diagonal)."""
    grown = shapely.buffer(area, CHORD_MARGIN_M + frame.size * np.sqrt(0.5))
    flat, cx, cy = frame.centres((frame.x0, frame.y0, frame.x0 + frame.nx * frame.size,
                                  frame.y0 + frame.ny * frame.size))
    outside = np.ones(frame.nx * frame.ny, dtype=bool)
    outside[flat] = ~shapely.contains_xy(grown, cx, cy)
    return outside


def interior_cells(frame: GridFrame, geoms: np.ndarray, tolerance_m: float,
                   known: dict[bytes, np.ndarray] | None = None
                   ) -> tuple[np.ndarray, dict[bytes, np.ndarray]]:
    """For each cell, the position in `geoms` of the polygon that covers the whole cell with
    `tolerance_m` to spare, else -1. A cell is whole inside the polygon shrunk by the
    tolerance when its centre is inside the polygon shrunk further by half a diagonal.
    Also each polygon's cells by its WKB: pass them back as `known` (same frame and
    tolerance) and an unchanged polygon is not classified again, which is most of a publish."""
    owner = np.full(frame.nx * frame.ny, -1, dtype=np.int32)
    shrink = tolerance_m + CHORD_MARGIN_M + frame.size * np.sqrt(0.5)
    keys = shapely.to_wkb(geoms) if len(geoms) else []
    cells: dict[bytes, np.ndarray] = {}
    for position, (geom, key) in enumerate(zip(geoms, keys, strict=True)):
        inside = (known or {}).get(key)
        if inside is None:
            core = shapely.buffer(geom, -shrink)
            if core.is_empty:
                inside = np.empty(0, dtype=np.int64)
            else:
                flat, cx, cy = frame.centres(core.bounds)
                inside = flat[shapely.contains_xy(core, cx, cy)]
        cells[key] = inside
        owner[inside] = position
    return owner, cells


