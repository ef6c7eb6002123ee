"""Loading a whole dataset directory (the sample district, or a bureau's own export in the
same layout, see docs/DATA.md) into the database in one transaction."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from admissions import knowledge
from admissions.content import read_cycle_file, save_cycle
from admissions.service import BASEMAP_META, PROFILE_META
from gis.district import ProfileError, read_profile
from gis.gazetteer import read_csv
from gis.geojson import read_features
from zones import intake, storage, workflow
from zones.errors import N_, InvalidData
from zones.loading import school_from_dict
from zones.model import ZoneSet

BASEMAP_FILES = {"streets": "streets.geojson", "xiaoqu": "xiaoqu.geojson",
                 "subdistricts": "subdistricts.geojson"}
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"


@dataclass(frozen=True)
class LoadReport:
    zone_set_id: str
    loaded: bool
    schools: int = 0
    zones: int = 0
    addresses: int = 0
    knowledge: int = 0  # FAQ entries and policy documents added


def read_basemap(directory: Path) -> dict:
    """The dataset's own streets and area outlines (小区, 街道) for the offline map, as
    GeoJSON feature collections by layer; a layer whose file is absent is left out."""
    layers = {}
    for layer, filename in BASEMAP_FILES.items():
        path = directory / filename
        if path.exists():
            collection = json.loads(path.read_text(encoding="utf-8"))
            layers[layer] = {"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": f["geometry"],
                 "properties": {"name": (f.get("properties") or {}).get("name", "")}}
                for f in collection.get("features", [])]}
    return layers


def load_dataset(sessions: sessionmaker, directory: Path = SAMPLE_DIR,
                 actor: str = "sample-loader") -> LoadReport:
    """Load and publish the dataset unless its zone set is already in the database. The
    zone files go through the same read → map → validate path as a staff upload, and the
    version is published by a workflow action with its audit entries (by `actor`)."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    try:
        profile = read_profile(directory)
    except FileNotFoundError:
        raise InvalidData(N_("数据集目录中缺少区域信息文件 district.json。")) from None
    except ProfileError as exc:
        raise InvalidData(N_("区域信息文件 district.json 有误：%(error)s"),
                          error=str(exc).removeprefix("district profile: ")) from None
    version = manifest["zone_version"]
    with sessions() as session:
        already = storage.get_meta(session, "loaded_zone_set") == version["id"]
    if already:  # the knowledge base (or the profile) may still be new to this database
        with sessions.begin() as session:
            storage.set_meta(session, PROFILE_META, profile.to_dict())
            storage.set_meta(session, BASEMAP_META, read_basemap(directory))
            return LoadReport(version["id"], loaded=False,
                              knowledge=knowledge.load_files(session, directory))
    schools = {s.code: s for s in map(school_from_dict, json.loads(
        (directory / "schools.json").read_text(encoding="utf-8")))}
    (district_props, district), = read_features(directory / "district.geojson")
    places = read_csv(directory / "addresses.csv")
    zones, report, sha256 = intake.check_dataset_files(
        [directory / f"zones_{level}.geojson" for level in ("primary", "middle")],
        workflow.Reference(schools, district, places))
    cycle_files = sorted(directory.glob("admissions_*.yaml"))
    zone_set = ZoneSet(id=version["id"], status="draft", label=version.get("label", ""),
                       effective_from=dt.date.fromisoformat(version["effective_from"]),
                       created_by=actor, zones=zones, sample=bool(manifest.get("sample")),
                       source_sha256=sha256)
    with sessions.begin() as session:
        storage.save_district(session, str(district_props["code"]), district_props["name"],
                              district)
        storage.save_schools(session, schools.values())
        storage.replace_addresses(session, (p.to_record() for p in places))
        for path in cycle_files:
            save_cycle(session, read_cycle_file(path))
        storage.set_meta(session, PROFILE_META, profile.to_dict())
        storage.set_meta(session, BASEMAP_META, read_basemap(directory))
        storage.set_meta(session, "sample", bool(manifest.get("sample")))
        storage.set_meta(session, "loaded_zone_set", version["id"])
        storage.bump_dataset_revision(session)
        workflow.publish_dataset_version(session, zone_set, report, actor)
        added = knowledge.load_files(session, directory)
    return LoadReport(version["id"], True, len(schools), len(zones), len(places), added)
