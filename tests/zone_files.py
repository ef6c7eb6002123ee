"""Builders of upload files for the staff-zones tests: the sample zones written in the
formats, projections and encodings the bureau receives, plus hostile variants."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio

from admissions.dataset import SAMPLE_DIR

# Shapefile field names are at most 10 characters, so GIS files use short Chinese names.
SHAPEFILE_COLUMNS = {"zone_id": "学区编号", "level": "学段", "school_codes": "学校代码",
                     "allocation": "入学方式", "description": "划片范围"}


def sample_zones(levels=("primary", "middle")) -> gpd.GeoDataFrame:
    frames = [gpd.read_file(SAMPLE_DIR / f"zones_{level}.geojson") for level in levels]
    frame = gpd.GeoDataFrame(__import__("pandas").concat(frames, ignore_index=True),
                             crs="EPSG:4326")
    frame["school_codes"] = [",".join(c) for c in frame["school_codes"]]
    frame["address_rules"] = [json.dumps(list(r), ensure_ascii=False)
                              for r in frame["address_rules"]]
    return frame


def gbk_shapefile_zip(directory: Path, frame: gpd.GeoDataFrame | None = None,
                      epsg: int | None = 4551, cpg: bool = True, name: str = "zones",
                      drop: tuple[str, ...] = ()) -> Path:
    """A zipped Shapefile with a GBK .dbf (Chinese field names and values)."""
    frame = sample_zones() if frame is None else frame
    renamed = frame.drop(columns=["address_rules"], errors="ignore").rename(
        columns=SHAPEFILE_COLUMNS)
    renamed["划片范围"] = renamed["划片范围"].str.slice(0, 80)  # a .dbf field holds 254 bytes
    if epsg is not None:
        renamed = renamed.to_crs(epsg=epsg)
    work = directory / f"{name}-parts"
    work.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(renamed, work / f"{name}.shp", encoding="GBK")
    if epsg is None:
        (work / f"{name}.prj").unlink()
    if not cpg:
        (work / f"{name}.cpg").unlink(missing_ok=True)
    out = directory / f"{name}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(work.iterdir()):
            if part.suffix not in drop:
                archive.write(part, part.name)
    return out


def write_as(directory: Path, frame: gpd.GeoDataFrame, suffix: str, driver: str,
             name: str = "zones", **kwargs) -> Path:
    out = directory / f"{name}{suffix}"
    pyogrio.write_dataframe(frame, out, driver=driver, **kwargs)
    return out


def redrawn_zones(gain: str = "P01", lose: str = "P05", width_deg: float = 0.003
                  ) -> gpd.GeoDataFrame:
    """The sample zones with a strip of `lose` next to `gain` handed over to `gain`:
    still a clean partition, but some addresses change school."""
    frame = sample_zones()
    at = {zone_id: i for i, zone_id in enumerate(frame["zone_id"])}
    winner, loser = frame.geometry[at[gain]], frame.geometry[at[lose]]
    strip = loser.intersection(winner.buffer(width_deg))
    frame.loc[at[gain], "geometry"] = winner.union(strip)
    frame.loc[at[lose], "geometry"] = loser.difference(strip)
    return frame
