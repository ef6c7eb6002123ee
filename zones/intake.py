"""From an uploaded file to checked zones: read (gis.vector_io), map fields, validate.
The web upload pages and `flask zones import` both go through here."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gis.vector_io import VectorFileError, VectorUpload, read_upload
from zones.errors import InvalidData
from zones.mapping import FieldMapping, zones_from_frame
from zones.model import Zone
from zones.validation import DEFAULT_TIME_LIMIT_S, Report, repair, validate
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
          progress: Callable[[str], None] = lambda step: None) -> tuple[list[Zone], Report]:
    """Map and validate; with `fix`, invalid geometry is repaired by make_valid first."""
    zones = zones_from_frame(upload.frame, FieldMapping.from_dict(mapping, upload.columns))
    if fix:
        zones = repair(zones)
    report = validate(zones, reference.schools, reference.district, reference.places,
                      time_limit_s=time_limit_s, progress=progress)
    return zones, report
