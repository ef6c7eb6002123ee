"""From a file to checked zones: read (gis.vector_io), map fields, validate. The web
upload pages, `flask zones import` and dataset loading (the sample district) all go
through here, so every zone file meets the same rules."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gis.vector_io import VectorFileError, VectorUpload, read_upload
from zones.errors import InvalidData
from zones.mapping import (FieldMapping, guess_mapping, resolve_school_names, school_names_of,
                           zones_from_frame)
from zones.impact import impact
from zones.model import Zone, ZoneSet
from zones.partial import DEFAULT_MAX_MOVED_SHARE, carry_over, level_findings, moved_finding
from zones.errors import N_
from zones.validation import BLOCKING, DEFAULT_TIME_LIMIT_S, Finding, Report, repair, validate
from zones.workflow import Reference


class UploadRefused(InvalidData):
    """An upload refused before its content was looked at (unsafe, unreadable, unclear)."""

    def __init__(self, error: VectorFileError):
        super().__init__(error.message, field=error.field, **error.params)
        self.reason = error.code


def read(path: Path, filename: str, *, layer: str | None = None, encoding: str | None = None,
         declared_crs: str | None = None, max_bytes: int | None = None) -> VectorUpload:
    options = {"max_bytes": max_bytes} if max_bytes else {}
    try:
        return read_upload(path, filename, layer=layer or None, encoding=encoding or None,
                           declared_crs=declared_crs or None, **options)
    except VectorFileError as error:
        raise UploadRefused(error) from error


def check(upload: VectorUpload, mapping: dict, reference: Reference, *, fix: bool = False,
          time_limit_s: float = DEFAULT_TIME_LIMIT_S,
          max_moved_share: float = DEFAULT_MAX_MOVED_SHARE,
          progress: Callable[[str], None] = lambda step: None) -> tuple[list[Zone], Report]:
    """Map, complete from the published version (zones.partial) and validate; with
    `fix`, invalid geometry is repaired first. A clean result is also compared with the
    published version: whole levels replaced or many addresses moved need acceptance."""
    fields = FieldMapping.from_dict(mapping, upload.columns)
    zones, name_findings = resolve_school_names(
        zones_from_frame(upload.frame, fields), school_names_of(upload.frame, fields),
        reference.schools)
    if fix:
        zones = repair(zones)
    zones, notes = carry_over(zones, reference.published, bool(mapping.get("address_rules")))
    report = validate(zones, reference.schools, reference.district, reference.places,
                      time_limit_s=time_limit_s, progress=progress)
    report.notes = notes
    report.findings[:0] = name_findings
    if not fix:
        report.findings[:0] = [unclosed_ring(zones[row]) for row in upload.unclosed_rows]
    if report.ok and reference.published is not None:
        progress("impact")
        report.findings.extend(level_findings(zones, reference.published))
        summary = impact(ZoneSet("candidate", "draft", None, zones=zones), reference.published,
                         reference.district, reference.places).summary()
        moved = moved_finding(summary["addresses_moved"], summary["addresses_checked"],
                              max_moved_share)
        if moved is not None:
            report.findings.append(moved)
    return zones, report


@dataclass
class Checked:
    """What checking a file in a child process sends back: facts about the file, the
    mapping used, the zones (with what the published version carried over) and the report."""

    sha256: str
    source_crs: str
    features: int
    warnings: list[dict]
    preview: list[dict]
    mapping: dict
    zones: list[Zone]
    report: Report


def check_file(path: Path, filename: str, mapping: dict | None, reference: Reference, *,
               options: dict | None = None, overrides: dict | None = None, fix: bool = False,
               time_limit_s: float = DEFAULT_TIME_LIMIT_S,
               max_moved_share: float = DEFAULT_MAX_MOVED_SHARE, max_bytes: int | None = None,
               progress: Callable[[str], None] = lambda step: None) -> Checked:
    """Read → map → validate → compare, the whole of a check, as one picklable call (what
    zones.jobs and `flask zones import` run in a time-limited child). Without `mapping`,
    the one guessed from the column names, with `overrides` applied."""
    progress("read")
    options = options or {}
    upload = read(path, filename, layer=options.get("layer"), encoding=options.get("encoding"),
                  declared_crs=options.get("crs"), max_bytes=max_bytes)
    progress("mapping")
    if mapping is None:
        mapping = {**guess_mapping(upload.columns), **(overrides or {})}
    zones, report = check(upload, mapping, reference, fix=fix, time_limit_s=time_limit_s,
                          max_moved_share=max_moved_share, progress=progress)
    return Checked(upload.sha256, upload.source_crs, len(upload.frame), upload.warnings,
                   upload.preview(3), mapping, zones, report)


def unclosed_ring(zone: Zone) -> Finding:
    """A ring whose last point is not its first: GIS programs close it silently, GEOS
    refuses it; the file is read with the ring closed and the report says where."""
    spot = zone.geometry.representative_point() if not zone.geometry.is_empty else None
    return Finding("unclosed_ring", BLOCKING, N_(
        "学区 %(zone)s 的边界没有闭合（最后一个点不是第一个点）。可以勾选“自动修复”把它连上，"
        "或在 GIS 软件里修正。"), {"zone": zone.zone_id}, zone_id=zone.zone_id,
        level=zone.level, lng=round(spot.x, 6) if spot else None,
        lat=round(spot.y, 6) if spot else None, repairable=True)


def map_fields(upload: VectorUpload, mapping: dict | None = None) -> list[Zone]:
    """The file's rows as zones, through `mapping` (by default the one guessed from the
    column names, which for a file in the dataset layout is every target by its name)."""
    mapping = guess_mapping(upload.columns) if mapping is None else mapping
    return zones_from_frame(upload.frame, FieldMapping.from_dict(mapping, upload.columns))


def read_zone_file(path: Path) -> list[Zone]:
    """A zone file in the dataset layout (docs/DATA.md), read and mapped like an upload."""
    return map_fields(read(path, path.name))


def check_dataset_files(paths: list[Path], reference: Reference
                        ) -> tuple[list[Zone], Report, str]:
    """Zone files of one dataset version, read, mapped and validated together as one
    version. Returns the zones, the report and one SHA-256 for the set of files. A file
    that breaks a blocking rule raises InvalidData naming the first problem: a dataset
    is loaded whole or not at all."""
    uploads = [read(path, path.name) for path in paths]
    zones = [zone for upload in uploads for zone in map_fields(upload)]
    report = validate(zones, reference.schools, reference.district, reference.places)
    if not report.ok:
        first = report.blocking[0]
        raise InvalidData(first.message, field=first.code, **first.params)
    digest = hashlib.sha256("".join(u.sha256 for u in uploads).encode()).hexdigest()
    return zones, report, digest
